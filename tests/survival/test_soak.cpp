// A month in an afternoon: 30 simulated days of a workshop through the real service and
// its API, on a clock the test moves (ETABLI_TEST_CLOCK). Each day: 200 kiosk taps, 40
// bookings (some cancelled, the rest left as no-shows or used by a session at the machine),
// 30 loans and 30 returns, 20 repairs, a training, and the nightly backup the service takes on
// its own. The service's resident memory, open files and threads, the database's size and the
// p99 of a tap and of a booking are measured each day and printed per week; day 30 is held to
// day 2. Targets are printed met or missed; the test fails only far past them (a leak, a
// slowdown), since the machine is shared. ETABLI_SOAK_DAYS shortens or lengthens the month.
// Test-only.
#include "serve_support.hpp"

#include <etabli/db/backup.hpp>
#include <etabli/db/check.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sys/stat.h>

using namespace etabli;
using namespace etabli::testing;
using namespace std::chrono;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The clock file the service maps: 8 bytes of UTC seconds.
struct TestClock {
    fs::path path;
    core::Timestamp now{};
    explicit TestClock(fs::path p, core::Timestamp t) : path(std::move(p)) { set(t); }
    void set(core::Timestamp t) {
        now = t;
        const std::int64_t v = t.time_since_epoch().count();
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        if (!f) f.open(path, std::ios::out | std::ios::binary);
        f.write(reinterpret_cast<const char*>(&v), sizeof v);
    }
};

struct ProcStats {
    double rss_mb = 0;
    int threads = 0, fds = 0;
};
ProcStats stats_of(pid_t pid) {
    ProcStats s;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmRSS:")) s.rss_mb = std::stod(line.substr(6)) / 1024.0;
        if (line.starts_with("Threads:")) s.threads = std::stoi(line.substr(8));
    }
    std::error_code ec;
    for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end; it.increment(ec)) ++s.fds;
    return s;
}

double percentile(std::vector<double> v, int pct) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, v.size() * static_cast<std::size_t>(pct) / 100)];
}
double p99(std::vector<double> v) { return percentile(std::move(v), 99); }

