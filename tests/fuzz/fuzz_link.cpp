// Fuzz target of the station's side of the controller link (hw::LinkProtocol in
// hw/src/controller_link.cpp): the frames a controller sends go through etb_rx (fuzz_proto
// covers the receiver and the payload decoders alone) into the link's state machine
// (handshake, replies matched to the command in flight, events acknowledged, version refusal,
// reboots), all driven by what comes off the serial line. The input is a script of steps, each
// a header byte (kind = header % 8) and its bytes:
//   0  line noise: up to 47 raw bytes to on_bytes (partial frames, bad CRCs, stray zeros);
//   1  a well-formed frame with fuzzed fields (its CRC is right, so the fuzzer reaches the
//      state machine): type, reply flag, version, seq, ack (or the seq of the link's last
//      command), payload (the type's own length, or any);
//   2  poll() after a delay around the link's timers (retransmission, heartbeat, silence);
//   3  a command from the station (grant, revoke, policy, clear fault, all off, status);
//   4  a few milliseconds of the real firmware (host build) answering on the line;
//   5  the port closes (with or without a reason); 6  it opens; 7  the firmware reboots.
// Checked: what the link writes is only well-formed frames of our version (commands with a
// sequence number, or ACKs of events), every event carries what its kind promises, the queue
// stays bounded, next_wakeup() exists while open; every command written (HEARTBEAT..ALL_OFF)
// ends exactly once, in an acked, nak, failed or status event of its own, or is dropped with the
// link (down, boot, refused), before the link writes the next command or a HELLO (a
// malformed reply used to end one silently); and after any input, with the line clean and a
// firmware that answers, the link comes up and a GRANT is acknowledged and closes the relay
// within 20 s (no state sticks), and the last command still in flight then ends too. Layer: tests (fuzz). Single-threaded, on a fake clock;
// replayed by replay_main.cpp or run under libFuzzer.
#include <etabli/hw/controller_link.hpp>

#include <etb_proto.h>
#include <fw_host.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <utility>
#include <vector>

using namespace etabli;
using namespace std::chrono;
using Kind = hw::LinkEvent::Kind;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

// Around the link's timers: retransmit 100, heartbeat 500, status 1000, silence 1500,
// hello pause 1000, refused pause 5000 (ms).
constexpr std::array<int, 16> kDelays = {0, 1, 10, 50, 99, 100, 101, 400, 499, 500, 501, 999, 1000, 1501, 2000, 5001};

std::uint8_t natural_length(std::uint8_t type, std::uint8_t count) {
    switch (type) {
    case ETB_T_HELLO_REPLY: return ETB_LEN_HELLO_REPLY;
    case ETB_T_ACK: return ETB_LEN_ACK;
    case ETB_T_NAK: return ETB_LEN_NAK;
    case ETB_T_STATUS: return static_cast<std::uint8_t>(ETB_LEN_STATUS(1 + count % ETB_MAX_CHANNELS));
    case ETB_T_EVENT: return ETB_LEN_EVENT;
    case ETB_T_HELLO: return ETB_LEN_HELLO;
    case ETB_T_GRANT: return ETB_LEN_GRANT;
    case ETB_T_REVOKE: return ETB_LEN_REVOKE;
    case ETB_T_SET_POLICY: return ETB_LEN_POLICY;
    case ETB_T_CLEAR_FAULT: return ETB_LEN_CHANNEL_REF;
    default: return 0;
    }
}

struct Bench {
    hw::LinkProtocol link{"fuzz"};
    std::uint64_t ms = 3'600'000;
    fw_host* fw = nullptr;
    std::vector<std::uint8_t> to_fw, from_fw;  // the line, in each direction
    etb_rx written{};                          // decodes what the link writes
    std::optional<std::uint8_t> last_command_seq;
    std::size_t commands = 0;  // queued by us
    std::vector<hw::LinkEvent> events;
    // The command (HEARTBEAT..ALL_OFF) the link wrote that has not ended yet: one at most, as
    // the link keeps one in flight. `id` numbers the commands written (their seqs wrap).
    struct Unanswered {
        std::uint8_t seq, type;
        std::uint64_t id;
    };
    std::optional<Unanswered> unanswered;
    std::uint64_t written_commands = 0;

    explicit Bench(std::uint32_t seed) {
        new_firmware(seed);
        etb_rx_init(&written);
        link.open(now());
        drain();
    }
    ~Bench() { fw_host_destroy(fw); }
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    hw::LinkTime now() const { return hw::LinkTime{} + milliseconds{ms}; }

