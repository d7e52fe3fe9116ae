// Translations: languages, .po catalogues and lookup.
// Layer: core (pure: parsing takes text, the caller reads the file). Any thread once built;
// a Catalog is immutable after parse_po.
#pragma once

#include <etabli/core/problem.hpp>

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace etabli::core {

enum class Lang { fr, en };

std::string_view to_string(Lang l);                    // "fr" / "en"
std::optional<Lang> lang_from_string(std::string_view); // accepts fr, en, FR, en_GB…

// Marks a message kept in a table or a variable and translated where it is shown, so that
// scripts/i18n (xgettext) puts it in the template: N_("Returned") is just "Returned".
constexpr const char* N_(const char* msgid) { return msgid; }

// One language's msgid → msgstr map, from a gettext .po file.
class Catalog {
public:
    Catalog() = default;
    // Translation of `msgid`, or `msgid` itself when missing or empty (English fallback).
    std::string_view lookup(std::string_view msgid) const;
    std::size_t size() const { return m_entries.size(); }
    void add(std::string msgid, std::string msgstr);
    // Adds the entries of `other` that this catalogue does not have yet.
    void merge(const Catalog& other);

private:
    std::unordered_map<std::string, std::string> m_entries;
};

// Parses the subset of the .po format we write: msgctxt is ignored, plural forms are not used,
// fuzzy entries are skipped, C escapes (\n \t \" \\) are decoded. A malformed file gives a
// Problem naming the line.
std::expected<Catalog, Problem> parse_po(std::string_view text);

// The pair of catalogues the kiosk and the CLI use. English is the source language, so its
// catalogue may be empty.
struct Translations {
    Catalog fr;
    Catalog en;
    const Catalog& of(Lang l) const { return l == Lang::fr ? fr : en; }
    std::string tr(Lang l, std::string_view msgid) const { return std::string(of(l).lookup(msgid)); }
    std::string render(Lang l, const Problem& p) const;
};

}  // namespace etabli::core
