// The bike register's papers: the proof of sale (or of gift) a new rider takes home, an A4
// PDF drawn by cairo, and the CSV of the bikes to declare to their marking operator, with the
// columns and separator the workshop set in etabli.toml ([bikes.declaration]).
// Layer: db (exports live here, DESIGN.md). Thread: any; in practice the CLI's main thread.
#pragma once

#include <etabli/core/bikes.hpp>
#include <etabli/core/config.hpp>
#include <etabli/core/problem.hpp>

#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::db {

// What the proof names besides the bike: the seller (etabli.toml's [bikes] seller and
// seller_address), the day it is printed, the language's words and amounts.
struct ProofOfSale {
    core::Bike bike;  // with its departure and buyer
    std::string seller, seller_address;
    std::string operator_name;  // the marking operator of its identifier, when known
    core::Date printed{};
    core::Lang lang = core::Lang::fr;
    std::function<std::string(std::string_view)> tr;  // translates a message (the CLI's ctx.t)
};

// Writes the proof as a one-page A4 PDF at `out` (through a temporary file: never half a
// file). Refused: a bike that has not left to a rider (sold or given), a buyer already
// purged, a path that cannot be written.
std::expected<void, core::Problem> write_proof_of_sale(const ProofOfSale& proof, const std::filesystem::path& out);

// The declaration's CSV text: a header line, then one line per bike, in the configured
// columns (core::default_declaration_columns() when none), `separator` between fields,
// CRLF line ends, UTF-8 with a byte order mark (spreadsheets then read the accents right);
// a field starting with = + - @ is disarmed with a leading '.
std::string declaration_csv(const std::vector<core::Bike>& bikes, const core::BikesConfig& config);

}  // namespace etabli::db
