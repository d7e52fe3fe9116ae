// Device tests without a kernel USB stack: the registry's matching by descriptors, the device
// manager with scripted enumeration and a scripted transport (the libusb report path's seam),
// and the evdev path over pipes: unplug during a read and replug 1,000 times with no leaked
// file descriptor or thread and every tap after a replug delivered.
// Layer: hw. The test thread plays the USB stack; evdev transports run their own threads.
#include <etabli/hw/device_registry.hpp>
#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/usb_devices.hpp>

#include "testing.hpp"

#include <doctest/doctest.h>
#include <linux/input.h>

#include <array>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace etabli;
using namespace etabli::hw;
using namespace std::chrono_literals;

namespace {

UsbDeviceInfo reader_device(std::string port, std::uint8_t address, std::string serial = "") {
    UsbDeviceInfo d;
    d.vendor = 0xffff;
    d.product = 0x0035;
    d.port_path = std::move(port);
    d.address = address;
    d.serial = std::move(serial);
    d.interface_classes = {3};
    d.boot_keyboard_interface = 0;
    d.boot_keyboard_endpoint = 0x81;
    return d;
}

UsbDeviceInfo keyboard(std::string port) {
    UsbDeviceInfo d = reader_device(std::move(port), 9);
    d.vendor = 0x046d;  // a real keyboard: configured nowhere
    d.product = 0xc31c;
    return d;
}

// Collects what readers post.
struct Posted {
    std::mutex m;
    std::vector<app::Command> cmds;                  // what readers read
    std::vector<app::DevicesChanged> device_changes;  // the manager's panel updates, apart
    BadgeReader::Post post() {
        return [this](app::Command c) {
            std::lock_guard lk(m);
            if (auto* d = std::get_if<app::DevicesChanged>(&c)) device_changes.push_back(std::move(*d));
            else cmds.push_back(std::move(c));
        };
    }
    std::vector<std::pair<std::string, std::string>> badges() {
        std::lock_guard lk(m);
        std::vector<std::pair<std::string, std::string>> v;
        for (auto& c : cmds)
            if (auto* b = std::get_if<app::BadgeSeen>(&c)) v.emplace_back(b->uid, b->reader.to_string());
        return v;
    }
    std::size_t size() {
        std::lock_guard lk(m);
        return cmds.size();
    }
};

// The seam: records open/close; the test plays reports into the sink it was given.
struct Script {
    std::vector<std::string> opened;  // describe() of every open
    int open_now = 0;
    std::map<std::string, ReportSink*> sinks;
    bool deny = false;
};
class ScriptedTransport final : public ReaderTransport {
public:
    ScriptedTransport(Script& s, std::string what) : m_s(s), m_what(std::move(what)) {}
    ~ScriptedTransport() override { close(); }
    std::expected<void, core::Problem> open(ReportSink& sink) override {
        if (m_s.deny) return std::unexpected(device_open_problem(m_what, EACCES));
        m_s.opened.push_back(m_what);
        ++m_s.open_now;
        m_s.sinks[m_what] = &sink;
        m_open = true;
        return {};
    }
    void close() override {
        if (!m_open) return;
        m_open = false;
        --m_s.open_now;
        m_s.sinks.erase(m_what);
    }
    std::string describe() const override { return m_what; }

private:
    Script& m_s;
    std::string m_what;
    bool m_open = false;
};

using Report = std::array<std::uint8_t, 8>;
void type(ReportSink& sink, const std::string& s, ReadTime& t) {
    auto usage = [](char c) -> std::uint8_t { return c == '0' ? 0x27 : static_cast<std::uint8_t>(0x1E + (c - '1')); };
    for (char c : s) {
        t += 2ms;
        sink.on_report(Report{0, 0, usage(c), 0, 0, 0, 0, 0}, t);
        t += 2ms;
        sink.on_report(Report{}, t);
    }
    t += 2ms;
    sink.on_report(Report{0, 0, 0x28, 0, 0, 0, 0, 0}, t);
    sink.on_report(Report{}, t);
}

core::Config three_readers() {
    return core::parse_config(R"(
[[reader]]
role = "kiosk"
vendor = "ffff"
product = "0035"
port = "1-1"
profile = "dec10"
[[reader]]
role = "machine:Laser"
vendor = "ffff"
serial = "LASER-1"
profile = "dec10-reversed"
[[reader]]
role = "machine:2"
vendor = "ffff"
port = "1-3"
)")
        .value();
}

}  // namespace

