// The bike register, app scenarios: the Station with a fake clock and a real SQLite file.
// Intake and its numbers (kept over a restart); the marking's form, one identifier per bike and
// never a second one; the three-month hold of a donated marked bike; a sale's mandatory fields;
// a stolen bike; parts between bikes; repairs tied to a bike; the operator's declaration and
// the purge of the rider's data after it; refusals that leave nothing half-written.
// Layer: app tests.
#include <doctest/doctest.h>

#include <etabli/app/station.hpp>
#include <etabli/db/bike_papers.hpp>
#include <etabli/db/sql_store.hpp>

#include "station_fixture.hpp"

#include <fstream>

using namespace etabli;
using namespace etabli::app;
using namespace std::chrono;
using testing::utc;

namespace {

struct Fixture : testing::StationOnDisk {
    Fixture() : StationOnDisk(utc("2026-11-28T13:00:00Z")) {  // Saturday, 14:00 in Paris
        options.bikes.operators = {{"AB", "Opérateur A"}, {"CD", "Opérateur C"}};
        reopen();
        volunteer = add_member("Marc", core::Role::volunteer).id;
        member = add_member("Alice", core::Role::member).id;
    }
    core::MemberId volunteer = 0, member = 0;

    core::Bike draft(core::BikeOrigin origin = core::BikeOrigin::donated, std::string marking = {}) {
        core::Bike b;
        b.intake_day = core::Date{2026y / 11 / 28};
        b.origin = origin;
        b.type = core::BikeType::city;
        b.brand = "Peugeot";
        b.model = "Nouméa";
        b.colour = "bleu";
        b.wheel_size = "26";
        b.marking = std::move(marking);
        return b;
    }
    core::Bike add(core::Bike b) {
        auto r = station->call(AddBike{std::move(b), volunteer});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Bike>(*r);
    }
    core::Bike edit(core::Bike b) {
        auto r = station->call(EditBike{std::move(b), volunteer});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Bike>(*r);
    }
    static core::Buyer buyer() { return {"Martin", "Léa", "06 12 34 56 78", "lea.martin@example.org", "3 rue des Lilas, Lyon"}; }
    static BikeLeaves sale(core::BikeId id, std::int64_t cents = 8000) {
        BikeLeaves c;
        c.bike = id;
        c.departure.kind = core::BikeStatus::sold;
        c.departure.buyer = buyer();
        c.departure.price_cents = cents;
        return c;
    }
    Result leave(BikeLeaves c) {
        c.actor = volunteer;
        return station->call(c);
    }
    const core::Bike& seen(core::BikeId id) {
        m_snap = station->snapshot();
        const auto* v = m_snap->part<BikesFeature>();
        REQUIRE(v);
        const auto* b = v->find(id);
        REQUIRE(b);
        return *b;
    }
    BikeRecord record(core::BikeId id) {
        auto r = station->call(ShowBike{id, volunteer});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<BikeRecord>(*r);
    }

private:
    std::shared_ptr<const Snapshot> m_snap;
};

std::string refusal(const Result& r) { return r ? std::string("(accepted)") : r.error().english(); }

}  // namespace

