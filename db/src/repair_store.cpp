// SqlStore, repairs and volunteer-hours part: the repair log with its volunteers and
// parts, the role a volunteer picks at badge-in, hosts' corrections of forgotten check-outs.
// The tables are those of db/migrations/005_repairs.sql.
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// Event log: repair:N   repair.logged, repair.edited (detail: item, status, minutes)
//            presence:N presence.role (detail: role, since), presence.corrected (detail: checked_out)
// Details never hold a problem text, a brand or a name: texts may carry personal data and the
// log cannot be erased.

#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <algorithm>
#include <unordered_map>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_REPAIR_COLUMNS                                                                            \
    "id, day, owner_member_id, item, component, ords_category_id, partner_category, brand, model, year, " \
    "problem, done, status, barrier, minutes, notes, logged_at, updated_at, bike_id"

std::string repair_subject(core::RepairId id) { return "repair:" + std::to_string(id); }

std::expected<core::Repair, Problem> read_repair(const Statement& st) {
    core::Repair r;
    r.id = st.column_int(0);
    const auto key = std::to_string(r.id);
    auto day_text = st.column_text(1);
    auto d = core::parse_date(day_text);
    if (!d) return std::unexpected(bad_row("repairs", key, "day", day_text));
    r.day = *d;
    if (!st.is_null(2)) r.owner = st.column_int(2);
    auto item = core::parse_item_kind(st.column_text(3));
    if (!item) return std::unexpected(bad_row("repairs", key, "item", st.column_text(3)));
    r.item = *item;
    if (!st.is_null(4)) {
        auto c = core::parse_component(st.column_text(4));
        if (!c) return std::unexpected(bad_row("repairs", key, "component", st.column_text(4)));
        r.component = *c;
    }
    if (!st.is_null(5)) r.category = static_cast<int>(st.column_int(5));
    r.partner_category = st.column_text(6);
    r.brand = st.column_text(7);
    r.model = st.column_text(8);
    if (!st.is_null(9)) r.year = static_cast<int>(st.column_int(9));
    r.problem = st.column_text(10);
    r.done = st.column_text(11);
    auto status = core::parse_status(st.column_text(12));
    if (!status) return std::unexpected(bad_row("repairs", key, "status", st.column_text(12)));
    r.status = *status;
    if (!st.is_null(13)) {
        auto b = core::parse_barrier(st.column_text(13));
        if (!b) return std::unexpected(bad_row("repairs", key, "barrier", st.column_text(13)));
        r.barrier = *b;
    }
    r.minutes = static_cast<int>(st.column_int(14));
    r.notes = st.column_text(15);
    ETABLI_TRY(logged, read_ts(st, 16, "repairs", key, "logged_at"));
    ETABLI_TRY(updated, read_ts(st, 17, "repairs", key, "updated_at"));
    r.logged_at = *logged;
    r.updated_at = *updated;
    if (!st.is_null(18)) r.bike = st.column_int(18);
    return r;
}

// Binds the fields of `r` to ?1…?15 and ?18 in the order of the INSERT and UPDATE below.
void bind_repair(Statement& st, const core::Repair& r) {
    st.bind(1, core::format_date(r.day));
    st.bind(2, r.owner ? std::optional<std::int64_t>{*r.owner} : std::nullopt);
    st.bind(3, core::to_string(r.item));
    if (r.component) st.bind(4, core::to_string(*r.component));
    else st.bind_null(4);
    st.bind(5, r.category ? std::optional<std::int64_t>{*r.category} : std::nullopt);
    st.bind(6, r.partner_category).bind(7, r.brand).bind(8, r.model);
    st.bind(9, r.year ? std::optional<std::int64_t>{*r.year} : std::nullopt);
    st.bind(10, r.problem).bind(11, r.done).bind(12, core::to_string(r.status));
    if (r.barrier) st.bind(13, core::to_string(*r.barrier));
    else st.bind_null(13);
    st.bind(14, static_cast<std::int64_t>(r.minutes)).bind(15, r.notes);
    st.bind(18, r.bike);
}

