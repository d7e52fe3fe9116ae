// Member import: from the bytes of a spreadsheet export to validated member drafts, with every
// bad line reported by its line number. Layer: core (pure: no file access, no clock; the caller
// reads the file). Called on the CLI thread.
//
// The CSV grammar itself is libcsv's (lenient mode); this file adds what spreadsheets need
// around it: encoding (BOM, Windows-1252), separator detection, line numbers, header guessing
// and the reading of French cells (dates, roles, languages).
//
// Index:
//   [SECTION] text helpers      UTF-8 check, Windows-1252 conversion, folding, trimming
//   [SECTION] header matching   the header names of member_import.hpp, HelloAsso qualifiers
//   [SECTION] cells             dates, roles, languages
//   [SECTION] record reader     libcsv driven one physical line at a time, for line numbers
//   [SECTION] import            parse_member_csv, import_identity
#include <etabli/core/member_import.hpp>

#include <csv.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <unordered_map>

namespace etabli::core {

namespace {

// [SECTION] text helpers ------------------------------------------------------------------

constexpr std::size_t kProgressStep = 64 * 1024;
constexpr std::size_t kShownCellMax = 60;  // code points of a cell quoted in a message

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. Our own loop rather
// than utf8_length because it runs over the whole file and must only answer yes or no.
bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t n = 0;
        unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c == 0xE0) n = 2, lo = 0xA0;
        else if (c == 0xED) n = 2, hi = 0x9F;
        else if (c >= 0xE1 && c <= 0xEF) n = 2;
        else if (c == 0xF0) n = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) n = 3;
        else if (c == 0xF4) n = 3, hi = 0x8F;
        else return false;
        if (static_cast<std::size_t>(end - p) <= n) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (std::size_t i = 2; i <= n; ++i)
            if ((p[i] & 0xC0) != 0x80) return false;
        p += n + 1;
    }
    return true;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Decodes one code point of valid UTF-8 at s[i] and advances i.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (i + n >= s.size()) n = s.size() - i - 1;  // only on invalid input; stay in bounds
    char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1Fu) : n == 2 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    i += n + 1;
    return cp;
}

// Windows-1252 (what French Excel writes) to UTF-8 through glibc's iconv. The five bytes
// Windows-1252 leaves undefined become the C1 controls of the same value, as browsers do
// (WHATWG encoding standard): such a file converts completely and no byte is silently lost.
std::expected<std::string, Problem> cp1252_to_utf8(std::string_view in) {
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == reinterpret_cast<iconv_t>(-1))
        return std::unexpected(problem(
            "This file is not UTF-8, and the conversion from Windows-1252 is not available on "
            "this system: save it as CSV UTF-8"));
    std::string out(in.size() * 3, '\0');  // a Windows-1252 byte is at most 3 bytes of UTF-8
    char* src = const_cast<char*>(in.data());  // iconv's signature; the input is not written
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    while (src_left > 0) {
        if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<std::size_t>(-1)) break;
        assert(errno != E2BIG && "output was sized for the worst case");
        if (errno == E2BIG) break;
        const auto b = static_cast<unsigned char>(*src);
        *dst++ = static_cast<char>(0xC0 | (b >> 6));
        *dst++ = static_cast<char>(0x80 | (b & 0x3F));
        dst_left -= 2;
        ++src;
        --src_left;
    }
    iconv_close(cd);
    out.resize(out.size() - dst_left);
    return out;
}

// Folds one code point for comparisons: ASCII lower case, Latin-1 and œ/Ÿ letters without
// their accents. Returns false when the code point has no folded form (left as it is).
bool fold_letter(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
        return true;
    }
    if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {
        // À..ÿ without × and ÷; upper and lower case share a row.
        static constexpr std::array<const char*, 32> kRow = {
            "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
            "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss"};
        if (cp == 0xFF) out += 'y';
        else out += kRow[(cp - 0xC0) & 0x1F];
        return true;
    }
    if (cp == 0x152 || cp == 0x153) {
        out += "oe";
        return true;
    }
    if (cp == 0x178) {
        out += 'y';
        return true;
    }
    return false;
}

// Punctuation and blanks outside ASCII that spreadsheets put in headers: no-break spaces,
// « », ·, ’, the BOM, ideographic space.
bool is_wide_punctuation(char32_t cp) {
    return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
           (cp >= 0x2000 && cp <= 0x206F) || cp == 0xFEFF || cp == 0x3000;
}

