// Renewal reminders end to end: the real `etabli` binary against a throwaway SMTP server on
// loopback (smtp_sink.hpp) started by the test. `etabli mail test` sends one message now;
// `etabli serve` with [smtp] sends a member's reminder once (not again after a restart), in
// their language; an address refused for good is given up; a server that hangs never holds the
// station (commands answer meanwhile, and the service stops on time); bad settings are refused
// with their line. Layer: cli tests.
#include <doctest/doctest.h>

#include "serve_support.hpp"
#include "smtp_sink.hpp"

#include <fstream>

using namespace etabli;
using namespace etabli::testing;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Workshop {
    TempDir dir;
    std::string db = (dir.path() / "etabli.db").string();
    std::string toml = (dir.path() / "etabli.toml").string();
    fs::path socket = dir.path() / "station.sock";
    Started started;  // killed if still running when the test ends

    Workshop() {
        REQUIRE(run({"init"}).code == 0);
    }
    void config(const std::string& smtp) { std::ofstream(toml) << smtp; }
    // The sink speaks plain SMTP on loopback: starttls off, as for a relay on the same machine.
    std::string smtp_section(const SmtpSink& sink, const std::string& more = "", int timeout_s = 5) const {
        return "[smtp]\nurl = \"" + sink.url() + "\"\nstarttls = false\nfrom = \"Atelier Vélo <atelier@example.org>\"\ntimeout_s = " +
               std::to_string(timeout_s) + "\n" + more;
    }
    Done run(std::vector<std::string> args) {
        args.insert(args.begin(), {"--db", db, "--config", toml});
        return run_etabli(dir.path(), args);
    }
    Proc serve(const std::string& tag = "serve") {
        auto p = spawn_etabli(dir.path(), tag, {"--db", db, "--config", toml, "serve", "--socket", socket.string()});
        started.add(p.pid);
        REQUIRE(wait_ready(socket));
        return p;
    }
    nlohmann::json mails() {
        auto r = run({"--json", "mail", "list"});
        REQUIRE_MESSAGE(r.code == 0, r.err);
        return nlohmann::json::parse(r.out);
    }
    // The queue once it holds `n` e-mails and the latest was tried (at most 30 s).
    nlohmann::json mails_tried(std::size_t n) {
        nlohmann::json list;
        for (int i = 0; i < 300; ++i) {
            list = mails();
            if (list.size() == n && list[0]["status"] != "waiting") break;
            std::this_thread::sleep_for(milliseconds(100));
        }
        return list;
    }
};

}  // namespace

TEST_CASE("etabli mail test sends one message now through the configured server") {
    Workshop w;
    SmtpSink sink;
    w.config(w.smtp_section(sink, "reply_to = \"bureau@example.org\"\n"));
    auto r = w.run({"mail", "test", "--to", "Lea@Example.org"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(has(r.out, "lea@example.org"));
    const auto got = sink.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].from == "<atelier@example.org>");
    CHECK(got[0].rcpt == "<lea@example.org>");
    CHECK(has(got[0].data, "\r\nTo: lea@example.org\r\n"));
    CHECK(has(got[0].data, "\r\nReply-To: bureau@example.org\r\n"));
    CHECK(mail_subject(got[0].data) == "Message de test de la station de l'atelier");

    // A refusal names the server's reason; a bad address and no [smtp] are refused before.
    sink.set_mode(SmtpSink::Mode::refuse_rcpt);
    r = w.run({"mail", "test", "--to", "lea@example.org"});
    CHECK(r.code == 1);
    CHECK(has(r.err, "550"));
    r = w.run({"mail", "test", "--to", "lea"});
    CHECK(r.code == 2);
    w.config("");
    r = w.run({"mail", "test", "--to", "lea@example.org"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "[smtp]"));
    w.config("[smtp]\nurl = \"http://example.org\"\nfrom = \"atelier@example.org\"\n");
    r = w.run({"mail", "test", "--to", "lea@example.org"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "ligne 2"));
    // A password file that is not there stops the service at start, naming it.
    w.config(w.smtp_section(sink, "user = \"atelier\"\npassword_file = \"absent\"\n"));
    r = w.run({"serve", "--socket", w.socket.string()});
    CHECK(r.code == 2);
    CHECK(has(r.err, "absent"));
}

