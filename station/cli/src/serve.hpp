// `etabli serve`, the station service, and what the embedded kiosk shares with it: the
// API server beside the Station, systemd's readiness and watchdog. Layer: cli.
#pragma once

#include "api.hpp"
#include "context.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace etabli::cli {

// sd_notify(3) through libsystemd: no-op when not started by systemd (no $NOTIFY_SOCKET).
void notify_systemd(const std::string& state);

// Pings systemd's watchdog while the Station thread goes round its loop: every `interval`/4
// it looks at `progress` (Station::loops()); a ping is sent only when it moved since the last
// ping, so a stuck Station thread stops the pings and systemd restarts the service.
class StationWatchdog {
public:
    StationWatchdog(std::function<std::uint64_t()> progress, std::chrono::microseconds interval,
                    std::function<void(const std::string&)> notify = notify_systemd);
    ~StationWatchdog();
    StationWatchdog(const StationWatchdog&) = delete;
    StationWatchdog& operator=(const StationWatchdog&) = delete;
    // The watchdog interval systemd asked for ($WATCHDOG_USEC, for this process), if any.
    static std::optional<std::chrono::microseconds> requested();

private:
    void run();
    std::function<std::uint64_t()> m_progress;
    std::chrono::microseconds m_interval;
    std::function<void(const std::string&)> m_notify;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_thread;
};

// Starts the API on `socket` for the context's running station, says so in the lock file,
// and sends subscribers every new snapshot. A failure is printed (exit code returned).
// `hooks`: what the service adds to what its API commands may ask of it (restore).
std::expected<std::shared_ptr<ApiServer>, int> start_api(Context& ctx, const std::filesystem::path& socket,
                                                         const std::string& server, const Served& hooks = {});

struct ServeArgs {
    std::string socket;
    bool demo = false;
};
int cmd_serve(Context& ctx, const ServeArgs& args);

}  // namespace etabli::cli
