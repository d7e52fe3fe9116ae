// Members' data under the RGPD: the erasure leaves the member countable but nameless,
// and their name, e-mail and badge number nowhere in the database file or its WAL (read as
// raw bytes while the station still runs); refusals (unknown, already erased, a tool out, not
// an admin); the export holds every table that names the member, and hostile names stay text.
#include <doctest/doctest.h>

#include <etabli/app/rights.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include "serve_support.hpp"
#include "station_fixture.hpp"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>
#include <map>

using namespace etabli;
using namespace etabli::app;
using testing::utc;
namespace fs = std::filesystem;

namespace {

std::string raw(const fs::path& p) {
    std::error_code ec;
    if (!fs::exists(p, ec)) return {};
    return testing::read_file(p);
}

core::Repair repair_of(core::MemberId volunteer, core::MemberId owner, std::string problem) {
    core::Repair r;
    r.volunteers = {volunteer};
    r.owner = owner;
    r.item = core::ItemKind::bicycle;
    r.component = core::Component::brakes;
    r.problem = std::move(problem);
    r.done = "Patins changés";
    r.status = core::RepairStatus::fixed;
    r.minutes = 20;
    return r;
}

}  // namespace

TEST_CASE("an erased member's name, e-mail and badge number are nowhere in the file or its WAL; the history stays countable") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto vic = f.add_member("Victor Bénévole", core::Role::volunteer);
    const auto host = f.add_member("Camille Hôte", core::Role::host);
    const auto zoe = f.add_member("Zephyrine Quillard", core::Role::member, "0009876543");
    // A name changed once: the old one must not linger in a free page either.
    core::MemberDraft d;
    d.display_name = "Zéphyrine Quillard-Ostrowski";
    d.email = "zephyrine.q@exemple.org";
    REQUIRE(f.station->call(EditMember{zoe.id, d, std::nullopt}));
    REQUIRE(f.station->call(BadgeSeen{"0009876543", "kiosk"}));  // in
    f.clock.advance(std::chrono::hours{1});
    REQUIRE(f.station->call(BadgeSeen{"0009876543", "kiosk"}));  // out
    REQUIRE(f.station->call(BadgeSeen{"0009876543", "kiosk"}));  // in again: open at the erasure
    REQUIRE(f.station->call(LogRepair{repair_of(vic.id, zoe.id, "Le vélo de Zéphyrine Quillard-Ostrowski freine mal"), vic.id}));
    REQUIRE(f.station->call(LogRepair{repair_of(vic.id, zoe.id, "Écrire à zephyrine.q@exemple.org quand c'est prêt"), vic.id}));
    const fs::path db = f.dir / "etabli.db";
    const fs::path wal = db.string() + "-wal";
    for (const auto& s : {"Zéphyrine Quillard-Ostrowski", "zephyrine.q@exemple.org", "0009876543"})
        CHECK((raw(db) + raw(wal)).find(s) != std::string::npos);  // the test sees them before

    // A host may not; an admin (here the command line) may.
    auto by_host = f.station->call(EraseMember{zoe.id, host.id}, Origin::kiosk);
    REQUIRE(!by_host);
    CHECK(by_host.error().msgid.find("(missing right: admin)") != std::string::npos);
    auto erased = f.station->call(EraseMember{zoe.id, std::nullopt});
    REQUIRE_MESSAGE(erased, (erased ? "" : erased.error().english()));
    CHECK(std::get<core::Member>(*erased).display_name == "Membre effacé n°" + std::to_string(zoe.id));
    CHECK(!std::get<core::Member>(*erased).email);

    // The station still runs, its connection open: the raw bytes of the file and the WAL.
    const std::string bytes = raw(db) + raw(wal);
    for (const auto& s : {"Zéphyrine", "Zephyrine Quillard", "Quillard-Ostrowski", "zephyrine.q@exemple.org", "0009876543"}) {
        CAPTURE(s);
        CHECK(bytes.find(s) == std::string::npos);
    }
    // Countable: the member, their presences and the repairs are still there, under a number.
    auto snap = f.station->snapshot();
    CHECK(snap->directory->members.size() == 3);
    CHECK(snap->directory->find(zoe.id)->display_name == "Membre effacé n°" + std::to_string(zoe.id));
    CHECK(snap->present.empty());  // the open presence was closed
    {
        auto* store = f.store.get();
        auto data = db::member_data(store->connection(), zoe.id);
        REQUIRE(data);
        std::map<std::string, std::size_t> rows;
        for (const auto& s : *data) rows[s.name] = s.rows.size();
        CHECK(rows["presence"] == 2);
        CHECK(rows["repairs"] == 2);
        CHECK(rows["badges"] == 1);
    }
    // The badge is no one's any more: shown again, it is an unknown badge.
    auto tap = f.station->call(BadgeSeen{"0009876543", "kiosk"});
    REQUIRE(tap);
    CHECK(std::get<TapView>(*tap).decision.kind == core::TapKind::unknown_badge);
    // And after a restart, the same.
    f.reopen();
    CHECK(f.station->snapshot()->directory->find(zoe.id)->display_name == "Membre effacé n°" + std::to_string(zoe.id));
    // Erased twice: refused, and said so.
    auto again = f.station->call(EraseMember{zoe.id, std::nullopt});
    REQUIRE(!again);
    CHECK(again.error().msgid == "Member {0} is already erased");
    // The audit trail holds the erasure, by number only.
    auto audit = db::list_audit(db, {});
    REQUIRE(audit);
    bool found = false;
    for (const auto& r : *audit) found = found || (r.action == "member.erase" && r.outcome == "done");
    CHECK(found);
}

