// The repair-log and volunteer-hours commands (see repair_cmds.hpp). Layer: cli. Main thread.
//
// Writes go through the Station (LogRepair, EditRepair, SetPresenceRole, CorrectPresence), so
// the same rules hold as at the kiosk. Reads of history (lists, exports) stop the Station
// first and then ask the store: the store belongs to one thread at a time.
#include "io.hpp"
#include "repair_cmds.hpp"

#include <etabli/alloc/model.hpp>
#include <etabli/core/ords.hpp>
#include <etabli/core/repair_stats.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

CLI::App* subcommand_of(CLI::App& app, const std::string& name, const std::string& help) {
    // "export" may already be declared by another part of the command line.
    try {
        return app.get_subcommand(name);
    } catch (const CLI::OptionNotFound&) {
        return app.add_subcommand(name, help);
    }
}

void add_fields(CLI::App* c, RepairCommands::Fields& f, bool edit) {
    c->add_option("--volunteer", f.volunteers, "Volunteer member number (repeat for several)");
    c->add_option("--item", f.item, "bicycle or powered");
    c->add_option("--component", f.component, "Bicycles: wheel, brakes, gears, chain, bottom-bracket, headset, frame, other");
    c->add_option("--category", f.category, "Powered items: ORDS category number or name (e.g. \"bike light\", 18)");
    c->add_option("--partner-category", f.partner_category, "Your own category words");
    c->add_option("--problem", f.problem, "The fault");
    c->add_option("--done", f.done, "What was done");
    c->add_option("--status", f.status, "fixed, repairable, end-of-life or unknown");
    c->add_option("--minutes", f.minutes, "Time spent")->each([&f](const std::string&) { f.minutes_set = true; });
    c->add_option("--brand", f.brand, "Brand");
    c->add_option("--model", f.model, "Model");
    c->add_option("--year", f.year, "Year of manufacture (an estimate is fine)")->each([&f](const std::string&) { f.year_set = true; });
    c->add_option("--owner", f.owner, "Owner's member number (none: an anonymous visitor)")->each([&f](const std::string&) { f.owner_set = true; });
    c->add_option("--bike", f.bike, "The register's bike it was done on (its number; 0: none)")->each([&f](const std::string&) { f.bike_set = true; });
    c->add_option("--part", f.parts, "Part used: \"name:new\", \"name:salvaged\" or \"name:salvaged:donor-12\" (repeat)");
    c->add_option("--barrier", f.barrier, "End of life only: parts-not-available, parts-too-expensive, no-way-to-open, "
                                          "no-information, lack-of-equipment, too-worn-out");
    c->add_option("--notes", f.notes, "Notes");
    c->add_option("--day", f.day, "Day of the repair, YYYY-MM-DD (default: today)");
    if (edit) c->add_flag("--no-parts", f.no_parts, "Remove every part");
}

// Applies the given fields onto `r`; unknown words are Problems.
std::expected<void, core::Problem> apply(const RepairCommands::Fields& f, core::Repair& r) {
    if (!f.volunteers.empty()) r.volunteers = f.volunteers;
    if (!f.item.empty()) {
        auto k = core::parse_item_kind(f.item);
        if (!k) return std::unexpected(k.error());
        r.item = *k;
        if (r.item == core::ItemKind::powered) r.component.reset();
        else r.category.reset();
    }
    if (!f.component.empty()) {
        auto c = core::parse_component(f.component);
        if (!c) return std::unexpected(c.error());
        r.component = *c;
    }
    if (!f.category.empty()) {
        auto c = core::parse_category(f.category);
        if (!c) return std::unexpected(c.error());
        r.category = c->id;
    }
    if (!f.status.empty()) {
        auto s = core::parse_status(f.status);
        if (!s) return std::unexpected(s.error());
        r.status = *s;
        if (r.status != core::RepairStatus::end_of_life) r.barrier.reset();
    }
    if (!f.barrier.empty()) {
        auto b = core::parse_barrier(f.barrier);
        if (!b) return std::unexpected(b.error());
        r.barrier = *b;
    }
    if (f.minutes_set) r.minutes = f.minutes;
    if (f.year_set) r.year = f.year;
    if (f.owner_set) {
        if (f.owner > 0) r.owner = f.owner;
        else r.owner.reset();
    }
    if (f.bike_set) {
        if (f.bike > 0) r.bike = f.bike;
        else r.bike.reset();
    }
    if (!f.partner_category.empty()) r.partner_category = f.partner_category;
    if (!f.problem.empty()) r.problem = f.problem;
    if (!f.done.empty()) r.done = f.done;
    if (!f.brand.empty()) r.brand = f.brand;
    if (!f.model.empty()) r.model = f.model;
    if (!f.notes.empty()) r.notes = f.notes;
    if (f.no_parts) r.parts.clear();
    if (!f.parts.empty()) {
        r.parts.clear();
        for (const auto& text : f.parts) {
            auto p = core::parse_part(text);
            if (!p) return std::unexpected(p.error());
            r.parts.push_back(*p);
        }
    }
    if (!f.day.empty()) {
        auto d = core::parse_date(f.day);
        if (!d) return std::unexpected(problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {f.day}));
        r.day = *d;
    }
    return {};
}

