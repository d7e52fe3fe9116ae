// The controller commands of the command line (see controller_cmds.hpp). Layer: cli. Main
// thread: `list` and `test` drive a LinkProtocol themselves, synchronously, on the real clock.
#include "io.hpp"
#include "controller_cmds.hpp"
#include "devices_cmds.hpp"

#include <etabli/hw/controller_link.hpp>
#include <etabli/hw/serial_port.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <iostream>
#include <thread>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

constexpr std::uint32_t kTestSession = 0x7E57u;  // "test": never a station session id in practice

std::string hex32(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

// A controller driven from the command line: one port, one LinkProtocol, the real clock.
class Session {
public:
    explicit Session(std::string port) : m_port_name(std::move(port)), m_link(m_port_name) {}

    std::optional<core::Problem> open() {
        auto p = hw::SerialPort::open(m_port_name);
        if (!p) return p.error();
        m_port = std::move(*p);
        m_link.open(steady_clock::now());
        return std::nullopt;
    }
    // Runs the link until `done` says so (it sees every event) or `limit` passes; with
    // `heartbeats` false, poll() is not called once the link is up (a relay test must
    // let its lease run out rather than renew it).
    std::optional<core::Problem> drive(const std::function<bool(const hw::LinkEvent&)>& done, milliseconds limit,
                                       bool heartbeats = true) {
        const auto end = steady_clock::now() + limit;
        while (steady_clock::now() < end) {
            if (heartbeats || !m_link.up() || m_link.queued() > 0) m_link.poll(steady_clock::now());
            auto out = m_link.take_output();
            if (!out.empty())
                if (auto w = m_port.write_all(out, milliseconds{200}); !w) return w.error();
            std::uint8_t buf[256];
            auto got = m_port.read(buf, milliseconds{5});
            if (!got) return got.error();
            if (*got > 0) m_link.on_bytes(std::span<const std::uint8_t>(buf, *got), steady_clock::now());
            for (const auto& e : m_link.take_events()) {
                if (e.kind == hw::LinkEvent::Kind::refused) return e.problem;
                if (done(e)) return std::nullopt;
            }
        }
        return problem("Controller {0} is not answering", {m_port_name});
    }
    hw::LinkProtocol& link() { return m_link; }

private:
    std::string m_port_name;
    hw::SerialPort m_port;
    hw::LinkProtocol m_link;
};

struct ProbeResult {
    std::string name, port;
    std::optional<etb_hello_reply> hello;
    std::optional<etb_status> status;
    std::optional<core::Problem> problem;
    std::vector<std::string> machines;
};

ProbeResult probe(const std::string& name, const std::string& port) {
    ProbeResult r{name, port, {}, {}, {}, {}};
    Session s(port);
    if (auto p = s.open()) {
        r.problem = p;
        return r;
    }
    r.problem = s.drive(
        [&](const hw::LinkEvent& e) {
            if (e.kind == hw::LinkEvent::Kind::up) {
                r.hello = e.hello;
                s.link().get_status();
            }
            if (e.kind == hw::LinkEvent::Kind::status) r.status = e.status;
            return r.status.has_value();
        },
        milliseconds{2000});
    return r;
}

std::string state_name(std::uint8_t s) {
    switch (s) {
        case ETB_STATE_LEASED: return "leased";
        case ETB_STATE_GRACE: return "grace";
        case ETB_STATE_UNTIL_IDLE: return "until-idle";
        default: return "off";
    }
}

}  // namespace

ControllerCommands::ControllerCommands(CLI::App& app) {
    auto* ctl = app.add_subcommand("controller", "Machine controllers (relay boards on USB serial)");
    m_list = ctl->add_subcommand("list", "Configured controllers: port, firmware, boot id, channels, link state");
    m_list->add_option("--port", m_ports, "Also probe this serial port (repeatable)");
    m_test = ctl->add_subcommand("test", "Close one relay for a moment (wiring check; the station must not be driving it)");
    m_test->add_option("PORT", m_port, "Serial port, e.g. /dev/etabli/controller-A10KZ3QP")->required();
    m_test->add_option("CHANNEL", m_channel, "Channel, from 0")->required()->check(CLI::Range(0, 3));
    m_test->add_option("--seconds", m_seconds, "How long (default 2)")->check(CLI::Range(1, 30));
}

