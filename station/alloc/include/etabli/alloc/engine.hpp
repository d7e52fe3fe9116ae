// Engine: the real-time allocation core. It decides who may use which machine, when and for
// how long, and which power actions follow. Layer: alloc (pure and deterministic: time is an
// argument, no I/O, no clock, no threads). Owned and called by the station thread only.
//
// How the Station uses it
//   1. At start: load an EngineState from the store, build `Engine(state, zone)`, call
//      `resume(now)`, commit its Changes, then carry out its actions (power_on re-grants the
//      sessions that were running; sessions whose allowed end passed while the station was
//      down are closed at that end).
//   2. Loop: sleep until `next_deadline()` or the next event. On waking, call `tick(now)`
//      first (it takes every due deadline in time order), commit, act; then pass the event.
//      A request must not be given a `now` with a deadline still due (assert), with one
//      exception: a request may itself leave deadlines due at or before its `now` (a zero
//      offer_hold, a no_show_release of 0, a warning already in reach after an extension).
//      Further requests at that same `now` are allowed without a tick in between; they
//      decide on the state as it stands (as if they came an instant before those deadlines),
//      and the next tick() takes them, each at its own time. A later `now` needs the tick.
//   3. Each request returns either a Problem (nothing changed; the msgid names the rule and
//      its numbers) or Changes: the rows to upsert and the actions to carry out after the
//      commit. Writing a Changes in one transaction keeps the store equal to the engine, so
//      the store never has to reason about allocation. Booking requests also have
//      decide_booking(), which refuses with a compact Refusal (rule and numbers, no text):
//      explain() gives its Problem when a person is to read it. book() is exactly that pair.
//
// Ids: the engine assigns booking, session, queue-entry and series ids from IdCounters. The
// store persists the counters it receives in every Changes (`next_ids`), or recomputes them
// as MAX(id)+1 at load; either way ids are never reused. Machine ids belong to the store.
//
// Rules (those decided here rather than asked of the engine are marked "choice"):
//  * Conflicts: a booking holds [start, end + buffer_after) of its machine. Cancelled and
//    no-show bookings hold nothing.
//  * Quota: for every 7-day window, the hours a member holds on the machine (or its pool)
//    stay within the limit, counted from bookings that hold time (a walk-in session is a
//    booking too). Checked on every window that the new interval touches.
//  * Sessions: a badge at the reader ends the member's own session, or asks to start one:
//    authorised, membership valid today, machine available, then either the member's booked
//    booking of now (from `early_start` before its start; an early start moves the booking's
//    start) or a walk-in on a free machine with at least min_length before the next booking,
//    inside opening hours for members; the walk-in lasts up to max_length, the next booking
//    (minus buffer), closing time, and what the quota allows. A walk-in is recorded as an
//    active booking with walk_in = true.
//  * Timed: at allowed_until − warn_before the session is extended by one slot when that
//    slot is free, inside opening hours (members), within quota and nobody waits in the
//    machine's queue (choice); else the member is warned. At allowed_until the power goes off.
//    A booked booking not started by start + no_show_release becomes no_show.
//  * Checks between users: on a machine with a check after use, a session's end (except a
//    handover) locks it until machine_checked(); a locked machine starts nothing and is
//    offered to no queue. A handover passes a running session to the next member without a
//    cut and without the check: both are at the machine.
//  * Queue: after every change, each entry (join order) without an offer is offered the first
//    machine of its target that would grant it a walk-in now and is not held by another offer;
//    the offer holds the machine `offer_hold`, then lapses and the entry leaves the queue.
//    Re-checked on every decision, every deadline, and when a buffer after a session ends;
//    while an entry waits without an offer, also at the next opening of the workshop (the
//    first minute open after one closed, within 35 days): a queue left at closing time is
//    offered the free machine when the doors open, not at the next badge.
#pragma once

#include <etabli/alloc/interval_index.hpp>
#include <etabli/alloc/model.hpp>
#include <etabli/alloc/timers.hpp>

#include <array>
#include <cstdint>
#include <cstddef>
#include <expected>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace etabli::alloc {

using core::Problem;

