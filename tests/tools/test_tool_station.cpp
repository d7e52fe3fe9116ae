// app + db: the tool library through the Station with a fake clock and a temp-file SQLite:
// a month of lending (baskets, overdue at badge-in, renewals, reservations, the waiting list
// and its hold, damaged returns, deposits), bad input, the kiosk flow fed by the scanner, and
// restarts that find everything again. Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture {
    testing::TempDir dir;
    testing::FakeClock clock{utc("2026-12-01T09:00:00Z")};
    testing::FixedCalendar calendar{minutes{60}};
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<Station> station;
    core::MemberId lea = 0, max = 0, camille = 0, vol = 0;
    Station::Options opts;

    Fixture() {
        opts.tool_rules.max_loans = 3;
        opts.tool_rules.hold_days = 3;
        reopen();
        lea = add("Léa", core::Role::member, "01", "lea@example.org");
        max = add("Max", core::Role::member, "02");
        camille = add("Camille", core::Role::host, "03");
        vol = add("Vic", core::Role::volunteer, "04");
    }
    void reopen() {
        station.reset();
        store.reset();
        auto s = db::SqlStore::open(dir / "t.db");
        REQUIRE(s);
        store = std::move(*s);
        station = std::make_unique<Station>(*store, clock, calendar, opts);
        REQUIRE(station->start());
    }
    core::MemberId add(const char* name, core::Role role, const char* badge, const char* email = nullptr) {
        core::MemberDraft d;
        d.display_name = name;
        d.role = role;
        if (email) d.email = email;
        auto r = station->call(AddMember{d, std::nullopt, std::string(badge)});
        REQUIRE(r);
        return std::get<core::Member>(*r).id;
    }
    core::Tool tool(const char* name, const char* tag, int days = 7, std::int64_t deposit = 0, bool auth = false) {
        core::Tool t;
        t.name = name;
        t.tag = tag;
        t.loan_days = days;
        t.deposit_cents = deposit;
        t.needs_authorisation = auth;
        t.category = "Vélo";
        auto r = station->call(AddTool{t, std::nullopt});
        REQUIRE(r);
        return std::get<core::Tool>(*r);
    }
    Result lend(std::vector<core::ToolId> tools, core::MemberId m, std::optional<int> days = std::nullopt) {
        return station->call(Lend{tools, m, days, std::nullopt});
    }
    Result give_back(core::ToolId t, core::ToolCondition c = core::ToolCondition::good) {
        ReturnTool r;
        r.tool = t;
        r.condition = c;
        return station->call(r);
    }
    const core::Tool& find(core::ToolId id) {
        m_keep = station->snapshot();
        const auto* t = m_keep->tools->find(id);
        REQUIRE(t);
        return *t;
    }
    void days_later(int n) {
        clock.advance(hours{24 * n});
        REQUIRE(station->call(Tick{}));
    }
    std::string msg(const Result& r) { return r ? "" : r.error().msgid; }
    std::shared_ptr<const Snapshot> m_keep;
};

}  // namespace

