// BadgeReader: decoded lines -> canonical UIDs or tags -> Station commands (see readers.hpp).
// Layer: hw. Sink methods on the transport's thread; status() from any thread.
#include <etabli/hw/readers.hpp>

namespace etabli::hw {

BadgeReader::BadgeReader(core::ReaderConfig config, Post post, Log log)
    : m_config(std::move(config)),
      m_post(std::move(post)),
      m_log(std::move(log)),
      m_decoder(DecoderOptions{.gap = m_config.gap}) {
    m_status.role = m_config.role.to_string();
    // Typed once, here: a machine's reader names its machine by the id the configuration
    // was resolved to; one whose machine was not found is bound to nothing.
    if (m_config.role.kind == core::ReaderRole::Kind::machine)
        m_reader = m_config.role.resolved ? app::ReaderRef::at_machine(*m_config.role.resolved, m_status.role)
                                          : app::ReaderRef::unbound(m_status.role);
    m_lines.reserve(4);
}

void BadgeReader::on_report(std::span<const std::uint8_t> report, ReadTime at) {
    m_lines.clear();
    m_decoder.feed_report(report, at, m_lines);
    if (!m_lines.empty()) deliver(m_lines, at);
}

void BadgeReader::on_input(std::uint16_t type, std::uint16_t code, std::int32_t value, ReadTime at) {
    m_lines.clear();
    m_decoder.feed_evdev(type, code, value, at, m_lines);
    if (!m_lines.empty()) deliver(m_lines, at);
}

void BadgeReader::deliver(std::vector<LineEvent>& lines, ReadTime at) {
    for (auto& line : lines) {
        std::optional<core::Problem> problem;
        if (!line) {
            problem = line.error();
        } else if (m_config.role.kind == core::ReaderRole::Kind::scanner) {
            // Tool tags are printed codes, not card numbers: no profile applies.
            m_post(app::ToolScanned{*line, "scanner"});
        } else if (auto uid = core::canonical_uid(m_config.profile, *line)) {
            m_post(app::BadgeSeen{*uid, m_reader});
            std::lock_guard lk(m_mutex);
            ++m_status.taps;
            m_status.last_uid = *uid;
            m_status.last_tap = at;
            continue;
        } else {
            // The reader does not type what its profile says (wrong profile in etabli.toml).
            problem = uid.error();
        }
        if (problem) {
            if (m_log) m_log(m_status.role, *problem);
            std::lock_guard lk(m_mutex);
            ++m_status.dropped;
            m_status.last_problem = *problem;
        } else {
            std::lock_guard lk(m_mutex);
            ++m_status.taps;
            m_status.last_uid = *line;
            m_status.last_tap = at;
        }
    }
}

void BadgeReader::on_gone(const core::Problem& why) {
    if (m_log) m_log(m_status.role, why);
    std::lock_guard lk(m_mutex);
    m_status.connected = false;
    m_status.last_problem = why;
}

void BadgeReader::note_problem(const core::Problem& why) {
    std::lock_guard lk(m_mutex);
    m_status.connected = false;
    m_status.last_problem = why;
}

void BadgeReader::on_open(const std::string& device) {
    m_decoder.reset();
    std::lock_guard lk(m_mutex);
    m_status.device = device;
    m_status.connected = true;
}

ReaderStatus BadgeReader::status() const {
    std::lock_guard lk(m_mutex);
    return m_status;
}

}  // namespace etabli::hw
