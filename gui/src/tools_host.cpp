// The hosts' inventory screens of the tool library (see tools.hpp): the list of every tool
// with category tiles and a search on the on-screen keyboard; a form to add or edit a tool
// (name, category, tag, location, loan days, deposit, maximum renewals, notes, condition,
// the photo's file name)
// typed on the same keyboard, numbers on a digit pad; retiring a tool after a confirmation.
// The station checks every field: the form only parses numbers and shows the station's
// refusal, translated, until a save goes through.
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame).
#include <etabli/gui/tools.hpp>

#include "kit.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace etabli::gui {

using namespace kit;

namespace {

struct Extra {
    std::string label;
    const char* id;
    Tone tone;
};
// Title on the left, the extra buttons and "Back" on the right. Returns 1 when Back was
// tapped, 2 + i for extras[i], 0 otherwise; leaves the cursor below the row.
int host_header(const ToolsScreenView& v, const Box& c, std::string_view title, const std::vector<Extra>& extras = {}) {
    std::vector<HeaderButton> buttons{{v.tr("Back"), "back"}};
    for (auto it = extras.rbegin(); it != extras.rend(); ++it) buttons.push_back({it->label, it->id, it->tone});
    const int tapped = header_row(v.fonts, c, title, buttons);
    // header_row counts from the right edge; extras[] from the left.
    return tapped <= 1 ? tapped : 2 + static_cast<int>(extras.size()) - (tapped - 1);
}

std::string condition_label(const Tr& tr, core::ToolCondition c) {
    switch (c) {
        case core::ToolCondition::good: return tr("Good");
        case core::ToolCondition::worn: return tr("Worn");
        case core::ToolCondition::damaged: return tr("Damaged");
        case core::ToolCondition::broken: return tr("Broken");
    }
    return {};
}

std::string status_label(const Tr& tr, core::ToolStatus s) {
    switch (s) {
        case core::ToolStatus::available: return tr("Available");
        case core::ToolStatus::on_loan: return tr("On loan");
        case core::ToolStatus::reserved: return tr("Held for a member");
        case core::ToolStatus::in_repair: return tr("In repair");
        case core::ToolStatus::retired: return tr("Retired");
    }
    return {};
}

// 1-9, 0, a decimal comma and Erase, in two rows filling `b`.
void digit_pad(const ToolsScreenView& v, std::string& text, const Box& b, std::size_t max) {
    IdScope pad("pad");
    const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", ",", "erase"};
    const float kw = (b.w - 5 * gap()) / 6;
    const float kh = (b.h - gap()) / 2;
    for (int i = 0; i < 12; ++i) {
        at(b.x + static_cast<float>(i % 6) * (kw + gap()), b.y + static_cast<float>(i / 6) * (kh + gap()));
        const std::string_view k = keys[i];
        if (k == "erase") {
            if (button(v.tr("Erase"), "erase", ImVec2(kw, kh)) && !text.empty()) text.pop_back();
        } else if (button(k, k, ImVec2(kw, kh)) && text.size() < max) {
            text += k;
        }
    }
}

ToolForm form_of(const core::Tool& t) {
    ToolForm f;
    f.id = t.id;
    f.name = t.name;
    f.category = t.category;
    f.tag = t.tag;
    f.location = t.location;
    f.days = std::to_string(t.loan_days);
    f.renewals = std::to_string(t.max_renewals);
    f.deposit = t.deposit_cents ? core::format_euros(t.deposit_cents) : "";
    f.notes = t.notes;
    f.photo = t.photo.value_or("");
    f.condition = t.condition;
    return f;
}

void open_form(ToolsUi& ui, ToolForm form, std::string notice = {}) {
    ui.form = std::move(form);
    ui.form_problem.clear();
    ui.form_notice = std::move(notice);
    ui.form_keys = KeyboardState{};
    ui.step = ToolsUi::Step::tool_form;
}

// The reply to the command the form posted: saved (back to the list) or refused (shown).
void take_reply(const ToolsScreenView& v, ToolsUi& ui) {
    const auto& r = v.snap->last_reply;
    if (!ui.pending || !r || r->request_id != ui.pending) return;
    ui.pending = 0;
    if (r->ok) {
        ui.form_problem.clear();
        ui.step = ToolsUi::Step::inventory;
    } else {
        ui.form_problem = v.tr.problem(r->problem);
        ui.message.clear();
    }
}

// The list of the inventory: every tool of the filters, tap to edit.
void inventory_list(const ToolsScreenView& v, ToolsUi& ui, const Box& b) {
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    std::vector<const core::Tool*> tools;
    for (const auto& t : v.snap->tools->tools) {
        if (!ui.category.empty() && t.category != ui.category) continue;
        if (!ui.search.empty() && !name_matches(t.name, ui.search) && !name_matches(t.tag, ui.search) &&
            !name_matches(t.location, ui.search))
            continue;
        tools.push_back(&t);
    }
    if (tools.empty()) {
        at(b.x, b.y);
        text_block(v.tr("No tool matches."), "none", b.w, Align::left, nullptr, colors::kMuted);
        return;
    }
    // Two columns on wide screens, one on small ones.
    const int cols = b.w > fs * 30 ? 2 : 1;
    const float cw = (b.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float row_h = captioned_height(th * 1.2f);
    const int per_col = rows_fit(b.h - th - gap(), row_h);
    const int per_page = per_col * cols;
    const int pages = static_cast<int>((tools.size() + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page));
    ui.page = std::clamp(ui.page, 0, std::max(0, pages - 1));
    IdScope scope("inventory");
    // Each tool's photo at the left of its row, when a tool of the page has one (a missing or
    // broken one shows why: hosts fix it from the form).
    bool photos = false;
    for (int i = 0; v.pictures && i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k < tools.size() && tools[k]->photo) photos = true;
    }
    const float pic_w = photos ? row_h * 1.3f : 0.0f;
    const float bw = cw - (photos ? pic_w + gap() : 0.0f);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= tools.size()) break;
        const core::Tool& t = *tools[k];
        IdScope row(t.id);
        const float x = b.x + static_cast<float>(i / per_col) * (cw + gap());
        const float y = b.y + static_cast<float>(i % per_col) * (row_h + gap());
        if (photos && t.photo) draw_picture(v.pictures->get(*t.photo), x, y, pic_w, row_h, "photo", &v.tr);
        at(x + (photos ? pic_w + gap() : 0.0f), y);
        ButtonOpts o;
        o.tone = t.status == core::ToolStatus::retired ? Tone::quiet : Tone::normal;
        std::string caption = t.tag + " · " + status_label(v.tr, t.status);
        if (!t.location.empty()) caption += " · " + t.location;
        o.caption = ellipsize(caption, bw - fs);
        if (button(ellipsize(t.name, bw - fs), "edit", ImVec2(bw, row_h), o)) open_form(ui, form_of(t));
    }
    if (pages > 1) ui.page = pager(ui.page, pages, b.x, b.y + b.h - th, th * 1.6f, th);
}

}  // namespace

