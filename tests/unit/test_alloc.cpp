// alloc: the deadline structure the station sleeps on. Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/alloc/timers.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace std::chrono;

TEST_CASE("deadlines: earliest first, rescheduling moves, cancel forgets") {
    alloc::Deadlines d;
    const auto t0 = testing::utc("2026-11-28T10:00:00Z");
    CHECK(!d.next());
    d.schedule("b", t0 + seconds{20});
    d.schedule("a", t0 + seconds{10});
    d.schedule("c", t0 + seconds{30});
    CHECK(d.next() == t0 + seconds{10});
    d.schedule("a", t0 + seconds{40});  // moved, not duplicated
    CHECK(d.size() == 3);
    CHECK(d.next() == t0 + seconds{20});
    d.cancel("b");
    d.cancel("nope");
    CHECK(d.when("b") == std::nullopt);
    CHECK(d.take_due(t0 + seconds{29}).empty());
    CHECK(d.take_due(t0 + seconds{40}) == std::vector<std::string>{"c", "a"});
    CHECK(d.size() == 0);
}
