// Moving a workshop from its one PC to a shared PostgreSQL server: every row of a station's
// SQLite file copied into an empty PostgreSQL database (brought to the same schema version
// first), in one transaction, then verified table by table: the number of rows and a SHA-256
// of their values, read back from both sides in the same order and the same text forms.
// `etabli db copy --from FILE.db --to postgresql://…`, and back. Layer: db. The caller's thread.
#pragma once

#include <etabli/db/pg.hpp>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace etabli::db {

struct TableCopy {
    std::string table;
    std::int64_t rows = 0;
    std::string checksum;  // SHA-256, hex, of the table's rows as both sides read them
};
struct CopyReport {
    std::vector<TableCopy> tables;  // in the order they were copied
    std::int64_t rows() const;
};

// Copies `from` (a SQLite file at this version's schema, that no station has open) into `to`
// (a PostgreSQL database with no Établi row yet). Refuses, changing nothing, when the file is
// in use, older or newer, or the database already holds rows; a row PostgreSQL refuses (a
// constraint the file broke) undoes the whole copy and names its table; so does a count or
// checksum that differs. The tables are those of the role's current schema (its search_path:
// `public`, or a schema of its own on PostgreSQL 15).
std::expected<CopyReport, core::Problem> copy_sqlite_to_pg(const std::filesystem::path& from, PgConnection& to);

// The way back, a workshop leaving its server for one PC: every row of `from` (at this
// version's schema) into a new SQLite file `to` (refused when a file is there), read in one
// repeatable-read transaction and written in one, then verified the same way. The SQLite
// file's own rows (its id counters, its live-bookings floor) are made from the rows copied.
// On any refusal the new file is removed.
std::expected<CopyReport, core::Problem> copy_pg_to_sqlite(PgConnection& from, const std::filesystem::path& to);

}  // namespace etabli::db
