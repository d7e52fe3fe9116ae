// Repairs, pure part: validation of bad input, the PII stripper and its count, the ORDS
// files compared byte for byte with tests/repairs/expected/, volunteer hours with a fake
// time (overlapping roles, forgotten check-out, midnight, month bounds), statistics.
// Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/i18n.hpp>
#include <etabli/core/ords.hpp>
#include <etabli/core/repair_stats.hpp>
#include <etabli/core/volunteer_hours.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace etabli::core;
using namespace std::chrono;
using testing::utc;

namespace {

Date ymd(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, std::chrono::day{d}}; }
const Date kToday = ymd(2026, 11, 28);

Repair bike(Component c, RepairStatus s, int minutes = 30) {
    Repair r;
    r.day = kToday;
    r.volunteers = {3};
    r.item = ItemKind::bicycle;
    r.component = c;
    r.status = s;
    r.minutes = minutes;
    return r;
}

Repair powered(int category, RepairStatus s) {
    Repair r;
    r.day = kToday;
    r.volunteers = {3};
    r.item = ItemKind::powered;
    r.category = category;
    r.status = s;
    r.minutes = 20;
    return r;
}

std::string expected(const std::string& name) {
    return testing::read_file(std::filesystem::path(ETABLI_TEST_DATA) / "repairs" / "expected" / name);
}

}  // namespace

TEST_CASE("vocabularies: statuses, barriers, components, categories and parts") {
    CHECK(parse_status("fixed") == RepairStatus::fixed);
    CHECK(parse_status("End of life") == RepairStatus::end_of_life);
    CHECK(parse_status("end-of-life") == RepairStatus::end_of_life);
    CHECK(parse_status(" REPAIRABLE ") == RepairStatus::repairable);
    CHECK(!parse_status("broken"));
    CHECK(!parse_status(""));
    CHECK(parse_barrier("Spare parts too expensive") == Barrier::parts_too_expensive);
    CHECK(parse_barrier("too-worn-out") == Barrier::too_worn_out);
    CHECK(!parse_barrier("lazy"));
    CHECK(parse_component("bottom bracket") == Component::bottom_bracket);
    CHECK(parse_component("tyre") == Component::wheel);
    CHECK(!parse_component("saddle bag"));
    CHECK(parse_category("bike light")->id == 3);
    CHECK(parse_category("e-bike battery")->id == 18);
    CHECK(parse_category("Aircon/dehumidifier")->id == 1);
    CHECK(parse_category("Printer / scanner")->id == 25);
    CHECK(parse_category("40")->name == "Iron");
    CHECK(!parse_category("41"));
    CHECK(!parse_category("0"));
    CHECK(!parse_category("spaceship"));
    CHECK(ords_categories().size() == 40);
    for (int i = 1; i <= 40; ++i) CHECK(ords_category(i)->id == i);

    CHECK(parse_part("brake pads:new") == Part{"brake pads", false, std::nullopt});
    CHECK(parse_part("wheel:salvaged:donor-12") == Part{"wheel", true, std::string("donor-12")});
    CHECK(parse_part("wheel:salvaged") == Part{"wheel", true, std::nullopt});
    CHECK(!parse_part("wheel"));
    CHECK(!parse_part("wheel:stolen"));
    CHECK(!parse_part("wheel:new:donor-12"));  // a donor only for salvaged parts
    CHECK(!parse_part(":new"));
    CHECK(format_part(*parse_part("wheel:salvaged:donor-12")) == "wheel:salvaged:donor-12");
}

