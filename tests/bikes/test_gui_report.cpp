// The hosts' annual report at the kiosk, headless: reached from their Members screen; the year chosen
// (last year at first, this year "so far"); Write sends the ask with the year, the host's
// language and the host; while it is written the button waits; then where the files are and the
// key figures, or the reason in red (a refusal, a folder that cannot be written); a station
// without a report thread says so. Layouts in French at 800x480, 1280x800 and 1920x1080.
// Layer: gui tests (headless).
#include "harness.hpp"
#include "last_sent.hpp"

#include <etabli/app/features/report.hpp>

using namespace etabli;

namespace {

const std::vector<ImVec2> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

std::shared_ptr<app::ReportView> set_report(Harness& h, bool writer = true) {
    auto r = std::make_shared<app::ReportView>();
    r->writer = writer;
    r->folder = "/media/etabli/CLE-USB";
    std::get<app::feature_index_v<app::ReportFeature>>(h.snap.parts) = r;
    h.publish();
    return r;
}

void open_report(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");  // Camille, a host
    h.tap("home/members");
    REQUIRE(h.kiosk.screen() == gui::Screen::members);
    h.tap("members/search/report");
    REQUIRE(h.kiosk.screen() == gui::Screen::report);
    h.frame();
}

// The station took the ask: the job shows, then is written (or not).
void job_taken(Harness& h, const app::AskYearReport& ask) {
    auto r = std::make_shared<app::ReportView>(*h.snap.part<app::ReportFeature>());
    app::YearReportJob job;
    job.seq = 7;
    job.year = ask.year;
    job.pdf = r->folder + "/etabli-rapport-" + std::to_string(ask.year) + ".pdf";
    job.csv = r->folder + "/etabli-rapport-" + std::to_string(ask.year) + ".csv";
    r->asked = job;
    std::get<app::feature_index_v<app::ReportFeature>>(h.snap.parts) = r;
    h.reply(h.out.back().second, true);
}
void job_done(Harness& h, std::optional<core::Problem> p = {}) {
    auto r = std::make_shared<app::ReportView>(*h.snap.part<app::ReportFeature>());
    app::YearReportDone d;
    d.seq = r->asked->seq;
    d.year = r->asked->year;
    d.pdf = r->asked->pdf;
    d.csv = r->asked->csv;
    d.problem = std::move(p);
    d.figures = {312, 4120, 860, 45, 2210};
    r->last = d;
    r->asked.reset();
    std::get<app::feature_index_v<app::ReportFeature>>(h.snap.parts) = r;
    h.publish();
    h.frame();
}

}  // namespace

TEST_CASE("the annual report: on the hosts' Members screen, and back to it") {
    Harness h;
    set_report(h);
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    CHECK(!h.has("home/report"));  // the home's tiles keep their room
    h.tap("home/members");
    CHECK(h.label("members/search/report") == "Rapport annuel");
    h.tap("members/search/report");
    REQUIRE(h.kiosk.screen() == gui::Screen::report);
    CHECK(h.label("report/title") == "Rapport annuel");
    h.tap("report/back");
    CHECK(h.kiosk.screen() == gui::Screen::members);
}

TEST_CASE("a host writes last year's pack: the ask, the wait, where the files are and the figures") {
    Harness h;
    set_report(h);
    open_report(h);
    // Last year is chosen first; this year is "so far".
    CHECK(h.label("report/year/2026") == "2026 (en cours)");
    CHECK(h.label("report/write") == "Écrire le rapport 2025");
    CHECK(h.label("report/about").starts_with("Les chiffres que demandent les financeurs"));
    CHECK(h.label("report/folder") == "Les fichiers iront dans /media/etabli/CLE-USB");
    h.tap("report/year/2024");
    CHECK(h.label("report/write") == "Écrire le rapport 2024");
    h.tap("report/year/2025");
    h.tap("report/write");
    const auto ask = last_sent<app::AskYearReport>(h);
    CHECK(ask.year == 2025);
    CHECK(ask.lang == core::Lang::fr);
    CHECK(ask.actor == core::MemberId{2});
    job_taken(h, ask);
    CHECK(h.label("report/status") == "Écriture du rapport…");
    CHECK_FALSE(h.item("report/write").enabled);  // one pack at a time
    job_done(h);
    CHECK(h.label("report/status") == "Écrits dans /media/etabli/CLE-USB\u00a0: etabli-rapport-2025.pdf et etabli-rapport-2025.csv");
    CHECK(!h.has("report/about"));  // the outcome takes its room
    CHECK(h.label("report/figures") == "2025\u00a0: 312 adhérents, 4120 visites, 2210 heures de bénévolat, 860 réparations, 45 vélos remis en selle");
    CHECK(h.item("report/write").enabled);
}

TEST_CASE("the annual report's problems at the kiosk: a refusal, a folder that cannot be written, no report thread") {
    Harness h;
    set_report(h);
    open_report(h);
    h.tap("report/write");
    h.reply(h.out.back().second, false, core::problem("A report is being written: wait for it"));
    CHECK(h.label("report/status") == "Un rapport est en cours d'écriture\u00a0: attendez qu'il soit fini");
    h.tap("report/write");
    job_taken(h, last_sent<app::AskYearReport>(h));
    job_done(h, core::problem("Cannot write {0}: check the folder exists and may be written", {"/media/etabli/CLE-USB/etabli-rapport-2025.pdf"}));
    CHECK(h.label("report/status").starts_with("Impossible d'écrire /media/etabli/CLE-USB/etabli-rapport-2025.pdf"));
    CHECK(!h.has("report/figures"));

    Harness alone;
    set_report(alone, false);
    open_report(alone);
    CHECK(alone.label("report/status").starts_with("Cette station n'écrit pas de rapports"));
}

TEST_CASE("the annual report's layouts in French") {
    for (const ImVec2 size : kSizes) {
        Harness h(size);
        set_report(h);
        open_report(h);
        h.check_layout("the annual report");
        h.tap("report/write");
        job_taken(h, last_sent<app::AskYearReport>(h));
        h.check_layout("the annual report being written");
        job_done(h);
        h.check_layout("the annual report written");
    }
}
