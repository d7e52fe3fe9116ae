// Snapshots: the immutable picture of the station that the GUI draws and the CLI prints.
// Layer: app. Built on the station thread, then shared read-only with any thread.
#pragma once

#include <etabli/alloc/engine.hpp>
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

// One machine on the board: free, in use until HH:MM, booked next at HH:MM, maintenance.
struct MachineView {
    alloc::Machine machine;
    std::optional<alloc::Session> session;   // running now
    std::string session_member;              // its member's name
    std::string until_hhmm;                  // session's allowed end, local
    std::optional<alloc::Booking> next;      // the next booked booking (today or later)
    std::string next_hhmm;                   // its local start; with a date when not today
    bool power = false;                      // the last power action was power_on
};

// The outcome of the latest badge at a machine's reader (or start button at the kiosk).
struct AccessView {
    std::uint64_t seq = 0;
    alloc::MachineId machine = 0;
    core::MemberId member = 0;
    bool granted = false;  // a session started
    bool ended = false;    // the member's session ended
    std::string until_hhmm;
    core::Problem refusal;  // when neither
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

    // [Allocation (#3)]
    std::vector<MachineView> machines;           // by name
    alloc::OpeningHours hours;
    std::vector<alloc::Booking> upcoming;        // booked or active, from today to +14 days
    std::vector<alloc::QueuePlace> queue;        // every queue, in order
    std::optional<AccessView> last_access;
    std::vector<alloc::Booking> notices;         // host notes shown with last_tap's member
    std::optional<std::vector<alloc::Slot>> last_slots;  // the reply to the latest FindSlots
};

}  // namespace etabli::app
