// The repair record, its vocabularies, validation and the removal of personal data from
// free texts. Layer: core (pure). Any thread.
//
// [SECTION] index
//   Text helpers     trimming, ASCII folding
//   Vocabularies     item kinds, components, statuses, barriers, ORDS categories, parts
//   Validation       validate_repair
//   PII              PiiStripper
#include <etabli/core/repair.hpp>
#include <etabli/core/i18n.hpp>

#include <algorithm>
#include <charconv>

namespace etabli::core {

// [SECTION] Text helpers
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower case, with blanks, '_' and '-' all read as '-', and " / " read as "/": the several ways
// people and files write the same word compare equal.
std::string key_of(std::string_view s) {
    s = trim(s);
    std::string out;
    for (char c : s) {
        char k = lower(c);
        if (k == ' ' || k == '_' || k == '\t') k = '-';
        if (k == '-' && (out.empty() || out.back() == '-' || out.back() == '/')) continue;
        if (k == '/' && !out.empty() && out.back() == '-') out.pop_back();
        out += k;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

}  // namespace

// [SECTION] Vocabularies
std::string_view to_string(ItemKind k) { return k == ItemKind::bicycle ? "bicycle" : "powered"; }

std::expected<ItemKind, Problem> parse_item_kind(std::string_view text) {
    const auto k = key_of(text);
    if (k == "bicycle" || k == "bike" || k == "velo" || k == "vélo") return ItemKind::bicycle;
    if (k == "powered" || k == "electrical" || k == "electric") return ItemKind::powered;
    return std::unexpected(problem("Unknown item \"{0}\": use bicycle or powered", {std::string(text)}));
}

std::string_view to_string(Component c) {
    switch (c) {
        case Component::wheel: return "wheel";
        case Component::brakes: return "brakes";
        case Component::gears: return "gears";
        case Component::chain: return "chain";
        case Component::bottom_bracket: return "bottom-bracket";
        case Component::headset: return "headset";
        case Component::frame: return "frame";
        case Component::other: return "other";
    }
    return "other";
}

std::string_view label_of(Component c) {
    switch (c) {
        case Component::wheel: return N_("Wheel, tyre, tube");
        case Component::brakes: return N_("Brakes");
        case Component::gears: return N_("Gears, drivetrain");
        case Component::chain: return N_("Chain");
        case Component::bottom_bracket: return N_("Bottom bracket");
        case Component::headset: return N_("Headset");
        case Component::frame: return N_("Frame");
        case Component::other: return N_("Other");
    }
    return "Other";
}

std::expected<Component, Problem> parse_component(std::string_view text) {
    const auto k = key_of(text);
    for (Component c : kComponents)
        if (k == to_string(c)) return c;
    if (k == "tyre" || k == "tire" || k == "tube" || k == "puncture" || k == "wheels") return Component::wheel;
    if (k == "brake") return Component::brakes;
    if (k == "drivetrain" || k == "gear" || k == "derailleur") return Component::gears;
    if (k == "bb") return Component::bottom_bracket;
    return std::unexpected(problem(
        "Unknown component \"{0}\": use wheel, brakes, gears, chain, bottom-bracket, headset, frame or other",
        {std::string(text)}));
}

std::string_view to_string(RepairStatus s) {
    switch (s) {
        case RepairStatus::fixed: return "fixed";
        case RepairStatus::repairable: return "repairable";
        case RepairStatus::end_of_life: return "end-of-life";
        case RepairStatus::unknown: return "unknown";
    }
    return "unknown";
}

std::string_view ords_text(RepairStatus s) {
    switch (s) {
        case RepairStatus::fixed: return N_("Fixed");
        case RepairStatus::repairable: return N_("Repairable");
        case RepairStatus::end_of_life: return N_("End of life");
        case RepairStatus::unknown: return N_("Unknown");
    }
    return "Unknown";
}

std::expected<RepairStatus, Problem> parse_status(std::string_view text) {
    const auto k = key_of(text);
    for (RepairStatus s : kStatuses)
        if (k == to_string(s) || k == key_of(ords_text(s))) return s;
    return std::unexpected(
        problem("Unknown status \"{0}\": use fixed, repairable, end-of-life or unknown", {std::string(text)}));
}

std::string_view to_string(Barrier b) {
    switch (b) {
        case Barrier::parts_not_available: return "parts-not-available";
        case Barrier::parts_too_expensive: return "parts-too-expensive";
        case Barrier::no_way_to_open: return "no-way-to-open";
        case Barrier::no_information: return "no-information";
        case Barrier::lack_of_equipment: return "lack-of-equipment";
        case Barrier::too_worn_out: return "too-worn-out";
    }
    return "too-worn-out";
}

std::string_view ords_text(Barrier b) {
    switch (b) {
        case Barrier::parts_not_available: return N_("Spare parts not available");
        case Barrier::parts_too_expensive: return N_("Spare parts too expensive");
        case Barrier::no_way_to_open: return N_("No way to open product");
        case Barrier::no_information: return N_("Repair information not available");
        case Barrier::lack_of_equipment: return N_("Lack of equipment");
        case Barrier::too_worn_out: return N_("Item too worn out");
    }
    return "Item too worn out";
}

std::expected<Barrier, Problem> parse_barrier(std::string_view text) {
    const auto k = key_of(text);
    for (Barrier b : kBarriers)
        if (k == to_string(b) || k == key_of(ords_text(b))) return b;
    return std::unexpected(problem(
        "Unknown barrier \"{0}\": use parts-not-available, parts-too-expensive, no-way-to-open, "
        "no-information, lack-of-equipment or too-worn-out",
        {std::string(text)}));
}

const std::vector<OrdsCategory>& ords_categories() {
    static const std::vector<OrdsCategory> k{
        {1, N_("Aircon / dehumidifier")},
        {2, N_("Battery / charger / adapter")},
        {3, N_("Decorative or safety lights")},
        {4, N_("Desktop computer")},
        {5, N_("Digital compact camera")},
        {6, N_("DSLR / video camera")},
        {7, N_("Fan")},
        {8, N_("Flat screen")},
        {9, N_("Hair & beauty item")},
        {10, N_("Handheld entertainment device")},
        {11, N_("Headphones")},
        {12, N_("Hi-Fi integrated")},
        {13, N_("Hi-Fi separates")},
        {14, N_("Kettle")},
        {15, N_("Lamp")},
        {16, N_("Laptop")},
        {17, N_("Large home electrical")},
        {18, N_("Misc")},
        {19, N_("Mobile")},
        {20, N_("Musical instrument")},
        {21, N_("Paper shredder")},
        {22, N_("PC accessory")},
        {23, N_("Portable radio")},
        {24, N_("Power tool")},
        {25, N_("Printer / scanner")},
        {26, N_("Projector")},
        {27, N_("Sewing machine")},
        {28, N_("Small home electrical")},
        {29, N_("Small kitchen item")},
        {30, N_("Tablet")},
        {31, N_("Toaster")},
        {32, N_("Toy")},
        {33, N_("TV and gaming-related accessories")},
        {34, N_("Vacuum")},
        {35, N_("Watch / clock")},
        {36, N_("Coffee maker")},
        {37, N_("Food processor")},
        {38, N_("Games console")},
        {39, N_("Hair dryer")},
        {40, N_("Iron")},
    };
    return k;
}

std::optional<OrdsCategory> ords_category(int id) {
    if (id < 1 || id > 40) return std::nullopt;
    return ords_categories()[static_cast<std::size_t>(id - 1)];
}

std::expected<OrdsCategory, Problem> parse_category(std::string_view text) {
    const auto t = trim(text);
    int id = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
    if (ec == std::errc{} && end == t.data() + t.size()) {
        if (auto c = ords_category(id)) return *c;
    } else {
        const auto k = key_of(t);
        for (const auto& c : ords_categories())
            if (k == key_of(c.name)) return c;
        // A bike workshop's powered items (ORDS.md): lights are safety lights, batteries Misc.
        if (k == "bike-light" || k == "bike-lights" || k == "light" || k == "lights") return *ords_category(3);
        if (k == "e-bike-battery" || k == "ebike-battery" || k == "e-bike" || k == "ebike") return *ords_category(18);
    }
    return std::unexpected(problem("Unknown ORDS category \"{0}\": give its number (1-40) or its name, "
                                   "e.g. \"Decorative or safety lights\"",
                                   {std::string(text)}));
}

std::expected<Part, Problem> parse_part(std::string_view text) {
    const auto t = trim(text);
    std::vector<std::string_view> fields;
    std::size_t a = 0;
    while (true) {
        const auto b = t.find(':', a);
        fields.push_back(trim(t.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a)));
        if (b == std::string_view::npos) break;
        a = b + 1;
    }
    auto bad = [&] {
        return std::unexpected(problem(
            "\"{0}\" is not a part: write name:new, name:salvaged or name:salvaged:donor, e.g. \"wheel:salvaged:donor-12\"",
            {std::string(text)}));
    };
    if (fields.size() < 2 || fields.size() > 3 || fields[0].empty()) return bad();
    Part p;
    p.name = std::string(fields[0]);
    const auto kind = key_of(fields[1]);
    if (kind == "new" || kind == "neuf" || kind == "neuve") p.salvaged = false;
    else if (kind == "salvaged" || kind == "used" || kind == "recup" || kind == "récup" || kind == "occasion") p.salvaged = true;
    else return bad();
    if (fields.size() == 3) {
        if (!p.salvaged || fields[2].empty()) return bad();
        p.donor = std::string(fields[2]);
    }
    return p;
}

std::string format_part(const Part& p) {
    std::string s = p.name + (p.salvaged ? ":salvaged" : ":new");
    if (p.donor) s += ":" + *p.donor;
    return s;
}

// [SECTION] Validation
namespace {

// The three refusals of one field, each a whole sentence so that a translation can name the
// field in its own words and agree with it ("La marque est trop longue"); `too_long` takes the
// limit as {0}.
struct FieldMessages {
    Problem bad_utf8, control, too_long;
};

const FieldMessages& brand_messages() {
    static const FieldMessages m{problem("The brand is not valid text (UTF-8)"),
                                 problem("The brand contains a control character"),
                                 problem("The brand is too long: at most {0} characters")};
    return m;
}
const FieldMessages& model_messages() {
    static const FieldMessages m{problem("The model is not valid text (UTF-8)"),
                                 problem("The model contains a control character"),
                                 problem("The model is too long: at most {0} characters")};
    return m;
}
const FieldMessages& category_messages() {
    static const FieldMessages m{problem("The category is not valid text (UTF-8)"),
                                 problem("The category contains a control character"),
                                 problem("The category is too long: at most {0} characters")};
    return m;
}
const FieldMessages& problem_messages() {
    static const FieldMessages m{problem("The problem is not valid text (UTF-8)"),
                                 problem("The problem contains a control character"),
                                 problem("The problem is too long: at most {0} characters")};
    return m;
}
const FieldMessages& done_messages() {
    static const FieldMessages m{problem("The work done is not valid text (UTF-8)"),
                                 problem("The work done contains a control character"),
                                 problem("The work done is too long: at most {0} characters")};
    return m;
}
const FieldMessages& notes_messages() {
    static const FieldMessages m{problem("The notes are not valid text (UTF-8)"),
                                 problem("The notes contain a control character"),
                                 problem("The notes are too long: at most {0} characters")};
    return m;
}
const FieldMessages& part_messages() {
    static const FieldMessages m{problem("The part name is not valid text (UTF-8)"),
                                 problem("The part name contains a control character"),
                                 problem("The part name is too long: at most {0} characters")};
    return m;
}
const FieldMessages& donor_messages() {
    static const FieldMessages m{problem("The donor is not valid text (UTF-8)"),
                                 problem("The donor contains a control character"),
                                 problem("The donor is too long: at most {0} characters")};
    return m;
}

// Trimmed, valid UTF-8, no control characters except (with `multiline`) newlines and tabs,
// at most `max` code points. `msgs` names the field in the refusal.
std::expected<std::string, Problem> clean_text(std::string_view raw, std::size_t max, bool multiline,
                                               const FieldMessages& msgs) {
    const auto t = trim(raw);
    const auto n = utf8_length(t);
    if (!n) return std::unexpected(msgs.bad_utf8);
    for (unsigned char c : t) {
        if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\t'))))
            return std::unexpected(msgs.control);
    }
    if (*n > max) {
        Problem p = msgs.too_long;
        p.args = {std::to_string(max)};
        return std::unexpected(std::move(p));
    }
    // Inner runs of blanks folded on one-line fields: "  Btwin   Riverside" is one brand.
    if (multiline) return std::string(t);
    std::string out;
    for (char c : t) {
        if ((c == ' ' || c == '\t') && !out.empty() && out.back() == ' ') continue;
        out += c == '\t' ? ' ' : c;
    }
    return out;
}

}  // namespace

std::expected<Repair, Problem> validate_repair(Repair r, Date today) {
    if (r.volunteers.empty()) return std::unexpected(problem("A repair needs at least one volunteer"));
    {
        auto v = r.volunteers;
        std::sort(v.begin(), v.end());
        if (std::adjacent_find(v.begin(), v.end()) != v.end())
            return std::unexpected(problem("A volunteer is listed twice on this repair"));
    }
    if (r.item == ItemKind::bicycle) {
        if (!r.component) return std::unexpected(problem("A bicycle repair needs the component worked on"));
        if (r.category) return std::unexpected(problem("A bicycle has no ORDS category: it goes to the unpowered summary"));
    } else {
        if (r.bike) return std::unexpected(problem("A repair on a bike of the register is a bicycle repair"));
        if (!r.category) return std::unexpected(problem("A powered item needs its ORDS category (1-40)"));
        if (!ords_category(*r.category))
            return std::unexpected(problem("Unknown ORDS category \"{0}\": give its number (1-40) or its name, "
                                           "e.g. \"Decorative or safety lights\"",
                                           {std::to_string(*r.category)}));
        r.component.reset();
    }
    if (r.barrier && r.status != RepairStatus::end_of_life)
        return std::unexpected(problem("A barrier is only given when the item is at its end of life"));
    if (r.minutes <= 0) return std::unexpected(problem("The time spent must be at least one minute"));
    if (r.minutes > kMaxRepairMinutes)
        return std::unexpected(problem("{0} minutes is too long for one repair: at most {1}",
                                       {std::to_string(r.minutes), std::to_string(kMaxRepairMinutes)}));
    if (r.year) {
        const int this_year = static_cast<int>(today.year());
        if (*r.year < 1900 || *r.year > this_year)
            return std::unexpected(problem("The year of manufacture must be between 1900 and {0}", {std::to_string(this_year)}));
        if (r.day.ok() && *r.year > static_cast<int>(r.day.year()))
            return std::unexpected(problem("The year of manufacture must be between 1900 and {0}",
                                           {std::to_string(static_cast<int>(r.day.year()))}));
    }
    if (!r.day.ok()) return std::unexpected(problem("The repair date is not a real day"));
    if (r.day > today) return std::unexpected(problem("A repair cannot be logged in the future"));
    struct Field {
        std::string* text;
        std::size_t max;
        bool multiline;
        const FieldMessages& msgs;
    };
    for (const Field& f : {Field{&r.brand, kMaxRepairWord, false, brand_messages()}, Field{&r.model, kMaxRepairWord, false, model_messages()},
                           Field{&r.partner_category, kMaxRepairWord, false, category_messages()},
                           Field{&r.problem, kMaxRepairText, true, problem_messages()}, Field{&r.done, kMaxRepairText, true, done_messages()},
                           Field{&r.notes, kMaxRepairText, true, notes_messages()}}) {
        auto t = clean_text(*f.text, f.max, f.multiline, f.msgs);
        if (!t) return std::unexpected(t.error());
        *f.text = std::move(*t);
    }
    if (r.parts.size() > kMaxParts)
        return std::unexpected(problem("At most {0} parts per repair", {std::to_string(kMaxParts)}));
    for (auto& p : r.parts) {
        auto name = clean_text(p.name, kMaxRepairWord, false, part_messages());
        if (!name) return std::unexpected(name.error());
        if (name->empty() || name->find(':') != std::string::npos)
            return std::unexpected(problem(
                "\"{0}\" is not a part: write name:new, name:salvaged or name:salvaged:donor, e.g. \"wheel:salvaged:donor-12\"",
                {p.name}));
        p.name = std::move(*name);
        if (p.donor) {
            if (!p.salvaged) return std::unexpected(problem("Only a salvaged part has a donor"));
            auto d = clean_text(*p.donor, kMaxRepairWord, false, donor_messages());
            if (!d) return std::unexpected(d.error());
            if (d->empty()) p.donor.reset();
            else p.donor = std::move(*d);
        }
    }
    return r;
}

// [SECTION] PII
namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool is_email_local(unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_email_domain(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }

// The e-mail around the '@' at `at`, as [begin, end), or an empty range.
std::pair<std::size_t, std::size_t> email_at(std::string_view s, std::size_t at) {
    std::size_t b = at;
    while (b > 0 && is_email_local(static_cast<unsigned char>(s[b - 1]))) --b;
    std::size_t e = at + 1;
    while (e < s.size() && is_email_domain(static_cast<unsigned char>(s[e]))) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;  // a full stop ends the sentence
    const auto domain = s.substr(at + 1, e - at - 1);
    const auto dot = domain.rfind('.');
    if (b == at || domain.empty() || dot == std::string_view::npos || dot == 0 || domain.size() - dot < 3)
        return {0, 0};
    return {b, e};
}

// A phone number starting at `i` (a digit, '+' or '('), as its end, or `i` when none: at
// least nine digits, separated by single blanks, dots, dashes or brackets.
std::size_t phone_at(std::string_view s, std::size_t i) {
    std::size_t j = i;
    int digits = 0;
    if (s[j] == '+') ++j;
    std::size_t end = i;
    int seps = 0;
    char kind = 0;  // the one separator of the number (blank, dot or dash), brackets aside
    while (j < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[j]);
        if (std::isdigit(c)) {
            ++digits;
            seps = 0;
            ++j;
            end = j;
        } else if ((c == '(' || c == ')') && seps < 2) {
            ++seps;
            ++j;
        } else if ((c == ' ' || c == '.' || c == '-') && seps < 2 && (kind == 0 || kind == static_cast<char>(c))) {
            // A second kind of separator ends the number: "2026-11-28 14:00" is a date and a
            // time, not a phone.
            kind = static_cast<char>(c);
            ++seps;
            ++j;
        } else {
            break;
        }
    }
    if (end < s.size() && std::isalpha(static_cast<unsigned char>(s[end]))) return i;  // "123456789abc": a code
    return digits >= 9 ? end : i;
}

}  // namespace

