// E-mail (mail_cmds.hpp): the settings, the service's mail thread, `etabli mail list` and
// `etabli mail test`. Layer: cli.
#include "mail_cmds.hpp"

#include "api.hpp"
#include "devices_cmds.hpp"
#include "io.hpp"
#include "smtp.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace etabli::cli {

using core::N_;
using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

std::string domain_of(const std::string& address) {
    const auto at = address.find('@');
    return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

std::vector<core::Plan> plans_of(const app::Station& station) {
    const auto snap = station.snapshot();
    const auto& money = std::get<app::feature_index_v<app::MoneyFeature>>(snap->parts);
    return money ? money->plans : std::vector<core::Plan>{};
}

// The envelope of every message the station sends: the configured sender, the date, a
// Message-ID naming what it is (`tag`: the queue row, or "test").
core::MailMessage envelope(const MailSettings& s, std::string to, core::Timestamp now, const std::string& tag) {
    core::MailMessage msg;
    msg.from = s.smtp.from;
    msg.reply_to = s.smtp.reply_to;
    msg.to = std::move(to);
    msg.date = now;
    msg.message_id = "<etabli." + tag + "." + std::to_string(now.time_since_epoch().count()) + "@" + domain_of(s.smtp.from.address) + ">";
    return msg;
}

const char* status_of(const app::OutMail& m) {
    if (m.sent_at) return N_("sent");
    if (m.given_up_at) return m.last_error.starts_with("dropped:") ? N_("no longer due") : N_("given up");
    return m.attempts > 0 ? N_("to try again") : N_("waiting");
}

}  // namespace

std::expected<std::optional<MailSettings>, core::Problem> mail_settings(const Context& ctx) {
    const auto path = ctx.config.empty() ? default_config_path() : ctx.config;
    auto config = load_config(path);
    if (!config) return std::unexpected(config.error());
    if (!config->smtp) return std::optional<MailSettings>{};
    MailSettings s;
    s.smtp = *config->smtp;
    s.password = s.smtp.password;
    if (!s.smtp.password_file.empty()) {
        std::filesystem::path file = s.smtp.password_file;
        if (file.is_relative()) file = path.parent_path() / file;
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        if (in) text << in.rdbuf();
        if (!in || text.str().size() > 1024)
            return std::unexpected(problem("Cannot read the e-mail password file {0} ([smtp] password_file)", {file.string()}));
        s.password = text.str();
        while (!s.password.empty() && (s.password.back() == '\n' || s.password.back() == '\r')) s.password.pop_back();
    }
    s.workshop = s.smtp.from.name;
    if (s.workshop.empty() && config->bikes) s.workshop = config->bikes->seller;
    return std::optional<MailSettings>{std::move(s)};
}

core::MailMessage mail_message(const MailSettings& s, const core::Translations& tr, const app::OutMail& m, const std::vector<core::Plan>& plans,
                               core::Date today, core::Timestamp now) {
    const std::string workshop = s.workshop.empty() ? tr.tr(m.lang, N_("the workshop")) : s.workshop;
    const auto text = core::renewal_reminder(tr, m.lang, m.name, m.until, today, plans, workshop);
    auto msg = envelope(s, m.recipient, now, std::to_string(m.id));
    msg.subject = text.subject;
    msg.body = text.body;
    return msg;
}

// [MailSender] ------------------------------------------------------------------------------

MailSender::MailSender(Context& ctx, MailSettings settings)
    : m_ctx(ctx), m_settings(std::move(settings)), m_worker("the e-mails", seconds(30), [this] { once(); }) {}

// A try under way stops at curl's next progress call; m_worker then joins.
MailSender::~MailSender() { m_cancel = true; }

void MailSender::once() {
    app::Station* station = m_ctx.station;
    if (!station) return;
    // A batch at a time, until none is due (a busy first morning sends them all).
    for (int round = 0; round < 100 && !m_cancel; ++round) {
        auto r = station->call(app::TakeMails{10});
        if (!r) {
            log_line(LogLevel::error, "the e-mails could not be taken from the queue: " + r.error().english());
            return;
        }
        const auto* batch = std::get_if<app::MailBatch>(&*r);
        if (!batch || batch->mails.empty()) return;
        const auto plans = plans_of(*station);
        for (const auto& m : batch->mails) {
            if (m_cancel) return;
            const auto now = m_ctx.clock.now();
            auto text = core::to_rfc5322(mail_message(m_settings, m_ctx.tr(), m, plans, m_ctx.calendar->local_day(now), now));
            SmtpResult sent;
            if (!text) {
                sent.error = text.error().english();
                sent.permanent = true;
            } else {
                sent = smtp_send(m_settings.smtp, m_settings.password, m.recipient, *text, &m_cancel);
            }
            if (m_cancel && !sent.ok) return;  // stopped: the lease runs out, it is taken again
            if (sent.ok) log_line(LogLevel::info, "renewal reminder " + std::to_string(m.id) + " sent");
            else log_line(LogLevel::warning, "renewal reminder " + std::to_string(m.id) + " not sent: " + sent.error);
            // Refused for good: reported as the last try.
            std::string error = sent.ok ? "" : sent.error.empty() ? "failed" : sent.error;
            if (sent.permanent) error = "refused: " + error;
            if (auto t = station->call(app::MailTried{m.id, error, sent.permanent}); !t)
                log_line(LogLevel::error, "the try of e-mail " + std::to_string(m.id) + " could not be recorded: " + t.error().english());
        }
    }
}

