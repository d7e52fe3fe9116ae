// A service thread that looks at something on the clock: `once` runs at start, then every
// `every` or as soon as nudged, until the object is destroyed (which waits for the `once`
// under way: its owner cancels a long one first). An exception escaping `once` is logged and
// the thread goes on (hw::run_guarded). Used by the nightly backups (backup_cmds.hpp) and the
// e-mails (mail_cmds.hpp). Layer: cli. Any thread.
#pragma once

#include <etabli/hw/guarded.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace etabli::cli {

class Periodic {
public:
    Periodic(const char* part, std::chrono::milliseconds every, std::function<void()> once)
        : m_every(every), m_once(std::move(once)) {
        m_thread = std::thread([this, part] {
            hw::run_guarded(part, [this] { run(); }, [this] {
                std::lock_guard lk(m_mutex);
                return m_stop;
            });
        });
    }
    ~Periodic() {
        {
            std::lock_guard lk(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    Periodic(const Periodic&) = delete;
    Periodic& operator=(const Periodic&) = delete;
    // Looks now (after a change the owner knows of; tests).
    void nudge() {
        {
            std::lock_guard lk(m_mutex);
            m_nudged = true;
        }
        m_cv.notify_all();
    }

private:
    void run() {
        std::unique_lock lk(m_mutex);
        while (!m_stop) {
            m_nudged = false;
            lk.unlock();
            m_once();
            lk.lock();
            m_cv.wait_for(lk, m_every, [this] { return m_stop || m_nudged; });
        }
    }
    std::chrono::milliseconds m_every;
    std::function<void()> m_once;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false, m_nudged = false;
    std::thread m_thread;  // last: started once the rest is ready
};

}  // namespace etabli::cli
