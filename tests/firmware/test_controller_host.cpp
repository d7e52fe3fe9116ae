// The host-built controller as the station meets it: etabli-controller-host on a pty it creates
// (control channel on its stdin/stdout), and etabli_fw_host on a socketpair with a fake clock.
// Layer: tests (firmware on host). Single-threaded; spawns one child process per test case.
#include "fw_harness.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

// Reads frames from `fd` for up to `ms` and returns the first reply to `seq`.
std::optional<etb_msg> read_reply(int fd, etb_rx& rx, std::uint8_t seq, int ms) {
    const auto end = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 10) <= 0) continue;
        std::uint8_t buf[256];
        const ssize_t n = read(fd, buf, sizeof buf);
        for (ssize_t i = 0; i < n; ++i) {
            etb_msg m;
            if (etb_rx_push(&rx, buf[i], &m) && (m.flags & ETB_F_REPLY) && m.ack == seq) return m;
        }
    }
    return std::nullopt;
}

void write_msg(int fd, const etb_msg& m) {
    std::uint8_t f[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&m, f, sizeof f);
    REQUIRE(n > 0);
    REQUIRE(write(fd, f, static_cast<std::size_t>(n)) == n);
}

struct Child {
    pid_t pid = -1;
    int in = -1;   // its stdin
    int out = -1;  // its stdout
    std::string pending;

    std::string line(int ms = 2000) {
        const auto end = Clock::now() + std::chrono::milliseconds(ms);
        while (Clock::now() < end) {
            const auto nl = pending.find('\n');
            if (nl != std::string::npos) {
                std::string l = pending.substr(0, nl);
                pending.erase(0, nl + 1);
                return l;
            }
            pollfd p{out, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) continue;
            char buf[256];
            const ssize_t n = read(out, buf, sizeof buf);
            if (n <= 0) break;
            pending.append(buf, static_cast<std::size_t>(n));
        }
        return {};
    }
    void say(const std::string& s) { REQUIRE(write(in, s.data(), s.size()) == static_cast<ssize_t>(s.size())); }
    ~Child() {
        if (in >= 0) close(in);
        if (pid > 0) {
            int st = 0;
            for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; ++i) usleep(10000);
            if (waitpid(pid, &st, WNOHANG) == 0) {
                kill(pid, SIGKILL);
                waitpid(pid, &st, 0);
            }
        }
        if (out >= 0) close(out);
    }
};

void spawn(Child& c, const char* channels) {
    int to_child[2];
    int from_child[2];
    REQUIRE(pipe(to_child) == 0);
    REQUIRE(pipe(from_child) == 0);
    c.pid = fork();
    REQUIRE(c.pid >= 0);
    if (c.pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        execl(ETABLI_CONTROLLER_HOST, ETABLI_CONTROLLER_HOST, "--channels", channels, static_cast<char*>(nullptr));
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    c.in = to_child[1];
    c.out = from_child[0];
}

}  // namespace

TEST_CASE("etabli-controller-host: pty path first, HELLO and GRANT over the pty, control lines") {
    Child c;
    spawn(c, "3");
    const std::string path = c.line();
    REQUIRE(path.rfind("/dev/", 0) == 0);
    const int fd = open(path.c_str(), O_RDWR | O_NOCTTY);
    REQUIRE(fd >= 0);
    termios t{};
    REQUIRE(tcgetattr(fd, &t) == 0);
    cfmakeraw(&t);
    REQUIRE(tcsetattr(fd, TCSANOW, &t) == 0);
    etb_rx rx;
    etb_rx_init(&rx);

    etb_msg m;
    etb_msg_init(&m, 0, 1);
    const etb_hello h{ETB_PROTO_MAJOR, ETB_PROTO_MINOR};
    etb_pack_hello(&m, &h);
    write_msg(fd, m);
    const auto hr = read_reply(fd, rx, 1, 2000);
    REQUIRE(hr);
    etb_hello_reply info{};
    REQUIRE(etb_unpack_hello_reply(&*hr, &info) == 0);
    CHECK(info.channels == 3);

    etb_msg_init(&m, 0, 2);
    const etb_grant g{2, 555, 5000};
    etb_pack_grant(&m, &g);
    write_msg(fd, m);
    CHECK(etabli::testing::ack_info(read_reply(fd, rx, 2, 2000)) == ETB_ACK_APPLIED);
    c.say("relays?\n");
    CHECK(c.line() == "relays 0 0 1");
    c.say("current 2 1500\nfeedback 0 1\nbogus\n");
    CHECK(c.line() == "ok");
    CHECK(c.line() == "ok");
    CHECK(c.line().rfind("error", 0) == 0);
    c.say("reset\n");
    CHECK(c.line().rfind("ok boot ", 0) == 0);
    c.say("relays?\n");
    CHECK(c.line() == "relays 0 0 0");
    close(fd);
    c.say("quit\n");
}

TEST_CASE("etb_fw_host on a socketpair with a fake clock: the lease runs in fake time") {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    fw_host_options opt{};
    opt.fd = sv[0];
    opt.channels = 1;
    opt.fake_clock = 1;
    opt.seed = 3;
    fw_host* h = fw_host_create(&opt);
    REQUIRE(h != nullptr);
    etb_rx rx;
    etb_rx_init(&rx);
    etb_msg m;
    etb_msg_init(&m, 0, 1);
    const etb_hello hello{ETB_PROTO_MAJOR, 0};
    etb_pack_hello(&m, &hello);
    write_msg(sv[1], m);
    fw_host_advance(h, 1);
    REQUIRE(read_reply(sv[1], rx, 1, 500));
    etb_msg_init(&m, 0, 2);
    const etb_grant g{0, 8, 1000};
    etb_pack_grant(&m, &g);
    write_msg(sv[1], m);
    fw_host_advance(h, 1);
    CHECK(etabli::testing::ack_info(read_reply(sv[1], rx, 2, 500)) == ETB_ACK_APPLIED);
    CHECK(fw_host_relay(h, 0) == 1);
    fw_host_advance(h, 998);
    CHECK(fw_host_relay(h, 0) == 1);
    fw_host_advance(h, 2);
    CHECK(fw_host_relay(h, 0) == 0);
    CHECK(fw_host_millis(h) == 1002u);
    // The peer going away is reported, not fatal.
    close(sv[1]);
    CHECK(fw_host_poll(h) == -1);
    fw_host_destroy(h);
    close(sv[0]);
}
