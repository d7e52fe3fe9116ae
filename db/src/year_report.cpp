// The funders' pack (see year_report.hpp): the figures, the two-page PDF drawn by cairo and
// the CSV. Layer: db. Any thread.
#include <etabli/db/year_report.hpp>

#include <etabli/core/ords.hpp>
#include <etabli/core/volunteer_hours.hpp>

#include "pdf_draw.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace etabli::db {

using core::fill_placeholders;
using namespace pdf;

std::expected<core::YearReport, core::Problem> year_report(app::Store& store, const YearReportInput& in) {
    auto counts = store.year_counts(in.bounds);
    if (!counts) return std::unexpected(counts.error());
    auto presences = store.volunteer_presences(in.bounds.from(), in.bounds.to());
    if (!presences) return std::unexpected(presences.error());
    std::array<std::chrono::seconds, 12> time{};
    std::set<core::MemberId> volunteers;
    for (std::size_t m = 0; m < 12; ++m) {
        const auto rep = core::volunteer_hours(*presences, in.bounds.month_starts[m], in.bounds.month_starts[m + 1], in.now, in.closing_of);
        time[m] = rep.total;
        for (const auto& l : rep.lines)
            if (l.time.count() > 0) volunteers.insert(l.member);
    }
    return core::make_year_report(in.bounds.year, std::move(*counts), time, static_cast<int>(volunteers.size()), in.hourly_cents);
}

namespace {

// 12 345 (narrow no-break space) in French, 12,345 in English.
std::string number(core::Lang lang, std::int64_t n) {
    const std::string digits = std::to_string(n < 0 ? -n : n);
    const std::string sep = lang == core::Lang::fr ? "\xE2\x80\xAF" : ",";
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
        out += digits[i];
    }
    return (n < 0 ? "-" : "") + out;
}
// 66 515,07 € in French, €66,515.07 in English (core::format_amount, with thousands).
std::string money(core::Lang lang, std::int64_t cents) {
    const std::string units = number(lang, cents / 100);
    char rest[8];
    std::snprintf(rest, sizeof rest, "%02d", static_cast<int>((cents < 0 ? -cents : cents) % 100));
    return lang == core::Lang::fr ? units + "," + rest + "\xC2\xA0\xE2\x82\xAC" : "\xE2\x82\xAC" + units + "." + rest;
}
std::int64_t rounded(double x) { return static_cast<std::int64_t>(std::llround(x)); }
double hours_of(std::chrono::seconds s) { return static_cast<double>(s.count()) / 3600.0; }
std::string decimal(core::Lang lang, double x, int places) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", places, x);
    std::string s = buf;
    if (lang == core::Lang::fr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
}
std::string kg(core::Lang lang, std::int64_t grams) { return number(lang, rounded(static_cast<double>(grams) / 1000.0)); }
int percent(double rate) { return static_cast<int>(std::lround(rate * 100.0)); }

constexpr const char* kMonthShort[12] = {core::N_("Jan"), core::N_("Feb"), core::N_("Mar"), core::N_("Apr"), core::N_("May"), core::N_("Jun"),
                                         core::N_("Jul"), core::N_("Aug"), core::N_("Sep"), core::N_("Oct"), core::N_("Nov"), core::N_("Dec")};

struct Ink {
    double r, g, b;
};
constexpr Ink kTeal{0.09, 0.45, 0.47}, kOrange{0.85, 0.45, 0.13}, kGrey{0.4, 0.4, 0.4}, kTile{0.93, 0.96, 0.96};

void ink(cairo_t* cr, Ink c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

void text_at(cairo_t* cr, const std::string& t, double x, double y) {
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, t.c_str());
}
void centred(cairo_t* cr, const std::string& t, double cx, double y) { text_at(cr, t, cx - advance(cr, t) / 2, y); }
void right_aligned(cairo_t* cr, const std::string& t, double right, double y) { text_at(cr, t, right - advance(cr, t), y); }

