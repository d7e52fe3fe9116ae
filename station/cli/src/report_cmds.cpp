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
    const auto& cal = *ctx.calendar;
    db::YearReportInput in;
    in.bounds.year = m_year;
    for (unsigned m = 0; m < 13; ++m)
        in.bounds.month_starts[m] = cal.day_start(core::Date{year{m_year} / January / 1} + months{m});
    in.now = ctx.clock.now();
    in.hourly_cents = *cents;
    auto closing = closing_times(ctx);
    if (!closing) return ctx.fail(kStorage, closing.error());
    in.closing_of = *closing;
    auto report = db::year_report(ctx.reader(), in);
    if (!report) return ctx.fail(kStorage, report.error());
    db::ReportLook look{name, cal.local_day(in.now), ctx.lang, [&ctx](std::string_view m) { return ctx.t(m); }};
    if (!m_out.empty())
        if (auto w = db::write_year_report_pdf(*report, look, m_out); !w) return ctx.fail(kBadInput, w.error());
    if (!m_csv.empty())
        if (auto p = write_whole(m_csv, db::year_report_csv(*report, look))) return ctx.fail(*p);
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
