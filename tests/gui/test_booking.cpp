// GUI tests of the machine screens: the idle board, a member's booking flow (start
// times, length, confirm; next free slots; my bookings; start, stop, the queue), the queue
// offer, the hosts' notices and the hosts' machine screens, driven headless with hand-made
// snapshots; the commands emitted are checked (UTC times), and the layout of every new
// screen at 800×480, 1280×800 and 1920×1080 in French.
// Layer: gui tests. Single thread.
#include "harness.hpp"

#include <etabli/gui/machines.hpp>

namespace {

core::Timestamp utc_at(const char* text) {
    auto t = core::parse_timestamp(text);
    REQUIRE(t.has_value());
    return *t;
}

alloc::Machine machine(alloc::MachineId id, std::string name, std::vector<core::MemberId> authorised) {
    alloc::Machine m;
    m.id = id;
    m.name = std::move(name);
    m.authorised = std::move(authorised);
    m.rules.slot = 15min;
    m.rules.min_length = 30min;
    m.rules.max_length = 120min;
    return m;
}

alloc::Booking booking(alloc::BookingId id, alloc::MachineId m, core::MemberId who, const char* from, const char* to,
                       alloc::BookingState st = alloc::BookingState::booked) {
    alloc::Booking b;
    b.id = id;
    b.machine = m;
    b.member = who;
    b.start = utc_at(from);
    b.end = utc_at(to);
    b.state = st;
    b.created_by = who;
    return b;
}

// Saturday 28 November 2026, 14:05 in Paris (13:05 UTC). The workshop opens 09:00–21:00
// every day. Léa (1) may use the laser, the printer and the band saw; only Camille (2),
// a host, the milling machine.
app::Snapshot machines_snapshot() {
    app::Snapshot s = base_snapshot();
    for (unsigned d = 0; d < 7; ++d) s.hours.weekly[d] = {alloc::DayWindow{9 * 60, 21 * 60}};
    s.hours.exceptions[day(2026, 12, 24)] = {};

    app::MachineView laser;
    laser.machine = machine(1, "Découpe laser", {1, 2});
    laser.next = booking(10, 1, 5, "2026-11-28T15:00:00Z", "2026-11-28T16:00:00Z");
    laser.next_hhmm = "16:00";
    app::MachineView printer;
    printer.machine = machine(2, "Imprimante 3D Prusa", {1, 2});
    alloc::Session sess;
    sess.id = 7;
    sess.machine = 2;
    sess.member = 3;
    sess.booking = 11;
    sess.started = utc_at("2026-11-28T12:30:00Z");
    sess.allowed_until = utc_at("2026-11-28T14:30:00Z");
    printer.session = sess;
    printer.session_member = "Hugo Bernard";
    printer.until_hhmm = "15:30";
    app::MachineView mill;
    mill.machine = machine(3, "Fraiseuse CNC", {2});
    app::MachineView saw;
    saw.machine = machine(4, "Scie à ruban", {1, 2});
    saw.machine.status = alloc::MachineStatus::maintenance;
    s.machines = {laser, printer, mill, saw};

    s.upcoming = {booking(11, 2, 3, "2026-11-28T12:30:00Z", "2026-11-28T14:30:00Z", alloc::BookingState::active),
                  booking(10, 1, 5, "2026-11-28T15:00:00Z", "2026-11-28T16:00:00Z"),
                  booking(12, 1, 1, "2026-11-29T14:00:00Z", "2026-11-29T15:00:00Z")};
    return s;
}

struct MachinesHarness : Harness {
    explicit MachinesHarness(ImVec2 display = ImVec2(1280, 800), core::Lang lang = core::Lang::fr)
        : Harness(display, lang, machines_snapshot()) {}

    void open_booking(core::MemberId who = 1) {
        show_tap(who, core::TapKind::check_in, "0001234567");
        REQUIRE(kiosk.screen() == gui::Screen::member_home);
        tap("home/book");
        REQUIRE(kiosk.screen() == gui::Screen::machines);
    }
    void open_host() {
        show_tap(2, core::TapKind::check_in, "0004211337");
        tap("home/machines");
        REQUIRE(kiosk.screen() == gui::Screen::machines);
        REQUIRE(kiosk.machines_ui().step == gui::MachinesUi::Step::host_machines);
    }
    std::uint64_t last_id() const { return out.back().second; }
    const gui::ItemRecord* find(std::string_view key) const { return log().find(key); }
};

}  // namespace

TEST_CASE("the local clock applies the station's offsets, and is UTC without them") {
    app::Snapshot s = base_snapshot();
    s.at = utc_at("2026-11-28T13:05:00Z");
    const auto c = gui::LocalClock::of(s);
    CHECK(c.hhmm(utc_at("2026-11-28T15:00:00Z")) == "16:00");
    CHECK(c.utc(day(2026, 11, 29), 15 * 60) == utc_at("2026-11-29T14:00:00Z"));
    CHECK(c.day_of(utc_at("2026-11-28T23:30:00Z")) == day(2026, 11, 29));
    s.offsets.reset();
    CHECK(gui::LocalClock::of(s).hhmm(utc_at("2026-11-28T15:00:00Z")) == "15:00");
    // Open or closed is the station's word (Snapshot::open_now), not the kiosk's reading of the hours.
    s.open_now = true;
    CHECK_FALSE(gui::LocalClock::of(s).workshop_closed);
    s.open_now = false;
    CHECK(gui::LocalClock::of(s).workshop_closed);
    CHECK(gui::hhmm_of(1440) == "24:00");
}

