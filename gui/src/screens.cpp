// The kiosk's screens: idle, member home, refusal and the host's badge enrolment. Each is
// a function of a view-model and a presentation state; sizes are font-relative so one
// layout serves 800×480 panels and 1920×1080 screens.
// Layer: gui. GUI thread only (inside an ImGui frame).
//
// Index: [Helpers] [Dates] [Idle] [Member home] [Refusal] [Enrolment]
#include <etabli/gui/screens.hpp>

#include <etabli/core/bikes.hpp>
#include <etabli/gui/tools.hpp>
#include <etabli/gui/machines.hpp>
#include <etabli/gui/skill_home.hpp>

#include "kit.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace etabli::gui {

// [Helpers] (declared in kit.hpp: the machine screens use them too)
namespace kit {

void at(float x, float y) { ImGui::SetCursorPos(ImVec2(x, y)); }

// The content area of the current window, in window coordinates.
Box content() {
    const ImVec2 o = ImGui::GetCursorPos();
    const ImVec2 a = ImGui::GetContentRegionAvail();
    return {o.x, o.y, a.x, a.y};
}

float gap() { return ImGui::GetStyle().ItemSpacing.x; }
int rows_fit(float h, float row_h) { return std::max(1, static_cast<int>(std::floor((h + gap()) / (row_h + gap())))); }

ImFont* title_font(const Fonts* f) { return f ? f->title : nullptr; }
ImFont* clock_font(const Fonts* f) { return f ? f->clock : nullptr; }
ImFont* large_font(const Fonts* f) { return f ? f->large : nullptr; }

// "Léa" for "Léa Dubois": a greeting uses the first name.
std::string first_name(const std::string& display_name) {
    const auto sp = display_name.find(' ');
    return sp == std::string::npos ? display_name : display_name.substr(0, sp);
}

// A contactless card with its waves, drawn in `box` (window coordinates): the picture
// says "tap here" to someone who reads neither language.
void draw_tap_icon(Box b, ImU32 col) {
    const ImVec2 wp = ImGui::GetWindowPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float u = b.h / 10.0f;
    const float thick = std::max(2.0f, u * 0.6f);
    const ImVec2 card_min(wp.x + b.x, wp.y + b.y + u * 1.5f);
    const ImVec2 card_max(card_min.x + u * 11.0f, card_min.y + u * 7.0f);
    dl->AddRect(card_min, card_max, col, u * 0.8f, 0, thick);
    dl->AddRectFilled(ImVec2(card_min.x + u * 1.5f, card_min.y + u * 1.5f),
                      ImVec2(card_min.x + u * 4.0f, card_min.y + u * 3.5f), col, u * 0.4f);
    const ImVec2 c(card_max.x + u * 1.0f, (card_min.y + card_max.y) * 0.5f);
    for (int i = 1; i <= 3; ++i) {
        const float r = u * (1.2f * static_cast<float>(i) + 0.3f);
        dl->PathArcTo(c, r, -0.8f, 0.8f, 12);
        dl->PathStroke(col, 0, thick);
    }
}

// `text` shortened with "…" to fit `width` in the current font.
std::string ellipsize(std::string_view text, float width) {
    std::string s(text);
    if (ImGui::CalcTextSize(s.c_str()).x <= width) return s;
    while (!s.empty()) {
        pop_utf8(s);
        const std::string candidate = s + "…";
        if (ImGui::CalcTextSize(candidate.c_str()).x <= width) return candidate;
    }
    return "…";
}

std::string ellipsize_lines(std::string_view text, float width, std::size_t max_lines) {
    std::string s(text);
    if (wrap_lines(s, width).size() <= max_lines) return s;
    while (!s.empty()) {
        pop_utf8(s);
        const std::string candidate = s + "…";
        if (wrap_lines(candidate, width).size() <= max_lines) return candidate;
    }
    return "…";
}

// A row of two language buttons, "Français" and "English" (each in its own language, so
// someone who reads only one of them finds it); "FR" and "EN" when the names do not fit.
// Returns the language tapped.
std::optional<core::Lang> lang_switch(core::Lang current, float x, float y, float w, float h) {
    std::optional<core::Lang> chosen;
    const float bw = (w - gap()) / 2;
    const bool names = ImGui::CalcTextSize("Français").x <= bw - ImGui::GetFontSize() * 0.7f;
    at(x, y);
    ButtonOpts fr;
    fr.tone = current == core::Lang::fr ? Tone::selected : Tone::quiet;
    if (button(names ? "Français" : "FR", "lang_fr", ImVec2(bw, h), fr)) chosen = core::Lang::fr;
    at(x + bw + gap(), y);
    ButtonOpts en;
    en.tone = current == core::Lang::en ? Tone::selected : Tone::quiet;
    if (button(names ? "English" : "EN", "lang_en", ImVec2(bw, h), en)) chosen = core::Lang::en;
    return chosen;
}

// Width of a button that holds `label` on one line with comfortable margins.
float captioned_height(float at_least) { return std::max(at_least, ImGui::GetFontSize() * 2.0f); }

float label_height(std::string_view label, float w, float at_least) {
    const float fs = ImGui::GetFontSize();
    const auto lines = static_cast<float>(std::max<std::size_t>(1, wrap_lines(label, w - fs * 0.7f).size()));
    return std::max(at_least, lines * fs + fs * 0.3f);
}

ImFont* heading_font(const Fonts* fonts, std::string_view text, float w, float max_lines) {
    ImFont* font = title_font(fonts);
    if (font && text_block_height(text, w, font) > font->FontSize * (max_lines + 0.5f)) return nullptr;
    return font;
}

float two_lines_height(std::string_view first, std::string_view second, float w) {
    return text_block_height(first, w) + text_block_height(second, w);
}

void two_lines(std::string_view first, std::string_view first_id, std::string_view second, std::string_view second_id, float x,
               float y, float w, float row_h) {
    const float first_h = text_block_height(first, w);
    const float ty = y + (row_h - first_h - text_block_height(second, w)) * 0.5f;
    at(x, ty);
    text_block(first, first_id, w);
    at(x, ty + first_h);
    text_block(second, second_id, w, Align::left, nullptr, colors::kMuted);
}

float button_width(std::string_view label, float min_em) {
    const float fs = ImGui::GetFontSize();
    const std::string s(label);
    return std::max(min_em * fs, ImGui::CalcTextSize(s.c_str()).x + fs * 1.4f);
}

int header_row(const Fonts* fonts, const Box& c, std::string_view title, const std::vector<HeaderButton>& buttons,
               bool title_below) {
    const float th = touch_height();
    int tapped = 0;
    // The title keeps its width up to a third of the row; the first button (Back, Cancel) its
    // whole label; the others share what is left (at most 40 % of the row each), shortened
    // with "…" when the text is large.
    float title_need = 0;
    {
        FontScope f(title_font(fonts));
        const std::string t(title);
        title_need = std::min(ImGui::CalcTextSize(t.c_str()).x + 2 * gap(), c.w / 3);
    }
    std::vector<float> widths;
    float others = 0;
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        widths.push_back(i == 0 ? button_width(buttons[i].label, 5.0f) : std::min(button_width(buttons[i].label, 4.0f), c.w * 0.4f));
        if (i > 0) others += widths.back() + gap();
    }
    // Below: when the title, even in the body font, does not fit beside the buttons' whole labels.
    const bool below =
        title_below && ImGui::CalcTextSize(std::string(title).c_str()).x > c.w - widths[0] - others - gap();
    if (buttons.size() > 1 && !below) {
        const float room = c.w - title_need - widths[0];
        if (others > room && room > 0)
            for (std::size_t i = 1; i < widths.size(); ++i) widths[i] = std::max(0.0f, widths[i] * room / others);
    }
    float right = c.x + c.w;  // the left edge of the buttons placed so far
    for (std::size_t i = 0; i < buttons.size(); ++i) {
        const HeaderButton& b = buttons[i];
        const float w = widths[i];
        right -= w + (i == 0 ? 0.0f : gap());
        at(right, c.y);
        ButtonOpts o;
        o.tone = b.tone;
        o.enabled = b.enabled;
        const std::string label = i == 0 ? b.label : ellipsize(b.label, w - ImGui::GetFontSize() * 0.7f);
        if (button(label, b.id, ImVec2(w, th), o)) tapped = 1 + static_cast<int>(i);
    }
    if (below) {
        at(c.x, c.y + th + gap());
        text_block(title, "title", c.w, Align::left, heading_font(fonts, title, c.w, 1));
        at(c.x, ImGui::GetCursorPosY() + gap() * 0.5f);
        return tapped;
    }
    {
        // The title font when the title fits in it, else the body font, and only then "…".
        const float tw = std::max(0.0f, right - c.x - gap());
        ImFont* font = title_font(fonts);
        {
            FontScope f(font);
            if (ImGui::CalcTextSize(std::string(title).c_str()).x > tw) font = nullptr;
        }
        FontScope f(font);
        at(c.x, c.y + (th - ImGui::GetFontSize()) * 0.5f);
        text_block(ellipsize(title, tw), "title", tw);
    }
    at(c.x, c.y + th + gap());
    return tapped;
}

