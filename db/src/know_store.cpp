// SqlStore, trainings / help in the room / know-how cards part: the tables of
// db/migrations/008_know_how.sql, loaded once at start and written one use case per
// transaction with the events the station named; plus the presence history that "who usually
// comes at this hour" reads. Layer: db. Thread: the station thread (or the CLI's main thread
// before a Station exists).
//
// Event log: training:N  training.added, training.cancelled, training.signup, training.cancel_signup,
//                        training.promoted, training.present, training.granted
//            help:N      help.asked, help.helped, help.expired, help.left, help.withdrawn
//            card:N      card.added, card.suggested, card.changed, card.published, card.rejected, card.helped
//            member:N    member.help_opt_in
// Details hold ids and states only: never a card's text, a note or a request's text.
//
// [SECTION] Index
//   [Readers]  one row → one core record
//   [Load]     load_know
//   [Commit]   commit_know
//   [History]  presences_between
#include <etabli/db/sql_store.hpp>

#include "store_support.hpp"

#include <map>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_TRAINING_COLUMNS \
    "id, skill_id, starts_at, ends_at, capacity, trainer_id, level, note, cancelled, granted_at, created_at"
#define ETABLI_SIGNUP_COLUMNS "id, training_id, member_id, state, signed_up_at, present_at"
#define ETABLI_HELP_COLUMNS "id, asker_id, skill_id, text, posted_at, expires_at, state, helper_id, closed_at"
#define ETABLI_CARD_COLUMNS "id, title, state, author_id, reviewer_id, created_at, updated_at"

// [Readers] --------------------------------------------------------------------------------

std::expected<core::Training, Problem> read_training(const Statement& st) {
    core::Training t;
    t.id = st.column_int(0);
    const auto key = std::to_string(t.id);
    t.skill = st.column_int(1);
    ETABLI_TRY(start, read_ts(st, 2, "trainings", key, "starts_at"));
    ETABLI_TRY(end, read_ts(st, 3, "trainings", key, "ends_at"));
    t.start = *start;
    t.end = *end;
    t.capacity = static_cast<int>(st.column_int(4));
    t.trainer = st.column_int(5);
    t.level = static_cast<int>(st.column_int(6));
    t.note = st.column_text(7);
    t.cancelled = st.column_int(8) != 0;
    ETABLI_TRY(granted, read_opt_ts(st, 9, "trainings", key, "granted_at"));
    t.granted_at = *granted;
    ETABLI_TRY(created, read_ts(st, 10, "trainings", key, "created_at"));
    t.created_at = *created;
    return t;
}

std::expected<core::Signup, Problem> read_signup(const Statement& st) {
    core::Signup s;
    s.id = st.column_int(0);
    const auto key = std::to_string(s.id);
    s.training = st.column_int(1);
    s.member = st.column_int(2);
    auto state = core::signup_state_from_string(st.column_text(3));
    if (!state) return std::unexpected(bad_row("training_signups", key, "state", st.column_text(3)));
    s.state = *state;
    ETABLI_TRY(at, read_ts(st, 4, "training_signups", key, "signed_up_at"));
    s.signed_up_at = *at;
    ETABLI_TRY(present, read_opt_ts(st, 5, "training_signups", key, "present_at"));
    s.present_at = *present;
    return s;
}

std::expected<core::HelpRequest, Problem> read_help(const Statement& st) {
    core::HelpRequest h;
    h.id = st.column_int(0);
    const auto key = std::to_string(h.id);
    h.asker = st.column_int(1);
    h.skill = st.column_int(2);
    h.text = st.column_text(3);
    ETABLI_TRY(posted, read_ts(st, 4, "help_requests", key, "posted_at"));
    ETABLI_TRY(expires, read_ts(st, 5, "help_requests", key, "expires_at"));
    h.posted_at = *posted;
    h.expires_at = *expires;
    auto state = core::help_state_from_string(st.column_text(6));
    if (!state) return std::unexpected(bad_row("help_requests", key, "state", st.column_text(6)));
    h.state = *state;
    if (!st.is_null(7)) h.helper = st.column_int(7);
    ETABLI_TRY(closed, read_opt_ts(st, 8, "help_requests", key, "closed_at"));
    h.closed_at = *closed;
    return h;
}

