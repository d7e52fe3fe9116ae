// The kiosk's tool-library screens (see tools.hpp). Layer: gui. GUI thread only.
//
// [SECTION] index
//   Helpers     header row, list rows, pages
//   Home strip  draw_home_loans
//   Steps       menu, borrow (+ search), give back, overdue, deposits
#include <etabli/gui/tools.hpp>
#include <etabli/gui/skills.hpp>

#include "kit.hpp"

#include <algorithm>
#include <cmath>

namespace etabli::gui {

using namespace kit;

// [SECTION] Helpers
namespace {

std::string due_text(const Tr& tr, const app::LoanView& l) {
    if (l.days_late > 0) return tr.fmt("{0}: {1} days late", {l.tool_name, std::to_string(l.days_late)});
    return tr.fmt("{0}: back by {1}", {l.tool_name, format_short_date(tr.lang, l.loan.due)});
}

// Title on the left, "Back" on the right; returns true when Back was tapped. Leaves the cursor
// below the row.
bool header(const ToolsScreenView& v, const Box& c, std::string_view title) {
    return header_row(v.fonts, c, title, {{v.tr("Back"), "back"}}) == 1;
}

// How many rows of height `row_h` fit in `h` (at least one).
int rows_in(float h, float row_h) { return std::max(1, static_cast<int>(std::floor((h + gap()) / (row_h + gap())))); }

std::vector<const app::LoanView*> my_loans(const ToolsScreenView& v) { return v.snap->tools->loans_of(v.viewer.id); }

}  // namespace

// [SECTION] Home strip
float draw_home_loans(const std::vector<app::LoanView>& loans, const Tr& tr, float width, int max_lines) {
    if (loans.empty() || max_lines <= 0) return 0;
    const float y0 = ImGui::GetCursorPosY();
    const float x0 = ImGui::GetCursorPosX();
    IdScope scope("loans");
    int shown = 0;
    for (const auto& l : loans) {  // overdue first: the snapshot's order
        if (shown + 1 == max_lines && static_cast<int>(loans.size()) > max_lines) {
            at(x0, ImGui::GetCursorPosY());
            text_block(tr.fmt("…and {0} more", {std::to_string(loans.size() - static_cast<std::size_t>(shown))}), "more", width,
                       Align::left, nullptr, colors::kMuted);
            break;
        }
        IdScope row(l.loan.id);
        at(x0, ImGui::GetCursorPosY());
        text_block(ellipsize(due_text(tr, l), width), "due", width, Align::left, nullptr,
                   l.days_late > 0 ? colors::kError : colors::kMuted);
        if (++shown == max_lines) break;
    }
    return ImGui::GetCursorPosY() - y0;
}

// [SECTION] Steps
namespace {

Next draw_menu(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    if (header(v, c, v.tr("Tools"))) return Next::home;
    const auto loans = my_loans(v);
    const bool host = core::can_host(v.viewer.role);
    struct Action {
        const char* msgid;
        const char* id;
        bool enabled;
    };
    std::vector<Action> actions{{core::N_("Borrow"), "borrow", true}, {core::N_("Return"), "give_back", !loans.empty()}};
    if (v.viewer.role != core::Role::member) actions.push_back({core::N_("Lend for a member"), "lend_for", true});
    if (host) {
        actions.push_back({core::N_("Inventory"), "inventory", true});
        actions.push_back({core::N_("Overdue"), "overdue", true});
        actions.push_back({core::N_("Deposits held"), "deposits", true});
    }
    // One row; two on a narrow screen when hosts get their six actions.
    const std::size_t n = actions.size();
    const std::size_t per_row = n > 4 && c.w < ImGui::GetFontSize() * 70 ? (n + 1) / 2 : n;
    const float bw = (c.w - static_cast<float>(per_row - 1) * gap()) / static_cast<float>(per_row);
    const float y = ImGui::GetCursorPosY();
    const float row_h = std::max(per_row < n ? th * 1.3f : th * 1.5f, ImGui::GetFontSize() * 2.2f);  // two lines
    for (std::size_t i = 0; i < actions.size(); ++i) {
        at(c.x + static_cast<float>(i % per_row) * (bw + gap()), y + static_cast<float>(i / per_row) * (row_h + gap()));
        ButtonOpts o;
        o.tone = Tone::selected;
        o.enabled = actions[i].enabled;
        if (button(v.tr(actions[i].msgid), actions[i].id, ImVec2(bw, row_h), o)) {
            const std::string_view id = actions[i].id;
            ui.message.clear();
            ui.page = 0;
            if (id == "borrow") {
                out.post(app::ToolFlow{app::ToolFlow::Mode::borrow, v.viewer.id, v.viewer.id});
                ui.step = ToolsUi::Step::borrow;
                ui.days = 0;
            } else if (id == "give_back") {
                out.post(app::ToolFlow{app::ToolFlow::Mode::give_back, v.viewer.id, v.viewer.id});
                ui.step = ToolsUi::Step::give_back;
                ui.condition = core::ToolCondition::good;
                ui.note.clear();
            } else if (id == "lend_for") {
                ui.step = ToolsUi::Step::pick_member;
                ui.member_search.clear();
            } else if (id == "inventory") {
                ui.step = ToolsUi::Step::inventory;
                ui.exported = false;
                ui.search.clear();
                ui.category.clear();
            } else if (id == "overdue") {
                ui.step = ToolsUi::Step::overdue;
                ui.exported = false;
            } else {
                ui.step = ToolsUi::Step::deposits;
            }
        }
    }
    at(c.x, y + static_cast<float>((n + per_row - 1) / per_row) * (row_h + gap()));
    if (!ui.message.empty()) text_block(ui.message, "message", c.w, Align::left, nullptr, colors::kOk);
    // My reservations and waiting-list places, each with Cancel (at most three rows here).
    {
        IdScope res("reservations");
        int shown = 0;
        const std::string cancel = v.tr("Cancel");
        const float cw = button_width(cancel, 5.0f);
        for (const auto& r : v.snap->tools->reservations) {
            if (r.member != v.viewer.id || shown == 3) continue;
            ++shown;
            const auto* t = v.snap->tools->find(r.tool);
            const std::string name = t ? t->name : "#" + std::to_string(r.tool);
            std::string what;
            if (r.state == core::ReservationState::held && r.held_until)
                what = v.tr.fmt("{0}: held for you until {1}", {name, format_short_date(v.tr.lang, *r.held_until)});
            else if (r.kind == core::ReservationKind::waiting)
                what = v.tr.fmt("{0}: on the waiting list", {name});
            else
                what = v.tr.fmt("{0}: reserved from {1} to {2}", {name, format_short_date(v.tr.lang, r.from),
                                                                    format_short_date(v.tr.lang, r.to)});
            IdScope row(r.id);
            const float ry = ImGui::GetCursorPosY();
            at(c.x, ry + (th - ImGui::GetFontSize()) * 0.5f);
            text_block(ellipsize(what, c.w - cw - gap()), "what", c.w - cw - gap());
            at(c.x + c.w - cw, ry);
            if (button(cancel, "cancel", ImVec2(cw, th))) {
                out.post(app::CancelToolReservation{r.id, v.viewer.id});
                ui.message = v.tr.fmt("Reservation of {0} cancelled.", {name});
            }
            at(c.x, ry + th + gap());
        }
    }
    text_block(loans.empty() ? v.tr("You have no tool on loan.") : v.tr("My loans"), "my_loans_title", c.w);
    std::vector<app::LoanView> copy;
    for (const auto* l : loans) copy.push_back(*l);
    const float left = c.y + c.h - ImGui::GetCursorPosY();
    at(c.x, ImGui::GetCursorPosY());
    draw_home_loans(copy, v.tr, c.w, std::max(1, static_cast<int>(left / (ImGui::GetFontSize() * 1.4f))));
    return Next::stay;
}

// The tools a member may pick now, by the borrow screen's filters.
std::vector<const core::Tool*> pickable(const ToolsScreenView& v, const ToolsUi& ui) {
    std::vector<const core::Tool*> out;
    for (const auto& t : v.snap->tools->tools) {
        if (t.status == core::ToolStatus::retired) continue;
        if (!ui.category.empty() && t.category != ui.category) continue;
        if (!ui.search.empty() && !name_matches(t.name, ui.search) && !name_matches(t.tag, ui.search)) continue;
        out.push_back(&t);
    }
    return out;
}

void end_flow(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    out.post(app::ToolFlow{app::ToolFlow::Mode::closed, v.viewer.id, v.viewer.id});
    ui.for_member = 0;
    ui.step = ToolsUi::Step::menu;
    ui.page = 0;
    ui.search.clear();
    ui.category.clear();
}

std::string status_caption(const Tr& tr, const core::Tool& t) {
    switch (t.status) {
        case core::ToolStatus::available: return t.location.empty() ? tr("Available") : t.location;
        case core::ToolStatus::on_loan: return tr("On loan");
        case core::ToolStatus::reserved: return tr("Held for a member");
        case core::ToolStatus::in_repair: return tr("In repair");
        case core::ToolStatus::retired: return tr("Retired");
    }
    return {};
}

// The tool list (left) of the borrow and search steps: tap to put in or take out of the basket.
void tool_list(const ToolsScreenView& v, ToolsUi& ui, Commands& out, const Box& b, const app::ToolFlowView* flow) {
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const auto tools = pickable(v, ui);
    // A name that one line cannot hold (larger text) takes two, and every row grows for it.
    float row_h = captioned_height(th * 1.2f);
    const float narrowest = b.w - (v.pictures ? row_h * 1.3f + gap() : 0.0f) - fs * 0.7f;
    std::size_t name_lines = 1;
    for (const auto* t : tools)
        if (ImGui::CalcTextSize(t->name.c_str()).x > narrowest) name_lines = 2;
    if (name_lines == 2) row_h = std::max(row_h, 2 * fs + fs * 0.72f + fs * 0.15f + fs * 0.5f);
    const int per_page = std::max(1, rows_in(b.h - th - gap(), row_h));
    const int pages = std::max(1, static_cast<int>((tools.size() + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page)));
    ui.page = std::clamp(ui.page, 0, pages - 1);
    IdScope scope("list");
    // The photos in a column of their own when a tool of the page has one: members find a
    // drill by its look faster than by its name.
    bool photos = false;
    for (int i = 0; v.pictures && i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k < tools.size() && tools[k]->photo) photos = true;
    }
    const float pic_w = photos ? row_h * 1.3f : 0.0f;
    const float bx = b.x + (photos ? pic_w + gap() : 0.0f);
    const float bw = b.w - (photos ? pic_w + gap() : 0.0f);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= tools.size()) break;
        const core::Tool& t = *tools[k];
        const bool in = flow && std::find(flow->basket.begin(), flow->basket.end(), t.id) != flow->basket.end();
        IdScope row(t.id);
        const float ry = b.y + static_cast<float>(i) * (row_h + gap());
        if (photos && t.photo) draw_picture(v.pictures->get(*t.photo), b.x, ry, pic_w, row_h, "photo");
        at(bx, ry);
        ButtonOpts o;
        o.tone = in ? Tone::selected : Tone::normal;
        o.enabled = t.status == core::ToolStatus::available || t.status == core::ToolStatus::reserved || in;
        o.caption = status_caption(v.tr, t);
        if (button(ellipsize_lines(t.name, bw - fs * 0.7f, name_lines), "pick", ImVec2(bw, row_h), o))
            out.post(app::ToolPick{t.id, !in});
    }
    if (pages > 1) ui.page = pager(ui.page, pages, b.x, b.y + b.h - th, th * 1.6f, th);
}

