// The bike register's and the receipts' pure rules: the marking identifier's form and its
// operator, the three-month hold of a donated marked bike, and sums of money as people type
// them (French "12,50 €" is valid; negative, two decimal marks, three decimals are not).
// Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/bikes.hpp>

#include <string>

using namespace etabli::core;
using namespace std::chrono;

namespace {

const std::vector<MarkingOperator> kOperators{{"AB", "Opérateur A"}, {"X2", "Opérateur X"}};

std::string refusal(const std::expected<std::string, Problem>& r) { return r ? std::string() : r.error().english(); }

}  // namespace

TEST_CASE("marking identifier: 10 symbols of the 31, normalised as read on a sticker") {
    CHECK(kMarkingAlphabet.size() == 31);
    for (const char c : std::string_view("ILOQU")) CHECK(kMarkingAlphabet.find(c) == std::string_view::npos);

    CHECK(check_marking_id("AB12345678", {}) == std::string("AB12345678"));
    CHECK(check_marking_id("ab 12-345 678", {}) == std::string("AB12345678"));  // case, spaces, hyphens
    CHECK(check_marking_id("X2ZZ99MMKK", kOperators) == std::string("X2ZZ99MMKK"));

    // Every symbol of the alphabet is taken, in every place.
    for (const char c : kMarkingAlphabet) {
        std::string id = "AB" + std::string(8, c);
        CHECK(check_marking_id(id, kOperators).has_value());
    }
    // The five letters left out are named, with the usual slip.
    for (const char c : std::string_view("ILOQU")) {
        const std::string id = std::string("AB1234567") + c;
        const auto r = check_marking_id(id, {});
        REQUIRE_FALSE(r);
        CHECK(r.error().msgid == "\"{0}\": marking identifiers have no letter {1} (0 is a zero, 1 a one)");
        CHECK(r.error().args[1] == std::string(1, c));
    }
    CHECK(refusal(check_marking_id("AB1234567", {})) == "A marking identifier has 10 symbols; \"AB1234567\" has 9");
    CHECK(refusal(check_marking_id("AB123456789", {})) == "A marking identifier has 10 symbols; \"AB123456789\" has 11");
    CHECK(refusal(check_marking_id("", {})) == "Type the marking identifier: 10 letters and digits");
    CHECK(refusal(check_marking_id(" - ", {})) == "Type the marking identifier: 10 letters and digits");
    CHECK(refusal(check_marking_id("AB1234567_", {})) == "\"AB1234567_\": _ is not a symbol of marking identifiers");
    CHECK(refusal(check_marking_id("AB12é45678", {})) == "\"AB12é45678\" has a sign that marking identifiers do not use");
    CHECK(refusal(check_marking_id(std::string("AB12\0" "45678", 10), {})).find("has a sign") != std::string::npos);

    // With the workshop's list of operators, the first two symbols must name one.
    CHECK(refusal(check_marking_id("ZZ12345678", kOperators)) ==
          "\"ZZ12345678\" starts with ZZ, which is no marking operator's prefix known here");
    CHECK(check_marking_id("ZZ12345678", {}).has_value());  // no list: the form only
    REQUIRE(marking_operator("X2ZZ99MMKK", kOperators) != nullptr);
    CHECK(marking_operator("X2ZZ99MMKK", kOperators)->name == "Opérateur X");
    CHECK(marking_operator("ZZ12345678", kOperators) == nullptr);
}

TEST_CASE("the hold of a donated marked bike: three months from the owner's notice") {
    CHECK(marking_hold_ends(2026y / 3 / 15) == 2026y / 6 / 15);
    CHECK(marking_hold_ends(2026y / 11 / 30) == 2027y / 2 / 28);  // past the year, to February's end
    CHECK(marking_hold_ends(2027y / 11 / 30) == 2028y / 2 / 29);  // a leap year
    CHECK(marking_hold_ends(2026y / 5 / 31) == 2026y / 8 / 31);
    CHECK(marking_hold_ends(2026y / 12 / 31) == 2027y / 3 / 31);
    CHECK_FALSE(marking_hold_over(2026y / 3 / 15, 2026y / 6 / 14));
    CHECK(marking_hold_over(2026y / 3 / 15, 2026y / 6 / 15));  // from that day on
    CHECK(marking_hold_over(2026y / 3 / 15, 2027y / 1 / 1));
}

