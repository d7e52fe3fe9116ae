// GUI tests: every kiosk screen driven headless through ImGui with no renderer. Snapshots
// are built by hand; taps are three frames (press, release, pointer moved away) on buttons
// found by id in the Kiosk's frame log; the commands the kiosk emits are checked, and a
// layout check asserts that nothing leaves the screen or clips, in French, at 800×480,
// 1280×800 and 1920×1080.
// Layer: gui tests. Single thread.
#include "harness.hpp"

TEST_CASE("dates are written the French or the English way") {
    CHECK(gui::format_long_date(core::Lang::fr, day(2026, 11, 28)) == "samedi 28 novembre 2026");
    CHECK(gui::format_long_date(core::Lang::en, day(2026, 11, 28)) == "Saturday 28 November 2026");
    CHECK(gui::format_long_date(core::Lang::fr, day(2026, 8, 1)) == "samedi 1er août 2026");
    CHECK(gui::format_short_date(core::Lang::fr, day(2025, 9, 30)) == "30/09/2025");
    CHECK(gui::format_short_date(core::Lang::en, day(2025, 9, 30)) == "30 Sep 2025");
}

TEST_CASE("search ignores case and accents and matches word starts") {
    CHECK(gui::name_matches("Léa Dubois", "lea"));
    CHECK(gui::name_matches("Léa Dubois", "DUB"));
    CHECK(gui::name_matches("Inès Petit", "ines pe"));
    CHECK(gui::name_matches("Chloé Lefèvre-Œuvray", "oeuv"));
    CHECK_FALSE(gui::name_matches("Léa Dubois", "bois"));
    CHECK_FALSE(gui::name_matches("Hugo Bernard", "lea"));
}

TEST_CASE("on-screen keyboard helpers remove whole UTF-8 letters") {
    std::string s = "Zoé";
    gui::pop_utf8(s);
    CHECK(s == "Zo");
    std::string e;
    gui::pop_utf8(e);
    CHECK(e.empty());
}

TEST_CASE("idle: digits typed then Enter post a keyboard badge read") {
    Harness h;
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    CHECK(h.label("idle/prompt") == "Badgez votre carte");
    CHECK(h.label("idle/prompt2") == "Tap your badge");
    CHECK(h.label("idle/clock") == "14:05");
    CHECK(h.label("idle/date") == "samedi 28 novembre 2026");
    h.type_digits("0001234567");
    auto seen = commands_of<app::BadgeSeen>(h.out);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].uid == "0001234567");
    CHECK(seen[0].reader.kind() == app::ReaderRef::Kind::kiosk);
    CHECK(seen[0].reader.name() == "keyboard");
    CHECK(h.kiosk.typed().empty());

    SUBCASE("stray digits are forgotten after 2 s") {
        h.out.clear();
        h.type_digits("12", false);
        CHECK(h.kiosk.typed() == "12");
        h.now += 2.5;
        h.type_digits("34");
        seen = commands_of<app::BadgeSeen>(h.out);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].uid == "34");
    }
    SUBCASE("Backspace removes a digit; Enter alone sends nothing") {
        h.out.clear();
        h.press(gui::Key::enter);
        h.type_digits("129", false);
        h.press(gui::Key::backspace);
        h.press(gui::Key::enter);
        seen = commands_of<app::BadgeSeen>(h.out);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].uid == "12");
    }
}

TEST_CASE("idle: who is in, paginated, and the FR/EN switch changes labels but not ids") {
    Harness h(ImVec2(800, 480));
    for (int i = 0; i < 14; ++i)
        h.snap.present.push_back(app::PresentMember{100 + i, "Personne " + std::to_string(i), h.snap.at, "09:" + std::to_string(10 + i)});
    h.publish();
    h.frame();
    CHECK(h.label("idle/present_title") == "Présents (14)");
    CHECK(h.has("idle/100/name"));
    CHECK_FALSE(h.has("idle/113/name"));
    // "depuis 09:10", or at larger text the hour alone so that the names stay whole.
    const std::string since = h.label("idle/100/since");
    CHECK((since == "depuis 09:10" || (text_percent() > 100 && since == "09:10")));
    CHECK(h.label("idle/100/name") == "Personne 0");
    h.tap("idle/next");
    CHECK_FALSE(h.has("idle/100/name"));
    while (h.item("idle/next").enabled) h.tap("idle/next");
    CHECK(h.has("idle/113/name"));

    std::set<std::string> keys_fr;
    for (const auto& it : h.log().items) keys_fr.insert(it.key);
    h.tap("idle/lang_en");
    CHECK(h.kiosk.lang() == core::Lang::en);
    CHECK(h.label("idle/prompt") == "Tap your badge");
    CHECK(h.label("idle/prompt2") == "Badgez votre carte");
    CHECK(h.label("idle/date") == "Saturday 28 November 2026");
    std::set<std::string> keys_en;
    for (const auto& it : h.log().items) keys_en.insert(it.key);
    CHECK(keys_fr == keys_en);
    CHECK(commands_of<app::SetMemberLang>(h.out).empty());  // the idle switch is not a member's choice

    SUBCASE("the kiosk's own language comes back after 30 s") {
        h.now += 31;
        h.frame();
        CHECK(h.kiosk.lang() == core::Lang::fr);
    }
}

