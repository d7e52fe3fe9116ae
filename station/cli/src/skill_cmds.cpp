// The skills commands of the command line (see skill_cmds.hpp). Layer: cli. Main thread.
#include "io.hpp"
#include "skill_cmds.hpp"

#include <etabli/core/skills.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::expected<const core::Skill*, core::Problem> find_skill(const app::Snapshot& s, const std::string& key) {
    for (const auto& k : s.skills->skills)
        if (std::to_string(k.id) == key || lower(k.name) == lower(key)) return &k;
    return std::unexpected(problem("No skill is named \"{0}\"", {key}));
}

std::expected<int, core::Problem> level_arg(const std::string& text) {
    if (auto l = core::parse_level(text)) return *l;
    return std::unexpected(problem("{0} is not a skill level: 0 none, 1 learning, 2 autonomous, 3 can teach", {text}));
}

json level_json(const app::MemberSkillView& l, const app::Directory& dir) {
    const auto* m = dir.find(l.member);
    json j{{"member", l.member},
           {"name", m ? m->display_name : ""},
           {"level", l.level.level},
           {"granted", l.grant.level},
           {"lapsed", l.level.lapsed},
           {"expired", l.level.expired},
           {"warn", l.level.warn},
           {"signed_at", core::format_timestamp(l.grant.signed_at)}};
    j["lapses_on"] = l.level.lapses_on ? json(core::format_date(*l.level.lapses_on)) : json(nullptr);
    j["expires"] = l.grant.expires ? json(core::format_date(*l.grant.expires)) : json(nullptr);
    j["signed_by"] = l.grant.signed_by ? json(*l.grant.signed_by) : json(nullptr);
    return j;
}

json skill_json(const core::Skill& s) {
    return json{{"id", s.id}, {"name", s.name}, {"category", s.category}, {"description", s.description},
                {"lapse_months", s.lapse_months}};
}

}  // namespace

SkillCommands::SkillCommands(CLI::App& app) {
    auto* skill = app.add_subcommand("skill", "Skills: add, list, show, grant, who");
    skill->require_subcommand(1);
    m_add = skill->add_subcommand("add", "Add a skill; prints its number");
    m_add->add_option("NAME", m_name, "Name, e.g. \"Dévoilage de roue\"")->required();
    m_add->add_option("--category", m_category, "Category, e.g. vélo, bois");
    m_add->add_option("--description", m_description, "What it covers");
    m_add->add_option("--lapse-months", m_lapse, "Months without a session before level 2 falls to 1 (0: never)")
        ->default_val(6);
    m_list = skill->add_subcommand("list", "List the skills");
    m_show = skill->add_subcommand("show", "Show a skill: members' levels and lapse dates");
    m_show->add_option("NAME", m_name, "Name or number")->required();
    m_grant = skill->add_subcommand("grant", "Grant a level (0 withdraws), signed by a trainer or host");
    m_grant->add_option("NAME", m_name, "Name or number")->required();
    m_grant->add_option("--member", m_member, "Member number")->required();
    m_grant->add_option("--level", m_level, "0 none, 1 learning, 2 autonomous, 3 can teach")->required();
    m_by_opt = m_grant->add_option("--by", m_by, "Member number of the trainer (level 3) or host who signs; none: the command line");
    m_grant->add_option("--expires", m_expires, "Last valid day, YYYY-MM-DD");
    m_grant->add_option("--note", m_note, "A note kept with the grant");
    m_who = skill->add_subcommand("who", "Members at level 2 or more, highest first");
    m_who->add_option("NAME", m_name, "Name or number")->required();
    m_who->add_flag("--present", m_present, "Only those checked in now");

    auto* machine = app.get_subcommand("machine");
    m_machine_require = machine->add_subcommand("require", "Require a skill at a level to use a machine");
    m_machine_require->add_option("MACHINE", m_target, "Number or name")->required();
    auto* skill_opt = m_machine_require->add_option("--skill", m_skill, "Skill name or number");
    auto* none_opt = m_machine_require->add_flag("--none", m_none, "Require nothing: open to every member");
    skill_opt->excludes(none_opt);
    m_machine_require->add_option("--level", m_level, "1, 2 or 3")->default_val("2");
    auto* tool = app.get_subcommand("tool");
    m_tool_require = tool->add_subcommand("require", "Require a skill at a level to borrow a tool");
    m_tool_require->add_option("TAG", m_target, "Tool tag")->required();
    skill_opt = m_tool_require->add_option("--skill", m_skill, "Skill name or number");
    none_opt = m_tool_require->add_flag("--none", m_none, "Require nothing: any member may borrow it");
    skill_opt->excludes(none_opt);
    m_tool_require->add_option("--level", m_level, "1, 2 or 3")->default_val("2");
}

