// Skills from the command line: skill add/list/show/grant/who, machine require and tool
// require through the real `etabli` binary, with their exit codes and --json; the demo's
// trainers. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

using namespace etabli;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("skills from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    // The demo's machines hold their authorisations as skills, with trainers.
    auto r = cli({"--json", "skill", "show", "Découpe laser"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"level\":3"));
    r = cli({"--lang", "en", "skill", "who", "Découpe laser"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Camille Martin"));
    CHECK(has(r.out, "can teach"));
    r = cli({"skill", "who", "Découpe laser"});  // French by default
    CHECK(has(r.out, "peut former"));
    CHECK(cli({"--json", "skill", "who", "Découpe laser", "--present"}).out == "[]\n");

    r = cli({"skill", "add", "Soudure", "--category", "Métal", "--lapse-months", "3"});
    REQUIRE(r.code == 0);
    const std::string weld = first_line(r.out);
    CHECK(cli({"skill", "add", "soudure"}).code == 2);                        // same name
    CHECK(cli({"skill", "add", "X", "--lapse-months", "500"}).code == 2);    // out of range
    CHECK(cli({"skill", "add", ""}).code == 2);
    r = cli({"--json", "skill", "list"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"name\":\"Soudure\""));
    CHECK(has(r.out, "\"lapse_months\":3"));

    // Grants: the command line signs as an admin; a trainer is checked by the rules.
    CHECK(cli({"skill", "grant", "Soudure", "--member", "1", "--level", "3"}).code == 0);
    CHECK(cli({"skill", "grant", "Soudure", "--member", "3", "--level", "autonome", "--by", "1"}).code == 0);
    r = cli({"--lang", "en", "skill", "grant", "Soudure", "--member", "5", "--level", "3", "--by", "3"});
    CHECK(r.code == 1);  // Hugo (level 2) cannot grant 3
    CHECK(has(r.err, "above their own level"));
    r = cli({"skill", "grant", "Soudure", "--member", "5", "--level", "2", "--by", "3"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "niveau 3"));  // French: only a trainer signs
    CHECK(cli({"skill", "grant", "Tournage", "--member", "1", "--level", "2"}).code == 2);   // unknown skill
    CHECK(cli({"skill", "grant", "Soudure", "--member", "1", "--level", "7"}).code == 2);   // bad level
    CHECK(cli({"skill", "grant", "Soudure", "--member", "999", "--level", "2"}).code == 2); // unknown member
    CHECK(cli({"skill", "grant", "Soudure", "--member", "5", "--level", "1", "--expires", "2020-01-01"}).code == 1);
    CHECK(cli({"skill", "grant", "Soudure", "--member", "5", "--level", "1", "--expires", "demain"}).code == 2);
    r = cli({"--json", "skill", "show", weld});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"lapses_on\":null"));  // no machine requires it: no lapse
    CHECK(has(r.out, "\"signed_by\":1"));

    // Requirements: a machine now requires Soudure at level 3: only Léa may use it.
    r = cli({"machine", "add", "--name", "Poste à souder"});
    REQUIRE(r.code == 0);
    const std::string welder = first_line(r.out);
    CHECK(cli({"machine", "require", welder, "--skill", "Soudure", "--level", "3"}).code == 0);
    CHECK(cli({"machine", "require", welder, "--skill", "Soudure", "--level", "0"}).code == 2);
    CHECK(cli({"machine", "require", "Nulle part", "--skill", "Soudure"}).code == 2);
    r = cli({"--json", "machine", "show", welder});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"authorised\":[1]"));
    r = cli({"--json", "skill", "show", "Soudure"});
    CHECK(has(r.out, "\"machines\":[{\"level\":3,\"machine\":" + welder + "}]"));
    CHECK(has(r.out, "\"lapses_on\":\""));  // a machine requires it now: level 3 lapses after 3 months

    // Tools.
    CHECK(cli({"tool", "require", "ELN-002", "--skill", "Soudure", "--level", "2"}).code == 0);
    CHECK(cli({"tool", "require", "NOPE-1", "--skill", "Soudure"}).code == 2);
    r = cli({"--lang", "en", "lend", "ELN-002", "--member", "5"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "Skill needed for Station de soudage: Soudure at level 2 (you are at level 0)"));
    CHECK(cli({"lend", "ELN-002", "--member", "3"}).code == 0);

    // The old commands still work, as grants.
    CHECK(cli({"machine", "authorise", welder, "--member", "5"}).code == 0);
    r = cli({"--json", "machine", "show", welder});
    CHECK(has(r.out, "\"authorised\":[1,5]"));
    CHECK(cli({"machine", "revoke", welder, "--member", "5"}).code == 0);
    r = cli({"--json", "machine", "show", welder});
    CHECK(has(r.out, "\"authorised\":[1]"));
}
