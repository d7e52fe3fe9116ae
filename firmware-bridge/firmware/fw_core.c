/* The portable firmware core: protocol, leases, policies, faults, events (see fw_core.h).
 * Layer: firmware-bridge/firmware, C99. Main loop only.
 *
 * Index: [SECTION] Helpers  [SECTION] Events  [SECTION] Relays  [SECTION] Commands
 *        [SECTION] Receive  [SECTION] Timers */
#include "fw_core.h"

#include <string.h>

/* [SECTION] Helpers */

/* True when `now` is at or past `t`, across the 49-day wrap of millis. */
static int fw_reached(uint32_t now, uint32_t t) {
    return (int32_t)(now - t) >= 0;
}

static void fw_send(fw_core* c, const etb_msg* m) {
    uint8_t frame[ETB_FRAME_MAX];
    const int n = etb_frame_encode(m, frame, sizeof frame);
    if (n > 0) {
        c->board->uart_write(c->board->ctx, frame, (uint8_t)n);
    }
}

/* xorshift32: enough to make two boots' ids differ; not a secret. */
static uint32_t fw_mix(uint32_t x) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* [SECTION] Events */

static void fw_event(fw_core* c, uint8_t kind, uint8_t ch, uint16_t value, uint32_t session) {
    fw_event_slot* s;
    if (c->ev_count >= FW_EVENT_QUEUE) {
        /* Keep the newest: drop the oldest unsent-or-unacked one, and say so in STATUS. */
        c->ev_head = (uint8_t)((c->ev_head + 1u) % FW_EVENT_QUEUE);
        --c->ev_count;
        c->ev_tries = 0;
        c->events_lost = 1;
    }
    s = &c->events[(unsigned)(c->ev_head + c->ev_count) % FW_EVENT_QUEUE];
    ++c->ev_count;
    s->seq = c->next_event_seq;
    c->next_event_seq = (uint8_t)(c->next_event_seq == 255u ? 1u : c->next_event_seq + 1u);
    s->ev.kind = kind;
    s->ev.channel = ch;
    s->ev.value = value;
    s->ev.session = session;
    s->ev.time_ms = c->now;
}

static void fw_send_head_event(fw_core* c) {
    etb_msg m;
    const fw_event_slot* s = &c->events[c->ev_head];
    etb_msg_init(&m, ETB_T_EVENT, s->seq);
    etb_pack_event(&m, &s->ev);
    fw_send(c, &m);
    c->ev_sent_at = c->now;
    ++c->ev_tries;
}

static void fw_event_acked(fw_core* c, uint8_t seq) {
    if (c->ev_count > 0u && c->events[c->ev_head].seq == seq) {
        c->ev_head = (uint8_t)((c->ev_head + 1u) % FW_EVENT_QUEUE);
        --c->ev_count;
        c->ev_tries = 0;
        if (c->ev_count > 0u) {
            fw_send_head_event(c); /* no need to wait: the link just proved alive */
        }
    }
}

/* [SECTION] Relays */

static void fw_relay(fw_core* c, uint8_t i, uint8_t on) {
    fw_channel* ch = &c->ch[i];
    if (!on && ch->relay) {
        ch->off_since = c->now;
    }
    ch->relay = on ? 1u : 0u;
    c->board->relay_set(c->board->ctx, i, ch->relay);
}

static void fw_channel_off(fw_core* c, uint8_t i) {
    fw_channel* ch = &c->ch[i];
    fw_relay(c, i, 0);
    ch->state = ETB_STATE_OFF;
    ch->session = 0;
    ch->idle_timing = 0;
}

/* The controller opens a relay by itself: tell the station. */
static void fw_cut(fw_core* c, uint8_t i, uint8_t cause) {
    const uint32_t session = c->ch[i].session;
    if (c->ch[i].state == ETB_STATE_OFF) {
        return;
    }
    fw_channel_off(c, i);
    fw_event(c, ETB_EV_RELAY_CUT, i, cause, session);
}

