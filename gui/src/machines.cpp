// The kiosk's machine screens: board, booking flow, queue offers, notices and the
// hosts' machine screens. Every time shown is local, derived from the snapshot's local
// clock (LocalClock, see machines.hpp); every time sent is UTC.
// Layer: gui. GUI thread only (inside an ImGui frame); LocalClock and the status texts are pure.
//
// Index: [Local time] [Helpers] [Board] [Offers] [Notices] [Flow: header and replies]
//        [Machines] [Machine day] [Length] [Slots] [My bookings] [Host: machines]
//        [Host: one machine] [Host: cancel with a reason] [Host: pick a member]
//        [Host: opening hours] [Dispatch]
#include <etabli/gui/machines.hpp>

#include "kit.hpp"
#include "controllers.hpp"
#include "devices.hpp"

#include <etabli/alloc/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace etabli::gui {

using namespace kit;
using std::chrono::minutes;

// [Local time]
LocalClock LocalClock::of(core::Timestamp at, std::string_view local_hhmm, core::Date today) {
    LocalClock c;
    c.at = at;
    c.today = today;
    int h = 0, m = 0;
    if (local_hhmm.size() == 5 && local_hhmm[2] == ':' &&
        std::sscanf(std::string(local_hhmm).c_str(), "%2d:%2d", &h, &m) == 2 && h < 24 && m < 60) {
        const auto since_midnight = at - std::chrono::floor<std::chrono::days>(at);
        const int utc_min = static_cast<int>(std::chrono::duration_cast<minutes>(since_midnight).count());
        int off = h * 60 + m - utc_min;
        // The local day may differ from the UTC day: bring the offset into ±14 h.
        if (off > 14 * 60) off -= 1440;
        if (off < -14 * 60) off += 1440;
        c.offset = minutes{off};
    }
    return c;
}

LocalClock LocalClock::of(const app::Snapshot& s) {
    LocalClock c = of(s.at, s.local_hhmm, s.today);
    if (s.offsets && !s.offsets->empty()) c.changes = s.offsets;
    const int now = c.minute_of_day(s.at);
    const auto& windows = s.hours.of(c.day_of(s.at));
    c.workshop_closed = std::none_of(windows.begin(), windows.end(),
                                     [&](const alloc::DayWindow& w) { return w.from <= now && now < w.to; });
    return c;
}

