// core: every lending refusal, the field checks, and the tool CSV import (duplicate tags:
// nothing imported, every bad line listed). Layer: unit tests (pure core, no clock).
#include <doctest/doctest.h>

#include <etabli/core/tools.hpp>

using namespace etabli;
using namespace etabli::core;
using std::chrono::days;
using std::chrono::sys_days;
using namespace std::chrono_literals;

namespace {

const Date kToday = 2026y / 11 / 28;
Date in_days(int offset) { return Date{sys_days{kToday} + days{offset}}; }

Member member(MemberId id) {
    Member m;
    m.id = id;
    m.display_name = "Léa";
    return m;
}
Tool tool(ToolId id) {
    Tool t;
    t.id = id;
    t.name = "Clé";
    t.tag = "T" + std::to_string(id);
    return t;
}
Loan loan(ToolId tool, MemberId m, Date due) {
    Loan l;
    l.id = tool;
    l.tool = tool;
    l.member = m;
    l.due = due;
    return l;
}
Reservation range(MemberId m, Date from, Date to) {
    Reservation r;
    r.id = 1;
    r.tool = 1;
    r.member = m;
    r.kind = ReservationKind::range;
    r.from = from;
    r.to = to;
    return r;
}

// The msgid of a refusal, or "" when allowed.
std::string lend(const Tool& t, const MemberLoans& who, std::size_t basket = 1, bool auth = false,
                 std::vector<Reservation> rs = {}, Date due = in_days(7), ToolRules rules = {}) {
    auto p = check_lend(rules, t, who, basket, auth, rs, kToday, due);
    return p ? p->msgid : "";
}

}  // namespace

TEST_CASE("a plain loan is allowed") {
    const auto m = member(1);
    CHECK(lend(tool(1), {&m, {}}) == "");
}

TEST_CASE("every lending refusal names its rule and what to do") {
    const auto m = member(1);
    MemberLoans who{&m, {}};
    SUBCASE("unknown member") { CHECK(lend(tool(1), {nullptr, {}}).find("Unknown member") != std::string::npos); }
    SUBCASE("retired") {
        auto t = tool(1);
        t.status = ToolStatus::retired;
        CHECK(lend(t, who).find("retired") != std::string::npos);
    }
    SUBCASE("in repair") {
        auto t = tool(1);
        t.status = ToolStatus::in_repair;
        CHECK(lend(t, who).find("in repair") != std::string::npos);
    }
    SUBCASE("already on loan") {
        auto t = tool(1);
        t.status = ToolStatus::on_loan;
        CHECK(lend(t, who).find("already on loan") != std::string::npos);
    }
    SUBCASE("membership ended") {
        auto old = member(1);
        old.valid_until = in_days(-1);
        CHECK(lend(tool(1), {&old, {}}).find("Membership") != std::string::npos);
    }
    SUBCASE("overdue tool") {
        who.open_loans.push_back(loan(9, 1, in_days(-1)));
        const auto msg = lend(tool(1), who);
        CHECK(msg.find("overdue") != std::string::npos);
        CHECK(msg.find("bring back") != std::string::npos);
    }
    SUBCASE("due today is not overdue") {
        who.open_loans.push_back(loan(9, 1, kToday));
        CHECK(lend(tool(1), who) == "");
    }
    SUBCASE("at most N at once, counting the basket") {
        ToolRules rules;
        rules.max_loans = 2;
        who.open_loans.push_back(loan(9, 1, in_days(3)));
        CHECK(lend(tool(1), who, 1, false, {}, in_days(7), rules) == "");
        CHECK(lend(tool(1), who, 2, false, {}, in_days(7), rules).find("At most") != std::string::npos);
    }
    SUBCASE("needs authorisation") {
        auto t = tool(1);
        t.needs_authorisation = true;
        CHECK(lend(t, who, 1, false).find("authorisation") != std::string::npos);
        CHECK(lend(t, who, 1, true) == "");
    }
    SUBCASE("held for another member") {
        auto r = range(2, kToday, kToday);
        r.kind = ReservationKind::waiting;
        r.state = ReservationState::held;
        r.held_until = in_days(2);
        CHECK(lend(tool(1), who, 1, false, {r}).find("held for another member") != std::string::npos);
        r.member = 1;
        CHECK(lend(tool(1), who, 1, false, {r}) == "");
    }
    SUBCASE("reserved by another member during the loan") {
        CHECK(lend(tool(1), who, 1, false, {range(2, in_days(3), in_days(5))}).find("due date before") != std::string::npos);
        CHECK(lend(tool(1), who, 1, false, {range(2, in_days(-1), in_days(1))}).find("choose another tool") != std::string::npos);
        CHECK(lend(tool(1), who, 1, false, {range(2, in_days(8), in_days(9))}) == "");  // after the due day
        CHECK(lend(tool(1), who, 1, false, {range(1, in_days(3), in_days(5))}) == "");  // their own
    }
}

