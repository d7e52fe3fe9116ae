// The kiosk's PIN pad: a host without a host session who asks for a host screen gets the
// pad; the digits are never drawn (neither on the pad nor anywhere else in the frame); the pad
// posts the PIN and opens the screen asked for once the station agrees; a wrong PIN or a
// lockout is shown; a refusal for want of a session (a host command from a screen the pad did
// not guard) opens the pad; "Mes données" and "Historique" show what the station sends.
#include "harness.hpp"

#include <etabli/core/pin.hpp>

namespace {

// Camille (2), the host, checked in, without a host session.
struct PadHarness : Harness {
    explicit PadHarness(ImVec2 window = ImVec2(1280, 800)) : Harness(window) {
        snap.host_sessions.clear();
        publish();
        frame();
        show_tap(2, core::TapKind::check_in, "0004211337");
        REQUIRE(kiosk.screen() == gui::Screen::member_home);
    }
    void pin(std::string_view digits) {
        for (char d : digits) tap("pin/digit/" + std::string(1, d));
    }
    // No text of the frame shows `digits`.
    void check_not_shown(const std::string& digits) const {
        for (const auto& it : log().items) {
            CHECK(it.label.find(digits) == std::string::npos);
            CHECK(it.caption.find(digits) == std::string::npos);
        }
    }
};

}  // namespace

TEST_CASE("a host asks for Members without a host session: the pad, the PIN never drawn, then Members") {
    PadHarness h;
    app::PinState p;
    p.member = 2;
    p.set = true;
    h.snap.pins = {p};
    h.publish();
    h.frame();
    h.tap("home/members");
    REQUIRE(h.kiosk.screen() == gui::Screen::pin);
    CHECK(h.kiosk.pin_ui().step == gui::PinPadUi::Step::enter);
    CHECK(!h.item("pin/ok").enabled);  // fewer than 4 digits
    h.pin("7391");
    CHECK(h.kiosk.pin_ui().digits == "7391");
    h.check_not_shown("7391");
    for (char d : std::string("7391")) h.check_not_shown(std::string(1, d) + std::string(1, d));  // no run of them either
    h.tap("pin/erase");
    CHECK(h.kiosk.pin_ui().digits == "739");
    h.pin("1");
    h.out.clear();
    h.tap("pin/ok");
    auto sent = commands_of<app::OpenHostSession>(h.out);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].member == 2);
    CHECK(sent[0].pin == "7391");
    CHECK(h.kiosk.pin_ui().digits.empty());  // not kept once sent
    // Wrong: said, and the pad stays.
    h.reply(h.out.back().second, false, core::problem(core::kPinTriesLeft, {"4"}));
    CHECK(h.kiosk.screen() == gui::Screen::pin);
    CHECK(h.kiosk.pin_ui().message == "Code erroné : encore 4 essais");
    // Locked: said too.
    h.pin("0000");
    h.out.clear();
    h.tap("pin/ok");
    h.reply(h.out.back().second, false, core::problem(app::kPinLockedNow, {"1", "14:06"}));
    CHECK(h.kiosk.pin_ui().message == "Trop de codes erronés : bloqué pendant 1 min, jusqu'à 14:06");
    h.check_layout("the PIN pad with a lockout");
    // Right: the session is the station's; the pad goes on to Members.
    h.pin("7391");
    h.out.clear();
    h.tap("pin/ok");
    h.snap.host_sessions = {2};
    h.reply(h.out.back().second, true);
    CHECK(h.kiosk.screen() == gui::Screen::members);
    // Back home, then Done: the session ends with the idle screen.
    h.frame();
    h.tap(h.key_ending("/back"));
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.out.clear();
    h.tap("home/done");
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    auto ended = commands_of<app::EndHostSession>(h.out);
    REQUIRE(ended.size() == 1);
    CHECK(ended[0].member == 2);
}

