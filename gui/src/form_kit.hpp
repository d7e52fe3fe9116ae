// What the kiosk's forms share (the bike register, the payments): a screen's header with its
// buttons as flags, muted group headings, rows of chips that wrap, a field's button with what
// was typed under it, labels with a capital, whole euros. Private to gui/src.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include "kit.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace etabli::gui::form {

using namespace kit;

// A label as a button shows it: its first letter a capital ("vendu" → "Vendu", "à réviser" →
// "À réviser"); the labels are lower case because sentences use them too.
inline std::string capital(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    else if (s.size() > 1 && static_cast<unsigned char>(s[0]) == 0xC3 && static_cast<unsigned char>(s[1]) >= 0xA0 &&
             static_cast<unsigned char>(s[1]) <= 0xBE && static_cast<unsigned char>(s[1]) != 0xB7)
        s[1] = static_cast<char>(static_cast<unsigned char>(s[1]) - 0x20);  // à é è ç… (Latin-1 Supplement)
    return s;
}
// A whole number of euros for a chip: "20 €" / "€20".
inline std::string euros(core::Lang lang, int e) { return lang == core::Lang::fr ? std::to_string(e) + "\u00a0€" : "€" + std::to_string(e); }

inline float cell_width(float w, int n) { return (w - static_cast<float>(n - 1) * gap()) / static_cast<float>(n); }

// A screen's top row (kit::header_row); each button sets its flag when tapped. Returns the y below.
struct TapButton {
    std::string label;
    const char* id;
    Tone tone;
    bool* tapped;
    bool enabled = true;
};
inline float header(const Fonts* fonts, const std::string& title, const std::vector<TapButton>& buttons) {
    const Box c = content();
    std::vector<HeaderButton> row;
    for (const auto& b : buttons) row.push_back({b.label, b.id, b.tone, b.enabled});
    const int tapped = header_row(fonts, c, title, row, true);
    if (tapped > 0) *buttons[static_cast<std::size_t>(tapped - 1)].tapped = true;
    return ImGui::GetCursorPosY();
}

// A muted heading over a group of chips; returns the y below it.
inline float heading(const std::string& text, std::string_view id, float x, float y, float w) {
    at(x, y);
    text_block(text, id, w, Align::left, nullptr, colors::kMuted);
    return y + text_block_height(text, w) + gap() * 0.5f;
}

struct Chip {
    std::string label;
    std::string id;
    bool on = false;
};
// The columns and row height chips take in width `w`: as many columns as `max_cols` while
// every label holds on one line, else fewer (a label may then wrap).
inline std::pair<int, float> chip_grid(const std::vector<Chip>& cs, float w, int max_cols) {
    const float fs = ImGui::GetFontSize();
    int cols = std::max(1, std::min(max_cols, static_cast<int>(cs.size())));
    const auto fits = [&](int n) {
        const float inner = cell_width(w, n) - fs * 0.7f;
        return std::all_of(cs.begin(), cs.end(), [&](const Chip& c) { return ImGui::CalcTextSize(c.label.c_str()).x <= inner; });
    };
    while (cols > 2 && !fits(cols)) --cols;
    float h = touch_height();
    for (const auto& c : cs) h = std::max(h, label_height(c.label, cell_width(w, cols), touch_height()));
    return {cols, h};
}
inline float chips_height(const std::vector<Chip>& cs, float w, int max_cols) {
    const auto [cols, h] = chip_grid(cs, w, max_cols);
    const int rows = (static_cast<int>(cs.size()) + cols - 1) / cols;
    return static_cast<float>(rows) * (h + gap());
}
// Draws the chips from (x, y); returns the index tapped, or -1; `y` moves below them.
inline int chips(const std::vector<Chip>& cs, float x, float& y, float w, int max_cols) {
    const auto [cols, h] = chip_grid(cs, w, max_cols);
    const float cw = cell_width(w, cols);
    int tapped = -1;
    for (std::size_t i = 0; i < cs.size(); ++i) {
        at(x + static_cast<float>(static_cast<int>(i) % cols) * (cw + gap()), y + static_cast<float>(static_cast<int>(i) / cols) * (h + gap()));
        ButtonOpts o;
        o.tone = cs[i].on ? Tone::selected : Tone::normal;
        if (button(cs[i].label, cs[i].id, ImVec2(cw, h), o)) tapped = static_cast<int>(i);
    }
    y += chips_height(cs, w, max_cols);
    return tapped;
}

// A field's button: its name, and what was typed (or "optional"/"to fill in") under it.
inline bool field_button(const std::string& name, const std::string& value, const std::string& empty, const char* id, float x, float y, float w, float h) {
    at(x, y);
    ButtonOpts o;
    o.caption = value.empty() ? empty : ellipsize(value, w - ImGui::GetFontSize());
    o.caption_color = value.empty() ? 0 : colors::kAccent;
    return button(name, id, ImVec2(w, h), o);
}

}  // namespace etabli::gui::form
