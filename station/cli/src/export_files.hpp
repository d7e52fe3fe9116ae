// What the command line's exports share: CSV fields and lines (RFC 4180, a spreadsheet never
// runs a member's text as a formula) and a file written whole. Layer: cli. Main thread.
#pragma once

#include <etabli/core/problem.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

// One CSV field, quoted when it holds a separator, a quote or a line break. A leading = + - @
// is prefixed with ' so that a spreadsheet never runs a member's text as a formula.
std::string csv_field(std::string s);
// A line of fields separated by commas, ended by CRLF.
std::string csv_line(const std::vector<std::string>& cells);
// Writes `text` to `path` through a temporary file renamed at the end: an interrupted export
// never leaves half a file where a good one was.
std::optional<core::Problem> write_whole(const std::string& path, const std::string& text);

}  // namespace etabli::cli
