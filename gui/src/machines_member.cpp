// The members' machine screens: the machines, one machine's days and its check after use,
// the length, the start times, and the member's own bookings. Shared parts: machine_screens.hpp.
// Layer: gui. GUI thread only (inside an ImGui frame).
#include "machine_screens.hpp"

#include "kit.hpp"

#include <etabli/alloc/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace etabli::gui::machine_screens {

using namespace kit;

// [Machines]
Next step_machines(const MachinesView& v, MachinesUi& ui, Commands&) {
    IdScope scope("machines");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const std::string title = ui.as_host ? v.tr.fmt("Book for {0}", {ui.for_name}) : v.tr("Book a machine");
    const int h = header(v, title, c, ui.as_host ? std::string() : v.tr("My bookings"), "mine");
    if (h == 1) {
        if (ui.as_host) go(ui, Step::host_machines);
        else return Next::home;
        return Next::stay;
    }
    if (h == 2) {
        go(ui, Step::mine);
        return Next::stay;
    }

    // Machines the member may use first, then the others, marked.
    std::vector<const app::MachineView*> list;
    for (const auto& m : s.machines) list.push_back(&m);
    std::stable_sort(list.begin(), list.end(), [&](const app::MachineView* a, const app::MachineView* b) {
        return authorised(a->machine, ui.for_member) > authorised(b->machine, ui.for_member);
    });
    const float top = c.y + th + gap();
    const float bar_y = c.y + c.h - th;
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float tw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float tile_h = std::max(th, fs * 3.4f);
    // A photo at the left of the tiles of the machines that have one, when any has.
    bool photos = false;
    for (std::size_t k = 0; v.pictures && k < list.size(); ++k) photos = photos || list[k]->machine.photo;
    const float pic_w = photos ? std::floor(tile_h * 1.2f) : 0.0f;
    const float pb = fs * 2.6f;
    const float lift = bottom_lift(v, ui, c.w - 2 * pb - 2 * gap(), c.w, th);
    const int rows = std::max(1, static_cast<int>((bar_y - lift - gap() - top + gap()) / (tile_h + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(list.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (list.empty()) {
        at(c.x, top);
        text_block(v.tr("No machine yet."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    // One font for the page's tiles: the bold one when every label fits with it.
    auto caption_of = [&](const app::MachineView& m) {
        if (!authorised(m.machine, ui.for_member)) return v.tr("Training needed");
        std::string cap = machine_status(m, v.clock, v.tr).text;
        if (const auto* q = queue_place(s, ui.for_member, m.machine.id))
            cap += " · " + v.tr.fmt("queue: {0}", {ordinal(v.tr.lang, q->position)});
        return cap;
    };
    ImFont* font = title_font(v.fonts);
    for (int i = 0; i < per_page && font; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= list.size()) break;
        font = tile_font(v.fonts, list[idx]->machine.name, caption_of(*list[idx]), ImVec2(tw - pic_w, tile_h));
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= list.size()) break;
        const auto& m = *list[idx];
        IdScope row(m.machine.id);
        const bool ok = authorised(m.machine, ui.for_member);
        ButtonOpts o;
        o.enabled = ok || !ui.as_host;  // a member not trained opens the skill page: why, next training
        o.caption = caption_of(m);
        if (ok) o.caption_color = machine_status(m, v.clock, v.tr).color;
        o.font = font;
        const float tx = c.x + static_cast<float>(i % cols) * (tw + gap()), ty = top + static_cast<float>(i / cols) * (tile_h + gap());
        // A machine without a photo has its tile's whole width.
        const float pw = photos && m.machine.photo ? pic_w : 0.0f;
        if (pw > 0) draw_picture(v.pictures->get(*m.machine.photo), tx, ty, pw - gap() * 0.5f, tile_h, "photo");
        at(tx + pw, ty);
        if (button(m.machine.name, "open", ImVec2(tw - pw, tile_h), o)) {
            if (!ok) {
                ui.machine = m.machine.id;
                return Next::skill_info;
            }
            go(ui, Step::machine);
            ui.machine = m.machine.id;
            ui.day = 0;
            ui.grid_page = -1;
            ui.start.reset();
            ui.length = minutes{0};
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    bottom_message(v, ui, Box{c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th}, c.x, c.w);
    return Next::stay;
}

// [Machine day]
struct Cell {
    core::Timestamp start{};
    minutes room{0};   // the longest booking that may start here
    bool past = false;
    bool taken = false;
    bool closed = false;  // hosts only: outside opening hours
    bool mine = false;    // taken by the member's own booking
};

// The day's start times as the station planned them, with the member's own bookings marked.
std::vector<Cell> day_cells(const MachinesView& v, const MachinesUi& ui, const alloc::DayPlan& p) {
    std::vector<Cell> cells;
    const auto mine = bookings_on(*v.snap, p.query.machine);
    for (const alloc::DayStart& d : p.starts) {
        Cell c;
        c.start = d.start;
        c.room = d.room;
        c.past = d.start < v.clock.at;
        c.taken = d.taken;
        c.closed = d.closed;
        for (const auto* b : mine)
            if (b->start <= d.start && d.start < b->end && b->member == ui.for_member) c.mine = true;
        cells.push_back(c);
    }
    return cells;
}

// The day's bar: the stretches of the plan (the opening hours for members, the whole day for
// hosts), closed or free, the bookings over them, and the current time as a line.
void day_band(const MachinesView& v, const alloc::DayPlan& p, Box b) {
    if (p.starts.empty()) return;
    const core::Timestamp from = p.starts.front().start, to = p.starts.back().start + p.step;
    const ImVec2 wp = ImGui::GetWindowPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const auto span = static_cast<float>((to - from).count());
    auto x_of = [&](core::Timestamp t) {
        return wp.x + b.x + b.w * static_cast<float>((std::clamp(t, from, to) - from).count()) / span;
    };
    const float y0 = wp.y + b.y, y1 = wp.y + b.y + b.h;
    dl->AddRectFilled(ImVec2(x_of(from), y0), ImVec2(x_of(to), y1), tint::kClosedBand, fs * 0.15f);
    for (const alloc::DayStart& d : p.starts)
        if (!d.closed) dl->AddRectFilled(ImVec2(x_of(d.start), y0), ImVec2(x_of(d.start + p.step), y1), tint::kFreeBand);
    for (const auto* bk : bookings_on(*v.snap, p.query.machine))
        if (bk->end > from && bk->start < to)
            dl->AddRectFilled(ImVec2(x_of(bk->start), y0), ImVec2(x_of(bk->end), y1), tint::kTakenBand);
    if (from <= v.clock.at && v.clock.at < to) {
        const float x = x_of(v.clock.at);
        dl->AddRectFilled(ImVec2(x_of(from), y0), ImVec2(x, y1), IM_COL32(0x12, 0x16, 0x1d, 0xa0));  // past: dimmed
        dl->AddLine(ImVec2(x, y0 - fs * 0.15f), ImVec2(x, y1 + fs * 0.15f), colors::kAccent, std::max(2.0f, fs * 0.12f));
    }
}

// The check after use of a machine that waits for it: "Checked, clean" confirms it, "Report a
// problem" asks what is wrong on the next screen. Stacked in a column of width w from y (the
// member's side column) or side by side (the host's page). The station decides who may.
float check_buttons(const MachinesView& v, MachinesUi& ui, const alloc::Machine& m, float x, float y, float w, float h,
                    bool side_by_side, Commands& out) {
    IdScope scope("check");
    ButtonOpts ok;
    ok.tone = Tone::primary;
    ok.enabled = ui.pending == 0;
    const float bw = side_by_side ? (w - gap()) / 2 : w;
    at(x, y);
    if (button(v.tr("Checked, clean"), "ok", ImVec2(bw, h), ok)) {
        ui.message.clear();
        ui.pending_text = v.tr.fmt("{0} is checked: ready for the next member. Thank you!", {m.name});
        ui.pending = out.post(app::CheckMachine{m.id, v.viewer.id, true, std::nullopt});
    }
    ButtonOpts bad;
    bad.tone = Tone::danger;
    bad.enabled = ui.pending == 0;
    const float bx = side_by_side ? x + bw + gap() : x;
    const float by = side_by_side ? y : y + h + gap();
    at(bx, by);
    if (button(v.tr("Report a problem"), "problem", ImVec2(bw, h), bad)) {
        ui.message.clear();
        ui.reason.clear();
        ui.reason_keys = KeyboardState{true, false, false};
        ui.back_to = ui.step;
        go(ui, Step::check_problem);
    }
    return by + h + gap();
}

// What the last check found wrong, under a machine in maintenance; empty otherwise.
std::string check_note_text(const MachinesView& v, const alloc::Machine& m) {
    if (m.status != alloc::MachineStatus::maintenance || !m.check_note) return {};
    return v.tr.fmt("Found at the check: {0}", {*m.check_note});
}
float check_note_line(const MachinesView& v, const alloc::Machine& m, float x, float y, float w) {
    const std::string note = check_note_text(v, m);
    if (note.empty()) return y;
    at(x, y);
    text_block(note, "check_note", w, Align::left, nullptr, colors::kMuted);
    return ImGui::GetCursorPosY() + gap();
}

Next step_machine(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("machine");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = chosen_machine(v, ui, Step::machines);
    if (!mv) return Next::stay;
    const alloc::Machine& m = mv->machine;
    const bool ok = authorised(m, ui.for_member);
    // The skill page's button: the side column's last, or in the header row when the column
    // could not hold it (larger text, a full column), as measured on the frame before.
    const std::string skill_label = ok ? v.tr("Know-how cards") : v.tr("Training needed");
    {
        std::vector<HeaderButton> hb{{v.tr("Back"), "back"}};
        if (ui.skill_in_header) hb.push_back({skill_label, "skill_info", ok ? Tone::normal : Tone::danger});
        switch (header_row(v.fonts, c, m.name, hb)) {
            case 1: go(ui, Step::machines); return Next::stay;
            case 2: return Next::skill_info;
            default: break;
        }
    }
    // The day shown, up to two weeks ahead: its plan also says whether a start now is granted.
    ui.day = std::clamp(ui.day, 0, 14);
    const alloc::DayPlan* shown = day_plan(v, ui, m.id, core::Date{std::chrono::sys_days(v.clock.today) + std::chrono::days{ui.day}}, out);

    // The side column: status, start/stop, the queue, the next free slot, the outcome.
    // Wide enough for its buttons' labels on one line where the screen allows (larger text).
    float widest = 0;
    for (const char* l : {"Next free slot", "Know-how cards", "Training needed", "Join the queue", "Leave the queue"})
        widest = std::max(widest, button_width(v.tr(l), 4.0f));
    const float side_w = std::floor(std::min(c.w * 0.42f, std::max({c.w * 0.3f, fs * 9.0f, widest})));
    const float side_x = c.x + c.w - side_w;
    const float top = c.y + th + gap();
    float y = top;
    // A note the column cannot hold with its buttons below goes at the foot of the day (id
    // `foot_id`): what the last check found, or why a start is refused.
    std::string foot, foot_id;
    const auto buttons_below = [&](std::initializer_list<std::string> labels) {
        float h = 0;
        for (const auto& l : labels) h += label_height(l, side_w, th) + gap();
        return h;
    };
    {
        const MachineStatusLine st = machine_status(*mv, v.clock, v.tr);
        at(side_x, y);
        text_block(st.text, "status", side_w, Align::left, heading_font(v.fonts, st.text, side_w, 1), st.color);
        y = ImGui::GetCursorPosY() + fs * 0.3f;
        const std::string note = check_note_text(v, m);
        if (!note.empty() &&
            y + text_block_height(note, side_w) + gap() +
                    buttons_below({v.tr("Start"), v.tr("Join the queue"), v.tr("Next free slot"), skill_label}) >
                c.y + c.h) {
            foot = note;
            foot_id = "check_note";
        } else {
            y = check_note_line(v, m, side_x, y, side_w);
        }
    }
    // A button of the column, as tall as its label needs: drawn at y, y moves below it.
    const auto side_button = [&](const std::string& label, std::string_view id, const ButtonOpts& o = {}) {
        const float h = label_height(label, side_w, th);
        at(side_x, y);
        const bool tapped = button(label, id, ImVec2(side_w, h), o);
        y += h + gap();
        return tapped;
    };
    const bool mine_running = mv->session && mv->session->member == ui.for_member;
    if (!ui.as_host) {
        if (mine_running) {
            ButtonOpts o;
            o.tone = Tone::danger;
            if (side_button(v.tr("Stop"), "stop", o)) out.post(app::MachineAccess{m.id, ui.for_member, std::nullopt});
            // Handing over: the next member badges at the machine within a minute, no cut.
            at(side_x, y);
            if (!mv->handover_hhmm.empty()) {
                text_block(v.tr.fmt("Another member who may use it badges at the machine before {0} to take over.",
                                    {mv->handover_hhmm}),
                           "handover_until", side_w, Align::left, nullptr, colors::kMuted);
                y = ImGui::GetCursorPosY() + gap();
            } else {
                ButtonOpts ho;
                ho.enabled = ui.pending == 0;
                if (side_button(v.tr("Hand over"), "handover", ho)) {
                    ui.message.clear();
                    ui.pending_text = v.tr("Ask the next member to badge at the machine within a minute.");
                    ui.pending = out.post(app::OfferHandover{m.id, ui.for_member});
                }
            }
        } else {
            // Start: the station says whether the member's start now would be granted (their
            // booking of now, a walk-in, opening hours, the queue's hold…) and why not.
            const bool refused = !shown || shown->start_refusal.has_value();
            ButtonOpts o;
            o.tone = refused ? Tone::normal : Tone::primary;
            o.enabled = !refused;
            if (m.awaiting_check) {  // its check after use first: the start waits for it
                y = check_buttons(v, ui, m, side_x, y, side_w, std::max(th, fs * 2.3f), false, out);
            } else if (side_button(v.tr("Start"), "start", o)) {
                out.post(app::MachineAccess{m.id, ui.for_member, std::nullopt});
            }
            // Why not, when neither the status line, the check nor "Training needed" says it;
            // at the foot of the day when the column cannot hold it with its buttons below.
            if (shown && shown->start_refusal && ok && !mv->session && m.status == alloc::MachineStatus::available &&
                !m.awaiting_check) {
                const std::string why = v.tr.problem(*shown->start_refusal);
                const float below = buttons_below({v.tr("Join the queue"), v.tr("Next free slot"), skill_label});
                if (y + text_block_height(why, side_w) + gap() + below <= c.y + c.h) {
                    at(side_x, y);
                    text_block(why, "start_why", side_w, Align::left, nullptr, colors::kMuted);
                    y = ImGui::GetCursorPosY() + gap();
                } else {
                    foot = why;
                    foot_id = "start_why";
                }
            }
            const alloc::QueuePlace* q = queue_place(s, ui.for_member, m.id);
            if (q) {
                at(side_x, y);
                const std::string wait = duration_text(std::chrono::duration_cast<minutes>(q->estimated_wait));
                text_block(v.tr.fmt("You are {0} in the queue; about {1} to wait.", {ordinal(v.tr.lang, q->position), wait}),
                           "queue", side_w, Align::left, nullptr, colors::kMuted);
                y = ImGui::GetCursorPosY();
                if (side_button(v.tr("Leave the queue"), "leave"))
                    out.post(app::LeaveQueue{ui.for_member, alloc::QueueTarget{m.id, std::nullopt}});
            } else if (ok && shown && shown->start_refusal) {
                if (side_button(v.tr("Join the queue"), "join"))
                    out.post(app::JoinQueue{ui.for_member, alloc::QueueTarget{m.id, std::nullopt}});
            }
        }
    }
    ButtonOpts nf;
    nf.enabled = ok;
    if (side_button(v.tr("Next free slot"), "find", nf)) {
        const minutes len = ui.length > minutes{0} ? ui.length : m.rules.min_length;
        alloc::SlotQuery q;
        q.target.machine = m.id;
        q.length = len;
        q.from = v.clock.at;
        q.member = ui.for_member;
        q.count = 3;
        ui.length = len;
        ui.slots.reset();
        ui.slots_request = out.post(app::FindSlots{q});
        go(ui, Step::slots);
        return Next::stay;
    }
    {  // the skill this machine needs, its next training and its know-how cards
        const float skill_h = label_height(skill_label, side_w, th);
        if (ui.skill_in_header) {
            ui.skill_in_header = y + skill_h > c.y + c.h;  // back in the column when it holds it
        } else {
            ui.skill_in_header = y + skill_h > c.y + c.h + 0.5f;  // from the next frame
            ButtonOpts so;
            so.tone = ok ? Tone::normal : Tone::danger;
            if (side_button(skill_label, "skill_info", so)) return Next::skill_info;
        }
    }
    // The message under the buttons when the column holds it, else at the foot of the day.
    const bool side_message = bottom_lift(v, ui, side_w, side_w, 0.0f) - gap() <= c.y + c.h - y - fs * 0.3f;
    if (side_message) message_line(v, ui, side_x, y + fs * 0.3f, side_w, c.y + c.h - y - fs * 0.3f, true);

    // The day: navigation, the bar, the start times.
    const float left_w = c.w - side_w - fs;
    // Up to two weeks ahead, as far as the station says a later day may take a booking.
    const bool later = ui.day < 14 && shown && shown->later_days;
    const float ab = fs * 2.8f;
    // The day between the arrows, on two lines when one does not hold it (larger text).
    const float lw = left_w - 2 * ab - 2 * gap();
    const auto day_label_of = [&](const core::Date& day) {
        std::string label = format_day(v.tr.lang, day);
        return ui.day == 0 ? v.tr.fmt("Today, {0}", {label}) : label;
    };
    core::Date d = core::Date{std::chrono::sys_days(v.clock.today) + std::chrono::days{ui.day}};
    const float day_text_h = text_block_height(day_label_of(d), lw);
    const float nav_h = std::max(th, day_text_h + fs * 0.3f);
    {
        IdScope nav("day");
        ButtonOpts prev;
        prev.enabled = ui.day > 0;
        at(c.x, top);
        if (button("◀", "prev", ImVec2(ab, nav_h), prev)) {
            --ui.day;
            ui.grid_page = -1;
        }
        ButtonOpts next;
        next.enabled = later;
        at(c.x + left_w - ab, top);
        if (button("▶", "next", ImVec2(ab, nav_h), next)) {
            ++ui.day;
            ui.grid_page = -1;
        }
    }
    // The day after the buttons: a tap shows the new day in this very frame.
    d = core::Date{std::chrono::sys_days(v.clock.today) + std::chrono::days{ui.day}};
    at(c.x + ab + gap(), top + (nav_h - day_text_h) * 0.5f);
    text_block(day_label_of(d), "day", lw, Align::center);
    const float band_y = top + nav_h + gap();
    const float band_h = fs * 0.7f;
    std::optional<core::Problem> failed;
    const alloc::DayPlan* plan = day_plan(v, ui, m.id, d, out, &failed);
    if (plan) day_band(v, *plan, Box{c.x, band_y, left_w, band_h});

    const std::vector<Cell> cells = plan ? day_cells(v, ui, *plan) : std::vector<Cell>{};
    float grid_y = band_y + band_h + gap() * 1.5f;
    // Why no start takes a booking (not authorised, quota, membership…), above the grid.
    const std::optional<core::Problem> why = failed ? failed : plan ? plan->why_none : std::nullopt;
    if (why) {
        at(c.x, grid_y);
        text_block(v.tr.problem(*why), "why_none", left_w, Align::left, nullptr, colors::kMuted);
        grid_y = ImGui::GetCursorPosY() + gap() * 0.5f;
    }
    const float bar_y = c.y + c.h - th;
    const float cell_min = std::max(fs * 3.6f, ImGui::CalcTextSize("00:00").x + fs * 1.2f);
    const int cols = std::max(1, static_cast<int>((left_w + gap()) / (cell_min + gap())));
    const float cw = (left_w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float ch = std::max(th, fs * 1.95f);
    const float pager_w = std::min(left_w, fs * 14);
    const float why_h = foot.empty() ? 0.0f : text_block_height(foot, left_w) + gap();
    const float lift = (side_message ? 0.0f : bottom_lift(v, ui, left_w - pager_w - gap(), left_w, th)) + why_h;
    int rows = std::max(1, static_cast<int>((bar_y - lift - gap() - grid_y + gap()) / (ch + gap())));
    const bool all_fit = static_cast<int>(cells.size()) <= cols * (rows + 1) && side_message && foot.empty() &&
                         grid_y + static_cast<float>((static_cast<int>(cells.size()) + cols - 1) / cols) * (ch + gap()) - gap() <= c.y + c.h;
    if (all_fit) rows = std::max(rows, (static_cast<int>(cells.size()) + cols - 1) / cols);
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(cells.size()) + per_page - 1) / per_page);
    if (ui.grid_page < 0) {
        ui.grid_page = 0;
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (!cells[i].past && !cells[i].taken && (!cells[i].closed || !ui.as_host)) {
                ui.grid_page = static_cast<int>(i) / per_page;
                break;
            }
        if (ui.as_host && ui.grid_page == 0)  // hosts: start at the first open or future cell
            for (std::size_t i = 0; i < cells.size(); ++i)
                if (!cells[i].past && !cells[i].taken) {
                    ui.grid_page = static_cast<int>(i) / per_page;
                    break;
                }
    }
    ui.grid_page = std::clamp(ui.grid_page, 0, pages - 1);
    if (!plan && !failed) {
        at(c.x, grid_y);
        text_block(v.tr("Searching…"), "searching", left_w, Align::left, nullptr, colors::kMuted);
    } else if (plan && cells.empty()) {
        at(c.x, grid_y);
        text_block(v.tr("Closed this day."), "closed", left_w, Align::left, nullptr, colors::kMuted);
    }
    {
        IdScope grid("start");
        const std::string taken = v.tr("taken");
        const std::string yours = v.tr("yours");
        const std::string closed = v.tr("closed");
        for (int i = 0; i < per_page; ++i) {
            const std::size_t idx = static_cast<std::size_t>(ui.grid_page * per_page + i);
            if (idx >= cells.size()) break;
            const Cell& cell = cells[idx];
            const std::string label = v.clock.hhmm(cell.start);
            ButtonOpts o;
            o.enabled = !cell.past && cell.room > minutes{0};
            if (cell.taken && !cell.past) o.caption = cell.mine ? yours : taken;
            else if (cell.closed && !cell.past) o.caption = closed;
            o.tone = cell.closed ? Tone::quiet : Tone::normal;
            if (ui.start == cell.start) o.tone = Tone::selected;
            at(c.x + static_cast<float>(i % cols) * (cw + gap()), grid_y + static_cast<float>(i / cols) * (ch + gap()));
            if (button(label, label, ImVec2(cw, ch), o)) {
                ui.start = cell.start;
                // An hour when the station allows it, else the longest it allows from here.
                ui.length = std::min(std::max(plan->min_length, minutes{60}), cell.room);
                ui.length = std::max(plan->min_length, ui.length / plan->step * plan->step);
                ui.back_to = Step::machine;
                go(ui, Step::length);
                return Next::stay;
            }
        }
    }
    const bool paged = pages > 1 && !all_fit;
    if (paged) ui.grid_page = time_pager(v.tr, ui.grid_page, pages, c.x, bar_y, pager_w, th);
    if (!side_message)
        bottom_message(v, ui, Box{c.x + (paged ? pager_w + gap() : 0.0f), bar_y, left_w - (paged ? pager_w + gap() : 0.0f), th},
                       c.x, left_w);
    if (!foot.empty()) {
        at(c.x, bar_y - lift);
        text_block(foot, foot_id, left_w, Align::left, nullptr, colors::kMuted);
    }
    return Next::stay;
}

// [Length]
Next step_length(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("length");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = machine_view(s, ui.machine);
    if (!mv || !ui.start) {
        go(ui, Step::machines);
        return Next::stay;
    }
    const alloc::Machine& m = mv->machine;
    const core::Timestamp start = *ui.start;
    const core::Date d = v.clock.day_of(start);
    const bool busy = ui.pending != 0;
    if (header(v, m.name, c) == 1) {
        go(ui, ui.back_to);
        return Next::stay;
    }
    float y = c.y + th + gap();
    if (ui.as_host) {
        at(c.x, y);
        text_block(v.tr.fmt("For {0}", {ui.for_name}), "for", c.w, Align::left, nullptr, colors::kAccent);
        y = ImGui::GetCursorPosY();
    }
    at(c.x, y);
    text_block(v.tr.fmt("Start: {0} at {1}", {format_day(v.tr.lang, d), v.clock.hhmm(start)}), "start", c.w,
               Align::left, title_font(v.fonts));
    y = ImGui::GetCursorPosY() + fs * 0.2f;
    at(c.x, y);
    text_block(v.tr("How long?"), "how_long", c.w, Align::left, nullptr, colors::kMuted);
    y = ImGui::GetCursorPosY();

    // The lengths on the grid from the shortest to the machine's longest; those the station
    // accepts from this start (its plan of the day: up to the start's room) may be chosen.
    const alloc::DayPlan* plan = day_plan(v, ui, m.id, d, out);
    const alloc::DayStart* from_here = plan ? plan_start(*plan, start) : nullptr;
    const minutes room = from_here ? from_here->room : minutes{0};
    std::vector<minutes> lengths;
    if (plan)
        for (minutes l = plan->min_length; l <= m.rules.max_length && lengths.size() < 48; l += plan->step)
            lengths.push_back(l);
    const float bar_y = c.y + c.h - th;
    const float lw = std::max(fs * 4.2f, ImGui::CalcTextSize("10 h 45").x + fs * 1.2f);
    const int cols = std::max(1, static_cast<int>((c.w + gap()) / (lw + gap())));
    const float cw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float summary_h = fs * 1.6f;
    const std::string confirm = v.tr("Confirm the booking");
    const float cbw = button_width(confirm, 8.0f);
    const float pb = fs * 2.6f;
    const float lift = bottom_lift(v, ui, c.w - cbw - 2 * pb - 3 * gap(), c.w, th);
    const int rows = std::max(1, static_cast<int>((bar_y - lift - summary_h - y) / (th + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(lengths.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    {
        IdScope grid("len");
        for (int i = 0; i < per_page; ++i) {
            const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
            if (idx >= lengths.size()) break;
            const minutes l = lengths[idx];
            ButtonOpts o;
            o.enabled = !busy && l <= room;
            o.tone = l == ui.length ? Tone::selected : Tone::normal;
            at(c.x + static_cast<float>(i % cols) * (cw + gap()), y + static_cast<float>(i / cols) * (th + gap()));
            if (button(duration_text(l), std::to_string(l.count()), ImVec2(cw, th), o)) ui.length = l;
        }
    }
    const bool valid = ui.length > minutes{0} && ui.length <= room;
    if (valid) {
        at(c.x, bar_y - lift - summary_h);
        text_block(span_text(v.tr, v.clock, start, start + ui.length) + " (" + duration_text(ui.length) + ")",
                   "summary", c.w, Align::left, nullptr, colors::kAccent);
    }
    float left = c.w - cbw - gap();
    if (pages > 1) {
        ui.page = pager(ui.page, pages, c.x, bar_y, pb, th);
        left -= 2 * pb + 2 * gap();
    }
    bottom_message(v, ui, Box{c.x + (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), bar_y, left, th}, c.x, c.w);
    ButtonOpts co;
    co.tone = Tone::primary;
    co.enabled = !busy && valid;
    at(c.x + c.w - cbw, bar_y);
    if (button(confirm, "confirm", ImVec2(cbw, th), co)) {
        app::Book b;
        b.machine = m.id;
        b.member = ui.for_member;
        b.start = start;
        b.end = start + ui.length;
        b.actor = v.viewer.id;  // the member, or the host booking for them
        ui.message.clear();
        ui.pending_text = v.tr.fmt("Booked: {0}, {1}.", {m.name, span_text(v.tr, v.clock, b.start, b.end)});
        ui.after_ok = Step::machine;
        ui.pending = out.post(b);
    }
    return Next::stay;
}

// [Slots]
Next step_slots(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("slots");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = chosen_machine(v, ui, Step::machines);
    if (!mv) return Next::stay;
    const alloc::Machine& m = mv->machine;
    if (header(v, v.tr.fmt("Next free slots: {0}", {m.name}), c) == 1) {
        go(ui, Step::machine);
        return Next::stay;
    }
    // The length asked, with − and +: a new search each time.
    float y = c.y + th + gap();
    const minutes slot = std::max(m.rules.slot, minutes{1});
    const std::string label = v.tr("Length:");
    const float label_w = ImGui::CalcTextSize(label.c_str()).x + fs * 0.5f;
    at(c.x, y + (th - fs) * 0.5f);
    text_block(label, "length_label", label_w, Align::left, nullptr, colors::kMuted);
    const float pm = fs * 2.6f;
    const float val_w = ImGui::CalcTextSize("10 h 45").x + fs;
    std::optional<minutes> change;
    ButtonOpts minus;
    minus.enabled = ui.length - slot >= m.rules.min_length;
    at(c.x + label_w, y);
    if (button("−", "shorter", ImVec2(pm, th), minus)) change = ui.length - slot;
    at(c.x + label_w + pm + gap(), y + (th - fs) * 0.5f);
    text_block(duration_text(ui.length), "length", val_w, Align::center, title_font(v.fonts));
    ButtonOpts plus;
    plus.enabled = ui.length + slot <= m.rules.max_length;
    at(c.x + label_w + pm + val_w + 2 * gap(), y);
    if (button("+", "longer", ImVec2(pm, th), plus)) change = ui.length + slot;
    if (change) {
        ui.length = *change;
        alloc::SlotQuery q;
        q.target.machine = m.id;
        q.length = ui.length;
        q.from = v.clock.at;
        q.member = ui.for_member;
        q.count = 3;
        ui.slots.reset();
        ui.slots_request = out.post(app::FindSlots{q});
    }
    y += th + gap() * 2;
    const float bar_y = c.y + c.h - th;
    if (!ui.slots) {
        at(c.x, y);
        text_block(v.tr("Searching…"), "searching", c.w, Align::left, nullptr, colors::kMuted);
    } else if (ui.slots->empty()) {
        at(c.x, y);
        text_block(v.tr("No free slot of this length in the coming days."), "none", c.w, Align::left, nullptr,
                   colors::kMuted);
    } else {
        const float bh = std::min(std::max(th, fs * 2.2f), (bar_y - bottom_lift(v, ui, c.w, c.w, th) - gap() - y) / 3 - gap());
        for (std::size_t i = 0; i < ui.slots->size() && i < 3; ++i) {
            const alloc::Slot& sl = (*ui.slots)[i];
            IdScope row(static_cast<std::int64_t>(i));
            ButtonOpts o;
            o.tone = i == 0 ? Tone::primary : Tone::normal;
            const std::string slot_label = span_text(v.tr, v.clock, sl.start, sl.end);
            // The title font when the slot fits one line of it in the button, else the body font.
            o.font = title_font(v.fonts);
            if (o.font && (o.font->FontSize * 1.15f > bh || text_block_height(slot_label, c.w - o.font->FontSize, o.font) > o.font->FontSize * 1.5f))
                o.font = nullptr;
            if (bh < th) break;
            at(c.x, y + static_cast<float>(i) * (bh + gap()));
            if (button(slot_label, "pick", ImVec2(c.w, bh), o)) {
                ui.machine = sl.machine;
                ui.start = sl.start;
                ui.length = std::chrono::duration_cast<minutes>(sl.end - sl.start);
                ui.day = static_cast<int>((std::chrono::sys_days(v.clock.day_of(sl.start)) - std::chrono::sys_days(v.clock.today)).count());
                ui.grid_page = -1;
                ui.back_to = Step::slots;
                go(ui, Step::length);
                return Next::stay;
            }
        }
    }
    bottom_message(v, ui, Box{c.x, bar_y, c.w, th}, c.x, c.w);
    return Next::stay;
}

// [My bookings]
Next step_mine(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("mine");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, v.tr("My bookings"), c) == 1) {
        go(ui, Step::machines);
        return Next::stay;
    }
    std::vector<const alloc::Booking*> mine;
    for (const auto& b : s.upcoming)
        if (b.member == ui.for_member && alloc::occupies(b.state) && b.end > v.clock.at) mine.push_back(&b);
    const float top = c.y + th + gap();
    const float bar_y = c.y + c.h - th;
    const std::string cancel = v.tr("Cancel");
    const std::string sure = v.tr("Really cancel");
    const float bw = std::max(button_width(cancel, 5.0f), button_width(sure, 5.0f));
    const float tw = c.w - bw - fs * 1.2f;
    // Rows as tall as their longest texts, which wrap rather than being cut (larger text).
    float text_h = 2 * fs;
    for (const auto* b : mine)
        text_h = std::max(text_h, two_lines_height(machine_name(s, b->machine), span_text(v.tr, v.clock, b->start, b->end), tw));
    const float row_h = std::max({th, fs * 2.3f, text_h + fs * 0.3f});
    const float pb = fs * 2.6f;
    const float lift = bottom_lift(v, ui, c.w - 2 * pb - 2 * gap(), c.w, th);
    const int per_page = std::max(1, static_cast<int>((bar_y - lift - gap() - top + gap()) / (row_h + gap())));
    const int pages = std::max(1, (static_cast<int>(mine.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (mine.empty()) {
        at(c.x, top);
        text_block(v.tr("No booking to come."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= mine.size()) break;
        const alloc::Booking& b = *mine[idx];
        IdScope row(b.id);
        const float ry = top + static_cast<float>(i) * (row_h + gap());
        panel(Box{c.x, ry, c.w, row_h});
        two_lines(machine_name(s, b.machine), "machine", span_text(v.tr, v.clock, b.start, b.end), "when", c.x + fs * 0.4f, ry, tw,
                  row_h);
        at(c.x + c.w - bw, ry);
        if (b.state == alloc::BookingState::active) {
            at(c.x + c.w - bw, ry + (row_h - fs) * 0.5f);
            text_block(v.tr("In progress"), "active", bw, Align::center, nullptr, colors::kOk);
            continue;
        }
        const bool confirming = ui.confirm_cancel == b.id;
        ButtonOpts o;
        o.tone = confirming ? Tone::danger : Tone::normal;
        o.enabled = ui.pending == 0;
        if (button(confirming ? sure : cancel, "cancel", ImVec2(bw, row_h), o)) {
            if (!confirming) {
                ui.confirm_cancel = b.id;
            } else {
                ui.confirm_cancel = 0;
                ui.message.clear();
                ui.pending_text = v.tr.fmt("Cancelled: {0}, {1}.", {machine_name(s, b.machine), span_text(v.tr, v.clock, b.start, b.end)});
                ui.pending = out.post(app::CancelBooking{b.id, v.viewer.id, std::nullopt});
            }
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    bottom_message(v, ui, Box{c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th}, c.x, c.w);
    return Next::stay;
}

}  // namespace etabli::gui::machine_screens
