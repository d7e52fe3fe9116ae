// Deadlines (see timers.hpp). Layer: alloc (pure).
#include <etabli/alloc/timers.hpp>

#include <algorithm>

namespace etabli::alloc {

bool Deadlines::stale(const Entry& e) const {
    auto it = m_by_key.find(e.key);
    return it == m_by_key.end() || it->second.gen != e.gen;
}

void Deadlines::drop_stale_top() {
    while (!m_heap.empty() && stale(m_heap.front())) {
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        m_heap.pop_back();
    }
}

void Deadlines::compact() {
    std::erase_if(m_heap, [&](const Entry& e) { return stale(e); });
    std::make_heap(m_heap.begin(), m_heap.end(), later);
}

void Deadlines::schedule(const std::string& key, core::Timestamp at) {
    const std::uint64_t gen = ++m_gen;
    m_by_key.insert_or_assign(key, Live{at, gen});
    // The top was live before; only this key's old entry can have turned stale up there.
    const bool top_moved = !m_heap.empty() && m_heap.front().key == key;
    m_heap.push_back(Entry{at, gen, key});
    std::push_heap(m_heap.begin(), m_heap.end(), later);
    // A moved deadline leaves its old entry behind; bound the garbage to the live size.
    if (m_heap.size() > 64 && m_heap.size() > 2 * m_by_key.size()) compact();
    if (top_moved) drop_stale_top();
}

void Deadlines::cancel(const std::string& key) {
    if (m_by_key.erase(key) == 0) return;
    if (m_heap.size() > 64 && m_heap.size() > 2 * m_by_key.size()) compact();
    drop_stale_top();
}

std::optional<core::Timestamp> Deadlines::next() const {
    if (m_heap.empty()) return std::nullopt;
    return m_heap.front().at;
}

std::optional<core::Timestamp> Deadlines::when(const std::string& key) const {
    auto it = m_by_key.find(key);
    if (it == m_by_key.end()) return std::nullopt;
    return it->second.at;
}

std::vector<std::string> Deadlines::take_due(core::Timestamp now) {
    std::vector<std::string> due;
    while (auto next = take_next(now)) due.push_back(std::move(next->second));
    return due;
}

std::optional<std::pair<core::Timestamp, std::string>> Deadlines::take_next(core::Timestamp now) {
    if (m_heap.empty() || m_heap.front().at > now) return std::nullopt;
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    Entry e = std::move(m_heap.back());
    m_heap.pop_back();
    m_by_key.erase(e.key);
    drop_stale_top();
    return std::pair{e.at, std::move(e.key)};
}

// [SECTION] NumberedDeadlines

bool NumberedDeadlines::text_less(std::int64_t a, std::int64_t b) {
    // Scale the shorter number to the other's digit count: the text order is then the numeric
    // order, and on a tie ("1" against "10") the shorter text comes first.
    auto digits = [](std::int64_t v) {
        int d = 1;
        while (v >= 10) {
            v /= 10;
            ++d;
        }
        return d;
    };
    const int da = digits(a), db = digits(b);
    // Unsigned: a scaled number stays below 10^19, which fits in 64 bits unsigned.
    auto x = static_cast<std::uint64_t>(a), y = static_cast<std::uint64_t>(b);
    for (int i = da; i < db; ++i) x *= 10;
    for (int i = db; i < da; ++i) y *= 10;
    return x < y || (x == y && da < db);
}

bool NumberedDeadlines::stale(const Entry& e) const {
    auto it = m_by_n.find(e.n);
    return it == m_by_n.end() || it->second.gen != e.gen;
}

void NumberedDeadlines::settle() {
    for (;;) {
        while (!m_heap.empty() && stale(m_heap.front())) {
            std::pop_heap(m_heap.begin(), m_heap.end(), later);
            m_heap.pop_back();
        }
        if (!m_heap.empty() || m_far.empty()) return;
        refill();
    }
}

void NumberedDeadlines::drop_stale(std::vector<Entry>& v) {
    std::erase_if(v, [&](const Entry& e) { return stale(e); });
}

void NumberedDeadlines::refill() {
    drop_stale(m_far);
    if (m_far.empty()) return;
    const auto first = std::min_element(m_far.begin(), m_far.end(),
                                        [](const Entry& a, const Entry& b) { return a.at < b.at; })->at;
    constexpr auto window = std::chrono::days{1};
    m_horizon = first > core::Timestamp::max() - window ? core::Timestamp::max() : first + window;
    const auto near = std::partition(m_far.begin(), m_far.end(), [&](const Entry& e) { return e.at > m_horizon; });
    m_heap.insert(m_heap.end(), near, m_far.end());
    m_far.erase(near, m_far.end());
    std::make_heap(m_heap.begin(), m_heap.end(), later);
}

void NumberedDeadlines::compact_if_stale() {
    const std::size_t held = m_heap.size() + m_far.size();
    if (held <= 64 || held <= 2 * m_by_n.size()) return;
    drop_stale(m_heap);
    drop_stale(m_far);
    std::make_heap(m_heap.begin(), m_heap.end(), later);
}

void NumberedDeadlines::reserve(std::size_t n, float fill) {
    m_by_n.max_load_factor(fill);
    m_by_n.reserve(n);
    m_far.reserve(n);
}

void NumberedDeadlines::schedule(std::int64_t n, core::Timestamp at) {
    const std::uint64_t gen = ++m_gen;
    m_by_n.insert_or_assign(n, Live{at, gen});
    const bool top_moved = !m_heap.empty() && m_heap.front().n == n;
    if (at <= m_horizon) {
        m_heap.push_back(Entry{at, gen, n});
        std::push_heap(m_heap.begin(), m_heap.end(), later);
    } else {
        m_far.push_back(Entry{at, gen, n});
    }
    compact_if_stale();
    if (top_moved || m_heap.empty()) settle();
}

void NumberedDeadlines::cancel(std::int64_t n) {
    if (m_by_n.erase(n) == 0) return;
    compact_if_stale();
    settle();
}

std::optional<std::pair<core::Timestamp, std::int64_t>> NumberedDeadlines::next() const {
    if (m_heap.empty()) return std::nullopt;
    return std::pair{m_heap.front().at, m_heap.front().n};
}

std::optional<core::Timestamp> NumberedDeadlines::when(std::int64_t n) const {
    auto it = m_by_n.find(n);
    if (it == m_by_n.end()) return std::nullopt;
    return it->second.at;
}

std::optional<std::pair<core::Timestamp, std::int64_t>> NumberedDeadlines::take_next(core::Timestamp now) {
    if (m_heap.empty() || m_heap.front().at > now) return std::nullopt;
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    const Entry e = m_heap.back();
    m_heap.pop_back();
    m_by_n.erase(e.n);
    settle();
    return std::pair{e.at, e.n};
}

}  // namespace etabli::alloc
