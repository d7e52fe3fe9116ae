// The payments at the kiosk, headless: the "Payments" tile for hosts of a workshop with plans; the day's journal
// asked when the screen opens and shown with its totals; a membership paid for a member found
// by name (plan, amount at prix libre, means: the PayMembership sent) and the new end said;
// another receipt with a typed amount ("12,50"); a refusal shown in French; the closing
// confirmed on a page of its totals; the member's home showing the new end for a week.
// The HelloAsso import from a USB stick: the export written here in Windows-1252, another
// form's file refused before anything is sent, the import, each unmatched payer attached to a
// member found by name or created, a refusal, and "Done" back to the day.
// Layouts in French at 800x480, 1280x800 and 1920x1080, at every text size of the suite.
// Layer: gui tests (headless).
#include "harness.hpp"
#include "last_sent.hpp"
#include "testing.hpp"
#include "../bikes/cp1252.hpp"

#include <etabli/app/features/money.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// A USB stick with a HelloAsso export (Windows-1252, ';', French headers, one cancelled
// line), another form's CSV, and a photo (not a CSV: not offered).
struct Stick {
    testing::TempDir dir;
    std::filesystem::path root = dir / "media";
    Stick() {
        std::filesystem::create_directories(root / "CLE" / "HelloAsso");
        std::ofstream(root / "CLE" / "HelloAsso" / "export-adhesions.csv", std::ios::binary) << cp1252(
            "Référence commande;Date de la commande;Statut de la commande;Nom adhérent;Prénom adhérent;Email payeur;Tarif;Montant du tarif\r\n"
            "88001;15/01/2026 10:12;Validé;Dubois;Léa;lea@example.org;Adhésion annuelle;20,00\r\n"
            "88002;16/01/2026 18:40;Validé;Bernard;H.;hb@example.org;Adhésion annuelle;20,00\r\n"
            "88003;17/01/2026 09:01;Validé;Lefèvre;Zoé;zoe@example.org;Adhésion réduite;10,00\r\n"
            "88004;17/01/2026 09:05;Annulé;Martin;Camille;camille@example.org;Adhésion annuelle;20,00\r\n");
        std::ofstream(root / "CLE" / "autre.csv", std::ios::binary) << "Nom;Prénom;Téléphone\r\nDubois;Léa;0612345678\r\n";
        std::ofstream(root / "CLE" / "photo.jpg", std::ios::binary) << "not read";
        ::setenv("ETABLI_USB_ROOTS", root.c_str(), 1);
    }
    ~Stick() { ::unsetenv("ETABLI_USB_ROOTS"); }
};

app::HelloAssoSummary::Renewed renewed(core::MemberId m, std::string ref, core::Date until) { return {m, std::move(ref), until}; }

// The station's answer to the last ImportHelloAsso.
void answer_import(Harness& h, app::HelloAssoSummary s) {
    REQUIRE(std::holds_alternative<app::ImportHelloAsso>(h.out.back().first));
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = true;
    r.helloasso = std::make_shared<const app::HelloAssoSummary>(std::move(s));
    h.snap.last_reply = r;
    h.publish();
    h.frame();
}

// A row of the import's outcome, on whichever page it is (larger text: fewer rows a page).
std::string row(Harness& h, std::string_view key) { return h.paged(key, "payments/prev", "payments/next").label; }

