// The Station: the one thread that changes state. Commands (from the GUI and the CLI) and
// events (from devices) go into its inbox; it decides with core rules, commits to the Store,
// then publishes a new immutable Snapshot and calls the wake-up hook.
// Layer: app. post()/call()/snapshot() are safe from any thread; the Store, Clock and
// Calendar are used from the station thread only (Clock::now() from any).
#pragma once

#include <etabli/app/bikes.hpp>
#include <etabli/app/know.hpp>
#include <etabli/app/money.hpp>
#include <etabli/app/ports.hpp>
#include <etabli/app/reader_enrol.hpp>
#include <etabli/app/snapshot.hpp>
#include <etabli/core/i18n.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <variant>

namespace etabli::app {

// [Commands and events]
// Where a badge was read, as typed data the configuration resolved when it was loaded:
// the kiosk's own reader (its keyboard, the command line), or a machine's reader by the
// machine's id. The Station never looks a reader up by name, so a machine called "kiosk"
// cannot capture the kiosk's taps.
class ReaderRef {
public:
    enum class Kind : std::uint8_t { kiosk, machine, unbound };
    ReaderRef() = default;
    // A kiosk reader by its name ("kiosk", "keyboard", "cli", "demo"), or "machine:ID" (a
    // number); any other text is a reader bound to nothing, whose badges are refused.
    ReaderRef(const char* name) : ReaderRef(std::string(name)) {}
    ReaderRef(std::string name);
    static ReaderRef at_machine(alloc::MachineId id, std::string name = {});
    static ReaderRef unbound(std::string name);
    static std::optional<ReaderRef> restore(Kind kind, alloc::MachineId machine, std::string name);  // the kiosk stream

