// Ports: the interfaces the Station needs from the outside world. `db` implements Store,
// `hw` implements readers, main/tests provide a Clock.
// Layer: app. Threads: every Store member is called on the station thread only (the CLI's
// direct use before a Station exists is the one exception: open/migrate on the main thread).
#pragma once

#include <etabli/alloc/model.hpp>
#include <etabli/app/bikes.hpp>
#include <etabli/app/know.hpp>
#include <etabli/app/mail.hpp>
#include <etabli/app/money.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/member_import.hpp>
#include <etabli/core/presence.hpp>
#include <etabli/core/tools.hpp>
#include <etabli/core/repair.hpp>
#include <etabli/core/volunteer_hours.hpp>
#include <etabli/core/year_report.hpp>
#include <etabli/app/skills_view.hpp>
#include <etabli/app/views.hpp>

#include <expected>
#include <functional>
#include <filesystem>
#include <string_view>
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

// Machine controllers (hw implements it over USB): carries out the engine's power actions
// after they were committed. Called on the station thread; must not block (queue and return).
class MachineControl {
public:
    virtual ~MachineControl() = default;
    virtual void apply(const alloc::Action& a) = 0;
    // A host cleared a latched feedback fault on `machine`: tell its controller. Same thread
    // and rules as apply().
    virtual void clear_fault(alloc::MachineId machine) { (void)machine; }
    // The machines as they are now (names map to controller channels, rules give the
    // host-loss policy): all of them at start, before the first apply(), then each changed one.
    virtual void machines_changed(const std::vector<alloc::Machine>& machines) { (void)machines; }
};

// Everything the station keeps in memory, as loaded at start.
struct StationData {
    std::vector<core::Member> members;
    std::vector<core::Badge> badges;
    std::vector<core::Presence> open_presence;  // checked_out empty
};

struct MemberWithBadge {
    core::Member member;
    core::Badge badge;
};

struct ImportSummary {
    std::size_t added = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
};

// [Tool library] What the station keeps of the tool library, as loaded at start.
struct ToolData {
    std::vector<core::Tool> tools;
    std::vector<core::Loan> open_loans;              // not returned
    std::vector<core::Reservation> reservations;     // live: waiting or held
    core::LoanId max_loan_id = 0;                    // the largest stored id, history included
    core::ReservationId max_reservation_id = 0;
    core::ToolId max_tool_id = 0;                    // new tools are numbered above it
};
// One event of the log, named by the station (kind "loan.lent", subject "loan:12"): the
// detail holds ids, states and days only.
struct ToolEvent {
    std::string kind;
    std::string subject;
    std::vector<std::pair<std::string, std::string>> detail;
};
// One tool-library use case (a checkout basket, a return, a renewal, a reservation, an
// import…): rows to upsert by id, and the events to append.
struct ToolChanges {
    std::vector<core::Tool> tools;
    std::vector<core::Loan> loans;
    std::vector<core::Reservation> reservations;
    std::vector<ToolEvent> events;
};

// Retention (RGPD): what `etabli privacy purge` and the nightly purge do.
struct PurgeRequest {
    Timestamp now{};
    Timestamp presences_before{};      // raw presences that began before this become daily totals
    core::Date erase_ended_before{};   // members whose membership ended before this day are erased
    // The new riders of bikes that left: their data goes when the bike was declared to its
    // marking operator before this time, or, never declared, when it left before this day.
    Timestamp buyers_declared_before{};
    core::Date buyers_left_before{};
    bool dry_run = true;               // everything computed, then rolled back
    const Calendar* calendar = nullptr;
    std::function<std::optional<Timestamp>(Timestamp)> closing_of;  // a day's closing time (forgotten check-outs)
};
struct PurgeSummary {
    bool dry_run = true;
    std::int64_t presences = 0;    // raw presence rows reduced
    std::int64_t daily_rows = 0;   // the daily totals they became
    std::vector<std::pair<core::MemberId, std::string>> erased;   // id, name before
    std::vector<std::pair<core::MemberId, Problem>> kept;         // ended long ago, but not erased: why
    std::int64_t buyers = 0;       // new riders of bikes whose data was purged
};

