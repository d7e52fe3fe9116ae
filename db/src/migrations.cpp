// Schema migrations: the table of embedded SQL files and the loop that applies them.
// Layer: db. Thread: whichever thread opens the database (station start or CLI main).
//
// Each migration runs in its own BEGIN IMMEDIATE transaction together with its
// `PRAGMA user_version = N` (user_version lives in the file header, which is part of the
// transaction), so a crash or a failing statement leaves the file at the previous version.

#include <etabli/db/migrations.hpp>

#include <etabli/db/database.hpp>

#include <string>

namespace etabli::db {

namespace {

constexpr Migration kMigrations[] = {
#include "migrations.inc"
};

// Versions must be 1, 2, 3… in file order: user_version counts applied migrations.
constexpr bool versions_are_consecutive() {
    int expected = 1;
    for (const Migration& m : kMigrations) {
        if (m.version != expected++) return false;
    }
    return true;
}
static_assert(versions_are_consecutive(), "db/migrations/NNN_*.sql must be numbered 001, 002… without gaps");

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

std::expected<int, Problem> schema_version(Connection& c) {
    auto v = c.query_int("PRAGMA user_version");
    if (!v) return std::unexpected(v.error());
    return static_cast<int>(*v);
}

std::expected<void, Problem> migrate(Connection& c, int target) { return migrate(c, target, kMigrations); }

std::expected<void, Problem> migrate(Connection& c, int target, std::span<const Migration> list) {
    auto current = schema_version(c);
    if (!current) return std::unexpected(current.error());
    if (*current > target) {
        return std::unexpected(core::problem(
            "This database was written by a newer Établi (schema {0}, this version knows {1}). "
            "Update Établi, or use --db to choose another file.",
            {std::to_string(*current), std::to_string(target)}));
    }
    for (const Migration& m : list) {
        if (m.version <= *current || m.version > target) continue;
        auto tx = Transaction::begin(c);
        if (!tx) return std::unexpected(tx.error());
        if (auto r = c.exec(m.sql); !r) {
            return std::unexpected(core::problem("Cannot upgrade the database to schema {0} ({1}): {2}",
                                                 {std::to_string(m.version), m.name, r.error().english()}));
        }
        // A pragma takes no bound parameter; the value is our own integer.
        std::string bump = "PRAGMA user_version = " + std::to_string(m.version);
        if (auto r = c.exec(bump.c_str()); !r) return std::unexpected(r.error());
        if (auto r = tx->commit(); !r) return std::unexpected(r.error());
    }
    return {};
}

std::expected<void, Problem> migrate_to(const std::filesystem::path& path, int version) {
    if (version < 0 || version > latest_schema_version()) {
        return std::unexpected(core::problem("No schema version {0} (this version knows 0 to {1}).",
                                             {std::to_string(version), std::to_string(latest_schema_version())}));
    }
    auto c = open_database(path, version);
    if (!c) return std::unexpected(c.error());
    return {};
}

}  // namespace etabli::db