struct EngineConfig {
    Minutes early_start{10};  // a booked member may start this long before the booking
    Minutes offer_hold{10};   // how long a queue offer holds a machine
};

// A refusal as the decision path produces it: the rule that said no and its numbers, with no
// text. Deciding builds no strings (most booking requests at a busy kiosk are refused, and the
// text is only needed when a person reads it); Engine::explain() turns it into the Problem the
// public entry points return (same msgid and arguments). Names (of the machine, its pool) are
// looked up when explained, so explain a refusal before the next change to the machines.
enum class Rule : std::uint8_t {
    no_machine,          // n[0] machine id
    no_member,           // n[0] member id
    not_host,            // the actor acts for someone else and is not a host
    end_before_start,    // n[0] start, n[1] end (seconds since the epoch, as every instant here)
    past,                // n[0] start
    off_grid,            // n[0] machine, n[1] the instant, n[2] slot minutes, n[3] next instant on the grid
    too_short,           // n[0] machine, n[1] length, n[2] min, n[3] max (seconds)
    too_long,            // same numbers
    too_far,             // n[0] machine, n[1] ahead days, n[2] horizon
    membership_ends,     // n[0] valid_until (days since the epoch), n[1] start
    not_authorised,      // n[0] machine
    maintenance,         // n[0] machine
    out_of_order,        // n[0] machine
    closed,              // n[0] the instant the workshop is closed at
    booked,              // n[0] machine, n[1] start, n[2] end of the first booking in the way, n[3] buffer (s)
    quota,               // n[0] machine, n[1] hours held (s), n[2] end of that 7-day window, n[3] limit (s)
};
struct Refusal {
    Rule rule = Rule::no_machine;
    std::array<std::int64_t, 4> n{};
    friend bool operator==(const Refusal&, const Refusal&) = default;
};

struct BookingRequest {
    MachineId machine = 0;
    MemberId member = 0;
    Timestamp start{};
    Timestamp end{};
    MemberId actor = 0;  // the member themselves, or a host acting for them
};

// Either one machine or any machine of a pool.
struct QueueTarget {
    std::optional<MachineId> machine;
    std::optional<std::string> pool;
};

struct SlotQuery {
    QueueTarget target;
    Minutes length{60};
    Timestamp from{};
    MemberId member = 0;  // whose authorisations, hours and quota apply; 0: when the machine is free
    std::size_t count = 3;
};
struct Slot {
    MachineId machine = 0;
    Timestamp start{};
    Timestamp end{};
    friend bool operator==(const Slot&, const Slot&) = default;
};

// One local day of one machine as a member (or a host for them) may book it: each start on
// the machine's grid with the longest booking the engine would accept from there. The
// kiosk draws its day and its lengths from this, and keeps no booking rule of its own.
struct DayQuery {
    MachineId machine = 0;
    MemberId member = 0;  // who the booking is for
    MemberId actor = 0;   // who books: the member, or a host for them (then the whole day is listed)
    core::Date day{};     // local
    friend bool operator==(const DayQuery&, const DayQuery&) = default;
};
struct DayStart {
    Timestamp start{};
    Minutes room{0};      // the longest booking accepted from here; 0: none
    bool taken = false;   // a booking, or the buffer around one, leaves no booking here
    bool closed = false;  // outside opening hours (listed for hosts only)
    friend bool operator==(const DayStart&, const DayStart&) = default;
};
struct DayPlan {
    DayQuery query;
    Minutes step{15};        // the grid: between two starts, and between two lengths offered
    Minutes min_length{15};  // the shortest length offered
    std::vector<DayStart> starts;
    bool later_days = false;  // a later day may still take a booking from this actor (the horizon)
    // Why no start of the day takes a booking, when none does and the day is not simply
    // full or past: not authorised, quota reached, membership ending, too far ahead…
    std::optional<core::Problem> why_none;
    // What the member's start at this machine now (a badge at its reader, the kiosk's Start)
    // would meet, whatever the day shown: none, it starts; otherwise the refusal access() gives.
    std::optional<core::Problem> start_refusal;
};

