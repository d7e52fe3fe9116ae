// The bike register's and the receipts' rules that need no storage:
//   - the marking identifier that French law asks of bikes sold by a professional (Code des
//     transports L1271-2 to L1271-5; décret 2020-1439; arrêté of 29 December 2020): 10
//     characters from the 31 symbols that leave out I, L, O, Q and U, the first two naming the
//     approved marking operator (the list of operators is data: `[bikes] operators` in
//     etabli.toml, checked only when the workshop gives it);
//   - the hold of a donated marked bike: three months after its owner was notified, before it
//     may change hands;
//   - sums of money as a person types them, in French or in English ("12,50 €", "12.50",
//     "1 200 €"), kept in cents.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

// The marking identifier's symbols: the ten digits and the letters but I, L, O, Q and U.
inline constexpr std::string_view kMarkingAlphabet = "0123456789ABCDEFGHJKMNPRSTVWXYZ";
inline constexpr std::size_t kMarkingLength = 10;

// An approved marking operator: the two symbols its identifiers start with, and its name.
struct MarkingOperator {
    std::string prefix;
    std::string name;
    bool operator==(const MarkingOperator&) const = default;
};

// The identifier as typed or read on a sticker ("ab 12-345 678" is "AB12345678": case, spaces
// and hyphens do not count), checked for its form: 10 symbols of kMarkingAlphabet. With
// `operators` given, its first two symbols must be one operator's prefix. Returns it
// normalised; a refusal names what is wrong (a letter the alphabet leaves out is named, since
// O for 0 and I or L for 1 are the usual slips).
std::expected<std::string, Problem> check_marking_id(std::string_view typed, const std::vector<MarkingOperator>& operators);

// The operator whose prefix starts a normalised identifier, or null.
const MarkingOperator* marking_operator(std::string_view id, const std::vector<MarkingOperator>& operators);

// The end of the hold of a donated marked bike whose owner was notified on `notified`: the
// same day three months later (the month's last day when it has no such day). The bike may
// be sold or given from that day on.
Date marking_hold_ends(Date notified);
bool marking_hold_over(Date notified, Date today);

// A sum of money typed by a person, in cents: "12,50 €", "12.50", "12 €", "€ 8", "0,5",
// "1 200,00" (spaces, no-break spaces and thin spaces group the thousands), "12,50 EUR".
// Refused with a reason: empty, negative (a correction is a counter-entry), more than two
// decimals, two decimal marks, letters or other signs, over 1,000,000 €.
std::expected<std::int64_t, Problem> parse_amount(std::string_view typed);

// "12,50 €" in French (a no-break space before €), "€12.50" in English.
std::string format_amount(Lang lang, std::int64_t cents);

// [The register] ---------------------------------------------------------------------------
// A bike's number is the workshop's own, printed on its QR tag: its id in the register.
using BikeId = std::int64_t;
using BikePartId = std::int64_t;

enum class BikeOrigin : std::uint8_t { donated, abandoned, found, bought };
enum class BikeType : std::uint8_t { city, road, mountain, hybrid, child, cargo, folding, electric, other };
enum class BikeCondition : std::uint8_t { good, needs_service, needs_repair, for_parts };
// What the marking operator said when a volunteer checked the identifier.
enum class MarkingCheck : std::uint8_t { unchecked, clear, stolen };
// in_stock: at the workshop (being refurbished or waiting for a rider); the others are how it left.
enum class BikeStatus : std::uint8_t { in_stock, sold, given, scrapped, returned };
enum class PriceKind : std::uint8_t { fixed, free };  // free: prix libre, the amount the rider paid

std::string_view to_string(BikeOrigin);
std::string_view to_string(BikeType);
std::string_view to_string(BikeCondition);
std::string_view to_string(MarkingCheck);
std::string_view to_string(BikeStatus);
std::string_view to_string(PriceKind);
// Also the French words (« donné », « VTT », « à réparer », « vendu »…), any case.
std::optional<BikeOrigin> bike_origin_from_string(std::string_view);
std::optional<BikeType> bike_type_from_string(std::string_view);
std::optional<BikeCondition> bike_condition_from_string(std::string_view);
std::optional<MarkingCheck> marking_check_from_string(std::string_view);
std::optional<BikeStatus> bike_status_from_string(std::string_view);
std::optional<PriceKind> price_kind_from_string(std::string_view);
// Shown to people (msgids, translated where shown): "donated", "city bike", "sold"…
std::string_view label(BikeOrigin);
std::string_view label(BikeType);
std::string_view label(BikeCondition);
std::string_view label(BikeStatus);

// The new rider of a sold or given bike (the marking operator's declaration needs them).
struct Buyer {
    std::string surname, first_name, phone, email;
    std::string address;  // optional
    bool operator==(const Buyer&) const = default;
};

