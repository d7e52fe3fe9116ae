// The hosts' screen for forgotten check-outs (see checkouts.hpp). Layer: gui. GUI thread only.
//
// Times are shown in the workshop's local time with the UTC offset the station gives for each
// presence's check-in (a past day may have another offset than today). The picker never
// clamps: the station judges (after the check-in, not in the future, before the next visit)
// and its refusal is shown in words, so the host learns why.
//
// Index: [Time] [List] [Picker] [Entry]
#include <etabli/gui/checkouts.hpp>

#include "kit.hpp"

#include <algorithm>
#include <array>

namespace etabli::gui {

using namespace kit;
using namespace std::chrono;

namespace {

// [Time]
struct LocalTime {
    core::Date day{};
    int minute = 0;  // 0 … 1439
};

LocalTime local_of(core::Timestamp t, seconds offset) {
    const auto l = t + offset;
    const auto d = floor<days>(l);
    return {core::Date{d}, static_cast<int>(duration_cast<minutes>(l - d).count())};
}

core::Timestamp utc_of(core::Date day, int minute, seconds offset) {
    return core::Timestamp{sys_days{day}.time_since_epoch() + minutes{minute} - offset};
}

std::string hhmm(core::Timestamp t, seconds offset) {
    const int m = local_of(t, offset).minute;
    std::string s(5, ':');
    s[0] = static_cast<char>('0' + m / 600);
    s[1] = static_cast<char>('0' + m / 60 % 10);
    s[3] = static_cast<char>('0' + m % 60 / 10);
    s[4] = static_cast<char>('0' + m % 10);
    return s;
}

// "3 h 25": how long the presence lasts with this check-out.
std::string duration_text(core::Timestamp in, core::Timestamp out) {
    const auto m = duration_cast<minutes>(out - in).count();
    if (m < 0) return "-";
    const auto mm = m % 60;
    return std::to_string(m / 60) + " h " + (mm < 10 ? "0" : "") + std::to_string(mm);
}

const app::PresenceToCorrect* find(const app::Snapshot& s, core::PresenceId id) {
    for (const auto& p : s.presence_corrections)
        if (p.presence == id) return &p;
    return nullptr;
}

// Where the picker starts: what the station counted (closing time), else an hour after the
// check-in.
core::Timestamp first_guess(const app::PresenceToCorrect& p) { return p.closing.value_or(p.checked_in + hours{1}); }

std::string who_line(const Tr& tr, const app::PresenceToCorrect& p) {
    std::string s = p.member_name;
    if (p.role) s += " · " + tr(std::string(core::label_of(*p.role)));
    return s;
}

std::string when_line(const Tr& tr, const app::PresenceToCorrect& p) {
    const std::string day = format_day(tr.lang, local_of(p.checked_in, p.utc_offset).day);
    if (p.closing)
        return tr.fmt("{0}: arrived at {1}, counted until {2}",
                      {day, hhmm(p.checked_in, p.utc_offset), hhmm(*p.closing, p.utc_offset)});
    return tr.fmt("{0}: arrived at {1}, not counted yet", {day, hhmm(p.checked_in, p.utc_offset)});
}

bool header(const CheckoutsView& v, const std::string& title, const std::string& button_label, const char* id) {
    return title_bar(v.fonts, title, button_label, id);
}

void message_line(const CheckoutsUi& ui, float x, float y, float w) { outcome_line(ui.message, ui.message_ok, x, y, w); }

// [List]
Next draw_list(const CheckoutsView& v, CheckoutsUi& ui) {
    IdScope scope("list");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, v.tr("Forgotten check-outs"), v.tr("Back"), "back")) return Next::home;
    const float top = c.y + th + gap();
    const float bar_y = c.y + c.h - th;
    const auto& list = s.presence_corrections;
    if (list.empty()) {
        at(c.x, top);
        text_block(v.tr("No forgotten check-out to correct."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    const std::string set_label = v.tr("Set the time");
    const float bw = button_width(set_label, 6.0f);
    const float tw = c.w - bw - fs * 1.2f;
    // Rows as tall as their longest text, which wraps rather than being cut (larger text).
    float text_h = 2 * fs;
    for (const auto& p : list)
        text_h = std::max(text_h, two_lines_height(who_line(v.tr, p), when_line(v.tr, p), tw));
    const float row_h = std::max({th, fs * 2.8f, text_h + fs * 0.8f});
    const float pb = fs * 2.6f;
    const float lift = message_lift(ui.message, c.w - 2 * pb - 2 * gap(), c.w, th);
    const int per_page = std::max(1, static_cast<int>((bar_y - lift - gap() - top + gap()) / (row_h + gap())));
    const int pages = std::max(1, (static_cast<int>(list.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= list.size()) break;
        const auto& p = list[idx];
        IdScope row(p.presence);
        const float ry = top + static_cast<float>(i) * (row_h + gap());
        panel(Box{c.x, ry, c.w, row_h});
        two_lines(who_line(v.tr, p), "who", when_line(v.tr, p), "when", c.x + fs * 0.4f, ry, tw, row_h);
        at(c.x + c.w - bw, ry);
        ButtonOpts o;
        o.tone = Tone::primary;
        if (button(set_label, "set", ImVec2(bw, row_h), o)) {
            ui.selected = p.presence;
            ui.out = first_guess(p);
            ui.message.clear();
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), bar_y, pb, th);
    bottom_message(ui.message, ui.message_ok ? colors::kOk : colors::kError,
                   Box{c.x, bar_y, c.w - (pages > 1 ? 2 * pb + 2 * gap() : 0.0f), th}, c.x, c.w);
    return Next::stay;
}

// [Picker]
void draw_picker(const CheckoutsView& v, CheckoutsUi& ui, const app::PresenceToCorrect& p, Commands& out) {
    IdScope scope("picker");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, who_line(v.tr, p), v.tr("Back"), "back")) {
        ui.selected = 0;
        ui.message.clear();
        return;
    }
    float y = c.y + th + gap();
    at(c.x, y);
    text_block(ellipsize(when_line(v.tr, p), c.w), "when", c.w, Align::left, nullptr, colors::kMuted);
    y += fs * 1.2f;

    // The time being set, large, with the length of the visit it gives.
    const std::string left = v.tr.fmt("Left at {0}", {hhmm(ui.out, p.utc_offset)});
    {
        FontScope f(title_font(v.fonts));
        const float lh = ImGui::GetFontSize();
        at(c.x, y);
        const float lw = ImGui::CalcTextSize(left.c_str()).x + fs;
        text_block(left, "left", std::min(lw, c.w), Align::left, nullptr, colors::kAccent);
        const float dw = c.w - lw;
        if (dw > fs * 4) {
            FontScope body(ImGui::GetIO().Fonts->Fonts[0]);
            at(c.x + lw, y + (lh - ImGui::GetFontSize()) * 0.5f);
            text_block(ellipsize(v.tr.fmt("present {0}", {duration_text(p.checked_in, ui.out)}), dw), "length", dw,
                       Align::left, nullptr, colors::kMuted);
        }
        y += lh + gap();
    }

    // Rows of buttons share what is left above the message and the confirm bar.
    const float bar_y = c.y + c.h - th;
    const float msg_h = std::max(fs * 1.3f, outcome_height(ui.message, c.w) + fs * 0.3f);
    const float rows_top = y;
    const float row_h = std::max(th, (bar_y - msg_h - rows_top - 3 * gap()) / 3.0f);
    const float row_hh = std::min(row_h, th * 1.4f);
    auto cell = [&](int n) { return (c.w - static_cast<float>(n - 1) * gap()) / static_cast<float>(n); };

    // Row 1: steps.
    struct Step {
        const char* label;
        const char* id;
        minutes delta;
    };
    constexpr std::array<Step, 4> kSteps{{{"-1 h", "minus60", minutes{-60}},
                                          {"-15 min", "minus15", minutes{-15}},
                                          {"+15 min", "plus15", minutes{15}},
                                          {"+1 h", "plus60", minutes{60}}}};
    {
        const float w = cell(4);
        for (std::size_t i = 0; i < kSteps.size(); ++i) {
            at(c.x + static_cast<float>(i) * (w + gap()), y);
            if (button(kSteps[i].label, kSteps[i].id, ImVec2(w, row_hh))) {
                ui.out += kSteps[i].delta;
                ui.message.clear();
            }
        }
        y += row_hh + gap();
    }
    // Row 2: hour chips around the visit, on the day of the check-in.
    const LocalTime in = local_of(p.checked_in, p.utc_offset);
    const LocalTime cur = local_of(ui.out, p.utc_offset);
    {
        const int first = in.minute / 60;
        const int count = std::min(10, 24 - first);
        const float w = cell(count);
        // "14 h" on each chip, or the hour alone when it does not fit (larger text).
        const bool bare = ImGui::CalcTextSize("23 h").x > w - fs * 0.8f;
        for (int i = 0; i < count; ++i) {
            const int hour = first + i;
            IdScope chip(static_cast<std::int64_t>(hour));
            ButtonOpts o;
            o.tone = cur.day == in.day && cur.minute / 60 == hour ? Tone::selected : Tone::normal;
            at(c.x + static_cast<float>(i) * (w + gap()), y);
            if (button(std::to_string(hour) + (bare ? "" : " h"), "hour", ImVec2(w, row_hh), o)) {
                ui.out = utc_of(in.day, hour * 60 + cur.minute % 60, p.utc_offset);
                ui.message.clear();
            }
        }
        y += row_hh + gap();
    }
    // Row 3: minute chips.
    {
        const float w = cell(4);
        for (int i = 0; i < 4; ++i) {
            const int minute = i * 15;
            IdScope chip(static_cast<std::int64_t>(minute));
            ButtonOpts o;
            o.tone = cur.minute % 60 == minute ? Tone::selected : Tone::normal;
            at(c.x + static_cast<float>(i) * (w + gap()), y);
            const std::string label = std::string(minute < 10 ? ":0" : ":") + std::to_string(minute);
            if (button(label, "minute", ImVec2(w, row_hh), o)) {
                ui.out = utc_of(cur.day, cur.minute / 60 * 60 + minute, p.utc_offset);
                ui.message.clear();
            }
        }
        y += row_hh + gap();
    }
    message_line(ui, c.x, std::max(y, bar_y - msg_h), c.w);

    at(c.x, bar_y);
    ButtonOpts confirm;
    confirm.tone = Tone::primary;
    confirm.enabled = ui.pending == 0;
    if (button(v.tr.fmt("Confirm: left at {0}", {hhmm(ui.out, p.utc_offset)}), "confirm", ImVec2(c.w, th), confirm)) {
        ui.message.clear();
        // The corrected presence leaves the list with the reply: say now what it will say.
        ui.done_text = v.tr.fmt("Check-out of {0} set to {1}.", {p.member_name, hhmm(ui.out, p.utc_offset)});
        ui.pending = out.post(app::CorrectPresence{p.presence, ui.out, v.viewer.id});
    }
}

}  // namespace

// [Entry]
Next draw_checkouts(const CheckoutsView& v, CheckoutsUi& ui, Commands& out) {
    if (!v.snap) return Next::home;
    IdScope scope("checkouts");
    const app::Snapshot& s = *v.snap;
    if (ui.pending && s.last_reply && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        ui.message_ok = s.last_reply->ok;
        if (s.last_reply->ok) {
            ui.message = ui.done_text;
            ui.selected = 0;
        } else {
            ui.message = v.tr.problem(s.last_reply->problem);
        }
    }
    const auto* p = ui.selected ? find(s, ui.selected) : nullptr;
    if (ui.selected && !p && !ui.pending) ui.selected = 0;  // corrected meanwhile (another kiosk, the CLI)
    if (p) {
        draw_picker(v, ui, *p, out);
        return Next::stay;
    }
    return draw_list(v, ui);
}

}  // namespace etabli::gui
