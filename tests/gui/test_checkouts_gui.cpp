// The hosts' forgotten check-outs, headless: the tile on a host's home with its count, the
// list, the picker with ±15 min / ±1 h and hour and minute chips, the CorrectPresence sent, a
// refusal shown in French. Layouts in French at 800x480, 1280x800 and 1920x1080: nothing
// clipped or overlapping.
// Layer: gui tests (headless).
#include "harness.hpp"

using namespace etabli;

namespace {

const std::vector<ImVec2> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

core::Timestamp at_utc(int d, int h, int m) {
    return std::chrono::sys_days(day(2026, 11, static_cast<unsigned>(d))) + std::chrono::hours{h} + std::chrono::minutes{m};
}

app::Snapshot checkouts_snapshot(int count = 2) {
    app::Snapshot s = base_snapshot();
    s.directory = demo_directory();
    for (int i = 0; i < count; ++i) {
        app::PresenceToCorrect p;
        p.presence = 40 + i;
        p.member = i == 0 ? 2 : 3;
        p.member_name = i == 0 ? "Camille Martin" : (i == 1 ? "Hugo Bernard" : "Bénévole n° " + std::to_string(i) + " Œuvre-Lefèvre");
        if (i == 0) p.role = core::VolunteerRole::greeter;
        if (i == 1) p.role = core::VolunteerRole::mechanic;
        p.checked_in = at_utc(27, 13, 5);  // 14:05 in Paris
        p.auto_closed = at_utc(27, 23, 0);
        p.closing = at_utc(27, 18, 0);     // 19:00
        p.utc_offset = std::chrono::hours{1};
        s.presence_corrections.push_back(p);
        s.presences_to_correct.push_back(p.presence);
    }
    return s;
}

void open_checkouts(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    REQUIRE(h.has("home/checkouts"));
    h.tap("home/checkouts");
    REQUIRE(h.kiosk.screen() == gui::Screen::checkouts);
}

}  // namespace

TEST_CASE("forgotten check-outs: a host's home has the forgotten check-outs tile with its count; members do not") {
    for (ImVec2 size : kSizes) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, checkouts_snapshot());
        h.show_tap(2, core::TapKind::check_in, "0004211337");
        REQUIRE(h.has("home/checkouts"));
        CHECK(h.label("home/checkouts") == "Départs à corriger");
        CHECK(h.item("home/checkouts").caption == "2 en attente");
        h.check_layout("host home with the check-outs tile");
    }
    Harness h(ImVec2(1280, 800), core::Lang::fr, checkouts_snapshot());
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK_FALSE(h.has("home/checkouts"));
}

TEST_CASE("forgotten check-outs: the list shows who and when; the picker sets the real time without typing") {
    for (ImVec2 size : kSizes) {
        CAPTURE(size.x);
        Harness h(size, core::Lang::fr, checkouts_snapshot());
        open_checkouts(h);
        CHECK(h.label("checkouts/list/title") == "Départs oubliés");
        CHECK(h.label("checkouts/list/40/who") == "Camille Martin · Accueil");
        CHECK(h.label("checkouts/list/40/when").find("14:05") != std::string::npos);
        CHECK(h.label("checkouts/list/40/when").find("19:00") != std::string::npos);
        CHECK(h.label("checkouts/list/40/set") == "Corriger l'heure");
        h.check_layout("forgotten check-outs list");

        h.tap("checkouts/list/40/set");
        // Starts at what was counted: 19:00.
        CHECK(h.label("checkouts/picker/left") == "Départ à 19:00");
        h.check_layout("check-out picker");
        h.tap("checkouts/picker/minus60");
        h.tap("checkouts/picker/minus15");
        CHECK(h.label("checkouts/picker/left") == "Départ à 17:45");
        h.tap("checkouts/picker/plus15");
        h.tap("checkouts/picker/plus15");
        CHECK(h.label("checkouts/picker/left") == "Départ à 18:15");
        h.tap("checkouts/picker/16/hour");
        CHECK(h.label("checkouts/picker/left") == "Départ à 16:15");
        h.tap("checkouts/picker/30/minute");
        CHECK(h.label("checkouts/picker/left") == "Départ à 16:30");
        CHECK(h.label("checkouts/picker/length") == "présence 2 h 25");
        CHECK(h.label("checkouts/picker/confirm") == "Confirmer\u00a0: départ à 16:30");
        h.out.clear();
        h.tap("checkouts/picker/confirm");
        auto sent = commands_of<app::CorrectPresence>(h.out);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].presence == 40);
        CHECK(sent[0].checked_out == at_utc(27, 15, 30));  // 16:30 in Paris
        CHECK(sent[0].actor == std::optional<core::MemberId>(2));
        CHECK_FALSE(h.item("checkouts/picker/confirm").enabled);  // waiting for the reply

        // The station accepts: the presence leaves the list, the host is told.
        h.snap.presence_corrections.erase(h.snap.presence_corrections.begin());
        h.reply(h.out.back().second, true);
        CHECK(h.kiosk.checkouts_ui().selected == 0);
        CHECK(h.label("checkouts/list/message") == "Départ de Camille Martin corrigé à 16:30.");
        CHECK_FALSE(h.has("checkouts/list/40/set"));
        h.check_layout("list after a correction");
        h.tap("checkouts/list/back");
        CHECK(h.kiosk.screen() == gui::Screen::member_home);
    }
}

TEST_CASE("forgotten check-outs: a refused correction is shown in French and the picker stays") {
    Harness h(ImVec2(800, 480), core::Lang::fr, checkouts_snapshot());
    open_checkouts(h);
    h.tap("checkouts/list/41/set");
    h.tap("checkouts/picker/14/hour");
    h.tap("checkouts/picker/0/minute");  // 14:00: before the check-in at 14:05
    h.out.clear();
    h.tap("checkouts/picker/confirm");
    REQUIRE(commands_of<app::CorrectPresence>(h.out).size() == 1);
    h.reply(h.out.back().second, false,
            core::problem("{0} badged in again on {1} at {2}: the check-out must come before that",
                          {"Hugo Bernard", "2026-11-28", "10:05"}));
    CHECK(h.kiosk.checkouts_ui().selected == 41);
    CHECK(h.label("checkouts/picker/message") ==
          "Hugo Bernard a badgé de nouveau le 28/11/2026 à 10:05\u00a0: le départ doit être avant");
    h.check_layout("refused correction");
    // The message stays until the host changes the time.
    h.tap("checkouts/picker/plus15");
    CHECK_FALSE(h.has("checkouts/picker/message"));
    h.tap("checkouts/picker/back");
    CHECK(h.has("checkouts/list/41/set"));
}

TEST_CASE("forgotten check-outs: an empty list says so; a long list is paged") {
    {
        Harness h(ImVec2(800, 480), core::Lang::fr, checkouts_snapshot(0));
        open_checkouts(h);
        CHECK(h.label("checkouts/list/none") == "Aucun départ oublié à corriger.");
        h.check_layout("no check-out to correct");
    }
    for (ImVec2 size : kSizes) {
        Harness h(size, core::Lang::fr, checkouts_snapshot(14));
        open_checkouts(h);
        h.check_layout("many check-outs");
        REQUIRE(h.has("checkouts/list/next"));
        h.tap("checkouts/list/next");
        h.check_layout("many check-outs, page 2");
    }
}
