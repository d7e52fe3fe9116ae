/* The controller wire protocol's messages: header, message types, payload pack/unpack, frame
 * encoding and a streaming frame receiver (see PROTOCOL.md beside this file).
 * Layer: firmware-bridge/protocol, C99, compiled into both the station (hw, g++) and the AVR
 * firmware (avr-gcc). No AVR headers, no allocation, no clock. Every function works on
 * caller-owned structures, so any thread may use its own instances; an etb_rx belongs to the
 * one thread (or the main loop) that feeds it bytes.
 *
 * Wire layout of one message, before COBS and CRC (all multi-byte fields little-endian):
 *
 *     byte 0   version (high nibble, ETB_PROTO_MAJOR) | flags (low nibble, ETB_F_*)
 *     byte 1   seq   sender's sequence number of this message (0 = needs no answer)
 *     byte 2   ack   with ETB_F_REPLY: the seq of the peer message this one answers
 *     byte 3   type  ETB_T_*
 *     4..      payload, 0..ETB_MAX_PAYLOAD bytes, layout per type (etb_pack_* below)
 *
 * Payloads are packed and unpacked field by field with explicit shifts: never by casting a
 * struct, whose layout differs between avr-gcc and g++. */
#ifndef ETB_PROTO_H
#define ETB_PROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C99 has no _Static_assert; a negative array size stops the build instead. */
#define ETB_STATIC_ASSERT(cond, name) typedef char etb_static_assert_##name[(cond) ? 1 : -1]

/* [SECTION] Versions and sizes */

/* Major: a change that an older peer cannot parse; refused at HELLO (NAK ETB_NAK_VERSION).
 * Minor: additions an older peer can ignore (new trailing payload fields, new event kinds). */
#define ETB_PROTO_MAJOR 1u
#define ETB_PROTO_MINOR 0u

#define ETB_FRAME_MAX 64u    /* bytes on the wire, delimiter included */
#define ETB_HEADER_SIZE 4u   /* version|flags, seq, ack, type */
#define ETB_CRC_SIZE 2u
/* 64 = 1 delimiter + 1 COBS code byte (frames stay under 254 bytes) + 4 header + payload + 2 CRC */
#define ETB_MAX_PAYLOAD (ETB_FRAME_MAX - 2u - ETB_HEADER_SIZE - ETB_CRC_SIZE)
#define ETB_MAX_CHANNELS 4u
#define ETB_CHANNEL_ALL 0xFFu /* REVOKE and CLEAR_FAULT: every channel (and the ALL_OFF latch) */

/* Header flags (low nibble of byte 0). */
#define ETB_F_REPLY 0x01u /* this message answers the peer's message number `ack` */

/* [SECTION] Message types */
enum etb_type {
    /* station -> controller: commands, each answered by exactly one reply */
    ETB_T_HELLO = 0x01,       /* etb_hello       -> ETB_T_HELLO_REPLY or NAK */
    ETB_T_HEARTBEAT = 0x02,   /* (empty)         -> ACK; renews every lease */
    ETB_T_GRANT = 0x03,       /* etb_grant       -> ACK or NAK */
    ETB_T_REVOKE = 0x04,      /* etb_revoke      -> ACK or NAK */
    ETB_T_SET_POLICY = 0x05,  /* etb_policy      -> ACK or NAK (only while the relay is off) */
    ETB_T_GET_STATUS = 0x06,  /* (empty)         -> ETB_T_STATUS */
    ETB_T_CLEAR_FAULT = 0x07, /* etb_channel_ref -> ACK or NAK */
    ETB_T_ALL_OFF = 0x08,     /* (empty)         -> ACK; latched until CLEAR_FAULT(ALL) */
    /* controller -> station */
    ETB_T_HELLO_REPLY = 0x41, /* etb_hello_reply (reply) */
    ETB_T_ACK = 0x42,         /* etb_ack (reply) */
    ETB_T_NAK = 0x43,         /* etb_nak (reply) */
    ETB_T_STATUS = 0x44,      /* etb_status (reply) */
    ETB_T_EVENT = 0x45        /* etb_event, unsolicited, seq != 0; the station answers ACK */
};

