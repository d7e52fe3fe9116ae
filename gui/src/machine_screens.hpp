// The parts the kiosk's machine screens share across their files (machines.cpp: the board,
// offers, notices, the flow's header and replies, the dispatch; machines_member.cpp: the
// members' steps; machines_host.cpp: the hosts' steps). Private to the gui target.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/gui/machines.hpp>

#include "kit.hpp"

#include <etabli/alloc/model.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::gui::machine_screens {

using std::chrono::minutes;
using Step = MachinesUi::Step;
using kit::Box;

// The machines' colours: a state at a glance, and the day band's free, taken and closed parts.
namespace tint {
inline constexpr ImU32 kFree = colors::kOk;
inline constexpr ImU32 kBusy = colors::kBusy;
inline constexpr ImU32 kBooked = colors::kBooked;
inline constexpr ImU32 kMaintenance = colors::kAccent;
inline constexpr ImU32 kOut = colors::kError;
inline constexpr ImU32 kClosed = colors::kMuted;
inline constexpr ImU32 kTakenBand = IM_COL32(0xb0, 0x5a, 0x2a, 0xff);
inline constexpr ImU32 kFreeBand = IM_COL32(0x1e, 0x5a, 0x36, 0xff);
inline constexpr ImU32 kClosedBand = IM_COL32(0x2a, 0x30, 0x3a, 0xff);
}  // namespace tint

// [Helpers] (machines.cpp)
const app::MachineView* machine_view(const app::Snapshot& s, alloc::MachineId id);
std::string machine_name(const app::Snapshot& s, alloc::MachineId id);
std::string member_name(const app::Snapshot& s, core::MemberId id);
bool authorised(const alloc::Machine& m, core::MemberId member);
// The live bookings of a machine, by start.
std::vector<const alloc::Booking*> bookings_on(const app::Snapshot& s, alloc::MachineId id);
const alloc::QueuePlace* queue_place(const app::Snapshot& s, core::MemberId member, alloc::MachineId id);
std::string duration_text(minutes m);
// "samedi 28 novembre, 15:00 – 16:00"
std::string span_text(const Tr& tr, const LocalClock& clock, core::Timestamp a, core::Timestamp b);
// "1er", "2e" in French, "1st", "2nd" in English.
std::string ordinal(core::Lang lang, std::size_t n);
core::Timestamp ceil_to(core::Timestamp t, minutes step);
// The bottom line of a screen (or its top line, `top`): the last outcome (green) or problem
// (red), or "Saving…"; cut to one line with "…" when the room is shorter than the text.
void message_line(const MachinesView& v, const MachinesUi& ui, float x, float y, float w, float h, bool top = false);
// The same message at the bottom of a list screen, as kit::bottom_message: on the bar's line
// `line` when it holds it, else above the bar over the screen's width, `bottom_lift` higher.
float bottom_lift(const MachinesView& v, const MachinesUi& ui, float line_w, float full_w, float line_h);
void bottom_message(const MachinesView& v, const MachinesUi& ui, const Box& line, float full_x, float full_w);
// The title font for a tile's label when label and caption fit `size` with it, else the body font.
ImFont* tile_font(const Fonts* fonts, std::string_view label, std::string_view caption, ImVec2 size);
// Two buttons "Earlier" / "Later" (ids earlier/later); returns the new page.
int time_pager(const Tr& tr, int page, int pages, float x, float y, float w, float h);

// [Flow] (machines.cpp)
// A new step starts with a clean slate: no page, no pending confirmation, no old message.
void go(MachinesUi& ui, Step step);
// Title on the left; an optional extra button and "Back" on the right. Returns 1 when
// Back was tapped, 2 for the extra button, 0 otherwise.
int header(const MachinesView& v, const std::string& title, const Box& c, const std::string& extra = {},
           const char* extra_id = nullptr);
void handle_replies(const MachinesView& v, MachinesUi& ui);
// The machine the flow is on (ui.machine); when it is gone from the snapshot, the flow goes to
// `otherwise` and this returns null.
const app::MachineView* chosen_machine(const MachinesView& v, MachinesUi& ui, Step otherwise);
// The station's plan of day `d` on machine `m` for the member the flow books for, as the viewer
// may book it (alloc::DayPlan): asked of the station with PlanDay when the snapshot does not
// hold it, and null until it does. `failed`, when given, receives the station's refusal.
const alloc::DayPlan* day_plan(const MachinesView& v, MachinesUi& ui, alloc::MachineId m, core::Date d, Commands& out,
                               std::optional<core::Problem>* failed = nullptr);
// The start `t` in that plan (null: the plan does not list it).
const alloc::DayStart* plan_start(const alloc::DayPlan& p, core::Timestamp t);

// [The members' steps] (machines_member.cpp)
Next step_machines(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_machine(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_length(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_slots(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_mine(const MachinesView& v, MachinesUi& ui, Commands& out);
// The check after use of a machine that waits for it: "Checked, clean" confirms it, "Report a
// problem" asks what is wrong on the next screen. Stacked in a column of width w from y (the
// member's side column) or side by side (the host's page). The station decides who may.
float check_buttons(const MachinesView& v, MachinesUi& ui, const alloc::Machine& m, float x, float y, float w, float h,
                    bool side_by_side, Commands& out);
// What the last check found wrong, under a machine in maintenance.
float check_note_line(const MachinesView& v, const alloc::Machine& m, float x, float y, float w);

// [The hosts' steps] (machines_host.cpp)
Next step_host_machines(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_host_machine(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_cancel_reason(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_check_problem(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_pick_member(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_hours(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_devices(const MachinesView& v, MachinesUi& ui, Commands& out);
Next step_enrol_reader(const MachinesView& v, MachinesUi& ui, Commands& out);

}  // namespace etabli::gui::machine_screens
