// The station service's parts in process: the watchdog fed by the Station thread's loop
// (and starved when that thread hangs), an exception in a command, the API server beside a
// running Station and its subscription. Test-only.
#include "serve.hpp"
#include "station_fixture.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>

using namespace etabli;
using namespace std::chrono;
using json = nlohmann::json;

namespace {

core::Timestamp utc(const char* iso) { return *core::parse_timestamp(iso); }

// A machine control whose machines_changed() blocks while armed: the Station thread hangs in it.
struct HangingControl final : app::MachineControl {
    std::mutex m;
    std::condition_variable cv;
    bool armed = false, released = false;
    std::atomic<bool> inside{false};
    void apply(const alloc::Action&) override {}
    void machines_changed(const std::vector<alloc::Machine>&) override {
        std::unique_lock lk(m);
        if (!armed) return;
        inside = true;
        cv.wait(lk, [&] { return released; });
        inside = false;
    }
};

}  // namespace

TEST_CASE("the watchdog is fed while the Station thread turns, and starves while it hangs") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    HangingControl control;
    s.reopen([&](app::Station& st) { st.set_machine_control(&control); });
    std::atomic<int> pings{0};
    auto* station = s.station.get();
    cli::StationWatchdog dog(
        [station] {
            station->nudge();
            return station->loops();
        },
        milliseconds(200), [&](const std::string& m) {
            if (m == "WATCHDOG=1") ++pings;
        });
    std::this_thread::sleep_for(milliseconds(1000));
    const int fed = pings;
    MESSAGE(fed << " pings in 1 s with a 200 ms watchdog");
    CHECK(fed >= 5);

    {
        std::lock_guard lk(control.m);
        control.armed = true;
    }
    alloc::Machine m;
    m.name = "Laser";
    auto pending = station->post(app::AddMachine{m, std::nullopt});
    while (!control.inside) std::this_thread::sleep_for(milliseconds(5));
    std::this_thread::sleep_for(milliseconds(100));  // a ping already under way may land
    const int at_hang = pings;
    std::this_thread::sleep_for(milliseconds(1000));
    CHECK(pings == at_hang);  // stuck: not one ping in five watchdog periods

    {
        std::lock_guard lk(control.m);
        control.released = true;
    }
    control.cv.notify_all();
    CHECK(pending.get());
    std::this_thread::sleep_for(milliseconds(500));
    CHECK(pings > at_hang);  // moving again: fed again
}

TEST_CASE("the embedded station's API: a CLI command through the socket changes the station the kiosk draws, and subscribers see it") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.reopen();
    cli::Served served;
    served.station = s.station.get();
    auto cal = cli::TzCalendar::make("Europe/Paris");
    REQUIRE(cal);
    served.calendar = std::move(*cal);
    served.db_path = s.dir / "etabli.db";
    served.translations = std::make_shared<core::Translations>(cli::load_translations(ETABLI_ASSETS_DIR));
    cli::ApiServer::Options opts;
    opts.socket = s.dir / "api.sock";
    auto api = std::make_shared<cli::ApiServer>(served, opts);
    REQUIRE(api->start());
    std::weak_ptr<cli::ApiServer> weak = api;
    s.station->add_watcher([weak] {
        if (auto a = weak.lock()) a->snapshot_changed();
    });

    cli::ApiClient sub;
    REQUIRE(sub.connect(opts.socket, "kiosk"));
    std::vector<json> events;
    sub.on_event = [&](const json& e) { events.push_back(e); };
    REQUIRE(sub.request(json{{"op", "subscribe"}}));

    cli::ApiClient admin;
    REQUIRE(admin.connect(opts.socket, "cli"));
    const auto r = admin.request(json{{"op", "cli"}, {"argv", {"--json", "member", "add", "--name", "Zoé"}}});
    REQUIRE(r);
    CHECK((*r)["exit"] == 0);
    const auto id = json::parse((*r)["out"].get<std::string>())["id"].get<core::MemberId>();
    // The in-process snapshot (what the embedded kiosk draws) has it when the reply comes.
    CHECK(s.station->snapshot()->directory->find(id) != nullptr);
    const auto version = (*r)["version"].get<std::uint64_t>();
    const auto until = steady_clock::now() + seconds(2);
    bool seen = false;
    while (!seen && steady_clock::now() < until) {
        auto e = sub.next(milliseconds(100));
        if (e && e->contains("event")) events.push_back(*e);
        for (const auto& ev : events)
            seen = seen || (ev["snapshot"]["version"].get<std::uint64_t>() >= version && ev["snapshot"]["members"] == 1);
    }
    CHECK(seen);

    // Read-only snapshot request, and an English error for an English client.
    const auto snap = admin.request(json{{"op", "snapshot"}});
    REQUIRE(snap);
    CHECK((*snap)["snapshot"]["members"] == 1);
    const auto bad = admin.request(json{{"op", "fly"}, {"lang", "en"}});
    REQUIRE(bad);
    CHECK((*bad)["error"]["message"] == "Unknown request \"fly\": use hello, cli, presence, tap, book, snapshot, subscribe, unsubscribe or ping");
    api->stop();
}

