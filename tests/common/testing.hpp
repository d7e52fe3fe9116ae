// Test helpers shared by the suites: a settable clock, a fixed-offset calendar, temporary
// folders that clean up after themselves. Test-only: never linked into the station.
#pragma once

#include <etabli/app/ports.hpp>

#include <atomic>
#include <filesystem>
#include <string>

namespace etabli::testing {

// A clock the test moves by hand. now() is safe from any thread.
class FakeClock final : public app::Clock {
public:
    explicit FakeClock(core::Timestamp t) : m_now(t.time_since_epoch().count()) {}
    core::Timestamp now() const override { return core::Timestamp{std::chrono::seconds{m_now.load()}}; }
    void set(core::Timestamp t) { m_now = t.time_since_epoch().count(); }
    void advance(std::chrono::seconds s) { m_now += s.count(); }

private:
    std::atomic<long long> m_now;
};

// A zone at a fixed offset from UTC (no DST).
class FixedZone final : public alloc::Zone {
public:
    explicit FixedZone(std::chrono::minutes offset) : m_offset(offset) {}
    std::chrono::seconds offset(core::Timestamp) const override { return m_offset; }
    alloc::LocalResolution resolve(std::chrono::local_seconds local) const override {
        const core::Timestamp t{local.time_since_epoch() - m_offset};
        return alloc::LocalResolution{alloc::LocalResolution::Kind::unique, t, t};
    }

private:
    std::chrono::minutes m_offset;
};

// Local time = UTC + a fixed offset (no DST): enough for rules that only need a day.
class FixedCalendar final : public app::Calendar {
public:
    explicit FixedCalendar(std::chrono::minutes offset = std::chrono::minutes{60}) : m_offset(offset), m_zone(offset) {}
    core::Date local_day(core::Timestamp t) const override;
    core::Timestamp day_start(core::Date d) const override;
    std::string local_hhmm(core::Timestamp t) const override;
    const alloc::Zone& zone() const override { return m_zone; }

private:
    std::chrono::minutes m_offset;
    FixedZone m_zone;
};

// A fresh folder under the system temp dir, removed with its contents at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

// "2026-11-28 14:00" read as UTC (tests only).
core::Timestamp utc(const std::string& text);

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& bytes);

}  // namespace etabli::testing
