// Benchmark of the idle kiosk and of a badge's way to the screen: the real `etabli kiosk` in a
// real window under Xvfb (Mesa's software renderer), the demo data, no simulated board.
//  1. CPU of the idle kiosk process (all its threads, the renderer's included) over 30 s,
//     against the same kiosk drawing every frame without sleeping (ETABLI_KIOSK_REDRAW=always,
//     ImGui's example loop) for 10 s in the same run. Targets: <= 1 % of a core, and <= 1/50
//     of the baseline.
//  2. A key-code badge (digits then Enter, through XTest as a keyboard reader types them) to
//     the member's screen drawn: the kiosk rewrites its trace file once the frame is swapped,
//     and the time is taken when that file appears (inotify). Check-in and check-out in turn,
//     each a real tap written to disk. Target: p99 <= 100 ms.
// Usage: bench_kiosk_idle ETABLI_BINARY. Exit 77 when Xvfb is missing. Layer: benchmark.
#include "bench_common.hpp"

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

using namespace etabli;
namespace fs = std::filesystem;

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env, const fs::path& log) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    for (const auto& e : extra_env) env.push_back(e);
    std::vector<char*> a, en;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (const auto& s : env) en.push_back(const_cast<char*>(s.c_str()));
    en.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = -1;
    if (posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), en.data()) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

void stop(pid_t& pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 50; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) {
            pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
}

// utime + stime of a whole process (every thread), in seconds.
double process_cpu(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = s.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    unsigned long long ut = 0, st = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) ut = std::stoull(field);
        if (i == 15) st = std::stoull(field);
    }
    return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Share of one core the process used over `seconds`.
double core_share(pid_t pid, double seconds) {
    const double c0 = process_cpu(pid);
    const auto t0 = bench::Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double c1 = process_cpu(pid);
    return (c1 - c0) / bench::seconds_since(t0);
}

std::string read_all(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool wait_for_text(const fs::path& p, std::string_view text, double seconds) {
    const auto t0 = bench::Clock::now();
    while (bench::seconds_since(t0) < seconds) {
        if (read_all(p).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// A key down and up. Apart in time from the next one: GLFW takes a release and a press of the
// same key at the same server time for a held key's repeat, and "000…" would lose digits.
void press(Display* d, KeySym sym) {
    const KeyCode code = XKeysymToKeycode(d, sym);
    XTestFakeKeyEvent(d, code, True, CurrentTime);
    XTestFakeKeyEvent(d, code, False, CurrentTime);
    XSync(d, False);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_kiosk_idle ETABLI_BINARY\n");
        return 2;
    }
    const std::string etabli = argv[1];
    bench::TempFolder dir;
    bench::Verdict verdict;

    // A free display number: no lock file and no socket.
    int num = 171;
    while (fs::exists("/tmp/.X" + std::to_string(num) + "-lock") || fs::exists("/tmp/.X11-unix/X" + std::to_string(num))) ++num;
    const std::string display = ":" + std::to_string(num);
    pid_t xvfb = spawn({"Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"}, {}, dir.path / "xvfb.log");
    if (xvfb <= 0) {
        std::printf("bench_kiosk_idle: Xvfb is missing (apt-get install xvfb): skipped\n");
        return 77;
    }
    Display* x = nullptr;
    for (int i = 0; i < 100 && !x; ++i) {
        x = XOpenDisplay(display.c_str());
        if (!x) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    pid_t kiosk = -1;
    const auto give_up = [&](const char* why) {
        verdict.wrong(why);
        stop(kiosk);
        if (x) XCloseDisplay(x);
        stop(xvfb);
        return verdict.finish("bench_kiosk_idle");
    };
    if (!x) return give_up("Xvfb did not start");

    const std::string db = (dir.path / "bench.db").string();
    const fs::path trace = dir.path / "trace";
    {
        pid_t init = spawn({etabli, "--db", db, "init", "--demo"}, {}, dir.path / "init.log");
        int status = 0;
        if (init <= 0 || waitpid(init, &status, 0) != init || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return give_up("etabli init --demo failed");
    }
    const std::vector<std::string> kiosk_env = {"DISPLAY=" + display, "ETABLI_KIOSK_TRACE=" + trace.string()};
    kiosk = spawn({etabli, "--db", db, "kiosk"}, kiosk_env, dir.path / "kiosk.log");
    if (kiosk <= 0 || !wait_for_text(trace, "Badgez", 30)) return give_up("the kiosk did not show its idle screen");

    // 1. Idle, then the same screen drawn continuously.
    std::this_thread::sleep_for(std::chrono::seconds(3));  // fonts built, first frames settled
    const double idle = core_share(kiosk, 30.0);

    // 2. Badges: Léa's demo badge, check-in then check-out, 60 times.
    std::vector<double> ms;
    int inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify < 0 || inotify_add_watch(inotify, dir.path.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
        return give_up("inotify");
    std::mt19937 rng(7);
    for (int i = 0; i < 60; ++i) {
        const std::string_view expect = i % 2 == 0 ? "Bonjour L" : "Au revoir L";
        for (char c : std::string_view("0001234567")) {
            press(x, XK_0 + static_cast<KeySym>(c - '0'));
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the digits read
        char buf[4096];
        while (read(inotify, buf, sizeof buf) > 0) {}
        const auto t0 = bench::Clock::now();
        press(x, XK_Return);
        XFlush(x);
        bool seen = false;
        while (!seen && bench::seconds_since(t0) < 5.0) {
            pollfd p{inotify, POLLIN, 0};
            if (poll(&p, 1, 100) > 0) {
                while (read(inotify, buf, sizeof buf) > 0) {}
                seen = read_all(trace).find(expect) != std::string::npos;
            }
        }
        if (!seen) return give_up("a badge did not reach the member's screen within 5 s");
        ms.push_back(bench::seconds_since(t0) * 1000.0);
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));  // off the 1 s timer's phase
    }
    close(inotify);
    stop(kiosk);

    kiosk = spawn({etabli, "--db", db, "kiosk"}, {kiosk_env[0], kiosk_env[1], "ETABLI_KIOSK_REDRAW=always"},
                  dir.path / "baseline.log");
    if (kiosk <= 0 || !wait_for_text(trace, "Badgez", 30)) return give_up("the baseline kiosk did not start");
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double baseline = core_share(kiosk, 10.0);
    stop(kiosk);
    XCloseDisplay(x);
    x = nullptr;
    stop(xvfb);

    std::sort(ms.begin(), ms.end());
    const auto pct = [&ms](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
    std::printf("bench_kiosk_idle: idle kiosk %.2f %% of a core over 30 s; drawing every frame %.1f %% (%.0fx); "
                "badge to member's screen drawn over %zu taps: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                idle * 100, baseline * 100, baseline / std::max(idle, 1e-4), ms.size(), pct(0.5), pct(0.99), ms.back());
    verdict.at_most("idle kiosk CPU, % of a core", idle * 100, 1.0, "%");
    verdict.at_least("drawing every frame vs idle, CPU", baseline / std::max(idle, 1e-4), 50.0, "x");
    verdict.at_most("badge to member's screen drawn, p99", pct(0.99), 100.0, "ms");
    return verdict.finish("bench_kiosk_idle");
}
