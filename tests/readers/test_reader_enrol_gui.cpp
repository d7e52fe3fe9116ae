// Enrolling a badge reader from the device panel, headless: role, "Badgez sur le lecteur à
// associer", cancel, success and failure in French. Layouts in French at 800x480, 1280x800
// and 1920x1080: nothing clipped or overlapping.
// Layer: gui tests (headless).
#include "harness.hpp"

using namespace etabli;

namespace {

const std::vector<ImVec2> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

app::Snapshot devices_snapshot() {
    app::Snapshot s = base_snapshot();
    for (const char* name : {"Découpe laser", "Fraiseuse CNC", "Scie à format"}) {
        app::MachineView m;
        m.machine.id = static_cast<alloc::MachineId>(s.machines.size() + 1);
        m.machine.name = name;
        s.machines.push_back(m);
    }
    app::ReaderView kiosk;
    kiosk.role = "kiosk";
    kiosk.device = "usb 1-1.3 ffff:0035";
    kiosk.connected = true;
    s.devices = {kiosk};
    return s;
}

void open_enrol(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    h.tap("home/machines");
    h.tap("host/devices");
    REQUIRE(h.has("host_devices/enrol_reader"));
    CHECK(h.label("host_devices/enrol_reader") == "Associer un lecteur");
    h.check_layout("device panel with the enrol button");
    h.tap("host_devices/enrol_reader");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::enrol_reader);
}

// The station's answer to a StartReaderEnrolment: the reply and the waiting attempt together.
void station_starts(Harness& h, const std::string& role) {
    app::ReaderEnrolmentView e;
    e.attempt = 5;
    e.role = role;
    e.started = h.snap.at;
    e.expires = h.snap.at + std::chrono::seconds{60};
    h.snap.reader_enrolment = e;
    h.reply(h.out.back().second, true);
}

}  // namespace

TEST_CASE("reader enrolment: a host enrols a machine's reader from the device panel") {
    for (ImVec2 size : kSizes) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, devices_snapshot());
        open_enrol(h);
        const std::string p = "enrol_reader/choose/";
        CHECK(h.label(p + "title") == "Associer un lecteur");
        CHECK(h.label(p + "0/role") == "Lecteur de l'accueil");
        CHECK(h.label(p + "1/role") == "Scanner d'outils");
        CHECK(h.label(p + "2/role") == "Lecteur de Découpe laser");
        h.check_layout("enrol: choose the role");
        h.out.clear();
        h.tap(p + "2/role");
        auto starts = commands_of<app::StartReaderEnrolment>(h.out);
        REQUIRE(starts.size() == 1);
        CHECK(starts[0].role == "machine:Découpe laser");
        CHECK(starts[0].actor == std::optional<core::MemberId>(2));
        station_starts(h, "machine:Découpe laser");
        CHECK(h.label("enrol_reader/waiting/tap") == "Badgez sur le lecteur à associer");
        CHECK(h.label("enrol_reader/waiting/role") == "Il devient\u00a0: Lecteur de Découpe laser");
        h.check_layout("enrol: waiting for a badge");

        // The badge is read on a reader: bound and written.
        h.snap.reader_enrolment->state = app::ReaderEnrolmentView::State::done;
        h.snap.reader_enrolment->device = "/dev/input/event7 (usb ffff:0035)";
        h.snap.reader_enrolment->uid = "0012345678";
        h.snap.reader_enrolment->config = "/home/atelier/.config/etabli/etabli.toml";
        h.publish();
        h.frame();
        CHECK(h.label("enrol_reader/finished/outcome") == "Lecteur associé\u00a0: Lecteur de Découpe laser");
        CHECK(h.label("enrol_reader/finished/line1") == "Appareil /dev/input/event7 (usb ffff:0035), badge 0012345678");
        h.check_layout("enrol: done");
        h.out.clear();
        h.tap("enrol_reader/finished/done");
        CHECK(commands_of<app::CancelReaderEnrolment>(h.out).size() == 1);
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::devices);
    }
}

TEST_CASE("reader enrolment: enrolment cancelled, failed in French, refused by the station") {
    Harness h(ImVec2(800, 480), core::Lang::fr, devices_snapshot());
    open_enrol(h);
    h.tap("enrol_reader/choose/0/role");
    station_starts(h, "kiosk");
    h.out.clear();
    h.tap("enrol_reader/waiting/cancel");
    CHECK(commands_of<app::CancelReaderEnrolment>(h.out).size() == 1);
    h.snap.reader_enrolment.reset();
    h.publish();
    h.frame();
    CHECK(h.has("enrol_reader/choose/0/role"));

    // Nobody badged within the minute.
    h.tap("enrol_reader/choose/1/role");
    station_starts(h, "scanner");
    h.snap.reader_enrolment->state = app::ReaderEnrolmentView::State::failed;
    h.snap.reader_enrolment->problem = core::problem("No badge was read within {0} seconds", {"60"});
    h.publish();
    h.frame();
    CHECK(h.label("enrol_reader/finished/outcome") == "Le lecteur n'a pas été associé.");
    CHECK(h.label("enrol_reader/finished/line1").find("60") != std::string::npos);
    CHECK(h.label("enrol_reader/finished/line1").find("No badge") == std::string::npos);  // in French
    h.check_layout("enrol: failed");
    h.out.clear();
    h.tap("enrol_reader/finished/again");
    auto again = commands_of<app::StartReaderEnrolment>(h.out);
    REQUIRE(again.size() == 1);
    CHECK(again[0].role == "scanner");

    // The station refuses to start (no reader port): the choice stays, with the reason.
    h.reply(h.out.back().second, false, core::problem("This station cannot enrol readers: it runs without badge readers"));
    CHECK(h.label("enrol_reader/choose/message") ==
          "Cette station ne peut pas associer de lecteur\u00a0: elle fonctionne sans lecteurs de badges");
    h.check_layout("enrol: refused");
    h.tap("enrol_reader/choose/back");
    CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::devices);
}
