// The station's API server: JSON lines on a Unix socket, one thread per client (at most
// Options::max_clients), each reply carrying its request's id. See api.hpp, docs/API.md.
// Layer: cli. The accept thread and the client threads; start()/stop() from the owner's.
//
// [SECTION] index
//   Logging and paths
//   Snapshot summary
//   Server: start, accept, stop
//   One client: rights, lines, requests, subscription
#include "api.hpp"
#include "io.hpp"
#include "kiosk_wire.hpp"

#include <etabli/app/reply.hpp>

#include <etabli/core/time.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <sstream>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace etabli::cli {

namespace fs = std::filesystem;
using json = nlohmann::json;

// [SECTION] Logging and paths
void log_line(LogLevel level, const std::string& text) {
    std::string line;
    if (std::getenv("JOURNAL_STREAM")) {
        line = "<" + std::to_string(static_cast<int>(level)) + ">" + text;
    } else {
        const char* name = level == LogLevel::error ? "error" : level == LogLevel::warning ? "warning" : "info";
        line = "etabli[" + std::to_string(::getpid()) + "] " + name + ": " + text;
    }
    for (auto& c : line)
        if (c == '\n') c = ' ';  // one event, one line
    line += '\n';
    [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
}

bool send_all(int fd, std::string_view bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;  // EAGAIN after SO_SNDTIMEO: the peer does not read; EPIPE: it left
        }
        off += static_cast<std::size_t>(n);
    }
    return true;
}

fs::path default_socket_path() {
    if (const char* s = std::getenv("ETABLI_SOCKET"); s && *s) return s;
    if (const char* r = std::getenv("RUNTIME_DIRECTORY"); r && *r) {
        std::string first = r;  // systemd may list several, separated by ':'
        if (auto colon = first.find(':'); colon != std::string::npos) first.resize(colon);
        return fs::path(first) / "station.sock";
    }
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x) return fs::path(x) / "etabli" / "station.sock";
    return fs::path("/tmp") / ("etabli-" + std::to_string(::getuid())) / "station.sock";
}

