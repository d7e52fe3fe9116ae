// Badge format profiles: what a reader model types for a card, turned into the canonical UID
// the station stores, so that a badge enrolled through one reader is recognised through
// another model that prints the same card differently.
// Layer: core (pure). Any thread.
//
// The canonical UID of a card read through a formatted profile is the hex of the card's
// 32-bit number, 8 upper-case digits, most significant byte first: "00BC614E" for the card
// printed "0012345678". Leading zeros are kept (fixed width). Per profile:
//   raw             what the reader typed, only normalised (normalize_uid): for a site with a
//                   single reader model, and the format of badges enrolled before profiles;
//   dec10           10 decimal digits of the 32-bit number (most EM4100 readers);
//   dec10-reversed  10 decimal digits of the 32-bit number with its bytes reversed (MIFARE
//                   readers that read the UID little-endian);
//   wiegand26       8 digits, facility (3, 0-255) then card (5, 0-65535): the low 24 bits.
//                   The top byte never reaches such a reader; it is taken as 00, which is what
//                   EM4100 fobs numbered "00xxxxxxxx" (nearly all sold) carry. A card with a
//                   non-zero top byte must be enrolled through the Wiegand reader itself;
//   hex             hex digits of the card bytes. 1-8 digits: the 32-bit number (zero-padded);
//                   10 digits: an EM4100 with its customer byte, which no decimal reader ever
//                   prints, so it is dropped; any other length (7- or 10-byte MIFARE UIDs)
//                   is kept whole, upper-cased, as no 10-digit reader can print it anyway.
#pragma once

#include <etabli/core/problem.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::core {

enum class BadgeFormat { raw, dec10, dec10_reversed, wiegand26, hex };

std::string_view to_string(BadgeFormat f);  // "raw", "dec10", "dec10-reversed", "wiegand26", "hex"
std::optional<BadgeFormat> badge_format_from_string(std::string_view s);

// What the reader typed (digits, hex letters) -> the canonical UID, or why it cannot be that
// format (wrong length, not digits, number too large).
std::expected<std::string, Problem> canonical_uid(BadgeFormat f, std::string_view typed);

// The reverse, for a 32-bit card number: what a reader of that profile types for the card
// (tests, and the devices screen showing "this card reads as ..."). raw gives the canonical.
std::string render_card(BadgeFormat f, std::uint32_t card);

}  // namespace etabli::core
