// The store part of the allocation benchmark (bench_alloc.hpp), on a file database at
// workshop-network scale: 50 machines (every member authorised on each), 20,000 members,
// 1,000,000 past bookings with their sessions and 50,000 future bookings. Prints:
//   - the time to open the store and load the engine's state at start (target < 1 s), and,
//     for information, the engine build from it;
//   - durable bookings per second (an Engine::book decision on a free slot + its commit_alloc,
//     one transaction each, WAL + synchronous=FULL as the store sets them) against raw
//     single-row INSERTs into a plain bookings-like table, one transaction each, same pragmas,
//     same folder, one of each in turn so that both see the same disk weather (target ratio
//     >= 0.8). The built file is fsynced before anything is timed: built without syncing, its
//     flush used to land in the durable loop's first checkpoints (about 50 ms each, a ratio of
//     0.70 where it is about 0.95 once the file is on disk). Decisions are one second apart,
//     each a new as_of for the store to keep.
// Layer: tests/bench (plain main, no doctest). Single-threaded.
// run_store_part returns false when a target is missed or a decision fails; a store call
// that fails ends the program with exit status 2.

#include "bench_alloc.hpp"
#include "bench_common.hpp"

#include <etabli/alloc/engine.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/sql_store.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace etabli;
using namespace etabli::alloc;
using namespace std::chrono;
namespace fs = std::filesystem;
using namespace etabli::bench;

namespace {

constexpr int kMachines = 50, kPoolSize = 5;
constexpr int kMembers = 20'000;
constexpr int kPast = 1'000'000, kFuture = 50'000;
// Durable bookings, one of each side in turn. 6,000 rather than 2,000: one slow commit (a
// disk hiccup of a shared machine) weighs a third as much on the ratio of the totals.
constexpr int kDurable = 6'000;
constexpr int kPerDay = 14;                    // future bookings per machine and day

// The workshop's time: UTC+1 all year (enough here: no booking crosses a DST change).
class FixedZone final : public Zone {
public:
    seconds offset(Timestamp) const override { return hours{1}; }
    LocalResolution resolve(local_seconds l) const override {
        const Timestamp t{l.time_since_epoch() - hours{1}};
        return LocalResolution{LocalResolution::Kind::unique, t, t};
    }
};

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_alloc (store part): %s\n", what.c_str());
    std::exit(2);
}

template <class T>
T must(std::expected<T, core::Problem> r, const char* what) {
    if (!r) die(std::string(what) + ": " + r.error().english());
    return std::move(*r);
}
void must(std::expected<void, core::Problem> r, const char* what) {
    if (!r) die(std::string(what) + ": " + r.error().english());
}

// Local `hh:mm` of `day` as an instant.
Timestamp local_at(const Zone& zone, core::Date day, int hh, int mm) {
    const auto local = local_days{sys_days{day}.time_since_epoch()} + hours{hh} + minutes{mm};
    return local_to_utc(zone, local_seconds{local}).value();
}

