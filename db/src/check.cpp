// `etabli check`: SQLite's checks, then the station's invariants, each as one query whose
// rows are the violations. See check.hpp. Layer: db.
#include <etabli/db/check.hpp>

#include <etabli/core/i18n.hpp>
#include <etabli/db/audit.hpp>
#include <etabli/db/privacy.hpp>

#include "read_only.hpp"
#include <etabli/db/database.hpp>

#include <sqlite3.h>

namespace etabli::db {

namespace {

struct Rule {
    const char* name;
    const char* sql;      // each row is one violation; its columns fill the message
    const char* msgid;    // {0}, {1}… are the row's columns
};

// Rows kept live by the station: a booking still to come or running, an open loan, session,
// presence. Times are stored as ISO-8601 UTC text, so text order is time order.
constexpr Rule kRules[] = {
    {"booking_overlap",
     "SELECT a.id, b.id, m.name FROM bookings a JOIN bookings b ON b.machine_id = a.machine_id AND b.id > a.id "
     "JOIN machines m ON m.id = a.machine_id "
     "WHERE a.state IN ('booked', 'active') AND b.state IN ('booked', 'active') "
     "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at LIMIT 100",
     core::N_("Bookings {0} and {1} overlap on {2}")},
    {"open_loans",
     "SELECT t.tag, count(*) FROM loans l JOIN tools t ON t.id = l.tool_id WHERE l.returned_at IS NULL "
     "GROUP BY l.tool_id HAVING count(*) > 1 LIMIT 100",
     core::N_("Tool {0} is out on {1} open loans at once")},
    {"open_sessions",
     "SELECT m.name, count(*) FROM sessions s JOIN machines m ON m.id = s.machine_id WHERE s.ended_at IS NULL "
     "GROUP BY s.machine_id HAVING count(*) > 1 LIMIT 100",
     core::N_("{0} has {1} sessions running at once")},
    {"session_member",
     "SELECT s.id FROM sessions s LEFT JOIN members m ON m.id = s.member_id WHERE m.id IS NULL LIMIT 100",
     core::N_("Session {0} has no member")},
    {"session_booking",
     "SELECT s.id, s.booking_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
     "WHERE b.machine_id <> s.machine_id LIMIT 100",
     core::N_("Session {0} runs on another machine than its booking {1}")},
    {"open_presence",
     "SELECT member_id, count(*) FROM presence WHERE checked_out IS NULL GROUP BY member_id HAVING count(*) > 1 LIMIT 100",
     core::N_("Member {0} is checked in {1} times at once")},
    {"badge_member",
     "SELECT b.uid FROM badges b LEFT JOIN members m ON m.id = b.member_id WHERE m.id IS NULL LIMIT 100",
     core::N_("Badge {0} belongs to no member")},
    // A grant signed by a member (not a host or an admin) above what they held on that skill.
    {"grant_signer",
     "SELECT g.id, g.level, g.signed_by, COALESCE((SELECT s2.level FROM skill_grants s2 WHERE s2.member_id = g.signed_by "
     "AND s2.skill_id = g.skill_id AND s2.id < g.id ORDER BY s2.id DESC LIMIT 1), 0) AS own "
     "FROM skill_grants g JOIN members s ON s.id = g.signed_by WHERE s.role NOT IN ('host', 'admin') "
     "AND g.level > COALESCE((SELECT s2.level FROM skill_grants s2 WHERE s2.member_id = g.signed_by "
     "AND s2.skill_id = g.skill_id AND s2.id < g.id ORDER BY s2.id DESC LIMIT 1), 0) LIMIT 100",
     core::N_("Skill grant {0} is at level {1}, above its signer's (member {2}, level {3})")},
};

}  // namespace

std::expected<std::vector<Violation>, core::Problem> check_database(const std::filesystem::path& db) {
    auto c = open_read_only(db);
    if (!c) return std::unexpected(c.error());
    auto tx = Transaction::begin(*c, Transaction::Kind::read);
    if (!tx) return std::unexpected(tx.error());
    std::vector<Violation> out;

    auto integrity = c->prepare("PRAGMA integrity_check(100)");
    if (!integrity) return std::unexpected(integrity.error());
    for (;;) {
        auto row = integrity->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        const auto text = integrity->column_text(0);
        if (text != "ok") out.push_back({"integrity", core::problem("The file is damaged: {0}", {text})});
    }
    // A damaged file answers the rest with nonsense, or not at all.
    if (!out.empty()) return out;

    auto fk = c->prepare("PRAGMA foreign_key_check");
    if (!fk) return std::unexpected(fk.error());
    for (;;) {
        auto row = fk->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        out.push_back({"foreign_key", core::problem("Row {1} of {0} points to a missing row of {2}",
                                                    {fk->column_text(0), fk->column_text(1), fk->column_text(2)})});
    }

    for (const Rule& rule : kRules) {
        auto st = c->prepare(rule.sql);
        if (!st) return std::unexpected(st.error());
        const int columns = sqlite3_column_count(st->get());
        for (;;) {
            auto row = st->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            std::vector<std::string> args;
            for (int i = 0; i < columns; ++i) args.push_back(st->column_text(i));
            out.push_back({rule.name, core::problem(rule.msgid, std::move(args))});
        }
    }
    // The audit trail's chain, when the file has one.
    // In the same read transaction; a chain that cannot be checked is said, not skipped.
    auto has = c->query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
    if (!has) return std::unexpected(has.error());
    auto rows = *has > 0 ? c->query_int("SELECT count(*) FROM audit") : std::expected<std::int64_t, core::Problem>(0);
    if (!rows) return std::unexpected(rows.error());
    if (*rows > 0) {
        std::expected<AuditVerdict, core::Problem> v = std::unexpected(core::Problem{});
        if (auto key = installation_pepper(db, false); key) v = verify_audit(*c, *key);
        else v = std::unexpected(key.error());
        if (!v) out.push_back({"audit_chain", v.error()});
        else if (v->why) out.push_back({"audit_chain", *v->why});
    }
    return out;
}

}  // namespace etabli::db