TEST_CASE("the local clock follows a daylight-saving change inside the days it shows") {
    // Paris: +1 h until 2027-03-28 01:00 UTC, then +2 h; back to +1 h on 2027-10-31 01:00 UTC.
    gui::LocalClock c;
    c.at = utc_at("2027-03-26T13:05:00Z");
    c.today = day(2027, 3, 26);
    c.changes = std::make_shared<const std::vector<app::OffsetChange>>(std::vector<app::OffsetChange>{
        {utc_at("2027-03-25T00:00:00Z"), 60min}, {utc_at("2027-03-28T01:00:00Z"), 120min},
        {utc_at("2027-10-31T01:00:00Z"), 60min}});
    // Saturday as today; Sunday's and Monday's hours in summer time.
    CHECK(c.hhmm(utc_at("2027-03-27T15:00:00Z")) == "16:00");
    CHECK(c.hhmm(utc_at("2027-03-28T15:00:00Z")) == "17:00");
    CHECK(c.utc(day(2027, 3, 29), 14 * 60) == utc_at("2027-03-29T12:00:00Z"));
    CHECK(c.utc(day(2027, 3, 28), 1 * 60) == utc_at("2027-03-28T00:00:00Z"));
    // 02:30 does not exist that night: the instant the clocks jumped.
    CHECK(c.utc(day(2027, 3, 28), 2 * 60 + 30) == utc_at("2027-03-28T01:00:00Z"));
    CHECK(c.minute_of_day(utc_at("2027-03-28T01:00:00Z")) == 3 * 60);
    CHECK(c.day_of(utc_at("2027-03-28T22:30:00Z")) == day(2027, 3, 29));
    // 02:30 happens twice on 31 October: the earlier one.
    CHECK(c.utc(day(2027, 10, 31), 2 * 60 + 30) == utc_at("2027-10-31T00:30:00Z"));
    CHECK(c.hhmm(utc_at("2027-10-31T01:30:00Z")) == "02:30");
    CHECK(c.utc(day(2027, 11, 2), 9 * 60) == utc_at("2027-11-02T08:00:00Z"));
}

// A machine's line on the idle board, whichever page it is on: the board turns its pages by
// itself every 6 s (a larger text puts fewer machines on a page).
std::string board_status(MachinesHarness& h, int machine) {
    const std::string key = "idle/board/" + std::to_string(machine) + "/status";
    for (int i = 0; i < 8 && !h.has(key); ++i) {
        h.now += 6;
        h.frame();
    }
    return h.label(key);
}

TEST_CASE("idle: the machine board says what each machine is doing") {
    MachinesHarness h;
    CHECK(h.label("idle/board/title") == "Machines");
    CHECK(board_status(h, 1) == "Libre jusqu'à 16:00");
    CHECK(board_status(h, 2) == "Occupée jusqu'à 15:30");
    CHECK(board_status(h, 3) == "Libre");
    CHECK(board_status(h, 4) == "Maintenance");
    h.snap.machines[3].machine.status = alloc::MachineStatus::out_of_order;
    h.snap.at = utc_at("2026-11-28T14:10:00Z");  // the laser's booking starts within the hour
    h.snap.local_hhmm = "15:10";
    h.publish();
    h.frame();
    CHECK(board_status(h, 1) == "Réservée à 16:00");
    CHECK(board_status(h, 4) == "Hors service");
    {
        // After closing (21:00 every day here) a free machine is not "Libre": a member's
        // badge would be refused. A session running late, a booking and a fault still show.
        const auto keep = h.snap;
        h.snap.at = utc_at("2026-11-28T20:30:00Z");
        h.snap.local_hhmm = "21:30";
        h.publish();
        h.frame();
        CHECK(board_status(h, 3) == "Atelier fermé");
        CHECK(board_status(h, 2) == "Occupée jusqu'à 15:30");
        CHECK(board_status(h, 4) == "Hors service");
        // A closed day (24 December) at 10:00: closed though inside the weekly hours.
        h.snap.at = utc_at("2026-12-24T09:00:00Z");
        h.snap.local_hhmm = "10:00";
        h.snap.today = day(2026, 12, 24);
        h.publish();
        h.frame();
        CHECK(board_status(h, 3) == "Atelier fermé");
        h.snap = keep;
        h.publish();
        h.frame();
        CHECK(board_status(h, 3) == "Libre");
    }
    h.tap("idle/lang_en");
    CHECK(board_status(h, 2) == "In use until 15:30");
    CHECK(board_status(h, 1) == "Booked at 16:00");

    SUBCASE("many machines: the board turns its pages by itself") {
        for (int i = 0; i < 12; ++i) {
            app::MachineView m;
            m.machine = machine(100 + i, "Machine " + std::to_string(i), {});
            h.snap.machines.push_back(m);
        }
        h.publish();
        h.frame();
        const std::string first = h.label("idle/board/page");
        CHECK(first.find(" / ") != std::string::npos);
        h.now += 6;
        h.frame();
        CHECK(h.label("idle/board/page") != first);
    }
}

