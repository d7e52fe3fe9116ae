/* English names of message types, NAK codes and event kinds, for logs and traces.
 * Layer: firmware-bridge/protocol (C99). Kept out of the firmware build on purpose: on an AVR
 * every string literal would also take RAM. Pure, any thread. */
#include "etb_proto.h"

const char* etb_type_name(uint8_t type) {
    switch (type) {
    case ETB_T_HELLO: return "HELLO";
    case ETB_T_HEARTBEAT: return "HEARTBEAT";
    case ETB_T_GRANT: return "GRANT";
    case ETB_T_REVOKE: return "REVOKE";
    case ETB_T_SET_POLICY: return "SET_POLICY";
    case ETB_T_GET_STATUS: return "GET_STATUS";
    case ETB_T_CLEAR_FAULT: return "CLEAR_FAULT";
    case ETB_T_ALL_OFF: return "ALL_OFF";
    case ETB_T_HELLO_REPLY: return "HELLO_REPLY";
    case ETB_T_ACK: return "ACK";
    case ETB_T_NAK: return "NAK";
    case ETB_T_STATUS: return "STATUS";
    case ETB_T_EVENT: return "EVENT";
    default: return "?";
    }
}

const char* etb_nak_text(uint8_t code) {
    switch (code) {
    case ETB_NAK_VERSION: return "protocol version mismatch";
    case ETB_NAK_MALFORMED: return "malformed message";
    case ETB_NAK_UNKNOWN_TYPE: return "unknown message type";
    case ETB_NAK_BAD_CHANNEL: return "no such channel";
    case ETB_NAK_BAD_ARG: return "value out of range";
    case ETB_NAK_NO_HELLO: return "no HELLO since the controller started";
    case ETB_NAK_FAULT: return "contact fault latched";
    case ETB_NAK_ALL_OFF: return "all-off latched";
    case ETB_NAK_RELAY_ON: return "relay is on";
    default: return "?";
    }
}

const char* etb_event_name(uint8_t kind) {
    switch (kind) {
    case ETB_EV_BOOT: return "boot";
    case ETB_EV_LEASE_EXPIRED: return "lease expired";
    case ETB_EV_CURRENT_STARTED: return "current started";
    case ETB_EV_CURRENT_STOPPED: return "current stopped";
    case ETB_EV_FEEDBACK_FAULT: return "feedback fault";
    case ETB_EV_GRACE_STARTED: return "grace started";
    case ETB_EV_GRACE_ENDED: return "grace ended";
    case ETB_EV_RELAY_CUT: return "relay cut";
    case ETB_EV_PROTOCOL_ERROR: return "protocol error";
    default: return "?";
    }
}
