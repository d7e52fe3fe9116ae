// gui: the member home suggests the know-how cards of the skills the member is
// learning (level 1, a lapsed grant, a training signed up for), most helped first, and a tap
// opens the card; nothing shows without a learnt skill. Each screen layout-checked at 800x480,
// 1280x800 and 1920x1080 in French.
// Layer: gui tests.
#include "harness.hpp"

#include <etabli/gui/skill_home.hpp>
#include <etabli/gui/skills.hpp>

#include "attendance_search.hpp"  // private to the gui target (gui/src)

namespace {

const std::array<ImVec2, 3> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

core::Skill skill(core::SkillId id, std::string name) {
    core::Skill s;
    s.id = id;
    s.name = std::move(name);
    s.category = "vélo";
    return s;
}

app::MemberSkillView level(core::MemberId m, core::SkillId s, int lvl, bool lapsed = false) {
    app::MemberSkillView v;
    v.member = m;
    v.skill = s;
    v.grant.member = m;
    v.grant.skill = s;
    v.grant.level = lapsed ? 2 : lvl;
    v.level.level = lvl;
    v.level.granted = v.grant.level;
    v.level.lapsed = lapsed;
    return v;
}

app::CardView card(core::CardId id, std::string title, int helped, std::vector<core::SkillId> skills) {
    app::CardView c;
    c.card.id = id;
    c.card.title = std::move(title);
    c.card.helped = helped;
    c.card.skills = std::move(skills);
    c.card.steps = {{"Démonter la roue et la poser sur le dévoileur, l'axe bien serré dans les mâchoires.", std::nullopt},
                    {"Tendre d'un quart de tour les rayons du côté opposé au voile.", std::nullopt}};
    c.author_name = "Hugo Bernard";
    return c;
}

// A bike workshop: Léa (1) is at level 1 on "Dévoilage de roue" (2) and autonomous on the
// brakes (4); Yanis (5) is autonomous on wheels and learns nothing. Cards in the station's
// order (most helped first); the most helped one is on the brakes, which Léa masters.
void add_know_how(Harness& h) {
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    for (auto& [id, m] : d->members) m.lang = core::Lang::fr;
    h.snap.directory = d;

    auto sk = std::make_shared<app::SkillsView>();
    sk->skills = {skill(2, "Dévoilage de roue"), skill(3, "Soudure à l'arc"), skill(4, "Freins à disque hydrauliques")};
    sk->levels = {level(1, 2, 1), level(1, 4, 2), level(5, 2, 2)};
    h.snap.skills = sk;

    auto kn = std::make_shared<app::KnowView>();
    kn->cards = {card(40, "Purger des freins hydrauliques Shimano sans bulle d'air", 30, {4}),
                 card(31, "Dévoiler une roue sur le dévoileur de l'atelier, rayon par rayon", 12, {2}),
                 card(35, "Souder deux tubes d'acier à l'arc", 8, {3}),
                 card(32, "Changer un rayon cassé", 3, {2}),
                 card(33, "Centrer une jante après un choc", 1, {2}),
                 card(34, "Choisir ses rayons", 0, {2})};
    kn->cards_by_skill[4] = {0};
    kn->cards_by_skill[2] = {1, 3, 4, 5};
    kn->cards_by_skill[3] = {2};
    kn->skill_names = {{2, "Dévoilage de roue"}, {3, "Soudure à l'arc"}, {4, "Freins à disque hydrauliques"}};
    h.snap.know = kn;
    h.publish();
}

void badge_in(Harness& h, core::MemberId id) {
    h.snap.present.push_back(app::PresentMember{id, h.snap.directory->find(id)->display_name, h.snap.at, "13:30"});
    h.show_tap(id, core::TapKind::check_in, "x");
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
}

std::vector<std::string> suggested_keys(const Harness& h) {
    std::vector<std::string> out;
    for (const auto& it : h.log().items)
        if (it.kind == gui::ItemRecord::Kind::button && it.key.starts_with("home/learn/")) out.push_back(it.key);
    return out;
}

}  // namespace

