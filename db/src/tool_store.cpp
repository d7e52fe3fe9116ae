// SqlStore, tool-library part: tools, loans and reservations
// (db/migrations/004_tools.sql), loaded once at start and written one use case per
// transaction (a checkout basket of several tools is one commit), with the events the
// station named. Who may borrow a tool is a skill grant (skill_store.cpp). Layer:
// db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// [SECTION] Index
//   [Readers]  one row → one core record
//   [Load]     load_tools
//   [Commit]   commit_tools
//   [History]  loan_history, overdue_loans
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <sqlite3.h>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_TOOL_COLUMNS                                                                       \
    "id, name, category, tag, location, condition, status, loan_days, deposit_cents, max_renewals, " \
    "notes, photo, needs_authorisation, created_at, updated_at"
#define ETABLI_LOAN_COLUMNS                                                                          \
    "id, tool_id, member_id, basket, lent_at, due_day, returned_at, renewals, deposit_cents, deposit, " \
    "deposit_reason, return_condition, return_note, lent_by"
#define ETABLI_RESERVATION_COLUMNS "id, tool_id, member_id, kind, state, from_day, to_day, held_until, created_at"

// [Readers] --------------------------------------------------------------------------------
std::expected<core::Date, Problem> read_day(const Statement& st, int col, std::string_view table, std::string_view key,
                                            std::string_view column) {
    auto text = st.column_text(col);
    auto d = core::parse_date(text);
    if (!d) return std::unexpected(bad_row(table, key, column, text));
    return *d;
}

std::expected<core::Tool, Problem> read_tool(const Statement& st) {
    core::Tool t;
    t.id = st.column_int(0);
    const auto key = std::to_string(t.id);
    t.name = st.column_text(1);
    t.category = st.column_text(2);
    t.tag = st.column_text(3);
    t.location = st.column_text(4);
    auto cond = st.column_text(5);
    auto c = core::tool_condition_from_string(cond);
    if (!c) return std::unexpected(bad_row("tools", key, "condition", cond));
    t.condition = *c;
    auto status = st.column_text(6);
    auto s = core::tool_status_from_string(status);
    if (!s) return std::unexpected(bad_row("tools", key, "status", status));
    t.status = *s;
    t.loan_days = static_cast<int>(st.column_int(7));
    t.deposit_cents = st.column_int(8);
    t.max_renewals = static_cast<int>(st.column_int(9));
    t.notes = st.column_text(10);
    t.photo = st.column_optional_text(11);
    t.needs_authorisation = st.column_int(12) != 0;
    ETABLI_TRY(created, read_ts(st, 13, "tools", key, "created_at"));
    ETABLI_TRY(updated, read_ts(st, 14, "tools", key, "updated_at"));
    t.created_at = *created;
    t.updated_at = *updated;
    return t;
}

std::expected<core::Loan, Problem> read_loan(const Statement& st) {
    core::Loan l;
    l.id = st.column_int(0);
    const auto key = std::to_string(l.id);
    l.tool = st.column_int(1);
    l.member = st.column_int(2);
    l.basket = st.column_int(3);
    ETABLI_TRY(lent, read_ts(st, 4, "loans", key, "lent_at"));
    l.lent_at = *lent;
    ETABLI_TRY(due, read_day(st, 5, "loans", key, "due_day"));
    l.due = *due;
    if (!st.is_null(6)) {
        ETABLI_TRY(ret, read_ts(st, 6, "loans", key, "returned_at"));
        l.returned_at = *ret;
    }
    l.renewals = static_cast<int>(st.column_int(7));
    l.deposit_cents = st.column_int(8);
    auto dep = st.column_text(9);
    auto d = core::deposit_state_from_string(dep);
    if (!d) return std::unexpected(bad_row("loans", key, "deposit", dep));
    l.deposit = *d;
    l.deposit_reason = st.column_text(10);
    if (auto rc = st.column_optional_text(11)) {
        auto c = core::tool_condition_from_string(*rc);
        if (!c) return std::unexpected(bad_row("loans", key, "return_condition", *rc));
        l.return_condition = *c;
    }
    l.return_note = st.column_text(12);
    if (!st.is_null(13)) l.lent_by = st.column_int(13);
    return l;
}

