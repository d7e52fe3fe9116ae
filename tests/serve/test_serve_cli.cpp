// The station service, end to end with the real binary: one owner per database, the
// command line as a client, concurrent writes with none lost, systemd's readiness and
// watchdog, misbehaving clients. Test-only.
#include "serve_support.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

using namespace etabli;
using namespace etabli::testing;
using namespace std::chrono;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The demo workshop, open every day 08:00-20:00, with a machine "Banc" (number 4) that anyone
// may book 30 days ahead, and a drill T0001.
struct Workshop {
    TempDir dir;
    std::string db = (dir.path() / "etabli.db").string();
    fs::path socket = dir.path() / "station.sock";
    Workshop() {
        ::chmod(dir.path().c_str(), 0755);
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"init", "--demo"}, {"hours", "set", "mon-sun 08:00-20:00"},
              {"machine", "add", "--name", "Banc", "--max-min", "120", "--ahead-days", "30"},
              {"tool", "add", "--name", "Perceuse"}}) {
            auto words = args;
            words.insert(words.begin(), {"--db", db});
            const auto r = run_etabli(dir.path(), words);
            INFO(r.err);
            REQUIRE(r.code == 0);
        }
    }
    std::vector<std::string> with_db(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--db", db});
        return args;
    }
    Proc serve(const std::string& tag = "serve", const std::vector<std::string>& env = {}) {
        auto p = spawn_etabli(dir.path(), tag, with_db({"serve", "--socket", socket.string()}), env);
        started.add(p.pid);
        return p;
    }
    Started started;  // killed if still running when the test ends
};

// Booking i of a run: its own hour (10 a day from 08:00, from tomorrow).
std::vector<std::string> booking_args(int i) {
    const std::string from = day_in(1 + i / 10) + " " + (i % 10 + 8 < 10 ? "0" : "") + std::to_string(i % 10 + 8) + ":00";
    return {"--json", "book", "4", "--member", "1", "--from", from, "--minutes", "60"};
}

// Starts n bookings at once and checks that every acknowledged one is stored, once, as
// acknowledged.
void book_at_once(const Workshop& w, int n) {
    std::vector<Proc> procs;
    for (int i = 0; i < n; ++i) procs.push_back(spawn_etabli(w.dir.path(), "book" + std::to_string(i), w.with_db(booking_args(i))));
    std::map<long long, std::string> acknowledged;  // id -> local start
    for (int i = 0; i < n; ++i) {
        const auto d = wait_proc(procs[static_cast<std::size_t>(i)]);
        INFO("booking " << i << ": " << d.out << d.err);
        REQUIRE(d.code == 0);
        const auto j = json::parse(d.out);
        REQUIRE(j.is_array());
        REQUIRE(j.size() == 1);
        CHECK(acknowledged.emplace(j[0]["id"].get<long long>(), j[0]["start_local"].get<std::string>()).second);
    }
    CHECK(acknowledged.size() == static_cast<std::size_t>(n));
    const auto list = run_etabli(w.dir.path(), w.with_db({"--json", "booking", "list", "--machine", "4"}));
    REQUIRE(list.code == 0);
    std::map<long long, std::string> stored;
    for (const auto& b : json::parse(list.out)) stored.emplace(b["id"].get<long long>(), b["start_local"].get<std::string>());
    CHECK(stored == acknowledged);
}

}  // namespace

TEST_CASE("six, then sixty `etabli book` started at once without a station: each acknowledged booking is stored once") {
    for (int n : {6, 60}) {
        Workshop w;
        book_at_once(w, n);
    }
}

TEST_CASE("three `etabli lend` of one tool at once: one lends, the others are refused, and the return works") {
    Workshop w;
    std::vector<Proc> procs;
    for (int m : {1, 2, 3}) procs.push_back(spawn_etabli(w.dir.path(), "lend" + std::to_string(m), w.with_db({"lend", "T0001", "--member", std::to_string(m)})));
    int lent = 0, refused = 0;
    for (auto& p : procs) {
        const auto d = wait_proc(p);
        INFO(d.out << d.err);
        if (d.code == 0) ++lent;
        else if (d.code == 1 || d.code == 2) ++refused;
    }
    CHECK(lent == 1);
    CHECK(refused == 2);
    const auto r = run_etabli(w.dir.path(), w.with_db({"return", "T0001"}));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    const auto again = run_etabli(w.dir.path(), w.with_db({"lend", "T0001", "--member", "3"}));
    CHECK(again.code == 0);
}

