// The PostgreSQL dialect of the schema migrations: db/migrations/pg/NNN_name.sql, numbered and
// named as the SQLite ones of db/migrations/ (the same version means the same tables, columns
// and rules, in PostgreSQL's own types), embedded at build time, and the code that applies
// them. The first station that starts on a database migrates it; the others wait for it (a
// session advisory lock), then find it done. The version lives in the table etabli_schema.
// Layer: db. Called while opening a station's database (one thread per connection).
#pragma once

#include <etabli/db/pg.hpp>

#include <chrono>
#include <expected>
#include <span>

namespace etabli::db {

struct PgMigration {
    int version;       // NNN of NNN_name.sql: 1, 2, 3… without gaps, as in SQLite
    const char* name;  // "001_init"
    const char* sql;
};

// Every PostgreSQL migration, in version order.
std::span<const PgMigration> pg_migrations();
int pg_latest_schema_version();

// The version a database is at: 0 when it holds no Établi schema yet.
std::expected<int, core::Problem> pg_schema_version(PgConnection& c);

// Brings the database to `target`, each migration in its own transaction with its version
// (PostgreSQL's DDL is transactional: a failure leaves the previous version whole). Under a
// session advisory lock: a station that finds another one migrating waits for it, up to
// `wait`, then refuses. A database above `target` is refused (there is no going down).
std::expected<void, core::Problem> pg_migrate(PgConnection& c, int target, std::chrono::milliseconds wait = std::chrono::seconds{120});
// The same with another list (tests: a list whose second step fails).
std::expected<void, core::Problem> pg_migrate(PgConnection& c, int target, std::span<const PgMigration> list,
                                              std::chrono::milliseconds wait);

}  // namespace etabli::db
