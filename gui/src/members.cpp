// The hosts' members screen (see members.hpp). Layer: gui. GUI thread only.
//
// The form keeps the member as it will be saved (a MemberDraft); nothing is checked here but
// the station's reply is shown, so a host learns why a change was refused.
//
// Index: [Dates] [Search] [Form] [Entry]
#include <etabli/gui/members.hpp>

#include "kit.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <tuple>

namespace etabli::gui {

using namespace kit;
using namespace std::chrono;

// [Dates]
core::Date add_months(core::Date d, int months) {
    const year_month ym = year_month{d.year(), d.month()} + std::chrono::months{months};
    const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    return core::Date{ym.year(), ym.month(), std::min(d.day(), last)};
}

namespace {

constexpr std::size_t kSearchChars = 40;
constexpr std::size_t kNameChars = 80;
constexpr std::size_t kEmailChars = 120;

std::string role_label(const Tr& tr, core::Role r) {
    switch (r) {
        case core::Role::member: return tr("Member");
        case core::Role::volunteer: return tr("Volunteer");
        case core::Role::host: return tr("Host");
        case core::Role::admin: return tr("Admin");
    }
    return "";
}

std::string until_text(const Tr& tr, const std::optional<core::Date>& d) {
    return d ? tr.fmt("until {0}", {format_short_date(tr.lang, *d)}) : tr("no end date");
}

bool header(const MembersView& v, const std::string& title, const char* id) { return title_bar(v.fonts, title, v.tr("Back"), id); }

void message_line(const MembersUi& ui, float x, float y, float w) { outcome_line(ui.message, ui.message_ok, x, y, w); }

void open(MembersUi& ui, const core::Member& m) {
    ui.selected = m.id;
    ui.draft.display_name = m.display_name;
    ui.draft.email = m.email;
    ui.draft.role = m.role;
    ui.draft.valid_until = m.valid_until;
    ui.draft.lang = m.lang;
    ui.form_page = 0;
    ui.typing = MembersUi::Typing::none;
    ui.message.clear();
}

// [Search]
Next draw_search(const MembersView& v, MembersUi& ui) {
    IdScope scope("search");
    const app::Snapshot& s = *v.snap;
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    // Back, and the funders' pack: the year's members, visits, hours… (report.cpp).
    const int tapped = header_row(v.fonts, c, v.tr("Members"), {{v.tr("Back"), "back"}, {v.tr("Annual report"), "report"}});
    if (tapped == 1) return Next::home;
    if (tapped == 2) return Next::report;
    const float row_y = c.y + th + gap();
    at(c.x, row_y);
    text_field(ui.search, v.tr("Type a name"), "field", ImVec2(c.w, th));
    std::vector<const core::Member*> found;
    if (!ui.search.empty() && s.directory)
        for (const auto& [id, m] : s.directory->members)
            if (name_matches(m.display_name, ui.search)) found.push_back(&m);
    std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) { return a->display_name < b->display_name; });
    // Nothing typed yet: the memberships that end this month or ended last month, the members
    // a host reminds in person (the mailing's list and CSV: etabli membership ending).
    const std::chrono::year_month this_month{s.today.year(), s.today.month()};
    const auto last_month = this_month - std::chrono::months{1};
    if (ui.search.empty() && s.directory) {
        for (const auto& [id, m] : s.directory->members) {
            if (!m.valid_until) continue;
            const std::chrono::year_month at{m.valid_until->year(), m.valid_until->month()};
            if (at == this_month || at == last_month) found.push_back(&m);
        }
        std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) {
            return std::tie(*a->valid_until, a->display_name) < std::tie(*b->valid_until, b->display_name);
        });
    }

    const float kb_h = std::min(c.h * 0.45f, 4 * th + 3 * gap());
    const float kb_y = c.y + c.h - kb_h;
    float list_y = row_y + th + gap();
    const float msg_h = ui.message.empty() ? 0.0f : outcome_height(ui.message, c.w) + fs * 0.3f;
    // Each name with its caption (its role, or when its membership ends) under it.
    const float row_h = captioned_height(th);
    auto rows_from = [&](float y) { return static_cast<int>((kb_y - gap() - msg_h - y + gap()) / (row_h + gap())); };
    if (ui.search.empty() && !found.empty()) {
        // What the list is, when a row is left under it (larger text on a short screen: the
        // captions alone say it).
        const std::string ending = v.tr("Memberships ending this month or ended last month: tap a member to see their e-mail.");
        const float below = list_y + text_block_height(ending, c.w) + fs * 0.3f;
        if (rows_from(below) >= 1) {
            at(c.x, list_y);
            text_block(ending, "ending", c.w, Align::left, nullptr, colors::kMuted);
            list_y = below;
        }
    }
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float pb = fs * 2.6f;
    const float cell_w = (c.w - 2 * pb - 2 * gap() - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const int rows = std::max(1, rows_from(list_y));
    const int per_page = rows * cols;
    const int pages = std::max(1, (static_cast<int>(found.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    if (ui.search.empty() && found.empty()) {
        at(c.x, list_y);
        text_block(v.tr("Type the first letters of a name."), "hint", c.w, Align::left, nullptr, colors::kMuted);
    } else if (found.empty()) {
        at(c.x, list_y);
        text_block(v.tr("No member has that name."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    for (int i = 0; i < per_page; ++i) {
        const std::size_t idx = static_cast<std::size_t>(ui.page * per_page + i);
        if (idx >= found.size()) break;
        const core::Member& m = *found[idx];
        IdScope cell(m.id);
        at(c.x + static_cast<float>(i % cols) * (cell_w + gap()), list_y + static_cast<float>(i / cols) * (row_h + gap()));
        ButtonOpts o;
        if (ui.search.empty()) {
            // This month or the last: the day and month say it ("30/11", "30 Nov").
            const std::string d = format_short_date(v.tr.lang, *m.valid_until);
            const std::string day_month = d.size() > 5 ? d.substr(0, d.size() - 5) : d;
            o.caption = *m.valid_until >= s.today ? v.tr.fmt("ends {0}", {day_month}) : v.tr.fmt("ended {0}", {day_month});
        } else {
            o.caption = role_label(v.tr, m.role);
        }
        if (button(ellipsize(m.display_name, cell_w - fs), "pick", ImVec2(cell_w, row_h), o)) open(ui, m);
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - 2 * pb - gap(), list_y, pb, th);
    message_line(ui, c.x, kb_y - gap() - msg_h + fs * 0.1f, c.w);
    at(c.x, kb_y);
    if (draw_keyboard(ui.search, ui.search_keys, v.tr.lang, ImVec2(c.w, kb_h), kSearchChars, v.tr)) ui.page = 0;
    return Next::stay;
}

// [Form]
void draw_typing(const MembersView& v, MembersUi& ui) {
    IdScope scope("typing");
    const Box c = content();
    const float th = touch_height();
    const bool name = ui.typing == MembersUi::Typing::name;
    if (header(v, v.tr(name ? "Name" : core::N_("E-mail")), "done")) {
        ui.typing = MembersUi::Typing::none;
        return;
    }
    std::string email = ui.draft.email.value_or("");
    std::string& text = name ? ui.draft.display_name : email;
    at(c.x, c.y + th + gap());
    text_field(text, v.tr(name ? "First name and name" : core::N_("name@example.org")), "field", ImVec2(c.w, th));
    const float kb_y = c.y + 2 * (th + gap());
    at(c.x, kb_y);
    draw_keyboard(text, ui.form_keys, v.tr.lang, ImVec2(c.w, c.y + c.h - kb_y), name ? kNameChars : kEmailChars, v.tr);
    if (!name) ui.draft.email = email.empty() ? std::nullopt : std::optional<std::string>(email);
}

void draw_form(const MembersView& v, MembersUi& ui, Commands& out) {
    IdScope scope("edit");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, ui.draft.display_name, "back")) {
        ui.selected = 0;
        ui.message.clear();
        return;
    }
    const float label_w = std::min(c.w * 0.22f, fs * 8.0f);
    const float field_x = c.x + label_w + gap();
    const float field_w = c.w - label_w - gap();
    const float bar_y = c.y + c.h - th;
    // The roles, and the membership steps, take two rows when their labels do not fit one
    // (larger text).
    const auto one_row = [&](const std::vector<std::string>& labels, float w) {
        for (const auto& l : labels)
            if (ImGui::CalcTextSize(l.c_str()).x > w - fs * 0.7f) return false;
        return true;
    };
    const float cells4 = (field_w - 3 * gap()) / 4;
    const bool roles_split = !one_row({role_label(v.tr, core::Role::member), role_label(v.tr, core::Role::volunteer),
                                       role_label(v.tr, core::Role::host), role_label(v.tr, core::Role::admin)},
                                      cells4);
    const float until_text_w = std::min(field_w * 0.4f, fs * 14.0f);
    const bool until_split = !one_row({v.tr("-1 month"), v.tr("+1 month"), v.tr("+1 year"), v.tr("No end")},
                                      (field_w - until_text_w - 4 * gap()) / 4.0f);
    const float rows = 5.0f + (roles_split ? 1.0f : 0.0f) + (until_split ? 1.0f : 0.0f);
    const float room = bar_y - gap() - fs * 1.3f - (c.y + th + gap());
    // Larger text on a screen too short for every row at a finger's height: two pages, the
    // name, e-mail and role first, the membership and language next (ids prev/next).
    const float finger = fs * 100.0f / static_cast<float>(text_percent()) * 1.55f;  // a row a finger still taps
    const bool paged = room / rows - gap() < finger;
    if (!paged) ui.form_page = 0;
    const int page = paged ? std::clamp(ui.form_page, 0, 1) : -1;
    const float page_rows = page == 0 ? 3.0f + (roles_split ? 1.0f : 0.0f) : page == 1 ? 2.0f + (until_split ? 1.0f : 0.0f) : rows;
    const float row_h = std::min(th * 1.2f, room / page_rows - gap());
    float y = c.y + th + gap();
    auto label = [&](const char* msgid, const char* id) {
        at(c.x, y + (row_h - fs) * 0.5f);
        text_block(ellipsize(v.tr(msgid), label_w), id, label_w, Align::left, nullptr, colors::kMuted);
    };
    auto cells = [&](int n) { return (field_w - static_cast<float>(n - 1) * gap()) / static_cast<float>(n); };

    if (page != 1) {
        label("Name", "name_label");
        at(field_x, y);
        if (button(ellipsize(ui.draft.display_name, field_w - fs), "name", ImVec2(field_w, row_h))) {
            ui.typing = MembersUi::Typing::name;
            ui.form_keys = KeyboardState{};
            ui.form_keys.auto_capital = true;
        }
        y += row_h + gap();
        label("E-mail", "email_label");
        at(field_x, y);
        if (button(ellipsize(ui.draft.email.value_or(v.tr("none")), field_w - fs), "email", ImVec2(field_w, row_h))) {
            ui.typing = MembersUi::Typing::email;
            ui.form_keys = KeyboardState{};
        }
        y += row_h + gap();

        label("Role", "role_label");
        {
            IdScope roles("role");
            constexpr std::array<core::Role, 4> kRoles{core::Role::member, core::Role::volunteer, core::Role::host, core::Role::admin};
            const int per_row = roles_split ? 2 : 4;
            const float w = cells(per_row);
            for (std::size_t i = 0; i < kRoles.size(); ++i) {
                ButtonOpts o;
                o.tone = ui.draft.role == kRoles[i] ? Tone::selected : Tone::normal;
                at(field_x + static_cast<float>(static_cast<int>(i) % per_row) * (w + gap()),
                   y + static_cast<float>(static_cast<int>(i) / per_row) * (row_h + gap()));
                if (button(role_label(v.tr, kRoles[i]), std::string(core::to_string(kRoles[i])), ImVec2(w, row_h), o))
                    ui.draft.role = kRoles[i];
            }
        }
        y += (row_h + gap()) * (roles_split ? 2.0f : 1.0f);

    }
    if (page != 0) {
        // The end of membership: the date in words, then steps; "no end" clears it.
        label("Membership", "until_label");
        {
            IdScope until("until");
            const core::Date base = ui.draft.valid_until.value_or(v.snap->today);
            struct Step {
                const char* label;
                const char* id;
                int months;
            };
            constexpr std::array<Step, 3> kSteps{
                {{core::N_("-1 month"), "minus1m", -1}, {core::N_("+1 month"), "plus1m", 1}, {core::N_("+1 year"), "plus1y", 12}}};
            const float text_w = until_text_w;
            at(field_x, y + (row_h - fs) * 0.5f);
            text_block(ellipsize(until_text(v.tr, ui.draft.valid_until), text_w), "text", text_w);
            const float bx = field_x + text_w + gap();
            const int per_row = until_split ? 2 : 4;
            const float w = (field_w - text_w - gap() - static_cast<float>(per_row - 1) * gap()) / static_cast<float>(per_row);
            const auto place = [&](int i) {
                at(bx + static_cast<float>(i % per_row) * (w + gap()), y + static_cast<float>(i / per_row) * (row_h + gap()));
            };
            for (std::size_t i = 0; i < kSteps.size(); ++i) {
                place(static_cast<int>(i));
                if (button(v.tr(kSteps[i].label), kSteps[i].id, ImVec2(w, row_h))) ui.draft.valid_until = add_months(base, kSteps[i].months);
            }
            ButtonOpts none;
            none.tone = ui.draft.valid_until ? Tone::normal : Tone::selected;
            place(3);
            if (button(v.tr("No end"), "none", ImVec2(w, row_h), none)) ui.draft.valid_until.reset();
        }
        y += (row_h + gap()) * (until_split ? 2.0f : 1.0f);

        label("Language", "lang_label");
        {
            IdScope langs("lang");
            const float w = cells(2);
            for (int i = 0; i < 2; ++i) {
                const core::Lang l = i == 0 ? core::Lang::fr : core::Lang::en;
                ButtonOpts o;
                o.tone = ui.draft.lang == l ? Tone::selected : Tone::normal;
                at(field_x + static_cast<float>(i) * (w + gap()), y);
                if (button(l == core::Lang::fr ? "Français" : "English", std::string(core::to_string(l)), ImVec2(w, row_h), o))
                    ui.draft.lang = l;
            }
        }
        y += row_h + gap();
    }
    message_line(ui, c.x, std::max(y, bar_y - gap() - outcome_height(ui.message, c.w)), c.w);

    // An admin unlocks the member's PIN after a lockout, or forgets it.
    const app::PinState* pin = nullptr;
    if (v.viewer.role == core::Role::admin && v.snap)
        for (const auto& p : v.snap->pins)
            if (p.member == ui.selected && (p.set || p.locked_until)) pin = &p;
    float save_w = c.w;
    if (pin) {
        const bool locked = pin->locked_until.has_value();
        const std::string pin_label = v.tr(locked ? "Unlock the PIN" : core::N_("Forget the PIN"));
        const float pw = button_width(pin_label, 6.0f);
        save_w = c.w - pw - gap();
        at(c.x + save_w + gap(), bar_y);
        ButtonOpts o;
        o.tone = locked ? Tone::primary : Tone::danger;
        o.enabled = ui.pending == 0;
        if (button(pin_label, "pin", ImVec2(pw, th), o)) {
            ui.message.clear();
            ui.done_text = v.tr(locked ? "PIN unlocked." : core::N_("PIN forgotten: a new one is chosen at the next host action."));
            ui.pending = out.post(app::ResetPin{ui.selected, !locked, v.viewer.id});
        }
    }
    float save_x = c.x;
    if (paged) {
        const float pb = fs * 2.6f;
        ui.form_page = pager(page, 2, c.x, bar_y, pb, th);
        save_x += 2 * pb + 2 * gap();
        save_w -= 2 * pb + 2 * gap();
    }
    at(save_x, bar_y);
    ButtonOpts save;
    save.tone = Tone::primary;
    save.enabled = ui.pending == 0;
    if (button(v.tr("Save"), "save", ImVec2(save_w, th), save)) {
        ui.message.clear();
        ui.done_text = v.tr.fmt("{0} saved.", {ui.draft.display_name});
        ui.pending = out.post(app::EditMember{ui.selected, ui.draft, v.viewer.id});
    }
}

}  // namespace

// [Entry]
Next draw_members(const MembersView& v, MembersUi& ui, Commands& out) {
    if (!v.snap) return Next::home;
    IdScope scope("members");
    const app::Snapshot& s = *v.snap;
    if (ui.pending && s.last_reply && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        ui.message_ok = s.last_reply->ok;
        ui.message = s.last_reply->ok ? ui.done_text : v.tr.problem(s.last_reply->problem);
        if (s.last_reply->ok) ui.selected = 0;  // back to the search, which says it was saved
    }
    if (ui.selected && (!s.directory || !s.directory->find(ui.selected))) ui.selected = 0;
    if (!ui.selected) return draw_search(v, ui);
    if (ui.typing != MembersUi::Typing::none) draw_typing(v, ui);
    else draw_form(v, ui, out);
    return Next::stay;
}

}  // namespace etabli::gui
