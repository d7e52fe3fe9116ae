// Tests of the allocation part of SqlStore: every field of every record through
// commit_alloc → load_alloc, the rows load_alloc keeps, opening hours, counters (and when
// alloc_state is left alone), the partial indexes load_alloc uses, events, a
// failing commit that leaves nothing, the upgrade from schema 2, and a real engine decision
// committed and reloaded into a new engine.
// Layer: db tests (a temp-file database per test). Single-threaded.

#include "testing.hpp"
#include "store_backend.hpp"

#include <etabli/alloc/engine.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/sql_store.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <limits>

using namespace etabli;
using namespace etabli::alloc;
using namespace std::chrono;
using etabli::testing::TempDir;
using etabli::testing::utc;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir tmp;
    std::unique_ptr<db::SqlStore> store;
    testing::FixedZone zone{minutes{60}};
    // Tuesday 1 December 2026, 11:00 local.
    Timestamp now = utc("2026-12-01T10:00:00Z");
    MemberId lea = 0, jean = 0, host = 0;

    Fixture() {
        // SQLite, or PostgreSQL under ETABLI_TEST_BACKEND (store_backend.hpp).
        store = testing::open_test_store(testing::new_test_store_location(tmp / "etabli.db"));
        lea = member("Léa", core::Role::member, core::parse_date("2027-06-30"));
        jean = member("Jean", core::Role::volunteer);
        host = member("Hôte", core::Role::host);
    }

    MemberId member(std::string name, core::Role role, std::optional<core::Date> until = std::nullopt) {
        auto m = store->add_member(core::MemberDraft{std::move(name), std::nullopt, role, until, core::Lang::fr},
                                   std::nullopt, now);
        REQUIRE_MESSAGE(m, (m ? "" : m.error().english()));
        return m->id;
    }

    std::int64_t count(const char* sql) {
        auto n = store->connection().query_int(sql);
        REQUIRE_MESSAGE(n, (n ? "" : n.error().english()));
        return *n;
    }
    std::int64_t events() { return count("SELECT count(*) FROM events"); }
    // kind, subject and detail of the events after the first `skip`, in order.
    std::vector<std::string> events_after(std::int64_t skip, bool with_detail = false) {
        auto st = store->connection().prepare("SELECT kind, subject, detail FROM events ORDER BY id");
        REQUIRE(st);
        std::vector<std::string> out;
        for (std::int64_t i = 0;; ++i) {
            auto row = st->step();
            REQUIRE(row);
            if (!*row) break;
            if (i < skip) continue;
            std::string e = st->column_text(0) + " " + st->column_text(1);
            if (with_detail) e += " " + st->column_text(2);
            out.push_back(e);
        }
        return out;
    }

    void commit(const Changes& c, std::optional<MemberId> actor = std::nullopt) {
        auto r = store->commit_alloc(c, actor, now);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    }
    EngineState load(std::optional<Timestamp> at = std::nullopt) {
        auto s = store->load_alloc(at.value_or(now));
        REQUIRE_MESSAGE(s, (s ? "" : s.error().english()));
        return std::move(*s);
    }

    // A machine with every rule away from its default.
    Machine laser() const {
        Machine m;
        m.id = 7;
        m.name = "Découpe laser « Trotec »";
        m.kind = "laser";
        m.pool = "Lasers";
        m.status = MachineStatus::maintenance;
        m.authorised = {lea, jean};  // sorted, as the engine keeps it
        MachineRules& r = m.rules;
        r.slot = minutes{30};
        r.min_length = minutes{30};
        r.max_length = minutes{180};
        r.buffer_after = minutes{10};
        r.ahead_days = 21;
        r.quota_per_week = minutes{360};
        r.quota_scope = QuotaScope::pool;
        r.no_show_release = minutes{20};
        r.warn_before = minutes{7};
        r.grace_after = seconds{90};
        r.host_loss = HostLossPolicy{HostLossPolicy::Kind::until_idle, seconds{1800}};
        return m;
    }
    // A machine with the defaults: no pool, no quota.
    Machine drill() const {
        Machine m;
        m.id = 3;
        m.name = "Perceuse à colonne";
        m.kind = "drill";
        return m;
    }
};

void check_same(const Machine& a, const Machine& b) {
    CAPTURE(a.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.kind == b.kind);
    CHECK(a.pool == b.pool);
    CHECK(a.status == b.status);
    // Who may use a machine (authorised) is not stored with it: the station derives it from
    // the skill grants, so it is not compared here.
    const MachineRules &x = a.rules, &y = b.rules;
    CHECK(x.slot == y.slot);
    CHECK(x.min_length == y.min_length);
    CHECK(x.max_length == y.max_length);
    CHECK(x.buffer_after == y.buffer_after);
    CHECK(x.ahead_days == y.ahead_days);
    CHECK(x.quota_per_week == y.quota_per_week);
    CHECK(x.quota_scope == y.quota_scope);
    CHECK(x.no_show_release == y.no_show_release);
    CHECK(x.warn_before == y.warn_before);
    CHECK(x.grace_after == y.grace_after);
    CHECK(x.host_loss.kind == y.host_loss.kind);
    CHECK(x.host_loss.seconds == y.host_loss.seconds);
}

void check_same(const OpeningHours& a, const OpeningHours& b) {
    CHECK(a.weekly == b.weekly);
    CHECK(a.exceptions == b.exceptions);
}

// Two engine states hold the same rows (as_of aside: snapshot() does not carry it).
void check_same(const EngineState& a, const EngineState& b) {
    REQUIRE(a.machines.size() == b.machines.size());
    for (std::size_t i = 0; i < a.machines.size(); ++i) check_same(a.machines[i], b.machines[i]);
    check_same(a.hours, b.hours);
    REQUIRE(a.members.size() == b.members.size());
    for (std::size_t i = 0; i < a.members.size(); ++i) {
        CHECK(a.members[i].id == b.members[i].id);
        CHECK(a.members[i].role == b.members[i].role);
        CHECK(a.members[i].valid_until == b.members[i].valid_until);
    }
    CHECK(a.bookings == b.bookings);
    CHECK(a.sessions == b.sessions);
    CHECK(a.queue == b.queue);
    CHECK(a.next_ids == b.next_ids);
}

