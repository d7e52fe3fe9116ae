// The demo workshop: a few members with badges, one expired membership, one revoked badge.
// Idempotent: a member whose name already exists is left as it is. Layer: cli. Main thread.
#include "context.hpp"

#include <algorithm>
#include <iostream>

namespace etabli::cli {

using namespace std::chrono;

int seed_demo_machines(Context& ctx);

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
    return seed_demo_machines(ctx);
}

// The demo's machines, with authorisations and opening hours (only when none are set).
int seed_demo_tools(Context& ctx);
int seed_demo_skills(Context& ctx);  // demo_skills.cpp
int seed_demo_bikes(Context& ctx);
int seed_demo_machines(Context& ctx) {
    struct DemoMachine {
        const char* name;
        const char* pool;
        int max_min;
        int buffer_min;
        double quota_hours;
        std::vector<std::string> authorised;  // demo member names
    };
    const DemoMachine machines[] = {
        {"Découpe laser", "Laser", 120, 10, 6, {"Léa Dubois", "Camille Martin"}},
        {"Imprimante 3D Prusa", "Imprimantes 3D", 240, 0, 0, {"Léa Dubois", "Camille Martin", "Hugo Bernard"}},
        {"Fraiseuse CNC", "", 120, 15, 4, {"Camille Martin"}},
    };
    for (const auto& d : machines) {
        const auto snap = ctx.station->snapshot();
        if (std::any_of(snap->machines.begin(), snap->machines.end(), [&](const auto& v) { return v.machine.name == d.name; }))
            continue;
        alloc::Machine m;
        m.name = d.name;
        if (*d.pool) m.pool = d.pool;
        m.rules.max_length = minutes{d.max_min};
        m.rules.buffer_after = minutes{d.buffer_min};
        if (d.quota_hours > 0) m.rules.quota_per_week = minutes{static_cast<long>(d.quota_hours * 60)};
        auto r = ctx.station->call(app::AddMachine{m, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto id = std::get<alloc::Machine>(*r).id;
        for (const auto& [mid, member] : snap->directory->members) {
            if (std::find(d.authorised.begin(), d.authorised.end(), member.display_name) == d.authorised.end()) continue;
            if (auto a = ctx.station->call(app::Authorise{id, mid, true, std::nullopt}); !a) return ctx.fail(a.error());
        }
    }
    const auto snap = ctx.station->snapshot();
    const bool no_hours = std::all_of(snap->hours.weekly.begin(), snap->hours.weekly.end(), [](const auto& d) { return d.empty(); });
    if (no_hours) {
        alloc::OpeningHours h = snap->hours;
        for (int day = 1; day <= 6; ++day) h.weekly[static_cast<std::size_t>(day)] = {alloc::DayWindow{10 * 60, 20 * 60}};
        if (auto r = ctx.station->call(app::SetHours{h, std::nullopt}); !r) return ctx.fail(r.error());
    }
    if (int r = seed_demo_skills(ctx); r != kDone) return r;  // demo_skills.cpp: trainers
    if (int r = seed_demo_tools(ctx); r != kDone) return r;
    return seed_demo_bikes(ctx);
}

// The demo's tool library (only when it holds no tool): what a bike workshop and a fablab lend.
int seed_demo_tools(Context& ctx) {
    if (!ctx.station->snapshot()->tools->tools.empty()) return kDone;
    struct DemoTool {
        const char* name;
        const char* category;
        const char* tag;
        const char* location;
        int days;
        std::int64_t deposit_cents;
    };
    const DemoTool tools[] = {
        {"Clé dynamométrique 5-25 Nm", "Vélo", "VEL-001", "Panneau A", 7, 2000},
        {"Pied d'atelier", "Vélo", "VEL-002", "Réserve", 14, 3000},
        {"Dérive-chaîne", "Vélo", "VEL-003", "Panneau A", 7, 0},
        {"Centreur de roue", "Vélo", "VEL-004", "Établi 2", 7, 5000},
        {"Perceuse-visseuse", "Électroportatif", "ELE-001", "Armoire 1", 7, 3000},
        {"Scie sauteuse", "Électroportatif", "ELE-002", "Armoire 1", 7, 3000},
        {"Multimètre", "Électronique", "ELN-001", "Tiroir 3", 14, 0},
        {"Station de soudage", "Électronique", "ELN-002", "Tiroir 3", 7, 2000},
    };
    for (const auto& d : tools) {
        core::Tool t;
        t.name = d.name;
        t.category = d.category;
        t.tag = d.tag;
        t.location = d.location;
        t.loan_days = d.days;
        t.deposit_cents = d.deposit_cents;
        if (auto r = ctx.station->call(app::AddTool{t, std::nullopt}); !r) return ctx.fail(r.error());
    }
    return kDone;
}

// The demo's bike register (only when it holds no bike): three bikes in stock, one of them
// marked and waiting for its owner's notice, and a donor that gave a wheel.
int seed_demo_bikes(Context& ctx) {
    const auto snap = ctx.station->snapshot();
    if (const auto* v = snap->part<app::BikesFeature>(); !v || !v->bikes.empty()) return kDone;
    const auto today = ctx.calendar->local_day(ctx.clock.now());
    struct DemoBike {
        core::BikeOrigin origin;
        core::BikeType type;
        core::BikeCondition condition;
        const char* brand;
        const char* colour;
        const char* marking;
    };
    const DemoBike bikes[] = {
        {core::BikeOrigin::donated, core::BikeType::city, core::BikeCondition::needs_service, "Peugeot", "bleu", ""},
        {core::BikeOrigin::found, core::BikeType::mountain, core::BikeCondition::needs_repair, "Rockrider", "vert", "AB12345678"},
        {core::BikeOrigin::donated, core::BikeType::child, core::BikeCondition::for_parts, "Btwin", "rouge", ""},
    };
    std::vector<core::BikeId> ids;
    for (const auto& d : bikes) {
        core::Bike b;
        b.intake_day = today;
        b.origin = d.origin;
        b.type = d.type;
        b.condition = d.condition;
        b.brand = d.brand;
        b.colour = d.colour;
        b.marking = d.marking;
        auto r = ctx.station->call(app::AddBike{b, std::nullopt});
        if (!r) return ctx.fail(r.error());
        ids.push_back(std::get<core::Bike>(*r).id);
    }
    if (auto r = ctx.station->call(app::MoveBikePart{ids[2], ids[0], "roue avant", std::nullopt}); !r) return ctx.fail(r.error());
    return kDone;
}

}  // namespace etabli::cli
