// A client of the station's API, and `etabli …` forwarded to the station that serves
// the database. See api.hpp. Layer: cli. The calling thread.
#include "api.hpp"
#include "io.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace etabli::cli {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono;

ApiClient::~ApiClient() {
    if (m_fd >= 0) ::close(m_fd);
}

std::pair<int, std::string> ApiClient::release() {
    std::pair<int, std::string> out{m_fd, std::move(m_buf)};
    m_fd = -1;
    m_buf.clear();
    return out;
}

std::expected<json, std::string> ApiClient::connect(const fs::path& socket, const std::string& client, milliseconds timeout) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_buf.clear();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto s = socket.string();
    if (s.size() >= sizeof addr.sun_path) return std::unexpected("socket path too long: " + s);
    std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) return std::unexpected(std::string(std::strerror(errno)));
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        const std::string why = std::strerror(errno);
        ::close(m_fd);
        m_fd = -1;
        return std::unexpected(s + ": " + why);
    }
    return request(json{{"op", "hello"}, {"version", std::to_string(kApiMajor) + "." + std::to_string(kApiMinor)}, {"client", client}},
                   timeout);
}

std::expected<std::string, std::string> ApiClient::read_line(milliseconds timeout) {
    const auto deadline = steady_clock::now() + timeout;
    for (;;) {
        if (auto nl = m_buf.find('\n'); nl != std::string::npos) {
            std::string line = m_buf.substr(0, nl);
            m_buf.erase(0, nl + 1);
            return line;
        }
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        if (left <= 0) return std::unexpected(std::string("timeout"));
        pollfd p{m_fd, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char chunk[16384];
        const auto n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n == 0) return std::unexpected(std::string("the station closed the connection"));
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::unexpected(std::string(std::strerror(errno)));
        }
        m_buf.append(chunk, static_cast<std::size_t>(n));
    }
}

std::expected<json, std::string> ApiClient::next(milliseconds timeout) {
    auto line = read_line(timeout);
    if (!line) return std::unexpected(line.error());
    json j = json::parse(*line, nullptr, false);
    if (j.is_discarded()) return std::unexpected(std::string("the station sent a line that is not JSON"));
    return j;
}

std::expected<json, std::string> ApiClient::request(json req, milliseconds timeout) {
    if (m_fd < 0) return std::unexpected(std::string("not connected"));
    const auto id = m_next_id++;
    req["id"] = id;
    const std::string line = req.dump() + "\n";
    if (!send_all(m_fd, line)) return std::unexpected(std::string(std::strerror(errno)));
    const auto deadline = steady_clock::now() + timeout;
    for (;;) {
        const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) return std::unexpected(std::string("timeout"));
        auto j = next(left);
        if (!j) return j;
        if (j->contains("event")) {
            if (on_event) on_event(*j);
            continue;
        }
        if (j->value("id", json()) == json(id)) return j;
        if (j->contains("error") && (*j)["id"].is_null()) return j;  // the station refused the line itself
    }
}

// Forwarding a command line: the words after the global --db (the station has its own
// database) and --config (and its own configuration).
std::optional<int> forward_to_station(Context& ctx, int argc, const char* const* argv, bool db_given) {
    const auto socket = station_socket(ctx.db_path, db_given);
    if (!socket) return std::nullopt;
    ApiClient client;
    // A station that is starting has taken the lock but may not listen yet: try a moment.
    std::expected<json, std::string> hello = std::unexpected(std::string());
    auto station_holds = [&] {
        auto h = db::OwnerLock::holder(ctx.db_path);
        return h && !h->socket.empty();
    };
    for (int attempt = 0; attempt < 50; ++attempt) {
        hello = client.connect(*socket, "etabli-cli");
        if (hello || !station_holds()) break;
        std::this_thread::sleep_for(milliseconds(100));
    }
    if (!hello) {
        if (station_holds())
            return ctx.fail(kStorage, core::storage_problem("The station that holds the database does not answer on {0}: {1}",
                                                            {socket->string(), hello.error()}));
        return std::nullopt;  // nobody serves it: work on the file, under its lock
    }
    if (!hello->value("ok", false)) {
        const auto msg = (*hello)["error"].value("message", std::string("?"));
        cli_err() << "etabli: " << msg << '\n';
        return kStorage;
    }
    // The station must serve the very database asked for (a lock file can be stale, a name a
    // symlink): a database named on the command line and served elsewhere is not forwarded.
    if (db_given) {
        std::error_code ec;
        const auto theirs = fs::weakly_canonical(fs::path(hello->value("db", std::string())), ec);
        if (ec || theirs != ctx.db_path) return std::nullopt;
    }
    json words = json::array();
    bool before_command = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (before_command && (a == "--db" || a == "--config") && i + 1 < argc) {
            ++i;
            continue;
        }
        if (before_command && (a.starts_with("--db=") || a.starts_with("--config="))) continue;
        if (!a.starts_with("-")) before_command = false;
        words.push_back(a);
    }
    std::error_code ec;
    const auto cwd = fs::current_path(ec);
    auto reply = client.request(json{{"op", "cli"}, {"argv", words}, {"lang", std::string(core::to_string(ctx.lang))},
                                     {"cwd", ec ? std::string("/") : cwd.string()}},
                                hours(1));
    if (!reply) return ctx.fail(kStorage, core::storage_problem("The station stopped answering: {0}", {reply.error()}));
    if (!reply->value("ok", false)) {
        cli_err() << "etabli: " << (*reply)["error"].value("message", std::string("?")) << '\n';
        return (*reply)["error"].value("code", std::string()) == "busy" ? kStorage : kBadInput;
    }
    cli_out() << reply->value("out", std::string());
    cli_err() << reply->value("err", std::string());
    cli_out().flush();
    const int exit_code = reply->value("exit", static_cast<int>(kStorage));
    if (ctx.role == "restore" && exit_code == kDone) {
        // The service starts again (the same process, exec'ed) and says in its hello how
        // the swap went: wait for that hello, as long as a large database takes to copy.
        std::string file;
        for (int i = 1; i < argc; ++i)
            if (std::string_view(argv[i]) == "restore" && i + 1 < argc) file = fs::absolute(argv[i + 1], ec).string();
        const auto until = steady_clock::now() + minutes(10);
        while (steady_clock::now() < until) {
            std::this_thread::sleep_for(milliseconds(200));
            ApiClient again;
            auto h = again.connect(*socket, "etabli-cli");
            if (!h || !h->value("ok", false) || !h->contains("restore")) continue;
            const auto& r = (*h)["restore"];
            if (!r.is_object() || r.value("file", std::string()) != file) continue;
            if (!r.value("ok", false)) {
                const core::Problem p{r.value("msgid", std::string("{0}")), r.value("args", std::vector<std::string>{}),
                                      core::Problem::Kind::storage};
                cli_out() << ctx.t("The station runs again, on the data it had: the restore failed.") << '\n';
                return ctx.fail(kStorage, p);
            }
            cli_out() << ctx.t("The station runs again, on the restored data.") << '\n';
            if (r.contains("aside"))
                cli_out() << core::fill_placeholders(ctx.t("The previous database is kept as {0}."), {r.value("aside", std::string())}) << '\n';
            return kDone;
        }
        return ctx.fail(kStorage, core::storage_problem("The station did not start again after the restore: see its log (journalctl -u etabli)"));
    }
    return exit_code;
}

}  // namespace etabli::cli