std::vector<BookingId> ids_of(const std::vector<Booking>& v) {
    std::vector<BookingId> out;
    for (const auto& b : v) out.push_back(b.id);
    return out;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a fresh database loads an empty allocation state with its members") {
    auto s = load();
    CHECK(s.machines.empty());
    CHECK(s.bookings.empty());
    CHECK(s.sessions.empty());
    CHECK(s.queue.empty());
    CHECK(s.next_ids == IdCounters{});
    CHECK_FALSE(s.as_of);
    for (const auto& w : s.hours.weekly) CHECK(w.empty());
    CHECK(s.hours.exceptions.empty());
    REQUIRE(s.members.size() == 3);
    CHECK(s.members[0].id == lea);
    CHECK(s.members[0].role == core::Role::member);
    CHECK(s.members[0].valid_until == core::parse_date("2027-06-30"));
    CHECK(s.members[1].role == core::Role::volunteer);
    CHECK_FALSE(s.members[1].valid_until);
    CHECK(s.members[2].role == core::Role::host);
}

TEST_CASE_FIXTURE(Fixture, "every field of every record goes through commit_alloc and load_alloc") {
    Changes c;
    c.machines = {laser(), drill()};
    const Timestamp s1 = utc("2026-12-01T09:30:00Z");
    // Every field away from its default, then the defaults, then each state.
    Booking active{1, 7, lea, s1, s1 + hours{2}, BookingState::active, host, true, 4, now - hours{3},
                   std::string("Déplacée : « maintenance » \"urgente\"\n2e ligne"), false};
    Booking plain{2, 3, jean, now + days{1}, now + days{1} + minutes{45}, BookingState::booked, jean, false,
                  std::nullopt, now, std::nullopt, false};
    Booking seen = plain;
    seen.id = 3;
    seen.start += hours{2};
    seen.end += hours{2};
    seen.state = BookingState::cancelled;
    seen.host_note = "Fermeture exceptionnelle";
    seen.notice_seen = true;
    Booking done = plain;
    done.id = 4;
    done.start = now - days{2};
    done.end = now - days{2} + hours{1};
    done.state = BookingState::completed;
    Booking missed = done;
    missed.id = 5;
    missed.state = BookingState::no_show;
    c.bookings = {active, plain, seen, done, missed};
    Session open{1, 7, lea, 1, s1 + minutes{5}, s1 + hours{2}, std::nullopt, std::nullopt, true, std::nullopt, false, std::nullopt};
    Session closed{2, 3, jean, 4, done.start, done.end, done.end - minutes{10}, SessionEnd::station_down, false, std::nullopt, false, std::nullopt};
    c.sessions = {open, closed};
    QueueEntry for_machine{3, jean, 7, std::nullopt, now - minutes{20}, 7, now + minutes{10}};
    QueueEntry for_pool{4, host, std::nullopt, std::string("Lasers"), now - minutes{5}, std::nullopt, std::nullopt};
    c.queue = {for_machine, for_pool};
    c.next_ids = IdCounters{6, 3, 5, 5};
    c.as_of = now;
    commit(c, host);

    auto s = load();
    REQUIRE(s.machines.size() == 2);
    check_same(s.machines[0], drill());  // id order
    check_same(s.machines[1], laser());
    CHECK(s.bookings == std::vector<Booking>{active, plain, seen, done, missed});
    CHECK(s.sessions == std::vector<Session>{open});  // closed sessions are history, not state
    CHECK(s.queue == std::vector<QueueEntry>{for_machine, for_pool});
    CHECK(s.next_ids == c.next_ids);
    CHECK(s.as_of == std::optional<Timestamp>{now});

    auto history = store->sessions_between(now - days{3}, now, 10);
    REQUIRE(history);
    CHECK(*history == std::vector<Session>{open, closed});  // most recent first

    SUBCASE("an engine built from the loaded rows equals one built from the originals") {
        EngineState original;
        original.machines = {drill(), laser()};
        original.members = s.members;
        original.bookings = c.bookings;
        original.sessions = {open, closed};
        original.queue = c.queue;
        original.next_ids = c.next_ids;
        original.as_of = now;
        Engine a{original, zone, now};
        Engine b{s, zone, now};
        check_same(a.snapshot(), b.snapshot());
    }
    SUBCASE("the events name rows by id and never carry a note, a name or a pool's member") {
        auto log = events_after(3, true);  // after the three members
        REQUIRE(log.size() == 11);
        CHECK(log[0] == "machine.added machine:7 {\"status\":\"maintenance\"}");
        CHECK(log[1].starts_with("machine.added machine:3 "));
        CHECK(log[2].starts_with("booking.active booking:1 {\"machine\":7,"));
        CHECK(log[2].find("\"walk_in\":1") != std::string::npos);
        CHECK(log[2].find("\"series\":4") != std::string::npos);
        CHECK(log[2].find("\"note\":1") != std::string::npos);
        CHECK(log[3].starts_with("booking.booked booking:2 "));
        CHECK(log[4].starts_with("booking.cancelled booking:3 "));
        CHECK(log[5].starts_with("booking.completed booking:4 "));
        CHECK(log[6].starts_with("booking.no_show booking:5 "));
        CHECK(log[7].starts_with("session.started session:1 "));
        CHECK(log[8].starts_with("session.ended session:2 "));
        CHECK(log[8].find("\"reason\":\"station_down\"") != std::string::npos);
        CHECK(log[9].starts_with("queue.joined queue:3 "));
        CHECK(log[10].starts_with("queue.joined queue:4 "));
        for (const auto& e : log) {
            CHECK(e.find("urgente") == std::string::npos);
            CHECK(e.find("Fermeture") == std::string::npos);
            CHECK(e.find("Trotec") == std::string::npos);
            CHECK(e.find("Léa") == std::string::npos);
        }
        auto actor = store->connection().query_int("SELECT actor_member_id FROM events ORDER BY id DESC LIMIT 1");
        REQUIRE(actor);
        CHECK(*actor == host);
    }
}

