// The machine controllers' events and the hosts' fault clearing: the feature is in station_controllers.cpp.
// Layer: app. Commands are built on any thread and posted; the feature runs on the Station thread.
#pragma once

#include <etabli/app/views.hpp>
#include <etabli/app/feature_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// [Controller events] Posted by hw's ControllerManager from its link threads; handled in
// station_controllers.cpp. Machines are ids the manager resolved from the configured names.
struct ControllerUpdate { ControllerView view; };  // link state or channel status changed: replaces the view of that name
struct ControllerReset {                           // a new boot id: the board reset, every relay is off
    std::string controller;
    std::vector<alloc::MachineId> machines;        // their sessions end
};
struct ControllerFault { alloc::MachineId machine = 0; };  // feedback fault latched: session ends, machine out of order
struct ControllerLeaseLost { alloc::MachineId machine = 0; };  // the firmware cut the relay by itself: session ends
struct ControllerCurrent { alloc::MachineId machine = 0; bool running = false; };
// A host cleared the cause of a fault: the controller forgets it and the machine is back in service.
struct ClearMachineFault { alloc::MachineId machine = 0; std::optional<core::MemberId> actor; };

// The feature's descriptor (registered in features.hpp).
struct ControllersFeature {
    using commands = type_list<ControllerUpdate, ControllerReset, ControllerFault, ControllerLeaseLost, ControllerCurrent, ClearMachineFault>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
