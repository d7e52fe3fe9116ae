// The evdev path of a badge reader on a umockdev-emulated /dev/input/eventN: the real
// EvdevTransport opens the node, grabs it with EVIOCGRAB (answered by an ioctl handler written
// with umockdev's C API, which also records that the grab was asked) and a badge's key events,
// written on the emulated device's other end, reach the Station as BadgeSeen. Runs under
// `umockdev-wrapper` (its preload fakes /sys and /dev); outside it the case says so and passes.
// Layer: hw tests (app label). The test thread feeds the device; the transport reads on its own.
#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/readers.hpp>

#include <doctest/doctest.h>
#include <umockdev.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <linux/input.h>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace etabli;
using namespace std::chrono;

namespace {

// A keyboard-wedge reader as the kernel's evdev shows it.
constexpr const char* kDevice =
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/0003:FFFF:0035.0001/input/input7/event7\n"
    "N: input/event7\n"
    "E: DEVNAME=/dev/input/event7\n"
    "E: SUBSYSTEM=input\n"
    "E: MAJOR=13\n"
    "E: MINOR=71\n"
    "E: ID_INPUT=1\n"
    "E: ID_INPUT_KEYBOARD=1\n"
    "A: dev=13:71\n";

std::atomic<int> g_grabs{0};

gboolean on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer) {
    if (umockdev_ioctl_client_get_request(client) == EVIOCGRAB) {
        ++g_grabs;
        umockdev_ioctl_client_complete(client, 0, 0);
        return TRUE;
    }
    return FALSE;  // anything else: umockdev's default (not supported)
}

void write_badge(int fd, const std::string& digits) {
    std::vector<input_event> evs;
    auto key = [&](std::uint16_t code) {
        for (int v : {1, 0}) {
            input_event e{};
            e.type = EV_KEY;
            e.code = code;
            e.value = v;
            evs.push_back(e);
            input_event syn{};
            syn.type = EV_SYN;
            evs.push_back(syn);
        }
    };
    for (char c : digits) key(static_cast<std::uint16_t>(c == '0' ? KEY_0 : KEY_1 + (c - '1')));
    key(KEY_ENTER);
    const auto* p = reinterpret_cast<const char*>(evs.data());
    std::size_t left = evs.size() * sizeof(input_event);
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        REQUIRE(n > 0);
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace

TEST_CASE("umockdev evdev: the real EvdevTransport grabs an emulated event node and reads a badge") {
    // The testbed sets the environment the preload reads: ask only once it exists.
    UMockdevTestbed* tb = umockdev_testbed_new();
    if (!umockdev_in_mock_environment()) {
        g_object_unref(tb);
        MESSAGE("not under umockdev-wrapper: skipped");
        return;
    }
    GError* err = nullptr;
    REQUIRE_MESSAGE(umockdev_testbed_add_from_string(tb, kDevice, &err), (err ? err->message : ""));
    UMockdevIoctlBase* handler = umockdev_ioctl_base_new();
    g_signal_connect(handler, "handle-ioctl", G_CALLBACK(on_ioctl), nullptr);
    REQUIRE_MESSAGE(umockdev_testbed_attach_ioctl(tb, "/dev/input/event7", handler, &err), (err ? err->message : ""));
    const int dev = umockdev_testbed_get_dev_fd(tb, "/dev/input/event7");
    REQUIRE(dev >= 0);

    std::mutex m;
    std::vector<app::BadgeSeen> seen;
    core::ReaderConfig cfg;
    cfg.role = core::ReaderRole{core::ReaderRole::Kind::machine, "Découpe laser", std::nullopt};
    cfg.driver = core::ReaderDriver::evdev;
    cfg.device = "/dev/input/event7";
    cfg.profile = core::BadgeFormat::raw;
    hw::BadgeReader reader(cfg, [&](app::Command c) {
        std::lock_guard lk(m);
        if (auto* b = std::get_if<app::BadgeSeen>(&c)) seen.push_back(*b);
    });
    {
        hw::EvdevTransport t(cfg.device);  // grab on, as in the station
        reader.on_open(t.describe());
        auto opened = t.open(reader);
        REQUIRE_MESSAGE(opened.has_value(), (opened ? "" : opened.error().english()));
        CHECK(g_grabs.load() == 1);
        write_badge(dev, "0012345678");
        for (int i = 0; i < 300; ++i) {
            {
                std::lock_guard lk(m);
                if (!seen.empty()) break;
            }
            std::this_thread::sleep_for(10ms);
        }
        t.close();
    }
    {
        std::lock_guard lk(m);
        REQUIRE(seen.size() == 1);
        CHECK(seen[0].uid == "0012345678");
        // Not resolved against a station (no machine of that name): bound to nothing.
        CHECK(seen[0].reader.kind() == app::ReaderRef::Kind::unbound);
        CHECK(seen[0].reader.name() == "machine:Découpe laser");
    }
    CHECK(reader.status().taps == 1);
    umockdev_testbed_detach_ioctl(tb, "/dev/input/event7", nullptr);
    g_object_unref(handler);
    g_object_unref(tb);
}
