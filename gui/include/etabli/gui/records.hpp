// What the station keeps, shown at the kiosk: a member's "Mes données" (everything stored
// about them, section by section: the RGPD's right of access, on the spot) and the admins'
// "Historique" (the audit trail, newest first). Both are read-only pages of text lines the
// station sends in the reply to ShowMemberData or ShowAudit.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace etabli::gui {

struct RecordsUi {
    enum class Kind { my_data, history };
    Kind kind = Kind::my_data;
    std::uint64_t request = 0;  // the reply awaited
    std::shared_ptr<const app::MemberDataView> data;
    std::shared_ptr<const app::AuditView> audit;
    std::string error;
    int page = 0;
};

struct RecordsView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::MemberId member = 0;  // who looks (their data)
    const app::Snapshot* snap = nullptr;
};

// Posts the request when none is under way and nothing is shown yet; takes its reply; draws
// the page. Next::home on "Back".
Next draw_records(const RecordsView& v, RecordsUi& ui, Commands& out);

}  // namespace etabli::gui
