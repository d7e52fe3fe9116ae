// etabli-controller-sim, the pty bridge, as a separate process running echo.elf: the pty it
// announces carries bytes both ways in real time, and its stdin commands set inputs, read pins,
// reset and quit. Layer: tests, label unit. The test thread talks to the child through pipes
// and the pty, with timeouts so a broken bridge fails instead of hanging.
#include <doctest/doctest.h>

#ifdef ETABLI_FW_SIM_ELF
#include <etb_proto.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

class Bridge {
public:
    explicit Bridge(const char* elf) {
        int in[2];
        int out[2];
        REQUIRE(pipe(in) == 0);
        REQUIRE(pipe(out) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, in[1]);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        std::string program = ETABLI_CONTROLLER_SIM;
        std::string elf_arg = elf;
        char* argv[] = {program.data(), elf_arg.data(), nullptr};
        REQUIRE(posix_spawn(&m_pid, program.c_str(), &actions, nullptr, argv, environ) == 0);
        posix_spawn_file_actions_destroy(&actions);
        close(in[0]);
        close(out[1]);
        m_stdin = in[1];
        m_stdout = out[0];
    }

    ~Bridge() {
        if (m_pty >= 0) close(m_pty);
        if (m_stdin >= 0) close(m_stdin);
        if (m_stdout >= 0) close(m_stdout);
        if (m_pid > 0 && !m_reaped) {
            kill(m_pid, SIGTERM);
            waitpid(m_pid, nullptr, 0);
        }
    }

