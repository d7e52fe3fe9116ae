// Members' data under the RGPD: see privacy.hpp.
#include <etabli/db/privacy.hpp>

#include <etabli/core/volunteer_hours.hpp>
#include <etabli/db/database.hpp>

#include "store_support.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

namespace etabli::db {

namespace fs = std::filesystem;
using core::problem;


namespace {
constexpr std::size_t kPepperBytes = 32;

bool sodium_ready() {
    static const bool ok = sodium_init() >= 0;
    return ok;
}
}  // namespace

std::expected<std::string, core::Problem> installation_pepper(const fs::path& db, bool create) {
    if (!sodium_ready()) return std::unexpected(core::storage_problem("libsodium cannot start"));
    if (db.empty() || db == ":memory:") {
        static std::once_flag once;
        static std::string process_pepper(kPepperBytes, '\0');
        std::call_once(once, [] { randombytes_buf(process_pepper.data(), process_pepper.size()); });
        return process_pepper;
    }
    const fs::path file = fs::path(db.string() + ".pepper");
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0) {
            std::string out(kPepperBytes + 1, '\0');
            const ssize_t n = ::read(fd, out.data(), out.size());
            ::close(fd);
            if (n != static_cast<ssize_t>(kPepperBytes))
                return std::unexpected(core::storage_problem("The station's secret {0} is damaged (not {1} bytes): restore it from where it was kept",
                                                       {file.string(), std::to_string(kPepperBytes)}));
            out.resize(kPepperBytes);
            return out;
        }
        if (errno != ENOENT)
            return std::unexpected(core::storage_problem("Cannot read the station's secret {0} ({1})", {file.string(), std::strerror(errno)}));
        if (!create)
            return std::unexpected(core::storage_problem("The station's secret {0} is missing: put back the one kept with the database", {file.string()}));
        // Made once, readable by the station's user only; two makers at once: one wins.
        std::array<unsigned char, 8> salt{};
        randombytes_buf(salt.data(), salt.size());
        std::string suffix(17, '\0');
        sodium_bin2hex(suffix.data(), suffix.size(), salt.data(), salt.size());
        suffix.pop_back();
        const fs::path tmp = fs::path(file.string() + ".new." + suffix);  // never a leftover's name
        const int w = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (w < 0)
            return std::unexpected(core::storage_problem("Cannot create the station's secret {0} ({1})", {file.string(), std::strerror(errno)}));
        std::array<unsigned char, kPepperBytes> bytes{};
        randombytes_buf(bytes.data(), bytes.size());
        const bool written = ::write(w, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(w) == 0;
        ::close(w);
        if (!written || (::link(tmp.c_str(), file.c_str()) != 0 && errno != EEXIST)) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return std::unexpected(core::storage_problem("Cannot create the station's secret {0} ({1})", {file.string(), std::strerror(e)}));
        }
        ::unlink(tmp.c_str());
        // The name made durable too: the commits it keys must not outlive it after a power cut.
        if (const int d = ::open(file.parent_path().empty() ? "." : file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
            ::fsync(d);
            ::close(d);
        }
    }
    return std::unexpected(core::storage_problem("Cannot read the station's secret {0} ({1})", {file.string(), "?"}));
}

std::string erased_uid(const std::string& pepper, const std::string& uid, core::MemberId member) {
    sodium_ready();
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(pepper.data()), pepper.size());
    // The member's number too: a badge given to another member after the first was erased
    // gets another erased number (badges.uid is unique).
    const std::string input = uid + "/" + std::to_string(member);
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    crypto_auth_hmacsha256_final(&st, mac.data());
    std::string hex(17, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac.data(), 8);
    hex.pop_back();
    for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return "ERASED:" + hex;
}

std::string erased_name(core::MemberId id) { return "Membre effacé n°" + std::to_string(id); }

