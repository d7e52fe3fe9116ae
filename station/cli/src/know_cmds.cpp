// The trainings, help and know-how-card commands of the command line (see know_cmds.hpp).
// Layer: cli. Main thread. Exit codes as everywhere: 0 done, 1 refused by a rule (full
// training, trainer who cannot sign…), 2 bad input (unknown number or name, malformed value,
// a card file that is not a card), 3 storage.
//
// [SECTION] index
//   Helpers     lookups by name or number, JSON rows
//   Grammar     KnowCommands::KnowCommands
//   Commands    KnowCommands::run
#include "io.hpp"
#include "know_cmds.hpp"

#include <etabli/core/member_import.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;
using namespace std::chrono;

// [SECTION] Helpers
namespace {

int refused(Context& ctx, const core::Problem& p) {
    return ctx.fail(p.kind == core::Problem::Kind::storage ? kStorage : kRefused, p);
}

// A skill by number or by name (case and accents as typed are folded like CSV keys).
std::expected<core::SkillId, core::Problem> find_skill(const app::KnowView& k, const std::string& key) {
    for (const auto& [id, name] : k.skill_names)
        if (std::to_string(id) == key) return id;
    const auto folded = core::fold_csv_key(key);
    for (const auto& [id, name] : k.skill_names)
        if (core::fold_csv_key(name) == folded) return id;
    return std::unexpected(problem("No skill is named \"{0}\"", {key}));
}

std::expected<std::int64_t, core::Problem> find_machine(const app::Snapshot& s, const std::string& key) {
    for (const auto& m : s.machines)
        if (std::to_string(m.machine.id) == key || core::fold_csv_key(m.machine.name) == core::fold_csv_key(key))
            return m.machine.id;
    return std::unexpected(problem("No machine is called {0}", {key}));
}

std::expected<std::int64_t, core::Problem> find_tool(const app::Snapshot& s, const std::string& key) {
    auto tag = core::normalize_tag(key);
    for (const auto& t : s.tools->tools)
        if ((tag && t.tag == *tag) || std::to_string(t.id) == key) return t.id;
    return std::unexpected(problem("No tool has the tag {0} (see: etabli tool list)", {key}));
}

// "2026-12-01 14:00" (local time) → instant; DST gaps refused.
std::expected<core::Timestamp, core::Problem> parse_local(const app::Calendar& cal, const std::string& text, bool later) {
    if (text.size() != 16 || text[10] != ' ' || text[13] != ':')
        return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    auto t = core::parse_timestamp(text + ":00");
    if (!t) return std::unexpected(problem("\"{0}\" is not a local time: write \"YYYY-MM-DD HH:MM\", e.g. \"2026-12-01 14:00\"", {text}));
    return alloc::local_to_utc(cal.zone(), local_seconds{t->time_since_epoch()},
                               later ? alloc::Fold::later : alloc::Fold::earlier);
}

json training_json(const app::TrainingView& t) {
    json places = json::array();
    for (const auto& s : t.signups) {
        json p{{"member", s.signup.member},
               {"name", s.member_name},
               {"state", core::to_string(s.signup.state)},
               {"present", s.signup.present_at.has_value()}};
        if (s.waiting_position) p["waiting_position"] = *s.waiting_position;
        places.push_back(p);
    }
    json j{{"id", t.training.id},         {"skill", t.training.skill},       {"skill_name", t.skill_name},
           {"start", core::format_timestamp(t.training.start)},
           {"end", core::format_timestamp(t.training.end)},
           {"when", t.when},              {"capacity", t.training.capacity}, {"trainer", t.training.trainer},
           {"trainer_name", t.trainer_name}, {"level", t.training.level},    {"note", t.training.note},
           {"confirmed", t.confirmed},    {"waiting", t.waiting},            {"present", t.present},
           {"running", t.running},        {"granted", t.training.granted_at.has_value()}, {"places", places}};
    return j;
}

json card_json(const app::CardView& c, bool steps) {
    json j{{"id", c.card.id},
           {"title", c.card.title},
           {"state", core::to_string(c.card.state)},
           {"helped", c.card.helped},
           {"skills", c.skill_names},
           {"machines", c.machine_names},
           {"tools", c.tool_names},
           {"steps_count", c.card.steps.size()}};
    if (steps) {
        json arr = json::array();
        for (const auto& s : c.card.steps) {
            json st{{"text", s.text}};
            if (s.photo) st["photo"] = *s.photo;
            arr.push_back(st);
        }
        j["steps"] = arr;
    }
    return j;
}

}  // namespace

