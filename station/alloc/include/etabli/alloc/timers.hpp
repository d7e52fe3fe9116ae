// Deadlines: the timer structure the Station sleeps on. Each named deadline is at most
// once in the queue; the Station asks for the earliest one, sleeps until it or the next
// command, then takes the due ones. Layer: alloc (pure: time is an argument).
// Not thread-safe: owned by the station thread. Bookings, leases and offers (#3) add
// their deadlines here.
#pragma once

#include <etabli/core/time.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace etabli::alloc {

class Deadlines {
public:
    // Sets (or moves) the deadline named `key`.
    void schedule(const std::string& key, core::Timestamp at);
    // Forgets it; nothing happens when it is not scheduled.
    void cancel(const std::string& key);
    std::optional<core::Timestamp> next() const;
    std::optional<core::Timestamp> when(const std::string& key) const;
    // Removes and returns the keys due at `now` (deadline <= now), earliest first.
    std::vector<std::string> take_due(core::Timestamp now);
    // Removes and returns the one earliest deadline if it is due at `now` (ties: smallest
    // key), so that a caller may schedule new ones between two due deadlines and still
    // take them in time order.
    std::optional<std::pair<core::Timestamp, std::string>> take_next(core::Timestamp now);
    std::size_t size() const { return m_by_key.size(); }

private:
    std::map<std::string, core::Timestamp> m_by_key;
    std::set<std::pair<core::Timestamp, std::string>> m_by_time;
};

}  // namespace etabli::alloc
