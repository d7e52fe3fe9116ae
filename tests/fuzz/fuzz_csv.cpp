// Fuzz target of the member import parser (core/member_import): any bytes, with and without
// --map, must give either errors or rows that all pass validate_draft, with line numbers that
// grow, never a crash. Replayed over tests/fuzz/corpus/csv by replay_main.cpp; single-threaded.
#include <etabli/core/member_import.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace etabli::core;

void require(bool ok, const char* why) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_csv: %s\n", why);
        std::abort();
    }
}

void check(std::string_view bytes, const ImportOptions& opts) {
    const auto r = parse_member_csv(bytes, opts);
    if (!r) {
        require(!r.error().empty(), "a failure must carry at least one error");
        for (const auto& e : r.error()) require(!e.problem.msgid.empty(), "every error has a message");
        return;
    }
    std::size_t last_line = 0;
    for (const auto& row : r->rows) {
        require(row.line > last_line, "rows come in file order, one line each at least");
        last_line = row.line;
        const auto valid = validate_draft(row.draft);
        require(valid.has_value(), "an imported row must pass validate_draft");
        require(valid->display_name == row.draft.display_name, "names are already normalised");
        require(!import_identity(row.draft).empty(), "every row has an identity");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check(bytes, {});

    ImportOptions mapped;
    mapped.map = {{ImportField::name, "Nom"}, {ImportField::email, "mail"}};
    mapped.default_role = Role::volunteer;
    mapped.default_lang = Lang::en;
    mapped.progress = [size](std::size_t done, std::size_t total) {
        require(done <= total && total == size, "progress stays within the file");
    };
    check(bytes, mapped);
    return 0;
}
