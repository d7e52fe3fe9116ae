// The bike register at the kiosk, headless: the "Bikes" tile only for volunteers of a workshop
// that keeps a register; a new bike in a few taps (the AddBike sent, the number the station
// gave shown); a bike's one-tap actions (owner notified, operator's check, a part kept aside);
// a sale with its price chip and the rider's four fields typed on the keyboard (digits and @
// included); a refusal of the station shown in French. Layouts in French at 800x480,
// 1280x800 and 1920x1080, at every text size of the suite. Layer: gui tests (headless).
#include "harness.hpp"
#include "last_sent.hpp"

#include <etabli/app/features/bikes.hpp>
#include <etabli/app/features/money.hpp>

using namespace etabli;

namespace {

const std::vector<ImVec2> kSizes{ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)};

core::Bike bike(core::BikeId id, core::BikeType type, std::string brand, std::string marking = {}) {
    core::Bike b;
    b.id = id;
    b.intake_day = day(2026, 11, 20);
    b.origin = core::BikeOrigin::donated;
    b.type = type;
    b.brand = std::move(brand);
    b.colour = "bleu";
    b.marking = std::move(marking);
    return b;
}

void set_bikes(Harness& h, std::vector<core::Bike> bikes, std::vector<core::BikePart> parts = {}, bool on = true) {
    auto v = std::make_shared<app::BikesView>();
    v->on = on;
    v->bikes = std::move(bikes);
    v->parts = std::move(parts);
    std::get<app::feature_index_v<app::BikesFeature>>(h.snap.parts) = v;
    h.publish();
    h.frame();
}

void reply(Harness& h, bool ok, std::optional<core::BikeId> id = {}, core::Problem p = {}) {
    app::Reply r;
    r.request_id = h.out.back().second;
    r.ok = ok;
    r.bike = id;
    r.problem = std::move(p);
    h.snap.last_reply = r;
    h.publish();
    h.frame();
}

void open_bikes(Harness& h) {
    h.show_tap(2, core::TapKind::check_in, "0004211337");  // Camille, a host (and so a volunteer)
    REQUIRE(h.kiosk.screen() == gui::Screen::member_home);
    h.tap("home/bikes");
    REQUIRE(h.kiosk.screen() == gui::Screen::bikes);
}

}  // namespace

TEST_CASE("the Bikes tile: volunteers of a workshop that keeps a register") {
    Harness h;
    set_bikes(h, {}, {}, false);
    h.show_tap(2, core::TapKind::check_in, "0004211337");
    CHECK(!h.has("home/bikes"));  // no register here
    set_bikes(h, {}, {}, true);
    CHECK(h.has("home/bikes"));
    h.tap("home/done");
    h.show_tap(1, core::TapKind::check_in, "0001234567");  // Léa, a member
    CHECK(!h.has("home/bikes"));
}

TEST_CASE("a new bike in a few taps, then its page with the number the station gave") {
    Harness h;
    set_bikes(h, {});
    open_bikes(h);
    CHECK(h.has("bikes/empty"));
    h.tap("bikes/new");
    CHECK(!h.item("bikes/next").enabled);
    h.tap("bikes/origin/found");
    h.tap("bikes/type/mountain");
    h.tap("bikes/next");
    CHECK(!h.item("bikes/save").enabled);
    h.tap("bikes/condition/needs_repair");
    h.tap("bikes/marking");
    h.type_on_screen("AB12345678");
    h.tap("bikes/typing_done");
    h.tap("bikes/brand");
    h.type_on_screen("Rockrider");
    h.tap("bikes/typing_done");
    CHECK(h.item("bikes/brand").caption == "Rockrider");
    h.tap("bikes/save");
    const auto& add = last_sent<app::AddBike>(h);
    CHECK(add.actor == std::optional<core::MemberId>{2});
    CHECK(add.bike.origin == core::BikeOrigin::found);
    CHECK(add.bike.type == core::BikeType::mountain);
    CHECK(add.bike.condition == core::BikeCondition::needs_repair);
    CHECK(add.bike.brand == "Rockrider");
    CHECK(add.bike.marking == "AB12345678");

    // The station stored it as No. 7: its page, and the number to write on its tag.
    auto stored = add.bike;
    stored.id = 7;
    set_bikes(h, {stored});
    reply(h, true, 7);
    CHECK(h.label("bikes/title").find("7") != std::string::npos);
    CHECK(h.label("bikes/message").find("7") != std::string::npos);
    CHECK(h.label("bikes/marking").find("AB12345678") != std::string::npos);
    CHECK(h.label("bikes/marking").find("propriétaire pas encore avisé") != std::string::npos);

    // One tap: the owner was notified today.
    h.tap("bikes/do/notified");
    const auto& edit = last_sent<app::EditBike>(h);
    CHECK(edit.bike.owner_notified_on == h.snap.today);
    CHECK(!h.item("bikes/do/check_clear").enabled);  // one request at a time
    reply(h, true, 7);
    CHECK(h.label("bikes/message") == "Enregistré");
    h.tap("bikes/do/check_clear");
    CHECK(last_sent<app::EditBike>(h).bike.marking_check == core::MarkingCheck::clear);
    reply(h, true, 7);
    // A part kept aside.
    h.tap("bikes/do/take_part");
    h.type_on_screen("selle");
    h.tap("bikes/typing_done");
    const auto& part = last_sent<app::MoveBikePart>(h);
    CHECK(part.from == 7);
    CHECK(part.part == "selle");
    CHECK(!part.to);
}

