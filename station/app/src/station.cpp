// The Station thread: drains the inbox, applies core rules, commits through the Store,
// publishes snapshots. Layer: app.
//
// [SECTION] index
//   State            what the station thread keeps in memory
//   Life cycle       start, stop, the loop
//   Inbox            post, post_async, call, snapshot
//   Commands         one handler per command; each commits before it changes memory
//   Housekeeping     deadlines: enrolment expiry, the minute tick, the stale-presence sweep
//   Publishing       building the immutable snapshot
#include <etabli/app/station.hpp>
#include <etabli/app/rights.hpp>
#include <etabli/app/reply.hpp>
#include <etabli/core/know_how.hpp>

#include <etabli/alloc/timers.hpp>

#include <algorithm>
#include <cstdio>
#include <cassert>
#include <cctype>
#include <map>
#include <set>

namespace etabli::app {

using namespace std::chrono;
using core::problem;

// [SECTION] State
struct Station::State {
    std::shared_ptr<const Directory> directory = std::make_shared<Directory>();
    std::map<core::MemberId, core::Presence> open;  // by member
    std::optional<TapView> last_tap;
    std::optional<Enrolment> enrolment;
    std::optional<Reply> last_reply;
    std::optional<core::Problem> storage_problem;
    std::optional<BackupReport> backups;  // none: nobody reports (a bare kiosk, a test)
    bool database_offline = false;        // Resync{false} until Resync{true}: taps go to the journal
    bool tap_again = false;               // handle_tap deciding a tap again (once)
    bool journal_pending = false;         // a tap went to the journal: replayed before the next one goes online
    // A commit failed and the engine could not be built again from the store (the database
    // out of reach): it holds a decision the store does not. No decision is taken on it
    // until it is built again.
    bool engine_stale = false;
    std::uint64_t tap_seq = 0;
    std::uint64_t version = 0;
    alloc::Deadlines deadlines;
    std::string published_hhmm;
    core::Date offsets_day{};                                        // the day `offsets` was made for
    std::shared_ptr<const std::vector<OffsetChange>> offsets;        // see Snapshot::offsets
    std::optional<core::Date> published_day;

    // [Allocation]
    std::unique_ptr<alloc::Engine> engine;
    std::map<std::string, alloc::MachineId> machine_by_name;  // lower-cased, for readers
    std::map<alloc::MachineId, bool> power;                   // the last power action per machine
    std::optional<AccessView> last_access;
    std::uint64_t access_seq = 0;
    std::vector<alloc::Booking> notices;
    std::optional<std::vector<alloc::Slot>> last_slots;
    std::vector<alloc::DayQuery> day_queries;  // Snapshot::day_plans' days, the latest last
    // Snapshot::open_now, decided once a minute (the zone's rules are not free) and again
    // when the hours change; -1: to decide.
    mutable long long open_minute = -1;
    mutable bool open_now = false;
    std::optional<core::Date> pruned_day;

    void index_machines(const std::vector<alloc::Machine>& ms) {
        for (const auto& m : ms) {
            std::erase_if(machine_by_name, [&](const auto& kv) { return kv.second == m.id; });
            machine_by_name[lower(m.name)] = m.id;
        }
    }
    static std::string lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }

    // A write failed: nothing changed in memory; hosts see the problem on the kiosk. The
    // shared database out of reach is no fault of this station's: the command says so
    // ("Network unavailable…") and the kiosk's banner, not an alarm.
    Result failed(core::Problem p) {
        p.kind = core::Problem::Kind::storage;
        if (!store || !store->link_down()) storage_problem = p;
        return std::unexpected(std::move(p));
    }
    const Store* store = nullptr;

    // A kiosk action needs a host or an admin; the command line (no actor) is trusted.
    std::optional<core::Problem> require_host(std::optional<core::MemberId> actor, const char* msgid) const {
        if (!actor) return std::nullopt;
        const auto* m = directory->find(*actor);
        if (!m || !core::can_host(m->role)) return problem(msgid);
        return std::nullopt;
    }

    // Giving or taking away the host or admin role is an admin's: a host runs the day
    // (members, volunteers) but does not make hosts.
    std::optional<core::Problem> require_admin_for_role(std::optional<core::MemberId> actor, std::optional<core::Role> before,
                                                        core::Role after) const {
        if (!actor) return std::nullopt;
        const bool powerful = core::can_host(after) || (before && core::can_host(*before));
        // An admin's own record (e-mail, end of membership) is an admin's to change too.
        const bool admin_record = before && *before == core::Role::admin;
        if (!powerful || (before && *before == after && !admin_record)) return std::nullopt;
        const auto* m = directory->find(*actor);
        if (m && m->role == core::Role::admin) return std::nullopt;
        return problem("Refused: only an admin can change an admin, or give or take away the host or admin role; {0} is not one (missing right: admin)",
                       {m ? m->display_name : std::to_string(*actor)});
    }

    // An active badge belongs to one member at a time.
    std::optional<core::Problem> badge_taken(const std::string& uid) const {
        auto it = directory->badges.find(uid);
        if (it == directory->badges.end() || it->second.status != core::BadgeStatus::active) return std::nullopt;
        const auto* owner = directory->find(it->second.member_id);
        return problem("Badge {0} is already enrolled to {1}", {uid, owner ? owner->display_name : "?"});
    }

    // The badge being enrolled has found its member: the enrolment is over.
    void enrolment_done(const std::string& uid) {
        if (enrolment && enrolment->uid == uid) {
            enrolment.reset();
            deadlines.cancel("enrolment");
        }
    }

    // Copy-on-write: snapshots keep the old directory alive while we build a new one.
    Directory& edit_directory() {
        auto fresh = std::make_shared<Directory>(*directory);
        Directory& ref = *fresh;
        directory = std::move(fresh);
        return ref;
    }
};


// [SECTION] Life cycle
namespace {

// The offsets of `zone` from `from` to `to` (Snapshot::offsets): sampled every 6 hours (two
// changes are months apart), each change then found to the second by bisection.
std::vector<OffsetChange> offset_changes(const alloc::Zone& zone, core::Timestamp from, core::Timestamp to) {
    using std::chrono::duration_cast;
    using std::chrono::minutes;
    std::vector<OffsetChange> out{{from, duration_cast<minutes>(zone.offset(from))}};
    for (core::Timestamp a = from; a < to;) {
        core::Timestamp b = std::min(a + std::chrono::hours{6}, to);
        const auto off_a = zone.offset(a), off_b = zone.offset(b);
        if (off_a != off_b) {
            core::Timestamp lo = a, hi = b;  // offset(lo) == off_a, offset(hi) != off_a
            while (hi - lo > std::chrono::seconds{1}) {
                const core::Timestamp mid = lo + (hi - lo) / 2;
                (zone.offset(mid) == off_a ? lo : hi) = mid;
            }
            out.push_back({hi, duration_cast<minutes>(zone.offset(hi))});
            b = hi;
        }
        a = b;
    }
    return out;
}
alloc::MemberInfo command_line_admin() { return alloc::MemberInfo{kCommandLine, core::Role::admin, std::nullopt}; }
}  // namespace

// Builds the allocation engine from the store and, with `resume`, resumes it: the sessions
// that were running when the station stopped (closing those whose end passed meanwhile) and
// the deadlines that fell due, the queue's offers among them. At start the resume waits for
// the skills' gates (resume_engine, after load_skills): an offer needs to know who may use
// the machine.
std::expected<void, Problem> Station::build_engine(bool resume) {
    State& st = *m_state;
    const auto now = m_clock.now();
    auto state = m_store.load_alloc(now);
    if (!state) return std::unexpected(state.error());
    state->members.push_back(command_line_admin());
    st.machine_by_name.clear();
    st.index_machines(state->machines);
    if (m_control) m_control->machines_changed(state->machines);
    st.engine = std::make_unique<alloc::Engine>(std::move(*state), m_calendar.zone(), now);
    apply_skill_gates();  // station_skills.cpp: who may use each machine (none before load_skills)
    return resume ? resume_engine() : std::expected<void, Problem>{};
}

std::expected<void, Problem> Station::resume_engine() {
    const auto now = m_clock.now();
    auto resumed = m_state->engine->resume(now);
    if (auto r = m_store.commit_alloc(resumed, std::nullopt, now); !r) return std::unexpected(r.error());
    act(resumed.actions);
    return {};
}

alloc::Engine* Station::engine() { return m_state->engine.get(); }
const Directory& Station::directory() const { return *m_state->directory; }
const core::Presence* Station::open_presence(core::MemberId member) const {
    auto it = m_state->open.find(member);
    return it == m_state->open.end() ? nullptr : &it->second;
}

void Station::act(const std::vector<alloc::Action>& actions) {
    for (const auto& a : actions) {
        if (a.kind == alloc::Action::Kind::power_on || a.kind == alloc::Action::Kind::renew_lease ||
            a.kind == alloc::Action::Kind::handover)
            m_state->power[a.machine] = true;
        else if (a.kind == alloc::Action::Kind::power_off)
            m_state->power[a.machine] = false;
        if (m_control) m_control->apply(a);
    }
}

