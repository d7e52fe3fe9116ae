// The Station's skills: the catalogue, the grants (latest per member and
// skill), what machines and tools require, and the gates derived from them: who may use each
// machine (computed here and set into the engine's per-machine bitmap, so the engine's
// decision path is unchanged), the tool lend check, supervised use (a member one level short
// starts while a present trainer or host confirms with their badge within 60 s), and the
// two-badge sign-off at the kiosk. Layer: app. Thread: the station thread only.
//
// [SECTION] index
//   State        what the station keeps of skills in memory
//   Levels       effective levels, the derived machine lists
//   Commands     handle_skills, the old authorise commands as grants
//   Badges       the machine gate (supervision), the kiosk tap (sign-off, supervisor), check-out
//   Housekeeping a new day (lapse), pending badges running out
//   Publishing   the SkillsView
//
// Every change is built as an app::SkillChanges, committed in one transaction, and only then
// applied to memory, so memory never runs ahead of the disk.
#include <etabli/app/rights.hpp>
#include <etabli/app/station.hpp>

#include "legacy_features.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace etabli::app {

using namespace std::chrono;
using core::problem;

namespace {
constexpr seconds kBadgeWindow{60};  // a supervisor's or member's confirming badge
std::string num(std::int64_t v) { return std::to_string(v); }
bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

// [SECTION] State
namespace skills_detail {
// The data of Station::SkillsState, in a type the helpers below may name (the nested one is private).
struct SkillBook {
    std::map<core::SkillId, core::Skill> skills;
    std::map<core::SkillId, std::map<core::MemberId, core::SkillGrant>> grants;  // latest, by skill then member
    std::map<alloc::MachineId, core::SkillRequirement> machines;
    std::map<core::ToolId, core::SkillRequirement> tools;
    std::map<std::pair<core::MemberId, core::SkillId>, core::Timestamp> last_use;  // last session end
    core::GrantId max_grant = 0;
    core::SkillId max_skill = 0;
    std::optional<core::Date> day;  // the local day the machine lists were derived for
    std::size_t members_seen = 0;   // machines requiring nothing list every member
    std::optional<PendingSignOff> sign_off;
    std::optional<core::Problem> sign_off_problem;
    std::vector<PendingSupervision> supervision;
    bool dirty = true;
    std::shared_ptr<const SkillsView> view;

