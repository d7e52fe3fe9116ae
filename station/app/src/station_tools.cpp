// The Station's tool library: inventory, loans (a basket is one transaction), returns with
// their condition check and deposit, renewals, reservations (day ranges in a per-tool
// alloc::IntervalIndex with the no-overlap guarantee of the booking core) and waiting lists
// with their holds, the kiosk's borrow/return flow fed by the tool scanner, and the tools
// part of the snapshot. Layer: app. Thread: the station thread only.
//
// [SECTION] index
//   State        what the station keeps of the library in memory
//   Helpers      lookups, events, commit-then-apply
//   Commands     handle_tools: one branch per command
//   Holds        waiting lists, holds running out (housekeeping)
//   Publishing   the ToolsView and the overdue list at badge-in
//
// Every change is built as an app::ToolChanges, committed in one transaction, and only then
// applied to memory (apply()), so memory never runs ahead of the disk.
#include <etabli/app/station.hpp>

#include "export_folder.hpp"
#include "legacy_features.hpp"

#include <etabli/alloc/interval_index.hpp>
#include <etabli/core/ords.hpp>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <map>
#include <set>

namespace etabli::app {

using namespace std::chrono;
using core::problem;

// [SECTION] State
namespace {
// A range reservation in its tool's index: [start, end) in days.
struct DayEntry {
    sys_days start{}, end{};
    core::ReservationId id = 0;
    friend bool operator<(const DayEntry& a, const DayEntry& b) {
        return a.start != b.start ? a.start < b.start : a.id < b.id;
    }
};
DayEntry entry_of(const core::Reservation& r) { return DayEntry{sys_days{r.from}, sys_days{r.to} + days{1}, r.id}; }
}  // namespace

struct Station::ToolsState {
    core::ToolRules rules;
    std::map<core::ToolId, core::Tool> tools;
    std::map<std::string, core::ToolId> by_tag;
    std::map<core::LoanId, core::Loan> open;             // open loans by id
    std::map<core::ToolId, core::LoanId> open_by_tool;
    std::map<core::ReservationId, core::Reservation> live;
    std::map<core::ToolId, alloc::IntervalIndex<DayEntry>> ranges;  // live range reservations per tool
    core::LoanId max_loan = 0;
    core::ToolId max_tool = 0;  // new tools above it and above every tool held (ToolData::max_tool_id)
    core::ToolId next_tool_id() const { return std::max(max_tool, tools.empty() ? 0 : tools.rbegin()->first) + 1; }
    // A commit the store refused (on PostgreSQL: another station lent the tool, or this
    // station's block of ids ran out): the next command reloads everything from the store.
    bool stale = false;
    core::ReservationId max_reservation = 0;
    std::optional<ToolFlowView> flow;
    std::optional<ToolScanView> last_scan;
    std::optional<ToolExportView> last_export;
    std::uint64_t seq = 0;
    std::optional<core::Date> swept_day;
    bool dirty = true;
    std::shared_ptr<const ToolsView> view;
    // Indexes, so that a command costs the same whatever the size of the library.
    std::map<core::MemberId, std::set<std::pair<sys_days, core::LoanId>>> open_by_member;  // by due day
    std::map<core::ToolId, std::set<core::ReservationId>> live_by_tool;
    std::map<std::string, int> category_uses;  // by tools not retired
    // The snapshot's lists, edited in place by apply() (copy-on-write chunks): publishing
    // copies a few pointers. Loan views carry member names and days late, so they are built
    // for one directory and one day; a new directory or day rebuilds them (publish_tools).
    SharedList<core::Tool, ToolByName> tool_list;
    SharedList<LoanView, LoanByDue> loan_list;
    SharedList<core::Reservation, ReservationById> reservation_list;
    std::shared_ptr<const Directory> view_directory;
    std::optional<core::Date> view_day;

    const core::Tool* tool(core::ToolId id) const {
        auto it = tools.find(id);
        return it == tools.end() ? nullptr : &it->second;
    }
    const core::Loan* loan_of_tool(core::ToolId id) const {
        auto it = open_by_tool.find(id);
        return it == open_by_tool.end() ? nullptr : &open.at(it->second);
    }
    std::vector<core::Reservation> reservations_of(core::ToolId id) const {
        std::vector<core::Reservation> out;
        if (auto it = live_by_tool.find(id); it != live_by_tool.end())
            for (auto rid : it->second) out.push_back(live.at(rid));
        return out;
    }
    std::vector<core::Loan> loans_of(core::MemberId m) const {
        std::vector<core::Loan> out;
        if (auto it = open_by_member.find(m); it != open_by_member.end())
            for (const auto& [due, id] : it->second) out.push_back(open.at(id));
        return out;
    }
    // What the lending rules need of a member's loans: the overdue ones and how many in all
    // (a member's other loans are only counted, whatever their number).
    core::MemberLoans rules_view(const core::Member* member, core::MemberId m, core::Date today) const {
        core::MemberLoans who{member, {}};
        auto it = open_by_member.find(m);
        if (it == open_by_member.end()) return who;
        for (const auto& [due, id] : it->second) {
            if (due >= sys_days{today}) break;
            who.open_loans.push_back(open.at(id));
        }
        who.other_open = it->second.size() - who.open_loans.size();
        return who;
    }
    void drop_loan_view(const core::Loan& l) {
        LoanView key;
        key.loan = l;
        loan_list.erase(key);
    }
    void add_loan_view(const core::Loan& l);

