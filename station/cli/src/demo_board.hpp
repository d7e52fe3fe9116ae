// The demo's machine controller, a FAKE: the real firmware logic built for the host
// (etabli_fw_host) behind a pseudo-terminal, run by a thread of the program, so that
// `etabli kiosk --demo` shows relays really switching through the real link code without any
// board plugged in. Nothing here drives hardware; it is started only by --demo and names
// itself "demo board (simulated)" wherever the kiosk lists controllers. Layer: cli.
// Threads: its own thread runs the firmware; the accessors may be called from any thread.
#pragma once

#include <etabli/core/config.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/hw/serial_port.hpp>

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct fw_host;

namespace etabli::cli {

// The demo's channels: 0 free, 1 the laser cutter, 2 the CNC mill (seed_demo's machine names).
inline constexpr const char* kDemoBoardName = core::N_("demo board (simulated)");  // translated where shown
inline constexpr std::uint8_t kDemoBoardChannels = 3;

class DemoBoard {
public:
    static std::expected<std::unique_ptr<DemoBoard>, core::Problem> start();
    ~DemoBoard();  // stops the thread; the station then sees the link go down
    DemoBoard(const DemoBoard&) = delete;
    DemoBoard& operator=(const DemoBoard&) = delete;

    // The pty the station opens, as it opens /dev/ttyUSB0.
    const std::string& path() const { return m_path; }
    // The [[controller]] section the station gets for it.
    core::ControllerConfig config() const;
    bool relay(std::uint8_t channel);
    void set_feedback(std::uint8_t channel, bool on);  // tests: a welded relay

private:
    DemoBoard() = default;
    void run();

    hw::Fd m_master;
    hw::Fd m_slave;  // held open so the master never reads EIO while the station reopens its side
    std::string m_path;
    fw_host* m_fw = nullptr;
    std::mutex m_mutex;  // guards m_fw
    std::atomic<bool> m_stop{false};
    std::thread m_thread;  // last: it stops before the rest goes
};

}  // namespace etabli::cli
