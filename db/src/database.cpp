// SQLite plumbing and the safe opening of an Établi database (see database.hpp).
// Layer: db. Thread: whichever thread owns the connection (station thread, or CLI main).
//
// [SECTION] Index
//   [Statement]    RAII prepared statement, binds, steps
//   [Connection]   RAII connection, exec, statement cache
//   [Transaction]  BEGIN IMMEDIATE with rollback on scope exit
//   [Paths]        default_db_path
//   [Opening]      pre-flight checks that never touch the file, pragmas, migrations

#include <etabli/db/database.hpp>
#include <etabli/db/backup.hpp>
#include <etabli/db/migrations.hpp>

#include "pg_link.hpp"

#include <libpq-fe.h>

#include <sqlite3.h>

#include <array>
#include <cassert>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace etabli::db {

namespace fs = std::filesystem;

Problem storage_problem(std::string detail) {
    return core::problem("Storage error: {0}", {std::move(detail)});
}

Problem sqlite_problem(int rc, const char* detail) {
    const std::string d = detail ? detail : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_FULL:
        return core::storage_problem("The disk is full: nothing was saved. Free some space (old photos, exports) and try again.");
    case SQLITE_IOERR:
        // An fsync that failed after the commit's frames reached the WAL may still come back
        // at the next start: "may not", never "was not".
        return core::storage_problem("The disk failed ({0}): this change may not have been saved. Try again; if it goes on, check the disk.", {d});
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return core::storage_problem("The database file is damaged ({0}): nothing was saved. Run etabli check, then restore the last backup.", {d});
    default: return storage_problem(d);
    }
}

// [Statement] ------------------------------------------------------------------------------

Statement::Statement() = default;
Statement::Statement(sqlite3_stmt* stmt, sqlite3* db) : m_stmt(stmt), m_db(db) {}
Statement::Statement(std::unique_ptr<PgStatement> pg) : m_pg(std::move(pg)) {}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& o) noexcept : m_stmt(o.m_stmt), m_db(o.m_db), m_bind_rc(o.m_bind_rc), m_pg(std::move(o.m_pg)) {
    o.m_stmt = nullptr;
}

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_stmt = o.m_stmt;
        m_db = o.m_db;
        m_bind_rc = o.m_bind_rc;
        m_pg = std::move(o.m_pg);
        o.m_stmt = nullptr;
    }
    return *this;
}

void Statement::note(int rc) {
    if (rc != SQLITE_OK && m_bind_rc == 0) m_bind_rc = rc;
}

namespace {
// A parameter of a PostgreSQL statement, as text: $index.
void pg_param(PgStatement& st, int index, std::optional<std::string> value) {
    // ?index is $slot[index] (numbered in the order of first use, so that none is left
    // without a type); one the SQL does not name is ignored, as SQLite ignores it.
    if (index < 1 || static_cast<std::size_t>(index) >= st.slot.size() || st.slot[static_cast<std::size_t>(index)] == 0) return;
    st.params[static_cast<std::size_t>(st.slot[static_cast<std::size_t>(index)]) - 1] = std::move(value);
}
}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
    if (m_pg) {
        pg_param(*m_pg, index, std::to_string(value));
        return *this;
    }
    note(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (m_pg) {
        pg_param(*m_pg, index, std::string(text));
        return *this;
    }
    // SQLITE_TRANSIENT: SQLite copies, so temporaries are safe to pass.
    note(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view{*text}) : bind_null(index);
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
}

bool Statement::has_parameter(int index) const {
    if (m_pg) return index >= 1 && static_cast<std::size_t>(index) < m_pg->slot.size() && m_pg->slot[static_cast<std::size_t>(index)] > 0;
    return index >= 1 && sqlite3_bind_parameter_name(m_stmt, index) != nullptr;
}

Statement& Statement::bind_null(int index) {
    if (m_pg) {
        pg_param(*m_pg, index, std::nullopt);
        return *this;
    }
    note(sqlite3_bind_null(m_stmt, index));
    return *this;
}

std::expected<bool, Problem> Statement::step() {
    if (m_pg) return pg_step(*m_pg);
    if (m_bind_rc != 0) return std::unexpected(storage_problem(sqlite3_errstr(m_bind_rc)));
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return std::unexpected(sqlite_problem(rc, sqlite3_errmsg(m_db)));
}

