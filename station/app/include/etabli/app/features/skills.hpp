// Skills, their grants and what machines and tools require: the feature is in station_skills.cpp.
// Layer: app. Commands are built on any thread and posted; the feature runs on the Station thread.
#pragma once

#include <etabli/app/views.hpp>
#include <etabli/core/skills.hpp>
#include <etabli/app/feature_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// [Skills] handled in station_skills.cpp. `actor`/`signer` empty: the command line
// (trusted, acts as an admin). Machines and tools require a skill at a level; who may use a
// machine is derived from the grants (see station_skills.cpp).
struct AddSkill { core::Skill skill; std::optional<core::MemberId> actor; };   // id chosen by the station; hosts only
struct EditSkill { core::Skill skill; std::optional<core::MemberId> actor; };  // by id: name, category, description, lapse
// A grant signed by a trainer (level 3 on the skill) or a host; level 0 withdraws.
struct GrantSkill {
    core::SkillId skill = 0;
    core::MemberId member = 0;
    int level = core::kLevelAutonomous;
    std::optional<core::MemberId> signer;
    std::optional<core::Date> expires;  // last valid day
    std::string note;
};
// What a machine or a tool requires (none: nothing). Hosts only.
struct RequireSkill {
    enum class Target { machine, tool };
    Target target = Target::machine;
    std::int64_t id = 0;
    std::optional<core::SkillRequirement> requirement;
    std::optional<core::MemberId> actor;
};
// Two-badge sign-off at the kiosk: the trainer (badged in) starts it; the member's own badge
// at the kiosk reader within 60 s commits the grant (that tap checks nobody in or out).
struct StartSignOff {
    core::SkillId skill = 0;
    core::MemberId member = 0;
    int level = core::kLevelAutonomous;
    core::MemberId signer = 0;
    std::optional<core::Date> expires;
};
struct CancelSignOff {};

// The feature's descriptor (registered in features.hpp).
struct SkillsFeature {
    using commands = type_list<AddSkill, EditSkill, GrantSkill, RequireSkill, StartSignOff, CancelSignOff>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