TEST_CASE("a month of lending") {
    Fixture f;
    const auto wrench = f.tool("Clé dynamométrique", "cle-1", 7, 2000);
    const auto stand = f.tool("Pied d'atelier", "PIED", 14);
    const auto truing = f.tool("Centreur", "CENTREUR", 7);
    CHECK(wrench.tag == "CLE-1");

    // Day 0: Léa borrows two tools in one basket; the deposit is held.
    auto r = f.lend({wrench.id, stand.id}, f.lea);
    REQUIRE(r);
    const auto loans = std::get<std::vector<core::Loan>>(*r);
    REQUIRE(loans.size() == 2);
    CHECK(loans[0].basket == loans[1].basket);
    CHECK(loans[0].deposit == core::DepositState::held);
    CHECK(loans[0].due == core::Date{2026y / 12 / 8});
    CHECK(f.find(wrench.id).status == core::ToolStatus::on_loan);

    // Lending a tool already out: refused, says what to do.
    CHECK(f.msg(f.lend({wrench.id}, f.max)).find("already on loan") != std::string::npos);
    // Max joins the wrench's waiting list; Léa cannot renew it any more.
    REQUIRE(f.station->call(ReserveTool{wrench.id, f.max, true, {}, {}, std::nullopt}));
    CHECK(f.msg(f.station->call(RenewLoan{wrench.id, std::nullopt})).find("waiting") != std::string::npos);
    // The stand renews (14 more days from its due day), up to its limit of 2.
    r = f.station->call(RenewLoan{stand.id, std::nullopt});
    REQUIRE(r);
    CHECK(std::get<std::vector<core::Loan>>(*r)[0].due == core::Date{2026y / 12 / 29});

    // Day 9: the wrench is overdue. Léa badges in: she sees it first thing.
    f.days_later(9);
    auto tap = f.station->call(BadgeSeen{"01", "kiosk"});
    REQUIRE(tap);
    const auto& tv = std::get<TapView>(*tap);
    REQUIRE(tv.overdue_tools.size() == 1);
    CHECK(tv.overdue_tools[0].tool_name == "Clé dynamométrique");
    CHECK(tv.overdue_tools[0].days_late == 2);
    // The hosts' list has it at the top with her e-mail.
    {
        auto snap = f.station->snapshot();
        REQUIRE(!snap->tools->loans.empty());
        CHECK(snap->tools->loans[0].loan.tool == wrench.id);
        CHECK(snap->tools->loans[0].member_contact == "lea@example.org");
    }
    // No new loan while overdue.
    CHECK(f.msg(f.lend({truing.id}, f.lea)).find("overdue") != std::string::npos);

    // She brings the wrench back damaged: in repair, the deposit kept with a reason; the
    // waiting list waits for the repair.
    ReturnTool back;
    back.tool = wrench.id;
    back.condition = core::ToolCondition::damaged;
    back.note = "Cliquet bloqué";
    back.keep_deposit = true;
    back.deposit_reason = "Réparation du cliquet";
    r = f.station->call(back);
    REQUIRE(r);
    CHECK(std::get<std::vector<core::Loan>>(*r)[0].deposit == core::DepositState::kept);
    CHECK(f.find(wrench.id).status == core::ToolStatus::in_repair);
    CHECK(f.msg(f.lend({wrench.id}, f.max)).find("in repair") != std::string::npos);
    // Returning one not on loan: refused.
    CHECK(f.msg(f.give_back(wrench.id)).find("not on loan") != std::string::npos);

    // Day 10: repaired. The tool is held for Max (the waiting list) for 3 days.
    f.days_later(1);
    core::Tool repaired = f.find(wrench.id);
    repaired.status = core::ToolStatus::available;
    repaired.condition = core::ToolCondition::good;
    REQUIRE(f.station->call(SetTool{repaired, {}, {}, std::nullopt}));
    CHECK(f.find(wrench.id).status == core::ToolStatus::reserved);
    CHECK(f.msg(f.lend({wrench.id}, f.lea)).find("held for another member") != std::string::npos);

    // Max does not come: after the hold the tool is back on the shelf.
    f.days_later(4);
    CHECK(f.find(wrench.id).status == core::ToolStatus::available);
    CHECK(f.station->snapshot()->tools->reservations.empty());

    // Reservations: Max reserves the truing stand for days 20–22 (no overlap allowed).
    const core::Date d20{2026y / 12 / 21}, d22{2026y / 12 / 23};
    REQUIRE(f.station->call(ReserveTool{truing.id, f.max, false, d20, d22, std::nullopt}));
    CHECK(f.msg(f.station->call(ReserveTool{truing.id, f.lea, false, core::Date{2026y / 12 / 22}, core::Date{2026y / 12 / 25}, std::nullopt}))
              .find("already reserved") != std::string::npos);
    REQUIRE(f.station->call(ReserveTool{truing.id, f.lea, false, core::Date{2026y / 12 / 24}, core::Date{2026y / 12 / 25}, std::nullopt}));

    // Léa returns the stand (still out, not overdue), then may borrow again — but the truing
    // stand's default 7 days would run into Max's range.
    REQUIRE(f.give_back(stand.id));
    CHECK(f.msg(f.lend({truing.id}, f.lea)).find("due date before") != std::string::npos);
    REQUIRE(f.lend({truing.id}, f.lea, 3));

    // Restart: everything is found again.
    f.reopen();
    {
        auto snap = f.station->snapshot();
        CHECK(snap->tools->tools.size() == 3);
        CHECK(snap->tools->loans.size() == 1);
        CHECK(snap->tools->reservations.size() == 2);
    }
    // The day range after the loan: Max borrows on day 20; his reservation is fulfilled.
    REQUIRE(f.give_back(truing.id, core::ToolCondition::worn));
    CHECK(f.find(truing.id).condition == core::ToolCondition::worn);
    f.days_later(6);
    REQUIRE(f.lend({truing.id}, f.max, 2));
    CHECK(f.station->snapshot()->tools->reservations.size() == 1);

    // The history keeps every loan.
    f.station->stop();
    auto history = f.store->loan_history(std::nullopt, 100);
    REQUIRE(history);
    CHECK(history->size() == 4);  // the wrench, the stand, the truing stand twice
    auto overdue = f.store->overdue_loans(core::Date{2026y / 12 / 31});
    REQUIRE(overdue);
    CHECK(overdue->size() == 1);
}

