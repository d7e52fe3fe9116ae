// Memberships and the receipts journal, app scenarios: the Station with a fake clock and a real
// SQLite file. A payment extends the membership in the same transaction and the directory
// shows it at once; prix libre; the journal is append-only (SQL refuses an edit), corrected
// by counter-entries, closed once; a HelloAsso import renews by e-mail then by name, is
// idempotent, and lists the payers it cannot match; the accounting exports.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/accounting.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    Fixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) {  // Saturday, 14:00 in Paris
        reopen();
        host = add_member("Camille Martin", core::Role::host).id;
        core::MemberDraft d;
        d.display_name = "Léa Dubois";
        d.email = "lea@example.org";
        d.valid_until = core::Date{2026y / 12 / 15};
        auto r = station->call(AddMember{d, std::nullopt, std::nullopt});
        REQUIRE(r);
        lea = std::get<core::Member>(*r).id;
        hugo = add_member("Hugo Bernard", core::Role::member, std::nullopt, core::Date{2025y / 6 / 30}).id;
        annual = plan("Annuelle", 12, 2000);
        free_plan = plan("Prix libre", 12, 1000, true);
    }
    core::MemberId host = 0, lea = 0, hugo = 0;
    core::PlanId annual = 0, free_plan = 0;

    core::PlanId plan(std::string name, int months, std::int64_t cents, bool free = false) {
        core::Plan p;
        p.name = std::move(name);
        p.months = months;
        p.price_cents = cents;
        p.free_price = free;
        auto r = station->call(AddPlan{p, std::nullopt});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Plan>(*r).id;
    }
    std::optional<core::Date> until(core::MemberId m) { return station->snapshot()->directory->find(m)->valid_until; }
    JournalDay journal(core::Date d) {
        auto r = station->call(ShowJournal{d, host});
        REQUIRE(r);
        return std::get<JournalDay>(*r);
    }
};

std::string refusal(const Result& r) { return r ? std::string("(accepted)") : r.error().english(); }

core::HelloAssoPayment paid(std::string ref, std::string first, std::string last, std::string email, std::int64_t cents,
                            std::string plan = "Annuelle") {
    core::HelloAssoPayment p;
    p.line = 2;
    p.reference = std::move(ref);
    p.day = core::Date{2026y / 11 / 20};
    p.first_name = std::move(first);
    p.last_name = std::move(last);
    p.email = std::move(email);
    p.amount_cents = cents;
    p.plan = std::move(plan);
    return p;
}

}  // namespace