// The database as years of use leave it, written by the schema's own migrations and then
// filled in one transaction with prepared statements (no journal: it is thrown away on failure).
void build(const fs::path& file, const Zone& zone, Timestamp now) {
    must(db::migrate_to(file, db::latest_schema_version()), "create the schema");
    auto c = must(db::Connection::open_raw(file.string(), SQLITE_OPEN_READWRITE), "open for the build");
    must(c.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; BEGIN;"),
         "start the build");
    const std::string created = core::format_timestamp(now - days{1});
    {
        auto st = must(c.prepare("INSERT INTO members (id, display_name, role, valid_until, lang, created_at, "
                                 "updated_at) VALUES (?1, ?2, ?3, ?4, 'fr', ?5, ?5)"),
                       "prepare members");
        for (int i = 1; i <= kMembers; ++i) {
            st.reset();
            st.bind(1, std::int64_t{i}).bind(2, "Membre " + std::to_string(i)).bind(3, i % 500 == 0 ? "host" : "member");
            if (i % 3 == 0) {
                st.bind(4, "2027-12-31");
            } else {
                st.bind_null(4);
            }
            st.bind(5, created);
            must(st.run(), "insert a member");
        }
    }
    {
        auto mc = must(c.prepare("INSERT INTO machines (id, name, kind, pool, quota_week_min, quota_scope, "
                                 "ahead_days, max_length_min, created_at, updated_at) "
                                 "VALUES (?1, ?2, 'kind', ?3, 600, ?4, 80, 180, ?5, ?5)"),
                       "prepare machines");
        for (int m = 1; m <= kMachines; ++m) {
            mc.reset();
            mc.bind(1, std::int64_t{m}).bind(2, "Machine " + std::to_string(m));
            mc.bind(3, "Pool " + std::to_string((m - 1) / kPoolSize)).bind(4, m % 2 ? "pool" : "machine");
            mc.bind(5, created);
            must(mc.run(), "insert a machine");
        }
        auto h = must(c.prepare("INSERT INTO opening_weekly (weekday, from_min, to_min) VALUES (?1, 480, 1320)"),
                      "prepare hours");
        for (int d = 0; d < 7; ++d) {
            h.reset();
            h.bind(1, std::int64_t{d});
            must(h.run(), "insert hours");
        }
    }
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> member(1, kMembers);
    auto bk = must(c.prepare("INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, "
                             "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3, ?7)"),
                   "prepare bookings");
    auto se = must(c.prepare("INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, "
                             "allowed_until, ended_at, end_reason) VALUES (?1, ?2, ?3, ?1, ?4, ?5, ?5, 'badge')"),
                   "prepare sessions");
    std::int64_t id = 1;
    // Past: one hour every 90 minutes on each machine, back from now (about 3.4 years), each
    // with the session that used it.
    const int per_machine = kPast / kMachines;
    for (int m = 1; m <= kMachines; ++m) {
        for (int k = per_machine; k >= 1; --k, ++id) {
            const Timestamp start = floor<minutes>(now) - minutes{90 * k};
            const std::string s = core::format_timestamp(start), e = core::format_timestamp(start + hours{1});
            const std::int64_t who = member(rng);
            bk.reset();
            bk.bind(1, id).bind(2, std::int64_t{m}).bind(3, who).bind(4, s).bind(5, e).bind(6, "completed");
            bk.bind(7, core::format_timestamp(start - days{1}));
            must(bk.run(), "insert a past booking");
            se.reset();
            se.bind(1, id).bind(2, std::int64_t{m}).bind(3, who).bind(4, s).bind(5, e);
            must(se.run(), "insert a session");
        }
    }
    // Future: 30 minutes every hour from 08:00 local, from tomorrow (the other half hours
    // stay free for the durable bookings).
    const core::Date today = zone.local_day(now);
    const std::string now_text = core::format_timestamp(now);
    for (int m = 1; m <= kMachines; ++m) {
        for (int k = 0; k < kFuture / kMachines; ++k, ++id) {
            const Timestamp start = local_at(zone, core::Date{sys_days{today} + days{1 + k / kPerDay}}, 8 + k % kPerDay, 0);
            bk.reset();
            bk.bind(1, id).bind(2, std::int64_t{m}).bind(3, std::int64_t{member(rng)});
            bk.bind(4, core::format_timestamp(start)).bind(5, core::format_timestamp(start + minutes{30}));
            bk.bind(6, "booked").bind(7, now_text);
            must(bk.run(), "insert a future booking");
        }
    }
    auto state = must(c.prepare("INSERT INTO alloc_state (id, next_booking, next_session, next_queue_entry, "
                                "next_series, as_of) VALUES (1, ?1, ?2, 1, 1, ?3)"),
                      "prepare alloc_state");
    state.bind(1, id).bind(2, std::int64_t{kPast + 1}).bind(3, now_text);
    must(state.run(), "insert alloc_state");
    // Where the station's loads leave the floor of the live bookings (migration 009): at
    // the oldest live one, the first future booking.
    must(c.exec("UPDATE bookings_live_floor SET floor = (SELECT MIN(id) FROM bookings WHERE state = 'booked')"),
         "set the live floor");
    must(c.exec("COMMIT; PRAGMA journal_mode = WAL;"), "commit the build");
}

