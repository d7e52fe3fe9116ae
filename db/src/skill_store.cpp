// SqlStore, skills part: the skill catalogue, the append-only grant history, what
// machines and tools require (db/migrations/007_skills.sql), loaded once at start with the
// last session end of each member on each skill, and written one use case per transaction
// with its events (skill.added, skill.changed, skill.granted, skill.required).
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// [SECTION] Index
//   [Readers]  one row -> one core record
//   [Load]     load_skills
//   [Commit]   commit_skills
//   [History]  skill_grants
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <sqlite3.h>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_SKILL_COLUMNS "id, name, category, description, lapse_months, created_at"
#define ETABLI_GRANT_COLUMNS "id, member_id, skill_id, level, signed_by, signed_at, expires_day, note"

// [Readers] --------------------------------------------------------------------------------
std::expected<core::Skill, Problem> read_skill(const Statement& st) {
    core::Skill s;
    s.id = st.column_int(0);
    s.name = st.column_text(1);
    s.category = st.column_text(2);
    s.description = st.column_text(3);
    s.lapse_months = static_cast<int>(st.column_int(4));
    ETABLI_TRY(created, read_ts(st, 5, "skills", std::to_string(s.id), "created_at"));
    s.created_at = *created;
    return s;
}

std::expected<core::SkillGrant, Problem> read_grant(const Statement& st) {
    core::SkillGrant g;
    g.id = st.column_int(0);
    const auto key = std::to_string(g.id);
    g.member = st.column_int(1);
    g.skill = st.column_int(2);
    g.level = static_cast<int>(st.column_int(3));
    if (!st.is_null(4)) g.signed_by = st.column_int(4);
    ETABLI_TRY(signed_at, read_ts(st, 5, "skill_grants", key, "signed_at"));
    g.signed_at = *signed_at;
    if (auto e = st.column_optional_text(6)) {
        auto d = core::parse_date(*e);
        if (!d) return std::unexpected(bad_row("skill_grants", key, "expires_day", *e));
        g.expires = *d;
    }
    g.note = st.column_text(7);
    return g;
}

std::expected<std::map<std::int64_t, core::SkillRequirement>, Problem> read_requirements(Connection& c,
                                                                                          const char* sql) {
    std::map<std::int64_t, core::SkillRequirement> out;
    ETABLI_TRY(st, c.prepare(sql));
    for (;;) {
        ETABLI_TRY(row, st->step());
        if (!*row) break;
        out[st->column_int(0)] = core::SkillRequirement{st->column_int(1), static_cast<int>(st->column_int(2))};
    }
    return out;
}

std::expected<void, Problem> write_skill(Connection& c, const core::Skill& s, std::optional<core::MemberId> actor,
                                         Timestamp at) {
    ETABLI_TRY(exists, c.cached("SELECT count(*) FROM skills WHERE id = ?1"));
    (*exists)->bind(1, s.id);
    ETABLI_TRY(row, (*exists)->step());
    const bool known = *row && (*exists)->column_int(0) > 0;
    (*exists)->reset();
    ETABLI_TRY(st, c.cached("INSERT INTO skills (" ETABLI_SKILL_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, category = excluded.category, "
                            "description = excluded.description, lapse_months = excluded.lapse_months"));
    (*st)->bind(1, s.id).bind(2, s.name).bind(3, s.category).bind(4, s.description)
        .bind(5, std::int64_t{s.lapse_months}).bind(6, ts(s.created_at));
    ETABLI_CHECK((*st)->run());
    Detail d;
    d.add("lapse_months", std::int64_t{s.lapse_months});
    return append_event(c, at, actor, known ? "skill.changed" : "skill.added", "skill:" + std::to_string(s.id), d);
}