TEST_CASE("intake numbers the bikes in order, checks the marking's form and its operator, and keeps them over a restart") {
    Fixture f;
    const auto a = f.add(f.draft());
    const auto b = f.add(f.draft(core::BikeOrigin::found, "ab 12-345 678"));
    CHECK(a.id == 1);
    CHECK(b.id == 2);
    CHECK(b.marking == "AB12345678");  // as read on a sticker, normalised
    CHECK(b.status == core::BikeStatus::in_stock);

    // The form, the operator, one identifier on one bike.
    CHECK(refusal(f.station->call(AddBike{f.draft(core::BikeOrigin::donated, "AB1234567O"), f.volunteer})) ==
          "\"AB1234567O\": marking identifiers have no letter O (0 is a zero, 1 a one)");
    CHECK(refusal(f.station->call(AddBike{f.draft(core::BikeOrigin::donated, "EF12345678"), f.volunteer})) ==
          "\"EF12345678\" starts with EF, which is no marking operator's prefix known here");
    CHECK(refusal(f.station->call(AddBike{f.draft(core::BikeOrigin::donated, "AB12345678"), f.volunteer})) ==
          "The marking AB12345678 is already bike 2's: one identifier is never on two bikes");
    // The donor: a member who exists, or words, not both; an intake not in the future.
    auto d = f.draft();
    d.from_member = 999;
    CHECK(refusal(f.station->call(AddBike{d, f.volunteer})) == "No member has the number 999");
    d.from_member = f.member;
    d.from_text = "Mairie";
    CHECK(refusal(f.station->call(AddBike{d, f.volunteer})) == "Give the donor as a member or in words, not both");
    d = f.draft();
    d.intake_day = core::Date{2026y / 11 / 29};
    CHECK(refusal(f.station->call(AddBike{d, f.volunteer})) == "The intake day 2026-11-29 is after today");
    d = f.draft();
    d.brand = std::string(81, 'x');
    CHECK(refusal(f.station->call(AddBike{d, f.volunteer})) == "The brand must be one line of at most 80 characters");
    // A plain member does not take bikes in (the rights table).
    CHECK(!f.station->call(AddBike{f.draft(), f.member}));

    f.reopen();
    CHECK(f.seen(2).marking == "AB12345678");
    CHECK(f.seen(1).brand == "Peugeot");
    CHECK(f.add(f.draft()).id == 3);  // the counter comes from the stored rows
}

TEST_CASE("a marked bike is never given a second identifier; one engraved at the sale needs no notice") {
    Fixture f;
    auto marked = f.add(f.draft(core::BikeOrigin::bought, "AB12345678"));
    auto other = marked;
    other.marking = "CD12345678";
    CHECK(refusal(f.station->call(EditBike{other, f.volunteer})) ==
          "Bike 1 carries the marking AB12345678: a marked bike is never given a second identifier");
    other.marking.clear();
    CHECK(refusal(f.station->call(EditBike{other, f.volunteer})) ==
          "Bike 1 carries the marking AB12345678: a marked bike is never given a second identifier");
    auto c = Fixture::sale(marked.id);
    c.marking = "CD12345678";
    CHECK(refusal(f.leave(c)) == "Bike 1 carries the marking AB12345678: a marked bike is never given a second identifier");
    CHECK(f.seen(1).status == core::BikeStatus::in_stock);  // nothing half-written

    // The same identifier, typed again, is no second one.
    other.marking = "ab12345678";
    other.colour = "rouge";
    CHECK(f.edit(other).colour == "rouge");

    // Not even in SQL: the database keeps the first identifier.
    auto& conn = f.store->connection();
    CHECK(!conn.exec("UPDATE bikes SET marking = 'CD99999999' WHERE id = 1"));
    CHECK(!conn.exec("UPDATE bikes SET marking = NULL WHERE id = 1"));

    // An unmarked donated bike engraved at its sale: no owner to notify, it leaves at once.
    const auto plain = f.add(f.draft(core::BikeOrigin::donated));
    c = Fixture::sale(plain.id);
    c.marking = "CD23456789";
    auto r = f.leave(c);
    REQUIRE_MESSAGE(r, refusal(r));
    const auto sold = std::get<core::Bike>(*r);
    CHECK(sold.marking == "CD23456789");
    CHECK(sold.marked_here);
    CHECK(sold.status == core::BikeStatus::sold);
}

