// Unit tests of the member import parser (core/member_import): encodings, separators, quoting
// and line numbers, header guessing in French and English, --map, cells, duplicates, and the
// files people actually send (HelloAsso exports, Excel's trailing ";;;" rows, garbage).
// Layer: core tests; single-threaded.
#include <doctest/doctest.h>

#include <etabli/core/member_import.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using namespace etabli::core;
using namespace std::chrono;

namespace {

std::string describe(const std::vector<ImportLineError>& errors) {
    std::string s;
    for (const auto& e : errors) s += "line " + std::to_string(e.line) + ": " + e.problem.english() + "\n";
    return s;
}

ImportTable ok(std::string_view csv, const ImportOptions& opts = {}) {
    auto r = parse_member_csv(csv, opts);
    INFO(describe(r ? std::vector<ImportLineError>{} : r.error()));
    REQUIRE(r.has_value());
    return *r;
}

std::vector<ImportLineError> bad(std::string_view csv, const ImportOptions& opts = {}) {
    auto r = parse_member_csv(csv, opts);
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

Date ymd(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

std::string column_of(const ImportTable& t, ImportField f) {
    for (const auto& [field, header] : t.columns)
        if (field == f) return header;
    return "";
}

}  // namespace

TEST_CASE("import: comma file with English headers") {
    const auto t = ok("Name,Email,Valid until,Role,Language\n"
                      "Ada Lovelace,ADA@Example.org,2026-12-31,volunteer,en\n"
                      "Jean Dupont,,,,\n");
    CHECK(t.separator == ',');
    CHECK_FALSE(t.converted_from_cp1252);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[0].draft.display_name == "Ada Lovelace");
    CHECK(t.rows[0].draft.email == "ada@example.org");
    CHECK(t.rows[0].draft.valid_until == ymd(2026, 12, 31));
    CHECK(t.rows[0].draft.role == Role::volunteer);
    CHECK(t.rows[0].draft.lang == Lang::en);
    CHECK(t.rows[1].line == 3);
    CHECK_FALSE(t.rows[1].draft.email);
    CHECK_FALSE(t.rows[1].draft.valid_until);
    CHECK(t.rows[1].draft.role == Role::member);
    CHECK(t.rows[1].draft.lang == Lang::fr);
    CHECK(column_of(t, ImportField::name) == "Name");
    CHECK(column_of(t, ImportField::until) == "Valid until");
}

TEST_CASE("import: semicolon file with French headers, BOM and CRLF") {
    const auto t = ok("\xEF\xBB\xBFPr\xC3\xA9nom;Nom;Courriel;Fin d\xE2\x80\x99"
                      "adh\xC3\xA9sion;R\xC3\xB4le;Langue\r\n"
                      "Jean;Dupont;jean@exemple.fr;31/12/2026;B\xC3\xA9n\xC3\xA9vole;fran\xC3\xA7"
                      "ais\r\n"
                      "\xC3\x89lodie;Martin;;;ANIMATRICE;anglais\r\n");
    CHECK(t.separator == ';');
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].draft.display_name == "Jean Dupont");
    CHECK(t.rows[0].draft.email == "jean@exemple.fr");
    CHECK(t.rows[0].draft.valid_until == ymd(2026, 12, 31));
    CHECK(t.rows[0].draft.role == Role::volunteer);
    CHECK(t.rows[0].draft.lang == Lang::fr);
    CHECK(t.rows[1].draft.display_name == "\xC3\x89lodie Martin");
    CHECK(t.rows[1].draft.role == Role::host);
    CHECK(t.rows[1].draft.lang == Lang::en);
    CHECK(t.rows[1].line == 3);
    // The header as written, for the summary (BOM gone).
    CHECK(column_of(t, ImportField::first_name) == "Pr\xC3\xA9nom");
}

TEST_CASE("import: separator detection ignores separators inside quotes") {
    const auto t = ok("\"Nom, pr\xC3\xA9nom\";Email\n\"Dupont, Jean\";j@x.fr\n");
    CHECK(t.separator == ';');
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].draft.display_name == "Dupont, Jean");  // "Nom, prénom" folds to nomprenom

    const auto tabs = ok("Name\tEmail\nAda\ta@x.org\n");
    CHECK(tabs.separator == '\t');
    CHECK(tabs.rows.at(0).draft.email == "a@x.org");
}

