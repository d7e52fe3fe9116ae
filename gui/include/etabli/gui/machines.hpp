// The kiosk's machine screens: the machine board of the idle screen, a member's
// booking flow (machines, a day of start times, a length, confirm; next free slots; my
// bookings; start, stop and the walk-in queue), the queue offer, the hosts' notices, and the
// hosts' machine screens (status, end a session, book for a member, cancel with a reason,
// opening hours). Screens are functions of the snapshot plus presentation state, as in
// screens.hpp.
// Layer: gui (app snapshots in, app commands out). GUI thread only (inside an ImGui frame),
// except LocalClock and the text helpers (pure, any thread).
//
// Local time: the kiosk has no time-zone database. The snapshot gives the offsets (local
// minus UTC) of the days it may show, a daylight-saving change included; LocalClock applies
// the one in force at each instant. Whether the workshop is open, which starts a day offers
// and how long a booking may last come from the station too (Snapshot::open_now, day_plans):
// the screens show them and keep no rule of their own.
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/pictures.hpp>
#include <etabli/gui/reader_enrol.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::gui {

// [Local time]
struct LocalClock {
    core::Timestamp at{};
    core::Date today{};
    // The station's offsets (Snapshot::offsets): local time minus UTC from each instant on.
    // None (a snapshot that has not any): UTC.
    std::shared_ptr<const std::vector<app::OffsetChange>> changes;

    static LocalClock of(const app::Snapshot& s);
    // The station says the workshop is outside its opening hours (not Snapshot::open_now): a
    // member's badge at a machine would be refused, so the board does not say "Libre".
    bool workshop_closed = false;

    std::chrono::minutes offset_at(core::Timestamp t) const;  // local time minus UTC at `t`

    core::Date day_of(core::Timestamp t) const;
    int minute_of_day(core::Timestamp t) const;  // 0 … 1439, local
    core::Timestamp utc(core::Date d, int minute) const;  // local day + minutes → UTC
    std::string hhmm(core::Timestamp t) const;
};

// "HH:MM" for minutes after midnight (1440 gives "24:00").
std::string hhmm_of(int minute);

// [Board]
// What one machine is doing, as the board says it: "Libre", "Libre jusqu'à 16:00",
// "Occupée jusqu'à 15:30", "Réservée à 16:00", "Atelier fermé", "Maintenance", "Hors service".
struct MachineStatusLine {
    std::string text;
    ImU32 color = 0;
};
MachineStatusLine machine_status(const app::MachineView& m, const LocalClock& clock, const Tr& tr);

// The idle screen's machine board inside (pos, size), window coordinates. Nobody taps a
// board from two metres: when the machines do not fit, the caller turns the pages by time
// (`page` is taken modulo the page count). Returns the number of pages.
int draw_machine_board(const std::vector<app::MachineView>& machines, const LocalClock& clock, const Tr& tr,
                       const Fonts* fonts, ImVec2 pos, ImVec2 size, int page);

// [Queue offers]
struct Offer {
    alloc::QueueEntry entry;
    alloc::MachineId machine = 0;
    std::string machine_name;
    std::string member_name;
    std::string until_hhmm;   // the offer holds the machine until then
    std::string usable_hhmm;  // a start now may use the machine until then (the station's word)
};
// Every entry of the snapshot's queues that holds an offer now.
std::vector<Offer> current_offers(const app::Snapshot& s, const LocalClock& clock);

struct OfferView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::MemberId member = 0;
    Offer offer;
};
enum class OfferChoice { none, start, decline, later };
// A full-screen card "The machine X is free for you until HH:MM" with Start (MachineAccess),
// No thanks (LeaveQueue) and Later (hides it). Ids: offer/start, offer/decline, offer/later.
OfferChoice draw_offer(const OfferView& v, Commands& out);

