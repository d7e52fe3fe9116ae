// Benchmark of the audit trail: the chain's verification rate for a year of a busy
// workshop's host and admin actions (110,000 rows: 300 a day), through db::verify_audit (what
// `etabli audit verify` and `etabli check` run), against a baseline in the same run: the same
// rows read by one SELECT and each hashed once with HMAC-SHA-256 (the least any verification
// must do). Layer: benchmark (label bench). Prints figures; exit 1 below a floor.
#include <etabli/db/audit.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include "bench_common.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <cstdio>

using namespace etabli;
using namespace std::chrono;

namespace {

constexpr int kRows = 110'000;

template <class T>
T must(std::expected<T, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_audit: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
    return std::move(*r);
}
void must(std::expected<void, core::Problem> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "bench_audit: %s: %s\n", what, r.error().english().c_str());
        std::exit(2);
    }
}

// The baseline: every row read once and hashed once.
double baseline_seconds(const std::filesystem::path& db, const std::string& key, std::int64_t& rows) {
    sqlite3* c = nullptr;
    sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(c, "SELECT id, at, actor_id, principal, origin, action, outcome, detail, prev_hash, hash FROM audit ORDER BY id", -1, &st,
                       nullptr);
    const auto t0 = bench::Clock::now();
    rows = 0;
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    while (sqlite3_step(st) == SQLITE_ROW) {
        crypto_auth_hmacsha256_state s;
        crypto_auth_hmacsha256_init(&s, reinterpret_cast<const unsigned char*>(key.data()), key.size());
        for (int i = 0; i < 9; ++i)
            crypto_auth_hmacsha256_update(&s, sqlite3_column_text(st, i) ? sqlite3_column_text(st, i) : reinterpret_cast<const unsigned char*>(""),
                                          static_cast<unsigned long long>(sqlite3_column_bytes(st, i)));
        crypto_auth_hmacsha256_final(&s, mac.data());
        ++rows;
    }
    const double s = bench::seconds_since(t0);
    sqlite3_finalize(st);
    sqlite3_close(c);
    return s;
}

}  // namespace

int main() {
    if (sodium_init() < 0) return 2;
    bench::TempFolder dir;
    const auto path = dir.path / "etabli.db";
    {
        auto store = must(db::SqlStore::open(path), "open");
        const auto key = must(db::installation_pepper(path), "pepper");
        auto& c = store->connection();
        const char* actions[] = {"member.add", "badge.add", "machine.status", "tool.add", "booking.cancel", "presence.correct"};
        for (int i = 0; i < kRows;) {
            auto tx = must(db::Transaction::begin(c), "begin");
            for (int j = 0; j < 1000 && i < kRows; ++j, ++i) {
                app::AuditEntry e;
                e.at = core::Timestamp{seconds{1'735'689'600 + static_cast<long long>(i) * 287}};
                e.actor = 1 + i % 12;
                e.principal = i % 10 == 0 ? "admin" : "host";
                e.origin = i % 3 == 0 ? "local" : "kiosk";
                e.action = actions[i % 6];
                e.outcome = i % 40 == 0 ? "refused" : "done";
                e.detail = "member=" + std::to_string(100 + i % 900) + " machine=" + std::to_string(i % 7);
                must(db::append_audit(c, e, key), "append");
            }
            must(tx.commit(), "commit");
        }
    }
    const auto key = must(db::installation_pepper(path, false), "pepper");
    std::printf("bench_audit: a year of a busy workshop's audit trail (%d rows, 300 actions a day)\n", kRows);
    // Three runs each, alternating, the best of each: the same cache for both.
    double verify_s = 1e9, base_s = 1e9;
    std::int64_t verified = 0, read = 0;
    bool held = true;
    for (int run = 0; run < 3; ++run) {
        const auto t0 = bench::Clock::now();
        auto v = must(db::verify_audit(path), "verify");
        verify_s = std::min(verify_s, bench::seconds_since(t0));
        verified = v.rows;
        held = held && !v.first_broken;
        base_s = std::min(base_s, baseline_seconds(path, key, read));
    }
    const double rate = static_cast<double>(verified) / verify_s;
    std::printf("  verify_audit: %.3f s (%.0f rows/s); baseline (one SELECT, one HMAC a row): %.3f s (%.0f rows/s)\n", verify_s, rate, base_s,
                static_cast<double>(read) / base_s);
    bench::Verdict verdict;
    verdict.require(held, "the chain did not hold");
    verdict.require(verified == kRows && read == kRows, "not every row was read");
    verdict.at_least("audit chain verification rate", rate / 1000.0, 100.0, "k/s");
    verdict.at_least("verification vs bare read and hash", base_s / verify_s, 0.5, "x");
    return verdict.finish("bench_audit");
}
