// The kiosk's payments for hosts (see payments.hpp). Layer: gui. GUI thread only (inside an
// ImGui frame).
//
// A membership paid at the counter: "Payments", "Membership", the member's first letters,
// their name, the plan, "Cash", "Save" — the station writes the receipt and the new end in one
// transaction, and the page says until when. The kiosk decides nothing: a closed day, an
// amount a fixed plan does not take, a plan no longer offered are the station's refusals,
// shown as they come.
//
// The HelloAsso import: "Payments", "HelloAsso import", the export's file on the USB stick — read
// and checked here, so a file with another form's columns or a bad line sends nothing —, then
// "Import": the station renews the members it matches, all or nothing, and says how many; each
// payer it could not match is a button that opens a member search ("it is Zoé L.") or creates
// the member from the payer's name and e-mail, and the same file goes again with that choice
// (what was imported before changes nothing).
//
// Index: [Helpers] [Day] [Member] [Membership] [Receipt] [Amount] [Closing] [HelloAsso] [Entry]
#include <etabli/gui/payments.hpp>

#include <etabli/app/features/money.hpp>
#include <etabli/gui/pictures.hpp>

#include "form_kit.hpp"
#include "kit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

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

// [HelloAsso] "3 memberships renewed": French counts none and one in the singular, English one only.
std::string count_of(const PaymentsView& v, std::size_t n, const char* one, const char* many) {
    const bool singular = n == 1 || (n == 0 && v.tr.lang == core::Lang::fr);
    return v.tr.fmt(singular ? one : many, {std::to_string(n)});
}

// The file's payments sent again with the payers attached so far.
void send_import(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    HelloAssoUi& h = ui.helloasso;
    h.import_pending = ui.pending = out.post(app::ImportHelloAsso{h.payments, v.viewer.id, h.attach});
    ui.message.clear();
}

