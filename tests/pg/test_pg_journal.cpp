// The offline journal (issue 21): a station whose PostgreSQL database is out of reach notes
// badge-ins and -outs in a small SQLite file beside it and replays them once, in order, when
// the database is back; replaying again, even from a journal that lost its marks, changes
// nothing. On a cluster of its own, stopped and started in the test.
// Layer: db tests, on a throwaway cluster.
#include "pg_fixture.hpp"
#include "testing.hpp"

#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>

#include <sqlite3.h>

#include <chrono>
#include <thread>

using namespace etabli;
using namespace std::chrono;
using testing::utc;

namespace {

std::string one(db::PgConnection& c, const std::string& sql) {
    auto r = c.query(sql);
    REQUIRE_MESSAGE(r, (sql + ": " + (r ? std::string() : r.error().english())));
    REQUIRE(r->size() == 1);
    return (*r)[0][0].value_or("NULL");
}

// The replay, once the store's link is back (it tries again at most once a second).
app::JournalReplay replay(db::SqlStore& store, core::Timestamp now) {
    for (int i = 0;; ++i) {
        auto r = store.replay_journal(now);
        if (r) return *r;
        REQUIRE_MESSAGE(i < 40, r.error().english());
        std::this_thread::sleep_for(milliseconds{250});
    }
}

}  // namespace

