// Who may do what: one table of rights, every command of the Station × every kind of
// asker, in this one file. The Station checks it before it handles any command, whether the
// command came from the kiosk (embedded or through the service), the command line or the API,
// so no screen or command keeps a rule of its own about who it is for. A command without a row
// here does not compile (`kRight<T>` has no general definition), and tests/rights walks every
// row for every asker.
//
// The table is a floor: a row says the least an asker must be. Handlers still decide what
// depends on the data ("their own booking", "a trainer of this skill", "a volunteer of this
// repair"), and say why in their own words.
// Layer: app (pure). Any thread.
#pragma once

#include <etabli/app/station.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace etabli::app {

// What a command needs, from the least to the most.
enum class Need : std::uint8_t {
    anyone,     // a badge at a reader, a read, closing a screen: also the kiosk with nobody badged
    member,     // a member acting for themselves (the handler checks "their own")
    volunteer,  // volunteers, trainers, hosts, admins
    trainer,    // a trainer (level 3 on some skill; the handler checks which) or a host
    host,       // the day's operations: members, badges, machines, tools, trainings
    admin,      // members' personal data, roles, rights, retention, restore
    device,     // the station's own devices and threads (readers, controllers, backups, clock)
};

// Who asks. A member's principal is their role, or `trainer` for a member or volunteer who
// can teach a skill; with nobody acting, it depends on where the command came from (Origin).
enum class Principal : std::uint8_t {
    nobody,        // the kiosk with no badge in: only `anyone`
    member,
    volunteer,
    trainer,
    host,
    admin,
    command_line,  // the station's own process: its devices, and the command line of the etabli user or the etabli-admin group
    unix_reader,   // another local user of the API: reads only
};

struct Right {
    Need need = Need::admin;
    bool writes = true;           // false: a read, which read-only users may ask
    std::string_view action;      // the audit trail's name of it: "member.add"
};

// [The table]
namespace detail {
template <class T>
struct no_row : std::false_type {};
template <class T>
consteval Right missing_row() {
    static_assert(no_row<T>::value, "this command has no row in the rights table (station/app/include/etabli/app/rights.hpp)");
    return {};
}
}  // namespace detail
template <class T>
inline constexpr Right kRight = detail::missing_row<T>();

