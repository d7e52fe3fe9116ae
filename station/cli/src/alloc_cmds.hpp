// The allocation commands of the command line: machine, hours, book, booking, slots,
// queue, sessions, and `tap --reader`. Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class AllocCommands {
public:
    // Declares the subcommands on `app`.
    explicit AllocCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

private:
    struct MachineArgs {
        std::string name, pool, kind, host_loss = "cut";
        int slot = 15, min = 15, max = 120, buffer = 0, ahead = 14;
        double quota_hours = 0;
        bool quota_pool = false;
    } m_add;
    std::string m_set_host_loss;  // machine set --host-loss
    std::string m_set_pin_required;  // machine set --pin-required yes|no
    std::string m_set_check;         // machine set --check-after-use none|user|trainer|host
    std::optional<std::string> m_set_photo;  // machine add/set --photo FILE ("" removes it)
    std::optional<std::string> m_check_problem;  // machine checked --problem TEXT
    std::string m_sessions_from, m_sessions_to, m_sessions_csv;
    CLI::Option* m_sessions_member = nullptr;
    std::string m_machine, m_status, m_reason, m_from, m_to, m_day, m_weekly_until, m_pool;
    core::MemberId m_member = 0;
    int m_minutes = 0;
    bool m_as_host = false, m_later = false;
    std::vector<std::string> m_specs;
    std::int64_t m_booking = 0;

    CLI::App *m_machine_add, *m_machine_list, *m_machine_show, *m_machine_set, *m_machine_auth, *m_machine_revoke;
    CLI::App* m_machine_clear_fault;
    CLI::App* m_machine_checked;
    CLI::App *m_hours_set, *m_hours_close, *m_hours_open, *m_hours_show;
    CLI::App *m_book, *m_booking_list, *m_booking_cancel, *m_slots;
    CLI::App *m_queue_join, *m_queue_show, *m_queue_leave, *m_sessions;
    CLI::Option* m_member_opt_list = nullptr;
};

}  // namespace etabli::cli
