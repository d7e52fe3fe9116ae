// The kiosk's repair screens and the volunteer's role picker (see repairs.hpp).
// Layer: gui. GUI thread only (inside an ImGui frame).
//
// A typical bike repair on a busy Saturday: "Repairs" on the member home, a component tile,
// a status, a time chip, "Save" — five taps; the text is optional. The form stays on screen
// after a save (emptied) so the next repair starts at once.
//
// Index: [Form] [Log] [Text] [Mine] [Stats] [Role picker] [Entry]
#include <etabli/gui/repairs.hpp>

#include "kit.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace etabli::gui {

using namespace kit;

namespace {

constexpr std::array<int, 8> kMinuteChips{10, 15, 20, 30, 45, 60, 90, 120};

struct Tile {
    RepairChoice choice;
    const char* msgid;
    const char* id;
};

// Bicycle components first, then the two powered items a bike workshop sees most.
const std::vector<Tile>& tiles() {
    static const std::vector<Tile> k{
        {{core::Component::wheel, std::nullopt}, core::N_("Wheel, tyre, tube"), "wheel"},
        {{core::Component::brakes, std::nullopt}, core::N_("Brakes"), "brakes"},
        {{core::Component::gears, std::nullopt}, core::N_("Gears, drivetrain"), "gears"},
        {{core::Component::chain, std::nullopt}, core::N_("Chain"), "chain"},
        {{core::Component::bottom_bracket, std::nullopt}, core::N_("Bottom bracket"), "bottom-bracket"},
        {{core::Component::headset, std::nullopt}, core::N_("Headset"), "headset"},
        {{core::Component::frame, std::nullopt}, core::N_("Frame"), "frame"},
        {{core::Component::other, std::nullopt}, core::N_("Other"), "other"},
        {{std::nullopt, 3}, core::N_("Bike light"), "light"},
        {{std::nullopt, 18}, core::N_("E-bike battery"), "battery"},
    };
    return k;
}

std::string choice_label(const Tr& tr, const core::Repair& r) {
    if (r.item == core::ItemKind::bicycle && r.component) return tr(std::string(core::label_of(*r.component)));
    if (r.category == 3) return tr("Bike light");
    if (r.category == 18) return tr("E-bike battery");
    if (r.category)
        if (auto c = core::ords_category(*r.category)) return tr(std::string(c->name));
    return "?";
}

const char* status_msgid(core::RepairStatus s) {
    switch (s) {
        case core::RepairStatus::fixed: return core::N_("Fixed");
        case core::RepairStatus::repairable: return core::N_("Repairable");
        case core::RepairStatus::end_of_life: return core::N_("End of life");
        case core::RepairStatus::unknown: return core::N_("Unknown");
    }
    return "Unknown";
}

ButtonOpts chosen(bool on) {
    ButtonOpts o;
    o.tone = on ? Tone::selected : Tone::normal;
    return o;
}

}  // namespace

// [Form]
void reset_repair_form(RepairsUi& ui) {
    ui.choice.reset();
    ui.status.reset();
    ui.barrier.reset();
    ui.minutes.reset();
    ui.problem.clear();
    ui.keys = KeyboardState{false, false, true};
    ui.editing.reset();
}

std::optional<core::Repair> repair_of_form(const RepairsUi& ui, core::MemberId volunteer) {
    if (!ui.choice || !ui.status || !ui.minutes) return std::nullopt;
    core::Repair r = ui.editing.value_or(core::Repair{});
    if (!ui.editing) r.volunteers = {volunteer};
    r.item = ui.choice->component ? core::ItemKind::bicycle : core::ItemKind::powered;
    r.component = ui.choice->component;
    r.category = ui.choice->category;
    r.status = *ui.status;
    r.barrier = *ui.status == core::RepairStatus::end_of_life ? ui.barrier : std::nullopt;
    r.minutes = *ui.minutes;
    r.problem = ui.problem;
    return r;
}

