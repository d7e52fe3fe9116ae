// Helpers shared by the SqlStore source files (sql_store.cpp, alloc_store.cpp): the
// exception guard, the early-return macros, timestamps as text, the event-detail writer, the
// event append and the row readers. Private to db/src (not an installed header).
// Layer: db. Thread: the one that owns the store's connection.
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/time.hpp>
#include <etabli/db/database.hpp>

#include <cstdint>
#include <cstdio>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::db::store_support {

using core::Timestamp;

// Exceptions stop here (bad_alloc, a throwing core helper): the caller gets a Problem, and
// any open Transaction rolls back while unwinding.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::exception& e) {
        return std::unexpected(storage_problem(e.what()));
    } catch (...) {
        return std::unexpected(storage_problem("unexpected failure"));
    }
}

#define ETABLI_TRY(var, expr)                                   \
    auto var = (expr);                                          \
    if (!var) return std::unexpected(std::move(var).error())

#define ETABLI_CHECK(expr)                                      \
    do {                                                        \
        if (auto etabli_r_ = (expr); !etabli_r_)                \
            return std::unexpected(std::move(etabli_r_).error()); \
    } while (0)

inline std::string ts(Timestamp t) { return core::format_timestamp(t); }

// A small JSON object written by hand: keys are our own identifiers, values are escaped.
class Detail {
public:
    Detail& add(std::string_view key, std::string_view value) {
        open_key(key);
        m_text += '"';
        for (char ch : value) {
            auto u = static_cast<unsigned char>(ch);
            if (ch == '"' || ch == '\\') {
                m_text += '\\';
                m_text += ch;
            } else if (u < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", u);
                m_text += buf;
            } else {
                m_text += ch;
            }
        }
        m_text += '"';
        return *this;
    }
    Detail& add(std::string_view key, std::int64_t value) {
        open_key(key);
        m_text += std::to_string(value);
        return *this;
    }
    Detail& add_list(std::string_view key, const std::vector<std::string_view>& items) {
        open_key(key);
        m_text += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) m_text += ',';
            m_text += '"';
            m_text += items[i];
            m_text += '"';
        }
        m_text += ']';
        return *this;
    }
    std::string str() const { return m_text.empty() ? "{}" : m_text + "}"; }

private:
    void open_key(std::string_view key) {
        m_text += m_text.empty() ? "{" : ",";
        m_text += '"';
        m_text += key;
        m_text += "\":";
    }
    std::string m_text;
};

// Every row a stepped statement gives, each read by `reader` (Statement& -> expected<T>);
// the first unreadable row fails the whole read.
template <class T, class Reader>
std::expected<std::vector<T>, Problem> read_all(Statement& st, Reader reader) {
    std::vector<T> out;
    for (;;) {
        ETABLI_TRY(row, st.step());
        if (!*row) break;
        ETABLI_TRY(v, reader(st));
        out.push_back(std::move(*v));
    }
    return out;
}

// Runs an INSERT … RETURNING id (SQLite and PostgreSQL alike): the new row's id.
inline std::expected<std::int64_t, Problem> run_returning_id(Statement& st) {
    auto row = st.step();
    if (!row) return std::unexpected(std::move(row).error());
    if (!*row) return std::unexpected(storage_problem("the new row's id did not come back"));
    const std::int64_t id = st.column_int(0);
    if (auto done = st.run(); !done) return std::unexpected(std::move(done).error());
    return id;
}

inline std::expected<void, Problem> append_event(Connection& c, Timestamp at, std::optional<core::MemberId> actor,
                                                 std::string_view kind, const std::string& subject,
                                                 const Detail& detail) {
    ETABLI_TRY(st, c.cached("INSERT INTO events (at, actor_member_id, kind, subject, detail) "
                            "VALUES (?1, ?2, ?3, ?4, ?5)"));
    (*st)->bind(1, ts(at)).bind(2, actor).bind(3, kind).bind(4, subject).bind(5, detail.str());
    return (*st)->run();
}

inline Problem bad_row(std::string_view table, std::string_view key, std::string_view column,
                       std::string_view value) {
    // In English: the detail of "Storage error: {0}", not a message.
    const std::string detail = "unreadable value '" + std::string(value) + "' in " + std::string(table) + "." +
                               std::string(column) + " (row " + std::string(key) + ")";
    return storage_problem(detail);
}

inline std::expected<Timestamp, Problem> read_ts(const Statement& st, int col, std::string_view table,
                                                 std::string_view key, std::string_view column) {
    auto text = st.column_text(col);
    auto t = core::parse_timestamp(text);
    if (!t) return std::unexpected(bad_row(table, key, column, text));
    return *t;
}
// A timestamp that may be NULL.
inline std::expected<std::optional<Timestamp>, Problem> read_opt_ts(const Statement& st, int col, std::string_view table,
                                                                    std::string_view key, std::string_view column) {
    if (st.is_null(col)) return std::optional<Timestamp>{};
    auto t = read_ts(st, col, table, key, column);
    if (!t) return std::unexpected(t.error());
    return std::optional<Timestamp>{*t};
}
inline std::optional<std::string> opt_ts(const std::optional<Timestamp>& t) {
    return t ? std::optional<std::string>{ts(*t)} : std::nullopt;
}
// An enum stored by its name (core::to_string), read back with its `parse`; another text is
// an unreadable row (a French word the parser also takes is not a stored name).
template <class E, class Parse>
std::expected<E, Problem> read_enum(const Statement& st, int col, std::string_view table, std::string_view key,
                                    std::string_view column, Parse parse) {
    const auto text = st.column_text(col);
    auto v = parse(text);
    if (!v || core::to_string(*v) != text) return std::unexpected(bad_row(table, key, column, text));
    return *v;
}

}  // namespace etabli::db::store_support
