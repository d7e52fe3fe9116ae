// The station's machine controllers: implements app::MachineControl over one ControllerLink
// per configured controller, and turns what the controllers report into Station commands.
// Layer: hw.
//
// Threads: apply(), clear_fault() and machines_changed() run on the station thread and only
// queue work for the links (they never block on a port). Link events arrive on each link's
// thread and are posted to the Station (post_async) or queued back to that link.
//
// Mapping: a core::ControllerConfig names a port (or a USB serial number, found as
// /dev/etabli/controller-SERIAL, the name our udev rule gives) and the machine of each
// channel by name (or "#ID"). A machine of the engine with no channel is simply not switched.
//
// Power (the engine's actions): power_on -> SET_POLICY (from MachineRules::host_loss; the
// firmware takes it only while the relay is off) then GRANT(channel, session, lease);
// renew_lease -> GRANT of the same session; power_off -> REVOKE. Leases are short (1.5 s) and
// renewed by the link's heartbeats, so a dead station loses the machine within the lease.
//
// After the link comes (back) up, the manager asks for STATUS and reconciles: a channel whose
// session still holds its relay is renewed; one the firmware cut meanwhile ends its session
// (ControllerLeaseLost) instead of being switched back on behind the member's back; a relay
// on without a session is revoked. A new boot id ends every session of that controller.
#pragma once

#include <etabli/app/station.hpp>
#include <etabli/core/config.hpp>
#include <etabli/hw/controller_link.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace etabli::hw {

struct ControllerOptions {
    std::chrono::milliseconds lease{1500};        // three heartbeats; a dead station loses power within it
    std::uint16_t idle_ma = 300;                  // until-idle: below this the machine is idle
    std::chrono::milliseconds idle_time{60000};   // until-idle: idle this long -> cut
    LinkTiming timing{};
    // Where a controller given by serial number is found (udev rule: /dev/etabli/controller-SERIAL).
    std::string by_serial_dir = "/dev/etabli";
};

// The port path a configuration designates.
std::string controller_port(const core::ControllerConfig& c, const ControllerOptions& o);

// etb policy of a machine (clamped to what the firmware accepts).
etb_policy policy_for(std::uint8_t channel, const alloc::MachineRules& rules, const ControllerOptions& o);

class ControllerManager final : public app::MachineControl {
public:
    // Events become commands posted to `station`, which must outlive the manager.
    ControllerManager(app::Station& station, std::vector<core::ControllerConfig> config, ControllerOptions opts = {});
    ~ControllerManager() override;  // stop()

    // Starts one link thread per controller. Call after Station::set_machine_control and
    // before or after Station::start (power actions queued before the link is up are
    // reconciled when it comes up).
    void start();
    // Closes every port without revoking anything (as a station that died would).
    void stop();

    // app::MachineControl (station thread)
    void apply(const alloc::Action& a) override;
    void clear_fault(alloc::MachineId machine) override;
    void machines_changed(const std::vector<alloc::Machine>& machines) override;

    // Tests and the CLI: the current view of every controller (any thread).
    std::vector<app::ControllerView> views() const;

private:
    struct Channel {
        std::uint8_t index = 0;
        std::string machine_name;              // as configured
        std::optional<alloc::MachineId> machine;
        alloc::MachineRules rules{};
        std::optional<std::uint32_t> session;  // granted (desired on)
        std::optional<std::uint32_t> at_up;    // `session` when the link last came up
        app::ControllerChannelView view;
    };
    struct Controller {
        std::size_t index = 0;
        std::string name;
        std::string port;
        std::vector<Channel> channels;
        app::ControllerView view;
        bool reconcile = false;                // the next STATUS reconciles (after up)
        std::unique_ptr<ControllerLink> link;
    };

    void on_event(std::size_t controller, const LinkEvent& e);  // link thread
    void publish(const Controller& c);                          // mutex held
    Channel* channel_of(alloc::MachineId machine, Controller** owner);  // mutex held

    app::Station& m_station;
    ControllerOptions m_opts;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Controller>> m_controllers;
};

}  // namespace etabli::hw