// fsync of one file, whose dirty pages must not be flushed inside a timed section.
void sync_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0) die("fsync " + file.string());
    ::close(fd);
}

}  // namespace

namespace {

// Share of `file`'s pages in the page cache (mincore), or -1 when it cannot be measured.
double resident_share(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st {};
    double share = -1;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        const auto size = static_cast<std::size_t>(st.st_size);
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) {
            const long page = ::sysconf(_SC_PAGESIZE);
            std::vector<unsigned char> in((size + static_cast<std::size_t>(page) - 1) / static_cast<std::size_t>(page));
            if (::mincore(map, size, in.data()) == 0)
                share = static_cast<double>(std::count_if(in.begin(), in.end(), [](unsigned char c) { return c & 1; })) /
                        static_cast<double>(in.size());
            ::munmap(map, size);
        }
    }
    ::close(fd);
    return share;
}

// Asks the kernel to drop the database's pages (and its WAL's) from the page cache; returns
// the share of the file still resident after it.
double drop_from_page_cache(const fs::path& file) {
    for (const fs::path& f : {file, fs::path(file.string() + "-wal"), fs::path(file.string() + "-shm")}) {
        const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        ::fdatasync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
    return resident_share(file);
}

}  // namespace

bool etabli::bench::run_store_part(AllocFigures& out) {
    bool ok = true;
    FixedZone zone;
    const core::Date today{year{2026} / December / day{1}};
    const Timestamp now = local_at(zone, today, 10, 5);
    TempFolder tmp;
    const fs::path file = tmp.path / "etabli.db";

    const auto t_build = Clock::now();
    build(file, zone, now);
    // The build wrote without syncing: put it on the disk now, as a station's file is when it
    // starts, or the first checkpoint of the durable loop pays for flushing 275 MB.
    sync_file(file);
    std::printf("built %s: %d machines (no skill required: every member may use them), %d members, %d past bookings with "
                "their sessions, %d future bookings, %.0f MB, in %.1f s\n",
                file.c_str(), kMachines, kMembers, kPast, kFuture,
                static_cast<double>(fs::file_size(file)) / 1e6, seconds_since(t_build));

    // [1] Start: open the store and load the engine's state, from the disk: the file's pages
    // are dropped from the page cache first (posix_fadvise, which needs no privilege; it
    // drops clean pages, and the file was just synced), as after the PC was switched on. What
    // stayed cached is measured (mincore) and printed: the load is reported as warm when the
    // kernel kept more than a tenth of the file.
    const double cached = drop_from_page_cache(file);
    std::printf("page cache before the load: %.0f %% of the file resident (%s)\n", 100.0 * cached,
                cached < 0 ? "could not be measured: timed warm" : cached <= 0.1 ? "cold: read from the disk" : "warm: the kernel kept it");
    const auto t_load = Clock::now();
    auto store = must(db::SqlStore::open(file), "open the store");
    EngineState state = must(store->load_alloc(now), "load_alloc");
    const double load_s = seconds_since(t_load);
    std::printf("loaded %zu machines, %zu members, %zu bookings (booked, active, or ended in the last 8 days), "
                "%zu open sessions; process resident memory %.1f MB\n",
                state.machines.size(), state.members.size(), state.bookings.size(), state.sessions.size(),
                static_cast<double>(rss_kb()) / 1024.0);
    std::printf("load: %.3f s, %s (target < 1 s)\n", load_s, cached >= 0 && cached <= 0.1 ? "cold" : "warm");
    out.load_s = load_s;
    const auto t_engine = Clock::now();
    // Who may use each machine, as the station derives it from the skill grants before it
    // builds the engine: no skill required, every member.
    for (Machine& mc : state.machines)
        for (const MemberInfo& mi : state.members) mc.authorised.push_back(mi.id);
    Engine engine{std::move(state), zone, now};
    std::printf("engine built from it in %.3f s (load + build: %.3f s)\n", seconds_since(t_engine),
                load_s + seconds_since(t_engine));
    must(store->commit_alloc(engine.resume(now), std::nullopt, now), "commit resume");

    // [2] Durable bookings against raw single-row inserts, in alternating blocks.
    auto base = must(db::Connection::open_raw((tmp.path / "baseline.db").string(),
                                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
                     "open the baseline");
    must(db::apply_pragmas(base), "baseline pragmas");
    must(base.exec("CREATE TABLE bookings (id INTEGER PRIMARY KEY, machine_id INTEGER NOT NULL, "
                   "member_id INTEGER NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, "
                   "state TEXT NOT NULL, created_by INTEGER NOT NULL, created_at TEXT NOT NULL)"),
         "baseline table");
    auto begin = must(base.prepare("BEGIN IMMEDIATE"), "prepare BEGIN");
    auto insert = must(base.prepare("INSERT INTO bookings (machine_id, member_id, starts_at, ends_at, state, "
                                    "created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'booked', ?2, ?5)"),
                       "prepare the baseline insert");
    auto commit = must(base.prepare("COMMIT"), "prepare COMMIT");

    // Request i: machine i % 50, the k-th free half hour (HH:30–HH+1:00 local) from tomorrow,
    // by a member who books nothing else in this loop (quota stays far).
    auto request = [&](int i) {
        const int m = i % kMachines + 1, k = i / kMachines;
        const Timestamp start = local_at(zone, core::Date{sys_days{today} + days{1 + k / kPerDay}}, 8 + k % kPerDay, 30);
        const MemberId who = static_cast<MemberId>(i) * 7919 % kMembers + 1;
        return BookingRequest{m, who, start, start + minutes{30}, who};
    };
    // One of each in turn: the disk of a shared machine changes speed from second to second
    // (an fsync here costs from 0.1 to 2 ms), and both sides must see the same weather.
    double durable_s = 0, baseline_s = 0, durable_cpu = 0, baseline_cpu = 0;
    double durable_kernel = 0, baseline_kernel = 0;
    std::vector<double> durable_each, baseline_each;
    int refused = 0;
    // Pages each side hands to the WAL (SQLite's own count), the main cost of a commit
    // when fsync is fast.
    const auto pages_written = [](db::Connection& c) {
        int cur = 0, high = 0;
        sqlite3_db_status(c.get(), SQLITE_DBSTATUS_CACHE_WRITE, &cur, &high, 0);
        return cur;
    };
    // One durable booking, or one baseline insert, for request `r` decided at `at`; timed
    // when `timed`.
    const auto durable = [&](const BookingRequest& r, Timestamp at, bool timed) {
        const auto t0 = Clock::now();
        const auto c0 = std::clock();
        const auto k0 = thread_cpu_split().kernel;
        auto decided = engine.book(r, at);
        if (decided) {
            must(store->commit_alloc(*decided, r.actor, at), "commit_alloc");
        } else if (++refused <= 3) {
            std::fprintf(stderr, "refused: %s\n", decided.error().english().c_str());
        }
        if (!timed) return;
        durable_each.push_back(seconds_since(t0));
        durable_s += durable_each.back();
        durable_cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
        durable_kernel += thread_cpu_split().kernel - k0;
    };
    const auto baseline = [&](const BookingRequest& r, Timestamp at, bool timed) {
        const auto t0 = Clock::now();
        const auto c0 = std::clock();
        const auto k0 = thread_cpu_split().kernel;
        begin.reset();
        must(begin.run(), "BEGIN");
        insert.reset();
        insert.bind(1, r.machine).bind(2, r.member).bind(3, core::format_timestamp(r.start));
        insert.bind(4, core::format_timestamp(r.end)).bind(5, core::format_timestamp(at));
        must(insert.run(), "baseline insert");
        commit.reset();
        must(commit.run(), "COMMIT");
        if (!timed) return;
        baseline_each.push_back(seconds_since(t0));
        baseline_s += baseline_each.back();
        baseline_cpu += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
        baseline_kernel += thread_cpu_split().kernel - k0;
    };
    // Warm-up, untimed: each side writes until its WAL has wrapped once (a checkpoint every
    // 1000 pages, then the file is written over from its start), as on a station that has
    // run for a while. A WAL that still grows costs a metadata write at every fsync, and the
    // side writing fewer pages per commit would grow it for longer inside the timed loop.
    Timestamp at = now;
    int warm = 0;
    for (const int p0 = pages_written(store->connection()); pages_written(store->connection()) - p0 < 1100;)
        durable(request(kDurable + warm++), at += seconds{1}, false);
    for (const int p0 = pages_written(base); pages_written(base) - p0 < 1100;)
        baseline(request(0), at, false);
    const int durable_pages0 = pages_written(store->connection()), baseline_pages0 = pages_written(base);
    for (int i = 0; i < kDurable; ++i) {
        const BookingRequest r = request(i);
        at += seconds{1};  // one second apart, as decisions on a station are (each a new as_of)
        // Each side goes first every other time: the commit that follows another one's fsync
        // is not always the same side.
        if (i % 2 == 0) {
            durable(r, at, true);
            baseline(r, at, true);
        } else {
            baseline(r, at, true);
            durable(r, at, true);
        }
    }
    const double durable_rate = kDurable / durable_s, baseline_rate = kDurable / baseline_s;
    const double ratio = durable_rate / baseline_rate;
    std::printf("durable bookings (decision + commit_alloc): %d in %.2f s = %.0f /s\n", kDurable, durable_s,
                durable_rate);
    std::printf("baseline (raw single-row INSERT, one transaction each, same pragmas): %d in %.2f s = %.0f /s\n",
                kDurable, baseline_s, baseline_rate);
    std::printf("per operation: durable %.0f us (%.0f us of CPU, %.0f in the kernel), baseline %.0f us (%.0f us of "
                "CPU, %.0f in the kernel)\n",
                1e6 * durable_s / kDurable, 1e6 * durable_cpu / kDurable, 1e6 * durable_kernel / kDurable,
                1e6 * baseline_s / kDurable, 1e6 * baseline_cpu / kDurable, 1e6 * baseline_kernel / kDurable);
    // Median and 99th percentile of each side: a few slow commits (a checkpoint, a disk
    // hiccup) weigh on the totals above, not on the median.
    const auto percentiles = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return std::pair{1e6 * v[v.size() / 2], 1e6 * v[v.size() * 99 / 100]};
    };
    const auto [d50, d99] = percentiles(durable_each);
    const auto [b50, b99] = percentiles(baseline_each);
    std::printf("one operation: durable p50 %.0f us p99 %.0f us, baseline p50 %.0f us p99 %.0f us\n", d50, d99,
                b50, b99);
    std::printf("pages written per commit: durable %.1f, baseline %.1f\n",
                static_cast<double>(pages_written(store->connection()) - durable_pages0) / kDurable,
                static_cast<double>(pages_written(base) - baseline_pages0) / kDurable);
    std::printf("durable ratio: %.2f (target >= %.1f)\n", ratio, kDurableTarget);
    if (refused) {
        std::printf("%d of the booking requests were refused: the bench expects free slots\n", refused);
        ok = false;
    }
    out.durable_ratio = ratio;
    return ok;
}
