// Skills as the Station shows them: the catalogue, every member's effective level,
// what machines and tools require, the pending two-badge sign-off and the refused taps that
// wait for a supervisor. Also the rows the Store loads and commits for skills.
// Layer: app. Built on the station thread, then shared read-only with any thread.
#pragma once

#include <etabli/alloc/model.hpp>
#include <etabli/core/skills.hpp>
#include <etabli/core/tools.hpp>

#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace etabli::app {

// [Store rows]
struct LastUse {                       // the end of the member's last session on a machine requiring the skill
    core::MemberId member = 0;
    core::SkillId skill = 0;
    core::Timestamp ended{};
};
struct SkillData {
    std::vector<core::Skill> skills;
    std::vector<core::SkillGrant> latest;  // the latest grant of each (member, skill)
    std::map<alloc::MachineId, core::SkillRequirement> machines;  // machines with a skill_id
    std::map<core::ToolId, core::SkillRequirement> tools;         // tools with a skill_id
    std::vector<LastUse> last_use;     // from the sessions table, one GROUP BY query
    core::GrantId max_grant_id = 0;
    core::SkillId max_skill_id = 0;
};
struct MachineRequirement { alloc::MachineId machine = 0; std::optional<core::SkillRequirement> requirement; };
struct ToolRequirement { core::ToolId tool = 0; std::optional<core::SkillRequirement> requirement; };
// One skills use case: skills to upsert by id, grants to append (ids chosen by the station),
// requirements to set (none: nothing required). Events: skill.added, skill.changed,
// skill.granted, skill.required.
// A training whose levels the grants of the same SkillChanges give: marked granted (only if
// it is not yet) in the same transaction, so that a failure leaves neither, and a retry
// neither grants twice nor misses the mark.
struct TrainingGranted {
    std::int64_t training = 0;  // core::TrainingId
    core::Timestamp at{};
    int level = 0;
};
struct SkillChanges {
    std::vector<core::Skill> skills;
    std::vector<core::SkillGrant> grants;
    std::vector<MachineRequirement> machines;
    std::vector<ToolRequirement> tools;
    std::optional<TrainingGranted> training;
    bool empty() const { return skills.empty() && grants.empty() && machines.empty() && tools.empty() && !training; }
};

// [Views]
struct MemberSkillView {
    core::MemberId member = 0;
    core::SkillId skill = 0;
    core::SkillGrant grant;        // the latest grant
    core::EffectiveLevel level;    // as of the snapshot's day
};
// A trainer started a sign-off at the kiosk: the member's badge at the kiosk reader before
// `expires_at` commits the grant (StartSignOff).
struct PendingSignOff {
    core::SkillId skill = 0;
    core::MemberId member = 0;
    int level = 0;
    core::MemberId signer = 0;
    std::optional<core::Date> expires;  // the grant's expiry day
    core::Timestamp expires_at{};
};
// A member one level short was refused at a machine (reader or kiosk start button): a
// supervisor's badge at that machine's reader, or at the kiosk reader, before `expires_at`
// starts the session under supervision.
struct PendingSupervision {
    alloc::MachineId machine = 0;
    core::MemberId member = 0;
    core::SkillId skill = 0;
    core::Timestamp expires_at{};
};

struct SkillsView {
    std::vector<core::Skill> skills;                              // by name
    std::vector<MemberSkillView> levels;                          // every (member, skill) with a grant, by skill id then member
    std::map<alloc::MachineId, core::SkillRequirement> machines;  // required skill of each machine (absent: none)
    std::map<core::ToolId, core::SkillRequirement> tools;         // required skill of each tool (absent: none)
    std::optional<PendingSignOff> sign_off;
    std::optional<core::Problem> sign_off_problem;                // the last kiosk sign-off refused (wrong badge, rule)
    std::vector<PendingSupervision> supervision;

    const core::Skill* find(core::SkillId id) const {
        for (const auto& s : skills)
            if (s.id == id) return &s;
        return nullptr;
    }
    const core::Skill* find_name(std::string_view name) const;  // case-insensitive (ASCII)
    const MemberSkillView* level_of(core::MemberId member, core::SkillId skill) const {
        for (const auto& l : levels)
            if (l.member == member && l.skill == skill) return &l;
        return nullptr;
    }
    int effective(core::MemberId member, core::SkillId skill) const {
        const auto* l = level_of(member, skill);
        return l ? l->level.level : 0;
    }
    std::vector<const MemberSkillView*> of_member(core::MemberId member) const {
        std::vector<const MemberSkillView*> out;
        for (const auto& l : levels)
            if (l.member == member) out.push_back(&l);
        return out;
    }
    // Members at `min_level` or more on `skill` (effective), highest level first.
    std::vector<const MemberSkillView*> who(core::SkillId skill, int min_level) const;
};

}  // namespace etabli::app