/* Host-loss policy of a channel: what happens when its lease runs out. */
enum etb_policy_kind {
    ETB_POLICY_CUT = 0,        /* relay off at once */
    ETB_POLICY_GRACE = 1,      /* relay kept grace_ms more, then off */
    ETB_POLICY_UNTIL_IDLE = 2  /* kept while current >= idle_ma; off after idle_ms below it,
                                  and off max_run_ms after the lease ran out regardless */
};

/* NAK codes (etb_nak.code). Both sides show them; etb_nak_text() gives the English text. */
enum etb_nak_code {
    ETB_NAK_VERSION = 1,      /* protocol major differs; etb_nak carries the controller's */
    ETB_NAK_MALFORMED = 2,    /* payload too short for its type */
    ETB_NAK_UNKNOWN_TYPE = 3, /* a type this controller does not know */
    ETB_NAK_BAD_CHANNEL = 4,  /* arg = the channel */
    ETB_NAK_BAD_ARG = 5,      /* a value out of range (lease, policy) */
    ETB_NAK_NO_HELLO = 6,     /* GRANT before any HELLO since boot: no live session */
    ETB_NAK_FAULT = 7,        /* channel has a latched feedback fault; CLEAR_FAULT first */
    ETB_NAK_ALL_OFF = 8,      /* ALL_OFF is latched; CLEAR_FAULT(ETB_CHANNEL_ALL) first */
    ETB_NAK_RELAY_ON = 9      /* SET_POLICY while the relay is on */
};

/* ACK information (etb_ack.info): what the command did. */
enum etb_ack_info {
    ETB_ACK_APPLIED = 0,   /* state changed */
    ETB_ACK_RENEWED = 1,   /* GRANT of the session already running: lease renewed only */
    ETB_ACK_UNCHANGED = 2  /* nothing to do (REVOKE of an idle channel, CLEAR without fault) */
};

/* EVENT kinds (etb_event.kind). */
enum etb_event_kind {
    ETB_EV_BOOT = 1,            /* channel ALL, value = reset cause, session = boot id */
    ETB_EV_LEASE_EXPIRED = 2,   /* lease ran out; value = the policy now applied */
    ETB_EV_CURRENT_STARTED = 3, /* current rose to idle_ma or above; value = mA */
    ETB_EV_CURRENT_STOPPED = 4, /* current fell below idle_ma; value = mA */
    ETB_EV_FEEDBACK_FAULT = 5,  /* feedback on while relay off: latched */
    ETB_EV_GRACE_STARTED = 6,   /* value = policy (grace or until-idle) */
    ETB_EV_GRACE_ENDED = 7,     /* value = ETB_CUT_* if cut, or 0 when a renewal ended it */
    ETB_EV_RELAY_CUT = 8,       /* the controller opened the relay by itself; value = ETB_CUT_* */
    ETB_EV_PROTOCOL_ERROR = 9   /* channel ALL; too many bad frames: every relay cut */
};

/* Why the controller opened a relay on its own (EVENT RELAY_CUT value, STATUS last_cut). */
enum etb_cut_cause {
    ETB_CUT_NONE = 0,
    ETB_CUT_LEASE = 1,     /* lease ran out, policy cut */
    ETB_CUT_GRACE = 2,     /* grace period over */
    ETB_CUT_IDLE = 3,      /* until-idle: current stayed low idle_ms */
    ETB_CUT_MAX_RUN = 4,   /* until-idle: max_run_ms reached */
    ETB_CUT_PROTOCOL = 5,  /* protocol error */
    ETB_CUT_FAULT = 6      /* feedback fault */
};

