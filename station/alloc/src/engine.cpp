// Engine: the allocation core's decisions (see engine.hpp for the rules and the contract).
// Layer: alloc (pure, deterministic). Station thread only.
//
// [SECTION] helpers        grid, names, lookups
// [SECTION] construction   rebuild from rows, resume
// [SECTION] checks         hours, conflicts, quota, requests, walk-ins
// [SECTION] bookings       book, weekly series, cancel, move, extend, notices
// [SECTION] sessions       access, end, deadlines
// [SECTION] queue          join, leave, offers
// [SECTION] setup          machines, hours
// [SECTION] queries        slots, listings, snapshot
#include <etabli/alloc/engine.hpp>
#include <etabli/alloc/quota.hpp>
#include <etabli/core/i18n.hpp>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <limits>

namespace etabli::alloc {

using namespace std::chrono;
using core::problem;

// [SECTION] helpers

namespace {

constexpr auto kWeek = kQuotaWeek;
constexpr auto kOpeningHorizon = days{35};  // see Engine::opening_after
// Rows that ended longer ago than this are of no use to any rule (the quota looks a week back).
constexpr auto kKeep = days{8};
// The most a table by booking id is filled (see the constructor).
constexpr float kSparse = 0.25f;

// Whether a rule may still need booking `b` (see kKeep): live, a host note not yet seen, or
// ended after `cutoff`.
bool kept(const Booking& b, Timestamp cutoff) {
    const bool live = b.state == BookingState::booked || b.state == BookingState::active;
    return live || (b.host_note && !b.notice_seen) || b.end >= cutoff;
}

Timestamp ceil_grid(Timestamp t, Minutes slot) {
    const auto step = duration_cast<seconds>(slot).count();
    const auto v = t.time_since_epoch().count();
    const auto r = ((v % step) + step) % step;
    return Timestamp{seconds{r == 0 ? v : v + (step - r)}};
}
bool on_grid(Timestamp t, Minutes slot) { return ceil_grid(t, slot) == t; }

std::string num(long long v) { return std::to_string(v); }

// Refusal numbers are plain integers: instants and durations in seconds.
std::int64_t secs(Timestamp t) { return t.time_since_epoch().count(); }
std::int64_t secs(seconds d) { return d.count(); }
Timestamp instant(std::int64_t v) { return Timestamp{seconds{v}}; }
Refusal refuse(Rule rule, std::int64_t a = 0, std::int64_t b = 0, std::int64_t c = 0, std::int64_t d = 0) {
    return Refusal{rule, {a, b, c, d}};
}

// "warn:12" → ("warn", 12).
std::pair<std::string, std::int64_t> split_key(const std::string& key) {
    const auto colon = key.find(':');
    std::int64_t id = 0;
    std::from_chars(key.data() + colon + 1, key.data() + key.size(), id);
    return {key.substr(0, colon), id};
}
std::string key(const char* kind, std::int64_t id) { return std::string(kind) + ":" + std::to_string(id); }

}  // namespace

const Machine* Engine::machine(MachineId id) const {
    if (const Machine* fast = m_fast_machine.get(id)) return fast;
    auto it = m_machines.find(id);
    return it == m_machines.end() ? nullptr : &it->second;
}
const Booking* Engine::booking(BookingId id) const {
    auto it = m_bookings.find(id);
    return it == m_bookings.end() ? nullptr : &it->second;
}
const Session* Engine::session_on(MachineId m) const {
    auto it = m_session_on.find(m);
    return it == m_session_on.end() ? nullptr : &m_sessions.at(it->second);
}
// Member ids are store row ids, dense from 1: a bitmap of a few kilobytes per machine answers
// in one memory access what a binary search over thousands of ids answers in a dozen cache
// misses. Ids beyond the bitmap (sparse ids) are looked up in the sorted list itself.
bool Engine::is_authorised(const Machine& mc, MemberId m) const {
    const std::vector<std::uint64_t>* bits = m_fast_bits.get(mc.id);
    if (!bits)
        if (auto bi = m_authorised_bits.find(mc.id); bi != m_authorised_bits.end()) bits = &bi->second;
    if (bits && m >= 0) {
        const auto u = static_cast<std::uint64_t>(m);
        if (u / 64 < bits->size()) return ((*bits)[u / 64] >> (u % 64)) & 1U;
    }
    return std::binary_search(mc.authorised.begin(), mc.authorised.end(), m);
}
const MemberInfo* Engine::member_info(MemberId id) const {
    if (const MemberInfo* fast = m_fast_member.get(id)) return fast;
    auto it = m_members.find(id);
    return it == m_members.end() ? nullptr : &it->second;
}
const Engine::Index& Engine::machine_index(MachineId id) const {
    if (const Index* fast = m_fast_machine_index.get(id)) return *fast;
    return m_by_machine.at(id);
}
// A member holds a handful of bookings at a time: a sorted vector, in an array by id next
// to m_member_hot, is one slot read and one line of data for the quota check, where a chunked
// index behind a map was four dependent cache misses (the quota check's share, measured).
const Engine::MemberHeld* Engine::member_index(MemberId id) const {
    if (id >= 0 && static_cast<std::uint64_t>(id) < m_member_held.size()) {
        const MemberHeld& v = m_member_held[static_cast<std::size_t>(id)];
        return v.empty() ? nullptr : &v;
    }
    auto it = m_member_held_sparse.find(id);
    return it == m_member_held_sparse.end() || it->second.empty() ? nullptr : &it->second;
}
Engine::MemberHeld& Engine::member_held(MemberId id) {
    // Dense ids (store row ids) go to the array, within a few times the member count; the
    // rare others to the map. An id is in the array exactly when it is below its size: when
    // the array grows, the map's entries it now covers move into it.
    if (id >= 0 && static_cast<std::uint64_t>(id) < 4 * m_members.size() + 4096) {
        const auto u = static_cast<std::size_t>(id);
        if (u >= m_member_held.size()) {
            m_member_held.resize(u + 1);
            for (auto it = m_member_held_sparse.begin(); it != m_member_held_sparse.end();) {
                if (it->first >= 0 && static_cast<std::uint64_t>(it->first) < m_member_held.size()) {
                    m_member_held[static_cast<std::size_t>(it->first)] = std::move(it->second);
                    it = m_member_held_sparse.erase(it);
                } else {
                    ++it;
                }
            }
        }
        return m_member_held[u];
    }
    if (id >= 0 && static_cast<std::uint64_t>(id) < m_member_held.size()) return m_member_held[static_cast<std::size_t>(id)];
    return m_member_held_sparse[id];
}
Engine::MemberHot Engine::member_hot(MemberId id) const {
    if (id >= 0 && static_cast<std::uint64_t>(id) < m_member_hot.size() && m_member_hot[static_cast<std::size_t>(id)].known)
        return m_member_hot[static_cast<std::size_t>(id)];
    const MemberInfo* m = member_info(id);
    if (!m) return MemberHot{};
    MemberHot h{0, m->role, true, m->valid_until.has_value()};
    if (m->valid_until) h.valid_until = static_cast<std::int32_t>(sys_days{*m->valid_until}.time_since_epoch().count());
    return h;
}
void Engine::upsert_member(const MemberInfo& m) {
    const MemberInfo& stored = m_members[m.id] = m;
    m_fast_member.set(m.id, &stored, m_members.size());
    // The same coverage as the pointers (ById::set): ids past it are looked up in the map.
    if (m.id >= 0 && m_fast_member.get(m.id)) {
        const auto u = static_cast<std::size_t>(m.id);
        if (u >= m_member_hot.size()) m_member_hot.resize(u + 1);
        MemberHot& h = m_member_hot[u];
        h = MemberHot{0, m.role, true, m.valid_until.has_value()};
        if (m.valid_until) h.valid_until = static_cast<std::int32_t>(sys_days{*m.valid_until}.time_since_epoch().count());
    }
}
// Called on every change to a machine (set_machine), so its pointers are refreshed here.
void Engine::index_machine(const Machine& mc) {
    m_fast_machine_index.set(mc.id, &m_by_machine[mc.id], m_machines.size() + 1);
    // Covers the ids up to the largest authorised one, within 32 bytes per authorised member
    // (plus 8 KB): sparse ids past that go to the list.
    const std::size_t cap = 1024 + 4 * mc.authorised.size();
    std::vector<std::uint64_t> bits;
    for (MemberId m : mc.authorised) {
        if (m < 0) continue;
        const auto word = static_cast<std::uint64_t>(m) / 64;
        if (word >= cap) break;  // sorted: the rest are larger
        if (word >= bits.size()) bits.resize(word + 1, 0);
        bits[word] |= std::uint64_t{1} << (static_cast<std::uint64_t>(m) % 64);
    }
    auto& stored = m_authorised_bits[mc.id] = std::move(bits);
    m_fast_bits.set(mc.id, &stored, m_machines.size() + 1);
}

std::string Engine::scope_name(const Machine& mc) const {
    return mc.rules.quota_scope == QuotaScope::pool && mc.pool ? *mc.pool : mc.name;
}
std::string Engine::machine_name(std::int64_t id) const {
    const Machine* mc = machine(id);
    return mc ? mc->name : num(id);
}
std::vector<MachineId> Engine::machines_of(const QueueTarget& t) const {
    std::vector<MachineId> out;
    if (t.machine) {
        if (m_machines.contains(*t.machine)) out.push_back(*t.machine);
    } else if (t.pool) {
        for (const auto& [id, mc] : m_machines)
            if (mc.pool == t.pool) out.push_back(id);
    }
    return out;
}
Changes Engine::done(Changes c) const {
    c.next_ids = m_ids;
    c.as_of = m_now;
    return c;
}
void Engine::expect_now(Timestamp now) {
    assert(now >= m_now && "time given to the engine must not go back");
    // A deadline due now is allowed only when everything due was taken at this same `now`
    // (see m_settled): then an earlier request at `now` left it, and the next tick() takes it.
    assert((!next_deadline() || *next_deadline() > now || m_settled == now) &&
           "call tick(now) before a request");
    m_now = now;
    m_settled = now;
}

// [SECTION] construction

Engine::Engine(EngineState state, const Zone& zone, Timestamp now, EngineConfig config)
    : m_zone(&zone), m_config(config), m_hours(std::move(state.hours)), m_ids(state.next_ids), m_now(now),
      m_as_of(state.as_of.value_or(now)) {
    for (auto& mc : state.machines) {
        std::sort(mc.authorised.begin(), mc.authorised.end());
        index_machine(mc);
        const MachineId id = mc.id;
        m_fast_machine.set(id, &(m_machines[id] = std::move(mc)), state.machines.size());
    }
    m_members.reserve(state.members.size());
    for (const auto& m : state.members) upsert_member(m);
    const Timestamp cutoff = now - kKeep;
    // The tables by booking id are kept a quarter full at most (kSparse): a new booking's id
    // then lands in an empty bucket, where an insert touches nothing but the previous new
    // booking. Fuller, it walked an old booking's chain and relinked another's bucket: two
    // cache misses and two divisions (3% of a round of bench_alloc's decisions, timed).
    const auto n_kept = static_cast<std::size_t>(
        std::count_if(state.bookings.begin(), state.bookings.end(), [&](const Booking& b) { return kept(b, cutoff); }));
    m_bookings.max_load_factor(kSparse);
    m_bookings.reserve(n_kept + n_kept / 4);
    m_noshows.reserve(n_kept + n_kept / 4, kSparse);
    // The indexes are filled in bulk (sorted once) rather than one insert at a time: the rows
    // come in the store's order, not in time order.
    std::unordered_map<MachineId, std::vector<Held>> by_machine;
    std::unordered_map<MemberId, std::vector<Held>> by_member;
    for (auto& b : state.bookings) {
        m_ids.booking = std::max(m_ids.booking, b.id + 1);
        if (b.series) m_ids.series = std::max(m_ids.series, *b.series + 1);
        if (!kept(b, cutoff)) continue;
        if (b.host_note && !b.notice_seen) m_notices.insert(b.id);
        if (occupies(b.state)) {
            const Held h{b.start, b.id, b.end, b.machine, b.member, b.state};
            by_machine[b.machine].push_back(h);
            by_member[b.member].push_back(h);
        }
        arm_booking(b);
        const BookingId id = b.id;
        m_bookings.emplace(id, std::move(b));
    }
    for (auto& [id, v] : by_machine) {
        std::sort(v.begin(), v.end());
        m_by_machine[id].assign(std::move(v));
    }
    for (auto& [id, v] : by_member) {
        std::sort(v.begin(), v.end());
        member_held(id) = std::move(v);
    }
    for (auto& s : state.sessions) {
        m_ids.session = std::max(m_ids.session, s.id + 1);
        if (s.ended) continue;
        m_session_on[s.machine] = s.id;
        arm_session(s);
        m_sessions.emplace(s.id, std::move(s));
    }
    for (auto& q : state.queue) {
        m_ids.queue_entry = std::max(m_ids.queue_entry, q.id + 1);
        if (q.offer_expires) m_deadlines.schedule(key("offer", q.id), *q.offer_expires);
        m_queue.emplace(q.id, std::move(q));
    }
    // Entries waiting without an offer at the last decision are looked at again at the next
    // opening after it, which may have come while the station was down.
    m_offers_at = m_as_of;
    arm_opening();
    // Rows loaded with a deadline already due wait for resume(now), which takes it.
    if (!next_deadline() || *next_deadline() > now) m_settled = now;
}

Changes Engine::resume(Timestamp now) {
    assert(now >= m_now && m_now >= m_as_of && "time given to the engine must not go back");
    m_now = now;
    Changes out;
    // A buffer that was running when the station stopped still frees its machine later: the
    // last session closed on each machine ended at the machine's latest completed booking.
    for (const auto& [id, mc] : m_machines) {
        if (mc.rules.buffer_after <= Minutes{0}) continue;
        const Index& idx = m_by_machine[id];
        for (auto it = idx.upper_bound(Held{m_as_of, std::numeric_limits<BookingId>::max()}); it != idx.begin();) {
            --it;
            if (it->state != BookingState::completed) continue;
            if (it->end + mc.rules.buffer_after > m_as_of)
                m_deadlines.schedule(key("free", id), it->end + mc.rules.buffer_after);
            break;
        }
    }
    std::vector<SessionId> ids;
    for (const auto& [id, s] : m_sessions) ids.push_back(id);
    for (SessionId id : ids) {
        const Session& s = m_sessions.at(id);
        if (s.allowed_until <= now) {
            close_session(id, s.allowed_until, SessionEnd::station_down, out);
        } else {
            out.actions.push_back(Action{Action::Kind::power_on, s.machine, s.member, now, s.allowed_until, s.id,
                                         s.booking, std::nullopt});
        }
    }
    out.append(tick(now));
    dispatch_offers(now, out);
    return done(std::move(out));
}

void Engine::prune(Timestamp now) {
    const Timestamp cutoff = now - kKeep;
    std::vector<BookingId> old;
    for (const auto& [id, b] : m_bookings)
        if (!kept(b, cutoff)) old.push_back(id);
    for (BookingId id : old) {
        index_remove(m_bookings.at(id));
        m_bookings.erase(id);
    }
}

std::optional<Timestamp> Engine::next_deadline() const {
    const auto general = m_deadlines.next();
    const auto noshow = m_noshows.next();
    if (!noshow) return general;
    if (!general) return noshow->first;
    return std::min(*general, noshow->first);
}

Changes Engine::tick(Timestamp now) {
    assert(now >= m_now && "time given to the engine must not go back");
    m_now = now;
    Changes out;
    // The two queues are taken as one: by time, then by name ("end:", "free:" < "noshow:" <
    // "offer:", "warn:"), the order the deadlines had when they were all in m_deadlines.
    for (;;) {
        const auto general = m_deadlines.next();
        const auto noshow = m_noshows.next();
        const bool general_due = general && *general <= now, noshow_due = noshow && noshow->first <= now;
        if (!general_due && !noshow_due) break;
        const bool general_first =
            general_due && (!noshow_due || *general < noshow->first ||
                            (*general == noshow->first && *m_deadlines.next_key() < key("noshow", noshow->second)));
        if (general_first) {
            const auto due = m_deadlines.take_next(now);
            const auto [kind, id] = split_key(due->second);
            run_deadline(kind, id, due->first, out);
        } else {
            const auto due = m_noshows.take_next(now);
            run_deadline("noshow", due->second, due->first, out);
        }
    }
    m_settled = now;
    return done(std::move(out));
}

// [SECTION] checks

const std::vector<Engine::Window>& Engine::windows_of(core::Date d) const {
    const long k = static_cast<long>(sys_days{d}.time_since_epoch().count());
    // Every hours check asks for three days: the days around the first one asked (years of
    // them) sit in an array, the rare others in the map.
    constexpr long kDays = 4096;
    if (m_window_days.empty()) {
        m_window_base = k - kDays / 4;
        m_window_days.resize(static_cast<std::size_t>(kDays));
    }
    const long slot = k - m_window_base;
    const bool near = slot >= 0 && slot < kDays;
    if (near && m_window_days[static_cast<std::size_t>(slot)]) return *m_window_days[static_cast<std::size_t>(slot)];
    if (!near)
        if (auto it = m_window_cache.find(k); it != m_window_cache.end()) return it->second;
    std::vector<Window> ws;
    const local_days base{local_days{sys_days{d}.time_since_epoch()}};
    // Opening hours: a local time that exists twice means the earlier instant; one that does
    // not exist means the instant the clocks jumped (so a window across the gap keeps its
    // real length).
    auto instant = [&](int minute) { return m_zone->resolve(base + Minutes{minute}).first; };
    for (const DayWindow& w : m_hours.of(d)) {
        const Timestamp from = instant(w.from), to = instant(w.to);
        if (to > from) ws.push_back({from, to});
    }
    if (near) return *(m_window_days[static_cast<std::size_t>(slot)] = std::move(ws));
    if (m_window_cache.size() > 4096) m_window_cache.clear();
    return m_window_cache.emplace(k, std::move(ws)).first->second;
}

// The opening time that touches UTC day `k`, as runs: the windows of the local days around
// it (a zone is less than a day from UTC), merged where one ends as the next begins (across
// midnight, a DST gap). The hours check then costs one array read and a scan of one or two
// runs, where asking the zone for the local day and walking three days' windows was a third
// of a booking decision (measured with callgrind).
const std::vector<Engine::Window>& Engine::runs_of(long k) const {
    constexpr long kDays = 4096;
    if (m_run_days.empty()) {
        m_run_base = k - kDays / 4;
        m_run_days.resize(static_cast<std::size_t>(kDays));
    }
    const long slot = k - m_run_base;
    const bool near = slot >= 0 && slot < kDays;
    if (near && m_run_days[static_cast<std::size_t>(slot)]) return *m_run_days[static_cast<std::size_t>(slot)];
    if (!near)
        if (auto it = m_run_cache.find(k); it != m_run_cache.end()) return it->second;
    const Timestamp day_start{sys_days{days{k}}}, day_end = day_start + days{1};
    std::vector<Window> ws;
    for (long dd = -1; dd <= 1; ++dd)
        for (const Window& w : windows_of(core::Date{sys_days{days{k + dd}}}))
            if (w.to > day_start && w.from < day_end) ws.push_back(w);
    std::sort(ws.begin(), ws.end(), [](const Window& a, const Window& b) { return a.from < b.from; });
    std::vector<Window> runs;
    for (const Window& w : ws) {
        if (!runs.empty() && w.from <= runs.back().to) runs.back().to = std::max(runs.back().to, w.to);
        else runs.push_back(w);
    }
    if (near) return *(m_run_days[static_cast<std::size_t>(slot)] = std::move(runs));
    if (m_run_cache.size() > 4096) m_run_cache.clear();
    return m_run_cache.emplace(k, std::move(runs)).first->second;
}

std::optional<Timestamp> Engine::run_end(Timestamp t, Timestamp enough) const {
    std::optional<Timestamp> end;
    Timestamp cur = t;
    for (;;) {
        bool grown = false;
        for (const Window& w : runs_of(static_cast<long>(floor<days>(cur).time_since_epoch().count()))) {
            if (w.from <= cur && cur < w.to) {
                cur = w.to;
                end = w.to;
                grown = true;
                break;
            }
        }
        if (!grown || cur >= enough) return end;
    }
}

std::optional<Timestamp> Engine::next_open(Timestamp t) const {
    const core::Date day = m_zone->local_day(t);
    std::optional<Timestamp> best;
    for (int dd = -1; dd <= 400; ++dd) {
        for (const Window& w : windows_of(core::Date{sys_days{day} + days{dd}}))
            if (w.from >= t && (!best || w.from < *best)) best = w.from;
        if (best && dd >= 1) return best;  // a later day cannot open earlier
    }
    return best;
}

bool Engine::inside_hours(Timestamp s, Timestamp e) const { return !outside_hours(s, e); }

bool Engine::open_at(Timestamp t) const { return run_end(t, t).has_value(); }

std::optional<Timestamp> Engine::opening_after(Timestamp t) const {
    const Timestamp last = t + kOpeningHorizon;
    const long first_day = static_cast<long>(floor<days>(t).time_since_epoch().count());
    const long last_day = static_cast<long>(floor<days>(last).time_since_epoch().count());
    // Runs are listed by day in start order, so the first edge found is the earliest. A run
    // may start where another ends (at midnight, where the lists of two days meet): not an
    // opening, hence the look at the minute before.
    for (long k = first_day; k <= last_day; ++k)
        for (const Window& w : runs_of(k))
            if (w.from > t && w.from <= last && !open_at(w.from - minutes{1})) return w.from;
    return std::nullopt;
}

void Engine::arm_opening() {
    const bool waiting = std::any_of(m_queue.begin(), m_queue.end(), [](const auto& e) { return !e.second.offered; });
    if (waiting)
        if (const auto at = opening_after(m_offers_at)) {
            m_deadlines.schedule(key("open", 0), *at);
            m_open_armed = true;
            return;
        }
    // Most decisions find no queue: they do not pay for naming the deadline.
    if (!m_open_armed) return;
    m_deadlines.cancel(key("open", 0));
    m_open_armed = false;
}

Engine::Check Engine::outside_hours(Timestamp s, Timestamp e) const {
    const auto end = run_end(s, e);
    if (end && *end >= e) return std::nullopt;
    return refuse(Rule::closed, secs(end ? *end : s));
}

const Engine::Held* Engine::first_conflict(const Machine& mc, Timestamp s, Timestamp e,
                                           std::optional<BookingId> ignore) const {
    const auto b = duration_cast<seconds>(mc.rules.buffer_after);
    const Index& idx = machine_index(mc.id);
    const Held* first = nullptr;
    // Bookings of one machine never overlap, so their ends rise with their starts: walking back
    // from the last one that starts before e + buffer, the conflicts form one run.
    for (auto it = idx.lower_bound(Held{e + b, std::numeric_limits<BookingId>::min()}); it != idx.begin();) {
        --it;
        if (ignore && it->id == *ignore) continue;
        if (it->end + b > s) first = &*it;
        else break;
    }
    return first;
}

Engine::Check Engine::conflict(const Machine& mc, Timestamp s, Timestamp e, std::optional<BookingId> ignore) const {
    const Held* first = first_conflict(mc, s, e, ignore);
    if (!first) return std::nullopt;
    return refuse(Rule::booked, mc.id, secs(first->start), secs(first->end), secs(duration_cast<seconds>(mc.rules.buffer_after)));
}

Engine::Check Engine::over_quota(const Machine& mc, MemberId member, Timestamp s, Timestamp e,
                                 std::optional<BookingId> ignore) const {
    if (!mc.rules.quota_per_week) return std::nullopt;
    const auto quota = duration_cast<seconds>(*mc.rules.quota_per_week);
    const bool pool = mc.rules.quota_scope == QuotaScope::pool && mc.pool;
    // At most a handful of intervals: a small fixed buffer keeps the common case off the heap.
    std::pair<Timestamp, Timestamp> fixed[16];
    std::vector<std::pair<Timestamp, Timestamp>> spill;
    std::size_t n = 0;
    auto add = [&](Timestamp a, Timestamp z) {
        if (n < std::size(fixed)) {
            fixed[n++] = {a, z};
            return;
        }
        if (spill.empty()) spill.assign(fixed, fixed + n);
        spill.emplace_back(a, z);
        ++n;
    };
    add(s, e);
    if (const MemberHeld* mine = member_index(member)) {
        for (const Held& x : *mine) {
            if (x.start >= e + kWeek) break;
            if (ignore && x.id == *ignore) continue;
            if (x.end <= s - kWeek) continue;
            if (x.machine != mc.id) {
                if (!pool) continue;
                const Machine* other = machine(x.machine);
                if (!other || other->pool != mc.pool) continue;
            }
            add(x.start, x.end);
        }
    }
    const std::pair<Timestamp, Timestamp>* held = spill.empty() ? fixed : spill.data();
    const WeekPeak peak = week_peak(held, held + n, s, e);  // quota.hpp: the database counts alike
    if (peak.worst <= quota) return std::nullopt;
    return refuse(Rule::quota, mc.id, secs(peak.worst), secs(peak.at), secs(quota));
}

Engine::Check Engine::check_request(const BookingRequest& r, Timestamp now, std::optional<BookingId> ignore) const {
    const Machine* mc = machine(r.machine);
    if (!mc) return refuse(Rule::no_machine, r.machine);
    // A request names a member at random among thousands: their flags, their bit on this
    // machine and their held bookings (for the quota check at the end) are three cache
    // misses. Asked for together here, from addresses known without reading memory, they
    // overlap instead of following one another (a fifth of a decision, measured).
    if (r.member >= 0) {
        const auto u = static_cast<std::size_t>(r.member);
        if (u < m_member_hot.size()) __builtin_prefetch(&m_member_hot[u]);
        if (u < m_member_held.size()) __builtin_prefetch(&m_member_held[u]);
        if (const auto* bits = m_fast_bits.get(mc->id); bits && u / 64 < bits->size())
            __builtin_prefetch(bits->data() + u / 64);
    }
    const MemberHot member = member_hot(r.member);
    if (!member.known) return refuse(Rule::no_member, r.member);
    const MemberHot actor = r.actor == r.member ? member : member_hot(r.actor);
    if (!actor.known) return refuse(Rule::no_member, r.actor);
    const bool host = core::can_host(actor.role);
    if (r.actor != r.member && !host) return refuse(Rule::not_host);
    const MachineRules& ru = mc->rules;
    if (r.end <= r.start) return refuse(Rule::end_before_start, secs(r.start), secs(r.end));
    if (r.start < now) return refuse(Rule::past, secs(r.start));
    // The length before the grid: a booking too short is told so with the minimum, even when
    // its end is also off the grid.
    const auto len = r.end - r.start;
    if (len < ru.min_length || len > ru.max_length)
        return refuse(len < ru.min_length ? Rule::too_short : Rule::too_long, mc->id, secs(len),
                      secs(duration_cast<seconds>(ru.min_length)), secs(duration_cast<seconds>(ru.max_length)));
    for (const Timestamp t : {r.start, r.end})
        if (!on_grid(t, ru.slot)) return refuse(Rule::off_grid, mc->id, secs(t), ru.slot.count(), secs(ceil_grid(t, ru.slot)));
    const Timestamp horizon = now + days{ru.ahead_days};
    if (!host && r.start > horizon) return refuse(Rule::too_far, mc->id, ru.ahead_days, secs(horizon));
    if (member.has_valid_until && m_zone->local_day(r.start) > core::Date{sys_days{days{member.valid_until}}})
        return refuse(Rule::membership_ends, member.valid_until, secs(r.start));
    if (!is_authorised(*mc, r.member)) return refuse(Rule::not_authorised, mc->id);
    if (!host && mc->status == MachineStatus::maintenance) return refuse(Rule::maintenance, mc->id);
    if (!host && mc->status == MachineStatus::out_of_order) return refuse(Rule::out_of_order, mc->id);
    // The last three rules build their refusal in place (a prvalue returned): an optional
    // Refusal kept in a local and returned was copied with `rep movs`, a quarter of this
    // function's time for the conflicts that refuse most requests (measured, bench_alloc).
    if (!host) {
        const auto end = run_end(r.start, r.end);
        if (!end || *end < r.end) return refuse(Rule::closed, secs(end ? *end : r.start));
    }
    if (const Held* first = first_conflict(*mc, r.start, r.end, ignore))
        return refuse(Rule::booked, mc->id, secs(first->start), secs(first->end), secs(duration_cast<seconds>(ru.buffer_after)));
    return over_quota(*mc, r.member, r.start, r.end, ignore);
}

Problem Engine::explain(const Refusal& r) const {
    const auto& n = r.n;
    auto when = [&](std::int64_t t) { return format_local(*m_zone, instant(t)); };
    auto span = [&](std::int64_t d) { return format_duration(seconds{d}); };
    switch (r.rule) {
    case Rule::no_machine: return problem("No machine has the number {0}", {num(n[0])});
    case Rule::no_member: return problem("No member has the number {0}", {num(n[0])});
    case Rule::not_host: return problem("Only a host can act for another member");
    case Rule::end_before_start:
        return problem("The end ({1}) must come after the start ({0})", {when(n[0]), when(n[1])});
    case Rule::past: return problem("{0} is already past", {when(n[0])});
    case Rule::off_grid:
        return problem("{0} is not on the {1}-minute grid of {2}: the next time on it is {3}",
                       {when(n[1]), num(n[2]), machine_name(n[0]), when(n[3])});
    case Rule::too_short:
    case Rule::too_long:
        return problem(r.rule == Rule::too_short ? "Too short: {0}; {1} takes bookings of {2} to {3}"
                                                 : core::N_("Too long: {0}; {1} takes bookings of {2} to {3}"),
                       {span(n[1]), machine_name(n[0]), span(n[2]), span(n[3])});
    case Rule::too_far:
        return problem("Too far ahead: {0} takes bookings up to {1} days ahead, until {2}",
                       {machine_name(n[0]), num(n[1]), when(n[2])});
    case Rule::membership_ends:
        return problem("Membership ends on {0}, before {1}: renew it with a host",
                       {core::format_date(core::Date{sys_days{days{n[0]}}}), when(n[1])});
    case Rule::not_authorised:
        return problem("Not authorised on {0}: a host authorises members after their training", {machine_name(n[0])});
    case Rule::maintenance: return problem("{0} is under maintenance", {machine_name(n[0])});
    case Rule::out_of_order: return problem("{0} is out of order", {machine_name(n[0])});
    case Rule::closed: return problem("Outside opening hours: the workshop is closed at {0}", {when(n[0])});
    case Rule::booked:
        if (n[3] == 0)
            return problem("{0} is already booked from {1} to {2}", {machine_name(n[0]), when(n[1]), when(n[2])});
        return problem("{0} is already booked from {1} to {2}, and needs {3} free after each booking",
                       {machine_name(n[0]), when(n[1]), when(n[2]), span(n[3])});
    case Rule::quota: {
        const Machine* mc = machine(n[0]);
        return problem("Quota reached: this would make {0} on {1} in the 7 days before {2}, and the limit is {3}",
                       {span(n[1]), mc ? scope_name(*mc) : num(n[0]), when(n[2]), span(n[3])});
    }
    }
    assert(false && "every rule is explained above");
    return problem("Refused");
}

std::expected<Timestamp, Refusal> Engine::walk_in_end(const Machine& mc, const MemberInfo& member,
                                                      Timestamp now, std::optional<BookingId> ignore) const {
    const bool host = core::can_host(member.role);
    const MachineRules& ru = mc.rules;
    const Timestamp min_end = now + ru.min_length;
    if (!host)
        if (auto p = outside_hours(now, min_end)) return std::unexpected(*p);
    if (auto p = conflict(mc, now, min_end, ignore)) return std::unexpected(*p);
    if (auto p = over_quota(mc, member.id, now, min_end, std::nullopt)) return std::unexpected(*p);
    Timestamp end = now + ru.max_length;
    if (!host) end = std::min(end, *run_end(now, end));
    const auto b = duration_cast<seconds>(ru.buffer_after);
    const Index& idx = m_by_machine.at(mc.id);
    for (auto it = idx.lower_bound(Held{now, std::numeric_limits<BookingId>::min()}); it != idx.end(); ++it) {
        if (it->end + b <= now) continue;  // an instant-long booking closed this very second
        end = std::min(end, it->start - b);
        break;
    }
    if (over_quota(mc, member.id, now, end, std::nullopt)) {
        // Longest whole number of minutes the quota allows (more time never uses less quota).
        long lo = ru.min_length.count(), hi = duration_cast<minutes>(end - now).count();
        while (lo < hi) {
            const long mid = lo + (hi - lo + 1) / 2;
            if (over_quota(mc, member.id, now, now + minutes{mid}, std::nullopt)) hi = mid - 1;
            else lo = mid;
        }
        end = now + minutes{lo};
    }
    return end;
}

// [SECTION] bookings

void Engine::index_add(const Booking& b) {
    if (!occupies(b.state)) return;
    const Held h{b.start, b.id, b.end, b.machine, b.member, b.state};
    Index* on_machine = m_fast_machine_index.get(b.machine);
    (on_machine ? *on_machine : m_by_machine[b.machine]).insert(h);
    MemberHeld& mine = member_held(b.member);
    mine.insert(std::upper_bound(mine.begin(), mine.end(), h), h);
}
void Engine::index_remove(const Booking& b) {
    if (!occupies(b.state)) return;
    const Held key{b.start, b.id};
    m_by_machine[b.machine].erase(key);
    MemberHeld& mine = member_held(b.member);
    const auto it = std::lower_bound(mine.begin(), mine.end(), key);
    if (it != mine.end() && it->start == key.start && it->id == key.id) mine.erase(it);
}
void Engine::put_booking(Booking b, Changes& out) {
    // One hash lookup: a new booking (most calls) is placed where the search ended.
    if (auto [it, added] = m_bookings.try_emplace(b.id, b); !added) {
        index_remove(it->second);
        it->second = b;
    }
    index_add(b);
    if (b.host_note && !b.notice_seen) m_notices.insert(b.id);
    else m_notices.erase(b.id);
    out.bookings.push_back(std::move(b));
}
void Engine::arm_booking(const Booking& b) {
    const Machine* mc = machine(b.machine);
    if (b.state != BookingState::booked || !mc) {
        m_noshows.cancel(b.id);
        return;
    }
    m_noshows.schedule(b.id, std::min(b.start + mc->rules.no_show_release, b.end));
}

std::expected<Changes, Problem> Engine::book(const BookingRequest& r, Timestamp now) {
    auto d = decide_booking(r, now);
    if (!d) return std::unexpected(explain(d.error()));
    return std::move(*d);
}

std::expected<Changes, Refusal> Engine::decide_booking(const BookingRequest& r, Timestamp now) {
    expect_now(now);
    if (auto no = check_request(r, now, std::nullopt)) return std::unexpected(*no);
    Changes out;
    Booking b{m_ids.booking++, r.machine, r.member, r.start, r.end, BookingState::booked, r.actor, false,
              std::nullopt, now, std::nullopt, false};
    arm_booking(b);
    put_booking(std::move(b), out);
    dispatch_offers(now, out);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::book_weekly(const BookingRequest& first, core::Date until, Timestamp now) {
    expect_now(now);
    auto ai = m_members.find(first.actor);
    if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(first.actor)}));
    if (!core::can_host(ai->second.role)) return std::unexpected(problem("Only a host can book a weekly series"));
    const local_seconds ls = m_zone->to_local(first.start), le = m_zone->to_local(first.end);
    const SeriesId series = m_ids.series;
    const IdCounters saved = m_ids;
    std::vector<BookingId> made;
    Changes out;
    auto undo = [&] {
        for (BookingId id : made) {
            m_noshows.cancel(id);
            index_remove(m_bookings.at(id));
            m_bookings.erase(id);
        }
        m_ids = saved;
    };
    for (int week = 0;; ++week) {
        const local_seconds s = ls + days{7 * week}, e = le + days{7 * week};
        if (core::Date{floor<days>(s)} > until) break;
        BookingRequest r = first;
        auto su = local_to_utc(*m_zone, s), eu = local_to_utc(*m_zone, e);
        if (!su || !eu) {
            undo();
            return std::unexpected(!su ? su.error() : eu.error());
        }
        r.start = *su;
        r.end = *eu;
        if (auto no = check_request(r, now, std::nullopt)) {
            undo();
            return std::unexpected(explain(*no));
        }
        Booking b{m_ids.booking++, r.machine, r.member, r.start, r.end, BookingState::booked, r.actor, false,
                  series, now, std::nullopt, false};
        made.push_back(b.id);
        arm_booking(b);
        put_booking(std::move(b), out);
    }
    if (made.empty()) return std::unexpected(problem("The series ends on {0}, before its first date",
                                                     {core::format_date(until)}));
    m_ids.series = series + 1;
    dispatch_offers(now, out);
    return done(std::move(out));
}

