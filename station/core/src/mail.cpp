// E-mail messages and reminders (mail.hpp). Layer: core (pure).
#include <etabli/core/bikes.hpp>
#include <etabli/core/mail.hpp>
#include <etabli/core/member.hpp>

#include <cstdio>

namespace etabli::core {

namespace {

// An ASCII header value longer than this goes as encoded words too, folded: no header line
// is longer than 78 characters but for a long address.
constexpr std::size_t kPlainHeader = 60;

bool has_line_break(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

bool ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

// RFC 2047 encoded words for a header value with non-ASCII letters, or too long for one
// line: =?UTF-8?B?...?=, on folded lines, never splitting a UTF-8 sequence.
std::string encoded_words(std::string_view s) {
    if (ascii(s) && s.size() <= kPlainHeader) return std::string(s);
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = 0;
        // 39 bytes make 52 base64 characters: with "=?UTF-8?B?" and "?=", 64, and with
        // "Subject: " before the first, 73 (a line holds at most 78).
        while (i + n < s.size() && n < 39) {
            std::size_t len = 1;
            const auto c = static_cast<unsigned char>(s[i + n]);
            if (c >= 0xF0) len = 4;
            else if (c >= 0xE0) len = 3;
            else if (c >= 0xC0) len = 2;
            if (n + len > 39 && n > 0) break;
            n += len;
        }
        n = std::min(n, s.size() - i);
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(s.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

// A display name in a header: as an encoded word, or quoted when it holds specials.
std::string header_name(std::string_view name) {
    if (!ascii(name) || name.size() > kPlainHeader) return encoded_words(name);
    std::string q = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

std::string header_address(const MailAddress& a) {
    if (a.name.empty()) return a.address;
    return header_name(a.name) + " <" + a.address + ">";
}

const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string rfc5322_date(Timestamp t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    const std::chrono::weekday wd{day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[wd.c_encoding()], unsigned(ymd.day()),
                  kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buf;
}

}  // namespace

std::string base64(std::string_view bytes) {
    static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (unsigned(static_cast<unsigned char>(bytes[i])) << 16) | (unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                           unsigned(static_cast<unsigned char>(bytes[i + 2]));
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += k[(v >> 6) & 63];
        out += k[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        unsigned v = unsigned(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) v |= unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += rest == 2 ? k[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::expected<MailAddress, Problem> parse_mail_address(std::string_view raw) {
    const std::string shown(raw.substr(0, 80));
    if (has_line_break(raw)) return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    MailAddress a;
    std::string_view addr = raw;
    if (const auto lt = raw.rfind('<'); lt != std::string_view::npos) {
        const auto gt = raw.find('>', lt);
        if (gt == std::string_view::npos || gt + 1 != raw.find_last_not_of(" \t") + 1)
            return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
        addr = raw.substr(lt + 1, gt - lt - 1);
        std::string_view name = raw.substr(0, lt);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        if (name.size() > 120 || !utf8_length(name)) return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
        a.name = std::string(name);
    }
    auto e = normalize_email(addr);
    if (!e) return std::unexpected(e.error());
    if (!*e) return std::unexpected(problem("The e-mail \"{0}\" is not valid", {shown}));
    a.address = **e;
    return a;
}

std::string to_string(const MailAddress& a) { return a.name.empty() ? a.address : a.name + " <" + a.address + ">"; }

std::expected<std::string, Problem> to_rfc5322(const MailMessage& m) {
    for (std::string_view f : {std::string_view(m.from.name), std::string_view(m.from.address), std::string_view(m.to),
                               std::string_view(m.subject), std::string_view(m.message_id)})
        if (has_line_break(f)) return std::unexpected(problem("An e-mail header may not hold a line break"));
    if (m.reply_to && (has_line_break(m.reply_to->name) || has_line_break(m.reply_to->address)))
        return std::unexpected(problem("An e-mail header may not hold a line break"));
    auto to = normalize_email(m.to);
    if (!to || !*to) return std::unexpected(problem("The e-mail \"{0}\" is not valid", {m.to.substr(0, 80)}));
    // An address with accents needs SMTPUTF8 all the way: refused rather than sent mangled.
    for (std::string_view a : {std::string_view(**to), std::string_view(m.from.address),
                               m.reply_to ? std::string_view(m.reply_to->address) : std::string_view()})
        if (!ascii(a)) return std::unexpected(problem("The e-mail \"{0}\" has letters with accents: this station cannot send to it", {std::string(a.substr(0, 80))}));
    if (!utf8_length(m.subject) || !utf8_length(m.body) || m.body.find('\0') != std::string::npos)
        return std::unexpected(problem("An e-mail must be UTF-8 text"));
    std::string out;
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "From: " + header_address(m.from) + "\r\n";
    if (m.reply_to) out += "Reply-To: " + header_address(*m.reply_to) + "\r\n";
    out += "To: " + **to + "\r\n";
    out += "Subject: " + encoded_words(m.subject) + "\r\n";
    if (!m.message_id.empty()) out += "Message-ID: " + m.message_id + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    out += "\r\n";
    std::string body;
    for (char c : m.body) {
        if (c == '\r') continue;
        if (c == '\n') body += "\r\n";
        else body += c;
    }
    const auto b64 = base64(body);
    for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}

std::string format_local_date(Date d, Lang lang) {
    char buf[32];
    if (lang == Lang::fr)
        std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", unsigned(d.day()), unsigned(d.month()), int(d.year()));
    else
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(d.year()), unsigned(d.month()), unsigned(d.day()));
    return buf;
}

RenewalReminder renewal_reminder(const Translations& tr, Lang lang, const std::string& member_name, Date until, Date today,
                                 const std::vector<Plan>& plans, const std::string& workshop) {
    const auto say = [&](const char* msgid, std::vector<std::string> args = {}) { return tr.render(lang, problem(msgid, std::move(args))); };
    const auto days_left = (std::chrono::sys_days{until} - std::chrono::sys_days{today}).count();
    RenewalReminder r;
    const std::string end = format_local_date(until, lang);
    r.subject = days_left < 0 ? say(N_("Your membership of {0} ended on {1}"), {workshop, end})
                              : say(N_("Your membership of {0} ends on {1}"), {workshop, end});
    std::string b = say(N_("Hello {0},"), {member_name}) + "\n\n";
    if (days_left < 0) b += say(N_("Your membership of {0} ended on {1}."), {workshop, end});
    else if (days_left == 0) b += say(N_("Your membership of {0} ends today, {1}."), {workshop, end});
    else b += say(N_("Your membership of {0} ends on {1}, in {2} days."), {workshop, end, std::to_string(days_left)});
    b += "\n" + say(N_("To renew it, come by the workshop: a host records it at the station.")) + "\n";
    std::vector<const Plan*> offered;
    for (const auto& p : plans)
        if (p.active) offered.push_back(&p);
    if (!offered.empty()) {
        b += "\n" + say(N_("The memberships:")) + "\n";
        for (const auto* p : offered) {
            const auto price = format_amount(lang, p->price_cents);
            const auto months = std::to_string(p->months);
            b += "- " + (p->free_price ? say(N_("{0}: pay what you can (suggested {1}), {2} months"), {p->name, price, months})
                                       : say(N_("{0}: {1}, {2} months"), {p->name, price, months})) +
                 "\n";
        }
    }
    b += "\n" + say(N_("Thank you for keeping the workshop alive!")) + "\n" + workshop + "\n\n-- \n";
    b += say(N_("This message was sent by the workshop's station. To stop these reminders, reply to it.")) + "\n";
    r.body = std::move(b);
    return r;
}

std::optional<std::chrono::seconds> mail_retry_delay(int attempts) {
    using namespace std::chrono_literals;
    if (attempts >= kMailMaxAttempts) return std::nullopt;
    if (attempts <= 1) return 5min;
    if (attempts == 2) return 30min;
    if (attempts == 3) return 2h;
    return 6h;
}

}  // namespace etabli::core
