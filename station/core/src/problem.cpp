// Problem rendering without translation. Layer: core (pure).
#include <etabli/core/problem.hpp>

namespace etabli::core {

std::string fill_placeholders(std::string_view pattern, const std::vector<std::string>& args) {
    std::string out;
    out.reserve(pattern.size() + 16);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '0' && pattern[i + 1] <= '9' &&
            pattern[i + 2] == '}') {
            const auto idx = static_cast<std::size_t>(pattern[i + 1] - '0');
            if (idx < args.size()) {
                out += args[idx];
                i += 2;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

std::string Problem::english() const { return fill_placeholders(msgid, args); }

}  // namespace etabli::core
