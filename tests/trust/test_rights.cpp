// The rights table, walked: every command of the Station, for every kind of asker
// (nobody at the kiosk, member, volunteer, trainer, host, admin, the command line, a read-only
// Unix user), is sent to a real Station on a file; what the table allows is not refused for
// rights, and what it does not is refused with the missing right named. A command without a
// row in rights.hpp does not compile; a row whose need is wrong for the house's policy is
// caught by the policy checks at the end.
#include <doctest/doctest.h>

#include <etabli/app/features.hpp>
#include <etabli/app/rights.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <map>

using namespace etabli;
using namespace etabli::app;
using testing::utc;

namespace {

using AllCommands = concat_t<CoreCommands, AllocCommands, TrustCommands, FeatureCommands>;

// Names `who` as the one acting in `cmd`, through the field acting_member() reads.
template <class T>
void act_as(T& cmd, core::MemberId who) {
    if constexpr (std::is_same_v<T, StartEnrolment>) cmd.host = who;
    else if constexpr (std::is_same_v<T, GrantSkill> || std::is_same_v<T, StartSignOff>) cmd.signer = who;
    else if constexpr (std::is_same_v<T, HelpWho>) cmd.asker = who;
    else if constexpr (std::is_same_v<T, OfferHelp>) cmd.helper = who;
    else if constexpr (std::is_same_v<T, EditMember> || std::is_same_v<T, EraseMember>) cmd.actor = who;  // on nobody (member 0)  // on nobody: a host editing themselves into a member needs an admin
    else {
        if constexpr (requires { cmd.actor; }) cmd.actor = who;
        if constexpr (requires { cmd.member; }) cmd.member = who;  // for themselves
    }
}

struct Asker {
    Principal principal;
    Origin origin;
    std::optional<core::MemberId> member;  // who badged in
};

std::string_view missing_right(const core::Problem& p) {
    const auto at = p.msgid.find("(missing right: ");
    if (at == std::string::npos) return {};
    const auto from = at + 16;
    return std::string_view(p.msgid).substr(from, p.msgid.find(')', from) - from);
}

}  // namespace

TEST_CASE("every command for every asker: allowed as the table says, or refused with the missing right named") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto member = f.add_member("Léa", core::Role::member);
    const auto volunteer = f.add_member("Vic", core::Role::volunteer);
    const auto trainer = f.add_member("Théo", core::Role::member);
    const auto host = f.add_member("Camille", core::Role::host);
    const auto admin = f.add_member("Ada", core::Role::admin);
    {  // Théo can teach a skill: a trainer
        core::Skill s;
        s.name = "Soudure";
        auto added = f.station->call(AddSkill{s, std::nullopt});
        REQUIRE(added);
        REQUIRE(f.station->call(GrantSkill{std::get<core::Skill>(*added).id, trainer.id, core::kLevelTeach, std::nullopt, std::nullopt, "formateur"}));
    }
    const std::vector<Asker> askers = {
        {Principal::nobody, Origin::kiosk, std::nullopt},         {Principal::member, Origin::kiosk, member.id},
        {Principal::volunteer, Origin::kiosk, volunteer.id},      {Principal::trainer, Origin::kiosk, trainer.id},
        {Principal::host, Origin::kiosk, host.id},                {Principal::admin, Origin::kiosk, admin.id},
        {Principal::command_line, Origin::local, std::nullopt},   {Principal::unix_reader, Origin::reader, std::nullopt},
    };
    int walked = 0, refused = 0;
    std::map<Need, int> rows;
    for_each_type(AllCommands{}, [&]<class T, std::size_t>() {
        constexpr Right right = kRight<T>;
        ++rows[right.need];
        CHECK_MESSAGE(!right.action.empty(), "a row without an action name");
        for (const auto& a : askers) {
            // Hosts and admins at the kiosk act in their host session (the walk's own
            // EndHostSession and PIN commands may have ended it).
            if (a.origin == Origin::kiosk && a.member && (a.principal == Principal::host || a.principal == Principal::admin))
                f.host_session(*a.member);
            T cmd{};
            if (a.member) act_as(cmd, *a.member);
            // Who the Station sees: a command without a field naming who acts is nobody's at
            // the kiosk (the principal the table is then asked about).
            Principal who = a.principal;
            if (a.member && !acting_member(Command{cmd}, a.origin)) who = Principal::nobody;
            const bool allowed = allows(right.need, right.writes, who);
            CAPTURE(right.action);
            CAPTURE(to_string(a.principal));
            auto r = f.station->call(Command{cmd}, a.origin);
            ++walked;
            if (allowed) {
                CHECK_MESSAGE((r || missing_right(r.error()).empty()), (r ? "" : r.error().english()));
            } else {
                ++refused;
                REQUIRE_MESSAGE(!r, "allowed, but the table refuses it");
                const auto named = missing_right(r.error());
                if (who == Principal::unix_reader) CHECK(named == "write");
                else CHECK(named == to_string(right.need));
            }
        }
    });
    MESSAGE("rights: " << walked << " command × asker pairs walked, " << refused << " refused with the right named");
    CHECK(walked == static_cast<int>(size_v<AllCommands>) * static_cast<int>(askers.size()));

    // The house's policy, row by row where it matters.
    CHECK(kRight<ImportMembers>.need == Need::admin);
    CHECK(kRight<Tick>.need == Need::device);
    CHECK(kRight<NoteBackups>.need == Need::device);
    CHECK(kRight<ControllerFault>.need == Need::device);
    CHECK(kRight<ToolScanned>.need == Need::device);
    CHECK(kRight<AddMember>.need == Need::host);
    CHECK(kRight<SetHours>.need == Need::host);
    CHECK(kRight<BadgeSeen>.need == Need::anyone);
    CHECK(!kRight<FindSlots>.writes);
    CHECK(!kRight<ListBookings>.writes);
    // A read-only Unix user reads and never writes; a kiosk with nobody badged in does only
    // what anyone may.
    for_each_type(AllCommands{}, [&]<class T, std::size_t>() {
        CHECK(allows(kRight<T>.need, kRight<T>.writes, Principal::unix_reader) == (kRight<T>.need == Need::anyone && !kRight<T>.writes));
        CHECK(allows(kRight<T>.need, kRight<T>.writes, Principal::nobody) == (kRight<T>.need == Need::anyone));
        CHECK(allows(kRight<T>.need, kRight<T>.writes, Principal::command_line));
    });
}

