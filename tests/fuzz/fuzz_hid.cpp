// Fuzz target of the live badge-reader decoding (hw/hid_decoder.hpp, hw/readers.hpp): a device
// that claims to be a badge reader may send any reports, of any length, at any pace. The input
// is a script of what the transports deliver, each step with the time it arrived:
//   byte 0      the reader's configuration: profile (bits 0-2), role (bits 3-4), gap (5-7);
//   byte 1      the max_length of a second decoder with odd options (half the gap, a 300 ms
//               same-UID window);
//   then steps  a header (bits 0-1 the kind, bits 2-5 the time since the previous step, from
//               kDelays: around the gap and same-UID limits), then its bytes:
//                 0  a libusb interrupt report of 8 bytes (what the live reader's buffer holds);
//                 1  a report of the length the next byte gives (0..16: a short transfer, or a
//                    device that is no boot keyboard);
//                 2  an evdev event: type (odd: EV_KEY, even: the byte itself), code (2 bytes),
//                    value (1 byte, signed);
//                 3  header bit 6 clear: press() of a Key; set: the transport reopened (reset).
// Every step goes, at the same time, to a HidDecoder with the default options (the libusb and
// evdev paths), to one with odd options, and to a BadgeReader (the live sink: decoder, profile,
// post) beside a reference decoder with the reader's options. Checked: lines are 1..max_length
// of [0-9A-F], problems have a message, the stats count what came out, the BadgeReader posts
// exactly the reference's lines through the profile (or logs why not), and after any input the
// default decoder reads a clean badge again, by reports and by evdev events (no state sticks).
// Layer: tests (fuzz). Single-threaded; replayed by replay_main.cpp or run under libFuzzer.
#include <etabli/core/badge_format.hpp>
#include <etabli/hw/hid_decoder.hpp>
#include <etabli/hw/readers.hpp>

#include <linux/input-event-codes.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

using namespace etabli;
using namespace std::chrono;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

// Around the default gap (100 ms) and same-UID window (2000 ms), and the odd gaps below.
constexpr std::array<int, 16> kDelays = {0, 1, 2, 5, 10, 20, 50, 99, 100, 101, 150, 500, 1999, 2000, 2001, 5000};
constexpr std::array<int, 8> kGaps = {100, 0, 1, 20, 50, 250, 1000, 100};
constexpr std::array<core::BadgeFormat, 5> kProfiles = {core::BadgeFormat::raw, core::BadgeFormat::dec10,
                                                        core::BadgeFormat::dec10_reversed, core::BadgeFormat::wiegand26,
                                                        core::BadgeFormat::hex};

bool hex_upper(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// One decoder and what it gave so far, with the checks every event must pass.
struct Watched {
    hw::HidDecoder decoder;
    std::uint64_t lines = 0, problems = 0;
    std::vector<hw::LineEvent> out;

    explicit Watched(hw::DecoderOptions o) : decoder(o) {}

    void check_new(std::size_t from) {
        for (std::size_t i = from; i < out.size(); ++i) {
            const auto& e = out[i];
            if (!e) {
                require(!e.error().msgid.empty());
                ++problems;
                continue;
            }
            require(!e->empty() && e->size() <= decoder.options().max_length);
            for (char c : *e) require(hex_upper(c));
            ++lines;
        }
        const auto& s = decoder.stats();
        require(s.lines == lines && s.dropped == problems);
    }
    void report(std::span<const std::uint8_t> r, hw::ReadTime at) {
        const auto from = out.size();
        decoder.feed_report(r, at, out);
        check_new(from);
    }
    void evdev(std::uint16_t type, std::uint16_t code, std::int32_t value, hw::ReadTime at) {
        const auto from = out.size();
        decoder.feed_evdev(type, code, value, at, out);
        check_new(from);
    }
    void press(hw::Key k, hw::ReadTime at) {
        const auto from = out.size();
        decoder.press(k, at, out);
        check_new(from);
    }
    void reset() {
        decoder.reset();
        // reset() keeps the counters: they are the reader's, not the line's.
        require(decoder.stats().lines == lines && decoder.stats().dropped == problems);
    }
};

// The live sink with what it posted and logged.
struct Sink {
    std::vector<app::Command> posted;
    std::uint64_t logged = 0;
};

// After whatever came before: a release, a pause, then "0123456789" + Enter as a reader types
// it (press, release, 1 ms apart). Exactly that line must come out.
constexpr std::array<std::uint8_t, 10> kCleanUsages = {0x27, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26};
constexpr std::array<std::uint16_t, 10> kCleanCodes = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};

