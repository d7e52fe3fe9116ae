// bench_alloc: the allocation core's benchmark in one run (bench_alloc.hpp). The store
// part first, on a process just started (the resident memory it prints after its load is
// its own), then the engine part, whose resident memory after the build is the process's
// whole (what the store part left counts in it: the figure can only be too high), then one
// table of every figure with its target and floor. Exit status 1 when a figure is below its
// floor or a part failed (bench_common.hpp).
// Layer: tests/bench. Single-threaded.
#include "bench_alloc.hpp"
#include "bench_common.hpp"

#include <cstdio>
#include <malloc.h>  // malloc_trim (glibc)

using namespace etabli::bench;

int main() {
    AllocFigures f;
    std::printf("== store part ==\n");
    bool ok = run_store_part(f);
    malloc_trim(0);  // what SQLite's page cache and the load freed goes back to the system
    std::printf("== engine part ==\n");
    ok = run_engine_part(f) && ok;

    std::printf("== the allocation core: the figures of this run ==\n");
    Verdict verdict;
    verdict.require(ok, "a part failed (see its lines above)");
    std::printf("  %-44s %11.3f us\n", "access decision p50", f.access_p50_us);
    verdict.at_most("access decision p99", f.access_p99_us, kAccessP99TargetUs, "us");
    verdict.at_least("book() decisions, x SQLite range queries", f.decisions_ratio, kDecisionsTarget, "x");
    verdict.at_least("durable bookings, x raw inserts", f.durable_ratio, kDurableTarget, "x");
    verdict.at_most("load at start", f.load_s, kLoadTargetS, "s");
    verdict.at_most("resident memory (engine built)", f.rss_mb, kRssTargetMb, "MB");
    verdict.at_most("engine build from 1,050,000 rows", f.build_s, kBuildTargetS, "s");
    return verdict.finish("bench_alloc");
}