namespace {

bool is_unix_socket(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// Connects to a Unix socket; -1 with errno set when nobody listens there.
int connect_unix(const fs::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto s = path.string();
    if (s.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const int e = errno;
        ::close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

}  // namespace

std::optional<fs::path> station_socket(const fs::path& db, bool db_given) {
    if (auto h = db::OwnerLock::holder(db); h && !h->socket.empty()) return fs::path(h->socket);
    if (db_given) return std::nullopt;
    if (const char* s = std::getenv("ETABLI_SOCKET"); s && *s && is_unix_socket(s)) return fs::path(s);
    if (is_unix_socket("/run/etabli/station.sock")) return fs::path("/run/etabli/station.sock");
    return std::nullopt;
}

// [SECTION] Snapshot summary
const char* claim_name(app::TapClaim c) {
    switch (c) {
    case app::TapClaim::presence: return "presence";
    case app::TapClaim::enrolment: return "enrolment";
    case app::TapClaim::sign_off: return "sign_off";
    case app::TapClaim::supervision: return "supervision";
    case app::TapClaim::help: return "help";
    case app::TapClaim::attendance: return "attendance";
    }
    return "presence";
}

core::Problem describe_claim(const app::TapView& tap) {
    const std::string name = tap.member ? tap.member->display_name : tap.uid;
    if (tap.refusal) return *tap.refusal;
    switch (tap.claim) {
    case app::TapClaim::enrolment: return core::problem("Badge {0} read for the enrolment under way: nobody checked in or out", {tap.uid});
    case app::TapClaim::sign_off: return core::problem("{0}'s badge confirmed the skill sign-off: nobody checked in or out", {name});
    case app::TapClaim::supervision: return core::problem("{0}'s badge confirmed a supervised machine use: nobody checked in or out", {name});
    case app::TapClaim::help: return core::problem("{0} answers the help request: nobody checked in or out", {name});
    case app::TapClaim::attendance: return core::problem("{0} is marked present at the training: nobody checked in or out", {name});
    case app::TapClaim::presence: break;
    }
    return core::Problem{"{0}", {name}};  // the name as it is: not a message
}

json presence_json(const app::Snapshot& s) {
    json present = json::array();
    for (const auto& p : s.present)
        present.push_back({{"id", p.id}, {"name", p.name}, {"since", core::format_timestamp(p.since)}, {"since_local", p.since_hhmm}});
    return present;
}

json snapshot_json(const app::Snapshot& s) {
    json present = presence_json(s);
    json machines = json::array();
    for (const auto& m : s.machines) {
        json j{{"id", m.machine.id}, {"name", m.machine.name}, {"status", alloc::to_string(m.machine.status)}, {"power", m.power}};
        if (m.session)
            j["session"] = {{"id", m.session->id}, {"member", m.session->member}, {"member_name", m.session_member},
                            {"started", core::format_timestamp(m.session->started)},
                            {"until", core::format_timestamp(m.session->allowed_until)}, {"until_local", m.until_hhmm}};
        machines.push_back(std::move(j));
    }
    return json{{"version", s.version},
                {"at", core::format_timestamp(s.at)},
                {"local_time", s.local_hhmm},
                {"members", s.directory ? s.directory->members.size() : 0},
                {"present", std::move(present)},
                {"machines", std::move(machines)},
                {"upcoming_bookings", s.upcoming.size()},
                {"loans", s.tools ? s.tools->loans.size() : 0}};
}

// [SECTION] Server: start, accept, stop
inline constexpr std::size_t kReadOnlyClientsPerUser = 16;

struct ApiServer::Conn {
    int fd = -1;
    uid_t uid = static_cast<uid_t>(-1);
    int event_fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
    std::atomic<bool> subscribed{false};
};

ApiServer::ApiServer(Served served, Options opts) : m_served(std::move(served)), m_opts(std::move(opts)) {}

ApiServer::~ApiServer() { stop(); }

std::expected<void, core::Problem> ApiServer::start() {
    const auto& path = m_opts.socket;
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
    }
    if (path.string().size() >= sizeof(sockaddr_un{}.sun_path))
        return std::unexpected(core::storage_problem("The socket path {0} is too long", {path.string()}));
    if (fs::exists(fs::symlink_status(path, ec))) {
        if (const int fd = connect_unix(path); fd >= 0) {
            ::close(fd);
            return std::unexpected(core::storage_problem("Another station already answers on {0}", {path.string()}));
        }
        if (!is_unix_socket(path))
            return std::unexpected(core::storage_problem("{0} exists and is not a socket", {path.string()}));
        fs::remove(path, ec);  // a stale socket of a station that died
    }
    m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen < 0) return std::unexpected(core::storage_problem("Cannot open a socket: {0}", {std::strerror(errno)}));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.string().size() + 1);
    if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen, 64) != 0) {
        const std::string why = std::strerror(errno);
        ::close(m_listen);
        m_listen = -1;
        return std::unexpected(core::storage_problem("Cannot listen on {0}: {1}", {path.string(), why}));
    }
    ::chmod(path.c_str(), 0666);  // every local user may connect; SO_PEERCRED decides what they may do
    if (::pipe2(m_stop_pipe, O_CLOEXEC) != 0) {
        ::close(m_listen);
        m_listen = -1;
        return std::unexpected(core::storage_problem("Cannot open a pipe: {0}", {std::strerror(errno)}));
    }
    m_stopping = false;
    m_accept = std::thread([this] {
        // An exception escaping the accept loop is logged and the loop starts again.
        while (!m_stopping) {
            try {
                accept_loop();
            } catch (const std::exception& e) {
                log_line(LogLevel::error, std::string("API: the accept loop failed, restarting it: ") + e.what());
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
    });
    return {};
}

void ApiServer::stop() {
    if (!m_accept.joinable()) return;
    m_stopping = true;
    [[maybe_unused]] auto n = ::write(m_stop_pipe[1], "x", 1);
    m_accept.join();
    reap(true);
    ::close(m_listen);
    m_listen = -1;
    ::close(m_stop_pipe[0]);
    ::close(m_stop_pipe[1]);
    m_stop_pipe[0] = m_stop_pipe[1] = -1;
    std::error_code ec;
    fs::remove(m_opts.socket, ec);
}

void ApiServer::snapshot_changed() {
    std::lock_guard lk(m_mutex);
    const std::uint64_t one = 1;
    for (const auto& c : m_conns)
        if (c->subscribed && !c->done) [[maybe_unused]] auto n = ::write(c->event_fd, &one, sizeof one);
}

void ApiServer::reap(bool all) {
    std::list<std::shared_ptr<Conn>> gone;
    {
        std::lock_guard lk(m_mutex);
        for (auto it = m_conns.begin(); it != m_conns.end();) {
            if (all || (*it)->done) {
                if (all) ::shutdown((*it)->fd, SHUT_RDWR);  // wakes its thread
                gone.push_back(std::move(*it));
                it = m_conns.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : gone) {
        if (all) {
            const std::uint64_t one = 1;
            [[maybe_unused]] auto n = ::write(c->event_fd, &one, sizeof one);
        }
        if (c->thread.joinable()) c->thread.join();
        ::close(c->fd);
        ::close(c->event_fd);
    }
}

void ApiServer::accept_loop() {
    while (!m_stopping) {
        pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
        if (::poll(fds, 2, 1000) < 0 && errno != EINTR) throw std::runtime_error(std::strerror(errno));
        reap(false);
        if (m_stopping || (fds[1].revents & POLLIN)) return;
        if (!(fds[0].revents & POLLIN)) continue;
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        bool full = false;
        {
            std::lock_guard lk(m_mutex);
            full = m_conns.size() >= m_opts.max_clients;
        }
        if (full) {
            const std::string line = json{{"id", nullptr}, {"ok", false},
                                          {"error", {{"code", "busy"}, {"message", "Too many clients: try again in a moment"}}}}
                                         .dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
            [[maybe_unused]] auto n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::close(fd);
            continue;
        }
        auto c = std::make_shared<Conn>();
        c->fd = fd;
        c->event_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (c->event_fd < 0) {
            ::close(fd);
            continue;
        }
        std::lock_guard lk(m_mutex);
        m_conns.push_back(c);
        try {
            c->thread = std::thread([this, c] {
            try {
                serve_client(c);
            } catch (const std::exception& e) {
                log_line(LogLevel::error, std::string("API: a client's thread failed: ") + e.what());
            }
            ::shutdown(c->fd, SHUT_RDWR);
            c->done = true;
            });
        } catch (const std::system_error& e) {  // no thread for it: its place and fds go back
            log_line(LogLevel::error, std::string("API: cannot start a client's thread: ") + e.what());
            m_conns.pop_back();
            ::close(c->fd);
            ::close(c->event_fd);
        }
    }
}

// [SECTION] One client: rights, lines, requests, subscription
namespace {

// The etabli user itself (the station's own), root, and members of etabli-admin may write.
bool may_write(const ucred& cred) {
    if (cred.uid == 0 || cred.uid == ::geteuid()) return true;
    std::vector<char> buf(16384);
    group grp{};
    group* g = nullptr;
    if (::getgrnam_r("etabli-admin", &grp, buf.data(), buf.size(), &g) != 0 || !g) return false;
    const gid_t admin = g->gr_gid;
    if (cred.gid == admin) return true;
    passwd pw{};
    passwd* p = nullptr;
    std::vector<char> pbuf(16384);
    if (::getpwuid_r(cred.uid, &pw, pbuf.data(), pbuf.size(), &p) != 0 || !p) return false;
    int n = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(n));
    if (::getgrouplist(p->pw_name, p->pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<std::size_t>(n));
        if (::getgrouplist(p->pw_name, p->pw_gid, groups.data(), &n) < 0) return false;
    }
    for (int i = 0; i < n; ++i)
        if (groups[static_cast<std::size_t>(i)] == admin) return true;
    return false;
}


}  // namespace

// A kiosk stream: every new snapshot goes to the kiosk as it is published (its shared
// parts only when they changed); each command the kiosk sends runs in the Station and its
// reply follows the snapshot that shows it. The client is trusted to write (checked at the
// switch) but not to speak for the station's devices (wire::kiosk_may_send).
void ApiServer::serve_kiosk(const std::shared_ptr<Conn>& c, std::string buf) {
    constexpr std::size_t kMaxCommand = 4u << 20;  // an import from the kiosk is far smaller
    wire::SnapshotEncoder encoder;
    std::uint64_t sent_version = 0;
    c->subscribed = true;
    auto send_snapshot = [&]() -> bool {
        const auto snap = m_served.station->snapshot();
        if (!snap || snap->version == sent_version) return true;
        sent_version = snap->version;
        return send_all(c->fd, wire::frame(wire::FrameKind::snapshot, encoder.encode(*snap)));
    };
    if (!send_snapshot()) return;
    log_line(LogLevel::info, "a kiosk connected (uid " + std::to_string(c->uid) + ")");
    struct Gone {
        ~Gone() { log_line(LogLevel::info, "a kiosk left"); }
    } gone;
    char chunk[16384];
    while (!m_stopping) {
        // Bytes already read with the switch are handled before waiting for more.
        for (;;) {
            auto f = wire::next_frame(buf, kMaxCommand);
            if (!f) {
                log_line(LogLevel::warning, "API: a kiosk sent " + f.error() + ": dropped");
                return;
            }
            if (!*f) break;
            if ((*f)->kind != wire::FrameKind::command) {
                log_line(LogLevel::warning, "API: a kiosk sent something else than a command: dropped");
                return;
            }
            const auto request = (*f)->request;
            app::Result r = std::unexpected(core::problem("The station failed on this request: {0}", {"kiosk"}));
            auto command = wire::decode_command((*f)->body);
            if (!command) {
                r = std::unexpected(core::problem("The kiosk sent a command the station cannot read ({0}): is it the same version?", {command.error()}));
            } else if (!wire::kiosk_may_send(*command)) {
                r = std::unexpected(core::problem("A kiosk cannot send this command: only the station's own devices do"));
            } else {
                // The kiosk's own keyboard is its only reader: it never speaks for a machine's.
                if (auto* tap = std::get_if<app::BadgeSeen>(&*command); tap && tap->reader.kind() != app::ReaderRef::Kind::kiosk)
                    tap->reader = app::ReaderRef("keyboard");
                m_slots.acquire();
                struct Release {
                    std::counting_semaphore<4096>& s;
                    ~Release() { s.release(); }
                } release_slot{m_slots};
                r = m_served.station->call(std::move(*command), app::Origin::kiosk);
            }
            if (!send_snapshot()) return;
            if (!send_all(c->fd, wire::frame(wire::FrameKind::reply, wire::encode_reply(app::reply_of(request, r)), request))) return;
        }
        pollfd fds[2] = {{c->fd, POLLIN, 0}, {c->event_fd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (m_stopping) return;
        if (fds[1].revents & POLLIN) {
            std::uint64_t n = 0;
            [[maybe_unused]] auto rd = ::read(c->event_fd, &n, sizeof n);
            if (!send_snapshot()) return;
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const auto n = ::recv(c->fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;  // the kiosk closed or was killed: its sessions go on in the station
        buf.append(chunk, static_cast<std::size_t>(n));
    }
}

void ApiServer::serve_client(const std::shared_ptr<Conn>& c) {
    // Each client thread has its own working folder, so that a command's relative file
    // names are the client's (CLONE_FS: cwd is per thread from here on).
    const bool own_cwd = ::unshare(CLONE_FS) == 0;
    // Many clients at once yield to the station: when more requests run than the PC has
    // cores (fifty scripts reading), each runs at nice 10, so the Station thread, the readers
    // and the window keep their time and a client's reply waits instead. One or a few clients
    // (a command, a kiosk) run at the station's own priority.
    const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    int my_nice = 0;
    auto enter = [&] {
        const int busy = m_active.fetch_add(1) + 1;
        const int want = busy > cores ? 10 : 0;
        if (want != my_nice && ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), want) == 0) my_nice = want;
    };
    struct Leave {
        std::atomic<int>& a;
        ~Leave() { --a; }
    };
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return;
    const bool writer = may_write(cred);
    c->uid = cred.uid;
    if (!writer) {  // one local user without rights cannot take every place
        std::size_t same = 0;
        {
            std::lock_guard lk(m_mutex);
            for (const auto& o : m_conns) same += !o->done && o->uid == cred.uid ? 1 : 0;
        }
        if (same > kReadOnlyClientsPerUser) {
            send_all(c->fd, json{{"id", nullptr}, {"ok", false}, {"error", {{"code", "busy"}, {"message", "Too many clients: try again in a moment"}}}}
                                 .dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
            return;
        }
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(m_opts.write_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((m_opts.write_timeout.count() % 1000) * 1000);
    ::setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

    const auto& tr = *m_served.translations;
    core::Lang lang = core::Lang::fr;
    bool hello = false;
    std::uint64_t sent_version = 0;
    std::string buf;
    bool kiosk_stream = false;

    auto error = [&](const json& id, const char* code, const core::Problem& p) {
        return json{{"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", tr.render(lang, p)}}}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    };
    auto send_snapshot = [&]() -> bool {
        const auto snap = m_served.station->snapshot();
        if (!snap || snap->version == sent_version) return true;
        sent_version = snap->version;
        return send_all(c->fd, json{{"event", "snapshot"}, {"snapshot", snapshot_json(*snap)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    };

    // One request line: its reply (or replies), false to drop the client.
    auto handle = [&](const std::string& line) -> bool {
        json req = json::parse(line, nullptr, false);
        if (req.is_discarded())
            return send_all(c->fd, error(nullptr, "bad_json", core::problem("This line is not JSON: send one JSON object per line")));
        if (!req.is_object())
            return send_all(c->fd, error(nullptr, "bad_request", core::problem("A request is a JSON object with an \"id\" and an \"op\"")));
        const json id = req.contains("id") ? req["id"] : json(nullptr);
        if (!id.is_number_integer() && !id.is_string())
            return send_all(c->fd, error(nullptr, "bad_request", core::problem("A request needs an \"id\" (a number or a text), given back with its reply")));
        if (!req.contains("op") || !req["op"].is_string())
            return send_all(c->fd, error(id, "bad_request", core::problem("A request needs an \"op\": hello, cli, presence, tap, book, snapshot, subscribe, unsubscribe or ping")));
        const std::string op = req["op"];
        if (auto l = req.find("lang"); l != req.end() && l->is_string())
            if (auto parsed = core::lang_from_string(l->get<std::string>())) lang = *parsed;
        if (op == "hello") {
            const std::string theirs = req.contains("version") && req["version"].is_string() ? req["version"].get<std::string>() : "";
            const std::string ours = std::to_string(kApiMajor) + "." + std::to_string(kApiMinor);
            int major = -1;
            if (auto dot = theirs.find('.'); dot != std::string::npos && dot > 0 && dot <= 4)
                major = std::atoi(theirs.substr(0, dot).c_str());
            if (major != kApiMajor) {
                send_all(c->fd, error(id, "version", core::problem("This station speaks API version {0}; the client speaks {1}. Use an etabli of the same major version",
                                                                    {ours, theirs.empty() ? "?" : theirs})));
                return false;
            }
            hello = true;
            json reply{{"id", id}, {"ok", true}, {"version", ours}, {"server", m_opts.server}, {"pid", ::getpid()},
                       {"db", m_served.db_path.string()}, {"rights", writer ? "write" : "read"}};
            // A station started again by a restore says how it went, to the client waiting.
            if (!m_served.restore_result.empty()) reply["restore"] = json::parse(m_served.restore_result, nullptr, false);
            return send_all(c->fd, reply.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        if (!hello)
            return send_all(c->fd, error(id, "hello_first", core::problem("Say hello first: {\"id\":1,\"op\":\"hello\",\"version\":\"{0}.{1}\"}",
                                                                         {std::to_string(kApiMajor), std::to_string(kApiMinor)})));
        if (op == "ping") return send_all(c->fd, json{{"id", id}, {"ok", true}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        // Names, badges and who is in are members' personal data: not for read-only users.
        if (!writer && (op == "snapshot" || op == "presence" || op == "subscribe"))
            return send_all(c->fd, error(id, "rights", core::problem("Refused: \"{0}\" shows members' personal data, which only the etabli user and the etabli-admin group may see (missing right: write)", {op})));
        if (op == "snapshot") {
            const auto snap = m_served.station->snapshot();
            return send_all(c->fd, json{{"id", id}, {"ok", true}, {"snapshot", snapshot_json(*snap)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        // Typed requests: the kiosk's and scripts' hot paths, without the command line's
        // parser. Same station, same rules, the same refusals in the client's language.
        if (op == "presence") {
            const auto snap = m_served.station->snapshot();
            return send_all(c->fd, json{{"id", id}, {"ok", true}, {"present", presence_json(*snap)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        if (op == "tap" || op == "book") {
            if (!writer)
                return send_all(c->fd, error(id, "rights", core::problem("Refused: \"{0}\" changes the workshop's data or writes a file, which only the etabli user and the etabli-admin group may do (missing right: write)", {op})));
            if (op == "tap") {
                const auto uid = req.find("uid");
                if (uid == req.end() || !uid->is_string())
                    return send_all(c->fd, error(id, "bad_request", core::problem("\"tap\" needs \"uid\": the badge number as a text")));
                const auto before = m_served.station->snapshot();
                const auto seq_before = before->last_tap ? before->last_tap->seq : 0;
                auto r = m_served.station->call(app::BadgeSeen{uid->get<std::string>(), "cli"});
                const auto after = m_served.station->snapshot();
                // A capture took this badge (an enrolment, a sign-off, "J'aide", attendance):
                // the reply says which, as the station decided it. (The station's taps are one at
                // a time: the first new tap after ours began can only be ours, a kiosk's badge
                // meanwhile aside, whose number then differs.)
                const auto normalized = core::normalize_uid(uid->get<std::string>());
                if (after->last_tap && after->last_tap->seq > seq_before && normalized && after->last_tap->uid == *normalized &&
                    after->last_tap->claim != app::TapClaim::presence && !std::get_if<app::TapView>(r ? &*r : nullptr)) {
                    const auto& t = *after->last_tap;
                    json j{{"id", id}, {"ok", r.has_value()}, {"outcome", claim_name(t.claim)}, {"refused", !r.has_value()},
                           {"at", core::format_timestamp(t.at)}, {"message", tr.render(t.member ? t.member->lang : lang, describe_claim(t))}};
                    if (t.member) j["member"] = json{{"id", t.member->id}, {"name", t.member->display_name}};
                    return send_all(c->fd, j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
                }
                if (!r) return send_all(c->fd, error(id, "refused", r.error()));
                const auto* tap = std::get_if<app::TapView>(&*r);
                if (!tap) return send_all(c->fd, error(id, "refused", core::problem("The station failed on this request: {0}", {"tap"})));
                const auto& d = tap->decision;
                const auto name = tap->member ? tap->member->display_name : std::string();
                const auto speak = tap->member ? tap->member->lang : lang;
                json j{{"id", id}, {"ok", true}, {"outcome", core::to_string(d.kind)}, {"refused", core::is_refusal(d.kind)},
                       {"at", core::format_timestamp(tap->at)}, {"message", tr.render(speak, core::describe(d, name))}};
                if (tap->member) j["member"] = json{{"id", tap->member->id}, {"name", name}};
                return send_all(c->fd, j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
            }
            auto number = [&](const char* key) -> std::optional<std::int64_t> {
                const auto it = req.find(key);
                if (it == req.end() || !it->is_number_integer()) return std::nullopt;
                return it->get<std::int64_t>();
            };
            const auto machine = number("machine"), member = number("member"), minutes = number("minutes");
            const auto from = req.contains("from") && req["from"].is_string() ? core::parse_timestamp(req["from"].get<std::string>())
                                                                               : std::nullopt;
            if (!machine || !member || !minutes || !from || *minutes <= 0 || *minutes > 24 * 60)
                return send_all(c->fd, error(id, "bad_request", core::problem("\"book\" needs \"machine\" and \"member\" (numbers), \"from\" (UTC, e.g. 2026-12-07T13:00:00Z) and \"minutes\" (1 to 1440)")));
            app::Book b;
            b.machine = static_cast<alloc::MachineId>(*machine);
            b.member = static_cast<core::MemberId>(*member);
            b.start = *from;
            b.end = *from + std::chrono::minutes(*minutes);
            b.as_host = req.contains("as_host") && req["as_host"].is_boolean() && req["as_host"].get<bool>();
            auto r = m_served.station->call(b);
            if (!r) return send_all(c->fd, error(id, "refused", r.error()));
            json list = json::array();
            if (const auto* bookings = std::get_if<std::vector<alloc::Booking>>(&*r))
                for (const auto& bk : *bookings)
                    list.push_back({{"id", bk.id}, {"machine", bk.machine}, {"member", bk.member},
                                    {"start", core::format_timestamp(bk.start)}, {"end", core::format_timestamp(bk.end)}});
            return send_all(c->fd, json{{"id", id}, {"ok", true}, {"bookings", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        if (op == "subscribe") {
            c->subscribed = true;
            sent_version = 0;
            if (!send_all(c->fd, json{{"id", id}, {"ok", true}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n")) return false;
            return send_snapshot();
        }
        if (op == "unsubscribe") {
            c->subscribed = false;
            return send_all(c->fd, json{{"id", id}, {"ok", true}}.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        if (op == "kiosk") {  // `etabli kiosk --connect`: the connection becomes a kiosk stream
            if (!writer)
                return send_all(c->fd, error(id, "rights", core::problem("Refused: \"{0}\" changes the workshop's data or writes a file, which only the etabli user and the etabli-admin group may do (missing right: write)", {op})));
            const std::string ours = wire::schema_text();
            const std::string theirs = req.contains("schema") && req["schema"].is_string() ? req["schema"].get<std::string>() : "?";
            if (theirs != ours) {
                send_all(c->fd, error(id, "version", core::problem("This station runs another build of etabli ({0}) than the kiosk ({1}): start the kiosk of the station's own installation",
                                                                    {ours, theirs})));
                return false;
            }
            if (!send_all(c->fd, json{{"id", id}, {"ok", true}, {"schema", ours}}.dump() + "\n")) return false;
            kiosk_stream = true;
            return true;
        }
        if (op == "cli") {
            const auto a = req.find("argv");
            if (a == req.end() || !a->is_array() || a->empty() || a->size() > 256)
                return send_all(c->fd, error(id, "bad_request", core::problem("\"cli\" needs \"argv\": the command line's words, e.g. [\"member\",\"list\"]")));
            std::vector<std::string> args;
            for (const auto& w : *a) {
                if (!w.is_string())
                    return send_all(c->fd, error(id, "bad_request", core::problem("Every word of \"argv\" is a text")));
                args.push_back(w.get<std::string>());
            }
            if (own_cwd) {
                const auto cwd = req.find("cwd");
                const std::string dir = cwd != req.end() && cwd->is_string() ? cwd->get<std::string>() : std::string("/");
                if (::chdir(dir.c_str()) != 0)
                    return send_all(c->fd, error(id, "bad_request", core::problem("The station cannot use the folder {0}: {1}", {dir, std::strerror(errno)})));
            } else if (req.contains("cwd")) {
                return send_all(c->fd, error(id, "bad_request", core::problem("The station cannot use the folder {0}: {1}", {req["cwd"].dump(), "unshare"})));
            }
            std::ostringstream out, err;
            int code = kStorage;
            try {
                RedirectOutput redirect(out, err);
                // A read-only user's commands reach the Station as such (rights.hpp).
                std::optional<app::OriginScope> as_reader;
                if (!writer) as_reader.emplace(app::Origin::reader);
                code = run_for_client(args, m_served, lang, writer);
            } catch (const std::exception& e) {
                err << "etabli: " << e.what() << '\n';
                log_line(LogLevel::error, std::string("API: a command failed: ") + e.what());
            }
            // The snapshot version after the command: a subscriber knows when it shows it.
            const auto version = m_served.station->snapshot()->version;
            return send_all(c->fd, json{{"id", id}, {"ok", true}, {"exit", code}, {"out", out.str()}, {"err", err.str()},
                                         {"version", version}}
                                        .dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        }
        return send_all(c->fd, error(id, "unknown_op", core::problem("Unknown request \"{0}\": use hello, cli, presence, tap, book, snapshot, subscribe, unsubscribe or ping", {op})));
    };

    // A client says hello within 10 s, and then speaks at least every 15 minutes unless it
    // subscribed: idle connections never pile up.
    char chunk[8192];
    while (!m_stopping) {
        pollfd fds[2] = {{c->fd, POLLIN, 0}, {c->event_fd, POLLIN, 0}};
        const int wait_ms = !hello ? 10'000 : c->subscribed ? -1 : 15 * 60'000;
        const int ready = ::poll(fds, 2, wait_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (ready == 0) return;  // silent too long
        if (m_stopping) return;
        if (fds[1].revents & POLLIN) {
            std::uint64_t n = 0;
            [[maybe_unused]] auto r = ::read(c->event_fd, &n, sizeof n);
            if (c->subscribed && !send_snapshot()) return;
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const auto n = ::recv(c->fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;  // left (mid-request or not): nothing more to do for it
        buf.append(chunk, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (;;) {
            const auto nl = buf.find('\n', start);
            if (nl == std::string::npos) break;
            std::string line = buf.substr(start, nl - start);
            start = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            enter();
            Leave leave{m_active};
            // At most as many requests run at once as the PC has cores: fifty clients hammering
            // wait for their replies instead of taking the CPU from the Station thread.
            m_slots.acquire();
            struct Release {
                std::counting_semaphore<4096>& s;
                ~Release() { s.release(); }
            } release_slot{m_slots};
            if (line.size() > m_opts.max_line) {
                send_all(c->fd, error(nullptr, "line_too_long", core::problem("A request line is at most {0} bytes", {std::to_string(m_opts.max_line)})));
                return;
            }
            try {
                if (!handle(line)) return;
            } catch (const std::exception& e) {  // a bad value deep in a request: that request's error only
                log_line(LogLevel::error, std::string("API: a request failed: ") + e.what());
                if (!send_all(c->fd, error(nullptr, "internal", core::problem("The station failed on this request: {0}", {e.what()}))))
                    return;
            }
            if (kiosk_stream) break;
        }
        if (kiosk_stream) {
            serve_kiosk(c, buf.substr(start));
            return;
        }
        buf.erase(0, start);
        if (buf.size() > m_opts.max_line) {
            send_all(c->fd, error(nullptr, "line_too_long", core::problem("A request line is at most {0} bytes", {std::to_string(m_opts.max_line)})));
            return;
        }
    }
}

}  // namespace etabli::cli
