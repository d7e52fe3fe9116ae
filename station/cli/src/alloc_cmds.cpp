// The allocation commands of the command line (see alloc_cmds.hpp). Layer: cli.
#include "io.hpp"
#include "alloc_cmds.hpp"
#include "export_files.hpp"

#include <etabli/alloc/hours_text.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <limits>
#include <map>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

// "2026-12-01 14:00" (local time) → instant; DST gaps refused, repeated hours per `later`.
std::expected<core::Timestamp, core::Problem> parse_local(const app::Calendar& cal, const std::string& text, bool later) {
    if (text.size() != 16 || text[10] != ' ' || text[13] != ':')
        return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    auto t = core::parse_timestamp(text + ":00");
    if (!t) return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    return alloc::local_to_utc(cal.zone(), local_seconds{t->time_since_epoch()},
                               later ? alloc::Fold::later : alloc::Fold::earlier);
}

std::optional<alloc::MachineId> find_machine(const app::Snapshot& s, const std::string& key) {
    for (const auto& m : s.machines) {
        if (std::to_string(m.machine.id) == key) return m.machine.id;
        std::string a = m.machine.name, b = key;
        for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (a == b) return m.machine.id;
    }
    return std::nullopt;
}

std::string local_text(const app::Calendar& cal, core::Timestamp t) { return alloc::format_local(cal.zone(), t); }

json booking_json(const app::Calendar& cal, const alloc::Booking& b) {
    json j{{"id", b.id},
           {"machine", b.machine},
           {"member", b.member},
           {"start", core::format_timestamp(b.start)},
           {"end", core::format_timestamp(b.end)},
           {"start_local", local_text(cal, b.start)},
           {"end_local", local_text(cal, b.end)},
           {"state", alloc::to_string(b.state)},
           {"walk_in", b.walk_in}};
    if (b.series) j["series"] = *b.series;
    if (b.host_note) j["host_note"] = *b.host_note;
    return j;
}

json machine_json(const app::MachineView& v) {
    const auto& m = v.machine;
    json j{{"id", m.id},
           {"name", m.name},
           {"kind", m.kind},
           {"pool", m.pool ? json(*m.pool) : json(nullptr)},
           {"status", alloc::to_string(m.status)},
           {"authorised", m.authorised},
           {"slot_min", m.rules.slot.count()},
           {"min_min", m.rules.min_length.count()},
           {"max_min", m.rules.max_length.count()},
           {"buffer_min", m.rules.buffer_after.count()},
           {"ahead_days", m.rules.ahead_days},
           {"quota_hours_week", m.rules.quota_per_week ? json(static_cast<double>(m.rules.quota_per_week->count()) / 60.0) : json(nullptr)},
           {"host_loss", m.rules.host_loss.kind == alloc::HostLossPolicy::Kind::cut ? std::string("cut")
                         : (m.rules.host_loss.kind == alloc::HostLossPolicy::Kind::grace ? "grace:" : "until-idle:") +
                               std::to_string(m.rules.host_loss.seconds.count())},
           {"pin_required", m.rules.pin_required},
           {"check_after_use", alloc::to_string(m.rules.check_after_use)},
           {"awaiting_check", m.awaiting_check},
           {"check_note", m.check_note ? json(*m.check_note) : json(nullptr)},
           {"photo", m.photo ? json(*m.photo) : json(nullptr)},
           {"in_use", v.session.has_value()},
           {"power", v.power}};
    if (v.session) j["until_local"] = v.until_hhmm;
    if (v.next) j["next_local"] = v.next_hhmm;
    return j;
}

std::expected<alloc::HostLossPolicy, core::Problem> parse_host_loss(const std::string& s) {
    alloc::HostLossPolicy p;
    auto number = [&](std::size_t at) -> std::optional<long> {
        char* end = nullptr;
        const long v = std::strtol(s.c_str() + at, &end, 10);
        if (end == s.c_str() + at || *end || v <= 0 || v > 24 * 3600) return std::nullopt;
        return v;
    };
    if (s == "cut") return p;
    if (s.starts_with("grace:")) {
        if (auto n = number(6)) return alloc::HostLossPolicy{alloc::HostLossPolicy::Kind::grace, seconds{*n}};
    } else if (s.starts_with("until-idle:")) {
        if (auto n = number(11)) return alloc::HostLossPolicy{alloc::HostLossPolicy::Kind::until_idle, seconds{*n}};
    }
    return std::unexpected(problem("--host-loss takes cut, grace:SECONDS or until-idle:MAX_SECONDS (got \"{0}\")", {s}));
}

