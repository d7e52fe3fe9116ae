// app scenarios: the Station with a fake clock and a real SQLite file in a temp folder.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <atomic>
#include <cstdio>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    Fixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) { reopen(); }  // 14:00 in Paris
    core::Member add(const std::string& name, core::Role role = core::Role::member,
                     std::optional<std::string> badge = std::nullopt, std::optional<core::Date> until = std::nullopt) {
        return add_member(name, role, std::move(badge), until);
    }
    TapView tap(const std::string& uid) {
        auto r = station->call(BadgeSeen{uid, "kiosk"});
        REQUIRE(r);
        return std::get<TapView>(*r);
    }
};

}  // namespace

TEST_CASE("a badge tap checks in, the next checks out, and both survive a restart") {
    Fixture f;
    auto lea = f.add("Léa Dubois", core::Role::member, "0001234567");
    auto t1 = f.tap("0001234567");
    CHECK(t1.decision.kind == core::TapKind::check_in);
    CHECK(t1.member->id == lea.id);
    auto snap = f.station->snapshot();
    REQUIRE(snap->present.size() == 1);
    CHECK(snap->present[0].name == "Léa Dubois");
    CHECK(snap->present[0].since_hhmm == "14:00");
    CHECK(snap->last_tap->seq == t1.seq);

    f.reopen();  // nothing acknowledged is lost
    CHECK(f.station->snapshot()->present.size() == 1);
    f.clock.advance(hours{2});
    auto t2 = f.tap("0001234567");
    CHECK(t2.decision.kind == core::TapKind::check_out);
    CHECK(f.station->snapshot()->present.empty());
    f.reopen();
    CHECK(f.station->snapshot()->present.empty());
}

TEST_CASE("refusals: unknown badge, revoked badge, expired membership") {
    Fixture f;
    CHECK(f.tap("9999").decision.kind == core::TapKind::unknown_badge);
    f.add("Yanis", core::Role::member, "0000000666");
    REQUIRE(f.station->call(RevokeBadge{"0000000666", core::BadgeStatus::revoked, std::nullopt}));
    CHECK(f.tap("0000000666").decision.kind == core::TapKind::badge_revoked);
    f.add("Inès", core::Role::member, "0005550001", core::Date{year{2025}, month{9}, day{30}});
    auto t = f.tap("0005550001");
    CHECK(t.decision.kind == core::TapKind::membership_expired);
    CHECK(t.decision.expired_on == core::Date{year{2025}, month{9}, day{30}});
    CHECK(f.station->snapshot()->present.empty());
}

TEST_CASE("UIDs are read as typed: leading zeros matter, case does not") {
    Fixture f;
    f.add("Hex", core::Role::member, "04a2b3c4");
    CHECK(f.tap("04A2B3C4").decision.kind == core::TapKind::check_in);
    CHECK(f.tap("4A2B3C4").decision.kind == core::TapKind::unknown_badge);
    auto bad = f.station->call(BadgeSeen{"12;DROP", "kiosk"});
    CHECK(!bad);
}

TEST_CASE("a reader bound to no machine checks nobody in") {
    Fixture f;
    f.add("Léa", core::Role::member, "0001234567");
    auto r = f.station->call(BadgeSeen{"0001234567", "Scie à ruban supprimée"});
    REQUIRE(!r);
    CHECK(r.error().msgid.find("bound to no machine") != std::string::npos);
    CHECK(f.station->snapshot()->present.empty());
}

TEST_CASE("a presence forgotten overnight is closed at the end of its day") {
    Fixture f;
    f.add("Léa", core::Role::member, "01");
    f.tap("01");
    f.clock.set(utc("2026-11-29T08:00:00Z"));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->present.empty());
    CHECK(f.tap("01").decision.kind == core::TapKind::check_in);  // not a check-out
    CHECK(f.station->snapshot()->present.size() == 1);
}

