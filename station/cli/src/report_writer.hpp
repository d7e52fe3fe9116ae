// The kiosk's funders' pack (app/report.hpp), written by a thread of the service: it says to
// the station that it is there (ReportWriterReady), wakes at each new snapshot, and when a
// host asked for a pack it reads the year on its own store connection (SQLite WAL: the last
// commit, beside the station) and writes the PDF and the CSV where the station named them,
// then reports (YearReportWritten). The station thread never waits for it.
// Layer: cli. Its own thread; made and destroyed on the main thread, before the station stops.
#pragma once

#include "context.hpp"
#include "periodic.hpp"

#include <etabli/app/station.hpp>
#include <etabli/core/i18n.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>

namespace etabli::cli {

class ReportWriter {
public:
    // `url`: the PostgreSQL database when the station runs on one, else empty (`db`, the file).
    ReportWriter(app::Station& station, std::string url, std::filesystem::path db, std::shared_ptr<const app::Calendar> calendar,
                 std::shared_ptr<const core::Translations> tr, const app::Clock& clock);
    ~ReportWriter();
    ReportWriter(const ReportWriter&) = delete;
    ReportWriter& operator=(const ReportWriter&) = delete;

private:
    struct Wake;  // what the station's watcher reaches (it outlives this object)
    void once();
    app::Station& m_station;
    std::string m_url;
    std::filesystem::path m_db;
    std::shared_ptr<const app::Calendar> m_calendar;
    std::shared_ptr<const core::Translations> m_tr;
    const app::Clock& m_clock;
    std::uint64_t m_done = 0;  // the last job written (or tried)
    std::shared_ptr<Wake> m_wake;
    Periodic m_worker;  // last: joined first
};

// The report thread of a station that runs (the service, the embedded kiosk).
std::unique_ptr<ReportWriter> start_report_writer(Context& ctx);

}  // namespace etabli::cli
