// The funders' pack from the kiosk, as the app layer sees it: a host asks for a year's report
// (AskYearReport); the station names the files and publishes the job in its snapshot part
// (ReportView); the service's report thread (station/cli/src/report_writer.cpp) sees the job,
// reads the year's figures on its own connection and writes the PDF and the CSV with nothing
// of the station waiting, then says how it went (YearReportWritten). The same pack as
// `etabli report year`. Layer: app.
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace etabli::app {

// [Commands]
// A host asks for the pack of `year` (2000 up to this year), written in `lang` into the
// kiosk's export folder (Station::Options::tool_export_dir) as etabli-rapport-YEAR.pdf and
// .csv (etabli-report-YEAR in English). Refused while another is being written, and on a
// station where no report thread runs.
struct AskYearReport {
    int year = 0;
    core::Lang lang = core::Lang::fr;
    std::optional<core::MemberId> actor;
};
// The report thread is there (posted once when it starts; Need::device).
struct ReportWriterReady { bool ready = true; };
// The key figures of a written pack, for the kiosk's line.
struct YearFigures {
    int members = 0, visits = 0, repairs = 0, bikes_reused = 0;
    int volunteer_hours = 0;  // rounded down
};
// How the job `seq` went: `problem` when nothing (or not everything) was written.
struct YearReportWritten {
    std::uint64_t seq = 0;
    std::optional<core::Problem> problem;
    YearFigures figures;
};

// [Snapshot part]
// A pack asked for and not written yet: what the report thread writes.
struct YearReportJob {
    std::uint64_t seq = 0;
    int year = 0;
    core::Lang lang = core::Lang::fr;
    std::string workshop;      // the name on the pack ([bikes] seller), may be empty
    std::string pdf, csv;      // where to write them
    core::Timestamp asked_at{};
};
// The last pack that was written, or that failed.
struct YearReportDone {
    std::uint64_t seq = 0;
    int year = 0;
    std::string pdf, csv;
    std::optional<core::Problem> problem;
    YearFigures figures;
    core::Timestamp at{};
};
struct ReportView {
    bool writer = false;        // a report thread runs: the kiosk may ask
    std::string folder;         // where the files go
    std::optional<YearReportJob> asked;
    std::optional<YearReportDone> last;
};

}  // namespace etabli::app
