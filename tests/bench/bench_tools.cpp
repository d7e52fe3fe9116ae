// Benchmark of the tool library, label bench:
//   [1] durable 3-tool checkouts per second: a Lend of a basket of three tools through the
//       Station (rules, one commit_tools transaction, the new snapshot), WAL + synchronous
//       FULL as the store sets them, against raw single-row INSERTs committed one by one on a
//       second file with the same pragmas, in alternating blocks so that both sides see the
//       same disk weather (bench_alloc's store part does the same). Target: ratio >= 0.5.
//   [2] the overdue list (SqlStore::overdue_loans) on a file holding 100,000 past loans
//       and the 2,700 open loans of [1]. Target: < 20 ms (median of 21 runs).
// Prints the figures against their targets; exits 1 below a floor (bench_common.hpp).
// Test-only; single thread plus the Station's.
#include <etabli/app/station.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>

#include "bench_common.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace etabli;
using namespace std::chrono;
using bench::Clock;
using bench::seconds_since;

namespace {

template <class T>
T must(std::expected<T, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_tools: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
    return std::move(*r);
}
void must(std::expected<void, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_tools: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
}

class FixedClock final : public app::Clock {
public:
    core::Timestamp now() const override { return m_now; }
    core::Timestamp m_now = core::Timestamp{sys_days{2026y / 12 / 1}} + hours{9};
};
class UtcCalendar final : public app::Calendar {
public:
    core::Date local_day(core::Timestamp t) const override { return core::Date{floor<days>(t)}; }
    core::Timestamp day_start(core::Date d) const override { return core::Timestamp{sys_days{d}}; }
    std::string local_hhmm(core::Timestamp) const override { return "10:00"; }
    const alloc::Zone& zone() const override { return m_zone; }

private:
    struct Utc final : alloc::Zone {
        seconds offset(core::Timestamp) const override { return seconds{0}; }
        alloc::LocalResolution resolve(local_seconds l) const override {
            const core::Timestamp t{l.time_since_epoch()};
            return alloc::LocalResolution{alloc::LocalResolution::Kind::unique, t, t};
        }
    } m_zone;
};

constexpr int kCheckouts = 600;   // timed, in alternating blocks of 20
constexpr int kBlock = 20;
constexpr int kPastLoans = 100'000;

}  // namespace