TEST_CASE("the basket is one transaction: all or none") {
    Fixture f;
    const auto a = f.tool("A", "A", 7);
    const auto b = f.tool("B", "B", 7, 0, true);  // needs an authorisation
    CHECK(f.msg(f.lend({a.id, b.id}, f.lea)).find("authorisation") != std::string::npos);
    CHECK(f.find(a.id).status == core::ToolStatus::available);  // nothing lent
    REQUIRE(f.station->call(SetTool{f.find(b.id), {f.lea}, {}, std::nullopt}));
    REQUIRE(f.lend({a.id, b.id}, f.lea));
    // At most 3 at once.
    const auto c = f.tool("C", "C");
    const auto d = f.tool("D", "D");
    CHECK(f.msg(f.lend({c.id, d.id}, f.lea)).find("At most") != std::string::npos);
    CHECK(f.msg(f.lend({c.id, c.id}, f.lea)).find("twice") != std::string::npos);
    CHECK(f.msg(f.lend({}, f.lea)).find("empty") != std::string::npos);
    CHECK(f.msg(f.lend({999}, f.lea)).find("No tool") != std::string::npos);
}

TEST_CASE("inventory: tags unique, numbered tags, retire, import all or nothing, hosts only at the kiosk") {
    Fixture f;
    const auto a = f.tool("Perceuse", "P1");
    core::Tool dup;
    dup.name = "Autre";
    dup.tag = "p1";
    CHECK(f.msg(f.station->call(AddTool{dup, std::nullopt})).find("already used") != std::string::npos);
    dup.tag.clear();
    auto r = f.station->call(AddTool{dup, std::nullopt});
    REQUIRE(r);
    CHECK(std::get<core::Tool>(*r).tag == "T0001");  // the first untagged tool, whatever came before
    CHECK(f.msg(f.station->call(AddTool{dup, f.lea})).find("(missing right: host)") != std::string::npos);
    auto second = f.station->call(AddTool{dup, f.camille});
    REQUIRE(second);
    CHECK(std::get<core::Tool>(*second).tag == "T0002");

    REQUIRE(f.lend({a.id}, f.lea));
    CHECK(f.msg(f.station->call(RetireTool{a.id, std::nullopt})).find("on loan") != std::string::npos);
    REQUIRE(f.give_back(a.id));
    REQUIRE(f.station->call(RetireTool{a.id, std::nullopt}));
    CHECK(f.msg(f.lend({a.id}, f.lea)).find("retired") != std::string::npos);

    std::vector<core::ToolImportRow> rows(2);
    rows[0].line = 2;
    rows[0].tool.name = "Scie";
    rows[0].tool.tag = "S1";
    rows[1].line = 3;
    rows[1].tool.name = "Scie 2";
    rows[1].tool.tag = "P1";  // taken since
    CHECK(!f.station->call(ImportTools{rows}));
    CHECK(f.station->snapshot()->tools->tools.size() == 3);
    rows[1].tool.tag = "S2";
    REQUIRE(f.station->call(ImportTools{rows}));
    CHECK(f.station->snapshot()->tools->tools.size() == 5);
}

