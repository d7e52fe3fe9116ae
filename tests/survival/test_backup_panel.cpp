// The host's line about backups on the kiosk: quiet when all is well, red after 48 h
// without a backup, when the disk is nearly full or the last backup failed; nothing when no
// service watches the backups.
#include "testing.hpp"

#include <etabli/core/i18n.hpp>
#include <etabli/gui/screens.hpp>

#include <doctest/doctest.h>

using namespace etabli;
using namespace std::chrono;

TEST_CASE("the host's backup line: when it is quiet, when it turns red, in French") {
    core::Translations tr;
    for (const char* po : {"fr.po"})
        tr.fr.merge(*core::parse_po(testing::read_file(std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / po)));
    const gui::Tr fr{&tr, core::Lang::fr};
    const core::Date today = year{2026} / December / 5;
    app::BackupView b;
    CHECK(gui::backup_line(b, fr, today).first.empty());  // nobody reports: no line
    b.reported = true;
    b.last_day = today;
    b.last_hhmm = "03:00";
    b.hours_since = 9;
    b.free_bytes = 20'000'000'000ull;
    auto [line, red] = gui::backup_line(b, fr, today);
    CHECK(line == "Dernière sauvegarde : aujourd'hui à 03:00");
    CHECK_FALSE(red);
    b.last_day = sys_days{today} - days{1};
    CHECK(gui::backup_line(b, fr, today).first == "Dernière sauvegarde : hier à 03:00");
    b.last_day = sys_days{today} - days{3};
    b.hours_since = 57;
    b.stale = true;
    std::tie(line, red) = gui::backup_line(b, fr, today);
    CHECK(line == "Dernière sauvegarde : 02/12 à 03:00 · aucune depuis 57 h");
    CHECK(red);
    b.stale = false;
    b.disk_low = true;
    b.free_bytes = 312'000'000;
    std::tie(line, red) = gui::backup_line(b, fr, today);
    CHECK(line.find("disque presque plein (312 Mo libres)") != std::string::npos);
    CHECK(red);
    b.disk_low = false;
    b.failure = core::storage_problem("The disk is full: cannot write a backup in {0}. Free some space and try again.", {"/srv"});
    std::tie(line, red) = gui::backup_line(b, fr, today);
    CHECK(line.find("la dernière a échoué : Le disque est plein") != std::string::npos);
    CHECK(red);
    app::BackupView never;
    never.reported = true;
    never.stale = true;
    std::tie(line, red) = gui::backup_line(never, fr, today);
    CHECK(line == "Aucune sauvegarde des données pour l'instant");
    CHECK(red);
}

TEST_CASE("the host's e-mail line: silent while reminders go, red after three failed tries in a row") {
    core::Translations tr;
    tr.fr.merge(*core::parse_po(testing::read_file(std::filesystem::path(ETABLI_ASSETS_DIR) / "i18n" / "fr.po")));
    const gui::Tr fr{&tr, core::Lang::fr};
    CHECK(gui::mail_line(nullptr, fr).empty());
    app::MailView m;
    m.failed_in_a_row = 5;
    m.last_error = "Couldn't connect to server";
    CHECK(gui::mail_line(&m, fr).empty());  // no [smtp]: nothing to say
    m.enabled = true;
    m.failed_in_a_row = 2;
    CHECK(gui::mail_line(&m, fr).empty());
    m.failed_in_a_row = 3;
    CHECK(gui::mail_line(&m, fr) == "Rappels par e-mail en échec (3 essais)\u00a0: prévenez un administrateur");
}
