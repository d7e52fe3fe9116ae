// core: rule tables for every skill gate: level names and parsing, the effective level
// (expiry, lapse by disuse and its warning), the sign-off gate (host, trainer, above own
// level, lapsed trainer, unknown skill, bad level, own skill), the requirement gate and who
// may supervise. Layer: unit tests (pure core, no clock).
#include <doctest/doctest.h>

#include <etabli/core/skills.hpp>

using namespace etabli;
using namespace etabli::core;
using std::chrono::days;
using std::chrono::sys_days;
using namespace std::chrono_literals;

namespace {

const Date kToday = 2026y / 11 / 28;
Date in_days(int offset) { return Date{sys_days{kToday} + days{offset}}; }

Skill laser() {
    Skill s;
    s.id = 1;
    s.name = "Découpe laser";
    s.lapse_months = 6;
    return s;
}
SkillGrant grant(int level, std::optional<Date> expires = std::nullopt) {
    SkillGrant g;
    g.id = 1;
    g.member = 7;
    g.skill = 1;
    g.level = level;
    g.expires = expires;
    return g;
}
Signer signer(MemberId id, Role role, int granted, int effective) {
    EffectiveLevel e;
    e.granted = granted;
    e.level = effective;
    return Signer{id, role, e};
}
std::string refusal(const Skill* s, int level, std::optional<Signer> who, MemberId member = 7) {
    auto r = check_grant(s, "Soudure", member, level, who, "Marie");
    return r ? std::string{} : r.error().msgid;
}

}  // namespace

TEST_CASE("skills: level names and typed levels") {
    CHECK(level_name(0) == "none");
    CHECK(level_name(1) == "learning");
    CHECK(level_name(2) == "autonomous");
    CHECK(level_name(3) == "can teach");
    CHECK(level_name(4) == "?");
    CHECK(parse_level("2") == 2);
    CHECK(parse_level("Autonome") == 2);
    CHECK(parse_level("peut former") == 3);
    CHECK(parse_level("initié") == 1);
    CHECK(parse_level("aucun") == 0);
    CHECK_FALSE(parse_level("4"));
    CHECK_FALSE(parse_level("-1"));
    CHECK_FALSE(parse_level(""));
    CHECK_FALSE(parse_level("22"));
}

TEST_CASE("skills: months are added on the calendar, the end of a month clamps") {
    CHECK(add_months(2026y / 5 / 31, 6) == 2026y / 11 / 30);
    CHECK(add_months(2026y / 8 / 31, 6) == 2027y / 2 / 28);
    CHECK(add_months(2027y / 8 / 31, 6) == 2028y / 2 / 29);
    CHECK(add_months(2026y / 11 / 28, 0) == 2026y / 11 / 28);
}

