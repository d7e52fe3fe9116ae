// app scenarios: the Station driving the allocation engine with a fake clock, a real
// SQLite file and a recording machine control: power follows bookings, restarts resume.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <mutex>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

// Records the power actions the station carries out (what the machine controllers receive).
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

// [Checks between users] -------------------------------------------------------------------

namespace {
void set_check(Fixture& f, alloc::CheckLevel level) {
    alloc::Machine m = f.station->snapshot()->machines[0].machine;
    m.rules.check_after_use = level;
    REQUIRE(f.station->call(EditMachine{m, std::nullopt}));
}
const MachineView& laser_view(Fixture& f) { return f.station->snapshot()->machines[0]; }
}  // namespace

TEST_CASE("after a use, the machine waits for its check; a member at the level confirms it at the reader, across a restart") {
    Fixture f;
    const auto zoe = f.add("Zoé", core::Role::member, "03");
    f.add("Noé", core::Role::member, "04");  // not authorised on the laser
    REQUIRE(f.station->call(Authorise{f.laser, zoe, true, std::nullopt}));
    set_check(f, alloc::CheckLevel::user);
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    REQUIRE(f.tap_machine("01").granted);
    f.clock.advance(minutes{20});
    REQUIRE(f.tap_machine("01").ended);
    CHECK(f.station->snapshot()->machines[0].machine.awaiting_check);

    f.reopen();  // the lock is stored
    CHECK(f.station->snapshot()->machines[0].machine.awaiting_check);
    auto noe = f.tap_machine("04");
    CHECK_FALSE(noe.granted);
    CHECK_FALSE(noe.checked);
    CHECK(noe.refusal.english() == "Laser waits for its check after use: a member who may use it badges at its reader");
    f.control.clear();
    auto checked = f.tap_machine("03");  // Zoé may use it: her badge confirms the check, starts nothing
    CHECK(checked.checked);
    CHECK_FALSE(checked.granted);
    CHECK(f.control.kinds().empty());
    CHECK_FALSE(f.station->snapshot()->machines[0].machine.awaiting_check);
    CHECK(f.tap_machine("03").granted);  // her next badge starts it

    // From the kiosk, the start button does not confirm a check: the kiosk has its own buttons.
    f.clock.advance(minutes{5});
    REQUIRE(f.tap_machine("03").ended);
    auto kiosk = f.station->call(MachineAccess{f.laser, zoe, std::nullopt});
    REQUIRE(kiosk);
    CHECK(std::get<AccessView>(*kiosk).refusal.english() == "Laser waits for its check after use");
    REQUIRE(f.station->call(CheckMachine{f.laser, zoe, true, std::nullopt}));
    CHECK_FALSE(f.station->snapshot()->machines[0].machine.awaiting_check);
}

TEST_CASE("a check that finds a problem puts the machine into maintenance with the note; the level and the note are checked") {
    Fixture f;
    set_check(f, alloc::CheckLevel::host);
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    REQUIRE(f.tap_machine("01").granted);
    REQUIRE(f.tap_machine("01").ended);
    auto lea = f.station->call(CheckMachine{f.laser, f.lea, true, std::nullopt});
    REQUIRE_FALSE(lea);
    CHECK(lea.error().english() == "Laser waits for its check after use by a host");
    CHECK(f.tap_machine("01").refusal.english() == "Laser waits for its check after use by a host");
    for (const std::string& bad : {std::string("buse\x01 sale"), std::string(201, 'x')}) {
        auto r = f.station->call(CheckMachine{f.laser, f.camille, false, bad});
        REQUIRE_FALSE(r);
        CHECK(r.error().english() == "Say what is wrong in one line of at most 200 characters");
    }
    CHECK(laser_view(f).machine.awaiting_check);  // nothing changed
    REQUIRE(f.station->call(CheckMachine{f.laser, f.camille, false, std::string("  lentille encrassée ")}));
    f.reopen();
    const auto& m = laser_view(f).machine;
    CHECK(m.status == alloc::MachineStatus::maintenance);
    CHECK(m.check_note == "lentille encrassée");
    CHECK_FALSE(m.awaiting_check);
    // The command line (an admin) confirms without a level check; an unknown machine is refused.
    REQUIRE(f.station->call(SetMachineStatus{f.laser, alloc::MachineStatus::available, std::nullopt}));
    CHECK_FALSE(laser_view(f).machine.check_note);
    CHECK_FALSE(f.station->call(CheckMachine{999, kCommandLine, true, std::nullopt}));
}

