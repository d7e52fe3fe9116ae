// Tests of SqlStore, one use case at a time: what each call stores and logs, and that a
// failing call changes nothing at all (no row, no event).
// Layer: db tests (a temp-file database per test). Single-threaded.

#include "testing.hpp"
#include "store_backend.hpp"

#include <etabli/db/sql_store.hpp>

#include <doctest/doctest.h>

using namespace etabli;
using etabli::testing::TempDir;
using etabli::testing::utc;
namespace fs = std::filesystem;

namespace {

struct Fixture {
    TempDir tmp;
    std::unique_ptr<db::SqlStore> store;
    core::Timestamp t0 = utc("2026-11-28T14:00:00Z");

    Fixture() {
        // SQLite, or PostgreSQL under ETABLI_TEST_BACKEND (store_backend.hpp).
        store = testing::open_test_store(testing::new_test_store_location(tmp / "etabli.db"));
    }

    std::int64_t count(const char* sql) {
        auto n = store->connection().query_int(sql);
        REQUIRE_MESSAGE(n, (n ? "" : n.error().english()));
        return *n;
    }
    std::int64_t events() { return count("SELECT count(*) FROM events"); }
    std::string last_event(const char* column) {
        std::string sql = std::string("SELECT ") + column + " FROM events ORDER BY id DESC LIMIT 1";
        auto st = store->connection().prepare(sql);
        REQUIRE(st);
        auto row = st->step();
        REQUIRE(row);
        REQUIRE(*row);
        return st->column_text(0);
    }

    core::Member member(std::string name, std::optional<std::string> email = std::nullopt,
                        core::Role role = core::Role::member) {
        auto m = store->add_member(core::MemberDraft{std::move(name), std::move(email), role, std::nullopt,
                                                     core::Lang::fr},
                                   std::nullopt, t0);
        REQUIRE_MESSAGE(m, (m ? "" : m.error().english()));
        return *m;
    }
};

core::ImportRow row(std::size_t line, std::string name, std::optional<std::string> email,
                    std::optional<std::string> until = std::nullopt) {
    core::MemberDraft d{std::move(name), std::move(email), core::Role::member, std::nullopt, core::Lang::fr};
    if (until) d.valid_until = core::parse_date(*until);
    core::ImportRow r{line, std::move(d)};
    r.has_email = r.has_until = r.has_role = r.has_lang = true;  // a sheet with every column
    return r;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "add_member stores the member, lower-cases the e-mail and logs it") {
    auto host = member("Hôte", std::nullopt, core::Role::host);
    core::MemberDraft d{"Zoë Ñúñez-Œhlenschläger 😀", std::string("Zoe@Example.ORG"), core::Role::volunteer,
                        core::parse_date("2027-01-31"), core::Lang::en};
    auto m = store->add_member(d, host.id, t0);
    REQUIRE(m);
    CHECK(m->id > host.id);
    CHECK(m->email == std::optional<std::string>{"zoe@example.org"});
    CHECK(m->created_at == t0);

    auto data = store->load();
    REQUIRE(data);
    REQUIRE(data->members.size() == 2);
    const auto& got = data->members[1];
    CHECK(got.display_name == "Zoë Ñúñez-Œhlenschläger 😀");
    CHECK(got.email == m->email);
    CHECK(got.role == core::Role::volunteer);
    CHECK(got.lang == core::Lang::en);
    CHECK(got.valid_until == d.valid_until);
    CHECK(got.created_at == t0);
    CHECK(got.updated_at == t0);

    CHECK(events() == 2);
    CHECK(last_event("kind") == "member.added");
    CHECK(last_event("subject") == "member:" + std::to_string(m->id));
    CHECK(last_event("actor_member_id") == std::to_string(host.id));
    CHECK(last_event("at") == "2026-11-28T14:00:00Z");
}

TEST_CASE_FIXTURE(Fixture, "a second member with the same e-mail is refused and nothing is written") {
    member("Léa Martin", "lea@example.org");
    auto before = events();
    auto dup = store->add_member(core::MemberDraft{"Autre", std::string("LEA@example.org"), core::Role::member,
                                                   std::nullopt, core::Lang::fr},
                                 std::nullopt, t0);
    REQUIRE_FALSE(dup);
    CHECK(dup.error().msgid == "E-mail {0} is already used by {1}.");
    CHECK(dup.error().args == std::vector<std::string>{"lea@example.org", "Léa Martin"});
    CHECK(count("SELECT count(*) FROM members") == 1);
    CHECK(events() == before);
}

TEST_CASE_FIXTURE(Fixture, "set_member_lang changes and logs only a real change") {
    auto m = member("Léa");
    auto later = t0 + std::chrono::hours{1};
    auto en = store->set_member_lang(m.id, core::Lang::en, later);
    REQUIRE(en);
    CHECK(en->lang == core::Lang::en);
    CHECK(en->updated_at == later);
    CHECK(last_event("kind") == "member.lang");
    auto before = events();
    REQUIRE(store->set_member_lang(m.id, core::Lang::en, later));
    CHECK(events() == before);
    auto missing = store->set_member_lang(999, core::Lang::fr, later);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().args == std::vector<std::string>{"999"});
    CHECK(events() == before);
    auto data = store->load();
    REQUIRE(data);
    CHECK(data->members[0].lang == core::Lang::en);
}