    // The next stdout line starting with `prefix` (others, like pin changes, are skipped).
    std::string line(const std::string& prefix, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
        const auto end = Clock::now() + limit;
        for (;;) {
            for (std::size_t nl; (nl = m_out.find('\n')) != std::string::npos;) {
                std::string l = m_out.substr(0, nl);
                m_out.erase(0, nl + 1);
                if (l.starts_with(prefix)) return l;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
            if (left <= 0) return {};
            pollfd p{m_stdout, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left)) <= 0) return {};
            std::array<char, 1024> buf{};
            const ssize_t n = read(m_stdout, buf.data(), buf.size());
            if (n <= 0) return {};
            m_out.append(buf.data(), static_cast<std::size_t>(n));
        }
    }

    void command(const std::string& c) {
        const std::string l = c + "\n";
        REQUIRE(write(m_stdin, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
    }

    void open_pty(const std::string& path) {
        m_pty = open(path.c_str(), O_RDWR | O_NOCTTY);
        REQUIRE(m_pty >= 0);
        termios t{};
        REQUIRE(tcgetattr(m_pty, &t) == 0);
        cfmakeraw(&t);
        REQUIRE(tcsetattr(m_pty, TCSANOW, &t) == 0);
    }

    void send(const std::string& bytes) {
        REQUIRE(write(m_pty, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }

    // Reads from the pty until `want` has been seen (returns everything read) or the limit.
    std::string receive_until(const std::string& want, std::chrono::milliseconds limit = std::chrono::seconds(3)) {
        std::string got;
        const auto end = Clock::now() + limit;
        while (got.find(want) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
            if (left <= 0) break;
            pollfd p{m_pty, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
            std::array<char, 256> buf{};
            const ssize_t n = read(m_pty, buf.data(), buf.size());
            if (n <= 0) break;
            got.append(buf.data(), static_cast<std::size_t>(n));
        }
        return got;
    }

    // Waits for the child to exit; its exit status, or -1 after the limit.
    int wait_exit(std::chrono::milliseconds limit) {
        const auto end = Clock::now() + limit;
        while (Clock::now() < end) {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_reaped = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            usleep(10'000);
        }
        return -1;
    }

private:
    pid_t m_pid = -1;
    bool m_reaped = false;
    int m_stdin = -1;
    int m_stdout = -1;
    int m_pty = -1;
    std::string m_out;
};

}  // namespace

TEST_CASE("sim pty: the bridge carries bytes both ways and obeys its commands") {
    Bridge b(ETABLI_SIM_ECHO_ELF);
    const std::string announce = b.line("pty ");
    REQUIRE_FALSE(announce.empty());
    b.open_pty(announce.substr(4));

    // Round trip of one byte through the pty and the simulated UART, in real time.
    const auto start = Clock::now();
    b.send("ping");
    CHECK(b.receive_until("ping").find("ping") != std::string::npos);
    const auto rtt = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    MESSAGE("4-byte echo round trip over the pty: " << rtt << " ms");
    CHECK(rtt < 500.0);

    // The timer pin's changes are reported, paced to real time (toggle every 10 ms).
    CHECK_FALSE(b.line("change B 0 ").empty());

    b.command("input D 2 0");
    b.command("adc 0 5000");
    b.send("?");
    CHECK(b.receive_until("\n").find("D2=0 A0=1023") != std::string::npos);
    b.send("a");
    b.receive_until("a");
    b.command("pin B 1");
    CHECK(b.line("pin B 1 ") == "pin B 1 1");
    b.command("time");
    CHECK_FALSE(b.line("time ").empty());
    b.command("bogus");
    CHECK(b.line("error ").starts_with("error unknown command"));
    b.command("input Q 9 1");
    CHECK(b.line("error ").starts_with("error input needs"));
    b.command("sine 0 2500 2000");
    b.command("sine 9 0 0");
    CHECK(b.line("error ").starts_with("error sine needs"));
    int low = 1023;
    int high = 0;
    for (int i = 0; i < 30; ++i) {
        b.send("?");
        const std::string got = b.receive_until("\n");
        const auto at = got.find("A0=");
        REQUIRE(at != std::string::npos);
        const int v = std::stoi(got.substr(at + 3));
        low = std::min(low, v);
        high = std::max(high, v);
        usleep(1'300);
    }
    CHECK(high - low > 300);  // a 50 Hz wave sampled in real time

    b.command("reset");
    CHECK_FALSE(b.line("reset ").empty());
    CHECK(b.receive_until("BOOT").find("BOOT") != std::string::npos);

    b.command("quit");
    CHECK(b.wait_exit(std::chrono::seconds(3)) == 0);
}

TEST_CASE("sim pty: a missing firmware file is reported and the bridge exits") {
    Bridge b("/nonexistent/firmware.elf");
    CHECK(b.wait_exit(std::chrono::seconds(3)) == 1);
}

#ifdef ETABLI_FW_SIM_ELF
TEST_CASE("sim pty: the real firmware answers HELLO and GRANT over the pty") {
    Bridge b(ETABLI_FW_SIM_ELF);
    const std::string announce = b.line("pty ");
    REQUIRE_FALSE(announce.empty());
    b.open_pty(announce.substr(4));
    etb_rx rx{};
    etb_rx_init(&rx);
    const auto exchange = [&](etb_msg& m) -> std::optional<etb_msg> {
        std::array<std::uint8_t, ETB_FRAME_MAX> frame{};
        const int n = etb_frame_encode(&m, frame.data(), frame.size());
        REQUIRE(n > 0);
        b.send(std::string(reinterpret_cast<const char*>(frame.data()), static_cast<std::size_t>(n)));
        for (int tries = 0; tries < 20; ++tries) {
            const std::string got = b.receive_until(std::string(1, '\0'), std::chrono::milliseconds(200));
            for (const char c : got) {
                etb_msg out{};
                if (etb_rx_push(&rx, static_cast<std::uint8_t>(c), &out) && (out.flags & ETB_F_REPLY) && out.ack == m.seq)
                    return out;
            }
        }
        return std::nullopt;
    };
    etb_msg hello{};
    etb_msg_init(&hello, ETB_T_HELLO, 1);
    const etb_hello h{ETB_PROTO_MAJOR, ETB_PROTO_MINOR};
    etb_pack_hello(&hello, &h);
    const auto reply = exchange(hello);
    REQUIRE(reply.has_value());
    CHECK(reply->type == ETB_T_HELLO_REPLY);

    etb_msg grant{};
    etb_msg_init(&grant, ETB_T_GRANT, 2);
    const etb_grant g{0, 99, 300};
    etb_pack_grant(&grant, &g);
    const auto ack = exchange(grant);
    REQUIRE(ack.has_value());
    CHECK(ack->type == ETB_T_ACK);
    // The relay (PD4) closes, then opens when the 300 ms lease runs out in real time.
    CHECK(b.line("change D 4 1 ", std::chrono::seconds(2)).starts_with("change D 4 1"));
    const auto closed_at = Clock::now();
    CHECK(b.line("change D 4 0 ", std::chrono::seconds(2)).starts_with("change D 4 0"));
    const auto lease_ms = std::chrono::duration<double, std::milli>(Clock::now() - closed_at).count();
    MESSAGE("lease of 300 ms ran out after " << lease_ms << " ms of wall time");
    CHECK(lease_ms > 250.0);
    CHECK(lease_ms < 1'000.0);
    b.command("quit");
    CHECK(b.wait_exit(std::chrono::seconds(3)) == 0);
}
#endif