// [SECTION] Export
namespace {
struct Source {
    const char* name;
    const char* sql;  // ?1 is the member's id
};
// Every table with a row that names the member, and how it names them.
constexpr Source kSources[] = {
    {"member", "SELECT * FROM members WHERE id = ?1"},
    {"badges", "SELECT * FROM badges WHERE member_id = ?1"},
    {"pin", "SELECT member_id, hash IS NOT NULL AS pin_set, failures, lockouts, locked_until, changed_at FROM member_pins WHERE member_id = ?1"},  // never the hash
    {"presence", "SELECT * FROM presence WHERE member_id = ?1 ORDER BY id"},
    {"presence_roles", "SELECT r.* FROM presence_roles r JOIN presence p ON p.id = r.presence_id WHERE p.member_id = ?1"},
    {"presence_corrections", "SELECT c.* FROM presence_corrections c JOIN presence p ON p.id = c.presence_id WHERE p.member_id = ?1 OR c.corrected_by = ?1"},
    {"bookings", "SELECT * FROM bookings WHERE member_id = ?1 OR created_by = ?1 ORDER BY id"},
    {"sessions", "SELECT * FROM sessions WHERE member_id = ?1 OR supervisor_id = ?1 ORDER BY id"},
    {"queue_entries", "SELECT * FROM queue_entries WHERE member_id = ?1"},
    {"loans", "SELECT * FROM loans WHERE member_id = ?1 OR lent_by = ?1 ORDER BY id"},
    {"tool_reservations", "SELECT * FROM tool_reservations WHERE member_id = ?1 ORDER BY id"},
    {"skill_grants", "SELECT * FROM skill_grants WHERE member_id = ?1 OR signed_by = ?1 ORDER BY id"},
    {"trainings", "SELECT * FROM trainings WHERE trainer_id = ?1 ORDER BY id"},
    {"training_signups", "SELECT * FROM training_signups WHERE member_id = ?1 ORDER BY id"},
    {"repairs", "SELECT * FROM repairs WHERE owner_member_id = ?1 OR logged_by = ?1 OR id IN (SELECT repair_id FROM repair_volunteers WHERE member_id = ?1) ORDER BY id"},
    {"help_requests", "SELECT * FROM help_requests WHERE asker_id = ?1 OR helper_id = ?1 ORDER BY id"},
    {"cards", "SELECT * FROM cards WHERE author_id = ?1 OR reviewer_id = ?1 ORDER BY id"},
    {"card_helped", "SELECT * FROM card_helped WHERE member_id = ?1"},
    {"bikes", "SELECT * FROM bikes WHERE from_member_id = ?1 OR marking_checked_by = ?1 ORDER BY id"},
    // Never the buyer's fields: they are another person's data.
    {"bike_departures", "SELECT bike_id, kind, day, price_kind, price_cents, by_member_id, declared_at FROM bike_departures WHERE by_member_id = ?1 ORDER BY bike_id"},
    {"bike_parts", "SELECT * FROM bike_parts WHERE by_member_id = ?1 ORDER BY id"},
    {"receipts", "SELECT * FROM receipts WHERE member_id = ?1 OR by_member_id = ?1 ORDER BY id"},
    {"memberships", "SELECT * FROM memberships WHERE member_id = ?1 ORDER BY id"},
    {"mail_queue", "SELECT * FROM mail_queue WHERE member_id = ?1 ORDER BY id"},
    {"events", "SELECT * FROM events WHERE actor_member_id = ?1 OR subject = 'member:' || ?1 ORDER BY id"},
    {"audit", "SELECT id, at, actor_id, principal, origin, action, outcome, detail FROM audit WHERE actor_id = ?1 ORDER BY id"},
};
}  // namespace

std::expected<std::vector<DataSection>, core::Problem> member_data(Connection& c, core::MemberId id) {
    auto tx = Transaction::begin(c, Transaction::Kind::read);
    if (!tx) return std::unexpected(tx.error());
    {
        auto found = c.prepare("SELECT count(*) FROM members WHERE id = ?1");
        if (!found) return std::unexpected(found.error());
        found->bind(1, id);
        if (auto r = found->step(); !r) return std::unexpected(r.error());
        if (found->column_int(0) == 0) return std::unexpected(problem("No member has the number {0}", {std::to_string(id)}));
    }
    std::vector<DataSection> out;
    for (const auto& src : kSources) {
        auto s = c.prepare(src.sql);
        if (!s) return std::unexpected(s.error());
        s->bind(1, id);
        DataSection sec;
        sec.name = src.name;
        int n = 0;
        for (;;) {
            auto has = s->step();
            if (!has) return std::unexpected(has.error());
            if (sec.columns.empty()) {  // known once run (PostgreSQL)
                n = s->column_count();
                for (int i = 0; i < n; ++i) sec.columns.push_back(s->column_name(i));
            }
            if (!*has) break;
            std::vector<std::optional<std::string>> row;
            for (int i = 0; i < n; ++i) row.push_back(s->column_optional_text(i));
            sec.rows.push_back(std::move(row));
        }
        out.push_back(std::move(sec));
    }
    return out;
}