// Each next page of a list, its layout checked; then back to the first.
void check_pages(Harness& h, const char* what) {
    int pages = 0;
    for (; pages < 20 && h.has("payments/next") && h.item("payments/next").enabled; ++pages) {
        h.tap("payments/next");
        h.check_layout(what);
    }
    for (int i = 0; i < pages; ++i) h.tap("payments/prev");
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

TEST_CASE("the HelloAsso import from a USB stick: read and checked at the kiosk, imported, each payer attached or created") {
    Stick stick;
    Harness h;
    set_plans(h);
    open_payments(h);
    answer_journal(h, {});
    h.tap("payments/helloasso");
    // The CSV files of the stick, by name; the photo is not one.
    CHECK(h.label("payments/file/0") == "HelloAsso/export-adhesions.csv");
    CHECK(h.label("payments/file/1") == "CLE/autre.csv");
    CHECK(!h.has("payments/file/2"));
    const auto sent = h.out.size();

    // Another form's file: refused here, with the reason, and nothing sent.
    h.tap("payments/file/1");
    CHECK(h.label("payments/hint").starts_with("autre.csv\u00a0: rien n'est importé."));
    CHECK(h.label("payments/hint").find("HelloAsso") != std::string::npos);
    CHECK(h.out.size() == sent);

    // The export: what it holds, then Import.
    h.tap("payments/file/0");
    CHECK(h.label("payments/title") == "export-adhesions.csv");
    CHECK(h.label("payments/holds") == "3 adhésions payées, 50,00\u00a0€ en tout · du 15/01/2026 au 17/01/2026");
    CHECK(h.out.size() == sent);
    h.tap("payments/import");
    const auto& ask = last_sent<app::ImportHelloAsso>(h);
    REQUIRE(ask.payments.size() == 3);  // the cancelled order is not a payment
    CHECK(ask.payments[0].first_name == "Léa");  // read from Windows-1252
    CHECK(ask.payments[2].last_name == "Lefèvre");
    CHECK(ask.payments[2].amount_cents == 1000);
    CHECK(ask.actor == std::optional<core::MemberId>{2});
    CHECK(ask.attach.empty());
    CHECK(h.label("payments/explain") == "Import en cours…");
    CHECK(!h.item("payments/import").enabled);
    const auto payments = ask.payments;
    app::HelloAssoSummary first;
    first.renewed = {renewed(1, "88001", day(2027, 1, 31))};
    first.unmatched = {payments[1], payments[2]};
    answer_import(h, first);
    CHECK(h.label("payments/message") == "1 adhésion renouvelée, 0 déjà importée, 2 payeurs à rattacher");
    CHECK(row(h, "payments/payer/0") == "H. Bernard · hb@example.org · 20,00\u00a0€");
    CHECK(row(h, "payments/payer/1") == "Zoé Lefèvre · zoe@example.org · 10,00\u00a0€");
    CHECK(row(h, "payments/renewed/0") == "Léa Dubois\u00a0: adhésion jusqu'au 31/01/2027");
    CHECK(h.label("payments/import") == "Terminé");

    // H. Bernard is Hugo: found by name, and the same file goes again with that choice.
    row(h, "payments/payer/0");
    h.tap("payments/payer/0");
    CHECK(h.label("payments/title") == "H. Bernard");
    CHECK(h.label("payments/paid") == "Payé 20,00\u00a0€ le 16/01/2026 · hb@example.org. À qui est ce paiement\u00a0? Touchez l'adhérent, ou créez-le.");
    h.type_on_screen("Hug");
    h.tap("payments/3/pick");
    const auto& again = last_sent<app::ImportHelloAsso>(h);
    CHECK(again.payments == payments);
    CHECK(again.attach == std::map<std::string, core::MemberId>{{"88002", 3}});
    // The station refuses (the day was closed meanwhile): said on the payer's page, the choice forgotten.
    app::Reply no;
    no.request_id = h.out.back().second;
    no.ok = false;
    no.problem = core::problem("Line {0}: the day {1} is closed", {"3", "2026-01-16"});
    h.snap.last_reply = no;
    h.publish();
    h.frame();
    CHECK(h.label("payments/title") == "H. Bernard");
    CHECK(h.label("payments/message").find("clôturée") != std::string::npos);
    h.tap("payments/3/pick");
    CHECK(last_sent<app::ImportHelloAsso>(h).attach == std::map<std::string, core::MemberId>{{"88002", 3}});
    app::HelloAssoSummary second;
    second.renewed = {renewed(3, "88002", day(2027, 1, 15))};
    second.already = {"88001"};
    second.unmatched = {payments[2]};
    answer_import(h, second);
    CHECK(h.label("payments/message") == "L'adhésion de Hugo Bernard court jusqu'au 15/01/2027");
    CHECK(row(h, "payments/payer/0") == "Zoé Lefèvre · zoe@example.org · 10,00\u00a0€");
    CHECK(row(h, "payments/renewed/1") == "Hugo Bernard\u00a0: adhésion jusqu'au 15/01/2027");

    // Zoé is new: created from her name and e-mail, then her payment imported on her.
    row(h, "payments/payer/0");
    h.tap("payments/payer/0");
    h.tap("payments/create");
    const auto& add = last_sent<app::AddMember>(h);
    CHECK(add.draft.display_name == "Zoé Lefèvre");
    CHECK(add.draft.email == std::optional<std::string>("zoe@example.org"));
    CHECK(add.actor == std::optional<core::MemberId>{2});
    CHECK(!h.item("payments/create").enabled);
    auto d = std::make_shared<app::Directory>(*h.snap.directory);
    core::Member zoe;
    zoe.id = 200;
    zoe.display_name = "Zoé Lefèvre";
    d->members[200] = zoe;
    h.snap.directory = d;
    app::Reply made;
    made.request_id = h.out.back().second;
    made.ok = true;
    made.member = 200;
    h.snap.last_reply = made;
    h.publish();
    h.frame();
    CHECK(last_sent<app::ImportHelloAsso>(h).attach == std::map<std::string, core::MemberId>{{"88002", 3}, {"88003", 200}});
    // The import after the creation refused: Zoé exists now, so the page offers to import
    // again, not to create her twice.
    app::Reply refused_again;
    refused_again.request_id = h.out.back().second;
    refused_again.ok = false;
    refused_again.problem = core::problem("The station is not running");
    h.snap.last_reply = refused_again;
    h.publish();
    h.frame();
    CHECK(h.label("payments/create") == "Importer à nouveau");
    h.tap("payments/create");
    CHECK(last_sent<app::ImportHelloAsso>(h).attach == std::map<std::string, core::MemberId>{{"88002", 3}, {"88003", 200}});
    app::HelloAssoSummary third;
    third.renewed = {renewed(200, "88003", day(2027, 1, 16))};
    third.already = {"88001", "88002"};
    answer_import(h, third);
    CHECK(h.label("payments/message") == "L'adhésion de Zoé Lefèvre court jusqu'au 16/01/2027");
    CHECK(!h.has("payments/payer/0"));
    CHECK(row(h, "payments/renewed/2") == "Zoé Lefèvre\u00a0: adhésion jusqu'au 16/01/2027");

    // Done: the day's page, saying what the file did, its journal asked again.
    h.tap("payments/import");
    CHECK(h.has("payments/membership"));
    CHECK(h.label("payments/message") == "export-adhesions.csv · 3 adhésions renouvelées");
    CHECK(std::holds_alternative<app::ShowJournal>(h.out.back().first));
}

TEST_CASE("the HelloAsso import without a stick, and with a file that is not there any more") {
    testing::TempDir dir;
    ::setenv("ETABLI_USB_ROOTS", (dir / "media").c_str(), 1);
    Harness h(ImVec2(800, 480));
    set_plans(h);
    open_payments(h);
    answer_journal(h, {});
    h.tap("payments/helloasso");
    CHECK(h.label("payments/hint").starts_with("Aucun fichier CSV sur une clé USB"));
    CHECK(!h.has("payments/file/0"));
    // A stick plugged in now, then Look again; it is taken out before the tap.
    std::filesystem::create_directories(dir / "media" / "CLE");
    std::ofstream(dir / "media" / "CLE" / "export.csv") << "x";
    h.tap("payments/rescan");
    REQUIRE(h.has("payments/file/0"));
    std::filesystem::remove_all(dir / "media" / "CLE");
    h.tap("payments/file/0");
    CHECK(h.label("payments/hint") == "Impossible de lire « export.csv »");
    h.tap("payments/back");
    CHECK(h.has("payments/membership"));
    ::unsetenv("ETABLI_USB_ROOTS");
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
        h.tap("payments/back");
    }
}