TEST_CASE("a host without a PIN chooses one twice; two different entries start again; the layout fits") {
    for (const auto size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        PadHarness h(size);
        h.tap("home/enrol");
        REQUIRE(h.kiosk.screen() == gui::Screen::pin);
        CHECK(h.kiosk.pin_ui().step == gui::PinPadUi::Step::choose);
        CHECK(!h.has("pin/change"));  // nothing to change yet
        h.check_layout("choosing a PIN");
        h.pin("2468");
        h.tap("pin/ok");
        CHECK(h.kiosk.pin_ui().step == gui::PinPadUi::Step::confirm);
        h.pin("2469");
        h.tap("pin/ok");
        CHECK(h.kiosk.pin_ui().step == gui::PinPadUi::Step::choose);
        CHECK(!h.kiosk.pin_ui().message.empty());
        h.pin("2468");
        h.tap("pin/ok");
        h.pin("2468");
        h.out.clear();
        h.tap("pin/ok");
        auto set = commands_of<app::SetPin>(h.out);
        REQUIRE(set.size() == 1);
        CHECK(set[0].member == 2);
        CHECK(set[0].actor == 2);
        CHECK(set[0].pin == "2468");
        CHECK(!set[0].current);
        h.snap.host_sessions = {2};
        h.reply(h.out.back().second, true);
        CHECK(h.kiosk.screen() == gui::Screen::enrol);  // on to what was asked
        CHECK(commands_of<app::StartEnrolment>(h.out).size() == 1);
    }
}

TEST_CASE("a refusal for want of a host session opens the pad; Cancel goes back; badge digits do not reach it") {
    PadHarness h;
    h.snap.host_sessions = {2};
    h.publish();
    h.frame();
    h.tap("home/machines");
    REQUIRE(h.kiosk.screen() == gui::Screen::machines);
    // The session ran out at the station meanwhile: the next host command is refused.
    h.snap.host_sessions.clear();
    h.reply(4242, false, core::problem(app::kPinNeeded));
    REQUIRE(h.kiosk.screen() == gui::Screen::pin);
    CHECK(h.kiosk.pin_ui().message == "Entrez votre code, puis recommencez");
    // A badge reader typing digits does not type into the pad.
    h.type_digits("0001234567", false);
    CHECK(h.kiosk.pin_ui().digits.empty());
    h.tap("pin/cancel");
    CHECK(h.kiosk.screen() == gui::Screen::machines);
}

TEST_CASE("Mes données: the member's own data, asked for and shown by section") {
    Harness h;
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    h.out.clear();
    h.tap("home/my_data");
    REQUIRE(h.kiosk.screen() == gui::Screen::records);
    auto asked = commands_of<app::ShowMemberData>(h.out);
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].member == 1);
    CHECK(asked[0].actor == 1);
    CHECK(!h.has("home/history"));
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = true;
    auto d = std::make_shared<app::MemberDataView>();
    d->member = 1;
    d->sections.push_back({"member", {"id", "display_name"}, {{std::string("1"), std::string("Léa Dubois")}}});
    d->sections.push_back({"bookings", {"id"}, {}});  // empty: not shown
    r.member_data = d;
    h.snap.last_reply = r;
    h.publish();
    h.frame();
    bool heading = false, name = false, bookings = false;
    for (const auto& it : h.log().items) {
        if (it.label == "Identité (1)") heading = true;
        if (it.label.find("Léa Dubois") != std::string::npos) name = true;
        if (it.label.find("Bookings") != std::string::npos || it.label.find("Réservations") != std::string::npos) bookings = true;
    }
    CHECK(heading);
    CHECK(name);
    CHECK(!bookings);
    h.check_layout("Mes données");
    h.tap("records/back");
    CHECK(h.kiosk.screen() == gui::Screen::member_home);
}

