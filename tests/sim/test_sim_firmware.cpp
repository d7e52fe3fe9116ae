// The real controller firmware (firmware-bridge/firmware, AVR build) in the simulator, driven
// frame by frame from the test with the shared protocol module (etb_proto.h): relays off at
// power-up, HELLO, GRANT timing, lease expiry, heartbeats, resets (external, watchdog after a
// lock-up), the feedback fault latch, current sensing. Layer: tests, label unit. One thread.
#include <etb_sim/board.hpp>

#include <etb_proto.h>

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <vector>

using etabli::sim::Board;

namespace {

// Pins of the default build (fw_config.h): relays PD4 PD5, feedback PB0 PB1 (pulled up, a closed
// contact pulls them low), current transformers on ADC0 ADC1.
constexpr char kRelayPort = 'D';
constexpr std::array<int, 2> kRelayBit{4, 5};
constexpr char kFeedbackPort = 'B';

// A minimal station: sends commands, collects replies and events, acknowledges events.
class Station {
public:
    Station() {
        auto loaded = Board::load(ETABLI_FW_SIM_ELF);
        REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().english()));
        board = std::move(*loaded);
        etb_rx_init(&m_rx);
    }

    bool relay(int ch) const { return board->pin(kRelayPort, kRelayBit[static_cast<std::size_t>(ch)]); }

    // Simulated microseconds at which relay `ch` last changed to `level`, if it did since `from`.
    std::optional<std::uint64_t> relay_change(int ch, bool level, std::uint64_t from) const {
        std::optional<std::uint64_t> at;
        for (const auto& c : board->pin_changes())
            if (c.port == kRelayPort && c.bit == kRelayBit[static_cast<std::size_t>(ch)] && c.level == level &&
                c.micros >= from)
                at = c.micros;
        return at;
    }

    void send(etb_msg& m) {
        std::array<std::uint8_t, ETB_FRAME_MAX> frame{};
        const int n = etb_frame_encode(&m, frame.data(), frame.size());
        REQUIRE(n > 0);
        board->uart_write(std::span(frame.data(), static_cast<std::size_t>(n)));
    }

    // Runs until a reply to `seq` arrives (or `limit_us`); events met meanwhile are acknowledged.
    std::optional<etb_msg> wait_reply(std::uint8_t seq, std::uint64_t limit_us = 100'000) {
        for (std::uint64_t t = 0; t <= limit_us; t += 200) {
            poll();
            for (auto it = m_replies.begin(); it != m_replies.end(); ++it) {
                if (it->ack == seq) {
                    const etb_msg m = *it;
                    m_replies.erase(it);
                    return m;
                }
            }
            board->run_for(200);
        }
        return std::nullopt;
    }

    // Sends a command and returns its reply.
    etb_msg request(etb_msg m) {
        m.seq = next_seq();
        send(m);
        const auto reply = wait_reply(m.seq);
        REQUIRE_MESSAGE(reply.has_value(), "no reply to " << etb_type_name(m.type));
        return *reply;
    }

    etb_hello_reply hello() {
        etb_msg m{};
        etb_msg_init(&m, ETB_T_HELLO, 0);
        const etb_hello h{ETB_PROTO_MAJOR, ETB_PROTO_MINOR};
        etb_pack_hello(&m, &h);
        const etb_msg r = request(m);
        etb_hello_reply out{};
        REQUIRE(etb_unpack_hello_reply(&r, &out) == 0);
        return out;
    }

    etb_msg grant(std::uint8_t ch, std::uint32_t session, std::uint32_t lease_ms) {
        etb_msg m{};
        etb_msg_init(&m, ETB_T_GRANT, 0);
        const etb_grant g{ch, session, lease_ms};
        etb_pack_grant(&m, &g);
        return request(m);
    }

    etb_msg simple(std::uint8_t type) {
        etb_msg m{};
        etb_msg_init(&m, type, 0);
        etb_pack_empty(&m, type);
        return request(m);
    }

    etb_msg clear_fault(std::uint8_t ch) {
        etb_msg m{};
        etb_msg_init(&m, ETB_T_CLEAR_FAULT, 0);
        const etb_channel_ref r{ch};
        etb_pack_channel_ref(&m, ETB_T_CLEAR_FAULT, &r);
        return request(m);
    }

    etb_status status() {
        const etb_msg r = simple(ETB_T_GET_STATUS);
        etb_status s{};
        REQUIRE(etb_unpack_status(&r, &s) == 0);
        return s;
    }

    // Runs `us` of simulated time, answering events.
    void run(std::uint64_t us) {
        for (std::uint64_t t = 0; t < us; t += 1'000) {
            board->run_for(std::min<std::uint64_t>(1'000, us - t));
            poll();
        }
    }

    bool saw_event(std::uint8_t kind) const {
        for (const auto& e : events)
            if (e.kind == kind) return true;
        return false;
    }

    std::unique_ptr<Board> board;
    std::vector<etb_event> events;

private:
    std::uint8_t next_seq() {
        m_seq = static_cast<std::uint8_t>(m_seq == 255 ? 1 : m_seq + 1);
        return m_seq;
    }

    void poll() {
        for (const std::uint8_t byte : board->uart_read()) {
            etb_msg m{};
            if (!etb_rx_push(&m_rx, byte, &m)) continue;
            if (m.type == ETB_T_EVENT) {
                etb_event e{};
                if (etb_unpack_event(&m, &e) == 0) events.push_back(e);
                etb_msg ack{};
                etb_msg_reply(&ack, ETB_T_ACK, &m);
                const etb_ack a{ETB_ACK_APPLIED};
                etb_pack_ack(&ack, &a);
                send(ack);
            } else if (m.flags & ETB_F_REPLY) {
                m_replies.push_back(m);
            }
        }
    }

    etb_rx m_rx{};
    std::uint8_t m_seq = 0;
    std::vector<etb_msg> m_replies;
};

std::uint8_t nak_code(const etb_msg& m) {
    etb_nak n{};
    return etb_unpack_nak(&m, &n) == 0 ? n.code : 0;
}

}  // namespace

