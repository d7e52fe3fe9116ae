// Badge format profiles (see badge_format.hpp for the canonical form). Layer: core (pure).
#include <etabli/core/badge_format.hpp>
#include <etabli/core/member.hpp>

#include <array>
#include <cstdio>

namespace etabli::core {
namespace {

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::uint64_t decimal(std::string_view s) {
    std::uint64_t v = 0;
    for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');  // callers bound the length
    return v;
}

std::string hex8(std::uint32_t v) {
    std::array<char, 9> buf{};
    std::snprintf(buf.data(), buf.size(), "%08X", v);
    return std::string(buf.data(), 8);
}

std::uint32_t reverse_bytes(std::uint32_t v) {
    return (v >> 24) | ((v >> 8) & 0x0000FF00u) | ((v << 8) & 0x00FF0000u) | (v << 24);
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

std::string_view to_string(BadgeFormat f) {
    switch (f) {
    case BadgeFormat::raw: return "raw";
    case BadgeFormat::dec10: return "dec10";
    case BadgeFormat::dec10_reversed: return "dec10-reversed";
    case BadgeFormat::wiegand26: return "wiegand26";
    case BadgeFormat::hex: return "hex";
    }
    return "raw";
}

std::optional<BadgeFormat> badge_format_from_string(std::string_view s) {
    for (auto f : {BadgeFormat::raw, BadgeFormat::dec10, BadgeFormat::dec10_reversed, BadgeFormat::wiegand26,
                   BadgeFormat::hex})
        if (to_string(f) == s) return f;
    return std::nullopt;
}

std::expected<std::string, Problem> canonical_uid(BadgeFormat f, std::string_view typed_raw) {
    const std::string typed = trimmed(typed_raw);
    switch (f) {
    case BadgeFormat::raw: return normalize_uid(typed);
    case BadgeFormat::dec10:
    case BadgeFormat::dec10_reversed: {
        if (typed.size() != 10 || !all_digits(typed))
            return std::unexpected(problem("The badge reader should type 10 digits, not \"{0}\"", {typed.substr(0, 40)}));
        const std::uint64_t v = decimal(typed);
        if (v > 0xFFFFFFFFull)
            return std::unexpected(problem("The badge number {0} is larger than a card number can be", {typed}));
        const auto card = static_cast<std::uint32_t>(v);
        return hex8(f == BadgeFormat::dec10 ? card : reverse_bytes(card));
    }
    case BadgeFormat::wiegand26: {
        if (typed.size() != 8 || !all_digits(typed))
            return std::unexpected(problem("The badge reader should type 8 digits (3 + 5), not \"{0}\"", {typed.substr(0, 40)}));
        const std::uint64_t facility = decimal(std::string_view(typed).substr(0, 3));
        const std::uint64_t number = decimal(std::string_view(typed).substr(3));
        if (facility > 255 || number > 65535)
            return std::unexpected(problem("The badge number {0} is not a Wiegand-26 number (facility up to 255, card up to 65535)", {typed}));
        return hex8(static_cast<std::uint32_t>((facility << 16) | number));
    }
    case BadgeFormat::hex: {
        if (typed.empty() || typed.size() > 32)
            return std::unexpected(problem("The badge reader should type 1 to 32 hex digits, not \"{0}\"", {typed.substr(0, 40)}));
        std::string up;
        std::uint64_t v = 0;
        for (char c : typed) {
            const int h = hex_value(c);
            if (h < 0) return std::unexpected(problem("The badge reader should type 1 to 32 hex digits, not \"{0}\"", {typed.substr(0, 40)}));
            up += "0123456789ABCDEF"[h];
            if (up.size() <= 10) v = (v << 4) | static_cast<std::uint64_t>(h);
        }
        if (up.size() <= 8 || up.size() == 10) return hex8(static_cast<std::uint32_t>(v & 0xFFFFFFFFu));
        return up;
    }
    }
    return normalize_uid(typed);
}

std::string render_card(BadgeFormat f, std::uint32_t card) {
    std::array<char, 16> buf{};
    switch (f) {
    case BadgeFormat::raw:
    case BadgeFormat::hex: return hex8(card);
    case BadgeFormat::dec10: std::snprintf(buf.data(), buf.size(), "%010u", card); break;
    case BadgeFormat::dec10_reversed: std::snprintf(buf.data(), buf.size(), "%010u", reverse_bytes(card)); break;
    case BadgeFormat::wiegand26:
        std::snprintf(buf.data(), buf.size(), "%03u%05u", (card >> 16) & 0xFFu, card & 0xFFFFu);
        break;
    }
    return std::string(buf.data());
}

}  // namespace etabli::core
