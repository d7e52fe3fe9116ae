// SqlStore: the app::Store use cases as SQL (see sql_store.hpp for the event log).
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// [SECTION] Index
//   [Helpers]   e-mails, subjects, member and badge readers (shared ones: store_support.hpp)
//   [Open/load]
//   [Members]   add_member, set_member_lang, update_member
//   [Badges]    add_badge, set_badge_status
//   [Presence]  check_in, check_out, close_stale, log_refusal
//   [Import]    import_members
//
// Event details never hold names or e-mail addresses: the log is append-only, and personal
// data must stay erasable from the members table alone (RGPD). Subjects point at rows instead.

#include <etabli/db/sql_store.hpp>

#include <etabli/db/audit.hpp>
#include <etabli/db/privacy.hpp>

#include <etabli/db/migrations.hpp>
#include <etabli/db/pg_schema.hpp>

#include "store_support.hpp"

#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

// [Helpers] --------------------------------------------------------------------------------

namespace {

std::string lower_ascii(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

std::optional<std::string> lower_email(const std::optional<std::string>& e) {
    if (!e || e->empty()) return std::nullopt;
    return lower_ascii(*e);
}

std::string member_subject(core::MemberId id) { return "member:" + std::to_string(id); }
std::string badge_subject(std::string_view uid) { return "badge:" + std::string(uid); }
std::string presence_subject(core::PresenceId id) { return "presence:" + std::to_string(id); }

constexpr const char* kMemberColumns =
    "id, display_name, email, role, valid_until, lang, created_at, updated_at";

// A members row selected with kMemberColumns, starting at column 0.
std::expected<core::Member, Problem> read_member(const Statement& st) {
    core::Member m;
    m.id = st.column_int(0);
    auto key = std::to_string(m.id);
    m.display_name = st.column_text(1);
    m.email = st.column_optional_text(2);
    auto role = st.column_text(3);
    auto r = core::role_from_string(role);
    if (!r) return std::unexpected(bad_row("members", key, "role", role));
    m.role = *r;
    if (auto until = st.column_optional_text(4)) {
        auto d = core::parse_date(*until);
        if (!d) return std::unexpected(bad_row("members", key, "valid_until", *until));
        m.valid_until = *d;
    }
    auto lang = st.column_text(5);
    auto l = core::lang_from_string(lang);
    if (!l) return std::unexpected(bad_row("members", key, "lang", lang));
    m.lang = *l;
    ETABLI_TRY(created, read_ts(st, 6, "members", key, "created_at"));
    ETABLI_TRY(updated, read_ts(st, 7, "members", key, "updated_at"));
    m.created_at = *created;
    m.updated_at = *updated;
    return m;
}

std::expected<std::optional<core::Member>, Problem> find_member(Connection& c, core::MemberId id) {
    ETABLI_TRY(st, c.cached("SELECT id, display_name, email, role, valid_until, lang, created_at, "
                            "updated_at FROM members WHERE id = ?1"));
    (*st)->bind(1, id);
    ETABLI_TRY(row, (*st)->step());
    if (!*row) return std::optional<core::Member>{};
    ETABLI_TRY(m, read_member(**st));
    return std::optional<core::Member>{std::move(*m)};
}

Problem no_member(core::MemberId id) {
    return core::problem("There is no member number {0}.", {std::to_string(id)});
}

// The member's name, for messages about a conflict ("… already used by Léa Martin").
std::string member_name(Connection& c, core::MemberId id) {
    auto m = find_member(c, id);
    if (m && *m) return (*m)->display_name;
    return "#" + std::to_string(id);
}

// The member holding `email` (already lower-cased), if any.
std::expected<std::optional<core::MemberId>, Problem> email_owner(Connection& c, const std::string& email) {
    ETABLI_TRY(st, c.cached("SELECT id FROM members WHERE email = ?1"));
    (*st)->bind(1, email);
    ETABLI_TRY(row, (*st)->step());
    if (!*row) return std::optional<core::MemberId>{};
    return std::optional<core::MemberId>{(*st)->column_int(0)};
}

std::expected<std::optional<core::Badge>, Problem> find_badge(Connection& c, const std::string& uid) {
    ETABLI_TRY(st, c.cached("SELECT uid, member_id, status, created_at FROM badges WHERE uid = ?1"));
    (*st)->bind(1, uid);
    ETABLI_TRY(row, (*st)->step());
    if (!*row) return std::optional<core::Badge>{};
    core::Badge b;
    b.uid = (*st)->column_text(0);
    b.member_id = (*st)->column_int(1);
    auto status = (*st)->column_text(2);
    auto s = core::badge_status_from_string(status);
    if (!s) return std::unexpected(bad_row("badges", uid, "status", status));
    b.status = *s;
    ETABLI_TRY(created, read_ts(**st, 3, "badges", uid, "created_at"));
    b.created_at = *created;
    return std::optional<core::Badge>{std::move(b)};
}

// Closes an open presence; returns its member and check-in time, or nothing when the
// presence does not exist or is already closed.
struct Closed {
    core::MemberId member = 0;
    Timestamp checked_in{};
};
std::expected<std::optional<Closed>, Problem> close_presence(Connection& c, core::PresenceId id, Timestamp at,
                                                             const char* closed_by) {
    ETABLI_TRY(st, c.cached("UPDATE presence SET checked_out = ?1, closed_by = ?2 "
                            "WHERE id = ?3 AND checked_out IS NULL RETURNING member_id, checked_in"));
    (*st)->bind(1, ts(at)).bind(2, closed_by).bind(3, id);
    ETABLI_TRY(row, (*st)->step());
    if (!*row) return std::optional<Closed>{};
    Closed closed;
    closed.member = (*st)->column_int(0);
    ETABLI_TRY(in, read_ts(**st, 1, "presence", std::to_string(id), "checked_in"));
    closed.checked_in = *in;
    // RETURNING rows must be drained before COMMIT.
    ETABLI_CHECK((*st)->run());
    return std::optional<Closed>{closed};
}

Problem not_open(core::PresenceId id) {
    return core::problem("Presence {0} is not open (already closed, or unknown).", {std::to_string(id)});
}

}  // namespace

// [Open/load] ------------------------------------------------------------------------------

std::expected<std::unique_ptr<SqlStore>, Problem> SqlStore::open(const std::filesystem::path& path,
                                                                       const std::filesystem::path& backup_folder) {
    return guarded([&]() -> std::expected<std::unique_ptr<SqlStore>, Problem> {
        ETABLI_TRY(c, open_database(path, std::nullopt, backup_folder));
        return std::unique_ptr<SqlStore>(new SqlStore(std::move(*c), path));
    });
}

std::expected<std::unique_ptr<SqlStore>, Problem> SqlStore::open_postgres(const std::string& url,
                                                                          const std::filesystem::path& secret_base) {
    return guarded([&]() -> std::expected<std::unique_ptr<SqlStore>, Problem> {
        // The secret's folder, as open_database() makes the file's.
        if (std::error_code ec; secret_base.has_parent_path()) std::filesystem::create_directories(secret_base.parent_path(), ec);
        ETABLI_TRY(c, Connection::open_postgres(url));
        // The first station to start migrates; the others wait for it (pg_migrate's lock).
        ETABLI_CHECK(pg_migrate(*c->postgres(), pg_latest_schema_version()));
        return std::unique_ptr<SqlStore>(new SqlStore(std::move(*c), secret_base));
    });
}

std::filesystem::path SqlStore::default_postgres_secret_base() {
    // Not default_db_path(): $ETABLI_DB may be the URL itself.
    auto env = [](const char* name) -> const char* {
        const char* v = std::getenv(name);
        return v && *v ? v : nullptr;
    };
    if (const char* p = env("XDG_DATA_HOME")) return std::filesystem::path(p) / "etabli" / "postgresql";
    if (const char* p = env("HOME")) return std::filesystem::path(p) / ".local" / "share" / "etabli" / "postgresql";
    return "postgresql";
}

std::expected<std::unique_ptr<SqlStore>, Problem> SqlStore::open_at(const std::string& url, const std::filesystem::path& path,
                                                                    const std::filesystem::path& backup_folder) {
    if (!url.empty()) return open_postgres(url, path);
    return open(path, backup_folder);
}

namespace {
constexpr std::int64_t kBlock = 100000;      // ids per block
constexpr std::int64_t kBlockMargin = 1000;  // fewer left than this: a new block at the next load
}  // namespace

std::expected<std::int64_t, Problem> SqlStore::id_floor(const char* table) {
    const std::string t = table;
    if (m_conn.dialect() == Dialect::sqlite) return m_conn.query_int(("SELECT coalesce(max(id), 0) FROM " + t).c_str());
    IdBlock& b = m_blocks[t];
    if (b.end > 0) {
        // The largest id used in this block, and the largest of all: a feature names its rows
        // after the largest it loaded, so a block below another station's rows is left for a
        // new one, above every block given so far.
        ETABLI_TRY(st, m_conn.prepare("SELECT coalesce((SELECT max(id) FROM " + t + " WHERE id >= ?2 AND id < ?3), ?1), "
                                      "coalesce((SELECT max(id) FROM " + t + "), 0)"));
        st->bind(1, b.start - 1).bind(2, b.start).bind(3, b.end);
        ETABLI_TRY(row, st->step());
        const std::int64_t used = *row ? st->column_int(0) : b.start - 1;
        const std::int64_t top = *row ? st->column_int(1) : 0;
        if (b.end - 1 - used >= kBlockMargin && top < b.end) return used;
    }
    // A new block: under the write lock every station takes its blocks under, one nextval
    // and the sequence moved past the block: no other station is given an id of it.
    ETABLI_TRY(tx, Transaction::begin(m_conn));
    ETABLI_TRY(st, m_conn.prepare("SELECT setval(pg_get_serial_sequence(?1, 'id'), nextval(pg_get_serial_sequence(?1, 'id')) + ?2)"));
    st->bind(1, t).bind(2, kBlock - 1);
    ETABLI_TRY(row, st->step());
    if (!*row) return std::unexpected(storage_problem("no block of ids for " + t));
    const std::int64_t last = st->column_int(0);
    st->reset();
    ETABLI_CHECK(tx->commit());
    b.start = last - (kBlock - 1);
    b.end = last + 1;
    return b.start - 1;
}

std::expected<void, Problem> SqlStore::id_in_block(const char* table, std::int64_t id) {
    if (m_conn.dialect() == Dialect::sqlite) return {};
    auto it = m_blocks.find(std::string_view{table});
    if (it == m_blocks.end() || id < it->second.end) return {};
    // Past the block: another station's row, changed here (a loan it made, given back at
    // this one), or a new row this station would name in another's block.
    ETABLI_TRY(st, m_conn.prepare("SELECT count(*) FROM " + std::string(table) + " WHERE id = ?1"));
    st->bind(1, id);
    ETABLI_TRY(row, st->step());
    if (*row && st->column_int(0) > 0) return {};
    it->second.end = 0;  // used up: the next load takes a new one
    return std::unexpected(core::problem("This station has used its block of numbers for {0} and takes a new one: try again", {table}));
}

std::expected<app::StationData, Problem> SqlStore::load() {
    return guarded([&]() -> std::expected<app::StationData, Problem> {
        // One read transaction: the three lists see the same state even if the CLI writes
        // to the file meanwhile.
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::StationData data;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id, display_name, email, role, valid_until, lang, "
                                          "created_at, updated_at FROM members ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(m, read_member(*st));
                data.members.push_back(std::move(*m));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT uid, member_id, status, created_at FROM badges ORDER BY uid"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                core::Badge b;
                b.uid = st->column_text(0);
                b.member_id = st->column_int(1);
                auto status = st->column_text(2);
                auto s = core::badge_status_from_string(status);
                if (!s) return std::unexpected(bad_row("badges", b.uid, "status", status));
                b.status = *s;
                ETABLI_TRY(created, read_ts(*st, 3, "badges", b.uid, "created_at"));
                b.created_at = *created;
                data.badges.push_back(std::move(b));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id, member_id, checked_in FROM presence "
                                          "WHERE checked_out IS NULL ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                core::Presence p;
                p.id = st->column_int(0);
                p.member_id = st->column_int(1);
                ETABLI_TRY(in, read_ts(*st, 2, "presence", std::to_string(p.id), "checked_in"));
                p.checked_in = *in;
                data.open_presence.push_back(p);
            }
        }
        ETABLI_CHECK(tx->commit());
        return data;
    });
}

