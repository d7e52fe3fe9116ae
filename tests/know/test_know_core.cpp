// Unit tables of trainings, help in the room and know-how cards: places and waiting list,
// attendance window, next training, who can help (order, opt-in, history), help text, card
// checks and the Markdown import with its bad input (invalid UTF-8, no title, too big).
// Layer: core tests.
#include <doctest/doctest.h>

#include <etabli/core/help.hpp>
#include <etabli/core/know_how.hpp>
#include <etabli/core/trainings.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace etabli::core;
using namespace std::chrono;
using testing::utc;

namespace {

Training training(int capacity = 2) {
    Training t;
    t.id = 1;
    t.skill = 7;
    t.start = utc("2026-12-05T13:00:00Z");
    t.end = utc("2026-12-05T15:00:00Z");
    t.capacity = capacity;
    t.trainer = 100;
    return t;
}

Signup place(SignupId id, MemberId m, SignupState s = SignupState::confirmed) {
    return Signup{id, 1, m, s, utc("2026-12-01T10:00:00Z"), std::nullopt};
}

local_seconds local(const char* text) { return local_seconds{utc(text).time_since_epoch()}; }

}  // namespace

TEST_CASE("training fields") {
    const auto now = utc("2026-12-01T10:00:00Z");
    CHECK(validate_training(training(), now));
    auto t = training(0);
    CHECK(validate_training(t, now).error().msgid == "A training takes 1 to {0} people");
    t = training(201);
    CHECK_FALSE(validate_training(t, now));
    t = training();
    t.end = t.start;
    CHECK(validate_training(t, now).error().msgid == "A training must end after it starts");
    t = training();
    t.end = t.start + hours{13};
    CHECK(validate_training(t, now).error().msgid == "A training lasts 12 hours at most");
    t = training();
    t.level = 4;
    CHECK_FALSE(validate_training(t, now));
    t = training();
    CHECK(validate_training(t, t.start + hours{1}).error().msgid == "A training cannot start in the past");
    t.note = "ligne\x01";
    CHECK_FALSE(validate_training(t, now));
    t.note = "  Apportez votre vélo  ";
    CHECK(validate_training(t, now)->note == "Apportez votre vélo");
}

TEST_CASE("sign-up: confirmed while there is room, then the waiting list") {
    const auto t = training(2);
    const auto now = utc("2026-12-01T10:00:00Z");
    std::vector<Signup> places;
    CHECK(*signup_decision(t, places, 1, now) == SignupState::confirmed);
    places.push_back(place(1, 1));
    places.push_back(place(2, 2));
    CHECK(*signup_decision(t, places, 3, now) == SignupState::waiting);
    CHECK(signup_decision(t, places, 2, now).error().msgid == "Already signed up for this training");
    places.push_back(place(3, 3, SignupState::waiting));
    places.push_back(place(4, 4, SignupState::waiting));
    CHECK(waiting_position(places, 3) == 1);
    CHECK(waiting_position(places, 4) == 2);
    CHECK_FALSE(waiting_position(places, 1));

    SUBCASE("a cancellation promotes the first who waits, in order") {
        places[0].state = SignupState::cancelled;
        auto moved = settle_signups(places, t.capacity);
        REQUIRE(moved.size() == 1);
        CHECK(moved[0].member == 3);
        CHECK(moved[0].state == SignupState::confirmed);
        CHECK(waiting_position(places, 4) == 1);
        // A cancelled member may sign up again: at the end of the line.
        CHECK(*signup_decision(t, places, 1, now) == SignupState::waiting);
    }
    SUBCASE("closed trainings") {
        auto c = t;
        c.cancelled = true;
        CHECK(signup_decision(c, places, 9, now).error().msgid == "This training was cancelled");
        c = t;
        c.granted_at = now;
        CHECK_FALSE(signup_decision(c, places, 9, now));
        CHECK(signup_decision(t, places, 9, t.end).error().msgid == "This training is over");
    }
}

