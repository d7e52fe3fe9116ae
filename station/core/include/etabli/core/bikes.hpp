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
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
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

}  // namespace etabli::core
