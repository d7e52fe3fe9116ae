// The bike register through the real `etabli` binary: bike add/set/list/show, part/fit, leave
// (refused without the rider's fields, with a French reason and exit 2; then sold), proof (a
// PDF), declare (the operator's CSV with the columns of etabli.toml, then nothing left to
// declare), labels (the QR tags), repair log --bike, --json. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <filesystem>
#include <fstream>

using namespace etabli;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
}  // namespace

TEST_CASE("a bike's life from the command line: intake, marking, parts, repair, sale, proof and declaration") {
    testing::Cli cli;
    const auto toml = (cli.dir / "etabli.toml").string();
    {
        std::ofstream(toml) << "[bikes]\nseller = \"Atelier du Vélo Libre\"\nseller_address = \"12 rue du Guidon, 69001 Lyon\"\n"
                               "[bikes.operators]\nAB = \"Opérateur A\"\n"
                               "[bikes.declaration]\nseparator = \";\"\n"
                               "columns = [[\"Identifiant\", \"marking\"], [\"Nom\", \"surname\"], [\"Prénom\", \"first_name\"], "
                               "[\"Téléphone\", \"phone\"], [\"Courriel\", \"email\"], [\"Date\", \"left_on\"]]\n";
    }
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", toml});
        return cli(args);
    };
    REQUIRE(run({"init"}).code == 0);
    const auto marc = first_line(run({"member", "add", "--name", "Marc", "--role", "volunteer"}).out);

    auto r = run({"bike", "add", "--origin", "acheté", "--type", "VTT", "--brand", "Rockrider", "--colour", "vert", "--wheel", "26",
                  "--marking", "ab 12-345 678"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "AB12345678"));
    r = run({"bike", "add", "--origin", "donné", "--type", "ville", "--brand", "Peugeot", "--condition", "pour pièces"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    // Bad input: a refusal in French, exit 2, nothing stored.
    r = run({"bike", "add", "--marking", "AB1234567I"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "n'ont pas de lettre I"));
    r = run({"bike", "add", "--type", "tandem"});
    CHECK(r.code == 2);
    r = run({"--json", "bike", "list"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"id\":1"));
    CHECK(has(r.out, "\"id\":2"));
    CHECK(!has(r.out, "\"id\":3"));

    // Parts from the donor, a repair on the bike for sale.
    r = run({"bike", "part", "2", "--part", "selle", "--to", "1"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = run({"bike", "part", "2", "--part", "roue arrière"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = run({"bike", "fit", "2", "--to", "1"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = run({"repair", "log", "--volunteer", marc, "--item", "bicycle", "--component", "brakes", "--status", "fixed", "--minutes", "40",
             "--done", "patins changés", "--bike", "1"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = run({"repair", "log", "--volunteer", marc, "--item", "bicycle", "--component", "brakes", "--status", "fixed", "--minutes", "40",
             "--bike", "9"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "Aucun vélo ne porte le numéro 9"));

    // A second identifier, never.
    r = run({"bike", "set", "1", "--marking", "AB23456789"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "jamais un second identifiant"));

    // The sale: the rider's fields are mandatory.
    r = run({"bike", "leave", "1", "--how", "vendu", "--price", "85,50 €", "--surname", "Martin", "--first-name", "Léa"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "téléphone"));
    r = run({"bike", "leave", "1", "--how", "vendu", "--price", "-5", "--surname", "Martin", "--first-name", "Léa", "--phone",
             "06 12 34 56 78", "--email", "lea@example.org"});
    CHECK(r.code == 2);
    r = run({"bike", "leave", "1", "--how", "vendu", "--price", "85,50 €", "--surname", "Martin", "--first-name", "Léa", "--phone",
             "06 12 34 56 78", "--email", "Lea@Example.org"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "vendu"));

    r = run({"bike", "show", "1"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Rockrider"));
    CHECK(has(r.out, "selle"));
    CHECK(has(r.out, "roue arrière"));
    CHECK(has(r.out, "patins changés"));
    CHECK(has(r.out, "85,50\u00a0€"));
    CHECK(has(r.out, "lea@example.org"));
    r = run({"--json", "bike", "show", "2"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"parts_taken\":[{"));

    const auto pdf = (cli.dir / "preuve-1.pdf").string();
    r = run({"bike", "proof", "1", "--out", pdf});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(testing::read_file(pdf).substr(0, 5) == "%PDF-");
    r = run({"bike", "proof", "2", "--out", (cli.dir / "no.pdf").string()});
    CHECK(r.code == 2);
    CHECK(!std::filesystem::exists(cli.dir / "no.pdf"));

    const auto csv = (cli.dir / "declaration.csv").string();
    r = run({"bike", "declare", "--out", csv});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto text = testing::read_file(csv);
    CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
    CHECK(has(text, "Identifiant;Nom;Prénom;Téléphone;Courriel;Date\r\n"));
    CHECK(has(text, "AB12345678;Martin;Léa;06 12 34 56 78;lea@example.org;"));
    r = run({"bike", "declare", "--out", (cli.dir / "again.csv").string()});
    REQUIRE(r.code == 0);
    CHECK(!std::filesystem::exists(cli.dir / "again.csv"));  // nothing left to declare
    r = run({"bike", "declare", "--again", "--out", (cli.dir / "again.csv").string()});
    REQUIRE(r.code == 0);
    CHECK(has(testing::read_file((cli.dir / "again.csv").string()), "AB12345678"));

    r = run({"bike", "list", "--all"});
    REQUIRE(r.code == 0);
    CHECK(testing::lines(r.out) == 2);
    r = run({"bike", "list"});
    CHECK(testing::lines(r.out) == 1);  // only the donor is still in stock
}

TEST_CASE("a bad [bikes.declaration] in etabli.toml is refused with its line") {
    testing::Cli cli;
    const auto toml = (cli.dir / "etabli.toml").string();
    std::ofstream(toml) << "[bikes.declaration]\ncolumns = [[\"Nom\", \"nom\"]]\n";
    auto r = cli({"--config", toml, "bike", "list"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "ligne 2"));
}

TEST_CASE("QR tags for the bikes: those in stock, or those named; none to label is refused") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const auto tags = (cli.dir / "etiquettes.pdf").string();
    auto r = cli({"bike", "labels", "--out", tags});
    CHECK(r.code == 2);
    CHECK(has(r.err, "Aucun vélo"));
    CHECK_FALSE(std::filesystem::exists(tags));
    REQUIRE(cli({"bike", "add", "--type", "ville", "--brand", "Peugeot"}).code == 0);
    REQUIRE(cli({"bike", "add", "--type", "VTT"}).code == 0);
    r = cli({"bike", "labels", "--out", tags});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "2 étiquettes"));
    CHECK(testing::read_file(tags).starts_with("%PDF-"));
    r = cli({"--json", "bike", "labels", "2", "--out", tags});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"labels\":1"));
    r = cli({"bike", "labels", "9", "--out", tags});
    CHECK(r.code == 2);
    CHECK(has(r.err, "9"));
}
