// The PostgreSQL connection (db/pg.hpp) against a throwaway cluster the test starts itself
// (tests/common/pg_cluster.hpp: initdb in a temporary folder, a Unix socket only, removed at
// the end): statements with parameters, NULLs and accents both ways, a failure as a Problem
// with its SQLSTATE, a transaction rolled back, the advisory lock two stations take before
// migrating, an exclusion constraint over time ranges (btree_gist) refusing two overlapping
// bookings whoever sends them (what lets the database arbitrate between stations), and a
// server that is gone. Layer: db tests (issue 21's first brick).
#include "pg_fixture.hpp"

#include <chrono>
#include <thread>

using namespace etabli;
using pgtest::cluster;
using pgtest::connect;

TEST_CASE("a throwaway PostgreSQL cluster on a Unix socket") {
    INFO(cluster().why_not());
    REQUIRE(cluster().available());
    auto c = connect();
    auto v = c->query("SHOW server_version_num");
    REQUIRE(v);
    CHECK((*v)[0][0]->starts_with("15"));
    auto listen = c->query("SHOW listen_addresses");
    REQUIRE(listen);
    CHECK((*listen)[0][0] == std::optional<std::string>(""));  // no TCP port: the socket only
}

TEST_CASE("statements with parameters: text, NULL and accents both ways; never pasted into the SQL") {
    REQUIRE(cluster().available());
    auto c = connect("params");
    REQUIRE(c->exec("CREATE TABLE members (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE)"));
    const std::string hostile = "Zoé'); DROP TABLE members; --";
    auto ins = c->query("INSERT INTO members (name, email) VALUES ($1, $2) RETURNING id", {hostile, std::nullopt});
    REQUIRE(ins);
    CHECK((*ins)[0][0] == std::optional<std::string>("1"));  // the id comes from the database
    auto rows = c->query("SELECT name, email FROM members WHERE id = $1", {"1"});
    REQUIRE(rows);
    REQUIRE(rows->size() == 1);
    CHECK((*rows)[0][0] == hostile);
    CHECK_FALSE((*rows)[0][1].has_value());
    // A second row with the same e-mail: refused, with its SQLSTATE, and the connection goes on.
    REQUIRE(c->query("INSERT INTO members (name, email) VALUES ($1, $2)", {"Léa", "lea@example.org"}));
    auto dup = c->query("INSERT INTO members (name, email) VALUES ($1, $2)", {"Léa bis", "lea@example.org"});
    REQUIRE_FALSE(dup);
    CHECK(c->last_state() == "23505");
    CHECK(dup.error().kind == core::Problem::Kind::storage);
    CHECK(dup.error().msgid == "The PostgreSQL database refused a change: {0}");
    CHECK(c->query("SELECT 1"));
    CHECK(c->last_state().empty());
}

TEST_CASE("a transaction that fails half-way leaves nothing behind") {
    REQUIRE(cluster().available());
    auto c = connect("tx");
    REQUIRE(c->exec("CREATE TABLE loans (id BIGSERIAL PRIMARY KEY, tool BIGINT NOT NULL)"));
    REQUIRE(c->exec("BEGIN"));
    REQUIRE(c->query("INSERT INTO loans (tool) VALUES ($1)", {"7"}));
    CHECK_FALSE(c->query("INSERT INTO loans (tool) VALUES ($1)", {std::nullopt}));  // NOT NULL
    REQUIRE(c->exec("ROLLBACK"));
    auto n = c->query("SELECT count(*) FROM loans");
    REQUIRE(n);
    CHECK((*n)[0][0] == std::optional<std::string>("0"));
}

