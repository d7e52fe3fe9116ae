// cli: machines, opening hours, bookings, slots, queue, machine readers and sessions
// through the real `etabli` binary. Times are relative to the real clock: tomorrow's
// bookings, and walk-ins in a workshop open all day. Layer: cli tests.
#include <doctest/doctest.h>

#include "cli_run.hpp"

#include <chrono>
#include <ctime>

using namespace etabli;

namespace {

// Tomorrow's local date in Paris, "YYYY-MM-DD" (the tests set ETABLI_TZ=Europe/Paris).
std::string tomorrow() {
    const std::time_t t = std::time(nullptr) + 36 * 3600;  // safely inside tomorrow, whatever the hour
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

TEST_CASE("machines, hours and a booking from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    auto r = cli({"machine", "add", "--name", "Graveuse laser", "--pool", "Laser", "--max-min", "120", "--quota-hours-week", "6"});
    REQUIRE(r.code == 0);
    const std::string laser = first_line(r.out);
    CHECK(cli({"machine", "add", "--name", "graveuse LASER"}).code == 2);  // same name
    CHECK(cli({"machine", "add", "--name", "X", "--host-loss", "grace:abc"}).code == 2);
    CHECK(cli({"machine", "add", "--name", "X", "--max-min", "10", "--min-min", "20"}).code == 2);
    CHECK(cli({"machine", "authorise", laser, "--member", "1"}).code == 0);  // Léa
    CHECK(cli({"hours", "set", "mon-sun 09:00-21:00"}).code == 0);
    CHECK(cli({"hours", "set", "mon-xyz 09:00-21:00"}).code == 2);
    CHECK(cli({"hours", "set", "mon 21:00-09:00"}).code == 2);
    r = cli({"--lang", "en", "hours", "show"});
    CHECK(r.out.find("mon 09:00-21:00") != std::string::npos);

    const std::string day = tomorrow();
    r = cli({"--json", "book", laser, "--member", "1", "--from", day + " 14:00", "--minutes", "60"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"booked\"") != std::string::npos);
    // The same slot again: refused by a rule, exit 1, the rule in words.
    r = cli({"--lang", "en", "book", laser, "--member", "1", "--from", day + " 14:30", "--minutes", "30"});
    CHECK(r.code == 1);
    CHECK(!r.err.empty());
    // Outside opening hours for a member, allowed for a host.
    CHECK(cli({"book", laser, "--member", "1", "--from", day + " 22:00", "--minutes", "30"}).code == 1);
    CHECK(cli({"book", laser, "--member", "1", "--from", day + " 22:00", "--minutes", "30", "--as-host"}).code == 0);
    // Bad input: not a time, end before start, unknown machine.
    CHECK(cli({"book", laser, "--member", "1", "--from", "demain 14h", "--minutes", "30"}).code == 2);
    CHECK(cli({"book", laser, "--member", "1", "--from", day + " 14:00"}).code == 2);
    CHECK(cli({"book", "nope", "--member", "1", "--from", day + " 14:00", "--minutes", "30"}).code == 2);
    CHECK(cli({"book", laser, "--member", "1", "--from", day + " 16:00", "--to", day + " 15:00"}).code == 1);

    r = cli({"--json", "booking", "list", "--day", day});
    CHECK(r.code == 0);
    CHECK(r.out.find(day) != std::string::npos);
    r = cli({"--json", "slots", "--machine", laser, "--minutes", "60", "--from", day + " 14:00", "--member", "1"});
    CHECK(r.code == 0);
    CHECK(r.out.find(day + " 15:00") != std::string::npos);  // the first free hour after the booking
    CHECK(cli({"slots", "--minutes", "60"}).code == 2);
    CHECK(cli({"booking", "cancel", "1", "--reason", "Machine en panne"}).code == 0);
    CHECK(cli({"booking", "cancel", "999"}).code == 2);
}

TEST_CASE("a badge at a machine's reader starts and ends a session, and the history shows it") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string printer = first_line(cli({"machine", "add", "--name", "Imprimante 3D"}).out);
    REQUIRE(cli({"skill", "add", "Impression 3D"}).code == 0);  // open to all until a skill is required
    REQUIRE(cli({"machine", "require", printer, "--skill", "Impression 3D"}).code == 0);
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    // Not authorised yet: refused with the rule.
    auto r = cli({"tap", "0001234567", "--reader", "Imprimante 3D"});
    CHECK(r.code == 1);
    REQUIRE(cli({"machine", "authorise", printer, "--member", "1"}).code == 0);
    r = cli({"--json", "tap", "0001234567", "--reader", printer});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"granted\":true") != std::string::npos);
    r = cli({"--json", "machine", "list"});
    CHECK(r.out.find("\"in_use\":true") != std::string::npos);
    r = cli({"--json", "tap", "0001234567", "--reader", printer});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"ended\":true") != std::string::npos);
    r = cli({"--json", "sessions"});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"ended\"") != std::string::npos);
    // Unknown badge and unknown reader.
    CHECK(cli({"tap", "0000000042", "--reader", printer}).code == 1);
    CHECK(cli({"tap", "0001234567", "--reader", "Scie"}).code == 2);
    // Maintenance refuses sessions.
    CHECK(cli({"machine", "set", printer, "--status", "maintenance"}).code == 0);
    CHECK(cli({"tap", "0001234567", "--reader", printer}).code == 1);
    CHECK(cli({"machine", "set", printer, "--status", "broken"}).code == 2);
}

