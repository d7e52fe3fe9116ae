// Unit tests of keyboard-wedge decoding: HID boot reports in, badge UIDs or problems out.
// Layer: hw (protocol part, pure). Single-threaded.
#include <etabli/hw/keyboard_wedge.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using etabli::hw::WedgeDecoder;
using etabli::hw::WedgeEvent;

namespace {

using Report = std::array<std::uint8_t, 8>;

constexpr std::uint8_t kShift = 0x02;
constexpr Report kRelease{};

Report key(std::uint8_t usage, std::uint8_t modifiers = 0) { return Report{modifiers, 0, usage, 0, 0, 0, 0, 0}; }

std::uint8_t digit_usage(char c) { return c == '0' ? 0x27 : static_cast<std::uint8_t>(0x1E + (c - '1')); }
std::uint8_t keypad_usage(char c) { return c == '0' ? 0x62 : static_cast<std::uint8_t>(0x59 + (c - '1')); }

// Feeds reports and gathers every event.
struct Harness {
    WedgeDecoder decoder;
    std::vector<WedgeEvent> events;

    void feed(std::span<const std::uint8_t> r) {
        for (auto& e : decoder.feed(r)) events.push_back(std::move(e));
    }
    void feed(const Report& r) { feed(std::span<const std::uint8_t>(r)); }
    // Types `digits` as a reader does: each key then a release, then Enter unless told not to.
    void type(const std::string& digits, bool keypad = false, bool enter = true) {
        for (char c : digits) {
            feed(key(keypad ? keypad_usage(c) : digit_usage(c)));
            feed(kRelease);
        }
        if (enter) {
            feed(key(keypad ? 0x58 : 0x28));
            feed(kRelease);
        }
    }
    std::vector<std::string> uids() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e) out.push_back(*e);
        return out;
    }
    std::vector<std::string> errors() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (!e) out.push_back(e.error().msgid);
        return out;
    }
};

}  // namespace

TEST_CASE("wedge: a 10-digit UID with release reports") {
    Harness h;
    h.type("0004215678");
    REQUIRE(h.events.size() == 1);
    CHECK(h.uids() == std::vector<std::string>{"0004215678"});
    CHECK_FALSE(h.decoder.in_progress());

    // A second read is independent of the first.
    h.type("1234567890");
    CHECK(h.uids() == std::vector<std::string>{"0004215678", "1234567890"});
}

TEST_CASE("wedge: each report of a read returns its events, Enter returns the UID") {
    WedgeDecoder d;
    CHECK(d.feed(key(0x1E)).empty());
    CHECK(d.in_progress());
    CHECK(d.feed(kRelease).empty());
    const auto events = d.feed(key(0x28));
    REQUIRE(events.size() == 1);
    CHECK(events[0] == std::string{"1"});
}

TEST_CASE("wedge: keypad digits and keypad Enter give the same UID") {
    Harness h;
    h.type("0004215678", /*keypad=*/true);
    CHECK(h.uids() == std::vector<std::string>{"0004215678"});
    Harness mixed;
    mixed.type("1234567890", /*keypad=*/true, /*enter=*/false);
    mixed.feed(key(0x28));
    CHECK(mixed.uids() == std::vector<std::string>{"1234567890"});
}

TEST_CASE("wedge: hex letters come out upper-case, whatever the modifiers") {
    Harness h;
    // "04A3F1bc" from a hex reader that sends Shift for upper-case letters on some keys.
    for (Report r : {key(0x27), key(0x21), key(0x04, kShift), key(0x20), key(0x09, kShift), key(0x1E),
                     key(0x05), key(0x06)}) {
        h.feed(r);
        h.feed(kRelease);
    }
    h.feed(key(0x28));
    CHECK(h.uids() == std::vector<std::string>{"04A3F1BC"});
}

TEST_CASE("wedge: the layout does not matter (AZERTY readers send Shift with the digits)") {
    Harness h;
    for (char c : std::string{"0123456789"}) {
        h.feed(key(digit_usage(c), kShift));
        h.feed(Report{kShift, 0, 0, 0, 0, 0, 0, 0});  // keys up, Shift still down
    }
    h.feed(key(0x28));
    CHECK(h.uids() == std::vector<std::string>{"0123456789"});
}

TEST_CASE("wedge: a key held across reports counts once") {
    Harness h;
    h.feed(key(0x1E));
    h.feed(key(0x1E));  // still down (typematic report)
    h.feed(key(0x1E));
    h.feed(kRelease);
    h.feed(key(0x1E));  // pressed again after a release: a second '1'
    h.feed(kRelease);
    // '2' pressed while '1' is still down: only '2' is new.
    h.feed(key(0x1F));
    h.feed(Report{0, 0, 0x1F, 0x20, 0, 0, 0, 0});
    h.feed(Report{0, 0, 0x20, 0, 0, 0, 0, 0});
    h.feed(kRelease);
    h.feed(key(0x28));
    h.feed(key(0x28));  // Enter held: no second read
    h.feed(kRelease);
    CHECK(h.events.size() == 1);
    CHECK(h.uids() == std::vector<std::string>{"1123"});
}

