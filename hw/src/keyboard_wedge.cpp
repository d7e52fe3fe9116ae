// Keyboard-wedge report decoding (see keyboard_wedge.hpp for the contract).
// Layer: hw, protocol part (pure). Called on the reader's hw thread.
#include <etabli/hw/keyboard_wedge.hpp>

#include <algorithm>

namespace etabli::hw {
namespace {

// HID Usage Tables, Keyboard/Keypad page (0x07).
constexpr std::uint8_t kUsageErrorRollOver = 0x01;
constexpr std::uint8_t kUsageA = 0x04;
constexpr std::uint8_t kUsageF = 0x09;
constexpr std::uint8_t kUsage1 = 0x1E;  // 0x1E..0x26 = '1'..'9', 0x27 = '0'
constexpr std::uint8_t kUsage0 = 0x27;
constexpr std::uint8_t kUsageEnter = 0x28;
constexpr std::uint8_t kUsageKeypadEnter = 0x58;
constexpr std::uint8_t kUsageKeypad1 = 0x59;  // 0x59..0x61 = '1'..'9', 0x62 = '0'
constexpr std::uint8_t kUsageKeypad0 = 0x62;

// The character a usage stands for in a UID, or '\0' when it is not part of one.
char uid_char(std::uint8_t usage) {
    if (usage >= kUsage1 && usage < kUsage0) return static_cast<char>('1' + (usage - kUsage1));
    if (usage == kUsage0 || usage == kUsageKeypad0) return '0';
    if (usage >= kUsageKeypad1 && usage < kUsageKeypad0)
        return static_cast<char>('1' + (usage - kUsageKeypad1));
    if (usage >= kUsageA && usage <= kUsageF) return static_cast<char>('A' + (usage - kUsageA));
    return '\0';
}

std::string hex_byte(std::uint8_t v) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    return std::string{"0x"} + kDigits[v >> 4] + kDigits[v & 0x0F];
}

}  // namespace

std::vector<WedgeEvent> WedgeDecoder::feed(std::span<const std::uint8_t> report) {
    std::vector<WedgeEvent> out;
    if (report.size() != kReportSize) {
        // A short or long report means we are not reading a boot keyboard, or lost bytes:
        // what it held, and which keys are still down, is unknown.
        m_held.fill(0);
        fail(core::problem("Badge reader sent a report of {0} bytes instead of 8",
                           {std::to_string(report.size())}),
             out);
        return out;
    }

    const auto keys = report.subspan(2);
    if (std::find(keys.begin(), keys.end(), kUsageErrorRollOver) != keys.end()) {
        // The reader could not tell which keys are down: the held set is unknown too.
        m_held.fill(0);
        fail(core::problem("Badge reader reported too many keys at once (rollover error)"), out);
        return out;
    }

    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::uint8_t usage = keys[i];
        if (usage == 0) continue;
        const bool held = std::find(m_held.begin(), m_held.end(), usage) != m_held.end();
        // A usage repeated within one report is still one key press.
        const bool repeated = std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i),
                                        usage) != keys.begin() + static_cast<std::ptrdiff_t>(i);
        if (!held && !repeated) press(usage, out);
    }
    std::copy(keys.begin(), keys.end(), m_held.begin());
    return out;
}

void WedgeDecoder::reset() {
    m_uid.clear();
    m_discarding = false;
    m_held.fill(0);
}

void WedgeDecoder::press(std::uint8_t usage, std::vector<WedgeEvent>& out) {
    if (usage == kUsageEnter || usage == kUsageKeypadEnter) {
        // Enter alone (nothing typed, or the end of a read already thrown away) carries no
        // badge, so it gives no event.
        if (!m_discarding && !m_uid.empty()) out.emplace_back(std::move(m_uid));
        m_uid.clear();
        m_discarding = false;
        return;
    }
    if (m_discarding) return;
    const char c = uid_char(usage);
    if (c == '\0') {
        fail(core::problem("Badge reader sent an unexpected key ({0})", {hex_byte(usage)}), out);
        return;
    }
    if (m_uid.size() >= kMaxUidLength) {
        fail(core::problem("Badge reader sent more than {0} characters without Enter",
                           {std::to_string(kMaxUidLength)}),
             out);
        return;
    }
    m_uid.push_back(c);
}

void WedgeDecoder::fail(core::Problem why, std::vector<WedgeEvent>& out) {
    // One event per broken read: the keys that follow up to Enter belong to it.
    if (!m_discarding) out.emplace_back(std::unexpected(std::move(why)));
    m_uid.clear();
    m_discarding = true;
}

}  // namespace etabli::hw