// A header or a keyword cell reduced to lower-case letters and digits: "Fin d’adhésion" and
// "FIN D'ADHESION" both give "findadhesion". Letters of other scripts are kept as they are.
std::string fold_key(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const char32_t cp = next_code_point(s, i);
        if (cp < 0x80) {
            const auto c = static_cast<char>(cp);
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) out += c;
            else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
            continue;
        }
        if (is_wide_punctuation(cp)) continue;
        if (!fold_letter(cp, out)) append_utf8(out, cp);
    }
    return out;
}

// A display name folded for identity: case and accents ignored, curly apostrophes as straight
// ones, everything else kept ("Jean-Éric D’Arc" and "jean-eric d'arc" are the same person).
std::string fold_name(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const char32_t cp = next_code_point(s, i);
        if (cp == 0x2019 || cp == 0x2018) out += '\'';
        else if (!fold_letter(cp, out)) append_utf8(out, cp);
    }
    return out;
}

bool is_blank_byte(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims ASCII blanks and no-break spaces (Excel keeps those in cells).
std::string_view trim(std::string_view s) {
    for (;;) {
        if (!s.empty() && is_blank_byte(s.front())) s.remove_prefix(1);
        else if (s.starts_with("\xC2\xA0")) s.remove_prefix(2);
        else break;
    }
    for (;;) {
        if (!s.empty() && is_blank_byte(s.back())) s.remove_suffix(1);
        else if (s.ends_with("\xC2\xA0")) s.remove_suffix(2);
        else break;
    }
    return s;
}

// A cell as quoted in a message: at most kShownCellMax code points, control characters shown
// as '?' so that a hostile file cannot drive the terminal.
std::string shown(std::string_view cell) {
    std::string out;
    std::size_t i = 0, count = 0;
    while (i < cell.size()) {
        if (count == kShownCellMax) {
            out += "\xE2\x80\xA6";  // …
            break;
        }
        const std::size_t start = i;
        const char32_t cp = next_code_point(cell, i);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) out += '?';
        else out.append(cell.substr(start, i - start));
        ++count;
    }
    return out;
}

// [SECTION] header matching -----------------------------------------------------------------

constexpr std::array kAllFields = {ImportField::name,  ImportField::last_name, ImportField::first_name,
                                   ImportField::email, ImportField::until,     ImportField::since,
                                   ImportField::role,  ImportField::lang};

// Folded header names per field (member_import.hpp lists them as people write them).
std::vector<std::string_view> header_names(ImportField f) {
    switch (f) {
    case ImportField::name:
        return {"nomcomplet", "name", "fullname", "nometprenom", "prenometnom", "nomprenom",
                "prenomnom", "displayname"};
    case ImportField::last_name: return {"nom", "lastname", "surname", "nomdefamille", "familyname"};
    case ImportField::first_name: return {"prenom", "firstname", "givenname"};
    case ImportField::email:
        return {"email", "courriel", "mail", "adressemail", "adresseemail", "adressecourriel",
                "emailaddress"};
    case ImportField::until:
        // "Date de fin d'adhésion", "Fin de cotisation", "Expire le", "Valable jusqu'au"…
        return {"findadhesion", "datedefin", "validejusquau", "expiration", "dateexpiration",
                "datedexpiration", "validuntil", "expires", "expirationdate", "enddate", "until",
                "datedefindadhesion", "datefindadhesion", "datefinadhesion", "finadhesion",
                "datedefinadhesion", "findecotisation", "fincotisation", "datedefindecotisation",
                "datefincotisation", "datefindecotisation", "expirele", "expirationle",
                "expirationadhesion", "expirationdeladhesion", "dateexpirationadhesion",
                "datedexpirationdeladhesion", "valablejusquau", "valablejusqua", "validejusqua",
                "adhesionvalablejusquau", "adhesionjusquau", "cotisationjusquau", "jusquau",
                "finvalidite", "findevalidite", "datedefindevalidite", "echeance", "dateecheance",
                "datedecheance", "echeanceadhesion", "echeancecotisation", "membershipend",
                "membershipenddate", "membershipexpires", "membershipexpiry", "expiry", "expirydate",
                "expireson", "validto", "paiduntil"};
    case ImportField::since:
        return {"datedadhesion", "date", "membershipdate", "joined", "dateadhesion", "since",
                "datedecotisation", "datecotisation", "debutadhesion", "datededebutdadhesion",
                "datededebut", "datedebut", "adherentdepuis", "membredepuis", "depuis",
                "membersince", "startdate", "membershipstart", "joindate", "datejoined"};
    case ImportField::role: return {"role", "statutbenevole"};
    case ImportField::lang: return {"langue", "language", "lang"};
    }
    return {};
}

