// The station's controller link (hw::LinkProtocol) against the real firmware logic built for
// the host (etabli_fw_host), on one fake millisecond clock: handshake, leases and heartbeats,
// each host-loss policy when the station dies, reset detection, the welded-relay fault, the
// version refusal, a malformed reply to a REVOKE (ignored: the REVOKE is sent again), and
// 10,000 frames through a line that drops, corrupts, duplicates, stalls and splits bytes.
// Layer: tests (hw + firmware on host). Single-threaded.
#include "link_bench.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <span>
#include <vector>

using namespace etabli;
using etabli::testing::LinkBench;
using Kind = hw::LinkEvent::Kind;

namespace {

etb_policy policy(std::uint8_t ch, std::uint8_t kind, std::uint32_t grace_ms = 0, std::uint32_t max_ms = 0,
                  std::uint16_t idle_ma = 300, std::uint32_t idle_ms = 1000) {
    etb_policy p{};
    p.channel = ch;
    p.policy = kind;
    p.grace_ms = grace_ms;
    p.idle_ma = idle_ma;
    p.idle_ms = idle_ms;
    p.max_run_ms = max_ms;
    return p;
}

// Grants `ch` and runs until the GRANT is acknowledged.
void grant(LinkBench& b, std::uint8_t ch, std::uint32_t session, std::uint32_t lease = 3000) {
    auto grant_acks = [&] {
        return std::count_if(b.events.begin(), b.events.end(),
                             [](const auto& e) { return e.kind == Kind::acked && e.command.type == ETB_T_GRANT; });
    };
    const auto acked = grant_acks();
    b.link.grant(ch, session, lease);
    REQUIRE(b.run_until([&] { return grant_acks() > acked; }, 1000));
}

// Milliseconds until the relay opens with the station dead, at most `limit`.
std::uint64_t dead_station_until_off(LinkBench& b, std::uint8_t ch, std::uint64_t limit) {
    const auto start = b.ms;
    while (b.relay(ch) && b.ms - start < limit) b.step(false);
    return b.ms - start;
}

}  // namespace

TEST_CASE("link: handshake, a GRANT closes the relay, heartbeats keep it, REVOKE opens it") {
    LinkBench b;
    REQUIRE(b.run_until([&] { return b.link.up(); }, 500));
    CHECK(b.link.hello()->channels == 2);
    CHECK(b.link.hello()->major == ETB_PROTO_MAJOR);
    CHECK(!b.relay(0));
    grant(b, 0, 42, 1200);  // leases must outlast two heartbeats (500 ms)
    CHECK(b.relay(0));
    b.run(5000);  // ten leases long: the heartbeats renew it
    CHECK(b.relay(0));
    CHECK(b.link.up());
    CHECK(b.count(Kind::down) == 0);
    b.link.revoke(0, 1);
    b.run(50);
    CHECK(!b.relay(0));
}

TEST_CASE("link: the station dies mid-session, each host-loss policy") {
    SUBCASE("cut: the relay opens when the lease runs out") {
        LinkBench b;
        REQUIRE(b.run_until([&] { return b.link.up(); }));
        b.link.set_policy(policy(0, ETB_POLICY_CUT));
        grant(b, 0, 7, 1500);
        const auto took = dead_station_until_off(b, 0, 5000);
        CHECK(!b.relay(0));
        CHECK(took <= 2000);
    }
    SUBCASE("grace: after the lease and the grace") {
        LinkBench b;
        REQUIRE(b.run_until([&] { return b.link.up(); }));
        b.link.set_policy(policy(0, ETB_POLICY_GRACE, 4000));
        grant(b, 0, 7, 1000);
        const auto took = dead_station_until_off(b, 0, 10000);
        CHECK(!b.relay(0));
        CHECK(took >= 4000);
        CHECK(took <= 5100);
    }
    SUBCASE("until idle: kept while the current flows, cut once it stays low") {
        LinkBench b;
        REQUIRE(b.run_until([&] { return b.link.up(); }));
        b.link.set_policy(policy(0, ETB_POLICY_UNTIL_IDLE, 0, 60000, 300, 2000));
        fw_host_set_current(b.fw, 0, 2000);
        grant(b, 0, 7, 1000);
        for (int i = 0; i < 5000; ++i) b.step(false);
        CHECK(b.relay(0));  // still cutting wood, station gone for 5 s
        fw_host_set_current(b.fw, 0, 0);
        const auto took = dead_station_until_off(b, 0, 10000);
        CHECK(!b.relay(0));
        CHECK(took >= 2000);
        CHECK(took <= 3000);
    }
    SUBCASE("until idle: cut at the maximum even while running") {
        LinkBench b;
        REQUIRE(b.run_until([&] { return b.link.up(); }));
        b.link.set_policy(policy(0, ETB_POLICY_UNTIL_IDLE, 0, 8000, 300, 2000));
        fw_host_set_current(b.fw, 0, 2000);
        grant(b, 0, 7, 1000);
        const auto took = dead_station_until_off(b, 0, 20000);
        CHECK(!b.relay(0));
        CHECK(took >= 8000);
        CHECK(took <= 9200);
    }
}

