// The tool library: tools, loans, reservations and waiting lists, and the lending rules
// as pure functions. Every refusal is a Problem whose text names the rule and says what to do.
// Also the tool CSV import (same CSV reading as the member import: separators, BOM,
// Windows-1252, all or nothing).
// Layer: core (pure: no I/O, no clock; "today" is an argument). Any thread; in practice the
// station thread (rules) and the CLI thread (field validation, CSV parsing).
#pragma once

#include <etabli/core/member.hpp>
#include <etabli/core/member_import.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/time.hpp>

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

using ToolId = std::int64_t;
using LoanId = std::int64_t;
using ReservationId = std::int64_t;

enum class ToolCondition { good, worn, damaged, broken };
enum class ToolStatus { available, on_loan, reserved, in_repair, retired };
enum class DepositState { none, held, returned, kept };
// range: a day range booked ahead; waiting: a place on the waiting list.
enum class ReservationKind { range, waiting };
// waiting: in the list (or a range not started); held: the tool waits on the shelf for this
// member until held_until; fulfilled: lent to them; cancelled; expired: hold ran out.
enum class ReservationState { waiting, held, fulfilled, cancelled, expired };

std::string_view to_string(ToolCondition c);
std::string_view to_string(ToolStatus s);
std::string_view to_string(DepositState s);
std::string_view to_string(ReservationKind k);
std::string_view to_string(ReservationState s);
std::optional<ToolCondition> tool_condition_from_string(std::string_view);  // also bon/usé/abîmé/cassé
std::optional<ToolStatus> tool_status_from_string(std::string_view);
std::optional<DepositState> deposit_state_from_string(std::string_view);
std::optional<ReservationKind> reservation_kind_from_string(std::string_view);
std::optional<ReservationState> reservation_state_from_string(std::string_view);

struct Tool {
    ToolId id = 0;
    std::string name;
    std::string category;  // empty: none
    std::string tag;       // the text of its barcode or QR label, normalised (normalize_tag)
    std::string location;
    ToolCondition condition = ToolCondition::good;
    ToolStatus status = ToolStatus::available;
    int loan_days = 14;                  // default loan length
    std::int64_t deposit_cents = 0;      // 0: no deposit
    int max_renewals = 2;
    std::string notes;
    std::optional<std::string> photo;    // optional: a file name relative to the photos folder
    bool needs_authorisation = false;
    Timestamp created_at{};
    Timestamp updated_at{};
};

struct Loan {
    LoanId id = 0;
    ToolId tool = 0;
    MemberId member = 0;
    std::int64_t basket = 0;  // loans checked out together share it (the first loan's id)
    Timestamp lent_at{};
    Date due{};               // last day, inclusive
    std::optional<Timestamp> returned_at;
    int renewals = 0;
    std::int64_t deposit_cents = 0;
    DepositState deposit = DepositState::none;
    std::string deposit_reason;  // why a deposit was kept
    std::optional<ToolCondition> return_condition;
    std::string return_note;
    std::optional<MemberId> lent_by;  // a volunteer acting for the member; empty: themself or CLI
    bool open() const { return !returned_at.has_value(); }
};

struct Reservation {
    ReservationId id = 0;
    ToolId tool = 0;
    MemberId member = 0;
    ReservationKind kind = ReservationKind::range;
    ReservationState state = ReservationState::waiting;
    Date from{}, to{};               // range: inclusive days; waiting: from = the day joined
    std::optional<Date> held_until;  // held: the last day the tool waits for this member
    Timestamp created_at{};
    bool live() const { return state == ReservationState::waiting || state == ReservationState::held; }
};

// Configurable lending rules.
struct ToolRules {
    int max_loans = 5;      // tools at once per member
    int max_days = 60;      // the longest a due date may be set
    int hold_days = 3;      // a returned tool waits this long for the next on its waiting list
    int max_reserve_ahead_days = 90;
    bool overdue_blocks = true;  // no new loan while the member has an overdue tool
    bool operator==(const ToolRules&) const = default;
};