namespace {

// The screen's header (kit::header_row): a title on the left, buttons on the right, the first
// at the right edge; `title_below` lets a title the row cannot hold go under it. Each button
// sets its flag when tapped. Returns the y below.
struct TapButton {
    std::string label;
    const char* id;
    Tone tone;
    bool* tapped;
};
float header(const RepairsView& v, const std::string& title, const std::vector<TapButton>& buttons, bool title_below = true) {
    const Box c = content();
    std::vector<kit::HeaderButton> row;
    for (const auto& b : buttons) row.push_back({b.label, b.id, b.tone});
    const int tapped = header_row(v.fonts, c, title, row, title_below);
    if (tapped > 0) *buttons[static_cast<std::size_t>(tapped - 1)].tapped = true;
    return ImGui::GetCursorPosY();
}

// A row of `n` equal buttons across `w` at (x, y).
float cell_width(float w, int n) { return (w - static_cast<float>(n - 1) * gap()) / static_cast<float>(n); }

// [Log]
Next draw_log(const RepairsView& v, RepairsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const app::Snapshot& s = *v.snap;
    Next next = Next::stay;

    int mine = 0;
    for (const auto& r : s.recent_repairs)
        if (std::find(r.volunteers.begin(), r.volunteers.end(), v.viewer.id) != r.volunteers.end()) ++mine;
    bool back = false, my = false, stats = false;
    const std::string title = v.tr(ui.editing ? "Change a repair" : core::N_("Log a repair"));
    const std::string my_label = v.tr.fmt("My repairs ({0})", {std::to_string(mine)});
    std::vector<TapButton> hb{{v.tr("Back"), "back", Tone::normal, &back}, {my_label, "mine", Tone::normal, &my}};
    if (core::can_host(v.viewer.role)) hb.push_back({v.tr("Statistics"), "stats", Tone::normal, &stats});
    // The title on a line of its own when the row cannot hold it (larger text), except with
    // End of life's two rows of barriers, which need that line on a small screen.
    float y = header(v, title, hb, ui.status != core::RepairStatus::end_of_life);
    if (back) next = Next::home;
    if (my) {
        ui.step = RepairsUi::Step::mine;
        ui.page = 0;
    }
    if (stats) ui.step = RepairsUi::Step::stats;

    // The reply to our save.
    if (ui.pending && s.last_reply && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        ui.message_ok = s.last_reply->ok;
        if (s.last_reply->ok) {
            ui.message = v.tr(ui.editing ? "Repair changed" : core::N_("Repair saved"));
            reset_repair_form(ui);
        } else {
            ui.message = v.tr.problem(s.last_reply->problem);
        }
    }

    const bool eol = ui.status == core::RepairStatus::end_of_life;
    // Heights: tiles take what the fixed rows leave.
    // End of life adds the six barriers, in two rows of three (their labels are long).
    // A barrier's label takes two lines at larger text: its rows grow to hold them.
    float barrier_h = th;
    for (auto b : core::kBarriers)
        barrier_h = std::max(barrier_h, label_height(v.tr(std::string(core::ords_text(b))), cell_width(c.w, 3), th));
    // The bottom row: the optional text, the last outcome, "Save"; an outcome longer than its
    // room there goes on its own lines above the row, which the tiles give up.
    const std::string save = v.tr(ui.editing ? "Save changes" : core::N_("Save"));
    const float save_w = button_width(save, 6.0f);
    const float note_w = std::min(c.w * 0.45f, c.w - save_w - gap());
    const float msg_w = c.w - note_w - save_w - gap() * 2.0f;
    const ImU32 msg_color = ui.message_ok ? colors::kOk : colors::kError;
    const float msg_lift = message_lift(ui.message, msg_w, c.w, th);
    // The text's button holds two lines at larger text ("Add the problem (optional)").
    const std::string note = ellipsize_lines(ui.problem.empty() ? v.tr("Add the problem (optional)") : ui.problem,
                                             note_w - fs * 0.7f, 2);
    const float bottom_h = label_height(note, note_w, th);
    const float rows_fixed = th * 2.0f + bottom_h + (eol ? 2 * barrier_h : 0.0f) + fs * 1.3f + msg_lift + gap() * (eol ? 7.0f : 5.0f);
    // Five tiles a row; fewer when a label does not fit its tile at larger text (a word wider
    // than the tile, or more lines than its height), as long as the rows fit.
    const auto fits_in = [&](int n, float room) {
        const int nrows = (static_cast<int>(tiles().size()) + n - 1) / n;
        const float h = (room - static_cast<float>(nrows - 1) * gap()) / static_cast<float>(nrows);
        if (h < th) return false;
        const float inner = cell_width(c.w, n) - fs * 0.7f;
        for (const auto& t : tiles()) {
            const std::string label = v.tr(t.msgid);
            const auto lines = wrap_lines(label, inner);
            if (static_cast<float>(lines.size()) * fs > h) return false;
            // Nor a word cut across two lines ("transmis-sion"): buttons wrap on spaces.
            for (std::size_t a = 0; a <= label.size();) {
                const std::size_t b = std::min(label.find(' ', a), label.size());
                if (ImGui::CalcTextSize(label.substr(a, b - a).c_str()).x > inner + 0.5f) return false;
                a = b + 1;
            }
        }
        return true;
    };
    const auto columns = [&](float room) {
        int n = 5;
        while (n > 2 && !fits_in(n, room)) --n;
        return fits_in(n, room) ? n : 0;
    };
    const auto draw_tiles = [&](int cols, float room) {
        IdScope tiles_scope("tile");
        const int tile_rows = (static_cast<int>(tiles().size()) + cols - 1) / cols;
        const float tw = cell_width(c.w, cols);
        const float tile_h = (room - static_cast<float>(tile_rows - 1) * gap()) / static_cast<float>(tile_rows);
        const auto& ts = tiles();
        for (std::size_t i = 0; i < ts.size(); ++i) {
            at(c.x + static_cast<float>(static_cast<int>(i) % cols) * (tw + gap()),
               y + static_cast<float>(static_cast<int>(i) / cols) * (tile_h + gap()));
            if (button(v.tr(ts[i].msgid), ts[i].id, ImVec2(tw, tile_h), chosen(ui.choice == ts[i].choice))) {
                ui.choice = ts[i].choice;
                ui.message.clear();
            }
        }
    };
    const float tiles_room = c.y + c.h - y - rows_fixed;
    if (const int cols = columns(tiles_room); cols > 0) {
        draw_tiles(cols, tiles_room);
        y += tiles_room + gap();
    } else if (!ui.choice) {
        // Larger text on a small screen: what was repaired on a page of its own, then the rest.
        const float msg_h = ui.message.empty() ? 0.0f : outcome_height(ui.message, c.w) + fs * 0.3f;
        const float room = c.y + c.h - y - std::max(fs * 1.3f, msg_h) - gap();
        const int page_cols = columns(room);
        draw_tiles(page_cols > 0 ? page_cols : 3, room);
        outcome_line(ui.message, ui.message_ok, c.x, c.y + c.h - msg_h + fs * 0.3f, c.w);
        return next;
    } else {
        // The choice made on the page before, and the way back to it.
        const std::string change = v.tr("Change");
        const float cw = button_width(change, 5.0f);
        std::string what;
        for (const auto& t : tiles())
            if (ui.choice == t.choice) what = v.tr(t.msgid);
        at(c.x, y + (th - fs) * 0.5f);
        text_block(ellipsize(what, c.w - cw - gap()), "chosen", c.w - cw - gap(), Align::left, nullptr, colors::kAccent);
        at(c.x + c.w - cw, y);
        if (button(change, "change", ImVec2(cw, th))) ui.choice.reset();
        y += th + gap();
    }
    {
        IdScope status_scope("status");
        const float sw = cell_width(c.w, 4);
        int i = 0;
        for (auto st : core::kStatuses) {
            at(c.x + static_cast<float>(i++) * (sw + gap()), y);
            if (button(v.tr(status_msgid(st)), core::to_string(st), ImVec2(sw, th), chosen(ui.status == st))) {
                ui.status = st;
                if (st != core::RepairStatus::end_of_life) ui.barrier.reset();
            }
        }
    }
    y += th + gap();
    if (eol) {
        IdScope barrier_scope("barrier");
        const float bw = cell_width(c.w, 3);
        int i = 0;
        for (auto b : core::kBarriers) {
            at(c.x + static_cast<float>(i % 3) * (bw + gap()), y + static_cast<float>(i / 3) * (barrier_h + gap()));
            ++i;
            if (button(v.tr(std::string(core::ords_text(b))), core::to_string(b), ImVec2(bw, barrier_h), chosen(ui.barrier == b)))
                ui.barrier = ui.barrier == b ? std::nullopt : std::optional<core::Barrier>{b};
        }
        y += (barrier_h + gap()) * 2.0f;
    }
    {
        IdScope minutes_scope("minutes");
        // "30 min" on each chip, or the numbers alone after one "min" when they do not fit.
        const std::string widest = v.tr.fmt("{0} min", {"120"});
        const bool bare = ImGui::CalcTextSize(widest.c_str()).x > cell_width(c.w, static_cast<int>(kMinuteChips.size())) - fs * 0.7f;
        std::string unit = v.tr.fmt("{0} min", {""});
        unit.erase(0, unit.find_first_not_of(' '));
        const float unit_w = bare ? ImGui::CalcTextSize(unit.c_str()).x + gap() : 0.0f;
        if (bare) {
            at(c.x, y + (th - fs) * 0.5f);
            text_block(unit, "unit", unit_w, Align::left, nullptr, colors::kMuted);
        }
        const float mw = cell_width(c.w - unit_w, static_cast<int>(kMinuteChips.size()));
        for (std::size_t i = 0; i < kMinuteChips.size(); ++i) {
            at(c.x + unit_w + static_cast<float>(i) * (mw + gap()), y);
            const int m = kMinuteChips[i];
            const std::string label = bare ? std::to_string(m) : v.tr.fmt("{0} min", {std::to_string(m)});
            if (button(label, std::to_string(m), ImVec2(mw, th), chosen(ui.minutes == m))) ui.minutes = m;
        }
    }
    y += th + gap();
    // Bottom: the optional text, the last outcome, "Save".
    y += msg_lift;
    at(c.x, y);
    if (button(note, "text", ImVec2(note_w, bottom_h))) ui.step = RepairsUi::Step::text;
    bottom_message(ui.message, msg_color, Box{c.x + note_w + gap(), y + (bottom_h - th) * 0.5f, msg_w, th}, c.x, c.w);
    const auto form = repair_of_form(ui, v.viewer.id);
    at(c.x + c.w - save_w, y + (bottom_h - th) * 0.5f);
    ButtonOpts so;
    so.tone = Tone::primary;
    so.enabled = form.has_value() && ui.pending == 0;
    if (button(save, "save", ImVec2(save_w, th), so) && form) {
        ui.pending = ui.editing ? out.post(app::EditRepair{*form, v.viewer.id}) : out.post(app::LogRepair{*form, v.viewer.id});
        ui.message.clear();
    }
    return next;
}

// [Text]
void draw_text(const RepairsView& v, RepairsUi& ui) {
    const Box c = content();
    const float th = touch_height();
    bool ok = false;
    float y = header(v, v.tr("The problem, and what was done"), {{v.tr("OK"), "ok", Tone::primary, &ok}});
    at(c.x, y);
    text_field(ui.problem, v.tr("e.g. rear brake rubbing, pads replaced"), "field", ImVec2(c.w, th));
    y += th + gap();
    at(c.x, y);
    draw_keyboard(ui.problem, ui.keys, v.tr.lang, ImVec2(c.w, c.y + c.h - y), 200, v.tr);
    if (ok) ui.step = RepairsUi::Step::log;
}

// [Mine]
void draw_mine(const RepairsView& v, RepairsUi& ui) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    bool back = false;
    float y = header(v, v.tr("My repairs of the last 24 hours"), {{v.tr("Back"), "back", Tone::normal, &back}});
    if (back) ui.step = RepairsUi::Step::log;
    std::vector<const core::Repair*> mine;
    for (const auto& r : v.snap->recent_repairs)
        if (std::find(r.volunteers.begin(), r.volunteers.end(), v.viewer.id) != r.volunteers.end()) mine.push_back(&r);
    if (mine.empty()) {
        at(c.x, y);
        text_block(v.tr("No repair logged in the last 24 hours."), "empty", c.w);
        return;
    }
    const float row_h = th + gap();
    const int per_page = std::max(1, static_cast<int>((c.y + c.h - y - th - gap()) / row_h));
    const int pages = (static_cast<int>(mine.size()) + per_page - 1) / per_page;
    ui.page = std::clamp(ui.page, 0, pages - 1);
    const std::string edit = v.tr("Change");
    const float edit_w = button_width(edit, 5.0f);
    for (int i = ui.page * per_page; i < std::min(static_cast<int>(mine.size()), (ui.page + 1) * per_page); ++i) {
        const core::Repair& r = *mine[static_cast<std::size_t>(i)];
        IdScope row(r.id);
        const std::string line = v.tr.fmt("No. {0}: {1}, {2}, {3} min", {std::to_string(r.id), choice_label(v.tr, r),
                                                                         v.tr(status_msgid(r.status)), std::to_string(r.minutes)}) +
                                 (r.problem.empty() ? "" : " — " + r.problem);
        const float tw = c.w - edit_w - gap();
        at(c.x, y + (th - fs) * 0.5f);
        text_block(ellipsize(line, tw), "line", tw);
        at(c.x + c.w - edit_w, y);
        if (button(edit, "edit", ImVec2(edit_w, th))) {
            reset_repair_form(ui);
            ui.editing = r;
            ui.choice = RepairChoice{r.component, r.category};
            ui.status = r.status;
            ui.barrier = r.barrier;
            ui.minutes = r.minutes;
            ui.problem = r.problem;
            ui.message.clear();
            ui.step = RepairsUi::Step::log;
        }
        y += row_h;
    }
    if (pages > 1) {
        const float pw = fs * 4.0f;
        ui.page = pager(ui.page, pages, c.x + c.w - pw * 2.0f - gap(), c.y + c.h - th, pw, th);
    }
}

