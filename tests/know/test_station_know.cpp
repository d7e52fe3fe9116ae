// Trainings, help in the room and know-how cards, app scenarios: the Station with a fake
// clock and a real SQLite file. Sign-up, waiting list and promotion (and a restart); attendance
// by badge; the one-step grant, including a trainer who cannot sign (nothing granted); help
// requests that are answered, expire, or whose asker leaves; "who can help" ordering and
// opt-in from real presence history; cards suggested, reviewed and ordered by "this helped me".
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    Fixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) { reopen(); }  // Saturday, 14:00 in Paris
    core::MemberId add(const std::string& name, core::Role role, std::optional<std::string> badge = std::nullopt) {
        return add_member(name, role, std::move(badge)).id;
    }
    core::SkillId skill(const std::string& name) {
        core::Skill s;
        s.name = name;
        auto r = station->call(AddSkill{s, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Skill>(*r).id;
    }
    void grant(core::SkillId s, core::MemberId m, int level) {
        auto r = station->call(GrantSkill{s, m, level, std::nullopt, std::nullopt, ""});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    }
    int level(core::MemberId m, core::SkillId s) { return station->snapshot()->skills->effective(m, s); }
    void tap(const std::string& uid) { REQUIRE(station->call(BadgeSeen{uid, "kiosk"})); }
    core::TrainingId training(core::SkillId s, core::MemberId trainer, int capacity, Timestamp start, int level = 2) {
        core::Training t;
        t.skill = s;
        t.trainer = trainer;
        t.capacity = capacity;
        t.start = start;
        t.end = start + hours{2};
        t.level = level;
        auto r = station->call(AddTraining{t, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Training>(*r).id;
    }
    const TrainingView& view(core::TrainingId id) {
        m_snap = station->snapshot();
        const auto* t = m_snap->know->find_training(id);
        REQUIRE(t);
        return *t;
    }

private:
    std::shared_ptr<const Snapshot> m_snap;
};

}  // namespace

TEST_CASE("sign-up fills the places, then the waiting list; a cancellation promotes the first in line") {
    Fixture f;
    const auto host = f.add("Camille", core::Role::host);
    const auto trainer = f.add("Marc", core::Role::volunteer);
    const auto a = f.add("Alice", core::Role::member), b = f.add("Bruno", core::Role::member),
               c = f.add("Chloé", core::Role::member), d = f.add("Driss", core::Role::member);
    const auto wheel = f.skill("Dévoilage de roue");
    const auto id = f.training(wheel, trainer, 2, utc("2026-12-05T13:00:00Z"));

    // A plain member cannot schedule one.
    core::Training t;
    t.skill = wheel;
    t.trainer = trainer;
    t.start = utc("2026-12-06T13:00:00Z");
    t.end = t.start + hours{1};
    CHECK(f.station->call(AddTraining{t, a}).error().msgid == "Refused: only a host or an admin can do this; {0} is not one (missing right: host)");
    CHECK(f.station->call(AddTraining{t, host}));

    for (auto m : {a, b, c, d}) REQUIRE(f.station->call(TrainingSignup{id, m, m}));
    CHECK(f.station->call(TrainingSignup{id, a, a}).error().msgid == "Already signed up for this training");
    CHECK(f.station->call(TrainingSignup{id, a, b}).error().msgid == "Only a host can sign up another member");
    {
        const auto& v = f.view(id);
        CHECK(v.confirmed == 2);
        CHECK(v.waiting == 2);
        CHECK(v.place_of(c)->waiting_position == 1);
        CHECK(v.place_of(d)->waiting_position == 2);
        CHECK(v.skill_name == "Dévoilage de roue");
        CHECK(v.when == "2026-12-05 14:00");
    }
    REQUIRE(f.station->call(TrainingCancelSignup{id, a, a}));
    {
        const auto& v = f.view(id);
        CHECK_FALSE(v.place_of(a));
        CHECK(v.place_of(c)->signup.state == core::SignupState::confirmed);
        CHECK(v.place_of(d)->waiting_position == 1);
    }
    CHECK(f.station->call(TrainingCancelSignup{id, a, a}).error().msgid == "{0} is not signed up for this training");

    // The places and the order survive a restart; the next training of the skill is found.
    f.reopen();
    const auto& v = f.view(id);
    CHECK(v.confirmed == 2);
    CHECK(v.place_of(b)->signup.state == core::SignupState::confirmed);
    CHECK(v.place_of(d)->waiting_position == 1);
    CHECK(f.station->snapshot()->know->next_training(wheel)->training.id == id);
    // The event log names each step (ids and states only).
    auto& conn = f.store->connection();
    CHECK(*conn.query_int("SELECT count(*) FROM events WHERE kind = 'training.signup'") == 4);
    CHECK(*conn.query_int("SELECT count(*) FROM events WHERE kind = 'training.promoted'") == 1);
}

TEST_CASE("attendance by badge while the training runs, then the trainer grants the level in one step") {
    Fixture f;
    const auto trainer = f.add("Marc", core::Role::volunteer);
    const auto a = f.add("Alice", core::Role::member), b = f.add("Bruno", core::Role::member),
               c = f.add("Chloé", core::Role::member);
    const auto wheel = f.skill("Dévoilage de roue");
    f.grant(wheel, trainer, 3);
    const auto id = f.training(wheel, trainer, 6, utc("2026-11-28T14:00:00Z"));
    for (auto m : {a, b}) REQUIRE(f.station->call(TrainingSignup{id, m, m}));

    // Before the window (more than 30 min early): refused.
    CHECK(f.station->call(TrainingAttendance{id, a, trainer}).error().msgid ==
          "Attendance opens 30 minutes before the training and closes at its end");
    f.clock.set(utc("2026-11-28T13:45:00Z"));
    REQUIRE(f.station->call(TrainingAttendance{id, a, trainer}));
    REQUIRE(f.station->call(TrainingAttendance{id, a, trainer}));  // a second tap changes nothing
    REQUIRE(f.station->call(TrainingAttendance{id, c, c}));        // came without signing up
    CHECK(f.station->call(TrainingAttendance{id, b, c}).error().msgid == "Only the trainer or a host can take attendance");
    CHECK(f.view(id).present == 2);
    CHECK(f.view(id).running);
    CHECK(f.station->call(TrainingGrant{id, trainer}).error().msgid == "The training has not started yet");

    f.clock.set(utc("2026-11-28T16:05:00Z"));
    CHECK(f.station->call(TrainingAttendance{id, b, trainer}).error().msgid ==
          "Attendance opens 30 minutes before the training and closes at its end");
    CHECK(f.station->call(TrainingGrant{id, a}).error().msgid == "Only the trainer or a host can grant the levels of a training");
    auto r = f.station->call(TrainingGrant{id, trainer});
    REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    CHECK(std::get<core::Training>(*r).granted_at);
    CHECK(f.level(a, wheel) == 2);
    CHECK(f.level(c, wheel) == 2);
    CHECK(f.level(b, wheel) == 0);  // signed up, never came
    CHECK(f.station->call(TrainingGrant{id, trainer}).error().msgid == "The levels of this training were already granted");
    auto& conn = f.store->connection();
    CHECK(*conn.query_int("SELECT count(*) FROM skill_grants WHERE signed_by IS NOT NULL AND note = 'training:1'") == 2);
}

TEST_CASE("a trainer who cannot sign grants nothing, and the Problem says why") {
    Fixture f;
    const auto trainer = f.add("Marc", core::Role::volunteer);
    const auto a = f.add("Alice", core::Role::member), b = f.add("Bruno", core::Role::member);
    const auto wheel = f.skill("Dévoilage de roue");
    f.grant(wheel, trainer, 2);  // autonomous, cannot teach
    const auto id = f.training(wheel, trainer, 6, utc("2026-11-28T13:30:00Z"));
    for (auto m : {a, b}) REQUIRE(f.station->call(TrainingAttendance{id, m, trainer}));
    f.clock.set(utc("2026-11-28T15:40:00Z"));
    auto& conn = f.store->connection();
    const auto grants_before = *conn.query_int("SELECT count(*) FROM skill_grants");
    auto r = f.station->call(TrainingGrant{id, std::nullopt});
    REQUIRE_FALSE(r);
    CHECK(r.error().msgid == "Only a host or a member who can teach {0} (level 3) can sign it off; {1} is at level {2}");
    CHECK(*conn.query_int("SELECT count(*) FROM skill_grants") == grants_before);
    CHECK(f.level(a, wheel) == 0);
    CHECK(f.level(b, wheel) == 0);
    CHECK_FALSE(f.view(id).training.granted_at);

    // Nobody present: nothing to grant.
    const auto empty = f.training(wheel, trainer, 6, utc("2026-11-28T15:45:00Z"));
    f.clock.set(utc("2026-11-28T16:00:00Z"));
    CHECK(f.station->call(TrainingGrant{empty, std::nullopt}).error().msgid == "Nobody was marked present at this training");
}

TEST_CASE("who can help: opted-in members present at level 2+, then those who usually come now") {
    Fixture f;
    const auto marie = f.add("Marie", core::Role::member, "10");
    const auto paul = f.add("Paul", core::Role::member, "11");    // present, level 3
    const auto zoe = f.add("Zoé", core::Role::member, "12");      // present, level 2
    const auto noe = f.add("Noé", core::Role::member, "13");      // present, level 3, not opted in
    const auto lou = f.add("Lou", core::Role::member, "14");      // present, level 1
    const auto ines = f.add("Inès", core::Role::volunteer, "15"); // not here: comes on Saturday afternoons
    const auto wheel = f.skill("Dévoilage de roue");
    f.grant(wheel, paul, 3);
    f.grant(wheel, zoe, 2);
    f.grant(wheel, noe, 3);
    f.grant(wheel, lou, 1);
    f.grant(wheel, ines, 2);
    for (auto m : {paul, zoe, lou, ines}) REQUIRE(f.station->call(SetHelpOptIn{m, true, m}));
    CHECK(f.station->call(SetHelpOptIn{noe, true, marie}).error().msgid == "Only a host can change another member's choice");

    // Inès came the last three Saturdays, 13:30-17:00 local.
    for (const char* day : {"2026-11-07", "2026-11-14", "2026-11-21"}) {
        f.clock.set(utc(std::string(day) + "T12:30:00Z"));
        f.tap("15");
        f.clock.set(utc(std::string(day) + "T16:00:00Z"));
        f.tap("15");
    }
    f.clock.set(utc("2026-11-28T13:00:00Z"));
    for (const char* uid : {"10", "12", "11", "13", "14"}) f.tap(uid);

    auto r = f.station->call(HelpWho{wheel, marie});
    REQUIRE(r);
    const auto& helpers = std::get<std::vector<core::Helper>>(*r);
    REQUIRE(helpers.size() == 3);
    CHECK(helpers[0].member == paul);
    CHECK(helpers[0].present);
    CHECK(helpers[1].member == zoe);
    CHECK(helpers[2].member == ines);
    CHECK_FALSE(helpers[2].present);
    CHECK(helpers[2].usual_count == 3);
    const auto snap = f.station->snapshot();
    REQUIRE(snap->know->helpers);
    CHECK(snap->know->helpers->helpers[0].name == "Paul");
    CHECK(snap->know->helpers->skill_name == "Dévoilage de roue");

    // Opting out removes a member at once.
    REQUIRE(f.station->call(SetHelpOptIn{paul, false, paul}));
    auto again = f.station->call(HelpWho{wheel, marie});
    REQUIRE(again);
    CHECK(std::get<std::vector<core::Helper>>(*again).size() == 2);
    // At another hour, Inès is not a usual visitor.
    f.clock.set(utc("2026-11-28T19:30:00Z"));
    auto late = f.station->call(HelpWho{wheel, marie});
    REQUIRE(late);
    CHECK(std::get<std::vector<core::Helper>>(*late).size() == 1);
}

TEST_CASE("help requests: shown until someone helps, the asker leaves, or 45 minutes pass") {
    Fixture f;
    const auto marie = f.add("Marie", core::Role::member, "10");
    const auto paul = f.add("Paul", core::Role::member, "11");
    const auto zoe = f.add("Zoé", core::Role::member, "12");
    const auto wheel = f.skill("Dévoilage de roue");

    CHECK(f.station->call(AskHelp{marie, wheel, "", marie}).error().msgid ==
          "{0} is not checked in: help requests are for the people in the workshop");
    for (const char* uid : {"10", "11", "12"}) f.tap(uid);
    auto r = f.station->call(AskHelp{marie, wheel, "", marie});
    REQUIRE(r);
    const auto req = std::get<core::HelpRequest>(*r);
    CHECK(f.station->call(AskHelp{marie, wheel, "", marie}).error().msgid == "{0} already has a help request open");
    {
        auto snap = f.station->snapshot();
        REQUIRE(snap->know->help_requests.size() == 1);
        const auto& banner = snap->know->help_requests[0].banner;
        CHECK(banner.msgid == "{0} is looking for help: {1}");
        CHECK(banner.args == std::vector<std::string>{"Marie", "Dévoilage de roue"});
    }
    CHECK(f.station->call(OfferHelp{req.id, marie}).error().msgid == "One cannot answer one's own help request");
    auto helped = f.station->call(OfferHelp{req.id, paul});
    REQUIRE(helped);
    CHECK(std::get<core::HelpRequest>(*helped).helper == paul);
    CHECK(f.station->snapshot()->know->help_requests.empty());
    CHECK(f.station->call(OfferHelp{req.id, zoe}).error().msgid == "This help request is no longer open");

    // Expiry after 45 minutes.
    REQUIRE(f.station->call(AskHelp{zoe, wheel, "  roue arrière  ", zoe}));
    CHECK(f.station->snapshot()->know->help_requests[0].banner.args.back() == "roue arrière");
    f.clock.advance(minutes{44});
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->know->help_requests.size() == 1);
    f.clock.advance(minutes{1});
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->know->help_requests.empty());

    // The asker checks out: the request goes.
    REQUIRE(f.station->call(AskHelp{marie, wheel, "", std::nullopt}));
    f.tap("10");  // check-out
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->know->help_requests.empty());
    auto& conn = f.store->connection();
    CHECK(*conn.query_int("SELECT count(*) FROM help_requests WHERE state = 'helped' AND helper_id IS NOT NULL") == 1);
    CHECK(*conn.query_int("SELECT count(*) FROM help_requests WHERE state = 'expired'") == 1);
    CHECK(*conn.query_int("SELECT count(*) FROM help_requests WHERE state = 'left'") == 1);
}

