// The tool-library commands of the command line (see tool_cmds.hpp). Layer: cli. Main thread.
// Exit codes as everywhere: 0 done, 1 refused by a lending rule, 2 bad input (unknown tag or
// member, malformed value, bad CSV), 3 storage.
//
// [SECTION] index
//   Helpers     tag lookup, JSON and CSV rows
//   Grammar     ToolCommands::ToolCommands
//   Commands    ToolCommands::run
#include "io.hpp"
#include "tool_cmds.hpp"
#include "export_files.hpp"

#include <etabli/db/labels.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <limits>
#include <iostream>
#include <sstream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;

// [SECTION] Helpers
namespace {

constexpr std::uintmax_t kMaxImportBytes = 16ull * 1024 * 1024;
constexpr std::size_t kErrorsShown = 10;

// Refusals by a rule exit 1; storage 3.
int refused(Context& ctx, const core::Problem& p) {
    return ctx.fail(p.kind == core::Problem::Kind::storage ? kStorage : kRefused, p);
}

std::expected<const core::Tool*, core::Problem> find_tag(const app::Snapshot& s, const std::string& raw) {
    auto tag = core::normalize_tag(raw);
    if (!tag) return std::unexpected(tag.error());
    for (const auto& t : s.tools->tools)
        if (t.tag == *tag) return &t;
    return std::unexpected(problem("No tool has the tag {0} (see: etabli tool list)", {*tag}));
}

// What the tool requires, and who may borrow it: the members at that level, derived from
// the skill grants (the per-tool authorisation lists of migration 004 went in migration 010).
const core::SkillRequirement* tool_requirement(const app::Snapshot& s, core::ToolId id) {
    if (!s.skills) return nullptr;
    auto it = s.skills->tools.find(id);
    return it == s.skills->tools.end() ? nullptr : &it->second;
}
std::vector<core::MemberId> tool_authorised(const app::Snapshot& s, core::ToolId id) {
    std::vector<core::MemberId> out;
    if (const auto* req = tool_requirement(s, id))
        for (const auto* l : s.skills->who(req->skill, req->level)) out.push_back(l->member);
    std::sort(out.begin(), out.end());
    return out;
}

json tool_json(const core::Tool& t, const app::Snapshot& s) {
    json j{{"id", t.id},
           {"name", t.name},
           {"tag", t.tag},
           {"category", t.category},
           {"location", t.location},
           {"condition", core::to_string(t.condition)},
           {"status", core::to_string(t.status)},
           {"loan_days", t.loan_days},
           {"deposit", core::format_euros(t.deposit_cents)},
           {"max_renewals", t.max_renewals},
           {"notes", t.notes},
           {"needs_authorisation", t.needs_authorisation}};
    j["photo"] = t.photo ? json(*t.photo) : json(nullptr);
    j["skill"] = nullptr;
    if (const auto* req = tool_requirement(s, t.id)) {
        const auto* sk = s.skills->find(req->skill);
        j["skill"] = json{{"id", req->skill}, {"name", sk ? sk->name : ""}, {"level", req->level}};
    }
    j["authorised"] = tool_authorised(s, t.id);
    return j;
}

json loan_json(const app::LoanView& l) {
    json j{{"id", l.loan.id},
           {"tool", l.loan.tool},
           {"tag", l.tool_tag},
           {"tool_name", l.tool_name},
           {"member", l.loan.member},
           {"member_name", l.member_name},
           {"lent_at", core::format_timestamp(l.loan.lent_at)},
           {"due", core::format_date(l.loan.due)},
           {"renewals", l.loan.renewals},
           {"days_late", l.days_late},
           {"deposit", core::format_euros(l.loan.deposit_cents)},
           {"deposit_state", core::to_string(l.loan.deposit)}};
    if (l.loan.returned_at) j["returned_at"] = core::format_timestamp(*l.loan.returned_at);
    if (l.loan.return_condition) j["return_condition"] = core::to_string(*l.loan.return_condition);
    return j;
}


std::string member_name(const app::Snapshot& s, core::MemberId id) {
    const auto* m = s.directory->find(id);
    return m ? m->display_name : "?";
}

}  // namespace

