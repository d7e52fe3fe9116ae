// Badge-reader decoding from key positions (see hid_decoder.hpp for the contract).
// Layer: hw, protocol part (pure). Called on the reader's receiving thread.
#include <etabli/hw/hid_decoder.hpp>

#include <linux/input-event-codes.h>

#include <algorithm>

namespace etabli::hw {
namespace {

// HID Usage Tables 1.3, Keyboard/Keypad page (0x07).
constexpr std::uint8_t kUsageErrorRollOver = 0x01;
constexpr std::uint8_t kUsageA = 0x04, kUsageF = 0x09;
constexpr std::uint8_t kUsage1 = 0x1E, kUsage0 = 0x27;  // '1'..'9' then '0'
constexpr std::uint8_t kUsageEnter = 0x28, kUsageKeypadEnter = 0x58;
constexpr std::uint8_t kUsageKeypad1 = 0x59, kUsageKeypad0 = 0x62;
constexpr std::uint8_t kUsageNumLock = 0x53;
constexpr std::uint8_t kUsageLeftControl = 0xE0, kUsageRightGui = 0xE7;

Key digit(int n) { return static_cast<Key>(static_cast<int>(Key::d0) + n); }

std::string hex_byte(unsigned v) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    std::string s = "0x";
    if (v > 0xFF) s += kDigits[(v >> 12) & 0xF], s += kDigits[(v >> 8) & 0xF];
    s += kDigits[(v >> 4) & 0xF];
    s += kDigits[v & 0xF];
    return s;
}

}  // namespace

Key key_from_hid_usage(std::uint8_t usage) {
    if (usage == 0) return Key::none;
    if (usage >= kUsage1 && usage < kUsage0) return digit(1 + (usage - kUsage1));
    if (usage == kUsage0 || usage == kUsageKeypad0) return Key::d0;
    if (usage >= kUsageKeypad1 && usage < kUsageKeypad0) return digit(1 + (usage - kUsageKeypad1));
    if (usage >= kUsageA && usage <= kUsageF) return static_cast<Key>(static_cast<int>(Key::a) + (usage - kUsageA));
    if (usage == kUsageEnter || usage == kUsageKeypadEnter) return Key::enter;
    if (usage == kUsageNumLock || (usage >= kUsageLeftControl && usage <= kUsageRightGui)) return Key::modifier;
    return Key::other;
}

Key key_from_evdev_code(std::uint16_t code) {
    switch (code) {
    case KEY_RESERVED: return Key::none;
    // Main row: KEY_1..KEY_9 are consecutive codes, KEY_0 follows them.
    case KEY_1: case KEY_2: case KEY_3: case KEY_4: case KEY_5: case KEY_6: case KEY_7: case KEY_8: case KEY_9:
        return digit(1 + (code - KEY_1));
    case KEY_0: case KEY_KP0: return Key::d0;
    // The keypad codes are laid out as the keypad, not in digit order.
    case KEY_KP1: return Key::d1;
    case KEY_KP2: return Key::d2;
    case KEY_KP3: return Key::d3;
    case KEY_KP4: return Key::d4;
    case KEY_KP5: return Key::d5;
    case KEY_KP6: return Key::d6;
    case KEY_KP7: return Key::d7;
    case KEY_KP8: return Key::d8;
    case KEY_KP9: return Key::d9;
    case KEY_A: return Key::a;
    case KEY_B: return Key::b;
    case KEY_C: return Key::c;
    case KEY_D: return Key::d;
    case KEY_E: return Key::e;
    case KEY_F: return Key::f;
    case KEY_ENTER: case KEY_KPENTER: return Key::enter;
    case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT: case KEY_LEFTCTRL: case KEY_RIGHTCTRL: case KEY_LEFTALT:
    case KEY_RIGHTALT: case KEY_LEFTMETA: case KEY_RIGHTMETA: case KEY_NUMLOCK: case KEY_CAPSLOCK:
        return Key::modifier;
    default: return Key::other;
    }
}

char key_char(Key k) {
    const int v = static_cast<int>(k);
    if (k >= Key::d0 && k <= Key::d9) return static_cast<char>('0' + (v - static_cast<int>(Key::d0)));
    if (k >= Key::a && k <= Key::f) return static_cast<char>('A' + (v - static_cast<int>(Key::a)));
    return '\0';
}

