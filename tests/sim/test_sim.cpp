// The simulator harness (firmware-bridge/sim) on its own test program, echo.elf: UART bytes
// in and out, pin changes at the right simulated time, the ADC and digital inputs, resets
// (external and watchdog), determinism. Layer: tests, label unit. Single-threaded.
#include <etb_sim/board.hpp>

#include <etabli/core/i18n.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using etabli::sim::Board;
using etabli::sim::CpuState;

namespace {

std::unique_ptr<Board> load_echo() {
    auto board = Board::load(ETABLI_SIM_ECHO_ELF);
    REQUIRE_MESSAGE(board.has_value(), (board ? "" : board.error().english()));
    return std::move(*board);
}

// Runs until the firmware has sent a line (or `limit_us` passes); returns what it sent.
std::string read_line(Board& b, std::uint64_t limit_us = 50'000) {
    std::string got;
    for (std::uint64_t t = 0; t < limit_us && got.find('\n') == std::string::npos; t += 100) {
        b.run_for(100);
        got += b.uart_read_text();
    }
    return got;
}

}  // namespace

TEST_CASE("sim: echo program boots, echoes bytes and answers at the line's pace") {
    auto b = load_echo();
    CHECK(b->micros() == 0);
    CHECK(read_line(*b) == "BOOT1\n");  // reset cause: power-on (PORF)
    b->uart_write("hello");
    CHECK(b->uart_pending() == 0);  // all in the UART's input FIFO
    b->run_for(2'000);
    CHECK(b->uart_read_text() == "hello");
    // 5 bytes at 115200 baud take 5 x 86.8 us on the line (simavr counts 11 bits: 93.5 us).
    const auto& h = b->uart_history();
    REQUIRE(h.size() == 11);
    const auto first_echo_us = h[6].cycle / 16;
    const auto last_echo_us = h[10].cycle / 16;
    CHECK(last_echo_us - first_echo_us >= 4 * 80);
    CHECK(last_echo_us - first_echo_us <= 4 * 100);
}

TEST_CASE("sim: a long burst is delivered completely despite the UART's small buffer") {
    auto b = load_echo();
    read_line(*b);
    std::string burst;
    for (int i = 0; i < 400; ++i) burst += static_cast<char>('a' + i % 26);
    b->uart_write(burst);
    CHECK(b->uart_pending() > 300);  // the rest waits for XON
    b->run_for(400 * 94 + 5'000);
    CHECK(b->uart_pending() == 0);
    CHECK(b->uart_read_text() == burst);
}

TEST_CASE("sim: the timer pin toggles every 10 ms of simulated time") {
    auto b = load_echo();
    b->run_for(55'000);
    std::vector<std::uint64_t> toggles;
    for (const auto& c : b->pin_changes())
        if (c.port == 'B' && c.bit == 0) toggles.push_back(c.micros);
    REQUIRE(toggles.size() == 5);
    for (std::size_t i = 0; i < toggles.size(); ++i) {
        // First toggle 10 ms after timer start (a few microseconds after power-up).
        CHECK(toggles[i] >= (i + 1) * 10'000);
        CHECK(toggles[i] <= (i + 1) * 10'000 + 200);
    }
    CHECK(b->pin('B', 0) == (toggles.size() % 2 == 1));
    CHECK(b->pin_is_output('B', 0));
    CHECK_FALSE(b->pin_is_output('D', 2));
    CHECK_FALSE(b->pin('D', 2));  // input with pull-up: not driven
}

TEST_CASE("sim: a byte's low bit shows on PB1 right after the byte arrives") {
    auto b = load_echo();
    read_line(*b);
    b->clear_pin_changes();
    const auto sent_at = b->micros();
    b->uart_write("a");  // 0x61: low bit set
    b->run_for(1'000);
    bool seen = false;
    for (const auto& c : b->pin_changes()) {
        if (c.port == 'B' && c.bit == 1) {
            seen = true;
            CHECK(c.level);
            CHECK(c.micros - sent_at < 300);  // one byte time plus a few instructions
        }
    }
    CHECK(seen);
    CHECK(b->pin('B', 1));
    b->uart_write("b");
    b->run_for(1'000);
    CHECK_FALSE(b->pin('B', 1));
}

TEST_CASE("sim: ADC and digital inputs are read by the firmware") {
    auto b = load_echo();
    read_line(*b);
    b->uart_write("?");
    CHECK(read_line(*b) == "D2=1 A0=0\n");  // pull-up high, no current
    b->set_adc(0, 2'500);
    b->set_input('D', 2, false);
    b->uart_write("?");
    CHECK(read_line(*b) == "D2=0 A0=511\n");  // 2.5 V of 5 V on 10 bits
    // An input level set from outside survives the firmware's later writes to the port.
    b->uart_write("a");
    b->run_for(1'000);
    b->uart_read();
    b->set_adc(0, 5'000);
    b->uart_write("?");
    CHECK(read_line(*b) == "D2=0 A0=1023\n");
    b->set_input('D', 2, true);
    b->uart_write("?");
    CHECK(read_line(*b) == "D2=1 A0=1023\n");
}

TEST_CASE("sim: a sine on an ADC input is sampled in simulated time") {
    auto b = load_echo();
    read_line(*b);
    b->set_adc_sine(0, 2'500, 2'000, 50.0);
    int low = 1023;
    int high = 0;
    for (int i = 0; i < 40; ++i) {
        b->run_for(1'000);  // 40 samples 1 ms apart over two periods
        b->uart_write("?");
        const auto line = read_line(*b);
        REQUIRE(line.starts_with("D2=1 A0="));
        const int v = std::stoi(line.substr(8));
        low = std::min(low, v);
        high = std::max(high, v);
    }
    // 0.5 V .. 4.5 V: 102 .. 921 counts at the crests.
    CHECK(low < 150);
    CHECK(low >= 100);
    CHECK(high > 870);
    CHECK(high <= 922);
    b->set_adc(0, 1'000);  // back to a constant
    b->uart_write("?");
    CHECK(read_line(*b) == "D2=1 A0=204\n");
}

TEST_CASE("sim: an external reset restarts the firmware and drops its outputs") {
    auto b = load_echo();
    b->run_for(15'000);  // PB0 high after the first toggle
    CHECK(b->pin('B', 0));
    b->uart_read();
    const auto before = b->micros();
    b->reset();
    CHECK(b->resets() == 1);
    CHECK(b->watchdog_resets() == 0);
    CHECK(b->micros() == before);  // time goes on
    CHECK_FALSE(b->pin('B', 0));
    CHECK_FALSE(b->pin_changes().back().level);
    CHECK(read_line(*b) == "BOOT2\n");  // reset cause: external (EXTRF)
    b->uart_write("x");
    b->run_for(1'000);
    CHECK(b->uart_read_text() == "x");
}

TEST_CASE("sim: a starved watchdog resets the firmware") {
    auto b = load_echo();
    read_line(*b);
    b->uart_write("W");
    b->run_for(40'000);
    CHECK(b->state() != CpuState::crashed);
    CHECK(b->watchdog_resets() == 1);
    CHECK(b->resets() >= 1);
    CHECK(b->uart_read_text() == "BOOT8\n");  // reset cause: watchdog (WDRF)
    // The firmware still works after it.
    b->uart_write("y");
    b->run_for(1'000);
    CHECK(b->uart_read_text() == "y");
}

TEST_CASE("sim: sleeping with interrupts off stops the CPU for good") {
    auto b = load_echo();
    read_line(*b);
    b->uart_write("Z");
    CHECK(b->run_for(5'000) == CpuState::done);
}

TEST_CASE("sim: simulated time is deterministic and faster than real time") {
    const auto run = [] {
        auto b = load_echo();
        b->uart_write("deterministic");
        b->run_for(200'000);
        std::vector<std::uint64_t> times;
        for (const auto& u : b->uart_history()) times.push_back(u.cycle);
        for (const auto& c : b->pin_changes()) times.push_back(c.cycle);
        return times;
    };
    const auto start = std::chrono::steady_clock::now();
    const auto first = run();
    const auto wall = std::chrono::steady_clock::now() - start;
    CHECK(first == run());
    MESSAGE("200 ms simulated in " << std::chrono::duration<double, std::milli>(wall).count() << " ms");
}

TEST_CASE("sim: a missing or bad ELF is a readable problem") {
    auto missing = Board::load("/nonexistent/firmware.elf");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == etabli::sim::LoadError::Code::file_not_found);
    CHECK(missing.error().text == "Firmware file {0} not found.");
    CHECK(missing.error().english() == "Firmware file /nonexistent/firmware.elf not found.");
    auto bad = Board::load(ETABLI_TEST_DATA "/sim/test_sim.cpp");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == etabli::sim::LoadError::Code::not_avr_elf);
    CHECK(bad.error().text == "Firmware file {0} is not a valid AVR ELF.");

    // The harness knows nothing of the station (DESIGN.md): the station side translates its
    // plain error through the catalogue, keyed by the English text.
    std::stringstream po;
    po << std::ifstream(std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po").rdbuf();
    auto cat = etabli::core::parse_po(po.str());
    REQUIRE(cat.has_value());
    etabli::core::Translations tr;
    tr.fr = *cat;
    const etabli::core::Problem p{missing.error().text, missing.error().args};
    CHECK(tr.render(etabli::core::Lang::fr, p) == "Fichier de firmware /nonexistent/firmware.elf introuvable.");
}
