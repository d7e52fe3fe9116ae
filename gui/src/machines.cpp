// The kiosk's machine screens, their shared part: the local clock, the board, queue offers,
// notices, the helpers and the flow's header and replies, and the dispatch to each step
// (the members' steps are in machines_member.cpp, the hosts' in machines_host.cpp). Every
// time shown is local, derived from the snapshot's local clock (LocalClock, see
// machines.hpp); every time sent is UTC.
// Layer: gui. GUI thread only (inside an ImGui frame); LocalClock and the status texts are pure.
//
// Index: [Local time] [Helpers] [Board] [Offers] [Notices] [Flow: header and replies]
//        [Dispatch]
#include <etabli/gui/machines.hpp>

#include "kit.hpp"
#include "machine_screens.hpp"
#include "controllers.hpp"
#include "devices.hpp"

#include <etabli/alloc/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace etabli::gui {

using namespace kit;
using namespace machine_screens;
using std::chrono::minutes;

// [Local time]
LocalClock LocalClock::of(const app::Snapshot& s) {
    LocalClock c;
    c.at = s.at;
    c.today = s.today;
    if (s.offsets && !s.offsets->empty()) c.changes = s.offsets;
    c.workshop_closed = !s.open_now;
    return c;
}

minutes LocalClock::offset_at(core::Timestamp t) const {
    if (!changes) return minutes{0};
    // The last change at or before t; before the first, the first (yesterday's) offset.
    auto it = std::upper_bound(changes->begin(), changes->end(), t,
                               [](core::Timestamp x, const app::OffsetChange& c) { return x < c.from; });
    return it == changes->begin() ? it->offset : std::prev(it)->offset;
}

core::Date LocalClock::day_of(core::Timestamp t) const {
    return core::Date{std::chrono::floor<std::chrono::days>(t + offset_at(t))};
}

int LocalClock::minute_of_day(core::Timestamp t) const {
    const auto local = t + offset_at(t);
    return static_cast<int>(
        std::chrono::duration_cast<minutes>(local - std::chrono::floor<std::chrono::days>(local)).count());
}

// A local time that exists twice (clocks going back) gives the earlier instant; one that
// does not exist (clocks going forward) the instant of the jump, as the engine reads them.
core::Timestamp LocalClock::utc(core::Date d, int minute) const {
    const core::Timestamp local{core::Timestamp{std::chrono::sys_days(d)} + minutes{minute}};
    if (!changes) return local;
    // The candidates: the local time read with each offset in force around it.
    std::optional<core::Timestamp> best;
    for (const app::OffsetChange& c : *changes) {
        const core::Timestamp t = local - c.offset;
        if (offset_at(t) == c.offset && (!best || t < *best)) best = t;
    }
    if (best) return *best;
    // In a gap: the instant the clocks jumped, the first change after local − old offset.
    const core::Timestamp before = local - offset_at(local - std::chrono::hours{24});
    for (const app::OffsetChange& c : *changes)
        if (c.from > local - std::chrono::hours{24} && c.from <= before) return c.from;
    return local - offset_at(local);
}

std::string LocalClock::hhmm(core::Timestamp t) const { return hhmm_of(minute_of_day(t)); }

std::string hhmm_of(int minute) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 100, minute % 60);
    return buf;
}

