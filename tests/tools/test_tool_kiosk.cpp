// gui: the kiosk's tool screens headless: my loans on the member home (overdue first, in
// red), Borrow (category tiles, the basket the station fills from scans and picks, the loan
// length, confirm), Return (choose, condition, confirm), the hosts' overdue and deposit lists;
// layout-checked at 800x480, 1280x800 and 1920x1080. Layer: gui tests.
#include "harness.hpp"

namespace {

core::Tool make_tool(core::ToolId id, std::string name, std::string category, core::ToolStatus status) {
    core::Tool t;
    t.id = id;
    t.name = std::move(name);
    t.tag = "T" + std::to_string(id);
    t.category = std::move(category);
    t.status = status;
    return t;
}

app::LoanView loan_of(core::LoanId id, const core::Tool& t, core::MemberId m, core::Date due, int late, std::int64_t deposit = 0) {
    app::LoanView v;
    v.loan.id = id;
    v.loan.tool = t.id;
    v.loan.member = m;
    v.loan.due = due;
    v.loan.deposit_cents = deposit;
    v.loan.deposit = deposit ? core::DepositState::held : core::DepositState::none;
    v.tool_name = t.name;
    v.tool_tag = t.tag;
    v.member_name = m == 1 ? "Léa Dubois" : "Yanis Moreau";
    v.member_contact = "lea.dubois@example.org";
    v.days_late = late;
    return v;
}

void add_library(Harness& h) {
    auto tv = std::make_shared<app::ToolsView>();
    tv->tools = {make_tool(1, "Clé dynamométrique 40–200 N·m", "Vélo", core::ToolStatus::on_loan),
                 make_tool(2, "Démonte-pneus", "Vélo", core::ToolStatus::available),
                 make_tool(3, "Perceuse à percussion sans fil", "Perçage", core::ToolStatus::available),
                 make_tool(4, "Pied d'atelier", "Vélo", core::ToolStatus::in_repair),
                 make_tool(5, "Fouet de chaîne", "Vélo", core::ToolStatus::on_loan)};
    for (int i = 6; i < 30; ++i) tv->tools.push_back(make_tool(i, "Outil n° " + std::to_string(i), "Menuiserie", core::ToolStatus::available));
    tv->categories = {"Menuiserie", "Perçage", "Vélo"};
    tv->loans = {loan_of(1, tv->tools[0], 1, day(2026, 11, 20), 8, 2000), loan_of(2, tv->tools[4], 1, day(2026, 12, 5), 0)};
    h.snap.tools = tv;
    h.publish();
}

void set_flow(Harness& h, bool borrowing, std::vector<core::ToolId> basket, std::optional<core::ToolId> selected = {},
              std::optional<core::Problem> p = {}) {
    auto tv = std::make_shared<app::ToolsView>(*h.snap.tools);
    app::ToolFlowView f;
    f.seq = tv->flow ? tv->flow->seq + 1 : 1;
    f.borrowing = borrowing;
    f.member = 1;
    f.basket = std::move(basket);
    f.selected = selected;
    f.problem = std::move(p);
    tv->flow = f;
    h.snap.tools = tv;
    h.publish();
    h.frame();
}

}  // namespace

TEST_CASE("tools: my loans on the home, borrow and return, at three sizes") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        add_library(h);
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
        // The overdue tool first, in red.
        CHECK(h.item("home/loans/1/due").label.find("Clé dynamométrique") != std::string::npos);
        CHECK(h.item("home/loans/1/due").label.find("jours de retard") != std::string::npos);  // in French
        h.check_layout("home with loans");
        CHECK(h.item("home/borrow").enabled);
        h.tap("home/borrow");
        REQUIRE(h.kiosk.screen() == gui::Screen::tools);
        h.check_layout("tools menu");

        h.tap("tools/borrow");
        auto flows = commands_of<app::ToolFlow>(h.out);
        REQUIRE(!flows.empty());
        CHECK(flows.back().mode == app::ToolFlow::Mode::borrow);
        set_flow(h, true, {});
        h.check_layout("borrow, empty basket");
        CHECK_FALSE(h.item("tools/confirm").enabled);
        h.tap("tools/categories/2/category");  // Perçage
        h.tap("tools/list/3/pick");
        auto picks = commands_of<app::ToolPick>(h.out);
        REQUIRE(!picks.empty());
        CHECK(picks.back().tool == 3);
        // The scanner read a label: the station put both in the basket; one refused scan says why.
        set_flow(h, true, {3, 2}, std::nullopt, core::problem("Unknown tag {0}: this label belongs to no tool of the library", {"XYZ"}));
        h.check_layout("borrow, basket and a refusal");
        h.tap("tools/days_14");
        h.tap("tools/confirm");
        auto lends = commands_of<app::Lend>(h.out);
        REQUIRE(lends.size() == 1);
        CHECK(lends[0].tools == std::vector<core::ToolId>{3, 2});
        CHECK(lends[0].days == 14);
        CHECK(lends[0].member == 1);

        // Search with the on-screen keyboard.
        h.tap("tools/borrow");
        set_flow(h, true, {});
        h.tap("tools/categories/search");
        h.check_layout("search");
        h.tap("tools/back");

        h.tap("tools/back");  // ends the borrow flow
        h.tap("tools/give_back");
        set_flow(h, false, {}, 1);
        h.check_layout("return");
        h.tap("tools/damaged");
        h.tap("tools/note");
        h.check_layout("return note");
        h.tap("tools/note_done");
        h.tap("tools/confirm");
        auto returns = commands_of<app::ReturnTool>(h.out);
        REQUIRE(returns.size() == 1);
        CHECK(returns[0].tool == 1);
        CHECK(returns[0].condition == core::ToolCondition::damaged);
        h.tap("tools/back");
        CHECK(h.kiosk.screen() == gui::Screen::member_home);
    }
}

TEST_CASE("tools: the hosts' overdue list and deposits held") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        add_library(h);
        // Léa is a host here (a volunteer or a host first picks a role for the day; a
        // check-out goes straight to the home).
        auto dir = std::make_shared<app::Directory>(*h.snap.directory);
        dir->members[1].role = core::Role::host;
        h.snap.directory = dir;
        h.show_tap(1, core::TapKind::check_out, "0001234567");
        h.tap("home/borrow");
        h.tap("tools/overdue");
        CHECK(h.item("tools/overdue/1/what").label.find("8") != std::string::npos);
        CHECK(h.item("tools/overdue/1/who").label.find("lea.dubois@example.org") != std::string::npos);
        h.check_layout("overdue");
        h.tap("tools/back");
        h.tap("tools/deposits");
        CHECK(h.has("tools/deposits/1/what"));
        h.check_layout("deposits");
    }
}