struct QueuePlace {
    QueueEntry entry;
    std::size_t position = 0;  // 1 = head
    std::chrono::seconds estimated_wait{0};
    std::optional<Timestamp> usable_until;  // an offered entry: how long a tap now may use the machine
};

class Engine {
public:
    // Builds the engine from stored rows at `now`. `zone` must outlive the engine. Bookings that no
    // longer matter (see EngineState) are dropped; ids counters are raised above the ids seen.
    Engine(EngineState state, const Zone& zone, Timestamp now, EngineConfig config = {});

    // After a (re)start at `now`: closes the open sessions whose allowed end has passed (at
    // that end, reason station_down, power_off), re-grants the others (power_on), then runs
    // tick(now) and offers free machines to the queues.
    Changes resume(Timestamp now);

    // The earliest time tick() has work; none when idle.
    std::optional<Timestamp> next_deadline() const;
    // Takes every deadline due at `now`, earliest first, each decided at its own time.
    Changes tick(Timestamp now);
    // Forgets the bookings no rule needs any more (as the constructor does); the Station calls
    // it once a day. Nothing to store: those rows stay in the store as they are.
    void prune(Timestamp now);

    // [SECTION] Bookings
    // book() is decide_booking() with the refusal explained: the Station's hot path may call
    // decide_booking() and explain() only the refusals it shows (one code path either way).
    std::expected<Changes, Problem> book(const BookingRequest& r, Timestamp now);
    std::expected<Changes, Refusal> decide_booking(const BookingRequest& r, Timestamp now);
    // The refusal as a person reads it (msgid and arguments; see Refusal).
    Problem explain(const Refusal& r) const;
    // A host's weekly series: the same local time every week until `until` (inclusive);
    // refused whole when one occurrence is refused (the Problem names its date).
    std::expected<Changes, Problem> book_weekly(const BookingRequest& first, core::Date until,
                                                Timestamp now);
    // Cancels a booked booking. A host cancelling another member's booking gives a reason,
    // which the member sees at their next badge-in (take_notices).
    std::expected<Changes, Problem> cancel(BookingId id, MemberId actor, std::optional<std::string> reason,
                                           Timestamp now);
    // Moves a booked booking to [start, end) under the same rules as a new one.
    std::expected<Changes, Problem> move(BookingId id, Timestamp start, Timestamp end, MemberId actor,
                                         std::optional<std::string> reason, Timestamp now);
    // Extends an active booking (a running session) to `end` (on the slot grid): the slot
    // must be free, inside hours for members, within quota. Emits renew_lease.
    std::expected<Changes, Problem> extend(BookingId id, Timestamp end, MemberId actor, Timestamp now);
    // The host notes on bookings of `member` not yet shown; marks them seen.
    Changes take_notices(MemberId member);

    // [SECTION] Sessions
    // A badge at `machine`'s reader (or the kiosk's start button): ends the member's own
    // session there, or starts one.
    // With a supervisor (checked by the Station: present, can teach the skill or a host),
    // the member may start although not authorised; the session records the supervisor.
    std::expected<Changes, Problem> access(MachineId machine, MemberId member, Timestamp now,
                                           std::optional<MemberId> supervisor = std::nullopt);
    // Why access() by `member` alone would not start a session on `machine` now; none when it
    // would. A member's own running session counts as a start (the badge stops it).
    std::optional<Problem> start_refusal(MachineId machine, MemberId member, Timestamp now) const;
    // Its member offers the running session on `machine` to the next authorised member: for
    // kHandoverWindow, that member's badge (access()) takes it over without a cut (a `handover`
    // action: a new session and walk-in booking from now; the first ends, reason handover, with
    // no check after use). Refused on a machine with a buffer between uses.
    std::expected<Changes, Problem> offer_handover(MachineId machine, MemberId actor, Timestamp now);
    // The check after use of `machine` confirmed (the Station decided the checker is at the
    // machine's level): starts are allowed again, or, not ok, it goes into maintenance with `note`.
    std::expected<Changes, Problem> machine_checked(MachineId machine, bool ok, std::optional<std::string> note,
                                                    Timestamp now);
    // The supervisor of the session on `machine` left: it runs to its allowed end and is
    // no longer extended (automatically or by extend()). Empty Changes when nothing to mark.
    Changes supervisor_left(MachineId machine, MemberId supervisor, Timestamp now);
    // A host ends the session on `machine`, or the controller reported a fault.
    std::expected<Changes, Problem> end_session(MachineId machine, MemberId actor, SessionEnd why,
                                                Timestamp now);

