// A host-built controller (etabli_fw_host, real clock) behind a real pseudo-terminal, run by a
// thread of the test: the station opens `path()` exactly as it opens /dev/ttyUSB0.
// Layer: tests (firmware on host). Every accessor takes the lock the firmware thread holds.
#pragma once

#include <etabli/hw/serial_port.hpp>

#include <fw_host.h>

#include <array>
#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace etabli::testing {

class PtyController {
public:
    explicit PtyController(std::uint8_t channels = 2, std::uint32_t seed = 0) {
        auto p = hw::open_pty();
        if (!p) throw std::runtime_error(p.error().english());
        m_pty = std::move(*p);
        // Held open so the master never reads EIO while the station reopens its side.
        m_slave.reset(::open(m_pty.slave_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
        fw_host_options opt{};
        opt.fd = m_pty.master.get();
        opt.channels = channels;
        m_channels = channels;
        opt.fake_clock = 0;
        opt.seed = seed;
        m_fw = fw_host_create(&opt);
        m_thread = std::thread([this] {
            while (!m_stop) {
                {
                    std::lock_guard lk(m_mutex);
                    (void)fw_host_poll(m_fw);
                    // The relays' openings, seen after every poll (a REVOKE is acknowledged
                    // before the link sends the next command, so a cut between two commands
                    // shows here).
                    for (std::uint8_t ch = 0; ch < m_channels && ch < 8; ++ch) {
                        const bool on = fw_host_relay(m_fw, ch) != 0;
                        if (m_was_on[ch] && !on) ++m_openings[ch];
                        m_was_on[ch] = on;
                    }
                }
                std::this_thread::sleep_for(std::chrono::microseconds{200});
            }
        });
    }
    ~PtyController() {
        m_stop = true;
        m_thread.join();
        fw_host_destroy(m_fw);
    }
    PtyController(const PtyController&) = delete;
    PtyController& operator=(const PtyController&) = delete;

    const std::string& path() const { return m_pty.slave_path; }
    bool relay(std::uint8_t ch) {
        std::lock_guard lk(m_mutex);
        return fw_host_relay(m_fw, ch) != 0;
    }
    // How many times channel `ch`'s relay opened since the controller started.
    int openings(std::uint8_t ch) {
        std::lock_guard lk(m_mutex);
        return ch < 8 ? m_openings[ch] : 0;
    }
    void set_feedback(std::uint8_t ch, bool on) {
        std::lock_guard lk(m_mutex);
        fw_host_set_feedback(m_fw, ch, on ? 1 : 0);
    }
    void set_current(std::uint8_t ch, std::uint16_t ma) {
        std::lock_guard lk(m_mutex);
        fw_host_set_current(m_fw, ch, ma);
    }
    void reset() {
        std::lock_guard lk(m_mutex);
        fw_host_reset(m_fw, ETB_RESET_SOFTWARE);
    }
    std::uint32_t boot_id() {
        std::lock_guard lk(m_mutex);
        return fw_host_boot_id(m_fw);
    }

private:
    hw::PtyPair m_pty;
    hw::Fd m_slave;
    fw_host* m_fw = nullptr;
    std::mutex m_mutex;
    std::uint8_t m_channels = 0;
    std::array<bool, 8> m_was_on{};
    std::array<int, 8> m_openings{};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Polls `pred` every 2 ms for up to `limit`; returns how long it took, or nullopt.
inline std::optional<std::chrono::milliseconds> eventually(const std::function<bool()>& pred,
                                                           std::chrono::milliseconds limit = std::chrono::seconds{5}) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
        if (pred()) return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    if (pred()) return limit;
    return std::nullopt;
}

}  // namespace etabli::testing
