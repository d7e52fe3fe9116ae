// The bike register's commands (see bike_cmds.hpp). Layer: cli. Main thread.
//
// Every write goes through the Station (AddBike, EditBike, MoveBikePart, FitBikePart,
// BikeLeaves, MarkBikesDeclared), so the same rules hold as at the kiosk; lists read the
// snapshot, which leaves buyers out; `bike show`, `proof` and `declare` ask the station for
// the buyer (ShowBike, BikesToDeclare).
#include "bike_cmds.hpp"
#include "export_files.hpp"
#include "io.hpp"

#include <etabli/app/features/bikes.hpp>
#include <etabli/core/money.hpp>
#include <etabli/db/bike_papers.hpp>
#include <etabli/db/labels.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;

namespace {

std::expected<core::Date, core::Problem> day_arg(const std::string& text) {
    auto d = core::parse_date(text);
    if (!d) return std::unexpected(problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {text}));
    return *d;
}

void add_fields(CLI::App* c, BikeCommands::Fields& f, bool add) {
    c->add_option("--day", f.day, add ? "Day it came in, YYYY-MM-DD (default: today)" : "Day it came in, YYYY-MM-DD");
    c->add_option("--origin", f.origin, "donated, abandoned, found or bought (donné, abandonné, trouvé, acheté)");
    c->add_option("--from-member", f.from_member, "Who brought it: a member's number");
    c->add_option("--from", f.from, "Who brought it, in words, when not a member (\"Mairie, fourrière\")");
    c->add_option("--type", f.type, "city, road, mountain, hybrid, child, cargo, folding, electric, other (ville, VTT, VTC…)");
    c->add_option("--brand", f.brand, "Brand");
    c->add_option("--model", f.model, "Model");
    c->add_option("--colour", f.colour, "Colour");
    c->add_option("--wheel", f.wheel, "Wheel size (26, 28, 700C, 20…)");
    c->add_option("--frame-size", f.frame_size, "Frame size (M, 54 cm…)");
    c->add_option("--serial", f.serial, "Frame serial number");
    c->add_option("--condition", f.condition, "good, needs_service, needs_repair, for_parts (bon, à réviser, à réparer, pour pièces)");
    c->add_option("--photo", f.photos, "Photo: a file name relative to the photos folder (repeat; on set, replaces them; \"\" removes them)");
    c->add_option("--note", f.note, "Note");
    c->add_option("--marking", f.marking, "The marking identifier it carries (10 letters and digits)");
    c->add_flag("--engraved", f.engraved, "The marking was engraved by the workshop (no owner to notify)");
    c->add_option("--check", f.check, "What the marking operator said: clear, stolen or unchecked (ok, volé)");
    c->add_option("--checked-on", f.checked_on, "Day the identifier was checked with the operator (default: today)");
    c->add_option("--checked-by", f.checked_by, "Who checked it (a member's number; default: you)");
    c->add_option("--notified", f.notified, "Day its registered owner was notified (the 3-month hold starts; \"\" clears)");
}

