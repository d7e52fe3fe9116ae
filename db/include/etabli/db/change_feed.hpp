// The change feed of a shared PostgreSQL database (issue 21), heard by one station: its own
// connection LISTENs on etabli_changes (every row another station commits is announced there,
// PostgreSQL 002), in a thread of its own, and says:
//   - changed(): another station committed (its own commits are not counted: they carry its
//     connection's process id). A burst is said once, 20 ms after its first change;
//   - link(false): the connection dropped (a network down, the server stopped); then it
//     tries again every second, and says link(true) and changed() once it is back, so that
//     the station loads everything again (it may have missed any change meanwhile).
// The hooks run on the feed's thread. changed() may wait (bounded) for the station to have
// loaded again: the changes heard meanwhile wait in the connection and are said once after.
// Layer: db. Thread: its own; start and destroy from one thread.
#pragma once

#include <etabli/core/problem.hpp>

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace etabli::db {

class ChangeFeed {
public:
    struct Hooks {
        std::function<void()> changed;
        std::function<void(bool up)> link;
    };
    // `own_pid`: the backend process id of the station's store connection (its own commits),
    // 0 when none. Fails when the first connection cannot be made.
    static std::expected<std::unique_ptr<ChangeFeed>, core::Problem> start(const std::string& url, int own_pid, Hooks hooks);
    ~ChangeFeed();  // stops and joins, within a second
    ChangeFeed(const ChangeFeed&) = delete;
    ChangeFeed& operator=(const ChangeFeed&) = delete;

    // The changes heard (after the filter), for tests and the benchmark.
    std::uint64_t heard() const { return m_heard.load(); }

private:
    ChangeFeed() = default;
    void run(std::string url, int own_pid);
    Hooks m_hooks;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_heard{0};
    std::thread m_thread;
};

}  // namespace etabli::db
