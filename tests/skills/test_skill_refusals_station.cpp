// Skill refusals, app scenarios: the Station with a fake clock and a real SQLite file.
// Bookings, slot searches and queues refused for a missing skill name the skill, the level
// needed and the member's own (as the machine's reader does), and only then; a training's
// grants are one transaction (a storage failure part-way writes none and changes nothing in
// memory). Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

const char* kSkillNeeded = "Skill needed for {0}: {1} at level {2} (you are at level {3})";
const char* kNotAuthorised = "Not authorised on {0}: a host authorises members after their training";

struct Fixture : testing::StationOnDisk {
    core::MemberId lea = 0, hugo = 0, zoe = 0, host = 0;
    alloc::MachineId laser = 0;
    core::SkillId laser_skill = 0;

    Fixture() : StationOnDisk(utc("2027-01-05T09:00:00Z")) {  // a Tuesday, 10:00 in Paris
        reopen();
        lea = add("Léa", core::Role::member);
        hugo = add("Hugo", core::Role::member);
        zoe = add("Zoé", core::Role::member);
        host = add("Sam", core::Role::host);
        laser = machine("Laser", "Découpe");
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{0, 24 * 60}};
        REQUIRE(station->call(SetHours{h, std::nullopt}));
        laser_skill = skill_of("Laser");
        grant(laser_skill, lea, 2);
        grant(laser_skill, hugo, 1);
    }
    core::MemberId add(const std::string& name, core::Role role) { return add_member(name, role).id; }
    alloc::MachineId machine(const std::string& name, std::optional<std::string> pool = std::nullopt) {
        alloc::Machine m;
        m.name = name;
        m.pool = std::move(pool);
        m.rules.max_length = minutes{120};
        auto r = station->call(AddMachine{m, std::nullopt});
        REQUIRE(r);
        const auto id = std::get<alloc::Machine>(*r).id;
        // A new machine is open to all: these require a skill named after it, at level 2.
        core::Skill sk;
        sk.name = name;
        auto made = station->call(AddSkill{sk, std::nullopt});
        REQUIRE(made);
        REQUIRE(station->call(RequireSkill{RequireSkill::Target::machine, id,
                                           core::SkillRequirement{std::get<core::Skill>(*made).id, 2}, std::nullopt}));
        return id;
    }
    core::SkillId skill_of(const std::string& name) {
        const auto* s = station->snapshot()->skills->find_name(name);
        REQUIRE(s);
        return s->id;
    }
    void grant(core::SkillId s, core::MemberId m, int level) {
        auto r = station->call(GrantSkill{s, m, level, std::nullopt, std::nullopt, ""});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    }
    Result book(alloc::MachineId m, core::MemberId who, const char* from = "2027-01-06T10:00:00Z",
                const char* to = "2027-01-06T11:00:00Z") {
        return station->call(Book{m, who, utc(from), utc(to), std::nullopt, false, std::nullopt});
    }
    Result slots(alloc::QueueTarget target, core::MemberId who) {
        alloc::SlotQuery q;
        q.target = std::move(target);
        q.length = minutes{60};
        q.from = clock.now();
        q.member = who;
        return station->call(FindSlots{q});
    }
    Result join(alloc::QueueTarget target, core::MemberId who) { return station->call(JoinQueue{who, std::move(target)}); }
    static std::string msg(const Result& r) { return r ? "" : r.error().msgid; }
    static std::vector<std::string> args(const Result& r) { return r ? std::vector<std::string>{} : r.error().args; }
};

}  // namespace

TEST_CASE("skills: a booking refused for a missing skill names the skill, the level and the member's") {
    Fixture f;
    auto z = f.book(f.laser, f.zoe);
    CHECK(f.msg(z) == kSkillNeeded);
    CHECK(f.args(z) == std::vector<std::string>{"Laser", "Laser", "2", "0"});
    auto h = f.book(f.laser, f.hugo);  // learning: one level short, still refused
    CHECK(f.msg(h) == kSkillNeeded);
    CHECK(f.args(h) == std::vector<std::string>{"Laser", "Laser", "2", "1"});
    // A host booking for the member: the member's skill still decides.
    auto hb = f.station->call(Book{f.laser, f.zoe, utc("2027-01-06T10:00:00Z"), utc("2027-01-06T11:00:00Z"), f.host, false, std::nullopt});
    CHECK(f.msg(hb) == kSkillNeeded);
    // A weekly series goes through the same refusal.
    auto w = f.station->call(Book{f.laser, f.zoe, utc("2027-01-06T10:00:00Z"), utc("2027-01-06T11:00:00Z"), std::nullopt, true,
                                  core::Date{2027y / 1 / 27}});
    CHECK(f.msg(w) == kSkillNeeded);
    // Trained: booked; other refusals keep their own text.
    CHECK(f.book(f.laser, f.lea));
    CHECK(f.msg(f.book(f.laser, f.lea, "2027-01-06T10:30:00Z", "2027-01-06T11:30:00Z")) != kSkillNeeded);
    CHECK(f.msg(f.book(f.laser, f.zoe, "2027-01-04T10:00:00Z", "2027-01-04T11:00:00Z")) != kNotAuthorised);
    // After a grant the same booking goes through.
    f.grant(f.laser_skill, f.zoe, 2);
    CHECK(f.book(f.laser, f.zoe, "2027-01-07T10:00:00Z", "2027-01-07T11:00:00Z"));
}

