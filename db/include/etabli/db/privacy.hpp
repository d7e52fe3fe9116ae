// Members' data under the RGPD: everything stored about one member (export), their
// erasure, and the installation's pepper (a secret kept beside the database, never in it).
// Layer: db. The thread that owns the connection it is given.
#pragma once

#include <etabli/app/ports.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace etabli::db {

class Connection;

// The installation's pepper: 32 random bytes in `<database>.pepper` (0600, the station's user
// only), made on first use. Outside the database, so a copied database or a backup alone does
// not give away what it keys (erased badge numbers, PINs). ":memory:": one per process.
// `create` false: a missing file is a Problem (verifying must not make a new secret).
std::expected<std::string, core::Problem> installation_pepper(const std::filesystem::path& db, bool create = true);

// What an erased badge's number becomes: "ERASED:" and 16 hex digits of HMAC-SHA-256(pepper,
// uid and member). The number is not kept; a copied database alone cannot find it back.
std::string erased_uid(const std::string& pepper, const std::string& uid, core::MemberId member);

// The name an erased member keeps.
std::string erased_name(core::MemberId id);  // "Membre effacé n°12"

// Everything stored about a member, table by table: the rows that name them, every column.
struct DataSection {
    std::string name;                                         // "presence", "bookings"…
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};
std::expected<std::vector<DataSection>, core::Problem> member_data(Connection& c, core::MemberId id);

// Erases member `id` on `c`, inside the caller's transaction: name and e-mail replaced, free
// text they wrote or that names them removed or rewritten, badges revoked and their numbers
// replaced by erased_uid(), an open presence closed. Refuses an unknown or already erased
// member, and one with a tool out, a machine running or a booking to come (say which).
struct Erasure {
    std::string old_name;
    std::optional<std::string> old_email;
    std::vector<std::string> badges;  // their new (erased) numbers
};
std::expected<Erasure, core::Problem> erase_member_rows(Connection& c, core::MemberId id, const std::string& pepper, core::Timestamp at);

// Retention, inside the caller's transaction: raw presences that began before
// `r.presences_before` become one row per member, local day and role with the day's time as
// core::volunteer_hours counts it (summary = 1), and members whose membership ended before
// `r.erase_ended_before` are erased (hosts and admins are kept and said; so is a member
// whose erasure is refused).
std::expected<app::PurgeSummary, core::Problem> purge_rows(Connection& c, const app::PurgeRequest& r, const std::string& pepper);

// After an erasure has committed: rewrites the file without its free pages (VACUUM) and
// empties the WAL, so that the erased text is nowhere in either.
std::expected<void, core::Problem> scrub(Connection& c);

}  // namespace etabli::db