TEST_CASE("due dates stay within the maximum") {
    ToolRules rules;
    rules.max_days = 30;
    auto t = tool(1);
    t.loan_days = 7;
    CHECK(*due_date(rules, t, std::nullopt, kToday) == in_days(7));
    CHECK(*due_date(rules, t, 1, kToday) == in_days(1));
    CHECK(!due_date(rules, t, 31, kToday));
    CHECK(!due_date(rules, t, 0, kToday));
    t.loan_days = 90;  // a default above the maximum is capped
    CHECK(*due_date(rules, t, std::nullopt, kToday) == in_days(30));
}

TEST_CASE("renewals: the limit, a waiting list, a reservation") {
    auto t = tool(1);
    t.max_renewals = 1;
    auto l = loan(1, 1, in_days(3));
    CHECK(!check_renew(t, l, {}, in_days(10)));
    l.renewals = 1;
    CHECK(check_renew(t, l, {}, in_days(10))->msgid.find("limit") != std::string::npos);
    l.renewals = 0;
    auto w = range(2, kToday, kToday);
    w.kind = ReservationKind::waiting;
    CHECK(check_renew(t, l, {w}, in_days(10))->msgid.find("waiting") != std::string::npos);
    CHECK(check_renew(t, l, {range(2, in_days(8), in_days(9))}, in_days(10))->msgid.find("reserved") != std::string::npos);
    l.returned_at = Timestamp{};
    CHECK(check_renew(t, l, {}, in_days(10))->msgid.find("not on loan") != std::string::npos);
}

TEST_CASE("reservations: ranges, overlaps, a tool on loan, the waiting list") {
    ToolRules rules;
    const auto m = member(1);
    const auto t = tool(1);
    CHECK(!check_reserve(rules, t, &m, std::nullopt, {}, true, in_days(1), in_days(3), kToday));
    CHECK(check_reserve(rules, t, &m, std::nullopt, {}, true, in_days(-1), in_days(3), kToday)->msgid.find("past") != std::string::npos);
    CHECK(check_reserve(rules, t, &m, std::nullopt, {}, true, in_days(3), in_days(1), kToday)->msgid.find("ends before") != std::string::npos);
    CHECK(check_reserve(rules, t, &m, std::nullopt, {range(2, in_days(2), in_days(4))}, true, in_days(1), in_days(3), kToday)->msgid.find("already reserved") !=
          std::string::npos);
    CHECK(!check_reserve(rules, t, &m, std::nullopt, {range(2, in_days(4), in_days(6))}, true, in_days(1), in_days(3), kToday));
    const auto out = loan(1, 2, in_days(5));
    CHECK(check_reserve(rules, t, &m, out, {}, true, in_days(1), in_days(3), kToday)->msgid.find("on loan until") != std::string::npos);
    CHECK(!check_reserve(rules, t, &m, out, {}, true, in_days(6), in_days(8), kToday));
    CHECK(!check_reserve(rules, t, &m, out, {}, false, kToday, kToday, kToday));  // the waiting list is for that
    CHECK(check_reserve(rules, t, &m, loan(1, 1, in_days(5)), {}, false, kToday, kToday, kToday)->msgid.find("already has") != std::string::npos);
    auto retired = t;
    retired.status = ToolStatus::retired;
    CHECK(check_reserve(rules, retired, &m, std::nullopt, {}, true, in_days(1), in_days(3), kToday)->msgid.find("retired") != std::string::npos);
}

TEST_CASE("tags, euros and tool fields") {
    CHECK(*normalize_tag("  abc-12 ") == "ABC-12");
    CHECK(!normalize_tag(""));
    CHECK(!normalize_tag("a b"));
    CHECK(!normalize_tag(std::string(65, 'A')));
    CHECK(!normalize_tag("é"));
    CHECK(*parse_euros("20") == 2000);
    CHECK(*parse_euros("12,5") == 1250);
    CHECK(*parse_euros("12.50 €") == 1250);
    CHECK(*parse_euros("") == 0);
    CHECK(!parse_euros("douze"));
    CHECK(!parse_euros("1.234"));
    CHECK(!parse_euros("-3"));
    CHECK(!parse_euros("99999999"));
    CHECK(format_euros(1250) == "12.50");
    CHECK(format_euros(5) == "0.05");
    Tool t = tool(1);
    t.loan_days = 0;
    CHECK(!validate_tool(t));
    t.loan_days = 7;
    t.name = "   ";
    CHECK(!validate_tool(t));
    CHECK(tool_condition_from_string("abîmé") == ToolCondition::damaged);
    CHECK(tool_condition_from_string("usé") == ToolCondition::worn);
}

