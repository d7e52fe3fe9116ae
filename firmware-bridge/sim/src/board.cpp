// Board on libsimavr: loading the ELF, the run loop in simulated time, the UART feed (XON/XOFF,
// retry while the receiver is off), pin tracking, ADC and input injection, simavr's log.
// Layer: firmware-bridge/sim (test tooling). Called only from the thread that owns the Board;
// simavr calls back into it (IRQ notifications, cycle timers) from inside run_cycles() on that
// same thread. The one piece of shared state is simavr's process-wide logger, hence the
// registry below behind a mutex.
//
// [SECTION] index: registry and logger · Impl · load · run · uart · pins · inputs
#include <etb_sim/board.hpp>

#include <avr_adc.h>
#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>
#include <sim_regbit.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace etabli::sim {

namespace {

// ATmega48/88/168/328 registers the harness reads directly. simavr has no ioctl for "is the
// receiver enabled", and bytes raised while it is off are silently dropped.
constexpr avr_io_addr_t kUcsr0b = 0xC1;
constexpr std::uint8_t kRxen0 = 1u << 4;
constexpr std::array<char, 3> kPorts{'B', 'C', 'D'};
constexpr std::size_t kMaxLogLines = 2000;

int port_index(char port) {
    for (std::size_t i = 0; i < kPorts.size(); ++i)
        if (kPorts[i] == port) return static_cast<int>(i);
    return -1;
}

}  // namespace

// [SECTION] Impl
struct Board::Impl {
    avr_t* avr = nullptr;
    BoardOptions options;
    avr_run_t raw_run = nullptr;
    void (*core_reset)(avr_t*) = nullptr;

    // UART towards the firmware: bytes waiting for the line, and simavr's flow control.
    std::vector<std::uint8_t> rx_queue;
    std::size_t rx_next = 0;
    bool rx_xoff = false;
    bool rx_timer_armed = false;
    avr_cycle_count_t byte_cycles = 0;
    avr_irq_t* uart_irqs = nullptr;
    // The ELF's symbol table, read by elf_read_firmware; simavr never frees it.
    avr_symbol_t** symbols = nullptr;
    std::uint32_t symbol_count = 0;

    // UART from the firmware.
    std::vector<std::uint8_t> tx_unread;
    std::vector<UartByte> tx_history;
    std::function<void(std::uint8_t)> tx_callback;

    // Pins: the driven level of each watched port, as last recorded.
    std::array<std::uint8_t, kPorts.size()> driven{};
    std::array<avr_irq_t*, kPorts.size()> port_irqs{};
    std::array<avr_ioport_external_t, kPorts.size()> external{};
    std::vector<PinChange> changes;
    std::function<void(const PinChange&)> change_callback;

    avr_irq_t* adc_irqs = nullptr;
    struct Sine {
        bool on = false;
        double offset_mv = 0, amplitude_mv = 0, hz = 0;
    };
    std::array<Sine, 8> sines{};
    std::array<bool, 8> floating{};
    std::uint64_t noise = 0;
    bool stop_requested = false;
    bool reset_seen = false;
    int resets = 0;
    int watchdog_resets = 0;
    std::vector<std::string> log;

    ~Impl();
    void record_port(std::size_t index, std::uint8_t port, std::uint8_t ddr);
    void rescan_ports();
    void feed_uart();
    void arm_rx_timer();
    void after_reset();
};

