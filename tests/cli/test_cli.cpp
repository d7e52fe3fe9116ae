// cli: the real `etabli` binary run as a user would, with its exit codes, stdout and stderr.
// Layer: cli tests (each case uses its own temp folder and database file).
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <sys/wait.h>

using namespace etabli;

using testing::Cli;
using testing::etabli_run;
using testing::lines;
using testing::quote;

TEST_CASE("init --demo, then a demo tap checks in and the same tap checks out") {
    Cli cli;
    auto r = cli({"init", "--demo"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    r = cli({"tap", "0001234567"});
    CHECK(r.code == 0);
    CHECK(r.out.find("Léa Dubois") != std::string::npos);
    CHECK(r.out.find("entrée") != std::string::npos);
    r = cli({"--json", "presence"});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"Léa Dubois\"") != std::string::npos);
    r = cli({"--lang", "en", "tap", "0001234567"});
    CHECK(r.code == 0);
    CHECK(r.out.find("checked out") != std::string::npos);
    r = cli({"--json", "presence"});
    CHECK(r.out == "[]\n");
    // init --demo again changes nothing
    auto before = cli({"--json", "member", "list"}).out;
    CHECK(cli({"init", "--demo"}).code == 0);
    CHECK(cli({"--json", "member", "list"}).out == before);
}

TEST_CASE("refusals exit 1 and say why") {
    Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"tap", "0000000042"});
    CHECK(r.code == 1);
    CHECK(r.out.find("inconnu") != std::string::npos);
    r = cli({"--lang", "en", "tap", "0000000666"});
    CHECK(r.code == 1);
    CHECK(r.out.find("revoked") != std::string::npos);
    r = cli({"--json", "tap", "0005550001"});
    CHECK(r.code == 1);
    CHECK(r.out.find("\"membership_expired\"") != std::string::npos);
    CHECK(r.out.find("\"expired_on\"") != std::string::npos);
}

TEST_CASE("members and badges from the command line") {
    Cli cli;
    auto r = cli({"--json", "member", "add", "--name", "Noé Garnier", "--email", "noe@example.org", "--until", "2027-06-30", "--role", "volunteer", "--lang", "en"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"id\"") != std::string::npos);
    r = cli({"member", "add", "--name", "Sam"});
    REQUIRE(r.code == 0);
    const std::string sam = r.out.substr(0, r.out.find('\n'));
    CHECK(cli({"badge", "add", "0000000001", "--member", sam}).code == 0);
    r = cli({"--json", "member", "show", sam});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"0000000001\"") != std::string::npos);
    CHECK(cli({"tap", "0000000001"}).code == 0);
    CHECK(cli({"badge", "revoke", "0000000001"}).code == 0);
    CHECK(cli({"tap", "0000000001"}).code == 1);
    r = cli({"member", "list"});
    CHECK(r.out.find("Noé Garnier") != std::string::npos);
}

TEST_CASE("bad input exits 2 with one line on stderr") {
    Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const std::vector<std::vector<std::string>> bad = {
        {"member", "add", "--name", "X", "--email", "nope"},
        {"member", "add", "--name", "X", "--until", "31/12/2026"},
        {"member", "add", "--name", "X", "--until", "2026-02-30"},
        {"member", "add", "--name", "X", "--role", "boss"},
        {"member", "add", "--name", "   "},
        {"member", "add"},
        {"member", "show", "999"},
        {"member", "show", "abc"},
        {"badge", "add", "12;34", "--member", "1"},
        {"badge", "add", "0042", "--member", "999"},
        {"badge", "revoke", "0042"},
        {"tap", std::string(40, '9')},
        {"tap", ""},
        {"frobnicate"},
        {"--lang", "de", "presence"},
        {"member", "import", "/nonexistent.csv"},
        {"member", "import", "x.csv", "--map", "colour=Couleur"},
        {"kiosk", "--size", "640x480"},
        {"kiosk", "--text-size", "110"},
        {"kiosk", "--text-size", "grand"},
    };
    for (const auto& args : bad) {
        std::string shown;
        for (const auto& a : args) shown += a + " ";
        CAPTURE(shown);
        auto r = cli(args);
        CHECK(r.code == 2);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.rfind("etabli: ", 0) == 0);
    }
}

