// Host tests of the controller firmware core (fw_core through etabli_fw_host, fake clock) and of
// the protocol module: golden vectors, leases, every host-loss policy, fault and ALL_OFF
// latches, protocol errors, duplicates, version mismatch, and random bytes that must never
// close a relay. Layer: tests (firmware on host). Single-threaded.
#include "fw_harness.hpp"
#include "vectors.h"

#include <doctest/doctest.h>

#include <random>

using etabli::testing::ack_info;
using etabli::testing::FwHarness;
using etabli::testing::nak_code;

namespace {

etb_policy make_policy(std::uint8_t ch, std::uint8_t kind, std::uint32_t grace, std::uint16_t idle_ma,
                       std::uint32_t idle_ms, std::uint32_t max_run) {
    etb_policy p{};
    p.channel = ch;
    p.policy = kind;
    p.grace_ms = grace;
    p.idle_ma = idle_ma;
    p.idle_ms = idle_ms;
    p.max_run_ms = max_run;
    return p;
}

std::vector<std::uint8_t> frame_of(const etb_msg& m) {
    std::uint8_t f[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&m, f, sizeof f);
    REQUIRE(n > 0);
    return {f, f + n};
}

}  // namespace

TEST_CASE("golden vectors: encoding and receiving match the reference bytes") {
    CHECK(etb_vectors_check() == 0);
    for (const auto& v : k_etb_vectors) {
        CAPTURE(v.name);
        CHECK(v.frame_len <= ETB_FRAME_MAX);
        for (unsigned i = 0; i + 1 < v.frame_len; ++i) CHECK(v.frame[i] != 0);
    }
}

TEST_CASE("golden vectors: typed payloads unpack and pack back to the same bytes") {
    for (const auto& v : k_etb_vectors) {
        CAPTURE(v.name);
        etb_msg m;
        etb_msg_init(&m, v.type, v.seq);
        m.len = v.len;
        std::memcpy(m.payload, v.payload, v.len);
        etb_msg back;
        etb_msg_init(&back, 0, 0);
        bool typed = true;
        switch (v.type) {
        case ETB_T_HELLO: { etb_hello x{}; REQUIRE(etb_unpack_hello(&m, &x) == 0); etb_pack_hello(&back, &x); break; }
        case ETB_T_HELLO_REPLY: { etb_hello_reply x{}; REQUIRE(etb_unpack_hello_reply(&m, &x) == 0); etb_pack_hello_reply(&back, &x); break; }
        case ETB_T_GRANT: { etb_grant x{}; REQUIRE(etb_unpack_grant(&m, &x) == 0); etb_pack_grant(&back, &x); break; }
        case ETB_T_REVOKE: { etb_revoke x{}; REQUIRE(etb_unpack_revoke(&m, &x) == 0); etb_pack_revoke(&back, &x); break; }
        case ETB_T_SET_POLICY: { etb_policy x{}; REQUIRE(etb_unpack_policy(&m, &x) == 0); etb_pack_policy(&back, &x); break; }
        case ETB_T_CLEAR_FAULT: { etb_channel_ref x{}; REQUIRE(etb_unpack_channel_ref(&m, ETB_T_CLEAR_FAULT, &x) == 0); etb_pack_channel_ref(&back, ETB_T_CLEAR_FAULT, &x); break; }
        case ETB_T_ACK: { etb_ack x{}; REQUIRE(etb_unpack_ack(&m, &x) == 0); etb_pack_ack(&back, &x); break; }
        case ETB_T_NAK: { etb_nak x{}; REQUIRE(etb_unpack_nak(&m, &x) == 0); etb_pack_nak(&back, &x); break; }
        case ETB_T_STATUS: { etb_status x{}; REQUIRE(etb_unpack_status(&m, &x) == 0); etb_pack_status(&back, &x); break; }
        case ETB_T_EVENT: { etb_event x{}; REQUIRE(etb_unpack_event(&m, &x) == 0); etb_pack_event(&back, &x); break; }
        default: typed = false; break;
        }
        if (!typed) continue;
        CHECK(back.type == v.type);
        REQUIRE(back.len == v.len);
        CHECK(std::memcmp(back.payload, v.payload, v.len) == 0);
    }
    // Field values of two vectors, spelled out.
    etb_msg m;
    etb_msg_init(&m, ETB_T_GRANT, 3);
    m.len = k_etb_vectors[3].len;
    std::memcpy(m.payload, k_etb_vectors[3].payload, m.len);
    etb_grant g{};
    REQUIRE(etb_unpack_grant(&m, &g) == 0);
    CHECK(g.channel == 1);
    CHECK(g.session == 0x12345678u);
    CHECK(g.lease_ms == 2000u);
    // Too short, or the wrong type: refused.
    m.len = ETB_LEN_GRANT - 1;
    CHECK(etb_unpack_grant(&m, &g) == -1);
    m.len = ETB_LEN_GRANT;
    m.type = ETB_T_REVOKE;
    CHECK(etb_unpack_grant(&m, &g) == -1);
}

