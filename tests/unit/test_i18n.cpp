// core i18n: the .po reader and the shipped catalogues. Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/i18n.hpp>

#include "testing.hpp"

#include <filesystem>
#include <regex>
#include <set>

using namespace etabli;
using namespace etabli::core;

TEST_CASE("po files: entries, continuations, escapes, fuzzy and errors") {
    const char* po = R"(# comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

msgid "Tap your badge"
msgstr "Badgez votre carte"

#, fuzzy
msgid "Old"
msgstr "Vieux"

msgctxt "button"
msgid "Done"
msgstr "Terminé"

msgid "Line one\n"
"line two \"quoted\""
msgstr "Ligne un\n"
"ligne deux « citée »"

msgid "Untranslated"
msgstr ""
)";
    auto cat = parse_po(po);
    REQUIRE(cat);
    CHECK(cat->lookup("Tap your badge") == "Badgez votre carte");
    CHECK(cat->lookup("Old") == "Old");
    CHECK(cat->lookup("Done") == "Terminé");
    CHECK(cat->lookup("Line one\nline two \"quoted\"") == "Ligne un\nligne deux « citée »");
    CHECK(cat->lookup("Untranslated") == "Untranslated");
    CHECK(cat->lookup("Missing") == "Missing");

    CHECK(!parse_po("msgid \"unterminated\n"));
    CHECK(!parse_po("bogus line\n"));
    CHECK(!parse_po("msgstr \"no id\"\n"));
    CHECK(!parse_po("msgid \"bad escape \\q\"\n"));
}

TEST_CASE("translations render problems with reordered placeholders") {
    Translations tr;
    tr.fr.add("Badge {0} is already enrolled to {1}", "{1} a déjà le badge {0}");
    Problem p = problem("Badge {0} is already enrolled to {1}", {"0001", "Léa"});
    CHECK(tr.render(Lang::fr, p) == "Léa a déjà le badge 0001");
    CHECK(tr.render(Lang::en, p) == "Badge 0001 is already enrolled to Léa");
}

TEST_CASE("every shipped French catalogue parses and keeps the placeholders of its msgids") {
    const std::filesystem::path dir = std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n";
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (!e.path().string().ends_with(".fr.po")) continue;
        ++files;
        CAPTURE(e.path().string());
        const auto text = testing::read_file(e.path());
        auto cat = parse_po(text);
        REQUIRE(cat);
        CHECK(cat->size() > 0);
        // Placeholders of each msgid appear in its msgstr.
        std::regex entry(R"re(msgid "((?:[^"\\]|\\.)*)"\s*\nmsgstr "((?:[^"\\]|\\.)*)")re");
        for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it) {
            const std::string id = (*it)[1], str = (*it)[2];
            if (id.empty() || str.empty()) continue;
            std::regex ph(R"(\{[0-9]\})");
            std::set<std::string> a, b;
            for (auto p = std::sregex_iterator(id.begin(), id.end(), ph); p != std::sregex_iterator(); ++p) a.insert(p->str());
            for (auto p = std::sregex_iterator(str.begin(), str.end(), ph); p != std::sregex_iterator(); ++p) b.insert(p->str());
            CAPTURE(id);
            CHECK(a == b);
        }
    }
    CHECK(files >= 2);
}
