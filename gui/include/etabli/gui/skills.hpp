// The kiosk's screens of skills, trainings, help in the room and know-how cards: the
// member's "My skills" hub (levels and lapse dates, trainings to sign up for, "Who can help
// me?", "Ask for help"), the trainers' two-badge sign-off and a training's attendance and
// grants, a machine's or tool's skill page (what is needed, the next training, its cards),
// the supervised-use prompt, the help requests of the idle screen ("I'll help"), and the
// know-how cards (list, viewer with "This helped me", writing or suggesting one, the hosts'
// review). Screens are functions of the snapshot plus presentation state, as in screens.hpp.
// The skills and know views are passed as pointers so a snapshot without them (older tests)
// draws nothing of this feature.
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/know.hpp>
#include <etabli/app/skills_view.hpp>
#include <etabli/app/snapshot.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/machines.hpp>
#include <etabli/gui/pictures.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::gui {

struct SkillsScreenView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;                      // who badged in
    const app::Snapshot* snap = nullptr;
    const app::SkillsView* skills = nullptr;  // null: the station publishes no skills
    const app::KnowView* know = nullptr;      // null: no trainings, help or cards
    LocalClock clock;
    double since_snapshot = 0;                // seconds since this snapshot arrived (countdowns)
    PictureCache* pictures = nullptr;         // the cards' photos; none: their names only
};

struct SkillsUi {
    enum class Step {
        hub,             // my skills, my trainings, the actions
        trainings,       // every upcoming training: sign up, cancel, waiting position
        help_skill,      // pick a skill, to ask "who can help" or to post a request
        help_who,        // the answer: present at level >= 2, then usual visitors
        help_ask,        // optional words for the request, then post it
        signoff_skill,   // trainers: which skill
        signoff_level,   // which level
        signoff_member,  // whom (present members first, search)
        signoff_wait,    // the member badges to confirm
        attendance_list, // trainers: their trainings running or waiting for grants
        attendance,      // one training: badges or names tapped, then "Grant the levels"
        item_info,       // a machine's or tool's page: skill needed, next training, cards
        cards,           // know-how cards (of a machine, tool or skill, or all)
        card,            // one card: steps, photos, "This helped me"
        card_write,      // a new card: title then steps on the on-screen keyboard
        card_review,     // volunteers and hosts: suggested cards to publish or reject
    };
    Step step = Step::hub;
    Step back_to = Step::hub;           // where Back goes from the card viewer, the writer and help
    std::optional<Step> cards_back = Step::hub;  // where Back goes from the card list; none: the caller
    bool leave_to_caller = false;       // Back from the first step returns to the caller's screen
    int page = 0;
    std::string message;                // the last outcome, shown on the next screens
    bool message_ok = true;
    std::uint64_t pending = 0;          // the command waiting for its reply
    std::string pending_text;           // the message when it succeeds
    std::optional<Step> after_ok;       // where to go when it succeeds
    // help
    core::SkillId skill = 0;
    bool asking = false;                // help_skill leads to help_ask (else help_who)
    std::uint64_t helpers_request = 0;
    std::string text;
    KeyboardState keys{true, false, false};
    // sign-off
    int level = 2;
    core::MemberId member = 0;
    std::string member_name;
    std::string search;
    bool signoff_seen = false;          // the station published the pending sign-off
    core::Timestamp signoff_started{};
    // trainings
    core::TrainingId training = 0;
    core::TrainingId attendance_armed = 0;  // StartAttendance sent for it (the station takes kiosk badges)
    std::uint64_t capture_seq = 0;          // the station's KnowCaptureView::seq last seen
    bool attendance_adding = false;         // the attendance step shows "Add by name" (attendance_search.cpp)
    // a machine's or tool's page, and the card list's filter
    std::int64_t machine = 0;           // alloc::MachineId, 0: none
    std::int64_t tool = 0;              // core::ToolId, 0: none
    core::SkillId card_skill = 0;
    core::CardId card = 0;
    int step_page = 0;                  // the card viewer's page of steps
    std::uint64_t access_seen = 0;      // a supervised start: last_access.seq when it was asked
    bool awaiting_access = false;
    // writing a card
    std::string draft_title;
    std::vector<std::string> draft_steps;
    int editing = -1;                   // -1: the title; k: step k
};

// Draws the current step; Next::home when the member leaves these screens.
Next draw_skills(const SkillsScreenView& v, SkillsUi& ui, Commands& out);

// Badge taps at the kiosk while these screens show: on the attendance step a tap marks the
// member present (the kiosk then stays here instead of showing the member home); while a
// sign-off waits, the member's confirming badge is the station's business.
bool skills_takes_taps(const SkillsUi& ui);
void skills_on_tap(const SkillsScreenView& v, SkillsUi& ui, const app::TapView& tap, Commands& out);

// Starts the screens at a step: the hub, the cards (of a machine, tool, or all), a machine's
// or tool's skill page.
SkillsUi skills_hub();
SkillsUi skills_cards(std::int64_t machine, std::int64_t tool);
SkillsUi skills_item(std::int64_t machine, std::int64_t tool);

// [Member home]
// Lines for the member home: skills that lapse within two weeks ("Laser: back to level
// "learning" on 12/12/2026 without a session." "Use it, or ask a trainer to renew it.").
std::vector<SkillWarning> skill_warnings(const app::SkillsView* skills, core::MemberId member, const Tr& tr);

// [Tools] The tool of the open borrow flow's refusal when it is for a skill ("Skill needed
// for {0}…", the tool named by its first argument), or null.
const core::Tool* skill_refused_tool(const app::Snapshot& s);

// [Supervised use]
// A member one level short was refused at a machine: the pending supervision for them, if any.
const app::PendingSupervision* supervision_for(const app::Snapshot& s, const app::SkillsView* skills,
                                              core::MemberId member);
// Full-screen card "A trainer badges to confirm" with the seconds left; returns true when the
// member cancelled (the kiosk then stops showing it). Ids: supervise/…
bool draw_supervision(const app::PendingSupervision& p, const Tr& tr, const Fonts* fonts,
                      const app::Snapshot& s, const app::SkillsView* skills, double seconds_left);

// [Idle: help requests] IdleHelp, IdleHelpUi and draw_idle_help are declared in screens.hpp
// (the idle screen draws them); implemented in skills.cpp.
std::vector<IdleHelp> idle_help_requests(const app::KnowView* know, const Tr& tr);

}  // namespace etabli::gui