    // Memory follows a committed change.
    void apply(const ToolChanges& c) {
        const auto uses_category = [](const core::Tool& t) {
            return t.status != core::ToolStatus::retired && !t.category.empty();
        };
        for (const auto& t : c.tools) {
            bool names_changed = false;
            if (auto it = tools.find(t.id); it != tools.end()) {
                const core::Tool& old = it->second;
                by_tag.erase(old.tag);
                tool_list.erase(old);
                if (uses_category(old) && --category_uses[old.category] == 0) category_uses.erase(old.category);
                names_changed = old.name != t.name || old.tag != t.tag || old.category != t.category;
            }
            tools[t.id] = t;
            by_tag[t.tag] = t.id;
            tool_list.insert(t);
            if (uses_category(t)) ++category_uses[t.category];
            // An open loan shows the tool's name: a renamed tool renames its loan view.
            if (const auto* l = names_changed ? loan_of_tool(t.id) : nullptr) {
                drop_loan_view(*l);
                add_loan_view(*l);
            }
        }
        for (const auto& l : c.loans) {
            max_loan = std::max(max_loan, l.id);
            if (auto it = open.find(l.id); it != open.end()) {
                drop_loan_view(it->second);
                if (auto m = open_by_member.find(it->second.member); m != open_by_member.end()) {
                    m->second.erase({sys_days{it->second.due}, l.id});
                    if (m->second.empty()) open_by_member.erase(m);
                }
            }
            if (l.open()) {
                open[l.id] = l;
                open_by_tool[l.tool] = l.id;
                open_by_member[l.member].insert({sys_days{l.due}, l.id});
                add_loan_view(l);
            } else {
                open.erase(l.id);
                if (auto it = open_by_tool.find(l.tool); it != open_by_tool.end() && it->second == l.id) open_by_tool.erase(it);
            }
        }
        for (const auto& r : c.reservations) {
            max_reservation = std::max(max_reservation, r.id);
            if (auto it = live.find(r.id); it != live.end()) {
                if (it->second.kind == core::ReservationKind::range) ranges[r.tool].erase(entry_of(it->second));
                reservation_list.erase(it->second);
            }
            if (r.live()) {
                live[r.id] = r;
                live_by_tool[r.tool].insert(r.id);
                reservation_list.insert(r);
                if (r.kind == core::ReservationKind::range) ranges[r.tool].insert(entry_of(r));
            } else {
                live.erase(r.id);
                if (auto it = live_by_tool.find(r.tool); it != live_by_tool.end()) {
                    it->second.erase(r.id);
                    if (it->second.empty()) live_by_tool.erase(it);
                }
            }
        }
        dirty = true;
    }
};

// [SECTION] Helpers
namespace {
ToolEvent event(std::string kind, std::string subject, std::vector<std::pair<std::string, std::string>> detail = {}) {
    return ToolEvent{std::move(kind), std::move(subject), std::move(detail)};
}
std::string sub(const char* what, std::int64_t id) { return std::string(what) + ":" + std::to_string(id); }
std::string num(std::int64_t v) { return std::to_string(v); }

core::Date plus_days(core::Date d, int n) { return core::Date{sys_days{d} + days{n}}; }

// A tool without a tag gets the first free number of T0001, T0002… (its id would skip the
// numbers of tools that came with tags of their own).
std::string next_tag(const std::map<std::string, core::ToolId>& used, core::ToolId) {
    for (std::int64_t n = 1;; ++n) {
        std::string digits = std::to_string(n);
        while (digits.size() < 4) digits.insert(digits.begin(), '0');
        std::string tag = "T" + digits;
        if (!used.contains(tag)) return tag;
    }
}
}  // namespace

std::expected<void, Problem> Station::load_tools() {
    auto data = m_store.load_tools();
    if (!data) return std::unexpected(data.error());
    m_tools = std::make_shared<ToolsState>();
    ToolsState& ts = *m_tools;
    ts.rules = m_opts.tool_rules;
    ToolChanges all;
    all.tools = std::move(data->tools);
    all.loans = std::move(data->open_loans);
    all.reservations = std::move(data->reservations);
    ts.apply(all);
    ts.max_loan = std::max(ts.max_loan, data->max_loan_id);
    ts.max_reservation = std::max(ts.max_reservation, data->max_reservation_id);
    ts.max_tool = data->max_tool_id;
    return {};
}

// [SECTION] Holds
namespace {
// The last day a hold for `member` starting today may run: rules.hold_days, cut the day before
// another member's date reservation begins; nullopt when such a reservation runs today (the
// tool is theirs now, the waiting list waits).
std::optional<core::Date> hold_end(const std::vector<core::Reservation>& rs, core::MemberId member,
                                   const core::ToolRules& rules, core::Date today) {
    core::Date end = plus_days(today, rules.hold_days);
    for (const auto& r : rs) {
        if (r.kind != core::ReservationKind::range || r.member == member || sys_days{r.to} < sys_days{today}) continue;
        if (sys_days{r.from} <= sys_days{today}) return std::nullopt;
        if (sys_days{r.from} <= sys_days{end}) end = core::Date{sys_days{r.from} - days{1}};
    }
    return end;
}

// The tool is back on the shelf (returned, or repaired): the first member of its waiting list
// gets it held for rules.hold_days (never into another member's date reservation), else it
// is available. Appends to `c`.
void shelve(core::Tool& tool, const std::vector<core::Reservation>& rs,
            const core::ToolRules& rules, core::Date today, ToolChanges& c) {
    const core::Reservation* next = nullptr;
    for (const auto& r : rs)
        if (r.kind == core::ReservationKind::waiting && r.state == core::ReservationState::waiting && (!next || r.id < next->id))
            next = &r;
    const auto until = next ? hold_end(rs, next->member, rules, today) : std::nullopt;
    if (!next || !until) {
        tool.status = core::ToolStatus::available;
        return;
    }
    core::Reservation held = *next;
    held.state = core::ReservationState::held;
    held.held_until = *until;
    tool.status = core::ToolStatus::reserved;
    c.reservations.push_back(held);
    c.events.push_back(event("reservation.held", sub("reservation", held.id),
                             {{"tool", num(tool.id)}, {"member", num(held.member)}, {"until", core::format_date(*held.held_until)}}));
}
}  // namespace

bool Station::tools_housekeeping(core::Timestamp now) {
    ToolsState& ts = *m_tools;
    const auto today = m_calendar.local_day(now);
    if (ts.swept_day == today) return false;
    ToolChanges c;
    std::set<core::ToolId> reshelve;
    for (const auto& [id, r] : ts.live) {
        const bool hold_over = r.state == core::ReservationState::held && r.held_until && sys_days{*r.held_until} < sys_days{today};
        const bool range_over = r.kind == core::ReservationKind::range && sys_days{r.to} < sys_days{today};
        if (!hold_over && !range_over) continue;
        core::Reservation x = r;
        x.state = core::ReservationState::expired;
        c.reservations.push_back(x);
        c.events.push_back(event("reservation.expired", sub("reservation", x.id), {{"tool", num(x.tool)}}));
        if (hold_over) reshelve.insert(r.tool);
    }
    for (auto tool_id : reshelve) {
        const auto* t = ts.tool(tool_id);
        if (!t || t->status != core::ToolStatus::reserved) continue;
        core::Tool tool = *t;
        std::vector<core::Reservation> rest;
        for (const auto& r : ts.reservations_of(tool_id))
            if (std::none_of(c.reservations.begin(), c.reservations.end(), [&](const auto& x) { return x.id == r.id; }))
                rest.push_back(r);
        shelve(tool, rest, ts.rules, today, c);
        tool.updated_at = now;
        c.tools.push_back(tool);
        c.events.push_back(event("tool.status", sub("tool", tool.id), {{"status", std::string(core::to_string(tool.status))}}));
    }
    if (!c.events.empty()) {
        if (auto r = m_store.commit_tools(c, std::nullopt, now); !r) return false;  // tried again at the next wake
        ts.apply(c);
    }
    ts.swept_day = today;
    return !c.events.empty();
}

// [SECTION] Commands
Result Station::handle_tools(const Command& command) {
    if (m_tools && m_tools->stale)
        if (auto r = load_tools(); !r) return std::unexpected(r.error());
    ToolsState& ts = *m_tools;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    tools_housekeeping(now);
    const Directory& dir = directory();

    auto commit = [&](ToolChanges& c, std::optional<core::MemberId> actor) -> std::expected<void, Problem> {
        if (auto r = m_store.commit_tools(c, actor, now); !r) {
            ts.stale = true;
            auto p = r.error();
            p.kind = core::Problem::Kind::storage;
            return std::unexpected(p);
        }
        ts.apply(c);
        return {};
    };
    auto need_host = [&](std::optional<core::MemberId> actor, const char* msgid) -> std::optional<Problem> {
        if (!actor) return std::nullopt;
        const auto* m = dir.find(*actor);
        if (!m || !core::can_host(m->role)) return problem(msgid);
        return std::nullopt;
    };
    // A kiosk actor other than the member: a volunteer, host or admin.
    auto may_act_for = [&](std::optional<core::MemberId> actor, core::MemberId member) -> std::optional<Problem> {
        if (!actor || *actor == member) return std::nullopt;
        const auto* m = dir.find(*actor);
        if (!m || m->role == core::Role::member) return problem("Only a volunteer or a host can lend or return tools for another member");
        return std::nullopt;
    };
    auto unknown_tool = [](core::ToolId id) { return std::unexpected(problem("No tool has the number {0}", {num(id)})); };
    auto unique_tag = [&](const core::Tool& t) -> std::optional<Problem> {
        auto it = ts.by_tag.find(t.tag);
        if (it != ts.by_tag.end() && it->second != t.id)
            return problem("The tag {0} is already used by {1}", {t.tag, ts.tool(it->second)->name});
        return std::nullopt;
    };

    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, AddTool>) {
                if (auto p = need_host(cmd.actor, "Only a host can change the tool inventory")) return std::unexpected(*p);
                auto t = core::validate_tool(cmd.tool);
                if (!t) return std::unexpected(t.error());
                t->id = ts.next_tool_id();
                if (t->tag.empty()) t->tag = next_tag(ts.by_tag, t->id);
                if (auto p = unique_tag(*t)) return std::unexpected(*p);
                t->status = (t->condition == core::ToolCondition::damaged || t->condition == core::ToolCondition::broken)
                                ? core::ToolStatus::in_repair
                                : core::ToolStatus::available;
                t->created_at = t->updated_at = now;
                ToolChanges c;
                c.tools.push_back(*t);
                c.events.push_back(event("tool.added", sub("tool", t->id), {{"tag", t->tag}}));
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                return *t;
            } else if constexpr (std::is_same_v<T, SetTool>) {
                if (auto p = need_host(cmd.actor, "Only a host can change the tool inventory")) return std::unexpected(*p);
                const auto* old = ts.tool(cmd.tool.id);
                if (!old) return unknown_tool(cmd.tool.id);
                auto t = core::validate_tool(cmd.tool);
                if (!t) return std::unexpected(t.error());
                if (t->tag.empty()) t->tag = old->tag;
                if (auto p = unique_tag(*t)) return std::unexpected(*p);
                for (auto m : cmd.authorise)
                    if (!dir.find(m)) return std::unexpected(problem("No member has the number {0}", {num(m)}));
                // The loan decides "on loan": a host cannot set it by hand, nor lend by a status.
                const bool out = ts.loan_of_tool(t->id) != nullptr;
                if (out && t->status != core::ToolStatus::on_loan && t->status != core::ToolStatus::retired)
                    t->status = core::ToolStatus::on_loan;
                if (!out && t->status == core::ToolStatus::on_loan)
                    return std::unexpected(problem("{0} is not on loan: lend it instead of setting its status", {t->name}));
                ToolChanges c;
                if (!out && t->status == core::ToolStatus::available && old->status != core::ToolStatus::available)
                    shelve(*t, ts.reservations_of(t->id), ts.rules, today, c);  // repaired: the waiting list first
                t->created_at = old->created_at;
                t->updated_at = now;
                c.tools.push_back(*t);
                c.events.push_back(event(t->status != old->status ? "tool.status" : "tool.changed", sub("tool", t->id),
                                         {{"status", std::string(core::to_string(t->status))}}));
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                // --authorise / --revoke are grants of the tool's skill (their events: skill.granted).
                if (auto r = skills_tool_authorise(*t, cmd.authorise, cmd.revoke, cmd.actor); !r)
                    return std::unexpected(r.error());
                return *ts.tool(t->id);
            } else if constexpr (std::is_same_v<T, RetireTool>) {
                if (auto p = need_host(cmd.actor, "Only a host can change the tool inventory")) return std::unexpected(*p);
                const auto* old = ts.tool(cmd.tool);
                if (!old) return unknown_tool(cmd.tool);
                if (old->status == core::ToolStatus::retired) return *old;
                if (ts.loan_of_tool(old->id))
                    return std::unexpected(problem("{0} is on loan: record its return before retiring it", {old->name}));
                core::Tool t = *old;
                t.status = core::ToolStatus::retired;
                t.updated_at = now;
                ToolChanges c;
                c.tools.push_back(t);
                c.events.push_back(event("tool.retired", sub("tool", t.id)));
                for (auto r : ts.reservations_of(t.id)) {
                    r.state = core::ReservationState::cancelled;
                    c.reservations.push_back(r);
                    c.events.push_back(event("reservation.cancelled", sub("reservation", r.id), {{"why", "retired"}}));
                }
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                return t;
            } else if constexpr (std::is_same_v<T, ImportTools>) {
                ToolChanges c;
                auto used = ts.by_tag;
                core::ToolId id = ts.next_tool_id() - 1;
                std::vector<core::Tool> added;
                for (const auto& row : cmd.rows) {
                    auto t = core::validate_tool(row.tool);
                    if (!t) return std::unexpected(t.error());
                    t->id = ++id;
                    if (t->tag.empty()) t->tag = next_tag(used, t->id);
                    if (used.contains(t->tag))
                        return std::unexpected(problem("The tag {0} is already used on line {1}: nothing imported",
                                                       {t->tag, num(static_cast<std::int64_t>(row.line))}));
                    used[t->tag] = t->id;
                    t->created_at = t->updated_at = now;
                    c.tools.push_back(*t);
                    c.events.push_back(event("tool.imported", sub("tool", t->id), {{"tag", t->tag}}));
                }
                if (auto r = commit(c, std::nullopt); !r) return std::unexpected(r.error());
                return c.tools;
            } else if constexpr (std::is_same_v<T, Lend>) {
                const auto* member = dir.find(cmd.member);
                if (!member) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
                if (auto p = may_act_for(cmd.actor, cmd.member)) return std::unexpected(*p);
                if (cmd.tools.empty()) return std::unexpected(problem("The basket is empty: scan or choose a tool first"));
                std::set<core::ToolId> distinct(cmd.tools.begin(), cmd.tools.end());
                if (distinct.size() != cmd.tools.size())
                    return std::unexpected(problem("The same tool is twice in the basket"));
                const auto who = ts.rules_view(member, cmd.member, today);
                ToolChanges c;
                core::LoanId next = ts.max_loan;
                const core::LoanId basket = next + 1;
                std::vector<core::Loan> lent;
                for (auto tool_id : cmd.tools) {
                    const auto* tool = ts.tool(tool_id);
                    if (!tool) return unknown_tool(tool_id);
                    auto due = core::due_date(ts.rules, *tool, cmd.days, today);
                    if (!due) return std::unexpected(due.error());
                    const auto rs = ts.reservations_of(tool_id);
                    // The skill the tool requires replaces its authorisation list.
                    if (auto p = core::check_lend(ts.rules, *tool, who, cmd.tools.size(), true, rs, today, *due))
                        return std::unexpected(*p);
                    if (auto p = tool_skill_refusal(*tool, cmd.member)) return std::unexpected(*p);
                    core::Loan l;
                    l.id = ++next;
                    l.tool = tool_id;
                    l.member = cmd.member;
                    l.basket = basket;
                    l.lent_at = now;
                    l.due = *due;
                    l.deposit_cents = tool->deposit_cents;
                    l.deposit = tool->deposit_cents > 0 ? core::DepositState::held : core::DepositState::none;
                    if (cmd.actor && *cmd.actor != cmd.member) l.lent_by = cmd.actor;
                    c.loans.push_back(l);
                    lent.push_back(l);
                    c.events.push_back(event("loan.lent", sub("loan", l.id),
                                             {{"tool", num(tool_id)}, {"member", num(cmd.member)}, {"due", core::format_date(l.due)},
                                              {"basket", num(basket)}}));
                    core::Tool t = *tool;
                    t.status = core::ToolStatus::on_loan;
                    t.updated_at = now;
                    c.tools.push_back(t);
                    // The member's own hold, waiting place or current range is fulfilled by the loan.
                    for (auto r : rs) {
                        if (r.member != cmd.member) continue;
                        if (r.kind == core::ReservationKind::range && sys_days{r.from} > sys_days{today}) continue;
                        r.state = core::ReservationState::fulfilled;
                        c.reservations.push_back(r);
                        c.events.push_back(event("reservation.fulfilled", sub("reservation", r.id), {{"loan", num(l.id)}}));
                    }
                }
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                if (ts.flow && ts.flow->member == cmd.member) {
                    ts.flow->basket.clear();
                    ts.flow->problem.reset();
                    ts.flow->seq = ++ts.seq;
                }
                return lent;
            } else if constexpr (std::is_same_v<T, ReturnTool>) {
                const auto* tool = ts.tool(cmd.tool);
                if (!tool) return unknown_tool(cmd.tool);
                const auto* open = ts.loan_of_tool(cmd.tool);
                if (!open) return std::unexpected(problem("{0} is not on loan: there is nothing to return", {tool->name}));
                if (auto p = may_act_for(cmd.actor, open->member)) return std::unexpected(*p);
                if (cmd.keep_deposit && open->deposit != core::DepositState::held)
                    return std::unexpected(problem("No deposit was taken for {0}", {tool->name}));
                if (cmd.keep_deposit && core::normalize_name(cmd.deposit_reason).has_value() == false)
                    return std::unexpected(problem("Say why the deposit is kept (a short reason)"));
                if (cmd.note.size() > 2000) return std::unexpected(problem("The notes are too long (2000 characters at most)"));
                core::Loan l = *open;
                l.returned_at = now;
                l.return_condition = cmd.condition;
                l.return_note = cmd.note;
                if (l.deposit == core::DepositState::held) {
                    l.deposit = cmd.keep_deposit ? core::DepositState::kept : core::DepositState::returned;
                    if (cmd.keep_deposit) l.deposit_reason = *core::normalize_name(cmd.deposit_reason);
                }
                ToolChanges c;
                c.loans.push_back(l);
                c.events.push_back(event("loan.returned", sub("loan", l.id),
                                         {{"tool", num(l.tool)}, {"condition", std::string(core::to_string(cmd.condition))},
                                          {"deposit", std::string(core::to_string(l.deposit))},
                                          {"days_late", num(core::days_late(*open, today))}}));
                core::Tool t = *tool;
                t.condition = cmd.condition;
                t.updated_at = now;
                if (cmd.condition == core::ToolCondition::damaged || cmd.condition == core::ToolCondition::broken)
                    t.status = core::ToolStatus::in_repair;  // the waiting list waits for the repair
                else if (t.status != core::ToolStatus::retired)
                    shelve(t, ts.reservations_of(t.id), ts.rules, today, c);
                c.tools.push_back(t);
                c.events.push_back(event("tool.status", sub("tool", t.id), {{"status", std::string(core::to_string(t.status))}}));
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                if (ts.flow && ts.flow->selected == cmd.tool) {
                    ts.flow->selected.reset();
                    ts.flow->problem.reset();
                    ts.flow->seq = ++ts.seq;
                }
                return std::vector<core::Loan>{l};
            } else if constexpr (std::is_same_v<T, RenewLoan>) {
                const auto* tool = ts.tool(cmd.tool);
                if (!tool) return unknown_tool(cmd.tool);
                const auto* open = ts.loan_of_tool(cmd.tool);
                if (!open) return std::unexpected(problem("{0} is not on loan: nothing to renew", {tool->name}));
                if (auto p = may_act_for(cmd.actor, open->member)) return std::unexpected(*p);
                // One more loan length from the later of the due day and today.
                const auto from = sys_days{open->due} < sys_days{today} ? today : open->due;
                const auto new_due = plus_days(from, std::min(tool->loan_days, ts.rules.max_days));
                if (auto p = core::check_renew(*tool, *open, ts.reservations_of(cmd.tool), new_due)) return std::unexpected(*p);
                core::Loan l = *open;
                l.due = new_due;
                ++l.renewals;
                ToolChanges c;
                c.loans.push_back(l);
                c.events.push_back(event("loan.renewed", sub("loan", l.id),
                                         {{"due", core::format_date(l.due)}, {"renewals", num(l.renewals)}}));
                if (auto r = commit(c, cmd.actor); !r) return std::unexpected(r.error());
                return std::vector<core::Loan>{l};
            } else if constexpr (std::is_same_v<T, ReserveTool>) {
                const auto* tool = ts.tool(cmd.tool);
                if (!tool) return unknown_tool(cmd.tool);
                const auto* member = dir.find(cmd.member);
                if (!member) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
                if (auto p = may_act_for(cmd.actor, cmd.member)) return std::unexpected(*p);
                std::optional<core::Loan> open;
                if (const auto* l = ts.loan_of_tool(cmd.tool)) open = *l;
                const auto rs = ts.reservations_of(cmd.tool);
                if (auto p = core::check_reserve(ts.rules, *tool, member, open, rs, !cmd.waiting_list, cmd.from, cmd.to, today))
                    return std::unexpected(*p);
                core::Reservation r;
                r.id = ts.max_reservation + 1;
                r.tool = cmd.tool;
                r.member = cmd.member;
                r.created_at = now;
                if (cmd.waiting_list) {
                    r.kind = core::ReservationKind::waiting;
                    r.from = r.to = today;
                } else {
                    r.kind = core::ReservationKind::range;
                    r.from = cmd.from;
                    r.to = cmd.to;
                    // The allocation core's guarantee: no two ranges of one tool overlap.
                    const auto e = entry_of(r);
                    if (const auto* other = ts.ranges[cmd.tool].conflict(e.start, e.end)) {
                        const auto& o = ts.live.at(other->id);
                        return std::unexpected(problem("{0} is already reserved from {1} to {2}: choose other days",
                                                       {tool->name, core::format_date(o.from), core::format_date(o.to)}));
                    }
                }
                ToolChanges c;
                c.reservations.push_back(r);
                c.events.push_back(event(cmd.waiting_list ? "reservation.waiting" : "reservation.booked", sub("reservation", r.id),
                                         {{"tool", num(r.tool)}, {"member", num(r.member)}, {"from", core::format_date(r.from)},
                                          {"to", core::format_date(r.to)}}));
                // On the shelf with nobody ahead: a waiting-list place is a hold at once, up to
                // another member's date reservation.
                const auto until = hold_end(rs, cmd.member, ts.rules, today);
                if (cmd.waiting_list && tool->status == core::ToolStatus::available && until) {
                    r.state = core::ReservationState::held;
                    r.held_until = *until;
                    c.reservations.back() = r;
                    core::Tool t = *tool;
                    t.status = core::ToolStatus::reserved;
                    t.updated_at = now;
                    c.tools.push_back(t);
                    c.events.push_back(event("reservation.held", sub("reservation", r.id), {{"until", core::format_date(*r.held_until)}}));
                }
                if (auto res = commit(c, cmd.actor); !res) return std::unexpected(res.error());
                return r;
            } else if constexpr (std::is_same_v<T, CancelToolReservation>) {
                auto it = ts.live.find(cmd.reservation);
                if (it == ts.live.end())
                    return std::unexpected(problem("No live reservation has the number {0}: it may be over or already cancelled",
                                                   {num(cmd.reservation)}));
                core::Reservation r = it->second;
                // A member cancels their own; someone else's needs a host.
                if (cmd.actor && *cmd.actor != r.member)
                    if (auto p = need_host(cmd.actor, "Only a host can cancel another member's reservation")) return std::unexpected(*p);
                const bool was_held = r.state == core::ReservationState::held;
                r.state = core::ReservationState::cancelled;
                ToolChanges c;
                c.reservations.push_back(r);
                c.events.push_back(event("reservation.cancelled", sub("reservation", r.id),
                                         {{"tool", num(r.tool)}, {"member", num(r.member)}, {"why", "cancelled"}}));
                // A held tool goes to the next on the waiting list, or back on the shelf.
                if (const auto* t = ts.tool(r.tool); was_held && t && t->status == core::ToolStatus::reserved) {
                    core::Tool tool = *t;
                    std::vector<core::Reservation> rest;
                    for (const auto& x : ts.reservations_of(r.tool))
                        if (x.id != r.id) rest.push_back(x);
                    shelve(tool, rest, ts.rules, today, c);
                    tool.updated_at = now;
                    c.tools.push_back(tool);
                    c.events.push_back(event("tool.status", sub("tool", tool.id), {{"status", std::string(core::to_string(tool.status))}}));
                }
                if (auto res = commit(c, cmd.actor); !res) return std::unexpected(res.error());
                return r;
            } else if constexpr (std::is_same_v<T, ToolFlow>) {
                if (cmd.mode == ToolFlow::Mode::closed) {
                    ts.flow.reset();
                    ts.dirty = true;
                    return Done{};
                }
                if (!dir.find(cmd.member)) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
                if (auto p = may_act_for(cmd.actor, cmd.member)) return std::unexpected(*p);
                ToolFlowView f;
                f.borrowing = cmd.mode == ToolFlow::Mode::borrow;
                f.member = cmd.member;
                f.actor = cmd.actor;
                f.seq = ++ts.seq;
                ts.flow = f;
                ts.dirty = true;
                return Done{};
            } else if constexpr (std::is_same_v<T, ToolPick> || std::is_same_v<T, ToolScanned>) {
                core::ToolId tool_id = 0;
                if constexpr (std::is_same_v<T, ToolScanned>) {
                    auto tag = core::normalize_tag(cmd.tag);
                    std::optional<core::ToolId> found;
                    if (tag)
                        if (auto it = ts.by_tag.find(*tag); it != ts.by_tag.end()) found = it->second;
                    ts.last_scan = ToolScanView{++ts.seq, tag ? *tag : cmd.tag, found};
                    ts.dirty = true;
                    if (!ts.flow) return Done{};  // kept for the inventory screens
                    if (!found) {
                        ts.flow->problem = tag ? problem("Unknown tag {0}: this label belongs to no tool of the library", {*tag})
                                               : tag.error();
                        ts.flow->seq = ++ts.seq;
                        return std::unexpected(*ts.flow->problem);
                    }
                    tool_id = *found;
                } else {
                    tool_id = cmd.tool;
                    if (!ts.flow) return std::unexpected(problem("Open Borrow or Return first"));
                }
                ToolFlowView& f = *ts.flow;
                f.seq = ++ts.seq;
                f.problem.reset();
                ts.dirty = true;
                const auto* tool = ts.tool(tool_id);
                if (!tool) {
                    f.problem = problem("No tool has the number {0}", {num(tool_id)});
                    return std::unexpected(*f.problem);
                }
                if (!f.borrowing) {
                    const auto* l = ts.loan_of_tool(tool_id);
                    const bool helper = f.actor && f.actor != f.member;
                    if (!l) f.problem = problem("{0} is not on loan: there is nothing to return", {tool->name});
                    else if (l->member != f.member && !helper)
                        f.problem = problem("{0} is on loan to another member: a volunteer can record its return", {tool->name});
                    if (f.problem) return std::unexpected(*f.problem);
                    f.selected = tool_id;
                    return Done{};
                }
                auto in_basket = std::find(f.basket.begin(), f.basket.end(), tool_id);
                bool add = true;
                if constexpr (std::is_same_v<T, ToolPick>) add = cmd.add;
                if (!add) {
                    if (in_basket != f.basket.end()) f.basket.erase(in_basket);
                    return Done{};
                }
                if (in_basket != f.basket.end()) return Done{};  // scanned twice: once in the basket
                const auto* member = dir.find(f.member);
                const auto who = ts.rules_view(member, f.member, today);
                auto due = core::due_date(ts.rules, *tool, std::nullopt, today);
                if (!due) {
                    f.problem = due.error();
                    return std::unexpected(*f.problem);
                }
                auto p = core::check_lend(ts.rules, *tool, who, f.basket.size() + 1, true,  // the skill is checked below
                                          ts.reservations_of(tool_id), today, *due);
                if (!p) p = tool_skill_refusal(*tool, f.member);
                if (p) {
                    f.problem = *p;
                    return std::unexpected(*p);
                }
                f.basket.push_back(tool_id);
                return Done{};
            } else if constexpr (std::is_same_v<T, ExportTools>) {
                return export_tools(cmd, now);  // the kiosk's label sheet and overdue CSV
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        command);
}