// Applies the fields given on `c` onto `b`.
std::expected<void, core::Problem> apply(const CLI::App* c, const BikeCommands::Fields& f, core::Bike& b) {
    auto given = [&](const char* opt) { return c->count(opt) > 0; };
    if (given("--day")) {
        auto d = day_arg(f.day);
        if (!d) return std::unexpected(d.error());
        b.intake_day = *d;
    }
    if (given("--origin")) {
        auto o = core::bike_origin_from_string(f.origin);
        if (!o) return std::unexpected(problem("\"{0}\" is not how a bike comes in: donated, abandoned, found or bought", {f.origin}));
        b.origin = *o;
    }
    if (given("--from-member")) {
        b.from_member = f.from_member > 0 ? std::optional<core::MemberId>{f.from_member} : std::nullopt;
        if (b.from_member) b.from_text.clear();
    }
    if (given("--from")) {
        b.from_text = f.from;
        if (!f.from.empty()) b.from_member.reset();
    }
    if (given("--type")) {
        auto t = core::bike_type_from_string(f.type);
        if (!t) return std::unexpected(problem("\"{0}\" is not a type of bike: city, road, mountain, hybrid, child, cargo, folding, electric or other", {f.type}));
        b.type = *t;
    }
    if (given("--brand")) b.brand = f.brand;
    if (given("--model")) b.model = f.model;
    if (given("--colour")) b.colour = f.colour;
    if (given("--wheel")) b.wheel_size = f.wheel;
    if (given("--frame-size")) b.frame_size = f.frame_size;
    if (given("--serial")) b.frame_serial = f.serial;
    if (given("--condition")) {
        auto k = core::bike_condition_from_string(f.condition);
        if (!k) return std::unexpected(problem("\"{0}\" is not a condition: good, needs_service, needs_repair or for_parts", {f.condition}));
        b.condition = *k;
    }
    if (given("--photo")) {
        b.photos.clear();
        for (const auto& p : f.photos)
            if (!p.empty()) b.photos.push_back(p);
    }
    if (given("--note")) b.note = f.note;
    if (given("--marking")) {
        b.marking = f.marking;
        b.marked_here = f.engraved;
    }
    if (given("--check")) {
        auto k = core::marking_check_from_string(f.check);
        if (!k) return std::unexpected(problem("\"{0}\" is not what an operator says: clear, stolen or unchecked", {f.check}));
        b.marking_check = *k;
        b.marking_checked_on.reset();
        b.marking_checked_by.reset();
    }
    if (given("--checked-on")) {
        auto d = day_arg(f.checked_on);
        if (!d) return std::unexpected(d.error());
        b.marking_checked_on = *d;
    }
    if (given("--checked-by")) b.marking_checked_by = f.checked_by > 0 ? std::optional<core::MemberId>{f.checked_by} : std::nullopt;
    if (given("--notified")) {
        if (f.notified.empty()) {
            b.owner_notified_on.reset();
        } else {
            auto d = day_arg(f.notified);
            if (!d) return std::unexpected(d.error());
            b.owner_notified_on = *d;
        }
    }
    return {};
}

json opt_day(const std::optional<core::Date>& d) { return d ? json(core::format_date(*d)) : json(nullptr); }
json opt_id(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

json part_json(const core::BikePart& p) {
    return {{"id", p.id}, {"from", p.from}, {"to", opt_id(p.to)}, {"part", p.part}, {"day", core::format_date(p.day)}, {"by", opt_id(p.by)}};
}

json bike_json(const core::Bike& b) {
    json j{{"id", b.id},
           {"intake_day", core::format_date(b.intake_day)},
           {"origin", core::to_string(b.origin)},
           {"from_member", opt_id(b.from_member)},
           {"from", b.from_text},
           {"type", core::to_string(b.type)},
           {"brand", b.brand},
           {"model", b.model},
           {"colour", b.colour},
           {"wheel_size", b.wheel_size},
           {"frame_size", b.frame_size},
           {"frame_serial", b.frame_serial},
           {"condition", core::to_string(b.condition)},
           {"photos", b.photos},
           {"note", b.note},
           {"marking", b.marking.empty() ? json(nullptr) : json(b.marking)},
           {"marked_here", b.marked_here},
           {"marking_check", core::to_string(b.marking_check)},
           {"marking_checked_by", opt_id(b.marking_checked_by)},
           {"marking_checked_on", opt_day(b.marking_checked_on)},
           {"owner_notified_on", opt_day(b.owner_notified_on)},
           {"hold_ends", opt_day(core::bike_hold_ends(b))},
           {"status", core::to_string(b.status)}};
    if (const auto& d = b.departure) {
        json dep{{"kind", core::to_string(d->kind)},
                 {"day", core::format_date(d->day)},
                 {"price_kind", core::to_string(d->price_kind)},
                 {"price_cents", d->price_cents},
                 {"by", opt_id(d->by)},
                 {"declared", d->declared_at.has_value()},
                 {"purged", d->purged_at.has_value()}};
        if (d->buyer)
            dep["buyer"] = {{"surname", d->buyer->surname}, {"first_name", d->buyer->first_name}, {"phone", d->buyer->phone},
                            {"email", d->buyer->email}, {"address", d->buyer->address}};
        j["departure"] = dep;
    }
    return j;
}

}  // namespace

