// Several stations on one PostgreSQL database (issue 21), in one run, on the same stream of
// 1,500 booking decisions (ten machines, two weeks, one hour each: every one accepted):
//   1. booking decisions per second for one station on SQLite (the baseline: a file with
//      synchronous FULL), one station on PostgreSQL, and two stations on PostgreSQL (two
//      engines, two connections, the stream dealt between them), each decision acknowledged
//      after its commit; PostgreSQL on a throwaway cluster of this machine, loopback, with
//      fsync on (durable, as the SQLite side is). Targets: one PostgreSQL station >= 0.5x
//      SQLite; two stations >= 0.8x one (every write transaction takes the database's one
//      write lock, as SQLite's BEGIN IMMEDIATE does: two stations share it, they do not add);
//   2. a change made at one station (a member's language) appearing in another's snapshot:
//      the NOTIFY of its commit heard by the other's change feed (db::ChangeFeed), which
//      loads again (app::Resync) and publishes: p50 and p99, target p99 <= 200 ms; and the
//      feed's part alone (the NOTIFY at a connection that LISTENs);
//   3. a badge check-in at a PostgreSQL station, network up, then network down (the server
//      stopped: the station decides alone and notes the tap in its local journal): p50 and
//      p99, target p99 <= 50 ms each; and the journal's replay once the server is back.
// Test-only. Prints its figures with targets and floors (bench_common.hpp).
#include "bench_common.hpp"
#include "pg_cluster.hpp"
#include "testing.hpp"

#include <etabli/app/station.hpp>
#include <etabli/db/change_feed.hpp>
#include <etabli/db/pg.hpp>
#include <etabli/db/sql_store.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

using namespace etabli;
using namespace std::chrono;

namespace {

const core::Timestamp kNow = testing::utc("2026-12-01T06:00:00Z");  // Tuesday, 07:00 in Paris

double pct(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Workshop {
    std::vector<alloc::MachineId> machines;
    std::vector<core::MemberId> members;
};

// Ten machines, twenty members with badges who may use them all, open 08:00–22:00.
bool prepare(app::Station& st, Workshop& w) {
    for (int i = 1; i <= 20; ++i) {
        core::MemberDraft d;
        d.display_name = "Membre " + std::to_string(i);
        auto r = st.call(app::AddMember{d, std::nullopt, "0000" + std::to_string(100000 + i)});
        if (!r) return false;
        w.members.push_back(std::get<core::Member>(*r).id);
    }
    for (int i = 1; i <= 10; ++i) {
        alloc::Machine m;
        m.name = "Machine " + std::to_string(i);
        m.rules.max_length = minutes{120};
        auto r = st.call(app::AddMachine{m, std::nullopt});
        if (!r) return false;
        w.machines.push_back(std::get<alloc::Machine>(*r).id);
        for (auto member : w.members)
            if (!st.call(app::Authorise{w.machines.back(), member, true, std::nullopt})) return false;
    }
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{8 * 60, 22 * 60}};
    return st.call(app::SetHours{h, std::nullopt}).has_value();
}

// The stream: booking k is machine k % 10, one hour, from tomorrow 08:00 local onwards.
app::Book booking(const Workshop& w, int k) {
    const int machine = k % 10, slot = k / 10;  // 14 one-hour slots a day, 13 days
    const auto start = testing::utc("2026-12-02T07:00:00Z") + days{slot / 14} + hours{slot % 14};
    return app::Book{w.machines[static_cast<std::size_t>(machine)], w.members[static_cast<std::size_t>(k % 20)], start, start + hours{1},
                     std::nullopt, false, std::nullopt};
}

constexpr int kStream = 1500;

struct Station {
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<app::Station> station;
};

Station start(std::unique_ptr<db::SqlStore> store, const app::Clock& clock, const app::Calendar& calendar) {
    Station s;
    s.store = std::move(store);
    s.station = std::make_unique<app::Station>(*s.store, clock, calendar);
    if (!s.station->start()) s.station.reset();
    return s;
}

// Decisions per second of `stations` dealt the stream in turn, each from its own thread.
double rate(std::vector<app::Station*> stations, const Workshop& w, bench::Verdict& v) {
    const auto t0 = bench::Clock::now();
    std::vector<std::thread> threads;
    std::vector<int> failed(stations.size(), 0);
    for (std::size_t s = 0; s < stations.size(); ++s)
        threads.emplace_back([&, s] {
            for (int k = static_cast<int>(s); k < kStream; k += static_cast<int>(stations.size()))
                if (!stations[s]->call(booking(w, k))) ++failed[s];
        });
    for (auto& t : threads) t.join();
    const double took = bench::seconds_since(t0);
    for (int f : failed) v.require(f == 0, "a booking of the stream was refused");
    return kStream / took;
}

}  // namespace

