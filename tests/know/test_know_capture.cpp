// The kiosk's badge captures, app scenarios on a temp SQLite with a fake clock: "J'aide"
// arms a 30 s capture and the next kiosk badge is the helper (who stays checked in, and whose
// tap is not published as a check-in); attendance by badge while the attendance screen is open
// (checked-in members stay in, are marked present); the refusals (the asker's own badge, an
// unknown badge) and the time-outs, each published as a Problem for the kiosk.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <algorithm>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct CaptureFixture : testing::StationOnDisk {
    CaptureFixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) { reopen(); }  // Saturday, 14:00 in Paris
    core::MemberId add(const std::string& name, core::Role role, std::string badge) {
        return add_member(name, role, std::move(badge)).id;
    }
    core::SkillId skill(const std::string& name) {
        core::Skill s;
        s.name = name;
        auto r = station->call(AddSkill{s, std::nullopt});
        REQUIRE(r);
        return std::get<core::Skill>(*r).id;
    }
    Result tap(const std::string& uid) { return station->call(BadgeSeen{uid, "kiosk"}); }
    bool present(core::MemberId m) {
        auto snap = station->snapshot();
        return std::any_of(snap->present.begin(), snap->present.end(), [&](const PresentMember& p) { return p.id == m; });
    }
    std::uint64_t tap_seq() {
        auto snap = station->snapshot();
        return snap->last_tap ? snap->last_tap->seq : 0;
    }
    // Who the station said took the latest tap.
    app::TapClaim claim() {
        auto snap = station->snapshot();
        return snap->last_tap ? snap->last_tap->claim : app::TapClaim::presence;
    }
    KnowCaptureView capture() { return station->snapshot()->know->capture; }
};

}  // namespace

TEST_CASE("J'aide: the next kiosk badge is the helper, who stays checked in") {
    CaptureFixture f;
    const auto marie = f.add("Marie", core::Role::member, "10");
    const auto hugo = f.add("Hugo", core::Role::member, "11");
    const auto camille = f.add("Camille", core::Role::member, "12");
    const auto wheel = f.skill("Dévoilage de roue");
    for (const char* uid : {"10", "11", "12"}) REQUIRE(f.tap(uid));
    auto asked = f.station->call(AskHelp{hugo, wheel, "", hugo});
    REQUIRE(asked);
    const auto req = std::get<core::HelpRequest>(*asked);

    REQUIRE(f.station->call(OfferHelp{req.id, 0}));
    auto cap = f.capture();
    REQUIRE(cap.help == req.id);
    CHECK(cap.help_expires == f.clock.now() + seconds{30});
    const auto seq = f.tap_seq();

    // The asker's own badge is refused; the capture stays armed and nobody leaves.
    auto own = f.tap("11");
    REQUIRE_FALSE(own);
    CHECK(own.error().msgid == "One cannot answer one's own help request");
    CHECK(f.present(hugo));
    REQUIRE(f.capture().problem);
    CHECK(f.capture().problem->msgid == "One cannot answer one's own help request");
    CHECK(f.capture().help == req.id);

    // An unknown badge: refused, still armed.
    auto unknown = f.tap("99");
    REQUIRE_FALSE(unknown);
    CHECK(f.capture().problem->msgid == "This badge is not known: badge again with a member's badge");
    CHECK(f.capture().help == req.id);

    // Camille badges: she helps, stays checked in, and the tap is no check-out.
    auto helped = f.tap("12");
    REQUIRE_MESSAGE(helped, (helped ? "" : helped.error().english()));
    CHECK(std::get<core::HelpRequest>(*helped).helper == camille);
    CHECK(f.present(camille));
    CHECK(f.present(marie));
    // The kiosk is told the tap was the help capture's, not a check-in or out.
    CHECK(f.tap_seq() > seq);
    CHECK(f.claim() == app::TapClaim::help);
    const auto helped_seq = f.tap_seq();
    cap = f.capture();
    CHECK_FALSE(cap.help);
    CHECK_FALSE(cap.problem);
    REQUIRE(cap.answered);
    CHECK(cap.answered->id == req.id);
    CHECK(cap.answered->helper == camille);
    CHECK(cap.answered_helper_name == "Camille");
    CHECK(cap.answered_asker_name == "Hugo");
    CHECK(f.station->snapshot()->know->help_requests.empty());
    CHECK(*f.store->connection().query_int("SELECT count(*) FROM help_requests WHERE state = 'helped'") == 1);

    // Captured no more: the next tap is an ordinary one (Camille checks out).
    REQUIRE(f.tap("12"));
    CHECK_FALSE(f.present(camille));
    CHECK(f.tap_seq() == helped_seq + 1);
    CHECK(f.claim() == app::TapClaim::presence);
}