TEST_CASE("attendance window and next training") {
    const auto t = training();
    CHECK_FALSE(attendance_open(t, t.start - minutes{31}));
    CHECK(attendance_open(t, t.start - minutes{30}));
    CHECK(attendance_open(t, t.end - seconds{1}));
    CHECK_FALSE(attendance_open(t, t.end));

    auto later = training();
    later.id = 2;
    later.start += days{7};
    later.end += days{7};
    auto other = training();
    other.id = 3;
    other.skill = 8;
    other.start -= days{1};
    other.end -= days{1};
    const std::vector<Training> all{later, t, other};
    CHECK(next_training(all, 7, utc("2026-12-01T10:00:00Z"))->id == 1);
    CHECK(next_training(all, 7, t.end)->id == 2);  // the first one is over
    CHECK_FALSE(next_training(all, 9, t.end));
    auto granted = all;
    granted[1].granted_at = t.end;
    CHECK(next_training(granted, 7, t.start)->id == 2);
}

TEST_CASE("who can help: present first by level, then usual visitors; only opted-in, level 2 or more") {
    // Saturday 2026-12-05, 15:20 local. History: Saturdays 14:00-17:00.
    const auto now = local("2026-12-05T15:20:00Z");
    std::vector<LocalSpan> history;
    auto visit = [&](MemberId m, const char* in, const char* out) { history.push_back({m, local(in), local(out)}); };
    visit(5, "2026-11-28T14:00:00Z", "2026-11-28T17:00:00Z");
    visit(5, "2026-11-21T15:50:00Z", "2026-11-21T16:30:00Z");  // overlaps 15:00-16:00
    visit(6, "2026-11-28T14:00:00Z", "2026-11-28T17:00:00Z");  // once only: not "usual"
    visit(6, "2026-11-27T14:00:00Z", "2026-11-27T17:00:00Z");  // a Friday
    visit(7, "2026-11-28T14:00:00Z", "2026-11-28T17:00:00Z");
    visit(7, "2026-11-21T14:00:00Z", "2026-11-21T17:00:00Z");
    visit(7, "2026-11-14T14:00:00Z", "2026-11-14T17:00:00Z");
    visit(8, "2026-11-28T14:00:00Z", "2026-11-28T17:00:00Z");  // level 1: never listed
    visit(8, "2026-11-21T14:00:00Z", "2026-11-21T17:00:00Z");
    visit(9, "2026-11-28T16:00:00Z", "2026-11-28T18:00:00Z");  // after the hour: no
    visit(9, "2026-11-21T14:00:00Z", "2026-11-21T15:00:00Z");  // ends at 15:00 sharp: no
    std::map<MemberId, int> levels{{1, 3}, {2, 2}, {3, 3}, {4, 1}, {5, 2}, {6, 3}, {7, 2}, {8, 1}, {9, 3}, {10, 3}};
    auto level = [&](MemberId m) { return levels.count(m) ? levels[m] : 0; };
    std::set<MemberId> opted{1, 2, 4, 5, 6, 7, 8, 9, 10};  // 3 did not opt in
    const std::vector<MemberId> present{2, 1, 3, 4, 10};

    auto helpers = who_can_help(present, history, level, opted, now, MemberId{10});
    std::vector<MemberId> order;
    for (const auto& h : helpers) order.push_back(h.member);
    CHECK(order == std::vector<MemberId>{1, 2, 7, 5});
    CHECK(helpers[0].present);
    CHECK(helpers[0].level == 3);
    CHECK_FALSE(helpers[2].present);
    CHECK(helpers[2].usual_count == 3);
    CHECK(helpers[3].usual_count == 2);
    CHECK(usual_count(history, 9, now) == 0);
    CHECK(usual_count(history, 6, now) == 1);

    // A member in the room is never listed twice, even if they also usually come.
    auto again = who_can_help({7}, history, level, opted, now, std::nullopt);
    REQUIRE(again.size() == 2);
    CHECK(again[0].member == 7);
    CHECK(again[0].present);
    CHECK(again[1].member == 5);
}

