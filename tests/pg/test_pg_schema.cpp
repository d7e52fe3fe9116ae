// The PostgreSQL dialect of the migrations (db/pg_schema.hpp) on the throwaway cluster: the
// same numbered and named steps as SQLite's; a fresh database brought to the latest version
// holds every table and column a SQLite file of that version holds (and nothing else but the
// documented differences); two stations starting together migrate once; a failing step
// leaves the version before it whole; a newer database is refused. Then the point of it: the
// constraints that let the database arbitrate between stations — overlapping bookings with
// their buffer, a second running session, a second open loan or presence, the receipts
// journal and the audit trail append-only, a closed day, a closing racing a line.
// Layer: db tests (issue 21).
#include "pg_fixture.hpp"
#include "testing.hpp"

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/pg_schema.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <utility>

using namespace etabli;
using pgtest::cluster;
using pgtest::connect;

namespace {

using Params = std::vector<std::optional<std::string>>;

std::unique_ptr<db::PgConnection> migrated(const std::string& name) {
    auto c = connect(name);
    auto r = db::pg_migrate(*c, db::pg_latest_schema_version());
    REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    return c;
}

std::vector<db::PgRow> rows(db::PgConnection& c, const std::string& sql, const Params& p = {}) {
    auto r = c.query(sql, p);
    REQUIRE_MESSAGE(r, (sql + ": " + (r ? std::string() : r.error().english())));
    return *r;
}
std::string one(db::PgConnection& c, const std::string& sql, const Params& p = {}) {
    auto r = rows(c, sql, p);
    REQUIRE(r.size() == 1);
    REQUIRE(r[0][0].has_value());
    return *r[0][0];
}
// The SQLSTATE a refused statement gave ("" when it was not refused).
std::string refused(db::PgConnection& c, const std::string& sql, const Params& p = {}) {
    auto r = c.query(sql, p);
    return r ? std::string() : c.last_state();
}

// Each table's columns, "table.column".
std::set<std::string> sqlite_columns(const std::filesystem::path& file) {
    auto c = db::Connection::open_raw(file.string(), SQLITE_OPEN_READONLY);
    REQUIRE(c);
    auto st = c->prepare("SELECT m.name || '.' || p.name FROM sqlite_schema m, pragma_table_info(m.name) p "
                         "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
    REQUIRE(st);
    std::set<std::string> out;
    for (;;) {
        auto more = st->step();
        REQUIRE(more);
        if (!*more) break;
        out.insert(st->column_text(0));
    }
    return out;
}
std::set<std::string> pg_columns(db::PgConnection& c) {
    std::set<std::string> out;
    for (const auto& r : rows(c, "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'"))
        out.insert(*r[0]);
    return out;
}

}  // namespace

TEST_CASE("the PostgreSQL migrations are SQLite's, step for step") {
    const auto sqlite = db::migrations();
    const auto pg = db::pg_migrations();
    REQUIRE(pg.size() == sqlite.size());
    for (std::size_t i = 0; i < pg.size(); ++i) {
        CHECK(pg[i].version == sqlite[i].version);
        CHECK(std::string(pg[i].name) == sqlite[i].name);
    }
    CHECK(db::pg_latest_schema_version() == db::latest_schema_version());
}

TEST_CASE("a fresh PostgreSQL database holds every table and column of a SQLite file of the same version") {
    REQUIRE(cluster().available());
    auto c = connect("fresh");
    auto v = db::pg_schema_version(*c);
    REQUIRE(v);
    CHECK(*v == 0);
    c = migrated("fresh");
    CHECK(*db::pg_schema_version(*c) == db::latest_schema_version());
    // Again: nothing to do.
    REQUIRE(db::pg_migrate(*c, db::pg_latest_schema_version()));

    testing::TempDir dir;
    REQUIRE(db::migrate_to(dir / "station.db", db::latest_schema_version()));
    auto lite = sqlite_columns(dir / "station.db");
    auto pg = pg_columns(*c);
    // The documented differences: SQLite's id counters and live-bookings floor (PostgreSQL's
    // ids come from its sequences; its live bookings from a partial index), PostgreSQL's
    // booking range with its buffer (the exclusion constraint) and its version table.
    for (const char* only_sqlite : {"alloc_state.next_booking", "alloc_state.next_session", "alloc_state.next_queue_entry",
                                    "alloc_state.next_series", "bookings_live_floor.id", "bookings_live_floor.floor"})
        CHECK(lite.erase(only_sqlite) == 1);
    for (const char* only_pg : {"bookings.blocks_until", "etabli_schema.id", "etabli_schema.version", "etabli_schema.migrated_at"})
        CHECK(pg.erase(only_pg) == 1);
    std::vector<std::string> missing, extra;
    std::set_difference(lite.begin(), lite.end(), pg.begin(), pg.end(), std::back_inserter(missing));
    std::set_difference(pg.begin(), pg.end(), lite.begin(), lite.end(), std::back_inserter(extra));
    for (const auto& m : missing) CHECK_MESSAGE(false, "not in PostgreSQL: " << m);
    for (const auto& e : extra) CHECK_MESSAGE(false, "only in PostgreSQL: " << e);
    CHECK(lite.size() > 150);
}

TEST_CASE("two stations starting together on an empty database: one migrates, the other waits and finds it done") {
    REQUIRE(cluster().available());
    const std::string url = cluster().url("together");  // creates it
    std::expected<void, core::Problem> a, b;
    std::thread other([&] {
        // No assertion here: a REQUIRE that throws off the test thread ends the program.
        auto c = db::PgConnection::open(url);
        if (!c) b = std::unexpected(c.error());
        else b = db::pg_migrate(**c, db::pg_latest_schema_version());
    });
    auto c = db::PgConnection::open(url);
    if (c) a = db::pg_migrate(**c, db::pg_latest_schema_version());
    other.join();
    REQUIRE(c);
    CHECK_MESSAGE(a, (a ? "" : a.error().english()));
    CHECK_MESSAGE(b, (b ? "" : b.error().english()));
    CHECK(*db::pg_schema_version(**c) == db::latest_schema_version());
    CHECK(one(**c, "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'") == "1");
}

TEST_CASE("a failing step leaves the version before it whole; a newer database is refused") {
    REQUIRE(cluster().available());
    auto c = connect("failing");
    const db::PgMigration list[] = {{1, "001_a", "CREATE TABLE a (x integer)"},
                                    {2, "002_b", "CREATE TABLE b (y integer); INSERT INTO b VALUES (1); SELECT no_such_function()"}};
    auto r = db::pg_migrate(*c, 2, list, std::chrono::seconds{5});
    REQUIRE(!r);
    CHECK(r.error().english().find("schema 2 (002_b)") != std::string::npos);
    CHECK(*db::pg_schema_version(*c) == 1);
    CHECK(refused(*c, "SELECT * FROM b") == "42P01");  // the failed step left nothing
    CHECK(one(*c, "SELECT count(*) FROM a") == "0");
    REQUIRE(c->exec("UPDATE etabli_schema SET version = 3"));
    r = db::pg_migrate(*c, 2, list, std::chrono::seconds{5});
    REQUIRE(!r);
    CHECK(r.error().english().find("newer") != std::string::npos);
    // A station that finds another one migrating for too long says so, and changes nothing.
    auto holder = connect("failing");
    REQUIRE(holder->try_lock(0x657461626c69));
    REQUIRE(c->exec("UPDATE etabli_schema SET version = 1"));
    r = db::pg_migrate(*c, 2, list, std::chrono::milliseconds{300});
    REQUIRE(!r);
    CHECK(r.error().english().find("Another station") != std::string::npos);
    CHECK(*db::pg_schema_version(*c) == 1);
}

TEST_CASE("the database arbitrates: what two stations may never both do is refused by PostgreSQL itself") {
    REQUIRE(cluster().available());
    auto c = migrated("arbitrates");
    // Ids come from the database.
    CHECK(one(*c, "INSERT INTO members (display_name, created_at, updated_at) VALUES ('Léa Dubois', now(), now()) RETURNING id") == "1");
    CHECK(one(*c, "INSERT INTO members (display_name, created_at, updated_at) VALUES ('Hugo Bernard', now(), now()) RETURNING id") == "2");
    CHECK(one(*c, "INSERT INTO machines (name, buffer_after_min, created_at, updated_at) VALUES ('Laser', 15, now(), now()) RETURNING id") == "1");

    // Bookings: the buffer after each counts; a cancelled booking frees its time.
    const std::string book = "INSERT INTO bookings (machine_id, member_id, starts_at, ends_at, blocks_until, created_at) "
                             "VALUES (1, $1, $2, $3, $4, now()) RETURNING id";
    const auto first = one(*c, book, {"1", "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z", "2026-12-07T11:15:00Z"});
    CHECK(refused(*c, book, {"2", "2026-12-07T11:00:00Z", "2026-12-07T12:00:00Z", "2026-12-07T12:15:00Z"}) == "23P01");
    CHECK(refused(*c, book, {"2", "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z", "2026-12-07T10:15:00Z"}) == "23P01");
    CHECK(refused(*c, book, {"2", "2026-12-07T11:15:00Z", "2026-12-07T12:00:00Z", "2026-12-07T12:15:00Z"}).empty());
    REQUIRE(c->query("UPDATE bookings SET state = 'cancelled' WHERE id = $1", {first}));
    CHECK(refused(*c, book, {"2", "2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z", "2026-12-07T11:15:00Z"}).empty());
    CHECK(refused(*c, "INSERT INTO bookings (machine_id, member_id, starts_at, ends_at, blocks_until, created_at) "
                      "VALUES (1, 1, now(), now() + interval '1 hour', now(), now())") == "23514");  // a buffer before its end

    // One running session per machine; the handover's end (015) is a known reason.
    const std::string start = "INSERT INTO sessions (machine_id, member_id, booking_id, started_at, allowed_until) "
                              "VALUES (1, $1, $2, now(), now() + interval '1 hour') RETURNING id";
    const auto running = one(*c, start, {"1", first});
    CHECK(refused(*c, start, {"2", first}) == "23505");
    REQUIRE(c->query("UPDATE sessions SET ended_at = now(), end_reason = 'handover' WHERE id = $1", {running}));
    CHECK(refused(*c, start, {"2", first}).empty());

    // One open loan per tool; one open presence per member.
    REQUIRE(c->exec("INSERT INTO tools (name, tag, created_at, updated_at) VALUES ('Perceuse', 'T1', now(), now())"));
    const std::string lend = "INSERT INTO loans (tool_id, member_id, basket, lent_at, due_day) "
                             "VALUES (1, $1, nextval('loan_baskets'), now(), current_date + 14)";
    CHECK(refused(*c, lend, {"1"}).empty());
    CHECK(refused(*c, lend, {"2"}) == "23505");
    const std::string in = "INSERT INTO presence (member_id, checked_in) VALUES ($1, now())";
    CHECK(refused(*c, in, {"1"}).empty());
    CHECK(refused(*c, in, {"1"}) == "23505");
    CHECK(refused(*c, in, {"2"}).empty());

    // The event log, the audit trail and the receipts journal take no change; the audit chain
    // takes one row after each.
    REQUIRE(c->exec("INSERT INTO events (at, kind) VALUES (now(), 'member.added')"));
    CHECK(refused(*c, "UPDATE events SET kind = 'x'") == "23000");
    CHECK(refused(*c, "DELETE FROM events") == "23000");
    const std::string audit = "INSERT INTO audit (at, principal, origin, action, outcome, prev_hash, hash) "
                              "VALUES (now(), 'host', 'kiosk', 'member.add', 'done', $1, $2)";
    CHECK(refused(*c, audit, {"genesis", "h1"}).empty());
    CHECK(refused(*c, audit, {"genesis", "h2"}) == "23505");  // two stations after the same row
    CHECK(refused(*c, "DELETE FROM audit") == "23000");
    const std::string line = "INSERT INTO receipts (at, day, amount_cents, means, what) VALUES (now(), $1, $2, 'cash', 'dues')";
    CHECK(refused(*c, line, {"2026-12-07", "500"}).empty());
    auto upd = c->query("UPDATE receipts SET label = 'x'");
    REQUIRE(!upd);
    CHECK(upd.error().english().find("append-only") != std::string::npos);

    // A closing counts every line of its day, and the day then takes none.
    const std::string close = "INSERT INTO closings (day, lines, total_cents, totals, confirmed_at) VALUES ($1, $2, $3, '', now())";
    CHECK(refused(*c, close, {"2026-12-07", "2", "1000"}) == "40001");
    CHECK(refused(*c, close, {"2026-12-07", "1", "500"}).empty());
    CHECK(refused(*c, line, {"2026-12-07", "300"}) == "23000");
    CHECK(refused(*c, "DELETE FROM closings") == "23000");

    // A marked bike keeps its identifier.
    REQUIRE(c->exec("INSERT INTO bikes (intake_day, origin, type, condition, marking, created_at, updated_at) "
                    "VALUES (current_date, 'donated', 'city', 'good', 'FC12345678', now(), now())"));
    CHECK(refused(*c, "UPDATE bikes SET marking = 'FC87654321'") == "23000");
    CHECK(refused(*c, "UPDATE bikes SET note = 'révisé'").empty());
}

TEST_CASE("a closing and a line of the same day from two stations at once: the database puts them in order") {
    REQUIRE(cluster().available());
    auto a = migrated("closing_race");
    auto b = connect("closing_race");
    const std::string line = "INSERT INTO receipts (at, day, amount_cents, means, what) VALUES (now(), '2026-12-08', 500, 'card', 'repair')";
    const std::string close = "INSERT INTO closings (day, lines, total_cents, totals, confirmed_at) VALUES ('2026-12-08', 0, 0, '', now())";
    // A line under way at one station; the other closes the day as it saw it (no line): the
    // closing waits for the line, then finds it and is refused.
    REQUIRE(a->exec("BEGIN"));
    REQUIRE(a->exec(line));
    std::string closing_state = "(not run)";
    std::thread other([&] { closing_state = refused(*b, close); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(a->exec("COMMIT"));
    other.join();
    CHECK(closing_state == "40001");
    // The other way round: a closing under way, then a line: the line waits, then is refused.
    REQUIRE(b->exec("BEGIN"));
    REQUIRE(b->exec("INSERT INTO closings (day, lines, total_cents, totals, confirmed_at) VALUES ('2026-12-08', 1, 500, 'card=500', now())"));
    std::string line_state = "(not run)";
    std::thread late([&] { line_state = refused(*a, line); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(b->exec("COMMIT"));
    late.join();
    CHECK(line_state == "23000");
    CHECK(one(*a, "SELECT count(*) FROM receipts WHERE day = '2026-12-08'") == "1");
}

TEST_CASE("the change feed: every row written is announced to every station when it commits, with its key and a number") {
    REQUIRE(cluster().available());
    auto writer = migrated("feed");
    auto station = connect("feed");
    REQUIRE(station->listen("etabli_changes"));
    // Nothing before the commit, nothing for a rollback.
    REQUIRE(writer->exec("BEGIN"));
    REQUIRE(writer->exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Léa Dubois', now(), now())"));
    auto n = station->next_notification(std::chrono::milliseconds(200));
    REQUIRE(n);
    CHECK(!n->has_value());
    REQUIRE(writer->exec("COMMIT"));
    REQUIRE(writer->exec("BEGIN"));
    REQUIRE(writer->exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Personne', now(), now())"));
    REQUIRE(writer->exec("ROLLBACK"));
    REQUIRE(writer->exec("UPDATE members SET display_name = 'Léa D.' WHERE id = 1"));
    REQUIRE(writer->exec("INSERT INTO badges (uid, member_id, created_at, updated_at) VALUES ('0004211337', 1, now(), now())"));
    REQUIRE(writer->exec("INSERT INTO opening_weekly (weekday, from_min, to_min) VALUES (6, 600, 1080)"));
    std::vector<std::string> got;
    for (int i = 0; i < 4; ++i) {
        auto next = station->next_notification(std::chrono::seconds(5));
        REQUIRE(next);
        REQUIRE(next->has_value());
        CHECK((*next)->channel == "etabli_changes");
        got.push_back((*next)->payload);
    }
    // Each "table:key:n": the rolled-back row took a number (2) and was never announced.
    CHECK(got == std::vector<std::string>{"members:1:1", "members:1:3", "badges:0004211337:4", "opening_weekly:6,600:5"});
    // A table a later step adds gets its announcement when the runner passes again.
    REQUIRE(writer->exec("CREATE TABLE later (id bigint PRIMARY KEY)"));
    REQUIRE(db::pg_migrate(*writer, db::pg_latest_schema_version()));
    REQUIRE(writer->exec("INSERT INTO later VALUES (42)"));
    auto later = station->next_notification(std::chrono::seconds(5));
    REQUIRE(later);
    REQUIRE(later->has_value());
    CHECK((*later)->payload == "later:42:6");
    // A station whose link drops is told so, not left waiting.
    REQUIRE(writer->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'feed' AND pid <> pg_backend_pid()"));
    auto gone = station->next_notification(std::chrono::seconds(5));
    CHECK(!gone);
}
