// `etabli controller list` and `etabli controller test` against the host-built firmware on a
// real pty, through the real binary. Layer: tests (cli + firmware on host).
#include "../cli/cli_run.hpp"
#include "pty_controller.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace etabli;

TEST_CASE("controllers cli: list probes a board and names what is wrong with another") {
    testing::PtyController board(2, 5);
    testing::Cli cli;
    const std::string config = (cli.dir / "etabli.toml").string();
    testing::write_file(config, "[[controller]]\nport = \"" + board.path() + "\"\nchannels = [\"Découpe laser\"]\n");
    auto r = cli({"--config", config, "--json", "controller", "list", "--port", "/dev/etabli-nothing-here"});
    CHECK(r.code == 1);  // one of the two is not there
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 2);
    CHECK(j[0]["up"] == true);
    CHECK(j[0]["firmware"] == "1.0.0");
    CHECK(j[0]["channels"] == 2);
    CHECK(j[0]["channel_status"][0]["machine"] == "Découpe laser");
    CHECK(j[0]["channel_status"][0]["relay"] == false);
    char boot[16];
    std::snprintf(boot, sizeof boot, "%08x", board.boot_id());
    CHECK(j[0]["boot_id"] == boot);
    CHECK(j[1]["up"] == false);
    CHECK(j[1]["problem"] == "Port du boîtier /dev/etabli-nothing-here introuvable\u00a0: le boîtier est-il branché\u00a0?");
}

TEST_CASE("controllers cli: test closes the relay for the time asked, then it is open again") {
    testing::PtyController board(2, 6);
    testing::Cli cli;
    std::atomic<bool> seen_on{false};
    std::thread watch([&] {
        for (int i = 0; i < 1000 && !seen_on; ++i) {
            if (board.relay(1)) seen_on = true;
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
        }
    });
    auto r = cli({"--lang", "en", "controller", "test", board.path(), "1", "--seconds", "1"});
    watch.join();
    CHECK(r.code == 0);
    CHECK(r.out.find("Relay 1 closed for 1 s") != std::string::npos);
    CHECK(seen_on);
    CHECK(!board.relay(1));
    auto bad = cli({"controller", "test", "/dev/etabli-nothing-here", "0"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("introuvable") != std::string::npos);
}