int main() {
    bench::TempFolder tmp;
    bench::Verdict verdict;

    // [1] Durable checkouts.
    FixedClock clock;
    UtcCalendar calendar;
    auto store = must(db::SqlStore::open(tmp.path / "tools.db"), "open the store");
    app::Station::Options opts;
    opts.tool_rules.max_loans = 1'000'000;  // one member may take them all: the rules still run
    app::Station station(*store, clock, calendar, opts);
    must(station.start(), "start");
    core::MemberDraft d;
    d.display_name = "Bench";
    auto member = station.call(app::AddMember{d, std::nullopt, std::nullopt});
    if (!member) return 2;
    const auto who = std::get<core::Member>(*member).id;
    const int warm = 300;
    const int tools_needed = 3 * (kCheckouts + warm);
    std::vector<core::Tool> rows(static_cast<std::size_t>(tools_needed));
    std::vector<core::ToolImportRow> import;
    for (int i = 0; i < tools_needed; ++i) {
        core::ToolImportRow r;
        r.line = static_cast<std::size_t>(i + 2);
        r.tool.name = "Outil " + std::to_string(i);
        r.tool.tag = "B" + std::to_string(i);
        r.tool.category = "Bench";
        import.push_back(r);
    }
    if (!station.call(app::ImportTools{import})) return 2;

    auto base = must(db::Connection::open_raw((tmp.path / "baseline.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
                     "open the baseline");
    must(db::apply_pragmas(base), "baseline pragmas");
    must(base.exec("CREATE TABLE loans (id INTEGER PRIMARY KEY, tool_id INTEGER NOT NULL, member_id INTEGER NOT NULL, "
                   "lent_at TEXT NOT NULL, due_day TEXT NOT NULL)"),
         "baseline table");
    auto begin = must(base.prepare("BEGIN IMMEDIATE"), "prepare BEGIN");
    auto insert = must(base.prepare("INSERT INTO loans (tool_id, member_id, lent_at, due_day) VALUES (?1, ?2, ?3, ?4)"),
                       "prepare the baseline insert");
    auto commit = must(base.prepare("COMMIT"), "prepare COMMIT");

    int next_tool = 1;
    double checkout_s = 0, baseline_s = 0;
    const auto checkout = [&](bool timed) {
        const auto t0 = Clock::now();
        app::Lend l;
        l.member = who;
        l.tools = {next_tool, next_tool + 1, next_tool + 2};
        next_tool += 3;
        auto r = station.call(l);
        if (!r) {
            std::fprintf(stderr, "bench_tools: checkout refused: %s\n", r.error().english().c_str());
            std::exit(2);
        }
        if (timed) checkout_s += seconds_since(t0);
    };
    int baseline_n = 0;
    const auto raw = [&](bool timed) {
        const auto t0 = Clock::now();
        begin.reset();
        must(begin.run(), "BEGIN");
        insert.reset();
        insert.bind(1, std::int64_t{++baseline_n}).bind(2, who).bind(3, "2026-12-01T09:00:00Z").bind(4, "2026-12-15");
        must(insert.run(), "baseline insert");
        commit.reset();
        must(commit.run(), "COMMIT");
        if (timed) baseline_s += seconds_since(t0);
    };
    // Warm-up, untimed: both files' WALs wrap once, as on a station that has run a while.
    for (int i = 0; i < warm; ++i) {
        checkout(false);
        raw(false);
    }
    for (int i = 0; i < kCheckouts; i += kBlock) {
        const bool checkout_first = (i / kBlock) % 2 == 0;
        for (int k = 0; k < kBlock; ++k) {
            if (checkout_first) {
                checkout(true);
                raw(true);
            } else {
                raw(true);
                checkout(true);
            }
        }
    }
    station.stop();
    const double checkout_rate = kCheckouts / checkout_s, raw_rate = kCheckouts / baseline_s;
    const double ratio = checkout_rate / raw_rate;
    std::printf("durable 3-tool checkouts (Station Lend: rules + one transaction + snapshot): %d in %.2f s = %.0f /s\n",
                kCheckouts, checkout_s, checkout_rate);
    std::printf("baseline (raw single-row INSERT, one transaction each, same pragmas): %d in %.2f s = %.0f /s\n",
                kCheckouts, baseline_s, raw_rate);
    std::printf("ratio checkout/raw: %.2f (target >= 0.5)\n", ratio);
    verdict.at_least("durable 3-tool checkouts / raw inserts", ratio, 0.5, "x");

    // [2] The overdue list over 100,000 past loans.
    auto& c = store->connection();
    must(c.exec("BEGIN IMMEDIATE"), "begin fill");
    {
        auto st = must(c.prepare("INSERT INTO loans (id, tool_id, member_id, basket, lent_at, due_day, returned_at) "
                                 "VALUES (?1, ?2, ?3, ?1, '2025-01-01T10:00:00Z', ?4, ?5)"),
                       "prepare fill");
        std::int64_t id = 1'000'000;
        for (int i = 0; i < kPastLoans; ++i) {
            st.reset();
            st.bind(1, ++id).bind(2, std::int64_t{1 + i % tools_needed}).bind(3, who).bind(4, "2025-01-15")
                .bind(5, std::string("2025-01-14T10:00:00Z"));
            must(st.run(), "fill past");
        }
    }
    must(c.exec("COMMIT"), "commit fill");
    const core::Date today{2027y / 1 / 1};  // every open loan of [1] is overdue by then
    std::vector<double> each;
    std::size_t found = 0;
    for (int i = 0; i < 21; ++i) {
        const auto t0 = Clock::now();
        auto rows_found = must(store->overdue_loans(today), "overdue_loans");
        each.push_back(seconds_since(t0) * 1000);
        found = rows_found.size();
    }
    std::sort(each.begin(), each.end());
    const double median_ms = each[each.size() / 2];
    std::printf("overdue list over %d past loans (%zu overdue): median %.2f ms, max %.2f ms (target < 20 ms)\n",
                kPastLoans, found, median_ms, each.back());
    verdict.at_most("overdue list, median", median_ms, 20.0, "ms");
    return verdict.finish("bench_tools");
}
