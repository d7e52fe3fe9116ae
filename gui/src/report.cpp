// The hosts' annual report (see report.hpp). Layer: gui. GUI thread only.
#include <etabli/gui/report.hpp>

#include <etabli/app/features/report.hpp>

#include "form_kit.hpp"

#include <filesystem>

namespace etabli::gui {

using namespace kit;

namespace {

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

Next draw_report(const ReportScreenView& v, ReportUi& ui, Commands& out) {
    IdScope scope("report");
    const app::Snapshot& s = *v.snap;
    const auto* r = s.part<app::ReportFeature>();
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const int this_year = static_cast<int>(s.today.year());
    if (ui.year == 0) ui.year = this_year - 1;

    // The reply to the ask: a refusal is said; a job accepted shows in the part.
    if (ui.pending && s.last_reply && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        if (!s.last_reply->ok) {
            ui.message = v.tr.problem(s.last_reply->problem);
            ui.asked = false;
        }
    }
    const bool writing = ui.pending != 0 || (r && r->asked);

    bool back = false;
    float y = form::header(v.fonts, v.tr("Annual report"), {{v.tr("Back"), "back", Tone::normal, &back}});
    if (back) return Next::home;
    y += fs * 0.2f;
    // What it is, until a pack was asked here (then its outcome takes the room).
    if (!ui.asked) {
        at(c.x, y);
        text_block(v.tr("The figures funders and the networks' surveys ask for: members, visits, volunteer hours, repairs, bikes, "
                        "trainings, tool loans, machine hours. A PDF with charts, and a CSV for a spreadsheet."),
                   "about", c.w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY() + fs * 0.3f;
    }

    // The year: the two before this one, and this one so far; then Write, under them.
    std::vector<form::Chip> years;
    for (int k = 2; k >= 0; --k) {
        const int yr = this_year - k;
        std::string label = std::to_string(yr);
        if (k == 0) label = v.tr.fmt("{0} (so far)", {label});
        years.push_back({label, "year/" + std::to_string(yr), yr == ui.year});
    }
    if (const int k = form::chips(years, c.x, y, c.w, 3); k >= 0 && !writing) {
        ui.year = this_year - 2 + k;
        ui.message.clear();
        ui.asked = false;
    }
    const std::string write_label = v.tr.fmt("Write the {0} report", {std::to_string(ui.year)});
    const float write_w = std::min(c.w, std::max(button_width(write_label, 10.0f), c.w * 0.5f));
    at(c.x, y);
    ButtonOpts wo;
    wo.tone = Tone::primary;
    wo.enabled = !writing;  // one pack at a time
    if (button(write_label, "write", ImVec2(write_w, label_height(write_label, write_w, th)), wo)) {
        app::AskYearReport ask;
        ask.year = ui.year;
        ask.lang = v.tr.lang;
        ask.actor = v.viewer.id;
        ui.pending = out.post(ask);
        ui.message.clear();
        ui.asked = true;
        ui.seen = 0;
    }
    y = ImGui::GetCursorPosY() + fs * 0.3f;
    if (r && r->asked && ui.asked) ui.seen = r->asked->seq;

    // Where the files go, and how the last ask went.
    at(c.x, y);
    const std::string folder = r ? r->folder : std::string();
    if (!ui.message.empty()) {
        text_block(ui.message, "status", c.w, Align::left, nullptr, colors::kError);
    } else if (writing && ui.asked) {
        text_block(v.tr("Writing the report…"), "status", c.w, Align::left, nullptr, colors::kMuted);
    } else if (ui.asked && r && r->last && r->last->seq == ui.seen) {
        const auto& d = *r->last;
        if (d.problem) {
            text_block(v.tr.problem(*d.problem), "status", c.w, Align::left, nullptr, colors::kError);
        } else {
            text_block(v.tr.fmt("Written into {0}: {1} and {2}", {folder, file_name(d.pdf), file_name(d.csv)}), "status", c.w, Align::left,
                       nullptr, colors::kOk);
            at(c.x, ImGui::GetCursorPosY() + fs * 0.2f);
            text_block(v.tr.fmt("{0}: {1} members, {2} visits, {3} volunteer hours, {4} repairs, {5} bikes back on the road",
                                {std::to_string(d.year), std::to_string(d.figures.members), std::to_string(d.figures.visits),
                                 std::to_string(d.figures.volunteer_hours), std::to_string(d.figures.repairs),
                                 std::to_string(d.figures.bikes_reused)}),
                       "figures", c.w);
        }
    } else if (r && !r->writer) {
        text_block(v.tr("This station does not write reports: start the station service (etabli serve), or use etabli report year"),
                   "status", c.w, Align::left, nullptr, colors::kMuted);
    } else if (!folder.empty()) {
        text_block(v.tr.fmt("The files go into {0}", {folder}), "folder", c.w, Align::left, nullptr, colors::kMuted);
    }
    return Next::stay;
}

}  // namespace etabli::gui
