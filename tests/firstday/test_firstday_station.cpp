// First-day defects (rules that answered wrongly), as Station scenarios on a SQLite file with
// a fake clock: the queue's offers after a late deadline and near the next booking, the
// supervisor at a machine's reader. Each test failed before its fix.
// Layer: app tests. Test thread and the Station's.
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
    core::MemberId lea = 0, hugo = 0, zoe = 0;
    alloc::MachineId laser = 0;

    Fixture() : StationOnDisk(utc("2026-12-01T09:00:00Z")) {  // a Tuesday, 10:00 in Paris
        reopen();
        lea = add_member("Léa", core::Role::member, "01").id;
        hugo = add_member("Hugo", core::Role::member, "03").id;
        zoe = add_member("Zoé", core::Role::member, "05").id;
        alloc::Machine m;
        m.name = "Laser";
        m.rules.min_length = minutes{30};
        m.rules.max_length = minutes{120};
        auto r = station->call(AddMachine{m, std::nullopt});
        REQUIRE(r);
        laser = std::get<alloc::Machine>(*r).id;
        REQUIRE(station->call(Authorise{laser, lea, true, std::nullopt}));
        REQUIRE(station->call(Authorise{laser, hugo, true, std::nullopt}));
        REQUIRE(station->call(Authorise{laser, zoe, true, std::nullopt}));
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
        REQUIRE(station->call(SetHours{h, std::nullopt}));
    }
    Result book(core::MemberId who, const char* from, const char* to) {
        return station->call(Book{laser, who, utc(from), utc(to), std::nullopt, false, std::nullopt});
    }
};

}  // namespace

TEST_CASE("first day: a no-show's release taken late still gives the queue a whole offer") {
    Fixture f;
    REQUIRE(f.book(f.lea, "2026-12-01T09:00:00Z", "2026-12-01T10:30:00Z"));  // 10:00-11:30, Léa does not come
    REQUIRE(f.station->call(JoinQueue{f.hugo, alloc::QueueTarget{f.laser, std::nullopt}}));
    // Nothing runs until 10:40: the release was due at 10:15, an offer made then would have
    // lapsed at 10:25. The next program to open the station only reads.
    f.clock.set(utc("2026-12-01T09:40:00Z"));
    f.reopen();
    auto snap = f.station->snapshot();
    REQUIRE(snap->queue.size() == 1);
    CHECK(snap->queue[0].entry.member == f.hugo);
    CHECK(snap->queue[0].entry.offered == f.laser);
    REQUIRE(snap->queue[0].entry.offer_expires);
    CHECK(*snap->queue[0].entry.offer_expires == utc("2026-12-01T09:50:00Z"));
    // Hugo's badge within the offer starts the machine.
    f.clock.advance(minutes{5});
    auto r = f.station->call(BadgeSeen{"03", ReaderRef::at_machine(f.laser)});
    REQUIRE(r);
    CHECK(std::get<AccessView>(*r).granted);
}