// The station's answer to an import (or to the creation of a payer's member, which the
// import then follows); false when `r` answers neither.
bool on_helloasso_reply(const PaymentsView& v, PaymentsUi& ui, Commands& out, const app::Reply& r) {
    HelloAssoUi& h = ui.helloasso;
    if (h.create_pending && r.request_id == h.create_pending) {
        h.create_pending = 0;
        if (!r.ok || !r.member || !h.summary || !h.payer || *h.payer >= h.summary->unmatched.size()) {
            ui.message = r.ok ? v.tr("The member was not created") : v.tr.problem(r.problem);
            ui.message_ok = false;
            return true;
        }
        h.attach[h.summary->unmatched[*h.payer].reference] = *r.member;
        h.created.insert(h.summary->unmatched[*h.payer].reference);
        send_import(v, ui, out);
        return true;
    }
    if (!h.import_pending || r.request_id != h.import_pending) return false;
    h.import_pending = 0;
    if (ui.pending == r.request_id) ui.pending = 0;
    if (!r.ok || !r.helloasso) {
        ui.message = r.ok ? v.tr("The station did not say what it imported") : v.tr.problem(r.problem);
        ui.message_ok = false;
        // A payer's choice the station refused is forgotten: the host chooses again. Not a
        // member created for them: they exist now, and a second tap would make a second one.
        if (h.payer && h.summary && *h.payer < h.summary->unmatched.size() && !h.created.contains(h.summary->unmatched[*h.payer].reference))
            h.attach.erase(h.summary->unmatched[*h.payer].reference);
        return true;
    }
    const auto& s = *r.helloasso;
    if (!h.imported) h.already = s.already.size();
    h.imported = true;
    h.renewed.insert(h.renewed.end(), s.renewed.begin(), s.renewed.end());
    h.summary = r.helloasso;
    ui.message_ok = true;
    if (h.payer && s.renewed.size() == 1) {
        const core::Member* m = member_of(v, s.renewed[0].member);
        ui.message = v.tr.fmt("{0}'s membership runs until {1}",
                              {m ? m->display_name : std::to_string(s.renewed[0].member), format_short_date(v.tr.lang, s.renewed[0].until)});
    } else {
        ui.message = count_of(v, h.renewed.size(), core::N_("{0} membership renewed"), core::N_("{0} memberships renewed")) + ", " +
                     count_of(v, h.already, core::N_("{0} was imported before"), core::N_("{0} were imported before")) + ", " +
                     count_of(v, s.unmatched.size(), core::N_("{0} payer to attach"), core::N_("{0} payers to attach"));
    }
    h.payer.reset();
    if (ui.step == Step::helloasso_payer) ui.step = Step::helloasso;
    if (ui.step == Step::helloasso) ui.page = 0;
    return true;
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
    if (on_helloasso_reply(v, ui, out, *r)) return;
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

// The CSV files on the hosts' USB sticks (HelloAsso's export is one).
std::vector<std::filesystem::path> usb_csv_files(const PaymentsView& v) {
    return removable_files(v.usb_roots, [](const std::filesystem::path& p) {
        std::string ext = p.extension().string();
        for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return ext == ".csv";
    });
}
void open_helloasso(const PaymentsView& v, PaymentsUi& ui) {
    ui.helloasso = HelloAssoUi{};
    ui.helloasso.files = usb_csv_files(v);
    ui.step = Step::helloasso_files;
    ui.page = 0;
    ui.message.clear();
}

// [Day]
Next draw_day(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    if (!ui.journal_asked) ask_journal(v, ui, out);
    bool back = false, helloasso = false;
    // HelloAsso once the line under way is answered (both wait on one request).
    float y = header(v.fonts, v.tr("Payments"),
                     {{v.tr("Back"), "back", Tone::normal, &back}, {v.tr("HelloAsso import"), "helloasso", Tone::normal, &helloasso, ui.pending == 0}});
    if (back) return Next::home;
    if (helloasso) {
        open_helloasso(v, ui);
        return Next::stay;
    }
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

// [HelloAsso]
constexpr std::uintmax_t kMaxExportBytes = 16u << 20;  // a 2,000-member export is well under 1 MB

// Reads and checks the export at `path`; true when its payments are ready to import, else the
// reason is in `h.problem` and nothing is kept.
bool read_export(const PaymentsView& v, HelloAssoUi& h, const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    std::string bytes;
    if (!ec && size <= kMaxExportBytes) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        if (!in.bad()) bytes = ss.str();
        else ec = std::make_error_code(std::errc::io_error);
    }
    if (ec) {
        h.problem = v.tr.problem(core::problem("Cannot read \"{0}\"", {name}));
        return false;
    }
    if (size > kMaxExportBytes) {
        h.problem = v.tr.problem(core::problem("\"{0}\" is too large to be a HelloAsso export ({1} MB)", {name, std::to_string(size >> 20)}));
        return false;
    }
    auto parsed = core::parse_helloasso_csv(bytes);
    if (!parsed) {
        const auto& errors = parsed.error();
        std::string why;
        if (!errors.empty()) {
            const auto& e = errors.front();
            why = e.line > 0 ? v.tr.fmt("Line {0}: {1}", {std::to_string(e.line), v.tr.problem(e.problem)}) : v.tr.problem(e.problem);
        }
        h.problem = v.tr.fmt("{0}: nothing imported. {1}", {name, why});
        if (errors.size() > 1) h.problem += " " + v.tr.fmt("({0} more problems)", {std::to_string(errors.size() - 1)});
        return false;
    }
    if (parsed->empty()) {
        h.problem = v.tr.fmt("{0} holds no paid membership", {name});
        return false;
    }
    h.file = path;
    h.payments = std::move(*parsed);
    h.attach.clear();
    h.summary.reset();
    h.renewed.clear();
    h.already = 0;
    h.imported = false;
    h.payer.reset();
    h.problem.clear();
    return true;
}

// The files on the sticks: one tap reads and checks one.
void draw_helloasso_files(const PaymentsView& v, PaymentsUi& ui) {
    HelloAssoUi& h = ui.helloasso;
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    bool back = false, rescan = false;
    float y = header(v.fonts, v.tr("HelloAsso export"), {{v.tr("Back"), "back", Tone::normal, &back}, {v.tr("Look again"), "rescan", Tone::normal, &rescan}});
    if (back) {
        ui.step = Step::day;
        ui.journal_asked = false;  // the import may have added lines
        ui.message.clear();
        return;
    }
    if (rescan) {
        h.files = usb_csv_files(v);
        h.problem.clear();
        ui.page = 0;
    }
    const std::string hint = !h.problem.empty() ? h.problem
                             : h.files.empty()
                                 ? v.tr("No CSV file on a USB stick: plug in the stick that holds the export of your HelloAsso membership form, then tap Look again.")
                                 : v.tr("Tap the export of your HelloAsso membership form (a CSV file, as HelloAsso wrote it).");
    at(c.x, y);
    text_block(hint, "hint", c.w, Align::left, nullptr, h.problem.empty() ? colors::kMuted : colors::kError);
    y += text_block_height(hint, c.w) + gap() * 0.5f;
    const float bar_y = c.y + c.h - th;
    const int cols = c.w > fs * 30 ? 2 : 1;
    const float cell_w = cell_width(c.w, cols);
    const int per_page = rows_fit(bar_y - gap() - y, th) * cols;
    const int pages = std::max(1, (static_cast<int>(h.files.size()) + per_page - 1) / per_page);
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        IdScope list("file");
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= h.files.size()) break;
        const auto& p = h.files[k];
        at(c.x + static_cast<float>(i % cols) * (cell_w + gap()), y + static_cast<float>(i / cols) * (th + gap()));
        // The stick's folder, then the file: "HelloAsso/export-adhesions-2026.csv".
        const std::string shown = (p.parent_path().filename() / p.filename()).string();
        if (button(ellipsize(shown, cell_w - fs), std::to_string(k), ImVec2(cell_w, th)) && read_export(v, h, p)) {
            ui.step = Step::helloasso;
            ui.page = 0;
            ui.message.clear();
            return;
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, bar_y, th * 1.6f, th);
}

