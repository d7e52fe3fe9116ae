// `etabli backup`, `backups`, `restore`, `check` and the service's nightly backups; see
// backup_cmds.hpp. Layer: cli. Commands: main thread (or an API worker, served). Scheduler: its
// own thread, which only reads the database (through its own connection) and posts to the
// station.
#include "backup_cmds.hpp"

#include "api.hpp"
#include "devices_cmds.hpp"
#include "io.hpp"

#include <etabli/db/check.hpp>
#include <etabli/db/migrations.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace etabli::cli {

namespace fs = std::filesystem;
using namespace std::chrono;
using nlohmann::json;

std::expected<BackupSettings, core::Problem> backup_settings(const Context& ctx) {
    auto config = load_config(ctx.config.empty() ? default_config_path() : ctx.config);
    if (!config) return std::unexpected(config.error());
    const core::BackupConfig c = config->backup.value_or(core::BackupConfig{});
    const fs::path base = ctx.db_path.parent_path().empty() ? fs::path(".") : ctx.db_path.parent_path();
    BackupSettings s;
    s.folder = c.folder.empty() ? db::default_backup_folder(ctx.db_path) : base / fs::path(c.folder);
    if (!c.copy_to.empty()) s.copy_to = base / fs::path(c.copy_to);
    s.usb_label = c.usb_label;
    s.keep.daily = c.daily;
    s.keep.weekly = c.weekly;
    s.keep.monthly = c.monthly;
    s.hour = c.hour;
    return s;
}

namespace {

std::string size_text(std::uintmax_t bytes) {
    char buf[32];
    if (bytes < 1000 * 1000) std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(bytes) / 1000.0);
    else std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return buf;
}

std::string local_time_text(const Context& ctx, core::Timestamp t) {
    if (!ctx.calendar) return core::format_timestamp(t);
    return format_local_date(ctx.calendar->local_day(t), ctx.lang) + " " + ctx.calendar->local_hhmm(t);
}

core::Timestamp now_s() { return floor<seconds>(system_clock::now()); }

}  // namespace

std::expected<BackupRun, core::Problem> run_backup(const Context& ctx, const BackupSettings& s, db::BackupKind kind,
                                                   core::Timestamp now, const std::atomic<bool>* cancel) {
    const auto stem = db::backup_stem(ctx.db_path);
    auto main = db::write_backup(ctx.db_path, s.folder, kind, now, cancel);
    if (!main) return std::unexpected(main.error());
    BackupRun out;
    out.main = *main;
    db::rotate_backups(s.folder, s.keep, stem);
    // The second disk and the stick: a fresh verified copy each, with their own rotation. A
    // missing disk is said, never an error: it is unplugged most of the time.
    auto copy_to = [&](const fs::path& folder, const std::string& where) {
        auto b = db::write_backup(ctx.db_path, folder, kind, now, cancel);
        if (!b) {
            out.copies.push_back(core::fill_placeholders(ctx.t("Copy on {0}: failed ({1})"), {where, ctx.render(b.error())}));
            return;
        }
        db::rotate_backups(folder, s.keep, stem);
        out.copies.push_back(core::fill_placeholders(ctx.t("Copy on {0}: {1}"), {where, b->file.string()}));
    };
    std::error_code ec;
    if (!s.copy_to.empty()) {
        if (fs::is_directory(s.copy_to, ec)) copy_to(s.copy_to, s.copy_to.string());
        else out.copies.push_back(core::fill_placeholders(ctx.t("Copy on {0}: the folder is not there (disk not plugged in?)"), {s.copy_to.string()}));
    }
    if (!s.usb_label.empty()) {
        if (auto mount = db::mount_of_label(s.usb_label)) copy_to(*mount / "etabli-backups", s.usb_label);
        else out.copies.push_back(core::fill_placeholders(ctx.t("Copy on {0}: the disk is not plugged in"), {s.usb_label}));
    }
    return out;
}

