// Daylight-saving tests of the allocation core with the fake Paris zone: the spring gap is
// refused, the autumn hour resolved explicitly, and bookings across a change have their real
// length. Layer: tests/alloc (unit).
#include <doctest/doctest.h>

#include "alloc_fixture.hpp"

using namespace etabli;
using namespace etabli::alloc;
using namespace etabli::alloc::testing;
using namespace std::chrono;

namespace {

Timestamp utc(int y, unsigned mo, unsigned d, int h, int mi) {
    return Timestamp{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi}};
}

// A workshop open around the clock, with one host and one 4-hour machine.
EngineState night_shift() {
    EngineState s;
    Machine m{1, "Kiln", "kiln", std::nullopt, MachineStatus::available, {5, 9}, {}, false, std::nullopt};
    m.rules.max_length = hours{4};
    m.rules.ahead_days = 400;
    s.machines = {m};
    for (auto& day : s.hours.weekly) day = {{0, 24 * 60}};
    s.members = {member(5), member(9, core::Role::host)};
    return s;
}

}  // namespace

TEST_CASE("the fake zone follows the EU rule") {
    FakeParis z;
    CHECK(FakeParis::spring(year{2026}) == utc(2026, 3, 29, 1, 0));
    CHECK(FakeParis::autumn(year{2026}) == utc(2026, 10, 25, 1, 0));
    CHECK(z.offset(utc(2026, 3, 29, 0, 59)) == hours{1});
    CHECK(z.offset(utc(2026, 3, 29, 1, 0)) == hours{2});
    CHECK(z.offset(utc(2026, 10, 25, 0, 59)) == hours{2});
    CHECK(z.offset(utc(2026, 10, 25, 1, 0)) == hours{1});
}

TEST_CASE("02:30 on the spring day does not exist and is refused with the gap") {
    FakeParis z;
    auto r = local_to_utc(z, local("2026-03-29 02:30"));
    REQUIRE_FALSE(r);
    CHECK(r.error().english() ==
          "2026-03-29 02:30 does not exist in local time: that night the clocks go forward from 02:00 to 03:00");
    CHECK(local_to_utc(z, local("2026-03-29 01:59")).value() == utc(2026, 3, 29, 0, 59));
    CHECK(local_to_utc(z, local("2026-03-29 03:00")).value() == utc(2026, 3, 29, 1, 0));
}

TEST_CASE("02:30 on the autumn day exists twice: earlier by default, later on request, shown with its offset") {
    FakeParis z;
    const Timestamp earlier = local_to_utc(z, local("2026-10-25 02:30")).value();
    const Timestamp later = local_to_utc(z, local("2026-10-25 02:30"), Fold::later).value();
    CHECK(earlier == utc(2026, 10, 25, 0, 30));
    CHECK(later == utc(2026, 10, 25, 1, 30));
    CHECK(format_local(z, earlier) == "2026-10-25 02:30 (UTC+2)");
    CHECK(format_local(z, later) == "2026-10-25 02:30 (UTC+1)");
    CHECK(format_local(z, utc(2026, 10, 25, 2, 30)) == "2026-10-25 03:30");
}

TEST_CASE("a 01:00-04:00 booking lasts 2 h on the spring day and 4 h on the autumn day") {
    FakeParis z;
    const Timestamp now = utc(2026, 3, 1, 12, 0);
    Engine e{night_shift(), z, now};
    auto book = [&](const char* from, const char* to) {
        return e.book(BookingRequest{1, 5, at(z, from), at(z, to), 5}, now);
    };
    auto spring = book("2026-03-29 01:00", "2026-03-29 04:00");
    REQUIRE(spring);
    CHECK(spring->bookings[0].end - spring->bookings[0].start == hours{2});
    auto autumn = book("2026-10-25 01:00", "2026-10-25 04:00");
    REQUIRE(autumn);
    CHECK(autumn->bookings[0].end - autumn->bookings[0].start == hours{4});
    // The maximum counts real time: 01:00-05:00 on the autumn day is 5 hours.
    auto r = e.book(BookingRequest{1, 5, at(z, "2026-10-25 05:00") - hours{5}, at(z, "2026-10-25 05:00"), 5}, now);
    REQUIRE_FALSE(r);
    CHECK(r.error().english() == "Too long: 5 h; Kiln takes bookings of 15 min to 4 h");
}

TEST_CASE("opening hours across the changes keep their real length") {
    FakeParis z;
    EngineState s = night_shift();
    for (auto& day : s.hours.weekly) day = {{60, 4 * 60}};  // 01:00-04:00 every night
    const Timestamp now = utc(2026, 3, 1, 12, 0);
    Engine e{s, z, now};
    CHECK(e.inside_hours(at(z, "2026-03-29 01:00"), at(z, "2026-03-29 04:00")));
    CHECK(at(z, "2026-03-29 04:00") - at(z, "2026-03-29 01:00") == hours{2});
    CHECK(e.inside_hours(at(z, "2026-10-25 01:00"), at(z, "2026-10-25 04:00")));
    CHECK(at(z, "2026-10-25 04:00") - at(z, "2026-10-25 01:00") == hours{4});
    // Both 02:30s of the autumn night are open; 04:30 is not.
    CHECK(e.inside_hours(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 45)));
    CHECK_FALSE(e.inside_hours(at(z, "2026-10-25 03:30"), at(z, "2026-10-25 04:30")));
}

TEST_CASE("a weekly series keeps its local time across the spring change") {
    FakeParis z;
    const Timestamp now = utc(2026, 3, 1, 12, 0);
    Engine e{night_shift(), z, now};
    auto r = e.book_weekly(BookingRequest{1, 5, at(z, "2026-03-21 10:00"), at(z, "2026-03-21 12:00"), 9},
                           core::Date{year{2026} / April / 4}, now);
    REQUIRE(r);
    REQUIRE(r->bookings.size() == 3);
    CHECK(r->bookings[0].start == utc(2026, 3, 21, 9, 0));
    CHECK(r->bookings[1].start == utc(2026, 3, 28, 9, 0));
    CHECK(r->bookings[2].start == utc(2026, 4, 4, 8, 0));
    CHECK(r->bookings[2].series == r->bookings[0].series);
    // A member cannot make a series; a clash refuses the whole series.
    CHECK_FALSE(e.book_weekly(BookingRequest{1, 5, at(z, "2026-03-22 10:00"), at(z, "2026-03-22 12:00"), 5},
                              core::Date{year{2026} / April / 5}, now));
    auto clash = e.book_weekly(BookingRequest{1, 5, at(z, "2026-03-14 11:00"), at(z, "2026-03-14 12:00"), 9},
                               core::Date{year{2026} / March / 28}, now);
    REQUIRE_FALSE(clash);
    CHECK(clash.error().english() == "Kiln is already booked from 2026-03-21 10:00 to 2026-03-21 12:00");
    CHECK(e.booking_count() == 3);
    CHECK(e.next_ids().booking == 4);
}