TEST_CASE("roles: a host runs the day but does not make hosts; an admin does") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto host = f.add_member("Camille", core::Role::host);
    const auto admin = f.add_member("Ada", core::Role::admin);
    const auto lea = f.add_member("Léa", core::Role::member);
    f.host_session(host.id);
    f.host_session(admin.id);
    core::MemberDraft d;
    d.display_name = "Léa";
    d.role = core::Role::volunteer;  // a host may make a volunteer
    CHECK(f.station->call(EditMember{lea.id, d, host.id}, Origin::kiosk));
    d.role = core::Role::host;
    auto r = f.station->call(EditMember{lea.id, d, host.id}, Origin::kiosk);
    REQUIRE(!r);
    CHECK(missing_right(r.error()) == "admin");
    CHECK(f.station->call(EditMember{lea.id, d, admin.id}, Origin::kiosk));
    // A host cannot add a member who is already a host either, nor demote an admin.
    core::MemberDraft n;
    n.display_name = "Nouvel hôte";
    n.role = core::Role::host;
    CHECK(missing_right(f.station->call(AddMember{n, host.id, std::nullopt}, Origin::kiosk).error()) == "admin");
    core::MemberDraft demote;
    demote.display_name = "Ada";
    demote.role = core::Role::member;
    CHECK(missing_right(f.station->call(EditMember{admin.id, demote, host.id}, Origin::kiosk).error()) == "admin");
    // The command line is the etabli user's: it may.
    CHECK(f.station->call(AddMember{n, std::nullopt, std::nullopt}));
}

TEST_CASE("a member acts for themselves: host commands through the kiosk or as a named actor are refused") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto lea = f.add_member("Léa", core::Role::member);
    alloc::Machine m;
    m.name = "Laser";
    CHECK(missing_right(f.station->call(AddMachine{m, lea.id}, Origin::kiosk).error()) == "host");
    CHECK(missing_right(f.station->call(AddMachine{m, lea.id}).error()) == "host");  // the CLI naming her as the actor
    CHECK(missing_right(f.station->call(AddMachine{m, std::nullopt}, Origin::kiosk).error()) == "host");  // nobody at the kiosk
    CHECK(missing_right(f.station->call(AddMachine{m, std::nullopt}, Origin::reader).error()) == "write");
    CHECK(missing_right(f.station->call(Tick{}, Origin::kiosk).error()) == "device");
    CHECK(f.station->call(AddMachine{m, std::nullopt}));  // the command line
    // An unknown member named as the actor is nobody.
    CHECK(f.station->call(AddMachine{m, 424242}, Origin::kiosk).error().msgid == "No member has the number {0}");
}

TEST_CASE("a kiosk never speaks as the command line: a command whose actor is left empty is nobody's, whoever it names") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto admin = f.add_member("Ada", core::Role::admin);
    const auto host = f.add_member("Camille", core::Role::host);
    // A badge for the admin, enrolled by a forged kiosk frame naming no actor.
    CHECK(missing_right(f.station->call(AddBadge{"0000000999", admin.id, std::nullopt}, Origin::kiosk).error()) == "host");
    core::MemberDraft up;
    up.display_name = "Camille";
    up.role = core::Role::admin;
    CHECK(missing_right(f.station->call(EditMember{host.id, up, std::nullopt}, Origin::kiosk).error()) == "host");
    Book b;
    b.member = host.id;
    b.as_host = true;
    CHECK(missing_right(f.station->call(b, Origin::kiosk).error()) == "member");
    // The same from the command line (the etabli user) goes through.
    CHECK(f.station->call(AddBadge{"0000000999", admin.id, std::nullopt}));
}

TEST_CASE("a read-only Unix user's commands reach the Station as such, through the thread's origin") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    alloc::Machine m;
    m.name = "Laser";
    {
        OriginScope reader(Origin::reader);
        CHECK(missing_right(f.station->call(AddMachine{m, std::nullopt}).error()) == "write");
        CHECK(f.station->call(ListBookings{}));  // a read
        CHECK(missing_right(f.station->call(BadgeSeen{"0001", "cli"}).error()) == "write");  // a tap writes
    }
    CHECK(f.station->call(AddMachine{m, std::nullopt}));  // the scope ended
}