TEST_CASE("an old tap in the first snapshot is not news") {
    app::Snapshot first = base_snapshot();
    first.last_tap = tap_of(7, *first.directory, 1, core::TapKind::check_in, "0001234567");
    Harness h(ImVec2(1280, 800), core::Lang::fr, first);
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(h.kiosk.screen() == gui::Screen::member_home);
}

TEST_CASE("member home after a check-in, in the member's language") {
    Harness h;
    h.snap.present.push_back(app::PresentMember{1, "Léa Dubois", h.snap.at, "14:03"});
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    CHECK(h.label("home/greeting") == "Bonjour Léa\u00a0!");
    CHECK(h.label("home/status") == "Entrée enregistrée à 14:03");
    CHECK(h.label("home/borrow") == "Emprunter un outil");
    CHECK(h.item("home/borrow").enabled);  // the tool library
    CHECK(h.item("home/book").enabled);
    CHECK_FALSE(h.has("home/repairs"));  // members do not log repairs: no tile, no "coming soon"
    CHECK(h.item("home/knowhow").enabled);  // know-how cards
    CHECK(h.item("home/skills").enabled);   // my skills, trainings, who can help
    CHECK_FALSE(h.has("home/enrol"));  // members do not enrol badges

    SUBCASE("the language switch posts SetMemberLang and relabels, ids unchanged") {
        std::set<std::string> before;
        for (const auto& it : h.log().items) before.insert(it.key);
        h.tap("home/lang_en");
        auto langs = commands_of<app::SetMemberLang>(h.out);
        REQUIRE(langs.size() == 1);
        CHECK(langs[0].member == 1);
        CHECK(langs[0].lang == core::Lang::en);
        CHECK(h.label("home/greeting") == "Hello Léa!");
        CHECK(h.label("home/done") == "Done");
        std::set<std::string> after;
        for (const auto& it : h.log().items) after.insert(it.key);
        CHECK(before == after);
    }
    SUBCASE("Done goes back to idle") {
        CHECK(h.label("home/done") == "Terminé");
        h.tap("home/done");
        CHECK(h.kiosk.screen() == gui::Screen::idle);
    }
    SUBCASE("30 s without a touch go back to idle") {
        h.now += 29;
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::member_home);
        h.now += 2;
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::idle);
    }
    SUBCASE("the next badge shows the next person") {
        h.show_tap(3, core::TapKind::check_out, "0009876543");
        CHECK(h.label("home/greeting") == "Goodbye Hugo!");
        CHECK(h.label("home/status") == "Checked out at 14:05. See you soon!");
    }
}

TEST_CASE("refusals say why") {
    Harness h;
    SUBCASE("unknown badge shows its number and asks for a host") {
        h.show_tap(0, core::TapKind::unknown_badge, "0000000042");
        REQUIRE(h.kiosk.screen() == gui::Screen::refusal);
        CHECK(h.label("refusal/title") == "Badge inconnu");
        CHECK(h.label("refusal/uid") == "Numéro du badge\u00a0: 0000000042");
        CHECK(h.label("refusal/line0").find("animateur") != std::string::npos);
    }
    SUBCASE("revoked and lost badges are refused") {
        h.snap.last_tap = tap_of(1, *h.snap.directory, 5, core::TapKind::badge_revoked, "0000000666");
        h.snap.last_tap->decision.badge_status = core::BadgeStatus::revoked;
        h.publish();
        h.frame();
        CHECK(h.label("refusal/title") == "Badge refusé");
        CHECK(h.label("refusal/line0") == "Ce badge a été désactivé. Adressez-vous à un animateur.");
        h.snap.last_tap = tap_of(2, *h.snap.directory, 5, core::TapKind::badge_revoked, "0000000666");
        h.snap.last_tap->decision.badge_status = core::BadgeStatus::lost;
        h.publish();
        h.frame();
        CHECK(h.label("refusal/line0") == "Ce badge a été déclaré perdu. Adressez-vous à un animateur.");
    }
    SUBCASE("an expired membership gives the date, DD/MM/YYYY in French") {
        h.snap.last_tap = tap_of(1, *h.snap.directory, 4, core::TapKind::membership_expired, "0005550001");
        h.snap.last_tap->decision.expired_on = day(2025, 9, 30);
        h.publish();
        h.frame();
        CHECK(h.label("refusal/title") == "Adhésion expirée");
        CHECK(h.label("refusal/line0").find("30/09/2025") != std::string::npos);
        CHECK(h.label("refusal/line0").find("Inès Petit") != std::string::npos);
        h.tap("refusal/ok");
        CHECK(h.kiosk.screen() == gui::Screen::idle);
    }
}

