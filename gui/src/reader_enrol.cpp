// Enrolling a badge reader from the hosts' device panel (see reader_enrol.hpp). Layer: gui.
// GUI thread only.
//
// The screen follows one attempt of the station: it learns the attempt's number from the
// snapshot that carries the reply to its StartReaderEnrolment, then shows that attempt's
// outcome. An attempt cancelled elsewhere (another kiosk, the timeout) brings it back to the
// role choice.
#include <etabli/gui/reader_enrol.hpp>

#include "devices.hpp"
#include "kit.hpp"

#include <algorithm>
#include <vector>

namespace etabli::gui {

using namespace kit;

namespace {

bool header(const ReaderEnrolView& v, const std::string& title, const std::string& button_label, const char* id,
            Tone tone = Tone::normal) {
    return header_row(v.fonts, content(), title, {{button_label, id, tone}}) == 1;
}

struct RoleChoice {
    std::string role;
    std::string label;
};

std::vector<RoleChoice> role_choices(const ReaderEnrolView& v) {
    std::vector<RoleChoice> out{{"kiosk", reader_role_label("kiosk", v.tr)}, {"scanner", reader_role_label("scanner", v.tr)}};
    for (const auto& m : v.snap->machines) {
        const std::string role = "machine:" + m.machine.name;
        out.push_back({role, reader_role_label(role, v.tr)});
    }
    return out;
}

void draw_choose(const ReaderEnrolView& v, ReaderEnrolUi& ui, Commands& out, bool& leave) {
    IdScope scope("choose");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, v.tr("Enrol a reader"), v.tr("Back"), "back")) {
        leave = true;
        return;
    }
    float y = c.y + th + gap();
    at(c.x, y);
    text_block(v.tr("Which reader is it?"), "question", c.w, Align::left, nullptr, colors::kMuted);
    y += fs * 1.3f + gap();
    const float bar_y = c.y + c.h - th;
    const auto choices = role_choices(v);
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float tw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float tile_h = std::max(th, fs * 2.6f);
    const int rows = std::max(1, static_cast<int>((bar_y - gap() - y + gap()) / (tile_h + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(choices.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= choices.size()) break;
        IdScope row(static_cast<std::int64_t>(idx));
        at(c.x + static_cast<float>(i % cols) * (tw + gap()), y + static_cast<float>(i / cols) * (tile_h + gap()));
        ButtonOpts o;
        o.tone = Tone::selected;
        o.enabled = ui.pending == 0;
        if (button(choices[idx].label, "role", ImVec2(tw, tile_h), o)) {
            ui.role = choices[idx].role;
            ui.message.clear();
            ui.attempt = 0;
            ui.pending = out.post(app::StartReaderEnrolment{ui.role, v.viewer.id});
        }
    }
    const float pb = fs * 2.6f;
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    if (!ui.message.empty()) {
        const float mw = c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f);
        at(c.x, bar_y);
        text_block(ui.message, "message", mw, Align::left, nullptr, colors::kError);
    }
}

void draw_waiting(const ReaderEnrolView& v, ReaderEnrolUi& ui, Commands& out, bool& leave) {
    IdScope scope("waiting");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, v.tr("Enrol a reader"), v.tr("Cancel"), "cancel", Tone::danger)) {
        out.post(app::CancelReaderEnrolment{v.viewer.id});
        ui = ReaderEnrolUi{};
        leave = false;
        return;
    }
    float y = c.y + th + fs * 1.5f;
    {
        FontScope f(title_font(v.fonts));
        const std::string big = v.tr("Tap a badge on the reader to enrol");
        at(c.x, y);
        text_block(big, "tap", c.w, Align::center, nullptr, colors::kAccent);
        y += text_block_height(big, c.w) + fs;
    }
    at(c.x, y);
    const std::string what = v.tr.fmt("It becomes: {0}", {reader_role_label(ui.role, v.tr)});
    text_block(what, "role", c.w, Align::center);
    y += text_block_height(what, c.w) + fs * 0.5f;
    at(c.x, y);
    text_block(v.tr("Waiting at most 60 seconds."), "wait", c.w, Align::center, nullptr, colors::kMuted);
    const float icon = std::min(fs * 5.0f, c.y + c.h - y - fs * 2.5f);
    if (icon > fs) draw_tap_icon(Box{c.x + (c.w - icon) * 0.5f, y + fs * 2.0f, icon, icon}, colors::kAccent);
}

