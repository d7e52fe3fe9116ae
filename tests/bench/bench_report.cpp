// Benchmark of the funders' pack (`etabli report year`), against its target:
//   a workshop with 10 years of history (2017-2026: 2,000 members, 500,000 visits, 40,000
//   repairs, 3,000 bikes, with 30,000 loans, 20,000 machine sessions, 600 trainings and 8,000
//   paid memberships beside them) makes its 2025 pack: the figures read from the store
//   (db::year_report: SqlStore::year_counts and the volunteer presences measured by
//   core::volunteer_hours), the two-page PDF and the CSV, as `etabli report year` does;
//   against a plain SQL aggregation of the same figures (one query per figure, on the same
//   indexes, the volunteer time summed in SQL), run in alternating rounds on the same file.
//   Target: the pack within 2x of the bare SQL (median of the rounds' thread CPU time);
//   floor 4x. The figures of both must agree: a wrong count fails whatever the times.
// ETABLI_BENCH_KEEP=FOLDER keeps the generated database and the pack there (the README's
// screenshot of the first page is made from it).
// Layer: benchmark (label bench). Prints figures; exit 1 below a floor (bench_common.hpp).
#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/db/year_report.hpp>

#include "bench_common.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

using namespace etabli;
using namespace std::chrono;

namespace {

template <class T>
T must(std::expected<T, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_report: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
    return std::move(*r);
}
void must(std::expected<void, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_report: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
}

constexpr int kFirstYear = 2017, kYears = 10;
constexpr int kMembers = 2000, kVisits = 500000, kRepairs = 40000, kBikes = 3000, kLoans = 30000, kSessions = 20000,
              kTrainings = 600, kMemberships = 8000, kMachines = 6;

// A deterministic generator (the same history every run).
struct Rng {
    std::uint64_t s = 0x9E3779B97F4A7C15ull;
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

const sys_days kStart = sys_days{year{kFirstYear} / January / 1};
const int kDays = static_cast<int>((sys_days{year{kFirstYear + kYears} / January / 1} - kStart).count());

std::string day_text(int d) { return core::format_date(core::Date{kStart + days{d}}); }
std::string at(int d, int minute) { return core::format_timestamp(core::Timestamp{kStart + days{d} + minutes{minute}}); }

void generate(db::Connection& c) {
    Rng rng;
    must(c.exec("BEGIN IMMEDIATE"), "begin");
    auto prep = [&](const char* sql) { return must(c.prepare(sql), sql); };
    auto run = [&](db::Statement& s, const char* what) {
        must(s.run(), what);
        s.reset();
    };
    // Members: joined across the ten years; one in twenty volunteers, one in a hundred hosts.
    {
        auto s = prep("INSERT INTO members (id, display_name, role, valid_until, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
        for (int i = 1; i <= kMembers; ++i) {
            const int joined = (i - 1) * kDays / kMembers;
            s.bind(1, std::int64_t{i}).bind(2, "Membre " + std::to_string(i));
            s.bind(3, i % 100 == 0 ? "host" : i % 20 == 0 ? "volunteer" : "member");
            if (i % 7 == 0) s.bind_null(4);
            else s.bind(4, day_text(joined + 365 * (1 + rng.below(4))));
            s.bind(5, at(joined, 600));
            run(s, "member");
        }
    }
    // Visits: 137 a day, each day's members all different (a member is never in twice at once).
    {
        auto s = prep("INSERT INTO presence (id, member_id, checked_in, checked_out, closed_by) VALUES (?1, ?2, ?3, ?4, 'badge')");
        auto role = prep("INSERT INTO presence_roles (presence_id, since, role) VALUES (?1, ?2, 'mechanic')");
        const int per_day = kVisits / kDays + 1;
        for (int k = 0; k < kVisits; ++k) {
            const int d = k / per_day;
            const int member = 1 + static_cast<int>((static_cast<std::int64_t>(k) * 7919) % kMembers);
            const int in = 14 * 60 + rng.below(300), len = 30 + rng.below(210);
            s.bind(1, std::int64_t{k + 1}).bind(2, std::int64_t{member}).bind(3, at(d, in)).bind(4, at(d, in + len));
            run(s, "presence");
            if (member % 20 == 0 && k % 2 == 0) {
                role.bind(1, std::int64_t{k + 1}).bind(2, at(d, in));
                run(role, "role");
            }
        }
    }
    {
        auto s = prep("INSERT INTO repairs (day, item, component, ords_category_id, status, minutes, logged_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, 30, ?6, ?6)");
        const char* statuses[] = {"fixed", "fixed", "repairable", "end-of-life", "unknown"};
        for (int i = 0; i < kRepairs; ++i) {
            const int d = rng.below(kDays);
            const bool bike = i % 10 < 7;
            s.bind(1, day_text(d)).bind(2, bike ? "bicycle" : "powered");
            if (bike) s.bind(3, "chain").bind_null(4);
            else s.bind_null(3).bind(4, std::int64_t{1 + rng.below(40)});
            s.bind(5, statuses[rng.below(5)]).bind(6, at(d, 900));
            run(s, "repair");
        }
    }
    {
        auto bike = prep("INSERT INTO bikes (id, intake_day, origin, type, condition, status, created_at, updated_at) "
                         "VALUES (?1, ?2, 'donated', 'city', 'good', ?3, ?4, ?4)");
        auto left = prep("INSERT INTO bike_departures (bike_id, kind, day, has_buyer, price_kind, price_cents, purged_at) "
                         "VALUES (?1, ?2, ?3, 0, 'fixed', ?4, ?5)");
        const char* kinds[] = {"sold", "sold", "sold", "sold", "sold", "given", "given", "scrapped", "scrapped", "returned"};
        for (int i = 1; i <= kBikes; ++i) {
            const int d = rng.below(kDays - 60);
            const bool gone = i % 5 != 0;
            const char* kind = kinds[rng.below(10)];
            bike.bind(1, std::int64_t{i}).bind(2, day_text(d)).bind(3, gone ? kind : "in_stock").bind(4, at(d, 900));
            run(bike, "bike");
            if (gone) {
                left.bind(1, std::int64_t{i}).bind(2, kind).bind(3, day_text(d + 30));
                left.bind(4, std::int64_t{std::string(kind) == "sold" ? 6000 : 0}).bind(5, at(d + 40, 900));
                run(left, "departure");
            }
        }
    }
    {
        auto m = prep("INSERT INTO machines (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)");
        const char* names[] = {"Découpe laser", "Imprimante 3D", "Fraiseuse", "Tour à bois", "Perceuse à colonne", "Brodeuse"};
        for (int i = 1; i <= kMachines; ++i) {
            m.bind(1, std::int64_t{i}).bind(2, names[i - 1]).bind(3, at(0, 0));
            run(m, "machine");
        }
        auto b = prep("INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'completed', ?4)");
        auto s = prep("INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, allowed_until, ended_at, end_reason) "
                      "VALUES (?1, ?2, ?3, ?1, ?4, ?5, ?6, 'badge')");
        for (int i = 1; i <= kSessions; ++i) {
            const int d = rng.below(kDays), start = 15 * 60 + rng.below(240), len = 20 + rng.below(100);
            const std::int64_t machine = 1 + rng.below(kMachines), member = 1 + rng.below(kMembers);
            b.bind(1, std::int64_t{i}).bind(2, machine).bind(3, member).bind(4, at(d, start)).bind(5, at(d, start + 120));
            run(b, "booking");
            s.bind(1, std::int64_t{i}).bind(2, machine).bind(3, member).bind(4, at(d, start)).bind(5, at(d, start + 120)).bind(6, at(d, start + len));
            run(s, "session");
        }
    }
    {
        auto t = prep("INSERT INTO tools (id, name, tag, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)");
        for (int i = 1; i <= 200; ++i) {
            t.bind(1, std::int64_t{i}).bind(2, "Outil " + std::to_string(i)).bind(3, "T" + std::to_string(i)).bind(4, at(0, 0));
            run(t, "tool");
        }
        auto l = prep("INSERT INTO loans (id, tool_id, member_id, basket, lent_at, due_day, returned_at) VALUES (?1, ?2, ?3, ?1, ?4, ?5, ?6)");
        for (int i = 1; i <= kLoans; ++i) {
            const int d = rng.below(kDays - 20);
            l.bind(1, std::int64_t{i}).bind(2, std::int64_t{1 + rng.below(200)}).bind(3, std::int64_t{1 + rng.below(kMembers)});
            l.bind(4, at(d, 960)).bind(5, day_text(d + 14)).bind(6, at(d + 10, 960));
            run(l, "loan");
        }
    }
    {
        auto sk = prep("INSERT INTO skills (id, name, created_at) VALUES (1, 'Soudure', ?1)");
        sk.bind(1, at(0, 0));
        run(sk, "skill");
        auto t = prep("INSERT INTO trainings (id, skill_id, starts_at, ends_at, capacity, trainer_id, cancelled, created_at) "
                      "VALUES (?1, 1, ?2, ?3, 8, 100, ?4, ?2)");
        auto su = prep("INSERT INTO training_signups (training_id, member_id, state, signed_up_at, present_at) VALUES (?1, ?2, 'confirmed', ?3, ?4)");
        for (int i = 1; i <= kTrainings; ++i) {
            const int d = rng.below(kDays);
            t.bind(1, std::int64_t{i}).bind(2, at(d, 18 * 60)).bind(3, at(d, 20 * 60)).bind(4, std::int64_t{i % 10 == 0 ? 1 : 0});
            run(t, "training");
            for (int k = 0; k < 6; ++k) {
                su.bind(1, std::int64_t{i}).bind(2, std::int64_t{1 + rng.below(kMembers)}).bind(3, at(d - 7, 600));
                if (k < 5) su.bind(4, at(d, 18 * 60));
                else su.bind_null(4);
                run(su, "signup");
            }
        }
    }
    {
        auto p = prep("INSERT INTO plans (id, name, months, price_cents, created_at) VALUES (1, 'Annuelle', 12, 2000, ?1)");
        p.bind(1, at(0, 0));
        run(p, "plan");
        auto r = prep("INSERT INTO receipts (id, at, day, amount_cents, means, what, member_id, plan_id) VALUES (?1, ?2, ?3, 2000, 'cash', 'dues', ?4, 1)");
        auto m = prep("INSERT INTO memberships (member_id, plan_id, receipt_id, until_day, created_at) VALUES (?1, 1, ?2, ?3, ?4)");
        for (int i = 1; i <= kMemberships; ++i) {
            const int d = rng.below(kDays);
            const std::int64_t member = 1 + rng.below(kMembers);
            r.bind(1, std::int64_t{i}).bind(2, at(d, 900)).bind(3, day_text(d)).bind(4, member);
            run(r, "receipt");
            m.bind(1, member).bind(2, std::int64_t{i}).bind(3, day_text(d + 365)).bind(4, at(d, 900));
            run(m, "membership");
        }
    }
    must(c.exec("COMMIT"), "commit");
    must(c.exec("ANALYZE"), "analyze");
}

// The plain SQL aggregation of the same figures: what a competent engineer would write for a
// one-off report, one query a figure on the same indexes, the volunteer time summed by SQL.
struct Plain {
    std::int64_t members = 0, new_members = 0, memberships = 0, visits = 0, visitors = 0, loans = 0, borrowers = 0,
                 machine_seconds = 0, trainings = 0, trained = 0, bikes_in = 0, bikes_reused = 0, repairs = 0, fixed = 0,
                 volunteer_seconds = 0;
};

Plain plain_sql(db::Connection& c, const core::YearBounds& b) {
    Plain p;
    const std::string from = core::format_timestamp(b.from()), to = core::format_timestamp(b.to());
    const std::string first = std::to_string(b.year) + "-01-01", last = std::to_string(b.year) + "-12-31";
    auto q = [&](const char* sql, auto&& row) {
        auto s = must(c.prepare(sql), sql);
        if (sqlite3_bind_parameter_count(s.get()) >= 2) s.bind(1, from).bind(2, to);
        if (sqlite3_bind_parameter_count(s.get()) >= 4) s.bind(3, first).bind(4, last);
        while (must(s.step(), sql)) row(s);
    };
    must(c.exec("BEGIN"), "begin");
    q("SELECT count(*) FILTER (WHERE valid_until IS NULL OR valid_until >= ?3), count(*) FILTER (WHERE created_at >= ?1), ?2, ?4 "
      "FROM members WHERE created_at < ?2",
      [&](db::Statement& s) { p.members = s.column_int(0), p.new_members = s.column_int(1); });
    q("SELECT count(*) FROM memberships WHERE created_at >= ?1 AND created_at < ?2", [&](db::Statement& s) { p.memberships = s.column_int(0); });
    std::array<std::int64_t, 12> visits{};
    q("SELECT CAST(strftime('%m', checked_in) AS INTEGER), count(*) FROM presence WHERE checked_in >= ?1 AND checked_in < ?2 GROUP BY 1",
      [&](db::Statement& s) { visits[static_cast<std::size_t>(s.column_int(0) - 1)] = s.column_int(1); });
    for (auto v : visits) p.visits += v;
    q("SELECT count(DISTINCT member_id) FROM presence WHERE checked_in >= ?1 AND checked_in < ?2", [&](db::Statement& s) { p.visitors = s.column_int(0); });
    std::array<std::int64_t, 12> hours{};
    // The volunteers' and hosts' presences, and those given a role, each once (UNION), from
    // the members' side so that only theirs are read (the plan SQLite takes on its own walks
    // every member's presences of the year: 141 ms against 24 ms, measured).
    q("SELECT CAST(strftime('%m', checked_in) AS INTEGER), sum(unixepoch(min(checked_out, ?2)) - unixepoch(max(checked_in, ?1))) FROM ("
      "SELECT p.id, p.checked_in, p.checked_out FROM members m CROSS JOIN presence p ON p.member_id = m.id "
      "WHERE m.role IN ('volunteer', 'host') AND p.checked_in >= ?1 AND p.checked_in < ?2 AND p.checked_out IS NOT NULL "
      "UNION SELECT p.id, p.checked_in, p.checked_out FROM presence_roles r CROSS JOIN presence p ON p.id = r.presence_id "
      "WHERE r.since >= ?1 AND r.since < ?2 AND p.checked_in >= ?1 AND p.checked_in < ?2 AND p.checked_out IS NOT NULL) GROUP BY 1",
      [&](db::Statement& s) { hours[static_cast<std::size_t>(s.column_int(0) - 1)] = s.column_int(1); });
    for (auto h : hours) p.volunteer_seconds += h;
    q("SELECT count(*), count(DISTINCT member_id) FROM loans WHERE lent_at >= ?1 AND lent_at < ?2",
      [&](db::Statement& s) { p.loans = s.column_int(0), p.borrowers = s.column_int(1); });
    q("SELECT machine_id, sum(unixepoch(ended_at) - unixepoch(started_at)), count(*) FROM sessions "
      "WHERE started_at >= ?1 AND started_at < ?2 AND ended_at IS NOT NULL GROUP BY machine_id",
      [&](db::Statement& s) { p.machine_seconds += s.column_int(1); });
    q("SELECT count(*) FROM trainings WHERE cancelled = 0 AND starts_at >= ?1 AND starts_at < ?2", [&](db::Statement& s) { p.trainings = s.column_int(0); });
    q("SELECT count(DISTINCT s.member_id) FROM trainings t JOIN training_signups s ON s.training_id = t.id "
      "WHERE t.cancelled = 0 AND t.starts_at >= ?1 AND t.starts_at < ?2 AND s.present_at IS NOT NULL",
      [&](db::Statement& s) { p.trained = s.column_int(0); });
    q("SELECT count(*), ?1, ?2 FROM bikes WHERE intake_day BETWEEN ?3 AND ?4", [&](db::Statement& s) { p.bikes_in = s.column_int(0); });
    q("SELECT count(*), ?1, ?2 FROM bike_departures WHERE day BETWEEN ?3 AND ?4 AND kind IN ('sold', 'given')",
      [&](db::Statement& s) { p.bikes_reused = s.column_int(0); });
    q("SELECT CAST(substr(day, 6, 2) AS INTEGER), item, ords_category_id, status, count(*), ?1, ?2 FROM repairs WHERE day BETWEEN ?3 AND ?4 GROUP BY 1, 2, 3, 4",
      [&](db::Statement& s) {
          p.repairs += s.column_int(4);
          if (s.column_text(3) == "fixed") p.fixed += s.column_int(4);
      });
    must(c.exec("COMMIT"), "commit");
    return p;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main() {
    bench::TempFolder tmp;
    const char* keep = std::getenv("ETABLI_BENCH_KEEP");
    const std::filesystem::path folder = keep && *keep ? std::filesystem::path(keep) : tmp.path;
    std::filesystem::create_directories(folder);
    const auto file = folder / "etabli.db";
    std::filesystem::remove(file);
    auto store = must(db::SqlStore::open(file), "open the store");
    const auto g0 = bench::Clock::now();
    generate(store->connection());
    std::printf("bench_report: 10 years of a workshop generated in %.1f s (%d members, %d visits, %d repairs, %d bikes, %d loans, "
                "%d sessions, %d trainings, %d memberships)\n",
                bench::seconds_since(g0), kMembers, kVisits, kRepairs, kBikes, kLoans, kSessions, kTrainings, kMemberships);

    core::YearBounds b;
    b.year = 2025;
    for (unsigned m = 0; m < 13; ++m) b.month_starts[m] = core::Timestamp{sys_days{year{2025} / January / 1} + months{m}};
    db::YearReportInput in;
    in.bounds = b;
    in.now = core::Timestamp{sys_days{year{2026} / December / 6}};
    db::ReportLook look{"Atelier vélo de la Gare", core::Date{year{2026} / January / 5}, core::Lang::fr, {}};
    auto base = must(db::Connection::open_raw(db::file_uri(file, "mode=ro"), SQLITE_OPEN_READONLY), "open the baseline's connection");

    bench::Verdict v;
    constexpr int kRounds = 7;
    std::vector<double> pack_s, plain_s, figures_s;
    core::YearReport report;
    Plain plain;
    std::size_t pdf_bytes = 0, csv_bytes = 0;
    for (int round = 0; round < kRounds; ++round) {
        double t0 = bench::thread_cpu_seconds();
        report = must(db::year_report(*store, in), "year_report");
        figures_s.push_back(bench::thread_cpu_seconds() - t0);
        must(db::write_year_report_pdf(report, look, folder / "rapport-2025.pdf"), "the PDF");
        const auto csv = db::year_report_csv(report, look);
        pack_s.push_back(bench::thread_cpu_seconds() - t0);
        csv_bytes = csv.size();
        t0 = bench::thread_cpu_seconds();
        plain = plain_sql(base, b);
        plain_s.push_back(bench::thread_cpu_seconds() - t0);
    }
    pdf_bytes = static_cast<std::size_t>(std::filesystem::file_size(folder / "rapport-2025.pdf"));
    const double pack = median(pack_s), bare = median(plain_s);
    std::printf("  the 2025 pack (figures, 2-page PDF of %zu bytes, CSV of %zu bytes): median %.1f ms CPU (the figures %.1f ms); plain SQL "
                "of the same figures: %.1f ms\n",
                pdf_bytes, csv_bytes, pack * 1000, median(figures_s) * 1000, bare * 1000);
    std::printf("  2025: %d members (%d new), %d visits by %d people, %.0f volunteer hours, %d repairs (%d fixed), %d bikes in, %d back "
                "on the road, %d trainings, %d loans, %.0f machine hours\n",
                report.counts.members, report.counts.new_members, report.visits, report.counts.visitors,
                static_cast<double>(report.volunteer_total.count()) / 3600.0, report.repairs, report.fixed, report.bikes_in,
                report.bikes_reused, report.counts.trainings, report.counts.loans, report.machine_hours);
    // The same figures, both ways.
    v.require(report.counts.members == plain.members && report.counts.new_members == plain.new_members, "members differ from the SQL");
    v.require(report.counts.memberships_paid == plain.memberships, "memberships differ from the SQL");
    v.require(report.visits == plain.visits && report.counts.visitors == plain.visitors, "visits differ from the SQL");
    v.require(report.counts.loans == plain.loans && report.counts.borrowers == plain.borrowers, "loans differ from the SQL");
    v.require(std::llround(report.machine_hours * 3600) == plain.machine_seconds, "machine hours differ from the SQL");
    v.require(report.counts.trainings == plain.trainings && report.counts.trained == plain.trained, "trainings differ from the SQL");
    v.require(report.bikes_in == plain.bikes_in && report.bikes_reused == plain.bikes_reused, "bikes differ from the SQL");
    v.require(report.repairs == plain.repairs && report.fixed == plain.fixed, "repairs differ from the SQL");
    v.require(report.volunteer_total.count() == plain.volunteer_seconds, "volunteer hours differ from the SQL");
    v.require(report.visits > 40000 && report.repairs > 3000 && report.volunteer_total.count() > 0, "a year of history was expected");
    v.require(pdf_bytes > 5000, "the PDF is too small to hold two pages");
    v.at_most("pack vs plain SQL aggregation (median CPU)", pack / bare, 2.0, 4.0, "x");
    return v.finish("bench_report");
}
