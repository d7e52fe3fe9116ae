// Members and badges: names of enums and validation of outside text. Layer: core (pure).
#include <etabli/core/member.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace etabli::core {

namespace {

std::string_view trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Stored, and shown translated (N_).
constexpr std::array kRoles{N_("member"), N_("volunteer"), N_("host"), N_("admin")};
constexpr std::array kStatuses{N_("active"), N_("lost"), N_("revoked")};

}  // namespace

std::string_view to_string(Role r) { return kRoles[static_cast<std::size_t>(r)]; }
std::optional<Role> role_from_string(std::string_view s) {
    const auto l = lower_ascii(trim(s));
    for (std::size_t i = 0; i < kRoles.size(); ++i)
        if (l == kRoles[i]) return static_cast<Role>(i);
    return std::nullopt;
}

std::string_view to_string(BadgeStatus s) { return kStatuses[static_cast<std::size_t>(s)]; }
std::optional<BadgeStatus> badge_status_from_string(std::string_view s) {
    const auto l = lower_ascii(trim(s));
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
        if (l == kStatuses[i]) return static_cast<BadgeStatus>(i);
    return std::nullopt;
}

std::optional<std::size_t> utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len;
        std::uint32_t cp;
        if (c < 0x80) { len = 1; cp = c; }
        else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
        else return std::nullopt;
        if (i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return std::nullopt;
        i += len;
        ++n;
    }
    return n;
}

std::expected<std::string, Problem> normalize_uid(std::string_view raw) {
    const auto s = trim(raw);
    if (s.empty()) return std::unexpected(problem("The badge number is empty"));
    if (s.size() > 32) return std::unexpected(problem("The badge number is too long ({0} characters, 32 at most)", {std::to_string(s.size())}));
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isdigit(u) || c == ':' || c == '-') out += c;
        else if (u < 0x80 && std::isalpha(u)) out += static_cast<char>(std::toupper(u));
        else return std::unexpected(problem("The badge number may only hold digits, letters, ':' and '-'"));
    }
    return out;
}

std::expected<std::string, Problem> normalize_name(std::string_view raw) {
    const auto len = utf8_length(raw);
    if (!len) return std::unexpected(problem("The name is not valid text (UTF-8)"));
    std::string out;
    out.reserve(raw.size());
    // C1 controls (U+0080–U+009F) arrive from undefined Windows-1252 bytes: not a name.
    for (std::size_t i = 0; i + 1 < raw.size(); ++i)
        if (static_cast<unsigned char>(raw[i]) == 0xC2 && static_cast<unsigned char>(raw[i + 1]) < 0xA0)
            return std::unexpected(problem("The name holds a control character"));
    bool pending_blank = false;
    for (char c : trim(raw)) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { pending_blank = true; continue; }
        if (u < 0x20 || u == 0x7F) return std::unexpected(problem("The name holds a control character"));
        if (pending_blank && !out.empty()) out += ' ';
        pending_blank = false;
        out += c;
    }
    if (out.empty()) return std::unexpected(problem("The name is empty"));
    if (*utf8_length(out) > 80) return std::unexpected(problem("The name is too long (80 characters at most)"));
    return out;
}

std::expected<std::optional<std::string>, Problem> normalize_email(std::string_view raw) {
    const auto s = trim(raw);
    if (s.empty()) return std::optional<std::string>{};
    const std::string shown(s.substr(0, 80));
    if (s.size() > 254 || !utf8_length(s)) return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    const auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos)
        return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    const auto domain = s.substr(at + 1);
    const auto dot = domain.find('.');
    if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.')
        return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F || c == ',' || c == ';' || c == '<' || c == '>' || c == '"')
            return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    }
    return std::optional<std::string>{lower_ascii(s)};
}

std::expected<MemberDraft, Problem> validate_draft(MemberDraft d) {
    auto name = normalize_name(d.display_name);
    if (!name) return std::unexpected(name.error());
    d.display_name = std::move(*name);
    if (d.email) {
        auto email = normalize_email(*d.email);
        if (!email) return std::unexpected(email.error());
        d.email = std::move(*email);
    }
    if (d.valid_until && !d.valid_until->ok()) return std::unexpected(problem("The membership end date is not a real day"));
    return d;
}

}  // namespace etabli::core
