// app + db: the kiosk's exports through the Station: the label sheet (A4 PDF)
// and the overdue list (CSV) written into the export folder, with the path and count in the
// snapshot; refusals (not a host, nothing to label, a folder that cannot be written) leave no
// file. Layer: app tests (Station + temp-file SQLite).
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

TEST_CASE("tool export: labels and the overdue CSV from the kiosk, and their refusals") {
    testing::TempDir dir;
    testing::FakeClock clock{utc("2026-12-01T09:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    Station::Options opts;
    opts.tool_export_dir = dir / "docs";
    std::filesystem::create_directories(opts.tool_export_dir);
    auto store = db::SqlStore::open(dir / "t.db");
    REQUIRE(store);
    Station station(**store, clock, calendar, opts);
    REQUIRE(station.start());
    const auto add = [&](const char* name, core::Role role, const char* email) {
        core::MemberDraft d;
        d.display_name = name;
        d.role = role;
        d.email = email;
        auto r = station.call(AddMember{d, std::nullopt, std::nullopt});
        REQUIRE(r);
        return std::get<core::Member>(*r).id;
    };
    const auto host = add("Camille", core::Role::host, "camille@example.org");
    const auto member = add("=HYPERLINK(\"x\")", core::Role::member, "lea@example.org");
    for (const char* name : {"Clé dynamométrique", "Démonte-pneus", "Scie sauteuse"}) {
        core::Tool t;
        t.name = name;
        t.category = std::string(name) == "Scie sauteuse" ? "Bois" : "Vélo";
        t.loan_days = 3;
        t.deposit_cents = 2000;
        REQUIRE(station.call(AddTool{t, std::nullopt}));
    }

    ExportTools labels;
    labels.actor = host;
    labels.category = "Vélo";
    REQUIRE(station.call(labels));
    auto x = station.snapshot()->tools->last_export;
    REQUIRE(x);
    CHECK(x->labels);
    CHECK(x->rows == 2);
    CHECK(x->path == (opts.tool_export_dir / "etabli-labels-2026-12-01.pdf").string());
    CHECK(testing::read_file(x->path).starts_with("%PDF"));

    // Refusals: a member, an empty category; nothing written.
    labels.actor = member;
    CHECK_FALSE(station.call(labels));
    labels.actor = host;
    labels.category = "Métal";
    std::filesystem::remove(x->path);
    auto empty = station.call(labels);
    REQUIRE_FALSE(empty);
    CHECK(station.snapshot()->tools->last_export->problem);
    CHECK_FALSE(std::filesystem::exists(x->path));

    // The overdue list: one loan five days late, with the contact; a name that looks like a
    // formula is neutralised.
    REQUIRE(station.call(Lend{{1}, member, std::nullopt, std::nullopt}));
    clock.advance(hours{24 * 8});
    ExportTools csv;
    csv.kind = ExportTools::Kind::overdue_csv;
    csv.actor = host;
    csv.csv_header = {"Étiquette", "Outil", "N°", "Adhérent", "Courriel", "Échéance", "Jours de retard", "Caution"};
    REQUIRE(station.call(csv));
    x = station.snapshot()->tools->last_export;
    REQUIRE(x);
    CHECK_FALSE(x->labels);
    CHECK(x->rows == 1);
    const auto text = testing::read_file(x->path);
    CHECK(text.starts_with("\xEF\xBB\xBF" "Étiquette,Outil"));
    CHECK(text.find("Clé dynamométrique") != std::string::npos);
    CHECK(text.find("lea@example.org") != std::string::npos);
    CHECK(text.find(",5,20.00") != std::string::npos);
    CHECK(text.find("\"'=HYPERLINK(\"\"x\"\")\"") != std::string::npos);

    // A folder that cannot be written: a problem, the station goes on.
    station.stop();
    opts.tool_export_dir = dir / "missing" / "folder";
    Station again(**store, clock, calendar, opts);
    REQUIRE(again.start());
    auto bad = again.call(csv);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().msgid.find("Cannot write") != std::string::npos);
    CHECK_FALSE(again.call(ExportTools{ExportTools::Kind::labels, "", {}, host}));  // same folder: refused too
    CHECK(again.call(Lend{{2}, host, std::nullopt, std::nullopt}));              // and the station goes on
}