// [Helpers] (machine_screens.hpp)
namespace machine_screens {

const app::MachineView* machine_view(const app::Snapshot& s, alloc::MachineId id) {
    for (const auto& m : s.machines)
        if (m.machine.id == id) return &m;
    return nullptr;
}

std::string machine_name(const app::Snapshot& s, alloc::MachineId id) {
    const auto* m = machine_view(s, id);
    return m ? m->machine.name : "#" + std::to_string(id);
}

std::string member_name(const app::Snapshot& s, core::MemberId id) {
    const core::Member* m = s.directory ? s.directory->find(id) : nullptr;
    return m ? m->display_name : "#" + std::to_string(id);
}

bool authorised(const alloc::Machine& m, core::MemberId member) {
    return std::find(m.authorised.begin(), m.authorised.end(), member) != m.authorised.end();
}

std::vector<const alloc::Booking*> bookings_on(const app::Snapshot& s, alloc::MachineId id) {
    std::vector<const alloc::Booking*> r;
    for (const auto& b : s.upcoming)
        if (b.machine == id && alloc::occupies(b.state)) r.push_back(&b);
    return r;
}

const alloc::QueuePlace* queue_place(const app::Snapshot& s, core::MemberId member, alloc::MachineId id) {
    for (const auto& q : s.queue)
        if (q.entry.member == member && q.entry.machine == id) return &q;
    return nullptr;
}

std::string duration_text(minutes m) { return alloc::format_duration(std::chrono::seconds{m}); }

// "samedi 28 novembre, 15:00 – 16:00"
std::string span_text(const Tr& tr, const LocalClock& clock, core::Timestamp a, core::Timestamp b) {
    return format_day(tr.lang, clock.day_of(a)) + ", " + clock.hhmm(a) + " – " + clock.hhmm(b);
}

// "1er", "2e" in French, "1st", "2nd" in English.
std::string ordinal(core::Lang lang, std::size_t n) {
    const std::string num = std::to_string(n);
    if (lang == core::Lang::fr) return num + (n == 1 ? "er" : "e");
    const std::size_t t = n % 100;
    const char* suffix = (t >= 11 && t <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return num + suffix;
}

core::Timestamp ceil_to(core::Timestamp t, minutes step) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(step).count();
    if (s <= 0) return t;
    const auto v = t.time_since_epoch().count();
    const auto r = ((v % s) + s) % s;
    return r == 0 ? t : core::Timestamp{std::chrono::seconds{v - r + s}};
}

namespace {
std::string message_text(const MachinesView& v, const MachinesUi& ui) { return ui.pending ? v.tr("Saving…") : ui.message; }
ImU32 message_color(const MachinesUi& ui) { return ui.pending ? colors::kMuted : ui.message_ok ? colors::kOk : colors::kError; }
}  // namespace

float bottom_lift(const MachinesView& v, const MachinesUi& ui, float line_w, float full_w, float line_h) {
    return message_lift(message_text(v, ui), line_w, full_w, line_h);
}

void bottom_message(const MachinesView& v, const MachinesUi& ui, const Box& line, float full_x, float full_w) {
    kit::bottom_message(message_text(v, ui), message_color(ui), line, full_x, full_w);
}

// The bottom line of a screen: the last outcome (green) or problem (red), or "Saving…";
// cut to one line with "…" when the room is shorter than the text.
void message_line(const MachinesView& v, const MachinesUi& ui, float x, float y, float w, float h, bool top) {
    const float fs = ImGui::GetFontSize();
    std::string text = message_text(v, ui);
    if (text.empty() || w <= fs) return;
    float used = text_block_height(text, w);
    if (used > h) {
        text = ellipsize(text, w);
        used = fs;
    }
    at(x, y + (top ? 0.0f : std::max(0.0f, (h - used) * 0.5f)));
    text_block(text, "message", w, Align::left, nullptr, message_color(ui));
}

// The title font for a tile's label when label and caption fit `size` with it, else the body font.
ImFont* tile_font(const Fonts* fonts, std::string_view label, std::string_view caption, ImVec2 size) {
    ImFont* big = title_font(fonts);
    if (!big) return nullptr;
    const float fs = ImGui::GetFontSize();
    // The button's margins are in the font it draws with.
    const float inner = size.x - 2 * big->FontSize * 0.35f;
    float h = 0;
    {
        FontScope f(big);
        h += static_cast<float>(wrap_lines(label, inner).size()) * ImGui::GetFontSize();
    }
    // Captions are 0.72 of the label's size.
    if (!caption.empty()) {
        FontScope f(big);
        h += static_cast<float>(wrap_lines(caption, inner / 0.72f).size()) * ImGui::GetFontSize() * 0.72f +
             ImGui::GetFontSize() * 0.15f;
    }
    return h <= size.y - fs * 0.3f ? big : nullptr;
}

// Two buttons "Earlier" / "Later" (ids earlier/later); returns the new page.
int time_pager(const Tr& tr, int page, int pages, float x, float y, float w, float h) {
    const float bw = (w - gap()) / 2;
    ButtonOpts a;
    a.enabled = page > 0;
    at(x, y);
    if (button(tr("Earlier"), "earlier", ImVec2(bw, h), a)) --page;
    ButtonOpts b;
    b.enabled = page + 1 < pages;
    at(x + bw + gap(), y);
    if (button(tr("Later"), "later", ImVec2(bw, h), b)) ++page;
    return std::clamp(page, 0, std::max(0, pages - 1));
}

}  // namespace machine_screens

