// The kiosk stream: `etabli kiosk --connect`'s codec and its client in process, beside
// a real Station on a database file and a real API socket. Test-only.
#include "api.hpp"
#include "kiosk_client.hpp"
#include "kiosk_wire.hpp"
#include "report_writer.hpp"
#include "station_fixture.hpp"
#include "tz_calendar.hpp"

#include <etabli/app/features/report.hpp>
#include <etabli/gui/embedded_replies.hpp>

#include <thread>

using namespace etabli;
using namespace std::chrono;

namespace {

core::Timestamp utc(const char* iso) { return *core::parse_timestamp(iso); }

// A station with members, a machine, a session, a booking and a loan: most of a snapshot.
void fill(testing::StationOnDisk& s) {
    auto lea = s.add_member("Léa Dubois", core::Role::member, "0001234567");
    auto cam = s.add_member("Camille Martin", core::Role::host, "0004211337");
    alloc::Machine laser;
    laser.name = "Découpe laser";
    auto m = s.station->call(app::AddMachine{laser, std::nullopt});
    REQUIRE(m);
    const auto machine = std::get<alloc::Machine>(*m).id;
    REQUIRE(s.station->call(app::Authorise{machine, lea.id, true, std::nullopt}));
    auto booked = s.station->call(app::Book{machine, lea.id, utc("2026-12-01T13:00:00Z"), utc("2026-12-01T14:00:00Z"), std::nullopt, true, std::nullopt});
    if (!booked) MESSAGE(booked.error().english());
    REQUIRE(booked);
    REQUIRE(s.station->call(app::BadgeSeen{"0004211337", "kiosk"}));
    core::Tool drill;
    drill.name = "Perceuse";
    auto t = s.station->call(app::AddTool{drill, std::nullopt});
    REQUIRE(t);
    REQUIRE(s.station->call(app::Lend{{std::get<core::Tool>(*t).id}, lea.id, std::nullopt, std::nullopt}));
    (void)cam;
}

struct Served {
    cli::Served served;
    std::shared_ptr<cli::ApiServer> api;
    std::filesystem::path socket;
    explicit Served(testing::StationOnDisk& s) {
        served.station = s.station.get();
        auto cal = cli::TzCalendar::make("Europe/Paris");
        REQUIRE(cal);
        served.calendar = std::move(*cal);
        served.db_path = s.dir / "etabli.db";
        served.translations = std::make_shared<core::Translations>(cli::load_translations(ETABLI_ASSETS_DIR));
        socket = s.dir / "api.sock";
        start();
        s.station->add_watcher([this] {
            if (api) api->snapshot_changed();
        });
    }
    void start() {
        cli::ApiServer::Options opts;
        opts.socket = socket;
        api = std::make_shared<cli::ApiServer>(served, opts);
        REQUIRE(api->start());
    }
    ~Served() {
        if (api) api->stop();
    }
};

// Waits until `pred(snapshot)` holds on the remote kiosk's view.
template <class P>
std::shared_ptr<const app::Snapshot> wait_for(cli::RemoteStation& r, P pred, milliseconds limit = seconds(5)) {
    const auto until = steady_clock::now() + limit;
    for (;;) {
        auto s = r.snapshot();
        if (s && pred(*s)) return s;
        if (steady_clock::now() > until) return nullptr;
        std::this_thread::sleep_for(milliseconds(2));
    }
}

}  // namespace

TEST_CASE("kiosk stream codec: a snapshot travels whole, and its shared parts only when they changed") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.reopen();
    fill(s);
    const auto snap = s.station->snapshot();
    cli::wire::SnapshotEncoder enc;
    const auto first = enc.encode(*snap);
    cli::wire::SnapshotDecoder dec;
    auto back = dec.decode(first);
    REQUIRE(back);
    const auto& b = **back;
    CHECK(b.version == snap->version);
    CHECK(b.at == snap->at);
    CHECK(b.today == snap->today);
    REQUIRE(b.directory);
    CHECK(b.directory->members.size() == 2);
    CHECK(b.directory->badges.count("0004211337") == 1);
    REQUIRE(b.machines.size() == 1);
    CHECK(b.machines[0].machine.name == "Découpe laser");
    CHECK(b.upcoming.size() == snap->upcoming.size());
    REQUIRE(b.present.size() == 1);
    CHECK(b.present[0].name == "Camille Martin");
    CHECK(b.tools->tools.size() == 1);
    CHECK(b.tools->loans.size() == 1);
    CHECK(b.tools->loans_of(1).size() == 1);
    CHECK(b.hours.weekly == snap->hours.weekly);
    // Re-encoded by a fresh encoder: the same bytes (nothing lost on the way).
    cli::wire::SnapshotEncoder fresh;
    CHECK(fresh.encode(b) == first);

    // The next snapshot of the same station shares its directory and tools: not sent again.
    REQUIRE(s.station->call(app::Tick{}));
    const auto next = s.station->snapshot();
    const auto second = enc.encode(*next);
    MESSAGE("first snapshot " << first.size() << " bytes, the next " << second.size());
    CHECK(second.size() < first.size());
    auto back2 = dec.decode(second);
    REQUIRE(back2);
    CHECK((*back2)->directory == b.directory);  // the part decoded before
    CHECK((*back2)->directory->members.size() == 2);
    // A decoder that never saw the parts refuses, never guesses.
    cli::wire::SnapshotDecoder other;
    CHECK(!other.decode(second));
}