TEST_CASE("the advisory lock: one station at a time may migrate") {
    REQUIRE(cluster().available());
    auto a = connect(), b = connect();
    constexpr std::int64_t kMigrating = 0x657461626c69;  // "etabli"
    auto got = a->try_lock(kMigrating);
    REQUIRE(got);
    CHECK(*got);
    auto other = b->try_lock(kMigrating);
    REQUIRE(other);
    CHECK_FALSE(*other);
    REQUIRE(a->unlock(kMigrating));
    other = b->try_lock(kMigrating);
    REQUIRE(other);
    CHECK(*other);
    // A station that dies lets go of it with its session. The server ends the
    // session a moment after the socket closes, so the lock frees within a
    // short while, not at once.
    b.reset();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        got = a->try_lock(kMigrating);
        REQUIRE(got);
        if (*got || std::chrono::steady_clock::now() > until) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(*got);
}

TEST_CASE("the database arbitrates: two stations booking the same machine at the same hour, one wins") {
    REQUIRE(cluster().available());
    auto setup = connect("arbiter");
    REQUIRE(setup->exec("CREATE EXTENSION IF NOT EXISTS btree_gist;"
                        "CREATE TABLE bookings (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, machine BIGINT NOT NULL,"
                        " during TSTZRANGE NOT NULL, state TEXT NOT NULL DEFAULT 'booked',"
                        " EXCLUDE USING gist (machine WITH =, during WITH &&) WHERE (state IN ('booked', 'active')))"));
    // Four stations, each trying the same 20 slots of two machines at once.
    std::atomic<int> won{0}, refused{0}, other{0};
    std::vector<std::thread> stations;
    for (int s = 0; s < 4; ++s)
        stations.emplace_back([&] {
            auto c = db::PgConnection::open(cluster().url("arbiter"));
            if (!c) {
                ++other;
                return;
            }
            for (int slot = 0; slot < 20; ++slot) {
                const std::string from = "2026-12-0" + std::to_string(1 + slot / 10) + " " + std::to_string(8 + slot % 10) + ":00+01";
                const std::string to = "2026-12-0" + std::to_string(1 + slot / 10) + " " + std::to_string(9 + slot % 10) + ":15+01";
                auto r = (*c)->query("INSERT INTO bookings (machine, during) VALUES ($1, tstzrange($2, $3))", {std::to_string(1 + slot % 2), from, to});
                if (r) ++won;
                else if ((*c)->last_state() == "23P01") ++refused;  // exclusion_violation: "just booked at the other kiosk"
                else ++other;
            }
        });
    for (auto& t : stations) t.join();
    CHECK(other == 0);
    CHECK(won + refused == 80);
    auto overlaps = setup->query("SELECT count(*) FROM bookings a JOIN bookings b ON a.id < b.id AND a.machine = b.machine AND a.during && b.during");
    REQUIRE(overlaps);
    CHECK((*overlaps)[0][0] == std::optional<std::string>("0"));
    auto kept = setup->query("SELECT count(*) FROM bookings");
    REQUIRE(kept);
    CHECK((*kept)[0][0] == std::optional<std::string>(std::to_string(won.load())));
    MESSAGE(won.load() << " bookings kept, " << refused.load() << " refused by the exclusion constraint");
}

TEST_CASE("a server that is gone: a translated problem that names it, never a hang") {
    REQUIRE(cluster().available());
    auto c = connect();
    const auto url = cluster().url();
    cluster().stop();
    auto r = c->query("SELECT 1");
    CHECK_FALSE(r);
    const auto t0 = std::chrono::steady_clock::now();
    auto again = db::PgConnection::open(url, std::chrono::seconds{2});
    REQUIRE_FALSE(again);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds{5});
    CHECK(again.error().msgid == "Cannot reach the PostgreSQL database {0}: {1}");
    CHECK(again.error().kind == core::Problem::Kind::storage);
    CHECK(again.error().args[0].find("dbname=postgres") != std::string::npos);
    // Started again, as after a crash: the same data, and a new connection works.
    cluster().start();
    REQUIRE(cluster().available());
    CHECK(connect()->query("SELECT 1"));
}
