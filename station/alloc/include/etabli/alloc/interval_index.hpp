// The allocation core's interval index: entries that hold a span of time, kept in
// (start, id) order. The machines' and members' booking indexes of the engine use it with
// minutes; the tool library's reservations use it with days. Layer: alloc (pure, no I/O).
// Thread: whichever owns the structure (the station thread).
//
// An `Entry` has `start` and `end` (any std::chrono time_point, the same type), an `id`,
// and an `operator<` ordering by (start, id).
//
// The entries live in a short list of sorted chunks of at most kChunk entries. A search
// looks up the chunks' last entries, then one chunk: a few cache lines, where a node-based
// set chases a pointer per level. An insert moves at most one chunk's tail, where one flat
// array would move months of bookings.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace etabli::alloc {

namespace detail {
// The partition point of `pred` (true on a prefix) in `v`, sorted by start, for a key starting
// at `t`. Bookings spread evenly enough in time that the position interpolated from the starts
// lands on or next to the answer: one or two cache lines, where a binary search over a chunk
// touches six (the conflict check's search was a fifth of a booking decision, measured). A
// guess that lands far off (a booking years ahead) ends in a binary search of the rest.
// `lo` and `hi` bound the starts in `v` (only the guess depends on them): the caller passes
// them from the chunk's neighbours, which saves two cache misses on the chunk.
template <class E, class T, class Pred>
std::size_t find_partition(const std::vector<E>& v, T t, T lo, T hi, Pred pred) {
    const std::size_t n = v.size();
    if (n < 4) return static_cast<std::size_t>(std::partition_point(v.begin(), v.end(), pred) - v.begin());
    std::size_t i = 0;
    if (t >= hi) i = n - 1;
    else if (t > lo && hi > lo) {
        // In floating point: a difference of two extreme instants overflows 64 bits.
        auto d = [](T x) { return static_cast<double>(x.time_since_epoch().count()); };
        i = static_cast<std::size_t>((d(t) - d(lo)) / (d(hi) - d(lo)) * static_cast<double>(n - 1));
    }
    i = std::min(i, n - 1);
    constexpr int kSteps = 4;
    if (pred(v[i])) {
        for (int k = 0; k < kSteps; ++k)
            if (++i == n || !pred(v[i])) return i;
        return static_cast<std::size_t>(std::partition_point(v.begin() + static_cast<std::ptrdiff_t>(i), v.end(), pred) -
                                        v.begin());
    }
    for (int k = 0; k < kSteps; ++k) {
        if (i == 0 || pred(v[i - 1])) return i;
        --i;
    }
    return static_cast<std::size_t>(std::partition_point(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), pred) -
                                    v.begin());
}
}  // namespace detail

template <class Entry>
class IntervalIndex {
public:
    using Time = decltype(Entry::start);

    class const_iterator {
    public:
        using iterator_category = std::bidirectional_iterator_tag;
        using value_type = Entry;
        using difference_type = std::ptrdiff_t;
        using pointer = const Entry*;
        using reference = const Entry&;
        const_iterator() = default;
        reference operator*() const { return (*m_chunks)[m_c][m_i]; }
        pointer operator->() const { return &(*m_chunks)[m_c][m_i]; }
        const_iterator& operator++() {
            if (++m_i == (*m_chunks)[m_c].size()) {
                ++m_c;
                m_i = 0;
            }
            return *this;
        }
        const_iterator& operator--() {
            if (m_i == 0) m_i = (*m_chunks)[--m_c].size();
            --m_i;
            return *this;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) {
            return a.m_c == b.m_c && a.m_i == b.m_i;
        }

    private:
        friend class IntervalIndex;
        const_iterator(const std::vector<std::vector<Entry>>* chunks, std::size_t c, std::size_t i)
            : m_chunks(chunks), m_c(c), m_i(i) {}
        const std::vector<std::vector<Entry>>* m_chunks = nullptr;
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
            m_chunks.push_back({h});
            m_last.push_back(h);
            return;
        }
        std::size_t c = 0;
        std::size_t i = find(h.start, [&](const Entry& l) { return l < h; }, c);
        if (c == m_chunks.size()) {  // after every entry: the last chunk grows
            --c;
            i = m_chunks[c].size();
        }
        auto& ch = m_chunks[c];
        ch.insert(ch.begin() + static_cast<std::ptrdiff_t>(i), h);
        m_last[c] = ch.back();
        if (ch.size() <= kChunk) return;
        std::vector<Entry> upper(ch.begin() + static_cast<std::ptrdiff_t>(kChunk / 2), ch.end());
        ch.resize(kChunk / 2);
        m_last[c] = ch.back();
        const auto at = static_cast<std::ptrdiff_t>(c + 1);
        m_last.insert(m_last.begin() + at, upper.back());
        m_chunks.insert(m_chunks.begin() + at, std::move(upper));
    }
    // By (start, id); nothing when absent.
    void erase(const Entry& key) {
        const auto it = lower_bound(key);
        if (it == end() || it->start != key.start || it->id != key.id) return;
        auto& ch = m_chunks[it.m_c];
        ch.erase(ch.begin() + static_cast<std::ptrdiff_t>(it.m_i));
        const auto at = static_cast<std::ptrdiff_t>(it.m_c);
        if (ch.empty()) {
            m_chunks.erase(m_chunks.begin() + at);
            m_last.erase(m_last.begin() + at);
        } else {
            m_last[it.m_c] = ch.back();
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
            m_chunks.emplace_back(from, to);
            m_last.push_back(m_chunks.back().back());
        }
    }

private:
    // The chunk c and the position in it of the partition point of pred (true on a prefix).
    template <class Pred>
    std::size_t find(Time t, Pred pred, std::size_t& c) const {
        c = m_last.empty() ? 0 : detail::find_partition(m_last, t, m_last.front().start, m_last.back().start, pred);
        if (c == m_chunks.size()) return 0;
        const auto& ch = m_chunks[c];
        return detail::find_partition(ch, t, c > 0 ? m_last[c - 1].start : ch.front().start, m_last[c].start, pred);
    }

    static constexpr std::size_t kChunk = 64;
    std::vector<std::vector<Entry>> m_chunks;  // in order, each sorted, never empty
    std::vector<Entry> m_last;                 // m_chunks[c].back(), searched without touching the chunks
};

}  // namespace etabli::alloc
