// SharedList: a sorted sequence kept in small immutable chunks shared between snapshots, so
// that a change to one element copies one chunk (at most 2 * kChunk elements) and a few
// pointers instead of the whole list. Snapshot parts that grow with the workshop (the tool
// inventory, the open loans) use it: a checkout then costs the same with 50 tools or 50,000.
// Layer: app. Edited on the station thread only; a copy (what a snapshot holds) is read-only
// and safe to read from any thread, since chunks are never changed once shared.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

namespace etabli::app {

// Less must be a strict total order on T (two distinct elements never compare equivalent):
// erase() finds an element by equivalence.
template <class T, class Less>
class SharedList {
public:
    static constexpr std::size_t kChunk = 64;
    using Chunk = std::vector<T>;
    using Chunks = std::vector<std::shared_ptr<const Chunk>>;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;
        const_iterator() = default;
        const_iterator(const Chunks* chunks, std::size_t c, std::size_t i) : m_chunks(chunks), m_c(c), m_i(i) {}
        reference operator*() const { return (*(*m_chunks)[m_c])[m_i]; }
        pointer operator->() const { return &**this; }
        const_iterator& operator++() {
            if (++m_i == (*m_chunks)[m_c]->size()) {
                ++m_c;
                m_i = 0;
            }
            return *this;
        }
        const_iterator operator++(int) {
            auto old = *this;
            ++*this;
            return old;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_c == b.m_c && a.m_i == b.m_i; }

    private:
        const Chunks* m_chunks = nullptr;
        std::size_t m_c = 0, m_i = 0;
    };

    SharedList() = default;
    // Elements in the order given: the caller keeps Less's order (views built by hand, in tests).
    SharedList(std::initializer_list<T> items) : SharedList() {
        for (const auto& v : items) push_back(v);
    }

    const_iterator begin() const { return const_iterator(&m_chunks, 0, 0); }
    const_iterator end() const { return const_iterator(&m_chunks, m_chunks.size(), 0); }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const T& front() const { return m_chunks.front()->front(); }
    // O(number of chunks): for tests and the CLI, not for loops over the list.
    const T& operator[](std::size_t i) const {
        assert(i < m_size && "SharedList index out of range");
        for (const auto& c : m_chunks) {
            if (i < c->size()) return (*c)[i];
            i -= c->size();
        }
        return m_chunks.back()->back();
    }

    // [Editing] station thread only.
    void clear() {
        m_chunks.clear();
        m_size = 0;
    }
    // From elements already sorted by Less.
    void assign_sorted(std::vector<T> sorted) {
        clear();
        m_size = sorted.size();
        for (std::size_t i = 0; i < sorted.size(); i += kChunk) {
            const auto last = std::min(sorted.size(), i + kChunk);
            m_chunks.push_back(std::make_shared<const Chunk>(std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(i)),
                                                             std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(last))));
        }
    }
    // Appends at the end: the caller keeps Less's order.
    void push_back(T v) {
        ++m_size;
        if (m_chunks.empty() || m_chunks.back()->size() >= kChunk) {
            m_chunks.push_back(std::make_shared<const Chunk>(Chunk{std::move(v)}));
            return;
        }
        Chunk copy = *m_chunks.back();
        copy.push_back(std::move(v));
        m_chunks.back() = std::make_shared<const Chunk>(std::move(copy));
    }
    void insert(T v) {
        const Less less;
        if (m_chunks.empty()) {
            m_chunks.push_back(std::make_shared<const Chunk>(Chunk{std::move(v)}));
            ++m_size;
            return;
        }
        // The first chunk whose last element is not less than v, else the last chunk.
        auto c = std::partition_point(m_chunks.begin(), m_chunks.end(), [&](const auto& p) { return less(p->back(), v); });
        if (c == m_chunks.end()) --c;
        Chunk copy = **c;
        copy.insert(std::upper_bound(copy.begin(), copy.end(), v, less), std::move(v));
        ++m_size;
        if (copy.size() <= 2 * kChunk) {
            *c = std::make_shared<const Chunk>(std::move(copy));
            return;
        }
        const auto half = copy.begin() + static_cast<std::ptrdiff_t>(copy.size() / 2);
        auto second = std::make_shared<const Chunk>(std::make_move_iterator(half), std::make_move_iterator(copy.end()));
        copy.erase(half, copy.end());
        *c = std::make_shared<const Chunk>(std::move(copy));
        m_chunks.insert(c + 1, std::move(second));
    }
    // Removes the element equivalent to v; false when there is none.
    bool erase(const T& v) {
        const Less less;
        auto c = std::partition_point(m_chunks.begin(), m_chunks.end(), [&](const auto& p) { return less(p->back(), v); });
        if (c == m_chunks.end()) return false;
        auto at = std::lower_bound((*c)->begin(), (*c)->end(), v, less);
        if (at == (*c)->end() || less(v, *at)) return false;
        --m_size;
        if ((*c)->size() == 1) {
            m_chunks.erase(c);
            return true;
        }
        Chunk copy = **c;
        copy.erase(copy.begin() + (at - (*c)->begin()));
        *c = std::make_shared<const Chunk>(std::move(copy));
        return true;
    }

private:
    Chunks m_chunks;
    std::size_t m_size = 0;
};

}  // namespace etabli::app
