// The allocation core's interval index: entries that hold a span of time, kept in
// (start, id) order. The machines' and members' booking indexes of the engine use it with
// minutes; the tool library's reservations use it with days. Layer: alloc (pure, no I/O).
// Thread: whichever owns the structure (the station thread).
//
// An `Entry` has `start` and `end` (any std::chrono time_point, the same type), an `id`,
// and an `operator<` ordering by (start, id).
//
// The entries live in a short list of sorted chunks of at most kChunk entries, each with
// its entries' starts apart. A search looks up the chunks' last starts, then one chunk's
// starts, then reads the entry it lands on: a few cache lines, where a node-based set
// chases a pointer per level. An insert moves at most one chunk's tail, where one flat
// array would move months of bookings.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace etabli::alloc {

namespace detail {
// The first position in `s` (sorted) whose value is not before `t`. Bookings spread evenly
// enough in time that the position interpolated from `lo` and `hi` (bounds of the values:
// the caller passes them from the chunk's neighbours, which saves two cache misses on the
// chunk) lands on or next to the answer: eight values around it, one cache line, are
// compared without a branch, where a walk from the guess branched on each step, either way
// (the conflict check's search was a third of a refused booking's time, profiled; 3% less
// with this). A guess that lands far off (a booking years ahead) ends in a binary search.
template <class T>
std::size_t lower_start(const std::vector<T>& s, T t, T lo, T hi) {
    const std::size_t n = s.size();
    constexpr std::size_t kWindow = 8;
    if (n <= kWindow) {
        std::size_t k = 0;
        for (std::size_t j = 0; j < n; ++j) k += s[j] < t;
        return k;
    }
    std::size_t i = 0;
    if (t >= hi) i = n - 1;
    else if (t > lo && hi > lo) {
        // In floating point: a difference of two extreme instants overflows 64 bits.
        auto d = [](T x) { return static_cast<double>(x.time_since_epoch().count()); };
        i = static_cast<std::size_t>((d(t) - d(lo)) / (d(hi) - d(lo)) * static_cast<double>(n - 1));
    }
    const std::size_t from = std::min(i > kWindow / 2 ? i - kWindow / 2 : 0, n - kWindow);
    std::size_t k = 0;
    for (std::size_t j = 0; j < kWindow; ++j) k += s[from + j] < t;
    // Inside the window unless every value is before t (and more follow) or none is (and
    // some come before).
    if ((k > 0 || from == 0) && (k < kWindow || from + kWindow == n)) return from + k;
    return static_cast<std::size_t>(std::lower_bound(s.begin(), s.end(), t) - s.begin());
}
}  // namespace detail

template <class Entry>
class IntervalIndex {
public:
    using Time = decltype(Entry::start);

private:
    // The entries, and their starts apart: a search reads a line of starts, then the one
    // entry it lands on.
    struct Chunk {
        std::vector<Entry> items;
        std::vector<Time> starts;
    };

public:
    class const_iterator {
    public:
        using iterator_category = std::bidirectional_iterator_tag;
        using value_type = Entry;
        using difference_type = std::ptrdiff_t;
        using pointer = const Entry*;
        using reference = const Entry&;
        const_iterator() = default;
        reference operator*() const { return (*m_chunks)[m_c].items[m_i]; }
        pointer operator->() const { return &(*m_chunks)[m_c].items[m_i]; }
        const_iterator& operator++() {
            if (++m_i == (*m_chunks)[m_c].items.size()) {
                ++m_c;
                m_i = 0;
            }
            return *this;
        }
        const_iterator& operator--() {
            if (m_i == 0) m_i = (*m_chunks)[--m_c].items.size();
            --m_i;
            return *this;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) {
            return a.m_c == b.m_c && a.m_i == b.m_i;
        }

    private:
        friend class IntervalIndex;
        const_iterator(const std::vector<Chunk>* chunks, std::size_t c, std::size_t i)
            : m_chunks(chunks), m_c(c), m_i(i) {}
        const std::vector<Chunk>* m_chunks = nullptr;
        std::size_t m_c = 0, m_i = 0;  // end() is (number of chunks, 0)
    };

    const_iterator begin() const { return {&m_chunks, 0, 0}; }
    const_iterator end() const { return {&m_chunks, m_chunks.size(), 0}; }
    bool empty() const { return m_chunks.empty(); }

