// Fuzz target: badge text and member fields from outside. A normalised UID is 1–32 of
// [0-9A-Z:-]; a normalised name is valid UTF-8 of 1–80 code points.
#include <etabli/core/member.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto uid = normalize_uid(text)) {
        if (uid->empty() || uid->size() > 32) std::abort();
        for (char c : *uid)
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == ':' || c == '-')) std::abort();
        if (normalize_uid(*uid).value_or("") != *uid) std::abort();  // idempotent
    }
    if (auto name = normalize_name(text)) {
        auto len = utf8_length(*name);
        if (!len || *len == 0 || *len > 80) std::abort();
    }
    (void)normalize_email(text);
    return 0;
}
