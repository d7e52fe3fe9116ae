// The station's API, in one run on a Station on a SQLite file (the demo's size):
//   1. a read command through the socket (`presence --json`: connect once, then request and
//      reply) against the same command run in process on the same Station: p50 and p99;
//      target API p99 <= 1 ms;
//   2. durable bookings through the API (`book …`, each acknowledged after its commit)
//      against the same bookings posted to the Station in process (Station::call(Book)):
//      target >= 0.8x the in-process rate;
//   3. a kiosk badge tap to the snapshot that shows it (in process, as the embedded kiosk
//      sees it), idle and while 50 API clients hammer reads, in seven turns of each whose p99s
//      are compared turn by turn: target busy p99 <= 2x idle (median turn), floor 10x.
// Test-only. Prints its figures with targets and floors (bench_common.hpp).
#include "api.hpp"
#include "bench_common.hpp"
#include "io.hpp"
#include "tz_calendar.hpp"

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <sstream>
#include <thread>
#include <vector>

using namespace etabli;
using namespace std::chrono;
using json = nlohmann::json;

namespace {

double pct(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

core::MemberDraft member(const std::string& name) {
    core::MemberDraft d;
    d.display_name = name;
    return d;
}

}  // namespace

int main() {
    bench::Verdict verdict;
    bench::TempFolder dir;
    const auto db = dir.path / "etabli.db";
    auto store = db::SqlStore::open(db);
    if (!store) {
        std::fprintf(stderr, "cannot open the store\n");
        return 1;
    }
    cli::SystemClock clock;
    std::shared_ptr<cli::TzCalendar> calendar = std::move(*cli::TzCalendar::make("Europe/Paris"));
    app::Station station(**store, clock, *calendar);
    if (!station.start()) return 1;

    // The workshop: 40 members with badges, 10 in, one machine open every day, 7:00-23:00.
    std::vector<core::MemberId> members;
    for (int i = 0; i < 40; ++i) {
        auto r = station.call(app::AddMember{member("Membre " + std::to_string(i)), std::nullopt, "99" + std::to_string(100000 + i)});
        verdict.require(r.has_value(), "adding a member");
        if (r) members.push_back(std::get<core::Member>(*r).id);
    }
    for (int i = 0; i < 10; ++i) station.call(app::BadgeSeen{"99" + std::to_string(100000 + i), "kiosk"});
    alloc::OpeningHours open_hours;
    for (auto& d : open_hours.weekly) d = {alloc::DayWindow{7 * 60, 23 * 60}};
    station.call(app::SetHours{open_hours, std::nullopt});
    std::vector<alloc::MachineId> machines;
    for (int i = 0; i < 2; ++i) {
        alloc::Machine m;
        m.name = "Banc " + std::to_string(i);
        m.rules.max_length = minutes(120);
        m.rules.ahead_days = 400;
        auto r = station.call(app::AddMachine{m, std::nullopt});
        verdict.require(r.has_value(), "adding a machine");
        if (r) machines.push_back(std::get<alloc::Machine>(*r).id);
    }

    cli::Served served;
    served.station = &station;
    served.calendar = calendar;
    served.db_path = db;
    served.translations = std::make_shared<core::Translations>(cli::load_translations(ETABLI_ASSETS_DIR));
    cli::ApiServer::Options opts;
    opts.socket = dir.path / "api.sock";
    auto api = std::make_shared<cli::ApiServer>(served, opts);
    if (auto r = api->start(); !r) {
        std::fprintf(stderr, "cannot start the API: %s\n", r.error().english().c_str());
        return 1;
    }
    std::weak_ptr<cli::ApiServer> weak = api;
    station.add_watcher([weak] {
        if (auto a = weak.lock()) a->snapshot_changed();
    });

    // 1. A read command: who is in. In process: the snapshot read and the same JSON made.
    std::vector<double> in_process, through_api, cli_in_process, cli_api;
    std::string expected;
    for (int i = 0; i < 3000; ++i) {
        const auto t0 = bench::Clock::now();
        const auto snap = station.snapshot();
        const std::string text = cli::presence_json(*snap).dump();
        in_process.push_back(bench::seconds_since(t0) * 1e6);
        if (i == 0) expected = text;
    }
    cli::ApiClient client;
    verdict.require(client.connect(opts.socket, "bench").has_value(), "connecting to the API");
    for (int i = 0; i < 3000; ++i) {
        const auto t0 = bench::Clock::now();
        auto r = client.request(json{{"op", "presence"}});
        through_api.push_back(bench::seconds_since(t0) * 1e6);
        if (!r || (*r)["present"].dump() != expected) {
            verdict.wrong("the API's reply differs from the snapshot read in process");
            break;
        }
    }
    // The same read as a command line (`presence --json`: its parser and output), for the record.
    const std::vector<std::string> read_args{"--json", "presence"};
    for (int i = 0; i < 300; ++i) {
        std::ostringstream out, err;
        const auto t0 = bench::Clock::now();
        {
            cli::RedirectOutput r(out, err);
            cli::run_for_client(read_args, served, core::Lang::fr, true);
        }
        cli_in_process.push_back(bench::seconds_since(t0) * 1e6);
        const auto t1 = bench::Clock::now();
        auto r = client.request(json{{"op", "cli"}, {"argv", read_args}});
        cli_api.push_back(bench::seconds_since(t1) * 1e6);
        if (!r || (*r)["out"] != out.str()) verdict.wrong("the API's command line output differs from the one run in process");
    }
    std::printf("read who is in (10 of 40): in process p50 %.1f us, p99 %.1f us; API round trip p50 %.0f us, p99 %.0f us\n",
                pct(in_process, 0.5), pct(in_process, 0.99), pct(through_api, 0.5), pct(through_api, 0.99));
    std::printf("  as a command line (`presence --json`, parser included): in process p50 %.0f us; through the API p50 %.0f us, p99 %.0f us\n",
                pct(cli_in_process, 0.5), pct(cli_api, 0.5), pct(cli_api, 0.99));
    verdict.at_most("API read round trip p99", pct(through_api, 0.99) / 1000.0, 1.0, "ms");

    // 2. Durable bookings: one hour each, on two machines, alternating sides by rounds.
    const int per_round = 150;
    int k_api = 0, k_in = 0;
    double api_s = 0, in_s = 0;
    int api_done = 0, in_done = 0;
    for (int round = 0; round < 4; ++round) {
        {  // in process, machine 0
            const auto t0 = bench::Clock::now();
            for (int i = 0; i < per_round; ++i, ++k_in) {
                const auto day = floor<days>(clock.now()) + days(2 + k_in / 16);
                const core::Timestamp start = time_point_cast<seconds>(day + hours(6 + k_in % 16));
                auto r = station.call(app::Book{machines[0], members[static_cast<std::size_t>(k_in % 40)], start, start + hours(1), std::nullopt, true, std::nullopt});
                if (!r) {
                    verdict.wrong(("an in-process booking was refused: " + r.error().english()).c_str());
                    break;
                }
                ++in_done;
            }
            in_s += bench::seconds_since(t0);
        }
        {  // through the API, machine 1: the same bookings, as a typed request
            const auto t0 = bench::Clock::now();
            for (int i = 0; i < per_round; ++i, ++k_api) {
                const auto day = floor<days>(clock.now()) + days(2 + k_api / 16);
                const core::Timestamp start = time_point_cast<seconds>(day + hours(6 + k_api % 16));
                auto r = client.request(json{{"op", "book"}, {"machine", machines[1]}, {"member", members[static_cast<std::size_t>(k_api % 40)]},
                                             {"from", core::format_timestamp(start)}, {"minutes", 60}, {"as_host", true}});
                if (!r || !(*r)["ok"].get<bool>() || (*r)["bookings"].size() != 1) {
                    verdict.wrong(("a booking through the API was refused: " + (r ? r->dump() : r.error())).c_str());
                    break;
                }
                ++api_done;
            }
            api_s += bench::seconds_since(t0);
        }
    }
    const double in_rate = in_done / in_s, api_rate = api_done / api_s;
    std::printf("durable bookings: in process %.0f/s (%.0f us each), through the API %.0f/s (%.0f us each)\n", in_rate,
                1e6 / in_rate, api_rate, 1e6 / api_rate);
    verdict.at_least("durable bookings through the API / in process", api_rate / in_rate, 0.8, "x");

    // 3. A kiosk tap to its snapshot, idle then with 50 clients hammering reads.
    auto taps = [&](int n) {
        std::vector<double> us;
        for (int i = 0; i < n; ++i) {
            const auto t0 = bench::Clock::now();
            auto f = station.post(app::BadgeSeen{"99" + std::to_string(100000 + 20 + i % 2), "kiosk"});
            f.get();  // fulfilled once the snapshot showing the tap is published
            us.push_back(bench::seconds_since(t0) * 1e6);
            std::this_thread::sleep_for(milliseconds(2));
        }
        return us;
    };
    // Idle and busy in turns, seven of 1,000 taps each (the p99 of 500 taps is its 5th worst
    // sample: one scheduler hiccup). Each turn gives its own ratio of the busy p99 to
    // the idle p99 just before it, and the figure is the median of the seven: a slow spell of a
    // shared machine spoils one turn, not the figure (pooled, one spell of 2 s moved it from
    // 1.1x to 11x between runs of one build). A real regression slows every turn.
    std::vector<double> idle, busy, turn_ratios;
    long busy_reads = 0;
    double busy_s = 0;
    for (int round = 0; round < 7; ++round) {
        const auto quiet = taps(1000);
        idle.insert(idle.end(), quiet.begin(), quiet.end());
        std::atomic<bool> stop{false};
        std::atomic<long> reads{0};
        std::vector<std::thread> hammer;
        for (int c = 0; c < 50; ++c)
            hammer.emplace_back([&] {
                cli::ApiClient cl;
                if (!cl.connect(opts.socket, "hammer")) return;
                while (!stop) {
                    if (!cl.request(json{{"op", "presence"}})) return;
                    ++reads;
                }
            });
        std::this_thread::sleep_for(milliseconds(300));
        const long reads_before = reads;
        const auto t_busy = bench::Clock::now();
        const auto loud = taps(1000);
        busy_s += bench::seconds_since(t_busy);
        busy_reads += reads - reads_before;
        busy.insert(busy.end(), loud.begin(), loud.end());
        turn_ratios.push_back(pct(loud, 0.99) / pct(quiet, 0.99));
        stop = true;
        for (auto& t : hammer) t.join();
    }
    std::printf("tap to snapshot (7 x 1000 taps each, in turns): idle p50 %.0f us, p99 %.0f us; with 50 clients reading (%.0f reads/s) p50 %.0f us, p99 %.0f us\n",
                pct(idle, 0.5), pct(idle, 0.99), static_cast<double>(busy_reads) / busy_s, pct(busy, 0.5), pct(busy, 0.99));
    std::printf("  p99 ratio of each turn:");
    for (double t : turn_ratios) std::printf(" %.2fx", t);
    std::printf(" (pooled %.2fx)\n", pct(busy, 0.99) / pct(idle, 0.99));
    verdict.require(busy_reads > 0, "the 50 clients read");
    // Floor 10x: on this machine kind the median turn ran from 1.8x to 7.6x over runs of one
    // build (other tenants' load). A reader blocking taps (a lock held over a read) would slow
    // the tail of every turn, not of one.
    verdict.at_most("tap p99 with 50 reading clients / idle (median turn)", pct(turn_ratios, 0.5), 2.0, 10.0, "x");

    api->stop();
    station.stop();
    return verdict.finish("bench_api");
}
