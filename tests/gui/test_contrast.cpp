// The kiosk's colours against WCAG 2.1 AA: every text colour on every surface it is drawn on
// has a contrast ratio of at least 4.5:1 (relative luminance of sRGB, WCAG 2.1 §1.4.3):
// text on the window and panels, labels on every button face at rest and pressed, captions,
// disabled buttons, the keyboard's text field, and the pairs of ImGui's own style.
// Layer: gui tests (no frame needed).
#include <doctest/doctest.h>

#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cmath>
#include <cstdio>
#include <string>

using namespace etabli::gui;

namespace {

double channel(unsigned v) {
    const double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double luminance(ImU32 c) {
    return 0.2126 * channel((c >> IM_COL32_R_SHIFT) & 0xff) + 0.7152 * channel((c >> IM_COL32_G_SHIFT) & 0xff) +
           0.0722 * channel((c >> IM_COL32_B_SHIFT) & 0xff);
}
double contrast(ImU32 a, ImU32 b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
std::string hex(ImU32 c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", (c >> IM_COL32_R_SHIFT) & 0xff, (c >> IM_COL32_G_SHIFT) & 0xff,
                  (c >> IM_COL32_B_SHIFT) & 0xff);
    return buf;
}
constexpr double kAA = 4.5;

void holds(ImU32 text, ImU32 surface, const char* where) {
    INFO(where, ": ", hex(text), " on ", hex(surface), " = ", contrast(text, surface));
    CHECK(contrast(text, surface) >= kAA);
}

}  // namespace

TEST_CASE("the contrast computation matches WCAG's reference values") {
    CHECK(contrast(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == doctest::Approx(21.0));
    CHECK(contrast(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32(255, 255, 255, 255)) == doctest::Approx(4.48).epsilon(0.01));
    CHECK(contrast(IM_COL32(0x76, 0x76, 0x76, 255), IM_COL32(255, 255, 255, 255)) >= kAA);
}

TEST_CASE("every text colour on every surface, label, caption and field of the theme holds WCAG AA (4.5:1)") {
    for (ImU32 text : colors::kTextColours)
        for (ImU32 surface : colors::kSurfaces) holds(text, surface, "text on a surface");
    for (Tone t : {Tone::normal, Tone::primary, Tone::danger, Tone::quiet, Tone::selected}) {
        const ToneColors c = tone_colors(t);
        holds(c.text, c.bg, "a button's label");
        holds(c.text, c.bg_active, "a pressed button's label");
        if (!c.coloured)  // captions keep their own colour only on these faces
            for (ImU32 caption : colors::kTextColours) {
                holds(caption, c.bg, "a caption");
                holds(caption, c.bg_active, "a pressed button's caption");
            }
    }
    holds(colors::kDisabledText, colors::kDisabled, "a disabled button");
    holds(colors::kFieldInk, colors::kField, "typed text");
    holds(colors::kFieldPlaceholder, colors::kField, "a field's placeholder");
}

TEST_CASE("ImGui's own style pairs hold WCAG AA too") {
    ImGuiStyle style;
    apply_theme(style, 24.0f);
    const auto u32 = [&](ImGuiCol c) { return ImGui::ColorConvertFloat4ToU32(style.Colors[c]); };
    for (ImGuiCol bg : {ImGuiCol_WindowBg, ImGuiCol_ChildBg, ImGuiCol_PopupBg, ImGuiCol_FrameBg, ImGuiCol_FrameBgActive,
                        ImGuiCol_Button, ImGuiCol_ButtonActive, ImGuiCol_Header, ImGuiCol_HeaderActive})
        holds(u32(ImGuiCol_Text), u32(bg), "ImGui text");
    holds(u32(ImGuiCol_TextDisabled), u32(ImGuiCol_WindowBg), "ImGui disabled text");
}