TEST_CASE("amounts as people type them, in cents") {
    struct Case {
        const char* typed;
        std::int64_t cents;
    };
    for (const Case c : {Case{"12,50 €", 1250}, {"12,50\xC2\xA0\xE2\x82\xAC", 1250}, {"12.50", 1250}, {"12", 1200},
                         {"12 €", 1200}, {"€12.5", 1250}, {"\xE2\x82\xAC 8", 800}, {"0,5", 50}, {",50", 50}, {"0", 0}, {"+3", 300},
                         {"1 200,00", 120000}, {"1\xC2\xA0" "200,00 \xE2\x82\xAC", 120000}, {"1\xE2\x80\xAF" "200", 120000},
                         {"12,50 EUR", 1250}, {"eur 7,05", 705}, {"1000000", 100000000}, {"  4,20  ", 420}}) {
        CAPTURE(std::string(c.typed));
        const auto r = parse_amount(c.typed);
        REQUIRE(r.has_value());
        CHECK(*r == c.cents);
    }
    struct Bad {
        const char* typed;
        const char* msgid;
    };
    for (const Bad b : {Bad{"", "Type an amount, for example 12,50"},
                        {"€", "Type an amount, for example 12,50"},
                        {"-3", "A negative amount is not taken: record a correction instead"},
                        {"\xE2\x88\x92" "3,00 €", "A negative amount is not taken: record a correction instead"},
                        {"12,5.0", "\"{0}\" has two decimal marks: type it like 12,50"},
                        {"1.234,50", "\"{0}\" has two decimal marks: type it like 12,50"},
                        {"12,505", "\"{0}\" has more than two decimals"},
                        {"12,", "\"{0}\" is not an amount: type it like 12,50"},
                        {"douze", "\"{0}\" is not an amount: type it like 12,50"},
                        {"12$", "\"{0}\" is not an amount: type it like 12,50"},
                        {"1e3", "\"{0}\" is not an amount: type it like 12,50"},
                        {"1000000,01", "\"{0}\" is over 1,000,000 €"},
                        {"99999999999999999999999", "\"{0}\" is over 1,000,000 €"}}) {
        CAPTURE(std::string(b.typed));
        const auto r = parse_amount(b.typed);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().msgid == b.msgid);
    }
    CHECK(format_amount(Lang::fr, 1250) == "12,50\xC2\xA0\xE2\x82\xAC");
    CHECK(format_amount(Lang::en, 1250) == "\xE2\x82\xAC" "12.50");
    CHECK(format_amount(Lang::fr, 5) == "0,05\xC2\xA0\xE2\x82\xAC");
    CHECK(format_amount(Lang::fr, -1250) == "-12,50\xC2\xA0\xE2\x82\xAC");  // a counter-entry
    for (std::int64_t cents : {0LL, 1LL, 99LL, 100LL, 123456LL, 100000000LL}) {
        CHECK(parse_amount(format_amount(Lang::fr, cents)) == cents);
        CHECK(parse_amount(format_amount(Lang::en, cents)) == cents);
    }
}

TEST_CASE("the register's words: English for the data, French words taken as typed") {
    CHECK(bike_origin_from_string("Donné") == BikeOrigin::donated);
    CHECK(bike_origin_from_string("acheté") == BikeOrigin::bought);
    CHECK(bike_type_from_string("VTT") == BikeType::mountain);
    CHECK(bike_type_from_string("électrique") == BikeType::electric);
    CHECK(bike_condition_from_string("pour pièces") == BikeCondition::for_parts);
    CHECK(bike_status_from_string("vendu") == BikeStatus::sold);
    CHECK(marking_check_from_string("volé") == MarkingCheck::stolen);
    CHECK(!bike_type_from_string("tandem"));
    for (auto t : {BikeType::city, BikeType::road, BikeType::mountain, BikeType::hybrid, BikeType::child, BikeType::cargo,
                   BikeType::folding, BikeType::electric, BikeType::other})
        CHECK(bike_type_from_string(to_string(t)) == t);
    for (auto s : {BikeStatus::in_stock, BikeStatus::sold, BikeStatus::given, BikeStatus::scrapped, BikeStatus::returned})
        CHECK(bike_status_from_string(to_string(s)) == s);
}

