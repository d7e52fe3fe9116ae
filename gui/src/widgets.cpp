// Touch widgets: scopes, wrapped-label buttons drawn by hand (so a long French label breaks
// on words instead of being clipped), text blocks, and the frame log behind them.
// Layer: gui. GUI thread only (inside an ImGui frame).
#include <etabli/gui/widgets.hpp>
#include <etabli/gui/theme.hpp>

#include <algorithm>

namespace etabli::gui {

std::string Tr::fmt(std::string_view msgid, const std::vector<std::string>& args) const {
    return core::fill_placeholders((*this)(msgid), args);
}

// [Frame log]
FrameLog* current_log() { return static_cast<FrameLog*>(ImGui::GetIO().UserData); }

const ItemRecord* FrameLog::find(std::string_view key) const {
    for (const auto& it : items)
        if (it.key == key) return &it;
    return nullptr;
}

std::string FrameLog::key_of(std::string_view id) const {
    std::string key;
    for (const auto& seg : path) {
        key += seg;
        key += '/';
    }
    key += id;
    return key;
}

namespace {

void record(ItemRecord r, std::string_view id) {
    FrameLog* log = current_log();
    if (!log) return;
    r.key = log->key_of(id);
    log->items.push_back(std::move(r));
}

ImVec2 add(ImVec2 a, ImVec2 b) { return ImVec2(a.x + b.x, a.y + b.y); }

float text_width(ImFont* font, float size, std::string_view s) {
    return font->CalcTextSizeA(size, FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
}

// Greedy word wrap with an explicit font and size. Words are separated by spaces; a word
// wider than the line is cut at the last code point that fits.
std::vector<std::string> wrap_with(ImFont* font, float size, std::string_view text, float width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t j = text.find_first_of(" \n", i);
        if (j == std::string_view::npos) j = text.size();
        std::string word(text.substr(i, j - i));
        const bool hard_break = j < text.size() && text[j] == '\n';
        if (word.empty() && !hard_break) {  // runs of spaces, trailing space
            i = j + 1;
            continue;
        }
        std::string candidate = line.empty() ? word : line + " " + word;
        if (line.empty() || text_width(font, size, candidate) <= width) {
            line = std::move(candidate);
        } else {
            lines.push_back(std::move(line));
            line = std::move(word);
        }
        // A single word too wide for the line: cut it (names without spaces, UIDs).
        while (text_width(font, size, line) > width && line.size() > 1) {
            std::size_t cut = line.size();
            do {
                do --cut;
                while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80);
            } while (cut > 1 && text_width(font, size, std::string_view(line).substr(0, cut)) > width);
            if (cut == 0) break;
            lines.push_back(line.substr(0, cut));
            line.erase(0, cut);
        }
        if (hard_break) {
            lines.push_back(std::move(line));
            line.clear();
        }
        i = j + 1;
    }
    if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
    return lines;
}

}  // namespace

ToneColors tone_colors(Tone t) {
    switch (t) {
        case Tone::primary: return {colors::kPrimary, colors::kPrimaryActive, colors::kText, true};
        case Tone::danger: return {colors::kDanger, colors::kDangerActive, colors::kText, true};
        case Tone::quiet: return {colors::kPanel, colors::kNormal, colors::kText, false};
        case Tone::selected: return {colors::kSelected, colors::kSelectedActive, colors::kText, true};
        case Tone::normal: break;
    }
    return {colors::kNormal, colors::kNormalActive, colors::kText, false};
}

std::vector<std::string> wrap_lines(std::string_view text, float width) {
    return wrap_with(ImGui::GetFont(), ImGui::GetFontSize(), text, width);
}

float touch_height() {
    // 1.9 heights of the text at 100 % for a finger; at a larger text size, room for one line
    // of it: the target stays a finger's size and the screen keeps its rows.
    const float fs = ImGui::GetFontSize();
    return std::max(fs * 100.0f / static_cast<float>(text_percent()) * 1.9f, fs * 1.45f);
}

// [Scopes]
WindowScope::WindowScope(const char* name, ImVec2 pos, ImVec2 size, ImGuiWindowFlags extra) {
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(name, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav | extra);
}

IdScope::IdScope(std::string_view id) {
    ImGui::PushID(id.data(), id.data() + id.size());
    if (FrameLog* log = current_log()) log->path.emplace_back(id);
}

