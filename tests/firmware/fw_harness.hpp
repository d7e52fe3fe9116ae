// A test station in front of one host-built controller (etabli_fw_host) with a fake clock:
// sends commands as frames, decodes what the controller writes, acknowledges its events.
// Layer: tests (firmware on host). Single-threaded.
#pragma once

#include <etb_proto.h>
#include <fw_host.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <optional>
#include <vector>

namespace etabli::testing {

class FwHarness {
public:
    explicit FwHarness(std::uint8_t channels = 2, std::uint32_t seed = 7) {
        fw_host_options opt{};
        opt.fd = -1;
        opt.channels = channels;
        opt.fake_clock = 1;
        opt.seed = seed;
        m_host = fw_host_create(&opt);
        etb_rx_init(&m_rx);
        fw_host_set_output(m_host, &FwHarness::on_output, this);
        fw_host_set_relay_hook(m_host, &FwHarness::on_relay, this);
    }
    ~FwHarness() { fw_host_destroy(m_host); }
    FwHarness(const FwHarness&) = delete;
    FwHarness& operator=(const FwHarness&) = delete;

    fw_host* host() { return m_host; }
    const fw_core& core() const { return *fw_host_core(m_host); }
    // Simulated reboot: a new boot, whose event numbers start again.
    void reset(std::uint8_t cause) {
        m_seen_event_seq.clear();
        fw_host_reset(m_host, cause);
    }
    bool relay(std::uint8_t ch) const { return fw_host_relay(m_host, ch) != 0; }

    // Raw bytes into the controller's UART.
    void feed(const std::vector<std::uint8_t>& bytes) { fw_host_feed(m_host, bytes.data(), bytes.size()); }
    void send(const etb_msg& m) {
        std::uint8_t frame[ETB_FRAME_MAX];
        const int n = etb_frame_encode(&m, frame, sizeof frame);
        if (n > 0) fw_host_feed(m_host, frame, static_cast<std::size_t>(n));
    }

    // Sends `m` with the next seq and returns the reply to it (none if the controller was silent).
    std::optional<etb_msg> command(etb_msg m) {
        m_seq = static_cast<std::uint8_t>(m_seq == 255 ? 1 : m_seq + 1);
        m.seq = m_seq;
        return command_seq(m);
    }
    // Sends `m` as is (its seq kept: retransmissions) and returns the reply to it.
    std::optional<etb_msg> command_seq(const etb_msg& m) {
        send(m);
        return take_reply(m.seq);
    }
    std::optional<etb_msg> take_reply(std::uint8_t seq) {
        for (auto it = m_replies.begin(); it != m_replies.end(); ++it) {
            if (it->ack == seq) {
                const etb_msg r = *it;
                m_replies.erase(it);
                return r;
            }
        }
        return std::nullopt;
    }

    std::optional<etb_msg> hello(std::uint8_t major = ETB_PROTO_MAJOR) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        const etb_hello h{major, 0};
        etb_pack_hello(&m, &h);
        return command(m);
    }
    std::optional<etb_msg> grant(std::uint8_t ch, std::uint32_t session, std::uint32_t lease_ms) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        const etb_grant g{ch, session, lease_ms};
        etb_pack_grant(&m, &g);
        return command(m);
    }
    std::optional<etb_msg> simple(std::uint8_t type) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        etb_pack_empty(&m, type);
        return command(m);
    }
    std::optional<etb_msg> revoke(std::uint8_t ch) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        const etb_revoke r{ch, 1};
        etb_pack_revoke(&m, &r);
        return command(m);
    }
    std::optional<etb_msg> clear(std::uint8_t ch) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        const etb_channel_ref r{ch};
        etb_pack_channel_ref(&m, ETB_T_CLEAR_FAULT, &r);
        return command(m);
    }
    std::optional<etb_msg> policy(const etb_policy& p) {
        etb_msg m;
        etb_msg_init(&m, 0, 0);
        etb_pack_policy(&m, &p);
        return command(m);
    }
    std::optional<etb_status> status() {
        const auto r = simple(ETB_T_GET_STATUS);
        etb_status st{};
        if (!r || etb_unpack_status(&*r, &st) != 0) return std::nullopt;
        return st;
    }

    // Moves the fake clock `ms` milliseconds, one at a time, acknowledging events if asked.
    void advance(std::uint32_t ms) {
        for (std::uint32_t i = 0; i < ms; ++i) {
            fw_host_advance(m_host, 1);
            ack_events();
        }
    }
    void ack_events() {
        while (m_auto_ack && !m_to_ack.empty()) {
            const std::uint8_t seq = m_to_ack.front();
            m_to_ack.pop_front();
            etb_msg a;
            etb_msg_init(&a, 0, 0);
            a.flags = ETB_F_REPLY;
            a.ack = seq;
            const etb_ack info{ETB_ACK_APPLIED};
            etb_pack_ack(&a, &info);
            send(a);
        }
    }

    // Events received (each distinct seq once, in order), and every EVENT frame seen.
    std::vector<etb_event> events;
    std::vector<std::uint8_t> event_frames_seq;
    std::vector<std::pair<std::uint8_t, std::uint8_t>> relay_log;  // (channel, on)
    bool m_auto_ack = true;

    bool has_event(std::uint8_t kind, std::uint8_t ch, int value = -1) const {
        for (const auto& e : events)
            if (e.kind == kind && e.channel == ch && (value < 0 || e.value == value)) return true;
        return false;
    }

private:
    static void on_output(void* ctx, const std::uint8_t* data, std::size_t len) {
        auto* self = static_cast<FwHarness*>(ctx);
        for (std::size_t i = 0; i < len; ++i) {
            etb_msg m;
            if (etb_rx_push(&self->m_rx, data[i], &m)) self->on_message(m);
        }
    }
    static void on_relay(void* ctx, std::uint8_t ch, std::uint8_t on) {
        static_cast<FwHarness*>(ctx)->relay_log.emplace_back(ch, on);
    }
    void on_message(const etb_msg& m) {
        if (m.type == ETB_T_EVENT) {
            etb_event e{};
            if (etb_unpack_event(&m, &e) == 0) {
                event_frames_seq.push_back(m.seq);
                bool seen = false;
                for (auto s : m_seen_event_seq) seen = seen || s == m.seq;
                if (!seen) {
                    m_seen_event_seq.push_back(m.seq);
                    events.push_back(e);
                }
                m_to_ack.push_back(m.seq);
            }
            return;
        }
        m_replies.push_back(m);
    }

    fw_host* m_host = nullptr;
    etb_rx m_rx{};
    std::uint8_t m_seq = 0;
    std::deque<etb_msg> m_replies;
    std::deque<std::uint8_t> m_to_ack;
    std::vector<std::uint8_t> m_seen_event_seq;
};

inline std::uint8_t ack_info(const std::optional<etb_msg>& r) {
    etb_ack a{};
    if (!r || etb_unpack_ack(&*r, &a) != 0) return 0xEE;
    return a.info;
}
inline std::uint8_t nak_code(const std::optional<etb_msg>& r) {
    etb_nak n{};
    if (!r || etb_unpack_nak(&*r, &n) != 0) return 0;
    return n.code;
}

}  // namespace etabli::testing