TEST_CASE_FIXTURE(Fixture, "badges keep their leading zeros and are enrolled once") {
    auto lea = member("Léa Martin");
    auto jean = member("Jean");
    auto b = store->add_badge("0004521337", lea.id, std::nullopt, t0);
    REQUIRE(b);
    CHECK(b->uid == "0004521337");
    CHECK(b->status == core::BadgeStatus::active);
    CHECK(last_event("kind") == "badge.added");
    CHECK(last_event("subject") == "badge:0004521337");
    // "4521337" is another badge, not the same one without its zeros.
    REQUIRE(store->add_badge("4521337", jean.id, std::nullopt, t0));

    auto before = events();
    auto dup = store->add_badge("0004521337", jean.id, std::nullopt, t0);
    REQUIRE_FALSE(dup);
    CHECK(dup.error().msgid == "Badge {0} is already enrolled to {1}.");
    CHECK(dup.error().args == std::vector<std::string>{"0004521337", "Léa Martin"});
    CHECK(events() == before);

    auto data = store->load();
    REQUIRE(data);
    REQUIRE(data->badges.size() == 2);
    CHECK(data->badges[0].uid == "0004521337");
    CHECK(data->badges[0].member_id == lea.id);
    CHECK(data->badges[1].uid == "4521337");
}

TEST_CASE_FIXTURE(Fixture, "add_badge to a missing member changes nothing and logs nothing") {
    auto before = events();
    auto b = store->add_badge("0001", 4242, std::nullopt, t0);
    REQUIRE_FALSE(b);
    CHECK(b.error().args == std::vector<std::string>{"4242"});
    CHECK(count("SELECT count(*) FROM badges") == 0);
    CHECK(events() == before);
}

TEST_CASE_FIXTURE(Fixture, "a revoked or lost badge can be given again") {
    auto lea = member("Léa");
    auto jean = member("Jean");
    REQUIRE(store->add_badge("00FF", lea.id, std::nullopt, t0));
    auto lost = store->set_badge_status("00FF", core::BadgeStatus::lost, lea.id, t0);
    REQUIRE(lost);
    CHECK(lost->status == core::BadgeStatus::lost);
    CHECK(last_event("kind") == "badge.lost");
    auto before = events();
    REQUIRE(store->set_badge_status("00FF", core::BadgeStatus::lost, lea.id, t0));  // no change, no event
    CHECK(events() == before);

    auto again = store->add_badge("00FF", jean.id, lea.id, t0 + std::chrono::hours{2});
    REQUIRE(again);
    CHECK(again->member_id == jean.id);
    CHECK(again->status == core::BadgeStatus::active);
    CHECK(last_event("kind") == "badge.added");
    CHECK(last_event("detail").find("\"was\":\"lost\"") != std::string::npos);

    REQUIRE(store->set_badge_status("00FF", core::BadgeStatus::revoked, lea.id, t0));
    CHECK(last_event("kind") == "badge.revoked");
    auto data = store->load();
    REQUIRE(data);
    CHECK(data->badges[0].status == core::BadgeStatus::revoked);

    before = events();
    auto unknown = store->set_badge_status("0999", core::BadgeStatus::revoked, std::nullopt, t0);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().msgid == "Unknown badge {0}.");
    CHECK(events() == before);
}

