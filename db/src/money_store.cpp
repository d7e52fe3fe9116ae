// SqlStore, memberships and the receipts journal: the tables of
// db/migrations/018_money.sql. Plans and the closed days are loaded at start; receipts are
// appended (their ids come from the database) and read a day or a period at a time.
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// Event log: plan:N     plan.added, plan.changed
//            receipt:N  receipt.recorded, receipt.corrected (detail: amount, means, what)
//            member:N   membership.paid (detail: until, plan)
//            closing:D  closing.confirmed (detail: lines, total)
// Details hold ids, amounts and days only: never a label or a note.
#include <etabli/db/sql_store.hpp>

#include "receipt_rows.hpp"
#include "store_support.hpp"

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

std::expected<core::Plan, Problem> read_plan(const Statement& st) {
    core::Plan p;
    p.id = st.column_int(0);
    p.name = st.column_text(1);
    p.months = static_cast<int>(st.column_int(2));
    p.price_cents = st.column_int(3);
    p.free_price = st.column_int(4) != 0;
    p.active = st.column_int(5) != 0;
    return p;
}

std::string totals_text(const core::Closing& c) {
    std::string s;
    for (const auto& [means, cents] : c.totals) s += (s.empty() ? "" : ";") + std::string(core::to_string(means)) + "=" + std::to_string(cents);
    return s;
}

}  // namespace

// [Receipt rows] shared with the bike register (a sale's payment).
namespace receipt_rows {

#define ETABLI_RECEIPT_COLUMNS \
    "id, at, day, amount_cents, means, what, label, member_id, plan_id, bike_id, by_member_id, corrects, external_ref, note"

std::expected<core::ReceiptId, Problem> insert(Connection& c, const core::Receipt& r) {
    ETABLI_TRY(st, c.cached("INSERT INTO receipts (at, day, amount_cents, means, what, label, member_id, plan_id, bike_id, "
                            "by_member_id, corrects, external_ref, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id"));
    (*st)->bind(1, ts(r.at)).bind(2, core::format_date(r.day)).bind(3, r.amount_cents).bind(4, core::to_string(r.means))
        .bind(5, core::to_string(r.what)).bind(6, r.label).bind(7, r.member).bind(8, r.plan).bind(9, r.bike).bind(10, r.by)
        .bind(11, r.corrects)
        .bind(12, r.external_ref.empty() ? std::optional<std::string>{} : std::optional<std::string>{r.external_ref})
        .bind(13, r.note);
    ETABLI_TRY(new_id, store_support::run_returning_id(**st));
    const auto id = *new_id;
    Detail d;
    d.add("amount", r.amount_cents).add("means", core::to_string(r.means)).add("what", core::to_string(r.what));
    if (r.corrects) d.add("corrects", *r.corrects);
    ETABLI_CHECK(append_event(c, r.at, r.by, r.corrects ? "receipt.corrected" : "receipt.recorded", "receipt:" + std::to_string(id), d));
    return id;
}

std::expected<core::Receipt, Problem> read(const Statement& st) {
    core::Receipt r;
    r.id = st.column_int(0);
    const auto key = std::to_string(r.id);
    ETABLI_TRY(at, read_ts(st, 1, "receipts", key, "at"));
    r.at = *at;
    auto day = core::parse_date(st.column_text(2));
    if (!day) return std::unexpected(bad_row("receipts", key, "day", st.column_text(2)));
    r.day = *day;
    r.amount_cents = st.column_int(3);
    ETABLI_TRY(means, read_enum<core::PayMeans>(st, 4, "receipts", key, "means", core::pay_means_from_string));
    r.means = *means;
    ETABLI_TRY(what, read_enum<core::ReceiptFor>(st, 5, "receipts", key, "what", core::receipt_for_from_string));
    r.what = *what;
    r.label = st.column_text(6);
    if (!st.is_null(7)) r.member = st.column_int(7);
    if (!st.is_null(8)) r.plan = st.column_int(8);
    if (!st.is_null(9)) r.bike = st.column_int(9);
    if (!st.is_null(10)) r.by = st.column_int(10);
    if (!st.is_null(11)) r.corrects = st.column_int(11);
    r.external_ref = st.column_optional_text(12).value_or("");
    r.note = st.column_text(13);
    return r;
}

}  // namespace receipt_rows

std::expected<app::MoneyData, Problem> SqlStore::load_money() {
    return guarded([&]() -> std::expected<app::MoneyData, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::MoneyData d;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id, name, months, price_cents, free_price, active FROM plans ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Plan>(*st, read_plan));
            d.plans = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT day FROM closings"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto day = core::parse_date(st->column_text(0));
                if (!day) return std::unexpected(bad_row("closings", st->column_text(0), "day", st->column_text(0)));
                d.closed_days.insert(std::chrono::sys_days{*day}.time_since_epoch().count());
            }
        }
        ETABLI_CHECK(tx->commit());  // the ids' floor after the read (PostgreSQL takes blocks)
        ETABLI_TRY(mp, id_floor("plans"));
        d.max_plan_id = *mp;
        return d;
    });
}