TEST_CASE("enrolment: a host arms it, the next tap is captured, then enrolled to a new member") {
    Fixture f;
    auto host = f.add("Camille", core::Role::host, "0004211337");
    auto lea = f.add("Léa", core::Role::member);
    std::atomic<int> wakes{0};
    f.station->set_wake([&] { ++wakes; });

    SUBCASE("members cannot enrol") {
        CHECK(!f.station->call(StartEnrolment{lea.id}));
    }
    SUBCASE("capture, then a new member with the badge in one step") {
        REQUIRE(f.station->call(StartEnrolment{host.id}));
        REQUIRE(f.station->call(BadgeSeen{"0007770001", "kiosk"}));
        auto snap = f.station->snapshot();
        REQUIRE(snap->enrolment);
        CHECK(snap->enrolment->uid == "0007770001");
        CHECK(!snap->enrolment->current_owner);
        CHECK(snap->present.empty());  // captured, not a check-in
        core::MemberDraft d;
        d.display_name = "Noé Garnier";
        auto r = f.station->call(AddMember{d, host.id, std::string("0007770001")});
        REQUIRE(r);
        CHECK(!f.station->snapshot()->enrolment);
        CHECK(f.tap("0007770001").decision.kind == core::TapKind::check_in);
        CHECK(wakes > 0);
    }
    SUBCASE("a badge already enrolled is reported, and enrolling it to someone else is refused") {
        REQUIRE(f.station->call(StartEnrolment{host.id}));
        REQUIRE(f.station->call(BadgeSeen{"0004211337", "kiosk"}));
        CHECK(f.station->snapshot()->enrolment->current_owner == host.id);
        auto r = f.station->call(AddBadge{"0004211337", lea.id, host.id});
        REQUIRE(!r);
        CHECK(r.error().english().find("Camille") != std::string::npos);
        core::MemberDraft d;
        d.display_name = "Ghost";
        CHECK(!f.station->call(AddMember{d, host.id, std::string("0004211337")}));
        // Nothing half-written: no member "Ghost".
        for (const auto& [id, m] : f.station->snapshot()->directory->members) CHECK(m.display_name != "Ghost");
    }
    SUBCASE("enrolment expires after a minute") {
        REQUIRE(f.station->call(StartEnrolment{host.id}));
        f.clock.advance(seconds{61});
        REQUIRE(f.station->call(Tick{}));
        CHECK(!f.station->snapshot()->enrolment);
        CHECK(f.tap("0004211337").decision.kind == core::TapKind::check_in);
    }
    SUBCASE("the GUI's asynchronous requests get their reply in a snapshot") {
        f.station->post_async(AddBadge{"0001112223", lea.id, host.id}, 42);
        REQUIRE(f.station->call(Tick{}));  // the inbox is FIFO: the reply is there now
        auto snap = f.station->snapshot();
        REQUIRE(snap->last_reply);
        CHECK(snap->last_reply->request_id == 42);
        CHECK(snap->last_reply->ok);
        CHECK(snap->last_reply->member == lea.id);
    }
}

TEST_CASE("member language is stored and invalid drafts are refused before storage") {
    Fixture f;
    auto lea = f.add("Léa");
    auto r = f.station->call(SetMemberLang{lea.id, core::Lang::en});
    REQUIRE(r);
    f.reopen();
    CHECK(f.station->snapshot()->directory->find(lea.id)->lang == core::Lang::en);
    core::MemberDraft bad;
    bad.display_name = "  ";
    CHECK(!f.station->call(AddMember{bad, std::nullopt, std::nullopt}));
    bad.display_name = "Ok";
    bad.email = "not-an-email";
    CHECK(!f.station->call(AddMember{bad, std::nullopt, std::nullopt}));
}

TEST_CASE("the snapshot changes with the minute, for the kiosk clock") {
    Fixture f;
    auto v = f.station->snapshot()->version;
    CHECK(f.station->snapshot()->local_hhmm == "14:00");
    f.clock.advance(minutes{1});
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.station->snapshot()->version > v);
    CHECK(f.station->snapshot()->local_hhmm == "14:01");
}

TEST_CASE("a stopped station refuses commands instead of hanging") {
    Fixture f;
    f.station->stop();
    auto r = f.station->call(Tick{});
    CHECK(!r);
}

namespace {
// Paris around the spring change of 2027: +1 h until 2027-03-28 01:00 UTC, then +2 h.
class SpringZone final : public alloc::Zone {
public:
    static core::Timestamp change() { return utc("2027-03-28T01:00:00Z"); }
    std::chrono::seconds offset(core::Timestamp t) const override {
        return t < change() ? std::chrono::hours{1} : std::chrono::hours{2};
    }
    alloc::LocalResolution resolve(std::chrono::local_seconds l) const override {
        const core::Timestamp t{l.time_since_epoch() - offset(core::Timestamp{l.time_since_epoch()} - std::chrono::hours{1})};
        return {alloc::LocalResolution::Kind::unique, t, t};
    }
};
class SpringCalendar final : public Calendar {
public:
    core::Date local_day(core::Timestamp t) const override {
        return core::Date{std::chrono::floor<std::chrono::days>(m_zone.to_local(t))};
    }
    core::Timestamp day_start(core::Date d) const override {
        return m_zone.resolve(std::chrono::local_days{std::chrono::sys_days{d}.time_since_epoch()}).first;
    }
    std::string local_hhmm(core::Timestamp t) const override {
        const auto l = m_zone.to_local(t);
        const auto m = std::chrono::duration_cast<minutes>(l - std::chrono::floor<std::chrono::days>(l)).count();
        char b[8];
        std::snprintf(b, sizeof b, "%02d:%02d", static_cast<int>(m / 60), static_cast<int>(m % 60));
        return b;
    }
    const alloc::Zone& zone() const override { return m_zone; }

private:
    SpringZone m_zone;
};
}  // namespace

TEST_CASE("the snapshot gives the kiosk the offsets of the days it shows, a daylight-saving change included") {
    testing::TempDir dir;
    testing::FakeClock clock{utc("2027-03-26T13:00:00Z")};
    SpringCalendar calendar;
    auto store = db::SqlStore::open(dir / "etabli.db");
    REQUIRE(store);
    Station station{**store, clock, calendar};
    REQUIRE(station.start());
    const auto snap = station.snapshot();
    REQUIRE(snap->offsets);
    const std::vector<OffsetChange> want{{utc("2027-03-24T23:00:00Z"), minutes{60}},  // yesterday's start
                                         {SpringZone::change(), minutes{120}}};
    CHECK(*snap->offsets == want);
}