std::expected<core::Reservation, Problem> read_reservation(const Statement& st) {
    core::Reservation r;
    r.id = st.column_int(0);
    const auto key = std::to_string(r.id);
    r.tool = st.column_int(1);
    r.member = st.column_int(2);
    auto kind = st.column_text(3);
    auto k = core::reservation_kind_from_string(kind);
    if (!k) return std::unexpected(bad_row("tool_reservations", key, "kind", kind));
    r.kind = *k;
    auto state = st.column_text(4);
    auto s = core::reservation_state_from_string(state);
    if (!s) return std::unexpected(bad_row("tool_reservations", key, "state", state));
    r.state = *s;
    ETABLI_TRY(from, read_day(st, 5, "tool_reservations", key, "from_day"));
    ETABLI_TRY(to, read_day(st, 6, "tool_reservations", key, "to_day"));
    r.from = *from;
    r.to = *to;
    if (!st.is_null(7)) {
        ETABLI_TRY(h, read_day(st, 7, "tool_reservations", key, "held_until"));
        r.held_until = *h;
    }
    ETABLI_TRY(created, read_ts(st, 8, "tool_reservations", key, "created_at"));
    r.created_at = *created;
    return r;
}

// [Commit] ---------------------------------------------------------------------------------
std::expected<void, Problem> write_tool(Connection& c, const core::Tool& t) {
    ETABLI_TRY(st, c.cached("INSERT INTO tools (" ETABLI_TOOL_COLUMNS ") VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
                            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, category = excluded.category, "
                            "tag = excluded.tag, location = excluded.location, condition = excluded.condition, "
                            "status = excluded.status, loan_days = excluded.loan_days, "
                            "deposit_cents = excluded.deposit_cents, max_renewals = excluded.max_renewals, "
                            "notes = excluded.notes, photo = excluded.photo, "
                            "needs_authorisation = excluded.needs_authorisation, updated_at = excluded.updated_at"));
    (*st)->bind(1, t.id).bind(2, t.name).bind(3, t.category).bind(4, t.tag).bind(5, t.location)
        .bind(6, core::to_string(t.condition)).bind(7, core::to_string(t.status))
        .bind(8, std::int64_t{t.loan_days}).bind(9, t.deposit_cents).bind(10, std::int64_t{t.max_renewals})
        .bind(11, t.notes).bind(12, t.photo).bind(13, std::int64_t{t.needs_authorisation ? 1 : 0})
        .bind(14, ts(t.created_at)).bind(15, ts(t.updated_at));
    if (auto r = (*st)->run(); !r) {
        if (c.error_code() == SQLITE_CONSTRAINT) {
            // In English: the detail of "Storage error: {0}", not a message.
            const std::string detail = "the tag " + t.tag + " is already used by another tool";
            return std::unexpected(storage_problem(detail));
        }
        return r;
    }
    return {};
}

std::expected<void, Problem> write_loan(Connection& c, const core::Loan& l) {
    ETABLI_TRY(st, c.cached("INSERT INTO loans (" ETABLI_LOAN_COLUMNS ") VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
                            "ON CONFLICT(id) DO UPDATE SET due_day = excluded.due_day, "
                            "returned_at = excluded.returned_at, renewals = excluded.renewals, "
                            "deposit = excluded.deposit, deposit_reason = excluded.deposit_reason, "
                            "return_condition = excluded.return_condition, return_note = excluded.return_note "
                            // A loan given back stays given back as it was: a station that
                            // had not seen the return (several stations) changes nothing.
                            "WHERE loans.returned_at IS NULL OR loans.returned_at IS NOT DISTINCT FROM excluded.returned_at"));
    std::optional<std::string> returned;
    if (l.returned_at) returned = ts(*l.returned_at);
    std::optional<std::string> cond;
    if (l.return_condition) cond = std::string(core::to_string(*l.return_condition));
    (*st)->bind(1, l.id).bind(2, l.tool).bind(3, l.member).bind(4, l.basket).bind(5, ts(l.lent_at))
        .bind(6, core::format_date(l.due)).bind(7, returned).bind(8, std::int64_t{l.renewals})
        .bind(9, l.deposit_cents).bind(10, core::to_string(l.deposit)).bind(11, l.deposit_reason).bind(12, cond)
        .bind(13, l.return_note).bind(14, l.lent_by);
    if (auto r = (*st)->run(); !r) {
        // Several stations: another one lent it meanwhile (this one reloads, and knows).
        if (c.failed_constraint() == "loans_open_by_tool") return std::unexpected(core::problem("This tool was just lent at another station"));
        if (c.error_code() == SQLITE_CONSTRAINT) {
            // In English: the detail of "Storage error: {0}", not a message.
            const std::string detail = "tool " + std::to_string(l.tool) + " is already out on another loan";
            return std::unexpected(storage_problem(detail));
        }
        return r;
    }
    if (c.changes() == 0) return std::unexpected(core::problem("This tool was already given back at another station"));
    return {};
}

