// The funders' pack: `etabli report year 2026 --out rapport-2026.pdf [--csv F]`. The year's
// figures read from the store (its counts in one call, the volunteer hours measured from the
// presences as the monthly hours report measures them), and written as an A4 PDF with charts
// (cairo) or as a CSV of figures for a spreadsheet or a network's survey.
// Layer: db (exports live here, DESIGN.md). Thread: the caller's, with a store it may read.
#pragma once

#include <etabli/app/ports.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/core/year_report.hpp>

#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::db {

struct YearReportInput {
    core::YearBounds bounds;
    core::Timestamp now{};  // an open presence counts until now
    std::int64_t hourly_cents = core::kDefaultHourlyValueCents;
    // The closing time of a presence's day (a forgotten check-out counts until then), as in
    // `etabli volunteer hours`; empty: until the station closed it.
    std::function<std::optional<core::Timestamp>(core::Timestamp)> closing_of;
};

std::expected<core::YearReport, core::Problem> year_report(app::Store& store, const YearReportInput& in);

// How the papers speak: the workshop's name (empty: none printed), the day printed, the
// language's numbers and the translations of the messages (the CLI's ctx.t).
struct ReportLook {
    std::string workshop;
    core::Date printed{};
    core::Lang lang = core::Lang::fr;
    std::function<std::string(std::string_view)> tr;
};

// Two A4 pages at `out`, through a temporary file: the key figures and the months' charts,
// then the repairs' ORDS totals, the bikes, the machines and how each figure is counted.
std::expected<void, core::Problem> write_year_report_pdf(const core::YearReport& r, const ReportLook& look,
                                                         const std::filesystem::path& out);

// One figure a line: key;label;value (keys stable, labels in the language), the months as
// visits_01… ; UTF-8 with a byte order mark, ';', CRLF, decimal comma in French.
std::string year_report_csv(const core::YearReport& r, const ReportLook& look);

}  // namespace etabli::db