    const core::Skill* skill(core::SkillId id) const {
        auto it = skills.find(id);
        return it == skills.end() ? nullptr : &it->second;
    }
    const core::Skill* skill_named(std::string_view name) const {
        for (const auto& [id, s] : skills)
            if (same_name(s.name, name)) return &s;
        return nullptr;
    }
    const core::SkillGrant* grant(core::MemberId m, core::SkillId s) const {
        auto gi = grants.find(s);
        if (gi == grants.end()) return nullptr;
        auto it = gi->second.find(m);
        return it == gi->second.end() ? nullptr : &it->second;
    }
    bool machine_skill(core::SkillId s) const {
        return std::any_of(machines.begin(), machines.end(), [&](const auto& kv) { return kv.second.skill == s; });
    }
    // Applies a committed change to memory.
    void apply(const SkillChanges& c) {
        for (const auto& s : c.skills) {
            skills[s.id] = s;
            max_skill = std::max(max_skill, s.id);
        }
        for (const auto& m : c.machines) {
            if (m.requirement) machines[m.machine] = *m.requirement;
            else machines.erase(m.machine);
        }
        for (const auto& t : c.tools) {
            if (t.requirement) tools[t.tool] = *t.requirement;
            else tools.erase(t.tool);
        }
        for (const auto& g : c.grants) {
            grants[g.skill][g.member] = g;
            max_grant = std::max(max_grant, g.id);
        }
        dirty = true;
    }
};
}  // namespace skills_detail
using skills_detail::SkillBook;
struct Station::SkillsState : SkillBook {};

// A trainer for the rights table: level 3 on some skill (the handlers check which).
bool Station::is_trainer(core::MemberId member) const {
    if (!m_skills) return false;
    for (const auto& [skill, by_member] : m_skills->grants)
        if (auto it = by_member.find(member); it != by_member.end() && it->second.level >= core::kLevelTeach) return true;
    return false;
}

std::expected<void, Problem> Station::load_skills() {
    auto data = m_store.load_skills();
    if (!data) return std::unexpected(data.error());
    auto ss = std::make_shared<SkillsState>();
    for (auto& s : data->skills) ss->skills[s.id] = std::move(s);
    for (auto& g : data->latest) ss->grants[g.skill][g.member] = std::move(g);
    ss->machines = std::move(data->machines);
    ss->tools = std::move(data->tools);
    for (const auto& u : data->last_use) ss->last_use[{u.member, u.skill}] = u.ended;
    ss->max_grant = data->max_grant_id;
    ss->max_skill = data->max_skill_id;
    m_skills = std::move(ss);
    apply_skill_gates();
    return {};
}

// [SECTION] Levels
namespace {
core::EffectiveLevel level_of(const SkillBook& ss, const Calendar& cal, core::MemberId m,
                              core::SkillId s, core::Date today) {
    const core::Skill* skill = ss.skill(s);
    const core::SkillGrant* g = ss.grant(m, s);
    if (!skill || !g) return {};
    // Disuse counts from the later of the last real session and the grant (a renewal).
    core::Timestamp anchor = g->signed_at;
    if (auto lu = ss.last_use.find({m, s}); lu != ss.last_use.end() && lu->second > anchor) anchor = lu->second;
    return core::effective_level(*skill, g, cal.local_day(anchor), ss.machine_skill(s), today);
}

std::vector<core::MemberId> allowed_on(const SkillBook& ss, const Calendar& cal, const Directory& dir,
                                       alloc::MachineId machine, core::Date today) {
    std::vector<core::MemberId> who;
    auto req = ss.machines.find(machine);
    if (req == ss.machines.end()) {
        // Nothing required (a host removed the requirement): everyone may use it.
        for (const auto& [id, m] : dir.members) who.push_back(id);
        return who;
    }
    auto gi = ss.grants.find(req->second.skill);
    if (gi == ss.grants.end()) return who;
    for (const auto& [member, g] : gi->second)
        if (level_of(ss, cal, member, req->second.skill, today).level >= req->second.level) who.push_back(member);
    return who;
}
}  // namespace

void Station::apply_skill_gates() {
    alloc::Engine* eng = engine();
    if (!m_skills || !eng) return;
    SkillsState& ss = *m_skills;
    const auto today = m_calendar.local_day(m_clock.now());
    for (const auto& [id, mc] : eng->machines()) eng->set_authorised(id, allowed_on(ss, m_calendar, directory(), id, today));
    ss.day = today;
    ss.members_seen = directory().members.size();
    ss.dirty = true;
}

namespace {
// The machines requiring `skill` get their lists derived again (a grant, a session's end).
void regate_skill(SkillBook& ss, alloc::Engine& eng, const Calendar& cal, const Directory& dir,
                  core::SkillId skill, core::Date today) {
    for (const auto& [id, req] : ss.machines)
        if (req.skill == skill && eng.machine(id)) eng.set_authorised(id, allowed_on(ss, cal, dir, id, today));
    ss.dirty = true;
}
}  // namespace

void Station::skills_after_alloc(const alloc::Changes& c) {
    if (!m_skills || !engine()) return;
    SkillsState& ss = *m_skills;
    std::set<core::SkillId> touched;
    for (const auto& s : c.sessions) {
        if (!s.ended) continue;
        auto req = ss.machines.find(s.machine);
        if (req == ss.machines.end()) continue;
        auto& last = ss.last_use[{s.member, req->second.skill}];
        if (*s.ended > last) last = *s.ended;
        touched.insert(req->second.skill);
    }
    const auto today = m_calendar.local_day(m_clock.now());
    for (auto skill : touched) regate_skill(ss, *engine(), m_calendar, directory(), skill, today);
}

std::optional<Problem> Station::tool_skill_refusal(const core::Tool& tool, core::MemberId member) const {
    if (!m_skills) return std::nullopt;
    const SkillsState& ss = *m_skills;
    auto req = ss.tools.find(tool.id);
    if (req == ss.tools.end()) {
        // Marked as needing an authorisation but nobody granted any yet: nobody borrows it.
        if (tool.needs_authorisation)
            return problem("{0} needs an authorisation: ask a host to show you the tool and authorise you", {tool.name});
        return std::nullopt;
    }
    const core::Skill* skill = ss.skill(req->second.skill);
    if (!skill) return std::nullopt;
    const int have = level_of(ss, m_calendar, member, skill->id, m_calendar.local_day(m_clock.now())).level;
    return core::check_requirement(tool.name, *skill, req->second.level, have);
}

// The engine answers a booking, a queue or a slot search for a member missing a machine's
// skill with its generic "not authorised" text (its derived lists do not know why); the
// member is told which skill, at which level, and their own, as at the machine's reader.
std::optional<Problem> Station::skills_alloc_refusal(const alloc::QueueTarget& target, core::MemberId member) {
    alloc::Engine* eng = engine();
    if (!m_skills || !eng) return std::nullopt;
    const SkillsState& ss = *m_skills;
    const auto today = m_calendar.local_day(m_clock.now());
    std::optional<Problem> first;
    for (const auto& [id, mc] : eng->machines()) {
        if (target.machine ? id != *target.machine : (!target.pool || mc.pool != target.pool)) continue;
        auto req = ss.machines.find(id);
        if (req == ss.machines.end()) return std::nullopt;  // requires nothing: not the skill's doing
        const core::Skill* skill = ss.skill(req->second.skill);
        if (!skill) return std::nullopt;
        const int have = level_of(ss, m_calendar, member, skill->id, today).level;
        auto refusal = core::check_requirement(target.machine ? mc.name : *target.pool, *skill, req->second.level, have);
        if (!refusal) return std::nullopt;  // one machine of the pool would do: another rule refused
        if (!first) first = std::move(refusal);
    }
    return first;
}

Problem Station::skills_explain(Problem engine_refusal, const alloc::QueueTarget& target, core::MemberId member) {
    if (engine_refusal.msgid != "Not authorised on {0}: a host authorises members after their training")
        return engine_refusal;
    auto p = skills_alloc_refusal(target, member);
    return p ? *p : engine_refusal;
}

// [SECTION] Commands
namespace {
std::optional<Problem> need_host(const Directory& dir, std::optional<core::MemberId> actor, const char* msgid) {
    if (!actor) return std::nullopt;
    const auto* m = dir.find(*actor);
    if (!m || !core::can_host(m->role)) return problem(msgid);
    return std::nullopt;
}
}  // namespace

namespace {
// Commits `c` and applies it; a failed write changes nothing in memory.
std::expected<void, Problem> commit_skills(Store& store, SkillBook& ss, const SkillChanges& c,
                                           std::optional<core::MemberId> actor, core::Timestamp now) {
    if (c.empty()) return {};
    if (auto r = store.commit_skills(c, actor, now); !r) {
        auto p = r.error();
        p.kind = core::Problem::Kind::storage;
        return std::unexpected(p);
    }
    ss.apply(c);
    return {};
}

// The skill named after a machine or tool (the 007 upgrade's rule), created in `c` when missing.
core::SkillId skill_named_after(SkillBook& ss, SkillChanges& c, const std::string& name,
                                const char* category, core::Timestamp now) {
    if (const auto* s = ss.skill_named(name)) return s->id;
    for (const auto& s : c.skills)
        if (same_name(s.name, name)) return s.id;
    core::Skill s;
    s.id = ss.max_skill + 1 + static_cast<core::SkillId>(c.skills.size());
    s.name = name;
    s.category = category;
    s.created_at = now;
    c.skills.push_back(s);
    return s.id;
}
}  // namespace

Result Station::handle_skills(const Command& c) {
    if (!m_skills) return std::unexpected(problem("The station is not running"));
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    const Directory& dir = directory();
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, AddSkill> || std::is_same_v<T, EditSkill>) {
                if (auto p = need_host(dir, cmd.actor, "Only a host can change the skills")) return std::unexpected(*p);
                auto s = core::validate_skill(cmd.skill);
                if (!s) return std::unexpected(s.error());
                if constexpr (std::is_same_v<T, AddSkill>) {
                    s->id = ss.max_skill + 1;
                    s->created_at = now;
                } else {
                    const auto* old = ss.skill(s->id);
                    if (!old) return std::unexpected(problem("No skill has the number {0}", {num(s->id)}));
                    s->created_at = old->created_at;
                }
                if (const auto* same = ss.skill_named(s->name); same && same->id != s->id)
                    return std::unexpected(problem("A skill named \"{0}\" already exists", {same->name}));
                SkillChanges ch;
                ch.skills.push_back(*s);
                if (auto r = commit_skills(m_store, ss, ch, cmd.actor, now); !r) return std::unexpected(r.error());
                return *s;
            } else if constexpr (std::is_same_v<T, GrantSkill>) {
                const auto* member = dir.find(cmd.member);
                if (!member) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
                const auto* skill = ss.skill(cmd.skill);
                if (!skill) return std::unexpected(problem("No skill has the number {0}", {num(cmd.skill)}));
                std::optional<core::Signer> signer;
                std::string signer_name;
                if (cmd.signer) {
                    const auto* who = dir.find(*cmd.signer);
                    if (!who) return std::unexpected(problem("No member has the number {0}", {num(*cmd.signer)}));
                    signer = core::Signer{who->id, who->role, level_of(ss, m_calendar, who->id, skill->id, today)};
                    signer_name = who->display_name;
                }
                if (auto ok = core::check_grant(skill, skill->name, cmd.member, cmd.level, signer, signer_name); !ok)
                    return std::unexpected(ok.error());
                if (cmd.expires && *cmd.expires < today)
                    return std::unexpected(problem("The expiry day {0} has already passed", {core::format_date(*cmd.expires)}));
                if (cmd.note.size() > 500) return std::unexpected(problem("The note is too long (500 characters at most)"));
                core::SkillGrant g;
                g.id = ss.max_grant + 1;
                g.member = cmd.member;
                g.skill = skill->id;
                g.level = cmd.level;
                g.signed_by = cmd.signer;
                g.signed_at = now;
                g.expires = cmd.expires;
                g.note = cmd.note;
                SkillChanges ch;
                ch.grants.push_back(g);
                if (auto r = commit_skills(m_store, ss, ch, cmd.signer, now); !r) return std::unexpected(r.error());
                if (engine()) regate_skill(ss, *engine(), m_calendar, dir, g.skill, today);
                return g;
            } else if constexpr (std::is_same_v<T, RequireSkill>) {
                if (auto p = need_host(dir, cmd.actor, "Only a host can change the skills")) return std::unexpected(*p);
                if (cmd.requirement) {
                    if (!ss.skill(cmd.requirement->skill))
                        return std::unexpected(problem("No skill has the number {0}", {num(cmd.requirement->skill)}));
                    if (cmd.requirement->level < core::kLevelLearning || cmd.requirement->level > core::kLevelTeach)
                        return std::unexpected(problem("A requirement is a level from 1 to 3, not {0}",
                                                       {num(cmd.requirement->level)}));
                }
                SkillChanges ch;
                if (cmd.target == RequireSkill::Target::machine) {
                    if (!engine() || !engine()->machine(cmd.id))
                        return std::unexpected(problem("No machine has the number {0}", {num(cmd.id)}));
                    ch.machines.push_back(MachineRequirement{cmd.id, cmd.requirement});
                } else {
                    const auto snap = snapshot();
                    if (!snap->tools || !snap->tools->find(cmd.id))
                        return std::unexpected(problem("No tool has the number {0}", {num(cmd.id)}));
                    ch.tools.push_back(ToolRequirement{cmd.id, cmd.requirement});
                }
                if (auto r = commit_skills(m_store, ss, ch, cmd.actor, now); !r) return std::unexpected(r.error());
                if (cmd.target == RequireSkill::Target::machine && engine())
                    apply_skill_gates();  // the old skill's lapse may change too (fewer machines count)
                return Done{};
            } else if constexpr (std::is_same_v<T, StartSignOff>) {
                const auto* member = dir.find(cmd.member);
                if (!member) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
                const auto* skill = ss.skill(cmd.skill);
                if (!skill) return std::unexpected(problem("No skill has the number {0}", {num(cmd.skill)}));
                const auto* who = dir.find(cmd.signer);
                if (!who) return std::unexpected(problem("No member has the number {0}", {num(cmd.signer)}));
                const core::Signer signer{who->id, who->role, level_of(ss, m_calendar, who->id, skill->id, today)};
                if (auto ok = core::check_grant(skill, skill->name, cmd.member, cmd.level, signer, who->display_name); !ok)
                    return std::unexpected(ok.error());
                if (cmd.expires && *cmd.expires < today)
                    return std::unexpected(problem("The expiry day {0} has already passed", {core::format_date(*cmd.expires)}));
                ss.sign_off = PendingSignOff{skill->id, member->id, cmd.level, who->id, cmd.expires, now + kBadgeWindow};
                ss.sign_off_problem.reset();
                ss.dirty = true;
                return Done{};
            } else if constexpr (std::is_same_v<T, CancelSignOff>) {
                ss.sign_off.reset();
                ss.sign_off_problem.reset();
                ss.dirty = true;
                return Done{};
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

// A training's grants (asked by station_know.cpp): every attendee checked first, then every grant
// in one SkillChanges and one transaction, so a storage failure part-way writes none of them
// and memory stays as it was.
std::expected<std::vector<core::SkillGrant>, Problem> Station::skills_grant_all(core::SkillId skill_id,
                                                                                const std::vector<core::MemberId>& members,
                                                                                int level, core::MemberId signer_id,
                                                                                const std::string& note,
                                                                                std::optional<TrainingGranted> training,
                                                                                std::optional<core::MemberId> actor) {
    if (!m_skills) return std::unexpected(problem("The station is not running"));
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    const Directory& dir = directory();
    const auto* skill = ss.skill(skill_id);
    if (!skill) return std::unexpected(problem("No skill has the number {0}", {num(skill_id)}));
    const auto* who = dir.find(signer_id);
    if (!who) return std::unexpected(problem("No member has the number {0}", {num(signer_id)}));
    const core::Signer signer{who->id, who->role, level_of(ss, m_calendar, who->id, skill->id, today)};
    SkillChanges ch;
    for (auto m : members) {
        if (!dir.find(m)) return std::unexpected(problem("No member has the number {0}", {num(m)}));
        if (auto ok = core::check_grant(skill, skill->name, m, level, signer, who->display_name); !ok)
            return std::unexpected(ok.error());
        core::SkillGrant g;
        g.id = ss.max_grant + 1 + static_cast<core::GrantId>(ch.grants.size());
        g.member = m;
        g.skill = skill->id;
        g.level = level;
        g.signed_by = signer_id;
        g.signed_at = now;
        g.note = note;
        ch.grants.push_back(g);
    }
    ch.training = training;
    if (auto r = commit_skills(m_store, ss, ch, actor.value_or(signer_id), now); !r) return std::unexpected(r.error());
    if (engine()) regate_skill(ss, *engine(), m_calendar, dir, skill->id, today);
    return ch.grants;
}

// The old `machine authorise` / `revoke` as grants: level 2 (or the machine's level if higher)
// on the machine's skill, signed by the host (or the command line); level 0 withdraws.
Result Station::skills_authorise(const Authorise& c) {
    alloc::Engine* eng = engine();
    if (!m_skills || !eng) return std::unexpected(problem("The station is not running"));
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    const Directory& dir = directory();
    const auto* mc = eng->machine(c.machine);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(c.machine)}));
    if (!dir.find(c.member)) return std::unexpected(problem("No member has the number {0}", {num(c.member)}));
    if (c.actor) {
        const auto* a = dir.find(*c.actor);
        if (!a || !core::can_host(a->role)) return std::unexpected(problem("Only a host can change {0}", {mc->name}));
    }
    SkillChanges ch;
    core::SkillRequirement req;
    if (auto it = ss.machines.find(c.machine); it != ss.machines.end()) {
        req = it->second;
    } else {
        req = core::SkillRequirement{skill_named_after(ss, ch, mc->name, "machine", now), core::kLevelAutonomous};
        ch.machines.push_back(MachineRequirement{c.machine, req});
    }
    const int target = c.allowed ? std::max(core::kLevelAutonomous, req.level) : core::kLevelNone;
    const auto* g = ss.grant(c.member, req.skill);
    const int have = level_of(ss, m_calendar, c.member, req.skill, today).level;
    const bool needed = c.allowed ? have < target : (g && g->level > core::kLevelNone);
    if (needed) {
        core::SkillGrant grant;
        grant.id = ss.max_grant + 1;
        grant.member = c.member;
        grant.skill = req.skill;
        grant.level = target;
        grant.signed_by = c.actor;
        grant.signed_at = now;
        grant.note = c.allowed ? "authorise" : "revoke";
        ch.grants.push_back(grant);
    }
    if (auto r = commit_skills(m_store, ss, ch, c.actor, now); !r) return std::unexpected(r.error());
    regate_skill(ss, *eng, m_calendar, dir, req.skill, today);
    return *eng->machine(c.machine);
}

