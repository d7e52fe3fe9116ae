/* The ATmega328P board (Arduino Nano / Uno at 16 MHz) and the firmware's main(): fw_board on
 * avr-libc registers. UART0 at 115200 baud with U2X (received bytes go through an interrupt
 * into a ring buffer; sending polls), Timer0 as a 1 ms tick, ADC sampling of the current
 * transformers, feedback inputs with pull-ups, watchdog at 500 ms fed only from the main loop,
 * reset cause from MCUSR. Layer: firmware-bridge/firmware (AVR build only), C99 + avr-libc.
 * Interrupts: USART_RX and TIMER0_COMPA only touch the ring buffer and the tick; everything
 * else runs in the main loop. */
#include "fw_core.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/wdt.h>
#include <util/atomic.h>

#ifdef FW_SIMAVR_MCU_SECTION
/* Simulator build: tells simavr the MCU and clock (not in the flashable ELF). */
#include <avr_mcu_section.h>
AVR_MCU(F_CPU, "atmega328p");
#endif

#define FW_BAUD 115200ul
#define FW_RX_RING 128u /* power of two; 11 ms of line time at 115200 baud */

static const uint8_t k_relay_pins[ETB_MAX_CHANNELS] = FW_RELAY_PINS_PORTD;
static const uint8_t k_feedback_pins[ETB_MAX_CHANNELS] = FW_FEEDBACK_PINS_PORTB;
static const uint8_t k_current_adc[ETB_MAX_CHANNELS] = FW_CURRENT_ADC;

static volatile uint32_t g_ms;
static volatile uint8_t g_rx[FW_RX_RING];
static volatile uint8_t g_rx_head; /* written by the ISR */
static uint8_t g_rx_tail;          /* read by the main loop */

/* MCUSR survives in .noinit: read and cleared before main (the watchdog stays armed after a
 * watchdog reset, and must be disabled before the C runtime spends time in .init). */
static uint8_t g_mcusr __attribute__((section(".noinit")));
void fw_early_init(void) __attribute__((naked, used, section(".init3")));
void fw_early_init(void) {
    g_mcusr = MCUSR;
    MCUSR = 0;
    wdt_disable();
}

ISR(USART_RX_vect) {
    const uint8_t b = UDR0;
    const uint8_t next = (uint8_t)((g_rx_head + 1u) & (FW_RX_RING - 1u));
    if (next != g_rx_tail) { /* full: the byte is lost, the frame's CRC will say so */
        g_rx[g_rx_head] = b;
        g_rx_head = next;
    }
}

ISR(TIMER0_COMPA_vect) {
    ++g_ms;
}

/* [SECTION] Current sampling: peak-to-peak over 40 ms (two mains periods at 50 Hz), one ADC
 * conversion per main-loop pass, channels in turn. */
static uint16_t g_cur_min[ETB_MAX_CHANNELS];
static uint16_t g_cur_max[ETB_MAX_CHANNELS];
static uint16_t g_cur_ma[ETB_MAX_CHANNELS];
static uint8_t g_adc_ch;
static uint8_t g_adc_busy;
static uint32_t g_window_start;

static void adc_start(uint8_t ch) {
    ADMUX = (uint8_t)((1u << REFS0) | (k_current_adc[ch] & 0x0Fu));
    ADCSRA |= (uint8_t)(1u << ADSC);
    g_adc_busy = 1;
}

static void adc_window_reset(void) {
    uint8_t i;
    for (i = 0; i < ETB_MAX_CHANNELS; ++i) {
        g_cur_min[i] = 0xFFFFu;
        g_cur_max[i] = 0;
    }
}

static void sample_current(uint32_t now) {
    uint8_t i;
    if (g_adc_busy && !(ADCSRA & (1u << ADSC))) {
        const uint16_t v = ADC;
        if (v < g_cur_min[g_adc_ch]) {
            g_cur_min[g_adc_ch] = v;
        }
        if (v > g_cur_max[g_adc_ch]) {
            g_cur_max[g_adc_ch] = v;
        }
        g_adc_busy = 0;
        g_adc_ch = (uint8_t)((g_adc_ch + 1u) % FW_CHANNELS);
    }
    if (now - g_window_start >= 40u) {
        for (i = 0; i < FW_CHANNELS; ++i) {
            const uint32_t p2p = g_cur_max[i] >= g_cur_min[i] ? (uint32_t)(g_cur_max[i] - g_cur_min[i]) : 0u;
            const uint32_t ma = p2p * FW_CURRENT_MA_PER_COUNT;
            g_cur_ma[i] = ma > 65535u ? 65535u : (uint16_t)ma;
        }
        adc_window_reset();
        g_window_start = now;
    }
    if (!g_adc_busy) {
        adc_start(g_adc_ch);
    }
}

/* [SECTION] fw_board */

static uint32_t avr_millis(void* ctx) {
    uint32_t ms;
    (void)ctx;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
        ms = g_ms;
    }
    return ms;
}

