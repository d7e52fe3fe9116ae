// Memberships, the receipts journal and the HelloAsso export (see money.hpp).
// Layer: core (pure). Any thread.
#include <etabli/core/bikes.hpp>
#include <etabli/core/money.hpp>

#include "text_checks.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace etabli::core {

using text_checks::from_words;
using text_checks::name_of;

namespace {


constexpr std::array<std::pair<std::string_view, PayMeans>, 11> kMeans{{
    {"cash", PayMeans::cash}, {"cheque", PayMeans::cheque}, {"card", PayMeans::card}, {"transfer", PayMeans::transfer},
    {"helloasso", PayMeans::helloasso}, {"espèces", PayMeans::cash}, {"especes", PayMeans::cash}, {"chèque", PayMeans::cheque},
    {"carte", PayMeans::card}, {"cb", PayMeans::card}, {"virement", PayMeans::transfer}}};
constexpr std::array<std::pair<std::string_view, ReceiptFor>, 15> kFor{{
    {"dues", ReceiptFor::dues}, {"repair", ReceiptFor::repair}, {"bike", ReceiptFor::bike}, {"parts", ReceiptFor::parts},
    {"consumables", ReceiptFor::consumables}, {"donation", ReceiptFor::donation}, {"other", ReceiptFor::other},
    {"cotisation", ReceiptFor::dues}, {"réparation", ReceiptFor::repair}, {"vélo", ReceiptFor::bike},
    {"pièces", ReceiptFor::parts}, {"consommables", ReceiptFor::consumables}, {"don", ReceiptFor::donation},
    {"autre", ReceiptFor::other}, {"adhésion", ReceiptFor::dues}}};

using namespace std::chrono;

Date add_months(Date d, int months) {
    const year_month ym = year_month{d.year(), d.month()} + std::chrono::months{months};
    const year_month_day_last last{ym.year(), month_day_last{ym.month()}};
    return d.day() > last.day() ? Date{last} : Date{ym.year(), ym.month(), d.day()};
}

}  // namespace

std::string_view to_string(PayMeans m) { return name_of(m, kMeans); }
std::string_view to_string(ReceiptFor f) { return name_of(f, kFor); }
std::optional<PayMeans> pay_means_from_string(std::string_view s) { return from_words(s, kMeans); }
std::optional<ReceiptFor> receipt_for_from_string(std::string_view s) { return from_words(s, kFor); }

std::string_view label(PayMeans m) {
    switch (m) {
    case PayMeans::cash: return N_("cash");
    case PayMeans::cheque: return N_("cheque");
    case PayMeans::card: return N_("card");
    case PayMeans::transfer: return N_("transfer");
    case PayMeans::helloasso: return N_("HelloAsso");
    }
    return "?";
}
std::string_view label(ReceiptFor f) {
    switch (f) {
    case ReceiptFor::dues: return N_("membership dues");
    case ReceiptFor::repair: return N_("repair");
    case ReceiptFor::bike: return N_("bike");
    case ReceiptFor::parts: return N_("parts");
    case ReceiptFor::consumables: return N_("consumables");
    case ReceiptFor::donation: return N_("donation");
    case ReceiptFor::other: return N_("other");
    }
    return "?";
}

std::expected<Plan, Problem> validate_plan(Plan p) {
    auto name = text_checks::clean_line(p.name, 60);
    if (!name || name->empty()) return std::unexpected(problem("A plan needs a name of at most 60 characters"));
    p.name = *name;
    if (p.months < 1 || p.months > 60) return std::unexpected(problem("A plan lasts from 1 to 60 months"));
    if (p.price_cents < 0 || p.price_cents > 100'000'000) return std::unexpected(problem("A plan's price is from 0 to 1,000,000 €"));
    return p;
}

Date renewed_until(std::optional<Date> current_end, Date paid_on, int months) {
    if (current_end && sys_days{*current_end} >= sys_days{paid_on}) return add_months(*current_end, months);
    return Date{sys_days{add_months(paid_on, months)} - days{1}};
}

std::expected<std::int64_t, Problem> plan_amount(const Plan& p, std::optional<std::int64_t> paid_cents) {
    if (!p.free_price) {
        if (paid_cents && *paid_cents != p.price_cents)
            return std::unexpected(problem("The plan {0} costs {1}: pick the prix libre plan to pay another amount",
                                           {p.name, format_amount(Lang::fr, p.price_cents)}));
        return p.price_cents;
    }
    if (!paid_cents || *paid_cents <= 0) return std::unexpected(problem("At prix libre, type what the member paid"));
    return *paid_cents;
}

