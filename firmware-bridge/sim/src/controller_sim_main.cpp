// etabli-controller-sim: a simulated controller board on a pseudo-terminal, so the station
// (or `etabli controller list`, or a person with a terminal program) talks to the real AVR
// firmware over a real serial path. The firmware runs in simavr, its simulated time paced to
// the wall clock (or a multiple of it with --speed).
// Layer: firmware-bridge/sim (test and development tooling). One thread: the loop below.
//
//   etabli-controller-sim [--link PATH] [--speed X] [--step-us N] FIRMWARE.elf
//
// stdout, one line each: `pty /dev/pts/N` first (the port to open), then `change B 0 1 T`
// whenever a port pin's driven level changes (port, bit, level, simulated microseconds),
// `reset T` after every reset, `stopped STATE T` when the CPU stops for good.
// stdin, one command a line (for end-to-end tests): `adc CH MILLIVOLTS`,
// `sine CH OFFSET_MV AMPLITUDE_MV [HZ]` (a current transformer's signal), `input PORT BIT 0|1`,
// `pin PORT BIT` (answers `pin PORT BIT LEVEL`), `time` (answers `time T`), `reset`, `quit`.
// Errors in commands answer `error TEXT`; the simulation keeps running.
#include <etb_sim/board.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Options {
    std::string elf;
    std::string link;
    double speed = 1.0;
    std::uint64_t step_us = 500;
};

void usage() {
    std::fprintf(stderr, "usage: etabli-controller-sim [--link PATH] [--speed X] [--step-us N] FIRMWARE.elf\n");
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--link" && has_value) {
            o.link = argv[++i];
        } else if (a == "--speed" && has_value) {
            o.speed = std::strtod(argv[++i], nullptr);
            if (!(o.speed > 0.0 && o.speed <= 1000.0)) return false;
        } else if (a == "--step-us" && has_value) {
            o.step_us = std::strtoull(argv[++i], nullptr, 10);
            if (o.step_us < 10 || o.step_us > 100'000) return false;
        } else if (!a.empty() && a[0] != '-' && o.elf.empty()) {
            o.elf = a;
        } else {
            return false;
        }
    }
    return !o.elf.empty();
}