// What replaying the offline journal did (Store::replay_journal).
struct JournalReplay {
    std::size_t replayed = 0;  // taps written to the database now
    std::size_t already = 0;   // found replayed before (their mark lost): nothing written
};

// Durable storage. Each call is one use case and one transaction: it either commits whole
// and returns the stored result, or changes nothing and returns a Problem ("storage error:
// …"). Every state change also appends to the event log in the same transaction.
// `actor` is the member who acted at the kiosk, empty for the command line.
class Store {
public:
    virtual ~Store() = default;

    // One use case, one transaction: every call `body` makes commits into one outer
    // transaction, committed when it succeeds and rolled back whole when it fails. The
    // default (fakes) just runs it.
    virtual std::expected<void, Problem> atomically(const std::function<std::expected<void, Problem>()>& body) { return body(); }

    virtual std::expected<StationData, Problem> load() = 0;

    // Appends a row to the audit trail, in the transaction under way when there is one
    // (atomically): the action and its row commit together. The default (fakes) keeps nothing.
    virtual std::expected<void, Problem> append_audit(const AuditEntry&) { return {}; }
    // Erases a member (RGPD): see db/privacy.hpp. The default (fakes) refuses.
    virtual std::expected<void, Problem> erase_member(core::MemberId, std::optional<core::MemberId> actor, Timestamp at) {
        (void)actor;
        (void)at;
        return std::unexpected(core::problem("This station cannot erase members"));
    }
    // Retention: see PurgeRequest. One transaction (rolled back for a dry run).
    virtual std::expected<PurgeSummary, Problem> purge_personal_data(const PurgeRequest&) {
        return std::unexpected(core::problem("This station cannot purge personal data"));
    }
    // After an erasure committed: the file rewritten without free pages, the WAL emptied.
    virtual std::expected<void, Problem> scrub() { return {}; }
    // Everything stored about a member (db/privacy.hpp member_data). The default (fakes): nothing.
    virtual std::expected<std::vector<MemberDataSection>, Problem> member_data(core::MemberId) {
        return std::vector<MemberDataSection>{};
    }
    // The latest `limit` rows of the audit trail (of `who` when given), newest first.
    virtual std::expected<std::vector<AuditEntry>, Problem> recent_audit(std::optional<core::MemberId> who, std::size_t limit) {
        (void)who;
        (void)limit;
        return std::vector<AuditEntry>{};
    }
    // PINs (db/pin.hpp): every member with a PIN row, at start. The defaults (fakes)
    // keep none: hosts of a fake store never open a host session at a kiosk.
    virtual std::expected<std::vector<PinState>, Problem> load_pins() { return std::vector<PinState>{}; }
    // One try of `pin`: the failures, a lockout and its delay are stored in the same
    // transaction, so a restart gives no new tries.
    virtual std::expected<PinCheck, Problem> check_pin(core::MemberId, const std::string& pin, Timestamp at) {
        (void)pin;
        (void)at;
        return std::unexpected(core::problem("This station keeps no PINs"));
    }
    // A new PIN (its form checked: 4 to 8 digits), the lockout cleared.
    virtual std::expected<PinState, Problem> set_pin(core::MemberId, const std::string& pin, std::optional<core::MemberId> actor, Timestamp at) {
        (void)pin;
        (void)actor;
        (void)at;
        return std::unexpected(core::problem("This station keeps no PINs"));
    }
    // An admin unlocks a member's PIN (`forget` false), or forgets it (the member chooses a
    // new one at their next host action).
    virtual std::expected<PinState, Problem> reset_pin(core::MemberId, bool forget, std::optional<core::MemberId> actor, Timestamp at) {
        (void)forget;
        (void)actor;
        (void)at;
        return std::unexpected(core::problem("This station keeps no PINs"));
    }