std::expected<std::vector<core::ReceiptId>, Problem> SqlStore::commit_money(const app::MoneyChanges& c,
                                                                               std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<std::vector<core::ReceiptId>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const auto& p : c.plans) {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO plans (id, name, months, price_cents, free_price, active, created_at) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                                         "months = excluded.months, price_cents = excluded.price_cents, "
                                         "free_price = excluded.free_price, active = excluded.active"));
            (*st)->bind(1, p.id).bind(2, p.name).bind(3, std::int64_t{p.months}).bind(4, p.price_cents)
                .bind(5, std::int64_t{p.free_price ? 1 : 0}).bind(6, std::int64_t{p.active ? 1 : 0}).bind(7, ts(at));
            ETABLI_CHECK((*st)->run());
        }
        std::vector<core::ReceiptId> ids;
        for (const auto& r : c.receipts) {
            ETABLI_TRY(id, receipt_rows::insert(m_conn, r));
            ids.push_back(*id);
        }
        for (const auto& m : c.memberships) {
            if (m.receipt >= ids.size()) {
                const std::string detail = "a membership without its receipt";  // in English: a storage error's detail
                return std::unexpected(storage_problem(detail));
            }
            ETABLI_TRY(st, m_conn.cached("INSERT INTO memberships (member_id, plan_id, receipt_id, until_day, created_at) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5)"));
            (*st)->bind(1, m.member).bind(2, m.plan).bind(3, ids[m.receipt]).bind(4, core::format_date(m.until)).bind(5, ts(at));
            ETABLI_CHECK((*st)->run());
            ETABLI_TRY(up, m_conn.cached("UPDATE members SET valid_until = ?1, updated_at = ?2 WHERE id = ?3"));
            (*up)->bind(1, core::format_date(m.until)).bind(2, ts(at)).bind(3, m.member);
            ETABLI_CHECK((*up)->run());
            if (m_conn.changes() != 1) {
                const std::string detail = "no member " + std::to_string(m.member);
                return std::unexpected(storage_problem(detail));
            }
            Detail d;
            d.add("until", core::format_date(m.until));
            if (m.plan) d.add("plan", *m.plan);
            ETABLI_CHECK(append_event(m_conn, at, actor, "membership.paid", "member:" + std::to_string(m.member), d));
        }
        if (const auto& k = c.closing) {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO closings (day, lines, total_cents, totals, confirmed_at, by_member_id) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
            (*st)->bind(1, core::format_date(k->day)).bind(2, k->lines).bind(3, k->total_cents).bind(4, totals_text(*k))
                .bind(5, ts(k->confirmed_at)).bind(6, k->by);
            ETABLI_CHECK((*st)->run());
        }
        for (const auto& e : c.events) {
            Detail d;
            for (const auto& [key, v] : e.detail) d.add(key, v);
            ETABLI_CHECK(append_event(m_conn, at, actor, e.kind, e.subject, d));
        }
        ETABLI_CHECK(tx->commit());
        return ids;
    });
}

std::expected<std::vector<core::Receipt>, Problem> SqlStore::receipts_between(core::Date from, core::Date to) {
    return guarded([&]() -> std::expected<std::vector<core::Receipt>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_RECEIPT_COLUMNS " FROM receipts WHERE day >= ?1 AND day <= ?2 ORDER BY day, id"));
        st->bind(1, core::format_date(from)).bind(2, core::format_date(to));
        return read_all<core::Receipt>(*st, receipt_rows::read);
    });
}

std::expected<std::optional<core::Receipt>, Problem> SqlStore::find_receipt(core::ReceiptId id, bool corrected) {
    return guarded([&]() -> std::expected<std::optional<core::Receipt>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        ETABLI_TRY(st, m_conn.prepare(corrected ? "SELECT " ETABLI_RECEIPT_COLUMNS " FROM receipts WHERE corrects = ?1"
                                                : "SELECT " ETABLI_RECEIPT_COLUMNS " FROM receipts WHERE id = ?1"));
        st->bind(1, id);
        ETABLI_TRY(row, st->step());
        if (!*row) return std::optional<core::Receipt>{};
        ETABLI_TRY(r, receipt_rows::read(*st));
        return std::optional<core::Receipt>{*r};
    });
}

std::expected<std::optional<core::Closing>, Problem> SqlStore::closing(core::Date day) {
    return guarded([&]() -> std::expected<std::optional<core::Closing>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        ETABLI_TRY(st, m_conn.prepare("SELECT lines, total_cents, totals, confirmed_at, by_member_id FROM closings WHERE day = ?1"));
        st->bind(1, core::format_date(day));
        ETABLI_TRY(row, st->step());
        if (!*row) return std::optional<core::Closing>{};
        core::Closing k;
        k.day = day;
        k.lines = st->column_int(0);
        k.total_cents = st->column_int(1);
        const std::string totals = st->column_text(2);
        for (std::size_t a = 0; a < totals.size();) {
            const auto b = std::min(totals.find(';', a), totals.size());
            const auto part = totals.substr(a, b - a);
            const auto eq = part.find('=');
            auto means = core::pay_means_from_string(part.substr(0, eq));
            if (!means || eq == std::string::npos) return std::unexpected(bad_row("closings", core::format_date(day), "totals", totals));
            k.totals.emplace_back(*means, std::stoll(part.substr(eq + 1)));
            a = b + 1;
        }
        ETABLI_TRY(at, read_ts(*st, 3, "closings", core::format_date(day), "confirmed_at"));
        k.confirmed_at = *at;
        if (!st->is_null(4)) k.by = st->column_int(4);
        return std::optional<core::Closing>{k};
    });
}

std::expected<std::vector<std::string>, Problem> SqlStore::known_references(const std::vector<std::string>& refs) {
    return guarded([&]() -> std::expected<std::vector<std::string>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        std::vector<std::string> out;
        ETABLI_TRY(st, m_conn.cached("SELECT 1 FROM receipts WHERE external_ref = ?1"));
        for (const auto& r : refs) {
            (*st)->bind(1, r);
            ETABLI_TRY(row, (*st)->step());
            if (*row) out.push_back(r);
            (*st)->reset();
        }
        return out;
    });
}

}  // namespace etabli::db