TEST_CASE("skills: a level required above the member's own names both levels") {
    Fixture f;
    REQUIRE(f.station->call(RequireSkill{RequireSkill::Target::machine, f.laser, core::SkillRequirement{f.laser_skill, 3}, std::nullopt}));
    auto r = f.book(f.laser, f.lea);
    CHECK(f.msg(r) == kSkillNeeded);
    CHECK(f.args(r) == std::vector<std::string>{"Laser", "Laser", "3", "2"});
    // A machine requiring nothing lets everyone book: no refusal to explain.
    REQUIRE(f.station->call(RequireSkill{RequireSkill::Target::machine, f.laser, std::nullopt, std::nullopt}));
    CHECK(f.book(f.laser, f.zoe));
}

TEST_CASE("skills: a slot search for a member without the skill is refused with it, not an empty list") {
    Fixture f;
    auto z = f.slots({f.laser, std::nullopt}, f.zoe);
    CHECK(f.msg(z) == kSkillNeeded);
    CHECK(f.args(z) == std::vector<std::string>{"Laser", "Laser", "2", "0"});
    auto l = f.slots({f.laser, std::nullopt}, f.lea);
    REQUIRE(l);
    CHECK_FALSE(std::get<std::vector<alloc::Slot>>(*l).empty());
    // A machine under maintenance gives no slot to anyone: still an empty list, not a skill refusal.
    REQUIRE(f.station->call(SetMachineStatus{f.laser, alloc::MachineStatus::maintenance, std::nullopt}));
    auto m = f.slots({f.laser, std::nullopt}, f.lea);
    REQUIRE(m);
    CHECK(std::get<std::vector<alloc::Slot>>(*m).empty());
}

TEST_CASE("skills: joining a queue without the skill names it; a pool names the pool") {
    Fixture f;
    auto z = f.join({f.laser, std::nullopt}, f.zoe);
    CHECK(f.msg(z) == kSkillNeeded);
    CHECK(f.args(z) == std::vector<std::string>{"Laser", "Laser", "2", "0"});
    CHECK(f.station->snapshot()->queue.empty());
    // Two machines of a pool, each with its own skill: refused while Zoé has neither.
    const auto a = f.machine("Imprimante A", "Impression 3D");
    const auto b = f.machine("Imprimante B", "Impression 3D");
    (void)a;
    auto p = f.join({std::nullopt, std::string("Impression 3D")}, f.zoe);
    CHECK(f.msg(p) == kSkillNeeded);
    REQUIRE(f.args(p).size() == 4);
    CHECK(f.args(p)[0] == "Impression 3D");
    CHECK(f.msg(f.slots({std::nullopt, std::string("Impression 3D")}, f.zoe)) == kSkillNeeded);
    // One of them is enough to queue for the pool.
    f.grant(f.skill_of("Imprimante B"), f.zoe, 2);
    CHECK(f.join({std::nullopt, std::string("Impression 3D")}, f.zoe));
    CHECK(f.slots({std::nullopt, std::string("Impression 3D")}, f.zoe));
    (void)b;
    CHECK(f.join({f.laser, std::nullopt}, f.lea));
}

