// A station's SQLite file copied into PostgreSQL and verified (see pg_copy.hpp). Layer: db.
//
// The tables and columns are PostgreSQL's (information_schema): what both sides hold is
// copied, the documented differences (SQLite's id counters and live-bookings floor,
// PostgreSQL's bookings.blocks_until) are filled or left. Tables go parents first (their
// foreign keys), the closings after the receipts (a closing counts its day's lines, and a
// closed day takes none). Values travel as text: SQLite's 0/1 become booleans; its UTC times
// ('2026-12-07T10:00:00Z') and days are PostgreSQL's input forms already.
#include <etabli/db/pg_copy.hpp>

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/owner_lock.hpp>
#include <etabli/db/pg_schema.hpp>

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

namespace etabli::db {

std::int64_t CopyReport::rows() const {
    std::int64_t n = 0;
    for (const auto& t : tables) n += t.rows;
    return n;
}

namespace {

using core::storage_problem;

struct Column {
    std::string name, type;  // PostgreSQL's data_type: "bigint", "boolean", "timestamp with time zone"…
};
struct Table {
    std::string name;
    std::vector<Column> columns;       // both sides' (the copy's), in PostgreSQL's order
    std::vector<std::string> key;      // the primary key's columns: the order rows are read in
    std::vector<std::string> only_pg;  // PostgreSQL's own columns (bookings.blocks_until)
};

std::string quoted(const std::string& id) { return "\"" + id + "\""; }
std::string joined(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// A SQLite statement's rows, each value as text or none.
std::expected<std::vector<PgRow>, core::Problem> sqlite_rows(Connection& c, const std::string& sql) {
    auto st = c.prepare(sql);
    if (!st) return std::unexpected(st.error());
    std::vector<PgRow> out;
    const int n = sqlite3_column_count(st->get());
    for (;;) {
        auto more = st->step();
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
        PgRow row;
        for (int i = 0; i < n; ++i) row.push_back(st->is_null(i) ? std::nullopt : std::optional<std::string>(st->column_text(i)));
        out.push_back(std::move(row));
    }
    return out;
}

// The tables as PostgreSQL has them, parents first.
std::expected<std::vector<Table>, core::Problem> tables_of(PgConnection& pg, Connection& lite) {
    auto cols = pg.query("SELECT table_name, column_name, data_type FROM information_schema.columns "
                         "WHERE table_schema = current_schema() AND table_name <> 'etabli_schema' ORDER BY table_name, ordinal_position");
    if (!cols) return std::unexpected(cols.error());
    auto keys = pg.query("SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                         "JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true "
                         "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
                         "WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY c.relname, k.ord");
    if (!keys) return std::unexpected(keys.error());
    auto links = pg.query("SELECT DISTINCT c.relname, p.relname FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid "
                          "JOIN pg_class p ON p.oid = f.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE f.contype = 'f' AND n.nspname = current_schema() AND c.oid <> p.oid");
    if (!links) return std::unexpected(links.error());
    std::map<std::string, Table> by_name;
    for (const auto& r : *cols) {
        Table& t = by_name[*r[0]];
        t.name = *r[0];
        t.columns.push_back({*r[1], *r[2]});
    }
    for (const auto& r : *keys)
        if (by_name.contains(*r[0])) by_name[*r[0]].key.push_back(*r[1]);
    // The columns SQLite has too; the others are PostgreSQL's own.
    for (auto& [name, t] : by_name) {
        auto lite_cols = sqlite_rows(lite, "SELECT name FROM pragma_table_info('" + name + "')");
        if (!lite_cols) return std::unexpected(lite_cols.error());
        std::set<std::string> there;
        for (const auto& r : *lite_cols) there.insert(*r[0]);
        if (there.empty()) return std::unexpected(storage_problem("The file has no table {0}: is it an Établi database?", {name}));
        std::vector<Column> both;
        for (const auto& c : t.columns) {
            if (there.contains(c.name)) both.push_back(c);
            else t.only_pg.push_back(c.name);
        }
        t.columns = std::move(both);
    }
    // Parents first; then by name. The closings wait for the receipts.
    std::map<std::string, std::set<std::string>> needs;
    for (const auto& r : *links) needs[*r[0]].insert(*r[1]);
    needs["closings"].insert("receipts");
    // SQLite's id counters are made from the rows before them (the way back).
    needs["alloc_state"].insert({"bookings", "sessions", "queue_entries"});
    std::vector<Table> out;
    std::set<std::string> done;
    while (done.size() < by_name.size()) {
        bool moved = false;
        for (auto& [name, t] : by_name) {
            if (done.contains(name)) continue;
            bool ready = true;
            for (const auto& p : needs[name]) ready = ready && (done.contains(p) || !by_name.contains(p));
            if (!ready) continue;
            out.push_back(t);
            done.insert(name);
            moved = true;
        }
        if (!moved) return std::unexpected(core::storage_problem("The tables' links go round in a circle: cannot copy them in order"));
    }
    return out;
}

// The first table of the database's schema that holds a row ("" when none does).
std::expected<std::string, core::Problem> first_table_with_rows(PgConnection& pg) {
    auto tables = pg.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                           "AND table_type = 'BASE TABLE' AND table_name <> 'etabli_schema' ORDER BY table_name");
    if (!tables) return std::unexpected(tables.error());
    for (const auto& r : *tables) {
        auto any = pg.query("SELECT EXISTS (SELECT 1 FROM " + quoted(*r[0]) + ")");
        if (!any) return std::unexpected(any.error());
        if ((*any)[0][0] == std::optional<std::string>("t")) return *r[0];
    }
    return std::string();
}

// A value in the text form both sides read back: what PostgreSQL gives for `type`.
std::string pg_read(const Column& c) {
    const std::string q = quoted(c.name);
    if (c.type == "boolean") return "CASE WHEN " + q + " THEN '1' ELSE '0' END";  // SQLite's 0/1
    if (c.type == "timestamp with time zone") return "to_char(" + q + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    if (c.type == "date") return "to_char(" + q + ", 'YYYY-MM-DD')";
    return q + "::text";
}

// How both sides read a table's rows: the same columns, in the same text forms and order.
struct Reads {
    std::vector<std::string> names;       // the columns, quoted
    std::string lite_select, pg_select;   // SQLite's and PostgreSQL's SELECT
};
Reads reads_of(const Table& t) {
    Reads r;
    std::vector<std::string> pg_reads, order_lite, order_pg;
    for (const auto& c : t.columns) {
        r.names.push_back(quoted(c.name));
        pg_reads.push_back(pg_read(c));
    }
    for (const auto& k : t.key) {
        order_lite.push_back(quoted(k));
        // Text keys in byte order, as SQLite's BINARY collation sorts them. Qualified: the
        // select list's "id"::text is also called id, and would sort as text.
        const auto col = std::find_if(t.columns.begin(), t.columns.end(), [&](const Column& c) { return c.name == k; });
        order_pg.push_back(quoted(t.name) + "." + quoted(k) + (col != t.columns.end() && col->type == "text" ? " COLLATE \"C\"" : ""));
    }
    const auto order = [](const std::vector<std::string>& keys) { return keys.empty() ? std::string() : " ORDER BY " + joined(keys, ", "); };
    r.lite_select = "SELECT " + joined(r.names, ", ") + " FROM " + quoted(t.name) + order(order_lite);
    r.pg_select = "SELECT " + joined(pg_reads, ", ") + " FROM " + quoted(t.name) + order(order_pg);
    return r;
}

// SHA-256 of the rows, each value with its length (none: a mark of its own).
std::string checksum(const std::vector<PgRow>& rows) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (const auto& row : rows)
        for (const auto& v : row) {
            const std::string head = v ? std::to_string(v->size()) + ":" : std::string("-");
            crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(head.data()), head.size());
            if (v) crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(v->data()), v->size());
        }
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

