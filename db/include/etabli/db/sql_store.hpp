// SqlStore: app::Store on one SQLite file, or on a PostgreSQL database that several stations
// share (members, badges, presence and the append-only event log, and every feature's tables).
// The same code and SQL serve both (database.hpp says how). Each member function is one use
// case and one write transaction (BEGIN IMMEDIATE; on PostgreSQL, the database's write lock)
// that also appends its event(s); on any failure the transaction rolls back whole.
// Layer: db. Called on the station thread only (or on the CLI's main thread before a Station
// exists), like every app::Store; one SqlStore must not be shared between threads.
//
// Event log (table events): `kind` is one of member.added, member.lang, member.imported,
// member.updated, badge.added, badge.revoked, badge.lost, badge.active, presence.in,
// presence.out, presence.auto_closed, tap.refused; `subject` names what changed
// ("member:12", "badge:04A1B2", "presence:7"); `detail` is a small JSON object.
// The allocation calls (alloc_store.cpp) add, for each row that differs from what is
// stored (a row written again unchanged is neither written nor logged):
//   machine:N   machine.added, machine.status, machine.authorised (only the list changed:
//               detail added/removed member ids), machine.checked (the check after use
//               confirmed, or a problem found: detail status/was, note=1), machine.changed
//               (detail: changed fields)
//   booking:N   booking.booked, booking.active, booking.completed, booking.no_show,
//               booking.cancelled (new row, or a new state), booking.moved (booked, new
//               times), booking.extended (active, new end), booking.notice_seen, booking.changed
//   session:N   session.started, session.ended, session.extended, session.warned,
//               session.handover_offered (detail: until), session.changed
//   queue:N     queue.joined, queue.offered, queue.changed, queue.left (deleted)
//   hours       hours.set
// Details hold ids, states and times only: never a name, nor a host's note.
#pragma once

#include <etabli/app/ports.hpp>
#include <etabli/db/database.hpp>
#include <etabli/db/pg.hpp>
#include <etabli/db/pin.hpp>

#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <unordered_map>

namespace etabli::db {

class OfflineJournal;  // offline_journal.cpp

class SqlStore final : public app::Store {
public:
    // Opens (and creates, and migrates) the database at `path`; see open_database() for what
    // is refused. The CLI maps any failure here to exit code 3.
    // `backup_folder`: where the backup before a migration goes (empty: the default).
    static std::expected<std::unique_ptr<SqlStore>, Problem> open(const std::filesystem::path& path,
                                                                      const std::filesystem::path& backup_folder = {});
    // Connects to the PostgreSQL database at `url` (postgresql://…) and migrates it, or waits
    // while another station does. `secret_base`: the station's secret (the PINs' and the audit
    // trail's key) is the file `secret_base`.pepper, made at the first need; every station of
    // the workshop must hold a copy of the same file.
    static std::expected<std::unique_ptr<SqlStore>, Problem> open_postgres(const std::string& url,
                                                                           const std::filesystem::path& secret_base);
    // Where a station keeps that secret when not told: where the default database file would
    // be ($XDG_DATA_HOME/etabli, else ~/.local/share/etabli), "postgresql.pepper".
    static std::filesystem::path default_postgres_secret_base();
    // open_postgres(url, path) when `url` is set, else open(path): how the CLI opens either.
    static std::expected<std::unique_ptr<SqlStore>, Problem> open_at(const std::string& url, const std::filesystem::path& path,
                                                                     const std::filesystem::path& backup_folder = {});
    Dialect dialect() const { return m_conn.dialect(); }
    // On PostgreSQL, the server process of this store's connection: what its own changes
    // carry on the change feed (ChangeFeed's own_pid); 0 on SQLite.
    int backend_pid() const { return m_conn.postgres() ? m_conn.postgres()->backend_pid() : 0; }

