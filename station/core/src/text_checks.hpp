// Text checks shared by trainings, help in the room, know-how cards and the tools' photos:
// valid UTF-8, no control characters, trimmed, a length in code points, relative paths. Private to station/core/src.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/member.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace etabli::core::text_checks {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

// Control characters (C0 and DEL) other than those allowed; a newline when `newlines`.
inline bool has_control(std::string_view s, bool newlines) {
    for (char ch : s) {
        const auto u = static_cast<unsigned char>(ch);
        if (u == '\n' && newlines) continue;
        if (u < 0x20 || u == 0x7f) return true;
    }
    return false;
}

// Trimmed text of at most `max_chars` code points, valid UTF-8, without control characters
// (tabs become spaces; newlines only when `newlines`). nullopt when it is not.
inline std::optional<std::string> clean_text(std::string_view raw, std::size_t max_chars, bool newlines) {
    std::string s(trim(raw));
    for (auto& ch : s)
        if (ch == '\t') ch = ' ';
    if (newlines) std::erase(s, '\r');
    const auto len = utf8_length(s);
    if (!len || *len > max_chars || has_control(s, newlines)) return std::nullopt;
    return s;
}
inline std::optional<std::string> clean_line(std::string_view raw, std::size_t max_chars) {
    return clean_text(raw, max_chars, false);
}

// A path inside a folder (a photo under the cards or photos folder): trimmed, at most
// `max_bytes`, valid UTF-8, no control characters, relative (no leading / or \\, no drive
// letter, no URL), and no ".." component. nullopt when it is not.
inline std::optional<std::string> relative_path(std::string_view raw, std::size_t max_bytes) {
    const std::string s(trim(raw));
    if (s.empty() || s.size() > max_bytes || !utf8_length(s) || has_control(s, false)) return std::nullopt;
    if (s.front() == '/' || s.front() == '\\' || s.find("://") != std::string::npos) return std::nullopt;
    if (s.size() >= 2 && s[1] == ':') return std::nullopt;  // C:\…
    std::size_t start = 0;
    for (;;) {
        const auto end = s.find_first_of("/\\", start);
        if (s.substr(start, end == std::string::npos ? std::string::npos : end - start) == "..") return std::nullopt;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return s;
}

// [Word tables] An enum's words: its stored name first, then the words people type for it
// (French ones in lower case, "donné", "VTT" as "vtt").
template <class E, std::size_t N>
using WordTable = std::array<std::pair<std::string_view, E>, N>;
// The stored name of `e`: its first word in the table.
template <class E, std::size_t N>
std::string_view name_of(E e, const WordTable<E, N>& words) {
    for (const auto& [w, v] : words)
        if (v == e) return w;
    return "?";
}
// The value `typed` names: blanks trimmed, ASCII letters in any case.
template <class E, std::size_t N>
std::optional<E> from_words(std::string_view typed, const WordTable<E, N>& words) {
    std::string t(trim(typed));
    for (auto& c : t)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    for (const auto& [w, e] : words)
        if (t == w) return e;
    return std::nullopt;
}

}  // namespace etabli::core::text_checks