// A new machine requires a skill named after it at level 2, as the upgrade did for every
// machine: nobody uses it before a grant (the old empty authorisation list meant the same).
std::expected<void, Problem> Station::skills_machine_added(const alloc::Machine& m, std::optional<core::MemberId> actor) {
    alloc::Engine* eng = engine();
    if (!m_skills || !eng) return {};
    SkillsState& ss = *m_skills;
    if (ss.machines.contains(m.id)) return {};
    // A machine is open to every member until a skill is required (machine require, or the
    // first machine authorise, which makes one after its name). A list given with the machine
    // is such a start: the machine's skill at level 2, granted to them.
    if (m.authorised.empty()) {
        eng->set_authorised(m.id, allowed_on(ss, m_calendar, directory(), m.id, m_calendar.local_day(m_clock.now())));
        ss.dirty = true;
        return {};
    }
    const auto now = m_clock.now();
    SkillChanges ch;
    const core::SkillRequirement req{skill_named_after(ss, ch, m.name, "machine", now), core::kLevelAutonomous};
    ch.machines.push_back(MachineRequirement{m.id, req});
    // A list given with the machine (its old authorisation list, Machine::authorised) becomes
    // level-2 grants, signed by whoever added it.
    for (auto member : m.authorised) {
        if (!directory().find(member) || level_of(ss, m_calendar, member, req.skill, m_calendar.local_day(now)).level >= 2)
            continue;
        core::SkillGrant g;
        g.id = ss.max_grant + 1 + static_cast<core::GrantId>(ch.grants.size());
        g.member = member;
        g.skill = req.skill;
        g.level = core::kLevelAutonomous;
        g.signed_by = actor;
        g.signed_at = now;
        g.note = "authorise";
        ch.grants.push_back(g);
    }
    if (auto r = commit_skills(m_store, ss, ch, actor, now); !r) {
        eng->set_authorised(m.id, {});  // not "nothing required": nobody until the next try
        return std::unexpected(r.error());
    }
    regate_skill(ss, *eng, m_calendar, directory(), req.skill, m_calendar.local_day(now));
    return {};
}