namespace {
// Who may change a booking: its member, or a host (who then gives a reason).
std::optional<Problem> may_change(const Booking& b, const MemberInfo* actor, const std::optional<std::string>& reason) {
    if (!actor) return std::nullopt;  // checked by the caller
    if (actor->id == b.member) return std::nullopt;
    if (!core::can_host(actor->role))
        return problem("Only the member who booked or a host can change booking {0}", {num(b.id)});
    if (!reason || reason->find_first_not_of(" \t") == std::string::npos)
        return problem("Give a reason: the member will see it at their next badge-in");
    return std::nullopt;
}
}  // namespace

// The part cancel() and move() share: the booking, the actor, and whether the actor may
// change it (a host changing another member's booking gives a reason).
std::expected<Booking, Problem> Engine::changeable(BookingId id, MemberId actor,
                                                   const std::optional<std::string>& reason) const {
    auto it = m_bookings.find(id);
    if (it == m_bookings.end()) return std::unexpected(problem("No booking has the number {0}", {num(id)}));
    auto ai = m_members.find(actor);
    if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
    if (auto p = may_change(it->second, &ai->second, reason)) return std::unexpected(*p);
    return it->second;
}

// Records a changed booking: the host's note for its member, its deadlines, the freed time
// offered to the queues.
Changes Engine::apply_change(Booking b, MemberId actor, std::optional<std::string> reason, Timestamp now) {
    if (actor != b.member) {
        b.host_note = std::move(reason);
        b.notice_seen = false;
    }
    Changes out;
    arm_booking(b);
    put_booking(std::move(b), out);
    dispatch_offers(now, out);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::cancel(BookingId id, MemberId actor, std::optional<std::string> reason,
                                               Timestamp now) {
    expect_now(now);
    auto b = changeable(id, actor, reason);
    if (!b) return std::unexpected(b.error());
    if (b->state == BookingState::active)
        return std::unexpected(problem("Booking {0} is in use: end the session instead", {num(id)}));
    if (b->state != BookingState::booked)
        return std::unexpected(problem("Booking {0} is already {1}", {num(id), std::string(to_string(b->state))}));
    b->state = BookingState::cancelled;
    return apply_change(std::move(*b), actor, std::move(reason), now);
}

std::expected<Changes, Problem> Engine::move(BookingId id, Timestamp start, Timestamp end, MemberId actor,
                                             std::optional<std::string> reason, Timestamp now) {
    expect_now(now);
    auto b = changeable(id, actor, reason);
    if (!b) return std::unexpected(b.error());
    if (b->state != BookingState::booked)
        return std::unexpected(problem("Booking {0} is already {1}", {num(id), std::string(to_string(b->state))}));
    if (auto no = check_request(BookingRequest{b->machine, b->member, start, end, actor}, now, id))
        return std::unexpected(explain(*no));
    b->start = start;
    b->end = end;
    return apply_change(std::move(*b), actor, std::move(reason), now);
}

std::expected<Changes, Problem> Engine::extend(BookingId id, Timestamp end, MemberId actor, Timestamp now) {
    expect_now(now);
    auto it = m_bookings.find(id);
    if (it == m_bookings.end()) return std::unexpected(problem("No booking has the number {0}", {num(id)}));
    auto ai = m_members.find(actor);
    if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
    Booking b = it->second;
    if (actor != b.member && !core::can_host(ai->second.role))
        return std::unexpected(problem("Only the member who booked or a host can change booking {0}", {num(id)}));
    if (b.state != BookingState::active)
        return std::unexpected(problem("Booking {0} is not running: move it instead", {num(id)}));
    const Machine& mc = m_machines.at(b.machine);
    if (auto si = m_session_on.find(b.machine); si != m_session_on.end()) {
        const Session& s = m_sessions.at(si->second);
        if (s.supervisor && s.supervisor_left)
            return std::unexpected(problem("The supervisor of {0} has left: the session ends at {1} and cannot be extended",
                                           {mc.name, format_local(*m_zone, s.allowed_until)}));
    }
    if (end <= b.end)
        return std::unexpected(problem("The new end {0} must come after the current end {1}",
                                       {format_local(*m_zone, end), format_local(*m_zone, b.end)}));
    if (!on_grid(end, mc.rules.slot))
        return std::unexpected(problem("{0} is not on the {1}-minute grid of {2}: the next time on it is {3}",
                                       {format_local(*m_zone, end), num(mc.rules.slot.count()), mc.name,
                                        format_local(*m_zone, ceil_grid(end, mc.rules.slot))}));
    if (mc.status == MachineStatus::maintenance)
        return std::unexpected(problem("{0} is under maintenance", {mc.name}));
    if (mc.status == MachineStatus::out_of_order) return std::unexpected(problem("{0} is out of order", {mc.name}));
    const MemberInfo& member = m_members.at(b.member);
    if (!core::can_host(ai->second.role) && !core::can_host(member.role))
        if (auto no = outside_hours(b.end, end)) return std::unexpected(explain(*no));
    if (auto no = conflict(mc, b.start, end, id)) return std::unexpected(explain(*no));
    if (auto no = over_quota(mc, b.member, b.start, end, id)) return std::unexpected(explain(*no));
    Changes out;
    auto si = m_session_on.find(b.machine);
    assert(si != m_session_on.end() && "an active booking has its session");
    Session s = m_sessions.at(si->second);
    b.end = end;
    s.allowed_until = end;
    s.warned = false;
    put_booking(std::move(b), out);
    m_sessions[s.id] = s;
    arm_session(s);
    out.actions.push_back(Action{Action::Kind::renew_lease, s.machine, s.member, now, end, s.id, s.booking, std::nullopt});
    out.sessions.push_back(std::move(s));
    dispatch_offers(now, out);
    return done(std::move(out));
}

Changes Engine::take_notices(MemberId member) {
    Changes out;
    std::vector<BookingId> ids(m_notices.begin(), m_notices.end());
    for (BookingId id : ids) {
        Booking b = m_bookings.at(id);
        if (b.member != member) continue;
        b.notice_seen = true;
        put_booking(std::move(b), out);
    }
    return done(std::move(out));
}

// [SECTION] sessions

void Engine::arm_session(const Session& s) {
    const Machine& mc = m_machines.at(s.machine);
    if (!s.warned) m_deadlines.schedule(key("warn", s.id), std::max(s.started, s.allowed_until - mc.rules.warn_before));
    else m_deadlines.cancel(key("warn", s.id));
    m_deadlines.schedule(key("end", s.id), s.allowed_until);
}

void Engine::start_session(const Machine& mc, MemberId member, BookingId booking, Timestamp now, Timestamp until,
                           Changes& out) {
    Session s{m_ids.session++, mc.id, member, booking, now, until, std::nullopt, std::nullopt, false, std::nullopt, false, std::nullopt};
    m_session_on[mc.id] = s.id;
    m_sessions.emplace(s.id, s);
    arm_session(s);
    out.actions.push_back(Action{Action::Kind::power_on, mc.id, member, now, until, s.id, booking, std::nullopt});
    out.sessions.push_back(std::move(s));
    // Starting on a machine answers the member's queue places for it.
    std::vector<QueueEntryId> gone;
    for (const auto& [id, q] : m_queue)
        if (q.member == member && (q.machine == mc.id || (q.pool && q.pool == mc.pool))) gone.push_back(id);
    for (QueueEntryId id : gone) remove_entry(id, out);
}

void Engine::close_session(SessionId id, Timestamp at, SessionEnd why, Changes& out) {
    Session s = m_sessions.at(id);
    m_sessions.erase(id);
    m_session_on.erase(s.machine);
    m_deadlines.cancel(key("warn", id));
    m_deadlines.cancel(key("end", id));
    s.ended = at;
    s.end_reason = why;
    Booking b = m_bookings.at(s.booking);
    b.end = at;
    b.state = BookingState::completed;
    put_booking(std::move(b), out);
    Machine& mc = m_machines.at(s.machine);
    if (why == SessionEnd::handover) {  // the next member goes on at once: the power stays on
        out.sessions.push_back(std::move(s));
        return;
    }
    if (mc.rules.buffer_after > Minutes{0}) m_deadlines.schedule(key("free", mc.id), at + mc.rules.buffer_after);
    // Nobody starts it again before someone at the machine's level confirms the check after use.
    if (mc.rules.check_after_use != CheckLevel::none && !mc.awaiting_check) {
        mc.awaiting_check = true;
        out.machines.push_back(mc);
    }
    out.actions.push_back(Action{Action::Kind::power_off, s.machine, s.member, at, at, s.id, s.booking, std::nullopt});
    out.sessions.push_back(std::move(s));
}

std::expected<Changes, Problem> Engine::access(MachineId mid, MemberId member_id, Timestamp now,
                                               std::optional<MemberId> supervisor) {
    expect_now(now);
    const Machine* mc = machine(mid);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
    auto mi = m_members.find(member_id);
    if (mi == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(member_id)}));
    const MemberInfo& member = mi->second;
    Changes out;
    // A session its member offered to hand over passes to the next authorised member who badges.
    const Session* handing = nullptr;
    if (const Session* s = session_on(mid)) {
        if (s->member == member_id) {
            close_session(s->id, now, SessionEnd::badge, out);
            dispatch_offers(now, out);
            return done(std::move(out));
        }
        if (!s->handover_until || now > *s->handover_until)
            return std::unexpected(problem("{0} is in use until {1}", {mc->name, format_local(*m_zone, s->allowed_until)}));
        handing = s;
    }
    if (auto no = use_refusal(*mc, member, now, supervisor.has_value())) return std::unexpected(*no);
    // The session just started carries its supervisor, in memory and in the row written.
    auto supervised = [&](Changes& c) {
        if (!supervisor) return;
        Session& s = m_sessions.at(m_session_on.at(mid));
        s.supervisor = supervisor;
        for (auto& row : c.sessions)
            if (row.id == s.id) row.supervisor = supervisor;
    };
    const Booking* mine = booking_now(mid, member_id, now);
    if (handing) {
        // Decided as if the machine were free from now: the booking handed over holds nothing
        // while the newcomer's start is checked (their own booking of now, started early, or a
        // walk-in), then ends now. The controller gets the new session's grant, with no cut.
        const Booking old = m_bookings.at(handing->booking);
        const SessionId old_session = handing->id;
        index_remove(old);
        Check no;
        Timestamp until{};
        if (mine) {
            if (now < mine->start) {
                no = conflict(*mc, now, mine->end, mine->id);
                if (!no) no = over_quota(*mc, member_id, now, mine->end, mine->id);
            }
            until = mine->end;
        } else if (auto end = walk_in_end(*mc, member, now)) {
            until = *end;
        } else {
            no = end.error();
        }
        index_add(old);
        if (no) return std::unexpected(explain(*no));
        close_session(old_session, now, SessionEnd::handover, out);
        BookingId bid = 0;
        if (mine) {
            Booking b = *mine;
            b.start = std::min(b.start, now);
            b.state = BookingState::active;
            bid = b.id;
            arm_booking(b);
            put_booking(std::move(b), out);
        } else {
            Booking b{m_ids.booking++, mid, member_id, now, until, BookingState::active, member_id, true,
                      std::nullopt, now, std::nullopt, false};
            bid = b.id;
            put_booking(std::move(b), out);
        }
        start_session(*mc, member_id, bid, now, until, out);
        for (auto it = out.actions.rbegin(); it != out.actions.rend(); ++it)
            if (it->kind == Action::Kind::power_on) {
                it->kind = Action::Kind::handover;
                break;
            }
        supervised(out);
        dispatch_offers(now, out);
        return done(std::move(out));
    }
    auto until = start_end(*mc, member, mine, now);
    if (!until) return std::unexpected(until.error());
    if (mine) {
        Booking b = *mine;
        b.start = std::min(b.start, now);
        b.state = BookingState::active;
        const BookingId bid = b.id;
        arm_booking(b);
        put_booking(std::move(b), out);
        start_session(*mc, member_id, bid, now, *until, out);
        supervised(out);
        dispatch_offers(now, out);
        return done(std::move(out));
    }
    Booking b{m_ids.booking++, mid, member_id, now, *until, BookingState::active, member_id, true,
              std::nullopt, now, std::nullopt, false};
    const BookingId bid = b.id;
    put_booking(std::move(b), out);
    start_session(*mc, member_id, bid, now, *until, out);
    supervised(out);
    dispatch_offers(now, out);
    return done(std::move(out));
}