TEST_CASE("receiver: drops damaged frames, resynchronises at the next delimiter, counts") {
    etb_msg m;
    etb_msg_init(&m, 0, 9);
    const etb_grant g{0, 42, 1000};
    etb_pack_grant(&m, &g);
    const auto good = frame_of(m);
    etb_rx rx;
    etb_rx_init(&rx);
    etb_msg out;
    auto push_all = [&](const std::vector<std::uint8_t>& b) {
        int got = 0;
        for (auto x : b) got += etb_rx_push(&rx, x, &out);
        return got;
    };
    auto bad = good;
    bad[5] ^= 0x10;
    CHECK(push_all(bad) == 0);
    CHECK(rx.dropped == 1);
    CHECK(rx.bad_in_row == 1);
    CHECK(push_all(good) == 1);
    CHECK(rx.bad_in_row == 0);
    CHECK(out.seq == 9);
    // Garbage with no delimiter longer than a frame, then a delimiter: one drop, then good again.
    CHECK(push_all(std::vector<std::uint8_t>(200, 0x55)) == 0);
    CHECK(push_all({0x00}) == 0);
    CHECK(rx.dropped == 2);
    CHECK(push_all(good) == 1);
    // Empty frames are not errors.
    CHECK(push_all({0x00, 0x00, 0x00}) == 0);
    CHECK(rx.dropped == 2);
    // Too large a payload cannot be encoded.
    m.len = ETB_MAX_PAYLOAD + 1;
    std::uint8_t f[ETB_FRAME_MAX];
    CHECK(etb_frame_encode(&m, f, sizeof f) == ETB_FRAME_ERR_TOO_LONG);
    m.len = ETB_MAX_PAYLOAD;
    std::memset(m.payload, 0x77, m.len);
    CHECK(etb_frame_encode(&m, f, sizeof f) == static_cast<int>(ETB_FRAME_MAX));
    CHECK(etb_frame_encode(&m, f, ETB_FRAME_MAX - 1) == ETB_FRAME_ERR_OVERFLOW);
    // The largest frame goes through the receiver.
    etb_rx_init(&rx);
    CHECK(push_all({f, f + ETB_FRAME_MAX}) == 1);
    CHECK(out.len == ETB_MAX_PAYLOAD);
}

