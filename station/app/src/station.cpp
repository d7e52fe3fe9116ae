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

#include <etabli/alloc/timers.hpp>

#include <algorithm>
#include <cassert>
#include <map>

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
    std::uint64_t tap_seq = 0;
    std::uint64_t version = 0;
    alloc::Deadlines deadlines;
    std::string published_hhmm;
    std::optional<core::Date> published_day;

    // A write failed: nothing changed in memory; hosts see the problem on the kiosk.
    Result failed(core::Problem p) {
        p.kind = core::Problem::Kind::storage;
        storage_problem = p;
        return std::unexpected(std::move(p));
    }

    // A kiosk action needs a host or an admin; the command line (no actor) is trusted.
    std::optional<core::Problem> require_host(std::optional<core::MemberId> actor, const char* msgid) const {
        if (!actor) return std::nullopt;
        const auto* m = directory->find(*actor);
        if (!m || !core::can_host(m->role)) return problem(msgid);
        return std::nullopt;
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
Station::Station(Store& store, const Clock& clock, const Calendar& calendar, Options opts)
    : m_store(store), m_clock(clock), m_calendar(calendar), m_opts(opts), m_state(std::make_unique<State>()) {
    m_snapshot = std::make_shared<Snapshot>();
}

Station::~Station() { stop(); }

std::expected<void, Problem> Station::start() {
    assert(!m_thread.joinable() && "Station::start called twice");
    auto data = m_store.load();
    if (!data) return std::unexpected(data.error());
    auto dir = std::make_shared<Directory>();
    for (auto& m : data->members) dir->members.emplace(m.id, std::move(m));
    for (auto& b : data->badges) dir->badges.emplace(b.uid, std::move(b));
    m_state->directory = std::move(dir);
    for (auto& p : data->open_presence) m_state->open[p.member_id] = p;
    housekeeping();
    publish();
    {
        std::lock_guard lk(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this] { run(); });
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
    for (;;) {
        std::optional<Item> item;
        {
            std::unique_lock lk(m_mutex);
            auto wait = duration_cast<milliseconds>(seconds{1});
            if (auto next = m_state->deadlines.next()) {
                const auto until = duration_cast<milliseconds>(*next - m_clock.now());
                wait = std::clamp(until, milliseconds{0}, wait);
            }
            m_cv.wait_for(lk, wait, [this] { return m_stopping || !m_inbox.empty(); });
            if (!m_inbox.empty()) {
                item = std::move(m_inbox.front());
                m_inbox.pop_front();
            } else if (m_stopping) {
                return;
            }
        }
        bool changed = housekeeping();
        if (item) {
            Result r = handle(item->command);
            if (item->request_id != 0) {
                Reply reply;
                reply.request_id = item->request_id;
                reply.ok = r.has_value();
                if (!r) reply.problem = r.error();
                else if (auto* m = std::get_if<core::Member>(&*r)) reply.member = m->id;
                else if (auto* b = std::get_if<core::Badge>(&*r)) reply.member = b->member_id;
                m_state->last_reply = reply;
            }
            // Publish first: whoever waits on the promise then sees the new snapshot.
            publish();
            if (item->promise) item->promise->set_value(std::move(r));
            continue;
        }
        if (changed) publish();
    }
}

// [SECTION] Inbox
std::future<Result> Station::post(Command c) {
    std::promise<Result> p;
    auto f = p.get_future();
    {
        std::lock_guard lk(m_mutex);
        if (!m_thread.joinable() || m_stopping) {
            p.set_value(std::unexpected(problem("The station is not running")));
            return f;
        }
        m_inbox.push_back(Item{std::move(c), std::move(p), 0});
    }
    m_cv.notify_one();
    return f;
}

void Station::post_async(Command c, std::uint64_t request_id) {
    {
        std::lock_guard lk(m_mutex);
        if (!m_thread.joinable() || m_stopping) return;
        m_inbox.push_back(Item{std::move(c), std::nullopt, request_id});
    }
    m_cv.notify_one();
}

Result Station::call(Command c) { return post(std::move(c)).get(); }

std::shared_ptr<const Snapshot> Station::snapshot() const {
    std::lock_guard lk(m_mutex);
    return m_snapshot;
}

void Station::set_wake(std::function<void()> wake) {
    std::lock_guard lk(m_mutex);
    m_wake = std::move(wake);
}

// [SECTION] Commands
Result Station::handle(const Command& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    if (!std::holds_alternative<Tick>(c)) st.storage_problem.reset();  // a failure sets it again
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, BadgeSeen>) {
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
                auto b = m_store.set_badge_status(*uid, cmd.status, cmd.actor, now);
                if (!b) return st.failed(b.error());
                st.edit_directory().badges[b->uid] = *b;
                return *b;
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
                    for (auto& m : data->members) d.members.emplace(m.id, std::move(m));
                }
                return *summary;
            } else {
                static_assert(std::is_same_v<T, Tick>);
                return Done{};
            }
        },
        c);
}