TEST_CASE("enrolment: a host enrols a new badge to an existing member") {
    Harness h;
    h.start_enrolment_as_host();
    CHECK(h.label("enrol/prompt") == "Passez le nouveau badge sur le lecteur");
    CHECK(h.label("enrol/countdown") == "Encore 60 s");
    h.now += 10;
    h.frame();
    CHECK(h.label("enrol/countdown") == "Encore 50 s");

    // A keyboard reader works here too: the station captures the read.
    h.out.clear();
    h.type_digits("0007770001");
    auto seen = commands_of<app::BadgeSeen>(h.out);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].uid == "0007770001");

    h.capture_badge("0007770001");
    REQUIRE(h.kiosk.enrol_ui().step == gui::EnrolUi::Step::pick);
    CHECK(h.label("enrol/pick/title") == "À qui est le badge 0007770001\u00a0?");
    CHECK(h.label("enrol/pick/1/pick") == "Léa Dubois");

    // Search "ines" with the on-screen keyboard: only Inès is left.
    h.type_on_screen("ines");
    CHECK(h.label("enrol/pick/search") == "ines");
    CHECK_FALSE(h.has("enrol/pick/1/pick"));
    CHECK(h.label("enrol/pick/4/pick") == "Inès Petit");

    h.out.clear();
    h.tap("enrol/pick/4/pick");
    auto adds = commands_of<app::AddBadge>(h.out);
    REQUIRE(adds.size() == 1);
    CHECK(adds[0].uid == "0007770001");
    CHECK(adds[0].member == 4);
    CHECK(adds[0].actor == std::optional<core::MemberId>(2));
    CHECK(h.label("enrol/pick/error") == "Enregistrement…");
    CHECK_FALSE(h.item("enrol/pick/4/pick").enabled);  // one request at a time

    SUBCASE("success: Badge enrolled to X, the reader is freed, then idle") {
        h.out.clear();
        h.reply(h.kiosk.enrol_ui().pending, true);
        CHECK(h.kiosk.enrol_ui().step == gui::EnrolUi::Step::done);
        CHECK(h.label("enrol/done_msg") == "Badge attribué à Inès Petit");
        CHECK(commands_of<app::CancelEnrolment>(h.out).size() == 1);
        h.now += 6;
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::idle);
    }
    SUBCASE("failure: the problem is shown and the host may pick again") {
        h.reply(h.kiosk.enrol_ui().pending, false, core::problem("Badge {0} is already enrolled to {1}", {"0007770001", "Léa"}));
        CHECK(h.kiosk.enrol_ui().step == gui::EnrolUi::Step::pick);
        CHECK(h.label("enrol/pick/error").find("0007770001") != std::string::npos);
        CHECK(h.item("enrol/pick/4/pick").enabled);
    }
}

TEST_CASE("enrolment: a new member is created with the badge in one step") {
    Harness h;
    h.start_enrolment_as_host();
    h.capture_badge("0007770002");
    h.tap("enrol/pick/new");
    REQUIRE(h.kiosk.enrol_ui().step == gui::EnrolUi::Step::form);
    CHECK_FALSE(h.item("enrol/form/create").enabled);
    h.type_on_screen("Zoé L'Hôte-Ñuñez");
    CHECK(h.label("enrol/form/name") == "Zoé L'Hôte-Ñuñez");
    h.tap(h.key_ending("kbd/backspace"));
    CHECK(h.label("enrol/form/name") == "Zoé L'Hôte-Ñuñe");
    h.tap("enrol/form/role_volunteer");
    h.tap("enrol/form/lang_en");
    CHECK(h.label("enrol/form/until_year") == "+1 an (28/11/2027)");
    h.tap("enrol/form/until_year");
    h.out.clear();
    h.tap("enrol/form/create");
    auto adds = commands_of<app::AddMember>(h.out);
    REQUIRE(adds.size() == 1);
    CHECK(adds[0].draft.display_name == "Zoé L'Hôte-Ñuñe");
    CHECK(adds[0].draft.role == core::Role::volunteer);
    CHECK(adds[0].draft.lang == core::Lang::en);
    CHECK(adds[0].draft.valid_until == std::optional<core::Date>(day(2027, 11, 28)));
    CHECK(adds[0].badge_uid == std::optional<std::string>("0007770002"));
    CHECK(adds[0].actor == std::optional<core::MemberId>(2));

    // The station ended the enrolment meanwhile: no need to cancel it.
    h.snap.enrolment.reset();
    h.out.clear();
    h.reply(h.kiosk.enrol_ui().pending, true);
    CHECK(h.label("enrol/done_msg") == "Badge attribué à Zoé L'Hôte-Ñuñe");
    CHECK(commands_of<app::CancelEnrolment>(h.out).empty());
    h.tap("enrol/ok");
    CHECK(h.kiosk.screen() == gui::Screen::idle);
}

