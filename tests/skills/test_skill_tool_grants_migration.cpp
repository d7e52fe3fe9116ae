// app + db: migration 010 drops tool_authorisations. A database as release 9 left
// it (skills, grants, tools requiring skills, and stale authorisation rows: one for a member
// whose grant is too low, one for a tool requiring no skill) upgrades to schema 10 without the
// table, and the lend gate lets exactly the same members borrow each tool as before: the rows
// never decided anything since 007. Layer: app tests on a real SQLite file.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/sql_store.hpp>

#include "testing.hpp"

#include <sqlite3.h>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

// Release 9's schema with rows written in plain SQL.
void build_schema_9(const std::filesystem::path& path) {
    REQUIRE(db::migrate_to(path, 9));
    auto c = db::Connection::open_raw(path.string(), SQLITE_OPEN_READWRITE);
    REQUIRE(c);
    REQUIRE(c->exec(R"SQL(
        PRAGMA foreign_keys = ON;
        INSERT INTO members (id, display_name, role, created_at, updated_at) VALUES
          (1, 'Léa', 'member', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (2, 'Camille', 'member', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (3, 'Hugo', 'member', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (4, 'Sam', 'host', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        INSERT INTO skills (id, name, category, created_at) VALUES
          (1, 'Scie', 'tool', '2026-01-01T00:00:00Z'),
          (2, 'Ponceuse', 'tool', '2026-01-01T00:00:00Z');
        INSERT INTO tools (id, name, tag, needs_authorisation, skill_id, skill_level, created_at, updated_at) VALUES
          (1, 'Scie', 'T1', 1, 1, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (2, 'Ponceuse', 'T2', 1, 2, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (3, 'Marteau', 'T3', 0, NULL, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
          (4, 'Perceuse', 'T4', 1, NULL, 2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        INSERT INTO skill_grants (member_id, skill_id, level, signed_by, signed_at, note) VALUES
          (1, 1, 2, NULL, '2026-02-01T00:00:00Z', 'upgrade'),
          (2, 1, 1, NULL, '2026-02-01T00:00:00Z', ''),
          (3, 2, 1, NULL, '2026-02-01T00:00:00Z', ''),
          (4, 1, 3, NULL, '2026-02-01T00:00:00Z', ''),
          (4, 1, 0, NULL, '2026-03-01T00:00:00Z', 'revoke');
        INSERT INTO tool_authorisations (tool_id, member_id) VALUES (1, 1), (1, 2), (1, 4), (4, 3);
    )SQL"));
}

}  // namespace

TEST_CASE("skills: migration 010 drops tool_authorisations; tools gate the same members") {
    testing::TempDir dir;
    const auto path = dir.path() / "v9.db";
    build_schema_9(path);
    REQUIRE(db::migrate_to(path, 10));
    {
        auto c = db::Connection::open_raw(path.string(), SQLITE_OPEN_READWRITE);
        REQUIRE(c);
        CHECK(*c->query_int("PRAGMA user_version") == 10);
        CHECK(*c->query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'tool_authorisations'") == 0);
        CHECK(*c->query_int("SELECT count(*) FROM tools") == 4);          // nothing else moved
        CHECK(*c->query_int("SELECT count(*) FROM skill_grants") == 5);
    }

    testing::FakeClock clock{utc("2026-12-01T09:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    auto store = db::SqlStore::open(path);  // and on to the latest schema
    INFO((store ? std::string() : store.error().english()));
    REQUIRE(store);
    Station station(**store, clock, calendar);
    REQUIRE(station.start());
    // Who may borrow each tool, as the grants said at schema 9 (the lend gate never read the rows).
    const std::map<std::pair<core::ToolId, core::MemberId>, bool> expected = {
        {{1, 1}, true},  {{1, 2}, false}, {{1, 3}, false}, {{1, 4}, false},  // level 2 needed; Sam's was withdrawn
        {{2, 1}, false}, {{2, 2}, false}, {{2, 3}, true},  {{2, 4}, false},  // level 1 needed
        {{3, 1}, true},  {{3, 2}, true},  {{3, 3}, true},  {{3, 4}, true},   // nothing needed
        {{4, 1}, false}, {{4, 2}, false}, {{4, 3}, false}, {{4, 4}, false},  // marked, no skill yet: nobody
    };
    for (const auto& [key, allowed] : expected) {
        const auto [tool, member] = key;
        CAPTURE(tool);
        CAPTURE(member);
        auto r = station.call(Lend{{tool}, member, std::nullopt, std::nullopt});
        CHECK(r.has_value() == allowed);
        if (r) REQUIRE(station.call(ReturnTool{tool, core::ToolCondition::good, "", false, "", std::nullopt}));
        else CHECK(r.error().kind == core::Problem::Kind::input);
    }
    // The old command still works without the table: a grant of the tool's skill.
    const auto snap = station.snapshot();
    const auto* saw = snap->tools->find(1);
    REQUIRE(saw);
    REQUIRE(station.call(SetTool{*saw, {3}, {1}, std::nullopt}));
    CHECK(station.call(Lend{{1}, 3, std::nullopt, std::nullopt}));
    CHECK_FALSE(station.call(Lend{{1}, 1, std::nullopt, std::nullopt}));
    CHECK(station.snapshot()->skills->effective(3, 1) == 2);
    CHECK(station.snapshot()->skills->effective(1, 1) == 0);
}

TEST_CASE("skills: a tool's authorise/revoke survive a restart without tool_authorisations") {
    testing::TempDir dir;
    testing::FakeClock clock{utc("2027-01-05T09:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    core::ToolId saw = 0;
    {
        auto store = db::SqlStore::open(dir.path() / "etabli.db");
        REQUIRE(store);
        Station station(**store, clock, calendar);
        REQUIRE(station.start());
        core::MemberDraft d;
        d.display_name = "Léa";
        REQUIRE(station.call(AddMember{d, std::nullopt, std::nullopt}));
        core::Tool t;
        t.name = "Scie à onglet";
        t.tag = "BOI-001";
        t.needs_authorisation = true;
        auto added = station.call(AddTool{t, std::nullopt});
        REQUIRE(added);
        saw = std::get<core::Tool>(*added).id;
        REQUIRE(station.call(SetTool{std::get<core::Tool>(*added), {1}, {}, std::nullopt}));
        CHECK(*(*store)->connection().query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'tool_authorisations'") == 0);
    }
    auto store = db::SqlStore::open(dir.path() / "etabli.db");
    REQUIRE(store);
    Station station(**store, clock, calendar);
    REQUIRE(station.start());
    CHECK(station.call(Lend{{saw}, 1, std::nullopt, std::nullopt}));
}
