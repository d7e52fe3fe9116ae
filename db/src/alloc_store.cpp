// SqlStore, allocation part: the rows the allocation engine is built from (machines
// and their authorisations, opening hours, bookings, sessions, the walk-in queue, the id
// counters), loaded once at start and written after every engine decision, with their events.
// The tables are those of db/migrations/003_allocation.sql.
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// [SECTION] Index
//   [Enums]    the enum texts as stored (the CHECK constraints of 003 list the same)
//   [Readers]  one row → one alloc record
//   [Writers]  one alloc record → one upsert when it differs from what is stored, and its event
//   [Load]     load_alloc
//   [Commit]   commit_alloc, save_hours
//   [History]  sessions_between
//
// The store never reasons about allocation: a Changes is the engine's complete decision, and
// writing it row by row keeps the tables equal to the engine. The store only compares each
// row with the stored one, to skip rows written again unchanged and to name the event.

#include <etabli/alloc/quota.hpp>
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;
using namespace std::chrono;

namespace {

// Column lists, as macros so that each SQL text stays one literal (Connection::cached keys
// its statements by the literal's address).
#define ETABLI_MACHINE_COLUMNS                                                                           \
    "id, name, kind, pool, status, slot_min, min_length_min, max_length_min, buffer_after_min, "      \
    "ahead_days, quota_week_min, quota_scope, no_show_release_min, warn_before_min, grace_after_s, " \
    "host_loss, host_loss_s, pin_required, check_after_use, awaiting_check, check_note, photo"
#define ETABLI_BOOKING_COLUMNS                                                                      \
    "id, machine_id, member_id, starts_at, ends_at, state, created_by, walk_in, series, created_at, " \
    "host_note, notice_seen"
#define ETABLI_SESSION_COLUMNS \
    "id, machine_id, member_id, booking_id, started_at, allowed_until, ended_at, end_reason, warned, supervisor_id, " \
    "supervisor_left, handover_until"
#define ETABLI_QUEUE_COLUMNS "id, member_id, machine_id, pool, joined_at, offered_machine_id, offer_expires_at"

// Rows that ended longer ago than this are of no use to the engine (the quota looks a week
// back): the same cut as alloc::Engine's constructor.
constexpr auto kKeep = days{8};

// [Enums] ----------------------------------------------------------------------------------

std::optional<alloc::BookingState> booking_state_from(std::string_view s) {
    using S = alloc::BookingState;
    for (S v : {S::booked, S::active, S::completed, S::no_show, S::cancelled})
        if (alloc::to_string(v) == s) return v;
    return std::nullopt;
}

std::optional<alloc::SessionEnd> session_end_from(std::string_view s) {
    using E = alloc::SessionEnd;
    for (E v : {E::badge, E::host, E::allowed_end, E::fault, E::station_down, E::handover})
        if (alloc::to_string(v) == s) return v;
    return std::nullopt;
}

std::string_view to_text(alloc::QuotaScope s) { return s == alloc::QuotaScope::pool ? "pool" : "machine"; }

std::optional<alloc::QuotaScope> quota_scope_from(std::string_view s) {
    if (s == "machine") return alloc::QuotaScope::machine;
    if (s == "pool") return alloc::QuotaScope::pool;
    return std::nullopt;
}

std::string_view to_text(alloc::HostLossPolicy::Kind k) {
    switch (k) {
    case alloc::HostLossPolicy::Kind::cut: return "cut";
    case alloc::HostLossPolicy::Kind::grace: return "grace";
    case alloc::HostLossPolicy::Kind::until_idle: return "until_idle";
    }
    return "?";
}

std::optional<alloc::HostLossPolicy::Kind> host_loss_from(std::string_view s) {
    using K = alloc::HostLossPolicy::Kind;
    for (K v : {K::cut, K::grace, K::until_idle})
        if (to_text(v) == s) return v;
    return std::nullopt;
}

// [Readers] --------------------------------------------------------------------------------

std::int64_t flag(bool b) { return b ? 1 : 0; }

std::optional<std::int64_t> optional_int(const Statement& st, int col) {
    if (st.is_null(col)) return std::nullopt;
    return st.column_int(col);
}

std::optional<std::string> optional_ts(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return ts(*t);
}

std::expected<std::optional<Timestamp>, Problem> read_optional_ts(const Statement& st, int col,
                                                                  std::string_view table, std::string_view key,
                                                                  std::string_view column) {
    if (st.is_null(col)) return std::optional<Timestamp>{};
    ETABLI_TRY(t, read_ts(st, col, table, key, column));
    return std::optional<Timestamp>{*t};
}

// A machines row selected with ETABLI_MACHINE_COLUMNS (authorisations not included).
std::expected<alloc::Machine, Problem> read_machine(const Statement& st) {
    alloc::Machine m;
    m.id = st.column_int(0);
    const auto key = std::to_string(m.id);
    m.name = st.column_text(1);
    m.kind = st.column_text(2);
    m.pool = st.column_optional_text(3);
    auto status = st.column_text(4);
    auto s = alloc::machine_status_from_string(status);
    if (!s) return std::unexpected(bad_row("machines", key, "status", status));
    m.status = *s;
    alloc::MachineRules& r = m.rules;
    r.slot = alloc::Minutes{st.column_int(5)};
    r.min_length = alloc::Minutes{st.column_int(6)};
    r.max_length = alloc::Minutes{st.column_int(7)};
    r.buffer_after = alloc::Minutes{st.column_int(8)};
    r.ahead_days = static_cast<int>(st.column_int(9));
    if (auto q = optional_int(st, 10)) r.quota_per_week = alloc::Minutes{*q};
    auto scope = st.column_text(11);
    auto sc = quota_scope_from(scope);
    if (!sc) return std::unexpected(bad_row("machines", key, "quota_scope", scope));
    r.quota_scope = *sc;
    r.no_show_release = alloc::Minutes{st.column_int(12)};
    r.warn_before = alloc::Minutes{st.column_int(13)};
    r.grace_after = seconds{st.column_int(14)};
    auto loss = st.column_text(15);
    auto lk = host_loss_from(loss);
    if (!lk) return std::unexpected(bad_row("machines", key, "host_loss", loss));
    r.host_loss.kind = *lk;
    r.host_loss.seconds = seconds{st.column_int(16)};
    r.pin_required = st.column_int(17) != 0;
    auto level = st.column_text(18);
    auto lv = alloc::check_level_from_string(level);
    if (!lv) return std::unexpected(bad_row("machines", key, "check_after_use", level));
    r.check_after_use = *lv;
    m.awaiting_check = st.column_int(19) != 0;
    m.check_note = st.column_optional_text(20);
    m.photo = st.column_optional_text(21);
    return m;
}

// A bookings row selected with ETABLI_BOOKING_COLUMNS.
std::expected<alloc::Booking, Problem> read_booking(const Statement& st) {
    alloc::Booking b;
    b.id = st.column_int(0);
    const auto key = std::to_string(b.id);
    b.machine = st.column_int(1);
    b.member = st.column_int(2);
    ETABLI_TRY(start, read_ts(st, 3, "bookings", key, "starts_at"));
    ETABLI_TRY(end, read_ts(st, 4, "bookings", key, "ends_at"));
    b.start = *start;
    b.end = *end;
    auto state = st.column_text(5);
    auto s = booking_state_from(state);
    if (!s) return std::unexpected(bad_row("bookings", key, "state", state));
    b.state = *s;
    b.created_by = st.column_int(6);  // NULL (the command line) reads as 0
    b.walk_in = st.column_int(7) != 0;
    b.series = optional_int(st, 8);
    ETABLI_TRY(created, read_ts(st, 9, "bookings", key, "created_at"));
    b.created_at = *created;
    b.host_note = st.column_optional_text(10);
    b.notice_seen = st.column_int(11) != 0;
    return b;
}

// A sessions row selected with ETABLI_SESSION_COLUMNS.
std::expected<alloc::Session, Problem> read_session(const Statement& st) {
    alloc::Session s;
    s.id = st.column_int(0);
    const auto key = std::to_string(s.id);
    s.machine = st.column_int(1);
    s.member = st.column_int(2);
    s.booking = st.column_int(3);
    ETABLI_TRY(started, read_ts(st, 4, "sessions", key, "started_at"));
    ETABLI_TRY(until, read_ts(st, 5, "sessions", key, "allowed_until"));
    ETABLI_TRY(ended, read_optional_ts(st, 6, "sessions", key, "ended_at"));
    s.started = *started;
    s.allowed_until = *until;
    s.ended = *ended;
    if (auto reason = st.column_optional_text(7)) {
        auto e = session_end_from(*reason);
        if (!e) return std::unexpected(bad_row("sessions", key, "end_reason", *reason));
        s.end_reason = *e;
    }
    s.warned = st.column_int(8) != 0;
    if (!st.is_null(9)) s.supervisor = st.column_int(9);
    s.supervisor_left = st.column_int(10) != 0;
    ETABLI_TRY(handover, read_optional_ts(st, 11, "sessions", key, "handover_until"));
    s.handover_until = *handover;
    return s;
}

// A queue_entries row selected with ETABLI_QUEUE_COLUMNS.
std::expected<alloc::QueueEntry, Problem> read_queue_entry(const Statement& st) {
    alloc::QueueEntry q;
    q.id = st.column_int(0);
    const auto key = std::to_string(q.id);
    q.member = st.column_int(1);
    q.machine = optional_int(st, 2);
    q.pool = st.column_optional_text(3);
    ETABLI_TRY(joined, read_ts(st, 4, "queue_entries", key, "joined_at"));
    q.joined = *joined;
    q.offered = optional_int(st, 5);
    ETABLI_TRY(expires, read_optional_ts(st, 6, "queue_entries", key, "offer_expires_at"));
    q.offer_expires = *expires;
    return q;
}

std::expected<std::optional<core::Date>, Problem> read_day(const Statement& st, int col, std::string_view table,
                                                           std::string_view key, std::string_view column) {
    if (st.is_null(col)) return std::optional<core::Date>{};
    auto text = st.column_text(col);
    auto d = core::parse_date(text);
    if (!d) return std::unexpected(bad_row(table, key, column, text));
    return std::optional<core::Date>{*d};
}

// [Writers] --------------------------------------------------------------------------------

std::string subject(const char* kind, std::int64_t id) { return std::string(kind) + ":" + std::to_string(id); }

// The stored machine, or nothing. Who may use it is not stored with it: the station derives
// Machine::authorised from the skill grants (migration 007).
std::expected<std::optional<alloc::Machine>, Problem> find_machine(Connection& c, alloc::MachineId id) {
    std::optional<alloc::Machine> found;
    {
        ETABLI_TRY(st, c.cached("SELECT " ETABLI_MACHINE_COLUMNS " FROM machines WHERE id = ?1"));
        (*st)->bind(1, id);
        ETABLI_TRY(row, (*st)->step());
        if (!*row) return found;
        ETABLI_TRY(m, read_machine(**st));
        found = std::move(*m);
        (*st)->reset();
    }
    return found;
}

// The fields of a machine that differ, by column-like names (for the event detail).
std::vector<std::string_view> machine_changes(const alloc::Machine& a, const alloc::Machine& b) {
    std::vector<std::string_view> out;
    const alloc::MachineRules &x = a.rules, &y = b.rules;
    if (a.name != b.name) out.push_back("name");
    if (a.kind != b.kind) out.push_back("kind");
    if (a.pool != b.pool) out.push_back("pool");
    if (a.status != b.status) out.push_back("status");
    if (x.slot != y.slot) out.push_back("slot");
    if (x.min_length != y.min_length) out.push_back("min_length");
    if (x.max_length != y.max_length) out.push_back("max_length");
    if (x.buffer_after != y.buffer_after) out.push_back("buffer_after");
    if (x.ahead_days != y.ahead_days) out.push_back("ahead_days");
    if (x.quota_per_week != y.quota_per_week) out.push_back("quota_per_week");
    if (x.quota_scope != y.quota_scope) out.push_back("quota_scope");
    if (x.no_show_release != y.no_show_release) out.push_back("no_show_release");
    if (x.warn_before != y.warn_before) out.push_back("warn_before");
    if (x.grace_after != y.grace_after) out.push_back("grace_after");
    if (x.host_loss.kind != y.host_loss.kind || x.host_loss.seconds != y.host_loss.seconds)
        out.push_back("host_loss");
    if (x.pin_required != y.pin_required) out.push_back("pin_required");
    if (x.check_after_use != y.check_after_use) out.push_back("check_after_use");
    if (a.awaiting_check != b.awaiting_check) out.push_back("awaiting_check");
    if (a.check_note != b.check_note) out.push_back("check_note");
    if (a.photo != b.photo) out.push_back("photo");
    return out;
}

std::expected<void, Problem> write_machine(Connection& c, alloc::Machine m, std::optional<core::MemberId> actor,
                                           Timestamp at) {
    ETABLI_TRY(prev, find_machine(c, m.id));
    std::vector<std::string_view> changed;
    if (*prev) {
        changed = machine_changes(**prev, m);
        if (changed.empty()) return {};
    }
    {
        // A friendlier refusal than "UNIQUE constraint failed: machines.name".
        ETABLI_TRY(st, c.cached("SELECT id FROM machines WHERE name = ?1 AND id <> ?2"));
        (*st)->bind(1, m.name).bind(2, m.id);
        ETABLI_TRY(row, (*st)->step());
        if (*row) {
            return std::unexpected(core::problem("There is already a machine named {0} (number {1}).",
                                                 {m.name, std::to_string((*st)->column_int(0))}));
        }
    }
    {
        ETABLI_TRY(st, c.cached(
                           "INSERT INTO machines (" ETABLI_MACHINE_COLUMNS ", created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
                           "?19, ?20, ?21, ?22, ?23, ?18, ?18) "
                           "ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
                           "pool = excluded.pool, status = excluded.status, slot_min = excluded.slot_min, "
                           "min_length_min = excluded.min_length_min, max_length_min = excluded.max_length_min, "
                           "buffer_after_min = excluded.buffer_after_min, ahead_days = excluded.ahead_days, "
                           "quota_week_min = excluded.quota_week_min, quota_scope = excluded.quota_scope, "
                           "no_show_release_min = excluded.no_show_release_min, "
                           "warn_before_min = excluded.warn_before_min, grace_after_s = excluded.grace_after_s, "
                           "host_loss = excluded.host_loss, host_loss_s = excluded.host_loss_s, "
                           "pin_required = excluded.pin_required, check_after_use = excluded.check_after_use, "
                           "awaiting_check = excluded.awaiting_check, check_note = excluded.check_note, photo = excluded.photo, "
                           "updated_at = excluded.updated_at"));
        const alloc::MachineRules& r = m.rules;
        Statement& s = **st;
        s.bind(1, m.id).bind(2, m.name).bind(3, m.kind).bind(4, m.pool).bind(5, alloc::to_string(m.status));
        s.bind(6, r.slot.count()).bind(7, r.min_length.count()).bind(8, r.max_length.count());
        s.bind(9, r.buffer_after.count()).bind(10, static_cast<std::int64_t>(r.ahead_days));
        if (r.quota_per_week) {
            s.bind(11, r.quota_per_week->count());
        } else {
            s.bind_null(11);
        }
        s.bind(12, to_text(r.quota_scope)).bind(13, r.no_show_release.count()).bind(14, r.warn_before.count());
        s.bind(15, r.grace_after.count()).bind(16, to_text(r.host_loss.kind)).bind(17, r.host_loss.seconds.count());
        s.bind(18, ts(at)).bind(19, static_cast<std::int64_t>(r.pin_required ? 1 : 0));
        s.bind(20, alloc::to_string(r.check_after_use)).bind(21, static_cast<std::int64_t>(m.awaiting_check ? 1 : 0));
        s.bind(22, m.check_note).bind(23, m.photo);
        ETABLI_CHECK(s.run());
    }
    Detail detail;
    std::string_view kind = "machine.added";
    if (!*prev) {
        detail.add("status", alloc::to_string(m.status));
    } else {
        const bool status = std::find(changed.begin(), changed.end(), "status") != changed.end();
        // Checked: the lock lifted by a check, not by the check being turned off.
        const bool checked = (*prev)->awaiting_check && !m.awaiting_check && m.rules.check_after_use != alloc::CheckLevel::none;
        kind = checked ? "machine.checked" : status ? "machine.status" : "machine.changed";
        if (status) detail.add("status", alloc::to_string(m.status)).add("was", alloc::to_string((*prev)->status));
        if (checked && m.check_note) detail.add("note", std::int64_t{1});  // the text stays in the row, never in the log
        detail.add_list("changed", changed);
    }
    return append_event(c, at, actor, kind, subject("machine", m.id), detail);
}

// Booked or active: the rows load_alloc reads from the floor of 009.
bool is_live(alloc::BookingState s) { return s == alloc::BookingState::booked || s == alloc::BookingState::active; }

std::expected<void, Problem> write_booking(Connection& c, const alloc::Booking& b, std::optional<core::MemberId> actor,
                                           Timestamp at) {
    const auto bind_row = [&](Statement& s) {
        s.bind(1, b.id).bind(2, b.machine).bind(3, b.member).bind(4, ts(b.start)).bind(5, ts(b.end));
        s.bind(6, alloc::to_string(b.state)).bind(7, b.created_by == 0 ? std::optional<std::int64_t>{} : std::optional<std::int64_t>{b.created_by}).bind(8, flag(b.walk_in)).bind(9, b.series);
        s.bind(10, ts(b.created_at)).bind(11, b.host_note).bind(12, flag(b.notice_seen));
    };
    // Most bookings written are new: insert first, and only when the id is taken read the
    // stored row (for the event) and update it. DO NOTHING covers the id alone: any other
    // constraint still fails the statement.
    std::optional<alloc::Booking> prev;
    {
        ETABLI_TRY(st, c.cached("INSERT INTO bookings (" ETABLI_BOOKING_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                                "ON CONFLICT(id) DO NOTHING"));
        bind_row(**st);
        ETABLI_CHECK((*st)->run());
    }
    if (c.changes() == 0) {
        {
            ETABLI_TRY(st, c.cached("SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings WHERE id = ?1"));
            (*st)->bind(1, b.id);
            ETABLI_TRY(row, (*st)->step());
            if (!*row) {
                (*st)->reset();
                return std::unexpected(core::problem("Cannot store booking {0}: its id is taken but no row has it",
                                                     {std::to_string(b.id)}));
            }
            ETABLI_TRY(p, read_booking(**st));
            (*st)->reset();
            if (*p == b) return {};
            prev = std::move(*p);
        }
        ETABLI_TRY(st, c.cached("UPDATE bookings SET machine_id = ?2, member_id = ?3, starts_at = ?4, ends_at = ?5, "
                                "state = ?6, created_by = ?7, walk_in = ?8, series = ?9, created_at = ?10, "
                                "host_note = ?11, notice_seen = ?12 WHERE id = ?1"));
        bind_row(**st);
        ETABLI_CHECK((*st)->run());
        // A booking live again below the floor of 009 (no rule does it today) lowers it.
        if (is_live(b.state) && !is_live(prev->state) && c.dialect() == Dialect::sqlite) {
            ETABLI_TRY(fl, c.cached("UPDATE bookings_live_floor SET floor = MIN(floor, ?1) WHERE id = 1"));
            (*fl)->bind(1, b.id);
            ETABLI_CHECK((*fl)->run());
        }
    }
    Detail detail;
    detail.add("machine", b.machine).add("member", b.member).add("start", ts(b.start)).add("end", ts(b.end));
    std::string kind;
    if (!prev || prev->state != b.state) {
        kind = "booking." + std::string(alloc::to_string(b.state));
        if (prev) detail.add("was", alloc::to_string(prev->state));
        if (!prev && b.walk_in) detail.add("walk_in", std::int64_t{1});
        if (!prev && b.series) detail.add("series", *b.series);
    } else if (prev->start != b.start || prev->end != b.end || prev->machine != b.machine) {
        kind = b.state == alloc::BookingState::booked   ? "booking.moved"
               : b.state == alloc::BookingState::active ? "booking.extended"
                                                        : "booking.changed";
        detail.add("was_start", ts(prev->start)).add("was_end", ts(prev->end));
        if (prev->machine != b.machine) detail.add("was_machine", prev->machine);
    } else if (!prev->notice_seen && b.notice_seen && prev->host_note == b.host_note) {
        kind = "booking.notice_seen";
    } else {
        kind = "booking.changed";
    }
    // The note itself is free text a host typed: it stays in the bookings row, not the log.
    if (b.host_note && (!prev || prev->host_note != b.host_note)) detail.add("note", std::int64_t{1});
    return append_event(c, at, actor, kind, subject("booking", b.id), detail);
}

std::expected<void, Problem> write_session(Connection& c, const alloc::Session& x, std::optional<core::MemberId> actor,
                                           Timestamp at) {
    std::optional<alloc::Session> prev;
    {
        ETABLI_TRY(st, c.cached("SELECT " ETABLI_SESSION_COLUMNS " FROM sessions WHERE id = ?1"));
        (*st)->bind(1, x.id);
        ETABLI_TRY(row, (*st)->step());
        if (*row) {
            ETABLI_TRY(p, read_session(**st));
            if (*p == x) return {};
            prev = std::move(*p);
        }
        (*st)->reset();
    }
    {
        ETABLI_TRY(st, c.cached("INSERT INTO sessions (" ETABLI_SESSION_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
                                "ON CONFLICT(id) DO UPDATE SET machine_id = excluded.machine_id, "
                                "member_id = excluded.member_id, booking_id = excluded.booking_id, "
                                "started_at = excluded.started_at, allowed_until = excluded.allowed_until, "
                                "ended_at = excluded.ended_at, end_reason = excluded.end_reason, "
                                "warned = excluded.warned, supervisor_id = excluded.supervisor_id, "
                                "supervisor_left = excluded.supervisor_left, handover_until = excluded.handover_until"));
        Statement& s = **st;
        s.bind(1, x.id).bind(2, x.machine).bind(3, x.member).bind(4, x.booking).bind(5, ts(x.started));
        s.bind(6, ts(x.allowed_until)).bind(7, optional_ts(x.ended));
        if (x.end_reason) {
            s.bind(8, alloc::to_string(*x.end_reason));
        } else {
            s.bind_null(8);
        }
        s.bind(9, flag(x.warned)).bind(10, x.supervisor).bind(11, flag(x.supervisor_left));
        s.bind(12, optional_ts(x.handover_until));
        ETABLI_CHECK(s.run());
    }
    Detail detail;
    detail.add("machine", x.machine).add("member", x.member).add("booking", x.booking);
    std::string_view kind;
    if (!prev) {
        kind = x.ended ? "session.ended" : "session.started";
        detail.add("started", ts(x.started)).add("until", ts(x.allowed_until));
    } else if (!prev->ended && x.ended) {
        kind = "session.ended";
        detail.add("started", ts(x.started));
    } else if (prev->allowed_until != x.allowed_until) {
        kind = "session.extended";
        detail.add("until", ts(x.allowed_until)).add("was_until", ts(prev->allowed_until));
    } else if (!prev->warned && x.warned) {
        kind = "session.warned";
        detail.add("until", ts(x.allowed_until));
    } else if (!prev->supervisor_left && x.supervisor_left) {
        kind = "session.supervisor_left";
    } else if (x.handover_until && prev->handover_until != x.handover_until) {
        kind = "session.handover_offered";
        detail.add("until", ts(*x.handover_until));
    } else {
        kind = "session.changed";
    }
    if (x.supervisor) detail.add("supervisor", *x.supervisor);
    if (x.ended) detail.add("ended", ts(*x.ended));
    if (x.end_reason) detail.add("reason", alloc::to_string(*x.end_reason));
    return append_event(c, at, actor, kind, subject("session", x.id), detail);
}

std::expected<void, Problem> write_queue_entry(Connection& c, const alloc::QueueEntry& q,
                                               std::optional<core::MemberId> actor, Timestamp at) {
    std::optional<alloc::QueueEntry> prev;
    {
        ETABLI_TRY(st, c.cached("SELECT " ETABLI_QUEUE_COLUMNS " FROM queue_entries WHERE id = ?1"));
        (*st)->bind(1, q.id);
        ETABLI_TRY(row, (*st)->step());
        if (*row) {
            ETABLI_TRY(p, read_queue_entry(**st));
            if (*p == q) return {};
            prev = std::move(*p);
        }
        (*st)->reset();
    }
    {
        ETABLI_TRY(st, c.cached("INSERT INTO queue_entries (" ETABLI_QUEUE_COLUMNS ") "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                                "ON CONFLICT(id) DO UPDATE SET member_id = excluded.member_id, "
                                "machine_id = excluded.machine_id, pool = excluded.pool, "
                                "joined_at = excluded.joined_at, offered_machine_id = excluded.offered_machine_id, "
                                "offer_expires_at = excluded.offer_expires_at"));
        Statement& s = **st;
        s.bind(1, q.id).bind(2, q.member).bind(3, q.machine).bind(4, q.pool).bind(5, ts(q.joined));
        s.bind(6, q.offered).bind(7, optional_ts(q.offer_expires));
        ETABLI_CHECK(s.run());
    }
    Detail detail;
    detail.add("member", q.member);
    if (q.machine) detail.add("machine", *q.machine);
    // A pool is a name the workshop chose for a group of machines ("3D printers"), not personal.
    if (q.pool) detail.add("pool", *q.pool);
    std::string_view kind = "queue.changed";
    if (!prev) {
        kind = "queue.joined";
    } else if (q.offered && prev->offered != q.offered) {
        kind = "queue.offered";
    }
    if (q.offered) detail.add("offered", *q.offered);
    if (q.offer_expires) detail.add("until", ts(*q.offer_expires));
    return append_event(c, at, actor, kind, subject("queue", q.id), detail);
}

std::expected<void, Problem> remove_queue_entry(Connection& c, alloc::QueueEntryId id,
                                                std::optional<core::MemberId> actor, Timestamp at) {
    ETABLI_TRY(st, c.cached("DELETE FROM queue_entries WHERE id = ?1 RETURNING member_id, offered_machine_id"));
    (*st)->bind(1, id);
    ETABLI_TRY(row, (*st)->step());
    if (!*row) return {};  // never stored, or already gone: nothing to log
    Detail detail;
    detail.add("member", (*st)->column_int(0));
    if (auto offered = optional_int(**st, 1)) detail.add("offered", *offered);
    // RETURNING rows must be drained before COMMIT.
    ETABLI_CHECK((*st)->run());
    return append_event(c, at, actor, "queue.left", subject("queue", id), detail);
}

// The booking with the largest id, and its created_at (none in an empty table): with
// alloc_state, what load_alloc rebuilds as_of from. One probe at the end of the rowid tree.
struct NewestBooking {
    alloc::BookingId id = 0;
    std::string created_at;
};
std::expected<std::optional<NewestBooking>, Problem> newest_booking(Connection& c) {
    ETABLI_TRY(st, c.cached("SELECT id, created_at FROM bookings ORDER BY id DESC LIMIT 1"));
    ETABLI_TRY(row, (*st)->step());
    std::optional<NewestBooking> t;
    if (*row) t = NewestBooking{(*st)->column_int(0), (*st)->column_text(1)};
    (*st)->reset();
    return t;
}

// The counters and the decision time load_alloc must find, written only when the rows
// cannot tell them. load_alloc reads each counter as MAX(stored, MAX(id) + 1 of its table)
// and as_of as MAX(stored, created_at of the newest booking). Bookings and sessions are
// never deleted, so a decision that books (new id = MAX(id) + 1, created_at = its time)
// leaves nothing to store: rewriting the row anyway cost one page of the seven a booking's
// commit wrote (bench_alloc, store part). Queue entries are deleted, so their counter
// lands here whenever it passes the largest id left. `newest_before` is the newest
// booking's time before this decision's rows were written: a booking given a larger id but
// an earlier time (a second writer on the file) must not pull as_of back.
std::expected<void, Problem> write_counters(Connection& c, const alloc::IdCounters& n, Timestamp as_of,
                                            const std::optional<std::string>& newest_before) {
    // MAX: ids are never reused and the engine's time never goes back, whatever order two
    // writers on one file (station, command line) commit in. The WHERE leaves the row (and
    // its page) untouched when load_alloc would read these values from the tables anyway;
    // with no row yet it is inserted whatever the WHERE says.
    ETABLI_TRY(st, c.cached("INSERT INTO alloc_state (id, next_booking, next_session, next_queue_entry, "
                            "next_series, as_of) VALUES (1, ?1, ?2, ?3, ?4, MAX(?5, COALESCE(?6, ''))) "
                            "ON CONFLICT(id) DO UPDATE SET "
                            "next_booking = MAX(next_booking, excluded.next_booking), "
                            "next_session = MAX(next_session, excluded.next_session), "
                            "next_queue_entry = MAX(next_queue_entry, excluded.next_queue_entry), "
                            "next_series = MAX(next_series, excluded.next_series), "
                            "as_of = MAX(COALESCE(as_of, ''), excluded.as_of) "
                            "WHERE excluded.next_booking > "
                            "MAX(next_booking, (SELECT COALESCE(MAX(id), 0) + 1 FROM bookings)) "
                            "OR excluded.next_session > "
                            "MAX(next_session, (SELECT COALESCE(MAX(id), 0) + 1 FROM sessions)) "
                            "OR excluded.next_queue_entry > "
                            "MAX(next_queue_entry, (SELECT COALESCE(MAX(id), 0) + 1 FROM queue_entries)) "
                            "OR excluded.next_series > MAX(next_series, "
                            "(SELECT COALESCE(MAX(series), 0) + 1 FROM bookings WHERE series IS NOT NULL)) "
                            "OR excluded.as_of > MAX(COALESCE(as_of, ''), "
                            "COALESCE((SELECT created_at FROM bookings ORDER BY id DESC LIMIT 1), ''))"));
    (*st)->bind(1, n.booking).bind(2, n.session).bind(3, n.queue_entry).bind(4, n.series).bind(5, ts(as_of));
    (*st)->bind(6, newest_before);
    return (*st)->run();
}

// Whether the rows of decision `c` alone tell load_alloc its counters and time, so that
// write_counters would leave alloc_state as it is (its WHERE) and can be skipped with the
// read it needs: the common booking decision, where it was a fifth of the commit's work
// (bench_alloc, store part). `stored`: the counters known stored after this store's last commit
// (none: unknown, write). A counter is told when it did not grow past `stored`, or when this
// decision writes the row with the id just below it; the time is told when a booking
// written here has the largest id (the booking counter is told by it) and was created at
// the decision's time, not before the newest stored booking's (`newest`, before this
// decision's rows: another writer on the file may have made a later id at an earlier time,
// and the time must not go back). Queue entries are deleted, so a grown queue counter is
// always written.
bool rows_tell_counters(const alloc::Changes& c, const std::optional<alloc::IdCounters>& stored,
                        const std::optional<NewestBooking>& newest) {
    if (!stored) return false;
    const alloc::IdCounters& n = c.next_ids;
    if (n.queue_entry > stored->queue_entry) return false;
    bool time = false, booking = n.booking <= stored->booking, series = n.series <= stored->series;
    for (const alloc::Booking& b : c.bookings) {
        if (b.id == n.booking - 1) {
            booking = true;
            time = b.created_at == c.as_of && (!newest || (b.id > newest->id && ts(c.as_of) >= newest->created_at));
        }
        if (b.series && *b.series == n.series - 1) series = true;
    }
    bool session = n.session <= stored->session;
    for (const alloc::Session& x : c.sessions)
        if (x.id == n.session - 1) session = true;
    return time && booking && series && session;
}

// Moves the floor of 009 up to the oldest live booking `s` holds (or the next id when none
// is live), after a load. The floor is only where the next load starts reading: when it
// cannot be written (a read-only file, another writer holding the lock) that load reads a
// few more rows, nothing else, so failures are left unreported. The NOT EXISTS re-checks,
// under the write lock, that no row made live since the load sits below the new floor.
void advance_live_floor(Connection& c, const alloc::EngineState& s, std::optional<alloc::BookingId> stored) {
    alloc::BookingId floor = s.next_ids.booking;
    for (const alloc::Booking& b : s.bookings)
        if (is_live(b.state)) floor = std::min(floor, b.id);
    if (stored && *stored >= floor) return;
    auto tx = Transaction::begin(c);
    if (!tx) return;
    auto st = c.cached("INSERT INTO bookings_live_floor (id, floor) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE "
                       "SET floor = excluded.floor WHERE floor < excluded.floor AND NOT EXISTS "
                       "(SELECT 1 FROM bookings WHERE id >= floor AND id < excluded.floor "
                       "AND state IN ('booked', 'active'))");
    if (!st) return;
    (*st)->bind(1, floor);
    if ((*st)->run()) (void)tx->commit();
}

}  // namespace

