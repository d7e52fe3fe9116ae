// The payments at the kiosk, headless: the "Payments" tile for hosts of a workshop with plans; the day's journal
// asked when the screen opens and shown with its totals; a membership paid for a member found
// by name (plan, amount at prix libre, means: the PayMembership sent) and the new end said;
// another receipt with a typed amount ("12,50"); a refusal shown in French; the closing
// confirmed on a page of its totals; the member's home showing the new end for a week.
// Layouts in French at 800x480, 1280x800 and 1920x1080, at every text size of the suite.
// Layer: gui tests (headless).
#include "harness.hpp"
#include "last_sent.hpp"

#include <etabli/app/features/money.hpp>

#include <set>

using namespace etabli;

namespace {

const std::vector<ImVec2> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

std::shared_ptr<app::MoneyView> set_plans(Harness& h) {
    auto m = std::make_shared<app::MoneyView>();
    m->plans = {core::Plan{1, "Annuelle", 12, 2000, false, true}, core::Plan{2, "Prix libre", 12, 1000, true, true},
                core::Plan{3, "Ancienne", 12, 1500, false, false}};
    std::get<app::feature_index_v<app::MoneyFeature>>(h.snap.parts) = m;
    h.publish();
    return m;
}

core::Receipt line(core::ReceiptId id, std::int64_t cents, core::PayMeans means, core::ReceiptFor what) {
    core::Receipt r;
    r.id = id;
    r.day = day(2026, 11, 28);
    r.amount_cents = cents;
    r.means = means;
    r.what = what;
    return r;
}

// Answers the last command: a journal for ShowJournal, else ok (with `until`) or a refusal.
void answer_journal(Harness& h, std::vector<core::Receipt> lines, bool closed = false) {
    const auto& ask = last_sent<app::ShowJournal>(h);
    auto j = std::make_shared<app::JournalDay>();
    j->day = ask.day;
    j->lines = std::move(lines);
    j->totals = core::closing_of(ask.day, j->lines);
    if (closed) j->closing = j->totals;
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = true;
    r.journal = j;
    h.snap.last_reply = r;
    h.publish();
    h.frame();
}
void answer(Harness& h, bool ok, std::optional<core::Date> until = {}, core::Problem p = {}) {
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = ok;
    r.until = until;
    r.problem = std::move(p);
    h.snap.last_reply = r;
    h.publish();
    h.frame();
}

// A form too tall for the screen shows how it was paid on a second page.
void to_means(Harness& h) {
    if (h.has("payments/next")) h.tap("payments/next");
}

void open_payments(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");  // Camille, a host
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.tap("home/payments");
    REQUIRE(h.kiosk.screen() == gui::Screen::payments);
    h.frame();
}

}  // namespace

TEST_CASE("the Payments tile: hosts of a workshop with membership plans") {
    Harness h;
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    CHECK(!h.has("home/payments"));  // no plan: the workshop keeps no journal at the kiosk
    h.tap("home/done");
    set_plans(h);
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    CHECK(h.has("home/payments"));
    h.tap("home/done");
    h.show_tap(3, core::TapKind::check_in, "0009876543");  // Hugo, a volunteer
    CHECK(!h.has("home/payments"));
}