std::expected<void, Problem> write_people_and_parts(Connection& c, const core::Repair& r) {
    {
        ETABLI_TRY(del, c.cached("DELETE FROM repair_volunteers WHERE repair_id = ?1"));
        (*del)->bind(1, r.id);
        ETABLI_CHECK((*del)->run());
        ETABLI_TRY(del2, c.cached("DELETE FROM repair_parts WHERE repair_id = ?1"));
        (*del2)->bind(1, r.id);
        ETABLI_CHECK((*del2)->run());
    }
    for (std::size_t i = 0; i < r.volunteers.size(); ++i) {
        ETABLI_TRY(st, c.cached("INSERT INTO repair_volunteers (repair_id, member_id, position) VALUES (?1, ?2, ?3)"));
        (*st)->bind(1, r.id).bind(2, r.volunteers[i]).bind(3, static_cast<std::int64_t>(i));
        ETABLI_CHECK((*st)->run());
    }
    for (std::size_t i = 0; i < r.parts.size(); ++i) {
        const auto& p = r.parts[i];
        ETABLI_TRY(st, c.cached("INSERT INTO repair_parts (repair_id, position, name, salvaged, donor) "
                                "VALUES (?1, ?2, ?3, ?4, ?5)"));
        (*st)->bind(1, r.id).bind(2, static_cast<std::int64_t>(i)).bind(3, p.name).bind(4, std::int64_t{p.salvaged ? 1 : 0});
        (*st)->bind(5, p.donor);
        ETABLI_CHECK((*st)->run());
    }
    return {};
}

// Fills volunteers and parts of `repairs` (sorted by id) from rows selected by `where`, a
// condition on repairs (alias r) with the same parameters as the repairs query.
template <class Bind>
std::expected<void, Problem> read_people_and_parts(Connection& c, std::vector<core::Repair>& repairs,
                                                   const std::string& where, Bind bind) {
    if (repairs.empty()) return {};
    std::unordered_map<core::RepairId, std::size_t> at;
    at.reserve(repairs.size());
    for (std::size_t i = 0; i < repairs.size(); ++i) at.emplace(repairs[i].id, i);
    {
        ETABLI_TRY(st, c.prepare("SELECT v.repair_id, v.member_id FROM repair_volunteers v JOIN repairs r ON r.id = v.repair_id "
                                 "WHERE " + where + " ORDER BY v.repair_id, v.position"));
        bind(*st);
        while (true) {
            ETABLI_TRY(row, st->step());
            if (!*row) break;
            auto it = at.find(st->column_int(0));
            if (it != at.end()) repairs[it->second].volunteers.push_back(st->column_int(1));
        }
    }
    {
        ETABLI_TRY(st, c.prepare("SELECT p.repair_id, p.name, p.salvaged, p.donor FROM repair_parts p JOIN repairs r ON r.id = p.repair_id "
                                 "WHERE " + where + " ORDER BY p.repair_id, p.position"));
        bind(*st);
        while (true) {
            ETABLI_TRY(row, st->step());
            if (!*row) break;
            auto it = at.find(st->column_int(0));
            if (it == at.end()) continue;
            core::Part p;
            p.name = st->column_text(1);
            p.salvaged = st->column_int(2) != 0;
            p.donor = st->column_optional_text(3);
            repairs[it->second].parts.push_back(std::move(p));
        }
    }
    return {};
}

Detail repair_detail(const core::Repair& r) {
    Detail d;
    d.add("item", core::to_string(r.item)).add("status", core::to_string(r.status)).add("minutes", std::int64_t{r.minutes});
    return d;
}

}  // namespace

std::expected<core::Repair, Problem> SqlStore::add_repair(const core::Repair& in, std::optional<core::MemberId> actor,
                                                             Timestamp at) {
    return guarded([&]() -> std::expected<core::Repair, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(st, m_conn.cached("INSERT INTO repairs (day, owner_member_id, item, component, ords_category_id, "
                                     "partner_category, brand, model, year, problem, done, status, barrier, minutes, "
                                     "notes, logged_by, logged_at, updated_at, bike_id) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18) RETURNING id"));
        bind_repair(**st, in);
        (*st)->bind(16, actor).bind(17, ts(at));
        ETABLI_TRY(new_id, run_returning_id(**st));
        core::Repair r = in;
        r.id = *new_id;
        r.logged_at = at;
        r.updated_at = at;
        ETABLI_CHECK(write_people_and_parts(m_conn, r));
        ETABLI_CHECK(append_event(m_conn, at, actor, "repair.logged", repair_subject(r.id), repair_detail(r)));
        ETABLI_CHECK(tx->commit());
        return r;
    });
}

std::expected<core::Repair, Problem> SqlStore::update_repair(const core::Repair& in, std::optional<core::MemberId> actor,
                                                                Timestamp at) {
    return guarded([&]() -> std::expected<core::Repair, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(st, m_conn.cached("UPDATE repairs SET day = ?1, owner_member_id = ?2, item = ?3, component = ?4, "
                                     "ords_category_id = ?5, partner_category = ?6, brand = ?7, model = ?8, year = ?9, "
                                     "problem = ?10, done = ?11, status = ?12, barrier = ?13, minutes = ?14, notes = ?15, "
                                     "updated_at = ?16, bike_id = ?18 WHERE id = ?17 RETURNING logged_at"));
        bind_repair(**st, in);
        (*st)->bind(16, ts(at)).bind(17, in.id);
        ETABLI_TRY(row, (*st)->step());
        if (!*row) return std::unexpected(core::problem("No repair has the number {0}", {std::to_string(in.id)}));
        ETABLI_TRY(logged, read_ts(**st, 0, "repairs", std::to_string(in.id), "logged_at"));
        ETABLI_CHECK((*st)->run());  // RETURNING rows must be drained before COMMIT
        core::Repair r = in;
        r.logged_at = *logged;
        r.updated_at = at;
        ETABLI_CHECK(write_people_and_parts(m_conn, r));
        ETABLI_CHECK(append_event(m_conn, at, actor, "repair.edited", repair_subject(r.id), repair_detail(r)));
        ETABLI_CHECK(tx->commit());
        return r;
    });
}