// [Members] --------------------------------------------------------------------------------

// Inside the caller's transaction (one use case, one transaction).
std::expected<core::Member, Problem> SqlStore::insert_member(const core::MemberDraft& d, std::optional<core::MemberId> actor,
                                                                Timestamp at) {
    auto email = lower_email(d.email);
    if (email) {
        ETABLI_TRY(owner, email_owner(m_conn, *email));
        if (*owner) {
            return std::unexpected(core::problem("E-mail {0} is already used by {1}.",
                                                 {*email, member_name(m_conn, **owner)}));
        }
    }
    ETABLI_TRY(st, m_conn.cached("INSERT INTO members (display_name, email, role, valid_until, lang, "
                                 "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id"));
    (*st)->bind(1, d.display_name).bind(2, email).bind(3, core::to_string(d.role));
    if (d.valid_until) {
        (*st)->bind(4, core::format_date(*d.valid_until));
    } else {
        (*st)->bind_null(4);
    }
    (*st)->bind(5, core::to_string(d.lang)).bind(6, ts(at));
    ETABLI_TRY(new_id, run_returning_id(**st));
    core::Member m;
    m.id = *new_id;
    m.display_name = d.display_name;
    m.email = email;
    m.role = d.role;
    m.valid_until = d.valid_until;
    m.lang = d.lang;
    m.created_at = at;
    m.updated_at = at;
    ETABLI_CHECK(append_event(m_conn, at, actor, "member.added", member_subject(m.id),
                              Detail{}.add("role", core::to_string(m.role))));
    return m;
}

