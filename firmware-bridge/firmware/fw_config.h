/* Compile-time configuration of the controller firmware: channel count, pins, identity and
 * defaults. Override any value with -D on the compiler line (CMake: ETABLI_FW_DEFINES), or edit
 * here for a custom board. Layer: firmware-bridge/firmware, C99; read at compile time only. */
#ifndef FW_CONFIG_H
#define FW_CONFIG_H

#include "etb_proto.h"

/* Firmware version, reported in HELLO_REPLY. */
#define FW_VERSION_MAJOR 1u
#define FW_VERSION_MINOR 0u
#define FW_VERSION_PATCH 0u

/* Relay channels on this board, 1..ETB_MAX_CHANNELS. */
#ifndef FW_CHANNELS
#define FW_CHANNELS 2u
#endif

/* Board id reported in HELLO_REPLY (write the sticker number on the box). */
#ifndef FW_BOARD_ID
#define FW_BOARD_ID 1u
#endif

/* AVR pins (ATmega328P, Arduino Nano numbering in comments). Relay outputs on port D, feedback
 * inputs on port B (internal pull-up, contact to ground = closed), current transformers on ADC
 * channels. One entry per channel, FW_CHANNELS entries used. */
#ifndef FW_RELAY_PINS_PORTD
#define FW_RELAY_PINS_PORTD {4, 5, 6, 7}     /* D4 D5 D6 D7 */
#endif
#ifndef FW_FEEDBACK_PINS_PORTB
#define FW_FEEDBACK_PINS_PORTB {0, 1, 2, 3}  /* D8 D9 D10 D11 */
#endif
#ifndef FW_CURRENT_ADC
#define FW_CURRENT_ADC {0, 1, 2, 3}          /* A0 A1 A2 A3 */
#endif
/* Relay modules are often active low (input pulled to ground closes the relay). */
#ifndef FW_RELAY_ACTIVE_LOW
#define FW_RELAY_ACTIVE_LOW 0
#endif
/* mA RMS per ADC count of peak-to-peak amplitude (depends on the transformer and its burden
 * resistor; see README.md). The default fits an SCT-013-030 (30 A / 1 V) on a 2.5 V bias. */
#ifndef FW_CURRENT_MA_PER_COUNT
#define FW_CURRENT_MA_PER_COUNT 51u
#endif

/* Default host-loss policy until the station sends SET_POLICY: cut at once. */
#ifndef FW_DEFAULT_IDLE_MA
#define FW_DEFAULT_IDLE_MA 300u
#endif

/* Protocol error: this many bad frames or malformed commands in a row cut every relay. */
#ifndef FW_BAD_FRAMES_LIMIT
#define FW_BAD_FRAMES_LIMIT 8u
#endif
/* A command whose seq is 1..FW_STALE_WINDOW behind the last one answered is a late copy of a
 * command the station has moved past: dropped unanswered (PROTOCOL.md, "Reliability"). */
#define FW_STALE_WINDOW 16u
/* Event retransmission: every 100 ms, 3 tries, then again after the next valid command. */
#define FW_EVENT_RETRY_MS 100u
#define FW_EVENT_TRIES 3u
#define FW_EVENT_QUEUE 8u
/* Feedback: ignored this long after the relay opens (contact release time), then a feedback
 * on for FW_FEEDBACK_DEBOUNCE_MS latches the fault. */
#define FW_FEEDBACK_SETTLE_MS 100u
#define FW_FEEDBACK_DEBOUNCE_MS 50u
/* Current must stay on one side of idle_ma this long before CURRENT_STARTED/STOPPED. */
#define FW_CURRENT_DEBOUNCE_MS 200u

#endif /* FW_CONFIG_H */