static void fw_renew(fw_core* c, uint8_t i) {
    fw_channel* ch = &c->ch[i];
    if (ch->state == ETB_STATE_GRACE || ch->state == ETB_STATE_UNTIL_IDLE) {
        fw_event(c, ETB_EV_GRACE_ENDED, i, ETB_CUT_NONE, ch->session);
    }
    if (ch->state != ETB_STATE_OFF) {
        ch->state = ETB_STATE_LEASED;
        ch->deadline = c->now + ch->lease_ms;
        ch->idle_timing = 0;
    }
}

/* [SECTION] Commands */

static void fw_reply_nak(fw_core* c, etb_msg* r, const etb_msg* cmd, uint8_t code, uint8_t arg) {
    etb_nak n;
    n.code = code;
    n.arg = arg;
    n.major = (uint8_t)ETB_PROTO_MAJOR;
    n.minor = (uint8_t)ETB_PROTO_MINOR;
    etb_msg_reply(r, ETB_T_NAK, cmd);
    etb_pack_nak(r, &n);
    (void)c;
}

static void fw_reply_ack(etb_msg* r, const etb_msg* cmd, uint8_t info) {
    etb_ack a;
    a.info = info;
    etb_msg_reply(r, ETB_T_ACK, cmd);
    etb_pack_ack(r, &a);
}

static void fw_status(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_status st;
    uint8_t i;
    memset(&st, 0, sizeof st);
    st.count = c->channels;
    st.flags = (uint8_t)((c->all_off ? ETB_ST_ALL_OFF : 0u) | (c->events_lost ? ETB_ST_EVENTS_LOST : 0u) |
                         (c->hello_done ? ETB_ST_HELLO_DONE : 0u));
    c->events_lost = 0;
    for (i = 0; i < c->channels; ++i) {
        const fw_channel* ch = &c->ch[i];
        etb_channel_status* s = &st.ch[i];
        uint32_t left = 0;
        s->flags = (uint8_t)((ch->relay ? ETB_CH_RELAY : 0u) | (ch->feedback ? ETB_CH_FEEDBACK : 0u) |
                             (ch->fault ? ETB_CH_FAULT : 0u) | (ch->running ? ETB_CH_RUNNING : 0u));
        s->state = ch->state;
        s->current_ma = ch->current_ma;
        if (ch->state == ETB_STATE_LEASED && !fw_reached(c->now, ch->deadline)) {
            left = ch->deadline - c->now;
        } else if (ch->state == ETB_STATE_GRACE && c->now - ch->phase_start < ch->policy.grace_ms) {
            left = ch->policy.grace_ms - (c->now - ch->phase_start);
        } else if (ch->state == ETB_STATE_UNTIL_IDLE && c->now - ch->phase_start < ch->policy.max_run_ms) {
            left = ch->policy.max_run_ms - (c->now - ch->phase_start);
        }
        s->lease_left_ms = left;
        s->session = ch->session;
    }
    etb_msg_reply(r, ETB_T_STATUS, cmd);
    etb_pack_status(r, &st);
}

static void fw_cmd_hello(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_hello h;
    etb_hello_reply hr;
    if (etb_unpack_hello(cmd, &h) != 0) {
        fw_reply_nak(c, r, cmd, ETB_NAK_MALFORMED, cmd->type);
        return;
    }
    if (h.major != ETB_PROTO_MAJOR) {
        fw_reply_nak(c, r, cmd, ETB_NAK_VERSION, h.major);
        return;
    }
    c->hello_done = 1;
    hr.major = (uint8_t)ETB_PROTO_MAJOR;
    hr.minor = (uint8_t)ETB_PROTO_MINOR;
    hr.fw_major = (uint8_t)FW_VERSION_MAJOR;
    hr.fw_minor = (uint8_t)FW_VERSION_MINOR;
    hr.fw_patch = (uint8_t)FW_VERSION_PATCH;
    hr.board_id = (uint32_t)FW_BOARD_ID;
    hr.channels = c->channels;
    hr.caps = (uint8_t)(ETB_CAP_CURRENT | ETB_CAP_FEEDBACK);
#ifdef FW_HOST_BUILD
    hr.caps = (uint8_t)(hr.caps | ETB_CAP_HOST_BUILD);
#endif
    hr.reset_cause = c->reset_cause;
    hr.boot_id = c->boot_id;
    etb_msg_reply(r, ETB_T_HELLO_REPLY, cmd);
    etb_pack_hello_reply(r, &hr);
}

