// Snapshots: the immutable picture of the station that the GUI draws and the CLI prints.
// Layer: app. Built on the station thread, then shared read-only with any thread.
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/presence.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// All members and badges, rebuilt only when they change (shared between snapshots).
struct Directory {
    std::map<core::MemberId, core::Member> members;
    std::map<std::string, core::Badge> badges;  // by UID
    const core::Member* find(core::MemberId id) const {
        auto it = members.find(id);
        return it == members.end() ? nullptr : &it->second;
    }
    std::vector<const core::Badge*> badges_of(core::MemberId id) const;
};

struct PresentMember {
    core::MemberId id = 0;
    std::string name;
    core::Timestamp since{};
    std::string since_hhmm;  // local time of check-in, "HH:MM"
};

// The outcome of the latest badge tap, for the kiosk to show.
struct TapView {
    std::uint64_t seq = 0;  // increases with every tap: the GUI reacts to a new value
    std::string uid;
    core::TapDecision decision;
    std::optional<core::Member> member;
    core::Timestamp at{};
};

// A host has asked the kiosk to enrol a badge: the next tap is captured here instead of
// checking someone in.
struct Enrolment {
    core::MemberId host = 0;
    core::Timestamp started{};
    core::Timestamp expires{};
    std::optional<std::string> uid;               // the captured badge, once tapped
    std::optional<core::MemberId> current_owner;  // when that badge already belongs to someone
};

// The reply to a command that the GUI sent with a request id.
struct Reply {
    std::uint64_t request_id = 0;
    bool ok = false;
    core::Problem problem;                       // when !ok
    std::optional<core::MemberId> member;        // a created or changed member
};

struct Snapshot {
    std::uint64_t version = 0;
    core::Timestamp at{};
    core::Date today{};            // local day
    std::string local_hhmm;        // local time "HH:MM"; a new snapshot comes every minute
    std::shared_ptr<const Directory> directory;
    std::vector<PresentMember> present;  // who is in now, by check-in time
    std::optional<TapView> last_tap;
    std::optional<Enrolment> enrolment;
    std::optional<Reply> last_reply;
    std::optional<core::Problem> storage_problem;  // the last write failed: shown to hosts
};

}  // namespace etabli::app