// [Board]
MachineStatusLine machine_status(const app::MachineView& m, const LocalClock& clock, const Tr& tr) {
    using alloc::MachineStatus;
    if (m.machine.status == MachineStatus::out_of_order) return {tr("Out of order"), tint::kOut};
    if (m.machine.status == MachineStatus::maintenance) return {tr("Maintenance"), tint::kMaintenance};
    if (m.session) return {tr.fmt("In use until {0}", {m.until_hhmm}), tint::kBusy};
    if (m.machine.awaiting_check) return {tr("To be checked"), tint::kMaintenance};
    // A booking that has begun (its member has not started yet) or begins within the hour
    // holds the machine; a later one today leaves it free until then.
    const bool next_today = m.next && m.next_hhmm.find(' ') == std::string::npos;
    if (m.next && m.next->start <= clock.at + std::chrono::hours{1})
        return {tr.fmt("Booked at {0}", {next_today ? m.next_hhmm : clock.hhmm(m.next->start)}), tint::kBooked};
    // Outside opening hours a member may neither start nor book it (hosts may).
    if (clock.workshop_closed) return {tr("Workshop closed"), tint::kClosed};
    if (next_today) return {tr.fmt("Free until {0}", {m.next_hhmm}), tint::kFree};
    return {tr("Free"), tint::kFree};
}

int draw_machine_board(const std::vector<app::MachineView>& machines, const LocalClock& clock, const Tr& tr,
                       const Fonts* fonts, ImVec2 pos, ImVec2 size, int page) {
    IdScope scope("board");
    const float fs = ImGui::GetFontSize();
    const Box p{pos.x, pos.y, size.x, size.y};
    panel(p);
    const float pad = fs * 0.6f;
    at(p.x + pad, p.y + pad);
    text_block(tr("Machines"), "title", p.w - 2 * pad, Align::left, title_font(fonts));
    const float list_y = ImGui::GetCursorPosY() + fs * 0.1f;
    const float w = p.w - 2 * pad - fs * 0.5f;
    // Statuses in the bold font when every one fits it, else all in the body font: a larger
    // text keeps "Occupée jusqu'à 15:30" whole rather than cut.
    ImFont* status_font = title_font(fonts);
    float status_px = fs;
    {
        FontScope f(status_font);
        status_px = ImGui::GetFontSize();
        for (const auto& m : machines)
            if (status_font && ImGui::CalcTextSize(machine_status(m, clock, tr).text.c_str()).x > w) status_font = nullptr;
    }
    if (!status_font) status_px = fs;
    const float row_h = fs + status_px + fs * 0.3f;
    const float page_label_h = fs * 1.1f;
    const float full_h = p.y + p.h - pad - list_y;
    const bool fits_all = static_cast<float>(machines.size()) * row_h <= full_h;
    const int per_page = std::max(1, static_cast<int>((fits_all ? full_h : full_h - page_label_h) / row_h));
    const int count = static_cast<int>(machines.size());
    const int pages = std::max(1, (count + per_page - 1) / per_page);
    page = ((page % pages) + pages) % pages;
    const ImVec2 wp = ImGui::GetWindowPos();
    for (int i = 0; i < per_page; ++i) {
        const int idx = page * per_page + i;
        if (idx >= count) break;
        const auto& m = machines[static_cast<std::size_t>(idx)];
        IdScope row(m.machine.id);
        const MachineStatusLine st = machine_status(m, clock, tr);
        const float ry = list_y + static_cast<float>(i) * row_h;
        // A bar in the status colour: the board reads by colour from across the room.
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(wp.x + p.x + pad, wp.y + ry + fs * 0.15f),
                                                  ImVec2(wp.x + p.x + pad + fs * 0.25f, wp.y + ry + row_h - fs * 0.3f),
                                                  st.color, fs * 0.1f);
        at(p.x + pad + fs * 0.5f, ry);
        text_block(ellipsize(m.machine.name, w), "name", w, Align::left, nullptr, colors::kMuted);
        at(p.x + pad + fs * 0.5f, ry + fs);
        FontScope f(status_font);
        text_block(ellipsize(st.text, w), "status", w, Align::left, nullptr, st.color);
    }
    if (pages > 1) {
        at(p.x + pad, p.y + p.h - pad - fs);
        text_block(std::to_string(page + 1) + " / " + std::to_string(pages), "page", p.w - 2 * pad, Align::right,
                   nullptr, colors::kMuted);
    }
    return pages;
}

