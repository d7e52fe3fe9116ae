// Backups and checks of the workshop's data: `etabli backup`, `backups`, `restore`,
// `check`, and the service's nightly backups (BackupScheduler). The work itself is in
// db/backup.hpp and db/check.hpp; here are the settings of etabli.toml, the copies on a second
// disk, the output and the station's report. Layer: cli.
#pragma once

#include "context.hpp"
#include "periodic.hpp"

#include <etabli/db/backup.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace etabli::cli {

// [backup] of etabli.toml, with the folders made absolute (relative ones are the database's).
struct BackupSettings {
    std::filesystem::path folder;
    std::filesystem::path copy_to;  // empty: none
    std::string usb_label;          // empty: none
    db::Rotation keep;
    int hour = 3;
};
std::expected<BackupSettings, core::Problem> backup_settings(const Context& ctx);

// One automatic or manual backup: written and verified in the folder, rotated, then copied to
// the second disk and the USB stick when they are there. `copies`: what happened to each.
struct BackupRun {
    db::BackupInfo main;
    std::vector<std::string> copies;  // translated lines
};
std::expected<BackupRun, core::Problem> run_backup(const Context& ctx, const BackupSettings& s, db::BackupKind kind,
                                                   core::Timestamp now, const std::atomic<bool>* cancel = nullptr);

class BackupCommands {
public:
    explicit BackupCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);

private:
    int backup(Context& ctx);
    int list(Context& ctx);
    int restore(Context& ctx);
    int check(Context& ctx);

    std::string m_to, m_file;
    bool m_verify = false;
    CLI::App *m_backup = nullptr, *m_list = nullptr, *m_restore = nullptr, *m_check = nullptr;
};

// The service's backups: at start and every second it looks whether the nightly backup is due
// (the configured local hour has passed since the newest backup), takes it, and tells the
// station how the backups and the disk are (NoteBackups), for the host's panel.
class BackupScheduler {
public:
    BackupScheduler(Context& ctx, BackupSettings settings);
    ~BackupScheduler();
    BackupScheduler(const BackupScheduler&) = delete;
    BackupScheduler& operator=(const BackupScheduler&) = delete;
    // Looks now (tests, and after a manual backup).
    void nudge() { m_worker.nudge(); }

private:
    void once();
    Context& m_ctx;
    BackupSettings m_settings;
    bool m_scratch_removed = false;  // what a backup killed half-way left, at the first look
    std::optional<core::Problem> m_failure;
    std::chrono::steady_clock::time_point m_failed_at{};
    std::optional<app::BackupReport> m_reported;  // the last report posted
    std::atomic<bool> m_cancel{false};
    // Every second: cheap (a folder listed, a statvfs), and a clock that jumps (the soak
    // test's) is seen at once. The station hears only of changes. Last: joined first.
    Periodic m_worker;
};

}  // namespace etabli::cli