    // [SECTION] Queue
    std::expected<Changes, Problem> join_queue(MemberId member, const QueueTarget& target, Timestamp now);
    std::expected<Changes, Problem> leave_queue(MemberId member, const QueueTarget& target, Timestamp now);
    // The entries of `target` in order, with an estimate of the wait (each member ahead is
    // assumed to use a machine for its minimum booking length).
    std::vector<QueuePlace> queue_places(const QueueTarget& target, Timestamp now) const;

    // [SECTION] Setup (hosts, admin, member changes)
    // Adds or replaces a machine (its id chosen by the store). Status or authorisation
    // changes take effect on the next decision; a machine leaving `available` ends its session.
    std::expected<Changes, Problem> set_machine(Machine m, Timestamp now);
    std::expected<Changes, Problem> set_status(MachineId id, MachineStatus s, MemberId actor, Timestamp now);
    std::expected<Changes, Problem> authorise(MachineId id, MemberId member, bool allowed, MemberId actor,
                                              Timestamp now);
    // Who may use machine `id` now, derived by the Station from skill grants, lapse and
    // the machine's requirement. Replaces Machine::authorised and its bitmap in memory only:
    // nothing to store (machines persist their requirement, not the list). Unknown id: ignored.
    void set_authorised(MachineId id, std::vector<MemberId> members);
    void set_hours(OpeningHours h);
    void upsert_member(const MemberInfo& m);

    // [SECTION] Queries
    // The earliest free slots of `length` from `from` (rounded up to the grid) within each
    // machine's booking horizon, inside opening hours, respecting buffers, authorisation and
    // the member's quota; non-overlapping per machine; best = earliest start, then machine id.
    std::expected<std::vector<Slot>, Problem> find_slots(const SlotQuery& q, Timestamp now) const;
    // The starts of one local day and the room each leaves (DayPlan), decided by the same
    // checks as book(): for any start, a booking of any length offered up to its room is
    // accepted, and one a step longer is refused.
    std::expected<DayPlan, Problem> plan_day(const DayQuery& q, Timestamp now) const;
    // True when [s, e) lies inside opening hours.
    bool inside_hours(Timestamp s, Timestamp e) const;
    const Machine* machine(MachineId id) const;
    const std::map<MachineId, Machine>& machines() const { return m_machines; }  // every machine, by id
    const Booking* booking(BookingId id) const;
    const Session* session_on(MachineId m) const;
    std::vector<Booking> bookings_on(MachineId m, Timestamp from, Timestamp to) const;
    std::vector<Booking> bookings_of(MemberId m, Timestamp from) const;
    // The rows the store would load to rebuild this engine (for checks and tests).
    EngineState snapshot() const;
    const IdCounters& next_ids() const { return m_ids; }
    // Cheap views for the Station's snapshots (snapshot() copies every row).
    const OpeningHours& hours() const { return m_hours; }
    const std::map<QueueEntryId, QueueEntry>& queue() const { return m_queue; }
    std::size_t booking_count() const { return m_bookings.size(); }

private:
    // What the hot checks need of a booking that holds time, kept in the indexes themselves so
    // that a conflict or quota scan never leaves the index for the booking table (a hash
    // lookup, and a cache miss, per step). Ordered by (start, id).
    struct Held {
        Timestamp start{};
        BookingId id = 0;
        Timestamp end{};
        MachineId machine = 0;
        MemberId member = 0;
        BookingState state = BookingState::booked;
        bool operator<(const Held& o) const { return start < o.start || (start == o.start && id < o.id); }
    };
    // Bookings that hold time, in (start, id) order (interval_index.hpp says why chunks).
    using Index = IntervalIndex<Held>;
    // The hot lookups by id (machine, member, their indexes). Store ids are row ids, dense from
    // 1, so an array of pointers answers in one access what a hash map answers with a division
    // and a bucket walk (a fifth of a booking decision, measured). The pointers point into the
    // node-based maps, whose elements never move; an id the array does not cover (sparse ids,
    // or absent) gives nullptr and the caller asks the map.
    // A copied engine starts with empty tables (they would point into the original's maps)
    // and answers from its maps until ids are set again; a move keeps them (the nodes move).
    template <class T>
    class ById {
    public:
        ById() = default;
        ById(const ById&) {}
        ById& operator=(const ById&) {
            m_v.clear();
            return *this;
        }
        ById(ById&&) noexcept = default;
        ById& operator=(ById&&) noexcept = default;
        T* get(std::int64_t id) const {
            return id >= 0 && static_cast<std::uint64_t>(id) < m_v.size() ? m_v[static_cast<std::size_t>(id)] : nullptr;
        }
        // Covers ids up to a few times `population` (plus 4096): beyond that, the map alone.
        void set(std::int64_t id, T* p, std::size_t population) {
            if (id < 0) return;
            const auto u = static_cast<std::size_t>(id);
            if (u >= m_v.size()) {
                if (!p || u >= 4 * population + 4096) return;
                m_v.resize(u + 1, nullptr);
            }
            m_v[u] = p;
        }

