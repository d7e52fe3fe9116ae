// gui: the hosts' inventory screens headless (list with category tiles and search, add
// and edit a tool on the on-screen keyboard, a refusal shown until a save goes through,
// retiring after a confirmation, a scanned label opening its tool or a new one), the deposit given back or kept with a reason at a return,
// and a member cancelling their own reservation; layout-checked at 800x480, 1280x800 and
// 1920x1080 in French. Layer: gui tests.
#include "harness.hpp"

namespace {

core::Tool host_tool(core::ToolId id, std::string name, std::string category, core::ToolStatus status) {
    core::Tool t;
    t.id = id;
    t.name = std::move(name);
    t.tag = "T" + std::to_string(id);
    t.category = std::move(category);
    t.location = "Étagère B";
    t.status = status;
    return t;
}

// Léa (1) is a host; tool 1 is on loan to her with a 20 € deposit; she holds a reservation.
void host_library(Harness& h) {
    auto tv = std::make_shared<app::ToolsView>();
    core::Tool drill = host_tool(3, "Perceuse à percussion sans fil", "Perçage", core::ToolStatus::available);
    drill.photo = "perceuse.jpg";
    tv->tools = {host_tool(1, "Clé dynamométrique 40–200 N·m", "Vélo", core::ToolStatus::on_loan),
                 host_tool(2, "Démonte-pneus", "Vélo", core::ToolStatus::available), drill};
    for (int i = 4; i < 40; ++i)
        tv->tools.push_back(host_tool(i, "Serre-joint n° " + std::to_string(i), "Menuiserie", core::ToolStatus::available));
    tv->categories = {"Menuiserie", "Perçage", "Vélo"};
    app::LoanView l;
    l.loan.id = 1;
    l.loan.tool = 1;
    l.loan.member = 1;
    l.loan.due = day(2026, 12, 20);
    l.loan.deposit_cents = 2000;
    l.loan.deposit = core::DepositState::held;
    l.tool_name = tv->tools[0].name;
    l.member_name = "Léa Dubois";
    tv->loans = {l};
    core::Reservation r;
    r.id = 7;
    r.tool = 3;
    r.member = 1;
    r.from = day(2026, 12, 10);
    r.to = day(2026, 12, 12);
    tv->reservations = {r};
    h.snap.tools = tv;
    auto dir = std::make_shared<app::Directory>(*h.snap.directory);
    dir->members[1].role = core::Role::host;
    h.snap.directory = dir;
    h.publish();
}

std::uint64_t last_id(const CommandList& out) { return out.empty() ? 0 : out.back().second; }

}  // namespace

