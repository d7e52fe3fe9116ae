// Know-how cards: field checks, ordering, and the Markdown import. The parser reads one
// line at a time and keeps only what a card needs (title, steps, photos); any other Markdown
// is kept as text. Layer: core (pure). Any thread.
#include <etabli/core/know_how.hpp>

#include "text_checks.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace etabli::core {

using text_checks::trim;

std::string_view to_string(CardState s) {
    switch (s) {
        case CardState::suggested: return "suggested";
        case CardState::published: return "published";
        case CardState::rejected: return "rejected";
    }
    return "?";
}

std::optional<CardState> card_state_from_string(std::string_view s) {
    if (s == "suggested") return CardState::suggested;
    if (s == "published") return CardState::published;
    if (s == "rejected") return CardState::rejected;
    return std::nullopt;
}

std::expected<std::string, Problem> normalize_photo_path(std::string_view raw) {
    if (auto p = text_checks::relative_path(raw, kMaxPhotoPath)) return *p;
    const std::string s(trim(raw));
    return std::unexpected(problem("The photo \"{0}\" must be a file name relative to the cards folder", {s.substr(0, 80)}));
}

std::expected<Card, Problem> validate_card(Card c) {
    auto title = text_checks::clean_line(c.title, kMaxCardTitle);
    if (!title || title->empty())
        return std::unexpected(problem("A card needs a title of 1 to {0} characters", {std::to_string(kMaxCardTitle)}));
    c.title = *title;
    std::vector<CardStep> steps;
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
        auto text = text_checks::clean_text(c.steps[i].text, kMaxStepText, true);
        if (!text)
            return std::unexpected(problem("Step {0} is not text of at most {1} characters",
                                           {std::to_string(i + 1), std::to_string(kMaxStepText)}));
        CardStep s{*text, std::nullopt};
        if (c.steps[i].photo && !trim(*c.steps[i].photo).empty()) {
            auto p = normalize_photo_path(*c.steps[i].photo);
            if (!p) return std::unexpected(p.error());
            s.photo = *p;
        }
        if (s.text.empty() && !s.photo) continue;
        steps.push_back(std::move(s));
    }
    if (steps.empty()) return std::unexpected(problem("A card needs at least one step"));
    if (steps.size() > kMaxCardSteps)
        return std::unexpected(problem("A card has at most {0} steps", {std::to_string(kMaxCardSteps)}));
    c.steps = std::move(steps);
    auto dedupe = [](auto& v) {
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    dedupe(c.skills);
    dedupe(c.machines);
    dedupe(c.tools);
    return c;
}

void order_cards(std::vector<Card>& cards) {
    std::sort(cards.begin(), cards.end(), [](const Card& a, const Card& b) {
        if (a.helped != b.helped) return a.helped > b.helped;
        if (a.title != b.title) return a.title < b.title;
        return a.id < b.id;
    });
}

