// The device registry: what is plugged (USB descriptors, port path) matched against the
// configured readers, so each device gets its role or none. A device that matches nothing is
// never claimed: a real keyboard is never taken away from the kiosk.
// Layer: hw (pure part: descriptors in, decisions out; no libusb here). Any thread.
#pragma once

#include <etabli/core/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::hw {

// One plugged USB device, as enumeration saw it.
struct UsbDeviceInfo {
    std::uint16_t vendor = 0, product = 0;
    std::uint8_t bus = 0, address = 0;
    std::string port_path;     // "1-1.3": bus, then each hub port; stable across replugs in one port
    std::string serial;        // iSerialNumber, empty when none or unreadable
    std::string name;          // iManufacturer + iProduct, for people
    std::vector<std::uint8_t> interface_classes;
    int boot_keyboard_interface = -1;   // HID boot keyboard (class 3/1/1), -1 when none
    std::uint8_t boot_keyboard_endpoint = 0;  // its interrupt IN endpoint address
    bool strings_denied = false;        // its device node is not ours to open: the udev rule is missing

    // "ffff:0035"
    std::string id() const;
    // Identity for diffs between two enumerations: a replug in the same port is a new device
    // (new address), so its reader is reopened.
    std::string key() const { return port_path + "#" + std::to_string(address) + "#" + id(); }
};

// True when every field `m` gives equals the device's (interface_class: any interface).
// A match that gives no field matches nothing.
bool matches(const core::DeviceMatch& m, const UsbDeviceInfo& d);

// The first libusb reader of `config` that `d` matches (index into config.readers).
std::optional<std::size_t> match_reader(const core::Config& config, const UsbDeviceInfo& d);

struct DeviceDiff {
    std::vector<UsbDeviceInfo> added;
    std::vector<UsbDeviceInfo> removed;
};
// What changed between two enumerations (by key()).
DeviceDiff diff_devices(const std::vector<UsbDeviceInfo>& before, const std::vector<UsbDeviceInfo>& after);

}  // namespace etabli::hw