// [SECTION] Erasure
namespace {
std::expected<std::int64_t, core::Problem> count(Connection& c, const char* sql, core::MemberId id, const std::string& now = {}) {
    auto s = c.prepare(sql);
    if (!s) return std::unexpected(s.error());
    s->bind(1, id);
    if (!now.empty()) s->bind(2, now);
    if (auto r = s->step(); !r) return std::unexpected(r.error());
    return s->column_int(0);
}

std::expected<void, core::Problem> run(Connection& c, const char* sql, std::initializer_list<std::string> texts, std::optional<core::MemberId> id = {}) {
    auto s = c.prepare(sql);
    if (!s) return std::unexpected(s.error());
    int i = 1;
    for (const auto& t : texts) s->bind(i++, t);
    if (id) s->bind(i, *id);
    return s->run();
}

// The event log is append-only (migration 002): its guard against `op` ("UPDATE" or "DELETE")
// is lifted for `body` and put back, in the caller's transaction, whatever body returns.
std::expected<void, core::Problem> with_event_log_open(Connection& c, std::string_view op,
                                                       const std::function<std::expected<void, core::Problem>()>& body) {
    const std::string trigger = op == "DELETE" ? "events_no_delete" : "events_no_update";
    if (c.dialect() == Dialect::postgres) {
        // Turned off inside this transaction only: another station's write waits for its end.
        if (auto r = c.exec(("ALTER TABLE events DISABLE TRIGGER " + trigger).c_str()); !r) return r;
        auto done = body();
        auto guard = c.exec(("ALTER TABLE events ENABLE TRIGGER " + trigger).c_str());
        if (!done) return done;
        return guard;
    }
    if (auto r = c.exec(("DROP TRIGGER IF EXISTS " + trigger).c_str()); !r) return r;
    auto done = body();
    auto guard = c.exec(("CREATE TRIGGER IF NOT EXISTS " + trigger + " BEFORE " + std::string(op) +
                         " ON events BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END")
                            .c_str());
    if (!done) return done;
    return guard;
}

// Free text in the rows tied to the member (theirs, or that they wrote) that may carry their
// name or e-mail: only there is it replaced, so "Max" never rewrites another row's "Maxxis".
// ?1 the text, ?2 the replacement, ?3 the member.
constexpr const char* kTiedText[] = {
    "UPDATE repairs SET problem = replace(problem, ?1, ?2), done = replace(done, ?1, ?2), notes = replace(notes, ?1, ?2) "
    "WHERE owner_member_id = ?3 OR logged_by = ?3 OR id IN (SELECT repair_id FROM repair_volunteers WHERE member_id = ?3)",
    "UPDATE help_requests SET text = replace(text, ?1, ?2) WHERE helper_id = ?3",
    "UPDATE skill_grants SET note = replace(note, ?1, ?2) WHERE member_id = ?3 OR signed_by = ?3",
    "UPDATE trainings SET note = replace(note, ?1, ?2) WHERE trainer_id = ?3",
    "UPDATE cards SET title = replace(title, ?1, ?2) WHERE author_id = ?3",
    "UPDATE card_steps SET text = replace(text, ?1, ?2) WHERE card_id IN (SELECT id FROM cards WHERE author_id = ?3)",
    "UPDATE bookings SET host_note = replace(host_note, ?1, ?2) WHERE created_by = ?3",
    "UPDATE loans SET return_note = replace(return_note, ?1, ?2), deposit_reason = replace(deposit_reason, ?1, ?2) WHERE lent_by = ?3",
};
}  // namespace

