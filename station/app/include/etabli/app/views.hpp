// The parts of a snapshot (apart from the Snapshot itself, so that a feature's header
// can name them): who is in, taps, machines, devices, tools…
// Layer: app. Built on the station thread, then shared read-only with any thread.
#pragma once

#include <etabli/alloc/engine.hpp>
#include <etabli/app/know.hpp>
#include <etabli/app/money.hpp>
#include <etabli/app/skills_view.hpp>
#include <etabli/core/member.hpp>
#include <etabli/core/presence.hpp>
#include <etabli/core/tools.hpp>
#include <etabli/core/repair_stats.hpp>
#include <etabli/core/volunteer_hours.hpp>
#include <etabli/app/shared_list.hpp>

#include <chrono>
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

// [Tool library] One loan with what the screens show next to it.
struct LoanView {
    core::Loan loan;
    std::string tool_name, tool_tag, tool_category;
    std::string member_name;
    std::string member_contact;  // e-mail, empty when none
    int days_late = 0;           // 0 when not overdue
};

// Who took a badge tapped at the kiosk's reader: the Station decides, in one ordered
// chain of claimants (a badge being enrolled, a skills sign-off or supervisor, "J'aide", a
// training's attendance, then check-in or check-out); the kiosk shows that decision.
enum class TapClaim : std::uint8_t { presence, enrolment, sign_off, supervision, help, attendance };