void take_inventory_scan(const ToolsScreenView& v, ToolsUi& ui) {
    const auto& scan = v.snap->tools->last_scan;
    if (!scan || scan->seq <= ui.scan_seen) return;
    ui.scan_seen = scan->seq;
    if (ui.step != ToolsUi::Step::inventory && ui.step != ToolsUi::Step::inventory_search) return;
    ui.message.clear();
    ui.exported = false;
    if (const core::Tool* t = scan->tool ? v.snap->tools->find(*scan->tool) : nullptr) {
        open_form(ui, form_of(*t));
        return;
    }
    ToolForm f;
    f.tag = scan->tag;
    f.category = ui.category;
    open_form(ui, std::move(f), v.tr.fmt("No tool has the label {0} yet: fill in the new tool, then save", {scan->tag}));
}

void draw_export_result(const ToolsScreenView& v, float width) {
    const auto& x = v.snap->tools->last_export;
    if (!x) {
        text_block(v.tr("Writing the file…"), "export", width, Align::left, nullptr, colors::kMuted);
        return;
    }
    if (x->problem) {
        text_block(v.tr.problem(*x->problem), "export", width, Align::left, nullptr, colors::kError);
        return;
    }
    const std::string what = x->labels ? v.tr.fmt("{0} labels written to {1}", {std::to_string(x->rows), x->path})
                                       : v.tr.fmt("{0} overdue loans written to {1}", {std::to_string(x->rows), x->path});
    text_block(what, "export", width, Align::left, nullptr, colors::kOk);
}

