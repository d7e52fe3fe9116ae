// Repairs, app scenarios: the Station with a fake clock and a real SQLite file: logging
// and editing repairs (rules, unknown volunteer, 24-hour edit window), the role at badge-in,
// a forgotten check-out flagged then corrected, and what survives a restart.
// Layer: app tests.
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
    core::Repair brakes(core::MemberId volunteer) {
        core::Repair r;
        r.volunteers = {volunteer};
        r.item = core::ItemKind::bicycle;
        r.component = core::Component::brakes;
        r.status = core::RepairStatus::fixed;
        r.minutes = 30;
        r.problem = "frein arrière";
        r.parts = {core::Part{"patins", false, std::nullopt}, core::Part{"câble", true, std::string("donor-12")}};
        return r;
    }
};

}  // namespace

TEST_CASE("a volunteer logs a repair; it is stored, listed in the last 24 h and survives a restart") {
    Fixture f;
    auto hugo = f.add("Hugo Bernard", core::Role::volunteer);
    auto lea = f.add("Léa Dubois", core::Role::member);
    auto r = f.station->call(LogRepair{f.brakes(hugo.id), hugo.id});
    REQUIRE(r);
    const auto stored = std::get<core::Repair>(*r);
    CHECK(stored.id > 0);
    CHECK(stored.day == core::Date{year{2026}, November, day{28}});
    CHECK(stored.logged_at == f.clock.now());
    auto snap = f.station->snapshot();
    REQUIRE(snap->recent_repairs.size() == 1);
    CHECK(snap->repair_year.total == 1);

    // Refusals: an unknown volunteer, a plain member as volunteer, a member logging for others.
    auto unknown = f.brakes(999);
    auto u = f.station->call(LogRepair{unknown, std::nullopt});
    REQUIRE(!u);
    CHECK(u.error().msgid == "No member has the number {0}");
    CHECK(!f.station->call(LogRepair{f.brakes(lea.id), std::nullopt}));
    CHECK(!f.station->call(LogRepair{f.brakes(hugo.id), lea.id}));
    auto bad = f.brakes(hugo.id);
    bad.minutes = -3;
    CHECK(!f.station->call(LogRepair{bad, hugo.id}));

    // Edit within 24 hours by its volunteer; after that only a host (or the command line).
    auto changed = stored;
    changed.status = core::RepairStatus::repairable;
    CHECK(f.station->call(EditRepair{changed, hugo.id}));
    f.clock.advance(hours{25});
    CHECK(!f.station->call(EditRepair{changed, hugo.id}));
    CHECK(f.station->call(EditRepair{changed, std::nullopt}));

    f.reopen();
    auto again = f.store->find_repair(stored.id);
    REQUIRE(again);
    REQUIRE(*again);
    CHECK((*again)->status == core::RepairStatus::repairable);
    CHECK((*again)->parts == f.brakes(hugo.id).parts);
    CHECK((*again)->volunteers == std::vector<core::MemberId>{hugo.id});
    CHECK((*again)->logged_at == stored.logged_at);
    // Events were appended (the log is append-only).
    auto n = f.store->connection().query_int("SELECT count(*) FROM events WHERE kind LIKE 'repair.%'");
    REQUIRE(n);
    CHECK(*n == 3);
}

TEST_CASE("the role picked at badge-in is stored on the presence; a forgotten check-out is flagged") {
    Fixture f;
    auto camille = f.add("Camille Martin", core::Role::host, "0004211337");
    auto lea = f.add("Léa Dubois", core::Role::member, "0001234567");
    // Opening hours: every day 14:00-19:00 local, so a forgotten check-out counts until 19:00.
    alloc::OpeningHours h;
    for (auto& d : h.weekly) d.push_back(alloc::DayWindow{14 * 60, 19 * 60});
    REQUIRE(f.station->call(SetHours{h, std::nullopt}));

    CHECK(!f.station->call(SetPresenceRole{camille.id, core::VolunteerRole::host, camille.id}));  // not in yet
    REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
    REQUIRE(f.station->call(BadgeSeen{"0001234567", "kiosk"}));
    CHECK(!f.station->call(SetPresenceRole{lea.id, core::VolunteerRole::greeter, lea.id}));  // not a volunteer
    CHECK(!f.station->call(SetPresenceRole{camille.id, core::VolunteerRole::greeter, lea.id}));  // not for another
    REQUIRE(f.station->call(SetPresenceRole{camille.id, core::VolunteerRole::greeter, camille.id}));
    CHECK(f.station->snapshot()->roles.at(camille.id) == core::VolunteerRole::greeter);

    // Camille forgets to badge out; the next day the station closes her presence.
    f.clock.set(utc("2026-11-29T10:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    const auto from = utc("2026-10-31T23:00:00Z"), to = utc("2026-11-30T23:00:00Z");
    auto ps = f.store->volunteer_presences(from, to);
    REQUIRE(ps);
    REQUIRE(ps->size() == 1);
    CHECK(ps->front().auto_closed);
    CHECK(ps->front().roles.size() == 1);
    auto snap = f.station->snapshot();
    REQUIRE(snap->presences_to_correct.size() == 1);
    // Counted until closing time: 14:00-19:00 local, five hours.
    CHECK(snap->volunteer_time.at(11) == hours{5});

    const auto pid = ps->front().id;
    CHECK(!f.station->call(CorrectPresence{pid, utc("2026-11-28T16:30:00Z"), lea.id}));     // hosts only
    CHECK(!f.station->call(CorrectPresence{pid, utc("2026-11-28T12:00:00Z"), std::nullopt}));  // before check-in
    REQUIRE(f.station->call(CorrectPresence{pid, utc("2026-11-28T16:30:00Z"), std::nullopt}));
    f.reopen();
    snap = f.station->snapshot();
    CHECK(snap->presences_to_correct.empty());
    CHECK(snap->volunteer_time.at(11) == hours{3} + minutes{30});
}

TEST_CASE("New Year's Day starts the year's figures again from the store, whatever the screens hold") {
    Fixture f;
    f.clock.set(utc("2026-12-31T15:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    auto hugo = f.add("Hugo Bernard", core::Role::volunteer);
    REQUIRE(f.station->call(LogRepair{f.brakes(hugo.id), hugo.id}));
    CHECK(f.station->snapshot()->repair_year.total == 1);
    // Past midnight in Paris: the publish that reloads the year must not read the state it
    // just replaced (it did: a use after free, seen by valgrind and ASan).
    f.clock.set(utc("2026-12-31T23:30:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->repair_year.total == 0);
    REQUIRE(f.station->call(LogRepair{f.brakes(hugo.id), hugo.id}));
    CHECK(f.station->snapshot()->repair_year.total == 1);
}