TEST_CASE("a sale: the price in a chip, the rider's four fields typed, a refusal shown") {
    Harness h;
    set_bikes(h, {bike(3, core::BikeType::city, "Peugeot")});
    open_bikes(h);
    h.tap("bikes/bike/3/open");
    h.tap("bikes/leave");
    CHECK(!h.item("bikes/next").enabled);
    h.tap("bikes/how/sold");
    CHECK(!h.item("bikes/next").enabled);  // a sale needs its price
    h.tap("bikes/price/50");
    CHECK(!h.item("bikes/next").enabled);  // and how it was paid
    h.tap("bikes/means/card");
    h.tap("bikes/free");
    h.tap("bikes/next");
    CHECK(!h.item("bikes/confirm").enabled);
    for (const auto& [field, text] : std::vector<std::pair<std::string, std::string>>{
             {"surname", "Martin"}, {"first_name", "Léa"}, {"phone", "06 12 34 56 78"}, {"email", "lea@example.org"}}) {
        h.tap("bikes/" + field);
        h.type_on_screen(text);
        h.tap("bikes/typing_done");
        CHECK(h.item("bikes/" + field).caption == text);
    }
    h.tap("bikes/confirm");
    const auto& leave = last_sent<app::BikeLeaves>(h);
    CHECK(leave.bike == 3);
    CHECK(leave.departure.kind == core::BikeStatus::sold);
    CHECK(leave.departure.price_cents == 5000);
    CHECK(leave.departure.price_kind == core::PriceKind::free);
    CHECK(leave.means == core::PayMeans::card);
    REQUIRE(leave.departure.buyer);
    CHECK(leave.departure.buyer->email == "lea@example.org");
    CHECK(leave.departure.buyer->phone == "06 12 34 56 78");
    CHECK(leave.actor == std::optional<core::MemberId>{2});

    reply(h, false, {}, core::problem("Bike {0} is held until {1}: its owner was notified on {2}", {"3", "2027-02-28", "2026-11-28"}));
    CHECK(h.label("bikes/message") == "Le vélo 3 est retenu jusqu'au 28/02/2027\u00a0: son propriétaire a été avisé le 28/11/2026");
    CHECK(h.has("bikes/confirm"));  // still on the form, nothing lost

    // Another amount, typed.
    h.tap("bikes/back");
    h.tap("bikes/price/other");
    h.type_on_screen("37,50");
    h.tap("bikes/typing_done");
    CHECK(h.item("bikes/price/other").label == "37,50\u00a0€");
}

TEST_CASE("the bike screens' layouts in French") {
    for (const ImVec2 size : kSizes) {
        Harness h(size);
        std::vector<core::Bike> many;
        for (int i = 1; i <= 12; ++i)
            many.push_back(bike(i, i % 3 ? core::BikeType::city : core::BikeType::electric, "Gitane Organdi", i % 2 ? "AB1234567" + std::to_string(i % 10) : ""));
        core::BikePart kept{1, 2, std::nullopt, "dérailleur arrière", day(2026, 11, 21), 2};
        set_bikes(h, many, {kept});
        open_bikes(h);
        h.check_layout("bike list");
        h.tap("bikes/new");
        h.check_layout("new bike");
        h.tap("bikes/origin/donated");
        h.tap("bikes/type/folding");
        h.tap("bikes/next");
        h.check_layout("new bike, more");
        h.tap("bikes/marking");
        h.check_layout("typing the marking");
        h.tap("bikes/typing_done");
        h.tap("bikes/back");
        h.tap("bikes/cancel");
        h.paged("bikes/bike/11/open", "bikes/prev", "bikes/next");
        h.tap("bikes/bike/11/open");
        h.check_layout("a marked bike's page");
        h.tap("bikes/leave");
        h.tap("bikes/how/sold");
        h.check_layout("leaving: sold");
        h.tap("bikes/price/80");
        h.tap("bikes/means/cash");
        h.tap("bikes/next");
        h.check_layout("the new rider");
        h.tap("bikes/email");
        h.check_layout("typing the e-mail");
    }
}

TEST_CASE("from 30 days before the membership's end, the member's home says so with the plans") {
    for (const ImVec2 size : kSizes) {
        Harness h(size);
        auto plans = std::make_shared<app::MoneyView>();
        plans->plans = {core::Plan{1, "Annuelle", 12, 2000, false, true}, core::Plan{2, "Prix libre", 12, 1000, true, true},
                        core::Plan{3, "Ancienne", 12, 1500, false, false}};
        std::get<app::feature_index_v<app::MoneyFeature>>(h.snap.parts) = plans;
        auto d = std::make_shared<app::Directory>(*h.snap.directory);
        d->members[1].valid_until = core::Date{std::chrono::sys_days{h.snap.today} + std::chrono::days{10}};
        h.snap.directory = d;
        h.publish();
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        REQUIRE(h.has("home/renewal"));
        CHECK(h.label("home/renewal") == "Votre adhésion se termine le 08/12/2026\u00a0: renouvelez-la auprès d'un animateur "
                                         "(Annuelle 20,00\u00a0€, Prix libre)");
        h.check_layout("home with the renewal line");
        // 31 days before: nothing yet.
        d->members[1].valid_until = core::Date{std::chrono::sys_days{h.snap.today} + std::chrono::days{31}};
        h.publish();
        h.frame();
        CHECK(!h.has("home/renewal"));
    }
}