/* Reset causes (HELLO_REPLY, EVENT BOOT). */
enum etb_reset_cause {
    ETB_RESET_UNKNOWN = 0,
    ETB_RESET_POWER_ON = 1,
    ETB_RESET_EXTERNAL = 2, /* reset pin: on a Nano, opening the port toggles DTR */
    ETB_RESET_BROWN_OUT = 3,
    ETB_RESET_WATCHDOG = 4,
    ETB_RESET_SOFTWARE = 5  /* host build: the `reset` control command */
};

/* Capability bits (HELLO_REPLY caps). */
#define ETB_CAP_CURRENT 0x01u  /* current sense inputs */
#define ETB_CAP_FEEDBACK 0x02u /* contact feedback inputs */
#define ETB_CAP_HOST_BUILD 0x80u /* not a real board: host build or simulator */

/* STATUS channel flags. */
#define ETB_CH_RELAY 0x01u      /* relay closed */
#define ETB_CH_FEEDBACK 0x02u   /* feedback input on */
#define ETB_CH_FAULT 0x04u      /* feedback fault latched */
#define ETB_CH_RUNNING 0x08u    /* current at or above idle_ma */
/* STATUS global flags. */
#define ETB_ST_ALL_OFF 0x01u       /* ALL_OFF latched */
#define ETB_ST_EVENTS_LOST 0x02u   /* the event queue overflowed since the last STATUS */
#define ETB_ST_HELLO_DONE 0x04u    /* a HELLO was accepted since boot */

/* Channel states (STATUS). */
enum etb_channel_state {
    ETB_STATE_OFF = 0,
    ETB_STATE_LEASED = 1, /* relay on, lease valid */
    ETB_STATE_GRACE = 2,  /* relay on, lease gone, grace policy running */
    ETB_STATE_UNTIL_IDLE = 3
};

/* [SECTION] Message */

typedef struct etb_msg {
    uint8_t version; /* ETB_PROTO_MAJOR when sent by us; as received otherwise (0..15) */
    uint8_t flags;   /* ETB_F_* (0..15) */
    uint8_t seq;
    uint8_t ack;
    uint8_t type;    /* ETB_T_* */
    uint8_t len;     /* payload bytes used */
    uint8_t payload[ETB_MAX_PAYLOAD];
} etb_msg;

/* Empties `m` and sets version ETB_PROTO_MAJOR, flags 0, the type and seq. */
void etb_msg_init(etb_msg* m, uint8_t type, uint8_t seq);
/* Turns `m` into a reply to `to`: ETB_F_REPLY, ack = to->seq, seq 0. */
void etb_msg_reply(etb_msg* m, uint8_t type, const etb_msg* to);

/* [SECTION] Frames */

enum {
    ETB_FRAME_ERR_TOO_LONG = -10, /* m->len > ETB_MAX_PAYLOAD */
    ETB_FRAME_ERR_OVERFLOW = -11  /* `cap` too small (ETB_FRAME_MAX is always enough) */
};

/* Writes COBS(header || payload || crc16 LE) followed by 0x00 into `out`. Returns the bytes
 * written (at most ETB_FRAME_MAX) or a negative ETB_FRAME_ERR_. */
int etb_frame_encode(const etb_msg* m, uint8_t* out, size_t cap);

/* Streaming receiver. Feed every byte read from the line; a complete, CRC-checked frame comes
 * out as a message. Counters saturate; the user may reset them. */
typedef struct etb_rx {
    uint8_t buf[ETB_FRAME_MAX];
    uint8_t len;
    uint8_t overflow;      /* current frame exceeded buf: drop it at its delimiter */
    uint8_t bad_in_row;    /* dropped frames since the last good one (saturates at 255) */
    uint16_t dropped;      /* dropped frames in total (saturates at 65535) */
    uint16_t received;     /* good frames (wraps) */
} etb_rx;

