// The hosts' members screen, headless: found by name on the on-screen keyboard, its role,
// end of membership and language changed, saved with EditMember; a refusal from the station
// shown; laid out at 800x480, 1280x800 and 1920x1080 in French.
// Layer: gui tests. Single thread.
#include <doctest/doctest.h>

#include "harness.hpp"

namespace {

struct MembersHarness : Harness {
    explicit MembersHarness(ImVec2 display = ImVec2(1280, 800)) : Harness(display) {}
    void open_members() {
        show_tap(2, core::TapKind::check_in, "0004211337");  // Camille, a host
        REQUIRE(kiosk.screen() == gui::Screen::member_home);
        tap("home/members");
        REQUIRE(kiosk.screen() == gui::Screen::members);
    }
};

}  // namespace

TEST_CASE("members: a host finds a member by name and changes role, end of membership and language") {
    MembersHarness h;
    h.open_members();
    CHECK(h.has("members/search/hint"));
    h.type_on_screen("ines");
    REQUIRE(h.has("members/search/4/pick"));
    CHECK_FALSE(h.has("members/search/1/pick"));
    h.tap("members/search/4/pick");
    CHECK(h.label("members/edit/title") == "Inès Petit");
    h.tap("members/edit/role/volunteer");
    h.paged("members/edit/until/none", "members/edit/prev", "members/edit/next");  // a second page at larger text
    h.tap("members/edit/until/none");
    CHECK(h.label("members/edit/until/text") == "sans date de fin");
    h.tap("members/edit/until/plus1y");  // a year from today (the snapshot's day)
    CHECK(h.label("members/edit/until/text").starts_with("jusqu'au "));
    h.tap("members/edit/lang/en");
    h.out.clear();
    h.tap("members/edit/save");
    auto edits = commands_of<app::EditMember>(h.out);
    REQUIRE(edits.size() == 1);
    CHECK(edits[0].member == 4);
    CHECK(edits[0].actor == 2);
    CHECK(edits[0].draft.display_name == "Inès Petit");
    CHECK(edits[0].draft.role == core::Role::volunteer);
    CHECK(edits[0].draft.lang == core::Lang::en);
    REQUIRE(edits[0].draft.valid_until);
    CHECK(*edits[0].draft.valid_until == gui::add_months(h.snap.today, 12));
    h.reply(h.out.back().second, true);
    CHECK(h.has("members/search/field"));  // back to the search
    CHECK(h.label("members/search/message") == "Inès Petit enregistré.");
}

TEST_CASE("members: a refusal from the station is shown, the form kept; the name is typed on the keyboard") {
    MembersHarness h;
    h.open_members();
    h.type_on_screen("lea");
    h.tap("members/search/1/pick");
    h.tap("members/edit/email");
    CHECK(h.has("members/typing/field"));
    h.type_on_screen("x");
    h.tap("members/typing/done");
    h.out.clear();
    h.tap("members/edit/save");
    const auto id = h.out.back().second;
    h.reply(id, false, core::problem("E-mail {0} is already used by {1}.", {"x", "Hugo Bernard"}));
    CHECK(h.has("members/edit/save"));
    CHECK(h.label("members/edit/message").find("Hugo Bernard") != std::string::npos);
}

TEST_CASE("members: months keep their day or take the month's last") {
    using namespace std::chrono;
    CHECK(gui::add_months(core::Date{2026y / 1 / 31}, 1) == core::Date{2026y / 2 / 28});
    CHECK(gui::add_months(core::Date{2026y / 12 / 15}, 1) == core::Date{2027y / 1 / 15});
    CHECK(gui::add_months(core::Date{2026y / 3 / 31}, -1) == core::Date{2026y / 2 / 28});
    CHECK(gui::add_months(core::Date{2028y / 2 / 29}, 12) == core::Date{2029y / 2 / 28});
}

namespace {
// Léa's membership ends this month, Hugo's ended last month, Inès's long ago, Camille's next year.
void set_ends(Harness& h) {
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    d->members[1].valid_until = day(2026, 11, 30);
    d->members[3].valid_until = day(2026, 10, 15);
    d->members[2].valid_until = day(2027, 6, 30);
    for (int i = 1; i <= 30; ++i)
        if (d->members.contains(100 + i)) d->members[100 + i].valid_until = day(2026, 11, i <= 15 ? 20 : 5);
    h.snap.directory = d;
    h.publish();
}
}  // namespace

TEST_CASE("members: before a name is typed, the memberships ending this month and ended last month") {
    MembersHarness h;
    set_ends(h);
    h.open_members();
    // What the list is, above it (at 150 % text on this screen only the captions say it: no room).
    if (!h.has("members/search/ending")) CHECK(text_percent() >= 150);
    CHECK(!h.has("members/search/hint"));
    // By end date: Hugo (ended 15/10), then the others; Inès and Camille are not listed.
    REQUIRE(h.has("members/search/3/pick"));
    CHECK(h.item("members/search/3/pick").caption == "terminée le 15/10");
    h.paged("members/search/1/pick", "members/search/prev", "members/search/next");
    CHECK(h.item("members/search/1/pick").caption == "se termine le 30/11");
    CHECK(!h.has("members/search/4/pick"));
    CHECK(!h.has("members/search/2/pick"));
    // A tap opens the member, as after a search.
    h.tap("members/search/1/pick");
    CHECK(h.label("members/edit/title") == "Léa Dubois");
    h.tap("members/edit/back");
    // Typing a name searches as before.
    h.type_on_screen("cam");
    CHECK(h.has("members/search/2/pick"));
    CHECK(!h.has("members/search/ending"));
}

TEST_CASE("members: the screens fit at three sizes") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        MembersHarness h(size);
        h.open_members();
        h.check_layout("members search");
        h.tap("members/search/back");
        set_ends(h);
        h.tap("home/members");
        h.check_layout("members ending");
        for (int i = 0; i < 10 && h.has("members/search/next") && h.item("members/search/next").enabled; ++i) {
            h.tap("members/search/next");
            h.check_layout("members ending, a next page");
        }
        h.type_on_screen("cam");
        h.check_layout("members search with names");
        h.tap("members/search/2/pick");
        h.check_layout("member form");
        h.tap("members/edit/name");
        h.check_layout("member name typing");
    }
}

TEST_CASE("members: a host's home has the Members tile, nine tiles on three rows that fit") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800)}) {
        Harness h(size);
        h.show_tap(2, core::TapKind::check_in, "0004211337");
        CHECK(h.has("home/members"));
        h.check_layout("host home");
        Harness m(size);
        m.show_tap(1, core::TapKind::check_in, "0001234567");
        CHECK_FALSE(m.has("home/members"));
        m.check_layout("member home");
    }
}