json repair_json(const core::Repair& r, const app::Directory& dir) {
    json vols = json::array();
    for (auto v : r.volunteers) {
        const auto* m = dir.find(v);
        vols.push_back({{"id", v}, {"name", m ? m->display_name : ""}});
    }
    json parts = json::array();
    for (const auto& p : r.parts) {
        json jp{{"name", p.name}, {"salvaged", p.salvaged}};
        if (p.donor) jp["donor"] = *p.donor;
        parts.push_back(jp);
    }
    json j{{"id", r.id},
           {"day", core::format_date(r.day)},
           {"volunteers", vols},
           {"item", core::to_string(r.item)},
           {"status", core::to_string(r.status)},
           {"minutes", r.minutes},
           {"brand", r.brand},
           {"model", r.model},
           {"problem", r.problem},
           {"done", r.done},
           {"notes", r.notes},
           {"parts", parts},
           {"logged_at", core::format_timestamp(r.logged_at)},
           {"updated_at", core::format_timestamp(r.updated_at)}};
    if (r.owner) j["owner"] = *r.owner;
    if (r.bike) j["bike"] = *r.bike;
    if (r.component) j["component"] = core::to_string(*r.component);
    if (r.category) {
        j["ords_category_id"] = *r.category;
        if (auto c = core::ords_category(*r.category)) j["ords_category"] = c->name;
    }
    if (!r.partner_category.empty()) j["partner_category"] = r.partner_category;
    if (r.year) j["year"] = *r.year;
    if (r.barrier) j["barrier"] = core::to_string(*r.barrier);
    return j;
}

std::string what_of(const Context& ctx, const core::Repair& r) {
    if (r.item == core::ItemKind::bicycle && r.component) return ctx.t(std::string(core::label_of(*r.component)));
    if (r.category)  // the ORDS name in the reader's language (exports keep ORDS's English)
        if (auto c = core::ords_category(*r.category)) return ctx.t(std::string(c->name));
    return "?";
}

std::string status_text(const Context& ctx, core::RepairStatus s) { return ctx.t(std::string(core::ords_text(s))); }

void print_repair(const Context& ctx, const core::Repair& r, const app::Directory& dir) {
    auto line = [&](std::string_view label, const std::string& value) {
        cli_out() << fmt::format("{:<18} {}\n", ctx.t(label) + ":", value);
    };
    std::string vols;
    for (auto v : r.volunteers) {
        const auto* m = dir.find(v);
        vols += (vols.empty() ? "" : ", ") + (m ? m->display_name : "#" + std::to_string(v));
    }
    line("Number", std::to_string(r.id));
    line("Day", format_local_date(r.day, ctx.lang));
    line("Volunteers", vols);
    const auto* owner = r.owner ? dir.find(*r.owner) : nullptr;
    line("Owner", owner ? owner->display_name : ctx.t("anonymous visitor"));
    line("Item", ctx.t(r.item == core::ItemKind::bicycle ? "Bicycle" : core::N_("Powered item")) + " — " + what_of(ctx, r));
    if (!r.brand.empty() || !r.model.empty()) line("Brand and model", r.brand + (r.model.empty() ? "" : " " + r.model));
    if (r.year) line("Year", std::to_string(*r.year));
    line("Status", status_text(ctx, r.status));
    if (r.barrier) line("Barrier", ctx.t(std::string(core::ords_text(*r.barrier))));
    line("Time spent", std::to_string(r.minutes) + " min");
    if (!r.problem.empty()) line("Problem", r.problem);
    if (!r.done.empty()) line("Work done", r.done);
    std::string parts;
    for (const auto& p : r.parts) parts += (parts.empty() ? "" : ", ") + core::format_part(p);
    if (!parts.empty()) line("Parts", parts);
    if (!r.notes.empty()) line("Notes", r.notes);
}