bool title_bar(const Fonts* fonts, const std::string& title, const std::string& button_label, std::string_view id) {
    return header_row(fonts, content(), title, {{button_label, id}}) == 1;
}

bool category_row(const Tr& tr, const std::vector<std::string>& categories, float x, float y, float w,
                  std::string& category, int& page, const std::string& searched, float search_share) {
    IdScope cats("categories");
    const float th = touch_height();
    const std::string search = searched.empty() ? tr("Search") : tr.fmt("Search: {0}", {searched});
    const float search_w = std::min(button_width(search, 4.0f), w * search_share);
    at(x + w - search_w, y);
    const bool tapped = button(ellipsize(search, search_w - ImGui::GetFontSize()), "search", ImVec2(search_w, th));
    const float right = x + w - search_w - gap();
    float cx = x;
    for (std::size_t i = 0; i <= categories.size(); ++i) {
        const std::string& name = i == 0 ? std::string() : categories[i - 1];
        const std::string label = i == 0 ? tr("All") : name;
        const float bw = button_width(label, 3.0f);
        if (cx + bw > right) break;
        at(cx, y);
        ButtonOpts o;
        o.tone = category == name ? Tone::selected : Tone::normal;
        IdScope id(static_cast<std::int64_t>(i));
        if (button(label, "category", ImVec2(bw, th), o)) {
            category = name;
            page = 0;
        }
        cx += bw + gap();
    }
    return tapped;
}

MemberPicked member_picker(const Tr& tr, const app::Directory* directory, const Box& c, float row_y, MemberSearch search,
                           float right_reserve, float bottom_reserve, bool enabled) {
    MemberPicked out;
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const float pb = fs * 2.6f;
    const float field_w = c.w - right_reserve - 2 * pb - 2 * gap();
    at(c.x, row_y);
    text_field(search.text, tr("Search a name"), "search", ImVec2(field_w, th));
    std::vector<const core::Member*> matches;
    if (directory)
        for (const auto& [id, m] : directory->members)
            if (search.text.empty() || name_matches(m.display_name, search.text)) matches.push_back(&m);
    std::sort(matches.begin(), matches.end(), [](const core::Member* a, const core::Member* b) {
        return fold_for_search(a->display_name) < fold_for_search(b->display_name);
    });
    // The keyboard takes the bottom, keys as tall as a touch target where the height allows;
    // the list what remains between, paged.
    const float kb_h = std::min(c.h * 0.48f, 4 * th + 3 * gap());
    out.keyboard_y = c.y + c.h - kb_h;
    const float list_y = row_y + th + gap();
    const float list_h = out.keyboard_y - gap() - list_y - bottom_reserve;
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float cell_w = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const int rows = std::max(1, static_cast<int>((list_h + gap()) / (th + gap())));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(matches.size()) + per_page - 1) / per_page);
    search.page = pager(search.page, pages, c.x + field_w + gap(), row_y, pb, th);
    if (matches.empty()) {
        at(c.x, list_y);
        text_block(tr("No member found."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(search.page * per_page + i);
        if (idx >= matches.size()) break;
        const core::Member& m = *matches[idx];
        IdScope row(m.id);
        at(c.x + static_cast<float>(i % cols) * (cell_w + gap()), list_y + static_cast<float>(i / cols) * (th + gap()));
        ButtonOpts o;
        o.enabled = enabled;
        if (button(ellipsize(m.display_name, cell_w - fs * 0.8f), "pick", ImVec2(cell_w, th), o)) out.member = &m;
    }
    at(c.x, out.keyboard_y);
    if (draw_keyboard(search.text, search.keys, tr.lang, ImVec2(c.w, kb_h), 40, tr)) search.page = 0;
    return out;
}

void outcome_line(const std::string& message, bool ok, float x, float y, float w) {
    if (message.empty()) return;
    at(x, y);
    text_block(message, "message", w, Align::left, nullptr, ok ? colors::kOk : colors::kError);
}

float outcome_height(std::string_view message, float w) {
    return std::max(ImGui::GetFontSize(), message.empty() ? 0.0f : text_block_height(message, w));
}

float message_lift(std::string_view message, float line_w, float full_w, float line_h) {
    if (message.empty() || text_block_height(message, line_w) <= line_h) return 0.0f;
    return text_block_height(message, full_w) + gap();
}

void bottom_message(std::string_view message, ImU32 color, const Box& line, float full_x, float full_w) {
    if (message.empty()) return;
    const float lift = message_lift(message, line.w, full_w, line.h);
    if (lift > 0) {
        at(full_x, line.y - lift);
        text_block(message, "message", full_w, Align::left, nullptr, color);
        return;
    }
    at(line.x, line.y + std::max(0.0f, (line.h - ImGui::GetFontSize()) * 0.5f));
    text_block(message, "message", line.w, Align::left, nullptr, color);
}

void panel(Box b) {
    const ImVec2 wp = ImGui::GetWindowPos();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(wp.x + b.x, wp.y + b.y),
                                              ImVec2(wp.x + b.x + b.w, wp.y + b.y + b.h), colors::kPanel,
                                              ImGui::GetStyle().ChildRounding);
}

// Pager buttons "◀" "▶" at (x, y); returns the new page (clamped to [0, pages)).
int pager(int page, int pages, float x, float y, float bw, float h) {
    page = std::clamp(page, 0, std::max(0, pages - 1));
    ButtonOpts prev;
    prev.enabled = page > 0;
    at(x, y);
    if (button("◀", "prev", ImVec2(bw, h), prev)) --page;
    ButtonOpts next;
    next.enabled = page + 1 < pages;
    at(x + bw + gap(), y);
    if (button("▶", "next", ImVec2(bw, h), next)) ++page;
    return page;
}

// The base letter of each code point U+00C0 … U+00FF (Æ and æ are handled apart).
constexpr std::string_view kLatin1Base =
    "aaaaaaaceeeeiiiidnooooo/ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

// Lower-case and strip the accents of Latin-1 letters (and œ, æ), so "lea" finds "Léa".
std::string fold_for_search(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xC3 && i + 1 < s.size()) {
            const auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0xBF) {
                const std::size_t k = static_cast<std::size_t>(d - 0x80);
                if (k == 0x06 || k == 0x26) out += "ae";
                else out += kLatin1Base[k];
                ++i;
                continue;
            }
        }
        if (c == 0xC5 && i + 1 < s.size() && (s[i + 1] == '\x92' || s[i + 1] == '\x93')) {
            out += "oe";
            ++i;
            continue;
        }
        out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
    }
    return out;
}

