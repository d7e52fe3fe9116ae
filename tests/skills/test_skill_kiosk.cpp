// gui: the kiosk's skills, trainings, help and know-how screens headless: my skills with a
// lapse warning, sign-up and cancel, the waiting list, "who can help me", asking for help and
// "I'll help" on the idle screen (the next badge is the helper), the two-badge sign-off (and
// its refusal), a training's attendance and grants, a machine's skill page with the next
// training, the supervision prompt, the cards (viewer, "this helped me", writing, review);
// each layout-checked at 800x480, 1280x800 and 1920x1080 in French.
// Layer: gui tests.
#include "harness.hpp"

#include <etabli/gui/skills.hpp>

namespace {

const std::array<ImVec2, 3> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

core::Skill skill(core::SkillId id, std::string name, std::string category, std::string description = {}) {
    core::Skill s;
    s.id = id;
    s.name = std::move(name);
    s.category = std::move(category);
    s.description = std::move(description);
    return s;
}

app::MemberSkillView level(core::MemberId m, core::SkillId s, int lvl, std::optional<core::Date> lapses = {}, bool warn = false) {
    app::MemberSkillView v;
    v.member = m;
    v.skill = s;
    v.grant.member = m;
    v.grant.skill = s;
    v.grant.level = lvl;
    v.level.level = lvl;
    v.level.granted = lvl;
    v.level.lapses_on = lapses;
    v.level.warn = warn;
    return v;
}

app::TrainingView training(core::TrainingId id, core::SkillId s, const char* skill_name, core::Timestamp start, int capacity,
                           core::MemberId trainer, const char* trainer_name) {
    app::TrainingView t;
    t.training.id = id;
    t.training.skill = s;
    t.training.start = start;
    t.training.end = start + 2h;
    t.training.capacity = capacity;
    t.training.trainer = trainer;
    t.training.level = 2;
    t.skill_name = skill_name;
    t.trainer_name = trainer_name;
    return t;
}

app::SignupView signup(core::SignupId id, core::TrainingId t, core::MemberId m, const char* name,
                       std::optional<int> waiting = {}, bool present = false) {
    app::SignupView s;
    s.signup.id = id;
    s.signup.training = t;
    s.signup.member = m;
    s.signup.state = waiting ? core::SignupState::waiting : core::SignupState::confirmed;
    if (present) s.signup.present_at = core::Timestamp{};
    s.member_name = name;
    s.waiting_position = waiting;
    return s;
}

app::CardView card(core::CardId id, std::string title, int helped, core::CardState state = core::CardState::published) {
    app::CardView c;
    c.card.id = id;
    c.card.title = std::move(title);
    c.card.helped = helped;
    c.card.state = state;
    c.card.steps = {{"Démonter la roue et la poser sur le dévoileur, l'axe bien serré dans les mâchoires.", std::nullopt},
                    {"Repérer le voile : approcher le palpeur jusqu'à ce qu'il touche la jante au point le plus déporté.",
                     "roues/voile.jpg"},
                    {"Tendre d'un quart de tour les rayons du côté opposé au voile, détendre ceux du même côté.", std::nullopt},
                    {"Recommencer jusqu'à ce que la jante passe à moins d'un millimètre du palpeur sur tout le tour.",
                     "roues/fin.jpg"}};
    c.author_name = "Hugo Bernard";
    c.skill_names = {"Dévoilage de roue"};
    return c;
}

// Skills, trainings, help requests and cards of a small bike workshop with a laser cutter.
void add_skills(Harness& h) {
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    for (auto& [id, m] : d->members) m.lang = core::Lang::fr;
    h.snap.directory = d;

    app::MachineView laser;
    laser.machine.id = 1;
    laser.machine.name = "Découpe laser";
    laser.machine.authorised = {2};
    laser.machine.rules.slot = 15min;
    laser.machine.rules.min_length = 30min;
    laser.machine.rules.max_length = 120min;
    h.snap.machines = {laser};
    for (unsigned wd = 0; wd < 7; ++wd) h.snap.hours.weekly[wd] = {alloc::DayWindow{9 * 60, 21 * 60}};

    auto sk = std::make_shared<app::SkillsView>();
    sk->skills = {skill(1, "Découpe laser", "machine", "Réglages, mise au point, extraction des fumées."),
                  skill(2, "Dévoilage de roue", "vélo"), skill(3, "Soudure à l'arc", "métal"),
                  skill(4, "Réglage des freins à disque hydrauliques", "vélo")};
    sk->levels = {level(1, 1, 1), level(1, 2, 2, day(2026, 12, 8), true), level(3, 2, 3), level(2, 1, 3), level(5, 2, 2)};
    sk->machines[1] = core::SkillRequirement{1, 2};
    h.snap.skills = sk;

    auto kn = std::make_shared<app::KnowView>();
    auto t1 = training(11, 2, "Dévoilage de roue", h.snap.at + 7 * 24h, 2, 3, "Hugo Bernard");
    t1.signups = {signup(1, 11, 4, "Inès Petit"), signup(2, 11, 5, "Yanis Moreau"), signup(3, 11, 1, "Léa Dubois", 1)};
    t1.confirmed = 2;
    t1.waiting = 1;
    auto t2 = training(12, 1, "Découpe laser", h.snap.at + 3 * 24h, 6, 2, "Camille Martin");
    t2.signups = {signup(4, 12, 4, "Inès Petit")};
    t2.confirmed = 1;
    auto t3 = training(13, 2, "Dévoilage de roue", h.snap.at - 30min, 8, 2, "Camille Martin");
    t3.signups = {signup(5, 13, 1, "Léa Dubois", std::nullopt, true), signup(6, 13, 5, "Yanis Moreau")};
    t3.confirmed = 2;
    t3.present = 1;
    t3.running = true;
    kn->trainings = {t3, t2, t1};
    app::HelpRequestView hr;
    hr.request.id = 21;
    hr.request.asker = 5;
    hr.request.skill = 2;
    hr.asker_name = "Yanis Moreau";
    hr.skill_name = "Dévoilage de roue";
    hr.banner = core::problem("{0} is looking for help: {1}", {"Yanis Moreau", "Dévoilage de roue"});
    kn->help_requests = {hr};
    kn->cards = {card(31, "Dévoiler une roue sur le dévoileur de l'atelier", 12), card(32, "Changer un rayon cassé", 3)};
    kn->cards[0].card.machines = {1};
    kn->cards_by_machine[1] = {0, 1};
    kn->cards_by_skill[2] = {0, 1};
    kn->suggested = {card(33, "Purger des freins hydrauliques Shimano", 0, core::CardState::suggested)};
    kn->skill_names = {{1, "Découpe laser"}, {2, "Dévoilage de roue"}, {3, "Soudure à l'arc"}};
    h.snap.know = kn;
    h.publish();
}

app::KnowView& know(Harness& h) {
    auto k = std::make_shared<app::KnowView>(*h.snap.know);
    h.snap.know = k;
    h.publish();
    return *k;
}
app::SkillsView& skills(Harness& h) {
    auto k = std::make_shared<app::SkillsView>(*h.snap.skills);
    h.snap.skills = k;
    h.publish();
    return *k;
}

std::uint64_t last_id(const CommandList& out) {
    REQUIRE(!out.empty());
    return out.back().second;
}

void badge_in(Harness& h, core::MemberId id) {
    h.snap.present.push_back(app::PresentMember{id, h.snap.directory->find(id)->display_name, h.snap.at, "13:30"});
    h.show_tap(id, core::TapKind::check_in, "x");
    // A volunteer or host picks a role for the day first when the station asks: not here.
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
}

}  // namespace