// The database's logical size (its pages, the WAL's last commits included): the file and its
// WAL on disk move by checkpoints, not with the data.
std::uintmax_t db_bytes(const fs::path& db) {
    sqlite3* c = nullptr;
    std::uintmax_t n = 0;
    if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(c, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = static_cast<std::uintmax_t>(sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(c);
    return n;
}

struct Day {
    ProcStats proc;
    double db_mb = 0, tap_p99 = 0, book_p99 = 0;
    std::vector<double> taps, books;  // each request's round trip, ms
    int backups = 0;
};

// The p99 of days [from, to) together: five days give 1,000 taps and 200 bookings, so that a
// few slow requests (the machine and its disk are shared) are not the whole figure. With three
// days, the last days' tap p99 was 0.8x the first days' on one run and 2.95x on the next
// (CI), with the same median: fsync stalls from other programs, not the month's data.
// Bookings are fewer: the p99 of 200 is the second slowest, and one stall decided it (CI:
// 0.99 ms early, 4.9 ms late on one run; 3.25 / 2.9 ms and 0.98 / 1.1 ms on the next two runs
// of one build here). Their p99 is printed against the target; the floor holds their p95, the
// tenth slowest, which a stall or two does not move but a slower booking does.
double window_pct(const std::vector<Day>& ds, std::size_t from, std::size_t to, bool taps, int pct) {
    std::vector<double> all;
    for (std::size_t i = from; i < to && i < ds.size(); ++i) {
        const auto& v = taps ? ds[i].taps : ds[i].books;
        all.insert(all.end(), v.begin(), v.end());
    }
    return percentile(std::move(all), pct);
}

// A year of the workshop's past, written straight into the file before the service starts (a
// month is soaked on a workshop that has run for a year, not on an empty file): 100 members
// with badges, 4 machines, 30 tools, and a day's worth of closed presences, past bookings,
// returned loans and repairs for each of the 365 days before the month.
void seed_a_year(const fs::path& db, std::vector<std::int64_t>& members, std::vector<std::string>& badges,
                 std::vector<std::string>& tools) {
    sqlite3* c = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    auto exec = [&](const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &err);
        INFO((err ? err : ""));
        REQUIRE(rc == SQLITE_OK);
        sqlite3_free(err);
    };
    exec("PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE");
    const std::string t0 = "'2025-10-01T08:00:00Z'";
    for (int i = 0; i < 100; ++i) {
        exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Adhérent " + std::to_string(i) + "', " + t0 + ", " + t0 + ")");
        members.push_back(sqlite3_last_insert_rowid(c));
        badges.push_back(std::to_string(700000000 + i));
        exec("INSERT INTO badges (uid, member_id, created_at, updated_at) VALUES ('" + badges.back() + "', " + std::to_string(members.back()) +
             ", " + t0 + ", " + t0 + ")");
    }
    std::vector<std::int64_t> machines, tool_ids;
    for (int m = 0; m < 4; ++m) {
        exec("INSERT INTO machines (name, max_length_min, ahead_days, created_at, updated_at) VALUES ('Banc " + std::to_string(m) +
             "', 120, 30, " + t0 + ", " + t0 + ")");
        machines.push_back(sqlite3_last_insert_rowid(c));
    }
    for (int t = 0; t < 30; ++t) {
        tools.push_back("S" + std::to_string(100 + t));
        exec("INSERT INTO tools (name, tag, created_at, updated_at) VALUES ('Outil " + std::to_string(t) + "', '" + tools.back() + "', " + t0 +
             ", " + t0 + ")");
        tool_ids.push_back(sqlite3_last_insert_rowid(c));
    }
    const auto first = testing::utc("2025-11-01T00:00:00Z");
    std::int64_t booking = 1, basket = 1;
    for (int d = 0; d < 365; ++d) {
        const auto day = first + days{d};
        const auto iso = [&](minutes m) { return "'" + core::format_timestamp(day + m) + "'"; };
        const std::string date = "'" + core::format_timestamp(day).substr(0, 10) + "'";
        for (int i = 0; i < 100; ++i)
            exec("INSERT INTO presence (member_id, badge_uid, checked_in, checked_out, closed_by) VALUES (" + std::to_string(members[static_cast<std::size_t>(i)]) +
                 ", '" + badges[static_cast<std::size_t>(i)] + "', " + iso(minutes{8 * 60 + i}) + ", " + iso(minutes{12 * 60 + i}) + ", 'badge')");
        for (int k = 0; k < 40; ++k)
            exec("INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_at) VALUES (" + std::to_string(booking++) +
                 ", " + std::to_string(machines[static_cast<std::size_t>(k % 4)]) + ", " + std::to_string(members[static_cast<std::size_t>(k)]) +
                 ", " + iso(hours{8 + k / 4}) + ", " + iso(hours{9 + k / 4}) + ", '" + (k % 5 == 4 ? "cancelled" : k % 3 ? "no_show" : "completed") +
                 "', " + iso(hours{0}) + ")");
        for (int t = 0; t < 30; ++t)
            exec("INSERT INTO loans (tool_id, member_id, basket, lent_at, due_day, returned_at, return_condition) VALUES (" +
                 std::to_string(tool_ids[static_cast<std::size_t>(t)]) + ", " + std::to_string(members[static_cast<std::size_t>(t)]) + ", " +
                 std::to_string(basket++) + ", " + iso(hours{9}) + ", " + date + ", " + iso(hours{17}) + ", 'good')");
        for (int r = 0; r < 20; ++r)
            exec("INSERT INTO repairs (day, item, component, status, minutes, problem, logged_by, logged_at, updated_at) VALUES (" + date +
                 ", 'bicycle', 'chain', 'fixed', 20, 'chaîne', NULL, " + iso(hours{15}) + ", " + iso(hours{15}) + ")");
    }
    exec("COMMIT");
    sqlite3_close(c);
}

int days_asked() {
    const char* v = std::getenv("ETABLI_SOAK_DAYS");
    return std::clamp(v && *v ? std::atoi(v) : 30, 3, 400);
}

std::string local(core::Timestamp t) {  // "YYYY-MM-DD HH:MM" in Paris (UTC+1 in November and December)
    const auto s = core::format_timestamp(t + hours{1});
    return s.substr(0, 10) + " " + s.substr(11, 5);
}

}  // namespace