    void new_firmware(std::uint32_t seed) {
        if (fw) fw_host_destroy(fw);
        fw_host_options opt{};
        opt.fd = -1;
        opt.channels = 4;
        opt.fake_clock = 1;
        opt.seed = seed;
        fw = fw_host_create(&opt);
        require(fw != nullptr);
        fw_host_set_output(fw, &Bench::on_output, this);
        from_fw.clear();
        to_fw.clear();
    }
    static void on_output(void* ctx, const std::uint8_t* data, std::size_t len) {
        auto* b = static_cast<Bench*>(ctx);
        b->from_fw.insert(b->from_fw.end(), data, data + len);
    }

    // Takes what the link reported and what it wrote, and checks both. Events first: within one
    // call the link ends a command before it writes the next (poll: failed, then the next in
    // the queue; a down, boot or NAK NO_HELLO, then a HELLO), never a command and then its end.
    void drain() {
        for (auto& e : link.take_events()) {
            switch (e.kind) {
            case Kind::up: require(e.hello.has_value()); break;
            case Kind::down:
            case Kind::boot:
            case Kind::refused: require(e.problem && !e.problem->msgid.empty()); break;
            case Kind::status: require(e.status.count >= 1 && e.status.count <= ETB_MAX_CHANNELS); [[fallthrough]];
            case Kind::acked:
            case Kind::nak:
            case Kind::failed:
                // Replies answer our commands, never the HELLO (handled inside the link).
                require(e.command.type >= ETB_T_HEARTBEAT && e.command.type <= ETB_T_ALL_OFF);
                break;
            case Kind::event: break;
            }
            // Every command written ends exactly once: acked, nak'ed, failed or answered with a
            // status (of this very command), or dropped with the link (down, boot, refused).
            switch (e.kind) {
            case Kind::acked:
            case Kind::nak:
            case Kind::failed:
            case Kind::status:
                require(unanswered && unanswered->seq == e.command.seq && unanswered->type == e.command.type);
                unanswered.reset();
                break;
            case Kind::down:
            case Kind::boot:
            case Kind::refused: unanswered.reset(); break;
            case Kind::up:
            case Kind::event: break;
            }
            events.push_back(std::move(e));
        }

        const auto out = link.take_output();
        const auto dropped = written.dropped;
        for (auto byte : out) {
            etb_msg m;
            if (!etb_rx_push(&written, byte, &m)) continue;
            require(m.version == ETB_PROTO_MAJOR);
            if (m.flags & ETB_F_REPLY) {
                require(m.type == ETB_T_ACK && m.seq == 0 && m.len == ETB_LEN_ACK);  // only events are answered
            } else {
                require(m.type >= ETB_T_HELLO && m.type <= ETB_T_ALL_OFF && m.seq != 0);
                require(m.len == natural_length(m.type, 0));
                last_command_seq = m.seq;
                // A HELLO or a new command only once the last command ended (a retransmission
                // repeats its seq): one that vanished without an end is caught here.
                if (m.type == ETB_T_HELLO) {
                    require(!unanswered);
                } else if (!unanswered || unanswered->seq != m.seq || unanswered->type != m.type) {
                    require(!unanswered);
                    unanswered = Unanswered{m.seq, m.type, ++written_commands};
                }
            }
        }
        require(written.dropped == dropped && written.len == 0);  // whole frames, all good
        to_fw.insert(to_fw.end(), out.begin(), out.end());

        if (events.size() > 4096) events.erase(events.begin(), events.end() - 16);
        if (link.up()) require(link.hello().has_value());
        require(link.next_wakeup().has_value() == (link.state() != hw::LinkProtocol::State::closed));
        // Our commands, plus one heartbeat or status poll of its own at most.
        require(link.queued() <= commands + 2);
    }

