// The libusb context, enumeration, hotplug or polling, and the libusb reader transport (see
// usb_context.hpp). Layer: hw, driver part. The only file that includes libusb.h.
//
// [SECTION] index
//   Impl             context, event thread, watcher (hotplug callback or poll thread)
//   enumerate        descriptors, port path, boot-keyboard interface, strings
//   LibusbTransport  open/claim/submit; callbacks; cancel and wait on close
#include <etabli/hw/evdev_reader.hpp>
#include <etabli/hw/guarded.hpp>
#include <etabli/hw/usb_context.hpp>

#include <libusb.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <mutex>
#include <thread>

namespace etabli::hw {

// [SECTION] Impl
struct UsbContext::Impl {
    libusb_context* ctx = nullptr;
    std::atomic<bool> running{true};
    std::thread events;

    std::mutex watch_mutex;
    std::condition_variable watch_cv;
    std::function<void()> changed;
    bool stop_poll = false;
    std::thread poller;
    libusb_hotplug_callback_handle hotplug{};
    bool hotplug_registered = false;

    ~Impl() {
        if (!ctx) return;  // libusb_init failed: nothing was started
        {
            std::lock_guard lk(watch_mutex);
            stop_poll = true;
        }
        watch_cv.notify_all();
        if (poller.joinable()) poller.join();
        if (hotplug_registered) libusb_hotplug_deregister_callback(ctx, hotplug);
        running = false;
        libusb_interrupt_event_handler(ctx);
        if (events.joinable()) events.join();
        libusb_exit(ctx);
    }

    void notify() {
        std::function<void()> f;
        {
            std::lock_guard lk(watch_mutex);
            f = changed;
        }
        if (f) f();
    }