    Kind kind() const { return m_kind; }
    alloc::MachineId machine() const { return m_machine; }
    const std::string& name() const { return m_name; }  // as configured, for logs and refusals
    std::string to_string() const;                     // "kiosk", "machine:3", or the unbound name

private:
    Kind m_kind = Kind::kiosk;
    alloc::MachineId m_machine = 0;
    std::string m_name = "kiosk";
};
struct BadgeSeen {            // a reader (or the keyboard at the idle screen) read a badge
    std::string uid;          // raw text as read; normalised by the station
    ReaderRef reader;
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
// A host or admin edits a member (`member set`, the kiosk's member page): `draft` is the whole
// member as it should be (name, e-mail, role, end of membership, language).
struct EditMember {
    core::MemberId member = 0;
    core::MemberDraft draft;
    std::optional<core::MemberId> actor;
};
struct SetMemberLang {
    core::MemberId member = 0;
    core::Lang lang = core::Lang::fr;
};
// An admin erases a member (RGPD): name, e-mail and free text gone, badges revoked and
// their numbers hashed; the member keeps their number as "Membre effacé n°N", so statistics
// stay right. Refused while they have a tool out, a machine running, a booking to come.
struct EraseMember {
    core::MemberId member = 0;
    std::optional<core::MemberId> actor;
};
// Retention ([privacy] of etabli.toml): old presences become daily totals, members
// whose membership ended long ago are erased. `dry_run`: says what would go, changes nothing.
struct PurgePersonalData {
    bool dry_run = true;
    std::optional<core::MemberId> actor;
};
struct StartEnrolment { core::MemberId host = 0; };
struct CancelEnrolment {};
struct ImportMembers { std::vector<core::ImportRow> rows; };
// The service's backup thread says how the backups and the disk are (device-only: never
// from a kiosk).
struct NoteBackups { BackupReport report; };
// Several stations on one PostgreSQL database (issue 21), from the change feed: another
// station committed (link_up), and this one loads everything again from the database, or the
// link to the database dropped (link_up false), which the kiosk says until it comes back.
struct Resync { bool link_up = true; };
struct Tick {};  // runs the due deadlines now (tests with a fake clock; the thread also wakes by itself)

// [Allocation commands] `actor` empty: the command line, which acts as an admin.
struct AddMachine { alloc::Machine machine; std::optional<core::MemberId> actor; };   // id chosen by the station
// A host changes a machine's name, rules or host-loss policy (`machine set`); the status,
// who may use it and its id stay as they are.
struct EditMachine { alloc::Machine machine; std::optional<core::MemberId> actor; };
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
// One day of one machine as the member (or a host for them) may book it (alloc::DayPlan). The
// station keeps the day in the snapshots that follow (Snapshot::day_plans), refreshed as
// bookings change, until newer days push it out.
struct PlanDay { alloc::DayQuery query; };
// The live bookings (booked or active) that overlap [from, to), by start; any machine or
// member when not given. A read: the snapshot holds only the next two weeks.
struct ListBookings {
    std::optional<alloc::MachineId> machine;
    std::optional<core::MemberId> member;
    Timestamp from{};
    Timestamp to{};
};
struct JoinQueue { core::MemberId member = 0; alloc::QueueTarget target; };
struct LeaveQueue { core::MemberId member = 0; alloc::QueueTarget target; };
struct EndSession { alloc::MachineId machine = 0; std::optional<core::MemberId> actor; };
// The kiosk's start button: the member already badged in at the kiosk asks for `machine`
// (exactly as a badge at the machine's reader: starts, or ends their own session).
// `pin`: the member's PIN, for a machine that requires one (its reader alone refuses).
struct MachineAccess { alloc::MachineId machine = 0; core::MemberId member = 0; std::optional<std::string> pin; };
// The member using `machine` offers their session to the next member (alloc::kHandoverWindow):
// an authorised member's badge at the machine then takes it without the power going off.
struct OfferHandover { alloc::MachineId machine = 0; core::MemberId member = 0; };
// The check after use of `machine`: done and fine, or not (`note` says what is wrong; the
// machine goes into maintenance). `member` must be at the machine's level (rules.check_after_use);
// 0 is the command line.
struct CheckMachine { alloc::MachineId machine = 0; core::MemberId member = 0; bool ok = true; std::optional<std::string> note; };

// [Host sessions and PINs] At the kiosk, a host's or admin's commands need a host
// session, opened with their PIN; it ends after kHostSessionIdle without a touch, at their
// check-out, on "Quitter" and at the idle screen. The command line and devices need none.
struct OpenHostSession { core::MemberId member = 0; std::string pin; };
struct TouchHostSession { core::MemberId member = 0; };  // the kiosk saw a touch during the session
struct EndHostSession { core::MemberId member = 0; };
// A member chooses or changes their PIN. At the kiosk (`actor` = the member) the current one
// is needed when there is one; a host without a PIN sets one this way, which opens their host
// session. From the command line (no actor): set as given.
struct SetPin {
    core::MemberId member = 0;
    std::string pin;
    std::optional<std::string> current;
    std::optional<core::MemberId> actor;
};
// An admin unlocks a member's PIN after a lockout, or forgets it (`forget`): the member then
// chooses a new one at their next host action.
struct ResetPin {
    core::MemberId member = 0;
    bool forget = false;
    std::optional<core::MemberId> actor;
};
// What is stored about a member, for their "Mes données" (their own, at the kiosk) or an admin.
struct ShowMemberData {
    core::MemberId member = 0;
    std::optional<core::MemberId> actor;
};
// The latest rows of the audit trail (of `who` when given), for the admins' "Historique".
struct ShowAudit {
    std::optional<core::MemberId> who;
    std::int64_t limit = 200;
    std::optional<core::MemberId> actor;
};
inline constexpr std::chrono::seconds kHostSessionIdle{120};
// The refusals a kiosk answers with its PIN pad: a host command without a host session (the
// host has a PIN / has none yet), and a machine that requires its member's PIN.
inline constexpr const char* kPinNeeded = core::N_("Enter your PIN to act as a host (missing right: pin)");
inline constexpr const char* kPinToChoose = core::N_("Choose your PIN to act as a host (missing right: pin)");
inline constexpr const char* kMachinePinNeeded = core::N_("{0} needs your PIN");
inline constexpr const char* kMachinePinToChoose = core::N_("{0} needs a PIN: choose yours first");
inline constexpr const char* kPinLockedNow = core::N_("Too many wrong PINs: locked for {0} min, until {1}");  // audited as a lockout






// The station's own commands (members, badges, presence; the allocation of machines), then
// every registered feature's (features.hpp): one variant, built from the lists.
using CoreCommands = type_list<BadgeSeen, AddMember, EditMember, EraseMember, PurgePersonalData, AddBadge, RevokeBadge, SetMemberLang, StartEnrolment,
                               CancelEnrolment, ImportMembers, NoteBackups, Resync, Tick>;
using AllocCommands = type_list<AddMachine, EditMachine, SetMachineStatus, Authorise, SetHours, Book, CancelBooking, FindSlots,
                                PlanDay, ListBookings, JoinQueue, LeaveQueue, EndSession, MachineAccess, OfferHandover, CheckMachine>;
using TrustCommands = type_list<OpenHostSession, TouchHostSession, EndHostSession, SetPin, ResetPin, ShowMemberData, ShowAudit>;
using Command = as_variant_t<concat_t<CoreCommands, AllocCommands, TrustCommands, FeatureCommands>>;
// The feature that handles T (its index in Features), or -1 for the station's own commands.
template <class T>
inline constexpr int kFeatureOf = owner_of_v<Features, T>;

// What call() returns: nothing special, a member, a tap, an import summary, or what an
// allocation command produced.
struct Done {};
using Result = std::expected<std::variant<Done, core::Member, core::Badge, TapView, ImportSummary, alloc::Machine,
                                          std::vector<alloc::Booking>, std::vector<alloc::Slot>, alloc::DayPlan, AccessView,
                                          std::vector<alloc::QueuePlace>, core::Repair, core::Tool, std::vector<core::Tool>,
                                          std::vector<core::Loan>, core::Reservation,
                                          core::Training, core::HelpRequest, core::Card, std::vector<core::Helper>,
                                          core::Skill, core::SkillGrant, PurgeSummary, MemberDataView, AuditView,
                                          core::Bike, core::BikePart, BikeRecord, BikeList, core::Plan, core::Receipt,
                                          core::Closing, JournalDay, HelloAssoSummary, ReceiptList, MailBatch>,
                             Problem>;

// The command line is an admin at the terminal: its allocation requests act as this member
// id, which the station gives the admin role in the engine (never stored as a member).
inline constexpr core::MemberId kCommandLine = 0;

}  // namespace etabli::app

#include <etabli/app/feature.hpp>

namespace etabli::app {

// Where a command came from: who acts is read from the command (rights.hpp), and
// with nobody named, the origin says who asks.
enum class Origin : std::uint8_t {
    local,   // the station's own process: the command line (its user has the write right), the devices
    kiosk,   // a kiosk window, embedded or a client of the service: acts as the member it names
    reader,  // an API client without the write right
};

// The origin of the commands a thread posts without naming one: the API runs a read-only
// user's command line under Origin::reader, so the Station's table sees who asks.
class OriginScope {
public:
    explicit OriginScope(Origin o);
    ~OriginScope();
    OriginScope(const OriginScope&) = delete;
    OriginScope& operator=(const OriginScope&) = delete;
    static Origin current();

private:
    Origin m_previous;
};

struct LegacyFeatures;  // the features written before the feature registry
struct Right;           // rights.hpp, kept as Station members (station_*.cpp)

// [Station]
class Station final : private FeatureHost {
public:
    struct Options {
        std::chrono::seconds enrolment_timeout{60};
        core::ToolRules tool_rules;  // the tool library's lending rules
        core::PrivacyConfig privacy;  // how long personal data is kept
        // Where the kiosk's exports go (labels, overdue CSV); empty: $XDG_DOCUMENTS_DIR,
        // else $HOME, else the working folder.
        std::filesystem::path tool_export_dir;
        core::BikesConfig bikes;  // the marking operators the workshop meets
        bool bike_register = false;  // [bikes] is in etabli.toml: the kiosk offers the register
        // [smtp] remind_days when [smtp] is in etabli.toml: renewal reminders are queued this
        // many days before a membership ends; none (or 0): none are.
        std::optional<int> remind_days;
    };

