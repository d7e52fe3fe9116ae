/* CRC-16/MCRF4XX for the controller wire protocol (see PROTOCOL.md).
 * Layer: firmware-bridge/protocol, C99, compiled into both the station (hw) and the AVR
 * firmware. Pure functions: any thread, any context (also from an interrupt handler).
 *
 * Parameters: polynomial 0x1021 used reflected (0x8408), init 0xFFFF, input and output
 * reflected, no final xor. The check value of the ASCII string "123456789" is 0x6F91. This is
 * the CRC that avr-libc's _crc_ccitt_update() computes, so the firmware may use either. */
#ifndef ETB_CRC16_H
#define ETB_CRC16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Value to start a running CRC with. */
#define ETB_CRC16_INIT ((uint16_t)0xFFFFu)

/* Folds one byte into a running CRC (start from ETB_CRC16_INIT). Lets a receiver compute the
 * CRC while bytes arrive, without keeping them twice. */
uint16_t etb_crc16_update(uint16_t crc, uint8_t byte);

/* CRC of `len` bytes at `data` (`data` may be NULL when `len` is 0). */
uint16_t etb_crc16(const uint8_t* data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* ETB_CRC16_H */
