// kill -9 under load: a write storm through the API (members and badges, kiosk taps,
// bookings and cancellations, loans and returns, repairs, machine sessions) from three clients;
// the service is killed with SIGKILL at a random moment and started again, cycle after cycle.
// After each kill, every write the API acknowledged is found in the file exactly as
// acknowledged (a write whose reply was lost may or may not be there), the database passes
// `check`, the sessions that ran resume, and the restart is timed.
//
// The suite runs 50 cycles; `scripts/kill9 1000` runs a thousand (ETABLI_KILL9_CYCLES).
// Test-only.
#include "serve_support.hpp"
#include "sql_probe.hpp"
#include "tz_calendar.hpp"

#include <etabli/db/check.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <set>

using namespace etabli;
using namespace etabli::testing;
using namespace std::chrono;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// What the API acknowledged, shared by the clients. An entity whose request was in flight at
// the kill is "uncertain": it may or may not have changed, and only its earlier, certain state
// is not asked of it any more.
struct Ledger {
    std::mutex m;
    std::map<std::int64_t, std::string> members;             // id -> name
    std::map<std::string, std::int64_t> badges;              // uid -> member
    std::map<std::int64_t, std::string> bookings;            // id -> state
    std::map<std::string, std::optional<std::int64_t>> loans;  // tool tag -> open loan's member
    std::set<std::int64_t> repairs;
    std::map<std::int64_t, std::pair<bool, std::string>> present;  // member -> in, and the Paris day it was said
    std::set<std::string> uncertain;                         // "booking:7", "tool:T0001", "member:12"
    std::int64_t acknowledged = 0, lost_replies = 0;
    void uncertain_of(const std::string& key) {
        std::lock_guard lk(m);
        uncertain.insert(key);
        ++lost_replies;
    }
};

// Today in Paris, the tests' zone ("YYYY-MM-DD"): a change says a midnight passed.
std::string paris_today() {
    static const auto paris = cli::TzCalendar::make("Europe/Paris");
    const auto day = (*paris)->local_day(floor<seconds>(system_clock::now()));
    return core::format_timestamp(core::Timestamp{sys_days{day}.time_since_epoch()}).substr(0, 10);
}

// One client's storm, until the station dies under it.
void storm(const fs::path& socket, int who, int cycle, Ledger& ledger, std::atomic<bool>& stop) {
    cli::ApiClient c;
    if (!c.connect(socket, "kill9-" + std::to_string(who), seconds(2))) return;
    std::mt19937 rng(static_cast<unsigned>(cycle * 7 + who));
    std::string in_flight;  // the entity the request being sent may change
    auto send = [&](json req, const std::string& key) -> std::optional<json> {
        in_flight = key;
        auto r = c.request(std::move(req), seconds(20));
        if (!r) {
            ledger.uncertain_of(key);
            stop = true;
            return std::nullopt;
        }
        in_flight.clear();
        return *r;
    };
    auto cli_json = [&](std::vector<std::string> argv, const std::string& key) -> std::optional<json> {
        auto r = send(json{{"op", "cli"}, {"argv", argv}}, key);
        if (!r || !r->value("ok", false) || r->value("exit", 1) != 0) return std::nullopt;
        try {
            return json::parse(r->value("out", std::string("null")));
        } catch (...) {
            return json(nullptr);
        }
    };
    const std::string tool = "K9" + std::to_string(who);
    for (int i = 0; !stop; ++i) {
        const std::string name = "K9 c" + std::to_string(cycle) + " t" + std::to_string(who) + " n" + std::to_string(i);
        const std::string key_new = "new:" + name;
        auto m = cli_json({"--json", "member", "add", "--name", name}, key_new);
        if (!m) return;
        const std::int64_t id = (*m)["id"];
        const std::string uid = std::to_string(900000000 + cycle * 10000 + who * 1000 + i);
        {
            std::lock_guard lk(ledger.m);
            ledger.members[id] = name;
            ++ledger.acknowledged;
        }
        const std::string key_member = "member:" + std::to_string(id);
        if (!cli_json({"--json", "badge", "add", uid, "--member", std::to_string(id)}, "badge:" + uid)) return;
        {
            std::lock_guard lk(ledger.m);
            ledger.badges[uid] = id;
            ++ledger.acknowledged;
        }
        auto tap = send(json{{"op", "tap"}, {"uid", uid}}, key_member);
        if (!tap) return;
        if (tap->value("outcome", std::string()) == "check_in") {
            std::lock_guard lk(ledger.m);
            ledger.present[id] = {true, paris_today()};
            ++ledger.acknowledged;
        }
        // A booking on the client's own machine, in a ring of 30-minute slots 2 to 40 days ahead
        // (a slot still taken after a lost cancel refuses; refusals are not acknowledged writes).
        const auto slot = std::uniform_int_distribution<int>(0, 38 * 24 - 1)(rng);
        const auto day = floor<days>(system_clock::now()) + days{2 + slot / 24};
        const auto from = day + hours{8} + minutes{30 * (slot % 24)};  // 09:00-21:00 Paris: open 08:00-22:00
        auto b = send(json{{"op", "book"}, {"machine", 4 + who}, {"member", id}, {"from", core::format_timestamp(floor<seconds>(from))},
                           {"minutes", 30}},
                      "book:" + name);
        if (!b) return;
        std::optional<std::int64_t> booking;
        if (b->value("ok", false) && (*b)["bookings"].is_array() && !(*b)["bookings"].empty()) {
            booking = (*b)["bookings"][0]["id"].get<std::int64_t>();
            std::lock_guard lk(ledger.m);
            ledger.bookings[*booking] = "booked";
            ++ledger.acknowledged;
        }
        // The client's own tool: out to this member, or back.
        auto lend = cli_json({"lend", tool, "--member", std::to_string(id)}, "tool:" + tool);
        if (stop) return;
        if (lend) {
            std::lock_guard lk(ledger.m);
            ledger.uncertain.erase("tool:" + tool);  // certain again from an acknowledged change
            ledger.loans[tool] = id;
            ++ledger.acknowledged;
        }
        auto repair = cli_json({"--json", "repair", "log", "--volunteer", "3", "--item", "bicycle", "--component", "brakes", "--status",
                                "fixed", "--minutes", "10", "--problem", name},
                               "repair:" + name);
        if (!repair) return;
        {
            std::lock_guard lk(ledger.m);
            ledger.repairs.insert((*repair)["id"].get<std::int64_t>());
            ++ledger.acknowledged;
        }
        if (booking && i % 2 == 0) {
            if (cli_json({"booking", "cancel", std::to_string(*booking)}, "booking:" + std::to_string(*booking))) {
                std::lock_guard lk(ledger.m);
                ledger.bookings[*booking] = "cancelled";
                ++ledger.acknowledged;
            } else if (stop) {
                return;
            }
        }
        if (cli_json({"return", tool}, "tool:" + tool)) {
            std::lock_guard lk(ledger.m);
            ledger.uncertain.erase("tool:" + tool);
            ledger.loans[tool] = std::nullopt;
            ++ledger.acknowledged;
        } else if (stop) {
            return;
        }
        auto out = send(json{{"op", "tap"}, {"uid", uid}}, key_member);
        if (!out) return;
        if (out->value("outcome", std::string()) == "check_out") {
            std::lock_guard lk(ledger.m);
            ledger.present[id] = {false, paris_today()};
            ++ledger.acknowledged;
        }
        // A machine session now and then: the host at the 3D printer's reader (starts or ends).
        if (who == 0 && i % 3 == 0) {
            if (!send(json{{"op", "cli"}, {"argv", {"tap", "0004211337", "--reader", "2"}}}, "session")) return;
        }
    }
}

