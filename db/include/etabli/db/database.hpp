// The storage layer's plumbing: RAII owners of a connection, a prepared statement and a write
// transaction, on an embedded SQLite file or on a PostgreSQL database that several stations
// share (issue 21), and the one way to open an Établi database file safely (checks first, then
// pragmas, then migrations).
// The store's SQL is written once, in the words both understand; the few places where they
// differ ask dialect(). On PostgreSQL: ?N parameters become $N, times come back in the same
// text as SQLite's ('YYYY-MM-DDTHH:MM:SSZ'), booleans as 0/1, a constraint refused is
// error_code() == SQLITE_CONSTRAINT (19), and every write transaction takes the database's
// one write lock, as SQLite's BEGIN IMMEDIATE does.
// Layer: db. A Connection and everything made from it belong to one thread at a time: the
// station thread, or the CLI's main thread before a Station exists.
//
// Nothing here throws on purpose and every SQLite failure becomes a core::Problem
// ("Storage error: {0}" with sqlite3_errmsg), so callers only ever see values.
#pragma once

#include <etabli/core/problem.hpp>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace etabli::db {

class PgConnection;
struct PgStatement;  // a statement's PostgreSQL side: its text, parameters and rows (database.cpp)
struct PgLink;       // a connection's PostgreSQL side (database.cpp)

enum class Dialect { sqlite, postgres };
// Whether `location` (a --db value, a [database] url) names a PostgreSQL database rather than
// a file: postgresql://… or postgres://….
bool is_postgres_url(std::string_view location);

using core::Problem;

// "Storage error: {detail}": the catch-all for failures a person cannot fix by retyping.
Problem storage_problem(std::string detail);
// The Problem for a failed SQLite call: a full disk, a disk that fails to write and a
// damaged file each say what happened and what to do; anything else is storage_problem().
Problem sqlite_problem(int rc, const char* detail);

// [Statement]
// A prepared statement. Bind errors are remembered and reported by the next step(), so a
// chain of binds needs no checks in between. Parameters and columns are 1- and 0-based,
// as in SQLite.
class Statement {
public:
    Statement();
    Statement(sqlite3_stmt* stmt, sqlite3* db);
    explicit Statement(std::unique_ptr<PgStatement> pg);
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement& operator=(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view{text}); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view{text}); }
    Statement& bind(int index, const std::optional<std::string>& text);
    Statement& bind(int index, std::optional<std::int64_t> value);
    Statement& bind_null(int index);
    // Whether the SQL names parameter ?index (binding one it does not name is ignored).
    bool has_parameter(int index) const;

    // True when a row is available, false when the statement is done.
    std::expected<bool, Problem> step();
    // Steps to completion, for statements that return no rows (or whose rows are ignored).
    std::expected<void, Problem> run();
    // Ready for new bindings: resets and clears every parameter.
    void reset();

    bool is_null(int col) const;
    std::int64_t column_int(int col) const;
    std::string column_text(int col) const;
    std::optional<std::string> column_optional_text(int col) const;
    // The columns of the result (on PostgreSQL, known once step() ran).
    int column_count() const;
    std::string column_name(int col) const;

    sqlite3_stmt* get() const { return m_stmt; }

private:
    void note(int rc);
    sqlite3_stmt* m_stmt = nullptr;
    sqlite3* m_db = nullptr;
    int m_bind_rc = 0;  // first failing bind since the last reset, 0 when none
    std::unique_ptr<PgStatement> m_pg;  // set on PostgreSQL (m_stmt is then null)
};

// [Connection]
class Connection {
public:
    Connection();
    ~Connection();
    Connection(Connection&& o) noexcept;
    Connection& operator=(Connection&& o) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Opens `uri_or_path` with sqlite3_open_v2 flags (SQLITE_OPEN_URI is always added). No
    // checks and no pragmas: use open_database() for an Établi file.
    static std::expected<Connection, Problem> open_raw(const std::string& uri_or_path, int flags);
    // A PostgreSQL database (postgresql://…), in UTC: no migration (open_store migrates).
    static std::expected<Connection, Problem> open_postgres(const std::string& url);

    // The SQLite handle; null on PostgreSQL.
    sqlite3* get() const { return m_db; }
    explicit operator bool() const { return m_db != nullptr || m_pg != nullptr; }
    Dialect dialect() const { return m_pg ? Dialect::postgres : Dialect::sqlite; }
    // The PostgreSQL connection; null on SQLite.
    PgConnection* postgres() const;
    // On PostgreSQL, whether the link to the server is down (its last failure was the
    // network or the server going away); never on SQLite.
    bool link_down() const;
    // Whether a transaction is open (a Transaction inside it becomes a savepoint).
    bool in_transaction() const;

