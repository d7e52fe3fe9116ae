// Fuzz target of the station's API (station/cli/src/api_server.cpp, docs/API.md): whatever a
// local client sends on the socket, the server must answer with well-formed JSON lines, never
// crash, hang or leave the connection open once the client is done. The request parsing and
// checking live inside the server's per-client loop (line splitting, the length limit, the
// JSON parse, hello, the per-op checks), with no pure function to call, so this drives the
// real thing: one ApiServer beside a real Station on a SQLite file in a tmpfs folder, made
// once; each input is what one client sends on one connection (its lines, as given), then the
// client half-closes and reads every reply until the server closes.
//
// Checked per input: every reply is one JSON object per line, either a snapshot event or a
// reply with "ok" (and on failure an error with a code and a message); its "id" is null or the
// id of a request line of the input; no more replies than request lines; the server closes the
// connection within kDeadline.
//
// What the fuzzer may not do: run a command line that writes (the server trusts this process,
// which runs as the station's own user), or switch to the kiosk stream (fuzz_kiosk_wire covers
// its decoders). Inputs with such a line are skipped, decided by the same split and parse the
// server makes: "cli" only with words from kReadWords (or refused by the server before it runs
// anything), no "kiosk". "tap" and "book" run: the folder's database is the fuzzer's.
// The server's line limit is 4 KiB here (64 KiB in service) so that overlong lines stay cheap.
// Layer: tests (fuzz). The fuzzing thread is the client; the server has its own threads.
#include "api.hpp"
#include "io.hpp"
#include "tz_calendar.hpp"

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <poll.h>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace etabli;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr auto kDeadline = std::chrono::seconds(10);
constexpr std::size_t kMaxLine = 4096;

void require(bool ok, const char* why) {
    if (ok) return;
    std::fprintf(stderr, "fuzz_api_line: %s\n", why);
    std::abort();
}

// Words of read-only command lines ("member list", "machine show 1", "--json presence"…):
// no combination of them writes a file or changes the workshop.
const std::set<std::string, std::less<>> kReadWords = {
    "presence", "member", "machine", "booking", "tool", "repair", "skill", "card", "list", "show",
    "who", "sessions", "loans", "stats", "slots", "--json", "--help", "1", "2", "3"};

// The station, its database and its API, for the whole run.
struct Fixture {
    fs::path dir;
    std::unique_ptr<db::SqlStore> store;
    cli::SystemClock clock;
    std::shared_ptr<cli::TzCalendar> calendar;
    std::unique_ptr<app::Station> station;
    std::shared_ptr<cli::ApiServer> api;
    fs::path socket;

