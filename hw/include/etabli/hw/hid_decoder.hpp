// Badge-reader decoding from key positions: HID boot-keyboard reports (libusb path) and evdev
// key events (evdev path) both become one internal Key, and one line assembler turns keys into
// the characters a reader typed, with the timing rules of real readers (gap, repeat tap).
// Layer: hw, protocol part (pure: bytes and times in, events out; no USB, no clock read: the
// driver passes the time each report arrived). One decoder per reader, used on the thread
// that receives that reader's reports; not shared.
//
// Layout-proof by construction: positions are mapped, never text, so an AZERTY session (where
// the main-row keys type "&é\"'(" without Shift) or a reader that holds Shift for digits or for
// upper-case hex decodes exactly as on a US layout.
#pragma once

#include <etabli/core/problem.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

namespace etabli::hw {

// The keys a badge reader or tag scanner may send, whatever the transport.
enum class Key : std::uint8_t {
    none,      // nothing (empty report slot, unknown transport code that must be ignored)
    d0, d1, d2, d3, d4, d5, d6, d7, d8, d9,
    a, b, c, d, e, f,
    enter,     // main Enter or keypad Enter: ends a line
    modifier,  // Shift, Ctrl, Alt, GUI, NumLock: never part of a UID, never an error
    other,     // any other key: breaks the line
};

// HID Usage Tables, Keyboard/Keypad page (0x07): digits main row and keypad, a..f, Enter and
// keypad Enter, modifiers 0xE0..0xE7 and NumLock. 0 is Key::none; everything else Key::other.
Key key_from_hid_usage(std::uint8_t usage);
// Linux evdev key codes (linux/input-event-codes.h) onto the same keys.
Key key_from_evdev_code(std::uint16_t code);
// '0'..'9', 'A'..'F', or '\0' for keys that are not characters.
char key_char(Key k);

// Time as the driver saw it (a steady clock read by the driver, or the evdev event time).
using ReadTime = std::chrono::steady_clock::time_point;

struct DecoderOptions {
    std::chrono::milliseconds gap{100};         // longer without a report or key: the line restarts
    std::chrono::milliseconds same_uid{2000};   // the same line again within this: ignored
    std::size_t max_length = 32;                // more characters without Enter: dropped
};

// One finished line: 1 to max_length characters of [0-9A-F] (leading zeros kept), or why the
// line was dropped (to be logged; the line never becomes a UID).
using LineEvent = std::expected<std::string, core::Problem>;

struct DecoderStats {
    std::uint64_t lines = 0;       // lines given out
    std::uint64_t dropped = 0;     // broken lines (unexpected key, too long, bad report)
    std::uint64_t gaps = 0;        // partial lines restarted by a gap
    std::uint64_t repeats = 0;     // same line within same_uid, ignored
};

class HidDecoder {
public:
    explicit HidDecoder(DecoderOptions opts = {}) : m_opts(opts) {}

    // One interrupt report of a boot keyboard (8 bytes: modifiers, reserved, six key usages).
    // Keys present now and absent from the previous report are new key-downs, counted in
    // report order; keys still present are held (repeat or rollover) and not counted again;
    // an all-zero report releases everything, so "00" needs the release between the zeros,
    // which readers always send. Events are appended to `out`.
    void feed_report(std::span<const std::uint8_t> report, ReadTime at, std::vector<LineEvent>& out);
    // One evdev input event: only EV_KEY with value 1 (down) counts; up (0) and autorepeat (2)
    // and every other event type (EV_SYN, EV_MSC scan codes) are ignored.
    void feed_evdev(std::uint16_t type, std::uint16_t code, std::int32_t value, ReadTime at,
                    std::vector<LineEvent>& out);
    // One key-down, whatever transport it came from.
    void press(Key k, ReadTime at, std::vector<LineEvent>& out);

    std::vector<LineEvent> feed_report(std::span<const std::uint8_t> report, ReadTime at) {
        std::vector<LineEvent> out;
        feed_report(report, at, out);
        return out;
    }

    // Forgets the line in progress, the held keys and the last UID (reader reopened).
    void reset();
    const DecoderStats& stats() const { return m_stats; }
    const DecoderOptions& options() const { return m_opts; }

private:
    void activity(ReadTime at);  // the gap rule: every report or key-down is activity
    void key_down(Key k, ReadTime at, std::vector<LineEvent>& out);
    void fail(core::Problem why, std::vector<LineEvent>& out);
    void finish(ReadTime at, std::vector<LineEvent>& out);

    DecoderOptions m_opts;
    DecoderStats m_stats;
    std::string m_line;
    bool m_discarding = false;     // the line broke: keys up to Enter (or a gap) belong to it
    bool m_any_key = false;        // activity since the last reset (m_last_key is valid)
    ReadTime m_last_key{};
    std::array<std::uint8_t, 6> m_held{};  // usages of the previous report
    std::string m_last_uid;        // for the same_uid rule
    ReadTime m_last_uid_at{};
};

}  // namespace etabli::hw
