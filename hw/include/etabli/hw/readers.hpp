// Badge readers and tag scanners as the station sees them: a transport (libusb interrupt
// reports, evdev events, or a script in tests) feeds a BadgeReader, which decodes key positions
// (HidDecoder), applies the reader's format profile and posts what was read to the Station:
// BadgeSeen{canonical uid, "kiosk" or the machine} for readers, ToolScanned{tag} for scanners.
// Layer: hw. A BadgeReader's sink methods run on its transport's thread (the libusb event
// thread, the evdev thread, a test's thread); status() from any thread.
//
// [SECTION] index
//   ReportSink / ReaderTransport   the seam: open, claim, deliver reports, close
//   BadgeReader                    decode + profile + post; status for `etabli devices`
#pragma once

#include <etabli/app/station.hpp>
#include <etabli/core/config.hpp>
#include <etabli/hw/hid_decoder.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace etabli::hw {

// [SECTION] The seam
// Where a transport delivers what it reads. Called on the transport's own thread, one call at
// a time per sink; must not block (libusb forbids blocking in its callbacks).
class ReportSink {
public:
    virtual ~ReportSink() = default;
    // One HID boot-keyboard interrupt report (libusb path).
    virtual void on_report(std::span<const std::uint8_t> report, ReadTime at) = 0;
    // One evdev input event (evdev path).
    virtual void on_input(std::uint16_t type, std::uint16_t code, std::int32_t value, ReadTime at) = 0;
    // The device went away (unplugged, I/O error) or could not be opened: no call follows
    // until the transport is opened again. `why` is shown to hosts.
    virtual void on_gone(const core::Problem& why) = 0;
};

// One device's way in: open it (and claim it exclusively: detach the kernel driver and claim
// the interface, or EVIOCGRAB), deliver reports to a sink, close it. Driver threads call
// open()/close(); never from inside a sink call. After close() returns no sink call is running
// or will come, every fd and transfer of the open is released, and open() may be called again.
class ReaderTransport {
public:
    virtual ~ReaderTransport() = default;
    // Errors: the device is gone, permission denied (the udev rule is missing), busy
    // (another program holds it). Each is a translated Problem.
    virtual std::expected<void, core::Problem> open(ReportSink& sink) = 0;
    virtual void close() = 0;
    // What it opens, for messages: "usb 1-1.3 ffff:0035" or "/dev/input/event3".
    virtual std::string describe() const = 0;
};

// [SECTION] BadgeReader
// What `etabli devices` and the kiosk's device panel show for one reader.
struct ReaderStatus {
    std::string role;                 // "kiosk", "machine:Laser", "scanner"
    std::string device;               // the transport's describe()
    bool connected = false;
    std::uint64_t taps = 0;           // lines posted
    std::uint64_t dropped = 0;        // lines dropped (see last_problem)
    std::optional<std::string> last_uid;
    std::optional<ReadTime> last_tap;
    std::optional<core::Problem> last_problem;  // last drop, conversion failure or transport error
};

class BadgeReader final : public ReportSink {
public:
    // `post` gets every command to send (normally Station::post_async(c, 0)); `log` every
    // problem worth a log line. Both are called on the transport's thread.
    using Post = std::function<void(app::Command)>;
    using Log = std::function<void(const std::string& reader, const core::Problem&)>;
    BadgeReader(core::ReaderConfig config, Post post, Log log = {});

    void on_report(std::span<const std::uint8_t> report, ReadTime at) override;
    void on_input(std::uint16_t type, std::uint16_t code, std::int32_t value, ReadTime at) override;
    void on_gone(const core::Problem& why) override;
    // The transport is opening: a fresh decoder state (a half line from before is not
    // continued). Called before ReaderTransport::open().
    void on_open(const std::string& device);
    // As on_gone, without the log line (the same failure again, on a retry).
    void note_problem(const core::Problem& why);

    ReaderStatus status() const;
    const core::ReaderConfig& config() const { return m_config; }

private:
    void deliver(std::vector<LineEvent>& lines, ReadTime at);

    core::ReaderConfig m_config;
    app::ReaderRef m_reader;  // what its taps carry: the role, resolved when the configuration was loaded
    Post m_post;
    Log m_log;
    HidDecoder m_decoder;            // transport thread only
    std::vector<LineEvent> m_lines;  // reused: no allocation per report in the steady state
    mutable std::mutex m_mutex;      // guards m_status
    ReaderStatus m_status;
};

}  // namespace etabli::hw
