// The skills commands of the command line: skill add/list/show/grant/who, and the
// requirement of a machine or a tool (machine require, tool require). Exit codes as
// everywhere: 0 done, 1 refused by a rule (sign-off), 2 bad input, 3 storage.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace etabli::cli {

class SkillCommands {
public:
    // Declares `skill` on `app`, and `require` under the existing `machine` and `tool`
    // (construct after AllocCommands and ToolCommands).
    explicit SkillCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    int require(Context& ctx, const app::Snapshot& snap, int level);

    std::string m_name, m_category, m_description, m_level, m_expires, m_note, m_target, m_skill;
    bool m_none = false;  // machine/tool require --none: nothing required any more
    int m_lapse = 6;
    core::MemberId m_member = 0, m_by = 0;
    bool m_present = false;
    CLI::App *m_add = nullptr, *m_list = nullptr, *m_show = nullptr, *m_grant = nullptr, *m_who = nullptr;
    CLI::App *m_machine_require = nullptr, *m_tool_require = nullptr;
    CLI::Option* m_by_opt = nullptr;
};

}  // namespace etabli::cli