TEST_CASE("skills: my skills with a lapse warning, trainings, sign-up and the waiting list") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        badge_in(h, 1);
        // Two weeks before a lapse the member home warns.
        CHECK(h.item("home/skill_warn0").label.find("Dévoilage de roue") != std::string::npos);
        CHECK(h.item("home/skill_warn0").label.find("08/12/2026") != std::string::npos);
        CHECK(h.label("home/skills") == "Mes compétences");
        h.check_layout("home with a skill warning");
        h.tap("home/skills");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        CHECK(h.item("skills/hub/skills/1/line").label.find("initié") != std::string::npos);
        CHECK(h.item("skills/hub/skills/2/line").label.find("autonome") != std::string::npos);
        // Read before INFO: INFO evaluates its argument only when a check fails, inside doctest.
        const std::string mine_line = h.item("skills/hub/mine/11/line").label;
        INFO(mine_line);
        CHECK(mine_line.find("Liste d'attente (1re)") == 0);
        CHECK_FALSE(h.has("skills/hub/signoff"));  // Léa teaches nothing
        h.check_layout("my skills");

        h.tap("skills/hub/trainings");
        h.check_layout("trainings");
        // Larger text makes the rows taller: a training may be on a later page.
        auto training_row = [&](const char* key) { return h.paged(key, "skills/trainings/prev", "skills/trainings/next"); };
        CHECK(training_row("skills/trainings/11/second").label.find("1re sur la liste d'attente") != std::string::npos);
        training_row("skills/trainings/12/action");
        h.tap("skills/trainings/12/action");  // sign up for the laser
        auto ups = commands_of<app::TrainingSignup>(h.out);
        REQUIRE(ups.size() == 1);
        CHECK(ups[0].training == 12);
        CHECK(ups[0].member == 1);
        h.reply(last_id(h.out), true);
        CHECK(h.label("skills/trainings/message").find("inscrit·e à Découpe laser") != std::string::npos);
        training_row("skills/trainings/11/action");
        h.tap("skills/trainings/11/action");  // leave the waiting list
        auto cancels = commands_of<app::TrainingCancelSignup>(h.out);
        REQUIRE(cancels.size() == 1);
        CHECK(cancels[0].training == 11);
        h.reply(last_id(h.out), false, core::problem("The training {0} is full", {"11"}));
        h.check_layout("trainings with a refusal");
        h.tap("skills/trainings/back");
        h.tap("skills/hub/back");
        CHECK(h.kiosk.screen() == gui::Screen::member_home);
    }
}