// [SECTION] Grammar
KnowCommands::KnowCommands(CLI::App& app) {
    auto* training = app.add_subcommand("training", "Trainings: add, list, signup, cancel-signup, attend, grant");
    training->require_subcommand(1);
    m_t_add = training->add_subcommand("add", "Schedule a training; prints its number");
    m_t_add->add_option("--skill", m_skill, "Skill taught (name or number)")->required();
    m_t_add->add_option("--at", m_at, "Start, local time \"YYYY-MM-DD HH:MM\"")->required();
    m_t_add->add_option("--minutes", m_minutes, "Length in minutes (default 120)");
    m_t_add->add_option("--capacity", m_capacity, "Places (then a waiting list)")->required();
    m_t_add->add_option("--trainer", m_trainer, "Trainer's member number")->required();
    m_t_add->add_option("--level", m_level, "Level granted to attendees: 1, 2 (default) or 3");
    m_t_add->add_option("--note", m_note, "Shown with the training");
    m_t_add->add_flag("--later", m_later, "At a repeated hour (DST), the later one");
    m_t_list = training->add_subcommand("list", "Trainings to come and those waiting for their grant");
    m_t_signup = training->add_subcommand("signup", "Sign a member up (waiting list when full)");
    m_t_cancel = training->add_subcommand("cancel-signup", "Cancel a member's place (the first waiting is promoted)");
    m_t_attend = training->add_subcommand("attend", "Mark a member present (while the training runs)");
    for (auto* sub : {m_t_signup, m_t_cancel, m_t_attend}) {
        sub->add_option("ID", m_id, "Training number")->required();
        sub->add_option("--member", m_member, "Member number")->required();
    }
    m_t_grant = training->add_subcommand("grant", "Grant the training's level to every attendee, signed by the trainer");
    m_t_grant->add_option("ID", m_id, "Training number")->required();

    auto* card = app.add_subcommand("card", "Know-how cards: add, list, show");
    card->require_subcommand(1);
    m_c_add = card->add_subcommand("add", "Add a published card from a Markdown file; prints its number");
    m_c_add->add_option("--title", m_title, "Title (default: the file's \"# \" heading)");
    m_c_add->add_option("--file", m_file, "Markdown file: \"# Title\", then a list or \"## \" sections")->required();
    m_c_add->add_option("--skill", m_skills, "Linked skill (name or number), repeatable");
    m_c_add->add_option("--machine", m_machines, "Linked machine (name or number), repeatable");
    m_c_add->add_option("--tool", m_tools, "Linked tool (tag), repeatable");
    m_c_list = card->add_subcommand("list", "Published cards, most helpful first");
    m_c_list->add_option("--skill", m_skill, "Only the cards of this skill");
    m_c_show = card->add_subcommand("show", "Show a card and its steps");
    m_c_show->add_option("ID", m_id, "Card number")->required();

    auto* help = app.add_subcommand("help", "Help in the room: who, ask, opt-in");
    help->require_subcommand(1);
    m_h_who = help->add_subcommand("who", "Who can help with a skill: present now, then usual at this hour");
    m_h_who->add_option("SKILL", m_skill, "Skill (name or number)")->required();
    m_who_member = m_h_who->add_option("--member", m_member, "The member asking (not listed)");
    m_h_ask = help->add_subcommand("ask", "Post a help request for a member who is in");
    m_h_ask->add_option("--member", m_member, "Member number")->required();
    m_h_ask->add_option("--skill", m_skill, "Skill (name or number)")->required();
    m_h_ask->add_option("--text", m_text, "What is needed (140 characters at most)");
    m_h_opt = help->add_subcommand("opt-in", "List a member in \"who can help\" (--off: no longer)");
    m_h_opt->add_option("--member", m_member, "Member number")->required();
    m_h_opt->add_flag("--off", m_off, "Opt out");
}