    static int LIBUSB_CALL on_hotplug(libusb_context*, libusb_device*, libusb_hotplug_event, void* self) {
        // libusb forbids blocking here: only pass the news on.
        static_cast<Impl*>(self)->notify();
        return 0;
    }
};

UsbContext::UsbContext(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
UsbContext::~UsbContext() = default;

std::expected<std::unique_ptr<UsbContext>, core::Problem> UsbContext::create() {
    auto impl = std::make_unique<Impl>();
    if (int rc = libusb_init(&impl->ctx); rc != 0) {
        impl->ctx = nullptr;
        return std::unexpected(core::problem("USB is not available on this computer ({0})", {libusb_error_name(rc)}));
    }
    Impl* p = impl.get();
    p->events = std::thread([p] {
        run_guarded("the USB event loop", [p] {
            while (p->running) {
                timeval tv{0, 500000};
                libusb_handle_events_timeout_completed(p->ctx, &tv, nullptr);
            }
        }, [p] { return !p->running; });
    });
    return std::unique_ptr<UsbContext>(new UsbContext(std::move(impl)));
}

bool UsbContext::hotplug_available() const { return libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) != 0; }

void UsbContext::watch(std::function<void()> changed, std::chrono::milliseconds poll) {
    Impl& im = *m_impl;
    {
        std::lock_guard lk(im.watch_mutex);
        im.changed = std::move(changed);
    }
    if (im.hotplug_registered || im.poller.joinable()) return;
    if (hotplug_available()) {
        const int rc = libusb_hotplug_register_callback(
            im.ctx, static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
            LIBUSB_HOTPLUG_NO_FLAGS, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
            &Impl::on_hotplug, &im, &im.hotplug);
        // Linux libusb reports hotplug even without a udev daemon, then never calls back
        // (containers): poll as well, which costs one enumeration every 2 s.
        im.hotplug_registered = rc == LIBUSB_SUCCESS;
    }
    im.poller = std::thread([&im, poll] {
        run_guarded("the USB hot-plug poll", [&im, poll] {
            std::unique_lock lk(im.watch_mutex);
            while (!im.stop_poll) {
                if (im.watch_cv.wait_for(lk, poll, [&] { return im.stop_poll; })) break;
                auto f = im.changed;
                lk.unlock();
                if (f) f();
                lk.lock();
            }
        }, [&im] {
            std::lock_guard lk(im.watch_mutex);
            return im.stop_poll;
        });
    });
}

// [SECTION] enumerate
namespace {

std::string port_path_of(libusb_device* dev) {
    std::uint8_t ports[8];
    const int n = libusb_get_port_numbers(dev, ports, sizeof ports);
    std::string s = std::to_string(libusb_get_bus_number(dev));
    for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
    return s;
}

// The device node libusb would open: /dev/bus/usb/BBB/DDD.
std::string usb_node(const UsbDeviceInfo& d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "/dev/bus/usb/%03u/%03u", static_cast<unsigned>(d.bus), static_cast<unsigned>(d.address));
    return buf;
}

UsbDeviceInfo describe_device(libusb_device* dev) {
    UsbDeviceInfo info;
    info.bus = libusb_get_bus_number(dev);
    info.address = libusb_get_device_address(dev);
    info.port_path = port_path_of(dev);
    libusb_device_descriptor dd{};
    if (libusb_get_device_descriptor(dev, &dd) != 0) return info;
    info.vendor = dd.idVendor;
    info.product = dd.idProduct;
    libusb_config_descriptor* cfg = nullptr;
    if (libusb_get_active_config_descriptor(dev, &cfg) != 0 && libusb_get_config_descriptor(dev, 0, &cfg) != 0) return info;
    for (int i = 0; i < cfg->bNumInterfaces; ++i) {
        const libusb_interface& itf = cfg->interface[i];
        for (int a = 0; a < itf.num_altsetting; ++a) {
            const libusb_interface_descriptor& d = itf.altsetting[a];
            info.interface_classes.push_back(d.bInterfaceClass);
            if (info.boot_keyboard_interface < 0 && d.bInterfaceClass == LIBUSB_CLASS_HID && d.bInterfaceSubClass == 1 &&
                d.bInterfaceProtocol == 1) {
                for (int e = 0; e < d.bNumEndpoints; ++e) {
                    const libusb_endpoint_descriptor& ep = d.endpoint[e];
                    if ((ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) &&
                        (ep.bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
                        info.boot_keyboard_interface = d.bInterfaceNumber;
                        info.boot_keyboard_endpoint = ep.bEndpointAddress;
                        break;
                    }
                }
            }
        }
    }
    libusb_free_config_descriptor(cfg);
    return info;
}

std::string sysfs_string(const std::string& port_path, const char* attr) {
    // Reading sysfs does not touch the device and needs no permission on it.
    const std::string path = "/sys/bus/usb/devices/" + port_path + "/" + attr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return {};
    std::string v(buf, static_cast<std::size_t>(n));
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
    for (char& c : v)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';  // hostile strings
    return v;
}

}  // namespace

std::vector<UsbDeviceInfo> UsbContext::enumerate(const std::function<bool(const UsbDeviceInfo&)>& want_strings) {
    // A fresh context for every pass: with no udev daemon (containers) libusb's own device
    // list is filled once at libusb_init and never updated, so polling the long-lived context
    // would never see a replug. Opening goes through the device node instead (below).
    libusb_context* ctx = nullptr;
    std::vector<UsbDeviceInfo> out;
    if (libusb_init(&ctx) != 0) return out;
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; ++i) {
        UsbDeviceInfo info = describe_device(list[i]);
        if (want_strings && want_strings(info)) {
            info.serial = sysfs_string(info.port_path, "serial");
            const auto maker = sysfs_string(info.port_path, "manufacturer");
            const auto prod = sysfs_string(info.port_path, "product");
            info.name = maker.empty() ? prod : prod.empty() ? maker : maker + " " + prod;
            const std::string node = usb_node(info);
            info.strings_denied = ::access(node.c_str(), R_OK | W_OK) != 0 && errno == EACCES;
        }
        out.push_back(std::move(info));
    }
    if (n >= 0) libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return out;
}

// [SECTION] LibusbTransport
namespace {

core::Problem usb_problem(const std::string& what, int rc) {
    switch (rc) {
    case LIBUSB_ERROR_ACCESS: return device_open_problem(what, EACCES);
    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND: return device_open_problem(what, ENODEV);
    case LIBUSB_ERROR_BUSY: return device_open_problem(what, EBUSY);
    default: return core::problem("Cannot open badge reader {0}: {1}", {what, libusb_error_name(rc)});
    }
}

class LibusbTransport final : public ReaderTransport {
public:
    LibusbTransport(libusb_context* ctx, UsbDeviceInfo device) : m_ctx(ctx), m_device(std::move(device)) {}
    ~LibusbTransport() override { close(); }

    std::string describe() const override { return "usb " + m_device.port_path + " " + m_device.id(); }

