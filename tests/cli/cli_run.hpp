// Runs the real `etabli` binary for the command-line tests: exit code, stdout, stderr.
// Test-only.
#pragma once

#include "testing.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace etabli::testing {

struct Run {
    int code = -1;
    std::string out, err;
};

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs etabli with `args` in a clean environment (no display, French unless --lang).
inline Run etabli_run(const testing::TempDir& dir, const std::vector<std::string>& args, const std::string& env = "") {
    std::string cmd = "env -u DISPLAY -u WAYLAND_DISPLAY -u ETABLI_DB -u LANG -u LC_ALL -u LC_MESSAGES ETABLI_TZ=Europe/Paris " + env + " " + quote(ETABLI_BINARY);
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " >" + quote((dir / "out.txt").string()) + " 2>" + quote((dir / "err.txt").string()) + " </dev/null";
    const int status = std::system(cmd.c_str());
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = testing::read_file(dir / "out.txt");
    r.err = testing::read_file(dir / "err.txt");
    return r;
}

// The local date `days` from now in Paris, "YYYY-MM-DD" (the tests set ETABLI_TZ=Europe/Paris),
// whatever the hour (it was UTC + 12 h, a day ahead every afternoon).
inline std::string paris_day_in(int days) {
    // Paris is UTC+1, and UTC+2 from the last Sunday of March to the last Sunday of October
    // (01:00 UTC both): the local day of now, then `days` later.
    const std::time_t now = std::time(nullptr);
    std::tm u{};
    gmtime_r(&now, &u);
    auto last_sunday_1am = [&](int month) {  // month 0-based, in this year
        std::tm m{};
        m.tm_year = u.tm_year;
        m.tm_mon = month + 1;
        m.tm_mday = 1;
        m.tm_hour = 1;
        std::time_t first_next = timegm(&m);  // 01:00 UTC on the 1st of the month after
        std::tm f{};
        gmtime_r(&first_next, &f);
        return first_next - static_cast<std::time_t>((f.tm_wday == 0 ? 7 : f.tm_wday) * 86400);
    };
    const bool summer = now >= last_sunday_1am(2) && now < last_sunday_1am(9);
    const std::time_t t = now + (summer ? 2 : 1) * 3600 + static_cast<std::time_t>(days) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

inline std::size_t lines(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

struct Cli {
    testing::TempDir dir;
    std::string db = (dir / "x.db").string();
    Run operator()(std::vector<std::string> args, const std::string& env = "") {
        args.insert(args.begin(), {"--db", db});
        return etabli_run(dir, args, env);
    }
};


}  // namespace etabli::testing
