// SqlStore, the e-mail queue: the table of db/migrations/020_mail_queue.sql. The station
// thread queues and takes; each try is one short transaction. No event row: the queue itself
// is the record of what was sent, and it holds addresses (personal data, purged).
// Layer: db. Thread: the station thread.
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_MAIL_COLUMNS \
    "id, kind, member_id, until_day, recipient, queued_at, next_try_at, attempts, last_error, sent_at, given_up_at"

std::expected<app::OutMail, Problem> read_mail(const Statement& st) {
    app::OutMail m;
    m.id = st.column_int(0);
    const auto key = std::to_string(m.id);
    if (st.column_text(1) != "renewal") return std::unexpected(bad_row("mail_queue", key, "kind", st.column_text(1)));
    m.kind = core::MailKind::renewal;
    m.member = st.column_int(2);
    auto day = core::parse_date(st.column_text(3));
    if (!day) return std::unexpected(bad_row("mail_queue", key, "until_day", st.column_text(3)));
    m.until = *day;
    m.recipient = st.column_text(4);
    ETABLI_TRY(queued, read_ts(st, 5, "mail_queue", key, "queued_at"));
    m.queued_at = *queued;
    ETABLI_TRY(next, read_ts(st, 6, "mail_queue", key, "next_try_at"));
    m.next_try_at = *next;
    m.attempts = static_cast<int>(st.column_int(7));
    if (!st.is_null(8)) m.last_error = st.column_text(8);
    ETABLI_TRY(sent, read_opt_ts(st, 9, "mail_queue", key, "sent_at"));
    m.sent_at = *sent;
    ETABLI_TRY(given_up, read_opt_ts(st, 10, "mail_queue", key, "given_up_at"));
    m.given_up_at = *given_up;
    return m;
}

}  // namespace

std::expected<int, Problem> SqlStore::queue_mails(const std::vector<app::OutMail>& mails, Timestamp at) {
    return guarded([&]() -> std::expected<int, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        int added = 0;
        for (const auto& m : mails) {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO mail_queue (kind, member_id, until_day, recipient, queued_at, next_try_at) "
                                         "VALUES ('renewal', ?1, ?2, ?3, ?4, ?4) ON CONFLICT (kind, member_id, until_day) DO NOTHING"));
            (*st)->bind(1, m.member).bind(2, core::format_date(m.until)).bind(3, m.recipient).bind(4, ts(at));
            ETABLI_CHECK((*st)->run());
            added += static_cast<int>(m_conn.changes());
        }
        ETABLI_CHECK(tx->commit());
        return added;
    });
}

std::expected<std::vector<app::OutMail>, Problem> SqlStore::take_mails(Timestamp now, int limit, Timestamp lease_until) {
    return guarded([&]() -> std::expected<std::vector<app::OutMail>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        // Timestamps are ISO-8601 UTC texts of one width: they sort as they compare.
        ETABLI_TRY(st, m_conn.cached("SELECT " ETABLI_MAIL_COLUMNS " FROM mail_queue WHERE sent_at IS NULL AND given_up_at IS NULL "
                                     "AND next_try_at <= ?1 ORDER BY next_try_at, id LIMIT ?2"));
        (*st)->bind(1, ts(now)).bind(2, std::int64_t{limit});
        ETABLI_TRY(rows, read_all<app::OutMail>(**st, read_mail));
        for (const auto& m : *rows) {
            ETABLI_TRY(up, m_conn.cached("UPDATE mail_queue SET next_try_at = ?1 WHERE id = ?2"));
            (*up)->bind(1, ts(lease_until)).bind(2, m.id);
            ETABLI_CHECK((*up)->run());
        }
        ETABLI_CHECK(tx->commit());
        return std::move(*rows);
    });
}

std::expected<void, Problem> SqlStore::mail_tried(const app::MailTry& t) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        const char* sql = t.sent ? "UPDATE mail_queue SET sent_at = ?1, attempts = attempts + ?2, last_error = NULL WHERE id = ?5 "
                                   "AND sent_at IS NULL AND given_up_at IS NULL"
                          : t.next_try
                              ? "UPDATE mail_queue SET attempts = attempts + ?2, last_error = ?3, next_try_at = ?4 WHERE id = ?5 "
                                "AND sent_at IS NULL AND given_up_at IS NULL"
                              : "UPDATE mail_queue SET given_up_at = ?1, attempts = attempts + ?2, last_error = ?3 WHERE id = ?5 "
                                "AND sent_at IS NULL AND given_up_at IS NULL";
        ETABLI_TRY(st, m_conn.cached(sql));
        (*st)->bind(1, ts(t.at)).bind(2, std::int64_t{t.counts ? 1 : 0}).bind(3, t.error.substr(0, 500)).bind(4, opt_ts(t.next_try)).bind(5, t.id);
        ETABLI_CHECK((*st)->run());
        ETABLI_CHECK(tx->commit());
        return {};
    });
}

std::expected<std::vector<app::OutMail>, Problem> SqlStore::list_mails(int limit) {
    return guarded([&]() -> std::expected<std::vector<app::OutMail>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_MAIL_COLUMNS " FROM mail_queue ORDER BY queued_at DESC, id DESC LIMIT ?1"));
        st->bind(1, std::int64_t{limit});
        return read_all<app::OutMail>(*st, read_mail);
    });
}

}  // namespace etabli::db
