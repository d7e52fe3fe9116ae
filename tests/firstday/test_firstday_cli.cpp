// First-day defects met through the command line, each with the test that failed before
// its fix: slots without a member, bookings beyond two weeks, a new machine open to all until a
// skill is required, member set, machine set --host-loss and clear-fault, confirmations.
// Through the real `etabli` binary. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <ctime>
#include <fstream>

using namespace etabli;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
std::string day_in(int days) { return testing::paris_day_in(days); }
}  // namespace

TEST_CASE("first day: slots without --member say when the machine is free") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string saw = first_line(cli({"machine", "add", "--name", "Scie"}).out);
    REQUIRE(cli({"skill", "add", "Sciage"}).code == 0);
    REQUIRE(cli({"machine", "require", saw, "--skill", "Sciage"}).code == 0);  // nobody is trained
    REQUIRE(cli({"hours", "set", "mon-sun 09:00-18:00"}).code == 0);
    auto r = cli({"slots", "--machine", saw, "--minutes", "60", "--from", day_in(1) + " 09:00"});
    CHECK(r.code == 0);
    CHECK(has(r.out, day_in(1) + " 09:00"));
    // For a member, the skill still decides.
    r = cli({"slots", "--machine", saw, "--minutes", "60", "--member", "1"});
    CHECK(r.code == 1);
}

TEST_CASE("first day: booking list finds a booking months ahead, with or without --day") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string lathe = first_line(cli({"machine", "add", "--name", "Tour"}).out);
    REQUIRE(cli({"hours", "set", "mon-sun 09:00-18:00"}).code == 0);
    const std::string far = day_in(40);
    REQUIRE(cli({"book", lathe, "--member", "1", "--from", far + " 10:00", "--minutes", "60", "--as-host"}).code == 0);
    auto r = cli({"booking", "list", "--day", far});
    CHECK(r.code == 0);
    CHECK(has(r.out, far + " 10:00"));
    r = cli({"--json", "booking", "list"});
    CHECK(has(r.out, far));
    CHECK(cli({"booking", "list", "--day", day_in(41)}).out.empty());
}

TEST_CASE("first day: a new machine is open to every member until a skill is required; --none opens it again") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string drill = first_line(cli({"machine", "add", "--name", "Perceuse à colonne"}).out);
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    CHECK(cli({"skill", "show", "Perceuse à colonne"}).code == 2);  // no skill made behind the host's back
    auto r = cli({"tap", "0001234567", "--reader", drill});  // Léa, untrained
    CHECK(r.code == 0);
    CHECK(cli({"tap", "0001234567", "--reader", drill}).code == 0);  // and off again
    REQUIRE(cli({"skill", "add", "Perçage"}).code == 0);
    r = cli({"--lang", "en", "machine", "require", drill, "--skill", "Perçage"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "Perceuse à colonne now requires Perçage at level 2"));
    CHECK(cli({"tap", "0001234567", "--reader", drill}).code == 1);
    r = cli({"machine", "require", drill, "--none"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "n'exige plus aucune compétence"));
    CHECK(cli({"tap", "0001234567", "--reader", drill}).code == 0);
    CHECK(cli({"machine", "require", drill}).code == 2);                                  // neither
    CHECK(cli({"machine", "require", drill, "--skill", "Perçage", "--none"}).code == 2);  // both
    // machine authorise confirms in words; tool require too.
    r = cli({"--lang", "en", "machine", "authorise", drill, "--member", "1"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "may use Perceuse à colonne"));
}

TEST_CASE("first day: member set changes a role, an end of membership, a name, an e-mail, a language") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"member", "set", "1", "--role", "volunteer", "--until", "2027-09-30", "--lang", "en"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "modifié"));
    r = cli({"--json", "member", "show", "1"});
    CHECK(has(r.out, "\"role\":\"volunteer\""));
    CHECK(has(r.out, "2027-09-30"));
    CHECK(has(r.out, "\"lang\":\"en\""));
    CHECK(cli({"member", "set", "1", "--until", "none"}).code == 0);
    CHECK(has(cli({"--json", "member", "show", "1"}).out, "\"until\":null"));
    CHECK(cli({"member", "set", "1", "--name", "  Léa   Dubois ", "--email", " Lea.Dubois@Example.org "}).code == 0);
    r = cli({"--json", "member", "show", "1"});
    CHECK(has(r.out, "\"name\":\"Léa Dubois\""));  // cleaned as at member add
    CHECK(has(r.out, "\"email\":\"lea.dubois@example.org\""));
    CHECK(cli({"member", "set", "1", "--email", "camille.martin@example.org"}).code != 0);  // Camille's
    CHECK(cli({"member", "set", "1"}).code == 2);                          // nothing to change
    CHECK(cli({"member", "set", "1", "--role", "chef"}).code == 2);        // bad role
    CHECK(cli({"member", "set", "1", "--until", "30/09/2027"}).code == 2);  // bad date
    CHECK(cli({"member", "set", "999", "--name", "X"}).code == 2);
    // Inès's membership renewed: the station lets her in again.
    CHECK(cli({"tap", "0005550001"}).code == 1);
    REQUIRE(cli({"member", "set", "4", "--until", day_in(300)}).code == 0);
    CHECK(cli({"tap", "0005550001"}).code == 0);
}