TEST_CASE("import: quoted fields with separators, quotes and line breaks keep line numbers") {
    const std::string csv =
        "Name,Email,Role\n"                    // 1
        "\"Dupont, Jean\",j@x.fr,member\n"     // 2
        "\"Jean \"\"Jo\"\" Martin\",jo@x.fr,\n"  // 3
        "\"Multi\n"                            // 4
        "Line\",ml@x.fr,\n"                    // 5
        "\"Carriage\r\nReturn\",cr@x.fr,\n"    // 6-7
        "\n"                                   // 8 (blank)
        "After,after@x.fr,admin\n"             // 9
        "Last,last@x.fr,host";                 // 10, no final line break
    const auto t = ok(csv);
    REQUIRE(t.rows.size() == 6);
    CHECK(t.rows[0].draft.display_name == "Dupont, Jean");
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[1].draft.display_name == "Jean \"Jo\" Martin");
    CHECK(t.rows[1].line == 3);
    CHECK(t.rows[2].draft.display_name == "Multi Line");  // normalize_name folds the break
    CHECK(t.rows[2].line == 4);
    CHECK(t.rows[3].line == 6);
    CHECK(t.rows[4].line == 9);
    CHECK(t.rows[4].draft.role == Role::admin);
    CHECK(t.rows[5].line == 10);
    CHECK(t.rows[5].draft.role == Role::host);
}

TEST_CASE("import: old Mac line ends (CR alone)") {
    const auto errs = bad("Name,Email\rAda,a@x.org\r\"B\rob\",b@x.org\rCarl,bad\r");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 5);
}

TEST_CASE("import: an error after a multi-line quoted field names the right line") {
    const auto errs = bad("Name;Email\n\"A\nB\nC\";a@x.fr\nD;not-an-email\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 5);
    CHECK(errs[0].problem.msgid == "E-mail \"{0}\" is not valid");
    CHECK(errs[0].problem.args == std::vector<std::string>{"not-an-email"});
}

TEST_CASE("import: a quote never closed is reported where it opens") {
    const auto errs = bad("Name,Email\nAda,a@x.org\n\"Bob,b@x.org\nCarl,c@x.org\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 3);
    CHECK(errs[0].problem.msgid == "A quote opened on this line is never closed");
}

TEST_CASE("import: Windows-1252 files are converted") {
    // "Prénom;Nom;Email;Rôle\nÉlise;Lefèvre;e@x.fr;bénévole\nŒdipe;Dupont €;;adhérente\n" in cp1252.
    const auto t = ok("Pr\xE9nom;Nom;Email;R\xF4le\r\n"
                      "\xC9lise;Lef\xE8vre;e@x.fr;b\xE9n\xE9vole\r\n"
                      "\x8C" "dipe;Dupont \x80;;adh\xE9rente\r\n");
    CHECK(t.converted_from_cp1252);
    CHECK(t.separator == ';');
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].draft.display_name == "\xC3\x89lise Lef\xC3\xA8vre");
    CHECK(t.rows[0].draft.role == Role::volunteer);
    CHECK(t.rows[1].draft.display_name == "\xC5\x92" "dipe Dupont \xE2\x82\xAC");
    CHECK(t.rows[1].draft.role == Role::member);
    CHECK(column_of(t, ImportField::first_name) == "Pr\xC3\xA9nom");
}

TEST_CASE("import: bytes Windows-1252 leaves undefined still convert") {
    const auto t = ok("Name;Note \x81\nAda;\x8D\x8F\x90\x9D\n");
    CHECK(t.converted_from_cp1252);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].draft.display_name == "Ada");
}

TEST_CASE("import: UTF-16 files get a clear error") {
    const auto errs = bad(std::string("\xFF\xFEN\0a\0m\0e\0", 10));
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 0);
    CHECK(errs[0].problem.msgid == "This file is UTF-16 text: save it again as CSV UTF-8");
}