// How a bike left. `buyer` for a sale or a gift (mandatory), optional when it went back to its
// owner; none for a scrapped bike. Kept until the retention rules purge the buyer.
struct BikeDeparture {
    BikeStatus kind = BikeStatus::sold;  // never in_stock
    Date day{};
    std::optional<Buyer> buyer;
    PriceKind price_kind = PriceKind::fixed;
    std::int64_t price_cents = 0;        // sold: the price or what was paid; otherwise 0
    std::optional<MemberId> by;          // who recorded it; none: the command line
    std::optional<Timestamp> declared_at;  // the operator's CSV that listed it was written
    std::optional<Timestamp> purged_at;    // the buyer's data was purged (buyer is then empty)
    bool operator==(const BikeDeparture&) const = default;
};

struct Bike {
    BikeId id = 0;  // 0 until stored
    Date intake_day{};
    BikeOrigin origin = BikeOrigin::donated;
    std::optional<MemberId> from_member;  // who brought it, when a member
    std::string from_text;                // otherwise in words ("Mairie, fourrière", "a visitor")
    BikeType type = BikeType::city;
    std::string brand, model, colour, wheel_size, frame_size, frame_serial;
    BikeCondition condition = BikeCondition::needs_service;
    std::vector<std::string> photos;      // relative to the photos folder
    std::string note;
    // The marking identifier (normalised), empty when the bike carries none.
    std::string marking;
    bool marked_here = false;  // engraved by the workshop (at the sale): no owner to notify
    MarkingCheck marking_check = MarkingCheck::unchecked;
    std::optional<MemberId> marking_checked_by;  // none with a date: the command line
    std::optional<Date> marking_checked_on;
    std::optional<Date> owner_notified_on;       // a marked bike not bought: its owner was told
    BikeStatus status = BikeStatus::in_stock;
    std::optional<BikeDeparture> departure;
    Timestamp created_at{}, updated_at{};
    bool operator==(const Bike&) const = default;
};

// A part taken from a donor bike: where it came from and, once fitted, where it went.
struct BikePart {
    BikePartId id = 0;
    BikeId from = 0;
    std::optional<BikeId> to;
    std::string part;  // "roue avant", "dérailleur arrière"
    Date day{};
    std::optional<MemberId> by;
    bool operator==(const BikePart&) const = default;
};

inline constexpr std::size_t kMaxBikeWord = 80;   // brand, model, colour, sizes, serial, part, names
inline constexpr std::size_t kMaxBikeText = 1000; // note, from_text, address
inline constexpr std::size_t kMaxBikePhotos = 6;

// Whether the three-month hold applies: a bike that came in with a marking and did not come
// from a sale to the workshop (donated, abandoned, found): its registered owner is told first.
bool bike_needs_hold(const Bike& b);
// The day the bike may change hands, when held: none when it is not held, or not yet
// notified (it may then not leave at all).
std::optional<Date> bike_hold_ends(const Bike& b);

// Checks and tidies a bike's description (texts trimmed, valid UTF-8, without control
// characters, within their limits; photos relative; the marking normalised and of its form,
// with `operators` when given; an intake day not after `today`; a check or a notice not
// before intake nor after today; a donor member or words, not both). Whether a member or
// another bike exists is the station's check.
std::expected<Bike, Problem> validate_bike(Bike b, Date today, const std::vector<MarkingOperator>& operators);

// A part's name ("roue avant"): one line, trimmed, 1 to kMaxBikeWord characters.
std::expected<std::string, Problem> check_part_name(std::string_view typed);

// [The operator's declaration] The fields a column of the CSV may hold: marking, operator,
// bike, type (in French: ville, VTT…), brand, model, colour, wheel_size, frame_size,
// frame_serial, left_on, how (vente, don), surname, first_name, phone, email, address, price
// (in euros, "120.00").
bool is_declaration_field(std::string_view field);
std::string declaration_fields_list();  // "marking, operator, bike, …"
// The columns used when etabli.toml names none: [header, field] pairs.
std::vector<std::pair<std::string, std::string>> default_declaration_columns();
// The value of `field` for a bike that left with its buyer ("" when it has none).
std::string declaration_value(const Bike& b, std::string_view field, const std::vector<MarkingOperator>& operators);

// The buyer's fields tidied: surname, first name, phone and e-mail mandatory (an e-mail of
// its form, a phone of 6 to 15 digits with spaces, dots, hyphens, brackets or a leading +),
// the address optional. Each refusal names the field.
std::expected<Buyer, Problem> validate_buyer(Buyer b);

// Whether `b` may leave as `d` on `d.day`: in stock, a sale or gift with its buyer, a sale with
// a price, a scrapped bike without a buyer, not declared stolen (only its owner may take it
// back), and for a held bike, its owner notified and the hold over. Returns the departure tidied.
std::expected<BikeDeparture, Problem> check_departure(const Bike& b, BikeDeparture d);

}  // namespace etabli::core