std::vector<std::string> words_of(std::string_view s) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : s) {
        if (c == ' ' || c == '-' || c == '\'') {
            if (!cur.empty()) words.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
}

}  // namespace kit
using namespace kit;

bool name_matches(std::string_view name, std::string_view query) {
    const auto names = words_of(fold_for_search(name));
    for (const auto& q : words_of(fold_for_search(query))) {
        const bool found = std::any_of(names.begin(), names.end(), [&](const std::string& w) { return w.starts_with(q); });
        if (!found) return false;
    }
    return true;
}

// [Dates]
namespace {
constexpr std::array<const char*, 7> kDaysFr{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
constexpr std::array<const char*, 7> kDaysEn{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> kMonthsFr{"janvier", "février", "mars", "avril", "mai", "juin",
                                                "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
constexpr std::array<const char*, 12> kMonthsEn{"January", "February", "March", "April", "May", "June",
                                                "July", "August", "September", "October", "November", "December"};
std::string two(unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); }
}  // namespace

std::string format_long_date(core::Lang lang, core::Date d) {
    if (!d.ok()) return {};
    const unsigned wd = std::chrono::weekday(std::chrono::sys_days(d)).c_encoding();
    const unsigned m = static_cast<unsigned>(d.month()) - 1;
    const std::string day = std::to_string(static_cast<unsigned>(d.day()));
    const std::string year = std::to_string(static_cast<int>(d.year()));
    if (lang == core::Lang::fr) {
        // "1er" for the first of the month, as written in French.
        return std::string(kDaysFr[wd]) + " " + (day == "1" ? "1er" : day) + " " + kMonthsFr[m] + " " + year;
    }
    return std::string(kDaysEn[wd]) + " " + day + " " + kMonthsEn[m] + " " + year;
}

std::string format_day(core::Lang lang, core::Date d) {
    if (!d.ok()) return {};
    const unsigned wd = std::chrono::weekday(std::chrono::sys_days(d)).c_encoding();
    const unsigned m = static_cast<unsigned>(d.month()) - 1;
    const std::string day = std::to_string(static_cast<unsigned>(d.day()));
    if (lang == core::Lang::fr) return std::string(kDaysFr[wd]) + " " + (day == "1" ? "1er" : day) + " " + kMonthsFr[m];
    return std::string(kDaysEn[wd]) + " " + day + " " + kMonthsEn[m];
}

std::string weekday_name(core::Lang lang, unsigned c_encoding) {
    return lang == core::Lang::fr ? kDaysFr[c_encoding % 7] : kDaysEn[c_encoding % 7];
}

std::string format_short_date(core::Lang lang, core::Date d) {
    if (!d.ok()) return {};
    const unsigned day = static_cast<unsigned>(d.day());
    const unsigned m = static_cast<unsigned>(d.month());
    const std::string year = std::to_string(static_cast<int>(d.year()));
    if (lang == core::Lang::fr) return two(day) + "/" + two(m) + "/" + year;
    return std::to_string(day) + " " + std::string(kMonthsEn[m - 1]).substr(0, 3) + " " + year;
}

// [Idle]
namespace {

// Who is in, paginated (ids prev/next), inside `p`. `compact` (under the machine board):
// the pager sits on the title's row, so a short panel still lists a few names.
void present_panel(const IdleView& v, IdleUi& ui, Box p, bool compact) {
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    panel(p);
    const float pad = fs * 0.6f;
    const std::size_t count = v.present ? v.present->size() : 0;
    const std::string title = v.tr.fmt("Who is in ({0})", {std::to_string(count)});
    // Compact: the pager on the title's row only when there are pages to turn; its arrows
    // narrow (a finger's width) when the title would not fit beside them (larger text).
    const bool compact_pages =
        compact && static_cast<float>(count) * fs * 1.6f > p.y + p.h - pad - (p.y + pad + th + fs * 0.2f);
    float bw = fs * 3.2f;
    if (compact_pages && ImGui::CalcTextSize(title.c_str()).x > p.w - 2 * pad - 2 * bw - 2 * gap())
        bw = std::max(th, fs * 1.6f);
    const float title_w = p.w - 2 * pad - (compact_pages ? 2 * bw + 2 * gap() : 0.0f);
    float list_y = 0;
    if (compact) {
        // The title font when the title fits it, else the body font, and only then "…".
        ImFont* font = title_font(v.fonts);
        {
            FontScope measure(font);
            if (ImGui::CalcTextSize(title.c_str()).x > title_w) font = nullptr;
        }
        FontScope f(font);
        at(p.x + pad, p.y + pad + (th - ImGui::GetFontSize()) * 0.5f);
        text_block(ellipsize(title, title_w), "present_title", title_w);
        list_y = p.y + pad + th + fs * 0.2f;
    } else {
        at(p.x + pad, p.y + pad);
        text_block(title, "present_title", title_w, Align::left, title_font(v.fonts));
        list_y = ImGui::GetCursorPosY() + fs * 0.2f;
    }
    const float row_h = fs * 1.6f;
    const float pager_h = th;
    // Without a pager (everything fits), the rows may use its room.
    const float full_h = p.y + p.h - pad - list_y;
    const bool fits_all = compact || static_cast<float>(count) * row_h <= full_h;
    const float list_h = fits_all ? full_h : p.y + p.h - pad - pager_h - fs * 0.4f - list_y;
    const int per_page = std::max(1, static_cast<int>(list_h / row_h));
    const int pages = std::max(1, static_cast<int>((count + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page)));
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (count == 0) {
        at(p.x + pad, list_y);
        text_block(v.tr("Nobody here yet."), "nobody", p.w - 2 * pad, Align::left, nullptr, colors::kMuted);
    }
    // "since 14:05", or only "14:05" when a name of the page would be cut beside it (larger text).
    bool since_words = true;
    const auto since_width = [&] {
        const std::string sample = since_words ? v.tr.fmt("since {0}", {"00:00"}) : std::string("00:00");
        return ImGui::CalcTextSize(sample.c_str()).x + fs * 0.3f;
    };
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx < count && ImGui::CalcTextSize((*v.present)[idx].name.c_str()).x > p.w - 2 * pad - since_width())
            since_words = false;
    }
    const float since_w = since_width();
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= count) break;
        const auto& m = (*v.present)[idx];
        IdScope row(m.id);
        const float ry = list_y + static_cast<float>(i) * row_h;
        at(p.x + pad, ry + (row_h - fs) * 0.5f);
        text_block(ellipsize(m.name, p.w - 2 * pad - since_w), "name", p.w - 2 * pad - since_w);
        at(p.x + p.w - pad - since_w, ry + (row_h - fs) * 0.5f);
        text_block(since_words ? v.tr.fmt("since {0}", {m.since_hhmm}) : m.since_hhmm, "since", since_w, Align::right, nullptr,
                   colors::kMuted);
    }
    if (pages > 1) {
        const float py = compact ? p.y + pad : p.y + p.h - pad - pager_h;
        ui.page = pager(ui.page, pages, p.x + p.w - pad - 2 * bw - gap(), py, bw, pager_h);
        if (!compact) {
            at(p.x + pad, py + (pager_h - fs) * 0.5f);
            text_block(std::to_string(ui.page + 1) + " / " + std::to_string(pages), "page", fs * 5, Align::left,
                       nullptr, colors::kMuted);
        }
    }
}

// The idle screen's right column: the machine board on top (its pages turn by themselves
// every 6 s) and who is in below, or who is in alone without a board.
Next draw_idle_right(const IdleView& v, IdleUi& ui, const Box& c, float right_x, float right_w, bool board) {
    if (!board) {
        present_panel(v, ui, Box{right_x, c.y, right_w, c.h}, false);
        return Next::stay;
    }
    const float board_h = std::floor(c.h * 0.68f);
    const int page = static_cast<int>(std::max(0.0, v.now) / 6.0);
    draw_machine_board(*v.machines, *v.clock, v.tr, v.fonts, ImVec2(right_x, c.y), ImVec2(right_w, board_h), page);
    present_panel(v, ui, Box{right_x, c.y + board_h + gap(), right_w, c.h - board_h - gap()}, true);
    return Next::stay;
}

}  // namespace

