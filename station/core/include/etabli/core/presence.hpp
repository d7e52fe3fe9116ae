// Presence: who is in the workshop, and what a badge tap at the kiosk means.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/member.hpp>

#include <cstdint>
#include <optional>

namespace etabli::core {

using PresenceId = std::int64_t;

struct Presence {
    PresenceId id = 0;
    MemberId member_id = 0;
    Timestamp checked_in{};
    std::optional<Timestamp> checked_out;
};

enum class TapKind {
    unknown_badge,   // no such badge: ask a host to enrol it
    badge_revoked,   // revoked or declared lost: refused
    membership_expired,
    check_in,
    check_out,
};
std::string_view to_string(TapKind k);
inline bool is_refusal(TapKind k) {
    return k == TapKind::unknown_badge || k == TapKind::badge_revoked || k == TapKind::membership_expired;
}

struct TapDecision {
    TapKind kind = TapKind::unknown_badge;
    std::optional<MemberId> member;
    std::optional<Date> expired_on;        // with membership_expired
    std::optional<BadgeStatus> badge_status;  // with badge_revoked (revoked or lost)
    // An open presence that started before `day_start`: it is closed (at `day_start`) and
    // the tap checks the member in anew, instead of checking out someone who forgot.
    std::optional<PresenceId> close_stale;
};

// The rule of a badge tap at the kiosk. `badge` and `member` are the lookups of the tapped
// UID (null when missing); `open` is that member's open presence, if any; `today` and
// `day_start` are the local day of `now` and its first instant in UTC.
TapDecision decide_tap(const Badge* badge, const Member* member, const Presence* open,
                       Date today, Timestamp day_start);

// The refusal or greeting as a Problem-shaped message (msgid + args), for the CLI and kiosk.
Problem describe(const TapDecision& d, std::string_view member_name);

}  // namespace etabli::core