std::optional<Problem> Engine::use_refusal(const Machine& mc, const MemberInfo& member, Timestamp now,
                                           bool supervised) const {
    if (member.valid_until && m_zone->local_day(now) > *member.valid_until)
        return problem("Membership expired on {0}: renew it with a host", {core::format_date(*member.valid_until)});
    if (!supervised && !is_authorised(mc, member.id))
        return problem("Not authorised on {0}: a host authorises members after their training", {mc.name});
    if (mc.status == MachineStatus::maintenance) return problem("{0} is under maintenance", {mc.name});
    if (mc.status == MachineStatus::out_of_order) return problem("{0} is out of order", {mc.name});
    return std::nullopt;
}

const Booking* Engine::booking_now(MachineId mid, MemberId member, Timestamp now) const {
    const Index& idx = m_by_machine.at(mid);
    const Booking* mine = nullptr;
    for (auto it = idx.upper_bound(Held{now + m_config.early_start, std::numeric_limits<BookingId>::max()});
         it != idx.begin();) {
        --it;
        if (it->end <= now) break;
        if (it->member == member && it->state == BookingState::booked) mine = &m_bookings.at(it->id);
    }
    return mine;
}

std::expected<Timestamp, Problem> Engine::start_end(const Machine& mc, const MemberInfo& member, const Booking* mine,
                                                    Timestamp now) const {
    if (mc.awaiting_check) return std::unexpected(problem("{0} waits for its check after use", {mc.name}));
    if (mine) {
        if (now < mine->start) {
            if (auto no = conflict(mc, now, mine->end, mine->id)) return std::unexpected(explain(*no));
            if (auto no = over_quota(mc, member.id, now, mine->end, mine->id)) return std::unexpected(explain(*no));
        }
        return mine->end;
    }
    for (const auto& [id, q] : m_queue)
        if (q.offered == mc.id && q.member != member.id)
            return std::unexpected(problem("{0} is held for the next member in the queue until {1}",
                                           {mc.name, format_local(*m_zone, *q.offer_expires)}));
    auto end = walk_in_end(mc, member, now);
    if (!end) return std::unexpected(explain(end.error()));
    return *end;
}

