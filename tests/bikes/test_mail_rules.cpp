// E-mail, the pure rules: addresses, the message on the wire (encoded-word subject, base64
// body, CRLF, no header injection), the reminder's text in French and English, the retry
// schedule, and [smtp] of etabli.toml. Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/config.hpp>
#include <etabli/core/mail.hpp>

#include "smtp_sink.hpp"

using namespace etabli;
using namespace etabli::core;
using namespace std::chrono;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

Translations french() {
    Translations t;
    t.fr.add("Your membership of {0} ends on {1}", "Votre adhésion à {0} se termine le {1}");
    t.fr.add("Hello {0},", "Bonjour {0},");
    return t;
}

MailMessage message() {
    MailMessage m;
    m.from = MailAddress{"Atelier Vélo", "atelier@example.org"};
    m.to = "lea@example.org";
    m.subject = "Votre adhésion à l'Atelier Vélo se termine le 15/12/2026";
    m.body = "Bonjour Léa,\n\nVotre adhésion…\n";
    m.date = sys_days{2026y / 11 / 28} + hours(13);
    m.message_id = "<etabli.1.1@example.org>";
    return m;
}

}  // namespace

TEST_CASE("addresses: a name and an address, or an address; anything else refused") {
    auto a = parse_mail_address("Atelier Vélo <Atelier@Example.org>");
    REQUIRE(a);
    CHECK(a->name == "Atelier Vélo");
    CHECK(a->address == "atelier@example.org");
    CHECK(to_string(*a) == "Atelier Vélo <atelier@example.org>");
    auto b = parse_mail_address("bureau@example.org");
    REQUIRE(b);
    CHECK(b->name.empty());
    auto q = parse_mail_address("\"Vélo, Atelier\" <a@example.org>");
    REQUIRE(q);
    CHECK(q->name == "Vélo, Atelier");
    for (const char* bad : {"", "atelier", "a@b", "Atelier <a@example.org", "A <a@example.org> x", "A\r\nBcc: x@y.org <a@example.org>",
                            "<a@example.org>\r\n", "a@example.org\nBcc: x@example.org"})
        CHECK_MESSAGE(!parse_mail_address(bad), bad);
}