std::string payer_name(const core::HelloAssoPayment& p) {
    std::string n = p.first_name;
    if (!n.empty() && !p.last_name.empty()) n += ' ';
    return n + p.last_name;
}

// The file read: what it holds, Import, then the outcome: the payers to attach (each a
// button) and the memberships renewed.
void draw_helloasso(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    HelloAssoUi& h = ui.helloasso;
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    bool back = false, go = false;
    const std::string go_label = h.imported ? v.tr("Done") : v.tr("Import");
    // While the station imports, the host waits here: its answer is for this file.
    const bool waiting = ui.pending != 0 || h.create_pending != 0;
    float y = header(v.fonts, h.file.filename().string(),
                     {{v.tr("Back"), "back", Tone::normal, &back, !waiting}, {go_label, "import", Tone::primary, &go, !waiting}});
    if (back) {
        ui.step = Step::helloasso_files;
        ui.message.clear();
        ui.page = 0;
        return;
    }
    if (go && h.imported) {
        // Back to the day, saying what the file did (its lines are on the days HelloAsso was paid).
        const std::string said = h.file.filename().string() + " · " + count_of(v, h.renewed.size(), core::N_("{0} membership renewed"), core::N_("{0} memberships renewed"));
        ui.helloasso = HelloAssoUi{};
        ui.step = Step::day;
        ui.journal_asked = false;  // the journal again: a payment of today is in it
        ui.message = said;
        ui.message_ok = true;
        return;
    }
    if (go) send_import(v, ui, out);
    // What the file holds.
    std::int64_t cents = 0;
    core::Date first = h.payments.front().day, last = first;
    for (const auto& p : h.payments) {
        cents += p.amount_cents;
        first = std::min(first, p.day);
        last = std::max(last, p.day);
    }
    std::string holds = h.payments.size() == 1 ? v.tr.fmt("1 paid membership, {0}", {core::format_amount(v.tr.lang, cents)})
                                               : v.tr.fmt("{0} paid memberships, {1} in all", {std::to_string(h.payments.size()), core::format_amount(v.tr.lang, cents)});
    holds += " · " + (first == last ? format_short_date(v.tr.lang, first)
                                    : v.tr.fmt("from {0} to {1}", {format_short_date(v.tr.lang, first), format_short_date(v.tr.lang, last)}));
    at(c.x, y);
    text_block(holds, "holds", c.w);
    y += text_block_height(holds, c.w) + gap() * 0.5f;
    const bool busy = ui.pending != 0 || h.create_pending != 0;
    std::string line;
    if (busy) line = v.tr("Importing…");
    else if (!h.imported) line = v.tr("Import renews the members it finds, by e-mail then by name, in one go. Payments imported before change nothing.");
    if (!line.empty()) {
        at(c.x, y);
        text_block(line, "explain", c.w, Align::left, nullptr, colors::kMuted);
        y += text_block_height(line, c.w) + gap() * 0.5f;
    }
    if (!ui.message.empty()) {
        outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
        y += outcome_height(ui.message, c.w) + gap() * 0.5f;
    }
    if (!h.summary) return;
    const auto& unmatched = h.summary->unmatched;
    if (!unmatched.empty()) {
        const std::string tap = v.tr("Tap a payer to attach their payment to a member, or to create the member.");
        at(c.x, y);
        text_block(tap, "attach_hint", c.w, Align::left, nullptr, colors::kMuted);
        y += text_block_height(tap, c.w) + gap() * 0.5f;
    }
    // The payers to attach (buttons), then the memberships renewed here (lines), paged.
    const std::size_t rows = unmatched.size() + h.renewed.size();
    const float bar_y = c.y + c.h - th;
    const int per_page = rows_fit((rows > 0 ? bar_y - gap() : c.y + c.h) - y, th);
    const int pages = std::max(1, static_cast<int>((rows + static_cast<std::size_t>(per_page) - 1) / static_cast<std::size_t>(per_page)));
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= rows) break;
        const float yy = y + static_cast<float>(i) * (th + gap());
        at(c.x, yy);
        if (k < unmatched.size()) {
            const auto& p = unmatched[k];
            IdScope s("payer");
            std::string shown = payer_name(p);
            if (!p.email.empty()) shown += " · " + p.email;
            shown += " · " + core::format_amount(v.tr.lang, p.amount_cents);
            ButtonOpts o;
            o.enabled = !busy;
            if (button(ellipsize(shown, c.w - fs), std::to_string(k), ImVec2(c.w, th), o)) {
                h.payer = k;
                ui.step = Step::helloasso_payer;
                ui.search.clear();
                ui.search_keys = KeyboardState{};
                ui.page = 0;
                ui.message.clear();
                return;
            }
        } else {
            const auto& r = h.renewed[k - unmatched.size()];
            const core::Member* m = member_of(v, r.member);
            const std::string shown = v.tr.fmt("{0}: member until {1}", {m ? m->display_name : std::to_string(r.member), format_short_date(v.tr.lang, r.until)});
            IdScope s("renewed");
            const float text_y = yy + (th - ImGui::GetTextLineHeight()) * 0.5f;
            at(c.x, text_y);
            text_block(ellipsize(shown, c.w), std::to_string(k - unmatched.size()), c.w, Align::left, nullptr, colors::kOk);
        }
    }
    if (pages > 1) ui.page = pager(ui.page, pages, c.x, bar_y, th * 1.6f, th);
}

