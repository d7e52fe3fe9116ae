// The Station's repair log and volunteer hours: LogRepair, EditRepair, SetPresenceRole,
// CorrectPresence, what the station keeps in memory for them (this year's repairs, the last
// 24 hours, today's roles, the year's volunteer hours) and their part of the snapshot.
// Layer: app. Station thread only (load_repairs also from start(), before the thread runs).
//
// Memory follows the disk as elsewhere: a command changes memory only after its store call
// committed. This year's repairs stay in memory for the statistics (a busy workshop logs a few
// thousand a year); exports read the store.
#include <etabli/app/station.hpp>

#include "legacy_features.hpp"

#include <algorithm>

namespace etabli::app {

using namespace std::chrono;
using core::problem;

struct Station::RepairsState {
    int year = 0;                                   // the year `repairs` holds
    std::vector<core::Repair> repairs;              // this year's, by id
    std::vector<core::Repair> recent;               // logged since yesterday (newest last)
    std::map<core::MemberId, core::VolunteerRole> roles;  // members present with today's role
    std::map<unsigned, seconds> hours;              // this year's volunteer time by month
    std::vector<core::PresenceId> to_correct;
    std::vector<PresenceToCorrect> corrections;     // the same, for the host screen
    core::RepairStats stats;
    bool stats_dirty = true;
    std::optional<Timestamp> hours_at;              // when hours were last computed
};

namespace {

core::Date year_start(int y) { return core::Date{year{y}, January, day{1}}; }

void put(std::vector<core::Repair>& v, const core::Repair& r) {
    auto it = std::find_if(v.begin(), v.end(), [&](const core::Repair& x) { return x.id == r.id; });
    if (it == v.end()) v.push_back(r);
    else *it = r;
}

}  // namespace

std::expected<void, Problem> Station::load_repairs() {
    m_repairs = std::make_shared<RepairsState>();
    RepairsState& rs = *m_repairs;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    rs.year = static_cast<int>(today.year());
    auto year = m_store.repairs_between(year_start(rs.year), std::nullopt);
    if (!year) return std::unexpected(year.error());
    rs.repairs = std::move(*year);
    auto recent = m_store.repairs_between(core::Date{sys_days{today} - days{1}}, std::nullopt);
    if (!recent) return std::unexpected(recent.error());
    rs.recent = std::move(*recent);
    rs.stats_dirty = true;
    rs.hours_at.reset();
    return {};
}

namespace {

// The end of the day's last opening window, as an instant: a forgotten check-out counts
// until then. None when the day was closed or the hours are unknown.
std::optional<Timestamp> closing_time(const Calendar& cal, const alloc::Engine* engine, Timestamp checked_in) {
    if (!engine) return std::nullopt;
    const auto day = cal.local_day(checked_in);
    const auto& windows = engine->hours().of(day);
    if (windows.empty()) return std::nullopt;
    int last = 0;
    for (const auto& w : windows) last = std::max(last, w.to);
    auto t = alloc::local_to_utc(cal.zone(), local_seconds{sys_days{day}.time_since_epoch() + minutes{last}});
    if (!t) return std::nullopt;
    return *t;
}

}  // namespace

// Retention: the store does the rows; the memory is read again when anything changed.
Result Station::purge_personal_data(const PurgePersonalData& c) {
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    PurgeRequest r;
    r.now = now;
    r.dry_run = c.dry_run;
    r.calendar = &m_calendar;
    // Whole months kept: from the first of the month N months back.
    const core::Date first_of_month = today.year() / today.month() / std::chrono::day{1};
    r.presences_before = m_calendar.day_start(first_of_month - std::chrono::months{m_opts.privacy.presence_months});
    core::Date ended = today - std::chrono::years{m_opts.privacy.erase_after_years};
    if (!ended.ok()) ended = ended.year() / ended.month() / std::chrono::last;  // 29 February
    r.erase_ended_before = ended;
    r.buyers_declared_before = now - std::chrono::days{m_opts.privacy.bike_buyer_days};
    r.buyers_left_before = ended;
    const alloc::Engine* eng = engine();
    r.closing_of = [this, eng](Timestamp in) { return closing_time(m_calendar, eng, in); };
    auto s = m_store.purge_personal_data(r);
    if (!s) return s.error().kind == core::Problem::Kind::storage ? failed(s.error()) : std::unexpected(s.error());
    if (!c.dry_run && (s->presences > 0 || !s->erased.empty() || s->buyers > 0))
        if (auto again = load_all(); !again) return failed(again.error());
    return *s;
}

Result Station::handle_repairs(const Command& c) {
    if (!m_repairs) return std::unexpected(problem("The station is not running"));
    RepairsState& rs = *m_repairs;
    const auto now = m_clock.now();
    const auto today = m_calendar.local_day(now);
    const Directory& dir = directory();
    auto is_host = [&](std::optional<core::MemberId> actor) {
        if (!actor) return true;  // the command line
        const auto* m = dir.find(*actor);
        return m && core::can_host(m->role);
    };
    // Every volunteer exists and volunteers; the owner exists; a kiosk actor is one of the
    // volunteers or a host.
    auto check_people = [&](const core::Repair& r, std::optional<core::MemberId> actor) -> std::optional<Problem> {
        for (auto v : r.volunteers) {
            const auto* m = dir.find(v);
            if (!m) return problem("No member has the number {0}", {std::to_string(v)});
            if (m->role == core::Role::member)
                return problem("{0} is not a volunteer: ask a host to give them the volunteer role", {m->display_name});
        }
        if (r.owner && !dir.find(*r.owner)) return problem("No member has the number {0}", {std::to_string(*r.owner)});
        if (r.bike) {  // the register's bikes, as the bikes feature last published them
            const auto snap = snapshot();
            const auto* bikes = snap->part<BikesFeature>();
            if (!bikes || !bikes->find(*r.bike)) return problem("No bike has the number {0}", {std::to_string(*r.bike)});
        }
        if (actor && !is_host(actor) && std::find(r.volunteers.begin(), r.volunteers.end(), *actor) == r.volunteers.end())
            return problem("Only the volunteers of a repair or a host can log or change it");
        return std::nullopt;
    };
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, LogRepair>) {
                core::Repair r = cmd.repair;
                if (!r.day.ok() || r.day == core::Date{}) r.day = today;
                auto v = core::validate_repair(std::move(r), today);
                if (!v) return std::unexpected(v.error());
                if (auto p = check_people(*v, cmd.actor)) return std::unexpected(*p);
                auto stored = m_store.add_repair(*v, cmd.actor, now);
                if (!stored) return std::unexpected(stored.error());
                if (static_cast<int>(stored->day.year()) == rs.year) put(rs.repairs, *stored);
                put(rs.recent, *stored);
                rs.stats_dirty = true;
                return *stored;
            } else if constexpr (std::is_same_v<T, EditRepair>) {
                auto found = m_store.find_repair(cmd.repair.id);
                if (!found) return std::unexpected(found.error());
                if (!*found) return std::unexpected(problem("No repair has the number {0}", {std::to_string(cmd.repair.id)}));
                const core::Repair& old = **found;
                if (cmd.actor && !is_host(cmd.actor)) {
                    if (std::find(old.volunteers.begin(), old.volunteers.end(), *cmd.actor) == old.volunteers.end())
                        return std::unexpected(problem("Only the volunteers of a repair or a host can log or change it"));
                    if (now - old.logged_at > hours{24})
                        return std::unexpected(problem("A repair can be changed at the kiosk for 24 hours: ask a host"));
                }
                core::Repair r = cmd.repair;
                if (!r.day.ok() || r.day == core::Date{}) r.day = old.day;
                auto v = core::validate_repair(std::move(r), today);
                if (!v) return std::unexpected(v.error());
                if (auto p = check_people(*v, std::nullopt)) return std::unexpected(*p);
                auto stored = m_store.update_repair(*v, cmd.actor, now);
                if (!stored) return std::unexpected(stored.error());
                std::erase_if(rs.repairs, [&](const core::Repair& x) { return x.id == stored->id; });
                if (static_cast<int>(stored->day.year()) == rs.year) put(rs.repairs, *stored);
                std::sort(rs.repairs.begin(), rs.repairs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
                put(rs.recent, *stored);
                rs.stats_dirty = true;
                return *stored;
            } else if constexpr (std::is_same_v<T, SetPresenceRole>) {
                const auto* m = dir.find(cmd.member);
                if (!m) return std::unexpected(problem("No member has the number {0}", {std::to_string(cmd.member)}));
                if (cmd.actor && *cmd.actor != cmd.member && !is_host(cmd.actor))
                    return std::unexpected(problem("Only a host can choose the role of another volunteer"));
                if (!core::picks_role(m->role) && m->role != core::Role::admin)
                    return std::unexpected(problem("{0} is not a volunteer: ask a host to give them the volunteer role", {m->display_name}));
                const auto* p = open_presence(cmd.member);
                if (!p || p->checked_in < m_calendar.day_start(today))
                    return std::unexpected(problem("{0} is not checked in today", {m->display_name}));
                auto r = m_store.set_presence_role(p->id, cmd.role, now, cmd.actor, now);
                if (!r) return std::unexpected(r.error());
                rs.roles[cmd.member] = cmd.role;
                rs.hours_at.reset();
                return Done{};
            } else if constexpr (std::is_same_v<T, CorrectPresence>) {
                if (!is_host(cmd.actor)) return std::unexpected(problem("Only a host can correct a check-out"));
                if (cmd.checked_out > now) return std::unexpected(problem("A check-out cannot be in the future"));
                // The real time of leaving cannot run into the member's next visit: the hours
                // would count twice. The flagged list knows the next check-in; the open
                // presence covers a visit that started since the list was last computed.
                auto flagged = std::find_if(rs.corrections.begin(), rs.corrections.end(),
                                            [&](const PresenceToCorrect& p) { return p.presence == cmd.presence; });
                if (flagged != rs.corrections.end()) {
                    // Said here in local time (the store's own check speaks UTC, for the CLI).
                    if (cmd.checked_out <= flagged->checked_in)
                        return std::unexpected(problem("The check-out must come after the check-in, on {0} at {1}",
                                                       {core::format_date(m_calendar.local_day(flagged->checked_in)),
                                                        m_calendar.local_hhmm(flagged->checked_in)}));
                    std::optional<Timestamp> next = flagged->next_check_in;
                    if (const auto* open = open_presence(flagged->member);
                        open && open->id != cmd.presence && open->checked_in > flagged->checked_in &&
                        (!next || open->checked_in < *next))
                        next = open->checked_in;
                    if (next && cmd.checked_out > *next)
                        return std::unexpected(problem("{0} badged in again on {1} at {2}: the check-out must come before that",
                                                       {flagged->member_name, core::format_date(m_calendar.local_day(*next)),
                                                        m_calendar.local_hhmm(*next)}));
                }
                auto r = m_store.correct_presence(cmd.presence, cmd.checked_out, cmd.actor, now);
                if (!r) return std::unexpected(r.error());
                rs.hours_at.reset();
                return Done{};
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

void Station::publish_repairs(Snapshot& snap) {
    if (!m_repairs) return;
    const auto now = snap.at;
    const int this_year = static_cast<int>(snap.today.year());
    if (this_year != m_repairs->year) {
        // New Year's Day: the in-memory year starts again from the store (a new state
        // object: `rs` below is taken after it).
        if (auto r = load_repairs(); !r && !m_store.link_down()) snap.storage_problem = r.error();  // offline: the banner says it
        if (!m_repairs) return;
    }
    RepairsState& rs = *m_repairs;
    // Volunteer hours move with time: recomputed at most every five minutes, and after a role
    // or a correction changed them.
    if (!rs.hours_at || now - *rs.hours_at >= minutes{5}) {
        const auto from = m_calendar.day_start(year_start(rs.year));
        const auto to = m_calendar.day_start(year_start(rs.year + 1));
        auto presences = m_store.volunteer_presences(from, to);
        if (!presences) {
            if (!m_store.link_down()) snap.storage_problem = presences.error();  // offline: the last hours stay, the banner says why
        } else {
            const alloc::Engine* eng = engine();
            auto closing = [&](Timestamp in) { return closing_time(m_calendar, eng, in); };
            rs.hours.clear();
            rs.to_correct.clear();
            for (unsigned m = 1; m <= 12; ++m) {
                const auto a = m_calendar.day_start(core::Date{year{rs.year}, month{m}, day{1}});
                const auto b = m == 12 ? to : m_calendar.day_start(core::Date{year{rs.year}, month{m + 1}, day{1}});
                if (a > now) break;
                auto rep = core::volunteer_hours(*presences, a, b, now, closing);
                if (rep.total.count() > 0) rs.hours[m] = rep.total;
                for (auto id : rep.to_correct)
                    if (std::find(rs.to_correct.begin(), rs.to_correct.end(), id) == rs.to_correct.end()) rs.to_correct.push_back(id);
            }
            rs.corrections.clear();
            for (auto id : rs.to_correct) {
                auto p = std::find_if(presences->begin(), presences->end(), [&](const auto& x) { return x.id == id; });
                if (p == presences->end() || !p->checked_out) continue;
                PresenceToCorrect v;
                v.presence = p->id;
                v.member = p->member;
                const auto* m = directory().find(p->member);
                v.member_name = m ? m->display_name : "#" + std::to_string(p->member);
                if (!p->roles.empty()) v.role = p->roles.back().role;
                v.checked_in = p->checked_in;
                v.auto_closed = *p->checked_out;
                if (auto c = closing(p->checked_in); c && *c > p->checked_in && *c <= *p->checked_out) v.closing = *c;
                for (const auto& q : *presences)
                    if (q.member == p->member && q.id != p->id && q.checked_in > p->checked_in &&
                        (!v.next_check_in || q.checked_in < *v.next_check_in))
                        v.next_check_in = q.checked_in;
                v.utc_offset = m_calendar.zone().offset(p->checked_in);
                rs.corrections.push_back(std::move(v));
            }
            rs.roles.clear();
            const auto day_start = m_calendar.day_start(snap.today);
            for (const auto& p : *presences) {
                if (p.checked_out || p.checked_in < day_start || p.roles.empty()) continue;
                rs.roles[p.member] = std::max_element(p.roles.begin(), p.roles.end(), [](const auto& a, const auto& b) {
                                         return a.since < b.since;
                                     })->role;
            }
            rs.hours_at = now;
        }
    }
    // Roles of members who left are forgotten (their presence closed).
    std::erase_if(rs.roles, [&](const auto& kv) { return open_presence(kv.first) == nullptr; });
    std::erase_if(rs.recent, [&](const core::Repair& r) { return now - r.logged_at > hours{24}; });
    if (rs.stats_dirty) {
        std::vector<std::string> names;
        for (const auto& [id, m] : directory().members) names.push_back(m.display_name);
        rs.stats = core::repair_stats(rs.repairs, rs.year, std::nullopt, core::PiiStripper(names));
        rs.stats_dirty = false;
    }
    snap.recent_repairs.assign(rs.recent.rbegin(), rs.recent.rend());
    snap.roles = rs.roles;
    snap.repair_year = rs.stats;
    snap.volunteer_time = rs.hours;
    snap.presences_to_correct = rs.to_correct;
    snap.presence_corrections = rs.corrections;
    snap.ask_volunteer_role = true;
}

// [SECTION] The feature
std::unique_ptr<Feature> LegacyFeatures::repairs(Station& s) {
    struct Repairs final : Feature {
        Station& s;
        explicit Repairs(Station& st) : s(st) {}
        std::expected<void, Problem> load() override { return s.load_repairs(); }
        Result handle(const Command& c) override { return s.handle_repairs(c); }
        void publish(Snapshot& snap) override { s.publish_repairs(snap); }
    };
    return std::make_unique<Repairs>(s);
}
std::unique_ptr<Feature> RepairsFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::repairs(s); }

}  // namespace etabli::app
