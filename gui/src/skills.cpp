// The kiosk's skills, trainings and help screens (see skills.hpp). The know-how cards
// live in know_how.cpp. Layer: gui. GUI thread only (inside an ImGui frame).
//
// [SECTION] index
//   Helpers      header, rows, pages, names, replies
//   Home         skill_warnings
//   Idle         help requests with "I'll help"
//   Supervision  the prompt while a trainer's badge is awaited
//   Hub          my skills, actions
//   Trainings    sign up, cancel, waiting list
//   Help         pick a skill, who can help, ask
//   Sign-off     skill, level, member, wait for the member's badge
//   Attendance   trainings of a trainer, present list, grant
//   Item         a machine's or tool's skill page
//   Entry        draw_skills and the starters
#include <etabli/gui/skills.hpp>

#include "attendance_search.hpp"
#include "know_how.hpp"
#include "kit.hpp"

#include <algorithm>
#include <cmath>

namespace etabli::gui {

using namespace kit;

// [SECTION] Helpers
namespace skills_detail {

using Step = SkillsUi::Step;

// A new step starts with a clean page; the last outcome stays for one step.
void go(SkillsUi& ui, Step step) {
    ui.step = step;
    ui.page = 0;
}

// Title on the left; an optional extra button and "Back" on the right. Returns 1 for Back,
// 2 for the extra button. Leaves the cursor below the row.
int header(const SkillsScreenView& v, const Box& c, std::string_view title, const std::string& extra,
           const char* extra_id) {
    std::vector<HeaderButton> buttons{{v.tr("Back"), "back"}};
    if (!extra.empty() && extra_id) buttons.push_back({extra, extra_id});
    return header_row(v.fonts, c, title, buttons);
}

int rows_in(float h, float row_h) { return std::max(1, static_cast<int>(std::floor((h + gap()) / (row_h + gap())))); }

// Items per page and page count for `count` rows of `row_h` in `h`, keeping a pager row
// when they do not all fit. Clamps `page`.
Paging paging(std::size_t count, float h, float row_h, int& page) {
    Paging p;
    const int all = rows_in(h, row_h);
    if (static_cast<int>(count) <= all) {
        p.per_page = all;
    } else {
        p.per_page = rows_in(h - touch_height() - gap(), row_h);
        p.pager = true;
    }
    p.pages = std::max(1, static_cast<int>((count + static_cast<std::size_t>(p.per_page) - 1) / static_cast<std::size_t>(p.per_page)));
    page = std::clamp(page, 0, p.pages - 1);
    return p;
}
void draw_pager(int& page, const Paging& p, const Box& b) {
    if (!p.pager) return;
    const float th = touch_height();
    const float bw = ImGui::GetFontSize() * 3.2f;
    page = pager(page, p.pages, b.x, b.y + b.h - th, bw, th);
    at(b.x + 2 * bw + 2 * gap(), b.y + b.h - th + (th - ImGui::GetFontSize()) * 0.5f);
    text_block(std::to_string(page + 1) + " / " + std::to_string(p.pages), "page", ImGui::GetFontSize() * 5,
               Align::left, nullptr, colors::kMuted);
}

std::string level_text(const Tr& tr, int level) { return tr(core::level_name(level)); }

std::string skill_name(const SkillsScreenView& v, core::SkillId id) {
    if (v.skills)
        if (const auto* s = v.skills->find(id)) return s->name;
    if (v.know)
        if (auto it = v.know->skill_names.find(id); it != v.know->skill_names.end()) return it->second;
    return "#" + std::to_string(id);
}

std::string member_name(const SkillsScreenView& v, core::MemberId id) {
    if (v.snap && v.snap->directory)
        if (const auto* m = v.snap->directory->find(id)) return m->display_name;
    return "#" + std::to_string(id);
}

// "samedi 5 décembre, 14:00–16:00"
std::string training_when(const SkillsScreenView& v, const core::Training& t) {
    return v.tr.fmt("{0}, {1}–{2}", {format_day(v.tr.lang, v.clock.day_of(t.start)), v.clock.hhmm(t.start), v.clock.hhmm(t.end)});
}

std::string ordinal_fr_en(core::Lang lang, int n) {
    if (lang == core::Lang::fr) return std::to_string(n) + (n == 1 ? "re" : "e");
    const int t = n % 100;
    const char* suffix = (t >= 11 && t <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return std::to_string(n) + suffix;
}

// The viewer may sign off skills: a host, or level 3 on at least one skill.
bool is_trainer(const SkillsScreenView& v) {
    if (core::can_host(v.viewer.role)) return true;
    if (!v.skills) return false;
    for (const auto* l : v.skills->of_member(v.viewer.id))
        if (l->level.level >= core::kLevelTeach) return true;
    return false;
}

// Trainings the viewer runs (or any, for a host) that take attendance now or wait for grants.
std::vector<const app::TrainingView*> trainer_trainings(const SkillsScreenView& v) {
    std::vector<const app::TrainingView*> out;
    if (!v.know) return out;
    const bool host = core::can_host(v.viewer.role);
    for (const auto& t : v.know->trainings) {
        if (t.training.cancelled || t.training.granted_at) continue;
        if (!host && t.training.trainer != v.viewer.id) continue;
        if (t.running || t.over) out.push_back(&t);
    }
    return out;
}

void handle_replies(const SkillsScreenView& v, SkillsUi& ui) {
    const app::Snapshot& s = *v.snap;
    if (!s.last_reply) return;
    if (ui.pending && s.last_reply->request_id == ui.pending) {
        ui.pending = 0;
        if (s.last_reply->ok) {
            ui.message = ui.pending_text;
            ui.message_ok = true;
            if (ui.after_ok) go(ui, *ui.after_ok);
        } else {
            ui.message = v.tr.problem(s.last_reply->problem);
            ui.message_ok = false;
        }
        ui.after_ok.reset();
    }
    if (ui.helpers_request && s.last_reply->request_id == ui.helpers_request) {
        ui.helpers_request = 0;
        if (!s.last_reply->ok) {
            ui.message = v.tr.problem(s.last_reply->problem);
            ui.message_ok = false;
        }
    }
}

// Posts `c` and remembers what to say and where to go when it succeeds.
void post(SkillsUi& ui, Commands& out, app::Command c, std::string ok_text, std::optional<Step> after) {
    ui.message.clear();
    ui.pending = out.post(std::move(c));
    ui.pending_text = std::move(ok_text);
    ui.after_ok = after;
}

void message_line(const SkillsUi& ui, float x, float y, float w) {
    if (ui.pending) return;
    if (ui.message.empty()) return;
    at(x, y);
    text_block(ui.message, "message", w, Align::left, nullptr, ui.message_ok ? colors::kOk : colors::kError);
}

// The row height of two-line rows: a touch target with room for two lines.
float row_height() { return std::max(touch_height() * 1.25f, ImGui::GetFontSize() * 2.8f); }

// A row's action button width, and the width left for its text, in a row `w` wide.
float action_width(const std::string& action, float w) {
    return action.empty() ? 0.0f : std::min(button_width(action, 5.0f), w * 0.42f);
}
float row_text_width(const std::string& action, float w) {
    const float aw = action_width(action, w);
    return w - (aw > 0 ? aw + gap() : 0.0f) - ImGui::GetFontSize() * 0.6f;
}

// The height a row needs `w` wide: its text and second line wrapped (never cut), its action's
// label wrapped, at least row_height().
float row_need(const std::string& text, const std::string& second, const std::string& action, float w, ImFont* font = nullptr) {
    const float fs = ImGui::GetFontSize();
    const float tw = row_text_width(action, w);
    const float text_h = text_block_height(text, tw, font) + (second.empty() ? 0.0f : text_block_height(second, tw));
    const float aw = action_width(action, w);
    const float bh = aw > 0 ? label_height(action, aw - fs * 0.15f, touch_height()) + fs * 0.3f : 0.0f;
    return std::max({row_height(), text_h + fs * 0.6f, bh});
}

// A row: text and a muted second line on the left, both wrapped, an optional button on the
// right. Returns true when the button was tapped. `row_need` is the height it takes.
bool row(const Box& r, const std::string& text, const std::string& second, ImU32 color, const std::string& action,
         const ButtonOpts& action_opts, ImFont* font = nullptr) {
    const float fs = ImGui::GetFontSize();
    const float aw = action_width(action, r.w);
    const float tw = row_text_width(action, r.w);
    panel(r);
    const float first_h = text_block_height(text, tw, font);
    const float text_h = first_h + (second.empty() ? 0.0f : text_block_height(second, tw));
    const float ty = r.y + std::max(fs * 0.3f, (r.h - text_h) * 0.5f);
    at(r.x + fs * 0.3f, ty);
    {
        FontScope f(font);
        text_block(text, "text", tw, Align::left, nullptr, color);
    }
    if (!second.empty()) {
        at(r.x + fs * 0.3f, ty + first_h);
        text_block(second, "second", tw, Align::left, nullptr, colors::kMuted);
    }
    if (aw <= 0) return false;
    const float bh = std::min(r.h - fs * 0.3f, std::max(touch_height(), label_height(action, aw - fs * 0.15f, touch_height())));
    at(r.x + r.w - aw - fs * 0.15f, r.y + (r.h - bh) * 0.5f);
    return button(action, "action", ImVec2(aw - fs * 0.15f, bh), action_opts);
}

}  // namespace skills_detail
using namespace skills_detail;

// [SECTION] Home
std::vector<SkillWarning> skill_warnings(const app::SkillsView* skills, core::MemberId member, const Tr& tr) {
    std::vector<SkillWarning> out;
    if (!skills) return out;
    for (const auto* l : skills->of_member(member)) {
        if (!l->level.warn || !l->level.lapses_on) continue;
        const core::Skill* s = skills->find(l->skill);
        out.push_back({tr.fmt("{0}: back to level \"{1}\" on {2} without a session.",
                              {s ? s->name : std::string("?"), tr(core::level_name(core::kLevelLearning)),
                               format_short_date(tr.lang, *l->level.lapses_on)}),
                       tr("Use it, or ask a trainer to renew it.")});
    }
    return out;
}

// [SECTION] Idle
std::vector<IdleHelp> idle_help_requests(const app::KnowView* know, const Tr& tr) {
    std::vector<IdleHelp> out;
    if (!know) return out;
    for (const auto& r : know->help_requests) {
        if (r.request.state != core::HelpState::open) continue;
        out.push_back(IdleHelp{r.request.id, tr.problem(r.banner)});  // with the asker's words, if any
    }
    return out;
}

namespace {
// A help request's row: the text with its button beside it, or above it when that is
// shorter (a narrow column at larger text).
struct HelpRow {
    bool stacked = false;
    float h = 0, text_w = 0, bw = 0;
};
HelpRow help_row(const std::string& text, const Tr& tr, float w) {
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const float pad = fs * 0.35f;
    const float label_w = std::max(button_width(tr("I'll help"), 4.0f), button_width(tr("Cancel"), 4.0f));
    HelpRow side;
    side.bw = std::min(label_w, w * 0.4f);
    side.text_w = w - side.bw - gap() - 2 * pad;
    side.h = std::max(th + 2 * pad, text_block_height(text, side.text_w) + 2 * pad);
    HelpRow stacked;
    stacked.stacked = true;
    stacked.bw = std::min(label_w, w - 2 * pad);
    stacked.text_w = w - 2 * pad;
    stacked.h = text_block_height(text, stacked.text_w) + gap() + th + 2 * pad;
    return stacked.h < side.h ? stacked : side;
}

// The countdown of a helper's badge ("Tap your badge now to help (25 s).").
std::string help_countdown(const IdleHelpUi& ui, const Tr& tr, double now) {
    const int left = static_cast<int>(std::ceil(kHelpCaptureSeconds - (now - ui.offered_at)));
    return tr.fmt("Tap your badge now to help ({0} s).", {std::to_string(std::max(left, 0))});
}
}  // namespace

float idle_help_need(const std::vector<IdleHelp>& requests, const IdleHelpUi& ui, const Tr& tr, float w, double now) {
    const float fs = ImGui::GetFontSize();
    float h = 0;
    if (!ui.thanks.empty()) h += text_block_height(ui.thanks, w, title_font(nullptr)) + fs * 0.3f;
    if (!ui.problem.empty()) h += text_block_height(ui.problem, w) + fs * 0.3f;
    for (const auto& r : requests)
        h += help_row(ui.offering == r.id ? help_countdown(ui, tr, now) + " " + r.text : r.text, tr, w).h + fs * 0.4f;
    return h;
}

float draw_idle_help(const std::vector<IdleHelp>& requests, IdleHelpUi& ui, const Tr& tr, float x, float y, float w,
                     float bottom, double now, const app::KnowCaptureView* capture, Commands& out) {
    IdScope scope("help");
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    // The station took the helper's badge (that tap checked nobody in or out), or refused one.
    if (capture && capture->seq != ui.capture_seq) {
        ui.capture_seq = capture->seq;
        if (ui.offering && capture->answered && capture->answered->id == ui.offering && !capture->help) {
            ui.thanks = tr.fmt("Thank you {0}! {1} is waiting for you.",
                               {first_name(capture->answered_helper_name), first_name(capture->answered_asker_name)});
            ui.thanks_at = now;
            ui.offering = 0;
            ui.problem.clear();
        } else if (ui.offering && capture->problem) {
            ui.problem = tr.problem(*capture->problem);
            ui.problem_at = now;
            if (!capture->help) ui.offering = 0;
        }
    }
    if (ui.offering && now - ui.offered_at > kHelpCaptureSeconds) ui.offering = 0;
    if (!ui.thanks.empty() && now - ui.thanks_at > kHelpThanksSeconds) ui.thanks.clear();
    if (!ui.problem.empty() && now - ui.problem_at > kHelpThanksSeconds) ui.problem.clear();
    if (!ui.thanks.empty() && y + fs * 2 <= bottom) {
        at(x, y + fs * 0.3f);
        text_block(ui.thanks, "thanks", w, Align::left, title_font(nullptr), colors::kOk);
        y = ImGui::GetCursorPosY();
    }
    if (!ui.problem.empty() && y + fs * 2 <= bottom) {
        at(x, y + fs * 0.3f);
        text_block(ui.problem, "problem", w, Align::left, nullptr, colors::kError);
        y = ImGui::GetCursorPosY();
    }
    const std::string offer = tr("I'll help");
    const std::string cancel = tr("Cancel");
    for (const auto& r : requests) {
        const float pad = fs * 0.35f;
        const bool waiting = ui.offering == r.id;
        const std::string countdown = help_countdown(ui, tr, now);
        std::string text = waiting ? countdown + " " + r.text : r.text;
        HelpRow lay = help_row(text, tr, w);
        if (waiting && y + fs * 0.4f + lay.h > bottom) {  // larger text: the helper knows whom they help
            text = countdown;
            lay = help_row(text, tr, w);
        }
        const float h = lay.h, text_w = lay.text_w, bw = lay.bw;
        if (y + fs * 0.4f + h > bottom) break;
        const float by = y + fs * 0.4f;
        IdScope row(r.id);
        const ImVec2 wp = ImGui::GetWindowPos();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(wp.x + x, wp.y + by), ImVec2(wp.x + x + w, wp.y + by + h),
                                                  waiting ? colors::kSelected : colors::kPanel, fs * 0.3f);
        at(x + pad, by + pad);
        text_block(text, "text", text_w, Align::left, nullptr, waiting ? colors::kText : colors::kAccent);
        at(x + w - bw - pad, lay.stacked ? by + h - pad - th : by + (h - th) * 0.5f);
        ButtonOpts o;
        o.tone = waiting ? Tone::quiet : Tone::primary;
        if (waiting) {
            if (button(cancel, "cancel", ImVec2(bw, th), o)) {
                ui.offering = 0;
                out.post(app::CancelHelpCapture{});
            }
        } else if (button(offer, "offer", ImVec2(bw, th), o)) {
            ui.offering = r.id;
            ui.offered_at = now;
            ui.thanks.clear();
            ui.problem.clear();
            if (capture) ui.capture_seq = capture->seq;  // older outcomes are not this offer's
            out.post(app::OfferHelp{r.id, 0});
        }
        y = by + h;
    }
    return y;
}

// [SECTION] Tools
const core::Tool* skill_refused_tool(const app::Snapshot& s) {
    if (!s.tools || !s.tools->flow || !s.tools->flow->problem) return nullptr;
    const core::Problem& p = *s.tools->flow->problem;
    if (p.msgid != "Skill needed for {0}: {1} at level {2} (you are at level {3})" || p.args.empty()) return nullptr;
    for (const auto& t : s.tools->tools)
        if (t.name == p.args[0]) return &t;
    return nullptr;
}

// [SECTION] Supervision
const app::PendingSupervision* supervision_for(const app::Snapshot& s, const app::SkillsView* skills,
                                              core::MemberId member) {
    if (!skills) return nullptr;
    for (const auto& p : skills->supervision)
        if (p.member == member && p.expires_at > s.at) return &p;
    return nullptr;
}

bool draw_supervision(const app::PendingSupervision& p, const Tr& tr, const Fonts* fonts, const app::Snapshot& s,
                      const app::SkillsView* skills, double seconds_left) {
    IdScope scope("supervise");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    std::string machine = "#" + std::to_string(p.machine);
    for (const auto& m : s.machines)
        if (m.machine.id == p.machine) machine = m.machine.name;
    std::string skill = "#" + std::to_string(p.skill);
    if (skills)
        if (const auto* k = skills->find(p.skill)) skill = k->name;
    const float w = std::min(c.w, fs * 32);
    const float x = c.x + (c.w - w) * 0.5f;
    const std::string title = tr("A trainer badges to confirm");
    const std::string body = tr.fmt("You are learning {0}: you may use {1} while a member who can teach it, or a host, "
                                    "is with you. They tap their badge on the kiosk reader or the machine's reader.",
                                    {skill, machine});
    const std::string left = tr.fmt("{0} s left", {std::to_string(static_cast<int>(std::max(0.0, seconds_left) + 0.999))});
    // The large and title fonts, each a size smaller when the screen cannot hold them (larger text).
    ImFont* title_f = large_font(fonts);
    ImFont* body_f = title_font(fonts);
    const auto need = [&] {
        return text_block_height(title, w, title_f) + fs * 0.6f + text_block_height(body, w, body_f) + fs * 2.0f;
    };
    if (need() > c.h - th - fs) {
        title_f = title_font(fonts);
        body_f = nullptr;
    }
    const float h = need();
    const float top = c.y + std::max(0.0f, (c.h - th - fs - h) * 0.5f);
    at(x, top);
    text_block(title, "title", w, Align::left, title_f, colors::kAccent);
    at(x, ImGui::GetCursorPosY() + fs * 0.6f);
    text_block(body, "body", w, Align::left, body_f);
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(left, "left", w, Align::left, nullptr, colors::kMuted);
    const std::string cancel = tr("Cancel");
    const float cw = std::min(c.w, button_width(cancel, 8.0f));
    at(c.x + (c.w - cw) * 0.5f, c.y + c.h - th);
    return button(cancel, "cancel", ImVec2(cw, th));
}

// [SECTION] Hub
namespace {

// One row per skill of the member: "Laser cutter · autonomous", then the lapse or expiry date.
std::string my_skill_line(const SkillsScreenView& v, const app::MemberSkillView& l, ImU32& color, std::string& detail) {
    const std::string line = skill_name(v, l.skill) + " · " + level_text(v.tr, l.level.level);
    color = colors::kText;
    detail.clear();
    if (l.level.expired) {
        detail = v.tr("expired");
        color = colors::kError;
    } else if (l.level.lapsed) {
        detail = v.tr("lapsed: a trainer can renew it");
        color = colors::kAccent;
    } else if (l.level.lapses_on) {
        detail = v.tr.fmt("until {0} without a session", {format_short_date(v.tr.lang, *l.level.lapses_on)});
        if (l.level.warn) color = colors::kAccent;
    } else if (l.grant.expires) {
        detail = v.tr.fmt("until {0}", {format_short_date(v.tr.lang, *l.grant.expires)});
    }
    return line;
}

Next step_hub(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("hub");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, c, v.tr("My skills"), {}, nullptr) == 1) return Next::home;
    const float top = ImGui::GetCursorPosY();

