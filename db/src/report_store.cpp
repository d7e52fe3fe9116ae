// SqlStore, the funders' pack's counts (core/year_report.hpp): one read transaction of
// aggregate queries, each on an index of its table (migration 019 adds those it lacked).
// Layer: db. Thread: the caller's (the CLI's main thread, on the reader connection).
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <array>

namespace etabli::db {

using namespace store_support;

namespace {

// The months of the year as a table: (m, a, b), a and b the UTC bounds of local month m.
// Parameters ?11 to ?34 (on PostgreSQL typed: a VALUES list gives them no type).
std::string months_cte(Dialect d) {
    const std::string cast = d == Dialect::postgres ? "::timestamptz" : "";
    std::string s = "WITH months(m, a, b) AS (VALUES ";
    for (int m = 0; m < 12; ++m)
        s += (m ? ", (" : "(") + std::to_string(m + 1) + ", ?" + std::to_string(11 + 2 * m) + cast + ", ?" + std::to_string(12 + 2 * m) +
             cast + ")";
    return s + ") ";
}

unsigned month_of(std::int64_t m) { return m >= 1 && m <= 12 ? static_cast<unsigned>(m) : 0; }

}  // namespace

std::expected<core::YearCounts, Problem> SqlStore::year_counts(const core::YearBounds& year) {
    return guarded([&]() -> std::expected<core::YearCounts, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        core::YearCounts y;
        const std::string from = ts(year.from()), to = ts(year.to());
        const std::string first_day = core::format_date(core::Date{std::chrono::year{year.year}, std::chrono::January, std::chrono::day{1}});
        const std::string last_day = core::format_date(core::Date{std::chrono::year{year.year}, std::chrono::December, std::chrono::day{31}});
        // ?1 ?2: the year's UTC bounds; ?3 ?4: its first and last local days.
        auto prepare = [&](const std::string& sql) -> std::expected<Statement, Problem> {
            auto st = m_conn.prepare(sql);
            if (!st) return std::unexpected(st.error());
            for (int i = 1; i <= 4; ++i)
                if (st->has_parameter(i))
                    st->bind(i, i == 1 ? from : i == 2 ? to : i == 3 ? first_day : last_day);
            for (int m = 0; m < 12; ++m)
                if (st->has_parameter(11 + 2 * m)) {
                    st->bind(11 + 2 * m, ts(year.month_starts[static_cast<std::size_t>(m)]));
                    st->bind(12 + 2 * m, ts(year.month_starts[static_cast<std::size_t>(m) + 1]));
                }
            return st;
        };
        auto each = [&](const std::string& sql, auto&& row) -> std::expected<void, Problem> {
            ETABLI_TRY(st, prepare(sql));
            while (true) {
                ETABLI_TRY(has, st->step());
                if (!*has) break;
                if (auto r = row(*st); !r) return r;
            }
            return {};
        };
        auto ok = std::expected<void, Problem>{};
        // The few words the two dialects say differently: a day before a time, the seconds
        // between two times, a day's month.
        const bool pg = m_conn.dialect() == Dialect::postgres;
        const std::string day_before = pg ? "p.checked_in - interval '1 day'" : "strftime('%Y-%m-%dT%H:%M:%SZ', p.checked_in, '-1 day')";
        const std::string seconds_used = pg ? "sum(GREATEST(0, extract(epoch FROM s.ended_at - s.started_at)::bigint))"
                                            : "sum(max(0, unixepoch(s.ended_at) - unixepoch(s.started_at)))";
        auto month_of_day = [&](const char* column) {
            return pg ? std::string("extract(month FROM ") + column + ")::integer" : std::string("CAST(substr(") + column + ", 6, 2) AS INTEGER)";
        };
        // Members
        ETABLI_CHECK(each("SELECT count(*) FILTER (WHERE valid_until IS NULL OR valid_until >= ?3), count(*) FILTER (WHERE created_at >= ?1) "
                          "FROM members WHERE created_at < ?2",
                          [&](const Statement& s) {
                              y.members = static_cast<int>(s.column_int(0));
                              y.new_members = static_cast<int>(s.column_int(1));
                              return ok;
                          }));
        ETABLI_CHECK(each("SELECT count(*) FROM memberships WHERE created_at >= ?1 AND created_at < ?2", [&](const Statement& s) {
            y.memberships_paid = static_cast<int>(s.column_int(0));
            return ok;
        }));
        // Visits per local month. A day the retention summarised is a chain of rows from the
        // day's start, one per role, each starting where the one before ended: its first row
        // is the visit.
        ETABLI_CHECK(each(months_cte(m_conn.dialect()) +
                              "SELECT months.m, count(*) FROM months JOIN presence p ON p.checked_in >= months.a AND p.checked_in < months.b "
                              "WHERE p.summary = FALSE OR NOT EXISTS (SELECT 1 FROM presence q WHERE q.member_id = p.member_id "
                              "AND q.checked_in < p.checked_in AND q.checked_in >= " + day_before + " "
                              "AND q.summary = TRUE AND q.checked_out = p.checked_in) GROUP BY months.m",
                          [&](const Statement& s) {
                              if (auto m = month_of(s.column_int(0))) y.visits[m - 1] = static_cast<int>(s.column_int(1));
                              return ok;
                          }));
        ETABLI_CHECK(each("SELECT count(DISTINCT member_id) FROM presence WHERE checked_in >= ?1 AND checked_in < ?2", [&](const Statement& s) {
            y.visitors = static_cast<int>(s.column_int(0));
            return ok;
        }));
        // Tools and machines
        ETABLI_CHECK(each("SELECT count(*), count(DISTINCT member_id) FROM loans WHERE lent_at >= ?1 AND lent_at < ?2", [&](const Statement& s) {
            y.loans = static_cast<int>(s.column_int(0));
            y.borrowers = static_cast<int>(s.column_int(1));
            return ok;
        }));
        ETABLI_CHECK(each("SELECT m.name, " + seconds_used + ", count(*) FROM sessions s "
                          "JOIN machines m ON m.id = s.machine_id WHERE s.started_at >= ?1 AND s.started_at < ?2 AND s.ended_at IS NOT NULL "
                          "GROUP BY m.id ORDER BY m.name",
                          [&](const Statement& s) {
                              y.machines.push_back({s.column_text(0), s.column_int(1), static_cast<int>(s.column_int(2))});
                              return ok;
                          }));
        // Trainings
        ETABLI_CHECK(each("SELECT count(*) FROM trainings WHERE cancelled = FALSE AND starts_at >= ?1 AND starts_at < ?2", [&](const Statement& s) {
            y.trainings = static_cast<int>(s.column_int(0));
            return ok;
        }));
        ETABLI_CHECK(each("SELECT count(DISTINCT s.member_id), count(*) FROM trainings t JOIN training_signups s ON s.training_id = t.id "
                          "WHERE t.cancelled = FALSE AND t.starts_at >= ?1 AND t.starts_at < ?2 AND s.present_at IS NOT NULL",
                          [&](const Statement& s) {
                              y.trained = static_cast<int>(s.column_int(0));
                              y.training_places = static_cast<int>(s.column_int(1));
                              return ok;
                          }));
        // Bikes
        ETABLI_CHECK(each("SELECT " + month_of_day("intake_day") + ", count(*) FROM bikes WHERE intake_day BETWEEN ?3 AND ?4 GROUP BY 1",
                          [&](const Statement& s) {
                              if (auto m = month_of(s.column_int(0))) y.bikes_in[m - 1] = static_cast<int>(s.column_int(1));
                              return ok;
                          }));
        ETABLI_CHECK(each("SELECT kind, count(*) FROM bike_departures WHERE day BETWEEN ?3 AND ?4 GROUP BY kind",
                          [&](const Statement& s) -> std::expected<void, Problem> {
            ETABLI_TRY(kind, read_enum<core::BikeStatus>(s, 0, "bike_departures", "", "kind", core::bike_status_from_string));
            y.bikes_out[static_cast<std::size_t>(*kind)] = static_cast<int>(s.column_int(1));
            return ok;
        }));
        // Repairs
        ETABLI_CHECK(each("SELECT item, ords_category_id, status, " + month_of_day("day") + ", count(*) FROM repairs "
                          "WHERE day BETWEEN ?3 AND ?4 GROUP BY 1, 2, 3, 4",
                          [&](const Statement& s) -> std::expected<void, Problem> {
                              core::YearCounts::RepairGroup g;
                              ETABLI_TRY(item, read_enum<core::ItemKind>(s, 0, "repairs", "", "item", core::parse_item_kind));
                              ETABLI_TRY(status, read_enum<core::RepairStatus>(s, 2, "repairs", "", "status", core::parse_status));
                              g.item = *item;
                              g.status = *status;
                              if (!s.is_null(1)) g.category = static_cast<int>(s.column_int(1));
                              g.month = month_of(s.column_int(3));
                              g.count = static_cast<int>(s.column_int(4));
                              y.repairs.push_back(g);
                              return ok;
                          }));
        ETABLI_CHECK(tx->commit());
        return y;
    });
}

}  // namespace etabli::db
