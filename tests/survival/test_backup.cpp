// Backups, restore and `check` at the storage layer: online copies while a writer holds
// a transaction open, verification that catches a damaged file, the rotation's arithmetic,
// the restore's refusals and its file aside, the backup before a migration, a disk found by its
// label, and each invariant of `check` seen failing.
#include "testing.hpp"

#include <etabli/core/config.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/db/backup.hpp>
#include <etabli/db/check.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <unistd.h>

using namespace etabli;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

db::BackupTime at(const std::string& iso) { return testing::utc(iso); }

// A database with the current schema and a few members, written through a real connection.
void seed(const fs::path& p, int members) {
    auto c = db::open_database(p);
    REQUIRE(c);
    for (int i = 0; i < members; ++i) {
        auto st = c->prepare("INSERT INTO members (display_name, created_at, updated_at) VALUES (?1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
        REQUIRE(st);
        st->bind(1, "Membre " + std::to_string(i));
        REQUIRE(st->run());
    }
}

std::int64_t count_members(const fs::path& p) {
    auto c = db::Connection::open_raw(p.string(), 0x00000002 /* SQLITE_OPEN_READWRITE */);
    REQUIRE(c);
    auto n = c->query_int("SELECT count(*) FROM members");
    REQUIRE(n);
    return *n;
}

// A plain copy of a compressed backup, to look inside.
fs::path unpacked(const testing::TempDir& dir, const fs::path& backup) {
    const fs::path db = dir / "unpacked.db";
    fs::remove(db);
    auto r = db::restore_backup(db, backup, at("2026-12-05T12:00:00Z"));
    REQUIRE(r);
    return db;
}

void touch(const fs::path& p) { testing::write_file(p, "x"); }

}  // namespace

TEST_CASE("a backup is a consistent copy of the last commit, taken while a writer holds its transaction open") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    seed(db, 3);
    auto writer = db::open_database(db);
    REQUIRE(writer);
    REQUIRE(writer->exec("BEGIN IMMEDIATE"));
    REQUIRE(writer->exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Pas encore', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"));
    // The writer's transaction is open: a backup now copies the 3 committed members only.
    auto b = db::write_backup(db, dir / "backups", db::BackupKind::manual, at("2026-12-05T02:00:00Z"));
    REQUIRE_MESSAGE(b, (b ? "" : b.error().english()));
    REQUIRE(writer->exec("COMMIT"));
    CHECK(b->file.filename() == "etabli-20261205T020000Z-manual.db.zst");
    CHECK(b->schema == db::latest_schema_version());
    CHECK(b->bytes > 0);
    CHECK(db::verify_backup(b->file).value_or(0) == db::latest_schema_version());
    CHECK(count_members(unpacked(dir, b->file)) == 3);
    // Nothing left behind but the backup.
    int files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "backups")) ++files;
    CHECK(files == 1);
    const auto list = db::list_backups(dir / "backups");
    REQUIRE(list.size() == 1);
    CHECK(list[0].kind == db::BackupKind::manual);
    CHECK(list[0].taken == at("2026-12-05T02:00:00Z"));
}

TEST_CASE("verification catches a damaged or truncated backup, and a file that is not a backup") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    seed(db, 50);
    auto b = db::write_backup(db, dir / "b", db::BackupKind::manual, at("2026-12-05T02:00:00Z"));
    REQUIRE(b);
    std::string bytes = testing::read_file(b->file);
    SUBCASE("a flipped byte in the middle") {
        bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x40);
        testing::write_file(dir / "bad.db.zst", bytes);
        CHECK_FALSE(db::verify_backup(dir / "bad.db.zst"));
    }
    SUBCASE("cut short") {
        testing::write_file(dir / "short.db.zst", bytes.substr(0, bytes.size() / 2));
        CHECK_FALSE(db::verify_backup(dir / "short.db.zst"));
    }
    SUBCASE("not a database") {
        testing::write_file(dir / "notes.txt", "bonjour");
        auto v = db::verify_backup(dir / "notes.txt");
        REQUIRE_FALSE(v);
        CHECK(v.error().english().find("is not a database backup") != std::string::npos);
    }
    SUBCASE("a SQLite file of another program") {
        auto c = db::Connection::open_raw((dir / "other.db").string(), 0x00000002 | 0x00000004);
        REQUIRE(c);
        REQUIRE(c->exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);"));
        auto v = db::verify_backup(dir / "other.db");
        REQUIRE_FALSE(v);
        CHECK(v.error().english().find("is not an Établi database") != std::string::npos);
    }
    // No scratch file is left beside them.
    for (const auto& e : fs::directory_iterator(dir.path())) CHECK_FALSE(e.path().filename().string().starts_with(".etabli-"));
}