TEST_CASE("link: a controller reset is seen as a new boot id; the link comes back") {
    LinkBench b;
    REQUIRE(b.run_until([&] { return b.link.up(); }));
    const auto boot = *b.link.boot_id();
    grant(b, 1, 9);
    CHECK(b.relay(1));
    fw_host_reset(b.fw, ETB_RESET_SOFTWARE);
    CHECK(!b.relay(1));
    REQUIRE(b.run_until([&] { return b.count(Kind::boot) == 1; }, 2000));
    REQUIRE(b.run_until([&] { return b.link.up() && b.link.boot_id() != boot; }, 2000));
    const auto& e = *std::find_if(b.events.begin(), b.events.end(), [](const auto& x) { return x.kind == Kind::boot; });
    CHECK(e.old_boot == boot);
    CHECK(!b.relay(1));
    grant(b, 1, 10);  // a new session works at once
    CHECK(b.relay(1));
}

TEST_CASE("link: welded-relay feedback latches a fault, GRANT refused until cleared") {
    LinkBench b;
    REQUIRE(b.run_until([&] { return b.link.up(); }));
    fw_host_set_feedback(b.fw, 0, 1);
    REQUIRE(b.run_until([&] {
        return std::any_of(b.events.begin(), b.events.end(), [](const auto& e) {
            return e.kind == Kind::event && e.event.kind == ETB_EV_FEEDBACK_FAULT && e.event.channel == 0;
        });
    }));
    b.link.grant(0, 5, 3000);
    REQUIRE(b.run_until([&] { return b.count(Kind::nak) == 1; }, 1000));
    CHECK(b.events.back().nak.code == ETB_NAK_FAULT);
    CHECK(!b.relay(0));
    fw_host_set_feedback(b.fw, 0, 0);  // the contact is repaired
    b.link.clear_fault(0);
    b.run(300);
    grant(b, 0, 6);
    CHECK(b.relay(0));
}

TEST_CASE("link: a controller of another protocol major is refused with a clear message") {
    hw::LinkProtocol link("/dev/ttyUSB9");
    link.open(hw::LinkTime{});
    link.poll(hw::LinkTime{});
    auto out = link.take_output();
    etb_rx rx;
    etb_rx_init(&rx);
    etb_msg hello{};
    bool got = false;
    for (auto byte : out) got = got || etb_rx_push(&rx, byte, &hello) == 1;
    REQUIRE(got);
    REQUIRE(hello.type == ETB_T_HELLO);
    etb_msg reply;
    etb_msg_reply(&reply, ETB_T_HELLO_REPLY, &hello);
    etb_hello_reply hr{};
    hr.major = 2;
    hr.channels = 2;
    hr.boot_id = 1234;
    etb_pack_hello_reply(&reply, &hr);
    reply.version = 2;
    std::uint8_t frame[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&reply, frame, sizeof frame);
    REQUIRE(n > 0);
    link.on_bytes(std::span<const std::uint8_t>(frame, static_cast<std::size_t>(n)), hw::LinkTime{});
    auto events = link.take_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == Kind::refused);
    REQUIRE(events[0].problem);
    CHECK(events[0].problem->english() ==
          "Controller /dev/ttyUSB9 speaks protocol version 2 and the station 1: update the firmware or the station");
    CHECK(!link.up());
    CHECK(link.state() == hw::LinkProtocol::State::refused);
}

