// Fuzz target: free repair texts going into the open data exports. The stripper must not
// crash on any bytes, must leave an unchanged text byte for byte equal, and never grow a text
// beyond what its replacement tokens can add.
#include <etabli/core/repair.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    // Built once: names like those of a workshop's directory (accents, compound first names).
    static const PiiStripper stripper(std::vector<std::string>{
        "Camille Dupont", "Jean-Pierre Lefèvre", "Zoé Martin", "Al Ng", "Éloïse Brûlé"});
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    bool changed = false;
    const std::string out = stripper.strip(text, changed);
    if (!changed && out != text) std::abort();
    // Every replaced run is at least one byte and becomes at most "[email]" (7 bytes).
    if (out.size() > 7 * (text.size() + 1)) std::abort();
    bool changed2 = false;
    (void)stripper.strip(out, changed2);  // its own output is input too
    return 0;
}
