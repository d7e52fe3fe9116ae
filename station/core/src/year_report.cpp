// The funders' pack's figures (see year_report.hpp). Layer: core. Any thread.
#include <etabli/core/repair_stats.hpp>
#include <etabli/core/volunteer_hours.hpp>
#include <etabli/core/year_report.hpp>

namespace etabli::core {

std::int64_t bike_grams() {
    Repair r;
    r.item = ItemKind::bicycle;
    r.status = RepairStatus::fixed;
    return kept_grams(r);
}

YearReport make_year_report(int year, YearCounts counts, const std::array<std::chrono::seconds, 12>& volunteer_time,
                            int volunteers, std::int64_t hourly_cents) {
    YearReport y;
    y.year = year;
    for (int v : counts.visits) y.visits += v;
    int unknown = 0;
    for (const auto& g : counts.repairs) {
        const auto s = static_cast<std::size_t>(g.status);
        (g.item == ItemKind::powered ? y.powered : y.bicycles)[s] += g.count;
        if (g.month >= 1 && g.month <= 12) y.repairs_by_month[g.month - 1] += g.count;
        y.repairs += g.count;
        if (g.status == RepairStatus::fixed) y.fixed += g.count;
        if (g.status == RepairStatus::unknown) unknown += g.count;
        Repair r;
        r.item = g.item;
        r.category = g.category;
        r.status = g.status;
        y.repairs_kept_grams += kept_grams(r) * g.count;
    }
    if (y.repairs - unknown > 0) y.fix_rate = static_cast<double>(y.fixed) / static_cast<double>(y.repairs - unknown);
    for (int v : counts.bikes_in) y.bikes_in += v;
    y.bikes_reused = counts.bikes_out[static_cast<std::size_t>(BikeStatus::sold)] + counts.bikes_out[static_cast<std::size_t>(BikeStatus::given)];
    y.bikes_kept_grams = bike_grams() * y.bikes_reused;
    std::int64_t machine_seconds = 0;
    for (const auto& m : counts.machines) machine_seconds += m.seconds;
    y.machine_hours = static_cast<double>(machine_seconds) / 3600.0;
    y.volunteer_time = volunteer_time;
    for (auto t : volunteer_time) y.volunteer_total += t;
    y.volunteers = volunteers;
    y.hourly_cents = hourly_cents;
    y.volunteer_value_cents = value_cents(y.volunteer_total, hourly_cents);
    y.counts = std::move(counts);
    return y;
}

}  // namespace etabli::core
