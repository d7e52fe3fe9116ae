// A connection to PostgreSQL through libpq (see pg.hpp). Layer: db.
#include <etabli/db/pg.hpp>

#include "pg_link.hpp"

#include <libpq-fe.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <poll.h>

namespace etabli::db {

// libpq's message, on one line and without its "ERROR:  " prefix (pg_link.hpp).
std::string pg_one_line(const char* text) {
    std::string s = text ? text : "";
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
        if (s.starts_with(prefix)) s.erase(0, prefix.size());
    return s;
}

namespace {

std::string one_line(const char* text) { return pg_one_line(text); }

// The server named in a refusal, without a password a URL may hold.
std::string server_of(const std::string& url) {
    auto at = url.rfind('@');
    if (url.starts_with("postgres") && at != std::string::npos) return url.substr(0, url.find("://") + 3) + url.substr(at + 1);
    std::string out;
    for (std::string_view key : {"host=", "dbname="}) {
        auto k = url.find(key);
        if (k == std::string::npos) continue;
        auto end = url.find(' ', k);
        if (!out.empty()) out += ' ';
        out += url.substr(k, end == std::string::npos ? std::string::npos : end - k);
    }
    return out.empty() ? url.substr(0, url.find("password")) : out;
}

struct Result {
    PGresult* r;
    explicit Result(PGresult* p) : r(p) {}
    ~Result() { PQclear(r); }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
};

}  // namespace

std::expected<std::unique_ptr<PgConnection>, core::Problem> PgConnection::open(const std::string& url, std::chrono::seconds timeout) {
    const std::string t = std::to_string(std::max<long long>(1, timeout.count()));
    // Over TCP, a server that vanished (its host down, a cable pulled) is noticed within
    // seconds, not after the system's TCP timeout: keepalives, and tcp_user_timeout for a
    // query left unanswered. A Unix socket ignores them.
    const char* keys[] = {"dbname", "connect_timeout", "application_name", "client_encoding", "keepalives", "keepalives_idle",
                          "keepalives_interval", "keepalives_count", "tcp_user_timeout", nullptr};
    const char* values[] = {url.c_str(), t.c_str(), "etabli", "UTF8", "1", "5", "2", "3", "10000", nullptr};
    // expand_dbname: `url` may be a URL or key=value pairs; the others apply unless it sets them.
    PGconn* c = PQconnectdbParams(keys, values, 1);
    if (!c) return std::unexpected(core::storage_problem("Cannot reach the PostgreSQL database {0}: {1}", {server_of(url), "out of memory"}));
    if (PQstatus(c) != CONNECTION_OK) {
        auto p = core::storage_problem("Cannot reach the PostgreSQL database {0}: {1}", {server_of(url), one_line(PQerrorMessage(c))});
        PQfinish(c);
        return std::unexpected(std::move(p));
    }
    // The server's notices (a connection closed by its shutdown…) are not for the terminal.
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<PgConnection>(new PgConnection(c));
}

PgConnection::~PgConnection() { PQfinish(m_conn); }

bool PgConnection::ok() const { return PQstatus(m_conn) == CONNECTION_OK; }

int PgConnection::backend_pid() const { return PQbackendPID(m_conn); }

core::Problem PgConnection::failure(const char* what) {
    return core::storage_problem("The PostgreSQL database refused a change: {0}", {one_line(what)});
}

std::expected<void, core::Problem> PgConnection::exec(const std::string& sql) {
    Result r(PQexec(m_conn, sql.c_str()));
    const auto st = PQresultStatus(r.r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
        m_state.clear();
        return {};
    }
    const char* code = r.r ? PQresultErrorField(r.r, PG_DIAG_SQLSTATE) : nullptr;
    m_state = code ? code : "";
    return std::unexpected(failure(r.r ? PQresultErrorMessage(r.r) : PQerrorMessage(m_conn)));
}

std::expected<std::vector<PgRow>, core::Problem> PgConnection::query(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    Result r(PQexecParams(m_conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    const auto st = PQresultStatus(r.r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char* code = r.r ? PQresultErrorField(r.r, PG_DIAG_SQLSTATE) : nullptr;
        m_state = code ? code : "";
        return std::unexpected(failure(r.r ? PQresultErrorMessage(r.r) : PQerrorMessage(m_conn)));
    }
    m_state.clear();
    std::vector<PgRow> rows;
    const int n = PQntuples(r.r), cols = PQnfields(r.r);
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        PgRow row;
        row.reserve(static_cast<std::size_t>(cols));
        for (int j = 0; j < cols; ++j)
            row.push_back(PQgetisnull(r.r, i, j) ? std::nullopt
                                                 : std::optional<std::string>(std::string(PQgetvalue(r.r, i, j), static_cast<std::size_t>(PQgetlength(r.r, i, j)))));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::expected<bool, core::Problem> PgConnection::try_lock(std::int64_t key) {
    auto r = query("SELECT pg_try_advisory_lock($1::bigint)", {std::to_string(key)});
    if (!r) return std::unexpected(r.error());
    return !r->empty() && (*r)[0][0] == std::optional<std::string>("t");
}

std::expected<void, core::Problem> PgConnection::unlock(std::int64_t key) {
    auto r = query("SELECT pg_advisory_unlock($1::bigint)", {std::to_string(key)});
    if (!r) return std::unexpected(r.error());
    return {};
}

std::expected<void, core::Problem> PgConnection::listen(const std::string& channel) { return exec("LISTEN " + channel); }

std::expected<std::optional<PgConnection::Notification>, core::Problem> PgConnection::next_notification(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (PGnotify* n = PQnotifies(m_conn)) {
            Notification out{n->relname ? n->relname : "", n->extra ? n->extra : "", n->be_pid};
            PQfreemem(n);
            return out;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{PQsocket(m_conn), POLLIN, 0};
        auto dropped = [](const char* why) { return core::storage_problem("Network unavailable: the link to the shared database dropped ({0}). Badge-ins and badge-outs are noted on this station; the rest waits for the network.", {one_line(why)}); };
        if (p.fd < 0) return std::unexpected(dropped(PQerrorMessage(m_conn)));
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) return std::unexpected(dropped(std::strerror(errno)));
        if (ready > 0 && PQconsumeInput(m_conn) == 0) return std::unexpected(dropped(PQerrorMessage(m_conn)));
    }
}

}  // namespace etabli::db
