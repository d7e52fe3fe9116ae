// Trainings, help in the room and know-how cards as the app layer sees them: the data the
// Store loads and commits (KnowData, KnowChanges), the Station commands (handled in
// station_know.cpp) and the snapshot part the kiosk draws (KnowView).
// Layer: app. Commands are built on any thread and posted; KnowView is built on the station
// thread and then read-only, shared between snapshots.
#pragma once

#include <etabli/core/help.hpp>
#include <etabli/core/know_how.hpp>
#include <etabli/core/presence.hpp>
#include <etabli/core/trainings.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace etabli::app {

// [Store data]
// What the station keeps in memory of trainings, help and cards, as loaded at start.
struct KnowData {
    std::vector<core::Training> trainings;   // not cancelled, ending after `since` (plus any not yet granted)
    std::vector<core::Signup> signups;       // of those trainings, every state, by id
    std::vector<core::HelpRequest> help_requests;  // open ones
    std::set<core::MemberId> help_opt_in;
    std::vector<core::Card> cards;           // suggested and published (steps, links, helped count), by id
    std::vector<std::pair<core::CardId, core::MemberId>> helped;  // who said "this helped me"
    std::map<core::SkillId, std::string> skill_names;
    std::map<std::int64_t, std::string> machine_names, tool_names;  // for card links
    core::TrainingId max_training_id = 0;    // largest stored ids, history included
    core::SignupId max_signup_id = 0;
    core::HelpRequestId max_help_id = 0;
    core::CardId max_card_id = 0;
};
// One event of the log (kind "training.signup", subject "training:3"); details hold ids and
// states only, never a text (cards and requests may carry personal data).
struct KnowEvent {
    std::string kind;
    std::string subject;
    std::vector<std::pair<std::string, std::string>> detail;
};
// One use case: rows upserted by id (ids chosen by the station), opt-ins set, helped marks
// added, events appended; one transaction.
struct KnowChanges {
    std::vector<core::Training> trainings;
    std::vector<core::Signup> signups;
    std::vector<core::HelpRequest> help_requests;
    std::vector<core::Card> cards;                 // steps and links replaced whole
    std::vector<std::pair<core::MemberId, bool>> opt_in;
    std::vector<std::pair<core::CardId, core::MemberId>> helped;
    std::vector<KnowEvent> events;
};

// [Commands] `actor` empty: the command line (trusted, acts as an admin).
// A host (or the command line) schedules a training; its id is chosen by the station.
struct AddTraining { core::Training training; std::optional<core::MemberId> actor; };
struct CancelTraining { core::TrainingId training = 0; std::optional<core::MemberId> actor; };
// A member signs up (confirmed, or on the waiting list when full); a host may sign up others.
struct TrainingSignup { core::TrainingId training = 0; core::MemberId member = 0; std::optional<core::MemberId> actor; };
// Cancels the member's place; the first on the waiting list is promoted.
struct TrainingCancelSignup { core::TrainingId training = 0; core::MemberId member = 0; std::optional<core::MemberId> actor; };
// A badge tap recorded as "present" for a training running now (from 30 min before its start to
// its end). A member not signed up is added (attendance wins over the list).
struct TrainingAttendance { core::TrainingId training = 0; core::MemberId member = 0; std::optional<core::MemberId> actor; };
// Grants the training's level to every attendee, signed by the trainer, in one step: if the
// trainer cannot sign (lapsed, below the level…), nothing is granted and the Problem says why.
// `actor`: the trainer or a host at the kiosk; empty: the command line.
struct TrainingGrant { core::TrainingId training = 0; std::optional<core::MemberId> actor; };
// Opt in (or out) of the "who can help" lists. A member sets their own; hosts anyone's.
struct SetHelpOptIn { core::MemberId member = 0; bool opt_in = true; std::optional<core::MemberId> actor; };
// "Who can help me with this skill?": the answer is returned (std::vector<core::Helper>) and
// kept in the snapshot (KnowView::helpers) for the kiosk.
struct HelpWho { core::SkillId skill = 0; std::optional<core::MemberId> asker; };
// A member checked in posts a help request (shown until someone helps, they leave, or 45 min).
struct AskHelp { core::MemberId member = 0; core::SkillId skill = 0; std::string text; std::optional<core::MemberId> actor; };
// Someone taps "I'll help" with their badge: the request closes, the helper is recorded.
// `helper` 0 (the kiosk's "J'aide"): arms a capture for kHelpCaptureLife; the next badge at the
// kiosk reader (an active member, not the asker) is the helper, and that tap checks nobody in
// or out (KnowView::capture says how it went).
struct OfferHelp { core::HelpRequestId request = 0; core::MemberId helper = 0; };
// The kiosk left the "Badgez pour aider" screen: the next badge checks in or out again.
struct CancelHelpCapture {};
// While the kiosk's attendance screen is open, badges at the kiosk reader mark attendance of
// this training (as TrainingAttendance by `actor`) instead of checking in or out, until
// StopAttendance or kAttendanceCaptureIdle without a badge.
struct StartAttendance { core::TrainingId training = 0; std::optional<core::MemberId> actor; };
struct StopAttendance {};
inline constexpr std::chrono::seconds kHelpCaptureLife{30};
inline constexpr std::chrono::minutes kAttendanceCaptureIdle{10};
// The asker (or a host) takes the request down.
struct WithdrawHelp { core::HelpRequestId request = 0; std::optional<core::MemberId> actor; };
// A new card (id 0) or a changed one. Written by a volunteer, host or the command line it is
// published; by a member it is suggested (waits for review).
struct SaveCard { core::Card card; std::optional<core::MemberId> actor; };
// A volunteer or host publishes or rejects a suggested card.
struct ReviewCard { core::CardId card = 0; bool publish = true; std::optional<core::MemberId> actor; };
// "This helped me": once per member and card (a second tap changes nothing).
struct CardHelped { core::CardId card = 0; core::MemberId member = 0; };


