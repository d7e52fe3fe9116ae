// Tests of opening an Établi database: creation, pragmas, migrations from every past schema
// version, and the files that must be refused without being touched.
// Layer: db tests (temp files on disk). Single-threaded.

#include "testing.hpp"

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/sql_store.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <unistd.h>

using namespace etabli;
using etabli::testing::TempDir;
using etabli::testing::read_file;
using etabli::testing::utc;
using etabli::testing::write_file;
namespace fs = std::filesystem;

namespace {

std::set<std::string> listing(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

db::Connection raw(const fs::path& p) {
    // No pragmas, no checks: a plain connection, as another tool would open the file.
    auto c = db::Connection::open_raw(p.string(), SQLITE_OPEN_READWRITE);
    REQUIRE(c);
    return std::move(*c);
}

std::int64_t count(db::Connection& c, const char* sql) {
    auto n = c.query_int(sql);
    REQUIRE_MESSAGE(n, (n ? "" : n.error().english()));
    return *n;
}

// Rows an older Établi would have written at schema `version` (the SQL must stay valid for
// that version: add a branch here whenever a migration changes these tables).
void seed(db::Connection& c, int version) {
    if (version < 1) return;
    REQUIRE(c.exec("INSERT INTO members (id, display_name, email, role, valid_until, lang, created_at, updated_at) "
                   "VALUES (1, 'Léa Müller-Œuvray', 'lea@example.org', 'host', '2026-12-31', 'en', "
                   "'2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z');"
                   "INSERT INTO members (id, display_name, email, role, valid_until, lang, created_at, updated_at) "
                   "VALUES (2, 'Jean Dupont', NULL, 'member', NULL, 'fr', "
                   "'2025-02-02T00:00:00Z', '2025-02-02T00:00:00Z');"
                   "INSERT INTO badges (uid, member_id, status, created_at, updated_at) "
                   "VALUES ('0001234567', 1, 'active', '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z');"
                   "INSERT INTO badges (uid, member_id, status, created_at, updated_at) "
                   "VALUES ('00AB', 2, 'lost', '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z');"
                   "INSERT INTO presence (id, member_id, badge_uid, checked_in, checked_out, closed_by) "
                   "VALUES (1, 1, '0001234567', '2025-03-01T09:00:00Z', '2025-03-01T12:00:00Z', 'badge');"
                   "INSERT INTO presence (id, member_id, badge_uid, checked_in) "
                   "VALUES (2, 2, NULL, '2025-03-02T09:00:00Z');"
                   "INSERT INTO events (at, actor_member_id, kind, subject, detail) "
                   "VALUES ('2025-01-02T03:04:05Z', NULL, 'member.added', 'member:1', '{}');"));
}

void check_seeded(db::SqlStore& store, int version) {
    auto data = store.load();
    REQUIRE(data);
    if (version < 1) {
        CHECK(data->members.empty());
        return;
    }
    REQUIRE(data->members.size() == 2);
    const auto& lea = data->members[0];
    CHECK(lea.id == 1);
    CHECK(lea.display_name == "Léa Müller-Œuvray");
    CHECK(lea.email == std::optional<std::string>{"lea@example.org"});
    CHECK(lea.role == core::Role::host);
    CHECK(lea.lang == core::Lang::en);
    REQUIRE(lea.valid_until);
    CHECK(core::format_date(*lea.valid_until) == "2026-12-31");
    CHECK(lea.created_at == utc("2025-01-02T03:04:05Z"));
    CHECK_FALSE(data->members[1].email);
    CHECK_FALSE(data->members[1].valid_until);
    REQUIRE(data->badges.size() == 2);
    CHECK(data->badges[0].uid == "0001234567");
    CHECK(data->badges[1].uid == "00AB");
    CHECK(data->badges[1].status == core::BadgeStatus::lost);
    REQUIRE(data->open_presence.size() == 1);
    CHECK(data->open_presence[0].member_id == 2);
    CHECK(count(store.connection(), "SELECT count(*) FROM events") == 1);
}

struct EnvGuard {
    explicit EnvGuard(std::vector<const char*> names) {
        for (const char* n : names) {
            const char* v = std::getenv(n);
            m_saved.emplace_back(n, v ? std::optional<std::string>{v} : std::nullopt);
        }
    }
    ~EnvGuard() {
        for (auto& [n, v] : m_saved) {
            if (v) {
                ::setenv(n, v->c_str(), 1);
            } else {
                ::unsetenv(n);
            }
        }
    }
    std::vector<std::pair<const char*, std::optional<std::string>>> m_saved;
};

}  // namespace

TEST_CASE("a new database in a missing folder is created, migrated and configured") {
    TempDir tmp;
    fs::path p = tmp / "deep/er/etabli.db";
    auto store = db::SqlStore::open(p);
    REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
    CHECK(fs::exists(p));
    auto& c = (*store)->connection();
    CHECK(count(c, "PRAGMA foreign_keys") == 1);
    CHECK(count(c, "PRAGMA busy_timeout") == 5000);
    CHECK(count(c, "PRAGMA synchronous") == 2);  // FULL
    auto mode = c.query_text("PRAGMA journal_mode");
    REQUIRE(mode);
    CHECK(*mode == "wal");
    CHECK(count(c, "PRAGMA user_version") == db::latest_schema_version());
    auto data = (*store)->load();
    REQUIRE(data);
    CHECK(data->members.empty());
}

TEST_CASE("an empty file is initialised") {
    TempDir tmp;
    fs::path p = tmp / "etabli.db";
    write_file(p, "");
    auto store = db::SqlStore::open(p);
    REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
    CHECK(count((*store)->connection(), "PRAGMA user_version") == db::latest_schema_version());
}

TEST_CASE("the migrations are numbered without gaps and the latest is the last") {
    auto all = db::migrations();
    REQUIRE_FALSE(all.empty());
    CHECK(all.size() >= 2);
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].version == static_cast<int>(i + 1));
    CHECK(db::latest_schema_version() == all.back().version);
}