TEST_CASE("a tool's photo: a file name in the photos folder, never a path out of it") {
    Tool t = tool(1);
    t.photo = "  outils/perceuse.jpg ";
    auto v = validate_tool(t);
    REQUIRE(v);
    CHECK(v->photo == "outils/perceuse.jpg");
    t.photo = "   ";  // blank: no photo
    v = validate_tool(t);
    REQUIRE(v);
    CHECK_FALSE(v->photo);
    for (const char* bad : {"../etabli.db", "outils/../../x.jpg", "/etc/passwd", "C:\\photos\\a.jpg", "\\\\srv\\a.jpg",
                            "https://exemple.fr/a.jpg", "a\tb.jpg"}) {
        t.photo = bad;
        auto r = validate_tool(t);
        REQUIRE_FALSE(r);
        CHECK(r.error().msgid == "The photo \"{0}\" must be a file name relative to the photos folder");
    }
    t.photo = std::string(300, 'a');
    CHECK_FALSE(validate_tool(t));
}

TEST_CASE("days late") {
    CHECK(days_late(loan(1, 1, in_days(-3)), kToday) == 3);
    CHECK(days_late(loan(1, 1, kToday), kToday) == 0);
    auto l = loan(1, 1, in_days(-3));
    l.returned_at = Timestamp{};
    CHECK(days_late(l, kToday) == 0);
}

TEST_CASE("tool CSV: French headers, semicolons, Windows-1252") {
    const std::string csv = "Nom;Étiquette;Catégorie;Caution;Durée;Habilitation;État\r\n"
                            "Clé dynamométrique;CLE-1;Vélo;20;7;non;bon\r\n"
                            "Perceuse;;Perçage;12,50;;oui;abîmé\r\n";
    auto rows = parse_tool_csv(csv, {});
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].tool.tag == "CLE-1");
    CHECK((*rows)[0].tool.deposit_cents == 2000);
    CHECK((*rows)[0].tool.loan_days == 7);
    CHECK((*rows)[1].tool.tag.empty());
    CHECK((*rows)[1].tool.needs_authorisation);
    CHECK((*rows)[1].tool.status == ToolStatus::in_repair);
    CHECK((*rows)[1].line == 3);

    const std::string cp1252 = "Nom,Tag\nCl\xE9 \xE0 molette,M1\n";  // é à in Windows-1252
    auto r2 = parse_tool_csv(cp1252, {});
    REQUIRE(r2);
    CHECK((*r2)[0].tool.name == "Clé à molette");
}

TEST_CASE("tool CSV: duplicate tags and bad lines, nothing imported") {
    const std::string csv = "Name,Tag,Deposit,Days\n"
                            "Drill,D1,10,7\n"
                            "Saw,d1,,\n"          // same tag as line 2 (case ignored)
                            "Hammer,H1,lots,\n"   // bad deposit
                            ",H2,,\n"             // no name
                            "Level,OLD,,\n";      // already stored
    auto rows = parse_tool_csv(csv, {"OLD"});
    REQUIRE(!rows);
    const auto& e = rows.error();
    REQUIRE(e.size() == 4);
    CHECK(e[0].line == 3);
    CHECK(e[0].problem.msgid.find("already used on line") != std::string::npos);
    CHECK(e[1].line == 4);
    CHECK(e[2].line == 5);
    CHECK(e[3].line == 6);
    CHECK(e[3].problem.msgid.find("already used by a tool") != std::string::npos);
}

TEST_CASE("tool CSV: a photo column; a photo outside the folder refuses its line") {
    auto rows = parse_tool_csv("Nom;Photo\nPerceuse;perceuse.jpg\nScie;\n", {});
    REQUIRE(rows);
    CHECK((*rows)[0].tool.photo == "perceuse.jpg");
    CHECK_FALSE((*rows)[1].tool.photo);
    auto bad = parse_tool_csv("Name,Image\nDrill,drill.png\nSaw,../../etc/shadow\n", {});
    REQUIRE_FALSE(bad);
    REQUIRE(bad.error().size() == 1);
    CHECK(bad.error()[0].line == 3);
}

TEST_CASE("tool CSV: no name column, empty file, UTF-16") {
    CHECK(!parse_tool_csv("Tag,Deposit\nA,1\n", {}));
    CHECK(!parse_tool_csv("", {}));
    CHECK(!parse_tool_csv("Nom\n", {}));
    CHECK(!parse_tool_csv(std::string("\xFF\xFEN\0", 4), {}));
    CHECK(!parse_tool_csv("Nom\n\"Clé\n", {}));  // quote never closed
}