// [Stats]
// Repairs per month by status (stacked bars) and volunteer hours (a line), this year.
void draw_stats(const RepairsView& v, RepairsUi& ui) {
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const app::Snapshot& s = *v.snap;
    bool back = false;
    float y = header(v, v.tr.fmt("Repairs in {0}", {std::to_string(static_cast<int>(s.today.year()))}),
                     {{v.tr("Back"), "back", Tone::normal, &back}});
    if (back) ui.step = RepairsUi::Step::log;
    const auto& st = s.repair_year;
    std::chrono::seconds hours_total{0};
    for (const auto& [m, t] : s.volunteer_time) hours_total += t;
    const std::string summary =
        v.tr.fmt("{0} repairs, {1} % fixed, {2} kg kept out of the waste, {3} h of volunteering",
                 {std::to_string(st.total), std::to_string(static_cast<int>(st.fix_rate * 100.0 + 0.5)),
                  std::to_string((st.kept_grams + 500) / 1000), std::to_string(hours_total.count() / 3600)});
    at(c.x, y);
    text_block(summary, "summary", c.w);
    y += text_block_height(summary, c.w) + gap();

    // Legend: one swatch per status, then the line.
    const ImU32 kStatusColors[4] = {colors::kOk, colors::kAccent, colors::kError, colors::kMuted};
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 wp = ImGui::GetWindowPos();
    float lx = c.x;
    for (int i = 0; i < 5; ++i) {
        const std::string label = i < 4 ? v.tr(status_msgid(core::kStatuses[i])) : v.tr("Volunteer hours");
        const ImU32 col = i < 4 ? kStatusColors[i] : colors::kSelectedActive;
        if (lx > c.x && lx + fs * 1.1f + ImGui::CalcTextSize(label.c_str()).x > c.x + c.w) {  // on the next line
            lx = c.x;
            y += fs * 1.2f;
        }
        dl->AddRectFilled(ImVec2(wp.x + lx, wp.y + y + fs * 0.2f), ImVec2(wp.x + lx + fs * 0.8f, wp.y + y + fs), col);
        lx += fs * 1.1f;
        at(lx, y);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        text_block(label, std::string("legend") + std::to_string(i), w + 2.0f);
        lx += w + fs;
    }
    y += fs * 1.5f;

    // The chart area: 12 months.
    const float chart_h = c.y + c.h - y - fs * 1.5f;
    if (chart_h < fs * 3.0f) return;
    const float x0 = wp.x + c.x, y0 = wp.y + y, w = c.w, h = chart_h;
    int max_total = 1;
    for (const auto& m : st.months) max_total = std::max(max_total, m.total);
    std::int64_t max_hours = 1;
    for (const auto& [m, t] : s.volunteer_time) max_hours = std::max<std::int64_t>(max_hours, t.count());
    dl->AddLine(ImVec2(x0, y0 + h), ImVec2(x0 + w, y0 + h), colors::kMuted, 1.0f);
    const float slot = w / 12.0f;
    std::vector<ImVec2> line;
    for (unsigned month = 1; month <= 12; ++month) {
        const float bx = x0 + slot * static_cast<float>(month - 1) + slot * 0.2f;
        const float bw = slot * 0.6f;
        float top = y0 + h;
        for (const auto& m : st.months) {
            if (m.month != month) continue;
            for (int i = 0; i < 4; ++i) {
                const float part = h * static_cast<float>(m.by_status[static_cast<std::size_t>(i)]) / static_cast<float>(max_total);
                if (part <= 0) continue;
                dl->AddRectFilled(ImVec2(bx, top - part), ImVec2(bx + bw, top), kStatusColors[i]);
                top -= part;
            }
        }
        auto it = s.volunteer_time.find(month);
        const float hv = it == s.volunteer_time.end() ? 0.0f : static_cast<float>(it->second.count()) / static_cast<float>(max_hours);
        if (month <= static_cast<unsigned>(s.today.month())) line.push_back(ImVec2(bx + bw * 0.5f, y0 + h - hv * h));
        // Month number under its bar.
        const std::string label = std::to_string(month);
        const float lw = ImGui::CalcTextSize(label.c_str()).x;
        at(bx + bw * 0.5f - lw * 0.5f - wp.x, y0 + h + fs * 0.2f - wp.y);
        text_block(label, "m" + label, lw + 2.0f);
    }
    if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), colors::kSelectedActive, 0, std::max(2.0f, fs * 0.15f));
    for (const auto& p : line) dl->AddCircleFilled(p, std::max(3.0f, fs * 0.2f), colors::kSelectedActive);
}

}  // namespace

