// The controllers wired into `etabli kiosk` (wire): Context::open_station() sets the
// configured ControllerManager on the Station before it starts (the hook before_start), the
// links start after it, a port that does not exist is only a controller shown as link down,
// and --demo's fake board (the host-built firmware on a pty, in-process) switches the demo's
// "Découpe laser" (channel 1) and "Fraiseuse CNC" (channel 2) through the real link code.
// Real clock, real time zone (Europe/Paris). Layer: tests (cli composition + hw + firmware).
#include "pty_controller.hpp"

#include <doctest/doctest.h>

#include "context.hpp"
#include "kiosk_controllers.hpp"
#include "testing.hpp"

#include <etabli/core/config.hpp>

using namespace etabli;
using namespace std::chrono;
using testing::eventually;

namespace {

// Open every day, all day: the real clock may run these tests at any hour.
alloc::OpeningHours always_open() {
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{0, 24 * 60}};
    return h;
}

core::MemberId add_member(app::Station& s, const std::string& name, core::Role role, const std::string& badge) {
    core::MemberDraft d;
    d.display_name = name;
    d.role = role;
    auto r = s.call(app::AddMember{d, std::nullopt, badge});
    REQUIRE(r);
    return std::get<core::Member>(*r).id;
}

const app::ControllerView* controller(const app::Snapshot& s, const std::string& name) {
    for (const auto& c : s.controllers)
        if (c.name == name) return &c;
    return nullptr;
}

// The machine's reader, as etabli.toml's "machine:NAME" is resolved at load.
app::ReaderRef reader_of(app::Station& s, const std::string& machine) {
    for (const auto& m : s.snapshot()->machines)
        if (m.machine.name == machine) return app::ReaderRef::at_machine(m.machine.id, "machine:" + machine);
    return app::ReaderRef::unbound("machine:" + machine);
}

bool granted(app::Station& s, const std::string& uid, const std::string& reader) {
    auto r = s.call(app::BadgeSeen{uid, reader_of(s, reader)});
    REQUIRE(r);
    return std::get<app::AccessView>(*r).granted;
}

}  // namespace

TEST_CASE("wiring: configured controllers are set before the Station starts; a missing port is a link down") {
    testing::TempDir dir;
    testing::PtyController board;
    // A first run without controllers: the machine exists before the controllers ever start,
    // so only a manager set before Station::start() (which announces the machines) maps it.
    {
        cli::Context ctx;
        ctx.db_path = dir / "etabli.db";
        REQUIRE(!ctx.open_station());
        alloc::Machine m;
        m.name = "Découpe laser";
        m.rules.max_length = minutes{120};
        auto r = ctx.station->call(app::AddMachine{m, std::nullopt});
        REQUIRE(r);
        const auto laser = std::get<alloc::Machine>(*r).id;
        const auto lea = add_member(*ctx.station, "Léa", core::Role::member, "01");
        REQUIRE(ctx.station->call(app::Authorise{laser, lea, true, std::nullopt}));
        REQUIRE(ctx.station->call(app::SetHours{always_open(), std::nullopt}));
    }
    core::Config cfg;
    core::ControllerConfig good;
    good.port = board.path();
    good.channels = {"Découpe laser"};
    core::ControllerConfig missing;
    missing.port = (dir / "ttyUSB-unplugged").string();
    missing.channels = {"Fraiseuse CNC"};
    cfg.controllers = {good, missing};
    testing::write_file(dir / "etabli.toml", core::to_toml(cfg));

    std::shared_ptr<cli::StationControllers> controllers;  // outlives ctx, as in cmd_kiosk
    cli::Context ctx;
    ctx.db_path = dir / "etabli.db";
    ctx.config = dir / "etabli.toml";
    cli::wire_station_controllers(ctx, false, controllers);
    REQUIRE(!ctx.open_station());
    REQUIRE(controllers);
    CHECK(ctx.station_attachments.get() == static_cast<void*>(controllers.get()));
    CHECK(controllers->demo_board() == nullptr);
    controllers->start();

    REQUIRE(eventually([&] {
        auto s = ctx.station->snapshot();
        const auto* g = controller(*s, board.path());
        const auto* m = controller(*s, missing.port);
        return g && g->up && m && !m->up && m->problem.has_value();
    }));
    {
        auto s = ctx.station->snapshot();
        const auto* m = controller(*s, missing.port);
        MESSAGE("missing port: " << m->problem->english());
        CHECK(m->problem->english().find(missing.port) != std::string::npos);
    }
    CHECK(!board.relay(0));
    CHECK(granted(*ctx.station, "01", "Découpe laser"));
    CHECK(eventually([&] { return board.relay(0); }));
    controllers->stop();
}

