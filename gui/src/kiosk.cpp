// The Kiosk: which screen shows, built from the latest snapshot and the person's taps.
// It reacts to new badge taps (snapshot.last_tap.seq), matches replies to its requests,
// reads the keyboard reader's digits, and returns to idle after 30 s without a touch.
// Layer: gui. GUI thread only; headless in tests (no GLFW, no GL).
#include <etabli/gui/kiosk.hpp>
#include <etabli/gui/skill_home.hpp>

#include "controllers.hpp"

#include <cstdlib>

namespace etabli::gui {

namespace {

// Installs a frame log in ImGui's user-data slot for one frame, and restores what was there.
class LogInstall {
public:
    explicit LogInstall(FrameLog* log) : m_prev(ImGui::GetIO().UserData) { ImGui::GetIO().UserData = log; }
    ~LogInstall() { ImGui::GetIO().UserData = m_prev; }
    LogInstall(const LogInstall&) = delete;
    LogInstall& operator=(const LogInstall&) = delete;

private:
    void* m_prev;
};

constexpr std::size_t kMaxTyped = 32;  // longest UID core::normalize_uid accepts

}  // namespace

bool display_available() {
    for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY"}) {
        const char* v = std::getenv(var);
        if (v && *v) return true;
    }
    return false;
}

Kiosk::Kiosk(const core::Translations& tr, KioskOptions opts) : m_tr(tr), m_opts(std::move(opts)) {
    m_idle.lang = m_opts.lang;
}

core::Lang Kiosk::lang() const {
    switch (m_screen) {
        case Screen::idle: return m_idle.lang;
        case Screen::member_home: return m_home.lang;
        case Screen::refusal: return m_refusal_view.tr.lang;
        case Screen::enrol: return m_enrol_lang;
        case Screen::machines: return m_home.lang;
        case Screen::repairs: return m_home.lang;
        case Screen::tools: return m_home.lang;
        case Screen::checkouts: return m_home.lang;
        case Screen::skills: return m_home.lang;
        case Screen::members: return m_home.lang;
        case Screen::payments: return m_home.lang;
        case Screen::report: return m_home.lang;
        case Screen::pin: return m_home.lang;
        case Screen::records: return m_home.lang;
        case Screen::bikes: return m_home.lang;
    }
    return m_idle.lang;
}

bool Kiosk::accepts_badge_typing() const {
    // Screens with an on-screen keyboard take no badge digits: a host typing on a
    // physical keyboard there is not tapping a badge.
    if (m_screen == Screen::enrol) return m_enrol.step == EnrolUi::Step::waiting;
    if (m_screen == Screen::pin) return false;  // the PIN is typed on the pad only
    return true;
}

int Kiosk::enrolment_seconds_left(const app::Snapshot& s, double now) const {
    if (!s.enrolment) return 0;
    const double left = static_cast<double>((s.enrolment->expires - s.at).count()) - (now - m_snapshot_seen);
    return left <= 0 ? 0 : static_cast<int>(left + 0.999);
}

void Kiosk::go_idle(const app::Snapshot& s, CommandList& out) {
    if (m_screen == Screen::enrol && s.enrolment) {
        Commands cmds(out, m_next_request);
        cmds.post(app::CancelEnrolment{});
    }
    // A host session never survives the idle screen (sent whenever a host leaves: one
    // being opened right now ends too).
    if (m_screen != Screen::idle && core::can_host(m_home_view.member.role)) {
        Commands cmds(out, m_next_request);
        cmds.post(app::EndHostSession{m_home_view.member.id});
    }
    m_pin = PinPadUi{};
    m_screen = Screen::idle;
    m_enrol = EnrolUi{};
    m_enrol_seen_active = false;
    m_machines = MachinesUi{};
    m_repairs = RepairsUi{};
    m_bikes = BikesUi{};
    m_payments = PaymentsUi{};
    m_report = ReportUi{};
    m_skills = SkillsUi{};
    m_notices.clear();
    m_offers_hidden.clear();
    m_typed.clear();
    m_idle.page = 0;
}

