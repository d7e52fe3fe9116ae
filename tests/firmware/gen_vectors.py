#!/usr/bin/env python3
# Writes tests/firmware/vectors.h (run from tests/firmware). Layer: tests; run by hand only.
# Independent reference (Python) for the golden vectors: CRC-16/MCRF4XX and COBS written from
# the spec, not from the C code, so a shared mistake cannot hide.
import struct
def crc(data):
    c=0xFFFF
    for b in data:
        c^=b
        for _ in range(8):
            c = (c>>1)^0x8408 if c&1 else c>>1
    return c
assert crc(b"123456789")==0x6F91
def cobs(data):
    out=bytearray(); block=bytearray()
    for b in data:
        if b==0:
            out.append(len(block)+1); out+=block; block=bytearray()
        else:
            block.append(b)
            if len(block)==254:
                out.append(255); out+=block; block=bytearray()
    out.append(len(block)+1); out+=block
    return bytes(out)
def frame(ver,flags,seq,ack,typ,payload):
    raw=bytes([(ver<<4)|flags,seq,ack,typ])+payload
    raw+=struct.pack('<H',crc(raw))
    return cobs(raw)+b'\0'
V=[]
def v(name,ver,flags,seq,ack,typ,payload):
    V.append((name,ver,flags,seq,ack,typ,payload,frame(ver,flags,seq,ack,typ,payload)))
v("hello",1,0,1,0,0x01,bytes([1,0]))
v("hello_reply",1,1,0,1,0x41,bytes([1,0,1,0,0])+struct.pack('<I',0x0000002A)+bytes([2,3,1])+struct.pack('<I',0xDEADBEEF))
v("heartbeat",1,0,2,0,0x02,b"")
v("grant",1,0,3,0,0x03,bytes([1])+struct.pack('<II',0x12345678,2000))
v("ack_applied",1,1,0,3,0x42,bytes([0]))
v("nak_version",1,1,0,4,0x43,bytes([1,2,1,0]))
v("revoke_all",1,0,5,0,0x04,bytes([0xFF,2]))
v("set_policy_until_idle",1,0,6,0,0x05,bytes([0,2])+struct.pack('<IHII',0,300,5000,3600000))
v("status_two_channels",1,1,0,10,0x44,bytes([2,0x04])+bytes([0x09,1])+struct.pack('<HII',1234,1500,0x12345678)+bytes([0x06,0])+struct.pack('<HII',0,0,0))
v("event_boot",1,0,7,0,0x45,bytes([1,0xFF])+struct.pack('<HII',4,0xDEADBEEF,12))
v("clear_fault_all",1,0,8,0,0x07,bytes([0xFF]))
v("all_off",1,0,9,0,0x08,b"")
v("get_status",1,0,10,0,0x06,b"")
v("event_ack",1,1,0,7,0x42,bytes([0]))
v("hello_major_2",2,0,1,0,0x01,bytes([2,0]))
def carr(b): return ", ".join("0x%02X"%x for x in b)
out=[]
out.append("""/* Golden vectors of the controller wire protocol: messages and their exact bytes on the wire
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
""")
# Separate arrays sized to their content: the whole set then fits an ATmega328P's RAM.
for (name,ver,flags,seq,ack,typ,payload,fr) in V:
    out.append('static const uint8_t k_etb_vp_%s[] = {%s};' % (name, carr(payload) if payload else "0"))
    out.append('static const uint8_t k_etb_vf_%s[] = {%s};' % (name, carr(fr)))
out.append("")
out.append("static const etb_vector k_etb_vectors[] = {")
for (name,ver,flags,seq,ack,typ,payload,fr) in V:
    out.append('    {"%s", %d, %d, %d, %d, 0x%02X, %d, k_etb_vp_%s, %d, k_etb_vf_%s},' % (name,ver,flags,seq,ack,typ,len(payload),name,len(fr),name))
out.append("""};
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
""")
open("vectors.h","w").write("\n".join(out))