BackupCommands::BackupCommands(CLI::App& app) {
    m_backup = app.add_subcommand("backup", "Back up the database now (verified, compressed); --to DIR for a copy elsewhere");
    m_backup->add_option("--to", m_to, "Folder for this copy (kept out of the rotation)");
    m_list = app.add_subcommand("backups", "List the backups: date, kind, size; --verify checks each again");
    m_list->add_flag("--verify", m_verify, "Decompress and check every backup now");
    m_restore = app.add_subcommand("restore", "Put a backup in place of the database (the current file is kept aside)");
    m_restore->add_option("FILE", m_file, "A backup (.db.zst) or a database file")->required();
    m_check = app.add_subcommand("check", "Check the database: integrity, links, and the station's own rules");
}

std::optional<int> BackupCommands::run(Context& ctx) {
    if (m_backup->parsed()) return backup(ctx);
    if (m_list->parsed()) return list(ctx);
    if (m_restore->parsed()) return restore(ctx);
    if (m_check->parsed()) return check(ctx);
    return std::nullopt;
}

namespace {
// The backups, their restore and the file's check are the SQLite file's: a PostgreSQL
// database is backed up on its server.
std::optional<int> not_on_postgres(Context& ctx) {
    if (ctx.db_url.empty()) return std::nullopt;
    return ctx.fail(kBadInput, core::problem("This station runs on a PostgreSQL database: its backups are made on the server "
                                             "(pg_dump, or the server's own backups), not by etabli"));
}
}  // namespace

int BackupCommands::backup(Context& ctx) {
    if (auto code = not_on_postgres(ctx)) return *code;
    auto s = backup_settings(ctx);
    if (!s) return ctx.fail(kBadInput, s.error());
    std::error_code ec;
    // A database that is not there is not created by a backup.
    if (!fs::exists(ctx.db_path, ec))
        return ctx.fail(kStorage, core::storage_problem("There is no database at {0} to back up", {ctx.db_path.string()}));
    if (!ctx.served) {
        // Alone on the file: wait for a command that writes, as every command does.
        if (auto code = ctx.take_lock(seconds(10))) return *code;
    }
    const auto now = now_s();
    std::expected<BackupRun, core::Problem> r = std::unexpected(core::Problem{});
    if (!m_to.empty()) {
        auto b = db::write_backup(ctx.db_path, fs::absolute(m_to, ec), db::BackupKind::manual, now);
        if (!b) return ctx.fail(kStorage, b.error());
        r = BackupRun{*b, {}};
    } else {
        r = run_backup(ctx, *s, db::BackupKind::manual, now);
        if (!r) return ctx.fail(kStorage, r.error());
    }
    if (ctx.served && ctx.served->backups_changed) ctx.served->backups_changed();
    if (ctx.json) {
        cli_out() << json{{"file", r->main.file.string()}, {"bytes", r->main.bytes}, {"schema", r->main.schema}, {"verified", true},
                          {"copies", r->copies}}.dump()
                  << '\n';
        return kDone;
    }
    cli_out() << core::fill_placeholders(ctx.t("Backup written and verified: {0} ({1})"), {r->main.file.string(), size_text(r->main.bytes)})
              << '\n';
    for (const auto& c : r->copies) cli_out() << c << '\n';
    return kDone;
}