Next draw_idle(const IdleView& v, IdleUi& ui, Commands& out) {
    IdScope scope("idle");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool board = v.machines && !v.machines->empty() && v.clock;
    // The board needs width for "Occupée jusqu'à 15:30" in the bold font.
    const float left_w = std::floor(c.w * (board ? 0.47f : 0.56f));
    const float right_x = c.x + left_w + fs;
    const float right_w = c.x + c.w - right_x;

    // Clock and date, top left. Queue offers come before the month's line and the large
    // clock when the column cannot hold them all (larger text on a small screen).
    const float switch_y = c.y + c.h - th;
    // The call to action, in the kiosk's language first and the other one under it, with
    // a picture of a badge being tapped.
    const core::Lang other = v.tr.lang == core::Lang::fr ? core::Lang::en : core::Lang::fr;
    const std::string prompt = v.tr("Tap your badge");
    std::string second = v.tr.catalogues ? v.tr.catalogues->tr(other, "Tap your badge") : prompt;
    const float text_x = c.x + fs * 0.8f;
    const float text_w = left_w - fs * 0.8f;
    const float typed_h = v.typed.empty() ? 0.0f : fs * 1.5f;
    // Its least room: the prompt in the body font, the other language left out.
    const float cta_least = text_block_height(prompt, text_w) + fs * 0.2f + typed_h + fs * 1.3f;
    float banners_h = 0;
    for (const auto& b : v.banners) banners_h += text_block_height(b, left_w - fs * 0.8f) + fs * 1.2f;
    banners_h += idle_help_need(v.help, ui.help, v.tr, left_w, v.now);  // open help requests too
    // The date without its year when the whole one would take two lines (larger text).
    std::string date = format_long_date(v.tr.lang, v.today);
    if (ImGui::CalcTextSize(date.c_str()).x > left_w) date = format_day(v.tr.lang, v.today);
    const float date_h = text_block_height(date, left_w);
    const float month_h = v.month_summary.empty() ? 0.0f : text_block_height(v.month_summary, left_w) + fs * 0.2f;
    const float clock_h = clock_font(v.fonts) ? clock_font(v.fonts)->FontSize : fs;
    // (fs * 0.6: the spacing ImGui adds under the clock and the date, less the 0.2 taken back)
    const float top_room = switch_y - cta_least - c.y - date_h - banners_h - fs * 0.6f;
    ImFont* clock = clock_h + month_h <= top_room || !title_font(v.fonts) ? clock_font(v.fonts) : title_font(v.fonts);
    const bool month =
        !v.month_summary.empty() && (clock == clock_font(v.fonts) || title_font(v.fonts)->FontSize + month_h <= top_room);
    at(c.x, c.y);
    text_block(v.hhmm, "clock", left_w, Align::left, clock);
    at(c.x, ImGui::GetCursorPosY() - fs * 0.2f);
    text_block(date, "date", left_w, Align::left, nullptr, colors::kMuted);
    float top_end = ImGui::GetCursorPosY();
    if (month) {  // the workshop's month, a quiet line under the date
        at(c.x, top_end + fs * 0.2f);
        text_block(v.month_summary, "month", left_w, Align::left, nullptr, colors::kMuted);
        top_end = ImGui::GetCursorPosY();
    }

    // Queue offers for people who are not badged in: their name and the machine, in a
    // yellow box under the date.
    for (std::size_t i = 0; i < v.banners.size(); ++i) {
        const float bw = left_w;
        const float pad = fs * 0.4f;
        const float h = text_block_height(v.banners[i], bw - 2 * pad) + 2 * pad;
        if (top_end + fs * 0.4f + h > switch_y - cta_least) break;  // the call to action stays
        const float by = top_end + fs * 0.4f;
        const ImVec2 wp = ImGui::GetWindowPos();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(wp.x + c.x, wp.y + by), ImVec2(wp.x + c.x + bw, wp.y + by + h),
                                                  colors::kAccent, fs * 0.3f);
        at(c.x + pad, by + pad);
        text_block(v.banners[i], "offer" + std::to_string(i), bw - 2 * pad, Align::left, nullptr, colors::kBackground);
        top_end = by + h;
    }
    // Attendance by badge belongs to the trainer's screen: back at idle (a time-out), the
    // next badges must check in and out again.
    if (v.help_capture && v.help_capture->attendance && ui.help.attendance_stopped != v.help_capture->seq) {
        out.post(app::StopAttendance{});
        ui.help.attendance_stopped = v.help_capture->seq;
    }

    // Open help requests, each with "I'll help". The call to action keeps its least room,
    // except while the kiosk waits for a helper's badge: the request's own line then says to
    // badge, and a badge tapped now helps rather than checks in, so the call to action gives way.
    const bool waiting_helper = ui.help.offering != 0;
    if (!v.help.empty() || ui.help.offering || !ui.help.thanks.empty() || !ui.help.problem.empty() ||
        (v.help_capture && v.help_capture->seq != ui.help.capture_seq))
        top_end = draw_idle_help(v.help, ui.help, v.tr, c.x, top_end, left_w,
                                 waiting_helper ? switch_y - gap() : switch_y - cta_least, v.now, v.help_capture, out);
    if (waiting_helper && ui.help.offering != 0) {  // still waiting after this frame's news
        if (auto l = lang_switch(ui.lang, c.x, switch_y, std::min(left_w, fs * 12), th)) ui.lang = *l;
        return draw_idle_right(v, ui, c, right_x, right_w, board);
    }
    // The large font for the call to action, a size smaller when the column cannot hold it
    // (larger text on a small screen).
    ImFont* prompt_font = large_font(v.fonts);
    ImFont* second_font = title_font(v.fonts);
    const auto block_need = [&] {
        return text_block_height(prompt, text_w, prompt_font) + fs * 0.2f +
               (second == prompt ? 0.0f : text_block_height(second, text_w, second_font)) + typed_h + fs * 1.3f;
    };
    if (block_need() > switch_y - top_end) {
        prompt_font = title_font(v.fonts);
        second_font = nullptr;
    }
    if (block_need() > switch_y - top_end) second = prompt;  // the kiosk's language alone
    if (block_need() > switch_y - top_end) prompt_font = nullptr;
    const float prompt_h = text_block_height(prompt, text_w, prompt_font);
    const float second_h = second == prompt ? 0.0f : text_block_height(second, text_w, second_font);
    const float room = switch_y - top_end - prompt_h - fs * 0.2f - second_h - typed_h - fs * 1.3f;
    // The picture goes first when the room runs short (offers shown, small screens).
    const float icon_h = room < fs * 1.5f ? 0.0f : std::min(fs * 3.0f, room * 0.6f);
    const float block_h = (icon_h > 0 ? icon_h + fs * 0.8f : 0.0f) + prompt_h + fs * 0.2f + second_h + typed_h;
    const float y = top_end + std::max(fs * 0.3f, (switch_y - top_end - block_h) * 0.5f);
    if (icon_h > 0) draw_tap_icon(Box{text_x, y, icon_h * 1.6f, icon_h}, colors::kAccent);
    const float prompt_y = y + (icon_h > 0 ? icon_h + fs * 0.8f : 0.0f);
    {
        // A yellow bar on the left ties the two languages together as the one thing to do.
        const ImVec2 wp = ImGui::GetWindowPos();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(wp.x + c.x, wp.y + prompt_y),
                                                  ImVec2(wp.x + c.x + fs * 0.25f, wp.y + prompt_y + prompt_h + fs * 0.2f + second_h),
                                                  colors::kAccent, fs * 0.1f);
    }
    at(text_x, prompt_y);
    text_block(prompt, "prompt", text_w, Align::left, prompt_font, colors::kAccent);
    if (second != prompt) {
        at(text_x, prompt_y + prompt_h + fs * 0.2f);
        text_block(second, "prompt2", text_w, Align::left, second_font, colors::kMuted);
    }
    if (!v.typed.empty()) {
        at(text_x, prompt_y + prompt_h + fs * 0.2f + second_h + fs * 0.5f);
        text_block(v.typed, "typed", text_w, Align::left, nullptr, colors::kMuted);
    }

    if (auto l = lang_switch(ui.lang, c.x, switch_y, std::min(left_w, fs * 12), th)) ui.lang = *l;
    return draw_idle_right(v, ui, c, right_x, right_w, board);
}

