// The kiosk's device panel, Station side: a DevicesChanged from hw's device manager lands
// in the snapshot as is, and a manager wired to the Station (as `etabli kiosk` does) keeps it
// current. Layer: tests (app + hw). The test thread plays the USB stack; the Station runs its own.
#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/usb_devices.hpp>

#include "testing.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <thread>

using namespace etabli;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    testing::TempDir dir;
    testing::FakeClock clock{testing::utc("2026-11-28T14:00:00Z")};
    testing::FixedCalendar calendar;
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<app::Station> station;
    Fixture() {
        auto s = db::SqlStore::open(dir / "etabli.db");
        REQUIRE(s);
        store = std::move(*s);
        station = std::make_unique<app::Station>(*store, clock, calendar);
        REQUIRE(station->start());
    }
};

// Every open is refused as the kernel refuses a device node without the udev rule.
class DeniedTransport final : public hw::ReaderTransport {
public:
    std::expected<void, core::Problem> open(hw::ReportSink&) override {
        return std::unexpected(hw::device_open_problem("/dev/input/event7", EACCES));
    }
    void close() override {}
    std::string describe() const override { return "/dev/input/event7"; }
};

}  // namespace

TEST_CASE("station: DevicesChanged replaces the reader list of the snapshot") {
    Fixture f;
    CHECK(f.station->snapshot()->devices.empty());
    app::ReaderView kiosk;
    kiosk.role = "kiosk";
    kiosk.device = "usb 1-1 ffff:0035";
    kiosk.connected = true;
    kiosk.taps = 3;
    kiosk.last_tap = testing::utc("2026-11-28T13:59:00Z");
    app::ReaderView laser;
    laser.role = "machine:Laser";
    laser.problem = core::problem("Badge reader {0} is not plugged in", {"/dev/input/event3"});
    REQUIRE(f.station->call(app::DevicesChanged{{kiosk, laser}}));
    auto snap = f.station->snapshot();
    REQUIRE(snap->devices.size() == 2);
    CHECK(snap->devices[0].connected);
    CHECK(snap->devices[0].last_tap == testing::utc("2026-11-28T13:59:00Z"));
    CHECK(snap->devices[1].role == "machine:Laser");
    REQUIRE(snap->devices[1].problem);
    // A later list replaces it whole: a reader removed from etabli.toml goes away.
    REQUIRE(f.station->call(app::DevicesChanged{{laser}}));
    REQUIRE(f.station->snapshot()->devices.size() == 1);
    CHECK(f.station->snapshot()->devices[0].role == "machine:Laser");
}

TEST_CASE("station: a denied reader reaches the snapshot through the device manager, flagged for the udev rule") {
    Fixture f;
    core::Config config;
    core::ReaderConfig r;
    r.role.kind = core::ReaderRole::Kind::kiosk;
    r.driver = core::ReaderDriver::evdev;
    r.device = "/dev/input/event7";
    config.readers.push_back(r);
    hw::DeviceManager::Sources src;
    src.transport = [](const core::ReaderConfig&, const hw::UsbDeviceInfo*) -> std::unique_ptr<hw::ReaderTransport> {
        return std::make_unique<DeniedTransport>();
    };
    app::Station* station = f.station.get();
    hw::DeviceManager mgr(config, src, [station](app::Command c) { station->post_async(std::move(c), 0); });
    mgr.rescan();
    std::shared_ptr<const app::Snapshot> snap;
    for (int i = 0; i < 2000; ++i) {
        snap = f.station->snapshot();
        if (!snap->devices.empty()) break;
        std::this_thread::sleep_for(1ms);
    }
    REQUIRE(snap->devices.size() == 1);
    CHECK(snap->devices[0].role == "kiosk");
    CHECK(!snap->devices[0].connected);
    CHECK(snap->devices[0].permission_denied);
    REQUIRE(snap->devices[0].problem);
    CHECK(snap->devices[0].problem->msgid.find("udev rule") != std::string::npos);
}
