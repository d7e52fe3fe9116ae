// Benchmark of the repair log, against its targets:
//   [1] logging a repair committed durably (SqlStore::add_repair: the row, its volunteer,
//       two parts and the event, one BEGIN IMMEDIATE transaction, WAL + synchronous=FULL),
//       per second, as a ratio to raw single-row INSERT commits with the same pragmas, in
//       alternating blocks so both see the same disk;
//   [2] the ORDS export of 100,000 repairs: read from the store and written as the three
//       files' texts (target under 2 s), with its ratio to a bare SELECT of the same rows.
// Layer: benchmark (label bench). Prints figures; exit 1 below a floor (bench_common.hpp).
#include <etabli/core/ords.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>

#include "bench_common.hpp"

#include <sqlite3.h>

#include <cstdio>

using namespace etabli;
using namespace std::chrono;

namespace {

template <class T>
T must(std::expected<T, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_repairs: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
    return std::move(*r);
}
void must(std::expected<void, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_repairs: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
}

core::Repair sample(int i, core::MemberId volunteer) {
    core::Repair r;
    r.day = core::Date{year{2026}, month{static_cast<unsigned>(1 + i % 11)}, day{static_cast<unsigned>(1 + i % 28)}};
    r.volunteers = {volunteer};
    if (i % 5 == 0) {
        r.item = core::ItemKind::powered;
        r.category = i % 10 == 0 ? 3 : 18;
        r.year = 2015 + i % 10;
        r.brand = "B&M";
    } else {
        r.item = core::ItemKind::bicycle;
        r.component = core::kComponents[static_cast<std::size_t>(i) % 8];
        r.parts = {core::Part{"patins", false, std::nullopt}, core::Part{"roue", true, std::string("donor-12")}};
    }
    r.status = core::kStatuses[static_cast<std::size_t>(i) % 4];
    if (r.status == core::RepairStatus::end_of_life) r.barrier = core::Barrier::parts_too_expensive;
    r.minutes = 10 + i % 60;
    r.problem = i % 7 == 0 ? "Ne s'allume plus, rappeler Léa au 06 12 34 56 78" : "Frein arrière qui frotte, patins changés";
    return r;
}

}  // namespace

