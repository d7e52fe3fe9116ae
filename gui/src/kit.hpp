// Layout helpers shared by the kiosk's screen files (screens.cpp, machines.cpp): cursor
// placement in window coordinates, font-relative gaps, pagers, the language switch and the
// accent-folding search. Private to the gui target (not under include/).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::gui::kit {

// A rectangle in window coordinates.
struct Box {
    float x = 0, y = 0, w = 0, h = 0;
};

void at(float x, float y);  // SetCursorPos
Box content();              // the content area of the current window
float gap();                // the horizontal item spacing
// How many rows `row_h` high (with a gap between them) `h` holds; at least one.
int rows_fit(float h, float row_h);

ImFont* title_font(const Fonts* f);
ImFont* clock_font(const Fonts* f);
ImFont* large_font(const Fonts* f);

std::string first_name(const std::string& display_name);
void draw_tap_icon(Box b, ImU32 col);
// `text` shortened with "…" to fit `width` in the current font.
std::string ellipsize(std::string_view text, float width);
// `text` shortened with "…" to take at most `max_lines` lines wrapped to `width`.
std::string ellipsize_lines(std::string_view text, float width, std::size_t max_lines);
// "Français" / "English" buttons; returns the language tapped.
std::optional<core::Lang> lang_switch(core::Lang current, float x, float y, float w, float h);
// The height of a button with a caption under its label: `at_least` (a touch target), and
// room for both lines at any text size.
float captioned_height(float at_least);
// The height of a button holding `label` wrapped to width `w` (its margins included): one
// line of text per line and a little air, at least `at_least` (a touch target).
float label_height(std::string_view label, float w, float at_least);
// The title font for a heading of `text` in width `w` when it takes at most `max_lines` lines
// in it, else none (the body font): larger text wraps a long heading in the body font.
ImFont* heading_font(const Fonts* fonts, std::string_view text, float w, float max_lines);
// A list row's text: `first`, then `second` muted under it, both wrapped to `w` (never cut),
// centred together in a row of height `row_h` at (x, y). `two_lines_height` is what they need.
float two_lines_height(std::string_view first, std::string_view second, float w);
void two_lines(std::string_view first, std::string_view first_id, std::string_view second, std::string_view second_id, float x,
               float y, float w, float row_h);
// Width of a button holding `label` on one line with margins, at least `min_em` font heights.
float button_width(std::string_view label, float min_em = 4.0f);
void panel(Box b);
// A button of a screen's top row.
struct HeaderButton {
    std::string label;
    std::string_view id;
    Tone tone = Tone::normal;
    bool enabled = true;
};
// A screen's top row in `c`: `title` in the title font on the left (id `title`, shortened with
// "…" to the room left), `buttons` on the right, the first at the right edge (Back or Cancel,
// at least five font heights wide), the others to its left (at most 40 % of the row each).
// Returns 1 + the index of the button tapped this frame, 0 when none; leaves the cursor below
// the row. Every screen's header is this one. `title_below`: a screen that reads the cursor
// after it lets a title that the row cannot hold whole even in the body font (larger text,
// several buttons) go on a line of its own under the row, the buttons keeping their labels.
int header_row(const Fonts* fonts, const Box& c, std::string_view title, const std::vector<HeaderButton>& buttons,
               bool title_below = false);
// header_row with one button, over the whole content area; true on the frame it was tapped.
bool title_bar(const Fonts* fonts, const std::string& title, const std::string& button_label, std::string_view id);
// The outcome of the last command at (x, y): green when it worked, red with the reason when
// not; nothing when `message` is empty (id `message`).
void outcome_line(const std::string& message, bool ok, float x, float y, float w);
// The height `outcome_line` takes for `message` in width `w`: its wrapped lines, at least one.
float outcome_height(std::string_view message, float w);
// A message at the bottom of a screen: on the bar's line `line` (beside the bar's buttons)
// when one line holds it, else wrapped over the screen's width (`full_x`, `full_w`) just above
// the bar. `message_lift` is the room it then takes above the bar (0 when the line holds it):
// the list above gives it up, so no message is cut short. Id `message`.
float message_lift(std::string_view message, float line_w, float full_w, float line_h);
void bottom_message(std::string_view message, ImU32 color, const Box& line, float full_x, float full_w);
// "◀" "▶" buttons (ids prev/next) at (x, y); returns the new page, clamped to [0, pages).
int pager(int page, int pages, float x, float y, float bw, float h);
// Picking a member by name: the search field and its pager on the row at `row_y` of `c`
// (`right_reserve` left free at the row's right end for the caller's button), the matching
// members in two or three columns, paged, and the on-screen keyboard at the bottom of `c`
// (`bottom_reserve` left free above it for a message line). Ids search, prev, next, pick
// (in the member's IdScope), none.
struct MemberSearch {
    std::string& text;
    KeyboardState& keys;
    int& page;
};
struct MemberPicked {
    const core::Member* member = nullptr;  // tapped this frame
    float keyboard_y = 0;                  // the keyboard's top: a message line goes above it
};
MemberPicked member_picker(const Tr& tr, const app::Directory* directory, const Box& c, float row_y, MemberSearch search,
                           float right_reserve = 0, float bottom_reserve = 0, bool enabled = true);
// The category chips of a list ("All", then as many categories as fit) and Search at the
// right end of the row at (x, y), `w` wide; Search's label says what is searched, and it
// takes at most `search_share` of the row. A chip sets `category` (empty: all) and turns
// back to the first page. Returns true when Search was tapped. Ids categories/N/category,
// categories/search.
bool category_row(const Tr& tr, const std::vector<std::string>& categories, float x, float y, float w,
                  std::string& category, int& page, const std::string& searched, float search_share);
// Lower case without the accents of Latin-1 letters (and œ, æ), for searching names.
std::string fold_for_search(std::string_view s);

}  // namespace etabli::gui::kit