    // The firmware runs `n` ms, each with the line carrying both ways.
    void run_firmware(int n) {
        for (int i = 0; i < n; ++i) {
            if (!to_fw.empty()) {
                fw_host_feed(fw, to_fw.data(), to_fw.size());
                to_fw.clear();
            }
            fw_host_advance(fw, 1);
            ++ms;
            if (!from_fw.empty()) {
                const auto in = std::exchange(from_fw, {});
                link.on_bytes(in, now());
            }
            link.poll(now());
            drain();
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    std::size_t at = 0;
    auto next = [&]() -> std::uint8_t { return at < in.size() ? in[at++] : 0; };

    Bench b(1);
    std::uint32_t boots = 1;
    while (at < in.size()) {
        const std::uint8_t h = next();
        switch (h % 8) {
        case 0: {
            const std::size_t len = std::min<std::size_t>(next() % 48u, in.size() - at);
            b.link.on_bytes(in.subspan(at, len), b.now());
            at += len;
            break;
        }
        case 1: {
            const std::uint8_t pick = next(), lenb = next();
            etb_msg m;
            static constexpr std::array<std::uint8_t, 5> kTypes = {ETB_T_HELLO_REPLY, ETB_T_ACK, ETB_T_NAK,
                                                                  ETB_T_STATUS, ETB_T_EVENT};
            const std::uint8_t type = (pick & 0x80) ? next() : kTypes[pick % kTypes.size()];
            etb_msg_init(&m, type, next());
            if (pick & 0x08) m.flags = ETB_F_REPLY;
            if (pick & 0x10) m.version = static_cast<std::uint8_t>(next() & 15u);
            m.ack = (pick & 0x20) && b.last_command_seq ? *b.last_command_seq : next();
            m.len = (lenb & 0x80) ? natural_length(type, lenb) : static_cast<std::uint8_t>(lenb % (ETB_MAX_PAYLOAD + 1));
            for (std::uint8_t i = 0; i < m.len; ++i) m.payload[i] = next();
            // A STATUS of the type's own length carries its own count.
            if (type == ETB_T_STATUS && (lenb & 0x80)) m.payload[0] = static_cast<std::uint8_t>(1 + lenb % ETB_MAX_CHANNELS);
            std::uint8_t frame[ETB_FRAME_MAX];
            const int n = etb_frame_encode(&m, frame, sizeof frame);
            require(n > 0);
            b.link.on_bytes(std::span<const std::uint8_t>(frame, static_cast<std::size_t>(n)), b.now());
            break;
        }
        case 2:  // the firmware's clock is its own: it moves only in step 4
            b.ms += static_cast<std::uint64_t>(kDelays[(h >> 3) & 15]);
            b.link.poll(b.now());
            break;
        case 3: {
            ++b.commands;
            const std::uint8_t ch = next(), x = next();
            switch ((h >> 3) % 6) {
            case 0: b.link.grant(ch, 1u + x, 100u + 100u * next()); break;
            case 1: b.link.revoke(ch, x); break;
            case 2: {
                etb_policy p{};
                p.channel = ch;
                p.policy = static_cast<std::uint8_t>(x % 4);
                p.grace_ms = 100u * next();
                p.idle_ma = next();
                p.idle_ms = 100u * next();
                p.max_run_ms = 1000u * next();
                b.link.set_policy(p);
                break;
            }
            case 3: b.link.clear_fault(ch); break;
            case 4: b.link.all_off(); break;
            default: b.link.get_status(); break;
            }
            break;
        }
        case 4: b.run_firmware(1 + (h >> 3)); break;
        case 5:
            b.link.close((h & 0x08) ? std::optional<core::Problem>(core::problem("Controller {0} was unplugged", {"fuzz"}))
                                    : std::nullopt);
            break;
        case 6:
            if (b.link.state() == hw::LinkProtocol::State::closed) b.link.open(b.now());
            break;
        case 7:
            fw_host_reset(b.fw, ETB_RESET_WATCHDOG);
            ++boots;
            break;
        }
        b.drain();
    }

    // Recovery: the line is clean again, a freshly booted controller answers; the link must
    // come up and a GRANT must close the relay (queued again whenever the link drops it; after
    // a latch that commands left queued by the input set, cleared first, as a host would).
    if (b.link.state() == hw::LinkProtocol::State::closed) b.link.open(b.now());
    b.new_firmware(1000 + boots);
    b.drain();
    b.events.clear();
    bool granted = false, closed = false;
    for (int step = 0; step < 20'000 && !closed; step += 10) {
        b.run_firmware(10);
        if (!b.link.up()) continue;
        bool lost = !granted;
        for (const auto& e : b.events) {
            if (e.kind == Kind::acked && e.command.type == ETB_T_GRANT && fw_host_relay(b.fw, 0)) closed = true;
            if (e.kind == Kind::boot || e.kind == Kind::down ||
                ((e.kind == Kind::nak || e.kind == Kind::failed) && e.command.type == ETB_T_GRANT))
                lost = true;
            if (e.kind == Kind::nak && e.command.type == ETB_T_GRANT &&
                (e.nak.code == ETB_NAK_ALL_OFF || e.nak.code == ETB_NAK_FAULT)) {
                ++b.commands;
                b.link.clear_fault(e.nak.code == ETB_NAK_ALL_OFF ? ETB_CHANNEL_ALL : 0);
            }
        }
        b.events.clear();
        if (lost && !closed) {
            ++b.commands;
            b.link.grant(0, 4242, 5000);
            granted = true;
        }
    }
    require(closed);

    // The command still unanswered ends too, within its three sends (300 ms) on a clean line.
    if (b.unanswered) {
        const auto id = b.unanswered->id;
        for (int i = 0; i < 1000 && b.unanswered && b.unanswered->id == id; ++i) b.run_firmware(1);
        require(!b.unanswered || b.unanswered->id != id);
    }
    return 0;
}