Next draw_borrow(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const app::ToolFlowView* flow = v.snap->tools->flow && v.snap->tools->flow->member == borrower(v, ui) ? &*v.snap->tools->flow : nullptr;
    const auto* lendee = ui.for_member ? v.snap->directory->find(ui.for_member) : nullptr;
    if (header(v, c, lendee ? v.tr.fmt("Lend to {0}", {lendee->display_name}) : v.tr("Borrow a tool"))) {
        end_flow(v, ui, out);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    if (flow && flow->problem) {
        // Refused for a skill: the tool's skill page (next training, cards) is one tap away.
        const core::Tool* needs = skill_refused_tool(*v.snap);
        const std::string why = v.tr("Training needed");
        const float ww = needs ? button_width(why, 5.0f) : 0.0f;
        const float pw = c.w - (needs ? ww + gap() : 0.0f);
        text_block(v.tr.problem(*flow->problem), "problem", pw, Align::left, nullptr, colors::kError);
        if (needs) {
            const float below = ImGui::GetCursorPosY();
            at(c.x + pw + gap(), y);
            if (button(why, "skill_info", ImVec2(ww, th))) return Next::skill_info;
            at(c.x, std::max(below, y + th + gap() * 0.5f));
        }
    } else {
        text_block(v.tr("Scan a tool's label, or choose it below."), "hint", c.w, Align::left, nullptr, colors::kMuted);
    }
    y = ImGui::GetCursorPosY() + gap() * 0.5f;
    // Category tiles: "All", then as many categories as fit, then Search.
    if (category_row(v.tr, v.snap->tools->categories, c.x, y, c.w, ui.category, ui.page, ui.search, 0.35f)) {
        ui.step = ToolsUi::Step::search;
        ui.page = 0;
    }
    y += th + gap();
    // Wide enough for the three loan lengths side by side at any text size.
    const std::string auto_label = v.tr("Auto");
    const float right_w = std::floor(std::min(c.w * 0.45f, std::max(c.w * 0.36f, 3 * button_width(auto_label, 2.0f) + 2 * gap())));
    const float left_w = c.w - right_w - gap();
    tool_list(v, ui, out, Box{c.x, y, left_w, c.y + c.h - y}, flow);

    // The basket, the loan length and Confirm on the right.
    const float rx = c.x + left_w + gap();
    panel(Box{rx, y, right_w, c.y + c.h - y});
    const std::size_t n = flow ? flow->basket.size() : 0;
    at(rx + fs * 0.4f, y + fs * 0.3f);
    text_block(v.tr.fmt("Basket: {0}", {std::to_string(n)}), "basket", right_w - fs * 0.8f);
    if (flow) {
        IdScope b("basket");
        int shown = 0;
        const int room = std::max(1, static_cast<int>((c.y + c.h - y - 3 * th - 3 * gap() - fs * 2) / (fs * 1.3f)));
        for (auto id : flow->basket) {
            const auto* t = v.snap->tools->find(id);
            if (!t || ++shown > room) break;
            IdScope row(id);
            at(rx + fs * 0.4f, ImGui::GetCursorPosY());
            text_block(ellipsize(t->name, right_w - fs * 0.8f), "item", right_w - fs * 0.8f, Align::left, nullptr, colors::kMuted);
        }
    }
    // Loan length: each tool's usual length, or one or two weeks for the whole basket.
    const float ly = c.y + c.h - 2 * th - gap();
    // Short labels: three of them share a third of a small screen.
    const struct {
        const char* id;
        int days;
    } lengths[] = {{"days_usual", 0}, {"days_7", 7}, {"days_14", 14}};
    const float lw = (right_w - 2 * gap()) / 3;
    for (int i = 0; i < 3; ++i) {
        at(rx + static_cast<float>(i) * (lw + gap()), ly);
        ButtonOpts o;
        o.tone = ui.days == lengths[i].days ? Tone::selected : Tone::normal;
        const std::string label = lengths[i].days ? v.tr.fmt("{0} d", {std::to_string(lengths[i].days)}) : v.tr("Auto");
        if (button(label, lengths[i].id, ImVec2(lw, th), o)) ui.days = lengths[i].days;
    }
    at(rx, c.y + c.h - th);
    ButtonOpts confirm;
    confirm.tone = Tone::primary;
    confirm.enabled = n > 0;
    if (button(v.tr("Confirm"), "confirm", ImVec2(right_w, th), confirm) && flow) {
        app::Lend l;
        l.tools = flow->basket;
        l.member = borrower(v, ui);
        l.actor = v.viewer.id;  // lent_by records a volunteer lending for the member
        if (ui.days > 0) l.days = ui.days;
        out.post(l);
        ui.message = v.tr.fmt("{0} tool(s) borrowed: see the due dates below.", {std::to_string(n)});
        end_flow(v, ui, out);
    }
    return Next::stay;
}

Next draw_search(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const app::ToolFlowView* flow = v.snap->tools->flow && v.snap->tools->flow->member == borrower(v, ui) ? &*v.snap->tools->flow : nullptr;
    if (header(v, c, v.tr("Search a tool"))) {
        ui.step = ToolsUi::Step::borrow;
        ui.page = 0;
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY();
    const float kb_h = std::floor(c.h * 0.42f);
    at(c.x, y);
    text_field(ui.search, v.tr("Name or tag"), "search_field", ImVec2(c.w, th));
    const float list_y = y + th + gap();
    tool_list(v, ui, out, Box{c.x, list_y, c.w, c.y + c.h - kb_h - gap() - list_y}, flow);
    at(c.x, c.y + c.h - kb_h);
    if (draw_keyboard(ui.search, ui.search_keys, v.tr.lang, ImVec2(c.w, kb_h), 40, v.tr)) ui.page = 0;
    return Next::stay;
}

Next draw_give_back(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const app::ToolFlowView* flow = v.snap->tools->flow && v.snap->tools->flow->member == v.viewer.id ? &*v.snap->tools->flow : nullptr;
    if (header(v, c, v.tr("Return a tool"))) {
        end_flow(v, ui, out);
        return Next::stay;
    }
    if (flow && flow->problem) text_block(v.tr.problem(*flow->problem), "problem", c.w, Align::left, nullptr, colors::kError);
    else text_block(v.tr("Scan the tool's label, or choose it from your loans."), "hint", c.w, Align::left, nullptr, colors::kMuted);
    const float y = ImGui::GetCursorPosY() + gap() * 0.5f;
    const core::ToolId selected = flow && flow->selected ? *flow->selected : 0;  // 0: none
    if (ui.typing_reason) {
        const float kb_h = std::floor((c.y + c.h - y) * 0.62f);
        at(c.x, y);
        text_field(ui.deposit_reason, v.tr("Why is the deposit kept?"), "reason_field", ImVec2(c.w, th));
        const std::string done = v.tr("Done");
        at(c.x + c.w - button_width(done), y + th + gap());
        if (button(done, "reason_done", ImVec2(button_width(done), th))) ui.typing_reason = false;
        at(c.x, c.y + c.h - kb_h);
        draw_keyboard(ui.deposit_reason, ui.reason_keys, v.tr.lang, ImVec2(c.w, kb_h), 200, v.tr);
        return Next::stay;
    }
    if (ui.typing_note) {
        const float kb_h = std::floor((c.y + c.h - y) * 0.62f);
        at(c.x, y);
        text_field(ui.note, v.tr("What is wrong with it?"), "note_field", ImVec2(c.w, th));
        const std::string done = v.tr("Done");
        at(c.x + c.w - button_width(done), y + th + gap());
        if (button(done, "note_done", ImVec2(button_width(done), th))) ui.typing_note = false;
        at(c.x, c.y + c.h - kb_h);
        draw_keyboard(ui.note, ui.note_keys, v.tr.lang, ImVec2(c.w, kb_h), 200, v.tr);
        return Next::stay;
    }
    const float right_w = std::floor(c.w * 0.36f);
    const float left_w = c.w - right_w - gap();
    const auto loans = my_loans(v);
    const float row_h = captioned_height(th * 1.2f);
    const int per_page = std::max(1, rows_in(c.y + c.h - y - th - gap(), row_h));
    const int pages = std::max(1, static_cast<int>((loans.size() + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page)));
    ui.page = std::clamp(ui.page, 0, pages - 1);
    {
        IdScope scope("loans");
        for (int i = 0; i < per_page; ++i) {
            const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
            if (k >= loans.size()) break;
            const auto& l = *loans[k];
            IdScope row(l.loan.tool);
            at(c.x, y + static_cast<float>(i) * (row_h + gap()));
            ButtonOpts o;
            o.tone = selected == l.loan.tool ? Tone::selected : (l.days_late > 0 ? Tone::danger : Tone::normal);
            o.caption = l.days_late > 0 ? v.tr.fmt("{0} days late", {std::to_string(l.days_late)})
                                        : v.tr.fmt("Back by {0}", {format_short_date(v.tr.lang, l.loan.due)});
            if (button(ellipsize(l.tool_name, left_w - fs), "pick", ImVec2(left_w, row_h), o)) out.post(app::ToolPick{l.loan.tool, true});
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, c.y + c.h - th, th * 1.6f, th);

    const float rx = c.x + left_w + gap();
    panel(Box{rx, y, right_w, c.y + c.h - y});
    const core::Tool* tool = selected ? v.snap->tools->find(selected) : nullptr;
    const app::LoanView* loan = nullptr;
    if (tool)
        for (const auto& l : v.snap->tools->loans)
            if (l.loan.tool == tool->id) loan = &l;
    // A deposit held: given back, or kept with a reason (one more row in the panel).
    const bool deposit = loan && loan->loan.deposit == core::DepositState::held;
    at(rx + fs * 0.4f, y + fs * 0.3f);
    text_block(tool ? ellipsize(tool->name, right_w - fs * 0.8f) : v.tr("No tool chosen"), "chosen", right_w - fs * 0.8f);
    const struct {
        const char* msgid;
        const char* id;
        core::ToolCondition c;
    } conds[] = {{core::N_("Good"), "good", core::ToolCondition::good},
                 {core::N_("Worn"), "worn", core::ToolCondition::worn},
                 {core::N_("Damaged"), "damaged", core::ToolCondition::damaged}};
    // One condition a row: "Endommagé" and its neighbours never share a narrow panel.
    const float cy = c.y + c.h - 5 * th - (deposit ? captioned_height(th) + gap() : 0.0f) - 4 * gap();
    for (int i = 0; i < 3; ++i) {
        at(rx, cy + static_cast<float>(i) * (th + gap()));
        ButtonOpts o;
        o.tone = ui.condition == conds[i].c ? (conds[i].c == core::ToolCondition::damaged ? Tone::danger : Tone::selected) : Tone::normal;
        o.enabled = tool != nullptr;
        if (button(v.tr(conds[i].msgid), conds[i].id, ImVec2(right_w, th), o)) ui.condition = conds[i].c;
    }
    at(rx, cy + 3 * (th + gap()));
    ButtonOpts note;
    note.enabled = tool != nullptr;
    const std::string note_label = ui.note.empty() ? v.tr("Add a note") : ellipsize(ui.note, right_w - fs);
    if (button(note_label, "note", ImVec2(right_w, th), note)) ui.typing_note = true;
    if (deposit) {
        IdScope dep("deposit");
        const float hw = (right_w - gap()) / 2;
        const float dy = cy + 4 * (th + gap());
        at(rx, dy);
        ButtonOpts back;
        back.tone = ui.keep_deposit ? Tone::normal : Tone::selected;
        back.caption = ellipsize(v.tr.fmt("{0} €", {core::format_euros(loan->loan.deposit_cents)}), hw - fs);
        if (button(v.tr("Given back"), "returned", ImVec2(hw, captioned_height(th)), back)) ui.keep_deposit = false;
        at(rx + hw + gap(), dy);
        ButtonOpts keep;
        keep.tone = ui.keep_deposit ? Tone::danger : Tone::normal;
        keep.caption = ellipsize(ui.deposit_reason.empty() ? v.tr("Why?") : ui.deposit_reason, hw - fs);
        if (button(v.tr("Kept"), "kept", ImVec2(hw, captioned_height(th)), keep)) {
            ui.keep_deposit = true;
            ui.typing_reason = true;
        }
    }
    at(rx, c.y + c.h - th);
    ButtonOpts confirm;
    confirm.tone = Tone::primary;
    confirm.enabled = tool != nullptr && !(deposit && ui.keep_deposit && ui.deposit_reason.empty());
    if (button(v.tr("Return it"), "confirm", ImVec2(right_w, th), confirm) && tool) {
        app::ReturnTool r;
        r.tool = tool->id;
        r.condition = ui.condition;
        r.note = ui.note;
        r.actor = v.viewer.id;
        r.keep_deposit = deposit && ui.keep_deposit;
        if (r.keep_deposit) r.deposit_reason = ui.deposit_reason;
        out.post(r);
        ui.keep_deposit = false;
        ui.deposit_reason.clear();
        ui.message = ui.condition == core::ToolCondition::damaged ? v.tr.fmt("{0} returned: thank you, it goes to repair.", {tool->name})
                                                                  : v.tr.fmt("{0} returned: thank you!", {tool->name});
        ui.condition = core::ToolCondition::good;
        ui.note.clear();
        end_flow(v, ui, out);
    }
    return Next::stay;
}

// The hosts' lists: one line per loan, paginated.
Next draw_host_list(const ToolsScreenView& v, ToolsUi& ui, Commands& out, bool overdue) {
    const Box c = content();
    const float th = touch_height();
    if (header(v, c, overdue ? v.tr("Overdue tools") : v.tr("Deposits held"))) {
        ui.step = ToolsUi::Step::menu;
        ui.page = 0;
        return Next::stay;
    }
    std::vector<const app::LoanView*> rows;
    for (const auto& l : v.snap->tools->loans)
        if (overdue ? l.days_late > 0 : l.loan.deposit == core::DepositState::held) rows.push_back(&l);
    if (overdue && !rows.empty()) {
        // The list as a CSV file (days late, contact) for the hosts' reminders.
        const float ey = ImGui::GetCursorPosY();
        const std::string exp = v.tr("Export CSV");
        const float ew = button_width(exp, 5.0f);
        at(c.x + c.w - ew, ey);
        if (button(exp, "export_csv", ImVec2(ew, th))) {
            app::ExportTools x;
            x.kind = app::ExportTools::Kind::overdue_csv;
            x.csv_header = {v.tr("Tag"), v.tr("Tool"), v.tr("Member number"), v.tr("Member"), v.tr("E-mail"),
                            v.tr("Due"), v.tr("Days late"), v.tr("Deposit")};
            x.actor = v.viewer.id;
            out.post(x);
            ui.exported = true;
        }
        at(c.x, ey);
        if (ui.exported) draw_export_result(v, c.w - ew - gap());
        at(c.x, std::max(ImGui::GetCursorPosY(), ey + th + gap()));
    }
    const float y = ImGui::GetCursorPosY();
    if (rows.empty()) {
        text_block(overdue ? v.tr("No tool is overdue.") : v.tr("No deposit is held."), "empty", c.w);
        return Next::stay;
    }
    const float row_h = ImGui::GetFontSize() * 2.6f;
    const int per_page = rows_in(c.y + c.h - y - th - gap(), row_h);
    const int pages = static_cast<int>((rows.size() + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page));
    ui.page = std::clamp(ui.page, 0, std::max(0, pages - 1));
    IdScope scope(overdue ? "overdue" : "deposits");
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= rows.size()) break;
        const auto& l = *rows[k];
        IdScope row(l.loan.id);
        at(c.x, y + static_cast<float>(i) * (row_h + gap()));
        const std::string first = overdue ? v.tr.fmt("{0} — {1} days late", {l.tool_name, std::to_string(l.days_late)})
                                          : v.tr.fmt("{0} — {1} €", {l.tool_name, core::format_euros(l.loan.deposit_cents)});
        text_block(ellipsize(first, c.w), "what", c.w, Align::left, nullptr, overdue ? colors::kError : colors::kText);
        at(c.x, ImGui::GetCursorPosY());
        const std::string who = l.member_contact.empty() ? l.member_name : l.member_name + " · " + l.member_contact;
        text_block(ellipsize(who, c.w), "who", c.w, Align::left, nullptr, colors::kMuted);
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, c.y + c.h - th, th * 1.6f, th);
    return Next::stay;
}

}  // namespace

Next draw_tools(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    IdScope scope("tools");
    take_inventory_scan(v, ui);  // tools_host.cpp
    switch (ui.step) {
        case ToolsUi::Step::menu: return draw_menu(v, ui, out);
        case ToolsUi::Step::borrow: return draw_borrow(v, ui, out);
        case ToolsUi::Step::search: return draw_search(v, ui, out);
        case ToolsUi::Step::give_back: return draw_give_back(v, ui, out);
        case ToolsUi::Step::overdue: return draw_host_list(v, ui, out, true);
        case ToolsUi::Step::deposits: return draw_host_list(v, ui, out, false);
        case ToolsUi::Step::inventory: return draw_inventory(v, ui, out, false);  // tools_host.cpp
        case ToolsUi::Step::inventory_search: return draw_inventory(v, ui, out, true);
        case ToolsUi::Step::tool_form: return draw_tool_form(v, ui, out);
        case ToolsUi::Step::retire: return draw_retire(v, ui, out);
        case ToolsUi::Step::pick_member: return draw_pick_member(v, ui, out);
        case ToolsUi::Step::photo_pick: return draw_photo_pick(v, ui, out);  // tools_host.cpp
    }
    return Next::stay;
}

}  // namespace etabli::gui
