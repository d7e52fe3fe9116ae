// Volunteer hours: roles, the hours per role, the monthly report (see volunteer_hours.hpp).
// Layer: core (pure). Any thread.
#include <etabli/core/i18n.hpp>
#include <etabli/core/ords.hpp>
#include <etabli/core/volunteer_hours.hpp>

#include <algorithm>
#include <charconv>

namespace etabli::core {

using namespace std::chrono;

std::string_view to_string(VolunteerRole r) {
    switch (r) {
        case VolunteerRole::greeter: return "greeter";
        case VolunteerRole::mechanic: return "mechanic";
        case VolunteerRole::trainer: return "trainer";
        case VolunteerRole::host: return "host";
    }
    return "mechanic";
}

std::string_view label_of(VolunteerRole r) {
    switch (r) {
        case VolunteerRole::greeter: return N_("Greeter");
        case VolunteerRole::mechanic: return N_("Mechanic");
        case VolunteerRole::trainer: return N_("Trainer");
        case VolunteerRole::host: return N_("Host");
    }
    return "Mechanic";
}

std::expected<VolunteerRole, Problem> parse_volunteer_role(std::string_view text) {
    std::string k;
    for (char c : text)
        if (c != ' ') k += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    for (auto r : kVolunteerRoles)
        if (k == to_string(r)) return r;
    if (k == "accueil") return VolunteerRole::greeter;
    if (k == "mecanicien" || k == "mécanicien" || k == "mécano" || k == "meca") return VolunteerRole::mechanic;
    if (k == "formateur" || k == "formatrice") return VolunteerRole::trainer;
    if (k == "animateur" || k == "animatrice") return VolunteerRole::host;
    return std::unexpected(problem("Unknown role \"{0}\": use greeter, mechanic, trainer or host", {std::string(text)}));
}

HoursReport volunteer_hours(const std::vector<VolunteerPresence>& presences, Timestamp from, Timestamp to,
                            Timestamp now, const std::function<std::optional<Timestamp>(Timestamp)>& closing_of) {
    struct Piece {
        Timestamp start, end;
        const VolunteerPresence* p;
        bool flagged;
    };
    std::map<MemberId, std::vector<Piece>> by_member;
    for (const auto& p : presences) {
        Timestamp end = p.checked_out.value_or(now);
        bool flagged = false;
        if (p.corrected_out) {
            end = *p.corrected_out;
        } else if (p.auto_closed && p.checked_out) {
            flagged = true;
            if (closing_of) {
                if (auto c = closing_of(p.checked_in); c && *c > p.checked_in && *c < end) end = *c;
            }
        }
        if (end < p.checked_in) continue;
        by_member[p.member].push_back(Piece{p.checked_in, end, &p, flagged});
    }
    std::map<std::pair<MemberId, int>, HoursLine> lines;  // role -1: none
    HoursReport report;
    for (auto& [member, pieces] : by_member) {
        std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.start < b.start; });
        Timestamp covered = Timestamp::min();
        for (const auto& pc : pieces) {
            // A corrected presence overlapping the next one must not count twice.
            const Timestamp start = std::max({pc.start, covered, from});
            const Timestamp end = std::min(pc.end, to);
            covered = std::max(covered, pc.end);
            const bool inside = pc.start < to && pc.end > from;
            if (!inside) continue;
            if (pc.flagged) report.to_correct.push_back(pc.p->id);
            auto roles = pc.p->roles;
            std::sort(roles.begin(), roles.end(), [](const RoleSpan& a, const RoleSpan& b) { return a.since < b.since; });
            auto line_of = [&](std::optional<VolunteerRole> r) -> HoursLine& {
                const int key = r ? static_cast<int>(*r) : -1;
                auto& l = lines[{member, key}];
                l.member = member;
                l.role = r;
                return l;
            };
            std::vector<std::pair<Timestamp, std::optional<VolunteerRole>>> cuts;
            if (roles.empty()) cuts.push_back({pc.start, std::nullopt});
            for (std::size_t i = 0; i < roles.size(); ++i) cuts.push_back({i == 0 ? pc.start : roles[i].since, roles[i].role});
            bool counted = false;
            for (std::size_t i = 0; i < cuts.size(); ++i) {
                const Timestamp a = std::max(cuts[i].first, start);
                const Timestamp b = std::min(i + 1 < cuts.size() ? cuts[i + 1].first : pc.end, end);
                auto& l = line_of(cuts[i].second);
                if (!counted) {
                    ++l.presences;
                    if (pc.flagged) ++l.flagged;
                    counted = true;
                }
                if (b > a) {
                    l.time += duration_cast<seconds>(b - a);
                    report.total += duration_cast<seconds>(b - a);
                }
            }
        }
    }
    for (auto& [k, l] : lines) report.lines.push_back(l);
    return report;
}