Station::Station(Store& store, const Clock& clock, const Calendar& calendar, Options opts)
    : m_store(store), m_clock(clock), m_calendar(calendar), m_opts(opts), m_state(std::make_unique<State>()) {
    m_state->store = &m_store;
    m_snapshot = std::make_shared<Snapshot>();
    // Every registered feature, in the order of features.hpp.
    for_each_type(Features{}, [this]<class F, std::size_t>() { m_features.push_back(F::make(*this, *this)); });
}

Result Station::failed(Problem p) { return m_state->failed(std::move(p)); }

void Station::member_changed(const core::Member& m) { m_state->edit_directory().members[m.id] = m; }

Station::~Station() { stop(); }

// Everything the station keeps in memory, read from the store: at start, again after a
// transaction that failed once its commands had changed the memory (an action rolled back
// with its audit row), and when another station changed the database (Resync: nothing is
// resumed then, the sessions another station runs are its own). The taps this station
// journaled while the database was out of reach are replayed first.
std::expected<void, Problem> Station::load_all(bool resume) {
    // A replay that fails for another reason than the link (the journal's file unreadable)
    // leaves its taps for later and says so to hosts: the station still starts.
    if (auto replay = m_store.replay_journal(m_clock.now()); !replay) {
        if (m_store.link_down()) return std::unexpected(replay.error());
        m_state->storage_problem = replay.error();
    } else {
        m_state->journal_pending = false;
        if (replay->replayed + replay->already > 0)
            std::fprintf(stderr, "etabli: the badge taps noted while the database was out of reach are in it: %zu written, %zu found already there\n",
                         replay->replayed, replay->already);
    }
    auto data = m_store.load();
    if (!data) return std::unexpected(data.error());
    auto dir = std::make_shared<Directory>();
    for (auto& m : data->members) dir->members.emplace(m.id, std::move(m));
    for (auto& b : data->badges) dir->badges.emplace(b.uid, std::move(b));
    m_state->directory = std::move(dir);
    m_state->open.clear();
    for (auto& p : data->open_presence) m_state->open[p.member_id] = p;
    if (auto r = build_engine(false); !r) return std::unexpected(r.error());
    if (auto r = load_pin_states(); !r) return std::unexpected(r.error());
    for (auto& f : m_features)  // after the members and the engine, in registration order
        if (auto r = f->load(); !r) return std::unexpected(r.error());
    if (!resume) return {};
    return resume_engine();  // with the skills' gates in place
}