std::expected<void, Problem> Statement::run() {
    while (true) {
        auto r = step();
        if (!r) return std::unexpected(r.error());
        if (!*r) return {};
    }
}

void Statement::reset() {
    if (m_pg) {
        pg_reset(*m_pg);
        return;
    }
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bind_rc = 0;
}

bool Statement::is_null(int col) const { return m_pg ? pg_is_null(*m_pg, col) : sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

std::int64_t Statement::column_int(int col) const { return m_pg ? pg_int(*m_pg, col) : sqlite3_column_int64(m_stmt, col); }

std::string Statement::column_text(int col) const {
    if (m_pg) return pg_text(*m_pg, col);
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    if (!p) return {};
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)));
}

int Statement::column_count() const { return m_pg ? pg_column_count(*m_pg) : sqlite3_column_count(m_stmt); }

std::string Statement::column_name(int col) const {
    if (m_pg) return pg_column_name(*m_pg, col);
    const char* n = sqlite3_column_name(m_stmt, col);
    return n ? n : "";
}

std::optional<std::string> Statement::column_optional_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return column_text(col);
}

// [Connection] -----------------------------------------------------------------------------

Connection::Connection() = default;
Connection::Connection(sqlite3* db) : m_db(db) {}
Connection::~Connection() { close(); }

Connection::Connection(Connection&& o) noexcept : m_db(o.m_db), m_pg(std::move(o.m_pg)), m_cache(std::move(o.m_cache)) {
    o.m_db = nullptr;
    o.m_cache.clear();
}

Connection& Connection::operator=(Connection&& o) noexcept {
    if (this != &o) {
        close();
        m_db = o.m_db;
        m_pg = std::move(o.m_pg);
        m_cache = std::move(o.m_cache);
        o.m_db = nullptr;
        o.m_cache.clear();
    }
    return *this;
}

void Connection::close() {
    // Statements first: a connection with live statements does not close.
    m_cache.clear();
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
    m_pg.reset();
}

bool is_postgres_url(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::expected<Connection, Problem> Connection::open_postgres(const std::string& url) {
    auto pg = PgConnection::open(url);
    if (!pg) return std::unexpected(pg.error());
    Connection c;
    c.m_pg = std::make_unique<PgLink>();
    c.m_pg->conn = std::move(*pg);
    // Times are read and written in UTC, in ISO form (pg_text turns them into SQLite's).
    if (auto r = pg_exec(*c.m_pg, "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'"); !r) return std::unexpected(r.error());
    return c;
}

PgConnection* Connection::postgres() const { return m_pg ? m_pg->conn.get() : nullptr; }

bool Connection::in_transaction() const { return m_pg ? pg_in_transaction(*m_pg) : m_db && !sqlite3_get_autocommit(m_db); }

std::expected<Connection, Problem> Connection::open_raw(const std::string& uri_or_path, int flags) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(uri_or_path.c_str(), &db, flags | SQLITE_OPEN_URI, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return std::unexpected(storage_problem(msg));
    }
    sqlite3_extended_result_codes(db, 1);
    return Connection{db};
}

std::expected<void, Problem> Connection::exec(const char* sql) {
    if (m_pg) return pg_exec(*m_pg, sql);
    char* err = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(m_db);
        sqlite3_free(err);
        return std::unexpected(storage_problem(msg));
    }
    return {};
}

namespace {
std::unique_ptr<PgStatement> pg_statement(PgLink& link, std::string_view sql, bool named) {
    auto st = std::make_unique<PgStatement>();
    st->link = &link;
    int count = 0;
    st->sql = pg_placeholders(sql, st->slot, count);
    st->params.resize(static_cast<std::size_t>(count));
    if (named) st->name = "etabli_" + std::to_string(++link.next_name);
    return st;
}
}  // namespace

std::expected<Statement, Problem> Connection::prepare(std::string_view sql) {
    if (m_pg) return Statement{pg_statement(*m_pg, sql, false)};
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(error());
    return Statement{stmt, m_db};
}