inline constexpr bool kWrites = true, kReads = false;
// Members, badges, presence
template <> inline constexpr Right kRight<BadgeSeen>{Need::anyone, kWrites, "badge.tap"};
template <> inline constexpr Right kRight<AddMember>{Need::host, kWrites, "member.add"};
template <> inline constexpr Right kRight<EditMember>{Need::host, kWrites, "member.edit"};  // a change of role: admin (the handler)
template <> inline constexpr Right kRight<EraseMember>{Need::admin, kWrites, "member.erase"};
template <> inline constexpr Right kRight<PurgePersonalData>{Need::admin, kWrites, "privacy.purge"};
template <> inline constexpr Right kRight<AddBadge>{Need::host, kWrites, "badge.add"};
template <> inline constexpr Right kRight<RevokeBadge>{Need::host, kWrites, "badge.revoke"};
template <> inline constexpr Right kRight<SetMemberLang>{Need::anyone, kWrites, "member.lang"};  // the badged member's own screen language
template <> inline constexpr Right kRight<StartEnrolment>{Need::host, kWrites, "badge.enrol"};
template <> inline constexpr Right kRight<CancelEnrolment>{Need::anyone, kWrites, "badge.enrol_cancel"};
template <> inline constexpr Right kRight<ImportMembers>{Need::admin, kWrites, "member.import"};
template <> inline constexpr Right kRight<NoteBackups>{Need::device, kWrites, "backup.report"};
template <> inline constexpr Right kRight<Tick>{Need::device, kWrites, "clock.tick"};
template <> inline constexpr Right kRight<Resync>{Need::device, kWrites, "database.resync"};
// Machines (allocation)
template <> inline constexpr Right kRight<AddMachine>{Need::host, kWrites, "machine.add"};
template <> inline constexpr Right kRight<EditMachine>{Need::host, kWrites, "machine.edit"};
template <> inline constexpr Right kRight<SetMachineStatus>{Need::host, kWrites, "machine.status"};
template <> inline constexpr Right kRight<Authorise>{Need::trainer, kWrites, "machine.authorise"};
template <> inline constexpr Right kRight<SetHours>{Need::host, kWrites, "hours.set"};
template <> inline constexpr Right kRight<Book>{Need::member, kWrites, "booking.add"};
template <> inline constexpr Right kRight<CancelBooking>{Need::member, kWrites, "booking.cancel"};
template <> inline constexpr Right kRight<FindSlots>{Need::anyone, kReads, "booking.slots"};
template <> inline constexpr Right kRight<PlanDay>{Need::anyone, kReads, "booking.day"};
template <> inline constexpr Right kRight<ListBookings>{Need::anyone, kReads, "booking.list"};
template <> inline constexpr Right kRight<JoinQueue>{Need::member, kWrites, "queue.join"};
template <> inline constexpr Right kRight<LeaveQueue>{Need::member, kWrites, "queue.leave"};
template <> inline constexpr Right kRight<EndSession>{Need::member, kWrites, "session.end"};
template <> inline constexpr Right kRight<MachineAccess>{Need::member, kWrites, "session.start"};
template <> inline constexpr Right kRight<OfferHandover>{Need::member, kWrites, "session.handover"};
template <> inline constexpr Right kRight<CheckMachine>{Need::member, kWrites, "machine.check"};
// Host sessions and PINs
template <> inline constexpr Right kRight<OpenHostSession>{Need::member, kWrites, "host.session_open"};  // hosts and admins (the handler)
template <> inline constexpr Right kRight<TouchHostSession>{Need::anyone, kWrites, "host.session_touch"};
template <> inline constexpr Right kRight<EndHostSession>{Need::anyone, kWrites, "host.session_end"};
template <> inline constexpr Right kRight<SetPin>{Need::member, kWrites, "pin.set"};  // their own (the handler)
template <> inline constexpr Right kRight<ResetPin>{Need::admin, kWrites, "pin.reset"};
template <> inline constexpr Right kRight<ShowMemberData>{Need::member, kReads, "member.data"};  // their own; an admin's for another (the handler)
template <> inline constexpr Right kRight<ShowAudit>{Need::admin, kReads, "audit.list"};
// Controllers and readers
template <> inline constexpr Right kRight<ControllerUpdate>{Need::device, kWrites, "controller.update"};
template <> inline constexpr Right kRight<ControllerReset>{Need::device, kWrites, "controller.reset"};
template <> inline constexpr Right kRight<ControllerFault>{Need::device, kWrites, "controller.fault"};
template <> inline constexpr Right kRight<ControllerLeaseLost>{Need::device, kWrites, "controller.lease_lost"};
template <> inline constexpr Right kRight<ControllerCurrent>{Need::device, kWrites, "controller.current"};
template <> inline constexpr Right kRight<ClearMachineFault>{Need::host, kWrites, "machine.clear_fault"};
template <> inline constexpr Right kRight<DevicesChanged>{Need::device, kWrites, "reader.devices"};
template <> inline constexpr Right kRight<StartReaderEnrolment>{Need::host, kWrites, "reader.enrol"};
template <> inline constexpr Right kRight<CancelReaderEnrolment>{Need::host, kWrites, "reader.enrol_cancel"};
template <> inline constexpr Right kRight<ReaderEnrolled>{Need::device, kWrites, "reader.enrolled"};
// Repairs and volunteering
template <> inline constexpr Right kRight<LogRepair>{Need::volunteer, kWrites, "repair.log"};
template <> inline constexpr Right kRight<EditRepair>{Need::volunteer, kWrites, "repair.edit"};
template <> inline constexpr Right kRight<SetPresenceRole>{Need::member, kWrites, "presence.role"};
template <> inline constexpr Right kRight<CorrectPresence>{Need::host, kWrites, "presence.correct"};
// Skills
template <> inline constexpr Right kRight<AddSkill>{Need::host, kWrites, "skill.add"};
template <> inline constexpr Right kRight<EditSkill>{Need::host, kWrites, "skill.edit"};
template <> inline constexpr Right kRight<GrantSkill>{Need::trainer, kWrites, "skill.grant"};
template <> inline constexpr Right kRight<RequireSkill>{Need::host, kWrites, "skill.require"};
template <> inline constexpr Right kRight<StartSignOff>{Need::trainer, kWrites, "skill.sign_off"};
template <> inline constexpr Right kRight<CancelSignOff>{Need::anyone, kWrites, "skill.sign_off_cancel"};
// Tools
template <> inline constexpr Right kRight<AddTool>{Need::host, kWrites, "tool.add"};
template <> inline constexpr Right kRight<SetTool>{Need::host, kWrites, "tool.edit"};
template <> inline constexpr Right kRight<RetireTool>{Need::host, kWrites, "tool.retire"};
template <> inline constexpr Right kRight<ImportTools>{Need::host, kWrites, "tool.import"};
template <> inline constexpr Right kRight<Lend>{Need::member, kWrites, "tool.lend"};
template <> inline constexpr Right kRight<ReturnTool>{Need::member, kWrites, "tool.return"};
template <> inline constexpr Right kRight<RenewLoan>{Need::member, kWrites, "tool.renew"};
template <> inline constexpr Right kRight<ReserveTool>{Need::member, kWrites, "tool.reserve"};
template <> inline constexpr Right kRight<ToolScanned>{Need::device, kWrites, "tool.scanned"};
template <> inline constexpr Right kRight<ToolFlow>{Need::member, kWrites, "tool.flow"};
template <> inline constexpr Right kRight<ToolPick>{Need::anyone, kWrites, "tool.pick"};  // within a flow a member opened
template <> inline constexpr Right kRight<CancelToolReservation>{Need::member, kWrites, "tool.reservation_cancel"};
template <> inline constexpr Right kRight<ExportTools>{Need::host, kWrites, "tool.export"};
// Know-how: trainings, help, cards
template <> inline constexpr Right kRight<AddTraining>{Need::host, kWrites, "training.add"};
template <> inline constexpr Right kRight<CancelTraining>{Need::host, kWrites, "training.cancel"};
template <> inline constexpr Right kRight<TrainingSignup>{Need::member, kWrites, "training.signup"};
template <> inline constexpr Right kRight<TrainingCancelSignup>{Need::member, kWrites, "training.signup_cancel"};
template <> inline constexpr Right kRight<TrainingAttendance>{Need::member, kWrites, "training.attendance"};  // the training's trainer (the handler)
template <> inline constexpr Right kRight<TrainingGrant>{Need::member, kWrites, "training.grant"};            // the training's trainer (the handler)
template <> inline constexpr Right kRight<SetHelpOptIn>{Need::member, kWrites, "help.opt_in"};
template <> inline constexpr Right kRight<HelpWho>{Need::anyone, kReads, "help.who"};
template <> inline constexpr Right kRight<AskHelp>{Need::member, kWrites, "help.ask"};
template <> inline constexpr Right kRight<OfferHelp>{Need::anyone, kWrites, "help.offer"};  // the helper's own badge
template <> inline constexpr Right kRight<WithdrawHelp>{Need::member, kWrites, "help.withdraw"};
template <> inline constexpr Right kRight<SaveCard>{Need::member, kWrites, "card.save"};  // a member's card waits for review
template <> inline constexpr Right kRight<ReviewCard>{Need::volunteer, kWrites, "card.review"};
template <> inline constexpr Right kRight<CardHelped>{Need::member, kWrites, "card.helped"};
template <> inline constexpr Right kRight<CancelHelpCapture>{Need::anyone, kWrites, "help.capture_cancel"};
template <> inline constexpr Right kRight<StartAttendance>{Need::member, kWrites, "training.attendance_start"};  // the training's trainer (the handler)
template <> inline constexpr Right kRight<StopAttendance>{Need::anyone, kWrites, "training.attendance_stop"};

