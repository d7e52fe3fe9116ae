// The store contract's two backends (issue 21: one suite, two backends): the suites that
// open a store through open_test_store() run on a SQLite file, or, when the test command
// sets ETABLI_TEST_BACKEND=postgres, on a fresh database of a throwaway PostgreSQL cluster
// (pg_cluster.hpp: initdb in a temporary folder, a Unix socket only, removed at exit).
// Test-only. Test thread.
#pragma once

#include "pg_cluster.hpp"

#include <etabli/db/sql_store.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace etabli::testing {

inline bool on_postgres() {
    static const bool pg = [] {
        const char* b = std::getenv("ETABLI_TEST_BACKEND");
        return b && std::string(b) == "postgres";
    }();
    return pg;
}

inline PgCluster& shared_cluster() {
    static PgCluster c;
    return c;
}

// Where a test's store lives: `file` on SQLite; on PostgreSQL a database of its own (its
// name from a counter), and `file` as the base of the station's secret.
struct TestStoreLocation {
    std::string url;  // empty: SQLite
    std::filesystem::path file;
};

inline TestStoreLocation new_test_store_location(const std::filesystem::path& file) {
    if (!on_postgres()) return {{}, file};
    PgCluster& c = shared_cluster();
    REQUIRE_MESSAGE(c.available(), c.why_not());
    static int n = 0;
    const std::string db = "store_" + std::to_string(++n);
    // A keyword URL, as libpq takes it: the socket's folder is the host.
    (void)c.url(db);
    return {"postgresql:///" + db + "?host=" + c.socket_dir() + "&user=etabli", file};
}

inline std::unique_ptr<db::SqlStore> open_test_store(const TestStoreLocation& at) {
    auto s = db::SqlStore::open_at(at.url, at.file);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().english()));
    return std::move(*s);
}

// A case that checks what only one backend has (SQLite's pages and pragmas…) says so and
// returns early on the other.
#define ETABLI_SQLITE_ONLY()                                                     \
    do {                                                                         \
        if (::etabli::testing::on_postgres()) {                                  \
            MESSAGE("SQLite only: skipped on PostgreSQL");                       \
            return;                                                              \
        }                                                                        \
    } while (0)

}  // namespace etabli::testing