// [Role picker]
bool draw_role_picker(const RepairsView& v, RepairsUi& ui, Commands& out) {
    const app::Snapshot& s = *v.snap;
    if (!s.ask_volunteer_role || !core::picks_role(v.viewer.role) || ui.role_asked == v.viewer.id ||
        s.roles.contains(v.viewer.id))
        return false;
    IdScope scope("role");
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    bool later = false;
    float y = header(v, v.tr.fmt("Hello {0}! Your role today?", {first_name(v.viewer.display_name)}),
                     {{v.tr("Later"), "later", Tone::normal, &later}});
    if (later) ui.role_asked = v.viewer.id;
    const float bw = cell_width(c.w, 2);
    const float bh = (c.y + c.h - y - gap()) / 2.0f;
    int i = 0;
    for (auto r : core::kVolunteerRoles) {
        at(c.x + static_cast<float>(i % 2) * (bw + gap()), y + static_cast<float>(i / 2) * (bh + gap()));
        ButtonOpts o;
        o.tone = Tone::selected;
        o.font = title_font(v.fonts);
        if (button(v.tr(std::string(core::label_of(r))), core::to_string(r), ImVec2(bw, std::max(bh, th)), o)) {
            out.post(app::SetPresenceRole{v.viewer.id, r, v.viewer.id});
            ui.role_asked = v.viewer.id;
        }
        ++i;
    }
    (void)fs;
    return true;
}