int BackupCommands::list(Context& ctx) {
    auto s = backup_settings(ctx);
    if (!s) return ctx.fail(kBadInput, s.error());
    if (!ctx.calendar)
        if (auto code = ctx.make_calendar()) return *code;
    std::vector<fs::path> folders{s->folder};
    if (!s->copy_to.empty()) folders.push_back(s->copy_to);
    if (!s->usb_label.empty())
        if (auto m = db::mount_of_label(s->usb_label)) folders.push_back(*m / "etabli-backups");
    json out = json::array();
    int bad = 0;
    for (const auto& folder : folders) {
        const auto list = db::list_backups(folder, db::backup_stem(ctx.db_path));
        if (!ctx.json) {
            cli_out() << core::fill_placeholders(ctx.t("Backups in {0}: {1}"), {folder.string(), std::to_string(list.size())}) << '\n';
        }
        for (const auto& b : list) {
            std::string verified = ctx.t("verified when written");
            bool ok = true;
            if (m_verify) {
                auto v = db::verify_backup(b.file);
                ok = v.has_value();
                verified = ok ? ctx.t("verified now") : core::fill_placeholders(ctx.t("DAMAGED: {0}"), {ctx.render(v.error())});
                if (!ok) ++bad;
            }
            const std::string kind = ctx.t(b.kind == db::BackupKind::nightly  ? "nightly"
                                           : b.kind == db::BackupKind::manual ? core::N_("manual")
                                                                              : core::N_("before an upgrade"));
            if (ctx.json) {
                out.push_back({{"file", b.file.string()}, {"taken", core::format_timestamp(b.taken)}, {"kind", std::string(db::to_string(b.kind))},
                               {"bytes", b.bytes}, {"verified", ok}});
            } else {
                cli_out() << "  " << local_time_text(ctx, b.taken) << "  " << kind << "  " << size_text(b.bytes) << "  " << verified << "  "
                          << b.file.filename().string() << '\n';
            }
        }
    }
    if (ctx.json) cli_out() << out.dump() << '\n';
    return bad ? kStorage : kDone;
}

int BackupCommands::restore(Context& ctx) {
    if (auto code = not_on_postgres(ctx)) return *code;
    std::error_code ec;
    const fs::path file = fs::absolute(m_file, ec);
    // The backup is checked before anything stops: a bad file changes nothing.
    auto schema = db::verify_backup(file);
    if (!schema) return ctx.fail(kBadInput, core::problem("This backup cannot be restored: {0}", {ctx.render(schema.error())}));
    if (*schema > db::latest_schema_version())
        return ctx.fail(kBadInput, core::problem("This backup was written by a newer Établi (schema {0}, this version knows {1}): update Établi first.",
                                                 {std::to_string(*schema), std::to_string(db::latest_schema_version())}));
    if (ctx.served) {
        // The service stops its writes, swaps the files and starts again (serve.cpp).
        if (!ctx.served->restore) return ctx.fail(kBadInput, core::problem("This station cannot restore a backup while it runs: stop it first"));
        if (auto r = ctx.served->restore(file); !r) return ctx.fail(kStorage, r.error());
        cli_out() << core::fill_placeholders(ctx.t("The station stops its writes, puts {0} in place of the database and starts again."), {file.string()})
                  << '\n';
        return kDone;
    }
    if (auto code = ctx.take_lock(seconds(10))) return *code;
    auto r = db::restore_backup(ctx.db_path, file, now_s());
    if (!r) return ctx.fail(r.error());
    cli_out() << core::fill_placeholders(ctx.t("Restored {0} (schema {1}) as {2}."), {file.string(), std::to_string(r->schema), ctx.db_path.string()}) << '\n';
    if (r->aside) cli_out() << core::fill_placeholders(ctx.t("The previous database is kept as {0}."), {r->aside->string()}) << '\n';
    return kDone;
}

int BackupCommands::check(Context& ctx) {
    if (auto code = not_on_postgres(ctx)) return *code;
    auto r = db::check_database(ctx.db_path);
    if (!r) return ctx.fail(kStorage, r.error());
    if (ctx.json) {
        json out = json::array();
        for (const auto& v : *r) out.push_back({{"rule", v.rule}, {"message", ctx.render(v.what)}});
        cli_out() << json{{"ok", r->empty()}, {"violations", out}}.dump() << '\n';
    } else if (r->empty()) {
        cli_out() << core::fill_placeholders(ctx.t("{0}: no problem found (integrity, links, bookings, loans, sessions, presences, skills)."),
                                             {ctx.db_path.string()})
                  << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t("{0}: {1} problems found:"), {ctx.db_path.string(), std::to_string(r->size())}) << '\n';
        for (const auto& v : *r) cli_out() << "  [" << v.rule << "] " << ctx.render(v.what) << '\n';
    }
    return r->empty() ? kDone : kRefused;
}

