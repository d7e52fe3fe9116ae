// End to end: the Station, its SQLite store and the ControllerManager, talking over a real
// pty to the real firmware logic built for the host (a thread of the test runs it on a real
// clock). The station's own clock is fake (bookings, warnings); the link's is real.
// Layer: tests (app + hw + firmware on host).
#include "pty_controller.hpp"

#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/hw/controller_manager.hpp>

#include "station_fixture.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::eventually;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    testing::PtyController board;
    std::unique_ptr<hw::ControllerManager> manager;
    core::MemberId lea = 0, camille = 0;
    alloc::MachineId laser = 0;

    explicit Fixture(alloc::HostLossPolicy policy = {}) : StationOnDisk(utc("2026-12-01T09:00:00Z")) {  // a Tuesday, 10:00 in Paris
        core::ControllerConfig cfg;
        cfg.port = board.path();
        cfg.channels = {"Découpe laser"};
        reopen([&](Station& s) {
            manager = std::make_unique<hw::ControllerManager>(s, std::vector{cfg});
            s.set_machine_control(manager.get());
        });
        manager->start();
        lea = add("Léa", core::Role::member, "01");
        camille = add("Camille", core::Role::host, "02");
        alloc::Machine m;
        m.name = "Découpe laser";
        m.rules.max_length = minutes{120};
        m.rules.host_loss = policy;
        auto r = station->call(AddMachine{m, std::nullopt});
        REQUIRE(r);
        laser = std::get<alloc::Machine>(*r).id;
        REQUIRE(station->call(Authorise{laser, lea, true, std::nullopt}));
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
        REQUIRE(station->call(SetHours{h, std::nullopt}));
        REQUIRE(eventually([&] { return controller_up(); }));
    }
    ~Fixture() {
        manager->stop();
        station->stop();
    }
    core::MemberId add(const std::string& name, core::Role role, const std::string& badge) {
        return add_member(name, role, badge).id;
    }
    AccessView tap_machine(const std::string& uid) {
        auto r = station->call(BadgeSeen{uid, ReaderRef::at_machine(laser)});
        REQUIRE(r);
        return std::get<AccessView>(*r);
    }
    bool controller_up() const {
        auto s = station->snapshot();
        return s->controllers.size() == 1 && s->controllers[0].up;
    }
    const MachineView& machine() const {
        static thread_local std::shared_ptr<const Snapshot> keep;
        keep = station->snapshot();
        REQUIRE(keep->machines.size() == 1);
        return keep->machines[0];
    }
    bool has_message(const std::string& msgid) const {
        auto s = station->snapshot();
        return std::any_of(s->controller_messages.begin(), s->controller_messages.end(),
                           [&](const auto& m) { return m.text.msgid == msgid; });
    }
};

}  // namespace