TEST_CASE("skills: who can help me, ask for help, and I'll help on the idle screen") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        badge_in(h, 1);
        h.tap("home/skills");
        h.tap("skills/hub/who");
        h.check_layout("pick a skill");
        h.tap("skills/help_skill/skill/2/pick");
        auto who = commands_of<app::HelpWho>(h.out);
        REQUIRE(who.size() == 1);
        CHECK(who[0].skill == 2);
        h.check_layout("waiting for helpers");
        {
            auto& k = know(h);
            app::HelpersView hv;
            hv.seq = 1;
            hv.skill = 2;
            hv.skill_name = "Dévoilage de roue";
            hv.asker = 1;
            hv.helpers = {{{3, 3, true, 0}, "Hugo Bernard"}, {{5, 2, true, 0}, "Yanis Moreau"}, {{2, 2, false, 5}, "Camille Martin"}};
            k.helpers = hv;
        }
        h.reply(last_id(h.out), true);
        CHECK(h.item("skills/help_who/here/3/line").label.find("peut former") != std::string::npos);
        CHECK(h.item("skills/help_who/usual/2/line").label.find("5 fois") != std::string::npos);
        h.check_layout("who can help");

        h.tap("skills/help_who/ask");
        h.check_layout("ask for help");
        h.type_on_screen("roue arrière");
        h.tap("skills/help_ask/post");
        auto asks = commands_of<app::AskHelp>(h.out);
        REQUIRE(asks.size() == 1);
        CHECK(asks[0].member == 1);
        CHECK(asks[0].skill == 2);
        CHECK(asks[0].text == "roue arrière");
        h.reply(last_id(h.out), true);
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::hub);
        CHECK(h.label("skills/hub/message").find("écran d'accueil") != std::string::npos);

        // The idle screen lists the open request; "I'll help", then Hugo's badge.
        h.tap("skills/hub/back");
        h.tap("home/done");
        REQUIRE(h.kiosk.screen() == gui::Screen::idle);
        CHECK(h.item("idle/help/21/text").label.starts_with("Yanis Moreau cherche de l'aide"));
        CHECK(h.item("idle/help/21/text").label.ends_with(": Dévoilage de roue"));
        h.check_layout("idle with a help request");
        // "I'll help" arms the station's capture (OfferHelp{request, 0}); the station takes the
        // next badge itself (no check-out, no last_tap) and publishes who helped.
        h.tap("idle/help/21/offer");
        auto offers = commands_of<app::OfferHelp>(h.out);
        REQUIRE(offers.size() == 1);
        CHECK(offers[0].request == 21);
        CHECK(offers[0].helper == 0);
        CHECK(h.label("idle/help/21/text").starts_with("Badgez maintenant pour aider (30 s)."));
        h.check_layout("idle waiting for the helper's badge");
        {
            auto& k = know(h);
            k.capture.seq = 1;
            k.capture.help = 21;
            k.capture.help_expires = h.snap.at + 30s;
        }
        h.frame();
        CHECK(h.has("idle/help/21/cancel"));
        {
            auto& k = know(h);  // Yanis badged: his own request
            k.capture.seq = 2;
            k.capture.problem = core::problem("One cannot answer one's own help request");
        }
        h.frame();
        CHECK(h.has("idle/help/problem"));
        CHECK(h.has("idle/help/21/cancel"));  // still waiting for a helper
        {
            auto& k = know(h);  // Hugo badged
            k.capture.seq = 3;
            k.capture.help.reset();
            k.capture.problem.reset();
            k.capture.answered = k.help_requests[0].request;
            k.capture.answered->helper = 3;
            k.capture.answered_helper_name = "Hugo Bernard";
            k.capture.answered_asker_name = "Yanis Moreau";
            k.help_requests.clear();
        }
        h.frame();
        CHECK(h.kiosk.screen() == gui::Screen::idle);  // the helper's badge did not open their home
        CHECK(h.label("idle/help/thanks") == "Merci Hugo\u00a0! Yanis vous attend.");
        h.check_layout("idle thanks");
        CHECK(commands_of<app::OfferHelp>(h.out).size() == 1);  // the kiosk sends nothing more
    }
}