// [Fields] What people type or import, validated.
// Tag: trimmed, 1–64 characters of [0-9A-Za-z-_.:/+], upper-cased (scanners and labels
// disagree on case).
std::expected<std::string, Problem> normalize_tag(std::string_view raw);
// "20", "20.5", "20,50", "20 €": cents; 0 … 100000 €.
std::expected<std::int64_t, Problem> parse_euros(std::string_view raw);
std::string format_euros(std::int64_t cents);  // "20.50"
// Name 1–80 code points (normalize_name); category and location trimmed, ≤ 60; days 1–365,
// renewals 0–20; tag normalised when given; photo a relative path (≤ kMaxPhotoPath bytes, no
// ".."), a blank one none.
std::expected<Tool, Problem> validate_tool(Tool t);

// [Rules] Every function answers nullopt (allowed) or the refusal.
struct MemberLoans {
    const Member* member = nullptr;     // null: unknown member
    std::vector<Loan> open_loans;       // the member's loans not returned (at least the overdue ones)
    std::size_t other_open = 0;         // open loans not listed above: only their number matters
    std::size_t open_count() const { return open_loans.size() + other_open; }
};

// Whether `tool` may be lent to the member until `due`, in a basket of `basket_size` tools
// (already counting this one), given the tool's live reservations and whether the member is
// authorised for it. `today` is the local day.
std::optional<Problem> check_lend(const ToolRules& rules, const Tool& tool, const MemberLoans& who,
                                  std::size_t basket_size, bool authorised,
                                  const std::vector<Reservation>& tool_reservations, Date today, Date due);
// The due date for a loan of `tool` starting today, for `days` (the tool's default when
// none), within rules.max_days.
std::expected<Date, Problem> due_date(const ToolRules& rules, const Tool& tool, std::optional<int> days, Date today);
// Renewal of `loan` (one more loan length from its due date).
std::optional<Problem> check_renew(const Tool& tool, const Loan& loan, const std::vector<Reservation>& tool_reservations,
                                   Date new_due);
// A range reservation [from, to] or (range == false) a place on the waiting list.
std::optional<Problem> check_reserve(const ToolRules& rules, const Tool& tool, const Member* member,
                                     const std::optional<Loan>& open_loan, const std::vector<Reservation>& tool_reservations,
                                     bool range, Date from, Date to, Date today);
// Days late of a loan on `today` (0 when not overdue).
int days_late(const Loan& l, Date today);
inline bool overdue(const Loan& l, Date today) { return l.open() && days_late(l, today) > 0; }

// [CSV import] Columns (headers in French or English, matched like the member import's):
//   name      Nom, Name, Outil, Tool, Désignation
//   tag       Étiquette, Tag, Code, Code-barres, Barcode, QR
//   category  Catégorie, Category, Famille
//   location  Emplacement, Location, Rangement, Place
//   days      Durée, Jours, Days, Loan days, Durée de prêt
//   deposit   Caution, Deposit, Dépôt
//   renewals  Renouvellements, Renewals
//   notes     Notes, Remarques, Comment
//   photo     Photo, Image, Fichier photo (a file name relative to the photos folder)
//   auth      Habilitation, Authorisation, Needs authorisation (oui/non, yes/no, 1/0, x)
//   condition État, Condition
// Tags must be unique in the file and against `existing_tags` (normalised): any duplicate
// or bad cell lists its line and nothing is imported. A row without a tag gets one later
// (the station numbers it).
struct ToolImportRow {
    std::size_t line = 0;
    Tool tool;  // id 0; tag may be empty
};
std::expected<std::vector<ToolImportRow>, std::vector<ImportLineError>> parse_tool_csv(
    std::string_view bytes, const std::vector<std::string>& existing_tags);

}  // namespace etabli::core