// [Load] -----------------------------------------------------------------------------------

std::expected<alloc::EngineState, Problem> SqlStore::load_alloc(Timestamp now) {
    return guarded([&]() -> std::expected<alloc::EngineState, Problem> {
        // One read transaction: every table seen at the same instant.
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        alloc::EngineState s;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_MACHINE_COLUMNS " FROM machines ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(m, read_machine(*st));
                s.machines.push_back(std::move(*m));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT weekday, from_min, to_min FROM opening_weekly "
                                          "ORDER BY weekday, from_min"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto day = static_cast<std::size_t>(st->column_int(0));
                if (day < s.hours.weekly.size()) {
                    s.hours.weekly[day].push_back(alloc::DayWindow{static_cast<int>(st->column_int(1)),
                                                                   static_cast<int>(st->column_int(2))});
                }
            }
        }
        {
            // NULLs sort first: a closed day's row, if any, comes before windows.
            ETABLI_TRY(st, m_conn.prepare("SELECT day, from_min, to_min FROM opening_exceptions "
                                          "ORDER BY day, from_min"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto text = st->column_text(0);
                ETABLI_TRY(day, read_day(*st, 0, "opening_exceptions", text, "day"));
                auto& windows = s.hours.exceptions[**day];
                if (!st->is_null(1)) {
                    windows.push_back(alloc::DayWindow{static_cast<int>(st->column_int(1)),
                                                       static_cast<int>(st->column_int(2))});
                }
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id, role, valid_until FROM members ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                alloc::MemberInfo m;
                m.id = st->column_int(0);
                const auto key = std::to_string(m.id);
                auto role = st->column_text(1);
                auto r = core::role_from_string(role);
                if (!r) return std::unexpected(bad_row("members", key, "role", role));
                m.role = *r;
                ETABLI_TRY(until, read_day(*st, 2, "members", key, "valid_until"));
                m.valid_until = *until;
                s.members.push_back(m);
            }
        }
        {
            // Three disjoint parts, the ended ones each served by its partial index (named:
            // the planner could otherwise walk every old row): the million rows of history
            // are never scanned. Each WHERE repeats its index's condition word for word, which is
            // what lets SQLite use a partial index.
            // The live part reads the table by id from the floor of 009 (COALESCE: a
            // missing floor row reads it all rather than miss a booking).
            // PostgreSQL: the same three parts, its planner choosing the same partial
            // indexes itself (and no floor: its index of live bookings is partial).
            ETABLI_TRY(st, m_conn.prepare(
                               m_conn.dialect() == Dialect::sqlite
                                   ? "SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings "
                                     "WHERE id >= COALESCE((SELECT floor FROM bookings_live_floor WHERE id = 1), 0) "
                                     "AND state IN ('booked', 'active') "
                                     "UNION ALL SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings "
                                     "INDEXED BY bookings_ended "
                                     "WHERE state NOT IN ('booked', 'active') AND ends_at >= ?1 "
                                     "UNION ALL SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings "
                                     "INDEXED BY bookings_unseen_notes "
                                     "WHERE host_note IS NOT NULL AND notice_seen = 0 AND ends_at < ?1 "
                                     "AND state NOT IN ('booked', 'active')"
                                   : "SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings WHERE state IN ('booked', 'active') "
                                     "UNION ALL SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings "
                                     "WHERE state IN ('completed', 'no_show', 'cancelled') AND ends_at >= ?1 "
                                     "UNION ALL SELECT " ETABLI_BOOKING_COLUMNS " FROM bookings "
                                     "WHERE host_note IS NOT NULL AND NOT notice_seen AND ends_at < ?1 "
                                     "AND state NOT IN ('booked', 'active')"));
            st->bind(1, ts(now - kKeep));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(b, read_booking(*st));
                s.bookings.push_back(std::move(*b));
            }
            std::sort(s.bookings.begin(), s.bookings.end(),
                      [](const alloc::Booking& a, const alloc::Booking& b) { return a.id < b.id; });
        }
        {
            // No ORDER BY: it would walk the whole table in id order instead of the partial
            // index of open sessions (the few rows are sorted below).
            ETABLI_TRY(st, m_conn.prepare(m_conn.dialect() == Dialect::sqlite ? "SELECT " ETABLI_SESSION_COLUMNS " FROM sessions "
                                                                                   "INDEXED BY sessions_open WHERE ended_at IS NULL"
                                                                                 : "SELECT " ETABLI_SESSION_COLUMNS " FROM sessions "
                                                                                   "WHERE ended_at IS NULL"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(x, read_session(*st));
                s.sessions.push_back(std::move(*x));
            }
            std::sort(s.sessions.begin(), s.sessions.end(),
                      [](const alloc::Session& a, const alloc::Session& b) { return a.id < b.id; });
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_QUEUE_COLUMNS " FROM queue_entries ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(q, read_queue_entry(*st));
                s.queue.push_back(std::move(*q));
            }
        }
        if (m_conn.dialect() == Dialect::postgres) {
            // The time of the last decision, or of the newest booking, the later; the ids
            // come after the read, from this station's blocks.
            ETABLI_TRY(st, m_conn.prepare("SELECT GREATEST((SELECT as_of FROM alloc_state WHERE id = 1), "
                                          "(SELECT created_at FROM bookings ORDER BY id DESC LIMIT 1)), "
                                          "EXISTS (SELECT 1 FROM alloc_state WHERE id = 1)"));
            ETABLI_TRY(row, st->step());
            if (*row && st->column_int(1) != 0) {
                ETABLI_TRY(as_of, read_optional_ts(*st, 0, "alloc_state", "1", "as_of"));
                s.as_of = *as_of;
            }
        } else {
            // The stored counters, never below MAX(id)+1 of the tables (commit_alloc leaves
            // them to the tables when it can, see write_counters; or a file written by hand):
            // each MAX is one index probe. as_of likewise: the stored one or the time of the
            // newest booking, the later; none while no decision was ever committed (no row).
            ETABLI_TRY(st, m_conn.prepare(
                               "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM bookings), "
                               "(SELECT COALESCE(MAX(id), 0) + 1 FROM sessions), "
                               "(SELECT COALESCE(MAX(id), 0) + 1 FROM queue_entries), "
                               "(SELECT COALESCE(MAX(series), 0) + 1 FROM bookings WHERE series IS NOT NULL), "
                               "a.next_booking, a.next_session, a.next_queue_entry, a.next_series, "
                               "CASE WHEN a.id IS NOT NULL THEN NULLIF(MAX(COALESCE(a.as_of, ''), COALESCE("
                               "(SELECT created_at FROM bookings ORDER BY id DESC LIMIT 1), '')), '') END "
                               "FROM (SELECT 1) LEFT JOIN alloc_state AS a ON a.id = 1"));
            ETABLI_TRY(row, st->step());
            if (*row) {
                alloc::IdCounters& n = s.next_ids;
                n.booking = std::max(st->column_int(0), optional_int(*st, 4).value_or(1));
                n.session = std::max(st->column_int(1), optional_int(*st, 5).value_or(1));
                n.queue_entry = std::max(st->column_int(2), optional_int(*st, 6).value_or(1));
                n.series = std::max(st->column_int(3), optional_int(*st, 7).value_or(1));
                ETABLI_TRY(as_of, read_optional_ts(*st, 8, "alloc_state", "1", "as_of"));
                s.as_of = *as_of;
            }
        }
        if (m_conn.dialect() == Dialect::postgres) {
            ETABLI_CHECK(tx->commit());
            // The next id after the largest of each kind loaded (as the engine counts them).
            alloc::IdCounters loaded{0, 0, 0, 0};
            for (const alloc::Booking& b : s.bookings) {
                loaded.booking = std::max(loaded.booking, b.id + 1);
                if (b.series) loaded.series = std::max(loaded.series, *b.series + 1);
            }
            for (const alloc::Session& x : s.sessions) loaded.session = std::max(loaded.session, x.id + 1);
            for (const alloc::QueueEntry& q : s.queue) loaded.queue_entry = std::max(loaded.queue_entry, q.id + 1);
            // A block below another station's rows is left for a new one, above every block
            // given so far: the engine names its rows after the largest id it loaded.
            IdBlocks& b = m_id_blocks;
            if (loaded.booking > b.next.booking) b.end.booking = b.next.booking;
            if (loaded.session > b.next.session) b.end.session = b.next.session;
            if (loaded.queue_entry > b.next.queue_entry) b.end.queue_entry = b.next.queue_entry;
            if (loaded.series > b.next.series) b.end.series = b.next.series;
            ETABLI_TRY(ids, next_alloc_ids());
            s.next_ids = *ids;
            m_bookings_seen.clear();
            for (const alloc::Booking& x : s.bookings) m_bookings_seen[x.id] = BookingSeen{x.state, x.start, x.end, x.machine};
            return s;
        }
        std::optional<alloc::BookingId> stored_floor;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT floor FROM bookings_live_floor WHERE id = 1"));
            ETABLI_TRY(row, st->step());
            if (*row) stored_floor = st->column_int(0);
        }
        ETABLI_CHECK(tx->commit());
        advance_live_floor(m_conn, s, stored_floor);
        return s;
    });
}

