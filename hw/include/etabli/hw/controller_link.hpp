// The station's link to one machine controller over a serial line (protocol: see
// firmware-bridge/protocol/PROTOCOL.md and etb_proto.h). Layer: hw.
//
// Two parts, as every device family here (STYLE.md 5):
//  * LinkProtocol: the pure state machine. Bytes and the time come in as arguments; frames to
//    write and LinkEvents come out. No thread, no clock, no I/O: tests drive it with a fake
//    time and a fake (or host-built) firmware, deterministically.
//      - HELLO handshake (retried), protocol major checked (a mismatch is refused, with a
//        message, and retried slowly in case the firmware is updated);
//      - one command in flight, retransmitted every 100 ms with the same sequence number, 3
//        sends at most; then it is reported failed (the caller decides whether to queue it again);
//      - heartbeats every 500 ms when nothing else is in flight, a status poll every second;
//      - the link is down after 1.5 s without a valid frame; a new HELLO then starts;
//      - controller EVENTs are acknowledged (a duplicate is acknowledged again, reported once);
//      - a new boot id (in a HELLO reply or an EVENT BOOT) is reported, and the commands
//        queued for the old boot are dropped: they belonged to sessions that ended.
//  * ControllerLink: one thread that owns the serial port, feeds a LinkProtocol, reopens the
//    port when it disappears (USB unplugged) and reports events through a callback (called
//    on the link's thread: it must not block; the manager posts to the Station and returns).
#pragma once

#include <etabli/hw/serial_port.hpp>

#include <etb_proto.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace etabli::hw {

using LinkTime = std::chrono::steady_clock::time_point;

struct LinkTiming {
    std::chrono::milliseconds retransmit{100};
    int tries = 3;
    std::chrono::milliseconds silence{1500};   // link down after this long without a valid frame
    std::chrono::milliseconds heartbeat{500};
    std::chrono::milliseconds status_every{1000};
    std::chrono::milliseconds hello_pause{1000};    // after a HELLO got no answer in `tries` sends
    std::chrono::milliseconds refused_pause{5000};  // after a version mismatch
};

struct LinkEvent {
    enum class Kind {
        up,              // HELLO answered: `hello` holds what the controller said
        down,            // silence, or the port closed; `problem` says why
        boot,            // a new boot id: every relay of the controller is off; `old_boot`
        refused,         // protocol major mismatch: `problem`
        event,           // an EVENT from the controller (acknowledged): `event`
        status,          // a STATUS reply: `status`
        acked,           // a command was acknowledged: `command`, `ack_info`
        nak,             // a command was refused: `command`, `nak`
        failed,          // a command got no reply in `tries` sends: `command`
    };
    Kind kind = Kind::up;
    std::optional<etb_hello_reply> hello;
    std::uint32_t old_boot = 0;
    etb_event event{};
    etb_status status{};
    etb_msg command{};     // the command this answers (type, payload)
    std::uint8_t ack_info = 0;
    etb_nak nak{};
    std::optional<core::Problem> problem;
};

class LinkProtocol {
public:
    enum class State { closed, hello, up, refused };

    explicit LinkProtocol(std::string name = "controller", LinkTiming timing = {});

    // The port was opened: start the handshake. Keeps the last known boot id.
    void open(LinkTime now);
    // The port is gone: down (reported if it was up), queue dropped.
    void close(std::optional<core::Problem> why);

    // Bytes read from the port.
    void on_bytes(std::span<const std::uint8_t> bytes, LinkTime now);
    // Runs the timers (retransmission, heartbeat, status poll, silence).
    void poll(LinkTime now);

    // Commands, queued in order; sent once the link is up (HELLO itself is internal).
    void grant(std::uint8_t channel, std::uint32_t session, std::uint32_t lease_ms);
    void revoke(std::uint8_t channel, std::uint8_t reason);
    void set_policy(const etb_policy& p);
    void clear_fault(std::uint8_t channel);
    void all_off();
    void get_status();

    // Frames to write (possibly empty); the caller writes them all, in order.
    std::vector<std::uint8_t> take_output();
    std::vector<LinkEvent> take_events();
    // When poll() next has work (a retransmission, a heartbeat, the silence limit).
    std::optional<LinkTime> next_wakeup() const;

    State state() const { return m_state; }
    bool up() const { return m_state == State::up; }
    const std::optional<etb_hello_reply>& hello() const { return m_hello; }
    std::optional<std::uint32_t> boot_id() const { return m_boot; }
    std::size_t queued() const { return m_queue.size() + (m_inflight ? 1u : 0u); }
    const etb_rx& rx() const { return m_rx; }

private:
    struct Pending {
        etb_msg msg{};
        int sent = 0;
        LinkTime last_sent{};
    };

    void enqueue(etb_msg m);
    void send(Pending& p, LinkTime now);
    void start_hello(LinkTime now);
    void handle(const etb_msg& m, LinkTime now);
    void handle_reply(const etb_msg& m, LinkTime now);
    void go_down(core::Problem why);
    void new_boot(std::uint32_t boot);
    void emit(LinkEvent e) { m_events.push_back(std::move(e)); }
    std::uint8_t next_seq();

    std::string m_name;
    LinkTiming m_t;
    State m_state = State::closed;
    etb_rx m_rx{};
    std::uint8_t m_seq = 0;
    std::deque<etb_msg> m_queue;
    std::optional<Pending> m_inflight;
    std::optional<etb_hello_reply> m_hello;
    std::optional<std::uint32_t> m_boot;
    struct LastEvent {
        std::uint8_t seq, kind, channel;
        std::uint32_t session, time_ms;
    };
    std::optional<LastEvent> m_last_event;
    LinkTime m_last_rx{};
    LinkTime m_last_heartbeat{};
    LinkTime m_last_status{};
    LinkTime m_hello_retry{};  // no HELLO before this time (pause after failures)
    std::vector<std::uint8_t> m_out;
    std::vector<LinkEvent> m_events;
};

// One thread per controller: opens `path`, runs a LinkProtocol, reopens after a loss.
class ControllerLink {
public:
    using OnEvent = std::function<void(const LinkEvent&)>;

    ControllerLink(std::string name, std::string path, OnEvent on_event, LinkTiming timing = {});
    ~ControllerLink();  // stop()
    ControllerLink(const ControllerLink&) = delete;
    ControllerLink& operator=(const ControllerLink&) = delete;

    void start();
    // Closes the port without sending anything more (no REVOKE): to the controller this looks
    // exactly like a station that died, and its host-loss policies apply.
    void stop();

    // Thread-safe: queue a command for the link thread (applied in order, at once).
    void post(std::function<void(LinkProtocol&)> fn);

    const std::string& name() const { return m_name; }
    const std::string& path() const { return m_path; }
    // The last problem opening the port (empty while it is open).
    std::optional<core::Problem> open_problem() const;

private:
    void run();
    void wake();

    std::string m_name;
    std::string m_path;
    OnEvent m_on_event;
    LinkProtocol m_proto;  // link thread only
    std::chrono::milliseconds m_reopen{500};

    mutable std::mutex m_mutex;
    std::vector<std::function<void(LinkProtocol&)>> m_posted;
    std::optional<core::Problem> m_open_problem;
    std::atomic<bool> m_stop{false};
    Fd m_wake;  // eventfd: post() and stop() interrupt the thread's poll
    std::thread m_thread;
};

}  // namespace etabli::hw
