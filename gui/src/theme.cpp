// The kiosk's look: font sizes from the screen size, DejaVu fonts read from the system at
// run time (fonts-dejavu-core), and a high-contrast touch style.
// Layer: gui. GUI thread only, between frames.
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace etabli::gui {

namespace {

// Latin-1 for French, plus œ Œ Ÿ, dashes, ’, …, €, and the few symbols the widgets draw
// (arrows for pages, ⇧ Shift, − for steppers, ⌫ Backspace, ◀ ▶).
constexpr ImWchar kTextRanges[] = {
    0x0020, 0x00FF, 0x0152, 0x0153, 0x0178, 0x0178, 0x2013, 0x2014, 0x2019, 0x2019,
    0x2026, 0x2026, 0x20AC, 0x20AC, 0x2190, 0x2193, 0x21E7, 0x21E7, 0x2212, 0x2212, 0x232B, 0x232B,
    0x25B6, 0x25B6, 0x25C0, 0x25C0, 0,
};
// The clock needs digits and a colon only: a huge size costs little atlas space.
constexpr ImWchar kClockRanges[] = {0x0020, 0x0020, 0x0030, 0x003A, 0};

ImFont* add_font(ImFontAtlas& atlas, const std::string& path, float px, const ImWchar* ranges, int oversample) {
    ImFontConfig cfg;
    cfg.OversampleH = oversample;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    if (!path.empty()) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec))
            if (ImFont* f = atlas.AddFontFromFileTTF(path.c_str(), px, &cfg, ranges)) return f;
    }
    return nullptr;
}

ImVec4 rgba(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

}  // namespace

float body_font_px(ImVec2 display, int text_percent) {
    const float by_height = display.y / 24.0f;
    const float by_width = display.x / 38.0f;
    const float percent = static_cast<float>(std::clamp(text_percent, 100, 150));
    return std::round(std::max(14.0f, std::round(std::min(by_height, by_width))) * percent / 100.0f);
}

namespace {
int g_text_percent = 100;  // GUI thread only, like the atlas
}  // namespace

int text_percent() { return g_text_percent; }

Fonts load_fonts(ImFontAtlas& atlas, ImVec2 display, const std::string& font_path, int text_percent) {
    atlas.Clear();
    Fonts f;
    f.body_px = body_font_px(display, text_percent);
    f.text_percent = std::clamp(text_percent, 100, 150);
    g_text_percent = f.text_percent;
    const std::string regular = font_path.empty() ? std::string(kDefaultFontPath) : font_path;
    f.body = add_font(atlas, regular, f.body_px, kTextRanges, 2);
    if (f.body) {
        // The bold face sits next to the regular one in Debian's package; a custom font
        // has no known bold, so its titles use it at a larger size.
        const std::string bold = font_path.empty() ? std::string(kDefaultBoldFontPath) : font_path;
        f.title = add_font(atlas, bold, std::round(f.body_px * 1.45f), kTextRanges, 1);
        if (!f.title) f.title = add_font(atlas, regular, std::round(f.body_px * 1.45f), kTextRanges, 1);
        f.large = add_font(atlas, bold, std::round(f.body_px * 2.1f), kTextRanges, 1);
        if (!f.large) f.large = add_font(atlas, regular, std::round(f.body_px * 2.1f), kTextRanges, 1);
        f.clock = add_font(atlas, bold, std::round(f.body_px * 3.6f), kClockRanges, 1);
        if (!f.clock) f.clock = add_font(atlas, regular, std::round(f.body_px * 3.6f), kClockRanges, 1);
        return f;
    }
    // No DejaVu: ImGui's built-in font, scaled (blurry but readable, and Latin-1 only).
    auto builtin = [&](float px) {
        ImFontConfig cfg;
        cfg.SizePixels = px;
        return atlas.AddFontDefault(&cfg);
    };
    f.body = builtin(f.body_px);
    f.title = builtin(std::round(f.body_px * 1.45f));
    f.large = builtin(std::round(f.body_px * 2.1f));
    f.clock = builtin(std::round(f.body_px * 3.6f));
    return f;
}

void apply_theme(ImGuiStyle& style, float body_px) {
    style = ImGuiStyle();
    const float u = body_px;
    style.WindowPadding = ImVec2(u * 0.7f, u * 0.6f);
    style.FramePadding = ImVec2(u * 0.4f, u * 0.3f);
    style.ItemSpacing = ImVec2(u * 0.4f, u * 0.4f);
    style.ItemInnerSpacing = ImVec2(u * 0.3f, u * 0.3f);
    style.WindowRounding = 0;
    style.ChildRounding = u * 0.3f;
    style.FrameRounding = u * 0.3f;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 0;
    style.FrameBorderSize = 0;
    style.ScrollbarSize = u * 0.8f;
    style.TouchExtraPadding = ImVec2(0, 0);
    style.DisabledAlpha = 1.0f;  // disabled widgets pick their own readable colours
    style.AntiAliasedFill = true;

    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = rgba(colors::kText);
    c[ImGuiCol_TextDisabled] = rgba(colors::kDisabledText);
    c[ImGuiCol_WindowBg] = rgba(colors::kBackground);
    c[ImGuiCol_ChildBg] = rgba(colors::kPanel);
    c[ImGuiCol_PopupBg] = rgba(colors::kPanel);
    c[ImGuiCol_Border] = rgba(colors::kNormalActive);
    c[ImGuiCol_FrameBg] = rgba(colors::kPanel);
    c[ImGuiCol_FrameBgActive] = rgba(colors::kNormal);
    c[ImGuiCol_Button] = rgba(colors::kNormal);
    c[ImGuiCol_ButtonActive] = rgba(colors::kNormalActive);
    c[ImGuiCol_Header] = rgba(colors::kNormal);
    c[ImGuiCol_HeaderActive] = rgba(colors::kNormalActive);
    c[ImGuiCol_SliderGrab] = rgba(colors::kAccent);
    c[ImGuiCol_SliderGrabActive] = rgba(colors::kAccent);
    c[ImGuiCol_CheckMark] = rgba(colors::kAccent);
    c[ImGuiCol_ScrollbarBg] = rgba(colors::kBackground);
    c[ImGuiCol_ScrollbarGrab] = rgba(colors::kNormal);
    c[ImGuiCol_ScrollbarGrabActive] = rgba(colors::kNormalActive);
    // Touch screens have no hover: a hovered widget looks exactly like a resting one, so
    // nothing stays lit after a finger leaves.
    c[ImGuiCol_FrameBgHovered] = c[ImGuiCol_FrameBg];
    c[ImGuiCol_ButtonHovered] = c[ImGuiCol_Button];
    c[ImGuiCol_HeaderHovered] = c[ImGuiCol_Header];
    c[ImGuiCol_ScrollbarGrabHovered] = c[ImGuiCol_ScrollbarGrab];
    c[ImGuiCol_TabHovered] = c[ImGuiCol_Tab];
    c[ImGuiCol_SeparatorHovered] = c[ImGuiCol_Separator];
    c[ImGuiCol_ResizeGripHovered] = c[ImGuiCol_ResizeGrip];
}

}  // namespace etabli::gui