std::expected<core::Member, Problem> SqlStore::add_member(const core::MemberDraft& d,
                                                             std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<core::Member, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(m, insert_member(d, actor, at));
        ETABLI_CHECK(tx->commit());
        return *m;
    });
}

std::expected<void, Problem> SqlStore::append_audit(const app::AuditEntry& e) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));  // a savepoint inside atomically()
        ETABLI_TRY(key, pepper());
        ETABLI_CHECK(db::append_audit(m_conn, e, *key));
        return tx->commit();
    });
}

std::expected<void, Problem> SqlStore::erase_member(core::MemberId id, std::optional<core::MemberId> actor, core::Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(pepper, installation_pepper(m_path));
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(erased, erase_member_rows(m_conn, id, *pepper, at));
        Detail d;
        d.add("badges", static_cast<std::int64_t>(erased->badges.size()));
        ETABLI_CHECK(append_event(m_conn, at, actor, "member.erased", member_subject(id), d));
        return tx->commit();
    });
}

std::expected<app::PurgeSummary, Problem> SqlStore::purge_personal_data(const app::PurgeRequest& r) {
    return guarded([&]() -> std::expected<app::PurgeSummary, Problem> {
        ETABLI_TRY(pepper, installation_pepper(m_path));
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(summary, purge_rows(m_conn, r, *pepper));
        if (r.dry_run) return *summary;  // the transaction rolls back: nothing changed
        Detail d;
        d.add("presences", summary->presences).add("daily_rows", summary->daily_rows).add("erased", static_cast<std::int64_t>(summary->erased.size()))
            .add("buyers", summary->buyers);
        ETABLI_CHECK(append_event(m_conn, r.now, std::nullopt, "privacy.purged", "privacy", d));
        ETABLI_CHECK(tx->commit());
        return *summary;
    });
}

