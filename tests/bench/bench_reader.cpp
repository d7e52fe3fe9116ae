// Benchmark of the badge-reader path: (1) a real tap, from the report that ends a read (Enter)
// to the Station having checked the member in or out, committed it to the SQLite file and
// published its snapshot, p50 and p99, against the best a program can do on the same disk in
// the same run (one row written and committed, same pragmas); (1b) the same path while a host
// enrols a badge (the Station takes the tap in memory: no disk), reported; (2) decoder
// throughput, as a ratio to a baseline loop over the same reports in the same run (machines
// are shared).
// Layer: tests (bench). The bench thread plays the USB event thread; the Station runs its own.
#include "bench_common.hpp"
#include "testing.hpp"

#include <etabli/db/sql_store.hpp>
#include <etabli/hw/hid_decoder.hpp>
#include <etabli/hw/readers.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <vector>

using namespace etabli;
using namespace std::chrono;

namespace {

using Report = std::array<std::uint8_t, 8>;

std::uint8_t usage(char c) { return c == '0' ? 0x27 : static_cast<std::uint8_t>(0x1E + (c - '1')); }

// The reports a reader sends for `digits` + Enter (each key followed by a release).
std::vector<Report> reports_for(const std::string& digits) {
    std::vector<Report> v;
    for (char c : digits) {
        v.push_back(Report{0, 0, usage(c), 0, 0, 0, 0, 0});
        v.push_back(Report{});
    }
    v.push_back(Report{0, 0, 0x28, 0, 0, 0, 0, 0});
    v.push_back(Report{});
    return v;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 1e9;  // the Station did not start: fails every target
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// A kiosk reader and a Station on a new SQLite file, after `setup(station)`. `run(n, uid)` taps
// the next n badges (`uid(i)` for the i-th since the start), a second apart on the Station's
// clock (unless `clock_moves` is false), and appends the latencies (µs) from each Enter report
// to the Station's publication of the snapshot that handled it. `ok` is false when the Station
// did not start.
class TapRig {
public:
    template <class Setup>
    TapRig(Setup setup, bool clock_moves) : clock_moves_(clock_moves) {
        store_ = db::SqlStore::open(dir_ / "etabli.db");
        if (!store_) return;
        station_.emplace(**store_, clock_, calendar_);
        if (!station_->start() || !setup(*station_)) return;
        station_->set_wake([this] {
            std::lock_guard lk(m_);
            ++published_;
            woke_ = bench::Clock::now();
            cv_.notify_all();
        });
        core::ReaderConfig cfg;
        cfg.role.kind = core::ReaderRole::Kind::kiosk;
        reader_.emplace(cfg, [this](app::Command c) { station_->post_async(std::move(c), 0); });
        ok_ = true;
    }
    ~TapRig() {
        reader_.reset();
        station_.reset();
    }
    TapRig(const TapRig&) = delete;
    TapRig& operator=(const TapRig&) = delete;

    bool ok() const { return ok_; }
    const app::Station& station() const { return *station_; }

    template <class Uid>
    void run(int n, Uid uid, std::vector<double>& us) {
        if (!ok_) return;
        for (int k = 0; k < n; ++k, ++next_) {
            if (clock_moves_) clock_.advance(seconds(1));
            const auto reps = reports_for(uid(next_));
            for (std::size_t j = 0; j + 2 < reps.size(); ++j) reader_->on_report(reps[j], t_ += microseconds(500));
            std::uint64_t before;
            {
                std::lock_guard lk(m_);
                before = published_;
            }
            const auto t0 = bench::Clock::now();
            reader_->on_report(reps[reps.size() - 2], t_ += microseconds(500));
            std::unique_lock lk(m_);
            cv_.wait(lk, [&] { return published_ > before; });
            us.push_back(duration<double, std::micro>(woke_ - t0).count());
            lk.unlock();
            reader_->on_report(reps.back(), t_ += microseconds(500));
            t_ += seconds(5);  // past the reader's repeat guard: the same badge may come back
        }
    }

private:
    testing::TempDir dir_;
    testing::FakeClock clock_{testing::utc("2026-11-28T13:00:00Z")};
    testing::FixedCalendar calendar_;
    decltype(db::SqlStore::open(std::filesystem::path{})) store_;
    std::optional<app::Station> station_;
    std::optional<hw::BadgeReader> reader_;
    std::mutex m_;
    std::condition_variable cv_;
    std::uint64_t published_ = 0;
    bench::Clock::time_point woke_{};
    hw::ReadTime t_{};
    int next_ = 0;
    bool clock_moves_ = true;
    bool ok_ = false;
};

// The baseline of a tap on disk: transactions on a new SQLite file with the station's pragmas
// (WAL, synchronous FULL), each one row inserted (a check-in) or, for a member already in,
// updated (a check-out), through prepared statements. `run(n, us)` appends the latency of the
// next n, in µs; `ok` is false when the file cannot be written.
class CommitRig {
public:
    explicit CommitRig(int members) : open_(static_cast<std::size_t>(members), 0), members_(members) {
        if (sqlite3_open((dir_ / "baseline.db").c_str(), &db_) != SQLITE_OK) return;
        auto exec = [&](const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; };
        ok_ = exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                   "CREATE TABLE presence (id INTEGER PRIMARY KEY, member INTEGER NOT NULL, in_at INTEGER NOT NULL, out_at INTEGER);") &&
              sqlite3_prepare_v2(db_, "INSERT INTO presence (member, in_at) VALUES (?, ?)", -1, &ins_, nullptr) == SQLITE_OK &&
              sqlite3_prepare_v2(db_, "UPDATE presence SET out_at = ? WHERE id = ?", -1, &upd_, nullptr) == SQLITE_OK;
    }
    ~CommitRig() {
        sqlite3_finalize(ins_);
        sqlite3_finalize(upd_);
        sqlite3_close(db_);
    }
    CommitRig(const CommitRig&) = delete;
    CommitRig& operator=(const CommitRig&) = delete;

    bool ok() const { return ok_; }

    void run(int n, std::vector<double>& us) {
        for (int k = 0; k < n && ok_; ++k, ++next_) {
            auto& row = open_[static_cast<std::size_t>(next_ % members_)];
            const auto t0 = bench::Clock::now();
            sqlite3_stmt* st = row ? upd_ : ins_;
            if (row) {
                sqlite3_bind_int64(st, 1, next_);
                sqlite3_bind_int64(st, 2, row);
            } else {
                sqlite3_bind_int64(st, 1, next_ % members_);
                sqlite3_bind_int64(st, 2, next_);
            }
            ok_ = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_reset(st);
            us.push_back(duration<double, std::micro>(bench::Clock::now() - t0).count());
            row = row ? 0 : sqlite3_last_insert_rowid(db_);
        }
    }

private:
    testing::TempDir dir_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* ins_ = nullptr;
    sqlite3_stmt* upd_ = nullptr;
    std::vector<sqlite3_int64> open_;
    int members_;
    int next_ = 0;
    bool ok_ = false;
};

}  // namespace