// [Commit] ---------------------------------------------------------------------------------

std::expected<void, Problem> SqlStore::commit_alloc(const alloc::Changes& c, std::optional<core::MemberId> actor,
                                                       Timestamp at) {
    if (m_conn.dialect() == Dialect::postgres) return commit_alloc_postgres(c, actor, at);
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(newest, newest_booking(m_conn));
        const bool counters = !rows_tell_counters(c, m_alloc_ids_stored, *newest);
        // Machines first: the bookings, sessions and queue entries of this decision may
        // refer to a machine it adds.
        for (const alloc::Machine& m : c.machines) ETABLI_CHECK(write_machine(m_conn, m, actor, at));
        for (const alloc::Booking& b : c.bookings) ETABLI_CHECK(write_booking(m_conn, b, actor, at));
        for (const alloc::Session& x : c.sessions) ETABLI_CHECK(write_session(m_conn, x, actor, at));
        for (const alloc::QueueEntry& q : c.queue) ETABLI_CHECK(write_queue_entry(m_conn, q, actor, at));
        for (alloc::QueueEntryId id : c.queue_removed) ETABLI_CHECK(remove_queue_entry(m_conn, id, actor, at));
        if (counters)
            ETABLI_CHECK(write_counters(m_conn, c.next_ids, c.as_of,
                                        *newest ? std::optional<std::string>{(*newest)->created_at} : std::nullopt));
        ETABLI_CHECK(tx->commit());
        m_alloc_ids_stored = c.next_ids;
        return {};
    });
}