// The old `tool set --authorise/--revoke` lists as grants on the tool's skill (created after the
// tool's name when it has none).
std::expected<void, Problem> Station::skills_tool_authorise(const core::Tool& tool, const std::vector<core::MemberId>& allow,
                                                            const std::vector<core::MemberId>& revoke,
                                                            std::optional<core::MemberId> actor) {
    if (!m_skills || (allow.empty() && revoke.empty())) return {};
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    SkillChanges ch;
    core::SkillRequirement req;
    if (auto it = ss.tools.find(tool.id); it != ss.tools.end()) {
        req = it->second;
    } else {
        req = core::SkillRequirement{skill_named_after(ss, ch, tool.name, "tool", now), core::kLevelAutonomous};
        ch.tools.push_back(ToolRequirement{tool.id, req});
    }
    auto add = [&](core::MemberId m, int level) {
        core::SkillGrant g;
        g.id = ss.max_grant + 1 + static_cast<core::GrantId>(ch.grants.size());
        g.member = m;
        g.skill = req.skill;
        g.level = level;
        g.signed_by = actor;
        g.signed_at = now;
        g.note = level > 0 ? "authorise" : "revoke";
        ch.grants.push_back(g);
    };
    const int target = std::max(core::kLevelAutonomous, req.level);
    for (auto m : allow)
        if (level_of(ss, m_calendar, m, req.skill, today).level < target) add(m, target);
    for (auto m : revoke)
        if (const auto* g = ss.grant(m, req.skill); g && g->level > 0) add(m, core::kLevelNone);
    if (auto r = commit_skills(m_store, ss, ch, actor, now); !r) return std::unexpected(r.error());
    if (engine()) regate_skill(ss, *engine(), m_calendar, directory(), req.skill, today);
    return {};
}