TEST_CASE("with `etabli serve` running, commands go through it: same output, sixty at once all stored, no second station") {
    Workshop w;
    const auto before = run_etabli(w.dir.path(), w.with_db({"member", "list"}));
    const auto before_json = run_etabli(w.dir.path(), w.with_db({"--json", "machine", "list"}));
    const auto bad_before = run_etabli(w.dir.path(), w.with_db({"member", "show", "999"}));
    auto serve = w.serve();
    REQUIRE(wait_ready(w.socket));

    // The lock file names the holder and its socket.
    const auto lock = read_file(w.db + ".lock");
    CHECK(lock.find("role=serve") != std::string::npos);
    CHECK(lock.find("socket=" + w.socket.string()) != std::string::npos);

    // Same output, same --json, same exit codes, same refusals.
    const auto after = run_etabli(w.dir.path(), w.with_db({"member", "list"}));
    CHECK(after.code == 0);
    CHECK(after.out == before.out);
    CHECK(run_etabli(w.dir.path(), w.with_db({"--json", "machine", "list"})).out == before_json.out);
    const auto bad_after = run_etabli(w.dir.path(), w.with_db({"member", "show", "999"}));
    CHECK(bad_after.code == bad_before.code);
    CHECK(bad_after.err == bad_before.err);
    const auto english = run_etabli(w.dir.path(), w.with_db({"--lang", "en", "member", "show", "999"}));
    CHECK(english.err.find("No member has the number 999") != std::string::npos);
    const auto usage = run_etabli(w.dir.path(), w.with_db({"book", "4"}));
    CHECK(usage.code == 2);

    book_at_once(w, 60);

    // A second station on the same file: refused, the holder named, exit 3.
    const auto second = run_etabli(w.dir.path(), w.with_db({"serve", "--socket", (w.dir.path() / "other.sock").string()}));
    CHECK(second.code == 3);
    CHECK(second.err.find("etabli serve") != std::string::npos);
    CHECK(second.err.find(std::to_string(serve.pid)) != std::string::npos);
    CHECK(std::count(second.err.begin(), second.err.end(), '\n') == 1);
    const auto kiosk = run_etabli(w.dir.path(), w.with_db({"kiosk"}));
    CHECK(kiosk.code == 3);
    CHECK(kiosk.err.find(std::to_string(serve.pid)) != std::string::npos);

    // kill -9: the kernel drops the lock; a new station starts at once.
    kill(serve.pid, SIGKILL);
    waitpid(serve.pid, nullptr, 0);
    const auto t0 = steady_clock::now();
    auto again = w.serve("serve2");
    REQUIRE(wait_ready(w.socket));
    const auto restart = duration_cast<milliseconds>(steady_clock::now() - t0);
    MESSAGE("a new station answered " << restart.count() << " ms after kill -9 of the first");
    CHECK(restart < seconds(5));
    const auto list = run_etabli(w.dir.path(), w.with_db({"--json", "booking", "list", "--machine", "4"}));
    CHECK(json::parse(list.out).size() == 60);
    const auto stopped = stop_proc(again);
    CHECK(stopped.code == 0);
    CHECK(stopped.err.find("info: station ready") != std::string::npos);
    // Once it stopped, commands work on the file again.
    CHECK(run_etabli(w.dir.path(), w.with_db({"presence"})).code == 0);
}

