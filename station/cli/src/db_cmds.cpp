// `etabli db copy` (see db_cmds.hpp). Layer: cli.
#include "db_cmds.hpp"
#include "io.hpp"

#include <etabli/db/pg_copy.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace etabli::cli {

using core::problem;

DbCommands::DbCommands(CLI::App& app) {
    auto* db = app.add_subcommand("db", "The database itself: copy it to a PostgreSQL server");
    m_copy = db->add_subcommand("copy", "Copy a station's SQLite file into an empty PostgreSQL database, verified table by table");
    m_copy->add_option("--from", m_from, "The SQLite file (stop its station first)")->required();
    m_copy->add_option("--to", m_to, "The PostgreSQL database: postgresql://USER@HOST/DB or \"host=… dbname=…\"")->required();
}

std::optional<int> DbCommands::run(Context& ctx) {
    if (!m_copy->parsed()) return std::nullopt;
    if (!(m_to.starts_with("postgresql://") || m_to.starts_with("postgres://") || m_to.find("dbname=") != std::string::npos))
        return ctx.fail(kBadInput, problem("--to takes a PostgreSQL database: postgresql://USER@HOST/DB (got \"{0}\")", {m_to}));
    auto pg = db::PgConnection::open(m_to);
    if (!pg) return ctx.fail(kStorage, pg.error());
    auto report = db::copy_sqlite_to_pg(m_from, **pg);
    if (!report) return ctx.fail(kStorage, report.error());
    if (ctx.json) {
        auto tables = nlohmann::json::array();
        for (const auto& t : report->tables) tables.push_back({{"table", t.table}, {"rows", t.rows}, {"sha256", t.checksum}});
        cli_out() << nlohmann::json{{"rows", report->rows()}, {"tables", tables}}.dump() << '\n';
        return kDone;
    }
    cli_out() << fmt::format("{:<24} {:>9}  {}", ctx.t("Table"), ctx.t("Rows"), "SHA-256") << '\n';
    for (const auto& t : report->tables) cli_out() << fmt::format("{:<24} {:>9}  {}", t.table, t.rows, t.checksum.substr(0, 16)) << '\n';
    cli_out() << core::fill_placeholders(ctx.t("{0} rows of {1} tables copied into PostgreSQL, each table verified (count and SHA-256)"),
                                         {std::to_string(report->rows()), std::to_string(report->tables.size())})
              << '\n';
    return kDone;
}

}  // namespace etabli::cli
