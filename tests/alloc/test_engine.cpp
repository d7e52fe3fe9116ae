// Scenario and bad-input tests of the allocation engine, with a fake time: every timed
// behaviour (warning, extension, power off, no-show release, queue offer and expiry, restart
// in the middle of a session) and every refusal rule. Layer: tests/alloc (unit).
#include <doctest/doctest.h>

#include "alloc_fixture.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <set>

using namespace etabli;
using namespace etabli::alloc;
using namespace etabli::alloc::testing;
using namespace std::chrono;
using K = Action::Kind;

namespace {

constexpr MemberId kLea = 10, kZoe = 11, kNoe = 12, kExpired = 13, kStranger = 14, kHost = 99;
constexpr MachineId kLaser = 1, kPrusaA = 2, kPrusaB = 3;

EngineState workshop() {
    EngineState s;
    Machine laser{kLaser, "Laser", "laser", std::nullopt, MachineStatus::available, {kLea, kZoe, kNoe, kExpired, kHost}, {}, false, std::nullopt};
    laser.rules.quota_per_week = hours{6};
    Machine a{kPrusaA, "Prusa A", "3d", "3D printers", MachineStatus::available, {kLea, kZoe, kNoe, kHost}, {}, false, std::nullopt};
    a.rules.buffer_after = minutes{10};
    a.rules.max_length = hours{4};
    a.rules.quota_per_week = hours{4};
    a.rules.quota_scope = QuotaScope::pool;
    Machine b = a;
    b.id = kPrusaB;
    b.name = "Prusa B";
    s.machines = {laser, a, b};
    for (int d = 1; d <= 5; ++d) s.hours.weekly[d] = {{14 * 60, 20 * 60}};
    s.hours.weekly[6] = {{10 * 60, 18 * 60}};
    s.hours.exceptions[core::Date{year{2026} / December / 8}] = {};
    s.members = {member(kLea), member(kZoe), member(kNoe), member(kStranger), member(kHost, core::Role::host),
                 MemberInfo{kExpired, core::Role::member, core::Date{year{2026} / November / 30}}};
    return s;
}

struct Fixture {
    FakeParis zone;
    Timestamp now;
    Engine engine;
    explicit Fixture(const char* start = "2026-12-01 13:00", std::vector<Booking> past = {})  // a Tuesday
        : now(at(zone, start)), engine(with(std::move(past)), zone, now) {}
    static EngineState with(std::vector<Booking> past) {
        EngineState s = workshop();
        s.bookings = std::move(past);
        return s;
    }

    // Moves the fake time and runs the due deadlines, as the Station loop does.
    Changes go(const std::string& when) {
        now = at(zone, when);
        return engine.tick(now);
    }
    std::expected<Changes, core::Problem> book(MachineId m, MemberId who, const std::string& from,
                                               const std::string& to, MemberId actor = 0) {
        return engine.book(BookingRequest{m, who, at(zone, from), at(zone, to), actor ? actor : who}, now);
    }
    BookingId booked(MachineId m, MemberId who, const std::string& from, const std::string& to) {
        auto r = book(m, who, from, to);
        REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().english()));
        return r->bookings.front().id;
    }
};

std::vector<K> kinds(const Changes& c) {
    std::vector<K> out;
    for (const auto& a : c.actions) out.push_back(a.kind);
    return out;
}

std::string refusal(const std::expected<Changes, core::Problem>& r) {
    REQUIRE_FALSE(r.has_value());
    return r.error().english();
}

}  // namespace

TEST_CASE("a booking holds its slot, a second one overlapping is refused, cancelling frees it") {
    Fixture f;
    const BookingId id = f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    CHECK(refusal(f.book(kLaser, kZoe, "2026-12-01 15:45", "2026-12-01 16:30")) ==
          "Laser is already booked from 2026-12-01 15:00 to 2026-12-01 16:00");
    CHECK(f.book(kLaser, kZoe, "2026-12-01 16:00", "2026-12-01 16:30"));  // touching is fine
    auto c = f.engine.cancel(id, kLea, std::nullopt, f.now);
    REQUIRE(c);
    CHECK(c->bookings.front().state == BookingState::cancelled);
    CHECK(f.book(kLaser, kZoe, "2026-12-01 15:00", "2026-12-01 16:00"));
}