std::expected<Erasure, core::Problem> erase_member_rows(Connection& c, core::MemberId id, const std::string& pepper, core::Timestamp at) {
    const std::string now = core::format_timestamp(at);
    Erasure e;
    {
        auto s = c.prepare("SELECT display_name, email, erased_at, role FROM members WHERE id = ?1");
        if (!s) return std::unexpected(s.error());
        s->bind(1, id);
        auto has = s->step();
        if (!has) return std::unexpected(has.error());
        if (!*has) return std::unexpected(problem("No member has the number {0}", {std::to_string(id)}));
        if (!s->is_null(2)) return std::unexpected(problem("Member {0} is already erased", {std::to_string(id)}));
        e.old_name = s->column_text(0);
        e.old_email = s->column_optional_text(1);
        const auto role = s->column_text(3);
        if (role == "host" || role == "admin")
            return std::unexpected(problem("{0} is a host or an admin: give them the member role first, then erase them", {e.old_name}));
    }
    // What cannot be left without its member.
    auto loans = count(c, "SELECT count(*) FROM loans WHERE member_id = ?1 AND returned_at IS NULL", id);
    if (!loans) return std::unexpected(loans.error());
    if (*loans > 0)
        return std::unexpected(problem("{0} still has {1} tools out: take them back before the erasure", {e.old_name, std::to_string(*loans)}));
    auto sessions = count(c, "SELECT count(*) FROM sessions WHERE member_id = ?1 AND ended_at IS NULL", id);
    if (!sessions) return std::unexpected(sessions.error());
    if (*sessions > 0) return std::unexpected(problem("{0} is using a machine: end the session before the erasure", {e.old_name}));
    auto bookings = count(c, "SELECT count(*) FROM bookings WHERE member_id = ?1 AND state IN ('booked', 'active') AND ends_at > ?2", id, now);
    if (!bookings) return std::unexpected(bookings.error());
    if (*bookings > 0)
        return std::unexpected(problem("{0} has {1} bookings to come: cancel them before the erasure", {e.old_name, std::to_string(*bookings)}));
    auto queued = count(c, "SELECT count(*) FROM queue_entries WHERE member_id = ?1", id);
    if (!queued) return std::unexpected(queued.error());
    if (*queued > 0) return std::unexpected(problem("{0} is waiting in a queue: take them out of it before the erasure", {e.old_name}));
    auto supervising = count(c, "SELECT count(*) FROM sessions WHERE supervisor_id = ?1 AND ended_at IS NULL", id);
    if (!supervising) return std::unexpected(supervising.error());
    if (*supervising > 0) return std::unexpected(problem("{0} is using a machine: end the session before the erasure", {e.old_name}));
    auto holds = count(c, "SELECT count(*) FROM tool_reservations WHERE member_id = ?1 AND state IN ('waiting', 'held')", id);
    if (!holds) return std::unexpected(holds.error());
    if (*holds > 0)
        return std::unexpected(problem("{0} has {1} tool reservations: cancel them before the erasure", {e.old_name, std::to_string(*holds)}));
    auto places = count(c, "SELECT count(*) FROM training_signups s JOIN trainings t ON t.id = s.training_id WHERE s.member_id = ?1 "
                           "AND s.state IN ('confirmed', 'waiting') AND t.cancelled = FALSE AND t.starts_at > ?2", id, now);
    if (!places) return std::unexpected(places.error());
    if (*places > 0)
        return std::unexpected(problem("{0} has {1} places in trainings to come: cancel them before the erasure", {e.old_name, std::to_string(*places)}));

    const std::string erased = erased_name(id);
    // The event log's badge subjects are rewritten too (with_event_log_open).
    auto body = [&]() -> std::expected<void, core::Problem> {
        if (auto r = run(c, "UPDATE presence SET checked_out = ?1, closed_by = 'auto' WHERE checked_out IS NULL AND member_id = ?2", {now}, id); !r)
            return r;
        std::vector<std::string> uids;
        {
            auto s = c.prepare("SELECT uid FROM badges WHERE member_id = ?1");
            if (!s) return std::unexpected(s.error());
            s->bind(1, id);
            for (;;) {
                auto has = s->step();
                if (!has) return std::unexpected(has.error());
                if (!*has) break;
                uids.push_back(s->column_text(0));
            }
        }
        for (const auto& uid : uids) {
            const std::string hidden = erased_uid(pepper, uid, id);
            if (auto r = run(c, "UPDATE badges SET uid = ?1, status = 'revoked', updated_at = ?2 WHERE uid = ?3", {hidden, now, uid}); !r) return r;
            if (auto r = run(c, "UPDATE presence SET badge_uid = ?1 WHERE badge_uid = ?2", {hidden, uid}); !r) return r;
            if (auto r = run(c, "UPDATE events SET subject = ?1 WHERE subject = ?2", {"badge:" + hidden, "badge:" + uid}); !r) return r;
            if (auto r = run(c, c.dialect() == Dialect::postgres ? "UPDATE events SET detail = replace(detail, ?1, ?2) WHERE strpos(detail, ?1) > 0"
                                                                 : "UPDATE events SET detail = replace(detail, ?1, ?2) WHERE instr(detail, ?1) > 0",
                             {"\"" + uid + "\"", "\"" + hidden + "\""});
                !r)
                return r;
            e.badges.push_back(hidden);
        }
        // The PIN's hash goes too: nothing left to try.
        if (auto r = run(c, "DELETE FROM member_pins WHERE member_id = ?1", {}, id); !r) return r;
        // The e-mails queued for them hold their address.
        if (auto r = run(c, "DELETE FROM mail_queue WHERE member_id = ?1", {}, id); !r) return r;
        // The role stays: a volunteer's past hours stay in the volunteer-hours reports.
        if (auto r = run(c, "UPDATE members SET display_name = ?1, email = NULL, help_opt_in = FALSE, erased_at = ?2, updated_at = ?2 WHERE id = ?3",
                         {erased, now}, id);
            !r)
            return r;
        // Free text they wrote or that is about them.
        if (auto r = run(c, "UPDATE help_requests SET state = 'withdrawn', closed_at = ?1 WHERE asker_id = ?2 AND state = 'open'", {now}, id); !r)
            return r;
        for (const char* sql : {"UPDATE help_requests SET text = '' WHERE asker_id = ?1", "UPDATE bookings SET host_note = NULL WHERE member_id = ?1",
                                "UPDATE loans SET return_note = '', deposit_reason = '' WHERE member_id = ?1",
                                "UPDATE skill_grants SET note = '' WHERE member_id = ?1", "UPDATE repairs SET notes = '' WHERE owner_member_id = ?1"}) {
            auto s = c.prepare(sql);
            if (!s) return std::unexpected(s.error());
            s->bind(1, id);
            if (auto r = s->run(); !r) return r;
        }
        // Their name and e-mail in the rows tied to them.
        std::vector<std::string> needles{e.old_name};
        if (e.old_email && !e.old_email->empty()) needles.push_back(*e.old_email);
        for (const auto& needle : needles) {
            if (needle.size() < 3) continue;
            for (const char* sql : kTiedText) {
                auto s = c.prepare(sql);
                if (!s) return std::unexpected(s.error());
                s->bind(1, needle).bind(2, erased).bind(3, id);
                if (auto r = s->run(); !r) return r;
            }
        }
        return {};
    };
    if (auto done = with_event_log_open(c, "UPDATE", body); !done) return std::unexpected(done.error());
    return e;
}