    // The Store must already be open and migrated. Nothing runs until start().
    Station(Store& store, const Clock& clock, const Calendar& calendar, Options opts);
    Station(Store& store, const Clock& clock, const Calendar& calendar)
        : Station(store, clock, calendar, Options{}) {}
    // Machine controllers; none (the default) when the station runs without them: power actions
    // are only shown. Set before start().
    void set_machine_control(MachineControl* control) { m_control = control; }
    // Reader enrolment from the kiosk; none: StartReaderEnrolment is refused. Set before
    // start(); the enroller must outlive the station thread (stop() first).
    void set_reader_enroller(ReaderEnroller* enroller) { m_reader_enroller = enroller; }
    ~Station();  // stops the thread after draining what was posted
    Station(const Station&) = delete;
    Station& operator=(const Station&) = delete;
    const Options& options() const { return m_opts; }

    // Loads the store into memory and starts the thread. A load failure is returned and
    // no thread is started.
    std::expected<void, Problem> start();
    void stop();

    // Posts a command; the future is fulfilled after the command committed (or failed).
    // Every command is first checked against the rights table (rights.hpp) for `origin`.
    // No origin given: the thread's (OriginScope), local by default.
    std::future<Result> post(Command c, std::optional<Origin> origin = std::nullopt);
    // Posts with a request id: the reply appears in a later snapshot's last_reply (for the
    // GUI, which never blocks on the station).
    void post_async(Command c, std::uint64_t request_id, std::optional<Origin> origin = std::nullopt);
    // post(c, origin).get()
    Result call(Command c, std::optional<Origin> origin = std::nullopt);