TEST_CASE("sim firmware: relays are off at power-up and the board answers HELLO") {
    Station s;
    s.run(50'000);
    CHECK_FALSE(s.relay(0));
    CHECK_FALSE(s.relay(1));
    CHECK(s.board->pin_is_output(kRelayPort, kRelayBit[0]));  // driven low, not floating
    // No relay pin ever went high while booting.
    for (const auto& c : s.board->pin_changes()) CHECK_FALSE((c.port == kRelayPort && c.level));
    const auto h = s.hello();
    CHECK(h.major == ETB_PROTO_MAJOR);
    CHECK(h.channels == 2);
    CHECK(h.reset_cause == ETB_RESET_POWER_ON);
    CHECK(h.boot_id != 0);
    CHECK(s.board->state() != etabli::sim::CpuState::crashed);
}

TEST_CASE("sim firmware: GRANT closes the relay within 20 ms and the lease opens it") {
    Station s;
    s.run(20'000);
    s.hello();
    const auto sent_at = s.board->micros();
    const etb_msg r = s.grant(0, 42, 500);
    CHECK(r.type == ETB_T_ACK);
    const auto closed = s.relay_change(0, true, sent_at);
    REQUIRE(closed.has_value());
    // Measured from the moment the frame was handed to the line, so this includes its own
    // transmission time (about 1.5 ms for a GRANT at 115200 baud).
    CHECK(*closed - sent_at < 20'000);
    MESSAGE("GRANT to relay closed: " << (*closed - sent_at) << " us of simulated time");
    CHECK(s.relay(0));
    CHECK_FALSE(s.relay(1));

    // No heartbeat: the lease (500 ms) runs out and the default policy cuts at once.
    s.run(700'000);
    CHECK_FALSE(s.relay(0));
    const auto opened = s.relay_change(0, false, sent_at);
    REQUIRE(opened.has_value());
    CHECK(*opened - *closed >= 495'000);
    CHECK(*opened - *closed <= 520'000);
    CHECK(s.saw_event(ETB_EV_LEASE_EXPIRED));
}

TEST_CASE("sim firmware: heartbeats keep the relay on") {
    Station s;
    s.run(20'000);
    s.hello();
    REQUIRE(s.grant(1, 7, 300).type == ETB_T_ACK);
    for (int i = 0; i < 10; ++i) {
        s.run(150'000);
        CHECK(s.simple(ETB_T_HEARTBEAT).type == ETB_T_ACK);
        CHECK(s.relay(1));
    }
    CHECK(s.board->pin_changes().back().level);
    s.run(500'000);
    CHECK_FALSE(s.relay(1));
}

TEST_CASE("sim firmware: GRANT before HELLO is refused, and no relay closes") {
    Station s;
    s.run(20'000);
    const etb_msg r = s.grant(0, 42, 1'000);
    CHECK(r.type == ETB_T_NAK);
    CHECK(nak_code(r) == ETB_NAK_NO_HELLO);
    s.run(10'000);
    CHECK_FALSE(s.relay(0));
}

TEST_CASE("sim firmware: a reset opens the relays and the board comes back with a new boot id") {
    Station s;
    s.run(20'000);
    const auto first = s.hello();
    REQUIRE(s.grant(0, 42, 60'000).type == ETB_T_ACK);
    CHECK(s.relay(0));
    s.board->reset();
    CHECK_FALSE(s.relay(0));
    s.run(50'000);
    CHECK_FALSE(s.relay(0));
    const auto second = s.hello();
    CHECK(second.boot_id != first.boot_id);
    CHECK(second.reset_cause == ETB_RESET_EXTERNAL);
    // The new firmware holds no session: the old grant is gone.
    const auto st = s.status();
    CHECK((st.ch[0].flags & ETB_CH_RELAY) == 0);
}

TEST_CASE("sim firmware: a locked-up firmware is reset by its watchdog, relays off") {
    Station s;
    s.run(20'000);
    s.hello();
    REQUIRE(s.grant(0, 42, 60'000).type == ETB_T_ACK);
    CHECK(s.relay(0));
    const auto hung_at = s.board->micros();
    s.board->hang();
    s.run(1'100'000);
    CHECK(s.board->watchdog_resets() == 1);
    CHECK_FALSE(s.relay(0));
    const auto opened = s.relay_change(0, false, hung_at);
    REQUIRE(opened.has_value());
    CHECK(*opened - hung_at <= 1'000'000);  // watchdog at most 1 s
    MESSAGE("lock-up to relay open: " << (*opened - hung_at) << " us");
    const auto h = s.hello();
    CHECK(h.reset_cause == ETB_RESET_WATCHDOG);
}

TEST_CASE("sim firmware: feedback while the relay is off latches a fault until cleared") {
    Station s;
    s.run(20'000);
    s.hello();
    s.board->set_input(kFeedbackPort, 0, false);  // welded contact: feedback on, relay off
    s.run(300'000);
    CHECK(s.saw_event(ETB_EV_FEEDBACK_FAULT));
    CHECK((s.status().ch[0].flags & ETB_CH_FAULT) != 0);
    etb_msg r = s.grant(0, 42, 1'000);
    CHECK(r.type == ETB_T_NAK);
    CHECK(nak_code(r) == ETB_NAK_FAULT);
    CHECK_FALSE(s.relay(0));
    // Channel 1 is unaffected.
    CHECK(s.grant(1, 43, 1'000).type == ETB_T_ACK);
    CHECK(s.relay(1));
    // Repaired, then cleared by a host: GRANTs work again.
    s.board->set_input(kFeedbackPort, 0, true);
    s.run(10'000);
    CHECK(s.clear_fault(0).type == ETB_T_ACK);
    CHECK(s.grant(0, 44, 1'000).type == ETB_T_ACK);
    CHECK(s.relay(0));
}

TEST_CASE("sim firmware: current on a transformer input is measured and reported") {
    Station s;
    s.run(20'000);
    s.hello();
    REQUIRE(s.grant(0, 42, 5'000).type == ETB_T_ACK);
    // 50 Hz around the 2.5 V bias, 0.5 V amplitude: about 204 ADC counts peak to peak.
    s.board->set_adc_sine(0, 2'500, 500);
    s.board->set_adc(1, 2'500);
    s.run(400'000);
    const auto st = s.status();
    CHECK(st.ch[0].current_ma > 5'000);
    CHECK(st.ch[1].current_ma < 300);
    CHECK(s.saw_event(ETB_EV_CURRENT_STARTED));
    MESSAGE("channel 0 current: " << st.ch[0].current_ma << " mA");
}

TEST_CASE("sim firmware: the same session gives the same bytes at the same cycles") {
    const auto session = [] {
        Station s;
        s.run(20'000);
        s.hello();
        s.grant(0, 42, 200);
        s.run(300'000);
        std::vector<std::uint64_t> trace;
        for (const auto& u : s.board->uart_history()) trace.push_back(u.cycle << 8 | u.value);
        for (const auto& c : s.board->pin_changes()) trace.push_back(c.cycle);
        return trace;
    };
    const auto first = session();
    CHECK(first.size() > 50);
    CHECK(first == session());
}