PiiStripper::PiiStripper(const std::vector<std::string>& names) {
    for (const auto& n : names) {
        std::size_t a = 0;
        while (a < n.size()) {
            while (a < n.size() && !is_word_byte(static_cast<unsigned char>(n[a]))) ++a;
            std::size_t b = a;
            while (b < n.size() && is_word_byte(static_cast<unsigned char>(n[b]))) ++b;
            if (b - a >= 3) m_words.push_back(lower_ascii(n.substr(a, b - a)));
            a = b;
        }
    }
    std::sort(m_words.begin(), m_words.end());
    m_words.erase(std::unique(m_words.begin(), m_words.end()), m_words.end());
}

std::string PiiStripper::strip(std::string_view s, bool& changed) const {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    std::string word;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const bool starts_token = i == 0 || !is_word_byte(static_cast<unsigned char>(s[i - 1]));
        // E-mail: find its '@' within the token that starts here.
        if (starts_token && is_email_local(c)) {
            std::size_t j = i;
            while (j < s.size() && is_email_local(static_cast<unsigned char>(s[j]))) ++j;
            if (j < s.size() && s[j] == '@') {
                const auto [b, e] = email_at(s, j);
                if (e > b && b == i) {
                    out += "[email]";
                    changed = true;
                    i = e;
                    continue;
                }
            }
        }
        if (starts_token && (std::isdigit(c) || c == '+' || c == '(')) {
            const std::size_t e = phone_at(s, i);
            if (e > i) {
                out += "[phone]";
                changed = true;
                i = e;
                continue;
            }
        }
        if (starts_token && is_word_byte(c) && !std::isdigit(c)) {
            std::size_t e = i;
            while (e < s.size() && is_word_byte(static_cast<unsigned char>(s[e]))) ++e;
            word = lower_ascii(s.substr(i, e - i));
            if (e - i >= 3 && std::binary_search(m_words.begin(), m_words.end(), word)) {
                out += "[name]";
                changed = true;
            } else {
                out.append(s.substr(i, e - i));
            }
            i = e;
            continue;
        }
        out += s[i];
        ++i;
    }
    return out;
}

}  // namespace etabli::core
