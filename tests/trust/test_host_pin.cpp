// Hosts' PINs in the Station: a cloned host badge without the PIN does nothing a host
// does; PIN guessing locks the badge's host rights with a growing delay that holds across a
// restart; an admin unlocks or forgets a PIN; a host session ends after 2 minutes without a
// touch and at check-out; a machine may require its member's PIN. On a real Station and file.
#include <doctest/doctest.h>

#include <etabli/app/rights.hpp>
#include <etabli/app/station.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <fstream>
#include <iterator>

using namespace etabli;
using namespace etabli::app;
using testing::utc;
using namespace std::chrono_literals;

namespace {

alloc::Machine machine(const std::string& name) {
    alloc::Machine m;
    m.name = name;
    return m;
}

struct Workshop : testing::StationOnDisk {
    core::Member host, admin, lea;
    Workshop() : StationOnDisk(utc("2026-11-28T13:00:00Z")) {
        reopen();
        store->set_pin_limits({1, 8192});
        host = add_member("Camille", core::Role::host, "0004211337");
        admin = add_member("Ada", core::Role::admin, "0000000042");
        lea = add_member("Léa", core::Role::member, "0001234567");
    }
    void reopen_fast() {
        reopen();
        store->set_pin_limits({1, 8192});
    }
    Result open(core::MemberId who, const std::string& pin) { return station->call(OpenHostSession{who, pin}, Origin::kiosk); }
    Result add_machine(core::MemberId who, const std::string& name) { return station->call(AddMachine{machine(name), who}, Origin::kiosk); }
    bool in_session(core::MemberId who) {
        const auto& v = station->snapshot()->host_sessions;
        return std::find(v.begin(), v.end(), who) != v.end();
    }
    std::vector<db::AuditRow> audit() {
        auto r = db::list_audit(dir / "etabli.db", {});
        REQUIRE(r);
        return *r;
    }
};

std::string raw(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a cloned host badge without the PIN: the kiosk's host commands are refused, asking for the PIN") {
    Workshop w;
    REQUIRE(w.station->call(BadgeSeen{"0004211337", "kiosk"}));  // the clone checks in like the host
    // No PIN yet: the host is asked to choose one.
    auto r = w.add_machine(w.host.id, "Laser");
    REQUIRE(!r);
    CHECK(r.error().msgid == kPinToChoose);
    REQUIRE(w.station->call(SetPin{w.host.id, "73915842", std::nullopt, std::nullopt}));  // the admin's terminal
    r = w.add_machine(w.host.id, "Laser");
    REQUIRE(!r);
    CHECK(r.error().msgid == kPinNeeded);
    // What a member may do for themselves needs no PIN; a host acting for another does.
    CHECK(w.station->call(SetMemberLang{w.host.id, core::Lang::en}, Origin::kiosk));
    Book b;
    b.machine = 1;
    b.member = w.lea.id;
    b.actor = w.host.id;
    b.as_host = true;
    CHECK(w.station->call(b, Origin::kiosk).error().msgid == kPinNeeded);
    // A wrong PIN opens nothing; the right one opens the session, and the command goes through.
    CHECK(w.open(w.host.id, "00000000").error().msgid == core::kPinTriesLeft);
    CHECK(!w.in_session(w.host.id));
    REQUIRE(w.open(w.host.id, "73915842"));
    CHECK(w.in_session(w.host.id));
    CHECK(w.add_machine(w.host.id, "Laser"));
    // The command line (the etabli user) and a member need none.
    CHECK(w.station->call(AddMachine{machine("Fraiseuse"), std::nullopt}));
    CHECK(w.station->call(OpenHostSession{w.lea.id, "1234"}, Origin::kiosk).error().msgid == "Only hosts and admins have host screens");
    // The PIN is nowhere in the file: neither in the PIN's row, nor in the audit trail or the event log.
    const auto bytes = raw(w.dir / "etabli.db") + raw(w.dir / "etabli.db-wal");
    CHECK(bytes.find("73915842") == std::string::npos);
    CHECK(bytes.find("$argon2id$") != std::string::npos);
}

TEST_CASE("five wrong PINs lock the host rights with a growing delay, which holds across a restart") {
    Workshop w;
    REQUIRE(w.station->call(SetPin{w.host.id, "2468", std::nullopt, std::nullopt}));
    for (int i = 1; i <= 4; ++i) {
        auto r = w.open(w.host.id, "1111");
        REQUIRE(!r);
        CHECK(r.error().msgid == core::kPinTriesLeft);
        CHECK(r.error().args.at(0) == std::to_string(5 - i));
    }
    auto fifth = w.open(w.host.id, "1111");
    REQUIRE(!fifth);
    CHECK(fifth.error().msgid == kPinLockedNow);
    CHECK(fifth.error().args.at(0) == "1");  // minutes
    // The right PIN is refused while locked, and the lockout is in the audit trail.
    CHECK(w.open(w.host.id, "2468").error().msgid == "This PIN is locked for {0} min more, until {1}");
    bool lockout_row = false;
    for (const auto& row : w.audit())
        if (row.action == "host.session_open" && row.outcome == "lockout") lockout_row = true;
    CHECK(lockout_row);
    // A restart gives no new tries.
    w.reopen_fast();
    CHECK(w.open(w.host.id, "2468").error().msgid == "This PIN is locked for {0} min more, until {1}");
    const auto& pins = w.station->snapshot()->pins;
    REQUIRE(pins.size() == 1);
    CHECK(pins[0].locked_until);
    CHECK(pins[0].lockouts == 1);
    // After the minute, the right PIN works again.
    w.clock.advance(61s);
    REQUIRE(w.open(w.host.id, "2468"));
    REQUIRE(w.station->call(EndHostSession{w.host.id}, Origin::kiosk));
    // The right PIN started the tries again, not the delays: a guesser who waits for the
    // host's daily PIN gets 5 minutes next, then 30.
    for (int i = 0; i < 5; ++i) (void)w.open(w.host.id, "9999");
    w.clock.advance(61s);
    auto still = w.open(w.host.id, "2468");
    REQUIRE(!still);
    CHECK(still.error().args.at(0) == "4");  // 5 minutes, one gone
    w.clock.advance(240s);
    for (int i = 0; i < 5; ++i) (void)w.open(w.host.id, "9999");
    CHECK(w.open(w.host.id, "2468").error().args.at(0) == "30");
    // An admin's unlock starts them all again.
    REQUIRE(w.station->call(ResetPin{w.host.id, false, std::nullopt}));
    for (int i = 0; i < 5; ++i) (void)w.open(w.host.id, "9999");
    CHECK(w.open(w.host.id, "2468").error().args.at(0) == "1");
}

TEST_CASE("an admin unlocks or forgets a PIN; a host may not; a PIN is changed with the current one") {
    Workshop w;
    REQUIRE(w.station->call(SetPin{w.host.id, "2468", std::nullopt, std::nullopt}));
    for (int i = 0; i < 5; ++i) (void)w.open(w.host.id, "1111");
    CHECK(w.open(w.host.id, "2468").error().msgid == "This PIN is locked for {0} min more, until {1}");
    // The admin at the kiosk: their own PIN first.
    CHECK(w.station->call(ResetPin{w.host.id, false, w.admin.id}, Origin::kiosk).error().msgid == kPinToChoose);
    REQUIRE(w.station->call(SetPin{w.admin.id, "86420", std::nullopt, w.admin.id}, Origin::kiosk));  // chosen at the kiosk: session open
    CHECK(w.in_session(w.admin.id));
    REQUIRE(w.station->call(ResetPin{w.host.id, false, w.admin.id}, Origin::kiosk));
    REQUIRE(w.open(w.host.id, "2468"));
    // A host unlocks nobody.
    auto by_host = w.station->call(ResetPin{w.admin.id, false, w.host.id}, Origin::kiosk);
    REQUIRE(!by_host);
    CHECK(by_host.error().msgid.find("(missing right: admin)") != std::string::npos);
    // Changing a PIN at the kiosk takes the current one; a wrong one counts as a try.
    CHECK(w.station->call(SetPin{w.host.id, "1357", std::nullopt, w.host.id}, Origin::kiosk).error().msgid == "Enter your current PIN first");
    CHECK(w.station->call(SetPin{w.host.id, "1357", std::string("0000"), w.host.id}, Origin::kiosk).error().msgid == core::kPinTriesLeft);
    REQUIRE(w.station->call(SetPin{w.host.id, "1357", std::string("2468"), w.host.id}, Origin::kiosk));
    CHECK(w.open(w.host.id, "2468").error().msgid == core::kPinTriesLeft);
    CHECK(w.open(w.host.id, "1357"));
    // Nobody sets another member's PIN at the kiosk, an admin neither; forms are checked.
    CHECK(!w.station->call(SetPin{w.lea.id, "1357", std::nullopt, w.admin.id}, Origin::kiosk));
    CHECK(w.station->call(SetPin{w.lea.id, "12a4", std::nullopt, std::nullopt}).error().msgid == core::kPinForm);
    CHECK(w.station->call(SetPin{w.lea.id, "123", std::nullopt, std::nullopt}).error().msgid == core::kPinForm);
    CHECK(w.station->call(SetPin{w.lea.id, "123456789", std::nullopt, std::nullopt}).error().msgid == core::kPinForm);
    // Forgotten: the host chooses a new one at their next host action.
    REQUIRE(w.station->call(ResetPin{w.host.id, true, w.admin.id}, Origin::kiosk));
    CHECK(!w.in_session(w.host.id));
    CHECK(w.add_machine(w.host.id, "Laser").error().msgid == kPinToChoose);
    // Unknown members.
    CHECK(!w.station->call(ResetPin{424242, false, std::nullopt}));
    CHECK(!w.station->call(SetPin{424242, "1234", std::nullopt, std::nullopt}));
}

TEST_CASE("a host session ends after 2 minutes without a touch, at check-out, on Quitter; a touch keeps it") {
    Workshop w;
    w.host_session(w.host.id);
    REQUIRE(w.add_machine(w.host.id, "Laser"));
    // Touches keep it going past 2 minutes.
    for (int i = 0; i < 4; ++i) {
        w.clock.advance(60s);
        REQUIRE(w.station->call(TouchHostSession{w.host.id}, Origin::kiosk));
    }
    REQUIRE(w.add_machine(w.host.id, "Fraiseuse"));
    // Two minutes without one: over (the snapshot says so too).
    w.clock.advance(121s);
    REQUIRE(w.station->call(Tick{}));
    CHECK(!w.in_session(w.host.id));
    CHECK(w.add_machine(w.host.id, "Tour").error().msgid == kPinNeeded);
    // A touch does not reopen an ended session.
    REQUIRE(w.station->call(TouchHostSession{w.host.id}, Origin::kiosk));
    CHECK(!w.in_session(w.host.id));
    // Quitter.
    REQUIRE(w.open(w.host.id, "2468"));
    REQUIRE(w.station->call(EndHostSession{w.host.id}, Origin::kiosk));
    CHECK(w.add_machine(w.host.id, "Tour").error().msgid == kPinNeeded);
    // Check-out.
    REQUIRE(w.station->call(BadgeSeen{"0004211337", "kiosk"}));  // in
    REQUIRE(w.open(w.host.id, "2468"));
    w.clock.advance(30s);
    REQUIRE(w.station->call(BadgeSeen{"0004211337", "kiosk"}));  // out
    CHECK(!w.in_session(w.host.id));
    // Sessions live in the station's memory only: a restart ends them.
    REQUIRE(w.open(w.host.id, "2468"));
    w.reopen_fast();
    CHECK(!w.in_session(w.host.id));
}

TEST_CASE("a machine that requires the PIN: a badge alone at its reader is refused; the kiosk asks for the PIN") {
    Workshop w;
    auto laser = machine("Laser");
    laser.rules.pin_required = true;
    auto added = w.station->call(AddMachine{laser, std::nullopt});
    REQUIRE(added);
    const auto id = std::get<alloc::Machine>(*added).id;
    REQUIRE(w.station->call(Authorise{id, w.lea.id, true, std::nullopt}));
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{0, 24 * 60}};
    REQUIRE(w.station->call(SetHours{h, std::nullopt}));
    REQUIRE(w.station->call(BadgeSeen{"0001234567", "kiosk"}));  // Léa is in
    // The machine's reader: refused, the way named.
    auto at_reader = w.station->call(BadgeSeen{"0001234567", ReaderRef::at_machine(id, "Laser")});
    REQUIRE(at_reader);
    const auto& view = std::get<AccessView>(*at_reader);
    CHECK(!view.granted);
    CHECK(view.refusal.msgid == "{0} needs your PIN: start it at the kiosk");
    // The kiosk: no PIN yet, then one chosen, then the start with it.
    auto none = w.station->call(MachineAccess{id, w.lea.id, std::nullopt}, Origin::kiosk);
    REQUIRE(!none);
    CHECK(none.error().msgid == kMachinePinToChoose);
    REQUIRE(w.station->call(SetPin{w.lea.id, "5791", std::nullopt, w.lea.id}, Origin::kiosk));
    CHECK(!w.in_session(w.lea.id));  // a member's PIN opens no host session
    CHECK(w.station->call(MachineAccess{id, w.lea.id, std::nullopt}, Origin::kiosk).error().msgid == kMachinePinNeeded);
    CHECK(w.station->call(MachineAccess{id, w.lea.id, std::string("0000")}, Origin::kiosk).error().msgid == core::kPinTriesLeft);
    auto started = w.station->call(MachineAccess{id, w.lea.id, std::string("5791")}, Origin::kiosk);
    REQUIRE(started);
    CHECK_MESSAGE(std::get<AccessView>(*started).granted, std::get<AccessView>(*started).refusal.english());
    // Her own session ends with her badge alone.
    auto ended = w.station->call(BadgeSeen{"0001234567", ReaderRef::at_machine(id, "Laser")});
    REQUIRE(ended);
    CHECK(std::get<AccessView>(*ended).ended);
    // The setting is stored.
    w.reopen_fast();
    for (const auto& m : w.station->snapshot()->machines)
        if (m.machine.id == id) CHECK(m.machine.rules.pin_required);
}

