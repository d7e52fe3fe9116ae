// The trainings, help-in-the-room and know-how-card commands of the command line:
// training add/list/signup/cancel-signup/attend/grant, card add/list/show, help who/ask/opt-in.
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class KnowCommands {
public:
    // Declares the subcommands on `app` ("training", "card", "help").
    explicit KnowCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    std::string m_skill, m_at, m_note, m_title, m_file, m_text;
    std::vector<std::string> m_skills, m_machines, m_tools;
    int m_minutes = 120, m_capacity = 0, m_level = 2;
    std::int64_t m_id = 0;
    core::MemberId m_member = 0, m_trainer = 0;
    bool m_later = false, m_off = false;

    CLI::App *m_t_add, *m_t_list, *m_t_signup, *m_t_cancel, *m_t_attend, *m_t_grant;
    CLI::App *m_c_add, *m_c_list, *m_c_show;
    CLI::App *m_h_who, *m_h_ask, *m_h_opt;
    CLI::Option* m_who_member = nullptr;
};

}  // namespace etabli::cli
