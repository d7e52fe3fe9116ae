// Serial ports and pseudo-terminals for machine controllers (see serial_port.hpp).
// Layer: hw. Called from the controller link's thread (open/read/write) and from tests.
#include <etabli/hw/serial_port.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace etabli::hw {

using core::problem;
using namespace std::chrono;

void Fd::reset(int fd) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
}

namespace {

std::string errno_text(int e) { return std::strerror(e); }

Problem open_problem(const std::string& path, int e) {
    switch (e) {
        case ENOENT:
        case ENODEV:
        case ENXIO:
            return problem("Controller port {0} not found: is the controller plugged in?", {path});
        case EACCES:
        case EPERM:
            return problem("Permission denied on {0}: install the udev rule assets/udev/70-etabli-controllers.rules "
                           "and add the station's user to the group etabli",
                           {path});
        case EBUSY:
            return problem("Controller port {0} is in use by another program", {path});
        case ENOTTY:
        case EINVAL:
            return problem("{0} is not a serial port", {path});
        default:
            return problem("Cannot open controller port {0}: {1}", {path, errno_text(e)});
    }
}

Problem gone(const std::string& path, int e) {
    if (e == 0) return problem("Controller port {0} was closed", {path});
    return problem("Controller port {0} stopped working: {1}", {path, errno_text(e)});
}

}  // namespace

std::expected<void, Problem> make_raw(int fd) {
    termios t{};
    if (::tcgetattr(fd, &t) != 0) return std::unexpected(problem("{0} is not a serial port", {std::to_string(fd)}));
    ::cfmakeraw(&t);
    ::cfsetispeed(&t, B115200);
    ::cfsetospeed(&t, B115200);
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS | HUPCL);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &t) != 0)
        return std::unexpected(problem("Cannot set up the serial port: {0}", {errno_text(errno)}));
    return {};
}

std::expected<SerialPort, Problem> SerialPort::open(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return std::unexpected(open_problem(path, errno));
    // Two stations (or a station and a terminal program) on one controller would fight
    // over its sequence numbers: the first one keeps it. Not every tty supports it.
    (void)::ioctl(fd.get(), TIOCEXCL);
    termios probe{};
    if (::tcgetattr(fd.get(), &probe) != 0) return std::unexpected(open_problem(path, ENOTTY));
    if (auto r = make_raw(fd.get()); !r) return std::unexpected(open_problem(path, errno));
    (void)::tcflush(fd.get(), TCIOFLUSH);
    SerialPort p;
    p.m_fd = std::move(fd);
    p.m_path = path;
    return p;
}

void SerialPort::close() {
    if (m_fd) (void)::ioctl(m_fd.get(), TIOCNXCL);
    m_fd.reset();
}


std::expected<std::size_t, Problem> SerialPort::read(std::span<std::uint8_t> out, milliseconds timeout) {
    if (!m_fd) return std::unexpected(gone(m_path, EBADF));
    pollfd p{m_fd.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::max(timeout.count(), milliseconds::rep{0})));
    if (n < 0) {
        if (errno == EINTR) return 0;
        return std::unexpected(gone(m_path, errno));
    }
    if (n == 0) return 0;
    // POLLHUP with data still queued: read the data first, report the hang-up next time.
    const ssize_t got = ::read(m_fd.get(), out.data(), out.size());
    if (got > 0) return static_cast<std::size_t>(got);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
    // EOF, EIO (pty slave closed, USB unplugged), POLLHUP: the port is gone.
    return std::unexpected(gone(m_path, got < 0 ? errno : 0));
}

std::expected<void, Problem> SerialPort::write_all(std::span<const std::uint8_t> bytes, milliseconds timeout) {
    if (!m_fd) return std::unexpected(gone(m_path, EBADF));
    const auto deadline = steady_clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(m_fd.get(), bytes.data() + done, bytes.size() - done);
        if (w > 0) {
            done += static_cast<std::size_t>(w);
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) return std::unexpected(gone(m_path, errno));
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) return std::unexpected(problem("Controller port {0} does not take data", {m_path}));
        pollfd p{m_fd.get(), POLLOUT, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
            return std::unexpected(gone(m_path, errno));
    }
    return {};
}

std::expected<PtyPair, Problem> open_pty() {
    Fd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK));
    if (!master) return std::unexpected(problem("Cannot create a pseudo-terminal: {0}", {errno_text(errno)}));
    if (::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0)
        return std::unexpected(problem("Cannot create a pseudo-terminal: {0}", {errno_text(errno)}));
    char name[128] = {};
    if (::ptsname_r(master.get(), name, sizeof name) != 0)
        return std::unexpected(problem("Cannot create a pseudo-terminal: {0}", {errno_text(errno)}));
    // The line discipline belongs to the pair: raw on the master side is raw for the slave.
    if (auto r = make_raw(master.get()); !r) return std::unexpected(r.error());
    return PtyPair{std::move(master), name};
}

}  // namespace etabli::hw