std::expected<void, Problem> Station::start() {
    assert(!m_thread.joinable() && "Station::start called twice");
    if (auto r = load_all(); !r) return r;
    housekeeping();
    publish();
    {
        std::lock_guard lk(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this] {
        // An exception escaping the loop (housekeeping, publishing) is logged and the
        // loop starts again; one escaping a command is that command's failure (see run()).
        for (;;) {
            try {
                run();
                return;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "etabli: error: the station thread failed, restarting its loop: %s\n", e.what());
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
    });
    return {};
}

void Station::stop() {
    {
        std::lock_guard lk(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void Station::run() {
    // A turn that throws is logged and does not count in loops(): a station that keeps
    // failing stops feeding the watchdog and is restarted. Every command's caller gets a reply.
    auto guarded = [](const char* what, auto&& f) {
        try {
            f();
            return true;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "etabli: error: the station failed in %s: %s\n", what, e.what());
            return false;
        }
    };
    for (;;) {
        std::optional<Item> item;
        {
            std::unique_lock lk(m_mutex);
            auto wait = duration_cast<milliseconds>(seconds{1});
            auto next = m_state->deadlines.next();
            if (auto e = m_state->engine ? m_state->engine->next_deadline() : std::nullopt; e && (!next || *e < *next))
                next = e;
            if (next) {
                const auto until = duration_cast<milliseconds>(*next - m_clock.now());
                wait = std::clamp(until, milliseconds{0}, wait);
            }
            m_cv.wait_for(lk, wait, [this] { return m_stopping || !m_inbox.empty() || m_nudged; });
            m_nudged = false;
            if (!m_inbox.empty()) {
                item = std::move(m_inbox.front());
                m_inbox.pop_front();
            } else if (m_stopping) {
                return;
            }
        }
        bool changed = false;
        bool ok = guarded("its housekeeping", [&] { changed = housekeeping(); });
        if (item) {
            Result r = std::unexpected(problem("The station is not running"));
            try {
                r = handle_checked(item->command, item->origin);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "etabli: error: a command failed in the station: %s\n", e.what());
                r = std::unexpected(core::storage_problem("The station failed on this request: {0}", {e.what()}));
            }
            if (item->request_id != 0) m_state->last_reply = reply_of(item->request_id, r);
            // Publish first: whoever waits on the promise then sees the new snapshot.
            ok = guarded("publishing", [&] { publish(); }) && ok;
            if (item->promise) item->promise->set_value(std::move(r));
        } else if (changed) {
            ok = guarded("publishing", [&] { publish(); }) && ok;
        }
        if (ok) m_loops.fetch_add(1, std::memory_order_relaxed);  // the watchdog's sign of life
    }
}

// [SECTION] Inbox
namespace {
thread_local Origin t_origin = Origin::local;
}
OriginScope::OriginScope(Origin o) : m_previous(t_origin) { t_origin = o; }
OriginScope::~OriginScope() { t_origin = m_previous; }
Origin OriginScope::current() { return t_origin; }

std::future<Result> Station::post(Command c, std::optional<Origin> given) {
    const Origin origin = given.value_or(OriginScope::current());
    std::promise<Result> p;
    auto f = p.get_future();
    {
        std::lock_guard lk(m_mutex);
        if (!m_thread.joinable() || m_stopping) {
            p.set_value(std::unexpected(problem("The station is not running")));
            return f;
        }
        m_inbox.push_back(Item{std::move(c), std::move(p), 0, origin});
    }
    m_cv.notify_one();
    return f;
}

void Station::post_async(Command c, std::uint64_t request_id, std::optional<Origin> given) {
    const Origin origin = given.value_or(OriginScope::current());
    {
        std::lock_guard lk(m_mutex);
        if (!m_thread.joinable() || m_stopping) return;
        m_inbox.push_back(Item{std::move(c), std::nullopt, request_id, origin});
    }
    m_cv.notify_one();
}

Result Station::call(Command c, std::optional<Origin> origin) { return post(std::move(c), origin).get(); }

// [SECTION] Rights and the audit trail
namespace {
// The ids a command touches, for the audit trail (ids only: an erased member's name must not
// stay in an append-only table).
std::string audit_detail(const Command& c, const Result& r) {
    std::string out;
    std::set<std::string> seen;
    auto add = [&](std::string_view key, std::int64_t v, bool id = true) {
        if (id && v == 0) return;  // an entity not numbered yet: the result names it
        std::string item = std::string(key) + "=" + std::to_string(v);
        if (!seen.insert(item).second) return;
        if (!out.empty()) out += ' ';
        out += item;
    };
    std::visit(
        [&](const auto& cmd) {
            if constexpr (requires { cmd.member + 0; }) add("member", cmd.member);
            if constexpr (requires { cmd.machine + 0; }) add("machine", cmd.machine);
            if constexpr (requires { cmd.machine.id + 0; }) add("machine", cmd.machine.id);
            if constexpr (requires { cmd.tool + 0; }) add("tool", cmd.tool);
            if constexpr (requires { cmd.tool.id + 0; }) add("tool", cmd.tool.id);
            if constexpr (requires { cmd.booking + 0; }) add("booking", cmd.booking);
            if constexpr (requires { cmd.training + 0; }) add("training", cmd.training);
            if constexpr (requires { cmd.training.id + 0; }) add("training", cmd.training.id);
            if constexpr (requires { cmd.skill + 0; }) add("skill", cmd.skill);
            if constexpr (requires { cmd.skill.id + 0; }) add("skill", cmd.skill.id);
            if constexpr (requires { cmd.presence + 0; }) add("presence", cmd.presence);
            if constexpr (requires { cmd.card + 0; }) add("card", cmd.card);
            if constexpr (requires { cmd.bike + 0; }) add("bike", cmd.bike);
            if constexpr (requires { cmd.bike.id + 0; }) add("bike", cmd.bike.id);
            if constexpr (requires { cmd.plan + 0; }) add("plan", cmd.plan);
            if constexpr (requires { cmd.plan.id + 0; }) add("plan", cmd.plan.id);
            if constexpr (requires { cmd.receipt + 0; }) add("receipt", cmd.receipt);
            if constexpr (requires { cmd.level + 0; }) add("level", cmd.level, false);
            if constexpr (requires { cmd.draft.role; }) {
                out += out.empty() ? "" : " ";
                out += "role=" + std::string(core::to_string(cmd.draft.role));
            }
            if constexpr (requires { cmd.rows.size(); }) add("rows", static_cast<std::int64_t>(cmd.rows.size()), false);
        },
        c);
    if (r)
        std::visit(
            [&](const auto& v) {
                using V = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<V, core::Member>) add("member", v.id);
                else if constexpr (std::is_same_v<V, alloc::Machine>) add("machine", v.id);
                else if constexpr (std::is_same_v<V, core::Tool>) add("tool", v.id);
                else if constexpr (std::is_same_v<V, core::Training>) add("training", v.id);
                else if constexpr (std::is_same_v<V, core::Skill>) add("skill", v.id);
                else if constexpr (std::is_same_v<V, core::SkillGrant>) add("grant", v.id);
                else if constexpr (std::is_same_v<V, PurgeSummary>) {
                    out += std::string(out.empty() ? "" : " ") + (v.dry_run ? "dry_run=1" : "dry_run=0");
                    add("presences", v.presences, false);
                    add("daily_rows", v.daily_rows, false);
                    add("erased", static_cast<std::int64_t>(v.erased.size()), false);
                }
            },
            *r);
    return out;
}

// Hosts' and admins' actions, and whatever changes rights (a training's grants are signed by
// its trainer, a member).
bool audited(const Right& r) {
    return r.need == Need::trainer || r.need == Need::host || r.need == Need::admin || r.action == "training.grant" ||
           r.action.starts_with("pin.") || r.action == "host.session_open";  // every PIN tried or changed, every lockout
}
}  // namespace

// The rights table first; a host's or admin's action commits with its audit row, and a
// refused attempt at one is written on its own.
Result Station::handle_checked(const Command& c, Origin origin) {
    const Right right = right_of(c);
    auto entry = [&](std::string outcome, std::string detail) {
        AuditEntry e;
        e.at = m_clock.now();
        e.actor = acting_member(c, origin);
        if (e.actor && *e.actor == kCommandLine) e.actor.reset();
        e.principal = principal_name(c, origin);
        e.origin = origin == Origin::local ? "local" : origin == Origin::kiosk ? "kiosk" : "reader";
        e.action = std::string(right.action);
        e.outcome = std::move(outcome);
        e.detail = std::move(detail);
        return e;
    };
    if (auto refused = check_right(c, origin)) {
        if (audited(right) || right.need == Need::device) {
            // Ids and the right that was missing: never a name (an erased member stays erased).
            std::string detail = audit_detail(c, Result(Done{}));
            const bool write = refused->msgid.find("(missing right: write)") != std::string::npos;
            const bool pin = refused->msgid.find("(missing right: pin)") != std::string::npos;  // no host session
            detail += std::string(detail.empty() ? "" : " ") + "missing=" + std::string(write ? "write" : pin ? "pin" : to_string(right.need));
            if (auto a = m_store.append_audit(entry("refused", std::move(detail))); !a)
                std::fprintf(stderr, "etabli: error: the audit trail could not record a refusal: %s\n", a.error().english().c_str());
        }
        return std::unexpected(std::move(*refused));
    }
    // A host or admin at the kiosk without a host session acts as the volunteer they also
    // are: every handler's "a host may…" and the engine's host exemptions see that role, so no
    // power is reachable with the badge alone, whatever the command.
    struct Unprivileged {
        State& st;
        core::MemberId id;
        core::Role role;
        std::shared_ptr<const Directory> installed;
        Unprivileged(State& s, const core::Member& m) : st(s), id(m.id), role(m.role) {
            auto dir = std::make_shared<Directory>(*st.directory);
            dir->members.at(id).role = core::Role::volunteer;
            installed = dir;
            st.directory = dir;
            if (st.engine) st.engine->upsert_member(alloc::MemberInfo::of(dir->members.at(id)));
        }
        ~Unprivileged() {
            // The command may have put a new directory in place (a language changed): the
            // role comes back in whichever is there.
            auto dir = std::make_shared<Directory>(*st.directory);
            if (auto it = dir->members.find(id); it != dir->members.end()) {
                it->second.role = role;
                if (st.engine) st.engine->upsert_member(alloc::MemberInfo::of(it->second));
            }
            st.directory = std::move(dir);
        }
        Unprivileged(const Unprivileged&) = delete;
        Unprivileged& operator=(const Unprivileged&) = delete;
    };
    std::optional<Unprivileged> plain;
    if (origin == Origin::kiosk)
        if (const auto a = acting_member(c, origin); a && *a != kCommandLine)
            if (const auto* m = m_state->directory->find(*a); m && core::can_host(m->role) && host_session_refusal(c, Right{Need::host, true, {}}, *a))
                plain.emplace(*m_state, *m);
    // A host at the kiosk who acted is still there: their host session goes on.
    // Refused as a plain volunteer for a host's reason ("Only a host can…", a trainer's row a
    // host may do for any skill): the host is asked for their PIN, then does it again.
    const auto used = [&](Result r) {
        if (r && origin == Origin::kiosk)
            if (const auto a = acting_member(c, origin); a && *a != kCommandLine) host_session_used(*a);
        const auto powers_row = right.need == Need::volunteer || right.need == Need::trainer;  // a trainer's row: a host signs any skill
        if (!r && plain && r.error().kind != core::Problem::Kind::storage &&
            (powers_row || r.error().msgid.find("host") != std::string::npos) && r.error().msgid.find("PIN") == std::string::npos &&
            r.error().msgid.find("(missing right:") == std::string::npos)
            return Result(std::unexpected(problem(has_pin(plain->id) ? kPinNeeded : kPinToChoose)));
        return r;
    };
    // A machine's start with its member's PIN: every try is audited, a lockout too.
    const auto* access = std::get_if<MachineAccess>(&c);
    if (!audited(right) && !(access && access->pin)) return used(handle(c));
    Result out = std::unexpected(problem("The station is not running"));
    // The action and its audit row are rolled back together; the memory, which the action
    // changed, is then read again from the file (and an enrolment it armed is disarmed).
    auto reload = [&] {
        if (auto again = load_all(); !again) m_state->storage_problem = again.error();
        if (std::holds_alternative<StartEnrolment>(c)) m_state->enrolment.reset();
    };
    std::expected<void, Problem> tx;
    try {
        tx = m_store.atomically([&]() -> std::expected<void, Problem> {
            out = handle(c);
            if (out) return m_store.append_audit(entry("done", audit_detail(c, out)));
            if (out.error().kind == core::Problem::Kind::storage) return {};
            // Refused by the handler (a host making a host, a trainer of another skill…): the
            // attempt is recorded, with what was refused (the message's text, without its names).
            std::string detail = audit_detail(c, Result(Done{}));
            detail += std::string(detail.empty() ? "" : " ") + "why=\"" + out.error().msgid + "\"";
            const bool lockout = out.error().msgid == kPinLockedNow;  // the fifth wrong PIN
            return m_store.append_audit(entry(lockout ? "lockout" : "refused", std::move(detail)));
        });
    } catch (...) {
        reload();
        throw;
    }
    if (!tx) {
        reload();
        return failed(tx.error());
    }
    // An erasure leaves nothing behind in the file's free pages or its WAL.
    const auto* purge = out ? std::get_if<PurgeSummary>(&*out) : nullptr;
    if (out && (std::holds_alternative<EraseMember>(c) || (purge && !purge->dry_run && (!purge->erased.empty() || purge->presences > 0))))
        if (auto s = m_store.scrub(); !s) std::fprintf(stderr, "etabli: warning: after an erasure, the file could not be compacted: %s\n", s.error().english().c_str());
    return used(std::move(out));
}

std::string Station::principal_name(const Command& c, Origin origin) const {
    if (origin == Origin::reader) return "unix_reader";
    const auto actor = acting_member(c, origin);
    if (!actor || *actor == kCommandLine) return origin == Origin::local ? "command_line" : "nobody";
    const auto* m = m_state->directory->find(*actor);
    return m ? std::string(core::to_string(m->role)) : "unknown";
}

// [SECTION] Rights: the table in rights.hpp, before any handler
std::optional<Problem> Station::check_right(const Command& c, Origin origin) const {
    const Right right = right_of(c);
    const auto actor = acting_member(c, origin);
    Principal who = origin == Origin::reader ? Principal::unix_reader : origin == Origin::kiosk ? Principal::nobody : Principal::command_line;
    std::string name;
    if (actor && origin != Origin::reader) {
        if (*actor == kCommandLine) {
            // The allocation's own id for the command line; from a kiosk, nobody.
        } else {
            const auto* m = m_state->directory->find(*actor);
            if (!m) return problem("No member has the number {0}", {std::to_string(*actor)});
            name = m->display_name;
            switch (m->role) {
            case core::Role::member: who = Principal::member; break;
            case core::Role::volunteer: who = Principal::volunteer; break;
            case core::Role::host: who = Principal::host; break;
            case core::Role::admin: who = Principal::admin; break;
            }
            if ((who == Principal::member || who == Principal::volunteer) && (right.need == Need::trainer || right.need == Need::volunteer) && is_trainer(*actor))
                who = Principal::trainer;
        }
    }
    if (!allows(right.need, right.writes, who)) return refusal(right.need, right.writes, who, name);
    // A host's badge alone is not enough at the kiosk: a badge is copied in seconds.
    if (origin == Origin::kiosk && (who == Principal::host || who == Principal::admin)) {
        if (auto prompt = host_session_refusal(c, right, *actor)) return prompt;
        // Without a host session, the host is a volunteer (or the trainer they are) here.
        const Principal plain = is_trainer(*actor) ? Principal::trainer : Principal::volunteer;
        if (!allows(right.need, right.writes, plain))
            if (auto prompt = host_session_refusal(c, Right{Need::host, right.writes, right.action}, *actor)) return prompt;
    }
    return std::nullopt;
}

std::shared_ptr<const Snapshot> Station::snapshot() const {
    std::lock_guard lk(m_mutex);
    return m_snapshot;
}

void Station::set_wake(std::function<void()> wake) {
    std::lock_guard lk(m_mutex);
    m_wake = std::move(wake);
}

void Station::nudge() {
    {
        std::lock_guard lk(m_mutex);
        m_nudged = true;
    }
    m_cv.notify_one();
}

void Station::add_watcher(std::function<void()> watcher) {
    std::lock_guard lk(m_mutex);
    m_watchers.push_back(std::move(watcher));
}

// [SECTION] Commands
Result Station::handle(const Command& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    // A failure sets it again; the clock and the device reports are not commands that write.
    if (!std::holds_alternative<Tick>(c) && !std::holds_alternative<DevicesChanged>(c) && !std::holds_alternative<NoteBackups>(c) &&
        !std::holds_alternative<Resync>(c))
        st.storage_problem.reset();
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, AddMachine> || std::is_same_v<T, EditMachine> || std::is_same_v<T, SetMachineStatus> ||
                          std::is_same_v<T, Authorise> || std::is_same_v<T, SetHours> || std::is_same_v<T, Book> ||
                          std::is_same_v<T, CancelBooking> || std::is_same_v<T, FindSlots> || std::is_same_v<T, PlanDay> || std::is_same_v<T, ListBookings> ||
                          std::is_same_v<T, JoinQueue> || std::is_same_v<T, LeaveQueue> ||
                          std::is_same_v<T, EndSession> || std::is_same_v<T, MachineAccess> ||
                          std::is_same_v<T, OfferHandover> || std::is_same_v<T, CheckMachine>) {
                return handle_alloc(c);
            } else if constexpr (std::is_same_v<T, OpenHostSession> || std::is_same_v<T, TouchHostSession> ||
                                 std::is_same_v<T, EndHostSession> || std::is_same_v<T, SetPin> || std::is_same_v<T, ResetPin> ||
                                 std::is_same_v<T, ShowMemberData> || std::is_same_v<T, ShowAudit>) {
                return handle_pins(c);  // station_pins.cpp
            } else if constexpr (kFeatureOf<T> >= 0) {
                // A feature's command goes to that feature (features.hpp).
                auto r = m_features[static_cast<std::size_t>(kFeatureOf<T>)]->handle(c);
                if (!r && r.error().kind == core::Problem::Kind::storage) return st.failed(r.error());
                return r;
            } else if constexpr (std::is_same_v<T, BadgeSeen>) {
                // Where the badge was read is typed data, resolved with the configuration:
                // a machine's reader reaches its machine by id, the kiosk's readers check in,
                // and a reader bound to nothing (a machine renamed or removed) checks nobody in.
                const auto no_machine = [&] {
                    return std::unexpected(problem("The reader \"{0}\" is bound to no machine: check the reader's role in etabli.toml",
                                                   {cmd.reader.name()}));
                };
                switch (cmd.reader.kind()) {
                case ReaderRef::Kind::machine:
                    if (!st.engine || !st.engine->machine(cmd.reader.machine())) return no_machine();
                    return handle_machine_tap(cmd.reader.machine(), cmd.uid);
                case ReaderRef::Kind::unbound: return no_machine();
                case ReaderRef::Kind::kiosk: break;
                }
                return handle_tap(cmd);
            } else if constexpr (std::is_same_v<T, AddMember>) {
                return handle_add_member(cmd);
            } else if constexpr (std::is_same_v<T, AddBadge>) {
                return handle_add_badge(cmd);
            } else if constexpr (std::is_same_v<T, RevokeBadge>) {
                auto uid = core::normalize_uid(cmd.uid);
                if (!uid) return std::unexpected(uid.error());
                if (!st.directory->badges.contains(*uid))
                    return std::unexpected(problem("No badge {0} is enrolled", {*uid}));
                // A host does not lock an admin out.
                if (const auto* owner = st.directory->find(st.directory->badges.at(*uid).member_id); owner && owner->role == core::Role::admin)
                    if (auto p = st.require_admin_for_role(cmd.actor, core::Role::admin, core::Role::admin)) return std::unexpected(*p);
                auto b = m_store.set_badge_status(*uid, cmd.status, cmd.actor, now);
                if (!b) return st.failed(b.error());
                st.edit_directory().badges[b->uid] = *b;
                return *b;
            } else if constexpr (std::is_same_v<T, EditMember>) {
                if (!st.directory->find(cmd.member))
                    return std::unexpected(problem("No member has the number {0}", {std::to_string(cmd.member)}));
                if (auto p = st.require_host(cmd.actor, "Only a host can change a member")) return std::unexpected(*p);
                if (auto p = st.require_admin_for_role(cmd.actor, st.directory->find(cmd.member)->role, cmd.draft.role))
                    return std::unexpected(*p);
                auto draft = core::validate_draft(cmd.draft);  // the cleaned name and e-mail are stored
                if (!draft) return std::unexpected(draft.error());
                if (draft->email)
                    for (const auto& [id, other] : st.directory->members)
                        if (id != cmd.member && other.email == draft->email)
                            return std::unexpected(problem("The e-mail {0} is already used by {1}", {*draft->email, other.display_name}));
                auto m = m_store.update_member(cmd.member, *draft, cmd.actor, now);
                if (!m) return m.error().kind == core::Problem::Kind::storage ? st.failed(m.error()) : std::unexpected(m.error());
                st.edit_directory().members[m->id] = *m;
                if (st.engine) st.engine->upsert_member(alloc::MemberInfo::of(*m));
                if (st.last_tap && st.last_tap->member && st.last_tap->member->id == m->id) st.last_tap->member = *m;
                return *m;
            } else if constexpr (std::is_same_v<T, EraseMember>) {
                // The rows are rewritten in the store; every part of the memory that
                // held the member's name or badges is read again from the file.
                if (auto r = m_store.erase_member(cmd.member, cmd.actor, now); !r)
                    return r.error().kind == core::Problem::Kind::storage ? st.failed(r.error()) : std::unexpected(r.error());
                if (auto again = load_all(); !again) return st.failed(again.error());
                if (st.last_tap && st.last_tap->member && st.last_tap->member->id == cmd.member) st.last_tap.reset();
                return *st.directory->find(cmd.member);
            } else if constexpr (std::is_same_v<T, PurgePersonalData>) {
                return purge_personal_data(cmd);
            } else if constexpr (std::is_same_v<T, SetMemberLang>) {
                if (!st.directory->find(cmd.member)) return std::unexpected(problem("No member has the number {0}", {std::to_string(cmd.member)}));
                auto m = m_store.set_member_lang(cmd.member, cmd.lang, now);
                if (!m) return st.failed(m.error());
                st.edit_directory().members[m->id] = *m;
                if (st.last_tap && st.last_tap->member && st.last_tap->member->id == m->id) st.last_tap->member = *m;
                return *m;
            } else if constexpr (std::is_same_v<T, StartEnrolment>) {
                const auto* host = st.directory->find(cmd.host);
                if (!host || !core::can_host(host->role))
                    return std::unexpected(problem("Only a host can enrol a badge"));
                Enrolment e;
                e.host = cmd.host;
                e.started = now;
                e.expires = now + m_opts.enrolment_timeout;
                st.enrolment = e;
                st.deadlines.schedule("enrolment", e.expires);
                return Done{};
            } else if constexpr (std::is_same_v<T, CancelEnrolment>) {
                st.enrolment.reset();
                st.deadlines.cancel("enrolment");
                return Done{};
            } else if constexpr (std::is_same_v<T, ImportMembers>) {
                auto summary = m_store.import_members(cmd.rows, now);
                if (!summary) return st.failed(summary.error());
                if (summary->added + summary->updated > 0) {
                    auto data = m_store.load();
                    if (!data) return st.failed(data.error());
                    Directory& d = st.edit_directory();
                    d.members.clear();
                    for (auto& m : data->members) {
                        if (st.engine) st.engine->upsert_member(alloc::MemberInfo::of(m));
                        d.members.emplace(m.id, std::move(m));
                    }
                }
                return *summary;
            } else if constexpr (std::is_same_v<T, NoteBackups>) {
                st.backups = cmd.report;
                return Done{};
            } else if constexpr (std::is_same_v<T, Resync>) {
                // Everything again from the database: the members and who is in, the engine
                // (bookings, sessions, queues), each feature's data. What a command of this
                // station holds in memory is the database's state once more.
                // Unlike a start, nothing is resumed: the sessions another station runs are its
                // own (this one only shows them).
                // The taps journaled meanwhile go to the database first (load_all).
                // Offline until the journal is in the database and everything loaded.
                if (!cmd.link_up) {
                    st.database_offline = true;
                    return Done{};
                }
                if (auto r = load_all(false); !r) {
                    st.database_offline = m_store.link_down();
                    return st.failed(r.error());
                }
                st.database_offline = false;
                st.engine_stale = false;
                return Done{};
            } else {
                static_assert(std::is_same_v<T, Tick>);
                return Done{};
            }
        },
        c);
}

