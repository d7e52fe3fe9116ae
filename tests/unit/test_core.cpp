// core: members, badges, dates and the badge-tap rule, as tables. Layer: unit tests.
#include <doctest/doctest.h>

#include <etabli/core/member.hpp>
#include <etabli/core/presence.hpp>
#include <etabli/core/time.hpp>

#include "testing.hpp"

using namespace etabli;
using namespace etabli::core;
using namespace std::chrono;

TEST_CASE("badge UIDs keep leading zeros and refuse anything but digits and letters") {
    struct Row { std::string in; std::optional<std::string> out; };
    const Row rows[] = {
        {"0001234567", "0001234567"},
        {"  0001234567\r\n", "0001234567"},
        {"04a2b3c4", "04A2B3C4"},
        {"04:A2:B3", "04:A2:B3"},
        {"0", "0"},
        {"", std::nullopt},
        {"   ", std::nullopt},
        {"12 34", std::nullopt},
        {"12;34", std::nullopt},
        {"'; DROP TABLE badges; --", std::nullopt},
        {"é123", std::nullopt},
        {std::string(32, '1'), std::string(32, '1')},
        {std::string(33, '1'), std::nullopt},
        {std::string("12\0" "34", 5), std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        auto got = normalize_uid(r.in);
        CHECK(got.has_value() == r.out.has_value());
        if (got && r.out) CHECK(*got == *r.out);
        if (!got) CHECK(!got.error().msgid.empty());
    }
}

TEST_CASE("names are trimmed, folded and checked") {
    CHECK(*normalize_name("  Léa   Dubois ") == "Léa Dubois");
    CHECK(*normalize_name("Zoé\tLefèvre") == "Zoé Lefèvre");
    CHECK(!normalize_name(""));
    CHECK(!normalize_name("   "));
    CHECK(!normalize_name("Bad\x01Name"));
    CHECK(!normalize_name("\xC3"));             // truncated UTF-8
    CHECK(!normalize_name("\xC0\xAF"));         // overlong
    CHECK(!normalize_name("\xED\xA0\x80"));     // surrogate
    CHECK(!normalize_name("Ab\xC2\x81"));        // C1 control, from an undefined cp1252 byte
    CHECK(normalize_name(std::string(80, 'a')));
    CHECK(!normalize_name(std::string(81, 'a')));
    std::string eighty_accents;
    for (int i = 0; i < 80; ++i) eighty_accents += "é";
    CHECK(normalize_name(eighty_accents));  // 80 code points, 160 bytes
}

TEST_CASE("e-mails") {
    CHECK(normalize_email("")->has_value() == false);
    CHECK(**normalize_email(" Lea.Dubois@Example.ORG ") == "lea.dubois@example.org");
    for (const char* bad : {"lea", "lea@", "@example.org", "lea@example", "lea@@example.org", "lea @example.org",
                            "lea@example.", "lea@.org", "a,b@example.org", "<lea@example.org>"}) {
        CAPTURE(bad);
        CHECK(!normalize_email(bad));
    }
    CHECK(!normalize_email(std::string(250, 'a') + "@example.org"));
}

TEST_CASE("roles, languages and badge states read from text") {
    CHECK(role_from_string("host") == Role::host);
    CHECK(role_from_string(" Admin ") == Role::admin);
    CHECK(!role_from_string("boss"));
    CHECK(lang_from_string("fr") == Lang::fr);
    CHECK(lang_from_string("en_GB.UTF-8") == Lang::en);
    CHECK(lang_from_string("fr_FR") == Lang::fr);
    CHECK(!lang_from_string("de"));
    CHECK(!lang_from_string("french"));
    CHECK(badge_status_from_string("lost") == BadgeStatus::lost);
    CHECK(can_host(Role::host));
    CHECK(can_host(Role::admin));
    CHECK(!can_host(Role::volunteer));
}

TEST_CASE("dates and timestamps round-trip and refuse impossible values") {
    CHECK(format_date(*parse_date("2026-02-28")) == "2026-02-28");
    CHECK(!parse_date("2026-02-29"));
    CHECK(parse_date("2028-02-29"));
    CHECK(!parse_date("2026-13-01"));
    CHECK(!parse_date("26-01-01"));
    CHECK(!parse_date("2026-1-1"));
    CHECK(!parse_date("2026/01/01"));
    CHECK(!parse_date("2026-01-01x"));
    auto t = parse_timestamp("2026-11-28T14:05:09Z");
    REQUIRE(t);
    CHECK(format_timestamp(*t) == "2026-11-28T14:05:09Z");
    // The ends of the four-digit years, and beyond them (printed, never stored).
    using namespace std::chrono;
    CHECK(format_timestamp(Timestamp{sys_days{year{1} / January / 1}}) == "0001-01-01T00:00:00Z");
    CHECK(format_timestamp(Timestamp{sys_days{year{9999} / December / 31}} + seconds{86399}) == "9999-12-31T23:59:59Z");
    CHECK(format_date(year{10000} / January / 2) == "10000-01-02");
    CHECK(format_timestamp(Timestamp{sys_days{year{1970} / January / 1}} - seconds{1}) == "1969-12-31T23:59:59Z");
    CHECK(parse_timestamp("2026-11-28 14:05:09") == t);
    CHECK(!parse_timestamp("2026-11-28T24:00:00Z"));
    CHECK(!parse_timestamp("2026-11-28T14:05"));
}

TEST_CASE("the badge-tap rule") {
    const Date today{year{2026}, month{11}, day{28}};
    const auto day_start = testing::utc("2026-11-27T23:00:00Z");  // Paris in winter
    Member m;
    m.id = 7;
    m.display_name = "Léa";
    m.valid_until = Date{year{2026}, month{12}, day{31}};
    Badge b{"0001234567", 7, BadgeStatus::active, {}};
    Presence in_today{3, 7, testing::utc("2026-11-28T09:00:00Z"), std::nullopt};
    Presence in_yesterday{2, 7, testing::utc("2026-11-27T15:00:00Z"), std::nullopt};

    SUBCASE("unknown badge") {
        CHECK(decide_tap(nullptr, nullptr, nullptr, today, day_start).kind == TapKind::unknown_badge);
        CHECK(decide_tap(&b, nullptr, nullptr, today, day_start).kind == TapKind::unknown_badge);
    }
    SUBCASE("check in, then out") {
        CHECK(decide_tap(&b, &m, nullptr, today, day_start).kind == TapKind::check_in);
        CHECK(decide_tap(&b, &m, &in_today, today, day_start).kind == TapKind::check_out);
    }
    SUBCASE("a presence left open yesterday is closed and the tap checks in") {
        auto d = decide_tap(&b, &m, &in_yesterday, today, day_start);
        CHECK(d.kind == TapKind::check_in);
        CHECK(d.close_stale == PresenceId{2});
    }
    SUBCASE("revoked and lost badges are refused") {
        b.status = BadgeStatus::revoked;
        auto d = decide_tap(&b, &m, nullptr, today, day_start);
        CHECK(d.kind == TapKind::badge_revoked);
        CHECK(describe(d, "Léa").msgid.find("revoked") != std::string::npos);
        b.status = BadgeStatus::lost;
        d = decide_tap(&b, &m, nullptr, today, day_start);
        CHECK(d.kind == TapKind::badge_revoked);
        CHECK(describe(d, "Léa").msgid.find("lost") != std::string::npos);
    }
    SUBCASE("membership valid through its last day, refused the day after, with the date") {
        m.valid_until = today;
        CHECK(decide_tap(&b, &m, nullptr, today, day_start).kind == TapKind::check_in);
        m.valid_until = Date{year{2026}, month{11}, day{27}};
        auto d = decide_tap(&b, &m, nullptr, today, day_start);
        CHECK(d.kind == TapKind::membership_expired);
        CHECK(d.expired_on == m.valid_until);
        CHECK(describe(d, "Léa").english() == "Membership expired on 2026-11-27: renew it with a host");
        // …but someone already inside may still check out.
        CHECK(decide_tap(&b, &m, &in_today, today, day_start).kind == TapKind::check_out);
    }
    SUBCASE("no end date never expires") {
        m.valid_until.reset();
        CHECK(decide_tap(&b, &m, nullptr, today, day_start).kind == TapKind::check_in);
    }
}

TEST_CASE("problems fill their placeholders") {
    CHECK(problem("Badge {0} is already enrolled to {1}", {"01", "Léa"}).english() == "Badge 01 is already enrolled to Léa");
    CHECK(fill_placeholders("{1} {0} {2}", {"a", "b"}) == "b a {2}");
    CHECK(fill_placeholders("{", {}) == "{");
}