// Found by fuzz_link: a reply naming the command in flight that does not decode, or of
// a type no command is answered with, must not end it: the command stays in flight, is sent
// again and ends acked. Before the fix the link dropped it with no event and no retransmission:
// here the controller never had the first REVOKE, so its relay stayed on, renewed by the
// heartbeats, and no `acked` ever came.
TEST_CASE("link: a malformed reply to a REVOKE is ignored; the REVOKE is sent again and acked") {
    int variant = 0;
    SUBCASE("a reply-flagged EVENT with the REVOKE's ack number") { variant = 0; }
    SUBCASE("a STATUS whose payload is truncated") { variant = 1; }
    SUBCASE("a NAK whose payload is truncated") { variant = 2; }

    LinkBench b;
    REQUIRE(b.run_until([&] { return b.link.up(); }, 500));
    grant(b, 0, 42);
    REQUIRE(b.relay(0));
    REQUIRE(b.run_until([&] { return b.link.queued() == 0; }, 1000));  // nothing in flight

    auto revokes = [&] {
        std::vector<etb_msg> out;
        std::copy_if(b.station_frames.begin(), b.station_frames.end(), std::back_inserter(out),
                     [](const etb_msg& m) { return m.type == ETB_T_REVOKE && !(m.flags & ETB_F_REPLY); });
        return out;
    };
    auto ends = [&](Kind k) {
        return std::count_if(b.events.begin(), b.events.end(),
                             [&](const auto& e) { return e.kind == k && e.command.type == ETB_T_REVOKE; });
    };
    // The first REVOKE is lost on its way to the controller (the next step's poll sends it:
    // it is queued, nothing is in flight) ...
    b.link.revoke(0, 1);
    b.to_fw.faults.drop = 1.0;
    b.step();
    b.to_fw.faults.drop = 0;
    REQUIRE(revokes().size() == 1);
    const etb_msg revoke = revokes().front();
    REQUIRE(b.link.queued() == 1);

    // ... and the first reply the station reads for it is a malformed one.
    etb_msg bad;
    switch (variant) {
    case 0: {
        etb_msg_reply(&bad, ETB_T_EVENT, &revoke);
        const etb_event ev{ETB_EV_RELAY_CUT, 0, ETB_CUT_NONE, 42, 1234};
        etb_pack_event(&bad, &ev);
        break;
    }
    case 1: {
        etb_msg_reply(&bad, ETB_T_STATUS, &revoke);
        etb_status st{};
        st.count = 2;
        etb_pack_status(&bad, &st);
        bad.len = static_cast<std::uint8_t>(ETB_LEN_STATUS(2) - 1);
        etb_status check;
        REQUIRE(etb_unpack_status(&bad, &check) != 0);
        break;
    }
    default: {
        etb_msg_reply(&bad, ETB_T_NAK, &revoke);
        const etb_nak nk{ETB_NAK_BAD_CHANNEL, 0, ETB_PROTO_MAJOR, ETB_PROTO_MINOR};
        etb_pack_nak(&bad, &nk);
        bad.len = static_cast<std::uint8_t>(ETB_LEN_NAK - 1);
        etb_nak check;
        REQUIRE(etb_unpack_nak(&bad, &check) != 0);
        break;
    }
    }
    REQUIRE(bad.ack == revoke.seq);
    REQUIRE((bad.flags & ETB_F_REPLY) != 0);
    std::uint8_t frame[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&bad, frame, sizeof frame);
    REQUIRE(n > 0);
    const auto events_before = b.events.size();
    b.feed_station(std::span<const std::uint8_t>(frame, static_cast<std::size_t>(n)));
    CHECK(b.events.size() == events_before);  // nothing reported for it
    CHECK(b.link.queued() == 1);              // the REVOKE is still in flight
    CHECK(b.relay(0));                        // the controller never had it

    // It is sent again (same number), the controller opens the relay and acknowledges it.
    REQUIRE(b.run_until([&] { return ends(Kind::acked) > 0; }, 1000));
    const auto sent = revokes();
    CHECK(sent.size() >= 2);
    CHECK(std::all_of(sent.begin(), sent.end(), [&](const etb_msg& m) { return m.seq == revoke.seq; }));
    CHECK(!b.relay(0));
    const auto& acked = *std::find_if(b.events.begin(), b.events.end(), [](const auto& e) {
        return e.kind == Kind::acked && e.command.type == ETB_T_REVOKE;
    });
    CHECK(acked.command.seq == revoke.seq);
    CHECK(acked.ack_info == ETB_ACK_APPLIED);  // the retransmission turned the relay off
    b.run(1000);
    CHECK(ends(Kind::acked) == 1);
    CHECK(ends(Kind::nak) == 0);
    CHECK(ends(Kind::failed) == 0);
    CHECK(ends(Kind::status) == 0);
    CHECK(!b.relay(0));
    CHECK(b.link.up());
}

TEST_CASE("link: 1.5 s of silence is a link down; it recovers when the line does") {
    LinkBench b;
    REQUIRE(b.run_until([&] { return b.link.up(); }));
    b.to_fw.faults.drop = 1.0;
    b.to_station.faults.drop = 1.0;
    b.run(1400);
    CHECK(b.link.up());
    b.run(200);
    CHECK(!b.link.up());
    CHECK(b.count(Kind::down) == 1);
    b.to_fw.faults.drop = 0;
    b.to_station.faults.drop = 0;
    REQUIRE(b.run_until([&] { return b.link.up(); }, 3000));
    CHECK(b.count(Kind::boot) == 0);  // same controller, same boot
}