// [BackupScheduler] -------------------------------------------------------------------------

BackupScheduler::BackupScheduler(Context& ctx, BackupSettings settings)
    : m_ctx(ctx), m_settings(std::move(settings)), m_worker("the backups", seconds(1), [this] { once(); }) {}

// A backup under way stops within a step (systemd's stop timeout is 20 s); m_worker then joins.
BackupScheduler::~BackupScheduler() { m_cancel = true; }

void BackupScheduler::once() {
    if (!m_ctx.db_url.empty()) return;  // PostgreSQL: the server's backups
    if (!m_scratch_removed) {  // what a backup killed half-way (a power cut) left behind
        m_scratch_removed = true;
        if (const int n = db::remove_stale_scratch(m_settings.folder); n > 0)
            log_line(LogLevel::info, "removed " + std::to_string(n) + " scratch files of an interrupted backup");
    }
    app::Station* station = m_ctx.station;
    if (!station) return;
    const core::Timestamp now = m_ctx.clock.now();
    const auto stem = db::backup_stem(m_ctx.db_path);
    auto list = db::list_backups(m_settings.folder, stem);
    // The nightly backup is due once the configured hour has passed since the newest backup.
    const auto today = m_ctx.calendar->local_day(now);
    auto due_at = m_ctx.calendar->day_start(today) + hours(m_settings.hour);
    if (due_at > now) due_at -= days(1);
    // After a failure, the next try waits ten minutes: a full disk is not hammered.
    const bool waiting = m_failure && steady_clock::now() - m_failed_at < minutes(10);
    if ((list.empty() || list.front().taken < due_at) && !waiting) {
        auto r = run_backup(m_ctx, m_settings, db::BackupKind::nightly, now, &m_cancel);
        if (r) {
            m_failure.reset();
            log_line(LogLevel::info, "backup written and verified: " + r->main.file.string());
            for (const auto& c : r->copies) log_line(LogLevel::info, c);
            // Then the night's retention ([privacy]): after the backup, never instead of it.
            if (auto p = station->call(app::PurgePersonalData{false, std::nullopt}); !p) {
                log_line(LogLevel::error, "the nightly purge of personal data failed: " + p.error().english());
            } else if (const auto* s = std::get_if<app::PurgeSummary>(&*p); s && (s->presences > 0 || !s->erased.empty() || s->buyers > 0)) {
                log_line(LogLevel::info, "nightly purge of personal data: " + std::to_string(s->presences) + " presences became " +
                                             std::to_string(s->daily_rows) + " daily totals, " + std::to_string(s->erased.size()) +
                                             " members erased, " + std::to_string(s->buyers) + " bike buyers purged");
            }
        } else {
            m_failure = r.error();
            m_failed_at = steady_clock::now();
            log_line(LogLevel::error, "backup failed: " + r.error().english());
        }
        list = db::list_backups(m_settings.folder, stem);
    }
    app::BackupReport report;
    if (!list.empty()) report.last_ok = list.front().taken;
    report.failure = m_failure;
    // By 10 MB steps: every write moves the exact figure.
    if (auto free = db::free_bytes(m_ctx.db_path)) report.free_bytes = *free / 10'000'000 * 10'000'000;
    const auto same = [](const app::BackupReport& a, const app::BackupReport& b) {
        return a.last_ok == b.last_ok && a.free_bytes == b.free_bytes && a.failure.has_value() == b.failure.has_value() &&
               (!a.failure || a.failure->english() == b.failure->english());
    };
    if (m_reported && same(*m_reported, report)) return;
    m_reported = report;
    (void)station->post(app::NoteBackups{report});
}

}  // namespace etabli::cli