TEST_CASE("import: header names in their many spellings") {
    struct Case {
        const char* header;
        ImportField field;
    };
    const Case cases[] = {
        {"Nom complet", ImportField::name},         {"FULL NAME", ImportField::name},
        {"Nom et pr\xC3\xA9nom", ImportField::name}, {"Display-name", ImportField::name},
        {"Nom de famille", ImportField::last_name},  {"Surname", ImportField::last_name},
        {"Last name", ImportField::last_name},       {"Given name", ImportField::first_name},
        {"First_Name", ImportField::first_name},     {"E-mail", ImportField::email},
        {"Adresse e-mail", ImportField::email},      {"Mail", ImportField::email},
        {"Adresse mail", ImportField::email},        {"Date de fin", ImportField::until},
        {"Valide jusqu'au", ImportField::until},     {"Expires", ImportField::until},
        {"EXPIRATION", ImportField::until},          {"Date d'adh\xC3\xA9sion", ImportField::since},
        {"Joined", ImportField::since},              {"Membership date", ImportField::since},
        {"Statut b\xC3\xA9n\xC3\xA9vole", ImportField::role}, {"Language", ImportField::lang},
        {"LANGUE", ImportField::lang},           {"\xC2\xAB Nom \xC2\xBB", ImportField::last_name},
    };
    for (const auto& c : cases) {
        const std::string header = c.header;
        CAPTURE(header);
        // A name column is needed in every file; "Surname" style cases bring their own.
        const std::string csv = std::string(c.header) + ";Zzz\nx;y\n";
        auto r = parse_member_csv(csv, {});
        if (c.field == ImportField::name || c.field == ImportField::last_name ||
            c.field == ImportField::first_name) {
            REQUIRE(r.has_value());
            CHECK(column_of(*r, c.field) == c.header);
        } else {
            // No name column: a file-level error; the same header with a name column maps.
            CHECK_FALSE(r.has_value());
            const std::string with_name = std::string("Name;") + c.header + "\nAda;\n";
            const auto t = ok(with_name);
            CHECK(column_of(t, c.field) == c.header);
        }
    }
}

TEST_CASE("import: unknown columns are ignored") {
    const auto t = ok("Adh\xC3\xA9rent n\xC2\xB0;Nom;T\xC3\xA9l\xC3\xA9phone;Ville\n12;Dupont;0601;Lyon\n");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].draft.display_name == "Dupont");
    CHECK(t.columns.size() == 1);
}

TEST_CASE("import: a HelloAsso export") {
    const std::string csv =
        "R\xC3\xA9" "f\xC3\xA9rence commande;Date de la commande;Statut de la commande;"
        "Nom payeur;Pr\xC3\xA9nom payeur;Email payeur;Nom adh\xC3\xA9rent;Pr\xC3\xA9nom adh\xC3\xA9rent;"
        "Email;Date;Montant\n"
        "12345;14/03/2026 10:12;Valid\xC3\xA9;Martin;Paul;paul@x.fr;Martin;L\xC3\xA9" "a;lea@x.fr;"
        "15/03/2026 10:12;20,00\n"
        "12346;01/09/2025 18:00;Valid\xC3\xA9;Durand;Anne;anne@x.fr;Durand;Anne;;01/09/2025 18:00;10,00\n";
    const auto t = ok(csv);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].draft.display_name == "L\xC3\xA9" "a Martin");
    CHECK(t.rows[0].draft.email == "lea@x.fr");
    CHECK(t.rows[0].draft.valid_until == ymd(2027, 3, 14));
    CHECK(t.rows[1].draft.display_name == "Anne Durand");
    CHECK_FALSE(t.rows[1].draft.email);  // the member's e-mail column wins, even empty
    CHECK(t.rows[1].draft.valid_until == ymd(2026, 8, 31));
    CHECK(column_of(t, ImportField::last_name) == "Nom adh\xC3\xA9rent");
    CHECK(column_of(t, ImportField::email) == "Email");
    CHECK(column_of(t, ImportField::since) == "Date");
}

