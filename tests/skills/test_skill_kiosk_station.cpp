// gui + app + db: the kiosk's skills screens driven against a real Station on a temp-file
// SQLite: a member joins a full training's waiting list, asks for help, a helper answers with
// "I'll help" and their badge on the idle screen, and a host signs the member off with two
// badges. Every command the kiosk posts goes to the Station; every frame draws its snapshot.
// Layer: gui tests (headless ImGui, no renderer).
#include "harness.hpp"

#include <algorithm>

#include <etabli/db/sql_store.hpp>
#include <etabli/gui/skills.hpp>

#include "testing.hpp"

#include <thread>

namespace {

struct Live {
    testing::TempDir dir;
    testing::FakeClock clock{testing::utc("2026-11-28T13:05:00Z")};
    testing::FixedCalendar calendar{std::chrono::minutes{60}};
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<app::Station> station;
    std::size_t sent = 0;  // commands of the harness already posted

    Live() {
        auto s = db::SqlStore::open(dir / "skills.db");
        REQUIRE(s);
        store = std::move(*s);
        station = std::make_unique<app::Station>(*store, clock, calendar);
        REQUIRE(station->start());
    }
    core::MemberId add(const char* name, core::Role role, const char* badge) {
        core::MemberDraft d;
        d.display_name = name;
        d.role = role;
        d.lang = core::Lang::fr;
        auto r = station->call(app::AddMember{d, std::nullopt, std::string(badge)});
        REQUIRE(r);
        return std::get<core::Member>(*r).id;
    }
    template <class T>
    T call(app::Command c) {
        auto r = station->call(std::move(c));
        INFO((r ? std::string() : r.error().english()));
        REQUIRE(r);
        return std::get<T>(*r);
    }
    // Shows the station's latest snapshot to the kiosk.
    void show(Harness& h) {
        h.snap = *station->snapshot();
        h.publish();
        h.frame();
    }
    // Posts what the kiosk asked for, waits for each reply, then shows the snapshot.
    void pump(Harness& h) {
        while (sent < h.out.size()) {
            const auto [cmd, id] = h.out[sent++];
            station->post_async(cmd, id);
            for (int i = 0; i < 500; ++i) {
                auto s = station->snapshot();
                if (s->last_reply && s->last_reply->request_id == id) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            show(h);
        }
        show(h);
    }
    // A badge on the kiosk reader.
    void badge(Harness& h, const char* uid) {
        auto r = station->call(app::BadgeSeen{uid, "kiosk"});
        REQUIRE(r);
        show(h);
        pump(h);
    }
};

}  // namespace

TEST_CASE("skills with a real station: waiting list, help, I'll help, two-badge sign-off") {
    Live live;
    const auto lea = live.add("Léa Dubois", core::Role::member, "0001");
    const auto hugo = live.add("Hugo Bernard", core::Role::member, "0003");
    const auto camille = live.add("Camille Martin", core::Role::host, "0002");
    core::Skill sk;
    sk.name = "Dévoilage de roue";
    sk.category = "vélo";
    const auto wheel = live.call<core::Skill>(app::AddSkill{sk, std::nullopt}).id;
    app::GrantSkill g;
    g.skill = wheel;
    g.member = hugo;
    g.level = 3;
    live.call<core::SkillGrant>(g);
    core::Training t;
    t.skill = wheel;
    t.start = live.clock.now() + std::chrono::hours{72};
    t.end = t.start + std::chrono::hours{2};
    t.capacity = 1;
    t.trainer = hugo;
    t.level = 2;
    const auto training = live.call<core::Training>(app::AddTraining{t, std::nullopt}).id;
    live.call<core::Training>(app::TrainingSignup{training, camille, std::nullopt});
    REQUIRE(live.station->call(app::SetHelpOptIn{hugo, true, std::nullopt}));

    Harness h(ImVec2(1280, 800));
    live.show(h);

    // Léa badges in and joins the waiting list of the full training.
    live.badge(h, "0001");
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.tap("home/skills");
    h.tap("skills/hub/trainings");
    CHECK(h.label(std::string("skills/trainings/") + std::to_string(training) + "/action") == "Liste d'attente");
    h.tap(std::string("skills/trainings/") + std::to_string(training) + "/action");
    live.pump(h);
    CHECK(h.label("skills/trainings/message") == "Vous êtes sur la liste d'attente de Dévoilage de roue.");
    CHECK(h.label(std::string("skills/trainings/") + std::to_string(training) + "/second").find("1re sur la liste d'attente") !=
          std::string::npos);
    h.check_layout("live trainings");

    // She asks for help; the request shows on the idle screen.
    h.tap("skills/trainings/back");
    h.tap("skills/hub/ask");
    h.tap(std::string("skills/help_skill/skill/") + std::to_string(wheel) + "/pick");
    h.tap("skills/help_ask/post");
    live.pump(h);
    REQUIRE(h.kiosk.skills_ui().step == gui::SkillsUi::Step::hub);
    REQUIRE(h.snap.know->help_requests.size() == 1);
    const auto request = h.snap.know->help_requests[0].request.id;
    h.tap("skills/hub/back");
    h.tap("home/done");
    REQUIRE(h.kiosk.screen() == gui::Screen::idle);
    const std::string key = "idle/help/" + std::to_string(request);
    CHECK(h.label(key + "/text").starts_with("Léa Dubois cherche de l'aide"));
    CHECK(h.label(key + "/text").ends_with(": Dévoilage de roue"));
    h.check_layout("live idle with a help request");

    // Hugo taps "I'll help", then his badge: the request closes with him as the helper, and
    // the station took that badge for the help (it checked nobody in).
    h.tap(key + "/offer");
    live.pump(h);
    REQUIRE(h.snap.know->capture.help == request);
    live.badge(h, "0003");
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    CHECK(std::none_of(h.snap.present.begin(), h.snap.present.end(), [&](const app::PresentMember& p) { return p.id == hugo; }));
    CHECK(h.label("idle/help/thanks") == "Merci Hugo\u00a0! Léa vous attend.");
    CHECK(h.snap.know->help_requests.empty());
    CHECK_FALSE(h.has(key + "/offer"));

    // Camille (host) signs Léa off at level 2: her badge, then Léa's.
    live.badge(h, "0002");
    if (h.has("role/later")) h.tap("role/later");  // a host picks a role for the day: later
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.tap("home/skills");
    h.tap("skills/hub/signoff");
    h.tap(std::string("skills/signoff_skill/skill/") + std::to_string(wheel) + "/pick");
    h.tap("skills/signoff_level/2/level");
    h.tap(std::string("skills/signoff_member/member/") + std::to_string(lea) + "/pick");
    live.pump(h);
    REQUIRE(h.kiosk.skills_ui().step == gui::SkillsUi::Step::signoff_wait);
    CHECK(h.label("skills/signoff_wait/prompt") == "Léa, badgez pour confirmer");
    h.check_layout("live sign-off waiting");
    live.badge(h, "0001");
    CHECK(h.kiosk.screen() == gui::Screen::skills);  // Léa's badge confirmed; it checked nobody out
    CHECK(h.snap.skills->effective(lea, wheel) == 2);
    CHECK(h.label("skills/signoff_member/message") ==
          "Léa Dubois est maintenant au niveau «\u00a0autonome\u00a0» en Dévoilage de roue.");
    bool lea_present = false;
    for (const auto& p : h.snap.present) lea_present = lea_present || p.id == lea;
    CHECK(lea_present);
}
