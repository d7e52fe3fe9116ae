// cli: the tool library through the real `etabli` binary: inventory, import, labels,
// lend/return/renew/reserve, loans and the exports, with the exit codes of every command
// (0 done, 1 refused by a rule, 2 bad input). Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

using namespace etabli;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("the tool library from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"tool", "add", "--name", "Clé dynamométrique", "--category", "Vélo", "--deposit", "20", "--days", "7"});
    REQUIRE(r.code == 0);
    const std::string wrench = first_line(r.out);
    CHECK(wrench.rfind("T", 0) == 0);  // numbered (the demo already holds tools)
    REQUIRE(cli({"tool", "add", "--name", "Perceuse", "--category", "Perçage", "--tag", "per-1"}).code == 0);
    CHECK(cli({"tool", "add", "--name", "Autre", "--tag", "PER-1"}).code == 2);           // tag already used
    CHECK(cli({"tool", "add", "--name", "Autre", "--deposit", "beaucoup"}).code == 2);    // not an amount
    CHECK(cli({"tool", "add", "--name", "Autre", "--tag", "a b"}).code == 2);             // bad tag
    r = cli({"--json", "tool", "list"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"PER-1\""));

    // Lend a basket; lending a tool already out is refused (exit 1), an unknown tag is bad input.
    r = cli({"--lang", "en", "lend", wrench, "per-1", "--member", "1"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "deposit 20.00"));
    r = cli({"--lang", "en", "lend", wrench, "--member", "2"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "already on loan"));
    CHECK(cli({"lend", "NOPE", "--member", "1"}).code == 2);
    CHECK(cli({"lend", wrench, "--member", "999"}).code == 2);
    CHECK(cli({"lend", wrench, "--member", "1", "--days", "500"}).code == 1);

    r = cli({"--json", "loans", "--member", "1"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"" + wrench + "\""));
    CHECK(cli({"renew", wrench}).code == 0);
    CHECK(cli({"--json", "loans", "--overdue"}).out == "[]\n");

    // Waiting list, then renewals are refused; a range reservation and its overlap.
    CHECK(cli({"reserve", wrench, "--member", "2", "--waiting-list"}).code == 0);
    CHECK(cli({"renew", wrench}).code == 1);
    CHECK(cli({"reserve", "PER-1", "--member", "2", "--from", "2099-01-01", "--to", "2099-01-02"}).code == 1);  // too far ahead
    CHECK(cli({"reserve", "PER-1", "--member", "2", "--from", "demain", "--to", "2099-01-02"}).code == 2);
    CHECK(cli({"reserve", "PER-1", "--member", "2"}).code == 2);

    // Return: damaged goes to repair; returning one not on loan is refused.
    r = cli({"--lang", "en", "return", wrench, "--condition", "damaged", "--note", "Cliquet", "--keep-deposit", "Cliquet cassé"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "in_repair"));
    CHECK(cli({"return", wrench}).code == 1);
    CHECK(cli({"return", wrench, "--condition", "rusty"}).code == 2);
    r = cli({"--json", "tool", "show", wrench});
    CHECK(has(r.out, "\"in_repair\""));
    CHECK(cli({"tool", "set", wrench, "--status", "available", "--condition", "good"}).code == 0);
    r = cli({"--json", "tool", "show", wrench});
    CHECK(has(r.out, "\"reserved\""));  // held for the waiting list
    CHECK(cli({"tool", "set", wrench, "--status", "on_loan"}).code == 2);
    CHECK(cli({"tool", "set", wrench, "--authorise", "999"}).code == 2);

    // Exports.
    r = cli({"export", "loans", "--out", (cli.dir / "loans.csv").string()});
    REQUIRE(r.code == 0);
    const auto loans = testing::read_file(cli.dir / "loans.csv");
    CHECK(testing::lines(loans) == 3);  // header + 2 loans
    CHECK(has(loans, "Clé dynamométrique"));
    // One language and one clock: French values, local times, no UTC "Z" stamps.
    CHECK_FALSE(has(loans, "held"));
    CHECK_FALSE(has(loans, "kept"));
    CHECK_FALSE(has(loans, "Z,"));
    CHECK((has(loans, "caution") || has(loans, "sans caution")));
    r = cli({"export", "overdue", "--out", (cli.dir / "overdue.csv").string()});
    REQUIRE(r.code == 0);
    CHECK(testing::lines(testing::read_file(cli.dir / "overdue.csv")) == 1);
    CHECK(cli({"export", "loans", "--out", "/nonexistent/dir/x.csv"}).code == 2);

    // Labels: a PDF; an empty category is a clear error.
    r = cli({"tool", "labels", "--out", (cli.dir / "labels.pdf").string()});
    REQUIRE(r.code == 0);
    CHECK(testing::read_file(cli.dir / "labels.pdf").rfind("%PDF", 0) == 0);
    r = cli({"--lang", "en", "tool", "labels", "--category", "Soudure", "--out", (cli.dir / "none.pdf").string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "No tool in the category"));
    CHECK(!std::filesystem::exists(cli.dir / "none.pdf"));

    // Retire: not while on loan.
    CHECK(cli({"tool", "retire", "PER-1"}).code == 1);
    CHECK(cli({"return", "PER-1"}).code == 0);
    CHECK(cli({"tool", "retire", "PER-1"}).code == 0);
    CHECK(cli({"lend", "PER-1", "--member", "1"}).code == 1);
}