std::expected<void, Problem> SqlStore::scrub() {
    return guarded([&]() -> std::expected<void, Problem> {
        m_conn.reset_cached();  // VACUUM wants no statement open
        return db::scrub(m_conn);
    });
}

std::expected<void, Problem> SqlStore::atomically(const std::function<std::expected<void, Problem>()>& body) {
    auto done = [&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        if (auto r = body(); !r) return r;  // the destructor rolls back everything it committed
        return tx->commit();
    };
    std::expected<void, Problem> r;
    try {
        r = done();
    } catch (...) {
        m_alloc_ids_stored.reset();
        throw;
    }
    // What the inner commits remembered of the file may be rolled back with them.
    if (!r) m_alloc_ids_stored.reset();
    return r;
}

std::expected<app::MemberWithBadge, Problem> SqlStore::add_member_with_badge(const core::MemberDraft& d, const std::string& uid,
                                                                                 std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<app::MemberWithBadge, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(m, insert_member(d, actor, at));
        ETABLI_TRY(b, insert_badge(uid, m->id, actor, at));
        ETABLI_CHECK(tx->commit());
        return app::MemberWithBadge{*m, *b};
    });
}

std::expected<core::Member, Problem> SqlStore::set_member_lang(core::MemberId id, core::Lang lang, Timestamp at) {
    return guarded([&]() -> std::expected<core::Member, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(found, find_member(m_conn, id));
        if (!*found) return std::unexpected(no_member(id));
        core::Member m = std::move(**found);
        if (m.lang == lang) return m;  // nothing changes, nothing is logged
        ETABLI_TRY(st, m_conn.cached("UPDATE members SET lang = ?1, updated_at = ?2 WHERE id = ?3"));
        (*st)->bind(1, core::to_string(lang)).bind(2, ts(at)).bind(3, id);
        ETABLI_CHECK((*st)->run());
        // The member chooses their own language at the kiosk: they are the actor.
        ETABLI_CHECK(append_event(m_conn, at, id, "member.lang", member_subject(id),
                                  Detail{}.add("lang", core::to_string(lang))));
        ETABLI_CHECK(tx->commit());
        m.lang = lang;
        m.updated_at = at;
        return m;
    });
}

