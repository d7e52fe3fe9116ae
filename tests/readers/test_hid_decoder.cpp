// Unit tests of badge-reader decoding from key positions: recorded HID boot-report sequences
// and evdev event sequences in, lines or drop reasons out; timing rules with times passed in.
// Layer: hw (protocol part, pure). Single-threaded.
#include <etabli/hw/hid_decoder.hpp>

#include <doctest/doctest.h>
#include <linux/input-event-codes.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

using namespace etabli::hw;
using namespace std::chrono_literals;

namespace {

using Report = std::array<std::uint8_t, 8>;
constexpr std::uint8_t kLeftShift = 0x02;
constexpr Report kRelease{};

Report key(std::uint8_t usage, std::uint8_t mods = 0) { return Report{mods, 0, usage, 0, 0, 0, 0, 0}; }
std::uint8_t main_usage(char c) { return c == '0' ? 0x27 : static_cast<std::uint8_t>(0x1E + (c - '1')); }
std::uint8_t keypad_usage(char c) { return c == '0' ? 0x62 : static_cast<std::uint8_t>(0x59 + (c - '1')); }
std::uint8_t usage_of(char c, bool keypad) {
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(0x04 + (c - 'A'));
    return keypad ? keypad_usage(c) : main_usage(c);
}

// A reader typing at 1 ms a report, as cheap EM4100 wedges do (measured: 4-8 ms a key).
struct Rig {
    HidDecoder dec;
    ReadTime t{};
    std::vector<LineEvent> out;
    explicit Rig(DecoderOptions o = {}) : dec(o) {}
    void report(const Report& r) {
        t += 1ms;
        dec.feed_report(r, t, out);
    }
    void type(const std::string& s, bool keypad = false, bool enter = true, std::uint8_t mods = 0) {
        for (char c : s) {
            report(key(usage_of(c, keypad), (c >= 'A' && c <= 'F') ? kLeftShift : mods));
            report(kRelease);
        }
        if (enter) {
            report(key(keypad ? 0x58 : 0x28));
            report(kRelease);
        }
    }
    std::vector<std::string> uids() const {
        std::vector<std::string> v;
        for (const auto& e : out)
            if (e) v.push_back(*e);
        return v;
    }
    std::size_t errors() const {
        std::size_t n = 0;
        for (const auto& e : out) n += e ? 0 : 1;
        return n;
    }
};

}  // namespace

TEST_CASE("reports: digits with leading zeros, and two equal digits need the release between them") {
    Rig r;
    r.type("0012345678");
    CHECK(r.uids() == std::vector<std::string>{"0012345678"});
    CHECK(r.errors() == 0);
}

TEST_CASE("reports: keypad digits and keypad Enter decode as the main row") {
    Rig r;
    r.type("0987654321", true);
    CHECK(r.uids() == std::vector<std::string>{"0987654321"});
}

TEST_CASE("reports: shift-hex letters, with or without Shift held") {
    Rig r;
    r.type("04A1B2C3D4");
    CHECK(r.uids() == std::vector<std::string>{"04A1B2C3D4"});
    // A reader that sends lower-case hex (no Shift) reads the same.
    r.t += 3s;
    for (char c : std::string("04a1")) {
        r.report(key(c >= 'a' ? static_cast<std::uint8_t>(0x04 + (c - 'a')) : main_usage(c)));
        r.report(kRelease);
    }
    r.report(key(0x28));
    CHECK(r.uids().back() == "04A1");
}

TEST_CASE("reports: repeats (key held across reports) count once; no release between keys works by diff") {
    Rig r;
    // '1' down, '1' still down (typematic report), '1'+'2' (rollover), '2' alone, release.
    r.report(key(0x1E));
    r.report(key(0x1E));
    r.report(Report{0, 0, 0x1E, 0x1F, 0, 0, 0, 0});
    r.report(key(0x1F));
    r.report(kRelease);
    r.report(key(0x28));
    CHECK(r.uids() == std::vector<std::string>{"12"});
    // Interleaved release reports in odd places change nothing.
    r.t += 3s;
    for (char c : std::string("4242")) {
        r.report(kRelease);
        r.report(key(main_usage(c)));
        r.report(kRelease);
        r.report(kRelease);
    }
    r.report(key(0x28));
    CHECK(r.uids().back() == "4242");
}

