// The kiosk's look: font sizes relative to the screen, the fonts (DejaVu Sans from Debian's
// fonts-dejavu-core, loaded at run time, never copied into the repo) and a touch-first,
// high-contrast ImGui style with no hover-only feedback.
// Layer: gui. GUI thread only, between frames (the font atlas must not change mid-frame).
#pragma once

#include <imgui.h>

#include <string>

namespace etabli::gui {

inline constexpr const char* kDefaultFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
inline constexpr const char* kDefaultBoldFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

struct Fonts {
    ImFont* body = nullptr;   // most text and buttons
    ImFont* title = nullptr;  // headings (bold when available)
    ImFont* large = nullptr;  // the idle screen's call to action (bold)
    ImFont* clock = nullptr;  // the idle clock: digits and ':' only
    float body_px = 0;
    int text_percent = 100;   // the text size they were loaded at (kTextSizes)
};

// The text sizes the kiosk is being made ready for, in per cent of the size the screen gives:
// larger text for members who read small text badly, on the same screens (which page or wrap
// to fit). Touch targets do not grow with the text (a finger is as wide at 150 %): see
// touch_height().
inline constexpr int kTextSizes[] = {100, 125, 150};

// The text size of the fonts loaded last by load_fonts(), in per cent (100 before any).
int text_percent();

// Body font size in pixels for a display: grows with the height, limited by the width so
// an 800×480 panel and a 1920×1080 screen both fit their layouts; then `text_percent`.
float body_font_px(ImVec2 display, int text_percent = 100);

// Clears `atlas` and loads the three fonts for `display`. `font_path` empty: DejaVuSans,
// then ImGui's default. The caller builds the texture (backend or GetTexDataAsRGBA32).
Fonts load_fonts(ImFontAtlas& atlas, ImVec2 display, const std::string& font_path, int text_percent = 100);

// Colours, rounding and spacing scaled to `body_px`. Hovered colours equal normal ones.
void apply_theme(ImGuiStyle& style, float body_px);

}  // namespace etabli::gui
