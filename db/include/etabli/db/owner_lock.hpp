// One owner per database: an advisory lock (an open-file-description fcntl lock) on
// "<database>.lock" (0600), held for the owning process's life and taken before any write. The
// kernel drops it when the process dies, however it dies, so a stale lock never blocks a
// restart; it is tested without being taken, so a reader never gets in the way. Who holds it
// (pid, role, API socket) is written in the lock file and in "<database>.station" (0644, for
// other local users), so that a second program can name the holder or reach it.
// Layer: db. Any thread.
#pragma once

#include <etabli/core/problem.hpp>

#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <variant>
#include <string>
#include <sys/types.h>

namespace etabli::db {

struct LockHolder {
    pid_t pid = 0;
    std::string role;    // "serve", "kiosk", or a command ("book", "member add"…)
    std::string socket;  // the station's API socket; empty for a command
};

class OwnerLock {
public:
    OwnerLock() = default;
    OwnerLock(OwnerLock&& o) noexcept;
    OwnerLock& operator=(OwnerLock&& o) noexcept;
    OwnerLock(const OwnerLock&) = delete;
    OwnerLock& operator=(const OwnerLock&) = delete;
    ~OwnerLock();

    // The lock file of a database: "<path>.lock" beside it (none for ":memory:").
    static std::filesystem::path lock_path(const std::filesystem::path& db);

    // Takes the lock now or says who holds it. Creates the database's folder when missing.
    // A Problem (kind storage) when the lock file cannot be opened at all.
    struct Busy { LockHolder holder; };
    static std::expected<OwnerLock, std::variant<Busy, core::Problem>> try_take(const std::filesystem::path& db,
                                                                                  const LockHolder& me);
    // Who holds the lock now, if anyone (a lock file nobody holds says nothing).
    static std::optional<LockHolder> holder(const std::filesystem::path& db);

    bool held() const { return m_fd >= 0; }
    // Rewrites what the file says about the holder (e.g. once the socket is bound).
    void describe(const LockHolder& me);
    void release();

private:
    int m_fd = -1;
    std::filesystem::path m_info;  // "<db>.station": who holds it, readable by every local user
};

}  // namespace etabli::db
