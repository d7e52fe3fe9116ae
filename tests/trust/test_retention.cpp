// Retention: a dry run says what would go and changes nothing; the purge turns raw
// presences older than [privacy] presence_months into daily totals whose volunteer hours are
// the same, erases the members whose membership ended more than erase_after_years ago (not
// hosts, not one with a tool out: those are said), is audited, and a second run finds nothing.
#include <doctest/doctest.h>

#include <etabli/app/rights.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/sql_store.hpp>

#include "serve_support.hpp"
#include "station_fixture.hpp"

#include <sqlite3.h>

#include <fstream>
#include <map>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;
namespace fs = std::filesystem;

namespace {

std::int64_t count(testing::StationOnDisk& f, const std::string& sql) {
    auto v = f.store->connection().query_int(sql.c_str());
    REQUIRE(v);
    return *v;
}

// Volunteer hours of a month, by member and role, as the reports count them.
std::map<std::pair<core::MemberId, std::string>, seconds> hours_by_role(testing::StationOnDisk& f, core::Timestamp from, core::Timestamp to) {
    auto p = f.store->volunteer_presences(from, to);
    REQUIRE(p);
    const auto report = core::volunteer_hours(*p, from, to, f.clock.now(), [](core::Timestamp) { return std::nullopt; });
    std::map<std::pair<core::MemberId, std::string>, seconds> out;
    for (const auto& l : report.lines) out[{l.member, l.role ? std::string(core::to_string(*l.role)) : "-"}] += l.time;
    return out;
}

}  // namespace