TEST_CASE("first day: a queue offer is made only when the member can take the minimum until it lapses") {
    Fixture f;
    // Léa uses the laser now; Zoé has booked it at 11:00.
    REQUIRE(f.book(f.zoe, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"));  // 11:00-12:00
    REQUIRE(f.station->call(MachineAccess{f.laser, f.lea, std::nullopt}));                // a walk-in session now
    REQUIRE(f.station->call(JoinQueue{f.hugo, alloc::QueueTarget{f.laser, std::nullopt}}));
    // Léa stops at 10:30: a walk-in from 10:30 could take 30 min before 11:00, but not from
    // any moment of a 10-minute offer. No offer, and the queue says so.
    f.clock.set(utc("2026-12-01T09:30:00Z"));
    auto ended = f.station->call(BadgeSeen{"01", ReaderRef::at_machine(f.laser)});
    REQUIRE(ended);
    CHECK(std::get<AccessView>(*ended).ended);
    auto snap = f.station->snapshot();
    REQUIRE(snap->queue.size() == 1);
    CHECK_FALSE(snap->queue[0].entry.offered);
}

TEST_CASE("first day: a queue offer says until when a tap may use the machine") {
    Fixture f;
    REQUIRE(f.book(f.zoe, "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z"));  // 12:00-13:00
    REQUIRE(f.station->call(MachineAccess{f.laser, f.lea, std::nullopt}));
    REQUIRE(f.station->call(JoinQueue{f.hugo, alloc::QueueTarget{f.laser, std::nullopt}}));
    f.clock.set(utc("2026-12-01T09:30:00Z"));
    REQUIRE(f.station->call(BadgeSeen{"01", ReaderRef::at_machine(f.laser)}));
    auto snap = f.station->snapshot();
    REQUIRE(snap->queue.size() == 1);
    CHECK(snap->queue[0].entry.offered == f.laser);
    REQUIRE(snap->queue[0].usable_until);
    CHECK(*snap->queue[0].usable_until == utc("2026-12-01T11:00:00Z"));  // up to Zoé's booking at 12:00
    // A tap at the offer's last minute still gets the minimum.
    f.clock.set(utc("2026-12-01T09:39:00Z"));
    auto r = f.station->call(BadgeSeen{"03", ReaderRef::at_machine(f.laser)});
    REQUIRE(r);
    CHECK(std::get<AccessView>(*r).granted);
}

TEST_CASE("first day: a member whose membership ended cannot sign up, be marked present or be granted at a training") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));  // Saturday, 14:00 in Paris
    f.reopen();
    const auto trainer = f.add_member("Marc", core::Role::volunteer).id;
    const auto ines = f.add_member("Inès", core::Role::member, "07", core::Date{2026y / 10 / 3}).id;
    const auto alice = f.add_member("Alice", core::Role::member).id;
    core::Skill s;
    s.name = "Dévoilage de roue";
    auto sk = f.station->call(AddSkill{s, std::nullopt});
    REQUIRE(sk);
    const auto wheel = std::get<core::Skill>(*sk).id;
    REQUIRE(f.station->call(GrantSkill{wheel, trainer, 3, std::nullopt, std::nullopt, ""}));
    core::Training t;
    t.skill = wheel;
    t.trainer = trainer;
    t.capacity = 4;
    t.start = utc("2026-11-28T13:30:00Z");
    t.end = t.start + hours{2};
    t.level = 2;
    auto tr = f.station->call(AddTraining{t, std::nullopt});
    REQUIRE(tr);
    const auto id = std::get<core::Training>(*tr).id;
    const char* kEnded = "{0}'s membership ended on {1}: renew it with a host";
    CHECK(f.station->call(TrainingSignup{id, ines, std::nullopt}).error().msgid == kEnded);
    CHECK(f.station->call(TrainingAttendance{id, ines, trainer}).error().msgid == kEnded);
    REQUIRE(f.station->call(TrainingAttendance{id, alice, trainer}));
    f.clock.set(utc("2026-11-28T15:00:00Z"));
    REQUIRE(f.station->call(TrainingGrant{id, trainer}));
    CHECK(f.station->snapshot()->skills->effective(ines, wheel) == 0);
    CHECK(f.station->snapshot()->skills->effective(alice, wheel) == 2);
}

TEST_CASE("first day: a machine whose longest use is shorter than the offer's hold plus its minimum is still offered") {
    Fixture f;
    alloc::Machine m;
    m.name = "Ponceuse";
    m.rules.min_length = minutes{15};
    m.rules.max_length = minutes{20};
    auto r = f.station->call(AddMachine{m, std::nullopt});
    REQUIRE(r);
    const auto sander = std::get<alloc::Machine>(*r).id;
    REQUIRE(f.station->call(MachineAccess{sander, f.lea, std::nullopt}));
    REQUIRE(f.station->call(JoinQueue{f.hugo, alloc::QueueTarget{sander, std::nullopt}}));
    f.clock.set(utc("2026-12-01T09:10:00Z"));
    REQUIRE(f.station->call(MachineAccess{sander, f.lea, std::nullopt}));  // Léa stops
    auto snap = f.station->snapshot();
    REQUIRE(snap->queue.size() == 1);
    CHECK(snap->queue[0].entry.offered == sander);
}