Result Station::handle_tap(const BadgeSeen& c) {
    State& st = *m_state;
    // Several stations (PostgreSQL): the database refused this tap because another station
    // checked the member in or out meanwhile. Who is in as the database has it, then the tap
    // decided again, once: a member tapping to leave leaves.
    auto tap_again = [&](const BadgeSeen& again) -> Result {
        auto data = m_store.load();
        if (!data) return st.failed(data.error());
        st.open.clear();
        for (auto& p : data->open_presence) st.open[p.member_id] = p;
        struct Reset {
            bool& flag;
            ~Reset() { flag = false; }
        } reset{st.tap_again};
        st.tap_again = true;
        return handle_tap(again);
    };
    const auto now = m_clock.now();
    auto uid = core::normalize_uid(c.uid);
    if (!uid) return std::unexpected(uid.error());
    // Taps this station journaled while its own writes found the link down, and no word from
    // the change feed since (a blip shorter than the feed notices): into the database first,
    // with who is in as it then has it, before this tap is decided online. Still down: this
    // tap goes to the journal after them.
    bool link_still_down = false;
    if (st.journal_pending && !st.database_offline) {
        if (auto r = load_all(false); !r) link_still_down = true;
    }

    const auto* badge_it = [&]() -> const core::Badge* {
        auto it = st.directory->badges.find(*uid);
        return it == st.directory->badges.end() ? nullptr : &it->second;
    }();

    // One ordered chain of claimants: a badge being enrolled, then each feature in
    // registration order (a skills sign-off or supervisor, "J'aide", attendance), then the
    // member's check-in or check-out. The kiosk shows last_tap as decided here.
    auto claimed = [&](TapClaim claim, Result r) -> Result {
        TapView view;
        view.seq = ++st.tap_seq;
        view.uid = *uid;
        view.claim = claim;
        view.at = now;
        if (badge_it && badge_it->status == core::BadgeStatus::active)
            if (const auto* m = st.directory->find(badge_it->member_id)) view.member = *m;
        if (!r) view.refusal = r.error();
        st.last_tap = std::move(view);
        if (!r && r.error().kind == core::Problem::Kind::storage) return st.failed(r.error());
        return r;
    };
    if (st.enrolment && now < st.enrolment->expires) {
        st.enrolment->uid = *uid;
        st.enrolment->current_owner.reset();
        if (badge_it && badge_it->status == core::BadgeStatus::active) st.enrolment->current_owner = badge_it->member_id;
        return claimed(TapClaim::enrolment, Done{});
    }
    {
        KioskTap tap;
        tap.uid = *uid;
        tap.badge = badge_it;
        tap.member = badge_it && badge_it->status == core::BadgeStatus::active ? st.directory->find(badge_it->member_id) : nullptr;
        tap.at = now;
        for (auto& f : m_features)
            if (auto got = f->claim_tap(tap)) return claimed(got->claim, std::move(got->result));
    }

    const core::Member* member = badge_it ? st.directory->find(badge_it->member_id) : nullptr;
    const core::Presence* open = nullptr;
    if (member) {
        auto it = st.open.find(member->id);
        if (it != st.open.end()) open = &it->second;
    }
    const auto today = m_calendar.local_day(now);
    const auto day_start = m_calendar.day_start(today);
    const auto decision = core::decide_tap(badge_it, member, open, today, day_start);

    TapView view;
    view.uid = *uid;
    view.decision = decision;
    view.at = now;
    if (member) view.member = *member;

    // The shared database out of reach (the feed said so, or this very write found it): the
    // station decides alone from what it holds, and the tap goes to its journal, replayed
    // when the link is back. A presence opened so has a provisional id (below zero).
    // A presence the journal opened is closed in the journal too, after it.
    const bool journaled = (open && open->id < 0) || (decision.close_stale && *decision.close_stale < 0);
    auto offline = [&](const std::expected<core::Presence, Problem>& tried) {
        return st.database_offline || journaled || link_still_down ||
               (!tried && tried.error().kind == core::Problem::Kind::storage && m_store.link_down());
    };
    const std::expected<core::Presence, Problem> not_tried = std::unexpected(problem("The station is not running"));
    switch (decision.kind) {
        case core::TapKind::check_in: {
            core::Timestamp stale_close = now;
            if (open) stale_close = m_calendar.day_start(core::Date{sys_days{m_calendar.local_day(open->checked_in)} + days{1}});
            auto p = st.database_offline || journaled || link_still_down
                         ? not_tried
                         : m_store.check_in(member->id, *uid, decision.close_stale, stale_close, now);
            if (offline(p)) {
                p = m_store.journal_check_in(member->id, *uid, decision.close_stale, stale_close, now);
                if (!p) {  // the tap is lost: hosts must know
                    st.storage_problem = p.error();
                    return std::unexpected(p.error());
                }
                view.offline = st.journal_pending = true;
            }
            if (!p && p.error().kind != core::Problem::Kind::storage && !st.tap_again && !view.offline) return tap_again(c);
            if (!p) return st.failed(p.error());
            st.open[member->id] = *p;
            break;
        }
        case core::TapKind::check_out: {
            auto p = st.database_offline || journaled || link_still_down ? not_tried : m_store.check_out(open->id, *uid, now);
            if (offline(p)) {
                p = m_store.journal_check_out(*open, *uid, now);
                if (!p) {  // the tap is lost: hosts must know
                    st.storage_problem = p.error();
                    return std::unexpected(p.error());
                }
                view.offline = st.journal_pending = true;
            }
            if (!p && p.error().kind != core::Problem::Kind::storage && !st.tap_again && !view.offline) return tap_again(c);
            if (!p) return st.failed(p.error());
            st.open.erase(member->id);
            for (auto& f : m_features) f->checked_out(member->id);
            break;
        }
        default: {
            // The refusal stands even if logging it failed; the failure is shown to hosts
            // (not while the database is out of reach: the banner says so).
            if (!st.database_offline)
                if (auto r = m_store.log_refusal(*uid, decision.kind, now); !r) st.failed(r.error());
            break;
        }
    }
    // A badge at the kiosk starts someone's turn: no host session outlives it (nor the
    // host's own check-out), whoever opened it.
    if (decision.kind == core::TapKind::check_in || decision.kind == core::TapKind::check_out)
        if (const auto snap = snapshot())
            for (const auto id : snap->host_sessions) host_session_end(id);
    // Notes left by a host on this member's bookings (a cancellation, a move) are shown once.
    st.notices.clear();
    if (member && !core::is_refusal(decision.kind) && st.engine && !view.offline) {
        auto notes = st.engine->take_notices(member->id);
        if (!notes.empty()) {
            if (auto r = m_store.commit_alloc(notes, std::nullopt, now); !r) return st.failed(r.error());
            st.notices = notes.bookings;
        }
    }
    if (member && decision.kind == core::TapKind::check_in) view.overdue_tools = overdue_tools_of(member->id);
    view.seq = ++st.tap_seq;
    st.last_tap = view;
    return view;
}

