// The controller link: LinkProtocol (pure state machine) and ControllerLink (its thread and
// serial port). See controller_link.hpp for the contract. Layer: hw. LinkProtocol runs on
// whichever thread owns it; ControllerLink's loop runs on its own thread.
//
// [SECTION] index
//   Protocol     handshake, queue, retransmission, replies, events, timers
//   Thread       open/reopen, poll on the port and a wake-up eventfd, callbacks
#include <etabli/hw/controller_link.hpp>
#include <etabli/hw/guarded.hpp>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <utility>

namespace etabli::hw {

using core::problem;
using namespace std::chrono;

// [SECTION] Protocol
namespace {

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

}  // namespace

LinkProtocol::LinkProtocol(std::string name, LinkTiming timing) : m_name(std::move(name)), m_t(timing) {
    etb_rx_init(&m_rx);
}

std::uint8_t LinkProtocol::next_seq() {
    // 0 means "needs no answer": commands use 1..255.
    m_seq = static_cast<std::uint8_t>(m_seq == 255 ? 1 : m_seq + 1);
    return m_seq;
}

void LinkProtocol::open(LinkTime now) {
    etb_rx_init(&m_rx);
    m_out.push_back(0x00);  // flushes whatever half frame the controller holds
    m_last_rx = now;
    m_hello_retry = now;
    start_hello(now);
}

void LinkProtocol::close(std::optional<core::Problem> why) {
    const bool was_up = m_state == State::up;
    m_state = State::closed;
    m_inflight.reset();
    m_queue.clear();
    m_out.clear();
    if (was_up) {
        LinkEvent e;
        e.kind = LinkEvent::Kind::down;
        e.problem = why ? why : problem("Controller {0} is not answering", {m_name});
        emit(std::move(e));
    }
}

void LinkProtocol::start_hello(LinkTime now) {
    if (m_state != State::refused) m_state = State::hello;  // refused stays shown until a reply
    etb_msg m;
    etb_msg_init(&m, ETB_T_HELLO, next_seq());
    etb_hello h{static_cast<std::uint8_t>(ETB_PROTO_MAJOR), static_cast<std::uint8_t>(ETB_PROTO_MINOR)};
    etb_pack_hello(&m, &h);
    m_inflight = Pending{m, 0, {}};
    send(*m_inflight, now);
}

void LinkProtocol::send(Pending& p, LinkTime now) {
    std::uint8_t buf[ETB_FRAME_MAX];
    const int n = etb_frame_encode(&p.msg, buf, sizeof buf);
    assert(n > 0 && "every message we build fits a frame");
    if (n > 0) m_out.insert(m_out.end(), buf, buf + n);
    ++p.sent;
    p.last_sent = now;
}

void LinkProtocol::enqueue(etb_msg m) { m_queue.push_back(m); }

void LinkProtocol::grant(std::uint8_t channel, std::uint32_t session, std::uint32_t lease_ms) {
    etb_msg m;
    etb_msg_init(&m, ETB_T_GRANT, 0);
    etb_grant g{channel, session, lease_ms};
    etb_pack_grant(&m, &g);
    enqueue(m);
}

void LinkProtocol::revoke(std::uint8_t channel, std::uint8_t reason) {
    etb_msg m;
    etb_msg_init(&m, ETB_T_REVOKE, 0);
    etb_revoke r{channel, reason};
    etb_pack_revoke(&m, &r);
    enqueue(m);
}

void LinkProtocol::set_policy(const etb_policy& p) {
    etb_msg m;
    etb_msg_init(&m, ETB_T_SET_POLICY, 0);
    etb_pack_policy(&m, &p);
    enqueue(m);
}

void LinkProtocol::clear_fault(std::uint8_t channel) {
    etb_msg m;
    etb_msg_init(&m, ETB_T_CLEAR_FAULT, 0);
    etb_channel_ref c{channel};
    etb_pack_channel_ref(&m, ETB_T_CLEAR_FAULT, &c);
    enqueue(m);
}

void LinkProtocol::all_off() {
    etb_msg m;
    etb_msg_init(&m, ETB_T_ALL_OFF, 0);
    etb_pack_empty(&m, ETB_T_ALL_OFF);
    enqueue(m);
}

void LinkProtocol::get_status() {
    etb_msg m;
    etb_msg_init(&m, ETB_T_GET_STATUS, 0);
    etb_pack_empty(&m, ETB_T_GET_STATUS);
    enqueue(m);
}

void LinkProtocol::on_bytes(std::span<const std::uint8_t> bytes, LinkTime now) {
    if (m_state == State::closed) return;
    etb_msg m;
    for (auto b : bytes)
        if (etb_rx_push(&m_rx, b, &m)) handle(m, now);
}

void LinkProtocol::new_boot(std::uint32_t boot) {
    if (m_boot && *m_boot != boot) {
        LinkEvent e;
        e.kind = LinkEvent::Kind::boot;
        e.old_boot = *m_boot;
        e.problem = problem("Controller {0} restarted (boot {1})", {m_name, hex32(boot)});
        // What was queued belonged to the old boot's sessions: the manager decides afresh.
        m_queue.clear();
        m_last_event.reset();
        emit(std::move(e));
    }
    m_boot = boot;
}

void LinkProtocol::handle(const etb_msg& m, LinkTime now) {
    if (m.version != ETB_PROTO_MAJOR) {
        // Only the version fields of a HELLO reply or a NAK are readable across majors.
        std::uint8_t their = m.version;
        etb_hello_reply hr;
        etb_nak nk;
        if (m.type == ETB_T_HELLO_REPLY && etb_unpack_hello_reply(&m, &hr) == 0) their = hr.major;
        else if (m.type == ETB_T_NAK && etb_unpack_nak(&m, &nk) == 0) their = nk.major;
        else return;
        m_last_rx = now;
        const bool was_up = m_state == State::up;
        m_state = State::refused;
        m_inflight.reset();
        m_queue.clear();
        m_hello_retry = now + m_t.refused_pause;
        LinkEvent e;
        e.kind = LinkEvent::Kind::refused;
        e.problem = problem("Controller {0} speaks protocol version {1} and the station {2}: update the firmware "
                            "or the station",
                            {m_name, std::to_string(their), std::to_string(ETB_PROTO_MAJOR)});
        if (was_up) emit(LinkEvent{LinkEvent::Kind::down, {}, 0, {}, {}, {}, 0, {}, e.problem});
        emit(std::move(e));
        return;
    }
    m_last_rx = now;
    if (m.flags & ETB_F_REPLY) {
        handle_reply(m, now);
        return;
    }
    if (m.type == ETB_T_EVENT) {
        etb_event ev;
        if (etb_unpack_event(&m, &ev) != 0) return;
        if (m.seq != 0) {
            etb_msg ack;
            etb_msg_reply(&ack, ETB_T_ACK, &m);
            etb_ack a{ETB_ACK_APPLIED};
            etb_pack_ack(&ack, &a);
            std::uint8_t buf[ETB_FRAME_MAX];
            const int n = etb_frame_encode(&ack, buf, sizeof buf);
            if (n > 0) m_out.insert(m_out.end(), buf, buf + n);
            // The controller repeats an event until acknowledged: report it once. Its numbers
            // start again at every boot, so the content tells a repeat from a new event.
            if (m_last_event && m_last_event->seq == m.seq && m_last_event->kind == ev.kind &&
                m_last_event->channel == ev.channel && m_last_event->session == ev.session &&
                m_last_event->time_ms == ev.time_ms)
                return;
            m_last_event = LastEvent{m.seq, ev.kind, ev.channel, ev.session, ev.time_ms};
        }
        if (ev.kind == ETB_EV_BOOT) {
            const bool changed = m_boot && *m_boot != ev.session;
            new_boot(ev.session);
            // A reset controller wants a HELLO before any GRANT.
            if (changed || m_state != State::up) {
                m_inflight.reset();
                if (m_state != State::refused) start_hello(now);
            }
        }
        LinkEvent e;
        e.kind = LinkEvent::Kind::event;
        e.event = ev;
        emit(std::move(e));
    }
}

void LinkProtocol::handle_reply(const etb_msg& m, LinkTime now) {
    if (!m_inflight || m.ack != m_inflight->msg.seq) return;  // a late reply to an older try
    const etb_msg cmd = m_inflight->msg;
    if (cmd.type == ETB_T_HELLO) {
        etb_hello_reply hr;
        if (m.type == ETB_T_HELLO_REPLY && etb_unpack_hello_reply(&m, &hr) == 0) {
            m_inflight.reset();
            new_boot(hr.boot_id);
            m_hello = hr;
            m_state = State::up;
            m_last_heartbeat = now;
            m_last_status = now - m_t.status_every;  // a first status at once
            LinkEvent e;
            e.kind = LinkEvent::Kind::up;
            e.hello = hr;
            emit(std::move(e));
        } else if (m.type == ETB_T_NAK) {
            // A NAK VERSION in our own major is handled in handle(); anything else: retry later.
            m_inflight.reset();
            m_hello_retry = now + m_t.hello_pause;
        }
        return;
    }
    // (found by fuzz_link) A reply that does not decode, or of a type no command is
    // answered with, is ignored: the command stays in flight and is sent again, ending acked,
    // nak'ed or failed. Dropping it silently lost a REVOKE (the relay then stayed on, renewed
    // by the heartbeats, until the link went down).
    LinkEvent e;
    e.command = cmd;
    if (m.type == ETB_T_ACK) {
        etb_ack a;
        if (etb_unpack_ack(&m, &a) == 0) e.ack_info = a.info;
        e.kind = LinkEvent::Kind::acked;
    } else if (m.type == ETB_T_STATUS) {
        if (etb_unpack_status(&m, &e.status) != 0) return;
        e.kind = LinkEvent::Kind::status;
    } else if (m.type == ETB_T_NAK) {
        if (etb_unpack_nak(&m, &e.nak) != 0) return;
        e.kind = LinkEvent::Kind::nak;
        if (e.nak.code == ETB_NAK_NO_HELLO) {
            // The controller rebooted and we missed its EVENT BOOT: handshake again.
            m_inflight.reset();
            emit(std::move(e));
            start_hello(now);
            return;
        }
    } else {
        return;
    }
    m_inflight.reset();
    emit(std::move(e));
}

void LinkProtocol::go_down(core::Problem why) {
    const bool was_up = m_state == State::up;
    m_state = State::hello;
    m_inflight.reset();
    m_queue.clear();
    if (was_up) {
        LinkEvent e;
        e.kind = LinkEvent::Kind::down;
        e.problem = std::move(why);
        emit(std::move(e));
    }
}

void LinkProtocol::poll(LinkTime now) {
    if (m_state == State::closed) return;
    if (m_state == State::up && now - m_last_rx > m_t.silence) {
        go_down(problem("Controller {0} is not answering", {m_name}));
        m_hello_retry = now;
    }
    if (m_inflight && now - m_inflight->last_sent >= m_t.retransmit) {
        if (m_inflight->sent < m_t.tries) {
            send(*m_inflight, now);
        } else {
            const etb_msg cmd = m_inflight->msg;
            m_inflight.reset();
            if (cmd.type == ETB_T_HELLO) {
                m_hello_retry = now + (m_state == State::refused ? m_t.refused_pause : m_t.hello_pause);
            } else {
                LinkEvent e;
                e.kind = LinkEvent::Kind::failed;
                e.command = cmd;
                emit(std::move(e));
            }
        }
    }
    if (m_inflight) return;
    if (m_state != State::up) {
        if (now >= m_hello_retry) start_hello(now);
        return;
    }
    if (m_queue.empty()) {
        if (now - m_last_status >= m_t.status_every) {
            get_status();
            m_last_status = now;
        } else if (now - m_last_heartbeat >= m_t.heartbeat) {
            etb_msg hb;
            etb_msg_init(&hb, ETB_T_HEARTBEAT, 0);
            etb_pack_empty(&hb, ETB_T_HEARTBEAT);
            enqueue(hb);
        }
    }
    if (m_queue.empty()) return;
    etb_msg m = m_queue.front();
    m_queue.pop_front();
    m.seq = next_seq();
    // HEARTBEAT renews every lease and GRANT its own: the next heartbeat is due from either.
    if (m.type == ETB_T_HEARTBEAT || m.type == ETB_T_GRANT) m_last_heartbeat = now;
    m_inflight = Pending{m, 0, {}};
    send(*m_inflight, now);
}

std::vector<std::uint8_t> LinkProtocol::take_output() { return std::exchange(m_out, {}); }
std::vector<LinkEvent> LinkProtocol::take_events() { return std::exchange(m_events, {}); }

std::optional<LinkTime> LinkProtocol::next_wakeup() const {
    if (m_state == State::closed) return std::nullopt;
    std::optional<LinkTime> t;
    auto take = [&](LinkTime x) {
        if (!t || x < *t) t = x;
    };
    if (m_inflight) take(m_inflight->last_sent + m_t.retransmit);
    else if (m_state != State::up) take(m_hello_retry);
    if (m_state == State::up) {
        take(m_last_rx + m_t.silence + milliseconds{1});
        if (!m_inflight) {
            if (!m_queue.empty()) take(m_last_rx);  // at once
            take(m_last_heartbeat + m_t.heartbeat);
            take(m_last_status + m_t.status_every);
        }
    }
    return t;
}

// [SECTION] Thread
ControllerLink::ControllerLink(std::string name, std::string path, OnEvent on_event, LinkTiming timing)
    : m_name(std::move(name)), m_path(std::move(path)), m_on_event(std::move(on_event)), m_proto(m_name, timing),
      m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

ControllerLink::~ControllerLink() { stop(); }

void ControllerLink::start() {
    assert(!m_thread.joinable() && "ControllerLink::start called twice");
    m_stop = false;
    m_thread = std::thread([this] {
        run_guarded("a controller link", [this] {
            try {
                run();
            } catch (...) {
                // The restarted loop opens the port and says HELLO afresh: nothing of the old
                // exchange is replayed, and the station sees the link down meanwhile.
                m_proto.close(core::problem("Controller {0} is not answering", {m_name}));
                for (auto& e : m_proto.take_events())
                    if (m_on_event) m_on_event(e);
                throw;
            }
        }, [this] { return m_stop.load(); });
    });
}

void ControllerLink::stop() {
    m_stop = true;
    wake();
    if (m_thread.joinable()) m_thread.join();
}

void ControllerLink::wake() {
    if (!m_wake) return;
    const std::uint64_t one = 1;
    (void)!::write(m_wake.get(), &one, sizeof one);
}

void ControllerLink::post(std::function<void(LinkProtocol&)> fn) {
    {
        std::lock_guard lk(m_mutex);
        m_posted.push_back(std::move(fn));
    }
    wake();
}

std::optional<core::Problem> ControllerLink::open_problem() const {
    std::lock_guard lk(m_mutex);
    return m_open_problem;
}

void ControllerLink::run() {
    SerialPort port;
    std::optional<std::string> last_problem;
    auto deliver = [&] {
        for (auto& e : m_proto.take_events())
            if (m_on_event) m_on_event(e);
    };
    while (!m_stop) {
        const auto now = steady_clock::now();
        if (!port.is_open()) {
            auto p = SerialPort::open(m_path);
            if (!p) {
                {
                    std::lock_guard lk(m_mutex);
                    m_open_problem = p.error();
                }
                if (last_problem != p.error().english()) {
                    last_problem = p.error().english();
                    LinkEvent e;
                    e.kind = LinkEvent::Kind::down;
                    e.problem = p.error();
                    if (m_on_event) m_on_event(e);
                }
                // Commands posted while the port is away are dropped like a closed link's queue.
                std::vector<std::function<void(LinkProtocol&)>> drop;
                {
                    std::lock_guard lk(m_mutex);
                    drop.swap(m_posted);
                }
                pollfd w{m_wake.get(), POLLIN, 0};
                (void)::poll(&w, 1, static_cast<int>(m_reopen.count()));
                std::uint64_t v;
                (void)!::read(m_wake.get(), &v, sizeof v);
                continue;
            }
            port = std::move(*p);
            last_problem.reset();
            {
                std::lock_guard lk(m_mutex);
                m_open_problem.reset();
            }
            m_proto.open(now);
        }
        std::vector<std::function<void(LinkProtocol&)>> posted;
        {
            std::lock_guard lk(m_mutex);
            posted.swap(m_posted);
        }
        for (auto& fn : posted) fn(m_proto);
        m_proto.poll(steady_clock::now());
        auto out = m_proto.take_output();
        if (!out.empty()) {
            if (auto w = port.write_all(out, milliseconds{200}); !w) {
                port.close();
                m_proto.close(w.error());
                deliver();
                continue;
            }
        }
        deliver();

        int timeout = 50;
        if (auto t = m_proto.next_wakeup()) {
            const auto ms = duration_cast<milliseconds>(*t - steady_clock::now()).count() + 1;
            timeout = static_cast<int>(std::clamp<long long>(ms, 0, 50));
        }
        pollfd fds[2] = {{port.fd(), POLLIN, 0}, {m_wake.get(), POLLIN, 0}};
        if (::poll(fds, 2, timeout) < 0 && errno != EINTR) continue;
        if (fds[1].revents & POLLIN) {
            std::uint64_t v;
            (void)!::read(m_wake.get(), &v, sizeof v);
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            std::uint8_t buf[256];
            auto got = port.read(buf, milliseconds{0});
            if (!got) {
                port.close();
                m_proto.close(got.error());
                deliver();
                continue;
            }
            m_proto.on_bytes(std::span<const std::uint8_t>(buf, *got), steady_clock::now());
            deliver();
        }
    }
    port.close();
    m_proto.close(std::nullopt);
}

}  // namespace etabli::hw