std::optional<Offer> Kiosk::offer_for(const app::Snapshot& s, const LocalClock& clock) const {
    if (m_screen != Screen::member_home && m_screen != Screen::machines) return std::nullopt;
    for (auto& o : current_offers(s, clock))
        if (o.entry.member == m_home_view.member.id && !m_offers_hidden.contains(o.entry.id)) return o;
    return std::nullopt;
}

void Kiosk::show_tap(const app::Snapshot& s, const app::TapView& tap, double now) {
    m_last_touch = now;
    m_typed.clear();
    const auto kind = tap.decision.kind;
    if ((kind == core::TapKind::check_in || kind == core::TapKind::check_out) && tap.member) {
        m_screen = Screen::member_home;
        m_home.lang = tap.member->lang;
        m_home.tile_page = 0;
        m_home_view = MemberHomeView{};
        m_home_view.member = *tap.member;
        m_home_view.kind = kind;
        m_home_view.at_hhmm = s.local_hhmm;
        m_home_view.offline = tap.offline;
        // The station publishes the host notes with the tap that takes them: shown once.
        m_notices = s.notices;
        m_machines = MachinesUi{};
        m_offers_hidden.clear();
        if (kind == core::TapKind::check_in)
            for (const auto& p : s.present)
                if (p.id == tap.member->id && !p.since_hhmm.empty()) m_home_view.at_hhmm = p.since_hhmm;
        return;
    }
    m_screen = Screen::refusal;
    m_refusal_view = RefusalView{};
    m_refusal_view.tr = Tr{&m_tr, tap.member ? tap.member->lang : m_idle.lang};
    m_refusal_view.kind = kind;
    m_refusal_view.uid = tap.uid;
    m_refusal_view.member = tap.member;
    m_refusal_view.expired_on = tap.decision.expired_on;
    m_refusal_view.badge_status = tap.decision.badge_status;
}

void Kiosk::handle_keys(double now, Commands& cmds) {
    if (!m_typed.empty() && now - m_last_digit > kDigitTimeout) m_typed.clear();
    for (Key k : m_keys) {
        if (!accepts_badge_typing()) continue;
        if (k == Key::enter) {
            if (!m_typed.empty()) cmds.post(app::BadgeSeen{m_typed, "keyboard"});
            m_typed.clear();
        } else if (k == Key::backspace) {
            if (!m_typed.empty()) m_typed.pop_back();
        } else if (m_typed.size() < kMaxTyped) {
            m_typed += static_cast<char>('0' + static_cast<int>(k));
            m_last_digit = now;
        }
    }
    m_keys.clear();
}

void Kiosk::handle_reply(const app::Snapshot& s, double now, CommandList& out) {
    if (m_screen != Screen::enrol || !s.last_reply) return;
    const app::Reply& r = *s.last_reply;
    if (m_enrol.start_request != 0 && r.request_id == m_enrol.start_request) {
        m_enrol.start_request = 0;
        if (!r.ok) m_enrol.error = m_tr.render(m_enrol_lang, r.problem);
    }
    if (m_enrol.pending != 0 && r.request_id == m_enrol.pending) {
        m_enrol.pending = 0;
        if (r.ok) {
            m_enrol.step = EnrolUi::Step::done;
            m_enrol.error.clear();
            m_done_at = now;
            // The badge is enrolled: free the reader for ordinary check-ins at once.
            if (s.enrolment) {
                Commands cmds(out, m_next_request);
                cmds.post(app::CancelEnrolment{});
            }
        } else {
            m_enrol.error = m_tr.render(m_enrol_lang, r.problem);
        }
    }
}