TEST_CASE("kiosk: the skills being learnt, from levels, lapses and training sign-ups") {
    app::SkillsView sk;
    sk.levels = {level(1, 2, 1), level(1, 4, 2), level(1, 6, 1, true), level(5, 2, 2), level(5, 3, 0)};
    sk.levels.back().level.expired = true;
    CHECK(gui::learning_skills(&sk, nullptr, 1) == std::vector<core::SkillId>{2, 6});
    CHECK(gui::learning_skills(&sk, nullptr, 5).empty());  // autonomous, and an expired grant
    CHECK(gui::learning_skills(nullptr, nullptr, 1).empty());

    app::KnowView kn;
    app::TrainingView t;
    t.training.id = 7;
    t.training.skill = 3;
    app::SignupView su;
    su.signup.member = 5;
    su.signup.training = 7;
    t.signups = {su};
    kn.trainings = {t};
    CHECK(gui::learning_skills(&sk, &kn, 5) == std::vector<core::SkillId>{3});
    kn.trainings[0].training.cancelled = true;  // a cancelled training teaches nothing
    CHECK(gui::learning_skills(&sk, &kn, 5).empty());
    kn.trainings[0].training.cancelled = false;
    kn.trainings[0].training.granted_at = core::Timestamp{};  // granted: the level says it now
    CHECK(gui::learning_skills(&sk, &kn, 5).empty());

    // No card of the skill: nothing to suggest; a card index out of range is ignored.
    kn.cards_by_skill[2] = {5};
    CHECK(gui::home_card_suggestions(&sk, &kn, 1).empty());
}

TEST_CASE("kiosk: a member at level 1 on wheel truing sees its cards on the home, most helped first") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_know_how(h);
        badge_in(h, 1);
        // The brakes card is the most helped, but Léa is autonomous there: the wheel's first.
        const auto keys = suggested_keys(h);
        REQUIRE(keys.size() == 3);
        CHECK(keys[0] == "home/learn/31/open");
        CHECK(keys[1] == "home/learn/32/open");
        CHECK(keys[2] == "home/learn/33/open");
        CHECK(h.label("home/learn/label") == "Pour apprendre\u00a0:");
        const std::string first_card = h.label("home/learn/31/open");  // read before INFO (see test_skill_kiosk.cpp)
        INFO(first_card);
        CHECK(first_card.starts_with("Dévoiler"));
        h.check_layout("home with card suggestions");

        // A tap opens the card; Back shows the cards of that skill, then the member home.
        h.tap("home/learn/31/open");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::card);
        CHECK(h.kiosk.skills_ui().card == 31);
        CHECK(h.label("skills/card/title").starts_with("Dévoiler une roue"));
        h.check_layout("suggested card");
        h.tap("skills/card/back");
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::cards);
        CHECK(h.has("skills/cards/list/32/open"));
        CHECK_FALSE(h.has("skills/cards/list/40/open"));  // the brakes are another skill
        h.tap("skills/cards/back");
        CHECK(h.kiosk.screen() == gui::Screen::member_home);

        // The "Know-how" tile still opens every card, not the last suggestion.
        h.tap("home/knowhow");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::cards);
        CHECK(h.has("skills/cards/list/40/open"));
    }
}

TEST_CASE("kiosk: a member learning nothing sees no suggestion, and no empty row") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_know_how(h);
        badge_in(h, 5);
        CHECK(suggested_keys(h).empty());
        CHECK_FALSE(h.has("home/learn/label"));
        h.check_layout("home without suggestions");
        // A training sign-up makes the skill one being learnt: its cards appear (welding).
        {
            auto kn = std::make_shared<app::KnowView>(*h.snap.know);
            app::TrainingView t;
            t.training.id = 9;
            t.training.skill = 3;
            t.training.start = h.snap.at + 48h;
            t.training.end = t.training.start + 2h;
            app::SignupView su;
            su.signup.member = 5;
            su.signup.training = 9;
            su.member_name = "Yanis Moreau";
            t.signups = {su};
            kn->trainings = {t};
            h.snap.know = kn;
            h.publish();
            h.frame();
        }
        const auto keys = suggested_keys(h);
        REQUIRE(keys.size() == 1);
        CHECK(keys[0] == "home/learn/35/open");
        h.check_layout("home with one suggestion");
    }
}

TEST_CASE("kiosk: without skills or know-how views the home draws no suggestion") {
    Harness h(ImVec2(800, 480));
    badge_in(h, 1);
    CHECK(suggested_keys(h).empty());
    h.check_layout("home, no skill views");
}

