/* Golden vectors of the controller wire protocol: messages and their exact bytes on the wire
 * (PROTOCOL.md). Generated once by an independent Python implementation of CRC-16/MCRF4XX and
 * COBS (tests/firmware/gen_vectors.py) and checked in; never regenerate them from the C code.
 * Layer: tests (C99, compiles for the host and for the AVR). Include in exactly one file per
 * program: it defines static data and etb_vectors_check(). Pure, any thread. */
#ifndef ETB_VECTORS_H
#define ETB_VECTORS_H

#include <stdint.h>
#include <string.h>

#include "etb_proto.h"

typedef struct etb_vector {
    const char* name;
    uint8_t version, flags, seq, ack, type, len;
    const uint8_t* payload;
    uint8_t frame_len;
    const uint8_t* frame;
} etb_vector;

static const uint8_t k_etb_vp_hello[] = {0x01, 0x00};
static const uint8_t k_etb_vf_hello[] = {0x03, 0x10, 0x01, 0x03, 0x01, 0x01, 0x03, 0x80, 0x02, 0x00};
static const uint8_t k_etb_vp_hello_reply[] = {0x01, 0x00, 0x01, 0x00, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x02, 0x03, 0x01, 0xEF, 0xBE, 0xAD, 0xDE};
static const uint8_t k_etb_vf_hello_reply[] = {0x02, 0x11, 0x04, 0x01, 0x41, 0x01, 0x02, 0x01, 0x01, 0x02, 0x2A, 0x01, 0x01, 0x0A, 0x02, 0x03, 0x01, 0xEF, 0xBE, 0xAD, 0xDE, 0xCC, 0x1D, 0x00};
static const uint8_t k_etb_vp_heartbeat[] = {0};
static const uint8_t k_etb_vf_heartbeat[] = {0x03, 0x10, 0x02, 0x04, 0x02, 0x2A, 0x56, 0x00};
static const uint8_t k_etb_vp_grant[] = {0x01, 0x78, 0x56, 0x34, 0x12, 0xD0, 0x07, 0x00, 0x00};
static const uint8_t k_etb_vf_grant[] = {0x03, 0x10, 0x03, 0x09, 0x03, 0x01, 0x78, 0x56, 0x34, 0x12, 0xD0, 0x07, 0x01, 0x03, 0xB0, 0x5A, 0x00};
static const uint8_t k_etb_vp_ack_applied[] = {0x00};
static const uint8_t k_etb_vf_ack_applied[] = {0x02, 0x11, 0x03, 0x03, 0x42, 0x03, 0x3E, 0x15, 0x00};
static const uint8_t k_etb_vp_nak_version[] = {0x01, 0x02, 0x01, 0x00};
static const uint8_t k_etb_vf_nak_version[] = {0x02, 0x11, 0x06, 0x04, 0x43, 0x01, 0x02, 0x01, 0x03, 0xD2, 0xDA, 0x00};
static const uint8_t k_etb_vp_revoke_all[] = {0xFF, 0x02};
static const uint8_t k_etb_vf_revoke_all[] = {0x03, 0x10, 0x05, 0x06, 0x04, 0xFF, 0x02, 0x27, 0xD3, 0x00};
static const uint8_t k_etb_vp_set_policy_until_idle[] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x01, 0x88, 0x13, 0x00, 0x00, 0x80, 0xEE, 0x36, 0x00};
static const uint8_t k_etb_vf_set_policy_until_idle[] = {0x03, 0x10, 0x06, 0x02, 0x05, 0x02, 0x02, 0x01, 0x01, 0x01, 0x05, 0x2C, 0x01, 0x88, 0x13, 0x01, 0x04, 0x80, 0xEE, 0x36, 0x03, 0x92, 0x26, 0x00};
static const uint8_t k_etb_vp_status_two_channels[] = {0x02, 0x04, 0x09, 0x01, 0xD2, 0x04, 0xDC, 0x05, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
static const uint8_t k_etb_vf_status_two_channels[] = {0x02, 0x11, 0x0B, 0x0A, 0x44, 0x02, 0x04, 0x09, 0x01, 0xD2, 0x04, 0xDC, 0x05, 0x01, 0x06, 0x78, 0x56, 0x34, 0x12, 0x06, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x03, 0xE2, 0xD8, 0x00};
static const uint8_t k_etb_vp_event_boot[] = {0x01, 0xFF, 0x04, 0x00, 0xEF, 0xBE, 0xAD, 0xDE, 0x0C, 0x00, 0x00, 0x00};
static const uint8_t k_etb_vf_event_boot[] = {0x03, 0x10, 0x07, 0x05, 0x45, 0x01, 0xFF, 0x04, 0x06, 0xEF, 0xBE, 0xAD, 0xDE, 0x0C, 0x01, 0x01, 0x03, 0x84, 0x57, 0x00};
static const uint8_t k_etb_vp_clear_fault_all[] = {0xFF};
static const uint8_t k_etb_vf_clear_fault_all[] = {0x03, 0x10, 0x08, 0x05, 0x07, 0xFF, 0x60, 0x23, 0x00};
static const uint8_t k_etb_vp_all_off[] = {0};
static const uint8_t k_etb_vf_all_off[] = {0x03, 0x10, 0x09, 0x04, 0x08, 0xD6, 0xD0, 0x00};
static const uint8_t k_etb_vp_get_status[] = {0};
static const uint8_t k_etb_vf_get_status[] = {0x03, 0x10, 0x0A, 0x04, 0x06, 0xCC, 0xD6, 0x00};
static const uint8_t k_etb_vp_event_ack[] = {0x00};
static const uint8_t k_etb_vf_event_ack[] = {0x02, 0x11, 0x03, 0x07, 0x42, 0x03, 0x5F, 0x76, 0x00};
static const uint8_t k_etb_vp_hello_major_2[] = {0x02, 0x00};
static const uint8_t k_etb_vf_hello_major_2[] = {0x03, 0x20, 0x01, 0x03, 0x01, 0x02, 0x03, 0x38, 0xEF, 0x00};

static const etb_vector k_etb_vectors[] = {
    {"hello", 1, 0, 1, 0, 0x01, 2, k_etb_vp_hello, 10, k_etb_vf_hello},
    {"hello_reply", 1, 1, 0, 1, 0x41, 16, k_etb_vp_hello_reply, 24, k_etb_vf_hello_reply},
    {"heartbeat", 1, 0, 2, 0, 0x02, 0, k_etb_vp_heartbeat, 8, k_etb_vf_heartbeat},
    {"grant", 1, 0, 3, 0, 0x03, 9, k_etb_vp_grant, 17, k_etb_vf_grant},
    {"ack_applied", 1, 1, 0, 3, 0x42, 1, k_etb_vp_ack_applied, 9, k_etb_vf_ack_applied},
    {"nak_version", 1, 1, 0, 4, 0x43, 4, k_etb_vp_nak_version, 12, k_etb_vf_nak_version},
    {"revoke_all", 1, 0, 5, 0, 0x04, 2, k_etb_vp_revoke_all, 10, k_etb_vf_revoke_all},
    {"set_policy_until_idle", 1, 0, 6, 0, 0x05, 16, k_etb_vp_set_policy_until_idle, 24, k_etb_vf_set_policy_until_idle},
    {"status_two_channels", 1, 1, 0, 10, 0x44, 26, k_etb_vp_status_two_channels, 34, k_etb_vf_status_two_channels},
    {"event_boot", 1, 0, 7, 0, 0x45, 12, k_etb_vp_event_boot, 20, k_etb_vf_event_boot},
    {"clear_fault_all", 1, 0, 8, 0, 0x07, 1, k_etb_vp_clear_fault_all, 9, k_etb_vf_clear_fault_all},
    {"all_off", 1, 0, 9, 0, 0x08, 0, k_etb_vp_all_off, 8, k_etb_vf_all_off},
    {"get_status", 1, 0, 10, 0, 0x06, 0, k_etb_vp_get_status, 8, k_etb_vf_get_status},
    {"event_ack", 1, 1, 0, 7, 0x42, 1, k_etb_vp_event_ack, 9, k_etb_vf_event_ack},
    {"hello_major_2", 2, 0, 1, 0, 0x01, 2, k_etb_vp_hello_major_2, 10, k_etb_vf_hello_major_2},
};
#define ETB_VECTOR_COUNT (sizeof k_etb_vectors / sizeof k_etb_vectors[0])

/* Checks every vector both ways: encoding the message gives the frame, and the receiver turns
 * the frame back into the message. Returns 0, or 1 + the index of the first vector that fails. */
static int etb_vectors_check(void) {
    unsigned i;
    for (i = 0; i < ETB_VECTOR_COUNT; ++i) {
        const etb_vector* v = &k_etb_vectors[i];
        etb_msg m;
        etb_msg got;
        etb_rx rx;
        uint8_t frame[ETB_FRAME_MAX];
        unsigned k;
        int n;
        int complete = 0;
        etb_msg_init(&m, v->type, v->seq);
        m.version = v->version;
        m.flags = v->flags;
        m.ack = v->ack;
        m.len = v->len;
        memcpy(m.payload, v->payload, v->len);
        n = etb_frame_encode(&m, frame, sizeof frame);
        if (n != (int)v->frame_len || memcmp(frame, v->frame, v->frame_len) != 0) {
            return (int)i + 1;
        }
        etb_rx_init(&rx);
        for (k = 0; k < v->frame_len; ++k) {
            complete = etb_rx_push(&rx, v->frame[k], &got);
            if (complete && k + 1u != v->frame_len) {
                return (int)i + 1;
            }
        }
        if (!complete || got.version != v->version || got.flags != v->flags || got.seq != v->seq ||
            got.ack != v->ack || got.type != v->type || got.len != v->len ||
            memcmp(got.payload, v->payload, v->len) != 0) {
            return (int)i + 1;
        }
    }
    return 0;
}

#endif /* ETB_VECTORS_H */
