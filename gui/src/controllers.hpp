// What the kiosk shows of the machine controllers (#4): the recent controller messages as
// idle-screen banners ("Découpe laser : défaut de contact, appelez un animateur"), and the
// host's "Clear the fault" row on a machine in fault.
// Layer: gui (reads the snapshot only). GUI thread.
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/widgets.hpp>

#include <string>
#include <vector>

namespace etabli::gui {

// The controller messages of the last 30 minutes, newest first, at most `max`, translated.
std::vector<std::string> controller_banners(const app::Snapshot& s, const Tr& tr, std::size_t max = 2);

// Whether a controller channel of machine `id` holds a latched contact fault (a relay that
// stayed closed, or feedback without a GRANT).
bool machine_in_fault(const app::Snapshot& s, alloc::MachineId id);
// The row of a host's machine screen while that machine is in fault: what happened, and a
// "Clear the fault" button (id "clear_fault"; true when tapped). One touch height at (x, y),
// `w` wide. The host should post app::ClearMachineFault once the contact is checked.
bool draw_fault_row(const Tr& tr, float x, float y, float w, bool enabled);

}  // namespace etabli::gui
