/* The firmware core on the host: a simulated board (settable clock, current and feedback
 * inputs, relay outputs) wired to a file descriptor (pty, socketpair, pipe) or to a callback.
 * Used by etabli-controller-host, by in-process tests with a fake millisecond clock, and by the
 * station's --demo. Layer: firmware-bridge/firmware (host build only; library etabli_fw_host),
 * C99 with POSIX. One fw_host belongs to one thread; different instances are independent. */
#ifndef FW_HOST_H
#define FW_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "fw_core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fw_host fw_host;

typedef struct fw_host_options {
    int fd;            /* where the station is: bytes read from and written to it; -1 for none */
    uint8_t channels;  /* 1..ETB_MAX_CHANNELS (0 means 4) */
    uint8_t fake_clock; /* 1: time moves only through fw_host_advance(); 0: CLOCK_MONOTONIC */
    uint32_t seed;     /* boot-id seed; 0 draws one from the system */
} fw_host_options;

/* Creates and boots a controller (relays open, BOOT event queued). Puts `fd` in non-blocking
 * mode; the caller keeps owning it. NULL when out of memory. */
fw_host* fw_host_create(const fw_host_options* opt);
void fw_host_destroy(fw_host* h);

/* Output sink used instead of (or, with fd >= 0, besides) the fd: every frame written. */
void fw_host_set_output(fw_host* h, void (*out)(void* ctx, const uint8_t* data, size_t len), void* ctx);
/* Called whenever the core switches a relay (on or off, also repeated states). */
void fw_host_set_relay_hook(fw_host* h, void (*hook)(void* ctx, uint8_t ch, uint8_t on), void* ctx);

/* Reads what the fd has (never blocks), feeds it to the core, then ticks. Returns 0, or -1 when
 * the fd reported end of file or an error other than "try again" (pty without a reader: EIO). */
int fw_host_poll(fw_host* h);
/* Feeds bytes as if read from the line (no tick). */
void fw_host_feed(fw_host* h, const uint8_t* data, size_t len);
/* Runs one main-loop pass (timers, events, watchdog). */
void fw_host_tick(fw_host* h);
/* Fake clock: advances `ms` milliseconds one at a time, polling the fd and ticking each time. */
void fw_host_advance(fw_host* h, uint32_t ms);
uint32_t fw_host_millis(const fw_host* h);

void fw_host_set_current(fw_host* h, uint8_t ch, uint16_t ma);
void fw_host_set_feedback(fw_host* h, uint8_t ch, uint8_t on);
/* What the board's relay output is now (0 for a channel out of range). */
uint8_t fw_host_relay(const fw_host* h, uint8_t ch);
/* Simulates a reboot: relays open, new boot id, BOOT event; reset cause as given (ETB_RESET_*). */
void fw_host_reset(fw_host* h, uint8_t cause);
uint32_t fw_host_boot_id(const fw_host* h);
const fw_core* fw_host_core(const fw_host* h);
/* Watchdog feeds so far: a stuck loop shows as a count that stops moving. */
uint32_t fw_host_watchdog_feeds(const fw_host* h);

#ifdef __cplusplus
}
#endif

#endif /* FW_HOST_H */