// [SECTION] Badges
namespace {
bool eligible_supervisor(const SkillBook& ss, const Calendar& cal, const core::Member& who,
                         core::SkillId skill, core::Date today, bool present) {
    return present && core::can_supervise(who.role, level_of(ss, cal, who.id, skill, today).level);
}
}  // namespace

Station::SkillGate Station::skills_gate(alloc::MachineId machine, core::MemberId member, bool own_session,
                                        bool at_reader) {
    SkillGate gate;
    alloc::Engine* eng = engine();
    if (!m_skills || !eng || own_session) return gate;
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    const Directory& dir = directory();
    const auto* who = dir.find(member);
    if (!who) return gate;
    std::erase_if(ss.supervision, [&](const PendingSupervision& p) { return p.expires_at <= now; });
    // A supervisor confirming the member refused here a moment ago. At the machine's own
    // reader the supervisor's badge shows they are there: one not checked in yet is checked in
    // with the session, so that leaving ends its extensions as for anyone else.
    for (auto it = ss.supervision.begin(); it != ss.supervision.end(); ++it) {
        if (it->machine != machine || it->member == member) continue;
        const bool present = open_presence(member) != nullptr;
        // Checked in at the machine: only with a membership that has not ended, as at the door.
        const bool may_check_in = at_reader && !(who->valid_until && *who->valid_until < today);
        if (!eligible_supervisor(ss, m_calendar, *who, it->skill, today, present || may_check_in)) continue;
        gate.supervised = it->member;
        gate.check_in_supervisor = !present;
        ss.supervision.erase(it);
        ss.dirty = true;
        return gate;
    }
    auto req = ss.machines.find(machine);
    if (req == ss.machines.end()) return gate;
    const core::Skill* skill = ss.skill(req->second.skill);
    const auto* mc = eng->machine(machine);
    if (!skill || !mc) return gate;
    const int have = level_of(ss, m_calendar, member, skill->id, today).level;
    if (have >= req->second.level) return gate;  // the engine decides the rest
    if (core::supervision_possible(have, req->second.level)) {
        std::erase_if(ss.supervision, [&](const PendingSupervision& p) { return p.machine == machine; });
        ss.supervision.push_back(PendingSupervision{machine, member, skill->id, now + kBadgeWindow});
        ss.dirty = true;
        gate.refusal = problem("Supervision needed for {0}: a member who can teach {1} (or a host) badges within 60 s",
                               {mc->name, skill->name});
        return gate;
    }
    gate.refusal = core::check_requirement(mc->name, *skill, req->second.level, have);
    return gate;
}

