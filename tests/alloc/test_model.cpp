// Model-based test of the allocation engine: seeded random streams of operations (book,
// cancel, move, extend, sessions, queue, host actions, time jumps across both DST changes,
// restarts from the stored rows with and without downtime, slot searches) run on the engine
// and on a brute-force reference written here (plain vectors, O(n) scans, minute-by-minute
// opening hours). Every decision must be identical (same refusal text, same rows, same
// actions in the same order); the reference's state must never hold an overlap or exceed a
// quota; a store replica fed only with the Changes rebuilds an engine equal to the running one.
// ETABLI_ALLOC_OPS sets the number of operations (default 100,000), ETABLI_ALLOC_SEED the seed.
// Layer: tests/alloc (unit). Single-threaded.
#include <doctest/doctest.h>

#include "alloc_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>

using namespace etabli;
using namespace etabli::alloc;
using namespace etabli::alloc::testing;
using namespace std::chrono;
using core::problem;
using core::Problem;
using Result = std::expected<Changes, Problem>;

namespace {

constexpr auto kWeek = days{7};
constexpr auto kKeep = days{8};

seconds overlap(Timestamp a0, Timestamp a1, Timestamp b0, Timestamp b1) {
    const Timestamp s = std::max(a0, b0), e = std::min(a1, b1);
    return e > s ? e - s : seconds{0};
}
bool host_role(const MemberInfo& m) { return core::can_host(m.role); }
std::string num(long long v) { return std::to_string(v); }

// [SECTION] the reference model

struct Ref {
    const Zone& z;
    EngineConfig cfg;
    std::map<MachineId, Machine> machines;
    OpeningHours hours;
    std::map<MemberId, MemberInfo> members;
    std::vector<Booking> bookings;
    std::vector<Session> sessions;  // open ones
    std::vector<QueueEntry> queue;  // join order
    std::map<MachineId, Timestamp> free_at;
    IdCounters ids;
    Timestamp dispatched_at{};  // the last look at the queue (dispatch)
    // The last opening found: (from, opening) with no opening in (from, opening), so that
    // any later `from` before `opening` finds the same one without scanning again.
    mutable std::optional<std::pair<Timestamp, Timestamp>> opening_memo;

    std::string loc(Timestamp t) const { return format_local(z, t); }

    Booking* find(BookingId id) {
        for (auto& b : bookings)
            if (b.id == id) return &b;
        return nullptr;
    }
    Session* session_on(MachineId m) {
        for (auto& s : sessions)
            if (s.machine == m) return &s;
        return nullptr;
    }
    bool authorised(const Machine& mc, MemberId m) const {
        return std::find(mc.authorised.begin(), mc.authorised.end(), m) != mc.authorised.end();
    }
    bool expired(const MemberInfo& m, Timestamp t) const { return m.valid_until && z.local_day(t) > *m.valid_until; }

