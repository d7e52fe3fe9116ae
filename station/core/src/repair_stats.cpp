// Repair statistics and the weight table (see repair_stats.hpp). Layer: core (pure). Any thread.
#include <etabli/core/repair_stats.hpp>

#include <algorithm>
#include <map>

namespace etabli::core {

namespace {

// Grams of a typical item per ORDS category id (index 0 unused). Rough estimates made for
// Établi from common product weights, not a published dataset: they give an order of
// magnitude for a funder's report, and a workshop with better figures should say so.
constexpr std::array<std::int64_t, 41> kGramsByCategory{
    0,
    30000,  // 1 Aircon / dehumidifier
    300,    // 2 Battery / charger / adapter
    150,    // 3 Decorative or safety lights (a bike light)
    8000,   // 4 Desktop computer
    300,    // 5 Digital compact camera
    1000,   // 6 DSLR / video camera
    3000,   // 7 Fan
    6000,   // 8 Flat screen
    500,    // 9 Hair & beauty item
    300,    // 10 Handheld entertainment device
    250,    // 11 Headphones
    5000,   // 12 Hi-Fi integrated
    4000,   // 13 Hi-Fi separates
    1200,   // 14 Kettle
    1500,   // 15 Lamp
    2200,   // 16 Laptop
    50000,  // 17 Large home electrical
    3000,   // 18 Misc (an e-bike battery weighs about 3 kg)
    180,    // 19 Mobile
    3000,   // 20 Musical instrument
    4000,   // 21 Paper shredder
    400,    // 22 PC accessory
    800,    // 23 Portable radio
    2500,   // 24 Power tool
    6000,   // 25 Printer / scanner
    3000,   // 26 Projector
    8000,   // 27 Sewing machine
    2000,   // 28 Small home electrical
    2000,   // 29 Small kitchen item
    500,    // 30 Tablet
    1500,   // 31 Toaster
    500,    // 32 Toy
    1000,   // 33 TV and gaming-related accessories
    5000,   // 34 Vacuum
    300,    // 35 Watch / clock
    3000,   // 36 Coffee maker
    3000,   // 37 Food processor
    3000,   // 38 Games console
    600,    // 39 Hair dryer
    1200,   // 40 Iron
};
constexpr std::int64_t kBicycleGrams = 15000;

std::string problem_key(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\n' || c == '\t') c = ' ';
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
    return out;
}

}  // namespace

std::int64_t kept_grams(const Repair& r) {
    if (r.status != RepairStatus::fixed) return 0;
    if (r.item == ItemKind::bicycle) return kBicycleGrams;
    if (r.category && *r.category >= 1 && *r.category <= 40) return kGramsByCategory[static_cast<std::size_t>(*r.category)];
    return 0;
}

RepairStats repair_stats(const std::vector<Repair>& repairs, std::optional<int> year, std::optional<unsigned> month,
                         const PiiStripper& pii) {
    RepairStats s;
    std::map<std::pair<int, unsigned>, MonthStats> months;
    std::map<int, ComponentStats> comps;  // key: component index, -1 powered
    std::map<int, std::map<std::string, int>> problems;
    int unknown = 0;
    for (const auto& r : repairs) {
        const int y = static_cast<int>(r.day.year());
        const unsigned m = static_cast<unsigned>(r.day.month());
        if (year && y != *year) continue;
        if (month && m != *month) continue;
        auto& ms = months[{y, m}];
        ms.year = y;
        ms.month = m;
        ++ms.by_status[static_cast<std::size_t>(r.status)];
        ++ms.total;
        const auto g = kept_grams(r);
        ms.kept_grams += g;
        s.kept_grams += g;
        ++s.total;
        if (r.status == RepairStatus::fixed) ++s.fixed;
        if (r.status == RepairStatus::unknown) ++unknown;
        const int key = r.item == ItemKind::bicycle && r.component ? static_cast<int>(*r.component) : -1;
        auto& c = comps[key];
        if (key >= 0) c.component = static_cast<Component>(key);
        ++c.total;
        if (r.status == RepairStatus::fixed) ++c.fixed;
        bool changed = false;
        if (auto k = problem_key(pii.strip(r.problem, changed)); !k.empty()) ++problems[key][k];
    }
    for (auto& [k, m] : months) s.months.push_back(m);
    const int known = s.total - unknown;
    s.fix_rate = known > 0 ? static_cast<double>(s.fixed) / known : 0.0;
    for (auto& [key, c] : comps) {
        std::vector<std::pair<std::string, int>> top(problems[key].begin(), problems[key].end());
        std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        if (top.size() > 3) top.resize(3);
        c.top_problems = std::move(top);
        s.components.push_back(std::move(c));
    }
    std::stable_sort(s.components.begin(), s.components.end(), [](const auto& a, const auto& b) { return a.total > b.total; });
    return s;
}

}  // namespace etabli::core
