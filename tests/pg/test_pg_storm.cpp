// Storms (issue 21): two, then three stations (separate processes, pg_storm_worker, each
// with its own connection and engine) on one PostgreSQL database, all firing at once at the
// same few machines and hours, the same tools, the same members. What must hold after each:
// nothing the database refuses twice got in twice (no overlapping live bookings, buffers
// included; one open loan per tool; one open presence per member), every acknowledged
// booking or loan is in the database as acknowledged, every refusal is a sentence a member
// understands (never a raw SQL error), and every station, having heard the others' changes on
// the change feed, shows the same board as the database, and the same again after a restart.
// Layer: db tests, on the throwaway cluster.
#include "pg_fixture.hpp"
#include "testing.hpp"

#include <etabli/app/features/tools.hpp>
#include <etabli/app/station.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace etabli;
using namespace std::chrono;
using pgtest::cluster;
using testing::utc;

namespace {

std::string url_of(const std::string& db, testing::PgCluster& on = cluster()) {
    (void)on.url(db);  // creates it
    return "postgresql:///" + db + "?host=" + on.socket_dir() + "&user=etabli";
}

struct Setup {
    std::vector<std::int64_t> machines, members, tools;
    std::vector<std::string> badges;
};

// The workshop the stations share: 12 members with badges, three machines (a 10-minute
// buffer after each booking), three tools, open 09:00–21:00 every day.
Setup prepare(const std::string& url, const std::filesystem::path& folder) {
    Setup s;
    auto store = db::SqlStore::open_postgres(url, folder / "workshop");
    REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
    testing::FakeClock clock(utc("2026-12-01T08:00:00Z"));
    testing::FixedCalendar calendar{minutes{60}};
    app::Station st(**store, clock, calendar);
    auto started = st.start();
    REQUIRE_MESSAGE(started, (started ? "" : started.error().english()));
    for (int i = 1; i <= 12; ++i) {
        core::MemberDraft d;
        d.display_name = "Membre " + std::to_string(i);
        const std::string badge = "00000" + std::to_string(1000 + i);
        auto r = st.call(app::AddMember{d, std::nullopt, badge});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        s.members.push_back(std::get<core::Member>(*r).id);
        s.badges.push_back(badge);
    }
    for (const char* name : {"Laser", "Fraiseuse", "Imprimante 3D"}) {
        alloc::Machine m;
        m.name = name;
        m.rules.max_length = minutes{120};
        m.rules.buffer_after = minutes{10};
        auto r = st.call(app::AddMachine{m, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        s.machines.push_back(std::get<alloc::Machine>(*r).id);
        for (auto member : s.members) REQUIRE(st.call(app::Authorise{s.machines.back(), member, true, std::nullopt}));
    }
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
    REQUIRE(st.call(app::SetHours{h, std::nullopt}));
    for (const char* name : {"Perceuse", "Scie sauteuse", "Ponceuse"}) {
        core::Tool t;
        t.name = name;
        t.loan_days = 7;
        auto r = st.call(app::AddTool{t, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        s.tools.push_back(std::get<core::Tool>(*r).id);
    }
    st.stop();
    return s;
}

struct Station {
    std::vector<std::string> lines;
    std::string board;     // heard on the change feed, without a restart
    std::string reloaded;  // after a restart (a full load)
    int code = -1;
};

// Runs `n` workers at once on `attempts` in all; each one's lines, its board and its exit code.
std::vector<Station> storm(const std::string& url, const std::filesystem::path& folder, int n, const std::string& mode, int attempts,
                           const std::vector<std::string>& ids) {
    std::filesystem::remove(folder / "go");
    for (int i = 0; i < n; ++i) {
        std::string cmd = "( timeout 600 " + std::string(ETABLI_STORM_WORKER) + " '" + url + "' '" + folder.string() + "' " + std::to_string(i) +
                          " " + mode + " " + std::to_string((attempts + n - 1) / n) + " " + std::to_string(1234 + i);
        for (const auto& id : ids) cmd += " " + id;
        // Its lines on stdout, what the station logs (stderr) aside: never inside a line.
        cmd += " > '" + (folder / ("out." + std::to_string(i))).string() + "' 2> '" + (folder / ("err." + std::to_string(i))).string() +
               "'; echo $? > '" + (folder / ("rc." + std::to_string(i))).string() +
               "' ) &";
        std::filesystem::remove(folder / ("done." + std::to_string(i)));
        std::filesystem::remove(folder / ("rc." + std::to_string(i)));
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    auto all = [&](const char* prefix) {
        for (int i = 0; i < n; ++i)
            if (!std::filesystem::exists(folder / (prefix + std::to_string(i)))) return false;
        return true;
    };
    const auto until = steady_clock::now() + seconds{600};
    // The attempts done (or a worker that ended early), then the stations load again.
    while (!all("done.") && !all("rc.") && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds{50});
    { std::ofstream(folder / "go") << "go\n"; }
    while (!all("rc.") && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds{50});
    std::vector<Station> out(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Station& s = out[static_cast<std::size_t>(i)];
        std::ifstream rc(folder / ("rc." + std::to_string(i)));
        rc >> s.code;
        std::ifstream in(folder / ("out." + std::to_string(i)));
        for (std::string line; std::getline(in, line);) {
            if (line.starts_with("board") || line.starts_with("loans") || line.starts_with("present")) s.board = line;
            else if (line.starts_with("reloaded ")) s.reloaded = line.substr(9);
            else s.lines.push_back(line);
        }
    }
    return out;
}

// Two stations, 3,000 attempts a millisecond and a half apart (the storm lasts at least
// 2.5 s), while `server` stops at once (as in a crash) 0.8 s in, for 2 s.
std::vector<Station> storm_across_outage(testing::PgCluster& server, const std::string& url, const std::filesystem::path& folder,
                                         const std::string& mode, const std::vector<std::string>& ids) {
    ::setenv("ETABLI_STORM_PACE_US", "1500", 1);
    std::thread outage([&server] {
        std::this_thread::sleep_for(milliseconds{800});
        server.stop();
        std::this_thread::sleep_for(seconds{2});
        server.start();
    });
    auto stations = storm(url, folder, 2, mode, 3000, ids);
    outage.join();
    ::unsetenv("ETABLI_STORM_PACE_US");
    REQUIRE(server.available());
    return stations;
}

std::vector<std::string> strings(const std::vector<std::int64_t>& v) {
    std::vector<std::string> out;
    for (auto x : v) out.push_back(std::to_string(x));
    return out;
}

std::string one(db::PgConnection& c, const std::string& sql) {
    auto r = c.query(sql);
    REQUIRE_MESSAGE(r, (sql + ": " + (r ? std::string() : r.error().english())));
    REQUIRE(r->size() == 1);
    return (*r)[0][0].value_or("NULL");
}

// A refusal a member can read: the station's own words, never SQL's.
void check_explained(const std::vector<Station>& stations, std::map<std::string, int>& reasons) {
    for (const auto& s : stations)
        for (const auto& line : s.lines)
            if (line.starts_with("refused ")) ++reasons[line.substr(8)];
    for (const auto& [why, count] : reasons) {
        MESSAGE(count << " × " << why);
        for (const char* raw : {"Storage error", "refused a change", "SQLSTATE", "violates", "duplicate key", "constraint", "ERROR"})
            CHECK_MESSAGE(why.find(raw) == std::string::npos, why);
    }
}

}  // namespace

TEST_CASE("booking storms: 2 and 3 stations, 10,000 attempts at the same machines and hours, the database arbitrating") {
    REQUIRE(cluster().available());
    for (int n : {2, 3}) {
        CAPTURE(n);
        testing::TempDir folder;
        const std::string url = url_of("storm_book_" + std::to_string(n));
        const Setup setup = prepare(url, folder.path());
        std::vector<std::string> ids = strings(setup.machines);
        ids.push_back("--");
        for (const auto& m : strings(setup.members)) ids.push_back(m);
        const auto t0 = steady_clock::now();
        const auto stations = storm(url, folder.path(), n, "book", 10000, ids);
        const double seconds_taken = duration<double>(steady_clock::now() - t0).count();
        auto pg = pgtest::connect("storm_book_" + std::to_string(n));
        // Nothing twice: no two live bookings of a machine overlap, its buffer after each included.
        CHECK(one(*pg, "SELECT count(*) FROM bookings a JOIN bookings b ON a.machine_id = b.machine_id AND a.id < b.id "
                       "JOIN machines m ON m.id = a.machine_id "
                       "WHERE a.state IN ('booked', 'active') AND b.state IN ('booked', 'active') "
                       "AND a.starts_at < b.ends_at + make_interval(mins => m.buffer_after_min) "
                       "AND b.starts_at < a.ends_at + make_interval(mins => m.buffer_after_min)") == "0");
        // Every acknowledged booking is there, as acknowledged; nothing else is.
        int acknowledged = 0, refused = 0;
        std::set<std::string> acked_ids;
        for (const auto& s : stations) {
            CHECK(s.code == 0);
            for (const auto& line : s.lines) {
                if (line.starts_with("refused ")) {
                    ++refused;
                    continue;
                }
                REQUIRE_MESSAGE(line.starts_with("ok "), line);
                ++acknowledged;
                std::istringstream in(line.substr(3));
                std::string id, machine, start, end;
                in >> id >> machine >> start >> end;
                acked_ids.insert(id);
                CHECK_MESSAGE(one(*pg, "SELECT count(*) FROM bookings WHERE id = " + id + " AND machine_id = " + machine + " AND starts_at = '" + start +
                                           "' AND ends_at = '" + end + "' AND state = 'booked'") == "1",
                              line);
            }
        }
        CHECK(acknowledged + refused == (10000 + n - 1) / n * n);
        CHECK(static_cast<int>(acked_ids.size()) == acknowledged);
        CHECK(one(*pg, "SELECT count(*) FROM bookings") == std::to_string(acknowledged));
        std::map<std::string, int> reasons;
        check_explained(stations, reasons);
        // After loading the database again, every station shows what it holds.
        for (const auto& s : stations) {
            CHECK(s.board == stations.front().board);
            CHECK(s.reloaded == s.board);
        }
        std::set<std::string> on_board;
        {
            std::istringstream in(stations.front().board.substr(5));
            for (std::string id; in >> id;) on_board.insert(id);
        }
        CHECK(on_board == acked_ids);
        MESSAGE(n << " stations: " << acknowledged << " bookings acknowledged, " << refused << " refused, in " << seconds_taken << " s");
        CHECK(acknowledged > 0);
    }
}

TEST_CASE("loan storms: 2 and 3 stations lending and taking back the same three tools") {
    REQUIRE(cluster().available());
    for (int n : {2, 3}) {
        CAPTURE(n);
        testing::TempDir folder;
        const std::string db = "storm_lend_" + std::to_string(n);
        const std::string url = url_of(db);
        const Setup setup = prepare(url, folder.path());
        std::vector<std::string> ids = strings(setup.tools);
        ids.push_back("--");
        for (const auto& m : strings(setup.members)) ids.push_back(m);
        const auto stations = storm(url, folder.path(), n, "lend", 10000, ids);
        auto pg = pgtest::connect(db);
        CHECK(one(*pg, "SELECT count(*) FROM (SELECT tool_id FROM loans WHERE returned_at IS NULL GROUP BY tool_id HAVING count(*) > 1) x") == "0");
        int lent = 0, refused = 0;
        for (const auto& s : stations) {
            CHECK(s.code == 0);
            for (const auto& line : s.lines) {
                if (line.starts_with("refused ")) {
                    ++refused;
                } else if (line.starts_with("ok lent ")) {
                    ++lent;
                    std::istringstream in(line.substr(8));
                    std::string id, tool;
                    in >> id >> tool;
                    CHECK_MESSAGE(one(*pg, "SELECT count(*) FROM loans WHERE id = " + id + " AND tool_id = " + tool) == "1", line);
                }
            }
        }
        CHECK(one(*pg, "SELECT count(*) FROM loans") == std::to_string(lent));
        std::map<std::string, int> reasons;
        check_explained(stations, reasons);
        std::string expected = "loans";
        auto open = pg->query("SELECT tool_id, member_id FROM loans WHERE returned_at IS NULL ORDER BY tool_id");
        REQUIRE(open);
        for (const auto& r : *open) expected += " " + r[0].value_or("") + ":" + r[1].value_or("");
        for (const auto& s : stations) {
            CHECK(s.board == expected);
            CHECK(s.reloaded == expected);
        }
        MESSAGE(n << " stations: " << lent << " loans acknowledged, " << refused << " refused");
        CHECK(lent > 0);
    }
}

TEST_CASE("check-in storms: 2 and 3 stations, the same members tapping in and out") {
    REQUIRE(cluster().available());
    for (int n : {2, 3}) {
        CAPTURE(n);
        testing::TempDir folder;
        const std::string db = "storm_tap_" + std::to_string(n);
        const std::string url = url_of(db);
        const Setup setup = prepare(url, folder.path());
        const auto stations = storm(url, folder.path(), n, "tap", 10000, setup.badges);
        auto pg = pgtest::connect(db);
        CHECK(one(*pg, "SELECT count(*) FROM (SELECT member_id FROM presence WHERE checked_out IS NULL GROUP BY member_id HAVING count(*) > 1) x") == "0");
        int ok = 0, refused = 0;
        for (const auto& s : stations) {
            CHECK(s.code == 0);
            for (const auto& line : s.lines) (line.starts_with("refused ") ? refused : ok) += 1;
        }
        CHECK(ok + refused == (10000 + n - 1) / n * n);
        std::map<std::string, int> reasons;
        check_explained(stations, reasons);
        std::string expected = "present";
        auto open = pg->query("SELECT member_id FROM presence WHERE checked_out IS NULL ORDER BY member_id");
        REQUIRE(open);
        for (const auto& r : *open) expected += " " + r[0].value_or("");
        for (const auto& s : stations) {
            CHECK(s.board == expected);
            CHECK(s.reloaded == expected);
        }
        MESSAGE(n << " stations: " << ok << " taps acknowledged, " << refused << " refused");
    }
}

TEST_CASE("a booking storm while PostgreSQL stops and starts again: nothing acknowledged is lost, the stations converge") {
    // A cluster of its own that keeps what it acknowledged across a crash, as a workshop's
    // server does (the others run without fsync and synchronous commits, for speed).
    testing::PgCluster server(testing::PgCluster::Durability::durable);
    REQUIRE_MESSAGE(server.available(), server.why_not());
    testing::TempDir folder;
    const std::string db = "storm_outage";
    const std::string url = url_of(db, server);
    const Setup setup = prepare(url, folder.path());
    std::vector<std::string> ids = strings(setup.machines);
    ids.push_back("--");
    for (const auto& m : strings(setup.members)) ids.push_back(m);
    // 3,000 attempts over twelve days: most reach the database.
    const auto stations = storm_across_outage(server, url, folder.path(), "book-wide", ids);
    auto opened = db::PgConnection::open(server.url(db));
    REQUIRE(opened);
    auto& pg = *opened;
    CHECK(one(*pg, "SELECT count(*) FROM bookings a JOIN bookings b ON a.machine_id = b.machine_id AND a.id < b.id "
                   "JOIN machines m ON m.id = a.machine_id "
                   "WHERE a.state IN ('booked', 'active') AND b.state IN ('booked', 'active') "
                   "AND a.starts_at < b.ends_at + make_interval(mins => m.buffer_after_min) "
                   "AND b.starts_at < a.ends_at + make_interval(mins => m.buffer_after_min)") == "0");
    int acknowledged = 0, offline = 0;
    for (const auto& s : stations) {
        CHECK(s.code == 0);
        for (const auto& line : s.lines) {
            if (line.starts_with("refused ")) {
                if (line.find("link to the shared database dropped") != std::string::npos) ++offline;
                continue;
            }
            ++acknowledged;
            std::istringstream in(line.substr(3));
            std::string id;
            in >> id;
            // Acknowledged: there, whatever happened after.
            CHECK_MESSAGE(one(*pg, "SELECT count(*) FROM bookings WHERE id = " + id + " AND state = 'booked'") == "1", line);
        }
    }
    std::map<std::string, int> reasons;
    check_explained(stations, reasons);
    // The stations heard the feed again once the server was back, and loaded: the same board
    // as the database's.
    std::string expected = "board";
    auto live = pg->query("SELECT id FROM bookings WHERE state IN ('booked', 'active') ORDER BY starts_at, id");
    REQUIRE(live);
    for (const auto& r : *live) expected += " " + r[0].value_or("");
    for (const auto& s : stations) {
        CHECK_MESSAGE(s.board == expected, s.board << "\n" << expected);
        CHECK(s.reloaded == expected);
    }
    MESSAGE("outage: " << acknowledged << " bookings acknowledged, " << offline << " refused while the server was down");
    CHECK(offline > 0);
    CHECK(acknowledged > 0);
}

TEST_CASE("a check-in storm while PostgreSQL stops and starts again: the taps noted offline are replayed once, the stations converge") {
    testing::PgCluster server(testing::PgCluster::Durability::durable);
    REQUIRE_MESSAGE(server.available(), server.why_not());
    testing::TempDir folder;
    const std::string db = "storm_tap_outage";
    const std::string url = url_of(db, server);
    const Setup setup = prepare(url, folder.path());
    const auto stations = storm_across_outage(server, url, folder.path(), "tap", setup.badges);
    auto opened = db::PgConnection::open(server.url(db));
    REQUIRE(opened);
    auto& pg = *opened;
    CHECK(one(*pg, "SELECT count(*) FROM (SELECT member_id FROM presence WHERE checked_out IS NULL GROUP BY member_id HAVING count(*) > 1) x") == "0");
    int in_online = 0, noted_offline = 0, refused = 0;
    for (const auto& s : stations) {
        CHECK(s.code == 0);
        for (const auto& line : s.lines) {
            if (line.starts_with("refused ")) ++refused;
            else if (line.ends_with(" offline")) ++noted_offline;
            else if (line == "ok check_in") ++in_online;
        }
    }
    std::map<std::string, int> reasons;
    check_explained(stations, reasons);
    // Each station's journal: every tap it noted offline, each replayed (its mark set), and
    // the database names each one once.
    int journaled = 0, opened_offline = 0;
    for (int i = 0; i < 2; ++i) {
        const auto file = folder.path() / ("station-" + std::to_string(i)) / "workshop-offline.db";
        if (!std::filesystem::exists(file)) continue;
        auto j = db::Connection::open_raw(file.string(), SQLITE_OPEN_READONLY);
        REQUIRE(j);
        const int rows = static_cast<int>(*j->query_int("SELECT count(*) FROM taps"));
        int lines = 0;
        for (const auto& line : stations[static_cast<std::size_t>(i)].lines) lines += line.ends_with(" offline") ? 1 : 0;
        CHECK_MESSAGE(rows == lines, "station " << i << ": " << rows << " taps in its journal, " << lines << " said noted offline");
        journaled += rows;
        CHECK(*j->query_int("SELECT count(*) FROM taps WHERE replayed_at IS NULL") == 0);
        CHECK(*j->query_int("SELECT count(*) FROM taps WHERE outcome NOT IN ('checked in', 'already in', 'checked out', 'already out', "
                            "'nothing to close')") == 0);
        opened_offline += static_cast<int>(*j->query_int("SELECT count(*) FROM taps WHERE outcome = 'checked in'"));
    }
    CHECK(journaled == noted_offline);
    CHECK(one(*pg, "SELECT count(*) FROM replayed_taps") == std::to_string(journaled));
    // Nothing acknowledged is lost: every check-in acknowledged online, and every one noted
    // offline that opened a presence when replayed, is a presence (more only by a commit
    // whose answer the crash lost, which the station said it could not confirm).
    const int presences = std::stoi(one(*pg, "SELECT count(*) FROM presence"));
    CHECK(presences >= in_online + opened_offline);
    CHECK(presences <= in_online + opened_offline + refused);
    // Every station shows who is in as the database has it, heard and after a restart.
    std::string expected = "present";
    auto in = pg->query("SELECT member_id FROM presence WHERE checked_out IS NULL ORDER BY member_id");
    REQUIRE(in);
    for (const auto& r : *in) expected += " " + r[0].value_or("");
    for (const auto& s : stations) {
        CHECK_MESSAGE(s.board == expected, s.board << "\n" << expected);
        CHECK(s.reloaded == expected);
    }
    // A journal that lost its marks (a station stopped between the database's commit and its
    // own, a file copied back) replayed again: the database keeps every tap's name, nothing
    // is written twice.
    const auto file = folder.path() / "station-0" / "workshop-offline.db";
    REQUIRE(std::filesystem::exists(file));
    {
        auto j = db::Connection::open_raw(file.string(), SQLITE_OPEN_READWRITE);
        REQUIRE(j);
        REQUIRE(j->exec("UPDATE taps SET replayed_at = NULL"));
    }
    const std::string before = one(*pg, "SELECT count(*) || ' ' || count(checked_out) || ' ' || (SELECT count(*) FROM events) FROM presence");
    {
        auto store = db::SqlStore::open_postgres(url, folder.path() / "station-0" / "workshop");
        REQUIRE(store);
        auto again = (*store)->replay_journal(utc("2026-12-01T09:05:00Z"));
        REQUIRE_MESSAGE(again, (again ? "" : again.error().english()));
        CHECK(again->replayed == 0);
        CHECK(again->already > 0);
    }
    CHECK(one(*pg, "SELECT count(*) || ' ' || count(checked_out) || ' ' || (SELECT count(*) FROM events) FROM presence") == before);
    MESSAGE("tap outage: " << in_online << " check-ins acknowledged online, " << noted_offline << " taps noted offline and replayed ("
                           << opened_offline << " opened a presence), " << refused << " refused");
    CHECK(noted_offline > 0);
}