TEST_CASE("kiosk stream codec: every cut or corrupted command is refused with a reason, never read half") {
    app::AddMember add;
    add.draft.display_name = "Zoé";
    add.badge_uid = "0001112223";
    const app::Command c = add;
    const auto bytes = cli::wire::encode_command(c);
    auto back = cli::wire::decode_command(bytes);
    REQUIRE(back);
    REQUIRE(std::holds_alternative<app::AddMember>(*back));
    CHECK(std::get<app::AddMember>(*back).draft.display_name == "Zoé");
    CHECK(std::get<app::AddMember>(*back).badge_uid == "0001112223");
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto cut = cli::wire::decode_command(std::string_view(bytes).substr(0, n));
        CHECK_FALSE(cut);
    }
    auto longer = cli::wire::decode_command(bytes + "x");
    REQUIRE_FALSE(longer);
    CHECK(longer.error() == "bytes left after the message");
    std::string bad_kind = bytes;
    bad_kind[0] = '\x7f';  // the variant's index
    auto k = cli::wire::decode_command(bad_kind);
    REQUIRE_FALSE(k);
    CHECK(k.error() == "an unknown kind of command or result");
    // Frames: a length over the limit is refused before anything is read.
    std::string buf = cli::wire::frame(cli::wire::FrameKind::command, bytes, 7);
    auto f = cli::wire::next_frame(buf, 1 << 20);
    REQUIRE(f);
    REQUIRE(*f);
    CHECK((*f)->request == 7);
    CHECK((*f)->body == bytes);
    CHECK(buf.empty());
    std::string huge = cli::wire::frame(cli::wire::FrameKind::command, std::string(100, 'x'), 1);
    CHECK_FALSE(cli::wire::next_frame(huge, 50));
    // A value out of its list (a role no member can have) is refused, never stored.
    app::AddMember odd;
    odd.draft.display_name = "Zoé";
    odd.draft.role = static_cast<core::Role>(200);
    auto out_of_list = cli::wire::decode_command(cli::wire::encode_command(odd));
    REQUIRE_FALSE(out_of_list);
    CHECK(out_of_list.error() == "a value out of its list");
    // Only the station's devices speak for the devices.
    CHECK(cli::wire::kiosk_may_send(app::Command{app::BadgeSeen{"1", "keyboard"}}));
    CHECK_FALSE(cli::wire::kiosk_may_send(app::Command{app::Tick{}}));
    CHECK_FALSE(cli::wire::kiosk_may_send(app::Command{app::ControllerLeaseLost{1}}));
    CHECK(cli::wire::kiosk_may_send(app::Command{app::ClearMachineFault{1, std::nullopt}}));
}

TEST_CASE("kiosk --connect in process: commands and their replies by id, none lost, and a station that goes and comes back") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.reopen();
    fill(s);
    Served srv(s);
    cli::RemoteStation remote(srv.socket);
    REQUIRE(remote.start());
    auto first = remote.snapshot();
    REQUIRE(first);
    CHECK(first->version == s.station->snapshot()->version);
    CHECK(first->directory->members.size() == 2);

    // Two commands between two frames: both replies are shown, one frame after the other.
    core::MemberDraft d;
    d.display_name = "Zoé";
    const auto camille = s.station->snapshot()->directory->members.rbegin()->first;  // the host, badged in
    s.host_session(camille);  // and her PIN entered
    remote.post_async(app::AddMember{d, camille, std::nullopt}, 41);
    remote.post_async(app::Tick{}, 42);  // not the kiosk's to send: refused, by id
    std::set<std::uint64_t> seen;
    std::optional<app::Reply> zoe, tick;
    const auto until = steady_clock::now() + seconds(5);
    while (seen.size() < 2 && steady_clock::now() < until) {
        if (auto v = remote.snapshot(); v && v->last_reply && seen.insert(v->last_reply->request_id).second)
            (v->last_reply->request_id == 41 ? zoe : tick) = v->last_reply;
        std::this_thread::sleep_for(milliseconds(1));
    }
    REQUIRE(zoe);
    REQUIRE(tick);
    CHECK(zoe->ok);
    REQUIRE(zoe->member);
    CHECK(s.station->snapshot()->directory->find(*zoe->member) != nullptr);
    CHECK_FALSE(tick->ok);
    CHECK(tick->problem.msgid == "A kiosk cannot send this command: only the station's own devices do");
    // The kiosk sees the member it added.
    CHECK(wait_for(remote, [](const app::Snapshot& v) { return v.directory->members.size() == 3; }));

    // A change made by another client (the station itself here) reaches the kiosk.
    REQUIRE(s.station->call(app::BadgeSeen{"0001234567", "kiosk"}));
    CHECK(wait_for(remote, [](const app::Snapshot& v) { return v.present.size() == 2; }));

    // The service stops: the kiosk says so, and a command gets an answer at once.
    srv.api->stop();
    auto down = wait_for(remote, [](const app::Snapshot& v) { return v.storage_problem.has_value(); });
    REQUIRE(down);
    CHECK(down->storage_problem->msgid == "The station service does not answer on {0}: the kiosk reconnects by itself");
    CHECK_FALSE(down->controller_messages.empty());
    CHECK_FALSE(remote.connected());
    remote.post_async(app::BadgeSeen{"0001234567", "keyboard"}, 43);
    auto refused = wait_for(remote, [](const app::Snapshot& v) { return v.last_reply && v.last_reply->request_id == 43; });
    REQUIRE(refused);
    CHECK_FALSE(refused->last_reply->ok);
    // It comes back: the kiosk reconnects by itself and draws the station again.
    srv.start();
    auto up = wait_for(remote, [](const app::Snapshot& v) { return !v.storage_problem; }, seconds(5));
    REQUIRE(up);
    CHECK(remote.connected());
    CHECK(up->present.size() == 2);
    remote.post_async(app::BadgeSeen{"0001234567", "keyboard"}, 44);  // Léa leaves
    CHECK(wait_for(remote, [](const app::Snapshot& v) { return v.last_reply && v.last_reply->request_id == 44 && v.present.size() == 1; }));
}