BikeCommands::BikeCommands(CLI::App& app) {
    auto* bike = app.add_subcommand("bike", "The bike register: add, set, list, show, part, fit, leave, proof, declare");
    m_add = bike->add_subcommand("add", "Take a bike in (its number is the next one: write it on its tag)");
    add_fields(m_add, m_f, true);
    m_set = bike->add_subcommand("set", "Correct a bike's description, its marking's check or its owner's notice");
    m_set->add_option("BIKE", m_id, "Bike number")->required();
    add_fields(m_set, m_f, false);
    m_list = bike->add_subcommand("list", "The bikes in stock (--all: every bike, --status: one status)");
    m_list->add_flag("--all", m_all, "Every bike of the register");
    m_list->add_option("--status", m_status, "in_stock, sold, given, scrapped or returned");
    m_show = bike->add_subcommand("show", "One bike: description, marking, parts, repairs, departure");
    m_show->add_option("BIKE", m_id, "Bike number")->required();
    m_take = bike->add_subcommand("part", "A part taken from a donor bike (fitted on --to, or kept aside)");
    m_take->add_option("FROM", m_id, "The donor bike's number")->required();
    m_take->add_option("--part", m_part, "What it is (\"roue avant\")")->required();
    m_take->add_option("--to", m_to, "The bike it is fitted on");
    m_fit = bike->add_subcommand("fit", "A part kept aside is fitted on a bike");
    m_fit->add_option("PART", m_part_id, "The part's number (see bike show)")->required();
    m_fit->add_option("--to", m_to, "The bike it is fitted on")->required();
    m_leave = bike->add_subcommand("leave", "The bike leaves: sold, given, scrapped or returned to its owner");
    m_leave->add_option("BIKE", m_id, "Bike number")->required();
    m_leave->add_option("--how", m_how, "sold, given, scrapped or returned (vendu, donné, détruit, rendu)")->required();
    m_leave->add_option("--price", m_price, "Sold: the price (\"120\", \"85,50 €\"); at prix libre, what was paid");
    m_leave->add_flag("--prix-libre", m_free, "Sold at prix libre: --price is what the rider paid");
    m_leave->add_option("--surname", m_surname, "The new rider's surname (sold or given: mandatory)");
    m_leave->add_option("--first-name", m_first, "The new rider's first name (mandatory)");
    m_leave->add_option("--phone", m_phone, "The new rider's phone (mandatory)");
    m_leave->add_option("--email", m_email, "The new rider's e-mail (mandatory)");
    m_leave->add_option("--address", m_address, "The new rider's postal address (optional)");
    m_leave->add_option("--marking", m_marking, "A marking identifier engraved for this sale (a bike without one)");
    m_leave->add_option("--day", m_day, "Day it left, YYYY-MM-DD (default: today)");
    m_leave->add_option("--means", m_means, "Sold: how it was paid (cash, cheque, card, transfer), written in the receipts journal");
    m_proof = bike->add_subcommand("proof", "The proof of sale (or of gift) as a PDF for the new rider");
    m_proof->add_option("BIKE", m_id, "Bike number")->required();
    m_proof->add_option("--out", m_out, "The PDF file to write")->required();
    m_declare = bike->add_subcommand("declare", "The CSV of the bikes to declare to their marking operator; they are then marked declared");
    m_declare->add_option("--out", m_out, "The CSV file to write")->required();
    m_declare->add_flag("--again", m_again, "Also the bikes already declared (whose rider's data is still kept)");
    m_labels = bike->add_subcommand("labels", "QR tags with the bikes' numbers, an A4 sheet of adhesive labels (default: the bikes in stock)");
    m_labels->add_option("BIKE", m_label_ids, "Bike numbers (none: every bike in stock)");
    m_labels->add_option("--out", m_out, "The PDF file to write")->required();
}