TEST_CASE("booking: machines the member may use come first; the others need training") {
    MachinesHarness h;
    h.open_booking();
    CHECK(h.label("machines/title") == "Réserver une machine");
    const auto& mill = h.item("machines/3/open");
    CHECK(mill.enabled);  // not trained: the tap opens the skill page (why, the next training)
    CHECK(mill.caption == "Formation nécessaire");
    for (int id : {1, 2, 4}) {
        const auto& m = h.item("machines/" + std::to_string(id) + "/open");
        CHECK(m.enabled);
        CHECK(m.min.y <= mill.min.y);
        CHECK(m.caption != "Formation nécessaire");
    }
    CHECK(h.item("machines/2/open").caption == "Occupée jusqu'à 15:30");
    h.tap("machines/back");
    CHECK(h.kiosk.screen() == gui::Screen::member_home);
    h.tap("home/lang_en");
    h.tap("home/book");
    CHECK(h.item("machines/3/open").caption == "Training needed");
}

TEST_CASE("booking: a start on the day's grid, a length, confirm: Book in UTC") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    CHECK(h.label("machine/title") == "Découpe laser");
    CHECK(h.label("machine/day") == "Aujourd'hui, samedi 28 novembre");
    // 14:00 is past, 16:00 is taken (booking 10, 15:00–16:00 UTC), 15:00 is free for an hour.
    CHECK_FALSE(h.paged("machine/start/14:00", "machine/earlier", "machine/later").enabled);
    CHECK_FALSE(h.paged("machine/start/16:00", "machine/earlier", "machine/later").enabled);
    CHECK(h.paged("machine/start/16:00", "machine/earlier", "machine/later").caption == "pris");
    CHECK(h.paged("machine/start/17:00", "machine/earlier", "machine/later").enabled);
    // 15:45: only 15 min before the booking, shorter than the 30 min minimum.
    CHECK_FALSE(h.paged("machine/start/15:45", "machine/earlier", "machine/later").enabled);
    h.paged("machine/start/15:00", "machine/earlier", "machine/later");
    h.tap("machine/start/15:00");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::length);
    CHECK(h.label("length/start") == "Début\u00a0: samedi 28 novembre à 15:00");
    CHECK(h.item("length/len/30").enabled);
    CHECK(h.item("length/len/60").enabled);
    CHECK_FALSE(h.item("length/len/75").enabled);  // runs into the 16:00 booking
    CHECK(h.item("length/len/60").label == "1 h");
    h.tap("length/len/45");
    CHECK(h.label("length/summary") == "samedi 28 novembre, 15:00 – 15:45 (45 min)");
    h.out.clear();
    h.tap("length/confirm");
    auto books = commands_of<app::Book>(h.out);
    REQUIRE(books.size() == 1);
    CHECK(books[0].machine == 1);
    CHECK(books[0].member == 1);
    CHECK(books[0].start == utc_at("2026-11-28T14:00:00Z"));
    CHECK(books[0].end == utc_at("2026-11-28T14:45:00Z"));
    CHECK(books[0].actor == std::optional<core::MemberId>(1));
    CHECK(h.label("length/message") == "Enregistrement…");

    SUBCASE("the station refuses: the reason is shown, the choice kept") {
        h.reply(h.last_id(), false, core::problem("Quota reached"));
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::length);
        CHECK(h.label("length/message") == "Quota reached");
        CHECK(h.item("length/confirm").enabled);
    }
    SUBCASE("the station books: back to the day, with the confirmation") {
        h.reply(h.last_id(), true);
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::machine);
        CHECK(h.label("machine/message") == "Réservé\u00a0: Découpe laser, samedi 28 novembre, 15:00 – 15:45.");
    }
    SUBCASE("back to the day while the station thinks: the reply still lands") {
        h.tap("length/back");
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::machine);
        h.reply(h.last_id(), true);
        CHECK(h.label("machine/message").starts_with("Réservé"));
    }
}

TEST_CASE("booking: another day, paginated by day; the member's own booking is taken too") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    CHECK_FALSE(h.item("machine/day/prev").enabled);
    h.tap("machine/day/next");
    CHECK(h.label("machine/day") == "dimanche 29 novembre");
    CHECK(h.item("machine/day/prev").enabled);
    CHECK_FALSE(h.paged("machine/start/15:00", "machine/earlier", "machine/later").enabled);
    CHECK(h.paged("machine/start/09:00", "machine/earlier", "machine/later").enabled);
    h.paged("machine/start/09:00", "machine/earlier", "machine/later");
    h.tap("machine/start/09:00");
    h.tap("length/len/120");
    h.out.clear();
    h.tap("length/confirm");
    auto b = commands_of<app::Book>(h.out);
    REQUIRE(b.size() == 1);
    CHECK(b[0].start == utc_at("2026-11-29T08:00:00Z"));
    CHECK(b[0].end == utc_at("2026-11-29T10:00:00Z"));
    // Members book up to ahead_days (14) ahead, no further.
    h.tap("length/back");
    for (int i = 0; i < 20 && h.item("machine/day/next").enabled; ++i) h.tap("machine/day/next");
    CHECK(h.label("machine/day") == "samedi 12 décembre");
}