TEST_CASE("reports: several new keys in one report are taken in report order") {
    Rig r;
    r.report(Report{0, 0, 0x1E, 0x1F, 0x20, 0x28, 0, 0});  // "123" Enter in one report
    CHECK(r.uids() == std::vector<std::string>{"123"});
}

TEST_CASE("timing: a gap longer than the configured time restarts the line") {
    Rig r;
    r.type("1234", false, false);
    r.t += 150ms;  // Enter lost, then a new read
    r.type("5678");
    CHECK(r.uids() == std::vector<std::string>{"5678"});
    CHECK(r.dec.stats().gaps == 1);

    Rig slow(DecoderOptions{.gap = 500ms});
    slow.type("12", false, false);
    slow.t += 300ms;
    slow.type("34");
    CHECK(slow.uids() == std::vector<std::string>{"1234"});
}

TEST_CASE("timing: the same UID within 2 s is one tap, the window slides while the card stays") {
    Rig r;
    r.type("0012345678");
    r.t += 500ms;
    r.type("0012345678");
    r.t += 1800ms;  // 2.3 s after the first, but 1.8 s after the last repeat
    r.type("0012345678");
    CHECK(r.uids().size() == 1);
    CHECK(r.dec.stats().repeats == 2);
    r.t += 2100ms;
    r.type("0012345678");
    CHECK(r.uids().size() == 2);
    // Another card at once is a new tap.
    r.type("0099999999");
    CHECK(r.uids().size() == 3);
}

TEST_CASE("garbage: unexpected key, bad report sizes and rollover drop the line, once, and the next line reads") {
    Rig r;
    r.report(key(main_usage('1')));
    r.report(kRelease);
    r.report(key(0x2C));  // space
    r.report(kRelease);
    r.type("23");  // the tail of the broken line, up to its Enter
    CHECK(r.uids().empty());
    CHECK(r.errors() == 1);
    CHECK(r.out[0].error().msgid == "Badge reader sent an unexpected key ({0})");
    CHECK(r.out[0].error().args[0] == "0x2C");
    r.type("0012345678");
    CHECK(r.uids() == std::vector<std::string>{"0012345678"});

    Rig bad;
    const std::array<std::uint8_t, 3> shortr{0, 0, 0x1E};
    bad.t += 1ms;
    bad.dec.feed_report(shortr, bad.t, bad.out);
    bad.report(Report{0, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01});
    CHECK(bad.errors() == 1);  // one line, one drop
    bad.t += 1s;               // a gap also ends a broken line, without Enter
    bad.type("77");
    CHECK(bad.uids() == std::vector<std::string>{"77"});
}

TEST_CASE("garbage: more than 32 characters without Enter is dropped") {
    Rig r;
    r.type(std::string(33, '5'));
    CHECK(r.uids().empty());
    CHECK(r.errors() == 1);
    Rig ok;
    ok.type(std::string(32, '5'));
    CHECK(ok.uids().size() == 1);
    Rig shortmax(DecoderOptions{.max_length = 10});
    shortmax.type("12345678901");
    CHECK(shortmax.errors() == 1);
}

TEST_CASE("modifiers and NumLock are never part of a UID, nor an error") {
    Rig r;
    r.report(key(0x53));  // NumLock
    r.report(kRelease);
    r.report(Report{0, 0, 0xE1, 0, 0, 0, 0, 0});  // LeftShift as a usage
    r.type("42");
    CHECK(r.uids() == std::vector<std::string>{"42"});
    CHECK(r.errors() == 0);
}

