// `etabli audit verify|list`: see trust_cmds.hpp.
#include "trust_cmds.hpp"

#include "io.hpp"

#include <etabli/core/pin.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/privacy.hpp>
#include <etabli/db/sql_store.hpp>

#include <nlohmann/json.hpp>

#include <termios.h>
#include <unistd.h>

#include <algorithm>

#include <iostream>

namespace etabli::cli {

using nlohmann::json;

TrustCommands::TrustCommands(CLI::App& app) {
    m_audit = app.add_subcommand("audit", "The audit trail: hosts' and admins' actions, refusals, lockouts");
    m_audit->require_subcommand(1);
    m_verify = m_audit->add_subcommand("verify", "Check the audit trail's chain; names the first row that does not hold");
    m_list = m_audit->add_subcommand("list", "List the audit trail, oldest first");
    m_list->add_option("--since", m_since, "From this day (YYYY-MM-DD, local) or time (UTC, 2026-12-05T08:00:00Z)");
    m_list->add_option("--who", m_who, "Only the actions of this member (number)");
    m_list->add_option("--limit", m_limit, "At most this many rows, the latest (default 200)")->check(CLI::Range(1, 1000000));
    auto* privacy = app.add_subcommand("privacy", "Members' personal data: retention ([privacy] of etabli.toml)");
    privacy->require_subcommand(1);
    m_purge = privacy->add_subcommand("purge", "Apply the retention now: old presences become daily totals, long-ended members are erased");
    m_purge->add_flag("--dry-run", m_dry_run, "Say what would go, change nothing");
    auto* pin = app.add_subcommand("pin", "Members' PINs (hosts, admins, machines that require one)");
    pin->require_subcommand(1);
    m_pin_set = pin->add_subcommand("set", "Set a member's PIN (4 to 8 digits), read on the terminal without echo or as one line of stdin");
    m_pin_set->add_option("ID", m_member, "Member number")->required();
    m_pin_set->add_option("--pin-text", m_pin_text, "")->group("");  // filled by read_pin, hidden
    m_pin_unlock = pin->add_subcommand("unlock", "Unlock a member's PIN after too many wrong tries");
    m_pin_unlock->add_option("ID", m_member, "Member number")->required();
    m_pin_forget = pin->add_subcommand("forget", "Forget a member's PIN: they choose a new one at their next host action");
    m_pin_forget->add_option("ID", m_member, "Member number")->required();
    if (auto* member = app.get_subcommand("member")) {
        m_export = member->add_subcommand("export", "Everything stored about a member (RGPD): JSON, or --html for a readable page");
        m_export->add_option("ID", m_member, "Member number")->required();
        m_export->add_flag("--html", m_html, "A readable page (HTML) instead of JSON");
        m_erase = member->add_subcommand("erase", "Erase a member (RGPD): name, e-mail, free text, badge numbers; admins only");
        m_erase->add_option("ID", m_member, "Member number")->required();
        m_erase->add_flag("--yes", m_yes, "Confirm without being asked (scripts, the API)");
    }
}

std::optional<int> TrustCommands::run(Context& ctx) {
    if (m_verify->parsed()) return verify(ctx);
    if (m_list->parsed()) return list(ctx);
    if (m_export && m_export->parsed()) return export_member(ctx);
    if (m_erase && m_erase->parsed()) return erase_member(ctx);
    if (m_purge->parsed()) return purge(ctx);
    if (m_pin_set->parsed() || m_pin_unlock->parsed() || m_pin_forget->parsed()) return pin(ctx);
    return std::nullopt;
}

namespace {

// The audit trail where the station keeps it: the SQLite file, read only, or the shared
// PostgreSQL database (one read transaction), keyed by the station's secret beside db_path.
std::expected<db::AuditVerdict, core::Problem> verify_where(const Context& ctx) {
    if (ctx.db_url.empty()) return db::verify_audit(ctx.db_path);
    auto key = db::installation_pepper(ctx.db_path, false);
    if (!key) return std::unexpected(key.error());
    auto c = db::Connection::open_postgres(ctx.db_url);
    if (!c) return std::unexpected(c.error());
    auto tx = db::Transaction::begin(*c, db::Transaction::Kind::read);
    if (!tx) return std::unexpected(tx.error());
    return db::verify_audit(*c, *key);
}

std::expected<std::vector<db::AuditRow>, core::Problem> list_where(const Context& ctx, const db::AuditQuery& q) {
    if (ctx.db_url.empty()) return db::list_audit(ctx.db_path, q);
    auto c = db::Connection::open_postgres(ctx.db_url);
    if (!c) return std::unexpected(c.error());
    return db::list_audit(*c, q);
}

}  // namespace

int TrustCommands::verify(Context& ctx) {
    auto v = verify_where(ctx);
    if (!v) return ctx.fail(kStorage, v.error());
    if (ctx.json) {
        json out{{"ok", !v->first_broken}, {"rows", v->rows}};
        if (v->first_broken) {
            out["first_broken"] = *v->first_broken;
            out["message"] = ctx.render(*v->why);
        } else {
            out["head"] = v->last_hash;
        }
        cli_out() << out.dump() << '\n';
    } else if (v->first_broken) {
        cli_out() << core::fill_placeholders(ctx.t("The audit trail does not hold: {0}"), {ctx.render(*v->why)}) << '\n'
                  << core::fill_placeholders(ctx.t("First broken row: {0} (of {1} rows read)."),
                                             {std::to_string(*v->first_broken), std::to_string(v->rows)})
                  << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t("The audit trail holds: {0} rows, chained. Head: {1}"),
                                             {std::to_string(v->rows), v->last_hash})
                  << '\n';
    }
    return v->first_broken ? kRefused : kDone;
}