namespace {

// A training of wheel truing running now, given by Camille (2, host): Léa signed up and is
// present, Yanis signed up; Zoé (6) came without her badge and is not checked in; Hugo (3) is
// checked in but not signed up.
void add_running_training(Harness& h) {
    add_know_how(h);
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    d->members[6] = member(6, "Zoé Lambert", core::Role::member);
    d->members[7] = member(7, "Zoltan Érdi", core::Role::member);
    h.snap.directory = d;
    auto kn = std::make_shared<app::KnowView>(*h.snap.know);
    app::TrainingView t;
    t.training.id = 13;
    t.training.skill = 2;
    t.training.start = h.snap.at - 30min;
    t.training.end = t.training.start + 2h;
    t.training.capacity = 8;
    t.training.trainer = 2;
    t.training.level = 2;
    t.skill_name = "Dévoilage de roue";
    t.trainer_name = "Camille Martin";
    app::SignupView lea;
    lea.signup.id = 5;
    lea.signup.training = 13;
    lea.signup.member = 1;
    lea.signup.present_at = h.snap.at - 20min;
    lea.member_name = "Léa Dubois";
    app::SignupView yanis;
    yanis.signup.id = 6;
    yanis.signup.training = 13;
    yanis.signup.member = 5;
    yanis.member_name = "Yanis Moreau";
    t.signups = {lea, yanis};
    t.confirmed = 2;
    t.present = 1;
    t.running = true;
    kn->trainings = {t};
    h.snap.know = kn;
    h.snap.present.push_back(app::PresentMember{3, "Hugo Bernard", h.snap.at, "13:40"});
    h.snap.present.push_back(app::PresentMember{1, "Léa Dubois", h.snap.at, "13:35"});
    h.publish();
}

std::uint64_t last_id(const CommandList& out) {
    REQUIRE(!out.empty());
    return out.back().second;
}

}  // namespace

TEST_CASE("kiosk: the candidates of the attendance search") {
    Harness h(ImVec2(1280, 800));
    add_running_training(h);
    gui::SkillsScreenView v;
    v.snap = &h.snap;
    v.viewer = *h.snap.directory->find(2);
    const app::TrainingView& t = h.snap.know->trainings[0];
    // No text: who is checked in (Léa already present, Hugo a walk-in).
    auto c = gui::attendance_candidates(v, t, "");
    REQUIRE(c.size() == 2);
    CHECK(c[0].id == 3);
    CHECK_FALSE(c[0].present);
    CHECK(c[1].id == 1);
    CHECK(c[1].present);
    // Accents and case do not matter; a second word narrows; the trainer is left out.
    c = gui::attendance_candidates(v, t, "ZOE");
    REQUIRE(c.size() == 1);
    CHECK(c[0].name == "Zoé Lambert");
    CHECK(gui::attendance_candidates(v, t, "zo").size() == 2);
    CHECK(gui::attendance_candidates(v, t, "zo erd").size() == 1);
    CHECK(gui::attendance_candidates(v, t, "camille").empty());
    CHECK(gui::attendance_candidates(v, t, "personne").empty());
}

TEST_CASE("kiosk: a walk-in without her badge is found by name and marked present") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_running_training(h);
        badge_in(h, 2);  // Camille, host and trainer of training 13
        h.tap("home/skills");
        h.tap("skills/hub/attendance");
        h.tap("skills/attendance_list/13/action");
        CHECK(h.label("skills/attendance/add") == "Ajouter par nom");
        h.check_layout("attendance with add by name");
        h.tap("skills/attendance/add");
        CHECK(h.kiosk.skills_ui().attendance_adding);
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::attendance);
        // With no text: who is here; Léa is already marked.
        CHECK(h.has("skills/attendance_add/member/3/pick"));
        CHECK_FALSE(h.item("skills/attendance_add/member/1/pick").enabled);
        CHECK_FALSE(h.has("skills/attendance_add/member/6/pick"));
        h.check_layout("add by name");
        h.type_on_screen("zoe");
        CHECK(h.has("skills/attendance_add/member/6/pick"));
        CHECK_FALSE(h.has("skills/attendance_add/member/3/pick"));
        CHECK(h.label("skills/attendance_add/member/6/pick") == "Zoé Lambert");
        h.check_layout("add by name: zoe");
        // The station still takes badges at the kiosk as attendance meanwhile.
        CHECK(commands_of<app::StopAttendance>(h.out).empty());
        h.tap("skills/attendance_add/member/6/pick");
        auto marks = commands_of<app::TrainingAttendance>(h.out);
        REQUIRE(marks.size() == 1);
        CHECK(marks[0].training == 13);
        CHECK(marks[0].member == 6);
        CHECK(marks[0].actor == std::optional<core::MemberId>(2));
        CHECK_FALSE(h.kiosk.skills_ui().attendance_adding);
        // The station adds her to the list as present.
        {
            auto kn = std::make_shared<app::KnowView>(*h.snap.know);
            app::SignupView zoe;
            zoe.signup.id = 7;
            zoe.signup.training = 13;
            zoe.signup.member = 6;
            zoe.signup.present_at = h.snap.at;
            zoe.member_name = "Zoé Lambert";
            kn->trainings[0].signups.push_back(zoe);
            kn->trainings[0].present = 2;
            h.snap.know = kn;
        }
        h.reply(last_id(h.out), true);
        CHECK(h.label("skills/attendance/message") == "Zoé Lambert est présent·e.");
        CHECK(h.label("skills/attendance/member/6/mark") == "Zoé Lambert\u00a0: présent·e");
        h.check_layout("attendance after add by name");

        // A refusal (an expired membership) shows on the list; Back from the search changes nothing.
        h.tap("skills/attendance/add");
        h.type_on_screen("zolt");
        h.tap("skills/attendance_add/member/7/pick");
        h.reply(last_id(h.out), false, core::problem("{0}'s membership has ended", {"Zoltan Érdi"}));
        CHECK(h.label("skills/attendance/message").find("Zoltan Érdi") != std::string::npos);
        h.check_layout("attendance: add by name refused");
        h.tap("skills/attendance/add");
        h.tap("skills/attendance_add/back");
        CHECK_FALSE(h.kiosk.skills_ui().attendance_adding);
        CHECK(commands_of<app::TrainingAttendance>(h.out).size() == 2);
        CHECK(commands_of<app::StopAttendance>(h.out).empty());
        CHECK(commands_of<app::StartAttendance>(h.out).size() == 1);
    }
}

