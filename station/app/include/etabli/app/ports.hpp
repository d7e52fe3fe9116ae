// Ports: the interfaces the Station needs from the outside world. `db` implements Store,
// `hw` implements readers, main/tests provide a Clock.
// Layer: app. Threads: every Store member is called on the station thread only (the CLI's
// direct use before a Station exists is the one exception: open/migrate on the main thread).
#pragma once

#include <etabli/alloc/model.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/member_import.hpp>
#include <etabli/core/presence.hpp>

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

using core::Problem;
using core::Timestamp;

// The wall clock, made replaceable for tests. now() may be called from any thread.
class Clock {
public:
    virtual ~Clock() = default;
    virtual Timestamp now() const = 0;
};

// Local calendar of the workshop: the day of an instant and the first instant of a day.
// Implemented with the configured time zone (DST-safe) by `db`'s neighbour in main, or by
// a fixed offset in tests.
class Calendar {
public:
    virtual ~Calendar() = default;
    virtual core::Date local_day(Timestamp t) const = 0;
    virtual Timestamp day_start(core::Date d) const = 0;
    // "HH:MM" in local time, for display.
    virtual std::string local_hhmm(Timestamp t) const = 0;
    // The same time zone as the allocation engine sees it (opening hours, DST).
    virtual const alloc::Zone& zone() const = 0;
};

// Machine controllers (#4 implements it over USB): carries out the engine's power actions
// after they were committed. Called on the station thread; must not block (queue and return).
class MachineControl {
public:
    virtual ~MachineControl() = default;
    virtual void apply(const alloc::Action& a) = 0;
};

// Everything the station keeps in memory, as loaded at start.
struct StationData {
    std::vector<core::Member> members;
    std::vector<core::Badge> badges;
    std::vector<core::Presence> open_presence;  // checked_out empty
};

struct ImportSummary {
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
};

// Durable storage. Each call is one use case and one transaction: it either commits whole
// and returns the stored result, or changes nothing and returns a Problem ("storage error:
// …"). Every state change also appends to the event log in the same transaction.
// `actor` is the member who acted at the kiosk, empty for the command line.
class Store {
public:
    virtual ~Store() = default;

    virtual std::expected<StationData, Problem> load() = 0;

    virtual std::expected<core::Member, Problem> add_member(const core::MemberDraft& d,
                                                            std::optional<core::MemberId> actor,
                                                            Timestamp at) = 0;
    virtual std::expected<core::Member, Problem> set_member_lang(core::MemberId id, core::Lang lang,
                                                                 Timestamp at) = 0;
    // Creates the badge, or re-activates a revoked/lost one for `member`.
    virtual std::expected<core::Badge, Problem> add_badge(const std::string& uid, core::MemberId member,
                                                          std::optional<core::MemberId> actor,
                                                          Timestamp at) = 0;
    virtual std::expected<core::Badge, Problem> set_badge_status(const std::string& uid,
                                                                 core::BadgeStatus status,
                                                                 std::optional<core::MemberId> actor,
                                                                 Timestamp at) = 0;
    // Closes `stale` (if any) at `stale_close_at`, then opens a presence.
    virtual std::expected<core::Presence, Problem> check_in(core::MemberId member, const std::string& uid,
                                                            std::optional<core::PresenceId> stale,
                                                            Timestamp stale_close_at, Timestamp at) = 0;
    virtual std::expected<core::Presence, Problem> check_out(core::PresenceId presence,
                                                             const std::string& uid, Timestamp at) = 0;
    // Closes presences left open from an earlier day, each at `close_at` (end of its day).
    virtual std::expected<std::size_t, Problem> close_stale(const std::vector<core::PresenceId>& ids,
                                                            Timestamp close_at) = 0;
    // A refused tap is not a state change but hosts want to see them: appended to the log.
    virtual std::expected<void, Problem> log_refusal(const std::string& uid, core::TapKind why,
                                                     Timestamp at) = 0;
    // Adds or updates members by core::import_identity; rows identical to what is stored
    // count as unchanged and write nothing. One transaction for the whole file.
    virtual std::expected<ImportSummary, Problem> import_members(const std::vector<core::ImportRow>& rows,
                                                                 Timestamp at) = 0;

    // [Allocation (#3)]
    // Everything the allocation engine is built from (see alloc::EngineState): all machines
    // with their authorisations, the opening hours, members (id, role, validity), the
    // bookings that are booked or active plus those that ended after `now` - 8 days, the
    // open sessions, the queue, the id counters and the last stored decision time.
    virtual std::expected<alloc::EngineState, Problem> load_alloc(Timestamp now) = 0;
    // Writes one engine decision in one transaction: upserts machines (with their
    // authorisation lists), bookings, sessions and queue entries by id (in order, the last
    // row of an id wins), deletes `queue_removed`, stores `next_ids` and `as_of`, and appends
    // one event per changed row (e.g. booking.booked, booking.cancelled, session.started,
    // session.ended, queue.joined, machine.status…). `actor` as in the other calls.
    virtual std::expected<void, Problem> commit_alloc(const alloc::Changes& c, std::optional<core::MemberId> actor,
                                                      Timestamp at) = 0;
    // Replaces the opening hours (weekly schedule and exceptions) in one transaction.
    virtual std::expected<void, Problem> save_hours(const alloc::OpeningHours& h, std::optional<core::MemberId> actor,
                                                    Timestamp at) = 0;
    // Usage history: sessions that started in [from, to), with their machine and member,
    // most recent first (at most `limit`).
    virtual std::expected<std::vector<alloc::Session>, Problem> sessions_between(Timestamp from, Timestamp to,
                                                                                 std::size_t limit) = 0;
};

}  // namespace etabli::app