    std::expected<app::StationData, Problem> load() override;
    std::expected<void, Problem> append_audit(const app::AuditEntry& e) override;  // audit.cpp's chain
    std::expected<void, Problem> erase_member(core::MemberId id, std::optional<core::MemberId> actor, core::Timestamp at) override;  // privacy.cpp
    std::expected<void, Problem> scrub() override;
    std::expected<std::vector<app::MemberDataSection>, Problem> member_data(core::MemberId id) override;  // privacy.cpp
    std::expected<std::vector<app::AuditEntry>, Problem> recent_audit(std::optional<core::MemberId> who, std::size_t limit) override;
    // PINs, in pin_store.cpp (db/pin.hpp).
    std::expected<std::vector<app::PinState>, Problem> load_pins() override;
    std::expected<app::PinCheck, Problem> check_pin(core::MemberId member, const std::string& pin, core::Timestamp at) override;
    std::expected<app::PinState, Problem> set_pin(core::MemberId member, const std::string& pin, std::optional<core::MemberId> actor,
                                                  core::Timestamp at) override;
    std::expected<app::PinState, Problem> reset_pin(core::MemberId member, bool forget, std::optional<core::MemberId> actor,
                                                    core::Timestamp at) override;
    // The cost of the PINs this store hashes from now on (tests: the least libsodium allows;
    // a PIN keeps the cost it was hashed with).
    void set_pin_limits(PinLimits limits) { m_pin_limits = limits; }
    std::expected<app::PurgeSummary, Problem> purge_personal_data(const app::PurgeRequest& r) override;  // privacy.cpp
    std::expected<core::Member, Problem> add_member(const core::MemberDraft& d,
                                                    std::optional<core::MemberId> actor,
                                                    core::Timestamp at) override;
    std::expected<core::Member, Problem> set_member_lang(core::MemberId id, core::Lang lang,
                                                         core::Timestamp at) override;
    std::expected<core::Member, Problem> update_member(core::MemberId id, const core::MemberDraft& d,
                                                       std::optional<core::MemberId> actor, core::Timestamp at) override;
    std::expected<core::Badge, Problem> add_badge(const std::string& uid, core::MemberId member,
                                                  std::optional<core::MemberId> actor,
                                                  core::Timestamp at) override;
    std::expected<void, Problem> atomically(const std::function<std::expected<void, Problem>()>& body) override;
    std::expected<app::MemberWithBadge, Problem> add_member_with_badge(const core::MemberDraft& d, const std::string& uid,
                                                                        std::optional<core::MemberId> actor,
                                                                        core::Timestamp at) override;
    std::expected<core::Badge, Problem> set_badge_status(const std::string& uid, core::BadgeStatus status,
                                                         std::optional<core::MemberId> actor,
                                                         core::Timestamp at) override;
    std::expected<core::Presence, Problem> check_in(core::MemberId member, const std::string& uid,
                                                    std::optional<core::PresenceId> stale,
                                                    core::Timestamp stale_close_at,
                                                    core::Timestamp at) override;
    std::expected<core::Presence, Problem> check_out(core::PresenceId presence, const std::string& uid,
                                                     core::Timestamp at) override;
    std::expected<std::size_t, Problem> close_stale(const std::vector<core::PresenceId>& ids,
                                                    core::Timestamp close_at) override;
    std::expected<void, Problem> log_refusal(const std::string& uid, core::TapKind why,
                                             core::Timestamp at) override;
    std::expected<app::ImportSummary, Problem> import_members(const std::vector<core::ImportRow>& rows,
                                                              core::Timestamp at) override;

    // [Offline] in offline_journal.cpp; the contracts are app::Store's. The journal is the
    // SQLite file journal_path() (<base>-offline.db beside the station's base), made at the
    // first tap journaled; only a store on PostgreSQL journals.
    bool link_down() const override;
    std::expected<core::Presence, Problem> journal_check_in(core::MemberId member, const std::string& uid,
                                                            std::optional<core::PresenceId> stale,
                                                            core::Timestamp stale_close_at, core::Timestamp at) override;
    std::expected<core::Presence, Problem> journal_check_out(const core::Presence& open, const std::string& uid,
                                                             core::Timestamp at) override;
    std::expected<app::JournalReplay, Problem> replay_journal(core::Timestamp now) override;
    std::filesystem::path journal_path() const;
    // The ids the features and the station name themselves (loans, skills, trainings, tools,
    // machines…: the largest stored id + 1): on SQLite MAX(id) of `table`; on PostgreSQL the
    // largest this station used in its block of that table's ids, a block taken from the
    // table's sequence (and a new one when fewer than a thousand are left). A block taken
    // inside a transaction that rolls back stays this station's. (sql_store.cpp)
    std::expected<std::int64_t, Problem> id_floor(const char* table) override;

