// Trust (#18) at the command line: `etabli audit verify` and `etabli audit list`. The chain
// itself is db/audit.hpp; what is audited is decided in the Station (rights.hpp).
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

    std::string m_since;
    std::int64_t m_who = 0;
    std::size_t m_limit = 200;
    CLI::App *m_audit = nullptr, *m_verify = nullptr, *m_list = nullptr;
};

}  // namespace etabli::cli
