// The evdev path of a badge reader (see evdev_reader.hpp). Layer: hw, driver part.
// open()/close() on the device manager's thread; run() on the transport's own thread.
#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/guarded.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace etabli::hw {

core::Problem device_open_problem(const std::string& what, int err) {
    switch (err) {
    case EACCES:
    case EPERM:
        return core::problem("Permission denied on {0}: install the udev rule for badge readers (README, \"Badge readers\")", {what});
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return core::problem("Badge reader {0} is not plugged in", {what});
    case EBUSY:
        return core::problem("Badge reader {0} is already taken by another program", {what});
    default:
        return core::problem("Cannot open badge reader {0}: {1}", {what, std::strerror(err)});
    }
}

std::expected<void, core::Problem> EvdevTransport::open(ReportSink& sink) {
    close();
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0) return std::unexpected(device_open_problem(m_path, errno));
    if (m_opts.grab && ::ioctl(m_fd, EVIOCGRAB, 1) != 0) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        return std::unexpected(device_open_problem(m_path, err == EBUSY ? EBUSY : err));
    }
    m_stop = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_stop < 0) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        return std::unexpected(device_open_problem(m_path, err));
    }
    m_thread = std::thread([this, &sink] {
        run_guarded("a badge reader", [&] { run(sink); }, [this] {
            pollfd p{m_stop, POLLIN, 0};
            return ::poll(&p, 1, 0) > 0;  // close() wrote to it
        });
    });
    return {};
}

void EvdevTransport::run(ReportSink& sink) {
    // Events are 24 bytes; a pipe (tests) may hand them over in pieces, so keep the tail.
    alignas(input_event) unsigned char buf[sizeof(input_event) * 64];
    std::size_t have = 0;
    for (;;) {
        pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_stop, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            sink.on_gone(device_open_problem(m_path, errno));
            return;
        }
        if (fds[1].revents) return;  // close(): no sink call after this
        const ssize_t n = ::read(m_fd, buf + have, sizeof buf - have);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) {
            // ENODEV is how evdev reports an unplug; end of file is how a pipe does.
            sink.on_gone(core::problem("Badge reader {0} was unplugged", {m_path}));
            return;
        }
        have += static_cast<std::size_t>(n);
        const auto now = std::chrono::steady_clock::now();
        std::size_t at = 0;
        for (; at + sizeof(input_event) <= have; at += sizeof(input_event)) {
            input_event ev;
            std::memcpy(&ev, buf + at, sizeof ev);
            sink.on_input(ev.type, ev.code, ev.value, now);
        }
        std::memmove(buf, buf + at, have - at);
        have -= at;
    }
}

void EvdevTransport::close() {
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto w = ::write(m_stop, &one, sizeof one);
        m_thread.join();
    }
    if (m_fd >= 0) {
        if (m_opts.grab) ::ioctl(m_fd, EVIOCGRAB, 0);
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_stop >= 0) {
        ::close(m_stop);
        m_stop = -1;
    }
}

}  // namespace etabli::hw
