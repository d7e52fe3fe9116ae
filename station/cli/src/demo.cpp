// The demo workshop: a few members with badges, one expired membership, one revoked badge.
// Idempotent: a member whose name already exists is left as it is. Layer: cli. Main thread.
#include "context.hpp"

#include <iostream>

namespace etabli::cli {

using namespace std::chrono;

int seed_demo(Context& ctx) {
    struct Demo {
        const char* name;
        const char* email;
        core::Role role;
        core::Lang lang;
        int until_days;  // from today; negative: already expired
        const char* badge;
        bool revoked;
    };
    static constexpr Demo kDemo[] = {
        {"Léa Dubois", "lea.dubois@example.org", core::Role::member, core::Lang::fr, 300, "0001234567", false},
        {"Camille Martin", "camille.martin@example.org", core::Role::host, core::Lang::fr, 300, "0004211337", false},
        {"Hugo Bernard", "hugo.bernard@example.org", core::Role::volunteer, core::Lang::en, 300, "0009876543", false},
        {"Inès Petit", "ines.petit@example.org", core::Role::member, core::Lang::fr, -59, "0005550001", false},
        {"Yanis Moreau", "yanis.moreau@example.org", core::Role::member, core::Lang::fr, 200, "0000000666", true},
        {"Zoé Lefèvre", nullptr, core::Role::admin, core::Lang::fr, 300, "04A2B3C4D5E6F7", false},
    };
    const auto today = ctx.calendar->local_day(ctx.clock.now());
    for (const auto& d : kDemo) {
        const auto snap = ctx.station->snapshot();
        bool exists = false;
        for (const auto& [id, m] : snap->directory->members) exists = exists || m.display_name == d.name;
        if (exists) continue;
        core::MemberDraft draft;
        draft.display_name = d.name;
        if (d.email) draft.email = d.email;
        draft.role = d.role;
        draft.lang = d.lang;
        draft.valid_until = core::Date{sys_days{today} + days{d.until_days}};
        auto r = ctx.station->call(app::AddMember{draft, std::nullopt, std::string(d.badge)});
        if (!r) return ctx.fail(r.error());
        if (d.revoked) {
            auto rv = ctx.station->call(app::RevokeBadge{d.badge, core::BadgeStatus::revoked, std::nullopt});
            if (!rv) return ctx.fail(rv.error());
        }
    }
    return kDone;
}

}  // namespace etabli::cli