TEST_CASE("import: payer columns are used when there is nothing better") {
    const auto t = ok("Nom du payeur;Pr\xC3\xA9nom du payeur;Email payeur\nMartin;Paul;P@X.fr\n");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].draft.display_name == "Paul Martin");
    CHECK(t.rows[0].draft.email == "p@x.fr");
    const auto en = ok("Member name,Payer name,Member email\nAda,Bob,a@x.org\n");
    CHECK(en.rows.at(0).draft.display_name == "Ada");
    CHECK(en.rows.at(0).draft.email == "a@x.org");
}

TEST_CASE("import: a name column wins, first and last names fill an empty one") {
    const auto t = ok("Name,First name,Last name\nAda Lovelace,X,Y\n,Jean,Dupont\n,,Seul\n");
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0].draft.display_name == "Ada Lovelace");
    CHECK(t.rows[1].draft.display_name == "Jean Dupont");
    CHECK(t.rows[2].draft.display_name == "Seul");
}

TEST_CASE("import: --map names a column explicitly") {
    ImportOptions opts;
    opts.map = {{ImportField::name, "Qui"}, {ImportField::email, "contact perso"}, {ImportField::since, "Nom"}};
    const auto t = ok("Qui;Nom;Contact perso;Email\nAda;2026-01-10;ada@x.org;other@x.org\n", opts);
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].draft.display_name == "Ada");
    CHECK(t.rows[0].draft.email == "ada@x.org");
    CHECK(t.rows[0].draft.valid_until == ymd(2027, 1, 9));
    CHECK(column_of(t, ImportField::email) == "Contact perso");
    // "Nom" went to --map since: it is not also guessed as the last name.
    CHECK(column_of(t, ImportField::last_name) == "");

    ImportOptions missing;
    missing.map = {{ImportField::email, "Courriel perso"}};
    const auto errs = bad("Nom;Email\nAda;a@x.org\n", missing);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 0);
    CHECK(errs[0].problem.msgid == "--map {0}={1}: the header has no column \"{1}\"");
    CHECK(errs[0].problem.args == std::vector<std::string>{"email", "Courriel perso"});
}

