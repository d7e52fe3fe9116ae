// Repairs, kiosk: a typical bike repair counted in taps (at most six), the role picker
// at a volunteer's badge-in, "my repairs" with edit, the statistics chart, and layout checks
// at 800x480, 1280x800 and 1920x1080 in French.
// Layer: gui tests (headless ImGui, no renderer).
#include "../gui/harness.hpp"

#include "testing.hpp"

namespace {

// The French catalogue, as the station loads it.
const core::Translations& all_translations() {
    static const core::Translations t = [] {
        core::Translations r;
        for (const char* f : {"fr.po"}) {
            auto cat = core::parse_po(testing::read_file(std::string(ETABLI_ASSETS_DIR) + "/i18n/" + f));
            REQUIRE(cat.has_value());
            r.fr.merge(*cat);
        }
        return r;
    }();
    return t;
}

// The shared harness's driver, which also counts the taps.
struct RepairsHarness {
    ImGuiContext* ctx = nullptr;
    gui::Kiosk kiosk;
    app::Snapshot snap = base_snapshot();
    double now = 1000.0;
    CommandList out;
    ImVec2 size;
    int taps = 0;

    explicit RepairsHarness(ImVec2 display = ImVec2(1280, 800)) : kiosk(all_translations(), gui::KioskOptions{}), size(display) {
        IMGUI_CHECKVERSION();
        ctx = ImGui::CreateContext();
        ImGui::SetCurrentContext(ctx);
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = display;
        io.IniFilename = nullptr;
        io.DeltaTime = 1.0f / 60.0f;
        const gui::Fonts f = gui::load_fonts(*io.Fonts, display, "", text_percent());
        gui::apply_theme(ImGui::GetStyle(), f.body_px);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        kiosk.set_fonts(f);
        // Everyone speaks French here (the shared demo directory has an English speaker).
        auto d = std::make_shared<app::Directory>(*snap.directory);
        for (auto& [id, m] : d->members) m.lang = core::Lang::fr;
        snap.directory = d;
        snap.ask_volunteer_role = true;  // as the station publishes it
        frame();
    }
    ~RepairsHarness() { ImGui::DestroyContext(ctx); }
    RepairsHarness(const RepairsHarness&) = delete;
    RepairsHarness& operator=(const RepairsHarness&) = delete;

    void frame() {
        ImGui::NewFrame();
        kiosk.frame(snap, now, out);
        ImGui::Render();
        now += 1.0 / 60.0;
    }
    const gui::FrameLog& log() const { return kiosk.last_frame(); }
    bool has(std::string_view key) const { return log().find(key) != nullptr; }
    const gui::ItemRecord& item(std::string_view key) const {
        const gui::ItemRecord* r = log().find(key);
        if (!r && std::getenv("ETABLI_TEST_DUMP")) dump();
        INFO("looking for ", std::string(key));
        REQUIRE(r != nullptr);
        return *r;
    }
    void dump() const { dump_frame(log(), size); }
    void tap(std::string_view key) {
        const gui::ItemRecord r = item(key);
        INFO("tapping ", std::string(key));
        REQUIRE(r.enabled);
        ++taps;
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = ImVec2((r.min.x + r.max.x) / 2, (r.min.y + r.max.y) / 2);
        io.MouseDown[0] = true;
        frame();
        io.MouseDown[0] = false;
        frame();
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        frame();
    }
    void badge_in(core::MemberId id) {
        const std::uint64_t seq = snap.last_tap ? snap.last_tap->seq + 1 : 1;
        snap.last_tap = tap_of(seq, *snap.directory, id, core::TapKind::check_in, "x");
        ++snap.version;
        frame();
    }
    void publish() {
        ++snap.version;
        frame();
    }
    void check_layout(const char* what) const {
        REQUIRE(!log().items.empty());
        const float font = ImGui::GetIO().Fonts->Fonts[0]->FontSize;
        dump_if_out(log(), size, what);
        for (const auto& it : log().items) {
            INFO(what, " at ", size.x, "x", size.y, ": ", it.key, " \"", it.label, "\"");
            CHECK(it.min.x >= -0.5f);
            CHECK(it.min.y >= -0.5f);
            CHECK(it.max.x <= size.x + 0.5f);
            CHECK(it.max.y <= size.y + 0.5f);
            CHECK(it.fits);
            // A finger's size: heights of the text at 100 % (see tests/gui/harness.hpp).
            if (it.kind == gui::ItemRecord::Kind::button) CHECK(it.max.y - it.min.y >= 1.5f * font * 100.0f / static_cast<float>(text_percent()) - 0.5f);
        }
        std::vector<const gui::ItemRecord*> buttons;
        for (const auto& it : log().items)
            if (it.kind == gui::ItemRecord::Kind::button) buttons.push_back(&it);
        for (std::size_t a = 0; a < buttons.size(); ++a)
            for (std::size_t b = a + 1; b < buttons.size(); ++b) {
                const auto& p = *buttons[a];
                const auto& q = *buttons[b];
                const bool overlap = p.min.x < q.max.x - 0.5f && q.min.x < p.max.x - 0.5f && p.min.y < q.max.y - 0.5f &&
                                     q.min.y < p.max.y - 0.5f;
                INFO(what, " at ", size.x, "x", size.y, ": ", p.key, " overlaps ", q.key);
                CHECK(!overlap);
            }
    }
};

core::Repair logged(core::RepairId id, core::MemberId by, core::Component c) {
    core::Repair r;
    r.id = id;
    r.volunteers = {by};
    r.item = core::ItemKind::bicycle;
    r.component = c;
    r.status = core::RepairStatus::fixed;
    r.minutes = 20;
    r.problem = "Crevaison arrière, chambre à air changée";
    return r;
}

}  // namespace

