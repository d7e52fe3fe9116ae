// The repair log: what a volunteer repaired, for whom, with which parts and how long it
// took, in the vocabulary of the Open Repair Data Standard (status, barrier, the 40 product
// categories) plus the bicycle detail ORDS does not carry (component, parts, donor bikes).
// Also the parsing of every field that arrives as text (CLI options, kiosk chips) and the
// removal of personal data from free texts before they leave the workshop.
// Layer: core (pure: no I/O, no clock; `today` is an argument). Any thread.
#pragma once

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

using RepairId = std::int64_t;

// A bicycle (unpowered) or a powered item with its ORDS category. ORDS row-level data covers
// powered items only; bicycles go to the unpowered summary (see ords.hpp).
enum class ItemKind { bicycle, powered };
std::string_view to_string(ItemKind k);  // "bicycle", "powered"
std::expected<ItemKind, Problem> parse_item_kind(std::string_view text);

// The part of a bicycle that was worked on. `wheel` covers wheel, tyre and tube; `gears`
// covers gears and drivetrain.
enum class Component { wheel, brakes, gears, chain, bottom_bracket, headset, frame, other };
inline constexpr Component kComponents[] = {Component::wheel,          Component::brakes,  Component::gears,
                                            Component::chain,          Component::bottom_bracket,
                                            Component::headset,        Component::frame,   Component::other};
std::string_view to_string(Component c);     // "wheel", "bottom-bracket"…
std::string_view label_of(Component c);      // English msgid for people: "Wheel, tyre, tube"
std::expected<Component, Problem> parse_component(std::string_view text);

// ORDS repair_status.
enum class RepairStatus { fixed, repairable, end_of_life, unknown };
inline constexpr RepairStatus kStatuses[] = {RepairStatus::fixed, RepairStatus::repairable,
                                             RepairStatus::end_of_life, RepairStatus::unknown};
std::string_view to_string(RepairStatus s);  // "fixed", "repairable", "end-of-life", "unknown"
std::string_view ords_text(RepairStatus s);  // "Fixed", "Repairable", "End of life", "Unknown"
// Accepts the short words and the ORDS spellings, any case ("end of life", "End-of-life").
std::expected<RepairStatus, Problem> parse_status(std::string_view text);

// ORDS repair_barrier_if_end_of_life.
enum class Barrier {
    parts_not_available,
    parts_too_expensive,
    no_way_to_open,
    no_information,
    lack_of_equipment,
    too_worn_out,
};
inline constexpr Barrier kBarriers[] = {Barrier::parts_not_available, Barrier::parts_too_expensive,
                                        Barrier::no_way_to_open,      Barrier::no_information,
                                        Barrier::lack_of_equipment,   Barrier::too_worn_out};
std::string_view to_string(Barrier b);  // "parts-not-available"…
std::string_view ords_text(Barrier b);  // "Spare parts not available"…
std::expected<Barrier, Problem> parse_barrier(std::string_view text);

// The 40 ORDS product categories, by id 1–40, spelled as the published CSV spells them.
struct OrdsCategory {
    int id = 0;
    std::string_view name;
};
const std::vector<OrdsCategory>& ords_categories();
std::optional<OrdsCategory> ords_category(int id);
// By id ("3"), by name (any case, slashes with or without spaces) or by a bike workshop's
// words: "bike light(s)" → 3 Decorative or safety lights, "e-bike battery" → 18 Misc.
std::expected<OrdsCategory, Problem> parse_category(std::string_view text);

// A part used: new, or salvaged from a donor ("donor bike #12" → donor "donor-12").
struct Part {
    std::string name;
    bool salvaged = false;
    std::optional<std::string> donor;
    bool operator==(const Part&) const = default;
};
// "brake pads:new", "wheel:salvaged", "wheel:salvaged:donor-12".
std::expected<Part, Problem> parse_part(std::string_view text);
std::string format_part(const Part& p);  // the same syntax back

struct Repair {
    RepairId id = 0;                      // 0 until stored
    Date day{};                           // local date of the repair (ORDS event_date)
    Timestamp logged_at{};                // when it was first stored
    Timestamp updated_at{};
    std::vector<MemberId> volunteers;     // who did it; at least one
    std::optional<MemberId> owner;        // none: an anonymous visitor
    ItemKind item = ItemKind::bicycle;
    std::optional<Component> component;  // bicycles only
    std::optional<int> category;          // ORDS id, powered items only
    std::string partner_category;         // the workshop's own words, optional
    std::string brand, model;
    std::optional<int> year;              // of manufacture, may be an estimate
    std::string problem;                  // the fault
    std::string done;                     // what was done
    RepairStatus status = RepairStatus::unknown;
    std::optional<Barrier> barrier;       // only with end_of_life
    int minutes = 0;                      // time spent
    std::vector<Part> parts;
    std::string notes;
    std::optional<std::int64_t> bike;     // the register's bike it was done on (core::BikeId)
    bool operator==(const Repair&) const = default;
};

// Limits of the free fields (also the kiosk's keyboard limits).
inline constexpr int kMaxRepairMinutes = 12 * 60;  // a longer "repair" is a typo (minutes for hours)
inline constexpr std::size_t kMaxRepairText = 1000;  // code points, problem/done/notes
inline constexpr std::size_t kMaxRepairWord = 80;    // brand, model, part names, category words
inline constexpr std::size_t kMaxParts = 20;

// Checks and tidies a record (texts trimmed, brand/model folded): bicycle ⇔ component,
// powered ⇔ a known category, a barrier only with End of life, minutes in 1..kMaxRepairMinutes,
// year between 1900 and `today`'s year, at least one volunteer, no one twice, texts valid
// UTF-8 without control characters (a newline is kept in texts). The first problem found is
// returned. Whether the volunteers exist is the station's check (it has the directory).
std::expected<Repair, Problem> validate_repair(Repair r, Date today);

// Personal data in free texts: member names (whole words of at least three letters of their
// display names, any case), e-mail addresses and phone numbers (French "06 12 34 56 78",
// "06.12.34.56.78", "0612345678", "+33 6 12 34 56 78", "+33 (0)6…", "0033…", and any run of at
// least nine digits with blanks, dots, dashes or brackets) are replaced by [name], [email],
// [phone]. Built once per export (the names are indexed), then applied to many texts.
class PiiStripper {
public:
    explicit PiiStripper(const std::vector<std::string>& names);
    // The text with personal data replaced; `changed` is set when anything was replaced.
    std::string strip(std::string_view text, bool& changed) const;

private:
    std::vector<std::string> m_words;  // lower-cased name words, sorted, unique
};

}  // namespace etabli::core