std::optional<Problem> Engine::start_refusal(MachineId mid, MemberId member_id, Timestamp now) const {
    const Machine* mc = machine(mid);
    if (!mc) return problem("No machine has the number {0}", {num(mid)});
    const MemberInfo* member = member_info(member_id);
    if (!member) return problem("No member has the number {0}", {num(member_id)});
    if (auto si = m_session_on.find(mid); si != m_session_on.end()) {
        const Session& s = m_sessions.at(si->second);
        if (s.member == member_id) return std::nullopt;
        return problem("{0} is in use until {1}", {mc->name, format_local(*m_zone, s.allowed_until)});
    }
    if (auto no = use_refusal(*mc, *member, now, false)) return no;
    if (auto end = start_end(*mc, *member, booking_now(mid, member_id, now), now); !end) return end.error();
    return std::nullopt;
}

std::expected<Changes, Problem> Engine::offer_handover(MachineId mid, MemberId actor, Timestamp now) {
    expect_now(now);
    const Machine* mc = machine(mid);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
    auto si = m_session_on.find(mid);
    if (si == m_session_on.end()) return std::unexpected(problem("Nothing is running on {0}", {mc->name}));
    Session& s = m_sessions.at(si->second);
    if (s.member != actor) return std::unexpected(problem("Only the member using {0} can hand it over", {mc->name}));
    if (mc->rules.buffer_after > Minutes{0})
        return std::unexpected(problem("{0} needs {1} between two uses: it cannot be handed over",
                                       {mc->name, format_duration(duration_cast<seconds>(mc->rules.buffer_after))}));
    // The next member starts it at the kiosk with their PIN, as anyone would.
    if (mc->rules.pin_required)
        return std::unexpected(problem("{0} needs the next member's PIN: it cannot be handed over at its reader", {mc->name}));
    // Members waiting for it (or its pool) come first: the machine goes to the queue when it stops.
    for (const auto& [qid, q] : m_queue)
        if (q.machine == mid || (q.pool && q.pool == mc->pool))
            return std::unexpected(problem("Members are waiting for {0}: it goes to the queue when you stop", {mc->name}));
    s.handover_until = now + kHandoverWindow;
    Changes out;
    out.sessions.push_back(s);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::machine_checked(MachineId mid, bool ok, std::optional<std::string> note,
                                                        Timestamp now) {
    expect_now(now);
    auto it = m_machines.find(mid);
    if (it == m_machines.end()) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
    Machine& mc = it->second;
    if (!mc.awaiting_check) return std::unexpected(problem("{0} is not waiting for a check", {mc.name}));
    mc.awaiting_check = false;
    mc.check_note = ok ? std::nullopt : std::move(note);
    if (!ok) mc.status = MachineStatus::maintenance;
    Changes out;
    out.machines.push_back(mc);
    dispatch_offers(now, out);
    return done(std::move(out));
}

Changes Engine::supervisor_left(MachineId mid, MemberId supervisor, Timestamp now) {
    (void)now;
    Changes out;
    auto si = m_session_on.find(mid);
    if (si == m_session_on.end()) return out;
    Session& s = m_sessions.at(si->second);
    if (s.supervisor != supervisor || s.supervisor_left) return out;
    s.supervisor_left = true;
    out.sessions.push_back(s);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::end_session(MachineId mid, MemberId actor, SessionEnd why, Timestamp now) {
    expect_now(now);
    const Machine* mc = machine(mid);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
    const Session* s = session_on(mid);
    if (!s) return std::unexpected(problem("Nothing is running on {0}", {mc->name}));
    if (why != SessionEnd::fault) {
        auto ai = m_members.find(actor);
        if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
        if (actor != s->member && !core::can_host(ai->second.role))
            return std::unexpected(problem("Only the member using it or a host can stop {0}", {mc->name}));
    }
    Changes out;
    close_session(s->id, now, why, out);
    dispatch_offers(now, out);
    return done(std::move(out));
}

void Engine::run_deadline(std::string_view kind, std::int64_t id, Timestamp at, Changes& out) {
    if (kind == "end") {
        if (!m_sessions.contains(id)) return;
        close_session(id, at, SessionEnd::allowed_end, out);
    } else if (kind == "warn") {
        auto si = m_sessions.find(id);
        if (si == m_sessions.end()) return;
        Session s = si->second;
        Booking b = m_bookings.at(s.booking);
        const Machine& mc = m_machines.at(s.machine);
        const Timestamp new_end = s.allowed_until + mc.rules.slot;
        bool waiting = false;
        for (const auto& [qid, q] : m_queue)
            if (q.machine == mc.id || (q.pool && q.pool == mc.pool)) waiting = true;
        const MemberInfo* member = m_members.contains(s.member) ? &m_members.at(s.member) : nullptr;
        const bool host = member && core::can_host(member->role);
        const bool unsupervised = s.supervisor && s.supervisor_left;  // runs to its end, no further
        const bool extend = mc.status == MachineStatus::available && !waiting && !unsupervised &&
                            (host || !outside_hours(s.allowed_until, new_end)) &&
                            !conflict(mc, b.start, new_end, b.id) && !over_quota(mc, s.member, b.start, new_end, b.id);
        if (extend) {
            b.end = new_end;
            s.allowed_until = new_end;
            s.warned = false;
            put_booking(std::move(b), out);
            out.actions.push_back(
                Action{Action::Kind::renew_lease, s.machine, s.member, at, new_end, s.id, s.booking, std::nullopt});
        } else {
            s.warned = true;
            out.actions.push_back(
                Action{Action::Kind::warn, s.machine, s.member, at, s.allowed_until, s.id, s.booking, std::nullopt});
        }
        m_sessions[s.id] = s;
        arm_session(s);
        out.sessions.push_back(std::move(s));
    } else if (kind == "noshow") {
        auto bi = m_bookings.find(id);
        if (bi == m_bookings.end() || bi->second.state != BookingState::booked) return;
        Booking b = bi->second;
        b.state = BookingState::no_show;
        out.actions.push_back(
            Action{Action::Kind::release_no_show, b.machine, b.member, at, b.end, std::nullopt, b.id, std::nullopt});
        put_booking(std::move(b), out);
    } else if (kind == "offer") {
        auto qi = m_queue.find(id);
        if (qi == m_queue.end()) return;
        const QueueEntry q = qi->second;
        out.actions.push_back(Action{Action::Kind::expire_offer, q.offered.value_or(0), q.member, at,
                                     q.offer_expires.value_or(at), std::nullopt, std::nullopt, q.id});
        remove_entry(id, out);
    }
    // "free": a buffer ended; "open": the workshop opened. Only the offers below need a look.
    // They are made as of the tick's time, not the deadline's: a station that takes a deadline
    // late (no command ran for a while) still gives the queue a whole offer, not one already lapsed.
    dispatch_offers(m_now, out);
}

// [SECTION] queue

void Engine::remove_entry(QueueEntryId id, Changes& out) {
    m_deadlines.cancel(key("offer", id));
    m_queue.erase(id);
    out.queue_removed.push_back(id);
}

void Engine::dispatch_offers(Timestamp now, Changes& out) {
    // Whatever this look offers, the entries still waiting get another at the next opening.
    struct Arm {
        Engine& e;
        ~Arm() { e.arm_opening(); }
    } arm{*this};
    m_offers_at = now;
    if (m_queue.empty()) return;
    std::vector<MachineId> held;
    for (const auto& [id, q] : m_queue)
        if (q.offered) held.push_back(*q.offered);
    for (auto& [id, q] : m_queue) {
        if (q.offered) continue;
        auto mi = m_members.find(q.member);
        if (mi == m_members.end()) continue;
        const MemberInfo& member = mi->second;
        if (member.valid_until && m_zone->local_day(now) > *member.valid_until) continue;
        for (MachineId mid : machines_of(QueueTarget{q.machine, q.pool})) {
            if (std::find(held.begin(), held.end(), mid) != held.end()) continue;
            const Machine& mc = m_machines.at(mid);
            if (mc.status != MachineStatus::available || mc.awaiting_check || !is_authorised(mc, q.member) ||
                m_session_on.contains(mid))
                continue;
            // Only what the member can take: a start now, and a start at the offer's last
            // moment, each get at least the minimum length (before the next booking, the
            // closing, the quota).
            if (!walk_in_end(mc, member, now) || !walk_in_end(mc, member, now + m_config.offer_hold)) continue;
            q.offered = mid;
            q.offer_expires = now + m_config.offer_hold;
            held.push_back(mid);
            m_deadlines.schedule(key("offer", id), *q.offer_expires);
            out.actions.push_back(Action{Action::Kind::offer, mid, q.member, now, *q.offer_expires, std::nullopt,
                                         std::nullopt, id});
            out.queue.push_back(q);
            break;
        }
    }
}

std::expected<Changes, Problem> Engine::join_queue(MemberId member_id, const QueueTarget& target, Timestamp now) {
    expect_now(now);
    auto mi = m_members.find(member_id);
    if (mi == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(member_id)}));
    if (target.machine.has_value() == target.pool.has_value())
        return std::unexpected(problem("Choose one machine or one pool to queue for"));
    const auto ids = machines_of(target);
    if (ids.empty()) {
        if (target.machine) return std::unexpected(problem("No machine has the number {0}", {num(*target.machine)}));
        return std::unexpected(problem("No pool is named {0}", {*target.pool}));
    }
    const std::string name = target.machine ? m_machines.at(*target.machine).name : *target.pool;
    for (const auto& [id, q] : m_queue)
        if (q.member == member_id && q.machine == target.machine && q.pool == target.pool)
            return std::unexpected(problem("Already in the queue for {0}", {name}));
    const MemberInfo& member = mi->second;
    if (member.valid_until && m_zone->local_day(now) > *member.valid_until)
        return std::unexpected(problem("Membership expired on {0}: renew it with a host",
                                       {core::format_date(*member.valid_until)}));
    if (std::none_of(ids.begin(), ids.end(), [&](MachineId id) { return is_authorised(m_machines.at(id), member_id); }))
        return std::unexpected(problem("Not authorised on {0}: a host authorises members after their training", {name}));
    Changes out;
    QueueEntry q{m_ids.queue_entry++, member_id, target.machine, target.pool, now, std::nullopt, std::nullopt};
    m_queue.emplace(q.id, q);
    out.queue.push_back(std::move(q));
    dispatch_offers(now, out);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::leave_queue(MemberId member_id, const QueueTarget& target, Timestamp now) {
    expect_now(now);
    for (const auto& [id, q] : m_queue) {
        if (q.member != member_id || q.machine != target.machine || q.pool != target.pool) continue;
        Changes out;
        remove_entry(id, out);
        dispatch_offers(now, out);
        return done(std::move(out));
    }
    const std::string name = target.machine ? (machine(*target.machine) ? machine(*target.machine)->name
                                                                         : num(*target.machine))
                                            : target.pool.value_or("");
    return std::unexpected(problem("Not in the queue for {0}", {name}));
}

std::vector<QueuePlace> Engine::queue_places(const QueueTarget& target, Timestamp now) const {
    // When each machine of the target is next free, then each member ahead takes the earliest.
    std::vector<Timestamp> free_at;
    Minutes use{15};
    for (MachineId mid : machines_of(target)) {
        const Machine& mc = m_machines.at(mid);
        use = mc.rules.min_length;
        Timestamp t = now;
        const Index& idx = m_by_machine.at(mid);
        for (auto it = idx.lower_bound(Held{now - days{1}, 0}); it != idx.end(); ++it) {
            if (it->start > t + mc.rules.min_length + mc.rules.buffer_after) break;
            t = std::max(t, it->end + mc.rules.buffer_after);
        }
        free_at.push_back(t);
    }
    std::vector<QueuePlace> out;
    for (const auto& [id, q] : m_queue) {
        if (q.machine != target.machine || q.pool != target.pool) continue;
        QueuePlace p{q, out.size() + 1, seconds{0}, std::nullopt};
        if (q.offered) {
            const auto mi = m_members.find(q.member);
            if (mi != m_members.end())
                if (auto usable = walk_in_end(m_machines.at(*q.offered), mi->second, now)) p.usable_until = *usable;
        }
        if (!free_at.empty()) {
            auto it = std::min_element(free_at.begin(), free_at.end());
            p.estimated_wait = *it - now;
            *it += use;
        }
        out.push_back(std::move(p));
    }
    return out;
}

// [SECTION] setup

std::expected<Changes, Problem> Engine::set_machine(Machine m, Timestamp now) {
    expect_now(now);
    std::sort(m.authorised.begin(), m.authorised.end());
    index_machine(m);
    Changes out;
    if (m.rules.check_after_use == CheckLevel::none) m.awaiting_check = false;
    m_fast_machine.set(m.id, &(m_machines[m.id] = m), m_machines.size());
    out.machines.push_back(m);
    if (m.status != MachineStatus::available)
        if (const Session* s = session_on(m.id)) close_session(s->id, now, SessionEnd::host, out);
    dispatch_offers(now, out);
    return done(std::move(out));
}

std::expected<Changes, Problem> Engine::set_status(MachineId id, MachineStatus st, MemberId actor, Timestamp now) {
    const Machine* mc = machine(id);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(id)}));
    auto ai = m_members.find(actor);
    if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
    if (!core::can_host(ai->second.role)) return std::unexpected(problem("Only a host can change {0}", {mc->name}));
    Machine m = *mc;
    m.status = st;
    if (st == MachineStatus::available) m.check_note.reset();  // what the last check found is dealt with
    return set_machine(std::move(m), now);
}