void Kiosk::frame(const app::Snapshot& s, double now, CommandList& out) {
    m_log = FrameLog{};
    LogInstall install(&m_log);
    Commands cmds(out, m_next_request);
    const ImGuiIO& io = ImGui::GetIO();

    if (!m_started) {
        m_started = true;
        m_last_touch = now;
        m_seen_tap = s.last_tap ? s.last_tap->seq : 0;  // an old tap is not news
    }
    if (s.version != m_snapshot_version) {
        m_snapshot_version = s.version;
        m_snapshot_seen = now;
    }
    if (io.MouseDown[0] || !m_keys.empty()) m_last_touch = now;

    handle_keys(now, cmds);
    if (s.last_tap && s.last_tap->seq != m_seen_tap) {
        m_seen_tap = s.last_tap->seq;
        // The station decided who took the badge: a capture (an enrolment, a sign-off,
        // a supervisor, "J'aide", attendance) shows its outcome on its own screen; only a
        // check-in or check-out opens the member's screens. Nothing is decided again here.
        if (s.last_tap->claim != app::TapClaim::presence) {
            m_last_touch = now;
        } else if (skills_tap(s, *s.last_tap, now, cmds)) {  // a check-in or out while a skills screen waits for badges
        } else if (m_screen != Screen::enrol) {
            show_tap(s, *s.last_tap, now);
        }
    }
    handle_reply(s, now, out);
    pin_intercept(s);
    keep_host_session(s, cmds);

    if (m_screen == Screen::enrol && m_enrol.step == EnrolUi::Step::waiting) {
        if (s.enrolment) m_enrol_seen_active = true;
        else if (m_enrol_seen_active) go_idle(s, out);  // expired or cancelled elsewhere
    }
    if (m_screen == Screen::enrol && m_enrol.step == EnrolUi::Step::done && now - m_done_at > kDoneTimeout)
        go_idle(s, out);
    if (now - m_last_touch > kIdleTimeout) {
        if (m_screen != Screen::idle) go_idle(s, out);
        m_idle.lang = m_opts.lang;  // the next person finds the kiosk's own language
        m_idle.page = 0;
        m_last_touch = now;
    }

    WindowScope window("###kiosk", ImVec2(0, 0), io.DisplaySize);
    FontScope body(m_fonts.body);
    const Fonts* fonts = &m_fonts;
    const LocalClock clock = LocalClock::of(s);
    Next next = Next::stay;
    // A queue offer for the member at the kiosk comes before anything else they do.
    if (auto offer = offer_for(s, clock)) {
        OfferView ov;
        ov.tr = Tr{&m_tr, m_home.lang};
        ov.fonts = fonts;
        ov.member = m_home_view.member.id;
        ov.offer = *offer;
        switch (draw_offer(ov, cmds)) {
            case OfferChoice::start: {
                // Show the outcome on the machine's page.
                m_offers_hidden.insert(offer->entry.id);
                m_machines = machines_for_member(m_home_view.member, s);
                m_machines.step = MachinesUi::Step::machine;
                m_machines.machine = offer->machine;
                m_screen = Screen::machines;
                break;
            }
            case OfferChoice::decline:
            case OfferChoice::later: m_offers_hidden.insert(offer->entry.id); break;
            case OfferChoice::none: break;
        }
        return;
    }
    switch (m_screen) {
        case Screen::idle: {
            IdleView v;
            v.tr = Tr{&m_tr, m_idle.lang};
            v.fonts = fonts;
            v.hhmm = s.local_hhmm;
            v.today = s.today;
            v.present = &s.present;
            v.typed = m_typed;
            v.machines = &s.machines;
            v.clock = &clock;
            v.now = now;
            for (const auto& o : current_offers(s, clock))
                v.banners.push_back(o.until_hhmm.empty()
                                        ? v.tr.fmt("{0}: {1} is free for you. Tap your badge to start.",
                                                   {o.member_name, o.machine_name})
                                        : v.tr.fmt("{0}: {1} is free for you until {2}. Tap your badge to start.",
                                                   {o.member_name, o.machine_name, o.until_hhmm}));
            for (auto& b : controller_banners(s, v.tr)) v.banners.push_back(std::move(b));
            if (s.database_offline)  // several stations: the shared database cannot be reached
                v.banners.insert(v.banners.begin(), v.tr("Network unavailable: this station works alone. Badges still work; bookings and loans wait for the network."));
            v.month_summary = idle_month_summary(s, v.tr);
            v.help = idle_help_requests(s.know.get(), v.tr);
            if (s.know) v.help_capture = &s.know->capture;     // "J'aide" badge capture
            next = draw_idle(v, m_idle, cmds);
            break;
        }
        case Screen::member_home: {
            m_home_view.tr = Tr{&m_tr, m_home.lang};
            m_home_view.loans.clear();  // live: a return at the kiosk shows at once
            if (s.tools)
                for (const auto* l : s.tools->loans_of(m_home_view.member.id)) m_home_view.loans.push_back(*l);
            m_home_view.fonts = fonts;
            m_home_view.checkouts_to_correct = static_cast<int>(s.presence_corrections.size());
            m_home_view.backups = s.backups;
            m_home_view.mail_alarm = mail_line(s.part<app::MailFeature>(), m_home_view.tr);
            m_home_view.today = s.today;
            if (const auto* bikes = s.part<app::BikesFeature>()) m_home_view.bike_register = bikes->on;
            {
                static const std::vector<core::Plan> kNoPlans;
                const auto* money = s.part<app::MoneyFeature>();
                m_home_view.payments = money && !money->plans.empty();
                const core::Member* now_member = s.directory ? s.directory->find(m_home_view.member.id) : nullptr;
                std::optional<core::Date> renewed_on;
                if (money)
                    if (auto it = money->renewed.find(m_home_view.member.id); it != money->renewed.end()) renewed_on = it->second;
                m_home_view.renewal = renewal_line(m_home_view.tr, now_member ? now_member->valid_until : m_home_view.member.valid_until, s.today,
                                                   money ? money->plans : kNoPlans, renewed_on);
            }
            m_home_view.skill_warnings = skill_warnings(s.skills.get(), m_home_view.member.id, m_home_view.tr);
            m_home_view.cards = home_card_suggestions(s.skills.get(), s.know.get(), m_home_view.member.id);
            if (!m_notices.empty()) {
                NoticesView nv;
                nv.tr = m_home_view.tr;
                nv.fonts = fonts;
                nv.notices = &m_notices;
                nv.machines = &s.machines;
                nv.clock = clock;
                if (draw_notices(nv)) m_notices.clear();
                break;
            }
            {
                // A volunteer picks today's role first.
                RepairsView rv{m_home_view.tr, fonts, m_home_view.member, &s};
                if (m_home_view.kind == core::TapKind::check_in && draw_role_picker(rv, m_repairs, cmds)) break;
            }
            next = draw_member_home(m_home_view, m_home, cmds);
            // The host screens need the host's PIN first.
            if ((next == Next::members || next == Next::checkouts || next == Next::host_machines || next == Next::start_enrol ||
                 next == Next::history || next == Next::payments) &&
                core::can_host(m_home_view.member.role) && !in_host_session(s)) {
                open_pin(s, PinPadUi::Purpose::host, next);
                next = Next::stay;
                break;
            }
            if (next == Next::tools) {
                m_tools = ToolsUi{};
                m_screen = Screen::tools;
                next = Next::stay;
            }
            if (next == Next::skills || next == Next::knowhow) {
                open_skills(next, Screen::member_home, 0, 0);
                if (m_home.open_card) open_home_card(m_skills, *m_home.open_card);  // a suggested card
                m_home.open_card.reset();
                next = Next::stay;
            }
            if (next == Next::my_data || next == Next::history) {
                m_records = RecordsUi{};
                m_records.kind = next == Next::history ? RecordsUi::Kind::history : RecordsUi::Kind::my_data;
                m_screen = Screen::records;
                next = Next::stay;
            }
            if (next == Next::checkouts) {
                m_checkouts = CheckoutsUi{};
                m_screen = Screen::checkouts;
                next = Next::stay;
            }
            if (next == Next::members) {
                m_members = MembersUi{};
                m_screen = Screen::members;
                next = Next::stay;
            }
            if (next == Next::bikes) {
                m_bikes = BikesUi{};
                m_screen = Screen::bikes;
                next = Next::stay;
            }
            if (next == Next::payments) {
                m_payments = PaymentsUi{};
                m_screen = Screen::payments;
                next = Next::stay;
            }
            if (next == Next::repairs) {
                const core::MemberId asked = m_repairs.role_asked;
                m_repairs = RepairsUi{};
                m_repairs.role_asked = asked;
                m_screen = Screen::repairs;
                next = Next::stay;
            }
            if (next == Next::book || next == Next::host_machines) {
                m_machines = next == Next::book ? machines_for_member(m_home_view.member, s)
                                                : machines_for_host(m_home_view.member, s);
                m_screen = Screen::machines;
                next = Next::stay;
            }
            if (next == Next::start_enrol) {
                m_enrol = EnrolUi{};
                m_enrol_seen_active = false;
                m_enrol_lang = m_home.lang;
                m_enrol_host = m_home_view.member.id;
                m_enrol.start_request = cmds.post(app::StartEnrolment{m_enrol_host});
                m_screen = Screen::enrol;
                next = Next::stay;
            }
            break;
        }
        case Screen::machines: {
            MachinesView v;
            v.tr = Tr{&m_tr, m_home.lang};
            v.fonts = fonts;
            v.viewer = m_home_view.member;
            v.snap = &s;
            v.clock = clock;
            v.pictures = m_pictures;
            if (supervision_frame(s, now)) break;  // a trainer's badge is awaited
            next = draw_machines(v, m_machines, cmds);
            if (next == Next::skill_info || next == Next::knowhow) {
                open_skills(next, Screen::machines, m_machines.machine, 0);
                next = Next::stay;
            }
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::tools: {
            ToolsScreenView tv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s, m_pictures, m_opts.usb_roots,
                               m_stick_pictures};
            next = draw_tools(tv, m_tools, cmds);
            if (next == Next::skill_info) {  // a skill refusal: the tool's skill page
                if (const core::Tool* t = skill_refused_tool(s)) open_skills(next, Screen::tools, 0, t->id);
                next = Next::stay;
            }
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::repairs: {
            RepairsView rv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s};
            next = draw_repairs(rv, m_repairs, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::payments: {
            PaymentsView pv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s, m_opts.usb_roots};
            next = draw_payments(pv, m_payments, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::report: {
            ReportScreenView rv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s};
            next = draw_report(rv, m_report, cmds);
            if (next == Next::home) {  // back to the Members screen it was opened from
                m_screen = Screen::members;
                next = Next::stay;
            }
            break;
        }
        case Screen::bikes: {
            BikesView bv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s};
            next = draw_bikes(bv, m_bikes, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::skills:
            next = skills_frame(s, clock, now, cmds);
            break;
        case Screen::checkouts: {
            CheckoutsView cv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s};
            next = draw_checkouts(cv, m_checkouts, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::members: {
            MembersView mv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member, &s};
            next = draw_members(mv, m_members, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            if (next == Next::report) {  // the funders' pack, from the hosts' Members screen
                m_report = ReportUi{};
                m_screen = Screen::report;
                next = Next::stay;
            }
            break;
        }
        case Screen::pin:
            next = pin_frame(s, cmds);
            break;
        case Screen::records: {
            RecordsView rv{Tr{&m_tr, m_home.lang}, fonts, m_home_view.member.id, &s};
            next = draw_records(rv, m_records, cmds);
            if (next == Next::home) {
                m_screen = Screen::member_home;
                next = Next::stay;
            }
            break;
        }
        case Screen::refusal:
            m_refusal_view.fonts = fonts;
            next = draw_refusal(m_refusal_view, m_refusal, cmds);
            break;
        case Screen::enrol: {
            EnrolView v;
            v.tr = Tr{&m_tr, m_enrol_lang};
            v.fonts = fonts;
            v.host = m_enrol_host;
            v.active = s.enrolment.has_value();
            v.seconds_left = enrolment_seconds_left(s, now);
            if (s.enrolment) {
                v.uid = s.enrolment->uid;
                if (s.enrolment->current_owner) {
                    const core::Member* owner = s.directory ? s.directory->find(*s.enrolment->current_owner) : nullptr;
                    v.owner = owner ? owner->display_name : std::string("#") + std::to_string(*s.enrolment->current_owner);
                }
            }
            v.directory = s.directory.get();
            v.today = s.today;
            v.typed = m_typed;
            next = draw_enrol(v, m_enrol, cmds);
            break;
        }
    }
    if (next == Next::idle) go_idle(s, out);
    // The machines' starts sent this frame, for a PIN the station may ask for.
    for (const auto& [command, id] : out)
        if (const auto* a = std::get_if<app::MachineAccess>(&command)) m_machine_requests[id] = {a->machine, a->member};
    while (m_machine_requests.size() > 16) m_machine_requests.erase(m_machine_requests.begin());
}

}  // namespace etabli::gui