TEST_CASE("who can help: a span across midnight counts on both days") {
    const std::vector<LocalSpan> history{{1, local("2026-11-27T22:00:00Z"), local("2026-11-28T01:30:00Z")},
                                         {1, local("2026-11-20T22:00:00Z"), local("2026-11-21T01:30:00Z")}};
    CHECK(usual_count(history, 1, local("2026-12-05T00:10:00Z")) == 2);  // Saturday 00:10
    CHECK(usual_count(history, 1, local("2026-12-04T23:10:00Z")) == 2);  // Friday 23:10
    CHECK(usual_count(history, 1, local("2026-12-05T02:10:00Z")) == 0);
}

TEST_CASE("help request text") {
    CHECK(*normalize_help_text("  roue voilée  ") == "roue voilée");
    CHECK(*normalize_help_text("") == "");
    CHECK_FALSE(normalize_help_text(std::string(141, 'a')));
    CHECK_FALSE(normalize_help_text("a\nb"));
    CHECK_FALSE(normalize_help_text("\xC3"));
    CHECK(help_state_from_string("helped") == HelpState::helped);
    CHECK_FALSE(help_state_from_string("nope"));
}

TEST_CASE("card fields") {
    Card c;
    c.title = "  Dévoiler une roue ";
    c.steps = {{"Mettre la roue dans le banc", std::nullopt}, {"   ", std::nullopt}, {"", std::string("photos/banc.jpg")}};
    c.skills = {3, 1, 3};
    auto v = validate_card(c);
    REQUIRE(v);
    CHECK(v->title == "Dévoiler une roue");
    CHECK(v->steps.size() == 2);  // the blank step is dropped; a photo alone is a step
    CHECK(v->skills == std::vector<std::int64_t>{1, 3});
    c.title = "";
    CHECK_FALSE(validate_card(c));
    c.title = "T";
    c.steps = {};
    CHECK(validate_card(c).error().msgid == "A card needs at least one step");
    c.steps.assign(51, CardStep{"x", std::nullopt});
    CHECK(validate_card(c).error().msgid == "A card has at most {0} steps");
    c.steps = {{"ok", std::string("../etc/passwd")}};
    CHECK_FALSE(validate_card(c));
    c.steps = {{"ligne 1\nligne 2", std::nullopt}};
    CHECK(validate_card(c));

    CHECK(*normalize_photo_path("photos/roue.jpg") == "photos/roue.jpg");
    for (const char* bad : {"/etc/passwd", "../x.jpg", "a/../../b", "C:\\x.jpg", "http://x/y.jpg", "", "a\x01.jpg"})
        CHECK_FALSE(normalize_photo_path(bad));

    std::vector<Card> cards(3);
    auto card_of = [](CardId id, const char* title, int helped) {
        Card k;
        k.id = id;
        k.title = title;
        k.helped = helped;
        return k;
    };
    cards[0] = card_of(1, "B", 1);
    cards[1] = card_of(2, "A", 1);
    cards[2] = card_of(3, "Z", 5);
    order_cards(cards);
    CHECK(cards[0].id == 3);
    CHECK(cards[1].id == 2);
    CHECK(cards[2].id == 1);
}

