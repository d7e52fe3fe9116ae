// Touch widgets of the kiosk: RAII scopes over ImGui's Begin/End and Push/Pop pairs, large
// buttons that wrap their label, text helpers, and the sink screens emit commands into.
// Every button records its rectangle, label and id path in the current FrameLog (a test
// hook, also used by the layout checks), so tests find buttons by id, not by coordinates.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/station.hpp>
#include <etabli/core/i18n.hpp>

#include <imgui.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etabli::gui {

// [Translation]
// The language a screen speaks, with its catalogue: tr("Done") in that language.
struct Tr {
    const core::Translations* catalogues = nullptr;
    core::Lang lang = core::Lang::fr;
    std::string operator()(std::string_view msgid) const {
        return catalogues ? catalogues->tr(lang, msgid) : std::string(msgid);
    }
    // Translates `msgid`, then fills {0}, {1}… with `args`.
    std::string fmt(std::string_view msgid, const std::vector<std::string>& args) const;
    std::string problem(const core::Problem& p) const {
        return catalogues ? catalogues->render(lang, p) : p.english();
    }
};

// [Commands]
// What a screen sends to the station. post() gives each command a fresh request id, so
// the screen can recognise its reply in a later snapshot's last_reply.
using CommandList = std::vector<std::pair<app::Command, std::uint64_t>>;
class Commands {
public:
    Commands(CommandList& out, std::uint64_t& next_id) : m_out(out), m_next_id(next_id) {}
    std::uint64_t post(app::Command c) {
        const std::uint64_t id = m_next_id++;
        m_out.emplace_back(std::move(c), id);
        return id;
    }

private:
    CommandList& m_out;
    std::uint64_t& m_next_id;
};

// [Frame log]
// What one frame drew: every button and text line with its id path ("home/enrol",
// "pick/member/42/pick"), label and rectangle. Installed by the Kiosk through
// ImGui::GetIO().UserData for the duration of its frame.
struct ItemRecord {
    enum class Kind { button, text, picture };
    Kind kind = Kind::button;
    std::string key;    // id path, stable across languages
    std::string label;  // as shown (translated)
    std::string caption;  // a button's second line, if any
    ImVec2 min{}, max{};
    bool enabled = true;
    bool fits = true;   // the label fits inside the button (no clipping)
};
struct FrameLog {
    std::vector<std::string> path;
    std::vector<ItemRecord> items;
    const ItemRecord* find(std::string_view key) const;
    std::string key_of(std::string_view id) const;               // current path + id
};
FrameLog* current_log();  // null outside a Kiosk frame

// [Scopes]
class WindowScope {  // a full-area window without decoration; End() always runs
public:
    WindowScope(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra = 0);
    ~WindowScope() { ImGui::End(); }
    WindowScope(const WindowScope&) = delete;
    WindowScope& operator=(const WindowScope&) = delete;
};
class IdScope {  // PushID + a segment of the frame log's path
public:
    explicit IdScope(std::string_view id);
    explicit IdScope(std::int64_t id);
    ~IdScope();
    IdScope(const IdScope&) = delete;
    IdScope& operator=(const IdScope&) = delete;
};
class FontScope {  // a null font keeps the current one
public:
    explicit FontScope(ImFont* f) : m_pushed(f != nullptr) { if (m_pushed) ImGui::PushFont(f); }
    ~FontScope() { if (m_pushed) ImGui::PopFont(); }
    FontScope(const FontScope&) = delete;
    FontScope& operator=(const FontScope&) = delete;

private:
    bool m_pushed;
};
class DisabledScope {
public:
    explicit DisabledScope(bool disabled) : m_on(disabled) { if (m_on) ImGui::BeginDisabled(); }
    ~DisabledScope() { if (m_on) ImGui::EndDisabled(); }
    DisabledScope(const DisabledScope&) = delete;
    DisabledScope& operator=(const DisabledScope&) = delete;

private:
    bool m_on;
};

// [Buttons]
enum class Tone { normal, primary, danger, quiet, selected };

struct ButtonOpts {
    Tone tone = Tone::normal;
    bool enabled = true;
    ImFont* font = nullptr;        // null: the current font
    std::string caption;           // smaller second line (e.g. "coming soon")
    ImU32 caption_color = 0;       // 0: muted
};

// A large button at the cursor with `size`; the label is wrapped on words and centred.
// `id` is stable (never translated). Returns true on the frame the tap is released.
bool button(std::string_view label, std::string_view id, ImVec2 size, const ButtonOpts& o = {});

