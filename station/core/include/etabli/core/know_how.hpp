// Know-how cards: short how-tos (title, ordered steps with an optional photo each) linked
// to skills, tools and machines; published, or suggested by a member and waiting for a
// volunteer's or host's review; a "this helped me" counter (one per member) orders them.
// Also the Markdown import: `# Title`, then list items or `## ` sections as steps, `![…](path)`
// as the photo of a step. Input is hostile: size caps, UTF-8 checked, errors with line numbers.
// Layer: core (pure). Any thread (the CLI parses files on its main thread).
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>
#include <etabli/core/trainings.hpp>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

using CardId = std::int64_t;

inline constexpr std::size_t kMaxCardFileBytes = 64 * 1024;
inline constexpr std::size_t kMaxCardSteps = 50;
inline constexpr std::size_t kMaxCardTitle = 120;      // characters (code points)
inline constexpr std::size_t kMaxStepText = 2000;      // characters
inline constexpr std::size_t kMaxPhotoPath = 255;      // bytes

enum class CardState { suggested, published, rejected };
std::string_view to_string(CardState s);
std::optional<CardState> card_state_from_string(std::string_view);

struct CardStep {
    std::string text;
    std::optional<std::string> photo;  // a relative path (under the workshop's photo folder)
};

struct Card {
    CardId id = 0;
    std::string title;
    std::vector<CardStep> steps;
    std::vector<SkillId> skills;
    std::vector<std::int64_t> machines;  // alloc::MachineId
    std::vector<std::int64_t> tools;     // core::ToolId
    CardState state = CardState::published;
    std::optional<MemberId> author;      // empty: the command line
    std::optional<MemberId> reviewer;    // who published or rejected it
    Timestamp created_at{}, updated_at{};
    int helped = 0;                      // "this helped me" count (one per member)
};

// What a Markdown file gives: a title (may be empty when the file has none: the caller may
// supply one) and the steps.
struct CardText {
    std::string title;
    std::size_t title_line = 0;  // 1-based; 0: no title
    std::vector<CardStep> steps;
};

// Parses a card written in Markdown. Refused (Problem with a line number where one applies):
// larger than kMaxCardFileBytes; not valid UTF-8 ("Line {0}: …"); a control character; more
// than kMaxCardSteps steps; a title or step too long; a photo path that is absolute, climbs
// out with "..", or is too long. `require_title`: a file without a "# " heading is refused.
std::expected<CardText, Problem> parse_card_markdown(std::string_view text, bool require_title = true);

// Field checks of a card from any source (kiosk, CLI, import): title 1..120 characters, 1..50
// steps each 1..2000 characters, valid UTF-8, no control characters but newlines in steps;
// photo paths as above. Trims blanks; drops empty steps.
std::expected<Card, Problem> validate_card(Card c);

// Checks a photo path: relative, no "..", no control characters, <= kMaxPhotoPath bytes.
std::expected<std::string, Problem> normalize_photo_path(std::string_view raw);

// Cards ordered for a list: most helped first, then title, then id.
void order_cards(std::vector<Card>& cards);

}  // namespace etabli::core
