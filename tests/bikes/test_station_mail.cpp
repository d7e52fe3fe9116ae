// Renewal reminders by e-mail, app scenarios: the Station with a fake clock and a real SQLite
// file. The day's look queues one reminder per membership ending within remind_days (members
// with an e-mail only), never twice (looking again, restarting); TakeMails leases the due ones
// and drops those no longer due (renewed, e-mail removed); MailTried records a send, a retry
// later on the schedule, a refusal for good, and gives up after the last try; erasing a member
// deletes their rows; no [smtp], no queue. Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    explicit Fixture(std::optional<int> remind = 30) : StationOnDisk(utc("2026-11-28T13:00:00Z")) {  // Saturday, 14:00 in Paris
        options.remind_days = remind;
        reopen();
        lea = member("Léa Dubois", "lea@example.org", core::Date{2026y / 12 / 15});     // in 17 days
        hugo = member("Hugo Bernard", "hugo@example.org", core::Date{2027y / 3 / 31});   // in 4 months
        zoe = member("Zoé Lefèvre", std::nullopt, core::Date{2026y / 12 / 1});            // no e-mail
        noe = member("Noé Petit", "noe@example.org", core::Date{2026y / 11 / 20});       // ended last week
        ana = member("Ana Moreau", "ana@example.org", core::Date{2026y / 12 / 28});      // in 30 days: the edge
        REQUIRE(station->call(Tick{}));
    }
    core::MemberId lea = 0, hugo = 0, zoe = 0, noe = 0, ana = 0;

    core::MemberId member(std::string name, std::optional<std::string> email, core::Date until) {
        core::MemberDraft d;
        d.display_name = std::move(name);
        d.email = std::move(email);
        d.valid_until = until;
        auto r = station->call(AddMember{d, std::nullopt, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Member>(*r).id;
    }
    std::vector<OutMail> take(int limit = 10) {
        auto r = station->call(TakeMails{limit});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<MailBatch>(*r).mails;
    }
    std::vector<OutMail> all() {
        auto r = station->call(ListMails{1000, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<MailBatch>(*r).mails;
    }
    const OutMail* row(core::MemberId m) {
        static std::vector<OutMail> rows;
        rows = all();
        for (const auto& r : rows)
            if (r.member == m) return &r;
        return nullptr;
    }
};

std::set<core::MemberId> members_of(const std::vector<OutMail>& mails) {
    std::set<core::MemberId> s;
    for (const auto& m : mails) s.insert(m.member);
    return s;
}

}  // namespace

TEST_CASE("the day's look queues one reminder per membership ending within remind_days, for members with an e-mail") {
    Fixture f;
    // The members were added after the start's look: the next look is within the hour.
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    const auto rows = f.all();
    CHECK(members_of(rows) == std::set<core::MemberId>{f.lea, f.ana});
    for (const auto& r : rows) {
        CHECK(r.attempts == 0);
        CHECK_FALSE(r.sent_at);
        CHECK(r.queued_at == f.clock.now());
    }

    // Taken: in the member's language, with their name; leased (not taken twice).
    auto taken = f.take();
    REQUIRE(taken.size() == 2);
    for (const auto& m : taken) {
        CHECK((m.name == "Léa Dubois" || m.name == "Ana Moreau"));
        CHECK(m.lang == core::Lang::fr);
    }
    CHECK(f.take().empty());

    // Looking again, a day later, and after a restart: nothing queued twice.
    for (const auto& m : taken) REQUIRE(f.station->call(MailTried{m.id, "", false}));
    f.clock.advance(hours(24));
    REQUIRE(f.station->call(Tick{}));
    f.reopen();
    f.clock.advance(hours(2));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.all().size() == 2);
    CHECK(f.take().empty());
    for (const auto& r : f.all()) CHECK(r.sent_at);
}

TEST_CASE("a reminder no longer due is dropped when taken: renewed, or its e-mail removed") {
    Fixture f;
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    REQUIRE(f.all().size() == 2);
    // Léa renews before the mail thread came by; Ana's e-mail is removed.
    core::MemberDraft lea;
    lea.display_name = "Léa Dubois";
    lea.email = "lea@example.org";
    lea.valid_until = core::Date{2027y / 12 / 15};
    REQUIRE(f.station->call(EditMember{f.lea, lea, std::nullopt}));
    core::MemberDraft ana;
    ana.display_name = "Ana Moreau";
    ana.valid_until = core::Date{2026y / 12 / 28};
    REQUIRE(f.station->call(EditMember{f.ana, ana, std::nullopt}));
    CHECK(f.take().empty());
    const auto* l = f.row(f.lea);
    REQUIRE(l);
    CHECK(l->given_up_at);
    CHECK(l->attempts == 0);
    CHECK(l->last_error.starts_with("dropped:"));
    const auto* a = f.row(f.ana);
    REQUIRE(a);
    CHECK(a->given_up_at);
}

TEST_CASE("a failed try is tried again on the schedule, then given up; a refusal for good is not tried again") {
    Fixture f;
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    auto taken = f.take();
    REQUIRE(taken.size() == 2);
    const auto lea_mail = taken[0].member == f.lea ? taken[0] : taken[1];
    const auto ana_mail = taken[0].member == f.lea ? taken[1] : taken[0];
    REQUIRE(f.station->call(MailTried{ana_mail.id, "refused: no such user (server reply 550)", true}));
    const auto* a = f.row(f.ana);
    REQUIRE(a);
    CHECK(a->given_up_at);
    CHECK(a->attempts == 1);

    // Léa's server is down: 5 min, 30 min, 2 h, then every 6 h; given up after the 10th try.
    REQUIRE(f.station->call(MailTried{lea_mail.id, "Couldn't connect to server", false}));
    const seconds waits[] = {5min, 30min, 2h, 6h, 6h, 6h, 6h, 6h, 6h};
    for (int i = 0; i < 9; ++i) {
        const auto* l = f.row(f.lea);
        REQUIRE(l);
        CHECK(l->attempts == i + 1);
        CHECK_FALSE(l->given_up_at);
        CHECK(l->next_try_at == f.clock.now() + waits[i]);
        CHECK(l->last_error == "Couldn't connect to server");
        f.clock.advance(waits[i] - seconds(1));
        CHECK(f.take().empty());  // not before its time
        f.clock.advance(seconds(1));
        auto again = f.take();
        REQUIRE(again.size() == 1);
        REQUIRE(f.station->call(MailTried{again[0].id, "Couldn't connect to server", false}));
    }
    const auto* l = f.row(f.lea);
    REQUIRE(l);
    CHECK(l->attempts == core::kMailMaxAttempts);
    CHECK(l->given_up_at);
    f.clock.advance(hours(24));
    CHECK(f.take().empty());
}

TEST_CASE("a taken e-mail whose taker died is taken again when its lease runs out") {
    Fixture f;
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    REQUIRE(f.take().size() == 2);
    f.reopen();  // the service restarted mid-send
    f.clock.advance(minutes(9));
    CHECK(f.take().empty());
    f.clock.advance(minutes(1));
    CHECK(f.take().size() == 2);
}

TEST_CASE("erasing a member deletes their e-mails; the purge deletes old finished ones") {
    Fixture f;
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    REQUIRE(f.all().size() == 2);
    {  // What the workshop keeps about Ana (her right of access) shows her reminder.
        auto data = db::member_data(f.store->connection(), f.ana);
        REQUIRE(data);
        std::size_t rows = 0;
        for (const auto& s : *data)
            if (s.name == "mail_queue") rows = s.rows.size();
        CHECK(rows == 1);
    }
    REQUIRE(f.station->call(EraseMember{f.ana, std::nullopt}));
    CHECK(members_of(f.all()) == std::set<core::MemberId>{f.lea});

    for (const auto& m : f.take()) REQUIRE(f.station->call(MailTried{m.id, "", false}));
    // A year and a half later the sent row is older than the presences kept (12 months).
    f.clock.advance(hours(24 * 540));
    auto p = f.station->call(PurgePersonalData{false, std::nullopt});
    REQUIRE_MESSAGE(p, (p ? "" : p.error().english()));
    CHECK(f.all().empty());
}

TEST_CASE("without [smtp] nothing is queued, and the mail thread is given nothing") {
    Fixture f(std::nullopt);
    f.clock.advance(hours(1));
    REQUIRE(f.station->call(Tick{}));
    CHECK(f.all().empty());
    CHECK(f.take().empty());
    const auto view = std::get<feature_index_v<MailFeature>>(f.station->snapshot()->parts);
    REQUIRE(view);
    CHECK_FALSE(view->enabled);
}

TEST_CASE("only the station's own threads take e-mails; the queue is for admins") {
    Fixture f;
    CHECK_FALSE(f.station->call(TakeMails{10}, Origin::kiosk));
    CHECK_FALSE(f.station->call(MailTried{1, "", false}, Origin::kiosk));
    CHECK_FALSE(f.station->call(ListMails{10, f.lea}, Origin::kiosk));
}
