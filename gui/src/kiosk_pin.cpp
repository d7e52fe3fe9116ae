// The kiosk's PINs: the pad over the member's screens (pin_pad.hpp), opened when a host
// asks for a host screen without a host session, when the station refuses a command for want
// of one, or when a machine requires the member's PIN. The session is the station's: the pad
// only opens it (OpenHostSession, SetPin) and the kiosk tells the station of touches, of
// "Quitter" and of the idle screen. Layer: gui. GUI thread only.
#include <etabli/gui/kiosk.hpp>

#include <algorithm>
#include <cstring>

namespace etabli::gui {

namespace {
bool is(const core::Problem& p, const char* msgid) { return p.msgid == msgid; }
bool has_pin(const app::Snapshot& s, core::MemberId member) {
    for (const auto& p : s.pins)
        if (p.member == member) return p.set;
    return false;
}
}  // namespace

bool Kiosk::in_host_session(const app::Snapshot& s) const {
    const auto id = m_home_view.member.id;
    return id != 0 && std::find(s.host_sessions.begin(), s.host_sessions.end(), id) != s.host_sessions.end();
}

void Kiosk::keep_host_session(const app::Snapshot& s, Commands& cmds) {
    // At most every 20 s: the station ends a session 2 min after the last touch it heard of.
    if (m_screen == Screen::idle || m_last_touch - m_session_touch_sent < 20.0 || !in_host_session(s)) return;
    m_session_touch_sent = m_last_touch;
    cmds.post(app::TouchHostSession{m_home_view.member.id});
}

void Kiosk::open_pin(const app::Snapshot& s, PinPadUi::Purpose purpose, Next then) {
    const auto member = m_home_view.member.id;
    if (m_screen != Screen::pin) m_pin_back = m_screen;
    m_pin = PinPadUi{};
    m_pin.purpose = purpose;
    m_pin.member = member;
    m_pin.step = has_pin(s, member) ? PinPadUi::Step::enter : PinPadUi::Step::choose;
    m_pin_then = then;
    m_screen = Screen::pin;
}

void Kiosk::pin_intercept(const app::Snapshot& s) {
    if (!s.last_reply || s.last_reply->request_id == m_pin_seen_reply) return;
    m_pin_seen_reply = s.last_reply->request_id;
    const app::Reply& r = *s.last_reply;
    if (r.ok || m_screen == Screen::pin || m_screen == Screen::idle || m_home_view.member.id == 0) return;
    if (is(r.problem, app::kPinNeeded) || is(r.problem, app::kPinToChoose)) {
        open_pin(s, PinPadUi::Purpose::host, Next::stay);
        m_pin.message = Tr{&m_tr, m_home.lang}(core::N_("Enter your PIN, then do it again"));
        m_pin.message_ok = true;
    } else if (is(r.problem, app::kMachinePinNeeded) || is(r.problem, app::kMachinePinToChoose)) {
        // The machine and the member the refused start was for.
        const auto sent = m_machine_requests.find(r.request_id);
        if (sent == m_machine_requests.end()) return;
        open_pin(s, PinPadUi::Purpose::machine, Next::stay);
        m_pin.machine = sent->second.first;
        m_pin.member = sent->second.second;
        m_pin.machine_name.clear();
        for (const auto& mv : s.machines)
            if (mv.machine.id == m_pin.machine) m_pin.machine_name = mv.machine.name;
        m_pin.step = has_pin(s, m_pin.member) ? PinPadUi::Step::enter : PinPadUi::Step::choose;
    }
}

Next Kiosk::pin_frame(const app::Snapshot& s, Commands& cmds) {
    const Tr tr{&m_tr, m_home.lang};
    const auto member = m_pin.member;  // the viewer; for a machine, the member the start is for
    auto leave = [&](bool done) {
        const Next then = done ? m_pin_then : Next::stay;
        const bool machine = m_pin.purpose == PinPadUi::Purpose::machine;
        m_pin = PinPadUi{};
        m_screen = m_pin_back;
        m_pin_then = Next::stay;
        if (machine && done) {  // the machine's page shows the outcome of the start
            m_screen = Screen::machines;
            m_machines.step = MachinesUi::Step::machine;
        }
        // The host screen that was asked for.
        switch (then) {
        case Next::members: m_members = MembersUi{}; m_screen = Screen::members; break;
        case Next::payments: m_payments = PaymentsUi{}; m_screen = Screen::payments; break;
        case Next::checkouts: m_checkouts = CheckoutsUi{}; m_screen = Screen::checkouts; break;
        case Next::history:
            m_records = RecordsUi{};
            m_records.kind = RecordsUi::Kind::history;
            m_screen = Screen::records;
            break;
        case Next::host_machines:
            m_machines = machines_for_host(m_home_view.member, s);
            m_screen = Screen::machines;
            break;
        case Next::start_enrol:
            m_enrol = EnrolUi{};
            m_enrol_seen_active = false;
            m_enrol_lang = m_home.lang;
            m_enrol_host = member;
            m_enrol.start_request = cmds.post(app::StartEnrolment{m_enrol_host});
            m_screen = Screen::enrol;
            break;
        default: break;
        }
    };

    // The reply to what the pad sent.
    if (m_pin.pending != 0 && s.last_reply && s.last_reply->request_id == m_pin.pending) {
        const app::Reply r = *s.last_reply;
        m_pin.pending = 0;
        m_pin.digits.clear();
        if (r.ok) {
            // A new PIN for a machine: now start it with that PIN.
            if (m_pin.purpose == PinPadUi::Purpose::machine && !m_pin.chosen.empty()) {
                m_pin.pending = cmds.post(app::MachineAccess{m_pin.machine, member, m_pin.chosen});
                m_pin.chosen.clear();
                return Next::stay;
            }
            leave(true);
            return Next::stay;
        }
        m_pin.message = tr.problem(r.problem);
        m_pin.message_ok = false;
        // A machine's own refusal (booked, no skill) is the machine page's to show.
        if (m_pin.purpose == PinPadUi::Purpose::machine && r.problem.msgid.find("PIN") == std::string::npos) {
            leave(true);
            return Next::stay;
        }
        if (m_pin.step == PinPadUi::Step::confirm) {  // the current PIN was wrong: start the change again
            m_pin.step = m_pin.current.empty() ? PinPadUi::Step::choose : PinPadUi::Step::current;
            m_pin.current.clear();
            m_pin.chosen.clear();
        }
    }

    PinPadView v;
    v.tr = tr;
    v.fonts = &m_fonts;
    v.member_name = m_home_view.member.display_name;
    if (member != m_home_view.member.id && s.directory)
        if (const auto* m = s.directory->find(member)) v.member_name = m->display_name;
    v.has_pin = has_pin(s, member);
    switch (draw_pin_pad(v, m_pin)) {
    case PinPadAction::none: break;
    case PinPadAction::cancel: leave(false); break;
    case PinPadAction::change:
        m_pin.step = PinPadUi::Step::current;
        m_pin.digits.clear();
        m_pin.message.clear();
        break;
    case PinPadAction::submit: {
        std::string typed = std::move(m_pin.digits);
        m_pin.digits.clear();
        m_pin.message.clear();
        switch (m_pin.step) {
        case PinPadUi::Step::enter:
            if (m_pin.purpose == PinPadUi::Purpose::host) m_pin.pending = cmds.post(app::OpenHostSession{member, std::move(typed)});
            else m_pin.pending = cmds.post(app::MachineAccess{m_pin.machine, member, std::move(typed)});
            break;
        case PinPadUi::Step::current:
            m_pin.current = std::move(typed);
            m_pin.step = PinPadUi::Step::choose;
            break;
        case PinPadUi::Step::choose:
            m_pin.chosen = std::move(typed);
            m_pin.step = PinPadUi::Step::confirm;
            break;
        case PinPadUi::Step::confirm:
            if (typed != m_pin.chosen) {
                m_pin.message = tr("The two PINs differ: choose it again");
                m_pin.message_ok = false;
                m_pin.chosen.clear();
                m_pin.step = PinPadUi::Step::choose;
                break;
            }
            {
                std::optional<std::string> current;
                if (!m_pin.current.empty()) current = m_pin.current;
                m_pin.pending = cmds.post(app::SetPin{member, m_pin.chosen, current, member});
                // A host's change of PIN opens their session: the pad closes on success. For a
                // machine, the start follows with the new PIN (above).
                if (m_pin.purpose == PinPadUi::Purpose::host) m_pin.chosen.clear();
            }
            break;
        }
        break;
    }
    }
    return Next::stay;
}

}  // namespace etabli::gui
