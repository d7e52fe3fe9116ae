// Memberships and the receipts journal: the commands of app/money.hpp, the plans and the
// closed days in memory, the plans in the snapshot (MoneyView). A payment for a membership is
// its receipt, its membership row and the member's new end in one transaction; the member's
// new end reaches the directory (and every screen) through FeatureHost::member_changed.
// Layer: app. Station thread only (load() also from start(), before the thread runs).
//
// [SECTION] Index
//   [State]       plans, closed days, load
//   [Commands]    handle
//   [Publishing]  publish
#include <etabli/app/features/money.hpp>
#include <etabli/app/station.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace etabli::app {

using core::problem;

const core::Plan* MoneyView::find(core::PlanId id) const {
    for (const auto& p : plans)
        if (p.id == id) return &p;
    return nullptr;
}

namespace {

std::string num(std::int64_t v) { return std::to_string(v); }
std::int64_t day_key(core::Date d) { return std::chrono::sys_days{d}.time_since_epoch().count(); }
bool after(core::Date a, core::Date b) { return std::chrono::sys_days{a} > std::chrono::sys_days{b}; }

// A name as people write it, for matching: letters and digits, lower case, accents dropped.
std::string folded(std::string_view s) { return core::fold_csv_key(s); }

class MoneyFeatureImpl final : public Feature {
public:
    MoneyFeatureImpl(Station&, FeatureHost& host) : m_host(host) {}

    // [SECTION] State
    std::expected<void, Problem> load() override {
        auto data = m_host.store().load_money();
        if (!data) return std::unexpected(data.error());
        m_plans.clear();
        for (auto& p : data->plans) m_plans.emplace(p.id, std::move(p));
        m_closed = data->closed_days;
        m_max_plan = data->max_plan_id;
        m_dirty = true;
        return {};
    }

    // [SECTION] Commands
    Result handle(const Command& c) override {
        return std::visit(
            [&](const auto& cmd) -> Result {
                using T = std::decay_t<decltype(cmd)>;
                if constexpr (std::is_same_v<T, AddPlan> || std::is_same_v<T, EditPlan>) return save_plan(cmd.plan, std::is_same_v<T, AddPlan>, cmd.actor);
                else if constexpr (std::is_same_v<T, PayMembership>) return pay(cmd);
                else if constexpr (std::is_same_v<T, RecordReceipt>) return record(cmd);
                else if constexpr (std::is_same_v<T, CorrectReceipt>) return correct(cmd);
                else if constexpr (std::is_same_v<T, ShowJournal>) return journal(cmd.day);
                else if constexpr (std::is_same_v<T, CloseDay>) return close(cmd);
                else if constexpr (std::is_same_v<T, ReceiptsBetween>) return between(cmd);
                else if constexpr (std::is_same_v<T, ImportHelloAsso>) return import(cmd);
                else return std::unexpected(problem("The station failed on this request: {0}", {"money"}));
            },
            c);
    }

    // [SECTION] Publishing
    void publish(Snapshot& snap) override {
        if (m_dirty || !m_view) {
            auto v = std::make_shared<MoneyView>();
            for (const auto& [id, p] : m_plans) v->plans.push_back(p);
            v->renewed = m_renewed;
            m_view = std::move(v);
            m_dirty = false;
        }
        std::get<feature_index_v<MoneyFeature>>(snap.parts) = m_view;
    }

private:
    core::Date today() const { return m_host.calendar().local_day(m_host.clock().now()); }
    bool closed(core::Date d) const { return m_closed.contains(day_key(d)); }
    Problem closed_problem(core::Date d) const {
        return problem("The day {0} is closed: record it on another day, or correct a line", {core::format_date(d)});
    }
    std::expected<std::vector<core::ReceiptId>, Problem> commit(const MoneyChanges& ch, std::optional<core::MemberId> actor) {
        auto r = m_host.store().commit_money(ch, actor, m_host.clock().now());
        if (!r) return std::unexpected(r.error().kind == core::Problem::Kind::storage ? m_host.failed(r.error()).error() : r.error());
        return r;
    }