// [PostgreSQL] -----------------------------------------------------------------------------
// Several stations, one database: each engine names its rows from blocks of ids that only
// its station holds (the sequences count by kIdBlock, PostgreSQL 003), and what two engines
// decided without knowing of each other is refused by the constraints.

namespace {

constexpr std::int64_t kIdBlock = 100000;  // the sequences' INCREMENT BY
// A block with fewer ids left than this is replaced at the next load: no decision names
// that many rows (a weekly series is at most a year of weeks). A station that went through
// its block without loading again (99,000 decisions) has one decision refused, then a new one.
constexpr std::int64_t kIdMargin = 1000;

std::expected<std::int64_t, Problem> take_block(Connection& c, const char* sql) {
    ETABLI_TRY(st, c.prepare(sql));
    ETABLI_TRY(row, st->step());
    if (!*row) return std::unexpected(storage_problem("no block of ids"));
    return st->column_int(0);
}

// What PostgreSQL refused, in the words a member understands: what another station did
// that this one did not know yet (it reloads, and the next decision knows).
Problem alloc_refusal(const Connection& c, Problem p) {
    const std::string constraint = c.failed_constraint();
    if (constraint == "bookings_no_overlap")
        return core::problem("This machine was just booked at another station for that time: choose another time");
    if (constraint == "sessions_open")
        return core::problem("This machine was just started at another station");
    return p;
}

// [PostgreSQL] The weekly quota, counted again by the database's side (commit_alloc_postgres).
struct QuotaCheck {
    const alloc::Booking* booking = nullptr;
    std::int64_t quota_min = 0;
    bool pool = false;  // the machine's pool counts together
    std::string pool_name;
};

// The bookings of `bookings` to count: holding time, on a machine with a quota, and new or
// moved beyond what the database holds (a state that changes, a booking kept as it was or
// shortened, a session ended early, counts nothing new: the engine's own check would not
// refuse it either, even after a quota lowered).
std::expected<std::vector<QuotaCheck>, Problem> quota_to_count(Connection& c, const std::vector<alloc::Booking>& bookings) {
    std::vector<QuotaCheck> out;
    for (const alloc::Booking& b : bookings) {
        if (!alloc::occupies(b.state)) continue;
        ETABLI_TRY(st, c.cached("SELECT m.quota_week_min, m.quota_scope = 'pool' AND m.pool IS NOT NULL, coalesce(m.pool, ''), "
                                "(SELECT count(*) FROM bookings o WHERE o.id = ?2 AND o.machine_id = ?1 AND o.starts_at <= ?3 AND o.ends_at >= ?4 "
                                "AND o.state IN ('booked', 'active', 'completed')) "
                                "FROM machines m WHERE m.id = ?1"));
        (*st)->bind(1, b.machine).bind(2, b.id).bind(3, ts(b.start)).bind(4, ts(b.end));
        ETABLI_TRY(row, (*st)->step());
        if (!*row || (*st)->is_null(0) || (*st)->column_int(3) > 0) {
            (*st)->reset();
            continue;
        }
        out.push_back(QuotaCheck{&b, (*st)->column_int(0), (*st)->column_int(1) != 0, (*st)->column_text(2)});
        (*st)->reset();
    }
    return out;
}

// The member's time held in the worst sliding week that meets the booking, with every
// station's rows (alloc::week_peak, as the engine counts): over the quota, refused.
std::expected<void, Problem> quota_holds(Connection& c, const QuotaCheck& q) {
    const alloc::Booking& b = *q.booking;
    ETABLI_TRY(st, c.cached("SELECT b.starts_at, b.ends_at FROM bookings b JOIN machines m ON m.id = b.machine_id "
                            "WHERE b.member_id = ?1 AND b.state IN ('booked', 'active', 'completed') "
                            "AND b.starts_at < ?3 AND b.ends_at > ?2 AND (b.machine_id = ?4 OR (?5 = 1 AND m.pool = ?6))"));
    (*st)->bind(1, b.member).bind(2, ts(b.start - alloc::kQuotaWeek)).bind(3, ts(b.end + alloc::kQuotaWeek)).bind(4, b.machine);
    (*st)->bind(5, std::int64_t{q.pool ? 1 : 0}).bind(6, q.pool_name);
    std::vector<std::pair<Timestamp, Timestamp>> held;
    while (true) {
        ETABLI_TRY(row, (*st)->step());
        if (!*row) break;
        ETABLI_TRY(from, read_ts(**st, 0, "bookings", std::to_string(b.id), "starts_at"));
        ETABLI_TRY(to, read_ts(**st, 1, "bookings", std::to_string(b.id), "ends_at"));
        held.emplace_back(*from, *to);
    }
    const alloc::WeekPeak peak = alloc::week_peak(held.data(), held.data() + held.size(), b.start, b.end);
    if (peak.worst <= std::chrono::minutes{q.quota_min}) return {};
    return std::unexpected(core::problem("The weekly quota is already used: another station booked for this member meanwhile. "
                                         "Choose a shorter time, or another week"));
}

}  // namespace