TEST_CASE("a donated marked bike waits three months after its owner's notice before it is sold or given") {
    Fixture f;
    const auto b = f.add(f.draft(core::BikeOrigin::donated, "AB12345678"));
    CHECK(refusal(f.leave(Fixture::sale(b.id))) ==
          "Bike 1 carries the marking AB12345678: notify its registered owner first; it may leave three months later");
    auto notified = b;
    notified.owner_notified_on = core::Date{2026y / 11 / 30};
    CHECK(refusal(f.station->call(EditBike{notified, f.volunteer})) == "The owner's notice is dated 2026-11-30, after today");
    notified.owner_notified_on = core::Date{2026y / 11 / 28};
    notified.marking_check = core::MarkingCheck::clear;
    const auto stored = f.edit(notified);
    CHECK(stored.marking_checked_by == f.volunteer);  // who checked it: the one who recorded it
    CHECK(stored.marking_checked_on == core::Date{2026y / 11 / 28});
    CHECK(core::bike_hold_ends(stored) == core::Date{2027y / 2 / 28});

    f.clock.set(utc("2027-02-27T13:00:00Z"));
    CHECK(refusal(f.leave(Fixture::sale(b.id))) == "Bike 1 is held until 2027-02-28: its owner was notified on 2026-11-28");
    // A scrap or a return to its owner is not a change of hands.
    f.clock.set(utc("2027-02-28T13:00:00Z"));
    auto r = f.leave(Fixture::sale(b.id));
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(f.seen(b.id).status == core::BikeStatus::sold);
    CHECK(refusal(f.leave(Fixture::sale(b.id))) == "Bike 1 has already left (sold)");
}

TEST_CASE("a sale or a gift needs the new rider's surname, first name, phone and e-mail, and a sale its price") {
    Fixture f;
    const auto b = f.add(f.draft(core::BikeOrigin::bought));
    auto c = Fixture::sale(b.id);
    c.departure.buyer.reset();
    CHECK(refusal(f.leave(c)) == "A sale or a gift needs the new rider's surname, first name, phone and e-mail");
    struct Missing {
        std::string core::Buyer::*field;
        const char* why;
    };
    for (const auto& m : {Missing{&core::Buyer::surname, "The new rider's surname is mandatory"},
                          Missing{&core::Buyer::first_name, "The new rider's first name is mandatory"},
                          Missing{&core::Buyer::phone, "The new rider's phone is mandatory"},
                          Missing{&core::Buyer::email, "The new rider's e-mail is mandatory"}}) {
        c = Fixture::sale(b.id);
        (*c.departure.buyer).*m.field = "  ";
        CHECK(refusal(f.leave(c)) == m.why);
    }
    c = Fixture::sale(b.id);
    c.departure.buyer->email = "lea.martin";
    CHECK(!f.leave(c));
    c = Fixture::sale(b.id);
    c.departure.buyer->phone = "06 12 ab";
    CHECK(refusal(f.leave(c)) == "\"06 12 ab\" is not a phone number");
    c = Fixture::sale(b.id, 0);
    CHECK(refusal(f.leave(c)) == "A sale needs its price (or, at prix libre, what was paid)");
    c = Fixture::sale(b.id);
    c.departure.kind = core::BikeStatus::given;
    CHECK(refusal(f.leave(c)) == "Only a sale has a price");
    c.departure.day = core::Date{2026y / 12 / 1};
    CHECK(refusal(f.leave(c)) == "The day a bike leaves cannot be after today");
    CHECK(f.seen(b.id).status == core::BikeStatus::in_stock);  // every refusal left it in stock

    // The snapshot leaves the rider out; ShowBike has them.
    c = Fixture::sale(b.id, 4550);
    c.departure.price_kind = core::PriceKind::free;
    auto r = f.leave(c);
    REQUIRE_MESSAGE(r, refusal(r));
    CHECK(!f.seen(b.id).departure->buyer);
    CHECK(f.seen(b.id).departure->price_cents == 4550);
    const auto rec = f.record(b.id);
    REQUIRE(rec.bike.departure->buyer);
    CHECK(rec.bike.departure->buyer->email == "lea.martin@example.org");
    CHECK(rec.bike.departure->by == f.volunteer);
    f.reopen();
    CHECK(f.record(b.id).bike.departure->buyer->surname == "Martin");
    CHECK(f.record(b.id).bike.departure->price_kind == core::PriceKind::free);

    // A scrapped bike has no rider and no price.
    const auto s = f.add(f.draft());
    BikeLeaves scrap;
    scrap.bike = s.id;
    scrap.departure.kind = core::BikeStatus::scrapped;
    CHECK(f.leave(scrap));
    CHECK(f.seen(s.id).status == core::BikeStatus::scrapped);
}

