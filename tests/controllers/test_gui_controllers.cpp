// The kiosk's idle screen shows the machine controllers' recent messages in French, without
// clipping, at the three screen sizes; old ones are left out. Layer: tests (gui, headless).
#include "harness.hpp"

using namespace etabli;

namespace {


}  // namespace

TEST_CASE("controllers: a contact fault is a banner on the idle screen") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        CAPTURE(size.x);
        Harness h(size);
        app::ControllerMessage old;
        old.text = core::problem("{0}: the controller restarted, the session ended", {"Scie à format"});
        old.at = h.snap.at - std::chrono::hours{2};
        h.snap.controller_messages.push_back(old);
        app::ControllerMessage m;
        m.machine = 2;
        m.text = core::problem("{0}: contact fault, call a host", {"Découpe laser"});
        m.at = h.snap.at - std::chrono::minutes{1};
        h.snap.controller_messages.push_back(m);
        h.publish();
        h.frame();
        CHECK(h.label("idle/offer0") == "Découpe laser\u00a0: défaut de contact, appelez un animateur");
        CHECK(!h.has("idle/offer1"));
        h.check_layout("idle with a controller banner");
    }
}

// [Host: clearing a contact fault] (wire) The host's machine screen offers "Clear the fault"
// while the machine's controller holds a latched fault, and posts ClearMachineFault with the
// host as actor; without a fault the row is not there.
namespace {


app::Snapshot fault_snapshot(bool fault) {
    app::Snapshot s = base_snapshot();
    for (unsigned d = 0; d < 7; ++d) s.hours.weekly[d] = {alloc::DayWindow{9 * 60, 21 * 60}};
    app::MachineView laser;
    laser.machine.id = 1;
    laser.machine.name = "Découpe laser";
    laser.machine.authorised = {1, 2};
    laser.machine.status = fault ? alloc::MachineStatus::out_of_order : alloc::MachineStatus::available;
    s.machines = {laser};
    app::ControllerView c;
    c.name = "A10KZ3QP";
    c.port = "/dev/etabli/controller-A10KZ3QP";
    c.up = true;
    app::ControllerChannelView ch;
    ch.channel = 0;
    ch.machine = 1;
    ch.machine_name = "Découpe laser";
    ch.fault = fault;
    c.channel_views = {ch};
    s.controllers = {c};
    return s;
}

void open_host_machine(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    h.tap("home/machines");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::host_machines);
    h.tap("host/1/open");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::host_machine);
}

}  // namespace

TEST_CASE("controllers: a host clears a machine's contact fault from its screen") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, fault_snapshot(true));
        open_host_machine(h);
        CHECK(h.label("hostm/controller/text") == "Défaut de contact\u00a0: vérifiez le relais, puis levez le défaut.");
        REQUIRE(h.has("hostm/controller/clear_fault"));
        CHECK(h.item("hostm/controller/clear_fault").enabled);
        h.check_layout("host machine screen with a contact fault");
        h.out.clear();
        h.tap("hostm/controller/clear_fault");
        auto cleared = commands_of<app::ClearMachineFault>(h.out);
        REQUIRE(cleared.size() == 1);
        CHECK(cleared[0].machine == 1);
        CHECK(cleared[0].actor == std::optional<core::MemberId>(2));
        // While the command is pending the button is off, so a second tap posts nothing.
        h.frame();
        CHECK(!h.item("hostm/controller/clear_fault").enabled);
        // The station cleared it: the next snapshot has no fault, the row goes.
        h.snap.machines[0].machine.status = alloc::MachineStatus::available;
        h.snap.controllers[0].channel_views[0].fault = false;
        h.reply(h.out.back().second, true);
        CHECK(h.label("hostm/message") == "Découpe laser\u00a0: défaut levé.");
        CHECK(!h.has("hostm/controller/clear_fault"));
    }
}

TEST_CASE("controllers: without a fault the host sees the relay, or the board offline, and no clear button") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, fault_snapshot(false));
        open_host_machine(h);
        CHECK(h.label("hostm/controller/text") == "A10KZ3QP, voie 0 : relais ouvert");
        CHECK(!h.has("hostm/controller/clear_fault"));
        h.snap.controllers[0].channel_views[0].relay = true;
        h.publish();
        h.frame();
        CHECK(h.label("hostm/controller/text") == "A10KZ3QP, voie 0 : relais fermé");
        h.check_layout("host machine screen with its controller");
        h.snap.controllers[0].up = false;
        h.publish();
        h.frame();
        CHECK(h.label("hostm/controller/text") == "A10KZ3QP : boîtier hors ligne");
        // The demo's fake board says what it is, in French; before the controller reported the
        // machine's id, the configured name finds it.
        h.snap.controllers[0].up = true;
        h.snap.controllers[0].name = "demo board (simulated)";
        h.snap.controllers[0].channel_views[0].machine.reset();
        h.snap.controllers[0].channel_views[0].channel = 1;
        h.publish();
        h.frame();
        CHECK(h.label("hostm/controller/text") == "boîtier de démonstration (simulé), voie 1 : relais fermé");
    }
    // A machine with no controller channel has no row.
    Harness h(ImVec2(1280, 800), core::Lang::fr, fault_snapshot(false));
    h.snap.controllers.clear();
    h.publish();
    open_host_machine(h);
    CHECK(h.has("hostm/status/available"));
    CHECK(!h.has("hostm/controller/text"));
}
