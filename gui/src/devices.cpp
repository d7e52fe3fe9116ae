// The hosts' device panel (see devices.hpp). Layer: gui. GUI thread.
//
// Each reader is one block: "role — connected / not connected", then its last badge or its
// problem, then, when the kernel refused the device, the udev rule to install (the command,
// not a stack of errors). Controllers follow, one block each.
#include "devices.hpp"
#include "kit.hpp"

#include <imgui.h>

#include <algorithm>

namespace etabli::gui {

using namespace kit;

std::string reader_role_label(const std::string& role, const Tr& tr) {
    if (role == "kiosk") return tr("Kiosk reader");
    if (role == "scanner") return tr("Tool scanner");
    if (role.starts_with("machine:")) return tr.fmt("Reader of {0}", {role.substr(8)});
    return role;
}

namespace {

struct Line {
    std::string text;
    ImU32 color = 0;
};

std::vector<Line> reader_lines(const app::ReaderView& r, const Tr& tr, const LocalClock& clock) {
    std::vector<Line> out;
    out.push_back({tr.fmt(r.connected ? "{0}: connected" : core::N_("{0}: not connected"), {reader_role_label(r.role, tr)}),
                   r.connected ? colors::kOk : colors::kAccent});
    std::string second;
    if (r.last_tap) {
        second = clock.day_of(*r.last_tap) == clock.today ? tr.fmt("Last badge at {0}", {clock.hhmm(*r.last_tap)})
                                                           : tr("Last badge before today");
    } else {
        second = tr("No badge read yet");
    }
    if (!r.device.empty()) second += " · " + r.device;
    out.push_back({second, colors::kMuted});
    if (r.permission_denied) {
        out.push_back({tr("Permission denied: install the udev rule for badge readers, then unplug and replug the reader:"),
                       colors::kError});
        out.push_back({kReadersUdevInstall, colors::kText});
    } else if (r.problem) {
        // Connected: the last dropped line (a badge read badly); not connected: why.
        out.push_back({tr.problem(*r.problem), r.connected ? colors::kMuted : colors::kError});
    }
    return out;
}

std::vector<Line> controller_lines(const app::ControllerView& c, const Tr& tr) {
    std::vector<Line> out;
    const std::string name = tr(c.name);  // the demo's fake board has a translation
    if (c.up)
        out.push_back({tr.fmt("Controller {0}: connected, firmware {1}, {2} channels",
                              {name, c.firmware, std::to_string(c.channels)}),
                       colors::kOk});
    else
        out.push_back({tr.fmt("Controller {0}: not connected", {name}), colors::kAccent});
    if (c.problem) out.push_back({tr.problem(*c.problem), colors::kError});
    return out;
}

}  // namespace

int draw_devices(const app::Snapshot& s, const Tr& tr, const LocalClock& clock, float x, float y, float w, float h, int page) {
    IdScope scope("devices");
    const float fs = ImGui::GetFontSize();
    struct Block {
        std::vector<Line> lines;
        bool heading = false;
    };
    std::vector<Block> blocks;
    blocks.push_back({{{tr("Badge readers"), colors::kText}}, true});
    if (s.devices.empty()) blocks.push_back({{{tr("No badge reader is configured in etabli.toml."), colors::kMuted}}});
    for (const auto& r : s.devices) blocks.push_back({reader_lines(r, tr, clock)});
    blocks.push_back({{{tr("Machine controllers"), colors::kText}}, true});
    if (s.controllers.empty()) blocks.push_back({{{tr("No machine controller is configured."), colors::kMuted}}});
    for (const auto& c : s.controllers) blocks.push_back({controller_lines(c, tr)});

    auto height_of = [&](const Block& b) {
        float bh = 0;
        for (const auto& l : b.lines) bh += text_block_height(l.text, w);
        return bh + fs * 0.4f;
    };
    // Pages of whole blocks, as many as fit each (a block taller than the room has its own).
    std::vector<std::size_t> first{0};
    float used = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const float bh = height_of(blocks[i]);
        if (used > 0 && used + bh > h) {
            first.push_back(i);
            used = 0;
        }
        used += bh;
    }
    const int pages = static_cast<int>(first.size());
    page = std::clamp(page, 0, pages - 1);
    const std::size_t from = first[static_cast<std::size_t>(page)];
    const std::size_t to = page + 1 < pages ? first[static_cast<std::size_t>(page) + 1] : blocks.size();
    float cy = y;
    for (std::size_t i = from; i < to; ++i) {
        IdScope row(static_cast<std::int64_t>(i));
        int n = 0;
        for (const auto& l : blocks[i].lines) {
            at(x, cy);
            text_block(l.text, "line" + std::to_string(n++), w, Align::left, nullptr, l.color);
            cy += text_block_height(l.text, w);
        }
        cy += fs * 0.4f;
    }
    return pages;
}

}  // namespace etabli::gui