// One key figure: a tinted box, the number large, what it counts, and a line under it.
void tile(cairo_t* cr, double x, double y, double w, double h, const std::string& value, const std::string& what,
          const std::string& more) {
    ink(cr, kTile);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    ink(cr, kTeal);
    font(cr, 20, true);
    text_at(cr, value, x + 4 * kMm, y + 11 * kMm);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 9.5, true);
    double yy = paragraph(cr, what, x + 4 * kMm, y + 17 * kMm, w - 8 * kMm, 11.5);
    ink(cr, kGrey);
    font(cr, 8.5);
    paragraph(cr, more, x + 4 * kMm, yy, w - 8 * kMm, 10.5);
}

// Twelve bars, one a month, with their values over them; `label` formats a value.
double bars(cairo_t* cr, const std::string& title, const std::array<double, 12>& v, Ink colour, const ReportLook& look,
            const std::function<std::string(double)>& label, double y) {
    y = heading(cr, title, y);
    const double h = 42 * kMm, top = y + 4, base = top + h;
    const double peak = std::max(1e-9, *std::max_element(v.begin(), v.end()));
    const double slot = kWidth / 12, bar_w = slot * 0.62;
    cairo_set_line_width(cr, 0.5);
    ink(cr, kGrey);
    cairo_move_to(cr, kMargin, base);
    cairo_line_to(cr, kMargin + kWidth, base);
    cairo_stroke(cr);
    for (std::size_t m = 0; m < 12; ++m) {
        const double cx = kMargin + slot * (static_cast<double>(m) + 0.5);
        const double bh = v[m] / peak * (h - 14);
        ink(cr, colour);
        cairo_rectangle(cr, cx - bar_w / 2, base - bh, bar_w, bh);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        font(cr, 7.5);
        if (v[m] > 0) centred(cr, label(v[m]), cx, base - bh - 3);
        ink(cr, kGrey);
        font(cr, 8);
        centred(cr, look.tr(kMonthShort[m]), cx, base + 11);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    return base + 20;
}

// A table: a header row, then rows; the first column left, the others right-aligned.
double table(cairo_t* cr, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             const std::vector<double>& widths, double y) {
    auto draw = [&](const std::vector<std::string>& cells, bool bold) {
        font(cr, 9.5, bold);
        double x = kMargin;
        for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
            if (i == 0) text_at(cr, cells[i], x, y);
            else right_aligned(cr, cells[i], x + widths[i], y);
            x += widths[i];
        }
        y += 14;
    };
    draw(header, true);
    cairo_set_line_width(cr, 0.4);
    ink(cr, kGrey);
    cairo_move_to(cr, kMargin, y - 10);
    cairo_line_to(cr, kMargin + kWidth, y - 10);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (const auto& r : rows) draw(r, false);
    return y + 4;
}

std::string status_word(const ReportLook& look, core::RepairStatus s) { return look.tr(std::string(core::ords_text(s))); }

}  // namespace

