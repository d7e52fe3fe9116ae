// The attendance screen's search of walk-ins by name (see attendance_search.hpp).
// Layer: gui. GUI thread only (inside an ImGui frame).
#include "attendance_search.hpp"

#include "know_how.hpp"

#include <algorithm>

namespace etabli::gui {

using namespace kit;
using namespace skills_detail;

namespace {
constexpr std::size_t kSearchChars = 40;
}  // namespace

std::vector<AttendanceCandidate> attendance_candidates(const SkillsScreenView& v, const app::TrainingView& t,
                                                       std::string_view search) {
    std::vector<AttendanceCandidate> out;
    if (!v.snap) return out;
    auto add = [&](core::MemberId id, const std::string& name) {
        if (id == v.viewer.id) return;
        if (std::any_of(out.begin(), out.end(), [&](const auto& c) { return c.id == id; })) return;
        const auto* place = t.place_of(id);
        out.push_back({id, name, place && place->signup.present_at.has_value()});
    };
    for (const auto& p : v.snap->present)
        if (search.empty() || name_matches(p.name, search)) add(p.id, p.name);
    if (!search.empty() && v.snap->directory)
        for (const auto& [id, m] : v.snap->directory->members)
            if (name_matches(m.display_name, search)) add(id, m.display_name);
    return out;
}

void start_attendance_add(SkillsUi& ui) {
    ui.attendance_adding = true;
    ui.search.clear();
    ui.keys = KeyboardState{};
    ui.page = 0;
}

Next draw_attendance_add(const SkillsScreenView& v, SkillsUi& ui, Commands& out, const app::TrainingView& t) {
    IdScope scope("attendance_add");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, c, v.tr.fmt("{0}: add by name", {t.skill_name}), {}, nullptr) == 1) {
        ui.attendance_adding = false;
        ui.page = 0;
        return Next::stay;
    }
    const float row_y = ImGui::GetCursorPosY();
    at(c.x, row_y);
    text_field(ui.search, v.tr("Search a name (members here are listed first)"), "search", ImVec2(c.w, th));
    const auto people = attendance_candidates(v, t, ui.search);
    const float kb_h = std::min(c.h * 0.45f, 4 * th + 3 * gap());
    const float kb_y = c.y + c.h - kb_h;
    const float list_y = row_y + th + gap();
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float cw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const std::size_t rows_total = (people.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
    const Box lb{c.x, list_y, c.w, kb_y - gap() - list_y};
    const Paging p = paging(rows_total, lb.h, th, ui.page);
    if (people.empty()) {
        at(c.x, list_y);
        text_block(ui.search.empty() ? v.tr("Nobody here yet: search a name.") : v.tr("No member with this name."), "none", c.w,
                   Align::left, nullptr, colors::kMuted);
    }
    {
        IdScope list("member");
        for (int r = 0; r < p.per_page; ++r)
            for (int col = 0; col < cols; ++col) {
                const std::size_t k = static_cast<std::size_t>((ui.page * p.per_page + r) * cols + col);
                if (k >= people.size()) break;
                const AttendanceCandidate& who = people[k];
                IdScope id(who.id);
                at(c.x + static_cast<float>(col) * (cw + gap()), list_y + static_cast<float>(r) * (th + gap()));
                ButtonOpts o;
                o.tone = who.present ? Tone::selected : Tone::normal;
                o.enabled = !who.present && ui.pending == 0;
                const std::string label = who.present ? v.tr.fmt("{0}: present", {who.name}) : who.name;
                if (button(ellipsize(label, cw - fs), "pick", ImVec2(cw, th), o)) {
                    // Back to the list at once: it shows "Saving…", then the outcome.
                    post(ui, out, app::TrainingAttendance{t.training.id, who.id, v.viewer.id},
                         v.tr.fmt("{0} is present.", {who.name}));
                    ui.attendance_adding = false;
                    ui.search.clear();
                    ui.page = 0;
                }
            }
        draw_pager(ui.page, p, lb);
    }
    at(c.x, kb_y);
    if (draw_keyboard(ui.search, ui.keys, v.tr.lang, ImVec2(c.w, kb_h), kSearchChars, v.tr)) ui.page = 0;
    return Next::stay;
}

}  // namespace etabli::gui