TEST_CASE("a membership paid at the counter, another receipt, a refusal, the day closed") {
    Harness h;
    set_plans(h);
    open_payments(h);
    // The day's journal is asked at once, and shown.
    CHECK(last_sent<app::ShowJournal>(h).day == h.snap.today);
    CHECK(last_sent<app::ShowJournal>(h).actor == std::optional<core::MemberId>{2});
    CHECK(!h.item("payments/membership").enabled);  // until the journal came
    answer_journal(h, {line(1, 2000, core::PayMeans::cash, core::ReceiptFor::dues), line(2, 300, core::PayMeans::card, core::ReceiptFor::repair)});
    CHECK(h.label("payments/summary") == "2 recettes aujourd'hui, 23,00\u00a0€ en tout");
    CHECK(h.label("payments/totals/cash") == "Espèces\u00a0: 20,00\u00a0€");
    CHECK(h.label("payments/line/2") == "N° 2 · Réparation · 3,00\u00a0€ · carte");  // the day's lines, the latest first
    CHECK(h.item("payments/membership").enabled);

    // A membership: Léa, found by name; prix libre, 5 €, by cheque.
    h.tap("payments/membership");
    h.type_on_screen("Léa");
    REQUIRE(h.has("payments/1/pick"));
    h.tap("payments/1/pick");
    CHECK(h.label("payments/title") == "Léa Dubois");
    CHECK(!h.has("payments/plan/3"));  // no longer offered
    CHECK(!h.item("payments/save").enabled);
    h.tap("payments/plan/2");
    h.tap("payments/amount/5");
    to_means(h);
    CHECK(!h.item("payments/save").enabled);  // how it was paid is still missing
    h.tap("payments/means/cheque");
    h.tap("payments/save");
    const auto& pay = last_sent<app::PayMembership>(h);
    CHECK(pay.member == 1);
    CHECK(pay.plan == 2);
    CHECK(pay.paid_cents == std::optional<std::int64_t>{500});
    CHECK(pay.means == core::PayMeans::cheque);
    CHECK(pay.actor == std::optional<core::MemberId>{2});
    answer(h, true, day(2027, 11, 28));
    // Back on the day's page, with what happened, and the journal asked again.
    CHECK(h.label("payments/message") == "L'adhésion de Léa Dubois court jusqu'au 28/11/2027");
    CHECK(std::holds_alternative<app::ShowJournal>(h.out.back().first));
    answer_journal(h, {line(1, 2000, core::PayMeans::cash, core::ReceiptFor::dues), line(2, 300, core::PayMeans::card, core::ReceiptFor::repair),
                       line(3, 500, core::PayMeans::cheque, core::ReceiptFor::dues)});
    CHECK(h.label("payments/summary") == "3 recettes aujourd'hui, 28,00\u00a0€ en tout");

    // Another receipt: a repair at prix libre, 12,50 typed, in cash.
    h.tap("payments/receipt");
    h.tap("payments/what/repair");
    h.tap("payments/amount/other");
    h.type_on_screen("12,50");
    h.tap("payments/amount_done");
    CHECK(h.item("payments/amount/other").label == "12,50\u00a0€");
    to_means(h);
    h.tap("payments/means/cash");
    h.tap("payments/save");
    const auto& rec = last_sent<app::RecordReceipt>(h);
    CHECK(rec.receipt.amount_cents == 1250);
    CHECK(rec.receipt.what == core::ReceiptFor::repair);
    CHECK(rec.receipt.means == core::PayMeans::cash);
    // The station refuses (the day was closed from the command line meanwhile): said in French.
    answer(h, false, {}, core::problem("The day {0} is closed: record it on another day, or correct a line", {"2026-11-28"}));
    CHECK(h.label("payments/message").find("28/11/2026") != std::string::npos);
    CHECK(h.label("payments/message").find("clôturée") != std::string::npos);

    // A typed amount that is not one: refused on the keyboard page.
    if (!h.has("payments/amount/other")) h.tap("payments/back");  // the first page of two
    h.tap("payments/amount/other");
    h.type_on_screen("12,5,0");
    h.tap("payments/amount_done");
    CHECK(h.has("payments/message"));
    h.tap("payments/cancel");
    h.tap("payments/back");

    // The closing: its totals, then Confirm.
    h.tap("payments/close");
    CHECK(h.label("payments/summary") == "3 recettes, 28,00\u00a0€ en tout");
    h.tap("payments/confirm");
    CHECK(last_sent<app::CloseDay>(h).day == h.snap.today);
    answer(h, true);
    CHECK(h.label("payments/message") == "La journée est clôturée\u00a0: ses totaux sont définitifs");
    answer_journal(h, {line(1, 2000, core::PayMeans::cash, core::ReceiptFor::dues)}, true);
    CHECK(h.has("payments/closed"));
    CHECK(!h.item("payments/membership").enabled);
}

TEST_CASE("after a payment, the member's home shows the new end for a week") {
    Harness h;
    auto m = set_plans(h);
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    d->members[1].valid_until = day(2027, 11, 28);
    h.snap.directory = d;
    m->renewed[1] = h.snap.today;
    h.publish();
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(h.label("home/renewal") == "Adhésion renouvelée\u00a0: elle court jusqu'au 28/11/2027");
    h.tap("home/done");
    m->renewed[1] = day(2026, 11, 20);  // eight days ago: no more
    h.publish();
    h.show_tap(1, core::TapKind::check_in, "0001234567");
    CHECK(!h.has("home/renewal"));
}

