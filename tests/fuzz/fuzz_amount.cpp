// Fuzz target: a sum of money as a person types it ("12,50 €"). An accepted amount is at
// least 0 and at most 1,000,000 €, and reads back the same from its own French and English
// forms; a refusal always says why.
#include <etabli/core/bikes.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto cents = parse_amount(text);
    if (!cents) {
        if (cents.error().msgid.empty()) std::abort();
        return 0;
    }
    if (*cents < 0 || *cents > 100'000'000) std::abort();
    for (const Lang lang : {Lang::fr, Lang::en}) {
        auto again = parse_amount(format_amount(lang, *cents));
        if (!again || *again != *cents) std::abort();
    }
    return 0;
}