TEST_CASE("a typical bike repair takes at most six taps from the member home") {
    RepairsHarness h;
    h.snap.roles[3] = core::VolunteerRole::mechanic;  // Hugo picked his role earlier
    h.badge_in(3);
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.taps = 0;
    h.tap("home/repairs");
    REQUIRE(h.kiosk.screen() == gui::Screen::repairs);
    // At larger text the tiles have a page of their own: Save shows after the choice.
    CHECK((!h.has("repairs/save") || !h.item("repairs/save").enabled));  // nothing chosen yet
    h.tap("repairs/tile/brakes");
    h.tap("repairs/status/fixed");
    h.tap("repairs/minutes/30");
    h.tap("repairs/save");
    MESSAGE("taps for a typical bike repair: ", h.taps);
    CHECK(h.taps <= 6);
    auto logs = commands_of<app::LogRepair>(h.out);
    REQUIRE(logs.size() == 1);
    CHECK(logs[0].actor == 3);
    CHECK(logs[0].repair.volunteers == std::vector<core::MemberId>{3});
    CHECK(logs[0].repair.component == core::Component::brakes);
    CHECK(logs[0].repair.status == core::RepairStatus::fixed);
    CHECK(logs[0].repair.minutes == 30);
    CHECK(logs[0].repair.item == core::ItemKind::bicycle);

    // The station's reply empties the form for the next repair.
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = true;
    h.snap.last_reply = r;
    h.publish();
    CHECK(h.item("repairs/message").label == "Réparation enregistrée");
    CHECK((!h.has("repairs/save") || !h.item("repairs/save").enabled));

    // A powered bike light and End of life with its barrier.
    h.tap("repairs/tile/light");
    h.tap("repairs/status/end-of-life");
    h.tap("repairs/barrier/parts-not-available");
    h.tap("repairs/minutes/15");
    h.tap("repairs/save");
    logs = commands_of<app::LogRepair>(h.out);
    REQUIRE(logs.size() == 2);
    CHECK(logs[1].repair.item == core::ItemKind::powered);
    CHECK(logs[1].repair.category == 3);
    CHECK(logs[1].repair.barrier == core::Barrier::parts_not_available);
}

TEST_CASE("the role picker at a volunteer's badge-in, not for members") {
    RepairsHarness h;
    h.badge_in(3);
    REQUIRE(h.has("role/mechanic"));
    CHECK(h.item("role/mechanic").label == "Mécanicien·ne");
    h.tap("role/mechanic");
    auto roles = commands_of<app::SetPresenceRole>(h.out);
    REQUIRE(roles.size() == 1);
    CHECK(roles[0].member == 3);
    CHECK(roles[0].role == core::VolunteerRole::mechanic);
    CHECK(h.has("home/repairs"));  // the member home follows at once

    RepairsHarness m;
    m.badge_in(1);  // Léa, a member
    CHECK(!m.has("role/mechanic"));
    CHECK(!m.has("home/repairs"));  // no tile for those who do not log repairs
}