Result Station::handle_tap(const BadgeSeen& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    auto uid = core::normalize_uid(c.uid);
    if (!uid) return std::unexpected(uid.error());

    const auto* badge_it = [&]() -> const core::Badge* {
        auto it = st.directory->badges.find(*uid);
        return it == st.directory->badges.end() ? nullptr : &it->second;
    }();

    if (st.enrolment && now < st.enrolment->expires) {
        st.enrolment->uid = *uid;
        st.enrolment->current_owner.reset();
        if (badge_it && badge_it->status == core::BadgeStatus::active) st.enrolment->current_owner = badge_it->member_id;
        return Done{};
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

    switch (decision.kind) {
        case core::TapKind::check_in: {
            core::Timestamp stale_close = now;
            if (open) stale_close = m_calendar.day_start(core::Date{sys_days{m_calendar.local_day(open->checked_in)} + days{1}});
            auto p = m_store.check_in(member->id, *uid, decision.close_stale, stale_close, now);
            if (!p) return st.failed(p.error());
            st.open[member->id] = *p;
            break;
        }
        case core::TapKind::check_out: {
            auto p = m_store.check_out(open->id, *uid, now);
            if (!p) return st.failed(p.error());
            st.open.erase(member->id);
            break;
        }
        default: {
            // The refusal stands even if logging it failed; the failure is shown to hosts.
            if (auto r = m_store.log_refusal(*uid, decision.kind, now); !r) st.storage_problem = r.error();
            break;
        }
    }
    view.seq = ++st.tap_seq;
    st.last_tap = view;
    return view;
}

Result Station::handle_add_member(const AddMember& c) {
    State& st = *m_state;
    const auto now = m_clock.now();
    if (auto p = st.require_host(c.actor, "Only a host can add a member")) return std::unexpected(*p);
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
    auto m = m_store.add_member(*draft, c.actor, now);
    if (!m) return st.failed(m.error());
    Directory& d = st.edit_directory();
    d.members[m->id] = *m;
    if (uid) {
        auto b = m_store.add_badge(*uid, m->id, c.actor, now);
        if (!b) return st.failed(b.error());
        d.badges[b->uid] = *b;
        st.enrolment_done(b->uid);
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
        // "minute" only wakes us: the checks below decide what changed.
    }
    st.deadlines.schedule("minute", floor<minutes>(now) + minutes{1});

    const auto today = m_calendar.local_day(now);
    if (st.published_day != today) {
        // Presences left open from an earlier day close at the end of their own day.
        const auto start = m_calendar.day_start(today);
        std::map<core::Timestamp, std::vector<core::PresenceId>> by_close;
        for (const auto& [member, p] : st.open)
            if (p.checked_in < start) {
                const auto day = m_calendar.local_day(p.checked_in);
                by_close[m_calendar.day_start(core::Date{sys_days{day} + days{1}})].push_back(p.id);
            }
        bool all_closed = true;
        for (const auto& [close_at, ids] : by_close) {
            if (auto r = m_store.close_stale(ids, close_at); !r) {
                st.storage_problem = r.error();
                all_closed = false;
                continue;
            }
            std::erase_if(st.open, [&](const auto& kv) {
                return std::find(ids.begin(), ids.end(), kv.second.id) != ids.end();
            });
        }
        if (all_closed) st.published_day = today;
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
    std::function<void()> wake;
    {
        std::lock_guard lk(m_mutex);
        m_snapshot = std::move(snap);
        wake = m_wake;
    }
    if (wake) wake();
}

}  // namespace etabli::app
