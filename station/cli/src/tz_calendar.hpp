// The workshop's clock and calendar: the system clock, and local days in the configured
// IANA time zone (default Europe/Paris), DST-safe through howardhinnant-date.
// Layer: cli (composition). now() from any thread; the calendar from the station thread.
#pragma once

#include <etabli/app/ports.hpp>

#include <expected>
#include <memory>
#include <string>

namespace date { class time_zone; }

namespace etabli::cli {

class SystemClock final : public app::Clock {
public:
    core::Timestamp now() const override;
};

class TzCalendar final : public app::Calendar {
public:
    // Fails with a Problem when the zone is unknown or the time-zone database is missing.
    static std::expected<std::unique_ptr<TzCalendar>, core::Problem> make(const std::string& zone);
    core::Date local_day(core::Timestamp t) const override;
    core::Timestamp day_start(core::Date d) const override;
    std::string local_hhmm(core::Timestamp t) const override;

private:
    explicit TzCalendar(const date::time_zone* z) : m_zone(z) {}
    const date::time_zone* m_zone;
};

}  // namespace etabli::cli
