// Benchmark of the member import: 10,000 CSV rows parsed and imported into a fresh database,
// against a baseline measured in the same process (a plain prepared INSERT of the same rows,
// one transaction, same pragmas), then the re-import of the same file (all unchanged).
// Layer: tests/bench (plain main, no doctest). Single-threaded.
// Exit status 1 when a figure is wrong, or the import takes twice its 2 s target (bench_common.hpp).

#include "bench_common.hpp"

#include <etabli/core/member_import.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/sql_store.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace etabli;
namespace fs = std::filesystem;
using namespace etabli::bench;

namespace {

constexpr std::size_t kRows = 10'000;
constexpr double kLimitSeconds = 2.0;

// A French membership export: semicolons, accented names, unique e-mails.
std::string make_csv() {
    static const char* const kFirst[] = {"Léa", "Zoé", "Hélène", "Jérôme", "François", "Maëlle", "Chloé", "Noël"};
    static const char* const kLast[] = {"Müller", "Lefèvre", "Dubœuf", "Garçon", "Ñúñez", "Bénard", "Rousseau"};
    std::string csv = "Nom;Prénom;Courriel;Fin d'adhésion\n";
    csv.reserve(kRows * 64);
    for (std::size_t i = 0; i < kRows; ++i) {
        std::string n = std::to_string(i);
        csv += kLast[i % 7];
        csv += '-';
        csv += n;
        csv += ';';
        csv += kFirst[i % 8];
        csv += ';';
        csv += "membre." + n + "@atelier-velo.example";
        csv += ';';
        csv += (i % 3 == 0) ? "31/12/2026" : (i % 3 == 1 ? "2027-06-30" : "15/09/2027");
        csv += '\n';
    }
    return csv;
}

int fail(const std::string& what) {
    std::fprintf(stderr, "bench_import: %s\n", what.c_str());
    return 1;
}

// The floor: the same rows, the same pragmas, one prepared INSERT in one transaction, no
// lookups and no event log.
std::expected<double, std::string> baseline(const fs::path& file, const core::ImportTable& table) {
    auto start = Clock::now();
    auto c = db::Connection::open_raw(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!c) return std::unexpected(c.error().english());
    if (auto r = db::apply_pragmas(*c); !r) return std::unexpected(r.error().english());
    if (auto r = c->exec("CREATE TABLE m (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, until TEXT);"
                         "BEGIN IMMEDIATE;");
        !r) {
        return std::unexpected(r.error().english());
    }
    auto st = c->prepare("INSERT INTO m (name, email, until) VALUES (?1, ?2, ?3)");
    if (!st) return std::unexpected(st.error().english());
    for (const auto& row : table.rows) {
        st->reset();
        st->bind(1, row.draft.display_name).bind(2, row.draft.email);
        if (row.draft.valid_until) {
            st->bind(3, core::format_date(*row.draft.valid_until));
        } else {
            st->bind_null(3);
        }
        if (auto r = st->run(); !r) return std::unexpected(r.error().english());
    }
    if (auto r = c->exec("COMMIT"); !r) return std::unexpected(r.error().english());
    return seconds_since(start);
}

}  // namespace

int main() {
    const std::string csv = make_csv();
    TempFolder tmp;
    const auto at = core::Timestamp{std::chrono::seconds{1'796'000'000}};

    // (1) parse + import into a fresh database (opening and migrating it included).
    auto start = Clock::now();
    auto table = core::parse_member_csv(csv, core::ImportOptions{});
    if (!table) {
        const auto& e = table.error().front();
        return fail("the generated CSV does not parse: line " + std::to_string(e.line) + ": " + e.problem.english());
    }
    if (table->rows.size() != kRows) return fail("parsed " + std::to_string(table->rows.size()) + " rows");
    double parse_s = seconds_since(start);
    auto store = db::SqlStore::open(tmp.path / "etabli.db");
    if (!store) return fail(store.error().english());
    auto first = (*store)->import_members(table->rows, at);
    double import_s = seconds_since(start);
    if (!first) return fail(first.error().english());
    if (first->added != kRows) return fail("first import added " + std::to_string(first->added));

    // (2) the baseline.
    auto base = baseline(tmp.path / "baseline.db", *table);
    if (!base) return fail("baseline: " + base.error());

    // (3) the same file again: everything unchanged, nothing written.
    start = Clock::now();
    auto again_table = core::parse_member_csv(csv, core::ImportOptions{});
    if (!again_table) return fail("second parse failed");
    auto again = (*store)->import_members(again_table->rows, at + std::chrono::hours{24});
    double reimport_s = seconds_since(start);
    if (!again) return fail(again.error().english());
    if (again->unchanged != kRows || again->added != 0 || again->updated != 0) {
        return fail("re-import: " + std::to_string(again->added) + " added, " + std::to_string(again->updated) +
                    " updated, " + std::to_string(again->unchanged) + " unchanged");
    }

    std::printf("import %zu members: %.3f s (parse %.3f s; baseline plain insert %.3f s, ratio %.1fx); "
                "re-import: %.3f s, %zu unchanged\n",
                kRows, import_s, parse_s, *base, *base > 0 ? import_s / *base : 0.0, reimport_s, again->unchanged);
    Verdict verdict;
    verdict.at_most("import of 10,000 members", import_s, kLimitSeconds, "s");
    return verdict.finish("bench_import");
}