TEST_CASE("the embedded kiosk: two replies that come between two frames are both shown, in turn, none lost") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.reopen();
    const auto host = s.add_member("Camille", core::Role::host);
    s.host_session(host.id);  // her PIN entered: a host session
    int wakes = 0;
    gui::EmbeddedReplies replies(*s.station, [&] { ++wakes; });
    core::MemberDraft a, b;
    a.display_name = "Zoé";
    b.display_name = "Inès";
    replies.post(app::AddMember{a, host.id, std::nullopt}, 7);
    replies.post(app::AddMember{b, host.id, std::nullopt}, 8);
    replies.post(app::Tick{}, 9);  // refused: a kiosk speaks for no device
    // The station handles all three before the next frame.
    const auto until = steady_clock::now() + seconds(5);
    while (s.station->snapshot()->directory->members.size() < 3 && steady_clock::now() < until)
        std::this_thread::sleep_for(milliseconds(1));
    std::this_thread::sleep_for(milliseconds(20));
    std::vector<std::uint64_t> shown;
    for (int frame = 0; frame < 5; ++frame) {
        const auto v = replies.snapshot();
        REQUIRE(v);
        if (v->last_reply && (shown.empty() || shown.back() != v->last_reply->request_id)) {
            CHECK(v->last_reply->ok == (v->last_reply->request_id != 9));
            shown.push_back(v->last_reply->request_id);
        }
    }
    CHECK(shown == std::vector<std::uint64_t>{7, 8, 9});
    CHECK(wakes >= 2);  // a frame asked for each reply still waiting
    // The reply carries the member it made, and the snapshot shows it.
    CHECK(replies.snapshot()->directory->members.size() == 3);
}

TEST_CASE("kiosk --connect: a host asks for the annual report; the service's report thread writes it, and the kiosk sees where") {
    testing::StationOnDisk s(utc("2026-12-01T09:00:00Z"));
    s.options.tool_export_dir = s.dir / "exports";
    std::filesystem::create_directories(s.options.tool_export_dir);
    s.reopen();
    fill(s);
    Served srv(s);
    std::shared_ptr<const app::Calendar> cal(std::shared_ptr<void>{}, &s.calendar);  // the fixture's, not owned
    cli::ReportWriter writer(*s.station, "", s.dir / "etabli.db", cal, srv.served.translations, s.clock);
    cli::RemoteStation remote(srv.socket);
    REQUIRE(remote.start());
    const auto camille = s.station->snapshot()->directory->members.rbegin()->first;
    s.host_session(camille);
    const auto part = [](const app::Snapshot& v) { return v.part<app::ReportFeature>(); };
    REQUIRE(wait_for(remote, [&](const app::Snapshot& v) { return part(v) && part(v)->writer; }));
    remote.post_async(app::AskYearReport{2026, core::Lang::fr, camille}, 51);
    auto done = wait_for(remote, [&](const app::Snapshot& v) { return part(v) && part(v)->last.has_value(); }, seconds(20));
    REQUIRE(done);
    const auto& last = *part(*done)->last;
    CHECK_MESSAGE(!last.problem, (last.problem ? last.problem->english() : ""));
    CHECK(part(*done)->folder == s.options.tool_export_dir.string());
    CHECK(std::filesystem::exists(last.pdf));
    CHECK(std::filesystem::exists(last.csv));
    CHECK(last.figures.members == 2);
}
