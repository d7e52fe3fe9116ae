// Trainings: a host schedules a session that teaches a skill; members sign up (a waiting
// list when it is full, promoted in order when someone cancels); attendance is taken by badge
// while it runs; then the trainer grants the level to every attendee in one step. The rules
// here are pure functions: who is confirmed and who waits, when attendance may be taken, the
// next training of a skill (for refusals that say "next training: …").
// Layer: core (pure: no I/O, no clock; "now" is an argument). Any thread; in practice the
// station thread (rules) and the CLI thread (field validation).
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

using SkillId = std::int64_t;  // skills.id (the same alias as core/skills.hpp)
using TrainingId = std::int64_t;
using SignupId = std::int64_t;

inline constexpr int kMaxTrainingCapacity = 200;
inline constexpr auto kMaxTrainingLength = std::chrono::hours{12};
// Attendance opens this long before the start (people arrive early) and closes at the end.
inline constexpr auto kAttendanceEarly = std::chrono::minutes{30};

struct Training {
    TrainingId id = 0;
    SkillId skill = 0;
    Timestamp start{}, end{};
    int capacity = 6;
    MemberId trainer = 0;
    int level = 2;                        // granted to attendees: 1..3
    std::string note;                     // optional, shown with the training (<= 200 characters)
    bool cancelled = false;
    std::optional<Timestamp> granted_at;  // the trainer granted the level to the attendees
    Timestamp created_at{};
};

// A member's place on a training. Places are ordered by id (sign-up order): the first
// `capacity` places not cancelled are confirmed, the others wait.
enum class SignupState { confirmed, waiting, cancelled };
std::string_view to_string(SignupState s);
std::optional<SignupState> signup_state_from_string(std::string_view);

struct Signup {
    SignupId id = 0;
    TrainingId training = 0;
    MemberId member = 0;
    SignupState state = SignupState::confirmed;
    Timestamp signed_up_at{};
    std::optional<Timestamp> present_at;  // attendance taken (badge tap while it runs)
};

// Field checks of a new training: capacity 1..kMaxTrainingCapacity, start before end, at most
// 12 hours, level 1..3, note valid UTF-8 without control characters, <= 200 characters.
// `now`: a training cannot start in the past (more than 5 minutes ago).
std::expected<Training, Problem> validate_training(Training t, Timestamp now);

// The states the places of one training should have, in id order: the first `capacity` places
// not cancelled are confirmed, the rest wait. Returns the places whose state changed (a
// promotion from the waiting list, or a demotion if the capacity shrank).
std::vector<Signup> settle_signups(std::vector<Signup>& places, int capacity);

// The place a new sign-up gets: confirmed while there is room, else waiting. Refuses a member
// already signed up (not cancelled), a cancelled training, one already over, one whose levels
// were granted.
std::expected<SignupState, Problem> signup_decision(const Training& t, const std::vector<Signup>& places,
                                                    MemberId member, Timestamp now);

// 1-based position on the waiting list, or nullopt when not waiting.
std::optional<int> waiting_position(const std::vector<Signup>& places, MemberId member);

// True while attendance may be taken: from kAttendanceEarly before the start to the end.
bool attendance_open(const Training& t, Timestamp now);

// The next training of `skill` that one can still sign up to (not cancelled, not granted,
// ending after now), the earliest first.
std::optional<Training> next_training(const std::vector<Training>& trainings, SkillId skill, Timestamp now);

}  // namespace etabli::core