void etb_rx_init(etb_rx* rx);
/* Pushes one byte. Returns 1 and fills `out` when `byte` completes a valid frame (its version
 * is not checked here: the application decides), 0 otherwise. A frame that is too long, fails
 * COBS, is shorter than a header plus CRC, or fails its CRC is dropped and counted; the next
 * 0x00 starts a new frame. Empty frames (0x00 0x00) are skipped without counting. */
int etb_rx_push(etb_rx* rx, uint8_t byte, etb_msg* out);

/* [SECTION] Payloads
 * etb_pack_X(m, &x): sets m->type and the payload (not seq, ack, flags).
 * etb_unpack_X(m, &x): 0 on success; -1 if the type differs or the payload is shorter than
 * ETB_LEN_X. Longer payloads are accepted (a newer minor version may append fields). */

typedef struct etb_hello {
    uint8_t major, minor;
} etb_hello;
#define ETB_LEN_HELLO 2u

typedef struct etb_hello_reply {
    uint8_t major, minor;                  /* controller's protocol version */
    uint8_t fw_major, fw_minor, fw_patch;  /* firmware version */
    uint32_t board_id;                     /* configured or serial number */
    uint8_t channels;                      /* 1..ETB_MAX_CHANNELS */
    uint8_t caps;                          /* ETB_CAP_* */
    uint8_t reset_cause;                   /* ETB_RESET_* */
    uint32_t boot_id;                      /* random at every boot */
} etb_hello_reply;
#define ETB_LEN_HELLO_REPLY 16u

typedef struct etb_grant {
    uint8_t channel;
    uint32_t session;  /* station's session id, nonzero; same session = renewal */
    uint32_t lease_ms; /* ETB_LEASE_MIN_MS..ETB_LEASE_MAX_MS */
} etb_grant;
#define ETB_LEN_GRANT 9u
#define ETB_LEASE_MIN_MS 100u
#define ETB_LEASE_MAX_MS 600000u

typedef struct etb_revoke {
    uint8_t channel; /* or ETB_CHANNEL_ALL */
    uint8_t reason;  /* station's own code, echoed nowhere: for logs and traces */
} etb_revoke;
#define ETB_LEN_REVOKE 2u

typedef struct etb_policy {
    uint8_t channel;
    uint8_t policy;       /* ETB_POLICY_* */
    uint32_t grace_ms;    /* GRACE: extra run after the lease */
    uint16_t idle_ma;     /* UNTIL_IDLE (and current events): running threshold, mA */
    uint32_t idle_ms;     /* UNTIL_IDLE: how long below idle_ma means idle */
    uint32_t max_run_ms;  /* UNTIL_IDLE: hard limit after the lease ran out */
} etb_policy;
#define ETB_LEN_POLICY 16u
#define ETB_POLICY_MAX_MS 86400000u /* one day: larger values are NAKed ETB_NAK_BAD_ARG */

typedef struct etb_channel_ref {
    uint8_t channel; /* or ETB_CHANNEL_ALL */
} etb_channel_ref;
#define ETB_LEN_CHANNEL_REF 1u

typedef struct etb_ack {
    uint8_t info; /* ETB_ACK_* */
} etb_ack;
#define ETB_LEN_ACK 1u

typedef struct etb_nak {
    uint8_t code;         /* ETB_NAK_* */
    uint8_t arg;          /* channel, or the offending type */
    uint8_t major, minor; /* the controller's protocol version, on every NAK */
} etb_nak;
#define ETB_LEN_NAK 4u

typedef struct etb_channel_status {
    uint8_t flags;          /* ETB_CH_* */
    uint8_t state;          /* ETB_STATE_* */
    uint16_t current_ma;
    uint32_t lease_left_ms; /* 0 when off; time left of grace/until-idle max in those states */
    uint32_t session;       /* 0 when off */
} etb_channel_status;
#define ETB_LEN_CHANNEL_STATUS 12u

typedef struct etb_status {
    uint8_t count; /* channels that follow, 1..ETB_MAX_CHANNELS */
    uint8_t flags; /* ETB_ST_* */
    etb_channel_status ch[ETB_MAX_CHANNELS];
} etb_status;
#define ETB_LEN_STATUS(n) (2u + ETB_LEN_CHANNEL_STATUS * (unsigned)(n))