// The bike register: the volunteers of the atelier take bikes in, refurbish and sell them;
// the declaration to the marking operator (buyers' data leaving the station) is a host's.
template <> inline constexpr Right kRight<AddBike>{Need::volunteer, kWrites, "bike.add"};
template <> inline constexpr Right kRight<EditBike>{Need::volunteer, kWrites, "bike.edit"};
template <> inline constexpr Right kRight<MoveBikePart>{Need::volunteer, kWrites, "bike.part"};
template <> inline constexpr Right kRight<FitBikePart>{Need::volunteer, kWrites, "bike.part_fit"};
template <> inline constexpr Right kRight<BikeLeaves>{Need::volunteer, kWrites, "bike.leave"};
template <> inline constexpr Right kRight<ShowBike>{Need::volunteer, kReads, "bike.show"};  // with the buyer
template <> inline constexpr Right kRight<BikesToDeclare>{Need::host, kReads, "bike.to_declare"};
template <> inline constexpr Right kRight<MarkBikesDeclared>{Need::host, kWrites, "bike.declared"};

// Memberships and the receipts journal: a host takes the dues and closes the day; volunteers
// record the other payments of the atelier (prix libre for a repair, parts) and read the day.
template <> inline constexpr Right kRight<AddPlan>{Need::host, kWrites, "plan.add"};
template <> inline constexpr Right kRight<EditPlan>{Need::host, kWrites, "plan.edit"};
template <> inline constexpr Right kRight<PayMembership>{Need::host, kWrites, "membership.pay"};
template <> inline constexpr Right kRight<RecordReceipt>{Need::volunteer, kWrites, "receipt.add"};
template <> inline constexpr Right kRight<CorrectReceipt>{Need::host, kWrites, "receipt.correct"};
template <> inline constexpr Right kRight<ShowJournal>{Need::volunteer, kReads, "receipt.journal"};
template <> inline constexpr Right kRight<CloseDay>{Need::host, kWrites, "receipt.close"};
template <> inline constexpr Right kRight<ReceiptsBetween>{Need::host, kReads, "receipt.export"};
template <> inline constexpr Right kRight<ImportHelloAsso>{Need::host, kWrites, "membership.import"};
// E-mail: the service's mail thread takes and reports; the queue holds members' addresses.
template <> inline constexpr Right kRight<TakeMails>{Need::device, kWrites, "mail.take"};
template <> inline constexpr Right kRight<MailTried>{Need::device, kWrites, "mail.tried"};
template <> inline constexpr Right kRight<ListMails>{Need::admin, kReads, "mail.list"};
// The funders' pack: a host asks (aggregate figures, no personal data); the service's report
// thread says it is there and how each pack went.
template <> inline constexpr Right kRight<AskYearReport>{Need::host, kWrites, "report.year"};
template <> inline constexpr Right kRight<ReportWriterReady>{Need::device, kWrites, "report.writer"};
template <> inline constexpr Right kRight<YearReportWritten>{Need::device, kWrites, "report.written"};

// The row of a command (every alternative of Command instantiates its row: a missing one
// does not compile).
Right right_of(const Command& c);

// Who acts in `c`: its `actor`, or the field that names who acts (the enrolling host, the
// signer, the member at the kiosk…); none: the command line, a device, or nobody.
std::optional<core::MemberId> acting_member(const Command& c, Origin origin);

// Whether `who` may ask what `need` needs (for a read, `writes` false).
bool allows(Need need, bool writes, Principal who);

// The refusal when `who` may not: its msgid names the missing right ("(missing right: host)").
// `name`: the member's name, when a member asked.
core::Problem refusal(Need need, bool writes, Principal who, const std::string& name);

std::string_view to_string(Need n);       // "anyone", "member", …, "device"
std::string_view to_string(Principal p);  // "nobody", "member", …, "command_line", "unix_reader"

}  // namespace etabli::app