TEST_CASE("the kiosk flow: scans fill the basket, refusals say why, volunteers act for members") {
    Fixture f;
    const auto a = f.tool("Perceuse", "P1");
    const auto b = f.tool("Scie", "S1", 7, 0, true);
    // A scan with no flow open is kept for the inventory screens.
    REQUIRE(f.station->call(ToolScanned{"p1"}));
    CHECK(f.station->snapshot()->tools->last_scan->tool == a.id);

    REQUIRE(f.station->call(ToolFlow{ToolFlow::Mode::borrow, f.lea, std::nullopt}));
    REQUIRE(f.station->call(ToolScanned{"p1"}));
    REQUIRE(f.station->call(ToolScanned{"P1"}));  // twice: once in the basket
    CHECK(!f.station->call(ToolScanned{"NOPE"}));
    {
        auto s = f.station->snapshot();
        REQUIRE(s->tools->flow);
        CHECK(s->tools->flow->basket == std::vector<core::ToolId>{a.id});
        REQUIRE(s->tools->flow->problem);
        CHECK(s->tools->flow->problem->msgid.find("Unknown tag") != std::string::npos);
    }
    CHECK(!f.station->call(ToolScanned{"S1"}));  // needs an authorisation
    CHECK(f.station->snapshot()->tools->flow->problem->msgid.find("authorisation") != std::string::npos);
    REQUIRE(f.station->call(Lend{f.station->snapshot()->tools->flow->basket, f.lea, std::nullopt, f.lea}));
    CHECK(f.station->snapshot()->tools->flow->basket.empty());

    // Return flow: scan selects the loan; Max cannot return Léa's tool, a volunteer can.
    REQUIRE(f.station->call(ToolFlow{ToolFlow::Mode::give_back, f.max, std::nullopt}));
    CHECK(!f.station->call(ToolScanned{"P1"}));
    REQUIRE(f.station->call(ToolFlow{ToolFlow::Mode::give_back, f.lea, f.vol}));
    REQUIRE(f.station->call(ToolScanned{"P1"}));
    CHECK(f.station->snapshot()->tools->flow->selected == a.id);
    ReturnTool back;
    back.tool = a.id;
    back.actor = f.vol;
    REQUIRE(f.station->call(back));
    // A member cannot lend for another member; a volunteer can.
    CHECK(f.msg(f.station->call(Lend{{a.id}, f.lea, std::nullopt, f.max})).find("volunteer") != std::string::npos);
    REQUIRE(f.station->call(Lend{{a.id}, f.lea, std::nullopt, f.vol}));
    REQUIRE(f.station->call(ToolFlow{ToolFlow::Mode::closed, 0, std::nullopt}));
    CHECK(!f.station->snapshot()->tools->flow);
    (void)b;
}

TEST_CASE("the store refuses a second open loan of a tool and a duplicate tag, changing nothing") {
    testing::TempDir dir;
    auto s = db::SqlStore::open(dir / "s.db");
    REQUIRE(s);
    auto& store = **s;
    core::MemberDraft d;
    d.display_name = "Léa";
    REQUIRE(store.add_member(d, std::nullopt, utc("2026-12-01T09:00:00Z")));
    ToolChanges c;
    core::Tool t;
    t.id = 1;
    t.name = "A";
    t.tag = "A";
    c.tools.push_back(t);
    t.id = 2;
    t.tag = "B";
    c.tools.push_back(t);
    REQUIRE(store.commit_tools(c, std::nullopt, utc("2026-12-01T09:00:00Z")));
    ToolChanges dup;
    t.id = 3;
    t.tag = "A";
    dup.tools.push_back(t);
    dup.events.push_back({"tool.added", "tool:3", {}});
    auto r = store.commit_tools(dup, std::nullopt, utc("2026-12-01T09:00:00Z"));
    REQUIRE(!r);
    CHECK(r.error().msgid.find("Storage error") != std::string::npos);
    ToolChanges loans;
    core::Loan l;
    l.id = 1;
    l.tool = 1;
    l.member = 1;
    l.basket = 1;
    l.due = core::Date{2026y / 12 / 8};
    loans.loans.push_back(l);
    l.id = 2;
    loans.loans.push_back(l);  // the same tool again, still open
    CHECK(!store.commit_tools(loans, std::nullopt, utc("2026-12-01T09:00:00Z")));
    auto data = store.load_tools();
    REQUIRE(data);
    CHECK(data->tools.size() == 2);
    CHECK(data->open_loans.empty());
    CHECK(data->max_loan_id == 0);
    // The event log stays append-only (002) and got nothing from the failed commits.
    auto n = store.connection().query_int("SELECT count(*) FROM events WHERE kind LIKE 'tool.%'");
    REQUIRE(n);
    CHECK(*n == 0);
}

