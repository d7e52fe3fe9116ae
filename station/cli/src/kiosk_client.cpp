// The kiosk as a client of the station service: see kiosk_client.hpp. Layer: cli.
#include "kiosk_client.hpp"

#include "api.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace etabli::cli {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

constexpr std::size_t kMaxSnapshot = 256u << 20;  // a workshop of many thousand tools is far smaller

app::Reply failed(std::uint64_t request, core::Problem p) {
    app::Reply r;
    r.request_id = request;
    r.ok = false;
    r.problem = std::move(p);
    return r;
}

}  // namespace

RemoteStation::RemoteStation(fs::path socket) : m_socket(std::move(socket)) {}

RemoteStation::~RemoteStation() {
    m_stopping = true;
    if (m_stop_pipe[1] >= 0) [[maybe_unused]] auto n = ::write(m_stop_pipe[1], "x", 1);
    if (m_thread.joinable()) m_thread.join();
    if (m_fd >= 0) ::close(m_fd);
    for (int fd : m_stop_pipe)
        if (fd >= 0) ::close(fd);
}

std::expected<void, std::string> RemoteStation::open(milliseconds timeout) {
    ApiClient client;
    auto hello = client.connect(m_socket, "etabli-kiosk", timeout);
    if (!hello) return std::unexpected(hello.error());
    if (!hello->value("ok", false)) return std::unexpected((*hello)["error"].value("message", std::string("?")));
    auto reply = client.request(json{{"op", "kiosk"}, {"schema", wire::schema_text()}}, timeout);
    if (!reply) return std::unexpected(reply.error());
    if (!reply->value("ok", false)) return std::unexpected((*reply)["error"].value("message", std::string("?")));
    auto [fd, rest] = client.release();
    timeval tv{2, 0};  // the GUI thread never waits long on a station that stopped reading
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::lock_guard w(m_write);
    std::lock_guard lk(m_mutex);
    m_fd = fd;
    m_buf = std::move(rest);
    m_decoder = wire::SnapshotDecoder{};  // the station's encoder is new too
    m_connected = true;
    m_dirty = true;
    return {};
}

std::expected<void, std::string> RemoteStation::start(milliseconds timeout) {
    if (::pipe2(m_stop_pipe, O_CLOEXEC) != 0) return std::unexpected(std::string(std::strerror(errno)));
    if (auto r = open(timeout); !r) return r;
    m_thread = std::thread([this] { run(); });
    const auto deadline = steady_clock::now() + timeout;
    for (;;) {
        {
            std::lock_guard lk(m_mutex);
            if (m_latest) return {};
        }
        if (steady_clock::now() > deadline) return std::unexpected(std::string("no snapshot from the station"));
        std::this_thread::sleep_for(milliseconds(5));
    }
}

void RemoteStation::run() {
    while (!m_stopping) {
        // An exception escaping this thread would leave the kiosk frozen: it is logged and
        // the connection starts again.
        try {
            if (m_fd < 0) {
                if (auto r = open(seconds(2)); !r) {
                    pollfd p{m_stop_pipe[0], POLLIN, 0};
                    ::poll(&p, 1, 500);
                    continue;
                }
                log_line(LogLevel::info, "the kiosk is connected to the station again");
                wake();
            }
            if (!read_frames()) lost("the station closed the connection");
        } catch (const std::exception& e) {
            lost(e.what());
        }
    }
}