std::expected<core::Member, Problem> SqlStore::update_member(core::MemberId id, const core::MemberDraft& d,
                                                                std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<core::Member, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(found, find_member(m_conn, id));
        if (!*found) return std::unexpected(no_member(id));
        core::Member m = std::move(**found);
        auto email = lower_email(d.email);
        if (email && email != m.email) {
            ETABLI_TRY(owner, email_owner(m_conn, *email));
            if (*owner && **owner != id)
                return std::unexpected(core::problem("E-mail {0} is already used by {1}.", {*email, member_name(m_conn, **owner)}));
        }
        std::string changed;
        auto note = [&](bool differs, const char* field) {
            if (differs) changed += (changed.empty() ? "" : ",") + std::string(field);
        };
        note(m.display_name != d.display_name, "name");
        note(m.email != email, "email");
        note(m.role != d.role, "role");
        note(m.valid_until != d.valid_until, "until");
        note(m.lang != d.lang, "lang");
        if (changed.empty()) return m;  // nothing changes, nothing is logged
        ETABLI_TRY(st, m_conn.cached("UPDATE members SET display_name = ?1, email = ?2, role = ?3, valid_until = ?4, "
                                     "lang = ?5, updated_at = ?6 WHERE id = ?7"));
        (*st)->bind(1, d.display_name).bind(2, email).bind(3, core::to_string(d.role));
        if (d.valid_until) (*st)->bind(4, core::format_date(*d.valid_until));
        else (*st)->bind_null(4);
        (*st)->bind(5, core::to_string(d.lang)).bind(6, ts(at)).bind(7, id);
        ETABLI_CHECK((*st)->run());
        ETABLI_CHECK(append_event(m_conn, at, actor, "member.edited", member_subject(id),
                                  Detail{}.add("fields", changed).add("role", core::to_string(d.role))));
        ETABLI_CHECK(tx->commit());
        m.display_name = d.display_name;
        m.email = email;
        m.role = d.role;
        m.valid_until = d.valid_until;
        m.lang = d.lang;
        m.updated_at = at;
        return m;
    });
}

// [Badges] ---------------------------------------------------------------------------------

