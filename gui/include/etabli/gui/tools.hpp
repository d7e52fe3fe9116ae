// The kiosk's tool-library screens: a member's tools (my loans, overdue in red at the
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
#include <etabli/gui/pictures.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace etabli::gui {

struct ToolsScreenView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;                 // the member at the kiosk
    const app::Snapshot* snap = nullptr;
    PictureCache* pictures = nullptr;    // the tools' photos; none: names only
    std::vector<std::filesystem::path> usb_roots;  // where the hosts' USB sticks are mounted
    PictureCache* stick_pictures = nullptr;  // the sticks' pictures, by path from "/"; none: names only
};
// The hosts' inventory form (tools_host.cpp): every field as typed, checked by the station.
struct ToolForm {
    core::ToolId id = 0;  // 0: a new tool
    std::string name, category, tag, location, days = "14", deposit, notes;
    std::string renewals = "2";  // core::Tool::max_renewals, typed on the digit pad
    std::string photo;           // a file name in the photos folder; "" none
    core::ToolCondition condition = core::ToolCondition::good;
    int field = 0;        // the field the keyboard types into
    // On a screen too small for the grid and the keyboard together (large text): the field
    // being typed, alone above the keyboard, until OK brings the grid back.
    bool typing = false;
};
struct ToolsUi {
    enum class Step { menu, borrow, search, give_back, overdue, deposits, inventory, inventory_search, tool_form, retire,
                      pick_member, photo_pick };
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
    // Return: the deposit held for the tool chosen is given back, or kept with a reason.
    bool keep_deposit = false;
    std::string deposit_reason;
    KeyboardState reason_keys;
    bool typing_reason = false;
    // Hosts' inventory (tools_host.cpp).
    ToolForm form;
    KeyboardState form_keys;
    core::ToolId retire = 0;             // the tool whose retirement waits for a confirmation
    std::uint64_t pending = 0;           // the AddTool/SetTool/RetireTool posted; its reply decides
    std::string form_problem;            // the station's refusal of the form, translated
    std::string form_notice;             // why the form opened by itself (a new label scanned)
    std::uint64_t scan_seen = 0;         // the last label scan this screen has seen (ToolScanView::seq)
    bool exported = false;               // an export was asked on this screen: show ToolsView::last_export
    // The form's photo from a USB stick: the pictures found, the page, the copy under way.
    std::vector<std::filesystem::path> usb_pictures;
    std::uint64_t photo_import = 0;      // PictureCache::import's ticket; 0: none
    std::string photo_problem;
    // A volunteer or host lending for a member: who (0: the viewer borrows for themself).
    core::MemberId for_member = 0;
    std::string member_search;
    KeyboardState member_keys;
};

// Whose basket the borrow steps fill: the member picked by a volunteer, else the viewer.
inline core::MemberId borrower(const ToolsScreenView& v, const ToolsUi& ui) { return ui.for_member ? ui.for_member : v.viewer.id; }
// A volunteer or host picks the member to lend to (present members first, or a search).
Next draw_pick_member(const ToolsScreenView& v, ToolsUi& ui, Commands& out);

// The outcome of the latest label sheet or overdue CSV, for the screen that asked (one line).
void draw_export_result(const ToolsScreenView& v, float width);

// Hosts' inventory steps (tools_host.cpp), called by draw_tools.
// A label scanned while the inventory list is open opens that tool's form, or the form of a
// new tool with the tag filled in when no tool has it. Called on every frame of the tools
// screens: a scan on another screen belongs to that screen and is only marked seen.
void take_inventory_scan(const ToolsScreenView& v, ToolsUi& ui);
Next draw_inventory(const ToolsScreenView& v, ToolsUi& ui, Commands& out, bool searching);
Next draw_tool_form(const ToolsScreenView& v, ToolsUi& ui, Commands& out);
Next draw_retire(const ToolsScreenView& v, ToolsUi& ui, Commands& out);
// The form's photo: the pictures on the USB sticks plugged in, copied into the photos folder
// when tapped; or none; or the name typed.
Next draw_photo_pick(const ToolsScreenView& v, ToolsUi& ui, Commands& out);

// Draws the current step; Next::home when the member leaves the tool screens.
Next draw_tools(const ToolsScreenView& v, ToolsUi& ui, Commands& out);

// The member home's strip of "my loans": overdue ones in red first, then the next due, in at
// most `max_lines` lines of `width` at the cursor. Returns the height used (0 when no loan).
float draw_home_loans(const std::vector<app::LoanView>& loans, const Tr& tr, float width, int max_lines);

}  // namespace etabli::gui
