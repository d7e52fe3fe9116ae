// Enrolling a badge reader (see reader_enrol.hpp). Layer: hw. The capture runs on the worker's
// thread; start()/cancel() on the station thread.
//
// The devices are read without EVIOCGRAB: during the minute of an enrolment a badge may still
// type into whatever has the focus, which is the price of never taking a real keyboard. The
// configured readers are already grabbed (or detached by libusb), so their taps do not reach
// us: an enrolment binds a device that is not bound yet.
#include <etabli/hw/hid_decoder.hpp>
#include <etabli/hw/guarded.hpp>
#include <etabli/hw/reader_enrol.hpp>

#include <etabli/core/badge_format.hpp>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <linux/input.h>
#include <poll.h>
#include <unistd.h>

namespace etabli::hw {

namespace fs = std::filesystem;
using core::problem;

std::expected<std::vector<EnrolCandidate>, core::Problem> open_input_candidates(const fs::path& dir) {
    std::vector<EnrolCandidate> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.path().filename().string().starts_with("event")) continue;
        const int fd = ::open(e.path().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) out.push_back(EnrolCandidate{e.path().string(), fd});
    }
    if (out.empty())
        return std::unexpected(problem(
            "Cannot read any input device: install the udev rule for badge readers (README, \"Badge readers\") or run as root"));
    return out;
}

std::optional<core::DeviceMatch> usb_identity(const fs::path& event_node, const fs::path& sys_class_input) {
    std::error_code ec;
    fs::path dir = fs::canonical(sys_class_input / event_node.filename(), ec);
    if (ec) return std::nullopt;
    auto read = [](const fs::path& p) {
        std::ifstream in(p);
        std::string s;
        std::getline(in, s);
        return s;
    };
    for (; dir.has_relative_path() && dir != dir.parent_path(); dir = dir.parent_path()) {
        if (!fs::exists(dir / "idVendor", ec)) continue;
        core::DeviceMatch m;
        m.vendor = static_cast<std::uint16_t>(std::strtoul(read(dir / "idVendor").c_str(), nullptr, 16));
        m.product = static_cast<std::uint16_t>(std::strtoul(read(dir / "idProduct").c_str(), nullptr, 16));
        // A serial number follows the reader from port to port; without one, the port path
        // tells two readers of the same model apart.
        if (auto s = read(dir / "serial"); !s.empty()) m.serial = s;
        else m.port = dir.filename().string();
        return m;
    }
    return std::nullopt;
}

std::expected<EnrolCaptured, core::Problem> capture_enrol_line(std::vector<EnrolCandidate> candidates,
                                                               std::chrono::steady_clock::time_point deadline,
                                                               const std::atomic<bool>& stop) {
    const auto timeout_s = std::chrono::ceil<std::chrono::seconds>(deadline - std::chrono::steady_clock::now()).count();
    std::vector<HidDecoder> decoders(candidates.size());
    std::optional<EnrolCaptured> found;
    std::vector<pollfd> fds;
    std::vector<LineEvent> lines;
    while (!found && !stop.load() && std::chrono::steady_clock::now() < deadline) {
        fds.clear();
        for (const auto& c : candidates) fds.push_back(pollfd{c.fd, POLLIN, 0});
        // A short period: cancel() waits for at most one of them.
        const int n = ::poll(fds.data(), fds.size(), 100);
        if (n <= 0) continue;
        for (std::size_t i = 0; i < candidates.size() && !found; ++i) {
            if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                // Unplugged (or a pipe's writer gone, in tests): stop listening to it (poll
                // skips a negative descriptor). Data still buffered is read first.
                if (!(fds[i].revents & POLLIN)) {
                    ::close(candidates[i].fd);
                    candidates[i].fd = -1;
                    continue;
                }
            }
            if (!(fds[i].revents & POLLIN)) continue;
            std::array<input_event, 64> evs{};
            const ssize_t got = ::read(candidates[i].fd, evs.data(), sizeof evs);
            if (got <= 0) continue;
            lines.clear();
            const auto now = std::chrono::steady_clock::now();
            for (std::size_t k = 0; k < static_cast<std::size_t>(got) / sizeof(input_event); ++k)
                decoders[i].feed_evdev(evs[k].type, evs[k].code, evs[k].value, now, lines);
            // A keyboard typing a short number, or a line broken by other keys, is not a badge.
            for (auto& l : lines)
                if (l && l->size() >= 4 && !found) found = EnrolCaptured{candidates[i].node, *l};
        }
    }
    for (auto& c : candidates)
        if (c.fd >= 0) ::close(c.fd);
    if (!found) return std::unexpected(problem("No badge was read within {0} seconds", {std::to_string(timeout_s)}));
    return *found;
}

