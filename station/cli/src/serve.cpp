// `etabli serve`: the station without a window. It owns the database (its lock), the
// badge readers, the machine controllers, the timers and the snapshots, and answers its
// clients on the API socket. Under systemd (assets/systemd/etabli.service) it says READY=1
// once it listens and pings the watchdog while its Station thread runs. Layer: cli.
#include "serve.hpp"

#include <etabli/hw/guarded.hpp>
#include "devices_cmds.hpp"
#include "io.hpp"
#include "kiosk_controllers.hpp"
#include "backup_cmds.hpp"
#include "mail_cmds.hpp"
#include "report_writer.hpp"

#include <etabli/db/backup.hpp>

#include <nlohmann/json.hpp>

#include <etabli/db/database.hpp>

#include <systemd/sd-daemon.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace etabli::cli {

namespace fs = std::filesystem;
using namespace std::chrono;

void notify_systemd(const std::string& state) { ::sd_notify(0, state.c_str()); }

StationWatchdog::StationWatchdog(std::function<std::uint64_t()> progress, microseconds interval,
                                 std::function<void(const std::string&)> notify)
    : m_progress(std::move(progress)), m_interval(interval), m_notify(std::move(notify)) {
    // An exception escaping the watchdog's loop is logged and the loop starts again.
    m_thread = std::thread([this] {
        hw::run_guarded("the watchdog", [this] { run(); }, [this] {
            std::lock_guard lk(m_mutex);
            return m_stop;
        });
    });
}