TEST_CASE("a handover at the reader: the session passes to the next member with no power cut, and resumes after a restart") {
    Fixture f;
    const auto zoe = f.add("Zoé", core::Role::member, "03");
    REQUIRE(f.station->call(Authorise{f.laser, zoe, true, std::nullopt}));
    set_check(f, alloc::CheckLevel::user);
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    REQUIRE(f.tap_machine("01").granted);
    CHECK_FALSE(f.tap_machine("03").granted);  // in use, not offered
    REQUIRE(f.station->call(OfferHandover{f.laser, f.lea}));
    CHECK(laser_view(f).handover_hhmm == "11:01:00");
    CHECK_FALSE(f.station->call(OfferHandover{f.laser, zoe}));  // only Léa may offer it
    f.clock.advance(seconds{30});
    f.control.clear();
    auto taken = f.tap_machine("03");
    CHECK(taken.granted);
    CHECK(f.control.kinds() == std::vector{alloc::Action::Kind::handover});
    CHECK(laser_view(f).power);
    REQUIRE(laser_view(f).session);
    CHECK(laser_view(f).session->member == zoe);
    CHECK(laser_view(f).handover_hhmm.empty());
    CHECK_FALSE(laser_view(f).machine.awaiting_check);

    f.clock.advance(minutes{5});
    f.control.clear();
    f.reopen();
    CHECK(f.control.saw(alloc::Action::Kind::power_on));
    REQUIRE(laser_view(f).session);
    CHECK(laser_view(f).session->member == zoe);

    SUBCASE("an offer not taken within 60 s lapses: the member goes on") {
        REQUIRE(f.station->call(OfferHandover{f.laser, zoe}));
        f.clock.advance(seconds{61});
        REQUIRE(f.station->call(Tick{}));
        CHECK(laser_view(f).handover_hhmm.empty());
        CHECK_FALSE(f.tap_machine("01").granted);
        CHECK(laser_view(f).session->member == zoe);
    }
}

TEST_CASE("a day's plan through the station: in the snapshots that follow, decided again as bookings change") {
    Fixture f;
    const core::Date today = f.station->snapshot()->today;
    const alloc::DayQuery q{f.laser, f.lea, f.lea, today};
    auto r = f.station->call(PlanDay{q});
    REQUIRE(r);
    auto start_of = [](const alloc::DayPlan& p, core::Timestamp t) -> std::optional<alloc::DayStart> {
        for (const auto& d : p.starts)
            if (d.start == t) return d;
        return std::nullopt;
    };
    auto planned = [&] () -> std::optional<alloc::DayPlan> {
        for (const auto& p : f.station->snapshot()->day_plans)
            if (p.query == q) return p;
        return std::nullopt;
    };
    const auto before = start_of(std::get<alloc::DayPlan>(*r), utc("2026-12-01T11:00:00Z"));
    REQUIRE(before);
    CHECK(before->room == minutes{120});
    CHECK_FALSE(before->taken);
    REQUIRE(planned());
    CHECK(planned()->starts == std::get<alloc::DayPlan>(*r).starts);
    // Camille books 11:00-12:00: the plan in the next snapshot has that hour taken, and the
    // start before it shortened, without the kiosk asking again.
    REQUIRE(f.station->call(Authorise{f.laser, f.camille, true, std::nullopt}));
    REQUIRE(f.station->call(Book{f.laser, f.camille, utc("2026-12-01T11:00:00Z"), utc("2026-12-01T12:00:00Z"), std::nullopt, false, std::nullopt}));
    const auto after = planned();
    REQUIRE(after);
    CHECK(start_of(*after, utc("2026-12-01T11:00:00Z"))->taken);
    CHECK(start_of(*after, utc("2026-12-01T11:00:00Z"))->room == minutes{0});
    CHECK(start_of(*after, utc("2026-12-01T10:00:00Z"))->room == minutes{60});
    // An unknown machine is refused with a reason; eight days at most are kept.
    CHECK_FALSE(f.station->call(PlanDay{alloc::DayQuery{999, f.lea, f.lea, today}}));
    for (int d = 1; d <= 9; ++d)
        REQUIRE(f.station->call(PlanDay{alloc::DayQuery{f.laser, f.lea, f.lea, core::Date{std::chrono::sys_days{today} + std::chrono::days{d}}}}));
    CHECK(f.station->snapshot()->day_plans.size() == 8);
    CHECK_FALSE(planned());
}