// HelloAsso and similar exports qualify their columns by whose they are: "Nom adhérent",
// "Prénom du participant", "Email payeur". The member's own columns win over the payer's.
constexpr std::array<std::string_view, 6> kMemberQualifiers = {
    "adherent", "adherente", "participant", "participante", "membre", "beneficiaire"};
constexpr std::array<std::string_view, 4> kPayerQualifiers = {"payeur", "payeuse", "acheteur", "payer"};
constexpr std::array<std::string_view, 6> kConnectors = {"", "de", "du", "del", "dela", "des"};

// How well a folded header names a field: 3 exactly, 2 with a member qualifier, 1 with a
// payer qualifier, 0 not at all.
int header_score(std::string_view folded, ImportField f) {
    int best = 0;
    for (std::string_view base : header_names(f)) {
        if (folded == base) return 3;
        if (folded.size() <= base.size()) continue;
        auto qualified = [&](std::string_view rest) {
            for (std::string_view q : kMemberQualifiers)
                for (std::string_view c : kConnectors)
                    if (rest.size() == c.size() + q.size() && rest.starts_with(c) && rest.ends_with(q)) return 2;
            for (std::string_view q : kPayerQualifiers)
                for (std::string_view c : kConnectors)
                    if (rest.size() == c.size() + q.size() && rest.starts_with(c) && rest.ends_with(q)) return 1;
            return 0;
        };
        if (folded.starts_with(base)) best = std::max(best, qualified(folded.substr(base.size())));
        // English puts the qualifier first: "Member email", "Payer name".
        if (folded.ends_with(base)) {
            const std::string_view q = folded.substr(0, folded.size() - base.size());
            if (q == "member" || q == "participant") best = std::max(best, 2);
            else if (q == "payer" || q == "buyer") best = std::max(best, 1);
        }
    }
    return best;
}

using Columns = std::array<std::optional<std::size_t>, kAllFields.size()>;

std::size_t index_of(ImportField f) { return static_cast<std::size_t>(f); }

// [SECTION] cells ---------------------------------------------------------------------------

// Reads an unsigned number of 1..max_digits digits at s[i].
std::optional<int> read_number(std::string_view s, std::size_t& i, std::size_t max_digits, std::size_t& digits) {
    const std::size_t start = i;
    while (i < s.size() && i - start < max_digits && s[i] >= '0' && s[i] <= '9') ++i;
    digits = i - start;
    if (digits == 0) return std::nullopt;
    int v = 0;
    std::from_chars(s.data() + start, s.data() + i, v);
    return v;
}

// What may follow a date in a cell: a time ("14:35", "14h35", "00:00:00.000Z"), ignored.
bool looks_like_time(std::string_view s) {
    if (s.empty() || s.front() < '0' || s.front() > '9') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'h' || c == 'H' || c == 'Z' ||
               c == '+' || c == '-' || c == ' ';
    });
}

