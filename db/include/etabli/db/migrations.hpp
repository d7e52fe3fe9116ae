// Schema migrations: the numbered SQL files of db/migrations/, embedded at build time, and
// the code that applies them in order. The version a file is at is its PRAGMA user_version.
// Layer: db. Called while opening a database (station start, or the CLI's main thread).
#pragma once

#include <etabli/db/database.hpp>

#include <expected>
#include <filesystem>
#include <span>

namespace etabli::db {

struct Migration {
    int version;       // NNN of NNN_name.sql; versions are 1, 2, 3… without gaps
    const char* name;  // "001_init"
    const char* sql;
};

// Every migration, in version order.
std::span<const Migration> migrations();

// The schema version this build writes: the number of the last migration.
int latest_schema_version();

// PRAGMA user_version of an open connection.
std::expected<int, Problem> schema_version(Connection& c);

// Applies the migrations above the current version up to `target`, each in its own
// transaction together with its user_version bump: a failure leaves the file at the last
// version that succeeded. A file above `target` is refused (there is no going down).
std::expected<void, Problem> migrate(Connection& c, int target);
// The same with another list of migrations (tests: a list whose second step fails).
std::expected<void, Problem> migrate(Connection& c, int target, std::span<const Migration> list);

// Test and tooling hook: brings the file at `path` (created when missing) to exactly
// `version`, with the same checks as open_database(), then closes it. Used to build a
// database "as an older Établi left it" and check that the current one opens it.
std::expected<void, Problem> migrate_to(const std::filesystem::path& path, int version);

}  // namespace etabli::db
