// Test fixtures of the allocation core: a fake Europe/Paris zone (the EU rule, no database),
// local-time helpers and a small workshop. Layer: tests/alloc (test-only). Single-threaded.
#pragma once

#include <etabli/alloc/engine.hpp>

#include <chrono>
#include <string>

namespace etabli::alloc::testing {

using namespace std::chrono;

// UTC+1 in winter, UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of
// October 01:00 UTC.
class FakeParis final : public Zone {
public:
    static Timestamp spring(year y) {
        return Timestamp{sys_days{year_month_weekday_last{y, March, weekday_last{Sunday}}} + hours{1}};
    }
    static Timestamp autumn(year y) {
        return Timestamp{sys_days{year_month_weekday_last{y, October, weekday_last{Sunday}}} + hours{1}};
    }
    seconds offset(Timestamp t) const override {
        const year y = year_month_day{floor<days>(t)}.year();
        return (t >= spring(y) && t < autumn(y)) ? hours{2} : hours{1};
    }
    LocalResolution resolve(local_seconds l) const override {
        const Timestamp winter{l.time_since_epoch() - hours{1}}, summer{l.time_since_epoch() - hours{2}};
        const bool w = offset(winter) == hours{1}, s = offset(summer) == hours{2};
        if (w && s) return {LocalResolution::Kind::ambiguous, summer, winter};
        if (w) return {LocalResolution::Kind::unique, winter, winter};
        if (s) return {LocalResolution::Kind::unique, summer, summer};
        const Timestamp jump = spring(year_month_day{floor<days>(l)}.year());
        return {LocalResolution::Kind::nonexistent, jump, jump};
    }
};

// "2026-12-01 14:00" as a local time.
inline local_seconds local(const std::string& text) {
    const int y = std::stoi(text.substr(0, 4)), mo = std::stoi(text.substr(5, 2)), d = std::stoi(text.substr(8, 2));
    const int h = std::stoi(text.substr(11, 2)), mi = std::stoi(text.substr(14, 2));
    return local_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} + hours{h} +
           minutes{mi};
}

// A local time that exists once, as an instant (tests only: asserts through .value()).
inline Timestamp at(const Zone& z, const std::string& text) { return local_to_utc(z, local(text)).value(); }

inline MemberInfo member(MemberId id, core::Role role = core::Role::member) { return MemberInfo{id, role, std::nullopt}; }

}  // namespace etabli::alloc::testing
