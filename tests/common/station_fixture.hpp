// A Station on a SQLite file in a temporary folder, with a clock the test moves and a
// calendar an hour ahead of UTC (Paris in winter): the setup the station-level suites share
// (app, controllers, firstday, know, readers, repairs, serve, skills, survival, trust).
// Header-only, for the suites that link etabli_app and etabli_db. Test-only. Test thread.
#pragma once

#include "store_backend.hpp"
#include "testing.hpp"

#include <etabli/app/station.hpp>
#include <etabli/db/sql_store.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace etabli::testing {

struct StationOnDisk {
    TempDir dir;
    FakeClock clock;
    FixedCalendar calendar{std::chrono::minutes{60}};
    std::optional<TestStoreLocation> location;  // the file, or the PostgreSQL database (store_backend.hpp)
    std::unique_ptr<db::SqlStore> store;
    std::unique_ptr<app::Station> station;
    app::Station::Options options;  // given to the Station at every reopen()

    explicit StationOnDisk(core::Timestamp now) : clock(now) {}

    // Stops the Station if one runs, opens the database file again and starts a Station on
    // it: what was stored survives, as after a restart. `before_start` wires the ports a
    // suite needs (a reader enroller, machine control) before the start.
    void reopen(const std::function<void(app::Station&)>& before_start = {}) {
        station.reset();
        store.reset();
        if (!location) location = new_test_store_location(dir / "etabli.db");
        store = open_test_store(*location);
        station = std::make_unique<app::Station>(*store, clock, calendar, options);
        if (before_start) before_start(*station);
        REQUIRE(station->start());
    }

    core::Member add_member(const std::string& name, core::Role role = core::Role::member,
                            std::optional<std::string> badge = std::nullopt,
                            std::optional<core::Date> until = std::nullopt) {
        core::MemberDraft d;
        d.display_name = name;
        d.role = role;
        d.valid_until = until;
        auto r = station->call(app::AddMember{d, std::nullopt, std::move(badge)});
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
        return std::get<core::Member>(*r);
    }

    // A host's or admin's session at the kiosk: their PIN set from the command line (hashed
    // at libsodium's least cost: the tests are not what a PIN's cost protects), then entered.
    void host_session(core::MemberId who, const std::string& pin = "2468") {
        store->set_pin_limits({1, 8192});
        auto set = station->call(app::SetPin{who, pin, std::nullopt, std::nullopt});
        REQUIRE_MESSAGE(set, (set ? "" : set.error().english()));
        auto r = station->call(app::OpenHostSession{who, pin}, app::Origin::kiosk);
        REQUIRE_MESSAGE(r, (r ? "" : r.error().english()));
    }
};

}  // namespace etabli::testing
