// The kiosk's tool-library screens (#6): a member's tools (my loans, overdue in red at the
// top), Borrow (scan a label, or category tiles, or search with the on-screen keyboard; a
// basket; the loan length; confirm), Return (scan or choose from my loans; condition good,
// worn or damaged, with a note), and the hosts' lists (overdue with days late and contact,
// deposits held). Screens are functions of the snapshot plus presentation state, as in
// screens.hpp. The scanner reaches the screen through the station (ToolScanned selects in
// the open flow), so the screen only draws snapshot.tools->flow.
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::gui {

struct ToolsScreenView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;                 // the member at the kiosk
    const app::Snapshot* snap = nullptr;
};
struct ToolsUi {
    enum class Step { menu, borrow, search, give_back, overdue, deposits };
    Step step = Step::menu;
    std::string category;                // borrow: the category tile chosen ("" all)
    std::string search;
    KeyboardState search_keys;
    int page = 0;
    int days = 0;                        // 0: each tool's own loan length
    core::ToolCondition condition = core::ToolCondition::good;
    std::string note;
    KeyboardState note_keys;
    bool typing_note = false;
    std::string message;                 // the last confirmation ("3 tools lent…"), shown in the menu
};

// Draws the current step; Next::home when the member leaves the tool screens.
Next draw_tools(const ToolsScreenView& v, ToolsUi& ui, Commands& out);

// The member home's strip of "my loans": overdue ones in red first, then the next due, in at
// most `max_lines` lines of `width` at the cursor. Returns the height used (0 when no loan).
float draw_home_loans(const std::vector<app::LoanView>& loans, const Tr& tr, float width, int max_lines);

}  // namespace etabli::gui