std::expected<void, core::Problem> write_text(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (out) out.close();
    if (!out) return std::unexpected(problem("Cannot write {0}: check the folder exists and may be written", {p.string()}));
    return {};
}

std::expected<core::Timestamp, core::Problem> parse_local_time(const app::Calendar& cal, const std::string& text) {
    if (text.size() != 16 || text[10] != ' ' || text[13] != ':')
        return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    auto t = core::parse_timestamp(text.substr(0, 10) + "T" + text.substr(11) + ":00Z");
    if (!t) return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    return alloc::local_to_utc(cal.zone(), local_seconds{t->time_since_epoch()});
}

std::string hours_text(seconds s) {
    const auto m = duration_cast<minutes>(s).count();
    return fmt::format("{} h {:02}", m / 60, m % 60);
}

}  // namespace

ClosingTimes closing_times(Context& ctx) { return closing_times(ctx.reader(), ctx.calendar, ctx.clock.now()); }

ClosingTimes closing_times(app::Store& store, std::shared_ptr<const app::Calendar> cal, core::Timestamp now) {
    auto state = store.load_alloc(now);
    if (!state) return std::unexpected(state.error());
    return [hours = state->hours, cal = std::move(cal)](core::Timestamp in) -> std::optional<core::Timestamp> {
        const auto d = cal->local_day(in);
        const auto& w = hours.of(d);
        if (w.empty()) return std::nullopt;
        int last = 0;
        for (const auto& x : w) last = std::max(last, x.to);
        auto t = alloc::local_to_utc(cal->zone(), local_seconds{sys_days{d}.time_since_epoch() + minutes{last}});
        if (!t) return std::nullopt;
        return *t;
    };
}

RepairCommands::RepairCommands(CLI::App& app) {
    auto* repair = app.add_subcommand("repair", "Repair log: log, edit, list, show");
    repair->require_subcommand(1);
    m_log = repair->add_subcommand("log", "Log a repair; prints its number");
    add_fields(m_log, m_fields, false);
    m_edit = repair->add_subcommand("edit", "Change a repair (only the options given change)");
    m_edit->add_option("ID", m_id, "Repair number")->required();
    add_fields(m_edit, m_fields, true);
    m_list = repair->add_subcommand("list", "List repairs (newest first)");
    m_list->add_option("--day", m_day, "Only this day, YYYY-MM-DD");
    m_volunteer_opt = m_list->add_option("--volunteer", m_volunteer, "Only this volunteer's repairs");
    m_show = repair->add_subcommand("show", "Show one repair");
    m_show->add_option("ID", m_id, "Repair number")->required();

    auto* exp = subcommand_of(app, "export", "Export data: ords, repairs, volunteer-hours");
    exp->require_subcommand(1);
    m_export_ords = exp->add_subcommand("ords", "Open Repair Data files: powered.csv, unpowered.csv, tableschema.json");
    m_export_ords->add_option("--out", m_out, "Folder to write into")->required();
    m_export_ords->add_option("--provider", m_provider, "Organisation name (data_provider)");
    m_export_ords->add_option("--prefix", m_prefix, "Id prefix, lower-case letters (ids are prefix-N)");
    m_export_ords->add_option("--country", m_country, "ISO 3166 alpha-3 country code");
    m_export_ords->add_option("--group", m_group, "Group identifier (default: the provider)");
    m_export_repairs = exp->add_subcommand("repairs", "Every repair, bike detail included, as CSV");
    m_export_repairs->add_option("--out", m_out, "CSV file to write")->required();
    m_export_hours = exp->add_subcommand("volunteer-hours", "Volunteer hours of a month per volunteer and role, as CSV");
    m_export_hours->add_option("--month", m_month, "YYYY-MM")->required();
    m_export_hours->add_option("--out", m_out, "CSV file to write")->required();
    m_export_hours->add_option("--hourly-value", m_hourly, "Value of one hour in euros (default 12.02: SMIC horaire brut 2026)");

    m_stats = app.add_subcommand("stats", "Repair statistics: per month, fix rate, common problems, kilograms kept, hours");
    m_year_opt = m_stats->add_option("--year", m_year, "Year (default: this year)");
    m_month_opt = m_stats->add_option("--month", m_month_num, "Month 1-12 (default: the whole year)");

    auto* vol = app.add_subcommand("volunteer", "Volunteer hours: role, correct, hours");
    vol->require_subcommand(1);
    m_role_cmd = vol->add_subcommand("role", "Set today's role of a volunteer who is in");
    m_role_cmd->add_option("--member", m_volunteer, "Member number")->required();
    m_role_cmd->add_option("--role", m_role, "greeter, mechanic, trainer or host")->required();
    m_correct = vol->add_subcommand("correct", "Set the real check-out time of a forgotten check-out");
    m_correct->add_option("--presence", m_presence, "Presence number (see: etabli volunteer hours)")->required();
    m_correct->add_option("--out", m_when, "Local time, \"YYYY-MM-DD HH:MM\"")->required();
    m_hours = vol->add_subcommand("hours", "Volunteer hours of a month per volunteer and role");
    m_hours->add_option("--month", m_month, "YYYY-MM")->required();
    m_hours->add_option("--hourly-value", m_hourly, "Value of one hour in euros (default 12.02: SMIC horaire brut 2026)");
}

