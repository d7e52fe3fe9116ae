// The kiosk's PIN pad: see pin_pad.hpp. Layer: gui. GUI thread only.
#include <etabli/core/pin.hpp>
#include <etabli/gui/pin_pad.hpp>

#include "kit.hpp"

#include <algorithm>

namespace etabli::gui {

PinPadAction draw_pin_pad(const PinPadView& v, PinPadUi& ui) {
    const Tr& tr = v.tr;
    const kit::Box c = kit::content();
    const float g = kit::gap();
    const float th = touch_height();
    PinPadAction action = PinPadAction::none;

    std::string title;
    switch (ui.step) {
    case PinPadUi::Step::enter: title = ui.purpose == PinPadUi::Purpose::host ? tr("Your host PIN") : tr.fmt("Your PIN for {0}", {ui.machine_name}); break;
    case PinPadUi::Step::choose: title = tr("Choose your PIN (4 to 8 digits)"); break;
    case PinPadUi::Step::confirm: title = tr("Enter your new PIN again"); break;
    case PinPadUi::Step::current: title = tr("Your current PIN"); break;
    }
    if (kit::title_bar(v.fonts, title, tr("Cancel"), "pin/cancel")) action = PinPadAction::cancel;

    // Left: who, why, the outcome. Right: the pad.
    const float pad_w = std::min(c.w * 0.5f, th * 3.2f * 3 + g * 2);
    const float left_w = c.w - pad_w - g * 3;
    float y = c.y + th * 1.6f;
    kit::at(c.x, y);
    text_block(v.member_name, "pin/member", left_w, Align::left, kit::title_font(v.fonts));
    y += th;
    std::string why;
    if (ui.purpose == PinPadUi::Purpose::host)
        why = tr("The host screens need your PIN as well as your badge: a badge alone can be copied.");
    else
        why = tr.fmt("{0} needs your PIN as well as your badge.", {ui.machine_name});
    if (ui.step == PinPadUi::Step::choose || ui.step == PinPadUi::Step::confirm)
        why += " " + tr("Keep it to yourself; an admin can reset it if you forget it.");
    kit::at(c.x, y);
    text_block(why, "pin/why", left_w);
    y += text_block_height(why, left_w) + g * 2;

    // The dots: one per digit typed, never the digit.
    {
        const float r = th * 0.18f;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 origin = ImGui::GetWindowPos();
        for (std::size_t i = 0; i < core::kPinMax; ++i) {
            const ImVec2 centre(origin.x + c.x + r + static_cast<float>(i) * r * 3.0f, origin.y + y + r);
            if (i < ui.digits.size()) dl->AddCircleFilled(centre, r, colors::kText);
            else if (i < core::kPinMin) dl->AddCircle(centre, r, colors::kMuted, 0, 2.0f);
        }
        y += r * 2 + g * 2;
    }
    if (!ui.message.empty()) kit::outcome_line(ui.message, ui.message_ok, c.x, y, left_w);

    // The pad: 1-9, then Effacer 0 Valider.
    const float bw = (pad_w - g * 2) / 3;
    const float bh = std::min((c.h - th * 1.6f - g * 5) / 5, th * 1.6f);
    const float px = c.x + c.w - pad_w;
    float py = c.y + th * 1.6f;
    const bool waiting = ui.pending != 0;
    for (int row = 0; row < 4; ++row) {
        for (int col = 0; col < 3; ++col) {
            kit::at(px + static_cast<float>(col) * (bw + g), py);
            if (row < 3 || col == 1) {
                const int d = row < 3 ? row * 3 + col + 1 : 0;
                const std::string label = std::to_string(d);
                ButtonOpts o;
                o.font = kit::title_font(v.fonts);
                o.enabled = !waiting && ui.digits.size() < core::kPinMax;
                if (button(label, "pin/digit/" + label, ImVec2(bw, bh), o) && ui.digits.size() < core::kPinMax) {
                    ui.digits += static_cast<char>('0' + d);
                    ui.message.clear();
                }
            } else if (col == 0) {
                ButtonOpts o;
                o.enabled = !waiting && !ui.digits.empty();
                if (button(tr("Erase"), "pin/erase", ImVec2(bw, bh), o) && !ui.digits.empty()) ui.digits.pop_back();
            } else {
                ButtonOpts o;
                o.tone = Tone::primary;
                o.enabled = !waiting && ui.digits.size() >= core::kPinMin;
                if (button(tr("Validate"), "pin/ok", ImVec2(bw, bh), o) && !waiting && ui.digits.size() >= core::kPinMin) action = PinPadAction::submit;
            }
        }
        py += bh + g;
    }
    if (ui.step == PinPadUi::Step::enter && v.has_pin) {
        kit::at(px, py);
        ButtonOpts o;
        o.tone = Tone::quiet;
        o.enabled = !waiting;
        if (button(tr("Change my PIN"), "pin/change", ImVec2(pad_w, bh), o)) action = PinPadAction::change;
    }
    return action;
}

}  // namespace etabli::gui