std::expected<core::Card, Problem> read_card(const Statement& st) {
    core::Card c;
    c.id = st.column_int(0);
    const auto key = std::to_string(c.id);
    c.title = st.column_text(1);
    auto state = core::card_state_from_string(st.column_text(2));
    if (!state) return std::unexpected(bad_row("cards", key, "state", st.column_text(2)));
    c.state = *state;
    if (!st.is_null(3)) c.author = st.column_int(3);
    if (!st.is_null(4)) c.reviewer = st.column_int(4);
    ETABLI_TRY(created, read_ts(st, 5, "cards", key, "created_at"));
    ETABLI_TRY(updated, read_ts(st, 6, "cards", key, "updated_at"));
    c.created_at = *created;
    c.updated_at = *updated;
    return c;
}

std::expected<void, Problem> read_names(Connection& c, const char* sql, std::map<std::int64_t, std::string>& out) {
    ETABLI_TRY(st, c.prepare(sql));
    for (;;) {
        ETABLI_TRY(row, st->step());
        if (!*row) break;
        out[st->column_int(0)] = st->column_text(1);
    }
    return {};
}

// [Commit] ---------------------------------------------------------------------------------
std::optional<std::int64_t> opt_id(const std::optional<core::MemberId>& m) {
    return m ? std::optional<std::int64_t>{*m} : std::nullopt;
}

std::expected<void, Problem> write_training(Connection& c, const core::Training& t) {
    ETABLI_TRY(st, c.cached("INSERT INTO trainings (" ETABLI_TRAINING_COLUMNS ") VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                            "ON CONFLICT(id) DO UPDATE SET skill_id = excluded.skill_id, starts_at = excluded.starts_at, "
                            "ends_at = excluded.ends_at, capacity = excluded.capacity, trainer_id = excluded.trainer_id, "
                            "level = excluded.level, note = excluded.note, cancelled = excluded.cancelled, "
                            "granted_at = excluded.granted_at"));
    (*st)->bind(1, t.id).bind(2, t.skill).bind(3, ts(t.start)).bind(4, ts(t.end)).bind(5, std::int64_t{t.capacity})
        .bind(6, t.trainer).bind(7, std::int64_t{t.level}).bind(8, t.note).bind(9, std::int64_t{t.cancelled ? 1 : 0})
        .bind(10, opt_ts(t.granted_at)).bind(11, ts(t.created_at));
    return (*st)->run();
}