TEST_CASE("systemd: READY=1 once the API answers, then WATCHDOG=1 pings (a fake NOTIFY_SOCKET)") {
    Workshop w;
    const fs::path notify = w.dir.path() / "notify.sock";
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, notify.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 200'000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto serve = w.serve("serve", {"NOTIFY_SOCKET=" + notify.string(), "WATCHDOG_USEC=1000000"});
    bool ready = false;
    int pings = 0;
    const auto until = steady_clock::now() + seconds(20);
    while (steady_clock::now() < until && (!ready || pings < 3)) {
        char buf[512];
        const auto n = ::recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0) continue;
        const std::string msg(buf, static_cast<std::size_t>(n));
        if (msg.find("READY=1") != std::string::npos) {
            ready = true;
            CHECK(wait_ready(w.socket, seconds(1)));  // it listens once it said so
        }
        if (msg.find("WATCHDOG=1") != std::string::npos) ++pings;
    }
    CHECK(ready);
    CHECK(pings >= 3);
    stop_proc(serve);
    ::close(fd);
}

TEST_CASE("misbehaving clients get a clear error or are dropped; taps and reads go on") {
    Workshop w;
    auto serve = w.serve();
    REQUIRE(wait_ready(w.socket));

    auto raw = [&](const std::string& bytes) {
        cli::ApiClient c;
        REQUIRE(c.connect(w.socket, "test"));
        REQUIRE(::send(c.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
        auto reply = c.next(seconds(5));
        return reply ? *reply : json{{"lost", reply.error()}};
    };
    CHECK(raw("{not json\n")["error"]["code"] == "bad_json");
    CHECK(raw("[1,2]\n")["error"]["code"] == "bad_request");
    CHECK(raw("{\"id\":[1],\"op\":\"ping\"}\n")["error"]["code"] == "bad_request");
    CHECK(raw("{\"id\":1,\"op\":42}\n")["error"]["code"] == "bad_request");
    CHECK(raw("{\"id\":7,\"op\":\"launch\"}\n")["error"]["code"] == "unknown_op");
    CHECK(raw("{\"id\":7,\"op\":\"launch\"}\n")["id"] == 7);
    CHECK(raw("{\"id\":8,\"op\":\"cli\",\"argv\":\"member list\"}\n")["error"]["code"] == "bad_request");
    CHECK(raw("{\"id\":8,\"op\":\"cli\",\"argv\":[\"member\",3]}\n")["error"]["code"] == "bad_request");
    const auto french = raw("{\"id\":9,\"op\":\"cli\",\"argv\":\"x\"}\n");
    CHECK(french["error"]["message"].get<std::string>().find("mots de la ligne de commande") != std::string::npos);
    CHECK(raw("{\"id\":10,\"op\":\"cli\",\"argv\":[\"kiosk\"]}\n")["exit"] == 2);
    CHECK(raw(std::string(70 * 1024, 'x') + "\n")["error"]["code"] == "line_too_long");
    CHECK(raw(std::string(70 * 1024, 'x'))["error"]["code"] == "line_too_long");  // no newline at all

    // hello comes first, and a client of another major version is refused with both named.
    {
        cli::ApiClient c;
        const auto h = c.connect(w.socket, "test");
        REQUIRE(h);
        CHECK((*h)["version"] == "1.0");
        CHECK((*h)["rights"] == "write");  // the same user as the station
    }
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, w.socket.c_str());
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        const std::string first = "{\"id\":1,\"op\":\"cli\",\"argv\":[\"presence\"]}\n{\"id\":2,\"op\":\"hello\",\"version\":\"2.3\"}\n";
        ::send(fd, first.data(), first.size(), MSG_NOSIGNAL);
        std::string got;
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
        CHECK(got.find("hello_first") != std::string::npos);
        CHECK(got.find("\"version\"") != std::string::npos);
        CHECK(got.find("1.0") != std::string::npos);
        CHECK(got.find("2.3") != std::string::npos);  // and the connection was closed (recv returned 0)
        ::close(fd);
    }

    // A client that asks and never reads is dropped; one that leaves mid-request changes
    // nothing; a thousand that come and go leave the station as it was.
    std::atomic<bool> reader_dropped{false};
    std::thread greedy([&] {
        cli::ApiClient c;
        REQUIRE(c.connect(w.socket, "greedy"));
        timeval tv{0, 100'000};
        ::setsockopt(c.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        const std::string req = "{\"id\":1,\"op\":\"snapshot\"}\n";
        for (int i = 0; i < 200000; ++i)
            if (::send(c.fd(), req.data(), req.size(), MSG_NOSIGNAL) < 0) break;
        std::this_thread::sleep_for(seconds(4));
        // The station gave up on it: what it had sent is there, then the end.
        char buf[65536];
        ssize_t n;
        while ((n = ::recv(c.fd(), buf, sizeof buf, MSG_DONTWAIT)) > 0) {
        }
        reader_dropped = n == 0 || (n < 0 && errno != EAGAIN);
    });
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, w.socket.c_str());
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        const std::string half = "{\"id\":1,\"op\":\"hello\",\"version\":\"1.0\"}\n{\"id\":2,\"op\":\"cli\",\"argv\":[\"member\",\"add\",\"--na";
        ::send(fd, half.data(), half.size(), MSG_NOSIGNAL);
        ::close(fd);
    }
    for (int i = 0; i < 1000; ++i) {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, w.socket.c_str());
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && i % 2)
            ::send(fd, "{\"id\":1,\"op\":\"hel", 17, MSG_NOSIGNAL);
        ::close(fd);
    }
    // Meanwhile a badge tap and a read answer at once.
    const auto t0 = steady_clock::now();
    const auto tap = run_etabli(w.dir.path(), w.with_db({"tap", "0001234567"}));
    CHECK(tap.code == 0);
    CHECK(tap.out.find("Léa") != std::string::npos);
    const auto presence = run_etabli(w.dir.path(), w.with_db({"--json", "presence"}));
    CHECK(json::parse(presence.out).size() == 1);
    CHECK(steady_clock::now() - t0 < seconds(5));
    greedy.join();
    CHECK(reader_dropped);
    const auto members = run_etabli(w.dir.path(), w.with_db({"--json", "member", "list"}));
    CHECK(json::parse(members.out).size() == 6);  // the half request added nobody
    const auto stopped = stop_proc(serve);
    CHECK(stopped.code == 0);
}