std::expected<std::unique_ptr<MailSender>, core::Problem> start_mail_sender(Context& ctx) {
    auto s = mail_settings(ctx);
    if (!s) return std::unexpected(s.error());
    if (!*s) return std::unique_ptr<MailSender>{};
    return std::make_unique<MailSender>(ctx, std::move(**s));
}

// [MailCommands] ----------------------------------------------------------------------------

MailCommands::MailCommands(CLI::App& app) {
    auto* m = app.add_subcommand("mail", "E-mail: the renewal reminders ([smtp] in etabli.toml)");
    m_list = m->add_subcommand("list", "The e-mails queued, sent and given up, latest first");
    m_list->add_flag("--all", m_all, "All of them (else the latest 50)");
    m_test = m->add_subcommand("test", "Sends one message now with the [smtp] settings, to check them");
    m_test->add_option("--to", m_to, "The address to send it to")->required();
    m->require_subcommand(1);
}

std::optional<int> MailCommands::run(Context& ctx) {
    if (m_list->parsed()) return list(ctx);
    if (m_test->parsed()) return test(ctx);
    return std::nullopt;
}

int MailCommands::list(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    auto r = ctx.station->call(app::ListMails{m_all ? 10000 : 50, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto& mails = std::get<app::MailBatch>(*r).mails;
    if (ctx.json) {
        json a = json::array();
        for (const auto& m : mails) {
            json o{{"id", m.id},       {"member", m.member},     {"name", m.name},
                   {"until", core::format_date(m.until)},        {"to", m.recipient},
                   {"status", status_of(m)},                     {"attempts", m.attempts},
                   {"queued_at", core::format_timestamp(m.queued_at)}};
            if (m.sent_at) o["sent_at"] = core::format_timestamp(*m.sent_at);
            if (m.given_up_at) o["given_up_at"] = core::format_timestamp(*m.given_up_at);
            if (!m.sent_at && !m.given_up_at) o["next_try_at"] = core::format_timestamp(m.next_try_at);
            if (!m.last_error.empty()) o["error"] = m.last_error;
            a.push_back(std::move(o));
        }
        cli_out() << a.dump() << '\n';
        return kDone;
    }
    if (mails.empty()) {
        cli_out() << ctx.t(N_("No e-mail in the queue.")) << '\n';
        return kDone;
    }
    for (const auto& m : mails) {
        const auto& when = m.sent_at ? *m.sent_at : m.given_up_at ? *m.given_up_at : m.next_try_at;
        cli_out() << m.id << "  " << core::format_local_date(ctx.calendar->local_day(when), ctx.lang) << "  " << ctx.t(status_of(m)) << "  " << m.name << " <" << m.recipient
                  << ">  " << ctx.render(problem("membership ends {0}", {core::format_local_date(m.until, ctx.lang)}));
        if (m.attempts > 0) cli_out() << "  " << ctx.render(problem("tries: {0}", {std::to_string(m.attempts)}));
        if (!m.last_error.empty() && !m.sent_at) cli_out() << "  (" << m.last_error << ")";
        cli_out() << '\n';
    }
    return kDone;
}

int MailCommands::test(Context& ctx) {
    auto settings = mail_settings(ctx);
    if (!settings) return ctx.fail(kBadInput, settings.error());
    if (!*settings) return ctx.fail(kBadInput, problem("No e-mail is configured: add an [smtp] section to etabli.toml"));
    auto to = core::normalize_email(m_to);
    if (!to) return ctx.fail(kBadInput, to.error());
    if (!*to) return ctx.fail(kBadInput, problem("The e-mail \"{0}\" is not valid", {m_to}));
    const auto& s = **settings;
    auto msg = envelope(s, **to, ctx.clock.now(), "test");
    msg.subject = ctx.t(N_("Test message from the workshop's station"));
    msg.body = ctx.t(N_("This message checks the e-mail settings of the station ([smtp] in etabli.toml). Renewal reminders will go out the same way.")) + "\n";
    auto text = core::to_rfc5322(msg);
    if (!text) return ctx.fail(kBadInput, text.error());
    const auto sent = smtp_send(s.smtp, s.password, **to, *text);
    if (!sent.ok) return ctx.fail(kRefused, problem("The e-mail was not sent: {0}", {sent.error}));
    if (ctx.json) cli_out() << json{{"sent", true}, {"to", **to}}.dump() << '\n';
    else cli_out() << ctx.render(problem("Test message sent to {0}.", {**to})) << '\n';
    return kDone;
}

}  // namespace etabli::cli
