// The funders' pack (`etabli report year`): the year's figures that funders, towns and the
// networks' annual surveys ask for. The store aggregates the counts (YearCounts, one call);
// volunteer hours come from the presences as the monthly hours report measures them; this
// file puts them together and derives the totals.
// Layer: core (pure: bounds, counts and hours are arguments). Any thread.
#pragma once

#include <etabli/core/bikes.hpp>
#include <etabli/core/repair.hpp>
#include <etabli/core/time.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::core {

// A year in the workshop's time zone: the UTC instants of the local first days of its twelve
// months and of the next year's first day (the caller's calendar makes them, DST-safe).
struct YearBounds {
    int year = 0;
    std::array<Timestamp, 13> month_starts{};
    Timestamp from() const { return month_starts[0]; }
    Timestamp to() const { return month_starts[12]; }
};

// What the store counts in one read transaction (app::Store::year_counts).
struct YearCounts {
    // Members on record during the year: joined before its end, and whose membership had not
    // ended before it began (no end recorded: still a member). New: joined in the year.
    int members = 0, new_members = 0;
    int memberships_paid = 0;  // memberships recorded in the year (payments and renewals)
    // A visit is a member's presence; in days the retention summarised, one visit a day.
    std::array<int, 12> visits{};
    int visitors = 0;  // distinct members who came
    int loans = 0, borrowers = 0;
    struct MachineTime {
        std::string machine;
        std::int64_t seconds = 0;
        int sessions = 0;
    };
    std::vector<MachineTime> machines;  // sessions started in the year, by machine name
    int trainings = 0;                  // held (not cancelled), started in the year
    int trained = 0;                    // distinct members marked present at one
    int training_places = 0;            // presences at trainings (a member trained twice counts twice)
    std::array<int, 12> bikes_in{};     // by intake day's month
    std::array<int, 5> bikes_out{};     // by BikeStatus (in_stock unused), departure day in the year
    // Repairs of the year's days, grouped: what the ORDS totals and the weights need.
    struct RepairGroup {
        ItemKind item = ItemKind::bicycle;
        std::optional<int> category;  // ORDS id (powered)
        RepairStatus status = RepairStatus::unknown;
        unsigned month = 1;
        int count = 0;
    };
    std::vector<RepairGroup> repairs;
};

struct YearReport {
    int year = 0;
    YearCounts counts;
    // Derived
    int visits = 0;
    std::array<int, 12> repairs_by_month{};
    std::array<int, 4> powered{}, bicycles{};  // by RepairStatus: the ORDS totals
    int repairs = 0, fixed = 0;
    double fix_rate = 0;                       // fixed / (repairs - unknown)
    std::int64_t repairs_kept_grams = 0;       // Fixed items, core::kept_grams
    int bikes_in = 0, bikes_reused = 0;        // reused: sold or given
    std::int64_t bikes_kept_grams = 0;         // bikes_reused × 15 kg
    double machine_hours = 0;
    // Volunteer hours (core::volunteer_hours per local month)
    std::array<std::chrono::seconds, 12> volunteer_time{};
    std::chrono::seconds volunteer_total{0};
    int volunteers = 0;  // distinct members with hours
    std::int64_t hourly_cents = 0, volunteer_value_cents = 0;
};

// The weight of a bike kept out of the waste when it finds a new rider (as a fixed bicycle
// repair counts it, core/repair_stats.hpp).
std::int64_t bike_grams();

// Puts the counts and the hours together. `volunteer_time[m]` and `volunteers` as measured.
YearReport make_year_report(int year, YearCounts counts, const std::array<std::chrono::seconds, 12>& volunteer_time,
                            int volunteers, std::int64_t hourly_cents);

}  // namespace etabli::core