TEST_CASE_FIXTURE(Fixture, "every enum value goes through the store") {
    Machine m = drill();
    for (MachineStatus st : {MachineStatus::available, MachineStatus::maintenance, MachineStatus::out_of_order}) {
        for (QuotaScope sc : {QuotaScope::machine, QuotaScope::pool}) {
            for (auto k : {HostLossPolicy::Kind::cut, HostLossPolicy::Kind::grace, HostLossPolicy::Kind::until_idle}) {
                m.status = st;
                m.rules.quota_scope = sc;
                m.rules.host_loss = HostLossPolicy{k, seconds{k == HostLossPolicy::Kind::cut ? 0 : 45}};
                Changes c;
                c.machines = {m};
                commit(c);
                auto s = load();
                REQUIRE(s.machines.size() == 1);
                check_same(s.machines[0], m);
            }
        }
    }
    Changes c;
    c.machines = {m};
    BookingId id = 1;
    for (BookingState st : {BookingState::booked, BookingState::active, BookingState::completed,
                            BookingState::no_show, BookingState::cancelled}) {
        // A day apart: two live bookings of one machine never overlap (PostgreSQL's
        // exclusion constraint refuses them).
        const Timestamp start = now - hours{1} + days{id - 1};
        c.bookings.push_back(Booking{id++, m.id, lea, start, start + hours{2}, st, lea, false, std::nullopt,
                                     now, std::nullopt, false});
    }
    SessionId sid = 1;
    for (SessionEnd e : {SessionEnd::badge, SessionEnd::host, SessionEnd::allowed_end, SessionEnd::fault,
                         SessionEnd::station_down}) {
        c.sessions.push_back(Session{sid++, m.id, lea, 3, now - hours{1}, now, now - minutes{1}, e, false, std::nullopt, false, std::nullopt});
    }
    commit(c);
    CHECK(load().bookings == c.bookings);
    auto history = store->sessions_between(now - days{1}, now + days{1}, 100);
    REQUIRE(history);
    std::reverse(history->begin(), history->end());  // same start: most recent id first
    CHECK(*history == c.sessions);
}

TEST_CASE_FIXTURE(Fixture, "a machine upsert logs only real changes; who may use it is not stored with it") {
    Machine m = drill();
    m.authorised = {lea, jean};
    Changes c;
    c.machines = {m};
    commit(c);
    // Not stored: the station derives the list from the grants at each start.
    CHECK(load().machines.at(0).authorised.empty());
    const auto before = events();

    SUBCASE("the same machine again writes and logs nothing") {
        m.authorised = {jean, lea, lea};  // order and duplicates do not make a change
        c.machines = {m};
        commit(c);
        CHECK(events() == before);
    }
    SUBCASE("another derived list is no change to the machine") {
        m.authorised = {jean, host};
        c.machines = {m};
        commit(c);
        CHECK(events() == before);
    }
    SUBCASE("a status change is machine.status, a rule change machine.changed") {
        m.status = MachineStatus::out_of_order;
        c.machines = {m};
        commit(c);
        m.rules.max_length = minutes{240};
        m.kind = "perceuse";
        c.machines = {m};
        commit(c);
        auto log = events_after(before, true);
        REQUIRE(log.size() == 2);
        CHECK(log[0] ==
              "machine.status machine:3 {\"status\":\"out-of-order\",\"was\":\"available\",\"changed\":[\"status\"]}");
        CHECK(log[1] == "machine.changed machine:3 {\"changed\":[\"kind\",\"max_length\"]}");
        check_same(load().machines.at(0), m);
    }
    SUBCASE("a second machine with the same name is refused by name") {
        Machine twin = laser();
        twin.name = m.name;
        c.machines = {twin};
        auto r = store->commit_alloc(c, std::nullopt, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().msgid == "There is already a machine named {0} (number {1}).");
        CHECK(r.error().args == std::vector<std::string>{m.name, "3"});
        CHECK(count("SELECT count(*) FROM machines") == 1);
        CHECK(events() == before);
    }
}

TEST_CASE_FIXTURE(Fixture, "booking and session changes are named by what changed") {
    Changes c;
    c.machines = {drill()};
    Booking b{1, 3, lea, now + hours{1}, now + hours{2}, BookingState::booked, lea, false, std::nullopt, now,
              std::nullopt, false};
    c.bookings = {b};
    commit(c);
    const auto before = events();
    auto step = [&](const Booking& x, std::optional<Session> s = std::nullopt) {
        Changes d;
        d.bookings = {x};
        if (s) d.sessions = {*s};
        commit(d);
    };
    b.start += hours{1};
    b.end += hours{1};
    step(b);  // moved
    b.state = BookingState::active;
    Session s{1, 3, lea, 1, b.start, b.end, std::nullopt, std::nullopt, false, std::nullopt, false, std::nullopt};
    step(b, s);  // active, started
    s.warned = true;
    step(b, s);  // warned
    b.end += minutes{15};
    s.allowed_until = b.end;
    step(b, s);  // extended twice
    b.state = BookingState::completed;
    s.ended = b.end;
    s.end_reason = SessionEnd::allowed_end;
    step(b, s);  // completed, ended
    b.host_note = "Merci de nettoyer";
    step(b);
    b.notice_seen = true;
    step(b);
    step(b);  // unchanged: nothing
    std::vector<std::string> kinds;
    for (const auto& e : events_after(before)) kinds.push_back(e);
    CHECK(kinds == std::vector<std::string>{"booking.moved booking:1", "booking.active booking:1",
                                            "session.started session:1", "session.warned session:1",
                                            "booking.extended booking:1", "session.extended session:1",
                                            "booking.completed booking:1", "session.ended session:1",
                                            "booking.changed booking:1", "booking.notice_seen booking:1"});
}