TEST_CASE("taps noted offline are replayed once, in order, and a journal replayed again changes nothing") {
    testing::PgCluster server(testing::PgCluster::Durability::durable);  // what it acknowledged survives the stop
    REQUIRE_MESSAGE(server.available(), server.why_not());
    testing::TempDir folder;
    (void)server.url("journal");
    const std::string url = "postgresql:///journal?host=" + server.socket_dir() + "&user=etabli";
    auto opened = db::SqlStore::open_postgres(url, folder.path() / "kiosk" / "workshop");
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().english()));
    auto& store = **opened;
    const auto t0 = utc("2026-12-01T09:00:00Z");
    std::vector<core::MemberId> m;
    for (const char* name : {"Léa", "Bastien", "Chloé"}) {
        auto r = store.add_member_with_badge(core::MemberDraft{name, std::nullopt, core::Role::member, std::nullopt, core::Lang::fr},
                                             std::string("0A0B0C0") + std::to_string(m.size()), std::nullopt, t0);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        m.push_back(r->member.id);
    }
    const std::string uid_a = "0A0B0C00", uid_b = "0A0B0C01", uid_c = "0A0B0C02";
    auto lea_in = store.check_in(m[0], uid_a, std::nullopt, t0, t0 + minutes{1});
    REQUIRE(lea_in);
    CHECK_FALSE(store.link_down());
    CHECK_FALSE(std::filesystem::exists(store.journal_path()));

    server.stop();
    auto refused = store.check_in(m[1], uid_b, std::nullopt, t0, t0 + minutes{5});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == core::Problem::Kind::storage);
    CHECK_MESSAGE(refused.error().english().starts_with("Network unavailable"), refused.error().english());
    CHECK(store.link_down());

    // Léa leaves, Bastien comes and goes and comes back, Chloé comes: all on this station alone.
    auto lea_out = store.journal_check_out(*lea_in, uid_a, t0 + minutes{10});
    REQUIRE(lea_out);
    CHECK(lea_out->id == lea_in->id);
    auto bastien_in = store.journal_check_in(m[1], uid_b, std::nullopt, t0, t0 + minutes{11});
    REQUIRE(bastien_in);
    CHECK(bastien_in->id < 0);  // provisional: the database names it at the replay
    REQUIRE(store.journal_check_out(*bastien_in, uid_b, t0 + minutes{20}));
    auto chloe_in = store.journal_check_in(m[2], uid_c, std::nullopt, t0, t0 + minutes{21});
    REQUIRE(chloe_in);
    auto bastien_again = store.journal_check_in(m[1], uid_b, std::nullopt, t0, t0 + minutes{22});
    REQUIRE(bastien_again);
    CHECK(bastien_again->id != bastien_in->id);
    CHECK(std::filesystem::exists(store.journal_path()));
    CHECK(store.journal_path() == folder.path() / "kiosk" / "workshop-offline.db");

    server.start();
    REQUIRE(server.available());
    // Meanwhile another station, on the database, checked Chloé in.
    auto other = db::SqlStore::open_postgres(url, folder.path() / "entrance" / "workshop");
    REQUIRE(other);
    auto chloe_elsewhere = (*other)->check_in(m[2], uid_c, std::nullopt, t0, t0 + minutes{15});
    REQUIRE_MESSAGE(chloe_elsewhere, (chloe_elsewhere ? "" : chloe_elsewhere.error().english()));

    const auto now = t0 + minutes{30};
    auto first = replay(store, now);
    CHECK(first.replayed == 5);
    CHECK(first.already == 0);
    auto pg = db::PgConnection::open(server.url("journal"));
    REQUIRE(pg);
    // Léa out at 09:10; Bastien 09:11–09:20 and in again since 09:22; Chloé in once, since
    // 09:15 (the other station's): the journaled check-in stands for it.
    CHECK(one(**pg, "SELECT to_char(checked_out AT TIME ZONE 'UTC', 'HH24:MI') FROM presence WHERE id = " + std::to_string(lea_in->id)) ==
          "09:10");
    CHECK(one(**pg, "SELECT string_agg(to_char(checked_in AT TIME ZONE 'UTC', 'HH24:MI') || '-' || "
                    "coalesce(to_char(checked_out AT TIME ZONE 'UTC', 'HH24:MI'), 'in'), ' ' ORDER BY checked_in) FROM presence WHERE member_id = " +
                        std::to_string(m[1])) == "09:11-09:20 09:22-in");
    CHECK(one(**pg, "SELECT count(*) FROM presence WHERE member_id = " + std::to_string(m[2])) == "1");
    CHECK(one(**pg, "SELECT count(*) FROM replayed_taps") == "5");
    CHECK(one(**pg, "SELECT count(*) FROM events WHERE detail LIKE '%\"offline\":1%'") == "4");  // 2 in, 2 out
    {
        auto j = db::Connection::open_raw(store.journal_path().string(), SQLITE_OPEN_READONLY);
        REQUIRE(j);
        CHECK(*j->query_text("SELECT group_concat(outcome, ', ') FROM (SELECT outcome FROM taps ORDER BY seq)") ==
              "checked out, checked in, checked out, already in, checked in");
    }

    // Again: nothing left to replay.
    auto second = replay(store, now);
    CHECK(second.replayed == 0);
    CHECK(second.already == 0);
    // A journal that lost its marks: the database knows every tap by its name.
    const std::string before = one(**pg, "SELECT count(*) || ' ' || count(checked_out) || ' ' || (SELECT count(*) FROM events) FROM presence");
    {
        auto j = db::Connection::open_raw(store.journal_path().string(), SQLITE_OPEN_READWRITE);
        REQUIRE(j);
        REQUIRE(j->exec("UPDATE taps SET replayed_at = NULL"));
    }
    auto reopened = db::SqlStore::open_postgres(url, folder.path() / "kiosk" / "workshop");  // a restart
    REQUIRE(reopened);
    auto third = replay(**reopened, now + minutes{1});
    CHECK(third.replayed == 0);
    CHECK(third.already == 5);
    CHECK(one(**pg, "SELECT count(*) || ' ' || count(checked_out) || ' ' || (SELECT count(*) FROM events) FROM presence") == before);
}

TEST_CASE("a station of one PC keeps no journal") {
    testing::TempDir folder;
    auto store = db::SqlStore::open(folder.path() / "etabli.db");
    REQUIRE(store);
    CHECK_FALSE((*store)->link_down());
    auto r = (*store)->replay_journal(utc("2026-12-01T09:00:00Z"));
    REQUIRE(r);
    CHECK(r->replayed + r->already == 0);
    auto noted = (*store)->journal_check_in(1, "0A0B0C00", std::nullopt, utc("2026-12-01T09:00:00Z"), utc("2026-12-01T09:00:00Z"));
    CHECK_FALSE(noted);
    CHECK_FALSE(std::filesystem::exists((*store)->journal_path()));
}
