// The PostgreSQL tests' one throwaway cluster (tests/common/pg_cluster.hpp), shared by every
// test file of pg_tests, and a connection to one of its databases (created on first use).
// Test-only. Test thread.
#pragma once

#include "pg_cluster.hpp"

#include <etabli/db/pg.hpp>

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace pgtest {

inline etabli::testing::PgCluster& cluster() {
    static etabli::testing::PgCluster c;
    return c;
}

inline std::unique_ptr<etabli::db::PgConnection> connect(const std::string& db = "postgres") {
    auto c = etabli::db::PgConnection::open(cluster().url(db));
    REQUIRE_MESSAGE(c, (c ? "" : c.error().english()));
    return std::move(*c);
}

}  // namespace pgtest