TEST_CASE("first day: machine set --host-loss without --status, shown by machine show; clear-fault") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string laser = first_line(cli({"machine", "add", "--name", "Graveuse"}).out);
    auto r = cli({"--lang", "en", "machine", "show", laser});
    CHECK(has(r.out, "(cut)"));
    r = cli({"--lang", "en", "machine", "set", laser, "--host-loss", "grace:90"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "(grace:90)"));
    CHECK(has(cli({"--json", "machine", "show", laser}).out, "\"host_loss\":\"grace:90\""));
    CHECK(cli({"machine", "set", laser}).code == 2);
    CHECK(cli({"machine", "set", laser, "--host-loss", "grace:-3"}).code == 2);
    CHECK(cli({"machine", "set", laser, "--status", "maintenance"}).code == 0);
    CHECK(has(cli({"--json", "machine", "show", laser}).out, "\"host_loss\":\"grace:90\""));  // kept
    CHECK(cli({"machine", "clear-fault", laser}).code == 0);
    CHECK(cli({"machine", "clear-fault", "nope"}).code == 2);
}

TEST_CASE("first day: sessions over a period, by member, with durations, totals and a CSV") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string drill = first_line(cli({"machine", "add", "--name", "Perceuse"}).out);
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    REQUIRE(cli({"tap", "0001234567", "--reader", drill}).code == 0);  // Léa on, then off
    REQUIRE(cli({"tap", "0001234567", "--reader", drill}).code == 0);
    REQUIRE(cli({"tap", "0004211337", "--reader", drill}).code == 0);  // Camille on
    auto r = cli({"--lang", "en", "sessions", "--from", day_in(-3), "--to", day_in(0)});
    CHECK(r.code == 0);
    CHECK(has(r.out, "Léa Dubois"));
    CHECK(has(r.out, "Camille Martin"));
    CHECK(has(r.out, "Total per machine:"));
    CHECK(has(r.out, "Total per member:"));
    r = cli({"--json", "sessions", "--member", "1"});
    CHECK(has(r.out, "\"member\":1"));
    CHECK_FALSE(has(r.out, "\"member\":2"));
    CHECK(has(r.out, "\"total_minutes\""));
    const std::string csv = (cli.dir / "sessions.csv").string();
    REQUIRE(cli({"sessions", "--csv", csv}).code == 0);
    const std::string text = testing::read_file(csv);
    CHECK(text.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(has(text, "Motif de fin"));
    CHECK(has(text, "badge à la machine"));
    CHECK(cli({"sessions", "--from", "hier"}).code == 2);
    CHECK(cli({"sessions", "--day", day_in(0), "--from", day_in(0)}).code == 2);
    CHECK(cli({"sessions", "--from", day_in(0), "--to", day_in(-1)}).code == 2);
    CHECK(cli({"sessions", "--member", "999"}).code == 2);
}

