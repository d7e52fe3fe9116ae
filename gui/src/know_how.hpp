// The know-how card screens of the kiosk, drawn from the skills screens (skills.cpp):
// the card list, the viewer with "This helped me", writing or suggesting a card on the
// on-screen keyboard, and the review of suggested cards; plus the helpers the two files
// share. Private to the gui target (not under include/).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/gui/skills.hpp>

#include "kit.hpp"

#include <optional>
#include <string>

namespace etabli::gui {

Next draw_cards(const SkillsScreenView& v, SkillsUi& ui, Commands& out);
Next draw_card(const SkillsScreenView& v, SkillsUi& ui, Commands& out);
Next draw_card_write(const SkillsScreenView& v, SkillsUi& ui, Commands& out);
Next draw_card_review(const SkillsScreenView& v, SkillsUi& ui, Commands& out);
// An empty draft: a title to type, then steps.
void start_card_draft(SkillsUi& ui);

// Helpers shared by skills.cpp and know_how.cpp (defined in skills.cpp).
namespace skills_detail {
void go(SkillsUi& ui, SkillsUi::Step step);
// Title, an optional extra button and Back; 1: Back, 2: the extra button.
int header(const SkillsScreenView& v, const kit::Box& c, std::string_view title, const std::string& extra,
           const char* extra_id);
struct Paging {
    int per_page = 1;
    int pages = 1;
    bool pager = false;
};
Paging paging(std::size_t count, float h, float row_h, int& page);
void draw_pager(int& page, const Paging& p, const kit::Box& b);
void post(SkillsUi& ui, Commands& out, app::Command c, std::string ok_text, std::optional<SkillsUi::Step> after = {});
std::string skill_name(const SkillsScreenView& v, core::SkillId id);
}  // namespace skills_detail

}  // namespace etabli::gui