TEST_CASE("an admin unlocks a locked PIN from the member's page; Historique is theirs; a host sees neither") {
    Harness h;
    auto dir = std::make_shared<app::Directory>(*h.snap.directory);
    dir->members[6] = member(6, "Ada Lovelace", core::Role::admin);
    dir->badges["0000000006"] = core::Badge{"0000000006", 6, core::BadgeStatus::active, {}};
    h.snap.directory = dir;
    h.snap.host_sessions = {2, 6};
    app::PinState locked;
    locked.member = 2;
    locked.set = true;
    locked.lockouts = 1;
    locked.locked_until = h.snap.at + std::chrono::minutes{1};
    h.snap.pins = {locked};
    h.publish();
    // The host: no History, and no PIN button on another member's page.
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    CHECK(!h.has("home/history"));
    h.tap("home/members");
    h.type_on_screen("lea");
    h.tap("members/search/1/pick");
    CHECK(!h.has("members/edit/pin"));
    // The admin.
    h.show_tap(6, core::TapKind::check_in, "0000000006");
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    REQUIRE(h.has("home/history"));
    h.check_layout("an admin's home with History");
    h.tap("home/members");
    h.type_on_screen("cam");
    h.tap("members/search/2/pick");
    REQUIRE(h.has("members/edit/pin"));
    h.check_layout("a member's page with Unlock the PIN");
    h.out.clear();
    h.tap("members/edit/pin");
    auto reset = commands_of<app::ResetPin>(h.out);
    REQUIRE(reset.size() == 1);
    CHECK(reset[0].member == 2);
    CHECK(!reset[0].forget);
    CHECK(reset[0].actor == 6);
    // History asks the station for the audit trail.
    h.tap(h.key_ending("/back"));
    h.tap(h.key_ending("/back"));
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.out.clear();
    h.tap("home/history");
    REQUIRE(h.kiosk.screen() == gui::Screen::records);
    auto asked = commands_of<app::ShowAudit>(h.out);
    REQUIRE(asked.size() == 1);
    CHECK(asked[0].actor == 6);
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = true;
    auto a = std::make_shared<app::AuditView>();
    app::AuditEntry e;
    e.at = h.snap.at;
    e.actor = 2;
    e.principal = "host";
    e.origin = "kiosk";
    e.action = "host.session_open";
    e.outcome = "lockout";
    a->rows.push_back(e);
    a->names[2] = "Camille Martin";
    r.audit = a;
    h.snap.last_reply = r;
    h.publish();
    h.frame();
    // The screen's lines, joined: a row wraps onto the next line at larger text.
    std::string shown;
    for (const auto& it : h.log().items)
        if (it.key.starts_with("records/line")) shown += it.label + " ";
    INFO(shown);
    CHECK(shown.find("28/11/2026 14:05 host.session_open") != std::string::npos);
    CHECK(shown.find("Camille Martin") != std::string::npos);
    h.check_layout("Historique");
}

TEST_CASE("a machine that requires the PIN: the start is refused for it, the pad asks, the start goes again with it") {
    Harness h;
    for (unsigned d = 0; d < 7; ++d) h.snap.hours.weekly[d] = {alloc::DayWindow{0, 24 * 60}};
    app::MachineView laser;
    laser.machine.id = 1;
    laser.machine.name = "Découpe laser";
    laser.machine.authorised = {1};
    laser.machine.rules.pin_required = true;
    h.snap.machines = {laser};
    app::PinState p;
    p.member = 1;
    p.set = true;
    h.snap.pins = {p};
    h.publish();
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    h.tap("home/book");
    h.tap("machines/1/open");
    h.out.clear();
    h.tap("machine/start");
    auto first = commands_of<app::MachineAccess>(h.out);
    REQUIRE(first.size() == 1);
    CHECK(!first[0].pin);
    h.reply(h.out.back().second, false, core::problem(app::kMachinePinNeeded, {"Découpe laser"}));
    REQUIRE(h.kiosk.screen() == gui::Screen::pin);
    CHECK(h.kiosk.pin_ui().purpose == gui::PinPadUi::Purpose::machine);
    CHECK(h.kiosk.pin_ui().machine == 1);
    bool titled = false;
    for (const auto& it : h.log().items)
        if (it.label.find("Découpe laser") != std::string::npos) titled = true;
    CHECK(titled);
    for (char d : std::string("5791")) h.tap("pin/digit/" + std::string(1, d));
    h.out.clear();
    h.tap("pin/ok");
    auto again = commands_of<app::MachineAccess>(h.out);
    REQUIRE(again.size() == 1);
    CHECK(again[0].machine == 1);
    CHECK(again[0].member == 1);
    CHECK(again[0].pin == std::optional<std::string>("5791"));
    h.reply(h.out.back().second, true);
    CHECK(h.kiosk.screen() == gui::Screen::machines);
}