std::expected<void, Problem> write_signup(Connection& c, const core::Signup& s) {
    ETABLI_TRY(st, c.cached("INSERT INTO training_signups (" ETABLI_SIGNUP_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, present_at = excluded.present_at"));
    (*st)->bind(1, s.id).bind(2, s.training).bind(3, s.member).bind(4, core::to_string(s.state))
        .bind(5, ts(s.signed_up_at)).bind(6, opt_ts(s.present_at));
    return (*st)->run();
}

std::expected<void, Problem> write_help(Connection& c, const core::HelpRequest& h) {
    ETABLI_TRY(st, c.cached("INSERT INTO help_requests (" ETABLI_HELP_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, helper_id = excluded.helper_id, "
                            "closed_at = excluded.closed_at, expires_at = excluded.expires_at"));
    (*st)->bind(1, h.id).bind(2, h.asker).bind(3, h.skill).bind(4, h.text).bind(5, ts(h.posted_at))
        .bind(6, ts(h.expires_at)).bind(7, core::to_string(h.state)).bind(8, opt_id(h.helper)).bind(9, opt_ts(h.closed_at));
    return (*st)->run();
}

std::expected<void, Problem> write_card(Connection& c, const core::Card& k) {
    ETABLI_TRY(st, c.cached("INSERT INTO cards (" ETABLI_CARD_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, state = excluded.state, "
                            "reviewer_id = excluded.reviewer_id, updated_at = excluded.updated_at"));
    (*st)->bind(1, k.id).bind(2, k.title).bind(3, core::to_string(k.state)).bind(4, opt_id(k.author))
        .bind(5, opt_id(k.reviewer)).bind(6, ts(k.created_at)).bind(7, ts(k.updated_at));
    ETABLI_CHECK((*st)->run());
    ETABLI_TRY(del_steps, c.cached("DELETE FROM card_steps WHERE card_id = ?1"));
    (*del_steps)->bind(1, k.id);
    ETABLI_CHECK((*del_steps)->run());
    ETABLI_TRY(del_links, c.cached("DELETE FROM card_links WHERE card_id = ?1"));
    (*del_links)->bind(1, k.id);
    ETABLI_CHECK((*del_links)->run());
    ETABLI_TRY(step, c.cached("INSERT INTO card_steps (card_id, position, text, photo) VALUES (?1, ?2, ?3, ?4)"));
    for (std::size_t i = 0; i < k.steps.size(); ++i) {
        (*step)->bind(1, k.id).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, k.steps[i].text).bind(4, k.steps[i].photo);
        ETABLI_CHECK((*step)->run());
        (*step)->reset();
    }
    ETABLI_TRY(link, c.cached("INSERT INTO card_links (card_id, kind, target) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
    auto links = [&](const char* kind, const std::vector<std::int64_t>& ids) -> std::expected<void, Problem> {
        for (auto id : ids) {
            (*link)->bind(1, k.id).bind(2, kind).bind(3, id);
            ETABLI_CHECK((*link)->run());
            (*link)->reset();
        }
        return {};
    };
    ETABLI_CHECK(links("skill", k.skills));
    ETABLI_CHECK(links("machine", k.machines));
    ETABLI_CHECK(links("tool", k.tools));
    return {};
}

}  // namespace

// [Load] -----------------------------------------------------------------------------------
std::expected<app::KnowData, Problem> SqlStore::load_know(Timestamp since) {
    return guarded([&]() -> std::expected<app::KnowData, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::KnowData d;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_TRAINING_COLUMNS " FROM trainings "
                                          "WHERE cancelled = FALSE AND (ends_at > ?1 OR granted_at IS NULL) ORDER BY id"));
            st->bind(1, ts(since));
            ETABLI_TRY(rows, read_all<core::Training>(*st, read_training));
            d.trainings = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT s.id, s.training_id, s.member_id, s.state, s.signed_up_at, s.present_at "
                                          "FROM training_signups s JOIN trainings t ON t.id = s.training_id "
                                          "WHERE t.cancelled = FALSE AND (t.ends_at > ?1 OR t.granted_at IS NULL) ORDER BY s.id"));
            st->bind(1, ts(since));
            ETABLI_TRY(rows, read_all<core::Signup>(*st, read_signup));
            d.signups = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_HELP_COLUMNS " FROM help_requests WHERE state = 'open' ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::HelpRequest>(*st, read_help));
            d.help_requests = std::move(*rows);
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id FROM members WHERE help_opt_in = TRUE"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                d.help_opt_in.insert(st->column_int(0));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_CARD_COLUMNS " FROM cards WHERE state <> 'rejected' ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Card>(*st, read_card));
            d.cards = std::move(*rows);
        }
        std::map<core::CardId, core::Card*> by_id;
        for (auto& c : d.cards) by_id[c.id] = &c;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT card_id, text, photo FROM card_steps ORDER BY card_id, position"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                if (auto it = by_id.find(st->column_int(0)); it != by_id.end())
                    it->second->steps.push_back(core::CardStep{st->column_text(1), st->column_optional_text(2)});
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT card_id, kind, target FROM card_links ORDER BY card_id, kind, target"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto it = by_id.find(st->column_int(0));
                if (it == by_id.end()) continue;
                const auto kind = st->column_text(1);
                const auto target = st->column_int(2);
                if (kind == "skill") it->second->skills.push_back(target);
                else if (kind == "machine") it->second->machines.push_back(target);
                else if (kind == "tool") it->second->tools.push_back(target);
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT card_id, member_id FROM card_helped ORDER BY card_id, at"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                auto it = by_id.find(st->column_int(0));
                if (it == by_id.end()) continue;
                ++it->second->helped;
                d.helped.emplace_back(st->column_int(0), st->column_int(1));
            }
        }
        ETABLI_CHECK(read_names(m_conn, "SELECT id, name FROM skills", d.skill_names));
        ETABLI_CHECK(read_names(m_conn, "SELECT id, name FROM machines", d.machine_names));
        ETABLI_CHECK(read_names(m_conn, "SELECT id, name FROM tools", d.tool_names));
        ETABLI_CHECK(tx->commit());  // the ids' floors after the read (PostgreSQL takes blocks)
        ETABLI_TRY(mt, id_floor("trainings"));
        ETABLI_TRY(ms, id_floor("training_signups"));
        ETABLI_TRY(mh, id_floor("help_requests"));
        ETABLI_TRY(mc, id_floor("cards"));
        d.max_training_id = *mt;
        d.max_signup_id = *ms;
        d.max_help_id = *mh;
        d.max_card_id = *mc;
        return d;
    });
}