TEST_CASE("the HelloAsso import's layouts in French") {
    Stick stick;
    for (int i = 1; i <= 14; ++i)
        std::ofstream(stick.root / "CLE" / ("adhesions-2026-campagne-de-rentree-" + std::to_string(i) + ".csv")) << "x";
    for (const ImVec2 size : kSizes) {
        CAPTURE(size.x);
        Harness h(size);
        set_plans(h);
        open_payments(h);
        answer_journal(h, {});
        h.check_layout("the day's journal with HelloAsso");
        h.tap("payments/helloasso");
        h.check_layout("the files on the stick");
        check_pages(h, "the files on the stick, a next page");
        h.tap("payments/file/0");
        REQUIRE(h.has("payments/import"));
        h.check_layout("the export read");
        h.tap("payments/import");
        const auto payments = last_sent<app::ImportHelloAsso>(h).payments;
        app::HelloAssoSummary s;
        for (int k = 0; k < 12; ++k) s.unmatched.push_back(payments[2]);
        s.renewed = {renewed(1, "88001", day(2027, 1, 31)), renewed(3, "88002", day(2027, 1, 15))};
        answer_import(h, s);
        h.check_layout("the outcome, payers to attach");
        check_pages(h, "the outcome, a next page");
        h.tap("payments/payer/0");
        h.check_layout("a payer to attach");
        h.type_on_screen("Ad");
        h.check_layout("a payer to attach, members found");
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
