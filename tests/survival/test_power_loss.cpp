// Power loss and disk faults under the real Station and SQLite store, through the fault
// VFS (fault_vfs.hpp): for a sweep of cut points through a workshop's workload, no write the
// station acknowledged is lost and the file opens clean; write errors, fsync errors and a full
// disk make the command in flight fail with a clear message, nothing half-written, reads go
// on, and the station recovers by itself once the fault clears. Test-only.
#include "fault_vfs.hpp"
#include "sql_probe.hpp"
#include "station_fixture.hpp"

#include <etabli/core/i18n.hpp>
#include <etabli/db/check.hpp>

#include <sqlite3.h>

#include <map>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::FaultVfs;
using testing::utc;
namespace fs = std::filesystem;

namespace {

// What the station acknowledged, as it must be found after a restart.
struct Acks {
    std::map<core::MemberId, std::string> members;
    std::map<alloc::BookingId, std::string> bookings;  // id -> state
    std::map<core::ToolId, std::optional<core::MemberId>> tools;  // open loan's member, or returned
    std::vector<core::RepairId> repairs;
    std::map<core::MemberId, bool> present;  // last acknowledged tap: in or out
    int count = 0;
};

struct Workshop {
    core::MemberId host = 0, volunteer = 0;
    alloc::MachineId laser = 0;
    std::vector<core::ToolId> tools;
};

core::Repair repair_by(core::MemberId volunteer, int i) {
    core::Repair r;
    r.volunteers = {volunteer};
    r.item = core::ItemKind::bicycle;
    r.component = core::Component::brakes;
    r.status = core::RepairStatus::fixed;
    r.minutes = 10 + i;
    r.problem = "frein " + std::to_string(i);
    return r;
}

// The workshop before the workload: a host, a volunteer, a laser open 08:00-22:00, six tools.
Workshop set_up(Station& s) {
    Workshop w;
    auto add = [&](const char* name, core::Role role, const char* badge) {
        core::MemberDraft d;
        d.display_name = name;
        d.role = role;
        auto r = s.call(AddMember{d, std::nullopt, std::string(badge)});
        REQUIRE(r);
        return std::get<core::Member>(*r).id;
    };
    w.host = add("Camille", core::Role::host, "0000000001");
    w.volunteer = add("Hugo", core::Role::volunteer, "0000000002");
    alloc::Machine m;
    m.name = "Laser";
    m.rules.max_length = minutes{120};
    m.rules.ahead_days = 30;
    auto machine = s.call(AddMachine{m, std::nullopt});
    REQUIRE(machine);
    w.laser = std::get<alloc::Machine>(*machine).id;
    alloc::OpeningHours h;
    for (auto& day : h.weekly) day = {alloc::DayWindow{8 * 60, 22 * 60}};
    REQUIRE(s.call(SetHours{h, std::nullopt}));
    for (int i = 0; i < 6; ++i) {
        core::Tool t;
        t.name = "Outil " + std::to_string(i);
        auto r = s.call(AddTool{t, std::nullopt});
        REQUIRE(r);
        w.tools.push_back(std::get<core::Tool>(*r).id);
    }
    return w;
}

// A workshop's afternoon: members arrive, badge in, book, borrow, return, log repairs, cancel,
// badge out. Each command that succeeds is recorded as acknowledged; a failing one is not.
void workload(Station& s, const Workshop& w, testing::FakeClock& clock, Acks& acks, int rounds, int first = 0) {
    auto ok = [&](const Result& r) {
        if (r) ++acks.count;
        return r.has_value();
    };
    for (int i = first; i < first + rounds; ++i) {
        clock.advance(minutes{3});
        core::MemberDraft d;
        d.display_name = "Membre " + std::to_string(i);
        const std::string badge = "10000000" + std::to_string(10 + i);
        auto m = s.call(AddMember{d, std::nullopt, badge});
        if (!ok(m)) continue;
        const auto id = std::get<core::Member>(*m).id;
        acks.members[id] = d.display_name;
        if (ok(s.call(BadgeSeen{badge, "kiosk"}))) acks.present[id] = true;
        const auto start = clock.now() + hours{24 + i};
        auto b = s.call(Book{w.laser, id, start, start + minutes{30}, w.host, true, std::nullopt});
        if (ok(b)) acks.bookings[std::get<std::vector<alloc::Booking>>(*b).front().id] = "booked";
        const auto tool = w.tools[static_cast<std::size_t>(i) % w.tools.size()];
        if (i % 2 == 0) {
            if (ok(s.call(Lend{{tool}, id, std::nullopt, std::nullopt}))) acks.tools[tool] = id;
        } else {
            const auto prev = w.tools[static_cast<std::size_t>(i + w.tools.size() - 1) % w.tools.size()];
            if (ok(s.call(ReturnTool{prev, core::ToolCondition::good, "", false, "", std::nullopt}))) acks.tools[prev] = std::nullopt;
        }
        auto r = s.call(LogRepair{repair_by(w.volunteer, i), w.volunteer});
        if (ok(r)) acks.repairs.push_back(std::get<core::Repair>(*r).id);
        if (i % 3 == 2 && !acks.bookings.empty()) {
            const auto oldest = acks.bookings.begin()->first;
            if (acks.bookings.begin()->second == "booked" && ok(s.call(CancelBooking{oldest, w.host, std::string("fermeture")})))
                acks.bookings[oldest] = "cancelled";
        }
        if (i % 4 == 3 && ok(s.call(BadgeSeen{badge, "kiosk"}))) acks.present[id] = false;
    }
}

// Every acknowledged write, looked for in the file itself; the count of those checked.
int verify(const fs::path& db, const Acks& acks) {
    const testing::SqlProbe probe(db);
    auto text = [&](const std::string& sql) { return probe.text(sql); };
    int checked = 0;
    for (const auto& [id, name] : acks.members) {
        CHECK(text("SELECT display_name FROM members WHERE id = " + std::to_string(id)) == name);
        ++checked;
    }
    for (const auto& [id, state] : acks.bookings) {
        CHECK(text("SELECT state FROM bookings WHERE id = " + std::to_string(id)) == state);
        ++checked;
    }
    for (const auto& [tool, member] : acks.tools) {
        const auto open = text("SELECT member_id FROM loans WHERE returned_at IS NULL AND tool_id = " + std::to_string(tool));
        CHECK(open == (member ? std::to_string(*member) : std::string("<none>")));
        ++checked;
    }
    for (const auto id : acks.repairs) {
        CHECK(text("SELECT count(*) FROM repairs WHERE id = " + std::to_string(id)) == "1");
        ++checked;
    }
    for (const auto& [member, in] : acks.present) {
        CHECK(text("SELECT count(*) FROM presence WHERE checked_out IS NULL AND member_id = " + std::to_string(member)) == (in ? "1" : "0"));
        ++checked;
    }
    return checked;
}

struct Run : testing::StationOnDisk {
    Workshop w;
    Run() : StationOnDisk(utc("2026-12-01T13:00:00Z")) {}
    void stop() {
        station.reset();
        store.reset();
    }
};

}  // namespace