std::expected<Changes, Problem> Engine::authorise(MachineId id, MemberId member, bool allowed, MemberId actor,
                                                  Timestamp now) {
    const Machine* mc = machine(id);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(id)}));
    auto ai = m_members.find(actor);
    if (ai == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
    if (!m_members.contains(member)) return std::unexpected(problem("No member has the number {0}", {num(member)}));
    if (!core::can_host(ai->second.role)) return std::unexpected(problem("Only a host can change {0}", {mc->name}));
    Machine m = *mc;
    auto it = std::lower_bound(m.authorised.begin(), m.authorised.end(), member);
    const bool present = it != m.authorised.end() && *it == member;
    if (allowed && !present) m.authorised.insert(it, member);
    if (!allowed && present) m.authorised.erase(it);
    return set_machine(std::move(m), now);
}

void Engine::set_authorised(MachineId id, std::vector<MemberId> members) {
    auto it = m_machines.find(id);
    if (it == m_machines.end()) return;
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    it->second.authorised = std::move(members);
    index_machine(it->second);
}

void Engine::set_hours(OpeningHours h) {
    m_hours = std::move(h);
    m_window_cache.clear();
    m_window_days.clear();
    m_run_cache.clear();
    m_run_days.clear();
    arm_opening();  // the next opening may have moved
}

