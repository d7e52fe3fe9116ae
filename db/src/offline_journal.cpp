// [Offline] The badge taps a station decides alone while the shared PostgreSQL database is
// out of reach (app::Store's [Offline] contract): kept in a small SQLite journal beside the
// station, <base>-offline.db, and replayed once, in order, when the link is back.
//
// The journal has a random key of its own, made with the file. A tap is named by that key and
// its number in the journal ("3f9c…:17"): the database keeps the name of every tap it replayed
// (replayed_taps, migration 021) in the transaction that writes it, so a tap is written once
// even when the journal's own mark is lost (the station stopped between the two commits, or
// the file was copied back).
//
// Replaying a tap decides it again against what the database holds now:
// - a check-in opens a presence at the time of the tap, unless the member is already in
//   (checked in at another station meanwhile): the tap then stands for that presence;
// - a check-out closes the presence it names (a presence of the database, or the one a
//   journaled check-in opened), at the time of the tap, never before it opened; one already
//   closed stays as it is.
#include <etabli/db/sql_store.hpp>

#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

#include "store_support.hpp"

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

class OfflineJournal {
public:
    Connection conn;
    std::string key;  // this journal's name, in every tap's name
};

namespace {

constexpr const char* kJournalSchema =
    "PRAGMA synchronous = FULL;"
    "CREATE TABLE IF NOT EXISTS journal_key (key TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS taps ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"  // never given twice, even after a purge
    " kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),"
    " member_id INTEGER NOT NULL,"
    " badge_uid TEXT NOT NULL,"
    " presence_id INTEGER,"     // out: the presence closed (below zero: a journaled check-in, -seq)
    " stale_id INTEGER,"        // in: a presence of an earlier day closed first (same naming)
    " stale_close_at TEXT,"
    " at TEXT NOT NULL,"
    " replayed_at TEXT,"        // set once the database has it
    " outcome TEXT);";

std::string tap_name(const std::string& key, std::int64_t seq) { return key + ":" + std::to_string(seq); }

}  // namespace

std::filesystem::path SqlStore::journal_path() const {
    const std::string stem = m_path.stem().string();
    return m_path.parent_path() / ((stem.empty() ? std::string{"etabli"} : stem) + "-offline.db");
}