// YYYY-MM-DD (parse_date), then the spreadsheet forms D/M/YYYY, D/M/YY, D-M-YYYY, D.M.YYYY and
// YYYY/M/D. Two-digit years are 20YY: membership dates are never in the last century.
// A year before 1900 in those forms is refused as a typo.
std::optional<Date> parse_cell_date(std::string_view cell) {
    const std::size_t cut = cell.find_first_of(" T");
    std::string_view day_part = cell.substr(0, cut);
    if (cut != std::string_view::npos && !looks_like_time(trim(cell.substr(cut + 1)))) return std::nullopt;
    if (auto d = parse_date(day_part)) return d;

    std::size_t i = 0, n1 = 0, n2 = 0, n3 = 0;
    const auto a = read_number(day_part, i, 4, n1);
    if (!a || i >= day_part.size()) return std::nullopt;
    const char sep = day_part[i++];
    if (sep != '/' && sep != '-' && sep != '.') return std::nullopt;
    const auto b = read_number(day_part, i, 2, n2);
    if (!b || i >= day_part.size() || day_part[i++] != sep) return std::nullopt;
    const auto c = read_number(day_part, i, 4, n3);
    if (!c || i != day_part.size()) return std::nullopt;

    int y = 0, m = *b, d = 0;
    if (n1 == 4 && n3 <= 2) {
        y = *a, d = *c;
    } else if (n1 <= 2 && (n3 == 4 || n3 == 2)) {
        d = *a, y = n3 == 2 ? 2000 + *c : *c;
    } else {
        return std::nullopt;
    }
    if (y < 1900) return std::nullopt;  // "01/01/0026" is a typo, not a date
    const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                    std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

std::optional<Role> parse_cell_role(std::string_view cell) {
    if (auto r = role_from_string(cell)) return r;
    static const std::unordered_map<std::string_view, Role> kWords = {
        {"member", Role::member},        {"adherent", Role::member},
        {"adherente", Role::member},     {"membre", Role::member},
        {"volunteer", Role::volunteer},  {"benevole", Role::volunteer},
        {"host", Role::host},            {"animateur", Role::host},
        {"animatrice", Role::host},      {"animateurrice", Role::host},
        {"animateurtrice", Role::host},  {"fabmanager", Role::host},
        {"admin", Role::admin},          {"administrateur", Role::admin},
        {"administratrice", Role::admin}, {"administrateurrice", Role::admin},
        {"administrateurtrice", Role::admin}, {"administrator", Role::admin}};
    const auto it = kWords.find(fold_key(cell));
    if (it == kWords.end()) return std::nullopt;
    return it->second;
}

std::optional<Lang> parse_cell_lang(std::string_view cell) {
    if (auto l = lang_from_string(cell)) return l;
    const std::string k = fold_key(cell);
    if (k == "fr" || k == "francais" || k == "french") return Lang::fr;
    if (k == "en" || k == "anglais" || k == "english") return Lang::en;
    return std::nullopt;
}

// The last day of a membership taken on `since` for one year: 15/03/2026 → 14/03/2027, and
// 29/02/2028 → 28/02/2029 (an invalid 29/02 counts as 01/03 before the day is taken off).
Date one_year_from(Date since) {
    const Date next{since.year() + std::chrono::years{1}, since.month(), since.day()};
    return Date{std::chrono::sys_days{next} - std::chrono::days{1}};
}

// [SECTION] record reader -------------------------------------------------------------------

struct Record {
    std::size_t line = 0;  // where the record starts
    std::vector<std::string> fields;
};

// The separator is whichever of ';' ',' and tab is most frequent outside quotes in the first
// non-blank line; comma on a tie (the CSV default, and a one-column file).
char detect_separator(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && is_blank_byte(text[i])) ++i;
    std::size_t semi = 0, comma = 0, tab = 0;
    bool quoted = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') quoted = !quoted;
        else if (quoted) continue;
        else if (c == '\n' || c == '\r') break;
        else if (c == ';') ++semi;
        else if (c == ',') ++comma;
        else if (c == '\t') ++tab;
    }
    if (semi > comma && semi >= tab) return ';';
    if (tab > comma && tab > semi) return '\t';
    return ',';
}

// Feeds libcsv one physical line at a time so that each record knows the line it starts on:
// a record starts on the first non-blank line fed while no record is open, and ends in the
// end-of-record callback, which libcsv only calls at a line end outside quotes.
class RecordReader {
public:
    explicit RecordReader(char sep) : m_sep(sep) {
        // Lenient grammar (CSV_STRICT off) for the stray quotes spreadsheets write.
        m_ok = csv_init(&m_parser, 0) == 0;
        if (m_ok) csv_set_delim(&m_parser, static_cast<unsigned char>(sep));
    }
    ~RecordReader() {
        if (m_ok) csv_free(&m_parser);
    }
    RecordReader(const RecordReader&) = delete;
    RecordReader& operator=(const RecordReader&) = delete;