TEST_CASE("import: no name column") {
    const auto errs = bad("Email;Date\na@x.org;2026-01-01\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].line == 0);
    CHECK(errs[0].problem.msgid ==
          "No name column: expected a column such as Nom, Prénom or Name, or name it with --map name=HEADER");
}

TEST_CASE("import: dates in every accepted form") {
    struct Case {
        const char* cell;
        Date expected;
    };
    const Case cases[] = {
        {"2026-12-31", ymd(2026, 12, 31)},      {"31/12/2026", ymd(2026, 12, 31)},
        {"1/2/2026", ymd(2026, 2, 1)},          {"31/12/26", ymd(2026, 12, 31)},
        {"31-12-2026", ymd(2026, 12, 31)},      {"31.12.2026", ymd(2026, 12, 31)},
        {"31/12/2026 14:35", ymd(2026, 12, 31)}, {"2026-12-31 00:00:00", ymd(2026, 12, 31)},
        {"2026-12-31T10:00:00Z", ymd(2026, 12, 31)}, {"2026/12/31", ymd(2026, 12, 31)},
        {" 29/02/2028 ", ymd(2028, 2, 29)},
    };
    for (const auto& c : cases) {
        const std::string cell = c.cell;
        CAPTURE(cell);
        const auto t = ok(std::string("Name;Until\nAda;") + c.cell + "\n");
        CHECK(t.rows.at(0).draft.valid_until == c.expected);
    }
}

TEST_CASE("import: cells that are not dates") {
    for (const char* cell : {"31/12/2026 midi", "2026-12-31x", "01/01/0026", "12/2026", "31/12/202",
                             "31/12-2026", "0/12/2026", "31/13/2026", "29/02/2027", "2026-12", "le 31/12/2026"}) {
        const std::string text = cell;
        CAPTURE(text);
        const auto errs = bad("Name;Until\nAda;" + text + "\n");
        REQUIRE(errs.size() == 1);
        CHECK(errs[0].line == 2);
        CHECK(errs[0].problem.msgid == "Date \"{0}\" is not a date (expected DD/MM/YYYY or YYYY-MM-DD)");
    }
}

TEST_CASE("import: since gives one year less a day, an end date wins") {
    const auto t = ok("Name;Date d'adh\xC3\xA9sion;Fin d'adh\xC3\xA9sion\n"
                      "A;15/03/2026;\n"
                      "B;29/02/2028;\n"
                      "C;01/01/2026;\n"
                      "D;15/03/2026;30/06/2026\n"
                      "E;;30/06/2026\n"
                      "F;;\n");
    REQUIRE(t.rows.size() == 6);
    CHECK(t.rows[0].draft.valid_until == ymd(2027, 3, 14));
    CHECK(t.rows[1].draft.valid_until == ymd(2029, 2, 28));
    CHECK(t.rows[2].draft.valid_until == ymd(2026, 12, 31));
    CHECK(t.rows[3].draft.valid_until == ymd(2026, 6, 30));
    CHECK(t.rows[4].draft.valid_until == ymd(2026, 6, 30));
    CHECK_FALSE(t.rows[5].draft.valid_until);
}

TEST_CASE("import: roles and languages in French and English, defaults for empty cells") {
    ImportOptions opts;
    opts.default_role = Role::volunteer;
    opts.default_lang = Lang::en;
    const auto t = ok("Nom;R\xC3\xB4le;Langue\n"
                      "A;adh\xC3\xA9rent(e);FR\n"
                      "B;Membre;Fran\xC3\xA7" "ais\n"
                      "C;BENEVOLE;english\n"
                      "D;Animateur;French\n"
                      "E;Fab Manager;en_GB\n"
                      "F;Administrateur;Anglais\n"
                      "G;Host;\n"
                      "H;;\n"
                      "I;Administratrice;fr\n",
                      opts);
    REQUIRE(t.rows.size() == 9);
    const Role roles[] = {Role::member, Role::member, Role::volunteer, Role::host, Role::host,
                          Role::admin,  Role::host,   Role::volunteer, Role::admin};
    const Lang langs[] = {Lang::fr, Lang::fr, Lang::en, Lang::fr, Lang::en, Lang::en, Lang::en, Lang::en, Lang::fr};
    for (std::size_t i = 0; i < 9; ++i) {
        CAPTURE(i);
        CHECK(t.rows[i].draft.role == roles[i]);
        CHECK(t.rows[i].draft.lang == langs[i]);
    }
}

TEST_CASE("import: every kind of bad cell, all lines reported") {
    const std::string long_name(200, 'x');
    const std::string csv = "Nom;Email;Fin d'adh\xC3\xA9sion;Date;R\xC3\xB4le;Langue\n"  // 1
                            "Ada;ada@x.org;;;;\n"                                       // 2 good
                            ";b@x.org;;;;\n"                                            // 3 no name
                            "Bob;pas un mail;;;;\n"                                     // 4
                            "Carl;;31/02/2026;;;\n"                                     // 5
                            "Dan;;;demain;;\n"                                          // 6
                            "Eve;;;;chef;\n"                                            // 7
                            "Fay;;;;;klingon\n"                                         // 8
                            + long_name + ";;;;;\n"                                     // 9
                            "Gus;ADA@x.org;;;;\n"                                       // 10 duplicate
                            "Hal;h@;2026-13-01;;pirate;de\n";                           // 11 four errors
    const auto errs = bad(csv);
    INFO(describe(errs));
    REQUIRE(errs.size() == 12);
    CHECK(errs[0].line == 3);
    CHECK(errs[0].problem.msgid == "Name is empty");
    CHECK(errs[1].line == 4);
    CHECK(errs[1].problem.msgid == "E-mail \"{0}\" is not valid");
    CHECK(errs[2].line == 5);
    CHECK(errs[2].problem.msgid == "Date \"{0}\" is not a date (expected DD/MM/YYYY or YYYY-MM-DD)");
    CHECK(errs[2].problem.args == std::vector<std::string>{"31/02/2026"});
    CHECK(errs[3].line == 6);
    CHECK(errs[3].problem.args == std::vector<std::string>{"demain"});
    CHECK(errs[4].line == 7);
    CHECK(errs[4].problem.msgid == "Role \"{0}\" is not known (expected member, volunteer, host or admin)");
    CHECK(errs[5].line == 8);
    CHECK(errs[5].problem.msgid == "Language \"{0}\" is not known (expected fr or en)");
    CHECK(errs[6].line == 9);  // normalize_name's own problem (too long)
    CHECK_FALSE(errs[6].problem.msgid.empty());
    CHECK(errs[7].line == 10);
    CHECK(errs[7].problem.msgid == "Same e-mail as line {0}");
    CHECK(errs[7].problem.args == std::vector<std::string>{"2"});
    for (std::size_t i = 8; i < 12; ++i) CHECK(errs[i].line == 11);
}

TEST_CASE("import: duplicates by name when there is no e-mail") {
    const auto errs = bad("Nom;Email\nJos\xC3\xA9 Garc\xC3\xAD" "a;\nJ\xC3\xA9r\xC3\xB4me;j@x.fr\n"
                          "JOSE  GARCIA;\nj\xC3\xA9r\xC3\xB4me;\n");
    REQUIRE(errs.size() == 1);  // Jérôme with and without e-mail are two identities
    CHECK(errs[0].line == 4);
    CHECK(errs[0].problem.msgid == "Same name as line {0}, and no e-mail to tell them apart");
    CHECK(errs[0].problem.args == std::vector<std::string>{"2"});
}

TEST_CASE("import: import_identity") {
    MemberDraft d;
    d.display_name = "\xC3\x89lodie D\xE2\x80\x99" "Arc";
    CHECK(import_identity(d) == "elodie d'arc");
    d.email = "e@x.fr";
    CHECK(import_identity(d) == "e@x.fr");
    d.email = "";
    CHECK(import_identity(d) == "elodie d'arc");
}

TEST_CASE("import: field names for --map") {
    CHECK(import_field_from_string("name") == ImportField::name);
    CHECK(import_field_from_string("last_name") == ImportField::last_name);
    CHECK(import_field_from_string("First-Name") == ImportField::first_name);
    CHECK(import_field_from_string("until") == ImportField::until);
    CHECK_FALSE(import_field_from_string("phone"));
    CHECK_FALSE(import_field_from_string(""));
    for (auto f : {ImportField::name, ImportField::last_name, ImportField::first_name, ImportField::email,
                   ImportField::until, ImportField::since, ImportField::role, ImportField::lang})
        CHECK(import_field_from_string(to_string(f)) == f);
}

TEST_CASE("import: empty files, header only, blank lines") {
    for (const char* empty : {"", "\xEF\xBB\xBF", "\n\n", " \r\n\t\r\n"}) {
        const std::string text = empty;
        CAPTURE(text);
        const auto errs = bad(empty);
        REQUIRE(errs.size() == 1);
        CHECK(errs[0].line == 0);
        CHECK(errs[0].problem.msgid == "The file is empty");
    }
    CHECK(ok("Nom;Email\n").rows.empty());
    CHECK(ok("Nom;Email").rows.empty());

    const auto t = ok("\n\nNom;Email\n\n   \nAda;a@x.org\n;;\n ; \n\nBob;\n");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].line == 6);
    CHECK(t.rows[1].line == 10);
}