// [Entry]
Next draw_repairs(const RepairsView& v, RepairsUi& ui, Commands& out) {
    IdScope scope("repairs");
    switch (ui.step) {
        case RepairsUi::Step::log: return draw_log(v, ui, out);
        case RepairsUi::Step::text: draw_text(v, ui); break;
        case RepairsUi::Step::mine: draw_mine(v, ui); break;
        case RepairsUi::Step::stats: draw_stats(v, ui); break;
    }
    return Next::stay;
}

std::string idle_month_summary(const app::Snapshot& s, const Tr& tr) {
    if (!s.today.ok()) return {};
    const int y = static_cast<int>(s.today.year());
    const unsigned m = static_cast<unsigned>(s.today.month());
    int total = 0;
    int fixed = 0;
    for (const auto& ms : s.repair_year.months)
        if (ms.year == y && ms.month == m) {
            total = ms.total;
            fixed = ms.by_status[static_cast<std::size_t>(core::RepairStatus::fixed)];
        }
    std::int64_t secs = 0;
    if (auto it = s.volunteer_time.find(m); it != s.volunteer_time.end()) secs = it->second.count();
    if (total == 0 && secs <= 0) return {};
    // Whole hours, rounded to the nearest: a wall screen does not need minutes.
    const std::int64_t hours = (secs + 1800) / 3600;
    return tr.fmt("This month: {0} repairs, {1} fixed, {2} h of volunteering",
                  {std::to_string(total), std::to_string(fixed), std::to_string(hours)});
}

}  // namespace etabli::gui
