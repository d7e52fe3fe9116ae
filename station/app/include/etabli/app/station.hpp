// The Station: the one thread that changes state. Commands (from the GUI and the CLI) and
// events (from devices) go into its inbox; it decides with core rules, commits to the Store,
// then publishes a new immutable Snapshot and calls the wake-up hook.
// Layer: app. post()/call()/snapshot() are safe from any thread; the Store, Clock and
// Calendar are used from the station thread only (Clock::now() from any).
#pragma once

#include <etabli/app/ports.hpp>
#include <etabli/app/snapshot.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>

namespace etabli::app {

// [Commands and events]
struct BadgeSeen {            // a reader (or the keyboard at the idle screen) read a badge
    std::string uid;          // raw text as read; normalised by the station
    std::string reader = "kiosk";
};
struct AddMember {
    core::MemberDraft draft;
    std::optional<core::MemberId> actor;
    std::optional<std::string> badge_uid;  // enrol this badge to the new member, same step
};
struct AddBadge {
    std::string uid;
    core::MemberId member = 0;
    std::optional<core::MemberId> actor;
};
struct RevokeBadge {
    std::string uid;
    core::BadgeStatus status = core::BadgeStatus::revoked;  // revoked or lost
    std::optional<core::MemberId> actor;
};
struct SetMemberLang {
    core::MemberId member = 0;
    core::Lang lang = core::Lang::fr;
};
struct StartEnrolment { core::MemberId host = 0; };
struct CancelEnrolment {};
struct ImportMembers { std::vector<core::ImportRow> rows; };
struct Tick {};  // runs the due deadlines now (tests with a fake clock; the thread also wakes by itself)

// [Allocation commands (#3)] `actor` empty: the command line, which acts as an admin.
struct AddMachine { alloc::Machine machine; std::optional<core::MemberId> actor; };   // id chosen by the station
struct SetMachineStatus { alloc::MachineId machine = 0; alloc::MachineStatus status{}; std::optional<core::MemberId> actor; };
struct Authorise { alloc::MachineId machine = 0; core::MemberId member = 0; bool allowed = true; std::optional<core::MemberId> actor; };
struct SetHours { alloc::OpeningHours hours; std::optional<core::MemberId> actor; };
struct Book {
    alloc::MachineId machine = 0;
    core::MemberId member = 0;
    core::Timestamp start{}, end{};
    std::optional<core::MemberId> actor;  // a host booking for the member; empty + as_host: the command line
    bool as_host = false;
    std::optional<core::Date> weekly_until;  // hosts: every week until that day
};
struct CancelBooking { alloc::BookingId booking = 0; std::optional<core::MemberId> actor; std::optional<std::string> reason; };
struct FindSlots { alloc::SlotQuery query; };
struct JoinQueue { core::MemberId member = 0; alloc::QueueTarget target; };
struct LeaveQueue { core::MemberId member = 0; alloc::QueueTarget target; };
struct EndSession { alloc::MachineId machine = 0; std::optional<core::MemberId> actor; };
// The kiosk's start button: the member already badged in at the kiosk asks for `machine`
// (exactly as a badge at the machine's reader: starts, or ends their own session).
struct MachineAccess { alloc::MachineId machine = 0; core::MemberId member = 0; };

using Command = std::variant<BadgeSeen, AddMember, AddBadge, RevokeBadge, SetMemberLang,
                             StartEnrolment, CancelEnrolment, ImportMembers, Tick,
                             AddMachine, SetMachineStatus, Authorise, SetHours, Book, CancelBooking,
                             FindSlots, JoinQueue, LeaveQueue, EndSession, MachineAccess>;

// What call() returns: nothing special, a member, a tap, an import summary, or what an
// allocation command produced.
struct Done {};
using Result = std::expected<std::variant<Done, core::Member, core::Badge, TapView, ImportSummary, alloc::Machine,
                                          std::vector<alloc::Booking>, std::vector<alloc::Slot>, AccessView,
                                          std::vector<alloc::QueuePlace>>,
                             Problem>;

// The command line is an admin at the terminal: its allocation requests act as this member
// id, which the station gives the admin role in the engine (never stored as a member).
inline constexpr core::MemberId kCommandLine = 0;

// [Station]
class Station {
public:
    struct Options {
        std::chrono::seconds enrolment_timeout{60};
    };

    // The Store must already be open and migrated. Nothing runs until start().
    Station(Store& store, const Clock& clock, const Calendar& calendar, Options opts);
    Station(Store& store, const Clock& clock, const Calendar& calendar)
        : Station(store, clock, calendar, Options{}) {}
    // Machine controllers; none (the default) until #4: power actions are only shown.
    // Set before start().
    void set_machine_control(MachineControl* control) { m_control = control; }
    ~Station();  // stops the thread after draining what was posted
    Station(const Station&) = delete;
    Station& operator=(const Station&) = delete;

    // Loads the store into memory and starts the thread. A load failure is returned and
    // no thread is started.
    std::expected<void, Problem> start();
    void stop();

    // Posts a command; the future is fulfilled after the command committed (or failed).
    std::future<Result> post(Command c);
    // Posts with a request id: the reply appears in a later snapshot's last_reply (for the
    // GUI, which never blocks on the station).
    void post_async(Command c, std::uint64_t request_id);
    // post(c).get()
    Result call(Command c);

    std::shared_ptr<const Snapshot> snapshot() const;
    // Called on the station thread after each new snapshot (the GUI passes glfwPostEmptyEvent).
    void set_wake(std::function<void()> wake);

private:
    struct Item {
        Command command;
        std::optional<std::promise<Result>> promise;
        std::uint64_t request_id = 0;
    };
    struct State;

    void run();
    Result handle(const Command& c);
    Result handle_tap(const BadgeSeen& c);
    Result handle_add_member(const AddMember& c);
    Result handle_add_badge(const AddBadge& c);
    Result handle_alloc(const Command& c);
    std::expected<void, Problem> build_engine();
    void act(const std::vector<alloc::Action>& actions);
    bool engine_tick(core::Timestamp now);
    void publish_alloc(Snapshot& snap, core::Timestamp now) const;
    Result handle_machine_tap(alloc::MachineId machine, const std::string& uid);
    Result machine_access(alloc::MachineId machine, const core::Member& member);
    Result commit(std::expected<alloc::Changes, Problem> changes, std::optional<core::MemberId> actor);
    std::optional<alloc::MachineId> machine_of_reader(const std::string& reader) const;
    void publish();
    bool housekeeping();

    Store& m_store;
    const Clock& m_clock;
    const Calendar& m_calendar;
    Options m_opts;
    MachineControl* m_control = nullptr;
    std::unique_ptr<State> m_state;  // touched by the station thread only (and start())

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Item> m_inbox;
    bool m_stopping = false;
    std::shared_ptr<const Snapshot> m_snapshot;
    std::function<void()> m_wake;
    std::thread m_thread;
};

}  // namespace etabli::app
