// The weekly quota's sum: the most time a member holds in any sliding week (seven days, not a
// calendar week) that meets a new interval. The engine's check (Engine::over_quota) and the
// shared database's (several stations: db's commit, under its write lock, with the rows of
// every station) count with this one function. Layer: alloc (pure).
#pragma once

#include <etabli/core/time.hpp>

#include <algorithm>
#include <chrono>
#include <utility>

namespace etabli::alloc {

inline constexpr auto kQuotaWeek = std::chrono::days{7};

struct WeekPeak {
    std::chrono::seconds worst{-1};  // -1: no week meets [s, e)
    core::Timestamp at{};            // the end of that week (the earliest of the worst)
};

// `held`: the member's intervals counted by the quota, [s, e) among them. The sum over a
// sliding week peaks where the window's end meets the end of an interval, or its start meets
// the start of one: only those windows are counted.
inline WeekPeak week_peak(const std::pair<core::Timestamp, core::Timestamp>* held,
                          const std::pair<core::Timestamp, core::Timestamp>* held_end, core::Timestamp s, core::Timestamp e) {
    auto overlap = [](core::Timestamp a0, core::Timestamp a1, core::Timestamp b0, core::Timestamp b1) {
        const core::Timestamp from = std::max(a0, b0), to = std::min(a1, b1);
        return to > from ? std::chrono::duration_cast<std::chrono::seconds>(to - from) : std::chrono::seconds{0};
    };
    WeekPeak peak;
    for (auto h = held; h != held_end; ++h) {
        for (const core::Timestamp t : {h->second, h->first + kQuotaWeek}) {
            if (!(t > s && t - kQuotaWeek < e)) continue;
            std::chrono::seconds sum{0};
            for (auto x = held; x != held_end; ++x) sum += overlap(x->first, x->second, t - kQuotaWeek, t);
            if (sum > peak.worst || (sum == peak.worst && t < peak.at)) {
                peak.worst = sum;
                peak.at = t;
            }
        }
    }
    return peak;
}

}  // namespace etabli::alloc
