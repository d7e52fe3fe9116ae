// Fuzz target: a part as typed on the command line or the kiosk ("brake pads:new",
// "wheel:salvaged:donor-12"). An accepted part has a name without ':', a donor only when
// salvaged, and reads back the same from its own formatted text.
#include <etabli/core/repair.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto part = parse_part(text);
    if (!part) {
        if (part.error().msgid.empty()) std::abort();  // a refusal always says why
        return 0;
    }
    if (part->name.empty() || part->name.find(':') != std::string::npos) std::abort();
    if (part->donor && (!part->salvaged || part->donor->empty())) std::abort();
    auto again = parse_part(format_part(*part));
    if (!again || !(*again == *part)) std::abort();  // round trip
    return 0;
}
