// Open Repair Data Standard (ORDS v0.3) exports and Établi's own full repairs CSV: pure
// functions from repair records to file contents (see shared/reference/ORDS.md).
//   powered.csv      row level, powered items only, the 14 ORDS columns in order
//   unpowered.csv    the summary of bicycles: data_provider, product_category, repair_status, total
//   tableschema.json a Frictionless data package describing both files
// Texts are UTF-8 with "\n" line ends; fields are quoted (RFC 4180) only when they hold a comma,
// a quote or a line break. Problem texts lose their personal data (PiiStripper) and the export
// says how many texts changed.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/repair.hpp>

#include <expected>

#include <string>
#include <vector>

namespace etabli::core {

struct OrdsOptions {
    std::string data_provider = "Etabli";  // organisation name
    std::string id_prefix = "etabli";      // [a-z]+: ids are "<prefix>-<repair id>"
    std::string country = "FRA";           // ISO 3166 alpha-3
    std::string group_identifier;          // the repair group; empty: data_provider
};

struct OrdsExport {
    std::string powered_csv;
    std::string unpowered_csv;
    std::string tableschema_json;
    std::size_t powered_rows = 0;
    std::size_t bicycles = 0;
    std::size_t texts_changed = 0;  // problem texts from which personal data was removed
};

// `member_names`: every display name of the directory (for PiiStripper). Options are checked
// (prefix [a-z]+, country three capital letters, provider non-empty) before anything is written.
std::expected<OrdsExport, Problem> export_ords(const std::vector<Repair>& repairs,
                                               const std::vector<std::string>& member_names,
                                               const OrdsOptions& opts);

// ORDS problem column: the fault and what was done, "fault; done" (either may be empty).
std::string ords_problem_text(const Repair& r);

// RFC 4180 field: quoted when it holds a comma, a semicolon, a quote, CR or LF. A text
// that starts with = + - @, a tab or a CR gets a ' first, so that a spreadsheet never runs a
// member's name or a typed note as a formula. Every CSV of the station is written with it.
void append_csv_field(std::string& out, std::string_view field);

// Établi's own export (`etabli export repairs`): everything, bike detail included, personal
// data kept (it stays in the workshop). Columns: id, date, volunteers (ids separated by
// spaces), owner (id, empty: anonymous), item, component, ords_category_id, ords_category,
// partner_category, brand, model, year, status, barrier, minutes, parts ("name:new; …"),
// problem, done, notes, logged_at, updated_at. Cells that a spreadsheet would run as a formula
// (starting with = + - @) get a leading apostrophe.
std::string export_repairs_csv(const std::vector<Repair>& repairs);

}  // namespace etabli::core
