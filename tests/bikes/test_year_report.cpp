// The funders' pack's figures on a temp SQLite file: the store's year counts (months in the
// workshop's time zone, days the retention summarised, cancelled trainings, bikes by how they
// left, repairs and their weights), the volunteer hours as the monthly report measures them,
// the PDF (two pages, through a temporary file) and the CSV.
// Layer: app tests (db::SqlStore, db::year_report).
#include <doctest/doctest.h>

#include "testing.hpp"
#include "report_csv.hpp"

#include <etabli/core/repair_stats.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/db/year_report.hpp>

#include <map>
#include <sstream>

using namespace etabli;
using namespace std::chrono;
using testing::utc;

namespace {

// 2026 in Europe/Paris: its months' first days at local midnight (UTC+1 in winter, +2 in summer).
core::YearBounds paris_2026() {
    core::YearBounds b;
    b.year = 2026;
    for (unsigned m = 0; m < 13; ++m) {
        const core::Date d{year{2026} / January / 1};
        const auto first = sys_days{d + months{m}};
        const bool summer = m >= 3 && m <= 9;  // April to October
        b.month_starts[m] = core::Timestamp{first - hours{summer ? 2 : 1}};
    }
    return b;
}

void exec(db::SqlStore& s, const std::string& sql) {
    auto r = s.connection().exec(sql.c_str());
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().english()));
}


}  // namespace