    // Opening hours, minute by minute.
    bool open_at(Timestamp m) const {
        const local_seconds l = z.to_local(m);
        const auto d = floor<days>(l);
        const int minute = static_cast<int>(duration_cast<minutes>(l - d).count());
        for (const DayWindow& w : hours.of(core::Date{d}))
            if (w.from <= minute && minute < w.to) return true;
        return false;
    }
    std::optional<Timestamp> first_closed(Timestamp s, Timestamp e) const {
        for (Timestamp m = floor<minutes>(s); m < e; m += minutes{1})
            if (!open_at(m)) return std::max(m, s);
        return std::nullopt;
    }
    std::optional<Problem> hours_problem(Timestamp s, Timestamp e) const {
        if (auto c = first_closed(s, e)) return problem("Outside opening hours: the workshop is closed at {0}", {loc(*c)});
        return std::nullopt;
    }
    std::optional<Problem> conflict(const Machine& mc, Timestamp s, Timestamp e, std::optional<BookingId> ignore) const {
        const seconds b = mc.rules.buffer_after;
        const Booking* first = nullptr;
        for (const auto& x : bookings) {
            if (x.machine != mc.id || !occupies(x.state) || (ignore && x.id == *ignore)) continue;
            if (x.start < e + b && s < x.end + b)
                if (!first || std::pair{x.start, x.id} < std::pair{first->start, first->id}) first = &x;
        }
        if (!first) return std::nullopt;
        if (b == seconds{0})
            return problem("{0} is already booked from {1} to {2}", {mc.name, loc(first->start), loc(first->end)});
        return problem("{0} is already booked from {1} to {2}, and needs {3} free after each booking",
                       {mc.name, loc(first->start), loc(first->end), format_duration(b)});
    }
    bool in_scope(const Machine& mc, const Booking& x) const {
        if (x.machine == mc.id) return true;
        if (mc.rules.quota_scope != QuotaScope::pool || !mc.pool) return false;
        return machines.at(x.machine).pool == mc.pool;
    }
    std::optional<Problem> quota(const Machine& mc, MemberId member, Timestamp s, Timestamp e,
                                 std::optional<BookingId> ignore) const {
        if (!mc.rules.quota_per_week) return std::nullopt;
        std::vector<std::pair<Timestamp, Timestamp>> held{{s, e}};
        for (const auto& x : bookings)
            if (x.member == member && occupies(x.state) && !(ignore && x.id == *ignore) && in_scope(mc, x))
                held.emplace_back(x.start, x.end);
        std::optional<std::pair<seconds, Timestamp>> worst;  // (sum, -) largest sum, earliest t
        for (const auto& h : held) {
            for (const Timestamp t : {h.second, h.first + kWeek}) {
                if (!(t > s && t - kWeek < e)) continue;
                seconds sum{0};
                for (const auto& y : held) sum += overlap(y.first, y.second, t - kWeek, t);
                if (!worst || sum > worst->first || (sum == worst->first && t < worst->second)) worst = {sum, t};
            }
        }
        const seconds q = *mc.rules.quota_per_week;
        if (!worst || worst->first <= q) return std::nullopt;
        const std::string scope = mc.rules.quota_scope == QuotaScope::pool && mc.pool ? *mc.pool : mc.name;
        return problem("Quota reached: this would make {0} on {1} in the 7 days before {2}, and the limit is {3}",
                       {format_duration(worst->first), scope, loc(worst->second), format_duration(q)});
    }
    static bool grid(Timestamp t, Minutes slot) { return t.time_since_epoch() % slot == seconds{0}; }
    static Timestamp up(Timestamp t, Minutes slot) {
        while (!grid(t, slot)) t += seconds{1} * (t.time_since_epoch().count() % 60 ? 1 : 60);
        return t;
    }
    std::optional<Problem> check(const BookingRequest& r, Timestamp now, std::optional<BookingId> ignore) const {
        if (!machines.contains(r.machine)) return problem("No machine has the number {0}", {num(r.machine)});
        if (!members.contains(r.member)) return problem("No member has the number {0}", {num(r.member)});
        if (!members.contains(r.actor)) return problem("No member has the number {0}", {num(r.actor)});
        const Machine& mc = machines.at(r.machine);
        const bool host = host_role(members.at(r.actor));
        if (r.actor != r.member && !host) return problem("Only a host can act for another member");
        if (r.end <= r.start)
            return problem("The end ({1}) must come after the start ({0})", {loc(r.start), loc(r.end)});
        if (r.start < now) return problem("{0} is already past", {loc(r.start)});
        const seconds len = r.end - r.start;
        const auto lengths = [&](const char*) {
            return std::vector<std::string>{format_duration(len), mc.name, format_duration(mc.rules.min_length),
                                            format_duration(mc.rules.max_length)};
        };
        if (len < mc.rules.min_length) return problem("Too short: {0}; {1} takes bookings of {2} to {3}", lengths(""));
        if (len > mc.rules.max_length) return problem("Too long: {0}; {1} takes bookings of {2} to {3}", lengths(""));
        for (const Timestamp t : {r.start, r.end})
            if (!grid(t, mc.rules.slot))
                return problem("{0} is not on the {1}-minute grid of {2}: the next time on it is {3}",
                               {loc(t), num(mc.rules.slot.count()), mc.name, loc(up(t, mc.rules.slot))});
        const Timestamp horizon = now + days{mc.rules.ahead_days};
        if (!host && r.start > horizon)
            return problem("Too far ahead: {0} takes bookings up to {1} days ahead, until {2}",
                           {mc.name, num(mc.rules.ahead_days), loc(horizon)});
        const MemberInfo& m = members.at(r.member);
        if (m.valid_until && z.local_day(r.start) > *m.valid_until)
            return problem("Membership ends on {0}, before {1}: renew it with a host",
                           {core::format_date(*m.valid_until), loc(r.start)});
        if (!authorised(mc, r.member))
            return problem("Not authorised on {0}: a host authorises members after their training", {mc.name});
        if (!host && mc.status == MachineStatus::maintenance) return problem("{0} is under maintenance", {mc.name});
        if (!host && mc.status == MachineStatus::out_of_order) return problem("{0} is out of order", {mc.name});
        if (!host)
            if (auto p = hours_problem(r.start, r.end)) return p;
        if (auto p = conflict(mc, r.start, r.end, ignore)) return p;
        return quota(mc, r.member, r.start, r.end, ignore);
    }
    std::expected<Timestamp, Problem> walk_in_end(const Machine& mc, const MemberInfo& m, Timestamp now) const {
        const bool host = host_role(m);
        const Timestamp min_end = now + mc.rules.min_length;
        if (!host)
            if (auto p = hours_problem(now, min_end)) return std::unexpected(*p);
        if (auto p = conflict(mc, now, min_end, std::nullopt)) return std::unexpected(*p);
        if (auto p = quota(mc, m.id, now, min_end, std::nullopt)) return std::unexpected(*p);
        Timestamp end = now + mc.rules.max_length;
        if (!host)
            if (auto c = first_closed(now, end)) end = *c;
        const seconds b = mc.rules.buffer_after;
        for (const auto& x : bookings)
            if (x.machine == mc.id && occupies(x.state) && x.start >= now && x.end + b > now) end = std::min(end, x.start - b);
        if (quota(mc, m.id, now, end, std::nullopt)) {
            for (long k = duration_cast<minutes>(end - now).count();; --k) {
                if (!quota(mc, m.id, now, now + minutes{k}, std::nullopt)) {
                    end = now + minutes{k};
                    break;
                }
            }
        }
        return end;
    }