// [SECTION] Retention
std::expected<app::PurgeSummary, core::Problem> purge_rows(Connection& c, const app::PurgeRequest& r, const std::string& pepper) {
    app::PurgeSummary out;
    out.dry_run = r.dry_run;
    if (!r.calendar) return std::unexpected(problem("The purge needs the station's calendar"));
    const std::string before = core::format_timestamp(r.presences_before);
    // 1. Raw presences that ended (as corrected) before the cut, each in every local day it
    // touches: a day's total is its part inside that day, as the month reports count it.
    std::map<core::PresenceId, core::VolunteerPresence> raw;
    {
        auto s = c.prepare("SELECT p.id, p.member_id, p.checked_in, p.checked_out, p.closed_by, x.checked_out FROM presence p "
                           "LEFT JOIN presence_corrections x ON x.presence_id = p.id "
                           "WHERE p.summary = FALSE AND p.checked_out IS NOT NULL AND COALESCE(x.checked_out, p.checked_out) < ?1 ORDER BY p.id");
        if (!s) return std::unexpected(s.error());
        s->bind(1, before);
        for (;;) {
            auto has = s->step();
            if (!has) return std::unexpected(has.error());
            if (!*has) break;
            core::VolunteerPresence p;
            p.id = s->column_int(0);
            p.member = s->column_int(1);
            auto in = core::parse_timestamp(s->column_text(2));
            auto o = core::parse_timestamp(s->column_text(3));
            if (!in || !o || *o < *in) continue;  // a row `etabli check` would name; not ours to guess
            p.checked_in = *in;
            p.checked_out = *o;
            p.auto_closed = s->column_optional_text(4) == std::optional<std::string>{"auto"};
            if (!s->is_null(5))
                if (auto cx = core::parse_timestamp(s->column_text(5))) p.corrected_out = *cx;
            raw.emplace(p.id, std::move(p));
        }
    }
    {
        auto s = c.prepare("SELECT r.presence_id, r.since, r.role FROM presence_roles r JOIN presence p ON p.id = r.presence_id "
                           "WHERE p.summary = FALSE AND p.checked_out IS NOT NULL ORDER BY r.presence_id, r.since");
        if (!s) return std::unexpected(s.error());
        for (;;) {
            auto has = s->step();
            if (!has) return std::unexpected(has.error());
            if (!*has) break;
            auto it = raw.find(s->column_int(0));
            if (it == raw.end()) continue;
            auto since = core::parse_timestamp(s->column_text(1));
            auto role = core::parse_volunteer_role(s->column_text(2));
            if (since && role) it->second.roles.push_back(core::RoleSpan{*since, *role});
        }
    }
    out.presences = static_cast<std::int64_t>(raw.size());
    std::map<std::pair<core::MemberId, core::Date>, std::vector<const core::VolunteerPresence*>> days;
    for (const auto& [pid, p] : raw) {
        const auto end = std::max(p.checked_in, p.corrected_out.value_or(*p.checked_out));
        const core::Date first = r.calendar->local_day(p.checked_in), last = r.calendar->local_day(end);
        for (auto d = std::chrono::sys_days{first}; d <= std::chrono::sys_days{last}; d += std::chrono::days{1})
            days[{p.member, core::Date{d}}].push_back(&p);
    }
    for (const auto& [pid, p] : raw) {
        for (const char* sql : {"DELETE FROM presence_roles WHERE presence_id = ?1", "DELETE FROM presence_corrections WHERE presence_id = ?1",
                                "DELETE FROM presence WHERE id = ?1"}) {
            auto d = c.prepare(sql);
            if (!d) return std::unexpected(d.error());
            d->bind(1, pid);
            if (auto x = d->run(); !x) return std::unexpected(x.error());
        }
    }
    for (const auto& [key, list] : days) {
        const auto& [member, day] = key;
        const auto start = r.calendar->day_start(day);
        const auto next = r.calendar->day_start(core::Date{std::chrono::sys_days{day} + std::chrono::days{1}});
        std::vector<core::VolunteerPresence> those;
        for (const auto* p : list) those.push_back(*p);
        const auto report = core::volunteer_hours(those, start, next, r.now, r.closing_of);
        // One row per role, one after the other from the day's start: never overlapping, so
        // counted whole, and inside the day (the day's total is at most the day).
        auto at = start;
        for (const auto& line : report.lines) {
            if (line.member != member || (line.time.count() == 0 && line.presences == 0)) continue;
            const auto out_at = at + line.time;
            auto ins = c.prepare("INSERT INTO presence (member_id, badge_uid, checked_in, checked_out, closed_by, summary) VALUES (?1, NULL, ?2, ?3, 'badge', TRUE) RETURNING id");
            if (!ins) return std::unexpected(ins.error());
            ins->bind(1, member).bind(2, core::format_timestamp(at)).bind(3, core::format_timestamp(out_at));
            auto inserted = store_support::run_returning_id(*ins);
            if (!inserted) return std::unexpected(inserted.error());
            const auto row = *inserted;
            if (line.role) {
                auto role = c.prepare("INSERT INTO presence_roles (presence_id, since, role) VALUES (?1, ?2, ?3)");
                if (!role) return std::unexpected(role.error());
                role->bind(1, row).bind(2, core::format_timestamp(at)).bind(3, std::string(core::to_string(*line.role)));
                if (auto x = role->run(); !x) return std::unexpected(x.error());
            }
            ++out.daily_rows;
            at = out_at;
        }
    }
    // The event log's presence events of before the cut hold the same times and badge numbers:
    // they go too (the log is append-only; its guard is lifted and put back in this transaction).
    auto cut = with_event_log_open(c, "DELETE", [&]() -> std::expected<void, core::Problem> {
        auto d = c.prepare("DELETE FROM events WHERE kind LIKE 'presence.%' AND at < ?1");
        if (!d) return std::unexpected(d.error());
        d->bind(1, before);
        return d->run();
    });
    if (!cut) return std::unexpected(cut.error());
    // The e-mails sent or given up before the cut: an address and a day, kept no longer than presences.
    {
        auto d = c.prepare("DELETE FROM mail_queue WHERE (sent_at IS NOT NULL AND sent_at < ?1) OR (given_up_at IS NOT NULL AND given_up_at < ?1)");
        if (!d) return std::unexpected(d.error());
        d->bind(1, before);
        if (auto ran = d->run(); !ran) return std::unexpected(ran.error());
    }
    // 2. The new riders of bikes: declared to the operator (or never to be) long enough ago.
    {
        auto n = c.prepare("SELECT count(*) FROM bike_departures WHERE has_buyer = TRUE AND purged_at IS NULL "
                           "AND (declared_at < ?1 OR (declared_at IS NULL AND day < ?2))");
        if (!n) return std::unexpected(n.error());
        n->bind(1, core::format_timestamp(r.buyers_declared_before)).bind(2, core::format_date(r.buyers_left_before));
        if (auto x = n->step(); !x) return std::unexpected(x.error());
        out.buyers = n->column_int(0);
        auto u = c.prepare("UPDATE bike_departures SET has_buyer = FALSE, buyer_surname = '', buyer_first_name = '', buyer_phone = '', "
                           "buyer_email = '', buyer_address = '', purged_at = ?3 WHERE has_buyer = TRUE AND purged_at IS NULL "
                           "AND (declared_at < ?1 OR (declared_at IS NULL AND day < ?2))");
        if (!u) return std::unexpected(u.error());
        u->bind(1, core::format_timestamp(r.buyers_declared_before)).bind(2, core::format_date(r.buyers_left_before))
            .bind(3, core::format_timestamp(r.now));
        if (auto x = u->run(); !x) return std::unexpected(x.error());
    }
    // 3. Members whose membership ended long ago.
    std::vector<std::tuple<core::MemberId, std::string, std::string>> ended;
    {
        auto s = c.prepare("SELECT id, display_name, role FROM members WHERE erased_at IS NULL AND valid_until IS NOT NULL AND valid_until < ?1 ORDER BY id");
        if (!s) return std::unexpected(s.error());
        s->bind(1, core::format_date(r.erase_ended_before));
        for (;;) {
            auto has = s->step();
            if (!has) return std::unexpected(has.error());
            if (!*has) break;
            ended.emplace_back(s->column_int(0), s->column_text(1), s->column_text(2));
        }
    }
    for (const auto& [id, name, role] : ended) {
        if (role == "host" || role == "admin") {
            out.kept.emplace_back(id, problem("{0} is a host or an admin: an admin decides (etabli member erase)", {name}));
            continue;
        }
        auto sp = Transaction::begin(c);  // a savepoint: a refused erasure leaves the rest going
        if (!sp) return std::unexpected(sp.error());
        auto e = erase_member_rows(c, id, pepper, r.now);
        if (!e) {
            if (e.error().kind == core::Problem::Kind::storage) return std::unexpected(e.error());
            out.kept.emplace_back(id, e.error());
            continue;  // the savepoint rolls back
        }
        if (auto x = sp->commit(); !x) return std::unexpected(x.error());
        out.erased.emplace_back(id, name);
    }
    return out;
}

std::expected<void, core::Problem> scrub(Connection& c) {
    // PostgreSQL: the tables are written anew, without the erased rows' old versions (it has
    // no secure_delete; the server's own WAL files age out at its checkpoints).
    if (c.dialect() == Dialect::postgres) return c.exec("VACUUM FULL");
    if (auto r = c.exec("VACUUM"); !r) return r;
    // A reader holding an old snapshot (a backup, the API's reads) keeps old pages in the WAL:
    // said, so that the caller can warn; the next checkpoint empties it.
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(c.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc != SQLITE_OK || log != 0)
        return std::unexpected(core::storage_problem("Another reader kept the database's journal: the erased data leaves it at the next checkpoint"));
    return {};
}

}  // namespace etabli::db
