// The funders' pack asked at the kiosk: a Station on a SQLite file and the service's report
// thread (cli::ReportWriter) beside it, on its own connection. A host asks; the files are
// written into the export folder with the year's figures; a member, a year to come, a second
// ask while one is written, a station without a report thread and a folder that cannot be
// written are refused or reported, translated, and the station goes on; a job that no thread
// answers is given up after a minute. Layer: app tests (with the cli's report thread).
#include "report_writer.hpp"
#include "station_fixture.hpp"

#include <etabli/app/features/report.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <thread>

using namespace etabli;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

core::Timestamp utc(const char* iso) { return *core::parse_timestamp(iso); }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Workshop {
    testing::StationOnDisk s{utc("2026-12-01T09:00:00Z")};
    core::Member lea, camille;
    std::shared_ptr<const core::Translations> tr = std::make_shared<core::Translations>(cli::load_translations(ETABLI_ASSETS_DIR));
    std::unique_ptr<cli::ReportWriter> writer;

    explicit Workshop(bool folder = true) {
        s.options.tool_export_dir = s.dir / (folder ? "exports" : "no-such-folder");
        if (folder) fs::create_directories(s.options.tool_export_dir);
        s.options.bikes.seller = "Atelier Vélo du Canal";
        s.reopen();
        lea = s.add_member("Léa Dubois", core::Role::member, "0001234567");
        camille = s.add_member("Camille Martin", core::Role::host, "0004211337");
        REQUIRE(s.station->call(app::BadgeSeen{"0001234567", "kiosk"}));  // a visit
        s.host_session(camille.id);
    }
    void start_writer() {
        // The fixture's calendar, not owned.
        std::shared_ptr<const app::Calendar> cal(std::shared_ptr<void>{}, &s.calendar);
        writer = std::make_unique<cli::ReportWriter>(*s.station, "", s.dir / "etabli.db", cal, tr, s.clock);
        REQUIRE(wait([](const app::ReportView& v) { return v.writer; }));
    }
    const app::ReportView& view() const {
        const auto* v = s.station->snapshot()->part<app::ReportFeature>();
        REQUIRE(v != nullptr);
        return *v;
    }
    app::Result ask(int year, core::Lang lang = core::Lang::fr, std::optional<core::MemberId> who = {}) {
        return s.station->call(app::AskYearReport{year, lang, who.value_or(camille.id)}, app::Origin::kiosk);
    }
    template <class P>
    std::shared_ptr<const app::Snapshot> wait(P pred, milliseconds limit = seconds(20)) {
        const auto until = steady_clock::now() + limit;
        for (;;) {
            auto snap = s.station->snapshot();
            if (const auto* v = snap->part<app::ReportFeature>(); v && pred(*v)) return snap;
            if (steady_clock::now() > until) return nullptr;
            std::this_thread::sleep_for(milliseconds(5));
        }
    }
    std::string refusal(const app::Result& r) const { return r ? std::string("accepted") : r.error().msgid; }
};

}  // namespace

TEST_CASE("a host asks for the year's pack at the kiosk: the report thread writes the PDF and the CSV beside the station") {
    Workshop w;
    w.start_writer();
    CHECK(w.view().folder == (w.s.dir / "exports").string());
    auto r = w.ask(2026);
    REQUIRE_MESSAGE(r, w.refusal(r));
    auto done = w.wait([](const app::ReportView& v) { return v.last.has_value(); });
    REQUIRE(done);
    const auto& v = *done->part<app::ReportFeature>();
    CHECK_FALSE(v.asked);
    const auto& d = *v.last;
    CHECK_MESSAGE(!d.problem, (d.problem ? d.problem->english() : ""));
    CHECK(d.year == 2026);
    CHECK(d.pdf == (w.s.dir / "exports" / "etabli-rapport-2026.pdf").string());
    CHECK(d.csv == (w.s.dir / "exports" / "etabli-rapport-2026.csv").string());
    CHECK(d.figures.members == 2);
    CHECK(d.figures.visits == 1);
    CHECK(slurp(d.pdf).starts_with("%PDF-"));
    const auto csv = slurp(d.csv);
    CHECK(csv.starts_with("\xEF\xBB\xBF"));
    CHECK(csv.find("members;") != std::string::npos);
    CHECK(csv.find("Adhérents") != std::string::npos);  // in the host's language
    // No temporary file left beside them.
    int files = 0;
    for (const auto& e : fs::directory_iterator(w.s.dir / "exports")) (void)e, ++files;
    CHECK(files == 2);

    // In English, another year: its own names; the station answered meanwhile.
    REQUIRE(w.ask(2025, core::Lang::en));
    REQUIRE(w.s.station->call(app::BadgeSeen{"0001234567", "kiosk"}));
    auto en = w.wait([](const app::ReportView& v) { return v.last && v.last->year == 2025; });
    REQUIRE(en);
    const auto& e = *en->part<app::ReportFeature>()->last;
    CHECK(!e.problem);
    CHECK(fs::path(e.pdf).filename() == "etabli-report-2025.pdf");
    CHECK(slurp(e.csv).find("Members") != std::string::npos);
}

