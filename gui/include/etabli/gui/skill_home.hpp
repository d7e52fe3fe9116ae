// The member home's know-how suggestions: up to three published cards linked to the
// skills the member is learning (level 1, a lapsed grant, or a training they signed up for),
// most helped first, drawn as one row of buttons under the greeting; tapping one opens the
// card in the skills screens.
// Layer: gui (app snapshots in). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/know.hpp>
#include <etabli/app/skills_view.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/skills.hpp>

#include <cstddef>
#include <vector>

namespace etabli::gui {

inline constexpr std::size_t kHomeCardsMax = 3;

// The skills `member` is learning: effective level 1 (initiated, or lapsed back to it), a
// lapsed grant, or a training not cancelled nor granted yet where they hold a place (waiting
// list included). Sorted by id, no duplicates.
std::vector<core::SkillId> learning_skills(const app::SkillsView* skills, const app::KnowView* know,
                                           core::MemberId member);

// Up to kHomeCardsMax published cards of those skills, most helped first (ties: the
// station's order, KnowView::cards); empty when there is nothing to suggest.
std::vector<HomeCard> home_card_suggestions(const app::SkillsView* skills, const app::KnowView* know,
                                            core::MemberId member);

// "To learn:" and one button per card on one row of touch height from (x, y), width w.
// Returns the index of the card tapped, or -1. Leaves the cursor below the row. Ids:
// learn/<card>/open (inside the caller's scope).
int draw_home_cards(const std::vector<HomeCard>& cards, const Tr& tr, float x, float y, float w);

// The skills screens opened on a suggested card: Back goes to the cards of its skill, whose
// Back returns to the caller's screen.
void open_home_card(SkillsUi& ui, const HomeCard& card);

}  // namespace etabli::gui