std::optional<int> ControllerCommands::run(Context& ctx, const std::filesystem::path& config_path) {
    if (m_list->parsed()) {
        std::vector<ProbeResult> results;
        auto config = load_config(config_path);
        if (!config) return ctx.fail(kBadInput, config.error());
        hw::ControllerOptions opts;
        for (const auto& c : config->controllers) {
            auto r = probe(c.serial.empty() ? c.port : c.serial, hw::controller_port(c, opts));
            r.machines = c.channels;
            results.push_back(std::move(r));
        }
        for (const auto& p : m_ports) results.push_back(probe(p, p));
        if (ctx.json) {
            json arr = json::array();
            for (const auto& r : results) {
                json j{{"name", r.name}, {"port", r.port}, {"up", r.hello.has_value() && !r.problem}};
                if (r.hello) {
                    j["firmware"] = fmt::format("{}.{}.{}", r.hello->fw_major, r.hello->fw_minor, r.hello->fw_patch);
                    j["protocol"] = fmt::format("{}.{}", r.hello->major, r.hello->minor);
                    j["boot_id"] = hex32(r.hello->boot_id);
                    j["board_id"] = r.hello->board_id;
                    j["channels"] = r.hello->channels;
                    j["host_build"] = (r.hello->caps & ETB_CAP_HOST_BUILD) != 0;
                }
                if (r.status) {
                    json chs = json::array();
                    for (std::uint8_t i = 0; i < r.status->count; ++i) {
                        const auto& c = r.status->ch[i];
                        json cj{{"channel", i},
                                {"relay", (c.flags & ETB_CH_RELAY) != 0},
                                {"feedback", (c.flags & ETB_CH_FEEDBACK) != 0},
                                {"fault", (c.flags & ETB_CH_FAULT) != 0},
                                {"current_ma", c.current_ma},
                                {"state", state_name(c.state)}};
                        if (i < r.machines.size()) cj["machine"] = r.machines[i];
                        chs.push_back(cj);
                    }
                    j["channel_status"] = chs;
                }
                if (r.problem) j["problem"] = ctx.render(*r.problem);
                arr.push_back(j);
            }
            cli_out() << arr.dump(2) << '\n';
        } else {
            if (results.empty()) cli_out() << ctx.t("No controller is configured") << '\n';
            for (const auto& r : results) {
                cli_out() << r.name;
                if (r.name != r.port) cli_out() << "  " << r.port;
                if (r.hello && !r.problem) {
                    cli_out() << "  " << ctx.t("up") << "  firmware " << int(r.hello->fw_major) << '.'
                              << int(r.hello->fw_minor) << '.' << int(r.hello->fw_patch) << "  boot "
                              << hex32(r.hello->boot_id) << "  " << int(r.hello->channels) << ' ' << ctx.t("channels")
                              << '\n';
                } else {
                    cli_out() << "  " << ctx.t("down") << "  " << (r.problem ? ctx.render(*r.problem) : "") << '\n';
                }
                if (!r.status) continue;
                for (std::uint8_t i = 0; i < r.status->count; ++i) {
                    const auto& c = r.status->ch[i];
                    cli_out() << "  " << int(i) << "  " << (i < r.machines.size() ? r.machines[i] : "-") << "  "
                              << ((c.flags & ETB_CH_RELAY) ? ctx.t("relay on") : ctx.t("relay off"))
                              << ((c.flags & ETB_CH_FAULT) ? "  " + ctx.t("contact fault") : "") << "  "
                              << c.current_ma << " mA\n";
                }
            }
        }
        const bool all_up = std::all_of(results.begin(), results.end(), [](const auto& r) { return !r.problem; });
        return all_up ? kDone : kRefused;
    }
    if (m_test->parsed()) {
        Session s(m_port);
        if (auto p = s.open()) return ctx.fail(kBadInput, *p);
        if (auto p = s.drive([](const hw::LinkEvent& e) { return e.kind == hw::LinkEvent::Kind::up; }, milliseconds{2000}))
            return ctx.fail(kBadInput, *p);
        const auto ch = static_cast<std::uint8_t>(m_channel);
        const auto lease = static_cast<std::uint32_t>(m_seconds * 1000);
        etb_policy cut{};
        cut.channel = ch;
        cut.policy = ETB_POLICY_CUT;
        s.link().set_policy(cut);
        s.link().grant(ch, kTestSession, lease);
        std::optional<core::Problem> refused;
        auto p = s.drive(
            [&](const hw::LinkEvent& e) {
                if (e.kind == hw::LinkEvent::Kind::nak && e.command.type == ETB_T_GRANT) {
                    refused = problem("Controller {0} refused: {1}", {m_port, etb_nak_text(e.nak.code)});
                    return true;
                }
                return e.kind == hw::LinkEvent::Kind::acked && e.command.type == ETB_T_GRANT;
            },
            milliseconds{2000});
        if (p) return ctx.fail(kBadInput, *p);
        if (refused) return ctx.fail(kRefused, *refused);
        cli_out() << fmt::format(fmt::runtime(ctx.t("Relay {0} closed for {1} s")), m_channel, m_seconds) << std::endl;
        // No heartbeats: the firmware opens the relay itself when the lease runs out; the
        // REVOKE after it is only there in case it did not.
        (void)s.drive([](const hw::LinkEvent&) { return false; }, milliseconds{lease}, false);
        s.link().revoke(ch, 0);
        (void)s.drive([](const hw::LinkEvent& e) { return e.kind == hw::LinkEvent::Kind::acked; }, milliseconds{1000});
        cli_out() << ctx.t("Relay open again") << '\n';
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
