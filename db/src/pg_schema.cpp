// The PostgreSQL migrations and their runner (see pg_schema.hpp). Layer: db.
#include <etabli/db/pg_schema.hpp>

#include <string>
#include <thread>

namespace etabli::db {

namespace {

constexpr PgMigration kPgMigrations[] = {
#include "pg_migrations.inc"
};

constexpr bool versions_are_consecutive() {
    int expected = 1;
    for (const PgMigration& m : kPgMigrations)
        if (m.version != expected++) return false;
    return true;
}
static_assert(versions_are_consecutive(), "db/migrations/pg/NNN_*.sql must be numbered 001, 002… without gaps");

// The session advisory lock of the migrations ("etabli" in ASCII): one station at a time.
constexpr std::int64_t kMigrating = 0x657461626c69;

// Lets go of the lock however the migration ends; a session that dies lets go of it too.
struct Unlock {
    PgConnection& c;
    ~Unlock() { (void)c.unlock(kMigrating); }
};

}  // namespace

std::span<const PgMigration> pg_migrations() { return kPgMigrations; }

int pg_latest_schema_version() { return kPgMigrations[std::size(kPgMigrations) - 1].version; }

std::expected<int, core::Problem> pg_schema_version(PgConnection& c) {
    auto r = c.query("SELECT version FROM etabli_schema WHERE id = 1");
    if (!r) {
        if (c.last_state() == "42P01") return 0;  // undefined_table: an empty database
        return std::unexpected(r.error());
    }
    if (r->empty() || !(*r)[0][0]) return 0;
    return std::stoi(*(*r)[0][0]);
}

std::expected<void, core::Problem> pg_migrate(PgConnection& c, int target, std::chrono::milliseconds wait) {
    return pg_migrate(c, target, kPgMigrations, wait);
}

std::expected<void, core::Problem> pg_migrate(PgConnection& c, int target, std::span<const PgMigration> list,
                                              std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        auto got = c.try_lock(kMigrating);
        if (!got) return std::unexpected(got.error());
        if (*got) break;
        if (std::chrono::steady_clock::now() >= until)
            return std::unexpected(core::storage_problem(
                "Another station has been upgrading the PostgreSQL database for {0} s: start this one again when it is done",
                {std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count())}));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Unlock unlock{c};
    if (auto r = c.exec("CREATE TABLE IF NOT EXISTS etabli_schema ("
                        "id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL CHECK (version >= 0), "
                        "migrated_at timestamptz NOT NULL DEFAULT now());"
                        "INSERT INTO etabli_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING");
        !r)
        return std::unexpected(r.error());
    auto current = pg_schema_version(c);
    if (!current) return std::unexpected(current.error());
    if (*current > target)
        return std::unexpected(core::problem("This database was written by a newer Établi (schema {0}, this version knows {1}). "
                                             "Update Établi, or use --db to choose another file.",
                                             {std::to_string(*current), std::to_string(target)}));
    for (const PgMigration& m : list) {
        if (m.version <= *current || m.version > target) continue;
        if (auto r = c.exec("BEGIN"); !r) return std::unexpected(r.error());
        auto applied = c.exec(m.sql);
        if (applied)
            applied = c.exec("UPDATE etabli_schema SET version = " + std::to_string(m.version) + ", migrated_at = now() WHERE id = 1");
        if (!applied) {
            (void)c.exec("ROLLBACK");
            return std::unexpected(core::storage_problem("Cannot upgrade the database to schema {0} ({1}): {2}",
                                                         {std::to_string(m.version), m.name, applied.error().english()}));
        }
        if (auto r = c.exec("COMMIT"); !r) return std::unexpected(r.error());
    }
    // The change feed on every table, those the steps just added included (002's function;
    // nothing when the database has none, as a list of other steps in the tests).
    if (auto r = c.exec("DO $$ BEGIN IF to_regproc('etabli_announce_all') IS NOT NULL THEN PERFORM etabli_announce_all(); END IF; END $$");
        !r)
        return std::unexpected(r.error());
    return {};
}

}  // namespace etabli::db