std::expected<alloc::IdCounters, Problem> SqlStore::next_alloc_ids() {
    IdBlocks& b = m_id_blocks;
    struct Kind {
        std::int64_t alloc::IdCounters::*field;
        const char* sql;
    };
    static constexpr Kind kinds[] = {
        {&alloc::IdCounters::booking, "SELECT nextval(pg_get_serial_sequence('bookings', 'id'))"},
        {&alloc::IdCounters::session, "SELECT nextval(pg_get_serial_sequence('sessions', 'id'))"},
        {&alloc::IdCounters::queue_entry, "SELECT nextval(pg_get_serial_sequence('queue_entries', 'id'))"},
        {&alloc::IdCounters::series, "SELECT nextval('booking_series')"},
    };
    for (const Kind& k : kinds) {
        if (b.held && b.end.*(k.field) - b.next.*(k.field) >= kIdMargin) continue;
        ETABLI_TRY(start, take_block(m_conn, k.sql));
        b.next.*(k.field) = *start;
        b.end.*(k.field) = *start + kIdBlock;
    }
    b.held = true;
    return b.next;
}

std::expected<void, Problem> SqlStore::commit_alloc_postgres(const alloc::Changes& c, std::optional<core::MemberId> actor,
                                                             Timestamp at) {
    // The decision's ids are spent whatever comes of its commit: one whose answer was lost
    // (the link dropped at COMMIT) may have landed, and an id is never given twice.
    struct Spend {
        IdBlocks& w;
        const alloc::IdCounters& n;
        ~Spend() {
            if (!w.held) return;
            w.next.booking = std::max(w.next.booking, n.booking);
            w.next.session = std::max(w.next.session, n.session);
            w.next.queue_entry = std::max(w.next.queue_entry, n.queue_entry);
            w.next.series = std::max(w.next.series, n.series);
        }
    } spend{m_id_blocks, c.next_ids};
    return guarded([&]() -> std::expected<void, Problem> {
        // The blocks are taken at the first load; a decision committed before any (a tool's
        // or a test's) takes them now.
        if (!m_id_blocks.held) ETABLI_CHECK(next_alloc_ids());
        const IdBlocks& b = m_id_blocks;
        const alloc::IdCounters& n = c.next_ids;
        if ((n.booking > b.end.booking || n.session > b.end.session || n.queue_entry > b.end.queue_entry ||
                       n.series > b.end.series))
            return std::unexpected(core::problem("This station has used its block of booking numbers and takes a new one: try again"));
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const alloc::Machine& m : c.machines) ETABLI_CHECK(write_machine(m_conn, m, actor, at));
        // The weekly quotas, which no constraint can hold: a booking new or moved on a machine
        // with a quota is counted again once written, under the write lock, with every
        // station's rows (another station may have booked for the same member meanwhile).
        ETABLI_TRY(to_count, quota_to_count(m_conn, c.bookings));
        for (const alloc::Booking& x : c.bookings) {
            // Changed by another station since this one last saw it: not written over.
            if (auto seen = m_bookings_seen.find(x.id); seen != m_bookings_seen.end()) {
                ETABLI_TRY(st, m_conn.cached("SELECT state, starts_at, ends_at, machine_id, host_note FROM bookings WHERE id = ?1"));
                (*st)->bind(1, x.id);
                ETABLI_TRY(row, (*st)->step());
                if (*row) {
                    const BookingSeen& was = seen->second;
                    ETABLI_TRY(from, read_ts(**st, 1, "bookings", std::to_string(x.id), "starts_at"));
                    ETABLI_TRY(to, read_ts(**st, 2, "bookings", std::to_string(x.id), "ends_at"));
                    const std::string state = (*st)->column_text(0);
                    const alloc::MachineId machine = (*st)->column_int(3);
                    const bool as_seen = state == alloc::to_string(was.state) && *from == was.start && *to == was.end && machine == was.machine;
                    // Another station made the same change already (two engines ending the
                    // same no-show): nothing is written over. A host's note differs: refused.
                    const bool as_written = state == alloc::to_string(x.state) && *from == x.start && *to == x.end && machine == x.machine &&
                                            (*st)->column_optional_text(4) == x.host_note;
                    (*st)->reset();
                    if (!as_seen && !as_written)
                        return std::unexpected(core::problem("This booking was just changed at another station: look at it again"));
                }
            }
            if (auto r = write_booking(m_conn, x, actor, at); !r) return std::unexpected(alloc_refusal(m_conn, r.error()));
        }
        for (const QuotaCheck& q : *to_count) ETABLI_CHECK(quota_holds(m_conn, q));
        for (const alloc::Session& x : c.sessions)
            if (auto r = write_session(m_conn, x, actor, at); !r) return std::unexpected(alloc_refusal(m_conn, r.error()));
        for (const alloc::QueueEntry& q : c.queue) ETABLI_CHECK(write_queue_entry(m_conn, q, actor, at));
        for (alloc::QueueEntryId id : c.queue_removed) ETABLI_CHECK(remove_queue_entry(m_conn, id, actor, at));
        ETABLI_TRY(st, m_conn.cached("INSERT INTO alloc_state (id, as_of) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE "
                                     "SET as_of = GREATEST(alloc_state.as_of, excluded.as_of)"));
        (*st)->bind(1, ts(c.as_of));
        ETABLI_CHECK((*st)->run());
        ETABLI_CHECK(tx->commit());
        for (const alloc::Booking& x : c.bookings) m_bookings_seen[x.id] = BookingSeen{x.state, x.start, x.end, x.machine};
        return {};
    });
}

