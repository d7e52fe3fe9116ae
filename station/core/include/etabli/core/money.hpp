// Memberships and the receipts journal, the rules that need no storage:
//   - membership plans (annual, reduced, family, prix libre…), each with its length;
//   - how a payment extends a membership (from its end when it still runs, from the day paid
//     when it ended);
//   - the receipts journal: every payment one line (day, amount, means, what for, who
//     recorded it); a correction is a counter-entry, never an edit; a day's closing with its
//     totals per means;
//   - the HelloAsso export of a membership form (its French headers, ';', Windows-1252 or
//     UTF-8), read into payments to match with members.
// Not a certified cash register: for associations without VAT liability (README).
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/member_import.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etabli::core {

using PlanId = std::int64_t;
using ReceiptId = std::int64_t;

enum class PayMeans : std::uint8_t { cash, cheque, card, transfer, helloasso };
// What a receipt is for.
enum class ReceiptFor : std::uint8_t { dues, repair, bike, parts, consumables, donation, other };

std::string_view to_string(PayMeans);
std::string_view to_string(ReceiptFor);
// Also the French words (espèces, chèque, carte, virement; cotisation, réparation, vélo,
// pièces, consommables, don, autre), any case.
std::optional<PayMeans> pay_means_from_string(std::string_view);
std::optional<ReceiptFor> receipt_for_from_string(std::string_view);
std::string_view label(PayMeans);    // msgids: "cash", "cheque"…
std::string_view label(ReceiptFor);  // msgids: "membership dues", "repair"…
inline constexpr PayMeans kPayMeans[] = {PayMeans::cash, PayMeans::cheque, PayMeans::card, PayMeans::transfer, PayMeans::helloasso};

struct Plan {
    PlanId id = 0;
    std::string name;              // "Annuelle", "Réduite", "Famille", "Prix libre"
    int months = 12;               // 1 to 60
    std::int64_t price_cents = 0;  // the price; at prix libre, the amount suggested
    bool free_price = false;       // prix libre: the member pays what they can (more than 0)
    bool active = true;            // offered at the kiosk; an old plan stays for its history
    bool operator==(const Plan&) const = default;
};
std::expected<Plan, Problem> validate_plan(Plan p);

// The last day of a membership renewed on `paid_on` for `months`: the current end plus the
// length when it has not ended before `paid_on`, else from `paid_on` (the day before the same
// day `months` later). Month ends are clamped (31 January + 1 month = 28 or 29 February).
Date renewed_until(std::optional<Date> current_end, Date paid_on, int months);

// The amount a plan takes: its price; at prix libre what was paid (more than 0).
std::expected<std::int64_t, Problem> plan_amount(const Plan& p, std::optional<std::int64_t> paid_cents);

// One line of the journal. Append-only: a correction is a new line with the opposite amount
// naming the line it corrects.
struct Receipt {
    ReceiptId id = 0;              // 0 until stored
    Timestamp at{};
    Date day{};                    // the local day it counts for (its closing)
    std::int64_t amount_cents = 0; // negative only for a counter-entry
    PayMeans means = PayMeans::cash;
    ReceiptFor what = ReceiptFor::other;
    std::string label;             // "Cotisation Annuelle", "Vélo n° 12"
    std::optional<MemberId> member;  // who paid, when a member
    std::optional<PlanId> plan;
    std::optional<std::int64_t> bike;  // core::BikeId
    std::optional<MemberId> by;      // who recorded it; none: the command line
    std::optional<ReceiptId> corrects;
    std::string external_ref;        // the payment's reference elsewhere (HelloAsso), unique
    std::string note;
    bool operator==(const Receipt&) const = default;
};
inline constexpr std::size_t kMaxReceiptText = 200;
// A new receipt (not a counter-entry): more than 0, at most 1,000,000 €, texts of one line.
std::expected<Receipt, Problem> validate_receipt(Receipt r);

// A day's closing: what each means took, confirmed by a host.
struct Closing {
    Date day{};
    std::vector<std::pair<PayMeans, std::int64_t>> totals;  // every means with a line, in kPayMeans order
    std::int64_t total_cents = 0;
    std::int64_t lines = 0;
    Timestamp confirmed_at{};
    std::optional<MemberId> by;
    bool operator==(const Closing&) const = default;
};
// The totals of `day`'s lines (the others are ignored).
Closing closing_of(Date day, const std::vector<Receipt>& lines);

// [HelloAsso] One paid membership of the export.
struct HelloAssoPayment {
    std::size_t line = 0;
    std::string reference;  // the order or payment number: a re-import recognises it
    Date day{};
    std::int64_t amount_cents = 0;
    std::string plan;       // the tariff's name ("Adhésion annuelle")
    std::string first_name, last_name, email;
    std::optional<Date> birth_date;
    bool operator==(const HelloAssoPayment&) const = default;
};
// The export of a HelloAsso membership form, as HelloAsso writes it (';', Windows-1252 or
// UTF-8, a BOM or not). Its columns are found by their French headers ("Référence commande",
// "Date de la commande", "Statut de la commande", "Nom adhérent", "Prénom adhérent",
// "Email adhérent" or "Email payeur", "Tarif", "Montant du tarif", "Date de naissance"); the
// reference, the date, the amount and a name are needed, or the file is another form's and is
// refused whole. Rows whose status is not paid ("Validé", "Payé") are left out. Any bad row
// refuses the file, with every bad line named.
std::expected<std::vector<HelloAssoPayment>, std::vector<ImportLineError>> parse_helloasso_csv(std::string_view bytes);

}  // namespace etabli::core