std::optional<Problem> Station::check_refusal(const alloc::Machine& mc, const core::Member& member) {
    const auto level = mc.rules.check_after_use;
    if (core::can_host(member.role)) return std::nullopt;
    // A trainer of the machine's skill: someone who could supervise a use of it.
    auto trainer = [&] {
        if (!m_skills) return false;
        SkillsState& ss = *m_skills;
        auto req = ss.machines.find(mc.id);
        if (req == ss.machines.end()) return false;
        const auto today = m_calendar.local_day(m_clock.now());
        return core::can_supervise(member.role, level_of(ss, m_calendar, member.id, req->second.skill, today).level);
    };
    switch (level) {
    case alloc::CheckLevel::none:
    case alloc::CheckLevel::user:
        if (std::binary_search(mc.authorised.begin(), mc.authorised.end(), member.id) || trainer()) return std::nullopt;
        return problem("{0} waits for its check after use: a member who may use it badges at its reader", {mc.name});
    case alloc::CheckLevel::trainer:
        if (trainer()) return std::nullopt;
        return problem("{0} waits for its check after use by a trainer of it or a host", {mc.name});
    case alloc::CheckLevel::host: break;
    }
    return problem("{0} waits for its check after use by a host", {mc.name});
}

std::optional<Result> Station::skills_kiosk_tap(const std::string& uid, const core::Member* member) {
    (void)uid;
    if (!m_skills) return std::nullopt;
    SkillsState& ss = *m_skills;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    if (ss.sign_off && ss.sign_off->expires_at > now) {
        const PendingSignOff p = *ss.sign_off;
        const auto* expected = directory().find(p.member);
        if (!member || member->id != p.member) {
            ss.sign_off_problem = problem("That badge is not {0}'s: the member being signed off badges to confirm",
                                          {expected ? expected->display_name : num(p.member)});
            ss.dirty = true;
            return Result{std::unexpected(*ss.sign_off_problem)};
        }
        // The rules again: the trainer's level may have changed in the meantime.
        auto r = handle_skills(Command{GrantSkill{p.skill, p.member, p.level, p.signer, p.expires, "sign-off"}});
        ss.sign_off.reset();
        if (!r) ss.sign_off_problem = r.error();
        ss.dirty = true;
        return r;
    }
    if (!member) return std::nullopt;
    std::erase_if(ss.supervision, [&](const PendingSupervision& p) { return p.expires_at <= now; });
    for (const auto& p : ss.supervision) {
        if (p.member == member->id) continue;
        // A host supervises a skill they cannot teach with their powers: at the kiosk,
        // only in their host session (a host's badge alone is copied in seconds).
        core::Member supervisor = *member;
        if (core::can_host(supervisor.role) && host_session_refusal(Command{Tick{}}, Right{Need::host, true, {}}, supervisor.id))
            supervisor.role = core::Role::volunteer;
        if (!eligible_supervisor(ss, m_calendar, supervisor, p.skill, today, open_presence(member->id) != nullptr)) continue;
        return machine_access(p.machine, *member);  // the gate finds the pending use and starts it supervised
    }
    return std::nullopt;
}

