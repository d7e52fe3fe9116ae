// The Station's trainings, help in the room and know-how cards: the commands of
// app/know.hpp, what the station keeps in memory for them, the expiry of help requests and
// their part of the snapshot (KnowView).
// Layer: app. Station thread only (load_know also from start(), before the thread runs).
//
// Memory follows the disk as elsewhere: a command changes memory only after its store call
// committed. Levels and grants belong to the skills part (station_skills.cpp): they are read
// through the last published SkillsView and granted with its GrantSkill command.
//
// [SECTION] Index
//   [State]         KnowState, load_know
//   [Skills]        levels, names and grants from the skills part
//   [Commands]      handle_know
//   [Kiosk badge captures] know_kiosk_tap: "J'aide" and attendance by badge
//   [Housekeeping]  help requests that ran out or whose asker left, captures that ran out
//   [Publishing]    publish_know
#include <etabli/app/station.hpp>

#include "legacy_features.hpp"

#include <algorithm>

namespace etabli::app {

using namespace std::chrono;
using core::problem;

// [SECTION] State
struct Station::KnowState {
    std::map<core::TrainingId, core::Training> trainings;
    std::map<core::TrainingId, std::vector<core::Signup>> places;  // by id (sign-up order)
    std::map<core::HelpRequestId, core::HelpRequest> help;         // open
    std::set<core::MemberId> opt_in;
    std::map<core::CardId, core::Card> cards;                      // suggested and published
    std::map<core::CardId, std::vector<core::MemberId>> helped;
    std::map<core::SkillId, std::string> skill_names;              // as loaded (the skills part has the live list)
    core::TrainingId max_training = 0;
    core::SignupId max_signup = 0;
    core::HelpRequestId max_help = 0;
    core::CardId max_card = 0;
    std::optional<HelpersView> helpers;
    std::uint64_t helpers_seq = 0;
    KnowCaptureView capture;                     // kiosk badge captures, published as is
    std::optional<core::MemberId> attendance_actor;  // who started the attendance capture
    std::shared_ptr<const KnowView> view = std::make_shared<KnowView>();
    bool dirty = true;
    std::string view_hhmm;                     // the view is rebuilt every minute (running, over)
    const void* view_directory = nullptr;      // and when names may have changed
    const void* view_skills = nullptr;
};

std::expected<void, Problem> Station::load_know() {
    const auto now = m_clock.now();
    auto data = m_store.load_know(now - days{1});
    if (!data) return std::unexpected(data.error());
    auto ks = std::make_shared<KnowState>();
    for (auto& t : data->trainings) ks->trainings[t.id] = t;
    for (auto& s : data->signups) ks->places[s.training].push_back(s);
    for (auto& h : data->help_requests) ks->help[h.id] = h;
    ks->opt_in = data->help_opt_in;
    for (auto& c : data->cards) ks->cards[c.id] = c;
    for (auto& [card, member] : data->helped) ks->helped[card].push_back(member);
    ks->skill_names = data->skill_names;
    ks->max_training = data->max_training_id;
    ks->max_signup = data->max_signup_id;
    ks->max_help = data->max_help_id;
    ks->max_card = data->max_card_id;
    m_know = std::move(ks);
    return {};
}

// [SECTION] Skills
namespace {

KnowEvent event(std::string kind, std::string subject, std::vector<std::pair<std::string, std::string>> detail = {}) {
    return KnowEvent{std::move(kind), std::move(subject), std::move(detail)};
}
std::string training_subject(core::TrainingId id) { return "training:" + std::to_string(id); }
std::string help_subject(core::HelpRequestId id) { return "help:" + std::to_string(id); }
std::string card_subject(core::CardId id) { return "card:" + std::to_string(id); }
std::string num(std::int64_t v) { return std::to_string(v); }

}  // namespace

namespace {

// The skills part's catalogue and levels, as last published (every command publishes, so this
// is the state of the previous command); the names loaded at start stand in for a skill the
// view does not list.
struct SkillsAccess {
    const Snapshot* snap = nullptr;
    const std::map<core::SkillId, std::string>* loaded = nullptr;
    const core::Skill* find(core::SkillId id) const { return snap->skills->find(id); }
    bool exists(core::SkillId id) const { return find(id) || loaded->contains(id); }
    std::string name(core::SkillId id) const {
        if (const auto* s = find(id)) return s->name;
        auto it = loaded->find(id);
        return it == loaded->end() ? "#" + std::to_string(id) : it->second;
    }
    int level(core::MemberId m, core::SkillId skill) const { return snap->skills->effective(m, skill); }
    core::EffectiveLevel effective(core::MemberId m, core::SkillId skill) const {
        const auto* l = snap->skills->level_of(m, skill);
        return l ? l->level : core::EffectiveLevel{};
    }
};

}  // namespace

// [SECTION] Commands
Result Station::handle_know(const Command& c) {
    if (!m_know) return std::unexpected(problem("The station is not running"));
    KnowState& ks = *m_know;
    const auto now = m_clock.now();
    const Directory& dir = directory();
    const auto snap = snapshot();
    const SkillsAccess skills{snap.get(), &ks.skill_names};
    auto role_of = [&](std::optional<core::MemberId> actor) -> std::optional<core::Role> {
        if (!actor) return core::Role::admin;  // the command line
        const auto* m = dir.find(*actor);
        if (!m) return std::nullopt;
        return m->role;
    };
    auto is_host = [&](std::optional<core::MemberId> actor) {
        auto r = role_of(actor);
        return r && core::can_host(*r);
    };
    auto is_volunteer = [&](std::optional<core::MemberId> actor) {
        auto r = role_of(actor);
        return r && *r != core::Role::member;
    };
    auto self_or_host = [&](std::optional<core::MemberId> actor, core::MemberId member) {
        return !actor || *actor == member || is_host(actor);
    };
    auto no_member = [](core::MemberId id) { return problem("No member has the number {0}", {num(id)}); };
    // A membership that ended refuses trainings as it refuses every other action.
    const auto today = m_calendar.local_day(now);
    auto lapsed = [&](core::MemberId id) -> std::optional<Problem> {
        const auto* m = dir.find(id);
        if (!m || !m->valid_until || !(*m->valid_until < today)) return std::nullopt;
        return problem("{0}'s membership ended on {1}: renew it with a host", {m->display_name, core::format_date(*m->valid_until)});
    };
    auto no_training = [](core::TrainingId id) { return problem("No training has the number {0}", {num(id)}); };
    auto no_skill = [](core::SkillId id) { return problem("No skill has the number {0}", {num(id)}); };
    auto present_now = [&](core::MemberId m) {
        return std::any_of(snap->present.begin(), snap->present.end(), [&](const PresentMember& p) { return p.id == m; });
    };
    // One grant per attendee, signed by the trainer, after checking every one of them first:
    // a trainer who cannot sign grants nothing.
    auto grant_levels = [&](const core::Training& t, const std::vector<core::MemberId>& attendees,
                            std::optional<core::MemberId> actor) -> std::optional<Problem> {
        const auto* skill = skills.find(t.skill);
        const auto* trainer = dir.find(t.trainer);
        if (!trainer) return no_member(t.trainer);
        const core::Signer signer{trainer->id, trainer->role, skills.effective(trainer->id, t.skill)};
        for (auto m : attendees) {
            if (auto ok = core::check_grant(skill, skills.name(t.skill), m, t.level, signer, trainer->display_name); !ok)
                return ok.error();
        }
        // All grants and the training's mark in one transaction of the skills part (its memory
        // and gates follow): a storage failure part-way writes none. The checks above make a
        // refusal there a storage failure only (or a level changed since the last snapshot).
        if (auto r = skills_grant_all(t.skill, attendees, t.level, t.trainer, training_subject(t.id),
                                      TrainingGranted{t.id, now, t.level}, actor);
            !r)
            return r.error();
        return std::nullopt;
    };
    auto commit = [&](const KnowChanges& ch, std::optional<core::MemberId> actor) -> std::expected<void, Problem> {
        auto r = m_store.commit_know(ch, actor, now);
        if (r) ks.dirty = true;
        return r;
    };

    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, AddTraining>) {
                if (!is_host(cmd.actor)) return std::unexpected(problem("Only a host can schedule a training"));
                core::Training t = cmd.training;
                if (!skills.exists(t.skill)) return std::unexpected(no_skill(t.skill));
                if (!dir.find(t.trainer)) return std::unexpected(no_member(t.trainer));
                auto v = core::validate_training(std::move(t), now);
                if (!v) return std::unexpected(v.error());
                v->id = ks.max_training + 1;
                v->created_at = now;
                v->cancelled = false;
                v->granted_at.reset();
                KnowChanges ch;
                ch.trainings.push_back(*v);
                ch.events.push_back(event("training.added", training_subject(v->id),
                                          {{"skill", num(v->skill)}, {"trainer", num(v->trainer)},
                                           {"capacity", num(v->capacity)}, {"level", num(v->level)}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.max_training = v->id;
                ks.trainings[v->id] = *v;
                return *v;
            } else if constexpr (std::is_same_v<T, CancelTraining>) {
                if (!is_host(cmd.actor)) return std::unexpected(problem("Only a host can cancel a training"));
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                core::Training t = it->second;
                t.cancelled = true;
                KnowChanges ch;
                ch.trainings.push_back(t);
                ch.events.push_back(event("training.cancelled", training_subject(t.id)));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.trainings.erase(it);
                ks.places.erase(t.id);
                return t;
            } else if constexpr (std::is_same_v<T, TrainingSignup>) {
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                if (!dir.find(cmd.member)) return std::unexpected(no_member(cmd.member));
                if (!self_or_host(cmd.actor, cmd.member))
                    return std::unexpected(problem("Only a host can sign up another member"));
                if (auto p = lapsed(cmd.member)) return std::unexpected(*p);
                auto& places = ks.places[cmd.training];
                auto state = core::signup_decision(it->second, places, cmd.member, now);
                if (!state) return std::unexpected(state.error());
                core::Signup s{ks.max_signup + 1, cmd.training, cmd.member, *state, now, std::nullopt};
                KnowChanges ch;
                ch.signups.push_back(s);
                ch.events.push_back(event("training.signup", training_subject(cmd.training),
                                          {{"member", num(cmd.member)}, {"state", std::string(core::to_string(*state))}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.max_signup = s.id;
                places.push_back(s);
                return it->second;
            } else if constexpr (std::is_same_v<T, TrainingCancelSignup>) {
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                if (!self_or_host(cmd.actor, cmd.member))
                    return std::unexpected(problem("Only a host can cancel the place of another member"));
                auto places = ks.places[cmd.training];  // a copy: memory changes after the commit
                auto place = std::find_if(places.begin(), places.end(), [&](const core::Signup& s) {
                    return s.member == cmd.member && s.state != core::SignupState::cancelled;
                });
                if (place == places.end()) {
                    const auto* m = dir.find(cmd.member);
                    return std::unexpected(problem("{0} is not signed up for this training", {m ? m->display_name : num(cmd.member)}));
                }
                if (it->second.granted_at) return std::unexpected(problem("This training is over: its levels were granted"));
                place->state = core::SignupState::cancelled;
                KnowChanges ch;
                ch.signups.push_back(*place);
                ch.events.push_back(event("training.cancel_signup", training_subject(cmd.training), {{"member", num(cmd.member)}}));
                for (const auto& moved : core::settle_signups(places, it->second.capacity)) {
                    ch.signups.push_back(moved);
                    if (moved.state == core::SignupState::confirmed)
                        ch.events.push_back(event("training.promoted", training_subject(cmd.training), {{"member", num(moved.member)}}));
                }
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.places[cmd.training] = std::move(places);
                return it->second;
            } else if constexpr (std::is_same_v<T, TrainingAttendance>) {
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                const core::Training& t = it->second;
                if (!dir.find(cmd.member)) return std::unexpected(no_member(cmd.member));
                if (cmd.actor && *cmd.actor != cmd.member && *cmd.actor != t.trainer && !is_host(cmd.actor))
                    return std::unexpected(problem("Only the trainer or a host can take attendance"));
                if (t.granted_at) return std::unexpected(problem("This training is over: its levels were granted"));
                if (auto p = lapsed(cmd.member)) return std::unexpected(*p);
                if (!core::attendance_open(t, now))
                    return std::unexpected(problem("Attendance opens 30 minutes before the training and closes at its end"));
                auto& places = ks.places[cmd.training];
                auto place = std::find_if(places.begin(), places.end(), [&](const core::Signup& s) {
                    return s.member == cmd.member && s.state != core::SignupState::cancelled;
                });
                if (place != places.end() && place->present_at) return t;  // a second tap changes nothing
                core::Signup s = place != places.end() ? *place
                                                       : core::Signup{ks.max_signup + 1, t.id, cmd.member,
                                                                      core::SignupState::confirmed, now, std::nullopt};
                s.present_at = now;
                KnowChanges ch;
                ch.signups.push_back(s);
                ch.events.push_back(event("training.present", training_subject(t.id), {{"member", num(cmd.member)}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                if (place != places.end()) *place = s;
                else {
                    ks.max_signup = s.id;
                    places.push_back(s);
                }
                return t;
            } else if constexpr (std::is_same_v<T, TrainingGrant>) {
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                core::Training t = it->second;
                if (cmd.actor && *cmd.actor != t.trainer && !is_host(cmd.actor))
                    return std::unexpected(problem("Only the trainer or a host can grant the levels of a training"));
                if (t.granted_at) return std::unexpected(problem("The levels of this training were already granted"));
                if (now < t.start) return std::unexpected(problem("The training has not started yet"));
                std::vector<core::MemberId> attendees;
                for (const auto& s : ks.places[t.id])
                    // A membership that ended since the attendance is not granted a level.
                    if (s.present_at && s.state != core::SignupState::cancelled && s.member != t.trainer && !lapsed(s.member))
                        attendees.push_back(s.member);
                if (attendees.empty()) return std::unexpected(problem("Nobody was marked present at this training"));
                if (auto refused = grant_levels(t, attendees, cmd.actor)) return std::unexpected(*refused);
                t.granted_at = now;  // written with the grants (skills_grant_all)
                it->second = t;
                return t;
            } else if constexpr (std::is_same_v<T, SetHelpOptIn>) {
                if (!dir.find(cmd.member)) return std::unexpected(no_member(cmd.member));
                if (!self_or_host(cmd.actor, cmd.member))
                    return std::unexpected(problem("Only a host can change another member's choice"));
                KnowChanges ch;
                ch.opt_in.emplace_back(cmd.member, cmd.opt_in);
                ch.events.push_back(event("member.help_opt_in", "member:" + num(cmd.member), {{"opt_in", cmd.opt_in ? "1" : "0"}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                if (cmd.opt_in) ks.opt_in.insert(cmd.member);
                else ks.opt_in.erase(cmd.member);
                return Done{};
            } else if constexpr (std::is_same_v<T, HelpWho>) {
                if (!skills.exists(cmd.skill)) return std::unexpected(no_skill(cmd.skill));
                auto history = m_store.presences_between(now - core::kHelpHistory, now);
                if (!history) return std::unexpected(history.error());
                const alloc::Zone& zone = m_calendar.zone();
                std::vector<core::LocalSpan> spans;
                spans.reserve(history->size());
                for (const auto& p : *history)
                    spans.push_back(core::LocalSpan{p.member_id, zone.to_local(p.checked_in),
                                                    zone.to_local(std::min(p.checked_out.value_or(now), now))});
                std::vector<core::MemberId> present;
                for (const auto& p : snap->present) present.push_back(p.id);
                auto helpers = core::who_can_help(
                    present, spans, [&](core::MemberId m) { return skills.level(m, cmd.skill); }, ks.opt_in,
                    zone.to_local(now), cmd.asker);
                HelpersView v;
                v.seq = ++ks.helpers_seq;
                v.skill = cmd.skill;
                v.skill_name = skills.name(cmd.skill);
                v.asker = cmd.asker;
                for (const auto& h : helpers) {
                    const auto* m = dir.find(h.member);
                    v.helpers.push_back(HelperView{h, m ? m->display_name : "?"});
                }
                ks.helpers = std::move(v);
                ks.dirty = true;
                return helpers;
            } else if constexpr (std::is_same_v<T, AskHelp>) {
                const auto* m = dir.find(cmd.member);
                if (!m) return std::unexpected(no_member(cmd.member));
                if (!self_or_host(cmd.actor, cmd.member))
                    return std::unexpected(problem("Only a host can ask for help for another member"));
                if (!skills.exists(cmd.skill)) return std::unexpected(no_skill(cmd.skill));
                if (!present_now(cmd.member))
                    return std::unexpected(problem("{0} is not checked in: help requests are for the people in the workshop", {m->display_name}));
                for (const auto& [id, h] : ks.help)
                    if (h.asker == cmd.member) return std::unexpected(problem("{0} already has a help request open", {m->display_name}));
                auto text = core::normalize_help_text(cmd.text);
                if (!text) return std::unexpected(text.error());
                core::HelpRequest h;
                h.id = ks.max_help + 1;
                h.asker = cmd.member;
                h.skill = cmd.skill;
                h.text = *text;
                h.posted_at = now;
                h.expires_at = now + core::kHelpRequestLife;
                KnowChanges ch;
                ch.help_requests.push_back(h);
                ch.events.push_back(event("help.asked", help_subject(h.id), {{"member", num(h.asker)}, {"skill", num(h.skill)}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.max_help = h.id;
                ks.help[h.id] = h;
                return h;
            } else if constexpr (std::is_same_v<T, OfferHelp>) {
                auto it = ks.help.find(cmd.request);
                if (it == ks.help.end()) return std::unexpected(problem("This help request is no longer open"));
                if (cmd.helper == 0) {
                    // "J'aide" at the kiosk: the helper is whoever badges next (know_kiosk_tap).
                    ks.capture.help = cmd.request;
                    ks.capture.help_expires = now + kHelpCaptureLife;
                    ks.capture.problem.reset();
                    ++ks.capture.seq;
                    ks.dirty = true;
                    return Done{};
                }
                if (!dir.find(cmd.helper)) return std::unexpected(no_member(cmd.helper));
                if (cmd.helper == it->second.asker) return std::unexpected(problem("One cannot answer one's own help request"));
                core::HelpRequest h = it->second;
                h.state = core::HelpState::helped;
                h.helper = cmd.helper;
                h.closed_at = now;
                KnowChanges ch;
                ch.help_requests.push_back(h);
                ch.events.push_back(event("help.helped", help_subject(h.id), {{"helper", num(cmd.helper)}}));
                if (auto r = commit(ch, cmd.helper); !r) return std::unexpected(r.error());
                ks.help.erase(it);
                if (ks.capture.help == h.id) ks.capture.help.reset();  // answered another way
                return h;
            } else if constexpr (std::is_same_v<T, WithdrawHelp>) {
                auto it = ks.help.find(cmd.request);
                if (it == ks.help.end()) return std::unexpected(problem("This help request is no longer open"));
                if (!self_or_host(cmd.actor, it->second.asker))
                    return std::unexpected(problem("Only the member who asked or a host can take a help request down"));
                core::HelpRequest h = it->second;
                h.state = core::HelpState::withdrawn;
                h.closed_at = now;
                KnowChanges ch;
                ch.help_requests.push_back(h);
                ch.events.push_back(event("help.withdrawn", help_subject(h.id)));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.help.erase(it);
                return h;
            } else if constexpr (std::is_same_v<T, SaveCard>) {
                auto role = role_of(cmd.actor);
                if (!role) return std::unexpected(no_member(*cmd.actor));
                auto v = core::validate_card(cmd.card);
                if (!v) return std::unexpected(v.error());
                for (auto s : v->skills)
                    if (!skills.exists(s)) return std::unexpected(no_skill(s));
                for (auto m : v->machines)
                    if (std::none_of(snap->machines.begin(), snap->machines.end(), [&](const MachineView& x) { return x.machine.id == m; }))
                        return std::unexpected(problem("No machine has the number {0}", {num(m)}));
                for (auto tl : v->tools)
                    if (!snap->tools->find(tl)) return std::unexpected(problem("No tool has the number {0}", {num(tl)}));
                core::Card k = *v;
                std::string kind;
                if (k.id == 0) {
                    k.id = ks.max_card + 1;
                    k.state = *role == core::Role::member ? core::CardState::suggested : core::CardState::published;
                    k.author = cmd.actor;
                    k.reviewer.reset();
                    k.created_at = now;
                    k.helped = 0;
                    kind = k.state == core::CardState::suggested ? "card.suggested" : "card.added";
                } else {
                    auto it = ks.cards.find(k.id);
                    if (it == ks.cards.end()) return std::unexpected(problem("No card has the number {0}", {num(k.id)}));
                    const core::Card& old = it->second;
                    const bool author_draft = cmd.actor && old.author == cmd.actor && old.state == core::CardState::suggested;
                    if (!is_volunteer(cmd.actor) && !author_draft)
                        return std::unexpected(problem("Only a volunteer or a host can change a published card"));
                    k.state = old.state;
                    k.author = old.author;
                    k.reviewer = old.reviewer;
                    k.created_at = old.created_at;
                    k.helped = old.helped;
                    kind = "card.changed";
                }
                k.updated_at = now;
                KnowChanges ch;
                ch.cards.push_back(k);
                ch.events.push_back(event(kind, card_subject(k.id),
                                          {{"state", std::string(core::to_string(k.state))},
                                           {"steps", num(static_cast<std::int64_t>(k.steps.size()))}}));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                ks.max_card = std::max(ks.max_card, k.id);
                ks.cards[k.id] = k;
                return k;
            } else if constexpr (std::is_same_v<T, ReviewCard>) {
                if (!is_volunteer(cmd.actor)) return std::unexpected(problem("Only a volunteer or a host can publish or reject a card"));
                auto it = ks.cards.find(cmd.card);
                if (it == ks.cards.end()) return std::unexpected(problem("No card has the number {0}", {num(cmd.card)}));
                if (it->second.state != core::CardState::suggested)
                    return std::unexpected(problem("This card is not waiting for review"));
                core::Card k = it->second;
                k.state = cmd.publish ? core::CardState::published : core::CardState::rejected;
                k.reviewer = cmd.actor;
                k.updated_at = now;
                KnowChanges ch;
                ch.cards.push_back(k);
                ch.events.push_back(event(cmd.publish ? "card.published" : "card.rejected", card_subject(k.id)));
                if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
                if (cmd.publish) it->second = k;
                else {
                    ks.cards.erase(it);
                    ks.helped.erase(k.id);
                }
                return k;
            } else if constexpr (std::is_same_v<T, CancelHelpCapture>) {
                if (ks.capture.help) {
                    ks.capture.help.reset();
                    ++ks.capture.seq;
                    ks.dirty = true;
                }
                return Done{};
            } else if constexpr (std::is_same_v<T, StartAttendance>) {
                auto it = ks.trainings.find(cmd.training);
                if (it == ks.trainings.end()) return std::unexpected(no_training(cmd.training));
                const core::Training& t = it->second;
                if (cmd.actor && *cmd.actor != t.trainer && !is_host(cmd.actor))
                    return std::unexpected(problem("Only the trainer or a host can take attendance"));
                if (t.granted_at) return std::unexpected(problem("This training is over: its levels were granted"));
                if (!core::attendance_open(t, now))
                    return std::unexpected(problem("Attendance opens 30 minutes before the training and closes at its end"));
                ks.capture.attendance = cmd.training;
                ks.capture.attendance_expires = now + kAttendanceCaptureIdle;
                ks.capture.marked.reset();
                ks.capture.marked_name.clear();
                ks.capture.marked_count = 0;
                ks.capture.problem.reset();
                ks.attendance_actor = cmd.actor;
                ++ks.capture.seq;
                ks.dirty = true;
                return Done{};
            } else if constexpr (std::is_same_v<T, StopAttendance>) {
                if (ks.capture.attendance) {
                    ks.capture.attendance.reset();
                    ks.attendance_actor.reset();
                    ++ks.capture.seq;
                    ks.dirty = true;
                }
                return Done{};
            } else if constexpr (std::is_same_v<T, CardHelped>) {
                auto it = ks.cards.find(cmd.card);
                if (it == ks.cards.end() || it->second.state != core::CardState::published)
                    return std::unexpected(problem("No card has the number {0}", {num(cmd.card)}));
                if (!dir.find(cmd.member)) return std::unexpected(no_member(cmd.member));
                auto& by = ks.helped[cmd.card];
                if (std::find(by.begin(), by.end(), cmd.member) != by.end()) return it->second;  // once per member
                KnowChanges ch;
                ch.helped.emplace_back(cmd.card, cmd.member);
                ch.events.push_back(event("card.helped", card_subject(cmd.card), {{"member", num(cmd.member)}}));
                if (auto r = commit(ch, cmd.member); !r) return std::unexpected(r.error());
                by.push_back(cmd.member);
                ++it->second.helped;
                return it->second;
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

// [SECTION] Kiosk badge captures
// A badge at the kiosk reader while "J'aide" or the attendance screen waits for one: it answers
// that, and checks nobody in or out (the helper is usually already present). Called by
// handle_tap on the station thread, after the skills part's sign-off and supervision; nullopt:
// no capture is armed, the tap is an ordinary one. `member`: the active badge's owner, or null.
std::optional<Result> Station::know_kiosk_tap(const core::Member* member) {
    if (!m_know) return std::nullopt;
    KnowState& ks = *m_know;
    const auto now = m_clock.now();
    auto refuse = [&](Problem p) -> std::optional<Result> {
        ks.capture.problem = p;
        ++ks.capture.seq;
        ks.dirty = true;
        return Result{std::unexpected(std::move(p))};
    };
    // A badge that is unknown, blocked, or of an ended membership answers nothing: the capture
    // stays armed for the right badge.
    auto usable = [&]() -> std::optional<Problem> {
        if (!member) return problem("This badge is not known: badge again with a member's badge");
        if (member->valid_until && *member->valid_until < m_calendar.local_day(now))
            return problem("{0}'s membership has ended", {member->display_name});
        return std::nullopt;
    };
    if (ks.capture.help && now < ks.capture.help_expires) {
        const auto request = *ks.capture.help;
        auto it = ks.help.find(request);
        if (it == ks.help.end()) {
            ks.capture.help.reset();
            return refuse(problem("This help request is no longer open"));
        }
        if (auto p = usable()) return refuse(*p);
        if (member->id == it->second.asker) return refuse(problem("One cannot answer one's own help request"));
        const core::MemberId asker = it->second.asker;
        auto r = handle_know(Command{OfferHelp{request, member->id}});
        ks.capture.help.reset();
        if (!r) return refuse(r.error());
        const Directory& dir = directory();
        const auto* a = dir.find(asker);
        ks.capture.answered = std::get<core::HelpRequest>(*r);
        ks.capture.answered_helper_name = member->display_name;
        ks.capture.answered_asker_name = a ? a->display_name : "?";
        ks.capture.problem.reset();
        ++ks.capture.seq;
        ks.dirty = true;
        return r;
    }
    if (ks.capture.attendance && now < ks.capture.attendance_expires) {
        if (auto p = usable()) return refuse(*p);
        auto r = handle_know(Command{TrainingAttendance{*ks.capture.attendance, member->id, ks.attendance_actor}});
        if (!r) return refuse(r.error());
        ks.capture.attendance_expires = now + kAttendanceCaptureIdle;
        ks.capture.marked = member->id;
        ks.capture.marked_name = member->display_name;
        ++ks.capture.marked_count;
        ks.capture.problem.reset();
        ++ks.capture.seq;
        ks.dirty = true;
        return r;
    }
    return std::nullopt;
}

// [SECTION] Housekeeping
bool Station::know_housekeeping(core::Timestamp now) {
    KnowState& ks = *m_know;
    bool captures = false;
    if (ks.capture.help && now >= ks.capture.help_expires) {
        ks.capture.help.reset();
        ks.capture.problem = problem("Nobody badged in time: tap the help button again");
        captures = true;
    }
    if (ks.capture.attendance && now >= ks.capture.attendance_expires) {
        ks.capture.attendance.reset();
        ks.attendance_actor.reset();
        ks.capture.problem = problem("Attendance by badge stopped after 10 minutes without a badge");
        captures = true;
    }
    if (captures) {
        ++ks.capture.seq;
        ks.dirty = true;
    }
    if (ks.help.empty()) return captures;
    KnowChanges ch;
    for (const auto& [id, h] : ks.help) {
        core::HelpRequest closed = h;
        if (now >= h.expires_at) closed.state = core::HelpState::expired;
        else if (!open_presence(h.asker)) closed.state = core::HelpState::left;
        else continue;
        closed.closed_at = now;
        ch.help_requests.push_back(closed);
        ch.events.push_back(event(closed.state == core::HelpState::expired ? "help.expired" : "help.left", help_subject(id)));
    }
    if (ch.help_requests.empty()) return captures;
    // A failed write is tried again at the next wake-up; hosts see the problem meanwhile.
    if (auto r = m_store.commit_know(ch, std::nullopt, now); !r) return captures;
    for (const auto& h : ch.help_requests) ks.help.erase(h.id);
    ks.dirty = true;
    return true;
}

// [SECTION] Publishing
void Station::publish_know(Snapshot& snap) {
    if (!m_know) return;
    KnowState& ks = *m_know;
    const SkillsAccess skills{&snap, &ks.skill_names};
    const void* skills_key = snap.skills.get();
    if (!ks.dirty && ks.view_hhmm == snap.local_hhmm && ks.view_directory == snap.directory.get() &&
        ks.view_skills == skills_key) {
        snap.know = ks.view;
        return;
    }
    const Directory& dir = *snap.directory;
    const auto now = snap.at;
    auto name_of = [&](core::MemberId m) {
        const auto* x = dir.find(m);
        return x ? x->display_name : "?";
    };
    auto v = std::make_shared<KnowView>();
    v->capture = ks.capture;
    for (const auto& [id, t] : ks.trainings) {
        if (t.cancelled) continue;
        if (t.granted_at && now - t.end > days{1}) continue;
        TrainingView tv;
        tv.training = t;
        tv.skill_name = skills.name(t.skill);
        tv.trainer_name = name_of(t.trainer);
        tv.when = core::format_date(m_calendar.local_day(t.start)) + " " + m_calendar.local_hhmm(t.start);
        tv.end_hhmm = m_calendar.local_hhmm(t.end);
        tv.running = core::attendance_open(t, now);
        tv.over = t.end <= now;
        if (auto p = ks.places.find(id); p != ks.places.end()) {
            for (const auto& s : p->second) {
                if (s.state == core::SignupState::cancelled) continue;
                SignupView sv{s, name_of(s.member), core::waiting_position(p->second, s.member)};
                if (s.state == core::SignupState::confirmed) ++tv.confirmed;
                else ++tv.waiting;
                if (s.present_at) ++tv.present;
                tv.signups.push_back(std::move(sv));
            }
        }
        v->trainings.push_back(std::move(tv));
    }
    std::stable_sort(v->trainings.begin(), v->trainings.end(), [](const TrainingView& a, const TrainingView& b) {
        if (a.over != b.over) return !a.over;
        return a.training.start < b.training.start;
    });
    for (const auto& [id, h] : ks.help) {
        HelpRequestView hv;
        hv.request = h;
        hv.asker_name = name_of(h.asker);
        hv.skill_name = skills.name(h.skill);
        hv.since_hhmm = m_calendar.local_hhmm(h.posted_at);
        hv.banner = h.text.empty() ? problem("{0} is looking for help: {1}", {hv.asker_name, hv.skill_name})
                                   : problem("{0} is looking for help: {1} ({2})", {hv.asker_name, hv.skill_name, h.text});
        v->help_requests.push_back(std::move(hv));
    }
    v->helpers = ks.helpers;
    v->help_opt_in = ks.opt_in;
    std::map<std::int64_t, std::string> machine_names, tool_names;
    for (const auto& m : snap.machines) machine_names[m.machine.id] = m.machine.name;
    for (const auto& t : snap.tools->tools) tool_names[t.id] = t.name;
    auto card_view = [&](const core::Card& k) {
        CardView cv;
        cv.card = k;
        cv.author_name = k.author ? name_of(*k.author) : "";
        for (auto s : k.skills) cv.skill_names.push_back(skills.name(s));
        for (auto m : k.machines) {
            auto it = machine_names.find(m);
            cv.machine_names.push_back(it == machine_names.end() ? "#" + num(m) : it->second);
        }
        for (auto t : k.tools) {
            auto it = tool_names.find(t);
            cv.tool_names.push_back(it == tool_names.end() ? "#" + num(t) : it->second);
        }
        if (auto it = ks.helped.find(k.id); it != ks.helped.end()) cv.helped_by = it->second;
        return cv;
    };
    std::vector<core::Card> published;
    for (const auto& [id, k] : ks.cards) {
        if (k.state == core::CardState::published) published.push_back(k);
        else if (k.state == core::CardState::suggested) v->suggested.push_back(card_view(k));
    }
    core::order_cards(published);
    for (const auto& k : published) {
        const auto i = v->cards.size();
        v->cards.push_back(card_view(k));
        for (auto m : k.machines) v->cards_by_machine[m].push_back(i);
        for (auto t : k.tools) v->cards_by_tool[t].push_back(i);
        for (auto s : k.skills) v->cards_by_skill[s].push_back(i);
    }
    for (const auto& [id, name] : ks.skill_names) v->skill_names[id] = name;
    for (const auto& sk : snap.skills->skills) v->skill_names[sk.id] = sk.name;  // the live catalogue wins
    ks.view = v;
    ks.dirty = false;
    ks.view_hhmm = snap.local_hhmm;
    ks.view_directory = snap.directory.get();
    ks.view_skills = skills_key;
    snap.know = std::move(v);
}

// [SECTION] The feature
std::unique_ptr<Feature> LegacyFeatures::know(Station& s) {
    struct Know final : Feature {
        Station& s;
        explicit Know(Station& st) : s(st) {}
        std::expected<void, Problem> load() override { return s.load_know(); }
        Result handle(const Command& c) override { return s.handle_know(c); }
        // "J'aide" takes the helper's badge; the attendance screen, the attendees'.
        std::optional<Claimed> claim_tap(const KioskTap& tap) override {
            const bool help = s.m_know && s.m_know->capture.help && tap.at < s.m_know->capture.help_expires;
            auto r = s.know_kiosk_tap(tap.member);
            if (!r) return std::nullopt;
            return Claimed{help ? TapClaim::help : TapClaim::attendance, std::move(*r)};
        }
        bool housekeeping(core::Timestamp now) override { return s.m_know && s.know_housekeeping(now); }
        void publish(Snapshot& snap) override { s.publish_know(snap); }
    };
    return std::make_unique<Know>(s);
}
std::unique_ptr<Feature> KnowFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::know(s); }

}  // namespace etabli::app