typedef struct etb_event {
    uint8_t kind;     /* ETB_EV_* */
    uint8_t channel;  /* or ETB_CHANNEL_ALL */
    uint16_t value;   /* per kind */
    uint32_t session; /* the lease's session (BOOT: the boot id) */
    uint32_t time_ms; /* controller uptime at the event */
} etb_event;
#define ETB_LEN_EVENT 12u

ETB_STATIC_ASSERT(ETB_MAX_PAYLOAD == 56u, payload_fits_64_byte_frame);
ETB_STATIC_ASSERT(ETB_LEN_STATUS(ETB_MAX_CHANNELS) <= ETB_MAX_PAYLOAD, status_fits);
ETB_STATIC_ASSERT(ETB_LEN_HELLO_REPLY <= ETB_MAX_PAYLOAD, hello_reply_fits);
ETB_STATIC_ASSERT(ETB_LEN_POLICY <= ETB_MAX_PAYLOAD, policy_fits);
ETB_STATIC_ASSERT(ETB_HEADER_SIZE + ETB_MAX_PAYLOAD + ETB_CRC_SIZE + 2u == ETB_FRAME_MAX, frame_size);

void etb_pack_hello(etb_msg* m, const etb_hello* x);
int etb_unpack_hello(const etb_msg* m, etb_hello* x);
void etb_pack_hello_reply(etb_msg* m, const etb_hello_reply* x);
int etb_unpack_hello_reply(const etb_msg* m, etb_hello_reply* x);
void etb_pack_grant(etb_msg* m, const etb_grant* x);
int etb_unpack_grant(const etb_msg* m, etb_grant* x);
void etb_pack_revoke(etb_msg* m, const etb_revoke* x);
int etb_unpack_revoke(const etb_msg* m, etb_revoke* x);
void etb_pack_policy(etb_msg* m, const etb_policy* x);
int etb_unpack_policy(const etb_msg* m, etb_policy* x);
/* CLEAR_FAULT carries a channel ref; `type` must be ETB_T_CLEAR_FAULT. */
void etb_pack_channel_ref(etb_msg* m, uint8_t type, const etb_channel_ref* x);
int etb_unpack_channel_ref(const etb_msg* m, uint8_t type, etb_channel_ref* x);
void etb_pack_ack(etb_msg* m, const etb_ack* x);
int etb_unpack_ack(const etb_msg* m, etb_ack* x);
void etb_pack_nak(etb_msg* m, const etb_nak* x);
int etb_unpack_nak(const etb_msg* m, etb_nak* x);
/* x->count is clamped to ETB_MAX_CHANNELS. Unpack fails if count is 0 or above the maximum
 * or the payload is shorter than ETB_LEN_STATUS(count). */
void etb_pack_status(etb_msg* m, const etb_status* x);
int etb_unpack_status(const etb_msg* m, etb_status* x);
void etb_pack_event(etb_msg* m, const etb_event* x);
int etb_unpack_event(const etb_msg* m, etb_event* x);
/* Empty-payload commands: HEARTBEAT, GET_STATUS, ALL_OFF. */
void etb_pack_empty(etb_msg* m, uint8_t type);

/* [SECTION] Names, for logs and messages: English, static strings, "?" when unknown. */
const char* etb_type_name(uint8_t type);
const char* etb_nak_text(uint8_t code);
const char* etb_event_name(uint8_t kind);

/* Little-endian field helpers, shared with the firmware. */
void etb_put_u16(uint8_t* p, uint16_t v);
void etb_put_u32(uint8_t* p, uint32_t v);
uint16_t etb_get_u16(const uint8_t* p);
uint32_t etb_get_u32(const uint8_t* p);

#ifdef __cplusplus
}
#endif

#endif /* ETB_PROTO_H */