std::string format_money(std::int64_t cents, bool comma) {
    const bool neg = cents < 0;
    if (neg) cents = -cents;
    std::string s = std::to_string(cents / 100) + (comma ? "," : ".");
    const auto c = cents % 100;
    s += static_cast<char>('0' + c / 10);
    s += static_cast<char>('0' + c % 10);
    return neg ? "-" + s : s;
}

std::int64_t value_cents(seconds time, std::int64_t hourly_cents) {
    // Rounded half up, in integers: seconds × cents / 3600.
    return (time.count() * hourly_cents + 1800) / 3600;
}

std::expected<Date, Problem> parse_month(std::string_view text) {
    if (text.size() == 7 && text[4] == '-') {
        if (auto d = parse_date(std::string(text) + "-01")) return *d;
    }
    return std::unexpected(problem("\"{0}\" is not a month: write YYYY-MM, e.g. 2026-11", {std::string(text)}));
}

std::expected<std::int64_t, Problem> parse_hourly_value(std::string_view text) {
    std::string t(text);
    std::replace(t.begin(), t.end(), ',', '.');
    const auto dot = t.find('.');
    const std::string whole = t.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
    auto bad = [&] {
        return std::unexpected(problem("\"{0}\" is not an amount in euros: write e.g. 12.02", {std::string(text)}));
    };
    if (whole.empty() || whole.size() > 6 || frac.size() > 2) return bad();
    for (char c : whole + frac)
        if (c < '0' || c > '9') return bad();
    while (frac.size() < 2) frac += '0';
    const std::int64_t cents = std::stoll(whole) * 100 + std::stoll(frac);
    if (cents <= 0) return bad();
    return cents;
}

std::string volunteer_hours_csv(const HoursReport& r, std::string_view month, const std::map<MemberId, std::string>& names,
                                std::int64_t hourly_cents) {
    auto hours = [](seconds s) {
        // Two decimals, rounded to the nearest 36 s.
        const std::int64_t hundredths = (s.count() + 18) / 36;
        return format_money(hundredths, false);
    };
    std::string o = "month,member_id,member,role,hours,presences,flagged,hourly_value_eur,value_eur\n";
    const std::string rate = format_money(hourly_cents, false);
    int presences = 0, flagged = 0;
    for (const auto& l : r.lines) {
        auto it = names.find(l.member);
        o += std::string(month) + "," + std::to_string(l.member) + ",";
        append_csv_field(o, it == names.end() ? "#" + std::to_string(l.member) : it->second);
        o += ",";
        o += l.role ? to_string(*l.role) : "";
        o += "," + hours(l.time) + "," + std::to_string(l.presences) + "," + std::to_string(l.flagged) + "," + rate + "," +
             format_money(value_cents(l.time, hourly_cents), false) + "\n";
        presences += l.presences;
        flagged += l.flagged;
    }
    o += std::string(month) + ",,total,," + hours(r.total) + "," + std::to_string(presences) + "," + std::to_string(flagged) +
         "," + rate + "," + format_money(value_cents(r.total, hourly_cents), false) + "\n";
    return o;
}

}  // namespace etabli::core
