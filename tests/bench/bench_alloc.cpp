// The engine part of the allocation benchmark (bench_alloc.hpp), at workshop-network scale: 50
// machines, 20,000 members, 1,000,000 past and 50,000 future bookings. Prints: the time to build the engine
// from those rows and the resident memory after it; the access decision latency (p50, p99);
// booking decisions per second on the Station's path (Engine::book(): the decision, and a
// refusal explained as text) against a baseline that answers the same request stream with
// the same rules, its overlap and quota questions asked as bounded range queries of an
// indexed in-memory SQLite table holding the same rows; both sides must give the same answer
// to every request. Each side answers the stream in several rounds from the same state, each
// round rolled back untimed before the next (the median counts: the engine's round lasts a
// few milliseconds, where one preemption weighs).
// Layer: tests/bench (plain main, no doctest). Single-threaded.
// Targets (bench_alloc.hpp): build < 1 s, RSS < 200 MB, p99 < 50 µs, ratio >= 5.
#include "bench_alloc.hpp"
#include "bench_common.hpp"

#include <etabli/alloc/engine.hpp>

#include "../alloc/alloc_fixture.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace etabli;
using namespace etabli::alloc;
using namespace std::chrono;
using namespace etabli::bench;

namespace {

constexpr int kMachines = 50, kPoolSize = 5;
constexpr int kMembers = 20'000;
constexpr int kPast = 1'000'000, kFuture = 50'000;
constexpr int kAccess = 200'000, kRequests = 20'000;
constexpr int kRounds = 7, kSqlRounds = 3;  // rounds of the booking stream, the median counts

EngineState make_state(const Zone& zone, Timestamp now, std::mt19937& rng) {
    EngineState s;
    std::vector<MemberId> all(kMembers);
    for (int i = 0; i < kMembers; ++i) all[static_cast<std::size_t>(i)] = i + 1;
    for (int m = 1; m <= kMachines; ++m) {
        Machine mc{m, "Machine " + std::to_string(m), "kind", "Pool " + std::to_string((m - 1) / kPoolSize),
                   MachineStatus::available, all, {}, false, std::nullopt, std::nullopt};
        mc.rules.quota_per_week = hours{10};
        mc.rules.quota_scope = m % 2 ? QuotaScope::pool : QuotaScope::machine;
        mc.rules.buffer_after = minutes{m % 3 == 0 ? 10 : 0};
        mc.rules.ahead_days = 80;
        s.machines.push_back(std::move(mc));
    }
    for (auto& day : s.hours.weekly) day = {{8 * 60, 22 * 60}};
    for (int i = 1; i <= kMembers; ++i)
        s.members.push_back(MemberInfo{i, i % 500 == 0 ? core::Role::host : core::Role::member, std::nullopt});
    std::uniform_int_distribution<int> member(1, kMembers);
    BookingId id = 1;
    s.bookings.reserve(kPast + kFuture);
    // Past: one hour every 90 minutes on each machine, back from now (about 3.4 years).
    const int per_machine = kPast / kMachines;
    for (int m = 1; m <= kMachines; ++m) {
        for (int k = per_machine; k >= 1; --k) {
            const Timestamp start = floor<minutes>(now) - minutes{90 * k};
            const MemberId who = member(rng);
            s.bookings.push_back(Booking{id++, m, who, start, start + hours{1}, BookingState::completed, who, false,
                                         std::nullopt, start, std::nullopt, false});
        }
    }
    // Future: 30 minutes every hour from 08:00 local, from tomorrow, inside opening hours.
    const core::Date today = zone.local_day(now);
    const int per_day = 14;
    for (int m = 1; m <= kMachines; ++m) {
        for (int k = 0; k < kFuture / kMachines; ++k) {
            const core::Date day{sys_days{today} + days{1 + k / per_day}};
            const auto local = local_days{sys_days{day}.time_since_epoch()} + hours{8} + minutes{60 * (k % per_day)};
            const Timestamp start = local_to_utc(zone, local).value();
            const MemberId who = member(rng);
            s.bookings.push_back(Booking{id++, m, who, start, start + minutes{30}, BookingState::booked, who, false,
                                         std::nullopt, now, std::nullopt, false});
        }
    }
    s.next_ids.booking = id;
    return s;
}

void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::fprintf(stderr, "sqlite: %s\n", err ? err : "?");
        std::exit(2);
    }
}