TEST_CASE("the rotation keeps 7 daily, 4 weekly and 12 monthly backups, and the last pre-migration ones") {
    testing::TempDir dir;
    const auto folder = dir / "b";
    fs::create_directories(folder);
    // A nightly backup every day for 400 days up to 2026-12-05, and a manual one some days.
    const sys_days last{year{2026} / December / 5};
    for (int i = 0; i < 400; ++i) {
        const auto day = last - days{i};
        const year_month_day ymd{day};
        char name[64];
        std::snprintf(name, sizeof name, "etabli-%04d%02u%02uT020000Z-nightly.db.zst", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        touch(folder / name);
    }
    touch(folder / "etabli-20261204T150000Z-manual.db.zst");  // the newest of 4 December
    for (int i = 1; i <= 5; ++i) touch(folder / ("etabli-2026110" + std::to_string(i) + "T100000Z-pre-migration.db.zst"));
    touch(folder / "notes.txt");  // not a backup: never touched
    const auto removed = db::rotate_backups(folder, db::Rotation{});
    std::set<std::string> kept;
    for (const auto& b : db::list_backups(folder)) kept.insert(b.file.filename().string());
    // Daily: 5, 4 (the manual one, newer than that night's), 3, 2, 1 December, 30 and 29 November.
    for (const char* d : {"20261205T020000Z-nightly", "20261204T150000Z-manual", "20261203T020000Z-nightly", "20261202T020000Z-nightly",
                          "20261201T020000Z-nightly", "20261130T020000Z-nightly", "20261129T020000Z-nightly"})
        CHECK(kept.contains(std::string("etabli-") + d + ".db.zst"));
    CHECK_FALSE(kept.contains("etabli-20261204T020000Z-nightly.db.zst"));
    // Weekly (ISO weeks end on Sunday): 5 Dec (week of 30 Nov), 29 Nov, 22 Nov, 15 Nov.
    CHECK(kept.contains("etabli-20261122T020000Z-nightly.db.zst"));
    CHECK(kept.contains("etabli-20261115T020000Z-nightly.db.zst"));
    CHECK_FALSE(kept.contains("etabli-20261108T020000Z-nightly.db.zst"));
    // Monthly: December's newest, then the last day of each month back to January.
    for (const char* d : {"20261031", "20260930", "20260831", "20260228", "20260131"})
        CHECK(kept.contains(std::string("etabli-") + d + "T020000Z-nightly.db.zst"));
    CHECK_FALSE(kept.contains("etabli-20251231T020000Z-nightly.db.zst"));  // a 13th month
    // Pre-migration: the last three.
    CHECK(kept.contains("etabli-20261105T100000Z-pre-migration.db.zst"));
    CHECK(kept.contains("etabli-20261103T100000Z-pre-migration.db.zst"));
    CHECK_FALSE(kept.contains("etabli-20261102T100000Z-pre-migration.db.zst"));
    CHECK(kept.size() == 7 + 2 + 10 + 3);
    CHECK(removed.size() == 401 + 5 - kept.size());
    CHECK(fs::exists(folder / "notes.txt"));
    // Smaller settings from etabli.toml.
    CHECK(db::rotate_backups(folder, db::Rotation{2, 1, 1, 1}).size() == kept.size() - 3);
}

TEST_CASE("restore: refuses what it must, keeps the current file aside, never replays a stale WAL") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    seed(db, 2);
    auto b = db::write_backup(db, dir / "b", db::BackupKind::manual, at("2026-12-05T02:00:00Z"));
    REQUIRE(b);
    seed(db, 5);  // 7 members now
    SUBCASE("the file aside holds every commit of the current database, the restored one the backup's") {
        auto r = db::restore_backup(db, b->file, at("2026-12-05T10:00:00Z"));
        REQUIRE(r);
        REQUIRE(r->aside);
        CHECK(r->aside->filename() == "etabli.db.before-restore-20261205T100000Z");
        CHECK(count_members(*r->aside) == 7);
        CHECK(count_members(db) == 2);
        CHECK_FALSE(fs::exists(dir / "etabli.db-wal"));
        // It opens as a station's database again (WAL on, migrations none).
        CHECK(db::open_database(db));
    }
    SUBCASE("a database file deleted by mistake comes back") {
        fs::remove(db);
        fs::remove(dir / "etabli.db-wal");
        fs::remove(dir / "etabli.db-shm");
        auto r = db::restore_backup(db, b->file, at("2026-12-05T10:00:00Z"));
        REQUIRE(r);
        CHECK_FALSE(r->aside);
        CHECK(count_members(db) == 2);
    }
    SUBCASE("a backup of a newer version is refused, the database untouched") {
        auto c = db::Connection::open_raw((dir / "newer.db").string(), 0x00000002 | 0x00000004);
        REQUIRE(c);
        REQUIRE(c->exec("CREATE TABLE members (id INTEGER PRIMARY KEY); PRAGMA user_version = 999;"));
        auto r = db::restore_backup(db, dir / "newer.db", at("2026-12-05T10:00:00Z"));
        REQUIRE_FALSE(r);
        CHECK(r.error().english().find("newer Établi") != std::string::npos);
        CHECK(count_members(db) == 7);
    }
    SUBCASE("a damaged backup is refused, the database untouched") {
        std::string bytes = testing::read_file(b->file);
        testing::write_file(dir / "cut.db.zst", bytes.substr(0, bytes.size() - 20));
        CHECK_FALSE(db::restore_backup(db, dir / "cut.db.zst", at("2026-12-05T10:00:00Z")));
        CHECK(count_members(db) == 7);
    }
    for (const auto& e : fs::directory_iterator(dir.path())) CHECK_FALSE(e.path().filename().string().starts_with(".etabli-"));
}

