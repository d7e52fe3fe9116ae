// The receipts journal for the free accounting tools associations use: Paheko's "simple"
// import (one line per receipt: Numéro d'écriture, Date, Libellé, Compte de débit, Compte de
// crédit, Montant, Numéro pièce comptable, Référence paiement, Notes) and a double-entry
// journal for Dolibarr's accounting import (Date, Journal, Pièce, Compte, Libellé, Débit,
// Crédit: two lines per receipt). The accounts follow the French associations' chart (PCA):
// what was paid goes to the means' account, the amount to the receipt's kind's account;
// etabli.toml's [receipts.accounts] changes them. Layer: db (exports live here). Any thread.
#pragma once

#include <etabli/core/money.hpp>

#include <map>
#include <string>
#include <vector>

namespace etabli::db {

struct AccountChart {
    std::map<core::PayMeans, std::string> means{{core::PayMeans::cash, "530"},     {core::PayMeans::cheque, "5112"},
                                                 {core::PayMeans::card, "512"},     {core::PayMeans::transfer, "512"},
                                                 {core::PayMeans::helloasso, "467"}};
    std::map<core::ReceiptFor, std::string> kinds{{core::ReceiptFor::dues, "756"},        {core::ReceiptFor::repair, "706"},
                                                  {core::ReceiptFor::bike, "707"},        {core::ReceiptFor::parts, "707"},
                                                  {core::ReceiptFor::consumables, "707"}, {core::ReceiptFor::donation, "754"},
                                                  {core::ReceiptFor::other, "758"}};
};

// UTF-8, ';' between fields, CRLF line ends, dates DD/MM/YYYY, amounts "12,50". A
// counter-entry is written with its accounts swapped and its amount positive (Paheko), or
// as debit and credit swapped (journal). Labels say what and how: "Cotisation Annuelle
// (espèces)"; a member is named by number only ("adhérent n° 12"), never by name.
std::string paheko_csv(const std::vector<core::Receipt>& lines, const AccountChart& chart);
std::string journal_csv(const std::vector<core::Receipt>& lines, const AccountChart& chart);

}  // namespace etabli::db