TEST_CASE("booking: next free slot asks the station and offers up to three answers") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    h.out.clear();
    h.tap("machine/find");
    auto finds = commands_of<app::FindSlots>(h.out);
    REQUIRE(finds.size() == 1);
    CHECK(finds[0].query.target.machine == std::optional<alloc::MachineId>(1));
    CHECK(finds[0].query.length == 30min);
    CHECK(finds[0].query.member == 1);
    CHECK(finds[0].query.from == h.snap.at);
    CHECK(finds[0].query.count == 3);
    CHECK(h.label("slots/searching") == "Recherche…");

    h.snap.last_slots = std::vector<alloc::Slot>{
        {1, utc_at("2026-11-28T13:15:00Z"), utc_at("2026-11-28T13:45:00Z")},
        {1, utc_at("2026-11-28T16:00:00Z"), utc_at("2026-11-28T16:30:00Z")},
        {1, utc_at("2026-11-29T08:00:00Z"), utc_at("2026-11-29T08:30:00Z")}};
    h.reply(h.out.back().second, true);
    CHECK(h.label("slots/0/pick") == "samedi 28 novembre, 14:15 – 14:45");
    CHECK(h.label("slots/2/pick") == "dimanche 29 novembre, 09:00 – 09:30");

    SUBCASE("a longer search") {
        h.out.clear();
        h.tap("slots/longer");
        finds = commands_of<app::FindSlots>(h.out);
        REQUIRE(finds.size() == 1);
        CHECK(finds[0].query.length == 45min);
        CHECK(h.has("slots/searching"));
    }
    SUBCASE("an answer is picked, then confirmed") {
        h.tap("slots/2/pick");
        REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::length);
        h.out.clear();
        h.tap("length/confirm");
        auto books = commands_of<app::Book>(h.out);
        REQUIRE(books.size() == 1);
        CHECK(books[0].start == utc_at("2026-11-29T08:00:00Z"));
        CHECK(books[0].end == utc_at("2026-11-29T08:30:00Z"));
        h.tap("length/back");
        CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::slots);
    }
    SUBCASE("nothing free") {
        h.tap("slots/back");
        h.tap("machine/find");
        h.snap.last_slots = std::vector<alloc::Slot>{};
        h.reply(h.out.back().second, true);
        CHECK(h.has("slots/none"));
    }
}

TEST_CASE("booking: my bookings, cancelled after a confirmation") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/mine");
    CHECK(h.label("mine/12/machine") == "Découpe laser");
    CHECK(h.label("mine/12/when") == "dimanche 29 novembre, 15:00 – 16:00");
    CHECK_FALSE(h.has("mine/10/when"));  // someone else's
    h.out.clear();
    h.tap("mine/12/cancel");
    CHECK(commands_of<app::CancelBooking>(h.out).empty());
    CHECK(h.label("mine/12/cancel") == "Confirmer l'annulation");
    h.tap("mine/12/cancel");
    auto cancels = commands_of<app::CancelBooking>(h.out);
    REQUIRE(cancels.size() == 1);
    CHECK(cancels[0].booking == 12);
    CHECK(cancels[0].actor == std::optional<core::MemberId>(1));
    CHECK_FALSE(cancels[0].reason.has_value());
    h.snap.upcoming.pop_back();
    h.reply(h.last_id(), true);
    CHECK(h.has("mine/none"));
    CHECK(h.label("mine/message").starts_with("Annulée"));
}

TEST_CASE("booking: start and stop a machine, and the outcomes") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    h.out.clear();
    h.tap("machine/start");
    auto acc = commands_of<app::MachineAccess>(h.out);
    REQUIRE(acc.size() == 1);
    CHECK(acc[0].machine == 1);
    CHECK(acc[0].member == 1);

    app::AccessView a;
    a.seq = 1;
    a.machine = 1;
    a.member = 1;
    a.granted = true;
    a.until_hhmm = "16:00";
    h.snap.last_access = a;
    alloc::Session s;
    s.machine = 1;
    s.member = 1;
    h.snap.machines[0].session = s;
    h.snap.machines[0].until_hhmm = "16:00";
    h.publish();
    h.frame();
    CHECK(h.label("machine/message") == "Découpe laser est en marche pour vous jusqu'à 16:00.");
    CHECK_FALSE(h.has("machine/start"));
    h.out.clear();
    h.tap("machine/stop");
    acc = commands_of<app::MachineAccess>(h.out);
    REQUIRE(acc.size() == 1);
    CHECK(acc[0].machine == 1);

    a.seq = 2;
    a.granted = false;
    a.refusal = core::problem("Quota reached: {0} of {1} used on {2} this week", {"6 h", "6 h", "Découpe laser"});
    h.snap.last_access = a;
    h.publish();
    h.frame();
    CHECK(h.label("machine/message") == "Quota reached: 6 h of 6 h used on Découpe laser this week");
    // Someone else's outcome is not shown to Léa.
    a.seq = 3;
    a.member = 3;
    a.refusal = core::problem("Hugo's refusal");
    h.snap.last_access = a;
    h.publish();
    h.frame();
    CHECK(h.label("machine/message") != "Hugo's refusal");
}