TEST_CASE_FIXTURE(Fixture, "queue entries are upserted and deleted") {
    Changes c;
    c.machines = {laser()};
    QueueEntry q{1, lea, 7, std::nullopt, now, std::nullopt, std::nullopt};
    c.queue = {q, QueueEntry{2, jean, std::nullopt, std::string("Lasers"), now, std::nullopt, std::nullopt}};
    commit(c);
    const auto before = events();
    q.offered = 7;
    q.offer_expires = now + minutes{10};
    Changes d;
    d.queue = {q};
    d.queue_removed = {2, 99};  // 99 was never stored: nothing to do, nothing to log
    commit(d);
    auto s = load();
    CHECK(s.queue == std::vector<QueueEntry>{q});
    auto log = events_after(before, true);
    REQUIRE(log.size() == 2);
    CHECK(log[0].starts_with("queue.offered queue:1 "));
    CHECK(log[1] == "queue.left queue:2 {\"member\":" + std::to_string(jean) + "}");
    Changes e;
    e.queue_removed = {1};
    commit(e);
    CHECK(load().queue.empty());
    CHECK(events_after(before + 2, true) ==
          std::vector<std::string>{"queue.left queue:1 {\"member\":" + std::to_string(lea) + ",\"offered\":7}"});

    SUBCASE("an entry is for a machine or a pool, never both nor neither") {
        Changes bad;
        bad.queue = {QueueEntry{5, lea, 7, std::string("Lasers"), now, std::nullopt, std::nullopt}};
        CHECK_FALSE(store->commit_alloc(bad, std::nullopt, now));
        bad.queue = {QueueEntry{5, lea, std::nullopt, std::nullopt, now, std::nullopt, std::nullopt}};
        CHECK_FALSE(store->commit_alloc(bad, std::nullopt, now));
    }
}

TEST_CASE_FIXTURE(Fixture, "the id counters and the decision time are kept") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    SUBCASE("an empty decision still stores its time and counters") {
        Changes c;
        c.next_ids = IdCounters{10, 20, 30, 40};
        c.as_of = now;
        REQUIRE(c.empty());
        const auto before = events();
        commit(c);
        auto s = load();
        CHECK(s.next_ids == c.next_ids);
        CHECK(s.as_of == std::optional<Timestamp>{now});
        CHECK(events() == before);  // no row changed: nothing to log

        // Neither goes back (ids are never reused, the engine's time never goes back).
        c.next_ids = IdCounters{2, 2, 2, 2};
        c.as_of = now - hours{1};
        commit(c);
        s = load();
        CHECK(s.next_ids == IdCounters{10, 20, 30, 40});
        CHECK(s.as_of == std::optional<Timestamp>{now});
        c.as_of = now + minutes{1};
        commit(c);
        CHECK(load().as_of == std::optional<Timestamp>{now + minutes{1}});
    }
    SUBCASE("without stored counters they are MAX(id) + 1 of each table") {
        auto& conn = store->connection();
        REQUIRE(conn.exec("INSERT INTO machines (id, name, created_at, updated_at) "
                          "VALUES (1, 'Tour', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"));
        std::string sql = "INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_by, "
                          "series, created_at) VALUES (41, 1, " + std::to_string(lea) +
                          ", '2020-01-01T10:00:00Z', '2020-01-01T11:00:00Z', 'completed', " + std::to_string(lea) +
                          ", 8, '2020-01-01T00:00:00Z');"
                          "INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, allowed_until, "
                          "ended_at, end_reason) VALUES (12, 1, " + std::to_string(lea) +
                          ", 41, '2020-01-01T10:00:00Z', '2020-01-01T11:00:00Z', '2020-01-01T11:00:00Z', 'badge');"
                          "INSERT INTO queue_entries (id, member_id, pool, joined_at) VALUES (5, " +
                          std::to_string(jean) + ", 'Tours', '2026-01-01T00:00:00Z');";
        REQUIRE(conn.exec(sql.c_str()));
        auto s = load();
        CHECK(s.next_ids == IdCounters{42, 13, 6, 9});
        CHECK_FALSE(s.as_of);
        CHECK(s.bookings.empty());  // old history is not loaded, but its ids are not reused
        // Stored counters below the tables' ids are raised too.
        Changes c;
        c.next_ids = IdCounters{1, 1, 1, 1};
        c.as_of = now;
        commit(c);
        CHECK(load().next_ids == IdCounters{42, 13, 6, 9});
    }
}

TEST_CASE_FIXTURE(Fixture, "a booking's commit leaves alloc_state alone: its row tells the counters and the time") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    auto stored = [&] {
        auto st = store->connection().prepare("SELECT next_booking || ' ' || as_of FROM alloc_state");
        REQUIRE(st);
        auto row = st->step();
        REQUIRE((row && *row));
        return st->column_text(0);
    };
    Changes first;
    first.machines = {drill()};
    first.next_ids = IdCounters{1, 1, 1, 1};
    first.as_of = now;
    commit(first);
    const std::string before = stored();
    CHECK(before == "1 2026-12-01T10:00:00Z");

    const Timestamp t1 = now + minutes{1};
    Changes c;
    c.bookings = {Booking{1, 3, lea, now + days{1}, now + days{1} + hours{1}, BookingState::booked, lea, false,
                          std::nullopt, t1, std::nullopt, false}};
    c.next_ids = IdCounters{2, 1, 1, 1};
    c.as_of = t1;
    commit(c, lea);
    CHECK(stored() == before);  // one page less to write per booking
    auto s = load();
    CHECK(s.next_ids == IdCounters{2, 1, 1, 1});
    CHECK(s.as_of == std::optional<Timestamp>{t1});

    SUBCASE("a later booking made earlier (a second writer) does not take the time back") {
        Changes late;
        late.bookings = {Booking{5, 3, jean, now + days{2}, now + days{2} + hours{1}, BookingState::booked, jean,
                                 false, std::nullopt, now, std::nullopt, false}};
        late.next_ids = IdCounters{6, 1, 1, 1};
        late.as_of = now;
        commit(late);
        s = load();
        CHECK(s.next_ids == IdCounters{6, 1, 1, 1});
        CHECK(s.as_of == std::optional<Timestamp>{t1});
    }
    SUBCASE("a decision that books nothing stores its time") {
        Changes tick;
        tick.next_ids = c.next_ids;
        tick.as_of = t1 + minutes{5};
        commit(tick);
        CHECK(load().as_of == std::optional<Timestamp>{t1 + minutes{5}});
    }
    SUBCASE("a queue entry's id is not reused once the entry has left") {
        Changes join;
        join.queue = {QueueEntry{1, jean, 3, std::nullopt, t1, std::nullopt, std::nullopt}};
        join.next_ids = IdCounters{2, 1, 2, 1};
        join.as_of = t1;
        commit(join);
        Changes leave;
        leave.queue_removed = {1};
        leave.next_ids = join.next_ids;
        leave.as_of = t1;
        commit(leave);
        CHECK(count("SELECT count(*) FROM queue_entries") == 0);
        CHECK(load().next_ids == IdCounters{2, 1, 2, 1});
    }
    SUBCASE("a series id taken is kept") {
        Changes series = c;
        series.bookings[0].id = 2;
        series.bookings[0].series = 7;
        series.bookings[0].start += days{7};
        series.bookings[0].end += days{7};
        series.next_ids = IdCounters{3, 1, 1, 9};
        commit(series);
        CHECK(load().next_ids == IdCounters{3, 1, 1, 9});  // 9 > MAX(series) + 1: stored
    }
}