TEST_CASE("link: 10,000 frames through a hostile line") {
    LinkBench b(2, 2026);
    REQUIRE(b.run_until([&] { return b.link.up(); }));
    b.to_fw.faults = {0.003, 0.003, 0.003, 0.003, 30};
    b.to_station.faults = {0.003, 0.003, 0.003, 0.003, 30};

    // What reached the firmware, decoded as it decodes it: a relay may close only after a
    // GRANT of its channel arrived since it last opened.
    etb_rx mirror;
    etb_rx_init(&mirror);
    bool grant_arrived[ETB_MAX_CHANNELS] = {};
    std::uint64_t closings = 0, violations = 0, dishonoured = 0, honoured = 0;
    b.on_relay_change = [&](std::uint8_t ch, bool on) {
        if (on) {
            ++closings;
            if (!grant_arrived[ch]) ++violations;
        }
        grant_arrived[ch] = false;
    };
    // The station's intent per channel: the session granted, 0 after a revoke.
    std::map<std::uint8_t, std::uint32_t> wanted;
    std::uint32_t protocol_errors_seen = 0;
    b.on_event = [&](const hw::LinkEvent& e) {
        if (e.kind != Kind::acked || e.command.type != ETB_T_GRANT) return;
        etb_grant g;
        REQUIRE(etb_unpack_grant(&e.command, &g) == 0);
        if (wanted[g.channel] != g.session) return;  // revoked since
        // A firmware that just cut everything on a protocol error may answer a retransmitted
        // GRANT from its reply cache: that is not a GRANT it ignored.
        const auto errors = fw_host_core(b.fw)->protocol_errors;
        if (b.relay(g.channel)) ++honoured;
        else if (errors == protocol_errors_seen) ++dishonoured;
        protocol_errors_seen = errors;
    };

    std::mt19937 rng(99);
    std::uint32_t session = 100;
    std::uint64_t last_cmd = 0;
    while (b.frames_to_fw + b.frames_to_station < 10000) {
        if (b.link.up() && b.link.queued() == 0 && b.ms - last_cmd >= 10) {
            last_cmd = b.ms;
            const auto ch = static_cast<std::uint8_t>(rng() % 2);
            if (rng() % 2) {
                wanted[ch] = ++session;
                b.link.grant(ch, session, 3000);
            } else {
                wanted[ch] = 0;
                b.link.revoke(ch, 1);
            }
        }
        // One step, with the mirror decoding what the firmware is about to receive.
        b.link.poll(b.now());
        auto out = b.link.take_output();
        b.frames_to_fw += static_cast<std::uint64_t>(std::count(out.begin(), out.end(), std::uint8_t{0}));
        b.to_fw.push(out, b.ms);
        auto in = b.to_fw.pull(b.ms);
        etb_msg m;
        for (auto byte : in) {
            if (etb_rx_push(&mirror, byte, &m) == 1 && m.type == ETB_T_GRANT) {
                etb_grant g;
                if (etb_unpack_grant(&m, &g) == 0 && g.channel < ETB_MAX_CHANNELS) grant_arrived[g.channel] = true;
            }
        }
        if (!in.empty()) fw_host_feed(b.fw, in.data(), in.size());
        fw_host_advance(b.fw, 1);
        ++b.ms;
        auto back = b.to_station.pull(b.ms);
        if (!back.empty()) b.link.on_bytes(back, b.now());
        for (auto& e : b.link.take_events()) {
            b.on_event(e);
            b.events.push_back(std::move(e));
        }
        REQUIRE(b.ms < 600000);
    }
    MESSAGE("frames " << b.frames_to_fw + b.frames_to_station << ", " << b.ms << " ms, closings " << closings
                      << ", grants honoured " << honoured << ", downs " << b.count(Kind::down) << ", bytes dropped "
                      << b.to_fw.dropped + b.to_station.dropped << ", corrupted "
                      << b.to_fw.corrupted + b.to_station.corrupted);
    CHECK(violations == 0);
    CHECK(dishonoured == 0);
    CHECK(honoured > 100);
    CHECK(b.count(Kind::boot) == 0);

    // The line heals: the link is (or comes back) up and a GRANT works at once.
    b.to_fw.faults = {};
    b.to_station.faults = {};
    b.on_relay_change = nullptr;
    b.on_event = nullptr;
    REQUIRE(b.run_until([&] { return b.link.up() && b.link.queued() == 0; }, 5000));
    b.link.revoke(0, 1);
    b.run(100);
    grant(b, 0, ++session);
    CHECK(b.relay(0));
}
