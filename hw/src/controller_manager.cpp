// Machine controllers as the Station's MachineControl (see controller_manager.hpp).
// Layer: hw. apply()/clear_fault()/machines_changed() on the station thread; on_event() on
// each link's thread; views() from any thread. One mutex guards the channel table.
#include <etabli/hw/controller_manager.hpp>

#include <algorithm>
#include <cstdio>

namespace etabli::hw {

using core::problem;
using namespace std::chrono;

namespace {

constexpr std::uint8_t kRevokeSessionEnded = 1;

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

std::uint32_t clamp_ms(std::chrono::milliseconds ms) {
    return static_cast<std::uint32_t>(std::clamp<long long>(ms.count(), 0, ETB_POLICY_MAX_MS));
}

std::uint32_t wire_session(alloc::SessionId id) {
    // The firmware wants a nonzero 32-bit id; station ids grow from 1 and fit for decades.
    const auto v = static_cast<std::uint32_t>(id & 0xFFFFFFFF);
    return v == 0 ? 1u : v;
}

}  // namespace

std::string controller_port(const core::ControllerConfig& c, const ControllerOptions& o) {
    if (!c.port.empty()) return c.port;
    return o.by_serial_dir + "/controller-" + c.serial;
}

etb_policy policy_for(std::uint8_t channel, const alloc::MachineRules& rules, const ControllerOptions& o) {
    etb_policy p{};
    p.channel = channel;
    p.idle_ma = o.idle_ma;
    p.idle_ms = clamp_ms(o.idle_time);
    switch (rules.host_loss.kind) {
        case alloc::HostLossPolicy::Kind::cut:
            p.policy = ETB_POLICY_CUT;
            break;
        case alloc::HostLossPolicy::Kind::grace:
            p.policy = ETB_POLICY_GRACE;
            p.grace_ms = clamp_ms(duration_cast<milliseconds>(rules.host_loss.seconds));
            break;
        case alloc::HostLossPolicy::Kind::until_idle:
            p.policy = ETB_POLICY_UNTIL_IDLE;
            p.max_run_ms = clamp_ms(duration_cast<milliseconds>(rules.host_loss.seconds));
            break;
    }
    return p;
}

ControllerManager::ControllerManager(app::Station& station, std::vector<core::ControllerConfig> config,
                                     ControllerOptions opts)
    : m_station(station), m_opts(std::move(opts)) {
    for (std::size_t i = 0; i < config.size(); ++i) {
        auto c = std::make_unique<Controller>();
        c->index = i;
        c->port = controller_port(config[i], m_opts);
        c->name = config[i].serial.empty() ? c->port : config[i].serial;
        c->view.name = c->name;
        c->view.port = c->port;
        for (std::size_t ch = 0; ch < config[i].channels.size() && ch < ETB_MAX_CHANNELS; ++ch) {
            Channel chan;
            chan.index = static_cast<std::uint8_t>(ch);
            chan.machine_name = config[i].channels[ch];
            chan.view.channel = static_cast<int>(ch);
            chan.view.machine_name = chan.machine_name;
            c->channels.push_back(std::move(chan));
        }
        m_controllers.push_back(std::move(c));
    }
}

ControllerManager::~ControllerManager() { stop(); }

void ControllerManager::start() {
    for (auto& c : m_controllers) {
        if (c->link) continue;
        const std::size_t idx = c->index;
        c->link = std::make_unique<ControllerLink>(
            c->name, c->port, [this, idx](const LinkEvent& e) { on_event(idx, e); }, m_opts.timing);
    }
    for (auto& c : m_controllers) c->link->start();
}

void ControllerManager::stop() {
    for (auto& c : m_controllers)
        if (c->link) c->link->stop();
}

void ControllerManager::machines_changed(const std::vector<alloc::Machine>& machines) {
    std::lock_guard lk(m_mutex);
    auto lower = [](std::string s) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    };
    for (auto& c : m_controllers) {
        bool changed = false;
        for (const auto& m : machines)
            for (auto& ch : c->channels) {
                const bool by_id = ch.machine_name == "#" + std::to_string(m.id);
                if (by_id || lower(ch.machine_name) == lower(m.name)) {
                    changed = changed || ch.view.machine != m.id;
                    ch.machine = m.id;
                    ch.rules = m.rules;
                    ch.view.machine = m.id;
                } else if (ch.machine == m.id) {
                    ch.machine.reset();  // renamed away from this channel
                    ch.view.machine.reset();
                    changed = true;
                }
            }
        // The Station finds a channel's machine in these views (a fault, a lost lease): send
        // them now rather than at the link's next report.
        if (changed) publish(*c);
    }
}

ControllerManager::Channel* ControllerManager::channel_of(alloc::MachineId machine, Controller** owner) {
    for (auto& c : m_controllers)
        for (auto& ch : c->channels)
            if (ch.machine == machine) {
                *owner = c.get();
                return &ch;
            }
    return nullptr;
}

