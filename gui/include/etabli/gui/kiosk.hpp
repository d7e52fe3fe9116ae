// The touchscreen kiosk: its public entry point for the CLI (run_kiosk), and the Kiosk
// class, the headless-testable heart that turns snapshots into screens and taps into
// commands. The runner (runner.cpp) owns GLFW and OpenGL and drives a Kiosk; tests drive
// one with hand-made snapshots and no renderer.
// Layer: gui (sees app's snapshots and commands only, never db or hw). GUI thread only,
// except display_available() (any thread).
#pragma once

#include <etabli/app/station.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/gui/checkouts.hpp>
#include <etabli/gui/members.hpp>
#include <etabli/gui/payments.hpp>
#include <etabli/gui/report.hpp>
#include <etabli/gui/machines.hpp>
#include <etabli/gui/pictures.hpp>
#include <etabli/gui/pin_pad.hpp>
#include <etabli/gui/records.hpp>
#include <etabli/gui/bikes.hpp>
#include <etabli/gui/repairs.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/skills.hpp>
#include <etabli/gui/tools.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace etabli::gui {

struct KioskOptions {
    bool fullscreen = false;
    int width = 1280;
    int height = 800;
    core::Lang lang = core::Lang::fr;
    std::string font_path;  // empty: DejaVuSans (fonts-dejavu-core), then ImGui's default
    int text_percent = 100;  // one of theme.hpp's kTextSizes
    std::filesystem::path photos_folder;  // the workshop's photos ([photos] of etabli.toml); empty: none shown
    std::vector<std::filesystem::path> usb_roots;  // where USB sticks are mounted; empty: /media, /run/media
};

// DISPLAY or WAYLAND_DISPLAY is set: a cheap check that opens no window.
bool display_available();

// Opens the kiosk window (GLFW + OpenGL 3 + ImGui) and runs until it is closed
// (Ctrl+Alt+Q; Esc too, but only when not fullscreen). Returns 0, or 2 after one line on
// stderr when no window can be opened. Calls station.set_wake and clears it on return.
int run_kiosk(app::Station& station, const core::Translations& tr, const KioskOptions& opts);

// What the kiosk draws from and sends to: the embedded Station or, with `kiosk --connect`,
// the station service through its API. snapshot() and post() are called on the GUI thread;
// set_wake's hook may be called from any thread.
struct KioskLink {
    std::function<std::shared_ptr<const app::Snapshot>()> snapshot;
    std::function<void(app::Command, std::uint64_t)> post;
    std::function<void(std::function<void()>)> set_wake;
};
int run_kiosk(const KioskLink& link, const core::Translations& tr, const KioskOptions& opts);

// Keys from the physical keyboard (or a keyboard-wedge badge reader), as key codes, not
// text: an AZERTY keyboard gives the same UID as a QWERTY one.
enum class Key : std::uint8_t { d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, enter, backspace };
inline Key digit_key(int d) { return static_cast<Key>(d); }

enum class Screen { idle, member_home, refusal, enrol, machines, repairs, tools, checkouts, skills, members, pin, records, bikes, payments, report };

class Kiosk {
public:
    static constexpr double kIdleTimeout = 30.0;    // seconds without a touch
    static constexpr double kDigitTimeout = 2.0;    // stray digits are forgotten
    static constexpr double kDoneTimeout = 5.0;     // "Badge enrolled" stays this long

    Kiosk(const core::Translations& tr, KioskOptions opts);

    // The fonts of the current atlas (after theme's load_fonts); none: ImGui's current font.
    void set_fonts(const Fonts& f) { m_fonts = f; }
    // The photos the screens show (tools, know-how cards), made into textures by the runner
    // (GL) or a test's stand-in; none: names only. Not owned.
    void set_pictures(PictureCache* p) { m_pictures = p; }
    // The USB sticks' pictures, by their path from the root ("media/CLE/DCIM/x.jpg"): the
    // thumbnails of the inventory form's photo picker.
    void set_stick_pictures(PictureCache* p) { m_stick_pictures = p; }

    // A key press, between frames; handled at the next frame.
    void key_pressed(Key k) { m_keys.push_back(k); }

    // Draws one frame between ImGui::NewFrame() and ImGui::Render(). `now_seconds` is a
    // monotonic clock (glfwGetTime in the runner). Commands to post are appended to `out`
    // with their request ids.
    void frame(const app::Snapshot& s, double now_seconds,
               std::vector<std::pair<app::Command, std::uint64_t>>& out);