TEST_CASE_FIXTURE(Fixture, "after a booking that skipped alloc_state, every counter a later decision grows is kept") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    Changes first;
    first.machines = {drill()};
    first.next_ids = IdCounters{1, 1, 1, 1};
    first.as_of = now;
    commit(first);
    Timestamp t = now;
    BookingId next = 1;
    // A booking at its decision's time: alloc_state is not written (see the case above).
    auto book = [&](IdCounters ids, std::optional<SeriesId> series = std::nullopt) {
        t += minutes{1};
        Changes c;
        c.bookings = {Booking{next, 3, lea, now + days{1} + hours{next}, now + days{1} + hours{next + 1},
                              BookingState::booked, lea, false, series, t, std::nullopt, false}};
        ++next;
        c.next_ids = ids;
        c.as_of = t;
        commit(c, lea);
        return load();
    };
    auto s = book(IdCounters{2, 1, 1, 1});
    CHECK(s.next_ids == IdCounters{2, 1, 1, 1});
    CHECK(s.as_of == std::optional<Timestamp>{t});
    SUBCASE("a queue entry made and gone in one decision") {
        s = book(IdCounters{3, 1, 4, 1});
        CHECK(s.next_ids == IdCounters{3, 1, 4, 1});
    }
    SUBCASE("a session counter grown without its row") {
        s = book(IdCounters{3, 7, 1, 1});
        CHECK(s.next_ids == IdCounters{3, 7, 1, 1});
    }
    SUBCASE("a series counter grown past the booking's series") {
        s = book(IdCounters{3, 1, 1, 5}, SeriesId{2});
        CHECK(s.next_ids == IdCounters{3, 1, 1, 5});
    }
    SUBCASE("a booking counter grown past the booking's id") {
        s = book(IdCounters{9, 1, 1, 1});
        CHECK(s.next_ids == IdCounters{9, 1, 1, 1});
    }
    SUBCASE("a booking made before its decision's time") {
        t += minutes{1};
        Changes c;
        c.bookings = {Booking{next, 3, lea, now + days{3}, now + days{3} + hours{1}, BookingState::booked, lea, false,
                              std::nullopt, now, std::nullopt, false}};
        c.next_ids = IdCounters{next + 1, 1, 1, 1};
        c.as_of = t;
        commit(c, lea);
        s = load();
    }
    CHECK(s.as_of == std::optional<Timestamp>{t});
}