bool RemoteStation::read_frames() {
    // Frames already read (with the switch, or with the previous chunk) first.
    bool changed = false;
    for (;;) {
        auto f = wire::next_frame(m_buf, kMaxSnapshot);
        if (!f) throw std::runtime_error(f.error());
        if (!*f) break;
        auto& fr = **f;
        if (fr.kind == wire::FrameKind::snapshot) {
            auto snap = m_decoder.decode(fr.body);
            if (!snap) throw std::runtime_error("a snapshot the kiosk cannot read: " + snap.error());
            std::lock_guard lk(m_mutex);
            m_latest = std::move(*snap);
            m_dirty = true;
        } else if (fr.kind == wire::FrameKind::reply) {
            auto reply = wire::decode_reply(fr.body);
            if (!reply) throw std::runtime_error("a reply the kiosk cannot read: " + reply.error());
            std::lock_guard lk(m_mutex);
            if (m_pending.erase(fr.request) > 0) m_replies.push_back(std::move(*reply));  // late ones were given up
        } else {
            throw std::runtime_error("a command from the station");
        }
        changed = true;
    }
    if (changed) wake();

    {  // a reply that never came is given up on (kReplyTimeout)
        bool late = false;
        {
            std::lock_guard lk(m_mutex);
            const auto now = steady_clock::now();
            for (auto it = m_pending.begin(); it != m_pending.end();) {
                if (now - it->second > kReplyTimeout) {
                    m_replies.push_back(failed(it->first, core::problem("The station did not answer in time: look at the screen before trying again")));
                    it = m_pending.erase(it);
                    late = true;
                } else {
                    ++it;
                }
            }
        }
        if (late) wake();
    }
    pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
    // Wakes at least every second, for the check above.
    const int r = ::poll(fds, 2, 1000);
    if (r < 0) return errno == EINTR;
    if (m_stopping) return true;
    if (r == 0) return true;
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) return true;
    char chunk[65536];
    const auto n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    m_buf.append(chunk, static_cast<std::size_t>(n));
    return true;
}

void RemoteStation::lost(const std::string& why) {
    {
        std::lock_guard w(m_write);
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }
    {
        std::lock_guard lk(m_mutex);
        m_buf.clear();
        if (m_connected) log_line(LogLevel::warning, "the kiosk lost the station (" + why + "): reconnecting");
        m_connected = false;
        // Sent, maybe done: the screen (at the next connection) says whether it was.
        for (const auto& [request, since] : m_pending)
            m_replies.push_back(failed(request, core::problem("The station service stopped answering: look at the screen before trying again")));
        m_pending.clear();
        m_dirty = true;
    }
    wake();
}

void RemoteStation::wake() {
    // Under the lock: once set_wake({}) returns, no wake-up of the old hook runs any more (the
    // window's may not outlive GLFW). The hooks are short and never call back in here.
    std::lock_guard lk(m_mutex);
    if (m_wake) m_wake();
}

void RemoteStation::set_wake(std::function<void()> wake) {
    std::lock_guard lk(m_mutex);
    m_wake = std::move(wake);
}

std::shared_ptr<const app::Snapshot> RemoteStation::snapshot() {
    bool again = false;
    std::shared_ptr<const app::Snapshot> out;
    {
        std::lock_guard lk(m_mutex);
        if (!m_replies.empty()) {
            m_shown = std::move(m_replies.front());
            m_replies.pop_front();
            m_dirty = true;
            again = !m_replies.empty();  // the next one at the next frame
        }
        if (m_dirty && m_latest) {
            auto view = std::make_shared<app::Snapshot>(*m_latest);
            view->last_reply = m_shown;
            if (!m_connected) {  // for hosts, and on the idle screen's banner for everyone
                view->storage_problem = core::storage_problem("The station service does not answer on {0}: the kiosk reconnects by itself",
                                                              {m_socket.string()});
                view->controller_messages.push_back(
                    app::ControllerMessage{std::nullopt, core::problem("The station does not answer: the kiosk reconnects by itself"), m_latest->at});
            }
            m_view = std::move(view);
            m_dirty = false;
        }
        out = m_view;
    }
    if (again) wake();
    return out;
}

void RemoteStation::post_async(app::Command c, std::uint64_t request_id) {
    const auto bytes = wire::frame(wire::FrameKind::command, wire::encode_command(c), request_id);
    bool sent = false;
    {
        std::lock_guard w(m_write);
        if (m_fd >= 0) {
            {
                std::lock_guard lk(m_mutex);
                m_pending[request_id] = steady_clock::now();
            }
            sent = send_all(m_fd, bytes);
            if (!sent) ::shutdown(m_fd, SHUT_RDWR);  // the reader thread sees it go and reconnects
        }
    }
    if (!sent) {
        std::lock_guard lk(m_mutex);
        m_pending.erase(request_id);
        m_replies.push_back(failed(request_id, core::problem("The station service does not answer: try again in a moment")));
    }
    if (!sent) wake();
}

}  // namespace etabli::cli
