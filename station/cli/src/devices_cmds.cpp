// The device commands and the station's etabli.toml (see devices_cmds.hpp). Layer: cli.
// Main thread; readers and the USB event thread post from their own threads.
//
// [SECTION] index
//   Config file      where, load, save (temp + rename)
//   Station readers  UsbContext + DeviceManager wired to the Station
//   devices          what is plugged, its role, live taps with --watch
//   enrol            the next device that types digits + Enter gets the role
#include "io.hpp"
#include "devices_cmds.hpp"

#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/reader_enrol.hpp>
#include <etabli/hw/usb_context.hpp>
#include <etabli/hw/usb_devices.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
namespace fs = std::filesystem;

// [SECTION] Config file
fs::path default_config_path() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return fs::path(x) / "etabli" / "etabli.toml";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".config" / "etabli" / "etabli.toml";
    return "etabli.toml";
}

std::expected<core::Config, core::Problem> load_config(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return core::Config{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::unexpected(problem("Cannot read the configuration file {0}", {path.string()}));
    std::string text;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > (1u << 20)) return std::unexpected(problem("The configuration file {0} is larger than 1 MB", {path.string()}));
    }
    return core::parse_config(text);
}

std::expected<void, core::Problem> save_config(const fs::path& path, const core::Config& c) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    const fs::path tmp = path.string() + ".tmp";
    const std::string text = core::to_toml(c);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return std::unexpected(problem("Cannot write the configuration file {0}", {path.string()}));
    std::size_t done = 0;
    bool ok = true;
    while (ok && done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) ok = false;
        else done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return std::unexpected(problem("Cannot write the configuration file {0}", {path.string()}));
    }
    return {};
}

// [SECTION] Station readers
namespace {

// "etabli: /etc/.../etabli.toml: Configuration line 3: ..." (the detail translated).
int fail_config(Context& ctx, const fs::path& path, const core::Problem& p) {
    cli_err() << "etabli: " << path.string() << ": " << ctx.render(p) << '\n';
    return kBadInput;
}

class Readers final : public StationReaders {
public:
    std::unique_ptr<hw::UsbContext> usb;  // outlives the manager's transports
    std::unique_ptr<hw::DeviceManager> manager;
    ~Readers() override {
        manager.reset();  // closes every transport before the context goes
        usb.reset();
    }
};

hw::DeviceManager::Sources sources_for(hw::UsbContext* usb, const core::Config& config) {
    hw::DeviceManager::Sources src;
    if (usb) {
        src.enumerate = [usb, config] {
            // Strings (serial) only from devices that could be ours: vendor or port matches.
            return usb->enumerate([&](const hw::UsbDeviceInfo& d) {
                return std::any_of(config.readers.begin(), config.readers.end(), [&](const core::ReaderConfig& r) {
                    return (r.match.vendor && *r.match.vendor == d.vendor) || (r.match.port && *r.match.port == d.port_path);
                });
            });
        };
    }
    src.transport = [usb](const core::ReaderConfig& r, const hw::UsbDeviceInfo* d) -> std::unique_ptr<hw::ReaderTransport> {
        if (r.driver == core::ReaderDriver::evdev) return std::make_unique<hw::EvdevTransport>(r.device);
        if (!usb || !d) return nullptr;
        return usb->reader_transport(*d);
    };
    return src;
}

std::unique_ptr<Readers> make_readers(const core::Config& config, hw::BadgeReader::Post post, hw::BadgeReader::Log log) {
    auto readers = std::make_unique<Readers>();
    const bool any_usb = std::any_of(config.readers.begin(), config.readers.end(),
                                     [](const auto& r) { return r.driver == core::ReaderDriver::libusb; });
    if (any_usb) {
        auto usb = hw::UsbContext::create();
        if (usb) readers->usb = std::move(*usb);
        else if (log) log("usb", usb.error());
    }
    readers->manager = std::make_unique<hw::DeviceManager>(config, sources_for(readers->usb.get(), config), std::move(post), log);
    if (readers->usb) {
        hw::DeviceManager* m = readers->manager.get();
        readers->usb->watch([m] { m->notify(); });
    }
    readers->manager->start();
    return readers;
}

}  // namespace

