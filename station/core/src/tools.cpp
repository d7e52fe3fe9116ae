// The tool library's rules and field checks (see tools.hpp). Layer: core (pure). Any thread.
//
// [SECTION] index
//   enums       texts as stored and typed
//   fields      tag, euros, a whole tool
//   rules       lend, due date, renew, reserve
//   csv         parse_tool_csv
#include <etabli/core/tools.hpp>
#include <etabli/core/i18n.hpp>
#include <etabli/core/know_how.hpp>  // kMaxPhotoPath

#include "text_checks.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <unordered_map>

namespace etabli::core {

using namespace std::chrono;

// [SECTION] enums
// The texts of ToolCondition and ToolStatus are stored, and shown translated (N_).
std::string_view to_string(ToolCondition c) {
    switch (c) {
    case ToolCondition::good: return N_("good");
    case ToolCondition::worn: return N_("worn");
    case ToolCondition::damaged: return N_("damaged");
    case ToolCondition::broken: return N_("broken");
    }
    return "?";
}
std::string_view to_string(ToolStatus s) {
    switch (s) {
    case ToolStatus::available: return N_("available");
    case ToolStatus::on_loan: return N_("on_loan");
    case ToolStatus::reserved: return N_("reserved");
    case ToolStatus::in_repair: return N_("in_repair");
    case ToolStatus::retired: return N_("retired");
    }
    return "?";
}
std::string_view to_string(DepositState s) {
    switch (s) {
    case DepositState::none: return "none";
    case DepositState::held: return "held";
    case DepositState::returned: return "returned";
    case DepositState::kept: return "kept";
    }
    return "?";
}
std::string_view to_string(ReservationKind k) { return k == ReservationKind::range ? "range" : "waiting"; }
std::string_view to_string(ReservationState s) {
    switch (s) {
    case ReservationState::waiting: return "waiting";
    case ReservationState::held: return "held";
    case ReservationState::fulfilled: return "fulfilled";
    case ReservationState::cancelled: return "cancelled";
    case ReservationState::expired: return "expired";
    }
    return "?";
}

namespace {
template <class E, std::size_t N>
std::optional<E> from_text(std::string_view s, const std::array<E, N>& all) {
    for (E v : all)
        if (to_string(v) == s) return v;
    return std::nullopt;
}
}  // namespace

std::optional<ToolCondition> tool_condition_from_string(std::string_view s) {
    using C = ToolCondition;
    if (auto c = from_text(s, std::array{C::good, C::worn, C::damaged, C::broken})) return c;
    const std::string k = fold_csv_key(s);
    if (k == "bon" || k == "bonetat" || k == "good") return C::good;
    if (k == "use" || k == "usee" || k == "worn") return C::worn;
    if (k == "abime" || k == "abimee" || k == "endommage" || k == "damaged") return C::damaged;
    if (k == "casse" || k == "cassee" || k == "hs" || k == "broken") return C::broken;
    return std::nullopt;
}
std::optional<ToolStatus> tool_status_from_string(std::string_view s) {
    using S = ToolStatus;
    return from_text(s, std::array{S::available, S::on_loan, S::reserved, S::in_repair, S::retired});
}
std::optional<DepositState> deposit_state_from_string(std::string_view s) {
    using D = DepositState;
    return from_text(s, std::array{D::none, D::held, D::returned, D::kept});
}
std::optional<ReservationKind> reservation_kind_from_string(std::string_view s) {
    return from_text(s, std::array{ReservationKind::range, ReservationKind::waiting});
}
std::optional<ReservationState> reservation_state_from_string(std::string_view s) {
    using R = ReservationState;
    return from_text(s, std::array{R::waiting, R::held, R::fulfilled, R::cancelled, R::expired});
}

// [SECTION] fields
std::expected<std::string, Problem> normalize_tag(std::string_view raw) {
    const std::string_view t = trim_csv_cell(raw);
    if (t.empty()) return std::unexpected(problem("The tag is empty: scan the label or type its code"));
    if (t.size() > 64) return std::unexpected(problem("The tag \"{0}\" is too long (64 characters at most)", {shown_csv_cell(t)}));
    std::string out;
    out.reserve(t.size());
    for (char c : t) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
                        c == '_' || c == '.' || c == ':' || c == '/' || c == '+';
        if (!ok)
            return std::unexpected(problem("The tag \"{0}\" may only hold letters, digits and - _ . : / +", {shown_csv_cell(t)}));
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::expected<std::int64_t, Problem> parse_euros(std::string_view raw) {
    std::string t(trim_csv_cell(raw));
    for (const std::string_view suffix : {"€", "EUR", "eur"})
        if (t.size() >= suffix.size() && t.ends_with(suffix)) t = std::string(trim_csv_cell(t.substr(0, t.size() - suffix.size())));
    auto bad = [&] { return std::unexpected(problem("\"{0}\" is not an amount in euros, e.g. 20 or 12,50", {shown_csv_cell(raw)})); };
    if (t.empty()) return std::int64_t{0};
    const auto sep = t.find_first_of(".,");
    const std::string whole = t.substr(0, sep);
    std::string frac = sep == std::string::npos ? "" : t.substr(sep + 1);
    if (whole.empty() || whole.size() > 6 || frac.size() > 2) return bad();
    if (!std::all_of(whole.begin(), whole.end(), [](char c) { return c >= '0' && c <= '9'; })) return bad();
    if (!std::all_of(frac.begin(), frac.end(), [](char c) { return c >= '0' && c <= '9'; })) return bad();
    if (sep != std::string::npos && frac.empty()) return bad();
    while (frac.size() < 2) frac += '0';
    const std::int64_t cents = std::stoll(whole) * 100 + std::stoll(frac);
    if (cents > 100000 * 100) return std::unexpected(problem("A deposit of more than 100000 euros is surely a typo"));
    return cents;
}

std::string format_euros(std::int64_t cents) {
    const std::string c = std::to_string(cents % 100);
    return std::to_string(cents / 100) + "." + (c.size() < 2 ? "0" + c : c);
}

std::expected<Tool, Problem> validate_tool(Tool t) {
    auto name = normalize_name(t.name);
    if (!name) return std::unexpected(problem("The tool name must be 1 to 80 characters"));
    t.name = *name;
    for (std::string* field : {&t.category, &t.location}) {
        *field = std::string(trim_csv_cell(*field));
        const auto len = utf8_length(*field);
        if (!len || *len > 60) return std::unexpected(problem("\"{0}\" is too long (60 characters at most)", {shown_csv_cell(*field)}));
        if (std::any_of(field->begin(), field->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
            return std::unexpected(problem("\"{0}\" holds control characters", {shown_csv_cell(*field)}));
    }
    if (!utf8_length(t.notes) || t.notes.size() > 2000) return std::unexpected(problem("The notes are too long (2000 characters at most)"));
    if (!t.tag.empty()) {
        auto tag = normalize_tag(t.tag);
        if (!tag) return std::unexpected(tag.error());
        t.tag = *tag;
    }
    if (t.photo) {
        if (trim_csv_cell(*t.photo).empty()) t.photo.reset();
        else if (auto path = text_checks::relative_path(*t.photo, kMaxPhotoPath)) t.photo = *path;
        else return std::unexpected(problem("The photo \"{0}\" must be a file name relative to the photos folder", {shown_csv_cell(*t.photo)}));
    }
    if (t.loan_days < 1 || t.loan_days > 365)
        return std::unexpected(problem("A loan lasts 1 to 365 days (got {0})", {std::to_string(t.loan_days)}));
    if (t.max_renewals < 0 || t.max_renewals > 20)
        return std::unexpected(problem("Renewals go from 0 to 20 (got {0})", {std::to_string(t.max_renewals)}));
    if (t.deposit_cents < 0 || t.deposit_cents > 100000 * 100)
        return std::unexpected(problem("A deposit of more than 100000 euros is surely a typo"));
    return t;
}

// [SECTION] rules
int days_late(const Loan& l, Date today) {
    if (!l.open()) return 0;
    const auto d = (sys_days{today} - sys_days{l.due}).count();
    return d > 0 ? static_cast<int>(d) : 0;
}

namespace {
// The live range reservation of another member that overlaps [from, to] (inclusive days).
const Reservation* range_conflict(const std::vector<Reservation>& rs, MemberId member, Date from, Date to) {
    for (const auto& r : rs)
        if (r.live() && r.kind == ReservationKind::range && r.member != member && sys_days{r.from} <= sys_days{to} &&
            sys_days{r.to} >= sys_days{from})
            return &r;
    return nullptr;
}
std::string day_text(Date d) { return format_date(d); }
}  // namespace

std::optional<Problem> check_lend(const ToolRules& rules, const Tool& tool, const MemberLoans& who,
                                  std::size_t basket_size, bool authorised,
                                  const std::vector<Reservation>& tool_reservations, Date today, Date due) {
    if (!who.member) return problem("Unknown member: check the member number");
    if (tool.status == ToolStatus::retired)
        return problem("{0} is retired from the library: it cannot be lent", {tool.name});
    if (tool.status == ToolStatus::in_repair)
        return problem("{0} is in repair: it cannot be lent until a host marks it repaired", {tool.name});
    if (tool.status == ToolStatus::on_loan)
        return problem("{0} is already on loan: join its waiting list or reserve it", {tool.name});
    if (membership_expired(*who.member, today))
        return problem("Membership of {0} has ended: renew it at the desk before borrowing", {who.member->display_name});
    for (const auto& l : who.open_loans)
        if (rules.overdue_blocks && overdue(l, today))
            return problem("No new loan while a tool is overdue: {0} must bring back the overdue tool first",
                           {who.member->display_name});
    if (who.open_count() + basket_size > static_cast<std::size_t>(rules.max_loans))
        return problem("At most {0} tools at once: {1} already has {2}; return one or take fewer",
                       {std::to_string(rules.max_loans), who.member->display_name, std::to_string(who.open_count())});
    if (tool.needs_authorisation && !authorised)
        return problem("{0} needs an authorisation: ask a host to show you the tool and authorise you", {tool.name});
    for (const auto& r : tool_reservations) {
        if (r.state == ReservationState::held && r.member != who.member->id)
            return problem("{0} is held for another member until {1}: choose another tool or join the waiting list",
                           {tool.name, day_text(r.held_until.value_or(today))});
    }
    if (const auto* r = range_conflict(tool_reservations, who.member->id, today, due)) {
        if (sys_days{r->from} <= sys_days{today})
            return problem("{0} is reserved by another member from {1} to {2}: choose another tool",
                           {tool.name, day_text(r->from), day_text(r->to)});
        return problem("{0} is reserved from {1}: choose a due date before that day",
                       {tool.name, day_text(r->from)});
    }
    return std::nullopt;
}

std::expected<Date, Problem> due_date(const ToolRules& rules, const Tool& tool, std::optional<int> days, Date today) {
    const int d = days.value_or(std::min(tool.loan_days, rules.max_days));
    if (d < 1 || d > rules.max_days)
        return std::unexpected(problem("A loan lasts 1 to {0} days: choose a shorter loan", {std::to_string(rules.max_days)}));
    // Due `d` days after today: a one-day loan comes back tomorrow.
    return Date{sys_days{today} + std::chrono::days{d}};
}

std::optional<Problem> check_renew(const Tool& tool, const Loan& loan, const std::vector<Reservation>& tool_reservations,
                                   Date new_due) {
    if (!loan.open()) return problem("{0} is not on loan: nothing to renew", {tool.name});
    if (loan.renewals >= tool.max_renewals)
        return problem("{0} was already renewed {1} times (the limit): bring it back", {tool.name, std::to_string(loan.renewals)});
    for (const auto& r : tool_reservations)
        if (r.live() && r.kind == ReservationKind::waiting && r.member != loan.member)
            return problem("Another member is waiting for {0}: it cannot be renewed, bring it back by {1}",
                           {tool.name, day_text(loan.due)});
    const Date after{sys_days{loan.due} + days{1}};
    if (const auto* r = range_conflict(tool_reservations, loan.member, after, new_due))
        return problem("{0} is reserved from {1}: it cannot be renewed, bring it back by {2}",
                       {tool.name, day_text(r->from), day_text(loan.due)});
    return std::nullopt;
}

std::optional<Problem> check_reserve(const ToolRules& rules, const Tool& tool, const Member* member,
                                     const std::optional<Loan>& open_loan, const std::vector<Reservation>& rs,
                                     bool range, Date from, Date to, Date today) {
    if (!member) return problem("Unknown member: check the member number");
    if (tool.status == ToolStatus::retired) return problem("{0} is retired from the library: it cannot be reserved", {tool.name});
    if (membership_expired(*member, today))
        return problem("Membership of {0} has ended: renew it at the desk before reserving", {member->display_name});
    for (const auto& r : rs)
        if (r.live() && r.member == member->id && r.kind == (range ? ReservationKind::range : ReservationKind::waiting) &&
            (!range || (sys_days{r.from} <= sys_days{to} && sys_days{r.to} >= sys_days{from})))
            return problem("{0} already has a reservation for {1}", {member->display_name, tool.name});
    if (!range) {
        if (open_loan && open_loan->member == member->id)
            return problem("{0} already has {1}: no need to wait for it", {member->display_name, tool.name});
        return std::nullopt;
    }
    if (sys_days{from} < sys_days{today}) return problem("The reservation starts in the past: choose a day from today");
    if (sys_days{to} < sys_days{from}) return problem("The reservation ends before it starts: check the days");
    if ((sys_days{to} - sys_days{from}).count() + 1 > rules.max_days)
        return problem("A reservation lasts at most {0} days: choose a shorter range", {std::to_string(rules.max_days)});
    if ((sys_days{from} - sys_days{today}).count() > rules.max_reserve_ahead_days)
        return problem("Reservations open {0} days ahead: choose an earlier day", {std::to_string(rules.max_reserve_ahead_days)});
    if (open_loan && sys_days{open_loan->due} >= sys_days{from})
        return problem("{0} is on loan until {1}: reserve from the next day, or join the waiting list",
                       {tool.name, day_text(open_loan->due)});
    if (const auto* r = range_conflict(rs, member->id, from, to))
        return problem("{0} is already reserved from {1} to {2}: choose other days", {tool.name, day_text(r->from), day_text(r->to)});
    return std::nullopt;
}

// [SECTION] csv
namespace {
enum class ToolField { name, tag, category, location, days, deposit, renewals, notes, auth, condition, photo, kCount };
constexpr std::size_t kFieldCount = static_cast<std::size_t>(ToolField::kCount);

// Folded header names per field.
const std::array<std::vector<std::string_view>, kFieldCount>& tool_headers() {
    static const std::array<std::vector<std::string_view>, kFieldCount> h{{
        {"nom", "name", "outil", "tool", "designation", "toolname", "nomdeloutil"},
        {"etiquette", "tag", "code", "codebarres", "barcode", "qr", "qrcode"},
        {"categorie", "category", "famille", "type"},
        {"emplacement", "location", "rangement", "place", "lieu"},
        {"duree", "jours", "days", "loandays", "dureedepret", "dureedupret"},
        {"caution", "deposit", "depot"},
        {"renouvellements", "renewals", "maxrenewals", "prolongations"},
        {"notes", "note", "remarques", "comment", "comments", "commentaire"},
        {"habilitation", "authorisation", "authorization", "needsauthorisation", "needsauthorization", "formation"},
        {"etat", "condition"},
        {"photo", "image", "picture", "fichierphoto"},
    }};
    return h;
}

std::optional<bool> parse_yes_no(std::string_view cell) {
    const std::string k = fold_csv_key(cell);
    if (k.empty() || k == "non" || k == "no" || k == "0" || k == "false" || k == "faux") return false;
    if (k == "oui" || k == "yes" || k == "1" || k == "x" || k == "true" || k == "vrai") return true;
    return std::nullopt;
}

std::optional<int> parse_small_int(std::string_view cell) {
    int v = 0;
    const auto* end = cell.data() + cell.size();
    auto [p, ec] = std::from_chars(cell.data(), end, v);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return v;
}
}  // namespace

std::expected<std::vector<ToolImportRow>, std::vector<ImportLineError>> parse_tool_csv(
    std::string_view bytes, const std::vector<std::string>& existing_tags) {
    auto file = read_csv_file(bytes);
    if (!file) return std::unexpected(std::move(file.error()));
    const auto& header = file->records.front().fields;
    std::array<std::optional<std::size_t>, kFieldCount> cols{};
    for (std::size_t c = 0; c < header.size(); ++c) {
        const std::string k = fold_csv_key(header[c]);
        for (std::size_t f = 0; f < kFieldCount; ++f) {
            if (cols[f]) continue;
            const auto& names = tool_headers()[f];
            if (std::find(names.begin(), names.end(), k) != names.end()) {
                cols[f] = c;
                break;
            }
        }
    }
    std::vector<ImportLineError> errors;
    if (!cols[static_cast<std::size_t>(ToolField::name)])
        return std::unexpected(std::vector<ImportLineError>{
            {0, problem("No name column: expected a column such as Nom, Outil or Name")}});

    std::unordered_map<std::string, std::size_t> seen;  // tag → first line (0: already stored)
    for (const auto& t : existing_tags) seen.emplace(t, 0);
    std::vector<ToolImportRow> rows;
    for (std::size_t i = 1; i < file->records.size(); ++i) {
        const auto& rec = file->records[i];
        auto cell = [&](ToolField f) -> std::string_view {
            const auto c = cols[static_cast<std::size_t>(f)];
            if (!c || *c >= rec.fields.size()) return {};
            return trim_csv_cell(rec.fields[*c]);
        };
        if (std::all_of(rec.fields.begin(), rec.fields.end(), [](const auto& f) { return trim_csv_cell(f).empty(); }))
            continue;
        const std::size_t before = errors.size();
        auto fail = [&](Problem p) { errors.push_back({rec.line, std::move(p)}); };
        Tool t;
        t.name = std::string(cell(ToolField::name));
        if (t.name.empty()) fail(problem("Name is empty"));
        t.tag = std::string(cell(ToolField::tag));
        t.category = std::string(cell(ToolField::category));
        t.location = std::string(cell(ToolField::location));
        t.notes = std::string(cell(ToolField::notes));
        if (auto ph = cell(ToolField::photo); !ph.empty()) t.photo = std::string(ph);
        if (auto d = cell(ToolField::days); !d.empty()) {
            if (auto v = parse_small_int(d)) t.loan_days = *v;
            else fail(problem("Loan length \"{0}\" is not a number of days", {shown_csv_cell(d)}));
        }
        if (auto d = cell(ToolField::renewals); !d.empty()) {
            if (auto v = parse_small_int(d)) t.max_renewals = *v;
            else fail(problem("Renewals \"{0}\" is not a number", {shown_csv_cell(d)}));
        }
        if (auto d = cell(ToolField::deposit); !d.empty()) {
            if (auto v = parse_euros(d)) t.deposit_cents = *v;
            else fail(v.error());
        }
        if (auto a = parse_yes_no(cell(ToolField::auth))) t.needs_authorisation = *a;
        else fail(problem("\"{0}\" is neither yes nor no (oui/non)", {shown_csv_cell(cell(ToolField::auth))}));
        if (auto c = cell(ToolField::condition); !c.empty()) {
            if (auto v = tool_condition_from_string(c)) t.condition = *v;
            else fail(problem("Condition \"{0}\" is not known (expected good, worn, damaged or broken)", {shown_csv_cell(c)}));
        }
        if (errors.size() != before) continue;
        auto valid = validate_tool(std::move(t));
        if (!valid) {
            fail(std::move(valid.error()));
            continue;
        }
        if (!valid->tag.empty()) {
            const auto [it, fresh] = seen.try_emplace(valid->tag, rec.line);
            if (!fresh) {
                if (it->second == 0) fail(problem("The tag {0} is already used by a tool of the library", {valid->tag}));
                else fail(problem("The tag {0} is already used on line {1}", {valid->tag, std::to_string(it->second)}));
                continue;
            }
        }
        if (valid->condition == ToolCondition::damaged || valid->condition == ToolCondition::broken)
            valid->status = ToolStatus::in_repair;
        rows.push_back(ToolImportRow{rec.line, std::move(*valid)});
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));
    if (rows.empty()) return std::unexpected(std::vector<ImportLineError>{{0, problem("The file lists no tool")}});
    return rows;
}

}  // namespace etabli::core
