// Fuzz target of the controller protocol's receiving side (firmware-bridge/protocol): the
// streaming receiver etb_rx and every payload decoder. The station and the firmware both feed
// it bytes from a serial line, so any input must leave it sane, and what it accepts must
// re-encode to a frame it accepts again, identically. The same bytes then go to the firmware
// core (host build, after a HELLO so that GRANTs can act): a relay may close only on the byte
// that completes a valid GRANT. Layer: tests (fuzz). Single-threaded; replayed by
// replay_main.cpp or run under libFuzzer (ETABLI_LIBFUZZER).
#include <etb_proto.h>
#include <fw_host.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

// abort() rather than assert(): the check must hold in release builds too.
void require(bool ok) {
    if (!ok) std::abort();
}

void unpack_all(const etb_msg& m) {
    etb_hello h;
    etb_hello_reply hr;
    etb_grant g;
    etb_revoke r;
    etb_policy p;
    etb_channel_ref c;
    etb_ack a;
    etb_nak n;
    etb_status s;
    etb_event e;
    int ok = 0;
    ok += etb_unpack_hello(&m, &h) == 0;
    ok += etb_unpack_hello_reply(&m, &hr) == 0;
    ok += etb_unpack_grant(&m, &g) == 0;
    ok += etb_unpack_revoke(&m, &r) == 0;
    ok += etb_unpack_policy(&m, &p) == 0;
    ok += etb_unpack_channel_ref(&m, ETB_T_CLEAR_FAULT, &c) == 0;
    ok += etb_unpack_ack(&m, &a) == 0;
    ok += etb_unpack_nak(&m, &n) == 0;
    ok += etb_unpack_status(&m, &s) == 0;
    ok += etb_unpack_event(&m, &e) == 0;
    require(ok <= 1);  // a message has one type
    if (ok == 1 && m.type == ETB_T_STATUS) {
        require(s.count >= 1 && s.count <= ETB_MAX_CHANNELS);
        etb_msg back;
        etb_msg_init(&back, 0, 0);
        etb_pack_status(&back, &s);
        require(back.len == ETB_LEN_STATUS(s.count));
        require(std::memcmp(back.payload, m.payload, back.len) == 0);
    }
    if (ok == 1 && m.type == ETB_T_GRANT) {
        etb_msg back;
        etb_msg_init(&back, 0, 0);
        etb_pack_grant(&back, &g);
        require(std::memcmp(back.payload, m.payload, ETB_LEN_GRANT) == 0);
    }
    (void)etb_type_name(m.type);
    (void)etb_nak_text(m.len > 0 ? m.payload[0] : 0);
    (void)etb_event_name(m.len > 0 ? m.payload[0] : 0);
}

struct RelayWatch {
    int closes = 0;
};

void on_relay(void* ctx, std::uint8_t, std::uint8_t on) {
    if (on) ++static_cast<RelayWatch*>(ctx)->closes;
}

// Runs the bytes through a fresh controller; every relay closing must coincide with a GRANT.
void run_firmware(const std::uint8_t* data, std::size_t size) {
    fw_host_options opt{};
    opt.fd = -1;
    opt.channels = 4;
    opt.fake_clock = 1;
    opt.seed = 1;
    fw_host* h = fw_host_create(&opt);
    require(h != nullptr);
    RelayWatch watch;
    fw_host_set_relay_hook(h, on_relay, &watch);
    etb_msg hello;
    etb_msg_init(&hello, 0, 200);
    const etb_hello hp{ETB_PROTO_MAJOR, ETB_PROTO_MINOR};
    etb_pack_hello(&hello, &hp);
    std::uint8_t frame[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&hello, frame, sizeof frame);
    fw_host_feed(h, frame, static_cast<std::size_t>(n));
    etb_rx mirror;
    etb_rx_init(&mirror);
    for (std::size_t i = 0; i < size; ++i) {
        etb_msg m;
        const bool complete = etb_rx_push(&mirror, data[i], &m) != 0;
        const int before = watch.closes;
        fw_host_feed(h, data + i, 1);
        if (watch.closes != before) require(complete && m.type == ETB_T_GRANT);
        if (i % 16 == 0) fw_host_advance(h, 7);  // let leases and policies run too
        for (std::uint8_t ch = 0; ch < 4; ++ch) {
            const fw_core* c = fw_host_core(h);
            // A closed relay always belongs to a live session in a running state.
            if (fw_host_relay(h, ch)) require(c->ch[ch].session != 0 && c->ch[ch].state != ETB_STATE_OFF);
            // ALL_OFF and a feedback fault keep the relay open (a fault latches only while open).
            if (c->all_off || c->ch[ch].fault) require(!fw_host_relay(h, ch));
        }
    }
    fw_host_destroy(h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    etb_rx rx;
    etb_rx_init(&rx);
    std::size_t frames = 0;
    for (std::size_t i = 0; i < size; ++i) {
        etb_msg m;
        const std::uint16_t dropped_before = rx.dropped;
        if (etb_rx_push(&rx, data[i], &m) == 0) {
            require(rx.len <= sizeof rx.buf);
            continue;
        }
        ++frames;
        require(data[i] == 0);           // a frame completes only at a delimiter
        require(rx.dropped == dropped_before);
        require(rx.bad_in_row == 0);
        require(m.len <= ETB_MAX_PAYLOAD);
        require(m.version <= 15 && m.flags <= 15);
        unpack_all(m);

        // Re-encode: at most 64 bytes, no zero inside, and it decodes to the same message.
        std::uint8_t frame[ETB_FRAME_MAX];
        const int n = etb_frame_encode(&m, frame, sizeof frame);
        require(n > 0 && n <= static_cast<int>(ETB_FRAME_MAX));
        for (int k = 0; k + 1 < n; ++k) require(frame[k] != 0);
        require(frame[n - 1] == 0);
        etb_rx again;
        etb_rx_init(&again);
        etb_msg back;
        int got = 0;
        for (int k = 0; k < n; ++k) got += etb_rx_push(&again, frame[k], &back);
        require(got == 1);
        require(back.version == m.version && back.flags == m.flags && back.seq == m.seq && back.ack == m.ack &&
                back.type == m.type && back.len == m.len);
        require(std::memcmp(back.payload, m.payload, m.len) == 0);
    }
    require(rx.received == frames % 65536u);
    run_firmware(data, size);
    return 0;
}
