/* Messages of the controller wire protocol: frame encoding, the streaming receiver, and the
 * pack/unpack of every payload (see etb_proto.h and PROTOCOL.md).
 * Layer: firmware-bridge/protocol (C99, station and AVR firmware). Pure; the caller owns every
 * structure, so each thread (or the firmware's main loop) uses its own. */
#include "etb_proto.h"

#include "etb_cobs.h"
#include "etb_crc16.h"

#include <string.h>

/* [SECTION] Little-endian fields */

void etb_put_u16(uint8_t* p, uint16_t v) {
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

void etb_put_u32(uint8_t* p, uint32_t v) {
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
    p[3] = (uint8_t)(v >> 24);
}

uint16_t etb_get_u16(const uint8_t* p) {
    return (uint16_t)((uint16_t)p[0] | (uint16_t)((uint16_t)p[1] << 8));
}

uint32_t etb_get_u32(const uint8_t* p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* [SECTION] Message */

void etb_msg_init(etb_msg* m, uint8_t type, uint8_t seq) {
    memset(m, 0, sizeof *m);
    m->version = (uint8_t)ETB_PROTO_MAJOR;
    m->type = type;
    m->seq = seq;
}

void etb_msg_reply(etb_msg* m, uint8_t type, const etb_msg* to) {
    const uint8_t ack = to->seq; /* read first: `to` may be `m` */
    etb_msg_init(m, type, 0);
    m->flags = (uint8_t)ETB_F_REPLY;
    m->ack = ack;
}

/* [SECTION] Frames */

int etb_frame_encode(const etb_msg* m, uint8_t* out, size_t cap) {
    uint8_t raw[ETB_HEADER_SIZE + ETB_MAX_PAYLOAD + ETB_CRC_SIZE];
    size_t n;
    uint16_t crc;
    ptrdiff_t enc;

    if (m->len > ETB_MAX_PAYLOAD) {
        return ETB_FRAME_ERR_TOO_LONG;
    }
    raw[0] = (uint8_t)(((m->version & 0x0Fu) << 4) | (m->flags & 0x0Fu));
    raw[1] = m->seq;
    raw[2] = m->ack;
    raw[3] = m->type;
    if (m->len > 0u) {
        memcpy(raw + ETB_HEADER_SIZE, m->payload, m->len);
    }
    n = ETB_HEADER_SIZE + m->len;
    crc = etb_crc16(raw, n);
    etb_put_u16(raw + n, crc);
    n += ETB_CRC_SIZE;
    if (cap < 1u) {
        return ETB_FRAME_ERR_OVERFLOW;
    }
    enc = etb_cobs_encode(raw, n, out, cap - 1u);
    if (enc < 0) {
        return ETB_FRAME_ERR_OVERFLOW;
    }
    out[enc] = 0u;
    return (int)(enc + 1);
}

void etb_rx_init(etb_rx* rx) {
    memset(rx, 0, sizeof *rx);
}

static void etb_rx_drop(etb_rx* rx) {
    if (rx->dropped < 0xFFFFu) {
        ++rx->dropped;
    }
    if (rx->bad_in_row < 0xFFu) {
        ++rx->bad_in_row;
    }
}

int etb_rx_push(etb_rx* rx, uint8_t byte, etb_msg* out) {
    ptrdiff_t n;
    size_t plen;

    if (byte != 0u) {
        if (rx->len >= sizeof rx->buf) {
            rx->overflow = 1u; /* keep discarding until the delimiter */
        } else {
            rx->buf[rx->len++] = byte;
        }
        return 0;
    }
    /* Delimiter: whatever we hold is one frame; the next byte starts afresh in every case. */
    if (rx->overflow) {
        rx->overflow = 0u;
        rx->len = 0u;
        etb_rx_drop(rx);
        return 0;
    }
    if (rx->len == 0u) {
        return 0; /* 0x00 0x00: a flush, not an error */
    }
    n = etb_cobs_decode(rx->buf, rx->len, rx->buf, sizeof rx->buf);
    rx->len = 0u;
    if (n < (ptrdiff_t)(ETB_HEADER_SIZE + ETB_CRC_SIZE) ||
        n > (ptrdiff_t)(ETB_HEADER_SIZE + ETB_MAX_PAYLOAD + ETB_CRC_SIZE)) {
        etb_rx_drop(rx);
        return 0;
    }
    /* Over data and its little-endian CRC, this CRC (no final xor) leaves 0. */
    if (etb_crc16(rx->buf, (size_t)n) != 0u) {
        etb_rx_drop(rx);
        return 0;
    }
    plen = (size_t)n - ETB_HEADER_SIZE - ETB_CRC_SIZE;
    out->version = (uint8_t)(rx->buf[0] >> 4);
    out->flags = (uint8_t)(rx->buf[0] & 0x0Fu);
    out->seq = rx->buf[1];
    out->ack = rx->buf[2];
    out->type = rx->buf[3];
    out->len = (uint8_t)plen;
    if (plen > 0u) {
        memcpy(out->payload, rx->buf + ETB_HEADER_SIZE, plen);
    }
    rx->bad_in_row = 0u;
    ++rx->received;
    return 1;
}

/* [SECTION] Payloads */

static int etb_check(const etb_msg* m, uint8_t type, unsigned min_len) {
    return (m->type == type && m->len >= min_len) ? 0 : -1;
}

void etb_pack_empty(etb_msg* m, uint8_t type) {
    m->type = type;
    m->len = 0u;
}

void etb_pack_hello(etb_msg* m, const etb_hello* x) {
    m->type = ETB_T_HELLO;
    m->payload[0] = x->major;
    m->payload[1] = x->minor;
    m->len = ETB_LEN_HELLO;
}

int etb_unpack_hello(const etb_msg* m, etb_hello* x) {
    if (etb_check(m, ETB_T_HELLO, ETB_LEN_HELLO) != 0) {
        return -1;
    }
    x->major = m->payload[0];
    x->minor = m->payload[1];
    return 0;
}

void etb_pack_hello_reply(etb_msg* m, const etb_hello_reply* x) {
    uint8_t* p = m->payload;
    m->type = ETB_T_HELLO_REPLY;
    p[0] = x->major;
    p[1] = x->minor;
    p[2] = x->fw_major;
    p[3] = x->fw_minor;
    p[4] = x->fw_patch;
    etb_put_u32(p + 5, x->board_id);
    p[9] = x->channels;
    p[10] = x->caps;
    p[11] = x->reset_cause;
    etb_put_u32(p + 12, x->boot_id);
    m->len = ETB_LEN_HELLO_REPLY;
}

int etb_unpack_hello_reply(const etb_msg* m, etb_hello_reply* x) {
    const uint8_t* p = m->payload;
    if (etb_check(m, ETB_T_HELLO_REPLY, ETB_LEN_HELLO_REPLY) != 0) {
        return -1;
    }
    x->major = p[0];
    x->minor = p[1];
    x->fw_major = p[2];
    x->fw_minor = p[3];
    x->fw_patch = p[4];
    x->board_id = etb_get_u32(p + 5);
    x->channels = p[9];
    x->caps = p[10];
    x->reset_cause = p[11];
    x->boot_id = etb_get_u32(p + 12);
    return 0;
}

void etb_pack_grant(etb_msg* m, const etb_grant* x) {
    m->type = ETB_T_GRANT;
    m->payload[0] = x->channel;
    etb_put_u32(m->payload + 1, x->session);
    etb_put_u32(m->payload + 5, x->lease_ms);
    m->len = ETB_LEN_GRANT;
}

int etb_unpack_grant(const etb_msg* m, etb_grant* x) {
    if (etb_check(m, ETB_T_GRANT, ETB_LEN_GRANT) != 0) {
        return -1;
    }
    x->channel = m->payload[0];
    x->session = etb_get_u32(m->payload + 1);
    x->lease_ms = etb_get_u32(m->payload + 5);
    return 0;
}

void etb_pack_revoke(etb_msg* m, const etb_revoke* x) {
    m->type = ETB_T_REVOKE;
    m->payload[0] = x->channel;
    m->payload[1] = x->reason;
    m->len = ETB_LEN_REVOKE;
}

int etb_unpack_revoke(const etb_msg* m, etb_revoke* x) {
    if (etb_check(m, ETB_T_REVOKE, ETB_LEN_REVOKE) != 0) {
        return -1;
    }
    x->channel = m->payload[0];
    x->reason = m->payload[1];
    return 0;
}

void etb_pack_policy(etb_msg* m, const etb_policy* x) {
    uint8_t* p = m->payload;
    m->type = ETB_T_SET_POLICY;
    p[0] = x->channel;
    p[1] = x->policy;
    etb_put_u32(p + 2, x->grace_ms);
    etb_put_u16(p + 6, x->idle_ma);
    etb_put_u32(p + 8, x->idle_ms);
    etb_put_u32(p + 12, x->max_run_ms);
    m->len = ETB_LEN_POLICY;
}

int etb_unpack_policy(const etb_msg* m, etb_policy* x) {
    const uint8_t* p = m->payload;
    if (etb_check(m, ETB_T_SET_POLICY, ETB_LEN_POLICY) != 0) {
        return -1;
    }
    x->channel = p[0];
    x->policy = p[1];
    x->grace_ms = etb_get_u32(p + 2);
    x->idle_ma = etb_get_u16(p + 6);
    x->idle_ms = etb_get_u32(p + 8);
    x->max_run_ms = etb_get_u32(p + 12);
    return 0;
}

void etb_pack_channel_ref(etb_msg* m, uint8_t type, const etb_channel_ref* x) {
    m->type = type;
    m->payload[0] = x->channel;
    m->len = ETB_LEN_CHANNEL_REF;
}

int etb_unpack_channel_ref(const etb_msg* m, uint8_t type, etb_channel_ref* x) {
    if (etb_check(m, type, ETB_LEN_CHANNEL_REF) != 0) {
        return -1;
    }
    x->channel = m->payload[0];
    return 0;
}

void etb_pack_ack(etb_msg* m, const etb_ack* x) {
    m->type = ETB_T_ACK;
    m->payload[0] = x->info;
    m->len = ETB_LEN_ACK;
}

int etb_unpack_ack(const etb_msg* m, etb_ack* x) {
    if (etb_check(m, ETB_T_ACK, ETB_LEN_ACK) != 0) {
        return -1;
    }
    x->info = m->payload[0];
    return 0;
}

void etb_pack_nak(etb_msg* m, const etb_nak* x) {
    m->type = ETB_T_NAK;
    m->payload[0] = x->code;
    m->payload[1] = x->arg;
    m->payload[2] = x->major;
    m->payload[3] = x->minor;
    m->len = ETB_LEN_NAK;
}

int etb_unpack_nak(const etb_msg* m, etb_nak* x) {
    if (etb_check(m, ETB_T_NAK, ETB_LEN_NAK) != 0) {
        return -1;
    }
    x->code = m->payload[0];
    x->arg = m->payload[1];
    x->major = m->payload[2];
    x->minor = m->payload[3];
    return 0;
}

void etb_pack_status(etb_msg* m, const etb_status* x) {
    uint8_t n = x->count > ETB_MAX_CHANNELS ? (uint8_t)ETB_MAX_CHANNELS : x->count;
    uint8_t i;
    m->type = ETB_T_STATUS;
    m->payload[0] = n;
    m->payload[1] = x->flags;
    for (i = 0; i < n; ++i) {
        uint8_t* p = m->payload + 2u + (unsigned)i * ETB_LEN_CHANNEL_STATUS;
        p[0] = x->ch[i].flags;
        p[1] = x->ch[i].state;
        etb_put_u16(p + 2, x->ch[i].current_ma);
        etb_put_u32(p + 4, x->ch[i].lease_left_ms);
        etb_put_u32(p + 8, x->ch[i].session);
    }
    m->len = (uint8_t)ETB_LEN_STATUS(n);
}

int etb_unpack_status(const etb_msg* m, etb_status* x) {
    uint8_t n;
    uint8_t i;
    if (etb_check(m, ETB_T_STATUS, 2u) != 0) {
        return -1;
    }
    n = m->payload[0];
    if (n == 0u || n > ETB_MAX_CHANNELS || m->len < ETB_LEN_STATUS(n)) {
        return -1;
    }
    memset(x, 0, sizeof *x);
    x->count = n;
    x->flags = m->payload[1];
    for (i = 0; i < n; ++i) {
        const uint8_t* p = m->payload + 2u + (unsigned)i * ETB_LEN_CHANNEL_STATUS;
        x->ch[i].flags = p[0];
        x->ch[i].state = p[1];
        x->ch[i].current_ma = etb_get_u16(p + 2);
        x->ch[i].lease_left_ms = etb_get_u32(p + 4);
        x->ch[i].session = etb_get_u32(p + 8);
    }
    return 0;
}

void etb_pack_event(etb_msg* m, const etb_event* x) {
    uint8_t* p = m->payload;
    m->type = ETB_T_EVENT;
    p[0] = x->kind;
    p[1] = x->channel;
    etb_put_u16(p + 2, x->value);
    etb_put_u32(p + 4, x->session);
    etb_put_u32(p + 8, x->time_ms);
    m->len = ETB_LEN_EVENT;
}

int etb_unpack_event(const etb_msg* m, etb_event* x) {
    const uint8_t* p = m->payload;
    if (etb_check(m, ETB_T_EVENT, ETB_LEN_EVENT) != 0) {
        return -1;
    }
    x->kind = p[0];
    x->channel = p[1];
    x->value = etb_get_u16(p + 2);
    x->session = etb_get_u32(p + 4);
    x->time_ms = etb_get_u32(p + 8);
    return 0;
}
