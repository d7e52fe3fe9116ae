// Memberships and the receipts through the real `etabli` binary: plans, a payment, the
// journal, its closing and export; a HelloAsso-shaped export written here in Windows-1252
// (French headers, ';'), imported, imported again (nothing changes), and another form's file
// refused whole. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"
#include "cp1252.hpp"

#include <fstream>

using namespace etabli;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
}  // namespace

TEST_CASE("plans, a payment, the journal closed and exported, from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const auto lea = first_line(cli({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org"}).out);
    auto r = cli({"plan", "add", "Annuelle", "--price", "20 €"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"plan", "add", "Prix libre", "--price", "10", "--prix-libre"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"plan", "add", "Réduite", "--price", "-5"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "négatif"));
    r = cli({"membership", "pay", lea, "--plan", "annuelle", "--means", "chèque"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "Léa Dubois"));
    r = cli({"membership", "pay", lea, "--plan", "Prix libre", "--paid", "12,50", "--means", "espèces"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"receipt", "add", "--amount", "3", "--for", "réparation", "--means", "espèces"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"receipt", "add", "--amount", "3,5,0", "--for", "réparation"});
    CHECK(r.code == 2);

    r = cli({"--json", "receipt", "close"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"total_cents\":3550"));
    CHECK(has(r.out, "\"closed\":true"));
    r = cli({"receipt", "close"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "déjà"));

    const auto out = (cli.dir / "paheko.csv").string();
    r = cli({"receipt", "export", "--from", "2020-01-01", "--to", "2099-12-31", "--out", out});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto csv = testing::read_file(out);
    CHECK(testing::lines(csv) == 4);
    CHECK(has(csv, ";5112;756;20,00;ETB-1;"));
}

TEST_CASE("a HelloAsso export in Windows-1252 renews the members it names, once; another form's file is refused") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    REQUIRE(cli({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org", "--until", "2026-01-31"}).code == 0);
    REQUIRE(cli({"member", "add", "--name", "Hugo Bernard"}).code == 0);
    const auto file = (cli.dir / "export-helloasso.csv").string();
    std::ofstream(file, std::ios::binary) << cp1252(
        "Référence commande;Date de la commande;Statut de la commande;Nom adhérent;Prénom adhérent;Email payeur;Tarif;Montant du tarif;Code Promo\r\n"
        "88001;15/01/2026 10:12;Validé;Dubois;Léa;lea@example.org;Adhésion annuelle;20,00;\r\n"
        "88002;16/01/2026 18:40;Validé;BERNARD;Hugo;hugo@example.org;Adhésion annuelle;20,00;\r\n"
        "88003;17/01/2026 09:01;Validé;Lefèvre;Zoé;zoe@example.org;Adhésion annuelle;20,00;\r\n"
        "88004;17/01/2026 09:05;Annulé;Martin;Camille;camille@example.org;Adhésion annuelle;20,00;\r\n");
    auto r = cli({"--json", "membership", "import-helloasso", file});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"renewed\":[{\"member\":1"));
    CHECK(has(r.out, "\"reference\":\"88002\""));
    CHECK(has(r.out, "\"unmatched\":[{\"amount_cents\":2000,\"email\":\"zoe@example.org\",\"first_name\":\"Zoé\""));
    r = cli({"--json", "member", "show", "1"});
    CHECK(has(r.out, "2027-01-31"));
    r = cli({"membership", "import-helloasso", file});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "0 adhésion"));  // nothing renewed a second time
    CHECK(has(r.out, "--attach 88003="));  // Zoé's line says how to name her member
    r = cli({"--json", "member", "show", "1"});
    CHECK(has(r.out, "2027-01-31"));

    // Zoé, whom no member matched: a host names her member, and only her payment is imported.
    r = cli({"membership", "import-helloasso", file, "--attach", "88003"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "RÉFÉRENCE=ADHÉRENT"));
    r = cli({"membership", "import-helloasso", file, "--attach", "99999=1"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "99999"));
    r = cli({"membership", "import-helloasso", file, "--attach", "88003=999"});
    CHECK(r.code != 0);
    CHECK(has(r.err, "999"));
    REQUIRE(cli({"member", "add", "--name", "Zoé Lefèvre-Martin"}).code == 0);  // another spelling
    r = cli({"--json", "membership", "import-helloasso", file, "--attach", "88003=3"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"renewed\":[{\"member\":3,\"reference\":\"88003\""));
    CHECK(has(r.out, "\"unmatched\":[]"));
    r = cli({"--json", "member", "show", "3"});
    CHECK(has(r.out, "2027-01-16"));
    r = cli({"--json", "membership", "import-helloasso", file, "--attach", "88003=3"});
    CHECK(has(r.out, "\"renewed\":[]"));  // once only

    // Another form's columns: refused whole, nothing imported.
    const auto other = (cli.dir / "autre.csv").string();
    std::ofstream(other, std::ios::binary) << "Nom;Prénom;Téléphone\r\nDubois;Léa;0612345678\r\n";
    r = cli({"membership", "import-helloasso", other});
    CHECK(r.code == 2);
    CHECK(has(r.err, "HelloAsso"));
    // A bad line: refused whole, with its line.
    const auto bad = (cli.dir / "bad.csv").string();
    std::ofstream(bad, std::ios::binary) << cp1252(
        "Référence commande;Date de la commande;Nom adhérent;Prénom adhérent;Email payeur;Montant du tarif\r\n"
        "99001;15/01/2026;Dubois;Léa;lea@example.org;20,00\r\n"
        "99002;32/01/2026;Bernard;Hugo;;20,00\r\n");
    r = cli({"membership", "import-helloasso", bad});
    CHECK(r.code == 2);
    CHECK(has(r.err, "3"));
    r = cli({"--json", "member", "show", "1"});
    CHECK(has(r.out, "2027-01-31"));  // the good line of the bad file was not imported either
}
