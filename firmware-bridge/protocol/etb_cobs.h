/* COBS (Consistent Overhead Byte Stuffing, Cheshire & Baker 1999) for the controller wire
 * protocol: an encoded frame contains no 0x00 byte, so 0x00 delimits frames on the serial
 * line and a receiver resynchronises at the next 0x00 after any garbage (see PROTOCOL.md).
 * Layer: firmware-bridge/protocol, C99, compiled into both the station (hw) and the AVR
 * firmware. Pure functions on caller-owned buffers: no allocation, any thread or context.
 *
 * Neither function writes the 0x00 delimiter: the framing layer appends it after encoding and
 * strips it before decoding. Both check every write against the output capacity and return
 * either the number of bytes written (>= 0) or one of the negative ETB_COBS_ERR_ codes; on
 * error the output buffer holds unspecified bytes. */
#ifndef ETB_COBS_H
#define ETB_COBS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest encoding of `n` input bytes: one code byte per started run of 254 bytes, and at
 * least one. Usable in array sizes (a constant expression when `n` is). */
#define ETB_COBS_MAX_ENCODED(n) ((size_t)(n) + (size_t)(n) / 254u + 1u)

/* Negative results. Each is distinct, so a caller may count them per cause. */
enum {
    ETB_COBS_ERR_OVERFLOW = -1,  /* the output buffer is too small */
    ETB_COBS_ERR_ZERO = -2,      /* decode: a 0x00 byte inside the encoded data */
    ETB_COBS_ERR_TRUNCATED = -3  /* decode: empty input, or a code byte runs past the end */
};

/* Encodes `len` bytes of `in` into `out` (capacity `cap` bytes; ETB_COBS_MAX_ENCODED(len) is
 * always enough). Returns the encoded length (at least 1) or ETB_COBS_ERR_OVERFLOW. `in` may be
 * NULL when `len` is 0. `in` and `out` must not overlap. */
ptrdiff_t etb_cobs_encode(const uint8_t* in, size_t len, uint8_t* out, size_t cap);

/* Decodes `len` bytes of `in` (one frame, delimiter removed) into `out` (capacity `cap`;
 * the decoded length is always below `len`, so `len - 1` bytes are enough). Returns the
 * decoded length, or ETB_COBS_ERR_ZERO, ETB_COBS_ERR_TRUNCATED or ETB_COBS_ERR_OVERFLOW.
 * Empty input is ETB_COBS_ERR_TRUNCATED: every valid encoding has at least one byte, so
 * the framer should skip empty frames (two delimiters in a row) before calling this.
 * Decoding in place (`out == in`) is allowed, which saves a buffer on the firmware; any other
 * overlap is not. Non-canonical encodings (a final 0xFF run followed by a 0x01 code) are
 * accepted: they decode to the same bytes. */
ptrdiff_t etb_cobs_decode(const uint8_t* in, size_t len, uint8_t* out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* ETB_COBS_H */