TEST_CASE("skills: effective level table") {
    const Skill s = laser();
    struct Row {
        const char* what;
        std::optional<int> granted;  // none: no grant
        std::optional<Date> expires;
        Date anchor;
        bool machine_skill;
        int level;
        bool lapsed, expired, warn;
        std::optional<Date> lapses_on;
    };
    const Row rows[] = {
        {"no grant", std::nullopt, std::nullopt, kToday, true, 0, false, false, false, std::nullopt},
        {"fresh level 2", 2, std::nullopt, kToday, true, 2, false, false, false, add_months(kToday, 6)},
        {"level 1 never lapses", 1, std::nullopt, 2020y / 1 / 1, true, 1, false, false, false, std::nullopt},
        {"level 0 stays 0", 0, std::nullopt, kToday, true, 0, false, false, false, std::nullopt},
        {"level 2, session 6 months ago to the day: lapsed", 2, std::nullopt, 2026y / 5 / 28, true, 1, true, false,
         false, std::nullopt},
        {"level 2, 6 months minus one day: still 2, warned", 2, std::nullopt, 2026y / 5 / 29, true, 2, false, false,
         true, 2026y / 11 / 29},
        {"level 2, lapses in 14 days: warned", 2, std::nullopt, Date{sys_days{2026y / 6 / 12}}, true, 2, false, false,
         true, 2026y / 12 / 12},
        {"level 2, lapses in 15 days: not yet warned", 2, std::nullopt, 2026y / 6 / 13, true, 2, false, false, false,
         2026y / 12 / 13},
        {"level 3 lapses to 1 too", 3, std::nullopt, 2025y / 1 / 1, true, 1, true, false, false, std::nullopt},
        {"no machine requires the skill: never lapses", 2, std::nullopt, 2020y / 1 / 1, false, 2, false, false, false,
         std::nullopt},
        {"expiry today: still valid", 2, kToday, kToday, true, 2, false, false, false, add_months(kToday, 6)},
        {"expired yesterday: nothing left", 3, in_days(-1), kToday, true, 0, false, true, false, std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        std::optional<SkillGrant> g;
        if (r.granted) g = grant(*r.granted, r.expires);
        const auto e = effective_level(s, g ? &*g : nullptr, r.anchor, r.machine_skill, kToday);
        CHECK(e.level == r.level);
        CHECK(e.granted == (r.granted ? *r.granted : 0));
        CHECK(e.lapsed == r.lapsed);
        CHECK(e.expired == r.expired);
        CHECK(e.warn == r.warn);
        CHECK(e.lapses_on == r.lapses_on);
    }
}

TEST_CASE("skills: a skill with lapse 0 never lapses") {
    Skill s = laser();
    s.lapse_months = 0;
    const auto g = grant(2);
    CHECK(effective_level(s, &g, 2000y / 1 / 1, true, kToday).level == 2);
}

TEST_CASE("skills: sign-off gate table") {
    const Skill s = laser();
    struct Row {
        const char* what;
        bool known;
        int level;
        std::optional<Signer> who;
        MemberId member;
        const char* msgid;  // empty: accepted
    };
    const Row rows[] = {
        {"command line grants anything", true, 3, std::nullopt, 7, ""},
        {"command line level 0 (revoke)", true, 0, std::nullopt, 7, ""},
        {"unknown skill", false, 2, std::nullopt, 7, "No skill is named \"{0}\""},
        {"level 4", true, 4, std::nullopt, 7, "{0} is not a skill level: 0 none, 1 learning, 2 autonomous, 3 can teach"},
        {"level -1", true, -1, signer(2, Role::host, 0, 0), 7,
         "{0} is not a skill level: 0 none, 1 learning, 2 autonomous, 3 can teach"},
        {"host with no level grants 3", true, 3, signer(2, Role::host, 0, 0), 7, ""},
        {"admin grants 2", true, 2, signer(2, Role::admin, 0, 0), 7, ""},
        {"trainer at 3 grants 3", true, 3, signer(2, Role::member, 3, 3), 7, ""},
        {"trainer at 3 grants 2", true, 2, signer(2, Role::volunteer, 3, 3), 7, ""},
        {"trainer at 3 withdraws (0)", true, 0, signer(2, Role::member, 3, 3), 7, ""},
        {"level 2 grants 3: above own level", true, 3, signer(2, Role::member, 2, 2), 7,
         "{0} cannot grant {1} at level {2}: above their own level ({3})"},
        {"level 1 grants 2: above own level", true, 2, signer(2, Role::member, 1, 1), 7,
         "{0} cannot grant {1} at level {2}: above their own level ({3})"},
        {"level 2 grants 1: not a trainer", true, 1, signer(2, Role::member, 2, 2), 7,
         "Only a host or a member who can teach {0} (level 3) can sign it off; {1} is at level {2}"},
        {"lapsed trainer (3 granted, 1 now)", true, 2, signer(2, Role::member, 3, 1), 7,
         "The sign-off of {0} on {1} has lapsed (level {2} now): a host or another trainer must renew it first"},
        {"expired trainer (3 granted, 0 now)", true, 1, signer(2, Role::volunteer, 3, 0), 7,
         "The sign-off of {0} on {1} has lapsed (level {2} now): a host or another trainer must renew it first"},
        {"own skill", true, 3, signer(7, Role::member, 3, 3), 7,
         "Nobody signs off their own skill: ask another trainer or a host"},
        {"host's own skill", true, 3, signer(7, Role::host, 0, 0), 7,
         "Nobody signs off their own skill: ask another trainer or a host"},
        {"admin's own skill (trusted)", true, 3, signer(7, Role::admin, 0, 0), 7, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        CHECK(refusal(r.known ? &s : nullptr, r.level, r.who, r.member) == r.msgid);
    }
}

TEST_CASE("skills: the refusals name the skill, the levels and the signer") {
    const Skill s = laser();
    auto r = check_grant(&s, "x", 7, 3, signer(2, Role::member, 2, 2), "Marie");
    REQUIRE(!r);
    CHECK(r.error().args == std::vector<std::string>{"Marie", "Découpe laser", "3", "2"});
    auto u = check_grant(nullptr, "Tournage", 7, 2, std::nullopt, "");
    REQUIRE(!u);
    CHECK(u.error().args == std::vector<std::string>{"Tournage"});
}

TEST_CASE("skills: requirement gate and supervision table") {
    const Skill s = laser();
    CHECK_FALSE(check_requirement("Laser", s, 2, 2));
    CHECK_FALSE(check_requirement("Laser", s, 2, 3));
    CHECK_FALSE(check_requirement("Laser", s, 1, 1));
    auto p = check_requirement("Laser", s, 2, 1);
    REQUIRE(p);
    CHECK(p->msgid == "Skill needed for {0}: {1} at level {2} (you are at level {3})");
    CHECK(p->args == std::vector<std::string>{"Laser", "Découpe laser", "2", "1"});
    CHECK(check_requirement("Laser", s, 3, 2));

    CHECK(supervision_possible(1, 2));
    CHECK(supervision_possible(2, 3));
    CHECK_FALSE(supervision_possible(0, 1));  // never trained: no supervised use
    CHECK_FALSE(supervision_possible(0, 2));
    CHECK_FALSE(supervision_possible(1, 3));
    CHECK_FALSE(supervision_possible(2, 2));

    CHECK(can_supervise(Role::host, 0));
    CHECK(can_supervise(Role::admin, 0));
    CHECK(can_supervise(Role::member, 3));
    CHECK_FALSE(can_supervise(Role::volunteer, 2));
    CHECK_FALSE(can_supervise(Role::member, 1));
}

TEST_CASE("skills: typed skill fields") {
    Skill s;
    s.name = "  Dévoilage   de roue ";
    auto ok = validate_skill(s);
    REQUIRE(ok);
    CHECK(ok->name == "Dévoilage de roue");
    s.name = "";
    CHECK_FALSE(validate_skill(s));
    s.name = "Soudure";
    s.lapse_months = 121;
    CHECK(validate_skill(s).error().msgid == "The lapse must be 0 to 120 months (0: never)");
    s.lapse_months = -1;
    CHECK_FALSE(validate_skill(s));
    s.lapse_months = 6;
    s.category = "a\nb";
    CHECK_FALSE(validate_skill(s));
    s.category = "vélo";
    s.description = std::string("\xff\xfe");
    CHECK_FALSE(validate_skill(s));
    s.description = std::string(2001, 'x');
    CHECK_FALSE(validate_skill(s));
}