TEST_CASE("booking: join the queue of a busy machine, see the place, leave it") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/2/open");
    CHECK_FALSE(h.item("machine/start").enabled);
    h.out.clear();
    h.tap("machine/join");
    auto joins = commands_of<app::JoinQueue>(h.out);
    REQUIRE(joins.size() == 1);
    CHECK(joins[0].member == 1);
    CHECK(joins[0].target.machine == std::optional<alloc::MachineId>(2));

    alloc::QueuePlace p;
    p.entry.id = 40;
    p.entry.member = 1;
    p.entry.machine = 2;
    p.position = 1;
    p.estimated_wait = 25min;
    h.snap.queue.push_back(p);
    h.publish();
    h.frame();
    CHECK(h.label("machine/queue") == "Vous êtes 1er dans la file\u00a0; environ 25 min d'attente.");
    CHECK_FALSE(h.has("machine/join"));
    h.out.clear();
    h.tap("machine/leave");
    auto leaves = commands_of<app::LeaveQueue>(h.out);
    REQUIRE(leaves.size() == 1);
    CHECK(leaves[0].member == 1);
    CHECK(leaves[0].target.machine == std::optional<alloc::MachineId>(2));
    h.tap("machine/back");
    CHECK(h.item("machines/2/open").caption == "Occupée jusqu'à 15:30 · file\u00a0: 1er");
}

TEST_CASE("queue offer: a popup for the member, a banner on the idle screen") {
    MachinesHarness h;
    alloc::QueuePlace p;
    p.entry.id = 41;
    p.entry.member = 1;
    p.entry.machine = 2;
    p.entry.offered = 2;
    p.entry.offer_expires = utc_at("2026-11-28T13:15:00Z");
    p.position = 1;
    h.snap.queue.push_back(p);
    h.snap.machines[1].session.reset();
    h.publish();
    h.frame();
    CHECK(h.label("idle/offer0") ==
          "Léa Dubois\u00a0: Imprimante 3D Prusa est libre pour vous jusqu'à 14:15. Badgez pour démarrer.");

    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(h.label("offer/text") == "La machine Imprimante 3D Prusa est libre pour vous jusqu'à 14:15.");
    CHECK_FALSE(h.has("home/book"));
    SUBCASE("Start asks for the machine and shows its page") {
        h.out.clear();
        h.tap("offer/start");
        auto acc = commands_of<app::MachineAccess>(h.out);
        REQUIRE(acc.size() == 1);
        CHECK(acc[0].machine == 2);
        CHECK(acc[0].member == 1);
        CHECK(h.kiosk.screen() == gui::Screen::machines);
        CHECK(h.label("machine/title") == "Imprimante 3D Prusa");
    }
    SUBCASE("No thanks leaves the queue") {
        h.out.clear();
        h.tap("offer/decline");
        auto leaves = commands_of<app::LeaveQueue>(h.out);
        REQUIRE(leaves.size() == 1);
        CHECK(leaves[0].target.machine == std::optional<alloc::MachineId>(2));
        CHECK(h.has("home/book"));
    }
    SUBCASE("Later hides it for this visit") {
        h.tap("offer/later");
        CHECK(h.has("home/book"));
        h.tap("home/book");
        CHECK_FALSE(h.has("offer/start"));
    }
    SUBCASE("someone else's offer is not shown to the member") {
        h.snap.queue[0].entry.member = 5;
        h.publish();
        h.frame();
        CHECK(h.has("home/book"));
    }
}

TEST_CASE("notices from the hosts are shown once after the badge-in") {
    MachinesHarness h;
    alloc::Booking b = booking(12, 1, 1, "2026-11-29T14:00:00Z", "2026-11-29T15:00:00Z", alloc::BookingState::cancelled);
    b.host_note = "Laser en panne";
    h.snap.notices = {b};
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(h.label("notices/title") == "Un message des animateurs");
    CHECK(h.label("notices/notice0") ==
          "Votre réservation de Découpe laser du dimanche 29 novembre à 15:00 a été annulée. Motif\u00a0: Laser en panne");
    CHECK_FALSE(h.has("home/book"));
    h.tap("notices/ok");
    CHECK(h.has("home/book"));
    // The snapshot still carries them until the next tap: they do not come back.
    h.tap("home/book");
    h.tap("machines/back");
    CHECK_FALSE(h.has("notices/ok"));
    CHECK(h.has("home/book"));
    h.snap.notices.clear();
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK_FALSE(h.has("notices/ok"));
}