// [Snapshot]
struct SignupView {
    core::Signup signup;
    std::string member_name;
    std::optional<int> waiting_position;  // 1-based when waiting
};
struct TrainingView {
    core::Training training;
    std::string skill_name, trainer_name;
    std::string when;                    // local "YYYY-MM-DD HH:MM"
    std::string end_hhmm;                // local "HH:MM"
    std::vector<SignupView> signups;     // not cancelled, in sign-up order
    int confirmed = 0, waiting = 0, present = 0;
    bool running = false;                // attendance is open now
    bool over = false;                   // ended (waiting for the grant, or granted today)
    const SignupView* place_of(core::MemberId m) const {
        for (const auto& s : signups)
            if (s.signup.member == m) return &s;
        return nullptr;
    }
};
struct HelpRequestView {
    core::HelpRequest request;
    std::string asker_name, skill_name;
    std::string since_hhmm;
    core::Problem banner;  // "{0} is looking for help: {1}" (FR "{0} cherche de l'aide : {1}") or with text
};
struct HelperView {
    core::Helper helper;
    std::string name;
};
struct HelpersView {
    std::uint64_t seq = 0;               // changes with every HelpWho
    core::SkillId skill = 0;
    std::string skill_name;
    std::optional<core::MemberId> asker;
    std::vector<HelperView> helpers;     // in the order of core::who_can_help
};
struct CardView {
    core::Card card;
    std::string author_name;
    std::vector<std::string> skill_names, machine_names, tool_names;
    std::vector<core::MemberId> helped_by;
    bool helped_by_member(core::MemberId m) const {
        for (auto x : helped_by)
            if (x == m) return true;
        return false;
    }
};
// The kiosk's badge captures ("J'aide", attendance by badge). `seq` changes with every
// event (armed, answered, marked, refused, ended) so the kiosk can tell a new outcome.
struct KnowCaptureView {
    std::uint64_t seq = 0;
    std::optional<core::HelpRequestId> help;            // armed: the next kiosk badge helps this request
    core::Timestamp help_expires{};
    std::optional<core::HelpRequest> answered;          // the last request answered by a captured badge
    std::string answered_helper_name, answered_asker_name;
    std::optional<core::TrainingId> attendance;         // armed: kiosk badges mark attendance of this training
    core::Timestamp attendance_expires{};               // 10 min after the last badge
    std::optional<core::MemberId> marked;               // the last member marked present by badge
    std::string marked_name;
    int marked_count = 0;                               // since StartAttendance
    std::optional<core::Problem> problem;               // the last refusal or time-out, translated by the kiosk
};
struct KnowView {
    KnowCaptureView capture;
    std::vector<TrainingView> trainings;        // not cancelled: running and upcoming, then over and not granted; by start
    std::vector<HelpRequestView> help_requests; // open, oldest first
    std::optional<HelpersView> helpers;         // the answer to the latest HelpWho
    std::set<core::MemberId> help_opt_in;
    std::vector<CardView> cards;                // published, most helped first (core::order_cards)
    std::vector<CardView> suggested;            // waiting for review, oldest first
    std::map<std::int64_t, std::vector<std::size_t>> cards_by_machine;  // indices into `cards`
    std::map<std::int64_t, std::vector<std::size_t>> cards_by_tool;
    std::map<core::SkillId, std::vector<std::size_t>> cards_by_skill;
    std::map<core::SkillId, std::string> skill_names;

    const TrainingView* find_training(core::TrainingId id) const {
        for (const auto& t : trainings)
            if (t.training.id == id) return &t;
        return nullptr;
    }
    // The next training of a skill one can still sign up to (for refusals), or null.
    const TrainingView* next_training(core::SkillId skill) const {
        const TrainingView* best = nullptr;
        for (const auto& t : trainings)
            if (t.training.skill == skill && !t.over && !t.training.granted_at && (!best || t.training.start < best->training.start))
                best = &t;
        return best;
    }
    const CardView* find_card(core::CardId id) const {
        for (const auto& c : cards)
            if (c.card.id == id) return &c;
        for (const auto& c : suggested)
            if (c.card.id == id) return &c;
        return nullptr;
    }
    std::vector<const CardView*> cards_of(const std::map<std::int64_t, std::vector<std::size_t>>& index, std::int64_t key) const {
        std::vector<const CardView*> out;
        if (auto it = index.find(key); it != index.end())
            for (auto i : it->second) out.push_back(&cards[i]);
        return out;
    }
    std::vector<const CardView*> cards_for_machine(std::int64_t machine) const { return cards_of(cards_by_machine, machine); }
    std::vector<const CardView*> cards_for_tool(std::int64_t tool) const { return cards_of(cards_by_tool, tool); }
    std::vector<const CardView*> cards_for_skill(core::SkillId skill) const { return cards_of(cards_by_skill, skill); }
};

}  // namespace etabli::app
