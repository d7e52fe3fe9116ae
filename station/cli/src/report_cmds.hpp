// The funders' pack of the command line: `etabli report year 2026 --out rapport-2026.pdf
// [--csv rapport-2026.csv] [--hourly-value 12.02] [--name "Atelier …"]`.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace etabli::cli {

class ReportCommands {
public:
    // Declares the subcommands on `app` ("report").
    explicit ReportCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    int m_year = 0;
    std::string m_out, m_csv, m_hourly = "12.02", m_name;
    CLI::App* m_year_cmd = nullptr;
};

}  // namespace etabli::cli