static void fw_cmd_grant(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_grant g;
    fw_channel* ch;
    if (etb_unpack_grant(cmd, &g) != 0) {
        fw_reply_nak(c, r, cmd, ETB_NAK_MALFORMED, cmd->type);
        return;
    }
    if (g.channel >= c->channels) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_CHANNEL, g.channel);
        return;
    }
    if (g.session == 0u || g.lease_ms < ETB_LEASE_MIN_MS || g.lease_ms > ETB_LEASE_MAX_MS) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_ARG, g.channel);
        return;
    }
    if (!c->hello_done) {
        fw_reply_nak(c, r, cmd, ETB_NAK_NO_HELLO, g.channel);
        return;
    }
    if (c->all_off) {
        fw_reply_nak(c, r, cmd, ETB_NAK_ALL_OFF, g.channel);
        return;
    }
    ch = &c->ch[g.channel];
    if (ch->fault) {
        fw_reply_nak(c, r, cmd, ETB_NAK_FAULT, g.channel);
        return;
    }
    ch->lease_ms = g.lease_ms;
    if (ch->state != ETB_STATE_OFF && ch->session == g.session) {
        fw_renew(c, g.channel);
        fw_reply_ack(r, cmd, ETB_ACK_RENEWED);
        return;
    }
    ch->session = g.session;
    ch->state = ETB_STATE_LEASED;
    ch->deadline = c->now + g.lease_ms;
    ch->idle_timing = 0;
    fw_relay(c, g.channel, 1);
    fw_reply_ack(r, cmd, ETB_ACK_APPLIED);
}

static void fw_cmd_revoke(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_revoke v;
    uint8_t i;
    uint8_t changed = 0;
    if (etb_unpack_revoke(cmd, &v) != 0) {
        fw_reply_nak(c, r, cmd, ETB_NAK_MALFORMED, cmd->type);
        return;
    }
    if (v.channel != ETB_CHANNEL_ALL && v.channel >= c->channels) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_CHANNEL, v.channel);
        return;
    }
    for (i = 0; i < c->channels; ++i) {
        if ((v.channel == ETB_CHANNEL_ALL || v.channel == i) && c->ch[i].state != ETB_STATE_OFF) {
            fw_channel_off(c, i);
            changed = 1;
        }
    }
    fw_reply_ack(r, cmd, changed ? ETB_ACK_APPLIED : ETB_ACK_UNCHANGED);
}

static void fw_cmd_policy(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_policy p;
    if (etb_unpack_policy(cmd, &p) != 0) {
        fw_reply_nak(c, r, cmd, ETB_NAK_MALFORMED, cmd->type);
        return;
    }
    if (p.channel >= c->channels) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_CHANNEL, p.channel);
        return;
    }
    if (p.policy > ETB_POLICY_UNTIL_IDLE || p.grace_ms > ETB_POLICY_MAX_MS || p.idle_ms > ETB_POLICY_MAX_MS ||
        p.max_run_ms > ETB_POLICY_MAX_MS || (p.policy == ETB_POLICY_UNTIL_IDLE && p.max_run_ms == 0u)) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_ARG, p.channel);
        return;
    }
    if (c->ch[p.channel].state != ETB_STATE_OFF) {
        fw_reply_nak(c, r, cmd, ETB_NAK_RELAY_ON, p.channel);
        return;
    }
    if (p.idle_ma == 0u) {
        p.idle_ma = (uint16_t)FW_DEFAULT_IDLE_MA;
    }
    c->ch[p.channel].policy = p;
    fw_reply_ack(r, cmd, ETB_ACK_APPLIED);
}

