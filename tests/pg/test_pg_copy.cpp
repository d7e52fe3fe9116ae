// `etabli db copy --from FILE.db --to …` through the real binary, onto the throwaway cluster,
// and back into a new file that the station then opens and goes on with:
// the demo workshop with a year's data of each kind (members, badges, machines and bookings,
// tools and loans, repairs, skills, plans, receipts and a closed day, a bike sold, the audit
// trail) copied into an empty database and verified; the ids to come continue after the
// copied ones; the constraints hold on the copied rows. Refused, changing nothing: a second
// copy into the same database, a file of an older version, a file that is not there, a --to
// that is not PostgreSQL. Layer: db tests (issue 21).
#include "cli_run.hpp"
#include "pg_fixture.hpp"

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/pg_copy.hpp>
#include <etabli/db/pg_schema.hpp>

#include <sqlite3.h>

using namespace etabli;
using pgtest::cluster;
using pgtest::connect;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string one(db::PgConnection& c, const std::string& sql) {
    auto r = c.query(sql);
    REQUIRE_MESSAGE(r, (sql + ": " + (r ? std::string() : r.error().english())));
    REQUIRE(r->size() == 1);
    return (*r)[0][0].value_or("NULL");
}

}  // namespace

TEST_CASE("a station's SQLite file copied into PostgreSQL, verified table by table; the ids continue after it") {
    REQUIRE(cluster().available());
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    // A row in most tables, so that every column's type is copied at least once.
    auto ok = [&](std::vector<std::string> args) {
        auto run = cli(args);
        REQUIRE_MESSAGE(run.code == 0, args[0] << " " << args[1] << ": " << run.err);
    };
    ok({"tap", "0001234567"});  // Léa comes in: a presence
    ok({"repair", "log", "--volunteer", "3", "--item", "bicycle", "--component", "brakes", "--status", "fixed", "--minutes", "20"});
    ok({"tool", "add", "--name", "Clé à pédale", "--tag", "PED-1", "--deposit", "20"});
    ok({"lend", "PED-1", "--member", "1"});
    ok({"skill", "add", "Brasure à l'étain"});
    ok({"skill", "grant", "Brasure à l'étain", "--member", "1", "--level", "3"});
    ok({"training", "add", "--skill", "Brasure à l'étain", "--at", "2031-06-07 14:00", "--capacity", "4", "--trainer", "1"});
    ok({"bike", "add", "--type", "ville", "--brand", "Peugeot"});
    ok({"bike", "add", "--type", "VTT"});
    ok({"bike", "part", "2", "--part", "selle", "--to", "1"});
    ok({"bike", "leave", "1", "--how", "vendu", "--price", "85,50 €", "--surname", "Martin", "--first-name", "Léa", "--phone", "06 12 34 56 78",
        "--email", "lea@example.org"});
    REQUIRE(cli({"plan", "add", "Annuelle", "--price", "20"}).code == 0);
    REQUIRE(cli({"membership", "pay", "1", "--plan", "Annuelle", "--means", "espèces"}).code == 0);
    REQUIRE(cli({"receipt", "add", "--amount", "3,50", "--for", "réparation", "--means", "carte"}).code == 0);
    REQUIRE(cli({"receipt", "close"}).code == 0);
    // A buffer raised after bookings were made back to back: the copy keeps what the station
    // let them hold (the buffer up to the next booking), and does not refuse them.
    {
        auto lite = db::Connection::open_raw(cli.db, SQLITE_OPEN_READWRITE);
        REQUIRE(lite);
        REQUIRE(lite->exec("UPDATE machines SET buffer_after_min = 600"));
        REQUIRE(lite->exec("INSERT INTO bookings (machine_id, member_id, starts_at, ends_at, state, created_at) "
                           "SELECT 1, 1, '2030-01-07T10:00:00Z', '2030-01-07T11:00:00Z', 'booked', '2026-12-01T10:00:00Z' UNION ALL "
                           "SELECT 1, 2, '2030-01-07T11:00:00Z', '2030-01-07T12:00:00Z', 'booked', '2026-12-01T10:00:00Z'"));
    }
    const std::string url = cluster().url("copied");

    auto r = cli({"db", "copy", "--from", cli.db, "--to", url});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "copiées dans PostgreSQL"));
    CHECK(has(r.out, "SHA-256"));
    auto pg = connect("copied");
    CHECK(*db::pg_schema_version(*pg) == db::latest_schema_version());
    CHECK(one(*pg, "SELECT count(*) FROM members") == "6");
    CHECK(one(*pg, "SELECT display_name FROM members WHERE id = 2") == "Camille Martin");
    CHECK(one(*pg, "SELECT count(*) FROM receipts") == "2");
    CHECK(one(*pg, "SELECT lines FROM closings") == "2");
    CHECK(std::stol(one(*pg, "SELECT count(*) FROM machines")) >= 3);
    CHECK(std::stol(one(*pg, "SELECT count(*) FROM audit")) >= 1);
    CHECK(one(*pg, "SELECT count(*) FROM bookings WHERE blocks_until < ends_at") == "0");
    CHECK(one(*pg, "SELECT to_char(blocks_until AT TIME ZONE 'UTC', 'HH24:MI') FROM bookings WHERE starts_at = '2030-01-07T10:00:00Z'") == "11:00");
    CHECK(one(*pg, "SELECT to_char(blocks_until AT TIME ZONE 'UTC', 'HH24:MI') FROM bookings WHERE starts_at = '2030-01-07T11:00:00Z'") == "22:00");
    for (const char* table : {"presence", "repairs", "repair_volunteers", "loans", "skill_grants", "trainings", "bike_parts", "bike_departures"})
        CHECK_MESSAGE(std::stol(one(*pg, std::string("SELECT count(*) FROM ") + table)) >= 1, table);
    CHECK(std::stol(one(*pg, "SELECT count(*) FROM bikes")) >= 2);
    CHECK(one(*pg, "SELECT count(*) FROM bike_departures WHERE price_cents = 8550 AND buyer_phone <> ''") == "1");
    CHECK(one(*pg, "SELECT count(*) FROM loans WHERE due_day > lent_at::date AND returned_at IS NULL") == "1");
    // The next member takes the number after the copied ones, from the database's sequence.
    CHECK(one(*pg, "INSERT INTO members (display_name, created_at, updated_at) VALUES ('Nina', now(), now()) RETURNING id") == "7");
    // The copied day stays closed.
    CHECK(!pg->query("INSERT INTO receipts (at, day, amount_cents, means, what) SELECT now(), day, 100, 'cash', 'other' FROM closings"));

    // A station on the database copied: `--db postgresql://…` reads it and writes to it (its
    // own files, the secret among them, where its SQLite file would be: here a test folder).
    {
        testing::Cli on_pg;
        on_pg.db = "postgresql:///copied?host=" + cluster().socket_dir() + "&user=etabli";
        const std::string env = "XDG_DATA_HOME=" + on_pg.dir.path().string();
        // The workshop's secret, copied beside the station as the README says: it keys the
        // audit trail the copy brought.
        std::filesystem::create_directories(on_pg.dir.path() / "etabli");
        std::filesystem::copy_file(cli.db + ".pepper", on_pg.dir.path() / "etabli" / "postgresql.pepper");
        auto list = on_pg({"--json", "member", "list"}, env);
        REQUIRE_MESSAGE(list.code == 0, list.err);
        CHECK(has(list.out, "Camille Martin"));
        auto added = on_pg({"member", "add", "--name", "Oscar"}, env);
        REQUIRE_MESSAGE(added.code == 0, added.err);
        CHECK(one(*pg, "SELECT count(*) FROM members WHERE display_name = 'Oscar'") == "1");
        auto tap = on_pg({"tap", "0001234567"}, env);  // Léa, in before the copy, goes out
        CHECK_MESSAGE(tap.code == 0, tap.err);
        CHECK(one(*pg, "SELECT count(*) FROM presence WHERE checked_out IS NULL AND member_id = 1") == "0");
        // The audit trail, read from the database: the copied rows and the new ones chained.
        auto verified = on_pg({"audit", "verify"}, env);
        CHECK_MESSAGE(verified.code == 0, verified.out << verified.err);
        CHECK(has(verified.out, "est intègre"));
        auto trail = on_pg({"--json", "audit", "list"}, env);
        CHECK_MESSAGE(trail.code == 0, trail.err);
        CHECK(has(trail.out, "\"action\""));
        // The backups of a shared database are the server's.
        auto backup = on_pg({"backup"}, env);
        CHECK(backup.code == 2);
        CHECK(has(backup.err, "pg_dump"));
    }

    // And back, into a new file: the same rows, verified; the station opens it and goes on.
    const auto back = (cli.dir / "retour.db").string();
    r = cli({"db", "copy", "--from", url, "--to", back});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "copiées dans " + back));
    testing::Cli again;
    again.db = back;
    r = again({"--json", "member", "list"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "Nina"));  // the member added in PostgreSQL came back too
    CHECK(has(r.out, "Camille Martin"));
    r = again({"--json", "receipt", "journal"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"closed\":true"));
    r = again({"member", "add", "--name", "Sam Petit"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.starts_with("9"));  // the ids go on after the copied ones (Oscar, added on PostgreSQL, is 8)
    // Not onto a file that is there, and nothing changes in it.
    r = cli({"db", "copy", "--from", url, "--to", back});
    CHECK(r.code == 3);
    CHECK(has(r.err, "nouveau fichier"));
    CHECK(has(again({"member", "list"}).out, "Sam Petit"));

    // The JSON report: every table, with its rows and SHA-256.
    testing::Cli other;
    REQUIRE(other({"init", "--demo"}).code == 0);
    r = other({"--json", "db", "copy", "--from", other.db, "--to", cluster().url("copied_json")});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "{\"rows\":"));
    const auto members = r.out.find("\"table\":\"members\"}");
    REQUIRE(members != std::string::npos);
    // {"rows":6,"sha256":"<64 hex digits>","table":"members"}
    REQUIRE(members >= 86);
    CHECK(r.out.substr(members - 86, 20) == "{\"rows\":6,\"sha256\":\"");
    CHECK(has(r.out, "\"table\":\"bookings\""));
}

