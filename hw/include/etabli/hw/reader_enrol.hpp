// Enrolling a badge reader: listen on every keyboard-like input device without grabbing
// it (nothing is taken from anyone), and the first one on which a badge types digits and Enter
// is the reader. ReaderEnrolWorker is the kiosk's side of app::ReaderEnroller: it captures on a
// thread of its own, identifies the device (USB vendor, product, serial or port), hands the new
// ReaderConfig to `bind` (which writes etabli.toml) and posts ReaderEnrolled to the station.
// Layer: hw (driver part). capture_enrol_line() blocks its caller; the worker's start() and
// cancel() are called on the station thread and return at once (cancel() joins a capture that
// stops within one poll period, 100 ms).
#pragma once

#include <etabli/app/reader_enrol.hpp>
#include <etabli/app/station.hpp>
#include <etabli/core/config.hpp>

#include <atomic>
#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace etabli::hw {

// One device listened to during an enrolment: its node and a descriptor opened read-only and
// non-blocking (never grabbed). The capture closes every descriptor it was given.
struct EnrolCandidate {
    std::string node;  // "/dev/input/event3"
    int fd = -1;
};

// Every /dev/input/event* that can be opened. None at all: a Problem saying what to install
// (the udev rule) — a station that cannot read any input device cannot enrol.
std::expected<std::vector<EnrolCandidate>, core::Problem> open_input_candidates(
    const std::filesystem::path& dir = "/dev/input");

// The USB identity behind an event node, from sysfs (the first ancestor with idVendor): vendor,
// product and the serial number, or the port path when there is no serial. None: not USB.
std::optional<core::DeviceMatch> usb_identity(const std::filesystem::path& event_node,
                                              const std::filesystem::path& sys_class_input = "/sys/class/input");

struct EnrolCaptured {
    std::string node;  // where the badge was typed
    std::string line;  // what it typed
};

// Reads evdev events from every candidate until one types a line of at least 4 characters
// and Enter (the decoder's rules: key positions, new key-downs only, gap, length), `deadline`
// passes ("No badge was read within {0} seconds") or `stop` becomes true (cancelled: the same
// Problem). Closes every candidate's descriptor before returning.
std::expected<EnrolCaptured, core::Problem> capture_enrol_line(std::vector<EnrolCandidate> candidates,
                                                               std::chrono::steady_clock::time_point deadline,
                                                               const std::atomic<bool>& stop);

class ReaderEnrolWorker final : public app::ReaderEnroller {
public:
    struct Hooks {
        // The devices to listen on (default: open_input_candidates()).
        std::function<std::expected<std::vector<EnrolCandidate>, core::Problem>()> candidates;
        // The identity of the device behind a node (default: usb_identity()).
        std::function<std::optional<core::DeviceMatch>(const std::string& node)> identify;
        // Writes the reader into the configuration (and starts it); returns the file written.
        std::function<std::expected<std::string, core::Problem>(const core::ReaderConfig&)> bind;
        // Posts to the station (normally Station::post_async(c, 0)).
        std::function<void(app::Command)> post;
    };
    explicit ReaderEnrolWorker(Hooks hooks);
    ~ReaderEnrolWorker() override;  // cancels and joins
    ReaderEnrolWorker(const ReaderEnrolWorker&) = delete;
    ReaderEnrolWorker& operator=(const ReaderEnrolWorker&) = delete;

    void start(std::uint64_t attempt, const core::ReaderRole& role, std::chrono::seconds timeout) override;
    void cancel() override;
    // cancel(), and every later start() does nothing: for the end of the program, when the
    // station it posts to is about to go.
    void shutdown();

private:
    void run(std::uint64_t attempt, core::ReaderRole role, std::chrono::seconds timeout);

    Hooks m_hooks;
    std::mutex m_mutex;  // m_thread (start/cancel may come from the station thread and the destructor)
    std::atomic<bool> m_stop{false};
    bool m_shutdown = false;  // guarded by m_mutex
    std::thread m_thread;
};

}  // namespace etabli::hw