TEST_CASE("tool photo and notes: set, shown, removed; a path out of the photos folder is bad input") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    REQUIRE(cli({"tool", "add", "--name", "Perceuse", "--tag", "PER-1", "--photo", "perceuse.jpg", "--notes", "Mèches dans la boîte"}).code == 0);
    auto r = cli({"--json", "tool", "show", "PER-1"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"photo\":\"perceuse.jpg\""));
    r = cli({"--lang", "fr", "tool", "show", "PER-1"});
    CHECK(has(r.out, "perceuse.jpg"));
    CHECK(has(r.out, "Mèches dans la boîte"));
    r = cli({"--lang", "fr", "tool", "set", "PER-1", "--photo", "../etabli.db"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "dossier des photos"));
    CHECK(has(cli({"--json", "tool", "show", "PER-1"}).out, "\"photo\":\"perceuse.jpg\""));  // unchanged
    REQUIRE(cli({"tool", "set", "PER-1", "--photo", ""}).code == 0);
    CHECK(has(cli({"--json", "tool", "show", "PER-1"}).out, "\"photo\":null"));
}

TEST_CASE("tool import: all or nothing, every bad line listed") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    testing::write_file(cli.dir / "bad.csv", "Nom;Étiquette;Caution\nPerceuse;P1;10\nScie;p1;\nMarteau;M1;beaucoup\n");
    auto r = cli({"--lang", "en", "tool", "import", (cli.dir / "bad.csv").string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "nothing imported"));
    CHECK(has(r.err, "line 3"));
    CHECK(has(r.err, "line 4"));
    CHECK(cli({"--json", "tool", "list"}).out == "[]\n");
    testing::write_file(cli.dir / "good.csv", "Nom;Étiquette;Catégorie\nPerceuse;P1;Perçage\nScie;;Perçage\n");
    r = cli({"--json", "tool", "import", (cli.dir / "good.csv").string()});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"added\":2"));
    // Again: the tag is now stored, nothing imported.
    CHECK(cli({"tool", "import", (cli.dir / "good.csv").string()}).code == 2);
    CHECK(cli({"tool", "import", (cli.dir / "missing.csv").string()}).code == 2);
}

TEST_CASE("reservation cancel: own or by a host, unknown number is bad input") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    REQUIRE(cli({"tool", "add", "--name", "Perceuse", "--tag", "PER-1"}).code == 0);
    auto r = cli({"--json", "reserve", "PER-1", "--member", "1", "--waiting-list"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"id\":1"));
    CHECK(has(cli({"--lang", "en", "tool", "show", "PER-1"}).out, "#1"));
    CHECK(cli({"reservation", "cancel", "99"}).code == 2);
    CHECK(cli({"reservation", "cancel", "1", "--by", "999"}).code == 2);
    CHECK(cli({"reservation", "cancel", "1", "--by", "3"}).code == 1);  // a volunteer, not hers
    r = cli({"--lang", "en", "reservation", "cancel", "1", "--by", "2"});  // Camille hosts
    CHECK(r.code == 0);
    CHECK(has(r.out, "Reservation 1 cancelled"));
    CHECK(cli({"reservation", "cancel", "1"}).code == 2);  // already cancelled
    r = cli({"--json", "tool", "show", "PER-1"});
    CHECK(has(r.out, "\"available\""));
}
