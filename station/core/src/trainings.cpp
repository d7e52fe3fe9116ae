// Trainings: field checks, places and waiting list, attendance window, next training.
// Layer: core (pure). Any thread.
#include <etabli/core/trainings.hpp>

#include "text_checks.hpp"

#include <algorithm>

namespace etabli::core {

using namespace std::chrono;

std::string_view to_string(SignupState s) {
    switch (s) {
        case SignupState::confirmed: return "confirmed";
        case SignupState::waiting: return "waiting";
        case SignupState::cancelled: return "cancelled";
    }
    return "?";
}

std::optional<SignupState> signup_state_from_string(std::string_view s) {
    if (s == "confirmed") return SignupState::confirmed;
    if (s == "waiting") return SignupState::waiting;
    if (s == "cancelled") return SignupState::cancelled;
    return std::nullopt;
}

std::expected<Training, Problem> validate_training(Training t, Timestamp now) {
    if (t.capacity < 1 || t.capacity > kMaxTrainingCapacity)
        return std::unexpected(problem("A training takes 1 to {0} people", {std::to_string(kMaxTrainingCapacity)}));
    if (t.end <= t.start) return std::unexpected(problem("A training must end after it starts"));
    if (t.end - t.start > kMaxTrainingLength) return std::unexpected(problem("A training lasts 12 hours at most"));
    if (t.level < 1 || t.level > 3) return std::unexpected(problem("The level granted by a training is 1, 2 or 3"));
    if (t.start < now - minutes{5}) return std::unexpected(problem("A training cannot start in the past"));
    auto note = text_checks::clean_line(t.note, 200);
    if (!note) return std::unexpected(problem("The note of a training is at most 200 characters of text"));
    t.note = *note;
    return t;
}

std::vector<Signup> settle_signups(std::vector<Signup>& places, int capacity) {
    std::sort(places.begin(), places.end(), [](const Signup& a, const Signup& b) { return a.id < b.id; });
    std::vector<Signup> changed;
    int taken = 0;
    for (auto& p : places) {
        if (p.state == SignupState::cancelled) continue;
        const auto want = taken < capacity ? SignupState::confirmed : SignupState::waiting;
        ++taken;
        if (p.state != want) {
            p.state = want;
            changed.push_back(p);
        }
    }
    return changed;
}

std::expected<SignupState, Problem> signup_decision(const Training& t, const std::vector<Signup>& places,
                                                    MemberId member, Timestamp now) {
    if (t.cancelled) return std::unexpected(problem("This training was cancelled"));
    if (t.granted_at) return std::unexpected(problem("This training is over: its levels were granted"));
    if (t.end <= now) return std::unexpected(problem("This training is over"));
    int taken = 0;
    for (const auto& p : places) {
        if (p.state == SignupState::cancelled) continue;
        if (p.member == member) return std::unexpected(problem("Already signed up for this training"));
        ++taken;
    }
    return taken < t.capacity ? SignupState::confirmed : SignupState::waiting;
}

std::optional<int> waiting_position(const std::vector<Signup>& places, MemberId member) {
    int pos = 0;
    for (const auto& p : places) {
        if (p.state != SignupState::waiting) continue;
        ++pos;
        if (p.member == member) return pos;
    }
    return std::nullopt;
}

bool attendance_open(const Training& t, Timestamp now) {
    return !t.cancelled && now >= t.start - kAttendanceEarly && now < t.end;
}

std::optional<Training> next_training(const std::vector<Training>& trainings, SkillId skill, Timestamp now) {
    std::optional<Training> best;
    for (const auto& t : trainings) {
        if (t.skill != skill || t.cancelled || t.granted_at || t.end <= now) continue;
        if (!best || t.start < best->start || (t.start == best->start && t.id < best->id)) best = t;
    }
    return best;
}

}  // namespace etabli::core