TEST_CASE("db copy into a schema of its own (PostgreSQL 15's way), there and back, without an allocation decision stored") {
    REQUIRE(cluster().available());
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    REQUIRE(cli({"member", "add", "--name", "Léa Dubois"}).code == 0);
    const std::string url = cluster().url("own_schema");
    {
        auto admin = connect("own_schema");
        REQUIRE(admin->exec("CREATE SCHEMA atelier; ALTER DATABASE own_schema SET search_path = atelier"));
    }
    auto r = cli({"db", "copy", "--from", cli.db, "--to", url});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto pg = connect("own_schema");
    CHECK(one(*pg, "SELECT count(*) FROM atelier.members") == "1");
    CHECK(one(*pg, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
    // A database whose stations never stored an allocation decision has no alloc_state row:
    // the file made on the way back then has none either (its station counts from the rows).
    REQUIRE(pg->exec("DELETE FROM atelier.alloc_state"));
    const auto back = (cli.dir / "retour.db").string();
    r = cli({"db", "copy", "--from", url, "--to", back});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    testing::Cli again;
    again.db = back;
    CHECK(has(again({"member", "list"}).out, "Léa Dubois"));
}

TEST_CASE("db copy refuses, changing nothing: a database with rows, an older file, no file, not PostgreSQL") {
    REQUIRE(cluster().available());
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string url = cluster().url("refusals");
    REQUIRE(cli({"db", "copy", "--from", cli.db, "--to", url}).code == 0);
    auto pg = connect("refusals");
    const auto members = one(*pg, "SELECT count(*) FROM members");
    // Again into the same database: refused, nothing doubled.
    auto r = cli({"db", "copy", "--from", cli.db, "--to", url});
    CHECK(r.code == 3);
    CHECK(has(r.err, "déjà"));
    CHECK(one(*pg, "SELECT count(*) FROM members") == members);
    // A file an older Établi left: opened once by this one first.
    testing::TempDir dir;
    REQUIRE(db::migrate_to(dir / "old.db", 5));
    r = cli({"db", "copy", "--from", (dir / "old.db").string(), "--to", cluster().url("refusals_old")});
    CHECK(r.code == 3);
    CHECK(has(r.err, "schéma 5"));
    CHECK(one(*connect("refusals_old"), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0");
    // A database of an older version that holds rows: refused before its schema is touched.
    {
        auto older = connect("refusals_older");
        REQUIRE(db::pg_migrate(*older, 10));
        REQUIRE(older->exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Déjà là', now(), now())"));
    }
    r = cli({"db", "copy", "--from", cli.db, "--to", cluster().url("refusals_older")});
    CHECK(r.code == 3);
    CHECK(has(r.err, "members"));
    CHECK(*db::pg_schema_version(*connect("refusals_older")) == 10);
    r = cli({"db", "copy", "--from", (dir / "none.db").string(), "--to", url});
    CHECK(r.code == 3);
    r = cli({"db", "copy", "--from", cli.db, "--to", "/tmp/autre.db"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "PostgreSQL"));
    // A server that cannot be reached: named, and bounded.
    r = cli({"db", "copy", "--from", cli.db, "--to", "host=" + (dir / "nowhere").string() + " dbname=etabli"});
    CHECK(r.code == 3);
    CHECK(has(r.err, "PostgreSQL"));
}