IdScope::IdScope(std::int64_t id) {
    // PushID(int) would truncate a 64-bit member id; hash its text instead.
    const std::string text = std::to_string(id);
    ImGui::PushID(text.c_str());
    if (FrameLog* log = current_log()) log->path.push_back(text);
}

IdScope::~IdScope() {
    ImGui::PopID();
    if (FrameLog* log = current_log(); log && !log->path.empty()) log->path.pop_back();
}

// [Buttons]
bool button(std::string_view label, std::string_view id, ImVec2 size, const ButtonOpts& o) {
    FontScope font_scope(o.font);
    const std::string sid(id);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    bool pressed = false;
    {
        DisabledScope disabled(!o.enabled);
        pressed = ImGui::InvisibleButton(sid.c_str(), size);
    }
    const bool active = o.enabled && ImGui::IsItemActive();

    const ToneColors c = tone_colors(o.tone);
    const ImU32 bg = !o.enabled ? colors::kDisabled : active ? c.bg_active : c.bg;
    const ImU32 fg = o.enabled ? c.text : colors::kDisabledText;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 max = add(pos, size);
    const float rounding = ImGui::GetStyle().FrameRounding;
    dl->AddRectFilled(pos, max, bg, rounding);
    if (o.tone == Tone::selected && o.enabled)
        dl->AddRect(pos, max, colors::kAccent, rounding, 0, std::max(2.0f, ImGui::GetFontSize() * 0.08f));

    ImFont* font = ImGui::GetFont();
    const float fs = ImGui::GetFontSize();
    const float cs = fs * 0.72f;  // caption size
    const float pad = fs * 0.35f;
    const float inner = size.x - 2 * pad;
    const auto lines = wrap_with(font, fs, label, inner);
    const auto caption = o.caption.empty() ? std::vector<std::string>{} : wrap_with(font, cs, o.caption, inner);
    const float total = static_cast<float>(lines.size()) * fs + static_cast<float>(caption.size()) * cs +
                        (caption.empty() ? 0.0f : fs * 0.15f);
    bool fits = total <= size.y;
    float y = pos.y + (size.y - total) * 0.5f;
    for (const auto& l : lines) {
        const float w = text_width(font, fs, l);
        fits = fits && w <= inner + 0.5f;
        dl->AddText(font, fs, ImVec2(pos.x + (size.x - w) * 0.5f, y), fg, l.c_str());
        y += fs;
    }
    if (!caption.empty()) y += fs * 0.15f;
    for (const auto& l : caption) {
        const float w = text_width(font, cs, l);
        fits = fits && w <= inner + 0.5f;
        dl->AddText(font, cs, ImVec2(pos.x + (size.x - w) * 0.5f, y),
                    !o.enabled || c.coloured ? fg : o.caption_color ? o.caption_color : colors::kMuted, l.c_str());
        y += cs;
    }

    ItemRecord r;
    r.kind = ItemRecord::Kind::button;
    r.label = std::string(label);
    r.caption = o.caption;
    r.min = pos;
    r.max = max;
    r.enabled = o.enabled;
    r.fits = fits;
    record(std::move(r), id);
    return pressed && o.enabled;
}

// [Text]
float text_block_height(std::string_view text, float width, ImFont* font) {
    FontScope font_scope(font);
    return static_cast<float>(wrap_lines(text, width).size()) * ImGui::GetFontSize();
}

void text_block(std::string_view text, std::string_view id, float width, Align align, ImFont* font, ImU32 color) {
    FontScope font_scope(font);
    const auto lines = wrap_lines(text, width);
    const float fs = ImGui::GetFontSize();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const ImVec2 size(width, static_cast<float>(lines.size()) * fs);
    ImGui::Dummy(size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 col = color ? color : colors::kText;
    float y = pos.y;
    float widest = 0;
    for (const auto& l : lines) {
        const float w = text_width(ImGui::GetFont(), fs, l);
        widest = std::max(widest, w);
        float x = pos.x;
        if (align == Align::center) x += (width - w) * 0.5f;
        if (align == Align::right) x += width - w;
        dl->AddText(ImGui::GetFont(), fs, ImVec2(x, y), col, l.c_str());
        y += fs;
    }
    ItemRecord r;
    r.kind = ItemRecord::Kind::text;
    r.label = std::string(text);
    r.min = pos;
    r.max = add(pos, size);
    r.fits = widest <= width + 0.5f;
    record(std::move(r), id);
}

}  // namespace etabli::gui
