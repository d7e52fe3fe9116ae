// Memberships and the receipts journal on the command line: plan add/set/list, membership
// pay/ending/import-helloasso, receipt add/correct/journal/close/export.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class MoneyCommands {
public:
    // Declares the subcommands on `app` ("plan", "membership", "receipt").
    explicit MoneyCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    std::string m_name, m_price, m_paid, m_means = "cash", m_plan, m_free, m_offered, m_month, m_csv, m_file, m_amount, m_for,
        m_label, m_note, m_reason, m_day, m_from, m_to, m_format = "paheko", m_out;
    int m_months = 12;
    bool m_prix_libre = false;
    std::int64_t m_id = 0;
    core::MemberId m_member = 0;
    std::vector<std::string> m_attach;  // import-helloasso --attach REFERENCE=MEMBER

    CLI::App *m_plan_add, *m_plan_set, *m_plan_list;
    CLI::App *m_pay, *m_ending, *m_import;
    CLI::App *m_r_add, *m_r_correct, *m_r_journal, *m_r_close, *m_r_export;
};

}  // namespace etabli::cli