// [SECTION] queries

std::expected<std::vector<Slot>, Problem> Engine::find_slots(const SlotQuery& q, Timestamp now) const {
    // Member 0: nobody in particular, "when is it free": opening hours as for a member, no
    // authorisation or quota of anyone's.
    const bool anyone = q.member == 0;
    auto mi = m_members.find(q.member);
    if (!anyone && mi == m_members.end()) return std::unexpected(problem("No member has the number {0}", {num(q.member)}));
    const auto ids = machines_of(q.target);
    if (ids.empty()) {
        if (q.target.machine) return std::unexpected(problem("No machine has the number {0}", {num(*q.target.machine)}));
        return std::unexpected(problem("No pool is named {0}", {q.target.pool.value_or("")}));
    }
    const bool host = !anyone && core::can_host(mi->second.role);
    std::vector<Slot> found;
    for (MachineId mid : ids) {
        const Machine& mc = m_machines.at(mid);
        const MachineRules& ru = mc.rules;
        if (mc.status != MachineStatus::available || (!anyone && !is_authorised(mc, q.member))) continue;
        if (q.length < ru.min_length || q.length > ru.max_length) continue;
        const Timestamp horizon = now + days{ru.ahead_days};
        const Index& idx = m_by_machine.at(mid);
        const auto b = duration_cast<seconds>(ru.buffer_after);
        std::size_t n = 0;
        Timestamp t = ceil_grid(std::max(q.from, now), ru.slot);
        while (t <= horizon && n < q.count) {
            const Timestamp e = t + q.length;
            if (!host) {
                const auto run = run_end(t, e);
                if (!run || *run < e) {
                    const auto next = next_open(run ? *run : t);
                    if (!next) break;
                    t = ceil_grid(std::max(*next, t + seconds{1}), ru.slot);
                    continue;
                }
            }
            auto it = idx.lower_bound(Held{e + b, std::numeric_limits<BookingId>::min()});
            if (it != idx.begin()) {
                const Held& x = *std::prev(it);
                if (x.end + b > t) {
                    t = ceil_grid(std::max(x.end + b, t + seconds{1}), ru.slot);
                    continue;
                }
            }
            if (!anyone && over_quota(mc, q.member, t, e, std::nullopt)) {
                t += ru.slot;
                continue;
            }
            found.push_back(Slot{mid, t, e});
            ++n;
            t = ceil_grid(e, ru.slot);
        }
    }
    std::sort(found.begin(), found.end(),
              [](const Slot& a, const Slot& z) { return std::pair{a.start, a.machine} < std::pair{z.start, z.machine}; });
    if (found.size() > q.count) found.resize(q.count);
    return found;
}

