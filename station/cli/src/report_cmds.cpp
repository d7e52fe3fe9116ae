// `etabli report year` (see report_cmds.hpp): the year's figures read beside the station
// (ctx.reader()), written as the PDF and, when asked, the CSV. Layer: cli. Main thread.
#include "report_cmds.hpp"

#include "export_files.hpp"
#include "io.hpp"
#include "repair_cmds.hpp"

#include <etabli/db/year_report.hpp>

#include <nlohmann/json.hpp>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

std::expected<core::YearReport, core::Problem> write_year_pack(app::Store& store, const app::Calendar& cal, const ClosingTimes& closing,
                                                               core::Timestamp now, int year, std::int64_t hourly_cents,
                                                               const db::ReportLook& look, const std::string& pdf, const std::string& csv) {
    if (!closing) return std::unexpected(closing.error());
    db::YearReportInput in;
    in.bounds.year = year;
    for (unsigned m = 0; m < 13; ++m)
        in.bounds.month_starts[m] = cal.day_start(core::Date{std::chrono::year{year} / January / 1} + months{m});
    in.now = now;
    in.hourly_cents = hourly_cents;
    in.closing_of = *closing;
    auto report = db::year_report(store, in);
    if (!report) return std::unexpected(report.error());
    if (!pdf.empty())
        if (auto w = db::write_year_report_pdf(*report, look, pdf); !w) return std::unexpected(w.error());
    if (!csv.empty())
        if (auto p = write_whole(csv, db::year_report_csv(*report, look))) return std::unexpected(*p);
    return report;
}

ReportCommands::ReportCommands(CLI::App& app) {
    auto* r = app.add_subcommand("report", "Reports for funders and the networks' surveys");
    m_year_cmd = r->add_subcommand("year", "The year's figures: members, visits, volunteer hours, repairs, bikes, trainings, loans, machines");
    m_year_cmd->add_option("YEAR", m_year, "The year, e.g. 2026")->required();
    m_year_cmd->add_option("--out", m_out, "The PDF file to write");
    m_year_cmd->add_option("--csv", m_csv, "A CSV file of the same figures");
    m_year_cmd->add_option("--hourly-value", m_hourly, "Value of one hour in euros (default 12.02: SMIC horaire brut 2026)");
    m_year_cmd->add_option("--name", m_name, "The workshop's name on the report (default: [bikes] seller in etabli.toml)");
    r->require_subcommand(1);
}

std::optional<int> ReportCommands::run(Context& ctx) {
    if (!m_year_cmd->parsed()) return std::nullopt;
    if (m_year < 2000 || m_year > 2200) return ctx.fail(kBadInput, problem("The year must be between 2000 and 2200"));
    if (m_out.empty() && m_csv.empty()) return ctx.fail(kBadInput, problem("Say where to write the report: --out FILE.pdf, --csv FILE.csv or both"));
    auto cents = core::parse_hourly_value(m_hourly);
    if (!cents) return ctx.fail(kBadInput, cents.error());
    if (auto code = ctx.open_station()) return *code;
    std::string name = m_name.empty() ? ctx.station->options().bikes.seller : m_name;
    ctx.release_station();
    auto closing = closing_times(ctx);
    if (!closing) return ctx.fail(kStorage, closing.error());
    const auto now = ctx.clock.now();
    db::ReportLook look{name, ctx.calendar->local_day(now), ctx.lang, [&ctx](std::string_view m) { return ctx.t(m); }};
    auto report = write_year_pack(ctx.reader(), *ctx.calendar, closing, now, m_year, *cents, look, m_out, m_csv);
    if (!report) return ctx.fail(report.error().kind == core::Problem::Kind::storage ? kStorage : kBadInput, report.error());
    const auto& r = *report;
    if (ctx.json) {
        cli_out() << json{{"year", r.year},
                          {"members", r.counts.members},
                          {"new_members", r.counts.new_members},
                          {"visits", r.visits},
                          {"visitors", r.counts.visitors},
                          {"volunteer_hours", static_cast<double>(r.volunteer_total.count()) / 3600.0},
                          {"volunteer_value_cents", r.volunteer_value_cents},
                          {"repairs", r.repairs},
                          {"fixed", r.fixed},
                          {"bikes_in", r.bikes_in},
                          {"bikes_reused", r.bikes_reused},
                          {"kept_kg", static_cast<double>(r.repairs_kept_grams + r.bikes_kept_grams) / 1000.0},
                          {"trainings", r.counts.trainings},
                          {"trained", r.counts.trained},
                          {"loans", r.counts.loans},
                          {"machine_hours", r.machine_hours},
                          {"pdf", m_out},
                          {"csv", m_csv}}
                         .dump()
                  << '\n';
        return kDone;
    }
    cli_out() << core::fill_placeholders(ctx.t("{0}: {1} members, {2} visits, {3} repairs, {4} bikes back on the road"),
                                         {std::to_string(r.year), std::to_string(r.counts.members), std::to_string(r.visits),
                                          std::to_string(r.repairs), std::to_string(r.bikes_reused)})
              << '\n';
    for (const auto& f : {m_out, m_csv})
        if (!f.empty()) cli_out() << core::fill_placeholders(ctx.t("Written: {0}"), {f}) << '\n';
    return kDone;
}

}  // namespace etabli::cli
