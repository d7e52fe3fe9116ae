// The kiosk's payments for hosts (see payments.hpp). Layer: gui. GUI thread only (inside an
// ImGui frame).
//
// A membership paid at the counter: "Payments", "Membership", the member's first letters,
// their name, the plan, "Cash", "Save" — the station writes the receipt and the new end in one
// transaction, and the page says until when. The kiosk decides nothing: a closed day, an
// amount a fixed plan does not take, a plan no longer offered are the station's refusals,
// shown as they come.
//
// Index: [Helpers] [Day] [Member] [Membership] [Receipt] [Amount] [Closing] [Entry]
#include <etabli/gui/payments.hpp>

#include <etabli/app/features/money.hpp>

#include "form_kit.hpp"
#include "kit.hpp"

#include <algorithm>
#include <array>

namespace etabli::gui {

using namespace kit;
using namespace form;

namespace {

// [Helpers]
using Step = PaymentsUi::Step;
// At the counter: HelloAsso's payments come with its export (etabli membership import-helloasso).
constexpr std::array<core::PayMeans, 4> kMeans{core::PayMeans::cash, core::PayMeans::cheque, core::PayMeans::card,
                                               core::PayMeans::transfer};
constexpr std::array<core::ReceiptFor, 5> kKinds{core::ReceiptFor::repair, core::ReceiptFor::parts, core::ReceiptFor::consumables,
                                                 core::ReceiptFor::donation, core::ReceiptFor::other};
constexpr std::array<int, 6> kAmountChips{2, 5, 10, 15, 20, 30};  // euros

const app::MoneyView* money_of(const PaymentsView& v) { return v.snap ? v.snap->part<app::MoneyFeature>() : nullptr; }
const core::Plan* plan_of(const PaymentsView& v, std::optional<core::PlanId> id) {
    const auto* m = money_of(v);
    return m && id ? m->find(*id) : nullptr;
}
const core::Member* member_of(const PaymentsView& v, core::MemberId id) {
    return v.snap && v.snap->directory ? v.snap->directory->find(id) : nullptr;
}

void ask_journal(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    ui.journal_pending = out.post(app::ShowJournal{v.snap->today, v.viewer.id});
    ui.journal_asked = true;
}

// The station's answers before the frame is drawn: the day's journal, and the outcome of the
// line or closing under way (a success goes back to the day's page, whose journal is asked
// again; a refusal stays on the step with its reason).
void on_reply(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const auto& r = v.snap->last_reply;
    if (!r) return;
    if (ui.journal_pending && r->request_id == ui.journal_pending) {
        ui.journal_pending = 0;
        if (r->ok && r->journal) ui.journal = r->journal;
        else if (!r->ok) ui.message = v.tr.problem(r->problem), ui.message_ok = false;
        return;
    }
    if (!ui.pending || r->request_id != ui.pending) return;
    ui.pending = 0;
    if (!r->ok) {
        ui.message = v.tr.problem(r->problem);
        ui.message_ok = false;
        return;
    }
    std::string done;
    if (ui.step == Step::membership) {
        const core::Member* m = member_of(v, ui.member);
        const std::string name = m ? m->display_name : std::to_string(ui.member);
        done = r->until ? v.tr.fmt("{0}'s membership runs until {1}", {name, format_short_date(v.tr.lang, *r->until)})
                        : v.tr.fmt("{0}'s membership is recorded", {name});
    } else if (ui.step == Step::close) {
        done = v.tr("The day is closed: its totals are final");
    } else {
        done = v.tr("Receipt recorded");
    }
    ui = PaymentsUi{};
    ui.message = done;
    ui.message_ok = true;
    ask_journal(v, ui, out);
}

std::string total_of(const PaymentsView& v, const app::JournalDay& j) {
    return core::format_amount(v.tr.lang, j.totals.total_cents);
}

// The totals per means of `k`, one line each, from (x, y); returns the y below.
float totals_lines(const PaymentsView& v, const core::Closing& k, float x, float y, float w) {
    IdScope s("totals");
    for (const auto& [means, cents] : k.totals) {
        at(x, y);
        const std::string row = v.tr.fmt("{0}: {1}", {capital(v.tr(core::label(means))), core::format_amount(v.tr.lang, cents)});
        text_block(row, std::string(core::to_string(means)), w);
        y += text_block_height(row, w);
    }
    return y;
}

// [Day]
Next draw_day(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    if (!ui.journal_asked) ask_journal(v, ui, out);
    bool back = false;
    float y = header(v.fonts, v.tr("Payments"), {{v.tr("Back"), "back", Tone::normal, &back}});
    if (back) return Next::home;
    const auto* j = ui.journal.get();
    const bool closed = j && j->closing.has_value();
    at(c.x, y);
    const std::string when = capital(format_long_date(v.tr.lang, v.snap->today));
    text_block(when, "day", c.w, Align::left, nullptr, colors::kMuted);
    y += text_block_height(when, c.w) + gap() * 0.5f;
    if (j) {
        const std::string sum = j->lines.empty()     ? v.tr("No receipt yet today")
                                : j->lines.size() == 1 ? v.tr.fmt("1 receipt today, {0} in all", {total_of(v, *j)})
                                                       : v.tr.fmt("{0} receipts today, {1} in all", {std::to_string(j->lines.size()), total_of(v, *j)});
        at(c.x, y);
        text_block(sum, "summary", c.w);
        y += text_block_height(sum, c.w);
        y = totals_lines(v, j->totals, c.x, y, c.w);
        if (closed) {
            at(c.x, y);
            const std::string t = v.tr("Closed: the day takes no more receipts");
            text_block(t, "closed", c.w, Align::left, nullptr, colors::kAccent);
            y += text_block_height(t, c.w);
        }
    }
    y += gap();
    // Three actions, side by side when they fit, else one under the other.
    const std::array<std::pair<std::string, const char*>, 3> actions{
        {{v.tr("Membership"), "membership"}, {v.tr("Other receipt"), "receipt"}, {v.tr("Close the day"), "close"}}};
    const float bw = cell_width(c.w, 3);
    bool stacked = false;
    for (const auto& a : actions) stacked |= label_height(a.first, bw, th) > th * 1.6f;
    const float bh = stacked ? th : std::max(th * 1.4f, [&] {
        float h = th;
        for (const auto& a : actions) h = std::max(h, label_height(a.first, bw, th));
        return h;
    }());
    for (std::size_t i = 0; i < actions.size(); ++i) {
        const float x = stacked ? c.x : c.x + static_cast<float>(i) * (bw + gap());
        const float yy = stacked ? y + static_cast<float>(i) * (th + gap()) : y;
        at(x, yy);
        ButtonOpts o;
        o.tone = i == 0 ? Tone::primary : Tone::normal;
        o.enabled = !closed && j != nullptr;
        if (button(actions[i].first, actions[i].second, ImVec2(stacked ? c.w : bw, bh), o)) {
            ui.message.clear();
            if (i == 0) ui.step = Step::member;
            if (i == 1) ui.step = Step::receipt;
            if (i == 2) ui.step = Step::close;
        }
    }
    y += stacked ? 3 * (th + gap()) : bh + gap();
    const float msg_h = ui.message.empty() ? 0.0f : outcome_height(ui.message, c.w) + gap();
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
    y += msg_h;
    // The day's lines, the latest first, as many as the room holds.
    if (j) {
        IdScope rows("line");
        const float line_h = ImGui::GetFontSize() * 1.25f;
        for (auto it = j->lines.rbegin(); it != j->lines.rend() && y + line_h <= c.y + c.h; ++it) {
            std::string row = v.tr.fmt("No. {0}", {std::to_string(it->id)}) + " · " + capital(v.tr(core::label(it->what)));
            if (!it->label.empty()) row += " (" + it->label + ")";
            row += " · " + core::format_amount(v.tr.lang, it->amount_cents) + " · " + v.tr(core::label(it->means));
            at(c.x, y);
            text_block(ellipsize(row, c.w), std::to_string(it->id), c.w, Align::left, nullptr, it->corrects ? colors::kMuted : colors::kText);
            y += line_h;
        }
    }
    return Next::stay;
}

// [Member]
void draw_member(const PaymentsView& v, PaymentsUi& ui) {
    const Box c = content();
    bool back = false;
    const float y = header(v.fonts, v.tr("Whose membership?"), {{v.tr("Back"), "back", Tone::normal, &back}});
    if (back) {
        ui.step = Step::day;
        return;
    }
    const auto picked = member_picker(v.tr, v.snap->directory.get(), c, y, {ui.search, ui.search_keys, ui.page});
    if (picked.member) {
        ui.member = picked.member->id;
        ui.step = Step::membership;
        ui.form_page = 0;
        ui.plan.reset();
        ui.cents.reset();
        ui.amount_text.clear();
        ui.means.reset();
        ui.message.clear();
    }
}

float heading_height(const std::string& text, float w) { return text_block_height(text, w) + gap() * 0.5f; }
std::vector<Chip> amount_list(const PaymentsView& v, const PaymentsUi& ui) {
    std::vector<Chip> amounts;
    for (int e : kAmountChips) amounts.push_back({euros(v.tr.lang, e), std::to_string(e), ui.amount_text.empty() && ui.cents == e * 100LL});
    const std::string other = ui.amount_text.empty() ? v.tr("Other amount") : core::format_amount(v.tr.lang, ui.cents.value_or(0));
    amounts.push_back({other, "other", !ui.amount_text.empty()});
    return amounts;
}
std::vector<Chip> means_list(const PaymentsView& v, const PaymentsUi& ui) {
    std::vector<Chip> means;
    for (auto m : kMeans) means.push_back({capital(v.tr(core::label(m))), std::string(core::to_string(m)), ui.means == m});
    return means;
}

// The amount chips (and "Other amount") from (x, y), `y` moved below; true when "Other" was tapped.
bool amount_chips(const PaymentsView& v, PaymentsUi& ui, float x, float& y, float w) {
    const auto amounts = amount_list(v, ui);
    IdScope s("amount");
    if (const int k = chips(amounts, x, y, w, 7); k >= 0) {
        if (k < static_cast<int>(kAmountChips.size())) {
            ui.cents = kAmountChips[static_cast<std::size_t>(k)] * 100LL;
            ui.amount_text.clear();
        } else {
            return true;
        }
    }
    return false;
}

void means_chips(const PaymentsView& v, PaymentsUi& ui, float x, float& y, float w) {
    const auto means = means_list(v, ui);
    IdScope s("means");
    if (const int k = chips(means, x, y, w, 4); k >= 0) ui.means = kMeans[static_cast<std::size_t>(k)];
}

void open_amount(PaymentsUi& ui) {
    ui.amount_from = ui.step;
    ui.step = Step::amount;
    ui.amount_keys = KeyboardState{false, false, false, true};
}

// How it was paid: what the first page chose (`chosen`, a form on two pages; empty: none),
// then the means chips; returns the y below.
float paid_by(const PaymentsView& v, PaymentsUi& ui, const std::string& chosen, const std::string& means_h, float x, float y, float w) {
    if (!chosen.empty()) {
        at(x, y);
        text_block(chosen, "chosen", w, Align::left, nullptr, colors::kAccent);
        y += text_block_height(chosen, w) + gap() * 0.5f;
    }
    y = heading(means_h, "means_label", x, y, w);
    means_chips(v, ui, x, y, w);
    return y;
}

// The header of a form that may go on two pages: Back (to the first page, or to `back_to`),
// then Next on the first of two pages (enabled when `chosen`) or Save (enabled when `ready`).
// Returns the y below it, whether Save was tapped (and may be), and `left` when the page or step changed.
struct FormTop {
    float y = 0;
    bool save = false, left = false;
};
FormTop form_top(const PaymentsView& v, PaymentsUi& ui, const std::string& title, bool split, bool chosen, bool ready, Step back_to) {
    if (!split) ui.form_page = 0;
    const bool first = ui.form_page == 0;
    bool back = false, save = false, next = false;
    std::vector<TapButton> buttons{{v.tr("Back"), "back", Tone::normal, &back}};
    if (split && first) buttons.push_back({v.tr("Next"), "next", Tone::primary, &next, chosen});
    else buttons.push_back({v.tr("Save"), "save", Tone::primary, &save, ready});
    FormTop top;
    top.y = header(v.fonts, title, buttons);
    if (back) {
        if (split && !first) ui.form_page = 0;
        else ui.step = back_to;
        ui.message.clear();
        top.left = true;
    } else if (next) {
        ui.form_page = 1;
        top.left = true;
    }
    top.save = save && ready;
    return top;
}

// [Membership]
// A form too tall for the screen (larger text, a short screen) goes in two pages: what is paid,
// then how (`form_page`).
void draw_membership(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const Box c = content();
    const core::Member* m = member_of(v, ui.member);
    const core::Plan* plan = plan_of(v, ui.plan);
    const bool priced = plan && (!plan->free_price || ui.cents);
    const bool ready = m && plan && priced && ui.means && ui.pending == 0;
    std::vector<Chip> plans;
    std::vector<core::PlanId> ids;
    if (const auto* money = money_of(v))
        for (const auto& p : money->plans)
            if (p.active) {
                plans.push_back({p.free_price ? p.name : p.name + " " + core::format_amount(v.tr.lang, p.price_cents), std::to_string(p.id),
                                 ui.plan == p.id});
                ids.push_back(p.id);
            }
    const std::string now = !m ? std::string()
                            : m->valid_until ? v.tr.fmt("Member until {0}", {format_short_date(v.tr.lang, *m->valid_until)})
                                             : v.tr("No end of membership recorded");
    const std::string plan_h = v.tr("Plan"), means_h = v.tr("Paid by");
    const std::string amount_h = plan && plan->free_price ? v.tr.fmt("Amount paid (suggested: {0})", {core::format_amount(v.tr.lang, plan->price_cents)})
                                                          : std::string();
    // Whether it all holds under the header (its height is a touch target, or two lines).
    const float top = c.y + touch_height() + gap() + ImGui::GetFontSize() * 0.5f;
    float need = text_block_height(now, c.w) + gap() * 0.5f + heading_height(plan_h, c.w) + chips_height(plans, c.w, 3) +
                 heading_height(means_h, c.w) + chips_height(means_list(v, ui), c.w, 4) + outcome_height(ui.message, c.w);
    if (!amount_h.empty()) need += heading_height(amount_h, c.w) + chips_height(amount_list(v, ui), c.w, 7);
    const bool split = top + need > c.y + c.h;
    const auto form = form_top(v, ui, m ? m->display_name : v.tr("Membership"), split, m && plan && priced, ready, Step::member);
    if (form.left) return;
    const bool first = ui.form_page == 0;
    float y = form.y;
    if (form.save) {
        std::optional<std::int64_t> paid;
        if (plan->free_price) paid = ui.cents;
        ui.pending = out.post(app::PayMembership{m->id, plan->id, paid, *ui.means, v.viewer.id});
        ui.message.clear();
    }
    if (!now.empty()) {
        at(c.x, y);
        text_block(now, "until", c.w, Align::left, nullptr, colors::kMuted);
        y += text_block_height(now, c.w) + gap() * 0.5f;
    }
    if (plans.empty()) {
        at(c.x, y);
        const std::string none = v.tr("No plan is offered yet: an admin adds them with etabli plan add");
        text_block(none, "no_plan", c.w, Align::left, nullptr, colors::kError);
        return;
    }
    if (first) {
        y = heading(plan_h, "plan_label", c.x, y, c.w);
        {
            IdScope s("plan");
            if (const int k = chips(plans, c.x, y, c.w, 3); k >= 0) {
                ui.plan = ids[static_cast<std::size_t>(k)];
                ui.cents.reset();
                ui.amount_text.clear();
            }
        }
        if (!amount_h.empty()) {
            y = heading(amount_h, "amount_label", c.x, y, c.w);
            if (amount_chips(v, ui, c.x, y, c.w)) {
                open_amount(ui);
                return;
            }
        }
    }
    if (!split || !first)
        y = paid_by(v, ui, split && plan ? plan->name + " · " + core::format_amount(v.tr.lang, plan->free_price ? ui.cents.value_or(0) : plan->price_cents)
                                         : std::string(),
                    means_h, c.x, y, c.w);
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
}

// [Receipt]
void draw_receipt(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const Box c = content();
    const bool ready = ui.what && ui.cents && ui.means && ui.pending == 0;
    std::vector<Chip> kinds;
    for (auto k : kKinds) kinds.push_back({capital(v.tr(core::label(k))), std::string(core::to_string(k)), ui.what == k});
    const std::string what_h = v.tr("For"), amount_h = v.tr("Amount"), means_h = v.tr("Paid by");
    const float top = c.y + touch_height() + gap() + ImGui::GetFontSize() * 0.5f;
    const float need = heading_height(what_h, c.w) + chips_height(kinds, c.w, 5) + heading_height(amount_h, c.w) +
                       chips_height(amount_list(v, ui), c.w, 7) + heading_height(means_h, c.w) + chips_height(means_list(v, ui), c.w, 4) +
                       outcome_height(ui.message, c.w);
    const bool split = top + need > c.y + c.h;
    const auto form = form_top(v, ui, v.tr("Other receipt"), split, ui.what && ui.cents, ready, Step::day);
    if (form.left) return;
    const bool first = ui.form_page == 0;
    float y = form.y;
    if (form.save) {
        core::Receipt r;
        r.amount_cents = *ui.cents;
        r.means = *ui.means;
        r.what = *ui.what;
        ui.pending = out.post(app::RecordReceipt{r, v.viewer.id});
        ui.message.clear();
    }
    if (first) {
        y = heading(what_h, "what_label", c.x, y, c.w);
        {
            IdScope s("what");
            if (const int k = chips(kinds, c.x, y, c.w, 5); k >= 0) ui.what = kKinds[static_cast<std::size_t>(k)];
        }
        y = heading(amount_h, "amount_label", c.x, y, c.w);
        if (amount_chips(v, ui, c.x, y, c.w)) {
            open_amount(ui);
            return;
        }
    }
    if (!split || !first)
        y = paid_by(v, ui, split && ui.what && ui.cents ? capital(v.tr(core::label(*ui.what))) + " · " + core::format_amount(v.tr.lang, *ui.cents)
                                                        : std::string(),
                    means_h, c.x, y, c.w);
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
}

// [Amount]
void draw_amount(const PaymentsView& v, PaymentsUi& ui) {
    const Box c = content();
    const float th = touch_height();
    bool ok = false, cancel = false;
    float y = header(v.fonts, v.tr("Amount"), {{v.tr("Cancel"), "cancel", Tone::normal, &cancel}, {v.tr("OK"), "amount_done", Tone::primary, &ok}});
    if (cancel) {
        ui.amount_text.clear();
        ui.step = ui.amount_from;
        ui.message.clear();
        return;
    }
    if (ok) {
        if (auto cents = core::parse_amount(ui.amount_text)) {
            ui.cents = *cents;
            ui.step = ui.amount_from;
            ui.message.clear();
            return;
        } else {
            ui.message = v.tr.problem(cents.error());
            ui.message_ok = false;
        }
    }
    at(c.x, y);
    text_field(ui.amount_text, v.tr("e.g. 45 or 37,50"), "field", ImVec2(c.w, th));
    y += th + gap();
    float kb_top = y;
    if (!ui.message.empty()) {
        outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
        kb_top += outcome_height(ui.message, c.w) + gap();
    }
    at(c.x, kb_top);
    if (draw_keyboard(ui.amount_text, ui.amount_keys, v.tr.lang, ImVec2(c.w, c.y + c.h - kb_top), 12, v.tr)) ui.message.clear();
}

// [Closing]
void draw_close(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const Box c = content();
    const auto* j = ui.journal.get();
    bool back = false, confirm = false;
    float y = header(v.fonts, v.tr("Close the day"),
                     {{v.tr("Back"), "back", Tone::normal, &back}, {v.tr("Confirm"), "confirm", Tone::primary, &confirm, j && ui.pending == 0}});
    if (back) {
        ui.step = Step::day;
        ui.message.clear();
        return;
    }
    if (confirm && j) {
        ui.pending = out.post(app::CloseDay{v.snap->today, v.viewer.id});
        ui.message.clear();
    }
    at(c.x, y);
    const std::string what = v.tr("Count the cash and the cheques: the totals below become final, and the day takes no more receipts.");
    text_block(what, "explain", c.w);
    y += text_block_height(what, c.w) + gap() * 0.5f;
    if (j) {
        const std::string sum = j->lines.size() == 1 ? v.tr.fmt("1 receipt, {0} in all", {total_of(v, *j)})
                                                     : v.tr.fmt("{0} receipts, {1} in all", {std::to_string(j->lines.size()), total_of(v, *j)});
        at(c.x, y);
        text_block(sum, "summary", c.w, Align::left, title_font(v.fonts));
        y += text_block_height(sum, c.w) * 1.3f;
        y = totals_lines(v, j->totals, c.x, y, c.w);
    }
    outcome_line(ui.message, ui.message_ok, c.x, y + gap(), c.w);
}

}  // namespace

// [Entry]
Next draw_payments(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    IdScope scope("payments");
    on_reply(v, ui, out);
    switch (ui.step) {
    case Step::day: return draw_day(v, ui, out);
    case Step::member: draw_member(v, ui); break;
    case Step::membership: draw_membership(v, ui, out); break;
    case Step::receipt: draw_receipt(v, ui, out); break;
    case Step::amount: draw_amount(v, ui); break;
    case Step::close: draw_close(v, ui, out); break;
    }
    return Next::stay;
}

}  // namespace etabli::gui
