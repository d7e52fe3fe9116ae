/* echo: a tiny ATmega328P program that tests the simulator harness on its own, without the
 * real controller firmware. Layer: firmware-bridge/sim test fixture, built with avr-gcc and
 * run only inside libsimavr (tests/sim). Main loop plus two interrupt handlers.
 *
 * What it does, each part exercising one feature of the harness:
 * - sends "BOOT" and the reset cause (MCUSR, one hex digit) then "\n" at start: boot and
 *   watchdog resets are visible on the UART;
 * - echoes every byte received on the UART (115200 8N1), except three commands:
 *   '?' answers "D2=<0|1> A0=<0..1023>\n" (the feedback input and the current-sense ADC),
 *   'W' enables the watchdog (15 ms) and stops feeding it, so the simulator must reset it,
 *   'Z' goes to sleep with interrupts off (simavr reports that as "done");
 * - toggles PB0 every 10 ms from a timer interrupt (the "relay" pin, output);
 * - PB1 follows the last byte's low bit, so a test sees a pin change caused by a byte. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>
#include <stdint.h>

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");
AVR_MCU_VOLTAGES(5000, 5000, 5000);

/* MCUSR is cleared early (before main) so a watchdog reset does not loop; keep its value. */
uint8_t g_reset_cause __attribute__((section(".noinit")));
void early_reset_cause(void) __attribute__((naked, used, section(".init3")));
void early_reset_cause(void) {
    g_reset_cause = MCUSR;
    MCUSR = 0;
    wdt_disable();
}

static volatile uint8_t g_rx[32];
static volatile uint8_t g_rx_head;
static volatile uint8_t g_rx_tail;

ISR(USART_RX_vect) {
    const uint8_t c = UDR0;
    const uint8_t next = (uint8_t)((g_rx_head + 1u) & 31u);
    if (next != g_rx_tail) {
        g_rx[g_rx_head] = c;
        g_rx_head = next;
    }
}

ISR(TIMER1_COMPA_vect) { PORTB ^= (uint8_t)_BV(PB0); }

static void put(uint8_t c) {
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = c;
}

static void put_hex(uint8_t v) { put((uint8_t)(v < 10 ? '0' + v : 'a' + v - 10)); }

static uint16_t read_adc0(void) {
    ADMUX = _BV(REFS0); /* AVcc reference, channel 0 */
    ADCSRA = _BV(ADEN) | _BV(ADSC) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
    while (ADCSRA & _BV(ADSC)) {
    }
    return ADC;
}

static void put_dec(uint16_t v) {
    char digits[5];
    uint8_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < 5);
    while (n > 0) put((uint8_t)digits[--n]);
}

int main(void) {
    DDRB = _BV(PB0) | _BV(PB1);
    PORTD = _BV(PD2); /* pull-up on the input */
    /* U2X before UBRR, as the Arduino core does: simavr computes the byte time when UBRR is
     * written. 115200 baud at 16 MHz with U2X (2.1 % error, as on an Arduino). */
    UCSR0A = _BV(U2X0);
    UBRR0 = 16;
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    TCCR1A = 0;
    TCCR1B = _BV(WGM12) | _BV(CS11) | _BV(CS10); /* CTC, clk/64: 250 kHz */
    OCR1A = 2499;                                /* 10 ms */
    TIMSK1 = _BV(OCIE1A);
    sei();
    put('B'), put('O'), put('O'), put('T'), put_hex(g_reset_cause & 0x0f), put('\n');
    for (;;) {
        cli();
        if (g_rx_head == g_rx_tail) {
            sleep_enable();
            sei();
            sleep_cpu(); /* woken by the next interrupt (the instruction after sei runs first) */
            sleep_disable();
            continue;
        }
        const uint8_t c = g_rx[g_rx_tail];
        g_rx_tail = (uint8_t)((g_rx_tail + 1u) & 31u);
        sei();
        if (c & 1u) PORTB |= (uint8_t)_BV(PB1);
        else PORTB &= (uint8_t)~_BV(PB1);
        if (c == '?') {
            put('D'), put('2'), put('='), put((PIND & _BV(PD2)) ? '1' : '0');
            put(' '), put('A'), put('0'), put('='), put_dec(read_adc0()), put('\n');
        } else if (c == 'W') {
            wdt_enable(WDTO_15MS);
            for (;;) {
            }
        } else if (c == 'Z') {
            cli();
            sleep_enable();
            sleep_cpu();
        } else {
            put(c);
        }
    }
}