TEST_CASE("the walk-in queue from the command line") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string saw = first_line(cli({"machine", "add", "--name", "Scie"}).out);
    REQUIRE(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    REQUIRE(cli({"machine", "authorise", saw, "--member", "1"}).code == 0);
    REQUIRE(cli({"machine", "authorise", saw, "--member", "3"}).code == 0);
    REQUIRE(cli({"tap", "0001234567", "--reader", saw}).code == 0);  // Léa works
    auto r = cli({"--json", "queue", "join", saw, "--member", "3"});  // Hugo waits
    CHECK(r.code == 0);
    CHECK(r.out.find("\"position\":1") != std::string::npos);
    CHECK(cli({"--json", "queue", "show", saw}).out.find("\"member\":3") != std::string::npos);
    CHECK(cli({"queue", "leave", saw, "--member", "3"}).code == 0);
    CHECK(cli({"--json", "queue", "show", saw}).out == "[]\n");
}

TEST_CASE("local times around the DST changes: a missing time is refused, a repeated one is chosen") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string m = first_line(cli({"machine", "add", "--name", "Tour"}).out);
    const std::string dana = first_line(cli({"member", "add", "--name", "Dana"}).out);  // no end of membership
    REQUIRE(cli({"machine", "authorise", m, "--member", dana}).code == 0);
    auto r = cli({"--lang", "en", "book", m, "--member", dana, "--from", "2027-03-28 02:30", "--minutes", "30", "--as-host"});
    CHECK(r.code == 2);
    CHECK(r.err.find("2027-03-28") != std::string::npos);
    r = cli({"--json", "book", m, "--member", dana, "--from", "2027-10-31 02:30", "--minutes", "30", "--as-host"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"start\":\"2027-10-31T00:30:00Z\"") != std::string::npos);  // the earlier 02:30 (UTC+2)
    r = cli({"--json", "book", m, "--member", dana, "--from", "2027-10-31 02:30", "--minutes", "30", "--as-host", "--later"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"start\":\"2027-10-31T01:30:00Z\"") != std::string::npos);  // the later 02:30 (UTC+1)
    // 01:00–04:00 local across the autumn change lasts four real hours.
    const std::string m2 = first_line(cli({"machine", "add", "--name", "Tour 2", "--max-min", "300"}).out);
    REQUIRE(cli({"machine", "authorise", m2, "--member", dana}).code == 0);
    r = cli({"--json", "book", m2, "--member", dana, "--from", "2027-10-30 23:00", "--to", "2027-10-31 04:00", "--as-host"});
    CHECK(r.code == 1);  // 6 real hours: over the 300-minute maximum
    r = cli({"--json", "book", m2, "--member", dana, "--from", "2027-10-31 01:00", "--to", "2027-10-31 04:00", "--as-host"});
    CHECK(r.code == 0);
    CHECK(r.out.find("\"start\":\"2027-10-30T23:00:00Z\"") != std::string::npos);
    CHECK(r.out.find("\"end\":\"2027-10-31T03:00:00Z\"") != std::string::npos);
}

