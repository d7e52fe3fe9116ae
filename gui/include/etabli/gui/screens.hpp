// The kiosk's screens, each a function of a view-model: draw_x(const XView&, XUiState&,
// Commands&). A screen reads its view, keeps only presentation state (page, text typed,
// the request it waits for) and emits commands; it returns what the kiosk should do next.
// No static locals, no db or hw.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/core/money.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::gui {

// What a screen asks of the kiosk after this frame.
enum class Next {
    stay,
    idle,           // back to the idle screen
    start_enrol,    // member home: a host asked to enrol a badge
    book,           // member home: "Book a machine"
    host_machines,  // member home: a host's "Machines"
    home,           // machine screens: back to the member home
    repairs,        // member home: a volunteer's "Repairs"
    tools,          // member home: "Borrow a tool"
    checkouts,      // member home: a host's "Check-outs to correct" (checkouts.cpp)
    skills,         // member home: "My skills" (skills.cpp)
    knowhow,        // member home: "Know-how" cards (know_how.cpp)
    skill_info,     // machine or tool screens: the skill needed and the cards
    my_data,        // member home: "Mes données", what is stored about them
    history,        // member home: an admin's "Historique", the audit trail
    members,        // member home: a host's "Members" (members.cpp)
    bikes,          // member home: a volunteer's "Bikes", the bike register (bikes.cpp)
    payments,       // member home: a host's "Payments": memberships, receipts, the day's closing (payments.cpp)
    report,         // the hosts' Members screen: "Annual report", the funders' pack (report.cpp)
};

struct LocalClock;  // machines.hpp

// Dates for people: "samedi 28 novembre 2026" / "Saturday 28 November 2026", and short
// "30/09/2025" (French) / "30 Sep 2025" (English).
std::string format_long_date(core::Lang lang, core::Date d);
std::string format_short_date(core::Lang lang, core::Date d);
// "samedi 28 novembre" / "Saturday 28 November" (no year: the days shown are near).
std::string format_day(core::Lang lang, core::Date d);
// "lundi" / "Monday"; `c_encoding` 0 = Sunday.
std::string weekday_name(core::Lang lang, unsigned c_encoding);

// [Idle]
// Open help requests on the idle screen, each with "I'll help" (skills.cpp draws them).
struct IdleHelp {
    std::int64_t id = 0;                // core::HelpRequestId
    std::string text;                   // "Marie cherche de l'aide : dévoilage de roue"
};
struct IdleHelpUi {
    std::int64_t offering = 0;          // "I'll help" tapped: the station takes the next badge as the helper's
    double offered_at = 0;              // monotonic seconds
    std::uint64_t capture_seq = 0;      // the station's KnowCaptureView::seq last seen
    std::string problem;                // the station refused a badge ("your own request…")
    double problem_at = 0;
    std::uint64_t attendance_stopped = 0;  // capture seq for which the idle screen sent StopAttendance
    std::string thanks;                 // "Thank you Hugo! Marie is waiting for you."
    double thanks_at = 0;
};
inline constexpr double kHelpCaptureSeconds = 30.0;
inline constexpr double kHelpThanksSeconds = 6.0;
// The requests with their "I'll help" buttons from (x, y) in width w, down to `bottom` at
// most; returns the y below what was drawn. "I'll help" posts OfferHelp{id, 0} (the station
// captures the next badge), "Cancel" CancelHelpCapture; `capture` (may be null) tells how it
// went. Ids: help/<id>/offer, help/<id>/cancel, help/thanks, help/problem.
float draw_idle_help(const std::vector<IdleHelp>& requests, IdleHelpUi& ui, const Tr& tr, float x, float y,
                     float w, float bottom, double now, const app::KnowCaptureView* capture, Commands& out);
// The height draw_idle_help takes in width w to show everything (its thanks or problem line,
// each request's row with its button beside the text or, when that is shorter, under it).
float idle_help_need(const std::vector<IdleHelp>& requests, const IdleHelpUi& ui, const Tr& tr, float w, double now);

struct IdleView {
    Tr tr;
    const Fonts* fonts = nullptr;
    std::string hhmm;
    core::Date today{};
    const std::vector<app::PresentMember>* present = nullptr;
    std::string typed;  // digits typed on the keyboard reader so far
    const std::vector<app::MachineView>* machines = nullptr;  // the board; none: who is in only
    const LocalClock* clock = nullptr;                        // with `machines`
    std::vector<std::string> banners;  // "Léa: the laser cutter is free for you…" (queue offers)
    double now = 0;                    // seconds, monotonic: turns the board's pages
    std::string month_summary;         // "Ce mois-ci : 12 réparations…"; empty: not shown
    std::vector<IdleHelp> help;        // open help requests, oldest first
    const app::KnowCaptureView* help_capture = nullptr;  // the station's "J'aide" badge capture
};
struct IdleUi {
    int page = 0;
    core::Lang lang = core::Lang::fr;  // the FR/EN switch writes here
    IdleHelpUi help;                   // "I'll help" waiting for the helper's badge
};
Next draw_idle(const IdleView& v, IdleUi& ui, Commands& out);

