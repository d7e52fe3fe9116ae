// E-mail: the renewal reminders the station sends when [smtp] is configured in etabli.toml.
// The addresses, the message as it goes on the wire (RFC 5322, UTF-8 subject as an encoded
// word, base64 body: no line of a member's name can become a header), the text of a reminder
// in the member's language, and when a failed send is tried again.
// Layer: core (pure: text in, text out; sending is station/cli/src/smtp.cpp). Any thread.
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/core/money.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

// "Atelier Vélo <atelier@example.org>" or "atelier@example.org".
struct MailAddress {
    std::string name;     // may be empty
    std::string address;  // normalised (normalize_email)
    bool operator==(const MailAddress&) const = default;
};
std::expected<MailAddress, Problem> parse_mail_address(std::string_view raw);
std::string to_string(const MailAddress& a);  // as written in etabli.toml

// [smtp] of etabli.toml. Present: the station sends renewal reminders; absent: it sends none.
//   [smtp]
//   url = "smtp://mail.example.org:587"   # or smtps://host:465 (TLS from the start)
//   starttls = true                       # smtp://: insist on STARTTLS; false only for a relay on this machine
//   user = "atelier@example.org"          # optional, with password or password_file
//   password_file = "/etc/etabli/smtp-password"
//   from = "Atelier Vélo <atelier@example.org>"
//   reply_to = "bureau@example.org"       # optional
//   remind_days = 30                      # reminders this many days before the end; 0: none
//   timeout_s = 30                        # one try at most this long
struct SmtpConfig {
    std::string url;
    bool starttls = true;
    std::string user, password, password_file;
    MailAddress from;
    std::optional<MailAddress> reply_to;
    int remind_days = 30;
    int timeout_s = 30;
    bool operator==(const SmtpConfig&) const = default;
};

// A message ready to be sent.
struct MailMessage {
    MailAddress from;
    std::optional<MailAddress> reply_to;
    std::string to;  // an address
    std::string subject;
    std::string body;  // UTF-8 text, lines separated by '\n'
    Timestamp date{};
    std::string message_id;  // "<...@host>"
};
// The message as sent after DATA: CRLF lines, headers ASCII only (non-ASCII names and
// subjects as RFC 2047 encoded words), the body in base64 lines of 76. A field that holds a
// line break or a NUL is refused.
std::expected<std::string, Problem> to_rfc5322(const MailMessage& m);
std::string base64(std::string_view bytes);

// What a queued e-mail is about.
enum class MailKind : std::uint8_t { renewal };
// The renewal reminder of a membership that ends on `until` (`today` is the day it goes).
struct RenewalReminder {
    std::string subject, body;
};
RenewalReminder renewal_reminder(const Translations& tr, Lang lang, const std::string& member_name, Date until, Date today,
                                 const std::vector<Plan>& plans, const std::string& workshop);
// A day as people read it: "31/12/2026" in French, "2026-12-31" in English.
std::string format_local_date(Date d, Lang lang);

// After the `attempts`-th failed try: when to try again (5 min, 30 min, 2 h, then every 6 h),
// or none after the 10th try: the e-mail is given up and listed as such.
std::optional<std::chrono::seconds> mail_retry_delay(int attempts);
inline constexpr int kMailMaxAttempts = 10;

}  // namespace etabli::core
