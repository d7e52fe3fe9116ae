// Layout helpers shared by the kiosk's screen files (screens.cpp, machines.cpp): cursor
// placement in window coordinates, font-relative gaps, pagers, the language switch and the
// accent-folding search. Private to the gui target (not under include/).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace etabli::gui::kit {

// A rectangle in window coordinates.
struct Box {
    float x = 0, y = 0, w = 0, h = 0;
};

void at(float x, float y);  // SetCursorPos
Box content();              // the content area of the current window
float gap();                // the horizontal item spacing

ImFont* title_font(const Fonts* f);
ImFont* clock_font(const Fonts* f);
ImFont* large_font(const Fonts* f);

std::string first_name(const std::string& display_name);
void draw_tap_icon(Box b, ImU32 col);
// `text` shortened with "…" to fit `width` in the current font.
std::string ellipsize(std::string_view text, float width);
// "Français" / "English" buttons; returns the language tapped.
std::optional<core::Lang> lang_switch(core::Lang current, float x, float y, float w, float h);
// Width of a button holding `label` on one line with margins, at least `min_em` font heights.
float button_width(std::string_view label, float min_em = 4.0f);
void panel(Box b);
// A screen's top row: `title` in the title font on the left, one button on the right (ids
// `title` and `id`); returns true on the frame the button was tapped.
bool title_bar(const Fonts* fonts, const std::string& title, const std::string& button_label, std::string_view id);
// The outcome of the last command at (x, y): green when it worked, red with the reason when
// not; nothing when `message` is empty (id `message`).
void outcome_line(const std::string& message, bool ok, float x, float y, float w);
// "◀" "▶" buttons (ids prev/next) at (x, y); returns the new page, clamped to [0, pages).
int pager(int page, int pages, float x, float y, float bw, float h);
// Lower case without the accents of Latin-1 letters (and œ, æ), for searching names.
std::string fold_for_search(std::string_view s);

}  // namespace etabli::gui::kit
