// The machine controllers a running station drives, wired for `etabli kiosk`: the
// [[controller]] sections of etabli.toml, plus the fake demo board under --demo. They are made
// and set as the Station's MachineControl before Station::start() (Context::before_start),
// and their links started after it. A port that is missing or refused never stops the kiosk:
// its controller shows as link down, with the reason, and is retried. Layer: cli. Main thread
// (the links and the demo board run on their own threads).
#pragma once

#include "context.hpp"
#include "demo_board.hpp"

#include <etabli/core/config.hpp>
#include <etabli/hw/controller_manager.hpp>

#include <memory>
#include <vector>

namespace etabli::cli {

class StationControllers {
public:
    // The controllers of `config` (and `demo`, when given, after them) for `station`, set as
    // its MachineControl. Null when there is none.
    static std::shared_ptr<StationControllers> attach(app::Station& station, const core::Config& config,
                                                      std::unique_ptr<DemoBoard> demo = nullptr,
                                                      hw::ControllerOptions opts = {});
    ~StationControllers();  // stop(), then the demo board

    void start();  // after Station::start()
    // Closes every port without revoking (the boards' host-loss policies apply) and stops the
    // link threads: call before the Station stops, so that no link posts to it any more.
    void stop();

    hw::ControllerManager& manager() { return *m_manager; }
    DemoBoard* demo_board() { return m_demo.get(); }

private:
    StationControllers() = default;
    std::unique_ptr<DemoBoard> m_demo;  // declared first: outlives the manager's links
    std::unique_ptr<hw::ControllerManager> m_manager;
};

// For `etabli kiosk`: sets ctx.before_start so that open_station() attaches the controllers
// of ctx.config (a file that does not load is left to the readers' check, which stops the
// kiosk with the problem) and, with `demo`, a demo board (one that cannot start is reported
// on stderr and left out). `out` receives them (null when none).
void wire_station_controllers(Context& ctx, bool demo, std::shared_ptr<StationControllers>& out);

}  // namespace etabli::cli