TEST_CASE("rights come from the peer's credentials: another local user may read, and is told which right is missing to write") {
    if (::geteuid() != 0) {
        MESSAGE("skipped: needs root to run a command as another user");
        return;
    }
    if (std::system("command -v setpriv >/dev/null 2>&1") != 0) {
        MESSAGE("skipped: setpriv is missing");
        return;
    }
    Workshop w;
    auto serve = w.serve();
    REQUIRE(wait_ready(w.socket));
    auto as_nobody = [&](const std::string& args) {
        const auto cmd = "cd / && env -u LANG -u LC_ALL ETABLI_TZ=Europe/Paris setpriv --reuid=65534 --regid=65534 --clear-groups " +
                         std::string(ETABLI_BINARY) + " --db " + w.db + " " + args + " >" + (w.dir.path() / "n.out").string() +
                         " 2>" + (w.dir.path() / "n.err").string();
        const int status = std::system(cmd.c_str());
        return std::make_pair(WEXITSTATUS(status), read_file(w.dir.path() / "n.out") + read_file(w.dir.path() / "n.err"));
    };
    // Members' names are personal data: not for any local user; what names nobody is.
    const auto [names_code, names_text] = as_nobody("member list");
    INFO(names_text);
    CHECK(names_code == 1);
    CHECK(names_text.find("Léa Dubois") == std::string::npos);
    CHECK(names_text.find("données personnelles") != std::string::npos);
    const auto [read_code, read_text] = as_nobody("machine list");
    INFO(read_text);
    CHECK(read_code == 0);
    const auto [write_code, write_text] = as_nobody("member add --name Intrus");
    INFO(write_text);
    CHECK(write_code == 1);
    CHECK(write_text.find("droit manquant : écriture") != std::string::npos);
    const auto [csv_code, csv_text] = as_nobody("sessions --csv /tmp/x.csv");
    CHECK(csv_code == 1);
    stop_proc(serve);
}