    std::expected<std::vector<Record>, ImportLineError> read(
        std::string_view text, const std::function<void(std::size_t)>& progress) {
        if (!m_ok) return std::unexpected(ImportLineError{0, problem("Out of memory while reading the file")});
        std::size_t pos = 0, line = 1, next_report = kProgressStep;
        while (pos < text.size()) {
            std::size_t end = text.find_first_of("\r\n", pos);
            bool line_break = end != std::string_view::npos;
            if (!line_break) end = text.size();
            else if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') end += 2;
            else ++end;
            const std::string_view chunk = text.substr(pos, end - pos);
            if (!m_open && !is_blank_line(chunk)) {
                m_open = true;
                m_start = line;
            }
            if (csv_parse(&m_parser, chunk.data(), chunk.size(), &RecordReader::on_field,
                          &RecordReader::on_record, this) != chunk.size())
                return std::unexpected(ImportLineError{line, problem("This line is too long to be read")});
            if (line_break) ++line;
            pos = end;
            if (progress && pos >= next_report) {
                progress(pos);
                next_report = pos + kProgressStep;
            }
        }
        // libcsv reports a quoted field left open at the end only in strict mode, and strict
        // mode is read by csv_fini alone here: the rest of the file was parsed leniently. A
        // quote never closed has swallowed every line after it, so it must not pass silently.
        csv_set_opts(&m_parser, CSV_STRICT | CSV_STRICT_FINI);
        if (csv_fini(&m_parser, &RecordReader::on_field, &RecordReader::on_record, this) != 0)
            return std::unexpected(
                ImportLineError{m_start, problem("A quote opened on this line is never closed")});
        return std::move(m_records);
    }

private:
    bool is_blank_line(std::string_view chunk) const {
        return std::all_of(chunk.begin(), chunk.end(), [this](char c) { return c != m_sep && is_blank_byte(c); });
    }
    static void on_field(void* s, std::size_t len, void* self) {
        auto* r = static_cast<RecordReader*>(self);
        r->m_fields.emplace_back(s ? static_cast<const char*>(s) : "", s ? len : 0);
    }
    static void on_record(int, void* self) {
        auto* r = static_cast<RecordReader*>(self);
        r->m_records.push_back(Record{r->m_start, std::move(r->m_fields)});
        r->m_fields.clear();
        r->m_open = false;
    }

    csv_parser m_parser{};
    char m_sep;
    bool m_ok = false;
    bool m_open = false;
    std::size_t m_start = 0;
    std::vector<std::string> m_fields;
    std::vector<Record> m_records;
};

// [SECTION] import --------------------------------------------------------------------------

using Errors = std::vector<ImportLineError>;

// Picks the column of each field: --map first (an unknown header is an error), then the best
// guess among the columns --map did not take.
std::expected<Columns, Errors> resolve_columns(const std::vector<std::string>& header,
                                               const ImportOptions& opts) {
    std::vector<std::string> folded;
    folded.reserve(header.size());
    for (const auto& h : header) folded.push_back(fold_key(h));

    Columns cols{};
    std::vector<bool> taken(header.size(), false);
    Errors errors;
    for (const auto& [field, wanted] : opts.map) {
        const std::string key = fold_key(wanted);
        const auto it = std::find(folded.begin(), folded.end(), key);
        if (key.empty() || it == folded.end()) {
            errors.push_back({0, problem("--map {0}={1}: the header has no column \"{1}\"",
                                         {std::string(to_string(field)), shown(wanted)})});
            continue;
        }
        const auto c = static_cast<std::size_t>(it - folded.begin());
        cols[index_of(field)] = c;
        taken[c] = true;
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));

    for (ImportField f : kAllFields) {
        if (cols[index_of(f)]) continue;
        int best = 0;
        for (std::size_t c = 0; c < folded.size(); ++c) {
            if (taken[c]) continue;
            const int score = header_score(folded[c], f);
            if (score > best) {
                best = score;
                cols[index_of(f)] = c;
            }
        }
    }
    if (!cols[index_of(ImportField::name)] && !cols[index_of(ImportField::last_name)] &&
        !cols[index_of(ImportField::first_name)])
        return std::unexpected(Errors{
            {0, problem("No name column: expected a column such as Nom, Prénom or Name, or name it "
                        "with --map name=HEADER")}});
    return cols;
}

class RowReader {
public:
    RowReader(const Columns& cols, const ImportOptions& opts) : m_cols(cols), m_opts(opts) {}