std::optional<int> SkillCommands::run(Context& ctx) {
    if (!m_add->parsed() && !m_list->parsed() && !m_show->parsed() && !m_grant->parsed() && !m_who->parsed() &&
        !m_machine_require->parsed() && !m_tool_require->parsed())
        return std::nullopt;
    auto fail = [&](const core::Problem& p) { return ctx.fail(p); };
    // Checked before the station starts: a typo costs nothing.
    std::optional<int> level;
    if (m_grant->parsed() || m_machine_require->parsed() || m_tool_require->parsed()) {
        auto l = level_arg(m_level);
        if (!l) return ctx.fail(kBadInput, l.error());
        level = *l;
    }
    std::optional<core::Date> expires;
    if (!m_expires.empty()) {
        expires = core::parse_date(m_expires);
        if (!expires)
            return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_expires}));
    }
    const bool requiring = m_machine_require->parsed() || m_tool_require->parsed();
    if (requiring && !m_none && m_skill.empty())
        return ctx.fail(kBadInput, problem("Say which skill with --skill NAME, or --none to require nothing"));
    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    const auto snap = station.snapshot();
    const app::Directory& dir = *snap->directory;
    if (requiring) return require(ctx, *snap, *level);

    if (m_add->parsed()) {
        core::Skill s;
        s.name = m_name;
        s.category = m_category;
        s.description = m_description;
        s.lapse_months = m_lapse;
        auto r = station.call(app::AddSkill{s, std::nullopt});
        if (!r) return fail(r.error());
        const auto& made = std::get<core::Skill>(*r);
        if (ctx.json) cli_out() << json{{"id", made.id}}.dump() << '\n';
        else cli_out() << made.id << '\n';
        return kDone;
    }
    if (m_list->parsed()) {
        json arr = json::array();
        for (const auto& s : snap->skills->skills) {
            const auto n = snap->skills->who(s.id, core::kLevelAutonomous).size();
            if (ctx.json) {
                auto j = skill_json(s);
                j["autonomous_or_more"] = n;
                arr.push_back(j);
            } else {
                cli_out() << fmt::format("{:>4}  {:<28} {:<12} {}\n", s.id, s.name, s.category.empty() ? "-" : s.category, n);
            }
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }

    auto skill = find_skill(*snap, m_name);
    if (!skill) return ctx.fail(kBadInput, skill.error());
    const core::Skill& sk = **skill;

    if (m_show->parsed()) {
        const auto& v = *snap->skills;
        if (ctx.json) {
            auto j = skill_json(sk);
            json levels = json::array();
            for (const auto& l : v.levels)
                if (l.skill == sk.id) levels.push_back(level_json(l, dir));
            j["levels"] = levels;
            json machines = json::array(), tools = json::array();
            for (const auto& [id, req] : v.machines)
                if (req.skill == sk.id) machines.push_back(json{{"machine", id}, {"level", req.level}});
            for (const auto& [id, req] : v.tools)
                if (req.skill == sk.id) tools.push_back(json{{"tool", id}, {"level", req.level}});
            j["machines"] = machines;
            j["tools"] = tools;
            cli_out() << j.dump() << '\n';
            return kDone;
        }
        cli_out() << sk.name << (sk.category.empty() ? "" : "  (" + sk.category + ")") << '\n';
        if (!sk.description.empty()) cli_out() << sk.description << '\n';
        for (const auto& l : v.levels) {
            if (l.skill != sk.id) continue;
            const auto* m = dir.find(l.member);
            std::string when;
            if (l.level.lapsed) when = ctx.t("lapsed");
            else if (l.level.expired) when = ctx.t("expired");
            else if (l.level.lapses_on) when = format_local_date(*l.level.lapses_on, ctx.lang);
            cli_out() << fmt::format("{:>6}  {:<24} {} {:<12} {}\n", l.member, m ? m->display_name : "?", l.level.level,
                                     ctx.t(core::level_name(l.level.level)), when);
        }
        return kDone;
    }
    if (m_who->parsed()) {
        json arr = json::array();
        for (const auto* l : snap->skills->who(sk.id, core::kLevelAutonomous)) {
            if (m_present && std::none_of(snap->present.begin(), snap->present.end(),
                                          [&](const auto& p) { return p.id == l->member; }))
                continue;
            if (ctx.json) {
                arr.push_back(level_json(*l, dir));
            } else {
                const auto* m = dir.find(l->member);
                cli_out() << fmt::format("{:>6}  {:<24} {} {}\n", l->member, m ? m->display_name : "?", l->level.level,
                                         ctx.t(core::level_name(l->level.level)));
            }
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_grant->parsed()) {
        if (!dir.find(m_member))
            return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(m_member)}));
        std::optional<core::MemberId> by;
        if (m_by_opt->count() > 0) {
            if (!dir.find(m_by)) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(m_by)}));
            by = m_by;
        }
        auto r = station.call(app::GrantSkill{sk.id, m_member, *level, by, expires, m_note});
        if (!r) return ctx.fail(r.error().kind == core::Problem::Kind::storage ? kStorage : kRefused, r.error());
        const auto& g = std::get<core::SkillGrant>(*r);
        if (ctx.json) cli_out() << json{{"id", g.id}, {"member", g.member}, {"skill", g.skill}, {"level", g.level}}.dump() << '\n';
        else cli_out() << g.id << '\n';
        return kDone;
    }
    return std::nullopt;
}