// [Member home]
std::pair<std::string, bool> backup_line(const app::BackupView& b, const Tr& tr, core::Date today) {
    if (!b.reported) return {};
    std::string line;
    if (!b.last_day) {
        line = tr("No backup of the data yet");
    } else {
        using namespace std::chrono;
        const auto d = *b.last_day;
        std::string day = d == today ? tr("today") : sys_days{d} + days{1} == sys_days{today} ? tr("yesterday") : [&] {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%02u/%02u", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()));
            return std::string(buf);
        }();
        line = tr.fmt("Last backup: {0} at {1}", {day, b.last_hhmm});
        if (b.stale) line += " · " + tr.fmt("none for {0} h", {std::to_string(b.hours_since)});
    }
    if (b.failure) line += " · " + tr.fmt("the last one failed: {0}", {tr.problem(*b.failure)});
    if (b.disk_low && b.free_bytes) line += " · " + tr.fmt("disk almost full ({0} MB free)", {std::to_string(*b.free_bytes / 1000000)});
    return {line, b.alarm()};
}

std::string mail_line(const app::MailView* m, const Tr& tr) {
    if (!m || !m->enabled || m->failed_in_a_row < 3) return {};
    // Short: the server's reason is for the admin (`etabli mail list`), not for the kiosk.
    return tr.fmt("Renewal e-mails failing ({0} tries): tell an admin", {std::to_string(m->failed_in_a_row)});
}

