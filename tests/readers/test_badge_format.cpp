// Unit tests of badge format profiles: the same card printed by each reader model gives one
// canonical UID. Layer: core (pure). Single-threaded.
#include <etabli/core/badge_format.hpp>

#include <doctest/doctest.h>

using namespace etabli::core;

TEST_CASE("one card, every profile: the same canonical UID") {
    // An EM4100 fob printed "0012345678 188,24910": 0x00BC614E.
    const std::uint32_t card = 12345678;
    CHECK(render_card(BadgeFormat::dec10, card) == "0012345678");
    CHECK(render_card(BadgeFormat::dec10_reversed, card) == "1315027968");
    CHECK(render_card(BadgeFormat::wiegand26, card) == "18824910");
    CHECK(render_card(BadgeFormat::hex, card) == "00BC614E");
    for (auto f : {BadgeFormat::dec10, BadgeFormat::dec10_reversed, BadgeFormat::wiegand26, BadgeFormat::hex}) {
        CAPTURE(to_string(f));
        auto c = canonical_uid(f, render_card(f, card));
        REQUIRE(c.has_value());
        CHECK(*c == "00BC614E");
    }
    // A 10-hex-digit reader prints the EM4100 customer byte too: dropped.
    CHECK(canonical_uid(BadgeFormat::hex, "3C00BC614E").value() == "00BC614E");
    CHECK(canonical_uid(BadgeFormat::hex, "bc614e").value() == "00BC614E");
}

TEST_CASE("many cards round-trip through every 32-bit profile; leading zeros kept") {
    for (std::uint32_t card : {0u, 1u, 255u, 0x00FF00FFu, 0x12345678u, 0xFFFFFFFFu, 0x80000001u, 4000000000u}) {
        CAPTURE(card);
        const auto want = canonical_uid(BadgeFormat::hex, render_card(BadgeFormat::hex, card)).value();
        CHECK(want.size() == 8);
        CHECK(canonical_uid(BadgeFormat::dec10, render_card(BadgeFormat::dec10, card)).value() == want);
        CHECK(canonical_uid(BadgeFormat::dec10_reversed, render_card(BadgeFormat::dec10_reversed, card)).value() == want);
        if (card <= 0x00FFFFFFu)  // Wiegand-26 carries 24 bits: equal only for cards with a 00 top byte
            CHECK(canonical_uid(BadgeFormat::wiegand26, render_card(BadgeFormat::wiegand26, card)).value() == want);
    }
    CHECK(canonical_uid(BadgeFormat::dec10, "0000000001").value() == "00000001");
}

TEST_CASE("raw keeps what was typed; long hex UIDs are kept whole") {
    CHECK(canonical_uid(BadgeFormat::raw, " 0012345678 ").value() == "0012345678");
    CHECK(canonical_uid(BadgeFormat::hex, "04a1b2c3d4e5f6").value() == "04A1B2C3D4E5F6");
}

TEST_CASE("wrong input for a profile is a clear problem") {
    CHECK(!canonical_uid(BadgeFormat::dec10, "12345"));
    CHECK(!canonical_uid(BadgeFormat::dec10, "4294967296"));  // 2^32
    CHECK(!canonical_uid(BadgeFormat::dec10, "00123A5678"));
    CHECK(!canonical_uid(BadgeFormat::wiegand26, "25665535"));  // facility 256
    CHECK(!canonical_uid(BadgeFormat::wiegand26, "18865536"));  // card 65536
    CHECK(!canonical_uid(BadgeFormat::hex, "00XY"));
    CHECK(!canonical_uid(BadgeFormat::hex, ""));
    CHECK(!canonical_uid(BadgeFormat::raw, ""));
    CHECK(canonical_uid(BadgeFormat::dec10, "12").error().msgid == "The badge reader should type 10 digits, not \"{0}\"");
}

TEST_CASE("profile names") {
    for (auto f : {BadgeFormat::raw, BadgeFormat::dec10, BadgeFormat::dec10_reversed, BadgeFormat::wiegand26, BadgeFormat::hex})
        CHECK(badge_format_from_string(to_string(f)) == f);
    CHECK(!badge_format_from_string("DEC10"));
}