TEST_CASE("a bike declared stolen may only go back to its owner") {
    Fixture f;
    auto b = f.add(f.draft(core::BikeOrigin::found, "AB12345678"));
    b.marking_check = core::MarkingCheck::stolen;
    b.owner_notified_on = core::Date{2026y / 11 / 28};
    f.edit(b);
    f.clock.set(utc("2027-03-01T13:00:00Z"));
    CHECK(refusal(f.leave(Fixture::sale(b.id))) == "Bike 1 is declared stolen: it may only go back to its owner");
    BikeLeaves back;
    back.bike = b.id;
    back.departure.kind = core::BikeStatus::returned;
    CHECK(f.leave(back));
    CHECK(f.seen(b.id).status == core::BikeStatus::returned);
}

TEST_CASE("parts go from donor bikes to others, and repairs are tied to the bike they were done on") {
    Fixture f;
    const auto donor = f.add(f.draft()), target = f.add(f.draft()), other = f.add(f.draft());
    auto r = f.station->call(MoveBikePart{donor.id, target.id, "roue avant", f.volunteer});
    REQUIRE_MESSAGE(r, refusal(r));
    const auto wheel = std::get<core::BikePart>(*r);
    r = f.station->call(MoveBikePart{donor.id, std::nullopt, " dérailleur arrière ", f.volunteer});
    REQUIRE_MESSAGE(r, refusal(r));
    const auto kept = std::get<core::BikePart>(*r);
    CHECK(kept.part == "dérailleur arrière");
    CHECK(!kept.to);
    CHECK(refusal(f.station->call(MoveBikePart{donor.id, donor.id, "selle", f.volunteer})) ==
          "A part taken from bike 1 cannot go back onto it");
    CHECK(refusal(f.station->call(MoveBikePart{donor.id, target.id, "", f.volunteer})) ==
          "Name the part: \"front wheel\", \"rear derailleur\"…");
    CHECK(refusal(f.station->call(MoveBikePart{42, target.id, "selle", f.volunteer})) == "No bike has the number 42");

    // The donor is scrapped with its parts kept: parts may still be taken from it.
    BikeLeaves scrap;
    scrap.bike = donor.id;
    scrap.departure.kind = core::BikeStatus::scrapped;
    REQUIRE(f.leave(scrap));
    CHECK(f.station->call(MoveBikePart{donor.id, other.id, "selle", f.volunteer}));
    CHECK(refusal(f.station->call(MoveBikePart{other.id, donor.id, "guidon", f.volunteer})) ==
          "Bike 1 has left (scrapped): no part can be fitted on it");
    CHECK(f.station->call(FitBikePart{kept.id, other.id, f.volunteer}));
    CHECK(refusal(f.station->call(FitBikePart{kept.id, target.id, f.volunteer})) == "Part 2 is already on bike 3");

    // A repair logged on the target bike.
    core::Repair rp;
    rp.volunteers = {f.volunteer};
    rp.item = core::ItemKind::bicycle;
    rp.component = core::Component::wheel;
    rp.status = core::RepairStatus::fixed;
    rp.minutes = 30;
    rp.done = "roue avant montée et dévoilée";
    rp.bike = target.id;
    auto logged = f.station->call(LogRepair{rp, std::nullopt});
    REQUIRE_MESSAGE(logged, refusal(logged));
    rp.bike = 77;
    CHECK(refusal(f.station->call(LogRepair{rp, std::nullopt})) == "No bike has the number 77");

    f.reopen();
    const auto t = f.record(target.id);
    REQUIRE(t.parts_fitted.size() == 1);
    CHECK(t.parts_fitted[0] == wheel);
    REQUIRE(t.repairs.size() == 1);
    CHECK(t.repairs[0].done == "roue avant montée et dévoilée");
    CHECK(t.repairs[0].bike == target.id);
    const auto d = f.record(donor.id);
    CHECK(d.parts_taken.size() == 3);
    CHECK(f.record(other.id).parts_fitted.size() == 2);
}

