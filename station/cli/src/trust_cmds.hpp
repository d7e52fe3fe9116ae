// Trust (#18) at the command line: `etabli audit verify|list`, `etabli member export|erase`.
// The chain is db/audit.hpp, members' data db/privacy.hpp; what is audited and who may erase
// is decided in the Station (rights.hpp).
// Layer: cli.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace etabli::cli {

class TrustCommands {
public:
    explicit TrustCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);

private:
    int verify(Context& ctx);
    int list(Context& ctx);
    int export_member(Context& ctx);
    int erase_member(Context& ctx);
    int purge(Context& ctx);

    std::int64_t m_member = 0;
    bool m_html = false, m_yes = false, m_dry_run = false;
    CLI::App *m_export = nullptr, *m_erase = nullptr, *m_purge = nullptr;
    std::string m_since;
    std::int64_t m_who = 0;
    std::size_t m_limit = 200;
    CLI::App *m_audit = nullptr, *m_verify = nullptr, *m_list = nullptr;
};

}  // namespace etabli::cli