TEST_CASE("skills: two-badge sign-off by a trainer, and its refusal") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        h.snap.present.push_back(app::PresentMember{1, "Léa Dubois", h.snap.at, "13:00"});
        badge_in(h, 3);  // Hugo teaches "Dévoilage de roue" (level 3)
        h.tap("home/skills");
        h.tap("skills/hub/signoff");
        h.check_layout("sign-off: skill");
        CHECK_FALSE(h.has("skills/signoff_skill/skill/1/pick"));  // only what he teaches
        h.tap("skills/signoff_skill/skill/2/pick");
        h.check_layout("sign-off: level");
        h.tap("skills/signoff_level/2/level");
        h.check_layout("sign-off: member");
        h.tap("skills/signoff_member/member/1/pick");
        auto starts = commands_of<app::StartSignOff>(h.out);
        REQUIRE(starts.size() == 1);
        CHECK(starts[0].skill == 2);
        CHECK(starts[0].member == 1);
        CHECK(starts[0].level == 2);
        CHECK(starts[0].signer == 3);
        h.reply(last_id(h.out), true);
        REQUIRE(h.kiosk.skills_ui().step == gui::SkillsUi::Step::signoff_wait);
        skills(h).sign_off = app::PendingSignOff{2, 1, 2, 3, std::nullopt, h.snap.at + 60s};
        h.publish();
        h.frame();
        CHECK(h.label("skills/signoff_wait/prompt") == "Léa, badgez pour confirmer");
        h.check_layout("sign-off: waiting for the member's badge");
        // The member's badge: the station commits the grant; the kiosk says so.
        {
            auto& k = skills(h);
            k.sign_off.reset();
            for (auto& l : k.levels)
                if (l.member == 1 && l.skill == 2) {
                    l.grant.signed_by = 3;
                    l.grant.signed_at = h.snap.at;
                }
        }
        h.publish();
        h.frame();
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::signoff_member);
        CHECK(h.label("skills/signoff_member/message") == "Léa Dubois est maintenant au niveau «\u00a0autonome\u00a0» en Dévoilage de roue.");
        h.check_layout("sign-off done");

        // A refusal from the station is shown as is.
        h.tap("skills/signoff_member/member/1/pick");
        h.reply(last_id(h.out), false,
                core::problem("{0} cannot grant {1} at level {2}: above their own level ({3})", {"Hugo", "Dévoilage de roue", "3", "2"}));
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::signoff_member);
        CHECK(h.item("skills/signoff_member/message").label.find("Hugo") != std::string::npos);
        h.check_layout("sign-off refused");
    }
}