// [Text]
enum class Align { left, center, right };
// One block of text inside `width` (wrapped on words), at the cursor; records it.
void text_block(std::string_view text, std::string_view id, float width, Align align = Align::left,
                ImFont* font = nullptr, ImU32 color = 0);
// Height that text_block would take.
float text_block_height(std::string_view text, float width, ImFont* font = nullptr);
// Splits `text` into lines that fit `width` with the current font (words kept whole when
// they fit; a word longer than a line is cut).
std::vector<std::string> wrap_lines(std::string_view text, float width);

// Minimal touch target: 1.5 font heights (STYLE.md, rule 12), a bit more for comfort; heights
// of the text at 100 %, and room for a line of the text at a larger size (theme.hpp).
float touch_height();

// Palette shared by the theme and the widgets. Every text colour and every surface it is
// drawn on are listed below; tests/gui/test_contrast.cpp holds each pair to WCAG 2.1 AA
// (4.5:1). A pressed button is darker than at rest, so its label stays as readable.
namespace colors {
inline constexpr ImU32 kBackground = IM_COL32(0x12, 0x16, 0x1d, 0xff);
inline constexpr ImU32 kPanel = IM_COL32(0x1d, 0x23, 0x2d, 0xff);
inline constexpr ImU32 kText = IM_COL32(0xf4, 0xf6, 0xf8, 0xff);
inline constexpr ImU32 kMuted = IM_COL32(0xae, 0xb8, 0xc4, 0xff);
inline constexpr ImU32 kAccent = IM_COL32(0xff, 0xc8, 0x3d, 0xff);
inline constexpr ImU32 kNormal = IM_COL32(0x2f, 0x3a, 0x4a, 0xff);
inline constexpr ImU32 kNormalActive = IM_COL32(0x22, 0x2b, 0x37, 0xff);
inline constexpr ImU32 kPrimary = IM_COL32(0x1e, 0x7a, 0x46, 0xff);
inline constexpr ImU32 kPrimaryActive = IM_COL32(0x16, 0x5e, 0x36, 0xff);
inline constexpr ImU32 kDanger = IM_COL32(0xb0, 0x2a, 0x2a, 0xff);
inline constexpr ImU32 kDangerActive = IM_COL32(0x8c, 0x20, 0x20, 0xff);
inline constexpr ImU32 kSelected = IM_COL32(0x1f, 0x5f, 0xbf, 0xff);
inline constexpr ImU32 kSelectedActive = IM_COL32(0x18, 0x4c, 0x99, 0xff);
inline constexpr ImU32 kDisabled = IM_COL32(0x24, 0x2a, 0x33, 0xff);
inline constexpr ImU32 kDisabledText = IM_COL32(0x8a, 0x94, 0xa0, 0xff);
inline constexpr ImU32 kOk = IM_COL32(0x5f, 0xd3, 0x8a, 0xff);
inline constexpr ImU32 kError = IM_COL32(0xff, 0x7a, 0x6e, 0xff);
inline constexpr ImU32 kBusy = IM_COL32(0xff, 0xa9, 0x4d, 0xff);    // a machine in use
inline constexpr ImU32 kBooked = IM_COL32(0x7a, 0xb8, 0xff, 0xff);  // a machine booked soon
// The on-screen keyboard's text field: dark ink on a light field.
inline constexpr ImU32 kField = IM_COL32(0xfb, 0xfb, 0xf8, 0xff);
inline constexpr ImU32 kFieldInk = IM_COL32(0x10, 0x14, 0x1a, 0xff);
inline constexpr ImU32 kFieldPlaceholder = IM_COL32(0x6a, 0x72, 0x7c, 0xff);

// The colours text takes on the screen's surfaces (text_block) and in button captions.
inline constexpr ImU32 kTextColours[] = {kText, kMuted, kAccent, kOk, kError, kBusy, kBooked};
// The surfaces text_block draws on: the window and the panels.
inline constexpr ImU32 kSurfaces[] = {kBackground, kPanel};
}  // namespace colors

// A button's face at rest and pressed, and its label's colour. A caption (the small second
// line) takes ButtonOpts::caption_color only on the normal and quiet faces; on a coloured
// face it takes the label's colour.
struct ToneColors {
    ImU32 bg, bg_active, text;
    bool coloured;
};
ToneColors tone_colors(Tone t);

}  // namespace etabli::gui