TEST_CASE("power cuts swept through a workload: no acknowledged write is lost, the file opens clean") {
    auto& vfs = FaultVfs::install();
    vfs.reset();
    constexpr int kRounds = 12;
    // The prepared workshop, closed cleanly: each run starts from a copy.
    testing::TempDir seed_dir;
    Workshop w;
    {
        Run r;
        r.reopen();
        w = set_up(*r.station);
        r.stop();
        fs::copy_file(r.dir / "etabli.db", seed_dir / "etabli.db");
        fs::copy_file(r.dir / "etabli.db.pepper", seed_dir / "etabli.db.pepper");  // the secret travels with it
    }
    // How many writes, syncs and truncations the workload makes, uncut.
    std::int64_t total = 0;
    {
        Run r;
        fs::copy_file(seed_dir / "etabli.db", r.dir / "etabli.db");
        fs::copy_file(seed_dir / "etabli.db.pepper", r.dir / "etabli.db.pepper");
        r.reopen();
        vfs.reset();
        Acks acks;
        workload(*r.station, w, r.clock, acks, kRounds);
        total = vfs.mutations();
        r.stop();
        CHECK(verify(r.dir / "etabli.db", acks) > 0);
    }
    REQUIRE(total > 50);
    const std::int64_t step = std::max<std::int64_t>(1, total / 80);
    int cuts = 0, acknowledged = 0, checked = 0;
    std::int64_t undone = 0;
    for (std::int64_t at = 0; at <= total; at += step) {
        CAPTURE(at);
        Run r;
        fs::copy_file(seed_dir / "etabli.db", r.dir / "etabli.db");
        fs::copy_file(seed_dir / "etabli.db.pepper", r.dir / "etabli.db.pepper");
        r.reopen();
        vfs.reset();
        vfs.cut_after(at);
        Acks acks;
        workload(*r.station, w, r.clock, acks, kRounds);
        r.stop();
        undone += vfs.power_restore();
        // The machine boots: the file opens (recovering its WAL), passes every check, and a
        // station starts on it with every acknowledged write.
        auto violations = db::check_database(r.dir / "etabli.db");
        REQUIRE(violations);
        std::string said;
        for (const auto& v : *violations) said += v.rule + ": " + v.what.english() + "\n";
        CAPTURE(said);
        CHECK(violations->empty());
        checked += verify(r.dir / "etabli.db", acks);
        r.reopen();
        CHECK(r.station->snapshot()->directory->members.size() >= acks.members.size() + 2);
        acknowledged += acks.count;
        ++cuts;
        r.stop();
    }
    MESSAGE("power cuts swept: " << cuts << " cut points over " << total << " writes/syncs; " << acknowledged
                                 << " acknowledged commands, " << checked << " acknowledged writes checked; " << undone
                                 << " unsynced writes undone");
    CHECK(cuts >= 50);
}

