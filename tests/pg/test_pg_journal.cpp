// The offline journal (issue 21): a station whose PostgreSQL database is out of reach notes
// badge-ins and -outs in a small SQLite file beside it and replays them once, in order, when
// the database is back; replaying again, even from a journal that lost its marks, changes
// nothing. On a cluster of its own, stopped and started in the test.
// Layer: db tests, on a throwaway cluster.
#include "pg_fixture.hpp"
#include "testing.hpp"

#include <etabli/app/station.hpp>
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
    for (const char* name : {"Léa", "Bastien", "Chloé", "Dana"}) {
        auto r = store.add_member_with_badge(core::MemberDraft{name, std::nullopt, core::Role::member, std::nullopt, core::Lang::fr},
                                             std::string("0A0B0C0") + std::to_string(m.size()), std::nullopt, t0);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        m.push_back(r->member.id);
    }
    const std::string uid_a = "0A0B0C00", uid_b = "0A0B0C01", uid_c = "0A0B0C02", uid_d = "0A0B0C03";
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
    auto dana_in = store.journal_check_in(m[3], uid_d, std::nullopt, t0, t0 + minutes{30});
    REQUIRE(dana_in);
    REQUIRE(store.journal_check_out(*dana_in, uid_d, t0 + minutes{40}));
    CHECK(std::filesystem::exists(store.journal_path()));
    CHECK(store.journal_path() == folder.path() / "kiosk" / "workshop-offline.db");

    server.start();
    REQUIRE(server.available());
    // Meanwhile another station, on the database, checked Chloé in (before her tap here) and
    // Dana (after her visit here).
    auto other = db::SqlStore::open_postgres(url, folder.path() / "entrance" / "workshop");
    REQUIRE(other);
    auto chloe_elsewhere = (*other)->check_in(m[2], uid_c, std::nullopt, t0, t0 + minutes{15});
    REQUIRE_MESSAGE(chloe_elsewhere, (chloe_elsewhere ? "" : chloe_elsewhere.error().english()));
    REQUIRE((*other)->check_in(m[3], uid_d, std::nullopt, t0, t0 + minutes{50}));

    const auto now = t0 + minutes{30};
    auto first = replay(store, now);
    CHECK(first.replayed == 7);
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
    // Dana: her visit here 09:30–09:40 kept as it was, and the other station's since 09:50.
    CHECK(one(**pg, "SELECT string_agg(to_char(checked_in AT TIME ZONE 'UTC', 'HH24:MI') || '-' || "
                    "coalesce(to_char(checked_out AT TIME ZONE 'UTC', 'HH24:MI'), 'in'), ' ' ORDER BY checked_in) FROM presence WHERE member_id = " +
                        std::to_string(m[3])) == "09:30-09:40 09:50-in");
    CHECK(one(**pg, "SELECT count(*) FROM replayed_taps") == "7");
    CHECK(one(**pg, "SELECT count(*) FROM events WHERE detail LIKE '%\"offline\":1%'") == "6");  // 3 in, 3 out
    {
        auto j = db::Connection::open_raw(store.journal_path().string(), SQLITE_OPEN_READONLY);
        REQUIRE(j);
        CHECK(*j->query_text("SELECT group_concat(outcome, ', ') FROM (SELECT outcome FROM taps ORDER BY seq)") ==
              "checked out, checked in, checked out, already in, checked in, checked in, already out");
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
    CHECK(third.already == 7);
    CHECK(one(**pg, "SELECT count(*) || ' ' || count(checked_out) || ' ' || (SELECT count(*) FROM events) FROM presence") == before);
}

TEST_CASE("a blip the change feed never saw: the journal goes to the database before the next tap goes online") {
    testing::PgCluster server(testing::PgCluster::Durability::durable);
    REQUIRE_MESSAGE(server.available(), server.why_not());
    testing::TempDir folder;
    (void)server.url("blip");
    const std::string url = "postgresql:///blip?host=" + server.socket_dir() + "&user=etabli";
    auto opened = db::SqlStore::open_postgres(url, folder.path() / "kiosk" / "workshop");
    REQUIRE(opened);
    testing::FakeClock clock(utc("2026-12-01T09:00:00Z"));
    testing::FixedCalendar calendar{minutes{60}};
    app::Station station(**opened, clock, calendar);  // no change feed: nothing tells it the link dropped
    REQUIRE(station.start());
    core::MemberDraft d;
    d.display_name = "Léa";
    REQUIRE(station.call(app::AddMember{d, std::nullopt, std::string("0001234567")}));
    auto tap = [&]() -> app::TapView {
        auto r = station.call(app::BadgeSeen{"0001234567", app::ReaderRef("kiosk")});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<app::TapView>(*r);
    };
    CHECK(tap().decision.kind == core::TapKind::check_in);
    server.stop();
    clock.advance(minutes{30});
    auto out = tap();  // the write finds the link down: noted here
    CHECK(out.decision.kind == core::TapKind::check_out);
    CHECK(out.offline);
    CHECK_MESSAGE(!station.snapshot()->storage_problem, station.snapshot()->storage_problem->english());  // the link, not an alarm
    server.start();
    REQUIRE(server.available());
    // Back an hour later: Léa comes in (not out), and her 09:30 departure is in the database.
    clock.advance(minutes{60});
    std::this_thread::sleep_for(milliseconds{1100});  // past the link's one try a second
    auto in = tap();
    CHECK(in.decision.kind == core::TapKind::check_in);
    CHECK_FALSE(in.offline);
    auto pg = db::PgConnection::open(server.url("blip"));
    REQUIRE(pg);
    CHECK(one(**pg, "SELECT string_agg(to_char(checked_in AT TIME ZONE 'UTC', 'HH24:MI') || '-' || "
                    "coalesce(to_char(checked_out AT TIME ZONE 'UTC', 'HH24:MI'), 'in'), ' ' ORDER BY checked_in) FROM presence") ==
          "09:00-09:30 10:30-in");
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
