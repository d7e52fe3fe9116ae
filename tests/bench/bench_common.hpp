// What the benchmarks share: a steady clock, a temporary folder, the resident memory, and
// the verdict (targets and floors). Test-only.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace etabli::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU time of the calling thread, in seconds. For a comparison of two computations that do
// no I/O wait: the time slices this shared machine gives to other programs are not counted,
// on either side, so the ratio holds when the machine is busy (a wall-clock ratio moved by
// 2x between runs on a loaded machine, measured). Not for anything that waits on a disk.
inline double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// User and kernel CPU seconds of the calling thread (getrusage RUSAGE_THREAD): a commit's
// fsync and page writes show in the kernel part.
struct CpuSplit {
    double user = 0, kernel = 0;
};
inline CpuSplit thread_cpu_split() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    auto sec = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + 1e-6 * static_cast<double>(tv.tv_usec); };
    return {sec(ru.ru_utime), sec(ru.ru_stime)};
}

// VmRSS of this process in KiB, -1 when /proc is not there.
inline long rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

// A fresh folder under the system temp dir, removed with its contents at the end.
struct TempFolder {
    std::filesystem::path path;
    TempFolder() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "etabli-bench-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            std::exit(2);
        }
        path = tmpl;
    }
    ~TempFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
};

// A benchmark's verdict. Every figure has a target, the required figure, printed with "met" or
// "MISSED", and a floor far from it: half a target ratio, twice a target time. Only a figure
// past its floor, or a wrong answer, fails the suite: a machine of our kind, busy or quiet,
// meets the floor every time, and a real regression (a lost index, an O(n^2) path) falls
// through it. tests/bench/README.md lists every figure with its target and floor.
class Verdict {
public:
    // Higher is better (a ratio): target value >= target, floor value >= target * 0.5.
    void at_least(const char* what, double value, double target, const char* unit) {
        figure(what, value, unit, ">=", target, target * kFloorShare, value >= target, value >= target * kFloorShare);
    }
    // Higher is better, with a floor of its own: for a ratio whose target is an aim not yet
    // reached, where half the target would sit inside the machine's own spread.
    void at_least(const char* what, double value, double target, double floor, const char* unit) {
        figure(what, value, unit, ">=", target, floor, value >= target, value >= floor);
    }
    // Lower is better (a time): target value < target, floor value < target * 2.
    void at_most(const char* what, double value, double target, const char* unit) {
        figure(what, value, unit, "<", target, target / kFloorShare, value < target, value < target / kFloorShare);
    }
    // Lower is better, with a floor of its own: for a tail under contention (51 threads on two
    // cores), whose spread on a shared machine is wider than twice its target.
    void at_most(const char* what, double value, double target, double floor, const char* unit) {
        figure(what, value, unit, "<", target, floor, value < target, value < floor);
    }
    // A wrong answer or a failed call: fails the suite whatever the figures.
    void wrong(const char* why) {
        std::printf("  WRONG: %s\n", why);
        m_wrong = true;
    }
    void require(bool holds, const char* why) {
        if (!holds) wrong(why);
    }
    // Prints the summary line and returns the exit status: 1 below a floor or on a wrong answer.
    int finish(const char* name) const {
        if (m_wrong || m_below_floor)
            std::printf("%s: FAILED (%s)\n", name, m_wrong ? "a wrong answer" : "a figure below its floor: a regression");
        else
            std::printf("%s: passed; %s\n", name, m_missed ? "a target MISSED on this run (above its floor)" : "every target met");
        return m_wrong || m_below_floor ? 1 : 0;
    }
    bool targets_met() const { return !m_missed && !m_wrong && !m_below_floor; }

private:
    static constexpr double kFloorShare = 0.5;
    void figure(const char* what, double value, const char* unit, const char* op, double target, double floor,
                bool met, bool above_floor) {
        if (value < 0) {  // a part stopped before it measured this figure
            std::printf("  %-44s not reached\n", what);
            m_wrong = true;
            return;
        }
        std::printf("  %-44s %11.3f %-3s target %s %g %s: %-6s floor %s %g %s: %s\n", what, value, unit, op, target, unit,
                    met ? "met" : "MISSED", op, floor, unit, above_floor ? "held" : "BROKEN");
        m_missed |= !met;
        m_below_floor |= !above_floor;
    }
    bool m_wrong = false, m_missed = false, m_below_floor = false;
};

}  // namespace etabli::bench
