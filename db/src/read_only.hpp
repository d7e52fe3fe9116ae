// A read-only connection of its own to a database file, for the checks that read beside a
// running station (`etabli check`, `etabli audit`). Private to db/src. Layer: db.
#pragma once

#include <etabli/db/database.hpp>

#include <sqlite3.h>

#include <filesystem>

namespace etabli::db {

inline std::expected<Connection, core::Problem> open_read_only(const std::filesystem::path& db) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(db, ec))
        return std::unexpected(core::storage_problem("There is no database at {0}", {db.string()}));
    auto c = Connection::open_raw(file_uri(db, "mode=ro"), SQLITE_OPEN_READONLY);
    if (!c) return std::unexpected(c.error());
    if (auto r = c->exec("PRAGMA busy_timeout = 5000"); !r) return std::unexpected(r.error());
    return c;
}

}  // namespace etabli::db