TEST_CASE("my repairs of the last 24 hours, and editing one") {
    RepairsHarness h;
    h.snap.roles[3] = core::VolunteerRole::mechanic;
    h.snap.recent_repairs = {logged(12, 3, core::Component::wheel), logged(11, 2, core::Component::chain)};
    h.badge_in(3);
    h.tap("home/repairs");
    CHECK(h.item("repairs/mine").label == "Mes réparations (1)");
    h.tap("repairs/mine");
    CHECK(h.has("repairs/12/edit"));
    CHECK(!h.has("repairs/11/edit"));  // someone else's
    h.tap("repairs/12/edit");
    CHECK(h.item("repairs/title").label == "Modifier une réparation");
    h.tap("repairs/status/repairable");
    h.tap("repairs/save");
    auto edits = commands_of<app::EditRepair>(h.out);
    REQUIRE(edits.size() == 1);
    CHECK(edits[0].repair.id == 12);
    CHECK(edits[0].repair.status == core::RepairStatus::repairable);
    CHECK(edits[0].repair.component == core::Component::wheel);
}

TEST_CASE("repair screens fit at 800x480, 1280x800 and 1920x1080 in French") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        RepairsHarness h(size);
        h.badge_in(2);  // Camille, a host: role picker, then the Statistics button too
        h.check_layout("role picker");
        h.tap("role/host");
        h.snap.roles[2] = core::VolunteerRole::host;
        h.snap.recent_repairs = {logged(12, 2, core::Component::bottom_bracket), logged(13, 2, core::Component::gears)};
        h.snap.repair_year.total = 40;
        h.snap.repair_year.fixed = 30;
        h.snap.repair_year.fix_rate = 0.8;
        for (unsigned m = 1; m <= 11; ++m) {
            core::MonthStats ms;
            ms.year = 2026;
            ms.month = m;
            ms.by_status = {static_cast<int>(m), 1, 1, 0};
            ms.total = static_cast<int>(m) + 2;
            h.snap.repair_year.months.push_back(ms);
            h.snap.volunteer_time[m] = std::chrono::hours{10 + m};
        }
        h.publish();
        h.tap("home/repairs");
        h.check_layout("log form");
        h.tap("repairs/tile/bottom-bracket");
        h.tap("repairs/status/end-of-life");
        h.check_layout("log form with barriers");
        h.tap("repairs/text");
        h.check_layout("text");
        h.tap("repairs/ok");
        h.tap("repairs/mine");
        h.check_layout("my repairs");
        h.tap("repairs/back");
        h.tap("repairs/stats");
        h.check_layout("statistics");
    }
}

TEST_CASE("the idle screen's \"this month\" line, beside the machine board, at every size") {
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        RepairsHarness h(size);
        CHECK(!h.has("idle/month"));  // nothing logged yet: no line
        // A board of four machines with long French names, as the machine screens show it.
        for (alloc::MachineId id = 1; id <= 4; ++id) {
            app::MachineView m;
            m.machine.id = id;
            m.machine.name = id == 1 ? "Découpe laser" : id == 2 ? "Imprimante 3D Prusa" : id == 3 ? "Fraiseuse CNC" : "Scie à ruban";
            m.machine.authorised = {1, 2};
            h.snap.machines.push_back(m);
        }
        core::MonthStats ms;
        ms.year = 2026;
        ms.month = 11;
        ms.by_status = {31, 6, 4, 1};
        ms.total = 42;
        h.snap.repair_year.months.push_back(ms);
        h.snap.volunteer_time[11] = std::chrono::hours{127} + std::chrono::minutes{40};
        h.snap.volunteer_time[10] = std::chrono::hours{3};  // another month is not counted
        h.publish();
        INFO("at ", size.x, "x", size.y);
        REQUIRE(h.has("idle/board/title"));
        CHECK(h.item("idle/month").label == "Ce mois-ci : 42 réparations, 31 réparées, 128 h de bénévolat");
        // Under the date, above the call to action, clear of the board on the right.
        CHECK(h.item("idle/month").min.y >= h.item("idle/date").max.y - 0.5f);
        CHECK(h.item("idle/month").max.y <= h.item("idle/prompt").min.y + 0.5f);
        CHECK(h.item("idle/month").max.x <= h.item("idle/board/title").min.x + 0.5f);
        h.check_layout("idle with this month");
        // Hours alone (no repair yet this month) still show.
        h.snap.repair_year.months.clear();
        h.publish();
        CHECK(h.item("idle/month").label == "Ce mois-ci : 0 réparations, 0 réparées, 128 h de bénévolat");
    }
}