std::expected<CopyReport, core::Problem> copy_in(Connection& lite, PgConnection& pg, const std::vector<Table>& tables) {
    CopyReport report;
    for (const auto& t : tables) {
        const Reads rd = reads_of(t);
        auto rows = sqlite_rows(lite, rd.lite_select);
        if (!rows) return std::unexpected(rows.error());
        // PostgreSQL's own columns: a booking's range starts as its end (its buffer is added below).
        std::vector<std::string> cols = rd.names;
        std::vector<std::size_t> extra_from;
        for (const auto& o : t.only_pg) {
            if (t.name == "bookings" && o == "blocks_until") {
                const auto ends = std::find_if(t.columns.begin(), t.columns.end(), [](const Column& c) { return c.name == "ends_at"; });
                cols.push_back(quoted(o));
                extra_from.push_back(static_cast<std::size_t>(ends - t.columns.begin()));
            }
        }
        std::string sql = "INSERT INTO " + quoted(t.name) + " (" + joined(cols, ", ") + ") VALUES (";
        for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(i + 1);
        sql += ")";
        for (auto& row : *rows) {
            std::vector<std::optional<std::string>> params = row;
            for (std::size_t i = 0; i < t.columns.size(); ++i)
                if (t.columns[i].type == "boolean" && params[i]) params[i] = *params[i] == "0" ? "false" : "true";
            for (auto from : extra_from) params.push_back(row[from]);
            if (auto r = pg.query(sql, params); !r)
                return std::unexpected(storage_problem("PostgreSQL refused a row of {0}: {1}", {t.name, r.error().english()}));
        }
        if (t.name == "bookings" && !extra_from.empty())
            // The machine's buffer after each booking, as far as the next live booking of the
            // machine: a buffer raised after two bookings were made back to back holds
            // nothing the station did not let them hold.
            if (auto r = pg.exec("UPDATE bookings b SET blocks_until = GREATEST(b.ends_at, LEAST(b.ends_at + m.buffer_after_min * interval '1 minute', "
                                 "COALESCE((SELECT min(n.starts_at) FROM bookings n WHERE n.machine_id = b.machine_id AND n.id <> b.id "
                                 "AND n.state IN ('booked', 'active') AND n.starts_at >= b.ends_at), 'infinity'))) "
                                 "FROM machines m WHERE m.id = b.machine_id AND m.buffer_after_min > 0");
                !r)
                return std::unexpected(storage_problem("PostgreSQL refused a row of {0}: {1}", {t.name, r.error().english()}));
        // Read back from both sides, the same columns in the same forms and order.
        auto back = pg.query(rd.pg_select);
        if (!back) return std::unexpected(back.error());
        // SQLite's booleans are 0/1 already; its other values are text as they were copied.
        const std::string lite_sum = checksum(*rows), pg_sum = checksum(*back);
        if (rows->size() != back->size() || lite_sum != pg_sum)
            return std::unexpected(storage_problem("The copy of {0} differs from the file ({1} rows in the file, {2} in PostgreSQL): nothing was copied",
                                                   {t.name, std::to_string(rows->size()), std::to_string(back->size())}));
        report.tables.push_back({t.name, static_cast<std::int64_t>(rows->size()), pg_sum});
    }
    // The ids to come: each identity sequence past the largest id copied, and the numbers of
    // the weekly series and loan baskets past theirs.
    auto idents = pg.query("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = current_schema() AND is_identity = 'YES'");
    if (!idents) return std::unexpected(idents.error());
    for (const auto& r : *idents)
        if (auto s = pg.exec("SELECT setval(pg_get_serial_sequence('" + *r[0] + "', '" + *r[1] + "'), max(" + quoted(*r[1]) + ")) FROM " +
                             quoted(*r[0]) + " HAVING max(" + quoted(*r[1]) + ") IS NOT NULL");
            !s)
            return std::unexpected(s.error());
    for (const auto& [seq, col, table] : {std::tuple{"booking_series", "series", "bookings"}, std::tuple{"loan_baskets", "basket", "loans"}})
        if (auto s = pg.exec(std::string("SELECT setval('") + seq + "', max(" + col + ")) FROM " + table + " HAVING max(" + col + ") IS NOT NULL"); !s)
            return std::unexpected(s.error());
    return report;
}