TEST_CASE("J'aide: the capture runs out after 30 s, or is cancelled; the tap then checks in or out") {
    CaptureFixture f;
    const auto marie = f.add("Marie", core::Role::member, "10");
    const auto paul = f.add("Paul", core::Role::member, "11");
    const auto wheel = f.skill("Dévoilage de roue");
    for (const char* uid : {"10", "11"}) REQUIRE(f.tap(uid));
    auto asked = f.station->call(AskHelp{marie, wheel, "", marie});
    REQUIRE(asked);
    const auto req = std::get<core::HelpRequest>(*asked);

    CHECK(f.station->call(OfferHelp{req.id + 10, 0}).error().msgid == "This help request is no longer open");
    REQUIRE(f.station->call(OfferHelp{req.id, 0}));
    f.clock.advance(seconds{30});
    REQUIRE(f.tap("11"));  // too late: Paul checks out
    CHECK_FALSE(f.present(paul));
    REQUIRE(f.station->call(Tick{}));
    CHECK_FALSE(f.capture().help);
    REQUIRE(f.capture().problem);
    CHECK(f.capture().problem->msgid == "Nobody badged in time: tap the help button again");
    CHECK(f.station->snapshot()->know->help_requests.size() == 1);

    REQUIRE(f.station->call(OfferHelp{req.id, 0}));
    REQUIRE(f.station->call(CancelHelpCapture{}));
    CHECK_FALSE(f.capture().help);
    REQUIRE(f.tap("11"));  // Paul checks in again
    CHECK(f.present(paul));
    CHECK(f.station->snapshot()->know->help_requests.size() == 1);
}

TEST_CASE("attendance by badge: checked-in members stay in and are marked present, until stopped or 10 min idle") {
    CaptureFixture f;
    const auto trainer = f.add("Marc", core::Role::volunteer, "20");
    const auto alice = f.add("Alice", core::Role::member, "21");
    const auto bruno = f.add("Bruno", core::Role::member, "22");
    const auto wheel = f.skill("Dévoilage de roue");
    REQUIRE(f.station->call(GrantSkill{wheel, trainer, 3, std::nullopt, std::nullopt, ""}));
    core::Training t;
    t.skill = wheel;
    t.trainer = trainer;
    t.capacity = 6;
    t.start = utc("2026-11-28T13:15:00Z");
    t.end = t.start + hours{2};
    t.level = 2;
    auto added = f.station->call(AddTraining{t, std::nullopt});
    REQUIRE(added);
    const auto id = std::get<core::Training>(*added).id;
    REQUIRE(f.station->call(TrainingSignup{id, alice, alice}));
    for (const char* uid : {"20", "21"}) REQUIRE(f.tap(uid));
    const auto seq = f.tap_seq();

    CHECK(f.station->call(StartAttendance{id, alice}).error().msgid == "Only the trainer or a host can take attendance");
    CHECK(f.station->call(StartAttendance{id + 10, trainer}).error().msgid == "No training has the number {0}");
    REQUIRE(f.station->call(StartAttendance{id, trainer}));
    CHECK(f.capture().attendance == id);

    REQUIRE(f.tap("21"));  // Alice, checked in: stays in, marked present
    CHECK(f.present(alice));
    CHECK(f.tap_seq() == seq + 1);
    CHECK(f.claim() == app::TapClaim::attendance);  // the attendance capture took it
    auto cap = f.capture();
    CHECK(cap.marked == alice);
    CHECK(cap.marked_name == "Alice");
    CHECK(cap.marked_count == 1);
    REQUIRE(f.tap("22"));  // Bruno came without signing up: marked, and not checked in by it
    CHECK_FALSE(f.present(bruno));
    CHECK(f.capture().marked_count == 2);
    {
        auto snap = f.station->snapshot();
        const auto* tv = snap->know->find_training(id);
        REQUIRE(tv);
        CHECK(tv->present == 2);
    }
    CHECK_FALSE(f.tap("99"));
    CHECK(f.capture().problem->msgid == "This badge is not known: badge again with a member's badge");
    CHECK(f.capture().attendance == id);

    // 10 minutes without a badge: the capture stops, taps check in and out again.
    f.clock.advance(minutes{10});
    REQUIRE(f.station->call(Tick{}));
    CHECK_FALSE(f.capture().attendance);
    CHECK(f.capture().problem->msgid == "Attendance by badge stopped after 10 minutes without a badge");
    REQUIRE(f.tap("22"));
    CHECK(f.present(bruno));

    // Stopped by the kiosk leaving the screen.
    REQUIRE(f.station->call(StartAttendance{id, trainer}));
    REQUIRE(f.station->call(StopAttendance{}));
    CHECK_FALSE(f.capture().attendance);
    REQUIRE(f.tap("21"));
    CHECK_FALSE(f.present(alice));
}