TEST_CASE_FIXTURE(Fixture, "check in and out") {
    auto lea = member("Léa");
    REQUIRE(store->add_badge("0042", lea.id, std::nullopt, t0));
    auto in = store->check_in(lea.id, "0042", std::nullopt, t0, t0);
    REQUIRE(in);
    CHECK(in->member_id == lea.id);
    CHECK_FALSE(in->checked_out);
    CHECK(last_event("kind") == "presence.in");

    auto data = store->load();
    REQUIRE(data);
    REQUIRE(data->open_presence.size() == 1);
    CHECK(data->open_presence[0].id == in->id);
    CHECK(data->open_presence[0].checked_in == t0);

    auto before = events();
    auto twice = store->check_in(lea.id, "0042", std::nullopt, t0, t0);
    REQUIRE_FALSE(twice);
    CHECK(events() == before);

    auto out_at = t0 + std::chrono::hours{3};
    auto out = store->check_out(in->id, "0042", out_at);
    REQUIRE(out);
    CHECK(out->checked_out == std::optional<core::Timestamp>{out_at});
    CHECK(out->checked_in == t0);
    CHECK(last_event("kind") == "presence.out");
    CHECK(count("SELECT count(*) FROM presence WHERE closed_by = 'badge'") == 1);

    before = events();
    auto again = store->check_out(in->id, "0042", out_at);
    REQUIRE_FALSE(again);
    CHECK(events() == before);
    data = store->load();
    REQUIRE(data);
    CHECK(data->open_presence.empty());
}

TEST_CASE_FIXTURE(Fixture, "check_in closes a stale presence from an earlier day first") {
    auto lea = member("Léa");
    auto yesterday = utc("2026-11-27T09:00:00Z");
    auto end_of_yesterday = utc("2026-11-27T23:00:00Z");
    auto old = store->check_in(lea.id, "", std::nullopt, yesterday, yesterday);
    REQUIRE(old);
    auto before = events();
    auto in = store->check_in(lea.id, "0042", old->id, end_of_yesterday, t0);
    REQUIRE(in);
    CHECK(in->id != old->id);
    CHECK(events() == before + 2);
    CHECK(count("SELECT count(*) FROM events WHERE kind = 'presence.auto_closed'") == 1);
    auto closed = store->connection().prepare("SELECT checked_out, closed_by FROM presence WHERE id = ?1");
    REQUIRE(closed);
    closed->bind(1, old->id);
    REQUIRE(closed->step().value_or(false));
    CHECK(closed->column_text(0) == "2026-11-27T23:00:00Z");
    CHECK(closed->column_text(1) == "auto");
    auto data = store->load();
    REQUIRE(data);
    REQUIRE(data->open_presence.size() == 1);
    CHECK(data->open_presence[0].id == in->id);
}

TEST_CASE_FIXTURE(Fixture, "a check_in that fails rolls back the stale close too") {
    auto lea = member("Léa");
    auto old = store->check_in(lea.id, "", std::nullopt, t0, t0);
    REQUIRE(old);
    auto before = events();
    // Closing the stale presence succeeds, then the member is unknown: all of it is undone.
    auto bad = store->check_in(999, "0042", old->id, t0, t0);
    REQUIRE_FALSE(bad);
    // And a stale id that is not open is refused.
    auto bogus = store->check_in(lea.id, "0042", 12345, t0, t0);
    REQUIRE_FALSE(bogus);
    CHECK(events() == before);
    CHECK(count("SELECT count(*) FROM presence") == 1);
    CHECK(count("SELECT count(*) FROM presence WHERE checked_out IS NULL") == 1);
}

TEST_CASE_FIXTURE(Fixture, "close_stale closes what is still open and counts it") {
    auto a = member("A");
    auto b = member("B");
    auto c = member("C");
    auto pa = store->check_in(a.id, "", std::nullopt, t0, t0);
    auto pb = store->check_in(b.id, "", std::nullopt, t0, t0);
    auto pc = store->check_in(c.id, "", std::nullopt, t0, t0);
    REQUIRE((pa && pb && pc));
    REQUIRE(store->check_out(pb->id, "", t0 + std::chrono::hours{1}));
    auto before = events();
    auto n = store->close_stale({pa->id, pb->id, 777}, utc("2026-11-28T23:00:00Z"));
    REQUIRE(n);
    CHECK(*n == 1);
    CHECK(events() == before + 1);
    auto data = store->load();
    REQUIRE(data);
    REQUIRE(data->open_presence.size() == 1);
    CHECK(data->open_presence[0].id == pc->id);
}