// Run by its own ctest entry, serve_load_tests (tests/serve.cmake), with --no-skip.
TEST_CASE("1,000 commands interleaved with a second client's: each acknowledged write stored as acknowledged, and seen by a subscriber within 100 ms" *
          doctest::skip()) {
    const char* env_ops = std::getenv("ETABLI_SERVE_OPS");
    const int ops = env_ops ? std::max(20, std::atoi(env_ops)) : 1000;
    Workshop w;
    auto serve = w.serve();
    REQUIRE(wait_ready(w.socket));

    // The subscriber (what the kiosk draws from): when each snapshot version arrived.
    std::mutex mx;
    std::map<std::uint64_t, steady_clock::time_point> arrived;
    std::atomic<bool> done{false};
    std::thread subscriber([&] {
        cli::ApiClient c;
        REQUIRE(c.connect(w.socket, "subscriber"));
        c.on_event = [&](const json& e) {
            std::lock_guard lk(mx);
            arrived.emplace(e["snapshot"]["version"].get<std::uint64_t>(), steady_clock::now());
        };
        REQUIRE(c.request(json{{"op", "subscribe"}}));
        while (!done) {
            auto e = c.next(milliseconds(100));
            if (e && e->contains("event")) c.on_event(*e);
        }
    });

    // The second client: taps and members through the API; when each reply came, and its version.
    std::vector<std::pair<std::uint64_t, steady_clock::time_point>> replies;
    std::map<long long, std::string> api_members;
    std::atomic<int> api_ops{0};
    std::thread second([&] {
        cli::ApiClient c;
        REQUIRE(c.connect(w.socket, "second"));
        for (int i = 0; !done; ++i) {
            std::vector<std::string> argv = i % 2 ? std::vector<std::string>{"tap", "0009876543"}
                                                  : std::vector<std::string>{"--json", "member", "add", "--name", "Api " + std::to_string(i)};
            auto r = c.request(json{{"op", "cli"}, {"argv", argv}});
            REQUIRE(r);
            const auto now = steady_clock::now();
            REQUIRE((*r)["exit"] == 0);
            replies.emplace_back((*r)["version"].get<std::uint64_t>(), now);
            if (i % 2 == 0) api_members.emplace(json::parse((*r)["out"].get<std::string>())["id"].get<long long>(), "Api " + std::to_string(i));
            ++api_ops;
            std::this_thread::sleep_for(milliseconds(5));
        }
    });

    // The command line: four workers, each running chains of dependent commands.
    struct Acks {
        std::map<long long, std::string> members;
        std::map<std::string, long long> badges;
        std::map<long long, std::string> bookings;  // live ones: id -> local start
        std::set<std::string> tools_back;            // lent, then returned
        int cancelled = 0;
    };
    std::vector<Acks> acks(4);
    std::atomic<int> next{0};
    std::atomic<int> commands{0};
    std::atomic<int> failures{0};
    auto worker = [&](int k) {
        auto& a = acks[static_cast<std::size_t>(k)];
        auto run = [&](const std::vector<std::string>& args) {
            ++commands;
            const auto d = run_etabli(w.dir.path() / "", w.with_db(args));
            if (d.code != 0) {
                ++failures;
                std::lock_guard lk(mx);
                MESSAGE("failed: " << d.err);
            }
            return d;
        };
        for (;;) {
            if (commands >= ops) return;
            const int i = next.fetch_add(1);
            switch (i % 4) {
            case 0: {  // a member and a badge
                const auto name = "Cli " + std::to_string(i);
                const auto m = run({"--json", "member", "add", "--name", name});
                if (m.code != 0) break;
                const auto id = json::parse(m.out)["id"].get<long long>();
                a.members.emplace(id, name);
                const std::string uid = "77" + std::to_string(1000000 + i);
                if (run({"badge", "add", uid, "--member", std::to_string(id)}).code == 0) a.badges.emplace(uid, id);
                break;
            }
            case 1: {  // a tool, lent and given back
                const auto t = run({"--json", "tool", "add", "--name", "Outil " + std::to_string(i)});
                if (t.code != 0) break;
                const auto tag = json::parse(t.out)["tag"].get<std::string>();
                if (run({"lend", tag, "--member", "1"}).code != 0) break;
                if (run({"return", tag}).code == 0) a.tools_back.insert(tag);
                break;
            }
            case 2: {  // a booking kept
                const auto b = run(booking_args(i / 4));
                if (b.code == 0) a.bookings.emplace(json::parse(b.out)[0]["id"].get<long long>(), json::parse(b.out)[0]["start_local"].get<std::string>());
                break;
            }
            case 3: {  // a booking made, then cancelled
                auto args = booking_args(i / 4);
                args[2] = "5";  // a second machine
                const auto b = run(args);
                if (b.code != 0) break;
                const auto id = json::parse(b.out)[0]["id"].get<long long>();
                if (run({"booking", "cancel", std::to_string(id), "--reason", "test"}).code == 0) ++a.cancelled;
                break;
            }
            }
        }
    };
    REQUIRE(run_etabli(w.dir.path(), w.with_db({"machine", "add", "--name", "Banc 2", "--max-min", "120", "--ahead-days", "300"})).code == 0);
    const auto t0 = steady_clock::now();
    std::vector<std::thread> workers;
    for (int k = 0; k < 4; ++k) workers.emplace_back(worker, k);
    for (auto& t : workers) t.join();
    const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - t0);
    std::this_thread::sleep_for(milliseconds(300));
    done = true;
    second.join();
    subscriber.join();
    CHECK(failures == 0);
    CHECK(commands >= ops);
    MESSAGE(commands.load() << " command-line runs in " << elapsed.count() << " ms, with "
                << api_ops.load() << " API commands of a second client between them");

    // Each reply of the second client: its snapshot reached the subscriber within 100 ms.
    std::vector<double> late;
    {
        std::lock_guard lk(mx);
        for (const auto& [version, at] : replies) {
            auto it = arrived.lower_bound(version);
            REQUIRE(it != arrived.end());
            late.push_back(duration<double, std::milli>(it->second - at).count());
        }
    }
    std::sort(late.begin(), late.end());
    const double worst = late.empty() ? 0 : late.back();
    MESSAGE("reply to subscriber: p50 " << late[late.size() / 2] << " ms, worst " << worst << " ms (target: within 100 ms)");
