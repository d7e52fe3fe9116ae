// `etabli db copy --from FILE.db --to postgresql://…`: a workshop moving from its one PC to a
// shared PostgreSQL server (issue 21), and `--from postgresql://… --to NEW.db` back. Copied
// whole and verified table by table (db/pg_copy.hpp); it runs on the PC that holds the file,
// never through a station's API.
// Layer: cli.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace etabli::cli {

class DbCommands {
public:
    explicit DbCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);

private:
    std::string m_from, m_to;
    CLI::App* m_copy = nullptr;
};

}  // namespace etabli::cli