// The outcome of the latest badge tap, for the kiosk to show.
struct TapView {
    std::uint64_t seq = 0;  // increases with every tap: the GUI reacts to a new value
    std::string uid;
    TapClaim claim = TapClaim::presence;  // anything else: a capture took it, `decision` is empty
    std::optional<core::Problem> refusal;  // a capture that refused the badge (says why)
    core::TapDecision decision;
    std::optional<core::Member> member;
    core::Timestamp at{};
    std::vector<LoanView> overdue_tools;  // the member's overdue tools, shown first thing at badge-in
    // The shared database was out of reach: the check-in or -out is noted on this station
    // (its journal) and reaches the database when the link is back.
    bool offline = false;
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

// One row of the audit trail: a host's or admin's action, a refused attempt at one, a
// PIN lockout, a change of rights. The store chains it to the row before (SHA-256).
struct AuditEntry {
    core::Timestamp at{};
    std::optional<core::MemberId> actor;  // none: the command line or the station itself
    std::string principal;                // the asker as the rights table saw them: "host", "command_line"…
    std::string origin;                   // "local", "kiosk", "reader"
    std::string action;                   // the rights table's name: "member.add"
    std::string outcome;                  // "done", "refused", "lockout"…
    std::string detail;                   // the ids it touched, or why it was refused (never a PIN)
};
// The latest rows of the audit trail, newest first: the admins' "Historique".
struct AuditView {
    std::vector<AuditEntry> rows;
    std::map<core::MemberId, std::string> names;  // the actors' names as they are now
};
// Everything stored about a member (RGPD), section by section: the kiosk's "Mes données".
struct MemberDataSection {
    std::string name;  // "member", "badges", "presence", "bookings"…
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};
struct MemberDataView {
    core::MemberId member = 0;
    std::vector<MemberDataSection> sections;
};

// The reply to a command that the GUI sent with a request id.
struct Reply {
    std::uint64_t request_id = 0;
    bool ok = false;
    core::Problem problem;                       // when !ok
    std::optional<core::MemberId> member;        // a created or changed member
    std::optional<std::int64_t> bike;            // a bike added or changed (core::BikeId)
    std::shared_ptr<const MemberDataView> member_data;  // ShowMemberData's
    std::shared_ptr<const AuditView> audit;             // ShowAudit's
    std::shared_ptr<const JournalDay> journal;          // ShowJournal's and CloseDay's day
    std::optional<core::Date> until;                    // PayMembership's: the member's new end
    std::shared_ptr<const HelloAssoSummary> helloasso;  // ImportHelloAsso's
};

// One machine on the board: free, in use until HH:MM, booked next at HH:MM, maintenance.
struct MachineView {
    alloc::Machine machine;
    std::optional<alloc::Session> session;   // running now
    std::string session_member;              // its member's name
    std::string until_hhmm;                  // session's allowed end, local
    std::string handover_hhmm;               // offered to the next member until then (HH:MM:SS, local); empty: not offered
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
    bool checked = false;  // the check after use was confirmed: the machine may start again
    std::string until_hhmm;
    core::Problem refusal;  // when neither
};

// [Controllers] One relay channel of a machine controller, as the link last saw it.
struct ControllerChannelView {
    int channel = 0;                  // 0-based on the board
    std::optional<alloc::MachineId> machine;
    std::string machine_name;         // as configured
    bool relay = false;
    bool feedback = false;
    bool fault = false;               // feedback fault latched by the firmware
    bool running = false;             // the current shows the machine working
    std::uint16_t current_ma = 0;
};
// One machine controller: where it is plugged, what it said at HELLO, whether it answers.
struct ControllerView {
    std::string name;                 // the configured port path or serial number
    std::string port;                 // the tty actually opened
    bool up = false;                  // HELLO answered and not silent for 1.5 s
    std::string firmware;             // "1.0", empty before the first HELLO
    std::string boot_id;              // hex, changes at every reset of the board
    int channels = 0;
    std::optional<core::Problem> problem;  // why it is down (not found, permission, version…)
    std::vector<ControllerChannelView> channel_views;
};
// A line the kiosk shows to everyone (idle banner, host panel), newest last.
struct ControllerMessage {
    std::optional<alloc::MachineId> machine;
    core::Problem text;               // msgid "{0}: contact fault, call a host" with the machine name
    core::Timestamp at{};
};

// [Readers] One configured badge reader or tag scanner, as hw's device manager last saw
// it: for the hosts' device panel.
struct ReaderView {
    std::string role;                       // "kiosk", "machine:Laser", "scanner"
    std::string device;                     // "usb 1-1.3 ffff:0035" or "/dev/input/event3"
    bool connected = false;
    std::uint64_t taps = 0;                 // lines read since the station started
    std::optional<core::Timestamp> last_tap;
    std::optional<core::Problem> problem;   // why it is not connected, or the last dropped line
    bool permission_denied = false;         // the udev rule is missing: the panel says what to install
};

// [Reader enrolment from the kiosk] A host asked to bind the next reader on which a badge
// is tapped to a role; handled in station_reader_enrol.cpp.
struct ReaderEnrolmentView {
    enum class State { waiting, done, failed };
    std::uint64_t attempt = 0;
    State state = State::waiting;
    std::string role;                       // "kiosk", "machine:NAME", "scanner"
    core::Timestamp started{}, expires{};
    std::string device;                     // done: the device bound ("usb 1-1.3 ffff:0035")
    std::string uid;                        // done: the badge read on it
    std::string config;                     // done: the file written
    std::optional<core::Problem> problem;   // failed: why
};

// [Tool library] The member's kiosk borrow or return flow, as the station keeps it.
struct ToolFlowView {
    std::uint64_t seq = 0;                // changes with every scan or pick
    bool borrowing = true;                // false: giving back
    core::MemberId member = 0;
    std::optional<core::MemberId> actor;  // a volunteer for the member
    std::vector<core::ToolId> basket;     // borrow: tools picked so far
    std::optional<core::ToolId> selected; // give back: the tool scanned or chosen
    std::optional<core::Problem> problem; // the last scan or pick refused, with the rule
};
struct ToolScanView {
    std::uint64_t seq = 0;
    std::string tag;
    std::optional<core::ToolId> tool;     // the tool with that tag, if any
};
struct ToolByName {
    bool operator()(const core::Tool& a, const core::Tool& b) const { return a.name != b.name ? a.name < b.name : a.id < b.id; }
};
// By due day then id: for one day, the same order as "most days late first, then by due day".
struct LoanByDue {
    bool operator()(const LoanView& a, const LoanView& b) const {
        return a.loan.due != b.loan.due ? a.loan.due < b.loan.due : a.loan.id < b.loan.id;
    }
};
struct ReservationById {
    bool operator()(const core::Reservation& a, const core::Reservation& b) const { return a.id < b.id; }
};
// The outcome of the latest ExportTools: the file written, or why not.
struct ToolExportView {
    std::uint64_t seq = 0;
    bool labels = true;                  // false: the overdue CSV
    std::string path;
    std::size_t rows = 0;                // labels or overdue loans written
    std::optional<core::Problem> problem;
};
// The lists that grow with the workshop share their unchanged chunks with the previous
// snapshot (SharedList): a checkout copies a few chunks, not the inventory.
struct ToolsView {
    core::ToolRules rules;
    SharedList<core::Tool, ToolByName> tools;    // every tool, by name
    std::vector<std::string> categories;         // used by a tool not retired, sorted
    SharedList<LoanView, LoanByDue> loans;       // open loans, overdue first (most days late), then by due day
    SharedList<core::Reservation, ReservationById> reservations;  // live, by id
    std::optional<ToolFlowView> flow;
    std::optional<ToolScanView> last_scan;
    std::optional<ToolExportView> last_export;
    const core::Tool* find(core::ToolId id) const {
        for (const auto& t : tools)
            if (t.id == id) return &t;
        return nullptr;
    }
    // A member's open loans, overdue first.
    std::vector<const LoanView*> loans_of(core::MemberId m) const {
        std::vector<const LoanView*> out;
        for (const auto& l : loans)
            if (l.loan.member == m) out.push_back(&l);
        return out;
    }
};

// [Forgotten check-outs] A presence the station closed by itself because the volunteer
// forgot to badge out, counted until closing time until a host sets the real time of leaving.
struct PresenceToCorrect {
    core::PresenceId presence = 0;
    core::MemberId member = 0;
    std::string member_name;
    std::optional<core::VolunteerRole> role;  // the last role picked during it, if any
    core::Timestamp checked_in{};
    core::Timestamp auto_closed{};            // when the station closed it (the next day's start)
    std::optional<core::Timestamp> closing;   // the day's closing time: counted until then
    std::optional<core::Timestamp> next_check_in;  // the member's next visit: a correction ends before
    std::chrono::seconds utc_offset{0};       // local time minus UTC at check-in (to show times)
};

// Local time minus UTC from `from` on: the kiosk has no time-zone database, and the
// days it shows (bookings up to weeks ahead) may hold a daylight-saving change.
struct OffsetChange {
    core::Timestamp from{};
    std::chrono::minutes offset{0};
    friend bool operator==(const OffsetChange&, const OffsetChange&) = default;
};

// A member's PIN as the station knows it: whether one is set and how its lockout stands
// (never the PIN, nor its hash).
struct PinState {
    core::MemberId member = 0;
    bool set = false;
    int failures = 0;                      // wrong PINs since the last right one or lockout
    int lockouts = 0;                      // lockouts so far: the next delay grows with it
    std::optional<core::Timestamp> locked_until;  // refused whatever the PIN, until then
    friend bool operator==(const PinState&, const PinState&) = default;
};
// What one try of a PIN gave.
enum class PinVerdict : std::uint8_t {
    right,
    wrong,       // failures counted, tries left
    locked_now,  // this wrong PIN was the last try: locked until state.locked_until
    locked,      // locked already: the PIN was not even looked at
    none,        // the member has no PIN
};
struct PinCheck {
    PinVerdict verdict = PinVerdict::none;
    PinState state;
};

// [Backups] What the station service reports of its backups and its disk, and what the
// host's panel shows of it.
struct BackupReport {
    std::optional<core::Timestamp> last_ok;      // the newest verified backup
    std::optional<core::Problem> failure;        // the last attempt failed (cleared by a success)
    std::optional<std::uint64_t> free_bytes;     // free space where the database lives
    bool operator==(const BackupReport&) const = default;
};
struct BackupView {
    bool reported = false;                 // a service watches the backups (not a bare kiosk)
    std::optional<core::Date> last_day;    // local day and time of the newest verified backup
    std::string last_hhmm;
    int hours_since = -1;                  // -1: never
    std::optional<std::uint64_t> free_bytes;
    std::optional<core::Problem> failure;
    bool stale = false;                    // no verified backup for 48 h
    bool disk_low = false;                 // under 500 MB free
    bool alarm() const { return reported && (stale || disk_low || failure.has_value()); }
};
inline constexpr std::chrono::hours kBackupStaleAfter{48};
inline constexpr std::uint64_t kDiskLowBytes = 500ull * 1000 * 1000;

}  // namespace etabli::app