TEST_CASE("the service sends a member's reminder once, in their language, and not again after a restart") {
    Workshop w;
    SmtpSink sink;
    w.config(w.smtp_section(sink));
    REQUIRE(w.run({"plan", "add", "Annuelle", "--price", "20"}).code == 0);
    REQUIRE(w.run({"plan", "add", "Prix libre", "--price", "10", "--prix-libre"}).code == 0);
    REQUIRE(w.run({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org", "--until", day_in(10)}).code == 0);
    REQUIRE(w.run({"member", "add", "--name", "Sam Taylor", "--email", "sam@example.org", "--until", day_in(3), "--lang", "en"}).code == 0);
    REQUIRE(w.run({"member", "add", "--name", "Hugo Bernard", "--email", "hugo@example.org", "--until", day_in(90)}).code == 0);
    REQUIRE(w.run({"member", "add", "--name", "Zoé Lefèvre", "--until", day_in(5)}).code == 0);

    auto serve = w.serve();
    REQUIRE_MESSAGE(sink.wait_for(2, seconds(30)), read_file(serve.err));
    auto got = sink.messages();
    REQUIRE(got.size() == 2);
    const auto& lea = got[0].rcpt == "<lea@example.org>" ? got[0] : got[1];
    const auto& sam = got[0].rcpt == "<lea@example.org>" ? got[1] : got[0];
    CHECK(lea.rcpt == "<lea@example.org>");
    CHECK(sam.rcpt == "<sam@example.org>");
    const auto end = day_in(10);  // YYYY-MM-DD
    const auto fr_end = end.substr(8, 2) + "/" + end.substr(5, 2) + "/" + end.substr(0, 4);
    CHECK(mail_subject(lea.data) == "Votre adhésion à Atelier Vélo se termine le " + fr_end);
    const auto body = mail_body(lea.data);
    CHECK(has(body, "Bonjour Léa Dubois,"));
    CHECK(has(body, "dans 10 jours"));
    CHECK(has(body, "Annuelle"));
    CHECK(has(body, "20,00"));
    CHECK(has(body, "Prix libre"));
    CHECK(mail_subject(sam.data) == "Your membership of Atelier Vélo ends on " + day_in(3));
    CHECK(has(mail_body(sam.data), "Hello Sam Taylor,"));

    auto list = w.mails();
    REQUIRE(list.size() == 2);
    for (const auto& m : list) CHECK(m["status"] == "sent");

    // Restarted: nothing sent twice.
    stop_proc(serve);
    serve = w.serve("serve2");
    std::this_thread::sleep_for(seconds(2));
    CHECK(sink.messages().size() == 2);
    CHECK(w.mails().size() == 2);
    CHECK(stop_proc(serve).code == 0);
}

TEST_CASE("an address the server refuses for good is given up at once; a failure for now is tried again later") {
    Workshop w;
    SmtpSink sink(SmtpSink::Mode::refuse_rcpt);
    w.config(w.smtp_section(sink));
    REQUIRE(w.run({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org", "--until", day_in(10)}).code == 0);
    auto serve = w.serve();
    auto list = w.mails_tried(1);
    REQUIRE(list.size() == 1);
    CHECK(list[0]["status"] == "given up");
    CHECK(has(list[0].value("error", ""), "550"));
    CHECK(list[0]["attempts"] == 1);
    stop_proc(serve);

    // A new membership end, and a server failing for now: tried again in 5 minutes.
    sink.set_mode(SmtpSink::Mode::fail_data);
    REQUIRE(w.run({"member", "add", "--name", "Hugo Bernard", "--email", "hugo@example.org", "--until", day_in(20)}).code == 0);
    serve = w.serve("serve2");
    list = w.mails_tried(2);
    REQUIRE(list.size() == 2);
    CHECK(list[0]["status"] == "to try again");
    CHECK(has(list[0].value("error", ""), "451"));
    CHECK(list[0].contains("next_try_at"));
    // Plain text for people too.
    auto r = w.run({"mail", "list"});
    CHECK(has(r.out, "Hugo Bernard"));
    CHECK(has(r.out, "à réessayer"));
    CHECK(stop_proc(serve).code == 0);
}

TEST_CASE("a mail server that hangs never holds the station: commands answer meanwhile, and the service stops on time") {
    Workshop w;
    SmtpSink sink(SmtpSink::Mode::hang);
    w.config(w.smtp_section(sink, "", 60));
    REQUIRE(w.run({"member", "add", "--name", "Léa Dubois", "--email", "lea@example.org", "--until", day_in(10)}).code == 0);
    auto serve = w.serve();
    // The mail thread is inside its try (connected, waiting for the greeting).
    for (int i = 0; i < 200 && sink.connections() == 0; ++i) std::this_thread::sleep_for(milliseconds(50));
    REQUIRE(sink.connections() == 1);
    const auto t0 = steady_clock::now();
    auto r = w.run({"member", "add", "--name", "Hugo Bernard"});
    CHECK(r.code == 0);
    r = w.run({"--json", "mail", "list"});
    CHECK(r.code == 0);
    CHECK(steady_clock::now() - t0 < seconds(10));
    // Stopped while the try hangs: the try is cancelled, the service ends well within
    // systemd's 20 s, and the e-mail is still to send.
    const auto t1 = steady_clock::now();
    CHECK(stop_proc(serve, seconds(20)).code == 0);
    CHECK(steady_clock::now() - t1 < seconds(5));
    auto list = w.mails();
    REQUIRE(list.size() == 1);
    CHECK(list[0]["status"] == "waiting");
}
