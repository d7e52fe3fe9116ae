// Backups of a station's database: online copies through SQLite's backup API (consistent
// while the station writes), compressed with zstd, verified after they are written (decompressed,
// opened, integrity_check'ed) and only then given their final name; a rotation of 7 daily,
// 4 weekly and 12 monthly copies; a second copy on a disk or USB stick found by its label;
// and the restore that swaps a backup in, keeping the current file aside.
// Layer: db. Any thread: every function opens its own connections.
//
// A backup's name says whose, when (UTC) and why it was taken:
// etabli-20261205T020000Z-nightly.db.zst for etabli.db. A file with such a name passed its
// verification when it was written: a backup that fails is deleted and never gets the name.
#pragma once

#include <etabli/core/problem.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace etabli::db {

using core::Problem;
using BackupTime = std::chrono::sys_seconds;

enum class BackupKind { nightly, manual, pre_migration };
std::string_view to_string(BackupKind k);

struct BackupInfo {
    std::filesystem::path file;
    BackupTime taken{};
    BackupKind kind = BackupKind::manual;
    std::uintmax_t bytes = 0;  // on disk, compressed
    int schema = 0;            // known once verified (0: not read)
};

// What to keep of the automatic backups: for the last `daily` days that have backups, the
// newest of each day; the same for ISO weeks and months (restic's --keep-daily/weekly/monthly).
// Pre-migration backups are kept apart: the last `pre_migration` of them.
struct Rotation {
    int daily = 7, weekly = 4, monthly = 12, pre_migration = 3;
};

// Where backups go when the configuration names no folder: "backups" beside the database.
std::filesystem::path default_backup_folder(const std::filesystem::path& db);

// Copies the database at `db` (its last commit, WAL included) into `folder` (created when
// missing) as a verified compressed backup. Refused with a storage Problem, leaving nothing
// behind: a database that cannot be read, a folder that cannot be written, too little space.
// `cancel`: set from another thread, the copy stops within a step and leaves nothing behind.
std::expected<BackupInfo, Problem> write_backup(const std::filesystem::path& db, const std::filesystem::path& folder,
                                                BackupKind kind, BackupTime now, const std::atomic<bool>* cancel = nullptr);

// Decompresses (when zstd) `backup` to `out`, opens it and runs integrity_check: the schema
// version, or why it is not a usable Établi database.
std::expected<int, Problem> verify_backup(const std::filesystem::path& backup);

// What a database's backups are named after: its file name without ".db" ("etabli").
std::string backup_stem(const std::filesystem::path& db);

// The backups of the database named `stem` in `folder`, newest first (an absent folder has
// none; another database's backups in the same folder are not listed).
std::vector<BackupInfo> list_backups(const std::filesystem::path& folder, std::string_view stem = "etabli");

// Deletes the backups of `stem` in `folder` that `keep` does not keep; returns them.
std::vector<BackupInfo> rotate_backups(const std::filesystem::path& folder, const Rotation& keep,
                                       std::string_view stem = "etabli");

// Removes the scratch files (".etabli-*.tmp") that a backup, check or restore of a process
// that no longer runs left in `folder` (a power cut, a kill); returns how many.
int remove_stale_scratch(const std::filesystem::path& folder);

// The mount point of the filesystem labelled `label` (/dev/disk/by-label, then the mount
// table), if it is plugged in and mounted. $ETABLI_DISK_BY_LABEL and $ETABLI_MOUNTS replace the
// two for tests.
std::optional<std::filesystem::path> mount_of_label(const std::string& label);

// Free bytes for an unprivileged user on the filesystem of `path` (its nearest existing
// parent); none when it cannot be read.
std::optional<std::uintmax_t> free_bytes(const std::filesystem::path& path);

// Puts `backup` (zstd or a plain database file) in the place of the database at `db`: checked
// first (integrity, an Établi database, not from a newer version), the current file (and its
// WAL) moved aside under a dated name, the backup's copy renamed in. The caller holds the
// database's lock and no connection to it. Returns where the previous database was put (none
// when there was no file).
struct Restored {
    std::optional<std::filesystem::path> aside;
    int schema = 0;
};
std::expected<Restored, Problem> restore_backup(const std::filesystem::path& db, const std::filesystem::path& backup,
                                                BackupTime now);

}  // namespace etabli::db
