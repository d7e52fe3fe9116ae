// The kiosk's payments for hosts (behind their PIN, like "Members"): the day's journal as it
// stands (its lines and totals per means), a membership payment (the member found by name,
// the plan, the amount at prix libre, the means: the station extends the membership in the
// same transaction and the member's home shows the new end), another receipt (a repair at
// prix libre, parts, consumables, a donation), and the day's closing, confirmed on a page
// that shows the totals it will freeze.
// Layer: gui (reads app snapshots, emits app commands). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/core/money.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace etabli::gui {

struct PaymentsView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct PaymentsUi {
    enum class Step { day, member, membership, receipt, amount, close };
    Step step = Step::day;
    // The day's journal: asked when the screen opens and after every line (ShowJournal).
    std::shared_ptr<const app::JournalDay> journal;
    std::uint64_t journal_pending = 0;
    bool journal_asked = false;
    // A membership: the member found by name, the plan.
    std::string search;
    KeyboardState search_keys;
    int page = 0;
    core::MemberId member = 0;
    std::optional<core::PlanId> plan;
    // Another receipt: what it is for.
    std::optional<core::ReceiptFor> what;
    // Both: the amount (a chip or typed), the means.
    std::optional<std::int64_t> cents;
    std::string amount_text;
    KeyboardState amount_keys;
    Step amount_from = Step::day;
    std::optional<core::PayMeans> means;
    int form_page = 0;  // a form too tall for the screen: 0 what is paid, 1 how
    // The request waiting for its reply, and the last outcome shown.
    std::uint64_t pending = 0;
    std::string message;
    bool message_ok = false;
};

// The payment screens; returns Next::home on "Back" from the day's page.
// Ids under payments/: back, membership, receipt, close, member search (kit::member_picker),
// plan/<id>, amount/<euros>|other, means/<means>, what/<kind>, save, confirm, amount field + keys.
Next draw_payments(const PaymentsView& v, PaymentsUi& ui, Commands& out);

}  // namespace etabli::gui
