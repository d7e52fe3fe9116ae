// The kiosk's bike register (see bikes.hpp). Layer: gui. GUI thread only (inside an ImGui frame).
//
// A bike taken in on a busy Saturday: "Bikes" on the home, "New bike", how it came, its type,
// "Next", its condition, "Save" — six taps; the station gives its number, which the volunteer
// writes on its tag. The kiosk decides nothing: the hold, the marking's form and the rider's
// mandatory fields are the station's refusals, shown as they come.
//
// Index: [Helpers] [List] [Intake] [Bike] [Departure] [Typing] [Entry]
#include <etabli/gui/bikes.hpp>

#include <etabli/app/features/bikes.hpp>

#include "form_kit.hpp"
#include "kit.hpp"

#include <algorithm>
#include <array>

namespace etabli::gui {

using namespace kit;
using namespace form;

namespace {

// [Helpers]
constexpr std::array<core::BikeOrigin, 4> kOrigins{core::BikeOrigin::donated, core::BikeOrigin::abandoned, core::BikeOrigin::found,
                                                   core::BikeOrigin::bought};
constexpr std::array<core::BikeType, 9> kTypes{core::BikeType::city,   core::BikeType::road,     core::BikeType::mountain,
                                               core::BikeType::hybrid, core::BikeType::child,    core::BikeType::cargo,
                                               core::BikeType::folding, core::BikeType::electric, core::BikeType::other};
constexpr std::array<core::BikeCondition, 4> kConditions{core::BikeCondition::good, core::BikeCondition::needs_service,
                                                         core::BikeCondition::needs_repair, core::BikeCondition::for_parts};
constexpr std::array<core::BikeStatus, 4> kDepartures{core::BikeStatus::sold, core::BikeStatus::given, core::BikeStatus::scrapped,
                                                      core::BikeStatus::returned};
constexpr std::array<int, 7> kPriceChips{20, 30, 40, 50, 80, 100, 150};  // euros

const app::BikesView* bikes_of(const BikesView& v) { return v.snap ? v.snap->part<app::BikesFeature>() : nullptr; }
const core::Bike* find_bike(const BikesView& v, core::BikeId id) {
    const auto* b = bikes_of(v);
    return b ? b->find(id) : nullptr;
}

float header(const BikesView& v, const std::string& title, const std::vector<TapButton>& buttons) {
    return form::header(v.fonts, title, buttons);
}

std::string describe(const Tr& tr, const core::Bike& b) {
    std::string s = tr(core::label(b.type));
    for (const auto* part : {&b.brand, &b.model, &b.colour})
        if (!part->empty()) s += " · " + *part;
    return s;
}

std::string marking_line(const Tr& tr, const core::Bike& b) {
    if (b.marking.empty()) return tr("No marking");
    std::string s = tr.fmt("Marking {0}", {b.marking});
    if (b.marking_check == core::MarkingCheck::stolen) return s + " · " + tr("declared stolen");
    if (b.marking_check == core::MarkingCheck::clear) s += " · " + tr("checked");
    if (core::bike_needs_hold(b)) {
        if (const auto end = core::bike_hold_ends(b)) s += " · " + tr.fmt("held until {0}", {format_short_date(tr.lang, *end)});
        else s += " · " + tr("owner not yet notified");
    }
    return s;
}

// The reply to the request under way: the outcome shown, true when it worked.
std::optional<bool> take_reply(const BikesView& v, BikesUi& ui) {
    const auto& r = v.snap->last_reply;
    if (!ui.pending || !r || r->request_id != ui.pending) return std::nullopt;
    ui.pending = 0;
    ui.message_ok = r->ok;
    ui.message = r->ok ? std::string() : v.tr.problem(r->problem);
    return r->ok;
}

void open_typing(BikesUi& ui, BikesUi::Field f) {
    ui.typed_from = ui.step;
    ui.typing = f;
    ui.step = BikesUi::Step::typing;
    const bool digits = f == BikesUi::Field::marking || f == BikesUi::Field::price || f == BikesUi::Field::phone;
    ui.keys = KeyboardState{false, false, f == BikesUi::Field::surname || f == BikesUi::Field::first_name, digits};
}

// [List]
Next draw_list(const BikesView& v, BikesUi& ui) {
    const Box c = content();
    const float th = touch_height();
    bool back = false, add = false;
    float y = header(v, v.tr("Bikes"), {{v.tr("Back"), "back", Tone::normal, &back}, {v.tr("New bike"), "new", Tone::primary, &add}});
    if (back) return Next::home;
    if (add) {
        const core::BikeId keep = ui.bike;
        ui = BikesUi{};
        ui.bike = keep;
        ui.step = BikesUi::Step::intake;
        return Next::stay;
    }
    std::vector<const core::Bike*> in_stock;
    if (const auto* all = bikes_of(v))
        for (auto it = all->bikes.rbegin(); it != all->bikes.rend(); ++it)
            if (it->status == core::BikeStatus::in_stock) in_stock.push_back(&*it);
    const float msg_h = ui.message.empty() ? 0.0f : outcome_height(ui.message, c.w) + gap();
    if (in_stock.empty()) {
        at(c.x, y + gap());
        text_block(v.tr("No bike in stock. Tap \"New bike\" to take one in."), "empty", c.w, Align::left, nullptr, colors::kMuted);
        outcome_line(ui.message, ui.message_ok, c.x, c.y + c.h - msg_h, c.w);
        return Next::stay;
    }
    const float row_h = captioned_height(th);
    const float pager_w = button_width("◀", 3.0f) * 2 + gap();
    const float room = c.y + c.h - y - th - gap() - msg_h;
    const int per_page = std::max(1, static_cast<int>((room + gap()) / (row_h + gap())));
    const int pages = (static_cast<int>(in_stock.size()) + per_page - 1) / per_page;
    ui.page = std::clamp(ui.page, 0, pages - 1);
    IdScope rows("bike");
    for (int i = ui.page * per_page; i < std::min<int>((ui.page + 1) * per_page, static_cast<int>(in_stock.size())); ++i) {
        const core::Bike& b = *in_stock[static_cast<std::size_t>(i)];
        IdScope one(b.id);
        at(c.x, y);
        ButtonOpts o;
        o.caption = ellipsize(marking_line(v.tr, b), c.w - ImGui::GetFontSize());
        const std::string label = ellipsize(v.tr.fmt("No. {0}", {std::to_string(b.id)}) + " — " + describe(v.tr, b), c.w - ImGui::GetFontSize());
        if (button(label, "open", ImVec2(c.w, row_h), o)) {
            ui.bike = b.id;
            ui.step = BikesUi::Step::bike;
            ui.message.clear();
        }
        y += row_h + gap();
    }
    const float bar_y = c.y + c.h - th;
    if (pages > 1) ui.page = pager(ui.page, pages, c.x + c.w - pager_w, bar_y, (pager_w - gap()) / 2, th);
    outcome_line(ui.message, ui.message_ok, c.x, bar_y - msg_h, c.w);
    return Next::stay;
}

// [Intake]
void draw_intake(const BikesView& v, BikesUi& ui) {
    const Box c = content();
    bool cancel = false, next = false;
    float y = header(v, v.tr("New bike"), {{v.tr("Cancel"), "cancel", Tone::normal, &cancel},
                                           {v.tr("Next"), "next", Tone::primary, &next, ui.origin && ui.type}});
    if (cancel) {
        ui.step = BikesUi::Step::list;
        return;
    }
    if (next && ui.origin && ui.type) {
        ui.step = BikesUi::Step::intake_more;
        return;
    }
    std::vector<Chip> origins;
    for (auto o : kOrigins) origins.push_back({capital(v.tr(core::label(o))), std::string(core::to_string(o)), ui.origin == o});
    std::vector<Chip> types;
    for (auto t : kTypes) types.push_back({capital(v.tr(core::label(t))), std::string(core::to_string(t)), ui.type == t});
    y = heading(v.tr("How it came"), "origin_label", c.x, y, c.w);
    {
        IdScope s("origin");
        if (const int k = chips(origins, c.x, y, c.w, 4); k >= 0) ui.origin = kOrigins[static_cast<std::size_t>(k)];
    }
    y = heading(v.tr("Type"), "type_label", c.x, y, c.w);
    {
        IdScope s("type");
        // Five a row, or fewer when the screen is small and the text large.
        int cols = 5;
        while (cols > 3 && y + chips_height(types, c.w, cols) > c.y + c.h + 0.5f) --cols;
        if (const int k = chips(types, c.x, y, c.w, cols); k >= 0) ui.type = kTypes[static_cast<std::size_t>(k)];
    }
}

void draw_intake_more(const BikesView& v, BikesUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    bool back = false, save = false;
    float y = header(v, v.tr("New bike"), {{v.tr("Back"), "back", Tone::normal, &back},
                                           {v.tr("Save"), "save", Tone::primary, &save, ui.condition.has_value() && ui.pending == 0}});
    if (back) {
        ui.step = BikesUi::Step::intake;
        return;
    }
    if (save && ui.condition && ui.origin && ui.type) {
        core::Bike b;
        b.intake_day = v.snap->today;
        b.origin = *ui.origin;
        b.type = *ui.type;
        b.condition = *ui.condition;
        b.brand = ui.brand;
        b.colour = ui.colour;
        b.marking = ui.marking;
        ui.pending = out.post(app::AddBike{b, v.viewer.id});
        ui.message.clear();
    }
    std::vector<Chip> conditions;
    for (auto k : kConditions) conditions.push_back({capital(v.tr(core::label(k))), std::string(core::to_string(k)), ui.condition == k});
    y = heading(v.tr("Condition"), "condition_label", c.x, y, c.w);
    {
        IdScope s("condition");
        if (const int k = chips(conditions, c.x, y, c.w, 4); k >= 0) ui.condition = kConditions[static_cast<std::size_t>(k)];
    }
    y += gap() * 0.5f;
    // Three optional fields: two a row when three do not fit their names.
    const std::string optional = v.tr("optional");
    const std::array<std::pair<std::string, const char*>, 3> names{
        {{v.tr("Brand"), "brand"}, {v.tr("Colour"), "colour"}, {v.tr("Marking"), "marking"}}};
    int cols = 3;
    for (const auto& [n, id] : names)
        if (ImGui::CalcTextSize(n.c_str()).x > cell_width(c.w, 3) - ImGui::GetFontSize()) cols = 2;
    const float fw = cell_width(c.w, cols);
    const float fh = captioned_height(th);
    const std::array<std::string*, 3> values{&ui.brand, &ui.colour, &ui.marking};
    const std::array<BikesUi::Field, 3> fields{BikesUi::Field::brand, BikesUi::Field::colour, BikesUi::Field::marking};
    for (std::size_t i = 0; i < 3; ++i) {
        const float fx = c.x + static_cast<float>(static_cast<int>(i) % cols) * (fw + gap());
        const float fy = y + static_cast<float>(static_cast<int>(i) / cols) * (fh + gap());
        if (field_button(names[i].first, *values[i], optional, names[i].second, fx, fy, fw, fh)) open_typing(ui, fields[i]);
    }
    y += static_cast<float>((3 + cols - 1) / cols) * (fh + gap());
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
}

// [Bike]
void draw_bike(const BikesView& v, BikesUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const core::Bike* found = find_bike(v, ui.bike);
    bool back = false, leave = false;
    const bool in_stock = found && found->status == core::BikeStatus::in_stock;
    std::vector<TapButton> hb{{v.tr("Back"), "back", Tone::normal, &back}};
    if (in_stock) hb.push_back({v.tr("Leaves"), "leave", Tone::primary, &leave});
    float y = header(v, v.tr.fmt("Bike No. {0}", {std::to_string(ui.bike)}), hb);
    if (back) {
        ui.step = BikesUi::Step::list;
        ui.message.clear();
        return;
    }
    if (!found) return;
    const core::Bike& b = *found;
    if (leave) {
        ui.how.reset();
        ui.means.reset();
        ui.price_cents.reset();
        ui.price_text.clear();
        ui.free_price = false;
        ui.surname.clear();
        ui.first_name.clear();
        ui.phone.clear();
        ui.email.clear();
        ui.message.clear();
        ui.step = BikesUi::Step::leave;
        return;
    }
    auto say = [&](const std::string& text, std::string_view id, ImU32 color = 0) {
        at(c.x, y);
        text_block(text, id, c.w, Align::left, nullptr, color);
        y += text_block_height(text, c.w) + fs * 0.2f;
    };
    say(describe(v.tr, b), "what");
    say(v.tr.fmt("Came in on {0}: {1}", {format_short_date(v.tr.lang, b.intake_day), v.tr(core::label(b.origin))}) + " · " +
             v.tr(core::label(b.condition)),
         "came", colors::kMuted);
    say(marking_line(v.tr, b), "marking", b.marking_check == core::MarkingCheck::stolen ? colors::kError : 0);
    if (!in_stock) say(v.tr(core::label(b.status)), "status", colors::kAccent);
    // Parts taken from it and fitted on it.
    const auto* all = bikes_of(v);
    std::string taken, fitted;
    std::vector<const core::BikePart*> aside;  // kept aside from other bikes: may be fitted here
    if (all)
        for (const auto& p : all->parts) {
            if (p.from == b.id)
                taken += (taken.empty() ? "" : ", ") + p.part + (p.to ? " → " + v.tr.fmt("No. {0}", {std::to_string(*p.to)}) : " (" + v.tr("kept aside") + ")");
            if (p.to == b.id) fitted += (fitted.empty() ? "" : ", ") + p.part + " ← " + v.tr.fmt("No. {0}", {std::to_string(p.from)});
            if (!p.to && p.from != b.id) aside.push_back(&p);
        }
    if (!taken.empty()) say(v.tr.fmt("Parts taken: {0}", {taken}), "taken");
    if (!fitted.empty()) say(v.tr.fmt("Parts fitted: {0}", {fitted}), "fitted");

    // One-tap actions at the bottom: the owner's notice, the operator's check, a part.
    struct Action {
        std::string label;
        std::string id;
    };
    std::vector<Action> actions;
    const bool needs_notice = in_stock && core::bike_needs_hold(b) && !b.owner_notified_on;
    if (needs_notice) actions.push_back({v.tr("Owner notified today"), "notified"});
    if (!b.marking.empty() && b.marking_check == core::MarkingCheck::unchecked) {
        actions.push_back({v.tr("Checked: clear"), "check_clear"});
        actions.push_back({v.tr("Declared stolen"), "check_stolen"});
    }
    if (in_stock || b.status == core::BikeStatus::scrapped) actions.push_back({v.tr("Take a part"), "take_part"});
    if (in_stock)
        for (const auto* p : aside) {
            if (actions.size() >= 6) break;
            actions.push_back({v.tr.fmt("Fit {0} (from No. {1})", {p->part, std::to_string(p->from)}), "fit/" + std::to_string(p->id)});
        }
    if (actions.empty()) {
        outcome_line(ui.message, ui.message_ok, c.x, y + gap(), c.w);
        return;
    }
    int cols = std::min<int>(3, static_cast<int>(actions.size()));
    const auto wide_enough = [&](int n) {
        return std::all_of(actions.begin(), actions.end(), [&](const Action& a) {
            return label_height(a.label, cell_width(c.w, n), th) <= th * 1.6f;
        });
    };
    while (cols > 1 && !wide_enough(cols)) --cols;
    const float aw = cell_width(c.w, cols);
    float ah = th;
    for (const auto& a : actions) ah = std::max(ah, label_height(a.label, aw, th));
    const int rows = (static_cast<int>(actions.size()) + cols - 1) / cols;
    const float actions_y = c.y + c.h - static_cast<float>(rows) * (ah + gap()) + gap();
    const float msg_y = std::min(y + gap(), actions_y - outcome_height(ui.message, c.w) - gap());
    outcome_line(ui.message, ui.message_ok, c.x, msg_y, c.w);
    IdScope s("do");
    for (std::size_t i = 0; i < actions.size(); ++i) {
        at(c.x + static_cast<float>(static_cast<int>(i) % cols) * (aw + gap()), actions_y + static_cast<float>(static_cast<int>(i) / cols) * (ah + gap()));
        ButtonOpts o;
        o.enabled = ui.pending == 0;
        if (!button(actions[i].label, actions[i].id, ImVec2(aw, ah), o)) continue;
        const std::string& id = actions[i].id;
        ui.message.clear();
        if (id == "take_part") {
            ui.part.clear();
            open_typing(ui, BikesUi::Field::part);
        } else if (id.starts_with("fit/")) {
            ui.pending = out.post(app::FitBikePart{std::stoll(id.substr(4)), b.id, v.viewer.id});
        } else {
            core::Bike e = b;
            if (id == "notified") e.owner_notified_on = v.snap->today;
            if (id == "check_clear" || id == "check_stolen") {
                e.marking_check = id == "check_clear" ? core::MarkingCheck::clear : core::MarkingCheck::stolen;
                e.marking_checked_on = v.snap->today;
                e.marking_checked_by = v.viewer.id;
            }
            ui.pending = out.post(app::EditBike{e, v.viewer.id});
        }
    }
}

// [Departure]
void post_departure(const BikesView& v, BikesUi& ui, Commands& out) {
    app::BikeLeaves c;
    c.bike = ui.bike;
    c.departure.kind = *ui.how;
    c.departure.day = v.snap->today;
    if (ui.how == core::BikeStatus::sold) {
        c.departure.price_cents = ui.price_cents.value_or(0);
        c.departure.price_kind = ui.free_price ? core::PriceKind::free : core::PriceKind::fixed;
        c.means = ui.means;
    }
    if (ui.how == core::BikeStatus::sold || ui.how == core::BikeStatus::given)
        c.departure.buyer = core::Buyer{ui.surname, ui.first_name, ui.phone, ui.email, ""};
    c.actor = v.viewer.id;
    ui.pending = out.post(c);
    ui.pending_from = ui.step;
    ui.message.clear();
}

void draw_leave(const BikesView& v, BikesUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const bool to_rider = ui.how == core::BikeStatus::sold || ui.how == core::BikeStatus::given;
    const bool priced = ui.how != core::BikeStatus::sold || (ui.price_cents.value_or(0) > 0 && ui.means);
    bool back = false, next = false;
    const std::string next_label = to_rider ? v.tr("Next") : v.tr("Confirm");
    float y = header(v, v.tr.fmt("No. {0} leaves", {std::to_string(ui.bike)}),
                     {{v.tr("Back"), "back", Tone::normal, &back}, {next_label, "next", Tone::primary, &next, ui.how && priced && ui.pending == 0}});
    if (back) {
        ui.step = BikesUi::Step::bike;
        ui.message.clear();
        return;
    }
    if (next && ui.how && priced) {
        if (to_rider) ui.step = BikesUi::Step::leave_rider;
        else post_departure(v, ui, out);
        if (to_rider) return;
    }
    std::vector<Chip> kinds;
    for (auto k : kDepartures) kinds.push_back({capital(v.tr(core::label(k))), std::string(core::to_string(k)), ui.how == k});
    {
        IdScope s("how");
        if (const int k = chips(kinds, c.x, y, c.w, 4); k >= 0) ui.how = kDepartures[static_cast<std::size_t>(k)];
    }
    if (ui.how == core::BikeStatus::sold) {
        // The price's row: its heading, and at its right end the prix libre toggle (the amount
        // is then what the rider chose to pay).
        {
            const float fs = ImGui::GetFontSize();
            const std::string free = v.tr("Pay what you can");
            const float fw = std::min(c.w * 0.5f, button_width(free, 6.0f));
            y += gap() * 0.5f;
            at(c.x, y + (th - fs) * 0.5f);
            text_block(v.tr("Price"), "price_label", c.w - fw - gap(), Align::left, nullptr, colors::kMuted);
            at(c.x + c.w - fw, y);
            ButtonOpts o;
            o.tone = ui.free_price ? Tone::selected : Tone::normal;
            if (button(free, "free", ImVec2(fw, th), o)) ui.free_price = !ui.free_price;
            y += th + gap();
        }
        std::vector<Chip> prices;
        for (int e : kPriceChips)
            prices.push_back({euros(v.tr.lang, e), std::to_string(e), ui.price_text.empty() && ui.price_cents == e * 100LL});
        const std::string other = ui.price_text.empty() ? v.tr("Other amount") : core::format_amount(v.tr.lang, ui.price_cents.value_or(0));
        prices.push_back({other, "other", !ui.price_text.empty()});
        {
            IdScope s("price");
            if (const int k = chips(prices, c.x, y, c.w, 8); k >= 0) {
                if (k < static_cast<int>(kPriceChips.size())) {
                    ui.price_cents = kPriceChips[static_cast<std::size_t>(k)] * 100LL;
                    ui.price_text.clear();
                } else {
                    open_typing(ui, BikesUi::Field::price);
                    return;
                }
            }
        }
        // How it was paid: its line in the receipts journal.
        std::vector<Chip> means;
        for (auto m : {core::PayMeans::cash, core::PayMeans::cheque, core::PayMeans::card, core::PayMeans::transfer})
            means.push_back({capital(v.tr(core::label(m))), std::string(core::to_string(m)), ui.means == m});
        {
            IdScope s("means");
            if (const int k = chips(means, c.x, y, c.w, 4); k >= 0) ui.means = static_cast<core::PayMeans>(k);
        }
    }
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
}

void draw_leave_rider(const BikesView& v, BikesUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    const bool complete = !ui.surname.empty() && !ui.first_name.empty() && !ui.phone.empty() && !ui.email.empty();
    bool back = false, confirm = false;
    float y = header(v, v.tr("The new rider"),
                     {{v.tr("Back"), "back", Tone::normal, &back}, {v.tr("Confirm"), "confirm", Tone::primary, &confirm, complete && ui.pending == 0}});
    if (back) {
        ui.step = BikesUi::Step::leave;
        ui.message.clear();
        return;
    }
    if (confirm && complete) post_departure(v, ui, out);
    at(c.x, y);
    const std::string why = v.tr("The marking operator needs these four; they are deleted after the declaration.");
    text_block(why, "why", c.w, Align::left, nullptr, colors::kMuted);
    y += text_block_height(why, c.w) + gap();
    const std::string needed = v.tr("to fill in");
    const std::array<std::pair<std::string, const char*>, 4> names{
        {{v.tr("Surname"), "surname"}, {v.tr("First name"), "first_name"}, {v.tr("Phone"), "phone"}, {v.tr("E-mail"), "email"}}};
    const std::array<std::string*, 4> values{&ui.surname, &ui.first_name, &ui.phone, &ui.email};
    const std::array<BikesUi::Field, 4> fields{BikesUi::Field::surname, BikesUi::Field::first_name, BikesUi::Field::phone,
                                              BikesUi::Field::email};
    const float fw = cell_width(c.w, 2);
    const float fh = captioned_height(th);
    for (std::size_t i = 0; i < 4; ++i)
        if (field_button(names[i].first, *values[i], needed, names[i].second, c.x + static_cast<float>(i % 2) * (fw + gap()),
                         y + static_cast<float>(i / 2) * (fh + gap()), fw, fh))
            open_typing(ui, fields[i]);
    y += 2 * (fh + gap());
    outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
}

// [Typing]
void draw_typing(const BikesView& v, BikesUi& ui, Commands& out) {
    const Box c = content();
    const float th = touch_height();
    using F = BikesUi::Field;
    std::string* text = nullptr;
    std::string title, hint;
    std::size_t max = core::kMaxBikeWord;
    switch (ui.typing) {
    case F::brand: text = &ui.brand, title = v.tr("Brand"), hint = v.tr("e.g. Peugeot"); break;
    case F::colour: text = &ui.colour, title = v.tr("Colour"), hint = v.tr("e.g. dark blue"); break;
    case F::marking: text = &ui.marking, title = v.tr("Marking"), hint = v.tr("10 letters and digits, as on its sticker"), max = 16; break;
    case F::part: text = &ui.part, title = v.tr("The part taken"), hint = v.tr("e.g. front wheel"); break;
    case F::price: text = &ui.price_text, title = v.tr("Price"), hint = v.tr("e.g. 45 or 37,50"), max = 12; break;
    case F::surname: text = &ui.surname, title = v.tr("Surname"); break;
    case F::first_name: text = &ui.first_name, title = v.tr("First name"); break;
    case F::phone: text = &ui.phone, title = v.tr("Phone"), hint = v.tr("e.g. 06 12 34 56 78"), max = 20; break;
    case F::email: text = &ui.email, title = v.tr("E-mail"), hint = v.tr("name@example.org"); break;
    case F::none: break;
    }
    bool ok = false;
    float y = header(v, title, {{v.tr("OK"), "typing_done", Tone::primary, &ok, ui.pending == 0}});
    if (!text) {
        ui.step = ui.typed_from;
        return;
    }
    std::string shown_error;
    if (ok) {
        if (ui.typing == F::price) {
            if (auto cents = core::parse_amount(*text)) {
                ui.price_cents = *cents;
                ui.step = ui.typed_from;
                return;
            } else {
                ui.message = v.tr.problem(cents.error());
                ui.message_ok = false;
            }
        } else if (ui.typing == F::part) {
            ui.pending = out.post(app::MoveBikePart{ui.bike, std::nullopt, ui.part, v.viewer.id});
            ui.message.clear();
        } else {
            ui.step = ui.typed_from;
            return;
        }
    }
    at(c.x, y);
    text_field(*text, hint, "field", ImVec2(c.w, th));
    y += th + gap();
    float kb_top = y;
    if (!ui.message.empty()) {
        at(c.x, y);
        outcome_line(ui.message, ui.message_ok, c.x, y, c.w);
        kb_top += outcome_height(ui.message, c.w) + gap();
    }
    at(c.x, kb_top);
    if (draw_keyboard(*text, ui.keys, v.tr.lang, ImVec2(c.w, c.y + c.h - kb_top), max, v.tr)) ui.message.clear();
}

// The station's answer to the request under way, before the frame is drawn: a success moves
// on (the new bike's page, the bike's page after its departure or a part), a refusal stays on
// the step with its reason.
void on_reply(const BikesView& v, BikesUi& ui) {
    const auto ok = take_reply(v, ui);
    if (!ok || !*ok) return;
    using S = BikesUi::Step;
    switch (ui.step) {
    case S::intake_more: {
        core::BikeId added = v.snap->last_reply->bike.value_or(0);
        if (!added)
            if (const auto* all = bikes_of(v))
                for (const auto& b : all->bikes) added = std::max(added, b.id);
        ui = BikesUi{};
        ui.bike = added;
        ui.step = S::bike;
        ui.message = v.tr.fmt("Bike No. {0} is in the register: write {0} on its tag", {std::to_string(added)});
        break;
    }
    case S::leave:
    case S::leave_rider: {
        const core::Bike* b = find_bike(v, ui.bike);
        ui.step = S::bike;
        ui.message = v.tr.fmt("Bike No. {0}: {1}", {std::to_string(ui.bike), v.tr(core::label(b ? b->status : *ui.how))});
        break;
    }
    case S::typing:
        if (ui.typing == BikesUi::Field::part) {
            ui.message = v.tr.fmt("{0} taken from bike No. {1} and kept aside", {ui.part, std::to_string(ui.bike)});
            ui.step = S::bike;
        }
        break;
    default:
        ui.message = v.tr("Saved");
        break;
    }
    ui.message_ok = true;
}

}  // namespace

// [Entry]
Next draw_bikes(const BikesView& v, BikesUi& ui, Commands& out) {
    IdScope scope("bikes");
    on_reply(v, ui);
    switch (ui.step) {
    case BikesUi::Step::list: return draw_list(v, ui);
    case BikesUi::Step::intake: draw_intake(v, ui); break;
    case BikesUi::Step::intake_more: draw_intake_more(v, ui, out); break;
    case BikesUi::Step::bike: draw_bike(v, ui, out); break;
    case BikesUi::Step::leave: draw_leave(v, ui, out); break;
    case BikesUi::Step::leave_rider: draw_leave_rider(v, ui, out); break;
    case BikesUi::Step::typing: draw_typing(v, ui, out); break;
    }
    return Next::stay;
}

}  // namespace etabli::gui
