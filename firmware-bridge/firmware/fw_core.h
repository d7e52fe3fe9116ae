/* The portable core of the machine-controller firmware: protocol handling, leases, host-loss
 * policies, feedback-fault latch, ALL_OFF latch, events. It runs unchanged on the ATmega328P
 * (fw_board_avr.c) and on the host (fw_board_host.c, etabli-controller-host, tests).
 * Layer: firmware-bridge/firmware, C99, no AVR headers. Single-threaded: only the main loop calls
 * fw_core_*, never an interrupt handler. See PROTOCOL.md for the rules it implements.
 *
 * Safety rules held here (and tested in tests/firmware/test_firmware.cpp):
 *  - every relay is open after fw_core_init (power-up, watchdog reset, any reset);
 *  - a relay closes only in answer to a valid GRANT, after a HELLO of the same protocol major,
 *    with no fault and no ALL_OFF latched;
 *  - it stays closed only while its lease is valid, then per the channel's host-loss policy;
 *  - FW_BAD_FRAMES_LIMIT bad frames or malformed commands in a row open every relay. */
#ifndef FW_CORE_H
#define FW_CORE_H

#include "etb_proto.h"
#include "fw_board.h"
#include "fw_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fw_channel {
    uint8_t relay;         /* what we last told the board */
    uint8_t state;         /* ETB_STATE_* */
    uint8_t fault;         /* feedback fault latched */
    uint8_t feedback;      /* last feedback sample */
    uint8_t running;       /* debounced current >= idle_ma */
    uint8_t idle_timing;   /* until-idle: current is below idle_ma since idle_since */
    uint16_t current_ma;   /* last current sample */
    uint32_t session;
    uint32_t lease_ms;
    uint32_t deadline;     /* LEASED: lease end */
    uint32_t phase_start;  /* GRACE / UNTIL_IDLE: when the lease ran out */
    uint32_t idle_since;
    uint32_t off_since;    /* relay opened at (feedback settle time) */
    uint32_t fb_since;     /* feedback on since, while the relay is off */
    uint32_t cur_since;    /* current on the other side of idle_ma since */
    etb_policy policy;
} fw_channel;

typedef struct fw_event_slot {
    uint8_t seq;
    etb_event ev;
} fw_event_slot;

typedef struct fw_core {
    const fw_board* board;
    uint8_t channels;
    uint8_t reset_cause;
    uint8_t hello_done;
    uint8_t all_off;
    uint8_t events_lost;
    uint8_t errors_in_row;  /* bad frames + malformed commands since the last good command */
    uint8_t has_last;       /* last_seq/last_type/last_reply hold the last answered command */
    uint8_t last_seq;
    uint8_t last_type;
    uint8_t next_event_seq;
    uint8_t ev_head, ev_count;
    uint8_t ev_tries;       /* sends of the head event since it became head or was re-armed */
    uint16_t rx_dropped_seen;
    uint32_t ev_sent_at;
    uint32_t boot_id;
    uint32_t now;           /* millis at the start of the current step */
    uint32_t protocol_errors; /* times FW_BAD_FRAMES_LIMIT was reached */
    uint16_t stale_dropped;   /* late copies of superseded commands, ignored */
    etb_rx rx;
    etb_msg last_reply;
    fw_event_slot events[FW_EVENT_QUEUE];
    fw_channel ch[ETB_MAX_CHANNELS];
} fw_core;

/* Starts the firmware: opens every relay, reads the reset cause and the random seed, draws the
 * boot id, queues the BOOT event. `channels` is clamped to 1..ETB_MAX_CHANNELS. `board` must
 * outlive `c`. */
void fw_core_init(fw_core* c, const fw_board* board, uint8_t channels);

/* Handles one byte received from the station (answers go out through board->uart_write). */
void fw_core_rx_byte(fw_core* c, uint8_t byte);

/* Runs the timers: reads inputs, expires leases, applies policies, latches faults, sends and
 * retransmits events, feeds the watchdog. Call it on every main-loop pass (at least every few
 * ms; the host build calls it after every clock step). */
void fw_core_tick(fw_core* c);

/* Relay state as the core commands it (tests and the host control channel). */
uint8_t fw_core_relay(const fw_core* c, uint8_t ch);

#ifdef __cplusplus
}
#endif

#endif /* FW_CORE_H */
