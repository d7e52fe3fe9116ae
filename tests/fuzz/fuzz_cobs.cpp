// Fuzz target of the COBS codec (firmware-bridge/protocol): the station decodes every frame a
// controller sends, so decode must survive any bytes, and what it accepts must round-trip.
// Layer: tests (fuzz). Single-threaded; replayed by replay_main.cpp or run under libFuzzer.
#include <etb_cobs.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// abort() rather than assert(): the check must hold in release builds too, and libFuzzer
// reports an abort as a crash with the input that caused it.
void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // 1. Decode the bytes as one frame (any output capacity at least the bound must do).
    std::vector<std::uint8_t> decoded(size + 1);
    const std::ptrdiff_t n = etb_cobs_decode(data, size, decoded.data(), decoded.size());
    require(n == ETB_COBS_ERR_ZERO || n == ETB_COBS_ERR_TRUNCATED || n >= 0);
    if (n >= 0) {
        const auto len = static_cast<std::size_t>(n);
        require(len < size);
        // A capacity of exactly the decoded length suffices; one less overflows.
        std::vector<std::uint8_t> exact(len);
        require(etb_cobs_decode(data, size, exact.data(), len) == n);
        if (len > 0) {
            require(std::memcmp(exact.data(), decoded.data(), len) == 0);
            require(etb_cobs_decode(data, size, exact.data(), len - 1) == ETB_COBS_ERR_OVERFLOW);
        }

        std::vector<std::uint8_t> re(ETB_COBS_MAX_ENCODED(len));
        const std::ptrdiff_t m = etb_cobs_encode(decoded.data(), len, re.data(), re.size());
        require(m > 0 && static_cast<std::size_t>(m) <= size);  // canonical is never longer
        std::vector<std::uint8_t> back(static_cast<std::size_t>(m));
        require(etb_cobs_decode(re.data(), static_cast<std::size_t>(m), back.data(), back.size()) == n);
        require(len == 0 || std::memcmp(back.data(), decoded.data(), len) == 0);
    }

    // 2. Encode the bytes as a payload: no zero in the result, and it decodes back.
    std::vector<std::uint8_t> encoded(ETB_COBS_MAX_ENCODED(size));
    const std::ptrdiff_t e = etb_cobs_encode(data, size, encoded.data(), encoded.size());
    require(e >= 1 && static_cast<std::size_t>(e) <= encoded.size());
    const auto elen = static_cast<std::size_t>(e);
    for (std::size_t i = 0; i < elen; ++i) require(encoded[i] != 0);
    if (elen > 1) require(etb_cobs_encode(data, size, encoded.data(), elen - 1) == ETB_COBS_ERR_OVERFLOW);
    std::vector<std::uint8_t> out(size);
    require(etb_cobs_decode(encoded.data(), elen, out.data(), out.size()) == static_cast<std::ptrdiff_t>(size));
    require(size == 0 || std::memcmp(out.data(), data, size) == 0);
    return 0;
}