static void fw_cmd_clear(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    etb_channel_ref ref;
    uint8_t i;
    uint8_t changed = 0;
    if (etb_unpack_channel_ref(cmd, ETB_T_CLEAR_FAULT, &ref) != 0) {
        fw_reply_nak(c, r, cmd, ETB_NAK_MALFORMED, cmd->type);
        return;
    }
    if (ref.channel != ETB_CHANNEL_ALL && ref.channel >= c->channels) {
        fw_reply_nak(c, r, cmd, ETB_NAK_BAD_CHANNEL, ref.channel);
        return;
    }
    for (i = 0; i < c->channels; ++i) {
        if ((ref.channel == ETB_CHANNEL_ALL || ref.channel == i) && c->ch[i].fault) {
            c->ch[i].fault = 0;
            c->ch[i].fb_since = c->now; /* a contact still welded latches again after debounce */
            changed = 1;
        }
    }
    if (ref.channel == ETB_CHANNEL_ALL && c->all_off) {
        c->all_off = 0;
        changed = 1;
    }
    fw_reply_ack(r, cmd, changed ? ETB_ACK_APPLIED : ETB_ACK_UNCHANGED);
}

static void fw_cmd_all_off(fw_core* c, etb_msg* r, const etb_msg* cmd) {
    uint8_t i;
    for (i = 0; i < c->channels; ++i) {
        fw_channel_off(c, i);
    }
    c->all_off = 1;
    fw_reply_ack(r, cmd, ETB_ACK_APPLIED);
}

static void fw_protocol_error(fw_core* c) {
    uint8_t i;
    for (i = 0; i < c->channels; ++i) {
        fw_cut(c, i, ETB_CUT_PROTOCOL);
    }
    fw_event(c, ETB_EV_PROTOCOL_ERROR, ETB_CHANNEL_ALL, c->errors_in_row, 0);
    c->errors_in_row = 0;
    ++c->protocol_errors;
}

static void fw_count_error(fw_core* c) {
    if (c->errors_in_row < 255u) {
        ++c->errors_in_row;
    }
    if (c->errors_in_row >= FW_BAD_FRAMES_LIMIT) {
        fw_protocol_error(c);
    }
}

/* [SECTION] Receive */

static int fw_is_command(uint8_t type) {
    return type >= ETB_T_HELLO && type <= ETB_T_ALL_OFF;
}

static void fw_handle(fw_core* c, const etb_msg* m) {
    etb_msg r;
    uint8_t malformed = 0;

    if (m->flags & ETB_F_REPLY) {
        /* The station's answer to one of our events. Any other reply is stray: ignore it. */
        if (m->type == ETB_T_ACK && m->version == ETB_PROTO_MAJOR) {
            c->errors_in_row = 0;
            fw_event_acked(c, m->ack);
        }
        return;
    }
    /* Duplicate of the command we just answered (our reply was lost): answer it again, do not
     * apply it twice. A HELLO is always answered afresh and forgets the previous command. */
    if (m->type != ETB_T_HELLO && c->has_last && m->seq != 0u && m->seq == c->last_seq &&
        m->type == c->last_type) {
        c->errors_in_row = 0;
        fw_send(c, &c->last_reply);
        return;
    }
    /* A late copy of an older command (the station already moved on): applying it now could
     * close a relay the station has since revoked. Silently dropped: nobody waits for it. */
    if (m->type != ETB_T_HELLO && c->has_last && m->seq != 0u) {
        const uint8_t behind = (uint8_t)(c->last_seq - m->seq);
        if (behind >= 1u && behind <= FW_STALE_WINDOW) {
            ++c->stale_dropped;
            return;
        }
    }
    if (m->version != ETB_PROTO_MAJOR) {
        fw_reply_nak(c, &r, m, ETB_NAK_VERSION, m->version);
        malformed = (m->type != ETB_T_HELLO); /* a HELLO from another major is a clean refusal */
    } else if (!fw_is_command(m->type)) {
        fw_reply_nak(c, &r, m, ETB_NAK_UNKNOWN_TYPE, m->type);
        malformed = 1;
    } else {
        switch (m->type) {
        case ETB_T_HELLO: fw_cmd_hello(c, &r, m); break;
        case ETB_T_HEARTBEAT: {
            uint8_t i;
            for (i = 0; i < c->channels; ++i) {
                fw_renew(c, i);
            }
            fw_reply_ack(&r, m, ETB_ACK_APPLIED);
            break;
        }
        case ETB_T_GRANT: fw_cmd_grant(c, &r, m); break;
        case ETB_T_REVOKE: fw_cmd_revoke(c, &r, m); break;
        case ETB_T_SET_POLICY: fw_cmd_policy(c, &r, m); break;
        case ETB_T_GET_STATUS: fw_status(c, &r, m); break;
        case ETB_T_CLEAR_FAULT: fw_cmd_clear(c, &r, m); break;
        default: fw_cmd_all_off(c, &r, m); break; /* ETB_T_ALL_OFF, the last command type */
        }
        if (r.type == ETB_T_NAK && r.payload[0] == ETB_NAK_MALFORMED) {
            malformed = 1;
        }
    }
    fw_send(c, &r);
    if (m->type == ETB_T_HELLO) {
        c->has_last = 0;
    } else if (m->seq != 0u) { /* seq 0: no retransmission to recognise, nothing to remember */
        c->has_last = 1;
        c->last_seq = m->seq;
        c->last_type = m->type;
        c->last_reply = r;
    }
    if (malformed) {
        fw_count_error(c);
    } else {
        c->errors_in_row = 0;
        /* The station is listening again: re-arm the event retransmissions. */
        if (c->ev_count > 0u && c->ev_tries >= FW_EVENT_TRIES) {
            c->ev_tries = 0;
            fw_send_head_event(c);
        }
    }
}

