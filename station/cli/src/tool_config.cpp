// The Station's options from etabli.toml: the tool library's lending rules of its [tools]
// section, the same for the kiosk, `serve` and every command line that opens the
// station. Layer: cli. Main thread, before the Station starts.
#include "devices_cmds.hpp"
#include "tool_cmds.hpp"

namespace etabli::cli {

std::expected<app::Station::Options, core::Problem> station_options(const Context& ctx) {
    app::Station::Options opts;
    // No file is no rule changed; a file that does not parse stops here, with its line: a
    // lending rule silently back to its default would surprise the workshop.
    auto config = load_config(ctx.config.empty() ? default_config_path() : ctx.config);
    if (!config) return std::unexpected(config.error());
    if (config->tools) opts.tool_rules = *config->tools;
    if (config->privacy) opts.privacy = *config->privacy;
    if (config->bikes) {
        opts.bikes = *config->bikes;
        opts.bike_register = true;
    }
    if (config->smtp) opts.remind_days = config->smtp->remind_days;
    return opts;
}

}  // namespace etabli::cli
