// The hosts' machine screens: the machines with their state, one machine (bookings, sessions,
// maintenance, the check after use), a cancellation's reason, the problem a check found, the
// member a booking is for, the opening hours, the device panel and a reader's enrolment.
// Shared parts: machine_screens.hpp.
// Layer: gui. GUI thread only (inside an ImGui frame).
#include "machine_screens.hpp"

#include "controllers.hpp"
#include "devices.hpp"
#include "kit.hpp"

#include <etabli/gui/reader_enrol.hpp>

#include <etabli/alloc/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace etabli::gui::machine_screens {

using namespace kit;

// [Host: machines]
Next step_host_machines(const MachinesView& v, MachinesUi& ui, Commands&) {
    IdScope scope("host");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    switch (header(v, v.tr("Machines"), c, v.tr("Devices"), "devices")) {
        case 1: return Next::home;
        case 2: go(ui, Step::devices); return Next::stay;  // readers and controllers
        default: break;
    }
    const float top = c.y + th + gap();
    // The day's other host tasks in a bar at the bottom, as tall as their labels need.
    const float pb = fs * 2.6f;
    const std::string book_for = v.tr("Book for a member"), hours = v.tr("Opening hours");
    const float bw_min = (c.w - 2 * pb - 3 * gap()) / 2;
    const float bar_h = std::max(label_height(book_for, bw_min, th), label_height(hours, bw_min, th));
    const float bar_y = c.y + c.h - bar_h;
    const float msg_h = ui.message.empty() && !ui.pending ? 0.0f : bottom_lift(v, ui, c.w, c.w, 0.0f) + fs * 0.3f;
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float tw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float tile_h = std::max(th, fs * 3.4f);
    const int rows = std::max(1, static_cast<int>((bar_y - msg_h - gap() - top + gap()) / (tile_h + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(s.machines.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (s.machines.empty()) {
        at(c.x, top);
        text_block(v.tr("No machine yet."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    ImFont* font = title_font(v.fonts);
    for (int i = 0; i < per_page && font; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= s.machines.size()) break;
        font = tile_font(v.fonts, s.machines[idx].machine.name, machine_status(s.machines[idx], v.clock, v.tr).text,
                         ImVec2(tw, tile_h));
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= s.machines.size()) break;
        const auto& m = s.machines[idx];
        IdScope row(m.machine.id);
        ButtonOpts o;
        const MachineStatusLine st = machine_status(m, v.clock, v.tr);
        o.caption = st.text;
        o.caption_color = st.color;
        o.font = font;
        at(c.x + static_cast<float>(i % cols) * (tw + gap()), top + static_cast<float>(i / cols) * (tile_h + gap()));
        if (button(m.machine.name, "open", ImVec2(tw, tile_h), o)) {
            go(ui, Step::host_machine);
            ui.machine = m.machine.id;
            ui.message.clear();
        }
    }
    if (msg_h > 0) message_line(v, ui, c.x, bar_y - msg_h, c.w, msg_h);
    const float avail = c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f);
    const float bw = (avail - gap()) / 2;
    at(c.x, bar_y);
    ButtonOpts book;
    book.tone = Tone::primary;
    if (button(book_for, "book_for", ImVec2(bw, bar_h), book)) {
        go(ui, Step::pick_member);
        ui.search.clear();
        ui.search_keys = KeyboardState{true, false, true};
    }
    at(c.x + bw + gap(), bar_y);
    if (button(hours, "hours", ImVec2(bw, bar_h))) {
        go(ui, Step::hours);
        for (unsigned d = 0; d < 7; ++d) {
            const auto& w = s.hours.weekly[d];
            DayHoursEdit e;
            e.open = !w.empty();
            if (e.open) {
                e.from = w.front().from;
                e.to = w.back().to;
            }
            ui.hours[d] = e;
        }
        ui.message.clear();
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, bar_h);
    return Next::stay;
}

// [Host: one machine]
Next step_host_machine(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("hostm");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = chosen_machine(v, ui, Step::host_machines);
    if (!mv) return Next::stay;
    const alloc::Machine& m = mv->machine;
    const bool busy = ui.pending != 0;
    if (header(v, m.name, c) == 1) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
    float y = c.y + th + gap();
    // Status: three choices.
    struct Choice {
        const char* msgid;
        const char* id;
        alloc::MachineStatus status;
    };
    const std::array<Choice, 3> choices{{{"Available", "available", alloc::MachineStatus::available},
                                         {"Maintenance", "maintenance", alloc::MachineStatus::maintenance},
                                         {"Out of order", "out_of_order", alloc::MachineStatus::out_of_order}}};
    {
        IdScope st("status");
        const float cw = (c.w - 2 * gap()) / 3;
        for (std::size_t i = 0; i < choices.size(); ++i) {
            ButtonOpts o;
            o.tone = m.status == choices[i].status ? Tone::selected : Tone::quiet;
            o.enabled = !busy;
            at(c.x + static_cast<float>(i) * (cw + gap()), y);
            if (button(v.tr(choices[i].msgid), choices[i].id, ImVec2(cw, th), o) && m.status != choices[i].status) {
                ui.message.clear();
                ui.pending_text = v.tr.fmt("{0}: {1}.", {m.name, v.tr(choices[i].msgid)});
                ui.pending = out.post(app::SetMachineStatus{m.id, choices[i].status, v.viewer.id});
            }
        }
    }
    y += th + gap();
    // The running session, which a host may end.
    {
        const std::string end = v.tr("End the session");
        const float ew = button_width(end, 6.0f);
        std::string text = v.tr("No session running.");
        if (mv->session)
            text = v.tr.fmt("In use by {0} until {1}.", {mv->session_member.empty() ? member_name(s, mv->session->member) : mv->session_member,
                                                        mv->until_hhmm});
        const float tw = c.w - (mv->session ? ew + gap() : 0.0f);
        const float text_h = text_block_height(text, tw);
        const float row_h = std::max(th, text_h + fs * 0.3f);
        at(c.x, y + (row_h - text_h) * 0.5f);
        text_block(text, "session", tw, Align::left, nullptr, mv->session ? tint::kBusy : colors::kMuted);
        if (mv->session) {
            ButtonOpts o;
            o.tone = Tone::danger;
            o.enabled = !busy;
            at(c.x + c.w - ew, y + (row_h - th) * 0.5f);
            if (button(end, "end_session", ImVec2(ew, th), o)) {
                ui.message.clear();
                ui.pending_text = v.tr.fmt("{0}: the session was ended.", {m.name});
                ui.pending = out.post(app::EndSession{m.id, v.viewer.id});
            }
        }
        y += row_h + gap();
    }
    // The check after use: waiting for it, or what the last one found.
    if (m.awaiting_check && !mv->session) {
        at(c.x, y);
        text_block(v.tr("Waiting for its check after use."), "awaiting", c.w, Align::left, nullptr, tint::kMaintenance);
        y = check_buttons(v, ui, m, c.x, ImGui::GetCursorPosY(), c.w, th, true, out);
    }
    y = check_note_line(v, m, c.x, y, c.w);
    // The machine's controller: its relay, or a contact fault which a host clears.
    if (const ControllerRow row = draw_controller_row(s, m.id, v.tr, c.x, y, c.w, !busy); row.shown) {
        if (row.clear) {
            ui.message.clear();
            ui.pending_text = v.tr.fmt("{0}: the fault was cleared.", {m.name});
            ui.pending = out.post(app::ClearMachineFault{m.id, v.viewer.id});
        }
        y += row.height + gap();
    }
    at(c.x, y);
    text_block(v.tr("Bookings"), "bookings", c.w, Align::left, title_font(v.fonts));
    y = ImGui::GetCursorPosY();
    // Bookings to come on this machine, with cancel (a reason is asked next).
    std::vector<const alloc::Booking*> list;
    for (const auto* b : bookings_on(s, m.id))
        if (b->end > v.clock.at) list.push_back(b);
    const float bar_y = c.y + c.h - th;
    const std::string cancel = v.tr("Cancel");
    const float bw = button_width(cancel, 5.0f);
    const float tw = c.w - bw - fs;
    const auto when_of = [&](const alloc::Booking& b) {
        return span_text(v.tr, v.clock, b.start, b.end) + " · " + member_name(s, b.member);
    };
    // Rows as tall as their longest text, which wraps rather than being cut (larger text).
    float row_h = th;
    for (const auto* b : list) row_h = std::max(row_h, text_block_height(when_of(*b), tw) + fs * 0.3f);
    const float pb = fs * 2.6f;
    const float lift = bottom_lift(v, ui, c.w - 2 * pb - 2 * gap(), c.w, th);
    const int per_page = std::max(1, static_cast<int>((bar_y - lift - gap() - y + gap()) / (row_h + gap())));
    const int pages = std::max(1, (static_cast<int>(list.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (list.empty()) {
        at(c.x, y);
        text_block(v.tr("No booking to come."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= list.size()) break;
        const alloc::Booking& b = *list[idx];
        IdScope row(b.id);
        const float ry = y + static_cast<float>(i) * (row_h + gap());
        const std::string when = when_of(b);
        at(c.x, ry + (row_h - text_block_height(when, tw)) * 0.5f);
        text_block(when, "when", tw);
        ButtonOpts o;
        o.enabled = !busy && b.state == alloc::BookingState::booked;
        at(c.x + c.w - bw, ry);
        if (button(cancel, "cancel", ImVec2(bw, row_h), o)) {
            go(ui, Step::cancel_reason);
            ui.cancel_booking = b.id;
            ui.reason.clear();
            ui.reason_keys = KeyboardState{true, false, false};
            ui.message.clear();
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    bottom_message(v, ui, Box{c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th}, c.x, c.w);
    return Next::stay;
}

// [Host: cancel with a reason]
// A reason typed on the on-screen keyboard under a header at `c`: an optional muted line
// (`what`), the field (`field_id`) with its confirm button (enabled once something is typed),
// the message line and the keyboard. True on the frame the button is tapped.
bool reason_entry(const MachinesView& v, MachinesUi& ui, const Box& c, const std::string& what, const std::string& go_label,
                  const std::string& placeholder, std::string_view field_id, bool enabled, std::size_t max_chars) {
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    float y = c.y + th + gap();
    if (!what.empty()) {
        at(c.x, y);
        text_block(what, "what", c.w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY();
    }
    const float gw = button_width(go_label, 8.0f);
    at(c.x, y);
    text_field(ui.reason, placeholder, field_id, ImVec2(c.w - gw - gap(), th));
    ButtonOpts o;
    o.tone = Tone::danger;
    o.enabled = enabled && ui.reason.find_first_not_of(' ') != std::string::npos;
    at(c.x + c.w - gw, y);
    const bool confirmed = button(go_label, "confirm", ImVec2(gw, th), o);
    y += th + gap();
    const float msg_h = std::max(fs * 1.3f, bottom_lift(v, ui, c.w, c.w, 0.0f));
    message_line(v, ui, c.x, y, c.w, msg_h);
    y += msg_h + gap();
    at(c.x, y);
    draw_keyboard(ui.reason, ui.reason_keys, v.tr.lang, ImVec2(c.w, c.y + c.h - y), max_chars, v.tr);
    return confirmed;
}

Next step_cancel_reason(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("cancel");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const alloc::Booking* b = nullptr;
    for (const auto& x : s.upcoming)
        if (x.id == ui.cancel_booking) b = &x;
    const bool busy = ui.pending != 0;
    if (!b && !busy) {
        go(ui, Step::host_machine);
        return Next::stay;
    }
    if (header(v, v.tr("Cancel a booking"), c) == 1) {
        go(ui, Step::host_machine);
        return Next::stay;
    }
    std::string what;
    if (b)
        what = machine_name(s, b->machine) + " · " + span_text(v.tr, v.clock, b->start, b->end) + " · " + member_name(s, b->member);
    if (reason_entry(v, ui, c, ellipsize(what, c.w), v.tr("Cancel the booking"), v.tr("Reason (the member will see it)"), "reason",
                     !busy && b, 120)) {
        ui.message.clear();
        ui.pending_text = v.tr.fmt("Cancelled: {0}, {1}.", {machine_name(s, b->machine), span_text(v.tr, v.clock, b->start, b->end)});
        ui.after_ok = Step::host_machine;
        ui.pending = out.post(app::CancelBooking{b->id, v.viewer.id, ui.reason});
    }
    return Next::stay;
}

// [The check found a problem]
Next step_check_problem(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("check_problem");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const app::MachineView* mv = machine_view(s, ui.machine);
    const bool busy = ui.pending != 0;
    if (!mv || (!mv->machine.awaiting_check && !busy)) {
        go(ui, ui.back_to);
        return Next::stay;
    }
    if (header(v, v.tr.fmt("{0}: what is wrong?", {mv->machine.name}), c) == 1) {
        go(ui, ui.back_to);
        return Next::stay;
    }
    if (reason_entry(v, ui, c, v.tr("The machine goes into maintenance until a host puts it back."),
                     v.tr("Put into maintenance"), v.tr("What is wrong (the hosts will see it)"), "note", !busy, 200)) {
        ui.message.clear();
        ui.pending_text = v.tr.fmt("{0}: in maintenance.", {mv->machine.name});
        ui.after_ok = ui.back_to;
        ui.pending = out.post(app::CheckMachine{mv->machine.id, v.viewer.id, false, ui.reason});
    }
    return Next::stay;
}

// [Host: pick a member]
Next step_pick_member(const MachinesView& v, MachinesUi& ui, Commands&) {
    IdScope scope("pick");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float th = touch_height();
    if (header(v, v.tr("Book for whom?"), c) == 1) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
    const auto picked = member_picker(v.tr, s.directory.get(), c, c.y + th + gap(), {ui.search, ui.search_keys, ui.page});
    if (picked.member) {
        ui.as_host = true;
        ui.for_member = picked.member->id;
        ui.for_name = picked.member->display_name;
        ui.message.clear();
        go(ui, Step::machines);
    }
    return Next::stay;
}

// [Host: opening hours]
Next step_hours(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("hours");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool busy = ui.pending != 0;
    if (header(v, v.tr("Opening hours"), c) == 1) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
    const float bar_y = c.y + c.h - th;
    const float top = c.y + th + gap();
    // Seven rows, Monday first; each as tall as the room allows, at least a touch target.
    const std::string save = v.tr("Save");
    const float sw = button_width(save, 7.0f);
    const float lift = bottom_lift(v, ui, c.w - sw - gap(), c.w, th);
    // Larger text on a small screen: the rows come closer before they run into the bar.
    const float rows_room = bar_y - lift - gap() - top;
    const float row_h = std::max(th, std::min(th * 1.15f, (rows_room - 6 * gap()) / 7));
    const float row_gap = std::max(2.0f, std::min(gap(), (rows_room - 7 * row_h) / 6));
    // Days by name, or by their first three letters when the row cannot hold the names with
    // finger-sized − / + buttons (larger text).
    const float pm_min = ImGui::CalcTextSize("−").x + fs * 1.0f;
    const auto day_names = [&](bool short_names) {
        std::array<std::string, 7> n;
        for (unsigned d = 0; d < 7; ++d) {
            n[d] = weekday_name(v.tr.lang, d);
            if (short_names && n[d].size() > 3) n[d] = n[d].substr(0, 3) + (v.tr.lang == core::Lang::fr ? "." : "");
        }
        return n;
    };
    const auto names_w = [&](const std::array<std::string, 7>& n) {
        float w = 0;
        for (const auto& x : n) w = std::max(w, ImGui::CalcTextSize(x.c_str()).x);
        return w + fs;
    };
    std::array<std::string, 7> names = day_names(false);
    float name_w = names_w(names);
    const float tw = ImGui::CalcTextSize("00:00").x + fs * 0.6f;
    const std::string open_l = v.tr("Open");
    const std::string closed_l = v.tr("Closed");
    const float toggle_w = std::max(button_width(open_l, 4.0f), button_width(closed_l, 4.0f));
    const float dash_w = fs * 0.8f;
    // The four − / + buttons take what the row leaves, down to a finger's width (larger text).
    if (c.w - (name_w + 2 * (tw + 3 * gap()) + dash_w + 2 * gap() + toggle_w) < 4 * pm_min) {
        names = day_names(true);
        name_w = names_w(names);
    }
    const float fixed = name_w + 2 * (tw + 3 * gap()) + dash_w + 2 * gap() + toggle_w;
    const float pm = std::min(std::max(th * 1.2f, fs * 2.4f), std::max(pm_min, (c.w - fixed) / 4));
    for (int r = 0; r < 7; ++r) {
        const unsigned d = static_cast<unsigned>((r + 1) % 7);  // Monday … Sunday
        DayHoursEdit& e = ui.hours[d];
        IdScope row(static_cast<std::int64_t>(d));
        const float y = top + static_cast<float>(r) * (row_h + row_gap);
        float x = c.x;
        at(x, y + (row_h - fs) * 0.5f);
        text_block(names[d], "day", name_w);
        x += name_w;
        auto stepper = [&](int& value, int lo, int hi, const char* id_minus, const char* id_plus, const char* id_text) {
            ButtonOpts mo;
            mo.enabled = e.open && !busy && value - 30 >= lo;
            at(x, y);
            if (button("−", id_minus, ImVec2(pm, row_h), mo)) {
                value -= 30;
                e.changed = true;
            }
            x += pm + gap();
            at(x, y + (row_h - fs) * 0.5f);
            text_block(e.open ? hhmm_of(value) : std::string("--:--"), id_text, tw, Align::center, nullptr,
                       e.open ? colors::kText : colors::kDisabledText);
            x += tw + gap();
            ButtonOpts po;
            po.enabled = e.open && !busy && value + 30 <= hi;
            at(x, y);
            if (button("+", id_plus, ImVec2(pm, row_h), po)) {
                value += 30;
                e.changed = true;
            }
            x += pm + gap();
        };
        stepper(e.from, 0, e.to - 30, "from_minus", "from_plus", "from");
        at(x, y + (row_h - fs) * 0.5f);
        text_block("–", "dash", dash_w, Align::center, nullptr, colors::kMuted);
        x += dash_w + gap();
        stepper(e.to, e.from + 30, 1440, "to_minus", "to_plus", "to");
        ButtonOpts to;
        to.tone = e.open ? Tone::selected : Tone::quiet;
        to.enabled = !busy;
        at(std::max(x + gap(), c.x + c.w - toggle_w), y);
        if (button(e.open ? open_l : closed_l, "open", ImVec2(toggle_w, row_h), to)) {
            e.open = !e.open;
            e.changed = true;
        }
    }
    bottom_message(v, ui, Box{c.x, bar_y, c.w - sw - gap(), th}, c.x, c.w);
    ButtonOpts so;
    so.tone = Tone::primary;
    so.enabled = !busy && std::any_of(ui.hours.begin(), ui.hours.end(), [](const DayHoursEdit& e) { return e.changed; });
    at(c.x + c.w - sw, bar_y);
    if (button(save, "save", ImVec2(sw, th), so)) {
        // Days not touched keep their windows (several a day are possible from the command
        // line); exceptional closures and openings are kept.
        alloc::OpeningHours h = s.hours;
        for (unsigned d = 0; d < 7; ++d) {
            const DayHoursEdit& e = ui.hours[d];
            if (!e.changed) continue;
            h.weekly[d].clear();
            if (e.open && e.to > e.from) h.weekly[d].push_back(alloc::DayWindow{e.from, e.to});
        }
        ui.message.clear();
        ui.pending_text = v.tr("Opening hours saved.");
        ui.pending = out.post(app::SetHours{h, v.viewer.id});
    }
    return Next::stay;
}

// [Host: devices] the panel itself is devices.cpp's
Next step_devices(const MachinesView& v, MachinesUi& ui, Commands&) {
    IdScope scope("host_devices");
    const Box c = content();
    const float th = touch_height();
    if (header(v, v.tr("Readers and controllers"), c) == 1) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
    const float top = c.y + th + gap();
    // Enrolling a new reader: its own screen (reader_enrol.cpp), from a button under the lists.
    const float bar_y = c.y + c.h - th;
    const int pages = draw_devices(*v.snap, v.tr, v.clock, c.x, top, c.w, bar_y - gap() - top, ui.page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, bar_y, ImGui::GetFontSize() * 2.6f, th);
    const std::string enrol = v.tr("Enrol a reader");
    const float bw = button_width(enrol, 8.0f);
    at(c.x + c.w - bw, bar_y);
    ButtonOpts o;
    o.tone = Tone::primary;
    if (button(enrol, "enrol_reader", ImVec2(bw, th), o)) {
        go(ui, Step::enrol_reader);
        ui.reader_enrol = ReaderEnrolUi{};
    }
    return Next::stay;
}

// [Host: enrol a reader] the screen itself is reader_enrol.cpp's
Next step_enrol_reader(const MachinesView& v, MachinesUi& ui, Commands& out) {
    ReaderEnrolView rv{v.tr, v.fonts, v.viewer, v.snap};
    if (draw_reader_enrol(rv, ui.reader_enrol, out)) go(ui, Step::devices);
    return Next::stay;
}

}  // namespace etabli::gui::machine_screens