// Inside the caller's transaction.
std::expected<core::Badge, Problem> SqlStore::insert_badge(const std::string& uid, core::MemberId member,
                                                              std::optional<core::MemberId> actor, Timestamp at) {
    ETABLI_TRY(holder, find_member(m_conn, member));
    if (!*holder) return std::unexpected(no_member(member));
    ETABLI_TRY(existing, find_badge(m_conn, uid));
    core::Badge b;
    Detail detail;
    detail.add("member", member);
    if (!*existing) {
        ETABLI_TRY(st, m_conn.cached("INSERT INTO badges (uid, member_id, status, created_at, updated_at) "
                                     "VALUES (?1, ?2, 'active', ?3, ?3)"));
        (*st)->bind(1, uid).bind(2, member).bind(3, ts(at));
        ETABLI_CHECK((*st)->run());
        b = core::Badge{uid, member, core::BadgeStatus::active, at};
    } else {
        b = **existing;
        if (b.status == core::BadgeStatus::active) {
            return std::unexpected(core::problem("Badge {0} is already enrolled to {1}.",
                                                 {uid, member_name(m_conn, b.member_id)}));
        }
        // A badge declared lost and found again, or revoked then handed out anew.
        ETABLI_TRY(st, m_conn.cached("UPDATE badges SET member_id = ?1, status = 'active', updated_at = ?2 "
                                     "WHERE uid = ?3"));
        (*st)->bind(1, member).bind(2, ts(at)).bind(3, uid);
        ETABLI_CHECK((*st)->run());
        detail.add("was", core::to_string(b.status));
        if (b.member_id != member) detail.add("previous_member", b.member_id);
        b.member_id = member;
        b.status = core::BadgeStatus::active;
    }
    ETABLI_CHECK(append_event(m_conn, at, actor, "badge.added", badge_subject(uid), detail));
    return b;
}

std::expected<core::Badge, Problem> SqlStore::add_badge(const std::string& uid, core::MemberId member,
                                                           std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<core::Badge, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(b, insert_badge(uid, member, actor, at));
        ETABLI_CHECK(tx->commit());
        return *b;
    });
}

std::expected<core::Badge, Problem> SqlStore::set_badge_status(const std::string& uid, core::BadgeStatus status,
                                                                  std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<core::Badge, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(existing, find_badge(m_conn, uid));
        if (!*existing) return std::unexpected(core::problem("Unknown badge {0}.", {uid}));
        core::Badge b = **existing;
        if (b.status == status) return b;  // already so: nothing to write or log
        ETABLI_TRY(st, m_conn.cached("UPDATE badges SET status = ?1, updated_at = ?2 WHERE uid = ?3"));
        (*st)->bind(1, core::to_string(status)).bind(2, ts(at)).bind(3, uid);
        ETABLI_CHECK((*st)->run());
        std::string kind = "badge." + std::string(core::to_string(status));
        ETABLI_CHECK(append_event(m_conn, at, actor, kind, badge_subject(uid),
                                  Detail{}.add("member", b.member_id).add("was", core::to_string(b.status))));
        ETABLI_CHECK(tx->commit());
        b.status = status;
        return b;
    });
}

// [Presence] -------------------------------------------------------------------------------