TEST_CASE("an upgrade of a database with data is preceded by a verified backup") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    REQUIRE(db::migrate_to(db, 5));
    {
        auto c = db::Connection::open_raw(db.string(), 0x00000002);
        REQUIRE(c);
        REQUIRE(c->exec("INSERT INTO members (display_name, created_at, updated_at) VALUES ('Léa', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"));
    }
    CHECK(db::list_backups(db::default_backup_folder(db)).empty());  // a new file needs none
    auto c = db::open_database(db, std::nullopt, dir / "avant");
    REQUIRE(c);
    const auto list = db::list_backups(dir / "avant");
    REQUIRE(list.size() == 1);
    CHECK(list[0].kind == db::BackupKind::pre_migration);
    CHECK(db::verify_backup(list[0].file).value_or(0) == 5);
    // Already at the latest schema: no more backups.
    c = db::open_database(db, std::nullopt, dir / "avant");
    CHECK(db::list_backups(dir / "avant").size() == 1);
}

TEST_CASE("a backup that cannot be written leaves nothing behind and says why") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    seed(db, 1);
    auto none = db::write_backup(dir / "absent.db", dir / "b", db::BackupKind::manual, at("2026-12-05T02:00:00Z"));
    REQUIRE_FALSE(none);
    CHECK(none.error().english().find("no database") != std::string::npos);
    testing::write_file(dir / "a-file", "x");
    auto not_folder = db::write_backup(db, dir / "a-file", db::BackupKind::manual, at("2026-12-05T02:00:00Z"));
    REQUIRE_FALSE(not_folder);
    CHECK(not_folder.error().kind == core::Problem::Kind::storage);
    // Two backups in the same second: the second is named apart, never over the first.
    REQUIRE(db::write_backup(db, dir / "b", db::BackupKind::pre_migration, at("2026-12-05T02:00:00Z")));
    auto second = db::write_backup(db, dir / "b", db::BackupKind::pre_migration, at("2026-12-05T02:00:00Z"));
    REQUIRE(second);
    CHECK(second->file.filename() == "etabli-20261205T020000Z-pre-migration-2.db.zst");
    const auto both = db::list_backups(dir / "b");
    REQUIRE(both.size() == 2);
    CHECK(both[1].kind == db::BackupKind::pre_migration);
}