TEST_CASE("controllers: an authorised badge at the machine closes the relay; the booking's end warns, then opens it") {
    Fixture f;
    REQUIRE(f.station->call(Book{f.laser, f.lea, utc("2026-12-01T10:00:00Z"), utc("2026-12-01T11:00:00Z"),
                                 std::nullopt, false, std::nullopt}));
    REQUIRE(f.station->call(Authorise{f.laser, f.camille, true, std::nullopt}));
    REQUIRE(f.station->call(Book{f.laser, f.camille, utc("2026-12-01T11:00:00Z"), utc("2026-12-01T12:00:00Z"),
                                 std::nullopt, false, std::nullopt}));
    CHECK(!f.board.relay(0));
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    const auto tap = steady_clock::now();
    auto a = f.tap_machine("01");
    CHECK(a.granted);
    auto took = eventually([&] { return f.board.relay(0); });
    REQUIRE(took);
    const auto from_tap = duration_cast<microseconds>(steady_clock::now() - tap);
    MESSAGE("tap -> relay closed: " << from_tap.count() << " us");
    CHECK(from_tap < milliseconds{200});
    // Heartbeats keep it on far beyond one lease.
    std::this_thread::sleep_for(milliseconds{2500});
    CHECK(f.board.relay(0));

    f.clock.set(utc("2026-12-01T10:55:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.machine().session);
    std::this_thread::sleep_for(milliseconds{100});
    CHECK(f.board.relay(0));  // a warning, not a cut
    f.clock.set(utc("2026-12-01T11:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(eventually([&] { return !f.board.relay(0); }, milliseconds{500}));
    CHECK(!f.machine().session);
}

TEST_CASE("controllers: a handover passes the session to the next member with the relay closed throughout") {
    Fixture f;
    const auto zoe = f.add("Zoé", core::Role::member, "03");
    REQUIRE(f.station->call(Authorise{f.laser, zoe, true, std::nullopt}));
    alloc::Machine m = f.machine().machine;
    m.rules.check_after_use = alloc::CheckLevel::user;
    REQUIRE(f.station->call(EditMachine{m, std::nullopt}));
    f.clock.set(utc("2026-12-01T10:00:00Z"));
    REQUIRE(f.tap_machine("01").granted);
    REQUIRE(eventually([&] { return f.board.relay(0); }));
    REQUIRE(f.station->call(OfferHandover{f.laser, f.lea}));
    f.clock.advance(seconds{20});
    REQUIRE(f.tap_machine("03").granted);
    // The new session's GRANT applied (acknowledged), then a while of heartbeats.
    std::this_thread::sleep_for(milliseconds{1500});
    CHECK(f.board.relay(0));
    CHECK(f.board.openings(0) == 0);
    REQUIRE(f.machine().session);
    CHECK(f.machine().session->member == zoe);
    CHECK_FALSE(f.machine().machine.awaiting_check);
    // Zoé's own end: the relay opens, and the machine waits for its check.
    REQUIRE(f.tap_machine("03").ended);
    CHECK(eventually([&] { return !f.board.relay(0); }, milliseconds{500}));
    CHECK(f.board.openings(0) == 1);
    CHECK(f.machine().machine.awaiting_check);
    CHECK_FALSE(f.tap_machine("01").granted);  // locked until the check
}

TEST_CASE("controllers: the station dies mid-session, the cut policy opens the relay within the lease") {
    Fixture f;
    auto a = f.tap_machine("01");
    REQUIRE(a.granted);
    REQUIRE(eventually([&] { return f.board.relay(0); }));
    const auto killed = steady_clock::now();
    f.manager->stop();  // no REVOKE: the port simply closes, as when the process dies
    REQUIRE(eventually([&] { return !f.board.relay(0); }, seconds{4}));
    const auto took = duration_cast<milliseconds>(steady_clock::now() - killed);
    MESSAGE("station gone -> relay open: " << took.count() << " ms");
    CHECK(took <= milliseconds{2000});
}

TEST_CASE("controllers: the station dies mid-session, the grace policy keeps the relay for the grace") {
    Fixture f(alloc::HostLossPolicy{alloc::HostLossPolicy::Kind::grace, seconds{2}});
    REQUIRE(f.tap_machine("01").granted);
    REQUIRE(eventually([&] { return f.board.relay(0); }));
    const auto killed = steady_clock::now();
    f.manager->stop();
    REQUIRE(eventually([&] { return !f.board.relay(0); }, seconds{6}));
    const auto took = duration_cast<milliseconds>(steady_clock::now() - killed);
    MESSAGE("station gone -> relay open with 2 s grace: " << took.count() << " ms");
    CHECK(took >= milliseconds{2000});
    CHECK(took <= milliseconds{4000});
}

TEST_CASE("controllers: a controller reset ends the session and says so") {
    Fixture f;
    REQUIRE(f.tap_machine("01").granted);
    REQUIRE(eventually([&] { return f.board.relay(0); }));
    const auto boot = f.station->snapshot()->controllers[0].boot_id;
    f.board.reset();
    CHECK(!f.board.relay(0));
    REQUIRE(eventually([&] { return !f.machine().session; }));
    CHECK(f.has_message("{0}: the controller restarted, the session ended"));
    REQUIRE(eventually([&] { return f.controller_up() && f.station->snapshot()->controllers[0].boot_id != boot; }));
    CHECK(!f.board.relay(0));
    // A new badge starts a new session on the new boot.
    REQUIRE(f.tap_machine("01").granted);
    CHECK(eventually([&] { return f.board.relay(0); }));
}

TEST_CASE("controllers: welded-relay feedback latches a fault, refuses access until a host clears it") {
    Fixture f;
    f.board.set_feedback(0, true);
    REQUIRE(eventually([&] { return f.machine().machine.status == alloc::MachineStatus::out_of_order; }));
    CHECK(f.has_message("{0}: contact fault, call a host"));
    auto snap = f.station->snapshot();
    REQUIRE(snap->controllers[0].channel_views.size() == 1);
    CHECK(snap->controllers[0].channel_views[0].fault);
    auto refused = f.tap_machine("01");
    CHECK(!refused.granted);
    CHECK(!f.board.relay(0));
    // A member may not clear it; a host may, once the contact is repaired.
    CHECK(!f.station->call(ClearMachineFault{f.laser, f.lea}));
    f.board.set_feedback(0, false);
    REQUIRE(f.station->call(ClearMachineFault{f.laser, f.camille}));
    CHECK(f.machine().machine.status == alloc::MachineStatus::available);
    CHECK(!f.has_message("{0}: contact fault, call a host"));
    REQUIRE(eventually([&] {
        auto s = f.station->snapshot();
        return !s->controllers[0].channel_views[0].fault;
    }));
    REQUIRE(f.tap_machine("01").granted);
    CHECK(eventually([&] { return f.board.relay(0); }));
}
