// The tool library's snapshot lists are edited in place, chunk by chunk, as commands apply
// (SharedList): these tests check that what the kiosk and the command line read is exactly
// what a fresh start builds from the disk, after renames, loans, renewals, returns, retirements
// and reservations, and after midnight; and that a snapshot already handed out never changes.
// Layer: app tests (Station + temp-file SQLite). Single test thread plus the Station's.
#include <doctest/doctest.h>

#include <etabli/app/shared_list.hpp>
#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "testing.hpp"

#include <algorithm>
#include <random>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct IntLess {
    bool operator()(int a, int b) const { return a < b; }
};

template <class L>
std::vector<typename std::iterator_traits<typename L::const_iterator>::value_type> all(const L& l) {
    return {l.begin(), l.end()};
}

// What a screen reads, in a form doctest can compare.
struct Flat {
    std::vector<std::string> tools, loans, reservations, categories;
    bool operator==(const Flat&) const = default;
};
Flat flat(const ToolsView& v) {
    Flat f;
    for (const auto& t : v.tools)
        f.tools.push_back(std::to_string(t.id) + " " + t.name + " " + t.tag + " " + t.category + " " +
                          std::string(core::to_string(t.status)));
    for (const auto& l : v.loans)
        f.loans.push_back(std::to_string(l.loan.id) + " " + l.tool_name + " " + l.tool_tag + " " + l.member_name + " " +
                          core::format_date(l.loan.due) + " late " + std::to_string(l.days_late));
    for (const auto& r : v.reservations)
        f.reservations.push_back(std::to_string(r.id) + " " + std::string(core::to_string(r.state)));
    f.categories = v.categories;
    return f;
}

}  // namespace