long long secs(Timestamp t) { return t.time_since_epoch().count(); }

// The most time `held` (the new booking [s, e) first) puts in any sliding week that overlaps
// [s, e): the peak is where a week's end meets an interval's end or its start meets an
// interval's start, so only those weeks are counted. The engine's quota rule.
long long quota_peak(const std::vector<std::pair<long long, long long>>& held, long long s, long long e) {
    constexpr long long week = 7 * 86400;
    long long worst = -1;
    for (const auto& h : held) {
        for (const long long t : {h.second, h.first + week}) {
            if (!(t > s && t - week < e)) continue;
            long long sum = 0;
            for (const auto& x : held) sum += std::max(0LL, std::min(x.second, t) - std::max(x.first, t - week));
            worst = std::max(worst, sum);
        }
    }
    return worst;
}

}  // namespace

bool etabli::bench::run_engine_part(AllocFigures& out) {
    bool ok = true;
    testing::FakeParis zone;
    const Timestamp now = testing::at(zone, "2026-12-01 10:05");
    std::mt19937 rng(42);

    // The state, made again identically for each round of booking decisions below.
    const auto fresh_state = [&] {
        std::mt19937 state_rng(7);
        return make_state(zone, now, state_rng);
    };
    const auto t_gen = Clock::now();
    EngineState state = fresh_state();
    std::printf("generated %zu bookings (%d past, %d future) in %.2f s\n", state.bookings.size(), kPast, kFuture,
                seconds_since(t_gen));
    // A copy for the SQLite baseline, as plain rows.
    struct Row {
        MachineId machine;
        MemberId member;
        long long start, end;
        int state;
    };
    std::vector<Row> rows;
    rows.reserve(state.bookings.size());
    for (const auto& b : state.bookings)
        rows.push_back({b.machine, b.member, secs(b.start), secs(b.end), static_cast<int>(b.state)});
    const long rss_before = rss_kb();

    // [1] build
    const auto t_build = Clock::now();
    Engine engine{std::move(state), zone, now};
    state = EngineState{};
    const double build_s = seconds_since(t_build);
    const long rss_after = rss_kb();
    std::printf("build: %.3f s from %d rows (%zu kept: booked, active, or ended in the last 8 days)  [target < 1 s]\n",
                build_s, kPast + kFuture, engine.booking_count());
    std::printf("resident memory after build: %.1f MB (before build, with the rows in memory twice: %.1f MB)  [target < 200 MB]\n",
                static_cast<double>(rss_after) / 1024.0, static_cast<double>(rss_before) / 1024.0);
    out.build_s = build_s;
    out.rss_mb = static_cast<double>(rss_after) / 1024.0;
    engine.resume(now);

    // [2] access decisions: badge taps of random members at random machines; a tap by the
    // member using the machine ends the session. Time moves one second per tap.
    std::uniform_int_distribution<int> member(1, kMembers), machine(1, kMachines);
    std::vector<double> lat;
    lat.reserve(kAccess);
    Timestamp t = now;
    long granted = 0;
    for (int i = 0; i < kAccess; ++i) {
        t += seconds{1};
        engine.tick(t);
        const MachineId m = machine(rng);
        MemberId who = member(rng);
        if (i % 3 == 0)
            if (const Session* s = engine.session_on(m)) who = s->member;
        const auto t0 = Clock::now();
        auto r = engine.access(m, who, t);
        lat.push_back(duration<double, std::micro>(Clock::now() - t0).count());
        granted += r.has_value();
    }
    std::sort(lat.begin(), lat.end());
    const double p50 = lat[lat.size() / 2], p99 = lat[lat.size() * 99 / 100];
    std::printf("access decisions: %d taps, %ld granted or ended; latency p50 %.2f us, p99 %.2f us, max %.1f us  [target p99 < 50 us]\n",
                kAccess, granted, p50, p99, lat.back());
    out.access_p50_us = p50;
    out.access_p99_us = p99;

    // [3] booking decisions: the same request stream to the engine and to SQLite.
    std::vector<BookingRequest> reqs;
    std::uniform_int_distribution<int> day(0, 13), quarter(0, 14 * 4 - 1), len(1, 4);
    for (int i = 0; i < kRequests; ++i) {
        const MemberId who = member(rng);
        const core::Date d{sys_days{zone.local_day(t)} + days{day(rng)}};
        const auto local = local_days{sys_days{d}.time_since_epoch()} + hours{8} + minutes{15 * quarter(rng)};
        const Timestamp s = local_to_utc(zone, local).value();
        reqs.push_back(BookingRequest{machine(rng), who, s, s + minutes{15 * len(rng)}, who});
    }
    const Timestamp tb = t + seconds{1};
    // The Station's path: book() gives the Changes to commit, or the refusal explained as text
    // (the rule and its numbers, as the member reads it).
    // Timed in this thread's CPU time on both sides (see thread_cpu_seconds): neither does
    // I/O (the baseline's database is in memory), and wall time is printed beside it.
    // The engine answers the stream in a few milliseconds, where one preemption moves the
    // figure by a tenth: each side answers it in rounds, and the median round counts. Both
    // start from the same rows, and both roll a round back the same way before the next,
    // untimed: SQLite deletes the rows it inserted, the engine cancels the bookings it made
    // (cancelled bookings hold no time and count in no quota: the next round gets the same
    // answers, checked below). The first round of each side runs on a state just built or
    // loaded, with cold caches, and is printed with the others.
    struct Round {
        double cpu = 0, wall = 0;
    };
    std::vector<Round> engine_rounds;
    std::vector<char> engine_ok;
    std::vector<core::Problem> refusals;
    std::optional<Engine> fresh;
    fresh.emplace(fresh_state(), zone, now);
    fresh->resume(now);
    fresh->tick(tb);
    std::vector<std::pair<BookingId, MemberId>> made;  // this round's bookings, to roll back
    made.reserve(reqs.size());
    for (int round = 0; round < kRounds; ++round) {
        for (const auto& [id, who] : made)
            if (!fresh->cancel(id, who, std::nullopt, tb)) {
                std::fprintf(stderr, "could not cancel booking %lld\n", static_cast<long long>(id));
                return 2;
            }
        made.clear();
        std::vector<char> ok_now;
        std::vector<core::Problem> refused_now;
        ok_now.reserve(reqs.size());
        refused_now.reserve(reqs.size());
        const auto t_engine = Clock::now();
        const double c_engine = thread_cpu_seconds();
        for (const auto& r : reqs) {
            auto d = fresh->book(r, tb);
            ok_now.push_back(d.has_value());
            if (d) made.emplace_back(d->bookings.front().id, r.member);
            else refused_now.push_back(std::move(d.error()));
        }
        engine_rounds.push_back({thread_cpu_seconds() - c_engine, seconds_since(t_engine)});
        if (round > 0 && ok_now != engine_ok) {
            std::fprintf(stderr, "round %d answered differently\n", round);
            ok = false;
        }
        engine_ok = std::move(ok_now);
        refusals = std::move(refused_now);
    }
    const auto median = [](std::vector<Round> v) {
        std::sort(v.begin(), v.end(), [](const Round& a, const Round& b) { return a.cpu < b.cpu; });
        return v[v.size() / 2];
    };
    const Round engine_median = median(engine_rounds);
    const double engine_cpu = engine_median.cpu, engine_s = engine_median.wall;
    std::size_t text_bytes = 0;
    for (const auto& x : refusals) text_bytes += x.english().size();

    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    exec(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;");
    exec(db, "CREATE TABLE bookings(id INTEGER PRIMARY KEY, machine INTEGER NOT NULL, member INTEGER NOT NULL,"
             " start INTEGER NOT NULL, end_ INTEGER NOT NULL, state INTEGER NOT NULL)");
    exec(db, "CREATE TABLE machines(id INTEGER PRIMARY KEY, pool INTEGER, buffer INTEGER, scope_pool INTEGER)");
    {
        exec(db, "BEGIN");
        sqlite3_stmt* ins = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO bookings(machine,member,start,end_,state) VALUES(?,?,?,?,?)", -1, &ins, nullptr);
        for (const auto& r : rows) {
            sqlite3_bind_int64(ins, 1, r.machine);
            sqlite3_bind_int64(ins, 2, r.member);
            sqlite3_bind_int64(ins, 3, r.start);
            sqlite3_bind_int64(ins, 4, r.end);
            sqlite3_bind_int(ins, 5, r.state);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        sqlite3_finalize(ins);
        for (int m = 1; m <= kMachines; ++m) {
            const std::string sql = "INSERT INTO machines VALUES(" + std::to_string(m) + "," + std::to_string((m - 1) / kPoolSize) +
                                    "," + std::to_string(m % 3 == 0 ? 600 : 0) + "," + std::to_string(m % 2) + ")";
            exec(db, sql.c_str());
        }
        exec(db, "COMMIT");
        exec(db, "CREATE INDEX bookings_machine_start ON bookings(machine, start)");
        exec(db, "CREATE INDEX bookings_member_start ON bookings(member, start)");
    }
    rows.clear();
    rows.shrink_to_fit();
    // The baseline's rules, the engine's own in the same order: length, grid, horizon and hours
    // in C++ (hosts are exempt from the last two, as in the engine), then the overlap question
    // (buffers included) and the quota question (every sliding week the new booking touches,
    // the member's bookings on the machine, or on its pool, counted in it) as range queries
    // bounded at both ends on their indexes: bookings last at most a day, so a booking that
    // reaches into [s, e) started after s - 1 day. The quota's peak over the sliding weeks is
    // computed in C++ from the rows the query returns (quota_peak, as the engine counts it).
    sqlite3_stmt *overlap = nullptr, *quota = nullptr, *insert = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT 1 FROM bookings WHERE machine=?1 AND state IN (0,1,2) AND start < ?3 + ?4 "
                       "AND start > ?2 - 86400 - ?4 AND end_ + ?4 > ?2 LIMIT 1",
                       -1, &overlap, nullptr);
    sqlite3_prepare_v2(db,
                       "SELECT b.start, b.end_ FROM bookings b JOIN machines m ON m.id = b.machine "
                       "WHERE b.member=?1 AND b.state IN (0,1,2) AND b.start > ?2 - 604800 - 86400 "
                       "AND b.start < ?3 + 604800 AND b.end_ > ?2 - 604800 AND (b.machine = ?4 OR (?5 AND m.pool = ?6))",
                       -1, &quota, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO bookings(machine,member,start,end_,state) VALUES(?,?,?,?,0)", -1, &insert, nullptr);
    long agree = 0, sql_accepted = 0;
    sqlite3_stmt* undo = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM bookings WHERE id > ?1", -1, &undo, nullptr);
    const sqlite3_int64 last_row = static_cast<sqlite3_int64>(kPast) + kFuture;
    std::vector<Round> sql_rounds;
    std::vector<std::pair<long long, long long>> held;  // the quota question's rows
    held.reserve(64);
    for (int round = 0; round < kSqlRounds; ++round) {
    // Each round starts from the same rows: the previous round's inserts are deleted, untimed.
    sqlite3_bind_int64(undo, 1, last_row);
    sqlite3_step(undo);
    sqlite3_reset(undo);
    agree = sql_accepted = 0;
    const auto t_sql = Clock::now();
    const double c_sql = thread_cpu_seconds();
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        const BookingRequest& r = reqs[i];
        const Machine& mc = *fresh->machine(r.machine);
        const MachineRules& ru = mc.rules;
        const bool host = r.member % 500 == 0;  // make_state's hosts
        const auto length = r.end - r.start;
        const auto slot = duration_cast<seconds>(ru.slot).count();
        bool accept = r.end > r.start && r.start >= tb && length >= ru.min_length && length <= ru.max_length &&
                      secs(r.start) % slot == 0 && secs(r.end) % slot == 0 &&
                      (host || r.start <= tb + days{ru.ahead_days}) && (host || fresh->inside_hours(r.start, r.end));
        const long long buf = duration_cast<seconds>(ru.buffer_after).count();
        if (accept) {
            sqlite3_bind_int64(overlap, 1, r.machine);
            sqlite3_bind_int64(overlap, 2, secs(r.start));
            sqlite3_bind_int64(overlap, 3, secs(r.end));
            sqlite3_bind_int64(overlap, 4, buf);
            accept = sqlite3_step(overlap) != SQLITE_ROW;
            sqlite3_reset(overlap);
        }
        if (accept && ru.quota_per_week) {
            sqlite3_bind_int64(quota, 1, r.member);
            sqlite3_bind_int64(quota, 2, secs(r.start));
            sqlite3_bind_int64(quota, 3, secs(r.end));
            sqlite3_bind_int64(quota, 4, r.machine);
            sqlite3_bind_int(quota, 5, ru.quota_scope == QuotaScope::pool ? 1 : 0);
            sqlite3_bind_int64(quota, 6, (r.machine - 1) / kPoolSize);
            held.clear();
            held.emplace_back(secs(r.start), secs(r.end));
            while (sqlite3_step(quota) == SQLITE_ROW) held.emplace_back(sqlite3_column_int64(quota, 0), sqlite3_column_int64(quota, 1));
            sqlite3_reset(quota);
            accept = quota_peak(held, secs(r.start), secs(r.end)) <= duration_cast<seconds>(*ru.quota_per_week).count();
        }
        if (accept) {
            sqlite3_bind_int64(insert, 1, r.machine);
            sqlite3_bind_int64(insert, 2, r.member);
            sqlite3_bind_int64(insert, 3, secs(r.start));
            sqlite3_bind_int64(insert, 4, secs(r.end));
            sqlite3_step(insert);
            sqlite3_reset(insert);
            ++sql_accepted;
        }
        agree += (accept == static_cast<bool>(engine_ok[i]));
    }
    sql_rounds.push_back({thread_cpu_seconds() - c_sql, seconds_since(t_sql)});
    }
    const Round sql_median = median(sql_rounds);
    const double sql_cpu = sql_median.cpu, sql_s = sql_median.wall;
    sqlite3_finalize(undo);
    sqlite3_finalize(overlap);
    sqlite3_finalize(quota);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    const long engine_accepted = std::count(engine_ok.begin(), engine_ok.end(), 1);
    const double n_req = static_cast<double>(reqs.size());
    const double engine_rate = n_req / engine_cpu, sql_rate = n_req / sql_cpu;
    std::printf("booking decisions on the Station's path (book(): a refusal explained as text): engine %.0f /s "
                "(%ld of %zu accepted, %zu refusals in %zu bytes of text), SQLite baseline %.0f /s (%ld accepted); "
                "same answer on %.2f %%; ratio %.1fx in CPU time (%.1fx in wall time)  [target >= 5x]\n",
                engine_rate, engine_accepted, reqs.size(), refusals.size(), text_bytes, sql_rate, sql_accepted,
                100.0 * static_cast<double>(agree) / n_req, engine_rate / sql_rate, sql_s / engine_s);
    if (agree != static_cast<long>(reqs.size())) {
        std::fprintf(stderr, "the engine and the SQL baseline disagree on %ld of %zu requests\n",
                     static_cast<long>(reqs.size()) - agree, reqs.size());
        ok = false;
    }
    {
        // What refused them, by message.
        std::map<std::string, int> by_msgid;
        for (const core::Problem& x : refusals) ++by_msgid[x.msgid];
        std::printf("  refusals by message:");
        for (const auto& [id, n] : by_msgid) std::printf(" \"%s\": %d;", id.c_str(), n);
        std::printf("\n");
    }
    std::printf("  rounds (CPU ms; each side's first on a state just built): engine");
    for (const Round& r : engine_rounds) std::printf(" %.2f", 1e3 * r.cpu);
    std::printf("; baseline");
    for (const Round& r : sql_rounds) std::printf(" %.1f", 1e3 * r.cpu);
    std::printf("\n");
    out.decisions_ratio = engine_rate / sql_rate;
    return ok;
}