TEST_CASE("enrolment: a badge that already belongs to someone can only be cancelled") {
    Harness h;
    h.start_enrolment_as_host();
    h.capture_badge("0001234567", 1);
    CHECK(h.kiosk.enrol_ui().step == gui::EnrolUi::Step::waiting);
    CHECK(h.label("enrol/taken") == "Ce badge est déjà attribué à Léa Dubois.");
    int buttons = 0;
    for (const auto& it : h.log().items) buttons += it.kind == gui::ItemRecord::Kind::button;
    CHECK(buttons == 1);
    h.out.clear();
    h.tap("enrol/cancel");
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    CHECK(commands_of<app::CancelEnrolment>(h.out).size() == 1);
}

TEST_CASE("enrolment: leaving by timeout cancels it; expiry returns to idle") {
    Harness h;
    h.start_enrolment_as_host();
    SUBCASE("30 s without a touch") {
        h.out.clear();
        h.now += 31;
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::idle);
        CHECK(commands_of<app::CancelEnrolment>(h.out).size() == 1);
    }
    SUBCASE("the station's 60 s ran out") {
        h.snap.enrolment.reset();
        h.publish();
        h.out.clear();
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::idle);
        CHECK(commands_of<app::CancelEnrolment>(h.out).empty());
    }
}

TEST_CASE("enrolment: a refused start is shown") {
    Harness h;
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    h.tap("home/enrol");
    const auto id = h.out.back().second;
    h.reply(id, false, core::problem("Only a host can add a member"));
    CHECK(h.kiosk.screen() == gui::Screen::enrol);
    CHECK(h.label("enrol/error") == "Seul un animateur peut ajouter un adhérent");
}

TEST_CASE("layout: nothing clipped or off-screen in French at 800x480, 1280x800 and 1920x1080") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        for (int i = 0; i < 20; ++i)
            h.snap.present.push_back(app::PresentMember{100 + i, "Marie-Charlotte de La Tour-Lefèvre " + std::to_string(i),
                                                        h.snap.at, "09:15"});
        h.snap.directory = demo_directory(30);
        h.publish();
        h.frame();
        h.check_layout("idle");
        h.type_digits("0001", false);
        h.check_layout("idle, typing");

        h.show_tap(2, core::TapKind::check_in, "0004211337");
        h.check_layout("member home (host)");
        h.show_tap(4, core::TapKind::check_out, "0005550001");
        h.check_layout("member home (check-out)");
        h.snap.last_tap = tap_of(h.snap.last_tap->seq + 1, *h.snap.directory, 4, core::TapKind::membership_expired, "0005550001");
        h.snap.last_tap->decision.expired_on = day(2025, 9, 30);
        h.publish();
        h.frame();
        h.check_layout("refusal (expired)");
        h.show_tap(0, core::TapKind::unknown_badge, "00000000000000000000000000000042");
        h.check_layout("refusal (unknown)");

        h.start_enrolment_as_host();
        h.check_layout("enrol: waiting");
        h.capture_badge("0001234567", 1);
        h.check_layout("enrol: taken");
        h.capture_badge("0007770003");
        h.check_layout("enrol: pick");
        h.tap(h.key_ending("kbd/layer"));
        h.check_layout("enrol: pick, accents");
        h.tap("enrol/pick/new");
        h.type_on_screen("Marie-Charlotte de La Tour-Lefèvre d'Aubigné");
        h.check_layout("enrol: form");
        h.tap("enrol/form/create");
        h.check_layout("enrol: form, saving");
        h.reply(h.kiosk.enrol_ui().pending, false, core::problem("Only a host can add a member"));
        h.check_layout("enrol: form, error");
        h.tap("enrol/form/create");
        h.reply(h.kiosk.enrol_ui().pending, true);
        h.check_layout("enrol: done");
    }
}
