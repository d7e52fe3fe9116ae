// The controller commands of the command line: `etabli controller list [--port P]...`
// (port, firmware, boot id, channels, link state; --json) and `etabli controller test PORT
// CHANNEL` (closes one relay for 2 s, for wiring checks). Also starts the configured
// controllers for the kiosk and `serve`. Layer: cli. Main thread (links run on their own).
#pragma once

#include "context.hpp"

#include <etabli/core/config.hpp>
#include <etabli/hw/controller_manager.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class ControllerCommands {
public:
    explicit ControllerCommands(CLI::App& app);
    // `config` is the station's etabli.toml (its [[controller]] sections).
    std::optional<int> run(Context& ctx, const std::filesystem::path& config);

private:
    std::vector<std::string> m_ports;
    std::string m_port;
    int m_channel = 0;
    int m_seconds = 2;
    CLI::App *m_list = nullptr, *m_test = nullptr;
};

}  // namespace etabli::cli