// [Training grants in one transaction]
namespace {
struct TrainingFixture : Fixture {
    core::MemberId trainer = 0;
    core::TrainingId training = 0;
    std::vector<core::MemberId> pupils;
    TrainingFixture() {
        trainer = add("Camille", core::Role::volunteer);
        grant(laser_skill, trainer, 3);
        pupils = {zoe, add("Inès", core::Role::member), add("Jules", core::Role::member)};
        core::Training t;
        t.skill = laser_skill;
        t.trainer = trainer;
        t.capacity = 6;
        t.start = utc("2027-01-05T09:15:00Z");
        t.end = t.start + hours{2};
        t.level = 2;
        auto r = station->call(AddTraining{t, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        training = std::get<core::Training>(*r).id;
        for (auto m : pupils) REQUIRE(station->call(TrainingAttendance{training, m, trainer}));
        clock.set(utc("2027-01-05T11:20:00Z"));
    }
    std::int64_t training_grants() {
        const std::string sql = "SELECT count(*) FROM skill_grants WHERE note = 'training:" + std::to_string(training) + "'";
        return *store->connection().query_int(sql.c_str());
    }
};
}  // namespace

TEST_CASE("skills: a training's grants fail whole when the store fails on the second one") {
    TrainingFixture f;
    auto& conn = f.store->connection();
    const auto grants_before = *conn.query_int("SELECT count(*) FROM skill_grants");
    // The first insert of the training succeeds, the second aborts: a per-grant commit would
    // leave the first written.
    REQUIRE(conn.exec("CREATE TRIGGER fail_second BEFORE INSERT ON skill_grants "
                      "WHEN (SELECT count(*) FROM skill_grants WHERE note LIKE 'training:%') >= 1 "
                      "BEGIN SELECT RAISE(ABORT, 'disk full'); END"));
    auto r = f.station->call(TrainingGrant{f.training, f.trainer});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == core::Problem::Kind::storage);
    CHECK(*conn.query_int("SELECT count(*) FROM skill_grants") == grants_before);
    CHECK(f.training_grants() == 0);
    for (auto m : f.pupils) CHECK(f.station->snapshot()->skills->effective(m, f.laser_skill) == 0);
    CHECK(f.msg(f.book(f.laser, f.zoe)) == kSkillNeeded);  // the gates did not move either
    const auto* tv = f.station->snapshot()->know->find_training(f.training);
    REQUIRE(tv);
    CHECK_FALSE(tv->training.granted_at);

    // The store works again: the same command grants everyone, in one commit.
    REQUIRE(conn.exec("DROP TRIGGER fail_second"));
    auto ok = f.station->call(TrainingGrant{f.training, f.trainer});
    REQUIRE_MESSAGE(ok, (ok ? "" : ok.error().english()));
    CHECK(f.training_grants() == 3);
    CHECK(*conn.query_int("SELECT count(DISTINCT signed_at) FROM skill_grants WHERE note LIKE 'training:%'") == 1);
    CHECK(*conn.query_int("SELECT count(DISTINCT id) FROM skill_grants WHERE note LIKE 'training:%'") == 3);
    for (auto m : f.pupils) CHECK(f.station->snapshot()->skills->effective(m, f.laser_skill) == 2);
    CHECK(f.book(f.laser, f.zoe));
    // The ids the station chose stay in step with the table: the next grant is stored too.
    f.grant(f.laser_skill, f.hugo, 2);
    CHECK(*conn.query_int("SELECT max(id) FROM skill_grants") == *conn.query_int("SELECT count(*) FROM skill_grants"));
}

TEST_CASE("skills: a training's mark is written with its grants: marked elsewhere first, nobody is granted") {
    TrainingFixture f;
    auto& conn = f.store->connection();
    // Another writer on the file (the command line) granted this training a moment ago.
    const std::string mark = "UPDATE trainings SET granted_at = '2027-01-05T11:19:00Z' WHERE id = " +
                             std::to_string(f.training);
    REQUIRE(conn.exec(mark.c_str()));
    auto r = f.station->call(TrainingGrant{f.training, f.trainer});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == core::Problem::Kind::storage);
    CHECK(f.training_grants() == 0);
    for (auto m : f.pupils) CHECK(f.station->snapshot()->skills->effective(m, f.laser_skill) == 0);

    SUBCASE("granted here: the mark and its event are in the grants' transaction") {
        REQUIRE(conn.exec(("UPDATE trainings SET granted_at = NULL WHERE id = " + std::to_string(f.training)).c_str()));
        REQUIRE(f.station->call(TrainingGrant{f.training, f.trainer}));
        CHECK(f.training_grants() == 3);
        const std::string q = "SELECT count(*) FROM trainings WHERE granted_at IS NOT NULL AND id = " +
                              std::to_string(f.training);
        CHECK(*conn.query_int(q.c_str()) == 1);
        CHECK(*conn.query_int("SELECT count(*) FROM events WHERE kind = 'training.granted'") == 1);
        // A second time is refused before anything is written.
        CHECK_FALSE(f.station->call(TrainingGrant{f.training, f.trainer}));
        CHECK(f.training_grants() == 3);
    }
}

TEST_CASE("skills: a training's grants are checked whole before any is written") {
    TrainingFixture f;
    // The trainer lost their teaching level since attendance: nobody gets the level.
    f.grant(f.laser_skill, f.trainer, 2);
    auto r = f.station->call(TrainingGrant{f.training, f.trainer});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind != core::Problem::Kind::storage);
    CHECK(f.training_grants() == 0);
    for (auto m : f.pupils) CHECK(f.station->snapshot()->skills->effective(m, f.laser_skill) == 0);
}
