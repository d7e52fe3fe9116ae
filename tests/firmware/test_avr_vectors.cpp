// The golden vectors run on the simulated ATmega328P (avr_vectors.c in libsimavr through the
// sim harness): the protocol module gives the reference bytes on the 8-bit target too.
// Also the real firmware ELF there: its AVR board file (UART, tick, pins, watchdog).
// Layer: tests (firmware in simulator). Single-threaded.
#include <etb_sim/board.hpp>
#include <etb_proto.h>
#include <fw_config.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <vector>

TEST_CASE("golden vectors on the AVR") {
    auto board = etabli::sim::Board::load(ETABLI_AVR_VECTORS_ELF);
    REQUIRE(board.has_value());
    std::string out;
    for (int i = 0; i < 50 && out.find('\n') == std::string::npos; ++i) {
        (*board)->run_for(10'000);
        out += (*board)->uart_read_text();
    }
    CHECK(out == "VECTORS OK\n");
}

// The real firmware build in the simulator: the AVR board file (UART, tick, relay pins,
// watchdog, reset cause) does what the host build's tests assume.
namespace {

std::vector<std::uint8_t> frame(std::uint8_t type, std::uint8_t seq, const std::vector<std::uint8_t>& payload) {
    etb_msg m;
    etb_msg_init(&m, type, seq);
    m.len = static_cast<std::uint8_t>(payload.size());
    std::copy(payload.begin(), payload.end(), m.payload);
    std::uint8_t f[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&m, f, sizeof f);
    REQUIRE(n > 0);
    return {f, f + n};
}

// Runs until a reply to `seq` arrives (at most `ms`), decoding every frame on the way.
std::optional<etb_msg> reply(etabli::sim::Board& b, etb_rx& rx, std::uint8_t seq, int ms = 200) {
    for (int i = 0; i < ms; ++i) {
        b.run_for(1000);
        for (auto byte : b.uart_read()) {
            etb_msg m;
            if (etb_rx_push(&rx, byte, &m) && (m.flags & ETB_F_REPLY) && m.ack == seq) return m;
        }
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("AVR firmware in the simulator: HELLO, GRANT closes D4, the lease opens it, watchdog") {
    auto loaded = etabli::sim::Board::load(ETABLI_FW_SIM_ELF);
    REQUIRE(loaded.has_value());
    auto& b = **loaded;
    etb_rx rx;
    etb_rx_init(&rx);
    b.run_for(20'000);
    CHECK_FALSE(b.pin('D', 4));
    b.uart_write(frame(ETB_T_HELLO, 1, {ETB_PROTO_MAJOR, ETB_PROTO_MINOR}));
    const auto hr = reply(b, rx, 1);
    REQUIRE(hr);
    etb_hello_reply info{};
    REQUIRE(etb_unpack_hello_reply(&*hr, &info) == 0);
    CHECK(info.channels == FW_CHANNELS);
    CHECK((info.caps & ETB_CAP_HOST_BUILD) == 0);

    // GRANT channel 0, 500 ms.
    b.uart_write(frame(ETB_T_GRANT, 2, {0, 7, 0, 0, 0, 0xF4, 0x01, 0, 0}));
    const auto ack = reply(b, rx, 2);
    REQUIRE(ack);
    CHECK(ack->type == ETB_T_ACK);
    CHECK(b.pin('D', 4));
    const auto on_at = b.micros();
    b.run_for(450'000);
    CHECK(b.pin('D', 4));
    b.run_for(100'000);
    CHECK_FALSE(b.pin('D', 4));
    std::uint64_t off_at = 0;
    for (const auto& c : b.pin_changes())
        if (c.port == 'D' && c.bit == 4 && !c.level) off_at = c.micros;
    const auto lease_us = off_at - on_at;
    MESSAGE("lease measured in simulated time: ", lease_us, " us");
    CHECK(lease_us >= 495'000);
    CHECK(lease_us <= 505'000);

    // A lock-up: the watchdog resets the board, which comes back with every relay open and
    // says why in its next HELLO.
    b.uart_write(frame(ETB_T_GRANT, 3, {0, 8, 0, 0, 0, 0x10, 0x27, 0, 0}));
    REQUIRE(reply(b, rx, 3));
    CHECK(b.pin('D', 4));
    b.hang();
    b.run_for(1'200'000);
    CHECK(b.watchdog_resets() == 1);
    CHECK_FALSE(b.pin('D', 4));
    etb_rx_init(&rx);
    b.uart_write(frame(ETB_T_HELLO, 4, {ETB_PROTO_MAJOR, ETB_PROTO_MINOR}));
    const auto hr2 = reply(b, rx, 4);
    REQUIRE(hr2);
    etb_hello_reply info2{};
    REQUIRE(etb_unpack_hello_reply(&*hr2, &info2) == 0);
    CHECK(info2.reset_cause == ETB_RESET_WATCHDOG);
    CHECK(info2.boot_id != info.boot_id);
}