TEST_CASE("tools host: inventory, add and edit a tool, a refusal, retire after a confirmation") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        host_library(h);
        h.show_tap(1, core::TapKind::check_out, "0001234567");
        h.tap("home/borrow");
        REQUIRE(h.kiosk.screen() == gui::Screen::tools);
        h.tap("tools/inventory");
        CHECK(h.label("tools/title") == "Inventaire");
        h.check_layout("inventory");
        h.tap("tools/categories/2/category");  // Perçage
        h.tap("tools/labels");
        auto exports = commands_of<app::ExportTools>(h.out);
        REQUIRE(exports.size() == 1);
        CHECK(exports[0].kind == app::ExportTools::Kind::labels);
        CHECK(exports[0].category == "Perçage");
        auto tv = std::make_shared<app::ToolsView>(*h.snap.tools);
        tv->last_export = app::ToolExportView{1, true, "/home/atelier/etabli-labels-2026-11-28.pdf", 1, std::nullopt};
        h.snap.tools = tv;
        h.publish();
        h.frame();
        CHECK(h.label("tools/export").find("etabli-labels-2026-11-28.pdf") != std::string::npos);
        h.check_layout("inventory, labels written");
        CHECK(h.has("tools/inventory/3/edit"));
        CHECK_FALSE(h.has("tools/inventory/2/edit"));
        h.tap("tools/categories/0/category");  // All
        h.tap("tools/categories/search");
        h.check_layout("inventory search");
        h.type_on_screen("perc");
        CHECK(h.has("tools/inventory/3/edit"));
        CHECK_FALSE(h.has("tools/inventory/2/edit"));
        for (int i = 0; i < 4; ++i) h.tap(h.key_ending("kbd/backspace"));
        CHECK((h.has("tools/inventory/2/edit") || h.has("tools/inventory/next")));  // all again (paged at large text)
        h.tap("tools/back");

        // A new tool: name typed on the keyboard, days and deposit, a bad deposit first.
        h.tap("tools/add");
        h.check_layout("new tool");
        h.tap("tools/form/name");  // selected already; with large text, alone over the keyboard
        h.type_on_screen("Riveteuse");
        h.tap("tools/form/deposit");
        h.check_layout("digit pad");
        h.tap("tools/pad/,");
        h.tap("tools/pad/,");
        h.tap("tools/form/save");
        CHECK(commands_of<app::AddTool>(h.out).empty());
        CHECK(h.has("tools/problem"));
        h.check_layout("new tool, refused");
        h.tap("tools/form/deposit");
        for (int i = 0; i < 2; ++i) h.tap("tools/pad/erase");
        h.tap("tools/pad/1");
        h.tap("tools/pad/5");
        h.tap("tools/form/condition");  // good -> worn
        h.tap("tools/form/save");
        auto adds = commands_of<app::AddTool>(h.out);
        REQUIRE(adds.size() == 1);
        CHECK(adds[0].tool.name == "Riveteuse");
        CHECK(adds[0].tool.deposit_cents == 1500);
        CHECK(adds[0].tool.loan_days == 14);
        CHECK(adds[0].tool.condition == core::ToolCondition::worn);
        CHECK(adds[0].actor == 1);
        // The station refuses (a tag taken, say): the form stays, with the reason.
        h.reply(last_id(h.out), false, core::problem("The tag {0} is already used by {1}", {"T2", "Démonte-pneus"}));
        CHECK(h.label("tools/problem").find("T2") != std::string::npos);
        h.tap("tools/form/save");
        h.reply(last_id(h.out), true);
        CHECK(h.label("tools/message").find("Riveteuse") != std::string::npos);
        h.check_layout("inventory after a save");

        // Edit a tool: its fields are filled in; rename it.
        h.tap("tools/inventory/2/edit");
        CHECK(h.label("tools/form/name") == "Démonte-pneus");
        CHECK(h.label("tools/form/location") == "Étagère B");
        h.check_layout("edit tool");
        h.tap("tools/form/name");
        h.type_on_screen(" bis");
        h.tap("tools/form/save");
        auto sets = commands_of<app::SetTool>(h.out);
        REQUIRE(sets.size() == 1);
        CHECK(sets[0].tool.id == 2);
        CHECK(sets[0].tool.name == "Démonte-pneus bis");
        CHECK(sets[0].tool.tag == "T2");
        h.reply(last_id(h.out), true);

        // Retire, after a confirmation.
        h.tap("tools/inventory/3/edit");
        h.tap("tools/retire");
        CHECK(h.label("tools/question").find("Perceuse") != std::string::npos);
        h.check_layout("retire");
        h.tap("tools/cancel");
        CHECK(commands_of<app::RetireTool>(h.out).empty());
        h.tap("tools/retire");
        h.tap("tools/confirm");
        auto retires = commands_of<app::RetireTool>(h.out);
        REQUIRE(retires.size() == 1);
        CHECK(retires[0].tool == 3);
        h.reply(last_id(h.out), true);
        CHECK(h.has("tools/inventory/1/edit"));
    }
}

TEST_CASE("tools host: a label scanned at the inventory opens that tool's form, or a new tool's with the tag") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        host_library(h);
        // What the station publishes when the scanner reads a label and no borrow or return is open.
        auto scan = [&](std::uint64_t seq, std::string tag, std::optional<core::ToolId> tool) {
            auto tv = std::make_shared<app::ToolsView>(*h.snap.tools);
            tv->last_scan = app::ToolScanView{seq, std::move(tag), tool};
            h.snap.tools = tv;
            h.publish();
            h.frame();
        };
        h.show_tap(1, core::TapKind::check_out, "0001234567");
        h.tap("home/borrow");
        scan(100, "T2", 2);  // before the inventory opened: not the inventory's
        h.tap("tools/inventory");
        CHECK(h.label("tools/title") == "Inventaire");
        scan(101, "T3", 3);
        CHECK(h.label("tools/form/name").rfind("Perceuse", 0) == 0);  // ellipsized in its cell
        CHECK(h.label("tools/form/photo").find("perceuse.jpg") != std::string::npos);
        h.check_layout("edit tool, scanned");
        // Its photo taken off: the field emptied, saved.
        h.tap("tools/form/photo");
        for (int i = 0; i < 12; ++i) h.tap(h.key_ending("kbd/backspace"));
        h.tap("tools/form/save");
        auto sets = commands_of<app::SetTool>(h.out);
        REQUIRE(sets.size() == 1);
        CHECK(sets[0].tool.id == 3);
        CHECK_FALSE(sets[0].tool.photo);
        h.reply(last_id(h.out), true);
        CHECK(h.label("tools/title") == "Inventaire");
        // A label no tool has: the form of a new tool, the tag filled in, and why.
        scan(102, "T-NEUF-7", std::nullopt);
        CHECK(h.label("tools/form/tag") == "T-NEUF-7");
        CHECK(h.label("tools/notice").find("T-NEUF-7") != std::string::npos);
        h.check_layout("new tool, scanned");
        h.tap("tools/form/name");
        h.type_on_screen("Scie sauteuse");
        h.tap("tools/form/save");
        auto adds = commands_of<app::AddTool>(h.out);
        REQUIRE(adds.size() == 1);
        CHECK(adds[0].tool.tag == "T-NEUF-7");
        CHECK(adds[0].tool.name == "Scie sauteuse");
        // A scan while a form is open changes nothing on it.
        scan(103, "T2", 2);
        CHECK(h.label("tools/form/name") == "Scie sauteuse");
    }
}