std::expected<OfflineJournal*, Problem> SqlStore::offline_journal(bool create) {
    if (m_journal) return m_journal.get();
    const auto file = journal_path();
    if (!create) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) return nullptr;
    }
    return guarded([&]() -> std::expected<OfflineJournal*, Problem> {
        ETABLI_TRY(c, Connection::open_raw(file.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
        ETABLI_CHECK(c->exec("PRAGMA busy_timeout = 5000"));
        ETABLI_CHECK(c->exec(kJournalSchema));
        auto j = std::make_shared<OfflineJournal>();
        j->conn = std::move(*c);
        ETABLI_TRY(has, j->conn.query_int("SELECT count(*) FROM journal_key"));
        if (*has == 0) {
            if (sodium_init() < 0) return std::unexpected(core::storage_problem("libsodium cannot start"));
            unsigned char raw[12];
            randombytes_buf(raw, sizeof raw);
            char hex[2 * sizeof raw + 1];
            sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
            ETABLI_TRY(st, j->conn.prepare("INSERT INTO journal_key (key) VALUES (?1)"));
            st->bind(1, std::string_view{hex});
            ETABLI_CHECK(st->run());
        }
        ETABLI_TRY(key, j->conn.query_text("SELECT key FROM journal_key LIMIT 1"));
        if (key->empty()) return std::unexpected(core::storage_problem("The offline journal {0} has no key", {file.string()}));
        j->key = std::move(*key);
        m_journal = std::move(j);
        return m_journal.get();
    });
}

bool SqlStore::link_down() const { return m_conn.link_down(); }

std::expected<core::Presence, Problem> SqlStore::journal_check_in(core::MemberId member, const std::string& uid,
                                                                  std::optional<core::PresenceId> stale,
                                                                  Timestamp stale_close_at, Timestamp at) {
    if (m_conn.dialect() != Dialect::postgres) return app::Store::journal_check_in(member, uid, stale, stale_close_at, at);
    ETABLI_TRY(j, offline_journal(true));
    return guarded([&]() -> std::expected<core::Presence, Problem> {
        ETABLI_TRY(st, (*j)->conn.cached("INSERT INTO taps (kind, member_id, badge_uid, stale_id, stale_close_at, at) "
                                         "VALUES ('in', ?1, ?2, ?3, ?4, ?5) RETURNING seq"));
        (*st)->bind(1, member).bind(2, uid);
        if (stale) (*st)->bind(3, *stale).bind(4, ts(stale_close_at));
        (*st)->bind(5, ts(at));
        ETABLI_TRY(seq, run_returning_id(**st));
        return core::Presence{-*seq, member, at, std::nullopt};
    });
}

std::expected<core::Presence, Problem> SqlStore::journal_check_out(const core::Presence& open, const std::string& uid,
                                                                   Timestamp at) {
    if (m_conn.dialect() != Dialect::postgres) return app::Store::journal_check_out(open, uid, at);
    ETABLI_TRY(j, offline_journal(true));
    return guarded([&]() -> std::expected<core::Presence, Problem> {
        ETABLI_TRY(st, (*j)->conn.cached("INSERT INTO taps (kind, member_id, badge_uid, presence_id, at) "
                                         "VALUES ('out', ?1, ?2, ?3, ?4) RETURNING seq"));
        (*st)->bind(1, open.member_id).bind(2, uid).bind(3, open.id).bind(4, ts(at));
        ETABLI_TRY(seq, run_returning_id(**st));
        return core::Presence{open.id, open.member_id, open.checked_in, at};
    });
}

std::expected<app::JournalReplay, Problem> SqlStore::replay_journal(Timestamp now) {
    app::JournalReplay summary;
    if (m_conn.dialect() != Dialect::postgres) return summary;
    ETABLI_TRY(j, offline_journal(false));
    if (!*j) return summary;  // never offline: no journal
    OfflineJournal& journal = **j;
    struct Tap {
        std::int64_t seq = 0;
        std::string kind;
        core::MemberId member = 0;
        std::string uid;
        std::optional<std::int64_t> presence, stale;
        std::optional<std::string> stale_close_at;
        Timestamp at{};
    };
    return guarded([&]() -> std::expected<app::JournalReplay, Problem> {
        std::vector<Tap> taps;
        {
            ETABLI_TRY(st, journal.conn.prepare("SELECT seq, kind, member_id, badge_uid, presence_id, stale_id, stale_close_at, at "
                                                "FROM taps WHERE replayed_at IS NULL ORDER BY seq"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                Tap t;
                t.seq = st->column_int(0);
                t.kind = st->column_text(1);
                t.member = st->column_int(2);
                t.uid = st->column_text(3);
                if (!st->is_null(4)) t.presence = st->column_int(4);
                if (!st->is_null(5)) t.stale = st->column_int(5);
                t.stale_close_at = st->column_optional_text(6);
                ETABLI_TRY(at, read_ts(*st, 7, "taps", std::to_string(t.seq), "at"));
                t.at = *at;
                taps.push_back(std::move(t));
            }
        }
        // The database's presence for a journaled id: itself, or what the journaled check-in
        // -id became when it was replayed (none: it opened nothing).
        auto resolve = [&](std::int64_t id) -> std::expected<std::optional<core::PresenceId>, Problem> {
            if (id > 0) return std::optional<core::PresenceId>{id};
            ETABLI_TRY(st, m_conn.cached("SELECT presence_id FROM replayed_taps WHERE key = ?1"));
            (*st)->bind(1, tap_name(journal.key, -id));
            ETABLI_TRY(row, (*st)->step());
            std::optional<core::PresenceId> out;
            if (*row && !(*st)->is_null(0)) out = (*st)->column_int(0);
            (*st)->reset();
            return out;
        };
        // The event of a presence closed (`by` "auto" or "badge"), as close_stale's and
        // check_out's, marked offline.
        auto closed_event = [&](core::PresenceId id, core::MemberId member, Timestamp at, Timestamp when, std::string_view by,
                                const std::string& uid) -> std::expected<void, Problem> {
            if (by == "auto")
                return append_event(m_conn, at, std::nullopt, "presence.auto_closed", "presence:" + std::to_string(id),
                                    Detail{}.add("member", member).add("closed_at", ts(when)).add("offline", 1));
            Detail detail;
            detail.add("presence", id);
            if (!uid.empty()) detail.add("badge", uid);
            detail.add("offline", 1);
            return append_event(m_conn, when, member, "presence.out", "member:" + std::to_string(member), detail);
        };
        // Closes `id` at `at` (never before it opened); whether it was open.
        auto close = [&](core::PresenceId id, Timestamp at, const char* by, const std::string& uid) -> std::expected<bool, Problem> {
            ETABLI_TRY(st, m_conn.cached("SELECT member_id, checked_in FROM presence WHERE id = ?1 AND checked_out IS NULL"));
            (*st)->bind(1, id);
            ETABLI_TRY(row, (*st)->step());
            if (!*row) return false;
            const core::MemberId member = (*st)->column_int(0);
            ETABLI_TRY(in, read_ts(**st, 1, "presence", std::to_string(id), "checked_in"));
            (*st)->reset();
            const Timestamp when = std::max(at, *in);
            ETABLI_TRY(up, m_conn.cached("UPDATE presence SET checked_out = ?1, closed_by = ?2 WHERE id = ?3 AND checked_out IS NULL"));
            (*up)->bind(1, ts(when)).bind(2, by).bind(3, id);
            ETABLI_CHECK((*up)->run());
            ETABLI_CHECK(closed_event(id, member, at, when, by, uid));
            return true;
        };
        for (const Tap& t : taps) {
            const std::string name = tap_name(journal.key, t.seq);
            std::optional<core::PresenceId> presence;
            std::string outcome;
            ETABLI_TRY(tx, Transaction::begin(m_conn));
            ETABLI_TRY(seen, m_conn.cached("SELECT presence_id FROM replayed_taps WHERE key = ?1"));
            (*seen)->bind(1, name);
            ETABLI_TRY(was, (*seen)->step());
            (*seen)->reset();
            if (*was) {
                outcome = "already replayed";
                ++summary.already;
            } else {
                if (t.kind == "in") {
                    if (t.stale && t.stale_close_at) {
                        ETABLI_TRY(stale, resolve(*t.stale));
                        auto close_at = core::parse_timestamp(*t.stale_close_at);
                        if (*stale && close_at) ETABLI_CHECK(close(**stale, *close_at, "auto", t.uid));
                    }
                    // The member in already: since before the tap, that presence stands for it;
                    // since after (checked in at another station meanwhile), the tap's own
                    // visit ends where that one begins, or at its journaled check-out if earlier.
                    std::optional<Timestamp> ends;
                    const char* ended_by = "auto";
                    ETABLI_TRY(open, m_conn.cached("SELECT id, checked_in FROM presence WHERE member_id = ?1 AND checked_out IS NULL"));
                    (*open)->bind(1, t.member);
                    ETABLI_TRY(in_already, (*open)->step());
                    if (*in_already) {
                        ETABLI_TRY(since, read_ts(**open, 1, "presence", std::to_string((*open)->column_int(0)), "checked_in"));
                        if (*since <= t.at) presence = (*open)->column_int(0);
                        else ends = *since;
                    }
                    (*open)->reset();
                    if (!presence && ends)
                        for (const Tap& later : taps)
                            if (later.seq > t.seq && later.kind == "out" && later.presence == -t.seq) {
                                if (later.at < *ends) {
                                    ends = std::max(later.at, t.at);
                                    ended_by = "badge";
                                }
                                break;
                            }
                    ETABLI_TRY(known, m_conn.cached("SELECT count(*) FROM members WHERE id = ?1"));
                    (*known)->bind(1, t.member);
                    ETABLI_TRY(krow, (*known)->step());
                    const bool member_known = *krow && (*known)->column_int(0) > 0;
                    (*known)->reset();
                    if (presence) {
                        outcome = "already in";
                    } else if (!member_known) {
                        outcome = "no such member";
                    } else {
                        // Closed as it is written when it ended already (one open presence per
                        // member): its journaled check-out then finds it closed.
                        ETABLI_TRY(ins, m_conn.cached("INSERT INTO presence (member_id, badge_uid, checked_in, checked_out, closed_by) "
                                                      "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id"));
                        (*ins)->bind(1, t.member);
                        if (t.uid.empty()) (*ins)->bind_null(2);
                        else (*ins)->bind(2, t.uid);
                        (*ins)->bind(3, ts(t.at));
                        (*ins)->bind(4, ends ? std::optional<std::string>{ts(*ends)} : std::nullopt);
                        (*ins)->bind(5, ends ? std::optional<std::string>{ended_by} : std::nullopt);
                        ETABLI_TRY(id, run_returning_id(**ins));
                        presence = *id;
                        Detail detail;
                        detail.add("presence", *id);
                        if (!t.uid.empty()) detail.add("badge", t.uid);
                        detail.add("offline", 1);
                        ETABLI_CHECK(append_event(m_conn, t.at, t.member, "presence.in", "member:" + std::to_string(t.member), detail));
                        if (ends) ETABLI_CHECK(closed_event(*id, t.member, *ends, *ends, ended_by, t.uid));
                        outcome = "checked in";
                    }
                } else {
                    if (t.presence) {
                        ETABLI_TRY(p, resolve(*t.presence));
                        presence = *p;
                    }
                    if (!presence) {
                        outcome = "nothing to close";
                    } else {
                        ETABLI_TRY(closed, close(*presence, t.at, "badge", t.uid));
                        outcome = *closed ? "checked out" : "already out";
                    }
                }
                ETABLI_TRY(mark, m_conn.cached("INSERT INTO replayed_taps (key, presence_id, replayed_at) VALUES (?1, ?2, ?3)"));
                (*mark)->bind(1, name).bind(2, presence ? std::optional<std::int64_t>{*presence} : std::nullopt).bind(3, ts(now));
                ETABLI_CHECK((*mark)->run());
                ++summary.replayed;
            }
            ETABLI_CHECK(tx->commit());
            // The journal's own mark, after the database's: lost, the database's name of the
            // tap keeps it from being written twice.
            // A journal that cannot be written (a file copied back read only) is replayed again
            // next time, each tap found already there: the station goes on.
            auto done = journal.conn.cached("UPDATE taps SET replayed_at = ?1, outcome = ?2 WHERE seq = ?3");
            if (done) {
                (*done)->bind(1, ts(now)).bind(2, outcome).bind(3, t.seq);
                if (auto marked = (*done)->run(); !marked)
                    std::fprintf(stderr, "etabli: the offline journal keeps no mark of tap %lld: %s\n", static_cast<long long>(t.seq),
                                 marked.error().english().c_str());
            }
        }
        // A week of replayed taps stays in the journal, to read what happened; older ones go.
        if (auto purge = journal.conn.cached("DELETE FROM taps WHERE replayed_at IS NOT NULL AND replayed_at < ?1")) {
            (*purge)->bind(1, ts(now - std::chrono::days{7}));
            (void)(*purge)->run();  // kept a little longer if it fails
        }
        return summary;
    });
}

}  // namespace etabli::db