// A supervisor checked out: the sessions they confirmed run to their allowed end, no further.
void Station::skills_checked_out(core::MemberId member) {
    alloc::Engine* eng = engine();
    if (!m_skills || !eng) return;
    const auto now = m_clock.now();
    std::vector<alloc::MachineId> ids;
    for (const auto& [id, mc] : eng->machines())
        if (const auto* s = eng->session_on(id); s && s->supervisor == member && !s->supervisor_left) ids.push_back(id);
    for (auto id : ids) {
        auto c = eng->supervisor_left(id, member, now);
        if (!c.empty()) (void)commit(std::move(c), member);
    }
}

// [SECTION] Housekeeping
bool Station::skills_housekeeping(core::Timestamp now) {
    if (!m_skills) return false;
    SkillsState& ss = *m_skills;
    bool changed = false;
    if (ss.day != m_calendar.local_day(now) || ss.members_seen != directory().members.size()) {
        apply_skill_gates();  // levels lapse with the day; machines requiring nothing list new members
        changed = true;
    }
    if (ss.sign_off && ss.sign_off->expires_at <= now) {
        ss.sign_off.reset();
        ss.sign_off_problem = problem("The sign-off timed out: start again");
        changed = true;
    }
    if (std::erase_if(ss.supervision, [&](const PendingSupervision& p) { return p.expires_at <= now; }) > 0)
        changed = true;
    if (changed) ss.dirty = true;
    return changed;
}