minutes LocalClock::offset_at(core::Timestamp t) const {
    if (!changes) return offset;
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
    if (!changes) return local - offset;
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

// [Helpers]
namespace {

namespace tint {
inline constexpr ImU32 kFree = colors::kOk;
inline constexpr ImU32 kBusy = colors::kBusy;
inline constexpr ImU32 kBooked = colors::kBooked;
inline constexpr ImU32 kMaintenance = colors::kAccent;
inline constexpr ImU32 kOut = colors::kError;
inline constexpr ImU32 kClosed = colors::kMuted;
inline constexpr ImU32 kTakenBand = IM_COL32(0xb0, 0x5a, 0x2a, 0xff);
inline constexpr ImU32 kFreeBand = IM_COL32(0x1e, 0x5a, 0x36, 0xff);
inline constexpr ImU32 kClosedBand = IM_COL32(0x2a, 0x30, 0x3a, 0xff);
}  // namespace tint

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

// The bottom line of a screen: the last outcome (green) or problem (red), or "Saving…";
// cut to one line with "…" when the room is shorter than the text.
void message_line(const MachinesView& v, const MachinesUi& ui, float x, float y, float w, float h, bool top = false) {
    const float fs = ImGui::GetFontSize();
    std::string text = ui.pending ? v.tr("Saving…") : ui.message;
    if (text.empty() || w <= fs) return;
    float used = text_block_height(text, w);
    if (used > h) {
        text = ellipsize(text, w);
        used = fs;
    }
    at(x, y + (top ? 0.0f : std::max(0.0f, (h - used) * 0.5f)));
    text_block(text, "message", w, Align::left, nullptr,
               ui.pending ? colors::kMuted : ui.message_ok ? colors::kOk : colors::kError);
}

// The title font for a tile's label when label and caption fit `size` with it, else the body font.
ImFont* tile_font(const Fonts* fonts, std::string_view label, std::string_view caption, ImVec2 size) {
    ImFont* big = title_font(fonts);
    if (!big) return nullptr;
    const float fs = ImGui::GetFontSize();
    const float inner = size.x - 2 * fs * 0.35f;
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

}  // namespace

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
    float status_px = fs;
    {
        FontScope f(title_font(fonts));
        status_px = ImGui::GetFontSize();
    }
    const float row_h = fs + status_px + fs * 0.3f;
    const float page_label_h = fs * 1.1f;
    const float full_h = p.y + p.h - pad - list_y;
    const bool fits_all = static_cast<float>(machines.size()) * row_h <= full_h;
    const int per_page = std::max(1, static_cast<int>((fits_all ? full_h : full_h - page_label_h) / row_h));
    const int count = static_cast<int>(machines.size());
    const int pages = std::max(1, (count + per_page - 1) / per_page);
    page = ((page % pages) + pages) % pages;
    const float w = p.w - 2 * pad - fs * 0.5f;
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
        FontScope f(title_font(fonts));
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
    at(x, y);
    if (button(v.tr("Start"), "start", ImVec2(w, th), start)) {
        out.post(app::MachineAccess{v.offer.machine, v.member, std::nullopt});
        choice = OfferChoice::start;
    }
    const float bw = (w - gap()) / 2;
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

namespace {

using Step = MachinesUi::Step;

// A new step starts with a clean slate: no page, no pending confirmation, no old message.
void go(MachinesUi& ui, Step step) {
    ui.step = step;
    ui.page = 0;
    ui.confirm_cancel = 0;
    ui.message.clear();
}

// Title on the left; an optional extra button and "Back" on the right. Returns 1 when
// Back was tapped, 2 for the extra button, 0 otherwise.
int header(const MachinesView& v, const std::string& title, const Box& c, const std::string& extra = {},
           const char* extra_id = nullptr) {
    const float th = touch_height();
    const std::string back = v.tr("Back");
    const float bw = button_width(back, 5.0f);
    int r = 0;
    at(c.x + c.w - bw, c.y);
    if (button(back, "back", ImVec2(bw, th))) r = 1;
    float right = bw;
    if (!extra.empty() && extra_id) {
        const float ew = button_width(extra, 5.0f);
        right += ew + gap();
        at(c.x + c.w - right, c.y);
        if (button(extra, extra_id, ImVec2(ew, th))) r = 2;
    }
    FontScope f(title_font(v.fonts));
    at(c.x, c.y + (th - ImGui::GetFontSize()) * 0.5f);
    const float tw = c.w - right - ImGui::GetFontSize() * 0.5f;
    text_block(ellipsize(title, tw), "title", tw);
    return r;
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

// The longest booking that may start at `start` on `m` (0: none), given the other bookings,
// the buffer after each, the rules and, for members, the end of the opening window.
minutes room_at(const app::Snapshot& s, const alloc::Machine& m, core::Timestamp start,
                std::optional<core::Timestamp> window_end) {
    const auto buffer = m.rules.buffer_after;
    core::Timestamp limit = start + m.rules.max_length;
    if (window_end) limit = std::min(limit, *window_end);
    for (const auto* b : bookings_on(s, m.id)) {
        if (b->start <= start && start < b->end + buffer) return minutes{0};  // taken
        if (b->start > start) limit = std::min(limit, b->start - buffer);
    }
    if (limit <= start) return minutes{0};
    return std::chrono::duration_cast<minutes>(limit - start);
}

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
    const int rows = std::max(1, static_cast<int>((bar_y - gap() - top + gap()) / (tile_h + gap())));
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
        font = tile_font(v.fonts, list[idx]->machine.name, caption_of(*list[idx]), ImVec2(tw, tile_h));
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
        at(c.x + static_cast<float>(i % cols) * (tw + gap()), top + static_cast<float>(i / cols) * (tile_h + gap()));
        if (button(m.machine.name, "open", ImVec2(tw, tile_h), o)) {
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
    const float pb = fs * 2.6f;
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    message_line(v, ui, c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th);
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

std::vector<Cell> day_cells(const MachinesView& v, const MachinesUi& ui, const alloc::Machine& m, core::Date d) {
    const app::Snapshot& s = *v.snap;
    const minutes slot = std::max(m.rules.slot, minutes{1});
    const auto& windows = s.hours.of(d);
    std::vector<Cell> cells;
    auto open_until = [&](core::Timestamp t) -> std::optional<core::Timestamp> {
        for (const auto& w : windows) {
            const auto a = v.clock.utc(d, w.from), b = v.clock.utc(d, w.to);
            if (a <= t && t < b) return b;
        }
        return std::nullopt;
    };
    auto add = [&](core::Timestamp from, core::Timestamp to) {
        for (auto t = ceil_to(from, slot); t + slot <= to; t += slot) {
            Cell c;
            c.start = t;
            const auto window_end = open_until(t);
            c.closed = !window_end;
            // Members book inside opening hours; hosts may go past the closing time.
            c.room = room_at(s, m, t, ui.as_host ? std::nullopt : window_end);
            c.past = t < v.clock.at;
            c.taken = room_at(s, m, t, std::nullopt) == minutes{0};
            for (const auto* b : bookings_on(s, m.id))
                if (b->start <= t && t < b->end && b->member == ui.for_member) c.mine = true;
            cells.push_back(c);
        }
    };
    if (ui.as_host) add(v.clock.utc(d, 0), v.clock.utc(d, 1440));
    else
        for (const auto& w : windows) add(v.clock.utc(d, w.from), v.clock.utc(d, w.to));
    return cells;
}

// The day's bar: closed, free and taken stretches of the opening hours (the whole day for
// hosts), with the current time as a line.
void day_band(const MachinesView& v, const MachinesUi& ui, const alloc::Machine& m, core::Date d, Box b) {
    const app::Snapshot& s = *v.snap;
    const auto& windows = s.hours.of(d);
    int from = 0, to = 1440;
    if (!ui.as_host && !windows.empty()) {
        from = windows.front().from;
        to = windows.back().to;
    }
    if (to <= from) return;
    const ImVec2 wp = ImGui::GetWindowPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    auto x_of = [&](int minute) {
        return wp.x + b.x + b.w * static_cast<float>(std::clamp(minute, from, to) - from) / static_cast<float>(to - from);
    };
    const float y0 = wp.y + b.y, y1 = wp.y + b.y + b.h;
    dl->AddRectFilled(ImVec2(x_of(from), y0), ImVec2(x_of(to), y1), tint::kClosedBand, fs * 0.15f);
    for (const auto& w : windows) dl->AddRectFilled(ImVec2(x_of(w.from), y0), ImVec2(x_of(w.to), y1), tint::kFreeBand);
    const auto day_start = v.clock.utc(d, 0);
    for (const auto* bk : bookings_on(s, m.id)) {
        const auto a = std::chrono::duration_cast<minutes>(bk->start - day_start).count();
        const auto e = std::chrono::duration_cast<minutes>(bk->end - day_start).count();
        if (e <= from || a >= to) continue;
        dl->AddRectFilled(ImVec2(x_of(static_cast<int>(std::max<long long>(a, from))), y0),
                          ImVec2(x_of(static_cast<int>(std::min<long long>(e, to))), y1), tint::kTakenBand);
    }
    if (v.clock.day_of(v.clock.at) == d) {
        const float x = x_of(v.clock.minute_of_day(v.clock.at));
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

// What the last check found wrong, under a machine in maintenance.
float check_note_line(const MachinesView& v, const alloc::Machine& m, float x, float y, float w) {
    if (m.status != alloc::MachineStatus::maintenance || !m.check_note) return y;
    at(x, y);
    text_block(v.tr.fmt("Found at the check: {0}", {*m.check_note}), "check_note", w, Align::left, nullptr, colors::kMuted);
    return ImGui::GetCursorPosY() + gap();
}

Next step_machine(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("machine");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = machine_view(s, ui.machine);
    if (!mv) {
        go(ui, Step::machines);
        return Next::stay;
    }
    const alloc::Machine& m = mv->machine;
    if (header(v, m.name, c) == 1) {
        go(ui, Step::machines);
        return Next::stay;
    }
    const bool ok = authorised(m, ui.for_member);

    // The side column: status, start/stop, the queue, the next free slot, the outcome.
    const float side_w = std::max(std::floor(c.w * 0.3f), fs * 9.0f);
    const float side_x = c.x + c.w - side_w;
    const float top = c.y + th + gap();
    float y = top;
    {
        const MachineStatusLine st = machine_status(*mv, v.clock, v.tr);
        at(side_x, y);
        text_block(st.text, "status", side_w, Align::left, title_font(v.fonts), st.color);
        y = ImGui::GetCursorPosY() + fs * 0.3f;
        y = check_note_line(v, m, side_x, y, side_w);
    }
    const float action_h = std::max(th, fs * 2.3f);  // room for a label on two lines
    const bool mine_running = mv->session && mv->session->member == ui.for_member;
    if (!ui.as_host) {
        if (mine_running) {
            ButtonOpts o;
            o.tone = Tone::danger;
            at(side_x, y);
            if (button(v.tr("Stop"), "stop", ImVec2(side_w, action_h), o))
                out.post(app::MachineAccess{m.id, ui.for_member, std::nullopt});
            y += action_h + gap();
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
                if (button(v.tr("Hand over"), "handover", ImVec2(side_w, action_h), ho)) {
                    ui.message.clear();
                    ui.pending_text = v.tr("Ask the next member to badge at the machine within a minute.");
                    ui.pending = out.post(app::OfferHandover{m.id, ui.for_member});
                }
                y += action_h + gap();
            }
        } else {
            // Start: the member's booking of now (from 10 min before it), or a free machine.
            bool my_booking_now = false, other_now = false;
            for (const auto* b : bookings_on(s, m.id)) {
                const bool now = b->start - minutes{10} <= v.clock.at && v.clock.at < b->end;
                if (!now) continue;
                if (b->member == ui.for_member) my_booking_now = true;
                else if (b->start <= v.clock.at) other_now = true;
            }
            // Outside opening hours the station refuses a member's walk-in (a host may start
            // one, and a booking made for now starts): the button is not offered as if it
            // would work, and the line under it says why.
            const bool closed = v.clock.workshop_closed && !my_booking_now && !core::can_host(v.viewer.role);
            ButtonOpts o;
            o.tone = closed ? Tone::normal : Tone::primary;
            o.enabled = ok && !closed && m.status == alloc::MachineStatus::available && !mv->session &&
                        (my_booking_now || !other_now);
            if (m.awaiting_check) {  // its check after use first: the start waits for it
                y = check_buttons(v, ui, m, side_x, y, side_w, action_h, false, out);
            } else {
                at(side_x, y);
                if (button(v.tr("Start"), "start", ImVec2(side_w, action_h), o))
                    out.post(app::MachineAccess{m.id, ui.for_member, std::nullopt});
                y += action_h + gap();
            }
            if (closed && !m.awaiting_check) {
                at(side_x, y);
                text_block(v.tr("The workshop is closed: machines start during opening hours."), "closed_why", side_w,
                           Align::left, nullptr, colors::kMuted);
                y = ImGui::GetCursorPosY() + gap();
            }
            const alloc::QueuePlace* q = queue_place(s, ui.for_member, m.id);
            if (q) {
                at(side_x, y);
                const std::string wait = duration_text(std::chrono::duration_cast<minutes>(q->estimated_wait));
                text_block(v.tr.fmt("You are {0} in the queue; about {1} to wait.", {ordinal(v.tr.lang, q->position), wait}),
                           "queue", side_w, Align::left, nullptr, colors::kMuted);
                y = ImGui::GetCursorPosY();
                at(side_x, y);
                if (button(v.tr("Leave the queue"), "leave", ImVec2(side_w, action_h)))
                    out.post(app::LeaveQueue{ui.for_member, alloc::QueueTarget{m.id, std::nullopt}});
                y += action_h + gap();
            } else if (ok && (mv->session || other_now || m.status != alloc::MachineStatus::available || m.awaiting_check)) {
                at(side_x, y);
                if (button(v.tr("Join the queue"), "join", ImVec2(side_w, action_h)))
                    out.post(app::JoinQueue{ui.for_member, alloc::QueueTarget{m.id, std::nullopt}});
                y += action_h + gap();
            }
        }
    }
    ButtonOpts nf;
    nf.enabled = ok;
    at(side_x, y);
    if (button(v.tr("Next free slot"), "find", ImVec2(side_w, action_h), nf)) {
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
    y += action_h + gap();
    {  // the skill this machine needs, its next training and its know-how cards
        ButtonOpts so;
        so.tone = ok ? Tone::normal : Tone::danger;
        at(side_x, y);
        if (button(ok ? v.tr("Know-how cards") : v.tr("Training needed"), "skill_info", ImVec2(side_w, action_h), so))
            return Next::skill_info;
        y += action_h + gap();
    }
    message_line(v, ui, side_x, y + fs * 0.3f, side_w, c.y + c.h - y - fs * 0.3f, true);

    // The day: navigation, the bar, the start times.
    const float left_w = c.w - side_w - fs;
    const int max_day = ui.as_host ? 14 : std::clamp(m.rules.ahead_days, 0, 14);
    ui.day = std::clamp(ui.day, 0, max_day);
    const float ab = fs * 2.8f;
    {
        IdScope nav("day");
        ButtonOpts prev;
        prev.enabled = ui.day > 0;
        at(c.x, top);
        if (button("◀", "prev", ImVec2(ab, th), prev)) {
            --ui.day;
            ui.grid_page = -1;
        }
        ButtonOpts next;
        next.enabled = ui.day < max_day;
        at(c.x + left_w - ab, top);
        if (button("▶", "next", ImVec2(ab, th), next)) {
            ++ui.day;
            ui.grid_page = -1;
        }
    }
    // The day after the buttons: a tap shows the new day in this very frame.
    const core::Date d = core::Date{std::chrono::sys_days(v.clock.today) + std::chrono::days{ui.day}};
    {
        const float lw = left_w - 2 * ab - 2 * gap();
        std::string label = format_day(v.tr.lang, d);
        if (ui.day == 0) label = v.tr.fmt("Today, {0}", {label});
        at(c.x + ab + gap(), top + (th - fs) * 0.5f);
        text_block(ellipsize(label, lw), "day", lw, Align::center);
    }
    const float band_y = top + th + gap();
    const float band_h = fs * 0.7f;
    day_band(v, ui, m, d, Box{c.x, band_y, left_w, band_h});

    const std::vector<Cell> cells = day_cells(v, ui, m, d);
    const float grid_y = band_y + band_h + gap() * 1.5f;
    const float bar_y = c.y + c.h - th;
    const float cell_min = std::max(fs * 3.6f, ImGui::CalcTextSize("00:00").x + fs * 1.2f);
    const int cols = std::max(1, static_cast<int>((left_w + gap()) / (cell_min + gap())));
    const float cw = (left_w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float ch = std::max(th, fs * 1.95f);
    int rows = std::max(1, static_cast<int>((bar_y - gap() - grid_y + gap()) / (ch + gap())));
    const bool all_fit = static_cast<int>(cells.size()) <= cols * (rows + 1) &&
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
    if (cells.empty()) {
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
            o.enabled = ok && !cell.past && cell.room >= m.rules.min_length;
            if (cell.taken && !cell.past) o.caption = cell.mine ? yours : taken;
            else if (cell.closed && !cell.past) o.caption = closed;
            o.tone = cell.closed ? Tone::quiet : Tone::normal;
            if (ui.start == cell.start) o.tone = Tone::selected;
            at(c.x + static_cast<float>(i % cols) * (cw + gap()), grid_y + static_cast<float>(i / cols) * (ch + gap()));
            if (button(label, label, ImVec2(cw, ch), o)) {
                ui.start = cell.start;
                const minutes want = std::max(m.rules.min_length, minutes{60});
                ui.length = std::min(want, cell.room);
                const minutes slot = std::max(m.rules.slot, minutes{1});
                ui.length = ui.length / slot * slot;
                if (ui.length < m.rules.min_length) ui.length = m.rules.min_length;
                ui.back_to = Step::machine;
                go(ui, Step::length);
                return Next::stay;
            }
        }
    }
    if (pages > 1 && !all_fit) ui.grid_page = time_pager(v.tr, ui.grid_page, pages, c.x, bar_y, std::min(left_w, fs * 14), th);
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

    // Lengths on the slot grid, from the minimum to the maximum of the machine's rules.
    std::optional<core::Timestamp> window_end;
    if (!ui.as_host)
        for (const auto& w : s.hours.of(d))
            if (v.clock.utc(d, w.from) <= start && start < v.clock.utc(d, w.to)) window_end = v.clock.utc(d, w.to);
    const minutes room = room_at(s, m, start, ui.as_host ? std::nullopt : window_end);
    const minutes slot = std::max(m.rules.slot, minutes{1});
    std::vector<minutes> lengths;
    for (minutes l = std::max(m.rules.min_length, slot); l <= m.rules.max_length && lengths.size() < 48; l += slot)
        lengths.push_back(l);
    const float bar_y = c.y + c.h - th;
    const float lw = std::max(fs * 4.2f, ImGui::CalcTextSize("10 h 45").x + fs * 1.2f);
    const int cols = std::max(1, static_cast<int>((c.w + gap()) / (lw + gap())));
    const float cw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float summary_h = fs * 1.6f;
    const int rows = std::max(1, static_cast<int>((bar_y - summary_h - y) / (th + gap())));
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
    const bool valid = ui.length >= m.rules.min_length && ui.length <= room;
    if (valid) {
        at(c.x, bar_y - summary_h);
        text_block(span_text(v.tr, v.clock, start, start + ui.length) + " (" + duration_text(ui.length) + ")",
                   "summary", c.w, Align::left, nullptr, colors::kAccent);
    }
    const std::string confirm = v.tr("Confirm the booking");
    const float cbw = button_width(confirm, 8.0f);
    float left = c.w - cbw - gap();
    const float pb = fs * 2.6f;
    if (pages > 1) {
        ui.page = pager(ui.page, pages, c.x, bar_y, pb, th);
        left -= 2 * pb + 2 * gap();
    }
    message_line(v, ui, c.x + (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), bar_y, left, th);
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
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = machine_view(s, ui.machine);
    if (!mv) {
        go(ui, Step::machines);
        return Next::stay;
    }
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
        const float bh = std::min(std::max(th, fs * 2.2f), (bar_y - gap() - y) / 3 - gap());
        for (std::size_t i = 0; i < ui.slots->size() && i < 3; ++i) {
            const alloc::Slot& sl = (*ui.slots)[i];
            IdScope row(static_cast<std::int64_t>(i));
            ButtonOpts o;
            o.tone = i == 0 ? Tone::primary : Tone::normal;
            o.font = title_font(v.fonts);
            if (bh < th) break;
            at(c.x, y + static_cast<float>(i) * (bh + gap()));
            if (button(span_text(v.tr, v.clock, sl.start, sl.end), "pick", ImVec2(c.w, bh), o)) {
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
    message_line(v, ui, c.x, bar_y, c.w, th);
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
    const float row_h = std::max(th, fs * 2.3f);
    const int per_page = std::max(1, static_cast<int>((bar_y - gap() - top + gap()) / (row_h + gap())));
    const int pages = std::max(1, (static_cast<int>(mine.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (mine.empty()) {
        at(c.x, top);
        text_block(v.tr("No booking to come."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    const std::string cancel = v.tr("Cancel");
    const std::string sure = v.tr("Really cancel");
    const float bw = std::max(button_width(cancel, 5.0f), button_width(sure, 5.0f));
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= mine.size()) break;
        const alloc::Booking& b = *mine[idx];
        IdScope row(b.id);
        const float ry = top + static_cast<float>(i) * (row_h + gap());
        panel(Box{c.x, ry, c.w, row_h});
        const float tw = c.w - bw - fs * 1.2f;
        at(c.x + fs * 0.4f, ry + (row_h - 2 * fs) * 0.5f);
        text_block(ellipsize(machine_name(s, b.machine), tw), "machine", tw);
        at(c.x + fs * 0.4f, ry + (row_h - 2 * fs) * 0.5f + fs);
        text_block(ellipsize(span_text(v.tr, v.clock, b.start, b.end), tw), "when", tw, Align::left, nullptr,
                   colors::kMuted);
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
    const float pb = fs * 2.6f;
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    message_line(v, ui, c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th);
    return Next::stay;
}

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
    const float bar_y = c.y + c.h - th;
    const float msg_h = ui.message.empty() && !ui.pending ? 0.0f : fs * 1.3f;
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
    // The day's other host tasks at the bottom.
    const float pb = fs * 2.6f;
    const float avail = c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f);
    const float bw = (avail - gap()) / 2;
    at(c.x, bar_y);
    ButtonOpts book;
    book.tone = Tone::primary;
    if (button(v.tr("Book for a member"), "book_for", ImVec2(bw, th), book)) {
        go(ui, Step::pick_member);
        ui.search.clear();
        ui.search_keys = KeyboardState{true, false, true};
    }
    at(c.x + bw + gap(), bar_y);
    if (button(v.tr("Opening hours"), "hours", ImVec2(bw, th))) {
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
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    return Next::stay;
}

// [Host: one machine]
Next step_host_machine(const MachinesView& v, MachinesUi& ui, Commands& out) {
    IdScope scope("hostm");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::MachineView* mv = machine_view(s, ui.machine);
    if (!mv) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
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
        at(c.x, y + (th - fs) * 0.5f);
        text_block(ellipsize(text, tw), "session", tw, Align::left, nullptr, mv->session ? tint::kBusy : colors::kMuted);
        if (mv->session) {
            ButtonOpts o;
            o.tone = Tone::danger;
            o.enabled = !busy;
            at(c.x + c.w - ew, y);
            if (button(end, "end_session", ImVec2(ew, th), o)) {
                ui.message.clear();
                ui.pending_text = v.tr.fmt("{0}: the session was ended.", {m.name});
                ui.pending = out.post(app::EndSession{m.id, v.viewer.id});
            }
        }
    }
    y += th + gap();
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
        y += th + gap();
    }
    at(c.x, y);
    text_block(v.tr("Bookings"), "bookings", c.w, Align::left, title_font(v.fonts));
    y = ImGui::GetCursorPosY();
    // Bookings to come on this machine, with cancel (a reason is asked next).
    std::vector<const alloc::Booking*> list;
    for (const auto* b : bookings_on(s, m.id))
        if (b->end > v.clock.at) list.push_back(b);
    const float bar_y = c.y + c.h - th;
    const float row_h = th;
    const int per_page = std::max(1, static_cast<int>((bar_y - gap() - y + gap()) / (row_h + gap())));
    const int pages = std::max(1, (static_cast<int>(list.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (list.empty()) {
        at(c.x, y);
        text_block(v.tr("No booking to come."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    const std::string cancel = v.tr("Cancel");
    const float bw = button_width(cancel, 5.0f);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= list.size()) break;
        const alloc::Booking& b = *list[idx];
        IdScope row(b.id);
        const float ry = y + static_cast<float>(i) * (row_h + gap());
        const float tw = c.w - bw - fs;
        at(c.x, ry + (row_h - fs) * 0.5f);
        text_block(ellipsize(span_text(v.tr, v.clock, b.start, b.end) + " · " + member_name(s, b.member), tw), "when", tw);
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
    const float pb = fs * 2.6f;
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    message_line(v, ui, c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th);
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
    const float msg_h = fs * 1.3f;
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
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, v.tr("Book for whom?"), c) == 1) {
        go(ui, Step::host_machines);
        return Next::stay;
    }
    const float row_y = c.y + th + gap();
    const float pb = fs * 2.6f;
    const float field_w = c.w - 2 * pb - 2 * gap();
    at(c.x, row_y);
    text_field(ui.search, v.tr("Search a name"), "search", ImVec2(field_w, th));
    std::vector<const core::Member*> matches;
    if (s.directory)
        for (const auto& [id, m] : s.directory->members)
            if (ui.search.empty() || name_matches(m.display_name, ui.search)) matches.push_back(&m);
    std::sort(matches.begin(), matches.end(), [](const core::Member* a, const core::Member* b) {
        return fold_for_search(a->display_name) < fold_for_search(b->display_name);
    });
    const float kb_h = std::min(c.h * 0.48f, 4 * th + 3 * gap());
    const float kb_y = c.y + c.h - kb_h;
    const float list_y = row_y + th + gap();
    const float list_h = kb_y - gap() - list_y;
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float cell_w = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const int rows = std::max(1, static_cast<int>((list_h + gap()) / (th + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(matches.size()) + per_page - 1) / per_page);
    ui.page = pager(ui.page, pages, c.x + field_w + gap(), row_y, pb, th);
    if (matches.empty()) {
        at(c.x, list_y);
        text_block(v.tr("No member found."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= matches.size()) break;
        const core::Member& m = *matches[idx];
        IdScope row(m.id);
        at(c.x + static_cast<float>(i % cols) * (cell_w + gap()), list_y + static_cast<float>(i / cols) * (th + gap()));
        if (button(ellipsize(m.display_name, cell_w - fs * 0.8f), "pick", ImVec2(cell_w, th))) {
            ui.as_host = true;
            ui.for_member = m.id;
            ui.for_name = m.display_name;
            ui.message.clear();
            go(ui, Step::machines);
        }
    }
    at(c.x, kb_y);
    if (draw_keyboard(ui.search, ui.search_keys, v.tr.lang, ImVec2(c.w, kb_h), 40, v.tr)) ui.page = 0;
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
    const float row_h = std::max(th, std::min(th * 1.15f, (bar_y - gap() - top) / 7 - gap()));
    float name_w = 0;
    for (unsigned d = 0; d < 7; ++d)
        name_w = std::max(name_w, ImGui::CalcTextSize(weekday_name(v.tr.lang, d).c_str()).x);
    name_w += fs;
    const float pm = std::max(th * 1.2f, fs * 2.4f);
    const float tw = ImGui::CalcTextSize("00:00").x + fs;
    const std::string open_l = v.tr("Open");
    const std::string closed_l = v.tr("Closed");
    const float toggle_w = std::max(button_width(open_l, 5.0f), button_width(closed_l, 5.0f));
    const float dash_w = fs;
    for (int r = 0; r < 7; ++r) {
        const unsigned d = static_cast<unsigned>((r + 1) % 7);  // Monday … Sunday
        DayHoursEdit& e = ui.hours[d];
        IdScope row(static_cast<std::int64_t>(d));
        const float y = top + static_cast<float>(r) * (row_h + gap());
        float x = c.x;
        at(x, y + (row_h - fs) * 0.5f);
        text_block(weekday_name(v.tr.lang, d), "day", name_w);
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
    const std::string save = v.tr("Save");
    const float sw = button_width(save, 7.0f);
    message_line(v, ui, c.x, bar_y, c.w - sw - gap(), th);
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
    draw_devices(*v.snap, v.tr, v.clock, c.x, top, c.w, bar_y - gap() - top);
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

}  // namespace

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