void ControllerManager::apply(const alloc::Action& a) {
    std::lock_guard lk(m_mutex);
    Controller* c = nullptr;
    Channel* ch = channel_of(a.machine, &c);
    if (!ch || !c->link) return;
    const std::uint8_t idx = ch->index;
    const auto lease = static_cast<std::uint32_t>(m_opts.lease.count());
    switch (a.kind) {
        case alloc::Action::Kind::power_on: {
            const std::uint32_t session = wire_session(a.session.value_or(1));
            ch->session = session;
            const etb_policy p = policy_for(idx, ch->rules, m_opts);
            c->link->post([p, idx, session, lease](LinkProtocol& l) {
                l.set_policy(p);
                l.grant(idx, session, lease);
            });
            break;
        }
        case alloc::Action::Kind::handover: {  // the next member's session: a GRANT, no REVOKE between
            const std::uint32_t session = wire_session(a.session.value_or(1));
            ch->session = session;
            c->link->post([idx, session, lease](LinkProtocol& l) { l.grant(idx, session, lease); });
            break;
        }
        case alloc::Action::Kind::renew_lease: {
            if (!ch->session) break;
            const std::uint32_t session = *ch->session;
            c->link->post([idx, session, lease](LinkProtocol& l) { l.grant(idx, session, lease); });
            break;
        }
        case alloc::Action::Kind::power_off:
            ch->session.reset();
            c->link->post([idx](LinkProtocol& l) { l.revoke(idx, kRevokeSessionEnded); });
            break;
        default:
            break;  // warnings, offers: the kiosk shows them
    }
}

void ControllerManager::clear_fault(alloc::MachineId machine) {
    std::lock_guard lk(m_mutex);
    Controller* c = nullptr;
    Channel* ch = channel_of(machine, &c);
    if (!ch || !c->link) return;
    const std::uint8_t idx = ch->index;
    ch->view.fault = false;
    c->link->post([idx](LinkProtocol& l) {
        l.clear_fault(idx);
        l.get_status();
    });
}

std::vector<app::ControllerView> ControllerManager::views() const {
    std::lock_guard lk(m_mutex);
    std::vector<app::ControllerView> out;
    for (const auto& c : m_controllers) {
        auto v = c->view;
        v.channel_views.clear();
        for (const auto& ch : c->channels) v.channel_views.push_back(ch.view);
        out.push_back(std::move(v));
    }
    return out;
}

void ControllerManager::publish(const Controller& c) {
    app::ControllerView v = c.view;
    v.channel_views.clear();
    for (const auto& ch : c.channels) v.channel_views.push_back(ch.view);
    m_station.post_async(app::ControllerUpdate{std::move(v)}, 0);
}

