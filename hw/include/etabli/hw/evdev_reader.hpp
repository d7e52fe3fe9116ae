// The evdev path of a badge reader: /dev/input/eventN (or its /dev/input/by-id link), taken
// for the station alone with EVIOCGRAB so a badge never types into the kiosk, read on a thread
// of its own. The alternative to libusb for readers the kernel already drives.
// Layer: hw (driver part). open()/close() from the device manager's thread; the sink is called
// on this transport's own thread.
#pragma once

#include <etabli/hw/readers.hpp>

#include <string>
#include <thread>

namespace etabli::hw {

struct EvdevOptions {
    // Tests read events from a pipe, which cannot be grabbed; a station always grabs.
    bool grab = true;
};

class EvdevTransport final : public ReaderTransport {
public:
    explicit EvdevTransport(std::string path, EvdevOptions opts = {}) : m_path(std::move(path)), m_opts(opts) {}
    ~EvdevTransport() override { close(); }
    EvdevTransport(const EvdevTransport&) = delete;
    EvdevTransport& operator=(const EvdevTransport&) = delete;

    std::expected<void, core::Problem> open(ReportSink& sink) override;
    void close() override;
    std::string describe() const override { return m_path; }

private:
    void run(ReportSink& sink);

    std::string m_path;
    EvdevOptions m_opts;
    int m_fd = -1;
    int m_stop = -1;  // eventfd: close() wakes the thread's poll
    std::thread m_thread;
};

// The message for an errno from opening a device node (permission: the udev rule).
core::Problem device_open_problem(const std::string& what, int err);

}  // namespace etabli::hw
