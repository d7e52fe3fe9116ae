// The marking identifier, the hold of a donated marked bike, and typed sums of money.
// Layer: core (pure). Any thread.
#include <etabli/core/bikes.hpp>

#include "text_checks.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <chrono>
#include <cstdio>

namespace etabli::core {

using text_checks::from_words;
using text_checks::name_of;

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

// [The register] ---------------------------------------------------------------------------
namespace {

constexpr std::array<std::pair<std::string_view, BikeOrigin>, 8> kOrigins{{
    {"donated", BikeOrigin::donated}, {"abandoned", BikeOrigin::abandoned}, {"found", BikeOrigin::found},
    {"bought", BikeOrigin::bought}, {"don", BikeOrigin::donated}, {"donné", BikeOrigin::donated},
    {"abandonné", BikeOrigin::abandoned}, {"trouvé", BikeOrigin::found}}};
constexpr std::array<std::pair<std::string_view, BikeOrigin>, 1> kOrigins2{{{"acheté", BikeOrigin::bought}}};
constexpr std::array<std::pair<std::string_view, BikeType>, 19> kTypes{{
    {"city", BikeType::city}, {"road", BikeType::road}, {"mountain", BikeType::mountain}, {"hybrid", BikeType::hybrid},
    {"child", BikeType::child}, {"cargo", BikeType::cargo}, {"folding", BikeType::folding}, {"electric", BikeType::electric},
    {"other", BikeType::other}, {"ville", BikeType::city}, {"route", BikeType::road}, {"vtt", BikeType::mountain},
    {"vtc", BikeType::hybrid}, {"enfant", BikeType::child}, {"biporteur", BikeType::cargo}, {"pliant", BikeType::folding},
    {"électrique", BikeType::electric}, {"vae", BikeType::electric}, {"autre", BikeType::other}}};
constexpr std::array<std::pair<std::string_view, BikeCondition>, 8> kConditions{{
    {"good", BikeCondition::good}, {"needs_service", BikeCondition::needs_service},
    {"needs_repair", BikeCondition::needs_repair}, {"for_parts", BikeCondition::for_parts}, {"bon", BikeCondition::good},
    {"à réviser", BikeCondition::needs_service}, {"à réparer", BikeCondition::needs_repair},
    {"pour pièces", BikeCondition::for_parts}}};
constexpr std::array<std::pair<std::string_view, MarkingCheck>, 6> kChecks{{
    {"unchecked", MarkingCheck::unchecked}, {"clear", MarkingCheck::clear}, {"stolen", MarkingCheck::stolen},
    {"non vérifié", MarkingCheck::unchecked}, {"ok", MarkingCheck::clear}, {"volé", MarkingCheck::stolen}}};
constexpr std::array<std::pair<std::string_view, BikeStatus>, 10> kStatuses{{
    {"in_stock", BikeStatus::in_stock}, {"sold", BikeStatus::sold}, {"given", BikeStatus::given},
    {"scrapped", BikeStatus::scrapped}, {"returned", BikeStatus::returned}, {"en stock", BikeStatus::in_stock},
    {"vendu", BikeStatus::sold}, {"donné", BikeStatus::given}, {"détruit", BikeStatus::scrapped},
    {"rendu", BikeStatus::returned}}};
constexpr std::array<std::pair<std::string_view, PriceKind>, 4> kPrices{{
    {"fixed", PriceKind::fixed}, {"free", PriceKind::free}, {"fixe", PriceKind::fixed}, {"prix libre", PriceKind::free}}};


// `refusal`: the field's own message, with {0} for its limit (each field is translated whole).
std::expected<std::string, Problem> word(std::string_view raw, const char* refusal, std::size_t max = kMaxBikeWord) {
    auto s = text_checks::clean_line(raw, max);
    if (!s) return std::unexpected(problem(refusal, {std::to_string(max)}));
    return *s;
}

bool after(Date a, Date b) { return std::chrono::sys_days{a} > std::chrono::sys_days{b}; }

}  // namespace

std::string_view to_string(BikeOrigin v) { return name_of(v, kOrigins); }
std::string_view to_string(BikeType v) { return name_of(v, kTypes); }
std::string_view to_string(BikeCondition v) { return name_of(v, kConditions); }
std::string_view to_string(MarkingCheck v) { return name_of(v, kChecks); }
std::string_view to_string(BikeStatus v) { return name_of(v, kStatuses); }
std::string_view to_string(PriceKind v) { return name_of(v, kPrices); }
std::optional<BikeOrigin> bike_origin_from_string(std::string_view s) {
    if (auto o = from_words(s, kOrigins)) return o;
    return from_words(s, kOrigins2);
}
std::optional<BikeType> bike_type_from_string(std::string_view s) { return from_words(s, kTypes); }
std::optional<BikeCondition> bike_condition_from_string(std::string_view s) { return from_words(s, kConditions); }
std::optional<MarkingCheck> marking_check_from_string(std::string_view s) { return from_words(s, kChecks); }
std::optional<BikeStatus> bike_status_from_string(std::string_view s) { return from_words(s, kStatuses); }
std::optional<PriceKind> price_kind_from_string(std::string_view s) { return from_words(s, kPrices); }

std::string_view label(BikeOrigin v) {
    switch (v) {
    case BikeOrigin::donated: return N_("donated");
    case BikeOrigin::abandoned: return N_("abandoned");
    case BikeOrigin::found: return N_("found");
    case BikeOrigin::bought: return N_("bought");
    }
    return "?";
}
std::string_view label(BikeType v) {
    switch (v) {
    case BikeType::city: return N_("city bike");
    case BikeType::road: return N_("road bike");
    case BikeType::mountain: return N_("mountain bike");
    case BikeType::hybrid: return N_("hybrid bike");
    case BikeType::child: return N_("child's bike");
    case BikeType::cargo: return N_("cargo bike");
    case BikeType::folding: return N_("folding bike");
    case BikeType::electric: return N_("electric bike");
    case BikeType::other: return N_("other bike");
    }
    return "?";
}
std::string_view label(BikeCondition v) {
    switch (v) {
    case BikeCondition::good: return N_("good");
    case BikeCondition::needs_service: return N_("needs a service");
    case BikeCondition::needs_repair: return N_("needs repairs");
    case BikeCondition::for_parts: return N_("for parts");
    }
    return "?";
}
std::string_view label(BikeStatus v) {
    switch (v) {
    case BikeStatus::in_stock: return N_("in stock");
    case BikeStatus::sold: return N_("sold");
    case BikeStatus::given: return N_("given");
    case BikeStatus::scrapped: return N_("scrapped");
    case BikeStatus::returned: return N_("returned to its owner");
    }
    return "?";
}

bool bike_needs_hold(const Bike& b) { return !b.marking.empty() && !b.marked_here && b.origin != BikeOrigin::bought; }

std::optional<Date> bike_hold_ends(const Bike& b) {
    if (!bike_needs_hold(b) || !b.owner_notified_on) return std::nullopt;
    return marking_hold_ends(*b.owner_notified_on);
}

std::expected<Bike, Problem> validate_bike(Bike b, Date today, const std::vector<MarkingOperator>& operators) {
    for (const auto& d : {std::optional<Date>{b.intake_day}, b.marking_checked_on, b.owner_notified_on})
        if (d && !d->ok()) return std::unexpected(problem("A day of the bike is not a real date"));
    if (after(b.intake_day, today))
        return std::unexpected(problem("The intake day {0} is after today", {format_date(b.intake_day)}));
    struct Field {
        std::string* value;
        const char* refusal;
    };
    for (const auto& f : {Field{&b.brand, N_("The brand must be one line of at most {0} characters")},
                          Field{&b.model, N_("The model must be one line of at most {0} characters")},
                          Field{&b.colour, N_("The colour must be one line of at most {0} characters")},
                          Field{&b.wheel_size, N_("The wheel size must be one line of at most {0} characters")},
                          Field{&b.frame_size, N_("The frame size must be one line of at most {0} characters")},
                          Field{&b.frame_serial, N_("The frame number must be one line of at most {0} characters")},
                          Field{&b.from_text, N_("Who brought the bike must be one line of at most {0} characters")}}) {
        auto w = word(*f.value, f.refusal);
        if (!w) return std::unexpected(w.error());
        *f.value = *w;
    }
    if (b.from_member && !b.from_text.empty())
        return std::unexpected(problem("Give the donor as a member or in words, not both"));
    auto note = text_checks::clean_text(b.note, kMaxBikeText, true);
    if (!note) return std::unexpected(problem("The note must be at most {0} characters, without control characters", {std::to_string(kMaxBikeText)}));
    b.note = *note;
    if (b.photos.size() > kMaxBikePhotos)
        return std::unexpected(problem("A bike has at most {0} photos", {std::to_string(kMaxBikePhotos)}));
    for (auto& p : b.photos) {
        auto rel = text_checks::relative_path(p, 255);
        if (!rel) return std::unexpected(problem("The photo \"{0}\" must be a file name in the photos folder", {p.substr(0, 80)}));
        p = *rel;
    }
    if (!b.marking.empty()) {
        auto id = check_marking_id(b.marking, operators);
        if (!id) return std::unexpected(id.error());
        b.marking = *id;
    } else if (b.marking_check != MarkingCheck::unchecked || b.marking_checked_on || b.owner_notified_on) {
        return std::unexpected(problem("Without a marking identifier there is nothing to check with an operator"));
    } else {
        b.marked_here = false;
    }
    if (b.marking_check == MarkingCheck::unchecked) {
        b.marking_checked_on.reset();
        b.marking_checked_by.reset();
    } else if (!b.marking_checked_on) {
        b.marking_checked_on = today;
    }
    if (const auto& d = b.marking_checked_on) {
        if (after(*d, today)) return std::unexpected(problem("The check with the operator is dated {0}, after today", {format_date(*d)}));
        if (after(b.intake_day, *d))
            return std::unexpected(problem("The check with the operator is dated {0}, before the bike came in", {format_date(*d)}));
    }
    if (const auto& d = b.owner_notified_on) {
        if (after(*d, today)) return std::unexpected(problem("The owner's notice is dated {0}, after today", {format_date(*d)}));
        if (after(b.intake_day, *d))
            return std::unexpected(problem("The owner's notice is dated {0}, before the bike came in", {format_date(*d)}));
    }
    return b;
}

std::expected<std::string, Problem> check_part_name(std::string_view typed) {
    auto w = word(typed, N_("Name the part in one line of at most {0} characters"));
    if (!w) return std::unexpected(w.error());
    if (w->empty()) return std::unexpected(problem("Name the part: \"front wheel\", \"rear derailleur\"…"));
    return *w;
}

std::expected<Buyer, Problem> validate_buyer(Buyer b) {
    struct Field {
        std::string* value;
        const char* refusal;
        const char* missing;
    };
    for (const auto& f : {Field{&b.surname, N_("The surname must be one line of at most {0} characters"), N_("The new rider's surname is mandatory")},
                          Field{&b.first_name, N_("The first name must be one line of at most {0} characters"), N_("The new rider's first name is mandatory")},
                          Field{&b.phone, N_("The phone must be one line of at most {0} characters"), N_("The new rider's phone is mandatory")},
                          Field{&b.email, N_("The e-mail must be one line of at most {0} characters"), N_("The new rider's e-mail is mandatory")}}) {
        auto w = word(*f.value, f.refusal);
        if (!w) return std::unexpected(w.error());
        if (w->empty()) return std::unexpected(problem(f.missing));
        *f.value = *w;
    }
    auto email = normalize_email(b.email);
    if (!email) return std::unexpected(email.error());
    b.email = email->value_or("");
    int digits = 0;
    for (std::size_t i = 0; i < b.phone.size(); ++i) {
        const char c = b.phone[i];
        if (c >= '0' && c <= '9') ++digits;
        else if (c == '+' && i == 0) continue;
        else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')')
            return std::unexpected(problem("\"{0}\" is not a phone number", {b.phone}));
    }
    if (digits < 6 || digits > 15) return std::unexpected(problem("\"{0}\" is not a phone number", {b.phone}));
    auto address = text_checks::clean_text(b.address, kMaxBikeText, true);
    if (!address) return std::unexpected(problem("The address must be at most {0} characters", {std::to_string(kMaxBikeText)}));
    b.address = *address;
    return b;
}

