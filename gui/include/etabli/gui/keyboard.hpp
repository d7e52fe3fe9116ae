// On-screen keyboard for names and searches: AZERTY in French, QWERTY in English, Shift,
// Backspace, space, hyphen and apostrophe, a layer of accented letters (é è ê ë à â ç ù û ô
// î ï œ…, capitals with Shift) and one of digits and the signs of e-mails, phone numbers and
// sums ("123": 1–0, @ . _ + , / ( ) € &).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstddef>
#include <string>

namespace etabli::gui {

struct KeyboardState {
    bool shift = false;         // one-shot: drops after the next letter
    bool accents = false;       // the accented-letter layer is shown
    bool auto_capital = false;  // Shift comes back at the start and after a space or hyphen
    bool symbols = false;       // the digits and signs replace the first two rows (stays on)
};

// Draws a keyboard filling `size` at the cursor and edits `text` (UTF-8, at most
// `max_chars` code points). Returns true when the text changed this frame.
bool draw_keyboard(std::string& text, KeyboardState& state, core::Lang layout, ImVec2 size,
                   std::size_t max_chars, const Tr& tr);

// Removes the last UTF-8 code point of `text` (no-op on empty text).
void pop_utf8(std::string& text);

// A text field drawn as a frame with the text and a caret; tapping it does nothing
// (the on-screen keyboard below edits it). `placeholder` shows when empty.
void text_field(std::string_view text, std::string_view placeholder, std::string_view id, ImVec2 size);

}  // namespace etabli::gui