TEST_CASE("without a host session a host at the kiosk is the volunteer or trainer they also are, in every handler") {
    Workshop w;
    auto skill = [&](const std::string& name) {
        core::Skill s;
        s.name = name;
        auto r = w.station->call(AddSkill{s, std::nullopt});
        REQUIRE(r);
        return std::get<core::Skill>(*r).id;
    };
    const auto soudure = skill("Soudure"), tour = skill("Tour à métaux");
    REQUIRE(w.station->call(GrantSkill{soudure, w.host.id, core::kLevelTeach, std::nullopt, std::nullopt, "formatrice"}));
    // She teaches welding: she signs it with her badge, as any trainer does.
    CHECK(w.station->call(GrantSkill{soudure, w.lea.id, core::kLevelAutonomous, w.host.id, std::nullopt, ""}, Origin::kiosk));
    // The lathe she does not teach: that is a host's power, which needs her PIN.
    auto lathe = w.station->call(GrantSkill{tour, w.lea.id, core::kLevelAutonomous, w.host.id, std::nullopt, ""}, Origin::kiosk);
    REQUIRE(!lathe);
    CHECK(lathe.error().msgid == kPinToChoose);  // refused for a host's reason: her PIN is asked (she has none yet)
    auto levels = w.station->snapshot()->skills;
    // Her role is hers again after each command: the directory and the engine.
    CHECK(w.station->snapshot()->directory->find(w.host.id)->role == core::Role::host);
    // A booking outside the opening hours (closed all week here) is a host's power too.
    auto added = w.station->call(AddMachine{machine("Plieuse"), std::nullopt});
    REQUIRE(added);
    const auto plieuse = std::get<alloc::Machine>(*added).id;
    REQUIRE(w.station->call(Authorise{plieuse, w.host.id, true, std::nullopt}));
    Book b;
    b.machine = plieuse;
    b.member = w.host.id;
    b.actor = w.host.id;
    b.start = w.clock.now() + 1h;
    b.end = w.clock.now() + 2h;
    auto closed = w.station->call(b, Origin::kiosk);
    REQUIRE(!closed);
    // In her host session, both go through.
    w.host_session(w.host.id);
    CHECK(w.station->call(GrantSkill{tour, w.lea.id, core::kLevelAutonomous, w.host.id, std::nullopt, ""}, Origin::kiosk));
    auto booked = w.station->call(b, Origin::kiosk);
    CHECK_MESSAGE(booked, (booked ? "" : booked.error().english()));
    CHECK(w.station->snapshot()->directory->find(w.host.id)->role == core::Role::host);
}

TEST_CASE("a badge at the kiosk ends every host session: a host's session does not wait for the next person") {
    Workshop w;
    w.host_session(w.host.id);
    CHECK(w.in_session(w.host.id));
    REQUIRE(w.station->call(BadgeSeen{"0001234567", "kiosk"}));  // Léa checks in
    CHECK(!w.in_session(w.host.id));
    CHECK(w.add_machine(w.host.id, "Laser").error().msgid == kPinNeeded);
}
