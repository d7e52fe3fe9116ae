// core i18n: the .po reader and the shipped catalogues. Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/i18n.hpp>

#include "testing.hpp"

#include <filesystem>
#include <cctype>
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

TEST_CASE("the French catalogue parses and keeps the placeholders of its msgids") {
    const std::filesystem::path po = std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po";
    {
        CAPTURE(po.string());
        const auto text = testing::read_file(po);
        auto cat = parse_po(text);
        REQUIRE(cat);
        CHECK(cat->size() > 0);
        // Placeholders of each single-line msgid appear in its msgstr.
        auto placeholders = [](std::string_view t) {
            std::set<std::string> out;
            for (std::size_t i = 0; i + 2 < t.size(); ++i)
                if (t[i] == '{' && t[i + 1] >= '0' && t[i + 1] <= '9' && t[i + 2] == '}') out.emplace(t.substr(i, 3));
            return out;
        };
        std::string prev;
        std::size_t pos = 0;
        while (pos < text.size()) {
            auto nl = text.find('\n', pos);
            if (nl == std::string::npos) nl = text.size();
            const std::string line = text.substr(pos, nl - pos);
            pos = nl + 1;
            if (line.rfind("msgstr \"", 0) == 0 && prev.rfind("msgid \"", 0) == 0 && line != "msgstr \"\"") {
                CAPTURE(prev);
                CHECK(placeholders(prev) == placeholders(line));
            }
            prev = line;
        }
    }
}

namespace {

// The string literals passed to problem(…), storage_problem(…), t(…), and the kiosk's
// tr(…) and tr.fmt(…) in a source file: adjacent literals joined, escaped quotes and
// backslashes decoded.
std::vector<std::string> msgids_in(const std::string& src) {
    std::vector<std::string> out;
    for (const std::string call : {"problem(", "t(\"", "tr(\"", "fmt(\""}) {
        const bool quoted = call.back() == '"';
        std::size_t pos = 0;
        while ((pos = src.find(call, pos)) != std::string::npos) {
            const std::size_t start = pos;
            std::size_t i = pos + call.size() - (quoted ? 1 : 0);
            pos += call.size();
            // Part of a longer name ("format(", "ctr("): not a translation call.
            if (quoted && start > 0 &&
                (std::isalnum(static_cast<unsigned char>(src[start - 1])) || src[start - 1] == '_'))
                continue;
            std::string msg;
            bool any = false;
            for (;;) {
                while (i < src.size() && std::isspace(static_cast<unsigned char>(src[i]))) ++i;
                if (i >= src.size() || src[i] != '"') break;
                ++i;
                while (i < src.size() && src[i] != '"') {
                    if (src[i] == '\\' && i + 1 < src.size()) {
                        ++i;
                        msg += src[i] == 'n' ? '\n' : src[i];
                    } else {
                        msg += src[i];
                    }
                    ++i;
                }
                ++i;
                any = true;
            }
            if (any && !msg.empty() && !(i < src.size() && src[i] == '+')) out.push_back(msg);
        }
    }
    return out;
}

// Whether `id` has a word of four letters or more outside its {n} placeholders: a format made
// of placeholders, units and punctuation has nothing to translate.
bool has_word(const std::string& id) {
    int run = 0;
    bool in_placeholder = false;
    for (const char ch : id) {
        if (ch == '{') in_placeholder = true;
        if (!in_placeholder && std::isalpha(static_cast<unsigned char>(ch))) {
            if (++run >= 4) return true;
        } else {
            run = 0;
        }
        if (ch == '}') in_placeholder = false;
    }
    return false;
}

}  // namespace

TEST_CASE("every message of the station, the storage, the command line and the kiosk has a French translation") {
    const std::filesystem::path root = std::filesystem::path(ETABLI_TEST_DATA).parent_path();
    core::Translations tr;
    tr.fr = *parse_po(testing::read_file(root / "assets" / "i18n" / "fr.po"));
    std::size_t checked = 0;
    for (const char* folder : {"station", "db", "hw", "gui"}) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(root / folder)) {
            const auto ext = e.path().extension();
            if (ext != ".cpp" && ext != ".hpp") continue;
            for (const auto& id : msgids_in(testing::read_file(e.path()))) {
                if (id.find(' ') == std::string::npos && id.find('{') == std::string::npos) continue;  // ids, keys
                if (!has_word(id)) continue;  // "{0} €", "{0} min": read the same in French
                CAPTURE(e.path().string());
                CAPTURE(id);
                CHECK(tr.fr.lookup(id) != id);
                ++checked;
            }
        }
    }
    MESSAGE(checked << " messages checked");
    CHECK(checked > 50);
}

TEST_CASE("French messages write dates as a French reader does; English keeps ISO dates") {
    Translations tr;
    tr.fr.merge(*parse_po("msgid \"Membership expired on {0}: renew it with a host\"\n"
                          "msgstr \"Adhésion expirée le {0} : renouvelez-la auprès d'un animateur\"\n"));
    const Problem p = problem("Membership expired on {0}: renew it with a host", {"2026-10-03"});
    CHECK(tr.render(Lang::fr, p) == "Adhésion expirée le 03/10/2026 : renouvelez-la auprès d'un animateur");
    CHECK(tr.render(Lang::en, p) == "Membership expired on 2026-10-03: renew it with a host");
    CHECK(tr.render(Lang::fr, problem("{0} is already past", {"2026-12-01 14:00"})) == "01/12/2026 14:00 is already past");
    CHECK(tr.render(Lang::fr, problem("{0}", {"2026-12-01T14:00"})) == "2026-12-01T14:00");  // not a shown date
    CHECK(tr.render(Lang::fr, problem("{0}", {"T2026-12-01"})) == "T2026-12-01");
}

TEST_CASE("one word for one thing: a host is an animateur in the French catalogue") {
    const std::string text = testing::read_file(std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po");
    CHECK(text.find("msgstr \"Seul un hôte") == std::string::npos);
    CHECK(text.find(" hôte ") == std::string::npos);
}
