// Hostile names in exports: every CSV of the station is written with one field function
// that quotes separators and disarms spreadsheet formulas (a name starting with = + - @, a tab
// or a CR gets a '), so an export opened in a spreadsheet never runs a member's name.
#include <doctest/doctest.h>

#include <etabli/core/ords.hpp>
#include <etabli/core/volunteer_hours.hpp>

using namespace etabli;

namespace {
std::string field(std::string_view s) {
    std::string out;
    core::append_csv_field(out, s);
    return out;
}
}  // namespace

TEST_CASE("one CSV field: separators quoted, formulas disarmed") {
    CHECK(field("Léa Dubois") == "Léa Dubois");
    CHECK(field("Dubois, Léa") == "\"Dubois, Léa\"");
    CHECK(field("a;b") == "\"a;b\"");
    CHECK(field("dit \"Lulu\"") == "\"dit \"\"Lulu\"\"\"");
    CHECK(field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(field("=1+1") == "'=1+1");
    CHECK(field("+33 6 12") == "'+33 6 12");
    CHECK(field("-2+3") == "'-2+3");
    CHECK(field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(field("\tcmd") == "'\tcmd");
    CHECK(field("\rcmd") == "\"'\rcmd\"");
    CHECK(field("") == "");
    CHECK(field("Line1\nLine2") == "\"Line1\nLine2\"");
}

TEST_CASE("the volunteer-hours CSV with a hostile name") {
    core::HoursReport r;
    core::HoursLine l;
    l.member = 7;
    l.time = std::chrono::hours{2};
    l.presences = 1;
    r.lines.push_back(l);
    r.total = l.time;
    const std::string csv = core::volunteer_hours_csv(r, "2026-11", {{7, "=cmd|' /C calc'!A0"}}, 1202);
    CHECK(csv.find("'=cmd|' /C calc'!A0") != std::string::npos);
    CHECK(csv.find(",=cmd") == std::string::npos);
}
