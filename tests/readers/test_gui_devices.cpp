// The hosts' device panel, headless: from the hosts' machine screen, "Appareils" shows
// every reader (role, connected or not, last badge, problem in French; for a permission
// problem the udev rule to install, not a stack of errors) and every controller, in French,
// without clipping, at 800x480, 1280x800 and 1920x1080. Layer: tests (gui, headless).
#include "harness.hpp"

#include "devices.hpp"

using namespace etabli;

namespace {


app::Snapshot devices_snapshot() {
    app::Snapshot s = base_snapshot();
    for (unsigned d = 0; d < 7; ++d) s.hours.weekly[d] = {alloc::DayWindow{9 * 60, 21 * 60}};
    app::MachineView laser;
    laser.machine.id = 1;
    laser.machine.name = "Découpe laser";
    s.machines = {laser};

    app::ReaderView kiosk;
    kiosk.role = "kiosk";
    kiosk.device = "usb 1-1.3 ffff:0035";
    kiosk.connected = true;
    kiosk.taps = 12;
    kiosk.last_tap = s.at - std::chrono::minutes{3};  // 14:02 local
    app::ReaderView machine;
    machine.role = "machine:Découpe laser";
    machine.device = "/dev/input/event7";
    machine.problem = core::problem(
        "Permission denied on {0}: install the udev rule for badge readers (README, \"Badge readers\")", {"/dev/input/event7"});
    machine.permission_denied = true;
    app::ReaderView scanner;
    scanner.role = "scanner";
    scanner.problem = core::problem("Badge reader {0} is not plugged in", {"/dev/input/event9"});
    s.devices = {kiosk, machine, scanner};

    app::ControllerView up;
    up.name = "A10KZ3QP";
    up.up = true;
    up.firmware = "1.0";
    up.channels = 4;
    s.controllers = {up};
    return s;
}

void open_devices(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    h.tap("home/machines");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::host_machines);
    REQUIRE(h.has("host/devices"));
    CHECK(h.label("host/devices") == "Appareils");
    h.tap("host/devices");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::devices);
}

}  // namespace

TEST_CASE("devices: a host sees readers and controllers, and what to install when a reader is refused") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, devices_snapshot());
        open_devices(h);
        const std::string p = "host_devices/devices/";
        // Blocks go on pages when the screen is short (or the text large); each is whole on
        // its page.
        auto paged = [&](const std::string& key) { return h.paged(key, "host_devices/prev", "host_devices/next").label; };
        CHECK(paged(p + "0/line0") == "Lecteurs de badges");
        CHECK(paged(p + "1/line0") == "Lecteur de l'accueil\u00a0: connecté");
        CHECK(paged(p + "1/line1") == "Dernier badge à 14:02 · usb 1-1.3 ffff:0035");
        CHECK(paged(p + "2/line0") == "Lecteur de Découpe laser\u00a0: non connecté");
        CHECK(paged(p + "2/line1") == "Aucun badge lu pour l'instant · /dev/input/event7");
        // One sentence and the command: not the raw error as well.
        CHECK(paged(p + "2/line2").starts_with("Accès refusé\u00a0: installez la règle udev"));
        CHECK(paged(p + "2/line3") == gui::kReadersUdevInstall);
        CHECK(!h.has(p + "2/line4"));
        CHECK(paged(p + "3/line0") == "Scanner d'outils\u00a0: non connecté");
        CHECK(paged(p + "4/line0") == "Contrôleurs de machines");
        CHECK(paged(p + "5/line0") == "Contrôleur A10KZ3QP\u00a0: connecté, micrologiciel 1.0, 4 voies");
        if (size.y >= 800 && text_percent() == 100) CHECK(!h.has("host_devices/next"));
        h.check_layout("hosts' device panel");
        // Back to the machines.
        h.tap("host_devices/back");
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::host_machines);
    }
}

TEST_CASE("devices: nothing configured says so; too many readers for the screen go on pages") {
    {
        app::Snapshot s = devices_snapshot();
        s.devices.clear();
        s.controllers.clear();
        Harness h(ImVec2(800, 480), core::Lang::fr, s);
        open_devices(h);
        CHECK(h.label("host_devices/devices/1/line0") == "Aucun lecteur de badges n'est configuré dans etabli.toml.");
        CHECK(h.label("host_devices/devices/3/line0") == "Aucun contrôleur de machine n'est configuré.");
        h.check_layout("empty device panel");
    }
    {
        app::Snapshot s = devices_snapshot();
        for (int i = 0; i < 20; ++i) s.devices.push_back(s.devices[1]);
        Harness h(ImVec2(800, 480), core::Lang::fr, s);
        open_devices(h);
        // Pages of whole blocks: every reader can be reached, the last one included.
        REQUIRE(h.has("host_devices/next"));
        h.check_layout("crowded device panel");
        CHECK(h.paged("host_devices/devices/25/line0", "host_devices/prev", "host_devices/next").label ==
              "Contrôleur A10KZ3QP\u00a0: connecté, micrologiciel 1.0, 4 voies");
        h.check_layout("crowded device panel, last page");
    }
}
