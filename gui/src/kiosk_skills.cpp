// The Kiosk's side of the skills screens: which badge taps they take, opening and drawing the
// skills screens, and the supervision prompt over the machine screens. Kept apart from
// kiosk.cpp, which only calls these.
// Layer: gui. GUI thread only; headless in tests.
#include <etabli/gui/kiosk.hpp>

#include "kit.hpp"

namespace etabli::gui {

SkillsScreenView Kiosk::skills_view(const app::Snapshot& s, const LocalClock& clock, double now) const {
    SkillsScreenView v;
    v.tr = Tr{&m_tr, m_home.lang};
    v.fonts = &m_fonts;
    v.viewer = m_home_view.member;
    v.snap = &s;
    v.skills = s.skills.get();
    v.know = s.know.get();
    v.clock = clock;
    v.since_snapshot = now - m_snapshot_seen;
    v.pictures = m_pictures;
    return v;
}

bool Kiosk::skills_tap(const app::Snapshot& s, const app::TapView& tap, double now, Commands& cmds) {
    // "I'll help" on the idle screen: the station takes the helper's badge itself (it checks
    // nobody in or out; draw_idle_help shows the outcome). A tap that still reaches us came
    // after the station's capture ended: it is an ordinary check-in or check-out.
    if (m_screen == Screen::idle) m_idle.help.offering = 0;
    if (m_screen == Screen::skills && skills_takes_taps(m_skills)) {
        m_last_touch = now;
        const LocalClock clock = LocalClock::of(s);
        Commands& c = cmds;
        skills_on_tap(skills_view(s, clock, now), m_skills, tap, c);
        return true;
    }
    // The supervisor's badge while the prompt shows: the station starts the session, and the
    // machine screen says so; the member's own screens stay.
    if ((m_screen == Screen::machines || m_screen == Screen::skills) && supervision_for(s, s.skills.get(), m_home_view.member.id)) {
        m_last_touch = now;
        return true;
    }
    return false;
}

void Kiosk::open_skills(Next how, Screen caller, std::int64_t machine, std::int64_t tool) {
    if (how == Next::knowhow) m_skills = skills_cards(machine, tool);
    else if (how == Next::skill_info) m_skills = skills_item(machine, tool);
    else m_skills = skills_hub();
    m_skills_caller = caller;
    m_screen = Screen::skills;
}

Next Kiosk::skills_frame(const app::Snapshot& s, const LocalClock& clock, double now, Commands& cmds) {
    // Waiting for the member's badge is not idleness (the station's own window is 60 s).
    if (m_skills.step == SkillsUi::Step::signoff_wait) m_last_touch = now;
    if (supervision_frame(s, now)) return Next::stay;
    const Next next = draw_skills(skills_view(s, clock, now), m_skills, cmds);
    if (next == Next::home) {
        m_screen = m_skills_caller;
        return Next::stay;
    }
    return next;
}

bool Kiosk::supervision_frame(const app::Snapshot& s, double now) {
    if (m_screen != Screen::machines && m_screen != Screen::skills) return false;
    const app::PendingSupervision* p = supervision_for(s, s.skills.get(), m_home_view.member.id);
    if (!p || (m_supervision_hidden && *m_supervision_hidden == p->expires_at)) return false;
    const double left = std::chrono::duration<double>(p->expires_at - s.at).count() - (now - m_snapshot_seen);
    if (left <= 0) return false;
    m_last_touch = now;  // the prompt waits for a badge, not a touch
    if (draw_supervision(*p, Tr{&m_tr, m_home.lang}, &m_fonts, s, s.skills.get(), left)) m_supervision_hidden = p->expires_at;
    return true;
}

}  // namespace etabli::gui
