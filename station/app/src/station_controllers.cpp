// The Station's side of machine controllers: what a controller event means for the
// sessions and machines, and the controller part of the snapshot. Layer: app. Station thread
// only (called from Station::handle and Station::publish).
//
// Choices: a latched feedback fault puts the machine out of order in the store (the board
// shows it and the engine refuses access until a host clears it); a board reset and a relay
// the firmware cut by itself both end the session, because the member lost power and must
// badge again rather than see the machine restart under them.
#include <etabli/app/station.hpp>

#include "legacy_features.hpp"

#include <algorithm>

namespace etabli::app {

using core::problem;

namespace {

constexpr std::size_t kMaxMessages = 8;

}  // namespace

Result Station::handle_controllers(const Command& c) {
    const auto now = m_clock.now();
    alloc::Engine* eng = engine();
    auto machine_name = [&](alloc::MachineId id) -> std::string {
        const auto* m = eng ? eng->machine(id) : nullptr;
        return m ? m->name : "#" + std::to_string(id);
    };
    auto say = [&](std::optional<alloc::MachineId> machine, core::Problem text) {
        m_controller_messages.push_back(ControllerMessage{machine, std::move(text), now});
        if (m_controller_messages.size() > kMaxMessages)
            m_controller_messages.erase(m_controller_messages.begin());
    };
    // Ends the session on `machine` (if any) for a controller reason: no actor check.
    auto end_session = [&](alloc::MachineId machine, alloc::SessionEnd why) -> Result {
        if (!eng || !eng->session_on(machine)) return Done{};
        engine_tick(now);
        if (!eng->session_on(machine)) return Done{};
        return commit(eng->end_session(machine, kCommandLine, why, now), std::nullopt);
    };
    auto set_channel = [&](alloc::MachineId machine, auto&& fn) {
        for (auto& v : m_controller_views)
            for (auto& ch : v.channel_views)
                if (ch.machine == machine) fn(ch);
    };

    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, ControllerUpdate>) {
                auto it = std::find_if(m_controller_views.begin(), m_controller_views.end(),
                                       [&](const auto& v) { return v.name == cmd.view.name; });
                const bool was_up = it != m_controller_views.end() && it->up;
                if (was_up && !cmd.view.up) say(std::nullopt, problem("Controller {0} is not answering", {cmd.view.name}));
                if (it == m_controller_views.end()) {
                    m_controller_views.push_back(cmd.view);
                    std::sort(m_controller_views.begin(), m_controller_views.end(),
                              [](const auto& a, const auto& b) { return a.name < b.name; });
                } else {
                    *it = cmd.view;
                }
                return Done{};
            } else if constexpr (std::is_same_v<T, ControllerReset>) {
                for (auto machine : cmd.machines) {
                    if (!eng || !eng->session_on(machine)) continue;
                    if (auto r = end_session(machine, alloc::SessionEnd::fault); !r) return r;
                    say(machine, problem("{0}: the controller restarted, the session ended", {machine_name(machine)}));
                }
                return Done{};
            } else if constexpr (std::is_same_v<T, ControllerFault>) {
                set_channel(cmd.machine, [](ControllerChannelView& ch) { ch.fault = true; });
                if (auto r = end_session(cmd.machine, alloc::SessionEnd::fault); !r) return r;
                const auto* m = eng ? eng->machine(cmd.machine) : nullptr;
                if (m && m->status != alloc::MachineStatus::out_of_order) {
                    if (auto r = handle_alloc(SetMachineStatus{cmd.machine, alloc::MachineStatus::out_of_order, std::nullopt}); !r)
                        return r;
                }
                say(cmd.machine, problem("{0}: contact fault, call a host", {machine_name(cmd.machine)}));
                return Done{};
            } else if constexpr (std::is_same_v<T, ControllerLeaseLost>) {
                if (!eng || !eng->session_on(cmd.machine)) return Done{};
                if (auto r = end_session(cmd.machine, alloc::SessionEnd::station_down); !r) return r;
                say(cmd.machine, problem("{0}: the controller cut the power, the session ended", {machine_name(cmd.machine)}));
                return Done{};
            } else if constexpr (std::is_same_v<T, ControllerCurrent>) {
                set_channel(cmd.machine, [&](ControllerChannelView& ch) { ch.running = cmd.running; });
                return Done{};
            } else if constexpr (std::is_same_v<T, ClearMachineFault>) {
                if (!eng || !eng->machine(cmd.machine))
                    return std::unexpected(problem("No machine has the number {0}", {std::to_string(cmd.machine)}));
                // Putting the machine back in service checks that the actor is a host.
                if (auto r = handle_alloc(SetMachineStatus{cmd.machine, alloc::MachineStatus::available, cmd.actor}); !r)
                    return r;
                if (m_control) m_control->clear_fault(cmd.machine);
                set_channel(cmd.machine, [](ControllerChannelView& ch) { ch.fault = false; });
                std::erase_if(m_controller_messages, [&](const auto& msg) { return msg.machine == cmd.machine; });
                return Done{};
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

void Station::publish_controllers(Snapshot& snap) const {
    snap.controllers = m_controller_views;
    snap.controller_messages = m_controller_messages;
}

// [SECTION] The feature: the Station reaches this file only through it.
std::unique_ptr<Feature> LegacyFeatures::controllers(Station& s) {
    struct Controllers final : Feature {
        Station& s;
        explicit Controllers(Station& st) : s(st) {}
        Result handle(const Command& c) override { return s.handle_controllers(c); }
        void publish(Snapshot& snap) override { s.publish_controllers(snap); }
    };
    return std::make_unique<Controllers>(s);
}
std::unique_ptr<Feature> ControllersFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::controllers(s); }

}  // namespace etabli::app
