// Repairs and volunteer hours: the feature is in station_repairs.cpp.
// Layer: app. Commands are built on any thread and posted; the feature runs on the Station thread.
#pragma once

#include <etabli/app/views.hpp>
#include <etabli/core/repair.hpp>
#include <etabli/core/volunteer_hours.hpp>
#include <etabli/app/feature_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// [Repairs and volunteer hours] handled in station_repairs.cpp. `actor` empty: the
// command line (trusted, acts as an admin).
struct LogRepair { core::Repair repair; std::optional<core::MemberId> actor; };   // id ignored; an unset day: today
// A volunteer edits their own repairs of the last 24 h; hosts and the command line any repair.
struct EditRepair { core::Repair repair; std::optional<core::MemberId> actor; };
// Today's role of a volunteer who is in (picked at badge-in, changeable during the day).
struct SetPresenceRole { core::MemberId member = 0; core::VolunteerRole role{}; std::optional<core::MemberId> actor; };
// A host sets the real check-out time of a presence the station closed by itself.
struct CorrectPresence { core::PresenceId presence = 0; core::Timestamp checked_out{}; std::optional<core::MemberId> actor; };

// The feature's descriptor (registered in features.hpp).
struct RepairsFeature {
    using commands = type_list<LogRepair, EditRepair, SetPresenceRole, CorrectPresence>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
