// Sending one e-mail to an SMTP server with libcurl: smtp:// with STARTTLS (required unless
// [smtp] starttls = false), or smtps://; login when a user is configured; every try bounded
// by [smtp] timeout_s and stopped at once when `cancel` is set (the service stopping).
// Layer: cli. Any thread (each call its own connection).
#pragma once

#include <etabli/core/mail.hpp>

#include <atomic>
#include <string>

namespace etabli::cli {

struct SmtpResult {
    bool ok = false;
    bool permanent = false;  // the server refused the address for good (550, 551, 553): no retry
    long code = 0;           // the server's last reply code, 0 when none came
    std::string error;       // English, with the server's reply when there was one
};

// `message`: core::to_rfc5322's text. `password`: the configured one, or the file's content.
SmtpResult smtp_send(const core::SmtpConfig& cfg, const std::string& password, const std::string& to, const std::string& message,
                     const std::atomic<bool>* cancel = nullptr);

}  // namespace etabli::cli