TEST_CASE("shared list: sorted after random inserts and erases; copies taken before keep their content") {
    std::mt19937 rng(7);
    SharedList<int, IntLess> list;
    std::vector<int> model;
    std::vector<std::pair<SharedList<int, IntLess>, std::vector<int>>> kept;
    for (int step = 0; step < 3000; ++step) {
        const int v = static_cast<int>(rng() % 100'000) * 2;
        if (model.empty() || rng() % 3 != 0) {
            if (std::find(model.begin(), model.end(), v) != model.end()) continue;
            list.insert(v);
            model.insert(std::upper_bound(model.begin(), model.end(), v), v);
        } else {
            const int gone = model[rng() % model.size()];
            CHECK(list.erase(gone));
            model.erase(std::find(model.begin(), model.end(), gone));
            CHECK_FALSE(list.erase(gone + 1));  // never there
        }
        if (step % 500 == 0) kept.emplace_back(list, model);
    }
    CHECK(list.size() == model.size());
    CHECK(all(list) == model);
    for (std::size_t i = 0; i < model.size(); i += 97) CHECK(list[i] == model[i]);
    for (const auto& [old, expected] : kept) CHECK(all(old) == expected);
    list.assign_sorted(model);
    CHECK(all(list) == model);
    while (!model.empty()) {
        CHECK(list.erase(model.back()));
        model.pop_back();
    }
    CHECK(list.empty());
    CHECK(list.begin() == list.end());
}

TEST_CASE("tool view: what the station edits in place equals what a fresh start builds") {
    testing::TempDir dir;
    testing::FakeClock clock{utc("2026-12-01T09:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    Station::Options opts;
    opts.tool_rules.max_loans = 100;
    opts.tool_rules.overdue_blocks = false;  // loans pile up over weeks of fake time
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<Station> station;
    const auto reopen = [&] {
        station.reset();
        store.reset();
        auto s = db::SqlStore::open(dir / "t.db");
        REQUIRE(s);
        store = std::move(*s);
        station = std::make_unique<Station>(*store, clock, calendar, opts);
        REQUIRE(station->start());
    };
    reopen();
    std::vector<core::MemberId> members;
    for (const char* name : {"Léa", "Max", "Zoé"}) {
        core::MemberDraft d;
        d.display_name = name;
        auto r = station->call(AddMember{d, std::nullopt, std::nullopt});
        REQUIRE(r);
        members.push_back(std::get<core::Member>(*r).id);
    }
    std::vector<core::ToolImportRow> rows;
    for (int i = 0; i < 300; ++i) {  // several chunks; names out of id order
        core::ToolImportRow row;
        row.line = static_cast<std::size_t>(i + 2);
        row.tool.name = "Outil " + std::to_string((i * 37) % 300);
        row.tool.category = i % 3 == 0 ? "Vélo" : i % 3 == 1 ? "Bois" : "Métal";
        row.tool.loan_days = 3 + i % 20;
        rows.push_back(row);
    }
    REQUIRE(station->call(ImportTools{rows}));
    // Loans in baskets, to all three members, with different due days.
    for (int b = 0; b < 40; ++b) {
        const core::ToolId first = 1 + b * 5;
        REQUIRE(station->call(Lend{{first, first + 2}, members[static_cast<std::size_t>(b) % 3], std::nullopt, std::nullopt}));
        if (b % 4 == 0) clock.advance(hours{26});
    }
    // A tool on loan renamed, with a new tag and category; one not on loan renamed to sort first.
    auto snap = station->snapshot();
    core::Tool on_loan = *snap->tools->find(1);
    on_loan.name = "AAA renommé";
    on_loan.tag = "NEUF-1";
    on_loan.category = "Divers";
    REQUIRE(station->call(SetTool{on_loan, {}, {}, std::nullopt}));
    core::Tool shelf = *snap->tools->find(2);
    shelf.name = "000 premier";
    REQUIRE(station->call(SetTool{shelf, {}, {}, std::nullopt}));
    // Renewals move a loan in the due order; returns and a retirement remove.
    REQUIRE(station->call(RenewLoan{6, std::nullopt}));
    REQUIRE(station->call(RenewLoan{11, std::nullopt}));
    ReturnTool back;
    back.tool = 3;
    REQUIRE(station->call(back));
    back.tool = 16;
    back.condition = core::ToolCondition::damaged;
    REQUIRE(station->call(back));
    REQUIRE(station->call(RetireTool{4, std::nullopt}));
    // Reservations: a range, a waiting place (held at once: the tool is on the shelf), one cancelled.
    const auto today = calendar.local_day(clock.now());
    ReserveTool range;
    range.tool = 5;
    range.member = members[1];
    range.from = core::Date{sys_days{today} + days{3}};
    range.to = core::Date{sys_days{today} + days{5}};
    auto r1 = station->call(range);
    REQUIRE(r1);
    ReserveTool wait;
    wait.tool = 7;
    wait.member = members[2];
    wait.waiting_list = true;
    REQUIRE(station->call(wait));
    wait.tool = 8;
    auto r3 = station->call(wait);
    REQUIRE(r3);
    REQUIRE(station->call(CancelToolReservation{std::get<core::Reservation>(*r3).id, std::nullopt}));

    const auto live = flat(*station->snapshot()->tools);
    CHECK(live.tools.size() == 300);
    CHECK(live.tools.front().find("000 premier") != std::string::npos);
    CHECK(live.loans.size() == 78);
    CHECK(std::any_of(live.loans.begin(), live.loans.end(),
                      [](const auto& l) { return l.find("AAA renommé NEUF-1") != std::string::npos; }));
    CHECK(std::find(live.categories.begin(), live.categories.end(), "Divers") != live.categories.end());
    CHECK(live.reservations.size() == 2);
    const auto before_restart = station->snapshot();
    reopen();
    CHECK(flat(*station->snapshot()->tools) == live);
    CHECK(flat(*before_restart->tools) == live);

    // After midnight the days late move on; a member renamed is renamed in the loan list.
    const auto held = station->snapshot();
    const auto held_flat = flat(*held->tools);
    clock.advance(hours{24 * 12});  // still December: New Year reloads the repairs, not tested here
    REQUIRE(station->call(Tick{}));
    const auto later = flat(*station->snapshot()->tools);
    CHECK(later.loans != live.loans);
    reopen();
    CHECK(flat(*station->snapshot()->tools) == later);
    CHECK(flat(*held->tools) == held_flat);  // a snapshot handed out never changes
}