std::optional<int> RepairCommands::run(Context& ctx) {
    if (m_log->parsed() || m_edit->parsed()) {
        if (auto code = ctx.open_station()) return *code;
        core::Repair r;
        if (m_edit->parsed()) {
            ctx.release_station();
            auto found = ctx.reader().find_repair(m_id);
            if (!found) return ctx.fail(kStorage, found.error());
            if (!*found) return ctx.fail(kBadInput, problem("No repair has the number {0}", {std::to_string(m_id)}));
            r = **found;
            if (auto code = ctx.reopen_station()) return *code;
        } else {
            if (m_fields.volunteers.empty()) return ctx.fail(kBadInput, problem("A repair needs at least one volunteer"));
            if (m_fields.item.empty()) m_fields.item = "bicycle";
            if (m_fields.status.empty()) return ctx.fail(kBadInput, problem("Give the status: fixed, repairable, end-of-life or unknown"));
            if (!m_fields.minutes_set) return ctx.fail(kBadInput, problem("Give the time spent with --minutes"));
        }
        if (auto a = apply(m_fields, r); !a) return ctx.fail(kBadInput, a.error());
        auto res = m_edit->parsed() ? ctx.station->call(app::EditRepair{r, std::nullopt})
                                    : ctx.station->call(app::LogRepair{r, std::nullopt});
        if (!res) return ctx.fail(res.error());
        const auto& stored = std::get<core::Repair>(*res);
        if (ctx.json) cli_out() << repair_json(stored, *ctx.station->snapshot()->directory).dump() << '\n';
        else cli_out() << stored.id << '\n';
        return kDone;
    }
    if (m_list->parsed() || m_show->parsed()) {
        if (auto code = ctx.open_station()) return *code;
        const auto snap = ctx.station->snapshot();
        ctx.release_station();
        if (m_show->parsed()) {
            auto found = ctx.reader().find_repair(m_id);
            if (!found) return ctx.fail(kStorage, found.error());
            if (!*found) return ctx.fail(kBadInput, problem("No repair has the number {0}", {std::to_string(m_id)}));
            if (ctx.json) cli_out() << repair_json(**found, *snap->directory).dump() << '\n';
            else print_repair(ctx, **found, *snap->directory);
            return kDone;
        }
        std::optional<core::Date> day;
        if (!m_day.empty()) {
            day = core::parse_date(m_day);
            if (!day) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_day}));
        }
        auto rows = ctx.reader().repairs_between(day, day);
        if (!rows) return ctx.fail(kStorage, rows.error());
        json arr = json::array();
        for (auto it = rows->rbegin(); it != rows->rend(); ++it) {
            const auto& r = *it;
            if (m_volunteer_opt->count() > 0 &&
                std::find(r.volunteers.begin(), r.volunteers.end(), m_volunteer) == r.volunteers.end())
                continue;
            if (ctx.json) {
                arr.push_back(repair_json(r, *snap->directory));
                continue;
            }
            std::string text = r.problem;
            if (text.size() > 40) text = text.substr(0, 39) + "…";
            cli_out() << fmt::format("{:>6}  {}  {:<22}  {:<12}  {:>4} min  {}\n", r.id, core::format_date(r.day),
                                     what_of(ctx, r), status_text(ctx, r.status), r.minutes, text);
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_export_ords->parsed() || m_export_repairs->parsed()) {
        if (auto code = ctx.open_station()) return *code;
        const auto snap = ctx.station->snapshot();
        ctx.release_station();
        auto rows = ctx.reader().repairs_between(std::nullopt, std::nullopt);
        if (!rows) return ctx.fail(kStorage, rows.error());
        if (m_export_repairs->parsed()) {
            if (auto w = write_text(m_out, core::export_repairs_csv(*rows)); !w) return ctx.fail(kStorage, w.error());
            if (ctx.json) cli_out() << json{{"file", m_out}, {"repairs", rows->size()}}.dump() << '\n';
            else cli_out() << core::fill_placeholders(ctx.t("{0} repairs written to {1}"), {std::to_string(rows->size()), m_out}) << '\n';
            return kDone;
        }
        std::vector<std::string> names;
        for (const auto& [id, m] : snap->directory->members) names.push_back(m.display_name);
        core::OrdsOptions o{m_provider, m_prefix, m_country, m_group};
        auto x = core::export_ords(*rows, names, o);
        if (!x) return ctx.fail(kBadInput, x.error());
        std::error_code ec;
        std::filesystem::create_directories(m_out, ec);
        const std::filesystem::path dir(m_out);
        for (const auto& [file, text] : {std::pair{"powered.csv", &x->powered_csv}, std::pair{"unpowered.csv", &x->unpowered_csv},
                                         std::pair{"tableschema.json", &x->tableschema_json}}) {
            if (auto w = write_text(dir / file, *text); !w) return ctx.fail(kStorage, w.error());
        }
        if (ctx.json) {
            cli_out() << json{{"folder", m_out}, {"powered_rows", x->powered_rows}, {"bicycles", x->bicycles},
                              {"texts_changed", x->texts_changed}}.dump()
                      << '\n';
        } else {
            cli_out() << core::fill_placeholders(ctx.t("ORDS files written to {0}: {1} powered items, {2} bicycles"),
                                                 {m_out, std::to_string(x->powered_rows), std::to_string(x->bicycles)})
                      << '\n'
                      << core::fill_placeholders(ctx.t("Personal data removed from {0} problem texts"), {std::to_string(x->texts_changed)})
                      << '\n';
        }
        return kDone;
    }
    if (m_export_hours->parsed() || m_hours->parsed()) {
        auto month = core::parse_month(m_month);
        if (!month) return ctx.fail(kBadInput, month.error());
        auto cents = core::parse_hourly_value(m_hourly);
        if (!cents) return ctx.fail(kBadInput, cents.error());
        if (auto code = ctx.open_station()) return *code;
        const auto snap = ctx.station->snapshot();
        ctx.release_station();
        const auto& cal = *ctx.calendar;
        const auto from = cal.day_start(*month);
        const auto to = cal.day_start(core::Date{month->year() / month->month() / 1} + std::chrono::months{1});
        auto presences = ctx.reader().volunteer_presences(from, to);
        if (!presences) return ctx.fail(kStorage, presences.error());
        auto closing = closing_times(ctx);
        if (!closing) return ctx.fail(kStorage, closing.error());
        const auto report = core::volunteer_hours(*presences, from, to, ctx.clock.now(), *closing);
        std::map<core::MemberId, std::string> names;
        for (const auto& [id, m] : snap->directory->members) names[id] = m.display_name;
        if (m_export_hours->parsed()) {
            if (auto w = write_text(m_out, core::volunteer_hours_csv(report, m_month, names, *cents)); !w)
                return ctx.fail(kStorage, w.error());
            if (ctx.json) cli_out() << json{{"file", m_out}, {"lines", report.lines.size()}, {"flagged", report.to_correct.size()}}.dump() << '\n';
            else cli_out() << core::fill_placeholders(ctx.t("Volunteer hours of {0} written to {1}"), {m_month, m_out}) << '\n';
            return kDone;
        }
        if (ctx.json) {
            json arr = json::array();
            for (const auto& l : report.lines)
                arr.push_back({{"member", l.member}, {"role", l.role ? std::string(core::to_string(*l.role)) : ""},
                               {"seconds", l.time.count()}, {"presences", l.presences}, {"flagged", l.flagged},
                               {"value_cents", core::value_cents(l.time, *cents)}});
            cli_out() << json{{"month", m_month}, {"lines", arr}, {"total_seconds", report.total.count()},
                              {"to_correct", report.to_correct}, {"hourly_value_cents", *cents}}.dump()
                      << '\n';
            return kDone;
        }
        const bool fr = ctx.lang == core::Lang::fr;
        for (const auto& l : report.lines) {
            cli_out() << fmt::format("{:<28} {:<14} {:>9}  {:>10} €{}\n", names.count(l.member) ? names[l.member] : "?",
                                     l.role ? ctx.t(std::string(core::label_of(*l.role))) : "-", hours_text(l.time),
                                     core::format_money(core::value_cents(l.time, *cents), fr),
                                     l.flagged ? "  (" + ctx.t("check-out to correct") + ")" : "");
        }
        cli_out() << fmt::format("{:<43} {:>9}  {:>10} €\n", ctx.t("Total"), hours_text(report.total),
                                 core::format_money(core::value_cents(report.total, *cents), fr));
        for (auto id : report.to_correct)
            cli_out() << core::fill_placeholders(ctx.t("Presence {0}: forgotten check-out, counted until closing time"), {std::to_string(id)})
                      << '\n';
        return kDone;
    }
    if (m_role_cmd->parsed()) {
        auto role = core::parse_volunteer_role(m_role);
        if (!role) return ctx.fail(kBadInput, role.error());
        if (auto code = ctx.open_station()) return *code;
        auto r = ctx.station->call(app::SetPresenceRole{m_volunteer, *role, std::nullopt});
        if (!r) return ctx.fail(r.error());
        if (ctx.json) cli_out() << json{{"member", m_volunteer}, {"role", core::to_string(*role)}}.dump() << '\n';
        else cli_out() << ctx.t(std::string(core::label_of(*role))) << '\n';
        return kDone;
    }
    if (m_correct->parsed()) {
        if (auto code = ctx.open_station()) return *code;
        auto t = parse_local_time(*ctx.calendar, m_when);
        if (!t) return ctx.fail(kBadInput, t.error());
        auto r = ctx.station->call(app::CorrectPresence{m_presence, *t, std::nullopt});
        if (!r) return ctx.fail(r.error());
        if (ctx.json) cli_out() << json{{"presence", m_presence}, {"checked_out", core::format_timestamp(*t)}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("Presence {0} corrected"), {std::to_string(m_presence)}) << '\n';
        return kDone;
    }
    if (m_stats->parsed()) {
        if (m_month_opt->count() > 0 && (m_month_num < 1 || m_month_num > 12))
            return ctx.fail(kBadInput, problem("The month must be between 1 and 12"));
        if (auto code = ctx.open_station()) return *code;
        const auto snap = ctx.station->snapshot();
        ctx.release_station();
        const int y = m_year_opt->count() > 0 ? m_year : static_cast<int>(snap->today.year());
        if (y < 1900 || y > 9999) return ctx.fail(kBadInput, problem("The year must be between 1900 and 9999"));
        std::optional<unsigned> mo;
        if (m_month_opt->count() > 0) mo = static_cast<unsigned>(m_month_num);
        const core::Date first{year{y}, month{mo.value_or(1)}, day{1}};
        const core::Date last = mo ? core::Date{sys_days{core::Date{year{y}, month{*mo}, day{1}} + std::chrono::months{1}} - days{1}}
                                   : core::Date{year{y}, December, day{31}};
        auto rows = ctx.reader().repairs_between(first, last);
        if (!rows) return ctx.fail(kStorage, rows.error());
        std::vector<std::string> names;
        for (const auto& [id, m] : snap->directory->members) names.push_back(m.display_name);
        auto s = core::repair_stats(*rows, y, mo, core::PiiStripper(names));
        const auto& cal = *ctx.calendar;
        auto presences = ctx.reader().volunteer_presences(cal.day_start(first), cal.day_start(core::Date{sys_days{last} + days{1}}));
        if (!presences) return ctx.fail(kStorage, presences.error());
        seconds hours_total{0};
        for (auto& m : s.months) {
            const auto a = cal.day_start(core::Date{year{m.year}, month{m.month}, day{1}});
            const auto b = cal.day_start(core::Date{year{m.year}, month{m.month}, day{1}} + std::chrono::months{1});
            m.volunteer_time = core::volunteer_hours(*presences, a, b, ctx.clock.now(), {}).total;
        }
        hours_total = core::volunteer_hours(*presences, cal.day_start(first), cal.day_start(core::Date{sys_days{last} + days{1}}),
                                            ctx.clock.now(), {})
                          .total;
        if (ctx.json) {
            json months = json::array();
            for (const auto& m : s.months)
                months.push_back({{"month", fmt::format("{}-{:02}", m.year, m.month)},
                                  {"fixed", m.by_status[0]}, {"repairable", m.by_status[1]}, {"end_of_life", m.by_status[2]},
                                  {"unknown", m.by_status[3]}, {"total", m.total}, {"kept_kg", static_cast<double>(m.kept_grams) / 1000.0},
                                  {"volunteer_hours", static_cast<double>(m.volunteer_time.count()) / 3600.0}});
            json comps = json::array();
            for (const auto& c : s.components) {
                json top = json::array();
                for (const auto& [text, n] : c.top_problems) top.push_back({{"problem", text}, {"count", n}});
                comps.push_back({{"component", c.component ? std::string(core::to_string(*c.component)) : "powered"},
                                 {"total", c.total}, {"fixed", c.fixed}, {"top_problems", top}});
            }
            cli_out() << json{{"year", y}, {"total", s.total}, {"fixed", s.fixed}, {"fix_rate", s.fix_rate},
                              {"kept_kg", static_cast<double>(s.kept_grams) / 1000.0},
                              {"volunteer_hours", static_cast<double>(hours_total.count()) / 3600.0},
                              {"months", months}, {"components", comps}}.dump()
                      << '\n';
            return kDone;
        }
        cli_out() << core::fill_placeholders(ctx.t("{0} repairs, {1} fixed ({2} %), {3} kg kept out of the waste, {4} of volunteering"),
                                             {std::to_string(s.total), std::to_string(s.fixed),
                                              std::to_string(static_cast<int>(s.fix_rate * 100.0 + 0.5)),
                                              fmt::format("{:.1f}", static_cast<double>(s.kept_grams) / 1000.0), hours_text(hours_total)})
                  << '\n';
        for (const auto& m : s.months)
            cli_out() << fmt::format("{}-{:02}  {:>4}  {}: {:>3}  {}: {:>3}  {}: {:>3}  {}: {:>3}  {:>9}\n", m.year, m.month, m.total,
                                     status_text(ctx, core::RepairStatus::fixed), m.by_status[0],
                                     status_text(ctx, core::RepairStatus::repairable), m.by_status[1],
                                     status_text(ctx, core::RepairStatus::end_of_life), m.by_status[2],
                                     status_text(ctx, core::RepairStatus::unknown), m.by_status[3], hours_text(m.volunteer_time));
        for (const auto& c : s.components) {
            std::string top;
            for (const auto& [text, n] : c.top_problems) top += (top.empty() ? "" : "; ") + text + " (" + std::to_string(n) + ")";
            cli_out() << fmt::format("{:<22} {:>4}  {}\n",
                                     c.component ? ctx.t(std::string(core::label_of(*c.component))) : ctx.t("Powered items"), c.total, top);
        }
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
