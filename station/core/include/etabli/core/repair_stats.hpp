// Repair statistics for the host's statistics screen, the idle screen's "this month" and
// `etabli stats`: repairs per month by status, fix rate, most common problems per component,
// kilograms kept out of the waste, volunteer hours.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/repair.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace etabli::core {

// Weight kept out of the waste when an item is Fixed, in grams. Bicycles: 15 kg (an adult
// city bike weighs 12 to 18 kg). Powered items: Établi's own rough estimates of a typical
// item of each ORDS category (a kettle 1.2 kg, a laptop 2.2 kg, a bike light 0.15 kg…), to be
// refined by each workshop; listed in repair_stats.cpp. Only Fixed repairs count.
std::int64_t kept_grams(const Repair& r);

struct MonthStats {
    int year = 0;
    unsigned month = 0;
    std::array<int, 4> by_status{};  // indexed by RepairStatus
    int total = 0;
    std::int64_t kept_grams = 0;
    std::chrono::seconds volunteer_time{0};  // filled by the caller (presences are not repairs)
};

struct ComponentStats {
    std::optional<Component> component;  // none: powered items
    int total = 0;
    int fixed = 0;
    // The most frequent problem texts (lower-cased, trimmed), at most three, with counts.
    std::vector<std::pair<std::string, int>> top_problems;
};

struct RepairStats {
    std::vector<MonthStats> months;  // in order, only months with repairs (or hours)
    int total = 0;
    int fixed = 0;
    double fix_rate = 0;  // fixed / (total - unknown); 0 when nothing is known
    std::int64_t kept_grams = 0;
    std::vector<ComponentStats> components;  // by total, most first
};

// Statistics of the repairs whose day is in the given year (and month): none = all. The top
// problems are counted on texts without personal data (`pii`: the directory's names, e-mail
// addresses and phone numbers replaced, as in the ORDS export): statistics are shown on the
// kiosk and printed for funders.
RepairStats repair_stats(const std::vector<Repair>& repairs, std::optional<int> year, std::optional<unsigned> month,
                         const PiiStripper& pii);

}  // namespace etabli::core