TEST_CASE("skills: a training's attendance by badge and name, then the grants in one step") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        badge_in(h, 2);  // Camille, host and trainer of training 13
        h.tap("home/skills");
        h.tap("skills/hub/attendance");
        h.check_layout("attendance list");
        h.tap("skills/attendance_list/13/action");
        h.check_layout("attendance");
        // The screen of a running training asks the station to take kiosk badges as attendance.
        auto starts = commands_of<app::StartAttendance>(h.out);
        REQUIRE(starts.size() == 1);
        CHECK(starts[0].training == 13);
        CHECK(starts[0].actor == std::optional<core::MemberId>(2));
        {
            auto& k = know(h);  // Yanis badged: the station marked him (no check-in, no last_tap)
            k.capture.seq = 7;
            k.capture.attendance = 13;
            k.capture.marked = 5;
            k.capture.marked_name = "Yanis Moreau";
            k.capture.marked_count = 1;
        }
        h.frame();
        CHECK(h.item("skills/attendance/message").label == "Yanis Moreau est présent·e.");
        {
            auto& k = know(h);  // an unknown badge
            k.capture.seq = 8;
            k.capture.problem = core::problem("This badge is not known: badge again with a member's badge");
        }
        h.frame();
        CHECK(h.item("skills/attendance/message").label == "Ce badge est inconnu : badgez avec le badge d'un adhérent");
        h.check_layout("attendance: badge refused");
        know(h).capture = app::KnowCaptureView{};
        h.frame();
        CHECK_FALSE(h.item("skills/attendance/member/1/mark").enabled);  // already present
        h.tap("skills/attendance/member/5/mark");
        auto marks = commands_of<app::TrainingAttendance>(h.out);
        REQUIRE(marks.size() == 1);
        CHECK(marks[0].member == 5);
        h.reply(last_id(h.out), true);
        // A badge on the kiosk reader: the station's attendance capture took it; the screen
        // stays and decides nothing again (the capture's view says who was marked).
        h.show_claimed_tap(4, app::TapClaim::attendance, "z");
        CHECK(h.kiosk.screen() == gui::Screen::skills);
        CHECK(commands_of<app::TrainingAttendance>(h.out).size() == 1);
        // A check-in that reached the screen (the capture had stopped): the screen says what the
        // station did, and marks nobody itself.
        h.show_tap(4, core::TapKind::check_in, "z");
        CHECK(h.kiosk.screen() == gui::Screen::skills);
        CHECK(commands_of<app::TrainingAttendance>(h.out).size() == 1);
        CHECK_FALSE(h.item("skills/attendance/message").label.empty());
        h.tap("skills/attendance/grant");
        auto grants = commands_of<app::TrainingGrant>(h.out);
        REQUIRE(grants.size() == 1);
        CHECK(grants[0].training == 13);
        CHECK(grants[0].actor == std::optional<core::MemberId>(2));
        h.reply(last_id(h.out), false,
                core::problem("The sign-off of {0} on {1} has lapsed (level {2} now): a host or another trainer must renew it first",
                              {"Camille Martin", "Dévoilage de roue", "1"}));
        CHECK(h.item("skills/attendance/message").label.find("Camille Martin") != std::string::npos);
        h.check_layout("grant refused");
        // Leaving the screen gives the kiosk reader back to check-ins.
        CHECK(commands_of<app::StopAttendance>(h.out).empty());
        h.tap("skills/attendance/back");
        CHECK(commands_of<app::StopAttendance>(h.out).size() == 1);
        CHECK(commands_of<app::StartAttendance>(h.out).size() == 1);
    }
}

TEST_CASE("skills: a machine's skill page, the next training, supervision, and its cards") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        badge_in(h, 1);
        h.tap("home/book");
        REQUIRE(h.kiosk.screen() == gui::Screen::machines);
        // Not trained: the machine's tile opens its skill page (why, and the next training).
        CHECK(h.item("machines/1/open").caption == "Formation nécessaire");
        h.tap("machines/1/open");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        CHECK(h.label("skills/item/needed") == "Compétence requise\u00a0: Découpe laser, niveau «\u00a0autonome\u00a0»");
        CHECK(h.label("skills/item/have") == "Votre niveau\u00a0: initié");
        CHECK(h.item("skills/item/training/text").label.find("Prochaine formation") != std::string::npos);
        h.check_layout("machine skill page");
        // One level short: a supervised start, the station then waits for a trainer's badge.
        h.tap("skills/item/supervised_start");
        auto starts = commands_of<app::MachineAccess>(h.out);
        REQUIRE(starts.size() == 1);
        CHECK(starts[0].machine == 1);
        CHECK(starts[0].member == 1);
        h.tap("skills/item/training/action");
        auto ups = commands_of<app::TrainingSignup>(h.out);
        REQUIRE(ups.size() == 1);
        CHECK(ups[0].training == 12);
        h.reply(last_id(h.out), true);
        // The cards beside the page, or (larger text on a small screen) behind a header button.
        const bool cards_aside = h.has("skills/item/cards/31/open");
        if (!cards_aside) {
            h.tap("skills/item/cards_button");
            REQUIRE(h.kiosk.skills_ui().step == gui::SkillsUi::Step::cards);
            h.check_layout("the machine's cards");
            h.paged("skills/cards/list/31/open", "skills/cards/prev", "skills/cards/next");
            h.tap("skills/cards/list/31/open");
        } else {
            h.tap("skills/item/cards/31/open");
        }
        h.check_layout("card viewer");
        CHECK(h.item("skills/card/steps/2/photo").label == "Photo\u00a0: roues/voile.jpg");
        h.tap("skills/card/helped");
        auto helped = commands_of<app::CardHelped>(h.out);
        REQUIRE(helped.size() == 1);
        CHECK(helped[0].card == 31);
        h.tap("skills/card/back");
        if (!cards_aside) h.tap("skills/cards/back");
        CHECK(h.kiosk.skills_ui().step == gui::SkillsUi::Step::item_info);
        h.tap("skills/item/back");
        REQUIRE(h.kiosk.screen() == gui::Screen::machines);

        // Level 1 on a level-2 machine: the start is refused and a supervisor is awaited.
        skills(h).supervision = {app::PendingSupervision{1, 1, 1, h.snap.at + 60s}};
        h.publish();
        h.frame();
        CHECK(h.label("supervise/title") == "Un·e encadrant·e badge pour confirmer");
        h.check_layout("supervision prompt");
        // Camille's badge: the station starts the session; the member stays on the machine.
        h.show_tap(2, core::TapKind::check_in, "w");
        CHECK(h.kiosk.screen() == gui::Screen::machines);
        h.tap("supervise/cancel");
        CHECK_FALSE(h.has("supervise/title"));
    }
}