std::expected<std::optional<core::Repair>, Problem> SqlStore::find_repair(core::RepairId id) {
    return guarded([&]() -> std::expected<std::optional<core::Repair>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        std::vector<core::Repair> found;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_REPAIR_COLUMNS " FROM repairs WHERE id = ?1"));
            st->bind(1, id);
            ETABLI_TRY(row, st->step());
            if (!*row) return std::optional<core::Repair>{};
            ETABLI_TRY(r, read_repair(*st));
            found.push_back(std::move(*r));
        }
        ETABLI_CHECK(read_people_and_parts(m_conn, found, "r.id = ?1", [&](Statement& s) { s.bind(1, id); }));
        ETABLI_CHECK(tx->commit());
        return std::optional<core::Repair>{std::move(found.front())};
    });
}

std::expected<std::vector<core::Repair>, Problem> SqlStore::repairs_between(std::optional<core::Date> from,
                                                                               std::optional<core::Date> to) {
    return guarded([&]() -> std::expected<std::vector<core::Repair>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        const std::optional<std::string> a = from ? std::optional<std::string>{core::format_date(*from)} : std::nullopt;
        const std::optional<std::string> b = to ? std::optional<std::string>{core::format_date(*to)} : std::nullopt;
        auto bind = [&](Statement& s) { s.bind(1, a).bind(2, b); };
        // The typed use first: on PostgreSQL, IS NULL gives a parameter no type.
        const std::string where = "(r.day >= ?1 OR ?1 IS NULL) AND (r.day <= ?2 OR ?2 IS NULL)";
        std::vector<core::Repair> out;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_REPAIR_COLUMNS " FROM repairs r WHERE " + where + " ORDER BY id"));
            bind(*st);
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(r, read_repair(*st));
                out.push_back(std::move(*r));
            }
        }
        ETABLI_CHECK(read_people_and_parts(m_conn, out, where, bind));
        ETABLI_CHECK(tx->commit());
        return out;
    });
}

std::expected<std::vector<core::Repair>, Problem> SqlStore::bike_repairs(core::BikeId bike) {
    return guarded([&]() -> std::expected<std::vector<core::Repair>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        auto bind = [&](Statement& s) { s.bind(1, bike); };
        const std::string where = "r.bike_id = ?1";
        std::vector<core::Repair> out;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_REPAIR_COLUMNS " FROM repairs r WHERE " + where + " ORDER BY day, id"));
            bind(*st);
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(r, read_repair(*st));
                out.push_back(std::move(*r));
            }
        }
        ETABLI_CHECK(read_people_and_parts(m_conn, out, where, bind));
        ETABLI_CHECK(tx->commit());
        return out;
    });
}

std::expected<void, Problem> SqlStore::set_presence_role(core::PresenceId presence, core::VolunteerRole role,
                                                            Timestamp since, std::optional<core::MemberId> actor,
                                                            Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        {
            ETABLI_TRY(st, m_conn.cached("SELECT member_id FROM presence WHERE id = ?1"));
            (*st)->bind(1, presence);
            ETABLI_TRY(row, (*st)->step());
            if (!*row)
                return std::unexpected(core::problem("Presence {0} is not open (already closed, or unknown).",
                                                     {std::to_string(presence)}));
            (*st)->reset();
        }
        ETABLI_TRY(st, m_conn.cached("INSERT INTO presence_roles (presence_id, since, role) VALUES (?1, ?2, ?3) "
                                     "ON CONFLICT (presence_id, since) DO UPDATE SET role = excluded.role"));
        (*st)->bind(1, presence).bind(2, ts(since)).bind(3, core::to_string(role));
        ETABLI_CHECK((*st)->run());
        ETABLI_CHECK(append_event(m_conn, at, actor, "presence.role", "presence:" + std::to_string(presence),
                                  Detail{}.add("role", core::to_string(role)).add("since", ts(since))));
        return tx->commit();
    });
}