TEST_CASE("a badge given again after its first owner was erased: the second owner is erased too; hosts are not erased") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    const auto a = f.add_member("Alice Premier", core::Role::member, "0007777777");
    REQUIRE(f.station->call(EraseMember{a.id, std::nullopt}));
    const auto b = f.add_member("Bruno Second", core::Role::member, "0007777777");  // the same card, handed on
    auto erased = f.station->call(EraseMember{b.id, std::nullopt});
    REQUIRE_MESSAGE(erased, (erased ? "" : erased.error().english()));
    CHECK(f.store->connection().query_int("SELECT count(*) FROM badges WHERE uid LIKE 'ERASED:%'").value_or(0) == 2);
    // The event log's guard is back after an erasure.
    CHECK(!f.store->connection().exec("UPDATE events SET kind = 'x' WHERE id = 1"));
    const auto host = f.add_member("Camille", core::Role::host);
    auto refused = f.station->call(EraseMember{host.id, std::nullopt});
    REQUIRE(!refused);
    CHECK(refused.error().msgid == "{0} is a host or an admin: give them the member role first, then erase them");
    // A volunteer keeps the role (their past hours stay in the reports), not the name.
    const auto vic = f.add_member("Victor Bénévole", core::Role::volunteer);
    REQUIRE(f.station->call(EraseMember{vic.id, std::nullopt}));
    CHECK(f.station->snapshot()->directory->find(vic.id)->role == core::Role::volunteer);
}

TEST_CASE("erasure refusals: an unknown member, a tool still out") {
    testing::StationOnDisk f(utc("2026-11-28T13:00:00Z"));
    f.reopen();
    auto unknown = f.station->call(EraseMember{4242, std::nullopt});
    REQUIRE(!unknown);
    CHECK(unknown.error().msgid == "No member has the number {0}");
    const auto lea = f.add_member("Léa", core::Role::member);
    core::Tool drill;
    drill.name = "Perceuse";
    auto t = f.station->call(AddTool{drill, std::nullopt});
    REQUIRE(t);
    REQUIRE(f.station->call(Lend{{std::get<core::Tool>(*t).id}, lea.id, std::nullopt, std::nullopt}));
    auto out = f.station->call(EraseMember{lea.id, std::nullopt});
    REQUIRE(!out);
    CHECK(out.error().msgid == "{0} still has {1} tools out: take them back before the erasure");
    CHECK(f.station->snapshot()->directory->find(lea.id)->display_name == "Léa");  // nothing changed
}