    // Actions on the right.
    struct Action {
        std::string label;
        const char* id;
        Step step;
        std::string caption;
    };
    std::vector<Action> actions;
    std::size_t upcoming = 0;
    if (v.know)
        for (const auto& t : v.know->trainings)
            if (!t.over && !t.training.cancelled) ++upcoming;
    actions.push_back({v.tr("Trainings"), "trainings", Step::trainings,
                       upcoming ? v.tr.fmt("{0} coming up", {std::to_string(upcoming)}) : std::string()});
    actions.push_back({v.tr("Who can help me?"), "who", Step::help_skill, {}});
    actions.push_back({v.tr("Ask for help"), "ask", Step::help_skill, {}});
    actions.push_back({v.tr("Know-how cards"), "cards", Step::cards, {}});
    if (is_trainer(v)) {
        actions.push_back({v.tr("Sign off a skill"), "signoff", Step::signoff_skill, {}});
        const auto mine = trainer_trainings(v);
        actions.push_back({v.tr("Attendance and grants"), "attendance", Step::attendance_list,
                           mine.empty() ? std::string() : v.tr.fmt("{0} to do", {std::to_string(mine.size())})});
    }
    const float side_w = std::max(std::floor(c.w * 0.34f), fs * 10.0f);
    const float side_x = c.x + c.w - side_w;
    const float avail = c.y + c.h - top;
    const float bh = std::min(th * 1.4f, (avail - static_cast<float>(actions.size() - 1) * gap()) / static_cast<float>(actions.size()));
    for (std::size_t i = 0; i < actions.size(); ++i) {
        at(side_x, top + static_cast<float>(i) * (bh + gap()));
        ButtonOpts o;
        o.tone = Tone::selected;
        // A caption needs the room of a second line.
        if (bh >= fs * 2.6f) o.caption = actions[i].caption;
        if (button(actions[i].label, actions[i].id, ImVec2(side_w, bh), o)) {
            ui.message.clear();
            ui.asking = std::string_view(actions[i].id) == "ask";
            ui.back_to = Step::hub;
            ui.machine = ui.tool = ui.card_skill = 0;
            ui.cards_back = Step::hub;
            go(ui, actions[i].step);
        }
    }

