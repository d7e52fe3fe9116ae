// Volunteer hours: the role a volunteer picks at badge-in (greeter, mechanic, trainer,
// host), the hours measured from check-in to check-out per role, forgotten check-outs flagged
// for a host, and the monthly report associations give their funders ("valorisation du
// bénévolat": hours × an hourly value).
// Layer: core (pure: presences, bounds and closing times are arguments). Any thread.
#pragma once

#include <etabli/core/presence.hpp>

#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace etabli::core {

enum class VolunteerRole { greeter, mechanic, trainer, host };
inline constexpr VolunteerRole kVolunteerRoles[] = {VolunteerRole::greeter, VolunteerRole::mechanic,
                                                    VolunteerRole::trainer, VolunteerRole::host};
std::string_view to_string(VolunteerRole r);  // "greeter"…
std::string_view label_of(VolunteerRole r);   // English msgid: "Greeter"…
std::expected<VolunteerRole, Problem> parse_volunteer_role(std::string_view text);

// Who is asked for today's role at badge-in: volunteers and hosts.
inline bool picks_role(Role r) { return r == Role::volunteer || r == Role::host; }

// The default hourly value: the French SMIC horaire brut at 1 January 2026, 12.02 €, in cents.
// Checked against published figures (not the Journal officiel text itself): the decree of
// December 2025 raised the gross hourly SMIC by 1.18 % from 11.88 € to 12.02 € (1,823.03 € a
// month for 35 h), as quoted by the Fédération hospitalière de France (emploi.fhf.fr) and by
// juritravail.com citing the ministry of Labour. Mayotte has its own, lower SMIC.
// Associations may use another figure (SMIC chargé, a sector rate): every report takes it
// as an option.
inline constexpr std::int64_t kDefaultHourlyValueCents = 1202;

struct RoleSpan {
    Timestamp since{};  // the role applies from here (the first one from check-in)
    VolunteerRole role = VolunteerRole::mechanic;
    bool operator==(const RoleSpan&) const = default;
};

// One presence of a volunteer, with the roles picked during it (sorted by `since`).
struct VolunteerPresence {
    PresenceId id = 0;
    MemberId member = 0;
    Timestamp checked_in{};
    std::optional<Timestamp> checked_out;  // none: still in
    bool auto_closed = false;              // closed by the station: the volunteer forgot to badge out
    std::optional<Timestamp> corrected_out;  // a host's correction of an auto-closed presence
    std::vector<RoleSpan> roles;
};

struct HoursLine {
    MemberId member = 0;
    std::optional<VolunteerRole> role;  // none: no role was picked
    std::chrono::seconds time{0};
    int presences = 0;
    int flagged = 0;  // presences counted until closing time, waiting for a host's correction
};

struct HoursReport {
    std::vector<HoursLine> lines;  // by member, then role (none first)
    std::chrono::seconds total{0};
    std::vector<PresenceId> to_correct;  // the flagged presences
};

// Hours inside [from, to) (a month in local time, as UTC bounds: a presence across midnight or
// the month's end counts its part inside). A presence ends at its check-out; an auto-closed
// one that no host corrected ends at `closing_of(checked_in)` (the closing time of its day,
// when known and between check-in and the automatic close) and is flagged; a corrected one
// ends at the correction; an open one at `now`. The same member's overlapping presences count
// once. Role spans split a presence: time before the first span belongs to the first role.
HoursReport volunteer_hours(const std::vector<VolunteerPresence>& presences, Timestamp from, Timestamp to,
                            Timestamp now, const std::function<std::optional<Timestamp>(Timestamp)>& closing_of);

// "12,50" from cents (French decimal comma when `comma`), for reports.
std::string format_money(std::int64_t cents, bool comma);
// Value of `time` at `hourly_cents`, rounded to the cent.
std::int64_t value_cents(std::chrono::seconds time, std::int64_t hourly_cents);
// "2026-11" → first day; refused otherwise.
std::expected<Date, Problem> parse_month(std::string_view text);
// Hourly value typed as euros: "12.02" or "12,02" → 1202.
std::expected<std::int64_t, Problem> parse_hourly_value(std::string_view text);

// The CSV of `etabli export volunteer-hours`: month, member_id, member, role, hours (decimal,
// two places), presences, flagged, hourly_value_eur, value_eur; a last line "total".
std::string volunteer_hours_csv(const HoursReport& r, std::string_view month,
                                const std::map<MemberId, std::string>& names, std::int64_t hourly_cents);

}  // namespace etabli::core
