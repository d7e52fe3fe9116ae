// Trust at the command line: `etabli audit verify|list`, `etabli member export|erase`.
// The chain is db/audit.hpp, members' data db/privacy.hpp; what is audited and who may erase
// is decided in the Station (rights.hpp).
// Layer: cli.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class TrustCommands {
public:
    explicit TrustCommands(CLI::App& app);
    std::optional<int> run(Context& ctx);
    // `etabli pin set`: the new PIN is read on the user's own terminal (twice, without
    // echo) or as one line of stdin, before the command goes to a station that serves the
    // database; `args` then carry it to the station (never the shell's history nor `ps`).
    // None: nothing to do or read; else the exit code of a failure.
    std::optional<int> read_pin(Context& ctx, std::vector<std::string>& args);

private:
    int verify(Context& ctx);
    int list(Context& ctx);
    int export_member(Context& ctx);
    int erase_member(Context& ctx);
    int purge(Context& ctx);
    int pin(Context& ctx);

    std::int64_t m_member = 0;
    bool m_html = false, m_yes = false, m_dry_run = false;
    CLI::App *m_export = nullptr, *m_erase = nullptr, *m_purge = nullptr;
    std::string m_since;
    std::int64_t m_who = 0;
    std::size_t m_limit = 200;
    CLI::App *m_audit = nullptr, *m_verify = nullptr, *m_list = nullptr;
    CLI::App *m_pin_set = nullptr, *m_pin_unlock = nullptr, *m_pin_forget = nullptr;
    std::string m_pin_text;  // the PIN as read by read_pin (hidden option --pin-text)
};

}  // namespace etabli::cli
