// The audit trail's chain: see audit.hpp and migration 013.
#include <etabli/db/audit.hpp>

#include <etabli/db/database.hpp>
#include <etabli/db/privacy.hpp>

#include "read_only.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <stdexcept>

namespace etabli::db {

namespace {

void field(crypto_auth_hmacsha256_state& st, std::string_view v) {
    const std::string len = std::to_string(v.size()) + ":";
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(len.data()), len.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(v.data()), v.size());
}

std::string hex(const unsigned char* p, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), p, n);
    out.pop_back();
    return out;
}

AuditRow read_row(Statement& s) {
    AuditRow r;
    r.id = s.column_int(0);
    r.at = s.column_text(1);
    if (!s.is_null(2)) r.actor = s.column_int(2);
    r.principal = s.column_text(3);
    r.origin = s.column_text(4);
    r.action = s.column_text(5);
    r.outcome = s.column_text(6);
    r.detail = s.column_text(7);
    r.prev_hash = s.column_text(8);
    r.hash = s.column_text(9);
    return r;
}

// A fingerprint of the key: HMAC(key, "etabli audit key"), 16 hex digits.
std::string key_id(const std::string& key) {
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    const std::string_view label = "etabli audit key";
    crypto_auth_hmacsha256(mac.data(), reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                           reinterpret_cast<const unsigned char*>(key.data()));
    return hex(mac.data(), 8);
}

constexpr const char* kColumns = "id, at, actor_id, principal, origin, action, outcome, detail, prev_hash, hash";

}  // namespace

std::string audit_hash(const AuditRow& row, const std::string& key) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    field(st, std::to_string(row.id));
    field(st, row.at);
    field(st, row.actor ? std::to_string(*row.actor) : std::string());
    field(st, row.principal);
    field(st, row.origin);
    field(st, row.action);
    field(st, row.outcome);
    field(st, row.detail);
    field(st, row.prev_hash);
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
    crypto_auth_hmacsha256_final(&st, out.data());
    return hex(out.data(), out.size());
}

std::expected<void, core::Problem> append_audit(Connection& c, const app::AuditEntry& e, const std::string& key) {
    auto last = c.cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    if (!last) return std::unexpected(last.error());
    AuditRow row;
    row.prev_hash = kAuditGenesis;
    row.id = 1;
    {
        auto has = (*last)->step();
        if (!has) return std::unexpected(has.error());
        if (*has) {
            row.id = (*last)->column_int(0) + 1;
            row.prev_hash = (*last)->column_text(1);
        }
        (*last)->reset();
    }
    row.at = core::format_timestamp(e.at);
    row.actor = e.actor;
    row.principal = e.principal;
    row.origin = e.origin;
    row.action = e.action;
    row.outcome = e.outcome;
    row.detail = e.detail;
    row.hash = audit_hash(row, key);
    if (row.id == 1 || row.prev_hash == kAuditGenesis) {
        auto meta = c.cached("INSERT INTO trust_meta (name, value) VALUES ('audit_key_id', ?1) ON CONFLICT DO NOTHING");
        if (!meta) return std::unexpected(meta.error());
        (*meta)->bind(1, key_id(key));
        if (auto r = (*meta)->run(); !r) return std::unexpected(r.error());
    }
    auto ins = c.cached("INSERT INTO audit (id, at, actor_id, principal, origin, action, outcome, detail, prev_hash, hash) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!ins) return std::unexpected(ins.error());
    (*ins)->bind(1, row.id).bind(2, row.at).bind(3, row.actor).bind(4, row.principal).bind(5, row.origin).bind(6, row.action)
        .bind(7, row.outcome).bind(8, row.detail).bind(9, row.prev_hash).bind(10, row.hash);
    return (*ins)->run();
}

std::expected<AuditVerdict, core::Problem> verify_audit(const std::filesystem::path& db) {
    auto key = installation_pepper(db, false);
    if (!key) return std::unexpected(key.error());
    auto c = open_read_only(db);
    if (!c) return std::unexpected(c.error());
    auto tx = Transaction::begin(*c, Transaction::Kind::read);
    if (!tx) return std::unexpected(tx.error());
    return verify_audit(*c, *key);
}

std::expected<AuditVerdict, core::Problem> verify_audit(Connection& conn, const std::string& key) {
    Connection* c = &conn;
    {
        auto id = c->prepare("SELECT value FROM trust_meta WHERE name = 'audit_key_id'");
        if (!id) return std::unexpected(id.error());
        auto has = id->step();
        if (!has) return std::unexpected(has.error());
        if (*has && id->column_text(0) != key_id(key))
            return std::unexpected(core::storage_problem(
                "The audit trail was written with another secret than this database's etabli.db.pepper: put back the one kept with it"));
    }
    auto s = c->prepare(std::string("SELECT ") + kColumns + " FROM audit ORDER BY id");
    if (!s) return std::unexpected(s.error());
    AuditVerdict v;
    std::string prev = kAuditGenesis;
    std::int64_t expected_id = 1;
    for (;;) {
        auto has = s->step();
        if (!has) return std::unexpected(has.error());
        if (!*has) break;
        const AuditRow row = read_row(*s);
        ++v.rows;
        std::optional<core::Problem> why;
        if (row.id != expected_id)
            why = core::problem("Audit row {0} follows row {1}: the rows between were removed", {std::to_string(row.id), std::to_string(expected_id - 1)});
        else if (row.prev_hash != prev)
            why = core::problem("Audit row {0} does not follow the row before it: that row was changed or removed", {std::to_string(row.id)});
        else if (audit_hash(row, key) != row.hash)
            why = core::problem("Audit row {0} was changed after it was written", {std::to_string(row.id)});
        if (why) {
            v.first_broken = row.id;
            v.why = std::move(why);
            return v;
        }
        prev = row.hash;
        expected_id = row.id + 1;
    }
    v.last_hash = prev;
    return v;
}

std::expected<std::vector<AuditRow>, core::Problem> list_audit(Connection& c, const AuditQuery& q) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM (SELECT * FROM audit WHERE TRUE";
    if (q.since) sql += " AND at >= ?1";
    if (q.who) sql += " AND actor_id = ?2";
    sql += " ORDER BY id DESC LIMIT ?3) AS recent ORDER BY id";  // PostgreSQL names every subquery
    auto s = c.prepare(sql);
    if (!s) return std::unexpected(s.error());
    if (q.since) s->bind(1, *q.since);
    if (q.who) s->bind(2, *q.who);
    s->bind(3, static_cast<std::int64_t>(q.limit));
    std::vector<AuditRow> out;
    for (;;) {
        auto has = s->step();
        if (!has) return std::unexpected(has.error());
        if (!*has) break;
        out.push_back(read_row(*s));
    }
    return out;
}

std::expected<std::vector<AuditRow>, core::Problem> list_audit(const std::filesystem::path& db, const AuditQuery& q) {
    auto c = open_read_only(db);
    if (!c) return std::unexpected(c.error());
    return list_audit(*c, q);
}

}  // namespace etabli::db