TEST_CASE("a USB stick is found by its filesystem label, through the mount table") {
    testing::TempDir dir;
    fs::create_directories(dir / "by-label");
    fs::create_directories(dir / "dev");
    fs::create_directories(dir / "media stick");
    touch(dir / "dev" / "sdb1");
    fs::create_symlink(dir / "dev" / "sdb1", dir / "by-label" / "ETABLI-SAUV");
    // The mount table escapes the space in the mount point.
    testing::write_file(dir / "mounts", "proc /proc proc rw 0 0\n" + (dir / "dev" / "sdb1").string() + " " +
                                            (dir / "media").string() + "\\040stick vfat rw 0 0\n");
    ::setenv("ETABLI_DISK_BY_LABEL", (dir / "by-label").c_str(), 1);
    ::setenv("ETABLI_MOUNTS", (dir / "mounts").c_str(), 1);
    CHECK(db::mount_of_label("ETABLI-SAUV") == dir / "media stick");
    CHECK_FALSE(db::mount_of_label("AUTRE"));
    CHECK_FALSE(db::mount_of_label("../dev"));
    // A label with a space: udev names the link with \x20.
    fs::create_symlink(dir / "dev" / "sdb1", dir / "by-label" / "SAUV\\x20ATELIER");
    CHECK(db::mount_of_label("SAUV ATELIER") == dir / "media stick");
    testing::write_file(dir / "mounts", "proc /proc proc rw 0 0\n");  // plugged in, not mounted
    CHECK_FALSE(db::mount_of_label("ETABLI-SAUV"));
    ::unsetenv("ETABLI_DISK_BY_LABEL");
    ::unsetenv("ETABLI_MOUNTS");
    CHECK(db::free_bytes(dir / "not" / "yet").value_or(0) > 0);
}