TEST_CASE("a payment extends the membership in the same step; prix libre takes what was paid") {
    Fixture f;
    // Léa's membership still runs (until 15 December): a year from its end.
    auto r = f.station->call(PayMembership{f.lea, f.annual, std::nullopt, core::PayMeans::cash, f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(std::get<core::Member>(*r).valid_until == core::Date{2027y / 12 / 15});
    CHECK(f.until(f.lea) == core::Date{2027y / 12 / 15});  // the directory, at once
    // Hugo's ended in 2025: a year from today.
    r = f.station->call(PayMembership{f.hugo, f.free_plan, 500, core::PayMeans::card, f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(f.until(f.hugo) == core::Date{2027y / 11 / 27});
    // Refusals: a fixed plan at another price, prix libre with nothing, a plain member recording.
    CHECK(refusal(f.station->call(PayMembership{f.lea, f.annual, 1500, core::PayMeans::cash, f.host})) ==
          "The plan Annuelle costs 20,00\u00a0€: pick the prix libre plan to pay another amount");
    CHECK(refusal(f.station->call(PayMembership{f.lea, f.free_plan, std::nullopt, core::PayMeans::cash, f.host})) ==
          "At prix libre, type what the member paid");
    CHECK(!f.station->call(PayMembership{f.lea, f.annual, std::nullopt, core::PayMeans::cash, f.lea}));
    const auto j = f.journal(core::Date{2026y / 11 / 28});
    REQUIRE(j.lines.size() == 2);
    CHECK(j.lines[0].amount_cents == 2000);
    CHECK(j.lines[0].plan == f.annual);
    CHECK(j.lines[0].member == f.lea);
    CHECK(j.lines[1].amount_cents == 500);
    CHECK(j.totals.total_cents == 2500);
    // After a restart the member's end is what was stored.
    f.reopen();
    CHECK(f.until(f.lea) == core::Date{2027y / 12 / 15});
}

TEST_CASE("the journal: append-only, corrected by counter-entries, closed once") {
    Fixture f;
    core::Receipt rc;
    rc.amount_cents = 350;
    rc.what = core::ReceiptFor::repair;
    rc.means = core::PayMeans::cash;
    rc.label = "Participation";
    auto r = f.station->call(RecordReceipt{rc, f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    const auto line = std::get<core::Receipt>(*r);
    rc.amount_cents = -350;
    CHECK(refusal(f.station->call(RecordReceipt{rc, f.host})) == "A payment is more than 0: a refund is a correction of its line");
    rc.amount_cents = 100;
    rc.what = core::ReceiptFor::dues;
    CHECK(!f.station->call(RecordReceipt{rc, f.host}));  // dues go with a plan

    // SQL itself keeps the journal.
    auto& conn = f.store->connection();
    CHECK(!conn.exec("UPDATE receipts SET amount_cents = 1 WHERE id = 1"));
    CHECK(!conn.exec("DELETE FROM receipts"));

    r = f.station->call(CorrectReceipt{line.id, "erreur de saisie", f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(std::get<core::Receipt>(*r).amount_cents == -350);
    CHECK(std::get<core::Receipt>(*r).corrects == line.id);
    CHECK(refusal(f.station->call(CorrectReceipt{line.id, "encore", f.host})) == "Line 1 was already corrected by line 2");
    CHECK(refusal(f.station->call(CorrectReceipt{2, "x", f.host})) == "Line 2 is itself a correction");

    rc.what = core::ReceiptFor::parts;
    rc.amount_cents = 1200;
    rc.means = core::PayMeans::card;
    REQUIRE(f.station->call(RecordReceipt{rc, f.host}));
    const core::Date today{2026y / 11 / 28};
    CHECK(!f.station->call(CloseDay{today, f.lea}));  // a host's
    r = f.station->call(CloseDay{today, f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    const auto k = std::get<core::Closing>(*r);
    CHECK(k.lines == 3);
    CHECK(k.total_cents == 1200);
    REQUIRE(k.totals.size() == 2);
    CHECK(k.totals[0] == std::pair{core::PayMeans::cash, std::int64_t{0}});
    CHECK(k.totals[1] == std::pair{core::PayMeans::card, std::int64_t{1200}});
    CHECK(refusal(f.station->call(CloseDay{today, f.host})) == "The day 2026-11-28 was closed already: its totals are final");
    CHECK(refusal(f.station->call(RecordReceipt{rc, f.host})) ==
          "The day 2026-11-28 is closed: record it on another day, or correct a line");
    CHECK(refusal(f.station->call(CloseDay{core::Date{2026y / 11 / 29}, f.host})) == "The day 2026-11-29 has not come yet");
    CHECK(f.journal(today).closing);
    // The next day takes lines again; a correction of a closed day's line goes on today.
    f.clock.advance(days{1});
    r = f.station->call(CorrectReceipt{3, "remboursé", f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(std::get<core::Receipt>(*r).day == core::Date{2026y / 11 / 29});
    f.reopen();
    CHECK(refusal(f.station->call(CloseDay{today, f.host})) == "The day 2026-11-28 was closed already: its totals are final");

    // The accounting exports.
    auto lines = std::get<ReceiptList>(*f.station->call(ReceiptsBetween{today, core::Date{2026y / 11 / 29}, f.host})).lines;
    REQUIRE(lines.size() == 4);
    const auto paheko = db::paheko_csv(lines, db::AccountChart{});
    CHECK(paheko.starts_with("Numéro d'écriture;Date;Libellé;Compte de débit;Compte de crédit;Montant;Numéro pièce comptable;Référence paiement;Notes\r\n"));
    CHECK(paheko.find(";28/11/2026;Participation réparation Participation (espèces);530;706;3,50;ETB-1;;\r\n") != std::string::npos);
    CHECK(paheko.find("706;530;3,50;ETB-2") != std::string::npos);  // the counter-entry, accounts swapped
    const auto journal = db::journal_csv(lines, db::AccountChart{});
    CHECK(journal.find("28/11/2026;VT;ETB-3;512;Pièces Participation (carte);12,00;\r\n") != std::string::npos);
}

TEST_CASE("a HelloAsso import renews by e-mail, then by name; again, it changes nothing; the others are listed") {
    Fixture f;
    std::vector<core::HelloAssoPayment> file{
        paid("1001", "Léa", "Dubois", "lea@example.org", 2000),
        paid("1002", "hugo", "BERNARD", "hugo.b@example.org", 1000, "Prix libre"),  // no such e-mail: by name
        paid("1003", "Nina", "Simone", "nina@example.org", 2000),                   // nobody
    };
    auto r = f.station->call(ImportHelloAsso{file, f.host});
    REQUIRE_MESSAGE(r, refusal(r));
    auto s = std::get<HelloAssoSummary>(*r);
    CHECK(s.renewed.size() == 2);
    CHECK(s.already.empty());
    REQUIRE(s.unmatched.size() == 1);
    CHECK(s.unmatched[0].reference == "1003");
    CHECK(f.until(f.lea) == core::Date{2027y / 12 / 15});
    CHECK(f.until(f.hugo) == core::Date{2027y / 11 / 19});  // from the day paid on HelloAsso
    const auto j = f.journal(core::Date{2026y / 11 / 20});
    REQUIRE(j.lines.size() == 2);
    CHECK(j.lines[0].means == core::PayMeans::helloasso);
    CHECK(j.lines[0].external_ref == "helloasso:1001");
    CHECK(j.lines[1].plan == f.free_plan);

    // The same file again: nothing changes.
    r = f.station->call(ImportHelloAsso{file, f.host});
    REQUIRE(r);
    s = std::get<HelloAssoSummary>(*r);
    CHECK(s.renewed.empty());
    CHECK(s.already.size() == 2);
    CHECK(f.until(f.lea) == core::Date{2027y / 12 / 15});
    CHECK(f.journal(core::Date{2026y / 11 / 20}).lines.size() == 2);

    // Nina, whom nobody matched: a host names her member (a kiosk or --attach), and the same
    // file sent again renews her alone. A member that does not exist is refused, nothing written.
    CHECK(refusal(f.station->call(ImportHelloAsso{file, f.host, {{"1003", 999}}})) == "Line 2: no member has the number 999");
    CHECK(f.journal(core::Date{2026y / 11 / 20}).lines.size() == 2);
    const auto nina = f.add_member("Nina S.").id;
    r = f.station->call(ImportHelloAsso{file, f.host, {{"1003", nina}}});
    REQUIRE_MESSAGE(r, refusal(r));
    s = std::get<HelloAssoSummary>(*r);
    REQUIRE(s.renewed.size() == 1);
    CHECK(s.renewed[0].member == nina);
    CHECK(s.already.size() == 2);
    CHECK(s.unmatched.empty());
    CHECK(f.until(nina) == core::Date{2027y / 11 / 19});
    // Once only, attached or not; and an attach for a line already imported changes nothing.
    r = f.station->call(ImportHelloAsso{file, f.host, {{"1003", nina}, {"1001", nina}}});
    REQUIRE(r);
    CHECK(std::get<HelloAssoSummary>(*r).renewed.empty());
    CHECK(f.until(f.lea) == core::Date{2027y / 12 / 15});
    CHECK(f.journal(core::Date{2026y / 11 / 20}).lines.size() == 3);
    // A member cannot import (nor name a payer's member).
    CHECK(!f.station->call(ImportHelloAsso{file, f.lea, {{"1003", f.lea}}}));
}
