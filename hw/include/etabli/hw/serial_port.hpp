// Serial ports for machine controllers: a tty opened raw at 115200 8N1 without resetting the
// board, non-blocking reads with a timeout, and pseudo-terminal pairs that stand in for a
// board in tests and in `--demo`. Layer: hw. A SerialPort belongs to one thread at a time
// (the controller link's thread); the free functions may be called from any thread.
//
// Failures the station must survive (no such port, no permission, the board unplugged) are
// Problems, never exceptions: the link shows them and tries again later.
#pragma once

#include <etabli/core/problem.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>

namespace etabli::hw {

using core::Problem;

// Owns one file descriptor; closes it at destruction. Movable, not copyable.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept : m_fd(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    int release() {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

class SerialPort {
public:
    SerialPort() = default;
    ~SerialPort() { close(); }
    SerialPort(SerialPort&& o) noexcept : m_fd(std::move(o.m_fd)), m_path(std::move(o.m_path)) {}
    SerialPort& operator=(SerialPort&& o) noexcept {
        if (this != &o) {
            close();
            m_fd = std::move(o.m_fd);
            m_path = std::move(o.m_path);
        }
        return *this;
    }

    // Opens `path` (a tty: /dev/ttyUSB0, /dev/etabli/controller-XYZ, a pty slave) read-write,
    // O_NOCTTY | O_CLOEXEC | O_NONBLOCK, exclusive (TIOCEXCL), raw 115200 8N1 with HUPCL
    // cleared: closing then reopening the port does not toggle DTR, so an Arduino does not
    // reset. Pending bytes are flushed. Problems: not found, permission denied (names the
    // udev rule), busy, not a serial port, any other errno in words.
    static std::expected<SerialPort, Problem> open(const std::string& path);

    bool is_open() const { return static_cast<bool>(m_fd); }
    const std::string& path() const { return m_path; }
    int fd() const { return m_fd.get(); }
    // Gives up the exclusive use first: another process may hold the tty open too (a pty's
    // other user), and exclusivity would outlive us and lock out our own reopening.
    void close();

    // Waits up to `timeout` for bytes and reads what is there (at most out.size()).
    // Returns 0 when nothing came in time. A Problem means the port is gone (unplugged,
    // the pty's other end closed, EOF): close it and reopen later.
    std::expected<std::size_t, Problem> read(std::span<std::uint8_t> out, std::chrono::milliseconds timeout);
    // Writes every byte, waiting at most `timeout` in total for room in the output buffer.
    // A Problem means the port is gone or stuck; some bytes may have been written (the
    // protocol's framing makes a partial frame harmless: the receiver drops it).
    std::expected<void, Problem> write_all(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout);

private:
    Fd m_fd;
    std::string m_path;
};

// A pseudo-terminal pair: `master` for the test (or the host-built firmware's side),
// `slave_path` for whoever opens it like a real tty. Both sides raw. The master stays
// usable after the slave is closed and reopened (a board unplugged and plugged back).
struct PtyPair {
    Fd master;
    std::string slave_path;
};
std::expected<PtyPair, Problem> open_pty();

// Makes `fd` raw 8-bit with no echo and no line processing (a pty master or a tty).
std::expected<void, Problem> make_raw(int fd);

}  // namespace etabli::hw