// [SECTION] registry and logger
namespace {

std::mutex g_registry_mutex;
std::unordered_map<const avr_t*, Board::Impl*>& registry() {
    static std::unordered_map<const avr_t*, Board::Impl*> map;
    return map;
}

Board::Impl* find_impl(const avr_t* avr) {
    std::lock_guard lock(g_registry_mutex);
    const auto it = registry().find(avr);
    return it == registry().end() ? nullptr : it->second;
}

void board_logger(avr_t* avr, const int level, const char* format, va_list ap) {
    std::array<char, 512> buffer{};
    std::vsnprintf(buffer.data(), buffer.size(), format, ap);
    std::string line(buffer.data());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    Board::Impl* impl = avr ? find_impl(avr) : nullptr;
    // Messages without a board (ELF reading) follow the default: errors only.
    const int stderr_level = impl ? impl->options.stderr_log_level : LOG_ERROR;
    if (level <= stderr_level) std::fprintf(stderr, "simavr: %s\n", line.c_str());
    if (impl && level <= LOG_WARNING) {
        if (impl->log.size() >= kMaxLogLines) impl->log.erase(impl->log.begin());
        impl->log.push_back(std::move(line));
    }
}

// Time in simulated time only: simavr's default sleep callback would usleep() to pace the
// firmware to the wall clock, which makes tests slow and timing-dependent.
void no_sleep(avr_t*, avr_cycle_count_t) {}

avr_cycle_count_t stop_timer(avr_t*, avr_cycle_count_t, void* param) {
    static_cast<Board::Impl*>(param)->stop_requested = true;
    return 0;
}

avr_cycle_count_t rx_timer(avr_t*, avr_cycle_count_t, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    impl->rx_timer_armed = false;
    impl->feed_uart();
    return 0;
}

void on_uart_output(avr_irq_t*, std::uint32_t value, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    const auto byte = static_cast<std::uint8_t>(value & 0xFFu);
    impl->tx_unread.push_back(byte);
    impl->tx_history.push_back(UartByte{byte, impl->avr->cycle});
    if (impl->tx_callback) impl->tx_callback(byte);
}

void on_uart_xon(avr_irq_t*, std::uint32_t value, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    if (!value) return;
    impl->rx_xoff = false;
    if (impl->rx_next < impl->rx_queue.size()) impl->feed_uart();
}

void on_uart_xoff(avr_irq_t*, std::uint32_t value, void* param) {
    static_cast<Board::Impl*>(param)->rx_xoff = value != 0;
}

// PORTx written: `value` is the new PORT; DDR is already in data memory.
template <std::size_t I>
void on_port_write(avr_irq_t*, std::uint32_t value, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    avr_ioport_state_t state{};
    avr_ioctl(impl->avr, AVR_IOCTL_IOPORT_GETSTATE(kPorts[I]), &state);
    impl->record_port(I, static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(state.ddr));
}

// DDRx written: simavr raises this before storing the new DDR, so `value` is the new DDR.
template <std::size_t I>
void on_ddr_write(avr_irq_t*, std::uint32_t value, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    avr_ioport_state_t state{};
    avr_ioctl(impl->avr, AVR_IOCTL_IOPORT_GETSTATE(kPorts[I]), &state);
    impl->record_port(I, static_cast<std::uint8_t>(state.port), static_cast<std::uint8_t>(value));
}

// A conversion starts: refresh the channels whose voltage depends on time (before simavr reads
// them at the end of the conversion).
void on_adc_trigger(avr_irq_t*, std::uint32_t, void* param) {
    auto* impl = static_cast<Board::Impl*>(param);
    const double t = static_cast<double>(impl->avr->cycle) / impl->avr->frequency;
    for (std::size_t ch = 0; ch < impl->sines.size(); ++ch) {
        std::uint32_t mv = 0;
        if (impl->sines[ch].on) {
            const auto& w = impl->sines[ch];
            const double v = w.offset_mv + w.amplitude_mv * std::sin(2.0 * 3.14159265358979323846 * w.hz * t);
            mv = static_cast<std::uint32_t>(std::clamp(v, 0.0, 10'000.0));
        } else if (impl->floating[ch]) {
            // xorshift64: a few millivolts of deterministic noise around mid-supply.
            impl->noise ^= impl->noise << 13;
            impl->noise ^= impl->noise >> 7;
            impl->noise ^= impl->noise << 17;
            mv = impl->avr->vcc / 2 + static_cast<std::uint32_t>(impl->noise % 64u);
        } else {
            continue;
        }
        avr_raise_irq(impl->adc_irqs + ADC_IRQ_ADC0 + ch, mv);
    }
}

// Wraps the core's reset so every reset is seen, whoever causes it (harness, watchdog).
void reset_hook(avr_t* avr) {
    Board::Impl* impl = find_impl(avr);
    if (!impl) return;
    if (impl->core_reset) impl->core_reset(avr);
    ++impl->resets;
    // simavr's watchdog swaps its own run callback in to perform the reset.
    if (avr->run != impl->raw_run) ++impl->watchdog_resets;
    impl->reset_seen = true;
}

}  // namespace

Board::Impl::~Impl() {
    if (avr) {
        {
            std::lock_guard lock(g_registry_mutex);
            registry().erase(avr);
        }
        avr_terminate(avr);
        std::free(avr);
    }
    // Freed last: simavr may point at them until it terminates. (It leaves its IRQ pool
    // allocated too, and offers no call to free it: see tests/sim/lsan.supp.)
    for (std::uint32_t i = 0; i < symbol_count; ++i) std::free(symbols[i]);
    std::free(symbols);
}

void Board::Impl::record_port(std::size_t index, std::uint8_t port, std::uint8_t ddr) {
    const auto now_driven = static_cast<std::uint8_t>(port & ddr);
    const auto changed = static_cast<std::uint8_t>(now_driven ^ driven[index]);
    driven[index] = now_driven;
    if (!changed) return;
    for (int bit = 0; bit < 8; ++bit) {
        if (!(changed & (1u << bit))) continue;
        const PinChange change{kPorts[index], bit, (now_driven >> bit & 1u) != 0, avr->cycle,
                               avr->cycle * 1'000'000ull / avr->frequency};
        changes.push_back(change);
        if (change_callback) change_callback(change);
    }
}

// A reset cancelled every cycle timer (the line feed included) and put the pins back to inputs.
void Board::Impl::after_reset() {
    reset_seen = false;
    rx_timer_armed = false;
    rx_xoff = false;
    rescan_ports();
    arm_rx_timer();
}

void Board::Impl::rescan_ports() {
    for (std::size_t i = 0; i < kPorts.size(); ++i) {
        avr_ioport_state_t state{};
        if (avr_ioctl(avr, AVR_IOCTL_IOPORT_GETSTATE(kPorts[i]), &state) == 0)
            record_port(i, static_cast<std::uint8_t>(state.port), static_cast<std::uint8_t>(state.ddr));
    }
}

// Hands queued bytes to simavr's UART until its input FIFO is full (XOFF). simavr then
// delivers them to the firmware one byte time apart, at the baud rate the firmware set, like a
// real line. Called on uart_write(), on XON, and from a retry timer while bytes wait.
void Board::Impl::feed_uart() {
    // A byte that arrives while the receiver is off (before the firmware set it up, or during a
    // reset) would be lost on real hardware; keeping it queued makes tests independent of the
    // boot time, and a station never relies on bytes sent to a board that is not listening.
    const bool receiving = (avr->data[kUcsr0b] & kRxen0) != 0;
    while (receiving && !rx_xoff && rx_next < rx_queue.size())
        avr_raise_irq(uart_irqs + UART_IRQ_INPUT, rx_queue[rx_next++]);
    if (rx_next >= rx_queue.size()) {
        rx_queue.clear();
        rx_next = 0;
        return;
    }
    // Receiver off, or FIFO full and a firmware that never polls UCSR0A (where simavr raises
    // XON): try again one byte time later.
    arm_rx_timer();
}

void Board::Impl::arm_rx_timer() {
    if (rx_timer_armed || rx_next >= rx_queue.size()) return;
    rx_timer_armed = true;
    avr_cycle_timer_register(avr, byte_cycles, rx_timer, this);
}

// [SECTION] load
std::string LoadError::english() const {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // {0}..{9}; anything else is copied as written.
        if (text[i] == '{' && i + 2 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9' &&
            text[i + 2] == '}') {
            const auto n = static_cast<std::size_t>(text[i + 1] - '0');
            if (n < args.size()) {
                out += args[n];
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

namespace {
LoadError load_error(LoadError::Code code, std::string text, std::string arg) {
    return LoadError{code, std::move(text), {std::move(arg)}};
}
}  // namespace

std::expected<std::unique_ptr<Board>, LoadError> Board::load(const std::string& elf,
                                                             const BoardOptions& options) {
    using Code = LoadError::Code;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(elf, ec))
        return std::unexpected(load_error(Code::file_not_found, "Firmware file {0} not found.", elf));
    {
        static std::once_flag logger_once;
        std::call_once(logger_once, [] { avr_global_logger_set(board_logger); });
    }
    // simavr's reader accepts files that are not ELF at all (and loads nothing): check the
    // header ourselves. e_machine 83 is EM_AVR.
    {
        std::array<unsigned char, 20> header{};
        std::FILE* f = std::fopen(elf.c_str(), "rb");
        const std::size_t got = f ? std::fread(header.data(), 1, header.size(), f) : 0;
        if (f) std::fclose(f);
        if (got < header.size() || header[0] != 0x7F || header[1] != 'E' || header[2] != 'L' ||
            header[3] != 'F' || header[18] != 83 || header[19] != 0)
            return std::unexpected(load_error(Code::not_avr_elf, "Firmware file {0} is not a valid AVR ELF.", elf));
    }
    // elf_firmware_t is large (traces, symbols); keep it off the stack.
    auto firmware = std::make_unique<elf_firmware_t>();
    if (elf_read_firmware(elf.c_str(), firmware.get()) != 0)
        return std::unexpected(load_error(Code::not_avr_elf, "Firmware file {0} is not a valid AVR ELF.", elf));
    const std::string mcu = firmware->mmcu[0] ? std::string(firmware->mmcu) : options.mcu;
    if (!firmware->frequency) firmware->frequency = options.frequency_hz;
    if (!firmware->vcc) firmware->vcc = options.vcc_mv;
    if (!firmware->avcc) firmware->avcc = options.vcc_mv;
    if (!firmware->aref) firmware->aref = options.vcc_mv;

    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->symbols = firmware->symbol;
    impl->symbol_count = firmware->symbolcount;
    impl->avr = avr_make_mcu_by_name(mcu.c_str());
    if (!impl->avr) {
        std::free(firmware->flash);
        std::free(firmware->eeprom);
        return std::unexpected(load_error(Code::unknown_mcu, "The simulator does not know the microcontroller {0}.", mcu));
    }
    avr_t* avr = impl->avr;
    {
        std::lock_guard lock(g_registry_mutex);
        registry()[avr] = impl.get();
    }
    // A 4-bit field in simavr: masked so the narrowing is explicit.
    avr->log = static_cast<std::uint8_t>(std::clamp(options.stderr_log_level, static_cast<int>(LOG_WARNING),
                                                    static_cast<int>(LOG_DEBUG))) & 0x0Fu;
    avr_init(avr);
    avr_load_firmware(avr, firmware.get());
    // avr_load_firmware copies the flash and EEPROM images.
    std::free(firmware->flash);
    std::free(firmware->eeprom);
    avr->sleep = no_sleep;
    impl->raw_run = avr->run;
    impl->core_reset = avr->reset;
    avr->reset = reset_hook;

    // Stay quiet and never usleep() on polled reads: no console printing of UART lines.
    std::uint32_t flags = 0;
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    impl->uart_irqs = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), 0);
    if (!impl->uart_irqs)
        return std::unexpected(load_error(Code::no_uart, "The microcontroller {0} has no UART 0.", mcu));
    avr_irq_register_notify(impl->uart_irqs + UART_IRQ_OUTPUT, on_uart_output, impl.get());
    avr_irq_register_notify(impl->uart_irqs + UART_IRQ_OUT_XON, on_uart_xon, impl.get());
    avr_irq_register_notify(impl->uart_irqs + UART_IRQ_OUT_XOFF, on_uart_xoff, impl.get());
    // 10 bits per byte (8N1).
    impl->byte_cycles = std::max<avr_cycle_count_t>(1, avr->frequency * 10ull / std::max(1u, options.baud));

    const auto watch = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
        avr_irq_t* irqs = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(kPorts[I]), 0);
        impl->port_irqs[I] = irqs;
        if (!irqs) return;
        // Unfiltered, so a write after a reset that repeats the value from before it is seen.
        irqs[IOPORT_IRQ_REG_PORT].flags &= static_cast<std::uint8_t>(~IRQ_FLAG_FILTERED);
        irqs[IOPORT_IRQ_DIRECTION_ALL].flags &= static_cast<std::uint8_t>(~IRQ_FLAG_FILTERED);
        avr_irq_register_notify(irqs + IOPORT_IRQ_REG_PORT, on_port_write<I>, impl.get());
        avr_irq_register_notify(irqs + IOPORT_IRQ_DIRECTION_ALL, on_ddr_write<I>, impl.get());
        impl->external[I].name = static_cast<unsigned char>(kPorts[I]) & 0x7Fu;
    };
    watch(std::integral_constant<std::size_t, 0>{});
    watch(std::integral_constant<std::size_t, 1>{});
    watch(std::integral_constant<std::size_t, 2>{});
    impl->adc_irqs = avr_io_getirq(avr, AVR_IOCTL_ADC_GETIRQ, 0);
    impl->noise = options.noise_seed ? options.noise_seed : 1;
    for (const int ch : options.floating_adc_channels)
        if (ch >= 0 && ch < 8) impl->floating[static_cast<std::size_t>(ch)] = true;
    if (impl->adc_irqs) avr_irq_register_notify(impl->adc_irqs + ADC_IRQ_OUT_TRIGGER, on_adc_trigger, impl.get());
    return std::unique_ptr<Board>(new Board(std::move(impl)));
}

