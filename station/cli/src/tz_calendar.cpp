// System clock and time-zone calendar (see tz_calendar.hpp). Layer: cli.
#include "tz_calendar.hpp"

#include <date/tz.h>

#include <cstdio>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace etabli::cli {

using namespace std::chrono;

core::Timestamp SystemClock::now() const {
    if (m_test) return core::Timestamp{seconds{__atomic_load_n(m_test, __ATOMIC_ACQUIRE)}};
    return floor<seconds>(system_clock::now());
}

SystemClock::~SystemClock() {
    if (m_test) ::munmap(const_cast<std::int64_t*>(m_test), sizeof(std::int64_t));
}

bool SystemClock::use_test_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(std::int64_t))) {  // shorter: SIGBUS on read
        ::close(fd);
        return false;
    }
    void* p = ::mmap(nullptr, sizeof(std::int64_t), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return false;
    m_test = static_cast<const std::int64_t*>(p);
    return true;
}

std::expected<std::unique_ptr<TzCalendar>, core::Problem> TzCalendar::make(const std::string& zone) {
    try {
        return std::unique_ptr<TzCalendar>(new TzCalendar(date::locate_zone(zone)));
    } catch (const std::exception& e) {
        return std::unexpected(core::problem(
            "Unknown time zone \"{0}\" (is the tzdata package installed? Set ETABLI_TZ, e.g. Europe/Paris)", {zone}));
    }
}

std::chrono::seconds TzZone::offset(core::Timestamp t) const { return m_zone->get_info(t).offset; }

alloc::LocalResolution TzZone::resolve(std::chrono::local_seconds local) const {
    // howardhinnant-date has its own local_seconds type: same clock epoch, so convert counts.
    const date::local_seconds l{local.time_since_epoch()};
    const auto info = m_zone->get_info(l);
    alloc::LocalResolution r;
    switch (info.result) {
        case date::local_info::unique:
            r.kind = alloc::LocalResolution::Kind::unique;
            r.first = r.second = core::Timestamp{local.time_since_epoch() - info.first.offset};
            break;
        case date::local_info::nonexistent:
            r.kind = alloc::LocalResolution::Kind::nonexistent;
            r.first = r.second = floor<seconds>(info.first.end);
            break;
        case date::local_info::ambiguous:
            r.kind = alloc::LocalResolution::Kind::ambiguous;
            r.first = core::Timestamp{local.time_since_epoch() - info.first.offset};
            r.second = core::Timestamp{local.time_since_epoch() - info.second.offset};
            break;
    }
    return r;
}

core::Date TzCalendar::local_day(core::Timestamp t) const {
    const auto local = m_zone->to_local(t);
    return core::Date{sys_days{floor<days>(local).time_since_epoch()}};
}

core::Timestamp TzCalendar::day_start(core::Date d) const {
    const date::local_seconds midnight{sys_days{d}.time_since_epoch()};
    // Midnight may not exist on a DST day in some zones: take the first instant after the gap.
    return floor<seconds>(m_zone->to_sys(midnight, date::choose::earliest));
}

std::string TzCalendar::local_hhmm(core::Timestamp t) const {
    const auto local = m_zone->to_local(t);
    const auto since = local - floor<days>(local);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(duration_cast<hours>(since).count()),
                  static_cast<int>(duration_cast<minutes>(since).count() % 60));
    return buf;
}

}  // namespace etabli::cli