void ControllerManager::on_event(std::size_t index, const LinkEvent& e) {
    std::lock_guard lk(m_mutex);
    Controller& c = *m_controllers.at(index);
    auto by_channel = [&](std::uint8_t idx) -> Channel* {
        for (auto& ch : c.channels)
            if (ch.index == idx) return &ch;
        return nullptr;
    };
    switch (e.kind) {
        case LinkEvent::Kind::up: {
            c.view.up = true;
            c.view.problem.reset();
            if (e.hello) {
                c.view.firmware = std::to_string(e.hello->fw_major) + "." + std::to_string(e.hello->fw_minor) + "." +
                                  std::to_string(e.hello->fw_patch);
                c.view.boot_id = hex32(e.hello->boot_id);
                c.view.channels = e.hello->channels;
            }
            c.reconcile = true;
            for (auto& ch : c.channels) ch.at_up = ch.session;
            c.link->post([](LinkProtocol& l) { l.get_status(); });
            publish(c);
            break;
        }
        case LinkEvent::Kind::down:
        case LinkEvent::Kind::refused: {
            auto text = [](const std::optional<core::Problem>& p) { return p ? p->english() : std::string(); };
            const bool changed = c.view.up || text(c.view.problem) != text(e.problem);
            c.view.up = false;
            c.view.problem = e.problem;
            if (changed) publish(c);
            break;
        }
        case LinkEvent::Kind::boot: {
            // Every relay of that board is off: the sessions it held are over.
            std::vector<alloc::MachineId> machines;
            for (auto& ch : c.channels) {
                if (ch.machine && ch.session) machines.push_back(*ch.machine);
                ch.session.reset();
            }
            if (!machines.empty()) m_station.post_async(app::ControllerReset{c.name, machines}, 0);
            break;
        }
        case LinkEvent::Kind::event: {
            Channel* ch = by_channel(e.event.channel);
            switch (e.event.kind) {
                case ETB_EV_FEEDBACK_FAULT:
                    if (ch) {
                        ch->view.fault = true;
                        ch->session.reset();
                        if (ch->machine) m_station.post_async(app::ControllerFault{*ch->machine}, 0);
                        publish(c);
                    }
                    break;
                case ETB_EV_CURRENT_STARTED:
                case ETB_EV_CURRENT_STOPPED:
                    if (ch) {
                        ch->view.running = e.event.kind == ETB_EV_CURRENT_STARTED;
                        ch->view.current_ma = e.event.value;
                        if (ch->machine) m_station.post_async(app::ControllerCurrent{*ch->machine, ch->view.running}, 0);
                    }
                    break;
                case ETB_EV_RELAY_CUT:
                    // The firmware opened the relay itself (lease, grace, idle, maximum):
                    // the member lost the machine, so the session ends.
                    if (ch) {
                        ch->view.relay = false;
                        if (ch->session && ch->session == e.event.session && ch->machine) {
                            ch->session.reset();
                            m_station.post_async(app::ControllerLeaseLost{*ch->machine}, 0);
                        }
                        publish(c);
                    }
                    break;
                default:
                    break;
            }
            break;
        }
        case LinkEvent::Kind::status: {
            bool changed = false;
            for (std::uint8_t i = 0; i < e.status.count; ++i) {
                Channel* ch = by_channel(i);
                if (!ch) continue;
                const auto& s = e.status.ch[i];
                const bool relay = s.flags & ETB_CH_RELAY, fault = s.flags & ETB_CH_FAULT;
                const bool feedback = s.flags & ETB_CH_FEEDBACK, running = s.flags & ETB_CH_RUNNING;
                changed |= relay != ch->view.relay || fault != ch->view.fault || feedback != ch->view.feedback ||
                           running != ch->view.running;
                ch->view.relay = relay;
                ch->view.fault = fault;
                ch->view.feedback = feedback;
                ch->view.running = running;
                ch->view.current_ma = s.current_ma;
                if (!c.reconcile) continue;
                const std::uint8_t idx = ch->index;
                if (ch->session && ch->session != ch->at_up) {
                    // Granted after the link came up: that GRANT is on its way, nothing to reconcile.
                } else if (ch->session) {
                    if (relay && s.session == *ch->session) {
                        const auto session = *ch->session;
                        const auto lease = static_cast<std::uint32_t>(m_opts.lease.count());
                        c.link->post([idx, session, lease](LinkProtocol& l) { l.grant(idx, session, lease); });
                    } else {
                        ch->session.reset();
                        if (ch->machine) m_station.post_async(app::ControllerLeaseLost{*ch->machine}, 0);
                    }
                } else {
                    if (relay) c.link->post([idx](LinkProtocol& l) { l.revoke(idx, kRevokeSessionEnded); });
                    const etb_policy p = policy_for(idx, ch->rules, m_opts);
                    if (!relay) c.link->post([p](LinkProtocol& l) { l.set_policy(p); });
                }
            }
            if (c.reconcile) changed = true;
            c.reconcile = false;
            if (changed) publish(c);
            break;
        }
        case LinkEvent::Kind::acked: break;
        case LinkEvent::Kind::nak:
            if (e.command.type == ETB_T_GRANT && e.nak.code == ETB_NAK_FAULT) {
                Channel* ch = by_channel(e.nak.arg);
                if (ch) {
                    ch->view.fault = true;
                    ch->session.reset();
                    if (ch->machine) m_station.post_async(app::ControllerFault{*ch->machine}, 0);
                    publish(c);
                }
            }
            break;
        case LinkEvent::Kind::failed: {
            // No answer in three sends: send again while it is still wanted (the link goes
            // down after 1.5 s of silence anyway, and reconciles when back).
            const etb_msg cmd = e.command;
            if (cmd.type == ETB_T_GRANT) {
                etb_grant g;
                if (etb_unpack_grant(&cmd, &g) != 0) break;
                Channel* ch = by_channel(g.channel);
                if (ch && ch->session == g.session)
                    c.link->post([g](LinkProtocol& l) { l.grant(g.channel, g.session, g.lease_ms); });
            } else if (cmd.type == ETB_T_REVOKE) {
                etb_revoke r;
                if (etb_unpack_revoke(&cmd, &r) != 0) break;
                Channel* ch = by_channel(r.channel);
                if (ch && !ch->session) c.link->post([r](LinkProtocol& l) { l.revoke(r.channel, r.reason); });
            } else if (cmd.type == ETB_T_CLEAR_FAULT) {
                etb_channel_ref r;
                if (etb_unpack_channel_ref(&cmd, ETB_T_CLEAR_FAULT, &r) == 0)
                    c.link->post([r](LinkProtocol& l) { l.clear_fault(r.channel); });
            }
            break;
        }
    }
}

}  // namespace etabli::hw