Board::Board(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Board::~Board() = default;

// [SECTION] run
namespace {
CpuState to_state(int s) {
    switch (s) {
    case cpu_Sleeping: return CpuState::sleeping;
    case cpu_Done: return CpuState::done;
    case cpu_Crashed: return CpuState::crashed;
    default: return CpuState::running;
    }
}
}  // namespace

CpuState Board::run_cycles(std::uint64_t n) {
    avr_t* avr = m_impl->avr;
    if (n == 0) return state();
    const avr_cycle_count_t target = avr->cycle + n;
    // A timer at the target keeps a sleeping CPU from jumping past it.
    m_impl->stop_requested = false;
    avr_cycle_timer_register(avr, n, stop_timer, m_impl.get());
    while (avr->cycle < target) {
        const int s = avr_run(avr);
        if (m_impl->reset_seen) {
            m_impl->after_reset();
            if (avr->cycle < target) avr_cycle_timer_register(avr, target - avr->cycle, stop_timer, m_impl.get());
        }
        if (s == cpu_Done || s == cpu_Crashed) break;
    }
    avr_cycle_timer_cancel(avr, stop_timer, m_impl.get());
    return state();
}

CpuState Board::run_for(std::uint64_t us) {
    return run_cycles(us * m_impl->avr->frequency / 1'000'000ull);
}

std::uint64_t Board::cycles() const { return m_impl->avr->cycle; }
std::uint64_t Board::micros() const { return m_impl->avr->cycle * 1'000'000ull / m_impl->avr->frequency; }
std::uint32_t Board::frequency_hz() const { return m_impl->avr->frequency; }
CpuState Board::state() const { return to_state(m_impl->avr->state); }
int Board::resets() const { return m_impl->resets; }
int Board::watchdog_resets() const { return m_impl->watchdog_resets; }

void Board::reset() {
    avr_t* avr = m_impl->avr;
    // avr_reset cancels every cycle timer, ours included; time goes on from here.
    const avr_cycle_count_t now = avr->cycle;
    avr_reset(avr);
    avr->cycle = now;
    avr->state = cpu_Running;
    // As the chip does for its RESET pin: the firmware can tell this reset from a power-up.
    if (avr->reset_flags.extrf.reg) avr_regbit_set(avr, avr->reset_flags.extrf);
    m_impl->after_reset();
}

void Board::hang() {
    avr_t* avr = m_impl->avr;
    // `rjmp .-2` (0xCFFF, little-endian) in the last flash word; the PC is a byte address.
    const avr_flashaddr_t at = avr->flashend - 1;
    avr->flash[at] = 0xFF;
    avr->flash[at + 1] = 0xCF;
    avr->pc = at;
    avr->sreg[S_I] = 0;
    avr->data[R_SREG] = static_cast<std::uint8_t>(avr->data[R_SREG] & 0x7Fu);
    avr->state = cpu_Running;
}

// [SECTION] uart
void Board::uart_write(std::span<const std::uint8_t> bytes) {
    m_impl->rx_queue.insert(m_impl->rx_queue.end(), bytes.begin(), bytes.end());
    m_impl->feed_uart();
}

void Board::uart_write(std::string_view text) {
    uart_write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::size_t Board::uart_pending() const { return m_impl->rx_queue.size() - m_impl->rx_next; }

std::vector<std::uint8_t> Board::uart_read() { return std::exchange(m_impl->tx_unread, {}); }

std::string Board::uart_read_text() {
    const auto bytes = uart_read();
    return std::string(bytes.begin(), bytes.end());
}

const std::vector<UartByte>& Board::uart_history() const { return m_impl->tx_history; }
void Board::clear_uart_history() { m_impl->tx_history.clear(); }
void Board::on_uart_byte(std::function<void(std::uint8_t)> callback) { m_impl->tx_callback = std::move(callback); }

// [SECTION] pins
bool Board::pin(char port, int bit) const {
    const int i = port_index(port);
    if (i < 0 || bit < 0 || bit > 7) return false;
    avr_ioport_state_t state{};
    if (avr_ioctl(m_impl->avr, AVR_IOCTL_IOPORT_GETSTATE(port), &state) != 0) return false;
    return ((state.port & state.ddr) >> bit & 1u) != 0;
}

bool Board::pin_is_output(char port, int bit) const {
    avr_ioport_state_t state{};
    if (port_index(port) < 0 || bit < 0 || bit > 7) return false;
    if (avr_ioctl(m_impl->avr, AVR_IOCTL_IOPORT_GETSTATE(port), &state) != 0) return false;
    return (state.ddr >> bit & 1u) != 0;
}

const std::vector<PinChange>& Board::pin_changes() const { return m_impl->changes; }
void Board::clear_pin_changes() { m_impl->changes.clear(); }
void Board::on_pin_change(std::function<void(const PinChange&)> callback) {
    m_impl->change_callback = std::move(callback);
}

// [SECTION] inputs
void Board::set_adc(int channel, std::uint32_t millivolts) {
    if (!m_impl->adc_irqs || channel < 0 || channel > 7) return;
    m_impl->sines[static_cast<std::size_t>(channel)].on = false;
    m_impl->floating[static_cast<std::size_t>(channel)] = false;
    avr_raise_irq(m_impl->adc_irqs + ADC_IRQ_ADC0 + channel, millivolts);
}

void Board::set_adc_sine(int channel, std::uint32_t offset_mv, std::uint32_t amplitude_mv, double hz) {
    if (!m_impl->adc_irqs || channel < 0 || channel > 7) return;
    m_impl->sines[static_cast<std::size_t>(channel)] = Impl::Sine{true, static_cast<double>(offset_mv),
                                                                  static_cast<double>(amplitude_mv), hz};
    m_impl->floating[static_cast<std::size_t>(channel)] = false;
}

void Board::set_input(char port, int bit, bool level) {
    const int i = port_index(port);
    if (i < 0 || bit < 0 || bit > 7 || !m_impl->port_irqs[static_cast<std::size_t>(i)]) return;
    // Declared as the pin's external level too: simavr otherwise re-applies the pull-up on
    // every later write to the port and the injected level would be lost.
    auto& ext = m_impl->external[static_cast<std::size_t>(i)];
    const auto mask = static_cast<unsigned>(1u << bit);
    ext.mask = (ext.mask | mask) & 0xFFu;
    ext.value = level ? ((ext.value | mask) & 0xFFu) : (ext.value & ~mask & 0xFFu);
    avr_ioctl(m_impl->avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &ext);
    avr_raise_irq(m_impl->port_irqs[static_cast<std::size_t>(i)] + bit, level ? 1u : 0u);
}

const std::vector<std::string>& Board::log() const { return m_impl->log; }

std::string_view to_string(CpuState s) {
    switch (s) {
    case CpuState::running: return "running";
    case CpuState::sleeping: return "sleeping";
    case CpuState::done: return "done";
    case CpuState::crashed: return "crashed";
    }
    return "unknown";
}

}  // namespace etabli::sim