Next draw_inventory(const ToolsScreenView& v, ToolsUi& ui, Commands& out, bool searching) {
    const Box c = content();
    const float th = touch_height();
    if (searching) {
        if (host_header(v, c, v.tr("Search the inventory")) == 1) {
            ui.step = ToolsUi::Step::inventory;
            ui.page = 0;
            return Next::stay;
        }
        const float y = ImGui::GetCursorPosY();
        const float kb_h = std::floor(c.h * 0.42f);
        at(c.x, y);
        text_field(ui.search, v.tr("Name, tag or place"), "search_field", ImVec2(c.w, th));
        const float list_y = y + th + gap();
        inventory_list(v, ui, Box{c.x, list_y, c.w, c.y + c.h - kb_h - gap() - list_y});
        at(c.x, c.y + c.h - kb_h);
        if (draw_keyboard(ui.search, ui.search_keys, v.tr.lang, ImVec2(c.w, kb_h), 40, v.tr)) ui.page = 0;
        return Next::stay;
    }
    // Add and the label sheet (of what the list shows: the category chosen, else every tool)
    // next to Back; category tiles and Search on the row below.
    const int tapped = host_header(v, c, v.tr("Inventory"),
                                   {{v.tr("Add a tool"), "add", Tone::primary}, {v.tr("Print labels"), "labels", Tone::normal}});
    if (tapped == 1) {
        ui.step = ToolsUi::Step::menu;
        ui.page = 0;
        ui.search.clear();
        ui.category.clear();
        return Next::stay;
    }
    if (tapped == 2) {
        ToolForm f;
        f.category = ui.category;
        open_form(ui, std::move(f));
        ui.message.clear();
        ui.exported = false;
        return Next::stay;
    }
    if (tapped == 3) {
        app::ExportTools x;
        x.kind = app::ExportTools::Kind::labels;
        x.category = ui.category;
        x.actor = v.viewer.id;
        out.post(x);
        ui.exported = true;
        ui.message.clear();
    }
    float y = ImGui::GetCursorPosY();
    if (ui.exported) {
        draw_export_result(v, c.w);
        y = ImGui::GetCursorPosY();
    } else if (!ui.message.empty()) {
        text_block(ui.message, "message", c.w, Align::left, nullptr, colors::kOk);
        y = ImGui::GetCursorPosY();
    }
    if (category_row(v.tr, v.snap->tools->categories, c.x, y, c.w, ui.category, ui.page, ui.search, 0.3f)) {
        ui.step = ToolsUi::Step::inventory_search;
        ui.page = 0;
    }
    y += th + gap();
    inventory_list(v, ui, Box{c.x, y, c.w, c.y + c.h - y});
    return Next::stay;
}