TEST_CASE("validation refuses bad input with a clear problem") {
    CHECK(validate_repair(bike(Component::brakes, RepairStatus::fixed), kToday));

    auto no_vol = bike(Component::brakes, RepairStatus::fixed);
    no_vol.volunteers.clear();
    CHECK(validate_repair(no_vol, kToday).error().msgid == "A repair needs at least one volunteer");

    auto twice = bike(Component::brakes, RepairStatus::fixed);
    twice.volunteers = {3, 3};
    CHECK(!validate_repair(twice, kToday));

    // A barrier without End of life.
    auto barrier = bike(Component::frame, RepairStatus::fixed);
    barrier.barrier = Barrier::too_worn_out;
    CHECK(validate_repair(barrier, kToday).error().msgid == "A barrier is only given when the item is at its end of life");
    barrier.status = RepairStatus::end_of_life;
    CHECK(validate_repair(barrier, kToday));

    // Minutes negative, zero or absurd.
    CHECK(!validate_repair(bike(Component::chain, RepairStatus::fixed, -5), kToday));
    CHECK(!validate_repair(bike(Component::chain, RepairStatus::fixed, 0), kToday));
    auto absurd = validate_repair(bike(Component::chain, RepairStatus::fixed, 3000), kToday);
    REQUIRE(!absurd);
    CHECK(absurd.error().args == std::vector<std::string>{"3000", "720"});
    CHECK(validate_repair(bike(Component::chain, RepairStatus::fixed, 720), kToday));

    auto no_component = bike(Component::chain, RepairStatus::fixed);
    no_component.component.reset();
    CHECK(!validate_repair(no_component, kToday));
    auto bike_with_category = bike(Component::chain, RepairStatus::fixed);
    bike_with_category.category = 3;
    CHECK(!validate_repair(bike_with_category, kToday));
    auto bad_category = powered(41, RepairStatus::fixed);
    CHECK(!validate_repair(bad_category, kToday));
    auto no_category = powered(3, RepairStatus::fixed);
    no_category.category.reset();
    CHECK(!validate_repair(no_category, kToday));

    auto future_year = bike(Component::frame, RepairStatus::fixed);
    future_year.year = 2030;
    CHECK(!validate_repair(future_year, kToday));
    future_year.year = 1850;
    CHECK(!validate_repair(future_year, kToday));
    auto future_day = bike(Component::frame, RepairStatus::fixed);
    future_day.day = ymd(2026, 11, 29);
    CHECK(!validate_repair(future_day, kToday));

    auto control = bike(Component::frame, RepairStatus::fixed);
    control.brand = "Btwin\x01";
    CHECK(!validate_repair(control, kToday));
    auto bad_utf8 = bike(Component::frame, RepairStatus::fixed);
    bad_utf8.problem = "pneu \xff";
    CHECK(!validate_repair(bad_utf8, kToday));
    auto long_text = bike(Component::frame, RepairStatus::fixed);
    long_text.problem = std::string(1001, 'a');
    CHECK(!validate_repair(long_text, kToday));

    // Tidying: blanks trimmed and folded in one-line fields, newlines kept in texts.
    auto tidy = bike(Component::wheel, RepairStatus::fixed);
    tidy.brand = "  Btwin   Riverside ";
    tidy.problem = "  crevaison\narrière  ";
    auto v = validate_repair(tidy, kToday);
    REQUIRE(v);
    CHECK(v->brand == "Btwin Riverside");
    CHECK(v->problem == "crevaison\narrière");
}

