/* COBS encoder and decoder on caller-owned buffers.
 * Layer: firmware-bridge/protocol (C99, station and AVR firmware). Pure, any context.
 *
 * The encoding is the canonical one of the paper and of the Wikipedia examples: a run that
 * reaches 254 data bytes is closed with code 0xFF, and a new code byte is started after it
 * only if input remains, so 254 non-zero bytes encode to 255 bytes, not 256. */
#include "etb_cobs.h"

/* A result is a length or a negative error; ptrdiff_t must hold every length we can return.
 * Capacities beyond PTRDIFF_MAX cannot be reported, so they are clamped: no real frame
 * comes near it (the firmware's frames are a few dozen bytes). */
static size_t etb_cobs_clamp(size_t cap) {
    const size_t max = (size_t)PTRDIFF_MAX;
    return cap > max ? max : cap;
}

ptrdiff_t etb_cobs_encode(const uint8_t* in, size_t len, uint8_t* out, size_t cap) {
    size_t code_at = 0; /* where the code byte of the current block goes */
    size_t pos = 1;     /* next free byte of `out` */
    uint8_t code = 1;   /* 1 + data bytes in the current block */
    int block_open = 1; /* a final 0xFF block at the very end opens no new block */
    size_t i;

    cap = etb_cobs_clamp(cap);
    if (cap < 1u) {
        return ETB_COBS_ERR_OVERFLOW;
    }
    for (i = 0; i < len; ++i) {
        const uint8_t b = in[i];
        if (b != 0u) {
            if (pos >= cap) {
                return ETB_COBS_ERR_OVERFLOW;
            }
            out[pos++] = b;
            ++code;
        }
        if (b == 0u || code == 0xFFu) {
            out[code_at] = code;
            code = 1;
            /* A zero always implies a following block (the implicit trailing zero of COBS
             * ends it); a full block only needs one when more input follows. */
            if (b == 0u || i + 1u < len) {
                if (pos >= cap) {
                    return ETB_COBS_ERR_OVERFLOW;
                }
                code_at = pos++;
            } else {
                block_open = 0;
            }
        }
    }
    if (block_open) {
        out[code_at] = code;
    }
    return (ptrdiff_t)pos;
}

ptrdiff_t etb_cobs_decode(const uint8_t* in, size_t len, uint8_t* out, size_t cap) {
    size_t i = 0;
    size_t pos = 0;

    cap = etb_cobs_clamp(cap);
    if (len == 0u) {
        return ETB_COBS_ERR_TRUNCATED;
    }
    while (i < len) {
        const uint8_t code = in[i++];
        uint8_t k;
        if (code == 0u) {
            return ETB_COBS_ERR_ZERO;
        }
        for (k = 1; k < code; ++k) {
            uint8_t b;
            if (i >= len) {
                return ETB_COBS_ERR_TRUNCATED;
            }
            /* Read before write: with out == in, pos < i always holds, so in place is safe. */
            b = in[i++];
            if (b == 0u) {
                return ETB_COBS_ERR_ZERO;
            }
            if (pos >= cap) {
                return ETB_COBS_ERR_OVERFLOW;
            }
            out[pos++] = b;
        }
        /* A short block stands for its data and a zero, except the last one, whose zero is
         * the one the encoder added conceptually at the end of the input. */
        if (code != 0xFFu && i < len) {
            if (pos >= cap) {
                return ETB_COBS_ERR_OVERFLOW;
            }
            out[pos++] = 0;
        }
    }
    return (ptrdiff_t)pos;
}