TEST_CASE("the check after use from the command line: set the level, a badge at the reader, checked or a problem") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    CHECK(cli({"hours", "set", "mon-sun 00:00-24:00"}).code == 0);
    const std::string prusa = "Imprimante 3D Prusa";  // Léa (0001234567) may use it; no buffer after a use
    CHECK(cli({"machine", "set", prusa, "--check-after-use", "sometimes"}).code == 2);
    REQUIRE(cli({"machine", "set", prusa, "--check-after-use", "host"}).code == 0);
    REQUIRE(cli({"tap", "0001234567", "--reader", prusa}).code == 0);
    REQUIRE(cli({"tap", "0001234567", "--reader", prusa}).code == 0);
    auto r = cli({"--lang", "en", "machine", "list"});
    CHECK(r.out.find("waits for its check after use") != std::string::npos);
    r = cli({"--lang", "en", "tap", "0001234567", "--reader", prusa});  // Léa is not a host
    CHECK(r.code == 1);
    CHECK(r.out.find("waits for its check after use by a host") != std::string::npos);
    r = cli({"--lang", "en", "--json", "tap", "0004211337", "--reader", prusa});  // Camille, a host, confirms it
    CHECK(r.code == 0);
    CHECK(r.out.find("\"checked\":true") != std::string::npos);
    CHECK(cli({"machine", "checked", prusa}).code == 2);  // nothing to check now
    REQUIRE(cli({"tap", "0001234567", "--reader", prusa}).code == 0);
    REQUIRE(cli({"tap", "0001234567", "--reader", prusa}).code == 0);
    REQUIRE(cli({"machine", "checked", prusa, "--problem", "plateau rayé"}).code == 0);
    r = cli({"--json", "machine", "show", prusa});
    CHECK(r.out.find("\"status\":\"maintenance\"") != std::string::npos);
    CHECK(r.out.find("\"check_note\":\"plateau rayé\"") != std::string::npos);
    CHECK(r.out.find("\"check_after_use\":\"host\"") != std::string::npos);
}

TEST_CASE("a machine's photo from the command line: set, shown, refused outside the photos folder, removed") {
    testing::Cli cli;
    REQUIRE(cli({"init", "--demo"}).code == 0);
    const std::string prusa = "Imprimante 3D Prusa";
    REQUIRE(cli({"machine", "set", prusa, "--photo", "machines/prusa.jpg"}).code == 0);
    auto r = cli({"--json", "machine", "show", prusa});
    CHECK(r.out.find("\"photo\":\"machines/prusa.jpg\"") != std::string::npos);
    r = cli({"--lang", "fr", "machine", "show", prusa});
    CHECK(r.out.find("Photo\u00a0: machines/prusa.jpg") != std::string::npos);
    for (const char* bad : {"../secret.png", "/etc/passwd"}) {
        r = cli({"--lang", "en", "machine", "set", prusa, "--photo", bad});
        CHECK(r.code != 0);
        CHECK(r.err.find("must be a file name relative to the photos folder") != std::string::npos);
    }
    r = cli({"--json", "machine", "show", prusa});
    CHECK(r.out.find("\"photo\":\"machines/prusa.jpg\"") != std::string::npos);  // the refusal changed nothing
    REQUIRE(cli({"machine", "set", prusa, "--photo", ""}).code == 0);
    r = cli({"--json", "machine", "show", prusa});
    CHECK(r.out.find("\"photo\":null") != std::string::npos);
    const std::string tour = first_line(cli({"machine", "add", "--name", "Tour", "--photo", "tour.png"}).out);
    r = cli({"--json", "machine", "show", tour});
    CHECK(r.out.find("\"photo\":\"tour.png\"") != std::string::npos);
}