std::expected<void, core::Problem> write_year_report_pdf(const core::YearReport& r, const ReportLook& look,
                                                         const std::filesystem::path& out) {
    auto tr = [&](std::string_view msgid) { return look.tr ? look.tr(msgid) : std::string(msgid); };
    ReportLook l = look;
    l.tr = tr;
    const auto lang = look.lang;
    const auto& c = r.counts;
    File file(out);
    cairo_t* cr = file.cr();
    if (!cr) return file.cannot();
    const auto first = core::Date{std::chrono::year{r.year}, std::chrono::January, std::chrono::day{1}};
    const auto last = core::Date{std::chrono::year{r.year}, std::chrono::December, std::chrono::day{31}};
    auto date = [&](core::Date d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
        return lang == core::Lang::fr ? std::string(buf) : core::format_date(d);
    };
    auto footer = [&](int page) {
        font(cr, 8, false, true);
        ink(cr, kGrey);
        text_at(cr, fill_placeholders(tr("Printed on {0} by Établi"), {date(look.printed)}), kMargin, kPageH - kMargin + 6);
        right_aligned(cr, fill_placeholders(tr("Page {0} of 2"), {std::to_string(page)}), kMargin + kWidth, kPageH - kMargin + 6);
        cairo_set_source_rgb(cr, 0, 0, 0);
    };

    // Page 1: the key figures, visits and volunteer hours by month.
    double y = kMargin + 8;
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 22, true);
    y = paragraph(cr, fill_placeholders(tr("Activity report {0}"), {std::to_string(r.year)}), kMargin, y, kWidth, 28);
    if (!look.workshop.empty()) {
        font(cr, 14);
        y = paragraph(cr, look.workshop, kMargin, y, kWidth, 18);
    }
    font(cr, 9.5, false, true);
    ink(cr, kGrey);
    y = paragraph(cr, fill_placeholders(tr("From {0} to {1}: the figures recorded at the workshop's station"), {date(first), date(last)}),
                  kMargin, y + 2, kWidth, 13);
    cairo_set_source_rgb(cr, 0, 0, 0);

    const double gap = 4 * kMm, tw = (kWidth - 2 * gap) / 3, th = 31 * kMm;
    const std::int64_t machine_sessions = [&] {
        std::int64_t n = 0;
        for (const auto& m : c.machines) n += m.sessions;
        return n;
    }();
    const std::vector<std::array<std::string, 3>> tiles = {
        {number(lang, c.members), tr("Members"), fill_placeholders(tr("{0} joined this year"), {number(lang, c.new_members)})},
        {number(lang, r.visits), tr("Visits"), fill_placeholders(tr("by {0} different people"), {number(lang, c.visitors)})},
        {number(lang, rounded(hours_of(r.volunteer_total))) + " h", tr("Volunteer hours"),
         fill_placeholders(tr("{0} at {1} an hour, {2} volunteers"),
                           {money(lang, r.volunteer_value_cents), money(lang, r.hourly_cents), number(lang, r.volunteers)})},
        {number(lang, r.repairs), tr("Repairs"),
         fill_placeholders(tr("{0} fixed ({1} % of those with a known outcome)"), {number(lang, r.fixed), std::to_string(percent(r.fix_rate))})},
        {number(lang, r.bikes_reused), tr("Bikes back on the road"),
         fill_placeholders(tr("sold or given; {0} bikes taken in"), {number(lang, r.bikes_in)})},
        {kg(lang, r.repairs_kept_grams + r.bikes_kept_grams) + " kg", tr("Kept out of the waste"),
         fill_placeholders(tr("{0} kg of bikes, {1} kg of repaired items"), {kg(lang, r.bikes_kept_grams), kg(lang, r.repairs_kept_grams)})},
        {number(lang, c.trainings), tr("Trainings"), fill_placeholders(tr("{0} people trained"), {number(lang, c.trained)})},
        {number(lang, c.loans), tr("Tool loans"), fill_placeholders(tr("to {0} borrowers"), {number(lang, c.borrowers)})},
        {number(lang, rounded(r.machine_hours)) + " h", tr("Machine hours"),
         fill_placeholders(tr("in {0} sessions"), {number(lang, machine_sessions)})},
    };
    y += 6;
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        const double x = kMargin + static_cast<double>(i % 3) * (tw + gap);
        const double ty = y + static_cast<double>(i / 3) * (th + gap);
        tile(cr, x, ty, tw, th, tiles[i][0], tiles[i][1], tiles[i][2]);
    }
    y += 3 * th + 2 * gap + 4;

    std::array<double, 12> visits{}, hours{}, repairs{}, bikes_in{};
    for (std::size_t m = 0; m < 12; ++m) {
        visits[m] = c.visits[m];
        hours[m] = hours_of(r.volunteer_time[m]);
        repairs[m] = r.repairs_by_month[m];
        bikes_in[m] = c.bikes_in[m];
    }
    auto whole = [&](double v) { return number(lang, rounded(v)); };
    y = bars(cr, tr("Visits by month"), visits, kTeal, l, whole, y);
    y = bars(cr, tr("Volunteer hours by month"), hours, kOrange, l, whole, y);
    footer(1);
    cairo_show_page(cr);

    // Page 2: repairs (ORDS totals), bikes, machines, and how each figure is counted.
    y = kMargin + 2;
    y = bars(cr, tr("Repairs by month"), repairs, kTeal, l, whole, y);
    y = heading(cr, tr("Repairs by outcome (Open Repair Data Standard totals)"), y);
    {
        std::vector<std::vector<std::string>> rows;
        std::array<int, 3> sum{};
        for (auto s : core::kStatuses) {
            const auto i = static_cast<std::size_t>(s);
            rows.push_back({status_word(l, s), number(lang, r.powered[i]), number(lang, r.bicycles[i]), number(lang, r.powered[i] + r.bicycles[i])});
            sum[0] += r.powered[i];
            sum[1] += r.bicycles[i];
        }
        rows.push_back({tr("Total"), number(lang, sum[0]), number(lang, sum[1]), number(lang, sum[0] + sum[1])});
        y = table(cr, {tr("Outcome"), tr("Powered items"), tr("Bicycles"), tr("Total")}, rows,
                  {70 * kMm, 35 * kMm, 35 * kMm, 30 * kMm}, y);
    }
    y = heading(cr, tr("Bikes"), y);
    {
        auto left = [&](core::BikeStatus s) { return number(lang, c.bikes_out[static_cast<std::size_t>(s)]); };
        y = table(cr, {tr("Taken in"), tr("Sold"), tr("Given"), tr("Returned to their owner"), tr("Scrapped")},
                  {{number(lang, r.bikes_in), left(core::BikeStatus::sold), left(core::BikeStatus::given), left(core::BikeStatus::returned),
                    left(core::BikeStatus::scrapped)}},
                  {25 * kMm, 25 * kMm, 25 * kMm, 55 * kMm, 30 * kMm}, y);
    }
    if (!c.machines.empty()) {
        y = heading(cr, tr("Machines"), y);
        std::vector<std::vector<std::string>> rows;
        for (const auto& m : c.machines)
            rows.push_back({m.machine, number(lang, m.sessions), decimal(lang, static_cast<double>(m.seconds) / 3600.0, 1)});
        if (rows.size() > 8) rows.resize(8);  // the busiest are on the CSV too
        y = table(cr, {tr("Machine"), tr("Sessions"), tr("Hours")}, rows, {90 * kMm, 40 * kMm, 40 * kMm}, y);
    }
    y = heading(cr, tr("How the figures are counted"), y);
    font(cr, 8.5);
    ink(cr, kGrey);
    for (const char* note :
         {core::N_("Members: people on record during the year (joined before its end, membership not ended before it began). A visit is a "
          "badge-in at the kiosk."),
          core::N_("Volunteer hours: the time volunteers and hosts were badged in, as in the monthly volunteer hours report."),
          core::N_("Kept out of the waste: 15 kg for each bike sold or given and each bicycle fixed, and a typical weight for each fixed "
          "powered item of its ORDS category."),
          core::N_("People trained: members marked present at a training. Machine hours: the sessions ended on the machines.")})
        y = paragraph(cr, tr(note), kMargin, y, kWidth, 11) + 2;
    cairo_set_source_rgb(cr, 0, 0, 0);
    footer(2);
    cairo_show_page(cr);
    return file.finish();
}

