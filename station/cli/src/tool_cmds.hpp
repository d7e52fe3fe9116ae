// The tool-library commands of the command line: tool add/list/show/set/retire/import/
// labels, lend, return, renew, loans, reserve, reservation cancel, export loans and export overdue.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

// The Station's options from etabli.toml ([tools]: the lending rules), or why the file does
// not load (tool_config.cpp).
std::expected<app::Station::Options, core::Problem> station_options(const Context& ctx);

class ToolCommands {
public:
    // Declares the subcommands on `app` ("export" is shared: found or created).
    explicit ToolCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    struct Fields {
        std::string name, tag, category, location, deposit, notes, condition, status, needs_auth, photo;
        int days = 0, renewals = -1;
    } m_f;
    std::vector<std::string> m_tags;
    std::string m_tag, m_file, m_out, m_category, m_note, m_keep_deposit, m_from, m_to;
    std::string m_condition = "good";
    core::MemberId m_member = 0;
    core::MemberId m_by = 0;
    int m_days = 0;
    bool m_overdue = false, m_waiting = false;
    std::vector<core::MemberId> m_authorise, m_revoke;

    CLI::App *m_add, *m_list, *m_show, *m_set, *m_retire, *m_import, *m_labels;
    CLI::App *m_lend, *m_return, *m_renew, *m_loans, *m_reserve, *m_export_loans, *m_export_overdue;
    CLI::App* m_reservation_cancel = nullptr;
    core::ReservationId m_reservation = 0;
    CLI::Option *m_member_opt = nullptr, *m_days_opt = nullptr, *m_by_opt = nullptr, *m_cancel_by_opt = nullptr;
};

}  // namespace etabli::cli