    std::shared_ptr<const Snapshot> snapshot() const;
    // Called on the station thread after each new snapshot (the GUI passes glfwPostEmptyEvent).
    void set_wake(std::function<void()> wake);
    // Also called on the station thread after each new snapshot, after the wake hook: the
    // API's subscriptions. Any thread; never removed.
    void add_watcher(std::function<void()> watcher);
    // How many times the station thread went round its loop (at least once a second while it
    // runs): a watchdog that sees it stand still knows the thread is stuck.
    std::uint64_t loops() const { return m_loops.load(std::memory_order_relaxed); }
    // Wakes the station thread for one more turn of its loop (nothing else): a watchdog's
    // probe. A thread stuck in a command does not turn, and loops() stands still.
    void nudge();

private:
    friend struct LegacyFeatures;
    // [FeatureHost] what the features may use
    Store& store() override { return m_store; }
    const Clock& clock() const override { return m_clock; }
    const Calendar& calendar() const override { return m_calendar; }
    Result failed(Problem p) override;
    void member_changed(const core::Member& m) override;

    struct Item {
        Command command;
        std::optional<std::promise<Result>> promise;
        std::uint64_t request_id = 0;
        Origin origin = Origin::local;
    };
    struct State;

    void run();
    Result handle(const Command& c);
    Result handle_checked(const Command& c, Origin origin);                     // rights, then handle, with its audit row
    std::optional<Problem> check_right(const Command& c, Origin origin) const;  // rights.hpp
    std::string principal_name(const Command& c, Origin origin) const;         // for the audit trail
    std::expected<void, Problem> load_all(bool resume = true);                  // everything in memory, from the store
    bool is_trainer(core::MemberId member) const;                              // station_skills.cpp: for the rights table
    struct PinsState;                                                           // station_pins.cpp
    Result handle_pins(const Command& c);                                       // station_pins.cpp: sessions and PINs
    std::expected<void, Problem> load_pin_states();                             // station_pins.cpp, at start
    void publish_pins(Snapshot& snap) const;                                    // station_pins.cpp
    bool pins_housekeeping(core::Timestamp now);                                // station_pins.cpp: sessions that ran out
    // At the kiosk, a host's or admin's command that uses their powers needs an open
    // host session: the refusal when it has none (`actor` is a host or an admin).
    std::optional<Problem> host_session_refusal(const Command& c, const Right& right, core::MemberId actor) const;
    void host_session_used(core::MemberId member);                              // a kiosk command went through: still there
    void host_session_end(core::MemberId member);                               // at check-out
    bool has_pin(core::MemberId member) const;
    // One try of `member`'s PIN, as the refusal to return when it is not the right one.
    std::optional<Problem> try_pin(core::MemberId member, const std::string& pin, const char* none_msgid, const std::vector<std::string>& args);
    Result handle_tap(const BadgeSeen& c);
    Result handle_add_member(const AddMember& c);
    Result handle_add_badge(const AddBadge& c);
    Result handle_alloc(const Command& c);
    Result handle_controllers(const Command& c);             // station_controllers.cpp
    Result handle_reader_enrol(const Command& c);            // station_reader_enrol.cpp
    void publish_reader_enrol(Snapshot& snap);               // station_reader_enrol.cpp
    void publish_controllers(Snapshot& snap) const;          // station_controllers.cpp
    alloc::Engine* engine() override;                        // for station_controllers.cpp
    struct RepairsState;                                     // station_repairs.cpp
    Result handle_repairs(const Command& c);                 // station_repairs.cpp
    Result purge_personal_data(const PurgePersonalData& c);  // station_repairs.cpp: retention
    std::expected<void, Problem> load_repairs();             // station_repairs.cpp, at start
    void publish_repairs(Snapshot& snap);                    // station_repairs.cpp
    const Directory& directory() const override;             // for station_repairs.cpp
    const core::Presence* open_presence(core::MemberId member) const override;  // for station_repairs.cpp
    struct ToolsState;                                       // station_tools.cpp
    Result handle_tools(const Command& c);                   // station_tools.cpp
    Result export_tools(const ExportTools& cmd, core::Timestamp now);  // station_tools.cpp: label sheet, overdue CSV
    std::expected<void, Problem> load_tools();               // station_tools.cpp, at start
    void publish_tools(Snapshot& snap);                      // station_tools.cpp
    bool tools_housekeeping(core::Timestamp now);            // station_tools.cpp: holds and ranges that ran out
    std::vector<LoanView> overdue_tools_of(core::MemberId member) const;  // station_tools.cpp, at badge-in
    struct KnowState;                                        // station_know.cpp
    Result handle_know(const Command& c);                    // station_know.cpp
    std::expected<void, Problem> load_know();                // station_know.cpp, at start
    void publish_know(Snapshot& snap);                       // station_know.cpp
    bool know_housekeeping(core::Timestamp now);
    std::optional<Result> know_kiosk_tap(const core::Member* member);  // station_know.cpp: "J'aide" / attendance badge
    struct SkillsState;                                      // station_skills.cpp
    Result handle_skills(const Command& c);                  // station_skills.cpp
    std::expected<void, Problem> load_skills();              // station_skills.cpp, at start, after the engine
    void publish_skills(Snapshot& snap);                     // station_skills.cpp
    bool skills_housekeeping(core::Timestamp now);           // station_skills.cpp: a new day (lapse), pending badges that ran out
    void apply_skill_gates();                                // station_skills.cpp: who may use each machine, into the engine
    void skills_after_alloc(const alloc::Changes& c);        // station_skills.cpp: ended sessions reset the lapse
    Result skills_authorise(const Authorise& c);             // station_skills.cpp: the old command as a grant
    std::expected<void, Problem> skills_machine_added(const alloc::Machine& m, std::optional<core::MemberId> actor);  // requires a skill named after it
    // Before the engine decides a badge at a machine: a supervisor confirming a pending
    // supervised use (`supervised` = whose session starts), or a refusal naming the skill.
    struct SkillGate {
        std::optional<core::MemberId> supervised;
        std::optional<Problem> refusal;
        bool check_in_supervisor = false;  // confirmed at the machine's reader without a presence
    };
    // `at_reader`: the member badged at the machine's own reader (their badge there shows they
    // are at the machine), not the kiosk's start button.
    SkillGate skills_gate(alloc::MachineId machine, core::MemberId member, bool own_session, bool at_reader);
    // Why `member` may not confirm the check after use of `machine` (its rules.check_after_use:
    // a member who may use it, a trainer of its skill, a host), or nothing when they may.
    std::optional<Problem> check_refusal(const alloc::Machine& machine, const core::Member& member);
    std::optional<Result> skills_kiosk_tap(const std::string& uid, const core::Member* member);  // sign-off / supervisor badge at the kiosk
    void skills_checked_out(core::MemberId member);          // a supervisor left
    std::optional<Problem> tool_skill_refusal(const core::Tool& tool, core::MemberId member) const;  // for station_tools.cpp
    // The skill refusal for `member` on `target` (a machine or a pool) when they are below
    // the skill every machine of it requires (none otherwise); skills_explain puts it in place
    // of the engine's "Not authorised on {0}" for bookings and queues (station_skills.cpp).
    std::optional<Problem> skills_alloc_refusal(const alloc::QueueTarget& target, core::MemberId member);
    Problem skills_explain(Problem engine_refusal, const alloc::QueueTarget& target, core::MemberId member);
    // A training's grants: all checked, then committed in one transaction (station_skills.cpp).
    // `training`: marked granted in the same transaction; `actor`: who asked (the signer when none).
    std::expected<std::vector<core::SkillGrant>, Problem> skills_grant_all(core::SkillId skill, const std::vector<core::MemberId>& members,
                                                                            int level, core::MemberId signer, const std::string& note,
                                                                            std::optional<TrainingGranted> training = std::nullopt,
                                                                            std::optional<core::MemberId> actor = std::nullopt);
    std::expected<void, Problem> skills_tool_authorise(const core::Tool& tool, const std::vector<core::MemberId>& allow,
                                                       const std::vector<core::MemberId>& revoke, std::optional<core::MemberId> actor);  // SetTool sugar             // station_know.cpp: help requests that ran out or whose asker left
    std::expected<void, Problem> build_engine(bool resume = true);
    std::expected<void, Problem> resume_engine();
    void act(const std::vector<alloc::Action>& actions);
    bool engine_tick(core::Timestamp now);
    void publish_alloc(Snapshot& snap, core::Timestamp now) const;
    Result handle_machine_tap(alloc::MachineId machine, const std::string& uid);
    Result machine_access(alloc::MachineId machine, const core::Member& member,
                          std::optional<std::string> reader_uid = std::nullopt, bool pin_checked = false);
    Result commit(std::expected<alloc::Changes, Problem> changes, std::optional<core::MemberId> actor);
    void publish();
    bool housekeeping();