    // mutations
    void put(const Booking& b, Changes& out) {
        if (Booking* x = find(b.id)) *x = b;
        else bookings.push_back(b);
        out.bookings.push_back(b);
    }
    void close(Session s, Timestamp at, SessionEnd why, Changes& out) {
        std::erase_if(sessions, [&](const Session& x) { return x.id == s.id; });
        s.ended = at;
        s.end_reason = why;
        Booking b = *find(s.booking);
        b.end = at;
        b.state = BookingState::completed;
        put(b, out);
        const Machine& mc = machines.at(s.machine);
        if (mc.rules.buffer_after > Minutes{0}) free_at[mc.id] = at + mc.rules.buffer_after;
        out.actions.push_back({Action::Kind::power_off, s.machine, s.member, at, at, s.id, s.booking, std::nullopt});
        out.sessions.push_back(s);
    }
    void remove_entry(QueueEntryId id, Changes& out) {
        std::erase_if(queue, [&](const QueueEntry& q) { return q.id == id; });
        out.queue_removed.push_back(id);
    }
    void start(const Machine& mc, MemberId member, BookingId booking, Timestamp now, Timestamp until, Changes& out) {
        Session s{ids.session++, mc.id, member, booking, now, until, std::nullopt, std::nullopt, false, std::nullopt, false, std::nullopt};
        sessions.push_back(s);
        out.actions.push_back({Action::Kind::power_on, mc.id, member, now, until, s.id, booking, std::nullopt});
        out.sessions.push_back(s);
        std::vector<QueueEntryId> gone;
        for (const auto& q : queue)
            if (q.member == member && (q.machine == mc.id || (q.pool && q.pool == mc.pool))) gone.push_back(q.id);
        for (auto id : gone) remove_entry(id, out);
    }
    std::vector<MachineId> target(const std::optional<MachineId>& m, const std::optional<std::string>& pool) const {
        std::vector<MachineId> out;
        for (const auto& [id, mc] : machines)
            if ((m && id == *m) || (!m && pool && mc.pool == pool)) out.push_back(id);
        return out;
    }
    // The first minute after `t`, within 35 days, open while the minute before is closed:
    // scanned minute by minute.
    std::optional<Timestamp> opening_after(Timestamp t) const {
        if (opening_memo && opening_memo->first <= t && t < opening_memo->second) return opening_memo->second;
        for (Timestamp m = floor<minutes>(t) + minutes{1}; m <= t + days{35}; m += minutes{1}) {
            if (open_at(m) && !open_at(m - minutes{1})) {
                opening_memo = std::pair{t, m};
                return m;
            }
        }
        return std::nullopt;
    }
    void dispatch(Timestamp now, Changes& out) {
        dispatched_at = now;
        for (auto& q : queue) {
            if (q.offered || !members.contains(q.member)) continue;
            const MemberInfo& m = members.at(q.member);
            if (expired(m, now)) continue;
            for (MachineId mid : target(q.machine, q.pool)) {
                bool held = false;
                for (const auto& o : queue) held = held || o.offered == mid;
                const Machine& mc = machines.at(mid);
                if (held || mc.status != MachineStatus::available || !authorised(mc, q.member) || session_on(mid)) continue;
                if (!walk_in_end(mc, m, now) || !walk_in_end(mc, m, now + cfg.offer_hold)) continue;
                q.offered = mid;
                q.offer_expires = now + cfg.offer_hold;
                out.actions.push_back({Action::Kind::offer, mid, q.member, now, *q.offer_expires, std::nullopt,
                                       std::nullopt, q.id});
                out.queue.push_back(q);
                break;
            }
        }
    }
    Changes done(Changes c) const {
        c.next_ids = ids;
        return c;
    }

    // deadlines, recomputed from the state each time
    struct Event {
        Timestamp at;
        std::string key;
    };
    std::optional<Event> next_event() const {
        std::optional<Event> best;
        auto offer = [&](Timestamp t, std::string k) {
            if (!best || std::pair{t, k} < std::pair{best->at, best->key}) best = Event{t, std::move(k)};
        };
        for (const auto& s : sessions) {
            const Machine& mc = machines.at(s.machine);
            if (!s.warned) offer(std::max(s.started, s.allowed_until - mc.rules.warn_before), "warn:" + num(s.id));
            offer(s.allowed_until, "end:" + num(s.id));
        }
        for (const auto& b : bookings)
            if (b.state == BookingState::booked)
                offer(std::min(b.start + machines.at(b.machine).rules.no_show_release, b.end), "noshow:" + num(b.id));
        for (const auto& q : queue)
            if (q.offer_expires) offer(*q.offer_expires, "offer:" + num(q.id));
        for (const auto& [m, t] : free_at) offer(t, "free:" + num(m));
        if (std::any_of(queue.begin(), queue.end(), [](const QueueEntry& q) { return !q.offered; }))
            if (auto t = opening_after(dispatched_at)) offer(*t, "open:0");
        return best;
    }
    Changes tick(Timestamp now) {
        Changes out;
        while (auto ev = next_event()) {
            if (ev->at > now) break;
            const Timestamp at = ev->at;
            const auto colon = ev->key.find(':');
            const std::string kind = ev->key.substr(0, colon);
            const std::int64_t id = std::stoll(ev->key.substr(colon + 1));
            if (kind == "end") {
                Session s = *std::find_if(sessions.begin(), sessions.end(), [&](auto& x) { return x.id == id; });
                close(s, at, SessionEnd::allowed_end, out);
            } else if (kind == "warn") {
                Session& sr = *std::find_if(sessions.begin(), sessions.end(), [&](auto& x) { return x.id == id; });
                Session s = sr;
                Booking b = *find(s.booking);
                const Machine& mc = machines.at(s.machine);
                const Timestamp ne = s.allowed_until + mc.rules.slot;
                bool waiting = false;
                for (const auto& q : queue) waiting = waiting || q.machine == mc.id || (q.pool && q.pool == mc.pool);
                const bool host = members.contains(s.member) && host_role(members.at(s.member));
                if (mc.status == MachineStatus::available && !waiting && (host || !first_closed(s.allowed_until, ne)) &&
                    !conflict(mc, b.start, ne, b.id) && !quota(mc, s.member, b.start, ne, b.id)) {
                    b.end = ne;
                    s.allowed_until = ne;
                    s.warned = false;
                    put(b, out);
                    out.actions.push_back({Action::Kind::renew_lease, s.machine, s.member, at, ne, s.id, s.booking, std::nullopt});
                } else {
                    s.warned = true;
                    out.actions.push_back({Action::Kind::warn, s.machine, s.member, at, s.allowed_until, s.id, s.booking, std::nullopt});
                }
                sr = s;
                out.sessions.push_back(s);
            } else if (kind == "noshow") {
                Booking b = *find(id);
                b.state = BookingState::no_show;
                out.actions.push_back({Action::Kind::release_no_show, b.machine, b.member, at, b.end, std::nullopt, b.id, std::nullopt});
                put(b, out);
            } else if (kind == "offer") {
                const QueueEntry q = *std::find_if(queue.begin(), queue.end(), [&](auto& x) { return x.id == id; });
                out.actions.push_back({Action::Kind::expire_offer, *q.offered, q.member, at, *q.offer_expires,
                                       std::nullopt, std::nullopt, q.id});
                remove_entry(id, out);
            } else if (kind == "free") {
                free_at.erase(id);
            }  // "open": only the look at the queue below
            dispatch(now, out);
        }
        return done(std::move(out));
    }
    Changes resume(Timestamp now) {
        Changes out;
        std::vector<Session> open = sessions;
        std::sort(open.begin(), open.end(), [](auto& a, auto& b) { return a.id < b.id; });
        for (const auto& s : open) {
            if (s.allowed_until <= now) close(s, s.allowed_until, SessionEnd::station_down, out);
            else out.actions.push_back({Action::Kind::power_on, s.machine, s.member, now, s.allowed_until, s.id, s.booking, std::nullopt});
        }
        out.append(tick(now));
        dispatch(now, out);
        return done(std::move(out));
    }
    void prune(Timestamp now) {
        std::erase_if(bookings, [&](const Booking& b) {
            const bool live = b.state == BookingState::booked || b.state == BookingState::active;
            return !live && !(b.host_note && !b.notice_seen) && b.end < now - kKeep;
        });
    }