// One payer no member matched: whose payment it is (a member found by name), or a new member
// made from the payer's name and e-mail.
void draw_helloasso_payer(const PaymentsView& v, PaymentsUi& ui, Commands& out) {
    HelloAssoUi& h = ui.helloasso;
    const Box c = content();
    if (!h.summary || !h.payer || *h.payer >= h.summary->unmatched.size()) {
        ui.step = Step::helloasso;
        return;
    }
    const auto& p = h.summary->unmatched[*h.payer];
    const bool busy = ui.pending != 0 || h.create_pending != 0;
    // A member created for this payer whose import the station then refused: the file goes
    // again with them (a second creation would make a second member).
    const bool made = h.created.contains(p.reference);
    bool back = false, create = false;
    float y = header(v.fonts, payer_name(p).empty() ? p.email : payer_name(p),
                     {{v.tr("Back"), "back", Tone::normal, &back, !busy},
                      {made ? v.tr("Import again") : v.tr("Create this member"), "create", Tone::primary, &create, !busy}});
    if (back) {
        h.payer.reset();
        ui.step = Step::helloasso;
        ui.message.clear();
        return;
    }
    if (create && made) {
        send_import(v, ui, out);
    } else if (create) {
        core::MemberDraft d;
        d.display_name = payer_name(p);
        if (!p.email.empty()) d.email = p.email;
        d.lang = v.tr.lang;
        h.create_pending = out.post(app::AddMember{d, v.viewer.id, std::nullopt});
        ui.message.clear();
    }
    std::string paid = v.tr.fmt("Paid {0} on {1}", {core::format_amount(v.tr.lang, p.amount_cents), format_short_date(v.tr.lang, p.day)});
    if (!p.email.empty()) paid += " · " + p.email;
    paid += ". " + v.tr("Whose payment is it? Tap the member, or create them.");
    at(c.x, y);
    text_block(paid, "paid", c.w, Align::left, nullptr, colors::kMuted);
    y += text_block_height(paid, c.w) + gap() * 0.5f;
    const std::string shown = busy ? v.tr("Importing…") : ui.message;
    const float msg_h = shown.empty() ? 0.0f : outcome_height(shown, c.w) + gap();
    const auto picked = member_picker(v.tr, v.snap->directory.get(), c, y, {ui.search, ui.search_keys, ui.page}, 0, msg_h, !busy);
    if (!shown.empty()) outcome_line(shown, busy || ui.message_ok, c.x, picked.keyboard_y - msg_h, c.w);
    if (picked.member && !busy) {
        h.attach[p.reference] = picked.member->id;
        send_import(v, ui, out);
    }
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
    case Step::helloasso_files: draw_helloasso_files(v, ui); break;
    case Step::helloasso: draw_helloasso(v, ui, out); break;
    case Step::helloasso_payer: draw_helloasso_payer(v, ui, out); break;
    }
    return Next::stay;
}

}  // namespace etabli::gui
