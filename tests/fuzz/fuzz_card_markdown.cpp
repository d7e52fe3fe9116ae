// Fuzz target: a know-how card file from outside. A parsed card keeps every cap: at most
// 50 steps, a title of 1-120 code points when required, valid UTF-8 everywhere, photo paths
// that pass normalize_photo_path, and validate_card accepts what the parser produced once
// a title is given.
#include <etabli/core/know_how.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool require_title : {true, false}) {
        auto card = parse_card_markdown(text, require_title);
        if (!card) continue;
        if (card->steps.empty() || card->steps.size() > kMaxCardSteps) std::abort();
        if (require_title && (card->title.empty() || card->title_line == 0)) std::abort();
        auto tl = utf8_length(card->title);
        if (!tl || *tl > kMaxCardTitle) std::abort();
        for (const auto& s : card->steps) {
            auto l = utf8_length(s.text);
            if (!l || *l > kMaxStepText) std::abort();
            if (s.photo && normalize_photo_path(*s.photo).value_or("") != *s.photo) std::abort();
        }
        Card c;
        c.title = card->title.empty() ? "T" : card->title;
        c.steps = card->steps;
        if (!validate_card(c)) std::abort();
    }
    return 0;
}
