// The device commands of the command line: `etabli devices [--watch]`, `etabli devices
// enrol --role ...`, the global `--config PATH`, and the station's etabli.toml: where it is,
// reading it (a bad file stops the station), writing it back safely, and the readers the kiosk
// and `serve` run. Layer: cli. Main thread (readers run on their own threads).
#pragma once

#include "context.hpp"

#include <etabli/core/config.hpp>

#include <CLI/CLI.hpp>

#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace etabli::cli {

// --config, else $XDG_CONFIG_HOME/etabli/etabli.toml, else ~/.config/etabli/etabli.toml.
std::filesystem::path default_config_path();
// A missing file is an empty configuration (no readers: the kiosk keyboard only); a file that
// cannot be read or parsed is a Problem naming the file, the line, the key.
std::expected<core::Config, core::Problem> load_config(const std::filesystem::path& path);
// Writes through a temporary file in the same folder, then renames: a crash leaves the old
// file or the new one, never half of one.
std::expected<void, core::Problem> save_config(const std::filesystem::path& path, const core::Config& c);

// The configured readers running for a started Station (kiosk, serve): libusb context + device
// manager. Destroy before the Station.
class StationReaders {
public:
    virtual ~StationReaders() = default;
};
// Loads the configuration and starts its readers, posting to ctx.station. A bad file: prints
// the problem, returns the exit code (the station must not start half-configured).
std::expected<std::unique_ptr<StationReaders>, int> start_station_readers(Context& ctx, const std::filesystem::path& config);

class DevicesCommands {
public:
    explicit DevicesCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);
    std::filesystem::path config_path() const { return m_config.empty() ? default_config_path() : std::filesystem::path(m_config); }

private:
    std::string m_config, m_role, m_profile = "raw";
    bool m_watch = false;
    int m_timeout = 60;
    CLI::App *m_devices = nullptr, *m_enrol = nullptr;
};

}  // namespace etabli::cli