int main() {
    std::printf("bench_pg: %d booking decisions on SQLite, on PostgreSQL, on two PostgreSQL stations\n", kStream);
    bench::Verdict v;
    testing::PgCluster cluster(testing::PgCluster::Durability::durable);
    if (!cluster.available()) {
        std::printf("  WRONG: no PostgreSQL cluster: %s\n", cluster.why_not().c_str());
        return 1;
    }
    testing::FakeClock clock(kNow);
    testing::FixedCalendar calendar{minutes{60}};
    bench::TempFolder folder;

    // 1. SQLite, the baseline.
    double sqlite_rate = -1;
    {
        auto store = db::SqlStore::open(folder.path / "etabli.db");
        if (!store) return std::printf("  WRONG: %s\n", store.error().english().c_str()), 1;
        auto s = start(std::move(*store), clock, calendar);
        Workshop w;
        v.require(s.station && prepare(*s.station, w), "the SQLite workshop");
        if (s.station) sqlite_rate = rate({s.station.get()}, w, v);
    }
    auto pg_station = [&](const std::string& db) {
        const std::string url = "postgresql:///" + db + "?host=" + cluster.socket_dir() + "&user=etabli";
        auto store = db::SqlStore::open_postgres(url, folder.path / "workshop");
        if (!store) {
            std::printf("  WRONG: %s\n", store.error().english().c_str());
            return Station{};
        }
        return start(std::move(*store), clock, calendar);
    };
    // 2. One PostgreSQL station.
    double pg_rate = -1;
    {
        (void)cluster.url("bench_one");
        auto s = pg_station("bench_one");
        Workshop w;
        v.require(s.station && prepare(*s.station, w), "the PostgreSQL workshop");
        if (s.station) pg_rate = rate({s.station.get()}, w, v);
    }
    // 3. Two PostgreSQL stations on one database, the same stream dealt between them.
    double two_rate = -1;
    std::vector<double> feed_ms, snapshot_ms, tap_ms, down_ms;
    double replay_ms = -1;
    std::string replayed = "?";
    {
        (void)cluster.url("bench_two");
        auto a = pg_station("bench_two");
        Workshop w;
        v.require(a.station && prepare(*a.station, w), "the shared workshop");
        auto b = pg_station("bench_two");
        v.require(b.station != nullptr, "the second station");
        if (a.station && b.station) two_rate = rate({a.station.get(), b.station.get()}, w, v);

        // The change feed: a booking cancelled at A, announced to a listener beside B.
        auto listener = db::PgConnection::open("postgresql:///bench_two?host=" + cluster.socket_dir() + "&user=etabli");
        v.require(listener.has_value(), "the feed's listener");
        if (listener && (*listener)->listen("etabli_changes") && a.station) {
            for (int k = 0; k < 200; ++k) {
                while ((*listener)->next_notification(milliseconds{0}).value_or(std::nullopt)) {
                }
                const auto t0 = bench::Clock::now();
                // A change: a member's language (French to English and back: always a change),
                // one row and its event, committed at A.
                auto c = a.station->call(app::SetMemberLang{w.members[static_cast<std::size_t>(k % 20)], k / 20 % 2 ? core::Lang::fr : core::Lang::en});
                v.require(c.has_value(), "a change at station A");
                auto n = (*listener)->next_notification(milliseconds{2000});
                if (!n || !*n) {
                    v.wrong("the change did not reach the feed within 2 s");
                    break;
                }
                feed_ms.push_back(1e3 * bench::seconds_since(t0));
            }
        }
        // The same change, to B's snapshot: B hears the feed and loads again, as a kiosk does.
        if (a.station && b.station) {
            db::ChangeFeed::Hooks hooks;
            hooks.changed = [s = b.station.get()] { (void)s->post(app::Resync{true}).wait_for(seconds{10}); };
            auto feed = db::ChangeFeed::start("postgresql:///bench_two?host=" + cluster.socket_dir() + "&user=etabli", b.store->backend_pid(),
                                              std::move(hooks));
            v.require(feed.has_value(), "station B's change feed");
            for (int k = 0; feed && k < 200; ++k) {
                const core::MemberId who = w.members[static_cast<std::size_t>(k % 20)];
                // Each member in turn to the language they do not have (the loop above left them).
                const auto* now_in_b = b.station->snapshot()->directory->find(who);
                const core::Lang want = now_in_b && now_in_b->lang == core::Lang::fr ? core::Lang::en : core::Lang::fr;
                const auto t0 = bench::Clock::now();
                v.require(a.station->call(app::SetMemberLang{who, want}).has_value(), "a change at station A");
                for (;;) {
                    const auto snap = b.station->snapshot();
                    const auto* m = snap->directory->find(who);
                    if (m && m->lang == want) break;
                    if (bench::seconds_since(t0) > 2) {
                        v.wrong("the change did not reach station B's snapshot within 2 s");
                        break;
                    }
                    std::this_thread::sleep_for(microseconds{200});
                }
                snapshot_ms.push_back(1e3 * bench::seconds_since(t0));
            }
        }
        // Check-ins at B, network up: a tap in, a tap out.
        if (b.station)
            for (int k = 0; k < 200; ++k) {
                const auto t0 = bench::Clock::now();
                auto r = b.station->call(app::BadgeSeen{"0000" + std::to_string(100001 + k % 20), app::ReaderRef("kiosk")});
                v.require(r.has_value(), "a check-in at station B");
                tap_ms.push_back(1e3 * bench::seconds_since(t0));
            }
        // Network down: the server stopped (at once, as a cable pulled); the station told so, as
        // its change feed tells it (Resync{false}). Each tap is decided at B and journaled.
        if (b.station) {
            cluster.stop();
            v.require(b.station->call(app::Resync{false}).has_value(), "station B offline");
            for (int k = 0; k < 200; ++k) {
                const auto t0 = bench::Clock::now();
                auto r = b.station->call(app::BadgeSeen{"0000" + std::to_string(100001 + k % 20), app::ReaderRef("kiosk")});
                v.require(r.has_value(), "a check-in at station B, network down");
                if (r)
                    if (const auto* tap = std::get_if<app::TapView>(&*r)) v.require(tap->offline, "a tap noted offline");
                down_ms.push_back(1e3 * bench::seconds_since(t0));
            }
            // The network back: the journal replayed (and everything loaded), as the feed asks.
            cluster.start();
            v.require(cluster.available(), "the server started again");
            const auto t0 = bench::Clock::now();
            bool back = false;
            for (int i = 0; i < 40 && !back; ++i) {
                back = b.station->call(app::Resync{true}).has_value();
                if (!back) std::this_thread::sleep_for(milliseconds{250});
            }
            v.require(back, "station B loaded again");
            replay_ms = 1e3 * bench::seconds_since(t0);
            if (auto pg = db::PgConnection::open(cluster.url("bench_two")))
                if (auto n = (*pg)->query("SELECT count(*) FROM replayed_taps"); n && !n->empty()) replayed = (*n)[0][0].value_or("?");
            v.require(replayed == "200", "every tap noted offline replayed once");
        }
    }
    std::printf("  decisions per second: SQLite %.0f, PostgreSQL %.0f, two PostgreSQL stations %.0f\n", sqlite_rate, pg_rate, two_rate);
    // 0.5x is an aim: a PostgreSQL decision is seven round trips on a socket (the write lock,
    // the rows, the quota's count, the commit) where SQLite's is one fsync; the optimised
    // build measured 0.32x here. Floor 0.15x: half of that, a real regression (a round trip
    // per row, a lost index) falls through it.
    v.at_least("one PostgreSQL station / SQLite", sqlite_rate > 0 && pg_rate > 0 ? pg_rate / sqlite_rate : -1, 0.5, 0.15, "x");
    v.at_least("two PostgreSQL stations / one", pg_rate > 0 && two_rate > 0 ? two_rate / pg_rate : -1, 0.8, "x");
    std::printf("  change at A to B's snapshot: p50 %.2f ms; to the feed alone: p50 %.2f ms, p99 %.2f ms\n", pct(snapshot_ms, 0.5),
                pct(feed_ms, 0.5), pct(feed_ms, 0.99));
    v.at_most("change at A to B's snapshot p99", pct(snapshot_ms, 0.99), 200, "ms");
    std::printf("  check-in at B, network up: p50 %.2f ms; network down (the local journal): p50 %.2f ms\n", pct(tap_ms, 0.5),
                pct(down_ms, 0.5));
    v.at_most("check-in p99, network up", pct(tap_ms, 0.99), 50, "ms");
    v.at_most("check-in p99, network down", pct(down_ms, 0.99), 50, "ms");
    std::printf("  the network back: %s taps replayed, with everything loaded again, in %.0f ms (the link made again included)\n",
                replayed.c_str(), replay_ms);
    return v.finish("bench_pg");
}
