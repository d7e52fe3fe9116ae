// The kiosk's funders' pack, written beside the station (see report_writer.hpp).
// Layer: cli. The report thread.
#include "report_writer.hpp"

#include "report_cmds.hpp"

#include <etabli/app/features/report.hpp>
#include <etabli/core/volunteer_hours.hpp>
#include <etabli/db/sql_store.hpp>

#include <exception>
#include <mutex>

namespace etabli::cli {

using namespace std::chrono_literals;

struct ReportWriter::Wake {
    std::mutex mutex;
    Periodic* worker = nullptr;  // null once the writer goes
};

ReportWriter::ReportWriter(app::Station& station, std::string url, std::filesystem::path db, std::shared_ptr<const app::Calendar> calendar,
                           std::shared_ptr<const core::Translations> tr, const app::Clock& clock)
    : m_station(station),
      m_url(std::move(url)),
      m_db(std::move(db)),
      m_calendar(std::move(calendar)),
      m_tr(std::move(tr)),
      m_clock(clock),
      m_wake(std::make_shared<Wake>()),
      // Woken by each snapshot; the 5 s look is only a fallback.
      m_worker("report", 5s, [this] { once(); }) {
    {
        std::lock_guard lk(m_wake->mutex);
        m_wake->worker = &m_worker;
    }
    // Watchers are never removed: this one holds only the shared Wake.
    m_station.add_watcher([wake = m_wake] {
        std::lock_guard lk(wake->mutex);
        if (wake->worker) wake->worker->nudge();
    });
    (void)m_station.post(app::ReportWriterReady{});
}

ReportWriter::~ReportWriter() {
    std::lock_guard lk(m_wake->mutex);
    m_wake->worker = nullptr;
}

void ReportWriter::once() {
    const auto snap = m_station.snapshot();
    const auto* view = snap ? snap->part<app::ReportFeature>() : nullptr;
    if (!view || !view->asked || view->asked->seq == m_done) return;
    const app::YearReportJob job = *view->asked;
    m_done = job.seq;
    app::YearReportWritten out;
    out.seq = job.seq;
    try {
        auto store = db::SqlStore::open_at(m_url, m_db);
        if (!store) {
            out.problem = store.error();
        } else {
            const auto now = m_clock.now();
            const auto closing = closing_times(**store, m_calendar, now);
            db::ReportLook look{job.workshop, m_calendar->local_day(now), job.lang,
                                [tr = m_tr, lang = job.lang](std::string_view m) { return tr->tr(lang, m); }};
            auto r = write_year_pack(**store, *m_calendar, closing, now, job.year, core::kDefaultHourlyValueCents, look, job.pdf, job.csv);
            if (!r) {
                out.problem = r.error();
            } else {
                out.figures.members = r->counts.members;
                out.figures.visits = r->visits;
                out.figures.repairs = r->repairs;
                out.figures.bikes_reused = r->bikes_reused;
                out.figures.volunteer_hours = static_cast<int>(r->volunteer_total.count() / 3600);
            }
        }
    } catch (const std::exception& e) {
        out.problem = core::problem("The report could not be written: {0}", {e.what()});
    }
    (void)m_station.post(std::move(out));
}

std::unique_ptr<ReportWriter> start_report_writer(Context& ctx) {
    return std::make_unique<ReportWriter>(*ctx.station, ctx.db_url, ctx.db_path, ctx.calendar, ctx.translations, ctx.clock);
}

}  // namespace etabli::cli