TEST_CASE("check: a clean database has no violation; each invariant is seen failing, by name") {
    testing::TempDir dir;
    const auto db = dir / "etabli.db";
    seed(db, 2);
    auto clean = db::check_database(db);
    REQUIRE(clean);
    CHECK(clean->empty());
    {
        auto c = db::Connection::open_raw(db.string(), 0x00000002);
        REQUIRE(c);
        REQUIRE(c->exec(
            "INSERT INTO machines (id, name, created_at, updated_at) VALUES (1, 'Laser', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
            "INSERT INTO machines (id, name, created_at, updated_at) VALUES (2, 'Tour', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
            "INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, created_at) VALUES "
            "(1, 1, 1, '2026-12-05T10:00:00Z', '2026-12-05T11:00:00Z', '2026-12-01T00:00:00Z'),"
            "(2, 1, 2, '2026-12-05T10:30:00Z', '2026-12-05T11:30:00Z', '2026-12-01T00:00:00Z'),"
            "(3, 1, 2, '2026-12-05T11:00:00Z', '2026-12-05T12:00:00Z', '2026-12-01T00:00:00Z');"
            "UPDATE bookings SET state = 'cancelled' WHERE id = 3;"
            "INSERT INTO alloc_state (id, next_booking, next_session, next_queue_entry, next_series) VALUES (1, 2, 1, 1, 1);"
            "INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, allowed_until) VALUES "
            "(1, 2, 1, 1, '2026-12-05T10:00:00Z', '2026-12-05T11:00:00Z');"
            "INSERT INTO skills (id, name, created_at) VALUES (1, 'Laser', '2026-01-01T00:00:00Z');"
            "INSERT INTO skill_grants (member_id, skill_id, level, signed_by, signed_at) VALUES (2, 1, 3, 1, '2026-01-01T00:00:00Z');"
            "PRAGMA foreign_keys = OFF;"
            "INSERT INTO badges (uid, member_id, created_at, updated_at) VALUES ('0009', 42, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"));
    }
    auto r = db::check_database(db);
    REQUIRE(r);
    std::set<std::string> rules;
    for (const auto& v : *r) rules.insert(v.rule);
    CHECK(rules == std::set<std::string>{"booking_overlap", "session_booking", "grant_signer", "foreign_key", "badge_member"});
    core::Translations tr;
    tr.fr.merge(*core::parse_po(testing::read_file(fs::path(ETABLI_TEST_DATA).parent_path() / "assets" / "i18n" / "fr.po")));
    for (const auto& v : *r) {
        CAPTURE(v.what.english());
        CHECK(tr.render(core::Lang::fr, v.what) != v.what.english());  // each one said in French
        if (v.rule == "booking_overlap") CHECK(v.what.english() == "Bookings 1 and 2 overlap on Laser");
    }
    // A damaged file: its pages are named, nothing else is asked of it.
    {
        std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
        REQUIRE(db::Connection::open_raw(db.string(), 0x00000002)->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
        f.seekp(4096 * 2);
        const std::string junk(4096 * 6, '\x5a');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    auto damaged = db::check_database(db);
    if (damaged) {
        REQUIRE_FALSE(damaged->empty());
        CHECK(damaged->front().rule == "integrity");
    }
}

TEST_CASE("[backup] in etabli.toml: every key, checked, written back as read") {
    auto c = core::parse_config("[backup]\nfolder = \"/srv/sauvegardes\"\ncopy_to = \"/mnt/disque2\"\nusb_label = \"ETABLI\"\n"
                                "daily = 10\nweekly = 6\nmonthly = 24\nhour = 4\n");
    REQUIRE(c);
    REQUIRE(c->backup);
    CHECK(c->backup->folder == "/srv/sauvegardes");
    CHECK(c->backup->usb_label == "ETABLI");
    CHECK(c->backup->monthly == 24);
    CHECK(c->backup->hour == 4);
    CHECK(core::parse_config(core::to_toml(*c)).value() == *c);
    CHECK_FALSE(core::parse_config("[backup]\nhour = 24\n"));
    CHECK_FALSE(core::parse_config("[backup]\ndaily = 0\n"));
    CHECK_FALSE(core::parse_config("[backup]\nfolder = 3\n"));
    auto unknown = core::parse_config("[backup]\nkeep = 3\n");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().english() == "Configuration line 2: unknown key \"keep\" in [backup]");
}

TEST_CASE("two databases sharing a backup folder never count nor rotate each other's backups") {
    testing::TempDir dir;
    seed(dir / "etabli.db", 1);
    seed(dir / "demo.db", 2);
    for (int d = 1; d <= 9; ++d) {
        const auto t = at("2026-12-0" + std::to_string(d) + "T02:00:00Z");
        REQUIRE(db::write_backup(dir / "etabli.db", dir / "b", db::BackupKind::nightly, t));
        if (d == 1) REQUIRE(db::write_backup(dir / "demo.db", dir / "b", db::BackupKind::nightly, t));
    }
    CHECK(db::list_backups(dir / "b", "etabli").size() == 9);
    REQUIRE(db::list_backups(dir / "b", "demo").size() == 1);
    CHECK(db::list_backups(dir / "b", "demo")[0].file.filename() == "demo-20261201T020000Z-nightly.db.zst");
    db::rotate_backups(dir / "b", db::Rotation{2, 1, 1, 1}, "etabli");
    CHECK(db::list_backups(dir / "b", "etabli").size() == 2);
    CHECK(db::list_backups(dir / "b", "demo").size() == 1);  // untouched
    CHECK(db::backup_stem(dir / "demo.db") == "demo");
}

TEST_CASE("scratch files of a backup killed half-way are removed; a live process's are not") {
    testing::TempDir dir;
    touch(dir / ".etabli-copy-999999-0.tmp");  // no such process
    touch(dir / (".etabli-copy-" + std::to_string(::getpid()) + "-3.tmp"));
    touch(dir / ".etabli-notes.txt");
    CHECK(db::remove_stale_scratch(dir.path()) == 1);
    CHECK_FALSE(fs::exists(dir / ".etabli-copy-999999-0.tmp"));
    CHECK(fs::exists(dir / (".etabli-copy-" + std::to_string(::getpid()) + "-3.tmp")));
    CHECK(fs::exists(dir / ".etabli-notes.txt"));
}

TEST_CASE("a backup stopped half-way leaves nothing behind") {
    testing::TempDir dir;
    seed(dir / "etabli.db", 200);
    std::atomic<bool> stop{true};
    auto b = db::write_backup(dir / "etabli.db", dir / "b", db::BackupKind::nightly, at("2026-12-05T02:00:00Z"), &stop);
    REQUIRE_FALSE(b);
    CHECK(b.error().english() == "The backup was stopped");
    CHECK(db::list_backups(dir / "b").empty());
    for (const auto& e : fs::directory_iterator(dir / "b")) CHECK_FALSE(e.path().filename().string().starts_with(".etabli-"));
}
