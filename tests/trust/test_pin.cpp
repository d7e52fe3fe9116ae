// Hosts' PINs, the storage side: the form (4 to 8 ASCII digits), Argon2id of the PIN
// keyed by the pepper (the same PIN under another installation's pepper does not verify), a
// damaged stored text, and the lockout's growing delays.
#include <doctest/doctest.h>

#include <etabli/db/pin.hpp>

using namespace etabli;
using namespace std::chrono;

namespace {
// The tests' own cost, the lowest libsodium accepts: the rule, not the time, is tested here
// (bench_pin times the real limits).
constexpr db::PinLimits kQuick{1, std::size_t{8} << 20};
const std::string kPepper(32, '\x2a');
}  // namespace

TEST_CASE("a PIN is 4 to 8 ASCII digits") {
    for (const char* ok : {"0000", "1234", "12345678"}) CHECK(!db::check_pin_form(ok));
    for (const char* bad : {"", "123", "123456789", "12a4", "12 4", "１２３４", "-123", "1234\n"}) {
        CAPTURE(bad);
        REQUIRE(db::check_pin_form(bad));
        CHECK(db::check_pin_form(bad)->msgid == "A PIN is 4 to 8 digits");
    }
    CHECK(!db::hash_pin("12a4", kPepper, kQuick));
}

TEST_CASE("a PIN verifies under its pepper only; the stored text never holds it") {
    auto stored = db::hash_pin("4711", kPepper, kQuick);
    REQUIRE(stored);
    CHECK(stored->starts_with("$argon2id$"));
    CHECK(stored->find("4711") == std::string::npos);
    CHECK(db::verify_pin(*stored, "4711", kPepper));
    CHECK(!db::verify_pin(*stored, "4712", kPepper));
    CHECK(!db::verify_pin(*stored, "47110", kPepper));
    CHECK(!db::verify_pin(*stored, "4711", std::string(32, '\x2b')));  // a copied database, another pepper
    CHECK(!db::verify_pin(stored->substr(0, 20), "4711", kPepper));     // damaged
    CHECK(!db::verify_pin("", "4711", kPepper));
    auto again = db::hash_pin("4711", kPepper, kQuick);
    REQUIRE(again);
    CHECK(*again != *stored);  // salted
}

TEST_CASE("the lockout grows: 1 min, 5 min, 30 min, 2 h, then a day") {
    CHECK(db::pin_lockout(1) == minutes{1});
    CHECK(db::pin_lockout(2) == minutes{5});
    CHECK(db::pin_lockout(3) == minutes{30});
    CHECK(db::pin_lockout(4) == hours{2});
    CHECK(db::pin_lockout(5) == hours{24});
    CHECK(db::pin_lockout(50) == hours{24});
    CHECK(db::kPinTries == 5);
}
