// A connection to a PostgreSQL database (Debian's libpq 15), for the stations of a workshop
// that share one database (issue 21). What the PostgreSQL store will stand on: statements
// with parameters (never text pasted into SQL), transactions, the session advisory locks that
// keep two stations from migrating at once, and every failure as a translated Problem.
// Layer: db. One connection is used by one thread at a time.
#pragma once

#include <etabli/core/problem.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace etabli::db {

// One row: each column as text, none for SQL NULL.
using PgRow = std::vector<std::optional<std::string>>;

class PgConnection {
public:
    // `url`: postgresql://… or "host=… dbname=…"; gives up after `timeout`. A refusal names
    // the server and says why (not reachable, no such database, password refused…).
    static std::expected<std::unique_ptr<PgConnection>, core::Problem> open(const std::string& url,
                                                                          std::chrono::seconds timeout = std::chrono::seconds{5});
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Statements without parameters, several separated by ';' (a migration).
    std::expected<void, core::Problem> exec(const std::string& sql);
    // One statement with $1, $2… bound to `params` (none: NULL); its rows.
    std::expected<std::vector<PgRow>, core::Problem> query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
    // The SQLSTATE of the last failure ("23P01": an exclusion constraint refused the row),
    // empty after a success: how the store will tell "just booked at the other kiosk" from
    // a broken connection.
    const std::string& last_state() const { return m_state; }
    // A session advisory lock on `key`: taken (true) or held by another session (false).
    std::expected<bool, core::Problem> try_lock(std::int64_t key);
    std::expected<void, core::Problem> unlock(std::int64_t key);
    // The change feed: LISTEN on `channel` (an identifier of ours, never a user's text), then
    // the next notification any session sent on it, waiting up to `timeout`; none when none
    // came. A connection that dropped is a Problem (the station then reloads in full).
    struct Notification {
        std::string channel, payload;
        int pid = 0;  // the backend process of the session that sent it (backend_pid() there)
    };
    std::expected<void, core::Problem> listen(const std::string& channel);
    std::expected<std::optional<Notification>, core::Problem> next_notification(std::chrono::milliseconds timeout);
    // Whether the connection is still up.
    bool ok() const;
    // The server process of this session: what its notifications carry as `pid`.
    int backend_pid() const;
    // libpq's handle, for db::Connection's statements (database_pg.cpp).
    pg_conn* raw() const { return m_conn; }

private:
    explicit PgConnection(pg_conn* c) : m_conn(c) {}
    core::Problem failure(const char* what);
    pg_conn* m_conn;
    std::string m_state;
};

}  // namespace etabli::db