// [SECTION] Publishing
const core::Skill* SkillsView::find_name(std::string_view name) const {
    for (const auto& s : skills)
        if (same_name(s.name, name)) return &s;
    return nullptr;
}

std::vector<const MemberSkillView*> SkillsView::who(core::SkillId skill, int min_level) const {
    std::vector<const MemberSkillView*> out;
    for (const auto& l : levels)
        if (l.skill == skill && l.level.level >= min_level) out.push_back(&l);
    std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->level.level > b->level.level; });
    return out;
}

void Station::publish_skills(Snapshot& snap) {
    if (!m_skills) return;
    SkillsState& ss = *m_skills;
    if (ss.dirty || !ss.view) {
        auto v = std::make_shared<SkillsView>();
        for (const auto& [id, s] : ss.skills) v->skills.push_back(s);
        std::sort(v->skills.begin(), v->skills.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        for (const auto& [skill, by_member] : ss.grants)
            for (const auto& [member, g] : by_member)
                v->levels.push_back(MemberSkillView{member, skill, g, level_of(ss, m_calendar, member, skill, snap.today)});
        v->machines = ss.machines;
        v->tools = ss.tools;
        v->sign_off = ss.sign_off;
        v->sign_off_problem = ss.sign_off_problem;
        v->supervision = ss.supervision;
        ss.view = std::move(v);
        ss.dirty = false;
    }
    snap.skills = ss.view;
}

// [SECTION] The feature
std::unique_ptr<Feature> LegacyFeatures::skills(Station& s) {
    struct Skills final : Feature {
        Station& s;
        explicit Skills(Station& st) : s(st) {}
        std::expected<void, Problem> load() override { return s.load_skills(); }
        Result handle(const Command& c) override { return s.handle_skills(c); }
        // A pending two-badge sign-off takes the next badge; else a supervisor's badge for a
        // pending supervised use.
        std::optional<Claimed> claim_tap(const KioskTap& tap) override {
            const bool sign_off = s.m_skills && s.m_skills->sign_off && s.m_skills->sign_off->expires_at > tap.at;
            auto r = s.skills_kiosk_tap(tap.uid, tap.member);
            if (!r) return std::nullopt;
            return Claimed{sign_off ? TapClaim::sign_off : TapClaim::supervision, std::move(*r)};
        }
        bool housekeeping(core::Timestamp now) override { return s.m_skills && s.skills_housekeeping(now); }
        void publish(Snapshot& snap) override { s.publish_skills(snap); }
        void after_alloc(const alloc::Changes& c) override { s.skills_after_alloc(c); }
        void checked_out(core::MemberId member) override { s.skills_checked_out(member); }
    };
    return std::make_unique<Skills>(s);
}
std::unique_ptr<Feature> SkillsFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::skills(s); }

}  // namespace etabli::app
