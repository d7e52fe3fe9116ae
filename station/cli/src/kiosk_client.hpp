// `etabli kiosk --connect`: the kiosk as a client of the station service. A
// RemoteStation gives the kiosk's runner what an embedded Station gives it (the latest
// snapshot, posting a command with a request id, a wake-up hook) over the kiosk stream of
// the API (kiosk_wire.hpp). Killing the kiosk leaves the station, its sessions, leases and
// timers running; a new kiosk shows them at its first snapshot.
// Layer: cli. snapshot()/post_async() from the GUI thread; one reader thread of its own.
#pragma once

#include "kiosk_wire.hpp"

#include <etabli/core/i18n.hpp>

#include <atomic>
#include <deque>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <map>
#include <optional>
#include <chrono>
#include <string>
#include <thread>

namespace etabli::cli {

class RemoteStation {
public:
    explicit RemoteStation(std::filesystem::path socket);
    ~RemoteStation();
    RemoteStation(const RemoteStation&) = delete;
    RemoteStation& operator=(const RemoteStation&) = delete;

    // Connects, switches to the kiosk stream and waits for the first snapshot (at most
    // `timeout`); then a thread reads what the station sends and reconnects when it goes.
    static constexpr std::chrono::seconds kReplyTimeout{15};

    std::expected<void, std::string> start(std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // The latest snapshot, with the next reply not yet shown as its last_reply: two replies
    // that arrive between two frames are shown one frame after the other, none lost. While
    // the station does not answer, the last one seen, saying so (storage_problem).
    std::shared_ptr<const app::Snapshot> snapshot();
    // Sends a command; its reply comes back in a later snapshot's last_reply. Without a
    // connection, the reply says at once that the station does not answer; a reply that does
    // not come within kReplyTimeout is given as a failure, so no screen waits for ever.
    void post_async(app::Command c, std::uint64_t request_id);
    void set_wake(std::function<void()> wake);
    bool connected() const { return m_connected.load(); }

private:
    std::expected<void, std::string> open(std::chrono::milliseconds timeout);  // connect, hello, switch
    void run();
    bool read_frames();  // false: the connection is gone
    void lost(const std::string& why);
    void wake();

    std::filesystem::path m_socket;
    std::mutex m_write;  // one frame at a time on the socket
    mutable std::mutex m_mutex;
    int m_fd = -1;
    std::string m_buf;
    wire::SnapshotDecoder m_decoder;
    std::shared_ptr<const app::Snapshot> m_latest;     // as the station sent it
    std::shared_ptr<const app::Snapshot> m_view;       // what snapshot() returns
    bool m_dirty = true;
    std::deque<app::Reply> m_replies;                  // not yet shown
    std::optional<app::Reply> m_shown;
    std::map<std::uint64_t, std::chrono::steady_clock::time_point> m_pending;  // sent, not answered: since when
    std::function<void()> m_wake;
    std::atomic<bool> m_connected{false};
    std::atomic<bool> m_stopping{false};
    int m_stop_pipe[2] = {-1, -1};
    std::thread m_thread;
};

}  // namespace etabli::cli