    std::expected<void, core::Problem> open(ReportSink& sink) override {
        close();
        if (m_device.boot_keyboard_interface < 0)
            return std::unexpected(core::problem("Device {0} has no keyboard interface: it cannot be a badge reader", {describe()}));
        // The node, not libusb's device list: that list may be stale (see enumerate), and
        // opening the node ourselves gives the plain errno (EACCES: the udev rule).
        m_fd = ::open(usb_node(m_device).c_str(), O_RDWR | O_CLOEXEC);
        if (m_fd < 0) return std::unexpected(device_open_problem(describe(), errno));
        if (const int rc = libusb_wrap_sys_device(m_ctx, static_cast<intptr_t>(m_fd), &m_handle); rc != 0) {
            m_handle = nullptr;
            ::close(m_fd);
            m_fd = -1;
            return std::unexpected(usb_problem(describe(), rc));
        }
        libusb_set_auto_detach_kernel_driver(m_handle, 1);  // and back on release
        if (const int rc = libusb_claim_interface(m_handle, m_device.boot_keyboard_interface); rc != 0) {
            libusb_close(m_handle);
            m_handle = nullptr;
            ::close(m_fd);
            m_fd = -1;
            return std::unexpected(usb_problem(describe(), rc));
        }
        // SET_PROTOCOL(boot): 8-byte reports whatever the report descriptor says. Readers
        // that refuse it already send boot reports.
        libusb_control_transfer(m_handle, static_cast<std::uint8_t>(int{LIBUSB_REQUEST_TYPE_CLASS} | int{LIBUSB_RECIPIENT_INTERFACE}), 0x0B, 0,
                                static_cast<std::uint16_t>(m_device.boot_keyboard_interface), nullptr, 0, 200);
        m_sink = &sink;
        m_gone_sent = false;
        m_closing = false;
        for (auto& t : m_transfers) {
            t.owner = this;
            t.xfer = libusb_alloc_transfer(0);
            libusb_fill_interrupt_transfer(t.xfer, m_handle, m_device.boot_keyboard_endpoint, t.buf, sizeof t.buf,
                                           &LibusbTransport::on_transfer, &t, 0);
            if (libusb_submit_transfer(t.xfer) == 0) {
                std::lock_guard lk(m_mutex);
                ++m_in_flight;
            }
        }
        if (m_in_flight == 0) {
            close();
            return std::unexpected(usb_problem(describe(), LIBUSB_ERROR_IO));
        }
        return {};
    }

    void close() override {
        if (!m_handle) return;
        {
            std::unique_lock lk(m_mutex);
            m_closing = true;
            for (auto& t : m_transfers)
                if (t.xfer) libusb_cancel_transfer(t.xfer);
            // The event thread completes the cancelled transfers; after that no callback runs.
            m_cv.wait(lk, [&] { return m_in_flight == 0; });
        }
        for (auto& t : m_transfers) {
            if (t.xfer) libusb_free_transfer(t.xfer);
            t.xfer = nullptr;
        }
        libusb_release_interface(m_handle, m_device.boot_keyboard_interface);
        libusb_close(m_handle);  // a wrapped handle leaves the fd to us
        m_handle = nullptr;
        ::close(m_fd);
        m_fd = -1;
        m_sink = nullptr;
    }

private:
    struct Slot {
        LibusbTransport* owner = nullptr;
        libusb_transfer* xfer = nullptr;
        unsigned char buf[8]{};
    };

    static void LIBUSB_CALL on_transfer(libusb_transfer* xfer) {
        auto* slot = static_cast<Slot*>(xfer->user_data);
        slot->owner->completed(*slot);
    }

    void completed(Slot& slot) {
        libusb_transfer* x = slot.xfer;
        bool closing;
        {
            std::lock_guard lk(m_mutex);
            closing = m_closing;
        }
        if (x->status == LIBUSB_TRANSFER_COMPLETED && !closing) {
            m_sink->on_report(std::span<const std::uint8_t>(x->buffer, static_cast<std::size_t>(x->actual_length)),
                              std::chrono::steady_clock::now());
            if (libusb_submit_transfer(x) == 0) return;
        } else if (!closing && (x->status == LIBUSB_TRANSFER_NO_DEVICE || x->status == LIBUSB_TRANSFER_ERROR ||
                                x->status == LIBUSB_TRANSFER_STALL || x->status == LIBUSB_TRANSFER_OVERFLOW)) {
            if (!m_gone_sent.exchange(true)) m_sink->on_gone(core::problem("Badge reader {0} was unplugged", {describe()}));
        } else if (!closing && x->status == LIBUSB_TRANSFER_TIMED_OUT) {
            if (libusb_submit_transfer(x) == 0) return;
        }
        std::lock_guard lk(m_mutex);
        --m_in_flight;
        m_cv.notify_all();
    }

    libusb_context* m_ctx;
    UsbDeviceInfo m_device;
    libusb_device_handle* m_handle = nullptr;
    int m_fd = -1;  // the device node, wrapped by m_handle
    ReportSink* m_sink = nullptr;
    Slot m_transfers[2];  // two in flight: no report is lost while one is being resubmitted
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_in_flight = 0;
    bool m_closing = false;
    std::atomic<bool> m_gone_sent{false};
};

}  // namespace

std::unique_ptr<ReaderTransport> UsbContext::reader_transport(const UsbDeviceInfo& device) {
    return std::make_unique<LibusbTransport>(m_impl->ctx, device);
}

}  // namespace etabli::hw