// Why a session ended, in words.
std::string session_end_text(const Context& ctx, alloc::SessionEnd e) {
    switch (e) {
        case alloc::SessionEnd::badge: return ctx.t("badge at the machine");
        case alloc::SessionEnd::host: return ctx.t("ended by a host");
        case alloc::SessionEnd::allowed_end: return ctx.t("allowed time over");
        case alloc::SessionEnd::fault: return ctx.t("controller fault");
        case alloc::SessionEnd::station_down: return ctx.t("station stopped");
        case alloc::SessionEnd::handover: return ctx.t("handed over to the next member");
    }
    return "";
}

// A host-loss policy in words, in the command's language.
std::string host_loss_text(const Context& ctx, const alloc::HostLossPolicy& p) {
    const auto n = std::to_string(p.seconds.count());
    switch (p.kind) {
        case alloc::HostLossPolicy::Kind::cut: return ctx.t("the power is cut at once (cut)");
        case alloc::HostLossPolicy::Kind::grace:
            return core::fill_placeholders(ctx.t("the machine runs on for {0} s, then is cut (grace:{0})"), {n});
        case alloc::HostLossPolicy::Kind::until_idle:
            return core::fill_placeholders(ctx.t("the machine runs until it is idle, at most {0} s (until-idle:{0})"), {n});
    }
    return "";
}

}  // namespace

