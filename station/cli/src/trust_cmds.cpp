// `etabli audit verify|list` (#18): see trust_cmds.hpp.
#include "trust_cmds.hpp"

#include "io.hpp"

#include <etabli/db/audit.hpp>

#include <nlohmann/json.hpp>

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
}

std::optional<int> TrustCommands::run(Context& ctx) {
    if (m_verify->parsed()) return verify(ctx);
    if (m_list->parsed()) return list(ctx);
    return std::nullopt;
}

int TrustCommands::verify(Context& ctx) {
    auto v = db::verify_audit(ctx.db_path);
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
    auto rows = db::list_audit(ctx.db_path, q);
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

}  // namespace etabli::cli