// The way back: `tables` from PostgreSQL into the new file, each verified.
std::expected<CopyReport, core::Problem> copy_out(PgConnection& pg, Connection& lite, const std::vector<Table>& tables) {
    CopyReport report;
    for (const auto& t : tables) {
        const Reads rd = reads_of(t);
        const auto& names = rd.names;
        auto rows = pg.query(rd.pg_select);
        if (!rows) return std::unexpected(rows.error());
        if (t.name == "alloc_state" && rows->empty()) {
            // No decision stored yet: the station makes its counters from the rows at start.
        } else if (t.name == "alloc_state") {
            // SQLite's id counters: the next of each, after the rows copied before it.
            std::optional<std::string> as_of;
            if (!rows->empty())
                for (std::size_t i = 0; i < t.columns.size(); ++i)
                    if (t.columns[i].name == "as_of") as_of = (*rows)[0][i];
            auto ins = lite.prepare("INSERT INTO alloc_state (id, next_booking, next_session, next_queue_entry, next_series, as_of) VALUES (1, "
                                    "(SELECT COALESCE(MAX(id), 0) + 1 FROM bookings), (SELECT COALESCE(MAX(id), 0) + 1 FROM sessions), "
                                    "(SELECT COALESCE(MAX(id), 0) + 1 FROM queue_entries), (SELECT COALESCE(MAX(series), 0) + 1 FROM bookings), ?1)");
            if (!ins) return std::unexpected(ins.error());
            if (auto r = ins->bind(1, as_of).run(); !r) return std::unexpected(r.error());
        } else {
            std::string sql = "INSERT INTO " + quoted(t.name) + " (" + joined(names, ", ") + ") VALUES (";
            for (std::size_t i = 0; i < names.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 1);
            sql += ")";
            auto ins = lite.prepare(sql);
            if (!ins) return std::unexpected(ins.error());
            for (const auto& row : *rows) {
                ins->reset();
                for (std::size_t i = 0; i < row.size(); ++i) ins->bind(static_cast<int>(i + 1), row[i]);
                if (auto r = ins->run(); !r)
                    return std::unexpected(storage_problem("SQLite refused a row of {0}: {1}", {t.name, r.error().english()}));
            }
        }
        auto back = sqlite_rows(lite, rd.lite_select);
        if (!back) return std::unexpected(back.error());
        const std::string pg_sum = checksum(*rows), lite_sum = checksum(*back);
        if (rows->size() != back->size() || lite_sum != pg_sum)
            return std::unexpected(storage_problem("The copy of {0} differs from the database ({1} rows in PostgreSQL, {2} in the file): nothing was copied",
                                                   {t.name, std::to_string(rows->size()), std::to_string(back->size())}));
        report.tables.push_back({t.name, static_cast<std::int64_t>(rows->size()), lite_sum});
    }
    // SQLite's floor of the live bookings (migration 009), from the bookings copied.
    if (auto r = lite.exec("UPDATE bookings_live_floor SET floor = COALESCE("
                           "(SELECT MIN(id) FROM bookings WHERE state IN ('booked', 'active')), "
                           "(SELECT COALESCE(MAX(id), 0) + 1 FROM bookings)) WHERE id = 1");
        !r)
        return std::unexpected(r.error());
    return report;
}

}  // namespace