TEST_CASE("the pepper is made once, 32 bytes, readable by the station's user only") {
    testing::TempDir dir;
    const fs::path db = dir / "etabli.db";
    auto a = db::installation_pepper(db);
    REQUIRE(a);
    CHECK(a->size() == 32);
    auto b = db::installation_pepper(db);
    REQUIRE(b);
    CHECK(*a == *b);
    struct stat st{};
    REQUIRE(::stat((db.string() + ".pepper").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    // Keyed: the same badge gives another erased number under another installation's pepper.
    testing::TempDir other;
    auto c = db::installation_pepper(other / "etabli.db");
    REQUIRE(c);
    CHECK(db::erased_uid(*a, "0001234567", 1) != db::erased_uid(*c, "0001234567", 1));
    CHECK(db::erased_uid(*a, "0001234567", 1) == db::erased_uid(*a, "0001234567", 1));
    CHECK(db::erased_uid(*a, "0001234567", 1).starts_with("ERASED:"));
    CHECK(db::erased_uid(*a, "0001234567", 1) != db::erased_uid(*a, "0001234567", 2));  // a badge given again
    // A damaged pepper is said, not replaced (it would orphan what it keyed).
    { std::ofstream(db.string() + ".pepper", std::ios::trunc) << "short"; }
    auto damaged = db::installation_pepper(db);
    REQUIRE(!damaged);
    CHECK(damaged.error().msgid == "The station's secret {0} is damaged (not {1} bytes): restore it from where it was kept");
}

TEST_CASE("etabli member export and erase at the command line; hostile names stay text") {
    testing::TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return testing::run_etabli(dir.path(), args);
    };
    REQUIRE(run({"init"}).code == 0);
    const std::string hostile = "<script>alert('x')</script> \"O'Brien\"; DROP TABLE members;-- \u202Eeviltxt";
    auto added = run({"--json", "member", "add", "--name", hostile, "--email", "obrien@exemple.org"});
    REQUIRE(added.code == 0);
    const auto id = nlohmann::json::parse(added.out)["id"].get<std::int64_t>();
    REQUIRE(run({"badge", "add", "0001112223", "--member", std::to_string(id)}).code == 0);
    REQUIRE(run({"tap", "0001112223"}).code == 0);

    auto exported = run({"member", "export", std::to_string(id)});
    REQUIRE(exported.code == 0);
    auto j = nlohmann::json::parse(exported.out);
    CHECK(j["member"] == id);
    CHECK(j["data"]["member"][0]["display_name"] == hostile);  // exactly as stored
    CHECK(j["data"]["badges"][0]["uid"] == "0001112223");
    CHECK(j["data"]["presence"].size() == 1);
    for (const char* section : {"bookings", "sessions", "loans", "skill_grants", "repairs", "help_requests", "training_signups"})
        CHECK(j["data"].contains(section));

    auto page = run({"--lang", "fr", "member", "export", std::to_string(id), "--html"});
    REQUIRE(page.code == 0);
    CHECK(page.out.find("<script>") == std::string::npos);
    CHECK(page.out.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    CHECK(page.out.find("<bdi>") != std::string::npos);  // a right-to-left mark stays inside its cell
    CHECK(page.out.find("Données conservées") != std::string::npos);

    // Erasure wants a confirmation; with it, the member is erased; again: said so.
    auto unconfirmed = run({"member", "erase", std::to_string(id)});
    CHECK(unconfirmed.code == 2);
    auto erased = run({"--lang", "en", "member", "erase", std::to_string(id), "--yes"});
    CHECK(erased.code == 0);
    CHECK(erased.out.find("is erased") != std::string::npos);
    CHECK(run({"member", "erase", std::to_string(id), "--yes"}).code == 2);
    CHECK(run({"member", "erase", "999", "--yes"}).code == 2);
    const std::string bytes = testing::read_file(db);
    CHECK(bytes.find("obrien@exemple.org") == std::string::npos);
    CHECK(bytes.find("O'Brien") == std::string::npos);
    CHECK(run({"check"}).code == 0);
    CHECK(run({"audit", "verify"}).code == 0);
}