    virtual std::expected<core::Member, Problem> add_member(const core::MemberDraft& d,
                                                            std::optional<core::MemberId> actor,
                                                            Timestamp at) = 0;
    virtual std::expected<core::Member, Problem> set_member_lang(core::MemberId id, core::Lang lang,
                                                                 Timestamp at) = 0;
    // Writes every field of `d` to member `id` and logs which fields changed (names only, no
    // personal data). An e-mail used by another member is refused and changes nothing.
    virtual std::expected<core::Member, Problem> update_member(core::MemberId id, const core::MemberDraft& d,
                                                               std::optional<core::MemberId> actor, Timestamp at) = 0;
    // Creates the badge, or re-activates a revoked/lost one for `member`.
    virtual std::expected<core::Badge, Problem> add_badge(const std::string& uid, core::MemberId member,
                                                          std::optional<core::MemberId> actor,
                                                          Timestamp at) = 0;
    // A new member and their badge, in one transaction: both or neither.
    virtual std::expected<MemberWithBadge, Problem> add_member_with_badge(const core::MemberDraft& d, const std::string& uid,
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

    // [Offline] Several stations on one PostgreSQL database, out of reach: whether the last
    // failure was the link (the network, the server down). The station then decides badge-ins
    // and badge-outs alone and journals them here, beside the station (a presence it returns
    // has a provisional id below zero, which a later journaled check-out may name), and
    // replays the journal once, in order, when the link is back: a tap already replayed is
    // never replayed again, even from a journal that lost its mark. A store of one station
    // (SQLite) is never offline and keeps no journal: the defaults.
    virtual bool link_down() const { return false; }
    virtual std::expected<core::Presence, Problem> journal_check_in(core::MemberId /*member*/, const std::string& /*uid*/,
                                                                    std::optional<core::PresenceId> /*stale*/,
                                                                    Timestamp /*stale_close_at*/, Timestamp /*at*/) {
        return std::unexpected(core::problem("This station keeps no journal of badge taps"));
    }
    virtual std::expected<core::Presence, Problem> journal_check_out(const core::Presence& /*open*/, const std::string& /*uid*/,
                                                                     Timestamp /*at*/) {
        return std::unexpected(core::problem("This station keeps no journal of badge taps"));
    }
    virtual std::expected<JournalReplay, Problem> replay_journal(Timestamp /*now*/) { return JournalReplay{}; }
    // The id this station numbers the new rows of `table` above, when it names them itself (a
    // machine): on one PC the largest stored; with several stations, the largest this station
    // used in a block of ids of its own, so that two stations never name two rows alike.
    virtual std::expected<std::int64_t, Problem> id_floor(const char* /*table*/) { return std::int64_t{0}; }
    // Adds or updates members by core::import_identity; rows identical to what is stored
    // count as unchanged and write nothing. One transaction for the whole file.
    virtual std::expected<ImportSummary, Problem> import_members(const std::vector<core::ImportRow>& rows,
                                                                 Timestamp at) = 0;

    // [Allocation]
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

    // [Repairs and volunteer hours] in db/src/repair_store.cpp.
    // Stores a validated repair (its id is ignored) with its volunteers and parts, and appends
    // repair.logged (detail: item, status, minutes; never a text). Returns it with its new id,
    // logged_at = updated_at = `at`.
    virtual std::expected<core::Repair, Problem> add_repair(const core::Repair& r, std::optional<core::MemberId> actor,
                                                            Timestamp at) = 0;
    // Replaces every field of repair `r.id` but logged_at, and appends repair.edited.
    // "No repair has the number {0}" when there is none.
    virtual std::expected<core::Repair, Problem> update_repair(const core::Repair& r, std::optional<core::MemberId> actor,
                                                               Timestamp at) = 0;
    virtual std::expected<std::optional<core::Repair>, Problem> find_repair(core::RepairId id) = 0;
    // Repairs whose local day is in [from, to] (either bound may be open), by id.
    virtual std::expected<std::vector<core::Repair>, Problem> repairs_between(std::optional<core::Date> from,
                                                                              std::optional<core::Date> to) = 0;
    // Records that the presence's member has `role` from `since` on; appends presence.role.
    virtual std::expected<void, Problem> set_presence_role(core::PresenceId presence, core::VolunteerRole role,
                                                           Timestamp since, std::optional<core::MemberId> actor,
                                                           Timestamp at) = 0;
    // A host's correction of a presence the station closed by itself (a forgotten check-out):
    // the real time of leaving, after check-in. Appends presence.corrected. Refused for a
    // presence that is open or was closed by a badge.
    virtual std::expected<void, Problem> correct_presence(core::PresenceId presence, Timestamp checked_out,
                                                          std::optional<core::MemberId> actor, Timestamp at) = 0;
    // Presences overlapping [from, to) of volunteers and hosts (and of anyone who picked a
    // role), with their roles and corrections, by check-in.
    virtual std::expected<std::vector<core::VolunteerPresence>, Problem> volunteer_presences(Timestamp from,
                                                                                             Timestamp to) = 0;

    // [Tool library] in db/src/tool_store.cpp.
    // Every tool, the open loans, the live reservations and the id counters (who may borrow
    // a tool is a skill grant, load_skills).
    virtual std::expected<ToolData, Problem> load_tools() = 0;
    // Writes one use case in one transaction: upserts tools, loans and reservations by id
    // (ids chosen by the station), appends the events. A tag already used by another tool or
    // a second open loan of one tool is refused whole ("Storage error: …") and changes nothing.
    virtual std::expected<void, Problem> commit_tools(const ToolChanges& c, std::optional<core::MemberId> actor,
                                                      Timestamp at) = 0;
    // Loan history for exports: every loan (of `member` when given), newest first, at most `limit`.
    virtual std::expected<std::vector<core::Loan>, Problem> loan_history(std::optional<core::MemberId> member,
                                                                          std::size_t limit) = 0;
    // Loans not returned whose due day is before `today`, most days late first.
    virtual std::expected<std::vector<core::Loan>, Problem> overdue_loans(core::Date today) = 0;
    // The kiosk's exports (db/src/tool_export.cpp): the A4 label sheet of `tools`
    // (the number of labels; "No tool to label…" when empty), and a whole text file (CSV)
    // written next to `out` then renamed over it. A path that cannot be written is a Problem
    // and leaves no file behind. Station thread.
    virtual std::expected<std::size_t, Problem> write_tool_labels(const std::vector<core::Tool>& tools,
                                                                  const std::filesystem::path& out) = 0;
    virtual std::expected<void, Problem> write_export(const std::filesystem::path& out, std::string_view bytes) = 0;

    // [Skills] in db/src/skill_store.cpp.
    // The catalogue, the latest grant of each (member, skill), what machines and tools require,
    // the end of each member's last session on the machines requiring each skill, id counters.
    virtual std::expected<SkillData, Problem> load_skills() = 0;
    // One skills use case in one transaction: upserts skills by id, sets requirements (a
    // machine or tool that does not exist refuses the whole), appends grants (ids chosen by
    // the station), and the events skill.added / skill.changed / skill.required / skill.granted.
    virtual std::expected<void, Problem> commit_skills(const SkillChanges& c, std::optional<core::MemberId> actor,
                                                       Timestamp at) = 0;
    // Grant history (of a member, of a skill, or all), newest first.
    virtual std::expected<std::vector<core::SkillGrant>, Problem> skill_grants(std::optional<core::MemberId> member,
                                                                               std::optional<core::SkillId> skill) = 0;

    // [Trainings, help in the room, know-how cards] in db/src/know_store.cpp; types in app/know.hpp.
    // Trainings not cancelled that end after `since` or were never granted (with all their
    // places), open help requests, opt-ins, suggested and published cards with their steps,
    // links and "helped" marks, the names of skills, machines and tools, the id counters.
    virtual std::expected<KnowData, Problem> load_know(Timestamp since) = 0;
    // One use case in one transaction: upserts trainings, places, help requests and cards by id
    // (a card's steps and links are replaced whole), sets opt-ins, adds "helped" marks (a second
    // mark of the same member is ignored), appends the events. Unknown member or skill ids are
    // refused whole ("Storage error: …").
    virtual std::expected<void, Problem> commit_know(const KnowChanges& c, std::optional<core::MemberId> actor,
                                                     Timestamp at) = 0;
    // Presences (closed or open) that began in [from, to): the history of "who usually comes".
    virtual std::expected<std::vector<core::Presence>, Problem> presences_between(Timestamp from, Timestamp to) = 0;

    // [The bike register] in db/src/bike_store.cpp; types in app/bikes.hpp.
    // Every bike with its photos and departure (buyer included), every part moved, the counters.
    virtual std::expected<BikeData, Problem> load_bikes() = 0;
    // One use case in one transaction: bikes upserted by id (photos replaced whole; the
    // departure inserted or updated when the bike has one), parts upserted by id, events
    // appended. A marking already stored is never replaced, one identifier is never on two
    // bikes, an unknown member or bike refuses the whole ("Storage error: …").
    virtual std::expected<void, Problem> commit_bikes(const BikeChanges& c, std::optional<core::MemberId> actor, Timestamp at) = 0;
    // The repairs logged on a bike, oldest first.
    virtual std::expected<std::vector<core::Repair>, Problem> bike_repairs(core::BikeId bike) = 0;

    // [Memberships and receipts] in db/src/money_store.cpp; types in app/money.hpp.
    // The plans, the closed days, the largest plan id.
    virtual std::expected<MoneyData, Problem> load_money() = 0;
    // One use case in one transaction (see MoneyChanges); returns the new receipts' ids, in
    // order. A closed day, a line corrected twice, a reference imported before refuse the whole.
    virtual std::expected<std::vector<core::ReceiptId>, Problem> commit_money(const MoneyChanges& c, std::optional<core::MemberId> actor,
                                                                              Timestamp at) = 0;
    // The lines of the days [from, to], by day then id.
    virtual std::expected<std::vector<core::Receipt>, Problem> receipts_between(core::Date from, core::Date to) = 0;
    // A line by its id; `corrected`: the line that corrects line `id`, if any.
    virtual std::expected<std::optional<core::Receipt>, Problem> find_receipt(core::ReceiptId id, bool corrected) = 0;
    // A day's confirmed closing, if any.
    virtual std::expected<std::optional<core::Closing>, Problem> closing(core::Date day) = 0;
    // Of these external references (HelloAsso's), those already in the journal.
    virtual std::expected<std::vector<std::string>, Problem> known_references(const std::vector<std::string>& refs) = 0;

    // [Reports] in db/src/report_store.cpp.
    // The year's counts for the funders' pack, in one read transaction (core/year_report.hpp
    // says what each counts).
    virtual std::expected<core::YearCounts, Problem> year_counts(const core::YearBounds& year) = 0;

    // [E-mail] in db/src/mail_store.cpp; types in app/mail.hpp. A store without them sends
    // no e-mail (the station then queues none).
    // Queues those not queued yet (one per kind, member and membership end), in one
    // transaction; returns how many were new.
    virtual std::expected<int, Problem> queue_mails(const std::vector<OutMail>& mails, Timestamp at) {
        (void)mails, (void)at;
        return std::unexpected(core::problem("This station cannot send e-mail"));
    }
    // The pending e-mails due at `now`, oldest first, at most `limit`; their next try moves to
    // `lease_until` in the same transaction (a taker that dies leaves them due again then).
    virtual std::expected<std::vector<OutMail>, Problem> take_mails(Timestamp now, int limit, Timestamp lease_until) {
        (void)now, (void)limit, (void)lease_until;
        return std::unexpected(core::problem("This station cannot send e-mail"));
    }
    // How a try went (MailTry): sent, tried again later, or given up.
    virtual std::expected<void, Problem> mail_tried(const MailTry& t) {
        (void)t;
        return std::unexpected(core::problem("This station cannot send e-mail"));
    }
    // The queue, latest first, at most `limit` rows.
    virtual std::expected<std::vector<OutMail>, Problem> list_mails(int limit) {
        (void)limit;
        return std::unexpected(core::problem("This station cannot send e-mail"));
    }
};

}  // namespace etabli::app