TEST_CASE("import: rows shorter or longer than the header") {
    const auto t = ok("Nom;Email;Langue\nAda\nBob;b@x.org;en;extra;more\n");
    REQUIRE(t.rows.size() == 2);
    CHECK_FALSE(t.rows[0].draft.email);
    CHECK(t.rows[1].draft.lang == Lang::en);
}

TEST_CASE("import: binary garbage gives a clean error") {
    std::string garbage;
    unsigned x = 12345;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245u + 12345u;
        garbage += static_cast<char>(x >> 16);
    }
    auto r = parse_member_csv(garbage, {});
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(r.error().empty());

    std::string zeros(1000, '\0');
    CHECK_FALSE(parse_member_csv(zeros, {}).has_value());
}

TEST_CASE("import: very long fields") {
    const std::string huge(1 << 20, 'a');
    const auto errs = bad("Nom;Email\n" + huge + ";x@y.fr\nAda;" + huge + "\n");
    REQUIRE(errs.size() == 2);
    CHECK(errs[0].line == 2);
    CHECK(errs[1].line == 3);
    // The cell quoted back is cut short.
    CHECK(errs[1].problem.args.at(0).size() < 100);

    const std::string quoted_huge = "\"" + std::string(300000, '\n') + "Ada\"";
    const auto t = ok("Nom\n" + quoted_huge + "\nBob\n");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].draft.display_name == "Ada");
    CHECK(t.rows[1].line == 300003);
}

