// .po parsing and catalogue lookup. Layer: core (pure: the caller reads the file).
#include <etabli/core/i18n.hpp>

#include <cctype>

namespace etabli::core {

std::string_view to_string(Lang l) { return l == Lang::fr ? "fr" : "en"; }

std::optional<Lang> lang_from_string(std::string_view s) {
    if (s.size() < 2) return std::nullopt;
    const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (s.size() > 2 && s[2] != '_' && s[2] != '-' && s[2] != '.') return std::nullopt;
    if (a == 'f' && b == 'r') return Lang::fr;
    if (a == 'e' && b == 'n') return Lang::en;
    return std::nullopt;
}

std::string_view Catalog::lookup(std::string_view msgid) const {
    // Heterogeneous lookup needs C++20 transparent hashing; a temporary string is cheap here.
    auto it = m_entries.find(std::string(msgid));
    if (it == m_entries.end() || it->second.empty()) return msgid;
    return it->second;
}

void Catalog::add(std::string msgid, std::string msgstr) { m_entries[std::move(msgid)] = std::move(msgstr); }

void Catalog::merge(const Catalog& other) {
    for (const auto& [id, str] : other.m_entries) m_entries.try_emplace(id, str);
}

namespace {

// Decodes one "..." literal starting at s[pos] == '"'. Returns nullopt when malformed.
std::optional<std::string> po_string(std::string_view s) {
    if (s.size() < 2 || s.front() != '"') return std::nullopt;
    std::string out;
    std::size_t i = 1;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"') break;
        if (c == '\\') {
            if (++i >= s.size()) return std::nullopt;
            switch (s[i]) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                default: return std::nullopt;
            }
        } else {
            out += c;
        }
    }
    if (i >= s.size()) return std::nullopt;  // no closing quote
    for (std::size_t k = i + 1; k < s.size(); ++k)
        if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r') return std::nullopt;
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::expected<Catalog, Problem> parse_po(std::string_view text) {
    Catalog cat;
    enum class Field { none, ctxt, id, str } field = Field::none;
    std::string msgid, msgstr;
    bool have_id = false, fuzzy = false, next_fuzzy = false;
    std::size_t line_no = 0;

    auto flush = [&] {
        if (have_id && !fuzzy && !msgid.empty()) cat.add(msgid, msgstr);
        msgid.clear();
        msgstr.clear();
        have_id = false;
        fuzzy = false;
        field = Field::none;
    };

    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto nl = text.find('\n', pos);
        const auto raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        const auto line = trim(raw);
        if (line.empty()) continue;
        if (line.front() == '#') {
            if (line.size() > 1 && line[1] == ',' && line.find("fuzzy") != std::string_view::npos) next_fuzzy = true;
            continue;
        }
        auto keyword = [&](std::string_view kw) {
            return line.size() > kw.size() && line.substr(0, kw.size()) == kw &&
                   (line[kw.size()] == ' ' || line[kw.size()] == '\t');
        };
        std::string_view rest;
        Field f = Field::none;
        if (keyword("msgctxt")) { f = Field::ctxt; rest = line.substr(7); }
        else if (keyword("msgid")) { f = Field::id; rest = line.substr(5); }
        else if (keyword("msgstr")) { f = Field::str; rest = line.substr(6); }
        else if (line.front() == '"') { rest = line; }
        else return std::unexpected(problem("Translation file, line {0}: unknown keyword", {std::to_string(line_no)}));

        auto value = po_string(trim(rest));
        if (!value) return std::unexpected(problem("Translation file, line {0}: malformed string", {std::to_string(line_no)}));

        if (f == Field::ctxt || (f == Field::id && field != Field::ctxt)) {
            flush();
            fuzzy = next_fuzzy;
            next_fuzzy = false;
        }
        if (f != Field::none) field = f;
        switch (field) {
            case Field::none: return std::unexpected(problem("Translation file, line {0}: text outside an entry", {std::to_string(line_no)}));
            case Field::ctxt: break;
            case Field::id: msgid += *value; have_id = true; break;
            case Field::str:
                if (!have_id) return std::unexpected(problem("Translation file, line {0}: msgstr without msgid", {std::to_string(line_no)}));
                msgstr += *value;
                break;
        }
    }
    flush();
    return cat;
}

namespace {
// "2026-10-03" or "2026-10-03 14:00" (how problems carry dates and local times) as a French
// reader writes it, "03/10/2026" or "03/10/2026 14:00"; any other text as it is.
std::string french_date(const std::string& a) {
    auto digits = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i)
            if (a[i] < '0' || a[i] > '9') return false;
        return true;
    };
    const bool date = a.size() >= 10 && digits(0, 4) && a[4] == '-' && digits(5, 2) && a[7] == '-' && digits(8, 2);
    const bool plain = a.size() == 10;
    const bool with_time = a.size() == 16 && a[10] == ' ' && digits(11, 2) && a[13] == ':' && digits(14, 2);
    if (!date || (!plain && !with_time)) return a;
    return a.substr(8, 2) + "/" + a.substr(5, 2) + "/" + a.substr(0, 4) + a.substr(10);
}
}  // namespace

std::string Translations::render(Lang l, const Problem& p) const {
    if (l != Lang::fr) return fill_placeholders(of(l).lookup(p.msgid), p.args);
    std::vector<std::string> args;
    args.reserve(p.args.size());
    for (const auto& a : p.args) args.push_back(french_date(a));
    return fill_placeholders(of(l).lookup(p.msgid), args);
}

}  // namespace etabli::core