Next draw_member_home(const MemberHomeView& v, MemberHomeUi& ui, Commands& out) {
    IdScope scope("home");
    Next next = Next::stay;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool in = v.kind == core::TapKind::check_in;

    // Header: greeting on the left, language and "Done" on the right.
    const std::string done = v.tr("Done");
    const float done_w = button_width(done, 5.0f);
    // What the workshop keeps about them; an admin's audit trail.
    const std::string mine = v.tr("My data");
    const float mine_w = button_width(mine, 4.0f);
    const bool admin = v.member.role == core::Role::admin;
    const std::string hist = v.tr("History");
    const float hist_w = admin ? button_width(hist, 4.0f) + gap() : 0.0f;
    // The languages by name, or "FR" "EN" when larger text leaves the greeting too little room.
    const float named_lang_w = fs * 10.5f;
    const float others_w = done_w + gap() + gap() + mine_w + hist_w;
    const float lang_w = others_w + named_lang_w <= c.w * 0.62f ? named_lang_w : fs * 5.0f;
    const float right_w = others_w + lang_w;
    at(c.x + c.w - done_w, c.y);
    ButtonOpts done_opts;
    done_opts.tone = Tone::primary;
    if (button(done, "done", ImVec2(done_w, th), done_opts)) next = Next::idle;
    at(c.x + c.w - done_w - gap() - lang_w - gap() - mine_w, c.y);
    if (button(mine, "my_data", ImVec2(mine_w, th))) next = Next::my_data;
    if (admin) {
        at(c.x + c.w - right_w, c.y);
        if (button(hist, "history", ImVec2(hist_w - gap(), th))) next = Next::history;
    }
    if (auto l = lang_switch(ui.lang, c.x + c.w - done_w - gap() - lang_w, c.y, lang_w, th); l && *l != ui.lang) {
        ui.lang = *l;
        out.post(app::SetMemberLang{v.member.id, *l});
    }
    const float title_w = c.w - right_w - fs;
    float greeting_below_y = 0;
    {
        // The title font when the greeting fits it, else the body font, else under the header.
        const std::string greeting = v.tr.fmt(in ? "Hello {0}!" : core::N_("Goodbye {0}!"), {first_name(v.member.display_name)});
        ImFont* font = title_font(v.fonts);
        {
            FontScope measure(font);
            if (ImGui::CalcTextSize(greeting.c_str()).x > title_w) font = nullptr;
        }
        bool below = false;  // an admin's crowded header at larger text: the greeting under it
        if (!font && ImGui::CalcTextSize(greeting.c_str()).x > title_w) below = true;
        if (below) {
            at(c.x, c.y + th + fs * 0.5f);
            ImFont* below_font = heading_font(v.fonts, greeting, c.w, 1);
            FontScope bf(below_font);
            text_block(ellipsize(greeting, c.w), "greeting", c.w);  // one line: a name can be long
            greeting_below_y = ImGui::GetCursorPosY();
        } else {
            FontScope f(font);
            at(c.x, c.y + (th - ImGui::GetFontSize()) * 0.5f);
            text_block(ellipsize(greeting, title_w), "greeting", title_w);
        }
    }
    at(c.x, greeting_below_y > 0 ? greeting_below_y : c.y + th + fs * 0.5f);
    const std::string status = in ? v.tr.fmt("Checked in at {0}", {v.at_hhmm})
                                  : v.tr.fmt("Checked out at {0}. See you soon!", {v.at_hhmm});
    text_block(status, "status", c.w, Align::left, nullptr, colors::kOk);
    if (v.offline) {
        at(c.x, ImGui::GetCursorPosY());
        text_block(v.tr("Network unavailable: noted on this station, it reaches the database when the network is back."),
                   "offline", c.w, Align::left, nullptr, colors::kAccent);
    }
    if (!v.renewal.empty()) {
        at(c.x, ImGui::GetCursorPosY());
        text_block(v.renewal, "renewal", c.w, Align::left, nullptr, colors::kAccent);
    }
    if (core::can_host(v.member.role)) {
        // One line of the station's own state, what needs a look first: failing e-mails take
        // the place of a quiet backup line, and follow a backup alarm (the tiles keep their room).
        auto [line, alarm] = backup_line(v.backups, v.tr, v.today);
        if (!v.mail_alarm.empty()) {
            line = alarm ? line + " · " + v.mail_alarm : v.mail_alarm;
            alarm = true;
        }
        if (!line.empty()) {
            at(c.x, ImGui::GetCursorPosY());
            text_block(line, "backups", c.w, Align::left, nullptr, alarm ? colors::kError : colors::kMuted);
        }
    }
    at(c.x, ImGui::GetCursorPosY());
    draw_home_loans(v.loans, v.tr, c.w, 2);  // overdue tools first thing, in red
    for (std::size_t i = 0; i < v.skill_warnings.size() && i < 2; ++i) {  // skills about to lapse
        // With the advice when both fit one line, else what happens alone, wrapped.
        const auto& w = v.skill_warnings[i];
        const std::string both = w.what + " " + w.advice;
        at(c.x, ImGui::GetCursorPosY());
        text_block(ImGui::CalcTextSize(both.c_str()).x <= c.w ? both : w.what, "skill_warn" + std::to_string(i), c.w, Align::left,
                   nullptr, colors::kAccent);
    }
    // Cards for the skills being learnt (skill_home.cpp); no row when there are none.
    if (const int k = draw_home_cards(v.cards, v.tr, c.x, ImGui::GetCursorPosY() + fs * 0.3f, c.w); k >= 0) {
        ui.open_card = v.cards[static_cast<std::size_t>(k)];
        next = Next::knowhow;
    }

    // Tiles: only what this member can do now (no "coming soon"); hosts can enrol badges.
    struct Tile {
        const char* msgid;
        const char* id;
    };
    std::vector<Tile> tiles{{core::N_("Book a machine"), "book"}};
    if (core::can_host(v.member.role)) {
        tiles.push_back({core::N_("Machines"), "machines"});
        tiles.push_back({core::N_("Members"), "members"});
        if (v.payments) tiles.push_back({core::N_("Payments"), "payments"});
        tiles.push_back({core::N_("Enrol a badge"), "enrol"});
    }
    tiles.push_back({core::N_("Borrow a tool"), "borrow"});
    if (v.member.role != core::Role::member) tiles.push_back({core::N_("Repairs"), "repairs"});  // those who log repairs
    if (v.member.role != core::Role::member && v.bike_register) tiles.push_back({core::N_("Bikes"), "bikes"});
    tiles.push_back({core::N_("Know-how"), "knowhow"});
    tiles.push_back({core::N_("My skills"), "skills"});
    // Hosts correct forgotten check-outs; the tile says how many wait.
    if (core::can_host(v.member.role)) tiles.push_back({core::N_("Check-outs to correct"), "checkouts"});
    const float grid_y = ImGui::GetCursorPosY() + fs * 0.5f;
    const float grid_h = c.y + c.h - grid_y;
    // Two rows, none left alone; at larger text, fewer columns (and closer rows) when a label
    // with its caption would not fit its tile in the body font.
    const auto caption_of = [&](std::string_view id) {
        return id == "checkouts" && v.checkouts_to_correct > 0 ? v.tr.fmt("{0} waiting", {std::to_string(v.checkouts_to_correct)})
                                                                : std::string();
    };
    float row_gap = gap();
    const auto grid = [&](int n, float g) {
        const int r = std::max(2, (static_cast<int>(tiles.size()) + n - 1) / n);
        return std::pair<float, float>{(c.w - static_cast<float>(n - 1) * gap()) / static_cast<float>(n),
                                       (grid_h - static_cast<float>(r - 1) * g) / static_cast<float>(r)};
    };
    const auto body_fits = [&](int n, float g) {
        const auto [w, h] = grid(n, g);
        const float inner = w - fs * 0.7f;
        for (const auto& t : tiles) {
            const std::string label = v.tr(t.msgid), cap = caption_of(t.id);
            float need = static_cast<float>(wrap_lines(label, inner).size()) * fs;
            if (!cap.empty()) need += static_cast<float>(wrap_lines(cap, inner / 0.72f).size()) * fs * 0.72f + fs * 0.15f;
            if (need > h) return false;
        }
        return true;
    };
    // The columns and row gap for the tiles as they are: the usual ones, else the first
    // that lets every label fit; false when none does.
    int cols = 2;
    const auto choose = [&] {
        cols = tiles.size() > 6 ? 4 : (tiles.size() > 4 ? 3 : 2);
        row_gap = gap();
        if (body_fits(cols, row_gap)) return true;
        for (const int n : {3, 2, 4})
            for (const float g : {gap(), gap() * 0.5f})
                if (n != cols && body_fits(n, g)) {
                    cols = n;
                    row_gap = g;
                    return true;
                }
        return false;
    };
    // A full home at larger text on a small screen (a host of a workshop with plans, bikes, a
    // renewal line): as many tiles as fit with a "More…" tile that shows the next ones (the
    // last page's, the first ones again), rather than labels cut in tiles too small to read.
    if (!choose()) {
        const std::vector<Tile> all = tiles;
        std::size_t k = all.size() - 1;
        for (; k > 1; --k) {
            tiles.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k));
            tiles.push_back({core::N_("More…"), "more"});
            if (choose()) break;
        }
        const int pages = static_cast<int>((all.size() + k - 1) / k);
        ui.tile_page = ((ui.tile_page % pages) + pages) % pages;
        const std::size_t from = static_cast<std::size_t>(ui.tile_page) * k;
        tiles.assign(all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), from + k)));
        tiles.push_back({core::N_("More…"), "more"});
        (void)choose();
    }
    const float tw = grid(cols, row_gap).first;
    const float tile_h = grid(cols, row_gap).second;
    // The bold title font unless a word of a label would have to be cut in it (narrow
    // tiles: four columns on a small screen).
    ImFont* tile_font = title_font(v.fonts);
    {
        FontScope f(tile_font);
        const float inner = tw - ImGui::GetFontSize() * 0.7f;
        for (const auto& t : tiles) {
            // Words as the button wraps them: on spaces only.
            const std::string label = v.tr(t.msgid);
            std::size_t a = 0;
            while (a <= label.size()) {
                std::size_t b = label.find(' ', a);
                if (b == std::string::npos) b = label.size();
                const std::string word = label.substr(a, b - a);
                if (ImGui::CalcTextSize(word.c_str()).x > inner) tile_font = nullptr;
                a = b + 1;
            }
            // Nor when its lines are taller than the tile (larger text, a full home).
            if (static_cast<float>(wrap_lines(label, inner).size()) * ImGui::GetFontSize() > tile_h - fs * 0.3f)
                tile_font = nullptr;
        }
    }
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const int col = static_cast<int>(i) % cols;
        const int row = static_cast<int>(i) / cols;
        at(c.x + static_cast<float>(col) * (tw + gap()), grid_y + static_cast<float>(row) * (tile_h + row_gap));
        ButtonOpts o;
        o.tone = Tone::selected;
        o.font = tile_font;
        o.caption = caption_of(tiles[i].id);
        if (button(v.tr(tiles[i].msgid), tiles[i].id, ImVec2(tw, tile_h), o)) {
            const std::string_view id = tiles[i].id;
            if (id == "enrol") next = Next::start_enrol;
            if (id == "book") next = Next::book;
            if (id == "machines") next = Next::host_machines;
            if (id == "repairs") next = Next::repairs;
            if (id == "borrow") next = Next::tools;
            if (id == "skills") next = Next::skills;
            if (id == "knowhow") next = Next::knowhow;
            if (id == "checkouts") next = Next::checkouts;
            if (id == "members") next = Next::members;
            if (id == "bikes") next = Next::bikes;
            if (id == "payments") next = Next::payments;
            if (id == "more") ++ui.tile_page;
        }
    }
    return next;
}

std::string renewal_line(const Tr& tr, std::optional<core::Date> until, core::Date today, const std::vector<core::Plan>& plans,
                         std::optional<core::Date> renewed_on) {
    using namespace std::chrono;
    if (until && renewed_on && sys_days{today} - sys_days{*renewed_on} <= days{7} && sys_days{*until} >= sys_days{today})
        return tr.fmt("Membership renewed: it runs until {0}", {format_short_date(tr.lang, *until)});
    if (!until || sys_days{*until} < sys_days{today} || sys_days{*until} > sys_days{today} + days{30}) return {};
    std::string offered;
    for (const auto& p : plans) {
        if (!p.active) continue;
        offered += (offered.empty() ? "" : ", ") + p.name + (p.free_price ? "" : " " + core::format_amount(tr.lang, p.price_cents));
    }
    const std::string when = format_short_date(tr.lang, *until);
    return offered.empty() ? tr.fmt("Your membership ends on {0}: renew it with a host", {when})
                           : tr.fmt("Your membership ends on {0}: renew it with a host ({1})", {when, offered});
}