TEST_CASE("Markdown: title, list items, sections and photos") {
    struct Row {
        const char* text;
        const char* title;
        std::vector<std::pair<std::string, std::string>> steps;  // text, photo ("" none)
    };
    const Row rows[] = {
        {"# Dévoiler une roue\n\n1. Démonter la roue\n2. La mettre dans le banc\n3. Serrer les rayons\n",
         "Dévoiler une roue", {{"Démonter la roue", ""}, {"La mettre dans le banc", ""}, {"Serrer les rayons", ""}}},
        {"# T\r\n- un\r\n* deux\r\n+ trois\r\n", "T", {{"un", ""}, {"deux", ""}, {"trois", ""}}},
        {"# T\n1) un\n   suite du un\n2) deux\n", "T", {{"un\nsuite du un", ""}, {"deux", ""}}},
        {"# T\n## Préparer\nSortir les outils.\n\nVérifier la pression.\n## Réparer\n- Rustine\n",
         "T", {{"Préparer\nSortir les outils.\nVérifier la pression.", ""}, {"Réparer", ""}, {"Rustine", ""}}},
        {"# T\n- Démonter ![roue](photos/roue.jpg)\n- Remonter\n![fin](photos/fin.jpg)\n",
         "T", {{"Démonter", "photos/roue.jpg"}, {"Remonter", "photos/fin.jpg"}}},
        {"# T\n- Un\n![a](a.jpg)\n![b](b.jpg \"titre\")\n", "T", {{"Un", "a.jpg"}, {"b", "b.jpg"}}},
        {"\xEF\xBB\xBFIntro avant le titre\n# Titre ##\nUn paragraphe.\n\nUn autre.\n", "Titre",
         {{"Intro avant le titre", ""}, {"Un paragraphe.", ""}, {"Un autre.", ""}}},
        {"# T\n- a\n# Deuxième titre\n- b\n", "T", {{"a", ""}, {"Deuxième titre", ""}, {"b", ""}}},
        {"# T\n-pas une liste\n12.pas non plus\n", "T", {{"-pas une liste\n12.pas non plus", ""}}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        auto r = parse_card_markdown(row.text);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        CHECK(r->title == row.title);
        REQUIRE(r->steps.size() == row.steps.size());
        for (std::size_t i = 0; i < row.steps.size(); ++i) {
            CHECK(r->steps[i].text == row.steps[i].first);
            CHECK(r->steps[i].photo.value_or("") == row.steps[i].second);
        }
    }
}

TEST_CASE("Markdown: bad input is refused with its line") {
    struct Row {
        std::string text;
        const char* msgid;
        std::vector<std::string> args;
    };
    const std::vector<Row> rows{
        {"# Titre\n- un\n- d\xC3\x28ux\n", "Line {0}: the file is not valid UTF-8 text", {"3"}},
        {"# Titre\n- \xED\xA0\x80\n", "Line {0}: the file is not valid UTF-8 text", {"2"}},  // a surrogate
        {"- un\n- deux\n", "The card has no title: its first heading must be a line starting with \"# \"", {}},
        {"", "The card has no title: its first heading must be a line starting with \"# \"", {}},
        {"# Titre seul\n", "The card has no steps: write them as a list or as \"## \" sections", {}},
        {"#\n- a\n", "Line {0}: the title is empty", {"1"}},
        {"# " + std::string(121, 'x') + "\n- a\n", "Line {0}: the title is longer than {1} characters", {"1", "120"}},
        {"# T\n- a\x07\n", "Line {0}: the file holds a control character", {"2"}},
        {"# T\n- a ![x](/etc/passwd)\n", "Line {0}: the photo \"{1}\" must be a file name relative to the cards folder",
         {"2", "/etc/passwd"}},
        {"# T\n- " + std::string(2001, 'a') + "\n", "Line {0}: a step is longer than {1} characters", {"2", "2000"}},
        {std::string(64 * 1024 + 1, 'a'), "The card file is larger than {0} KiB", {"64"}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text.substr(0, 60));
        auto r = parse_card_markdown(row.text);
        REQUIRE_FALSE(r);
        CHECK(r.error().msgid == row.msgid);
        CHECK(r.error().args == row.args);
    }
    std::string many = "# T\n";
    for (int i = 0; i < 51; ++i) many += "- step\n";
    auto r = parse_card_markdown(many);
    REQUIRE_FALSE(r);
    CHECK(r.error().msgid == "Line {0}: a card has at most {1} steps");
    CHECK(r.error().args[0] == "52");
    // Without the title requirement (the command line gives one), steps alone are a card.
    auto untitled = parse_card_markdown("- un\n- deux\n", false);
    REQUIRE(untitled);
    CHECK(untitled->title.empty());
    CHECK(untitled->steps.size() == 2);
}