TEST_CASE("first day: one language at a time, from the argument parser to a member's tap") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string printer = first_line(cli({"machine", "add", "--name", "Imprimante"}).out);
    // The parser's own messages follow --lang, English or French.
    auto r = cli({"--lang", "en", "book", printer, "--member", "1", "--minutes", "60"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "--from is required. Try: etabli --help"));
    r = cli({"book", printer, "--member", "1", "--minutes", "60"});
    CHECK(has(r.err, "--from est obligatoire. Essayez : etabli --help"));
    r = cli({"member"});
    CHECK(has(r.err, "Une commande est nécessaire"));
    r = cli({"member", "set", "1", "--lang", "en", "--bogus"});
    CHECK(has(r.err, "Essayez"));  // --lang after the command is the member's, not the message's
    r = cli({"servir"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "Cet argument n'était pas attendu : servir"));
    r = cli({"book", printer, "--member", "abc", "--from", "2027-01-05 10:00", "--minutes", "60"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "--member n'accepte pas « abc »"));
    CHECK_FALSE(has(r.err, "Could not convert"));
    // Hugo reads English: his tap answers in English unless --lang says otherwise.
    r = cli({"tap", "0009876543"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "Welcome, Hugo Bernard: checked in"));
    // An ended membership reads the same date form at a machine's reader as at the kiosk.
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    const std::string kiosk = cli({"tap", "0005550001"}).out;
    const std::string reader = cli({"tap", "0005550001", "--reader", printer}).out;
    CHECK(kiosk.find('/') != std::string::npos);
    CHECK(reader.find('/') != std::string::npos);
    CHECK(reader.find("-20") == std::string::npos);
}

TEST_CASE("first day: a member import names the columns it did not read; --strict refuses them") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const std::string file = (cli.dir / "membres.csv").string();
    {
        std::ofstream out(file, std::ios::binary);
        out << "Nom;Prénom;Date de fin d'adhésion;Téléphone\nDubois;Léa;31/12/2026;06 12 34 56 78\n";
    }
    CHECK(cli({"member", "import", file, "--strict"}).code == 2);
    auto r = cli({"member", "import", file});
    CHECK(r.code == 0);
    CHECK(has(r.out, "1 ajouté"));
    CHECK(has(r.out, "colonnes non importées : \"Téléphone\""));
    CHECK(has(cli({"--json", "member", "show", "1"}).out, "\"until\":\"2026-12-31\""));
}

TEST_CASE("first day: a tool's page says one thing about who may borrow it, and shows the last return's note and kept deposit") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    REQUIRE(cli({"tool", "add", "--name", "Clé à pédale", "--tag", "PED-1", "--deposit", "20"}).code == 0);
    auto r = cli({"tool", "show", "PED-1"});
    CHECK(r.code == 0);
    CHECK_FALSE(has(r.out, "Habilitation requise"));
    CHECK(has(r.out, "tout adhérent peut l'emprunter"));
    REQUIRE(cli({"lend", "PED-1", "--member", "1"}).code == 0);
    REQUIRE(cli({"return", "PED-1", "--condition", "worn", "--note", "mâchoire un peu tordue", "--keep-deposit", "clé perdue puis retrouvée abîmée"})
                .code == 0);
    r = cli({"tool", "show", "PED-1"});
    CHECK(has(r.out, "Dernier retour"));
    CHECK(has(r.out, "mâchoire un peu tordue"));
    CHECK(has(r.out, "clé perdue puis retrouvée abîmée"));
    // tool require says what now holds.
    REQUIRE(cli({"skill", "add", "Mécanique"}).code == 0);
    r = cli({"tool", "require", "PED-1", "--skill", "Mécanique"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "exige désormais Mécanique au niveau 2"));
    r = cli({"tool", "show", "PED-1"});
    CHECK(has(r.out, "Mécanique"));
    CHECK_FALSE(has(r.out, "tout adhérent peut l'emprunter"));
}

TEST_CASE("first day: French output names ORDS categories in French; stats carry no personal data") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const std::string hugo = first_line(cli({"member", "add", "--name", "Hugo Bernard", "--role", "volunteer"}).out);
    REQUIRE(cli({"member", "add", "--name", "Léa Dubois", "--email", "lea.dubois@example.org"}).code == 0);
    auto r = cli({"repair", "log", "--volunteer", hugo, "--item", "powered", "--category", "3", "--problem",
                  "appeler léa dubois au 06 12 34 56 78 ou lea.dubois@example.org", "--status", "fixed", "--minutes", "15"});
    REQUIRE(r.code == 0);
    const std::string id = first_line(r.out);
    r = cli({"repair", "show", id});
    CHECK(has(r.out, "Éclairage décoratif ou de sécurité"));
    CHECK_FALSE(has(r.out, "Decorative or safety lights"));
    CHECK(has(cli({"--lang", "en", "repair", "show", id}).out, "Decorative or safety lights"));
    r = cli({"stats"});
    CHECK(r.code == 0);
    CHECK_FALSE(has(r.out, "06 12"));
    CHECK_FALSE(has(r.out, "example.org"));
    CHECK_FALSE(has(r.out, "dubois"));
}