TEST_CASE("a bike's description is tidied and checked; the hold applies to a marking found on a bike not bought") {
    const Date today{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{28}};
    Bike b;
    b.intake_day = today;
    b.brand = "  Peugeot ";
    b.marking = "cd-12 345 678";
    auto ok = validate_bike(b, today, {});
    REQUIRE(ok);
    CHECK(ok->brand == "Peugeot");
    CHECK(ok->marking == "CD12345678");
    CHECK(bike_needs_hold(*ok));  // donated by default
    CHECK(!bike_hold_ends(*ok));  // not notified: it may not leave at all
    ok->marked_here = true;
    CHECK(!bike_needs_hold(*ok));
    ok->marked_here = false;
    ok->origin = BikeOrigin::bought;
    CHECK(!bike_needs_hold(*ok));

    b.marking.clear();
    b.marking_check = MarkingCheck::clear;
    CHECK(validate_bike(b, today, {}).error().msgid == "Without a marking identifier there is nothing to check with an operator");
    b.marking_check = MarkingCheck::unchecked;
    b.photos = {"../etc/passwd"};
    CHECK(validate_bike(b, today, {}).error().msgid == "The photo \"{0}\" must be a file name in the photos folder");
    b.photos = {"velos/12.jpg"};
    b.note = "ligne 1\nligne 2";
    CHECK(validate_bike(b, today, {}));
    b.colour = "bleu\x01";
    CHECK(validate_bike(b, today, {}).error().msgid == "The colour must be one line of at most {0} characters");
}

TEST_CASE("a departure: a rider for a sale or a gift, a price for a sale only, the hold, a stolen bike") {
    const Date today{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{28}};
    Bike b;
    b.id = 4;
    b.intake_day = today;
    b.origin = BikeOrigin::bought;
    BikeDeparture d;
    d.kind = BikeStatus::sold;
    d.day = today;
    d.price_cents = 5000;
    d.buyer = Buyer{"Martin", "Léa", "+33 6 12 34 56 78", "LEA@example.org", ""};
    auto ok = check_departure(b, d);
    REQUIRE(ok);
    CHECK(ok->buyer->email == "lea@example.org");
    d.buyer->phone = "12345";
    CHECK(check_departure(b, d).error().msgid == "\"{0}\" is not a phone number");
    d.buyer->phone = "0612345678";
    d.day = Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{27}};
    CHECK(check_departure(b, d).error().msgid == "Bike {0} came in on {1}: it cannot leave before");
    d.day = today;
    d.kind = BikeStatus::scrapped;
    d.price_cents = 0;
    ok = check_departure(b, d);
    REQUIRE(ok);
    CHECK(!ok->buyer);  // a scrapped bike has no rider
    d.kind = BikeStatus::in_stock;
    CHECK(!check_departure(b, d));
    b.status = BikeStatus::sold;
    d.kind = BikeStatus::given;
    CHECK(check_departure(b, d).error().msgid == "Bike {0} has already left ({1})");

    CHECK(check_part_name("  roue avant ").value() == "roue avant");
    CHECK(!check_part_name(""));
    CHECK(!check_part_name(std::string(81, 'x')));
}

TEST_CASE("the declaration's fields") {
    Bike b;
    b.id = 12;
    b.marking = "AB12345678";
    b.type = BikeType::mountain;
    b.status = BikeStatus::given;
    BikeDeparture d;
    d.kind = BikeStatus::given;
    d.day = Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{28}};
    d.buyer = Buyer{"Martin", "Léa", "0612345678", "lea@example.org", "Lyon"};
    b.departure = d;
    const std::vector<MarkingOperator> ops{{"AB", "Opérateur A"}};
    CHECK(declaration_value(b, "marking", ops) == "AB12345678");
    CHECK(declaration_value(b, "operator", ops) == "Opérateur A");
    CHECK(declaration_value(b, "bike", ops) == "12");
    CHECK(declaration_value(b, "type", ops) == "VTT");
    CHECK(declaration_value(b, "how", ops) == "don");
    CHECK(declaration_value(b, "left_on", ops) == "2026-11-28");
    CHECK(declaration_value(b, "price", ops) == "0.00");
    CHECK(declaration_value(b, "address", ops) == "Lyon");
    CHECK(is_declaration_field("first_name"));
    CHECK(!is_declaration_field("nom"));
    for (const auto& [header, field] : default_declaration_columns()) CHECK(is_declaration_field(field));
}