std::string year_report_csv(const core::YearReport& r, const ReportLook& look) {
    auto tr = [&](std::string_view msgid) { return look.tr ? look.tr(msgid) : std::string(msgid); };
    const auto lang = look.lang;
    const auto& c = r.counts;
    std::string out = "\xEF\xBB\xBF";
    auto field = [](std::string v) {
        if (v.find_first_of(";\"\r\n") != std::string::npos) {
            std::string q = "\"";
            for (char ch : v) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            v = q + "\"";
        }
        if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
        return v;
    };
    auto put = [&](const std::string& key, const std::string& label, const std::string& value) {
        out += field(key) + ";" + field(label) + ";" + field(value) + "\r\n";
    };
    auto n = [&](std::int64_t v) { return std::to_string(v); };
    put("key", tr("Figure"), tr("Value"));
    put("year", tr("Year"), n(r.year));
    put("members", tr("Members"), n(c.members));
    put("new_members", tr("New members"), n(c.new_members));
    put("memberships_paid", tr("Memberships paid"), n(c.memberships_paid));
    put("visits", tr("Visits"), n(r.visits));
    put("visitors", tr("Different visitors"), n(c.visitors));
    put("volunteer_hours", tr("Volunteer hours"), decimal(lang, hours_of(r.volunteer_total), 1));
    put("volunteers", tr("Volunteers"), n(r.volunteers));
    put("hourly_value_eur", tr("Value of an hour (€)"), decimal(lang, static_cast<double>(r.hourly_cents) / 100.0, 2));
    put("volunteer_value_eur", tr("Value of the volunteer hours (€)"), decimal(lang, static_cast<double>(r.volunteer_value_cents) / 100.0, 2));
    put("repairs", tr("Repairs"), n(r.repairs));
    for (auto s : core::kStatuses) {
        const auto i = static_cast<std::size_t>(s);
        const std::string key(core::to_string(s));
        std::string k = key;
        std::replace(k.begin(), k.end(), '-', '_');
        put("powered_" + k, tr("Powered items") + ": " + tr(std::string(core::ords_text(s))), n(r.powered[i]));
        put("bicycles_" + k, tr("Bicycles") + ": " + tr(std::string(core::ords_text(s))), n(r.bicycles[i]));
    }
    put("fix_rate_percent", tr("Fix rate (%)"), n(percent(r.fix_rate)));
    put("repairs_kept_kg", tr("Repaired items kept out of the waste (kg)"), decimal(lang, static_cast<double>(r.repairs_kept_grams) / 1000.0, 1));
    put("bikes_in", tr("Bikes taken in"), n(r.bikes_in));
    for (auto s : {core::BikeStatus::sold, core::BikeStatus::given, core::BikeStatus::returned, core::BikeStatus::scrapped})
        put("bikes_" + std::string(core::to_string(s)), tr("Bikes") + ": " + tr(core::label(s)), n(c.bikes_out[static_cast<std::size_t>(s)]));
    put("bikes_kept_kg", tr("Bikes kept out of the waste (kg)"), decimal(lang, static_cast<double>(r.bikes_kept_grams) / 1000.0, 1));
    put("trainings", tr("Trainings"), n(c.trainings));
    put("people_trained", tr("People trained"), n(c.trained));
    put("training_places", tr("Places taken at trainings"), n(c.training_places));
    put("loans", tr("Tool loans"), n(c.loans));
    put("borrowers", tr("Borrowers"), n(c.borrowers));
    put("machine_hours", tr("Machine hours"), decimal(lang, r.machine_hours, 1));
    for (const auto& m : c.machines) put("machine_hours:" + m.machine, m.machine, decimal(lang, static_cast<double>(m.seconds) / 3600.0, 1));
    char key[32];
    for (std::size_t m = 0; m < 12; ++m) {
        const std::string month = tr(kMonthShort[m]);
        std::snprintf(key, sizeof key, "visits_%02zu", m + 1);
        put(key, tr("Visits") + " " + month, n(c.visits[m]));
        std::snprintf(key, sizeof key, "volunteer_hours_%02zu", m + 1);
        put(key, tr("Volunteer hours") + " " + month, decimal(lang, hours_of(r.volunteer_time[m]), 1));
        std::snprintf(key, sizeof key, "repairs_%02zu", m + 1);
        put(key, tr("Repairs") + " " + month, n(r.repairs_by_month[m]));
        std::snprintf(key, sizeof key, "bikes_in_%02zu", m + 1);
        put(key, tr("Bikes taken in") + " " + month, n(c.bikes_in[m]));
    }
    return out;
}

}  // namespace etabli::db
