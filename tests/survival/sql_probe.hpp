// A read-only look into a database file for the survival tests: the first column of the
// first row of a query, as text ("<none>": no row, "<null>": NULL), asked straight of SQLite
// (the file as it is on disk, whatever the station believes). Test-only.
#pragma once

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace etabli::testing {

struct SqlProbe {
    sqlite3* c = nullptr;
    explicit SqlProbe(const std::filesystem::path& p) {
        REQUIRE(sqlite3_open_v2(p.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    }
    ~SqlProbe() { sqlite3_close(c); }
    SqlProbe(const SqlProbe&) = delete;
    SqlProbe& operator=(const SqlProbe&) = delete;
    std::string text(const std::string& sql) const {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(c, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        std::string out = "<none>";
        if (sqlite3_step(st) == SQLITE_ROW)
            out = sqlite3_column_text(st, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "<null>";
        sqlite3_finalize(st);
        return out;
    }
};

}  // namespace etabli::testing