using Db = SqlProbe;

std::string q(const std::string& s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
    return out + "'";
}

// Every acknowledged write, as acknowledged; returns how many were checked.
std::int64_t verify(const fs::path& db, Ledger& l) {
    Db d(db);
    std::lock_guard lk(l.m);
    std::int64_t checked = 0;
    for (const auto& [id, name] : l.members) {
        CHECK(d.text("SELECT display_name FROM members WHERE id = " + std::to_string(id)) == name);
        CHECK(d.text("SELECT count(*) FROM members WHERE display_name = " + q(name)) == "1");  // once, never twice
        ++checked;
    }
    for (const auto& [uid, member] : l.badges) {
        CHECK(d.text("SELECT member_id FROM badges WHERE uid = " + q(uid)) == std::to_string(member));
        ++checked;
    }
    for (const auto& [id, state] : l.bookings) {
        if (l.uncertain.contains("booking:" + std::to_string(id))) continue;
        CHECK(d.text("SELECT state FROM bookings WHERE id = " + std::to_string(id)) == state);
        ++checked;
    }
    for (const auto& [tag, member] : l.loans) {
        if (l.uncertain.contains("tool:" + tag)) continue;
        CHECK(d.text("SELECT l.member_id FROM loans l JOIN tools t ON t.id = l.tool_id WHERE l.returned_at IS NULL AND t.tag = " + q(tag)) ==
              (member ? std::to_string(*member) : std::string("<none>")));
        ++checked;
    }
    for (const auto id : l.repairs) {
        CHECK(d.text("SELECT count(*) FROM repairs WHERE id = " + std::to_string(id)) == "1");
        ++checked;
    }
    for (const auto& [member, said] : l.present) {
        const auto& [in, day] = said;
        if (l.uncertain.contains("member:" + std::to_string(member))) continue;
        if (day != paris_today()) continue;  // a midnight passed: the station closed what was open
        CHECK(d.text("SELECT count(*) FROM presence WHERE checked_out IS NULL AND member_id = " + std::to_string(member)) == (in ? "1" : "0"));
        ++checked;
    }
    return checked;
}