std::expected<core::Presence, Problem> SqlStore::check_in(core::MemberId member, const std::string& uid,
                                                             std::optional<core::PresenceId> stale,
                                                             Timestamp stale_close_at, Timestamp at) {
    return guarded([&]() -> std::expected<core::Presence, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(who, find_member(m_conn, member));
        if (!*who) return std::unexpected(no_member(member));
        if (stale) {
            ETABLI_TRY(closed, close_presence(m_conn, *stale, stale_close_at, "auto"));
            if (!*closed) return std::unexpected(not_open(*stale));
            ETABLI_CHECK(append_event(m_conn, at, std::nullopt, "presence.auto_closed", presence_subject(*stale),
                                      Detail{}.add("member", (*closed)->member).add("closed_at", ts(stale_close_at))));
        }
        {
            ETABLI_TRY(open, m_conn.cached("SELECT id FROM presence WHERE member_id = ?1 AND checked_out IS NULL"));
            (*open)->bind(1, member);
            ETABLI_TRY(row, (*open)->step());
            if (*row) {
                return std::unexpected(core::problem("{0} is already checked in (presence {1}).",
                                                     {(*who)->display_name, std::to_string((*open)->column_int(0))}));
            }
        }
        ETABLI_TRY(st, m_conn.cached("INSERT INTO presence (member_id, badge_uid, checked_in) VALUES (?1, ?2, ?3) RETURNING id"));
        (*st)->bind(1, member);
        if (uid.empty()) {
            (*st)->bind_null(2);
        } else {
            (*st)->bind(2, uid);
        }
        (*st)->bind(3, ts(at));
        ETABLI_TRY(new_id, run_returning_id(**st));
        core::Presence p{*new_id, member, at, std::nullopt};
        Detail detail;
        detail.add("presence", p.id);
        if (!uid.empty()) detail.add("badge", uid);
        ETABLI_CHECK(append_event(m_conn, at, member, "presence.in", member_subject(member), detail));
        ETABLI_CHECK(tx->commit());
        return p;
    });
}

std::expected<core::Presence, Problem> SqlStore::check_out(core::PresenceId presence, const std::string& uid,
                                                              Timestamp at) {
    return guarded([&]() -> std::expected<core::Presence, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_TRY(closed, close_presence(m_conn, presence, at, "badge"));
        if (!*closed) return std::unexpected(not_open(presence));
        Detail detail;
        detail.add("presence", presence);
        if (!uid.empty()) detail.add("badge", uid);
        ETABLI_CHECK(append_event(m_conn, at, (*closed)->member, "presence.out", member_subject((*closed)->member),
                                  detail));
        ETABLI_CHECK(tx->commit());
        return core::Presence{presence, (*closed)->member, (*closed)->checked_in, at};
    });
}

std::expected<std::size_t, Problem> SqlStore::close_stale(const std::vector<core::PresenceId>& ids,
                                                             Timestamp close_at) {
    return guarded([&]() -> std::expected<std::size_t, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        std::size_t count = 0;
        for (core::PresenceId id : ids) {
            ETABLI_TRY(closed, close_presence(m_conn, id, close_at, "auto"));
            if (!*closed) continue;  // closed meanwhile (a tap got there first): nothing to do
            ++count;
            ETABLI_CHECK(append_event(m_conn, close_at, std::nullopt, "presence.auto_closed", presence_subject(id),
                                      Detail{}.add("member", (*closed)->member).add("closed_at", ts(close_at))));
        }
        ETABLI_CHECK(tx->commit());
        return count;
    });
}

std::expected<void, Problem> SqlStore::log_refusal(const std::string& uid, core::TapKind why, Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        ETABLI_CHECK(append_event(m_conn, at, std::nullopt, "tap.refused", badge_subject(uid),
                                  Detail{}.add("why", core::to_string(why))));
        return tx->commit();
    });
}

// [Import] ---------------------------------------------------------------------------------