// [Offers]
std::vector<Offer> current_offers(const app::Snapshot& s, const LocalClock& clock) {
    std::vector<Offer> r;
    for (const auto& q : s.queue) {
        if (!q.entry.offered) continue;
        if (q.entry.offer_expires && *q.entry.offer_expires <= s.at) continue;
        Offer o;
        o.entry = q.entry;
        o.machine = *q.entry.offered;
        o.machine_name = machine_name(s, o.machine);
        o.member_name = member_name(s, q.entry.member);
        o.until_hhmm = q.entry.offer_expires ? clock.hhmm(*q.entry.offer_expires) : std::string();
        o.usable_hhmm = q.usable_until ? clock.hhmm(*q.usable_until) : std::string();
        r.push_back(std::move(o));
    }
    return r;
}

OfferChoice draw_offer(const OfferView& v, Commands& out) {
    IdScope scope("offer");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const float w = std::min(c.w, fs * 32);
    const float x = c.x + (c.w - w) * 0.5f;
    const std::string title = v.tr("It's your turn!");
    std::string text = v.offer.until_hhmm.empty()
                           ? v.tr.fmt("The machine {0} is free for you.", {v.offer.machine_name})
                           : v.tr.fmt("The machine {0} is free for you until {1}.",
                                      {v.offer.machine_name, v.offer.until_hhmm});
    // How long it is theirs: the station offers only what a start can take.
    if (!v.offer.usable_hhmm.empty()) text += " " + v.tr.fmt("Started now, it is yours until {0}.", {v.offer.usable_hhmm});
    const float h = text_block_height(title, w, large_font(v.fonts)) + fs * 0.6f +
                    text_block_height(text, w, title_font(v.fonts)) + fs * 1.2f + th * 2 + gap();
    float y = c.y + std::max(0.0f, (c.h - h) * 0.5f);
    at(x, y);
    text_block(title, "title", w, Align::center, large_font(v.fonts), colors::kAccent);
    at(x, ImGui::GetCursorPosY() + fs * 0.6f - ImGui::GetStyle().ItemSpacing.y);
    text_block(text, "text", w, Align::center, title_font(v.fonts));
    y = ImGui::GetCursorPosY() + fs * 1.2f;
    OfferChoice choice = OfferChoice::none;
    ButtonOpts start;
    start.tone = Tone::primary;
    start.font = title_font(v.fonts);
    // As tall as its label in the title font needs (larger text).
    const float start_h = std::max(th, (start.font ? start.font->FontSize : fs) + fs * 0.4f);
    at(x, y);
    if (button(v.tr("Start"), "start", ImVec2(w, start_h), start)) {
        out.post(app::MachineAccess{v.offer.machine, v.member, std::nullopt});
        choice = OfferChoice::start;
    }
    const float bw = (w - gap()) / 2;
    y += start_h - th;
    at(x, y + th + gap());
    if (button(v.tr("No thanks"), "decline", ImVec2(bw, th))) {
        out.post(app::LeaveQueue{v.member, alloc::QueueTarget{v.offer.entry.machine, v.offer.entry.pool}});
        choice = OfferChoice::decline;
    }
    at(x + bw + gap(), y + th + gap());
    ButtonOpts later;
    later.tone = Tone::quiet;
    if (button(v.tr("Later"), "later", ImVec2(bw, th), later)) choice = OfferChoice::later;
    return choice;
}