// The sessions running at the kill: id -> allowed_until.
std::map<std::int64_t, std::string> open_sessions(const fs::path& db) {
    Db d(db);
    std::map<std::int64_t, std::string> out;
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(d.c, "SELECT id, allowed_until FROM sessions WHERE ended_at IS NULL", -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        out[sqlite3_column_int64(st, 0)] = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return out;
}

int cycles_asked() {
    const char* v = std::getenv("ETABLI_KILL9_CYCLES");
    const int n = v && *v ? std::atoi(v) : 50;
    return std::clamp(n, 1, 100000);
}

}  // namespace

TEST_CASE("kill -9 under a write storm, cycle after cycle: every acknowledged write is there, check is clean, sessions resume") {
    const int cycles = cycles_asked();
    TempDir dir;
    const std::string db = (dir.path() / "etabli.db").string();
    const fs::path socket = dir.path() / "station.sock";
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db});
        return run_etabli(dir.path(), args);
    };
    // The demo workshop, open 08:00-22:00, one machine and one tool per client.
    REQUIRE(run({"init", "--demo"}).code == 0);
    REQUIRE(run({"hours", "set", "mon-sun 08:00-22:00"}).code == 0);
    for (int i = 0; i < 3; ++i) {
        REQUIRE(run({"machine", "add", "--name", "Banc " + std::to_string(i), "--max-min", "120", "--ahead-days", "60"}).code == 0);
        REQUIRE(run({"tool", "add", "--name", "Outil " + std::to_string(i), "--tag", "K9" + std::to_string(i)}).code == 0);
    }
    Ledger ledger;
    std::mt19937 rng(20261205);
    std::vector<double> restart_ms;
    std::int64_t checked = 0, sessions_resumed = 0;
    std::map<std::int64_t, std::string> running;  // sessions open at the last kill
    for (int cycle = 0; cycle < cycles; ++cycle) {
        CAPTURE(cycle);
        const auto t0 = steady_clock::now();
        auto p = spawn_etabli(dir.path(), "serve" + std::to_string(cycle % 2), {"--db", db, "serve", "--socket", socket.string()});
        REQUIRE(wait_ready(socket, seconds(30)));
        restart_ms.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
        // The sessions that ran at the kill run on (their time is not up: each lasts 2 h or more).
        const auto now_open = open_sessions(db);
        for (const auto& [id, until] : running) {
            if (until <= core::format_timestamp(floor<seconds>(system_clock::now()))) continue;
            CHECK(now_open.contains(id));
            ++sessions_resumed;
        }
        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        std::int64_t before = 0;
        {
            std::lock_guard lk(ledger.m);
            before = ledger.acknowledged;
        }
        for (int who = 0; who < 3; ++who) clients.emplace_back([&, who] { storm(socket, who, cycle, ledger, stop); });
        // The storm under way first (a slow or busy machine, a sanitised build, acknowledges
        // fewer writes in a fixed time), then the kill at a random moment within it.
        for (const auto until = steady_clock::now() + seconds(30); steady_clock::now() < until;) {
            {
                std::lock_guard lk(ledger.m);
                if (ledger.acknowledged >= before + 6) break;
            }
            std::this_thread::sleep_for(milliseconds(2));
        }
        std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 300)(rng)));
        kill(p.pid, SIGKILL);
        int status = 0;
        waitpid(p.pid, &status, 0);
        stop = true;
        for (auto& t : clients) t.join();
        // The station is dead: the file as it is on disk now.
        checked += verify(db, ledger);
        auto violations = db::check_database(db);
        REQUIRE(violations);
        std::string said;
        for (const auto& v : *violations) said += v.rule + ": " + v.what.english() + "\n";
        CAPTURE(said);
        CHECK(violations->empty());
        running = open_sessions(db);
        if (std::getenv("ETABLI_KILL9_VERBOSE"))
            MESSAGE("cycle " << cycle << ": " << ledger.acknowledged << " acknowledged so far, restart " << restart_ms.back() << " ms");
        if (cycles >= 100 && (cycle + 1) % 100 == 0)
            MESSAGE("kill -9: " << cycle + 1 << " cycles, " << ledger.acknowledged << " acknowledged writes");
    }
    // `etabli check`, the command a host types.
    const auto check = run({"check"});
    CHECK(check.code == 0);
    std::sort(restart_ms.begin(), restart_ms.end());
    const double p50 = restart_ms[restart_ms.size() / 2], p95 = restart_ms[restart_ms.size() * 95 / 100], worst = restart_ms.back();
    MESSAGE("kill -9 under load: " << cycles << " cycles survived; " << ledger.acknowledged << " writes acknowledged, " << checked
                                   << " acknowledged states checked after the kills, " << ledger.lost_replies
                                   << " replies lost in the kills; " << sessions_resumed << " running sessions resumed");
    MESSAGE("restart (start to first answer) on the demo workshop: p50 " << p50 << " ms, p95 " << p95 << " ms, worst " << worst
                                                                          << " ms; target < 1000 ms: " << std::string(p95 < 1000 ? "met" : "MISSED")
                                                                          << " (the test fails only past 5000 ms)");
    CHECK(ledger.acknowledged >= cycles * 6);
    CHECK(p95 < 5000);
}