static void avr_uart_write(void* ctx, const uint8_t* data, uint8_t len) {
    uint8_t i;
    (void)ctx;
    for (i = 0; i < len; ++i) {
        while (!(UCSR0A & (1u << UDRE0))) {
        }
        UDR0 = data[i];
    }
}

static void avr_relay_set(void* ctx, uint8_t ch, uint8_t on) {
    const uint8_t bit = (uint8_t)(1u << k_relay_pins[ch]);
    (void)ctx;
    if ((on != 0u) != (FW_RELAY_ACTIVE_LOW != 0)) {
        PORTD = (uint8_t)(PORTD | bit);
    } else {
        PORTD = (uint8_t)(PORTD & (uint8_t)~bit);
    }
}

static uint8_t avr_feedback(void* ctx, uint8_t ch) {
    (void)ctx;
    /* Pull-up: an open contact reads 1, a closed one pulls the pin to ground. */
    return (uint8_t)((PINB & (1u << k_feedback_pins[ch])) ? 0u : 1u);
}

static uint16_t avr_current(void* ctx, uint8_t ch) {
    (void)ctx;
    return g_cur_ma[ch];
}

/* Entropy: the low bits of an unconnected ADC input (A7 on a Nano) and the tick timer. */
static uint32_t avr_seed(void* ctx) {
    uint32_t s = 0;
    uint8_t i;
    (void)ctx;
    for (i = 0; i < 32u; ++i) {
        ADMUX = (uint8_t)((1u << REFS0) | 7u);
        ADCSRA |= (uint8_t)(1u << ADSC);
        while (ADCSRA & (1u << ADSC)) {
        }
        s = (s << 1) ^ (s >> 31) ^ ADC ^ TCNT0;
    }
    return s;
}

static uint8_t avr_reset_cause(void* ctx) {
    (void)ctx;
    if (g_mcusr & (1u << WDRF)) {
        return ETB_RESET_WATCHDOG;
    }
    if (g_mcusr & (1u << BORF)) {
        return ETB_RESET_BROWN_OUT;
    }
    if (g_mcusr & (1u << EXTRF)) {
        return ETB_RESET_EXTERNAL;
    }
    if (g_mcusr & (1u << PORF)) {
        return ETB_RESET_POWER_ON;
    }
    return ETB_RESET_UNKNOWN;
}

static void avr_watchdog(void* ctx) {
    (void)ctx;
    wdt_reset();
}

static const fw_board k_board = {
    0, avr_millis, avr_uart_write, avr_relay_set, avr_feedback, avr_current, avr_seed, avr_reset_cause, avr_watchdog,
};

static fw_core g_core;

int main(void) {
    uint8_t i;
    /* Relays open before anything else: output latch first, then direction. */
    for (i = 0; i < FW_CHANNELS; ++i) {
        const uint8_t relay_bit = (uint8_t)(1u << k_relay_pins[i]);
        const uint8_t feedback_bit = (uint8_t)(1u << k_feedback_pins[i]);
        avr_relay_set(0, i, 0);
        DDRD = (uint8_t)(DDRD | relay_bit);
        DDRB = (uint8_t)(DDRB & (uint8_t)~feedback_bit);
        PORTB = (uint8_t)(PORTB | feedback_bit);
    }
    wdt_enable(WDTO_500MS);

    /* UART0: 115200 8N1, U2X (UBRR 16: +2.1 %, what every Arduino bootloader uses). */
    UCSR0A = (uint8_t)(1u << U2X0);
    UBRR0 = (uint16_t)((F_CPU / (8ul * FW_BAUD)) - 1ul);
    UCSR0B = (uint8_t)((1u << RXEN0) | (1u << TXEN0) | (1u << RXCIE0));
    UCSR0C = (uint8_t)((1u << UCSZ01) | (1u << UCSZ00));

    /* Timer0: CTC, prescaler 64, 250 counts = 1 ms at 16 MHz. */
    TCCR0A = (uint8_t)(1u << WGM01);
    TCCR0B = (uint8_t)((1u << CS01) | (1u << CS00));
    OCR0A = (uint8_t)(F_CPU / 64ul / 1000ul - 1ul);
    TIMSK0 = (uint8_t)(1u << OCIE0A);

    /* ADC: AVcc reference, clock F_CPU/128 = 125 kHz (about 9.6k conversions a second). */
    ADCSRA = (uint8_t)((1u << ADEN) | (1u << ADPS2) | (1u << ADPS1) | (1u << ADPS0));
    adc_window_reset();

    fw_core_init(&g_core, &k_board, (uint8_t)FW_CHANNELS);
    sei();
    for (;;) {
        while (g_rx_tail != g_rx_head) {
            const uint8_t b = g_rx[g_rx_tail];
            g_rx_tail = (uint8_t)((g_rx_tail + 1u) & (FW_RX_RING - 1u));
            fw_core_rx_byte(&g_core, b);
        }
        sample_current(avr_millis(0));
        fw_core_tick(&g_core); /* the only place the watchdog is fed */
    }
}