TEST_CASE("kiosk: the host's tool form edits the maximum renewals on the digit pad") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        auto tv = std::make_shared<app::ToolsView>();
        core::Tool t;
        t.id = 2;
        t.name = "Démonte-pneus";
        t.tag = "T2";
        t.category = "Vélo";
        t.location = "Étagère B";
        t.max_renewals = 3;
        tv->tools = {t};
        tv->categories = {"Vélo"};
        h.snap.tools = tv;
        h.publish();
        h.show_tap(2, core::TapKind::check_out, "0004211337");  // Camille, host
        h.tap("home/borrow");
        REQUIRE(h.kiosk.screen() == gui::Screen::tools);
        h.tap("tools/inventory");
        h.tap("tools/inventory/2/edit");
        CHECK(h.label("tools/form/renewals") == "3");
        CHECK(h.item("tools/form/renewals").caption == "Prolongations max.");
        h.check_layout("tool form with renewals");
        h.tap("tools/form/renewals");
        CHECK(h.has("tools/pad/erase"));  // digits, not letters
        h.check_layout("tool form: renewals on the digit pad");
        h.tap("tools/pad/erase");
        h.tap("tools/pad/5");
        if (h.has("tools/typing_done")) h.tap("tools/typing_done");  // larger text: the field alone, then OK
        CHECK(h.label("tools/form/renewals") == "5");
        h.tap("tools/form/save");
        auto sets = commands_of<app::SetTool>(h.out);
        REQUIRE(sets.size() == 1);
        CHECK(sets[0].tool.id == 2);
        CHECK(sets[0].tool.max_renewals == 5);
        CHECK(sets[0].tool.name == "Démonte-pneus");
        h.reply(h.out.back().second, true);

        // A new tool starts at the core's default; out of range or empty is refused here.
        h.tap("tools/add");
        CHECK(h.label("tools/form/renewals") == "2");
        h.tap("tools/form/renewals");
        h.tap("tools/pad/5");  // "25"
        h.tap("tools/form/name");
        h.type_on_screen("Riveteuse");
        h.tap("tools/form/save");
        CHECK(commands_of<app::AddTool>(h.out).empty());
        CHECK(h.label("tools/problem").find("25") != std::string::npos);
        h.check_layout("tool form: renewals refused");
        h.tap("tools/form/renewals");
        h.tap("tools/pad/erase");
        h.tap("tools/pad/erase");
        h.tap("tools/form/save");
        CHECK(commands_of<app::AddTool>(h.out).empty());
        h.tap("tools/form/renewals");  // the field again: at larger text, OK put the pad away
        h.tap("tools/pad/0");
        h.tap("tools/form/save");
        auto adds = commands_of<app::AddTool>(h.out);
        REQUIRE(adds.size() == 1);
        CHECK(adds[0].tool.max_renewals == 0);
        CHECK(adds[0].tool.name == "Riveteuse");
    }
}