    Result save_plan(core::Plan p, bool adding, std::optional<core::MemberId> actor) {
        auto v = core::validate_plan(std::move(p));
        if (!v) return std::unexpected(v.error());
        if (adding) v->id = m_max_plan + 1;
        else if (!m_plans.contains(v->id)) return std::unexpected(problem("No plan has the number {0}", {num(v->id)}));
        for (const auto& [id, other] : m_plans)
            if (id != v->id && folded(other.name) == folded(v->name))
                return std::unexpected(problem("A plan is already called \"{0}\"", {other.name}));
        MoneyChanges ch;
        ch.plans.push_back(*v);
        ch.events.push_back({adding ? "plan.added" : "plan.changed", "plan:" + num(v->id), {}});
        if (auto r = commit(ch, actor); !r) return std::unexpected(r.error());
        if (adding) m_max_plan = v->id;
        m_plans[v->id] = *v;
        m_dirty = true;
        return *v;
    }

    // The membership payment of `member` for `plan`, ready to commit: the receipt and the row.
    std::expected<std::pair<core::Receipt, MembershipRow>, Problem> payment(const core::Member& m, const core::Plan& plan, std::int64_t cents,
                                                                            core::PayMeans means, core::Date day,
                                                                            std::optional<core::MemberId> actor) const {
        core::Receipt r;
        r.at = m_host.clock().now();
        r.day = day;
        r.amount_cents = cents;
        r.means = means;
        r.what = core::ReceiptFor::dues;
        r.label = plan.name;
        r.member = m.id;
        if (plan.id) r.plan = plan.id;
        r.by = actor;
        auto checked = core::validate_receipt(r);
        if (!checked) return std::unexpected(checked.error());
        MembershipRow row{m.id, plan.id ? std::optional<core::PlanId>{plan.id} : std::nullopt,
                          core::renewed_until(m.valid_until, day, plan.months), 0};
        return std::pair{*checked, row};
    }

    Result pay(const PayMembership& cmd) {
        const auto* m = m_host.directory().find(cmd.member);
        if (!m) return std::unexpected(problem("No member has the number {0}", {num(cmd.member)}));
        auto it = m_plans.find(cmd.plan);
        if (it == m_plans.end()) return std::unexpected(problem("No plan has the number {0}", {num(cmd.plan)}));
        if (!it->second.active) return std::unexpected(problem("The plan {0} is no longer offered", {it->second.name}));
        auto cents = core::plan_amount(it->second, cmd.paid_cents);
        if (!cents) return std::unexpected(cents.error());
        const auto day = today();
        if (closed(day)) return std::unexpected(closed_problem(day));
        auto p = payment(*m, it->second, *cents, cmd.means, day, cmd.actor);
        if (!p) return std::unexpected(p.error());
        MoneyChanges ch;
        ch.receipts.push_back(p->first);
        ch.memberships.push_back(p->second);
        if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
        core::Member renewed = *m;
        renewed.valid_until = p->second.until;
        renewed.updated_at = m_host.clock().now();
        m_host.member_changed(renewed);
        m_renewed[renewed.id] = day;
        m_dirty = true;
        return renewed;
    }

    Result record(const RecordReceipt& cmd) {
        core::Receipt r = cmd.receipt;
        r.at = m_host.clock().now();
        r.day = today();
        r.by = cmd.actor;
        r.plan.reset();
        if (r.what == core::ReceiptFor::dues) return std::unexpected(problem("Membership dues are recorded with the member's plan (membership pay)"));
        if (r.member && !m_host.directory().find(*r.member)) return std::unexpected(problem("No member has the number {0}", {num(*r.member)}));
        auto checked = core::validate_receipt(r);
        if (!checked) return std::unexpected(checked.error());
        if (closed(checked->day)) return std::unexpected(closed_problem(checked->day));
        MoneyChanges ch;
        ch.receipts.push_back(*checked);
        auto ids = commit(ch, cmd.actor);
        if (!ids) return std::unexpected(ids.error());
        checked->id = ids->front();
        return *checked;
    }

