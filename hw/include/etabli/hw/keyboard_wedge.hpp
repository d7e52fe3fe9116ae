// Keyboard-wedge badge readers: turns the 8-byte HID boot keyboard reports of a reader that
// "types" the card number into badge UIDs.
// Layer: hw (protocol part: pure bytes in, events out; no USB, no clock). Called on the hw
// thread that reads the reader's interrupt endpoint; one decoder per reader, not shared.
//
// The UID is decoded from HID usages, never from text, so the host's keyboard layout (AZERTY
// types "&é\"'(" for "12345") and the modifiers a reader adds (Shift for upper-case hex, or
// for digits on an AZERTY-configured reader) do not change it.
#pragma once

#include <etabli/core/problem.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

namespace etabli::hw {

// One finished read: the UID as typed, 1 to WedgeDecoder::kMaxUidLength characters of
// [0-9A-F] (leading zeros kept; turning reader formats into a card id is core's business),
// or the reason the read was thrown away.
using WedgeEvent = std::expected<std::string, core::Problem>;

// Decodes the report stream of one reader.
//
// Accepted key usages: digits 0x1E..0x27 and keypad digits 0x59..0x62 ("1".."9", "0"),
// letters a..f 0x04..0x09 (hex readers; always given as "A".."F"), Enter 0x28 and keypad
// Enter 0x58, which end a read. Modifiers (byte 0) and the reserved byte are ignored. A key is
// counted when it appears in a report; while it stays in the following reports it is held and
// not counted again, so two equal digits need a release report between them (readers send an
// all-zero report after every key).
//
// Any other usage, a rollover error (0x01), a report that is not 8 bytes, or more than
// kMaxUidLength characters without Enter gives one error event and throws the read away:
// the decoder then ignores keys up to the next Enter, so that the tail of a broken read is
// never taken for a (wrong, possibly someone else's) UID. The read after that decodes normally.
// An Enter with no characters before it gives no event.
class WedgeDecoder {
public:
    static constexpr std::size_t kReportSize = 8;
    static constexpr std::size_t kMaxUidLength = 32;

    // Feeds one interrupt report (normally 8 bytes). Returns the reads it finished, in order:
    // usually none, one when the report holds Enter or breaks the read.
    std::vector<WedgeEvent> feed(std::span<const std::uint8_t> report);

    // Forgets the read in progress and the held keys. The driver calls it when the reader is
    // (re)opened, and after an idle gap (a few hundred ms without reports) so that a lost
    // Enter costs one read instead of gluing two UIDs together.
    void reset();

    // True while characters of an unfinished read are pending (for the driver's idle timer).
    bool in_progress() const { return !m_uid.empty() || m_discarding; }

private:
    void press(std::uint8_t usage, std::vector<WedgeEvent>& out);
    void fail(core::Problem why, std::vector<WedgeEvent>& out);

    std::string m_uid;           // characters of the read in progress
    bool m_discarding = false;   // a read broke; ignore keys up to Enter
    std::array<std::uint8_t, kReportSize - 2> m_held{};  // key usages of the previous report
};

}  // namespace etabli::hw
