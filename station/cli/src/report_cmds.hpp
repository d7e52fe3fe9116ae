// The funders' pack of the command line: `etabli report year 2026 --out rapport-2026.pdf
// [--csv rapport-2026.csv] [--hourly-value 12.02] [--name "Atelier …"]`.
// Layer: cli. Main thread (write_year_pack: any thread, with its own store connection).
#pragma once

#include "context.hpp"
#include "repair_cmds.hpp"

#include <etabli/core/year_report.hpp>
#include <etabli/db/year_report.hpp>

#include <CLI/CLI.hpp>

#include <expected>
#include <optional>
#include <string>

namespace etabli::cli {

// The pack of `year` read from `store` (the volunteer hours closed at `closing`, as the
// hours report closes them) and written as the PDF at `pdf` and the CSV at `csv` (each
// skipped when empty), through temporary files. The command line and the kiosk's report
// thread (report_writer.cpp) both write it here.
std::expected<core::YearReport, core::Problem> write_year_pack(app::Store& store, const app::Calendar& cal, const ClosingTimes& closing,
                                                               core::Timestamp now, int year, std::int64_t hourly_cents,
                                                               const db::ReportLook& look, const std::string& pdf, const std::string& csv);

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