// [Commit] ---------------------------------------------------------------------------------
std::expected<void, Problem> SqlStore::commit_know(const app::KnowChanges& c, std::optional<core::MemberId> actor,
                                                      Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const auto& t : c.trainings) ETABLI_CHECK(write_training(m_conn, t));
        for (const auto& s : c.signups) ETABLI_CHECK(write_signup(m_conn, s));
        for (const auto& h : c.help_requests) ETABLI_CHECK(write_help(m_conn, h));
        for (const auto& k : c.cards) ETABLI_CHECK(write_card(m_conn, k));
        for (const auto& [member, on] : c.opt_in) {
            ETABLI_TRY(st, m_conn.cached("UPDATE members SET help_opt_in = ?1 WHERE id = ?2"));
            (*st)->bind(1, std::int64_t{on ? 1 : 0}).bind(2, member);
            ETABLI_CHECK((*st)->run());
            if (m_conn.changes() != 1) {
                // In English: the detail of "Storage error: {0}", not a message.
                const std::string detail = "no member " + std::to_string(member);
                return std::unexpected(storage_problem(detail));
            }
        }
        for (const auto& [card, member] : c.helped) {
            ETABLI_TRY(st, m_conn.cached("INSERT INTO card_helped (card_id, member_id, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
            (*st)->bind(1, card).bind(2, member).bind(3, ts(at));
            ETABLI_CHECK((*st)->run());
        }
        for (const auto& e : c.events) {
            Detail d;
            for (const auto& [k, v] : e.detail) d.add(k, v);
            ETABLI_CHECK(append_event(m_conn, at, actor, e.kind, e.subject, d));
        }
        return tx->commit();
    });
}

// [History] --------------------------------------------------------------------------------
// A presence the station closed by itself (a forgotten check-out) has no known end: unless a
// host corrected it, it counts for the hour it began only.
std::expected<std::vector<core::Presence>, Problem> SqlStore::presences_between(Timestamp from, Timestamp to) {
    return guarded([&]() -> std::expected<std::vector<core::Presence>, Problem> {
        ETABLI_TRY(st, m_conn.prepare(
                           "SELECT p.id, p.member_id, p.checked_in, "
                           "CASE WHEN c.checked_out IS NOT NULL THEN c.checked_out "
                           "     WHEN p.closed_by = 'auto' THEN NULL ELSE p.checked_out END, "
                           "p.closed_by = 'auto' AND c.checked_out IS NULL "
                           "FROM presence p LEFT JOIN presence_corrections c ON c.presence_id = p.id "
                           "WHERE p.checked_in >= ?1 AND p.checked_in < ?2 ORDER BY p.checked_in"));
        st->bind(1, ts(from)).bind(2, ts(to));
        std::vector<core::Presence> out;
        for (;;) {
            ETABLI_TRY(row, st->step());
            if (!*row) break;
            core::Presence p;
            p.id = st->column_int(0);
            p.member_id = st->column_int(1);
            const auto key = std::to_string(p.id);
            ETABLI_TRY(in, read_ts(*st, 2, "presence", key, "checked_in"));
            p.checked_in = *in;
            ETABLI_TRY(out_t, read_opt_ts(*st, 3, "presence", key, "checked_out"));
            p.checked_out = *out_t;
            if (st->column_int(4) != 0) p.checked_out = p.checked_in + std::chrono::hours{1};
            out.push_back(p);
        }
        return out;
    });
}

}  // namespace etabli::db
