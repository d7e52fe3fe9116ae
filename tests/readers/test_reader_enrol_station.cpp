// Reader enrolment from the kiosk: the Station's part with a fake port, hw's capture over pipes
// standing in for /dev/input/eventN (a keyboard typing beside the reader, a timeout, a cancel),
// and the whole loop Station -> worker -> etabli.toml -> snapshot.
// Layer: app tests (Station with a fake clock and a temp-file SQLite; hw capture threads).
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/hw/reader_enrol.hpp>

#include "station_fixture.hpp"

#include <linux/input.h>
#include <thread>
#include <unistd.h>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    explicit Fixture(ReaderEnroller* enroller = nullptr) : StationOnDisk(utc("2026-11-28T13:00:00Z")) {  // 14:00 in Paris
        reopen([&](Station& s) { s.set_reader_enroller(enroller); });
    }
    core::Member add(const std::string& name, core::Role role, std::optional<std::string> badge = std::nullopt) {
        return add_member(name, role, std::move(badge));
    }
};

}  // namespace
// [Reader enrolment : the Station's part]
namespace {

struct FakeEnroller final : ReaderEnroller {
    // Called on the station thread; read by the test after call() returned (happens-after).
    std::vector<std::pair<std::uint64_t, std::string>> starts;
    std::vector<seconds> timeouts;
    int cancels = 0;
    void start(std::uint64_t attempt, const core::ReaderRole& role, seconds timeout) override {
        timeouts.push_back(timeout);
        starts.push_back({attempt, role.to_string()});
    }
    void cancel() override { ++cancels; }
};

}  // namespace

TEST_CASE("reader enrolment: the station starts, answers, ignores late answers and cancels a reader enrolment") {
    FakeEnroller port;
    Fixture f(&port);
    auto camille = f.add("Camille Martin", core::Role::host);
    auto lea = f.add("Léa Dubois", core::Role::member);

    CHECK(f.station->call(StartReaderEnrolment{"kiosk", lea.id}).error().msgid == "Refused: only a host or an admin can do this; {0} is not one (missing right: host)");
    CHECK(f.station->call(StartReaderEnrolment{"door", camille.id}).error().msgid ==
          "Unknown role \"{0}\": use kiosk, machine:NAME or scanner");
    CHECK(port.starts.empty());

    REQUIRE(f.station->call(StartReaderEnrolment{"machine:Découpe laser", camille.id}));
    REQUIRE(port.starts.size() == 1);
    CHECK(port.starts[0].second == "machine:Découpe laser");
    CHECK(port.timeouts[0] == seconds{60});
    auto snap = f.station->snapshot();
    REQUIRE(snap->reader_enrolment);
    CHECK(snap->reader_enrolment->state == ReaderEnrolmentView::State::waiting);
    CHECK(snap->reader_enrolment->expires == f.clock.now() + seconds{60});
    const auto attempt = snap->reader_enrolment->attempt;

    // An answer for another attempt changes nothing; the right one is shown.
    REQUIRE(f.station->call(ReaderEnrolled{attempt + 7, true, "x", "1", "y", {}}));
    CHECK(f.station->snapshot()->reader_enrolment->state == ReaderEnrolmentView::State::waiting);
    REQUIRE(f.station->call(ReaderEnrolled{attempt, true, "/dev/input/event7 (usb ffff:0035)", "0012345678", "/etc/etabli.toml", {}}));
    snap = f.station->snapshot();
    CHECK(snap->reader_enrolment->state == ReaderEnrolmentView::State::done);
    CHECK(snap->reader_enrolment->uid == "0012345678");
    CHECK(snap->reader_enrolment->config == "/etc/etabli.toml");

    // A second attempt that fails, then one cancelled (the port is told), then nothing left.
    REQUIRE(f.station->call(StartReaderEnrolment{"scanner", camille.id}));
    const auto second = f.station->snapshot()->reader_enrolment->attempt;
    CHECK(second != attempt);
    REQUIRE(f.station->call(ReaderEnrolled{second, false, {}, {}, {}, core::problem("No badge was read within {0} seconds", {"60"})}));
    snap = f.station->snapshot();
    CHECK(snap->reader_enrolment->state == ReaderEnrolmentView::State::failed);
    REQUIRE(snap->reader_enrolment->problem);
    CHECK(snap->reader_enrolment->problem->english() == "No badge was read within 60 seconds");
    REQUIRE(f.station->call(StartReaderEnrolment{"kiosk", camille.id}));
    REQUIRE(f.station->call(CancelReaderEnrolment{camille.id}));
    CHECK(port.cancels == 1);
    CHECK_FALSE(f.station->snapshot()->reader_enrolment.has_value());

    // The port never answering: the station gives up after the timeout and a grace.
    REQUIRE(f.station->call(StartReaderEnrolment{"kiosk", camille.id}));
    f.clock.advance(seconds{66});
    REQUIRE(f.station->call(Tick{}));
    snap = f.station->snapshot();
    CHECK(snap->reader_enrolment->state == ReaderEnrolmentView::State::failed);
    CHECK(port.cancels == 2);
}

