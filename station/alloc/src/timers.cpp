// Deadlines (see timers.hpp). Layer: alloc (pure).
#include <etabli/alloc/timers.hpp>

namespace etabli::alloc {

void Deadlines::schedule(const std::string& key, core::Timestamp at) {
    cancel(key);
    m_by_key.emplace(key, at);
    m_by_time.emplace(at, key);
}

void Deadlines::cancel(const std::string& key) {
    auto it = m_by_key.find(key);
    if (it == m_by_key.end()) return;
    m_by_time.erase({it->second, key});
    m_by_key.erase(it);
}

std::optional<core::Timestamp> Deadlines::next() const {
    if (m_by_time.empty()) return std::nullopt;
    return m_by_time.begin()->first;
}

std::optional<core::Timestamp> Deadlines::when(const std::string& key) const {
    auto it = m_by_key.find(key);
    if (it == m_by_key.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Deadlines::take_due(core::Timestamp now) {
    std::vector<std::string> due;
    while (!m_by_time.empty() && m_by_time.begin()->first <= now) {
        auto node = m_by_time.begin();
        due.push_back(node->second);
        m_by_key.erase(node->second);
        m_by_time.erase(node);
    }
    return due;
}

std::optional<std::pair<core::Timestamp, std::string>> Deadlines::take_next(core::Timestamp now) {
    if (m_by_time.empty() || m_by_time.begin()->first > now) return std::nullopt;
    auto node = m_by_time.extract(m_by_time.begin());
    m_by_key.erase(node.value().second);
    return std::move(node.value());
}

}  // namespace etabli::alloc
