// Hostile names on the kiosk's screens: quotes, SQL, markup, printf and ImGui format
// characters, right-to-left overrides, new lines, a 300-letter name. Every screen that shows
// a name draws them as text, inside the display, without a crash, at 800x480 and 1280x800.
#include "harness.hpp"

namespace {

const std::vector<std::string> kHostile = {
    "Robert'); DROP TABLE members;--",
    "<b>Gras</b> & <script>alert(1)</script>",
    "%s%s%n%x{0}{1}##id###x",
    "\u202Eevil\u202C Ahmed \u05D0\u05D1",
    "Deux\nlignes\r\tet tab",
    std::string(300, 'W'),
};

}  // namespace

TEST_CASE("hostile names are shown as text on the idle screen and the member's home, inside the display") {
    for (const auto size : {ImVec2(800, 480), ImVec2(1280, 800)}) {
        for (const auto& name : kHostile) {
            CAPTURE(name);
            Harness h(size);
            auto dir = std::make_shared<app::Directory>(*h.snap.directory);
            dir->members[1].display_name = name;
            h.snap.directory = dir;
            h.snap.present.push_back(app::PresentMember{1, name, h.snap.at, "14:03"});
            h.publish();
            h.frame();
            h.check_layout("idle with a hostile name");
            h.show_tap(1, core::TapKind::check_in, "0001234567");
            REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
            h.frame();
            h.check_layout("member home with a hostile name");
            CHECK(!h.label("home/greeting").empty());
        }
    }
}
