// The audit trail: a host's action and its row commit together, a refused attempt is
// written, the rows are chained; an edited, deleted or cut row is found and named, by
// `etabli audit verify` and `etabli check`; the table refuses UPDATE and DELETE.
#include <doctest/doctest.h>

#include <etabli/app/rights.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/check.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include "serve_support.hpp"
#include "station_fixture.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace etabli;
using namespace etabli::app;
using testing::utc;
namespace fs = std::filesystem;

namespace {

// The file as an intruder with the sqlite3 shell sees it.
struct Raw {
    sqlite3* c = nullptr;
    explicit Raw(const fs::path& p) { REQUIRE(sqlite3_open(p.c_str(), &c) == SQLITE_OK); }
    ~Raw() { sqlite3_close(c); }
    int exec(const std::string& sql) { return sqlite3_exec(c, sql.c_str(), nullptr, nullptr, nullptr); }
};

struct Workshop : testing::StationOnDisk {
    core::Member host, lea;
    Workshop() : StationOnDisk(utc("2026-11-28T13:00:00Z")) {
        reopen();
        host = add_member("Camille", core::Role::host);
        lea = add_member("Léa", core::Role::member);
    }
    fs::path db() const { return dir / "etabli.db"; }
    std::vector<db::AuditRow> rows() {
        auto r = db::list_audit(db(), {});
        REQUIRE(r);
        return *r;
    }
};

alloc::Machine machine(const std::string& name) {
    alloc::Machine m;
    m.name = name;
    return m;
}

}  // namespace

TEST_CASE("host actions and refused attempts are chained in the audit trail, each with its effect") {
    Workshop w;
    w.host_session(w.host.id);
    const auto before = w.rows().size();  // the two members added from the command line, the host's PIN set and entered
    CHECK(before == 4);
    CHECK(w.rows()[2].action == "pin.set");
    CHECK(w.rows()[3].action == "host.session_open");
    REQUIRE(w.station->call(AddMachine{machine("Laser"), w.host.id}, Origin::kiosk));
    auto refused = w.station->call(AddMachine{machine("Fraiseuse"), w.lea.id}, Origin::kiosk);
    REQUIRE(!refused);
    // A member's own actions are not a host's: not audited.
    REQUIRE(w.station->call(BadgeSeen{"0001", "kiosk"}));
    const auto rows = w.rows();
    REQUIRE(rows.size() == before + 2);
    const auto& done = rows[before];
    CHECK(done.action == "machine.add");
    CHECK(done.outcome == "done");
    CHECK(done.actor == w.host.id);
    CHECK(done.principal == "host");
    CHECK(done.origin == "kiosk");
    CHECK(done.detail.find("machine=") != std::string::npos);
    const auto& no = rows[before + 1];
    CHECK(no.action == "machine.add");
    CHECK(no.outcome == "refused");
    CHECK(no.actor == w.lea.id);
    CHECK(no.detail.find("missing=host") != std::string::npos);
    // Chained: each row carries its predecessor's hash.
    CHECK(rows[0].prev_hash == db::kAuditGenesis);
    for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i].prev_hash == rows[i - 1].hash);
    auto v = db::verify_audit(w.db());
    REQUIRE(v);
    CHECK(!v->first_broken);
    CHECK(v->rows == static_cast<std::int64_t>(rows.size()));
    CHECK(v->last_hash == rows.back().hash);
    // No name in the trail: ids only (an erased member stays erased).
    for (const auto& r : rows) CHECK(r.detail.find("Camille") == std::string::npos);
}