std::expected<CopyReport, core::Problem> copy_pg_to_sqlite(PgConnection& from, const std::filesystem::path& to) {
    std::error_code ec;
    if (std::filesystem::exists(to, ec))
        return std::unexpected(storage_problem("A file is already at {0}: copy into a new file", {to.string()}));
    auto version = pg_schema_version(from);
    if (!version) return std::unexpected(version.error());
    if (*version != pg_latest_schema_version())
        return std::unexpected(storage_problem("The PostgreSQL database is at schema {0}, this Établi writes {1}: start a station of this Établi on it once, then copy it",
                                               {std::to_string(*version), std::to_string(pg_latest_schema_version())}));
    auto lite = open_database(to);
    if (!lite) return std::unexpected(lite.error());
    auto remove_file = [&] {
        *lite = Connection{};
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(to.string() + suffix, ec);
    };
    // One picture of the database, however long the copy takes.
    if (auto r = from.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r) {
        remove_file();
        return std::unexpected(r.error());
    }
    auto tables = tables_of(from, *lite);
    std::expected<CopyReport, core::Problem> report = std::unexpected(core::Problem{});
    if (!tables) report = std::unexpected(tables.error());
    else if (auto tx = Transaction::begin(*lite); !tx) report = std::unexpected(tx.error());
    else {
        report = copy_out(from, *lite, *tables);
        if (report)
            if (auto c = tx->commit(); !c) report = std::unexpected(c.error());
    }
    (void)from.exec("ROLLBACK");
    if (!report) remove_file();
    return report;
}