TEST_CASE("wiring: no controller configured and no demo: nothing is attached") {
    testing::TempDir dir;
    std::shared_ptr<cli::StationControllers> controllers;
    cli::Context ctx;
    ctx.db_path = dir / "etabli.db";
    ctx.config = dir / "absent.toml";  // a missing file is an empty configuration
    cli::wire_station_controllers(ctx, false, controllers);
    REQUIRE(!ctx.open_station());
    CHECK(!controllers);
    CHECK(!ctx.station_attachments);
    CHECK(ctx.station->snapshot()->controllers.empty());
}

TEST_CASE("wiring: --demo's fake board switches the demo's laser (channel 1) and CNC mill (channel 2)") {
    testing::TempDir dir;
    std::shared_ptr<cli::StationControllers> controllers;
    cli::Context ctx;
    ctx.db_path = dir / "etabli.db";
    ctx.config = dir / "absent.toml";
    cli::wire_station_controllers(ctx, true, controllers);
    REQUIRE(!ctx.open_station());
    REQUIRE(controllers);
    cli::DemoBoard* demo = controllers->demo_board();
    REQUIRE(demo);
    controllers->start();
    // Hours first: seed_demo keeps hours already set (the real clock may be at night).
    REQUIRE(ctx.station->call(app::SetHours{always_open(), std::nullopt}));
    REQUIRE(cli::seed_demo(ctx) == cli::kDone);

    REQUIRE(eventually([&] {
        auto s = ctx.station->snapshot();
        const auto* c = controller(*s, cli::kDemoBoardName);
        return c && c->up && c->channel_views.size() == 3;
    }));
    {
        auto s = ctx.station->snapshot();
        const auto* c = controller(*s, cli::kDemoBoardName);
        CHECK(c->channel_views[1].machine_name == "Découpe laser");
        CHECK(c->channel_views[2].machine_name == "Fraiseuse CNC");
    }
    for (std::uint8_t ch = 0; ch < cli::kDemoBoardChannels; ++ch) CHECK(!demo->relay(ch));
    // Léa (demo badge 0001234567) may use the laser; Camille (0004211337) the CNC mill.
    CHECK(granted(*ctx.station, "0001234567", "Découpe laser"));
    CHECK(eventually([&] { return demo->relay(1); }));
    // What the kiosk shows of it (the host's machine screen) follows.
    auto snap_relay = [&](std::size_t ch) {
        auto sn = ctx.station->snapshot();
        const auto* c = controller(*sn, cli::kDemoBoardName);
        return c && c->channel_views.size() > ch && c->channel_views[ch].relay;
    };
    CHECK(eventually([&] { return snap_relay(1); }));
    CHECK(granted(*ctx.station, "0004211337", "Fraiseuse CNC"));
    CHECK(eventually([&] { return demo->relay(2); }));
    CHECK(!demo->relay(0));
    // Léa badges again at the laser: her session ends and the relay opens.
    auto again = ctx.station->call(app::BadgeSeen{"0001234567", reader_of(*ctx.station, "Découpe laser")});
    REQUIRE(again);
    CHECK(std::get<app::AccessView>(*again).ended);
    CHECK(eventually([&] { return !demo->relay(1); }));
    CHECK(eventually([&] { return !snap_relay(1); }));
    CHECK(demo->relay(2));

    // Camille badges again at the mill: that one opens too.
    REQUIRE(!granted(*ctx.station, "0004211337", "Fraiseuse CNC"));
    CHECK(eventually([&] { return !demo->relay(2); }));
    controllers->stop();
}
