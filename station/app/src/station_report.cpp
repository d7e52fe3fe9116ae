// The funders' pack from the kiosk (app/report.hpp). The station thread only checks the
// request, names the files and publishes the job; the report thread of the service reads and
// writes them beside it and reports back. A job that no report comes back for in time is
// given up, so the kiosk never waits for ever. Layer: app. Station thread only.
//
// [SECTION] Index
//   [Commands]    AskYearReport, ReportWriterReady, YearReportWritten
//   [Deadline]    a job not answered in time
//   [Publishing]  ReportView
#include <etabli/app/features/report.hpp>
#include <etabli/app/station.hpp>

#include "export_folder.hpp"

#include <chrono>

namespace etabli::app {

using core::problem;

namespace {

using namespace std::chrono_literals;

// Ten years of a large workshop take well under a second (bench_report); a minute covers a
// slow disk or USB stick many times over.
constexpr auto kJobTimeout = 1min;

class ReportFeatureImpl final : public Feature {
public:
    ReportFeatureImpl(Station& station, FeatureHost& host)
        : m_host(host), m_folder(export_folder(station.options().tool_export_dir)), m_workshop(station.options().bikes.seller) {}

    // [SECTION] Commands
    Result handle(const Command& c) override {
        return std::visit(
            [&](const auto& cmd) -> Result {
                using T = std::decay_t<decltype(cmd)>;
                if constexpr (std::is_same_v<T, AskYearReport>) return ask(cmd);
                else if constexpr (std::is_same_v<T, ReportWriterReady>) {
                    m_writer = cmd.ready;
                    m_dirty = true;
                    return Done{};
                } else if constexpr (std::is_same_v<T, YearReportWritten>) return written(cmd);
                else return std::unexpected(problem("The station failed on this request: {0}", {"report"}));
            },
            c);
    }

    // [SECTION] Deadline
    bool housekeeping(core::Timestamp now) override {
        if (!m_asked || now < m_asked->asked_at + kJobTimeout) return false;
        finish(m_asked->seq, problem("The report was not written in time: try again, or write it with etabli report year"), {});
        return true;
    }

    // [SECTION] Publishing
    void publish(Snapshot& snap) override {
        if (m_dirty || !m_view) {
            auto v = std::make_shared<ReportView>();
            v->writer = m_writer;
            v->folder = m_folder.string();
            v->asked = m_asked;
            v->last = m_last;
            m_view = std::move(v);
            m_dirty = false;
        }
        std::get<feature_index_v<ReportFeature>>(snap.parts) = m_view;
    }

private:
    Result ask(const AskYearReport& cmd) {
        if (cmd.actor) {
            const auto* m = m_host.directory().find(*cmd.actor);
            if (!m || !core::can_host(m->role)) return std::unexpected(problem("Only a host can write the annual report"));
        }
        const auto now = m_host.clock().now();
        const int this_year = static_cast<int>(m_host.calendar().local_day(now).year());
        if (cmd.year < 2000 || cmd.year > this_year)
            return std::unexpected(problem("There is no report for {0}: choose a year from 2000 to {1}", {std::to_string(cmd.year), std::to_string(this_year)}));
        if (!m_writer) return std::unexpected(problem("This station does not write reports: start the station service (etabli serve), or use etabli report year"));
        if (m_asked) return std::unexpected(problem("A report is being written: wait for it"));
        YearReportJob job;
        job.seq = ++m_seq;
        job.year = cmd.year;
        job.lang = cmd.lang;
        job.workshop = m_workshop;
        const std::string stem = std::string(cmd.lang == core::Lang::fr ? "etabli-rapport-" : "etabli-report-") + std::to_string(cmd.year);
        job.pdf = (m_folder / (stem + ".pdf")).string();
        job.csv = (m_folder / (stem + ".csv")).string();
        job.asked_at = now;
        m_asked = std::move(job);
        m_dirty = true;
        return Done{};
    }

    Result written(const YearReportWritten& cmd) {
        // A report for a job given up (too late) or unknown changes nothing.
        if (!m_asked || cmd.seq != m_asked->seq) return Done{};
        finish(cmd.seq, cmd.problem, cmd.figures);
        return Done{};
    }

    void finish(std::uint64_t seq, std::optional<core::Problem> p, const YearFigures& figures) {
        YearReportDone d;
        d.seq = seq;
        d.year = m_asked->year;
        d.pdf = m_asked->pdf;
        d.csv = m_asked->csv;
        d.problem = std::move(p);
        d.figures = figures;
        d.at = m_host.clock().now();
        m_last = std::move(d);
        m_asked.reset();
        m_dirty = true;
    }

    FeatureHost& m_host;
    std::filesystem::path m_folder;
    std::string m_workshop;
    bool m_writer = false;
    std::uint64_t m_seq = 0;
    std::optional<YearReportJob> m_asked;
    std::optional<YearReportDone> m_last;
    bool m_dirty = true;
    std::shared_ptr<const ReportView> m_view;
};

}  // namespace

std::unique_ptr<Feature> ReportFeature::make(Station& station, FeatureHost& host) {
    return std::make_unique<ReportFeatureImpl>(station, host);
}

}  // namespace etabli::app
