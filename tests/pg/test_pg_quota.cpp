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

}  // namespace

TEST_CASE("a weekly quota across two stations: what one booked counts at the other") {
    REQUIRE(pgtest::cluster().available());
    testing::TempDir folder;
    const std::string url = url_of("quota_two");
    testing::FakeClock clock(utc("2026-12-01T08:00:00Z"));
    testing::FixedCalendar calendar{minutes{60}};

    auto store_a = open_store(url, folder.path() / "a" / "workshop");
    app::Station a(*store_a, clock, calendar);
    REQUIRE(a.start());
    core::MemberDraft d;
    d.display_name = "Léa";
    auto lea = a.call(app::AddMember{d, std::nullopt, std::string("0001234567")});
    REQUIRE(lea);
    const core::MemberId member = std::get<core::Member>(*lea).id;
    alloc::Machine laser;
    laser.name = "Laser";
    laser.rules.max_length = minutes{180};
    laser.rules.quota_per_week = minutes{120};
    auto added = a.call(app::AddMachine{laser, std::nullopt});
    REQUIRE(added);
    const alloc::MachineId machine = std::get<alloc::Machine>(*added).id;
    REQUIRE(a.call(app::Authorise{machine, member, true, std::nullopt}));
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
    REQUIRE(a.call(app::SetHours{h, std::nullopt}));

    // Station B starts now: it knows the workshop, and nothing A books from here on.
    auto store_b = open_store(url, folder.path() / "b" / "workshop");
    app::Station b(*store_b, clock, calendar);
    REQUIRE(b.start());

    const auto tomorrow = utc("2026-12-02T08:00:00Z");  // 09:00 in Paris
    auto at_a = a.call(app::Book{machine, member, tomorrow, tomorrow + minutes{90}, std::nullopt, false, std::nullopt});
    REQUIRE_MESSAGE(at_a, (at_a ? "" : at_a.error().english()));

    // B's engine sees 60 minutes of a 120-minute quota free; the database counts 150.
    const auto later = tomorrow + days{2};
    auto at_b = b.call(app::Book{machine, member, later, later + minutes{60}, std::nullopt, false, std::nullopt});
    REQUIRE_FALSE(at_b);
    CHECK(at_b.error().english().starts_with("The weekly quota is already used: another station booked"));
    CHECK(at_b.error().kind == core::Problem::Kind::input);  // the member's answer, not a storage alarm
    CHECK_MESSAGE(!b.snapshot()->storage_problem, b.snapshot()->storage_problem->english());
    // B loaded the bookings again: its own check now knows A's booking and says why itself.
    auto again = b.call(app::Book{machine, member, later, later + minutes{60}, std::nullopt, false, std::nullopt});
    REQUIRE_FALSE(again);
    CHECK(again.error().english().starts_with("Quota reached"));
    // What the quota still allows goes through at B.
    auto within = b.call(app::Book{machine, member, later, later + minutes{30}, std::nullopt, false, std::nullopt});
    REQUIRE_MESSAGE(within, (within ? "" : within.error().english()));

    auto pg = pgtest::connect("quota_two");
    auto sum = pg->query("SELECT sum(extract(epoch FROM ends_at - starts_at))::bigint / 60 FROM bookings WHERE member_id = " +
                         std::to_string(member) + " AND state = 'booked'");
    REQUIRE(sum);
    CHECK((*sum)[0][0].value_or("") == "120");

    // A cancellation is never counted: the quota lowered to 60 minutes (Léa is now over it),
    // A cancels the 30-minute booking B made, and it goes through.
    laser.id = machine;
    laser.rules.quota_per_week = minutes{60};
    REQUIRE(a.call(app::EditMachine{laser, std::nullopt}));
    const auto booked = std::get<std::vector<alloc::Booking>>(*within).front();
    // A hears of B's booking at its next load (here: a restart of A's engine by a resync).
    REQUIRE(a.call(app::Resync{true}));
    auto cancelled = a.call(app::CancelBooking{booked.id, std::nullopt, std::string("Quota abaissé")});
    CHECK_MESSAGE(cancelled, (cancelled ? "" : cancelled.error().english()));
}

TEST_CASE("a booking another station changed meanwhile is not written over") {
    REQUIRE(pgtest::cluster().available());
    testing::TempDir folder;
    const std::string url = url_of("stale_two");
    testing::FakeClock clock(utc("2026-12-01T08:00:00Z"));
    testing::FixedCalendar calendar{minutes{60}};
    auto store_a = open_store(url, folder.path() / "a" / "workshop");
    app::Station a(*store_a, clock, calendar);
    REQUIRE(a.start());
    core::MemberDraft d;
    d.display_name = "Bastien";
    auto who = a.call(app::AddMember{d, std::nullopt, std::string("0007654321")});
    REQUIRE(who);
    const core::MemberId member = std::get<core::Member>(*who).id;
    alloc::Machine lathe;
    lathe.name = "Tour";
    lathe.rules.max_length = minutes{180};
    auto added = a.call(app::AddMachine{lathe, std::nullopt});
    REQUIRE(added);
    const alloc::MachineId machine = std::get<alloc::Machine>(*added).id;
    REQUIRE(a.call(app::Authorise{machine, member, true, std::nullopt}));
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
    REQUIRE(a.call(app::SetHours{h, std::nullopt}));
    const auto tomorrow = utc("2026-12-02T08:00:00Z");
    auto booked = a.call(app::Book{machine, member, tomorrow, tomorrow + minutes{60}, std::nullopt, false, std::nullopt});
    REQUIRE(booked);
    const alloc::BookingId id = std::get<std::vector<alloc::Booking>>(*booked).front().id;

    // B holds the booking as booked; A cancels it; B, not told yet, cancels it too, with
    // its own reason: refused, the database keeps A's cancellation.
    auto store_b = open_store(url, folder.path() / "b" / "workshop");
    app::Station b(*store_b, clock, calendar);
    REQUIRE(b.start());
    REQUIRE(a.call(app::CancelBooking{id, std::nullopt, std::string("Panne du tour")}));
    auto at_b = b.call(app::CancelBooking{id, std::nullopt, std::string("Autre raison")});
    REQUIRE_FALSE(at_b);
    CHECK(at_b.error().english() == "This booking was just changed at another station: look at it again");
    CHECK_MESSAGE(!b.snapshot()->storage_problem, b.snapshot()->storage_problem->english());
    auto pg = pgtest::connect("stale_two");
    auto row = pg->query("SELECT state, host_note FROM bookings WHERE id = " + std::to_string(id));
    REQUIRE(row);
    REQUIRE(row->size() == 1);
    CHECK((*row)[0][0].value_or("") == "cancelled");
    CHECK((*row)[0][1].value_or("") != "Autre raison");  // A's cancellation stands, not B's
    // B loaded its bookings again after the refusal: it shows the booking as A left it.
    auto list = b.call(app::ListBookings{std::nullopt, std::nullopt, tomorrow - hours{1}, tomorrow + hours{2}});
    REQUIRE(list);
    CHECK(std::get<std::vector<alloc::Booking>>(*list).empty());  // live bookings only: none
}
