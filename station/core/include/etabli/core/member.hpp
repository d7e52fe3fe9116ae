// Members and badges: the domain types and the validation of every field that arrives
// from outside (CLI arguments, kiosk fields, CSV cells, badge reads).
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::core {

using MemberId = std::int64_t;

enum class Role { member, volunteer, host, admin };
std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view);
// Hosts and admins run the day: enrol badges, act for others.
inline bool can_host(Role r) { return r == Role::host || r == Role::admin; }

enum class BadgeStatus { active, lost, revoked };
std::string_view to_string(BadgeStatus s);
std::optional<BadgeStatus> badge_status_from_string(std::string_view);

struct Member {
    MemberId id = 0;
    std::string display_name;
    std::optional<std::string> email;
    Role role = Role::member;
    std::optional<Date> valid_until;  // last day of membership, inclusive; none = no end
    Lang lang = Lang::fr;
    Timestamp created_at{};
    Timestamp updated_at{};
};

// What a person types or imports to create or update a member; validated by validate_draft.
struct MemberDraft {
    std::string display_name;
    std::optional<std::string> email;
    Role role = Role::member;
    std::optional<Date> valid_until;
    Lang lang = Lang::fr;
};

struct Badge {
    std::string uid;  // exactly as read, leading zeros kept
    MemberId member_id = 0;
    BadgeStatus status = BadgeStatus::active;
    Timestamp created_at{};
};

// A badge UID as typed or read: surrounding blanks trimmed, then 1–32 characters of
// [0-9A-Za-z:-]. Letters are upper-cased (hex readers disagree on case); digits and leading
// zeros are kept as they are.
std::expected<std::string, Problem> normalize_uid(std::string_view raw);

// Display name: trimmed, inner runs of blanks folded, 1–80 characters (UTF-8 code points),
// valid UTF-8, no control characters.
std::expected<std::string, Problem> normalize_name(std::string_view raw);

// E-mail: trimmed, lower-cased, one '@' with text on both sides and a dot in the domain,
// at most 254 bytes, no blanks. An empty field means "no e-mail".
std::expected<std::optional<std::string>, Problem> normalize_email(std::string_view raw);

// All fields of a draft at once; the first problem found is returned.
std::expected<MemberDraft, Problem> validate_draft(MemberDraft d);

// True when the membership has ended by `today` (valid_until is inclusive).
inline bool membership_expired(const Member& m, Date today) {
    return m.valid_until && today > *m.valid_until;
}

// Number of UTF-8 code points, or nullopt if the text is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);

}  // namespace etabli::core
