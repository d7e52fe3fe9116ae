// Two stations on one database, without a change feed (the worst case: neither hears the
// other), issue 21. A weekly quota: no constraint can hold a sum over a sliding week, so the
// database's side counts it again, under its write lock, with every station's rows, when a
// booking is new or moved. A booking changed at one station is not written over by the other,
// which still holds it as it was.
// Layer: db tests, on the throwaway cluster.
#include "pg_fixture.hpp"
#include "testing.hpp"

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include <chrono>

using namespace etabli;
using namespace std::chrono;
using testing::utc;

namespace {

std::string url_of(const std::string& db) {
    (void)pgtest::cluster().url(db);  // creates it
    return "postgresql:///" + db + "?host=" + pgtest::cluster().socket_dir() + "&user=etabli";
}

std::unique_ptr<db::SqlStore> open_store(const std::string& url, const std::filesystem::path& base) {
    auto s = db::SqlStore::open_postgres(url, base);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().english()));
    return std::move(*s);
}

// Station A with one member and one machine (open 09:00–21:00), then station B started on
// the same database: B knows what A made so far, and nothing A does after.
struct TwoStations {
    testing::TempDir folder;
    std::string url;
    testing::FakeClock clock{utc("2026-12-01T08:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    std::unique_ptr<db::SqlStore> store_a, store_b;
    std::unique_ptr<app::Station> a, b;
    core::MemberId member = 0;
    alloc::Machine machine;

    TwoStations(const std::string& db, const std::string& name, alloc::Machine m) : url(url_of(db)) {
        store_a = open_store(url, folder.path() / "a" / "workshop");
        a = std::make_unique<app::Station>(*store_a, clock, calendar);
        REQUIRE(a->start());
        core::MemberDraft d;
        d.display_name = name;
        auto who = a->call(app::AddMember{d, std::nullopt, std::string("0001234567")});
        REQUIRE(who);
        member = std::get<core::Member>(*who).id;
        auto added = a->call(app::AddMachine{m, std::nullopt});
        REQUIRE(added);
        machine = std::get<alloc::Machine>(*added);
        REQUIRE(a->call(app::Authorise{machine.id, member, true, std::nullopt}));
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
        REQUIRE(a->call(app::SetHours{h, std::nullopt}));
        store_b = open_store(url, folder.path() / "b" / "workshop");
        b = std::make_unique<app::Station>(*store_b, clock, calendar);
        REQUIRE(b->start());
    }
    app::Result book(app::Station& at, core::Timestamp start, minutes length) {
        return at.call(app::Book{machine.id, member, start, start + length, std::nullopt, false, std::nullopt});
    }
};

}  // namespace

TEST_CASE("a weekly quota across two stations: what one booked counts at the other") {
    REQUIRE(pgtest::cluster().available());
    alloc::Machine laser;
    laser.name = "Laser";
    laser.rules.max_length = minutes{180};
    laser.rules.quota_per_week = minutes{120};
    TwoStations w("quota_two", "Léa", laser);

    const auto tomorrow = utc("2026-12-02T08:00:00Z");  // 09:00 in Paris
    auto at_a = w.book(*w.a, tomorrow, minutes{90});
    REQUIRE_MESSAGE(at_a, (at_a ? "" : at_a.error().english()));

    // B's engine sees 60 minutes of a 120-minute quota free; the database counts 150.
    const auto later = tomorrow + days{2};
    auto at_b = w.book(*w.b, later, minutes{60});
    REQUIRE_FALSE(at_b);
    CHECK(at_b.error().english().starts_with("The weekly quota is already used: another station booked"));
    CHECK(at_b.error().kind == core::Problem::Kind::input);  // the member's answer, not a storage alarm
    CHECK_MESSAGE(!w.b->snapshot()->storage_problem, w.b->snapshot()->storage_problem->english());
    // B loaded the bookings again: its own check now knows A's booking and says why itself.
    auto again = w.book(*w.b, later, minutes{60});
    REQUIRE_FALSE(again);
    CHECK(again.error().english().starts_with("Quota reached"));
    // What the quota still allows goes through at B.
    auto within = w.book(*w.b, later, minutes{30});
    REQUIRE_MESSAGE(within, (within ? "" : within.error().english()));

    auto pg = pgtest::connect("quota_two");
    auto sum = pg->query("SELECT sum(extract(epoch FROM ends_at - starts_at))::bigint / 60 FROM bookings WHERE member_id = " +
                         std::to_string(w.member) + " AND state = 'booked'");
    REQUIRE(sum);
    CHECK((*sum)[0][0].value_or("") == "120");

    // A cancellation is never counted: the quota lowered to 60 minutes (Léa is now over it),
    // A cancels the 30-minute booking B made, and it goes through.
    alloc::Machine lowered = w.machine;
    lowered.rules.quota_per_week = minutes{60};
    REQUIRE(w.a->call(app::EditMachine{lowered, std::nullopt}));
    const auto booked = std::get<std::vector<alloc::Booking>>(*within).front();
    // A hears of B's booking at its next load (here: a resync, as the change feed asks).
    REQUIRE(w.a->call(app::Resync{true}));
    auto cancelled = w.a->call(app::CancelBooking{booked.id, std::nullopt, std::string("Quota abaissé")});
    CHECK_MESSAGE(cancelled, (cancelled ? "" : cancelled.error().english()));
}

TEST_CASE("a booking another station changed meanwhile is not written over") {
    REQUIRE(pgtest::cluster().available());
    alloc::Machine lathe;
    lathe.name = "Tour";
    lathe.rules.max_length = minutes{180};
    TwoStations w("stale_two", "Bastien", lathe);
    const auto tomorrow = utc("2026-12-02T08:00:00Z");
    // Booked at A after B started: B learns of it at its next load (a resync, as the feed asks).
    auto booked = w.book(*w.a, tomorrow, minutes{60});
    REQUIRE(booked);
    const alloc::BookingId id = std::get<std::vector<alloc::Booking>>(*booked).front().id;
    REQUIRE(w.b->call(app::Resync{true}));

    // B holds the booking as booked; A cancels it; B, not told yet, cancels it too, with
    // its own reason: refused, the database keeps A's cancellation.
    REQUIRE(w.a->call(app::CancelBooking{id, std::nullopt, std::string("Panne du tour")}));
    auto at_b = w.b->call(app::CancelBooking{id, std::nullopt, std::string("Autre raison")});
    REQUIRE_FALSE(at_b);
    CHECK(at_b.error().english() == "This booking was just changed at another station: look at it again");
    CHECK_MESSAGE(!w.b->snapshot()->storage_problem, w.b->snapshot()->storage_problem->english());
    auto pg = pgtest::connect("stale_two");
    auto row = pg->query("SELECT state, host_note FROM bookings WHERE id = " + std::to_string(id));
    REQUIRE(row);
    REQUIRE(row->size() == 1);
    CHECK((*row)[0][0].value_or("") == "cancelled");
    CHECK((*row)[0][1].value_or("") != "Autre raison");  // A's cancellation stands, not B's
    // B loaded its bookings again after the refusal: it shows the booking as A left it.
    auto list = w.b->call(app::ListBookings{std::nullopt, std::nullopt, tomorrow - hours{1}, tomorrow + hours{2}});
    REQUIRE(list);
    CHECK(std::get<std::vector<alloc::Booking>>(*list).empty());  // live bookings only: none
}