// [Notices]
bool draw_notices(const NoticesView& v) {
    IdScope scope("notices");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const float w = std::min(c.w, fs * 34);
    const float x = c.x + (c.w - w) * 0.5f;
    at(x, c.y);
    text_block(v.tr("A message from the hosts"), "title", w, Align::left, title_font(v.fonts), colors::kAccent);
    float y = ImGui::GetCursorPosY() + fs * 0.4f;
    const float bottom = c.y + c.h - th - fs * 0.5f;
    std::size_t i = 0;
    for (const auto& b : v.notices ? *v.notices : std::vector<alloc::Booking>{}) {
        std::string name = "#" + std::to_string(b.machine);
        if (v.machines)
            for (const auto& m : *v.machines)
                if (m.machine.id == b.machine) name = m.machine.name;
        const std::string when = v.tr.fmt("{0} at {1}", {format_day(v.tr.lang, v.clock.day_of(b.start)), v.clock.hhmm(b.start)});
        std::string text = b.state == alloc::BookingState::cancelled
                               ? v.tr.fmt("Your booking of {0} on {1} was cancelled.", {name, when})
                               : v.tr.fmt("Your booking of {0} was moved to {1}.", {name, when});
        if (b.host_note && !b.host_note->empty()) text += " " + v.tr.fmt("Reason: {0}", {*b.host_note});
        const float h = text_block_height(text, w);
        if (y + h > bottom) break;  // very many notes: the first ones (the station keeps them in order)
        at(x, y);
        text_block(text, "notice" + std::to_string(i++), w);
        y += h + fs * 0.5f;
    }
    const float ok_w = std::min(c.w, fs * 10);
    at(c.x + (c.w - ok_w) * 0.5f, c.y + c.h - th);
    ButtonOpts ok;
    ok.tone = Tone::primary;
    return button(v.tr("OK"), "ok", ImVec2(ok_w, th), ok);
}

// [Flow: header and replies]
MachinesUi machines_for_member(const core::Member& m, const app::Snapshot& s) {
    MachinesUi ui;
    ui.step = MachinesUi::Step::machines;
    ui.for_member = m.id;
    ui.for_name = m.display_name;
    ui.access_seen = s.last_access ? s.last_access->seq : 0;
    return ui;
}

MachinesUi machines_for_host(const core::Member& host, const app::Snapshot& s) {
    MachinesUi ui = machines_for_member(host, s);
    ui.step = MachinesUi::Step::host_machines;
    return ui;
}