std::expected<Statement*, Problem> Connection::cached(const char* sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end() && m_pg) {
        it = m_cache.emplace(sql, Statement{pg_statement(*m_pg, sql, true)}).first;
    } else if (it == m_cache.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) return std::unexpected(error());
        it = m_cache.emplace(sql, Statement{stmt, m_db}).first;
    } else {
        it->second.reset();
    }
    return &it->second;
}

void Connection::reset_cached() {
    for (auto& [sql, st] : m_cache) {
        if (m_pg) st.reset();
        else sqlite3_reset(st.get());
    }
}

std::expected<std::int64_t, Problem> Connection::query_int(const char* sql) {
    auto st = prepare(sql);
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::unexpected(storage_problem(std::string("no result for ") + sql));
    return st->column_int(0);
}

std::expected<std::string, Problem> Connection::query_text(const char* sql) {
    auto st = prepare(sql);
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::unexpected(storage_problem(std::string("no result for ") + sql));
    return st->column_text(0);
}

std::int64_t Connection::changes() const { return m_pg ? m_pg->changes : sqlite3_changes64(m_db); }

Problem Connection::error() const {
    if (m_pg) return storage_problem(m_pg->state.empty() ? "no failure" : "SQLSTATE " + m_pg->state);
    return m_db ? sqlite_problem(sqlite3_errcode(m_db), sqlite3_errmsg(m_db)) : storage_problem("no connection");
}

std::string Connection::sql_state() const { return m_pg ? m_pg->state : std::string{}; }
std::string Connection::failed_constraint() const { return m_pg ? m_pg->constraint : std::string{}; }

int Connection::error_code() const {
    if (m_pg) {
        // Class 23, integrity constraint violation (unique, exclusion, foreign key, check):
        // what SQLite calls SQLITE_CONSTRAINT; 40001/40P01, a transaction to run again: busy.
        if (m_pg->state.starts_with("23")) return SQLITE_CONSTRAINT;
        if (m_pg->state.starts_with("40")) return SQLITE_BUSY;
        return m_pg->state.empty() ? SQLITE_OK : SQLITE_ERROR;
    }
    return m_db ? (sqlite3_errcode(m_db) & 0xff) : SQLITE_MISUSE;
}

// [Transaction] ----------------------------------------------------------------------------

namespace {
bool pg_aborted(const Connection& c) { return PQtransactionStatus(c.postgres()->raw()) == PQTRANS_INERROR; }
}  // namespace