    // First entry not before `key` / first entry after `key`, in (start, id) order.
    const_iterator lower_bound(const Entry& key) const {
        std::size_t c = 0;
        const std::size_t i = find(key.start, [&](const Entry& l) { return l < key; }, c);
        if (c == m_chunks.size()) return end();
        return {&m_chunks, c, i};
    }
    const_iterator upper_bound(const Entry& key) const {
        std::size_t c = 0;
        const std::size_t i = find(key.start, [&](const Entry& l) { return !(key < l); }, c);
        if (c == m_chunks.size()) return end();
        return {&m_chunks, c, i};
    }
    // The first entry that starts at or after `t`.
    const_iterator first_from(Time t) const {
        std::size_t c = 0;
        const std::size_t i = find(t, [&](const Entry& l) { return l.start < t; }, c);
        if (c == m_chunks.size()) return end();
        return {&m_chunks, c, i};
    }
    // For an index whose entries never overlap each other (one machine's bookings, one
    // tool's reservations): an entry that overlaps [from, to), or nullptr. Ends are then in
    // start order too, so only the last entry starting before `to` can reach past `from`.
    const Entry* conflict(Time from, Time to) const {
        auto it = first_from(to);
        if (it == begin()) return nullptr;
        --it;
        return it->end > from ? &*it : nullptr;
    }

    void insert(const Entry& h) {
        if (m_chunks.empty()) {
            m_chunks.emplace_back();
            m_chunks.back().items.push_back(h);
            m_chunks.back().starts.push_back(h.start);
            m_last.push_back(h.start);
            return;
        }
        std::size_t c = 0;
        std::size_t i = find(h.start, [&](const Entry& l) { return l < h; }, c);
        if (c == m_chunks.size()) {  // after every entry: the last chunk grows
            --c;
            i = m_chunks[c].items.size();
        }
        Chunk& ch = m_chunks[c];
        ch.items.insert(ch.items.begin() + static_cast<std::ptrdiff_t>(i), h);
        ch.starts.insert(ch.starts.begin() + static_cast<std::ptrdiff_t>(i), h.start);
        m_last[c] = ch.starts.back();
        if (ch.items.size() <= kChunk) return;
        Chunk upper;
        upper.items.assign(ch.items.begin() + static_cast<std::ptrdiff_t>(kChunk / 2), ch.items.end());
        upper.starts.assign(ch.starts.begin() + static_cast<std::ptrdiff_t>(kChunk / 2), ch.starts.end());
        ch.items.resize(kChunk / 2);
        ch.starts.resize(kChunk / 2);
        m_last[c] = ch.starts.back();
        const auto at = static_cast<std::ptrdiff_t>(c + 1);
        m_last.insert(m_last.begin() + at, upper.starts.back());
        m_chunks.insert(m_chunks.begin() + at, std::move(upper));
    }
    // By (start, id); nothing when absent.
    void erase(const Entry& key) {
        const auto it = lower_bound(key);
        if (it == end() || it->start != key.start || it->id != key.id) return;
        Chunk& ch = m_chunks[it.m_c];
        ch.items.erase(ch.items.begin() + static_cast<std::ptrdiff_t>(it.m_i));
        ch.starts.erase(ch.starts.begin() + static_cast<std::ptrdiff_t>(it.m_i));
        const auto at = static_cast<std::ptrdiff_t>(it.m_c);
        if (ch.items.empty()) {
            m_chunks.erase(m_chunks.begin() + at);
            m_last.erase(m_last.begin() + at);
        } else {
            m_last[it.m_c] = ch.starts.back();
        }
    }
    // Bulk load at start: `sorted` in (start, id) order.
    void assign(std::vector<Entry> sorted) {
        m_chunks.clear();
        m_last.clear();
        // Three quarters full: room to insert before the first split.
        constexpr std::size_t fill = kChunk * 3 / 4;
        for (std::size_t i = 0; i < sorted.size(); i += fill) {
            const auto from = sorted.begin() + static_cast<std::ptrdiff_t>(i);
            const auto to = sorted.begin() + static_cast<std::ptrdiff_t>(std::min(sorted.size(), i + fill));
            Chunk& ch = m_chunks.emplace_back();
            ch.items.assign(from, to);
            ch.starts.reserve(ch.items.size());
            for (const Entry& e : ch.items) ch.starts.push_back(e.start);
            m_last.push_back(ch.starts.back());
        }
    }

private:
    // The chunk c and the position in it of the partition point of pred (true on a prefix):
    // pred holds for every entry that starts before t and for none that starts after it, so
    // the search is by start, then over the entries that start at t.
    template <class Pred>
    std::size_t find(Time t, Pred pred, std::size_t& c) const {
        c = m_last.empty() ? 0 : detail::lower_start(m_last, t, m_last.front(), m_last.back());
        while (c < m_chunks.size() && m_last[c] == t && pred(m_chunks[c].items.back())) ++c;
        if (c == m_chunks.size()) return 0;
        const Chunk& ch = m_chunks[c];
        std::size_t i = detail::lower_start(ch.starts, t, c > 0 ? m_last[c - 1] : ch.starts.front(), m_last[c]);
        while (i < ch.items.size() && ch.starts[i] == t && pred(ch.items[i])) ++i;
        return i;
    }

    static constexpr std::size_t kChunk = 64;
    std::vector<Chunk> m_chunks;  // in order, each sorted, never empty
    std::vector<Time> m_last;     // m_chunks[c].starts.back(), searched without touching the chunks
};

}  // namespace etabli::alloc