TEST_CASE("disk faults: write errors, fsync errors and a full disk fail the command in flight, clearly; reads go on; the station recovers") {
    auto& vfs = FaultVfs::install();
    vfs.reset();
    core::Translations tr;
    tr.fr.merge(*core::parse_po(testing::read_file(fs::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po")));
    int injected_runs = 0;
    std::int64_t injected = 0;
    for (const auto fault : {FaultVfs::Fault::write_error, FaultVfs::Fault::fsync_error, FaultVfs::Fault::disk_full}) {
        for (const bool once : {true, false}) {
            CAPTURE(static_cast<int>(fault));
            CAPTURE(once);
            Run r;
            r.reopen();
            vfs.reset();
            const Workshop w = set_up(*r.station);
            Acks acks;
            workload(*r.station, w, r.clock, acks, 3);
            const auto members_before = r.station->snapshot()->directory->members.size();

            vfs.fail_at(fault, 1, once);
            // The command in flight fails, with what happened and what to do.
            core::MemberDraft d;
            d.display_name = "Pendant la panne";
            auto failed = r.station->call(AddMember{d, std::nullopt, std::string("0000009999")});
            REQUIRE_FALSE(failed);
            CHECK(failed.error().kind == core::Problem::Kind::storage);
            const std::string fr = tr.render(core::Lang::fr, failed.error());
            CAPTURE(fr);
            CHECK((fr.starts_with("Le disque est plein") || fr.starts_with("Le disque a rencontré une erreur")));
            CHECK(vfs.faults_injected() >= 1);
            // Nothing half-written: neither in memory nor on disk.
            CHECK(r.station->snapshot()->directory->members.size() == members_before);
            // Reads go on: the snapshot, the presence, a slot search.
            CHECK(r.station->snapshot()->present.size() >= 1);
            ListBookings list;
            list.from = r.clock.now();
            list.to = r.clock.now() + days{30};
            auto listed = r.station->call(list);
            REQUIRE(listed);
            CHECK(std::get<std::vector<alloc::Booking>>(*listed).size() == acks.bookings.size());
            if (!once) {
                // While the fault lasts, every write fails the same clear way and the station runs.
                for (int i = 0; i < 3; ++i) CHECK_FALSE(r.station->call(BadgeSeen{"0000000001", "kiosk"}));
                CHECK(r.station->snapshot()->storage_problem.has_value());
                vfs.clear_fault();
            }
            injected += vfs.faults_injected();
            // Recovered by itself: the next writes work, without a restart.
            const auto members = acks.members.size();
            const auto repairs = acks.repairs.size();
            workload(*r.station, w, r.clock, acks, 3, 100);
            CHECK(acks.members.size() == members + 3);
            CHECK(acks.repairs.size() == repairs + 3);
            r.stop();
            auto violations = db::check_database(r.dir / "etabli.db");
            REQUIRE(violations);
            CHECK(violations->empty());
            verify(r.dir / "etabli.db", acks);
            r.reopen();
            CHECK(r.station->snapshot()->directory->members.size() == members_before + 3);
            r.stop();
            ++injected_runs;
        }
    }
    MESSAGE("disk faults injected: " << injected << " failed calls over " << injected_runs
                                      << " runs (write error, fsync error, full disk; once and lasting); each failed its command clearly, and the station recovered");
}