std::expected<Receipt, Problem> validate_receipt(Receipt r) {
    if (r.corrects) return std::unexpected(problem("A correction is recorded by correcting the line, not typed"));
    if (r.amount_cents <= 0) return std::unexpected(problem("A payment is more than 0: a refund is a correction of its line"));
    if (r.amount_cents > 100'000'000) return std::unexpected(problem("A payment is at most 1,000,000 €"));
    auto l = text_checks::clean_line(r.label, kMaxReceiptText);
    auto n = text_checks::clean_line(r.note, kMaxReceiptText);
    auto x = text_checks::clean_line(r.external_ref, 80);
    if (!l || !n || !x) return std::unexpected(problem("A receipt's texts are one line of at most {0} characters", {std::to_string(kMaxReceiptText)}));
    r.label = *l;
    r.note = *n;
    r.external_ref = *x;
    return r;
}

Closing closing_of(Date day, const std::vector<Receipt>& lines) {
    Closing c;
    c.day = day;
    for (const auto means : kPayMeans) {
        std::int64_t sum = 0;
        bool any = false;
        for (const auto& r : lines)
            if (r.day == day && r.means == means) {
                sum += r.amount_cents;
                any = true;
            }
        if (any) c.totals.emplace_back(means, sum);
        c.total_cents += sum;
    }
    c.lines = std::count_if(lines.begin(), lines.end(), [&](const Receipt& r) { return r.day == day; });
    return c;
}

// [HelloAsso] ------------------------------------------------------------------------------
namespace {

enum class Col { reference, date, status, last_name, first_name, email, payer_email, plan, amount, birth };

// Folded headers (fold_csv_key) of each column, the most precise first.
struct Header {
    Col col;
    std::string_view folded;
};
constexpr std::array<Header, 22> kHeaders{{
    {Col::reference, "referencecommande"}, {Col::reference, "numerocommande"}, {Col::reference, "referencepaiement"},
    {Col::reference, "reference"}, {Col::reference, "numero"},
    {Col::date, "datedelacommande"}, {Col::date, "datecommande"}, {Col::date, "datedupaiement"}, {Col::date, "date"},
    {Col::status, "statutdelacommande"}, {Col::status, "statut"},
    {Col::last_name, "nomadherent"}, {Col::last_name, "nom"},
    {Col::first_name, "prenomadherent"}, {Col::first_name, "prenom"},
    {Col::email, "emailadherent"}, {Col::email, "email"}, {Col::payer_email, "emailpayeur"},
    {Col::plan, "tarif"}, {Col::plan, "formule"},
    {Col::amount, "montantdutarif"}, {Col::birth, "datedenaissance"}}};
// Amount headers also match by their start ("Montant (€)", "Montant tarif", "Montant").
bool amount_header(std::string_view folded) { return folded.starts_with("montant") && !folded.contains("promo") && !folded.contains("don"); }

std::optional<Date> parse_day(std::string_view s) {
    s = trim_csv_cell(s);
    if (const auto sp = s.find(' '); sp != std::string_view::npos) s = s.substr(0, sp);  // "31/12/2026 14:35"
    if (auto d = parse_date(s)) return d;
    if (s.size() == 10 && s[2] == '/' && s[5] == '/') {
        const std::string iso = std::string(s.substr(6, 4)) + "-" + std::string(s.substr(3, 2)) + "-" + std::string(s.substr(0, 2));
        return parse_date(iso);
    }
    return std::nullopt;
}

}  // namespace

