// The rule of a badge tap at the kiosk. Layer: core (pure).
#include <etabli/core/presence.hpp>

namespace etabli::core {

std::string_view to_string(TapKind k) {
    switch (k) {
        case TapKind::unknown_badge: return "unknown_badge";
        case TapKind::badge_revoked: return "badge_revoked";
        case TapKind::membership_expired: return "membership_expired";
        case TapKind::check_in: return "check_in";
        case TapKind::check_out: return "check_out";
    }
    return "?";
}

TapDecision decide_tap(const Badge* badge, const Member* member, const Presence* open, Date today,
                       Timestamp day_start) {
    TapDecision d;
    if (!badge || !member) {
        d.kind = TapKind::unknown_badge;
        return d;
    }
    d.member = member->id;
    if (badge->status != BadgeStatus::active) {
        d.kind = TapKind::badge_revoked;
        d.badge_status = badge->status;
        return d;
    }
    if (membership_expired(*member, today)) {
        d.kind = TapKind::membership_expired;
        d.expired_on = member->valid_until;
        // Someone whose membership ended while inside may still leave.
        if (open && open->checked_in >= day_start) {
            d.kind = TapKind::check_out;
            d.expired_on.reset();
        }
        return d;
    }
    if (open && open->checked_in >= day_start) {
        d.kind = TapKind::check_out;
        return d;
    }
    d.kind = TapKind::check_in;
    if (open) d.close_stale = open->id;
    return d;
}

Problem describe(const TapDecision& d, std::string_view member_name) {
    const std::string name(member_name);
    switch (d.kind) {
        case TapKind::unknown_badge: return problem("Unknown badge: ask a host to enrol it");
        case TapKind::badge_revoked:
            if (d.badge_status == BadgeStatus::lost) return problem("This badge was declared lost: ask a host");
            return problem("This badge has been revoked: ask a host");
        case TapKind::membership_expired:
            return problem("Membership expired on {0}: renew it with a host", {d.expired_on ? format_date(*d.expired_on) : ""});
        case TapKind::check_in: return problem("Welcome, {0}: checked in", {name});
        case TapKind::check_out: return problem("Goodbye, {0}: checked out", {name});
    }
    return Problem{"?", {}};
}

}  // namespace etabli::core
