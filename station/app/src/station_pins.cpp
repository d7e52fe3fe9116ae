// Host sessions and PINs: see station.hpp's [Host sessions and PINs]. A host's badge is
// copied in seconds with a cheap cloner; at the kiosk, what a host or an admin does with their
// powers needs their PIN too, once per host session. The PINs themselves are the store's
// (db/pin.hpp: Argon2id under the installation's pepper, the lockout kept in the file).
// Layer: app. Station thread only.
#include <etabli/app/rights.hpp>
#include <etabli/app/station.hpp>
#include <etabli/core/pin.hpp>

#include <algorithm>
#include <map>

namespace etabli::app {

using core::problem;

struct Station::PinsState {
    std::map<core::MemberId, PinState> pins;              // members with a PIN row
    std::map<core::MemberId, core::Timestamp> sessions;   // open host sessions: the last touch
};

std::expected<void, Problem> Station::load_pin_states() {
    auto pins = m_store.load_pins();
    if (!pins) return std::unexpected(pins.error());
    auto st = std::make_shared<PinsState>();
    for (auto& p : *pins) st->pins[p.member] = p;
    if (m_pins) st->sessions = m_pins->sessions;  // a reload after a failed transaction keeps who is at the kiosk
    m_pins = std::move(st);
    return {};
}

bool Station::has_pin(core::MemberId member) const {
    if (!m_pins) return false;
    auto it = m_pins->pins.find(member);
    return it != m_pins->pins.end() && it->second.set;
}

void Station::publish_pins(Snapshot& snap) const {
    if (!m_pins) return;
    for (const auto& [id, p] : m_pins->pins) snap.pins.push_back(p);
    for (const auto& [id, at] : m_pins->sessions) snap.host_sessions.push_back(id);
}

bool Station::pins_housekeeping(core::Timestamp now) {
    if (!m_pins) return false;
    const auto before = m_pins->sessions.size();
    std::erase_if(m_pins->sessions, [&](const auto& kv) { return now - kv.second >= kHostSessionIdle; });
    // A lockout that ran out shows as such on the admins' screens.
    bool unlocked = false;
    for (auto& [id, p] : m_pins->pins)
        if (p.locked_until && *p.locked_until <= now) {
            p.locked_until.reset();
            unlocked = true;
        }
    return unlocked || m_pins->sessions.size() != before;
}

void Station::host_session_used(core::MemberId member) {
    if (!m_pins) return;
    if (auto it = m_pins->sessions.find(member); it != m_pins->sessions.end()) it->second = m_clock.now();
}

void Station::host_session_end(core::MemberId member) {
    if (m_pins) m_pins->sessions.erase(member);
}

namespace {
// Whether a command from a host or an admin uses their powers (rather than what any member,
// volunteer or trainer may do for themselves): a row that needs a host or an admin, a
// trainer's row when they teach nothing, and a member's row done for someone else.
template <class Engine>
bool uses_powers(const Command& c, const Right& right, core::MemberId actor, bool trainer, Engine* engine) {
    if (right.need == Need::host || right.need == Need::admin) return true;
    if (right.need == Need::trainer) return !trainer;
    if (right.need == Need::anyone || right.need == Need::device) return false;
    return std::visit(
        [&](const auto& cmd) -> bool {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (requires { cmd.as_host; })
                if (cmd.as_host) return true;
            if constexpr (requires { cmd.member + 0; })
                if (cmd.member != 0 && cmd.member != actor) return true;
            if constexpr (std::is_same_v<T, CancelBooking>) {
                const auto* b = engine ? engine->booking(cmd.booking) : nullptr;
                return b && b->member != actor;
            }
            if constexpr (std::is_same_v<T, EndSession>) {
                const auto* s = engine ? engine->session_on(cmd.machine) : nullptr;
                return s && s->member != actor;
            }
            return false;
        },
        c);
}
}  // namespace

std::optional<Problem> Station::host_session_refusal(const Command& c, const Right& right, core::MemberId actor) const {
    if (std::holds_alternative<OpenHostSession>(c) || std::holds_alternative<SetPin>(c) || std::holds_alternative<TouchHostSession>(c) ||
        std::holds_alternative<EndHostSession>(c))
        return std::nullopt;
    auto* eng = const_cast<Station*>(this)->engine();
    if (!uses_powers(c, right, actor, right.need == Need::trainer && is_trainer(actor), eng)) return std::nullopt;
    if (m_pins)
        if (auto it = m_pins->sessions.find(actor); it != m_pins->sessions.end() && m_clock.now() - it->second < kHostSessionIdle)
            return std::nullopt;
    return problem(has_pin(actor) ? kPinNeeded : kPinToChoose);
}

std::optional<Problem> Station::try_pin(core::MemberId member, const std::string& pin, const char* none_msgid, const std::vector<std::string>& args) {
    const auto now = m_clock.now();
    auto r = m_store.check_pin(member, pin, now);
    if (!r) return r.error();
    if (r->state.set || r->state.failures > 0 || r->state.lockouts > 0) m_pins->pins[member] = r->state;
    const auto locked_for = [&] {
        const auto left = r->state.locked_until ? *r->state.locked_until - now : std::chrono::seconds{0};
        const auto minutes = std::max<std::int64_t>(1, (std::chrono::duration_cast<std::chrono::seconds>(left).count() + 59) / 60);
        return std::vector<std::string>{std::to_string(minutes), r->state.locked_until ? m_calendar.local_hhmm(*r->state.locked_until) : ""};
    };
    switch (r->verdict) {
    case PinVerdict::right: return std::nullopt;
    case PinVerdict::none: return problem(none_msgid, args);
    case PinVerdict::wrong:
        return problem(core::kPinTriesLeft, {std::to_string(std::max(1, core::kPinTries - r->state.failures))});
    case PinVerdict::locked_now: host_session_end(member); return problem(kPinLockedNow, locked_for());
    case PinVerdict::locked: return problem("This PIN is locked for {0} min more, until {1}", locked_for());
    }
    return core::Problem{"?", {}};
}

Result Station::handle_pins(const Command& c) {
    const auto now = m_clock.now();
    const Directory& dir = directory();
    auto find = [&](core::MemberId id) -> std::expected<const core::Member*, Problem> {
        const auto* m = dir.find(id);
        if (!m) return std::unexpected(problem("No member has the number {0}", {std::to_string(id)}));
        return m;
    };
    auto storage = [&](const Problem& p) -> Result {
        if (p.kind == core::Problem::Kind::storage) return failed(p);
        return std::unexpected(p);
    };
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, OpenHostSession>) {
                auto m = find(cmd.member);
                if (!m) return std::unexpected(m.error());
                if (!core::can_host((*m)->role)) return std::unexpected(problem("Only hosts and admins have host screens"));
                if (!has_pin(cmd.member)) return std::unexpected(problem(kPinToChoose));
                if (auto refused = try_pin(cmd.member, cmd.pin, kPinToChoose, {})) return storage(*refused);
                m_pins->sessions[cmd.member] = now;
                return Done{};
            } else if constexpr (std::is_same_v<T, TouchHostSession>) {
                host_session_used(cmd.member);
                return Done{};
            } else if constexpr (std::is_same_v<T, EndHostSession>) {
                host_session_end(cmd.member);
                return Done{};
            } else if constexpr (std::is_same_v<T, SetPin>) {
                auto m = find(cmd.member);
                if (!m) return std::unexpected(m.error());
                if (cmd.actor && *cmd.actor != cmd.member)
                    return std::unexpected(problem("A member chooses their own PIN: an admin can only unlock or forget it"));
                if (auto p = core::check_pin_form(cmd.pin)) return std::unexpected(*p);
                // At the kiosk, the badge alone does not change a PIN: the current one is needed.
                if (cmd.actor && has_pin(cmd.member)) {
                    if (!cmd.current) return std::unexpected(problem("Enter your current PIN first"));
                    if (auto refused = try_pin(cmd.member, *cmd.current, kPinToChoose, {})) return storage(*refused);
                }
                auto set = m_store.set_pin(cmd.member, cmd.pin, cmd.actor, now);
                if (!set) return storage(set.error());
                m_pins->pins[cmd.member] = *set;
                if (!cmd.actor) host_session_end(cmd.member);  // set for them from the terminal: their next host action asks it
                // A host who has just chosen (or changed) their PIN at the kiosk is in their host session.
                if (cmd.actor && core::can_host((*m)->role)) m_pins->sessions[cmd.member] = now;
                return Done{};
            } else if constexpr (std::is_same_v<T, ResetPin>) {
                auto m = find(cmd.member);
                if (!m) return std::unexpected(m.error());
                auto reset = m_store.reset_pin(cmd.member, cmd.forget, cmd.actor, now);
                if (!reset) return storage(reset.error());
                m_pins->pins[cmd.member] = *reset;
                if (cmd.forget) host_session_end(cmd.member);
                return Done{};
            } else if constexpr (std::is_same_v<T, ShowMemberData>) {
                auto m = find(cmd.member);
                if (!m) return std::unexpected(m.error());
                // Their own; another member's: an admin's (or the command line's).
                if (cmd.actor && *cmd.actor != cmd.member) {
                    const auto* a = dir.find(*cmd.actor);
                    if (!a || a->role != core::Role::admin)
                        return std::unexpected(problem("Only an admin sees another member's data (missing right: admin)"));
                }
                auto sections = m_store.member_data(cmd.member);
                if (!sections) return storage(sections.error());
                return MemberDataView{cmd.member, std::move(*sections)};
            } else if constexpr (std::is_same_v<T, ShowAudit>) {
                auto rows = m_store.recent_audit(cmd.who, static_cast<std::size_t>(std::clamp<std::int64_t>(cmd.limit, 1, 10000)));
                if (!rows) return storage(rows.error());
                AuditView v;
                v.rows = std::move(*rows);
                for (const auto& r : v.rows)
                    if (r.actor)
                        if (const auto* a = dir.find(*r.actor)) v.names[*r.actor] = a->display_name;
                return v;
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

}  // namespace etabli::app