// [SECTION] Grammar
namespace {
CLI::App* shared_subcommand(CLI::App& app, const std::string& name, const std::string& description) {
    try {
        return app.get_subcommand(name);
    } catch (const CLI::OptionNotFound&) {
        auto* sub = app.add_subcommand(name, description);
        sub->require_subcommand(1);
        return sub;
    }
}
}  // namespace

ToolCommands::ToolCommands(CLI::App& app) {
    auto* tool = app.add_subcommand("tool", "Tool library: add, list, show, set, retire, import, labels");
    tool->require_subcommand(1);
    auto fields = [&](CLI::App* sub, bool adding) {
        auto* name = sub->add_option("--name", m_f.name, "Name shown at the kiosk and on the label");
        if (adding) name->required();
        sub->add_option("--tag", m_f.tag, adding ? "Label text (barcode or QR); numbered T0001… when omitted" : "New label text");
        sub->add_option("--category", m_f.category, "Category, e.g. \"Vélo\", \"Perçage\"");
        sub->add_option("--days", m_f.days, "Default loan length, days");
        sub->add_option("--deposit", m_f.deposit, "Deposit in euros, e.g. 20 or 12,50");
        sub->add_option("--location", m_f.location, "Where it is kept");
        sub->add_option("--renewals", m_f.renewals, "Maximum renewals");
        sub->add_option("--notes", m_f.notes, "Notes");
        sub->add_option("--photo", m_f.photo, "Photo: a file name relative to the photos folder (\"\" removes it)");
        sub->add_option("--condition", m_f.condition, "good, worn, damaged or broken");
        sub->add_option("--needs-auth", m_f.needs_auth, "yes or no: only authorised members may borrow it");
    };
    m_add = tool->add_subcommand("add", "Add a tool; prints its tag");
    fields(m_add, true);
    m_list = tool->add_subcommand("list", "List the tools");
    m_list->add_option("--category", m_category, "Only this category");
    m_show = tool->add_subcommand("show", "Show one tool, its loan and reservations");
    m_show->add_option("TAG", m_tag, "Tag")->required();
    m_set = tool->add_subcommand("set", "Change a tool (fields, status after a repair, authorisations)");
    m_set->add_option("TAG", m_tag, "Tag")->required();
    fields(m_set, false);
    m_set->add_option("--status", m_f.status, "available (e.g. repaired) or in_repair");
    m_set->add_option("--authorise", m_authorise, "Member number allowed to borrow it");
    m_set->add_option("--revoke", m_revoke, "Member number no longer allowed");
    m_retire = tool->add_subcommand("retire", "Retire a tool from the library (kept in the history)");
    m_retire->add_option("TAG", m_tag, "Tag")->required();
    m_import = tool->add_subcommand("import", "Import tools from a CSV file (all or nothing)");
    m_import->add_option("FILE", m_file, "CSV file")->required();
    m_labels = tool->add_subcommand("labels", "Write an A4 PDF sheet of QR labels");
    m_labels->add_option("--category", m_category, "Only this category");
    m_labels->add_option("--out", m_out, "PDF file to write")->required();

    m_lend = app.add_subcommand("lend", "Lend one or several tools (one basket) to a member");
    m_lend->add_option("TAG", m_tags, "Tags")->required();
    m_member_opt = m_lend->add_option("--member", m_member, "Member number")->required();
    m_days_opt = m_lend->add_option("--days", m_days, "Loan length, days (default: each tool's own)");
    m_by_opt = m_lend->add_option("--by", m_by, "Volunteer number lending for the member");
    m_return = app.add_subcommand("return", "Record the return of a tool");
    m_return->add_option("TAG", m_tag, "Tag")->required();
    m_return->add_option("--condition", m_condition, "good, worn, damaged or broken (damaged/broken: in repair)");
    m_return->add_option("--note", m_note, "What was noticed");
    m_return->add_option("--keep-deposit", m_keep_deposit, "Keep the deposit, with the reason");
    m_renew = app.add_subcommand("renew", "Renew a loan by one loan length");
    m_renew->add_option("TAG", m_tag, "Tag")->required();
    m_loans = app.add_subcommand("loans", "Open loans, overdue first");
    m_loans->add_option("--member", m_member, "Only this member");
    m_loans->add_flag("--overdue", m_overdue, "Only overdue loans (with days late and contact)");
    m_reserve = app.add_subcommand("reserve", "Reserve a tool for a day range, or join its waiting list");
    m_reserve->add_option("TAG", m_tag, "Tag")->required();
    m_reserve->add_option("--member", m_member, "Member number")->required();
    m_reserve->add_option("--from", m_from, "First day, YYYY-MM-DD");
    m_reserve->add_option("--to", m_to, "Last day, YYYY-MM-DD");
    m_reserve->add_flag("--waiting-list", m_waiting, "Join the waiting list instead");
    // Like `booking cancel`: the number is in `tool show` and in `reserve --json`.
    auto* reservation = app.add_subcommand("reservation", "Tool reservations: cancel");
    m_reservation_cancel = reservation->add_subcommand("cancel", "Cancel a tool reservation or waiting-list place");
    m_reservation_cancel->add_option("ID", m_reservation, "Reservation number")->required();
    m_cancel_by_opt = m_reservation_cancel->add_option("--by", m_by, "Member number cancelling (their own; a host: any)");

    auto* exp = shared_subcommand(app, "export", "Exports to CSV files");
    m_export_loans = exp->add_subcommand("loans", "Every loan (history included) to a CSV file");
    m_export_loans->add_option("--out", m_out, "CSV file to write")->required();
    m_export_overdue = exp->add_subcommand("overdue", "The overdue list (days late, contact) to a CSV file");
    m_export_overdue->add_option("--out", m_out, "CSV file to write")->required();
}