// [Worker]
ReaderEnrolWorker::ReaderEnrolWorker(Hooks hooks) : m_hooks(std::move(hooks)) {
    if (!m_hooks.candidates) m_hooks.candidates = [] { return open_input_candidates(); };
    if (!m_hooks.identify) m_hooks.identify = [](const std::string& node) { return usb_identity(node); };
}

ReaderEnrolWorker::~ReaderEnrolWorker() { cancel(); }

void ReaderEnrolWorker::cancel() {
    std::lock_guard lk(m_mutex);
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

void ReaderEnrolWorker::shutdown() {
    std::lock_guard lk(m_mutex);
    m_shutdown = true;
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

void ReaderEnrolWorker::start(std::uint64_t attempt, const core::ReaderRole& role, std::chrono::seconds timeout) {
    std::lock_guard lk(m_mutex);
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    if (m_shutdown) return;
    m_stop = false;
    m_thread = std::thread([this, attempt, role, timeout] {
        run_guarded("a reader enrolment", [&] { run(attempt, role, timeout); }, [this] { return m_stop.load(); });
    });
}

void ReaderEnrolWorker::run(std::uint64_t attempt, core::ReaderRole role, std::chrono::seconds timeout) {
    app::ReaderEnrolled done;
    done.attempt = attempt;
    auto fail = [&](core::Problem p) {
        done.ok = false;
        done.problem = std::move(p);
        if (m_hooks.post) m_hooks.post(done);
    };
    auto cands = m_hooks.candidates();
    if (!cands) return fail(cands.error());
    auto captured = capture_enrol_line(std::move(*cands), std::chrono::steady_clock::now() + timeout, m_stop);
    if (m_stop.load()) return;  // cancelled: the station no longer waits
    if (!captured) return fail(captured.error());
    // Enrolled raw: the canonical UID is what the reader types; a host changes the profile in
    // etabli.toml (or with `etabli devices enrol --profile`) for readers that print differently.
    auto uid = core::canonical_uid(core::BadgeFormat::raw, captured->line);
    if (!uid) return fail(uid.error());
    auto match = m_hooks.identify(captured->node);
    if (!match)
        return fail(problem("The device {0} is not a USB device: configure it with driver = \"evdev\"", {captured->node}));
    core::ReaderConfig r;
    r.role = role;
    r.match = *match;
    r.profile = core::BadgeFormat::raw;
    auto written = m_hooks.bind ? m_hooks.bind(r) : std::expected<std::string, core::Problem>(std::string{});
    if (!written) return fail(written.error());
    done.ok = true;
    done.uid = *uid;
    done.config = *written;
    done.device = captured->node;
    if (r.match.vendor && r.match.product) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string id(9, ':');
        for (int k = 0; k < 4; ++k) {
            id[static_cast<std::size_t>(k)] = kHex[(*r.match.vendor >> (12 - 4 * k)) & 0xF];
            id[static_cast<std::size_t>(5 + k)] = kHex[(*r.match.product >> (12 - 4 * k)) & 0xF];
        }
        done.device += " (usb " + id + ")";
    }
    if (m_hooks.post) m_hooks.post(done);
}

}  // namespace etabli::hw