    private:
        std::vector<T*> m_v;
    };

    // What a booking check needs of a member, packed in 8 bytes and stored by id: the array
    // of 20,000 members stays in cache, where following a pointer to a hash node missed the
    // cache on almost every request (measured: a third of a refused booking's time).
    struct MemberHot {
        std::int32_t valid_until = 0;  // days since the epoch, when has_valid_until
        core::Role role = core::Role::member;
        bool known = false;
        bool has_valid_until = false;
    };

    struct Window {
        Timestamp from, to;
    };
    using Check = std::optional<Refusal>;  // none = allowed

    // checks (no text: see Refusal)
    Check conflict(const Machine& mc, Timestamp s, Timestamp e, std::optional<BookingId> ignore) const;
    const Held* first_conflict(const Machine& mc, Timestamp s, Timestamp e, std::optional<BookingId> ignore) const;
    Check over_quota(const Machine& mc, MemberId member, Timestamp s, Timestamp e,
                     std::optional<BookingId> ignore) const;
    Check outside_hours(Timestamp s, Timestamp e) const;
    std::expected<Timestamp, Refusal> walk_in_end(const Machine& mc, const MemberInfo& member, Timestamp now,
                                                  std::optional<BookingId> ignore = std::nullopt) const;
    Check check_request(const BookingRequest& r, Timestamp now, std::optional<BookingId> ignore) const;
    // access()'s checks, shared with start_refusal(): who may use the machine at all, the
    // member's own booking of now (from early_start before it), and the end of the session
    // a start would open (that booking's end, or a walk-in's) on a machine with no session.
    std::optional<Problem> use_refusal(const Machine& mc, const MemberInfo& member, Timestamp now,
                                       bool supervised) const;
    const Booking* booking_now(MachineId machine, MemberId member, Timestamp now) const;
    std::expected<Timestamp, Problem> start_end(const Machine& mc, const MemberInfo& member, const Booking* mine,
                                                Timestamp now) const;
    const std::vector<Window>& windows_of(core::Date d) const;
    const std::vector<Window>& runs_of(long utc_day) const;
    // The end of the opening run that contains t (adjacent windows joined), looking no further
    // than `enough`; none when closed at t.
    std::optional<Timestamp> run_end(Timestamp t, Timestamp enough) const;
    std::optional<Timestamp> next_open(Timestamp t) const;
    // The first instant after `t`, within kOpeningHorizon, at which the workshop opens:
    // open then, closed the minute before. See the queue rule above.
    std::optional<Timestamp> opening_after(Timestamp t) const;
    bool open_at(Timestamp t) const;
    // Schedules (or cancels) the "open" deadline from m_offers_at: see dispatch_offers().
    void arm_opening();
    std::vector<MachineId> machines_of(const QueueTarget& t) const;
    bool is_authorised(const Machine& mc, MemberId m) const;
    const MemberInfo* member_info(MemberId id) const;
    MemberHot member_hot(MemberId id) const;  // known = false: no such member
    const Index& machine_index(MachineId id) const;   // the machine exists
    using MemberHeld = std::vector<Held>;  // one member's bookings that hold time, in order
    const MemberHeld* member_index(MemberId id) const;  // none: the member holds no time
    MemberHeld& member_held(MemberId id);
    void index_machine(const Machine& mc);  // after any change to mc.authorised
    std::string scope_name(const Machine& mc) const;
    std::string machine_name(std::int64_t id) const;

