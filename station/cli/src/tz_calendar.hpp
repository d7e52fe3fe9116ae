// The workshop's clock and calendar: the system clock, and local days in the configured
// IANA time zone (default Europe/Paris), DST-safe through howardhinnant-date.
// Layer: cli (composition). now() from any thread; the calendar from the station thread.
#pragma once

#include <etabli/app/ports.hpp>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <string>

namespace date { class time_zone; }

namespace etabli::cli {

class SystemClock final : public app::Clock {
public:
    SystemClock() = default;
    ~SystemClock();
    SystemClock(const SystemClock&) = delete;
    SystemClock& operator=(const SystemClock&) = delete;
    core::Timestamp now() const override;
    // For the soak test only: the time is read from `file`, 8 bytes holding UTC seconds
    // (host order) that the test rewrites; $ETABLI_TEST_CLOCK names it. Mapped, so a read
    // costs a memory load. False when the file cannot be mapped (the system clock stays).
    bool use_test_file(const std::filesystem::path& file);

private:
    const std::int64_t* m_test = nullptr;  // mapped; null: the system clock
};

// An IANA zone as the allocation engine sees it (offsets, and local times that do not exist
// or exist twice around the DST changes).
class TzZone final : public alloc::Zone {
public:
    explicit TzZone(const date::time_zone* z) : m_zone(z) {}
    std::chrono::seconds offset(core::Timestamp t) const override;
    alloc::LocalResolution resolve(std::chrono::local_seconds local) const override;

private:
    const date::time_zone* m_zone;
};

class TzCalendar final : public app::Calendar {
public:
    // Fails with a Problem when the zone is unknown or the time-zone database is missing.
    static std::expected<std::unique_ptr<TzCalendar>, core::Problem> make(const std::string& zone);
    core::Date local_day(core::Timestamp t) const override;
    core::Timestamp day_start(core::Date d) const override;
    std::string local_hhmm(core::Timestamp t) const override;
    const alloc::Zone& zone() const override { return m_alloc_zone; }

private:
    explicit TzCalendar(const date::time_zone* z) : m_zone(z), m_alloc_zone(z) {}
    const date::time_zone* m_zone;
    TzZone m_alloc_zone;
};

}  // namespace etabli::cli
