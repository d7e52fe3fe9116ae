// SqlStore's PINs: the table member_pins of migration 014; the hashing is pin.cpp's.
// Layer: db. The station thread (or the CLI's main thread), like every SqlStore call.
#include <etabli/db/audit.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

namespace etabli::db {

using namespace store_support;

namespace {

std::string pin_subject(core::MemberId id) { return "member:" + std::to_string(id); }

// The row of `member` (a state with set = false when there is none), and its hash.
struct PinRow {
    app::PinState state;
    std::optional<std::string> hash;
    bool exists = false;
};

std::expected<PinRow, Problem> read_pin(Connection& c, core::MemberId member) {
    PinRow row;
    row.state.member = member;
    ETABLI_TRY(st, c.cached("SELECT hash, failures, lockouts, locked_until FROM member_pins WHERE member_id = ?1"));
    (*st)->bind(1, member);
    ETABLI_TRY(found, (*st)->step());
    if (!*found) return row;
    row.exists = true;
    row.hash = (*st)->column_optional_text(0);
    row.state.set = row.hash && !row.hash->empty();
    row.state.failures = static_cast<int>((*st)->column_int(1));
    row.state.lockouts = static_cast<int>((*st)->column_int(2));
    if (auto until = (*st)->column_optional_text(3)) {
        auto t = core::parse_timestamp(*until);
        if (!t) return std::unexpected(bad_row("member_pins", std::to_string(member), "locked_until", *until));
        row.state.locked_until = *t;
    }
    return row;
}

std::expected<void, Problem> write_pin(Connection& c, const PinRow& row, core::Timestamp at) {
    ETABLI_TRY(st, c.cached("INSERT INTO member_pins (member_id, hash, failures, lockouts, locked_until, changed_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT(member_id) DO UPDATE SET hash = excluded.hash, failures = excluded.failures, "
                            "lockouts = excluded.lockouts, locked_until = excluded.locked_until, changed_at = excluded.changed_at"));
    Statement& s = **st;
    s.bind(1, row.state.member).bind(2, row.hash);
    s.bind(3, static_cast<std::int64_t>(row.state.failures)).bind(4, static_cast<std::int64_t>(row.state.lockouts));
    if (row.state.locked_until) s.bind(5, ts(*row.state.locked_until));
    else s.bind_null(5);
    s.bind(6, ts(at));
    return s.run();
}

std::expected<void, Problem> require_member(Connection& c, core::MemberId member) {
    ETABLI_TRY(st, c.cached("SELECT erased_at FROM members WHERE id = ?1"));
    (*st)->bind(1, member);
    ETABLI_TRY(found, (*st)->step());
    if (!*found) return std::unexpected(core::problem("No member has the number {0}", {std::to_string(member)}));
    if ((*st)->column_optional_text(0)) return std::unexpected(core::problem("This member was erased"));
    return {};
}

}  // namespace

std::expected<std::string, Problem> SqlStore::pepper() {
    if (!m_pepper) {
        ETABLI_TRY(p, installation_pepper(m_path));
        m_pepper = std::move(*p);
    }
    return *m_pepper;
}

std::expected<std::vector<app::MemberDataSection>, Problem> SqlStore::member_data(core::MemberId id) {
    return guarded([&]() -> std::expected<std::vector<app::MemberDataSection>, Problem> {
        ETABLI_TRY(sections, db::member_data(m_conn, id));
        std::vector<app::MemberDataSection> out;
        for (auto& s : *sections) out.push_back(app::MemberDataSection{std::move(s.name), std::move(s.columns), std::move(s.rows)});
        return out;
    });
}

std::expected<std::vector<app::AuditEntry>, Problem> SqlStore::recent_audit(std::optional<core::MemberId> who, std::size_t limit) {
    return guarded([&]() -> std::expected<std::vector<app::AuditEntry>, Problem> {
        AuditQuery q;
        q.who = who;
        q.limit = limit;
        ETABLI_TRY(rows, list_audit(m_conn, q));
        std::vector<app::AuditEntry> out;
        for (auto it = rows->rbegin(); it != rows->rend(); ++it) {  // newest first
            app::AuditEntry e;
            auto at = core::parse_timestamp(it->at);
            if (!at) return std::unexpected(bad_row("audit", std::to_string(it->id), "at", it->at));
            e.at = *at;
            e.actor = it->actor;
            e.principal = it->principal;
            e.origin = it->origin;
            e.action = it->action;
            e.outcome = it->outcome;
            e.detail = it->detail;
            out.push_back(std::move(e));
        }
        return out;
    });
}

std::expected<std::vector<app::PinState>, Problem> SqlStore::load_pins() {
    return guarded([&]() -> std::expected<std::vector<app::PinState>, Problem> {
        std::vector<app::PinState> out;
        ETABLI_TRY(st, m_conn.cached("SELECT member_id FROM member_pins ORDER BY member_id"));
        std::vector<core::MemberId> ids;
        for (;;) {
            ETABLI_TRY(row, (*st)->step());
            if (!*row) break;
            ids.push_back((*st)->column_int(0));
        }
        for (auto id : ids) {
            ETABLI_TRY(row, read_pin(m_conn, id));
            out.push_back(row->state);
        }
        return out;
    });
}

std::expected<app::PinCheck, Problem> SqlStore::check_pin(core::MemberId member, const std::string& pin, core::Timestamp at) {
    return guarded([&]() -> std::expected<app::PinCheck, Problem> {
        ETABLI_TRY(key, pepper());
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(row, read_pin(m_conn, member));
        app::PinCheck out;
        if (!row->state.set) {
            out.state = row->state;
            return out;  // none: nothing to store
        }
        if (row->state.locked_until && *row->state.locked_until > at) {
            out.verdict = app::PinVerdict::locked;
            out.state = row->state;
            return out;
        }
        row->state.locked_until.reset();  // a lockout that ran out
        Detail d;
        std::string_view kind;
        if (verify_pin(*row->hash, pin, *key)) {
            out.verdict = app::PinVerdict::right;
            // The wrong tries start again; the lockouts so far stay (the next delay keeps growing:
            // a guesser who waits for the host's daily PIN gains nothing), until an admin unlocks.
            const bool had = row->state.failures > 0;
            row->state.failures = 0;
            if (had) ETABLI_CHECK(write_pin(m_conn, *row, at));
            kind = "pin.right";
        } else if (row->state.failures + 1 >= kPinTries) {
            out.verdict = app::PinVerdict::locked_now;
            row->state.failures = 0;
            row->state.lockouts += 1;
            row->state.locked_until = at + pin_lockout(row->state.lockouts);
            ETABLI_CHECK(write_pin(m_conn, *row, at));
            d.add("lockouts", static_cast<std::int64_t>(row->state.lockouts));
            kind = "pin.locked";
        } else {
            out.verdict = app::PinVerdict::wrong;
            row->state.failures += 1;
            ETABLI_CHECK(write_pin(m_conn, *row, at));
            d.add("failures", static_cast<std::int64_t>(row->state.failures));
            kind = "pin.wrong";
        }
        ETABLI_CHECK(append_event(m_conn, at, member, kind, pin_subject(member), d));
        ETABLI_CHECK(tx->commit());
        out.state = row->state;
        return out;
    });
}

std::expected<app::PinState, Problem> SqlStore::set_pin(core::MemberId member, const std::string& pin, std::optional<core::MemberId> actor,
                                                           core::Timestamp at) {
    return guarded([&]() -> std::expected<app::PinState, Problem> {
        if (auto p = check_pin_form(pin)) return std::unexpected(*p);
        ETABLI_TRY(key, pepper());
        ETABLI_TRY(hash, hash_pin(pin, *key, m_pin_limits));  // before the transaction: a fifth of a second
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_CHECK(require_member(m_conn, member));
        PinRow row;
        row.state.member = member;
        row.state.set = true;
        row.hash = std::move(*hash);
        ETABLI_CHECK(write_pin(m_conn, row, at));
        ETABLI_CHECK(append_event(m_conn, at, actor, "pin.set", pin_subject(member), Detail{}));
        ETABLI_CHECK(tx->commit());
        return row.state;
    });
}

std::expected<app::PinState, Problem> SqlStore::reset_pin(core::MemberId member, bool forget, std::optional<core::MemberId> actor,
                                                             core::Timestamp at) {
    return guarded([&]() -> std::expected<app::PinState, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_CHECK(require_member(m_conn, member));
        ETABLI_TRY(row, read_pin(m_conn, member));
        row->state.failures = 0;
        row->state.lockouts = 0;
        row->state.locked_until.reset();
        if (forget) {
            row->hash.reset();
            row->state.set = false;
        }
        ETABLI_CHECK(write_pin(m_conn, *row, at));
        ETABLI_CHECK(append_event(m_conn, at, actor, forget ? "pin.forgotten" : "pin.unlocked", pin_subject(member), Detail{}));
        ETABLI_CHECK(tx->commit());
        return row->state;
    });
}

}  // namespace etabli::db