// [Refusal]
Next draw_refusal(const RefusalView& v, RefusalUi&, Commands&) {
    IdScope scope("refusal");
    Next next = Next::stay;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();

    std::string title;
    std::vector<std::string> lines;
    switch (v.kind) {
        case core::TapKind::unknown_badge:
            title = v.tr("Unknown badge");
            lines.push_back(v.tr("This badge is not enrolled yet. Please ask a host to enrol it."));
            break;
        case core::TapKind::badge_revoked:
            title = v.tr("Badge refused");
            lines.push_back(v.badge_status == core::BadgeStatus::lost
                                ? v.tr("This badge was declared lost. Please see a host.")
                                : v.tr("This badge has been deactivated. Please see a host."));
            break;
        case core::TapKind::membership_expired: {
            title = v.tr("Membership expired");
            const std::string date = v.expired_on ? format_short_date(v.tr.lang, *v.expired_on) : std::string("?");
            if (v.member)
                lines.push_back(v.tr.fmt("{0}, your membership ended on {1}. Please see a host to renew it.",
                                         {v.member->display_name, date}));
            else
                lines.push_back(v.tr.fmt("Your membership ended on {0}. Please see a host to renew it.", {date}));
            break;
        }
        default:
            title = v.tr("Badge refused");
            break;
    }
    const std::string number = v.tr.fmt("Badge number: {0}", {v.uid});
    const float w = std::min(c.w, fs * 30);
    const float x = c.x + (c.w - w) * 0.5f;
    const float icon = fs * 2.4f;
    float h = icon + fs * 0.6f + text_block_height(title, w, large_font(v.fonts)) + fs * 0.4f;
    for (const auto& l : lines) h += text_block_height(l, w, title_font(v.fonts)) + fs * 0.3f;
    h += fs * 1.5f;
    const float top = c.y + std::max(0.0f, (c.y + c.h - th - fs - c.y - h) * 0.5f);
    {
        // A red "no entry" sign: the refusal reads at a glance, in any language.
        const ImVec2 wp = ImGui::GetWindowPos();
        const ImVec2 centre(wp.x + x + icon * 0.5f, wp.y + top + icon * 0.5f);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddCircleFilled(centre, icon * 0.5f, colors::kDanger, 32);
        dl->AddRectFilled(ImVec2(centre.x - icon * 0.3f, centre.y - icon * 0.08f),
                          ImVec2(centre.x + icon * 0.3f, centre.y + icon * 0.08f), colors::kText, icon * 0.03f);
    }
    at(x, top + icon + fs * 0.6f);
    text_block(title, "title", w, Align::left, large_font(v.fonts), colors::kError);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        at(x, ImGui::GetCursorPosY() + fs * 0.4f - ImGui::GetStyle().ItemSpacing.y);
        text_block(lines[i], "line" + std::to_string(i), w, Align::left, title_font(v.fonts));
    }
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(number, "uid", w, Align::left, nullptr, colors::kMuted);

    const float ok_w = std::min(c.w, fs * 10);
    at(c.x + (c.w - ok_w) * 0.5f, c.y + c.h - th);
    ButtonOpts ok;
    ok.tone = Tone::primary;
    if (button(v.tr("OK"), "ok", ImVec2(ok_w, th), ok)) next = Next::idle;
    return next;
}

