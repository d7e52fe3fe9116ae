// The rights table's functions: the rows are in rights.hpp.
#include <etabli/app/rights.hpp>

namespace etabli::app {

Right right_of(const Command& c) {
    return std::visit([](const auto& cmd) { return kRight<std::decay_t<decltype(cmd)>>; }, c);
}

std::optional<core::MemberId> acting_member(const Command& c, Origin origin) {
    return std::visit(
        [&](const auto& cmd) -> std::optional<core::MemberId> {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, StartEnrolment>) {
                return cmd.host;
            } else if constexpr (std::is_same_v<T, GrantSkill>) {
                return cmd.signer;
            } else if constexpr (std::is_same_v<T, StartSignOff>) {
                return cmd.signer;
            } else if constexpr (std::is_same_v<T, HelpWho>) {
                return cmd.asker;
            } else if constexpr (std::is_same_v<T, OfferHelp>) {
                if (cmd.helper == 0) return std::nullopt;  // "J'aide": the next badge is the helper
                return cmd.helper;
            } else if constexpr (requires { cmd.actor; }) {
                // A command that names its actor: from a kiosk, none named is nobody (never the
                // command line, which the handlers take an empty actor for). The member it acts
                // on is not who acts.
                (void)origin;
                if (cmd.actor) return *cmd.actor;
                return std::nullopt;
            } else if constexpr (requires { cmd.member; }) {
                return cmd.member;  // a member's own command (queues, the start button, "this helped")
            } else {
                return std::nullopt;
            }
        },
        c);
}

namespace {
int rank(Principal p) {
    switch (p) {
    case Principal::nobody: return 0;
    case Principal::member: return 1;
    case Principal::volunteer: return 2;
    case Principal::trainer: return 3;
    case Principal::host: return 4;
    case Principal::admin: return 5;
    case Principal::command_line: return 6;
    case Principal::unix_reader: return -1;
    }
    return -1;
}
}  // namespace

bool allows(Need need, bool writes, Principal who) {
    if (who == Principal::unix_reader) return need == Need::anyone && !writes;
    switch (need) {
    case Need::anyone: return true;
    case Need::member: return rank(who) >= 1;
    case Need::volunteer: return rank(who) >= 2;
    case Need::trainer: return rank(who) >= 3;
    case Need::host: return rank(who) >= 4;
    case Need::admin: return rank(who) >= 5;
    case Need::device: return who == Principal::command_line;
    }
    return false;
}

core::Problem refusal(Need need, bool writes, Principal who, const std::string& name) {
    using core::problem;
    if (who == Principal::unix_reader && writes)
        return problem("Refused: a read-only user of the station cannot change its data (missing right: write)");
    if (who == Principal::unix_reader)  // a read of members' data or of the audit trail
        return problem("Refused: a read-only user of the station cannot see members' personal data nor the audit trail (missing right: write)");
    switch (need) {
    case Need::anyone: break;
    case Need::member: return problem("Refused: a member must badge in first (missing right: member)");
    case Need::volunteer:
        if (who == Principal::nobody) return problem("Refused: a volunteer must badge in first (missing right: volunteer)");
        return problem("Refused: only volunteers, trainers and hosts can do this; {0} is not one (missing right: volunteer)", {name});
    case Need::trainer:
        if (who == Principal::nobody) return problem("Refused: a trainer or a host must badge in first (missing right: trainer)");
        return problem("Refused: only a trainer (level 3 on a skill) or a host can do this; {0} is neither (missing right: trainer)", {name});
    case Need::host:
        if (who == Principal::nobody) return problem("Refused: a host must badge in first (missing right: host)");
        return problem("Refused: only a host or an admin can do this; {0} is not one (missing right: host)", {name});
    case Need::admin:
        if (who == Principal::nobody) return problem("Refused: an admin must badge in first (missing right: admin)");
        return problem("Refused: only an admin can do this; {0} is not one (missing right: admin)", {name});
    case Need::device: return problem("Refused: only the station's own devices send this (missing right: device)");
    }
    return problem("Refused: a read-only user of the station cannot change its data (missing right: write)");
}

std::string_view to_string(Need n) {
    switch (n) {
    case Need::anyone: return "anyone";
    case Need::member: return "member";
    case Need::volunteer: return "volunteer";
    case Need::trainer: return "trainer";
    case Need::host: return "host";
    case Need::admin: return "admin";
    case Need::device: return "device";
    }
    return "?";
}

std::string_view to_string(Principal p) {
    switch (p) {
    case Principal::nobody: return "nobody";
    case Principal::member: return "member";
    case Principal::volunteer: return "volunteer";
    case Principal::trainer: return "trainer";
    case Principal::host: return "host";
    case Principal::admin: return "admin";
    case Principal::command_line: return "command_line";
    case Principal::unix_reader: return "unix_reader";
    }
    return "?";
}

}  // namespace etabli::app
