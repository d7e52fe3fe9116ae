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
    m_copy = db->add_subcommand("copy", "Copy a station's SQLite file into an empty PostgreSQL database, or back into a new file, verified table by table");
    m_copy->add_option("--from", m_from, "The SQLite file (stop its station first), or the PostgreSQL database")->required();
    m_copy->add_option("--to", m_to, "The PostgreSQL database (postgresql://USER@HOST/DB or \"host=… dbname=…\"), or a new SQLite file")->required();
}

std::optional<int> DbCommands::run(Context& ctx) {
    if (!m_copy->parsed()) return std::nullopt;
    auto is_pg = [](const std::string& s) {
        return s.starts_with("postgresql://") || s.starts_with("postgres://") || s.find("dbname=") != std::string::npos;
    };
    // One side is a SQLite file, the other a PostgreSQL database: to the server, or back.
    const bool back = is_pg(m_from);
    if (back == is_pg(m_to))
        return ctx.fail(kBadInput, problem("One of --from and --to is a SQLite file, the other a PostgreSQL database (postgresql://USER@HOST/DB)"));
    auto pg = db::PgConnection::open(back ? m_from : m_to);
    if (!pg) return ctx.fail(kStorage, pg.error());
    auto report = back ? db::copy_pg_to_sqlite(**pg, m_to) : db::copy_sqlite_to_pg(m_from, **pg);
    if (!report) return ctx.fail(kStorage, report.error());
    if (ctx.json) {
        auto tables = nlohmann::json::array();
        for (const auto& t : report->tables) tables.push_back({{"table", t.table}, {"rows", t.rows}, {"sha256", t.checksum}});
        cli_out() << nlohmann::json{{"rows", report->rows()}, {"tables", tables}}.dump() << '\n';
        return kDone;
    }
    cli_out() << fmt::format("{:<24} {:>9}  {}", ctx.t("Table"), ctx.t("Rows"), "SHA-256") << '\n';
    for (const auto& t : report->tables) cli_out() << fmt::format("{:<24} {:>9}  {}", t.table, t.rows, t.checksum.substr(0, 16)) << '\n';
    cli_out() << core::fill_placeholders(back ? ctx.t("{0} rows of {1} tables copied into {2}, each table verified (count and SHA-256)")
                                              : ctx.t("{0} rows of {1} tables copied into PostgreSQL, each table verified (count and SHA-256)"),
                                         {std::to_string(report->rows()), std::to_string(report->tables.size()), m_to})
              << '\n';
    return kDone;
}

}  // namespace etabli::cli
