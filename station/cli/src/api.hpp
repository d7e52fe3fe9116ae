// The station's local API: JSON lines on a Unix socket. A station (`etabli serve`, or
// the kiosk's embedded station) runs an ApiServer; `etabli` commands are its clients when a
// station holds their database. docs/API.md describes the protocol. Layer: cli.
#pragma once

#include "context.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <semaphore>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace etabli::cli {

inline constexpr int kApiMajor = 1;
inline constexpr int kApiMinor = 0;

// One line per event, with a level journald keeps ("<6>…" when stderr is the journal,
// "etabli[pid] info: …" on a terminal). Any thread; each line is one write.
enum class LogLevel { error = 3, warning = 4, info = 6 };
void log_line(LogLevel level, const std::string& text);

// Writes all of `bytes` to a socket (no SIGPIPE); false when the peer left or does not take
// them within the socket's send timeout.
bool send_all(int fd, std::string_view bytes);

// Where a station listens when nothing says otherwise: $ETABLI_SOCKET; under systemd
// $RUNTIME_DIRECTORY/station.sock; else $XDG_RUNTIME_DIR/etabli/station.sock; else
// /tmp/etabli-UID/station.sock.
std::filesystem::path default_socket_path();

// The socket of the station that serves `db`, if one does: the one its lock file names;
// with no database given (`db_given` false), also $ETABLI_SOCKET or /run/etabli/station.sock.
std::optional<std::filesystem::path> station_socket(const std::filesystem::path& db, bool db_given);

// Runs a command line for an API client inside the station (cli.cpp): the same grammar,
// output, --json and exit codes as in a terminal. `may_write` false: only the read-only
// commands run; the others are refused naming the missing right.
int run_for_client(const std::vector<std::string>& args, const Served& served, core::Lang lang, bool may_write);
// Whether a command (its path: "member list", "book"…) only reads (cli.cpp).
bool read_only_command(const std::string& path, const std::vector<std::string>& args);

// A badge a capture took (TapView::claim): its name for JSON ("help"…) and the sentence
// that says so.
const char* claim_name(app::TapClaim c);
core::Problem describe_claim(const app::TapView& tap);

// A summary of a snapshot for API clients: version, who is in, machines and their sessions.
nlohmann::json snapshot_json(const app::Snapshot& s);
nlohmann::json presence_json(const app::Snapshot& s);  // as `etabli --json presence` prints it

class ApiServer {
public:
    struct Options {
        std::filesystem::path socket;
        std::size_t max_clients = 128;
        std::size_t max_line = 64 * 1024;
        std::chrono::milliseconds write_timeout{2000};  // a client that does not read is dropped
        std::string server = "etabli serve";
    };
    ApiServer(Served served, Options opts);
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Binds the socket (removing a stale one; refusing one a live station answers on) and
    // starts accepting. The socket is made 0666: rights come from the peer's credentials.
    std::expected<void, core::Problem> start();
    void stop();
    // From the station's watcher: a new snapshot; subscribers are sent it.
    void snapshot_changed();
    const std::filesystem::path& socket() const { return m_opts.socket; }

private:
    struct Conn;
    void accept_loop();
    void serve_client(const std::shared_ptr<Conn>& c);
    void serve_kiosk(const std::shared_ptr<Conn>& c, std::string already_read);  // the kiosk stream
    void reap(bool all);

    Served m_served;
    Options m_opts;
    int m_listen = -1;
    int m_stop_pipe[2] = {-1, -1};
    std::thread m_accept;
    mutable std::mutex m_mutex;
    std::list<std::shared_ptr<Conn>> m_conns;
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_active{0};  // requests being handled now, all clients together
    std::counting_semaphore<4096> m_slots{std::max(1, static_cast<int>(std::thread::hardware_concurrency()))};
};

// A client of a station's API: connects, says hello, sends requests, reads replies by id.
class ApiClient {
public:
    ApiClient() = default;
    ~ApiClient();
    ApiClient(const ApiClient&) = delete;
    ApiClient& operator=(const ApiClient&) = delete;

    // Connects and says hello (`client` names the program). Fails with a readable reason.
    std::expected<nlohmann::json, std::string> connect(const std::filesystem::path& socket, const std::string& client,
                                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Sends one request (an "id" is added) and returns the reply with that id; events met on
    // the way go to on_event. Times out after `timeout`.
    std::expected<nlohmann::json, std::string> request(nlohmann::json req,
                                                       std::chrono::milliseconds timeout = std::chrono::seconds(60));
    // The next line (an event of a subscription, or a reply), or nothing after `timeout`.
    std::expected<nlohmann::json, std::string> next(std::chrono::milliseconds timeout);
    std::function<void(const nlohmann::json&)> on_event;
    int fd() const { return m_fd; }
    // Gives up the connection (after a switch to another protocol, the kiosk stream): its
    // socket and the bytes already read past the last line. The client is then unconnected.
    std::pair<int, std::string> release();

private:
    std::expected<std::string, std::string> read_line(std::chrono::milliseconds timeout);
    int m_fd = -1;
    std::uint64_t m_next_id = 1;
    std::string m_buf;
};

// `etabli …` when a station serves the database: sends the command line through its API and
// prints what the station printed; the exit code is the station's. None when no station
// answers (the caller then works on the file under the lock).
std::optional<int> forward_to_station(Context& ctx, int argc, const char* const* argv, bool db_given);

}  // namespace etabli::cli