AllocCommands::AllocCommands(CLI::App& app) {
    auto* machine = app.add_subcommand("machine", "Machines: add, list, show, set, checked, clear-fault, authorise, revoke");
    machine->require_subcommand(1);
    m_machine_add = machine->add_subcommand("add", "Add a machine; prints its number");
    m_machine_add->add_option("--name", m_add.name, "Name shown on the board")->required();
    m_machine_add->add_option("--kind", m_add.kind, "Kind, e.g. laser, 3d-printer");
    m_machine_add->add_option("--pool", m_add.pool, "Pool of equivalent machines, e.g. \"3D printers\"");
    m_machine_add->add_option("--slot-min", m_add.slot, "Booking grid, minutes")->default_val(15);
    m_machine_add->add_option("--min-min", m_add.min, "Shortest booking, minutes")->default_val(15);
    m_machine_add->add_option("--max-min", m_add.max, "Longest booking, minutes")->default_val(120);
    m_machine_add->add_option("--buffer-min", m_add.buffer, "Buffer after each booking, minutes")->default_val(0);
    m_machine_add->add_option("--ahead-days", m_add.ahead, "How far ahead members may book, days")->default_val(14);
    m_machine_add->add_option("--quota-hours-week", m_add.quota_hours, "Hours per member per rolling 7 days (0: none)");
    m_machine_add->add_flag("--quota-pool", m_add.quota_pool, "The quota counts the whole pool");
    m_machine_add->add_option("--photo", m_set_photo, "Photo: a file name relative to the photos folder");
    m_machine_add->add_option("--host-loss", m_add.host_loss, "When the station disappears: cut, grace:SECONDS, until-idle:MAX_SECONDS");
    m_machine_list = machine->add_subcommand("list", "List the machines");
    m_machine_show = machine->add_subcommand("show", "Show one machine");
    m_machine_show->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_set = machine->add_subcommand("set", "Change a machine's status or host-loss policy");
    m_machine_set->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_set->add_option("--status", m_status, "available, maintenance or out-of-order");
    m_machine_set->add_option("--host-loss", m_set_host_loss, "When the station disappears: cut, grace:SECONDS, until-idle:MAX_SECONDS");
    m_machine_set->add_option("--photo", m_set_photo, "Photo: a file name relative to the photos folder (\"\" removes it)");
    m_machine_set->add_option("--pin-required", m_set_pin_required, "yes: the member's PIN at the kiosk as well as the badge; no: the badge alone");
    m_machine_set->add_option("--check-after-use", m_set_check,
                              "Who confirms the check after each use before the next start: none, user (a member who may use it), "
                              "trainer (a trainer of its skill or a host), host");
    m_machine_checked = machine->add_subcommand("checked", "Confirm a machine's check after use (or, with --problem, put it into maintenance)");
    m_machine_checked->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_checked->add_option("--problem", m_check_problem, "What is wrong: the machine goes into maintenance");
    m_machine_clear_fault = machine->add_subcommand("clear-fault", "Clear a controller's contact fault once the machine was checked");
    m_machine_clear_fault->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_auth = machine->add_subcommand("authorise", "Allow a member to use a machine");
    m_machine_auth->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_auth->add_option("--member", m_member, "Member number")->required();
    m_machine_revoke = machine->add_subcommand("revoke", "Withdraw a member's authorisation");
    m_machine_revoke->add_option("MACHINE", m_machine, "Number or name")->required();
    m_machine_revoke->add_option("--member", m_member, "Member number")->required();

    auto* hours = app.add_subcommand("hours", "Opening hours: set, close, open, show");
    hours->require_subcommand(1);
    m_hours_set = hours->add_subcommand("set", "Set the weekly schedule, e.g. \"mon-fri 14:00-20:00\" \"sat 10:00-18:00\"");
    m_hours_set->add_option("SPEC", m_specs, "Days and hours")->required();
    m_hours_close = hours->add_subcommand("close", "Close on a day (holiday, event)");
    m_hours_close->add_option("DAY", m_day, "YYYY-MM-DD")->required();
    m_hours_open = hours->add_subcommand("open", "Open exceptionally on a day");
    m_hours_open->add_option("DAY", m_day, "YYYY-MM-DD")->required();
    m_hours_open->add_option("HOURS", m_to, "HH:MM-HH:MM[,HH:MM-HH:MM]")->required();
    m_hours_show = hours->add_subcommand("show", "Show the opening hours");

    m_book = app.add_subcommand("book", "Book a machine for a member");
    m_book->add_option("MACHINE", m_machine, "Number or name")->required();
    m_book->add_option("--member", m_member, "Member number")->required();
    m_book->add_option("--from", m_from, "Local start, \"YYYY-MM-DD HH:MM\"")->required();
    auto* to = m_book->add_option("--to", m_to, "Local end, \"YYYY-MM-DD HH:MM\"");
    auto* minutes = m_book->add_option("--minutes", m_minutes, "Length in minutes");
    to->excludes(minutes);
    m_book->add_flag("--as-host", m_as_host, "Book as a host: outside opening hours, beyond the horizon");
    m_book->add_option("--weekly-until", m_weekly_until, "Hosts: repeat every week until YYYY-MM-DD");
    m_book->add_flag("--later", m_later, "When a time exists twice (autumn DST), take the later one");

    auto* booking = app.add_subcommand("booking", "Bookings: list, cancel");
    booking->require_subcommand(1);
    m_booking_list = booking->add_subcommand("list", "List bookings from today");
    m_booking_list->add_option("--machine", m_machine, "Number or name");
    m_member_opt_list = m_booking_list->add_option("--member", m_member, "Member number");
    m_booking_list->add_option("--day", m_day, "One day, YYYY-MM-DD");
    m_booking_cancel = booking->add_subcommand("cancel", "Cancel a booking");
    m_booking_cancel->add_option("ID", m_booking, "Booking number")->required();
    m_booking_cancel->add_option("--reason", m_reason, "Shown to the member at their next badge-in");

    m_slots = app.add_subcommand("slots", "The earliest free slots");
    m_slots->add_option("--machine", m_machine, "Number or name");
    m_slots->add_option("--pool", m_pool, "Any machine of this pool");
    m_slots->add_option("--minutes", m_minutes, "Length in minutes")->required();
    m_slots->add_option("--from", m_from, "Local time, \"YYYY-MM-DD HH:MM\" (default: now)");
    m_slots->add_option("--member", m_member, "Whose authorisations and quota apply");

    auto* queue = app.add_subcommand("queue", "Walk-in queue: join, show, leave");
    queue->require_subcommand(1);
    m_queue_join = queue->add_subcommand("join", "Join a machine's queue");
    m_queue_join->add_option("MACHINE", m_machine, "Number or name")->required();
    m_queue_join->add_option("--member", m_member, "Member number")->required();
    m_queue_show = queue->add_subcommand("show", "Show a machine's queue");
    m_queue_show->add_option("MACHINE", m_machine, "Number or name")->required();
    m_queue_leave = queue->add_subcommand("leave", "Leave a machine's queue");
    m_queue_leave->add_option("MACHINE", m_machine, "Number or name")->required();
    m_queue_leave->add_option("--member", m_member, "Member number")->required();

    m_sessions = app.add_subcommand("sessions", "Machine sessions (usage history), with durations and totals");
    m_sessions->add_option("--machine", m_machine, "Number or name");
    m_sessions->add_option("--day", m_day, "YYYY-MM-DD (default: today)");
    m_sessions_member = m_sessions->add_option("--member", m_member, "Only this member's sessions");
    m_sessions->add_option("--from", m_sessions_from, "First day, YYYY-MM-DD (with --to: a period)");
    m_sessions->add_option("--to", m_sessions_to, "Last day, YYYY-MM-DD, included");
    m_sessions->add_option("--csv", m_sessions_csv, "Also write the sessions to this CSV file (UTF-8)");
}