std::expected<std::unique_ptr<StationReaders>, int> start_station_readers(Context& ctx, const fs::path& path) {
    auto config = load_config(path);
    if (!config) return std::unexpected(fail_config(ctx, path, config.error()));
    if (config->readers.empty()) return std::unique_ptr<StationReaders>{};
    app::Station* station = ctx.station;
    auto log = [&ctx](const std::string& reader, const core::Problem& p) {
        cli_err() << "etabli: " << reader << ": " << ctx.render(p) << '\n';
    };
    // Each machine reader's machine, by number or name, resolved to its id now: the
    // station then never looks a reader up by name. One not found is said at once, and its
    // badges are refused until etabli.toml names an existing machine.
    const auto snap = station->snapshot();
    for (auto& r : config->readers) {
        if (r.role.kind != core::ReaderRole::Kind::machine) continue;
        auto lower = [](std::string s) {
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        for (const auto& m : snap->machines)  // a number names the machine of that number
            if (std::to_string(m.machine.id) == r.role.machine) r.role.resolved = m.machine.id;
        if (!r.role.resolved)
            for (const auto& m : snap->machines)  // names are unique (case aside)
                if (lower(m.machine.name) == lower(r.role.machine)) {
                    r.role.resolved = m.machine.id;
                    break;
                }
        if (!r.role.resolved)
            log(r.role.to_string(), core::problem("No machine is called or numbered \"{0}\": this reader's badges are refused until etabli.toml names an existing machine",
                                                  {r.role.machine}));
    }
    return std::unique_ptr<StationReaders>(
        make_readers(*config, [station](app::Command c) { station->post_async(std::move(c), 0); }, log));
}

// [SECTION] devices
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted = true; }

std::string role_of(const core::Config& c, const hw::UsbDeviceInfo& d) {
    auto i = hw::match_reader(c, d);
    return i ? c.readers[*i].role.to_string() : std::string{};
}

json device_json(const core::Config& c, const hw::UsbDeviceInfo& d) {
    return json{{"id", d.id()}, {"name", d.name}, {"serial", d.serial}, {"port", d.port_path},
                {"keyboard", d.boot_keyboard_interface >= 0}, {"role", role_of(c, d)},
                {"permission_denied", d.strings_denied}};
}

int cmd_devices(Context& ctx, const fs::path& path, bool watch) {
    auto config = load_config(path);
    if (!config) return fail_config(ctx, path, config.error());
    auto usb = hw::UsbContext::create();
    if (!usb) return ctx.fail(kBadInput, usb.error());
    // Strings from keyboards (the candidates) and configured devices only.
    auto list = (*usb)->enumerate([&](const hw::UsbDeviceInfo& d) { return d.boot_keyboard_interface >= 0 || hw::match_reader(*config, d); });
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.port_path < b.port_path; });
    if (ctx.json) {
        json arr = json::array();
        for (const auto& d : list) arr.push_back(device_json(*config, d));
        json readers = json::array();
        for (const auto& r : config->readers) {
            bool plugged = r.driver == core::ReaderDriver::evdev ? fs::exists(r.device)
                                                                  : std::any_of(list.begin(), list.end(), [&](const auto& d) { return hw::matches(r.match, d); });
            readers.push_back(json{{"role", r.role.to_string()}, {"driver", r.driver == core::ReaderDriver::evdev ? "evdev" : "libusb"},
                                   {"profile", std::string(core::to_string(r.profile))}, {"plugged", plugged}});
        }
        cli_out() << json{{"config", path.string()}, {"devices", arr}, {"readers", readers}}.dump() << '\n';
    } else {
        cli_out() << ctx.t("Configuration:") << ' ' << path.string() << '\n';
        for (const auto& d : list) {
            const auto role = role_of(*config, d);
            cli_out() << d.id() << "  " << d.port_path << "  " << (d.name.empty() ? "-" : d.name) << "  "
                      << (d.serial.empty() ? "-" : d.serial) << "  "
                      << (role.empty() ? (d.boot_keyboard_interface >= 0 ? ctx.t("keyboard, not configured (left to the kiosk)") : std::string("-")) : role);
            if (d.strings_denied) cli_out() << "  " << ctx.t("(permission denied: install the udev rule)");
            cli_out() << '\n';
        }
        for (const auto& r : config->readers) {
            const bool plugged = r.driver == core::ReaderDriver::evdev ? fs::exists(r.device)
                                                                       : std::any_of(list.begin(), list.end(), [&](const auto& d) { return hw::matches(r.match, d); });
            if (!plugged) cli_out() << r.role.to_string() << ": " << ctx.t("configured, not plugged in") << '\n';
        }
    }
    if (!watch) return kDone;
    usb->reset();  // the readers get their own context

    // Live: run the readers as the station would and print each tap instead of posting it.
    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    std::mutex out;
    auto readers = make_readers(
        *config,
        [&](app::Command c) {
            std::lock_guard lk(out);
            if (auto* b = std::get_if<app::BadgeSeen>(&c)) {
                if (ctx.json) cli_out() << json{{"tap", b->uid}, {"reader", b->reader.name()}}.dump() << std::endl;
                else cli_out() << b->reader.name() << "  " << b->uid << std::endl;
            } else if (auto* t = std::get_if<app::ToolScanned>(&c)) {
                if (ctx.json) cli_out() << json{{"scan", t->tag}}.dump() << std::endl;
                else cli_out() << "scanner  " << t->tag << std::endl;
            }
        },
        [&](const std::string& reader, const core::Problem& p) {
            std::lock_guard lk(out);
            cli_err() << "etabli: " << reader << ": " << ctx.render(p) << std::endl;
        });
    while (!g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return kDone;
}

