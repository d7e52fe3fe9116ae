// The forgotten check-outs the hosts' screen shows (member, check-in, automatic close, closing
// time, role, next visit) and the refusals of a correction (before the check-in, in the future,
// into the next visit).
// Layer: app tests (Station with a fake clock and a temp-file SQLite).
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"


using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    Fixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) { reopen(); }  // 14:00 in Paris
    core::Member add(const std::string& name, core::Role role, std::optional<std::string> badge = std::nullopt) {
        return add_member(name, role, std::move(badge));
    }
};

std::string english(const Result& r) { return r ? std::string("ok") : r.error().english(); }

}  // namespace

// [Forgotten check-outs]
TEST_CASE("forgotten check-outs: a forgotten check-out shows who, when and until when; corrections refused before, in the future, into the next visit") {
    Fixture f;
    auto camille = f.add("Camille Martin", core::Role::host, "0004211337");
    auto hugo = f.add("Hugo Bernard", core::Role::volunteer, "0009876543");
    alloc::OpeningHours h;
    for (auto& d : h.weekly) d.push_back(alloc::DayWindow{14 * 60, 19 * 60});
    REQUIRE(f.station->call(SetHours{h, std::nullopt}));
    REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
    REQUIRE(f.station->call(SetPresenceRole{camille.id, core::VolunteerRole::greeter, camille.id}));
    f.clock.set(utc("2026-11-28T13:30:00Z"));
    REQUIRE(f.station->call(BadgeSeen{"0009876543", "kiosk"}));

    // Neither badges out; the next morning the station closes both, and Camille comes back.
    f.clock.set(utc("2026-11-29T10:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    f.clock.set(utc("2026-11-29T10:05:00Z"));
    REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
    f.clock.set(utc("2026-11-29T10:15:00Z"));  // past the 5-minute refresh of the hours
    REQUIRE(f.station->call(Tick{}));

    auto snap = f.station->snapshot();
    REQUIRE(snap->presence_corrections.size() == 2);
    CHECK(snap->presences_to_correct.size() == 2);
    const auto& pc = snap->presence_corrections[0];
    CHECK(pc.member == camille.id);
    CHECK(pc.member_name == "Camille Martin");
    CHECK(pc.role == std::optional<core::VolunteerRole>(core::VolunteerRole::greeter));
    CHECK(pc.checked_in == utc("2026-11-28T13:00:00Z"));
    CHECK(pc.closing == std::optional<core::Timestamp>(utc("2026-11-28T18:00:00Z")));  // 19:00 local
    CHECK(pc.auto_closed > pc.checked_in);
    CHECK(pc.next_check_in == std::optional<core::Timestamp>(utc("2026-11-29T10:05:00Z")));
    CHECK(pc.utc_offset == hours{1});
    const auto& ph = snap->presence_corrections[1];
    CHECK(ph.member_name == "Hugo Bernard");
    CHECK_FALSE(ph.role.has_value());
    CHECK_FALSE(ph.next_check_in.has_value());

    // Refusals, each with its reason.
    auto before = f.station->call(CorrectPresence{pc.presence, utc("2026-11-28T12:00:00Z"), camille.id});
    REQUIRE_FALSE(before);
    CHECK(english(before) == "The check-out must come after the check-in, on 2026-11-28 at 14:00");
    auto future = f.station->call(CorrectPresence{pc.presence, utc("2026-11-29T12:00:00Z"), camille.id});
    REQUIRE_FALSE(future);
    CHECK(future.error().msgid == "A check-out cannot be in the future");
    auto overlap = f.station->call(CorrectPresence{pc.presence, utc("2026-11-29T10:10:00Z"), camille.id});
    REQUIRE_FALSE(overlap);
    CHECK(english(overlap) == "Camille Martin badged in again on 2026-11-29 at 11:05: the check-out must come before that");
    auto not_host = f.station->call(CorrectPresence{pc.presence, utc("2026-11-28T16:30:00Z"), hugo.id});
    REQUIRE_FALSE(not_host);
    CHECK(not_host.error().msgid == "Refused: only a host or an admin can do this; {0} is not one (missing right: host)");
    CHECK(f.station->snapshot()->presence_corrections.size() == 2);

    // The real time: the presence leaves the list, the hours follow.
    REQUIRE(f.station->call(CorrectPresence{pc.presence, utc("2026-11-28T16:30:00Z"), camille.id}));
    snap = f.station->snapshot();
    REQUIRE(snap->presence_corrections.size() == 1);
    CHECK(snap->presence_corrections[0].member_name == "Hugo Bernard");
}

TEST_CASE("forgotten check-outs: a correction into a visit that started since the list was computed is refused too") {
    Fixture f;
    auto camille = f.add("Camille Martin", core::Role::host, "0004211337");
    alloc::OpeningHours h;
    for (auto& d : h.weekly) d.push_back(alloc::DayWindow{14 * 60, 19 * 60});
    REQUIRE(f.station->call(SetHours{h, std::nullopt}));
    REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
    f.clock.set(utc("2026-11-29T10:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    auto snap = f.station->snapshot();
    REQUIRE(snap->presence_corrections.size() == 1);
    const auto id = snap->presence_corrections[0].presence;
    CHECK_FALSE(snap->presence_corrections[0].next_check_in.has_value());
    // Back one minute later: the list is not recomputed yet, the open presence is checked.
    f.clock.set(utc("2026-11-29T10:01:00Z"));
    REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
    f.clock.set(utc("2026-11-29T10:03:00Z"));
    auto r = f.station->call(CorrectPresence{id, utc("2026-11-29T10:02:00Z"), camille.id});
    REQUIRE_FALSE(r);
    CHECK(r.error().msgid == "{0} badged in again on {1} at {2}: the check-out must come before that");
}
