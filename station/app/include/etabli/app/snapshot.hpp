// Snapshots: the immutable picture of the station that the GUI draws and the CLI prints.
// Layer: app. Built on the station thread, then shared read-only with any thread.
#pragma once

#include <etabli/app/features.hpp>
#include <etabli/app/views.hpp>

#include <memory>
#include <tuple>

namespace etabli::app {

struct Snapshot {
    std::uint64_t version = 0;
    core::Timestamp at{};
    core::Date today{};            // local day
    std::string local_hhmm;        // local time "HH:MM"; a new snapshot comes every minute
    // The offset in force from the start of yesterday (first entry), then each change until
    // 62 days after today. Empty: the station did not say (the kiosk then derives one offset
    // from local_hhmm).
    std::shared_ptr<const std::vector<OffsetChange>> offsets;
    std::shared_ptr<const Directory> directory;
    std::vector<PresentMember> present;  // who is in now, by check-in time
    std::optional<TapView> last_tap;
    std::optional<Enrolment> enrolment;
    std::optional<Reply> last_reply;
    std::optional<core::Problem> storage_problem;  // the last write failed: shown to hosts
    BackupView backups;                            // shown to hosts, red when it needs them
    bool database_offline = false;                 // the shared database cannot be reached (Resync): said on the kiosk
    std::vector<PinState> pins;                    // members with a PIN row: set, locked (never the PIN)
    std::vector<core::MemberId> host_sessions;     // hosts and admins in a host session now

    // [Allocation]
    std::vector<MachineView> machines;           // by name
    alloc::OpeningHours hours;
    std::vector<alloc::Booking> upcoming;        // booked or active, from today to +14 days
    std::vector<alloc::QueuePlace> queue;        // every queue, in order
    std::optional<AccessView> last_access;
    std::vector<alloc::Booking> notices;         // host notes shown with last_tap's member
    std::optional<std::vector<alloc::Slot>> last_slots;  // the reply to the latest FindSlots
    // The days asked for with PlanDay (the latest few), decided again for each snapshot: the
    // kiosk draws a machine's day and the lengths it offers from these, never from the rules.
    std::vector<alloc::DayPlan> day_plans;
    bool open_now = false;  // the workshop is inside its opening hours (members may walk in)

    // [Repairs and volunteer hours]
    std::vector<core::Repair> recent_repairs;             // logged in the last 24 h, newest first
    std::map<core::MemberId, core::VolunteerRole> roles;  // today's role of each volunteer present
    core::RepairStats repair_year;                        // this year's repairs, month by month
    std::map<unsigned, std::chrono::seconds> volunteer_time;  // this year's volunteer hours by month (1-12)
    std::vector<core::PresenceId> presences_to_correct;   // forgotten check-outs of this year, for hosts
    std::vector<PresenceToCorrect> presence_corrections;   // the same, with what the host screen shows
    bool ask_volunteer_role = false;  // the kiosk asks volunteers and hosts their role at badge-in

    // [Tool library] rebuilt only when it changes (shared between snapshots)
    std::shared_ptr<const ToolsView> tools = std::make_shared<ToolsView>();

    // [Controllers]
    std::vector<ControllerView> controllers;           // by name
    std::vector<ControllerMessage> controller_messages;  // the latest few, oldest first

    // [Readers] every configured reader, in etabli.toml order (empty: none configured)
    std::vector<ReaderView> devices;
    std::optional<ReaderEnrolmentView> reader_enrolment;  // the latest, until the host leaves the panel

    // [Trainings, help in the room, know-how cards] rebuilt only when it changes (shared)
    std::shared_ptr<const KnowView> know = std::make_shared<KnowView>();
    // [Skills] catalogue, levels, requirements, pending badges; rebuilt only when it changes (shared)
    std::shared_ptr<const SkillsView> skills = std::make_shared<SkillsView>();

    // The part of each registered feature (features.hpp) that has its own Part type;
    // null until the feature publishes one. The older ones (LegacyFeatures) use the fields above.
    FeatureParts parts;
    template <class F>
    const typename F::Part* part() const {
        return std::get<feature_index_v<F>>(parts).get();
    }
};

}  // namespace etabli::app
