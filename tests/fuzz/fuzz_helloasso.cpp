// Fuzz target: a HelloAsso membership export (bytes in any encoding). Either every bad line is
// named with a reason, or every payment read has a reference, a real day, an amount of more
// than 0 and a name or an e-mail, and no two payments share a reference.
#include <etabli/core/money.hpp>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto r = parse_helloasso_csv(bytes);
    if (!r) {
        if (r.error().empty()) std::abort();
        for (const auto& e : r.error())
            if (e.problem.msgid.empty()) std::abort();
        return 0;
    }
    std::set<std::string> refs;
    for (const auto& p : *r) {
        if (p.reference.empty() || !p.day.ok() || p.amount_cents <= 0) std::abort();
        if (p.email.empty() && p.last_name.empty()) std::abort();
        if (!refs.insert(p.reference).second) std::abort();
    }
    return 0;
}