// [SECTION] Exports
namespace {
// A member's text starting with = + - @ gets a ' first: a spreadsheet never runs it as a
// formula (core::append_csv_field, the one CSV field of the station).
std::string csv_line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) line += ',';
        core::append_csv_field(line, cells[i]);
    }
    return line + "\r\n";
}
}  // namespace

Result Station::export_tools(const ExportTools& cmd, core::Timestamp now) {
    ToolsState& ts = *m_tools;
    if (cmd.actor) {
        const auto* m = directory().find(*cmd.actor);
        if (!m || !core::can_host(m->role)) return std::unexpected(problem("Only a host can print labels or export the overdue list"));
    }
    const auto today = m_calendar.local_day(now);
    ToolExportView x;
    x.seq = ++ts.seq;
    x.labels = cmd.kind == ExportTools::Kind::labels;
    const auto folder = export_folder(m_opts.tool_export_dir);
    std::expected<void, Problem> done;
    if (x.labels) {
        std::vector<core::Tool> chosen;
        for (const auto& t : ts.tool_list)
            if (t.status != core::ToolStatus::retired && (cmd.category.empty() || t.category == cmd.category)) chosen.push_back(t);
        x.path = (folder / ("etabli-labels-" + core::format_date(today) + ".pdf")).string();
        if (auto n = m_store.write_tool_labels(chosen, x.path)) x.rows = *n;
        else done = std::unexpected(n.error());
    } else {
        std::string text = "\xEF\xBB\xBF";  // a BOM: spreadsheets then read the accents right
        text += csv_line(cmd.csv_header.empty() ? std::vector<std::string>{"Tag", "Tool", "Member number", "Member", "E-mail",
                                                                           "Due", "Days late", "Deposit"}
                                                : cmd.csv_header);
        for (const auto& l : ts.loan_list) {
            if (core::days_late(l.loan, today) == 0) continue;
            text += csv_line({l.tool_tag, l.tool_name, std::to_string(l.loan.member), l.member_name, l.member_contact,
                              core::format_date(l.loan.due), std::to_string(core::days_late(l.loan, today)),
                              core::format_euros(l.loan.deposit_cents)});
            ++x.rows;
        }
        x.path = (folder / ("etabli-overdue-" + core::format_date(today) + ".csv")).string();
        done = m_store.write_export(x.path, text);
    }
    if (!done) x.problem = done.error();
    ts.last_export = x;
    ts.dirty = true;
    if (!done) return std::unexpected(done.error());
    return Done{};
}

