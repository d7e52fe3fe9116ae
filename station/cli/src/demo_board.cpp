// The demo's fake machine controller (see demo_board.hpp). Layer: cli. Its own thread polls the
// host-built firmware every millisecond; the accessors take the lock that thread holds.
#include "demo_board.hpp"

#include <etabli/hw/guarded.hpp>

#include <etabli/hw/serial_port.hpp>

#include <fw_host.h>

#include <chrono>
#include <fcntl.h>

namespace etabli::cli {

std::expected<std::unique_ptr<DemoBoard>, core::Problem> DemoBoard::start() {
    auto pty = hw::open_pty();
    if (!pty) return std::unexpected(pty.error());
    std::unique_ptr<DemoBoard> b(new DemoBoard());
    b->m_path = pty->slave_path;
    b->m_master = std::move(pty->master);
    b->m_slave.reset(::open(b->m_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC));
    fw_host_options opt{};
    opt.fd = b->m_master.get();
    opt.channels = kDemoBoardChannels;
    opt.fake_clock = 0;  // real time: leases, heartbeats and grace run as on a real board
    opt.seed = 0;
    b->m_fw = fw_host_create(&opt);
    if (!b->m_fw) return std::unexpected(core::problem("The demo controller could not start (out of memory)"));
    b->m_thread = std::thread([p = b.get()] { hw::run_guarded("the demo controller", [p] { p->run(); }, [p] { return p->m_stop.load(); }); });
    return b;
}

DemoBoard::~DemoBoard() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    if (m_fw) fw_host_destroy(m_fw);
}

void DemoBoard::run() {
    while (!m_stop) {
        {
            std::lock_guard lk(m_mutex);
            (void)fw_host_poll(m_fw);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
}

core::ControllerConfig DemoBoard::config() const {
    core::ControllerConfig c;
    c.port = m_path;
    c.serial = kDemoBoardName;  // the name shown; the port above is what is opened
    c.channels = {"", "Découpe laser", "Fraiseuse CNC"};
    return c;
}

bool DemoBoard::relay(std::uint8_t channel) {
    std::lock_guard lk(m_mutex);
    return fw_host_relay(m_fw, channel) != 0;
}

void DemoBoard::set_feedback(std::uint8_t channel, bool on) {
    std::lock_guard lk(m_mutex);
    fw_host_set_feedback(m_fw, channel, on ? 1 : 0);
}

}  // namespace etabli::cli
