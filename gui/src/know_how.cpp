// The kiosk's know-how cards (see know_how.hpp): the list (of a machine, a tool, a skill,
// or all), most helped first; the viewer, a page of steps at a time, photos named by their
// file (the kiosk loads no images), "This helped me"; writing a card (members suggest,
// volunteers and hosts publish); the review of suggested cards.
// Layer: gui. GUI thread only (inside an ImGui frame).
#include "know_how.hpp"

#include <algorithm>
#include <cmath>

namespace etabli::gui {

using namespace kit;
using namespace skills_detail;
using Step = SkillsUi::Step;

namespace {

constexpr std::size_t kTitleChars = 120;  // core::kMaxCardTitle
constexpr std::size_t kStepChars = 300;   // a step typed at the kiosk; the Markdown import allows more

bool reviewer(const SkillsScreenView& v) { return v.viewer.role != core::Role::member; }

std::string filter_name(const SkillsScreenView& v, const SkillsUi& ui) {
    if (ui.machine)
        for (const auto& m : v.snap->machines)
            if (m.machine.id == ui.machine) return m.machine.name;
    if (ui.tool && v.snap->tools)
        if (const auto* t = v.snap->tools->find(ui.tool)) return t->name;
    if (ui.card_skill) return skill_name(v, ui.card_skill);
    return {};
}

std::vector<const app::CardView*> listed_cards(const SkillsScreenView& v, const SkillsUi& ui) {
    std::vector<const app::CardView*> out;
    if (!v.know) return out;
    if (ui.machine) return v.know->cards_for_machine(ui.machine);
    if (ui.tool) return v.know->cards_for_tool(ui.tool);
    if (ui.card_skill) return v.know->cards_for_skill(ui.card_skill);
    for (const auto& c : v.know->cards) out.push_back(&c);
    return out;
}

std::string card_caption(const SkillsScreenView& v, const app::CardView& c) {
    std::string s = v.tr.fmt("helped {0}", {std::to_string(c.card.helped)});
    for (const auto& n : c.skill_names) s += " · " + n;
    for (const auto& n : c.machine_names) s += " · " + n;
    for (const auto& n : c.tool_names) s += " · " + n;
    return s;
}

// Back from the card list: where it was opened from, or the caller's screen.
Next leave_cards(SkillsUi& ui) {
    if (!ui.cards_back) return Next::home;
    go(ui, *ui.cards_back);
    return Next::stay;
}

}  // namespace

void start_card_draft(SkillsUi& ui) {
    ui.draft_title.clear();
    ui.draft_steps.clear();
    ui.editing = -1;
    ui.keys = KeyboardState{true, false, false};
    ui.message.clear();
}

Next draw_cards(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("cards");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const std::string what = filter_name(v, ui);
    const std::string title = what.empty() ? v.tr("Know-how cards") : v.tr.fmt("Know-how cards: {0}", {what});
    const int r = header(v, c, title, v.tr("Write a card"), "write");
    if (r == 1) return leave_cards(ui);
    if (r == 2) {
        start_card_draft(ui);
        ui.back_to = Step::cards;
        go(ui, Step::card_write);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    if (!ui.message.empty()) {
        at(c.x, y);
        text_block(ui.message, "message", c.w, Align::left, nullptr, ui.message_ok ? colors::kOk : colors::kError);
        y = ImGui::GetCursorPosY() + gap() * 0.5f;
    }
    const auto cards = listed_cards(v, ui);
    const std::size_t to_review = v.know ? v.know->suggested.size() : 0;
    const bool review = reviewer(v) && to_review > 0;
    // The bottom row holds the pager and the review button; the list takes the rest.
    const float bottom_h = review ? th + gap() : 0.0f;
    const Box b{c.x, y, c.w, c.y + c.h - y - bottom_h};
    const float rh = std::max(th * 1.3f, fs * 2.7f);
    const Paging p = paging(cards.size(), b.h, rh, ui.page);
    if (cards.empty()) {
        at(c.x, y);
        text_block(v.tr("No card yet. Write the first one!"), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    {
        IdScope list("list");
        for (int i = 0; i < p.per_page; ++i) {
            const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
            if (k >= cards.size()) break;
            const app::CardView& cv = *cards[k];
            IdScope id(cv.card.id);
            at(c.x, y + static_cast<float>(i) * (rh + gap()));
            ButtonOpts o;
            o.caption = ellipsize(card_caption(v, cv), c.w - fs * 1.4f);
            if (button(ellipsize(cv.card.title, c.w - fs * 1.4f), "open", ImVec2(c.w, rh), o)) {
                ui.card = cv.card.id;
                ui.step_page = 0;
                ui.back_to = Step::cards;
                go(ui, Step::card);
            }
        }
    }
    if (p.pager) {
        // With a review button, the pager moves to the bottom row beside it.
        draw_pager(ui.page, p, Box{c.x, b.y, c.w, c.y + c.h - b.y});
    }
    if (review) {
        const std::string label = v.tr.fmt("To review ({0})", {std::to_string(to_review)});
        const float w = button_width(label, 6.0f);
        at(c.x + c.w - w, c.y + c.h - th);
        if (button(label, "review", ImVec2(w, th))) go(ui, Step::card_review);
    }
    return Next::stay;
}

Next draw_card(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("card");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::CardView* cv = v.know ? v.know->find_card(ui.card) : nullptr;
    if (header(v, c, cv ? cv->card.title : v.tr("Know-how cards"), {}, nullptr) == 1 || !cv) {
        go(ui, ui.back_to == Step::card ? Step::cards : ui.back_to);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    {
        const std::string by = cv->author_name.empty() ? card_caption(v, *cv)
                                                       : v.tr.fmt("By {0}", {cv->author_name}) + " · " + card_caption(v, *cv);
        at(c.x, y);
        text_block(ellipsize(by, c.w), "by", c.w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY() + fs * 0.3f;
    }
    // The steps, as many as fit on a page; a step taller than a page is cut at its bottom.
    const float foot_y = c.y + c.h - th;
    const float room = foot_y - gap() - y;
    const auto& steps = cv->card.steps;
    const float num_w = fs * 1.8f;
    const float text_w = c.w - num_w;
    // A step's photo: drawn under its text, at most a third of the page high (a card with
    // photos has fewer steps a page); its name when there is no photos folder.
    const float photo_h = std::max(fs * 3.0f, std::min(room * 0.34f, fs * 9.0f));
    auto step_h = [&](std::size_t k) {
        float h = text_block_height(steps[k].text, text_w);
        if (steps[k].photo) h += v.pictures ? photo_h + fs * 0.3f : fs * 1.3f;
        return h + fs * 0.5f;
    };
    std::vector<std::size_t> starts{0};
    {
        float used = 0;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const float h = step_h(k);
            if (used > 0 && used + h > room) {
                starts.push_back(k);
                used = 0;
            }
            used += h;
        }
    }
    const int pages = static_cast<int>(starts.size());
    ui.step_page = std::clamp(ui.step_page, 0, pages - 1);
    {
        IdScope list("steps");
        const std::size_t from = starts[static_cast<std::size_t>(ui.step_page)];
        const std::size_t to = ui.step_page + 1 < pages ? starts[static_cast<std::size_t>(ui.step_page + 1)] : steps.size();
        float sy = y;
        for (std::size_t k = from; k < to; ++k) {
            IdScope s(static_cast<std::int64_t>(k + 1));
            at(c.x, sy);
            text_block(std::to_string(k + 1) + ".", "n", num_w, Align::left, title_font(v.fonts), colors::kAccent);
            at(c.x + num_w, sy);
            text_block(steps[k].text, "text", text_w);
            if (steps[k].photo && v.pictures) {
                const float py = ImGui::GetCursorPosY() + fs * 0.3f;
                draw_picture(v.pictures->get(*steps[k].photo), c.x + num_w, py, std::min(text_w, photo_h * 1.5f), photo_h,
                             "photo", reviewer(v) ? &v.tr : nullptr);
            } else if (steps[k].photo) {
                at(c.x + num_w, ImGui::GetCursorPosY());
                text_block(ellipsize(v.tr.fmt("Photo: {0}", {*steps[k].photo}), text_w), "photo", text_w, Align::left, nullptr,
                           colors::kMuted);
            }
            sy += step_h(k);
        }
    }
    // Footer: pages of steps on the left; "This helped me" (or the review) on the right.
    const float pb = fs * 3.2f;
    if (pages > 1) {
        IdScope pg("steps_pager");
        ui.step_page = pager(ui.step_page, pages, c.x, foot_y, pb, th);
        at(c.x + 2 * pb + 2 * gap(), foot_y + (th - fs) * 0.5f);
        text_block(std::to_string(ui.step_page + 1) + " / " + std::to_string(pages), "page", fs * 4, Align::left, nullptr,
                   colors::kMuted);
    }
    if (cv->card.state == core::CardState::suggested) {
        if (reviewer(v)) {
            const std::string pub = v.tr("Publish");
            const std::string rej = v.tr("Reject");
            const float pw = button_width(pub, 5.0f);
            const float rw = button_width(rej, 5.0f);
            ButtonOpts po;
            po.tone = Tone::primary;
            po.enabled = ui.pending == 0;
            ButtonOpts ro;
            ro.tone = Tone::danger;
            ro.enabled = ui.pending == 0;
            at(c.x + c.w - pw, foot_y);
            if (button(pub, "publish", ImVec2(pw, th), po))
                post(ui, out, app::ReviewCard{cv->card.id, true, v.viewer.id}, v.tr("Card published."), Step::card_review);
            at(c.x + c.w - pw - gap() - rw, foot_y);
            if (button(rej, "reject", ImVec2(rw, th), ro))
                post(ui, out, app::ReviewCard{cv->card.id, false, v.viewer.id}, v.tr("Card rejected."), Step::card_review);
        } else {
            const std::string w = v.tr("Waiting for a host's review");
            const float ww = c.w - (pages > 1 ? 2 * pb + 2 * gap() + fs * 4 : 0.0f);
            at(c.x + c.w - ww, foot_y + (th - fs) * 0.5f);
            text_block(ellipsize(w, ww), "waiting", ww, Align::right, nullptr, colors::kMuted);
        }
        return Next::stay;
    }
    const bool helped = cv->helped_by_member(v.viewer.id);
    const std::string label = helped ? v.tr.fmt("Thanks! ({0})", {std::to_string(cv->card.helped)})
                                     : v.tr.fmt("This helped me ({0})", {std::to_string(cv->card.helped)});
    const float hw = button_width(label, 8.0f);
    at(c.x + c.w - hw, foot_y);
    ButtonOpts ho;
    ho.tone = helped ? Tone::selected : Tone::primary;
    ho.enabled = !helped && ui.pending == 0;
    if (button(label, "helped", ImVec2(hw, th), ho)) post(ui, out, app::CardHelped{cv->card.id, v.viewer.id}, {});
    return Next::stay;
}

Next draw_card_write(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("write");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const bool suggest = !reviewer(v);
    if (header(v, c, suggest ? v.tr("Suggest a card") : v.tr("Write a card"), {}, nullptr) == 1) {
        go(ui, ui.back_to == Step::card_write ? Step::cards : ui.back_to);
        return Next::stay;
    }
    ui.editing = std::clamp(ui.editing, -1, static_cast<int>(ui.draft_steps.size()) - 1);
    float y = ImGui::GetCursorPosY();
    std::string& text = ui.editing < 0 ? ui.draft_title : ui.draft_steps[static_cast<std::size_t>(ui.editing)];
    const std::string placeholder = ui.editing < 0 ? v.tr("Title: e.g. True a wheel")
                                                   : v.tr.fmt("Step {0}: what to do", {std::to_string(ui.editing + 1)});
    at(c.x, y);
    text_field(text, placeholder, "field", ImVec2(c.w, th));
    y += th + gap();

    // Navigation: the title, the previous and next step, a new step, save.
    const std::string t_label = v.tr("Title");
    const std::string add_label = v.tr("New step");
    const std::string save_label = suggest ? v.tr("Send for review") : v.tr("Publish");
    const float tw = button_width(t_label, 4.0f);
    const float aw = button_width(add_label, 5.0f);
    const float sw = button_width(save_label, 6.0f);
    const float nb = fs * 2.8f;
    float x = c.x;
    ButtonOpts to;
    to.tone = ui.editing < 0 ? Tone::selected : Tone::normal;
    at(x, y);
    if (button(t_label, "title_field", ImVec2(tw, th), to)) ui.editing = -1;
    x += tw + gap();
    ButtonOpts prev;
    prev.enabled = ui.editing >= 0;
    at(x, y);
    if (button("◀", "prev", ImVec2(nb, th), prev)) --ui.editing;
    x += nb + gap();
    ButtonOpts next;
    next.enabled = ui.editing + 1 < static_cast<int>(ui.draft_steps.size());
    at(x, y);
    if (button("▶", "next", ImVec2(nb, th), next)) ++ui.editing;
    x += nb + gap();
    ButtonOpts add;
    add.enabled = !ui.draft_title.empty() && (ui.draft_steps.empty() || !ui.draft_steps.back().empty()) && ui.draft_steps.size() < 50;
    at(x, y);
    if (button(add_label, "add", ImVec2(aw, th), add)) {
        ui.draft_steps.emplace_back();
        ui.editing = static_cast<int>(ui.draft_steps.size()) - 1;
        ui.keys = KeyboardState{true, false, false};
    }
    x += aw + gap();
    // Save (and the summary) on a row of their own when one row cannot hold them (larger text).
    if (x + sw > c.x + c.w) {
        y += th + gap();
        x = c.x;
    }
    std::size_t filled = 0;
    for (const auto& s : ui.draft_steps)
        if (!s.empty()) ++filled;
    ButtonOpts save;
    save.tone = Tone::primary;
    save.enabled = !ui.draft_title.empty() && filled > 0 && ui.pending == 0;
    at(c.x + c.w - sw, y);
    if (button(save_label, "save", ImVec2(sw, th), save)) {
        app::SaveCard sc;
        sc.card.title = ui.draft_title;
        for (const auto& s : ui.draft_steps)
            if (!s.empty()) sc.card.steps.push_back(core::CardStep{s, std::nullopt});
        if (ui.machine) sc.card.machines.push_back(ui.machine);
        if (ui.tool) sc.card.tools.push_back(ui.tool);
        if (ui.card_skill) sc.card.skills.push_back(ui.card_skill);
        sc.actor = v.viewer.id;
        post(ui, out, sc, suggest ? v.tr("Thank you! A host will review your card.") : v.tr("Card published."),
             ui.back_to == Step::card_write ? Step::cards : ui.back_to);
    }
    // What is written so far, or the last refusal.
    const float sx = x;
    const float sum_w = c.x + c.w - sw - gap() - sx;
    const std::string summary = !ui.message.empty() && !ui.message_ok
                                    ? ui.message
                                    : v.tr.fmt("{0} step(s)", {std::to_string(filled)});
    if (sum_w > fs * 3) {
        at(sx, y + (th - fs) * 0.5f);
        text_block(ellipsize(summary, sum_w), "summary", sum_w, Align::left, nullptr,
                   !ui.message.empty() && !ui.message_ok ? colors::kError : colors::kMuted);
    }
    y += th + gap();
    at(c.x, y);
    draw_keyboard(text, ui.keys, v.tr.lang, ImVec2(c.w, c.y + c.h - y), ui.editing < 0 ? kTitleChars : kStepChars, v.tr);
    return Next::stay;
}

Next draw_card_review(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("review");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, c, v.tr("Suggested cards"), {}, nullptr) == 1) {
        go(ui, Step::cards);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    if (!ui.message.empty()) {
        at(c.x, y);
        text_block(ui.message, "message", c.w, Align::left, nullptr, ui.message_ok ? colors::kOk : colors::kError);
        y = ImGui::GetCursorPosY() + gap() * 0.5f;
    }
    std::vector<const app::CardView*> list;
    if (v.know)
        for (const auto& cv : v.know->suggested) list.push_back(&cv);
    if (list.empty()) {
        at(c.x, y);
        text_block(v.tr("No card waits for review."), "none", c.w, Align::left, nullptr, colors::kMuted);
        return Next::stay;
    }
    const float rh = std::max(th * 1.3f, fs * 2.7f);
    const Box b{c.x, y, c.w, c.y + c.h - y};
    const Paging p = paging(list.size(), b.h, rh, ui.page);
    IdScope l("list");
    for (int i = 0; i < p.per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
        if (k >= list.size()) break;
        IdScope id(list[k]->card.id);
        at(c.x, y + static_cast<float>(i) * (rh + gap()));
        ButtonOpts o;
        o.caption = ellipsize(v.tr.fmt("By {0}", {list[k]->author_name.empty() ? std::string("?") : list[k]->author_name}) +
                                  " · " + v.tr.fmt("{0} step(s)", {std::to_string(list[k]->card.steps.size())}),
                              c.w - fs * 1.4f);
        if (button(ellipsize(list[k]->card.title, c.w - fs * 1.4f), "open", ImVec2(c.w, rh), o)) {
            ui.card = list[k]->card.id;
            ui.step_page = 0;
            ui.back_to = Step::card_review;
            go(ui, Step::card);
        }
    }
    draw_pager(ui.page, p, b);
    return Next::stay;
}

}  // namespace etabli::gui