TEST_CASE("the audit row is in the transaction of its action: no row, no action") {
    Workshop w;
    {
        Raw raw(w.db());  // the audit table refuses every new row
        REQUIRE(raw.exec("CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no room'); END") == SQLITE_OK);
    }
    {  // the host's session was opened before the audit table filled
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_full") == SQLITE_OK);
    }
    w.host_session(w.host.id);
    {
        Raw raw(w.db());
        REQUIRE(raw.exec("CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'no room'); END") == SQLITE_OK);
    }
    auto r = w.station->call(AddMachine{machine("Laser"), w.host.id}, Origin::kiosk);
    REQUIRE(!r);
    CHECK(r.error().kind == core::Problem::Kind::storage);
    // Neither in the file nor in the station's memory.
    CHECK(w.station->snapshot()->machines.empty());
    {
        Raw raw(w.db());
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(raw.c, "SELECT count(*) FROM machines", -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        CHECK(sqlite3_column_int(st, 0) == 0);
        sqlite3_finalize(st);
        REQUIRE(raw.exec("DROP TRIGGER audit_full") == SQLITE_OK);
    }
    // The fault cleared: the same action goes through, with its row.
    REQUIRE(w.station->call(AddMachine{machine("Laser"), w.host.id}, Origin::kiosk));
    CHECK(w.station->snapshot()->machines.size() == 1);
    CHECK(w.rows().back().action == "machine.add");
    w.reopen();
    CHECK(w.station->snapshot()->machines.size() == 1);
}

TEST_CASE("an edited, deleted or cut audit row is found and named") {
    Workshop w;
    for (int i = 0; i < 5; ++i) REQUIRE(w.station->call(AddMachine{machine("Machine " + std::to_string(i)), std::nullopt}));  // the command line
    const auto rows = w.rows();
    REQUIRE(rows.size() == 7);
    w.station.reset();
    w.store.reset();
    {
        Raw raw(w.db());
        // The table itself refuses.
        CHECK(raw.exec("UPDATE audit SET detail = 'machine=99' WHERE id = 4") != SQLITE_OK);
        CHECK(raw.exec("DELETE FROM audit WHERE id = 4") != SQLITE_OK);
    }
    const fs::path copy = w.dir / "copy.db";
    fs::copy_file(w.db(), copy);
    fs::copy_file(w.db().string() + ".pepper", copy.string() + ".pepper");  // the secret travels with it
    SUBCASE("an edited row") {
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_no_update") == SQLITE_OK);
        REQUIRE(raw.exec("UPDATE audit SET actor_id = 2 WHERE id = 4") == SQLITE_OK);  // Léa did it, says the edit
        auto v = db::verify_audit(w.db());
        REQUIRE(v);
        CHECK(v->first_broken == 4);
        REQUIRE(v->why);
        CHECK(v->why->msgid == "Audit row {0} was changed after it was written");
    }
    SUBCASE("an edited row whose hash was recomputed: the next row no longer follows") {
        // Forged with the installation's secret (only the station's user can read it).
        auto row = rows[3];
        row.actor = 2;
        auto key = db::installation_pepper(w.db(), false);
        REQUIRE(key);
        const auto forged = db::audit_hash(row, *key);
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_no_update") == SQLITE_OK);
        REQUIRE(raw.exec("UPDATE audit SET actor_id = 2, hash = '" + forged + "' WHERE id = 4") == SQLITE_OK);
        auto v = db::verify_audit(w.db());
        REQUIRE(v);
        CHECK(v->first_broken == 5);
        REQUIRE(v->why);
        CHECK(v->why->msgid == "Audit row {0} does not follow the row before it: that row was changed or removed");
    }
    SUBCASE("an edited row whose hash was recomputed without the secret: found at that row") {
        auto row = rows[3];
        row.actor = 2;
        const auto forged = db::audit_hash(row, std::string(32, '\0'));
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_no_update") == SQLITE_OK);
        REQUIRE(raw.exec("UPDATE audit SET actor_id = 2, hash = '" + forged + "' WHERE id = 4") == SQLITE_OK);
        auto v = db::verify_audit(w.db());
        REQUIRE(v);
        CHECK(v->first_broken == 4);
    }
    SUBCASE("a deleted row") {
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_no_delete") == SQLITE_OK);
        REQUIRE(raw.exec("DELETE FROM audit WHERE id = 3") == SQLITE_OK);
        auto v = db::verify_audit(w.db());
        REQUIRE(v);
        CHECK(v->first_broken == 4);
        // And `etabli check` says it too.
        auto c = db::check_database(w.db());
        REQUIRE(c);
        REQUIRE(c->size() == 1);
        CHECK((*c)[0].rule == "audit_chain");
    }
    SUBCASE("the whole chain rewritten from a row on: its head differs from the one noted") {
        auto before = db::verify_audit(copy);
        REQUIRE(before);
        Raw raw(w.db());
        REQUIRE(raw.exec("DROP TRIGGER audit_no_delete") == SQLITE_OK);
        REQUIRE(raw.exec("DELETE FROM audit WHERE id = 7") == SQLITE_OK);  // the tail cut
        auto v = db::verify_audit(w.db());
        REQUIRE(v);
        CHECK(!v->first_broken);  // a cut tail leaves a valid chain…
        CHECK(v->last_hash != before->last_hash);  // …whose head is not the one noted
        CHECK(v->last_hash == rows[5].hash);
    }
}

TEST_CASE("etabli audit verify and audit list at the command line") {
    testing::TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return testing::run_etabli(dir.path(), args);
    };
    REQUIRE(run({"init", "--demo"}).code == 0);
    REQUIRE(run({"machine", "add", "--name", "Plieuse"}).code == 0);
    auto v = run({"--lang", "en", "audit", "verify"});
    CHECK(v.code == 0);
    CHECK(v.out.find("The audit trail holds") != std::string::npos);
    auto fr = run({"--lang", "fr", "audit", "verify"});
    CHECK(fr.out.find("Le journal d'audit") != std::string::npos);
    auto list = run({"--json", "audit", "list"});
    REQUIRE(list.code == 0);
    auto rows = nlohmann::json::parse(list.out);
    REQUIRE(rows.is_array());
    REQUIRE(!rows.empty());
    CHECK(rows.back()["action"] == "machine.add");
    CHECK(rows.back()["principal"] == "command_line");
    CHECK(run({"audit", "list", "--since", "hier"}).code == 2);
    auto since = run({"--json", "audit", "list", "--since", "2999-01-01"});
    CHECK(nlohmann::json::parse(since.out).empty());
    {
        Raw raw(db);
        REQUIRE(raw.exec("DROP TRIGGER audit_no_update") == SQLITE_OK);
        REQUIRE(raw.exec("UPDATE audit SET outcome = 'refused' WHERE id = 1") == SQLITE_OK);
    }
    auto broken = run({"--lang", "en", "audit", "verify"});
    CHECK(broken.code == 1);
    CHECK(broken.out.find("First broken row: 1") != std::string::npos);
    CHECK(run({"check"}).code == 1);
}