Result Station::handle_add_member(const AddMember& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    if (auto p = st.require_host(c.actor, "Only a host can add a member")) return std::unexpected(*p);
    if (auto p = st.require_admin_for_role(c.actor, std::nullopt, c.draft.role)) return std::unexpected(*p);
    auto draft = core::validate_draft(c.draft);
    if (!draft) return std::unexpected(draft.error());
    if (draft->email) {
        for (const auto& [id, m] : st.directory->members)
            if (m.email == draft->email)
                return std::unexpected(problem("The e-mail {0} is already used by {1}", {*draft->email, m.display_name}));
    }
    std::optional<std::string> uid;
    if (c.badge_uid) {
        auto u = core::normalize_uid(*c.badge_uid);
        if (!u) return std::unexpected(u.error());
        // Checked before anything is written, so a taken badge leaves no member behind.
        if (auto p = st.badge_taken(*u)) return std::unexpected(*p);
        uid = *u;
    }
    // One use case, one transaction: a member added with a badge has both or neither.
    std::optional<core::Badge> badge;
    std::expected<core::Member, Problem> m = std::unexpected(Problem{});
    if (uid) {
        auto both = m_store.add_member_with_badge(*draft, *uid, c.actor, now);
        if (!both) return st.failed(both.error());
        m = both->member;
        badge = both->badge;
    } else {
        m = m_store.add_member(*draft, c.actor, now);
        if (!m) return st.failed(m.error());
    }
    Directory& d = st.edit_directory();
    d.members[m->id] = *m;
    if (st.engine) st.engine->upsert_member(alloc::MemberInfo::of(*m));
    if (badge) {
        d.badges[badge->uid] = *badge;
        st.enrolment_done(badge->uid);
    }
    return *m;
}

Result Station::handle_add_badge(const AddBadge& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    if (auto p = st.require_host(c.actor, "Only a host can enrol a badge")) return std::unexpected(*p);
    auto uid = core::normalize_uid(c.uid);
    if (!uid) return std::unexpected(uid.error());
    const auto* member = st.directory->find(c.member);
    if (!member) return std::unexpected(problem("No member has the number {0}", {std::to_string(c.member)}));
    auto it = st.directory->badges.find(*uid);
    if (it != st.directory->badges.end() && it->second.status == core::BadgeStatus::active &&
        it->second.member_id == c.member)
        return it->second;  // already done: idempotent
    if (auto p = st.badge_taken(*uid)) return std::unexpected(*p);
    auto b = m_store.add_badge(*uid, c.member, c.actor, now);
    if (!b) return st.failed(b.error());
    st.edit_directory().badges[b->uid] = *b;
    st.enrolment_done(b->uid);
    return *b;
}