TEST_CASE_FIXTURE(Fixture, "a refused tap is logged") {
    REQUIRE(store->log_refusal("000123", core::TapKind::badge_revoked, t0));
    CHECK(last_event("kind") == "tap.refused");
    CHECK(last_event("subject") == "badge:000123");
    CHECK(last_event("detail").find(std::string(core::to_string(core::TapKind::badge_revoked))) !=
          std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "import adds, updates and leaves unchanged rows alone") {
    std::vector<core::ImportRow> rows = {
        row(2, "Léa Martin", "lea@example.org", "2026-12-31"),
        row(3, "Jean Dupont", std::nullopt),
        row(4, "Zoé Ñúñez", "ZOE@example.org"),
    };
    auto first = store->import_members(rows, t0);
    REQUIRE_MESSAGE(first, (first ? "" : first.error().english()));
    CHECK(first->added == 3);
    CHECK(first->updated == 0);
    CHECK(first->unchanged == 0);
    CHECK(count("SELECT count(*) FROM members") == 3);
    CHECK(count("SELECT count(*) FROM members WHERE email = 'zoe@example.org'") == 1);

    // The same file again: nothing written, not even an event or an updated_at.
    auto before = events();
    auto later = t0 + std::chrono::hours{24};
    auto same = store->import_members(rows, later);
    REQUIRE(same);
    CHECK(same->added == 0);
    CHECK(same->updated == 0);
    CHECK(same->unchanged == 3);
    CHECK(events() == before);
    CHECK(count("SELECT count(*) FROM members WHERE updated_at <> '2026-11-28T14:00:00Z'") == 0);

    // A renewed membership, a name written differently (same person: case and accents are
    // not part of the identity without e-mail), and a newcomer.
    rows[0].draft.valid_until = core::parse_date("2027-12-31");
    rows[1].draft.display_name = "JEAN DUPONT";
    rows.push_back(row(5, "Nouveau Venu", "nouveau@example.org"));
    auto next = store->import_members(rows, later);
    REQUIRE(next);
    CHECK(next->added == 1);
    CHECK(next->updated == 2);
    CHECK(next->unchanged == 1);
    CHECK(count("SELECT count(*) FROM members") == 4);
    CHECK(count("SELECT count(*) FROM events WHERE kind = 'member.updated'") == 2);
    CHECK(count("SELECT count(*) FROM events WHERE kind = 'member.imported'") == 4);
    auto data = store->load();
    REQUIRE(data);
    CHECK(data->members[0].valid_until == core::parse_date("2027-12-31"));
    CHECK(data->members[0].updated_at == later);
    CHECK(data->members[0].created_at == t0);
    CHECK(data->members[1].display_name == "JEAN DUPONT");
}

TEST_CASE_FIXTURE(Fixture, "import matches members added at the kiosk") {
    auto lea = member("Léa Martin", "lea@example.org");
    auto summary = store->import_members({row(2, "Léa Martin", "lea@example.org")}, t0);
    REQUIRE(summary);
    CHECK(summary->unchanged == 1);
    CHECK(count("SELECT count(*) FROM members") == 1);
}

TEST_CASE_FIXTURE(Fixture, "re-importing a sheet without role or language columns keeps what the kiosk set") {
    auto first = store->import_members({row(2, "Léa Dubois", "lea@example.org", "2027-08-31")}, t0);
    REQUIRE(first);
    auto loaded = store->load();
    REQUIRE(loaded);
    const auto id = loaded->members.at(0).id;
    REQUIRE(store->set_member_lang(id, core::Lang::en, t0));
    auto sparse = row(2, "Léa Dubois", "lea@example.org");
    sparse.has_role = sparse.has_lang = sparse.has_until = false;
    auto again = store->import_members({sparse}, t0);
    REQUIRE(again);
    CHECK(again->unchanged == 1);
    loaded = store->load();
    CHECK(loaded->members.at(0).lang == core::Lang::en);
    CHECK(loaded->members.at(0).valid_until == core::parse_date("2027-08-31"));
}