// [SECTION] Commands
std::optional<int> KnowCommands::run(Context& ctx) {
    const bool any = m_t_add->parsed() || m_t_list->parsed() || m_t_signup->parsed() || m_t_cancel->parsed() ||
                     m_t_attend->parsed() || m_t_grant->parsed() || m_c_add->parsed() || m_c_list->parsed() ||
                     m_c_show->parsed() || m_h_who->parsed() || m_h_ask->parsed() || m_h_opt->parsed();
    if (!any) return std::nullopt;

    // The card file is read and checked before the store is opened.
    std::optional<core::CardText> card_text;
    if (m_c_add->parsed()) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(m_file, ec);
        if (ec || !std::filesystem::is_regular_file(m_file))
            return ctx.fail(kBadInput, problem("Cannot read \"{0}\": no such file", {m_file}));
        if (size > core::kMaxCardFileBytes)
            return ctx.fail(kBadInput, problem("The card file is larger than {0} KiB", {std::to_string(core::kMaxCardFileBytes / 1024)}));
        std::ifstream in(m_file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto parsed = core::parse_card_markdown(ss.str(), m_title.empty());
        if (!parsed) {
            cli_err() << "etabli: " << m_file << ": " << ctx.render(parsed.error()) << '\n';
            return kBadInput;
        }
        card_text = std::move(*parsed);
    }

    if (auto code = ctx.open_station()) return *code;
    auto& station = *ctx.station;
    const auto snap = station.snapshot();
    const app::KnowView& know = *snap->know;
    const app::Calendar& cal = *ctx.calendar;
    auto need_member = [&](core::MemberId id) -> std::optional<int> {
        if (!snap->directory->find(id)) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(id)}));
        return std::nullopt;
    };
    auto need_training = [&](std::int64_t id) -> std::optional<int> {
        if (!know.find_training(id))
            return ctx.fail(kBadInput, problem("No training has the number {0} (see: etabli training list)", {std::to_string(id)}));
        return std::nullopt;
    };
    auto print_training = [&](core::TrainingId id) {
        const auto now_snap = station.snapshot();
        const auto* t = now_snap->know->find_training(id);
        if (!t) return;
        if (ctx.json) {
            cli_out() << training_json(*t).dump() << '\n';
            return;
        }
        cli_out() << fmt::format("{:>4}  {}–{}  {:<24}  {}  {}/{}", t->training.id, t->when, t->end_hhmm, t->skill_name,
                                 t->trainer_name, t->confirmed, t->training.capacity);
        if (t->waiting) cli_out() << "  " << core::fill_placeholders(ctx.t("{0} waiting"), {std::to_string(t->waiting)});
        if (t->training.granted_at) cli_out() << "  " << ctx.t("levels granted");
        cli_out() << '\n';
    };

    if (m_t_add->parsed()) {
        auto skill = find_skill(know, m_skill);
        if (!skill) return ctx.fail(kBadInput, skill.error());
        if (auto c = need_member(m_trainer)) return *c;
        auto start = parse_local(cal, m_at, m_later);
        if (!start) return ctx.fail(kBadInput, start.error());
        if (m_minutes <= 0) return ctx.fail(kBadInput, problem("A training must end after it starts"));
        core::Training t;
        t.skill = *skill;
        t.start = *start;
        t.end = *start + minutes{m_minutes};
        t.capacity = m_capacity;
        t.trainer = m_trainer;
        t.level = m_level;
        t.note = m_note;
        auto r = station.call(app::AddTraining{t, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& added = std::get<core::Training>(*r);
        if (ctx.json) print_training(added.id);
        else cli_out() << added.id << '\n';
        return kDone;
    }
    if (m_t_list->parsed()) {
        if (ctx.json) {
            json arr = json::array();
            for (const auto& t : know.trainings) arr.push_back(training_json(t));
            cli_out() << arr.dump() << '\n';
        } else {
            for (const auto& t : know.trainings) print_training(t.training.id);
        }
        return kDone;
    }
    if (m_t_signup->parsed() || m_t_cancel->parsed() || m_t_attend->parsed()) {
        if (auto c = need_training(m_id)) return *c;
        if (auto c = need_member(m_member)) return *c;
        app::Result r = m_t_signup->parsed()   ? station.call(app::TrainingSignup{m_id, m_member, std::nullopt})
                        : m_t_cancel->parsed() ? station.call(app::TrainingCancelSignup{m_id, m_member, std::nullopt})
                                               : station.call(app::TrainingAttendance{m_id, m_member, std::nullopt});
        if (!r) return refused(ctx, r.error());
        const auto after = station.snapshot();
        const auto* t = after->know->find_training(m_id);
        const auto* place = t ? t->place_of(m_member) : nullptr;
        if (ctx.json) {
            json j{{"training", m_id}, {"member", m_member}, {"state", place ? core::to_string(place->signup.state) : "cancelled"}};
            if (place && place->waiting_position) j["waiting_position"] = *place->waiting_position;
            if (place) j["present"] = place->signup.present_at.has_value();
            cli_out() << j.dump() << '\n';
        } else if (!place) {
            cli_out() << ctx.t("Place cancelled") << '\n';
        } else if (m_t_attend->parsed()) {
            cli_out() << ctx.t("Marked present") << '\n';
        } else if (place->waiting_position) {
            cli_out() << core::fill_placeholders(ctx.t("On the waiting list, position {0}"), {std::to_string(*place->waiting_position)})
                      << '\n';
        } else {
            cli_out() << ctx.t("Signed up") << '\n';
        }
        return kDone;
    }
    if (m_t_grant->parsed()) {
        if (auto c = need_training(m_id)) return *c;
        const auto present = know.find_training(m_id)->present;
        auto r = station.call(app::TrainingGrant{m_id, std::nullopt});
        if (!r) return refused(ctx, r.error());
        if (ctx.json) cli_out() << json{{"training", m_id}, {"granted", present}}.dump() << '\n';
        else cli_out() << core::fill_placeholders(ctx.t("Level granted to {0} attendee(s)"), {std::to_string(present)}) << '\n';
        return kDone;
    }
    if (m_c_add->parsed()) {
        core::Card c;
        c.title = m_title.empty() ? card_text->title : m_title;
        c.steps = card_text->steps;
        for (const auto& s : m_skills) {
            auto id = find_skill(know, s);
            if (!id) return ctx.fail(kBadInput, id.error());
            c.skills.push_back(*id);
        }
        for (const auto& m : m_machines) {
            auto id = find_machine(*snap, m);
            if (!id) return ctx.fail(kBadInput, id.error());
            c.machines.push_back(*id);
        }
        for (const auto& t : m_tools) {
            auto id = find_tool(*snap, t);
            if (!id) return ctx.fail(kBadInput, id.error());
            c.tools.push_back(*id);
        }
        auto r = station.call(app::SaveCard{c, std::nullopt});
        if (!r) return ctx.fail(r.error());
        const auto& added = std::get<core::Card>(*r);
        if (ctx.json) {
            const auto* v = station.snapshot()->know->find_card(added.id);
            cli_out() << (v ? card_json(*v, true) : json{{"id", added.id}}).dump() << '\n';
        } else {
            cli_out() << added.id << '\n';
        }
        return kDone;
    }
    if (m_c_list->parsed()) {
        std::vector<const app::CardView*> cards;
        if (!m_skill.empty()) {
            auto id = find_skill(know, m_skill);
            if (!id) return ctx.fail(kBadInput, id.error());
            cards = know.cards_for_skill(*id);
        } else {
            for (const auto& c : know.cards) cards.push_back(&c);
        }
        json arr = json::array();
        for (const auto* c : cards) {
            if (ctx.json) arr.push_back(card_json(*c, false));
            else cli_out() << fmt::format("{:>4}  {:<48}  {:>3}\n", c->card.id, c->card.title, c->card.helped);
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_c_show->parsed()) {
        const auto* c = know.find_card(m_id);
        if (!c) return ctx.fail(kBadInput, problem("No card has the number {0}", {std::to_string(m_id)}));
        if (ctx.json) {
            cli_out() << card_json(*c, true).dump() << '\n';
            return kDone;
        }
        cli_out() << c->card.title << '\n';
        for (std::size_t i = 0; i < c->card.steps.size(); ++i) {
            cli_out() << fmt::format("{:>2}. {}\n", i + 1, c->card.steps[i].text);
            if (c->card.steps[i].photo) cli_out() << "    [" << *c->card.steps[i].photo << "]\n";
        }
        return kDone;
    }
    if (m_h_who->parsed()) {
        auto skill = find_skill(know, m_skill);
        if (!skill) return ctx.fail(kBadInput, skill.error());
        std::optional<core::MemberId> asker;
        if (m_who_member->count()) {
            if (auto c = need_member(m_member)) return *c;
            asker = m_member;
        }
        auto r = station.call(app::HelpWho{*skill, asker});
        if (!r) return refused(ctx, r.error());
        const auto after = station.snapshot();
        json arr = json::array();
        if (after->know->helpers) {
            for (const auto& h : after->know->helpers->helpers) {
                if (ctx.json) {
                    arr.push_back(json{{"member", h.helper.member},
                                       {"name", h.name},
                                       {"level", h.helper.level},
                                       {"present", h.helper.present},
                                       {"usual", h.helper.usual_count}});
                } else {
                    cli_out() << fmt::format("{:>4}  {:<32}  {}  {}\n", h.helper.member, h.name, h.helper.level,
                                             h.helper.present ? ctx.t("here now")
                                                              : core::fill_placeholders(ctx.t("usually here ({0} times)"),
                                                                                        {std::to_string(h.helper.usual_count)}));
                }
            }
        }
        if (ctx.json) cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (m_h_ask->parsed()) {
        auto skill = find_skill(know, m_skill);
        if (!skill) return ctx.fail(kBadInput, skill.error());
        if (auto c = need_member(m_member)) return *c;
        auto r = station.call(app::AskHelp{m_member, *skill, m_text, std::nullopt});
        if (!r) return refused(ctx, r.error());
        const auto& h = std::get<core::HelpRequest>(*r);
        if (ctx.json) {
            cli_out() << json{{"id", h.id}, {"member", h.asker}, {"skill", h.skill}, {"expires", core::format_timestamp(h.expires_at)}}.dump()
                      << '\n';
        } else {
            cli_out() << h.id << '\n';
        }
        return kDone;
    }
    if (m_h_opt->parsed()) {
        if (auto c = need_member(m_member)) return *c;
        auto r = station.call(app::SetHelpOptIn{m_member, !m_off, std::nullopt});
        if (!r) return refused(ctx, r.error());
        if (ctx.json) cli_out() << json{{"member", m_member}, {"opt_in", !m_off}}.dump() << '\n';
        else cli_out() << (m_off ? ctx.t("No longer listed in \"who can help\"") : ctx.t("Listed in \"who can help\"")) << '\n';
        return kDone;
    }
    return std::nullopt;
}

}  // namespace etabli::cli
