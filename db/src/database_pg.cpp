// db::Connection and db::Statement on PostgreSQL (see database.hpp and pg_link.hpp).
// Layer: db. Thread: the one that owns the connection.
#include "pg_link.hpp"

#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace etabli::db {

namespace {

// Type oids of the columns whose text differs from SQLite's (pg_type.dat).
constexpr Oid kBool = 16, kTimestamp = 1114, kTimestamptz = 1184;

std::string one_line(const char* text) { return pg_one_line(text); }

// Whether a failure was the link's: the connection is gone, libpq failed on its side (no
// SQLSTATE: "server closed the connection unexpectedly", "could not send data"), or the server
// said it went away (class 08, an administrator's shutdown, a server starting or stopping).
bool pg_failure_is_link(PgLink& link) {
    return PQstatus(link.conn->raw()) != CONNECTION_OK || link.state.empty() ||
           (link.state.starts_with("08") && link.state != "08P01") ||  // not a protocol violation: our fault
           link.state == "57P01" || link.state == "57P02" || link.state == "57P03";
}

// A call that succeeded: no failure to tell, and the link is up.
void succeeded(PgLink& link) {
    link.state.clear();
    link.constraint.clear();
    link.lost = false;
}

// The Problem for a failed call: a link that dropped says so (the station then works offline
// until it comes back); anything else is the server's refusal, on one line.
Problem failure(PgLink& link, PGresult* r) {
    const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    link.state = code ? code : "";
    const char* constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    link.constraint = constraint ? constraint : "";
    pg_conn* c = link.conn->raw();
    const char* why = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
    link.lost = pg_failure_is_link(link);
    if (link.lost) return core::storage_problem("Network unavailable: the link to the shared database dropped ({0}). Badge-ins and badge-outs are noted on this station; the rest waits for the network.", {one_line(why)});
    return core::storage_problem("The PostgreSQL database refused a change: {0}", {one_line(why)});
}

}  // namespace

PgStatement::~PgStatement() { PQclear(res); }

bool Connection::link_down() const {
    return m_pg && (m_pg->lost || m_pg->resetting || PQstatus(m_pg->conn->raw()) != CONNECTION_OK);
}

std::string pg_placeholders(std::string_view sql, std::vector<int>& slot, int& count) {
    std::string out;
    out.reserve(sql.size() + 8);
    slot.assign(1, 0);
    count = 0;
    int bare = 0;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char ch = sql[i];
        if (quote) {
            out += ch;
            if (ch == quote) quote = 0;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            out += ch;
            continue;
        }
        if (ch != '?') {
            out += ch;
            continue;
        }
        std::size_t j = i + 1;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
        int n = 0;
        if (j == i + 1) n = ++bare;
        else std::from_chars(sql.data() + i + 1, sql.data() + j, n);
        if (n < 1) n = ++bare;
        if (slot.size() <= static_cast<std::size_t>(n)) slot.resize(static_cast<std::size_t>(n) + 1, 0);
        int& m = slot[static_cast<std::size_t>(n)];
        if (m == 0) m = ++count;
        out += '$';
        out += std::to_string(m);
        i = j - 1;
    }
    return out;
}

std::expected<bool, Problem> pg_step(PgStatement& st) {
    if (!st.res) {
        PgLink& link = *st.link;
        pg_conn* c = link.conn->raw();
        std::vector<const char*> values;
        values.reserve(st.params.size());
        for (const auto& p : st.params) values.push_back(p ? p->c_str() : nullptr);
        const int n = static_cast<int>(values.size());
        PGresult* r = nullptr;
        if (!st.name.empty()) {
            if (!st.prepared || st.generation != link.generation) {
                PGresult* p = PQprepare(c, st.name.c_str(), st.sql.c_str(), 0, nullptr);
                if (PQresultStatus(p) != PGRES_COMMAND_OK) {
                    auto problem = failure(link, p);
                    PQclear(p);
                    return std::unexpected(std::move(problem));
                }
                PQclear(p);
                st.prepared = true;
                st.generation = link.generation;
            }
            r = PQexecPrepared(c, st.name.c_str(), n, values.data(), nullptr, nullptr, 0);
        } else {
            r = PQexecParams(c, st.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0);
        }
        const auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            auto problem = failure(link, r);
            PQclear(r);
            return std::unexpected(std::move(problem));
        }
        succeeded(link);
        const char* changed = PQcmdTuples(r);
        link.changes = changed && *changed ? std::atoll(changed) : 0;
        st.res = r;
        st.rows = PQntuples(r);
        st.row = -1;
    }
    return ++st.row < st.rows;
}