TEST_CASE("import: messages quote cells safely") {
    const auto errs = bad("Nom;Email\nAda;\x1b[31m@\n");
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].problem.args.at(0) == "?[31m@");
}

TEST_CASE("import: progress is reported up to the total") {
    std::string csv = "Nom;Email\n";
    for (int i = 0; i < 10000; ++i) csv += "Membre " + std::to_string(i) + ";m" + std::to_string(i) + "@x.fr\n";
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    ImportOptions opts;
    opts.progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
    const auto t = ok(csv, opts);
    CHECK(t.rows.size() == 10000);
    CHECK(t.rows.back().line == 10001);
    REQUIRE(calls.size() >= 3);
    CHECK(calls.back() == std::pair{csv.size(), csv.size()});
    for (std::size_t i = 1; i < calls.size(); ++i) CHECK(calls[i].first >= calls[i - 1].first);
}

TEST_CASE("import: every message of the parser has a French translation") {
    std::ifstream in(std::string(ETABLI_ASSETS_DIR) + "/i18n/fr.po", std::ios::binary);
    REQUIRE(in.good());
    const std::string po((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto catalog = parse_po(po);
    REQUIRE(catalog.has_value());

    std::set<std::string> msgids;
    auto collect = [&](std::string_view csv, const ImportOptions& opts = {}) {
        const auto r = parse_member_csv(csv, opts);
        REQUIRE_FALSE(r.has_value());
        for (const auto& e : r.error()) msgids.insert(e.problem.msgid);
    };
    collect("");
    collect("\xFF\xFEx");
    collect("Email\nx@y.fr\n");
    ImportOptions map;
    map.map = {{ImportField::email, "Nope"}};
    collect("Nom\nAda\n", map);
    collect("Nom\n\"Ada\n");
    collect("Nom;Prénom;Email;Fin d'adhésion;Rôle;Langue\n"
            ";;x@y.fr;;;\nAda;;bad;;;\nBob;;;demain;;\nCy;;;;chef;\nDi;;;;;xx\n"
            "Ed;;e@x.fr;;;\nEd2;;e@x.fr;;;\nFa;;;;;\nFa;;;;;\n");
    CHECK(msgids.size() == 12);  // all but the three for memory and a missing iconv
    for (const auto& id : msgids) {
        CAPTURE(id);
        CHECK(catalog->lookup(id) != id);
    }
}

TEST_CASE("the usual French spellings of an end of membership are read; other columns are listed, or refused with strict") {
    for (const char* header : {"Date de fin d'adhésion", "Fin de cotisation", "Expire le", "Valable jusqu'au",
                               "Date d'échéance", "Fin d’adhésion", "DATE DE FIN D'ADHESION", "Membership end"}) {
        CAPTURE(header);
        const std::string csv = std::string("Nom;Prénom;") + header + ";Téléphone\nDubois;Léa;31/12/2026;06 12 34 56 78\n";
        auto r = parse_member_csv(csv, ImportOptions{});
        REQUIRE(r);
        REQUIRE(r->rows.size() == 1);
        REQUIRE(r->rows[0].draft.valid_until);
        CHECK(*r->rows[0].draft.valid_until == Date{2026y / 12 / 31});
        CHECK(r->ignored == std::vector<std::string>{"Téléphone"});
    }
    // With strict, a column that nothing reads refuses the file, and names it.
    ImportOptions strict;
    strict.strict = true;
    auto refused = parse_member_csv("Nom;Prénom;Fin d'adhésion;Téléphone\nDubois;Léa;31/12/2026;06\n", strict);
    REQUIRE_FALSE(refused);
    REQUIRE(refused.error().size() == 1);
    CHECK(refused.error()[0].problem.args[0] == "\"Téléphone\"");
    CHECK(parse_member_csv("Nom;Prénom;Fin d'adhésion\nDubois;Léa;31/12/2026\n", strict));
}