TEST_CASE_FIXTURE(Fixture, "load_alloc reads the live rows from their floor and the ended ones by partial index, never the whole bookings table") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    auto plan = store->connection().prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM bookings WHERE id >= COALESCE((SELECT floor FROM bookings_live_floor "
        "WHERE id = 1), 0) AND state IN ('booked', 'active') "
        "UNION ALL SELECT id FROM bookings INDEXED BY bookings_ended "
        "WHERE state NOT IN ('booked', 'active') AND ends_at >= '2026-01-01T00:00:00Z'");
    REQUIRE(plan);
    std::string all;
    while (true) {
        auto row = plan->step();
        REQUIRE(row);
        if (!*row) break;
        all += plan->column_text(3) + "\n";
    }
    CHECK(all.find("SEARCH bookings USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
    CHECK(all.find("SEARCH bookings USING INDEX bookings_ended (ends_at>?)") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "load_alloc keeps what the engine keeps: live rows, 8 days of history, unseen notes") {
    Changes c;
    c.machines = {drill()};
    const Timestamp cutoff = now - days{8};
    BookingId id = 1;
    auto add = [&](Timestamp end, BookingState st, std::optional<std::string> note = std::nullopt,
                   bool seen = false) {
        c.bookings.push_back(Booking{id++, 3, lea, end - hours{1}, end, st, lea, false, std::nullopt,
                                     end - days{30}, std::move(note), seen});
    };
    add(cutoff - seconds{1}, BookingState::completed);        // 1: just too old
    add(cutoff, BookingState::completed);                     // 2: exactly 8 days: kept
    add(cutoff + seconds{1}, BookingState::no_show);          // 3
    add(now - hours{1}, BookingState::cancelled);             // 4
    add(now - days{400}, BookingState::booked);               // 5: booked stays whatever its age
    add(now - days{399}, BookingState::active);               // 6 (a day after 5: live ones never overlap)
    add(now - days{60}, BookingState::cancelled, "Désolé");   // 7: a note not yet seen
    add(now - days{60}, BookingState::cancelled, "Vu", true); // 8: seen: history
    add(now + days{3}, BookingState::booked);                 // 9
    commit(c);
    auto s = load();
    CHECK(ids_of(s.bookings) == std::vector<BookingId>{2, 3, 4, 5, 6, 7, 9});
    // The same cut as the engine's.
    EngineState all;
    all.machines = {drill()};
    all.members = s.members;
    all.bookings = c.bookings;
    Engine engine{all, zone, now};
    CHECK(ids_of(engine.snapshot().bookings) == ids_of(s.bookings));
    // Later, fewer: the cut moves with `now`.
    CHECK(ids_of(load(now + days{1}).bookings) == std::vector<BookingId>{4, 5, 6, 7, 9});
}

TEST_CASE_FIXTURE(Fixture, "the floor of the live bookings follows the oldest live one, and never hides one") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    Changes c;
    c.machines = {drill()};
    auto booking = [&](BookingId id, BookingState st) {
        return Booking{id, 3, lea, now + hours{id}, now + hours{id + 1}, st, lea, false, std::nullopt,
                       now - days{1}, std::nullopt, false};
    };
    c.bookings = {booking(1, BookingState::cancelled), booking(2, BookingState::booked),
                  booking(3, BookingState::booked)};
    c.next_ids = IdCounters{4, 1, 1, 1};
    commit(c);
    const auto floor = [&] { return count("SELECT floor FROM bookings_live_floor WHERE id = 1"); };
    CHECK(floor() == 1);  // the migration's: the empty table's next id
    CHECK(ids_of(load().bookings) == std::vector<BookingId>{1, 2, 3});
    CHECK(floor() == 2);  // moved up by the load to the oldest live booking
    Changes done;
    done.bookings = {booking(2, BookingState::completed)};
    done.next_ids = c.next_ids;
    commit(done);
    CHECK(ids_of(load().bookings) == std::vector<BookingId>{1, 2, 3});  // 1, 2: ended, kept 8 days
    CHECK(floor() == 3);
    // A booking made live again below the floor lowers it in the same transaction.
    Changes again;
    again.bookings = {booking(1, BookingState::booked)};
    again.next_ids = c.next_ids;
    commit(again);
    CHECK(floor() == 1);
    auto s = load(now + days{30});  // the ended ones are out of the 8 days by then
    CHECK(ids_of(s.bookings) == std::vector<BookingId>{1, 3});
    // Nothing live: the floor goes to the next id.
    Changes all_done;
    all_done.bookings = {booking(1, BookingState::cancelled), booking(3, BookingState::completed)};
    all_done.next_ids = c.next_ids;
    commit(all_done);
    CHECK(load().bookings.size() == 3);
    CHECK(floor() == 4);
}

TEST_CASE_FIXTURE(Fixture, "opening hours: weekly windows, closed days and extra openings") {
    OpeningHours h;
    h.weekly[2] = {{14 * 60, 18 * 60}, {19 * 60, 22 * 60}};  // Tuesday, two windows
    h.weekly[6] = {{10 * 60, 24 * 60}};                      // Saturday, until midnight
    h.exceptions[*core::parse_date("2026-12-24")] = {};       // closed
    h.exceptions[*core::parse_date("2026-12-27")] = {{0, 60}, {600, 720}};  // a Sunday opened
    const auto before = events();
    auto r = store->save_hours(h, host, now);
    REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    check_same(load().hours, h);
    auto log = events_after(before, true);
    REQUIRE(log.size() == 1);
    CHECK(log[0] == "hours.set hours {\"weekly_windows\":3,\"closed_days\":1,\"special_days\":1}");

    SUBCASE("saving again replaces everything") {
        OpeningHours h2;
        h2.weekly[1] = {{9 * 60, 12 * 60}};
        h2.exceptions[*core::parse_date("2027-01-01")] = {};
        REQUIRE(store->save_hours(h2, std::nullopt, now));
        check_same(load().hours, h2);
        CHECK(count("SELECT count(*) FROM opening_weekly") == 1);
        CHECK(count("SELECT count(*) FROM opening_exceptions") == 1);
    }
    SUBCASE("a window that ends before it starts is refused whole") {
        OpeningHours bad = h;
        bad.weekly[3] = {{18 * 60, 14 * 60}};
        CHECK_FALSE(store->save_hours(bad, std::nullopt, now));
        check_same(load().hours, h);
        CHECK(events() == before + 1);
    }
    SUBCASE("an engine sees the loaded hours") {
        Engine engine{load(), zone, now};
        // Tuesday 1 December 2026: open 14:00–18:00 local (13:00–17:00 UTC).
        CHECK(engine.inside_hours(utc("2026-12-01T13:00:00Z"), utc("2026-12-01T17:00:00Z")));
        CHECK_FALSE(engine.inside_hours(utc("2026-12-01T16:30:00Z"), utc("2026-12-01T17:30:00Z")));
        // Sunday 27 December: open 10:00–12:00 local by exception.
        CHECK(engine.inside_hours(utc("2026-12-27T09:00:00Z"), utc("2026-12-27T11:00:00Z")));
        CHECK_FALSE(engine.inside_hours(utc("2026-12-27T12:00:00Z"), utc("2026-12-27T13:00:00Z")));
    }
}

TEST_CASE_FIXTURE(Fixture, "a failing commit leaves nothing: no row, no event, no counter") {
    Changes good;
    good.machines = {drill()};
    good.next_ids = IdCounters{2, 1, 1, 1};
    good.as_of = now;
    commit(good);
    const auto before = events();

    Changes c;
    c.machines = {laser()};
    c.bookings = {Booking{1, 3, lea, now, now + hours{1}, BookingState::booked, lea, false, std::nullopt, now,
                          std::nullopt, false}};
    c.queue = {QueueEntry{1, lea, 3, std::nullopt, now, std::nullopt, std::nullopt}};
    c.next_ids = IdCounters{9, 9, 9, 9};
    c.as_of = now + hours{1};
    SUBCASE("a booking for a machine that does not exist") {
        c.bookings.push_back(Booking{2, 999, lea, now, now + hours{1}, BookingState::booked, lea, false,
                                     std::nullopt, now, std::nullopt, false});
    }
    SUBCASE("a session for a member that does not exist") {
        c.sessions = {Session{1, 3, 12345, 1, now, now + hours{1}, std::nullopt, std::nullopt, false, std::nullopt, false, std::nullopt}};
    }
    SUBCASE("a booking that ends before it starts") {
        c.bookings.back().end = c.bookings.back().start - hours{1};
    }
    auto r = store->commit_alloc(c, host, now);
    REQUIRE_FALSE(r);
    CHECK(r.error().msgid == (testing::on_postgres() ? "The PostgreSQL database refused a change: {0}" : "Storage error: {0}"));
    CHECK(events() == before);
    CHECK(count("SELECT count(*) FROM machines") == 1);
    CHECK(count("SELECT count(*) FROM bookings") == 0);
    CHECK(count("SELECT count(*) FROM sessions") == 0);
    CHECK(count("SELECT count(*) FROM queue_entries") == 0);
    auto s = load();
    if (testing::on_postgres()) {
        // PostgreSQL: the failed decision's ids are spent (its answer could have been lost
        // after it landed), never given again.
        CHECK(s.next_ids.booking >= good.next_ids.booking);
        CHECK(s.next_ids.session >= good.next_ids.session);
    } else {
        CHECK(s.next_ids == good.next_ids);
    }
    CHECK(s.as_of == std::optional<Timestamp>{now});
    // And the store still works.
    commit(good);
}

TEST_CASE_FIXTURE(Fixture, "sessions_between: [from, to), most recent first, at most limit") {
    Changes c;
    c.machines = {drill()};
    c.bookings = {Booking{1, 3, lea, now - days{5}, now, BookingState::completed, lea, false, std::nullopt,
                          now - days{6}, std::nullopt, false}};
    for (SessionId id = 1; id <= 5; ++id) {
        const Timestamp start = now - days{5} + hours{id};
        c.sessions.push_back(Session{id, 3, id % 2 ? lea : jean, 1, start, start + minutes{30},
                                     start + minutes{20}, SessionEnd::badge, false, std::nullopt, false, std::nullopt});
    }
    commit(c);
    auto got = [&](Timestamp from, Timestamp to, std::size_t limit) {
        auto r = store->sessions_between(from, to, limit);
        REQUIRE(r);
        std::vector<SessionId> ids;
        for (const auto& x : *r) ids.push_back(x.id);
        return ids;
    };
    const Timestamp base = now - days{5};
    CHECK(got(base, now, 100) == std::vector<SessionId>{5, 4, 3, 2, 1});
    CHECK(got(base + hours{2}, base + hours{4}, 100) == std::vector<SessionId>{3, 2});  // 4 starts at `to`
    CHECK(got(base, now, 2) == std::vector<SessionId>{5, 4});
    CHECK(got(base, now, 0).empty());
    CHECK(got(now, now + days{1}, 10).empty());
    CHECK(got(base, now, std::numeric_limits<std::size_t>::max()).size() == 5);
}

TEST_CASE("a database at schema 2 is upgraded with its members and badges, and takes machines") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    TempDir tmp;
    const fs::path p = tmp / "etabli.db";
    REQUIRE(db::migrate_to(p, 2));
    {
        auto c = db::Connection::open_raw(p.string(), SQLITE_OPEN_READWRITE);
        REQUIRE(c);
        REQUIRE(c->exec("INSERT INTO members (id, display_name, role, valid_until, lang, created_at, updated_at) "
                        "VALUES (4, 'Zoé', 'host', '2027-01-31', 'fr', '2025-01-01T00:00:00Z', "
                        "'2025-01-01T00:00:00Z');"
                        "INSERT INTO badges (uid, member_id, created_at, updated_at) "
                        "VALUES ('00AB12', 4, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"));
    }
    auto store = db::SqlStore::open(p);
    REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
    auto version = (*store)->connection().query_int("PRAGMA user_version");
    REQUIRE(version);
    CHECK(*version == db::latest_schema_version());
    CHECK(*version >= 3);
    auto data = (*store)->load();
    REQUIRE(data);
    REQUIRE(data->members.size() == 1);
    REQUIRE(data->badges.size() == 1);
    CHECK(data->badges[0].uid == "00AB12");
    auto s = (*store)->load_alloc(utc("2026-12-01T10:00:00Z"));
    REQUIRE(s);
    REQUIRE(s->members.size() == 1);
    CHECK(s->members[0].id == 4);
    CHECK(s->members[0].role == core::Role::host);
    CHECK(s->members[0].valid_until == core::parse_date("2027-01-31"));
    Changes c;
    Machine m;
    m.id = 1;
    m.name = "Tour à bois";
    m.authorised = {4};
    c.machines = {m};
    REQUIRE((*store)->commit_alloc(c, 4, utc("2026-12-01T10:00:00Z")));
    s = (*store)->load_alloc(utc("2026-12-01T10:00:00Z"));
    REQUIRE(s);
    REQUIRE(s->machines.size() == 1);
    CHECK(s->machines[0].name == "Tour à bois");
}

TEST_CASE_FIXTURE(Fixture, "end to end: real engine decisions, committed, reloaded into a new engine") {
    // Start: an engine on the empty store, a machine and opening hours set through it.
    Engine first{load(), zone, now};
    Machine m = drill();
    m.authorised = {lea, jean};
    m.rules.max_length = minutes{180};
    auto added = first.set_machine(m, now);
    REQUIRE(added);
    commit(*added, host);
    OpeningHours h;
    for (auto& day : h.weekly) day = {{8 * 60, 22 * 60}};
    first.set_hours(h);
    REQUIRE(store->save_hours(h, host, now));

    // Léa books tomorrow 14:00–15:00 local; Jean is helped by the host; Léa starts a walk-in now.
    const Timestamp tomorrow = utc("2026-12-02T13:00:00Z");
    auto b1 = first.book(BookingRequest{3, lea, tomorrow, tomorrow + hours{1}, lea}, now);
    REQUIRE_MESSAGE(b1, (b1 ? "" : b1.error().english()));
    commit(*b1, lea);
    auto b2 = first.book(BookingRequest{3, jean, tomorrow + hours{2}, tomorrow + hours{3}, host}, now);
    REQUIRE_MESSAGE(b2, (b2 ? "" : b2.error().english()));
    commit(*b2, host);
    auto refused = first.book(BookingRequest{3, jean, tomorrow + minutes{30}, tomorrow + hours{2}, jean}, now);
    CHECK_FALSE(refused);  // overlaps Léa's: nothing to commit
    const Timestamp later = now + minutes{1};
    commit(first.tick(later));
    auto walk = first.access(3, lea, later);
    REQUIRE_MESSAGE(walk, (walk ? "" : walk.error().english()));
    commit(*walk, lea);

    // Restart: a new engine from the store equals the first one.
    EngineState loaded = load(later);
    CHECK(loaded.as_of == std::optional<Timestamp>{later});
    for (Machine& mc : loaded.machines) {
        CHECK(mc.authorised.empty());
        mc.authorised = {lea, jean};  // as the station derives it from the skill grants
    }
    Engine second{loaded, zone, later};
    check_same(second.snapshot(), first.snapshot());
    REQUIRE(second.session_on(3));
    CHECK(second.session_on(3)->member == lea);
    CHECK(second.bookings_of(jean, now).size() == 1);
    CHECK(second.bookings_of(jean, now)[0].created_by == host);

    // The next decision of the new engine continues the ids of the first.
    auto resumed = second.resume(later);
    commit(resumed);
    auto b3 = second.book(BookingRequest{3, lea, tomorrow + hours{4}, tomorrow + hours{5}, lea}, later);
    REQUIRE_MESSAGE(b3, (b3 ? "" : b3.error().english()));
    REQUIRE(b3->bookings.size() == 1);
    CHECK(b3->bookings[0].id == first.next_ids().booking);
    commit(*b3, lea);
    auto log = events_after(3);
    CHECK(std::count(log.begin(), log.end(), std::string("machine.added machine:3")) == 1);
    CHECK(std::count_if(log.begin(), log.end(), [](const std::string& e) { return e.starts_with("booking.booked"); }) == 3);
    CHECK(std::count(log.begin(), log.end(), std::string("session.started session:1")) == 1);
}

TEST_CASE("after migration 011, a booking or a session is written without a temporary b-tree, under the same rules") {
    ETABLI_SQLITE_ONLY();  // SQLite's counters, floor, plans or migrations
    // A database at schema 9 with a booking and a session, opened by this version.
    TempDir tmp;
    const fs::path p = tmp / "etabli.db";
    REQUIRE(db::migrate_to(p, 9));
    {
        auto c = db::Connection::open_raw(p.string(), SQLITE_OPEN_READWRITE);
        REQUIRE(c);
        REQUIRE(c->exec("PRAGMA foreign_keys = ON;"
                        "INSERT INTO members (id, display_name, role, lang, created_at, updated_at) "
                        "VALUES (4, 'Zoé', 'member', 'fr', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
                        "INSERT INTO machines (id, name, created_at, updated_at) "
                        "VALUES (1, 'Laser', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');"
                        "INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_at) VALUES "
                        "(1, 1, 4, '2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z', 'completed', '2026-11-01T00:00:00Z'),"
                        "(2, 1, 4, '2026-12-02T10:00:00Z', '2026-12-02T11:00:00Z', 'booked', '2026-11-01T00:00:00Z');"
                        "INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, allowed_until, ended_at, "
                        "end_reason) VALUES (1, 1, 4, 1, '2026-11-30T10:00:00Z', '2026-11-30T11:00:00Z', "
                        "'2026-11-30T10:40:00Z', 'badge');"));
    }
    // A connection that read the schema before the upgrade (the command line, say).
    auto old = db::Connection::open_raw(p.string(), SQLITE_OPEN_READWRITE);
    REQUIRE(old);
    REQUIRE(old->query_int("SELECT COUNT(*) FROM bookings"));
    auto store = db::SqlStore::open(p);
    REQUIRE_MESSAGE(store, (store ? "" : store.error().english()));
    db::Connection& c = (*store)->connection();
    CHECK(c.query_text("PRAGMA integrity_check").value_or("") == "ok");
    // The rows are all there, and both parts of load_alloc find theirs.
    auto s = (*store)->load_alloc(utc("2026-12-01T10:00:00Z"));
    REQUIRE(s);
    CHECK(s->bookings.size() == 2);
    // No insert or update of these tables builds a temporary b-tree any more.
    const auto ephemeral = [&](const std::string& sql) {
        auto st = c.prepare(("EXPLAIN " + sql).c_str());
        REQUIRE(st);
        int n = 0;
        while (true) {
            auto row = st->step();
            REQUIRE(row);
            if (!*row) break;
            n += st->column_text(1) == "OpenEphemeral";
        }
        return n;
    };
    CHECK(ephemeral("INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_at) "
                    "VALUES (?1, 1, 4, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING") == 0);
    CHECK(ephemeral("UPDATE bookings SET state = ?2 WHERE id = ?1") == 0);
    CHECK(ephemeral("UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1") == 0);
    // The rules still hold: an unknown state or end reason is refused, a known one taken.
    CHECK_FALSE(c.exec("UPDATE bookings SET state = 'lost' WHERE id = 2"));
    CHECK_FALSE(c.exec("UPDATE sessions SET end_reason = 'lost' WHERE id = 1"));
    CHECK(c.exec("UPDATE bookings SET state = 'cancelled' WHERE id = 2"));
    CHECK(c.exec("UPDATE sessions SET end_reason = 'fault' WHERE id = 1"));
    // The connection opened before reloads the schema (the cookie moved) and keeps the rules.
    CHECK_FALSE(old->exec("UPDATE bookings SET state = 'lost' WHERE id = 1"));
    CHECK(old->exec("UPDATE bookings SET state = 'no_show' WHERE id = 1"));
    CHECK(c.query_int("SELECT COUNT(*) FROM bookings INDEXED BY bookings_ended "
                      "WHERE state NOT IN ('booked', 'active') AND ends_at >= '2026-01-01T00:00:00Z'").value_or(-1) == 2);
}
