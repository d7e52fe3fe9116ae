// The kiosk's controller banners (see controllers.hpp). Layer: gui. GUI thread.
#include "controllers.hpp"
#include "kit.hpp"

#include <imgui.h>

#include <algorithm>

namespace etabli::gui {

std::vector<std::string> controller_banners(const app::Snapshot& s, const Tr& tr, std::size_t max) {
    std::vector<std::string> out;
    // Older news is for the host panel and the log: the idle screen stays calm.
    const auto since = s.at - std::chrono::minutes{30};
    for (auto it = s.controller_messages.rbegin(); it != s.controller_messages.rend() && out.size() < max; ++it)
        if (it->at >= since) out.push_back(tr.fmt(it->text.msgid, it->text.args));
    return out;
}

MachineChannel machine_channel(const app::Snapshot& s, alloc::MachineId id) {
    for (const auto& c : s.controllers)
        for (const auto& ch : c.channel_views)
            if (ch.machine == id) return {&c, &ch};
    // The manager learns the machine ids after its first report: match the configured name.
    std::string name;
    for (const auto& m : s.machines)
        if (m.machine.id == id) name = m.machine.name;
    if (name.empty()) return {};
    for (const auto& c : s.controllers)
        for (const auto& ch : c.channel_views)
            if (!ch.machine && ch.machine_name == name) return {&c, &ch};
    return {};
}


ControllerRow draw_controller_row(const app::Snapshot& s, alloc::MachineId id, const Tr& tr, float x, float y, float w,
                                  bool enabled) {
    ControllerRow row;
    const MachineChannel mc = machine_channel(s, id);
    if (!mc.channel) return row;
    row.shown = true;
    IdScope scope("controller");
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    // Configured names are serial numbers or ports; the demo's fake board has a translation.
    const std::string board = tr(mc.controller->name);
    const std::string ch = std::to_string(mc.channel->channel);
    std::string text;
    ImU32 color = colors::kMuted;
    float tw = w;
    std::string label;
    if (mc.channel->fault) {
        // The firmware keeps the relay open until a host has looked at the contact: say so.
        label = tr("Clear the fault");
        tw = w - kit::button_width(label, 6.0f) - kit::gap();
        text = tr("Contact fault: check the relay, then clear.");
        color = colors::kDangerActive;
    } else if (!mc.controller->up) {
        text = tr.fmt("{0}: controller offline", {board});
        color = colors::kAccent;
    } else {
        text = tr.fmt(mc.channel->relay ? "{0}, channel {1}: relay closed" : core::N_("{0}, channel {1}: relay open"), {board, ch});
        if (mc.channel->relay) color = colors::kText;
    }
    // A text that wraps makes the row taller: it is never cut short.
    const float text_h = text_block_height(text, tw);
    row.height = std::max(th, text_h + fs * 0.3f);
    kit::at(x, y + (row.height - text_h) * 0.5f);
    text_block(text, "text", tw, Align::left, nullptr, color);
    if (!label.empty()) {
        ButtonOpts o;
        o.tone = Tone::danger;
        o.enabled = enabled;
        kit::at(x + tw + kit::gap(), y + (row.height - th) * 0.5f);
        row.clear = button(label, "clear_fault", ImVec2(w - tw - kit::gap(), th), o);
    }
    return row;
}

}  // namespace etabli::gui