// [evdev] The kernel turns the same reader into evdev events; the decoder maps their codes to
// the same keys.
namespace {
struct Ev {
    std::uint16_t type, code;
    std::int32_t value;
};
std::vector<std::string> decode(const std::vector<Ev>& evs) {
    HidDecoder d;
    ReadTime t{};
    std::vector<LineEvent> out;
    for (const auto& e : evs) {
        t += 1ms;
        d.feed_evdev(e.type, e.code, e.value, t, out);
    }
    std::vector<std::string> v;
    for (auto& e : out) v.push_back(e ? *e : "!" + e.error().msgid);
    return v;
}
void tap(std::vector<Ev>& evs, std::uint16_t code, bool repeat = false) {
    evs.push_back({EV_MSC, MSC_SCAN, 0x70000 + code});
    evs.push_back({EV_KEY, code, 1});
    evs.push_back({EV_SYN, SYN_REPORT, 0});
    if (repeat) evs.push_back({EV_KEY, code, 2}), evs.push_back({EV_SYN, SYN_REPORT, 0});
    evs.push_back({EV_KEY, code, 0});
    evs.push_back({EV_SYN, SYN_REPORT, 0});
}
}  // namespace

TEST_CASE("evdev: main row, keypad, Enter, autorepeat ignored") {
    std::vector<Ev> evs;
    for (auto c : {KEY_0, KEY_0, KEY_1, KEY_2}) tap(evs, static_cast<std::uint16_t>(c));
    tap(evs, KEY_3, true);  // autorepeat (value 2) is not a second 3
    for (auto c : {KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8}) tap(evs, static_cast<std::uint16_t>(c));
    tap(evs, KEY_KPENTER);
    CHECK(decode(evs) == std::vector<std::string>{"0012345678"});
}

TEST_CASE("layouts: the same key positions decode identically under fr (AZERTY) and us sessions") {
    // On an AZERTY session the main-row keys type "&é\"'(-è_çà" without Shift and digits
    // with Shift; a person (or a reader set to AZERTY) typing digits therefore holds Shift.
    // The decoder sees positions (KEY_1...), so the US reader, the AZERTY reader with Shift
    // and the keypad all give the same UID: nothing here depends on the XKB keymap, which
    // the kernel never applies to evdev codes or HID usages.
    const std::vector<std::uint16_t> digits{KEY_0, KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8};
    std::vector<Ev> us, fr;
    for (auto c : digits) tap(us, c);
    tap(us, KEY_ENTER);
    for (auto c : digits) {
        fr.push_back({EV_KEY, KEY_LEFTSHIFT, 1});
        tap(fr, c);
        fr.push_back({EV_KEY, KEY_LEFTSHIFT, 0});
    }
    tap(fr, KEY_ENTER);
    CHECK(decode(us) == decode(fr));
    CHECK(decode(fr) == std::vector<std::string>{"0012345678"});

    // The same with HID reports: Shift in the modifier byte changes nothing.
    Rig plain, shifted;
    plain.type("0012345678");
    shifted.type("0012345678", false, true, kLeftShift);
    CHECK(plain.uids() == shifted.uids());
}

TEST_CASE("evdev: other keys drop the line") {
    std::vector<Ev> evs;
    tap(evs, KEY_1);
    tap(evs, KEY_Q);
    tap(evs, KEY_ENTER);
    tap(evs, KEY_9);
    tap(evs, KEY_ENTER);
    const auto v = decode(evs);
    REQUIRE(v.size() == 2);
    CHECK(v[0].starts_with("!"));
    CHECK(v[1] == "9");
}

TEST_CASE("HID usages and evdev codes map to one key set") {
    CHECK(key_from_hid_usage(0x27) == key_from_evdev_code(KEY_0));
    CHECK(key_from_hid_usage(0x62) == key_from_evdev_code(KEY_KP0));
    CHECK(key_from_hid_usage(0x59) == key_from_evdev_code(KEY_KP1));
    CHECK(key_from_hid_usage(0x58) == key_from_evdev_code(KEY_KPENTER));
    CHECK(key_from_hid_usage(0x09) == key_from_evdev_code(KEY_F));
    for (std::uint8_t u = 0x1E; u <= 0x26; ++u)
        CHECK(key_char(key_from_hid_usage(u)) == key_char(key_from_evdev_code(static_cast<std::uint16_t>(KEY_1 + (u - 0x1E)))));
}
