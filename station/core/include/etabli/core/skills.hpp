// Skills: the catalogue of skills, the grants that give a member a level on a skill,
// and the rules that read them: the effective level (expiry, lapse by disuse), the sign-off
// gate, the machine/tool requirement gate and who may supervise. Layer: core (pure: time
// and days are arguments, nothing here reads a clock). Any thread (values only).
//
// Levels: 0 none, 1 learning (initiated), 2 autonomous, 3 can teach. A member's level on a
// skill is that of their latest grant (grants are append-only history). A level of 2 or 3
// falls back to 1 after the skill's lapse_months without a real machine session on a machine
// requiring the skill, counted from the later of the last session's end and the grant; only
// skills that some machine requires lapse (a tool-only skill has no sessions to count).
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::core {

using SkillId = std::int64_t;
using GrantId = std::int64_t;

inline constexpr int kLevelNone = 0;
inline constexpr int kLevelLearning = 1;
inline constexpr int kLevelAutonomous = 2;
inline constexpr int kLevelTeach = 3;
inline constexpr int kDefaultLapseMonths = 6;
inline constexpr int kLapseWarnDays = 14;  // the member is warned at badge-in from then on

// The level's name as a msgid ("none", "learning", "autonomous", "can teach"); French in
// skills.fr.po (aucun, initié, autonome, peut former). "?" outside 0..3.
std::string_view level_name(int level);

struct Skill {
    SkillId id = 0;
    std::string name;         // unique, case-insensitive
    std::string category;     // free text: "machine", "tool", "vélo"…
    std::string description;
    int lapse_months = kDefaultLapseMonths;  // 0: never lapses
    Timestamp created_at{};
    friend bool operator==(const Skill&, const Skill&) = default;
};

struct SkillGrant {
    GrantId id = 0;
    MemberId member = 0;
    SkillId skill = 0;
    int level = 0;
    std::optional<MemberId> signed_by;  // the trainer or host; none: command line or upgrade
    Timestamp signed_at{};
    std::optional<Date> expires;        // last valid day, inclusive
    std::string note;
    friend bool operator==(const SkillGrant&, const SkillGrant&) = default;
};

// What a machine or a tool requires. Level 1..3.
struct SkillRequirement {
    SkillId skill = 0;
    int level = kLevelAutonomous;
    friend bool operator==(const SkillRequirement&, const SkillRequirement&) = default;
};

// A member's level on a skill today, with why.
struct EffectiveLevel {
    int level = 0;                   // what the gates use
    int granted = 0;                 // the latest grant's level (0: no grant)
    bool expired = false;            // the grant's expiry day has passed: level 0
    bool lapsed = false;             // disuse: level fell from granted to 1
    std::optional<Date> lapses_on;   // the first day at level 1 (none: never, or already lapsed)
    bool warn = false;               // lapses within kLapseWarnDays
    friend bool operator==(const EffectiveLevel&, const EffectiveLevel&) = default;
};

// `d` plus `months` calendar months; a day past the end of the target month becomes its last day.
Date add_months(Date d, int months);

// The effective level from the latest grant (none: level 0). `anchor` is the local day of
// max(last session end on a machine requiring the skill, grant.signed_at); `machine_skill`
// tells whether any machine requires the skill (only those lapse); `today` the local day.
EffectiveLevel effective_level(const Skill& skill, const SkillGrant* latest, Date anchor, bool machine_skill,
                               Date today);

// Who signs a grant at the kiosk: their role and effective level on the skill. The command
// line signs as an admin (pass none).
struct Signer {
    MemberId id = 0;
    Role role = Role::member;
    EffectiveLevel level;
};

// The sign-off gate. `skill` null: unknown skill (`skill_name` as typed is named in the
// refusal). Refusals, in this order:
//   "No skill is named \"{0}\""                                         unknown skill
//   "{0} is not a skill level: 0 none, 1 learning, 2 autonomous, 3 can teach"
//   "Nobody signs off their own skill: ask another trainer or a host"
//   "{0} cannot grant {1} at level {2}: above their own level ({3})"   signer below the level asked
//   "The sign-off of {0} on {1} has lapsed (level {2} now): a host or another trainer must renew it first"
//   "Only a host or a member who can teach {0} (level 3) can sign it off; {1} is at level {2}"
// Hosts and admins may grant any level.
std::expected<void, Problem> check_grant(const Skill* skill, std::string_view skill_name, MemberId member, int level,
                                         const std::optional<Signer>& signer, std::string_view signer_name);

// The gate of a machine or tool named `what`: none when `have` reaches the requirement, else
//   "Skill needed for {0}: {1} at level {2} (you are at level {3})".
std::optional<Problem> check_requirement(std::string_view what, const Skill& skill, int needed, int have);

// A member at `have` may use something requiring `needed` under supervision: exactly one
// level short and at least learning (a level-1 member on a level-2 machine).
inline bool supervision_possible(int have, int needed) { return have >= kLevelLearning && have + 1 == needed; }
// Who may supervise: a host/admin, or a member who can teach the skill (effective level 3).
inline bool can_supervise(Role role, int effective) { return can_host(role) || effective >= kLevelTeach; }

// A skill's fields as typed: name 1-80 characters (trimmed, valid UTF-8, no control
// characters), category and description at most 80 / 2000, lapse_months 0..120.
std::expected<Skill, Problem> validate_skill(Skill s);
// "2" or "autonomous"/"autonome"… into 0..3.
std::optional<int> parse_level(std::string_view text);

}  // namespace etabli::core