TEST_CASE("registry: matching by vendor/product, serial, port, interface class; nothing matches nothing") {
    const auto cfg = three_readers();
    CHECK(match_reader(cfg, reader_device("1-1", 5)) == 0u);
    CHECK(match_reader(cfg, reader_device("1-2", 6, "LASER-1")) == 1u);
    CHECK(match_reader(cfg, reader_device("1-3", 7)) == 2u);
    CHECK(!match_reader(cfg, reader_device("1-4", 8)));  // same model, unconfigured port
    CHECK(!match_reader(cfg, keyboard("1-1")));          // right port, wrong device
    core::DeviceMatch hid;
    hid.interface_class = 3;
    CHECK(matches(hid, reader_device("2-1", 1)));
    hid.interface_class = 8;
    CHECK(!matches(hid, reader_device("2-1", 1)));
    CHECK(!matches(core::DeviceMatch{}, reader_device("2-1", 1)));

    auto diff = diff_devices({reader_device("1-1", 5), keyboard("1-2")}, {keyboard("1-2"), reader_device("1-1", 6)});
    REQUIRE(diff.added.size() == 1);
    CHECK(diff.added[0].address == 6);  // replug in the same port: a new device
    REQUIRE(diff.removed.size() == 1);
    CHECK(diff.removed[0].address == 5);
}

TEST_CASE("manager: configured readers are opened and post by role; the keyboard is never opened; unplug, replug") {
    Script script;
    std::vector<UsbDeviceInfo> plugged{reader_device("1-1", 5), reader_device("1-2", 6, "LASER-1"), keyboard("1-4"),
                                       reader_device("1-5", 7)};
    Posted posted;
    DeviceManager::Sources src;
    src.enumerate = [&] { return plugged; };
    src.transport = [&](const core::ReaderConfig&, const UsbDeviceInfo* d) -> std::unique_ptr<ReaderTransport> {
        return std::make_unique<ScriptedTransport>(script, d->port_path);
    };
    DeviceManager mgr(three_readers(), src, posted.post());
    mgr.rescan();
    CHECK(script.opened == std::vector<std::string>{"1-1", "1-2"});  // not the keyboard, not 1-5
    ReadTime t{};
    type(*script.sinks.at("1-1"), "0012345678", t);
    type(*script.sinks.at("1-2"), render_card(core::BadgeFormat::dec10_reversed, 12345678), t);
    CHECK(posted.badges() == std::vector<std::pair<std::string, std::string>>{{"00BC614E", "kiosk"}, {"00BC614E", "machine:Laser"}});

    // Unplug the kiosk reader mid-line: closed on the next pass; its status says so.
    auto& kiosk_sink = *script.sinks.at("1-1");
    kiosk_sink.on_report(Report{0, 0, 0x1E, 0, 0, 0, 0, 0}, t);
    kiosk_sink.on_gone(core::problem("Badge reader {0} was unplugged", {"1-1"}));
    plugged.erase(plugged.begin());
    mgr.rescan();
    CHECK(script.open_now == 1);
    CHECK(!mgr.readers()[0].connected);
    // Replug (new address): reopened, the half line before is forgotten, the next tap arrives.
    plugged.push_back(reader_device("1-1", 11));
    mgr.rescan();
    CHECK(script.open_now == 2);
    t += 3s;
    type(*script.sinks.at("1-1"), "0000000042", t);
    CHECK(posted.badges().back() == std::pair<std::string, std::string>{"0000002A", "kiosk"});
    const auto st = mgr.readers()[0];
    CHECK(st.connected);
    CHECK(st.taps == 2);
    CHECK(st.last_uid == "0000002A");

    // The third reader appears: opened, and a machine given by number posts "machine:2".
    plugged.push_back(reader_device("1-3", 12));
    mgr.rescan();
    t += 3s;
    type(*script.sinks.at("1-3"), "77", t);
    CHECK(posted.badges().back() == std::pair<std::string, std::string>{"77", "machine:2"});
}