TEST_CASE("a year's figures: months in local time, summarised days, trainings, bikes, repairs, volunteer hours") {
    testing::TempDir dir;
    auto store = db::SqlStore::open(dir / "etabli.db");
    REQUIRE(store.has_value());
    auto& s = **store;
    const std::string t0 = "2020-01-01T10:00:00Z";
    exec(s, "INSERT INTO members (id, display_name, role, valid_until, created_at, updated_at) VALUES "
            "(1, 'Léa', 'member', '2027-01-01', '2024-03-01T10:00:00Z', '" + t0 + "'),"
            "(2, 'Hugo', 'volunteer', NULL, '2026-02-01T10:00:00Z', '" + t0 + "'),"
            "(3, 'Inès', 'member', '2025-12-31', '2023-01-01T10:00:00Z', '" + t0 + "'),"   // ended before 2026
            "(4, 'Yanis', 'member', '2026-01-01', '2025-12-31T23:15:00Z', '" + t0 + "'),"  // 1 January 2026 in Paris: new
            "(5, 'Zoé', 'member', NULL, '2026-12-31T23:30:00Z', '" + t0 + "')");           // 2027 in Paris: not yet
    // Visits: 23:30 UTC on 31 December 2025 is 00:30 on 1 January in Paris (January 2026);
    // 23:30 UTC on 31 December 2026 is 2027. Hugo (a volunteer) spends 2 h in March.
    exec(s, "INSERT INTO presence (id, member_id, checked_in, checked_out, closed_by) VALUES "
            "(1, 1, '2025-12-31T23:30:00Z', '2026-01-01T00:30:00Z', 'badge'),"
            "(2, 1, '2026-03-10T14:00:00Z', '2026-03-10T15:00:00Z', 'badge'),"
            "(3, 2, '2026-03-10T14:00:00Z', '2026-03-10T16:00:00Z', 'badge'),"
            "(4, 1, '2026-12-31T23:30:00Z', '2027-01-01T00:30:00Z', 'badge'),"
            "(5, 3, '2025-06-01T10:00:00Z', '2025-06-01T11:00:00Z', 'badge')");
    // A day the retention summarised: Léa on 5 February as two rows (two roles), one visit;
    // and Inès on 6 February, one row.
    exec(s, "INSERT INTO presence (id, member_id, checked_in, checked_out, closed_by, summary) VALUES "
            "(10, 1, '2026-02-04T23:00:00Z', '2026-02-05T00:30:00Z', 'badge', 1),"
            "(11, 1, '2026-02-05T00:30:00Z', '2026-02-05T01:00:00Z', 'badge', 1),"
            "(12, 3, '2026-02-05T23:00:00Z', '2026-02-06T01:00:00Z', 'badge', 1)");
    exec(s, "INSERT INTO skills (id, name, created_at) VALUES (1, 'Soudure', '" + t0 + "')");
    exec(s, "INSERT INTO trainings (id, skill_id, starts_at, ends_at, capacity, trainer_id, cancelled, created_at) VALUES "
            "(1, 1, '2026-05-01T16:00:00Z', '2026-05-01T18:00:00Z', 8, 2, 0, '" + t0 + "'),"
            "(2, 1, '2026-06-01T16:00:00Z', '2026-06-01T18:00:00Z', 8, 2, 0, '" + t0 + "'),"
            "(3, 1, '2026-07-01T16:00:00Z', '2026-07-01T18:00:00Z', 8, 2, 1, '" + t0 + "')");
    exec(s, "INSERT INTO training_signups (training_id, member_id, state, signed_up_at, present_at) VALUES "
            "(1, 1, 'confirmed', '" + t0 + "', '2026-05-01T16:00:00Z'), (1, 3, 'confirmed', '" + t0 + "', NULL),"
            "(2, 1, 'confirmed', '" + t0 + "', '2026-06-01T16:00:00Z'), (3, 4, 'confirmed', '" + t0 + "', '2026-07-01T16:00:00Z')");
    exec(s, "INSERT INTO bikes (id, intake_day, origin, type, condition, status, created_at, updated_at) VALUES "
            "(1, '2025-12-31', 'donated', 'city', 'good', 'sold', '" + t0 + "', '" + t0 + "'),"
            "(2, '2026-01-01', 'donated', 'city', 'good', 'given', '" + t0 + "', '" + t0 + "'),"
            "(3, '2026-04-02', 'found', 'city', 'good', 'scrapped', '" + t0 + "', '" + t0 + "'),"
            "(4, '2026-04-03', 'donated', 'child', 'good', 'in_stock', '" + t0 + "', '" + t0 + "')");
    exec(s, "INSERT INTO bike_departures (bike_id, kind, day, has_buyer, price_kind, price_cents, purged_at) VALUES "
            "(1, 'sold', '2026-01-10', 0, 'fixed', 5000, '" + t0 + "'), (2, 'given', '2026-02-10', 0, 'fixed', 0, '" + t0 + "'),"
            "(3, 'scrapped', '2026-05-01', 0, 'fixed', 0, NULL)");
    exec(s, "INSERT INTO repairs (day, item, component, ords_category_id, status, barrier, minutes, logged_at, updated_at) VALUES "
            "('2026-01-01', 'bicycle', 'chain', NULL, 'fixed', NULL, 30, '" + t0 + "', '" + t0 + "'),"
            "('2026-03-05', 'powered', NULL, 14, 'fixed', NULL, 30, '" + t0 + "', '" + t0 + "'),"
            "('2026-03-06', 'powered', NULL, 14, 'end-of-life', 'too-worn-out', 30, '" + t0 + "', '" + t0 + "'),"
            "('2026-12-31', 'bicycle', 'wheel', NULL, 'unknown', NULL, 30, '" + t0 + "', '" + t0 + "'),"
            "('2025-12-31', 'bicycle', 'wheel', NULL, 'fixed', NULL, 30, '" + t0 + "', '" + t0 + "')");
    exec(s, "INSERT INTO tools (id, name, tag, created_at, updated_at) VALUES (1, 'Clé', 'VEL-001', '" + t0 + "', '" + t0 + "')");
    exec(s, "INSERT INTO loans (id, tool_id, member_id, basket, lent_at, due_day, returned_at) VALUES "
            "(1, 1, 1, 1, '2026-02-01T10:00:00Z', '2026-02-15', '2026-02-10T10:00:00Z'),"
            "(2, 1, 1, 2, '2026-03-01T10:00:00Z', '2026-03-15', NULL),"
            "(3, 1, 3, 3, '2025-03-01T10:00:00Z', '2025-03-15', '2025-03-10T10:00:00Z')");
    exec(s, "INSERT INTO machines (id, name, created_at, updated_at) VALUES (1, 'Découpe laser', '" + t0 + "', '" + t0 + "')");
    exec(s, "INSERT INTO bookings (id, machine_id, member_id, starts_at, ends_at, state, created_at) VALUES "
            "(1, 1, 1, '2026-04-01T10:00:00Z', '2026-04-01T12:00:00Z', 'completed', '" + t0 + "')");
    exec(s, "INSERT INTO sessions (id, machine_id, member_id, booking_id, started_at, allowed_until, ended_at, end_reason) VALUES "
            "(1, 1, 1, 1, '2026-04-01T10:00:00Z', '2026-04-01T12:00:00Z', '2026-04-01T11:30:00Z', 'badge')");

    db::YearReportInput in;
    in.bounds = paris_2026();
    in.now = utc("2027-01-05T10:00:00Z");
    in.hourly_cents = 1202;
    auto r = db::year_report(s, in);
    REQUIRE(r.has_value());
    const auto& c = r->counts;
    CHECK(c.members == 3);      // Léa, Hugo, Yanis (Inès ended in 2025, Zoé joined in 2027)
    CHECK(c.new_members == 2);  // Hugo, Yanis
    CHECK(c.visits[0] == 1);    // 00:30 on 1 January, Paris
    CHECK(c.visits[1] == 2);    // the summarised days: Léa's two rows are one visit
    CHECK(c.visits[2] == 2);
    CHECK(r->visits == 5);
    CHECK(c.visitors == 3);
    CHECK(c.trainings == 2);
    CHECK(c.trained == 1);
    CHECK(c.training_places == 2);
    CHECK(c.loans == 2);
    CHECK(c.borrowers == 1);
    REQUIRE(c.machines.size() == 1);
    CHECK(c.machines[0].seconds == 5400);
    CHECK(r->machine_hours == doctest::Approx(1.5));
    CHECK(r->bikes_in == 3);
    CHECK(c.bikes_in[0] == 1);
    CHECK(c.bikes_in[3] == 2);
    CHECK(c.bikes_out[static_cast<std::size_t>(core::BikeStatus::sold)] == 1);
    CHECK(c.bikes_out[static_cast<std::size_t>(core::BikeStatus::given)] == 1);
    CHECK(c.bikes_out[static_cast<std::size_t>(core::BikeStatus::scrapped)] == 1);
    CHECK(r->bikes_reused == 2);
    CHECK(r->bikes_kept_grams == 30000);
    CHECK(r->repairs == 4);
    CHECK(r->fixed == 2);
    CHECK(r->bicycles[static_cast<std::size_t>(core::RepairStatus::fixed)] == 1);
    CHECK(r->bicycles[static_cast<std::size_t>(core::RepairStatus::unknown)] == 1);
    CHECK(r->powered[static_cast<std::size_t>(core::RepairStatus::fixed)] == 1);
    CHECK(r->powered[static_cast<std::size_t>(core::RepairStatus::end_of_life)] == 1);
    CHECK(r->fix_rate == doctest::Approx(2.0 / 3.0));
    CHECK(r->repairs_kept_grams == 15000 + 1200);  // a bicycle and a kettle
    CHECK(r->repairs_by_month[2] == 2);
    // Hugo's two hours in March; Léa is a member, her time is not volunteering.
    CHECK(r->volunteer_time[2] == hours{2});
    CHECK(r->volunteer_total == hours{2});
    CHECK(r->volunteers == 1);
    CHECK(r->volunteer_value_cents == 2404);

    SUBCASE("the PDF: two pages, written whole or not at all") {
        db::ReportLook look{"Atelier de la Gare", core::Date{year{2027} / January / 5}, core::Lang::fr, {}};
        const auto pdf = dir / "rapport.pdf";
        REQUIRE(db::write_year_report_pdf(*r, look, pdf).has_value());
        const auto bytes = testing::read_file(pdf);
        CHECK(bytes.starts_with("%PDF-"));
        CHECK(bytes.find("/Count 2") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "rapport.pdf.part"));
        auto bad = db::write_year_report_pdf(*r, look, dir / "no-such-folder" / "rapport.pdf");
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().english().find("Cannot write") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "no-such-folder"));
    }
    SUBCASE("the CSV: stable keys, French decimals, a byte order mark") {
        db::ReportLook look{"", core::Date{year{2027} / January / 5}, core::Lang::fr, {}};
        const auto csv = db::year_report_csv(*r, look);
        CHECK(csv.starts_with("\xEF\xBB\xBF" "key;"));
        CHECK(csv.find("\r\n") != std::string::npos);
        auto v = testing::report_csv_values(csv);
        CHECK(v["members"] == "3");
        CHECK(v["visits"] == "5");
        CHECK(v["visits_02"] == "2");
        CHECK(v["volunteer_hours"] == "2,0");
        CHECK(v["volunteer_value_eur"] == "24,04");
        CHECK(v["bikes_sold"] == "1");
        CHECK(v["bikes_kept_kg"] == "30,0");
        CHECK(v["powered_end_of_life"] == "1");
        CHECK(v["fix_rate_percent"] == "67");
        CHECK(v["machine_hours:Découpe laser"] == "1,5");
        CHECK(v["people_trained"] == "1");
    }
}

TEST_CASE("an empty year: zeros, no division by zero, still two pages") {
    testing::TempDir dir;
    auto store = db::SqlStore::open(dir / "etabli.db");
    REQUIRE(store.has_value());
    db::YearReportInput in;
    in.bounds = paris_2026();
    auto r = db::year_report(**store, in);
    REQUIRE(r.has_value());
    CHECK(r->visits == 0);
    CHECK(r->repairs == 0);
    CHECK(r->fix_rate == 0);
    db::ReportLook look{"", core::Date{year{2027} / January / 5}, core::Lang::en, {}};
    REQUIRE(db::write_year_report_pdf(*r, look, dir / "empty.pdf").has_value());
    CHECK(testing::read_file(dir / "empty.pdf").find("/Count 2") != std::string::npos);
    CHECK(db::year_report_csv(*r, look).find("fix_rate_percent;Fix rate (%);0\r\n") != std::string::npos);
}
