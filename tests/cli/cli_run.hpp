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

// The local date `days` from now in Paris, "YYYY-MM-DD" (the tests set ETABLI_TZ=Europe/Paris):
// noon UTC of that day, safely inside it whatever the hour.
inline std::string paris_day_in(int days) {
    const std::time_t t = std::time(nullptr) + days * 86400 + 12 * 3600;
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