TEST_CASE("the payment screens' layouts in French") {
    for (const ImVec2 size : kSizes) {
        Harness h(size);
        set_plans(h);
        open_payments(h);
        answer_journal(h, {line(1, 2000, core::PayMeans::cash, core::ReceiptFor::dues), line(2, 300, core::PayMeans::card, core::ReceiptFor::repair),
                           line(3, 1500, core::PayMeans::cheque, core::ReceiptFor::parts), line(4, 700, core::PayMeans::transfer, core::ReceiptFor::donation),
                           line(5, 2000, core::PayMeans::helloasso, core::ReceiptFor::dues)});
        h.check_layout("the day's journal");
        h.tap("payments/membership");
        h.check_layout("whose membership");
        h.type_on_screen("Lé");
        h.tap("payments/1/pick");
        h.tap("payments/plan/2");
        h.tap("payments/amount/10");
        h.check_layout("a membership at prix libre");
        to_means(h);
        h.tap("payments/means/card");
        h.check_layout("a membership: how it was paid");
        if (h.has("payments/next") || !h.has("payments/amount/other")) h.tap("payments/back");
        h.tap("payments/amount/other");
        h.check_layout("typing an amount");
        h.tap("payments/cancel");
        h.tap("payments/back");
        h.tap("payments/back");
        h.tap("payments/receipt");
        h.tap("payments/what/consumables");
        h.check_layout("another receipt");
        h.tap("payments/amount/5");
        to_means(h);
        h.check_layout("another receipt: how it was paid");
        if (!h.has("payments/what/consumables")) h.tap("payments/back");
        h.tap("payments/back");
        h.tap("payments/close");
        h.check_layout("closing the day");
    }
}

TEST_CASE("a host's home: failing e-mails take the quiet backup line's place, and follow a backup alarm") {
    for (const ImVec2 size : kSizes) {
        Harness h(size);
        set_plans(h);
        auto bikes = std::make_shared<app::BikesView>();
        bikes->on = true;
        std::get<app::feature_index_v<app::BikesFeature>>(h.snap.parts) = bikes;
        auto mail = std::make_shared<app::MailView>();
        mail->enabled = true;
        mail->failed_in_a_row = 4;
        mail->last_error = "Couldn't connect to server (server reply 421)";
        std::get<app::feature_index_v<app::MailFeature>>(h.snap.parts) = mail;
        h.snap.backups.reported = true;
        h.snap.backups.last_day = h.snap.today;
        h.snap.backups.last_hhmm = "03:00";
        h.snap.backups.hours_since = 9;
        auto d = std::make_shared<app::Directory>(*h.snap.directory);
        d->members[2].valid_until = core::Date{std::chrono::sys_days{h.snap.today} + std::chrono::days{10}};
        h.snap.directory = d;
        h.publish();
        h.show_tap(2, core::TapKind::check_in, "0004211337");  // Camille, a host
        REQUIRE(h.has("home/backups"));
        CHECK(h.label("home/backups") == "Rappels par e-mail en échec (4 essais)\u00a0: prévenez un administrateur");
        CHECK(h.has("home/renewal"));
        // With plans, bikes and the renewal line, a host's home at 150 % on a small screen
        // shows the tiles that fit and "More…" for the others: each page's layout holds, every
        // tile is on a page, and "More…" comes back to the first.
        h.check_layout("a host's home with failing e-mails");
        std::set<std::string> seen;
        for (int page = 0; page < 6; ++page) {
            for (const char* id : {"book", "machines", "members", "payments", "enrol", "borrow", "repairs", "bikes", "knowhow", "skills", "checkouts"})
                if (h.has(std::string("home/") + id)) seen.insert(id);
            if (!h.has("home/more")) break;
            CHECK(h.label("home/more") == "Plus…");
            h.tap("home/more");
            h.check_layout("a host's home, its next tiles");
            if (h.has("home/book")) break;  // back to the first
        }
        CHECK(seen.size() == 11);
        CHECK(h.has("home/book"));
        h.snap.backups.failure = core::storage_problem("The disk is full: cannot write a backup in {0}. Free some space and try again.", {"/srv"});
        h.publish();
        h.frame();
        const auto both = h.label("home/backups");
        CHECK(both.find("Le disque est plein") != std::string::npos);
        CHECK(both.ends_with(" · Rappels par e-mail en échec (4 essais)\u00a0: prévenez un administrateur"));
        // A member never sees it.
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        CHECK(!h.has("home/backups"));
    }
}
