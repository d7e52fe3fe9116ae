// Label sheets: an A4 PDF of QR codes with a title and a code under each, ready to print on
// adhesive paper (libqrencode for the codes, cairo for the page): the tool library's tags,
// the bike register's numbers.
// Layer: db (exports live here, DESIGN.md). Thread: any; in practice the CLI's main thread.
#pragma once

#include <etabli/core/problem.hpp>
#include <etabli/core/tools.hpp>

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace etabli::db {

// A4 portrait, 3 columns × 8 rows of 70 × 37 mm labels (the common adhesive sheet), as many
// pages as needed, in the order given. Returns the number of labels written. Refused with a
// Problem (and no file left behind): no tool ("No tool to label…"), a path that cannot be
// written.
std::expected<std::size_t, core::Problem> write_label_sheet(const std::vector<core::Tool>& tools,
                                                            const std::filesystem::path& out);

// One label: `title` in bold, `code` (what the QR code holds) in a fixed font under it, then
// `note` in small italics (empty: none).
struct Label {
    std::string title, code, note;
};
// The same sheet for any labels (at least one), written through a temporary file.
std::expected<std::size_t, core::Problem> write_labels(const std::vector<Label>& labels, const std::filesystem::path& out);

}  // namespace etabli::db