TEST_CASE("reader enrolment: without a reader port the kiosk is told why") {
    Fixture f;
    auto camille = f.add("Camille Martin", core::Role::host);
    auto r = f.station->call(StartReaderEnrolment{"kiosk", camille.id});
    REQUIRE_FALSE(r);
    CHECK(r.error().msgid == "This station cannot enrol readers: it runs without badge readers");
}

// [Reader enrolment : hw's capture over pipes]
namespace {

struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe(fds) == 0); }
    ~Pipe() {
        if (fds[1] >= 0) ::close(fds[1]);
    }
    int read_end() const { return fds[0]; }  // given to the capture, which closes it
    void close_writer() {
        ::close(fds[1]);
        fds[1] = -1;
    }
    void keys(const std::string& text) const {
        std::vector<input_event> evs;
        auto key = [&](std::uint16_t code) {
            for (int v : {1, 0}) {
                input_event e{};
                e.type = EV_KEY;
                e.code = code;
                e.value = v;
                evs.push_back(e);
                input_event syn{};
                syn.type = EV_SYN;
                evs.push_back(syn);
            }
        };
        for (char c : text) {
            if (c == '\n') key(KEY_ENTER);
            else if (c == '0') key(KEY_0);
            else if (c >= '1' && c <= '9') key(static_cast<std::uint16_t>(KEY_1 + (c - '1')));
            else key(KEY_Q);  // any other key: breaks the line
        }
        const auto* p = reinterpret_cast<const char*>(evs.data());
        std::size_t left = evs.size() * sizeof(input_event);
        while (left > 0) {
            const ssize_t n = ::write(fds[1], p, left);
            REQUIRE(n > 0);
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }
};

}  // namespace

TEST_CASE("reader enrolment: the capture takes the device where a badge typed digits and Enter, not the keyboard beside it") {
    Pipe keyboard, reader;
    std::atomic<bool> stop{false};
    std::jthread typing([&] {
        std::this_thread::sleep_for(milliseconds{50});
        keyboard.keys("12\n");        // too short to be a badge
        keyboard.keys("q1234q\n");    // broken by other keys
        std::this_thread::sleep_for(milliseconds{150});  // the gap resets the reader's line
        reader.keys("0012345678\n");
    });
    auto got = hw::capture_enrol_line({{"/dev/input/event3", keyboard.read_end()}, {"/dev/input/event7", reader.read_end()}},
                                      steady_clock::now() + seconds{5}, stop);
    REQUIRE_MESSAGE(got.has_value(), (got ? "" : got.error().english()));
    CHECK(got->node == "/dev/input/event7");
    CHECK(got->line == "0012345678");
}

TEST_CASE("reader enrolment: the capture gives up at its deadline, when stopped, and skips an unplugged device") {
    {
        Pipe quiet;
        std::atomic<bool> stop{false};
        const auto t0 = steady_clock::now();
        auto got = hw::capture_enrol_line({{"/dev/input/event3", quiet.read_end()}}, t0 + milliseconds{300}, stop);
        REQUIRE_FALSE(got);
        CHECK(got.error().msgid == "No badge was read within {0} seconds");
        CHECK(steady_clock::now() - t0 < seconds{2});
    }
    {
        Pipe gone, reader;
        gone.close_writer();  // POLLHUP at once: dropped, the other still read
        std::atomic<bool> stop{false};
        std::jthread typing([&] {
            std::this_thread::sleep_for(milliseconds{250});
            reader.keys("4211337\n");
        });
        auto got = hw::capture_enrol_line({{"/dev/input/event3", gone.read_end()}, {"/dev/input/event4", reader.read_end()}},
                                          steady_clock::now() + seconds{5}, stop);
        REQUIRE(got);
        CHECK(got->line == "4211337");
    }
    {
        Pipe quiet;
        std::atomic<bool> stop{false};
        std::jthread stopper([&] {
            std::this_thread::sleep_for(milliseconds{150});
            stop = true;
        });
        const auto t0 = steady_clock::now();
        auto got = hw::capture_enrol_line({{"/dev/input/event3", quiet.read_end()}}, t0 + seconds{30}, stop);
        CHECK_FALSE(got);
        CHECK(steady_clock::now() - t0 < seconds{2});
    }
}