std::optional<int> BikeCommands::run(Context& ctx) {
    const bool any = m_add->parsed() || m_set->parsed() || m_list->parsed() || m_show->parsed() || m_take->parsed() ||
                     m_fit->parsed() || m_leave->parsed() || m_proof->parsed() || m_declare->parsed() || m_labels->parsed();
    if (!any) return std::nullopt;
    std::optional<core::BikeStatus> status_filter;
    if (m_list->parsed() && !m_status.empty()) {
        status_filter = core::bike_status_from_string(m_status);
        if (!status_filter)
            return ctx.fail(kBadInput, problem("\"{0}\" is not a bike's status: in_stock, sold, given, scrapped or returned", {m_status}));
    }
    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    auto view = [&] {
        const auto snap = station.snapshot();
        const auto* v = snap->part<app::BikesFeature>();
        return std::pair{snap, v};
    };
    auto print_bike_line = [&](const core::Bike& b) {
        std::string marking = b.marking.empty() ? "-" : b.marking;
        cli_out() << fmt::format("{:>5}  {}  {:<16} {:<24} {:<10} {}", b.id, core::format_date(b.intake_day),
                                 ctx.t(core::label(b.type)), (b.brand + " " + b.model).substr(0, 24), marking,
                                 ctx.t(core::label(b.status)))
                  << '\n';
    };
    auto print_stored = [&](const app::Result& r) -> int {
        if (!r) return ctx.fail(r.error());
        if (const auto* b = std::get_if<core::Bike>(&*r)) {
            if (ctx.json) cli_out() << bike_json(*b).dump() << '\n';
            else print_bike_line(*b);
        } else if (const auto* p = std::get_if<core::BikePart>(&*r)) {
            if (ctx.json) cli_out() << part_json(*p).dump() << '\n';
            else
                cli_out() << core::fill_placeholders(ctx.t("Part {0} ({1}) taken from bike {2}"), {std::to_string(p->id), p->part, std::to_string(p->from)})
                          << (p->to ? core::fill_placeholders(ctx.t(", fitted on bike {0}"), {std::to_string(*p->to)}) : std::string())
                          << '\n';
        }
        return kDone;
    };

    if (m_add->parsed()) {
        core::Bike b;
        b.intake_day = ctx.calendar->local_day(ctx.clock.now());
        if (auto a = apply(m_add, m_f, b); !a) return ctx.fail(kBadInput, a.error());
        return print_stored(station.call(app::AddBike{b, std::nullopt}));
    }
    if (m_set->parsed()) {
        auto [snap, v] = view();
        const core::Bike* was = v ? v->find(m_id) : nullptr;
        if (!was) return ctx.fail(kBadInput, problem("No bike has the number {0}", {std::to_string(m_id)}));
        core::Bike b = *was;
        if (auto a = apply(m_set, m_f, b); !a) return ctx.fail(kBadInput, a.error());
        return print_stored(station.call(app::EditBike{b, std::nullopt}));
    }
    if (m_take->parsed()) {
        const auto to = m_take->count("--to") ? std::optional<core::BikeId>{m_to} : std::nullopt;
        return print_stored(station.call(app::MoveBikePart{m_id, to, m_part, std::nullopt}));
    }
    if (m_fit->parsed()) return print_stored(station.call(app::FitBikePart{m_part_id, m_to, std::nullopt}));
    if (m_leave->parsed()) {
        app::BikeLeaves c;
        c.bike = m_id;
        auto how = core::bike_status_from_string(m_how);
        if (!how || *how == core::BikeStatus::in_stock)
            return ctx.fail(kBadInput, problem("\"{0}\" is not how a bike leaves: sold, given, scrapped or returned", {m_how}));
        c.departure.kind = *how;
        if (!m_price.empty()) {
            auto cents = core::parse_amount(m_price);
            if (!cents) return ctx.fail(kBadInput, cents.error());
            c.departure.price_cents = *cents;
        }
        c.departure.price_kind = m_free ? core::PriceKind::free : core::PriceKind::fixed;
        if (!m_day.empty()) {
            auto d = day_arg(m_day);
            if (!d) return ctx.fail(kBadInput, d.error());
            c.departure.day = *d;
        }
        if (!m_surname.empty() || !m_first.empty() || !m_phone.empty() || !m_email.empty() || !m_address.empty())
            c.departure.buyer = core::Buyer{m_surname, m_first, m_phone, m_email, m_address};
        c.marking = m_marking;
        if (!m_means.empty()) {
            c.means = core::pay_means_from_string(m_means);
            if (!c.means) return ctx.fail(kBadInput, problem("\"{0}\" is not a means of payment: cash, cheque, card, transfer or helloasso", {m_means}));
        }
        auto r = station.call(c);
        if (!r) return ctx.fail(r.error());
        if (ctx.json) return print_stored(r);
        const auto& b = std::get<core::Bike>(*r);
        cli_out() << core::fill_placeholders(ctx.t("Bike {0}: {1} on {2}"), {std::to_string(b.id), ctx.t(core::label(b.status)), core::format_date(b.departure->day)})
                  << '\n';
        if (b.departure->buyer && !b.marking.empty())
            cli_out() << ctx.t("Print its proof of sale with `etabli bike proof`; it will be in the next `etabli bike declare`.") << '\n';
        return kDone;
    }
    if (m_list->parsed()) {
        auto [snap, v] = view();
        json arr = json::array();
        for (const auto& b : v ? v->bikes : std::vector<core::Bike>{}) {
            const bool shown = status_filter ? b.status == *status_filter : (m_all || b.status == core::BikeStatus::in_stock);
            if (!shown) continue;
            if (ctx.json) arr.push_back(bike_json(b));
            else print_bike_line(b);
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_show->parsed()) {
        auto r = station.call(app::ShowBike{m_id, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& rec = std::get<app::BikeRecord>(*r);
        const auto& b = rec.bike;
        if (ctx.json) {
            json j = bike_json(b);
            j["parts_taken"] = json::array();
            j["parts_fitted"] = json::array();
            for (const auto& p : rec.parts_taken) j["parts_taken"].push_back(part_json(p));
            for (const auto& p : rec.parts_fitted) j["parts_fitted"].push_back(part_json(p));
            j["repairs"] = json::array();
            for (const auto& rp : rec.repairs)
                j["repairs"].push_back({{"id", rp.id}, {"day", core::format_date(rp.day)}, {"status", core::to_string(rp.status)},
                                        {"minutes", rp.minutes}, {"done", rp.done}});
            cli_out() << j.dump() << '\n';
            return kDone;
        }
        const auto snap = station.snapshot();
        auto name = [&](std::optional<core::MemberId> m) {
            if (!m) return ctx.t("the command line");
            const auto* mem = snap->directory->find(*m);
            return mem ? mem->display_name : "#" + std::to_string(*m);
        };
        auto line = [&](const char* label, const std::string& value) {
            if (!value.empty()) cli_out() << fmt::format("{:<24}{}", ctx.t(label) + ":", value) << '\n';
        };
        line(core::N_("Bike"), std::to_string(b.id));
        line(core::N_("Came in"), core::format_date(b.intake_day) + ", " + ctx.t(core::label(b.origin)) +
                                     (b.from_member ? " (" + name(b.from_member) + ")" : b.from_text.empty() ? "" : " (" + b.from_text + ")"));
        line(core::N_("Type"), ctx.t(core::label(b.type)));
        line(core::N_("Brand and model"), b.brand + (b.model.empty() ? "" : " " + b.model));
        line(core::N_("Colour"), b.colour);
        line(core::N_("Wheel size"), b.wheel_size);
        line(core::N_("Frame size"), b.frame_size);
        line(core::N_("Frame number"), b.frame_serial);
        line(core::N_("Condition"), ctx.t(core::label(b.condition)));
        line(core::N_("Photos"), [&] {
            std::string s;
            for (const auto& p : b.photos) s += (s.empty() ? "" : ", ") + p;
            return s;
        }());
        if (!b.marking.empty()) {
            line(core::N_("Marking"), b.marking + (b.marked_here ? " (" + ctx.t("engraved here") + ")" : ""));
            if (b.marking_check != core::MarkingCheck::unchecked && b.marking_checked_on)
                line(core::N_("Checked"), core::fill_placeholders(ctx.t(b.marking_check == core::MarkingCheck::stolen ? "declared STOLEN, on {0} by {1}" : core::N_("clear, on {0} by {1}")),
                                                                  {core::format_date(*b.marking_checked_on), name(b.marking_checked_by)}));
            else
                line(core::N_("Checked"), ctx.t("not yet with the operator"));
            if (core::bike_needs_hold(b))
                line(core::N_("Owner notified"), b.owner_notified_on ? core::fill_placeholders(ctx.t("{0}, held until {1}"),
                                                                                               {core::format_date(*b.owner_notified_on), core::format_date(*core::bike_hold_ends(b))})
                                                                     : ctx.t("not yet: the bike cannot leave before three months after the notice"));
        }
        line(core::N_("Note"), b.note);
        for (const auto& p : rec.parts_taken)
            line(core::N_("Part taken"), core::fill_placeholders(ctx.t("{0}. {1} ({2})"), {std::to_string(p.id), p.part, core::format_date(p.day)}) +
                                             (p.to ? " → " + core::fill_placeholders(ctx.t("bike {0}"), {std::to_string(*p.to)}) : " " + ctx.t("kept aside")));
        for (const auto& p : rec.parts_fitted)
            line(core::N_("Part fitted"), core::fill_placeholders(ctx.t("{0}. {1} ({2})"), {std::to_string(p.id), p.part, core::format_date(p.day)}) + " ← " +
                                              core::fill_placeholders(ctx.t("bike {0}"), {std::to_string(p.from)}));
        for (const auto& rp : rec.repairs)
            line(core::N_("Repair"), std::to_string(rp.id) + ". " + core::format_date(rp.day) + " " + rp.done);
        line(core::N_("Status"), ctx.t(core::label(b.status)));
        if (const auto& d = b.departure) {
            line(core::N_("Left"), core::format_date(d->day) + (d->kind == core::BikeStatus::sold ? ", " + core::format_amount(ctx.lang, d->price_cents) +
                                                                                                    (d->price_kind == core::PriceKind::free ? " (" + ctx.t("at prix libre") + ")" : "")
                                                                                              : ""));
            if (d->buyer)
                line(core::N_("New rider"), d->buyer->first_name + " " + d->buyer->surname + ", " + d->buyer->phone + ", " + d->buyer->email +
                                                (d->buyer->address.empty() ? "" : ", " + d->buyer->address));
            else if (d->purged_at)
                line(core::N_("New rider"), ctx.t("purged (retention)"));
            if (d->declared_at) line(core::N_("Declared"), format_local_date(ctx.calendar->local_day(*d->declared_at), ctx.lang));
        }
        return kDone;
    }
    if (m_proof->parsed()) {
        auto r = station.call(app::ShowBike{m_id, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& b = std::get<app::BikeRecord>(*r).bike;
        const auto& cfg = station.options().bikes;
        db::ProofOfSale p;
        p.bike = b;
        p.seller = cfg.seller;
        p.seller_address = cfg.seller_address;
        if (const auto* op = core::marking_operator(b.marking, cfg.operators)) p.operator_name = op->name;
        p.printed = ctx.calendar->local_day(ctx.clock.now());
        p.lang = ctx.lang;
        p.tr = [&ctx](std::string_view m) { return ctx.t(m); };
        if (auto w = db::write_proof_of_sale(p, m_out); !w) return ctx.fail(w.error());
        if (!ctx.json) cli_out() << core::fill_placeholders(ctx.t("Proof of sale of bike {0} written to {1}"), {std::to_string(b.id), m_out}) << '\n';
        else cli_out() << json{{"bike", b.id}, {"out", m_out}}.dump() << '\n';
        return kDone;
    }
    if (m_labels->parsed()) {
        // A tag says the workshop's number (what volunteers write and search for) and what the
        // bike is, so that a tag that fell off finds its bike again.
        const auto [snap, v] = view();
        std::vector<const core::Bike*> chosen;
        if (v) {
            for (auto id : m_label_ids) {
                const auto* b = v->find(id);
                if (!b) return ctx.fail(kBadInput, problem("No bike has the number {0}", {std::to_string(id)}));
                chosen.push_back(b);
            }
            if (m_label_ids.empty())
                for (const auto& b : v->bikes)
                    if (b.status == core::BikeStatus::in_stock) chosen.push_back(&b);
        }
        if (chosen.empty()) return ctx.fail(kBadInput, problem("No bike to label: the register has no bike in stock"));
        std::vector<db::Label> labels;
        for (const auto* b : chosen) {
            std::string what = ctx.t(core::label(b->type));
            for (const auto* part : {&b->brand, &b->colour})
                if (!part->empty()) what += " · " + *part;
            labels.push_back({core::fill_placeholders(ctx.t("Bike No. {0}"), {std::to_string(b->id)}), "VELO-" + std::to_string(b->id), what});
        }
        auto n = db::write_labels(labels, m_out);
        if (!n) return ctx.fail(n.error());
        if (ctx.json) cli_out() << json{{"labels", *n}, {"out", m_out}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} labels written to {1}"), {std::to_string(*n), m_out}) << '\n';
        return kDone;
    }
    if (m_declare->parsed()) {
        auto r = station.call(app::BikesToDeclare{m_again, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& list = std::get<app::BikeList>(*r).bikes;
        if (list.empty()) {
            if (ctx.json) cli_out() << json{{"declared", json::array()}, {"out", nullptr}}.dump() << '\n';
            else cli_out() << ctx.t("No bike to declare: every bike sold or given with a marking was declared already") << '\n';
            return kDone;
        }
        // The file first, then the mark: a file that could not be written marks nothing, and a
        // mark that failed leaves the bikes for the next export.
        if (auto p = write_whole(m_out, db::declaration_csv(list, station.options().bikes))) return ctx.fail(*p);
        app::MarkBikesDeclared mark;
        for (const auto& b : list) mark.bikes.push_back(b.id);
        if (auto m = station.call(mark); !m) return ctx.fail(m.error());
        if (ctx.json) {
            cli_out() << json{{"declared", mark.bikes}, {"out", m_out}}.dump() << '\n';
        } else {
            cli_out() << core::fill_placeholders(ctx.t("{0} bikes to declare written to {1}; send it to the marking operator"),
                                                 {std::to_string(list.size()), m_out})
                      << '\n';
        }
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
