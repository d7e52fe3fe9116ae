// Time types of the domain. Layer: core (pure). Times are values passed in by callers:
// nothing here reads a clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::core {

using Timestamp = std::chrono::sys_seconds;   // UTC, stored as ISO-8601 "YYYY-MM-DDTHH:MM:SSZ"
using Date = std::chrono::year_month_day;     // a calendar day in the workshop's time zone

std::string format_date(Date d);                        // "2026-12-31"
std::optional<Date> parse_date(std::string_view text);  // strict YYYY-MM-DD, a real day
std::string format_timestamp(Timestamp t);              // "2026-12-31T18:30:00Z"
std::optional<Timestamp> parse_timestamp(std::string_view text);

}  // namespace etabli::core
