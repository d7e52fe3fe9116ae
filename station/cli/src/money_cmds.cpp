// Memberships and the receipts journal on the command line (see money_cmds.hpp).
// Layer: cli. Main thread.
//
// Every write goes through the Station (AddPlan, EditPlan, PayMembership, RecordReceipt,
// CorrectReceipt, CloseDay, ImportHelloAsso), so the same rules hold as at the kiosk. The
// HelloAsso file is read and checked here first: a bad file sends nothing.
#include "money_cmds.hpp"
#include "export_files.hpp"
#include "io.hpp"

#include <etabli/app/features/money.hpp>
#include <etabli/core/bikes.hpp>
#include <etabli/db/accounting.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

namespace {

std::expected<core::Date, core::Problem> day_arg(const std::string& text) {
    auto d = core::parse_date(text);
    if (!d) return std::unexpected(problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {text}));
    return *d;
}
std::optional<bool> yes_no(const std::string& s) {
    if (s == "yes" || s == "oui" || s == "true" || s == "1") return true;
    if (s == "no" || s == "non" || s == "false" || s == "0") return false;
    return std::nullopt;
}
json plan_json(const core::Plan& p) {
    return {{"id", p.id}, {"name", p.name}, {"months", p.months}, {"price_cents", p.price_cents}, {"free_price", p.free_price}, {"active", p.active}};
}
json receipt_json(const core::Receipt& r) {
    json j{{"id", r.id}, {"day", core::format_date(r.day)}, {"amount_cents", r.amount_cents}, {"means", core::to_string(r.means)},
           {"for", core::to_string(r.what)}, {"label", r.label}, {"note", r.note}};
    j["member"] = r.member ? json(*r.member) : json(nullptr);
    j["plan"] = r.plan ? json(*r.plan) : json(nullptr);
    j["bike"] = r.bike ? json(*r.bike) : json(nullptr);
    j["corrects"] = r.corrects ? json(*r.corrects) : json(nullptr);
    j["reference"] = r.external_ref;
    return j;
}

}  // namespace