TEST_CASE("boot: relays open, BOOT event, HELLO reply, new boot id after a reset") {
    FwHarness fw;
    CHECK_FALSE(fw.relay(0));
    CHECK_FALSE(fw.relay(1));
    fw.advance(5);
    REQUIRE(fw.events.size() == 1);
    CHECK(fw.events[0].kind == ETB_EV_BOOT);
    CHECK(fw.events[0].value == ETB_RESET_POWER_ON);
    const auto r = fw.hello();
    REQUIRE(r);
    etb_hello_reply hr{};
    REQUIRE(etb_unpack_hello_reply(&*r, &hr) == 0);
    CHECK(hr.major == ETB_PROTO_MAJOR);
    CHECK(hr.channels == 2);
    CHECK(hr.reset_cause == ETB_RESET_POWER_ON);
    CHECK((hr.caps & ETB_CAP_HOST_BUILD) != 0);
    CHECK(hr.boot_id == fw.events[0].session);
    CHECK(hr.boot_id != 0);

    REQUIRE(ack_info(fw.grant(0, 11, 5000)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(0));
    fw.reset(ETB_RESET_WATCHDOG);
    CHECK_FALSE(fw.relay(0));
    const auto r2 = fw.hello();
    etb_hello_reply hr2{};
    REQUIRE(r2);
    REQUIRE(etb_unpack_hello_reply(&*r2, &hr2) == 0);
    CHECK(hr2.boot_id != hr.boot_id);
    CHECK(hr2.reset_cause == ETB_RESET_WATCHDOG);
}

TEST_CASE("GRANT needs a HELLO first, a valid channel, a session and a sane lease") {
    FwHarness fw;
    CHECK(nak_code(fw.grant(0, 1, 1000)) == ETB_NAK_NO_HELLO);
    CHECK_FALSE(fw.relay(0));
    REQUIRE(fw.hello());
    CHECK(nak_code(fw.grant(2, 1, 1000)) == ETB_NAK_BAD_CHANNEL);
    CHECK(nak_code(fw.grant(0, 0, 1000)) == ETB_NAK_BAD_ARG);
    CHECK(nak_code(fw.grant(0, 1, 10)) == ETB_NAK_BAD_ARG);
    CHECK(nak_code(fw.grant(0, 1, ETB_LEASE_MAX_MS + 1)) == ETB_NAK_BAD_ARG);
    CHECK_FALSE(fw.relay(0));
    CHECK(fw.relay_log.empty());  // the relays were not touched after boot
}

TEST_CASE("lease: heartbeats renew it; without them the cut policy opens the relay on time") {
    FwHarness fw;
    REQUIRE(fw.hello());
    REQUIRE(ack_info(fw.grant(1, 77, 1000)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(1));
    for (int i = 0; i < 10; ++i) {
        fw.advance(500);
        REQUIRE(ack_info(fw.simple(ETB_T_HEARTBEAT)) == ETB_ACK_APPLIED);
        CHECK(fw.relay(1));
    }
    const auto st = fw.status();
    REQUIRE(st);
    CHECK(st->ch[1].state == ETB_STATE_LEASED);
    CHECK(st->ch[1].session == 77u);
    CHECK(st->ch[1].lease_left_ms == 1000u);
    CHECK((st->ch[1].flags & ETB_CH_RELAY) != 0);
    fw.advance(999);
    CHECK(fw.relay(1));
    fw.advance(1);
    CHECK_FALSE(fw.relay(1));
    fw.advance(5);
    CHECK(fw.has_event(ETB_EV_LEASE_EXPIRED, 1, ETB_POLICY_CUT));
    CHECK(fw.has_event(ETB_EV_RELAY_CUT, 1, ETB_CUT_LEASE));
    // Once cut, a heartbeat does not bring it back; a new GRANT does.
    REQUIRE(fw.simple(ETB_T_HEARTBEAT));
    CHECK_FALSE(fw.relay(1));
    REQUIRE(ack_info(fw.grant(1, 77, 1000)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(1));
}

TEST_CASE("grace policy: kept for the grace period, renewable during it, then cut") {
    FwHarness fw;
    REQUIRE(fw.hello());
    REQUIRE(ack_info(fw.policy(make_policy(0, ETB_POLICY_GRACE, 3000, 0, 0, 0))) == ETB_ACK_APPLIED);
    REQUIRE(ack_info(fw.grant(0, 5, 1000)) == ETB_ACK_APPLIED);
    fw.advance(1000);
    CHECK(fw.relay(0));
    fw.advance(2);
    CHECK(fw.has_event(ETB_EV_GRACE_STARTED, 0, ETB_POLICY_GRACE));
    const auto st = fw.status();
    REQUIRE(st);
    CHECK(st->ch[0].state == ETB_STATE_GRACE);
    // The station is back within the grace: the lease resumes.
    REQUIRE(fw.simple(ETB_T_HEARTBEAT));
    fw.advance(2);
    CHECK(fw.has_event(ETB_EV_GRACE_ENDED, 0, ETB_CUT_NONE));
    CHECK(fw.relay(0));
    // Gone again: 1000 ms of lease, then 3000 ms of grace.
    fw.advance(3990);
    CHECK(fw.relay(0));
    fw.advance(20);
    CHECK_FALSE(fw.relay(0));
    CHECK(fw.has_event(ETB_EV_GRACE_ENDED, 0, ETB_CUT_GRACE));
    CHECK(fw.has_event(ETB_EV_RELAY_CUT, 0, ETB_CUT_GRACE));
}

TEST_CASE("until-idle policy: runs while current flows, cuts after idle time or at the maximum") {
    SUBCASE("idle") {
        FwHarness fw;
        REQUIRE(fw.hello());
        REQUIRE(ack_info(fw.policy(make_policy(0, ETB_POLICY_UNTIL_IDLE, 0, 500, 2000, 60000))) == ETB_ACK_APPLIED);
        fw_host_set_current(fw.host(), 0, 4000);
        REQUIRE(ack_info(fw.grant(0, 9, 1000)) == ETB_ACK_APPLIED);
        fw.advance(300);
        CHECK(fw.has_event(ETB_EV_CURRENT_STARTED, 0));
        fw.advance(20000);  // station gone 19 s: the machine still runs
        CHECK(fw.relay(0));
        CHECK(fw.has_event(ETB_EV_GRACE_STARTED, 0, ETB_POLICY_UNTIL_IDLE));
        fw_host_set_current(fw.host(), 0, 100);
        fw.advance(1990);
        CHECK(fw.relay(0));
        fw.advance(20);
        CHECK_FALSE(fw.relay(0));
        CHECK(fw.has_event(ETB_EV_RELAY_CUT, 0, ETB_CUT_IDLE));
        CHECK(fw.has_event(ETB_EV_CURRENT_STOPPED, 0));
    }
    SUBCASE("short dips below the threshold do not count as idle") {
        FwHarness fw;
        REQUIRE(fw.hello());
        REQUIRE(fw.policy(make_policy(0, ETB_POLICY_UNTIL_IDLE, 0, 500, 2000, 60000)));
        fw_host_set_current(fw.host(), 0, 4000);
        REQUIRE(fw.grant(0, 9, 1000));
        fw.advance(1000);
        for (int i = 0; i < 10; ++i) {
            fw_host_set_current(fw.host(), 0, 0);
            fw.advance(1500);
            fw_host_set_current(fw.host(), 0, 4000);
            fw.advance(100);
        }
        CHECK(fw.relay(0));
    }
    SUBCASE("maximum run") {
        FwHarness fw;
        REQUIRE(fw.hello());
        REQUIRE(fw.policy(make_policy(1, ETB_POLICY_UNTIL_IDLE, 0, 500, 2000, 10000)));
        fw_host_set_current(fw.host(), 1, 4000);
        REQUIRE(fw.grant(1, 9, 1000));
        fw.advance(1000 + 9990);
        CHECK(fw.relay(1));
        fw.advance(20);
        CHECK_FALSE(fw.relay(1));
        CHECK(fw.has_event(ETB_EV_RELAY_CUT, 1, ETB_CUT_MAX_RUN));
    }
}

TEST_CASE("SET_POLICY only while the relay is off, with values in range") {
    FwHarness fw;
    REQUIRE(fw.hello());
    REQUIRE(fw.grant(0, 3, 1000));
    CHECK(nak_code(fw.policy(make_policy(0, ETB_POLICY_GRACE, 1000, 0, 0, 0))) == ETB_NAK_RELAY_ON);
    CHECK(ack_info(fw.policy(make_policy(1, ETB_POLICY_GRACE, 1000, 0, 0, 0))) == ETB_ACK_APPLIED);
    CHECK(nak_code(fw.policy(make_policy(1, 7, 0, 0, 0, 0))) == ETB_NAK_BAD_ARG);
    CHECK(nak_code(fw.policy(make_policy(1, ETB_POLICY_UNTIL_IDLE, 0, 500, 1000, 0))) == ETB_NAK_BAD_ARG);
    CHECK(nak_code(fw.policy(make_policy(1, ETB_POLICY_GRACE, ETB_POLICY_MAX_MS + 1, 0, 0, 0))) == ETB_NAK_BAD_ARG);
    CHECK(nak_code(fw.policy(make_policy(4, ETB_POLICY_CUT, 0, 0, 0, 0))) == ETB_NAK_BAD_CHANNEL);
}

TEST_CASE("feedback fault: latched while the relay is off, GRANT refused until cleared") {
    FwHarness fw;
    REQUIRE(fw.hello());
    // Feedback while the relay is on is normal.
    REQUIRE(fw.grant(0, 1, 2000));
    fw_host_set_feedback(fw.host(), 0, 1);
    fw.advance(500);
    CHECK_FALSE(fw.has_event(ETB_EV_FEEDBACK_FAULT, 0));
    // Opened, but the contact stays closed: a welded contact.
    REQUIRE(ack_info(fw.revoke(0)) == ETB_ACK_APPLIED);
    fw.advance(120);  // release time: not yet
    CHECK_FALSE(fw.has_event(ETB_EV_FEEDBACK_FAULT, 0));
    fw.advance(20);  // 140 ms after opening: released, but not on for 50 ms since
    CHECK_FALSE(fw.has_event(ETB_EV_FEEDBACK_FAULT, 0));
    fw.advance(20);
    CHECK(fw.has_event(ETB_EV_FEEDBACK_FAULT, 0));
    const auto st = fw.status();
    REQUIRE(st);
    CHECK((st->ch[0].flags & ETB_CH_FAULT) != 0);
    CHECK(nak_code(fw.grant(0, 2, 2000)) == ETB_NAK_FAULT);
    CHECK_FALSE(fw.relay(0));
    // Cleared while still welded: latches again.
    CHECK(ack_info(fw.clear(0)) == ETB_ACK_APPLIED);
    fw.advance(100);
    CHECK(nak_code(fw.grant(0, 2, 2000)) == ETB_NAK_FAULT);
    // Repaired, then cleared: GRANT works again.
    fw_host_set_feedback(fw.host(), 0, 0);
    CHECK(ack_info(fw.clear(0)) == ETB_ACK_APPLIED);
    CHECK(ack_info(fw.clear(0)) == ETB_ACK_UNCHANGED);
    fw.advance(200);
    CHECK(ack_info(fw.grant(0, 2, 2000)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(0));
}

TEST_CASE("ALL_OFF: every relay opens and stays open until CLEAR_FAULT(all)") {
    FwHarness fw;
    REQUIRE(fw.hello());
    REQUIRE(fw.grant(0, 1, 5000));
    REQUIRE(fw.grant(1, 2, 5000));
    CHECK(ack_info(fw.simple(ETB_T_ALL_OFF)) == ETB_ACK_APPLIED);
    CHECK_FALSE(fw.relay(0));
    CHECK_FALSE(fw.relay(1));
    CHECK(nak_code(fw.grant(0, 1, 5000)) == ETB_NAK_ALL_OFF);
    CHECK(ack_info(fw.clear(0)) == ETB_ACK_UNCHANGED);  // a channel clear does not lift it
    CHECK(nak_code(fw.grant(0, 1, 5000)) == ETB_NAK_ALL_OFF);
    const auto st = fw.status();
    REQUIRE(st);
    CHECK((st->flags & ETB_ST_ALL_OFF) != 0);
    CHECK(ack_info(fw.clear(ETB_CHANNEL_ALL)) == ETB_ACK_APPLIED);
    CHECK(ack_info(fw.grant(0, 1, 5000)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(0));
}

TEST_CASE("protocol errors: a run of bad frames opens every relay, a few do not") {
    FwHarness fw;
    REQUIRE(fw.hello());
    REQUIRE(fw.grant(0, 1, 60000));
    REQUIRE(fw.grant(1, 2, 60000));
    const std::vector<std::uint8_t> junk{0x05, 0x11, 0x22, 0x33, 0x44, 0x00};
    for (unsigned i = 0; i + 1 < FW_BAD_FRAMES_LIMIT; ++i) fw.feed(junk);
    CHECK(fw.relay(0));
    REQUIRE(fw.simple(ETB_T_HEARTBEAT));  // a good command resets the count
    for (unsigned i = 0; i + 1 < FW_BAD_FRAMES_LIMIT; ++i) fw.feed(junk);
    CHECK(fw.relay(0));
    fw.feed(junk);
    CHECK_FALSE(fw.relay(0));
    CHECK_FALSE(fw.relay(1));
    fw.advance(5);
    CHECK(fw.has_event(ETB_EV_PROTOCOL_ERROR, ETB_CHANNEL_ALL));
    CHECK(fw.has_event(ETB_EV_RELAY_CUT, 0, ETB_CUT_PROTOCOL));
    CHECK(fw.core().protocol_errors == 1u);
    // Unknown command types count too.
    REQUIRE(fw.grant(0, 1, 60000));
    for (unsigned i = 0; i < FW_BAD_FRAMES_LIMIT; ++i) CHECK(nak_code(fw.simple(0x30)) == ETB_NAK_UNKNOWN_TYPE);
    CHECK_FALSE(fw.relay(0));
}

TEST_CASE("duplicates: a retransmitted command is answered again, not applied twice") {
    FwHarness fw;
    REQUIRE(fw.hello());
    etb_msg g;
    etb_msg_init(&g, 0, 40);
    const etb_grant gp{0, 1234, 1000};
    etb_pack_grant(&g, &gp);
    const auto r1 = fw.command_seq(g);
    REQUIRE(r1);
    CHECK(ack_info(r1) == ETB_ACK_APPLIED);
    fw.advance(600);
    const auto r2 = fw.command_seq(g);  // the ACK was lost: same seq again
    REQUIRE(r2);
    CHECK(ack_info(r2) == ETB_ACK_APPLIED);  // the very same answer...
    fw.advance(600);
    CHECK_FALSE(fw.relay(0));  // ...and the lease was not renewed by the duplicate
    // The same GRANT as a new command (new seq) renews the running session.
    REQUIRE(ack_info(fw.grant(0, 99, 1000)) == ETB_ACK_APPLIED);
    CHECK(ack_info(fw.grant(0, 99, 1000)) == ETB_ACK_RENEWED);
    int ons = 0;
    for (const auto& [ch, on] : fw.relay_log) ons += (ch == 0 && on) ? 1 : 0;
    CHECK(ons == 2);  // 1234, then 99; the renewal leaves the relay as it is
    // REVOKE twice: the second is UNCHANGED.
    CHECK(ack_info(fw.revoke(0)) == ETB_ACK_APPLIED);
    CHECK(ack_info(fw.revoke(0)) == ETB_ACK_UNCHANGED);
    CHECK(ack_info(fw.revoke(ETB_CHANNEL_ALL)) == ETB_ACK_UNCHANGED);
}

TEST_CASE("late copies: an old GRANT arriving after the REVOKE that followed it is ignored") {
    FwHarness fw;
    REQUIRE(fw.hello());
    etb_msg g;
    etb_msg_init(&g, 0, 20);
    const etb_grant gp{0, 5, 60000};
    etb_pack_grant(&g, &gp);
    REQUIRE(ack_info(fw.command_seq(g)) == ETB_ACK_APPLIED);
    etb_msg r;
    etb_msg_init(&r, 0, 21);
    const etb_revoke rp{0, 1};
    etb_pack_revoke(&r, &rp);
    REQUIRE(ack_info(fw.command_seq(r)) == ETB_ACK_APPLIED);
    CHECK_FALSE(fw.command_seq(g));  // seq 20 again, after 21: dropped, unanswered
    CHECK_FALSE(fw.relay(0));
    CHECK(fw.core().stale_dropped == 1);
    // A big jump forward (commands the controller never saw) is a new command.
    g.seq = 100;
    CHECK(ack_info(fw.command_seq(g)) == ETB_ACK_APPLIED);
    CHECK(fw.relay(0));
    // Wrap-around: 255 -> 1 is forward.
    g.seq = 255;
    CHECK(ack_info(fw.command_seq(g)) == ETB_ACK_RENEWED);
    r.seq = 1;
    CHECK(ack_info(fw.command_seq(r)) == ETB_ACK_APPLIED);
    g.seq = 255;
    CHECK_FALSE(fw.command_seq(g));
    CHECK_FALSE(fw.relay(0));
    // Seq 0 commands are answered but remembered by nobody: they move no window.
    etb_msg hb;
    etb_msg_init(&hb, ETB_T_HEARTBEAT, 0);
    CHECK(ack_info(fw.command_seq(hb)) == ETB_ACK_APPLIED);
    g.seq = 2;
    CHECK(ack_info(fw.command_seq(g)) == ETB_ACK_APPLIED);
    // After a HELLO any seq is fine.
    REQUIRE(fw.hello());
    g.seq = 250;
    CHECK(ack_info(fw.command_seq(g)) == ETB_ACK_RENEWED);
}

TEST_CASE("version mismatch: refused at HELLO with the controller's version; no GRANT after") {
    FwHarness fw;
    const auto r = fw.hello(2);
    REQUIRE(r);
    etb_nak n{};
    REQUIRE(etb_unpack_nak(&*r, &n) == 0);
    CHECK(n.code == ETB_NAK_VERSION);
    CHECK(n.arg == 2);
    CHECK(n.major == ETB_PROTO_MAJOR);
    CHECK(nak_code(fw.grant(0, 1, 1000)) == ETB_NAK_NO_HELLO);
    // A frame whose header says major 2 (the golden vector) is refused the same way.
    const etb_vector& v2 = k_etb_vectors[ETB_VECTOR_COUNT - 1];
    REQUIRE(std::string(v2.name) == "hello_major_2");
    fw.feed({v2.frame, v2.frame + v2.frame_len});
    const auto r2 = fw.take_reply(1);
    REQUIRE(r2);
    CHECK(nak_code(r2) == ETB_NAK_VERSION);
    CHECK(fw.core().errors_in_row == 0);  // a clean refusal, not a protocol error
}

TEST_CASE("events: resent every 100 ms three times, then on the next command; acked ones go") {
    FwHarness fw;
    fw.m_auto_ack = false;
    fw.advance(1);
    CHECK(fw.event_frames_seq.size() == 1);
    fw.advance(100);
    CHECK(fw.event_frames_seq.size() == 2);
    fw.advance(100);
    CHECK(fw.event_frames_seq.size() == 3);
    fw.advance(1000);
    CHECK(fw.event_frames_seq.size() == 3);
    REQUIRE(fw.hello());
    CHECK(fw.event_frames_seq.size() == 4);
    for (auto s : fw.event_frames_seq) CHECK(s == fw.event_frames_seq[0]);
    fw.m_auto_ack = true;
    fw.ack_events();
    fw.advance(1000);
    CHECK(fw.core().ev_count == 0);
    // Overflow: more events than the queue holds while nobody acknowledges.
    fw.m_auto_ack = false;
    REQUIRE(fw.policy(make_policy(0, ETB_POLICY_CUT, 0, 100, 0, 0)));
    for (int i = 0; i < 12; ++i) {
        fw_host_set_current(fw.host(), 0, static_cast<std::uint16_t>(i % 2 ? 0 : 1000));
        fw.advance(300);
    }
    const auto st = fw.status();
    REQUIRE(st);
    CHECK((st->flags & ETB_ST_EVENTS_LOST) != 0);
    CHECK(fw.core().ev_count == FW_EVENT_QUEUE);
}

TEST_CASE("watchdog is fed on every main-loop pass") {
    FwHarness fw;
    const auto before = fw_host_watchdog_feeds(fw.host());
    fw.advance(50);
    CHECK(fw_host_watchdog_feeds(fw.host()) == before + 50);
}

TEST_CASE("random bytes and damaged commands never close a relay without a valid GRANT") {
    std::mt19937 rng(2026);
    for (int round = 0; round < 20; ++round) {
        FwHarness fw(4, static_cast<std::uint32_t>(round + 1));
        etb_rx mirror;  // what the controller could have decoded, byte by byte
        etb_rx_init(&mirror);
        REQUIRE(fw.hello());
        // Valid commands to damage: GRANTs, HELLOs, policies; plus pure noise.
        std::vector<std::vector<std::uint8_t>> templates;
        for (std::uint8_t ch = 0; ch < 4; ++ch) {
            etb_msg m;
            etb_msg_init(&m, 0, static_cast<std::uint8_t>(10 + ch));
            const etb_grant g{ch, 1000u + ch, 500};
            etb_pack_grant(&m, &g);
            templates.push_back(frame_of(m));
        }
        std::size_t granted = 0;
        for (int step = 0; step < 3000; ++step) {
            std::vector<std::uint8_t> bytes;
            const auto kind = rng() % 10;
            if (kind < 5) {
                bytes.resize(1 + rng() % 40);
                for (auto& b : bytes) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng());
            } else {
                bytes = templates[rng() % templates.size()];
                const auto flips = 1 + rng() % 3;
                for (unsigned f = 0; f < flips; ++f) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            }
            for (auto b : bytes) {
                const auto log_before = fw.relay_log.size();
                etb_msg m;
                const bool complete = etb_rx_push(&mirror, b, &m) != 0;
                fw.feed({b});
                for (auto i = log_before; i < fw.relay_log.size(); ++i) {
                    if (!fw.relay_log[i].second) continue;
                    // A relay closed: this byte must have completed a valid GRANT for it.
                    REQUIRE(complete);
                    REQUIRE(m.type == ETB_T_GRANT);
                    ++granted;
                }
            }
            if (step % 50 == 0) fw.advance(1);
        }
        CHECK(granted < 5);  // a damaged frame passing CRC-16 is rare by design
    }
}