template <class Feed>
hw::ReadTime type_clean_line(hw::ReadTime t, Feed&& feed) {
    // feed(usage, pressed, at): one key down or up.
    for (auto u : kCleanUsages) {
        feed(u, true, t += 1ms);
        feed(u, false, t += 1ms);
    }
    feed(0x28, true, t += 1ms);
    feed(0x28, false, t += 1ms);
    return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    std::size_t at = 0;
    auto next = [&]() -> std::optional<std::uint8_t> {
        if (at >= in.size()) return std::nullopt;
        return in[at++];
    };
    const std::uint8_t conf = next().value_or(0);
    const std::uint8_t odd_len = next().value_or(0);

    Watched plain{hw::DecoderOptions{}};
    Watched odd{hw::DecoderOptions{.gap = milliseconds(kGaps[(conf >> 5) & 7] / 2), .same_uid = milliseconds(300),
                                   .max_length = 1u + odd_len % 48u}};

    core::ReaderConfig rc;
    rc.profile = kProfiles[(conf & 7) % kProfiles.size()];
    rc.gap = milliseconds(kGaps[(conf >> 5) & 7]);
    switch ((conf >> 3) & 3) {
    case 1: rc.role.kind = core::ReaderRole::Kind::scanner; break;
    case 2:
        rc.role.kind = core::ReaderRole::Kind::machine;
        rc.role.machine = "Laser";
        rc.role.resolved = 3;
        break;
    default: rc.role.kind = core::ReaderRole::Kind::kiosk; break;
    }
    Sink sink;
    hw::BadgeReader reader(
        rc, [&](app::Command c) { sink.posted.push_back(std::move(c)); },
        [&](const std::string&, const core::Problem& p) {
            require(!p.msgid.empty());
            ++sink.logged;
        });
    reader.on_open("fuzz");
    Watched reference{hw::DecoderOptions{.gap = rc.gap}};

    hw::ReadTime t = hw::ReadTime{} + hours(1);
    for (;;) {
        const auto h = next();
        if (!h) break;
        t += milliseconds(kDelays[(*h >> 2) & 15]);
        switch (*h & 3) {
        case 0:
        case 1: {
            std::size_t len = 8;
            if ((*h & 3) == 1) len = next().value_or(0) % 17u;
            len = std::min(len, in.size() - at);
            const auto r = in.subspan(at, len);
            at += len;
            plain.report(r, t);
            odd.report(r, t);
            reference.report(r, t);
            reader.on_report(r, t);
            break;
        }
        case 2: {
            const std::uint8_t ty = next().value_or(0);
            const std::uint16_t type = (ty & 1) ? std::uint16_t{EV_KEY} : std::uint16_t{ty};
            const std::uint8_t lo = next().value_or(0), hi = next().value_or(0);
            const auto code = static_cast<std::uint16_t>(lo | hi << 8);
            const std::int32_t value = static_cast<std::int8_t>(next().value_or(1));
            plain.evdev(type, code, value, t);
            odd.evdev(type, code, value, t);
            reference.evdev(type, code, value, t);
            reader.on_input(type, code, value, t);
            break;
        }
        case 3: {
            if (*h & 0x40) {
                // The transport reopened: the reader (and so its reference) starts afresh.
                plain.reset();
                odd.reset();
                reference.reset();
                reader.on_open("fuzz");
                break;
            }
            // press() is no transport's path: only the stand-alone decoders get it.
            const auto k = static_cast<hw::Key>(next().value_or(0) % (static_cast<unsigned>(hw::Key::other) + 1));
            plain.press(k, t);
            odd.press(k, t);
            break;
        }
        }
    }

    // The live reader posted the reference's lines, each through its profile, or logged why.
    std::size_t posted = 0;
    std::uint64_t logged = 0;
    for (const auto& e : reference.out) {
        if (!e) {
            ++logged;
            continue;
        }
        if (rc.role.kind == core::ReaderRole::Kind::scanner) {
            require(posted < sink.posted.size());
            const auto* s = std::get_if<app::ToolScanned>(&sink.posted[posted++]);
            require(s && s->tag == *e);
            continue;
        }
        const auto uid = core::canonical_uid(rc.profile, *e);
        if (!uid) {
            ++logged;
            continue;
        }
        require(!uid->empty() && uid->size() <= 32);
        for (char c : *uid) require(hex_upper(c));
        if (rc.profile == core::BadgeFormat::raw) require(*uid == *e);
        require(posted < sink.posted.size());
        const auto* b = std::get_if<app::BadgeSeen>(&sink.posted[posted++]);
        require(b && b->uid == *uid);
        require(b->reader.kind() == (rc.role.kind == core::ReaderRole::Kind::machine ? app::ReaderRef::Kind::machine
                                                                                     : app::ReaderRef::Kind::kiosk));
    }
    require(posted == sink.posted.size() && logged == sink.logged);
    const auto status = reader.status();
    require(status.taps == posted && status.dropped == logged && status.connected);

    // No state sticks: after a pause the default decoders read a clean badge, by reports and
    // by evdev events. (Odd options may make a 10-digit line impossible: not checked.)
    t += seconds(5);
    const std::uint8_t release[8] = {};
    plain.report(release, t);
    auto from = plain.out.size();
    t = type_clean_line(t, [&](std::uint8_t u, bool down, hw::ReadTime when) {
        std::uint8_t r[8] = {};
        if (down) r[2] = u;
        plain.report(r, when);
    });
    require(plain.out.size() == from + 1 && plain.out.back() && *plain.out.back() == "0123456789");

    t += seconds(5);
    from = plain.out.size();
    std::size_t k = 0;
    t = type_clean_line(t, [&](std::uint8_t u, bool down, hw::ReadTime when) {
        const std::uint16_t code = u == 0x28 ? std::uint16_t{KEY_ENTER} : kCleanCodes[k];
        if (!down && u != 0x28) ++k;
        plain.evdev(EV_MSC, MSC_SCAN, u, when);
        plain.evdev(EV_KEY, code, down ? 1 : 0, when);
        plain.evdev(EV_SYN, SYN_REPORT, 0, when);
    });
    // The same line again 5 s later is a new tap, not a repeat.
    require(plain.out.size() == from + 1 && plain.out.back() && *plain.out.back() == "0123456789");
    return 0;
}