namespace machine_screens {

// A new step starts with a clean slate: no page, no pending confirmation, no old message.
void go(MachinesUi& ui, Step step) {
    ui.step = step;
    ui.page = 0;
    ui.confirm_cancel = 0;
    ui.message.clear();
}

// Title on the left; an optional extra button and "Back" on the right. Returns 1 when
// Back was tapped, 2 for the extra button, 0 otherwise.
int header(const MachinesView& v, const std::string& title, const Box& c, const std::string& extra,
           const char* extra_id) {
    std::vector<HeaderButton> buttons{{v.tr("Back"), "back"}};
    if (!extra.empty() && extra_id) buttons.push_back({extra, extra_id});
    return header_row(v.fonts, c, title, buttons);
}

const app::MachineView* chosen_machine(const MachinesView& v, MachinesUi& ui, Step otherwise) {
    const app::MachineView* mv = machine_view(*v.snap, ui.machine);
    if (!mv) go(ui, otherwise);
    return mv;
}

void handle_replies(const MachinesView& v, MachinesUi& ui) {
    const app::Snapshot& s = *v.snap;
    if (s.last_reply && ui.pending && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        if (s.last_reply->ok) {
            if (ui.after_ok) go(ui, *ui.after_ok);
            ui.message = ui.pending_text;
            ui.message_ok = true;
        } else {
            ui.message = v.tr.problem(s.last_reply->problem);
            ui.message_ok = false;
        }
        ui.after_ok.reset();
    }
    if (s.last_reply && ui.slots_request && s.last_reply->request_id == ui.slots_request) {
        ui.slots_request = 0;
        if (s.last_reply->ok) {
            ui.slots = s.last_slots.value_or(std::vector<alloc::Slot>{});
        } else {
            ui.slots = std::vector<alloc::Slot>{};
            ui.message = v.tr.problem(s.last_reply->problem);
            ui.message_ok = false;
        }
    }
    if (s.last_access && s.last_access->seq > ui.access_seen) {
        ui.access_seen = s.last_access->seq;
        const auto& a = *s.last_access;
        if (a.member == ui.for_member || a.member == v.viewer.id) {
            const std::string name = machine_name(s, a.machine);
            if (a.granted) ui.message = v.tr.fmt("{0} is on for you until {1}.", {name, a.until_hhmm});
            else if (a.ended) ui.message = v.tr.fmt("{0} is stopped. Thank you!", {name});
            else if (a.checked) ui.message = v.tr.fmt("{0} is checked: ready for the next member. Thank you!", {name});
            else ui.message = v.tr.problem(a.refusal);
            ui.message_ok = a.granted || a.ended || a.checked;
        }
    }
}

const alloc::DayPlan* day_plan(const MachinesView& v, MachinesUi& ui, alloc::MachineId m, core::Date d, Commands& out,
                               std::optional<core::Problem>* failed) {
    const app::Snapshot& s = *v.snap;
    const alloc::DayQuery q{m, ui.for_member, v.viewer.id, d};
    for (const alloc::DayPlan& p : s.day_plans)
        if (p.query == q) return &p;
    const bool answered = s.last_reply && ui.day_request != 0 && s.last_reply->request_id == ui.day_request;
    if (answered && !s.last_reply->ok && ui.day_asked == q) {
        if (failed) *failed = s.last_reply->problem;
        return nullptr;
    }
    // Asked once; again when the station seems to have dropped it (other kiosks asked for
    // newer days since).
    if (ui.day_asked != q || s.version >= ui.day_asked_version + 3) {
        ui.day_asked = q;
        ui.day_asked_version = s.version;
        ui.day_request = out.post(app::PlanDay{q});
    }
    return nullptr;
}

const alloc::DayStart* plan_start(const alloc::DayPlan& p, core::Timestamp t) {
    for (const alloc::DayStart& d : p.starts)
        if (d.start == t) return &d;
    return nullptr;
}

}  // namespace machine_screens


// [Dispatch]
Next draw_machines(const MachinesView& v, MachinesUi& ui, Commands& out) {
    if (!v.snap) return Next::home;
    handle_replies(v, ui);
    switch (ui.step) {
        case Step::machines: return step_machines(v, ui, out);
        case Step::machine: return step_machine(v, ui, out);
        case Step::length: return step_length(v, ui, out);
        case Step::slots: return step_slots(v, ui, out);
        case Step::mine: return step_mine(v, ui, out);
        case Step::host_machines: return step_host_machines(v, ui, out);
        case Step::host_machine: return step_host_machine(v, ui, out);
        case Step::cancel_reason: return step_cancel_reason(v, ui, out);
        case Step::check_problem: return step_check_problem(v, ui, out);
        case Step::pick_member: return step_pick_member(v, ui, out);
        case Step::hours: return step_hours(v, ui, out);
        case Step::devices: return step_devices(v, ui, out);
        case Step::enrol_reader: return step_enrol_reader(v, ui, out);
    }
    return Next::stay;
}

}  // namespace etabli::gui
