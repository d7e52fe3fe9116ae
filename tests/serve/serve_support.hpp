// Running the real `etabli` as the station service and as its clients, for the station
// service's tests: processes started side by side, a service waited for, killed.
// Test-only.
#pragma once

#include "api.hpp"
#include "cli_run.hpp"
#include "testing.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace etabli::testing {

struct Proc {
    pid_t pid = -1;
    std::filesystem::path out, err;
};

struct Done {
    int code = -1;
    std::string out, err;
};

// The test's environment without a display, a language, a database or systemd's variables;
// Paris time; then `extra` ("NAME=value").
inline std::vector<std::string> clean_env(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string v = *e;
        bool drop = false;
        for (const char* name : {"DISPLAY=", "WAYLAND_DISPLAY=", "ETABLI_DB=", "ETABLI_SOCKET=", "LANG=", "LC_ALL=",
                                 "LC_MESSAGES=", "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=", "ETABLI_TZ=",
                                 "JOURNAL_STREAM=", "ETABLI_LANG="})
            drop = drop || v.starts_with(name);
        if (!drop) env.push_back(v);
    }
    env.push_back("ETABLI_TZ=Europe/Paris");
    for (const auto& x : extra) env.push_back(x);
    return env;
}

// Starts `etabli ARGS` with stdout and stderr in files of `dir` named after `tag`.
inline Proc spawn_etabli(const std::filesystem::path& dir, const std::string& tag, const std::vector<std::string>& args,
                         const std::vector<std::string>& extra_env = {}) {
    Proc p;
    p.out = dir / (tag + ".out");
    p.err = dir / (tag + ".err");
    std::vector<std::string> words{ETABLI_BINARY};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    auto env = clean_env(extra_env);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, p.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&p.pid, ETABLI_BINARY, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(rc == 0);
    return p;
}

inline Done wait_proc(const Proc& p) {
    int status = 0;
    while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR) {
    }
    Done d;
    d.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    d.out = read_file(p.out);
    d.err = read_file(p.err);
    return d;
}

inline Done run_etabli(const std::filesystem::path& dir, const std::vector<std::string>& args,
                       const std::vector<std::string>& extra_env = {}) {
    static std::atomic<int> count{0};  // each run its own output files: runs may overlap
    const auto tag = "run" + std::to_string(count.fetch_add(1));
    auto d = wait_proc(spawn_etabli(dir, tag, args, extra_env));
    std::error_code ec;
    std::filesystem::remove(dir / (tag + ".out"), ec);
    std::filesystem::remove(dir / (tag + ".err"), ec);
    return d;
}

// A service (or kiosk) process and its socket: connects (saying hello) until it answers.
inline bool wait_ready(const std::filesystem::path& socket, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        cli::ApiClient c;
        if (auto h = c.connect(socket, "test", std::chrono::seconds(2)); h && h->value("ok", false)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

// Stops a process (SIGTERM, then SIGKILL after `grace`) and reaps it.
inline Done stop_proc(const Proc& p, std::chrono::milliseconds grace = std::chrono::seconds(10)) {
    kill(p.pid, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + grace;
    int status = 0;
    for (;;) {
        const pid_t r = waitpid(p.pid, &status, WNOHANG);
        if (r == p.pid) break;
        if (std::chrono::steady_clock::now() > until) {
            kill(p.pid, SIGKILL);
            waitpid(p.pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Done d;
    d.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    d.out = read_file(p.out);
    d.err = read_file(p.err);
    return d;
}

// The processes a test started, killed and reaped when it ends: a test that fails half-way
// leaves no station running (each one not yet reaped, still our child, is killed).
struct Started {
    std::vector<pid_t> pids;
    void add(pid_t pid) { pids.push_back(pid); }
    Started() = default;
    Started(const Started&) = delete;
    Started& operator=(const Started&) = delete;
    ~Started() {
        for (const pid_t pid : pids) {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == 0) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
            }
        }
    }
};

// "YYYY-MM-DD" `days` from today in Paris (cli_run.hpp).
inline std::string day_in(int days) { return paris_day_in(days); }

}  // namespace etabli::testing