    Fixture() {
        const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string tmpl = (base / "etabli-fuzz-api-XXXXXX").string();
        require(::mkdtemp(tmpl.data()) != nullptr, "cannot make a temporary folder");
        dir = tmpl;
        auto s = db::SqlStore::open(dir / "etabli.db");
        require(s.has_value(), "cannot open the store");
        store = std::move(*s);
        auto cal = cli::TzCalendar::make("Europe/Paris");
        require(cal.has_value(), "no time-zone database");
        calendar = std::move(*cal);
        station = std::make_unique<app::Station>(*store, clock, *calendar);
        require(station->start().has_value(), "the station does not start");

        // Two members with badges (ids 1 and 2), a machine open every day (id 1), so that
        // "tap" and "book" reach the station's rules.
        for (const auto& [name, role, badge] : {std::tuple{"Léa", core::Role::member, "0001234567"},
                                               std::tuple{"Hugo", core::Role::host, "04A1B2C3"}}) {
            core::MemberDraft d;
            d.display_name = name;
            d.role = role;
            require(station->call(app::AddMember{d, std::nullopt, std::string(badge)}).has_value(), "adding a member");
        }
        alloc::Machine m;
        m.name = "Laser";
        m.rules.max_length = std::chrono::minutes(24 * 60);
        m.rules.ahead_days = 36500;
        require(station->call(app::AddMachine{m, std::nullopt}).has_value(), "adding a machine");
        alloc::OpeningHours h;
        for (auto& day : h.weekly) day = {alloc::DayWindow{8 * 60, 22 * 60}};
        require(station->call(app::SetHours{h, std::nullopt}).has_value(), "setting the hours");
        station->call(app::Authorise{1, 1, true, std::nullopt});

        cli::Served served;
        served.station = station.get();
        served.calendar = calendar;
        served.db_path = dir / "etabli.db";
        served.translations = std::make_shared<core::Translations>(cli::load_translations(ETABLI_ASSETS_DIR));
        cli::ApiServer::Options opts;
        opts.socket = socket = dir / "api.sock";
        opts.max_line = kMaxLine;
        opts.server = "fuzz_api_line";
        api = std::make_shared<cli::ApiServer>(served, opts);
        require(api->start().has_value(), "the API does not start");
        std::weak_ptr<cli::ApiServer> weak = api;
        station->add_watcher([weak] {
            if (auto a = weak.lock()) a->snapshot_changed();
        });
    }
    ~Fixture() {
        api->stop();
        api.reset();
        station.reset();
        store.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

Fixture& fixture() {
    static Fixture s;
    return s;
}

// The request lines as the server cuts them: at '\n', without a final '\r', empty ones
// skipped; a last line without '\n' is never handled.
std::vector<std::string> request_lines(std::string_view in) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (;;) {
        const auto nl = in.find('\n', start);
        if (nl == std::string_view::npos) break;
        std::string line(in.substr(start, nl - start));
        start = nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(std::move(line));
    }
    return lines;
}

// Whether the server may be given this line (see the file's comment).
bool harmless(const json& req) {
    if (!req.is_object()) return true;
    const auto op = req.find("op");
    if (op == req.end() || !op->is_string()) return true;
    if (*op == "kiosk") return false;
    if (*op != "cli") return true;
    const auto a = req.find("argv");
    if (a == req.end() || !a->is_array() || a->empty() || a->size() > 256) return true;  // refused
    for (const auto& w : *a)
        if (!w.is_string()) return true;  // refused before anything runs
    for (const auto& w : *a)
        if (!kReadWords.contains(w.get<std::string>())) return false;
    return true;
}

int connect_to(const fs::path& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto s = path.string();
    require(s.size() < sizeof addr.sun_path, "socket path too long");
    std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    require(fd >= 0, "no socket");
    require(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "the server does not accept");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Sends `in` and reads until the server closes, both at once (a client that only wrote
// would deadlock against a server that writes many replies); half-closes once all is sent.
std::string exchange(std::string_view in) {
    const int fd = connect_to(fixture().socket);
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    std::string out;
    std::size_t sent = 0;
    bool half_closed = false;
    char buf[16384];
    for (;;) {
        if (!half_closed && sent == in.size()) {
            ::shutdown(fd, SHUT_WR);
            half_closed = true;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        require(left.count() > 0, "the server did not close the connection in time");
        pollfd p{fd, static_cast<short>(POLLIN | (half_closed ? 0 : POLLOUT)), 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) < 0) {
            require(errno == EINTR, "poll failed");
            continue;
        }
        if (!half_closed && (p.revents & POLLOUT)) {
            const auto n = ::send(fd, in.data() + sent, in.size() - sent, MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<std::size_t>(n);
            else if (n < 0 && errno != EAGAIN && errno != EINTR) sent = in.size();  // the server left first
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            const auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n > 0) {
                out.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) break;  // closed (or reset)
        }
    }
    ::close(fd);
    return out;
}

void check_replies(const std::string& out, const std::vector<json>& requests) {
    require(out.empty() || out.back() == '\n', "a reply is cut");
    std::size_t replies = 0;
    std::size_t start = 0;
    while (start < out.size()) {
        const auto nl = out.find('\n', start);
        const std::string_view line(out.data() + start, nl - start);
        start = nl + 1;
        const json r = json::parse(line, nullptr, false);
        require(!r.is_discarded() && r.is_object(), "a reply line is not a JSON object");
        if (r.contains("event")) {
            require(r["event"] == "snapshot" && r.contains("snapshot") && r["snapshot"].is_object(), "a bad event");
            continue;
        }
        ++replies;
        require(r.contains("id") && r.contains("ok") && r["ok"].is_boolean(), "a reply without id or ok");
        const auto& id = r["id"];
        if (!id.is_null()) {
            bool known = false;
            for (const auto& q : requests)
                known = known || (q.is_object() && q.contains("id") && q["id"] == id);
            require(known, "a reply's id was in no request");
        }
        if (!r["ok"].get<bool>() && !r.contains("outcome")) {  // a refused tap captured says "outcome"
            require(r.contains("error") && r["error"].is_object(), "a failure without error");
            const auto& e = r["error"];
            require(e.contains("code") && e["code"].is_string() && !e["code"].get<std::string>().empty(), "an error without code");
            require(e.contains("message") && e["message"].is_string() && !e["message"].get<std::string>().empty(),
                    "an error without message");
        }
    }
    // One reply per line at most, and one more for a last line that is too long.
    require(replies <= requests.size() + 1, "more replies than requests");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::vector<json> requests;
    for (const auto& line : request_lines(in)) {
        requests.push_back(json::parse(line, nullptr, false));
        if (!harmless(requests.back())) return 0;
    }
    check_replies(exchange(in), requests);
    return 0;
}
