// On-screen keyboard: AZERTY (French) or QWERTY (English) letters, an accented layer,
// one-shot Shift, and a text field to show what is typed. Keys are ordinary kiosk buttons,
// so tests tap them by label through the frame log.
// Layer: gui. GUI thread only (inside an ImGui frame).
#include <etabli/gui/keyboard.hpp>

#include <algorithm>
#include <array>
#include <span>

namespace etabli::gui {

namespace {

struct Cap {
    const char* lower;
    const char* upper;
};

constexpr std::array<Cap, 10> kAzerty1{{{"a", "A"}, {"z", "Z"}, {"e", "E"}, {"r", "R"}, {"t", "T"},
                                        {"y", "Y"}, {"u", "U"}, {"i", "I"}, {"o", "O"}, {"p", "P"}}};
constexpr std::array<Cap, 10> kAzerty2{{{"q", "Q"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"},
                                        {"h", "H"}, {"j", "J"}, {"k", "K"}, {"l", "L"}, {"m", "M"}}};
constexpr std::array<Cap, 6> kAzerty3{{{"w", "W"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}}};

constexpr std::array<Cap, 10> kQwerty1{{{"q", "Q"}, {"w", "W"}, {"e", "E"}, {"r", "R"}, {"t", "T"},
                                        {"y", "Y"}, {"u", "U"}, {"i", "I"}, {"o", "O"}, {"p", "P"}}};
constexpr std::array<Cap, 9> kQwerty2{{{"a", "A"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"},
                                       {"h", "H"}, {"j", "J"}, {"k", "K"}, {"l", "L"}}};
constexpr std::array<Cap, 7> kQwerty3{{{"z", "Z"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}}};

// The accented layer: every letter French names need, with their capitals.
constexpr std::array<Cap, 10> kAccents1{{{"é", "É"}, {"è", "È"}, {"ê", "Ê"}, {"ë", "Ë"}, {"à", "À"},
                                         {"â", "Â"}, {"ä", "Ä"}, {"ç", "Ç"}, {"ù", "Ù"}, {"û", "Û"}}};
constexpr std::array<Cap, 10> kAccents2{{{"ô", "Ô"}, {"ö", "Ö"}, {"î", "Î"}, {"ï", "Ï"}, {"œ", "Œ"},
                                         {"æ", "Æ"}, {"ü", "Ü"}, {"ÿ", "Ÿ"}, {"ñ", "Ñ"}, {".", "."}}};

constexpr std::array<Cap, 10> kDigits{{{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"},
                                       {"6", "6"}, {"7", "7"}, {"8", "8"}, {"9", "9"}, {"0", "0"}}};
constexpr std::array<Cap, 10> kSigns{{{"@", "@"}, {".", "."}, {"_", "_"}, {"+", "+"}, {",", ","},
                                      {"/", "/"}, {"(", "("}, {")", ")"}, {"€", "€"}, {"&", "&"}}};

std::size_t utf8_count(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

struct Typing {
    std::string& text;
    KeyboardState& state;
    std::size_t max_chars;
    bool changed = false;

    void insert(std::string_view s) {
        if (utf8_count(text) >= max_chars) return;
        text += s;
        changed = true;
    }
};

// One row of letter keys starting at `x`, each `w` wide.
void letter_row(std::span<const Cap> caps, int row, float x, float y, float w, float h, float gap, Typing& t) {
    for (std::size_t i = 0; i < caps.size(); ++i) {
        ImGui::SetCursorPos(ImVec2(x + static_cast<float>(i) * (w + gap), y));
        const char* label = t.state.shift ? caps[i].upper : caps[i].lower;
        const std::string id = "r" + std::to_string(row) + "c" + std::to_string(i);
        if (button(label, id, ImVec2(w, h))) {
            t.insert(label);
            t.state.shift = false;
            t.state.accents = false;  // one accented letter, then back to the letters (or the digits)
        }
    }
}

}  // namespace

void pop_utf8(std::string& text) {
    while (!text.empty()) {
        const auto c = static_cast<unsigned char>(text.back());
        text.pop_back();
        if ((c & 0xC0) != 0x80) break;
    }
}

bool draw_keyboard(std::string& text, KeyboardState& state, core::Lang layout, ImVec2 size,
                   std::size_t max_chars, const Tr& tr) {
    IdScope scope("kbd");
    Typing t{text, state, max_chars};
    const ImVec2 origin = ImGui::GetCursorPos();
    const float gap = std::max(2.0f, ImGui::GetFontSize() * 0.18f);
    const float w = (size.x - 9 * gap) / 10.0f;
    const float h = (size.y - 3 * gap) / 4.0f;
    auto row_y = [&](int r) { return origin.y + static_cast<float>(r) * (h + gap); };
    auto span_w = [&](float units) { return units * w + (units - 1) * gap; };

    const bool azerty = layout == core::Lang::fr;
    if (state.symbols && !state.accents) {
        letter_row(kDigits, 0, origin.x, row_y(0), w, h, gap, t);
        letter_row(kSigns, 1, origin.x, row_y(1), w, h, gap, t);
    } else if (state.accents) {
        letter_row(kAccents1, 0, origin.x, row_y(0), w, h, gap, t);
        letter_row(kAccents2, 1, origin.x, row_y(1), w, h, gap, t);
    } else if (azerty) {
        letter_row(kAzerty1, 0, origin.x, row_y(0), w, h, gap, t);
        letter_row(kAzerty2, 1, origin.x, row_y(1), w, h, gap, t);
    } else {
        letter_row(kQwerty1, 0, origin.x, row_y(0), w, h, gap, t);
        letter_row(kQwerty2, 1, origin.x + (w + gap) * 0.5f, row_y(1), w, h, gap, t);
    }

    // Row 3: Shift, letters, Backspace.
    const std::span<const Cap> row3 = azerty ? std::span<const Cap>(kAzerty3) : std::span<const Cap>(kQwerty3);
    const float side = (10.0f - static_cast<float>(row3.size())) / 2.0f;
    ImGui::SetCursorPos(ImVec2(origin.x, row_y(2)));
    ButtonOpts shift_opts;
    shift_opts.tone = state.shift ? Tone::selected : Tone::normal;
    if (button("⇧", "shift", ImVec2(span_w(side), h), shift_opts)) state.shift = !state.shift;
    letter_row(row3, 2, origin.x + span_w(side) + gap, row_y(2), w, h, gap, t);
    ImGui::SetCursorPos(ImVec2(origin.x + span_w(side) + gap + static_cast<float>(row3.size()) * (w + gap), row_y(2)));
    if (button("⌫", "backspace", ImVec2(span_w(side), h)) && !text.empty()) {
        pop_utf8(text);
        t.changed = true;
    }

    // Row 4: accents layer, digits and signs, hyphen, space, apostrophe.
    float x = origin.x;
    ImGui::SetCursorPos(ImVec2(x, row_y(3)));
    ButtonOpts layer_opts;
    layer_opts.tone = state.accents ? Tone::selected : Tone::normal;
    if (button(state.accents ? "abc" : "àé", "layer", ImVec2(span_w(2), h), layer_opts)) state.accents = !state.accents;
    x += span_w(2) + gap;
    ImGui::SetCursorPos(ImVec2(x, row_y(3)));
    ButtonOpts symbols_opts;
    symbols_opts.tone = state.symbols ? Tone::selected : Tone::normal;
    if (button(state.symbols ? "abc" : "123", "symbols", ImVec2(span_w(1.5f), h), symbols_opts)) {
        state.symbols = !state.symbols;
        state.accents = false;
    }
    x += span_w(1.5f) + gap;
    ImGui::SetCursorPos(ImVec2(x, row_y(3)));
    if (button("-", "hyphen", ImVec2(span_w(1.5f), h))) t.insert("-");
    x += span_w(1.5f) + gap;
    ImGui::SetCursorPos(ImVec2(x, row_y(3)));
    if (button(tr("space"), "space", ImVec2(span_w(3.5f), h)) && !text.empty() && text.back() != ' ') t.insert(" ");
    x += span_w(3.5f) + gap;
    ImGui::SetCursorPos(ImVec2(x, row_y(3)));
    if (button("'", "apostrophe", ImVec2(span_w(1.5f), h))) t.insert("'");

    if (state.auto_capital && t.changed)
        state.shift = text.empty() || text.back() == ' ' || text.back() == '-';
    ImGui::SetCursorPos(ImVec2(origin.x, origin.y + size.y));
    ImGui::Dummy(ImVec2(0, 0));
    return t.changed;
}

void text_field(std::string_view text, std::string_view placeholder, std::string_view id, ImVec2 size) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::Dummy(size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 max(pos.x + size.x, pos.y + size.y);
    const float fs = ImGui::GetFontSize();
    dl->AddRectFilled(pos, max, colors::kField, ImGui::GetStyle().FrameRounding);
    const float pad = fs * 0.4f;
    const float inner = size.x - 2 * pad - fs * 0.3f;
    const bool empty = text.empty();
    std::string shown(empty ? placeholder : text);
    // Long text: show its end, where the typing happens.
    while (!empty && shown.size() > 1 &&
           ImGui::CalcTextSize(shown.data(), shown.data() + shown.size()).x > inner) {
        std::size_t cut = 1;
        while (cut < shown.size() && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) ++cut;
        shown.erase(0, cut);
    }
    const float y = pos.y + (size.y - fs) * 0.5f;
    const ImU32 ink = empty ? colors::kFieldPlaceholder : colors::kFieldInk;
    ImGui::PushClipRect(pos, max, true);
    // The caret sits at the end of the text, or before the placeholder.
    const float caret_w = std::max(2.0f, fs * 0.08f);
    const float text_x = pos.x + pad + (empty ? caret_w + fs * 0.25f : 0.0f);
    dl->AddText(ImVec2(text_x, y), ink, shown.data(), shown.data() + shown.size());
    const float caret_x = empty ? pos.x + pad : text_x + ImGui::CalcTextSize(shown.data(), shown.data() + shown.size()).x + 2;
    dl->AddLine(ImVec2(caret_x, y), ImVec2(caret_x, y + fs), colors::kSelected, caret_w);
    ImGui::PopClipRect();

    ItemRecord r;
    r.kind = ItemRecord::Kind::text;
    r.label = std::string(text);
    r.min = pos;
    r.max = max;
    if (FrameLog* log = current_log()) {
        r.key = log->key_of(id);
        log->items.push_back(std::move(r));
    }
}

}  // namespace etabli::gui