void fw_core_rx_byte(fw_core* c, uint8_t byte) {
    etb_msg m;
    c->now = c->board->millis(c->board->ctx);
    if (etb_rx_push(&c->rx, byte, &m)) {
        fw_handle(c, &m);
        return;
    }
    if (c->rx.dropped != c->rx_dropped_seen) {
        c->rx_dropped_seen = c->rx.dropped;
        fw_count_error(c);
    } else if (byte == 0u && c->rx.dropped == 0xFFFFu) {
        /* The drop counter saturated: count by the receiver's own run length instead. */
        if (c->rx.bad_in_row != 0u) {
            fw_count_error(c);
        }
    }
}

/* [SECTION] Timers */

static void fw_tick_channel(fw_core* c, uint8_t i) {
    fw_channel* ch = &c->ch[i];
    const etb_policy* p = &ch->policy;
    const uint8_t fb = c->board->feedback(c->board->ctx, i) ? 1u : 0u;
    const uint16_t cur = c->board->current_ma(c->board->ctx, i);
    const uint8_t above = cur >= p->idle_ma ? 1u : 0u;

    /* Feedback on while the relay is open, after its release time: welded contact or wiring. */
    if (fb && !ch->feedback) {
        ch->fb_since = c->now;
    }
    ch->feedback = fb;
    if (fb && !ch->relay && !ch->fault) {
        /* Debounce counts from the later of "feedback came on" and "release time over". */
        const uint32_t settled = ch->off_since + FW_FEEDBACK_SETTLE_MS;
        const uint32_t from = fw_reached(ch->fb_since, settled) ? ch->fb_since : settled;
        if (fw_reached(c->now, from + FW_FEEDBACK_DEBOUNCE_MS)) {
            ch->fault = 1;
            fw_event(c, ETB_EV_FEEDBACK_FAULT, i, 0, ch->session);
        }
    }

    /* Current started / stopped, debounced. */
    ch->current_ma = cur;
    if (above == ch->running) {
        ch->cur_since = c->now;
    } else if (fw_reached(c->now, ch->cur_since + FW_CURRENT_DEBOUNCE_MS)) {
        ch->running = above;
        fw_event(c, above ? ETB_EV_CURRENT_STARTED : ETB_EV_CURRENT_STOPPED, i, cur, ch->session);
    }

    switch (ch->state) {
    case ETB_STATE_LEASED:
        if (fw_reached(c->now, ch->deadline)) {
            fw_event(c, ETB_EV_LEASE_EXPIRED, i, p->policy, ch->session);
            if (p->policy == ETB_POLICY_GRACE && p->grace_ms > 0u) {
                ch->state = ETB_STATE_GRACE;
                ch->phase_start = c->now;
                fw_event(c, ETB_EV_GRACE_STARTED, i, p->policy, ch->session);
            } else if (p->policy == ETB_POLICY_UNTIL_IDLE) {
                ch->state = ETB_STATE_UNTIL_IDLE;
                ch->phase_start = c->now;
                ch->idle_timing = 0;
                fw_event(c, ETB_EV_GRACE_STARTED, i, p->policy, ch->session);
            } else {
                fw_cut(c, i, ETB_CUT_LEASE);
            }
        }
        break;
    case ETB_STATE_GRACE:
        if (c->now - ch->phase_start >= p->grace_ms) {
            fw_event(c, ETB_EV_GRACE_ENDED, i, ETB_CUT_GRACE, ch->session);
            fw_cut(c, i, ETB_CUT_GRACE);
        }
        break;
    case ETB_STATE_UNTIL_IDLE:
        if (cur >= p->idle_ma) {
            ch->idle_timing = 0;
        } else if (!ch->idle_timing) {
            ch->idle_timing = 1;
            ch->idle_since = c->now;
        }
        if (c->now - ch->phase_start >= p->max_run_ms) {
            fw_event(c, ETB_EV_GRACE_ENDED, i, ETB_CUT_MAX_RUN, ch->session);
            fw_cut(c, i, ETB_CUT_MAX_RUN);
        } else if (ch->idle_timing && c->now - ch->idle_since >= p->idle_ms) {
            fw_event(c, ETB_EV_GRACE_ENDED, i, ETB_CUT_IDLE, ch->session);
            fw_cut(c, i, ETB_CUT_IDLE);
        }
        break;
    default:
        break;
    }
}