void say(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// One stdin command; returns false on `quit`.
bool command(etabli::sim::Board& board, const std::string& line) {
    std::istringstream in(line);
    std::string verb;
    in >> verb;
    if (verb.empty()) return true;
    if (verb == "quit") return false;
    if (verb == "time") {
        say("time " + std::to_string(board.micros()));
    } else if (verb == "reset") {
        board.reset();
    } else if (verb == "adc") {
        int channel = -1;
        long mv = -1;
        if (!(in >> channel >> mv) || channel < 0 || channel > 7 || mv < 0 || mv > 10'000)
            say("error adc needs CHANNEL (0-7) and MILLIVOLTS (0-10000)");
        else
            board.set_adc(channel, static_cast<std::uint32_t>(mv));
    } else if (verb == "sine") {
        int channel = -1;
        long offset = -1;
        long amplitude = -1;
        double hz = 50.0;
        const bool ok = (in >> channel >> offset >> amplitude) && channel >= 0 && channel <= 7 && offset >= 0 &&
                        offset <= 10'000 && amplitude >= 0 && amplitude <= 10'000;
        if (ok && !(in >> hz)) hz = 50.0;
        if (!ok || !(hz > 0.0 && hz <= 10'000.0))
            say("error sine needs CHANNEL (0-7), OFFSET and AMPLITUDE (0-10000 mV), optional HZ");
        else
            board.set_adc_sine(channel, static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(amplitude), hz);
    } else if (verb == "input" || verb == "pin") {
        std::string port;
        int bit = -1;
        int level = -1;
        const bool ok = (in >> port >> bit) && port.size() == 1 && port[0] >= 'B' && port[0] <= 'D' &&
                        bit >= 0 && bit <= 7;
        if (verb == "pin") {
            if (!ok) say("error pin needs PORT (B, C, D) and BIT (0-7)");
            else say("pin " + port + " " + std::to_string(bit) + " " + (board.pin(port[0], bit) ? "1" : "0"));
        } else if (!ok || !(in >> level) || (level != 0 && level != 1)) {
            say("error input needs PORT (B, C, D), BIT (0-7) and LEVEL (0 or 1)");
        } else {
            board.set_input(port[0], bit, level == 1);
        }
    } else {
        say("error unknown command " + verb);
    }
    return true;
}

// Opens the master side; the slave is put in raw mode once so that bytes pass unchanged even
// before the station configures it.
int open_pty(std::string& slave_path) {
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
    const char* name = ptsname(master);
    if (!name) return -1;
    slave_path = name;
    const int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave >= 0) {
        termios t{};
        if (tcgetattr(slave, &t) == 0) {
            cfmakeraw(&t);
            cfsetispeed(&t, B115200);
            cfsetospeed(&t, B115200);
            tcsetattr(slave, TCSANOW, &t);
        }
        close(slave);
    }
    return master;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        usage();
        return 2;
    }
    auto loaded = etabli::sim::Board::load(o.elf);
    if (!loaded) {
        std::fprintf(stderr, "etabli-controller-sim: %s\n", loaded.error().english().c_str());
        return 1;
    }
    etabli::sim::Board& board = **loaded;

    std::string slave_path;
    const int master = open_pty(slave_path);
    if (master < 0) {
        std::fprintf(stderr, "etabli-controller-sim: cannot open a pseudo-terminal: %s\n", std::strerror(errno));
        return 1;
    }
    if (!o.link.empty()) {
        // Replaces a stale link from an earlier run, never a file that is not a link.
        struct stat st {};
        if (lstat(o.link.c_str(), &st) == 0) {
            if (!S_ISLNK(st.st_mode)) {
                std::fprintf(stderr, "etabli-controller-sim: %s exists and is not a symbolic link\n", o.link.c_str());
                return 1;
            }
            unlink(o.link.c_str());
        }
        if (symlink(slave_path.c_str(), o.link.c_str()) != 0) {
            std::fprintf(stderr, "etabli-controller-sim: cannot link %s: %s\n", o.link.c_str(), std::strerror(errno));
            return 1;
        }
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    say("pty " + slave_path);

    std::string to_host;
    board.on_uart_byte([&](std::uint8_t b) { to_host.push_back(static_cast<char>(b)); });
    board.on_pin_change([](const etabli::sim::PinChange& c) {
        say("change " + std::string(1, c.port) + " " + std::to_string(c.bit) + " " + (c.level ? "1" : "0") + " " +
            std::to_string(c.micros));
    });
    const int stdin_flags = fcntl(STDIN_FILENO, F_GETFL);
    if (stdin_flags >= 0) fcntl(STDIN_FILENO, F_SETFL, stdin_flags | O_NONBLOCK);
    bool stdin_open = true;
    std::string stdin_line;
    int resets_seen = 0;
    bool stopped_said = false;
    const auto start = std::chrono::steady_clock::now();
    const std::uint64_t sim_start = board.micros();

    while (!g_stop) {
        // Bytes from the station, and commands.
        std::array<char, 512> buf{};
        for (;;) {
            const ssize_t n = read(master, buf.data(), buf.size());
            if (n <= 0) break;  // EAGAIN, or EIO while no one has the port open
            board.uart_write(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        }
        while (stdin_open) {
            const ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
            if (n == 0) stdin_open = false;
            if (n <= 0) break;
            stdin_line.append(buf.data(), static_cast<std::size_t>(n));
        }
        for (std::size_t nl; (nl = stdin_line.find('\n')) != std::string::npos;) {
            const std::string line = stdin_line.substr(0, nl);
            stdin_line.erase(0, nl + 1);
            if (!command(board, line)) g_stop = 1;
        }
        if (stdin_line.size() > 4096) stdin_line.clear();  // no newline in sight: garbage

        const auto state = board.run_for(o.step_us);
        if (board.resets() != resets_seen) {
            resets_seen = board.resets();
            say("reset " + std::to_string(board.micros()));
        }
        if ((state == etabli::sim::CpuState::done || state == etabli::sim::CpuState::crashed) && !stopped_said) {
            stopped_said = true;
            say("stopped " + std::string(etabli::sim::to_string(state)) + " " + std::to_string(board.micros()));
        }
        // The bridge reports through callbacks; the histories would only grow.
        board.clear_uart_history();
        board.clear_pin_changes();
        if (!to_host.empty()) {
            const ssize_t n = write(master, to_host.data(), to_host.size());
            // Nobody reading (port closed, or the station too slow): like a real line, bytes that
            // find no listener are lost, never buffered without bound.
            if (n > 0) to_host.erase(0, static_cast<std::size_t>(n));
            if (to_host.size() > 4096) to_host.clear();
        }

        // Pace: wait for the wall clock to catch up with simulated time, waking early for input.
        const auto sim_elapsed = std::chrono::microseconds(board.micros() - sim_start);
        const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(sim_elapsed / o.speed);
        const auto now = std::chrono::steady_clock::now();
        if (due <= now) continue;
        const int wait_ms =
            static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count());
        pollfd fds[2] = {{master, POLLIN, 0}, {STDIN_FILENO, static_cast<short>(stdin_open ? POLLIN : 0), 0}};
        const int r = poll(fds, 2, wait_ms);
        // POLLHUP on the master while no one has the port open: poll returns at once, so sleep.
        if (r > 0 && !(fds[0].revents & POLLIN) && !(fds[1].revents & (POLLIN | POLLHUP)))
            std::this_thread::sleep_until(due);
        else if (r <= 0)
            std::this_thread::sleep_until(due);
    }
    if (!o.link.empty()) unlink(o.link.c_str());
    if (stdin_flags >= 0) fcntl(STDIN_FILENO, F_SETFL, stdin_flags);  // shared with the parent's terminal
    close(master);
    return 0;
}
