// Member import: turns a spreadsheet export (CSV from LibreOffice, Excel, HelloAsso…) into
// validated member drafts. Layer: core (pure: bytes in, rows or line-numbered errors out).
// Called on the CLI thread (before the rows go to the station in one command).
//
// Accepted: comma, semicolon or tab separator (the most frequent outside quotes in the header
// line), a UTF-8 BOM, quoted fields with separators, quotes ("") and line breaks inside, CRLF,
// LF or CR, and files that are not valid UTF-8 taken as Windows-1252 (French Excel) and
// converted. UTF-16 files are refused with a hint. Headers are matched without regard to case,
// accents, blanks or punctuation, in French and English:
//   name        Nom complet, Name, Full name, Nom et prénom, Prénom nom, Display name
//   last_name   Nom, Last name, Surname, Nom de famille, Family name
//   first_name  Prénom, First name, Given name
//   email       Email, E-mail, Courriel, Mail, Adresse mail, Adresse e-mail, E-mail address
//   until       Fin d'adhésion, Date de fin, Valide jusqu'au, Expiration, Date d'expiration,
//               Valid until, Expires, End date, Until
//   since       Date d'adhésion, Date, Membership date, Joined, Since   (valid one year from
//               that day when there is no end date: until = since + 1 year - 1 day)
//   role        Rôle, Role, Statut bénévole
//   lang        Langue, Language, Lang
// Exports that qualify whose column it is (HelloAsso: "Nom adhérent", "Prénom du participant",
// "Email payeur"; "Member email") are understood: an exact name wins over the member's
// qualified column (adhérent, participant, membre, bénéficiaire), which wins over the payer's
// (payeur, acheteur, payer, buyer). Other columns are ignored.
// A display name is `name`, or "first_name last_name" when the name cell is empty.
// `--map field=header` (ImportOptions::map) names the header of any field explicitly and wins
// over the guesses; a mapped column is not guessed for another field.
// Dates: YYYY-MM-DD, DD/MM/YYYY, DD/MM/YY (20YY), DD-MM-YYYY, DD.MM.YYYY, YYYY/MM/DD, optionally
// followed by a time (HelloAsso writes "31/12/2026 14:35"), which is ignored.
// Roles: member/volunteer/host/admin or adhérent(e), membre, bénévole, animateur, animatrice,
// fabmanager, administrateur, administratrice; languages: fr/en (en_GB…), français, anglais,
// french, english. An empty cell takes the default of ImportOptions.
#pragma once

#include <etabli/core/member.hpp>

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace etabli::core {

enum class ImportField { name, last_name, first_name, email, until, since, role, lang };
std::string_view to_string(ImportField f);
std::optional<ImportField> import_field_from_string(std::string_view);  // "name", "email"…

struct ImportOptions {
    // field → header text, from `--map field=header`; matched like the guessed headers.
    std::vector<std::pair<ImportField, std::string>> map;
    // `--strict`: a column that no field takes refuses the file (else it is only listed).
    bool strict = false;
    Role default_role = Role::member;
    Lang default_lang = Lang::fr;
    // Called now and then with (bytes parsed, total bytes); may be empty.
    std::function<void(std::size_t, std::size_t)> progress;
};

struct ImportRow {
    std::size_t line = 0;  // 1-based line of the file where the record starts
    MemberDraft draft;
    // Whether the file gave a value for these fields (a column and a non-empty cell). When
    // it did not, updating an existing member keeps what is stored; a new member gets the
    // draft's defaults.
    bool has_email = false;
    bool has_until = false;
    bool has_role = false;
    bool has_lang = false;
};

struct ImportLineError {
    std::size_t line = 0;  // 0 for a problem with the whole file (no header, no name column…)
    Problem problem;
};

struct ImportTable {
    std::vector<ImportRow> rows;
    char separator = ',';
    bool converted_from_cp1252 = false;
    // The header each field was read from, for the summary shown to the user.
    std::vector<std::pair<ImportField, std::string>> columns;
    // The headers of the columns no field took (blank headers left out), as shown to the user:
    // the summary lists them, so that nothing is dropped without a word.
    std::vector<std::string> ignored;
};

// All errors, not only the first: the caller shows the first ones and a count. A file with
// any bad row gives no table. Two rows with the same e-mail (or, without e-mail, the same
// name) are an error on the second one. Blank lines, and rows whose cells are all empty
// (Excel's ";;;"), are skipped. A quote never closed is an error on the line it opens.
std::expected<ImportTable, std::vector<ImportLineError>> parse_member_csv(std::string_view bytes,
                                                                         const ImportOptions& opts);

// The key that recognises the same member on a re-import: the e-mail when there is one,
// otherwise the display name folded (case and accents ignored).
std::string import_identity(const MemberDraft& d);

// [Shared CSV reading] The steps of parse_member_csv before the headers are interpreted, for
// other imports (tools): UTF-16 refused, BOM dropped, Windows-1252 converted, separator
// detected, records read by libcsv with the line each starts on. Blank lines are skipped;
// an empty file is an error.
struct CsvRecord {
    std::size_t line = 0;
    std::vector<std::string> fields;
};
struct CsvFile {
    std::vector<CsvRecord> records;  // the header first
    char separator = ',';
    bool converted_from_cp1252 = false;
};
std::expected<CsvFile, std::vector<ImportLineError>> read_csv_file(std::string_view bytes);
// A header or keyword reduced to lower-case letters and digits, accents dropped.
std::string fold_csv_key(std::string_view s);
// A cell trimmed of blanks and no-break spaces.
std::string_view trim_csv_cell(std::string_view s);
// A cell as quoted in a message (shortened, control characters shown as '?').
std::string shown_csv_cell(std::string_view s);

}  // namespace etabli::core