TEST_CASE("a database left at every past schema version opens with its data") {
    for (int v = 0; v < db::latest_schema_version(); ++v) {
        CAPTURE(v);
        TempDir tmp;
        fs::path p = tmp / "old.db";
        auto made = db::migrate_to(p, v);
        REQUIRE_MESSAGE(made, (made ? "" : made.error().english()));
        {
            auto c = raw(p);
            CHECK(count(c, "PRAGMA user_version") == v);
            seed(c, v);
        }
        auto store = db::SqlStore::open(p);
        REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
        CHECK(count((*store)->connection(), "PRAGMA user_version") == db::latest_schema_version());
        check_seeded(**store, v);
        // And the upgraded file works for new writes.
        auto m = (*store)->add_member(core::MemberDraft{"Nouvelle", std::nullopt, core::Role::member,
                                                        std::nullopt, core::Lang::fr},
                                      std::nullopt, utc("2026-11-28T14:00:00Z"));
        CHECK(m);
    }
}

TEST_CASE("a failing migration leaves the file at the last version that succeeded") {
    TempDir tmp;
    fs::path p = tmp / "etabli.db";
    const db::Migration list[] = {
        {1, "001_one", "CREATE TABLE one (x INTEGER);"},
        {2, "002_broken", "CREATE TABLE two (x INTEGER); INSERT INTO nowhere VALUES (1);"},
    };
    auto c = db::Connection::open_raw(p.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    REQUIRE(c);
    auto r = db::migrate(*c, 2, list);
    REQUIRE_FALSE(r);
    CHECK(r.error().args.at(0) == "2");
    CHECK(count(*c, "PRAGMA user_version") == 1);
    CHECK(count(*c, "SELECT count(*) FROM sqlite_schema WHERE name = 'one'") == 1);
    CHECK(count(*c, "SELECT count(*) FROM sqlite_schema WHERE name = 'two'") == 0);
}

TEST_CASE("migrate_to refuses to go down") {
    TempDir tmp;
    fs::path p = tmp / "etabli.db";
    REQUIRE(db::migrate_to(p, db::latest_schema_version()));
    CHECK_FALSE(db::migrate_to(p, db::latest_schema_version() - 1));
    CHECK_FALSE(db::migrate_to(p, db::latest_schema_version() + 1));
}

TEST_CASE("files that are not databases are refused and left untouched") {
    std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(200, '\x01');
    std::string text = "Nom;Prénom;Courriel\nDupont;Jean;jean@example.org\n";
    std::string tiny = "SQLite";  // shorter than the header
    std::string almost = std::string("SQLite format 3", 15) + "!" + std::string(100, '\0');
    for (const std::string& bytes : {png, text, tiny, almost}) {
        TempDir tmp;
        fs::path p = tmp / "etabli.db";
        write_file(p, bytes);
        auto before = listing(tmp.path());
        auto store = db::SqlStore::open(p);
        REQUIRE_FALSE(store);
        CHECK(store.error().msgid.find("not an Établi database") != std::string::npos);
        CHECK(store.error().msgid.find("--db") != std::string::npos);
        CHECK(read_file(p) == bytes);
        CHECK(listing(tmp.path()) == before);
    }
}

TEST_CASE("a database written by a newer Établi is refused and left untouched") {
    TempDir tmp;
    fs::path p = tmp / "etabli.db";
    {
        auto store = db::SqlStore::open(p);
        REQUIRE(store);
        REQUIRE((*store)->add_member(core::MemberDraft{"Léa", std::nullopt, core::Role::member, std::nullopt,
                                                       core::Lang::fr},
                                     std::nullopt, utc("2026-11-28T14:00:00Z")));
        std::string bump = "PRAGMA user_version = " + std::to_string(db::latest_schema_version() + 1);
        REQUIRE((*store)->connection().exec(bump.c_str()));
    }
    auto before_bytes = read_file(p);
    auto before = listing(tmp.path());
    CHECK(before == std::set<std::string>{"etabli.db"});  // the last close removed -wal/-shm

    auto store = db::SqlStore::open(p);
    REQUIRE_FALSE(store);
    CHECK(store.error().msgid ==
          "This database was written by a newer Établi (schema {0}, this version knows {1}). Update Établi, "
          "or use --db to choose another file.");
    CHECK(store.error().args ==
          std::vector<std::string>{std::to_string(db::latest_schema_version() + 1),
                                   std::to_string(db::latest_schema_version())});
    CHECK(read_file(p) == before_bytes);
    CHECK(listing(tmp.path()) == before);
    CHECK_FALSE(db::migrate_to(p, 1));
    CHECK(read_file(p) == before_bytes);
    CHECK(listing(tmp.path()) == before);
}

TEST_CASE("a read-only location is refused with what to do") {
    SUBCASE("a folder nobody can create") {
        auto store = db::SqlStore::open("/proc/etabli-test/x.db");
        REQUIRE_FALSE(store);
        CHECK(store.error().msgid.find("--db") != std::string::npos);
    }
    SUBCASE("a folder where nobody can create files") {
        auto store = db::SqlStore::open("/proc/self/etabli-test.db");
        REQUIRE_FALSE(store);
        CHECK(store.error().msgid.find("read-only") != std::string::npos);
        CHECK_FALSE(fs::exists("/proc/self/etabli-test.db"));
    }
    SUBCASE("chmod: a read-only folder and a read-only file") {
        if (::geteuid() == 0) {
            MESSAGE("running as root: chmod does not stop root, the chmod cases are skipped");
            return;
        }
        TempDir tmp;
        fs::path dir = tmp / "ro";
        fs::path p = dir / "etabli.db";
        { REQUIRE(db::SqlStore::open(p)); }
        auto bytes = read_file(p);
        auto before = listing(dir);

        fs::permissions(p, fs::perms::owner_read | fs::perms::group_read);
        auto store = db::SqlStore::open(p);
        REQUIRE_FALSE(store);
        CHECK(store.error().msgid.find("read-only") != std::string::npos);
        fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);

        fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
        store = db::SqlStore::open(p);
        REQUIRE_FALSE(store);
        CHECK(store.error().msgid.find("read-only") != std::string::npos);
        auto fresh = db::SqlStore::open(dir / "new.db");
        CHECK_FALSE(fresh);
        fs::permissions(dir, fs::perms::owner_all);

        CHECK(read_file(p) == bytes);
        CHECK(listing(dir) == before);
    }
}

