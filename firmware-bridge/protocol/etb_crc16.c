/* CRC-16/MCRF4XX, bit by bit.
 * Layer: firmware-bridge/protocol (C99, station and AVR firmware). Pure, any context.
 *
 * Bitwise rather than table-driven: a 512-byte table would cost a quarter of the
 * ATmega328P's RAM (or flash reads through pgm_read_word), and frames are a few dozen bytes
 * at 115200 baud, so eight shifts per byte are far below what the link can deliver. */
#include "etb_crc16.h"

uint16_t etb_crc16_update(uint16_t crc, uint8_t byte) {
    unsigned i;
    crc = (uint16_t)(crc ^ byte);
    for (i = 0; i < 8u; ++i) {
        /* Reflected form: the low bit is the oldest, so shift right and fold in 0x8408. */
        if (crc & 1u) {
            crc = (uint16_t)((crc >> 1) ^ 0x8408u);
        } else {
            crc = (uint16_t)(crc >> 1);
        }
    }
    return crc;
}

uint16_t etb_crc16(const uint8_t* data, size_t len) {
    uint16_t crc = ETB_CRC16_INIT;
    size_t i;
    for (i = 0; i < len; ++i) {
        crc = etb_crc16_update(crc, data[i]);
    }
    return crc;
}
