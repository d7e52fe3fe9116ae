// Repairs through the real `etabli` binary: repair log/list/show/edit, bad input and
// exit codes, export ords (files, count of texts changed, a folder that cannot be written),
// export repairs, volunteer role and hours, stats. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <filesystem>

using namespace etabli;

namespace {
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
}  // namespace

TEST_CASE("repair log, list, show and edit from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const std::string hugo = first_line(cli({"member", "add", "--name", "Hugo Bernard", "--role", "volunteer"}).out);
    const std::string lea = first_line(cli({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org"}).out);

    auto r = cli({"repair", "log", "--volunteer", hugo, "--item", "bicycle", "--component", "brakes", "--problem",
                  "Frein arrière qui frotte, vélo de Léa Dubois", "--status", "fixed", "--minutes", "30", "--brand", "Btwin",
                  "--part", "brake pads:new", "--part", "wheel:salvaged:donor-12", "--owner", lea});
    INFO(r.err);
    REQUIRE(r.code == 0);
    const std::string id = first_line(r.out);
    REQUIRE(cli({"repair", "log", "--volunteer", hugo, "--item", "powered", "--category", "bike light", "--problem",
                 "Ne s'allume plus, rappeler au 06 12 34 56 78", "--status", "end-of-life", "--barrier",
                 "parts-not-available", "--minutes", "15", "--year", "2020"})
                .code == 0);

    // Bad input: exit code 2, one translated line.
    auto bad = cli({"repair", "log", "--volunteer", hugo, "--component", "brakes", "--status", "broken", "--minutes", "30"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("État inconnu") != std::string::npos);
    CHECK(cli({"repair", "log", "--volunteer", hugo, "--component", "brakes", "--status", "fixed", "--minutes", "30",
               "--barrier", "too-worn-out"})
              .code == 2);
    CHECK(cli({"repair", "log", "--volunteer", hugo, "--component", "brakes", "--status", "fixed", "--minutes", "-5"}).code == 2);
    CHECK(cli({"repair", "log", "--volunteer", hugo, "--component", "brakes", "--status", "fixed", "--minutes", "5000"}).code == 2);
    auto unknown = cli({"repair", "log", "--volunteer", "999", "--component", "brakes", "--status", "fixed", "--minutes", "30"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("999") != std::string::npos);
    CHECK(cli({"repair", "log", "--volunteer", hugo, "--component", "brakes", "--status", "fixed", "--minutes", "30",
               "--part", "wheel:stolen"})
              .code == 2);

    auto list = cli({"--json", "repair", "list", "--volunteer", hugo});
    REQUIRE(list.code == 0);
    CHECK(list.out.find("\"component\":\"brakes\"") != std::string::npos);
    CHECK(list.out.find("donor-12") != std::string::npos);
    auto text = cli({"repair", "list"});
    CHECK(testing::lines(text.out) == 2);
    auto show = cli({"repair", "show", id});
    REQUIRE(show.code == 0);
    CHECK(show.out.find("Freins") != std::string::npos);
    CHECK(show.out.find("Btwin") != std::string::npos);
    CHECK(cli({"repair", "show", "4242"}).code == 2);

    REQUIRE(cli({"repair", "edit", id, "--status", "repairable", "--minutes", "45"}).code == 0);
    auto edited = cli({"--json", "repair", "show", id});
    CHECK(edited.out.find("\"status\":\"repairable\"") != std::string::npos);
    CHECK(edited.out.find("\"minutes\":45") != std::string::npos);
    CHECK(edited.out.find("\"brand\":\"Btwin\"") != std::string::npos);  // untouched fields stay

    // Exports.
    const auto dir = cli.dir / "ords";
    auto ords = cli({"export", "ords", "--out", dir.string(), "--provider", "Atelier Vélo"});
    INFO(ords.err);
    REQUIRE(ords.code == 0);
    CHECK(ords.out.find("1") != std::string::npos);
    CHECK(ords.out.find("Données personnelles retirées de 1 ") != std::string::npos);
    const auto powered = testing::read_file(dir / "powered.csv");
    CHECK(powered.find(",Decorative or safety lights,3,Unknown,2020,6,End of life,Spare parts not available,") != std::string::npos);
    CHECK(powered.find("[phone]") != std::string::npos);
    CHECK(testing::read_file(dir / "unpowered.csv") ==
          "data_provider,product_category,repair_status,total\nAtelier Vélo,Unpowered - Bicycle,Repairable,1\n");
    CHECK(std::filesystem::exists(dir / "tableschema.json"));
    // A folder that cannot be written: a file stands where the folder should be.
    testing::write_file(cli.dir / "blocker", "x");
    auto blocked = cli({"export", "ords", "--out", (cli.dir / "blocker" / "sub").string()});
    CHECK(blocked.code == 3);
    CHECK(!blocked.err.empty());
    CHECK(cli({"export", "ords", "--out", dir.string(), "--country", "France"}).code == 2);

    auto full = cli({"export", "repairs", "--out", (cli.dir / "all.csv").string()});
    REQUIRE(full.code == 0);
    const auto all = testing::read_file(cli.dir / "all.csv");
    CHECK(testing::lines(all) == 3);
    CHECK(all.find("brake pads:new; wheel:salvaged:donor-12") != std::string::npos);

    auto stats = cli({"--json", "stats"});
    REQUIRE(stats.code == 0);
    CHECK(stats.out.find("\"total\":2") != std::string::npos);
    CHECK(cli({"stats", "--month", "13"}).code == 2);
}

TEST_CASE("volunteer role, hours and their export from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init"}).code == 0);
    const std::string hugo = first_line(cli({"member", "add", "--name", "Hugo Bernard", "--role", "volunteer"}).out);
    REQUIRE(cli({"badge", "add", "0001112223", "--member", hugo}).code == 0);
    CHECK(cli({"volunteer", "role", "--member", hugo, "--role", "mechanic"}).code != 0);  // not in
    REQUIRE(cli({"tap", "0001112223"}).code == 0);
    REQUIRE(cli({"volunteer", "role", "--member", hugo, "--role", "mécanicien"}).code == 0);
    CHECK(cli({"volunteer", "role", "--member", hugo, "--role", "boss"}).code == 2);
    REQUIRE(cli({"tap", "0001112223"}).code == 0);  // out

    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char month[8];
    std::strftime(month, sizeof month, "%Y-%m", &tm);
    auto hours = cli({"--json", "volunteer", "hours", "--month", month});
    REQUIRE(hours.code == 0);
    CHECK(hours.out.find("\"role\":\"mechanic\"") != std::string::npos);
    auto csv = cli({"export", "volunteer-hours", "--month", month, "--out", (cli.dir / "h.csv").string(), "--hourly-value", "15"});
    REQUIRE(csv.code == 0);
    const auto text = testing::read_file(cli.dir / "h.csv");
    CHECK(text.find("Hugo Bernard,mechanic,") != std::string::npos);
    CHECK(text.find(",15.00,") != std::string::npos);
    CHECK(cli({"export", "volunteer-hours", "--month", "2026-13", "--out", (cli.dir / "h.csv").string()}).code == 2);
    CHECK(cli({"export", "volunteer-hours", "--month", month, "--out", (cli.dir / "h.csv").string(), "--hourly-value", "abc"}).code == 2);
    CHECK(cli({"volunteer", "correct", "--presence", "1", "--out", "2026-11-28 18:00"}).code != 0);  // closed by a badge
}
