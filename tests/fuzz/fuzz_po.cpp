// Fuzz target: the .po reader must never crash, and a parsed catalogue must answer lookups.
#include <etabli/core/i18n.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto cat = etabli::core::parse_po(text)) {
        (void)cat->lookup("Tap your badge");
        (void)cat->lookup(text.substr(0, 16));
    }
    return 0;
}
