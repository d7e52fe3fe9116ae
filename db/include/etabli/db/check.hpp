// `etabli check`: what a database must satisfy beyond SQLite's own checks. SQLite's
// integrity_check and foreign_key_check first, then the station's invariants, each violation
// named with the rows it concerns. Read-only: one read transaction, nothing written.
// Layer: db. Any thread (its own connection).
#pragma once

#include <etabli/core/problem.hpp>

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace etabli::db {

struct Violation {
    std::string rule;    // "integrity", "foreign_key", "booking_overlap"…
    core::Problem what;  // translated sentence naming the rows
};

// Checks the database at `db` (opened read-only beside any running station: WAL).
std::expected<std::vector<Violation>, core::Problem> check_database(const std::filesystem::path& db);

}  // namespace etabli::db