TEST_CASE("the message on the wire: ASCII headers, the subject as encoded words, the body in base64 lines") {
    auto text = to_rfc5322(message());
    REQUIRE(text);
    const auto& t = *text;
    CHECK(t.starts_with("Date: Sat, 28 Nov 2026 13:00:00 +0000\r\n"));
    CHECK(has(t, "\r\nFrom: =?UTF-8?B?"));
    CHECK(has(t, "<atelier@example.org>\r\n"));
    CHECK(has(t, "\r\nTo: lea@example.org\r\n"));
    CHECK(has(t, "\r\nMessage-ID: <etabli.1.1@example.org>\r\n"));
    CHECK(has(t, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    CHECK(has(t, "\r\nContent-Transfer-Encoding: base64\r\n"));
    CHECK(has(t, "\r\nAuto-Submitted: auto-generated\r\n\r\n"));
    for (char c : t) CHECK(static_cast<unsigned char>(c) < 0x80);
    // Every line ends in CRLF and holds at most 78 characters.
    std::size_t start = 0;
    while (start < t.size()) {
        const auto end = t.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        CHECK(end - start <= 78);
        start = end + 2;
    }
    // The subject's words decode back to the subject; the body to the text, in CRLF lines.
    CHECK(testing::mail_subject(t) == message().subject);
    CHECK(testing::mail_body(t) == "Bonjour Léa,\r\n\r\nVotre adhésion…\r\n");

    auto plain = message();
    plain.from.name = "Atelier";
    plain.subject = "Hello";
    auto p = to_rfc5322(plain);
    REQUIRE(p);
    CHECK(has(*p, "\r\nFrom: \"Atelier\" <atelier@example.org>\r\n"));
    CHECK(has(*p, "\r\nSubject: Hello\r\n"));

    // A long subject, even plain ASCII, is folded into encoded words: no line over 78.
    auto longer = message();
    longer.subject = std::string(200, 'x');
    auto l = to_rfc5322(longer);
    REQUIRE(l);
    CHECK(testing::mail_subject(*l) == longer.subject);
    for (std::size_t at = 0, end; (end = l->find("\r\n", at)) != std::string::npos; at = end + 2) CHECK(end - at <= 78);
}

TEST_CASE("a field that would add a header, a bad address or a body that is not text is refused, whole") {
    using Spoil = void (*)(MailMessage&);
    const Spoil spoiled[] = {
        [](MailMessage& m) { m.subject = "Hello\r\nBcc: everyone@example.org"; },
        [](MailMessage& m) { m.to = "lea@example.org\r\nBcc: everyone@example.org"; },
        [](MailMessage& m) { m.from.name = "Atelier\nBcc: x@example.org"; },
        [](MailMessage& m) { m.to = "not an address"; },
        [](MailMessage& m) { m.to = "léa@exemple.fr"; },  // accents need SMTPUTF8
        [](MailMessage& m) { m.body = "bad \xFF utf-8"; },
    };
    for (const auto spoil : spoiled) {
        auto m = message();
        spoil(m);
        auto r = to_rfc5322(m);
        CHECK_FALSE(r);
        if (!r) CHECK_FALSE(r.error().msgid.empty());
    }
}

TEST_CASE("base64") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("the reminder's text: the end, the days left, the plans offered, in the member's language") {
    const auto tr = french();
    std::vector<Plan> plans(3);
    plans[0] = Plan{1, "Annuelle", 12, 2000, false, true};
    plans[1] = Plan{2, "Prix libre", 12, 1000, true, true};
    plans[2] = Plan{3, "Ancienne", 12, 1500, false, false};
    const Date until = 2026y / 12 / 15;
    auto fr = renewal_reminder(tr, Lang::fr, "Léa Dubois", until, 2026y / 11 / 28, plans, "l'Atelier Vélo");
    CHECK(fr.subject == "Votre adhésion à l'Atelier Vélo se termine le 15/12/2026");
    CHECK(fr.body.starts_with("Bonjour Léa Dubois,\n"));
    CHECK(has(fr.body, "17"));
    CHECK(has(fr.body, "Annuelle"));
    CHECK(has(fr.body, "Prix libre"));
    CHECK_FALSE(has(fr.body, "Ancienne"));
    auto en = renewal_reminder(tr, Lang::en, "Léa Dubois", until, 2026y / 12 / 15, {}, "the Bike Kitchen");
    CHECK(en.subject == "Your membership of the Bike Kitchen ends on 2026-12-15");
    CHECK(has(en.body, "ends today"));
    CHECK_FALSE(has(en.body, "The memberships:"));
    CHECK(format_local_date(2027y / 1 / 5, Lang::fr) == "05/01/2027");
    CHECK(format_local_date(2027y / 1 / 5, Lang::en) == "2027-01-05");
}

TEST_CASE("a failed send is tried again after 5 min, 30 min, 2 h, then every 6 h, and given up after the 10th try") {
    CHECK(mail_retry_delay(1) == minutes(5));
    CHECK(mail_retry_delay(2) == minutes(30));
    CHECK(mail_retry_delay(3) == hours(2));
    for (int i = 4; i < kMailMaxAttempts; ++i) CHECK(mail_retry_delay(i) == hours(6));
    CHECK_FALSE(mail_retry_delay(kMailMaxAttempts));
}

TEST_CASE("[smtp] of etabli.toml: url and from required, every value checked, written back as read") {
    auto c = parse_config(R"(
[smtp]
url = "smtp://mail.example.org:587"
user = "atelier@example.org"
password_file = "smtp-password"
from = "Atelier Vélo <atelier@example.org>"
reply_to = "bureau@example.org"
remind_days = 21
)");
    REQUIRE_MESSAGE(c, (c ? "" : c.error().english()));
    REQUIRE(c->smtp);
    CHECK(c->smtp->url == "smtp://mail.example.org:587");
    CHECK(c->smtp->starttls);
    CHECK(c->smtp->from.name == "Atelier Vélo");
    CHECK(c->smtp->reply_to->address == "bureau@example.org");
    CHECK(c->smtp->remind_days == 21);
    CHECK(c->smtp->timeout_s == 30);
    auto again = parse_config(to_toml(*c));
    REQUIRE(again);
    CHECK(*again == *c);

    const std::pair<const char*, const char*> bad[] = {
        {"[smtp]\nfrom = \"a@example.org\"\n", "needs"},
        {"[smtp]\nurl = \"smtp://h\"\n", "needs"},
        {"[smtp]\nurl = \"http://h\"\nfrom = \"a@example.org\"\n", "smtp://"},
        {"[smtp]\nurl = \"smtp://\"\nfrom = \"a@example.org\"\n", "smtp://"},
        {"[smtp]\nurl = \"smtp://u:p@h\"\nfrom = \"a@example.org\"\n", "smtp://"},
        {"[smtp]\nurl = \"smtp://h\"\nfrom = \"nobody\"\n", "e-mail address"},
        {"[smtp]\nurl = \"smtp://h\"\nfrom = \"a@example.org\"\nremind_days = 400\n", "from 0 to 90"},
        {"[smtp]\nurl = \"smtp://h\"\nfrom = \"a@example.org\"\nstarttls = \"yes\"\n", "true or false"},
        {"[smtp]\nurl = \"smtp://h\"\nfrom = \"a@example.org\"\npassword = \"x\"\npassword_file = \"f\"\n", "not both"},
        {"[smtp]\nurl = \"smtp://h\"\nfrom = \"a@example.org\"\nport = 25\n", "unknown key"},
        {"smtp = 3\n", "section"},
    };
    for (const auto& [text, why] : bad) {
        auto r = parse_config(text);
        REQUIRE_MESSAGE(!r, text);
        CHECK_MESSAGE(has(r.error().english(), why), r.error().english());
    }
}