TEST_CASE("a refused field is named in French, with the right agreement") {
    auto cat = parse_po(testing::read_file(std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po"));
    REQUIRE(cat);
    Translations tr;
    tr.fr.merge(*cat);
    auto fr = [&](const Repair& r) {
        auto v = validate_repair(r, kToday);
        REQUIRE(!v);
        return tr.render(Lang::fr, v.error());
    };
    auto brand = bike(Component::frame, RepairStatus::fixed);
    brand.brand = std::string(81, 'b');
    CHECK(fr(brand) == "La marque est trop longue : 80 caractères au plus");
    auto model = bike(Component::frame, RepairStatus::fixed);
    model.model = "X\x01";
    CHECK(fr(model) == "Le modèle contient un caractère de contrôle");
    auto notes = bike(Component::frame, RepairStatus::fixed);
    notes.notes = "\xff";
    CHECK(fr(notes) == "Les notes ne sont pas des textes valides (UTF-8)");
    auto done = bike(Component::frame, RepairStatus::fixed);
    done.done = std::string(1001, 'a');
    CHECK(fr(done) == "Le travail fait est trop long : 1000 caractères au plus");
    auto part = bike(Component::wheel, RepairStatus::fixed);
    part.parts = {Part{"roue", true, std::string("v\x02")}};
    CHECK(fr(part) == "Le vélo donneur contient un caractère de contrôle");
    // No field is called by its English name in French any more.
    for (const auto& r : {brand, model, notes, done, part}) CHECK(fr(r).find("champ") == std::string::npos);
}

TEST_CASE("personal data leaves problem texts, and the stripper says which changed") {
    const PiiStripper s({"Léa Dubois", "Hugo Bernard", "Al Li"});
    struct Case {
        const char* in;
        const char* out;
        bool changed;
    };
    const Case cases[] = {
        {"Crevaison arrière, chambre changée", "Crevaison arrière, chambre changée", false},
        {"Vélo de Léa Dubois, frein avant", "Vélo de [name] [name], frein avant", true},
        {"rappeler hugo au 06 12 34 56 78", "rappeler [name] au [phone]", true},
        {"tel 06.12.34.56.78 ou 0612345678", "tel [phone] ou [phone]", true},
        {"+33 6 12 34 56 78 (soir)", "[phone] (soir)", true},
        {"+33 (0)6 12 34 56 78", "[phone]", true},
        {"0033 6 12 34 56 78", "[phone]", true},
        {"écrire à lea.dubois@example.org.", "écrire à [email].", true},
        {"mail: x_y+z@sub.domain.fr, merci", "mail: [email], merci", true},
        {"roue 700x35c, pneu 28 pouces, 2019", "roue 700x35c, pneu 28 pouces, 2019", false},
        {"passé le 2026-11-28 14:00", "passé le 2026-11-28 14:00", false},  // a date and a time, not a phone
        {"Bernardin a un cadre alu", "Bernardin a un cadre alu", false},     // whole words only
        {"Al a dit", "Al a dit", false},                                     // words under three letters stay
        {"arobase @ seule", "arobase @ seule", false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.in);
        bool changed = false;
        CHECK(s.strip(c.in, changed) == c.out);
        CHECK(changed == c.changed);
    }
}

TEST_CASE("ORDS export: byte for byte, columns, codes, bicycles only in the summary") {
    std::vector<Repair> rs;
    auto light = powered(3, RepairStatus::fixed);  // a bike light: Decorative or safety lights
    light.id = 1;
    light.brand = "B&M";
    light.year = 2019;
    light.problem = "Ne s'allume plus, appeler Léa au 06 12 34 56 78";
    light.done = "contact nettoyé";
    rs.push_back(light);
    auto battery = powered(18, RepairStatus::end_of_life);  // an e-bike battery: Misc
    battery.id = 2;
    battery.barrier = Barrier::parts_too_expensive;
    battery.partner_category = "Vélo ~ batterie VAE";
    battery.problem = "Cellules \"mortes\", devis 400 €";
    rs.push_back(battery);
    auto tyre = bike(Component::wheel, RepairStatus::fixed);
    tyre.id = 3;
    tyre.problem = "crevaison, lea.dubois@example.org";
    rs.push_back(tyre);
    auto brakes = bike(Component::brakes, RepairStatus::fixed);
    brakes.id = 4;
    rs.push_back(brakes);
    auto frame = bike(Component::frame, RepairStatus::end_of_life);
    frame.id = 5;
    frame.barrier = Barrier::too_worn_out;
    rs.push_back(frame);
    auto lamp = powered(15, RepairStatus::repairable);  // a barrier given with another status is not exported
    lamp.id = 6;
    lamp.barrier = Barrier::no_information;
    lamp.day = ymd(2026, 3, 7);
    lamp.year = 2026;
    rs.push_back(lamp);

    OrdsOptions o;
    o.data_provider = "Atelier Vélo, Bordeaux";
    o.id_prefix = "etabli";
    o.group_identifier = "atelier-velo-bdx";
    auto x = export_ords(rs, {"Léa Dubois", "Hugo Bernard"}, o);
    REQUIRE(x);
    CHECK(x->powered_rows == 3);
    CHECK(x->bicycles == 3);
    CHECK(x->texts_changed == 1);  // the bike light's; the tyre's e-mail never leaves (bicycle)
    CHECK(x->powered_csv == expected("powered.csv"));
    CHECK(x->unpowered_csv == expected("unpowered.csv"));
    CHECK(x->tableschema_json == expected("tableschema.json"));

    // The column order of ORDS.md, exactly.
    const std::string header = x->powered_csv.substr(0, x->powered_csv.find('\n'));
    CHECK(header ==
          "id,data_provider,country,partner_product_category,product_category,product_category_id,brand,"
          "year_of_manufacture,product_age,repair_status,repair_barrier_if_end_of_life,group_identifier,event_date,problem");
    CHECK(x->powered_csv.find("Unpowered") == std::string::npos);
    CHECK(x->powered_csv.find("etabli-3,") == std::string::npos);  // bicycles are not row-level

    // Bad options are refused before anything is written.
    CHECK(!export_ords(rs, {}, OrdsOptions{"X", "Etabli", "FRA", ""}));
    CHECK(!export_ords(rs, {}, OrdsOptions{"X", "etabli-1", "FRA", ""}));
    CHECK(!export_ords(rs, {}, OrdsOptions{"X", "etabli", "FR", ""}));
    CHECK(!export_ords(rs, {}, OrdsOptions{"", "etabli", "FRA", ""}));
}

TEST_CASE("the full repairs CSV keeps bike detail and defuses spreadsheet formulas") {
    auto r = bike(Component::wheel, RepairStatus::fixed);
    r.id = 7;
    r.volunteers = {3, 5};
    r.owner = 1;
    r.parts = {Part{"chambre à air", false, std::nullopt}, Part{"roue", true, std::string("donor-12")}};
    r.problem = "=HYPERLINK(\"x\")";
    r.logged_at = utc("2026-11-28T13:00:00Z");
    r.updated_at = r.logged_at;
    const auto csv = export_repairs_csv({r});
    CHECK(csv ==
          "id,date,volunteers,owner,item,component,ords_category_id,ords_category,partner_category,brand,model,year,"
          "status,barrier,minutes,parts,problem,done,notes,logged_at,updated_at\n"
          "7,2026-11-28,3 5,1,bicycle,wheel,,,,,,,fixed,,30,\"chambre à air:new; roue:salvaged:donor-12\","  // a ; is quoted too (French spreadsheets split on it)
          "\"'=HYPERLINK(\"\"x\"\")\",,,2026-11-28T13:00:00Z,2026-11-28T13:00:00Z\n");
}

TEST_CASE("volunteer hours: roles, overlaps, a forgotten check-out, midnight and month bounds") {
    const auto from = utc("2026-10-31T23:00:00Z");  // November in Paris (UTC+1)
    const auto to = utc("2026-11-30T23:00:00Z");
    const auto now = utc("2026-11-28T20:00:00Z");
    std::vector<VolunteerPresence> ps;
    // Hugo: greeter 14:00-15:00 then mechanic until 18:00 (local), badge out.
    ps.push_back({1, 3, utc("2026-11-07T13:00:00Z"), utc("2026-11-07T17:00:00Z"), false, std::nullopt,
                  {{utc("2026-11-07T13:00:05Z"), VolunteerRole::greeter}, {utc("2026-11-07T14:00:00Z"), VolunteerRole::mechanic}}});
    // Camille forgot to badge out on the 14th: auto-closed at midnight, counted until the 19:00 closing, flagged.
    ps.push_back({2, 2, utc("2026-11-14T13:00:00Z"), utc("2026-11-14T23:00:00Z"), true, std::nullopt,
                  {{utc("2026-11-14T13:00:00Z"), VolunteerRole::host}}});
    // Camille again on the 21st, forgotten and corrected by a host to 17:30 local.
    ps.push_back({3, 2, utc("2026-11-21T13:00:00Z"), utc("2026-11-21T23:00:00Z"), true, utc("2026-11-21T16:30:00Z"),
                  {{utc("2026-11-21T13:00:00Z"), VolunteerRole::host}}});
    // Hugo's presence across the end of October: only its November part counts.
    ps.push_back({4, 3, utc("2026-10-31T21:00:00Z"), utc("2026-11-01T01:00:00Z"), false, std::nullopt,
                  {{utc("2026-10-31T21:00:00Z"), VolunteerRole::trainer}}});
    // A presence that overlaps Hugo's first one (a host's correction gone wrong): counted once.
    ps.push_back({5, 3, utc("2026-11-07T16:00:00Z"), utc("2026-11-07T18:00:00Z"), false, std::nullopt,
                  {{utc("2026-11-07T16:00:00Z"), VolunteerRole::mechanic}}});
    // Yanis, still in now, no role picked.
    ps.push_back({6, 5, utc("2026-11-28T18:00:00Z"), std::nullopt, false, std::nullopt, {}});

    auto closing = [](Timestamp in) -> std::optional<Timestamp> {
        // Closes at 19:00 local (18:00 UTC) every day.
        return floor<days>(in) + hours{18};
    };
    const auto r = volunteer_hours(ps, from, to, now, closing);
    auto line = [&](MemberId m, std::optional<VolunteerRole> role) -> const HoursLine* {
        for (const auto& l : r.lines)
            if (l.member == m && l.role == role) return &l;
        return nullptr;
    };
    REQUIRE(line(3, VolunteerRole::greeter));
    CHECK(line(3, VolunteerRole::greeter)->time == hours{1});
    CHECK(line(3, VolunteerRole::mechanic)->time == hours{4});  // 14-17 UTC, then 17-18 from the overlapping one
    CHECK(line(3, VolunteerRole::trainer)->time == hours{2});   // 23:00-01:00 UTC of a 4-hour presence
    CHECK(line(2, VolunteerRole::host)->time == hours{5} + hours{3} + minutes{30});
    CHECK(line(2, VolunteerRole::host)->flagged == 1);
    CHECK(r.to_correct == std::vector<PresenceId>{2});
    CHECK(line(5, std::nullopt)->time == hours{2});
    CHECK(r.total == hours{1} + hours{4} + hours{2} + hours{8} + minutes{30} + hours{2});

    // Without opening hours the forgotten presence counts until it was closed (midnight), still flagged.
    const auto r2 = volunteer_hours({ps[1]}, from, to, now, {});
    CHECK(r2.total == hours{10});
    CHECK(r2.to_correct.size() == 1);

    // The CSV and the value at the default hourly value (12.02 €).
    const auto csv = volunteer_hours_csv(r2, "2026-11", {{2, "Camille Martin"}}, kDefaultHourlyValueCents);
    CHECK(csv ==
          "month,member_id,member,role,hours,presences,flagged,hourly_value_eur,value_eur\n"
          "2026-11,2,Camille Martin,host,10.00,1,1,12.02,120.20\n"
          "2026-11,,total,,10.00,1,1,12.02,120.20\n");
    CHECK(value_cents(minutes{90}, 1202) == 1803);
    CHECK(parse_euros("12,02") == 1202);
    CHECK(parse_euros("15") == 1500);
    CHECK(!parse_euros("-3"));
    CHECK(!parse_euros("abc"));
    CHECK(!parse_euros("1.234"));
    CHECK(parse_month("2026-11") == ymd(2026, 11, 1));
    CHECK(!parse_month("2026-13"));
    CHECK(!parse_month("11/2026"));
    CHECK(parse_volunteer_role("Mécanicien") == VolunteerRole::mechanic);
    CHECK(!parse_volunteer_role("boss"));
}

TEST_CASE("statistics: per month by status, fix rate, top problems, kilograms") {
    std::vector<Repair> rs;
    for (int i = 0; i < 3; ++i) {
        auto r = bike(Component::wheel, RepairStatus::fixed);
        r.problem = i < 2 ? "Crevaison" : "rayon cassé";
        rs.push_back(r);
    }
    rs.push_back(bike(Component::brakes, RepairStatus::end_of_life));
    rs.push_back(bike(Component::brakes, RepairStatus::unknown));
    auto light = powered(3, RepairStatus::fixed);
    light.day = ymd(2026, 10, 3);
    rs.push_back(light);
    auto old = bike(Component::chain, RepairStatus::fixed);
    old.day = ymd(2025, 5, 1);
    rs.push_back(old);

    const PiiStripper pii({"Léa Dubois"});
    const auto s = repair_stats(rs, 2026, std::nullopt, pii);
    CHECK(s.total == 6);
    CHECK(s.fixed == 4);
    CHECK(s.fix_rate == doctest::Approx(4.0 / 5.0));  // unknown outcomes are left out
    CHECK(s.kept_grams == 3 * 15000 + 150);
    REQUIRE(s.months.size() == 2);
    CHECK(s.months[0].month == 10);
    CHECK(s.months[1].by_status == std::array<int, 4>{3, 0, 1, 1});
    REQUIRE(!s.components.empty());
    CHECK(s.components[0].component == Component::wheel);
    CHECK(s.components[0].top_problems[0] == std::pair<std::string, int>{"crevaison", 2});
    CHECK(repair_stats(rs, 2026, 10u, pii).total == 1);
}

TEST_CASE("statistics: the top problems carry no name, e-mail address or phone number") {
    std::vector<Repair> rs;
    for (int i = 0; i < 3; ++i) {
        auto r = bike(Component::wheel, RepairStatus::fixed);
        r.problem = "appeler Léa Dubois au 06 12 34 56 78 ou lea.dubois@example.org";
        rs.push_back(r);
    }
    const auto s = repair_stats(rs, 2026, std::nullopt, PiiStripper({"Léa Dubois"}));
    REQUIRE(!s.components.empty());
    REQUIRE(!s.components[0].top_problems.empty());
    const std::string& top = s.components[0].top_problems[0].first;
    CHECK(top.find("06 12") == std::string::npos);
    CHECK(top.find("example.org") == std::string::npos);
    CHECK(top.find("dubois") == std::string::npos);
    CHECK(s.components[0].top_problems[0].second == 3);
}