TEST_CASE("the annual report's refusals: a member, a year to come, one at a time, no report thread") {
    Workshop w;
    // No report thread yet: the kiosk is told to use the service or the command line.
    CHECK(w.refusal(w.ask(2026)) == "This station does not write reports: start the station service (etabli serve), or use etabli report year");
    // The report thread says it is there; nobody answers the job (this test plays the thread).
    REQUIRE(w.s.station->call(app::ReportWriterReady{}));
    CHECK(w.refusal(w.ask(2026, core::Lang::fr, w.lea.id)).find("missing right: host") != std::string::npos);
    CHECK(w.refusal(w.ask(2027)) == "There is no report for {0}: choose a year from 2000 to {1}");
    CHECK(w.refusal(w.ask(1999)) == "There is no report for {0}: choose a year from 2000 to {1}");
    // A kiosk cannot pretend to be the report thread.
    CHECK_FALSE(w.s.station->call(app::ReportWriterReady{}, app::Origin::kiosk));
    CHECK_FALSE(w.s.station->call(app::YearReportWritten{1, std::nullopt, {}}, app::Origin::kiosk));

    REQUIRE(w.ask(2026));
    REQUIRE(w.view().asked);
    const auto seq = w.view().asked->seq;
    CHECK(w.refusal(w.ask(2025)) == "A report is being written: wait for it");
    // A minute without an answer: given up, said, and the next ask is taken.
    w.s.clock.advance(seconds(59));
    REQUIRE(w.s.station->call(app::Tick{}));
    CHECK(w.view().asked);
    w.s.clock.advance(seconds(2));
    REQUIRE(w.s.station->call(app::Tick{}));
    CHECK_FALSE(w.view().asked);
    REQUIRE(w.view().last);
    REQUIRE(w.view().last->problem);
    CHECK(w.view().last->problem->msgid == "The report was not written in time: try again, or write it with etabli report year");
    // An answer that comes too late changes nothing.
    REQUIRE(w.s.station->call(app::YearReportWritten{seq, std::nullopt, {3, 4, 5, 6, 7}}));
    CHECK(w.view().last->problem);
    CHECK(w.ask(2025));
}

TEST_CASE("a folder that cannot be written: the host is told why, nothing else changes") {
    Workshop w(false);
    w.start_writer();
    REQUIRE(w.ask(2026));
    auto done = w.wait([](const app::ReportView& v) { return v.last.has_value(); });
    REQUIRE(done);
    const auto& d = *done->part<app::ReportFeature>()->last;
    REQUIRE(d.problem);
    CHECK(w.tr->render(core::Lang::fr, *d.problem).find("no-such-folder") != std::string::npos);
    CHECK_FALSE(fs::exists(w.s.dir / "no-such-folder"));
    // The station goes on (a badge at the kiosk ends the host's session: she opens it again),
    // and the next ask is taken.
    CHECK(w.s.station->call(app::BadgeSeen{"0001234567", "kiosk"}));
    w.s.host_session(w.camille.id);
    auto again = w.ask(2026);
    CHECK_MESSAGE(again, w.refusal(again));
}