TEST_CASE("cancelling a reservation: own or by a host; a held tool passes to the next in line") {
    Fixture f;
    const auto wrench = f.tool("Clé dynamométrique", "CLE-1", 7);
    const auto truing = f.tool("Centreur", "CENTREUR", 7);
    auto reserve = [&](core::ToolId t, core::MemberId m, bool waiting, core::Date from = {}, core::Date to = {},
                       std::optional<core::MemberId> actor = std::nullopt) {
        auto r = f.station->call(ReserveTool{t, m, waiting, from, to, actor});
        REQUIRE(r);
        return std::get<core::Reservation>(*r);
    };
    // Léa's waiting place on a tool on the shelf is a hold at once; Max waits behind her.
    const auto lea_hold = reserve(wrench.id, f.lea, true);
    CHECK(lea_hold.state == core::ReservationState::held);
    const auto max_wait = reserve(wrench.id, f.max, true);
    CHECK(max_wait.state == core::ReservationState::waiting);
    const auto range = reserve(truing.id, f.max, false, core::Date{2026y / 12 / 10}, core::Date{2026y / 12 / 12});

    // Max cannot cancel Léa's place; a volunteer is not a host either.
    CHECK(f.msg(f.station->call(CancelToolReservation{lea_hold.id, f.max})).find("Only a host") != std::string::npos);
    CHECK(f.msg(f.station->call(CancelToolReservation{lea_hold.id, f.vol})).find("Only a host") != std::string::npos);
    // Unknown number: refused, nothing changes.
    CHECK(f.msg(f.station->call(CancelToolReservation{999, f.lea})).find("No live reservation") != std::string::npos);

    // Léa cancels her own hold: the wrench is now held for Max.
    auto r = f.station->call(CancelToolReservation{lea_hold.id, f.lea});
    REQUIRE(r);
    CHECK(std::get<core::Reservation>(*r).state == core::ReservationState::cancelled);
    {
        auto snap = f.station->snapshot();
        bool max_held = false, lea_live = false;
        for (const auto& x : snap->tools->reservations) {
            if (x.id == max_wait.id) max_held = x.state == core::ReservationState::held;
            if (x.id == lea_hold.id) lea_live = true;
        }
        CHECK(max_held);
        CHECK(!lea_live);
    }
    CHECK(f.find(wrench.id).status == core::ToolStatus::reserved);
    // Cancelling twice: refused.
    CHECK(f.msg(f.station->call(CancelToolReservation{lea_hold.id, f.lea})).find("No live reservation") != std::string::npos);

    // A host cancels Max's hold: nobody is left, the wrench is back on the shelf.
    REQUIRE(f.station->call(CancelToolReservation{max_wait.id, f.camille}));
    CHECK(f.find(wrench.id).status == core::ToolStatus::available);

    // The command line cancels the day range: its days are free again, also after a restart.
    REQUIRE(f.station->call(CancelToolReservation{range.id, std::nullopt}));
    f.reopen();
    CHECK(f.find(wrench.id).status == core::ToolStatus::available);
    auto snap = f.station->snapshot();
    CHECK(snap->tools->reservations.empty());
    reserve(truing.id, f.lea, false, core::Date{2026y / 12 / 11}, core::Date{2026y / 12 / 11});
}

TEST_CASE("a waiting-list hold stops the day before another member's date reservation") {
    Fixture f;
    const auto truing = f.tool("Centreur", "CENTREUR", 7);
    REQUIRE(f.lend({truing.id}, f.lea, 1));  // due Wednesday 2
    REQUIRE(f.station->call(ReserveTool{truing.id, f.max, true, {}, {}, std::nullopt}));  // Max waits
    // Camille has reserved it from Thursday 3 to Saturday 5 December.
    REQUIRE(f.station->call(ReserveTool{truing.id, f.camille, false, core::Date{2026y / 12 / 3}, core::Date{2026y / 12 / 5},
                                        std::nullopt}));
    REQUIRE(f.give_back(truing.id));  // Tuesday 1: a 3-day hold would run into Camille's days
    const auto data = f.store->load_tools();
    REQUIRE(data);
    bool held = false;
    for (const auto& r : data->reservations)
        if (r.tool == truing.id && r.member == f.max && r.state == core::ReservationState::held) {
            held = true;
            REQUIRE(r.held_until);
            CHECK(*r.held_until == core::Date{2026y / 12 / 2});
        }
    CHECK(held);
}

TEST_CASE("no waiting-list hold while another member's date reservation runs") {
    Fixture f;
    const auto truing = f.tool("Centreur", "CENTREUR", 7);
    REQUIRE(f.lend({truing.id}, f.lea, 1));
    REQUIRE(f.station->call(ReserveTool{truing.id, f.max, true, {}, {}, std::nullopt}));
    REQUIRE(f.station->call(ReserveTool{truing.id, f.camille, false, core::Date{2026y / 12 / 3}, core::Date{2026y / 12 / 5},
                                        std::nullopt}));
    f.days_later(2);  // Thursday 3: Camille's days have begun, Léa brings it back a day late
    REQUIRE(f.give_back(truing.id));
    CHECK(f.find(truing.id).status != core::ToolStatus::reserved);
    CHECK(f.lend({truing.id}, f.camille));  // hers to take
}