// [Notices]
// Notes a host left on the member's bookings (cancelled or moved, with the reason), shown
// once after the badge-in. Returns true when OK was tapped (id notices/ok).
struct NoticesView {
    Tr tr;
    const Fonts* fonts = nullptr;
    const std::vector<alloc::Booking>* notices = nullptr;
    const std::vector<app::MachineView>* machines = nullptr;  // for the names
    LocalClock clock;
};
bool draw_notices(const NoticesView& v);

// [Machine screens]
struct MachinesView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;                  // who badged in: a member, or a host
    const app::Snapshot* snap = nullptr;  // machines, upcoming, queue, hours, replies
    LocalClock clock;
    PictureCache* pictures = nullptr;     // the machines' photos; none: names only
};

// One weekday of the opening-hours editor.
struct DayHoursEdit {
    bool open = false;
    int from = 9 * 60;
    int to = 18 * 60;
    bool changed = false;  // only changed days replace their windows
};

struct MachinesUi {
    enum class Step {
        machines,       // pick a machine to book (member, or a host booking for one)
        machine,        // one machine: a day of start times, start/stop, queue, next free slot
        length,         // a start was chosen: pick a length, confirm
        slots,          // the next free slots
        mine,           // the member's bookings, with cancel
        host_machines,  // hosts: every machine
        host_machine,   // hosts: status, session, bookings of one machine
        cancel_reason,  // hosts: the reason for a cancellation, on the on-screen keyboard
        check_problem,  // the check after use found a problem: what, on the on-screen keyboard
        pick_member,    // hosts: whom to book for
        hours,          // hosts: the weekly opening hours
        devices,        // hosts: badge readers and machine controllers (devices.cpp)
        enrol_reader,   // hosts: bind a new reader to a role (reader_enrol.cpp)
    };
    Step step = Step::machines;
    bool as_host = false;          // a host books for `for_member` (outside hours allowed)
    core::MemberId for_member = 0;
    std::string for_name;
    alloc::MachineId machine = 0;
    int day = 0;                   // days after today
    int page = 0;                  // the current list's page
    int grid_page = -1;            // the page of start times; −1: the one with the first free start
    bool skill_in_header = false;  // larger text: the column's last button went to the header row
    std::optional<core::Timestamp> start;
    std::chrono::minutes length{0};
    std::uint64_t pending = 0;        // a Book, CancelBooking, status… waiting for its reply
    std::string pending_text;         // the message when it succeeds
    std::optional<Step> after_ok;     // where to go when it succeeds
    std::uint64_t slots_request = 0;  // the FindSlots waiting for its reply
    std::optional<std::vector<alloc::Slot>> slots;
    // The day last asked of the station (PlanDay), its request and the snapshot it was asked at.
    std::optional<alloc::DayQuery> day_asked;
    std::uint64_t day_request = 0;
    std::uint64_t day_asked_version = 0;
    std::string message;              // the last outcome, shown on the next screens
    bool message_ok = true;
    std::uint64_t access_seen = 0;    // last_access.seq already reported
    alloc::BookingId confirm_cancel = 0;  // "Cancel" tapped once: asks to confirm
    alloc::BookingId cancel_booking = 0;  // hosts: the booking being cancelled
    std::string reason;
    KeyboardState reason_keys{true, false, false};
    std::string search;
    KeyboardState search_keys;
    std::array<DayHoursEdit, 7> hours{};  // by c_encoding weekday (0 = Sunday)
    Step back_to = Step::machines;        // where "Back" from the length/slot steps goes
    ReaderEnrolUi reader_enrol;           // the enrol_reader step
};

// Starts a flow: the member's own booking screens, or the hosts' machine screens.
MachinesUi machines_for_member(const core::Member& m, const app::Snapshot& s);
MachinesUi machines_for_host(const core::Member& host, const app::Snapshot& s);

// Draws the current step. Next::home: back to the member's home; Next::idle never.
Next draw_machines(const MachinesView& v, MachinesUi& ui, Commands& out);

}  // namespace etabli::gui
