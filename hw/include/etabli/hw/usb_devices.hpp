// The device manager: keeps every configured reader bound to the device that matches it,
// opening it when it is plugged (or when its evdev node appears), closing it when it goes,
// reopening it on replug. Devices that match no reader are never opened.
// Layer: hw (driver part). rescan() runs on the manager's own thread after start() (or on the
// caller's thread in tests); notify() from any thread (hotplug callbacks); readers() from any.
#pragma once

#include <etabli/hw/device_registry.hpp>
#include <etabli/hw/readers.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace etabli::hw {

class DeviceManager {
public:
    // Where devices come from: the UsbContext in the station, scripts in tests.
    struct Sources {
        std::function<std::vector<UsbDeviceInfo>()> enumerate;  // empty: no USB (evdev readers only)
        // A transport for reader `config` on `device` (nullptr device: evdev, by config.device).
        std::function<std::unique_ptr<ReaderTransport>(const core::ReaderConfig& config, const UsbDeviceInfo* device)> transport;
    };

    DeviceManager(core::Config config, Sources sources, BadgeReader::Post post, BadgeReader::Log log = {});
    ~DeviceManager();  // stop(), then every transport closed
    DeviceManager(const DeviceManager&) = delete;
    DeviceManager& operator=(const DeviceManager&) = delete;

    // One pass: enumerate, close what went away (or reported itself gone), open what came.
    void rescan();
    // A thread that rescans at once, on every notify(), and every `period`.
    void start(std::chrono::milliseconds period = std::chrono::seconds{2});
    void notify();
    void stop();

    std::vector<ReaderStatus> readers() const;
    std::vector<UsbDeviceInfo> plugged() const;  // as of the last rescan

    // The readers as the kiosk's device panel shows them; last taps in wall-clock time.
    std::vector<app::ReaderView> views() const;

private:
    struct Slot {
        std::unique_ptr<BadgeReader> reader;
        std::unique_ptr<ReaderTransport> transport;  // open when non-null
        std::string device_key;                      // libusb: the bound device
        std::string last_problem;                    // logged once until it changes
    };
    void open_slot(Slot& s, const UsbDeviceInfo* device);
    void close_slot(Slot& s);
    // After a rescan: posts app::DevicesChanged when a reader connected, went, read a line or
    // failed since the last one posted (taps show within one rescan period).
    void post_changes();

    core::Config m_config;
    Sources m_sources;
    BadgeReader::Log m_log;
    BadgeReader::Post m_post;
    std::string m_posted;  // what the last DevicesChanged said, as a comparable key; rescan thread only
    std::vector<Slot> m_slots;  // one per configured reader; rescan thread only

    mutable std::mutex m_mutex;  // m_plugged, m_wake, m_stopping
    std::condition_variable m_cv;
    std::vector<UsbDeviceInfo> m_plugged;
    bool m_wake = false, m_stopping = false;
    std::mutex m_rescan_mutex;  // one rescan at a time (tests may call it beside the thread)
    std::thread m_thread;
};

}  // namespace etabli::hw
