// The skill rules (see skills.hpp): level names, lapse by disuse, the sign-off gate, the
// requirement gate and the checks of typed skill fields. Layer: core (pure). Any thread.
#include <etabli/core/skills.hpp>
#include <etabli/core/i18n.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace etabli::core {

using namespace std::chrono;

std::string_view level_name(int level) {
    switch (level) {
    case kLevelNone: return N_("none");
    case kLevelLearning: return N_("learning");
    case kLevelAutonomous: return N_("autonomous");
    case kLevelTeach: return N_("can teach");
    default: return "?";
    }
}

Date add_months(Date d, int months) {
    const year_month ym = year_month{d.year(), d.month()} + std::chrono::months{months};
    const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    return Date{ym.year(), ym.month(), std::min(d.day(), last)};
}

EffectiveLevel effective_level(const Skill& skill, const SkillGrant* latest, Date anchor, bool machine_skill,
                               Date today) {
    EffectiveLevel e;
    if (!latest) return e;
    e.granted = latest->level;
    e.level = latest->level;
    if (latest->expires && today > *latest->expires) {
        // An expiry is a decision of the trainer (a yearly re-check): past it nothing is left.
        e.expired = true;
        e.level = kLevelNone;
        return e;
    }
    // Only autonomous and teaching levels lapse, and only for skills some machine requires:
    // disuse is measured from machine sessions, and a tool-only skill has none to count.
    if (e.granted < kLevelAutonomous || !machine_skill || skill.lapse_months <= 0) return e;
    const Date lapse = add_months(anchor, skill.lapse_months);
    if (today >= lapse) {
        e.lapsed = true;
        e.level = kLevelLearning;
        return e;
    }
    e.lapses_on = lapse;
    e.warn = sys_days{today} + days{kLapseWarnDays} >= sys_days{lapse};
    return e;
}

std::expected<void, Problem> check_grant(const Skill* skill, std::string_view skill_name, MemberId member, int level,
                                         const std::optional<Signer>& signer, std::string_view signer_name) {
    if (!skill) return std::unexpected(problem("No skill is named \"{0}\"", {std::string(skill_name)}));
    if (level < kLevelNone || level > kLevelTeach)
        return std::unexpected(problem("{0} is not a skill level: 0 none, 1 learning, 2 autonomous, 3 can teach",
                                       {std::to_string(level)}));
    if (!signer) return {};  // the command line: an admin at the terminal
    // Two people sign off a skill; an admin (who configures the station anyway) is trusted.
    if (signer->id == member && signer->role != Role::admin)
        return std::unexpected(problem("Nobody signs off their own skill: ask another trainer or a host"));
    if (can_host(signer->role)) return {};
    const int own = signer->level.level;
    // A trainer whose level-3 grant lapsed or expired gets the reason, not a bare "level 1".
    if (signer->level.granted >= kLevelTeach && own < kLevelTeach)
        return std::unexpected(problem(
            "The sign-off of {0} on {1} has lapsed (level {2} now): a host or another trainer must renew it first",
            {std::string(signer_name), skill->name, std::to_string(own)}));
    if (level > own)
        return std::unexpected(problem("{0} cannot grant {1} at level {2}: above their own level ({3})",
                                       {std::string(signer_name), skill->name, std::to_string(level), std::to_string(own)}));
    if (own < kLevelTeach)
        return std::unexpected(problem("Only a host or a member who can teach {0} (level 3) can sign it off; {1} is at level {2}",
                                       {skill->name, std::string(signer_name), std::to_string(own)}));
    return {};
}

std::optional<Problem> check_requirement(std::string_view what, const Skill& skill, int needed, int have) {
    if (have >= needed) return std::nullopt;
    return problem("Skill needed for {0}: {1} at level {2} (you are at level {3})",
                   {std::string(what), skill.name, std::to_string(needed), std::to_string(have)});
}

namespace {
bool text_ok(std::string_view s) {
    if (!utf8_length(s)) return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n') || u == 0x7F;
    });
}
}  // namespace

std::expected<Skill, Problem> validate_skill(Skill s) {
    auto name = normalize_name(s.name);
    if (!name) return std::unexpected(name.error());
    s.name = std::move(*name);
    if (!text_ok(s.category) || *utf8_length(s.category) > 80 || s.category.find('\n') != std::string::npos)
        return std::unexpected(problem("The skill category must be one line of 80 characters at most"));
    if (!text_ok(s.description) || *utf8_length(s.description) > 2000)
        return std::unexpected(problem("The skill description must be valid text of 2000 characters at most"));
    if (s.lapse_months < 0 || s.lapse_months > 120)
        return std::unexpected(problem("The lapse must be 0 to 120 months (0: never)"));
    return s;
}

std::optional<int> parse_level(std::string_view text) {
    std::string t;
    for (char c : text)
        if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.size() == 1 && t[0] >= '0' && t[0] <= '3') return t[0] - '0';
    if (t == "none" || t == "aucun") return kLevelNone;
    if (t == "learning" || t == "initié" || t == "initie" || t == "apprentissage") return kLevelLearning;
    if (t == "autonomous" || t == "autonome") return kLevelAutonomous;
    if (t == "canteach" || t == "teach" || t == "peutformer" || t == "formateur") return kLevelTeach;
    return std::nullopt;
}

}  // namespace etabli::core