// [Enrolment]
namespace {

core::Date plus_one_year(core::Date d) {
    core::Date r = d + std::chrono::years{1};
    if (!r.ok()) r = core::Date{r.year(), r.month(), std::chrono::day{28}};  // 29 February
    return r;
}

// Header: title on the left, Cancel on the right; returns true when Cancel was tapped.
bool enrol_header(const EnrolView& v, const std::string& title, const Box& c, bool can_cancel = true) {
    return header_row(v.fonts, c, title, {{v.tr("Cancel"), "cancel", Tone::normal, can_cancel}}) == 1;
}

void error_line(const std::string& error, float x, float y, float w) {
    if (error.empty()) return;
    at(x, y);
    text_block(error, "error", w, Align::left, nullptr, colors::kError);
}

Next enrol_waiting(const EnrolView& v, EnrolUi& ui, const Box& c) {
    Next next = Next::stay;
    const float fs = ImGui::GetFontSize();
    if (enrol_header(v, v.tr("Enrol a badge"), c)) next = Next::idle;
    const float w = std::min(c.w, fs * 30);
    const float x = c.x + (c.w - w) * 0.5f;
    at(x, c.y + c.h * 0.3f);
    if (v.active) {
        text_block(v.tr("Tap the new badge on the reader"), "prompt", w, Align::center, title_font(v.fonts),
                   colors::kAccent);
        at(x, ImGui::GetCursorPosY() + fs * 0.5f);
        text_block(v.tr.fmt("{0} s left", {std::to_string(std::max(0, v.seconds_left))}), "countdown", w,
                   Align::center, nullptr, colors::kMuted);
        if (!v.typed.empty()) {
            at(x, ImGui::GetCursorPosY() + fs * 0.5f);
            text_block(v.typed, "typed", w, Align::center, nullptr, colors::kMuted);
        }
    } else {
        text_block(v.tr("Please wait…"), "starting", w, Align::center, title_font(v.fonts), colors::kMuted);
    }
    error_line(ui.error, x, ImGui::GetCursorPosY() + fs, w);
    return next;
}

Next enrol_taken(const EnrolView& v, const Box& c) {
    Next next = Next::stay;
    const float fs = ImGui::GetFontSize();
    if (enrol_header(v, v.tr("Enrol a badge"), c)) next = Next::idle;
    const float w = std::min(c.w, fs * 30);
    const float x = c.x + (c.w - w) * 0.5f;
    at(x, c.y + c.h * 0.3f);
    text_block(v.tr.fmt("This badge is already enrolled to {0}.", {v.owner.value_or("?")}), "taken", w,
               Align::center, title_font(v.fonts), colors::kError);
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(v.tr.fmt("Badge number: {0}", {v.uid.value_or("")}), "uid", w, Align::center, nullptr,
               colors::kMuted);
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(v.tr("Revoke it first from the command line if it changed hands."), "hint", w, Align::center,
               nullptr, colors::kMuted);
    return next;
}

Next enrol_pick(const EnrolView& v, EnrolUi& ui, Commands& out, const Box& c) {
    IdScope scope("pick");
    Next next = Next::stay;
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool busy = ui.pending != 0;
    if (enrol_header(v, v.tr.fmt("Who is badge {0} for?", {ui.captured_uid}), c, !busy)) next = Next::idle;

    // Search field, pager and "New member" on one row; the names; the keyboard.
    const float row_y = c.y + th + gap();
    const std::string new_label = v.tr("New member");
    const float new_w = button_width(new_label, 6.0f);
    const auto picked = member_picker(v.tr, v.directory, c, row_y, {ui.search, ui.search_keys, ui.page}, new_w + gap(),
                                      ui.error.empty() ? 0.0f : fs * 1.2f, !busy);
    if (picked.member) {
        ui.error.clear();
        ui.done_name = picked.member->display_name;
        ui.pending = out.post(app::AddBadge{ui.captured_uid, picked.member->id, v.host});
    }
    ButtonOpts nm;
    nm.tone = Tone::primary;
    nm.enabled = !busy;
    at(c.x + c.w - new_w, row_y);
    if (button(new_label, "new", ImVec2(new_w, th), nm)) {
        ui.step = EnrolUi::Step::form;
        ui.details = false;
        ui.error.clear();
        // Start the form with what was searched: it is usually the new member's name.
        ui.draft = core::MemberDraft{};
        ui.draft.display_name = ui.search;
        ui.draft.lang = v.tr.lang;
        ui.name_keys = KeyboardState{};
        ui.name_keys.auto_capital = true;
        ui.name_keys.shift = ui.draft.display_name.empty();  // names start with a capital
    }
    error_line(busy ? v.tr("Saving…") : ui.error, c.x, picked.keyboard_y - gap() - fs * 1.2f, c.w);
    return next;
}

Next enrol_form(const EnrolView& v, EnrolUi& ui, Commands& out, const Box& c) {
    IdScope scope("form");
    Next next = Next::stay;
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool busy = ui.pending != 0;
    if (enrol_header(v, v.tr.fmt("New member for badge {0}", {ui.captured_uid}), c, !busy)) next = Next::idle;

    float y = c.y + th + gap();
    // Larger text on a small screen: the name with the keyboard first, then (« Rôle, langue… »)
    // role, language and end date without it; Create is on both.
    const float kb_min = 4 * std::floor(fs * 1.3f) + 3 * gap();
    const bool compact = c.y + c.h - th - gap() - (y + 3 * (th + gap())) < kb_min;
    if (!compact) ui.details = false;
    if (compact && ui.details) {
        ButtonOpts no;
        no.enabled = !busy;
        at(c.x, y);
        if (button(ui.draft.display_name, "name", ImVec2(c.w, th), no)) ui.details = false;  // back to typing it
    } else {
        at(c.x, y);
        text_field(ui.draft.display_name, v.tr("First and last name"), "name", ImVec2(c.w, th));
    }
    y += th + gap();
    const bool rows = !compact || ui.details;

    // Role and language on one row.
    struct Choice {
        const char* msgid;
        const char* id;
        core::Role role;
    };
    const std::array<Choice, 3> roles{{{"Member", "role_member", core::Role::member},
                                       {"Volunteer", "role_volunteer", core::Role::volunteer},
                                       {"Host", "role_host", core::Role::host}}};
    // The language switch gives way to the roles' labels (it says FR / EN when narrow).
    float role_need = 0;
    for (const auto& r : roles) role_need = std::max(role_need, button_width(v.tr(r.msgid), 4.0f));
    const float lang_w = std::clamp(c.w - fs - 2 * gap() - 3 * role_need, fs * 5.0f, std::min(c.w * 0.3f, fs * 10.5f));
    const float role_w = (c.w - lang_w - fs - 2 * gap()) / 3;
    for (std::size_t i = 0; rows && i < roles.size(); ++i) {
        at(c.x + static_cast<float>(i) * (role_w + gap()), y);
        ButtonOpts o;
        o.tone = ui.draft.role == roles[i].role ? Tone::selected : Tone::quiet;
        o.enabled = !busy;
        if (button(v.tr(roles[i].msgid), roles[i].id, ImVec2(role_w, th), o)) ui.draft.role = roles[i].role;
    }
    if (rows) {
        if (auto l = lang_switch(ui.draft.lang, c.x + c.w - lang_w, y, lang_w, th); l && !busy) ui.draft.lang = *l;
        y += th + gap();
    }

    // Membership end: none by default, or one year from today.
    if (rows) {
    const std::string until_label = v.tr("Valid until:");
    const float label_w = ImGui::CalcTextSize(until_label.c_str()).x + fs * 0.5f;
    at(c.x, y + (th - fs) * 0.5f);
    text_block(until_label, "until_label", label_w, Align::left, nullptr, colors::kMuted);
    const core::Date next_year = plus_one_year(v.today);
    const float choice_w = std::min(fs * 12.0f, (c.w - label_w - 2 * gap()) / 2);
    const std::string none_label = v.tr("No end date");
    const std::string year_label = v.tr.fmt("+1 year ({0})", {format_short_date(v.tr.lang, next_year)});
    const float until_h = std::max(label_height(none_label, choice_w, th), label_height(year_label, choice_w, th));
    ButtonOpts none;
    none.tone = ui.draft.valid_until ? Tone::quiet : Tone::selected;
    none.enabled = !busy;
    at(c.x + label_w + gap(), y);
    if (button(none_label, "until_none", ImVec2(choice_w, until_h), none)) ui.draft.valid_until.reset();
    ButtonOpts year;
    year.tone = ui.draft.valid_until ? Tone::selected : Tone::quiet;
    year.enabled = !busy;
    at(c.x + label_w + 2 * gap() + choice_w, y);
    if (button(year_label, "until_year", ImVec2(choice_w, until_h), year)) ui.draft.valid_until = next_year;
    y += until_h + gap();
    }

    // Footer: back to the list (or to the name), the other fields when they have a page of
    // their own, create.
    const float foot_y = c.y + c.h - th;
    const std::string back = v.tr("Back");
    const std::string create = v.tr("Create and enrol");
    const float back_w = button_width(back, 5.0f);
    const float create_w = button_width(create, 8.0f);
    at(c.x, foot_y);
    ButtonOpts bo;
    bo.enabled = !busy;
    if (button(back, "back", ImVec2(back_w, th), bo)) {
        if (compact && ui.details) ui.details = false;
        else ui.step = EnrolUi::Step::pick;
        ui.error.clear();
    }
    float more_w = 0;
    if (compact && !ui.details) {
        const std::string more = v.tr("Role, language…");
        more_w = button_width(more, 5.0f);
        at(c.x + back_w + gap(), foot_y);
        if (button(more, "typing_done", ImVec2(more_w, th), bo)) ui.details = true;
        more_w += gap();
    }
    at(c.x + c.w - create_w, foot_y);
    ButtonOpts co;
    co.tone = Tone::primary;
    co.enabled = !busy && !ui.draft.display_name.empty() && ui.draft.display_name.back() != ' ';
    if (button(create, "create", ImVec2(create_w, th), co)) {
        ui.error.clear();
        ui.done_name = ui.draft.display_name;
        ui.pending = out.post(app::AddMember{ui.draft, v.host, ui.captured_uid});
    }
    const float msg_x = c.x + back_w + gap() + more_w;
    const float msg_w = c.w - back_w - create_w - 2 * gap() - more_w;
    // The reason between the two buttons, or above them when it takes more than their row.
    const std::string err = busy ? v.tr("Saving…") : ui.error;
    float err_h = 0;
    if (!err.empty() && text_block_height(err, msg_w) > th) {
        err_h = text_block_height(err, c.w);
        error_line(err, c.x, foot_y - gap() - err_h, c.w);
        err_h += gap();
    } else {
        error_line(err, msg_x, foot_y + (th - fs) * 0.5f, msg_w);
    }

    if (compact && ui.details) return next;
    const float kb_h = foot_y - gap() - y - err_h;
    at(c.x, y);
    draw_keyboard(ui.draft.display_name, ui.name_keys, v.tr.lang, ImVec2(c.w, kb_h), 80, v.tr);
    return next;
}

Next enrol_done(const EnrolView& v, EnrolUi& ui, const Box& c) {
    Next next = Next::stay;
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const float w = std::min(c.w, fs * 30);
    const float x = c.x + (c.w - w) * 0.5f;
    at(x, c.y + c.h * 0.3f);
    text_block(v.tr.fmt("Badge enrolled to {0}", {ui.done_name}), "done_msg", w, Align::center, title_font(v.fonts),
               colors::kOk);
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(v.tr.fmt("Badge number: {0}", {ui.captured_uid}), "uid", w, Align::center, nullptr, colors::kMuted);
    const float ok_w = std::min(c.w, fs * 10);
    at(c.x + (c.w - ok_w) * 0.5f, c.y + c.h - th);
    ButtonOpts ok;
    ok.tone = Tone::primary;
    if (button(v.tr("OK"), "ok", ImVec2(ok_w, th), ok)) next = Next::idle;
    return next;
}

}  // namespace

Next draw_enrol(const EnrolView& v, EnrolUi& ui, Commands& out) {
    IdScope scope("enrol");
    const Box c = content();
    if (ui.step == EnrolUi::Step::waiting && v.uid) {
        ui.captured_uid = *v.uid;
        if (!v.owner) ui.step = EnrolUi::Step::pick;
    }
    switch (ui.step) {
        case EnrolUi::Step::waiting: return v.uid ? enrol_taken(v, c) : enrol_waiting(v, ui, c);
        case EnrolUi::Step::pick: return enrol_pick(v, ui, out, c);
        case EnrolUi::Step::form: return enrol_form(v, ui, out, c);
        case EnrolUi::Step::done: return enrol_done(v, ui, c);
    }
    return Next::stay;
}

}  // namespace etabli::gui
