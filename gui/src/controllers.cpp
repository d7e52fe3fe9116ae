// The kiosk's controller banners (see controllers.hpp). Layer: gui. GUI thread.
#include "controllers.hpp"
#include "kit.hpp"

#include <imgui.h>

namespace etabli::gui {

std::vector<std::string> controller_banners(const app::Snapshot& s, const Tr& tr, std::size_t max) {
    std::vector<std::string> out;
    // Older news is for the host panel and the log: the idle screen stays calm.
    const auto since = s.at - std::chrono::minutes{30};
    for (auto it = s.controller_messages.rbegin(); it != s.controller_messages.rend() && out.size() < max; ++it)
        if (it->at >= since) out.push_back(tr.fmt(it->text.msgid, it->text.args));
    return out;
}

bool machine_in_fault(const app::Snapshot& s, alloc::MachineId id) {
    for (const auto& c : s.controllers)
        for (const auto& ch : c.channel_views)
            if (ch.machine == id && ch.fault) return true;
    return false;
}

bool draw_fault_row(const Tr& tr, float x, float y, float w, bool enabled) {
    IdScope scope("fault");
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const std::string label = tr("Clear the fault");
    const float bw = kit::button_width(label, 6.0f);
    const float tw = w - bw - kit::gap();
    kit::at(x, y + (th - fs) * 0.5f);
    // The firmware keeps the relay open until a host has looked at the contact: say so.
    text_block(kit::ellipsize(tr("Contact fault: check the relay, then clear."), tw), "text", tw, Align::left, nullptr,
               colors::kDangerActive);
    ButtonOpts o;
    o.tone = Tone::danger;
    o.enabled = enabled;
    kit::at(x + w - bw, y);
    return button(label, "clear_fault", ImVec2(bw, th), o);
}

}  // namespace etabli::gui