int TrustCommands::list(Context& ctx) {
    db::AuditQuery q;
    q.limit = m_limit;
    if (m_who > 0) q.who = m_who;
    if (!m_since.empty()) {
        if (auto t = core::parse_timestamp(m_since)) {
            q.since = core::format_timestamp(*t);
        } else if (auto d = core::parse_date(m_since)) {
            if (!ctx.calendar)
                if (auto code = ctx.make_calendar()) return *code;
            q.since = core::format_timestamp(ctx.calendar->day_start(*d));
        } else {
            return ctx.fail(kBadInput, core::problem("\"{0}\" is not a day (YYYY-MM-DD) or a time (2026-12-05T08:00:00Z)", {m_since}));
        }
    }
    auto rows = list_where(ctx, q);
    if (!rows) return ctx.fail(kStorage, rows.error());
    if (ctx.json) {
        json out = json::array();
        for (const auto& r : *rows)
            out.push_back({{"id", r.id}, {"at", r.at}, {"actor", r.actor ? json(*r.actor) : json(nullptr)}, {"principal", r.principal},
                           {"origin", r.origin}, {"action", r.action}, {"outcome", r.outcome}, {"detail", r.detail}, {"hash", r.hash}});
        cli_out() << out.dump() << '\n';
        return kDone;
    }
    if (rows->empty()) {
        cli_out() << ctx.t("The audit trail has no row to show.") << '\n';
        return kDone;
    }
    for (const auto& r : *rows) {
        const std::string who = r.actor ? "#" + std::to_string(*r.actor) + " (" + r.principal + ")" : r.principal;
        cli_out() << r.id << "  " << r.at << "  " << who << "  " << r.origin << "  " << r.action << "  " << r.outcome;
        if (!r.detail.empty()) cli_out() << "  " << r.detail;
        cli_out() << '\n';
    }
    return kDone;
}

namespace {

std::string html_escape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += ch;
        }
    }
    return out;
}

}  // namespace

