// A throwaway PostgreSQL cluster for the tests that need the server: initdb in a temporary
// folder, the server on a Unix socket in that folder only (no TCP port), stopped and removed
// when the object goes. initdb refuses to run as root: as root (CI), the cluster belongs to
// `nobody` and its programs run through runuser. Every step is bounded in time. Without
// PostgreSQL's programs (scripts/install-deps installs them), `available()` is false and says
// why. Test-only. Test thread.
#pragma once

#include "testing.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>
#include <pwd.h>

namespace etabli::testing {

class PgCluster {
public:
    // `fast`: no fsync (a test's data need not survive a crash); `durable`: fsync and
    // synchronous commits, as a workshop's server runs (the benchmarks).
    enum class Durability { fast, durable };
    explicit PgCluster(Durability d = Durability::fast) : m_durability(d) {
        const std::filesystem::path bin = "/usr/lib/postgresql/15/bin";
        if (!std::filesystem::exists(bin / "initdb")) {
            m_why = "PostgreSQL 15 is not installed (scripts/install-deps installs postgresql-15)";
            return;
        }
        m_bin = bin;
        m_as = "";
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("nobody");
            if (!pw) {
                m_why = "running as root and there is no user nobody to own the cluster";
                return;
            }
            std::filesystem::permissions(m_dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                                           std::filesystem::perms::others_exec);
            if (::chown(m_dir.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                m_why = "cannot give the cluster's folder to nobody";
                return;
            }
            m_as = "runuser -u nobody -- ";
        }
        const auto data = m_dir.path() / "data";
        if (!run("timeout 60 " + m_as + (m_bin / "initdb").string() + " -D " + data.string() +
                 " -U etabli --auth=trust -E UTF8 --locale=C.UTF-8 > " + (m_dir.path() / "initdb.log").string() + " 2>&1")) {
            m_why = "initdb failed: " + tail(m_dir.path() / "initdb.log");
            return;
        }
        m_initialised = true;
        start();
    }
    ~PgCluster() { stop(); }
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    bool available() const { return m_started; }
    const std::string& why_not() const { return m_why; }
    // A database of its own for a test (created on first use).
    std::string url(const std::string& db = "postgres") {
        if (db != "postgres" && m_created.insert(db).second)
            (void)run("timeout 30 " + m_as + (m_bin / "createdb").string() + " -h " + m_dir.path().string() + " -U etabli " + db +
                      " > /dev/null 2>&1");
        return "host=" + m_dir.path().string() + " user=etabli dbname=" + db;
    }
    // The folder of the server's socket (a URL's host).
    std::string socket_dir() const { return m_dir.path().string(); }
    // Starts the server (again, after stop(): the same data, as after a crash).
    void start() {
        if (m_started || !m_initialised) return;
        const auto log = m_dir.path() / "server.log";
        // The socket in the folder, no TCP.
        const std::string opts = "-c listen_addresses='' -c unix_socket_directories='" + m_dir.path().string() + "' -c max_connections=40" +
                                 (m_durability == Durability::fast ? " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" : "");
        if (!run("timeout 60 " + m_as + (m_bin / "pg_ctl").string() + " -D " + (m_dir.path() / "data").string() + " -l " + log.string() +
                 " -w -t 50 -o \"" + opts + "\" start > /dev/null 2>&1")) {
            m_why = "the server did not start: " + tail(log);
            return;
        }
        m_started = true;
    }
    // Stops the server at once (also when the object goes).
    void stop() {
        if (!m_started) return;
        (void)run("timeout 60 " + m_as + (m_bin / "pg_ctl").string() + " -D " + (m_dir.path() / "data").string() +
                  " -m immediate -w -t 50 stop > /dev/null 2>&1");
        m_started = false;
    }

private:
    static bool run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
    static std::string tail(const std::filesystem::path& p) {
        std::ifstream in(p);
        std::string line, last;
        while (std::getline(in, line))
            if (!line.empty()) last = line;
        return last;
    }
    Durability m_durability;
    TempDir m_dir;
    std::filesystem::path m_bin;
    std::string m_as;
    std::string m_why;
    bool m_initialised = false;
    bool m_started = false;
    std::set<std::string> m_created;
};

}  // namespace etabli::testing