std::expected<DayPlan, Problem> Engine::plan_day(const DayQuery& q, Timestamp now) const {
    const Machine* mc = machine(q.machine);
    if (!mc) return std::unexpected(problem("No machine has the number {0}", {num(q.machine)}));
    for (const MemberId id : {q.member, q.actor})
        if (!member_hot(id).known) return std::unexpected(problem("No member has the number {0}", {num(id)}));
    const bool host = core::can_host(member_hot(q.actor).role);
    const MachineRules& ru = mc->rules;
    DayPlan plan;
    plan.query = q;
    plan.step = std::max(ru.slot, Minutes{1});
    // The lengths offered: on the grid, from the minimum (rounded up to it) to the maximum.
    plan.min_length = std::max(ru.min_length, plan.step);
    if (plan.min_length % plan.step != Minutes{0}) plan.min_length += plan.step - plan.min_length % plan.step;
    const long lengths = ru.max_length < plan.min_length ? 0 : (ru.max_length - plan.min_length) / plan.step + 1;
    const Timestamp horizon = now + days{ru.ahead_days};
    plan.later_days = host || m_zone->local_day(horizon) > q.day;
    std::optional<Refusal> first_refusal;
    // Every grid instant whose local day is q.day (a day of 23 or 25 hours included).
    const Timestamp lo = Timestamp{sys_days{q.day}} - std::chrono::hours{14},
                    hi = Timestamp{sys_days{q.day} + days{1}} + std::chrono::hours{14};
    for (Timestamp t = ceil_grid(lo, plan.step); t < hi; t += plan.step) {
        if (m_zone->local_day(t) != q.day) continue;
        DayStart d;
        d.start = t;
        const auto open = run_end(t, t + plan.step);
        d.closed = !open || *open < t + plan.step;
        if (d.closed && !host) continue;  // members book inside opening hours only
        d.taken = first_conflict(*mc, t, t + seconds{1}, std::nullopt) != nullptr;
        // Accepting is monotonic in the length (a shorter booking from the same start passes
        // every check a longer one passes): the longest accepted, by bisection.
        auto check = [&](long k) {
            return check_request(BookingRequest{mc->id, q.member, t, t + plan.min_length + plan.step * k, q.actor}, now, std::nullopt);
        };
        if (lengths > 0) {
            if (auto no = check(0)) {
                if (!first_refusal && t >= now && !d.taken) first_refusal = no;
            } else {
                long good = 0, bad = lengths;
                while (bad - good > 1) {
                    const long mid = (good + bad) / 2;
                    (check(mid) ? bad : good) = mid;
                }
                d.room = plan.min_length + plan.step * good;
            }
        }
        plan.starts.push_back(d);
    }
    const bool none = std::none_of(plan.starts.begin(), plan.starts.end(), [](const DayStart& d) { return d.room > Minutes{0}; });
    if (none && first_refusal && first_refusal->rule != Rule::booked && first_refusal->rule != Rule::past)
        plan.why_none = explain(*first_refusal);
    plan.start_refusal = start_refusal(q.machine, q.member, now);
    return plan;
}

