// The receipts journal as accounting CSV (see accounting.hpp). Layer: db. Any thread.
#include <etabli/db/accounting.hpp>

#include <cstdio>

namespace etabli::db {

namespace {

std::string day_fr(core::Date d) {
    char b[16];
    std::snprintf(b, sizeof b, "%02u/%02u/%04d", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
    return b;
}
std::string money(std::int64_t cents) {
    if (cents < 0) cents = -cents;
    char b[32];
    std::snprintf(b, sizeof b, "%lld,%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
    return b;
}
std::string field(std::string s) {
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
    if (s.find_first_of(";\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + '"';
}
void line(std::string& out, const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? ";" : "") + field(cells[i]);
    out += "\r\n";
}
std::string account(const std::map<core::PayMeans, std::string>& m, core::PayMeans k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
}
std::string account(const std::map<core::ReceiptFor, std::string>& m, core::ReceiptFor k) {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
}
// French words: the file is read by French accountants.
std::string means_fr(core::PayMeans m) {
    switch (m) {
    case core::PayMeans::cash: return "espèces";
    case core::PayMeans::cheque: return "chèque";
    case core::PayMeans::card: return "carte";
    case core::PayMeans::transfer: return "virement";
    case core::PayMeans::helloasso: return "HelloAsso";
    }
    return "";
}
std::string kind_fr(core::ReceiptFor f) {
    switch (f) {
    case core::ReceiptFor::dues: return "Cotisation";
    case core::ReceiptFor::repair: return "Participation réparation";
    case core::ReceiptFor::bike: return "Vente vélo";
    case core::ReceiptFor::parts: return "Pièces";
    case core::ReceiptFor::consumables: return "Consommables";
    case core::ReceiptFor::donation: return "Don";
    case core::ReceiptFor::other: return "Recette";
    }
    return "";
}
std::string label_of(const core::Receipt& r) {
    std::string s = kind_fr(r.what);
    if (!r.label.empty()) s += " " + r.label;
    if (r.member) s += ", adhérent n° " + std::to_string(*r.member);
    s += " (" + means_fr(r.means) + ")";
    if (r.corrects) s = "Annulation ligne " + std::to_string(*r.corrects) + " : " + s;
    return s;
}

}  // namespace

std::string paheko_csv(const std::vector<core::Receipt>& lines, const AccountChart& chart) {
    std::string out;
    line(out, {"Numéro d'écriture", "Date", "Libellé", "Compte de débit", "Compte de crédit", "Montant", "Numéro pièce comptable",
               "Référence paiement", "Notes"});
    for (const auto& r : lines) {
        std::string debit = account(chart.means, r.means), credit = account(chart.kinds, r.what);
        if (r.amount_cents < 0) std::swap(debit, credit);
        line(out, {"", day_fr(r.day), label_of(r), debit, credit, money(r.amount_cents), "ETB-" + std::to_string(r.id), r.external_ref, r.note});
    }
    return out;
}

std::string journal_csv(const std::vector<core::Receipt>& lines, const AccountChart& chart) {
    std::string out;
    line(out, {"Date", "Journal", "Pièce", "Compte", "Libellé", "Débit", "Crédit"});
    for (const auto& r : lines) {
        const std::string piece = "ETB-" + std::to_string(r.id), label = label_of(r), amount = money(r.amount_cents);
        const bool refund = r.amount_cents < 0;
        line(out, {day_fr(r.day), "VT", piece, account(chart.means, r.means), label, refund ? "" : amount, refund ? amount : ""});
        line(out, {day_fr(r.day), "VT", piece, account(chart.kinds, r.what), label, refund ? amount : "", refund ? "" : amount});
    }
    return out;
}

}  // namespace etabli::db
