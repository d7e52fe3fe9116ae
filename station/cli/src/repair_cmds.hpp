// The repair-log and volunteer-hours commands of the command line: repair log/edit/list/
// show, export ords/repairs/volunteer-hours, stats, volunteer role/correct/hours.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

// The closing time of a presence's day from the opening hours (a forgotten check-out counts
// until then), for the volunteer hours and the funders' pack. Reads the store (ctx.reader()).
using ClosingTimes = std::expected<std::function<std::optional<core::Timestamp>(core::Timestamp)>, core::Problem>;
ClosingTimes closing_times(Context& ctx);
// The same from `store`, any thread (the kiosk's report thread).
ClosingTimes closing_times(app::Store& store, std::shared_ptr<const app::Calendar> cal, core::Timestamp now);

class RepairCommands {
public:
    // Declares the subcommands on `app` ("repair", "export", "stats", "volunteer").
    explicit RepairCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

    // The fields of `repair log` and `repair edit`; an empty text means "not given".
    struct Fields {
        std::vector<core::MemberId> volunteers;
        std::string item, component, category, partner_category, problem, done, status, brand, model, barrier, notes, day;
        std::vector<std::string> parts;
        int minutes = 0, year = 0;
        core::MemberId owner = 0;
        std::int64_t bike = 0;
        bool minutes_set = false, year_set = false, owner_set = false, bike_set = false, no_parts = false;
    };

private:
    Fields m_fields;
    core::RepairId m_id = 0;
    std::string m_day, m_out, m_month, m_hourly = "12.02", m_provider = "Etabli", m_prefix = "etabli", m_country = "FRA",
                             m_group, m_role, m_when;
    core::MemberId m_volunteer = 0;
    core::PresenceId m_presence = 0;
    int m_year = 0, m_month_num = 0;

    CLI::App *m_log, *m_edit, *m_list, *m_show;
    CLI::App *m_export_ords, *m_export_repairs, *m_export_hours;
    CLI::App *m_stats, *m_role_cmd, *m_correct, *m_hours;
    CLI::Option *m_volunteer_opt = nullptr, *m_year_opt = nullptr, *m_month_opt = nullptr;
};

}  // namespace etabli::cli