// [SECTION] Allocation
// Every engine decision goes through commit(): the rows are written in one transaction
// before any action is carried out. Should the write fail, the engine (which already
// changed its memory) is rebuilt from the store, so memory never runs ahead of the disk.
bool Station::engine_tick(core::Timestamp now) {
    State& st = *m_state;
    if (!st.engine) return false;
    if (st.engine_stale) {
        if (auto r = build_engine(); !r) return false;
        st.engine_stale = false;
    }
    auto due = st.engine->next_deadline();
    if (!due || *due > now) return false;
    auto changes = st.engine->tick(now);
    (void)commit(std::move(changes), std::nullopt);
    return true;
}

Result Station::commit(std::expected<alloc::Changes, Problem> changes, std::optional<core::MemberId> actor) {
    State& st = *m_state;
    if (!changes) return std::unexpected(changes.error());
    const auto now = m_clock.now();
    if (st.engine_stale) {  // decided on an engine ahead of the store: not kept
        if (auto rebuilt = build_engine(); !rebuilt) return st.failed(rebuilt.error());
        st.engine_stale = false;
        return st.failed(problem("The station has just loaded its bookings again: try again"));
    }
    if (auto r = m_store.commit_alloc(*changes, actor, now); !r) {
        // A refusal of the shared database (another station's booking, a quota used
        // meanwhile) is the member's answer, not an alarm; a failure to write is both.
        Result failure = r.error().kind == core::Problem::Kind::storage ? st.failed(r.error()) : Result(std::unexpected(r.error()));
        if (auto rebuilt = build_engine(); !rebuilt) {
            if (!m_store.link_down()) st.storage_problem = rebuilt.error();  // else the kiosk's banner says it
            st.engine_stale = true;
        }
        return failure;
    }
    st.index_machines(changes->machines);
    if (m_control && !changes->machines.empty()) m_control->machines_changed(changes->machines);
    for (auto& f : m_features) f->after_alloc(*changes);  // skills: a session's end resets the lapse
    act(changes->actions);
    return Done{};
}

// [ReaderRef]
ReaderRef::ReaderRef(std::string name) {
    if (name.empty() || name == "kiosk" || name == "keyboard" || name == "cli" || name == "demo") {
        m_name = name.empty() ? "kiosk" : std::move(name);
        return;
    }
    if (name.starts_with("machine:")) {
        const std::string id = name.substr(8);
        if (!id.empty() && id.size() <= 18 && id.find_first_not_of("0123456789") == std::string::npos) {
            m_kind = Kind::machine;
            m_machine = std::strtoll(id.c_str(), nullptr, 10);
            m_name = std::move(name);
            return;
        }
    }
    m_kind = Kind::unbound;
    m_name = std::move(name);
}

ReaderRef ReaderRef::at_machine(alloc::MachineId id, std::string name) {
    ReaderRef r;
    r.m_kind = Kind::machine;
    r.m_machine = id;
    r.m_name = name.empty() ? "machine:" + std::to_string(id) : std::move(name);
    return r;
}

ReaderRef ReaderRef::unbound(std::string name) {
    ReaderRef r;
    r.m_kind = Kind::unbound;
    r.m_name = std::move(name);
    return r;
}

std::optional<ReaderRef> ReaderRef::restore(Kind kind, alloc::MachineId machine, std::string name) {
    if (kind == Kind::kiosk) return ReaderRef(name == "kiosk" || name == "keyboard" || name == "cli" || name == "demo" ? name : "kiosk");
    if (kind == Kind::machine) return at_machine(machine, std::move(name));
    if (kind == Kind::unbound) return unbound(std::move(name));
    return std::nullopt;
}

std::string ReaderRef::to_string() const {
    if (m_kind == Kind::machine) return "machine:" + std::to_string(m_machine);
    return m_name;
}

Result Station::handle_machine_tap(alloc::MachineId machine, const std::string& raw_uid) {
    State& st = *m_state;
    const auto now = m_clock.now();
    auto uid = core::normalize_uid(raw_uid);
    if (!uid) return std::unexpected(uid.error());
    engine_tick(now);
    AccessView view;
    view.machine = machine;
    auto it = st.directory->badges.find(*uid);
    const core::Member* member = it == st.directory->badges.end() ? nullptr : st.directory->find(it->second.member_id);
    if (!member) {
        view.refusal = problem("Unknown badge: ask a host to enrol it");
    } else if (it->second.status != core::BadgeStatus::active) {
        view.member = member->id;
        view.refusal = core::describe(core::decide_tap(&it->second, member, nullptr, m_calendar.local_day(now),
                                                       m_calendar.day_start(m_calendar.local_day(now))),
                                      member->display_name);
    } else {
        return machine_access(machine, *member, *uid);
    }
    if (auto r = m_store.log_refusal(*uid, core::TapKind::unknown_badge, now); !r) st.storage_problem = r.error();
    view.seq = ++st.access_seq;
    st.last_access = view;
    return view;
}

Result Station::machine_access(alloc::MachineId machine, const core::Member& member,
                               std::optional<std::string> reader_uid, bool pin_checked) {
    State& st = *m_state;
    const auto now = m_clock.now();
    engine_tick(now);
    AccessView view;
    view.machine = machine;
    view.member = member.id;
    const bool had_session = [&] {
        const auto* s = st.engine->session_on(machine);
        return s && s->member == member.id;
    }();
    // A machine that waits for its check after use: at its reader, the badge of a member at
    // the machine's level confirms it (done and fine; a problem is told at the kiosk). Anyone
    // else is told who may. At the kiosk, the check has its own buttons (CheckMachine).
    if (const auto* mc = st.engine->machine(machine); mc && mc->awaiting_check && !st.engine->session_on(machine)) {
        if (auto no = check_refusal(*mc, member); no || !reader_uid) {
            view.refusal = no ? *no : problem("{0} waits for its check after use", {mc->name});
        } else {
            auto checked = st.engine->machine_checked(machine, true, std::nullopt, now);
            if (!checked) {
                view.refusal = checked.error();
            } else {
                if (auto r = commit(std::move(*checked), member.id); !r) return std::unexpected(r.error());
                view.checked = true;
            }
        }
        view.seq = ++st.access_seq;
        st.last_access = view;
        return view;
    }
    // A machine that requires its member's PIN: a badge alone at its reader starts
    // nothing, not even a use to supervise (a supervisor confirms, at the kiosk, a use asked
    // there with the PIN).
    if (const auto* mc = st.engine->machine(machine); mc && mc->rules.pin_required && reader_uid && !had_session && !pin_checked) {
        view.refusal = problem("{0} needs your PIN: start it at the kiosk", {mc->name});
        view.seq = ++st.access_seq;
        st.last_access = view;
        return view;
    }
    // station_skills.cpp: a supervisor confirming a pending use, or a refusal naming the skill.
    const auto gate = skills_gate(machine, member.id, had_session, reader_uid.has_value());
    if (gate.refusal) {
        view.refusal = *gate.refusal;
        view.seq = ++st.access_seq;
        st.last_access = view;
        return view;
    }
    if (gate.supervised) view.member = *gate.supervised;
    // A machine that requires its member's PIN: a badge alone (at its reader) does not
    // start it; ending one's own session, or a supervisor confirming a use asked at the kiosk, does.
    if (const auto* mc = st.engine->machine(machine); mc && mc->rules.pin_required && !had_session && !gate.supervised && !pin_checked) {
        view.refusal = reader_uid ? problem("{0} needs your PIN: start it at the kiosk", {mc->name}) : problem(kMachinePinNeeded, {mc->name});
        view.seq = ++st.access_seq;
        st.last_access = view;
        return view;
    }
    auto decision = gate.supervised ? st.engine->access(machine, *gate.supervised, now, member.id)
                                    : st.engine->access(machine, member.id, now);
    if (!decision) {
        view.refusal = decision.error();
    } else {
        if (auto r = commit(std::move(*decision), member.id); !r) return std::unexpected(r.error());
        // The supervisor's badge at the machine checks them in, once the session is stored.
        if (gate.check_in_supervisor && reader_uid) {
            auto p = m_store.check_in(member.id, *reader_uid, std::nullopt, now, now);
            if (!p) return st.failed(p.error());
            st.open[member.id] = *p;
        }
        view.ended = had_session;
        view.granted = !had_session;
        if (const auto* s = st.engine->session_on(machine)) view.until_hhmm = m_calendar.local_hhmm(s->allowed_until);
    }
    view.seq = ++st.access_seq;
    st.last_access = view;
    return view;
}

namespace {
// A machine's photo as given (machine add/set --photo): a file name relative to the photos
// folder, or none when empty.
std::expected<std::optional<std::string>, core::Problem> checked_photo(const std::optional<std::string>& photo) {
    if (!photo || photo->find_first_not_of(" \t") == std::string::npos) return std::nullopt;
    if (auto p = core::normalize_photo_path(*photo)) return *p;
    return std::unexpected(problem("The photo \"{0}\" must be a file name relative to the photos folder", {photo->substr(0, 80)}));
}
}  // namespace