TEST_CASE("every command has --help") {
    Cli cli;
    for (auto args : std::vector<std::vector<std::string>>{{"--help"}, {"init", "--help"}, {"member", "add", "--help"},
                                                          {"member", "import", "--help"}, {"badge", "add", "--help"},
                                                          {"tap", "--help"}, {"presence", "--help"}, {"kiosk", "--help"}}) {
        auto r = cli(args);
        CHECK(r.code == 0);
        CHECK(!r.out.empty());
    }
}

TEST_CASE("storage problems exit 3 and never touch the file") {
    Cli cli;
    SUBCASE("a file that is not a database") {
        const std::string junk = "name;email\nLéa;lea@example.org\n";
        testing::write_file(cli.db, junk);
        auto r = cli({"init"});
        CHECK(r.code == 3);
        CHECK(lines(r.err) == 1);
        CHECK(testing::read_file(cli.db) == junk);
        CHECK(cli({"tap", "01"}).code == 3);
    }
    SUBCASE("a database written by a newer Établi") {
        REQUIRE(cli({"init"}).code == 0);
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(cli.db.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 999; PRAGMA journal_mode = DELETE;", nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
        const auto before = testing::read_file(cli.db);
        auto r = cli({"--lang", "en", "member", "list"});
        CHECK(r.code == 3);
        CHECK(r.err.find("newer") != std::string::npos);
        CHECK(testing::read_file(cli.db) == before);
        CHECK(!std::filesystem::exists(cli.db + "-wal"));
    }
    SUBCASE("a location nobody may write") {
        auto r = etabli_run(cli.dir, {"--db", "/proc/etabli/x.db", "init"});
        CHECK(r.code == 3);
        CHECK(lines(r.err) == 1);
    }
}

TEST_CASE("the default database follows ETABLI_DB, then XDG_DATA_HOME, creating the folder") {
    testing::TempDir dir;
    auto r = etabli_run(dir, {"init"}, "XDG_DATA_HOME=" + quote((dir / "data").string()));
    CHECK(r.code == 0);
    CHECK(std::filesystem::exists(dir / "data" / "etabli" / "etabli.db"));
    r = etabli_run(dir, {"init"}, "ETABLI_DB=" + quote((dir / "env.db").string()));
    CHECK(r.code == 0);
    CHECK(std::filesystem::exists(dir / "env.db"));
}

TEST_CASE("member import: one transaction, line-numbered errors, re-import changes nothing") {
    Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const auto good = cli.dir / "adherents.csv";
    testing::write_file(good, "\xEF\xBB\xBFNom;Prénom;Courriel;Fin d'adhésion\n"
                              "Dubois;Léa;lea@example.org;31/08/2027\n"
                              "\"Martin; dit \"\"Cam\"\"\";Camille;camille@example.org;2027-08-31\n");
    auto r = cli({"--lang", "en", "member", "import", good.string()});
    CHECK(r.code == 0);
    CHECK(r.out.find("2 added") != std::string::npos);
    r = cli({"--lang", "en", "member", "import", good.string()});
    CHECK(r.code == 0);
    CHECK(r.out.find("2 unchanged") != std::string::npos);

    const auto bad = cli.dir / "bad.csv";
    std::string text = "Name,Email\nAnna,anna@example.org\n";
    for (int i = 0; i < 15; ++i) text += "Bob" + std::to_string(i) + ",not-an-email\n";
    testing::write_file(bad, text);
    r = cli({"--lang", "en", "member", "import", bad.string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("line 3") != std::string::npos);
    CHECK(r.err.find("5 more") != std::string::npos);
    r = cli({"--json", "member", "list"});
    CHECK(r.out.find("Anna") == std::string::npos);  // nothing imported

    const auto mapped = cli.dir / "mapped.csv";
    testing::write_file(mapped, "Qui,Adresse perso\nAnna,anna@example.org\n");
    r = cli({"member", "import", mapped.string(), "--map", "name=Qui", "--map", "email=Adresse perso"});
    CHECK(r.code == 0);
    CHECK(cli({"--json", "member", "list"}).out.find("anna@example.org") != std::string::npos);
}

TEST_CASE("the kiosk without a display says so in one line") {
    Cli cli;
    auto r = cli({"kiosk"});
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("Xvfb") != std::string::npos);
    // A text size it takes goes on to the display check; one it does not is named.
    CHECK(cli({"kiosk", "--text-size", "150"}).err.find("Xvfb") != std::string::npos);
    auto bad = cli({"kiosk", "--text-size", "175"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("175") != std::string::npos);
}
