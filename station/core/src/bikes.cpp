// The marking identifier, the hold of a donated marked bike, and typed sums of money.
// Layer: core (pure). Any thread.
#include <etabli/core/bikes.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace etabli::core {

namespace {

constexpr std::int64_t kMaxAmountCents = 100'000'000;  // 1,000,000 €

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }

// The typed text without the spaces a person or a spreadsheet puts between groups: ASCII
// spaces and tabs, the no-break space (U+00A0) and the narrow no-break space (U+202F).
std::string without_spaces(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == ' ' || s[i] == '\t') {
            ++i;
        } else if (starts_with(s.substr(i), "\xC2\xA0")) {
            i += 2;
        } else if (starts_with(s.substr(i), "\xE2\x80\xAF")) {
            i += 3;
        } else {
            out += s[i++];
        }
    }
    return out;
}

}  // namespace

std::expected<std::string, Problem> check_marking_id(std::string_view typed, const std::vector<MarkingOperator>& operators) {
    std::string id;
    for (const char c : typed) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (static_cast<unsigned char>(c) >= 0x80 || c < 0x20 || c == 0x7F)
            return std::unexpected(problem("\"{0}\" has a sign that marking identifiers do not use", {std::string(typed.substr(0, 40))}));
        id += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    if (id.empty()) return std::unexpected(problem("Type the marking identifier: 10 letters and digits"));
    for (const char c : id) {
        if (kMarkingAlphabet.find(c) != std::string_view::npos) continue;
        if (std::string_view("ILOQU").find(c) != std::string_view::npos)
            return std::unexpected(problem("\"{0}\": marking identifiers have no letter {1} (0 is a zero, 1 a one)", {id, std::string(1, c)}));
        return std::unexpected(problem("\"{0}\": {1} is not a symbol of marking identifiers", {id, std::string(1, c)}));
    }
    if (id.size() != kMarkingLength)
        return std::unexpected(problem("A marking identifier has 10 symbols; \"{0}\" has {1}", {id, std::to_string(id.size())}));
    if (!operators.empty() && !marking_operator(id, operators))
        return std::unexpected(problem("\"{0}\" starts with {1}, which is no marking operator's prefix known here", {id, id.substr(0, 2)}));
    return id;
}

const MarkingOperator* marking_operator(std::string_view id, const std::vector<MarkingOperator>& operators) {
    for (const auto& op : operators)
        if (!op.prefix.empty() && starts_with(id, op.prefix)) return &op;
    return nullptr;
}

Date marking_hold_ends(Date notified) {
    using namespace std::chrono;
    const year_month ym = year_month{notified.year(), notified.month()} + months{3};
    const year_month_day_last last{ym.year(), month_day_last{ym.month()}};
    return notified.day() > last.day() ? year_month_day{last} : year_month_day{ym.year(), ym.month(), notified.day()};
}

bool marking_hold_over(Date notified, Date today) {
    return std::chrono::sys_days{today} >= std::chrono::sys_days{marking_hold_ends(notified)};
}

std::expected<std::int64_t, Problem> parse_amount(std::string_view typed) {
    const std::string shown(typed.substr(0, 40));
    std::string s = without_spaces(typed);
    // The currency, before or after: "€", "EUR".
    for (std::string_view cur : {std::string_view("\xE2\x82\xAC"), std::string_view("EUR"), std::string_view("eur")}) {
        if (starts_with(s, cur)) s.erase(0, cur.size());
        if (ends_with(s, cur)) s.erase(s.size() - cur.size());
    }
    if (s.empty()) return std::unexpected(problem("Type an amount, for example 12,50"));
    if (s[0] == '-' || starts_with(s, "\xE2\x88\x92"))  // "-" or "−"
        return std::unexpected(problem("A negative amount is not taken: record a correction instead"));
    if (s[0] == '+') s.erase(0, 1);
    if (std::count(s.begin(), s.end(), ',') + std::count(s.begin(), s.end(), '.') > 1)
        return std::unexpected(problem("\"{0}\" has two decimal marks: type it like 12,50", {shown}));
    std::int64_t units = 0;
    std::int64_t cents = 0;
    int decimals = -1;  // digits after the decimal mark; -1: no mark yet
    char mark = 0;
    bool digits = false;
    for (const char c : s) {
        if (c >= '0' && c <= '9') {
            digits = true;
            if (decimals < 0) {
                units = units * 10 + (c - '0');
                if (units * 100 > kMaxAmountCents) return std::unexpected(problem("\"{0}\" is over 1,000,000 €", {shown}));
            } else {
                if (++decimals > 2) return std::unexpected(problem("\"{0}\" has more than two decimals", {shown}));
                cents = cents * 10 + (c - '0');
            }
        } else if (c == ',' || c == '.') {
            if (mark) return std::unexpected(problem("\"{0}\" has two decimal marks: type it like 12,50", {shown}));
            mark = c;
            decimals = 0;
        } else {
            return std::unexpected(problem("\"{0}\" is not an amount: type it like 12,50", {shown}));
        }
    }
    if (!digits || decimals == 0) return std::unexpected(problem("\"{0}\" is not an amount: type it like 12,50", {shown}));
    if (decimals == 1) cents *= 10;
    const std::int64_t total = units * 100 + cents;
    if (total > kMaxAmountCents) return std::unexpected(problem("\"{0}\" is over 1,000,000 €", {shown}));
    return total;
}

std::string format_amount(Lang lang, std::int64_t cents) {
    const bool negative = cents < 0;
    const std::uint64_t abs = negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
    char buf[64];
    if (lang == Lang::fr)
        std::snprintf(buf, sizeof buf, "%s%llu,%02llu\xC2\xA0\xE2\x82\xAC", negative ? "-" : "",
                      static_cast<unsigned long long>(abs / 100), static_cast<unsigned long long>(abs % 100));
    else
        std::snprintf(buf, sizeof buf, "%s\xE2\x82\xAC%llu.%02llu", negative ? "-" : "", static_cast<unsigned long long>(abs / 100),
                      static_cast<unsigned long long>(abs % 100));
    return buf;
}

}  // namespace etabli::core
