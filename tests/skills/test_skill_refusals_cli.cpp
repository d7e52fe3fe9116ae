// cli: `etabli book`, `slots` and `queue join` for a member without the machine's
// skill fail (book with exit 1, a refusal) and print the skill rule in words, French by
// default, English on request; through the real `etabli` binary. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <ctime>

using namespace etabli;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
// Tomorrow's local date in Paris, "YYYY-MM-DD" (the tests set ETABLI_TZ=Europe/Paris).
std::string tomorrow() {
    const std::time_t t = std::time(nullptr) + 36 * 3600;  // safely inside tomorrow, whatever the hour
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}
}  // namespace

TEST_CASE("book, slots and queue join refused for a missing skill print the skill rule") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"machine", "add", "--name", "Fraiseuse"});
    REQUIRE(r.code == 0);
    const std::string mill = first_line(r.out);
    REQUIRE(cli({"skill", "add", "Fraiseuse"}).code == 0);  // a new machine is open until a skill is required
    REQUIRE(cli({"machine", "require", "Fraiseuse", "--skill", "Fraiseuse"}).code == 0);
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    const std::string day = tomorrow();

    r = cli({"--lang", "en", "book", mill, "--member", "1", "--from", day + " 14:00", "--minutes", "60"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "Skill needed for Fraiseuse: Fraiseuse at level 2 (you are at level 0)"));
    CHECK_FALSE(has(r.err, "Not authorised"));
    r = cli({"book", mill, "--member", "1", "--from", day + " 14:00", "--minutes", "60"});  // French by default
    CHECK(r.code == 1);
    CHECK(has(r.err, "Compétence requise pour Fraiseuse : Fraiseuse au niveau 2 (vous êtes au niveau 0)"));

    // `slots` and `queue join`: the same refusal, the same exit code as `book`.
    r = cli({"--lang", "en", "slots", "--machine", mill, "--minutes", "60", "--member", "1"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "Skill needed for Fraiseuse: Fraiseuse at level 2 (you are at level 0)"));

    r = cli({"--lang", "en", "queue", "join", mill, "--member", "1"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "Skill needed for Fraiseuse: Fraiseuse at level 2 (you are at level 0)"));
    CHECK(cli({"--json", "queue", "show", mill}).out == "[]\n");

    // Learning (level 1): the rule names the member's level.
    REQUIRE(cli({"skill", "grant", "Fraiseuse", "--member", "1", "--level", "1"}).code == 0);
    r = cli({"--lang", "en", "book", mill, "--member", "1", "--from", day + " 14:00", "--minutes", "60"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "(you are at level 1)"));

    // Trained: all three go through.
    REQUIRE(cli({"skill", "grant", "Fraiseuse", "--member", "1", "--level", "2"}).code == 0);
    CHECK(cli({"book", mill, "--member", "1", "--from", day + " 14:00", "--minutes", "60"}).code == 0);
    r = cli({"--json", "slots", "--machine", mill, "--minutes", "60", "--member", "1"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "\"start_local\""));
    CHECK(cli({"queue", "join", mill, "--member", "1"}).code == 0);
}

TEST_CASE("tool show names the skill a tool needs and who may borrow it, from the grants") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"--json", "tool", "show", "ELN-002"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"skill\":null"));
    CHECK(has(r.out, "\"authorised\":[]"));
    REQUIRE(cli({"skill", "add", "Soudure"}).code == 0);
    REQUIRE(cli({"tool", "require", "ELN-002", "--skill", "Soudure", "--level", "2"}).code == 0);
    REQUIRE(cli({"skill", "grant", "Soudure", "--member", "3", "--level", "2"}).code == 0);
    REQUIRE(cli({"skill", "grant", "Soudure", "--member", "1", "--level", "1"}).code == 0);  // learning: not enough
    r = cli({"--json", "tool", "show", "ELN-002"});
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "\"level\":2,\"name\":\"Soudure\""));
    CHECK(has(r.out, "\"authorised\":[3]"));
    r = cli({"tool", "show", "ELN-002"});  // French by default
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Compétence requise"));
    CHECK(has(r.out, "Soudure au niveau 2 (autonome)"));
    CHECK(has(r.out, "Hugo Bernard"));
    CHECK_FALSE(has(r.out, "Léa Dubois"));
    // `tool set --authorise` is a grant: the member shows, and may borrow it.
    REQUIRE(cli({"tool", "set", "ELN-002", "--authorise", "1"}).code == 0);
    r = cli({"--json", "tool", "show", "ELN-002"});
    CHECK(has(r.out, "\"authorised\":[1,3]"));
    CHECK(cli({"lend", "ELN-002", "--member", "1"}).code == 0);
    r = cli({"--lang", "en", "tool", "show", "ELN-002"});
    CHECK(has(r.out, "Soudure at level 2 (autonomous)"));
    CHECK(has(r.out, "Léa Dubois, Hugo Bernard"));
}