// [SECTION] Markdown
namespace {

Problem at_line(std::size_t line, std::string msgid, std::vector<std::string> more = {}) {
    std::vector<std::string> args{std::to_string(line)};
    for (auto& m : more) args.push_back(std::move(m));
    return problem(std::move(msgid), std::move(args));
}

// "- x", "* x", "+ x", "12. x", "3) x": the item's text, or nullopt.
std::optional<std::string_view> list_item(std::string_view t) {
    if (t.size() >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') return trim(t.substr(2));
    std::size_t i = 0;
    while (i < t.size() && i < 9 && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    if (i > 0 && i + 1 < t.size() && (t[i] == '.' || t[i] == ')') && t[i + 1] == ' ') return trim(t.substr(i + 2));
    return std::nullopt;
}

// "## x" … "###### x" (and "# x" when `level1`): the heading's text, or nullopt.
std::optional<std::string_view> heading(std::string_view t, bool level1) {
    std::size_t i = 0;
    while (i < t.size() && t[i] == '#') ++i;
    if (i == 0 || i > 6 || (i == 1) != level1) return std::nullopt;
    if (i == t.size()) return std::string_view{};
    if (t[i] != ' ') return std::nullopt;
    auto rest = trim(t.substr(i));
    while (!rest.empty() && rest.back() == '#') rest.remove_suffix(1);  // "## Title ##"
    return trim(rest);
}

// Takes every "![alt](path)" out of `text`; returns the photos' paths and alts.
struct Image {
    std::string alt, path;
};
std::vector<Image> take_images(std::string& text) {
    std::vector<Image> out;
    for (;;) {
        const auto open = text.find("![");
        if (open == std::string::npos) break;
        const auto mid = text.find("](", open + 2);
        if (mid == std::string::npos) break;
        const auto close = text.find(')', mid + 2);
        if (close == std::string::npos) break;
        Image img{text.substr(open + 2, mid - open - 2), text.substr(mid + 2, close - mid - 2)};
        // `![alt](path "title")`: the title is not part of the path.
        if (auto q = img.path.find(" \""); q != std::string::npos) img.path.resize(q);
        out.push_back(std::move(img));
        text.erase(open, close + 1 - open);
    }
    return out;
}

}  // namespace

std::expected<CardText, Problem> parse_card_markdown(std::string_view text, bool require_title) {
    if (text.size() > kMaxCardFileBytes)
        return std::unexpected(problem("The card file is larger than {0} KiB", {std::to_string(kMaxCardFileBytes / 1024)}));
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    CardText card;
    bool in_section = false;  // the current step is a "## " section: paragraphs add to it
    bool prev_blank = true;
    std::size_t line_no = 0;
    auto new_step = [&](std::string t, std::size_t line) -> std::optional<Problem> {
        if (card.steps.size() >= kMaxCardSteps)
            return at_line(line, "Line {0}: a card has at most {1} steps", {std::to_string(kMaxCardSteps)});
        card.steps.push_back(CardStep{std::move(t), std::nullopt});
        return std::nullopt;
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view raw = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++line_no;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (!utf8_length(raw)) return std::unexpected(at_line(line_no, "Line {0}: the file is not valid UTF-8 text"));
        for (char ch : raw) {
            const auto u = static_cast<unsigned char>(ch);
            if ((u < 0x20 && ch != '\t') || u == 0x7f)
                return std::unexpected(at_line(line_no, "Line {0}: the file holds a control character"));
        }
        const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
        const std::string_view t = trim(raw);
        if (t.empty()) {
            prev_blank = true;
            continue;
        }
        std::string body;
        bool starts_step = false;
        if (auto h = heading(t, true); h && !indented) {
            if (card.title_line == 0) {
                auto title = text_checks::clean_line(*h, kMaxCardTitle);
                if (!title)
                    return std::unexpected(at_line(line_no, "Line {0}: the title is longer than {1} characters",
                                                   {std::to_string(kMaxCardTitle)}));
                if (title->empty()) return std::unexpected(at_line(line_no, "Line {0}: the title is empty"));
                card.title = *title;
                card.title_line = line_no;
                in_section = false;
                prev_blank = true;
                continue;
            }
            body = std::string(*h);  // a second title reads as a section
            starts_step = true;
            in_section = true;
        } else if (auto h2 = heading(t, false); h2 && !indented) {
            body = std::string(*h2);
            starts_step = true;
            in_section = true;
        } else if (auto item = list_item(t)) {
            body = std::string(*item);
            starts_step = true;
            in_section = false;
        } else {
            body = std::string(t);
        }
        const bool was_blank = std::exchange(prev_blank, false);
        auto images = take_images(body);
        body = std::string(trim(body));
        if (starts_step) {
            if (auto p = new_step(body, line_no)) return std::unexpected(*p);
        } else if (!body.empty()) {
            if (!card.steps.empty() && (!was_blank || indented || in_section)) {
                auto& s = card.steps.back().text;
                if (!s.empty()) s += '\n';
                s += body;
            } else {
                if (auto p = new_step(body, line_no)) return std::unexpected(*p);
                in_section = false;
            }
        }
        for (auto& img : images) {
            auto path = normalize_photo_path(img.path);
            if (!path)
                return std::unexpected(at_line(line_no, "Line {0}: the photo \"{1}\" must be a file name relative to the cards folder",
                                               {std::string(trim(img.path)).substr(0, 80)}));
            if (card.steps.empty() || card.steps.back().photo) {
                if (auto p = new_step(std::string(trim(img.alt)), line_no)) return std::unexpected(*p);
            }
            card.steps.back().photo = *path;
        }
        if (!card.steps.empty()) {
            const auto len = utf8_length(card.steps.back().text);
            if (!len || *len > kMaxStepText)
                return std::unexpected(at_line(line_no, "Line {0}: a step is longer than {1} characters",
                                               {std::to_string(kMaxStepText)}));
        }
    }
    // An empty heading or list item ("##", "- ") says nothing: it is not a step.
    std::erase_if(card.steps, [](const CardStep& s) { return s.text.empty() && !s.photo; });
    if (require_title && card.title_line == 0)
        return std::unexpected(problem("The card has no title: its first heading must be a line starting with \"# \""));
    if (card.steps.empty())
        return std::unexpected(problem("The card has no steps: write them as a list or as \"## \" sections"));
    return card;
}

}  // namespace etabli::core
