// Fuzz target of the tool CSV import (core/tools: parse_tool_csv): any bytes give either
// line-numbered errors or tools that all pass validate_tool, with unique non-empty tags
// (never one already stored), lines in file order, never a crash. Replayed over
// tests/fuzz/corpus/tool_csv by replay_main.cpp; single-threaded.
#include <etabli/core/tools.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string_view>

namespace {

void require(bool ok, const char* why) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_tool_csv: %s\n", why);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto r = parse_tool_csv(bytes, {"OLD-1"});
    if (!r) {
        require(!r.error().empty(), "a failure carries at least one error");
        for (const auto& e : r.error()) require(!e.problem.msgid.empty(), "every error has a message");
        return 0;
    }
    require(!r->empty(), "success means at least one tool");
    std::set<std::string> tags;
    std::size_t last = 0;
    for (const auto& row : *r) {
        require(row.line > last, "rows come in file order");
        last = row.line;
        const auto v = validate_tool(row.tool);
        require(v.has_value(), "an imported tool passes validate_tool");
        require(v->name == row.tool.name, "names are already normalised");
        if (!row.tool.tag.empty()) {
            require(normalize_tag(row.tool.tag).value_or("") == row.tool.tag, "tags are already normalised");
            require(row.tool.tag != "OLD-1", "a stored tag is never imported again");
            require(tags.insert(row.tool.tag).second, "tags are unique");
        }
    }
    return 0;
}