    // Appends the row's draft, or one error per bad cell.
    void read(const Record& rec, std::vector<ImportRow>& rows, Errors& errors) {
        m_rec = &rec;
        if (std::all_of(rec.fields.begin(), rec.fields.end(), [](const auto& f) { return trim(f).empty(); }))
            return;  // "; ; ;" rows that Excel writes below a table are blank lines too
        const std::size_t errors_before = errors.size();
        auto fail = [&](Problem p) { errors.push_back({rec.line, std::move(p)}); };

        MemberDraft d;
        std::string raw_name(cell(ImportField::name));
        if (raw_name.empty()) {
            const std::string_view first = cell(ImportField::first_name), last = cell(ImportField::last_name);
            raw_name = first;
            if (!first.empty() && !last.empty()) raw_name += ' ';
            raw_name += last;
        }
        if (raw_name.empty()) fail(problem("Name is empty"));
        else if (auto n = normalize_name(raw_name)) d.display_name = std::move(*n);
        else fail(std::move(n.error()));

        if (const auto e = cell(ImportField::email); !e.empty()) {
            if (auto em = normalize_email(e)) d.email = std::move(*em);
            else fail(problem("E-mail \"{0}\" is not valid", {shown(e)}));
        }

        auto date_of = [&](ImportField f) -> std::optional<Date> {
            const auto c = cell(f);
            if (c.empty()) return std::nullopt;
            auto date = parse_cell_date(c);
            if (!date) fail(problem("Date \"{0}\" is not a date (expected DD/MM/YYYY or YYYY-MM-DD)", {shown(c)}));
            return date;
        };
        // An end date says it all; the membership date is read only without one.
        if (!cell(ImportField::until).empty()) d.valid_until = date_of(ImportField::until);
        else if (const auto since = date_of(ImportField::since)) d.valid_until = one_year_from(*since);

        d.role = m_opts.default_role;
        if (const auto r = cell(ImportField::role); !r.empty()) {
            if (auto role = parse_cell_role(r)) d.role = *role;
            else fail(problem("Role \"{0}\" is not known (expected member, volunteer, host or admin)", {shown(r)}));
        }
        d.lang = m_opts.default_lang;
        if (const auto l = cell(ImportField::lang); !l.empty()) {
            if (auto lang = parse_cell_lang(l)) d.lang = *lang;
            else fail(problem("Language \"{0}\" is not known (expected fr or en)", {shown(l)}));
        }
        if (errors.size() != errors_before) return;

        auto valid = validate_draft(std::move(d));
        if (!valid) {
            fail(std::move(valid.error()));
            return;
        }
        const auto [it, fresh] = m_seen.try_emplace(import_identity(*valid), rec.line);
        if (!fresh) {
            fail(valid->email ? problem("Same e-mail as line {0}", {std::to_string(it->second)})
                              : problem("Same name as line {0}, and no e-mail to tell them apart",
                                        {std::to_string(it->second)}));
            return;
        }
        ImportRow row{rec.line, std::move(*valid)};
        row.has_email = !cell(ImportField::email).empty();
        row.has_until = !cell(ImportField::until).empty() || !cell(ImportField::since).empty();
        row.has_role = !cell(ImportField::role).empty();
        row.has_lang = !cell(ImportField::lang).empty();
        rows.push_back(std::move(row));
    }

private:
    std::string_view cell(ImportField f) const {
        const auto c = m_cols[index_of(f)];
        if (!c || *c >= m_rec->fields.size()) return {};
        return trim(m_rec->fields[*c]);
    }

    const Columns& m_cols;
    const ImportOptions& m_opts;
    const Record* m_rec = nullptr;
    std::unordered_map<std::string, std::size_t> m_seen;  // identity → first line
};

}  // namespace

std::string_view to_string(ImportField f) {
    switch (f) {
    case ImportField::name: return "name";
    case ImportField::last_name: return "last_name";
    case ImportField::first_name: return "first_name";
    case ImportField::email: return "email";
    case ImportField::until: return "until";
    case ImportField::since: return "since";
    case ImportField::role: return "role";
    case ImportField::lang: return "lang";
    }
    return "?";
}

std::optional<ImportField> import_field_from_string(std::string_view s) {
    // "last_name", "last-name" and "lastname" alike: people type what they remember.
    std::string key;
    for (char c : s)
        if (c != '_' && c != '-') key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    for (ImportField f : kAllFields) {
        std::string name;
        for (char c : to_string(f))
            if (c != '_') name += c;
        if (key == name) return f;
    }
    return std::nullopt;
}

