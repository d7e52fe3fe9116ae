// The hosts' screen for forgotten check-outs: a volunteer who forgot to badge out was
// closed by the station and counted until closing time; a host picks the presence, sets the
// real time of leaving with large ±15 min / ±1 h buttons or hour and minute chips (no typing),
// and confirms (CorrectPresence). Refusals (before the check-in, in the future, into the next
// visit) come back from the station and are shown translated.
// Reached from a host's member home ("Check-outs to correct").
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <string>

namespace etabli::gui {

struct CheckoutsView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct CheckoutsUi {
    core::PresenceId selected = 0;  // 0: the list
    core::Timestamp out{};          // the check-out being set (UTC)
    int page = 0;
    std::uint64_t pending = 0;      // the CorrectPresence waiting for its reply
    std::string message;            // the last outcome
    std::string done_text;          // what to say when the pending correction succeeds
    bool message_ok = true;
};

// The list, or the time picker of the selected presence. Next::home on "Back" from the list.
Next draw_checkouts(const CheckoutsView& v, CheckoutsUi& ui, Commands& out);

}  // namespace etabli::gui