std::expected<app::ImportSummary, Problem> SqlStore::import_members(const std::vector<core::ImportRow>& rows,
                                                                       Timestamp at) {
    return guarded([&]() -> std::expected<app::ImportSummary, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));

        // Everything stored, keyed once by the import identity and by e-mail: the rows are
        // then matched in memory, and only differences reach SQLite.
        std::vector<core::Member> stored;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT id, display_name, email, role, valid_until, lang, "
                                          "created_at, updated_at FROM members ORDER BY id"));
            while (true) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(m, read_member(*st));
                stored.push_back(std::move(*m));
            }
        }
        auto draft_of = [](const core::Member& m) {
            return core::MemberDraft{m.display_name, m.email, m.role, m.valid_until, m.lang};
        };
        std::unordered_map<std::string, std::size_t> by_identity;
        std::unordered_map<std::string, std::size_t> by_email;
        by_identity.reserve(stored.size() + rows.size());
        by_email.reserve(stored.size() + rows.size());
        for (std::size_t i = 0; i < stored.size(); ++i) {
            by_identity.emplace(core::import_identity(draft_of(stored[i])), i);
            if (stored[i].email) by_email.emplace(*stored[i].email, i);
        }

        ETABLI_TRY(insert, m_conn.cached("INSERT INTO members (display_name, email, role, valid_until, lang, "
                                         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id"));
        ETABLI_TRY(update, m_conn.cached("UPDATE members SET display_name = ?1, email = ?2, role = ?3, "
                                         "valid_until = ?4, lang = ?5, updated_at = ?6 WHERE id = ?7"));
        const std::string when = ts(at);
        app::ImportSummary summary;

        for (const core::ImportRow& row : rows) {
            core::MemberDraft d = row.draft;
            d.email = lower_email(d.email);
            auto until = d.valid_until ? std::optional<std::string>{core::format_date(*d.valid_until)} : std::nullopt;
            auto identity = core::import_identity(d);
            auto found = by_identity.find(identity);
            std::optional<std::size_t> index;
            if (found != by_identity.end()) index = found->second;

            if (d.email) {
                auto owner = by_email.find(*d.email);
                if (owner != by_email.end() && (!index || owner->second != *index)) {
                    return std::unexpected(core::problem("Line {0}: e-mail {1} is already used by {2}.",
                                                         {std::to_string(row.line), *d.email,
                                                          stored[owner->second].display_name}));
                }
            }

            if (!index) {
                Statement& st = **insert;
                st.reset();
                st.bind(1, d.display_name).bind(2, d.email).bind(3, core::to_string(d.role)).bind(4, until);
                st.bind(5, core::to_string(d.lang)).bind(6, when);
                ETABLI_TRY(new_id, run_returning_id(st));
                core::Member m{*new_id, d.display_name, d.email, d.role, d.valid_until,
                               d.lang, at, at};
                ETABLI_CHECK(append_event(m_conn, at, std::nullopt, "member.imported", member_subject(m.id),
                                          Detail{}.add("line", static_cast<std::int64_t>(row.line))));
                stored.push_back(std::move(m));
                by_identity.emplace(std::move(identity), stored.size() - 1);
                if (d.email) by_email.emplace(*d.email, stored.size() - 1);
                ++summary.added;
                continue;
            }

            core::Member& m = stored[*index];
            // What the file does not say is kept: a host promoted at the kiosk, or a language
            // chosen there, survives the re-import of a sheet without those columns.
            if (!row.has_email) d.email = m.email;
            if (!row.has_until) {
                d.valid_until = m.valid_until;
                until = d.valid_until ? std::optional<std::string>{core::format_date(*d.valid_until)} : std::nullopt;
            }
            if (!row.has_role) d.role = m.role;
            if (!row.has_lang) d.lang = m.lang;
            std::vector<std::string_view> changed;
            if (m.display_name != d.display_name) changed.push_back("display_name");
            if (m.email != d.email) changed.push_back("email");
            if (m.role != d.role) changed.push_back("role");
            if (m.valid_until != d.valid_until) changed.push_back("valid_until");
            if (m.lang != d.lang) changed.push_back("lang");
            if (changed.empty()) {
                ++summary.unchanged;
                continue;
            }
            Statement& st = **update;
            st.reset();
            st.bind(1, d.display_name).bind(2, d.email).bind(3, core::to_string(d.role)).bind(4, until);
            st.bind(5, core::to_string(d.lang)).bind(6, when).bind(7, m.id);
            ETABLI_CHECK(st.run());
            ETABLI_CHECK(append_event(m_conn, at, std::nullopt, "member.updated", member_subject(m.id),
                                      Detail{}.add("line", static_cast<std::int64_t>(row.line))
                                          .add_list("changed", changed)));
            if (m.email != d.email) {
                if (m.email) by_email.erase(*m.email);
                if (d.email) by_email.emplace(*d.email, *index);
            }
            m.display_name = d.display_name;
            m.email = d.email;
            m.role = d.role;
            m.valid_until = d.valid_until;
            m.lang = d.lang;
            m.updated_at = at;
            ++summary.updated;
        }
        ETABLI_CHECK(tx->commit());
        return summary;
    });
}

}  // namespace etabli::db

#undef ETABLI_TRY
#undef ETABLI_CHECK