std::expected<void, Problem> SqlStore::correct_presence(core::PresenceId presence, Timestamp checked_out,
                                                           std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        {
            ETABLI_TRY(st, m_conn.cached("SELECT checked_in, closed_by FROM presence WHERE id = ?1"));
            (*st)->bind(1, presence);
            ETABLI_TRY(row, (*st)->step());
            if (!*row || (*st)->column_optional_text(1) != std::optional<std::string>{"auto"}) {
                (*st)->reset();
                return std::unexpected(core::problem("Presence {0} was not closed by the station: there is nothing to correct",
                                                     {std::to_string(presence)}));
            }
            ETABLI_TRY(in, read_ts(**st, 0, "presence", std::to_string(presence), "checked_in"));
            (*st)->reset();
            if (checked_out <= *in)
                return std::unexpected(core::problem("The check-out must come after the check-in ({0})", {ts(*in)}));
        }
        ETABLI_TRY(st, m_conn.cached("INSERT INTO presence_corrections (presence_id, checked_out, corrected_by, corrected_at) "
                                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (presence_id) DO UPDATE SET checked_out = excluded.checked_out, "
                                     "corrected_by = excluded.corrected_by, corrected_at = excluded.corrected_at"));
        (*st)->bind(1, presence).bind(2, ts(checked_out)).bind(3, actor).bind(4, ts(at));
        ETABLI_CHECK((*st)->run());
        ETABLI_CHECK(append_event(m_conn, at, actor, "presence.corrected", "presence:" + std::to_string(presence),
                                  Detail{}.add("checked_out", ts(checked_out))));
        return tx->commit();
    });
}

std::expected<std::vector<core::VolunteerPresence>, Problem> SqlStore::volunteer_presences(Timestamp from, Timestamp to) {
    return guarded([&]() -> std::expected<std::vector<core::VolunteerPresence>, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        // Only the volunteers' and hosts' presences (through presence_by_member) and those
        // given a role: not every presence ever recorded (plain members' taps are most of them).
        // CROSS JOIN keeps the members outside: without statistics SQLite would rather walk the
        // whole presence_by_checked_in index (a year of history: 14 ms against 0.1 ms).
        // PostgreSQL plans by its statistics, and knows CROSS JOIN only without ON.
        const std::string join = m_conn.dialect() == Dialect::sqlite ? "CROSS JOIN" : "JOIN";
        const std::string where =
            "p.checked_in < ?2 AND (p.checked_out IS NULL OR p.checked_out > ?1 OR c.checked_out > ?1) AND "
            "p.id IN (SELECT v.id FROM members vm " + join + " presence v ON v.member_id = vm.id "
            "WHERE vm.role IN ('volunteer', 'host') AND v.checked_in < ?2 "
            "UNION SELECT x.presence_id FROM presence_roles x)";
        const std::string from_sql =
            " FROM presence p JOIN members m ON m.id = p.member_id "
            "LEFT JOIN presence_corrections c ON c.presence_id = p.id WHERE ";
        std::vector<core::VolunteerPresence> out;
        std::unordered_map<core::PresenceId, std::size_t> at;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT p.id, p.member_id, p.checked_in, p.checked_out, p.closed_by, c.checked_out" +
                                          from_sql + where + " ORDER BY p.checked_in, p.id"));
            st->bind(1, ts(from)).bind(2, ts(to));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                core::VolunteerPresence p;
                p.id = st->column_int(0);
                const auto key = std::to_string(p.id);
                p.member = st->column_int(1);
                ETABLI_TRY(in, read_ts(*st, 2, "presence", key, "checked_in"));
                p.checked_in = *in;
                if (!st->is_null(3)) {
                    ETABLI_TRY(o, read_ts(*st, 3, "presence", key, "checked_out"));
                    p.checked_out = *o;
                }
                p.auto_closed = st->column_optional_text(4) == std::optional<std::string>{"auto"};
                if (!st->is_null(5)) {
                    ETABLI_TRY(o, read_ts(*st, 5, "presence_corrections", key, "checked_out"));
                    p.corrected_out = *o;
                }
                at.emplace(p.id, out.size());
                out.push_back(std::move(p));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT r.presence_id, r.since, r.role FROM presence_roles r "
                                          "JOIN presence p ON p.id = r.presence_id" +
                                          from_sql.substr(std::string(" FROM presence p").size()) + where +
                                          " ORDER BY r.presence_id, r.since"));
            st->bind(1, ts(from)).bind(2, ts(to));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto it = at.find(st->column_int(0));
                if (it == at.end()) continue;
                ETABLI_TRY(since, read_ts(*st, 1, "presence_roles", std::to_string(it->first), "since"));
                auto role = core::parse_volunteer_role(st->column_text(2));
                if (!role) return std::unexpected(bad_row("presence_roles", std::to_string(it->first), "role", st->column_text(2)));
                out[it->second].roles.push_back(core::RoleSpan{*since, *role});
            }
        }
        ETABLI_CHECK(tx->commit());
        return out;
    });
}

}  // namespace etabli::db
