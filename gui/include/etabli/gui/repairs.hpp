// The kiosk's repair screens: log a bike repair in a few taps (component tiles, status
// buttons, time chips, optional text on the on-screen keyboard, save), "my repairs of the last
// 24 h" with edit, the statistics screen for hosts (bars and a line drawn with ImGui), and the
// role picker a volunteer sees at badge-in.
// Layer: gui (reads app snapshots, emits app commands). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <optional>
#include <string>

namespace etabli::gui {

// What the volunteer picked on the log form: a bicycle component, or one of the powered
// items a bike workshop sees (a bike light, an e-bike battery).
struct RepairChoice {
    std::optional<core::Component> component;
    std::optional<int> category;  // ORDS id for powered items
    bool operator==(const RepairChoice&) const = default;
};

struct RepairsView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;              // the volunteer at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct RepairsUi {
    enum class Step { log, text, mine, stats };
    Step step = Step::log;
    // The form.
    std::optional<RepairChoice> choice;
    std::optional<core::RepairStatus> status;
    std::optional<core::Barrier> barrier;
    std::optional<int> minutes;
    std::string problem;
    KeyboardState keys{false, false, true};
    std::optional<core::Repair> editing;  // EditRepair instead of LogRepair
    // The request waiting for its reply, and the last outcome shown.
    std::uint64_t pending = 0;
    std::string message;
    bool message_ok = false;
    int page = 0;
    // The role picker: shown once per badge-in.
    core::MemberId role_asked = 0;
};

// Empties the form (after a save, or when a volunteer opens the screen).
void reset_repair_form(RepairsUi& ui);
// The form as a record ready for LogRepair/EditRepair; none while a choice is missing.
std::optional<core::Repair> repair_of_form(const RepairsUi& ui, core::MemberId volunteer);

// The repair screens; returns Next::home on "Back".
Next draw_repairs(const RepairsView& v, RepairsUi& ui, Commands& out);

// The role picker at a volunteer's badge-in: drawn (and true returned) while the member picks
// a role and has none today; "Later" or a pick hides it until the next badge-in.
bool draw_role_picker(const RepairsView& v, RepairsUi& ui, Commands& out);

// The idle screen's "this month" line: repairs, how many fixed and the volunteer hours of the
// snapshot's current month; empty when the month has neither repairs nor hours yet.
std::string idle_month_summary(const app::Snapshot& s, const Tr& tr);

}  // namespace etabli::gui
