// "Mes données" and "Historique": see records.hpp. Layer: gui. GUI thread only.
#include <etabli/gui/machines.hpp>
#include <etabli/gui/records.hpp>

#include "kit.hpp"

#include <algorithm>
#include <cstdio>

namespace etabli::gui {

using namespace kit;

namespace {

struct Line {
    std::string text;
    bool heading = false;
};

// A section's name as the member reads it (the tables' own names otherwise).
const char* section_msgid(const std::string& name) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"member", core::N_("Identity")},        {"badges", core::N_("Badges")},
        {"pin", core::N_("PIN")},                {"presence", core::N_("Presence")},
        {"presence_roles", core::N_("Roles of the day")}, {"presence_corrections", core::N_("Check-outs corrected")},
        {"bookings", core::N_("Bookings")},      {"sessions", core::N_("Machine sessions")},
        {"queue_entries", core::N_("Queues")},   {"loans", core::N_("Tool loans")},
        {"tool_reservations", core::N_("Tool reservations")}, {"skill_grants", core::N_("Skills")},
        {"trainings", core::N_("Trainings given")}, {"training_signups", core::N_("Trainings signed up for")},
        {"repairs", core::N_("Repairs")},        {"help_requests", core::N_("Help requests")},
        {"cards", core::N_("Know-how cards")},   {"card_helped", core::N_("Cards that helped")},
        {"events", core::N_("Event log")},       {"audit", core::N_("Audit trail")},
    };
    for (const auto& [n, m] : kNames)
        if (name == n) return m;
    return nullptr;
}

std::string local_time(const LocalClock& clock, core::Timestamp t) {
    const auto day = clock.day_of(t);
    const int m = clock.minute_of_day(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02d:%02d", static_cast<unsigned>(day.day()), static_cast<unsigned>(day.month()),
                  static_cast<int>(day.year()), m / 60, m % 60);
    return buf;
}

std::vector<Line> data_lines(const app::MemberDataView& d, const Tr& tr) {
    std::vector<Line> out;
    for (const auto& s : d.sections) {
        if (s.rows.empty()) continue;
        const char* msgid = section_msgid(s.name);
        out.push_back({tr.fmt("{0} ({1})", {msgid ? tr(msgid) : s.name, std::to_string(s.rows.size())}), true});
        for (const auto& row : s.rows) {
            std::string text;
            for (std::size_t i = 0; i < row.size() && i < s.columns.size(); ++i) {
                if (!row[i] || row[i]->empty()) continue;
                if (!text.empty()) text += " · ";
                text += s.columns[i] + " : " + *row[i];
            }
            out.push_back({text, false});
        }
    }
    return out;
}

std::vector<Line> audit_lines(const app::AuditView& a, const Tr& tr, const LocalClock& clock) {
    std::vector<Line> out;
    for (const auto& r : a.rows) {
        std::string who = tr("the command line");
        if (r.actor) {
            auto it = a.names.find(*r.actor);
            who = it != a.names.end() ? it->second : "#" + std::to_string(*r.actor);
        }
        const std::string outcome = r.outcome == "done" ? tr("done") : r.outcome == "lockout" ? tr("lockout") : tr("refused");
        std::string text = local_time(clock, r.at) + "  " + r.action + "  " + outcome + "  " + who + " (" + r.principal + ", " + r.origin + ")";
        if (!r.detail.empty()) text += "  " + r.detail;
        out.push_back({std::move(text), r.outcome != "done"});
    }
    return out;
}

}  // namespace

Next draw_records(const RecordsView& v, RecordsUi& ui, Commands& out) {
    IdScope scope("records");
    const Tr& tr = v.tr;
    const bool history = ui.kind == RecordsUi::Kind::history;
    // The reply.
    if (ui.request != 0 && v.snap && v.snap->last_reply && v.snap->last_reply->request_id == ui.request) {
        const auto& r = *v.snap->last_reply;
        ui.request = 0;
        if (!r.ok) ui.error = tr.problem(r.problem);
        ui.data = r.member_data;
        ui.audit = r.audit;
    }
    if (ui.request == 0 && !ui.data && !ui.audit && ui.error.empty())
        ui.request = history ? out.post(app::ShowAudit{std::nullopt, 200, v.member}) : out.post(app::ShowMemberData{v.member, v.member});

    if (title_bar(v.fonts, history ? tr("History") : tr("My data"), tr("Back"), "back"))
        return Next::home;
    const Box c = content();
    const float th = touch_height();
    const float fs = ImGui::GetFontSize();
    float y = c.y + th + fs * 0.5f;
    if (!ui.error.empty()) {
        outcome_line(ui.error, false, c.x, y, c.w);
        return Next::stay;
    }
    if (ui.request != 0) {
        at(c.x, y);
        text_block(tr("Loading…"), "loading", c.w, Align::left, nullptr, colors::kMuted);
        return Next::stay;
    }
    {
        at(c.x, y);
        const std::string intro = history ? tr("Hosts' and admins' actions, refused attempts and PIN lockouts, newest first.")
                                          : tr("This is what the station stores about you. A host can give you a copy to take away; an admin erases it on request.");
        text_block(intro, "intro", c.w, Align::left, nullptr, colors::kMuted);
        y += text_block_height(intro, c.w) + fs * 0.3f;
    }
    const LocalClock clock = v.snap ? LocalClock::of(*v.snap) : LocalClock{};
    const std::vector<Line> lines = history ? (ui.audit ? audit_lines(*ui.audit, tr, clock) : std::vector<Line>{})
                                            : (ui.data ? data_lines(*ui.data, tr) : std::vector<Line>{});
    // Wrapped to the width, then paged.
    struct Wrapped {
        std::string text;
        bool heading;
    };
    std::vector<Wrapped> wrapped;
    for (const auto& l : lines) {
        FontScope f(l.heading && !history ? title_font(v.fonts) : nullptr);
        for (auto& w : wrap_lines(l.text, c.w)) wrapped.push_back({std::move(w), l.heading});
    }
    if (wrapped.empty()) {
        at(c.x, y);
        text_block(history ? tr("Nothing in the audit trail yet.") : tr("Nothing stored."), "empty", c.w);
        return Next::stay;
    }
    const float line_h = ImGui::GetTextLineHeightWithSpacing() * 1.15f;
    const float pager_h = th;
    const int per_page = std::max(1, static_cast<int>((c.y + c.h - y - pager_h - fs) / line_h));
    const int pages = (static_cast<int>(wrapped.size()) + per_page - 1) / per_page;
    ui.page = std::clamp(ui.page, 0, pages - 1);
    for (int i = 0; i < per_page; ++i) {
        const std::size_t k = static_cast<std::size_t>(ui.page * per_page + i);
        if (k >= wrapped.size()) break;
        at(c.x, y + static_cast<float>(i) * line_h);
        const auto& w = wrapped[k];
        ImU32 col = w.heading ? (history ? colors::kError : colors::kAccent) : colors::kText;
        text_block(w.text, "line" + std::to_string(i), c.w, Align::left, nullptr, col);
    }
    if (pages > 1) {
        const float bw = fs * 4.0f;
        ui.page = pager(ui.page, pages, c.x + c.w - bw * 2 - gap(), c.y + c.h - pager_h, bw, pager_h);
        at(c.x, c.y + c.h - pager_h + (pager_h - fs) * 0.5f);
        text_block(tr.fmt("Page {0} of {1}", {std::to_string(ui.page + 1), std::to_string(pages)}), "page", c.w * 0.5f, Align::left, nullptr,
                   colors::kMuted);
    }
    return Next::stay;
}

}  // namespace etabli::gui
