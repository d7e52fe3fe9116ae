// Memberships and receipts, the pure rules: a renewal's end (from the end when it runs, from
// the day paid when it ended, month ends clamped), prix libre, a receipt's checks, a day's
// totals, the means' French words, and the HelloAsso export read in Windows-1252 and UTF-8.
// Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/money.hpp>

using namespace etabli::core;
using namespace std::chrono;

TEST_CASE("a renewal runs from the end when the membership still runs, from the day paid when it ended") {
    const Date paid{2026y / 11 / 28};
    CHECK(renewed_until(Date{2026y / 12 / 15}, paid, 12) == Date{2027y / 12 / 15});
    CHECK(renewed_until(Date{2026y / 11 / 28}, paid, 12) == Date{2027y / 11 / 28});  // ends today: still runs
    CHECK(renewed_until(Date{2026y / 11 / 27}, paid, 12) == Date{2027y / 11 / 27});  // ended yesterday
    CHECK(renewed_until(std::nullopt, paid, 6) == Date{2027y / 5 / 27});
    CHECK(renewed_until(Date{2027y / 1 / 31}, Date{2027y / 1 / 2}, 1) == Date{2027y / 2 / 28});  // month end clamped
    CHECK(renewed_until(std::nullopt, Date{2028y / 2 / 29}, 12) == Date{2029y / 2 / 27});
}

TEST_CASE("plans and amounts") {
    Plan p{0, " Annuelle ", 12, 2000, false, true};
    auto v = validate_plan(p);
    REQUIRE(v);
    CHECK(v->name == "Annuelle");
    CHECK(plan_amount(*v, std::nullopt) == 2000);
    CHECK(plan_amount(*v, 2000) == 2000);
    CHECK(!plan_amount(*v, 1500));
    p.free_price = true;
    CHECK(plan_amount(p, 700) == 700);
    CHECK(plan_amount(p, std::nullopt).error().msgid == "At prix libre, type what the member paid");
    p.months = 0;
    CHECK(!validate_plan(p));
    p.months = 12;
    p.name = "";
    CHECK(!validate_plan(p));
}

TEST_CASE("a receipt's checks and a day's totals") {
    Receipt r;
    r.amount_cents = 350;
    r.label = "  chambre à air ";
    auto ok = validate_receipt(r);
    REQUIRE(ok);
    CHECK(ok->label == "chambre à air");
    r.amount_cents = 0;
    CHECK(!validate_receipt(r));
    r.amount_cents = 100'000'001;
    CHECK(!validate_receipt(r));
    r.amount_cents = 5;
    r.corrects = 3;
    CHECK(!validate_receipt(r));
    const Date d{2026y / 11 / 28};
    std::vector<Receipt> lines(4);
    lines[0] = Receipt{1, {}, d, 2000, PayMeans::cheque};
    lines[1] = Receipt{2, {}, d, 350, PayMeans::cash};
    lines[2] = Receipt{3, {}, d, -350, PayMeans::cash};
    lines[3] = Receipt{4, {}, Date{2026y / 11 / 29}, 900, PayMeans::cash};
    const auto k = closing_of(d, lines);
    CHECK(k.lines == 3);
    CHECK(k.total_cents == 2000);
    REQUIRE(k.totals.size() == 2);
    CHECK(k.totals[0].first == PayMeans::cash);
    CHECK(k.totals[0].second == 0);
    CHECK(k.totals[1] == std::pair{PayMeans::cheque, std::int64_t{2000}});
    CHECK(pay_means_from_string("Espèces") == PayMeans::cash);
    CHECK(pay_means_from_string("CB") == PayMeans::card);
    CHECK(receipt_for_from_string("réparation") == ReceiptFor::repair);
    for (auto m : kPayMeans) CHECK(pay_means_from_string(to_string(m)) == m);
}

TEST_CASE("a HelloAsso export: French headers, Windows-1252 or UTF-8, paid lines only, every bad line named") {
    const std::string utf8 =
        "Référence commande;Date de la commande;Statut de la commande;Nom adhérent;Prénom adhérent;Email payeur;Tarif;Montant du tarif;Date de naissance\r\n"
        "88001;15/01/2026 10:12;Validé;Dubois;Léa;Lea@Example.org;Adhésion annuelle;20,00;03/04/1990\r\n"
        "88001;15/01/2026 10:12;Validé;Dubois;Noé;;Adhésion annuelle;20,00;\r\n"
        "88002;16/01/2026 18:40;Annulé;Martin;Camille;camille@example.org;Adhésion annuelle;20,00;\r\n";
    auto r = parse_helloasso_csv(utf8);
    REQUIRE(r);
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].reference == "88001");
    CHECK((*r)[1].reference == "88001#2");  // a family's second membership in one order
    CHECK((*r)[0].email == "lea@example.org");
    CHECK((*r)[0].first_name == "Léa");
    CHECK((*r)[0].day == Date{2026y / 1 / 15});
    CHECK((*r)[0].amount_cents == 2000);
    CHECK((*r)[0].plan == "Adhésion annuelle");
    CHECK((*r)[0].birth_date == Date{1990y / 4 / 3});
    // The same in Windows-1252: é is one byte, 0xE9.
    std::string cp;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == 0xC3) cp += static_cast<char>(static_cast<unsigned char>(utf8[++i]) + 0x40);
        else cp += static_cast<char>(c);
    }
    auto again = parse_helloasso_csv(cp);
    REQUIRE(again);
    CHECK(*again == *r);

    auto other = parse_helloasso_csv("Nom;Prénom;Téléphone\r\nDubois;Léa;06\r\n");
    REQUIRE(!other);
    CHECK(other.error().front().line == 0);
    auto bad = parse_helloasso_csv("Référence commande;Date;Nom;Montant\r\n1;15/01/2026;A;10\r\n2;32/01/2026;B;10\r\n3;15/01/2026;C;-4\r\n");
    REQUIRE(!bad);
    REQUIRE(bad.error().size() == 2);
    CHECK(bad.error()[0].line == 3);
    CHECK(bad.error()[1].line == 4);
}
