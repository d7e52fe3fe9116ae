// The machine controllers of a running station (see kiosk_controllers.hpp). Layer: cli. Main
// thread.
#include "io.hpp"
#include "kiosk_controllers.hpp"
#include "controller_cmds.hpp"
#include "devices_cmds.hpp"

#include <iostream>

namespace etabli::cli {

std::shared_ptr<StationControllers> StationControllers::attach(app::Station& station, const core::Config& config,
                                                               std::unique_ptr<DemoBoard> demo,
                                                               hw::ControllerOptions opts) {
    std::shared_ptr<StationControllers> sc(new StationControllers());
    std::vector<core::ControllerConfig> list = config.controllers;
    if (demo) {
        list.push_back(demo->config());
        sc->m_demo = std::move(demo);
    }
    if (list.empty()) return nullptr;
    sc->m_manager = std::make_unique<hw::ControllerManager>(station, std::move(list), std::move(opts));
    station.set_machine_control(sc->m_manager.get());
    return sc;
}

StationControllers::~StationControllers() {
    stop();
    m_manager.reset();
    m_demo.reset();
}

void StationControllers::start() {
    if (m_manager) m_manager->start();
}

void StationControllers::stop() {
    if (m_manager) m_manager->stop();
}

void wire_station_controllers(Context& ctx, bool demo, std::shared_ptr<StationControllers>& out) {
    ctx.before_start = [&ctx, demo, &out](app::Station& station) -> std::shared_ptr<void> {
        auto config = load_config(ctx.config);
        std::unique_ptr<DemoBoard> board;
        if (demo) {
            auto b = DemoBoard::start();
            if (b)
                board = std::move(*b);
            else
                cli_err() << "etabli: " << ctx.render(b.error()) << '\n';
        }
        out = StationControllers::attach(station, config ? *config : core::Config{}, std::move(board));
        return out;
    };
}

}  // namespace etabli::cli