TEST_CASE("the operator's declaration lists the bikes that changed hands with a marking, once, and the rider's data goes after it") {
    Fixture f;
    f.options.bikes.separator = ';';
    f.options.bikes.columns = {{"Identifiant", "marking"}, {"Opérateur", "operator"}, {"Nom", "surname"}, {"Prénom", "first_name"},
                               {"Courriel", "email"}, {"Cession", "how"}, {"Prix", "price"}};
    f.options.privacy.bike_buyer_days = 30;
    f.reopen();
    const auto marked = f.add(f.draft(core::BikeOrigin::bought, "AB12345678"));
    const auto plain = f.add(f.draft(core::BikeOrigin::bought));
    REQUIRE(f.leave(Fixture::sale(marked.id, 12000)));
    REQUIRE(f.leave(Fixture::sale(plain.id)));

    auto list = f.station->call(BikesToDeclare{false, std::nullopt});
    REQUIRE(list);
    const auto bikes = std::get<BikeList>(*list).bikes;
    REQUIRE(bikes.size() == 1);  // the bike without a marking has nothing to declare
    CHECK(db::declaration_csv(bikes, f.station->options().bikes) ==
          "\xEF\xBB\xBFIdentifiant;Opérateur;Nom;Prénom;Courriel;Cession;Prix\r\n"
          "AB12345678;Opérateur A;Martin;Léa;lea.martin@example.org;vente;120.00\r\n");
    // Declaring is a host's.
    CHECK(!f.station->call(MarkBikesDeclared{{marked.id}, f.volunteer}));
    CHECK(refusal(f.station->call(MarkBikesDeclared{{plain.id}, std::nullopt})) ==
          "Bike 2 has nothing to declare: it was not sold or given with a marking, or its rider's data is gone");
    REQUIRE(f.station->call(MarkBikesDeclared{{marked.id}, std::nullopt}));
    CHECK(std::get<BikeList>(*f.station->call(BikesToDeclare{false, std::nullopt})).bikes.empty());
    CHECK(std::get<BikeList>(*f.station->call(BikesToDeclare{true, std::nullopt})).bikes.size() == 1);

    // A proof of sale while the rider is known.
    const auto pdf = f.dir / "preuve.pdf";
    db::ProofOfSale proof;
    proof.bike = f.record(marked.id).bike;
    proof.seller = "Atelier du Vélo Libre";
    proof.printed = core::Date{2026y / 11 / 28};
    REQUIRE(db::write_proof_of_sale(proof, pdf));
    CHECK(testing::read_file(pdf).substr(0, 5) == "%PDF-");
    CHECK(!std::filesystem::exists(f.dir / "preuve.pdf.part"));

    // 29 days later the rider is kept; 31 days later they are purged (the undeclared one stays).
    f.clock.advance(days{29});
    auto p = f.station->call(PurgePersonalData{false, std::nullopt});
    REQUIRE(p);
    CHECK(std::get<PurgeSummary>(*p).buyers == 0);
    f.clock.advance(days{2});
    p = f.station->call(PurgePersonalData{false, std::nullopt});
    REQUIRE(p);
    CHECK(std::get<PurgeSummary>(*p).buyers == 1);
    const auto after = f.record(marked.id).bike;
    CHECK(!after.departure->buyer);
    CHECK(after.departure->purged_at);
    CHECK(after.departure->price_cents == 12000);  // the sale itself stays
    CHECK(f.record(plain.id).bike.departure->buyer);
    proof.bike = after;
    CHECK(db::write_proof_of_sale(proof, f.dir / "again.pdf").error().english() ==
          "The new rider's data of bike 1 was purged: the proof can no longer be printed");
    CHECK(!std::filesystem::exists(f.dir / "again.pdf"));
}