Next draw_tool_form(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    take_reply(v, ui);
    if (ui.step != ToolsUi::Step::tool_form) {  // saved: the list, at once
        ui.message = v.tr.fmt("Saved: {0}", {ui.form.name});
        return draw_inventory(v, ui, out, false);
    }
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    ToolForm& f = ui.form;
    const core::Tool* existing = f.id ? v.snap->tools->find(f.id) : nullptr;
    const bool can_retire = existing && existing->status != core::ToolStatus::retired;
    std::vector<Extra> extras;
    if (can_retire) extras.push_back({v.tr("Retire"), "retire", Tone::danger});
    const int tapped = host_header(v, c, f.id ? v.tr.fmt("Edit: {0}", {existing ? existing->name : f.name}) : v.tr("New tool"), extras);
    if (tapped == 1) {
        ui.step = ToolsUi::Step::inventory;
        ui.pending = 0;
        return Next::stay;
    }
    if (tapped == 2) {
        ui.retire = f.id;
        ui.form_problem.clear();
        ui.step = ToolsUi::Step::retire;
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    if (!ui.form_problem.empty()) {
        text_block(ui.form_problem, "problem", c.w, Align::left, nullptr, colors::kError);
        y = ImGui::GetCursorPosY();
    } else if (!ui.form_notice.empty()) {
        text_block(ui.form_notice, "notice", c.w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY();
    }
    struct Field {
        const char* msgid;
        const char* id;
        std::string* text;
        std::size_t max;
    };
    Field fields[] = {{core::N_("Name"), "name", &f.name, 80},         {core::N_("Category"), "category", &f.category, 60},
                      {core::N_("Tag"), "tag", &f.tag, 64},            {core::N_("Location"), "location", &f.location, 60},
                      {core::N_("Loan days"), "days", &f.days, 3},     {core::N_("Deposit (€)"), "deposit", &f.deposit, 9},
                      {core::N_("Notes"), "notes", &f.notes, 2000},    {core::N_("Max renewals"), "renewals", &f.renewals, 2},
                      {core::N_("Photo"), "photo", &f.photo, 120}};
    constexpr int kFields = 9;
    constexpr int kPhoto = 8, kCondition = kFields, kSave = kFields + 1;
    f.field = std::clamp(f.field, 0, kFields - 1);
    // A 3 x 3 grid: the texts, then the condition, then the numbers (typed on the digit pad);
    // the photo's file name and Save on a row of their own below, above the keyboard.
    constexpr std::array<int, 11> kCells{0, 1, 2, 3, 6, kCondition, 4, 5, 7, kPhoto, kSave};
    // The keyboard takes 40 % of the height, less when the grid's four rows need it (larger
    // text, a problem line above), down to four rows of keys of 1.3 text heights.
    const float cell_min = captioned_height(th);  // a field's name under its value
    const float grid_need = 3 * cell_min + th + 3 * gap();
    const float kb_min = 4 * std::floor(fs * 1.3f) + 3 * gap();
    // Larger text on a small screen: the grid alone, and a field alone with the keyboard.
    const bool compact = y + grid_need + gap() + kb_min > c.y + c.h + 0.5f;
    if (!compact) f.typing = false;
    const auto keys_for = [&](const Field& typing, const Box& b) {
        // Days, euros and renewals take digits: the letter keyboard has none, a digit pad does.
        if (f.field == 4 || f.field == 5 || f.field == 7) digit_pad(v, *typing.text, b, typing.max);
        else {
            at(b.x, b.y);
            draw_keyboard(*typing.text, ui.form_keys, v.tr.lang, ImVec2(b.w, b.h), typing.max, v.tr);
        }
    };
    if (compact && f.typing) {
        const Field& typing = fields[f.field];
        at(c.x, y);
        text_block(v.tr(typing.msgid), "typing_label", c.w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY();
        const std::string ok = v.tr("OK");
        const float ok_w = button_width(ok, 4.0f);
        at(c.x, y);
        text_field(*typing.text, "", "typing", ImVec2(c.w - ok_w - gap(), th));
        ButtonOpts oo;
        oo.tone = Tone::primary;
        at(c.x + c.w - ok_w, y);
        if (button(ok, "typing_done", ImVec2(ok_w, th), oo)) f.typing = false;
        y += th + gap();
        keys_for(typing, Box{c.x, y, c.w, c.y + c.h - y});
        return Next::stay;
    }
    const float kb_h = compact ? 0.0f : std::floor(std::max(kb_min, std::min(c.h * 0.40f, c.y + c.h - gap() - y - grid_need)));
    const float grid_h = c.y + c.h - (compact ? 0.0f : kb_h + gap()) - y;
    const float cell_h = std::max(cell_min, (grid_h - th - 3 * gap()) / 3);
    const float cw = (c.w - 2 * gap()) / 3;
    {
        IdScope grid("form");
        for (std::size_t cell = 0; cell < kCells.size(); ++cell) {
            const int i = kCells[cell];
            const int col = i == kSave ? 2 : static_cast<int>(cell % 3);
            at(c.x + static_cast<float>(col) * (cw + gap()), y + static_cast<float>(cell / 3) * (cell_h + gap()));
            ButtonOpts o;
            if (i == kPhoto) {
                // Two cells wide and one line high, like Save: the photo itself, then "Photo:
                // perceuse.jpg". With a photos folder, a tap chooses it from a USB stick.
                float px = c.x;
                float pw = 2 * cw + gap();
                if (v.pictures && !f.photo.empty()) {
                    draw_picture(v.pictures->get(f.photo), px, ImGui::GetCursorPosY(), th * 1.3f, th, "photo_preview", &v.tr);
                    px += th * 1.3f + gap();
                    pw -= th * 1.3f + gap();
                    at(px, ImGui::GetCursorPosY());
                }
                o.tone = f.field == i ? Tone::selected : Tone::normal;
                const std::string shown = v.tr.fmt("Photo: {0}", {f.photo.empty() ? std::string("—") : f.photo});
                if (button(ellipsize(shown, pw - fs), "photo", ImVec2(pw, th), o)) {
                    if (v.pictures) {
                        ui.usb_pictures = removable_pictures(v.usb_roots);
                        ui.photo_problem.clear();
                        ui.page = 0;
                        ui.step = ToolsUi::Step::photo_pick;
                        return Next::stay;
                    }
                    f.field = i;
                    f.typing = compact;
                    ui.form_keys = KeyboardState{};
                }
            } else if (i < kFields) {
                const Field& fd = fields[i];
                o.tone = f.field == i ? Tone::selected : Tone::normal;
                o.caption = v.tr(fd.msgid);
                // The value on as many lines as the cell holds above its name (larger text
                // wraps a long name rather than cut it), "…" past them.
                const auto lines = static_cast<std::size_t>(std::max(1.0f, std::floor((cell_h - fs * 0.72f - fs * 0.6f) / fs)));
                const std::string shown = fd.text->empty() ? std::string("—") : ellipsize_lines(*fd.text, cw - fs * 0.7f, lines);
                if (button(shown, fd.id, ImVec2(cw, cell_h), o)) {
                    f.field = i;
                    f.typing = compact;
                    ui.form_keys = KeyboardState{};
                }
            } else if (i == kCondition) {
                // Condition: each tap moves to the next (good, worn, damaged, broken).
                o.caption = v.tr("Condition");
                o.tone = f.condition == core::ToolCondition::damaged || f.condition == core::ToolCondition::broken ? Tone::danger
                                                                                                                 : Tone::normal;
                if (button(condition_label(v.tr, f.condition), "condition", ImVec2(cw, cell_h), o))
                    f.condition = static_cast<core::ToolCondition>((static_cast<int>(f.condition) + 1) % 4);
            } else {
                o.tone = Tone::primary;
                o.enabled = ui.pending == 0;
                if (button(v.tr("Save"), "save", ImVec2(cw, th), o)) {
                    core::Tool t = existing ? *existing : core::Tool{};
                    t.name = f.name;
                    t.category = f.category;
                    t.tag = f.tag;
                    t.location = f.location;
                    t.notes = f.notes;
                    t.photo = f.photo.empty() ? std::nullopt : std::optional<std::string>(f.photo);
                    t.condition = f.condition;
                    int days = 0;
                    const auto* end = f.days.data() + f.days.size();
                    const auto [p, ec] = std::from_chars(f.days.data(), end, days);
                    std::optional<core::Problem> bad;
                    if (ec != std::errc{} || p != end || days < 1 || days > 365)
                        bad = core::problem("Loan days: a whole number from 1 to 365");
                    t.loan_days = days;
                    if (!bad) {
                        // The station checks the range too; a form that cannot parse says so here.
                        int renewals = -1;
                        const auto* rend = f.renewals.data() + f.renewals.size();
                        const auto [rp, rec] = std::from_chars(f.renewals.data(), rend, renewals);
                        if (rec != std::errc{} || rp != rend || renewals < 0 || renewals > 20)
                            bad = core::problem("Renewals go from 0 to 20 (got {0})", {f.renewals.empty() ? "—" : f.renewals});
                        t.max_renewals = renewals;
                    }
                    if (!bad) {
                        if (f.deposit.empty()) t.deposit_cents = 0;
                        else if (auto cents = core::parse_euros(f.deposit)) t.deposit_cents = *cents;
                        else bad = cents.error();
                    }
                    if (bad) {
                        ui.form_problem = v.tr.problem(*bad);
                    } else {
                        // A repaired tool (good or worn again) goes back on the shelf.
                        if (existing && existing->status == core::ToolStatus::in_repair &&
                            (t.condition == core::ToolCondition::good || t.condition == core::ToolCondition::worn))
                            t.status = core::ToolStatus::available;
                        if (existing) ui.pending = out.post(app::SetTool{t, {}, {}, v.viewer.id});
                        else ui.pending = out.post(app::AddTool{t, v.viewer.id});
                        ui.form_problem.clear();
                    }
                }
            }
        }
    }
    if (!compact) keys_for(fields[f.field], Box{c.x, c.y + c.h - kb_h, c.w, kb_h});
    return Next::stay;
}

Next draw_pick_member(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    if (host_header(v, c, v.tr("Lend for a member: who?")) == 1) {
        ui.step = ToolsUi::Step::menu;
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY();
    const float kb_h = std::floor(c.h * 0.42f);
    at(c.x, y);
    text_field(ui.member_search, v.tr("Name of the member"), "member_field", ImVec2(c.w, th));
    // With nothing typed: who is in now; else every member whose name matches.
    std::vector<std::pair<core::MemberId, std::string>> who;
    if (ui.member_search.empty()) {
        for (const auto& p : v.snap->present)
            if (p.id != v.viewer.id) who.emplace_back(p.id, p.name);
    } else {
        for (const auto& [id, m] : v.snap->directory->members)
            if (id != v.viewer.id && name_matches(m.display_name, ui.member_search)) who.emplace_back(id, m.display_name);
    }
    const float list_y = y + th + gap();
    const Box b{c.x, list_y, c.w, c.y + c.h - kb_h - gap() - list_y};
    const int cols = b.w > fs * 40 ? 3 : 2;
    const float cw = (b.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const int rows = std::max(1, static_cast<int>(std::floor((b.h + gap()) / (th + gap()))));
    if (who.empty()) {
        at(b.x, b.y);
        text_block(ui.member_search.empty() ? v.tr("Nobody else is in: type a name.") : v.tr("No member matches."), "none", b.w,
                   Align::left, nullptr, colors::kMuted);
    }
    {
        IdScope list("members");
        for (std::size_t i = 0; i < who.size() && i < static_cast<std::size_t>(rows * cols); ++i) {
            IdScope row(who[i].first);
            at(b.x + static_cast<float>(static_cast<int>(i) % cols) * (cw + gap()),
               b.y + static_cast<float>(static_cast<int>(i) / cols) * (th + gap()));
            if (button(ellipsize(who[i].second, cw - fs), "pick", ImVec2(cw, th))) {
                ui.for_member = who[i].first;
                out.post(app::ToolFlow{app::ToolFlow::Mode::borrow, who[i].first, v.viewer.id});
                ui.step = ToolsUi::Step::borrow;
                ui.days = 0;
                ui.page = 0;
                ui.message.clear();
            }
        }
    }
    at(c.x, c.y + c.h - kb_h);
    draw_keyboard(ui.member_search, ui.member_keys, v.tr.lang, ImVec2(c.w, kb_h), 40, v.tr);
    return Next::stay;
}

Next draw_retire(const ToolsScreenView& v, ToolsUi& ui, Commands& out) {
    take_reply(v, ui);
    const core::Tool* t = v.snap->tools->find(ui.retire);
    if (ui.step != ToolsUi::Step::retire || !t) {
        if (t) ui.message = v.tr.fmt("{0} is retired from the library.", {t->name});
        ui.step = ToolsUi::Step::inventory;
        return draw_inventory(v, ui, out, false);
    }
    const Box c = content();
    const float th = touch_height();
    if (host_header(v, c, v.tr("Retire a tool")) == 1) {
        ui.step = ToolsUi::Step::tool_form;
        return Next::stay;
    }
    text_block(v.tr.fmt("Retire {0} ({1})? It can no longer be lent, and its reservations are cancelled.", {t->name, t->tag}),
               "question", c.w);
    if (!ui.form_problem.empty()) text_block(ui.form_problem, "problem", c.w, Align::left, nullptr, colors::kError);
    const float y = ImGui::GetCursorPosY() + gap();
    const float bw = std::min(c.w * 0.45f, button_width(v.tr("Retire it"), 8.0f));
    at(c.x, y);
    ButtonOpts danger;
    danger.tone = Tone::danger;
    danger.enabled = ui.pending == 0;
    if (button(v.tr("Retire it"), "confirm", ImVec2(bw, th * 1.3f), danger))
        ui.pending = out.post(app::RetireTool{t->id, v.viewer.id});
    at(c.x + bw + gap(), y);
    if (button(v.tr("Keep it"), "cancel", ImVec2(bw, th * 1.3f))) {
        ui.form_problem.clear();
        ui.step = ToolsUi::Step::tool_form;
    }
    return Next::stay;
}

Next draw_photo_pick(const ToolsScreenView& v, ToolsUi& ui, Commands&) {
    IdScope scope("photo_pick");
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    ToolForm& f = ui.form;
    auto back = [&] {
        ui.step = ToolsUi::Step::tool_form;
        ui.page = 0;
        ui.photo_import = 0;
    };
    // The copy under way: its result sets the form's photo.
    if (ui.photo_import && v.pictures) {
        if (auto r = v.pictures->take_import(ui.photo_import)) {
            ui.photo_import = 0;
            if (*r) {
                f.photo = **r;
                v.pictures->forget(f.photo);
                back();
                return Next::stay;
            }
            ui.photo_problem = v.tr.problem(r->error());
        }
    }
    const bool busy = ui.photo_import != 0;
    if (host_header(v, c, v.tr("A photo from a USB stick")) == 1) {
        back();
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    // The bottom row: the pages on the left; no photo, or its name typed, on the right.
    const float bar_y = c.y + c.h - th;
    {
        const std::string none = v.tr("No photo"), typed = v.tr("Type the name");
        const float tw = button_width(typed, 5.0f), nw = button_width(none, 5.0f);
        at(c.x + c.w - tw, bar_y);
        if (button(typed, "type", ImVec2(tw, th))) {
            f.field = 8;  // the photo's name, on the keyboard
            ui.form_keys = KeyboardState{};
            back();
            return Next::stay;
        }
        at(c.x + c.w - tw - gap() - nw, bar_y);
        if (button(none, "none", ImVec2(nw, th))) {
            f.photo.clear();
            back();
            return Next::stay;
        }
    }
    const std::string line = busy ? v.tr("Copying the photo…")
                             : !ui.photo_problem.empty() ? ui.photo_problem
                             : ui.usb_pictures.empty()
                                 ? v.tr("No picture (PNG or JPEG) on a USB stick: plug one in, then tap Photo again.")
                                 : v.tr("Tap the photo to copy it into the photos folder.");
    at(c.x, y);
    text_block(line, "hint", c.w, Align::left, nullptr, !ui.photo_problem.empty() && !busy ? colors::kError : colors::kMuted);
    y = ImGui::GetCursorPosY() + gap() * 0.5f;
    const int cols = c.w > fs * 30 ? 2 : 1;
    const float cell_w = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    // Each picture's thumbnail at the left of its name, taller rows for them.
    const float row_h = v.stick_pictures ? std::floor(th * 1.5f) : th;
    const float pic_w = v.stick_pictures ? std::floor(row_h * 1.3f) : 0.0f;
    const int rows = rows_fit(bar_y - gap() - y, row_h);
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(ui.usb_pictures.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= ui.usb_pictures.size()) break;
        const auto& p = ui.usb_pictures[k];
        IdScope row(static_cast<std::int64_t>(k));
        const float cx = c.x + static_cast<float>(i % cols) * (cell_w + gap()), cy = y + static_cast<float>(i / cols) * (row_h + gap());
        if (v.stick_pictures) draw_picture(v.stick_pictures->get(p.relative_path().string()), cx, cy, pic_w, row_h, "thumb", &v.tr);
        at(cx + (pic_w > 0 ? pic_w + gap() : 0.0f), cy);
        const float bw = cell_w - (pic_w > 0 ? pic_w + gap() : 0.0f);
        ButtonOpts o;
        o.enabled = !busy;
        // The stick's folder, then the file: "DCIM/perceuse.jpg".
        const std::string shown = (p.parent_path().filename() / p.filename()).string();
        if (button(ellipsize(shown, bw - fs), "pick", ImVec2(bw, row_h), o) && v.pictures) {
            ui.photo_problem.clear();
            ui.photo_import = v.pictures->import(p);
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, bar_y, th * 1.6f, th);
    return Next::stay;
}

}  // namespace etabli::gui