TEST_CASE("reader enrolment: kiosk enrolment end to end: Station -> worker -> etabli.toml -> snapshot") {
    testing::TempDir cfgdir;
    const auto toml = cfgdir / "etabli.toml";
    Pipe reader;
    Station* station_ptr = nullptr;
    std::vector<core::ReaderConfig> bound;
    hw::ReaderEnrolWorker::Hooks hooks;
    hooks.candidates = [&]() -> std::expected<std::vector<hw::EnrolCandidate>, core::Problem> {
        return std::vector<hw::EnrolCandidate>{{"/dev/input/event7", ::dup(reader.read_end())}};
    };
    hooks.identify = [](const std::string& node) -> std::optional<core::DeviceMatch> {
        if (node != "/dev/input/event7") return std::nullopt;
        core::DeviceMatch m;
        m.vendor = 0xffff;
        m.product = 0x0035;
        m.serial = "RD-0042";
        return m;
    };
    hooks.bind = [&](const core::ReaderConfig& r) -> std::expected<std::string, core::Problem> {
        core::Config c;
        c.readers.push_back(r);
        testing::write_file(toml, core::to_toml(c));
        bound.push_back(r);
        return toml.string();
    };
    hooks.post = [&](Command c) { station_ptr->post_async(std::move(c), 0); };
    hw::ReaderEnrolWorker worker(hooks);
    Fixture f(&worker);
    station_ptr = f.station.get();
    auto camille = f.add("Camille Martin", core::Role::host);

    REQUIRE(f.station->call(StartReaderEnrolment{"scanner", camille.id}));
    reader.keys("0012345678\n");
    std::shared_ptr<const Snapshot> snap;
    for (int i = 0; i < 500; ++i) {
        snap = f.station->snapshot();
        if (snap->reader_enrolment && snap->reader_enrolment->state != ReaderEnrolmentView::State::waiting) break;
        std::this_thread::sleep_for(milliseconds{10});
    }
    REQUIRE(snap->reader_enrolment);
    REQUIRE_MESSAGE(snap->reader_enrolment->state == ReaderEnrolmentView::State::done,
                    (snap->reader_enrolment->problem ? snap->reader_enrolment->problem->english() : "still waiting"));
    CHECK(snap->reader_enrolment->uid == "0012345678");
    CHECK(snap->reader_enrolment->device == "/dev/input/event7 (usb ffff:0035)");
    CHECK(snap->reader_enrolment->config == toml.string());
    REQUIRE(bound.size() == 1);
    CHECK(bound[0].role.to_string() == "scanner");
    auto cfg = core::parse_config(testing::read_file(toml));
    REQUIRE(cfg);
    REQUIRE(cfg->readers.size() == 1);
    CHECK(cfg->readers[0].match.serial == std::optional<std::string>("RD-0042"));
    worker.shutdown();  // before the station goes: no answer may reach it afterwards
    f.station->stop();
}

TEST_CASE("reader enrolment: a device that is not USB is refused in words, and nothing is written") {
    Pipe reader;
    std::vector<Command> posted;
    std::mutex m;
    bool wrote = false;
    hw::ReaderEnrolWorker::Hooks hooks;
    hooks.candidates = [&]() -> std::expected<std::vector<hw::EnrolCandidate>, core::Problem> {
        return std::vector<hw::EnrolCandidate>{{"/dev/input/event9", ::dup(reader.read_end())}};
    };
    hooks.identify = [](const std::string&) { return std::optional<core::DeviceMatch>{}; };
    hooks.bind = [&](const core::ReaderConfig&) -> std::expected<std::string, core::Problem> {
        wrote = true;
        return std::string("x");
    };
    hooks.post = [&](Command c) {
        std::lock_guard lk(m);
        posted.push_back(std::move(c));
    };
    hw::ReaderEnrolWorker worker(hooks);
    worker.start(3, *core::reader_role_from_string("kiosk"), seconds{5});
    reader.keys("0012345678\n");
    for (int i = 0; i < 300; ++i) {
        {
            std::lock_guard lk(m);
            if (!posted.empty()) break;
        }
        std::this_thread::sleep_for(milliseconds{10});
    }
    worker.shutdown();
    REQUIRE(posted.size() == 1);
    const auto& done = std::get<ReaderEnrolled>(posted[0]);
    CHECK(done.attempt == 3);
    CHECK_FALSE(done.ok);
    CHECK(done.problem.english() == "The device /dev/input/event9 is not a USB device: configure it with driver = \"evdev\"");
    CHECK_FALSE(wrote);
    // After shutdown nothing starts again.
    worker.start(4, *core::reader_role_from_string("kiosk"), seconds{5});
    std::this_thread::sleep_for(milliseconds{50});
    CHECK(posted.size() == 1);
}
