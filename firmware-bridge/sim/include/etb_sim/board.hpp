// A simulated controller board: a real AVR ELF (the controller firmware, or a test program)
// running in libsimavr with deterministic simulated time. Tests drive it in-process: they
// write bytes to its UART and read what it sends, read its relay pins and when each changed,
// and set its current-sense ADC inputs and feedback digital inputs. The pty bridge
// (etabli-controller-sim) drives the same class from real time.
// Layer: firmware-bridge/sim, test and development tooling only (never linked into the
// station). Not thread-safe: one thread owns a Board and calls all of its members.
//
// Time never comes from the wall clock here: it advances only inside run_for()/run_until(),
// by whole CPU cycles (62.5 ns at 16 MHz), so a test gives the same result on every machine.
//
// The header lives under etb_sim/, not etabli/: firmware-bridge depends on nothing of the
// station (DESIGN.md), so load errors are plain values (LoadError) that the station's side
// turns into translated problems where it shows them.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::sim {

struct BoardOptions {
    // Used when the ELF carries no .mmcu section (AVR_MCU() from avr_mcu_section.h).
    std::string mcu = "atmega328p";
    std::uint32_t frequency_hz = 16'000'000;
    // Bytes written by uart_write() reach the firmware at the pace of the baud rate the firmware
    // set itself (simavr's UART model). This one only sets how often a byte that could not be
    // delivered (receiver off, input FIFO full) is tried again: one byte time at this rate.
    std::uint32_t baud = 115'200;
    // Supply and reference voltages for the ADC, unless the ELF sets them (AVR_MCU_VOLTAGES).
    std::uint32_t vcc_mv = 5'000;
    // simavr's own messages at or below this level reach stderr (simavr's levels: 0 none,
    // 1 output, 2 errors, 3 warnings, 4 trace); messages up to warnings are kept in log().
    int stderr_log_level = 2;
    // ADC channels left unconnected (A7 on a Nano): each conversion reads a few bits of
    // noise from a generator seeded with `noise_seed`, so firmware that draws entropy there
    // (a boot id) gets a different value at every boot, the same one on every test run.
    std::vector<int> floating_adc_channels{7};
    std::uint64_t noise_seed = 0x5EED'E7AB'11CAull;
};

// Why a firmware could not be loaded. `text` is the English sentence with {0} placeholders
// (also the key of its French translation in assets/i18n/fr.po), `args` fill them.
struct LoadError {
    enum class Code { file_not_found, not_avr_elf, unknown_mcu, no_uart };
    Code code;
    std::string text;
    std::vector<std::string> args;
    // The sentence with its arguments filled in, untranslated.
    std::string english() const;
};

// Why the simulated CPU stopped running for good (until reset()).
enum class CpuState { running, sleeping, done, crashed };

// One change of a port pin's driven level, as the firmware wrote it.
struct PinChange {
    char port;        // 'B', 'C', 'D'
    int bit;          // 0..7
    bool level;       // true: driven high
    std::uint64_t cycle;
    std::uint64_t micros;  // simulated microseconds since power-up, rounded down
};

// A byte the firmware sent, with the simulated time it was written to the UART data register.
struct UartByte {
    std::uint8_t value;
    std::uint64_t cycle;
};

class Board {
public:
    // Loads `elf` into a fresh simulated MCU at power-up (every pin an input, as on the chip).
    // Fails with a LoadError when the file cannot be read or the MCU is unknown.
    static std::expected<std::unique_ptr<Board>, LoadError> load(const std::string& elf,
                                                                  const BoardOptions& options = {});
    ~Board();
    Board(const Board&) = delete;
    Board& operator=(const Board&) = delete;

    // [time] Runs the CPU for `us` simulated microseconds (stops exactly at the target cycle).
    // Returns the CPU state at the end; once done or crashed, time stops advancing.
    CpuState run_for(std::uint64_t us);
    CpuState run_cycles(std::uint64_t cycles);
    std::uint64_t cycles() const;
    std::uint64_t micros() const;  // simulated microseconds since power-up
    std::uint32_t frequency_hz() const;
    CpuState state() const;
    // External reset (the RESET pin, or DTR on an Arduino): restarts the firmware; the pins
    // go back to inputs; received-but-unread UART bytes are lost, queued input is kept.
    void reset();
    // Simulates a firmware lock-up (a bug, a glitch): the CPU spins in place with interrupts
    // off, as stuck code would, until the watchdog resets it (if the firmware armed it).
    // Uses the last word of flash, which must be free (no bootloader in a simulated ELF).
    void hang();
    // Number of resets seen (external and watchdog); a watchdog reset also increments
    // watchdog_resets().
    int resets() const;
    int watchdog_resets() const;

    // [uart] Queues bytes for the firmware. They enter its UART's input FIFO (64 bytes in simavr)
    // while its receiver is enabled and the FIFO has room (XON/XOFF), and the firmware receives
    // them one byte time apart. Bytes sent while the receiver is off wait (a real board would
    // lose them): tests need not know how long the firmware takes to boot.
    void uart_write(std::span<const std::uint8_t> bytes);
    void uart_write(std::string_view text);
    std::size_t uart_pending() const;  // queued, not yet delivered to the UART
    // Takes every byte the firmware has sent since the last call.
    std::vector<std::uint8_t> uart_read();
    std::string uart_read_text();
    // Every byte the firmware ever sent (not cleared by uart_read), with its time.
    const std::vector<UartByte>& uart_history() const;
    void clear_uart_history();  // long runs (the pty bridge) keep memory bounded
    // Called for each byte the firmware sends, in simulated time order (optional).
    void on_uart_byte(std::function<void(std::uint8_t)> callback);

    // [pins] The driven level of a pin: true when it is an output driven high. An input
    // (high impedance, even with its pull-up) reads false, like an un-driven relay module.
    bool pin(char port, int bit) const;
    bool pin_is_output(char port, int bit) const;
    // Every change of a driven level since power-up (or since clear_pin_changes()).
    const std::vector<PinChange>& pin_changes() const;
    void clear_pin_changes();
    // Called after each recorded change (optional).
    void on_pin_change(std::function<void(const PinChange&)> callback);

    // [inputs] Sets the voltage on ADC channel `channel` (0..7) in millivolts (a constant;
    // ends any sine set on that channel).
    void set_adc(int channel, std::uint32_t millivolts);
    // An alternating voltage on `channel`: offset + amplitude * sin(2 pi hz t), in simulated
    // time, sampled at each conversion: a current transformer on its bias (mains at 50 Hz).
    void set_adc_sine(int channel, std::uint32_t offset_mv, std::uint32_t amplitude_mv, double hz = 50.0);
    // Drives an input pin from outside (a feedback contact). Setting it overrides the pull-up.
    void set_input(char port, int bit, bool level);

    // [log] simavr's messages, newest last.
    const std::vector<std::string>& log() const;

    struct Impl;

private:
    explicit Board(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

std::string_view to_string(CpuState s);

}  // namespace etabli::sim
