// The member home's know-how suggestions (see skill_home.hpp): which skills a member is
// learning, the cards of those skills, the row of buttons under the greeting, and opening
// the skills screens on a card.
// Layer: gui. GUI thread only (inside an ImGui frame for the drawing).
#include <etabli/gui/skill_home.hpp>

#include "kit.hpp"

#include <algorithm>
#include <set>

namespace etabli::gui {

using namespace kit;

std::vector<core::SkillId> learning_skills(const app::SkillsView* skills, const app::KnowView* know,
                                           core::MemberId member) {
    std::set<core::SkillId> out;
    if (skills)
        for (const auto* l : skills->of_member(member))
            // An expired grant is not learning: the member is back to level 0 until a trainer
            // signs again, and a training sign-up below brings the skill back in.
            if ((l->level.level == core::kLevelLearning || l->level.lapsed) && !l->level.expired) out.insert(l->skill);
    if (know)
        for (const auto& t : know->trainings)
            if (!t.training.cancelled && !t.training.granted_at && t.place_of(member)) out.insert(t.training.skill);
    return {out.begin(), out.end()};
}

std::vector<HomeCard> home_card_suggestions(const app::SkillsView* skills, const app::KnowView* know,
                                            core::MemberId member) {
    std::vector<HomeCard> out;
    if (!know) return out;
    const auto learning = learning_skills(skills, know, member);
    if (learning.empty()) return out;
    // Indices into KnowView::cards (published only), each card once, under the first of its
    // learnt skills.
    std::vector<std::pair<std::size_t, core::SkillId>> found;
    for (core::SkillId s : learning) {
        auto it = know->cards_by_skill.find(s);
        if (it == know->cards_by_skill.end()) continue;
        for (std::size_t i : it->second) {
            if (i >= know->cards.size()) continue;
            if (std::none_of(found.begin(), found.end(), [&](const auto& f) { return f.first == i; })) found.emplace_back(i, s);
        }
    }
    // The station already orders the cards most helped first; sorting again by the count keeps
    // the rule true for a snapshot built otherwise (tests, an older station).
    std::stable_sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
        const int ha = know->cards[a.first].card.helped, hb = know->cards[b.first].card.helped;
        return ha != hb ? ha > hb : a.first < b.first;
    });
    for (const auto& [i, s] : found) {
        if (out.size() == kHomeCardsMax) break;
        const core::Card& c = know->cards[i].card;
        out.push_back(HomeCard{c.id, s, c.title});
    }
    return out;
}

int draw_home_cards(const std::vector<HomeCard>& cards, const Tr& tr, float x, float y, float w) {
    if (cards.empty()) return -1;
    IdScope scope("learn");
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    // The label takes what it needs up to a third of the row; the cards share the rest, each
    // at most half of the row so one card does not read as a banner (two share it whole: a
    // title cut at a third of the row was the common case).
    const std::string label = tr("To learn:");
    const float label_w = std::min(ImGui::CalcTextSize(label.c_str()).x + fs * 0.5f, w * 0.36f);
    at(x, y + (th - fs) * 0.5f);
    text_block(ellipsize(label, label_w), "label", label_w, Align::left, nullptr, colors::kAccent);
    const float n = static_cast<float>(cards.size());
    const float room = w - label_w - gap();
    const float bw = std::min((room - (n - 1) * gap()) / n, w / 2.0f);
    // A title wraps (larger text, narrow cards) on up to three lines, the row as tall as the
    // longest; one longer still ends with "…" on its third.
    constexpr std::size_t kMaxLines = 3;
    std::vector<std::string> titles;
    float h = th;
    for (const auto& card : cards) {
        std::string t = ellipsize_lines(card.title, bw - fs * 0.7f, kMaxLines);
        h = std::max(h, label_height(t, bw, th));
        titles.push_back(std::move(t));
    }
    int tapped = -1;
    for (std::size_t i = 0; i < cards.size(); ++i) {
        IdScope id(cards[i].card);
        at(x + label_w + gap() + static_cast<float>(i) * (bw + gap()), y);
        if (button(titles[i], "open", ImVec2(bw, h))) tapped = static_cast<int>(i);
    }
    at(x, y + h);
    return tapped;
}

void open_home_card(SkillsUi& ui, const HomeCard& card) {
    ui = skills_cards(0, 0);
    ui.card_skill = card.skill;
    ui.card = card.card;
    ui.step_page = 0;
    ui.back_to = SkillsUi::Step::cards;
    ui.step = SkillsUi::Step::card;
}

}  // namespace etabli::gui
