// The station's one libusb context: its own event thread, enumeration into UsbDeviceInfo,
// hotplug notification (or, where libusb has no hotplug, as in containers without a udev
// daemon, a poll every 2 s that the caller diffs), and the libusb reader transport: detach the
// kernel driver (auto-detach), claim the boot-keyboard interface, asynchronous interrupt
// transfers, release on close or unplug.
// Layer: hw (driver part). libusb.h is included only in hw/src/usb_*.cpp. enumerate() and
// reader_transport() from any thread; transfer callbacks and hotplug callbacks run on the event
// thread and only hand data on (sink calls, the `changed` notification).
#pragma once

#include <etabli/hw/device_registry.hpp>
#include <etabli/hw/readers.hpp>

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <vector>

namespace etabli::hw {

class UsbContext {
public:
    // Initialises libusb and starts the event thread. Fails when libusb cannot start at all
    // (no /sys, no /dev/bus/usb): the station then runs with evdev readers only.
    static std::expected<std::unique_ptr<UsbContext>, core::Problem> create();
    ~UsbContext();  // stops watching and the event thread; every transport must be closed first
    UsbContext(const UsbContext&) = delete;
    UsbContext& operator=(const UsbContext&) = delete;

    // Every plugged device with its descriptors (a fresh libusb context each call: see the
    // .cpp); serial, names and the node's permission are read from sysfs for the devices
    // `want_strings` accepts. Any thread.
    std::vector<UsbDeviceInfo> enumerate(const std::function<bool(const UsbDeviceInfo&)>& want_strings = {});
    bool hotplug_available() const;

    // `changed` is called (on the event thread, or on a poll thread when hotplug is missing,
    // every `poll`) whenever the plugged set may have changed. It must only note the fact and
    // return. One watcher; a second call replaces it.
    void watch(std::function<void()> changed, std::chrono::milliseconds poll = std::chrono::seconds{2});

    // The libusb path for one device: opens it by port path and address when open() is called.
    std::unique_ptr<ReaderTransport> reader_transport(const UsbDeviceInfo& device);

    struct Impl;

private:
    explicit UsbContext(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace etabli::hw
