// `etabli report year` through the real binary, on the demo workshop: what a host does in the
// year shows in the pack (taps, a repair, a bike sold, a loan, a membership paid), the PDF and
// the CSV are written, and a wrong year, no output file or a folder that does not exist are
// refused with nothing half-written. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"
#include "report_csv.hpp"

#include <chrono>
#include <map>
#include <sstream>

using namespace etabli;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }


int as_int(const std::string& s) { return s.empty() ? -1 : std::stoi(s); }
}  // namespace

TEST_CASE("the year's pack from the command line follows what the workshop did") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    // This year in the station's zone (the demo's rows are written today).
    const auto now = std::chrono::system_clock::now();
    const auto year = std::to_string(static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now + std::chrono::hours{2})}.year()));
    const auto before_csv = (cli.dir / "avant.csv").string();
    auto r = cli({"report", "year", year, "--csv", before_csv});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto before = testing::report_csv_values(testing::read_file(before_csv));

    REQUIRE(cli({"tap", "0004211337"}).code == 0);  // Camille (host) comes and goes
    REQUIRE(cli({"tap", "0004211337"}).code == 0);
    REQUIRE(cli({"tap", "0001234567"}).code == 0);  // Léa comes in
    r = cli({"repair", "log", "--volunteer", "3", "--item", "bicycle", "--component", "brakes", "--status", "fixed", "--minutes", "20"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"bike", "leave", "1", "--how", "vendu", "--price", "40", "--surname", "Martin", "--first-name", "Léa", "--phone",
             "0612345678", "--email", "lea.martin@example.org", "--means", "espèces"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    r = cli({"lend", "VEL-001", "--member", "1"});
    REQUIRE_MESSAGE(r.code == 0, r.err);

    const auto pdf = (cli.dir / "rapport.pdf").string(), csv = (cli.dir / "rapport.csv").string();
    r = cli({"report", "year", year, "--out", pdf, "--csv", csv, "--name", "Atelier de la Gare"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, pdf));
    CHECK(testing::read_file(pdf).starts_with("%PDF-"));
    auto after = testing::report_csv_values(testing::read_file(csv));
    CHECK(as_int(after["visits"]) == as_int(before["visits"]) + 2);
    CHECK(as_int(after["visitors"]) == as_int(before["visitors"]) + 2);
    CHECK(as_int(after["repairs"]) == as_int(before["repairs"]) + 1);
    CHECK(as_int(after["bicycles_fixed"]) == as_int(before["bicycles_fixed"]) + 1);
    CHECK(as_int(after["bikes_sold"]) == as_int(before["bikes_sold"]) + 1);
    CHECK(as_int(after["loans"]) == as_int(before["loans"]) + 1);
    CHECK(as_int(after["members"]) == 6);

    r = cli({"--json", "report", "year", year, "--csv", csv, "--hourly-value", "15"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "\"members\":6"));
    CHECK(has(testing::read_file(csv), "hourly_value_eur;Valeur d'une heure (€);15,00"));

    SUBCASE("refusals") {
        r = cli({"report", "year", "1999", "--out", pdf});
        CHECK(r.code == 2);
        CHECK(has(r.err, "2000"));
        r = cli({"report", "year", year});
        CHECK(r.code == 2);
        CHECK(has(r.err, "--out"));
        r = cli({"report", "year", year, "--out", pdf, "--hourly-value", "-3"});
        CHECK(r.code == 2);
        const auto nowhere = (cli.dir / "absent" / "rapport.pdf").string();
        r = cli({"report", "year", year, "--out", nowhere});
        CHECK(r.code == 2);
        CHECK(has(r.err, "Impossible d'écrire"));
        CHECK_FALSE(std::filesystem::exists(cli.dir / "absent"));
        r = cli({"report", "year", "deux-mille", "--out", pdf});
        CHECK(r.code == 2);
    }
}
