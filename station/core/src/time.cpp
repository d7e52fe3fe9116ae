// Dates and instants as text. Layer: core (pure).
#include <etabli/core/time.hpp>

#include <cstdio>

namespace etabli::core {

using namespace std::chrono;

namespace {
// Reads exactly n digits at s[pos]; -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}
}  // namespace

namespace {
// Writes v as exactly n digits at out (v fits). Every stored row carries a few instants as
// text: by hand, a commit spends a fraction of what snprintf cost it (measured in the
// durable-bookings benchmark).
void put_digits(char* out, unsigned v, int n) {
    for (int i = n - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}
// "YYYY-MM-DD" into out[0..10) for years 0…9999; false for the others.
bool put_date(char* out, Date d) {
    const int y = static_cast<int>(d.year());
    if (y < 0 || y > 9999) return false;
    put_digits(out, static_cast<unsigned>(y), 4);
    out[4] = '-';
    put_digits(out + 5, static_cast<unsigned>(d.month()), 2);
    out[7] = '-';
    put_digits(out + 8, static_cast<unsigned>(d.day()), 2);
    return true;
}
}  // namespace

std::string format_date(Date d) {
    char buf[16];
    if (put_date(buf, d)) return std::string(buf, 10);
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

std::optional<Date> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const int y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
    if (y < 1 || m < 1 || d < 1) return std::nullopt;
    const Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

std::string format_timestamp(Timestamp t) {
    const auto dp = floor<days>(t);
    const Date d{dp};
    const hh_mm_ss hms{t - dp};
    char buf[40];
    if (put_date(buf, d)) {
        buf[10] = 'T';
        put_digits(buf + 11, static_cast<unsigned>(hms.hours().count()), 2);
        buf[13] = ':';
        put_digits(buf + 14, static_cast<unsigned>(hms.minutes().count()), 2);
        buf[16] = ':';
        put_digits(buf + 17, static_cast<unsigned>(hms.seconds().count()), 2);
        buf[19] = 'Z';
        return std::string(buf, 20);
    }
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(d).c_str(),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::optional<Timestamp> parse_timestamp(std::string_view s) {
    // "YYYY-MM-DDTHH:MM:SSZ", or with a space instead of T and without Z (tests, scripts).
    if (s.size() != 19 && !(s.size() == 20 && s[19] == 'Z')) return std::nullopt;
    if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
    if (s[13] != ':' || s[16] != ':') return std::nullopt;
    const auto date = parse_date(s.substr(0, 10));
    const int h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
    if (!date || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return std::nullopt;
    return Timestamp{sys_days{*date}.time_since_epoch() + hours{h} + minutes{mi} + seconds{se}};
}

}  // namespace etabli::core
