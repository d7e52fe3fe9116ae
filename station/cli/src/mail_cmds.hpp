// E-mail at the command line and in the service: [smtp] of etabli.toml with its password,
// the mail thread of `etabli serve` and of the embedded kiosk (MailSender), and the commands
// `etabli mail list` (the queue) and `etabli mail test --to ADDRESS` (one message sent now,
// to check the settings). Layer: cli.
#pragma once

#include "context.hpp"
#include "periodic.hpp"

#include <etabli/core/mail.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace etabli::cli {

// [smtp] with the password read (password_file: relative to etabli.toml's folder).
struct MailSettings {
    core::SmtpConfig smtp;
    std::string password;
    std::string workshop;  // the name the e-mails sign with: from's name, else [bikes] seller
};
// None when etabli.toml has no [smtp]; a Problem when it does not parse or the password file
// cannot be read.
std::expected<std::optional<MailSettings>, core::Problem> mail_settings(const Context& ctx);

// The message of one queued e-mail, in its member's language (core::renewal_reminder).
core::MailMessage mail_message(const MailSettings& s, const core::Translations& tr, const app::OutMail& m,
                               const std::vector<core::Plan>& plans, core::Date today, core::Timestamp now);

// The service's mail thread: at start, then every 30 seconds (or when nudged), it takes the
// due e-mails from the station (TakeMails), sends them one by one, and reports each try
// (MailTried). The station never waits for it; stopping it cancels a try under way.
class MailSender {
public:
    MailSender(Context& ctx, MailSettings settings);
    ~MailSender();
    MailSender(const MailSender&) = delete;
    MailSender& operator=(const MailSender&) = delete;
    void nudge() { m_worker.nudge(); }

private:
    void once();
    Context& m_ctx;
    MailSettings m_settings;
    std::atomic<bool> m_cancel{false};
    Periodic m_worker;  // last: joined first
};

// The mail thread of a station that runs (the service, the embedded kiosk): none without
// [smtp]; a Problem when [smtp] does not parse or its password file cannot be read.
std::expected<std::unique_ptr<MailSender>, core::Problem> start_mail_sender(Context& ctx);

class MailCommands {
public:
    explicit MailCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);

private:
    int list(Context& ctx);
    int test(Context& ctx);
    std::string m_to;
    bool m_all = false;
    CLI::App *m_list = nullptr, *m_test = nullptr;
};

}  // namespace etabli::cli