std::expected<void, Problem> write_grant(Connection& c, const core::SkillGrant& g, std::optional<core::MemberId> actor,
                                         Timestamp at) {
    ETABLI_TRY(st, c.cached("INSERT INTO skill_grants (" ETABLI_GRANT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    std::optional<std::string> expires;
    if (g.expires) expires = core::format_date(*g.expires);
    (*st)->bind(1, g.id).bind(2, g.member).bind(3, g.skill).bind(4, std::int64_t{g.level}).bind(5, g.signed_by)
        .bind(6, ts(g.signed_at)).bind(7, expires).bind(8, g.note);
    ETABLI_CHECK((*st)->run());
    Detail d;
    d.add("member", g.member).add("skill", g.skill).add("level", std::int64_t{g.level});
    if (g.signed_by) d.add("signed_by", *g.signed_by);
    if (expires) d.add("expires", *expires);
    return append_event(c, at, actor, "skill.granted", "grant:" + std::to_string(g.id), d);
}

// `update_sql` is one of our own literals (machines or tools), never input.
std::expected<void, Problem> write_requirement(Connection& c, const char* update_sql, std::string_view kind,
                                               std::int64_t id, const std::optional<core::SkillRequirement>& r,
                                               std::optional<core::MemberId> actor, Timestamp at) {
    ETABLI_TRY(st, c.cached(update_sql));
    std::optional<std::int64_t> skill;
    if (r) skill = r->skill;
    (*st)->bind(1, id).bind(2, skill).bind(3, std::int64_t{r ? r->level : core::kLevelAutonomous});
    ETABLI_CHECK((*st)->run());
    if (c.changes() != 1) {
        // The station checked the id: a missing row here means memory and disk disagree.
        const std::string detail = "no " + std::string(kind) + " " + std::to_string(id) + " to require a skill";
        return std::unexpected(storage_problem(detail));
    }
    Detail d;
    if (r) d.add("skill", r->skill).add("level", std::int64_t{r->level});
    return append_event(c, at, actor, "skill.required", std::string(kind) + ":" + std::to_string(id), d);
}

}  // namespace

// [Load] -----------------------------------------------------------------------------------
std::expected<app::SkillData, Problem> SqlStore::load_skills() {
    return guarded([&]() -> std::expected<app::SkillData, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::SkillData d;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_SKILL_COLUMNS " FROM skills ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Skill>(*st, read_skill));
            d.skills = std::move(*rows);
        }
        {
            // The latest grant of each (member, skill), through skill_grants_by_member.
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_GRANT_COLUMNS " FROM skill_grants g WHERE g.id = "
                                          "(SELECT max(h.id) FROM skill_grants h WHERE h.member_id = g.member_id "
                                          "AND h.skill_id = g.skill_id) ORDER BY g.skill_id, g.member_id"));
            ETABLI_TRY(rows, read_all<core::SkillGrant>(*st, read_grant));
            d.latest = std::move(*rows);
        }
        {
            ETABLI_TRY(m, read_requirements(m_conn, "SELECT id, skill_id, skill_level FROM machines WHERE skill_id IS NOT NULL"));
            d.machines = std::move(*m);
            ETABLI_TRY(t, read_requirements(m_conn, "SELECT id, skill_id, skill_level FROM tools WHERE skill_id IS NOT NULL"));
            d.tools = std::move(*t);
        }
        {
            // Disuse is measured on the machines that require each skill now.
            ETABLI_TRY(st, m_conn.prepare("SELECT s.member_id, m.skill_id, max(s.ended_at) FROM sessions s "
                                          "JOIN machines m ON m.id = s.machine_id "
                                          "WHERE m.skill_id IS NOT NULL AND s.ended_at IS NOT NULL "
                                          "GROUP BY s.member_id, m.skill_id"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(end, read_ts(*st, 2, "sessions", std::to_string(st->column_int(0)), "ended_at"));
                d.last_use.push_back(app::LastUse{st->column_int(0), st->column_int(1), *end});
            }
        }
        ETABLI_CHECK(tx->commit());
        ETABLI_TRY(mg, id_floor("skill_grants"));
        ETABLI_TRY(ms, id_floor("skills"));
        d.max_grant_id = *mg;
        d.max_skill_id = *ms;
        return d;
    });
}

// [Commit] ---------------------------------------------------------------------------------
std::expected<void, Problem> SqlStore::commit_skills(const app::SkillChanges& c, std::optional<core::MemberId> actor,
                                                        Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const auto& s : c.skills) ETABLI_CHECK(write_skill(m_conn, s, actor, at));
        for (const auto& m : c.machines)
            ETABLI_CHECK(write_requirement(m_conn, "UPDATE machines SET skill_id = ?2, skill_level = ?3 WHERE id = ?1",
                                           "machine", m.machine, m.requirement, actor, at));
        for (const auto& t : c.tools)
            ETABLI_CHECK(write_requirement(m_conn, "UPDATE tools SET skill_id = ?2, skill_level = ?3 WHERE id = ?1",
                                           "tool", t.tool, t.requirement, actor, at));
        for (const auto& g : c.grants) ETABLI_CHECK(write_grant(m_conn, g, actor, at));
        if (c.training) {
            const app::TrainingGranted& t = *c.training;
            ETABLI_TRY(st, m_conn.cached("UPDATE trainings SET granted_at = ?2 WHERE id = ?1 AND granted_at IS NULL"));
            (*st)->bind(1, t.training).bind(2, ts(t.at));
            ETABLI_CHECK((*st)->run());
            // Another writer marked it first (or it is gone): its grants are not given twice.
            if (m_conn.changes() != 1) {
                // In English: the detail of "Storage error: {0}", not a message.
                const std::string detail = "training " + std::to_string(t.training) + " is missing or already granted";
                return std::unexpected(storage_problem(detail));
            }
            ETABLI_CHECK(append_event(m_conn, at, actor, "training.granted", "training:" + std::to_string(t.training),
                                      Detail{}.add("level", std::int64_t{t.level})
                                          .add("attendees", static_cast<std::int64_t>(c.grants.size()))));
        }
        return tx->commit();
    });
}

// [History] --------------------------------------------------------------------------------
std::expected<std::vector<core::SkillGrant>, Problem> SqlStore::skill_grants(std::optional<core::MemberId> member,
                                                                                std::optional<core::SkillId> skill) {
    return guarded([&]() -> std::expected<std::vector<core::SkillGrant>, Problem> {
        ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_GRANT_COLUMNS " FROM skill_grants "
                                      "WHERE (member_id = ?1 OR ?1 IS NULL) AND (skill_id = ?2 OR ?2 IS NULL) "
                                      // typed use first (PostgreSQL): IS NULL gives a parameter no type
                                      "ORDER BY id DESC"));
        st->bind(1, member).bind(2, skill);
        return read_all<core::SkillGrant>(*st, read_grant);
    });
}

}  // namespace etabli::db
