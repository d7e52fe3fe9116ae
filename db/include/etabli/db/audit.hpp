// The audit trail: an append-only table whose rows are chained by SHA-256 (libsodium,
// keyed: HMAC-SHA-256 with the installation's pepper, privacy.hpp), so that a row deleted or
// edited behind the station's back is found, and a chain rewritten whole cannot be made
// without the secret kept outside the database. Written by the store in
// the transaction of the action (SqlStore::append_audit); read and verified here.
// Layer: db. Any thread (each call opens its own read-only connection).
#pragma once

#include <etabli/app/ports.hpp>
#include <etabli/core/problem.hpp>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace etabli::db {

class Connection;

struct AuditRow {
    std::int64_t id = 0;
    std::string at;                       // UTC, as stored
    std::optional<std::int64_t> actor;
    std::string principal, origin, action, outcome, detail;
    std::string prev_hash, hash;          // hex
};

// The HMAC-SHA-256 (hex) of a row under `key`: its fields, each with its length, then prev_hash.
std::string audit_hash(const AuditRow& row, const std::string& key);
// The hash of "no row before" (the first row's prev_hash): 64 zeros.
inline constexpr const char* kAuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// Appends `e` on `c` (in its transaction when one is open) chained to the last row.
std::expected<void, core::Problem> append_audit(Connection& c, const app::AuditEntry& e, const std::string& key);

struct AuditVerdict {
    std::int64_t rows = 0;                     // rows checked
    std::optional<std::int64_t> first_broken;  // the id of the first row that does not hold
    std::optional<core::Problem> why;          // what is wrong with it
    std::string last_hash;                     // the chain's head: note it elsewhere to see a cut tail
};
// Recomputes the whole chain, in id order, with the installation's pepper beside `db`.
std::expected<AuditVerdict, core::Problem> verify_audit(const std::filesystem::path& db);
// The same on `c`, in the caller's read transaction.
std::expected<AuditVerdict, core::Problem> verify_audit(Connection& c, const std::string& key);

struct AuditQuery {
    std::optional<std::string> since;         // UTC timestamp text; rows at or after it
    std::optional<std::int64_t> who;          // the acting member
    std::size_t limit = 1000;                 // the latest ones
};
std::expected<std::vector<AuditRow>, core::Problem> list_audit(const std::filesystem::path& db, const AuditQuery& q);
// The same, on an open connection (the station's reads, the kiosk's "Historique").
std::expected<std::vector<AuditRow>, core::Problem> list_audit(Connection& c, const AuditQuery& q);

}  // namespace etabli::db