TEST_CASE("manager: permission denied is reported once, with what to install") {
    Script script;
    script.deny = true;
    std::vector<std::string> logs;
    DeviceManager::Sources src;
    src.enumerate = [] { return std::vector<UsbDeviceInfo>{reader_device("1-1", 5)}; };
    src.transport = [&](const core::ReaderConfig&, const UsbDeviceInfo* d) -> std::unique_ptr<ReaderTransport> {
        return std::make_unique<ScriptedTransport>(script, d->port_path);
    };
    Posted posted;
    DeviceManager mgr(three_readers(), src, posted.post(), [&](const std::string&, const core::Problem& p) { logs.push_back(p.msgid); });
    mgr.rescan();
    mgr.rescan();
    mgr.rescan();
    CHECK(logs.size() == 1);
    REQUIRE(mgr.readers()[0].last_problem);
    CHECK(mgr.readers()[0].last_problem->msgid.find("udev rule") != std::string::npos);
    // The kiosk's device panel got it once (the same state again posts nothing), flagged.
    std::lock_guard lk(posted.m);
    REQUIRE(posted.device_changes.size() == 1);
    const auto& views = posted.device_changes[0].readers;
    REQUIRE(views.size() == 3);
    CHECK(views[0].role == "kiosk");
    CHECK(!views[0].connected);
    CHECK(views[0].permission_denied);
    CHECK(!views[0].last_tap);
}

TEST_CASE("manager: a tap, an unplug and a replug each post the reader list for the device panel") {
    Script script;
    std::vector<UsbDeviceInfo> plugged{reader_device("1-1", 5)};
    DeviceManager::Sources src;
    src.enumerate = [&] { return plugged; };
    src.transport = [&](const core::ReaderConfig&, const UsbDeviceInfo* d) -> std::unique_ptr<ReaderTransport> {
        return std::make_unique<ScriptedTransport>(script, d->port_path);
    };
    Posted posted;
    DeviceManager mgr(three_readers(), src, posted.post());
    auto changes = [&] {
        std::lock_guard lk(posted.m);
        return posted.device_changes;
    };
    mgr.rescan();
    REQUIRE(changes().size() == 1);
    CHECK(changes().back().readers[0].connected);
    CHECK(changes().back().readers[0].device == "1-1");
    mgr.rescan();  // nothing new
    CHECK(changes().size() == 1);
    ReadTime t{};
    type(*script.sinks.at("1-1"), "0012345678", t);
    mgr.rescan();
    REQUIRE(changes().size() == 2);
    CHECK(changes().back().readers[0].taps == 1);
    CHECK(changes().back().readers[0].last_tap.has_value());
    plugged.clear();
    mgr.rescan();
    REQUIRE(changes().size() == 3);
    CHECK(!changes().back().readers[0].connected);
}

TEST_CASE("scanner: a scan posts ToolScanned with the tag as typed") {
    core::ReaderConfig cfg;
    cfg.role.kind = core::ReaderRole::Kind::scanner;
    Posted posted;
    BadgeReader r(cfg, posted.post());
    ReadTime t{};
    type(r, "0012", t);
    REQUIRE(posted.size() == 1);
    std::lock_guard lk(posted.m);
    CHECK(std::get<app::ToolScanned>(posted.cmds[0]).tag == "0012");
}