TEST_CASE("the event log refuses UPDATE and DELETE") {
    TempDir tmp;
    auto store = db::SqlStore::open(tmp / "etabli.db");
    REQUIRE(store);
    REQUIRE((*store)->log_refusal("0042", core::TapKind::unknown_badge, utc("2026-11-28T14:00:00Z")));
    auto& c = (*store)->connection();
    CHECK(count(c, "SELECT count(*) FROM events") == 1);
    auto upd = c.exec("UPDATE events SET kind = 'forged'");
    REQUIRE_FALSE(upd);
    CHECK(upd.error().english().find("append-only") != std::string::npos);
    CHECK_FALSE(c.exec("DELETE FROM events"));
    CHECK(count(c, "SELECT count(*) FROM events") == 1);
    auto kind = c.query_text("SELECT kind FROM events");
    REQUIRE(kind);
    CHECK(*kind == "tap.refused");
}

TEST_CASE("foreign keys are enforced on every connection the store opens") {
    TempDir tmp;
    auto store = db::SqlStore::open(tmp / "etabli.db");
    REQUIRE(store);
    CHECK_FALSE((*store)->connection().exec(
        "INSERT INTO badges (uid, member_id, status, created_at, updated_at) "
        "VALUES ('1', 999, 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"));
}

TEST_CASE("two stores on one file (station and command line) see each other's writes") {
    TempDir tmp;
    auto a = db::SqlStore::open(tmp / "etabli.db");
    auto b = db::SqlStore::open(tmp / "etabli.db");
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE((*a)->add_member(core::MemberDraft{"Léa", std::nullopt, core::Role::member, std::nullopt, core::Lang::fr},
                             std::nullopt, utc("2026-11-28T14:00:00Z")));
    auto data = (*b)->load();
    REQUIRE(data);
    CHECK(data->members.size() == 1);
}

TEST_CASE("default_db_path follows ETABLI_DB, then XDG_DATA_HOME, then HOME") {
    EnvGuard guard({"ETABLI_DB", "XDG_DATA_HOME", "HOME"});
    ::setenv("ETABLI_DB", "/srv/atelier/etabli.db", 1);
    ::setenv("XDG_DATA_HOME", "/xdg", 1);
    ::setenv("HOME", "/home/lea", 1);
    CHECK(db::default_db_path() == fs::path("/srv/atelier/etabli.db"));
    ::unsetenv("ETABLI_DB");
    CHECK(db::default_db_path() == fs::path("/xdg/etabli/etabli.db"));
    ::setenv("XDG_DATA_HOME", "", 1);  // empty counts as unset
    CHECK(db::default_db_path() == fs::path("/home/lea/.local/share/etabli/etabli.db"));
    ::unsetenv("XDG_DATA_HOME");
    CHECK(db::default_db_path() == fs::path("/home/lea/.local/share/etabli/etabli.db"));
}
