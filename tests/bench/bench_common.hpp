// What the benchmarks share: a steady clock, a temporary folder, the resident memory, and
// the report-only switch. Test-only.
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

// The exit status of a benchmark: 1 for a missed target, unless ETABLI_BENCH_REPORT_ONLY=1
// (the suite shows a figure that is not at its target yet without failing on it).
inline int exit_status(bool targets_met) {
    if (targets_met) return 0;
    const char* e = std::getenv("ETABLI_BENCH_REPORT_ONLY");
    return e && std::string_view(e) == "1" ? 0 : 1;
}

}  // namespace etabli::bench
