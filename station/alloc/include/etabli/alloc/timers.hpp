// Deadlines: the timer structure the Station sleeps on. Each named deadline is at most
// once in the queue; the Station asks for the earliest one, sleeps until it or the next
// command, then takes the due ones. Layer: alloc (pure: time is an argument).
// Not thread-safe: owned by the station thread. Bookings, leases and offers add
// their deadlines here.
#pragma once

#include <etabli/core/time.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
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
    // The name of the deadline next() gives (none when empty): to order it against another
    // family's deadline at the same time (see NumberedDeadlines).
    const std::string* next_key() const { return m_heap.empty() ? nullptr : &m_heap.front().key; }

private:
    // A binary heap of (time, key) with lazy deletion, and the live deadline of each key. A
    // queue may hold tens of thousands of deadlines (NumberedDeadlines, below, holds the
    // engine's per-booking ones the same way, without strings): a heap push is a few
    // moves near the bottom of one array where an ordered set of strings walks and compares
    // down a tree. Cancelling or moving a deadline only updates the map; the heap entry it
    // leaves behind is stale (its generation no longer matches) and is dropped when it comes
    // to the top, or when stale entries outnumber live ones.
    struct Live {
        core::Timestamp at;
        std::uint64_t gen;
    };
    struct Entry {
        core::Timestamp at;
        std::uint64_t gen;
        std::string key;
    };
    // Heap order: the earliest at the top; ties by the smaller key.
    static bool later(const Entry& a, const Entry& b) { return a.at > b.at || (a.at == b.at && a.key > b.key); }
    bool stale(const Entry& e) const;
    void drop_stale_top();  // keeps the top live, so next() can stay const
    void compact();

    std::unordered_map<std::string, Live> m_by_key;
    std::vector<Entry> m_heap;
    std::uint64_t m_gen = 0;
};

// One family of deadlines named "<family>:<n>" (n >= 0), kept by number: the engine arms a
// no-show release for every booked booking, and building, hashing and storing a string for
// each was an eighth of a booking decision (measured). Same contract as Deadlines, and the
// same order: by time, then by the name as text ("noshow:10" before "noshow:9"), so that a
// caller taking from this and a Deadlines in name order takes them as one Deadlines would.
class NumberedDeadlines {
public:
    void schedule(std::int64_t n, core::Timestamp at);
    void cancel(std::int64_t n);
    // The earliest (time, number), none when empty.
    std::optional<std::pair<core::Timestamp, std::int64_t>> next() const;
    std::optional<core::Timestamp> when(std::int64_t n) const;
    // Removes and returns the earliest if it is due at `now` (deadline <= now).
    std::optional<std::pair<core::Timestamp, std::int64_t>> take_next(core::Timestamp now);
    std::size_t size() const { return m_by_n.size(); }
    // Room for n deadlines, the table by number kept at most `fill` full (see the engine's
    // constructor for why sparse).
    void reserve(std::size_t n, float fill);
    // a < b as decimal text ("10" < "9"), for non-negative numbers.
    static bool text_less(std::int64_t a, std::int64_t b);

private:
    // As in Deadlines: lazy deletion, the live deadline of each number in a map. Only the
    // deadlines up to m_horizon are in the heap; later ones wait in m_far, in no order, and
    // move to the heap a day's worth at a time when it runs out (refill). Bookings are made
    // days ahead: a push into a heap of every booked booking's deadline read a few entries
    // scattered over a megabyte (a tenth of an accepted booking's time, measured), where an
    // append to m_far writes next to the previous one; each deadline moves to the heap once,
    // with its day's others, into a heap of a day's deadlines.
    // Invariant: every entry of m_heap is at or before m_horizon, every entry of m_far after
    // it; the heap's top is live, and the heap is empty only when nothing live is in m_far.
    struct Live {
        core::Timestamp at;
        std::uint64_t gen;
    };
    struct Entry {
        core::Timestamp at;
        std::uint64_t gen;
        std::int64_t n;
    };
    static bool later(const Entry& a, const Entry& b) {
        return a.at > b.at || (a.at == b.at && text_less(b.n, a.n));
    }
    bool stale(const Entry& e) const;
    void settle();  // restores the invariant's last clause (drops stale tops, refills)
    void refill();  // the heap is empty: moves the earliest day of m_far into it
    void drop_stale(std::vector<Entry>& v);
    void compact_if_stale();  // drops the stale entries once they outnumber the live ones

    std::unordered_map<std::int64_t, Live> m_by_n;
    std::vector<Entry> m_heap;
    std::vector<Entry> m_far;
    core::Timestamp m_horizon = core::Timestamp::min();
    std::uint64_t m_gen = 0;
};

}  // namespace etabli::alloc