int main() {
    bench::Verdict verdict;
    constexpr int kTaps = 3000;

    // [1] A real tap: 500 members with badges, each tapping in and out three times (3,000
    // taps): the Enter report -> the Station decided, wrote the presence (and its event) in one
    // transaction on the file (WAL, synchronous FULL: one fdatasync), and published. The
    // baseline is the least any program must do for it on the same disk: one row inserted (a
    // check-in) or updated (a check-out) and committed, prepared statements, same pragmas.
    // Taps and baseline commits alternate, one of each in turn, so both meet the same spells of
    // the shared disk: run one after the other, one spell of fsync stalls from another program
    // moved the ratio from 2x to 5x between runs of one build (CI); alternated, it held between
    // 1.1x and 2.6x with a writer and a busy core beside it. A real regression slows every tap.
    // Target: the tap's p99 within 2x the baseline's p99 (floor 4x).
    constexpr int kMembers = 500;
    auto member_uid = [](int i) { return std::to_string(1000000 + i % kMembers); };
    {
        TapRig taps(
            [](app::Station& station) {
                for (int i = 0; i < kMembers; ++i) {
                    core::MemberDraft d;
                    d.display_name = "Membre " + std::to_string(i);
                    if (!station.call(app::AddMember{d, std::nullopt, std::to_string(1000000 + i)})) return false;
                }
                return true;
            },
            true);
        CommitRig base(kMembers);
        std::vector<double> lat, commits;
        for (int i = 0; i < kTaps; ++i) {
            taps.run(1, member_uid, lat);
            base.run(1, commits);
        }
        // The last tap is the last member's third check-out.
        const auto snap = taps.ok() ? taps.station().snapshot() : nullptr;
        const bool seen = snap && snap->last_tap && snap->last_tap->uid == member_uid(kTaps - 1) &&
                          snap->last_tap->decision.kind == core::TapKind::check_out;
        std::printf("a tap: report -> checked in or out on disk -> snapshot: p50 %.1f us, p99 %.1f us over %d taps%s\n",
                    percentile(lat, 0.50), percentile(lat, 0.99), kTaps, seen ? "" : "  LAST TAP NOT SEEN");
        std::printf("baseline: one row inserted or updated and committed, same disk and pragmas: p50 %.1f us, p99 %.1f us\n",
                    percentile(commits, 0.50), percentile(commits, 0.99));
        verdict.require(seen, "the last member's check-out never reached the snapshot");
        verdict.require(base.ok(), "the baseline's SQLite file could not be written");
        verdict.at_most("a tap on disk, p99 vs one committed row's p99",
                        base.ok() ? percentile(lat, 0.99) / percentile(commits, 0.99) : -1.0, 2.0, "x");
    }

    // [1b] The same path while a host enrols a badge at the kiosk: the Station takes each tap
    // in memory, so what is timed is the decoder, the inbox, the Station thread's wake-up and
    // the snapshot, not the disk. Reported (it was this benchmark's gate before it timed the
    // tap members make).
    {
        TapRig taps(
            [](app::Station& station) {
                core::MemberDraft d;
                d.display_name = "Camille";
                d.role = core::Role::host;
                auto host = station.call(app::AddMember{d, std::nullopt, std::nullopt});
                if (!host) return false;
                return station.call(app::StartEnrolment{std::get<core::Member>(*host).id}).has_value();
            },
            false);  // an enrolment waits a minute: the Station's clock stays put
        auto uid = [](int i) { return std::to_string(2000000 + i); };
        std::vector<double> lat;
        taps.run(kTaps, uid, lat);
        const auto snap = taps.ok() ? taps.station().snapshot() : nullptr;
        const bool seen = snap && snap->enrolment && snap->enrolment->uid == uid(kTaps - 1);
        std::printf("report -> station latency, in memory (an enrolment waits): p50 %.1f us, p99 %.1f us (reported)%s\n",
                    percentile(lat, 0.50), percentile(lat, 0.99), seen ? "" : "  LAST TAP NOT SEEN");
        verdict.require(seen, "the last enrolment tap never reached the snapshot");
    }

    // [2] Decoder throughput against a loop that reads the same reports.
    {
        std::vector<Report> stream;
        for (int i = 0; i < 2000; ++i) {
            auto r = reports_for(std::to_string(1000000000 + i * 7919));
            stream.insert(stream.end(), r.begin(), r.end());
        }
        constexpr int kRounds = 50;
        const auto b0 = bench::Clock::now();
        std::uint64_t sink = 0;
        for (int round = 0; round < kRounds; ++round)
            for (const auto& r : stream) {
                // Baseline: touch every byte and keep a result, as the decoder must.
                std::uint64_t h = 0;
                for (auto b : r) h = h * 31 + b;
                sink += h;
            }
        const double base = bench::seconds_since(b0);

        hw::HidDecoder dec;
        std::vector<hw::LineEvent> out;
        std::size_t lines = 0;
        hw::ReadTime t{};
        const auto d0 = bench::Clock::now();
        for (int round = 0; round < kRounds; ++round) {
            for (const auto& r : stream) {
                out.clear();
                dec.feed_report(r, t += microseconds(500), out);
                lines += out.size();
            }
            t += seconds(3);  // the next round's cards are new taps again
        }
        const double decode = bench::seconds_since(d0);
        const double reports = static_cast<double>(stream.size()) * kRounds;
        std::printf("decoder: %.1f M reports/s, %zu lines; %.1fx the baseline loop's time (%.1f M reports/s)  [%llu]\n",
                    reports / decode / 1e6, lines, decode / base, reports / base / 1e6,
                    static_cast<unsigned long long>(sink % 10));
        verdict.require(lines == 2000u * kRounds, "the decoder lost or invented badge lines");
    }
    return verdict.finish("bench_reader");
}