std::expected<void, Problem> SqlStore::save_hours(const alloc::OpeningHours& h, std::optional<core::MemberId> actor,
                                                     Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_CHECK(m_conn.exec("DELETE FROM opening_weekly; DELETE FROM opening_exceptions;"));
        std::int64_t windows = 0;
        {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO opening_weekly (weekday, from_min, to_min) VALUES (?1, ?2, ?3)"));
            for (std::size_t day = 0; day < h.weekly.size(); ++day) {
                for (const alloc::DayWindow& w : h.weekly[day]) {
                    (*st)->reset();
                    (*st)->bind(1, static_cast<std::int64_t>(day)).bind(2, std::int64_t{w.from}).bind(3, std::int64_t{w.to});
                    ETABLI_CHECK((*st)->run());
                    ++windows;
                }
            }
        }
        std::int64_t closed = 0, special = 0;
        {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO opening_exceptions (day, from_min, to_min) VALUES (?1, ?2, ?3)"));
            for (const auto& [day, list] : h.exceptions) {
                const std::string text = core::format_date(day);
                if (list.empty()) {
                    (*st)->reset();
                    (*st)->bind(1, text).bind_null(2).bind_null(3);
                    ETABLI_CHECK((*st)->run());
                    ++closed;
                    continue;
                }
                ++special;
                for (const alloc::DayWindow& w : list) {
                    (*st)->reset();
                    (*st)->bind(1, text).bind(2, std::int64_t{w.from}).bind(3, std::int64_t{w.to});
                    ETABLI_CHECK((*st)->run());
                }
            }
        }
        ETABLI_CHECK(append_event(m_conn, at, actor, "hours.set", "hours",
                                  Detail{}.add("weekly_windows", windows).add("closed_days", closed)
                                      .add("special_days", special)));
        return tx->commit();
    });
}

