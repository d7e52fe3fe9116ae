// Unit tests of the [tools] section of etabli.toml: the lending rules it sets, the
// defaults it keeps, writing it back, and bad values that name the line and the key; and the
// rule it switches (an overdue tool blocks new loans, or not). Layer: core. Single-threaded.
#include <etabli/core/config.hpp>
#include <etabli/core/tools.hpp>

#include <doctest/doctest.h>

using namespace etabli::core;
using namespace std::chrono;

namespace {
Problem bad(const std::string& text) {
    auto c = parse_config(text);
    REQUIRE_FALSE(c.has_value());
    return c.error();
}
}  // namespace

TEST_CASE("tool config: every rule set, written back and read again") {
    auto c = parse_config("timezone = \"Europe/Paris\"\n[tools]\nmax_tools = 2\nmax_loan_days = 21\nhold_days = 5\n"
                          "reserve_ahead_days = 30\noverdue_blocks = false\n");
    REQUIRE(c.has_value());
    REQUIRE(c->tools);
    CHECK(c->tools->max_loans == 2);
    CHECK(c->tools->max_days == 21);
    CHECK(c->tools->hold_days == 5);
    CHECK(c->tools->max_reserve_ahead_days == 30);
    CHECK_FALSE(c->tools->overdue_blocks);
    auto again = parse_config(to_toml(*c));
    REQUIRE(again.has_value());
    CHECK(*again == *c);
}

TEST_CASE("tool config: keys left out keep their defaults; no section is no rule changed") {
    auto c = parse_config("[tools]\nmax_tools = 3\n");
    REQUIRE(c.has_value());
    REQUIRE(c->tools);
    const ToolRules defaults;
    CHECK(c->tools->max_loans == 3);
    CHECK(c->tools->max_days == defaults.max_days);
    CHECK(c->tools->hold_days == defaults.hold_days);
    CHECK(c->tools->overdue_blocks);
    auto none = parse_config("timezone = \"Europe/Paris\"\n");
    REQUIRE(none.has_value());
    CHECK_FALSE(none->tools);
    CHECK(to_toml(*none).find("[tools]") == std::string::npos);
    auto inline_table = parse_config("tools = { hold_days = 2 }\n");
    REQUIRE(inline_table.has_value());
    CHECK(inline_table->tools->hold_days == 2);
}

TEST_CASE("tool config: bad values name the line, the key and what is expected") {
    auto p = bad("timezone = \"Europe/Paris\"\n[tools]\nmax_tools = 0\n");
    CHECK(p.msgid == "Configuration line {0}: \"{1}\" must be a whole number from {2} to {3}");
    CHECK(p.args == std::vector<std::string>{"3", "max_tools", "1", "100"});
    p = bad("[tools]\nmax_loan_days = 400\n");
    CHECK(p.args == std::vector<std::string>{"2", "max_loan_days", "1", "365"});
    p = bad("[tools]\nhold_days = \"3\"\n");
    CHECK(p.args == std::vector<std::string>{"2", "hold_days", "1", "30"});
    p = bad("[tools]\nhold_days = -1\n");
    CHECK(p.args[1] == "hold_days");
    p = bad("[tools]\nmax_tools = 2.5\n");
    CHECK(p.args[1] == "max_tools");
    p = bad("[tools]\noverdue_blocks = \"oui\"\n");
    CHECK(p.msgid == "Configuration line {0}: \"{1}\" must be true or false");
    CHECK(p.args == std::vector<std::string>{"2", "overdue_blocks"});
    p = bad("[tools]\nmax_tool = 3\n");
    CHECK(p.msgid == "Configuration line {0}: unknown key \"{1}\" in [tools]");
    CHECK(p.args == std::vector<std::string>{"2", "max_tool"});
    p = bad("tools = 3\n");
    CHECK(p.msgid == "Configuration line {0}: \"{1}\" must be written as a [{1}] section");
    p = bad("[[tools]]\nmax_tools = 3\n");
    CHECK(p.msgid == "Configuration line {0}: \"{1}\" must be written as a [{1}] section");
    p = bad("[tools]\nmax_tools = 99999999999999999999\n");  // toml++'s own error, with its line
    CHECK(p.args[0] == "2");
}

TEST_CASE("tool config: overdue_blocks = false lets a member with an overdue tool borrow") {
    const Date today{2026y / 11 / 28};
    Member m;
    m.id = 1;
    m.display_name = "Léa";
    Tool t;
    t.id = 2;
    t.name = "Clé dynamométrique";
    Loan late;
    late.id = 1;
    late.tool = 9;
    late.member = 1;
    late.due = Date{sys_days{today} - days{2}};
    MemberLoans who{&m, {late}};
    const Date due{sys_days{today} + days{7}};
    ToolRules rules;
    auto p = check_lend(rules, t, who, 1, false, {}, today, due);
    REQUIRE(p);
    CHECK(p->msgid.find("overdue") != std::string::npos);
    rules.overdue_blocks = false;
    CHECK_FALSE(check_lend(rules, t, who, 1, false, {}, today, due));
}
