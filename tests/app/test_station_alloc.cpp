// app scenarios (#3): the Station driving the allocation engine with a fake clock, a real
// SQLite file and a recording machine control: power follows bookings, restarts resume.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sqlite_store.hpp>

#include "station_fixture.hpp"

#include <mutex>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

// Records the power actions the station carries out (what #4's controllers will receive).
class RecordingControl final : public MachineControl {
public:
    void apply(const alloc::Action& a) override {
        std::lock_guard lk(m_mutex);
        m_actions.push_back(a);
    }
    std::vector<alloc::Action::Kind> kinds() {
        std::lock_guard lk(m_mutex);
        std::vector<alloc::Action::Kind> out;
        for (const auto& a : m_actions) out.push_back(a.kind);
        return out;
    }
    bool saw(alloc::Action::Kind k) {
        auto ks = kinds();
        return std::find(ks.begin(), ks.end(), k) != ks.end();
    }
    void clear() {
        std::lock_guard lk(m_mutex);
        m_actions.clear();
    }

private:
    std::mutex m_mutex;
    std::vector<alloc::Action> m_actions;
};

struct Fixture : testing::StationOnDisk {
    RecordingControl control;
    core::MemberId lea = 0, camille = 0;
    alloc::MachineId laser = 0;

    Fixture() : StationOnDisk(utc("2026-12-01T09:00:00Z")) {  // a Tuesday, 10:00 in Paris
        reopen();
        lea = add("Léa", core::Role::member, "01");
        camille = add("Camille", core::Role::host, "02");
        alloc::Machine m;
        m.name = "Laser";
        m.rules.max_length = minutes{120};
        auto r = station->call(AddMachine{m, std::nullopt});
        REQUIRE(r);
        laser = std::get<alloc::Machine>(*r).id;
        REQUIRE(station->call(Authorise{laser, lea, true, std::nullopt}));
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
        REQUIRE(station->call(SetHours{h, std::nullopt}));
    }
    ~Fixture() { station.reset(); }  // before `control`, which it calls
    void reopen() {
        StationOnDisk::reopen([&](Station& s) { s.set_machine_control(&control); });
    }
    core::MemberId add(const std::string& name, core::Role role, const std::string& badge) {
        return add_member(name, role, badge).id;
    }
    AccessView tap_machine(const std::string& uid) {
        auto r = station->call(BadgeSeen{uid, ReaderRef::at_machine(laser)});
        REQUIRE(r);
        return std::get<AccessView>(*r);
    }
};

}  // namespace

TEST_CASE("a booking, then the badge at the machine: power on, warning, power off") {
    Fixture f;
    auto r = f.station->call(Book{f.laser, f.lea, utc("2026-12-01T10:00:00Z"), utc("2026-12-01T11:00:00Z"), std::nullopt, false, std::nullopt});
    REQUIRE(r);
    CHECK(std::get<std::vector<alloc::Booking>>(*r).size() == 1);
    // Camille's booking right after: no automatic extension, so a warning then the cut.
    REQUIRE(f.station->call(Authorise{f.laser, f.camille, true, std::nullopt}));
    REQUIRE(f.station->call(Book{f.laser, f.camille, utc("2026-12-01T11:00:00Z"), utc("2026-12-01T12:00:00Z"), std::nullopt, false, std::nullopt}));
    auto snap = f.station->snapshot();
    REQUIRE(snap->machines.size() == 1);
    CHECK(snap->machines[0].next_hhmm == "11:00");
    CHECK(snap->upcoming.size() == 2);

    f.clock.set(utc("2026-12-01T09:55:00Z"));  // 5 min early: allowed
    auto a = f.tap_machine("01");
    CHECK(a.granted);
    CHECK(a.until_hhmm == "12:00");
    CHECK(f.control.saw(alloc::Action::Kind::power_on));
    CHECK(f.station->snapshot()->machines[0].power);

    f.clock.set(utc("2026-12-01T10:55:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.control.saw(alloc::Action::Kind::warn));
    CHECK(!f.control.saw(alloc::Action::Kind::power_off));
    f.clock.set(utc("2026-12-01T11:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.control.saw(alloc::Action::Kind::power_off));
    CHECK(!f.station->snapshot()->machines[0].power);
    CHECK(!f.station->snapshot()->machines[0].session);
}

TEST_CASE("refusals at the machine carry their rule") {
    Fixture f;
    auto a = f.tap_machine("02");  // Camille is not authorised on the laser
    CHECK(!a.granted);
    CHECK(!a.refusal.msgid.empty());
    a = f.tap_machine("99");
    CHECK(!a.granted);
    REQUIRE(f.station->call(SetMachineStatus{f.laser, alloc::MachineStatus::maintenance, std::nullopt}));
    a = f.tap_machine("01");
    CHECK(!a.granted);
}

TEST_CASE("a restart in the middle of a session resumes it, or closes it when its end passed") {
    Fixture f;
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    REQUIRE(f.tap_machine("01").granted);  // a walk-in
    SUBCASE("back within the session: power is granted again") {
        f.clock.advance(minutes{10});
        f.control.clear();
        f.reopen();
        CHECK(f.control.saw(alloc::Action::Kind::power_on));
        CHECK(f.station->snapshot()->machines[0].session);
    }
    SUBCASE("back after its end: closed, power off") {
        f.clock.advance(hours{5});
        f.control.clear();
        f.reopen();
        CHECK(!f.station->snapshot()->machines[0].session);
        CHECK(f.control.saw(alloc::Action::Kind::power_off));
    }
}

TEST_CASE("a host cancels with a reason; the member sees it at the next badge-in") {
    Fixture f;
    auto r = f.station->call(Book{f.laser, f.lea, utc("2026-12-02T10:00:00Z"), utc("2026-12-02T11:00:00Z"), std::nullopt, false, std::nullopt});
    REQUIRE(r);
    const auto id = std::get<std::vector<alloc::Booking>>(*r).at(0).id;
    CHECK(!f.station->call(CancelBooking{id, f.camille, std::nullopt}));  // a reason is needed
    REQUIRE(f.station->call(CancelBooking{id, f.camille, std::string("Laser en panne")}));
    REQUIRE(f.station->call(BadgeSeen{"01", "kiosk"}));
    auto snap = f.station->snapshot();
    REQUIRE(snap->notices.size() == 1);
    CHECK(snap->notices[0].host_note == "Laser en panne");
    REQUIRE(f.station->call(BadgeSeen{"01", "kiosk"}));
    CHECK(f.station->snapshot()->notices.empty());  // shown once
}

TEST_CASE("slots and the queue through the station") {
    Fixture f;
    alloc::SlotQuery q;
    q.target.machine = f.laser;
    q.length = minutes{60};
    q.from = utc("2026-12-01T09:00:00Z");
    q.member = f.lea;
    auto r = f.station->call(FindSlots{q});
    REQUIRE(r);
    CHECK(std::get<std::vector<alloc::Slot>>(*r).size() == 3);
    CHECK(f.station->snapshot()->last_slots);
    REQUIRE(f.station->call(Authorise{f.laser, f.camille, true, std::nullopt}));
    REQUIRE(f.tap_machine("01").granted);
    auto j = f.station->call(JoinQueue{f.camille, alloc::QueueTarget{f.laser, std::nullopt}});
    REQUIRE(j);
    CHECK(f.station->snapshot()->queue.size() == 1);
    REQUIRE(f.tap_machine("01").ended);  // Léa leaves: Camille gets the offer
    auto snap = f.station->snapshot();
    REQUIRE(snap->queue.size() == 1);
    CHECK(snap->queue[0].entry.offered == f.laser);
}