    // [Observers, for the runner and tests]
    Screen screen() const { return m_screen; }
    core::Lang lang() const;  // the language the current screen speaks
    const FrameLog& last_frame() const { return m_log; }
    const std::string& typed() const { return m_typed; }
    const EnrolUi& enrol_ui() const { return m_enrol; }
    const MachinesUi& machines_ui() const { return m_machines; }
    const CheckoutsUi& checkouts_ui() const { return m_checkouts; }
    const SkillsUi& skills_ui() const { return m_skills; }
    const PinPadUi& pin_ui() const { return m_pin; }

private:
    void go_idle(const app::Snapshot& s, CommandList& out);  // cancels a running enrolment
    // (kiosk_skills.cpp) a badge tap the skills screens take ("I'll help", attendance, a
    // supervisor): true when it must not show the member home.
    bool skills_tap(const app::Snapshot& s, const app::TapView& tap, double now, Commands& cmds);
    SkillsScreenView skills_view(const app::Snapshot& s, const LocalClock& clock, double now) const;
    // Opens the skills screens from `caller` (Next::skills, knowhow or skill_info).
    void open_skills(Next how, Screen caller, std::int64_t machine, std::int64_t tool);
    Next skills_frame(const app::Snapshot& s, const LocalClock& clock, double now, Commands& cmds);
    // The supervision prompt over the machine screens; true when it was drawn.
    bool supervision_frame(const app::Snapshot& s, double now);
    void show_tap(const app::Snapshot& s, const app::TapView& tap, double now);
    void handle_keys(double now, Commands& cmds);
    void handle_reply(const app::Snapshot& s, double now, CommandList& out);
    bool accepts_badge_typing() const;
    // [PIN, kiosk_pin.cpp] The pad over the member's screens: opened for `purpose`, then
    // back to the screen it was opened from, or on to `then` (a host screen asked for).
    void open_pin(const app::Snapshot& s, PinPadUi::Purpose purpose, Next then);
    Next pin_frame(const app::Snapshot& s, Commands& cmds);
    void pin_intercept(const app::Snapshot& s);        // a refusal that asks for a PIN opens the pad
    bool in_host_session(const app::Snapshot& s) const;  // the member at the kiosk
    void keep_host_session(const app::Snapshot& s, Commands& cmds);  // a touch: still there
    int enrolment_seconds_left(const app::Snapshot& s, double now) const;
    // The member's queue offer to show over their screens, if any (not hidden by "Later").
    std::optional<Offer> offer_for(const app::Snapshot& s, const LocalClock& clock) const;

    const core::Translations& m_tr;
    KioskOptions m_opts;
    Fonts m_fonts;
    PictureCache* m_pictures = nullptr;
    PictureCache* m_stick_pictures = nullptr;
    FrameLog m_log;

    Screen m_screen = Screen::idle;
    IdleUi m_idle;
    MemberHomeUi m_home;
    MemberHomeView m_home_view;
    RefusalUi m_refusal;
    RefusalView m_refusal_view;
    EnrolUi m_enrol;
    MachinesUi m_machines;
    RepairsUi m_repairs;
    BikesUi m_bikes;          // the bike register, volunteers
    PaymentsUi m_payments;    // memberships, receipts, the day's closing, hosts
    ReportUi m_report;        // the funders' pack, hosts
    ToolsUi m_tools;
    CheckoutsUi m_checkouts;  // forgotten check-outs, hosts
    MembersUi m_members;      // members, hosts
    SkillsUi m_skills;
    Screen m_skills_caller = Screen::member_home;  // where Back from the skills screens goes
    std::optional<core::Timestamp> m_supervision_hidden;  // "Cancel" on the prompt of that expiry
    std::vector<alloc::Booking> m_notices;       // host notes to show once, from the badge-in
    std::set<alloc::QueueEntryId> m_offers_hidden;  // "Later" or "No thanks" on these offers
    core::MemberId m_enrol_host = 0;
    core::Lang m_enrol_lang = core::Lang::fr;  // the host's language
    bool m_enrol_seen_active = false;          // the station confirmed the enrolment
    PinPadUi m_pin;
    RecordsUi m_records;                       // "Mes données", "Historique"
    Screen m_pin_back = Screen::member_home;   // where the pad returns
    Next m_pin_then = Next::stay;              // the host screen it opens on success
    std::uint64_t m_pin_seen_reply = 0;        // the last reply looked at for a PIN refusal
    double m_session_touch_sent = 0;           // when the station last heard of a touch
    // Each MachineAccess sent, by request id: a refusal for want of a PIN asks the PIN
    // of the member it was for, for that machine (a host may start a machine for a member).
    std::map<std::uint64_t, std::pair<alloc::MachineId, core::MemberId>> m_machine_requests;

    bool m_started = false;
    std::uint64_t m_seen_tap = 0;  // last tap seq reacted to
    std::uint64_t m_next_request = 1;
    std::vector<Key> m_keys;
    std::string m_typed;
    double m_last_digit = 0;
    double m_last_touch = 0;
    double m_done_at = 0;
    std::uint64_t m_snapshot_version = 0;  // to map snapshot.at onto now_seconds
    double m_snapshot_seen = 0;
};

}  // namespace etabli::gui