    // requests
    Result book(const BookingRequest& r, Timestamp now) {
        if (auto p = check(r, now, std::nullopt)) return std::unexpected(*p);
        Changes out;
        put(Booking{ids.booking++, r.machine, r.member, r.start, r.end, BookingState::booked, r.actor, false,
                    std::nullopt, now, std::nullopt, false}, out);
        dispatch(now, out);
        return done(std::move(out));
    }
    std::optional<Problem> may_change(const Booking& b, MemberId actor, const std::optional<std::string>& reason) const {
        if (actor == b.member) return std::nullopt;
        if (!host_role(members.at(actor)))
            return problem("Only the member who booked or a host can change booking {0}", {num(b.id)});
        if (!reason || reason->find_first_not_of(" \t") == std::string::npos)
            return problem("Give a reason: the member will see it at their next badge-in");
        return std::nullopt;
    }
    Result cancel(BookingId id, MemberId actor, std::optional<std::string> reason, Timestamp now) {
        Booking* bp = find(id);
        if (!bp) return std::unexpected(problem("No booking has the number {0}", {num(id)}));
        if (!members.contains(actor)) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
        Booking b = *bp;
        if (auto p = may_change(b, actor, reason)) return std::unexpected(*p);
        if (b.state == BookingState::active)
            return std::unexpected(problem("Booking {0} is in use: end the session instead", {num(id)}));
        if (b.state != BookingState::booked)
            return std::unexpected(problem("Booking {0} is already {1}", {num(id), std::string(to_string(b.state))}));
        b.state = BookingState::cancelled;
        if (actor != b.member) {
            b.host_note = reason;
            b.notice_seen = false;
        }
        Changes out;
        put(b, out);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result move(BookingId id, Timestamp s, Timestamp e, MemberId actor, std::optional<std::string> reason, Timestamp now) {
        Booking* bp = find(id);
        if (!bp) return std::unexpected(problem("No booking has the number {0}", {num(id)}));
        if (!members.contains(actor)) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
        Booking b = *bp;
        if (auto p = may_change(b, actor, reason)) return std::unexpected(*p);
        if (b.state != BookingState::booked)
            return std::unexpected(problem("Booking {0} is already {1}", {num(id), std::string(to_string(b.state))}));
        if (auto p = check(BookingRequest{b.machine, b.member, s, e, actor}, now, id)) return std::unexpected(*p);
        b.start = s;
        b.end = e;
        if (actor != b.member) {
            b.host_note = reason;
            b.notice_seen = false;
        }
        Changes out;
        put(b, out);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result extend(BookingId id, Timestamp e, MemberId actor, Timestamp now) {
        Booking* bp = find(id);
        if (!bp) return std::unexpected(problem("No booking has the number {0}", {num(id)}));
        if (!members.contains(actor)) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
        Booking b = *bp;
        const bool host = host_role(members.at(actor));
        if (actor != b.member && !host)
            return std::unexpected(problem("Only the member who booked or a host can change booking {0}", {num(id)}));
        if (b.state != BookingState::active)
            return std::unexpected(problem("Booking {0} is not running: move it instead", {num(id)}));
        const Machine& mc = machines.at(b.machine);
        if (e <= b.end)
            return std::unexpected(problem("The new end {0} must come after the current end {1}", {loc(e), loc(b.end)}));
        if (!grid(e, mc.rules.slot))
            return std::unexpected(problem("{0} is not on the {1}-minute grid of {2}: the next time on it is {3}",
                                           {loc(e), num(mc.rules.slot.count()), mc.name, loc(up(e, mc.rules.slot))}));
        if (mc.status == MachineStatus::maintenance) return std::unexpected(problem("{0} is under maintenance", {mc.name}));
        if (mc.status == MachineStatus::out_of_order) return std::unexpected(problem("{0} is out of order", {mc.name}));
        if (!host && !host_role(members.at(b.member)))
            if (auto p = hours_problem(b.end, e)) return std::unexpected(*p);
        if (auto p = conflict(mc, b.start, e, id)) return std::unexpected(*p);
        if (auto p = quota(mc, b.member, b.start, e, id)) return std::unexpected(*p);
        Changes out;
        Session& sr = *session_on(b.machine);
        b.end = e;
        sr.allowed_until = e;
        sr.warned = false;
        put(b, out);
        out.actions.push_back({Action::Kind::renew_lease, sr.machine, sr.member, now, e, sr.id, sr.booking, std::nullopt});
        out.sessions.push_back(sr);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result access(MachineId mid, MemberId who, Timestamp now) {
        if (!machines.contains(mid)) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
        if (!members.contains(who)) return std::unexpected(problem("No member has the number {0}", {num(who)}));
        const Machine& mc = machines.at(mid);
        const MemberInfo& m = members.at(who);
        Changes out;
        if (Session* s = session_on(mid)) {
            if (s->member == who) {
                close(*s, now, SessionEnd::badge, out);
                dispatch(now, out);
                return done(std::move(out));
            }
            return std::unexpected(problem("{0} is in use until {1}", {mc.name, loc(s->allowed_until)}));
        }
        if (expired(m, now))
            return std::unexpected(problem("Membership expired on {0}: renew it with a host", {core::format_date(*m.valid_until)}));
        if (!authorised(mc, who))
            return std::unexpected(problem("Not authorised on {0}: a host authorises members after their training", {mc.name}));
        if (mc.status == MachineStatus::maintenance) return std::unexpected(problem("{0} is under maintenance", {mc.name}));
        if (mc.status == MachineStatus::out_of_order) return std::unexpected(problem("{0} is out of order", {mc.name}));
        const Booking* mine = nullptr;
        for (const auto& x : bookings)
            if (x.machine == mid && occupies(x.state) && x.start <= now + cfg.early_start && x.end > now &&
                x.member == who && x.state == BookingState::booked)
                if (!mine || std::pair{x.start, x.id} < std::pair{mine->start, mine->id}) mine = &x;
        if (mine) {
            Booking b = *mine;
            if (now < b.start) {
                if (auto p = conflict(mc, now, b.end, b.id)) return std::unexpected(*p);
                if (auto p = quota(mc, who, now, b.end, b.id)) return std::unexpected(*p);
                b.start = now;
            }
            b.state = BookingState::active;
            put(b, out);
            start(mc, who, b.id, now, b.end, out);
            dispatch(now, out);
            return done(std::move(out));
        }
        for (const auto& q : queue)
            if (q.offered == mid && q.member != who)
                return std::unexpected(problem("{0} is held for the next member in the queue until {1}",
                                               {mc.name, loc(*q.offer_expires)}));
        auto end = walk_in_end(mc, m, now);
        if (!end) return std::unexpected(end.error());
        Booking b{ids.booking++, mid, who, now, *end, BookingState::active, who, true, std::nullopt, now, std::nullopt, false};
        put(b, out);
        start(mc, who, b.id, now, *end, out);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result end_session(MachineId mid, MemberId actor, SessionEnd why, Timestamp now) {
        if (!machines.contains(mid)) return std::unexpected(problem("No machine has the number {0}", {num(mid)}));
        const Machine& mc = machines.at(mid);
        Session* s = session_on(mid);
        if (!s) return std::unexpected(problem("Nothing is running on {0}", {mc.name}));
        if (why != SessionEnd::fault) {
            if (!members.contains(actor)) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
            if (actor != s->member && !host_role(members.at(actor)))
                return std::unexpected(problem("Only the member using it or a host can stop {0}", {mc.name}));
        }
        Changes out;
        close(*s, now, why, out);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result join(MemberId who, std::optional<MachineId> m, std::optional<std::string> pool, Timestamp now) {
        if (!members.contains(who)) return std::unexpected(problem("No member has the number {0}", {num(who)}));
        const auto ids_ = target(m, pool);
        if (ids_.empty()) {
            if (m) return std::unexpected(problem("No machine has the number {0}", {num(*m)}));
            return std::unexpected(problem("No pool is named {0}", {*pool}));
        }
        const std::string name = m ? machines.at(*m).name : *pool;
        for (const auto& q : queue)
            if (q.member == who && q.machine == m && q.pool == pool)
                return std::unexpected(problem("Already in the queue for {0}", {name}));
        const MemberInfo& mi = members.at(who);
        if (expired(mi, now))
            return std::unexpected(problem("Membership expired on {0}: renew it with a host", {core::format_date(*mi.valid_until)}));
        bool any = false;
        for (auto id : ids_) any = any || authorised(machines.at(id), who);
        if (!any) return std::unexpected(problem("Not authorised on {0}: a host authorises members after their training", {name}));
        Changes out;
        QueueEntry q{ids.queue_entry++, who, m, pool, now, std::nullopt, std::nullopt};
        queue.push_back(q);
        out.queue.push_back(q);
        dispatch(now, out);
        return done(std::move(out));
    }
    Result leave(MemberId who, std::optional<MachineId> m, std::optional<std::string> pool, Timestamp now) {
        for (const auto& q : queue) {
            if (q.member != who || q.machine != m || q.pool != pool) continue;
            Changes out;
            remove_entry(q.id, out);
            dispatch(now, out);
            return done(std::move(out));
        }
        const std::string name = m ? (machines.contains(*m) ? machines.at(*m).name : num(*m)) : pool.value_or("");
        return std::unexpected(problem("Not in the queue for {0}", {name}));
    }
    Result set_status(MachineId id, MachineStatus st, MemberId actor, Timestamp now) {
        if (!machines.contains(id)) return std::unexpected(problem("No machine has the number {0}", {num(id)}));
        if (!members.contains(actor)) return std::unexpected(problem("No member has the number {0}", {num(actor)}));
        Machine& mc = machines.at(id);
        if (!host_role(members.at(actor))) return std::unexpected(problem("Only a host can change {0}", {mc.name}));
        mc.status = st;
        Changes out;
        if (st != MachineStatus::available)
            if (Session* s = session_on(id)) close(*s, now, SessionEnd::host, out);
        out.machines.push_back(mc);
        dispatch(now, out);
        return done(std::move(out));
    }
    Changes notices(MemberId who) {
        Changes out;
        std::vector<Booking> mine;
        for (const auto& b : bookings)
            if (b.member == who && b.host_note && !b.notice_seen) mine.push_back(b);
        std::sort(mine.begin(), mine.end(), [](auto& a, auto& b) { return a.id < b.id; });
        for (auto b : mine) {
            b.notice_seen = true;
            put(b, out);
        }
        return done(std::move(out));
    }
    std::vector<Slot> slots(const SlotQuery& q, Timestamp now) const {
        std::vector<Slot> found;
        const MemberInfo& m = members.at(q.member);
        for (MachineId mid : target(q.target.machine, q.target.pool)) {
            const Machine& mc = machines.at(mid);
            if (mc.status != MachineStatus::available || !authorised(mc, q.member)) continue;
            if (q.length < mc.rules.min_length || q.length > mc.rules.max_length) continue;
            const Timestamp horizon = now + days{mc.rules.ahead_days};
            std::size_t n = 0;
            Timestamp last_end{};
            for (Timestamp t = up(std::max(q.from, now), mc.rules.slot); t <= horizon && n < q.count; t += mc.rules.slot) {
                const Timestamp e = t + q.length;
                if (t < last_end) continue;
                if (!host_role(m) && first_closed(t, e)) continue;
                if (conflict(mc, t, e, std::nullopt) || quota(mc, q.member, t, e, std::nullopt)) continue;
                found.push_back({mid, t, e});
                ++n;
                last_end = e;
            }
        }
        std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return std::pair{a.start, a.machine} < std::pair{b.start, b.machine}; });
        if (found.size() > q.count) found.resize(q.count);
        return found;
    }
};

// [SECTION] the store replica: only what Changes tell it

struct Replica {
    std::map<MachineId, Machine> machines;
    std::map<BookingId, Booking> bookings;
    std::map<SessionId, Session> sessions;
    std::map<QueueEntryId, QueueEntry> queue;
    IdCounters ids;
    void apply(const Changes& c) {
        for (const auto& m : c.machines) machines[m.id] = m;
        for (const auto& b : c.bookings) bookings[b.id] = b;
        for (const auto& s : c.sessions) sessions[s.id] = s;
        for (const auto& q : c.queue) queue[q.id] = q;
        for (auto id : c.queue_removed) queue.erase(id);
        ids = c.next_ids;
        as_of = c.as_of;
    }
    Timestamp as_of{};
    EngineState load(const OpeningHours& h, const std::vector<MemberInfo>& members) const {
        EngineState s;
        for (const auto& [id, m] : machines) s.machines.push_back(m);
        s.hours = h;
        s.members = members;
        for (const auto& [id, b] : bookings) s.bookings.push_back(b);
        for (const auto& [id, x] : sessions)
            if (!x.ended) s.sessions.push_back(x);
        for (const auto& [id, q] : queue) s.queue.push_back(q);
        s.next_ids = ids;
        s.as_of = as_of;
        return s;
    }
};

// [SECTION] the workshop of the random runs

constexpr MemberId kHost = 9;
const std::vector<MemberId> kMembers{1, 2, 3, 4, 5, 6, 7, kHost};

EngineState model_workshop() {
    EngineState s;
    Machine laser{1, "Laser", "laser", std::nullopt, MachineStatus::available, {1, 2, 3, 4, 5, kHost}, {}, false, std::nullopt};
    laser.rules.quota_per_week = hours{6};
    laser.rules.ahead_days = 3;
    Machine pa{2, "Prusa A", "3d", "3D printers", MachineStatus::available, {1, 2, 3, 6, 7, kHost}, {}, false, std::nullopt};
    pa.rules.buffer_after = minutes{10};
    pa.rules.max_length = hours{3};
    pa.rules.quota_per_week = hours{5};
    pa.rules.quota_scope = QuotaScope::pool;
    pa.rules.ahead_days = 3;
    Machine pb = pa;
    pb.id = 3;
    pb.name = "Prusa B";
    pb.authorised = {1, 4, 5, 6, 7, kHost};
    Machine lathe{4, "Lathe", "lathe", std::nullopt, MachineStatus::available, {1, 2, 3, 4, 5, 6, 7, kHost}, {}, false, std::nullopt};
    lathe.rules.slot = minutes{30};
    lathe.rules.min_length = minutes{30};
    lathe.rules.max_length = minutes{90};
    lathe.rules.no_show_release = minutes{5};
    lathe.rules.warn_before = minutes{10};
    lathe.rules.ahead_days = 2;
    s.machines = {laser, pa, pb, lathe};
    // Edges never inside the autumn's repeated hour (02:00-03:00): a window is one interval.
    for (int d = 1; d <= 5; ++d) s.hours.weekly[d] = {{8 * 60, 12 * 60}, {13 * 60, 22 * 60}};
    s.hours.weekly[6] = {{60, 4 * 60}, {10 * 60, 24 * 60}};
    s.hours.weekly[0] = {{0, 4 * 60}, {14 * 60, 18 * 60}};
    s.hours.exceptions[core::Date{year{2026} / April / 6}] = {};
    s.hours.exceptions[core::Date{year{2026} / May / 1}] = {{10 * 60, 12 * 60}};
    for (MemberId id : kMembers)
        s.members.push_back(MemberInfo{id, id == kHost ? core::Role::host : core::Role::member,
                                       id == 7 ? std::optional{core::Date{year{2026} / May / 15}} : std::nullopt});
    return s;
}

// Rows keyed by id, last one wins (the order in which a store would apply them).
template <class T>
std::map<std::int64_t, T> rows(const std::vector<T>& v) {
    std::map<std::int64_t, T> out;
    for (const auto& x : v) out[x.id] = x;
    return out;
}

std::string describe(const Result& r) {
    if (!r) return "refused: " + r.error().english();
    std::string s = "ok:";
    for (const auto& a : r->actions) s += " " + std::string(to_string(a.kind)) + "@" + core::format_timestamp(a.at);
    return s;
}

void same(const Result& got, const Result& want, const std::string& op) {
    CAPTURE(op);
    CAPTURE(describe(got));
    CAPTURE(describe(want));
    REQUIRE(got.has_value() == want.has_value());
    if (!got) {
        REQUIRE(got.error().msgid == want.error().msgid);
        REQUIRE(got.error().args == want.error().args);
        return;
    }
    REQUIRE(got->actions == want->actions);
    REQUIRE(rows(got->bookings) == rows(want->bookings));
    REQUIRE(rows(got->sessions) == rows(want->sessions));
    REQUIRE(rows(got->queue) == rows(want->queue));
    auto a = got->queue_removed, b = want->queue_removed;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    REQUIRE(a == b);
    REQUIRE(got->machines.size() == want->machines.size());
    REQUIRE(got->next_ids == want->next_ids);
}

void same_state(const Engine& e, const Ref& ref) {
    const EngineState s = e.snapshot();
    auto want = ref.bookings;
    std::sort(want.begin(), want.end(), [](auto& a, auto& b) { return a.id < b.id; });
    REQUIRE(s.bookings.size() == want.size());
    REQUIRE(s.bookings == want);
    auto ws = ref.sessions;
    std::sort(ws.begin(), ws.end(), [](auto& a, auto& b) { return a.id < b.id; });
    REQUIRE(s.sessions == ws);
    REQUIRE(s.queue == ref.queue);
    REQUIRE(s.next_ids == ref.ids);
}

void quota_ok(const Ref& ref, MemberId member);

// The invariants, on the reference's rows touched by a decision: no overlap (buffers
// included) on the machine, no quota exceeded for the member.
void invariants(const Ref& ref, const Changes& c) {
    for (const auto& changed : c.bookings) {
        const Booking* b = nullptr;
        for (const auto& x : ref.bookings)
            if (x.id == changed.id) b = &x;
        if (!b || !occupies(b->state)) continue;
        const Machine& mc = ref.machines.at(b->machine);
        const seconds buf = mc.rules.buffer_after;
        for (const auto& x : ref.bookings) {
            if (x.id == b->id || x.machine != b->machine || !occupies(x.state)) continue;
            CAPTURE(b->id);
            CAPTURE(x.id);
            REQUIRE_FALSE((x.start < b->end + buf && b->start < x.end + buf));
        }
        quota_ok(ref, b->member);
    }
}

// The quota invariant in full, for one member: every window ending at a breakpoint.
void quota_ok(const Ref& ref, MemberId member) {
    for (const auto& [id, mc] : ref.machines) {
        if (!mc.rules.quota_per_week) continue;
        std::vector<std::pair<Timestamp, Timestamp>> held;
        for (const auto& x : ref.bookings)
            if (x.member == member && occupies(x.state) && ref.in_scope(mc, x)) held.emplace_back(x.start, x.end);
        for (const auto& h : held)
            for (const Timestamp t : {h.second, h.first + kWeek}) {
                seconds sum{0};
                for (const auto& y : held) sum += overlap(y.first, y.second, t - kWeek, t);
                CAPTURE(member);
                CAPTURE(mc.name);
                REQUIRE(sum <= seconds{*mc.rules.quota_per_week});
            }
    }
}

long env_long(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("model: the engine decides exactly as a brute-force reference over a long random stream") {
    const long ops = env_long("ETABLI_ALLOC_OPS", 100'000);
    const auto seed = static_cast<std::uint32_t>(env_long("ETABLI_ALLOC_SEED", 20261128));
    MESSAGE(ops << " operations, seed " << seed);
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto chance = [&](int percent) { return pick(1, 100) <= percent; };

    FakeParis zone;
    const EngineState initial = model_workshop();
    Timestamp now = at(zone, "2026-03-20 07:30");
    auto engine = std::make_unique<Engine>(initial, zone, now);
    Ref ref{zone, EngineConfig{}, {}, initial.hours, {}, {}, {}, {}, {}, initial.next_ids, {}, {}};
    for (const auto& m : initial.machines) ref.machines[m.id] = m;
    for (const auto& m : initial.members) ref.members[m.id] = m;
    Replica store;
    for (const auto& m : initial.machines) store.machines[m.id] = m;

    std::map<std::string, long> counts;
    auto record = [&](const std::string& op, const Result& got, const Result& want) {
        same(got, want, op);
        ++counts[op + (got ? " ok" : " refused")];
        if (got) {
            store.apply(*got);
            invariants(ref, *want);
        }
    };
    auto any_booking = [&]() -> BookingId {
        if (ref.bookings.empty() || chance(3)) return pick(1, static_cast<int>(ref.ids.booking) + 2);
        // Mostly recent ones: those are the ones that can still change.
        const int n = static_cast<int>(ref.bookings.size());
        return ref.bookings[static_cast<std::size_t>(pick(std::max(0, n - 40), n - 1))].id;
    };
    auto any_member = [&] { return chance(2) ? MemberId{77} : kMembers[static_cast<std::size_t>(pick(0, 7))]; };
    auto any_machine = [&] { return chance(2) ? MachineId{9} : MachineId{pick(1, 4)}; };
    auto any_time = [&](int slot_min) {
        // Near now on the grid mostly, sometimes off it.
        Timestamp t = floor<minutes>(now) + minutes{pick(-60, 60 * 24 * 3)};
        t = Ref::up(t, Minutes{slot_min});
        if (chance(3)) t += minutes{pick(1, 14)};
        return t;
    };

    for (long i = 0; i < ops; ++i) {
        const int op = pick(1, 100);
        CAPTURE(i);
        if (op <= 22) {
            const MachineId m = any_machine();
            const MemberId who = any_member();
            const int slot = m == 4 ? 30 : 15;
            const Timestamp s = any_time(slot);
            const Timestamp e = s + minutes{slot * pick(-1, 9)};
            const MemberId actor = chance(10) ? kHost : (chance(3) ? any_member() : who);
            const BookingRequest r{m, who, s, e, actor};
            record("book", engine->book(r, now), ref.book(r, now));
        } else if (op <= 28) {
            const BookingId id = any_booking();
            const MemberId actor = chance(20) ? kHost : (ref.find(id) && chance(80) ? ref.find(id)->member : any_member());
            std::optional<std::string> reason;
            if (chance(70)) reason = "machine serviced";
            record("cancel", engine->cancel(id, actor, reason, now), ref.cancel(id, actor, reason, now));
        } else if (op <= 33) {
            const BookingId id = any_booking();
            const Booking* b = ref.find(id);
            const MemberId actor = chance(15) ? kHost : (b && chance(85) ? b->member : any_member());
            const int slot = b && b->machine == 4 ? 30 : 15;
            const Timestamp s = b && chance(60) ? b->start + minutes{slot * pick(-4, 4)} : any_time(slot);
            const Timestamp e = s + minutes{slot * pick(1, 8)};
            record("move", engine->move(id, s, e, actor, std::string("room needed"), now),
                   ref.move(id, s, e, actor, std::string("room needed"), now));
        } else if (op <= 36) {
            BookingId id = any_booking();
            for (const auto& s : ref.sessions)
                if (chance(60)) id = s.booking;
            const Booking* b = ref.find(id);
            const int slot = b && b->machine == 4 ? 30 : 15;
            const Timestamp e = b ? Ref::up(b->end, Minutes{slot}) + minutes{slot * pick(0, 4)} : now;
            const MemberId actor = b && chance(85) ? b->member : any_member();
            record("extend", engine->extend(id, e, actor, now), ref.extend(id, e, actor, now));
        } else if (op <= 58) {
            MachineId m = any_machine();
            MemberId who = any_member();
            if (chance(50)) {  // someone whose booking is near
                for (const auto& b : ref.bookings)
                    if (b.state == BookingState::booked && b.start <= now + minutes{12} && b.end > now) {
                        m = b.machine;
                        who = b.member;
                        if (chance(50)) break;
                    }
            } else if (chance(30)) {
                for (const auto& q : ref.queue)
                    if (q.offered) {
                        m = *q.offered;
                        who = q.member;
                    }
            }
            record("access", engine->access(m, who, now), ref.access(m, who, now));
        } else if (op <= 61) {
            const MachineId m = any_machine();
            const SessionEnd why = chance(30) ? SessionEnd::fault : SessionEnd::host;
            const MemberId actor = chance(50) ? kHost : any_member();
            record("end", engine->end_session(m, actor, why, now), ref.end_session(m, actor, why, now));
        } else if (op <= 67) {
            const MemberId who = any_member();
            std::optional<MachineId> m;
            std::optional<std::string> pool;
            if (chance(50)) pool = chance(95) ? "3D printers" : "Lathes";
            else m = any_machine();
            record("join", engine->join_queue(who, QueueTarget{m, pool}, now), ref.join(who, m, pool, now));
        } else if (op <= 70) {
            MemberId who = any_member();
            std::optional<MachineId> m;
            std::optional<std::string> pool;
            if (!ref.queue.empty() && chance(80)) {
                const auto& q = ref.queue[static_cast<std::size_t>(pick(0, static_cast<int>(ref.queue.size()) - 1))];
                who = q.member;
                m = q.machine;
                pool = q.pool;
            } else {
                m = any_machine();
            }
            record("leave", engine->leave_queue(who, QueueTarget{m, pool}, now), ref.leave(who, m, pool, now));
        } else if (op <= 71) {
            const MachineId m = MachineId{pick(1, 4)};
            const MachineStatus st = chance(70) ? MachineStatus::available
                                                : (chance(50) ? MachineStatus::maintenance : MachineStatus::out_of_order);
            const MemberId actor = chance(90) ? kHost : any_member();
            record("status", engine->set_status(m, st, actor, now), ref.set_status(m, st, actor, now));
        } else if (op <= 72) {
            const MemberId who = any_member();
            const Changes got = engine->take_notices(who);
            const Changes want = ref.notices(who);
            same(got, want, "notices");
            store.apply(got);
        } else if (op <= 73 && i % 7 == 0) {
            SlotQuery q;
            q.member = kMembers[static_cast<std::size_t>(pick(0, 7))];
            if (chance(50)) q.target.pool = "3D printers";
            else q.target.machine = MachineId{pick(1, 4)};
            q.length = minutes{30 * pick(1, 4)};
            q.from = now + minutes{pick(0, 600)};
            auto got = engine->find_slots(q, now);
            REQUIRE(got);
            CHECK(*got == ref.slots(q, now));
            ++counts["slots"];
        } else if (op <= 97) {
            // Time passes: mostly minutes, sometimes hours, now and then a day or two.
            const int kind = pick(1, 100);
            const seconds step = kind <= 80 ? seconds{pick(1, 10 * 60)}
                               : kind <= 99 ? seconds{pick(10 * 60, 2 * 3600)}
                                            : seconds{pick(2 * 3600, 86400)};
            now += step;
            const Changes got = engine->tick(now);
            const Changes want = ref.tick(now);
            same(got, want, "tick");
            store.apply(got);
            invariants(ref, want);
            ++counts["tick"];
        } else {
            // Restart from the stored rows, sometimes after the station was down a while.
            if (chance(50)) now += seconds{pick(1, 3 * 3600)};
            engine = std::make_unique<Engine>(store.load(initial.hours, initial.members), zone, now);
            ref.prune(now);
            ref.dispatched_at = store.as_of;  // what a restarted engine knows of its last look
            const Changes got = engine->resume(now);
            const Changes want = ref.resume(now);
            same(got, want, "restart");
            store.apply(got);
            invariants(ref, want);
            ++counts["restart"];
        }
        if (i % 997 == 0) {
            engine->prune(now);
            ref.prune(now);
            same_state(*engine, ref);
            for (MemberId m : kMembers) quota_ok(ref, m);
        }
    }
    engine->prune(now);
    ref.prune(now);
    same_state(*engine, ref);
    for (const auto& [op, n] : counts) MESSAGE(op << ": " << n);
    MESSAGE("reached " << format_local(zone, now));
}