    Result correct(const CorrectReceipt& cmd) {
        auto line = m_host.store().find_receipt(cmd.receipt, false);
        if (!line) return m_host.failed(line.error());
        if (!*line) return std::unexpected(problem("No line of the journal has the number {0}", {num(cmd.receipt)}));
        if ((*line)->corrects) return std::unexpected(problem("Line {0} is itself a correction", {num(cmd.receipt)}));
        auto done = m_host.store().find_receipt(cmd.receipt, true);
        if (!done) return m_host.failed(done.error());
        if (*done) return std::unexpected(problem("Line {0} was already corrected by line {1}", {num(cmd.receipt), num((*done)->id)}));
        core::Receipt r = **line;
        r.id = 0;
        r.at = m_host.clock().now();
        r.day = today();
        r.amount_cents = -r.amount_cents;
        r.corrects = cmd.receipt;
        r.by = cmd.actor;
        r.external_ref.clear();
        r.note = cmd.reason.substr(0, core::kMaxReceiptText);
        if (closed(r.day)) return std::unexpected(closed_problem(r.day));
        MoneyChanges ch;
        ch.receipts.push_back(r);
        auto ids = commit(ch, cmd.actor);
        if (!ids) return std::unexpected(ids.error());
        r.id = ids->front();
        return r;
    }

    Result journal(core::Date day) {
        if (!day.ok()) return std::unexpected(problem("\"{0}\" is not a date", {core::format_date(day)}));
        auto lines = m_host.store().receipts_between(day, day);
        if (!lines) return m_host.failed(lines.error());
        JournalDay j;
        j.day = day;
        j.totals = core::closing_of(day, *lines);
        j.lines = std::move(*lines);
        if (closed(day)) {
            auto k = m_host.store().closing(day);
            if (!k) return m_host.failed(k.error());
            j.closing = *k;
        }
        return j;
    }

    Result close(const CloseDay& cmd) {
        if (!cmd.day.ok()) return std::unexpected(problem("\"{0}\" is not a date", {core::format_date(cmd.day)}));
        if (closed(cmd.day)) return std::unexpected(problem("The day {0} was closed already: its totals are final", {core::format_date(cmd.day)}));
        if (after(cmd.day, today())) return std::unexpected(problem("The day {0} has not come yet", {core::format_date(cmd.day)}));
        auto lines = m_host.store().receipts_between(cmd.day, cmd.day);
        if (!lines) return m_host.failed(lines.error());
        core::Closing k = core::closing_of(cmd.day, *lines);
        k.confirmed_at = m_host.clock().now();
        k.by = cmd.actor;
        MoneyChanges ch;
        ch.closing = k;
        ch.events.push_back({"closing.confirmed", "closing:" + core::format_date(cmd.day), {{"lines", num(k.lines)}, {"total", num(k.total_cents)}}});
        if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
        m_closed.insert(day_key(cmd.day));
        return k;
    }

    Result between(const ReceiptsBetween& cmd) {
        if (!cmd.from.ok() || !cmd.to.ok()) return std::unexpected(problem("\"{0}\" is not a date", {core::format_date(cmd.from.ok() ? cmd.to : cmd.from)}));
        if (after(cmd.from, cmd.to)) return std::unexpected(problem("The period ends before it starts"));
        auto lines = m_host.store().receipts_between(cmd.from, cmd.to);
        if (!lines) return m_host.failed(lines.error());
        return ReceiptList{std::move(*lines)};
    }