TEST_CASE("retention: a dry run changes nothing; the purge keeps the hours, erases long-ended members, and finds nothing the second time") {
    testing::StationOnDisk f(utc("2025-05-31T21:00:00Z"));  // 22:00 on 31 May in the fixture's zone (UTC+1)
    f.reopen();
    const auto vic = f.add_member("Victor", core::Role::volunteer, "0000000101");
    const auto lea = f.add_member("Léa", core::Role::member, "0000000102");
    const auto olga = f.add_member("Olga Ancienne", core::Role::member, std::nullopt, core::Date{year{2022} / 1 / 31});
    const auto paul = f.add_member("Paul Emprunteur", core::Role::member);
    const auto hugo = f.add_member("Hugo Hôte", core::Role::host, std::nullopt, core::Date{year{2021} / 12 / 31});
    // Victor across midnight and the month's end: in at 22:00 on 31 May, forgotten, closed by the
    // station at midnight, corrected by a host to 02:00 on 1 June (2 h in each month).
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    f.clock.advance(hours{4});
    REQUIRE(f.station->call(Tick{}));
    const auto night = count(f, "SELECT id FROM presence ORDER BY id LIMIT 1");
    REQUIRE(count(f, "SELECT count(*) FROM presence WHERE closed_by = 'auto'") == 1);
    auto corrected = f.station->call(CorrectPresence{night, f.clock.now(), std::nullopt});
    REQUIRE_MESSAGE(corrected, (corrected ? "" : corrected.error().english()));
    f.clock.advance(duration_cast<seconds>(utc("2025-06-10T07:00:00Z") - f.clock.now()));  // 10 June, 09:00
    core::Tool drill;
    drill.name = "Perceuse";
    auto t = f.station->call(AddTool{drill, std::nullopt});
    REQUIRE(t);
    REQUIRE(f.station->call(Lend{{std::get<core::Tool>(*t).id}, paul.id, std::nullopt, std::nullopt}));
    {  // …and his membership ended in 2022 (entered late): the drill is still out
        core::MemberDraft d;
        d.display_name = "Paul Emprunteur";
        d.valid_until = core::Date{year{2022} / 6 / 30};
        REQUIRE(f.station->call(EditMember{paul.id, d, std::nullopt}));
    }
    // June 2025: Victor in from 09:00 to 12:00 (a mechanic from 10:00), and 14:00-15:30; Léa 10:00-11:00.
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    f.clock.advance(hours{1});
    REQUIRE(f.station->call(BadgeSeen{"0000000102", "kiosk"}));
    REQUIRE(f.station->call(SetPresenceRole{vic.id, core::VolunteerRole::mechanic, vic.id}));
    f.clock.advance(hours{1});
    REQUIRE(f.station->call(BadgeSeen{"0000000102", "kiosk"}));
    f.clock.advance(hours{1});
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    f.clock.advance(hours{2});
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    f.clock.advance(minutes{90});
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    // Now: November 2026. Victor comes in today; that presence is not touched.
    f.clock.advance(duration_cast<seconds>(utc("2026-11-28T13:00:00Z") - f.clock.now()));
    REQUIRE(f.station->call(BadgeSeen{"0000000101", "kiosk"}));
    const auto may_from = f.calendar.day_start(core::Date{year{2025} / 5 / 1});
    const auto june_from = f.calendar.day_start(core::Date{year{2025} / 6 / 1});
    const auto june_to = f.calendar.day_start(core::Date{year{2025} / 7 / 1});
    const auto before = hours_by_role(f, june_from, june_to);
    const auto may_before = hours_by_role(f, may_from, june_from);
    REQUIRE(!before.empty());
    REQUIRE(may_before.at({vic.id, "-"}) == hours{2});
    const auto raw_rows = count(f, "SELECT count(*) FROM presence");
    REQUIRE(raw_rows == 5);
    const auto presence_events = count(f, "SELECT count(*) FROM events WHERE kind LIKE 'presence.%'");

    auto dry = f.station->call(PurgePersonalData{true, std::nullopt});
    REQUIRE_MESSAGE(dry, (dry ? "" : dry.error().english()));
    const auto& d = std::get<PurgeSummary>(*dry);
    CHECK(d.dry_run);
    CHECK(d.presences == 4);
    CHECK(d.daily_rows >= 2);
    REQUIRE(d.erased.size() == 1);
    CHECK(d.erased[0].first == olga.id);
    CHECK(d.erased[0].second == "Olga Ancienne");
    std::map<core::MemberId, std::string> kept;
    for (const auto& [id, why] : d.kept) kept[id] = why.msgid;
    CHECK(kept[paul.id] == "{0} still has {1} tools out: take them back before the erasure");
    CHECK(kept[hugo.id] == "{0} is a host or an admin: an admin decides (etabli member erase)");
    // Nothing changed.
    CHECK(count(f, "SELECT count(*) FROM presence") == raw_rows);
    CHECK(count(f, "SELECT count(*) FROM presence WHERE summary = 1") == 0);
    CHECK(count(f, "SELECT count(*) FROM events WHERE kind LIKE 'presence.%'") == presence_events);
    CHECK(f.station->snapshot()->directory->find(olga.id)->display_name == "Olga Ancienne");

    auto real = f.station->call(PurgePersonalData{false, std::nullopt});
    REQUIRE(real);
    const auto& s = std::get<PurgeSummary>(*real);
    CHECK(!s.dry_run);
    CHECK(s.presences == d.presences);
    CHECK(s.daily_rows == d.daily_rows);
    CHECK(s.erased == d.erased);
    // The hours of June 2025 are the same, by member and role; the times and badges are gone.
    CHECK(hours_by_role(f, june_from, june_to) == before);
    CHECK(hours_by_role(f, may_from, june_from) == may_before);  // the night across the month's end, split as before
    CHECK(count(f, "SELECT count(*) FROM presence WHERE summary = 0 AND checked_in < '2026-01-01'") == 0);
    // The event log's presence events of then went too (times, badge numbers); its guards are back.
    CHECK(count(f, "SELECT count(*) FROM events WHERE kind LIKE 'presence.%' AND at < '2026-01-01'") == 0);
    CHECK(count(f, "SELECT count(*) FROM events WHERE kind LIKE 'presence.%'") > 0);  // today's
    CHECK(!f.store->connection().exec("DELETE FROM events WHERE id = 1"));
    CHECK(!f.store->connection().exec("UPDATE events SET kind = 'x' WHERE id = 1"));
    CHECK(count(f, "SELECT count(*) FROM presence WHERE summary = 1 AND badge_uid IS NOT NULL") == 0);
    CHECK(count(f, "SELECT count(*) FROM presence WHERE summary = 0 AND badge_uid = '0000000101'") == 1);  // today's
    CHECK(f.station->snapshot()->present.size() == 1);
    CHECK(f.station->snapshot()->directory->find(olga.id)->display_name == "Membre effacé n°" + std::to_string(olga.id));
    CHECK(f.station->snapshot()->directory->find(paul.id)->display_name == "Paul Emprunteur");
    // Audited, by numbers.
    auto audit = db::list_audit(f.dir / "etabli.db", {});
    REQUIRE(audit);
    CHECK(audit->back().action == "privacy.purge");
    CHECK(audit->back().detail.find("erased=1") != std::string::npos);
    CHECK(audit->back().detail.find("Olga") == std::string::npos);
    // Again: nothing left to do.
    auto again = f.station->call(PurgePersonalData{false, std::nullopt});
    REQUIRE(again);
    CHECK(std::get<PurgeSummary>(*again).presences == 0);
    CHECK(std::get<PurgeSummary>(*again).erased.empty());
    CHECK(hours_by_role(f, june_from, june_to) == before);
    // A host may not purge.
    const auto host = f.add_member("Camille", core::Role::host);
    CHECK(f.station->call(PurgePersonalData{true, host.id}, Origin::kiosk).error().msgid.find("(missing right: admin)") != std::string::npos);
}

TEST_CASE("etabli privacy purge --dry-run at the command line, and [privacy] in etabli.toml") {
    testing::TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    auto run = [&](std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), {"--db", db});
        return testing::run_etabli(dir.path(), args, env);
    };
    REQUIRE(run({"init", "--demo"}).code == 0);
    auto dry = run({"--lang", "fr", "privacy", "purge", "--dry-run"});
    CHECK(dry.code == 0);
    CHECK(dry.out.find("Essai à blanc") != std::string::npos);
    auto json = run({"--json", "privacy", "purge", "--dry-run"});
    CHECK(json.code == 0);
    CHECK(json.out.find("\"dry_run\":true") != std::string::npos);
    // A bad [privacy] is said, with its line.
    const auto toml = dir.path() / "etabli.toml";
    { std::ofstream(toml) << "[privacy]\npresence_months = 0\n"; }
    auto bad = run({"--config", toml.string(), "privacy", "purge", "--dry-run"});
    CHECK(bad.code == 2);
    { std::ofstream(toml) << "[privacy]\npresence_months = 6\nerase_after_years = 2\n"; }
    CHECK(run({"--config", toml.string(), "privacy", "purge", "--dry-run"}).code == 0);
}
