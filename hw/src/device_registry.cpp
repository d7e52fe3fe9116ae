// Matching plugged devices to configured roles (see device_registry.hpp). Layer: hw, pure.
#include <etabli/hw/device_registry.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

namespace etabli::hw {

std::string UsbDeviceInfo::id() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x:%04x", static_cast<unsigned>(vendor), static_cast<unsigned>(product));
    return buf;
}

bool matches(const core::DeviceMatch& m, const UsbDeviceInfo& d) {
    if (m == core::DeviceMatch{}) return false;
    if (m.vendor && *m.vendor != d.vendor) return false;
    if (m.product && *m.product != d.product) return false;
    if (m.serial && *m.serial != d.serial) return false;
    if (m.port && *m.port != d.port_path) return false;
    if (m.interface_class &&
        std::find(d.interface_classes.begin(), d.interface_classes.end(), *m.interface_class) == d.interface_classes.end())
        return false;
    return true;
}

std::optional<std::size_t> match_reader(const core::Config& config, const UsbDeviceInfo& d) {
    for (std::size_t i = 0; i < config.readers.size(); ++i) {
        const auto& r = config.readers[i];
        if (r.driver == core::ReaderDriver::libusb && matches(r.match, d)) return i;
    }
    return std::nullopt;
}

DeviceDiff diff_devices(const std::vector<UsbDeviceInfo>& before, const std::vector<UsbDeviceInfo>& after) {
    std::set<std::string> old_keys, new_keys;
    for (const auto& d : before) old_keys.insert(d.key());
    for (const auto& d : after) new_keys.insert(d.key());
    DeviceDiff diff;
    for (const auto& d : after)
        if (!old_keys.contains(d.key())) diff.added.push_back(d);
    for (const auto& d : before)
        if (!new_keys.contains(d.key())) diff.removed.push_back(d);
    return diff;
}

}  // namespace etabli::hw