void HidDecoder::feed_report(std::span<const std::uint8_t> report, ReadTime at, std::vector<LineEvent>& out) {
    activity(at);
    if (report.size() != 8) {
        // Not a boot keyboard, or bytes were lost: what is held is unknown.
        m_held.fill(0);
        fail(core::problem("Badge reader sent a report of {0} bytes instead of 8", {std::to_string(report.size())}), out);
        return;
    }
    const auto keys = report.subspan(2);
    if (std::find(keys.begin(), keys.end(), kUsageErrorRollOver) != keys.end()) {
        m_held.fill(0);
        fail(core::problem("Badge reader reported too many keys at once (rollover error)"), out);
        return;
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const std::uint8_t usage = keys[i];
        if (usage == 0) continue;
        const bool held = std::find(m_held.begin(), m_held.end(), usage) != m_held.end();
        const auto before = keys.begin() + static_cast<std::ptrdiff_t>(i);
        const bool twice_in_report = std::find(keys.begin(), before, usage) != before;
        if (held || twice_in_report) continue;
        const Key k = key_from_hid_usage(usage);
        if (k == Key::other) {
            // Checked here, where the usage is still known, for a message that names it.
            fail(core::problem("Badge reader sent an unexpected key ({0})", {hex_byte(usage)}), out);
            continue;
        }
        key_down(k, at, out);
    }
    std::copy(keys.begin(), keys.end(), m_held.begin());
}

void HidDecoder::feed_evdev(std::uint16_t type, std::uint16_t code, std::int32_t value, ReadTime at,
                            std::vector<LineEvent>& out) {
    if (type != EV_KEY || value != 1) return;
    activity(at);
    const Key k = key_from_evdev_code(code);
    if (k == Key::other) {
        fail(core::problem("Badge reader sent an unexpected key ({0})", {hex_byte(code)}), out);
        return;
    }
    key_down(k, at, out);
}

void HidDecoder::press(Key k, ReadTime at, std::vector<LineEvent>& out) {
    activity(at);
    key_down(k, at, out);
}

void HidDecoder::activity(ReadTime at) {
    if (m_any_key && at - m_last_key > m_opts.gap && (!m_line.empty() || m_discarding)) {
        // A reader types a whole line in a burst: a pause means its Enter was lost (or a
        // person is typing), and gluing the next burst on would make a wrong UID.
        ++m_stats.gaps;
        m_line.clear();
        m_discarding = false;
    }
    m_any_key = true;
    m_last_key = at;
}

void HidDecoder::key_down(Key k, ReadTime at, std::vector<LineEvent>& out) {
    if (k == Key::none || k == Key::modifier) return;
    if (k == Key::enter) {
        finish(at, out);
        return;
    }
    if (m_discarding) return;
    if (k == Key::other) {
        fail(core::problem("Badge reader sent an unexpected key ({0})", {"?"}), out);
        return;
    }
    if (m_line.size() >= m_opts.max_length) {
        fail(core::problem("Badge reader sent more than {0} characters without Enter",
                           {std::to_string(m_opts.max_length)}),
             out);
        return;
    }
    m_line.push_back(key_char(k));
}

void HidDecoder::finish(ReadTime at, std::vector<LineEvent>& out) {
    const bool had = !m_discarding && !m_line.empty();
    m_discarding = false;
    if (!had) {
        m_line.clear();  // Enter alone, or the end of a dropped line: no badge in it
        return;
    }
    if (m_line == m_last_uid && at - m_last_uid_at <= m_opts.same_uid) {
        // A card left on the reader is read again and again: one tap. The window slides so
        // that it stays one tap for as long as the card stays.
        ++m_stats.repeats;
        m_last_uid_at = at;
        m_line.clear();
        return;
    }
    ++m_stats.lines;
    m_last_uid = m_line;
    m_last_uid_at = at;
    out.emplace_back(std::move(m_line));
    m_line.clear();
}

void HidDecoder::fail(core::Problem why, std::vector<LineEvent>& out) {
    if (!m_discarding) {
        ++m_stats.dropped;
        out.emplace_back(std::unexpected(std::move(why)));
    }
    m_line.clear();
    m_discarding = true;
}

void HidDecoder::reset() {
    m_line.clear();
    m_discarding = false;
    m_any_key = false;
    m_held.fill(0);
    m_last_uid.clear();
}

}  // namespace etabli::hw