std::optional<int> AllocCommands::run(Context& ctx) {
    const bool any = m_machine_add->parsed() || m_machine_list->parsed() || m_machine_show->parsed() ||
                     m_machine_set->parsed() || m_machine_auth->parsed() || m_machine_revoke->parsed() ||
                     m_machine_clear_fault->parsed() || m_machine_checked->parsed() ||
                     m_hours_set->parsed() || m_hours_close->parsed() || m_hours_open->parsed() ||
                     m_hours_show->parsed() || m_book->parsed() || m_booking_list->parsed() ||
                     m_booking_cancel->parsed() || m_slots->parsed() || m_queue_join->parsed() ||
                     m_queue_show->parsed() || m_queue_leave->parsed() || m_sessions->parsed();
    if (!any) return std::nullopt;

    // Arguments that need no database are checked first.
    std::optional<alloc::HostLossPolicy> host_loss;
    if (m_machine_add->parsed()) {
        auto p = parse_host_loss(m_add.host_loss);
        if (!p) return ctx.fail(kBadInput, p.error());
        host_loss = *p;
        if (m_add.slot <= 0 || m_add.min <= 0 || m_add.max < m_add.min || m_add.buffer < 0 || m_add.ahead < 0 ||
            m_add.quota_hours < 0 || m_add.max > 24 * 60 || m_add.quota_hours > 168)
            return ctx.fail(kBadInput, problem("Machine rules out of range: slot and lengths in minutes (max ≥ min > 0, max ≤ 1440), buffer ≥ 0, ahead ≥ 0, quota 0–168 h"));
    }
    std::optional<alloc::HostLossPolicy> set_host_loss;
    std::optional<alloc::MachineStatus> set_status;
    std::optional<bool> set_pin_required;
    std::optional<alloc::CheckLevel> set_check;
    if (m_machine_set->parsed()) {
        if (m_status.empty() && m_set_host_loss.empty() && m_set_pin_required.empty() && m_set_check.empty() && !m_set_photo)
            return ctx.fail(kBadInput, problem("Say what to change: --status, --host-loss, --pin-required, --check-after-use or --photo"));
        if (!m_set_check.empty()) {
            set_check = alloc::check_level_from_string(m_set_check);
            if (!set_check)
                return ctx.fail(kBadInput, problem("--check-after-use takes none, user, trainer or host (got \"{0}\")", {m_set_check}));
        }
        if (!m_set_pin_required.empty()) {
            if (m_set_pin_required == "yes" || m_set_pin_required == "oui") set_pin_required = true;
            else if (m_set_pin_required == "no" || m_set_pin_required == "non") set_pin_required = false;
            else return ctx.fail(kBadInput, problem("--pin-required takes yes or no (got \"{0}\")", {m_set_pin_required}));
        }
        if (!m_status.empty()) {
            set_status = alloc::machine_status_from_string(m_status);
            if (!set_status)
                return ctx.fail(kBadInput, problem("Unknown status \"{0}\": use available, maintenance or out-of-order", {m_status}));
        }
        if (!m_set_host_loss.empty()) {
            auto p = parse_host_loss(m_set_host_loss);
            if (!p) return ctx.fail(kBadInput, p.error());
            set_host_loss = *p;
        }
    }
    std::optional<core::Date> day;
    if (!m_day.empty()) {
        day = core::parse_date(m_day);
        if (!day) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_day}));
    }
    std::optional<std::array<std::vector<alloc::DayWindow>, 7>> weekly;
    if (m_hours_set->parsed()) {
        auto w = alloc::parse_weekly(m_specs);
        if (!w) return ctx.fail(kBadInput, w.error());
        weekly = *w;
    }
    std::optional<std::vector<alloc::DayWindow>> windows;
    if (m_hours_open->parsed()) {
        auto w = alloc::parse_windows(m_to);
        if (!w) return ctx.fail(kBadInput, w.error());
        windows = *w;
    }
    if ((m_book->parsed() && m_to.empty() && m_minutes <= 0) || (m_slots->parsed() && m_minutes <= 0))
        return ctx.fail(kBadInput, problem("Give the length: --to \"YYYY-MM-DD HH:MM\" or --minutes N (more than 0)"));
    if (m_slots->parsed() && m_machine.empty() == m_pool.empty())
        return ctx.fail(kBadInput, problem("Give --machine or --pool (one of them)"));

    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    const auto snap = station.snapshot();
    const app::Calendar& cal = *ctx.calendar;

    auto machine_id = [&]() -> std::expected<alloc::MachineId, core::Problem> {
        if (auto id = find_machine(*snap, m_machine)) return *id;
        return std::unexpected(problem("No machine is called or numbered \"{0}\" (see: etabli machine list)", {m_machine}));
    };
    auto fail = [&](const core::Problem& p) { return ctx.fail(p); };
    auto print_machine = [&](const app::MachineView& v) {
        if (ctx.json) {
            cli_out() << machine_json(v).dump() << '\n';
            return;
        }
        std::string state = ctx.t(std::string(alloc::to_string(v.machine.status)));
        if (v.machine.status == alloc::MachineStatus::maintenance && v.machine.check_note)
            state += " (" + *v.machine.check_note + ")";
        if (v.session) state = core::fill_placeholders(ctx.t("in use until {0}"), {v.until_hhmm});
        else if (v.machine.awaiting_check && v.machine.status == alloc::MachineStatus::available)
            state = ctx.t("waits for its check after use");
        else if (v.machine.status == alloc::MachineStatus::available && v.next)
            state = core::fill_placeholders(ctx.t("free, booked at {0}"), {v.next_hhmm});
        else if (v.machine.status == alloc::MachineStatus::available) state = ctx.t("free");
        cli_out() << fmt::format("{:>4}  {:<24} {:<14} {}\n", v.machine.id, v.machine.name, v.machine.pool.value_or("-"), state);
    };

    if (m_machine_add->parsed()) {
        alloc::Machine m;
        m.name = m_add.name;
        m.kind = m_add.kind;
        if (!m_add.pool.empty()) m.pool = m_add.pool;
        m.rules.slot = minutes{m_add.slot};
        m.rules.min_length = minutes{m_add.min};
        m.rules.max_length = minutes{m_add.max};
        m.rules.buffer_after = minutes{m_add.buffer};
        m.rules.ahead_days = m_add.ahead;
        if (m_add.quota_hours > 0) m.rules.quota_per_week = minutes{static_cast<long>(m_add.quota_hours * 60)};
        m.rules.quota_scope = m_add.quota_pool ? alloc::QuotaScope::pool : alloc::QuotaScope::machine;
        m.rules.host_loss = *host_loss;
        if (m_set_photo && !m_set_photo->empty()) m.photo = m_set_photo;
        if (auto n = core::normalize_name(m.name); !n) return fail(n.error());
        auto r = station.call(app::AddMachine{m, std::nullopt});
        if (!r) return fail(r.error());
        const auto& made = std::get<alloc::Machine>(*r);
        if (ctx.json) cli_out() << json{{"id", made.id}}.dump() << '\n';
        else cli_out() << made.id << '\n';
        return kDone;
    }
    if (m_machine_list->parsed()) {
        if (ctx.json) {
            json arr = json::array();
            for (const auto& v : station.snapshot()->machines) arr.push_back(machine_json(v));
            cli_out() << arr.dump() << '\n';
        } else {
            for (const auto& v : station.snapshot()->machines) print_machine(v);
        }
        return kDone;
    }
    if (m_machine_show->parsed() || m_machine_set->parsed() || m_machine_auth->parsed() || m_machine_revoke->parsed() ||
        m_machine_clear_fault->parsed() || m_machine_checked->parsed()) {
        auto id = machine_id();
        if (!id) return fail(id.error());
        std::string name;
        for (const auto& v : snap->machines)
            if (v.machine.id == *id) name = v.machine.name;
        if (m_machine_set->parsed()) {
            if (set_host_loss || set_pin_required || set_check || m_set_photo) {
                alloc::Machine m;
                for (const auto& v : snap->machines)
                    if (v.machine.id == *id) m = v.machine;
                if (set_host_loss) m.rules.host_loss = *set_host_loss;
                if (set_pin_required) m.rules.pin_required = *set_pin_required;
                if (set_check) m.rules.check_after_use = *set_check;
                if (m_set_photo) m.photo = m_set_photo->empty() ? std::nullopt : m_set_photo;
                if (auto r = station.call(app::EditMachine{m, std::nullopt}); !r) return fail(r.error());
            }
            if (set_status)
                if (auto r = station.call(app::SetMachineStatus{*id, *set_status, std::nullopt}); !r) return fail(r.error());
        } else if (m_machine_checked->parsed()) {
            if (auto r = station.call(app::CheckMachine{*id, app::kCommandLine, !m_check_problem, m_check_problem}); !r)
                return fail(r.error());
        } else if (m_machine_clear_fault->parsed()) {
            if (auto r = station.call(app::ClearMachineFault{*id, std::nullopt}); !r) return fail(r.error());
            if (!ctx.json) {
                cli_out() << core::fill_placeholders(ctx.t("Contact fault cleared on {0}"), {name}) << '\n';
                return kDone;
            }
        } else if (m_machine_auth->parsed() || m_machine_revoke->parsed()) {
            if (auto r = station.call(app::Authorise{*id, m_member, m_machine_auth->parsed(), std::nullopt}); !r)
                return fail(r.error());
            if (!ctx.json) {
                const auto after = station.snapshot();  // held: `who` points into it
                const auto* who = after->directory->find(m_member);
                const std::string member_name = who ? who->display_name : std::to_string(m_member);
                cli_out() << core::fill_placeholders(ctx.t(m_machine_auth->parsed() ? "{0} may use {1}" : core::N_("{0} may no longer use {1}")),
                                                     {member_name, name})
                          << '\n';
                return kDone;
            }
        }
        for (const auto& v : station.snapshot()->machines)
            if (v.machine.id == *id) {
                print_machine(v);
                if (!ctx.json && (m_machine_show->parsed() || m_machine_set->parsed()))
                    cli_out() << "      " << ctx.t("If the station disappears:") << ' ' << host_loss_text(ctx, v.machine.rules.host_loss)
                              << '\n';
                if (!ctx.json && (m_machine_show->parsed() || m_machine_set->parsed()) && v.machine.rules.pin_required)
                    cli_out() << "      " << ctx.t("Starts with the badge and the member's PIN, at the kiosk") << '\n';
                if (!ctx.json && (m_machine_show->parsed() || m_machine_set->parsed()) && v.machine.photo)
                    cli_out() << "      " << core::fill_placeholders(ctx.t("Photo: {0}"), {*v.machine.photo}) << '\n';
            }
        return kDone;
    }

    if (m_hours_set->parsed() || m_hours_close->parsed() || m_hours_open->parsed()) {
        alloc::OpeningHours h = snap->hours;
        if (weekly) h.weekly = *weekly;
        if (m_hours_close->parsed()) h.exceptions[*day] = {};
        if (m_hours_open->parsed()) h.exceptions[*day] = *windows;
        if (auto r = station.call(app::SetHours{h, std::nullopt}); !r) return fail(r.error());
    }
    if (m_hours_set->parsed() || m_hours_close->parsed() || m_hours_open->parsed() || m_hours_show->parsed()) {
        const auto& h = station.snapshot()->hours;
        if (ctx.json) {
            json week = json::array();
            for (const auto& line : alloc::format_weekly(h.weekly, core::Lang::en)) week.push_back(line);
            json ex = json::object();
            for (const auto& [d, w] : h.exceptions) ex[core::format_date(d)] = w.empty() ? "closed" : alloc::format_windows(w);
            cli_out() << json{{"weekly", week}, {"exceptions", ex}}.dump() << '\n';
            return kDone;
        }
        const auto lines = alloc::format_weekly(h.weekly, ctx.lang);
        if (lines.empty()) cli_out() << ctx.t("No opening hours set: members cannot book (hosts can).") << '\n';
        for (const auto& line : lines) cli_out() << line << '\n';
        for (const auto& [d, w] : h.exceptions)
            cli_out() << format_local_date(d, ctx.lang) << "  " << (w.empty() ? ctx.t("closed") : alloc::format_windows(w)) << '\n';
        return kDone;
    }

    if (m_book->parsed()) {
        auto id = machine_id();
        if (!id) return fail(id.error());
        auto start = parse_local(cal, m_from, m_later);
        if (!start) return ctx.fail(kBadInput, start.error());
        core::Timestamp end = *start + minutes{m_minutes};
        if (!m_to.empty()) {
            auto e = parse_local(cal, m_to, m_later);
            if (!e) return ctx.fail(kBadInput, e.error());
            end = *e;
        }
        std::optional<core::Date> until;
        if (!m_weekly_until.empty()) {
            until = core::parse_date(m_weekly_until);
            if (!until) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_weekly_until}));
        }
        auto r = station.call(app::Book{*id, m_member, *start, end, std::nullopt, m_as_host, until});
        if (!r) {
            // A booking refused by a rule is a refusal (exit 1), not bad input.
            cli_err() << "etabli: " << ctx.render(r.error()) << '\n';
            return r.error().kind == core::Problem::Kind::storage ? kStorage : kRefused;
        }
        const auto& rows = std::get<std::vector<alloc::Booking>>(*r);
        if (ctx.json) {
            json arr = json::array();
            for (const auto& b : rows) arr.push_back(booking_json(cal, b));
            cli_out() << arr.dump() << '\n';
        } else {
            for (const auto& b : rows)
                cli_out() << core::fill_placeholders(ctx.t("Booking {0}: {1} to {2}"),
                                                     {std::to_string(b.id), local_text(cal, b.start), local_text(cal, b.end)})
                          << '\n';
        }
        return kDone;
    }
    if (m_booking_list->parsed()) {
        std::optional<alloc::MachineId> only;
        if (!m_machine.empty()) {
            auto id = machine_id();
            if (!id) return fail(id.error());
            only = *id;
        }
        // From the engine, not the snapshot's two weeks: a weekly series runs for months.
        app::ListBookings q;
        q.machine = only;
        if (m_member_opt_list->count()) q.member = m_member;
        q.from = day ? cal.day_start(*day) : cal.day_start(cal.local_day(ctx.clock.now()));
        q.to = day ? cal.day_start(core::Date{sys_days{*day} + days{1}}) : core::Timestamp::max();
        auto listed = station.call(q);
        if (!listed) return fail(listed.error());
        json arr = json::array();
        for (const auto& b : std::get<std::vector<alloc::Booking>>(*listed)) {
            if (day && cal.local_day(b.start) != *day) continue;
            if (ctx.json) {
                arr.push_back(booking_json(cal, b));
                continue;
            }
            const auto* who = snap->directory->find(b.member);
            std::string machine_name;
            for (const auto& v : snap->machines)
                if (v.machine.id == b.machine) machine_name = v.machine.name;
            cli_out() << fmt::format("{:>5}  {}  {}  {:<20} {:<24} {}\n", b.id, local_text(cal, b.start),
                                     cal.local_hhmm(b.end), machine_name, who ? who->display_name : "?",
                                     ctx.t(std::string(alloc::to_string(b.state))));
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_booking_cancel->parsed()) {
        auto r = station.call(app::CancelBooking{m_booking, std::nullopt,
                                                  m_reason.empty() ? std::nullopt : std::optional<std::string>(m_reason)});
        if (!r) return fail(r.error());
        cli_out() << core::fill_placeholders(ctx.t("Booking {0} cancelled"), {std::to_string(m_booking)}) << '\n';
        return kDone;
    }
    if (m_slots->parsed()) {
        alloc::SlotQuery q;
        if (!m_machine.empty()) {
            auto id = machine_id();
            if (!id) return fail(id.error());
            q.target.machine = *id;
        } else {
            q.target.pool = m_pool;
        }
        q.length = minutes{m_minutes};
        q.from = ctx.clock.now();
        if (!m_from.empty()) {
            auto f = parse_local(cal, m_from, false);
            if (!f) return ctx.fail(kBadInput, f.error());
            q.from = *f;
        }
        q.member = m_member;
        auto r = station.call(app::FindSlots{q});
        // Refused by a rule (the skill, the membership): a refusal, exit 1, as for a booking.
        if (!r) return ctx.fail(r.error().kind == core::Problem::Kind::storage ? kStorage : kRefused, r.error());
        const auto& slots = std::get<std::vector<alloc::Slot>>(*r);
        json arr = json::array();
        for (const auto& sl : slots) {
            std::string name;
            for (const auto& v : snap->machines)
                if (v.machine.id == sl.machine) name = v.machine.name;
            if (ctx.json)
                arr.push_back({{"machine", sl.machine}, {"name", name}, {"start_local", local_text(cal, sl.start)},
                               {"end_local", local_text(cal, sl.end)}});
            else
                cli_out() << fmt::format("{}  {}  {}\n", local_text(cal, sl.start), cal.local_hhmm(sl.end), name);
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        else if (slots.empty()) cli_out() << ctx.t("No free slot in the booking horizon.") << '\n';
        return kDone;
    }
    if (m_queue_join->parsed() || m_queue_show->parsed() || m_queue_leave->parsed()) {
        auto id = machine_id();
        if (!id) return fail(id.error());
        alloc::QueueTarget target{*id, std::nullopt};
        std::vector<alloc::QueuePlace> places;
        if (m_queue_join->parsed() || m_queue_leave->parsed()) {
            auto r = m_queue_join->parsed() ? station.call(app::JoinQueue{m_member, target})
                                            : station.call(app::LeaveQueue{m_member, target});
            if (!r) return ctx.fail(r.error().kind == core::Problem::Kind::storage ? kStorage : kRefused, r.error());
            places = std::get<std::vector<alloc::QueuePlace>>(*r);
        } else {
            for (const auto& p : station.snapshot()->queue)
                if (p.entry.machine == *id) places.push_back(p);
        }
        json arr = json::array();
        for (const auto& p : places) {
            const auto* who = snap->directory->find(p.entry.member);
            const auto wait = duration_cast<minutes>(p.estimated_wait).count();
            // An offer says until when it holds and how long a tap now may use the machine.
            std::string offer;
            if (p.entry.offered && p.entry.offer_expires && p.usable_until)
                offer = "  (" + core::fill_placeholders(ctx.t("offered until {0}; a tap now may use it until {1}"),
                                                        {cal.local_hhmm(*p.entry.offer_expires), cal.local_hhmm(*p.usable_until)}) + ")";
            else if (p.entry.offered)
                offer = "  (" + ctx.t("offered") + ")";
            if (ctx.json) {
                json j = {{"position", p.position}, {"member", p.entry.member}, {"wait_min", wait},
                          {"offered", p.entry.offered.has_value()}};
                if (p.entry.offer_expires) j["offer_until_local"] = local_text(cal, *p.entry.offer_expires);
                if (p.usable_until) j["usable_until_local"] = local_text(cal, *p.usable_until);
                arr.push_back(std::move(j));
            } else {
                cli_out() << fmt::format("{:>3}. {:<28} ~{} min{}\n", p.position, who ? who->display_name : "?", wait, offer);
            }
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        else if (places.empty()) cli_out() << ctx.t("Nobody waits.") << '\n';
        return kDone;
    }
    if (m_sessions->parsed()) {
        // The period: --day, or --from/--to (either alone: that one day), else today.
        auto date_arg = [&](const std::string& text) -> std::expected<core::Date, core::Problem> {
            if (auto d = core::parse_date(text)) return *d;
            return std::unexpected(problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {text}));
        };
        core::Date first = day.value_or(cal.local_day(ctx.clock.now())), last = first;
        if (!m_sessions_from.empty() || !m_sessions_to.empty()) {
            if (day) return ctx.fail(kBadInput, problem("Give --day, or --from and --to, not both"));
            auto f = date_arg(m_sessions_from.empty() ? m_sessions_to : m_sessions_from);
            auto t = date_arg(m_sessions_to.empty() ? m_sessions_from : m_sessions_to);
            if (!f) return ctx.fail(kBadInput, f.error());
            if (!t) return ctx.fail(kBadInput, t.error());
            if (sys_days{*t} < sys_days{*f}) return ctx.fail(kBadInput, problem("--to comes before --from: check the days"));
            first = *f;
            last = *t;
        }
        std::optional<alloc::MachineId> only;
        if (!m_machine.empty()) {
            auto id = machine_id();
            if (!id) return fail(id.error());
            only = *id;
        }
        if (m_sessions_member->count() && !snap->directory->find(m_member))
            return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(m_member)}));
        const auto now = ctx.clock.now();
        // The store belongs to the station thread while it runs: stop it, then read.
        ctx.release_station();
        auto rows = ctx.reader().sessions_between(cal.day_start(first), cal.day_start(core::Date{sys_days{last} + days{1}}),
                                                std::numeric_limits<std::size_t>::max());
        if (!rows) return ctx.fail(kStorage, rows.error());
        std::map<alloc::MachineId, std::string> name_of;
        for (const auto& v : snap->machines) name_of[v.machine.id] = v.machine.name;
        auto member_name = [&](core::MemberId id) {
            const auto* who = snap->directory->find(id);
            return who ? who->display_name : "#" + std::to_string(id);
        };
        auto hm = [](seconds d) { return fmt::format("{}:{:02}", d.count() / 3600, d.count() % 3600 / 60); };
        std::vector<alloc::Session> kept;
        for (auto& s : *rows)
            if ((!only || s.machine == *only) && (!m_sessions_member->count() || s.member == m_member)) kept.push_back(s);
        std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.started < b.started; });
        std::map<std::string, seconds> by_machine;
        std::map<core::MemberId, seconds> by_member;  // by number: two members may share a name
        json arr = json::array();
        std::string csv = "\xEF\xBB\xBF" + csv_line({ctx.t("Session"), ctx.t("Machine"), ctx.t("Member number"), ctx.t("Member"),
                                                     ctx.t("Start"), ctx.t("End"), ctx.t("Minutes"), ctx.t("End reason")});
        for (const auto& s : kept) {
            const auto length = duration_cast<seconds>(s.ended.value_or(now) - s.started);
            by_machine[name_of[s.machine]] += length;
            by_member[s.member] += length;
            const std::string reason = s.end_reason ? session_end_text(ctx, *s.end_reason) : "";
            csv += csv_line({std::to_string(s.id), name_of[s.machine], std::to_string(s.member), member_name(s.member),
                            local_text(cal, s.started), s.ended ? local_text(cal, *s.ended) : "",
                            std::to_string(length.count() / 60), reason});
            if (ctx.json) {
                json j{{"id", s.id}, {"machine", s.machine}, {"member", s.member}, {"started", core::format_timestamp(s.started)},
                       {"start_local", local_text(cal, s.started)}, {"minutes", length.count() / 60}};
                if (s.ended) j["ended"] = core::format_timestamp(*s.ended);
                if (s.ended) j["end_local"] = local_text(cal, *s.ended);
                if (s.end_reason) j["end_reason"] = alloc::to_string(*s.end_reason);
                arr.push_back(j);
            } else {
                const bool one_day = first == last;
                cli_out() << fmt::format("{}{}-{}  {:>6}  {:<20} {}\n", one_day ? "" : core::format_date(cal.local_day(s.started)) + " ",
                                         cal.local_hhmm(s.started), s.ended ? cal.local_hhmm(*s.ended) : "…", hm(length),
                                         name_of[s.machine], member_name(s.member));
            }
        }
        if (!m_sessions_csv.empty()) {
            if (auto p = write_whole(m_sessions_csv, csv)) return ctx.fail(kBadInput, *p);
        }
        if (ctx.json) {
            json totals{{"machines", json::object()}, {"members", json::object()}};
            for (const auto& [n, d] : by_machine) totals["machines"][n] = d.count() / 60;
            for (const auto& [id, d] : by_member) totals["members"][std::to_string(id)] = d.count() / 60;
            cli_out() << json{{"sessions", arr}, {"total_minutes", totals}}.dump() << '\n';
            return kDone;
        }
        if (kept.empty()) {
            cli_out() << ctx.t("No session in this period.") << '\n';
            return kDone;
        }
        cli_out() << ctx.t("Total per machine:") << '\n';
        for (const auto& [n, d] : by_machine) cli_out() << fmt::format("  {:>6}  {}\n", hm(d), n);
        cli_out() << ctx.t("Total per member:") << '\n';
        for (const auto& [id, d] : by_member) cli_out() << fmt::format("  {:>6}  {}\n", hm(d), member_name(id));
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
