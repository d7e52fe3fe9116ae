// What every CLI command shares: the chosen database, language, output mode, translations,
// and the way to open the store and start a Station. Layer: cli. Main thread.
#pragma once

#include "tz_calendar.hpp"

#include <etabli/app/station.hpp>
#include <etabli/cli/cli.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/db/owner_lock.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include <etabli/db/change_feed.hpp>
#include <optional>
#include <string>

namespace etabli::cli {

// A command that a station service runs for an API client uses that station, its
// calendar and its files instead of opening its own (api_server.cpp).
struct Served {
    app::Station* station = nullptr;
    std::shared_ptr<TzCalendar> calendar;
    std::filesystem::path db_path;
    std::string db_url;  // the PostgreSQL database it runs on; empty: the file db_path
    std::filesystem::path config;
    std::shared_ptr<const core::Translations> translations;
    // `etabli restore` through the service: checked, then the service stops its writes,
    // swaps the files and starts again; returns at once (the swap happens after the reply).
    std::function<std::expected<void, core::Problem>(const std::filesystem::path&)> restore;
    std::function<void()> backups_changed;  // a manual backup: the host's panel learns it now
    std::string restore_result;  // JSON: how the restore that started this station went (hello)
};

struct Context {
    // The SQLite file; on PostgreSQL (db_url set), the station's own files' base: its lock,
    // its socket and its secret (db_path.pepper), SqlStore::default_postgres_secret_base().
    std::filesystem::path db_path;
    std::string db_url;  // postgresql://…, from --db, $ETABLI_DB or [database] url; empty: SQLite
    bool json = false;
    core::Lang lang = core::Lang::fr;
    std::shared_ptr<const core::Translations> translations = std::make_shared<core::Translations>();
    const core::Translations& tr() const { return *translations; }
    std::filesystem::path assets;
    std::filesystem::path config;  // etabli.toml: --config or the default (set by DevicesCommands::run)

    // What the command is, for the lock file ("book", "member add"…; "kiosk", "serve").
    std::string role;
    const Served* served = nullptr;  // set: the command runs inside a station service

    // The lock that makes this process the database's one owner, taken by
    // open_station() before the store opens; declared first, so released after the store closed.
    db::OwnerLock lock;
    std::unique_ptr<app::Store> store;
    SystemClock clock;
    std::shared_ptr<TzCalendar> calendar;
    // Called by open_station() between making the Station and starting it, for what must be
    // set before start() (the kiosk's machine controllers). What it returns is kept here,
    // declared before `station` so that it is destroyed after it.
    std::function<std::shared_ptr<void>(app::Station&)> before_start;
    std::shared_ptr<void> station_attachments;
    std::unique_ptr<app::Station> owned_station;
    app::Station* station = nullptr;  // owned_station, or the service's (served)
    // On PostgreSQL, a station (kiosk, serve) hears the other stations' changes: after the
    // station, so that it stops first (its hooks post to the station).
    std::unique_ptr<db::ChangeFeed> feed;
    std::unique_ptr<app::Store> read_store;  // served: a second connection for reads (reader())

    std::string t(std::string_view msgid) const { return tr().tr(lang, msgid); }
    std::string render(const core::Problem& p) const { return tr().render(lang, p); }

    // Opens (creating and migrating) the database and starts the Station. On failure prints
    // one line and returns the exit code (3 storage, 2 bad configuration).
    // Locally it first takes the database's lock (waiting while other commands finish; a
    // station that holds it is named, exit 3). Served, it uses the service's station.
    std::optional<int> open_station();
    // The time zone's calendar (ETABLI_TZ, else Europe/Paris), when a command shows local times
    // without a station.
    std::optional<int> make_calendar();
    // `wait`: how long to wait for a command that holds the lock (a station never is waited for).
    std::optional<int> take_lock(std::chrono::milliseconds wait);
    // For the commands that read the store itself (histories, exports): locally, stops the
    // station first and returns its store; served, a second connection beside the running
    // station's (SQLite WAL: it reads the last commit). Throws when that cannot open.
    app::Store& reader();
    // Locally: stops the station thread (what it published stays readable). Served: nothing.
    void release_station();
    // Locally: a fresh station on a fresh store (the lock stays held). Served: nothing.
    std::optional<int> reopen_station();
    // Prints "etabli: <message>" on stderr and returns the code.
    int fail(int code, const core::Problem& p) const;
    int fail(const core::Problem& p) const {
        return fail(p.kind == core::Problem::Kind::storage ? kStorage : kBadInput, p);
    }
};

// Loads assets/i18n/fr.po as the French catalogue. A missing or broken file is reported on
// stderr: the station then speaks English.
core::Translations load_translations(const std::filesystem::path& assets);
std::filesystem::path find_assets();

// Output helpers (output.cpp).
std::string json_member(const core::Member& m, const app::Directory& d, bool present);
using core::format_local_date;  // 31/12/2026 or 2026-12-31 (core/mail.hpp)

// `etabli member import` (import_cmd.cpp).
// `strict`: a column that no field reads refuses the file.
int import_members(Context& ctx, const std::string& file, const std::vector<std::string>& maps, bool strict);
// `etabli init --demo` and `etabli kiosk --demo` (demo.cpp): idempotent.
int seed_demo(Context& ctx);

}  // namespace etabli::cli
