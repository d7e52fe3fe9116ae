// The device manager (see usb_devices.hpp). Layer: hw, driver part. rescan() on the manager's
// thread; notify() from any thread.
#include <etabli/hw/usb_devices.hpp>
#include <etabli/hw/guarded.hpp>

#include <algorithm>

namespace etabli::hw {

DeviceManager::DeviceManager(core::Config config, Sources sources, BadgeReader::Post post, BadgeReader::Log log)
    : m_config(std::move(config)), m_sources(std::move(sources)), m_log(std::move(log)), m_post(post) {
    for (const auto& r : m_config.readers) {
        Slot s;
        s.reader = std::make_unique<BadgeReader>(r, post, m_log);
        m_slots.push_back(std::move(s));
    }
}

DeviceManager::~DeviceManager() {
    stop();
    std::lock_guard lk(m_rescan_mutex);
    for (auto& s : m_slots) close_slot(s);
}

void DeviceManager::open_slot(Slot& s, const UsbDeviceInfo* device) {
    s.transport = m_sources.transport ? m_sources.transport(s.reader->config(), device) : nullptr;
    if (!s.transport) return;
    s.reader->on_open(s.transport->describe());
    if (auto r = s.transport->open(*s.reader); !r) {
        s.transport.reset();
        s.device_key.clear();
        // A reader that stays unplugged or denied would log every pass: once per change.
        const std::string text = r.error().english();
        if (text != s.last_problem) s.reader->on_gone(r.error());
        else s.reader->note_problem(r.error());
        s.last_problem = text;
        return;
    }
    s.last_problem.clear();
    if (device) s.device_key = device->key();
}

void DeviceManager::close_slot(Slot& s) {
    if (s.transport) s.transport->close();
    s.transport.reset();
    s.device_key.clear();
}

void DeviceManager::rescan() {
    std::lock_guard guard(m_rescan_mutex);
    std::vector<UsbDeviceInfo> devices;
    if (m_sources.enumerate) devices = m_sources.enumerate();
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        Slot& s = m_slots[i];
        const auto& cfg = s.reader->config();
        const bool gone = s.transport && !s.reader->status().connected;
        if (cfg.driver == core::ReaderDriver::evdev) {
            if (gone) close_slot(s);
            if (!s.transport) open_slot(s, nullptr);
            continue;
        }
        const UsbDeviceInfo* found = nullptr;
        for (const auto& d : devices)
            if (match_reader(m_config, d) == i) {
                found = &d;
                break;
            }
        if (s.transport && (gone || !found || found->key() != s.device_key)) {
            const std::string what = s.transport->describe();
            close_slot(s);
            // Unplugged as enumeration sees it, before (or without) the transport saying so:
            // the status must not go on saying connected.
            if (!found) s.reader->note_problem(core::problem("Badge reader {0} is not plugged in", {what}));
        }
        if (!s.transport && found) open_slot(s, found);
    }
    {
        std::lock_guard lk(m_mutex);
        m_plugged = std::move(devices);
    }
    post_changes();
}

std::vector<app::ReaderView> DeviceManager::views() const {
    // ReadTime is steady (taps are timed without wall-clock jumps): converted at the edge.
    const auto wall = std::chrono::system_clock::now();
    const auto steady = std::chrono::steady_clock::now();
    std::vector<app::ReaderView> out;
    for (const auto& st : readers()) {
        app::ReaderView v;
        v.role = st.role;
        v.device = st.device;
        v.connected = st.connected;
        v.taps = st.taps;
        if (st.last_tap)
            v.last_tap = std::chrono::floor<std::chrono::seconds>(
                wall - std::chrono::duration_cast<std::chrono::system_clock::duration>(steady - *st.last_tap));
        v.problem = st.last_problem;
        v.permission_denied = st.last_problem && st.last_problem->msgid.starts_with("Permission denied");
        out.push_back(std::move(v));
    }
    return out;
}

void DeviceManager::post_changes() {
    if (!m_post) return;
    auto v = views();
    // Times are left out of the key: they are recomputed each pass and would always differ.
    std::string key;
    for (const auto& r : v) {
        key += r.role + '\x1f' + r.device + '\x1f' + (r.connected ? '1' : '0') + std::to_string(r.taps) + '\x1f' +
               (r.problem ? r.problem->english() : std::string{}) + '\x1e';
    }
    if (key == m_posted) return;
    m_posted = std::move(key);
    m_post(app::DevicesChanged{std::move(v)});
}

void DeviceManager::start(std::chrono::milliseconds period) {
    if (m_thread.joinable()) return;
    m_thread = std::thread([this, period] {
        run_guarded("the reader scan", [this, period] {
            for (;;) {
                rescan();
                std::unique_lock lk(m_mutex);
                m_cv.wait_for(lk, period, [&] { return m_wake || m_stopping; });
                if (m_stopping) return;
                m_wake = false;
            }
        }, [this] {
            std::lock_guard lk(m_mutex);
            return m_stopping;
        });
    });
}

void DeviceManager::notify() {
    {
        std::lock_guard lk(m_mutex);
        m_wake = true;
    }
    m_cv.notify_all();
}

void DeviceManager::stop() {
    {
        std::lock_guard lk(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

std::vector<ReaderStatus> DeviceManager::readers() const {
    std::vector<ReaderStatus> out;
    for (const auto& s : m_slots) out.push_back(s.reader->status());
    return out;
}

std::vector<UsbDeviceInfo> DeviceManager::plugged() const {
    std::lock_guard lk(m_mutex);
    return m_plugged;
}

}  // namespace etabli::hw