void draw_finished(const ReaderEnrolView& v, ReaderEnrolUi& ui, const app::ReaderEnrolmentView& e, Commands& out,
                   bool& leave) {
    IdScope scope("finished");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool ok = e.state == app::ReaderEnrolmentView::State::done;
    if (header(v, v.tr("Enrol a reader"), v.tr("Back"), "back")) {
        out.post(app::CancelReaderEnrolment{v.viewer.id});
        leave = true;
        return;
    }
    float y = c.y + th + fs;
    std::vector<std::pair<std::string, ImU32>> lines;
    if (ok) {
        lines.push_back({v.tr.fmt("Reader bound: {0}", {reader_role_label(e.role, v.tr)}), colors::kOk});
        lines.push_back({v.tr.fmt("Device {0}, badge {1}", {e.device, e.uid}), colors::kText});
        lines.push_back({v.tr.fmt("Written to {0}", {e.config}), colors::kMuted});
    } else {
        lines.push_back({v.tr("The reader was not enrolled."), colors::kError});
        if (e.problem) lines.push_back({v.tr.problem(*e.problem), colors::kText});
    }
    {
        FontScope f(title_font(v.fonts));
        at(c.x, y);
        text_block(lines[0].first, "outcome", c.w, Align::left, nullptr, lines[0].second);
        y += text_block_height(lines[0].first, c.w) + fs * 0.5f;
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        at(c.x, y);
        text_block(lines[i].first, "line" + std::to_string(i), c.w, Align::left, nullptr, lines[i].second);
        y += text_block_height(lines[i].first, c.w) + fs * 0.3f;
    }
    const float bar_y = c.y + c.h - th;
    const float bw = (c.w - gap()) / 2;
    ButtonOpts primary;
    primary.tone = Tone::primary;
    if (ok) {
        at(c.x + c.w - bw, bar_y);
        if (button(v.tr("Done"), "done", ImVec2(bw, th), primary)) {
            out.post(app::CancelReaderEnrolment{v.viewer.id});
            leave = true;
        }
    } else {
        at(c.x + c.w - bw, bar_y);
        if (button(v.tr("Try again"), "again", ImVec2(bw, th), primary)) {
            ui.attempt = 0;
            ui.pending = out.post(app::StartReaderEnrolment{ui.role, v.viewer.id});
            ui.phase = ReaderEnrolUi::Phase::waiting;
        }
        at(c.x, bar_y);
        if (button(v.tr("Another role"), "other", ImVec2(bw, th))) {
            out.post(app::CancelReaderEnrolment{v.viewer.id});
            ui = ReaderEnrolUi{};
        }
    }
}

}  // namespace

bool draw_reader_enrol(const ReaderEnrolView& v, ReaderEnrolUi& ui, Commands& out) {
    if (!v.snap) return true;
    IdScope scope("enrol_reader");
    const app::Snapshot& s = *v.snap;
    if (ui.pending && s.last_reply && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        if (s.last_reply->ok && s.reader_enrolment) {
            ui.attempt = s.reader_enrolment->attempt;
            ui.phase = ReaderEnrolUi::Phase::waiting;
        } else {
            ui.phase = ReaderEnrolUi::Phase::choose;
            ui.message = s.last_reply->ok ? std::string() : v.tr.problem(s.last_reply->problem);
        }
    }
    const app::ReaderEnrolmentView* e =
        ui.attempt && s.reader_enrolment && s.reader_enrolment->attempt == ui.attempt ? &*s.reader_enrolment : nullptr;
    if (ui.phase == ReaderEnrolUi::Phase::waiting && !ui.pending) {
        if (!e) ui = ReaderEnrolUi{};  // cancelled elsewhere
        else if (e->state != app::ReaderEnrolmentView::State::waiting) ui.phase = ReaderEnrolUi::Phase::finished;
    }
    if (ui.phase == ReaderEnrolUi::Phase::finished && !e) ui = ReaderEnrolUi{};
    bool leave = false;
    switch (ui.phase) {
        case ReaderEnrolUi::Phase::choose: draw_choose(v, ui, out, leave); break;
        case ReaderEnrolUi::Phase::waiting: draw_waiting(v, ui, out, leave); break;
        case ReaderEnrolUi::Phase::finished: draw_finished(v, ui, *e, out, leave); break;
    }
    if (leave) ui = ReaderEnrolUi{};
    return leave;
}

}  // namespace etabli::gui