TEST_CASE("cards: members suggest, volunteers publish; \"this helped me\" once per member orders the lists") {
    Fixture f;
    const auto lea = f.add("Léa", core::Role::member);
    const auto hugo = f.add("Hugo", core::Role::volunteer);
    const auto tom = f.add("Tom", core::Role::member);
    const auto wheel = f.skill("Dévoilage de roue");
    alloc::Machine m;
    m.name = "Laser";
    auto laser = f.station->call(AddMachine{m, std::nullopt});
    REQUIRE(laser);
    const auto laser_id = std::get<alloc::Machine>(*laser).id;

    auto card = [&](const std::string& title) {
        auto text = core::parse_card_markdown("# " + title + "\n1. Un\n2. Deux ![](photos/deux.jpg)\n");
        REQUIRE(text);
        core::Card c;
        c.title = text->title;
        c.steps = text->steps;
        c.skills = {wheel};
        c.machines = {laser_id};
        return c;
    };
    auto suggested = f.station->call(SaveCard{card("Régler la focale"), lea});
    REQUIRE(suggested);
    const auto s_id = std::get<core::Card>(*suggested).id;
    CHECK(std::get<core::Card>(*suggested).state == core::CardState::suggested);
    auto published = f.station->call(SaveCard{card("Changer la lentille"), hugo});
    REQUIRE(published);
    const auto p_id = std::get<core::Card>(*published).id;
    {
        auto snap = f.station->snapshot();
        CHECK(snap->know->cards.size() == 1);
        CHECK(snap->know->suggested.size() == 1);
        REQUIRE(snap->know->cards_for_machine(laser_id).size() == 1);
        CHECK(snap->know->cards_for_skill(wheel)[0]->machine_names == std::vector<std::string>{"Laser"});
        CHECK(snap->know->cards[0].card.steps[1].photo == "photos/deux.jpg");
    }
    CHECK(f.station->call(ReviewCard{s_id, true, tom}).error().msgid == "Refused: only volunteers, trainers and hosts can do this; {0} is not one (missing right: volunteer)");
    REQUIRE(f.station->call(ReviewCard{s_id, true, hugo}));
    CHECK(f.station->call(ReviewCard{s_id, true, hugo}).error().msgid == "This card is not waiting for review");

    // Two members say the suggested-then-published card helped them; one says it twice.
    REQUIRE(f.station->call(CardHelped{s_id, tom}));
    REQUIRE(f.station->call(CardHelped{s_id, tom}));
    REQUIRE(f.station->call(CardHelped{s_id, lea}));
    REQUIRE(f.station->call(CardHelped{p_id, lea}));
    {
        auto snap = f.station->snapshot();
        REQUIRE(snap->know->cards.size() == 2);
        CHECK(snap->know->cards[0].card.id == s_id);
        CHECK(snap->know->cards[0].card.helped == 2);
        CHECK(snap->know->cards[0].helped_by_member(tom));
        CHECK(snap->know->cards_for_machine(laser_id)[0]->card.id == s_id);
    }
    // A rejected suggestion disappears; a bad card is refused; everything survives a restart.
    auto other = f.station->call(SaveCard{card("Brouillon"), tom});
    REQUIRE(other);
    REQUIRE(f.station->call(ReviewCard{std::get<core::Card>(*other).id, false, hugo}));
    core::Card bad;
    bad.title = "Sans étape";
    CHECK(f.station->call(SaveCard{bad, hugo}).error().msgid == "A card needs at least one step");
    auto unknown = card("Lien cassé");
    unknown.machines = {999};
    CHECK(f.station->call(SaveCard{unknown, hugo}).error().msgid == "No machine has the number {0}");
    f.reopen();
    auto snap = f.station->snapshot();
    REQUIRE(snap->know->cards.size() == 2);
    CHECK(snap->know->suggested.empty());
    CHECK(snap->know->cards[0].card.helped == 2);
    CHECK(snap->know->cards[0].card.steps.size() == 2);
    CHECK(snap->know->cards[0].skill_names == std::vector<std::string>{"Dévoilage de roue"});
}