// [evdev] Pipes stand in for /dev/input/eventN (a pipe cannot be grabbed: grab off). The
// configured path is a symlink, re-pointed at each "replug" as udev re-creates by-id links.
namespace {

std::size_t count_entries(const char* dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

void write_events(int fd, const std::vector<std::pair<std::uint16_t, std::int32_t>>& keys) {
    std::vector<input_event> evs;
    for (auto [code, value] : keys) {
        input_event e{};
        e.type = EV_KEY;
        e.code = code;
        e.value = value;
        evs.push_back(e);
        input_event syn{};
        syn.type = EV_SYN;
        evs.push_back(syn);
    }
    const auto* p = reinterpret_cast<const char*>(evs.data());
    std::size_t left = evs.size() * sizeof(input_event);
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        REQUIRE(n > 0);
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

std::vector<std::pair<std::uint16_t, std::int32_t>> keys_for(const std::string& digits) {
    std::vector<std::pair<std::uint16_t, std::int32_t>> v;
    for (char c : digits) {
        const auto code = static_cast<std::uint16_t>(c == '0' ? KEY_0 : KEY_1 + (c - '1'));
        v.push_back({code, 1});
        v.push_back({code, 0});
    }
    v.push_back({KEY_ENTER, 1});
    v.push_back({KEY_ENTER, 0});
    return v;
}

}  // namespace

TEST_CASE("evdev: unplug during a read and replug, 1,000 times: no leaked fd or thread, every tap arrives") {
    testing::TempDir dir;
    const auto link = dir / "event-kbd";
    core::ReaderConfig cfg;
    cfg.role = core::ReaderRole{core::ReaderRole::Kind::machine, "Laser", std::nullopt};
    cfg.role.resolved = 4;  // as the station resolved "Laser" when it loaded etabli.toml
    cfg.driver = core::ReaderDriver::evdev;
    cfg.device = link.string();
    cfg.profile = core::BadgeFormat::raw;
    core::Config config;
    config.readers.push_back(cfg);

    Posted posted;
    DeviceManager::Sources src;
    src.transport = [](const core::ReaderConfig& c, const UsbDeviceInfo*) -> std::unique_ptr<ReaderTransport> {
        return std::make_unique<EvdevTransport>(c.device, EvdevOptions{.grab = false});
    };
    DeviceManager mgr(config, src, posted.post());
    mgr.rescan();  // nothing plugged yet: not connected, no thread
    CHECK(!mgr.readers()[0].connected);

    const std::size_t fds_before = count_entries("/proc/self/fd");
    const std::size_t threads_before = count_entries("/proc/self/task");
    constexpr int kCycles = 1000;
    for (int i = 0; i < kCycles; ++i) {
        int p[2];
        REQUIRE(::pipe(p) == 0);
        std::filesystem::remove(link);
        std::filesystem::create_symlink("/proc/self/fd/" + std::to_string(p[0]), link);
        mgr.rescan();  // plugged: opened (its own fd on the pipe) and read on its thread
        ::close(p[0]);
        REQUIRE(mgr.readers()[0].connected);
        // Each cycle a different badge, so the 2 s same-UID rule never hides one.
        write_events(p[1], keys_for(std::to_string(100000 + i)));
        // Wait for the tap, then unplug in the middle of the next read.
        for (int w = 0; w < 2000 && posted.size() < static_cast<std::size_t>(i + 1); ++w) std::this_thread::sleep_for(100us);
        write_events(p[1], {{KEY_4, 1}, {KEY_4, 0}});
        ::close(p[1]);
        for (int w = 0; w < 2000 && mgr.readers()[0].connected; ++w) std::this_thread::sleep_for(100us);
        REQUIRE(!mgr.readers()[0].connected);
        mgr.rescan();  // the link points to a closed fd now: closed, and reopening fails
    }
    mgr.rescan();
    CHECK(posted.size() == static_cast<std::size_t>(kCycles));
    auto badges = posted.badges();
    // Typed: the machine's id, never its name.
    CHECK(badges.front() == std::pair<std::string, std::string>{"100000", "machine:4"});
    CHECK(badges.back() == std::pair<std::string, std::string>{std::to_string(100000 + kCycles - 1), "machine:4"});
    CHECK(count_entries("/proc/self/fd") == fds_before);
    CHECK(count_entries("/proc/self/task") == threads_before);
}

TEST_CASE("evdev: a missing device node is a clear problem, and no thread is left") {
    EvdevTransport t("/dev/input/event-etabli-none");
    core::ReaderConfig cfg;
    BadgeReader r(cfg, [](app::Command) {});
    auto res = t.open(r);
    REQUIRE(!res);
    CHECK(res.error().msgid == "Badge reader {0} is not plugged in");
}

// A device thread's exception is caught at its entry, logged, and the part starts again.
#include <etabli/hw/guarded.hpp>

TEST_CASE("a device thread that throws is restarted, and stops when its part stops") {
    std::atomic<int> runs{0};
    std::atomic<bool> stopping{false};
    std::thread t([&] {
        etabli::hw::run_guarded("a test part", [&] {
            if (++runs < 3) throw std::runtime_error("a bad frame");
        }, [&] { return stopping.load(); }, std::chrono::milliseconds(5));
    });
    t.join();
    CHECK(runs == 3);  // twice restarted, then returned normally

    runs = 0;
    std::thread u([&] {
        etabli::hw::run_guarded("a test part", [&] {
            ++runs;
            throw 42;  // not even an exception class
        }, [&] { return stopping.load(); }, std::chrono::milliseconds(5));
    });
    while (runs < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stopping = true;
    u.join();  // returns once the part stops
    CHECK(runs >= 2);
}