StationWatchdog::~StationWatchdog() {
    {
        std::lock_guard lk(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

std::optional<microseconds> StationWatchdog::requested() {
    std::uint64_t usec = 0;
    if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return microseconds(usec);
    return std::nullopt;
}

void StationWatchdog::run() {
    const auto step = std::max(microseconds(10'000), m_interval / 8);
    auto last_ping = steady_clock::now() - m_interval;
    std::uint64_t last_seen = m_progress();
    bool warned = false;
    std::unique_lock lk(m_mutex);
    while (!m_stop) {
        m_cv.wait_for(lk, step, [this] { return m_stop; });
        if (m_stop) return;
        const auto now = steady_clock::now();
        const auto seen = m_progress();
        if (seen != last_seen) {
            if (now - last_ping >= m_interval / 4) {
                m_notify("WATCHDOG=1");
                last_ping = now;
                last_seen = seen;
                warned = false;
            }
        } else if (!warned && now - last_ping >= m_interval / 2) {
            log_line(LogLevel::error, "The station thread has not moved for " +
                                          std::to_string(duration_cast<milliseconds>(now - last_ping).count()) +
                                          " ms: the watchdog is no longer fed");
            warned = true;
        }
    }
}

std::expected<std::shared_ptr<ApiServer>, int> start_api(Context& ctx, const fs::path& socket, const std::string& server,
                                                         const Served& hooks) {
    Served served = hooks;
    served.station = ctx.station;
    served.calendar = ctx.calendar;
    served.db_path = ctx.db_path;
    served.db_url = ctx.db_url;
    served.config = ctx.config;
    served.translations = ctx.translations;
    ApiServer::Options opts;
    opts.socket = socket;
    opts.server = server;
    auto api = std::make_shared<ApiServer>(std::move(served), opts);
    if (auto r = api->start(); !r) return std::unexpected(ctx.fail(kStorage, r.error()));
    ctx.lock.describe(db::LockHolder{::getpid(), ctx.role, socket.string()});
    std::weak_ptr<ApiServer> weak = api;
    ctx.station->add_watcher([weak] {
        if (auto a = weak.lock()) a->snapshot_changed();
    });
    return api;
}

namespace {

int g_signal_pipe[2] = {-1, -1};
// The backup an API client asked to restore: set before 'r' is written to the pipe.
std::mutex g_restore_mutex;
fs::path g_restore_file;

// The command line this process was started with, for starting again after a restore.
std::vector<std::string> own_command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> args;
    std::string a;
    while (std::getline(in, a, '\0')) args.push_back(a);
    return args;
}

// Puts the backup in place (the station is stopped, its store closed, the lock still held)
// and starts this program again with the same command line: the new station loads the
// restored data. Returns only when the exec failed.
void restore_and_restart(const fs::path& db, const fs::path& backup) {
    // systemd: the swap (a copy, a check) and the next start may take longer than the watchdog.
    notify_systemd("WATCHDOG=1\nWATCHDOG_USEC=600000000\nEXTEND_TIMEOUT_USEC=600000000");
    auto r = db::restore_backup(db, backup, floor<seconds>(system_clock::now()));
    nlohmann::json result{{"file", backup.string()}, {"ok", r.has_value()}};
    if (r) {
        if (r->aside) result["aside"] = r->aside->string();
        log_line(LogLevel::info, "restored " + backup.string() + " as " + db.string() +
                                     (r->aside ? "; the previous database is kept as " + r->aside->string() : std::string()));
    } else {
        result["error"] = r.error().english();
        result["msgid"] = r.error().msgid;
        result["args"] = r.error().args;
        log_line(LogLevel::error, "restore of " + backup.string() + " failed, the database is as it was: " + r.error().english());
    }
    // The new process says it in its hello, to the client that waits for it.
    ::setenv("ETABLI_RESTORE_RESULT", result.dump().c_str(), 1);
    const auto args = own_command_line();
    if (args.empty()) return;
    std::vector<char*> argv;
    for (const auto& x : args) argv.push_back(const_cast<char*>(x.c_str()));
    argv.push_back(nullptr);
    // The program's own path (not /proc/self/exe, which would name the process "exe").
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    ::execv(ec ? "/proc/self/exe" : exe.c_str(), argv.data());
    log_line(LogLevel::error, std::string("cannot start again after the restore: ") + std::strerror(errno));
}

extern "C" void on_stop_signal(int) {
    const char c = 's';
    [[maybe_unused]] auto n = ::write(g_signal_pipe[1], &c, 1);
}

// One line per badge tap and machine access, for the journal: numbers only, no names.
struct EventLog {
    std::uint64_t tap = 0, access = 0;
    void operator()(const app::Snapshot& s) {
        if (s.last_tap && s.last_tap->seq != tap) {
            tap = s.last_tap->seq;
            log_line(LogLevel::info, "tap " + s.last_tap->uid + ": " + std::string(core::to_string(s.last_tap->decision.kind)) +
                                         (s.last_tap->member ? " (member " + std::to_string(s.last_tap->member->id) + ")" : ""));
        }
        if (s.last_access && s.last_access->seq != access) {
            access = s.last_access->seq;
            const auto& a = *s.last_access;
            log_line(LogLevel::info, "machine " + std::to_string(a.machine) + ", member " + std::to_string(a.member) + ": " +
                                         (a.granted ? "session started until " + a.until_hhmm
                                          : a.ended ? std::string("session ended")
                                          : a.checked ? std::string("checked after use")
                                                    : "refused (" + a.refusal.english() + ")"));
        }
    }
};

}  // namespace

int cmd_serve(Context& ctx, const ServeArgs& args) {
    ctx.role = "serve";
    const fs::path socket = args.socket.empty() ? default_socket_path() : fs::path(args.socket);
    // The lock first: a second station on this database stops here, naming the first.
    if (auto code = ctx.take_lock(seconds(10))) return *code;
    std::shared_ptr<StationControllers> controllers;
    wire_station_controllers(ctx, args.demo, controllers);
    if (auto code = ctx.open_station()) return *code;
    ctx.before_start = nullptr;
    struct StopLinks {
        std::shared_ptr<StationControllers>& c;
        ~StopLinks() {
            if (c) c->stop();
        }
    } stop_links{controllers};
    if (controllers) controllers->start();
    auto readers = start_station_readers(ctx, ctx.config);
    if (!readers) return readers.error();
    if (args.demo && ctx.station->snapshot()->directory->members.empty()) {
        if (int code = seed_demo(ctx); code != kDone) return code;
    }
    if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0) return ctx.fail(kStorage, core::storage_problem("Cannot open a pipe"));
    // Nightly backups, the host panel's report; a restore asked through the API.
    auto backup_cfg = backup_settings(ctx);
    if (!backup_cfg) return ctx.fail(kBadInput, backup_cfg.error());
    auto backups = std::make_shared<BackupScheduler>(ctx, *backup_cfg);
    // The renewal reminders, when [smtp] is configured: their own thread, never the station's.
    auto started_mail = start_mail_sender(ctx);
    if (!started_mail) return ctx.fail(kBadInput, started_mail.error());
    auto mail = std::move(*started_mail);
    // The funders' pack a host asks for at a kiosk: written beside the station.
    auto reports = start_report_writer(ctx);
    Served hooks;
    std::weak_ptr<BackupScheduler> weak_backups = backups;
    hooks.backups_changed = [weak_backups] {
        if (auto b = weak_backups.lock()) b->nudge();
    };
    hooks.restore = [](const fs::path& file) -> std::expected<void, core::Problem> {
        {
            std::lock_guard lk(g_restore_mutex);
            if (!g_restore_file.empty()) return std::unexpected(core::problem("A restore is already under way"));
            g_restore_file = file;
        }
        const char c = 'r';
        if (::write(g_signal_pipe[1], &c, 1) != 1) {
            std::lock_guard lk(g_restore_mutex);
            g_restore_file.clear();
            return std::unexpected(core::storage_problem("Cannot open a pipe"));
        }
        return {};
    };
    if (const char* done = std::getenv("ETABLI_RESTORE_RESULT"); done && *done) {
        hooks.restore_result = done;
        ::unsetenv("ETABLI_RESTORE_RESULT");
    }
    auto api = start_api(ctx, socket, "etabli serve", hooks);
    if (!api) return api.error();
    auto events = std::make_shared<EventLog>();
    app::Station* station = ctx.station;
    station->add_watcher([events, station] {
        if (auto s = station->snapshot()) (*events)(*s);
    });

    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    ::sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    std::unique_ptr<StationWatchdog> watchdog;
    if (auto interval = StationWatchdog::requested())
        watchdog = std::make_unique<StationWatchdog>(
            [station] {
                station->nudge();  // a live thread turns once more before the next look
                return station->loops();
            },
            *interval);
    const auto snap = station->snapshot();
    log_line(LogLevel::info, "station ready: database " + ctx.db_path.string() + ", " + std::to_string(snap->directory->members.size()) +
                                 " members, " + std::to_string(snap->machines.size()) + " machines; API on " + socket.string());
    notify_systemd("READY=1\nSTATUS=Serving " + ctx.db_path.string() + " on " + socket.string() + "\nMAINPID=" + std::to_string(::getpid()));

    bool restoring = false;
    for (;;) {
        pollfd p{g_signal_pipe[0], POLLIN, 0};
        if (::poll(&p, 1, -1) > 0) {
            char c = 's';
            if (::read(g_signal_pipe[0], &c, 1) == 1 && c == 'r') {
                // Let the client read its reply before the API closes.
                std::this_thread::sleep_for(milliseconds(200));
                restoring = true;
            }
            break;
        }
        if (errno != EINTR) break;
    }
    notify_systemd(restoring ? "RELOADING=1" : "STOPPING=1");
    log_line(LogLevel::info, "stopping: the API closes, sessions stay as stored; controllers keep their leases until they lapse");
    watchdog.reset();
    (*api)->stop();
    readers->reset();
    if (controllers) controllers->stop();
    backups.reset();
    mail.reset();  // a try under way is cancelled; its e-mail stays due
    reports.reset();  // a pack being written is finished first (it takes well under a second)
    ctx.station->stop();
    if (restoring) {
        // The store closed: no connection of this process is left on the file.
        ctx.station = nullptr;
        ctx.owned_station.reset();
        ctx.store.reset();
        fs::path file;
        {
            std::lock_guard lk(g_restore_mutex);
            file = g_restore_file;
        }
        restore_and_restart(ctx.db_path, file);
        return kStorage;
    }
    return kDone;
}

}  // namespace etabli::cli