std::expected<CopyReport, core::Problem> copy_sqlite_to_pg(const std::filesystem::path& from, PgConnection& to) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(from, ec))
        return std::unexpected(storage_problem("There is no database at {0} to copy", {from.string()}));
    if (auto h = OwnerLock::holder(from))
        return std::unexpected(storage_problem("A station has {0} open ({1}, process {2}): stop it first, so that nothing is written after the copy",
                                               {from.string(), h->role, std::to_string(h->pid)}));
    auto lite = Connection::open_raw(file_uri(from, "mode=ro"), SQLITE_OPEN_READONLY);
    if (!lite) return std::unexpected(lite.error());
    auto version = lite->query_int("PRAGMA user_version");
    if (!version) return std::unexpected(version.error());
    if (*version != latest_schema_version())
        return std::unexpected(storage_problem("{0} is at schema {1}, this Établi writes {2}: open it once with this Établi (etabli --db {0} member list), then copy it",
                                               {from.string(), std::to_string(*version), std::to_string(latest_schema_version())}));
    // A database that holds Établi rows is refused before anything changes in it (not even
    // its schema brought up to date).
    auto before = pg_schema_version(to);
    if (!before) return std::unexpected(before.error());
    if (*before > 0) {
        auto p = first_table_with_rows(to);
        if (!p) return std::unexpected(p.error());
        if (!p->empty()) return std::unexpected(storage_problem("The PostgreSQL database already holds rows of {0}: copy into an empty database", {*p}));
    }
    if (auto m = pg_migrate(to, pg_latest_schema_version()); !m) return std::unexpected(m.error());
    // One read of the file (a consistent picture), one transaction in PostgreSQL.
    if (auto r = lite->exec("BEGIN"); !r) return std::unexpected(r.error());
    auto tables = tables_of(to, *lite);
    if (!tables) return std::unexpected(tables.error());
    if (tables->empty())
        return std::unexpected(core::storage_problem("No Établi table in the PostgreSQL database's current schema: check the role's search_path"));
    if (auto p = first_table_with_rows(to); !p) return std::unexpected(p.error());
    else if (!p->empty())
        return std::unexpected(storage_problem("The PostgreSQL database already holds rows of {0}: copy into an empty database", {*p}));
    if (auto r = to.exec("BEGIN"); !r) return std::unexpected(r.error());
    auto report = copy_in(*lite, to, *tables);
    if (!report) {
        (void)to.exec("ROLLBACK");
        return std::unexpected(report.error());
    }
    if (auto r = to.exec("COMMIT"); !r) return std::unexpected(r.error());
    return report;
}

}  // namespace etabli::db
