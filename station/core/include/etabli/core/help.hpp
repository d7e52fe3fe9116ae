// Help in the room: "who can help me with this skill?" and help requests. Members opt in
// to appear; the list gives first the opted-in members checked in now at level 2 or more,
// then the opted-in ones who usually come at this weekday and hour (presence history of the
// last 12 weeks). A help request shows on the idle screen until someone offers to help, the
// asker leaves, or it expires.
// Layer: core (pure: local times and levels are arguments). Any thread; in practice the
// station thread.
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>
#include <etabli/core/trainings.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

using HelpRequestId = std::int64_t;

inline constexpr auto kHelpHistory = std::chrono::weeks{12};  // how far back "usually comes" looks
inline constexpr int kUsualMinPresences = 2;                   // presences covering this weekday+hour
inline constexpr auto kHelpRequestLife = std::chrono::minutes{45};
inline constexpr int kHelperMinLevel = 2;

// One past presence in local time (the station converts with the workshop's time zone).
struct LocalSpan {
    MemberId member = 0;
    std::chrono::local_seconds in{}, out{};
};

struct Helper {
    MemberId member = 0;
    int level = 0;           // effective level on the skill
    bool present = false;    // checked in now
    int usual_count = 0;     // presences of the last 12 weeks covering this weekday and hour
};

// The helpers for a skill. `present`: members checked in now; `history`: presences of the last
// 12 weeks (local time); `level_of`: effective level of a member on the skill; `opted_in`: who
// agreed to be listed; `now_local`: the local time of the question; `asker` is never listed.
// Order: present members (level descending, then earliest id), then usual visitors (count
// descending, level descending, id) who are not present. Both need level >= 2.
// A span covers the hour when it overlaps [HH:00, HH+1:00) of a day with the same weekday.
std::vector<Helper> who_can_help(const std::vector<MemberId>& present, const std::vector<LocalSpan>& history,
                                 const std::function<int(MemberId)>& level_of, const std::set<MemberId>& opted_in,
                                 std::chrono::local_seconds now_local, std::optional<MemberId> asker);

// How many spans of `member` cover the weekday and hour of `now_local` (see who_can_help).
int usual_count(const std::vector<LocalSpan>& history, MemberId member, std::chrono::local_seconds now_local);

enum class HelpState { open, helped, expired, left, withdrawn };
std::string_view to_string(HelpState s);
std::optional<HelpState> help_state_from_string(std::string_view);

struct HelpRequest {
    HelpRequestId id = 0;
    MemberId asker = 0;
    SkillId skill = 0;
    std::string text;                 // optional, <= 140 characters
    Timestamp posted_at{}, expires_at{};
    HelpState state = HelpState::open;
    std::optional<MemberId> helper;   // who tapped "I'll help"
    std::optional<Timestamp> closed_at;
};

// The optional text of a request: trimmed, valid UTF-8, no control characters, <= 140
// characters (code points).
std::expected<std::string, Problem> normalize_help_text(std::string_view raw);

}  // namespace etabli::core