    // mutations
    void index_add(const Booking& b);
    void index_remove(const Booking& b);
    std::expected<Booking, Problem> changeable(BookingId id, MemberId actor,
                                               const std::optional<std::string>& reason) const;
    Changes apply_change(Booking b, MemberId actor, std::optional<std::string> reason, Timestamp now);
    void put_booking(Booking b, Changes& out);  // stores, re-indexes, records the row
    void close_session(SessionId id, Timestamp at, SessionEnd why, Changes& out);
    void start_session(const Machine& mc, MemberId member, BookingId booking, Timestamp now,
                       Timestamp until, Changes& out);
    void arm_session(const Session& s);
    void arm_booking(const Booking& b);
    void remove_entry(QueueEntryId id, Changes& out);
    void dispatch_offers(Timestamp now, Changes& out);
    void run_deadline(std::string_view kind, std::int64_t id, Timestamp at, Changes& out);
    Changes done(Changes c) const;
    void expect_now(Timestamp now);

    const Zone* m_zone;
    EngineConfig m_config;
    std::map<MachineId, Machine> m_machines;
    std::unordered_map<MemberId, MemberInfo> m_members;
    OpeningHours m_hours;
    mutable std::unordered_map<long, std::vector<Window>> m_window_cache;
    mutable std::vector<std::optional<std::vector<Window>>> m_window_days;  // from m_window_base on
    mutable long m_window_base = 0;
    mutable std::unordered_map<long, std::vector<Window>> m_run_cache;  // see runs_of()
    mutable std::vector<std::optional<std::vector<Window>>> m_run_days;   // from m_run_base on
    mutable long m_run_base = 0;
    std::unordered_map<BookingId, Booking> m_bookings;
    std::unordered_map<MachineId, Index> m_by_machine;  // bookings that hold time
    std::vector<MemberHeld> m_member_held;  // same, per member (quota), by id (see member_index)
    std::unordered_map<MemberId, MemberHeld> m_member_held_sparse;  // ids past m_member_held
    // Machine::authorised as a bitmap over the low member ids (see is_authorised).
    std::unordered_map<MachineId, std::vector<std::uint64_t>> m_authorised_bits;
    // Fast paths into the maps above (see ById).
    ById<const Machine> m_fast_machine;
    ById<const MemberInfo> m_fast_member;
    std::vector<MemberHot> m_member_hot;  // by id, for the ids ById covers
    ById<Index> m_fast_machine_index;
    ById<const std::vector<std::uint64_t>> m_fast_bits;
    std::map<SessionId, Session> m_sessions;             // open sessions
    std::unordered_map<MachineId, SessionId> m_session_on;
    std::map<QueueEntryId, QueueEntry> m_queue;          // id order = join order
    std::set<BookingId> m_notices;                       // host notes not yet shown
    Deadlines m_deadlines;
    // The no-show release of each booked booking, by booking id (the "noshow:<id>" deadlines,
    // taken in one order with m_deadlines: see tick()).
    NumberedDeadlines m_noshows;
    IdCounters m_ids;
    Timestamp m_now{};
    Timestamp m_offers_at{};    // when dispatch_offers() last looked at the queue
    bool m_open_armed = false;  // the "open" deadline is scheduled
    Timestamp m_as_of{};  // the time of the last decision before this engine was built
    // The last time at which nothing was due (a tick, or a request that found nothing due):
    // every deadline due at or before it since then was left by a request at that very time.
    // Only the asserts read it (see expect_now).
    std::optional<Timestamp> m_settled;
};

}  // namespace etabli::alloc