int TrustCommands::export_member(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    auto* store = dynamic_cast<db::SqlStore*>(&ctx.reader());
    if (!store) return ctx.fail(kStorage, core::storage_problem("This station's store cannot export members"));
    auto data = db::member_data(store->connection(), m_member);
    if (!data) return ctx.fail(data.error());
    const auto now = core::format_timestamp(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (!m_html) {
        json sections = json::object();
        for (const auto& sec : *data) {
            json rows = json::array();
            for (const auto& r : sec.rows) {
                json row = json::object();
                for (std::size_t i = 0; i < sec.columns.size(); ++i) row[sec.columns[i]] = r[i] ? json(*r[i]) : json(nullptr);
                rows.push_back(std::move(row));
            }
            sections[sec.name] = std::move(rows);
        }
        // Invalid UTF-8 in a stored text is replaced, never a failure of the export.
        cli_out() << json{{"member", m_member}, {"exported_at", now}, {"format", "etabli-member-export/1"}, {"data", sections}}.dump(
                         2, ' ', false, json::error_handler_t::replace)
                  << '\n';
        return kDone;
    }
    std::string name;
    if (!data->empty() && !(*data)[0].rows.empty()) name = (*data)[0].rows[0][1].value_or("");
    std::string page = "<!DOCTYPE html>\n<html lang=\"" + std::string(ctx.lang == core::Lang::fr ? "fr" : "en") +
                       "\"><head><meta charset=\"utf-8\"><title>" +
                       html_escape(core::fill_placeholders(ctx.t("Data stored about {0}"), {name})) +
                       "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
                       "td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:top}</style></head><body>\n";
    page += "<h1>" + html_escape(core::fill_placeholders(ctx.t("Data stored about {0}"), {""})) + "<bdi>" + html_escape(name) + "</bdi></h1>\n";
    page += "<p>" + html_escape(core::fill_placeholders(ctx.t("Member number {0}, exported on {1}."), {std::to_string(m_member), now})) + "</p>\n";
    for (const auto& sec : *data) {
        page += "<h2>" + html_escape(sec.name) + " (" + std::to_string(sec.rows.size()) + ")</h2>\n";
        if (sec.rows.empty()) {
            page += "<p>" + html_escape(ctx.t("Nothing stored.")) + "</p>\n";
            continue;
        }
        page += "<table><tr>";
        for (const auto& c : sec.columns) page += "<th>" + html_escape(c) + "</th>";
        page += "</tr>\n";
        for (const auto& r : sec.rows) {
            page += "<tr>";
            for (const auto& v : r) page += "<td><bdi>" + html_escape(v.value_or("")) + "</bdi></td>";
            page += "</tr>\n";
        }
        page += "</table>\n";
    }
    page += "</body></html>\n";
    cli_out() << page;
    return kDone;
}

int TrustCommands::purge(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    auto r = ctx.station->call(app::PurgePersonalData{m_dry_run, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto* s = std::get_if<app::PurgeSummary>(&*r);
    if (!s) return ctx.fail(kStorage, core::storage_problem("The station failed on this request: {0}", {"privacy purge"}));
    if (ctx.json) {
        json erased = json::array(), kept = json::array();
        for (const auto& [id, name] : s->erased) erased.push_back({{"id", id}, {"name", name}});
        for (const auto& [id, why] : s->kept) kept.push_back({{"id", id}, {"why", ctx.render(why)}});
        cli_out() << json{{"dry_run", s->dry_run}, {"presences", s->presences}, {"daily_rows", s->daily_rows}, {"erased", erased}, {"kept", kept}, {"bike_buyers", s->buyers}}
                         .dump(-1, ' ', false, json::error_handler_t::replace)
                  << '\n';
        return kDone;
    }
    cli_out() << ctx.t(s->dry_run ? "Dry run: nothing was changed. The purge would do this:" : core::N_("Personal data purged:")) << '\n';
    cli_out() << "  "
              << core::fill_placeholders(ctx.t(s->dry_run ? "{0} presences older than the retention would become {1} daily totals"
                                                          : core::N_("{0} presences older than the retention became {1} daily totals")),
                                         {std::to_string(s->presences), std::to_string(s->daily_rows)})
              << '\n';
    for (const auto& [id, name] : s->erased)
        cli_out() << "  " << core::fill_placeholders(ctx.t(s->dry_run ? "member {0} ({1}) would be erased: membership ended long ago" : core::N_("member {0} ({1}) erased: membership ended long ago")),
                                                     {std::to_string(id), name})
                  << '\n';
    for (const auto& [id, why] : s->kept)
        cli_out() << "  " << core::fill_placeholders(ctx.t("member {0} kept: {1}"), {std::to_string(id), ctx.render(why)}) << '\n';
    if (s->buyers > 0)
        cli_out() << "  "
                  << core::fill_placeholders(ctx.t(s->dry_run ? "the data of {0} new riders of bikes would be purged"
                                                              : core::N_("the data of {0} new riders of bikes purged")),
                                             {std::to_string(s->buyers)})
                  << '\n';
    return kDone;
}

int TrustCommands::erase_member(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    const auto snap = ctx.station->snapshot();
    const auto* m = snap->directory->find(m_member);
    if (!m) return ctx.fail(kBadInput, core::problem("No member has the number {0}", {std::to_string(m_member)}));
    if (!m_yes) {
        if (ctx.served || !::isatty(STDIN_FILENO))
            return ctx.fail(kBadInput, core::problem("Erasing a member cannot be undone: add --yes to confirm"));
        std::cerr << core::fill_placeholders(ctx.t("Erase {0} (number {1}) for good? Their name, e-mail, notes and badge numbers will be gone. "
                                                   "Type the number to confirm: "),
                                             {m->display_name, std::to_string(m_member)})
                  << std::flush;
        std::string typed;
        std::getline(std::cin, typed);
        if (typed != std::to_string(m_member)) return ctx.fail(kRefused, core::problem("Not confirmed: nothing was erased"));
    }
    auto r = ctx.station->call(app::EraseMember{m_member, std::nullopt});
    if (!r) return ctx.fail(r.error());
    if (ctx.json) {
        cli_out() << json{{"ok", true}, {"member", m_member}, {"name", db::erased_name(m_member)}}.dump() << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t("Member {0} is erased: now \"{1}\"."), {std::to_string(m_member), db::erased_name(m_member)})
                  << '\n';
    }
    return kDone;
}

namespace {
// One line of the terminal without its echo (or of stdin when it is not a terminal).
std::optional<std::string> read_secret(const std::string& prompt) {
    const bool tty = ::isatty(STDIN_FILENO);
    termios saved{};
    if (tty) {
        std::cerr << prompt << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << '\n';
    }
    if (!got) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}
}  // namespace

std::optional<int> TrustCommands::read_pin(Context& ctx, std::vector<std::string>& args) {
    if (!m_pin_set || !m_pin_set->parsed()) return std::nullopt;
    // Typed on the command line, it would stay in the shell's history and show in `ps`.
    if (!m_pin_text.empty()) return ctx.fail(kBadInput, core::problem("Type the PIN when asked, not on the command line"));
    auto first = read_secret(ctx.t("New PIN (4 to 8 digits): "));
    if (!first) return ctx.fail(kBadInput, core::problem("No PIN was given"));
    if (auto p = core::check_pin_form(*first)) return ctx.fail(kBadInput, *p);
    if (::isatty(STDIN_FILENO)) {
        auto again = read_secret(ctx.t("The same PIN again: "));
        if (!again || *again != *first) return ctx.fail(kBadInput, core::problem("The two PINs differ: nothing was changed"));
    }
    m_pin_text = *first;
    args.push_back("--pin-text");
    args.push_back(*first);
    return std::nullopt;
}

int TrustCommands::pin(Context& ctx) {
    if (m_pin_set->parsed() && m_pin_text.empty()) return ctx.fail(kBadInput, core::problem("No PIN was given"));
    if (auto code = ctx.open_station()) return *code;
    app::Result r = std::unexpected(core::Problem{"?", {}});
    std::string done;
    if (m_pin_set->parsed()) {
        r = ctx.station->call(app::SetPin{m_member, m_pin_text, std::nullopt, std::nullopt});
        done = core::N_("The PIN of member {0} is set.");
    } else {
        const bool forget = m_pin_forget->parsed();
        r = ctx.station->call(app::ResetPin{m_member, forget, std::nullopt});
        done = forget ? core::N_("The PIN of member {0} is forgotten: they choose a new one at their next host action.")
                      : core::N_("The PIN of member {0} is unlocked.");
    }
    std::fill(m_pin_text.begin(), m_pin_text.end(), '\0');
    if (!r) return ctx.fail(r.error());
    if (ctx.json) cli_out() << json{{"ok", true}, {"member", m_member}}.dump() << '\n';
    else cli_out() << core::fill_placeholders(ctx.t(done), {std::to_string(m_member)}) << '\n';
    return kDone;
}

}  // namespace etabli::cli