int main() {
    bench::TempFolder tmp;
    auto store = must(db::SqlStore::open(tmp.path / "etabli.db"), "open the store");
    core::MemberDraft d;
    d.display_name = "Léa Dubois";
    d.role = core::Role::volunteer;
    const auto lea = must(store->add_member(d, std::nullopt, core::Timestamp{}), "add a volunteer");
    const core::Timestamp at{sys_days{core::Date{year{2026}, November, day{28}}}};

    // [1] Durable repairs against raw single-row inserts.
    auto base = must(db::Connection::open_raw((tmp.path / "baseline.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
                     "open the baseline");
    must(db::apply_pragmas(base), "baseline pragmas");
    must(base.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, day TEXT, status TEXT, minutes INTEGER, problem TEXT)"),
         "baseline table");
    auto insert = must(base.prepare("INSERT INTO t (day, status, minutes, problem) VALUES (?1, ?2, ?3, ?4)"), "baseline insert");
    constexpr int kBlocks = 10, kPerBlock = 30;
    double durable_s = 0, baseline_s = 0;
    for (int b = 0; b < kBlocks; ++b) {
        auto t0 = bench::Clock::now();
        for (int i = 0; i < kPerBlock; ++i) must(store->add_repair(sample(b * kPerBlock + i, lea.id), std::nullopt, at), "add_repair");
        durable_s += bench::seconds_since(t0);
        t0 = bench::Clock::now();
        for (int i = 0; i < kPerBlock; ++i) {
            must(base.exec("BEGIN IMMEDIATE"), "begin");
            insert.reset();
            insert.bind(1, "2026-11-28").bind(2, "fixed").bind(3, std::int64_t{30}).bind(4, "Frein arrière qui frotte");
            must(insert.run(), "insert");
            must(base.exec("COMMIT"), "commit");
        }
        baseline_s += bench::seconds_since(t0);
    }
    const int n = kBlocks * kPerBlock;
    const double durable_rate = n / durable_s, baseline_rate = n / baseline_s;
    std::printf("durable repairs (add_repair: row, volunteer, parts, event): %d in %.2f s = %.0f /s\n", n, durable_s, durable_rate);
    std::printf("baseline (raw single-row INSERT, one transaction each, same pragmas): %d in %.2f s = %.0f /s\n", n, baseline_s,
                baseline_rate);
    std::printf("durable repair ratio: %.2f of raw commits\n", durable_rate / baseline_rate);

    // [2] 100,000 repairs, exported as ORDS. Loaded in one transaction (not the bench's point).
    constexpr int kRepairs = 100000;
    {
        auto& c = store->connection();
        must(c.exec("BEGIN IMMEDIATE"), "begin bulk");
        auto ins = must(c.prepare("INSERT INTO repairs (day, item, component, ords_category_id, brand, year, problem, status, "
                                  "barrier, minutes, logged_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) RETURNING id"),
                        "bulk insert");
        auto vol = must(c.prepare("INSERT INTO repair_volunteers (repair_id, member_id, position) VALUES (?1, ?2, 0)"), "bulk volunteers");
        for (int i = n; i < kRepairs; ++i) {
            const auto r = sample(i, lea.id);
            ins.reset();
            ins.bind(1, core::format_date(r.day)).bind(2, core::to_string(r.item));
            if (r.component) ins.bind(3, core::to_string(*r.component));
            else ins.bind_null(3);
            ins.bind(4, r.category ? std::optional<std::int64_t>{*r.category} : std::nullopt).bind(5, r.brand);
            ins.bind(6, r.year ? std::optional<std::int64_t>{*r.year} : std::nullopt).bind(7, r.problem);
            ins.bind(8, core::to_string(r.status));
            if (r.barrier) ins.bind(9, core::to_string(*r.barrier));
            else ins.bind_null(9);
            ins.bind(10, std::int64_t{r.minutes}).bind(11, "2026-11-28T13:00:00Z");
            if (!must(ins.step(), "bulk row")) {
                std::fprintf(stderr, "bench_repairs: the new repair's id did not come back\n");
                return 2;
            }
            const std::int64_t repair_id = ins.column_int(0);
            must(ins.run(), "bulk row");
            vol.reset();
            vol.bind(1, repair_id).bind(2, lea.id);
            must(vol.run(), "bulk volunteer");
        }
        must(c.exec("COMMIT"), "commit bulk");
    }
    // Baseline: a bare read of the same rows' columns.
    auto t0 = bench::Clock::now();
    std::size_t bytes = 0;
    {
        auto st = must(store->connection().prepare("SELECT * FROM repairs ORDER BY id"), "bare select");
        while (must(st.step(), "step")) bytes += st.column_text(10).size();
    }
    const double bare_s = bench::seconds_since(t0);
    t0 = bench::Clock::now();
    auto rows = must(store->repairs_between(std::nullopt, std::nullopt), "repairs_between");
    const double read_s = bench::seconds_since(t0);
    const auto t1 = bench::Clock::now();
    auto x = must(core::export_ords(rows, {"Léa Dubois"}, core::OrdsOptions{}), "export_ords");
    const double write_s = bench::seconds_since(t1);
    const double export_s = read_s + write_s;
    std::printf("ORDS export of %zu repairs: %.3f s (read %.3f s, files %.3f s; %zu powered rows, %zu bicycles, %zu texts changed, "
                "%zu bytes) (target < 2 s)\n",
                rows.size(), export_s, read_s, write_s, x.powered_rows, x.bicycles, x.texts_changed,
                x.powered_csv.size() + x.unpowered_csv.size());
    std::printf("export ratio: %.1f x a bare SELECT of the rows (%.3f s, %zu bytes of text)\n", export_s / bare_s, bare_s, bytes);
    bench::Verdict verdict;
    verdict.require(rows.size() == static_cast<std::size_t>(kRepairs), "the export did not read every repair");
    verdict.at_most("ORDS export of 100,000 repairs", export_s, 2.0, "s");
    return verdict.finish("bench_repairs");
}
