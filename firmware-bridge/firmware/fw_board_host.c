/* The host board: fw_board on POSIX, behind the fw_host API (see fw_host.h). Inputs are plain
 * variables the tests or the control channel set; relays are variables too; the UART is a file
 * descriptor and/or a callback. Layer: firmware-bridge/firmware (host build), C99 + POSIX.
 * One thread per fw_host. */
#define _POSIX_C_SOURCE 200809L
#include "fw_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fw_host {
    fw_board board;
    fw_core core;
    int fd;
    uint8_t fake_clock;
    uint8_t channels;
    uint8_t reset_cause;
    uint8_t relay[ETB_MAX_CHANNELS];
    uint8_t feedback[ETB_MAX_CHANNELS];
    uint16_t current[ETB_MAX_CHANNELS];
    uint32_t fake_ms;
    uint32_t seed;
    uint32_t boots;
    uint32_t feeds;
    struct timespec start;
    void (*out)(void* ctx, const uint8_t* data, size_t len);
    void* out_ctx;
    void (*hook)(void* ctx, uint8_t ch, uint8_t on);
    void* hook_ctx;
};

static uint32_t host_millis(void* ctx) {
    fw_host* h = (fw_host*)ctx;
    struct timespec t;
    long long ms;
    if (h->fake_clock) {
        return h->fake_ms;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    ms = (long long)(t.tv_sec - h->start.tv_sec) * 1000LL + (t.tv_nsec - h->start.tv_nsec) / 1000000L;
    return (uint32_t)ms;
}

static void host_uart_write(void* ctx, const uint8_t* data, uint8_t len) {
    fw_host* h = (fw_host*)ctx;
    size_t done = 0;
    if (h->out != NULL) {
        h->out(h->out_ctx, data, len);
    }
    /* Like a UART with nobody listening: bytes that cannot be written now are lost. */
    while (h->fd >= 0 && done < len) {
        const ssize_t n = write(h->fd, data + done, len - done);
        if (n > 0) {
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
}

static void host_relay_set(void* ctx, uint8_t ch, uint8_t on) {
    fw_host* h = (fw_host*)ctx;
    if (ch < ETB_MAX_CHANNELS) {
        h->relay[ch] = on;
        if (h->hook != NULL) {
            h->hook(h->hook_ctx, ch, on);
        }
    }
}

static uint8_t host_feedback(void* ctx, uint8_t ch) {
    const fw_host* h = (const fw_host*)ctx;
    return ch < ETB_MAX_CHANNELS ? h->feedback[ch] : 0u;
}

static uint16_t host_current(void* ctx, uint8_t ch) {
    const fw_host* h = (const fw_host*)ctx;
    return ch < ETB_MAX_CHANNELS ? h->current[ch] : 0u;
}

static uint32_t host_seed(void* ctx) {
    fw_host* h = (fw_host*)ctx;
    ++h->boots;
    return h->seed * 2654435761u + h->boots;
}

static uint8_t host_reset_cause(void* ctx) {
    return ((const fw_host*)ctx)->reset_cause;
}

static void host_watchdog(void* ctx) {
    ++((fw_host*)ctx)->feeds;
}

fw_host* fw_host_create(const fw_host_options* opt) {
    fw_host* h = (fw_host*)calloc(1, sizeof *h);
    if (h == NULL) {
        return NULL;
    }
    h->fd = opt->fd;
    h->fake_clock = opt->fake_clock;
    h->channels = opt->channels == 0u ? (uint8_t)ETB_MAX_CHANNELS : opt->channels;
    h->seed = opt->seed;
    if (h->seed == 0u) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        h->seed = (uint32_t)t.tv_nsec ^ (uint32_t)t.tv_sec ^ ((uint32_t)getpid() << 16);
    }
    clock_gettime(CLOCK_MONOTONIC, &h->start);
    if (h->fd >= 0) {
        const int fl = fcntl(h->fd, F_GETFL);
        if (fl >= 0) {
            (void)fcntl(h->fd, F_SETFL, fl | O_NONBLOCK);
        }
    }
    h->board.ctx = h;
    h->board.millis = host_millis;
    h->board.uart_write = host_uart_write;
    h->board.relay_set = host_relay_set;
    h->board.feedback = host_feedback;
    h->board.current_ma = host_current;
    h->board.random_seed = host_seed;
    h->board.reset_cause = host_reset_cause;
    h->board.watchdog_feed = host_watchdog;
    h->reset_cause = ETB_RESET_POWER_ON;
    fw_core_init(&h->core, &h->board, h->channels);
    return h;
}

void fw_host_destroy(fw_host* h) {
    free(h);
}

void fw_host_set_output(fw_host* h, void (*out)(void* ctx, const uint8_t* data, size_t len), void* ctx) {
    h->out = out;
    h->out_ctx = ctx;
}

void fw_host_set_relay_hook(fw_host* h, void (*hook)(void* ctx, uint8_t ch, uint8_t on), void* ctx) {
    h->hook = hook;
    h->hook_ctx = ctx;
}

void fw_host_feed(fw_host* h, const uint8_t* data, size_t len) {
    size_t i;
    for (i = 0; i < len; ++i) {
        fw_core_rx_byte(&h->core, data[i]);
    }
}

void fw_host_tick(fw_host* h) {
    fw_core_tick(&h->core);
}

int fw_host_poll(fw_host* h) {
    int rc = 0;
    while (h->fd >= 0) {
        uint8_t buf[256];
        const ssize_t n = read(h->fd, buf, sizeof buf);
        if (n > 0) {
            fw_host_feed(h, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            rc = -1;
        }
        break;
    }
    fw_core_tick(&h->core);
    return rc;
}

void fw_host_advance(fw_host* h, uint32_t ms) {
    uint32_t i;
    for (i = 0; i < ms; ++i) {
        ++h->fake_ms;
        (void)fw_host_poll(h);
    }
}

uint32_t fw_host_millis(const fw_host* h) {
    return host_millis((void*)h);
}

void fw_host_set_current(fw_host* h, uint8_t ch, uint16_t ma) {
    if (ch < ETB_MAX_CHANNELS) {
        h->current[ch] = ma;
    }
}

void fw_host_set_feedback(fw_host* h, uint8_t ch, uint8_t on) {
    if (ch < ETB_MAX_CHANNELS) {
        h->feedback[ch] = on ? 1u : 0u;
    }
}

uint8_t fw_host_relay(const fw_host* h, uint8_t ch) {
    return ch < h->channels ? h->relay[ch] : 0u;
}

void fw_host_reset(fw_host* h, uint8_t cause) {
    h->reset_cause = cause;
    fw_core_init(&h->core, &h->board, h->channels);
}

uint32_t fw_host_boot_id(const fw_host* h) {
    return h->core.boot_id;
}

const fw_core* fw_host_core(const fw_host* h) {
    return &h->core;
}

uint32_t fw_host_watchdog_feeds(const fw_host* h) {
    return h->feeds;
}