std::vector<Booking> Engine::bookings_on(MachineId m, Timestamp from, Timestamp to) const {
    std::vector<Booking> out;
    auto mi = m_by_machine.find(m);
    if (mi == m_by_machine.end()) return out;
    auto it = mi->second.lower_bound(Held{from, std::numeric_limits<BookingId>::min()});
    if (it != mi->second.begin() && std::prev(it)->end > from) --it;
    for (; it != mi->second.end() && it->start < to; ++it) out.push_back(m_bookings.at(it->id));
    return out;
}

std::vector<Booking> Engine::bookings_of(MemberId m, Timestamp from) const {
    std::vector<Booking> out;
    const MemberHeld* mine = member_index(m);
    if (!mine) return out;
    for (const Held& x : *mine)
        if (x.end > from) out.push_back(m_bookings.at(x.id));
    return out;
}

EngineState Engine::snapshot() const {
    EngineState s;
    for (const auto& [id, mc] : m_machines) s.machines.push_back(mc);
    s.hours = m_hours;
    for (const auto& [id, m] : m_members) s.members.push_back(m);
    std::sort(s.members.begin(), s.members.end(), [](const MemberInfo& a, const MemberInfo& b) { return a.id < b.id; });
    for (const auto& [id, b] : m_bookings) s.bookings.push_back(b);
    std::sort(s.bookings.begin(), s.bookings.end(), [](const Booking& a, const Booking& b) { return a.id < b.id; });
    for (const auto& [id, x] : m_sessions) s.sessions.push_back(x);
    for (const auto& [id, q] : m_queue) s.queue.push_back(q);
    s.next_ids = m_ids;
    return s;
}

}  // namespace etabli::alloc
