/* The golden vectors checked on the AVR itself (avr-gcc, atmega328p): proves the protocol
 * module gives the same bytes on an 8-bit target with 16-bit int as on the host. Writes
 * "VECTORS OK\n" or "VECTORS FAIL n\n" on UART0 at 115200 baud, then stops; the simulator
 * harness (firmware-bridge/sim) can run it. Layer: tests (AVR program). No interrupts. */
#include <avr/io.h>

#ifdef FW_SIMAVR_MCU_SECTION
#include <avr_mcu_section.h>
AVR_MCU(F_CPU, "atmega328p");
#endif

#include "vectors.h"

static void put(char ch) {
    while (!(UCSR0A & (1u << UDRE0))) {
    }
    UDR0 = (uint8_t)ch;
}

static void puts_uart(const char* s) {
    while (*s != '\0') {
        put(*s++);
    }
}

int main(void) {
    int r;
    UCSR0A = (uint8_t)(1u << U2X0);
    UBRR0 = (uint16_t)((F_CPU / (8ul * 115200ul)) - 1ul);
    UCSR0B = (uint8_t)(1u << TXEN0);
    UCSR0C = (uint8_t)((1u << UCSZ01) | (1u << UCSZ00));
    r = etb_vectors_check();
    if (r == 0) {
        puts_uart("VECTORS OK\n");
    } else {
        puts_uart("VECTORS FAIL ");
        put((char)('0' + (r / 10) % 10));
        put((char)('0' + r % 10));
        put('\n');
    }
    for (;;) {
    }
}