TEST_CASE("hosts: machine status, end a session, cancel with a reason") {
    MachinesHarness h;
    h.open_host();
    CHECK(h.item("host/2/open").caption == "Occupée jusqu'à 15:30");
    h.tap("host/1/open");
    CHECK(h.item("hostm/status/available").enabled);
    h.out.clear();
    h.tap("hostm/status/maintenance");
    auto st = commands_of<app::SetMachineStatus>(h.out);
    REQUIRE(st.size() == 1);
    CHECK(st[0].machine == 1);
    CHECK(st[0].status == alloc::MachineStatus::maintenance);
    CHECK(st[0].actor == std::optional<core::MemberId>(2));
    h.reply(h.last_id(), true);
    CHECK(h.label("hostm/message") == "Découpe laser\u00a0: Maintenance.");

    // Cancel Yanis's booking with a reason typed on the screen.
    CHECK(h.label("hostm/10/when") == "samedi 28 novembre, 16:00 – 17:00 · Yanis Moreau");
    h.tap("hostm/10/cancel");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::cancel_reason);
    CHECK_FALSE(h.item("cancel/confirm").enabled);
    h.type_on_screen("Panne");
    CHECK(h.label("cancel/reason") == "Panne");
    h.out.clear();
    h.tap("cancel/confirm");
    auto cancels = commands_of<app::CancelBooking>(h.out);
    REQUIRE(cancels.size() == 1);
    CHECK(cancels[0].booking == 10);
    CHECK(cancels[0].actor == std::optional<core::MemberId>(2));
    CHECK(cancels[0].reason == std::optional<std::string>("Panne"));
    h.snap.upcoming.erase(h.snap.upcoming.begin() + 1);
    h.reply(h.last_id(), true);
    CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::host_machine);
    CHECK(h.label("hostm/message").starts_with("Annulée"));

    // The printer's session, ended by the host.
    h.tap("hostm/back");
    h.tap("host/2/open");
    CHECK(h.label("hostm/session") == "Utilisée par Hugo Bernard jusqu'à 15:30.");
    h.out.clear();
    h.tap("hostm/end_session");
    auto ends = commands_of<app::EndSession>(h.out);
    REQUIRE(ends.size() == 1);
    CHECK(ends[0].machine == 2);
    CHECK(ends[0].actor == std::optional<core::MemberId>(2));
}

TEST_CASE("hosts: book for a member, outside opening hours too") {
    MachinesHarness h;
    h.open_host();
    h.tap("host/book_for");
    h.type_on_screen("lea");
    h.tap("pick/1/pick");
    CHECK(h.label("machines/title") == "Réserver pour Léa Dubois");
    CHECK_FALSE(h.item("machines/3/open").enabled);  // Léa is not trained on the mill
    h.tap("machines/1/open");
    // 22:00 is after closing: hosts may still book it, marked closed.
    h.tap("machine/day/next");
    while (!h.has("machine/start/22:00") && h.has("machine/later") && h.item("machine/later").enabled)
        h.tap("machine/later");
    CHECK(h.item("machine/start/22:00").caption == "fermé");
    CHECK(h.item("machine/start/22:00").enabled);
    h.tap("machine/start/22:00");
    CHECK(h.label("length/for") == "Pour Léa Dubois");
    h.tap("length/len/90");
    h.out.clear();
    h.tap("length/confirm");
    auto books = commands_of<app::Book>(h.out);
    REQUIRE(books.size() == 1);
    CHECK(books[0].member == 1);
    CHECK(books[0].actor == std::optional<core::MemberId>(2));
    CHECK(books[0].start == utc_at("2026-11-29T21:00:00Z"));
    CHECK(books[0].end == utc_at("2026-11-29T22:30:00Z"));
}

TEST_CASE("hosts: the weekly opening hours, in 30-minute steps, exceptions kept") {
    MachinesHarness h;
    h.snap.hours.weekly[3] = {alloc::DayWindow{9 * 60, 12 * 60}, alloc::DayWindow{14 * 60, 18 * 60}};
    h.publish();
    h.open_host();
    h.tap("host/hours");
    CHECK(h.label("hours/1/day") == (text_percent() < 150 ? "lundi" : "lun."));  // short when the row is full
    CHECK(h.label("hours/1/from") == "09:00");
    CHECK_FALSE(h.item("hours/save").enabled);
    h.tap("hours/1/from_plus");
    CHECK(h.label("hours/1/from") == "09:30");
    h.tap("hours/6/to_minus");
    h.tap("hours/6/to_minus");
    h.tap("hours/0/open");  // Sunday closed
    CHECK(h.label("hours/0/open") == "Fermé");
    CHECK_FALSE(h.item("hours/0/from_plus").enabled);
    h.out.clear();
    h.tap("hours/save");
    auto sets = commands_of<app::SetHours>(h.out);
    REQUIRE(sets.size() == 1);
    const auto& w = sets[0].hours.weekly;
    CHECK(w[1] == std::vector<alloc::DayWindow>{{9 * 60 + 30, 21 * 60}});
    CHECK(w[6] == std::vector<alloc::DayWindow>{{9 * 60, 20 * 60}});
    CHECK(w[0].empty());
    CHECK(w[3].size() == 2);  // untouched: both windows kept
    CHECK(w[2] == std::vector<alloc::DayWindow>{{9 * 60, 21 * 60}});
    CHECK(sets[0].hours.exceptions.size() == 1);
    CHECK(sets[0].actor == std::optional<core::MemberId>(2));
    h.reply(h.last_id(), true);
    CHECK(h.label("hours/message") == "Horaires enregistrés.");
}

TEST_CASE("machine screens return to idle after 30 s without a touch") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    h.now += 31;
    h.frame();
    CHECK(h.kiosk.screen() == gui::Screen::idle);
    // The next badge-in starts the flow afresh.
    h.open_booking();
    CHECK(h.kiosk.machines_ui().step == gui::MachinesUi::Step::machines);
}

