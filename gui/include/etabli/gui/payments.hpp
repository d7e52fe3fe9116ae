// The kiosk's payments for hosts (behind their PIN, like "Members"): the day's journal as it
// stands (its lines and totals per means), a membership payment (the member found by name,
// the plan, the amount at prix libre, the means: the station extends the membership in the
// same transaction and the member's home shows the new end), another receipt (a repair at
// prix libre, parts, consumables, a donation), and the day's closing, confirmed on a page
// that shows the totals it will freeze; and the HelloAsso import: the export's CSV file chosen
// on a USB stick, read and checked at the kiosk (a bad file sends nothing), imported all or
// nothing by the station, its outcome listed, and each payer no member matched attached to a
// member found by name, or created from the payer's name and e-mail.
// Layer: gui (reads app snapshots, emits app commands). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/core/money.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace etabli::gui {

struct PaymentsView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host at the kiosk
    const app::Snapshot* snap = nullptr;
    std::vector<std::filesystem::path> usb_roots;  // where the hosts' USB sticks are mounted
};

// The HelloAsso import under way at the kiosk (one file at a time).
struct HelloAssoUi {
    std::vector<std::filesystem::path> files;  // the .csv files on the USB sticks, as last looked
    std::filesystem::path file;                // the one read
    std::vector<core::HelloAssoPayment> payments;
    std::map<std::string, core::MemberId> attach;  // payers a host attached (by reference)
    std::set<std::string> created;                 // …to a member created for them here
    std::shared_ptr<const app::HelloAssoSummary> summary;  // the station's last answer
    std::vector<app::HelloAssoSummary::Renewed> renewed;   // every membership renewed from this file here
    std::size_t already = 0;                    // imported before this kiosk's first import of it
    bool imported = false;                      // the station answered once
    std::optional<std::size_t> payer;           // the payer being attached (in summary->unmatched)
    std::uint64_t create_pending = 0;           // AddMember for that payer
    std::uint64_t import_pending = 0;           // ImportHelloAsso
    std::string problem;                        // the file could not be read or checked
};

struct PaymentsUi {
    enum class Step { day, member, membership, receipt, amount, close, helloasso_files, helloasso, helloasso_payer };
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
    HelloAssoUi helloasso;
    // The request waiting for its reply, and the last outcome shown.
    std::uint64_t pending = 0;
    std::string message;
    bool message_ok = false;
};

// The payment screens; returns Next::home on "Back" from the day's page.
// Ids under payments/: back, membership, receipt, close, member search (kit::member_picker),
// plan/<id>, amount/<euros>|other, means/<means>, what/<kind>, save, confirm, amount field + keys;
// the HelloAsso import: helloasso (day page), rescan, file/<n>, import, payer/<n>, create, row/<n>.
Next draw_payments(const PaymentsView& v, PaymentsUi& ui, Commands& out);

}  // namespace etabli::gui