namespace {
constexpr std::array<std::string_view, 18> kDeclarationFields{
    "marking", "operator", "bike", "type", "brand", "model", "colour", "wheel_size", "frame_size", "frame_serial",
    "left_on", "how", "surname", "first_name", "phone", "email", "address", "price"};
}  // namespace

bool is_declaration_field(std::string_view field) {
    return std::find(kDeclarationFields.begin(), kDeclarationFields.end(), field) != kDeclarationFields.end();
}

std::string declaration_fields_list() {
    std::string out;
    for (const auto f : kDeclarationFields) out += (out.empty() ? "" : ", ") + std::string(f);
    return out;
}

std::vector<std::pair<std::string, std::string>> default_declaration_columns() {
    return {{"Identifiant", "marking"}, {"Date de cession", "left_on"}, {"Type de cession", "how"}, {"Nom", "surname"},
            {"Prénom", "first_name"}, {"Téléphone", "phone"}, {"Courriel", "email"}, {"Adresse", "address"},
            {"Marque", "brand"}, {"Modèle", "model"}, {"Couleur", "colour"}, {"Type", "type"},
            {"Numéro de cadre", "frame_serial"}, {"Numéro atelier", "bike"}};
}

std::string declaration_value(const Bike& b, std::string_view field, const std::vector<MarkingOperator>& operators) {
    const Buyer none;
    const auto& buyer = b.departure && b.departure->buyer ? *b.departure->buyer : none;
    if (field == "marking") return b.marking;
    if (field == "operator") {
        const auto* op = marking_operator(b.marking, operators);
        return op ? op->name : "";
    }
    if (field == "bike") return std::to_string(b.id);
    if (field == "type") {  // the operators are French: their words
        static constexpr std::array<std::string_view, 9> kFrench{"ville", "route", "VTT", "VTC", "enfant", "cargo",
                                                                 "pliant", "électrique", "autre"};
        return std::string(kFrench[static_cast<std::size_t>(b.type)]);
    }
    if (field == "brand") return b.brand;
    if (field == "model") return b.model;
    if (field == "colour") return b.colour;
    if (field == "wheel_size") return b.wheel_size;
    if (field == "frame_size") return b.frame_size;
    if (field == "frame_serial") return b.frame_serial;
    if (field == "left_on") return b.departure ? format_date(b.departure->day) : "";
    if (field == "how") {
        if (!b.departure) return "";
        switch (b.departure->kind) {
        case BikeStatus::sold: return "vente";
        case BikeStatus::given: return "don";
        case BikeStatus::returned: return "restitution";
        case BikeStatus::scrapped: return "destruction";
        case BikeStatus::in_stock: return "";
        }
        return "";
    }
    if (field == "surname") return buyer.surname;
    if (field == "first_name") return buyer.first_name;
    if (field == "phone") return buyer.phone;
    if (field == "email") return buyer.email;
    if (field == "address") return buyer.address;
    if (field == "price") {
        if (!b.departure) return "";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(b.departure->price_cents / 100),
                      static_cast<long long>(b.departure->price_cents % 100));
        return buf;
    }
    return "";
}