    // My skills on the left.
    const float left_w = c.w - side_w - fs;
    float y = top;
    if (!ui.message.empty()) {
        at(c.x, y);
        text_block(ui.message, "message", left_w, Align::left, nullptr, ui.message_ok ? colors::kOk : colors::kError);
        y = ImGui::GetCursorPosY() + gap();
    }
    std::vector<const app::MemberSkillView*> mine;
    if (v.skills)
        for (const auto* l : v.skills->of_member(v.viewer.id))
            if (l->grant.level > 0) mine.push_back(l);
    if (mine.empty()) {
        at(c.x, y);
        text_block(v.tr("No skill yet. Sign up for a training, or ask a trainer to show you a machine."), "none", left_w,
                   Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY() + gap();
    }
    // My trainings under the skills: what I signed up for.
    std::vector<const app::TrainingView*> signed_up;
    if (v.know)
        for (const auto& t : v.know->trainings)
            if (!t.over && !t.training.cancelled && t.place_of(v.viewer.id)) signed_up.push_back(&t);
    const float line_h = fs * 1.45f;
    const float skill_h = fs * 2.5f;  // the skill and level, then its date, muted
    const float train_h = signed_up.empty() ? 0.0f : fs * 1.6f + line_h * static_cast<float>(std::min<std::size_t>(signed_up.size(), 2));
    const Box list{c.x, y, left_w, c.y + c.h - y - train_h};
    const Paging p = paging(mine.size(), list.h, skill_h - gap(), ui.page);
    {
        IdScope rows("skills");
        for (int i = 0; i < p.per_page; ++i) {
            const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
            if (k >= mine.size()) break;
            IdScope r(mine[k]->skill);
            ImU32 color = colors::kText;
            std::string detail;
            const std::string line = my_skill_line(v, *mine[k], color, detail);
            at(c.x, list.y + static_cast<float>(i) * skill_h);
            text_block(ellipsize(line, left_w), "line", left_w, Align::left, nullptr, color);
            if (!detail.empty()) {
                at(c.x, list.y + static_cast<float>(i) * skill_h + fs * 1.15f);
                text_block(ellipsize(detail, left_w), "detail", left_w, Align::left, nullptr,
                           color == colors::kText ? colors::kMuted : color);
            }
        }
        draw_pager(ui.page, p, list);
    }
    if (!signed_up.empty()) {
        IdScope mine_scope("mine");
        at(c.x, c.y + c.h - train_h + fs * 0.2f);
        text_block(v.tr("My trainings"), "title", left_w, Align::left, nullptr, colors::kMuted);
        for (std::size_t i = 0; i < signed_up.size() && i < 2; ++i) {
            const auto* tv = signed_up[i];
            const auto* place = tv->place_of(v.viewer.id);
            // The waiting list first: it is what the member must know.
            std::string line = tv->skill_name + " · " + format_day(v.tr.lang, v.clock.day_of(tv->training.start)) + " " +
                               v.clock.hhmm(tv->training.start);
            if (place && place->waiting_position)
                line = v.tr.fmt("Waiting list ({0}): {1}", {ordinal_fr_en(v.tr.lang, *place->waiting_position), line});
            IdScope r(tv->training.id);
            at(c.x, c.y + c.h - train_h + fs * 1.6f + static_cast<float>(i) * line_h);
            text_block(ellipsize(line, left_w), "line", left_w);
        }
    }
    return Next::stay;
}

// [SECTION] Trainings
Next step_trainings(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("trainings");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    if (header(v, c, v.tr("Trainings"), {}, nullptr) == 1) {
        go(ui, ui.back_to == Step::trainings ? Step::hub : ui.back_to);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    if (!ui.message.empty() || ui.pending) {
        at(c.x, y);
        text_block(ui.pending ? v.tr("Saving…") : ui.message, "message", c.w, Align::left, nullptr,
                   ui.pending || ui.message_ok ? colors::kOk : colors::kError);
        y = ImGui::GetCursorPosY() + gap() * 0.5f;
    }
    std::vector<const app::TrainingView*> list;
    if (v.know)
        for (const auto& t : v.know->trainings)
            if (!t.over && !t.training.cancelled && (ui.card_skill == 0 || t.training.skill == ui.card_skill)) list.push_back(&t);
    if (list.empty()) {
        at(c.x, y);
        text_block(v.tr("No training is planned yet. Ask a host."), "none", c.w, Align::left, nullptr, colors::kMuted);
        return Next::stay;
    }
    // Each row's words first: the rows are as tall as the longest needs (larger text wraps them).
    struct Line {
        std::string text, second, action;
        ImU32 color = colors::kText;
        ButtonOpts o;
    };
    std::vector<Line> lines;
    for (const app::TrainingView* tp : list) {
        const app::TrainingView& t = *tp;
        const auto* place = t.place_of(v.viewer.id);
        const int left = std::max(0, t.training.capacity - t.confirmed);
        Line l;
        l.second = v.tr.fmt("With {0} · level \"{1}\" · {2} of {3} places taken",
                            {t.trainer_name, level_text(v.tr, t.training.level), std::to_string(t.confirmed),
                             std::to_string(t.training.capacity)});
        if (place) {
            l.action = v.tr("Cancel my place");
            if (place->waiting_position) {
                l.second = v.tr.fmt("You are {0} on the waiting list", {ordinal_fr_en(v.tr.lang, *place->waiting_position)}) + " · " + l.second;
                l.color = colors::kAccent;
            } else {
                l.second = v.tr("You are signed up") + " · " + l.second;
                l.color = colors::kOk;
            }
        } else {
            l.action = left > 0 ? v.tr("Sign up") : v.tr("Join the waiting list");
            l.o.tone = Tone::primary;
        }
        l.o.enabled = ui.pending == 0;
        l.text = t.skill_name + " · " + training_when(v, t.training);
        lines.push_back(std::move(l));
    }
    float rh = row_height();
    for (const auto& l : lines) rh = std::max(rh, row_need(l.text, l.second, l.action, c.w));
    const Box b{c.x, y, c.w, c.y + c.h - y};
    const Paging p = paging(list.size(), b.h, rh, ui.page);
    for (int i = 0; i < p.per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
        if (k >= list.size()) break;
        const app::TrainingView& t = *list[k];
        IdScope r(t.training.id);
        const auto* place = t.place_of(v.viewer.id);
        const int left = std::max(0, t.training.capacity - t.confirmed);
        const Line& l = lines[k];
        if (row(Box{c.x, y + static_cast<float>(i) * (rh + gap()), c.w, rh}, l.text, l.second, l.color, l.action, l.o)) {
            if (place)
                post(ui, out, app::TrainingCancelSignup{t.training.id, v.viewer.id, v.viewer.id},
                     v.tr.fmt("Your place for {0} is cancelled.", {t.skill_name}));
            else
                post(ui, out, app::TrainingSignup{t.training.id, v.viewer.id, v.viewer.id},
                     left > 0 ? v.tr.fmt("You are signed up for {0}.", {t.skill_name})
                              : v.tr.fmt("You are on the waiting list for {0}.", {t.skill_name}));
        }
    }
    draw_pager(ui.page, p, b);
    (void)fs;
    return Next::stay;
}

// [SECTION] Help
// The skills to pick from: every skill of the catalogue, by name.
std::vector<const core::Skill*> all_skills(const SkillsScreenView& v) {
    std::vector<const core::Skill*> out;
    if (v.skills)
        for (const auto& s : v.skills->skills) out.push_back(&s);
    return out;
}

// A grid of skill buttons; returns the skill tapped.
std::optional<core::SkillId> skill_grid(const SkillsScreenView& v, SkillsUi& ui, const std::vector<const core::Skill*>& skills,
                                        const Box& b) {
    IdScope scope("skill");
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (skills.empty()) {
        at(b.x, b.y);
        text_block(v.tr("No skill in the catalogue yet."), "none", b.w, Align::left, nullptr, colors::kMuted);
        return std::nullopt;
    }
    const int cols = b.w > fs * 36 ? 3 : 2;
    const float cw = (b.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const float rh = captioned_height(th * 1.2f);
    const std::size_t rows_total = (skills.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
    const Paging p = paging(rows_total, b.h, rh, ui.page);
    std::optional<core::SkillId> tapped;
    for (int r = 0; r < p.per_page; ++r)
        for (int col = 0; col < cols; ++col) {
            const std::size_t k = static_cast<std::size_t>((ui.page * p.per_page + r) * cols + col);
            if (k >= skills.size()) break;
            IdScope id(skills[k]->id);
            at(b.x + static_cast<float>(col) * (cw + gap()), b.y + static_cast<float>(r) * (rh + gap()));
            ButtonOpts o;
            if (!skills[k]->category.empty()) o.caption = skills[k]->category;
            if (button(ellipsize(skills[k]->name, cw - fs), "pick", ImVec2(cw, rh), o)) tapped = skills[k]->id;
        }
    draw_pager(ui.page, p, b);
    return tapped;
}

Next step_help_skill(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("help_skill");
    const Box c = content();
    if (header(v, c, ui.asking ? v.tr("Ask for help: which skill?") : v.tr("Help: which skill?"), {}, nullptr) == 1) {
        go(ui, ui.back_to);
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY();
    if (auto s = skill_grid(v, ui, all_skills(v), Box{c.x, y, c.w, c.y + c.h - y})) {
        ui.skill = *s;
        ui.message.clear();
        if (ui.asking) {
            ui.text.clear();
            ui.keys = KeyboardState{true, false, false};
            go(ui, Step::help_ask);
        } else {
            ui.helpers_request = out.post(app::HelpWho{*s, v.viewer.id});
            go(ui, Step::help_who);
        }
    }
    return Next::stay;
}

Next step_help_who(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("help_who");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const int r = header(v, c, v.tr.fmt("Help: {0}", {skill_name(v, ui.skill)}), v.tr("Ask for help"), "ask");
    if (r == 1) {
        go(ui, Step::help_skill);
        return Next::stay;
    }
    if (r == 2) {
        ui.asking = true;
        ui.text.clear();
        go(ui, Step::help_ask);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    const app::HelpersView* h = v.know && v.know->helpers && v.know->helpers->skill == ui.skill ? &*v.know->helpers : nullptr;
    if (!h || ui.helpers_request) {
        at(c.x, y);
        text_block(ui.message.empty() ? v.tr("Please wait…") : ui.message, "wait", c.w, Align::left, nullptr,
                   ui.message.empty() ? colors::kMuted : colors::kError);
        return Next::stay;
    }
    std::vector<const app::HelperView*> here, usual;
    for (const auto& x : h->helpers) (x.helper.present ? here : usual).push_back(&x);
    if (here.empty() && usual.empty()) {
        at(c.x, y);
        text_block(v.tr("Nobody who opted in can help with this skill right now. Ask for help: the request shows on the "
                        "idle screen."),
                   "nobody", c.w, Align::left, title_font(v.fonts), colors::kMuted);
        return Next::stay;
    }
    // Two columns on wide screens (here now | usually here), one list otherwise.
    const bool wide = c.w > fs * 40;
    const float col_w = wide ? (c.w - fs) / 2 : c.w;
    const float line_h = fs * 1.45f;
    auto column = [&](const char* id, const std::string& title, const std::vector<const app::HelperView*>& list, float x,
                      float y0, float bottom, bool present) {
        IdScope s(id);
        at(x, y0);
        text_block(title, "title", col_w, Align::left, title_font(v.fonts), present ? colors::kOk : colors::kAccent);
        float yy = ImGui::GetCursorPosY();
        if (list.empty()) {
            at(x, yy);
            text_block(v.tr("Nobody."), "none", col_w, Align::left, nullptr, colors::kMuted);
            return ImGui::GetCursorPosY();
        }
        std::size_t shown = 0;
        for (const auto* hv : list) {
            if (yy + line_h > bottom) {
                at(x, yy);
                text_block(v.tr.fmt("…and {0} more", {std::to_string(list.size() - shown)}), "more", col_w, Align::left,
                           nullptr, colors::kMuted);
                yy += line_h;
                break;
            }
            IdScope r2(hv->helper.member);
            std::string line = hv->name + " · " + level_text(v.tr, hv->helper.level);
            if (!present)
                line += " · " + v.tr.fmt("here {0} times at this hour", {std::to_string(hv->helper.usual_count)});
            at(x, yy);
            text_block(ellipsize(line, col_w), "line", col_w);
            yy += line_h;
            ++shown;
        }
        return yy;
    };
    const float bottom = c.y + c.h;
    if (wide) {
        column("here", v.tr("Here now"), here, c.x, y, bottom, true);
        column("usual", v.tr("Usually here at this time"), usual, c.x + col_w + fs, y, bottom, false);
    } else {
        const float mid = y + (bottom - y) * (usual.empty() ? 1.0f : here.empty() ? 0.3f : 0.55f);
        y = column("here", v.tr("Here now"), here, c.x, y, mid, true);
        column("usual", v.tr("Usually here at this time"), usual, c.x, y + fs * 0.3f, bottom, false);
    }
    (void)th;
    return Next::stay;
}

Next step_help_ask(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("help_ask");
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    const int r = header(v, c, v.tr.fmt("Ask for help: {0}", {skill_name(v, ui.skill)}), {}, nullptr);
    if (r == 1) {
        go(ui, Step::help_skill);
        return Next::stay;
    }
    float y = ImGui::GetCursorPosY();
    const std::string post_label = v.tr("Post my request");
    const float pw = button_width(post_label, 6.0f);
    at(c.x, y);
    text_field(ui.text, v.tr("A few words (optional): e.g. rear wheel, 28 inches"), "field", ImVec2(c.w - pw - gap(), th));
    at(c.x + c.w - pw, y);
    ButtonOpts o;
    o.tone = Tone::primary;
    o.enabled = ui.pending == 0;
    if (button(post_label, "post", ImVec2(pw, th), o)) {
        ui.back_to = Step::hub;
        post(ui, out, app::AskHelp{v.viewer.id, ui.skill, ui.text, v.viewer.id},
             v.tr("Your request shows on the idle screen until someone helps (45 minutes at most)."), Step::hub);
    }
    y += th + gap();
    if (!ui.message.empty() && !ui.message_ok) {
        at(c.x, y);
        text_block(ui.message, "message", c.w, Align::left, nullptr, colors::kError);
        y = ImGui::GetCursorPosY() + gap() * 0.5f;
    }
    const float kb_h = c.y + c.h - y;
    at(c.x, y);
    draw_keyboard(ui.text, ui.keys, v.tr.lang, ImVec2(c.w, kb_h), 140, v.tr);
    (void)fs;
    return Next::stay;
}

// [SECTION] Sign-off
std::vector<const core::Skill*> signable_skills(const SkillsScreenView& v) {
    std::vector<const core::Skill*> out;
    if (!v.skills) return out;
    const bool host = core::can_host(v.viewer.role);
    for (const auto& s : v.skills->skills)
        if (host || v.skills->effective(v.viewer.id, s.id) >= core::kLevelTeach) out.push_back(&s);
    return out;
}

Next step_signoff_skill(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("signoff_skill");
    const Box c = content();
    if (header(v, c, v.tr("Sign off a skill: which one?"), {}, nullptr) == 1) {
        go(ui, Step::hub);
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY();
    if (auto s = skill_grid(v, ui, signable_skills(v), Box{c.x, y, c.w, c.y + c.h - y})) {
        ui.skill = *s;
        ui.message.clear();
        go(ui, Step::signoff_level);
    }
    return Next::stay;
}

Next step_signoff_level(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("signoff_level");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, c, v.tr.fmt("{0}: which level?", {skill_name(v, ui.skill)}), {}, nullptr) == 1) {
        go(ui, Step::signoff_skill);
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY() + fs * 0.5f;
    // Level 0 withdraws a skill: a trainer may need it after an incident.
    const int levels[] = {1, 2, 3, 0};
    const float bw = (c.w - 3 * gap()) / 4;
    const float bh = std::max(th * 2.0f, fs * 3.2f);
    const bool host = core::can_host(v.viewer.role);
    const int own = v.skills ? v.skills->effective(v.viewer.id, ui.skill) : 0;
    const char* hints[] = {core::N_("learning: may use it with a trainer present"), core::N_("autonomous: may use it alone"),
                           core::N_("can teach: may train and sign off others"), core::N_("none: withdraws the skill")};
    for (int i = 0; i < 4; ++i) {
        IdScope id(levels[i]);
        at(c.x + static_cast<float>(i) * (bw + gap()), y);
        ButtonOpts o;
        o.tone = levels[i] == 0 ? Tone::danger : Tone::selected;
        o.enabled = host || levels[i] <= own;
        if (button(level_text(v.tr, levels[i]), "level", ImVec2(bw, bh), o)) {
            ui.level = levels[i];
            ui.search.clear();
            go(ui, Step::signoff_member);
        }
    }
    float ty = y + bh + fs;
    for (int i = 0; i < 4; ++i) {
        at(c.x, ty);
        text_block(v.tr(hints[i]), "hint" + std::to_string(i), c.w, Align::left, nullptr, colors::kMuted);
        ty = ImGui::GetCursorPosY();
    }
    return Next::stay;
}

Next step_signoff_member(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("signoff_member");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    if (header(v, c, v.tr.fmt("{0} at level \"{1}\": for whom?", {skill_name(v, ui.skill), level_text(v.tr, ui.level)}), {},
               nullptr) == 1) {
        go(ui, Step::signoff_level);
        return Next::stay;
    }
    const float row_y = ImGui::GetCursorPosY();
    at(c.x, row_y);
    text_field(ui.search, v.tr("Search a name (members here are listed first)"), "search", ImVec2(c.w, th));
    // Members here now first, then everyone else matching the search.
    std::vector<std::pair<core::MemberId, std::string>> people;
    if (v.snap)
        for (const auto& p : v.snap->present)
            if (p.id != v.viewer.id && (ui.search.empty() || name_matches(p.name, ui.search))) people.emplace_back(p.id, p.name);
    if (!ui.search.empty() && v.snap && v.snap->directory)
        for (const auto& [id, m] : v.snap->directory->members) {
            if (id == v.viewer.id || !name_matches(m.display_name, ui.search)) continue;
            if (std::any_of(people.begin(), people.end(), [&](const auto& p) { return p.first == id; })) continue;
            people.emplace_back(id, m.display_name);
        }
    const float kb_h = std::min(c.h * 0.45f, 4 * th + 3 * gap());
    const float kb_y = c.y + c.h - kb_h;
    const float list_y = row_y + th + gap();
    const float msg_h = ui.message.empty() ? 0.0f : outcome_height(ui.message, c.w) + fs * 0.3f;
    const float list_h = kb_y - gap() - list_y - msg_h;
    const int cols = c.w > fs * 30 ? 3 : 2;
    const float cw = (c.w - static_cast<float>(cols - 1) * gap()) / static_cast<float>(cols);
    const std::size_t rows_total = (people.size() + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols);
    const Box lb{c.x, list_y, c.w, list_h};
    const Paging p = paging(rows_total, lb.h, th, ui.page);
    if (people.empty()) {
        at(c.x, list_y);
        text_block(v.tr("Nobody here yet: search a name."), "none", c.w, Align::left, nullptr, colors::kMuted);
    }
    {
        IdScope list("member");
        for (int r = 0; r < p.per_page; ++r)
            for (int col = 0; col < cols; ++col) {
                const std::size_t k = static_cast<std::size_t>((ui.page * p.per_page + r) * cols + col);
                if (k >= people.size()) break;
                IdScope id(people[k].first);
                at(c.x + static_cast<float>(col) * (cw + gap()), list_y + static_cast<float>(r) * (th + gap()));
                ButtonOpts o;
                o.enabled = ui.pending == 0;
                if (button(ellipsize(people[k].second, cw - fs), "pick", ImVec2(cw, th), o)) {
                    ui.member = people[k].first;
                    ui.member_name = people[k].second;
                    ui.signoff_seen = false;
                    ui.signoff_started = v.snap->at;
                    app::StartSignOff so;
                    so.skill = ui.skill;
                    so.member = ui.member;
                    so.level = ui.level;
                    so.signer = v.viewer.id;
                    post(ui, out, so, {}, Step::signoff_wait);
                }
            }
        draw_pager(ui.page, p, lb);
    }
    if (!ui.message.empty()) {
        at(c.x, kb_y - gap() - msg_h + fs * 0.1f);
        text_block(ui.message, "message", c.w, Align::left, nullptr, ui.message_ok ? colors::kOk : colors::kError);
    }
    at(c.x, kb_y);
    if (draw_keyboard(ui.search, ui.keys, v.tr.lang, ImVec2(c.w, kb_h), 40, v.tr)) ui.page = 0;
    return Next::stay;
}

Next step_signoff_wait(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::PendingSignOff* p = v.skills && v.skills->sign_off && v.skills->sign_off->member == ui.member &&
                                           v.skills->sign_off->skill == ui.skill
                                       ? &*v.skills->sign_off
                                       : nullptr;
    if (p) ui.signoff_seen = true;
    // Done: the pending sign-off is gone; the grant is there, or a refusal says why.
    bool done = false, ok = false;
    if (!p && ui.signoff_seen) {
        done = true;
        const auto* l = v.skills ? v.skills->level_of(ui.member, ui.skill) : nullptr;
        ok = l && l->grant.level == ui.level && l->grant.signed_at >= ui.signoff_started &&
             l->grant.signed_by == std::optional<core::MemberId>(v.viewer.id);
        if (ok) {
            ui.message = v.tr.fmt("{0} is now at level \"{1}\" on {2}.", {ui.member_name, level_text(v.tr, ui.level),
                                                                         skill_name(v, ui.skill)});
        } else if (v.skills && v.skills->sign_off_problem) {
            ui.message = v.tr.problem(*v.skills->sign_off_problem);
        } else {
            ui.message = v.tr("The sign-off timed out: start again");
        }
        ui.message_ok = ok;
    }
    if (done) {
        // Back to choosing the next member: a trainer often signs off a whole group.
        go(ui, Step::signoff_member);
        ui.search.clear();
        return step_signoff_member(v, ui, out);
    }
    IdScope scope("signoff_wait");
    const bool cancel_tapped = header(v, c, v.tr.fmt("Sign off {0}", {skill_name(v, ui.skill)}), {}, nullptr) == 1;
    if (cancel_tapped) {
        out.post(app::CancelSignOff{});
        ui.message.clear();
        go(ui, Step::signoff_member);
        return Next::stay;
    }
    const float w = std::min(c.w, fs * 32);
    const float x = c.x + (c.w - w) * 0.5f;
    at(x, c.y + c.h * 0.25f);
    if (ui.pending) {
        text_block(v.tr("Please wait…"), "wait", w, Align::center, title_font(v.fonts), colors::kMuted);
        return Next::stay;
    }
    text_block(v.tr.fmt("{0}, tap your badge to confirm", {first_name(ui.member_name)}), "prompt", w, Align::center,
               large_font(v.fonts), colors::kAccent);
    at(x, ImGui::GetCursorPosY() + fs * 0.5f);
    text_block(v.tr.fmt("{0} at level \"{1}\", signed by {2}", {skill_name(v, ui.skill), level_text(v.tr, ui.level),
                                                                v.viewer.display_name}),
               "what", w, Align::center, title_font(v.fonts));
    if (p && v.skills->sign_off_problem) {  // a wrong badge: the station still waits for the member's
        at(x, ImGui::GetCursorPosY() + fs * 0.5f);
        text_block(v.tr.problem(*v.skills->sign_off_problem), "problem", w, Align::center, nullptr, colors::kError);
    }
    if (p) {
        const double left = std::chrono::duration<double>(p->expires_at - v.snap->at).count() - v.since_snapshot;
        at(x, ImGui::GetCursorPosY() + fs * 0.5f);
        text_block(v.tr.fmt("{0} s left", {std::to_string(static_cast<int>(std::max(0.0, left) + 0.999))}), "left", w,
                   Align::center, nullptr, colors::kMuted);
    }
    (void)th;
    return Next::stay;
}

// [SECTION] Attendance
Next step_attendance_list(const SkillsScreenView& v, SkillsUi& ui, Commands&) {
    IdScope scope("attendance_list");
    const Box c = content();
    if (header(v, c, v.tr("Attendance and grants"), {}, nullptr) == 1) {
        go(ui, Step::hub);
        return Next::stay;
    }
    const float y = ImGui::GetCursorPosY();
    const auto list = trainer_trainings(v);
    if (list.empty()) {
        at(c.x, y);
        text_block(v.tr("No training of yours runs now or waits for its grants."), "none", c.w, Align::left, nullptr,
                   colors::kMuted);
        return Next::stay;
    }
    auto text_of = [&](const app::TrainingView& t) { return t.skill_name + " · " + training_when(v, t.training); };
    auto second_of = [&](const app::TrainingView& t) {
        return v.tr.fmt("{0} present of {1} signed up", {std::to_string(t.present), std::to_string(t.confirmed)}) +
               (t.running ? "" : " · " + v.tr("over: grant the levels"));
    };
    float rh = row_height();
    for (const auto* t : list) rh = std::max(rh, row_need(text_of(*t), second_of(*t), v.tr("Open"), c.w));
    const Box b{c.x, y, c.w, c.y + c.h - y};
    const Paging p = paging(list.size(), b.h, rh, ui.page);
    for (int i = 0; i < p.per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
        if (k >= list.size()) break;
        const auto& t = *list[k];
        IdScope r(t.training.id);
        ButtonOpts o;
        o.tone = Tone::primary;
        if (row(Box{c.x, y + static_cast<float>(i) * (rh + gap()), c.w, rh}, text_of(t), second_of(t), colors::kText, v.tr("Open"), o)) {
            ui.training = t.training.id;
            ui.message.clear();
            go(ui, Step::attendance);
        }
    }
    draw_pager(ui.page, p, b);
    return Next::stay;
}

Next step_attendance(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    if (ui.attendance_adding) {  // "Add by name" over the step (attendance_search.cpp)
        if (const app::TrainingView* t = v.know ? v.know->find_training(ui.training) : nullptr)
            return draw_attendance_add(v, ui, out, *t);
        ui.attendance_adding = false;
    }
    IdScope scope("attendance");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    const app::TrainingView* t = v.know ? v.know->find_training(ui.training) : nullptr;
    if (header(v, c, t ? t->skill_name + " · " + training_when(v, t->training) : v.tr("Training"), {}, nullptr) == 1 || !t) {
        go(ui, Step::attendance_list);
        return Next::stay;
    }
    const float side_w = std::max(std::floor(c.w * 0.34f), fs * 10.0f);
    const float side_x = c.x + c.w - side_w;
    float y = ImGui::GetCursorPosY();
    const float top = y;
    // The side: what to do, the count, the grant; the hint gives way when larger text leaves
    // no room for it.
    const std::string hint = t->running ? v.tr("Members tap their badge on the kiosk reader, or you tap their name.")
                                        : v.tr("The training is over: check who was there, then grant the level.");
    const std::string count = v.tr.fmt("{0} present", {std::to_string(t->present)});
    const std::string level = v.tr.fmt("Level granted: {0}", {level_text(v.tr, t->training.level)});
    const float grant_h = std::max(th, fs * 2.6f);
    const float fixed_h = text_block_height(count, side_w, title_font(v.fonts)) + text_block_height(level, side_w) + th +
                          grant_h + fs * 1.2f + 3 * ImGui::GetStyle().ItemSpacing.y +
                          (ui.message.empty() && !ui.pending ? 0.0f : text_block_height(ui.pending ? v.tr("Saving…") : ui.message, side_w) + gap());
    if (y + text_block_height(hint, side_w) + ImGui::GetStyle().ItemSpacing.y + fixed_h <= c.y + c.h) {
        at(side_x, y);
        text_block(hint, "hint", side_w, Align::left, nullptr, colors::kMuted);
        y = ImGui::GetCursorPosY();
    }
    at(side_x, y + fs * 0.3f);
    text_block(count, "count", side_w, Align::left, title_font(v.fonts), colors::kOk);
    at(side_x, ImGui::GetCursorPosY());
    text_block(level, "level", side_w, Align::left, nullptr, colors::kMuted);
    {  // Walk-ins without their badge are found by name (attendance_search.cpp).
        at(side_x, ImGui::GetCursorPosY() + fs * 0.3f);
        ButtonOpts add;
        add.enabled = ui.pending == 0 && (t->running || t->over) && !t->training.granted_at;
        if (button(v.tr("Add by name"), "add", ImVec2(side_w, th), add)) start_attendance_add(ui);
    }
    at(side_x, c.y + c.h - grant_h);
    ButtonOpts g;
    g.tone = Tone::primary;
    g.enabled = t->present > 0 && ui.pending == 0 && !t->training.granted_at;
    if (button(v.tr("Grant the levels"), "grant", ImVec2(side_w, grant_h), g))
        post(ui, out, app::TrainingGrant{t->training.id, v.viewer.id},
             v.tr.fmt("Level \"{0}\" on {1} granted to {2} members.",
                      {level_text(v.tr, t->training.level), t->skill_name, std::to_string(t->present)}),
             Step::attendance_list);
    {
        const float my = ImGui::GetCursorPosY();
        (void)my;
        if (!ui.message.empty() || ui.pending) {
            const std::string m = ui.pending ? v.tr("Saving…") : ui.message;
            const float mh = text_block_height(m, side_w);
            at(side_x, c.y + c.h - grant_h - gap() - mh);
            text_block(m, "message", side_w, Align::left, nullptr, ui.pending || ui.message_ok ? colors::kOk : colors::kError);
        }
    }

    // The list: signed up (and walk-ins), present ones marked.
    const float left_w = c.w - side_w - fs;
    const Box b{c.x, top, left_w, c.y + c.h - top};
    const Paging p = paging(t->signups.size(), b.h, th, ui.page);
    if (t->signups.empty()) {
        at(c.x, top);
        text_block(v.tr("Nobody signed up yet."), "none", left_w, Align::left, nullptr, colors::kMuted);
    }
    IdScope list("member");
    for (int i = 0; i < p.per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * p.per_page + i);
        if (k >= t->signups.size()) break;
        const auto& s = t->signups[k];
        IdScope r(s.signup.member);
        const bool here = s.signup.present_at.has_value();
        ButtonOpts o;
        o.tone = here ? Tone::selected : Tone::normal;
        o.enabled = !here && ui.pending == 0 && (t->running || t->over) && !t->training.granted_at;
        std::string label = s.member_name;
        if (here) label = v.tr.fmt("{0}: present", {s.member_name});
        else if (s.waiting_position) label = v.tr.fmt("{0} (waiting list)", {s.member_name});
        at(c.x, top + static_cast<float>(i) * (th + gap()));
        if (button(ellipsize(label, left_w - fs), "mark", ImVec2(left_w, th), o))
            post(ui, out, app::TrainingAttendance{t->training.id, s.signup.member, v.viewer.id},
                 v.tr.fmt("{0} is present.", {s.member_name}));
    }
    draw_pager(ui.page, p, b);
    (void)y;
    return Next::stay;
}

// [SECTION] Item
Next step_item(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("item");
    const Box c = content();
    const float fs = ImGui::GetFontSize();
    const float th = touch_height();
    std::string name;
    std::optional<core::SkillRequirement> req;
    std::vector<const app::CardView*> cards;
    if (ui.machine) {
        for (const auto& m : v.snap->machines)
            if (m.machine.id == ui.machine) name = m.machine.name;
        if (v.skills)
            if (auto it = v.skills->machines.find(ui.machine); it != v.skills->machines.end()) req = it->second;
        if (v.know) cards = v.know->cards_for_machine(ui.machine);
    } else {
        if (const auto* t = v.snap->tools ? v.snap->tools->find(ui.tool) : nullptr) name = t->name;
        if (v.skills)
            if (auto it = v.skills->tools.find(ui.tool); it != v.skills->tools.end()) req = it->second;
        if (v.know) cards = v.know->cards_for_tool(ui.tool);
    }
    // What the left column says: the skill needed, my level, what to do, the next training.
    const int have = req && v.skills ? v.skills->effective(v.viewer.id, req->skill) : 0;
    const bool short_of = req && have < req->level;
    const bool supervised = short_of && ui.machine && core::supervision_possible(have, req->level);
    const std::string needed =
        req ? v.tr.fmt("Skill needed: {0}, level \"{1}\"", {skill_name(v, req->skill), level_text(v.tr, req->level)}) : "";
    const std::string your_level = v.tr.fmt("Your level: {0}", {level_text(v.tr, have)});
    const std::string what = supervised ? v.tr("You may use it while a member who can teach it, or a host, confirms with their "
                                               "badge: tap Start, then they badge within 60 s.")
                                        : v.tr("Take the training below, or ask a trainer to show you and sign you off.");
    const std::string start = v.tr("Start with a trainer");
    const app::TrainingView* next = short_of && v.know ? v.know->next_training(req->skill) : nullptr;
    const auto* place = next ? next->place_of(v.viewer.id) : nullptr;
    const int places_left = next ? std::max(0, next->training.capacity - next->confirmed) : 0;
    const std::string next_text = next ? v.tr.fmt("Next training: {0}", {training_when(v, next->training)}) : "";
    std::string next_second =
        next ? v.tr.fmt("With {0} · {1} places left", {next->trainer_name, std::to_string(places_left)}) : "";
    if (place)
        next_second = place->waiting_position
                          ? v.tr.fmt("You are {0} on the waiting list", {ordinal_fr_en(v.tr.lang, *place->waiting_position)})
                          : v.tr("You are signed up");
    const std::string next_action =
        place ? v.tr("Cancel my place") : (places_left > 0 ? v.tr("Sign up") : v.tr("Join the waiting list"));
    const std::string no_training = v.tr("No training is planned yet. Ask a host.");
    // Its height in width `w`, the description left out (it shows only when there is room).
    // `compact` (larger text on a small screen): the heading on one line in the title font or
    // else in the body font, and for a supervised start, the button alone with the how in its
    // caption instead of the sentence over it.
    const std::string start_how = v.tr("A trainer or a host then badges within 60 s.");
    const float start_w = button_width(start, 8.0f);
    auto start_caption_h = [&](float w) {  // the label and the caption (0.72 of the font) wrapped, with air
        const float inner = w - fs * 0.7f;
        const auto label_lines = static_cast<float>(std::max<std::size_t>(1, wrap_lines(start, inner).size()));
        const auto how_lines = static_cast<float>(wrap_lines(start_how, inner / 0.72f).size());
        return std::max(th, label_lines * fs + how_lines * fs * 0.72f + fs * 0.15f + fs * 0.4f);
    };
    auto left_need = [&](float w, bool compact) {
        if (!req) return text_block_height(v.tr("No skill is needed for this."), w, title_font(v.fonts));
        float h = text_block_height(needed, w, heading_font(v.fonts, needed, w, compact ? 1 : 2)) + fs * 0.2f +
                  text_block_height(your_level, w);
        if (short_of) {
            if (supervised && compact)
                h += fs * 0.3f + start_caption_h(std::min(w, start_w)) + gap();
            else
                h += fs * 0.3f + text_block_height(what, w) + (supervised ? fs * 0.3f + th + gap() : 0.0f);
            h += fs * 0.5f + (next ? row_need(next_text, next_second, next_action, w) : text_block_height(no_training, w)) + gap();
        }
        return h;
    };
    // Beside it, the know-how cards; when the left column cannot hold all that beside them
    // (larger text on a small screen), it takes the whole width and the cards are a button of
    // the header.
    const float side_w = std::max(std::floor(c.w * 0.4f), fs * 11.0f);
    const float top = c.y + th + gap();
    const bool cards_aside = left_need(c.w - side_w - fs, false) <= c.y + c.h - top;
    const float left_w = cards_aside ? c.w - side_w - fs : c.w;
    const bool compact = !cards_aside && left_need(c.w, false) > c.y + c.h - top;
    const float side_x = c.x + left_w + fs;
    auto open_cards = [&] {
        ui.back_to = Step::item_info;
        ui.cards_back = Step::item_info;
        if (cards.empty()) {
            start_card_draft(ui);
            go(ui, Step::card_write);
        } else {
            go(ui, Step::cards);
        }
    };
    const std::string cards_label = cards.empty() ? v.tr("Write a card") : v.tr("Know-how cards");
    const int tapped = header(v, c, name, cards_aside ? std::string() : cards_label, "cards_button");
    if (tapped == 1) return Next::home;  // back to the machine or tool
    if (tapped == 2) {
        open_cards();
        return Next::stay;
    }
    // The outcome of a supervised start: on once the supervisor badged.
    if (const auto& a = v.snap->last_access; ui.awaiting_access && a && a->seq > ui.access_seen && a->member == v.viewer.id) {
        ui.access_seen = a->seq;
        if (a->granted) {
            ui.awaiting_access = false;
            ui.message = v.tr.fmt("{0} is on for you until {1}.", {name, a->until_hhmm});
            ui.message_ok = true;
        }
    }
    float y = ImGui::GetCursorPosY();

    // Left: the skill needed, my level, what to do.
    if (!req) {
        at(c.x, y);
        text_block(v.tr("No skill is needed for this."), "free", left_w, Align::left, title_font(v.fonts), colors::kOk);
        y = ImGui::GetCursorPosY();
    } else {
        const core::Skill* sk = v.skills ? v.skills->find(req->skill) : nullptr;
        at(c.x, y);
        // The heading in the title font on at most two lines; larger text wraps it in the body font.
        text_block(needed, "needed", left_w, Align::left, heading_font(v.fonts, needed, left_w, compact ? 1 : 2));
        at(c.x, ImGui::GetCursorPosY() + fs * 0.2f);
        text_block(your_level, "have", left_w, Align::left, nullptr, have >= req->level ? colors::kOk : colors::kError);
        // The description when what follows still fits under it (it is on the skill's page too).
        if (sk && !sk->description.empty() &&
            y + left_need(left_w, compact) + fs * 0.2f + text_block_height(sk->description, left_w) <= c.y + c.h) {
            at(c.x, ImGui::GetCursorPosY() + fs * 0.2f);
            text_block(sk->description, "description", left_w, Align::left, nullptr, colors::kMuted);
        }
        if (short_of) {
            if (!(supervised && compact)) {
                at(c.x, ImGui::GetCursorPosY() + fs * 0.3f);
                text_block(what, "what", left_w);
            }
            if (supervised) {
                // The station refuses, then waits 60 s for a supervisor's badge (the kiosk shows the prompt).
                const float sw = std::min(left_w, start_w);
                at(c.x, ImGui::GetCursorPosY() + fs * 0.3f);
                ButtonOpts so;
                so.tone = Tone::primary;
                if (compact) so.caption = start_how;
                if (button(start, "supervised_start", ImVec2(sw, compact ? start_caption_h(sw) : th), so)) {
                    ui.access_seen = v.snap->last_access ? v.snap->last_access->seq : 0;
                    ui.awaiting_access = true;
                    ui.message.clear();
                    out.post(app::MachineAccess{ui.machine, v.viewer.id, std::nullopt});
                }
                at(c.x, ImGui::GetCursorPosY() + gap());
            }
            // The next training of that skill, with its sign-up button.
            at(c.x, ImGui::GetCursorPosY() + fs * 0.5f);
            if (!next) {
                text_block(no_training, "no_training", left_w, Align::left, nullptr, colors::kMuted);
            } else {
                IdScope tr_scope("training");
                const float rh = row_need(next_text, next_second, next_action, left_w);
                ButtonOpts o;
                o.tone = place ? Tone::normal : Tone::primary;
                o.enabled = ui.pending == 0;
                const float ry = ImGui::GetCursorPosY();
                if (row(Box{c.x, ry, left_w, rh}, next_text, next_second, colors::kAccent, next_action, o)) {
                    if (place)
                        post(ui, out, app::TrainingCancelSignup{next->training.id, v.viewer.id, v.viewer.id},
                             v.tr.fmt("Your place for {0} is cancelled.", {next->skill_name}));
                    else
                        post(ui, out, app::TrainingSignup{next->training.id, v.viewer.id, v.viewer.id},
                             v.tr.fmt("You are signed up for {0}.", {next->skill_name}));
                }
                at(c.x, ry + rh + gap());
            }
        }
        y = ImGui::GetCursorPosY();
    }
    message_line(ui, c.x, y + fs * 0.3f, left_w);
    if (!cards_aside) return Next::stay;

    // Right: the know-how cards of this machine or tool, most helped first.
    {
        IdScope cs("cards");
        at(side_x, c.y + th + gap());
        text_block(v.tr("Know-how cards"), "title", side_w, Align::left, title_font(v.fonts));
        const float ly = ImGui::GetCursorPosY() + fs * 0.2f;
        const float all_h = th;
        const float rh = captioned_height(th * 1.25f);
        const int fit = rows_in(c.y + c.h - ly - all_h - gap(), rh);
        if (cards.empty()) {
            at(side_x, ly);
            text_block(v.tr("No card yet. Write the first one!"), "none", side_w, Align::left, nullptr, colors::kMuted);
        }
        for (int i = 0; i < fit && static_cast<std::size_t>(i) < cards.size(); ++i) {
            const auto* cv = cards[static_cast<std::size_t>(i)];
            IdScope r(cv->card.id);
            at(side_x, ly + static_cast<float>(i) * (rh + gap()));
            ButtonOpts o;
            o.caption = v.tr.fmt("helped {0}", {std::to_string(cv->card.helped)});
            if (button(ellipsize(cv->card.title, side_w - fs), "open", ImVec2(side_w, rh), o)) {
                ui.card = cv->card.id;
                ui.step_page = 0;
                ui.back_to = Step::item_info;
                go(ui, Step::card);
            }
        }
        at(side_x, c.y + c.h - all_h);
        if (button(cards.empty() ? v.tr("Write a card") : v.tr("All cards"), "all", ImVec2(side_w, all_h))) open_cards();
    }
    return Next::stay;
}

}  // namespace

// [SECTION] Entry
bool skills_takes_taps(const SkillsUi& ui) {
    return ui.step == SkillsUi::Step::attendance || ui.step == SkillsUi::Step::signoff_wait;
}

void skills_on_tap(const SkillsScreenView& v, SkillsUi& ui, const app::TapView& tap, Commands& out) {
    (void)out;
    if (ui.step != SkillsUi::Step::attendance || !tap.member) return;
    // Attendance by badge is the station's capture: a tap that reaches this screen as a
    // check-in or check-out was one (the capture had stopped). Say what the station did; the
    // screen takes nobody's attendance on its own.
    if (core::is_refusal(tap.decision.kind)) {
        ui.message = v.tr("This badge cannot be used: see a host.");
        ui.message_ok = false;
        return;
    }
    ui.message = v.tr.problem(core::describe(tap.decision, tap.member->display_name));
    ui.message_ok = true;
}

SkillsUi skills_hub() { return SkillsUi{}; }

SkillsUi skills_cards(std::int64_t machine, std::int64_t tool) {
    SkillsUi ui;
    ui.step = SkillsUi::Step::cards;
    ui.back_to = SkillsUi::Step::cards;
    ui.cards_back.reset();
    ui.leave_to_caller = true;
    ui.machine = machine;
    ui.tool = tool;
    return ui;
}

SkillsUi skills_item(std::int64_t machine, std::int64_t tool) {
    SkillsUi ui;
    ui.step = SkillsUi::Step::item_info;
    ui.back_to = SkillsUi::Step::item_info;
    ui.leave_to_caller = true;
    ui.machine = machine;
    ui.tool = tool;
    return ui;
}

namespace {

// The station's attendance capture outcomes (who was marked, a refused badge) become the
// attendance step's message, before the step draws it.
void take_attendance_outcomes(const SkillsScreenView& v, SkillsUi& ui) {
    if (ui.step != Step::attendance || !ui.attendance_armed || ui.attendance_armed != ui.training || !v.know ||
        v.know->capture.seq == ui.capture_seq)
        return;
    const app::KnowCaptureView& cap = v.know->capture;
    ui.capture_seq = cap.seq;
    if (cap.problem) {
        ui.message = v.tr.problem(*cap.problem);
        ui.message_ok = false;
    } else if (cap.attendance == ui.training && cap.marked) {
        ui.message = v.tr.fmt("{0} is present.", {cap.marked_name});
        ui.message_ok = true;
    }
}

// While the attendance step of a running training shows, the station takes kiosk badges as
// attendance (StartAttendance); leaving the step stops it.
void sync_attendance_capture(const SkillsScreenView& v, SkillsUi& ui, Commands& out, Next next) {
    const app::TrainingView* t = v.know ? v.know->find_training(ui.training) : nullptr;
    const bool want = ui.step == Step::attendance && next != Next::home && t && t->running && !t->training.granted_at;
    if (want && ui.attendance_armed != ui.training) {
        out.post(app::StartAttendance{ui.training, v.viewer.id});
        ui.attendance_armed = ui.training;
        if (v.know) ui.capture_seq = v.know->capture.seq;  // older outcomes are not this screen's
    } else if (!want && ui.attendance_armed) {
        out.post(app::StopAttendance{});
        ui.attendance_armed = 0;
    }
}

Next draw_step(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    switch (ui.step) {
        case Step::hub: return step_hub(v, ui, out);
        case Step::trainings: return step_trainings(v, ui, out);
        case Step::help_skill: return step_help_skill(v, ui, out);
        case Step::help_who: return step_help_who(v, ui, out);
        case Step::help_ask: return step_help_ask(v, ui, out);
        case Step::signoff_skill: return step_signoff_skill(v, ui, out);
        case Step::signoff_level: return step_signoff_level(v, ui, out);
        case Step::signoff_member: return step_signoff_member(v, ui, out);
        case Step::signoff_wait: return step_signoff_wait(v, ui, out);
        case Step::attendance_list: return step_attendance_list(v, ui, out);
        case Step::attendance: return step_attendance(v, ui, out);
        case Step::item_info: return step_item(v, ui, out);
        case Step::cards: return draw_cards(v, ui, out);
        case Step::card: return draw_card(v, ui, out);
        case Step::card_write: return draw_card_write(v, ui, out);
        case Step::card_review: return draw_card_review(v, ui, out);
    }
    return Next::stay;
}

}  // namespace

Next draw_skills(const SkillsScreenView& v, SkillsUi& ui, Commands& out) {
    IdScope scope("skills");
    handle_replies(v, ui);
    take_attendance_outcomes(v, ui);
    const Next next = draw_step(v, ui, out);
    sync_attendance_capture(v, ui, out, next);
    return next;
}

}  // namespace etabli::gui