    // [Allocation] in alloc_store.cpp; the contracts are app::Store's.
    std::expected<alloc::EngineState, Problem> load_alloc(core::Timestamp now) override;
    std::expected<void, Problem> commit_alloc(const alloc::Changes& c, std::optional<core::MemberId> actor,
                                              core::Timestamp at) override;
    std::expected<void, Problem> save_hours(const alloc::OpeningHours& h, std::optional<core::MemberId> actor,
                                            core::Timestamp at) override;
    std::expected<std::vector<alloc::Session>, Problem> sessions_between(core::Timestamp from, core::Timestamp to,
                                                                         std::size_t limit) override;

    // [Tool library] in tool_store.cpp; the contracts are app::Store's.
    std::expected<app::ToolData, Problem> load_tools() override;
    std::expected<void, Problem> commit_tools(const app::ToolChanges& c, std::optional<core::MemberId> actor,
                                              core::Timestamp at) override;
    std::expected<std::vector<core::Loan>, Problem> loan_history(std::optional<core::MemberId> member,
                                                                  std::size_t limit) override;
    std::expected<std::vector<core::Loan>, Problem> overdue_loans(core::Date today) override;
    // The kiosk's exports in tool_export.cpp.
    std::expected<std::size_t, Problem> write_tool_labels(const std::vector<core::Tool>& tools,
                                                          const std::filesystem::path& out) override;
    std::expected<void, Problem> write_export(const std::filesystem::path& out, std::string_view bytes) override;

    // [Skills] in skill_store.cpp; the contracts are app::Store's.
    std::expected<app::SkillData, Problem> load_skills() override;
    std::expected<void, Problem> commit_skills(const app::SkillChanges& c, std::optional<core::MemberId> actor,
                                               core::Timestamp at) override;
    std::expected<std::vector<core::SkillGrant>, Problem> skill_grants(std::optional<core::MemberId> member,
                                                                       std::optional<core::SkillId> skill) override;

    // [Repairs and volunteer hours] in repair_store.cpp; the contracts are app::Store's.
    std::expected<core::Repair, Problem> add_repair(const core::Repair& r, std::optional<core::MemberId> actor,
                                                    core::Timestamp at) override;
    std::expected<core::Repair, Problem> update_repair(const core::Repair& r, std::optional<core::MemberId> actor,
                                                       core::Timestamp at) override;
    std::expected<std::optional<core::Repair>, Problem> find_repair(core::RepairId id) override;
    std::expected<std::vector<core::Repair>, Problem> repairs_between(std::optional<core::Date> from,
                                                                      std::optional<core::Date> to) override;
    std::expected<void, Problem> set_presence_role(core::PresenceId presence, core::VolunteerRole role,
                                                   core::Timestamp since, std::optional<core::MemberId> actor,
                                                   core::Timestamp at) override;
    std::expected<void, Problem> correct_presence(core::PresenceId presence, core::Timestamp checked_out,
                                                  std::optional<core::MemberId> actor, core::Timestamp at) override;
    std::expected<std::vector<core::VolunteerPresence>, Problem> volunteer_presences(core::Timestamp from,
                                                                                     core::Timestamp to) override;

    // [The bike register] in bike_store.cpp; the contracts are app::Store's.
    std::expected<app::BikeData, Problem> load_bikes() override;
    std::expected<void, Problem> commit_bikes(const app::BikeChanges& c, std::optional<core::MemberId> actor,
                                              core::Timestamp at) override;
    std::expected<std::vector<core::Repair>, Problem> bike_repairs(core::BikeId bike) override;

    // [Memberships and receipts] in money_store.cpp; the contracts are app::Store's.
    std::expected<app::MoneyData, Problem> load_money() override;
    std::expected<std::vector<core::ReceiptId>, Problem> commit_money(const app::MoneyChanges& c, std::optional<core::MemberId> actor,
                                                                      core::Timestamp at) override;
    std::expected<std::vector<core::Receipt>, Problem> receipts_between(core::Date from, core::Date to) override;
    std::expected<std::optional<core::Receipt>, Problem> find_receipt(core::ReceiptId id, bool corrected) override;
    std::expected<std::optional<core::Closing>, Problem> closing(core::Date day) override;
    std::expected<std::vector<std::string>, Problem> known_references(const std::vector<std::string>& refs) override;