Result Station::handle_alloc(const Command& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    if (!st.engine) return std::unexpected(problem("The station is not running"));
    if (st.engine_stale) {
        if (auto r = build_engine(); !r) return st.failed(r.error());
        st.engine_stale = false;
    }
    engine_tick(now);
    alloc::Engine& engine = *st.engine;
    auto as_actor = [](std::optional<core::MemberId> a) { return a.value_or(kCommandLine); };
    auto stored_actor = [](std::optional<core::MemberId> a) { return a; };
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, AddMachine>) {
                if (auto p = st.require_host(cmd.actor, "Only a host can change machines")) return std::unexpected(*p);
                alloc::Machine m = cmd.machine;
                m.awaiting_check = false;  // a new machine waits for no check
                m.check_note.reset();
                if (auto p = checked_photo(m.photo); !p) return std::unexpected(p.error());
                else m.photo = *p;
                if (st.machine_by_name.contains(State::lower(m.name)))
                    return std::unexpected(problem("A machine is already called {0}", {m.name}));
                // Above the block of ids this station holds (several stations) and every machine.
                auto floor = m_store.id_floor("machines");
                if (!floor) return st.failed(floor.error());
                alloc::MachineId id = *floor + 1;
                for (const auto& [name, mid] : st.machine_by_name) id = std::max(id, mid + 1);
                m.id = id;
                // One use case, one transaction: the machine, the skill named after it
                // and the grants of its list are stored together or not at all.
                Result out = Done{};
                auto tx = m_store.atomically([&]() -> std::expected<void, Problem> {
                    auto r = commit(engine.set_machine(m, now), stored_actor(cmd.actor));
                    if (!r) {
                        out = r;
                        return std::unexpected(r.error());
                    }
                    if (auto sk = skills_machine_added(m, cmd.actor); !sk) {
                        out = st.failed(sk.error());
                        return std::unexpected(sk.error());
                    }
                    // Who may use it is known only now: the queues of its pool get their offers.
                    if (auto again = commit(st.engine->set_machine(*st.engine->machine(id), now), stored_actor(cmd.actor)); !again) {
                        out = again;
                        return std::unexpected(again.error());
                    }
                    return {};
                });
                if (!tx) {
                    // Nothing of it stays: the memory is read again from the file as it is.
                    if (auto rebuilt = build_engine(false); !rebuilt) st.storage_problem = rebuilt.error();
                    else if (auto sk = load_skills(); !sk) st.storage_problem = sk.error();
                    else if (auto res = resume_engine(); !res) st.storage_problem = res.error();
                    return out.has_value() ? st.failed(tx.error()) : out;
                }
                return *st.engine->machine(id);
            } else if constexpr (std::is_same_v<T, EditMachine>) {
                if (auto p = st.require_host(cmd.actor, "Only a host can change machines")) return std::unexpected(*p);
                const auto* current = engine.machine(cmd.machine.id);
                if (!current) return std::unexpected(problem("No machine has the number {0}", {std::to_string(cmd.machine.id)}));
                alloc::Machine m = cmd.machine;
                if (auto it = st.machine_by_name.find(State::lower(m.name)); it != st.machine_by_name.end() && it->second != m.id)
                    return std::unexpected(problem("A machine is already called {0}", {m.name}));
                m.status = current->status;          // SetMachineStatus changes it
                m.authorised = current->authorised;  // the skills decide it
                m.awaiting_check = current->awaiting_check;  // uses and checks decide these
                m.check_note = current->check_note;
                if (auto p = checked_photo(m.photo); !p) return std::unexpected(p.error());
                else m.photo = *p;
                auto r = commit(engine.set_machine(m, now), stored_actor(cmd.actor));
                if (!r) return r;
                return *engine.machine(m.id);
            } else if constexpr (std::is_same_v<T, SetMachineStatus>) {
                auto r = commit(engine.set_status(cmd.machine, cmd.status, as_actor(cmd.actor), now), stored_actor(cmd.actor));
                if (!r) return r;
                return *engine.machine(cmd.machine);
            } else if constexpr (std::is_same_v<T, Authorise>) {
                // A grant of the machine's skill (station_skills.cpp): level 2, or 0 to revoke.
                auto r = skills_authorise(cmd);
                if (!r && r.error().kind == core::Problem::Kind::storage) return st.failed(r.error());
                return r;
            } else if constexpr (std::is_same_v<T, SetHours>) {
                if (auto p = st.require_host(cmd.actor, "Only a host can change the opening hours")) return std::unexpected(*p);
                if (auto r = m_store.save_hours(cmd.hours, cmd.actor, now); !r) return st.failed(r.error());
                engine.set_hours(cmd.hours);
                st.open_minute = -1;
                return Done{};
            } else if constexpr (std::is_same_v<T, Book>) {
                alloc::BookingRequest req{cmd.machine, cmd.member, cmd.start, cmd.end,
                                          cmd.actor.value_or(cmd.as_host ? kCommandLine : cmd.member)};
                auto changes = cmd.weekly_until ? engine.book_weekly(req, *cmd.weekly_until, now) : engine.book(req, now);
                if (!changes) return std::unexpected(skills_explain(changes.error(), {cmd.machine, std::nullopt}, cmd.member));
                auto booked = changes->bookings;
                auto r = commit(std::move(changes), stored_actor(cmd.actor));
                if (!r) return r;
                return booked;
            } else if constexpr (std::is_same_v<T, CancelBooking>) {
                const auto* b = engine.booking(cmd.booking);
                if (!b) return std::unexpected(problem("No booking has the number {0}", {std::to_string(cmd.booking)}));
                auto changes = engine.cancel(cmd.booking, as_actor(cmd.actor), cmd.reason, now);
                if (!changes) return std::unexpected(changes.error());
                auto rows = changes->bookings;
                auto r = commit(std::move(changes), stored_actor(cmd.actor));
                if (!r) return r;
                return rows;
            } else if constexpr (std::is_same_v<T, FindSlots>) {
                auto slots = engine.find_slots(cmd.query, now);
                if (!slots) return std::unexpected(slots.error());
                if (slots->empty() && cmd.query.member != 0)  // none because of a missing skill: say which
                    if (auto p = skills_alloc_refusal(cmd.query.target, cmd.query.member)) return std::unexpected(*p);
                st.last_slots = *slots;
                return *slots;
            } else if constexpr (std::is_same_v<T, PlanDay>) {
                auto plan = engine.plan_day(cmd.query, now);
                if (!plan) return std::unexpected(plan.error());
                // A few kiosks may each show a day: the latest eight are kept.
                std::erase_if(st.day_queries, [&](const alloc::DayQuery& q) {
                    return q == cmd.query || q.day < m_calendar.local_day(now);
                });
                st.day_queries.push_back(cmd.query);
                if (st.day_queries.size() > 8) st.day_queries.erase(st.day_queries.begin());
                return *plan;
            } else if constexpr (std::is_same_v<T, ListBookings>) {
                std::vector<alloc::Booking> out;
                for (const auto& [name, id] : st.machine_by_name) {
                    if (cmd.machine && id != *cmd.machine) continue;
                    for (auto& b : engine.bookings_on(id, cmd.from, cmd.to))
                        if ((b.state == alloc::BookingState::booked || b.state == alloc::BookingState::active) &&
                            (!cmd.member || b.member == *cmd.member))
                            out.push_back(std::move(b));
                }
                std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
                    return a.start != b.start ? a.start < b.start : a.id < b.id;
                });
                return out;
            } else if constexpr (std::is_same_v<T, JoinQueue>) {
                auto joined = engine.join_queue(cmd.member, cmd.target, now);
                if (!joined) return std::unexpected(skills_explain(joined.error(), cmd.target, cmd.member));
                auto r = commit(std::move(joined), cmd.member);
                if (!r) return r;
                return engine.queue_places(cmd.target, now);
            } else if constexpr (std::is_same_v<T, LeaveQueue>) {
                auto r = commit(engine.leave_queue(cmd.member, cmd.target, now), cmd.member);
                if (!r) return r;
                return engine.queue_places(cmd.target, now);
            } else if constexpr (std::is_same_v<T, MachineAccess>) {
                const auto* member = st.directory->find(cmd.member);
                if (!member) return std::unexpected(problem("No member has the number {0}", {std::to_string(cmd.member)}));
                const auto* mc = engine.machine(cmd.machine);
                if (!mc) return std::unexpected(problem("No machine has the number {0}", {std::to_string(cmd.machine)}));
                // A machine that requires its member's PIN: the kiosk asks for it.
                const auto* running = engine.session_on(cmd.machine);
                bool pin_checked = false;
                if (mc->rules.pin_required && !(running && running->member == cmd.member)) {
                    if (!cmd.pin) {
                        return std::unexpected(problem(has_pin(cmd.member) ? kMachinePinNeeded : kMachinePinToChoose, {mc->name}));
                    }
                    if (auto refused = try_pin(cmd.member, *cmd.pin, kMachinePinToChoose, {mc->name})) {
                        if (refused->kind == core::Problem::Kind::storage) return st.failed(*refused);
                        return std::unexpected(*refused);
                    }
                    pin_checked = true;
                }
                return machine_access(cmd.machine, *member, std::nullopt, pin_checked);
            } else if constexpr (std::is_same_v<T, EndSession>) {
                auto r = commit(engine.end_session(cmd.machine, as_actor(cmd.actor), alloc::SessionEnd::host, now),
                                stored_actor(cmd.actor));
                if (!r) return r;
                return Done{};
            } else if constexpr (std::is_same_v<T, OfferHandover>) {
                auto r = commit(engine.offer_handover(cmd.machine, cmd.member, now), cmd.member);
                if (!r) return r;
                // The offer's end shown when it comes.
                st.deadlines.schedule("handover:" + std::to_string(cmd.machine), now + alloc::kHandoverWindow + seconds{1});
                return Done{};
            } else if constexpr (std::is_same_v<T, CheckMachine>) {
                const auto* mc = engine.machine(cmd.machine);
                if (!mc) return std::unexpected(problem("No machine has the number {0}", {std::to_string(cmd.machine)}));
                const std::optional<core::MemberId> actor = cmd.member == kCommandLine ? std::nullopt : std::optional(cmd.member);
                if (actor) {
                    const auto* member = st.directory->find(cmd.member);
                    if (!member) return std::unexpected(problem("No member has the number {0}", {std::to_string(cmd.member)}));
                    if (auto no = check_refusal(*mc, *member)) return std::unexpected(*no);
                }
                // What is wrong, as typed: one line of at most 200 characters, valid text.
                std::optional<std::string> note = cmd.note;
                if (note) {
                    const auto first = note->find_first_not_of(" \t");
                    const auto last = note->find_last_not_of(" \t");
                    *note = first == std::string::npos ? std::string{} : note->substr(first, last - first + 1);
                    const auto len = core::utf8_length(*note);
                    const bool control = std::any_of(note->begin(), note->end(), [](char ch) {
                        return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
                    });
                    if (!len || *len > 200 || control)
                        return std::unexpected(problem("Say what is wrong in one line of at most 200 characters"));
                    if (note->empty()) note.reset();
                }
                auto r = commit(engine.machine_checked(cmd.machine, cmd.ok, std::move(note), now), actor);
                if (!r) return r;
                return *st.engine->machine(cmd.machine);
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

// [SECTION] Housekeeping
bool Station::housekeeping() {
    State& st = *m_state;
    const auto now = m_clock.now();
    bool changed = false;
    for (const auto& key : st.deadlines.take_due(now)) {
        if (key == "enrolment") {
            st.enrolment.reset();
            changed = true;
        }
        if (key.starts_with("handover:")) changed = true;
        // "minute" only wakes us: the checks below decide what changed.
    }
    st.deadlines.schedule("minute", floor<minutes>(now) + minutes{1});
    if (engine_tick(now)) changed = true;
    for (auto& f : m_features)  // each feature's deadlines, in registration order
        if (f->housekeeping(now)) changed = true;
    if (pins_housekeeping(now)) changed = true;  // host sessions that ran out

    const auto today = m_calendar.local_day(now);
    if (st.published_day != today) {
        // Presences left open from an earlier day close at the end of their own day.
        const auto start = m_calendar.day_start(today);
        std::map<core::Timestamp, std::vector<core::PresenceId>> by_close;
        for (const auto& [member, p] : st.open)
            if (p.checked_in < start && p.id > 0) {  // a journaled one: its replay opens it, the next sweep closes it
                const auto day = m_calendar.local_day(p.checked_in);
                by_close[m_calendar.day_start(core::Date{sys_days{day} + days{1}})].push_back(p.id);
            }
        bool all_closed = true;
        for (const auto& [close_at, ids] : by_close) {
            if (auto r = m_store.close_stale(ids, close_at); !r) {
                if (!m_store.link_down()) st.storage_problem = r.error();
                all_closed = false;
                continue;
            }
            std::erase_if(st.open, [&](const auto& kv) {
                return std::find(ids.begin(), ids.end(), kv.second.id) != ids.end();
            });
        }
        if (all_closed) st.published_day = today;
        if (st.engine && st.pruned_day != today) {
            st.engine->prune(now);  // bookings no rule needs any more leave memory (not the store)
            st.pruned_day = today;
        }
        changed = true;
    }
    if (m_calendar.local_hhmm(now) != st.published_hhmm) changed = true;
    return changed;
}

// [SECTION] Publishing
void Station::publish() {
    State& st = *m_state;
    const auto now = m_clock.now();
    auto snap = std::make_shared<Snapshot>();
    snap->version = ++st.version;
    snap->at = now;
    snap->today = m_calendar.local_day(now);
    snap->local_hhmm = m_calendar.local_hhmm(now);
    st.published_hhmm = snap->local_hhmm;
    if (!st.offsets || st.offsets_day != snap->today) {
        st.offsets = std::make_shared<const std::vector<OffsetChange>>(
            offset_changes(m_calendar.zone(), m_calendar.day_start(snap->today) - std::chrono::days{1},
                           m_calendar.day_start(snap->today) + std::chrono::days{62}));
        st.offsets_day = snap->today;
    }
    snap->offsets = st.offsets;
    publish_pins(*snap);
    snap->directory = st.directory;
    const auto start = m_calendar.day_start(snap->today);
    for (const auto& [member, p] : st.open) {
        if (p.checked_in < start) continue;
        const auto* m = st.directory->find(member);
        snap->present.push_back(PresentMember{member, m ? m->display_name : "?", p.checked_in,
                                              m_calendar.local_hhmm(p.checked_in)});
    }
    std::sort(snap->present.begin(), snap->present.end(),
              [](const auto& a, const auto& b) { return a.since < b.since; });
    snap->last_tap = st.last_tap;
    snap->enrolment = st.enrolment;
    snap->last_reply = st.last_reply;
    snap->storage_problem = st.storage_problem;
    snap->database_offline = st.database_offline;
    if (st.backups) {
        BackupView& b = snap->backups;
        b.reported = true;
        b.free_bytes = st.backups->free_bytes;
        b.failure = st.backups->failure;
        if (st.backups->last_ok) {
            b.last_day = m_calendar.local_day(*st.backups->last_ok);
            b.last_hhmm = m_calendar.local_hhmm(*st.backups->last_ok);
            b.hours_since = static_cast<int>(std::max<std::int64_t>(0, duration_cast<hours>(now - *st.backups->last_ok).count()));
        }
        b.stale = !st.backups->last_ok || now - *st.backups->last_ok > kBackupStaleAfter;
        b.disk_low = b.free_bytes && *b.free_bytes < kDiskLowBytes;
    }
    if (st.engine) publish_alloc(*snap, now);
    // Each feature's part, in registration order (know-how after the skills: it reads
    // their names).
    for (auto& f : m_features) f->publish(*snap);
    std::function<void()> wake;
    std::vector<std::function<void()>> watchers;
    {
        std::lock_guard lk(m_mutex);
        m_snapshot = std::move(snap);
        wake = m_wake;
        watchers = m_watchers;
    }
    if (wake) wake();
    for (const auto& w : watchers) w();
}

}  // namespace etabli::app

