// A throwaway SMTP server for the e-mail tests: it listens on 127.0.0.1 on a port the kernel
// picks, speaks just enough SMTP (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) one connection at a
// time, and keeps what it was given. It can also refuse every recipient (550), fail every
// message for now (451), or accept a connection and then say nothing (a hung server). It
// stops, closes its socket and joins its thread when destroyed; no file, no other process.
// Test-only. Its own thread; the test reads through messages().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace etabli::testing {

// Reading what was sent: base64 back to bytes (what is not base64 skipped), the subject of a
// message (its encoded words decoded and joined), its body.
inline std::string unbase64(std::string_view s) {
    static const std::string_view k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : s) {
        const auto i = k.find(c);
        if (i == std::string_view::npos) continue;  // '=', CRLF
        v = (v << 6) | static_cast<unsigned>(i);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xFF);
        }
    }
    return out;
}
inline std::string mail_subject(const std::string& data) {
    const auto s0 = data.find("Subject: ");
    if (s0 == std::string::npos) return {};
    auto s1 = data.find("\r\n", s0);
    while (s1 != std::string::npos && s1 + 2 < data.size() && data[s1 + 2] == ' ') s1 = data.find("\r\n", s1 + 2);  // folded
    const std::string_view v(data.data() + s0 + 9, s1 - s0 - 9);
    if (!v.starts_with("=?UTF-8?B?")) return std::string(v);
    std::string subject;
    for (auto at = v.find("=?UTF-8?B?"); at != std::string_view::npos; at = v.find("=?UTF-8?B?", at + 1))
        subject += unbase64(v.substr(at + 10, v.find("?=", at) - at - 10));
    return subject;
}
inline std::string mail_body(const std::string& data) {
    const auto at = data.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : unbase64(std::string_view(data).substr(at + 4));
}

class SmtpSink {
public:
    enum class Mode { accept, refuse_rcpt, fail_data, hang };
    struct Message {
        std::string from, rcpt, data;
    };

    explicit SmtpSink(Mode mode = Mode::accept) : m_mode(mode) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(m_fd, 8) != 0) throw std::runtime_error("sink: cannot listen");
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~SmtpSink() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(m_port); }
    void set_mode(Mode m) { m_mode = m; }
    std::vector<Message> messages() {
        std::lock_guard lk(m_mutex);
        return m_messages;
    }
    int connections() const { return m_connections.load(); }
    // Waits until `n` messages came, at most `limit`.
    bool wait_for(std::size_t n, std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (messages().size() >= n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return messages().size() >= n;
    }

private:
    void serve() {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            ++m_connections;
            talk(c);
            ::close(c);
        }
    }
    // One line, CRLF removed; false when the client went away or the sink stops.
    bool read_line(int c, std::string& buffer, std::string& line) {
        for (;;) {
            if (const auto at = buffer.find("\r\n"); at != std::string::npos) {
                line = buffer.substr(0, at);
                buffer.erase(0, at + 2);
                return true;
            }
            if (m_stop || buffer.size() > 1'000'000) return false;
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char b[4096];
            const auto n = ::read(c, b, sizeof b);
            if (n <= 0) return false;
            buffer.append(b, static_cast<std::size_t>(n));
        }
    }
    static void say(int c, const std::string& s) {
        const std::string line = s + "\r\n";
        (void)!::write(c, line.data(), line.size());
    }
    void talk(int c) {
        if (m_mode == Mode::hang) {  // a server that accepts and never answers: wait until the client gives up
            char b[256];
            while (!m_stop) {
                pollfd p{c, POLLIN, 0};
                if (::poll(&p, 1, 50) > 0 && ::read(c, b, sizeof b) <= 0) return;
            }
            return;
        }
        say(c, "220 sink.test ESMTP");
        std::string buffer, line;
        Message msg;
        while (read_line(c, buffer, line)) {
            const std::string verb = line.substr(0, 4);
            if (verb == "EHLO" || verb == "HELO") {
                say(c, "250-sink.test");
                say(c, "250 8BITMIME");
            } else if (verb == "MAIL") {
                msg = Message{};
                msg.from = line.substr(line.find(':') + 1);
                say(c, "250 OK");
            } else if (verb == "RCPT") {
                if (m_mode == Mode::refuse_rcpt) {
                    say(c, "550 5.1.1 No such user here");
                    continue;
                }
                msg.rcpt = line.substr(line.find(':') + 1);
                say(c, "250 OK");
            } else if (verb == "DATA") {
                say(c, "354 End data with <CR><LF>.<CR><LF>");
                std::string data;
                while (read_line(c, buffer, line) && line != ".") data += (line.starts_with("..") ? line.substr(1) : line) + "\r\n";
                if (m_mode == Mode::fail_data) {
                    say(c, "451 4.3.0 Try again later");
                    continue;
                }
                msg.data = std::move(data);
                {
                    std::lock_guard lk(m_mutex);
                    m_messages.push_back(msg);
                }
                say(c, "250 OK queued");
            } else if (verb == "QUIT") {
                say(c, "221 Bye");
                return;
            } else if (verb == "RSET" || verb == "NOOP") {
                say(c, "250 OK");
            } else {
                say(c, "502 Command not implemented");
            }
        }
    }

    std::atomic<Mode> m_mode;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::mutex m_mutex;
    std::vector<Message> m_messages;
    std::thread m_thread;
};

}  // namespace etabli::testing