    // [Reports] in report_store.cpp; the contract is app::Store's.
    std::expected<core::YearCounts, Problem> year_counts(const core::YearBounds& year) override;
    // [E-mail] db/src/mail_store.cpp
    std::expected<int, Problem> queue_mails(const std::vector<app::OutMail>& mails, core::Timestamp at) override;
    std::expected<std::vector<app::OutMail>, Problem> take_mails(core::Timestamp now, int limit, core::Timestamp lease_until) override;
    std::expected<void, Problem> mail_tried(const app::MailTry& t) override;
    std::expected<std::vector<app::OutMail>, Problem> list_mails(int limit) override;

    // [Trainings, help in the room, know-how cards] in know_store.cpp; the contracts are app::Store's.
    std::expected<app::KnowData, Problem> load_know(core::Timestamp since) override;
    std::expected<void, Problem> commit_know(const app::KnowChanges& c, std::optional<core::MemberId> actor,
                                             core::Timestamp at) override;
    std::expected<std::vector<core::Presence>, Problem> presences_between(core::Timestamp from,
                                                                           core::Timestamp to) override;

    // The connection, for read-only queries of tools and tests (never for writes that bypass
    // the event log).
    Connection& connection() { return m_conn; }

private:
    SqlStore(Connection c, std::filesystem::path path) : m_conn(std::move(c)), m_path(std::move(path)) {}
    std::expected<core::Member, Problem> insert_member(const core::MemberDraft& d, std::optional<core::MemberId> actor,
                                                       core::Timestamp at);
    std::expected<core::Badge, Problem> insert_badge(const std::string& uid, core::MemberId member,
                                                     std::optional<core::MemberId> actor, core::Timestamp at);
    Connection m_conn;
    std::filesystem::path m_path;         // where the pepper is: beside it
    std::optional<std::string> m_pepper;  // read at the first audit row or PIN
    PinLimits m_pin_limits;
    std::expected<std::string, Problem> pepper();  // m_pepper, read (or made) once
    // The id counters the stored rows (with alloc_state) were known to imply after this
    // store's last successful commit_alloc; none before the first. Counters only grow, and
    // another writer only raises them: a decision whose counters stay at or below these, or
    // are told by its own new rows, has nothing to store in alloc_state (see commit_alloc).
    std::optional<alloc::IdCounters> m_alloc_ids_stored;
    // On PostgreSQL: the blocks of ids this station holds (alloc_store.cpp, [PostgreSQL]),
    // `next` the first not yet used, `end` the first past each block.
    struct IdBlocks {
        bool held = false;
        alloc::IdCounters next, end;
    };
    IdBlocks m_id_blocks;
    // On PostgreSQL: each booking as this station last loaded or wrote it. A booking it changes
    // that the database holds otherwise (and not already as this change writes it) was changed
    // by another station meanwhile: the change is refused rather than written over it.
    struct BookingSeen {
        alloc::BookingState state{};
        core::Timestamp start{}, end{};
        alloc::MachineId machine = 0;
    };
    std::unordered_map<alloc::BookingId, BookingSeen> m_bookings_seen;
    // On PostgreSQL, refuses a new row id of `table` past this station's block (it then takes
    // a new block at its next load); a row already there is another station's, changed here.
    std::expected<void, Problem> id_in_block(const char* table, std::int64_t id);
    struct IdBlock {
        std::int64_t start = 0, end = 0;  // [start, end)
    };
    std::map<std::string, IdBlock, std::less<>> m_blocks;
    // The offline journal, opened at its first use (made if `create`; null when there is none).
    std::shared_ptr<OfflineJournal> m_journal;
    std::expected<OfflineJournal*, Problem> offline_journal(bool create);
    std::expected<alloc::IdCounters, Problem> next_alloc_ids();
    std::expected<void, Problem> commit_alloc_postgres(const alloc::Changes& c, std::optional<core::MemberId> actor,
                                                       core::Timestamp at);
};

}  // namespace etabli::db