// [History] --------------------------------------------------------------------------------

std::expected<std::vector<alloc::Session>, Problem> SqlStore::sessions_between(Timestamp from, Timestamp to,
                                                                                  std::size_t limit) {
    return guarded([&]() -> std::expected<std::vector<alloc::Session>, Problem> {
        std::vector<alloc::Session> out;
        ETABLI_TRY(st, m_conn.cached("SELECT " ETABLI_SESSION_COLUMNS " FROM sessions "
                                     "WHERE started_at >= ?1 AND started_at < ?2 "
                                     "ORDER BY started_at DESC, id DESC LIMIT ?3"));
        const auto cap = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        (*st)->bind(1, ts(from)).bind(2, ts(to)).bind(3, static_cast<std::int64_t>(std::min(limit, cap)));
        while (true) {
            ETABLI_TRY(row, (*st)->step());
            if (!*row) break;
            ETABLI_TRY(x, read_session(**st));
            out.push_back(std::move(*x));
        }
        // A finished SELECT holds no read lock, but reset it anyway: the next write must not
        // find it mid-way.
        (*st)->reset();
        return out;
    });
}

}  // namespace etabli::db

#undef ETABLI_MACHINE_COLUMNS
#undef ETABLI_BOOKING_COLUMNS
#undef ETABLI_SESSION_COLUMNS
#undef ETABLI_QUEUE_COLUMNS
#undef ETABLI_TRY
#undef ETABLI_CHECK