// [SECTION] Publishing
namespace {
LoanView loan_view(const core::Loan& l, const core::Tool* t, const Directory& dir, core::Date today) {
    LoanView v;
    v.loan = l;
    if (t) {
        v.tool_name = t->name;
        v.tool_tag = t->tag;
        v.tool_category = t->category;
    }
    if (const auto* m = dir.find(l.member)) {
        v.member_name = m->display_name;
        v.member_contact = m->email.value_or("");
    }
    v.days_late = core::days_late(l, today);
    return v;
}
}  // namespace

void Station::ToolsState::add_loan_view(const core::Loan& l) {
    if (!view_directory || !view_day) return;  // the next publish builds them all
    loan_list.insert(loan_view(l, tool(l.tool), *view_directory, *view_day));
}

std::vector<LoanView> Station::overdue_tools_of(core::MemberId member) const {
    std::vector<LoanView> out;
    if (!m_tools) return out;
    const auto today = m_calendar.local_day(m_clock.now());
    for (const auto& l : m_tools->loans_of(member))
        if (core::overdue(l, today)) out.push_back(loan_view(l, m_tools->tool(l.tool), directory(), today));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.days_late > b.days_late; });
    return out;
}

void Station::publish_tools(Snapshot& snap) {
    if (!m_tools) return;
    ToolsState& ts = *m_tools;
    // Loan views hold member names and days late: a new directory or a new day (midnight)
    // rebuilds them; anything else edited them in place as it was applied.
    if (ts.view_directory != snap.directory || ts.view_day != snap.today) {
        ts.view_directory = snap.directory;
        ts.view_day = snap.today;
        std::vector<LoanView> all;
        all.reserve(ts.open.size());
        for (const auto& [id, l] : ts.open) all.push_back(loan_view(l, ts.tool(l.tool), *snap.directory, snap.today));
        std::sort(all.begin(), all.end(), LoanByDue{});
        ts.loan_list.assign_sorted(std::move(all));
        ts.dirty = true;
    }
    if (!ts.dirty && ts.view) {
        snap.tools = ts.view;
        return;
    }
    auto v = std::make_shared<ToolsView>();
    v->rules = ts.rules;
    v->tools = ts.tool_list;
    v->categories.reserve(ts.category_uses.size());
    for (const auto& [cat, n] : ts.category_uses) v->categories.push_back(cat);
    v->loans = ts.loan_list;
    v->reservations = ts.reservation_list;
    v->flow = ts.flow;
    v->last_scan = ts.last_scan;
    v->last_export = ts.last_export;
    ts.view = v;
    ts.dirty = false;
    snap.tools = std::move(v);
}

// [SECTION] The feature
std::unique_ptr<Feature> LegacyFeatures::tools(Station& s) {
    struct Tools final : Feature {
        Station& s;
        explicit Tools(Station& st) : s(st) {}
        std::expected<void, Problem> load() override { return s.load_tools(); }
        Result handle(const Command& c) override { return s.handle_tools(c); }
        bool housekeeping(core::Timestamp now) override { return s.m_tools && s.tools_housekeeping(now); }
        void publish(Snapshot& snap) override { s.publish_tools(snap); }
    };
    return std::make_unique<Tools>(s);
}
std::unique_ptr<Feature> ToolsFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::tools(s); }

}  // namespace etabli::app
