// The PostgreSQL side of db::Connection and db::Statement (database.hpp): a statement's text
// with $N parameters, its parameters as text, its rows, and what the last failure was.
// Private to db/src. Layer: db. Thread: the one that owns the connection.
#pragma once

#include <etabli/db/database.hpp>
#include <etabli/db/pg.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_result;

namespace etabli::db {

struct PgLink {
    std::unique_ptr<PgConnection> conn;
    std::string state;          // the SQLSTATE of the last failure, empty after a success
    std::string constraint;     // the constraint it names, if any
    std::int64_t changes = 0;   // rows the last statement changed
    int next_name = 0;          // prepared statements are named etabli_1, etabli_2…
    int generation = 0;         // one more at each reconnection: statements are prepared again
    std::chrono::steady_clock::time_point last_try{};  // the last reconnection tried
    bool resetting = false;     // a reconnection on its way (PQresetStart, polled)
    bool lost = false;          // the last failure was the link's (made again before the next transaction)
};

struct PgStatement {
    PgLink* link = nullptr;
    std::string sql;            // with $N
    std::string name;           // prepared once under this name; empty: sent whole each time
    bool prepared = false;
    int generation = 0;         // the link's, when prepared
    std::vector<int> slot;      // slot[N]: the $ number of SQLite's ?N, 0 when the SQL does not name it
    std::vector<std::optional<std::string>> params;  // one per $N (unbound: NULL)
    pg_result* res = nullptr;   // the rows, once run
    int row = -1, rows = 0;
    ~PgStatement();
};

// libpq's message on one line, without its "ERROR:  " prefix (pg.cpp).
std::string pg_one_line(const char* text);

// SQLite's ?N and ? as PostgreSQL's $M, M in the order of first use (nothing changes inside
// quotes): slot[N] = M, `count` the number of M.
std::string pg_placeholders(std::string_view sql, std::vector<int>& slot, int& count);

std::expected<bool, Problem> pg_step(PgStatement& st);
void pg_reset(PgStatement& st);
bool pg_is_null(const PgStatement& st, int col);
std::int64_t pg_int(const PgStatement& st, int col);
std::string pg_text(const PgStatement& st, int col);
int pg_column_count(const PgStatement& st);
std::string pg_column_name(const PgStatement& st, int col);
// Statements without parameters, several separated by ';'.
std::expected<void, Problem> pg_exec(PgLink& link, const char* sql);
bool pg_in_transaction(const PgLink& link);
// A link that dropped is made again (at most every second, bounded by the connection timeout):
// the server restarted, or the network came back. A Problem while it is still down.
std::expected<void, Problem> pg_reconnect_if_dropped(PgLink& link);

}  // namespace etabli::db
