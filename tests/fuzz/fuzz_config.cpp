// Fuzz target of etabli.toml parsing (core): a configuration file may hold anything, so the
// parser must never crash, and what it accepts must survive writing back.
// Layer: tests (fuzz). Single-threaded; replayed by replay_main.cpp or run under libFuzzer.
#include <etabli/core/config.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto c = etabli::core::parse_config(text);
    if (!c) {
        if (c.error().msgid.empty()) std::abort();
        return 0;
    }
    // Accepted: the file the station would write back must read as the same configuration.
    auto again = etabli::core::parse_config(etabli::core::to_toml(*c));
    if (!again || !(*again == *c)) std::abort();
    return 0;
}
