// The demo workshop's skills: the machines' skills already hold the demo authorisations
// as level-2 grants (AddMachine and Authorise do that); here a few members become trainers
// (level 3) so that sign-off and supervised use can be shown, and a bike skill is added.
// Idempotent: does nothing once any level-3 grant exists. Layer: cli. Main thread.
#include "context.hpp"

#include <etabli/core/skills.hpp>

#include <algorithm>

namespace etabli::cli {

int seed_demo_skills(Context& ctx) {
    auto& station = *ctx.station;
    auto snap = station.snapshot();
    if (std::any_of(snap->skills->levels.begin(), snap->skills->levels.end(),
                    [](const auto& l) { return l.grant.level >= core::kLevelTeach; }))
        return kDone;
    if (!snap->skills->find_name("Dévoilage de roue")) {
        core::Skill s;
        s.name = "Dévoilage de roue";
        s.category = "Vélo";
        s.description = "Redresser une roue voilée au centreur, tension des rayons";
        s.lapse_months = 0;
        if (auto r = station.call(app::AddSkill{s, std::nullopt}); !r) return ctx.fail(r.error());
        snap = station.snapshot();
    }
    auto member = [&](const char* name) -> std::optional<core::MemberId> {
        for (const auto& [id, m] : snap->directory->members)
            if (m.display_name == name) return id;
        return std::nullopt;
    };
    struct Teach {
        const char* skill;
        const char* member;
        int level;
    };
    const Teach grants[] = {
        {"Découpe laser", "Camille Martin", core::kLevelTeach},
        {"Imprimante 3D Prusa", "Camille Martin", core::kLevelTeach},
        {"Fraiseuse CNC", "Camille Martin", core::kLevelTeach},
        {"Imprimante 3D Prusa", "Léa Dubois", core::kLevelTeach},
        {"Découpe laser", "Hugo Bernard", core::kLevelLearning},  // may use the laser under supervision
        {"Dévoilage de roue", "Hugo Bernard", core::kLevelTeach},
        {"Dévoilage de roue", "Léa Dubois", core::kLevelLearning},
    };
    for (const auto& g : grants) {
        const auto* skill = snap->skills->find_name(g.skill);
        const auto who = member(g.member);
        if (!skill || !who) continue;  // the demo members or machines were changed by hand
        if (auto r = station.call(app::GrantSkill{skill->id, *who, g.level, std::nullopt, std::nullopt, "demo"}); !r)
            return ctx.fail(r.error());
    }
    return kDone;
}

}  // namespace etabli::cli
