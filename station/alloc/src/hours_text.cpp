// Opening hours as text (see hours_text.hpp). Layer: alloc (pure).
#include <etabli/alloc/hours_text.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace etabli::alloc {

using core::problem;

namespace {

constexpr std::array<std::string_view, 7> kEn{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::array<std::string_view, 7> kFr{"dim", "lun", "mar", "mer", "jeu", "ven", "sam"};

std::optional<int> weekday_of(std::string_view s) {
    std::string l(s.substr(0, 3));
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s.size() < 3) return std::nullopt;
    for (int i = 0; i < 7; ++i)
        if (l == kEn[static_cast<std::size_t>(i)] || l == kFr[static_cast<std::size_t>(i)]) return i;
    return std::nullopt;
}

// "HH:MM" → minutes after midnight; 24:00 allowed.
std::optional<int> minutes_of(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    const int h = (s[0] - '0') * 10 + (s[1] - '0');
    const int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    for (;;) {
        const auto next = s.find(sep, pos);
        out.push_back(s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return out;
}

}  // namespace

std::expected<std::vector<DayWindow>, core::Problem> parse_windows(std::string_view text) {
    std::vector<DayWindow> out;
    for (auto part : split(text, ',')) {
        const auto dash = part.find('-');
        const auto from = dash == std::string_view::npos ? std::nullopt : minutes_of(part.substr(0, dash));
        const auto to = dash == std::string_view::npos ? std::nullopt : minutes_of(part.substr(dash + 1));
        if (!from || !to)
            return std::unexpected(problem("\"{0}\" is not a time range: write HH:MM-HH:MM, e.g. 14:00-20:00", {std::string(part)}));
        if (*to <= *from) return std::unexpected(problem("In \"{0}\" the end is not after the start", {std::string(part)}));
        out.push_back(DayWindow{*from, *to});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.from < b.from; });
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].from < out[i - 1].to) return std::unexpected(problem("The time ranges \"{0}\" overlap", {std::string(text)}));
    return out;
}

std::expected<std::array<std::vector<DayWindow>, 7>, core::Problem> parse_weekly(const std::vector<std::string>& specs) {
    std::array<std::vector<DayWindow>, 7> week{};
    std::array<bool, 7> named{};
    for (const auto& spec : specs) {
        const auto space = spec.find(' ');
        if (space == std::string::npos)
            return std::unexpected(problem("\"{0}\" needs days and hours, e.g. \"mon-fri 14:00-20:00\"", {spec}));
        std::string_view days(spec.data(), space), times(spec);
        times.remove_prefix(space + 1);
        while (!times.empty() && times.front() == ' ') times.remove_prefix(1);
        std::vector<int> which;
        for (auto item : split(days, ',')) {
            const auto dash = item.find('-');
            const auto a = weekday_of(item.substr(0, dash));
            const auto b = dash == std::string_view::npos ? a : weekday_of(item.substr(dash + 1));
            if (!a || !b || (item.size() != 3 && dash != 3) || (dash != std::string_view::npos && item.size() != 7))
                return std::unexpected(problem("\"{0}\" is not a day or a range of days (mon … sun, lun … dim)", {std::string(item)}));
            // mon-fri, and ranges across the weekend such as fri-mon.
            for (int d = *a;; d = (d + 1) % 7) {
                which.push_back(d);
                if (d == *b) break;
            }
        }
        auto windows = parse_windows(times);
        if (!windows) return std::unexpected(windows.error());
        for (int d : which) {
            auto& day = week[static_cast<std::size_t>(d)];
            if (named[static_cast<std::size_t>(d)])
                return std::unexpected(problem("\"{0}\" names a day twice", {spec}));
            day = *windows;
        }
        for (int d : which) named[static_cast<std::size_t>(d)] = true;
    }
    return week;
}

std::string format_windows(const std::vector<DayWindow>& windows) {
    std::string out;
    for (const auto& w : windows) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", w.from / 60, w.from % 60, w.to / 60, w.to % 60);
        out += (out.empty() ? "" : ",") + std::string(buf);
    }
    return out;
}

std::vector<std::string> format_weekly(const std::array<std::vector<DayWindow>, 7>& weekly, core::Lang lang) {
    std::vector<std::string> out;
    for (int i = 1; i <= 7; ++i) {
        const auto d = static_cast<std::size_t>(i % 7);
        if (weekly[d].empty()) continue;
        out.push_back(std::string(lang == core::Lang::fr ? kFr[d] : kEn[d]) + " " + format_windows(weekly[d]));
    }
    return out;
}

}  // namespace etabli::alloc