// [Member home]
// A know-how card suggested for a skill the member is learning (skill_home.hpp).
struct HomeCard {
    std::int64_t card = 0;   // core::CardId
    std::int64_t skill = 0;  // core::SkillId: the skill it is suggested for
    std::string title;
};
// A skill that lapses within two weeks: what happens ("Laser: back to level "learning" on
// 12/12/2026 without a session.") and what to do about it, which the home leaves out when
// the two do not fit one line (larger text).
struct SkillWarning {
    std::string what, advice;
};
struct MemberHomeView {
    Tr tr;  // in the member's language
    const Fonts* fonts = nullptr;
    core::Member member;
    core::TapKind kind = core::TapKind::check_in;
    std::string at_hhmm;
    bool offline = false;  // the shared database out of reach: the tap is noted on this station
    std::vector<app::LoanView> loans;  // the member's loans, overdue first: shown under the greeting
    int checkouts_to_correct = 0;      // hosts: forgotten check-outs waiting, shown on their tile
    std::vector<SkillWarning> skill_warnings;  // skills lapsing within two weeks, shown under the greeting
    std::vector<HomeCard> cards;  // cards for the skills being learnt, most helped first; none: no row
    app::BackupView backups;      // hosts: the last backup and the free disk, red when they need a look
    core::Date today{};
    bool bike_register = false;   // the workshop keeps a bike register: volunteers get its tile
    bool payments = false;        // the workshop has membership plans: hosts get "Payments"
    std::string renewal;          // from 30 days before the membership's end: when, and the plans
    std::string mail_alarm;       // hosts: the renewal e-mails keep failing (mail_line), on the backup line
};
// The member home's renewal line: from 30 days before `until` (and on its last day), the end
// and the plans offered ("Annuelle 20,00 €, Prix libre"); for a week after a payment at this
// station (`renewed_on`), the new end; empty otherwise.
std::string renewal_line(const Tr& tr, std::optional<core::Date> until, core::Date today, const std::vector<core::Plan>& plans,
                         std::optional<core::Date> renewed_on = std::nullopt);
// The host's line about backups: its text, and whether it is an alarm (red). Empty when
// nobody reports on backups.
std::pair<std::string, bool> backup_line(const app::BackupView& b, const Tr& tr, core::Date today);
// The host's alarm about the renewal e-mails: empty while they go (or none are sent); after 3
// failed tries in a row, how many, shown in red on the backup line (in its place when quiet).
std::string mail_line(const app::MailView* m, const Tr& tr);
struct MemberHomeUi {
    core::Lang lang = core::Lang::fr;  // the member's language, as shown
    std::optional<HomeCard> open_card;  // the suggested card tapped (with Next::knowhow)
    int tile_page = 0;  // a full home at larger text: its tiles' page (home/more shows the next)
};
Next draw_member_home(const MemberHomeView& v, MemberHomeUi& ui, Commands& out);

// [Refusal]
struct RefusalView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::TapKind kind = core::TapKind::unknown_badge;
    std::string uid;
    std::optional<core::Member> member;
    std::optional<core::Date> expired_on;
    std::optional<core::BadgeStatus> badge_status;
};
struct RefusalUi {};
Next draw_refusal(const RefusalView& v, RefusalUi& ui, Commands& out);

// [Enrolment]
// The whole enrolment flow of a host: wait for the badge, then pick a member or fill in a
// new one, then the result. The kiosk fills the view from the snapshot each frame and
// matches replies to `pending` (moving to `done` or setting `error`).
struct EnrolView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::MemberId host = 0;
    bool active = false;                 // snapshot.enrolment is present
    int seconds_left = 0;
    std::optional<std::string> uid;      // captured badge
    std::optional<std::string> owner;    // its current owner's name, when already enrolled
    const app::Directory* directory = nullptr;
    core::Date today{};
    std::string typed;                   // digits typed on the keyboard reader
};
struct EnrolUi {
    enum class Step { waiting, pick, form, done };
    Step step = Step::waiting;
    std::uint64_t start_request = 0;     // the StartEnrolment request
    std::uint64_t pending = 0;           // AddBadge/AddMember waiting for its reply
    std::string captured_uid;            // kept once captured, even if the station times out
    std::string error;                   // the last reply's problem, rendered
    std::string done_name;               // "Badge enrolled to {0}"
    // pick
    std::string search;
    KeyboardState search_keys;
    int page = 0;
    // form
    core::MemberDraft draft;
    KeyboardState name_keys{false, false, true};
    bool details = false;  // larger text on a small screen: role, language and end date, without the keyboard
};
Next draw_enrol(const EnrolView& v, EnrolUi& ui, Commands& out);

// Case- and accent-insensitive: does `name` contain a word starting with `query`'s words?
bool name_matches(std::string_view name, std::string_view query);

}  // namespace etabli::gui
