// Unit tests of the controller wire protocol's codecs: CRC-16/MCRF4XX and COBS.
// Layer: firmware-bridge/protocol (C99), tested from C++. Single-threaded.
#include <etb_cobs.h>
#include <etb_crc16.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

// Encodes with an exactly sized buffer (ETB_COBS_MAX_ENCODED); empty on error.
Bytes encode(const Bytes& in) {
    Bytes out(ETB_COBS_MAX_ENCODED(in.size()));
    const std::ptrdiff_t n = etb_cobs_encode(in.data(), in.size(), out.data(), out.size());
    REQUIRE(n >= 0);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Decodes; on error the error code is returned through `result`.
Bytes decode(const Bytes& in, std::ptrdiff_t* result = nullptr) {
    Bytes out(in.size() + 1);
    const std::ptrdiff_t n = etb_cobs_decode(in.data(), in.size(), out.data(), out.size());
    if (result != nullptr) *result = n;
    out.resize(n >= 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

Bytes run(std::uint8_t first, std::size_t count) {
    Bytes b(count);
    for (std::size_t i = 0; i < count; ++i) b[i] = static_cast<std::uint8_t>(first + i);
    return b;
}

Bytes cat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

TEST_CASE("crc16: MCRF4XX check value and running update") {
    const Bytes check{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    CHECK(etb_crc16(check.data(), check.size()) == 0x6F91);
    CHECK(etb_crc16(nullptr, 0) == 0xFFFF);

    std::uint16_t crc = ETB_CRC16_INIT;
    for (auto b : check) crc = etb_crc16_update(crc, b);
    CHECK(crc == 0x6F91);

    // Appending the CRC little-endian gives a zero residue (no final xor): PROTOCOL.md relies on it.
    Bytes framed = check;
    framed.push_back(static_cast<std::uint8_t>(0x6F91 & 0xFF));
    framed.push_back(static_cast<std::uint8_t>(0x6F91 >> 8));
    CHECK(etb_crc16(framed.data(), framed.size()) == 0x0000);
}

TEST_CASE("crc16: matches avr-libc's _crc_ccitt_update formula") {
    // The firmware may use avr-libc's routine; this is its documented C equivalent.
    auto avr = [](std::uint16_t crc, std::uint8_t data) {
        data = static_cast<std::uint8_t>(data ^ (crc & 0xFF));
        data = static_cast<std::uint8_t>(data ^ (data << 4));
        return static_cast<std::uint16_t>(((static_cast<unsigned>(data) << 8) | (crc >> 8)) ^
                                          static_cast<std::uint8_t>(data >> 4) ^
                                          (static_cast<unsigned>(data) << 3));
    };
    std::mt19937 rng(7);
    for (int i = 0; i < 2000; ++i) {
        const auto crc = static_cast<std::uint16_t>(rng());
        const auto byte = static_cast<std::uint8_t>(rng());
        CHECK(etb_crc16_update(crc, byte) == avr(crc, byte));
    }
}

TEST_CASE("cobs: vectors of the paper and the Wikipedia table") {
    struct Vector {
        Bytes raw;
        Bytes encoded;
    };
    const Bytes nonzero254 = run(0x01, 254);  // 01 02 .. FE
    const Bytes nonzero255 = run(0x01, 255);  // 01 02 .. FE FF
    const std::vector<Vector> vectors{
        {{}, {0x01}},
        {{0x00}, {0x01, 0x01}},
        {{0x00, 0x00}, {0x01, 0x01, 0x01}},
        {{0x11, 0x22, 0x00, 0x33}, {0x03, 0x11, 0x22, 0x02, 0x33}},
        {{0x11, 0x22, 0x33, 0x44}, {0x05, 0x11, 0x22, 0x33, 0x44}},
        {{0x11, 0x00, 0x00, 0x00}, {0x02, 0x11, 0x01, 0x01, 0x01}},
        {nonzero254, cat({0xFF}, nonzero254)},
        {nonzero255, cat(cat({0xFF}, run(0x01, 254)), {0x02, 0xFF})},
        {cat({0x00}, run(0x01, 254)), cat({0x01, 0xFF}, run(0x01, 254))},
        {cat(run(0x02, 254), {0x00}), cat(cat({0xFF}, run(0x02, 254)), {0x01, 0x01})},
        {cat(run(0x03, 253), {0x00, 0x01}), cat(cat({0xFE}, run(0x03, 253)), {0x02, 0x01})},
    };
    for (std::size_t i = 0; i < vectors.size(); ++i) {
        CAPTURE(i);
        const auto& v = vectors[i];
        CHECK(encode(v.raw) == v.encoded);
        CHECK(v.encoded.size() <= ETB_COBS_MAX_ENCODED(v.raw.size()));
        std::ptrdiff_t result = 0;
        CHECK(decode(v.encoded, &result) == v.raw);
        CHECK(result == static_cast<std::ptrdiff_t>(v.raw.size()));
    }
}

TEST_CASE("cobs: encoded data never holds a zero; random buffers round-trip") {
    std::mt19937 rng(2026);
    for (int round = 0; round < 500; ++round) {
        const std::size_t size = rng() % 700;
        Bytes raw(size);
        // Mostly zeros in some rounds, none in others, to hit both kinds of block.
        const auto zero_one_in = 1 + rng() % 300;
        for (auto& b : raw) b = (rng() % zero_one_in == 0) ? 0 : static_cast<std::uint8_t>(1 + rng() % 255);
        const Bytes enc = encode(raw);
        CHECK(enc.size() <= ETB_COBS_MAX_ENCODED(size));
        CHECK(std::find(enc.begin(), enc.end(), 0) == enc.end());
        std::ptrdiff_t result = 0;
        CHECK(decode(enc, &result) == raw);
        REQUIRE(result == static_cast<std::ptrdiff_t>(size));
    }
}

TEST_CASE("cobs: decoding in place") {
    const Bytes raw{0x11, 0x22, 0x00, 0x33, 0x00, 0x00, 0x44};
    Bytes buf = encode(raw);
    const std::ptrdiff_t n = etb_cobs_decode(buf.data(), buf.size(), buf.data(), buf.size());
    REQUIRE(n == static_cast<std::ptrdiff_t>(raw.size()));
    buf.resize(static_cast<std::size_t>(n));
    CHECK(buf == raw);
}

TEST_CASE("cobs: non-canonical trailing 0x01 after a full block decodes to the same bytes") {
    const Bytes raw = run(0x01, 254);
    CHECK(decode(cat(cat({0xFF}, raw), {0x01})) == raw);
}

TEST_CASE("cobs: decode errors") {
    std::ptrdiff_t result = 0;

    SUBCASE("empty input") {
        decode({}, &result);
        CHECK(result == ETB_COBS_ERR_TRUNCATED);
    }
    SUBCASE("a zero inside the data") {
        decode({0x03, 0x11, 0x00, 0x02, 0x33}, &result);
        CHECK(result == ETB_COBS_ERR_ZERO);
    }
    SUBCASE("a zero as a code byte") {
        decode({0x02, 0x11, 0x00, 0x33}, &result);
        CHECK(result == ETB_COBS_ERR_ZERO);
        decode({0x00}, &result);
        CHECK(result == ETB_COBS_ERR_ZERO);
    }
    SUBCASE("a code running past the end") {
        decode({0x05, 0x11, 0x22}, &result);
        CHECK(result == ETB_COBS_ERR_TRUNCATED);
        decode({0x02, 0x11, 0x04, 0x22}, &result);
        CHECK(result == ETB_COBS_ERR_TRUNCATED);
        decode({0xFF}, &result);
        CHECK(result == ETB_COBS_ERR_TRUNCATED);
    }
    SUBCASE("output too small") {
        const Bytes enc{0x03, 0x11, 0x22, 0x02, 0x33};  // decodes to 4 bytes
        std::uint8_t out[4] = {};
        CHECK(etb_cobs_decode(enc.data(), enc.size(), out, 3) == ETB_COBS_ERR_OVERFLOW);
        CHECK(etb_cobs_decode(enc.data(), enc.size(), out, 2) == ETB_COBS_ERR_OVERFLOW);  // at the zero
        CHECK(etb_cobs_decode(enc.data(), enc.size(), out, 0) == ETB_COBS_ERR_OVERFLOW);
        CHECK(etb_cobs_decode(enc.data(), enc.size(), out, 4) == 4);
    }
}

TEST_CASE("cobs: encode reports a too small output") {
    const Bytes raw{0x11, 0x22, 0x00, 0x33};  // encodes to 5 bytes
    std::uint8_t out[5] = {};
    for (std::size_t cap = 0; cap < 5; ++cap) {
        CAPTURE(cap);
        CHECK(etb_cobs_encode(raw.data(), raw.size(), out, cap) == ETB_COBS_ERR_OVERFLOW);
    }
    CHECK(etb_cobs_encode(raw.data(), raw.size(), out, 5) == 5);
    CHECK(etb_cobs_encode(nullptr, 0, out, 0) == ETB_COBS_ERR_OVERFLOW);
    CHECK(etb_cobs_encode(nullptr, 0, out, 1) == 1);

    // The bound is exact-or-more for a full final block and tight otherwise.
    const Bytes full = run(0x01, 254);
    Bytes big(ETB_COBS_MAX_ENCODED(full.size()));
    CHECK(etb_cobs_encode(full.data(), full.size(), big.data(), 255) == 255);
    CHECK(etb_cobs_encode(full.data(), full.size(), big.data(), 254) == ETB_COBS_ERR_OVERFLOW);
}

TEST_CASE("cobs: the size bound is a constant expression for firmware buffers") {
    static_assert(ETB_COBS_MAX_ENCODED(0) == 1);
    static_assert(ETB_COBS_MAX_ENCODED(253) == 254);
    static_assert(ETB_COBS_MAX_ENCODED(254) == 256);
    static_assert(ETB_COBS_MAX_ENCODED(600) == 603);
    std::uint8_t buf[ETB_COBS_MAX_ENCODED(16)];
    CHECK(sizeof buf == 17);
}
