// The e-mails of the station as the app layer sees them: a queued e-mail (OutMail), the
// commands of the mail feature (station_mail.cpp) and its snapshot part (MailView).
// The station thread queues a renewal reminder for each member with an e-mail whose
// membership ends within [smtp] remind_days, once per membership end; the service's mail
// thread (station/cli/src/mail_cmds.cpp) takes the due ones (TakeMails), sends them with
// nothing of the station waiting, and says how each went (MailTried). Layer: app.
#pragma once

#include <etabli/core/mail.hpp>
#include <etabli/core/member.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// One row of the queue.
struct OutMail {
    std::int64_t id = 0;  // 0 until stored
    core::MailKind kind = core::MailKind::renewal;
    core::MemberId member = 0;
    core::Date until{};      // the end of the membership it is about
    std::string recipient;   // the member's e-mail when queued (when taken: as it is now)
    core::Timestamp queued_at{}, next_try_at{};
    int attempts = 0;
    std::string last_error;  // the last failed try's reason (English, from the server)
    std::optional<core::Timestamp> sent_at, given_up_at;
    // When taken: the member as the directory has them now (the text is written in their language).
    std::string name;
    core::Lang lang = core::Lang::fr;
};
// How one try went, for the Store.
struct MailTry {
    std::int64_t id = 0;
    core::Timestamp at{};
    bool sent = false;
    std::string error;                         // not sent: why
    std::optional<core::Timestamp> next_try;   // not sent: when to try again; none: given up
    bool counts = true;                        // a try made (false: dropped before any try)
};

// [Commands] TakeMails and MailTried come from the service's mail thread (Need::device).
// The due e-mails, oldest first, at most `limit`; each is leased to the taker for 10 minutes
// (taken again after that if no MailTried came). Reminders no longer due (renewed, e-mail
// gone) are dropped, not returned.
struct TakeMails { int limit = 10; };
// How the try of a taken e-mail went: `error` empty when the server accepted it;
// `permanent`: refused for good (no such mailbox), not tried again.
struct MailTried { std::int64_t id = 0; std::string error; bool permanent = false; };
// The queue as it stands, latest first (`etabli mail list`).
struct ListMails { int limit = 200; std::optional<core::MemberId> actor; };
struct MailBatch { std::vector<OutMail> mails; };

// [Snapshot part] Whether reminders are on, and how the sending goes (for the hosts' panel).
struct MailView {
    bool enabled = false;
    int failed_in_a_row = 0;     // tries that failed since the last e-mail sent
    std::string last_error;      // the last failure's reason (the server's words)
    std::optional<core::Timestamp> last_sent;
};

}  // namespace etabli::app