    Store& m_store;
    const Clock& m_clock;
    const Calendar& m_calendar;
    Options m_opts;
    MachineControl* m_control = nullptr;
    std::vector<ControllerView> m_controller_views;          // station thread only
    std::vector<ControllerMessage> m_controller_messages;    // station thread only
    std::vector<ReaderView> m_reader_views;                  // station thread only
    ReaderEnroller* m_reader_enroller = nullptr;             // set before start()
    std::optional<ReaderEnrolmentView> m_reader_enrolment;   // station thread only
    std::uint64_t m_reader_attempts = 0;                     // station thread only
    std::shared_ptr<RepairsState> m_repairs;                 // station thread only
    std::shared_ptr<ToolsState> m_tools;                     // station thread only
    std::shared_ptr<KnowState> m_know;                       // station thread only
    std::shared_ptr<SkillsState> m_skills;                   // station thread only
    std::shared_ptr<PinsState> m_pins;                       // station thread only
    std::unique_ptr<State> m_state;  // touched by the station thread only (and start())
    std::vector<std::unique_ptr<Feature>> m_features;  // in the order of Features (features.hpp)

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Item> m_inbox;
    bool m_stopping = false;
    bool m_nudged = false;
    std::shared_ptr<const Snapshot> m_snapshot;
    std::function<void()> m_wake;
    std::vector<std::function<void()>> m_watchers;
    std::atomic<std::uint64_t> m_loops{0};
    std::thread m_thread;
};

}  // namespace etabli::app