TEST_CASE("layout of the machine screens in French at 800x480, 1280x800 and 1920x1080") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        MachinesHarness h(size);
        for (int i = 0; i < 20; ++i)
            h.snap.present.push_back(app::PresentMember{100 + i, "Marie-Charlotte de La Tour-Lefèvre " + std::to_string(i),
                                                        h.snap.at, "09:15"});
        h.snap.directory = demo_directory(30);
        for (int i = 0; i < 9; ++i) {
            app::MachineView m;
            m.machine = machine(20 + i, "Imprimante résine Formlabs n° " + std::to_string(i), {1, 2});
            m.next = booking(200 + i, 20 + i, 5, "2026-11-30T15:00:00Z", "2026-11-30T16:00:00Z");
            m.next_hhmm = "11-30 16:00";
            h.snap.machines.push_back(m);
        }
        for (int i = 0; i < 9; ++i)
            h.snap.upcoming.push_back(booking(300 + i, 1, 1, "2026-11-30T08:00:00Z", "2026-11-30T08:30:00Z"));
        alloc::QueuePlace p;
        p.entry.id = 41;
        p.entry.member = 4;
        p.entry.machine = 2;
        p.entry.offered = 2;
        p.entry.offer_expires = utc_at("2026-11-28T13:15:00Z");
        h.snap.queue.push_back(p);
        h.publish();
        h.frame();
        h.check_layout("idle with the board and an offer");

        h.open_booking();
        h.check_layout("machines");
        h.tap("machines/1/open");
        h.check_layout("machine day");
        h.paged("machine/start/15:00", "machine/earlier", "machine/later");
        h.tap("machine/start/15:00");
        h.check_layout("length");
        h.tap("length/confirm");
        h.reply(h.last_id(), false, core::problem("Quota reached: {0} of {1} used on {2} this week; next free hour {3}",
                                                    {"6 h", "6 h", "les découpeuses laser", "mardi 1er décembre 14:00"}));
        h.check_layout("length, refused");
        h.tap("length/back");
        h.tap("machine/back");
        h.tap("machines/2/open");
        alloc::QueuePlace mine;
        mine.entry.id = 42;
        mine.entry.member = 1;
        mine.entry.machine = 2;
        mine.position = 12;
        mine.estimated_wait = 150min;
        h.snap.queue.push_back(mine);
        h.publish();
        h.frame();
        h.check_layout("machine day, queued");
        h.tap("machine/find");
        h.snap.last_slots = std::vector<alloc::Slot>{
            {2, utc_at("2026-11-28T13:15:00Z"), utc_at("2026-11-28T13:45:00Z")},
            {2, utc_at("2026-11-28T16:00:00Z"), utc_at("2026-11-28T16:30:00Z")},
            {2, utc_at("2026-11-29T08:00:00Z"), utc_at("2026-11-29T08:30:00Z")}};
        h.reply(h.out.back().second, true);
        h.check_layout("slots");
        h.tap("slots/back");
        h.tap("machine/back");
        h.tap("machines/mine");
        h.tap("mine/300/cancel");
        h.check_layout("my bookings");

        h.snap.queue[1].entry.offered = 2;
        h.snap.queue[1].entry.offer_expires = utc_at("2026-11-28T13:20:00Z");
        h.publish();
        h.frame();
        h.check_layout("offer");
        h.tap("offer/later");

        alloc::Booking n = booking(12, 1, 1, "2026-11-29T14:00:00Z", "2026-11-29T15:00:00Z", alloc::BookingState::cancelled);
        n.host_note = "La découpeuse laser est en maintenance jusqu'à mardi : le tube a lâché.";
        h.snap.notices = {n, n};
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        h.check_layout("notices");
        h.snap.notices.clear();

        h.show_tap(2, core::TapKind::check_in, "0004211337");
        h.check_layout("member home (host, 7 tiles)");
        h.tap("home/machines");
        h.check_layout("host machines");
        h.tap("host/2/open");
        h.check_layout("host machine");
        h.tap("hostm/back");
        h.tap("host/1/open");
        h.tap("hostm/10/cancel");
        h.type_on_screen("Panne");
        h.check_layout("cancel with a reason");
        h.tap("cancel/back");
        h.tap("hostm/back");
        h.tap("host/hours");
        h.tap("hours/0/open");
        h.check_layout("opening hours");
        h.tap("hours/back");
        h.tap("host/book_for");
        h.check_layout("pick a member");
        h.type_on_screen("lea");
        h.tap("pick/1/pick");
        h.tap("machines/1/open");
        h.check_layout("host machine day (whole day)");
    }
}

TEST_CASE("booking: after closing time the machine page offers no start, and says why") {
    MachinesHarness h;
    h.open_booking();
    h.tap("machines/1/open");
    CHECK(h.item("machine/start").enabled);
    CHECK_FALSE(h.has("machine/start_why"));
    h.snap.at = utc_at("2026-11-28T20:30:00Z");  // 21:30 in Paris: closed (21:00 every day here)
    h.snap.local_hhmm = "21:30";
    h.publish();
    h.frame();
    CHECK_FALSE(h.item("machine/start").enabled);
    // The station's reason, as its engine gives it.
    const std::string why = h.label("machine/start_why");
    CAPTURE(why);
    CHECK(why == "Hors des horaires d'ouverture : l'atelier est fermé le 28/11/2026 21:30");
}