std::expected<void, Problem> write_reservation(Connection& c, const core::Reservation& r) {
    ETABLI_TRY(st, c.cached("INSERT INTO tool_reservations (" ETABLI_RESERVATION_COLUMNS ") VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, from_day = excluded.from_day, "
                            "to_day = excluded.to_day, held_until = excluded.held_until"));
    std::optional<std::string> held;
    if (r.held_until) held = core::format_date(*r.held_until);
    (*st)->bind(1, r.id).bind(2, r.tool).bind(3, r.member).bind(4, core::to_string(r.kind))
        .bind(5, core::to_string(r.state)).bind(6, core::format_date(r.from)).bind(7, core::format_date(r.to))
        .bind(8, held).bind(9, ts(r.created_at));
    return (*st)->run();
}

}  // namespace

// [Load] -----------------------------------------------------------------------------------
std::expected<app::ToolData, Problem> SqlStore::load_tools() {
    return guarded([&]() -> std::expected<app::ToolData, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::ToolData d;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_TOOL_COLUMNS " FROM tools ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Tool>(*st, read_tool));
            d.tools = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_LOAN_COLUMNS " FROM loans WHERE returned_at IS NULL ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Loan>(*st, read_loan));
            d.open_loans = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_RESERVATION_COLUMNS
                                          " FROM tool_reservations WHERE state IN ('waiting', 'held') ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Reservation>(*st, read_reservation));
            d.reservations = std::move(*rows);
        }
        ETABLI_CHECK(tx->commit());
        ETABLI_TRY(ml, id_floor("loans"));
        ETABLI_TRY(mr, id_floor("tool_reservations"));
        ETABLI_TRY(mt, id_floor("tools"));
        d.max_loan_id = *ml;
        d.max_reservation_id = *mr;
        d.max_tool_id = *mt;
        return d;
    });
}

// [Commit] ---------------------------------------------------------------------------------
std::expected<void, Problem> SqlStore::commit_tools(const app::ToolChanges& c, std::optional<core::MemberId> actor,
                                                       Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        for (const auto& t : c.tools) ETABLI_CHECK(id_in_block("tools", t.id));
        for (const auto& l : c.loans) ETABLI_CHECK(id_in_block("loans", l.id));
        for (const auto& r : c.reservations) ETABLI_CHECK(id_in_block("tool_reservations", r.id));
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const auto& t : c.tools) ETABLI_CHECK(write_tool(m_conn, t));
        for (const auto& l : c.loans) ETABLI_CHECK(write_loan(m_conn, l));
        for (const auto& r : c.reservations) ETABLI_CHECK(write_reservation(m_conn, r));
        for (const auto& e : c.events) {
            Detail d;
            for (const auto& [k, v] : e.detail) d.add(k, v);
            ETABLI_CHECK(append_event(m_conn, at, actor, e.kind, e.subject, d));
        }
        return tx->commit();
    });
}

// [History] --------------------------------------------------------------------------------
std::expected<std::vector<core::Loan>, Problem> SqlStore::loan_history(std::optional<core::MemberId> member,
                                                                           std::size_t limit) {
    return guarded([&]() -> std::expected<std::vector<core::Loan>, Problem> {
        ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_LOAN_COLUMNS " FROM loans WHERE member_id = ?1 OR ?1 IS NULL "
                                      // typed use first (PostgreSQL): IS NULL gives a parameter no type
                                      "ORDER BY id DESC LIMIT ?2"));
        st->bind(1, member).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
        return read_all<core::Loan>(*st, read_loan);
    });
}

std::expected<std::vector<core::Loan>, Problem> SqlStore::overdue_loans(core::Date today) {
    return guarded([&]() -> std::expected<std::vector<core::Loan>, Problem> {
        // Through the partial index of open loans: the history is never read.
        ETABLI_TRY(st, m_conn.cached("SELECT " ETABLI_LOAN_COLUMNS " FROM loans "
                                     "WHERE returned_at IS NULL AND due_day < ?1 ORDER BY due_day, id"));
        (*st)->bind(1, core::format_date(today));
        auto rows = read_all<core::Loan>(**st, read_loan);
        (*st)->reset();
        return rows;
    });
}

}  // namespace etabli::db