MoneyCommands::MoneyCommands(CLI::App& app) {
    auto* plan = app.add_subcommand("plan", "Membership plans: add, set, list");
    m_plan_add = plan->add_subcommand("add", "A membership plan (annual, reduced, family, prix libre…)");
    m_plan_add->add_option("NAME", m_name, "Its name (\"Annuelle\")")->required();
    m_plan_add->add_option("--months", m_months, "How long it lasts (default 12)");
    m_plan_add->add_option("--price", m_price, "Its price (\"20\", \"12,50 €\"); at prix libre, the amount suggested")->required();
    m_plan_add->add_flag("--prix-libre", m_prix_libre, "The member pays what they can");
    m_plan_set = plan->add_subcommand("set", "Change a plan (its history keeps what was paid)");
    m_plan_set->add_option("ID", m_id, "The plan's number")->required();
    m_plan_set->add_option("--name", m_name, "Its name");
    m_plan_set->add_option("--months", m_months, "How long it lasts");
    m_plan_set->add_option("--price", m_price, "Its price");
    m_plan_set->add_option("--prix-libre", m_free, "yes or no");
    m_plan_set->add_option("--offered", m_offered, "yes or no: offered at the kiosk");
    m_plan_list = plan->add_subcommand("list", "The plans");

    auto* ms = app.add_subcommand("membership", "Memberships: pay, ending, import-helloasso");
    m_pay = ms->add_subcommand("pay", "A member pays their membership: the receipt and the new end, in one step");
    m_pay->add_option("MEMBER", m_member, "The member's number")->required();
    m_pay->add_option("--plan", m_plan, "The plan's number or name")->required();
    m_pay->add_option("--paid", m_paid, "At prix libre: what was paid");
    m_pay->add_option("--means", m_means, "cash, cheque, card, transfer or helloasso (espèces, chèque, carte, virement)");
    m_ending = ms->add_subcommand("ending", "Memberships ending this month and ended last month, for the association's own mailing");
    m_ending->add_option("--month", m_month, "The month, YYYY-MM (default: this one)");
    m_ending->add_option("--csv", m_csv, "Also write them to this CSV file");
    m_import = ms->add_subcommand("import-helloasso", "Renew the members paid on HelloAsso (the form's CSV export), all or nothing");
    m_import->add_option("FILE", m_file, "The export, as HelloAsso wrote it")->required();
    m_import->add_option("--attach", m_attach,
                         "REFERENCE=MEMBER: the member who made this payment, when no member matched its payer (repeat for several)");

    auto* rc = app.add_subcommand("receipt", "The receipts journal: add, correct, journal, close, export");
    m_r_add = rc->add_subcommand("add", "A payment that is not a membership (prix libre for a repair, parts, a donation…)");
    m_r_add->add_option("--amount", m_amount, "The amount (\"5\", \"12,50 €\")")->required();
    m_r_add->add_option("--for", m_for, "repair, bike, parts, consumables, donation or other (réparation, pièces, don…)")->required();
    m_r_add->add_option("--means", m_means, "cash, cheque, card, transfer (espèces, chèque, carte, virement)");
    m_r_add->add_option("--member", m_member, "Who paid, when a member");
    m_r_add->add_option("--label", m_label, "What it was (\"Chambre à air\")");
    m_r_add->add_option("--note", m_note, "A note");
    m_r_correct = rc->add_subcommand("correct", "The counter-entry of a line: a mistake, a refund");
    m_r_correct->add_option("ID", m_id, "The line's number")->required();
    m_r_correct->add_option("--reason", m_reason, "Why")->required();
    m_r_journal = rc->add_subcommand("journal", "A day's lines and totals per means");
    m_r_journal->add_option("--day", m_day, "The day, YYYY-MM-DD (default: today)");
    m_r_close = rc->add_subcommand("close", "Confirm a day's totals: the day then takes no more lines");
    m_r_close->add_option("--day", m_day, "The day, YYYY-MM-DD (default: today)");
    m_r_export = rc->add_subcommand("export", "The journal for Paheko (simple import) or Dolibarr (journal)");
    m_r_export->add_option("--from", m_from, "First day, YYYY-MM-DD")->required();
    m_r_export->add_option("--to", m_to, "Last day, YYYY-MM-DD")->required();
    m_r_export->add_option("--format", m_format, "paheko (default) or journal");
    m_r_export->add_option("--out", m_out, "The CSV file to write")->required();
}