std::expected<BikeDeparture, Problem> check_departure(const Bike& b, BikeDeparture d) {
    const auto id = std::to_string(b.id);
    if (b.status != BikeStatus::in_stock)
        return std::unexpected(problem("Bike {0} has already left ({1})", {id, std::string(label(b.status))}));
    if (d.kind == BikeStatus::in_stock) return std::unexpected(problem("Say how the bike leaves: sold, given, scrapped or returned"));
    if (!d.day.ok()) return std::unexpected(problem("A day of the bike is not a real date"));
    if (after(b.intake_day, d.day))
        return std::unexpected(problem("Bike {0} came in on {1}: it cannot leave before", {id, format_date(b.intake_day)}));
    const bool to_rider = d.kind == BikeStatus::sold || d.kind == BikeStatus::given;
    if (to_rider) {
        if (!d.buyer) return std::unexpected(problem("A sale or a gift needs the new rider's surname, first name, phone and e-mail"));
    } else if (d.kind == BikeStatus::scrapped) {
        d.buyer.reset();
    }
    if (d.buyer) {
        auto buyer = validate_buyer(*d.buyer);
        if (!buyer) return std::unexpected(buyer.error());
        d.buyer = *buyer;
    }
    if (d.kind == BikeStatus::sold) {
        if (d.price_cents <= 0) return std::unexpected(problem("A sale needs its price (or, at prix libre, what was paid)"));
    } else {
        if (d.price_cents != 0) return std::unexpected(problem("Only a sale has a price"));
        d.price_kind = PriceKind::fixed;
    }
    if (b.marking_check == MarkingCheck::stolen && d.kind != BikeStatus::returned && d.kind != BikeStatus::scrapped)
        return std::unexpected(problem("Bike {0} is declared stolen: it may only go back to its owner", {id}));
    if (to_rider && bike_needs_hold(b)) {
        if (!b.owner_notified_on)
            return std::unexpected(problem("Bike {0} carries the marking {1}: notify its registered owner first; it may leave three months later",
                                           {id, b.marking}));
        if (!marking_hold_over(*b.owner_notified_on, d.day))
            return std::unexpected(problem("Bike {0} is held until {1}: its owner was notified on {2}",
                                           {id, format_date(marking_hold_ends(*b.owner_notified_on)), format_date(*b.owner_notified_on)}));
    }
    d.declared_at.reset();
    d.purged_at.reset();
    return d;
}

}  // namespace etabli::core