void pg_reset(PgStatement& st) {
    PQclear(st.res);
    st.res = nullptr;
    st.row = -1;
    st.rows = 0;
    for (auto& p : st.params) p.reset();
}

bool pg_is_null(const PgStatement& st, int col) {
    return !st.res || st.row < 0 || st.row >= st.rows || col >= PQnfields(st.res) || PQgetisnull(st.res, st.row, col);
}

std::int64_t pg_int(const PgStatement& st, int col) {
    if (pg_is_null(st, col)) return 0;
    const char* v = PQgetvalue(st.res, st.row, col);
    if (PQftype(st.res, col) == kBool) return v[0] == 't' ? 1 : 0;
    std::int64_t out = 0;
    std::from_chars(v, v + std::strlen(v), out);  // a numeric's decimals are dropped, as SQLite does
    return out;
}

std::string pg_text(const PgStatement& st, int col) {
    if (pg_is_null(st, col)) return {};
    const char* v = PQgetvalue(st.res, st.row, col);
    std::string s(v, static_cast<std::size_t>(PQgetlength(st.res, st.row, col)));
    const Oid type = PQftype(st.res, col);
    if (type == kBool) return s == "t" ? "1" : "0";
    // '2026-11-28 14:00:00+00' (UTC: the session's time zone) as SQLite's '2026-11-28T14:00:00Z'.
    if ((type == kTimestamptz || type == kTimestamp) && s.size() >= 19 && s[10] == ' ') {
        s.resize(19);
        s[10] = 'T';
        s += 'Z';
    }
    return s;
}

int pg_column_count(const PgStatement& st) { return st.res ? PQnfields(st.res) : 0; }

std::string pg_column_name(const PgStatement& st, int col) {
    const char* n = st.res ? PQfname(st.res, col) : nullptr;
    return n ? n : "";
}

std::expected<void, Problem> pg_exec(PgLink& link, const char* sql) {
    PGresult* r = PQexec(link.conn->raw(), sql);
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        auto problem = failure(link, r);
        PQclear(r);
        return std::unexpected(std::move(problem));
    }
    succeeded(link);
    PQclear(r);
    return {};
}

bool pg_in_transaction(const PgLink& link) {
    // A link that dropped is in no transaction (PQTRANS_UNKNOWN): the next one makes it again.
    const auto s = PQtransactionStatus(link.conn->raw());
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

// The link made again without holding the station's thread: the new connection is started
// (at most once a second) and carried on for at most 50 ms at each call, libpq's socket polled
// (a server on the network that does not answer costs a kiosk 50 ms, not connect_timeout; a
// host name is still resolved at the start, in one go: give stations the server's address
// when its name server may be out of reach with it).
std::expected<void, Problem> pg_reconnect_if_dropped(PgLink& link) {
    pg_conn* c = link.conn->raw();
    if (!link.resetting && !link.lost && PQstatus(c) == CONNECTION_OK) return {};
    auto dropped = [](std::string why) {
        return std::unexpected(core::storage_problem(
            "Network unavailable: the link to the shared database dropped ({0}). Badge-ins and badge-outs are noted on this station; the rest waits for the network.",
            {std::move(why)}));
    };
    const auto now = std::chrono::steady_clock::now();
    if (!link.resetting) {
        if (now - link.last_try < std::chrono::seconds{1}) return dropped("not back yet");
        link.last_try = now;
        if (!PQresetStart(c)) return dropped(one_line(PQerrorMessage(c)));
        link.resetting = true;
    }
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    for (const auto until = now + std::chrono::milliseconds{50};;) {
        pollfd fd{PQsocket(c), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (fd.fd < 0) break;
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (ready <= 0) return dropped("not back yet");  // on its way: carried on at the next call
        st = PQresetPoll(c);
        if (st == PGRES_POLLING_OK || st == PGRES_POLLING_FAILED) break;
    }
    link.resetting = false;
    if (PQstatus(c) != CONNECTION_OK) return dropped(one_line(PQerrorMessage(c)));
    ++link.generation;  // the server forgot the prepared statements
    return pg_exec(link, "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'");
}

}  // namespace etabli::db
