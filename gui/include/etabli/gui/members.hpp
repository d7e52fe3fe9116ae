// The hosts' members screen: find a member by name on the on-screen keyboard, then change
// what `etabli member set` changes: name, e-mail, role, end of membership (with month and year
// steps, or no end) and language. Save posts EditMember; the station checks every field and
// its refusal (an e-mail already used, a bad name) comes back translated.
// Reached from a host's member home ("Members"); its search page leads to the annual report
// (Next::report, report.hpp).
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <string>

namespace etabli::gui {

struct MembersView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct MembersUi {
    core::MemberId selected = 0;  // 0: the search
    std::string search;
    KeyboardState search_keys;
    int page = 0;
    core::MemberDraft draft;      // the selected member as it will be saved
    enum class Typing { none, name, email } typing = Typing::none;
    KeyboardState form_keys;
    int form_page = 0;            // larger text on a short screen: the form in two pages
    std::uint64_t pending = 0;    // the EditMember waiting for its reply
    std::string message;          // the last outcome
    std::string done_text;        // what to say when the pending edit succeeds
    bool message_ok = true;
};

// The search, or the form of the selected member. Next::home on "Back" from the search,
// Next::report on its "Annual report".
// Ids under members/: search/… (search/report: the annual report), edit/name, edit/email, edit/role/<role>, edit/until/…,
// edit/lang/<fr|en>, edit/save, edit/back, edit/prev and edit/next (two pages at larger text).
Next draw_members(const MembersView& v, MembersUi& ui, Commands& out);

// `d` moved by `months` (the day kept, or the month's last day when it has fewer).
core::Date add_months(core::Date d, int months);

}  // namespace etabli::gui