std::expected<std::vector<HelloAssoPayment>, std::vector<ImportLineError>> parse_helloasso_csv(std::string_view bytes) {
    auto file = read_csv_file(bytes);
    if (!file) return std::unexpected(file.error());
    const auto& header = file->records.front();
    std::array<int, 10> at;
    at.fill(-1);
    for (const auto& h : kHeaders)
        for (std::size_t i = 0; i < header.fields.size(); ++i)
            if (at[static_cast<std::size_t>(h.col)] < 0 && fold_csv_key(header.fields[i]) == h.folded) {
                bool taken = false;
                for (int a : at) taken = taken || a == static_cast<int>(i);
                if (!taken) at[static_cast<std::size_t>(h.col)] = static_cast<int>(i);
            }
    for (std::size_t i = 0; i < header.fields.size() && at[static_cast<std::size_t>(Col::amount)] < 0; ++i)
        if (amount_header(fold_csv_key(header.fields[i]))) at[static_cast<std::size_t>(Col::amount)] = static_cast<int>(i);
    auto col = [&](Col c) { return at[static_cast<std::size_t>(c)]; };
    if (col(Col::reference) < 0 || col(Col::date) < 0 || col(Col::amount) < 0 || (col(Col::last_name) < 0 && col(Col::email) < 0 && col(Col::payer_email) < 0))
        return std::unexpected(std::vector<ImportLineError>{{0, problem("This is not the export of a HelloAsso membership form: it needs the columns \"Référence commande\", \"Date de la commande\", \"Montant du tarif\" and \"Nom adhérent\" or \"Email\"")}});
    std::vector<HelloAssoPayment> out;
    std::vector<ImportLineError> errors;
    auto cell = [](const CsvRecord& r, int i) -> std::string {
        return i >= 0 && static_cast<std::size_t>(i) < r.fields.size() ? std::string(trim_csv_cell(r.fields[static_cast<std::size_t>(i)])) : std::string();
    };
    std::vector<std::string> seen;
    for (std::size_t k = 1; k < file->records.size(); ++k) {
        const auto& r = file->records[k];
        if (std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) { return trim_csv_cell(f).empty(); })) continue;
        if (col(Col::status) >= 0) {
            const auto st = fold_csv_key(cell(r, col(Col::status)));
            if (st != "valide" && st != "paye" && st != "validee" && st != "payee" && st != "autorise") continue;
        }
        HelloAssoPayment p;
        p.line = r.line;
        p.reference = cell(r, col(Col::reference));
        if (p.reference.empty() || p.reference.size() > 80) {
            errors.push_back({r.line, problem("Line {0}: the reference is missing or too long", {std::to_string(r.line)})});
            continue;
        }
        auto d = parse_day(cell(r, col(Col::date)));
        if (!d) {
            errors.push_back({r.line, problem("Line {0}: \"{1}\" is not a date", {std::to_string(r.line), shown_csv_cell(cell(r, col(Col::date)))})});
            continue;
        }
        p.day = *d;
        auto amount = parse_amount(cell(r, col(Col::amount)));
        if (!amount || *amount <= 0) {
            errors.push_back({r.line, problem("Line {0}: \"{1}\" is not an amount", {std::to_string(r.line), shown_csv_cell(cell(r, col(Col::amount)))})});
            continue;
        }
        p.amount_cents = *amount;
        p.plan = cell(r, col(Col::plan));
        p.first_name = cell(r, col(Col::first_name));
        p.last_name = cell(r, col(Col::last_name));
        std::string email = cell(r, col(Col::email));
        if (email.empty()) email = cell(r, col(Col::payer_email));
        if (!email.empty()) {
            auto e = normalize_email(email);
            if (!e) {
                errors.push_back({r.line, problem("Line {0}: \"{1}\" is not an e-mail", {std::to_string(r.line), shown_csv_cell(email)})});
                continue;
            }
            p.email = e->value_or("");
        }
        if (p.email.empty() && p.last_name.empty()) {
            errors.push_back({r.line, problem("Line {0}: neither a name nor an e-mail", {std::to_string(r.line)})});
            continue;
        }
        if (const auto b = cell(r, col(Col::birth)); !b.empty()) p.birth_date = parse_day(b);
        for (const auto* t : {&p.plan, &p.first_name, &p.last_name})
            if (!text_checks::clean_line(*t, 120)) {
                errors.push_back({r.line, problem("Line {0}: a text is too long or holds control characters", {std::to_string(r.line)})});
                break;
            }
        // One order may hold several memberships (a family): its lines are told apart by
        // their rank in the order, the same at every export.
        const auto again = std::count(seen.begin(), seen.end(), p.reference);
        seen.push_back(p.reference);
        if (again > 0) p.reference += "#" + std::to_string(again + 1);
        out.push_back(std::move(p));
    }
    if (!errors.empty()) return std::unexpected(errors);
    return out;
}

}  // namespace etabli::core