TEST_CASE("skills: know-how cards, writing one, and the hosts' review") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        badge_in(h, 1);
        h.tap("home/knowhow");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        h.check_layout("cards");
        CHECK_FALSE(h.has("skills/cards/review"));  // members do not review
        h.tap("skills/cards/write");
        h.check_layout("write a card");
        h.type_on_screen("Gonfler");
        h.tap("skills/write/add");
        h.type_on_screen("Visser la pompe");
        h.tap("skills/write/save");
        auto saves = commands_of<app::SaveCard>(h.out);
        REQUIRE(saves.size() == 1);
        CHECK(saves[0].card.title == "Gonfler");
        REQUIRE(saves[0].card.steps.size() == 1);
        CHECK(saves[0].card.steps[0].text == "Visser la pompe");
        CHECK(saves[0].actor == std::optional<core::MemberId>(1));
        h.reply(last_id(h.out), true);
        CHECK(h.label("skills/cards/message") == "Merci\u00a0! Un·e animateur·rice relira votre fiche.");
        h.tap("skills/cards/back");
        CHECK(h.kiosk.screen() == gui::Screen::member_home);
        h.tap("home/done");

        badge_in(h, 2);
        h.tap("home/knowhow");
        h.tap("skills/cards/review");
        h.check_layout("review list");
        h.tap("skills/review/list/33/open");
        h.check_layout("review a card");
        h.tap("skills/card/publish");
        auto reviews = commands_of<app::ReviewCard>(h.out);
        REQUIRE(reviews.size() == 1);
        CHECK(reviews[0].card == 33);
        CHECK(reviews[0].publish);
    }
}

TEST_CASE("skills: a tool refused for a skill links to its skill page") {
    for (ImVec2 size : kSizes) {
        Harness h(size);
        add_skills(h);
        auto tv = std::make_shared<app::ToolsView>();
        core::Tool truing;
        truing.id = 7;
        truing.name = "Dévoileur Park Tool TS-2.2";
        truing.tag = "T7";
        truing.category = "Vélo";
        tv->tools.insert(truing);
        tv->categories = {"Vélo"};
        h.snap.tools = tv;
        skills(h).tools[7] = core::SkillRequirement{2, 3};
        badge_in(h, 1);
        h.tap("home/borrow");
        h.tap("tools/borrow");
        {
            auto t2 = std::make_shared<app::ToolsView>(*h.snap.tools);
            app::ToolFlowView f;
            f.seq = 1;
            f.member = 1;
            f.problem = core::problem("Skill needed for {0}: {1} at level {2} (you are at level {3})",
                                      {"Dévoileur Park Tool TS-2.2", "Dévoilage de roue", "3", "2"});
            t2->flow = f;
            h.snap.tools = t2;
            h.publish();
            h.frame();
        }
        h.check_layout("borrow refused for a skill");
        h.tap("tools/skill_info");
        REQUIRE(h.kiosk.screen() == gui::Screen::skills);
        CHECK(h.label("skills/item/needed") == "Compétence requise\u00a0: Dévoilage de roue, niveau «\u00a0peut former\u00a0»");
        h.check_layout("tool skill page");
        h.tap("skills/item/back");
        CHECK(h.kiosk.screen() == gui::Screen::tools);
    }
}