namespace etabli::app {

void Station::publish_alloc(Snapshot& snap, core::Timestamp now) const {
    const State& st = *m_state;
    const alloc::Engine& engine = *st.engine;
    const auto today = snap.today;
    const auto from = m_calendar.day_start(today);
    const auto to = from + days{15};
    for (const auto& [name, id] : st.machine_by_name) {
        const auto* m = engine.machine(id);
        if (!m) continue;
        MachineView v;
        v.machine = *m;
        if (const auto* s = engine.session_on(id)) {
            v.session = *s;
            const auto* who = st.directory->find(s->member);
            v.session_member = who ? who->display_name : "";
            v.until_hhmm = m_calendar.local_hhmm(s->allowed_until);
            if (s->handover_until && *s->handover_until >= now) {
                const auto secs = std::chrono::floor<std::chrono::seconds>(*s->handover_until);
                const auto sec_of_min = (secs.time_since_epoch().count() % 60 + 60) % 60;
                v.handover_hhmm = m_calendar.local_hhmm(*s->handover_until) + (sec_of_min < 10 ? ":0" : ":") + std::to_string(sec_of_min);
            }
        }
        for (const auto& b : engine.bookings_on(id, from, to)) {
            if (b.state == alloc::BookingState::booked || b.state == alloc::BookingState::active) snap.upcoming.push_back(b);
            if (!v.next && b.state == alloc::BookingState::booked && b.end > now) {
                v.next = b;
                v.next_hhmm = m_calendar.local_hhmm(b.start);
                const auto day = m_calendar.local_day(b.start);
                if (day != today) v.next_hhmm = core::format_date(day).substr(5) + " " + v.next_hhmm;
            }
        }
        auto p = st.power.find(id);
        v.power = p != st.power.end() && p->second;
        snap.machines.push_back(std::move(v));
    }
    std::sort(snap.machines.begin(), snap.machines.end(),
              [](const auto& a, const auto& b) { return a.machine.name < b.machine.name; });
    std::sort(snap.upcoming.begin(), snap.upcoming.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    snap.hours = engine.hours();
    std::set<std::string> seen;
    for (const auto& [id, e] : engine.queue()) {
        alloc::QueueTarget t{e.machine, e.pool};
        const std::string key = e.machine ? "m" + std::to_string(*e.machine) : "p" + e.pool.value_or("");
        if (!seen.insert(key).second) continue;
        for (auto& place : engine.queue_places(t, now)) snap.queue.push_back(std::move(place));
    }
    snap.last_access = st.last_access;
    snap.notices = st.notices;
    snap.last_slots = st.last_slots;
    for (const alloc::DayQuery& q : st.day_queries)
        if (q.day >= snap.today)
            if (auto plan = engine.plan_day(q, now)) snap.day_plans.push_back(std::move(*plan));
    const long long minute = std::chrono::floor<std::chrono::minutes>(now).time_since_epoch().count();
    if (st.open_minute != minute) {
        st.open_now = engine.inside_hours(now, now + std::chrono::seconds{1});
        st.open_minute = minute;
    }
    snap.open_now = st.open_now;
}

}  // namespace etabli::app
