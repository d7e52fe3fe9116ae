// The attendance screen's "Add by name": a walk-in without their badge is found by name
// on the on-screen keyboard (accents and case ignored) among every member, those checked in
// first, and marked present with the ordinary TrainingAttendance command. Drawn by the
// attendance step of skills.cpp while SkillsUi::attendance_adding is set; the step stays
// `attendance`, so badges at the kiosk reader still mark attendance meanwhile.
// Private to the gui target (not under include/).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/gui/skills.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace etabli::gui {

// Who the search offers for training `t`: with no text, the members checked in now; with a
// text, every member whose name matches (name_matches), those checked in first. The viewer
// (the trainer) is left out. `present` tells who is already marked present.
struct AttendanceCandidate {
    core::MemberId id = 0;
    std::string name;
    bool present = false;
};
std::vector<AttendanceCandidate> attendance_candidates(const SkillsScreenView& v, const app::TrainingView& t,
                                                       std::string_view search);

// The search view over the attendance step: Back returns to the list; tapping a member posts
// TrainingAttendance and returns to the list, which shows the outcome. Ids under
// attendance_add/: back, search, member/<id>/pick, kbd/…
Next draw_attendance_add(const SkillsScreenView& v, SkillsUi& ui, Commands& out, const app::TrainingView& t);

// Opens the search (clean text, no Shift: names are typed in lower case to search).
void start_attendance_add(SkillsUi& ui);

}  // namespace etabli::gui
