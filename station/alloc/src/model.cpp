// Local time helpers and the small functions of the allocation data (see model.hpp).
// Layer: alloc (pure). Any thread.
#include <etabli/alloc/model.hpp>
#include <etabli/core/i18n.hpp>

#include <cstdio>

namespace etabli::alloc {

using namespace std::chrono;

namespace {
std::string hhmm(local_seconds l) {
    const auto dp = floor<days>(l);
    const hh_mm_ss hms{l - dp};
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()));
    return buf;
}
std::string local_text(local_seconds l) {
    const year_month_day d{floor<days>(l)};
    return core::format_date(d) + " " + hhmm(l);
}
}  // namespace

std::expected<Timestamp, core::Problem> local_to_utc(const Zone& zone, local_seconds local, Fold fold) {
    const LocalResolution r = zone.resolve(local);
    switch (r.kind) {
    case LocalResolution::Kind::unique: return r.first;
    case LocalResolution::Kind::ambiguous: return fold == Fold::earlier ? r.first : r.second;
    case LocalResolution::Kind::nonexistent: break;
    }
    // The gap runs from the local time just before the jump to the local time after it.
    const local_seconds gap_to = zone.to_local(r.first);
    const local_seconds gap_from = zone.to_local(r.first - seconds{1}) + seconds{1};
    return std::unexpected(core::problem(
        "{0} does not exist in local time: that night the clocks go forward from {1} to {2}",
        {local_text(local), hhmm(gap_from), hhmm(gap_to)}));
}

std::string format_local(const Zone& zone, Timestamp t) {
    const local_seconds l = zone.to_local(t);
    std::string text = local_text(l);
    if (zone.resolve(floor<minutes>(l)).kind == LocalResolution::Kind::ambiguous) {
        const auto off = duration_cast<minutes>(zone.offset(t)).count();
        char buf[24];
        std::snprintf(buf, sizeof buf, " (UTC%c%lld)", off < 0 ? '-' : '+',
                      static_cast<long long>((off < 0 ? -off : off) / 60));
        text += buf;
    }
    return text;
}

std::string format_duration(seconds d) {
    const long long m = duration_cast<minutes>(d).count();
    char buf[32];
    if (m < 60) std::snprintf(buf, sizeof buf, "%lld min", m);
    else if (m % 60 == 0) std::snprintf(buf, sizeof buf, "%lld h", m / 60);
    else std::snprintf(buf, sizeof buf, "%lld h %02lld", m / 60, m % 60);
    return buf;
}

// The texts of MachineStatus and BookingState are stored, and shown translated (N_).
std::string_view to_string(MachineStatus s) {
    switch (s) {
    case MachineStatus::available: return core::N_("available");
    case MachineStatus::maintenance: return core::N_("maintenance");
    case MachineStatus::out_of_order: return core::N_("out-of-order");
    }
    return "?";
}

std::optional<MachineStatus> machine_status_from_string(std::string_view s) {
    if (s == "available") return MachineStatus::available;
    if (s == "maintenance") return MachineStatus::maintenance;
    if (s == "out-of-order" || s == "out_of_order") return MachineStatus::out_of_order;
    return std::nullopt;
}

std::string_view to_string(CheckLevel l) {
    switch (l) {
    case CheckLevel::none: return "none";
    case CheckLevel::user: return "user";
    case CheckLevel::trainer: return "trainer";
    case CheckLevel::host: return "host";
    }
    return "?";
}

std::optional<CheckLevel> check_level_from_string(std::string_view s) {
    for (CheckLevel l : {CheckLevel::none, CheckLevel::user, CheckLevel::trainer, CheckLevel::host})
        if (s == to_string(l)) return l;
    return std::nullopt;
}

std::string_view to_string(BookingState s) {
    switch (s) {
    case BookingState::booked: return core::N_("booked");
    case BookingState::active: return core::N_("active");
    case BookingState::completed: return core::N_("completed");
    case BookingState::no_show: return core::N_("no_show");
    case BookingState::cancelled: return core::N_("cancelled");
    }
    return "?";
}

std::string_view to_string(SessionEnd e) {
    switch (e) {
    case SessionEnd::badge: return "badge";
    case SessionEnd::host: return "host";
    case SessionEnd::allowed_end: return "allowed_end";
    case SessionEnd::fault: return "fault";
    case SessionEnd::station_down: return "station_down";
    case SessionEnd::handover: return "handover";
    }
    return "?";
}

std::string_view to_string(Action::Kind k) {
    switch (k) {
    case Action::Kind::power_on: return "power_on";
    case Action::Kind::renew_lease: return "renew_lease";
    case Action::Kind::warn: return "warn";
    case Action::Kind::power_off: return "power_off";
    case Action::Kind::release_no_show: return "release_no_show";
    case Action::Kind::offer: return "offer";
    case Action::Kind::expire_offer: return "expire_offer";
    case Action::Kind::handover: return "handover";
    }
    return "?";
}

const std::vector<DayWindow>& OpeningHours::of(core::Date d) const {
    if (auto it = exceptions.find(d); it != exceptions.end()) return it->second;
    return weekly[weekday{sys_days{d}}.c_encoding()];
}

void Changes::append(Changes&& o) {
    for (auto& x : o.machines) machines.push_back(std::move(x));
    for (auto& x : o.bookings) bookings.push_back(std::move(x));
    for (auto& x : o.sessions) sessions.push_back(std::move(x));
    for (auto& x : o.queue) queue.push_back(std::move(x));
    for (auto& x : o.queue_removed) queue_removed.push_back(x);
    for (auto& x : o.actions) actions.push_back(std::move(x));
    next_ids = o.next_ids;
}

}  // namespace etabli::alloc