TEST_CASE("a month in an afternoon: memory, files, threads flat; the database grows linearly; day 30 as fast as day 2") {
    const int month = days_asked();
    TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    const fs::path socket = dir.path() / "station.sock";
    // Monday 2 November 2026, 06:00 in Paris (no DST change in the month).
    TestClock clock(dir.path() / "clock", testing::utc("2026-11-02T05:00:00Z"));
    const std::vector<std::string> env{"ETABLI_TEST_CLOCK=" + clock.path.string()};
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return run_etabli(dir.path(), args, env);
    };
    REQUIRE(run({"init", "--demo"}).code == 0);
    REQUIRE(run({"hours", "set", "mon-sun 08:00-22:00"}).code == 0);
    REQUIRE(run({"skill", "add", "Soudure"}).code == 0);
    std::vector<std::int64_t> members;
    std::vector<std::string> badges, tools;
    seed_a_year(db, members, badges, tools);
    const auto seeded_mb = static_cast<double>(db_bytes(db)) / 1e6;

    auto p = spawn_etabli(dir.path(), "serve", {"--db", db, "serve", "--socket", socket.string()}, env);
    struct Reap {
        Proc& p;
        ~Reap() { stop_proc(p); }
    } reap{p};
    REQUIRE(wait_ready(socket, seconds(30)));
    cli::ApiClient c;
    REQUIRE(c.connect(socket, "soak"));
    auto ask = [&](json req) {
        auto r = c.request(std::move(req), seconds(30));
        REQUIRE_MESSAGE(r, (r ? "" : r.error()));
        return *r;
    };
    auto cli_ok = [&](std::vector<std::string> argv) {
        auto r = ask(json{{"op", "cli"}, {"argv", argv}});
        INFO(r.dump());
        CHECK(r.value("exit", 1) == 0);
        return r;
    };
    // Machines 4 to 7 (the demo has three).
    const int first_machine = 4;

    std::vector<Day> days_seen;
    std::vector<std::string> lent_yesterday;
    for (int d = 0; d < month; ++d) {
        CAPTURE(d);
        const auto midnight = testing::utc("2026-11-01T23:00:00Z") + days{d};  // 00:00 in Paris
        // 03:30: the service takes the night's backup by itself.
        clock.set(midnight + hours{3} + minutes{30});
        const auto backup_folder = db::default_backup_folder(db);
        bool backed_up = false;
        for (int i = 0; i < 300 && !backed_up; ++i) {
            for (const auto& b : db::list_backups(backup_folder))
                if (b.kind == db::BackupKind::nightly && b.taken >= midnight + hours{3}) backed_up = true;
            if (!backed_up) std::this_thread::sleep_for(milliseconds(50));
        }
        CHECK(backed_up);
        // The day, 08:00 to 21:20: every 4 minutes something happens.
        std::vector<double> taps, books;
        auto at = [&](int minute_of_day) { clock.set(midnight + minutes{minute_of_day}); };
        auto timed = [&](std::vector<double>& into, json req) {
            const auto t0 = steady_clock::now();
            auto r = ask(std::move(req));
            into.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
            return r;
        };
        at(8 * 60);
        for (const auto& tag : lent_yesterday) cli_ok({"return", tag});  // yesterday's 30 loans come back
        lent_yesterday.clear();
        for (int k = 0; k < 200; ++k) {
            at(8 * 60 + 4 * k);
            // Member k checks in; 100 steps later the same member checks out: 200 taps.
            const auto who = static_cast<std::size_t>(k % 100);
            auto t = timed(taps, json{{"op", "tap"}, {"uid", badges[who]}});
            CHECK(t.value("ok", false));
            if (k < 40) {
                // A booking two days ahead, 10 one-hour slots per machine from 09:00; every fifth
                // is cancelled, the others come as no-shows or (one in ten) as a session.
                const int machine = first_machine + k % 4;
                const auto start = midnight + days{2} + hours{9 + k / 4};
                auto b = timed(books, json{{"op", "book"}, {"machine", machine}, {"member", members[who]},
                                           {"from", core::format_timestamp(start)}, {"minutes", 60}});
                CHECK(b.value("ok", false));
                if (k % 5 == 4 && b.value("ok", false))
                    cli_ok({"booking", "cancel", std::to_string(b["bookings"][0]["id"].get<std::int64_t>()), "--reason", "atelier fermé"});
            }
            if (k >= 40 && k < 70) {  // 30 loans
                const auto& tag = tools[static_cast<std::size_t>(k - 40)];
                cli_ok({"lend", tag, "--member", std::to_string(members[who])});
                lent_yesterday.push_back(tag);
            }
            if (k >= 100 && k < 120)  // 20 repairs
                cli_ok({"repair", "log", "--volunteer", "3", "--item", "bicycle", "--component", "chain", "--status", "fixed",
                        "--minutes", "20", "--problem", "chaîne " + std::to_string(d)});
            if (k == 150)  // a training this evening
                cli_ok({"training", "add", "--skill", "Soudure", "--at", local(midnight + hours{19}), "--capacity", "8", "--trainer", "2"});
        }
        // Sessions at the machines for the bookings made two days ago that start at 09:00 (one
        // per machine), so that a day has sessions besides its no-shows.
        if (d >= 2) {
            clock.set(midnight + hours{9} + minutes{5});
            for (int m = 0; m < 4; ++m)
                ask(json{{"op", "cli"}, {"argv", {"tap", badges[static_cast<std::size_t>(m)], "--reader", std::to_string(first_machine + m)}}});
        }
        clock.set(midnight + hours{21} + minutes{30});
        ask(json{{"op", "ping"}});
        Day day;
        day.proc = stats_of(p.pid);
        day.db_mb = static_cast<double>(db_bytes(db)) / 1e6;
        day.tap_p99 = p99(taps);
        day.book_p99 = p99(books);
        day.taps = std::move(taps);
        day.books = std::move(books);
        day.backups = static_cast<int>(db::list_backups(db::default_backup_folder(db)).size());
        days_seen.push_back(day);
    }

    // The table, one line per simulated week (and the last day).
    std::ostringstream table;
    table << "\n| day | resident MB | open files | threads | database MB | tap p99 ms | booking p99 ms | backups kept |\n"
             "|---|---|---|---|---|---|---|---|\n";
    for (int d = 0; d < month; ++d) {
        if (d != 1 && (d + 1) % 7 != 0 && d != month - 1) continue;
        const auto& x = days_seen[static_cast<std::size_t>(d)];
        char line[200];
        std::snprintf(line, sizeof line, "| %d | %.1f | %d | %d | %.2f | %.2f | %.2f | %d |\n", d + 1, x.proc.rss_mb, x.proc.fds,
                      x.proc.threads, x.db_mb, x.tap_p99, x.book_p99, x.backups);
        table << line;
    }
    MESSAGE(table.str());
    const Day& two = days_seen[1];
    const Day& last = days_seen.back();
    auto within = [](double a, double b, double pct) { return a <= b * (1 + pct / 100) && a >= b * (1 - pct / 100); };
    const bool rss_ok = within(last.proc.rss_mb, two.proc.rss_mb, 5);
    // Days 2-6 against the last five (fewer when the month is short).
    const auto n = days_seen.size();
    const std::size_t span = std::min<std::size_t>(5, (n - 1) / 2);
    const double tap_early = window_pct(days_seen, 1, 1 + span, true, 99), tap_late = window_pct(days_seen, n - span, n, true, 99);
    const double book_early = window_pct(days_seen, 1, 1 + span, false, 99), book_late = window_pct(days_seen, n - span, n, false, 99);
    const double tap_ratio = tap_late / std::max(0.01, tap_early), book_ratio = book_late / std::max(0.01, book_early);
    const double book_p95_ratio = window_pct(days_seen, n - span, n, false, 95) / std::max(0.01, window_pct(days_seen, 1, 1 + span, false, 95));
    // Linear growth: the bytes a day adds in the last week against the first.
    const int w = std::min(7, month / 3);
    const double first_rate = (days_seen[static_cast<std::size_t>(w)].db_mb - days_seen[0].db_mb) / w;
    const double last_rate = (last.db_mb - days_seen[static_cast<std::size_t>(month - 1 - w)].db_mb) / w;
    const double growth = last_rate / std::max(1e-6, first_rate);
    MESSAGE("a workshop with a year of history (" << seeded_mb << " MB) soaked " << month << " days; tap p99 " << tap_early << " ms on days 2-" << 1 + span << ", "
                                                   << tap_late << " ms on the last " << span << "; booking p99 " << book_early << " / " << book_late << " ms");
    MESSAGE("day " << month << " against day 2: resident memory " << last.proc.rss_mb << " / " << two.proc.rss_mb << " MB (target within 5%: "
                   << std::string(rss_ok ? "met" : "MISSED") << "; fails past 50%), open files " << last.proc.fds << " / " << two.proc.fds
                   << ", threads " << last.proc.threads << " / " << two.proc.threads << " (within 5%); tap p99 " << tap_ratio
                   << "x (target <= 1.5x: " << std::string(tap_ratio <= 1.5 ? "met" : "MISSED") << "; fails past 4x), booking p99 "
                   << book_ratio << "x (target <= 1.5x: " << std::string(book_ratio <= 1.5 ? "met" : "MISSED") << "), p95 " << book_p95_ratio
                   << "x (fails past 4x); the database grows "
                   << last_rate * 1000 << " kB a day in the last week, " << first_rate * 1000 << " kB in the first (ratio " << growth
                   << ", linear: 0.5 to 2)");
    CHECK(within(last.proc.fds, two.proc.fds, 5));
    CHECK(within(last.proc.threads, two.proc.threads, 5));
    CHECK(last.proc.rss_mb <= two.proc.rss_mb * 1.5);
    CHECK(tap_ratio <= 4.0);
    CHECK(book_p95_ratio <= 4.0);
    CHECK(growth >= 0.25);
    CHECK(growth <= 4.0);
    CHECK(last.backups >= std::min(month, 7));
    // What a month of it left: a clean database.
    auto violations = db::check_database(db);
    REQUIRE(violations);
    CHECK(violations->empty());
}
