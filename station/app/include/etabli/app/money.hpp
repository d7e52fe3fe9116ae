// Memberships and the receipts journal as the app layer sees them: the data the Store loads
// and commits (MoneyData, MoneyChanges), the Station commands (handled by the money feature,
// station_money.cpp) and the snapshot part (MoneyView: the plans, for the kiosk's renewal).
// Layer: app. Commands are built on any thread and posted; MoneyView is built on the station
// thread and then read-only, shared between snapshots.
#pragma once

#include <etabli/core/money.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace etabli::app {

// [Store data] The plans, the days already closed, the largest plan id. Receipts stay on
// disk: a day's journal is read when it is shown or closed.
struct MoneyData {
    std::vector<core::Plan> plans;  // by id
    std::set<std::int64_t> closed_days;  // sys_days counts of the closed days
    core::PlanId max_plan_id = 0;
};
struct MoneyEvent {
    std::string kind;
    std::string subject;
    std::vector<std::pair<std::string, std::string>> detail;
};
// A membership extended by a payment (its row in `memberships`).
struct MembershipRow {
    core::MemberId member = 0;
    std::optional<core::PlanId> plan;
    core::Date until{};
    std::size_t receipt = 0;  // index in MoneyChanges::receipts of the payment
};
// One use case in one transaction: plans upserted by id, receipts appended (ids from the
// database, returned in order), memberships recorded with their members' new end, a closing,
// events.
struct MoneyChanges {
    std::vector<core::Plan> plans;
    std::vector<core::Receipt> receipts;
    std::vector<MembershipRow> memberships;
    std::optional<core::Closing> closing;
    std::vector<MoneyEvent> events;
};

// [Commands] `actor` empty: the command line (trusted, acts as an admin).
struct AddPlan { core::Plan plan; std::optional<core::MemberId> actor; };      // id chosen by the station
struct EditPlan { core::Plan plan; std::optional<core::MemberId> actor; };     // name, length, price, offered
// A host records a membership payment: the receipt and the member's new end, one step.
// `paid_cents`: at prix libre, what was paid (else the plan's price).
struct PayMembership {
    core::MemberId member = 0;
    core::PlanId plan = 0;
    std::optional<std::int64_t> paid_cents;
    core::PayMeans means = core::PayMeans::cash;
    std::optional<core::MemberId> actor;
};
// Any other payment: prix libre for a repair, parts, consumables, a donation.
struct RecordReceipt { core::Receipt receipt; std::optional<core::MemberId> actor; };
// The counter-entry of a line (a mistake, a refund): the opposite amount, today.
struct CorrectReceipt { core::ReceiptId receipt = 0; std::string reason; std::optional<core::MemberId> actor; };
// A day's journal: its lines and totals, and its closing when confirmed.
struct ShowJournal { core::Date day{}; std::optional<core::MemberId> actor; };
// A host confirms the day's totals; the day then takes no more lines.
struct CloseDay { core::Date day{}; std::optional<core::MemberId> actor; };
// The lines of [from, to] (the accounting export).
struct ReceiptsBetween { core::Date from{}, to{}; std::optional<core::MemberId> actor; };
// The paid memberships of a HelloAsso export, read by core::parse_helloasso_csv: those that
// match a member renew them, all in one transaction; those already imported change nothing.
// `attach`: the member a host chose for a payer no member matched (by the payment's reference);
// the same file sent again with it renews that member, and nothing else changes.
struct ImportHelloAsso {
    std::vector<core::HelloAssoPayment> payments;
    std::optional<core::MemberId> actor;
    std::map<std::string, core::MemberId> attach;
};

// What ShowJournal returns.
struct JournalDay {
    core::Date day{};
    std::vector<core::Receipt> lines;
    core::Closing totals;                   // as they stand
    std::optional<core::Closing> closing;   // confirmed
};
// What ImportHelloAsso returns.
struct HelloAssoSummary {
    struct Renewed {
        core::MemberId member = 0;
        std::string reference;
        core::Date until{};
    };
    std::vector<Renewed> renewed;
    std::vector<std::string> already;  // references imported before
    std::vector<core::HelloAssoPayment> unmatched;  // no member, or several: a host attaches or creates them
};
struct ReceiptList { std::vector<core::Receipt> lines; };

// [Snapshot part] The plans (the kiosk offers the active ones).
struct MoneyView {
    std::vector<core::Plan> plans;  // by id
    // The members whose membership was paid while this station runs, with the day: their home
    // at the kiosk shows the new end for a week (forgotten at a restart; the end itself stays).
    std::map<core::MemberId, core::Date> renewed;
    const core::Plan* find(core::PlanId id) const;
};

}  // namespace etabli::app
