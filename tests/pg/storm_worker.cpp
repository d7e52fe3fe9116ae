// One station of a storm (issue 21): its own process, its own connection to the shared
// PostgreSQL database and its own engine, firing `attempts` commands aimed at the same few
// machines, tools or members as the other stations, as fast as it can.
//
//   pg_storm_worker URL FOLDER INDEX MODE ATTEMPTS SEED IDS...
//
// MODE: book or book-wide (IDS: machines then "--" then members), lend (tools "--" members),
// tap (badge uids). Prints one line per attempt: "ok <what>" ("ok check_in offline": noted in
// the station's journal, the database out of reach) or "refused <English message>",
// then writes FOLDER/done.INDEX and waits for FOLDER/go (every station finished), starts
// again on the database as a station that reconnects does (a full load), and prints its
// board: "board <live booking ids>", "loans <open loans as tool:member>" or "present <members
// in>". Each station hears the others' commits on the change feed (db::ChangeFeed) and loads
// again, as a kiosk does: its board is printed once every station finished and the feed
// has been quiet for a second, without a restart; then again after a restart (a full load,
// as after a link that came back): "reloaded …". Exit 0, or 2 when the station cannot start.
// Test-only.
#include "testing.hpp"

#include <etabli/app/features/tools.hpp>
#include <etabli/app/station.hpp>
#include <etabli/db/change_feed.hpp>
#include <etabli/db/pg.hpp>
#include <etabli/db/sql_store.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace etabli;
using namespace std::chrono;
using core::Timestamp;
namespace fs = std::filesystem;