std::expected<ImportTable, std::vector<ImportLineError>> parse_member_csv(std::string_view bytes,
                                                                         const ImportOptions& opts) {
    const std::size_t total = bytes.size();
    auto file_error = [](Problem p) { return std::unexpected(Errors{{0, std::move(p)}}); };

    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF"))
        return file_error(problem("This file is UTF-16 text: save it again as CSV UTF-8"));
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);

    ImportTable table;
    std::string converted;
    std::string_view text = bytes;
    if (!is_valid_utf8(text)) {
        auto c = cp1252_to_utf8(text);
        if (!c) return file_error(std::move(c.error()));
        converted = std::move(*c);
        text = converted;
        table.converted_from_cp1252 = true;
    }
    if (std::all_of(text.begin(), text.end(), is_blank_byte)) return file_error(problem("The file is empty"));

    table.separator = detect_separator(text);
    RecordReader reader(table.separator);
    // Progress in bytes of the file, although the converted text may be longer.
    std::function<void(std::size_t)> report;
    if (opts.progress)
        report = [&](std::size_t done) {
            opts.progress(text.size() == 0 ? total : done * total / text.size(), total);
        };
    auto records = reader.read(text, report);
    if (!records) return std::unexpected(Errors{std::move(records.error())});
    if (records->empty()) return file_error(problem("The file is empty"));

    const auto cols = resolve_columns(records->front().fields, opts);
    if (!cols) return std::unexpected(std::move(cols.error()));
    const auto& header = records->front().fields;
    std::vector<bool> used(header.size(), false);
    for (ImportField f : kAllFields)
        if (const auto c = (*cols)[index_of(f)]) {
            table.columns.emplace_back(f, header[*c]);
            used[*c] = true;
        }
    for (std::size_t c = 0; c < header.size(); ++c)
        if (!used[c] && !trim(header[c]).empty()) table.ignored.push_back(shown(header[c]));
    if (opts.strict && !table.ignored.empty()) {
        std::string list;
        for (const auto& h : table.ignored) list += (list.empty() ? "" : ", ") + ("\"" + h + "\"");
        return file_error(problem("Columns that nothing reads: {0}. Name their field with --map field=HEADER, "
                                  "or import without --strict",
                                  {list}));
    }

    Errors errors;
    RowReader rows(*cols, opts);
    table.rows.reserve(records->size() - 1);
    for (std::size_t i = 1; i < records->size(); ++i) rows.read((*records)[i], table.rows, errors);
    if (opts.progress) opts.progress(total, total);
    if (!errors.empty()) return std::unexpected(std::move(errors));
    return table;
}

std::string import_identity(const MemberDraft& d) {
    if (d.email && !d.email->empty()) return *d.email;
    return fold_name(d.display_name);
}

// [SECTION] shared CSV reading (tool import): the same steps as parse_member_csv above.
std::expected<CsvFile, std::vector<ImportLineError>> read_csv_file(std::string_view bytes) {
    auto file_error = [](Problem p) { return std::unexpected(Errors{{0, std::move(p)}}); };
    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF"))
        return file_error(problem("This file is UTF-16 text: save it again as CSV UTF-8"));
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    CsvFile file;
    std::string converted;
    std::string_view text = bytes;
    if (!is_valid_utf8(text)) {
        auto c = cp1252_to_utf8(text);
        if (!c) return file_error(std::move(c.error()));
        converted = std::move(*c);
        text = converted;
        file.converted_from_cp1252 = true;
    }
    if (std::all_of(text.begin(), text.end(), is_blank_byte)) return file_error(problem("The file is empty"));
    file.separator = detect_separator(text);
    RecordReader reader(file.separator);
    auto records = reader.read(text, {});
    if (!records) return std::unexpected(Errors{std::move(records.error())});
    if (records->empty()) return file_error(problem("The file is empty"));
    file.records.reserve(records->size());
    for (auto& r : *records) file.records.push_back(CsvRecord{r.line, std::move(r.fields)});
    return file;
}

std::string fold_csv_key(std::string_view s) { return fold_key(s); }
std::string_view trim_csv_cell(std::string_view s) { return trim(s); }
std::string shown_csv_cell(std::string_view s) { return shown(s); }

}  // namespace etabli::core
