// bench_alloc: the allocation benchmark of issue 3 in one run (bench_alloc.hpp). The store
// part first, on a process just started (the resident memory it prints after its load is
// its own), then the engine part, whose resident memory after the build is the process's
// whole (what the store part left counts in it: the figure can only be too high), then one
// table of every figure with its target. Exit status 1 when a target is missed
// (bench_common.hpp).
// Layer: tests/bench. Single-threaded.
#include "bench_alloc.hpp"
#include "bench_common.hpp"

#include <cstdio>
#include <malloc.h>  // malloc_trim (glibc)

using namespace etabli::bench;

namespace {

// One line of the table: the figure (or "not reached"), the target, and whether it holds
// (nothing said for a figure without a target).
bool line(const char* what, double value, const char* unit, const char* target, bool holds) {
    if (value < 0) {
        std::printf("  %-36s %13s  %-10s MISSED\n", what, "not reached", target);
        return false;
    }
    std::printf("  %-36s %9.3f %-3s  %-10s %s\n", what, value, unit, target, *target ? (holds ? "ok" : "MISSED") : "");
    return holds;
}

}  // namespace

int main() {
    AllocFigures f;
    std::printf("== store part ==\n");
    bool ok = run_store_part(f);
    malloc_trim(0);  // what SQLite's page cache and the load freed goes back to the system
    std::printf("== engine part ==\n");
    ok = run_engine_part(f) && ok;

    std::printf("== issue 3: the figures of this run ==\n");
    bool all = true;
    all &= line("access decision p50", f.access_p50_us, "us", "", true);
    all &= line("access decision p99", f.access_p99_us, "us", "< 50 us", f.access_p99_us < kAccessP99TargetUs);
    all &= line("booking decisions, x SQLite queries", f.decisions_ratio, "x", ">= 50x",
                f.decisions_ratio >= kDecisionsTarget);
    all &= line("durable bookings, x raw inserts", f.durable_ratio, "x", ">= 0.8", f.durable_ratio >= kDurableTarget);
    all &= line("load at start", f.load_s, "s", "< 1 s", f.load_s < kLoadTargetS);
    all &= line("resident memory (engine built)", f.rss_mb, "MB", "< 200 MB", f.rss_mb < kRssTargetMb);
    all &= line("engine build from 1,050,000 rows", f.build_s, "s", "< 1 s", f.build_s < kBuildTargetS);
    ok = ok && all;
    std::printf("%s\n", ok ? "all targets met" : "TARGET MISSED");
    return exit_status(ok);
}