namespace {

struct Lists {
    std::vector<std::int64_t> first, second;
    std::vector<std::string> words;
};

std::unique_ptr<db::SqlStore> open(const std::string& url, const fs::path& folder, const std::string& index) {
    // Each station its own folder (its offline journal, station-INDEX/workshop-offline.db),
    // with the workshop's one secret copied in, as a workshop sets its stations up.
    const fs::path own = folder / ("station-" + index);
    std::error_code ec;
    fs::create_directories(own, ec);
    if (fs::exists(folder / "workshop.pepper") && !fs::exists(own / "workshop.pepper"))
        fs::copy_file(folder / "workshop.pepper", own / "workshop.pepper", ec);
    auto s = db::SqlStore::open_postgres(url, own / "workshop");
    if (!s) {
        std::cout << "cannot " << s.error().english() << std::endl;
        return nullptr;
    }
    return std::move(*s);
}

// The station's board after a full load: what it shows once it has caught up.
void print_board(app::Station& station, const std::string& mode, Timestamp now, const Lists& ids) {
    if (mode == "book" || mode == "book-wide") {
        auto r = station.call(app::ListBookings{std::nullopt, std::nullopt, now, now + days{14}});
        std::cout << "board";
        if (r) {
            if (const auto* list = std::get_if<std::vector<alloc::Booking>>(&*r))
                for (const auto& b : *list) std::cout << ' ' << b.id;
        } else {
            std::cout << " (" << r.error().english() << ')';
        }
        std::cout << std::endl;
    } else if (mode == "lend") {
        // Each open loan as tool:member, by tool.
        std::cout << "loans";
        const auto snap = station.snapshot();
        std::vector<std::pair<core::ToolId, core::MemberId>> open;
        if (snap)
            for (const auto& l : snap->tools->loans) open.emplace_back(l.loan.tool, l.loan.member);
        std::sort(open.begin(), open.end());
        for (const auto& [t, m] : open) std::cout << ' ' << t << ':' << m;
        std::cout << std::endl;
    } else {
        // Who is in, by member.
        std::cout << "present";
        const auto snap = station.snapshot();
        std::vector<core::MemberId> in;
        if (snap)
            for (const auto& p : snap->present) in.push_back(p.id);
        std::sort(in.begin(), in.end());
        for (auto m : in) std::cout << ' ' << m;
        std::cout << std::endl;
    }
    (void)ids;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 8) {
        std::cerr << "usage: pg_storm_worker URL FOLDER INDEX MODE ATTEMPTS SEED IDS...\n";
        return 64;
    }
    const std::string url = argv[1];
    const fs::path folder = argv[2];
    const std::string index = argv[3], mode = argv[4];
    const int attempts = std::stoi(argv[5]);
    const unsigned seed = static_cast<unsigned>(std::stoul(argv[6]));
    Lists ids;
    bool second = false;
    for (int i = 7; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") {
            second = true;
            continue;
        }
        if (mode == "tap") ids.words.push_back(a);
        else (second ? ids.second : ids.first).push_back(std::stoll(a));
    }

    // Every station at the same instant: Tuesday 1 December 2026, 09:00 UTC (10:00 in Paris).
    const Timestamp now = testing::utc("2026-12-01T09:00:00Z");
    testing::FakeClock clock(now);
    testing::FixedCalendar calendar{minutes{60}};
    auto store = open(url, folder, index);
    if (!store) return 2;
    auto station = std::make_unique<app::Station>(*store, clock, calendar);
    if (auto r = station->start(); !r) {
        std::cout << "cannot " << r.error().english() << std::endl;
        return 2;
    }

    // The other stations' commits, heard: this station loads again (as the CLI's kiosk does).
    db::ChangeFeed::Hooks hooks;
    hooks.changed = [s = station.get()] {
        // Loaded, or tried again (the link may be back for the feed before the station's).
        for (int i = 0; i < 10; ++i) {
            auto f = s->post(app::Resync{true});
            if (f.wait_for(seconds{10}) == std::future_status::ready && f.get()) return;
            std::this_thread::sleep_for(milliseconds{500});
        }
    };
    // A link that drops: the station works offline (its taps to its journal) until it is back.
    hooks.link = [s = station.get()](bool up) {
        if (!up) (void)s->post(app::Resync{false});
    };
    auto feed = db::ChangeFeed::start(url, store->backend_pid(), std::move(hooks));
    if (!feed) {
        std::cout << "cannot " << feed.error().english() << std::endl;
        return 2;
    }

    std::mt19937 rng(seed);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    const Timestamp day = testing::utc("2026-12-02T08:00:00Z");  // tomorrow 09:00 local
    // ETABLI_STORM_PACE_US: a pause between attempts, so that a storm lasts while the test
    // stops and starts the server.
    const char* pace_env = std::getenv("ETABLI_STORM_PACE_US");
    const microseconds pace{pace_env ? std::atoll(pace_env) : 0};
    for (int i = 0; i < attempts; ++i) {
        if (pace.count() > 0) std::this_thread::sleep_for(pace);
        app::Result r;
        if (mode == "book" || mode == "book-wide") {
            // The same eight hours of the same machines: starts on the half hour, 60 or 90
            // minutes; book-wide: any of the next twelve days, so that most attempts reach
            // the database (a storm across an outage).
            Timestamp start = day + minutes{30} * std::uniform_int_distribution<int>(0, 15)(rng);
            if (mode == "book-wide") start += days{std::uniform_int_distribution<int>(0, 11)(rng)} + minutes{30} * std::uniform_int_distribution<int>(0, 4)(rng);
            const Timestamp end = start + minutes{std::uniform_int_distribution<int>(0, 1)(rng) ? 60 : 90};
            r = station->call(app::Book{pick(ids.first), pick(ids.second), start, end, std::nullopt, false, std::nullopt});
            if (r)
                if (const auto* list = std::get_if<std::vector<alloc::Booking>>(&*r); list && !list->empty()) {
                    const auto& b = list->front();
                    std::cout << "ok " << b.id << ' ' << b.machine << ' ' << core::format_timestamp(b.start) << ' '
                              << core::format_timestamp(b.end) << '\n';
                    continue;
                }
        } else if (mode == "lend") {
            // Half the attempts lend a tool, half give one back: the same tools, again and again.
            const core::ToolId tool = pick(ids.first);
            if (std::uniform_int_distribution<int>(0, 1)(rng)) {
                r = station->call(app::Lend{{tool}, pick(ids.second), std::nullopt, std::nullopt});
                if (r) {
                    if (const auto* loans = std::get_if<std::vector<core::Loan>>(&*r); loans && !loans->empty()) {
                        std::cout << "ok lent " << loans->front().id << ' ' << tool << '\n';
                        continue;
                    }
                }
            } else {
                r = station->call(app::ReturnTool{tool, core::ToolCondition::good, "", false, "", std::nullopt});
                if (r) {
                    std::cout << "ok returned " << tool << '\n';
                    continue;
                }
            }
        } else {
            r = station->call(app::BadgeSeen{pick(ids.words), app::ReaderRef("kiosk")});
            if (r)
                if (const auto* tap = std::get_if<app::TapView>(&*r)) {
                    std::cout << "ok " << core::to_string(tap->decision.kind) << (tap->offline ? " offline" : "") << '\n';
                    continue;
                }
        }
        if (r) std::cout << "ok\n";
        else std::cout << "refused " << r.error().english() << '\n';
    }
    std::cout.flush();

    // Every station finished: start again on the database, as a station that reconnects.
    { std::FILE* f = std::fopen((folder / ("done." + index)).c_str(), "w"); if (f) std::fclose(f); }
    const auto until = steady_clock::now() + seconds{300};
    while (!fs::exists(folder / "go") && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds{20});
    // The database back, if it was stopped (at most a minute), and the feed's link made again
    // (it tries every second).
    for (const auto back = steady_clock::now() + seconds{60}; steady_clock::now() < back;) {
        if (db::PgConnection::open(url, seconds{2})) break;
        std::this_thread::sleep_for(milliseconds{200});
    }
    std::this_thread::sleep_for(seconds{2});
    // The feed quiet for a second: every change of the others has been heard and loaded.
    for (std::uint64_t heard = (*feed)->heard();;) {
        std::this_thread::sleep_for(seconds{1});
        const std::uint64_t now_heard = (*feed)->heard();
        if (now_heard == heard || steady_clock::now() > until) break;
        heard = now_heard;
    }
    (void)station->call(app::Tick{});  // after the last load
    print_board(*station, mode, now, ids);
    std::cout << "reloaded ";
    feed->reset();
    station.reset();
    store = open(url, folder, index);
    if (!store) return 2;
    station = std::make_unique<app::Station>(*store, clock, calendar);
    if (auto r = station->start(); !r) {
        std::cout << "cannot " << r.error().english() << std::endl;
        return 2;
    }
    print_board(*station, mode, now, ids);
    return 0;
}