    // A payer of the export among the members: by e-mail, then by name ("first last" or
    // "last first", case and accents ignored); none when nobody or several match.
    const core::Member* match(const core::HelloAssoPayment& p) const {
        const Directory& dir = m_host.directory();
        const core::Member* found = nullptr;
        int n = 0;
        if (!p.email.empty()) {
            for (const auto& [id, m] : dir.members)
                if (m.email && *m.email == p.email) found = &m, ++n;
            if (n == 1) return found;
            if (n > 1) return nullptr;
        }
        const auto a = folded(p.first_name + p.last_name), b = folded(p.last_name + p.first_name);
        if (a.empty()) return nullptr;
        for (const auto& [id, m] : dir.members) {
            const auto f = folded(m.display_name);
            if (f == a || f == b) found = &m, ++n;
        }
        return n == 1 ? found : nullptr;
    }

    Result import(const ImportHelloAsso& cmd) {
        std::vector<std::string> refs;
        for (const auto& p : cmd.payments) refs.push_back("helloasso:" + p.reference);
        auto known = m_host.store().known_references(refs);
        if (!known) return m_host.failed(known.error());
        const std::set<std::string> before(known->begin(), known->end());
        HelloAssoSummary out;
        MoneyChanges ch;
        std::map<core::MemberId, core::Member> renewed;  // a member paid twice in one file: both count
        for (const auto& p : cmd.payments) {
            const std::string ref = "helloasso:" + p.reference;
            if (before.contains(ref)) {
                out.already.push_back(p.reference);
                continue;
            }
            const core::Member* m = nullptr;
            if (const auto chosen = cmd.attach.find(p.reference); chosen != cmd.attach.end()) {
                m = m_host.directory().find(chosen->second);
                if (!m) return std::unexpected(problem("Line {0}: no member has the number {1}", {num(static_cast<std::int64_t>(p.line)), num(chosen->second)}));
            } else {
                m = match(p);
            }
            if (!m) {
                out.unmatched.push_back(p);
                continue;
            }
            if (closed(p.day)) return std::unexpected(problem("Line {0}: the day {1} is closed", {num(static_cast<std::int64_t>(p.line)), core::format_date(p.day)}));
            // The plan by its name; none known: a year, with the export's tariff as the label.
            core::Plan plan;
            plan.name = p.plan.empty() ? "HelloAsso" : p.plan;
            plan.months = 12;
            for (const auto& [id, known_plan] : m_plans)
                if (folded(known_plan.name) == folded(p.plan)) plan = known_plan;
            core::Member current = renewed.contains(m->id) ? renewed[m->id] : *m;
            auto pay = payment(current, plan, p.amount_cents, core::PayMeans::helloasso, p.day, cmd.actor);
            if (!pay) return std::unexpected(pay.error());
            pay->first.external_ref = ref;
            pay->second.receipt = ch.receipts.size();
            ch.receipts.push_back(pay->first);
            ch.memberships.push_back(pay->second);
            current.valid_until = pay->second.until;
            renewed[m->id] = current;
            out.renewed.push_back({m->id, p.reference, pay->second.until});
        }
        if (!ch.receipts.empty())
            if (auto r = commit(ch, cmd.actor); !r) return std::unexpected(r.error());
        for (auto& [id, m] : renewed) {
            m.updated_at = m_host.clock().now();
            m_host.member_changed(m);
            m_renewed[id] = today();
            m_dirty = true;
        }
        return out;
    }

    FeatureHost& m_host;
    std::map<core::PlanId, core::Plan> m_plans;
    std::set<std::int64_t> m_closed;
    std::map<core::MemberId, core::Date> m_renewed;  // MoneyView::renewed
    core::PlanId m_max_plan = 0;
    std::shared_ptr<const MoneyView> m_view;
    bool m_dirty = true;
};

}  // namespace

std::unique_ptr<Feature> MoneyFeature::make(Station& station, FeatureHost& host) {
    return std::make_unique<MoneyFeatureImpl>(station, host);
}

}  // namespace etabli::app
