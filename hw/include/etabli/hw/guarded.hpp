// An exception escaping a device thread (a reader, a controller link, USB events, the
// device scan, an enrolment capture) is caught at the thread's entry, logged on one line, and
// that part starts again after a pause: never a silent death, never std::terminate taking the
// station down. Layer: hw. Any thread.
#pragma once

#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

namespace etabli::hw {

// Runs `body()` on the calling thread until it returns; when it throws, logs `part` and the
// reason and runs it again after `pause`, unless `stopping()` says the part is going away.
template <class Body, class Stopping>
void run_guarded(const char* part, Body&& body, Stopping&& stopping,
                 std::chrono::milliseconds pause = std::chrono::milliseconds(500)) {
    for (;;) {
        try {
            body();
            return;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "etabli: error: %s failed, restarting it: %s\n", part, e.what());
        } catch (...) {
            std::fprintf(stderr, "etabli: error: %s failed, restarting it\n", part);
        }
        const auto until = std::chrono::steady_clock::now() + pause;
        while (std::chrono::steady_clock::now() < until) {
            if (stopping()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (stopping()) return;
    }
}

}  // namespace etabli::hw