TEST_CASE("wedge: several new keys in one report are taken in report order") {
    Harness h;
    h.feed(Report{0, 0, 0x1E, 0x1F, 0x1F, 0x28, 0, 0});  // '1' '2' (twice listed) Enter
    CHECK(h.uids() == std::vector<std::string>{"12"});
}

TEST_CASE("wedge: Enter alone gives no event") {
    Harness h;
    h.type("");
    h.feed(key(0x58));
    CHECK(h.events.empty());
}

TEST_CASE("wedge: an unexpected key discards the read, then the next read works") {
    Harness h;
    h.type("12", false, false);
    h.feed(key(0x2C));  // space
    h.feed(kRelease);
    h.type("345");  // the tail of the broken read: never a UID
    h.type("0004215678");
    REQUIRE(h.events.size() == 2);
    REQUIRE_FALSE(h.events[0].has_value());
    CHECK(h.events[0].error().msgid == "Badge reader sent an unexpected key ({0})");
    CHECK(h.events[0].error().args == std::vector<std::string>{"0x2C"});
    CHECK(h.events[1] == std::string{"0004215678"});
}

TEST_CASE("wedge: letters beyond F and text-like keys are errors") {
    for (std::uint8_t usage : {std::uint8_t{0x0A}, std::uint8_t{0x1D}, std::uint8_t{0x2D}, std::uint8_t{0x57},
                               std::uint8_t{0x63}, std::uint8_t{0xE1}, std::uint8_t{0x02}, std::uint8_t{0xFF}}) {
        CAPTURE(int{usage});
        Harness h;
        h.feed(key(usage));
        h.feed(kRelease);
        h.type("42");
        CHECK(h.errors().size() == 1);
        CHECK(h.uids().empty());
    }
}

TEST_CASE("wedge: rollover error") {
    Harness h;
    h.type("99", false, false);
    h.feed(Report{0, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01});
    h.feed(kRelease);
    h.type("77");
    h.type("31");
    CHECK(h.errors() == std::vector<std::string>{"Badge reader reported too many keys at once (rollover error)"});
    CHECK(h.uids() == std::vector<std::string>{"31"});
}

TEST_CASE("wedge: more than 32 characters without Enter") {
    Harness h;
    const std::string max(WedgeDecoder::kMaxUidLength, '7');
    h.type(max);  // exactly 32: accepted
    CHECK(h.uids() == std::vector<std::string>{max});

    h.events.clear();
    h.type(max + "8", false, false);
    REQUIRE(h.events.size() == 1);
    REQUIRE_FALSE(h.events[0].has_value());
    CHECK(h.events[0].error().msgid == "Badge reader sent more than {0} characters without Enter");
    CHECK(h.events[0].error().args == std::vector<std::string>{"32"});
    h.type(std::string(100, '5'));  // a runaway reader: one error only, no UID from the tail
    h.type("123");
    CHECK(h.errors().size() == 1);
    CHECK(h.uids() == std::vector<std::string>{"123"});
}

TEST_CASE("wedge: a report of the wrong size, then recovery") {
    Harness h;
    h.type("12", false, false);
    const std::array<std::uint8_t, 5> short_report{0, 0, 0x20, 0, 0};
    h.feed(std::span<const std::uint8_t>(short_report));
    h.type("34");  // tail of the broken read
    const std::array<std::uint8_t, 9> long_report{1, 0, 0, 0x20, 0, 0, 0, 0, 0};
    h.feed(std::span<const std::uint8_t>(long_report));
    h.feed(std::span<const std::uint8_t>());
    h.type("");
    h.type("0004215678");
    REQUIRE(h.events.size() == 3);
    REQUIRE_FALSE(h.events[0].has_value());
    CHECK(h.events[0].error().msgid == "Badge reader sent a report of {0} bytes instead of 8");
    CHECK(h.events[0].error().args == std::vector<std::string>{"5"});
    CHECK(h.events[1].error().args == std::vector<std::string>{"9"});
    CHECK(h.events[2] == std::string{"0004215678"});
}

TEST_CASE("wedge: reset forgets the read in progress and the held keys") {
    Harness h;
    h.type("12", false, false);
    h.feed(key(0x20));  // '3' held when the driver resets (idle gap, reader re-opened)
    h.decoder.reset();
    CHECK_FALSE(h.decoder.in_progress());
    h.feed(key(0x20));  // counts again after reset
    h.feed(kRelease);
    h.type("4");
    CHECK(h.uids() == std::vector<std::string>{"34"});

    // reset also ends the discarding after an error
    h.feed(key(0x2C));
    CHECK(h.decoder.in_progress());
    h.decoder.reset();
    h.feed(kRelease);
    h.type("56");
    CHECK(h.uids() == std::vector<std::string>{"34", "56"});
}
