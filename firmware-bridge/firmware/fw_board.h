/* The board-support interface under the portable firmware core: everything fw_core needs from
 * the hardware, as a table of functions with a context pointer. The AVR board (fw_board_avr.c)
 * fills it with register code; the host board (fw_board_host.c) with a pty or socketpair, a
 * settable clock and settable inputs, so several controllers can run in one test process.
 * Layer: firmware-bridge/firmware, C99. Called only from the firmware's main loop (never from an
 * interrupt), which is the only caller of fw_core. */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fw_board {
    void* ctx; /* passed back to every function */
    /* Milliseconds since start; wraps after 49 days (the core compares by difference). */
    uint32_t (*millis)(void* ctx);
    /* Writes bytes to the station; may block until they are queued or sent. */
    void (*uart_write)(void* ctx, const uint8_t* data, uint8_t len);
    /* Opens (0) or closes (1) relay `ch` (0-based, < channel count). */
    void (*relay_set)(void* ctx, uint8_t ch, uint8_t on);
    /* Feedback input of `ch`: 1 when the contactor reports closed. */
    uint8_t (*feedback)(void* ctx, uint8_t ch);
    /* Current through the machine on `ch`, in mA (0 when the board has no sensor). */
    uint16_t (*current_ma)(void* ctx, uint8_t ch);
    /* Entropy for the boot id, read once at start. */
    uint32_t (*random_seed)(void* ctx);
    /* Why the board started: ETB_RESET_*; read once at start. */
    uint8_t (*reset_cause)(void* ctx);
    /* Feeds the watchdog: called once per main-loop pass, from fw_core_tick only. */
    void (*watchdog_feed)(void* ctx);
} fw_board;

#ifdef __cplusplus
}
#endif

#endif /* FW_BOARD_H */