std::optional<int> MoneyCommands::run(Context& ctx) {
    const bool any = m_plan_add->parsed() || m_plan_set->parsed() || m_plan_list->parsed() || m_pay->parsed() || m_ending->parsed() ||
                     m_import->parsed() || m_r_add->parsed() || m_r_correct->parsed() || m_r_journal->parsed() || m_r_close->parsed() ||
                     m_r_export->parsed();
    if (!any) return std::nullopt;
    // Bad input first, before the station opens.
    std::optional<std::int64_t> price, paid, amount;
    for (auto [text, into] : {std::pair{&m_price, &price}, std::pair{&m_paid, &paid}, std::pair{&m_amount, &amount}})
        if (!text->empty()) {
            auto c = core::parse_amount(*text);
            if (!c) return ctx.fail(kBadInput, c.error());
            *into = *c;
        }
    auto means = core::pay_means_from_string(m_means);
    if (!means) return ctx.fail(kBadInput, problem("\"{0}\" is not a means of payment: cash, cheque, card, transfer or helloasso", {m_means}));
    std::optional<std::vector<core::HelloAssoPayment>> payments;
    if (m_import->parsed()) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(m_file, ec);
        if (ec || !std::filesystem::is_regular_file(m_file)) return ctx.fail(kBadInput, problem("Cannot read \"{0}\": no such file", {m_file}));
        if (size > 64ull * 1024 * 1024) return ctx.fail(kBadInput, problem("\"{0}\" is too large to be a member list ({1} MB)", {m_file, std::to_string(size >> 20)}));
        std::ifstream in(m_file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto parsed = core::parse_helloasso_csv(ss.str());
        if (!parsed) {
            const auto& errors = parsed.error();
            cli_err() << "etabli: " << core::fill_placeholders(ctx.t("{0}: nothing imported, {1} problem(s):"), {m_file, std::to_string(errors.size())}) << '\n';
            for (std::size_t i = 0; i < errors.size() && i < 10; ++i) cli_err() << "  " << ctx.render(errors[i].problem) << '\n';
            return kBadInput;
        }
        payments = std::move(*parsed);
    }
    std::map<std::string, core::MemberId> attach;
    for (const auto& a : m_attach) {
        const auto eq = a.rfind('=');
        core::MemberId id = 0;
        const char* end = a.data() + a.size();
        const auto [p, ec] = eq == std::string::npos ? std::from_chars(end, end, id) : std::from_chars(a.data() + eq + 1, end, id);
        if (eq == std::string::npos || eq == 0 || ec != std::errc{} || p != end || id <= 0)
            return ctx.fail(kBadInput, problem("--attach takes REFERENCE=MEMBER, e.g. 12345678=42 (got \"{0}\")", {a}));
        const std::string ref = a.substr(0, eq);
        if (payments && std::none_of(payments->begin(), payments->end(), [&](const auto& pay) { return pay.reference == ref; }))
            return ctx.fail(kBadInput, problem("No payment of \"{0}\" has the reference {1}", {m_file, ref}));
        attach[ref] = id;
    }

    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    const auto today = ctx.calendar->local_day(ctx.clock.now());
    const auto snap = station.snapshot();
    const auto* plans = snap->part<app::MoneyFeature>();
    auto print_plan = [&](const core::Plan& p) {
        if (ctx.json) {
            cli_out() << plan_json(p).dump() << '\n';
            return;
        }
        cli_out() << fmt::format("{:>4}  {:<24} {:>3} {}  {}{}", p.id, p.name, p.months, ctx.t("months"), core::format_amount(ctx.lang, p.price_cents),
                                 p.free_price ? " (" + ctx.t("at prix libre") + ")" : "")
                  << (p.active ? "" : "  " + ctx.t("not offered")) << '\n';
    };
    auto print_receipt = [&](const core::Receipt& r) {
        if (ctx.json) {
            cli_out() << receipt_json(r).dump() << '\n';
            return;
        }
        cli_out() << fmt::format("{:>6}  {}  {:>12}  {:<10} {:<18} {}", r.id, core::format_date(r.day), core::format_amount(ctx.lang, r.amount_cents),
                                 ctx.t(core::label(r.means)), ctx.t(core::label(r.what)), r.label)
                  << (r.corrects ? "  " + core::fill_placeholders(ctx.t("(corrects line {0})"), {std::to_string(*r.corrects)}) : "") << '\n';
    };

    if (m_plan_add->parsed() || m_plan_set->parsed()) {
        core::Plan p;
        if (m_plan_set->parsed()) {
            const core::Plan* was = plans ? plans->find(m_id) : nullptr;
            if (!was) return ctx.fail(kBadInput, problem("No plan has the number {0}", {std::to_string(m_id)}));
            p = *was;
        }
        if (m_plan_add->parsed() || m_plan_set->count("--name")) p.name = m_name;
        if (m_plan_add->parsed() || m_plan_set->count("--months")) p.months = m_months;
        if (price) p.price_cents = *price;
        if (m_plan_add->parsed()) p.free_price = m_prix_libre;
        for (auto [text, into] : {std::pair{&m_free, &p.free_price}, std::pair{&m_offered, &p.active}})
            if (!text->empty()) {
                auto v = yes_no(*text);
                if (!v) return ctx.fail(kBadInput, problem("\"{0}\": answer yes or no", {*text}));
                *into = *v;
            }
        auto r = m_plan_add->parsed() ? station.call(app::AddPlan{p, std::nullopt}) : station.call(app::EditPlan{p, std::nullopt});
        if (!r) return ctx.fail(r.error());
        print_plan(std::get<core::Plan>(*r));
        return kDone;
    }
    if (m_plan_list->parsed()) {
        json arr = json::array();
        for (const auto& p : plans ? plans->plans : std::vector<core::Plan>{}) {
            if (ctx.json) arr.push_back(plan_json(p));
            else print_plan(p);
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_pay->parsed()) {
        std::optional<core::PlanId> plan_id;
        for (const auto& p : plans ? plans->plans : std::vector<core::Plan>{})
            if (std::to_string(p.id) == m_plan || core::fold_csv_key(p.name) == core::fold_csv_key(m_plan)) plan_id = p.id;
        if (!plan_id) return ctx.fail(kBadInput, problem("No plan is called \"{0}\" (see: etabli plan list)", {m_plan}));
        auto r = station.call(app::PayMembership{m_member, *plan_id, paid, *means, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& m = std::get<core::Member>(*r);
        if (ctx.json) cli_out() << json{{"member", m.id}, {"until", m.valid_until ? core::format_date(*m.valid_until) : ""}}.dump() << '\n';
        else
            cli_out() << core::fill_placeholders(ctx.t("{0} is a member until {1}"), {m.display_name, m.valid_until ? format_local_date(*m.valid_until, ctx.lang) : "-"})
                      << '\n';
        return kDone;
    }
    if (m_ending->parsed()) {
        year_month ym{today.year(), today.month()};
        if (!m_month.empty()) {
            auto d = core::parse_date(m_month + "-01");
            if (!d) return ctx.fail(kBadInput, problem("\"{0}\" is not a month: write YYYY-MM, e.g. 2026-12", {m_month}));
            ym = year_month{d->year(), d->month()};
        }
        const year_month prev = ym - months{1};
        std::vector<const core::Member*> ending, ended;
        for (const auto& [id, m] : snap->directory->members) {
            if (!m.valid_until) continue;
            const year_month at{m.valid_until->year(), m.valid_until->month()};
            if (at == ym) ending.push_back(&m);
            if (at == prev) ended.push_back(&m);
        }
        std::string csv = "\xEF\xBB\xBF" + csv_line({"Numéro", "Nom", "Courriel", "Fin d'adhésion", "État"});
        json arr = json::array();
        for (const auto& [list, state] : {std::pair{&ended, "ended"}, std::pair{&ending, "ending"}})
            for (const auto* m : *list) {
                const std::string until = core::format_date(*m->valid_until);
                csv += csv_line({std::to_string(m->id), m->display_name, m->email.value_or(""), until,
                                 std::string_view(state) == "ended" ? "terminée" : "se termine"});
                if (ctx.json) arr.push_back({{"id", m->id}, {"name", m->display_name}, {"email", m->email.value_or("")}, {"until", until}, {"state", state}});
                else
                    cli_out() << fmt::format("{:>5}  {:<28} {}  {}", m->id, m->display_name, format_local_date(*m->valid_until, ctx.lang),
                                             ctx.t(std::string_view(state) == "ended" ? "ended" : core::N_("ending")))
                              << '\n';
            }
        if (!m_csv.empty())
            if (auto p = write_whole(m_csv, csv)) return ctx.fail(*p);
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_import->parsed()) {
        auto r = station.call(app::ImportHelloAsso{*payments, std::nullopt, attach});
        if (!r) return ctx.fail(r.error());
        const auto& s = std::get<app::HelloAssoSummary>(*r);
        if (ctx.json) {
            json renewed = json::array(), unmatched = json::array();
            for (const auto& x : s.renewed) renewed.push_back({{"member", x.member}, {"reference", x.reference}, {"until", core::format_date(x.until)}});
            for (const auto& u : s.unmatched)
                unmatched.push_back({{"line", u.line}, {"reference", u.reference}, {"first_name", u.first_name}, {"last_name", u.last_name},
                                     {"email", u.email}, {"amount_cents", u.amount_cents}});
            cli_out() << json{{"renewed", renewed}, {"already", s.already}, {"unmatched", unmatched}}.dump() << '\n';
            return kDone;
        }
        cli_out() << core::fill_placeholders(ctx.t("{0} memberships renewed, {1} already imported, {2} payers to attach"),
                                             {std::to_string(s.renewed.size()), std::to_string(s.already.size()), std::to_string(s.unmatched.size())})
                  << '\n';
        for (const auto& u : s.unmatched)
            cli_out() << "  " << core::fill_placeholders(ctx.t("line {0}: {1} {2} <{3}>, {4}: no member matches; add them (etabli member add) and import again, or name the member with --attach {5}=MEMBER"),
                                                         {std::to_string(u.line), u.first_name, u.last_name, u.email, core::format_amount(ctx.lang, u.amount_cents), u.reference})
                      << '\n';
        return kDone;
    }
    if (m_r_add->parsed()) {
        auto what = core::receipt_for_from_string(m_for);
        if (!what) return ctx.fail(kBadInput, problem("\"{0}\" is not what a payment is for: repair, bike, parts, consumables, donation or other", {m_for}));
        core::Receipt rc;
        rc.amount_cents = amount.value_or(0);
        rc.means = *means;
        rc.what = *what;
        rc.label = m_label;
        rc.note = m_note;
        if (m_member > 0) rc.member = m_member;
        auto r = station.call(app::RecordReceipt{rc, std::nullopt});
        if (!r) return ctx.fail(r.error());
        print_receipt(std::get<core::Receipt>(*r));
        return kDone;
    }
    if (m_r_correct->parsed()) {
        auto r = station.call(app::CorrectReceipt{m_id, m_reason, std::nullopt});
        if (!r) return ctx.fail(r.error());
        print_receipt(std::get<core::Receipt>(*r));
        return kDone;
    }
    if (m_r_journal->parsed() || m_r_close->parsed()) {
        core::Date day = today;
        if (!m_day.empty()) {
            auto d = day_arg(m_day);
            if (!d) return ctx.fail(kBadInput, d.error());
            day = *d;
        }
        if (m_r_close->parsed()) {
            auto r = station.call(app::CloseDay{day, std::nullopt});
            if (!r) return ctx.fail(r.error());
        }
        auto r = station.call(app::ShowJournal{day, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& j = std::get<app::JournalDay>(*r);
        const core::Closing& k = j.closing ? *j.closing : j.totals;
        if (ctx.json) {
            json lines = json::array(), totals = json::object();
            for (const auto& l : j.lines) lines.push_back(receipt_json(l));
            for (const auto& [m, c] : k.totals) totals[std::string(core::to_string(m))] = c;
            cli_out() << json{{"day", core::format_date(day)}, {"lines", lines}, {"totals", totals}, {"total_cents", k.total_cents},
                              {"closed", j.closing.has_value()}}
                             .dump()
                      << '\n';
            return kDone;
        }
        for (const auto& l : j.lines) print_receipt(l);
        for (const auto& [m, c] : k.totals) cli_out() << fmt::format("  {:<12} {:>12}", ctx.t(core::label(m)), core::format_amount(ctx.lang, c)) << '\n';
        cli_out() << fmt::format("  {:<12} {:>12}", ctx.t("Total"), core::format_amount(ctx.lang, k.total_cents)) << '\n';
        cli_out() << (j.closing ? core::fill_placeholders(ctx.t("Closed: {0} lines, confirmed"), {std::to_string(k.lines)}) : ctx.t("Not closed yet"))
                  << '\n';
        return kDone;
    }
    if (m_r_export->parsed()) {
        auto from = day_arg(m_from), to = day_arg(m_to);
        if (!from) return ctx.fail(kBadInput, from.error());
        if (!to) return ctx.fail(kBadInput, to.error());
        if (m_format != "paheko" && m_format != "journal") return ctx.fail(kBadInput, problem("\"{0}\" is not an export format: paheko or journal", {m_format}));
        auto r = station.call(app::ReceiptsBetween{*from, *to, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& lines = std::get<app::ReceiptList>(*r).lines;
        const db::AccountChart chart;
        if (auto p = write_whole(m_out, m_format == "paheko" ? db::paheko_csv(lines, chart) : db::journal_csv(lines, chart))) return ctx.fail(*p);
        if (ctx.json) cli_out() << json{{"lines", lines.size()}, {"out", m_out}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} lines written to {1}"), {std::to_string(lines.size()), m_out}) << '\n';
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