TEST_CASE("a host refused by the rules (making a host) is in the audit trail too, without names") {
    Workshop w;
    core::MemberDraft d;
    d.display_name = "Léa";
    d.role = core::Role::host;
    w.host_session(w.host.id);
    REQUIRE(!w.station->call(EditMember{w.lea.id, d, w.host.id}, Origin::kiosk));
    const auto last = w.rows().back();
    CHECK(last.action == "member.edit");
    CHECK(last.outcome == "refused");
    CHECK(last.actor == w.host.id);
    CHECK(last.detail.find("why=") != std::string::npos);
    CHECK(last.detail.find("Camille") == std::string::npos);
    CHECK(last.detail.find("Léa") == std::string::npos);
}

TEST_CASE("etabli pin set|unlock|forget and machine set --pin-required at the command line") {
    testing::TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return testing::run_etabli(dir.path(), args);
    };
    // The PIN comes on stdin (a terminal: twice, without echo), never on the command line.
    auto pin_set = [&](const std::string& id, const std::string& typed) {
        const std::string cmd = "printf '" + typed + "\\n' | " + std::string(ETABLI_BINARY) + " --db " + db + " --lang en pin set " + id +
                                " >/dev/null 2>&1";
        const int status = std::system(cmd.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    REQUIRE(run({"init", "--demo"}).code == 0);
    auto added = run({"--json", "member", "add", "--name", "Dominique", "--role", "host"});
    REQUIRE(added.code == 0);
    const auto id = std::to_string(nlohmann::json::parse(added.out)["id"].get<std::int64_t>());
    CHECK(pin_set(id, "73915842") == 0);
    CHECK(pin_set(id, "12a4") == 2);
    CHECK(pin_set(id, "123") == 2);
    CHECK(pin_set("424242", "2468") != 0);
    auto none = run({"--lang", "en", "pin", "set", id});  // stdin is /dev/null
    CHECK(none.code == 2);
    CHECK(none.err.find("No PIN was given") != std::string::npos);
    {  // Stored as Argon2id under the pepper: the right PIN verifies, the digits are not in the file.
        auto store = db::SqlStore::open(db);
        REQUIRE(store);
        auto check = (*store)->check_pin(std::stoll(id), "73915842", utc("2026-12-05T10:00:00Z"));
        REQUIRE(check);
        CHECK(check->verdict == PinVerdict::right);
    }
    std::ifstream in(db, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    CHECK(bytes.find("73915842") == std::string::npos);
    CHECK(run({"pin", "unlock", id}).code == 0);
    CHECK(run({"pin", "forget", id}).code == 0);
    {
        auto store = db::SqlStore::open(db);
        REQUIRE(store);
        auto pins = (*store)->load_pins();
        REQUIRE(pins);
        REQUIRE(pins->size() == 1);
        CHECK(!(*pins)[0].set);
    }
    // A machine that requires the PIN.
    REQUIRE(run({"machine", "add", "--name", "Plieuse"}).code == 0);
    CHECK(run({"machine", "set", "Plieuse", "--pin-required", "peut-être"}).code == 2);
    CHECK(run({"machine", "set", "Plieuse", "--pin-required", "yes"}).code == 0);
    auto shown = run({"--json", "machine", "show", "Plieuse"});
    REQUIRE(shown.code == 0);
    CHECK(nlohmann::json::parse(shown.out)["pin_required"] == true);
    auto fr = run({"--lang", "fr", "machine", "show", "Plieuse"});
    CHECK(fr.out.find("Démarre avec le badge et le code du membre") != std::string::npos);
    // All of it in the audit trail.
    auto list = run({"--json", "audit", "list"});
    REQUIRE(list.code == 0);
    CHECK(list.out.find("pin.set") != std::string::npos);
    CHECK(list.out.find("pin.reset") != std::string::npos);
    CHECK(list.out.find("73915842") == std::string::npos);
}