TEST_CASE("tools host: a volunteer lends for a member: pick the member, the same basket, Lend for them") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        host_library(h);
        h.snap.present = {app::PresentMember{5, "Yanis Moreau", h.snap.at, "13:00"}};
        h.publish();
        h.show_tap(1, core::TapKind::check_out, "0001234567");
        h.tap("home/borrow");
        h.tap("tools/lend_for");
        CHECK(h.has("tools/members/5/pick"));
        h.check_layout("lend for: who is in");
        h.type_on_screen("ines");
        CHECK(h.has("tools/members/4/pick"));
        CHECK_FALSE(h.has("tools/members/5/pick"));
        h.check_layout("lend for: search");
        h.tap("tools/members/4/pick");
        auto flows = commands_of<app::ToolFlow>(h.out);
        REQUIRE(!flows.empty());
        CHECK(flows.back().member == 4);
        CHECK(flows.back().actor == 1);
        auto tv = std::make_shared<app::ToolsView>(*h.snap.tools);
        app::ToolFlowView f;
        f.seq = 1;
        f.member = 4;
        f.actor = 1;
        f.basket = {2};
        tv->flow = f;
        h.snap.tools = tv;
        h.publish();
        h.frame();
        CHECK(h.label("tools/title").find("Inès") != std::string::npos);
        h.check_layout("lend for: basket");
        h.tap("tools/confirm");
        auto lends = commands_of<app::Lend>(h.out);
        REQUIRE(lends.size() == 1);
        CHECK(lends[0].member == 4);
        CHECK(lends[0].actor == 1);
        CHECK(lends[0].tools == std::vector<core::ToolId>{2});
    }
}

TEST_CASE("tools host: a deposit kept with a reason at the return; a member cancels their reservation") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        Harness h(size);
        host_library(h);
        h.show_tap(1, core::TapKind::check_out, "0001234567");
        h.tap("home/borrow");
        CHECK(h.label("tools/reservations/7/what").find("Perceuse") != std::string::npos);
        h.check_layout("menu with a reservation");
        h.tap("tools/reservations/7/cancel");
        auto cancels = commands_of<app::CancelToolReservation>(h.out);
        REQUIRE(cancels.size() == 1);
        CHECK(cancels[0].reservation == 7);
        CHECK(cancels[0].actor == 1);

        h.tap("tools/give_back");
        auto tv = std::make_shared<app::ToolsView>(*h.snap.tools);
        app::ToolFlowView f;
        f.seq = 1;
        f.borrowing = false;
        f.member = 1;
        f.selected = 1;
        tv->flow = f;
        h.snap.tools = tv;
        h.publish();
        h.frame();
        CHECK(h.label("tools/deposit/returned") == "Rendue");
        h.check_layout("return with a deposit");
        h.tap("tools/deposit/kept");
        h.check_layout("deposit reason");
        h.type_on_screen("Manche fendu");
        h.tap("tools/reason_done");
        h.tap("tools/confirm");
        auto returns = commands_of<app::ReturnTool>(h.out);
        REQUIRE(returns.size() == 1);
        CHECK(returns[0].keep_deposit);
        CHECK(returns[0].deposit_reason == "Manche fendu");
    }
}
