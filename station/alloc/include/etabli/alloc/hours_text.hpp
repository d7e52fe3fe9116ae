// Opening hours as people type them: "mon-fri 14:00-20:00", "sat 10:00-12:00,14:00-18:00",
// "lun,mer 18:00-22:00" (English or French day names). Layer: alloc (pure). Any thread.
#pragma once

#include <etabli/alloc/model.hpp>

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::alloc {

// Parses one or more specs into a weekly schedule (days not named are closed). Windows of a
// day must not overlap; "24:00" ends a day. Errors name the faulty spec.
std::expected<std::array<std::vector<DayWindow>, 7>, core::Problem> parse_weekly(const std::vector<std::string>& specs);
// "14:00-20:00" or "10:00-12:00,14:00-18:00" for one day.
std::expected<std::vector<DayWindow>, core::Problem> parse_windows(std::string_view text);
// "mon 14:00-20:00", one line per open day, Monday first; French day names with Lang::fr.
std::vector<std::string> format_weekly(const std::array<std::vector<DayWindow>, 7>& weekly, core::Lang lang);
std::string format_windows(const std::vector<DayWindow>& windows);

}  // namespace etabli::alloc