// [SECTION] enrol
int cmd_enrol(Context& ctx, const fs::path& path, const std::string& role_text, const std::string& profile_text, int timeout) {
    auto role = core::reader_role_from_string(role_text);
    if (!role) return ctx.fail(kBadInput, problem("Unknown role \"{0}\": use kiosk, machine:NAME or scanner", {role_text}));
    auto profile = core::badge_format_from_string(profile_text);
    if (!profile) return ctx.fail(kBadInput, problem("Unknown badge format \"{0}\": use raw, dec10, dec10-reversed, wiegand26 or hex", {profile_text}));
    auto config = load_config(path);
    if (!config) return fail_config(ctx, path, config.error());

    // Every input device, read without grabbing: nothing is taken from anyone; the one that
    // types digits and Enter is the reader (hw/reader_enrol, as the kiosk's enrolment).
    auto cands = hw::open_input_candidates();
    if (!cands) return ctx.fail(kBadInput, cands.error());
    cli_out() << ctx.t("Tap a badge on the reader to enrol...") << std::endl;
    std::signal(SIGINT, on_sigint);  // Ctrl-C stops the wait like the timeout
    std::signal(SIGTERM, on_sigint);
    auto captured = hw::capture_enrol_line(std::move(*cands), std::chrono::steady_clock::now() + std::chrono::seconds(timeout),
                                           g_interrupted);
    if (!captured) return ctx.fail(kBadInput, captured.error());
    auto uid = core::canonical_uid(*profile, captured->line);
    if (!uid) return ctx.fail(kBadInput, uid.error());
    auto match = hw::usb_identity(captured->node);
    if (!match) return ctx.fail(kBadInput, problem("The device {0} is not a USB device: configure it with driver = \"evdev\"", {captured->node}));

    core::ReaderConfig r;
    r.role = *role;
    r.match = *match;
    r.profile = *profile;
    // The same device enrolled again gets the new role instead of a second entry.
    auto same = std::find_if(config->readers.begin(), config->readers.end(), [&](const auto& x) { return x.match == r.match; });
    if (same != config->readers.end()) *same = r;
    else config->readers.push_back(r);
    if (auto s = save_config(path, *config); !s) return ctx.fail(kStorage, s.error());
    if (ctx.json) {
        cli_out() << json{{"role", r.role.to_string()}, {"uid", *uid}, {"config", path.string()}}.dump() << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t("Reader bound to {0} (badge {1}); written to {2}"), {r.role.to_string(), *uid, path.string()}) << '\n';
    }
    return kDone;
}

}  // namespace

DevicesCommands::DevicesCommands(CLI::App& app) {
    if (!app.get_option_no_throw("--config"))
        app.add_option("--config", m_config, "Station configuration (default: $XDG_CONFIG_HOME/etabli/etabli.toml)");
    m_devices = app.add_subcommand("devices", "Badge readers and scanners: what is plugged, its role; enrol a reader");
    m_devices->add_flag("--watch", m_watch, "Keep running and print every tap (Ctrl-C to stop)");
    m_enrol = m_devices->add_subcommand("enrol", "Bind the next reader on which a badge is tapped to a role, in the configuration");
    m_enrol->add_option("--role", m_role, "kiosk, machine:NAME (or machine:ID) or scanner")->required();
    m_enrol->add_option("--profile", m_profile, "Badge format: raw, dec10, dec10-reversed, wiegand26 or hex")->default_val("raw");
    m_enrol->add_option("--timeout", m_timeout, "Seconds to wait for a badge")->default_val(60);
}

std::optional<int> DevicesCommands::run(Context& ctx) {
    // (served: the service's own file, set by execute, stays)
    if (!ctx.served) ctx.config = config_path();  // for every command that reads etabli.toml (kiosk, controllers)
    if (m_enrol->parsed()) return cmd_enrol(ctx, config_path(), m_role, m_profile, m_timeout);
    if (m_devices->parsed()) return cmd_devices(ctx, config_path(), m_watch);
    return std::nullopt;
}

}  // namespace etabli::cli
