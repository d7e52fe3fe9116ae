// Trainings, help and know-how cards through the real `etabli` binary: training add/list/
// signup (waiting list)/cancel-signup/attend/grant, card add from Markdown files (title from
// the file or --title, links, bad files with line numbers), card list/show, help opt-in/who/ask;
// exit codes and --json. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <cstdio>
#include <filesystem>

using namespace etabli;

namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The current local minute in the CLI's zone (ETABLI_TZ=Europe/Paris): a training "now".
std::string paris_now() {
    std::string out;
    if (FILE* p = ::popen("TZ=Europe/Paris date '+%Y-%m-%d %H:%M'", "r")) {
        char buf[64] = {};
        if (std::fgets(buf, sizeof buf, p)) out = buf;
        ::pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace

TEST_CASE("training add, signup with a waiting list, cancel-signup, attend and grant from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const auto marc = first_line(cli({"member", "add", "--name", "Marc", "--role", "volunteer"}).out);
    const auto alice = first_line(cli({"member", "add", "--name", "Alice"}).out);
    const auto bruno = first_line(cli({"member", "add", "--name", "Bruno"}).out);
    const auto chloe = first_line(cli({"member", "add", "--name", "Chloé"}).out);
    REQUIRE(cli({"skill", "add", "Dévoilage de roue"}).code == 0);
    REQUIRE(cli({"skill", "grant", "Dévoilage de roue", "--member", marc, "--level", "3"}).code == 0);

    auto add = cli({"training", "add", "--skill", "dévoilage de roue", "--at", "2031-06-07 14:00", "--capacity", "1", "--trainer", marc});
    INFO(add.err);
    REQUIRE(add.code == 0);
    const auto later = first_line(add.out);
    CHECK(cli({"training", "signup", later, "--member", alice}).out == "Inscrit·e\n");
    auto waiting = cli({"training", "signup", later, "--member", bruno});
    CHECK(has(waiting.out, "liste d'attente, position 1"));
    auto again = cli({"training", "signup", later, "--member", alice});
    CHECK(again.code == 1);
    CHECK(has(again.err, "Déjà inscrit"));
    REQUIRE(cli({"training", "cancel-signup", later, "--member", alice}).code == 0);
    auto list = cli({"--json", "training", "list"});
    REQUIRE(list.code == 0);
    CHECK(has(list.out, "\"name\":\"Bruno\",\"present\":false,\"state\":\"confirmed\""));
    CHECK(has(list.out, "\"when\":\"2031-06-07 14:00\""));

    // Bad input: exit 2 with one translated line.
    CHECK(cli({"training", "add", "--skill", "Soudure", "--at", "2031-06-07 14:00", "--capacity", "4", "--trainer", marc}).code == 2);
    auto bad_time = cli({"training", "add", "--skill", "1", "--at", "demain", "--capacity", "4", "--trainer", marc});
    CHECK(bad_time.code == 2);
    CHECK(has(bad_time.err, "heure locale"));
    CHECK(cli({"training", "add", "--skill", "1", "--at", "2031-06-07 14:00", "--capacity", "0", "--trainer", marc}).code == 2);
    CHECK(cli({"training", "signup", "99", "--member", alice}).code == 2);
    CHECK(cli({"training", "signup", later, "--member", "99"}).code == 2);

    // A training running now: attendance, then the grant signed by the trainer.
    const auto now = cli({"training", "add", "--skill", "1", "--at", paris_now(), "--capacity", "4", "--trainer", marc});
    INFO(now.err);
    REQUIRE(now.code == 0);
    const auto id = first_line(now.out);
    CHECK(cli({"training", "grant", id}).code == 1);  // nobody present yet
    CHECK(cli({"training", "attend", id, "--member", chloe}).out == "Noté présent·e\n");
    auto early = cli({"training", "attend", later, "--member", bruno});
    CHECK(early.code == 1);
    CHECK(has(early.err, "L'appel ouvre"));
    auto grant = cli({"--json", "training", "grant", id});
    INFO(grant.err);
    REQUIRE(grant.code == 0);
    CHECK(has(grant.out, "\"granted\":1"));
    auto who = cli({"--json", "skill", "show", "1"});
    CHECK(has(who.out, "Chloé"));
    CHECK(cli({"training", "grant", id}).code == 1);  // already granted
}

TEST_CASE("card add from Markdown, list and show; bad files refused with their line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    REQUIRE(cli({"skill", "add", "Crevaison"}).code == 0);
    const auto card = cli.dir / "rustine.md";
    testing::write_file(card, "# Réparer une crevaison\n\n1. Démonter la roue ![roue](photos/roue.jpg)\n2. Trouver le trou\n3. Poser la rustine\n");
    auto add = cli({"card", "add", "--file", card.string(), "--skill", "Crevaison"});
    INFO(add.err);
    REQUIRE(add.code == 0);
    const auto id = first_line(add.out);
    auto titled = cli({"--json", "card", "add", "--title", "Rustine express", "--file", card.string()});
    REQUIRE(titled.code == 0);
    CHECK(has(titled.out, "\"title\":\"Rustine express\""));

    auto show = cli({"card", "show", id});
    REQUIRE(show.code == 0);
    CHECK(has(show.out, "Réparer une crevaison\n 1. Démonter la roue\n    [photos/roue.jpg]\n 2. Trouver le trou"));
    auto list = cli({"--json", "card", "list", "--skill", "crevaison"});
    REQUIRE(list.code == 0);
    CHECK(has(list.out, "\"title\":\"Réparer une crevaison\""));
    CHECK_FALSE(has(list.out, "Rustine express"));  // not linked to the skill
    CHECK(testing::lines(cli({"card", "list"}).out) == 2);
    CHECK(cli({"card", "show", "42"}).code == 2);

    const auto bad = cli.dir / "bad.md";
    testing::write_file(bad, "# Titre\n- un\n- d\xC3\x28ux\n");
    auto r = cli({"card", "add", "--file", bad.string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "Ligne 3 : le fichier n'est pas du texte UTF-8 valide"));
    testing::write_file(bad, "- un\n- deux\n");
    r = cli({"card", "add", "--file", bad.string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "pas de titre"));
    CHECK(cli({"card", "add", "--title", "Sans titre dans le fichier", "--file", bad.string()}).code == 0);
    testing::write_file(bad, "# Gros\n- " + std::string(70 * 1024, 'a') + "\n");
    r = cli({"card", "add", "--file", bad.string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "64 Kio"));
    CHECK(cli({"card", "add", "--file", (cli.dir / "absent.md").string()}).code == 2);
    CHECK(cli({"card", "add", "--file", card.string(), "--machine", "Laser"}).code == 2);
}

TEST_CASE("help opt-in, who and ask from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const auto marie = first_line(cli({"member", "add", "--name", "Marie"}).out);
    const auto paul = first_line(cli({"member", "add", "--name", "Paul"}).out);
    REQUIRE(cli({"badge", "add", "0101", "--member", marie}).code == 0);
    REQUIRE(cli({"badge", "add", "0102", "--member", paul}).code == 0);
    REQUIRE(cli({"skill", "add", "Dévoilage de roue"}).code == 0);
    REQUIRE(cli({"skill", "grant", "1", "--member", paul, "--level", "2"}).code == 0);

    auto ask = cli({"help", "ask", "--member", marie, "--skill", "Dévoilage de roue"});
    CHECK(ask.code == 1);
    CHECK(has(ask.err, "n'a pas badgé l'entrée"));
    REQUIRE(cli({"tap", "0101"}).code == 0);
    REQUIRE(cli({"tap", "0102"}).code == 0);
    CHECK(cli({"--json", "help", "who", "1", "--member", marie}).out == "[]\n");  // Paul has not opted in
    REQUIRE(cli({"help", "opt-in", "--member", paul}).code == 0);
    auto who = cli({"--json", "help", "who", "dévoilage de roue", "--member", marie});
    REQUIRE(who.code == 0);
    CHECK(has(who.out, "\"name\":\"Paul\""));
    CHECK(has(who.out, "\"present\":true"));
    CHECK(cli({"help", "who", "Soudure"}).code == 2);
    auto asked = cli({"--json", "help", "ask", "--member", marie, "--skill", "1", "--text", "roue arrière"});
    INFO(asked.err);
    REQUIRE(asked.code == 0);
    CHECK(has(asked.out, "\"member\":" + marie));
    CHECK(cli({"help", "ask", "--member", marie, "--skill", "1"}).code == 1);  // one open request at a time
}