TEST_CASE("queue offer: the popup says how long a start now may use the machine") {
    MachinesHarness h;
    alloc::QueuePlace p;
    p.entry.id = 41;
    p.entry.member = 1;
    p.entry.machine = 2;
    p.entry.offered = 2;
    p.entry.offer_expires = utc_at("2026-11-28T13:15:00Z");
    p.usable_until = utc_at("2026-11-28T14:00:00Z");  // the next booking, as the station computed it
    p.position = 1;
    h.snap.queue.push_back(p);
    h.snap.machines[1].session.reset();
    h.publish();
    h.frame();
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(h.label("offer/text") ==
          "La machine Imprimante 3D Prusa est libre pour vous jusqu'à 14:15. Démarrée maintenant, elle est à vous jusqu'à 15:00.");
}

TEST_CASE("checks between users at the kiosk: a machine to check, confirmed or reported, and a session handed over") {
    MachinesHarness h;
    h.snap.machines[0].machine.rules.check_after_use = alloc::CheckLevel::user;
    h.snap.machines[0].machine.awaiting_check = true;
    h.snap.machines[0].next.reset();
    h.publish();
    h.open_booking();
    CHECK(h.item("machines/1/open").caption == "À vérifier");
    h.tap("machines/1/open");
    CHECK(h.label("machine/status") == "À vérifier");
    CHECK_FALSE(h.has("machine/start"));
    h.out.clear();
    h.tap("machine/check/ok");
    auto checks = commands_of<app::CheckMachine>(h.out);
    REQUIRE(checks.size() == 1);
    CHECK(checks[0].machine == 1);
    CHECK(checks[0].member == 1);
    CHECK(checks[0].ok);
    h.snap.machines[0].machine.awaiting_check = false;
    h.reply(h.last_id(), true);
    CHECK(h.label("machine/message") == "Découpe laser est vérifiée : prête pour le membre suivant. Merci !");
    CHECK(h.has("machine/start"));

    // Again to check; this time something is wrong.
    h.snap.machines[0].machine.awaiting_check = true;
    h.publish();
    h.frame();
    h.tap("machine/check/problem");
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::check_problem);
    CHECK_FALSE(h.item("check_problem/confirm").enabled);
    h.type_on_screen("Buse sale");
    h.out.clear();
    h.tap("check_problem/confirm");
    checks = commands_of<app::CheckMachine>(h.out);
    REQUIRE(checks.size() == 1);
    CHECK_FALSE(checks[0].ok);
    CHECK(checks[0].note == std::optional<std::string>("Buse sale"));
    h.snap.machines[0].machine.awaiting_check = false;
    h.snap.machines[0].machine.status = alloc::MachineStatus::maintenance;
    h.snap.machines[0].machine.check_note = "Buse sale";
    h.reply(h.last_id(), true);
    REQUIRE(h.kiosk.machines_ui().step == gui::MachinesUi::Step::machine);
    CHECK(h.label("machine/status") == "Maintenance");
    CHECK(h.label("machine/check_note") == "Constaté à la vérification : Buse sale");

    // Léa's running session on the printer: she hands it over.
    h.tap("machine/back");
    h.snap.machines[1].session->member = 1;
    h.publish();
    h.tap("machines/2/open");
    h.out.clear();
    h.tap("machine/handover");
    auto offers = commands_of<app::OfferHandover>(h.out);
    REQUIRE(offers.size() == 1);
    CHECK(offers[0].machine == 2);
    CHECK(offers[0].member == 1);
    h.snap.machines[1].handover_hhmm = "14:06:00";
    h.reply(h.last_id(), true);
    CHECK(h.label("machine/message") == "Demandez au membre suivant de badger sur la machine dans la minute.");
    CHECK_FALSE(h.has("machine/handover"));
    CHECK(h.label("machine/handover_until") ==
          "Un autre membre habilité badge sur la machine avant 14:06:00 pour prendre la suite.");
}

TEST_CASE("layout of the check after use and the handover in French at 800x480, 1280x800 and 1920x1080") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        MachinesHarness h(size);
        h.snap.machines[0].machine.awaiting_check = true;
        h.snap.machines[3].machine.check_note = "La buse est encrassée et le plateau est rayé au milieu, à changer";
        h.snap.machines[1].session->member = 1;
        h.snap.machines[1].handover_hhmm = "14:06:00";
        h.publish();
        h.open_booking();
        h.tap("machines/1/open");
        h.check_layout("machine to check");
        h.tap("machine/check/problem");
        h.type_on_screen("Buse sale");
        h.check_layout("what is wrong");
        h.tap("check_problem/back");
        h.tap("machine/back");
        h.tap("machines/2/open");
        h.check_layout("handover offered");
        h.tap("machine/back");
        h.tap("machines/4/open");
        h.check_layout("maintenance with the check's note");
    }
    MachinesHarness host;
    host.snap.machines[0].machine.awaiting_check = true;
    host.publish();
    host.open_host();
    host.tap("host/1/open");
    CHECK(host.label("hostm/awaiting") == "Attend sa vérification après usage.");
    host.check_layout("host: machine to check");
    host.out.clear();
    host.tap("hostm/check/ok");
    auto checks = commands_of<app::CheckMachine>(host.out);
    REQUIRE(checks.size() == 1);
    CHECK(checks[0].member == 2);
}