TEST_CASE("buffers after a booking keep the next one away") {
    Fixture f;
    f.booked(kPrusaA, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    CHECK(refusal(f.book(kPrusaA, kZoe, "2026-12-01 16:00", "2026-12-01 17:00")) ==
          "Prusa A is already booked from 2026-12-01 15:00 to 2026-12-01 16:00, and needs 10 min free after each booking");
    CHECK(refusal(f.book(kPrusaA, kZoe, "2026-12-01 14:00", "2026-12-01 14:55")).find("grid") != std::string::npos);
    CHECK(refusal(f.book(kPrusaA, kZoe, "2026-12-01 14:00", "2026-12-01 15:00")).find("needs 10 min free") !=
          std::string::npos);
    CHECK(f.book(kPrusaA, kZoe, "2026-12-01 16:15", "2026-12-01 17:00"));
}

TEST_CASE("a booked session: early start, warning, power off at the end, then the next member") {
    Fixture f;
    const BookingId lea = f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    f.booked(kLaser, kZoe, "2026-12-01 16:00", "2026-12-01 17:00");
    f.go("2026-12-01 14:49");
    // 11 minutes early is not the booking's time yet, and not a walk-in either.
    CHECK(refusal(f.engine.access(kLaser, kLea, f.now)).find("Laser is already booked") != std::string::npos);
    f.go("2026-12-01 14:50");
    auto s = f.engine.access(kLaser, kLea, f.now);
    REQUIRE(s);
    CHECK(kinds(*s) == std::vector{K::power_on});
    CHECK(s->actions[0].until == at(f.zone, "2026-12-01 16:00"));
    CHECK(f.engine.booking(lea)->start == at(f.zone, "2026-12-01 14:50"));
    CHECK(f.engine.booking(lea)->state == BookingState::active);
    CHECK(f.engine.next_deadline() == at(f.zone, "2026-12-01 15:55"));
    auto w = f.go("2026-12-01 15:55");
    CHECK(kinds(w) == std::vector{K::warn});  // next slot taken by Zoé: no extension
    CHECK(w.actions[0].until == at(f.zone, "2026-12-01 16:00"));
    auto off = f.go("2026-12-01 16:00");
    CHECK(kinds(off) == std::vector{K::power_off});
    REQUIRE(off.sessions.size() == 1);
    CHECK(off.sessions[0].ended == at(f.zone, "2026-12-01 16:00"));
    CHECK(off.sessions[0].end_reason == SessionEnd::allowed_end);
    CHECK(f.engine.booking(lea)->state == BookingState::completed);
    CHECK(f.engine.access(kLaser, kZoe, f.now));
}

TEST_CASE("the session is extended one slot at a time while the next slot is free and the quota allows") {
    Fixture f;
    f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    f.booked(kLaser, kZoe, "2026-12-01 16:30", "2026-12-01 17:00");
    f.go("2026-12-01 15:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    auto x = f.go("2026-12-01 15:55");
    REQUIRE(kinds(x) == std::vector{K::renew_lease});
    CHECK(x.actions[0].until == at(f.zone, "2026-12-01 16:15"));
    CHECK(kinds(f.go("2026-12-01 16:10")) == std::vector{K::renew_lease});
    CHECK(f.engine.session_on(kLaser)->allowed_until == at(f.zone, "2026-12-01 16:30"));
    CHECK(kinds(f.go("2026-12-01 16:25")) == std::vector{K::warn});
    CHECK(kinds(f.go("2026-12-01 16:30")) == std::vector{K::power_off});
}

TEST_CASE("no extension beyond the quota, and a member who badges again ends the session") {
    // 5 h 30 used this week on the laser (quota 6 h), as loaded from the store.
    FakeParis z;
    auto used = [&](BookingId id, const char* from, const char* to) {
        return Booking{id, kLaser, kLea, at(z, from), at(z, to), BookingState::completed, kLea, false, std::nullopt,
                       at(z, from), std::nullopt, false};
    };
    Fixture f{"2026-12-01 13:00", {used(1, "2026-11-28 10:00", "2026-11-28 12:00"),
                                   used(2, "2026-11-28 13:00", "2026-11-28 16:30")}};
    CHECK(f.engine.next_ids().booking == 3);
    f.go("2026-12-01 14:00");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00")) ==
          "Quota reached: this would make 6 h 30 on Laser in the 7 days before 2026-12-01 16:00, and the limit is 6 h");
    const BookingId b = f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 15:30");
    f.go("2026-12-01 15:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    CHECK(kinds(f.go("2026-12-01 15:25")) == std::vector{K::warn});
    f.go("2026-12-01 15:27");
    auto end = f.engine.access(kLaser, kLea, f.now);
    REQUIRE(end);
    CHECK(kinds(*end) == std::vector{K::power_off});
    CHECK(end->sessions[0].end_reason == SessionEnd::badge);
    CHECK(f.engine.booking(b)->end == at(f.zone, "2026-12-01 15:27"));
}

TEST_CASE("a walk-in runs until the next booking, closing, or the maximum length") {
    Fixture f;
    f.booked(kLaser, kZoe, "2026-12-01 16:00", "2026-12-01 17:00");
    f.go("2026-12-01 14:05");
    auto s = f.engine.access(kLaser, kLea, f.now);
    REQUIRE(s);
    CHECK(s->actions[0].until == at(f.zone, "2026-12-01 16:00"));
    CHECK(s->bookings.front().walk_in);
    CHECK(refusal(f.engine.access(kLaser, kNoe, f.now)) == "Laser is in use until 2026-12-01 16:00");
    f.go("2026-12-01 15:50");  // the warning was due at 15:55: not yet
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    // 10 minutes before Zoé's booking: less than the 15-minute minimum.
    CHECK(refusal(f.engine.access(kLaser, kNoe, f.now)).find("already booked from 2026-12-01 16:00") != std::string::npos);
    f.go("2026-12-01 19:00");
    auto late = f.engine.access(kLaser, kNoe, f.now);
    REQUIRE(late);
    CHECK(late->actions[0].until == at(f.zone, "2026-12-01 20:00"));  // closing
    f.go("2026-12-01 19:50");
    REQUIRE(f.engine.access(kLaser, kNoe, f.now));  // Noé badges again: the end
    CHECK(refusal(f.engine.access(kLaser, kLea, f.now)) ==
          "Outside opening hours: the workshop is closed at 2026-12-01 20:00");
}

TEST_CASE("no-show: the booking is released after the delay and the machine goes to the queue") {
    Fixture f;
    const BookingId b = f.booked(kLaser, kZoe, "2026-12-01 15:00", "2026-12-01 16:00");
    f.go("2026-12-01 14:50");
    auto j = f.engine.join_queue(kNoe, QueueTarget{kLaser, std::nullopt}, f.now);
    REQUIRE(j);
    CHECK(j->actions.empty());  // only 10 min before Zoé's booking: nothing to offer
    auto places = f.engine.queue_places(QueueTarget{kLaser, std::nullopt}, f.now);
    REQUIRE(places.size() == 1);
    CHECK(places[0].position == 1);
    CHECK(places[0].estimated_wait == minutes{70});
    auto r = f.go("2026-12-01 15:15");
    CHECK(kinds(r) == std::vector{K::release_no_show, K::offer});
    CHECK(f.engine.booking(b)->state == BookingState::no_show);
    CHECK(r.actions[1].member == kNoe);
    CHECK(r.actions[1].until == at(f.zone, "2026-12-01 15:25"));
    // Someone else may not take the held machine; Noé may.
    CHECK(refusal(f.engine.access(kLaser, kLea, f.now)) ==
          "Laser is held for the next member in the queue until 2026-12-01 15:25");
    auto s = f.engine.access(kLaser, kNoe, f.now);
    REQUIRE(s);
    CHECK(s->queue_removed.size() == 1);
}

TEST_CASE("queue offers lapse after the hold and pass to the next member; pools offer any free machine") {
    Fixture f;
    f.go("2026-12-01 14:00");
    REQUIRE(f.engine.access(kPrusaA, kLea, f.now));
    REQUIRE(f.engine.access(kPrusaB, kZoe, f.now));
    REQUIRE(f.engine.join_queue(kNoe, QueueTarget{std::nullopt, "3D printers"}, f.now));
    REQUIRE(f.engine.join_queue(kHost, QueueTarget{std::nullopt, "3D printers"}, f.now));
    CHECK(refusal(f.engine.join_queue(kNoe, QueueTarget{std::nullopt, "3D printers"}, f.now)) ==
          "Already in the queue for 3D printers");
    f.go("2026-12-01 14:30");
    auto out = f.engine.access(kPrusaB, kZoe, f.now);
    REQUIRE(out);
    CHECK(kinds(*out) == std::vector{K::power_off});  // the 10-minute buffer first
    CHECK(f.engine.next_deadline() == at(f.zone, "2026-12-01 14:40"));
    auto o = f.go("2026-12-01 14:40");
    REQUIRE(kinds(o) == std::vector{K::offer});
    CHECK(o.actions[0].member == kNoe);
    CHECK(o.actions[0].machine == kPrusaB);
    auto lapse = f.go("2026-12-01 14:50");
    REQUIRE(kinds(lapse) == std::vector{K::expire_offer, K::offer});
    CHECK(lapse.actions[1].member == kHost);
    CHECK(f.engine.queue_places(QueueTarget{std::nullopt, "3D printers"}, f.now).size() == 1);
    REQUIRE(f.engine.leave_queue(kHost, QueueTarget{std::nullopt, "3D printers"}, f.now));
    CHECK(f.engine.next_deadline() == at(f.zone, "2026-12-01 17:55"));  // Léa's warning (4 h walk-in)
}

TEST_CASE("nobody is extended while members wait in the queue") {
    Fixture f;
    f.go("2026-12-01 14:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));  // walk-in to 16:00
    REQUIRE(f.engine.join_queue(kZoe, QueueTarget{kLaser, std::nullopt}, f.now));
    CHECK(kinds(f.go("2026-12-01 15:55")) == std::vector{K::warn});
    CHECK(kinds(f.go("2026-12-01 16:00")) == std::vector{K::power_off, K::offer});
}

TEST_CASE("a queue left at closing time is offered the machine when the workshop opens") {
    Fixture f("2026-12-07 19:00");  // a Monday; closed all day on Tuesday 8 December
    REQUIRE(f.engine.access(kLaser, kLea, f.now));  // walk-in to closing time, 20:00
    REQUIRE(f.engine.join_queue(kNoe, QueueTarget{kLaser, std::nullopt}, f.now));
    CHECK(kinds(f.go("2026-12-07 20:00")) == std::vector{K::warn, K::power_off});  // free, but closed
    // The next look at the queue is the next opening: Wednesday 14:00, not the closed Tuesday.
    CHECK(f.engine.next_deadline() == at(f.zone, "2026-12-09 14:00"));
    CHECK(f.go("2026-12-09 13:59").actions.empty());
    auto o = f.go("2026-12-09 14:00");
    REQUIRE(kinds(o) == std::vector{K::offer});
    CHECK(o.actions[0].member == kNoe);
    CHECK(o.actions[0].until == at(f.zone, "2026-12-09 14:10"));

    SUBCASE("nobody waiting: no look at the opening") {
        Fixture g("2026-12-07 19:00");
        REQUIRE(g.engine.join_queue(kNoe, QueueTarget{kLaser, std::nullopt}, g.now));  // offered at once
        REQUIRE(g.engine.access(kLaser, kNoe, g.now));
        REQUIRE(g.engine.join_queue(kZoe, QueueTarget{kLaser, std::nullopt}, g.now));
        REQUIRE(g.engine.leave_queue(kZoe, QueueTarget{kLaser, std::nullopt}, g.now));
        g.go("2026-12-07 20:00");
        CHECK_FALSE(g.engine.next_deadline());
    }
}

TEST_CASE("restart in the middle of a session: resume before its end, close after it") {
    Fixture f;
    f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    f.go("2026-12-01 15:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    f.booked(kLaser, kZoe, "2026-12-01 16:00", "2026-12-01 17:00");
    const EngineState saved = f.engine.snapshot();
    {
        const Timestamp t = at(f.zone, "2026-12-01 15:20");
        Engine again{saved, f.zone, t};
        auto r = again.resume(t);
        REQUIRE(kinds(r) == std::vector{K::power_on});
        CHECK(r.actions[0].until == at(f.zone, "2026-12-01 16:00"));
        CHECK(again.next_deadline() == at(f.zone, "2026-12-01 15:55"));
    }
    {
        const Timestamp t = at(f.zone, "2026-12-01 15:57");  // the warning passed while down
        Engine again{saved, f.zone, t};
        CHECK(kinds(again.resume(t)) == std::vector{K::power_on, K::warn});
    }
    {
        const Timestamp t = at(f.zone, "2026-12-01 16:40");
        Engine again{saved, f.zone, t};
        auto r = again.resume(t);
        CHECK(kinds(r) == std::vector{K::power_off, K::release_no_show});  // Zoé did not come either
        REQUIRE(!r.sessions.empty());
        CHECK(r.sessions[0].ended == at(f.zone, "2026-12-01 16:00"));
        CHECK(r.sessions[0].end_reason == SessionEnd::station_down);
        CHECK(again.snapshot().sessions.empty());
    }
}

TEST_CASE("find me a slot: the three earliest free slots of a pool, in hours, around buffers") {
    Fixture f;
    f.booked(kPrusaA, kLea, "2026-12-01 14:00", "2026-12-01 16:00");
    f.booked(kPrusaB, kZoe, "2026-12-01 14:00", "2026-12-01 18:00");
    auto slots = f.engine.find_slots(SlotQuery{QueueTarget{std::nullopt, "3D printers"}, hours{2}, f.now, kNoe, 3}, f.now);
    REQUIRE(slots);
    REQUIRE(slots->size() == 3);
    CHECK((*slots)[0] == Slot{kPrusaA, at(f.zone, "2026-12-01 16:15"), at(f.zone, "2026-12-01 18:15")});
    CHECK((*slots)[1] == Slot{kPrusaA, at(f.zone, "2026-12-02 14:00"), at(f.zone, "2026-12-02 16:00")});
    CHECK((*slots)[2] == Slot{kPrusaB, at(f.zone, "2026-12-02 14:00"), at(f.zone, "2026-12-02 16:00")});
    // A member's quota (4 h on the pool) shapes the answer.
    f.booked(kPrusaB, kNoe, "2026-12-02 14:00", "2026-12-02 17:00");
    auto q = f.engine.find_slots(SlotQuery{QueueTarget{kPrusaA, std::nullopt}, hours{2}, f.now, kNoe, 1}, f.now);
    REQUIRE(q);
    REQUIRE(q->size() == 1);
    CHECK((*q)[0].start == at(f.zone, "2026-12-09 14:00"));  // 3 h until Dec 9 14:00 leaves the window
}

TEST_CASE("hosts: book outside hours for members, cancel with a reason the member sees once") {
    Fixture f;
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 21:00", "2026-12-01 22:00")) ==
          "Outside opening hours: the workshop is closed at 2026-12-01 21:00");
    auto hb = f.book(kLaser, kLea, "2026-12-01 21:00", "2026-12-01 22:00", kHost);
    REQUIRE(hb);
    const BookingId id = hb->bookings.front().id;
    CHECK(hb->bookings.front().created_by == kHost);
    CHECK(refusal(f.engine.cancel(id, kZoe, std::nullopt, f.now)) ==
          "Only the member who booked or a host can change booking 1");
    CHECK(refusal(f.engine.cancel(id, kHost, std::nullopt, f.now)) ==
          "Give a reason: the member will see it at their next badge-in");
    REQUIRE(f.engine.cancel(id, kHost, "laser tube replaced", f.now));
    auto n = f.engine.take_notices(kLea);
    REQUIRE(n.bookings.size() == 1);
    CHECK(n.bookings[0].host_note == "laser tube replaced");
    CHECK(f.engine.take_notices(kLea).bookings.empty());
}

TEST_CASE("maintenance ends the running session and refuses members") {
    Fixture f;
    f.go("2026-12-01 14:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    CHECK(refusal(f.engine.set_status(kLaser, MachineStatus::maintenance, kLea, f.now)) == "Only a host can change Laser");
    auto m = f.engine.set_status(kLaser, MachineStatus::maintenance, kHost, f.now);
    REQUIRE(m);
    CHECK(kinds(*m) == std::vector{K::power_off});
    CHECK(refusal(f.engine.access(kLaser, kZoe, f.now)) == "Laser is under maintenance");
    CHECK(refusal(f.book(kLaser, kZoe, "2026-12-02 15:00", "2026-12-02 16:00")) == "Laser is under maintenance");
    REQUIRE(f.engine.set_status(kLaser, MachineStatus::out_of_order, kHost, f.now));
    CHECK(refusal(f.engine.access(kLaser, kZoe, f.now)) == "Laser is out of order");
}

TEST_CASE("a controller fault ends the session; a host may stop it, another member may not") {
    Fixture f;
    f.go("2026-12-01 14:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    CHECK(refusal(f.engine.end_session(kLaser, kZoe, SessionEnd::host, f.now)) ==
          "Only the member using it or a host can stop Laser");
    auto x = f.engine.end_session(kLaser, 0, SessionEnd::fault, f.now);
    REQUIRE(x);
    CHECK(x->sessions[0].end_reason == SessionEnd::fault);
    CHECK(refusal(f.engine.end_session(kLaser, kHost, SessionEnd::host, f.now)) == "Nothing is running on Laser");
}

TEST_CASE("a member extends a running session by hand") {
    Fixture f;
    f.booked(kLaser, kZoe, "2026-12-01 16:30", "2026-12-01 17:00");
    const BookingId b = f.booked(kLaser, kLea, "2026-12-01 14:00", "2026-12-01 15:00");
    f.go("2026-12-01 14:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    auto e = f.engine.extend(b, at(f.zone, "2026-12-01 16:00"), kLea, f.now);
    REQUIRE(e);
    CHECK(kinds(*e) == std::vector{K::renew_lease});
    CHECK(refusal(f.engine.extend(b, at(f.zone, "2026-12-01 16:45"), kLea, f.now)).find("already booked") !=
          std::string::npos);
    CHECK(refusal(f.engine.extend(b, at(f.zone, "2026-12-01 16:10"), kLea, f.now)).find("grid") != std::string::npos);
}

TEST_CASE("bad input is refused with the rule and its numbers") {
    Fixture f;
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 16:00", "2026-12-01 15:00")) ==
          "The end (2026-12-01 15:00) must come after the start (2026-12-01 16:00)");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 16:00", "2026-12-01 16:00")) ==
          "The end (2026-12-01 16:00) must come after the start (2026-12-01 16:00)");
    // Shorter than the minimum: said so with the minimum, not as off the grid.
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 14:00", "2026-12-01 14:10")) ==
          "Too short: 10 min; Laser takes bookings of 15 min to 2 h");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 14:00", "2026-12-01 14:20")).find("grid") != std::string::npos);
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 14:00", "2026-12-01 17:00")) ==
          "Too long: 3 h; Laser takes bookings of 15 min to 2 h");
    CHECK(refusal(f.book(kLaser, kLea, "2026-11-30 14:00", "2026-11-30 15:00")) == "2026-11-30 14:00 is already past");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-16 14:00", "2026-12-16 15:00")) ==
          "Too far ahead: Laser takes bookings up to 14 days ahead, until 2026-12-15 13:00");
    CHECK(f.book(kLaser, kLea, "2026-12-16 14:00", "2026-12-16 15:00", kHost));  // hosts plan further
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-08 14:00", "2026-12-08 15:00")) ==
          "Outside opening hours: the workshop is closed at 2026-12-08 14:00");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 19:30", "2026-12-01 20:30")) ==
          "Outside opening hours: the workshop is closed at 2026-12-01 20:00");
    CHECK(refusal(f.book(42, kLea, "2026-12-01 15:00", "2026-12-01 16:00")) == "No machine has the number 42");
    CHECK(refusal(f.book(kLaser, 4242, "2026-12-01 15:00", "2026-12-01 16:00")) == "No member has the number 4242");
    CHECK(refusal(f.book(kLaser, kStranger, "2026-12-01 15:00", "2026-12-01 16:00")) ==
          "Not authorised on Laser: a host authorises members after their training");
    CHECK(refusal(f.book(kLaser, kExpired, "2026-12-01 15:00", "2026-12-01 16:00")) ==
          "Membership ends on 2026-11-30, before 2026-12-01 15:00: renew it with a host");
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00", kZoe)) ==
          "Only a host can act for another member");
    CHECK(refusal(f.engine.access(kLaser, kExpired, f.now)) == "Membership expired on 2026-11-30: renew it with a host");
    CHECK(refusal(f.engine.access(kLaser, kLea, f.now)) ==
          "Outside opening hours: the workshop is closed at 2026-12-01 13:00");
    CHECK(refusal(f.engine.cancel(77, kLea, std::nullopt, f.now)) == "No booking has the number 77");
    CHECK(refusal(f.engine.join_queue(kLea, QueueTarget{std::nullopt, "Lathes"}, f.now)) == "No pool is named Lathes");
    CHECK(refusal(f.engine.leave_queue(kLea, QueueTarget{kLaser, std::nullopt}, f.now)) == "Not in the queue for Laser");
    Machine laser = *f.engine.machine(kLaser);
    laser.rules.min_length = minutes{30};
    REQUIRE(f.engine.set_machine(laser, f.now));
    CHECK(refusal(f.book(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 15:15")) ==
          "Too short: 15 min; Laser takes bookings of 30 min to 2 h");
    // A move obeys the same rules, and a booking can only be cancelled once.
    const BookingId id = f.booked(kLaser, kLea, "2026-12-01 15:00", "2026-12-01 16:00");
    CHECK(refusal(f.engine.move(id, at(f.zone, "2026-12-01 19:00"), at(f.zone, "2026-12-01 20:30"), kLea,
                                std::nullopt, f.now)) == "Outside opening hours: the workshop is closed at 2026-12-01 20:00");
    REQUIRE(f.engine.move(id, at(f.zone, "2026-12-01 18:00"), at(f.zone, "2026-12-01 19:00"), kLea, std::nullopt, f.now));
    REQUIRE(f.engine.cancel(id, kLea, std::nullopt, f.now));
    CHECK(refusal(f.engine.cancel(id, kLea, std::nullopt, f.now)) ==
          "Booking " + std::to_string(id) + " is already cancelled");
}

TEST_CASE("a request may leave a deadline due at its own now: requests at that now go on, the next tick takes it") {
    // With no grace, a booking that starts now is due for release now. The Station ticks
    // before each request; two requests at the same second (or a test) may not tick between.
    FakeParis zone;
    const Timestamp now = at(zone, "2026-12-01 15:00");
    EngineState s = workshop();
    s.machines[0].rules.no_show_release = minutes{0};
    Engine engine(s, zone, now);
    REQUIRE(engine.book(BookingRequest{kLaser, kLea, now, now + hours{1}, kLea}, now));
    REQUIRE(engine.next_deadline() == now);
    // Decided on the state as it stands: Léa's booking still holds the slot (asserts on,
    // this aborted before).
    CHECK(refusal(engine.book(BookingRequest{kLaser, kZoe, now, now + hours{1}, kZoe}, now)) ==
          "Laser is already booked from 2026-12-01 15:00 to 2026-12-01 16:00");
    const Changes t = engine.tick(now);
    CHECK(kinds(t) == std::vector<K>{K::release_no_show});
    CHECK_FALSE(engine.next_deadline() == now);
    CHECK(engine.book(BookingRequest{kLaser, kZoe, now, now + hours{1}, kZoe}, now));
}

TEST_CASE("numbered deadlines: by time, then by name as text, as Deadlines orders \"noshow:<n>\"") {
    CHECK(NumberedDeadlines::text_less(10, 9));
    CHECK(NumberedDeadlines::text_less(1, 10));
    CHECK_FALSE(NumberedDeadlines::text_less(10, 1));
    CHECK_FALSE(NumberedDeadlines::text_less(7, 7));
    CHECK(NumberedDeadlines::text_less(123, 13));
    // 19 digits: the shorter one scaled up must not overflow.
    CHECK(NumberedDeadlines::text_less(1'000'000'000'000'000'000, 2));
    CHECK(NumberedDeadlines::text_less(9'000'000'000'000'000'000, 95));
    CHECK_FALSE(NumberedDeadlines::text_less(95, 9'000'000'000'000'000'000));
    const Timestamp t0{seconds{1'000'000}};
    NumberedDeadlines n;
    Deadlines d;
    for (std::int64_t id : {9, 10, 100, 2, 11, 1}) {
        const Timestamp at = t0 + seconds{id == 2 ? 60 : 0};
        n.schedule(id, at);
        d.schedule("noshow:" + std::to_string(id), at);
    }
    n.schedule(11, t0 + seconds{30});  // moved
    d.schedule("noshow:11", t0 + seconds{30});
    n.cancel(100);
    d.cancel("noshow:100");
    CHECK(n.size() == d.size());
    CHECK(n.when(11) == t0 + seconds{30});
    std::vector<std::string> got;
    while (auto e = n.take_next(t0 + seconds{60})) got.push_back("noshow:" + std::to_string(e->second));
    CHECK(got == d.take_due(t0 + seconds{60}));
    CHECK(got == std::vector<std::string>{"noshow:1", "noshow:10", "noshow:9", "noshow:11", "noshow:2"});
    CHECK_FALSE(n.next());
}

TEST_CASE("numbered deadlines: the same answers as Deadlines over months of random schedules, moves and cancels") {
    // Deadlines spread over weeks, taken as time moves by hours or days: the heap of the
    // next day's deadlines runs out and refills from the later ones many times.
    for (const unsigned seed : {1U, 2U, 3U}) {
        std::mt19937 rng(seed);
        const Timestamp t0{seconds{1'700'000'000}};
        NumberedDeadlines n;
        Deadlines d;
        Timestamp now = t0;
        for (int step = 0; step < 20'000; ++step) {
            const int op = std::uniform_int_distribution<int>(0, 9)(rng);
            const std::int64_t id = std::uniform_int_distribution<std::int64_t>(0, 300)(rng);
            if (op < 6) {
                // Mostly within two days, some weeks ahead; whole minutes now and then, so
                // that several deadlines fall on one second.
                const long span = op < 4 ? 2L * 86'400 : 40L * 86'400;
                const auto ahead = std::uniform_int_distribution<long>(0, span)(rng);
                const Timestamp at = now + seconds{op == 0 ? ahead / 60 * 60 : ahead};
                n.schedule(id, at);
                d.schedule("noshow:" + std::to_string(id), at);
            } else if (op < 8) {
                n.cancel(id);
                d.cancel("noshow:" + std::to_string(id));
            } else {
                now += seconds{std::uniform_int_distribution<long>(0, op == 8 ? 1'800 : 86'400)(rng)};
                std::vector<std::string> got;
                while (auto e = n.take_next(now)) got.push_back("noshow:" + std::to_string(e->second));
                REQUIRE(got == d.take_due(now));
            }
            REQUIRE(n.size() == d.size());
            REQUIRE((n.next() ? std::optional{n.next()->first} : std::nullopt) == d.next());
            REQUIRE(n.when(id) == d.when("noshow:" + std::to_string(id)));
        }
    }
}

// [Checks between users] ------------------------------------------------------------------

namespace {
// The laser with a check after use by a member who may use it.
void with_check(Fixture& f, CheckLevel level = CheckLevel::user) {
    Machine m = *f.engine.machine(kLaser);
    m.rules.check_after_use = level;
    REQUIRE(f.engine.set_machine(m, f.now));
}
}  // namespace

TEST_CASE("a machine with a check after use stays locked after each use until the check is confirmed") {
    Fixture f("2026-12-01 15:00");
    with_check(f);
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    f.go("2026-12-01 15:20");
    auto end = f.engine.access(kLaser, kLea, f.now);  // Léa badges again: her session ends
    REQUIRE(end);
    CHECK(kinds(*end) == std::vector{K::power_off});
    REQUIRE(end->machines.size() == 1);
    CHECK(end->machines[0].awaiting_check);
    CHECK(f.engine.machine(kLaser)->awaiting_check);
    CHECK(refusal(f.engine.access(kLaser, kZoe, f.now)) == "Laser waits for its check after use");
    CHECK(refusal(f.engine.access(kLaser, kLea, f.now)) == "Laser waits for its check after use");
    // Nor is it offered to the queue while it waits.
    REQUIRE(f.engine.join_queue(kZoe, QueueTarget{kLaser, std::nullopt}, f.now));
    CHECK_FALSE(f.engine.queue().begin()->second.offered);
    auto ok = f.engine.machine_checked(kLaser, true, std::nullopt, f.now);
    REQUIRE(ok);
    CHECK_FALSE(f.engine.machine(kLaser)->awaiting_check);
    CHECK(kinds(*ok) == std::vector{K::offer});  // the queue gets it at once
    CHECK(refusal(f.engine.machine_checked(kLaser, true, std::nullopt, f.now)) == "Laser is not waiting for a check");
    CHECK(f.engine.access(kLaser, kZoe, f.now));
}

TEST_CASE("a check that finds a problem puts the machine into maintenance with its note; any end locks it") {
    Fixture f("2026-12-01 15:00");
    with_check(f, CheckLevel::host);
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    f.go("2026-12-01 15:30");
    REQUIRE(f.engine.end_session(kLaser, kHost, SessionEnd::host, f.now));  // a host stops it: locked too
    CHECK(f.engine.machine(kLaser)->awaiting_check);
    auto bad = f.engine.machine_checked(kLaser, false, std::string("lentille sale"), f.now);
    REQUIRE(bad);
    const Machine* m = f.engine.machine(kLaser);
    CHECK(m->status == MachineStatus::maintenance);
    CHECK(m->check_note == "lentille sale");
    CHECK_FALSE(m->awaiting_check);
    CHECK(refusal(f.engine.access(kLaser, kZoe, f.now)) == "Laser is under maintenance");
    REQUIRE(f.engine.set_status(kLaser, MachineStatus::available, kHost, f.now));
    CHECK_FALSE(f.engine.machine(kLaser)->check_note);
    REQUIRE(f.engine.access(kLaser, kZoe, f.now));
    f.go("2026-12-01 20:00");  // extended slot by slot up to closing time, then the power goes off: locked
    CHECK_FALSE(f.engine.session_on(kLaser));
    CHECK(f.engine.machine(kLaser)->awaiting_check);
    with_check(f, CheckLevel::none);  // turning the check off frees it
    CHECK_FALSE(f.engine.machine(kLaser)->awaiting_check);
}

TEST_CASE("a handover passes a running session to the next member without a cut, within 60 s of the offer") {
    Fixture f("2026-12-01 15:00");
    with_check(f);
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    const SessionId first = f.engine.session_on(kLaser)->id;
    CHECK(refusal(f.engine.offer_handover(kLaser, kZoe, f.now)) == "Only the member using Laser can hand it over");
    f.go("2026-12-01 15:30");
    auto offered = f.engine.offer_handover(kLaser, kLea, f.now);
    REQUIRE(offered);
    CHECK(offered->actions.empty());
    CHECK(f.engine.session_on(kLaser)->handover_until == f.now + seconds{60});
    // A member who may not use it cannot take it.
    CHECK(refusal(f.engine.access(kLaser, kStranger, f.now)).find("Not authorised on Laser") == 0);
    f.now += seconds{59};
    auto taken = f.engine.access(kLaser, kZoe, f.now);
    REQUIRE(taken);
    CHECK(kinds(*taken) == std::vector{K::handover});  // no power_off, no power_on
    const Session* s = f.engine.session_on(kLaser);
    REQUIRE(s);
    CHECK(s->member == kZoe);
    CHECK(s->id != first);
    CHECK(taken->actions[0].session == s->id);
    CHECK(taken->actions[0].member == kZoe);
    CHECK_FALSE(f.engine.machine(kLaser)->awaiting_check);  // both were at the machine: no check between them
    bool ended = false;
    for (const auto& row : taken->sessions)
        if (row.id == first) ended = row.end_reason == SessionEnd::handover && row.ended == f.now;
    CHECK(ended);
    CHECK(f.engine.booking(s->booking)->walk_in);
    CHECK(f.engine.booking(s->booking)->member == kZoe);
    CHECK(f.engine.booking(s->booking)->start == f.now);
}

TEST_CASE("a handover offer lapses after 60 s, and a machine with a buffer between uses cannot be handed over") {
    Fixture f("2026-12-01 15:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    REQUIRE(f.engine.offer_handover(kLaser, kLea, f.now));
    f.now += seconds{61};
    CHECK(refusal(f.engine.access(kLaser, kZoe, f.now)).find("Laser is in use until") == 0);
    CHECK(f.engine.session_on(kLaser)->member == kLea);  // she goes on
    REQUIRE(f.engine.access(kPrusaA, kZoe, f.now));
    CHECK(refusal(f.engine.offer_handover(kPrusaA, kZoe, f.now)) ==
          "Prusa A needs 10 min between two uses: it cannot be handed over");
}

TEST_CASE("a handover to a member whose own booking comes next starts that booking now; a queue or a PIN refuses the offer") {
    Fixture f("2026-12-01 15:00");
    const BookingId zoe = f.booked(kLaser, kZoe, "2026-12-01 16:00", "2026-12-01 17:00");
    REQUIRE(f.engine.access(kLaser, kLea, f.now));
    f.go("2026-12-01 15:55");  // Léa was warned: Zoé's booking is next
    REQUIRE(f.engine.offer_handover(kLaser, kLea, f.now));
    auto taken = f.engine.access(kLaser, kZoe, f.now);
    REQUIRE_MESSAGE(taken, (taken ? "" : taken.error().english()));
    CHECK(kinds(*taken) == std::vector{K::handover});
    const Session* s = f.engine.session_on(kLaser);
    REQUIRE(s);
    CHECK(s->booking == zoe);  // her own booking, started 5 min early
    CHECK(f.engine.booking(zoe)->start == f.now);
    CHECK(f.engine.booking(zoe)->state == BookingState::active);
    CHECK(s->allowed_until == at(f.zone, "2026-12-01 17:00"));

    // Members waiting for the machine come first; a machine that needs a PIN is started at the kiosk.
    REQUIRE(f.engine.join_queue(kNoe, QueueTarget{kLaser, std::nullopt}, f.now));
    CHECK(refusal(f.engine.offer_handover(kLaser, kZoe, f.now)) ==
          "Members are waiting for Laser: it goes to the queue when you stop");
    REQUIRE(f.engine.leave_queue(kNoe, QueueTarget{kLaser, std::nullopt}, f.now));
    Machine m = *f.engine.machine(kLaser);
    m.rules.pin_required = true;
    REQUIRE(f.engine.set_machine(m, f.now));
    CHECK(refusal(f.engine.offer_handover(kLaser, kZoe, f.now)) ==
          "Laser needs the next member's PIN: it cannot be handed over at its reader");
}

// [Day plans] What the kiosk draws a machine's day from (Engine::plan_day): the same checks
// as book(), start by start and length by length.
TEST_CASE("a day's plan: every length it offers from a start is booked, one step longer is refused") {
    // Zoé on Prusa A today 15:00-16:00 (10 min of buffer after each print); Léa holds 3 h of
    // her 4 h a week on the printers' pool tomorrow.
    auto make = [] {
        auto f = std::make_unique<Fixture>();
        f->booked(kPrusaA, kZoe, "2026-12-01 15:00", "2026-12-01 16:00");
        f->booked(kPrusaB, kLea, "2026-12-02 14:00", "2026-12-02 17:00");
        return f;
    };
    const auto f = make();
    const core::Date today{year{2026} / December / 1};
    auto day = [&](unsigned d) { return core::Date{year{2026} / December / d}; };
    struct Case {
        DayQuery q;
        const char* why;  // what why_none says, if anything
    };
    const std::vector<Case> cases = {
        {{kPrusaA, kLea, kLea, today}, nullptr},                 // past starts, buffers, quota
        {{kPrusaA, kNoe, kHost, today}, nullptr},                // a host for Noé: the whole day
        {{kLaser, kStranger, kStranger, day(2)}, "Not authorised"},
        {{kLaser, kExpired, kExpired, day(2)}, "Membership ends"},
        {{kLaser, kLea, kLea, day(8)}, nullptr},                 // closed that day
        {{kLaser, kLea, kLea, day(16)}, "Too far ahead"},        // past the 14 days
        {{kLaser, kHost, kHost, core::Date{year{2027} / March / 28}}, nullptr},  // 23 hours
    };
    for (const Case& c : cases) {
        CAPTURE(c.q.machine);
        CAPTURE(c.q.member);
        CAPTURE(core::format_date(c.q.day));
        auto plan = f->engine.plan_day(c.q, f->now);
        REQUIRE(plan.has_value());
        CHECK(plan->query == c.q);
        if (c.why) {
            REQUIRE(plan->why_none);
            CHECK(plan->why_none->english().starts_with(c.why));
        } else {
            CHECK_FALSE(plan->why_none);
        }
        const Machine& m = *f->engine.machine(c.q.machine);
        for (const DayStart& d : plan->starts) {
            CHECK(f->zone.local_day(d.start) == c.q.day);
            for (Minutes l = plan->min_length; l <= m.rules.max_length; l += plan->step) {
                const auto g = make();
                const bool booked = g->engine.book(BookingRequest{c.q.machine, c.q.member, d.start, d.start + l, c.q.actor}, g->now).has_value();
                CAPTURE(format_local(f->zone, d.start));
                CAPTURE(l.count());
                CHECK(booked == (l <= d.room));
            }
        }
    }
    auto plan_of = [&](const DayQuery& q) { return f->engine.plan_day(q, f->now).value(); };
    auto start_at = [&](const DayPlan& p, const char* when) {
        const Timestamp t = at(f->zone, when);
        const auto it = std::find_if(p.starts.begin(), p.starts.end(), [&](const DayStart& d) { return d.start == t; });
        REQUIRE(it != p.starts.end());
        return *it;
    };
    {  // Léa today: the opening hours only (14:00-20:00), Zoé's print and its buffer taken.
        const DayPlan p = plan_of({kPrusaA, kLea, kLea, today});
        CHECK(p.starts.size() == 24);
        CHECK(p.later_days);
        CHECK(start_at(p, "2026-12-01 14:00").room == minutes{45});  // ends by 14:50, 10 min before Zoé
        CHECK(start_at(p, "2026-12-01 15:00").taken);
        CHECK(start_at(p, "2026-12-01 16:00").taken);                // the buffer after it
        CHECK_FALSE(start_at(p, "2026-12-01 16:15").taken);
        CHECK(start_at(p, "2026-12-01 16:15").room == hours{1});      // her quota: 1 h left on the pool
    }
    {  // A host for Noé: the whole day, closed hours marked, past starts without room.
        const DayPlan p = plan_of({kPrusaA, kNoe, kHost, today});
        CHECK(p.starts.size() == 96);
        CHECK(start_at(p, "2026-12-01 10:00").room == minutes{0});
        CHECK(start_at(p, "2026-12-01 21:00").closed);
        CHECK(start_at(p, "2026-12-01 21:00").room == hours{4});
    }
    CHECK(plan_of({kLaser, kLea, kLea, day(8)}).starts.empty());
    CHECK(plan_of({kLaser, kLea, kLea, day(14)}).later_days);
    CHECK_FALSE(plan_of({kLaser, kLea, kLea, day(15)}).later_days);
    CHECK(plan_of({kLaser, kHost, kHost, core::Date{year{2027} / March / 28}}).starts.size() == 92);
    CHECK_FALSE(f->engine.plan_day({77, kLea, kLea, today}, f->now));
    CHECK_FALSE(f->engine.plan_day({kLaser, 777, 777, today}, f->now));
}

// [Starts] What the kiosk's Start button shows (Engine::start_refusal, in each day plan): the
// same answer as access() itself, for every member, machine and 5 minutes of an afternoon.
TEST_CASE("start_refusal: a start now is refused exactly when access() refuses it, with the same reason") {
    Fixture f("2026-12-01 13:00");
    with_check(f);  // the laser locks after each use until its check
    f.booked(kPrusaA, kZoe, "2026-12-01 15:00", "2026-12-01 16:00");
    f.booked(kLaser, kLea, "2026-12-01 17:00", "2026-12-01 18:00");
    const std::vector<MemberId> who = {kLea, kZoe, kNoe, kExpired, kStranger, kHost};
    std::set<std::string> reasons;
    long starts = 0;
    for (Timestamp t = f.now; t <= at(f.zone, "2026-12-01 21:30"); t += minutes{5}) {
        f.go(format_local(f.zone, t).substr(0, 16));  // "YYYY-MM-DD HH:MM"
        const std::string hhmm = format_local(f.zone, t).substr(11, 5);
        // What happens meanwhile: Noé's walk-in on Prusa B and Zoé waiting for it; Léa's
        // booked laser session and its check.
        if (hhmm == "14:00") REQUIRE(f.engine.access(kPrusaB, kNoe, f.now));
        if (hhmm == "14:05") REQUIRE(f.engine.join_queue(kZoe, QueueTarget{kPrusaB, std::nullopt}, f.now));
        if (hhmm == "15:30") REQUIRE(f.engine.access(kPrusaB, kNoe, f.now));  // stops: offered to Zoé
        if (hhmm == "16:55") REQUIRE(f.engine.access(kLaser, kLea, f.now));   // 5 min early
        if (hhmm == "17:45") REQUIRE(f.engine.access(kLaser, kLea, f.now));   // she stops: the check
        if (hhmm == "19:00") REQUIRE(f.engine.machine_checked(kLaser, true, std::nullopt, f.now));
        for (const MachineId m : {kLaser, kPrusaA, kPrusaB})
            for (const MemberId id : who) {
                CAPTURE(hhmm);
                CAPTURE(m);
                CAPTURE(id);
                const auto said = f.engine.start_refusal(m, id, f.now);
                Engine trial = f.engine;
                const auto done = trial.access(m, id, f.now);
                CHECK(said.has_value() == !done.has_value());
                if (said && !done) {
                    CHECK(said->english() == done.error().english());
                    reasons.insert(said->english().substr(0, said->english().find(' ', 12)));
                }
                if (!said) ++starts;
                // The day plan carries it, whatever its day.
                const auto plan = f.engine.plan_day({m, id, id, core::Date{year{2026} / December / 3}}, f.now);
                REQUIRE(plan);
                CHECK(plan->start_refusal.has_value() == said.has_value());
                if (said && plan->start_refusal) CHECK(plan->start_refusal->english() == said->english());
            }
    }
    CHECK(starts > 100);
    // Every reason a member meets at the machine came up at least once.
    for (const char* r : {"Not authorised", "Membership expired", "Outside opening", "Prusa B is held", "Prusa B is in", "Quota reached",
                          "Laser waits for", "Laser is already"}) {
        const std::string reason = r;
        CAPTURE(reason);
        std::string seen;
        for (const auto& x : reasons) seen += x + " | ";
        CAPTURE(seen);
        CHECK(std::any_of(reasons.begin(), reasons.end(), [&](const std::string& x) { return x.starts_with(r); }));
    }
}