void fw_core_tick(fw_core* c) {
    uint8_t i;
    c->now = c->board->millis(c->board->ctx);
    for (i = 0; i < c->channels; ++i) {
        fw_tick_channel(c, i);
    }
    if (c->ev_count > 0u && c->ev_tries < FW_EVENT_TRIES &&
        (c->ev_tries == 0u || c->now - c->ev_sent_at >= FW_EVENT_RETRY_MS)) {
        fw_send_head_event(c);
    }
    c->board->watchdog_feed(c->board->ctx);
}

uint8_t fw_core_relay(const fw_core* c, uint8_t ch) {
    return ch < c->channels ? c->ch[ch].relay : 0u;
}

void fw_core_init(fw_core* c, const fw_board* board, uint8_t channels) {
    uint8_t i;
    uint32_t seed;
    memset(c, 0, sizeof *c);
    c->board = board;
    c->channels = channels == 0u ? 1u : (channels > ETB_MAX_CHANNELS ? (uint8_t)ETB_MAX_CHANNELS : channels);
    c->now = board->millis(board->ctx);
    etb_rx_init(&c->rx);
    /* Relays first: nothing else may run before every channel is open. */
    for (i = 0; i < ETB_MAX_CHANNELS; ++i) {
        c->ch[i].policy.channel = i;
        c->ch[i].policy.policy = ETB_POLICY_CUT;
        c->ch[i].policy.idle_ma = (uint16_t)FW_DEFAULT_IDLE_MA;
        c->ch[i].off_since = c->now;
        c->ch[i].cur_since = c->now;
        if (i < c->channels) {
            board->relay_set(board->ctx, i, 0);
        }
    }
    c->reset_cause = board->reset_cause(board->ctx);
    seed = board->random_seed(board->ctx) ^ 0x9E3779B9u;
    c->boot_id = fw_mix(fw_mix(seed == 0u ? 1u : seed));
    if (c->boot_id == 0u) {
        c->boot_id = 1u;
    }
    c->next_event_seq = 1;
    fw_event(c, ETB_EV_BOOT, ETB_CHANNEL_ALL, c->reset_cause, c->boot_id);
}