TEST_CASE("a machine called \"kiosk\" does not capture the kiosk's taps; its own reader still reaches it") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));  // a Tuesday, 10:00 in Paris
    s.reopen();
    const auto lea = s.add_member("Léa", core::Role::member, "0001234567");
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{9 * 60, 21 * 60}};
    REQUIRE(s.station->call(app::SetHours{h, std::nullopt}));
    alloc::Machine m;
    m.name = "kiosk";
    auto added = s.station->call(app::AddMachine{m, std::nullopt});
    REQUIRE(added);
    const auto id = std::get<alloc::Machine>(*added).id;
    REQUIRE(s.station->call(app::Authorise{id, lea.id, true, std::nullopt}));

    auto tap = s.station->call(app::BadgeSeen{"0001234567", "kiosk"});
    REQUIRE(tap);
    REQUIRE(std::holds_alternative<app::TapView>(*tap));  // a check-in, not a machine session
    CHECK(std::get<app::TapView>(*tap).decision.kind == core::TapKind::check_in);

    // Its reader, "machine:kiosk" in etabli.toml, resolved to the machine's id at load.
    auto at_machine = s.station->call(app::BadgeSeen{"0001234567", app::ReaderRef::at_machine(id, "machine:kiosk")});
    REQUIRE(at_machine);
    REQUIRE(std::holds_alternative<app::AccessView>(*at_machine));
    CHECK(std::get<app::AccessView>(*at_machine).machine == id);
    CHECK(std::get<app::AccessView>(*at_machine).granted);
}

TEST_CASE("one use case, one transaction: a member added with a badge that cannot be enrolled leaves no member behind") {
    testing::TempDir dir;
    auto store = db::SqlStore::open(dir / "etabli.db");
    REQUIRE(store);
    const auto at = utc("2026-12-01T09:00:00Z");
    core::MemberDraft lea;
    lea.display_name = "Léa";
    REQUIRE((*store)->add_member_with_badge(lea, "0001234567", std::nullopt, at));
    core::MemberDraft hugo;
    hugo.display_name = "Hugo";
    auto refused = (*store)->add_member_with_badge(hugo, "0001234567", std::nullopt, at);  // Léa's badge
    CHECK_FALSE(refused);
    auto data = (*store)->load();
    REQUIRE(data);
    CHECK(data->members.size() == 1);  // Hugo was not written without his badge
    CHECK(data->badges.size() == 1);
}

TEST_CASE("one use case, one transaction: a machine whose skill cannot be stored leaves no machine behind") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.reopen();
    const auto lea = s.add_member("Léa", core::Role::member, "0001234567");
    // The skill named after the machine cannot be written (a full disk, as far as SQLite says).
    REQUIRE(s.store->connection().exec("CREATE TRIGGER no_skill BEFORE INSERT ON skills BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"));
    alloc::Machine laser;
    laser.name = "Découpe laser";
    laser.authorised = {lea.id};  // a list given with the machine: a skill and its grants
    auto r = s.station->call(app::AddMachine{laser, std::nullopt});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == core::Problem::Kind::storage);
    CHECK(*s.store->connection().query_int("SELECT count(*) FROM machines") == 0);
    CHECK(*s.store->connection().query_int("SELECT count(*) FROM skills") == 0);
    CHECK(s.station->snapshot()->machines.empty());
    CHECK(s.station->snapshot()->storage_problem.has_value());

    // The station goes on: with room again, the same machine is added whole, and a restart
    // reads exactly that.
    REQUIRE(s.store->connection().exec("DROP TRIGGER no_skill"));
    auto again = s.station->call(app::AddMachine{laser, std::nullopt});
    REQUIRE(again);
    const auto id = std::get<alloc::Machine>(*again).id;
    CHECK(*s.store->connection().query_int("SELECT count(*) FROM machines") == 1);
    CHECK(*s.store->connection().query_int("SELECT count(*) FROM skills") == 1);
    CHECK(s.station->snapshot()->machines.size() == 1);
    CHECK(s.station->snapshot()->skills->machines.contains(id));
    s.reopen();
    CHECK(s.station->snapshot()->machines.size() == 1);
    CHECK(s.station->snapshot()->skills->machines.contains(id));
}