// [SECTION] Commands
std::optional<int> ToolCommands::run(Context& ctx) {
    const bool any = m_add->parsed() || m_list->parsed() || m_show->parsed() || m_set->parsed() || m_retire->parsed() ||
                     m_import->parsed() || m_labels->parsed() || m_lend->parsed() || m_return->parsed() ||
                     m_renew->parsed() || m_loans->parsed() || m_reserve->parsed() || m_export_loans->parsed() ||
                     m_export_overdue->parsed() || m_reservation_cancel->parsed();
    if (!any) return std::nullopt;

    // Field options, checked before the store is opened.
    auto apply_fields = [&](core::Tool& t, CLI::App* sub) -> std::optional<core::Problem> {
        // An option this subcommand does not declare counts as not given.
        auto given = [sub](const char* name) {
            const auto* o = sub->get_option_no_throw(name);
            return o && o->count() > 0;
        };
        if (given("--name")) t.name = m_f.name;
        if (given("--tag")) t.tag = m_f.tag;
        if (given("--category")) t.category = m_f.category;
        if (given("--location")) t.location = m_f.location;
        if (given("--notes")) t.notes = m_f.notes;
        if (given("--photo")) t.photo = m_f.photo.empty() ? std::nullopt : std::optional<std::string>(m_f.photo);
        if (given("--days")) t.loan_days = m_f.days;
        if (given("--renewals")) t.max_renewals = m_f.renewals;
        if (given("--deposit")) {
            auto d = core::parse_euros(m_f.deposit);
            if (!d) return d.error();
            t.deposit_cents = *d;
        }
        if (given("--condition")) {
            auto c = core::tool_condition_from_string(m_f.condition);
            if (!c) return problem("Unknown condition \"{0}\": use good, worn, damaged or broken", {m_f.condition});
            t.condition = *c;
            if (*c == core::ToolCondition::damaged || *c == core::ToolCondition::broken) t.status = core::ToolStatus::in_repair;
        }
        if (given("--needs-auth")) {
            const std::string k = core::fold_csv_key(m_f.needs_auth);
            if (k == "yes" || k == "oui" || k == "1") t.needs_authorisation = true;
            else if (k == "no" || k == "non" || k == "0") t.needs_authorisation = false;
            else return problem("--needs-auth takes yes or no (got \"{0}\")", {m_f.needs_auth});
        }
        if (given("--status")) {
            auto s = core::tool_status_from_string(m_f.status);
            if (!s || (*s != core::ToolStatus::available && *s != core::ToolStatus::in_repair))
                return problem("--status takes available or in_repair (got \"{0}\"); use tool retire to retire a tool", {m_f.status});
            t.status = *s;
        }
        auto v = core::validate_tool(t);
        if (!v) return v.error();
        return std::nullopt;
    };

    if (m_add->parsed()) {
        core::Tool t;
        if (auto p = apply_fields(t, m_add)) return ctx.fail(kBadInput, *p);
        if (auto code = ctx.open_station()) return *code;
        auto r = ctx.station->call(app::AddTool{t, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& added = std::get<core::Tool>(*r);
        if (ctx.json) cli_out() << tool_json(added, *ctx.station->snapshot()).dump() << '\n';
        else cli_out() << added.tag << '\n';
        return kDone;
    }
    if (m_import->parsed()) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(m_file, ec);
        if (ec || !std::filesystem::is_regular_file(m_file))
            return ctx.fail(kBadInput, problem("Cannot read \"{0}\": no such file", {m_file}));
        if (size > kMaxImportBytes)
            return ctx.fail(kBadInput, problem("\"{0}\" is too large to be a tool list ({1} MB)", {m_file, std::to_string(size >> 20)}));
        std::ifstream in(m_file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        if (auto code = ctx.open_station()) return *code;
        std::vector<std::string> existing;
        for (const auto& t : ctx.station->snapshot()->tools->tools) existing.push_back(t.tag);
        auto rows = core::parse_tool_csv(ss.str(), existing);
        if (!rows) {
            const auto& errors = rows.error();
            cli_err() << "etabli: " << core::fill_placeholders(ctx.t("{0}: nothing imported, {1} problem(s):"), {m_file, std::to_string(errors.size())}) << '\n';
            for (std::size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) {
                cli_err() << "  ";
                if (errors[i].line) cli_err() << core::fill_placeholders(ctx.t("line {0}"), {std::to_string(errors[i].line)}) << ": ";
                cli_err() << ctx.render(errors[i].problem) << '\n';
            }
            if (errors.size() > kErrorsShown)
                cli_err() << "  " << core::fill_placeholders(ctx.t("…and {0} more"), {std::to_string(errors.size() - kErrorsShown)}) << '\n';
            return kBadInput;
        }
        auto r = ctx.station->call(app::ImportTools{std::move(*rows)});
        if (!r) return ctx.fail(r.error());
        const auto& tools = std::get<std::vector<core::Tool>>(*r);
        if (ctx.json) cli_out() << json{{"added", tools.size()}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} tools added"), {std::to_string(tools.size())}) << '\n';
        return kDone;
    }

    std::optional<core::Date> from, to;
    if (m_reserve->parsed()) {
        if (!m_waiting) {
            if (m_from.empty() || m_to.empty())
                return ctx.fail(kBadInput, problem("reserve needs --from DAY and --to DAY, or --waiting-list"));
            from = core::parse_date(m_from);
            to = core::parse_date(m_to);
            if (!from) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_from}));
            if (!to) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {m_to}));
        }
    }
    if (m_reservation_cancel->parsed()) {
        if (auto code = ctx.open_station()) return *code;
        const auto snap = ctx.station->snapshot();
        app::CancelToolReservation cmd{m_reservation, std::nullopt};
        if (m_cancel_by_opt->count()) {
            if (!snap->directory->find(m_by)) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(m_by)}));
            cmd.actor = m_by;
        }
        bool known = false;
        for (const auto& x : snap->tools->reservations) known = known || x.id == m_reservation;
        if (!known)
            return ctx.fail(kBadInput, problem("No live reservation has the number {0}: it may be over or already cancelled",
                                               {std::to_string(m_reservation)}));
        auto r = ctx.station->call(cmd);
        if (!r) return refused(ctx, r.error());
        const auto& res = std::get<core::Reservation>(*r);
        const auto* tool = ctx.station->snapshot()->tools->find(res.tool);
        if (ctx.json) {
            cli_out() << json{{"id", res.id}, {"tag", tool ? tool->tag : ""}, {"member", res.member}, {"state", core::to_string(res.state)}}.dump()
                      << '\n';
        } else {
            cli_out() << core::fill_placeholders(ctx.t("Reservation {0} cancelled"), {std::to_string(res.id)}) << '\n';
        }
        return kDone;
    }
    std::optional<core::ToolCondition> condition;
    if (m_return->parsed()) {
        condition = core::tool_condition_from_string(m_condition);
        if (!condition) return ctx.fail(kBadInput, problem("Unknown condition \"{0}\": use good, worn, damaged or broken", {m_condition}));
    }

    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    const auto snap = station.snapshot();
    const auto& tv = *snap->tools;
    auto need_member = [&](core::MemberId id) -> std::optional<int> {
        if (!snap->directory->find(id)) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(id)}));
        return std::nullopt;
    };

    if (m_list->parsed()) {
        json arr = json::array();
        for (const auto& t : tv.tools) {
            if (!m_category.empty() && core::fold_csv_key(t.category) != core::fold_csv_key(m_category)) continue;
            if (ctx.json) arr.push_back(tool_json(t, *snap));
            else
                cli_out() << fmt::format("{:<10}  {:<32}  {:<16}  {}\n", t.tag, t.name, t.category,
                                         ctx.t(std::string(core::to_string(t.status))));
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_labels->parsed()) {
        std::vector<core::Tool> chosen;
        for (const auto& t : tv.tools)
            if (t.status != core::ToolStatus::retired &&
                (m_category.empty() || core::fold_csv_key(t.category) == core::fold_csv_key(m_category)))
                chosen.push_back(t);
        if (chosen.empty() && !m_category.empty())
            return ctx.fail(kBadInput, problem("No tool in the category \"{0}\": nothing to print (see: etabli tool list)", {m_category}));
        auto n = db::write_label_sheet(chosen, m_out);
        if (!n) return ctx.fail(kBadInput, n.error());
        if (ctx.json) cli_out() << json{{"labels", *n}, {"out", m_out}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} labels written to {1}"), {std::to_string(*n), m_out}) << '\n';
        return kDone;
    }
    if (m_loans->parsed() || m_export_overdue->parsed()) {
        if (m_loans->parsed() && m_loans->count("--member")) {
            if (auto c = need_member(m_member)) return *c;
        }
        const bool only_overdue = m_overdue || m_export_overdue->parsed();
        std::vector<const app::LoanView*> rows;
        for (const auto& l : tv.loans) {
            if (m_loans->parsed() && m_loans->count("--member") && l.loan.member != m_member) continue;
            if (only_overdue && l.days_late == 0) continue;
            rows.push_back(&l);
        }
        if (m_export_overdue->parsed()) {
            std::string text = "\xEF\xBB\xBF" + csv_line({ctx.t("Tag"), ctx.t("Tool"), ctx.t("Member number"), ctx.t("Member"),
                                                          ctx.t("E-mail"), ctx.t("Due"), ctx.t("Days late"), ctx.t("Deposit")});
            for (const auto* l : rows)
                text += csv_line({l->tool_tag, l->tool_name, std::to_string(l->loan.member), l->member_name, l->member_contact,
                                  core::format_date(l->loan.due), std::to_string(l->days_late),
                                  core::format_euros(l->loan.deposit_cents)});
            if (auto p = write_whole(m_out, text)) return ctx.fail(kBadInput, *p);
            if (ctx.json) cli_out() << json{{"rows", rows.size()}, {"out", m_out}}.dump() << '\n';
            else cli_out() << core::fill_placeholders(ctx.t("{0} overdue loans written to {1}"), {std::to_string(rows.size()), m_out}) << '\n';
            return kDone;
        }
        if (ctx.json) {
            json arr = json::array();
            for (const auto* l : rows) {
                auto j = loan_json(*l);
                j["contact"] = l->member_contact;
                arr.push_back(j);
            }
            cli_out() << arr.dump() << '\n';
            return kDone;
        }
        if (rows.empty()) cli_out() << ctx.t(only_overdue ? "No overdue loan." : core::N_("No tool is on loan.")) << '\n';
        for (const auto* l : rows) {
            std::string late = l->days_late ? core::fill_placeholders(ctx.t("{0} days late"), {std::to_string(l->days_late)}) : "";
            cli_out() << fmt::format("{:<10}  {:<28}  {:<24}  {}  {}  {}\n", l->tool_tag, l->tool_name, l->member_name,
                                     format_local_date(l->loan.due, ctx.lang), late, only_overdue ? l->member_contact : "");
        }
        return kDone;
    }
    if (m_export_loans->parsed()) {
        // The store belongs to the station thread while it runs: stop it, then read.
        ctx.release_station();
        auto history = ctx.reader().loan_history(std::nullopt, std::numeric_limits<std::size_t>::max());
        if (!history) return ctx.fail(kStorage, history.error());
        std::string text = "\xEF\xBB\xBF" + csv_line({ctx.t("Loan"), ctx.t("Tag"), ctx.t("Tool"), ctx.t("Member number"),
                                                      ctx.t("Member"), ctx.t("Lent at"), ctx.t("Due"), ctx.t("Returned at"),
                                                      ctx.t("Renewals"), ctx.t("Condition"), ctx.t("Deposit"), ctx.t("Deposit state")});
        // Every time in the workshop's local time (as the due day is), every value in the
        // reader's language: one file a volunteer reads without a key.
        const auto& cal = *ctx.calendar;
        auto local = [&](core::Timestamp t) { return core::format_date(cal.local_day(t)) + " " + cal.local_hhmm(t); };
        auto deposit_text = [&](core::DepositState d) -> std::string {
            switch (d) {
                case core::DepositState::none: return ctx.t("no deposit");
                case core::DepositState::held: return ctx.t("deposit held");
                case core::DepositState::returned: return ctx.t("deposit returned");
                case core::DepositState::kept: return ctx.t("deposit kept");
            }
            return "";
        };
        for (const auto& l : *history) {
            const auto* t = tv.find(l.tool);
            text += csv_line({std::to_string(l.id), t ? t->tag : "", t ? t->name : "", std::to_string(l.member),
                              member_name(*snap, l.member), local(l.lent_at), core::format_date(l.due),
                              l.returned_at ? local(*l.returned_at) : "", std::to_string(l.renewals),
                              l.return_condition ? ctx.t(std::string(core::to_string(*l.return_condition))) : "",
                              core::format_euros(l.deposit_cents), deposit_text(l.deposit)});
        }
        if (auto p = write_whole(m_out, text)) return ctx.fail(kBadInput, *p);
        if (ctx.json) cli_out() << json{{"rows", history->size()}, {"out", m_out}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} loans written to {1}"), {std::to_string(history->size()), m_out}) << '\n';
        return kDone;
    }
    if (m_lend->parsed()) {
        if (auto c = need_member(m_member)) return *c;
        app::Lend cmd;
        cmd.member = m_member;
        if (m_by_opt->count()) {
            if (!snap->directory->find(m_by)) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(m_by)}));
            cmd.actor = m_by;
        }
        if (m_days_opt->count()) cmd.days = m_days;
        for (const auto& tag : m_tags) {
            auto t = find_tag(*snap, tag);
            if (!t) return ctx.fail(kBadInput, t.error());
            cmd.tools.push_back((*t)->id);
        }
        auto r = station.call(cmd);
        if (!r) return refused(ctx, r.error());
        const auto& loans = std::get<std::vector<core::Loan>>(*r);
        const auto after = station.snapshot();
        if (ctx.json) {
            json arr = json::array();
            for (const auto& l : loans)
                for (const auto& v : after->tools->loans)
                    if (v.loan.id == l.id) arr.push_back(loan_json(v));
            cli_out() << arr.dump() << '\n';
        } else {
            for (const auto& l : loans) {
                const auto* t = after->tools->find(l.tool);
                cli_out() << core::fill_placeholders(ctx.t("{0} lent to {1}, due {2}"),
                                                     {t ? t->name : "?", member_name(*after, l.member), format_local_date(l.due, ctx.lang)});
                if (l.deposit_cents > 0)
                    cli_out() << " " << core::fill_placeholders(ctx.t("(deposit {0} €)"), {core::format_euros(l.deposit_cents)});
                cli_out() << '\n';
            }
        }
        return kDone;
    }

    // The remaining commands name one tool.
    auto tool = find_tag(*snap, m_tag);
    if (!tool) return ctx.fail(kBadInput, tool.error());
    const core::Tool& t = **tool;

    if (m_show->parsed()) {
        const app::LoanView* loan = nullptr;
        for (const auto& l : tv.loans)
            if (l.loan.tool == t.id) loan = &l;
        if (ctx.json) {
            auto j = tool_json(t, *snap);
            if (loan) j["loan"] = loan_json(*loan);
            json rs = json::array();
            for (const auto& r : tv.reservations)
                if (r.tool == t.id)
                    rs.push_back({{"id", r.id}, {"member", r.member}, {"kind", core::to_string(r.kind)}, {"state", core::to_string(r.state)},
                                  {"from", core::format_date(r.from)}, {"to", core::format_date(r.to)}});
            j["reservations"] = rs;
            cli_out() << j.dump() << '\n';
            return kDone;
        }
        auto line = [&](std::string_view label, const std::string& value) {
            cli_out() << fmt::format("{:<20} {}\n", ctx.t(label) + ":", value);
        };
        line("Tag", t.tag);
        line("Name", t.name);
        line("Category", t.category.empty() ? "-" : t.category);
        line("Location", t.location.empty() ? "-" : t.location);
        line("Status", ctx.t(std::string(core::to_string(t.status))));
        line("Condition", ctx.t(std::string(core::to_string(t.condition))));
        line("Loan length", core::fill_placeholders(ctx.t("{0} days"), {std::to_string(t.loan_days)}));
        line("Deposit", t.deposit_cents ? core::format_euros(t.deposit_cents) + " €" : "-");
        line("Renewals", std::to_string(t.max_renewals));
        if (!t.notes.empty()) line("Notes", t.notes);
        if (t.photo) line("Photo", *t.photo);
        // Who may borrow it is the skill's say alone: one line, never a contradiction.
        if (const auto* req = tool_requirement(*snap, t.id)) {
            const auto* sk = snap->skills->find(req->skill);
            line("Skill needed", core::fill_placeholders(ctx.t("{0} at level {1} ({2})"),
                                                         {sk ? sk->name : "#" + std::to_string(req->skill),
                                                          std::to_string(req->level), ctx.t(core::level_name(req->level))}));
            std::string who;
            for (auto m : tool_authorised(*snap, t.id)) who += (who.empty() ? "" : ", ") + member_name(*snap, m);
            line("May borrow it", who.empty() ? "-" : who);
        } else {
            line("Skill needed", ctx.t("none: any member may borrow it"));
        }
        if (loan) line("On loan to", loan->member_name + " (" + format_local_date(loan->loan.due, ctx.lang) + ")");
        for (const auto& r : tv.reservations)
            if (r.tool == t.id)
                line(r.kind == core::ReservationKind::range ? "Reserved" : core::N_("Waiting list"),
                     "#" + std::to_string(r.id) + " " + member_name(*snap, r.member) + (r.kind == core::ReservationKind::range
                                                         ? " " + format_local_date(r.from, ctx.lang) + " – " + format_local_date(r.to, ctx.lang)
                                                         : ""));
        // The last return: its condition, the volunteer's note and a kept deposit's reason,
        // which hosts need when the next member asks. The store is read once the station stopped.
        ctx.release_station();
        if (auto history = ctx.reader().loan_history(std::nullopt, 5000)) {
            for (const auto& l : *history) {
                if (l.tool != t.id || !l.returned_at) continue;
                std::string text = format_local_date(ctx.calendar->local_day(*l.returned_at), ctx.lang) + ", " +
                                   member_name(*snap, l.member);
                if (l.return_condition) text += ", " + ctx.t(std::string(core::to_string(*l.return_condition)));
                line("Last return", text);
                if (!l.return_note.empty()) line("Return note", l.return_note);
                if (l.deposit == core::DepositState::kept)
                    line("Deposit kept", core::format_euros(l.deposit_cents) + " € — " + l.deposit_reason);
                break;
            }
        }
        return kDone;
    }
    if (m_set->parsed()) {
        core::Tool changed = t;
        if (auto p = apply_fields(changed, m_set)) return ctx.fail(kBadInput, *p);
        for (auto m : m_authorise)
            if (auto c = need_member(m)) return *c;
        auto r = station.call(app::SetTool{changed, m_authorise, m_revoke, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& after = std::get<core::Tool>(*r);
        if (ctx.json) cli_out() << tool_json(after, *station.snapshot()).dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} updated"), {after.tag}) << '\n';
        return kDone;
    }
    if (m_retire->parsed()) {
        auto r = station.call(app::RetireTool{t.id, std::nullopt});
        if (!r) return refused(ctx, r.error());
        if (ctx.json) cli_out() << json{{"tag", t.tag}, {"status", "retired"}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} retired"), {t.tag}) << '\n';
        return kDone;
    }
    if (m_return->parsed()) {
        app::ReturnTool cmd;
        cmd.tool = t.id;
        cmd.condition = *condition;
        cmd.note = m_note;
        cmd.keep_deposit = m_return->count("--keep-deposit") > 0;
        cmd.deposit_reason = m_keep_deposit;
        auto r = station.call(cmd);
        if (!r) return refused(ctx, r.error());
        const auto& l = std::get<std::vector<core::Loan>>(*r).front();
        const auto after = station.snapshot();
        const auto* now_tool = after->tools->find(t.id);
        if (ctx.json) {
            cli_out() << json{{"tag", t.tag}, {"loan", l.id}, {"status", core::to_string(now_tool ? now_tool->status : t.status)},
                              {"deposit_state", core::to_string(l.deposit)}, {"days_late", core::days_late(l, after->today)}}
                             .dump()
                      << '\n';
        } else {
            cli_out() << core::fill_placeholders(ctx.t("{0} returned: {1}"),
                                                 {t.name, ctx.t(std::string(core::to_string(now_tool ? now_tool->status : t.status)))});
            if (l.deposit == core::DepositState::returned) cli_out() << ", " << ctx.t("give the deposit back");
            if (l.deposit == core::DepositState::kept) cli_out() << ", " << ctx.t("deposit kept");
            cli_out() << '\n';
        }
        return kDone;
    }
    if (m_renew->parsed()) {
        auto r = station.call(app::RenewLoan{t.id, std::nullopt});
        if (!r) return refused(ctx, r.error());
        const auto& l = std::get<std::vector<core::Loan>>(*r).front();
        if (ctx.json) cli_out() << json{{"tag", t.tag}, {"due", core::format_date(l.due)}, {"renewals", l.renewals}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("{0} renewed, due {1}"), {t.name, format_local_date(l.due, ctx.lang)}) << '\n';
        return kDone;
    }
    if (m_reserve->parsed()) {
        if (auto c = need_member(m_member)) return *c;
        app::ReserveTool cmd;
        cmd.tool = t.id;
        cmd.member = m_member;
        cmd.waiting_list = m_waiting;
        if (from) cmd.from = *from;
        if (to) cmd.to = *to;
        auto r = station.call(cmd);
        if (!r) return refused(ctx, r.error());
        const auto& res = std::get<core::Reservation>(*r);
        if (ctx.json) {
            json j{{"id", res.id}, {"tag", t.tag}, {"member", res.member}, {"kind", core::to_string(res.kind)},
                   {"state", core::to_string(res.state)}, {"from", core::format_date(res.from)}, {"to", core::format_date(res.to)}};
            if (res.held_until) j["held_until"] = core::format_date(*res.held_until);
            cli_out() << j.dump() << '\n';
        } else if (res.kind == core::ReservationKind::range) {
            cli_out() << core::fill_placeholders(ctx.t("{0} reserved for {1} from {2} to {3}"),
                                                 {t.name, member_name(*snap, res.member), format_local_date(res.from, ctx.lang),
                                                  format_local_date(res.to, ctx.lang)})
                      << '\n';
        } else if (res.state == core::ReservationState::held) {
            cli_out() << core::fill_placeholders(ctx.t("{0} is held for {1} until {2}"),
                                                 {t.name, member_name(*snap, res.member), format_local_date(*res.held_until, ctx.lang)})
                      << '\n';
        } else {
            cli_out() << core::fill_placeholders(ctx.t("{0} joined the waiting list of {1}"), {member_name(*snap, res.member), t.name}) << '\n';
        }
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