std::expected<Transaction, Problem> Transaction::begin(Connection& c, Kind kind) {
    // Inside an outer transaction: a savepoint, released into it by commit().
    if (c.dialect() == Dialect::postgres && !c.in_transaction())
        if (auto r = pg_reconnect_if_dropped(*c.m_pg); !r) return std::unexpected(r.error());
    const bool nested = c.in_transaction();
    if (c.dialect() == Dialect::postgres) {
        // Several stations write to one database: each write transaction takes its one write
        // lock (a transaction-level advisory lock, "etabli" + 'w'), as SQLite's BEGIN
        // IMMEDIATE does, so a use case reads and writes as if it were alone; what a station's
        // memory did not know is refused by the constraints. A read is one snapshot.
        const char* sql = nested                     ? "SAVEPOINT etabli_nested"
                          : kind == Kind::write ? "BEGIN; SELECT pg_advisory_xact_lock(28556934259698039)"
                                                : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        if (auto r = c.exec(sql); !r) {
            if (!nested) (void)c.exec("ROLLBACK");
            return std::unexpected(r.error());
        }
        return Transaction{c, nested};
    }
    auto st = c.cached(nested ? "SAVEPOINT etabli_nested" : kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    if (!st) return std::unexpected(st.error());
    if (auto r = (*st)->run(); !r) return std::unexpected(r.error());
    return Transaction{c, nested};
}

Transaction::~Transaction() {
    if (!m_conn) return;
    // A failed statement may already have ended the transaction (SQLite rolls back by itself
    // on some errors): only roll back what is still open.
    m_conn->reset_cached();
    if (m_conn->dialect() == Dialect::postgres) {
        if (m_conn->in_transaction()) (void)m_conn->exec(m_nested ? "ROLLBACK TO etabli_nested; RELEASE etabli_nested" : "ROLLBACK");
        return;
    }
    if (!sqlite3_get_autocommit(m_conn->get())) {
        if (m_nested) sqlite3_exec(m_conn->get(), "ROLLBACK TO etabli_nested; RELEASE etabli_nested", nullptr, nullptr, nullptr);
        else sqlite3_exec(m_conn->get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

std::expected<void, Problem> Transaction::commit() {
    assert(m_conn && "commit() called twice or on a moved-from Transaction");
    m_conn->reset_cached();
    if (m_conn->dialect() == Dialect::postgres) {
        // A transaction a failed statement aborted would take COMMIT as ROLLBACK, silently.
        if (pg_aborted(*m_conn)) return std::unexpected(storage_problem("a statement of this change failed: nothing was saved"));
        if (auto r = m_conn->exec(m_nested ? "RELEASE etabli_nested" : "COMMIT"); !r) return r;  // destructor rolls back
        m_conn = nullptr;
        return {};
    }
    auto st = m_conn->cached(m_nested ? "RELEASE etabli_nested" : "COMMIT");
    if (!st) return std::unexpected(st.error());
    if (auto r = (*st)->run(); !r) return std::unexpected(r.error());  // destructor rolls back
    m_conn = nullptr;
    return {};
}

// [Paths] ----------------------------------------------------------------------------------

std::filesystem::path default_db_path() {
    auto env = [](const char* name) -> const char* {
        const char* v = std::getenv(name);
        return v && *v ? v : nullptr;
    };
    if (const char* p = env("ETABLI_DB")) return fs::path(p);
    if (const char* p = env("XDG_DATA_HOME")) return fs::path(p) / "etabli" / "etabli.db";
    if (const char* p = env("HOME")) return fs::path(p) / ".local" / "share" / "etabli" / "etabli.db";
    return fs::path("etabli.db");
}

// [Opening] --------------------------------------------------------------------------------

namespace {

constexpr std::array<char, 16> kSqliteMagic = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                               'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

std::string shown(const fs::path& p) { return p.string(); }

Problem read_only_problem(const fs::path& p) {
    return core::problem(
        "Cannot write to {0}: the file or its folder is read-only. Fix the permissions, or use --db "
        "to choose another file.",
        {shown(p)});
}

}  // namespace

std::string file_uri(const fs::path& p, const char* query) {
    std::string uri = "file:";
    for (char ch : fs::absolute(p).string()) {
        if (ch == '%' || ch == '?' || ch == '#') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(ch));
            uri += buf;
        } else {
            uri += ch;
        }
    }
    uri += '?';
    uri += query;
    return uri;
}

namespace {

// The schema version of an existing SQLite file, read without changing anything on disk.
// A read-only connection on a WAL database creates -wal and -shm files and leaves them behind,
// so when no -wal file exists the file is opened `immutable` (no locks, no side files: the
// main file is then the whole truth). When a -wal exists (a crash, or another process has the
// file open), the side files are already there and a plain read-only open sees its content.
std::expected<int, Problem> peek_schema_version(const fs::path& p) {
    std::error_code ec;
    bool has_wal = fs::exists(fs::path(p.string() + "-wal"), ec);
    auto c = Connection::open_raw(file_uri(p, has_wal ? "mode=ro" : "mode=ro&immutable=1"),
                                  SQLITE_OPEN_READONLY);
    if (!c) return std::unexpected(c.error());
    auto v = c->query_int("PRAGMA user_version");
    if (!v) return std::unexpected(v.error());
    return static_cast<int>(*v);
}

// Everything that can be refused before SQLite opens the file for writing.
std::expected<void, Problem> preflight(const fs::path& p) {
    std::error_code ec;
    fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();

    if (!fs::exists(dir, ec)) {
        if (!fs::create_directories(dir, ec) || ec) {
            return std::unexpected(core::problem(
                "Cannot create the folder {0} ({1}). Create it yourself, or use --db to choose "
                "another place.",
                {shown(dir), ec ? ec.message() : "unknown error"}));
        }
    } else if (!fs::is_directory(dir, ec)) {
        return std::unexpected(core::problem(
            "{0} is not a folder, so the database cannot be created in it. Use --db to choose "
            "another place.",
            {shown(dir)}));
    }

    auto st = fs::status(p, ec);
    bool exists = fs::exists(st);
    if (exists) {
        if (!fs::is_regular_file(st)) {
            return std::unexpected(core::problem(
                "{0} is not a regular file. Use --db to choose the database file.", {shown(p)}));
        }
        auto size = fs::file_size(p, ec);
        if (ec) {
            return std::unexpected(core::problem("Cannot read {0} ({1}). Check its permissions, or use --db to choose another file.",
                                                 {shown(p), ec.message()}));
        }
        // An empty file (touch etabli.db) is a database yet to be initialised.
        if (size > 0) {
            std::array<char, 16> head{};
            std::ifstream in(p, std::ios::binary);
            if (!in) {
                return std::unexpected(core::problem(
                    "Cannot read {0}. Check its permissions, or use --db to choose another file.",
                    {shown(p)}));
            }
            in.read(head.data(), static_cast<std::streamsize>(head.size()));
            if (in.gcount() != static_cast<std::streamsize>(head.size()) || head != kSqliteMagic) {
                return std::unexpected(core::problem(
                    "{0} is not an Établi database (it is not a SQLite file). It was left "
                    "untouched: use --db to choose another file, or move this one away.",
                    {shown(p)}));
            }
            auto version = peek_schema_version(p);
            if (!version) {
                return std::unexpected(core::problem(
                    "{0} cannot be read as a database ({1}). It was left untouched: use --db to "
                    "choose another file, or restore a backup.",
                    {shown(p), version.error().english()}));
            }
            if (*version > latest_schema_version()) {
                return std::unexpected(core::problem(
                    "This database was written by a newer Établi (schema {0}, this version knows "
                    "{1}). Update Établi, or use --db to choose another file.",
                    {std::to_string(*version), std::to_string(latest_schema_version())}));
            }
        }
        if (::access(p.c_str(), W_OK) != 0) return std::unexpected(read_only_problem(p));
    }
    // WAL keeps -wal and -shm files next to the database: the folder must be writable too.
    if (::access(dir.c_str(), W_OK) != 0) return std::unexpected(read_only_problem(p));
    return {};
}

}  // namespace

std::expected<void, Problem> apply_pragmas(Connection& c) {
    // secure_delete: what is deleted or overwritten is zeroed in the file, so an erased
    // member's name does not linger in free space.
    if (auto r = c.exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; "
                        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
        !r) {
        return r;
    }
    auto mode = c.query_text("PRAGMA journal_mode = WAL");
    if (!mode) return std::unexpected(mode.error());
    if (*mode != "wal") {
        // In English: the detail of "Storage error: {0}", not a message.
        const std::string detail = "cannot turn on WAL (journal mode is " + *mode + ")";
        return std::unexpected(storage_problem(detail));
    }
    // journal_mode reset synchronous on some versions; set it once more to be sure.
    return c.exec("PRAGMA synchronous = FULL;");
}

std::expected<Connection, Problem> open_database(const fs::path& path, std::optional<int> target_version,
                                                 const fs::path& backup_folder) {
    try {
        if (path.empty()) {
            return std::unexpected(core::problem("No database file given. Use --db to choose one."));
        }
        if (auto ok = preflight(path); !ok) return std::unexpected(ok.error());
        auto c = Connection::open_raw(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (!c) {
            return std::unexpected(core::problem(
                "Cannot open the database {0} ({1}). Use --db to choose another file.",
                {shown(path), c.error().english()}));
        }
        if (auto r = apply_pragmas(*c); !r) return std::unexpected(r.error());
        const int target = target_version.value_or(latest_schema_version());
        // An upgrade of a workshop's data is preceded by a verified backup; without
        // one, the file stays as it is.
        if (auto current = c->query_int("PRAGMA user_version"); current && *current >= 1 && *current < target) {
            const auto folder = backup_folder.empty() ? default_backup_folder(path) : backup_folder;
            auto b = write_backup(path, folder, BackupKind::pre_migration,
                                  std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
            if (!b) {
                return std::unexpected(core::storage_problem(
                    "The database was not upgraded, because the backup before the upgrade failed: {0}",
                    {b.error().english()}));
            }
        }
        if (auto r = migrate(*c, target); !r) {
            return std::unexpected(r.error());
        }
        return std::move(*c);
    } catch (const std::exception& e) {
        return std::unexpected(storage_problem(e.what()));
    }
}

}  // namespace etabli::db
