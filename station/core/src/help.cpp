// Help in the room: who can help with a skill, from presence now and presence history;
// help request states and text. Layer: core (pure). Any thread.
#include <etabli/core/help.hpp>

#include "text_checks.hpp"

#include <algorithm>
#include <map>

namespace etabli::core {

using namespace std::chrono;

std::string_view to_string(HelpState s) {
    switch (s) {
        case HelpState::open: return "open";
        case HelpState::helped: return "helped";
        case HelpState::expired: return "expired";
        case HelpState::left: return "left";
        case HelpState::withdrawn: return "withdrawn";
    }
    return "?";
}

std::optional<HelpState> help_state_from_string(std::string_view s) {
    for (auto st : {HelpState::open, HelpState::helped, HelpState::expired, HelpState::left, HelpState::withdrawn})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

namespace {

// Does [in, out) overlap the hour starting at `hour` (0-23) of some day of weekday `wd`? A span
// may cross midnight, so every local day it touches is tried (a presence is hours long; a span
// longer than a week covers every hour anyway).
bool covers(const LocalSpan& s, weekday wd, int hour) {
    if (s.out <= s.in) return false;
    if (s.out - s.in >= days{7}) return true;
    for (auto d = floor<days>(s.in); d <= floor<days>(s.out - seconds{1}); d += days{1}) {
        if (weekday{d} != wd) continue;
        const local_seconds a = d + hours{hour};
        const local_seconds b = a + hours{1};
        if (s.in < b && s.out > a) return true;
    }
    return false;
}

}  // namespace

int usual_count(const std::vector<LocalSpan>& history, MemberId member, local_seconds now_local) {
    const auto day = floor<days>(now_local);
    const weekday wd{day};
    const int hour = static_cast<int>(duration_cast<hours>(now_local - day).count());
    int n = 0;
    for (const auto& s : history)
        if (s.member == member && covers(s, wd, hour)) ++n;
    return n;
}

std::vector<Helper> who_can_help(const std::vector<MemberId>& present, const std::vector<LocalSpan>& history,
                                 const std::function<int(MemberId)>& level_of, const std::set<MemberId>& opted_in,
                                 local_seconds now_local, std::optional<MemberId> asker) {
    std::vector<Helper> here, usual;
    std::set<MemberId> seen;
    for (auto m : present) {
        if (m == asker || !opted_in.contains(m) || !seen.insert(m).second) continue;
        const int level = level_of(m);
        if (level < kHelperMinLevel) continue;
        here.push_back(Helper{m, level, true, usual_count(history, m, now_local)});
    }
    // Counted once per member over the whole history: one pass, then the filters.
    const auto day = floor<days>(now_local);
    const weekday wd{day};
    const int hour = static_cast<int>(duration_cast<hours>(now_local - day).count());
    std::map<MemberId, int> counts;
    for (const auto& s : history)
        if (opted_in.contains(s.member) && !seen.contains(s.member) && s.member != asker && covers(s, wd, hour))
            ++counts[s.member];
    for (const auto& [m, n] : counts) {
        if (n < kUsualMinPresences) continue;
        const int level = level_of(m);
        if (level < kHelperMinLevel) continue;
        usual.push_back(Helper{m, level, false, n});
    }
    std::sort(here.begin(), here.end(), [](const Helper& a, const Helper& b) {
        return a.level != b.level ? a.level > b.level : a.member < b.member;
    });
    std::sort(usual.begin(), usual.end(), [](const Helper& a, const Helper& b) {
        if (a.usual_count != b.usual_count) return a.usual_count > b.usual_count;
        return a.level != b.level ? a.level > b.level : a.member < b.member;
    });
    here.insert(here.end(), usual.begin(), usual.end());
    return here;
}

std::expected<std::string, Problem> normalize_help_text(std::string_view raw) {
    auto s = text_checks::clean_line(raw, 140);
    if (!s) return std::unexpected(problem("A help request says what you need in 140 characters at most"));
    return *s;
}

}  // namespace etabli::core
