// Fuzz target: a photo's bytes, as a USB stick or the photos folder gives them. decode_picture
// either refuses them in words or returns a thumbnail within the limits, its pixels all there.
#include <etabli/gui/pictures.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::gui;
    PictureLimits limits;
    limits.max_side = 2048;          // keeps each run's memory small; the same checks
    limits.max_pixels = 1'000'000;
    limits.thumb_side = 64;
    auto t = decode_picture(std::span<const unsigned char>(data, size), limits);
    if (t) {
        if (t->w <= 0 || t->h <= 0 || t->w > limits.thumb_side || t->h > limits.thumb_side) std::abort();
        if (t->rgba.size() != static_cast<std::size_t>(t->w) * static_cast<std::size_t>(t->h) * 4) std::abort();
    } else if (t.error().msgid.empty()) {
        std::abort();
    }
    return 0;
}