#if defined(__SANITIZE_ADDRESS__)
    CHECK(worst < 1000.0);  // the sanitised build, on a PC busy starting four sanitised processes at a time
#else
    CHECK(worst < 100.0);  // the target, on the build users run
#endif

    stop_proc(serve);
    // On the file itself (no station now): every acknowledged write is there as acknowledged.
    std::map<long long, std::string> members;
    for (const auto& m : json::parse(run_etabli(w.dir.path(), w.with_db({"--json", "member", "list"})).out))
        members.emplace(m["id"].get<long long>(), m["name"].get<std::string>());
    std::map<long long, std::string> bookings;
    for (const auto& b : json::parse(run_etabli(w.dir.path(), w.with_db({"--json", "booking", "list", "--machine", "4"})).out))
        bookings.emplace(b["id"].get<long long>(), b["start_local"].get<std::string>());
    const auto live5 = json::parse(run_etabli(w.dir.path(), w.with_db({"--json", "booking", "list", "--machine", "5"})).out);
    CHECK(live5.empty());  // every booking of the second machine was cancelled
    std::size_t want_members = 6 + api_members.size(), want_bookings = 0;
    for (const auto& a : acks) {
        for (const auto& [id, name] : a.members) CHECK(members[id] == name);
        for (const auto& [id, start] : a.bookings) CHECK(bookings[id] == start);
        want_members += a.members.size();
        want_bookings += a.bookings.size();
    }
    for (const auto& [id, name] : api_members) CHECK(members[id] == name);
    CHECK(members.size() == want_members);
    CHECK(bookings.size() == want_bookings);
    for (const auto& a : acks)
        for (const auto& [uid, owner] : a.badges) {
            const auto shown = json::parse(run_etabli(w.dir.path(), w.with_db({"--json", "member", "show", std::to_string(owner)})).out);
            CHECK(shown.dump().find(uid) != std::string::npos);
            break;  // one per worker: a member show per badge would double the run
        }
    const auto tools = json::parse(run_etabli(w.dir.path(), w.with_db({"--json", "tool", "list"})).out);
    std::size_t back = 0;
    for (const auto& t : tools)
        for (const auto& a : acks)
            if (a.tools_back.contains(t["tag"].get<std::string>())) {
                CHECK(t["status"] == "available");
                ++back;
            }
    std::size_t want_back = 0;
    for (const auto& a : acks) want_back += a.tools_back.size();
    CHECK(back == want_back);
}