    // Runs one or more statements with no parameters (migrations, pragmas, BEGIN…).
    std::expected<void, Problem> exec(const char* sql);
    std::expected<Statement, Problem> prepare(std::string_view sql);
    // A statement kept for the life of the connection, reset and ready to bind: the hot paths
    // (badge taps, imports) prepare each SQL text once. `sql` must be a string literal (its
    // address keys the cache).
    std::expected<Statement*, Problem> cached(const char* sql);
    // Resets every cached statement, ending the reads they may still hold open (a SELECT
    // left on a row keeps its snapshot). Called around every commit and rollback.
    void reset_cached();
    // The first column of the first row of `sql` as an integer or text.
    std::expected<std::int64_t, Problem> query_int(const char* sql);
    std::expected<std::string, Problem> query_text(const char* sql);

    std::int64_t changes() const;
    // "Storage error: <sqlite3_errmsg>".
    Problem error() const;
    // The primary result code of the last failure (SQLITE_CONSTRAINT…).
    int error_code() const;
    // On PostgreSQL, the SQLSTATE of the last failure ("23P01": an exclusion constraint) and
    // the constraint it names, if any; empty on SQLite and after a success.
    std::string sql_state() const;
    std::string failed_constraint() const;

private:
    friend class Transaction;  // a PostgreSQL link made again before a transaction
    explicit Connection(sqlite3* db);
    void close();
    sqlite3* m_db = nullptr;
    std::unique_ptr<PgLink> m_pg;  // set on PostgreSQL (m_db is then null)
    std::unordered_map<const char*, Statement> m_cache;
};

// [Transaction]
// A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so a busy database
// waits in busy_timeout instead of failing half-way), or with `Kind::read` a deferred one that
// gives several SELECTs one consistent view. Rolled back by the destructor unless commit()
// succeeded: an early return (or an exception) undoes everything. Begun inside another
// transaction it is a savepoint of it: its commit() keeps its changes for the outer one to
// commit or roll back, so several use cases can run as one (Store::atomically).
class Transaction {
public:
    enum class Kind { write, read };
    static std::expected<Transaction, Problem> begin(Connection& c, Kind kind = Kind::write);
    ~Transaction();
    Transaction(Transaction&& o) noexcept : m_conn(o.m_conn), m_nested(o.m_nested) { o.m_conn = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    std::expected<void, Problem> commit();

private:
    explicit Transaction(Connection& c, bool nested = false) : m_conn(&c), m_nested(nested) {}
    Connection* m_conn = nullptr;  // null once committed or rolled back
    bool m_nested = false;         // a savepoint inside an outer transaction
};

// [Opening]
// Where the database lives when --db is not given: $ETABLI_DB, else
// $XDG_DATA_HOME/etabli/etabli.db, else $HOME/.local/share/etabli/etabli.db (else a relative
// "etabli.db" when not even HOME is set).
std::filesystem::path default_db_path();

// Opens the Établi database at `path` for reading and writing, creating its folder and the
// file when missing, with WAL, foreign_keys, busy_timeout 5 s and synchronous FULL, and
// migrates it to `target_version` (the latest when empty).
// Refused, with one Problem that says what to do and without changing anything on disk (no
// -wal/-shm left behind either): a file that is not SQLite, a file written by a newer Établi
// (schema above latest_schema_version()), a read-only file or folder, a folder that cannot
// be created.
// Before it migrates a file that has data, a verified backup goes to `backup_folder`
// (default_backup_folder() when empty); when that fails, nothing is migrated.
std::expected<Connection, Problem> open_database(const std::filesystem::path& path,
                                                 std::optional<int> target_version = std::nullopt,
                                                 const std::filesystem::path& backup_folder = {});

// A "file:" URI for Connection::open_raw with `query` ("mode=ro", "mode=ro&immutable=1"…):
// the absolute path with % ? # escaped.
std::string file_uri(const std::filesystem::path& p, const char* query);

// The turns-on-every-connection pragmas (exposed for tools and tests that open a file
// themselves, e.g. the benchmark's baseline).
std::expected<void, Problem> apply_pragmas(Connection& c);

}  // namespace etabli::db