// machine require / tool require: a skill at a level, or --none; says what now holds.
int SkillCommands::require(Context& ctx, const app::Snapshot& snap, int level) {
    app::RequireSkill cmd;
    std::string name;
    if (m_machine_require->parsed()) {
        cmd.target = app::RequireSkill::Target::machine;
        std::optional<alloc::MachineId> id;
        for (const auto& m : snap.machines)
            if (std::to_string(m.machine.id) == m_target || lower(m.machine.name) == lower(m_target)) {
                id = m.machine.id;
                name = m.machine.name;
            }
        if (!id)
            return ctx.fail(kBadInput, problem("No machine is called or numbered \"{0}\" (see: etabli machine list)", {m_target}));
        cmd.id = *id;
    } else {
        cmd.target = app::RequireSkill::Target::tool;
        auto tag = core::normalize_tag(m_target);
        if (!tag) return ctx.fail(kBadInput, tag.error());
        std::optional<core::ToolId> id;
        for (const auto& t : snap.tools->tools)
            if (t.tag == *tag) {
                id = t.id;
                name = t.name;
            }
        if (!id) return ctx.fail(kBadInput, problem("No tool has the tag {0} (see: etabli tool list)", {*tag}));
        cmd.id = *id;
    }
    const core::Skill* sk = nullptr;
    if (!m_none) {
        auto skill = find_skill(snap, m_skill);
        if (!skill) return ctx.fail(kBadInput, skill.error());
        sk = *skill;
        cmd.requirement = core::SkillRequirement{sk->id, level};
    }
    if (auto r = ctx.station->call(cmd); !r) return ctx.fail(r.error());
    if (ctx.json) {
        json j{{"id", cmd.id}};
        if (sk) j.update(json{{"skill", sk->id}, {"level", level}});
        else j["skill"] = nullptr;
        cli_out() << j.dump() << '\n';
    } else if (sk) {
        cli_out() << core::fill_placeholders(ctx.t("{0} now requires {1} at level {2}"), {name, sk->name, std::to_string(level)})
                  << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t(cmd.target == app::RequireSkill::Target::machine
                                                       ? "{0} requires no skill now: every member may use it"
                                                       : core::N_("{0} requires no skill now: every member may borrow it")),
                                             {name})
                  << '\n';
    }
    return kDone;
}

}  // namespace etabli::cli
