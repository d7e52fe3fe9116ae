// What the kiosk shows of the machine controllers: the recent controller messages as
// idle-screen banners ("Découpe laser : défaut de contact, appelez un animateur"), and the
// host's controller row on a machine's screen (relay state; "Clear the fault" in fault).
// Layer: gui (reads the snapshot only). GUI thread.
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/widgets.hpp>

#include <string>
#include <vector>

namespace etabli::gui {

// The controller messages of the last 30 minutes, newest first, at most `max`, translated.
std::vector<std::string> controller_banners(const app::Snapshot& s, const Tr& tr, std::size_t max = 2);

// The controller channel that switches machine `id` (by its id, or by its configured name
// while the controller has not reported the id yet), with its controller; null when none.
struct MachineChannel {
    const app::ControllerView* controller = nullptr;
    const app::ControllerChannelView* channel = nullptr;
};
MachineChannel machine_channel(const app::Snapshot& s, alloc::MachineId id);

// The row of a host's machine screen about the machine's controller, when it has one (IdScope
// "controller"): the board, the channel and the relay ("A10KZ3QP, voie 1 : relais fermé"), the
// board offline, or the contact fault with a "Clear the fault" button (id "clear_fault"). One
// touch height at (x, y), `w` wide, or as tall as its text when it wraps (`height`). On
// `clear`, the caller posts app::ClearMachineFault.
struct ControllerRow {
    bool shown = false;
    bool clear = false;
    float height = 0;
};
ControllerRow draw_controller_row(const app::Snapshot& s, alloc::MachineId id, const Tr& tr, float x, float y, float w,
                                  bool enabled);

}  // namespace etabli::gui
