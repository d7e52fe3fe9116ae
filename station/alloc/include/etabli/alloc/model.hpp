// The data of the allocation core: machines and their rules, opening hours, bookings,
// machine sessions, walk-in queue entries, and the actions the Station carries out.
// Layer: alloc (pure: plain values, no I/O, no clock). Any thread (values only).
//
// Every struct here is a plain record the store can persist as one row, and the Engine
// (engine.hpp) is rebuilt from a vector of each at start. Times are UTC instants
// (core::Timestamp); local time only enters through the Zone interface below, which the
// caller implements with the time-zone database (the alloc layer has none).
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::alloc {

using core::MemberId;
using core::Timestamp;
using MachineId = std::int64_t;
using BookingId = std::int64_t;
using SessionId = std::int64_t;
using QueueEntryId = std::int64_t;
using SeriesId = std::int64_t;
using Minutes = std::chrono::minutes;

// [SECTION] Local time

// Local wall-clock time of the workshop. Implemented by the caller (howardhinnant-date in
// the cli layer; a fake Paris zone in the tests). Pure and deterministic; called on the
// station thread only.
struct LocalResolution {
    enum class Kind { unique, nonexistent, ambiguous };
    Kind kind = Kind::unique;
    // unique: the instant. ambiguous: `first` the earlier, `second` the later instant.
    // nonexistent: both are the instant the clocks jumped over the local time (the end of
    // the gap, e.g. 01:00 UTC for 02:30 on the spring day in Paris).
    Timestamp first{};
    Timestamp second{};
};

class Zone {
public:
    virtual ~Zone() = default;
    // Local time minus UTC at the instant `t`.
    virtual std::chrono::seconds offset(Timestamp t) const = 0;
    // The instants whose local time is `local`.
    virtual LocalResolution resolve(std::chrono::local_seconds local) const = 0;

    std::chrono::local_seconds to_local(Timestamp t) const {
        return std::chrono::local_seconds{t.time_since_epoch() + offset(t)};
    }
    core::Date local_day(Timestamp t) const {
        return core::Date{std::chrono::floor<std::chrono::days>(to_local(t))};
    }
};

// Which instant a local time that exists twice (the autumn hour) means. The default is the
// earlier one, and refusals and confirmations show the instant with its UTC offset.
enum class Fold { earlier, later };

// A local time as typed by a person, turned into an instant. A time that does not exist
// (the spring gap) is refused with a Problem naming the gap.
std::expected<Timestamp, core::Problem> local_to_utc(const Zone& zone, std::chrono::local_seconds local,
                                                     Fold fold = Fold::earlier);

// "2026-12-01 14:00" in local time; "2026-10-25 02:30 (UTC+2)" when that local time exists
// twice, so a person can tell the two apart.
std::string format_local(const Zone& zone, Timestamp t);
// "2 h", "1 h 30", "45 min".
std::string format_duration(std::chrono::seconds d);

// [SECTION] Machines

enum class MachineStatus { available, maintenance, out_of_order };
std::string_view to_string(MachineStatus s);
std::optional<MachineStatus> machine_status_from_string(std::string_view);

// What the controller does when the station disappears (hw sends it to the board).
struct HostLossPolicy {
    enum class Kind { cut, grace, until_idle };
    Kind kind = Kind::cut;
    std::chrono::seconds seconds{0};  // grace: the grace; until_idle: the hard maximum
};

enum class QuotaScope { machine, pool };

// Who must confirm that a machine was checked (cleaned, nothing broken) after each use before
// anyone starts it again: nobody (no check), a member who may use it, a trainer of its skill
// or a host, a host. The Station decides who is at the level; the engine keeps the lock.
enum class CheckLevel { none, user, trainer, host };
std::string_view to_string(CheckLevel l);
std::optional<CheckLevel> check_level_from_string(std::string_view);

// How long after its member offered to hand a running session over another authorised member
// may take it by badging at the machine, without the power going off.
inline constexpr std::chrono::seconds kHandoverWindow{60};

struct MachineRules {
    Minutes slot{15};          // bookings start and end on this grid (UTC epoch-aligned)
    Minutes min_length{15};
    Minutes max_length{120};
    Minutes buffer_after{0};   // cleaning, cooling: nobody may start before it has passed
    int ahead_days = 14;       // how far ahead members may book (hosts: unlimited)
    std::optional<Minutes> quota_per_week;  // per member, per rolling 7 days
    QuotaScope quota_scope = QuotaScope::machine;  // pool: summed over the machine's pool
    Minutes no_show_release{15};
    Minutes warn_before{5};
    std::chrono::seconds grace_after{0};  // carried to the controller, not used here
    HostLossPolicy host_loss{};
    bool pin_required = false;  // the member's PIN at the kiosk too; the machine's reader alone refuses
    CheckLevel check_after_use = CheckLevel::none;  // who confirms the check after each use
};

struct Machine {
    MachineId id = 0;
    std::string name;
    std::string kind;
    std::optional<std::string> pool;
    MachineStatus status = MachineStatus::available;
    std::vector<MemberId> authorised;  // kept sorted
    MachineRules rules{};
    // A use ended and the check after use (rules.check_after_use) is not confirmed yet: nobody
    // may start it. Set when a session closes, cleared by Engine::machine_checked().
    bool awaiting_check = false;
    // What the last check found wrong (the machine went into maintenance), for the hosts.
    std::optional<std::string> check_note;
    // Its photo: a file name relative to the photos folder (core::normalize_photo_path).
    std::optional<std::string> photo;
};

// [SECTION] Opening hours

// [from, to) in minutes after local midnight; to may be 1440 (midnight, end of day).
struct DayWindow {
    int from = 0;
    int to = 0;
    friend bool operator==(const DayWindow&, const DayWindow&) = default;
};

struct OpeningHours {
    // Indexed by weekday, c_encoding: 0 = Sunday … 6 = Saturday.
    std::array<std::vector<DayWindow>, 7> weekly{};
    // A day listed here replaces the weekly schedule: an empty list closes the day.
    std::map<core::Date, std::vector<DayWindow>> exceptions;

    const std::vector<DayWindow>& of(core::Date d) const;
};

// [SECTION] Bookings, sessions, queue

enum class BookingState { booked, active, completed, no_show, cancelled };
std::string_view to_string(BookingState s);
// True for the states that hold the machine (booked, active, completed).
inline bool occupies(BookingState s) {
    return s == BookingState::booked || s == BookingState::active || s == BookingState::completed;
}

struct Booking {
    BookingId id = 0;
    MachineId machine = 0;
    MemberId member = 0;
    // While active, `end` is the session's allowed end; once completed, the actual times
    // (an early start moves `start`, ending early or an extension moves `end`).
    Timestamp start{};
    Timestamp end{};
    BookingState state = BookingState::booked;
    MemberId created_by = 0;  // the member, or the host who booked for them
    bool walk_in = false;     // made by a badge at a free machine, not in advance
    std::optional<SeriesId> series;  // a host's weekly recurring booking
    Timestamp created_at{};
    // A host cancelled or moved it: the reason, shown to the member at the next badge-in
    // until `notice_seen` turns true.
    std::optional<std::string> host_note;
    bool notice_seen = false;
    friend bool operator==(const Booking&, const Booking&) = default;
};

enum class SessionEnd { badge, host, allowed_end, fault, station_down, handover };
std::string_view to_string(SessionEnd e);

struct Session {
    SessionId id = 0;
    MachineId machine = 0;
    MemberId member = 0;
    BookingId booking = 0;  // every session runs inside a booking (walk-ins get one)
    Timestamp started{};
    Timestamp allowed_until{};
    std::optional<Timestamp> ended;
    std::optional<SessionEnd> end_reason;
    bool warned = false;
    // Supervised use: the member who can teach the skill (or the host) who confirmed
    // with their own badge. Once they left, the session runs to its allowed end, no further.
    std::optional<MemberId> supervisor;
    bool supervisor_left = false;
    // Its member offered to hand it over: until then, another authorised member's badge at the
    // machine takes it (Engine::offer_handover).
    std::optional<Timestamp> handover_until;
    friend bool operator==(const Session&, const Session&) = default;
};

// A walk-in queue entry: for one machine, or for any machine of a pool.
struct QueueEntry {
    QueueEntryId id = 0;
    MemberId member = 0;
    std::optional<MachineId> machine;  // exactly one of machine / pool is set
    std::optional<std::string> pool;
    Timestamp joined{};
    std::optional<MachineId> offered;  // the machine held for this member…
    std::optional<Timestamp> offer_expires;  // …until then
    friend bool operator==(const QueueEntry&, const QueueEntry&) = default;
};

// What the Station must do after committing a decision.
struct Action {
    enum class Kind {
        power_on,        // grant the machine's channel until `until`
        renew_lease,     // the allowed end moved (automatic extension): lease until `until`
        warn,            // tell the member the session ends at `until`
        power_off,       // the session ended: cut the channel
        release_no_show, // the booking was not started in time: the machine is free
        offer,           // the queue head may take `machine` until `until`
        expire_offer,    // the offer lapsed; the entry left the queue
        handover,        // the running session passed to `member` (session, until): grant it, the power stays on
    };
    Kind kind = Kind::power_on;
    MachineId machine = 0;
    MemberId member = 0;
    Timestamp at{};  // when it was decided (the deadline's time for timed actions)
    Timestamp until{};
    std::optional<SessionId> session;
    std::optional<BookingId> booking;
    std::optional<QueueEntryId> queue_entry;
    friend bool operator==(const Action&, const Action&) = default;
};
std::string_view to_string(Action::Kind k);

// The identity counters. The engine hands out ids itself (so a decision is complete before
// it is committed); the store keeps them as MAX(id)+1 of each table (or persists them) and
// passes them back at start. Ids are never reused.
struct IdCounters {
    BookingId booking = 1;
    SessionId session = 1;
    QueueEntryId queue_entry = 1;
    SeriesId series = 1;
    friend bool operator==(const IdCounters&, const IdCounters&) = default;
};

// The outcome of one decision: the rows to write (upserts by id, applied in order: a row
// may appear more than once, the last one wins) and the actions to carry out after the
// commit, in order. Writing all of it in one transaction
// keeps the store equal to the engine.
struct Changes {
    std::vector<Machine> machines;         // host edits (status, authorisations)
    std::vector<Booking> bookings;
    std::vector<Session> sessions;
    std::vector<QueueEntry> queue;         // upserts
    std::vector<QueueEntryId> queue_removed;
    std::vector<Action> actions;
    IdCounters next_ids{};                 // the counters after this decision
    // When it was decided. The store keeps the latest and gives it back at start
    // (EngineState::as_of): the engine then knows which short waits (the buffer after a
    // session, before the machine is offered to the queue) were still running.
    Timestamp as_of{};

    bool empty() const {
        return machines.empty() && bookings.empty() && sessions.empty() && queue.empty() && queue_removed.empty() &&
               actions.empty();
    }
    void append(Changes&& other);
};

// What the engine needs of a member.
struct MemberInfo {
    MemberId id = 0;
    core::Role role = core::Role::member;
    std::optional<core::Date> valid_until;
    static MemberInfo of(const core::Member& m) { return MemberInfo{m.id, m.role, m.valid_until}; }
};

// Everything the engine is built from, as loaded from the store (and as snapshot() returns).
struct EngineState {
    std::vector<Machine> machines;
    OpeningHours hours;
    std::vector<MemberInfo> members;
    // Bookings that may still matter: every booked or active one, and the others that
    // ended less than 8 days ago (the quota looks 7 days back). Older rows are dropped.
    std::vector<Booking> bookings;
    std::vector<Session> sessions;  // the open ones (ended empty); closed ones are ignored
    std::vector<QueueEntry> queue;
    IdCounters next_ids{};  // raised to above the largest id given if lower
    std::optional<Timestamp> as_of;  // the last Changes::as_of stored; none = as of start
};

}  // namespace etabli::alloc
