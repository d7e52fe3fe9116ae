// Fuzz target of keyboard-wedge decoding (hw): a USB device that claims to be a badge reader
// may send anything, so the decoder must never crash and must only emit well-formed UIDs.
// Layer: tests (fuzz). Single-threaded; replayed by replay_main.cpp or run under libFuzzer.
#include <etabli/hw/keyboard_wedge.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

void check(const std::vector<etabli::hw::WedgeEvent>& events) {
    for (const auto& e : events) {
        if (!e) {
            require(!e.error().msgid.empty());
            continue;
        }
        require(!e->empty() && e->size() <= etabli::hw::WedgeDecoder::kMaxUidLength);
        for (char c : *e) require((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> all(data, size);

    // 1. The input as a stream of 8-byte reports (the tail, if any, as one short report).
    etabli::hw::WedgeDecoder reports;
    for (std::size_t at = 0; at < size; at += 8) check(reports.feed(all.subspan(at, std::min<std::size_t>(8, size - at))));

    // 2. Odd sizes: the first byte of each chunk says how long the report after it is, so the
    // fuzzer can mix good 8-byte reports with short and long ones.
    etabli::hw::WedgeDecoder chunks;
    std::size_t at = 0;
    while (at < size) {
        const std::size_t want = data[at++] % 12;
        const std::size_t len = std::min(want, size - at);
        check(chunks.feed(all.subspan(at, len)));
        at += len;
        if (len > 0 && data[at - 1] == 0xEE) chunks.reset();  // now and then, as the driver does on idle
    }
    return 0;
}
