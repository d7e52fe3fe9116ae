// The bike register's feature: the commands of app/bikes.hpp, every bike of the register in
// memory (with its buyer, which the snapshot leaves out) and its part of the snapshot
// (BikesView). The first feature written as a Feature of its own: it uses only what its
// FeatureHost lends and the Station's options (the marking operators).
// Layer: app. Station thread only (load() also from start(), before the thread runs).
//
// Memory follows the disk as elsewhere: a command changes memory only after its store call
// committed.
//
// [SECTION] Index
//   [State]       the bikes and parts, load
//   [Commands]    handle
//   [Publishing]  publish (buyers left out)
#include <etabli/app/features/bikes.hpp>
#include <etabli/app/station.hpp>

#include <algorithm>
#include <map>

namespace etabli::app {

using core::problem;

const core::Bike* BikesView::find(core::BikeId id) const {
    auto it = std::lower_bound(bikes.begin(), bikes.end(), id, [](const core::Bike& b, core::BikeId v) { return b.id < v; });
    return it != bikes.end() && it->id == id ? &*it : nullptr;
}

namespace {

std::string num(std::int64_t v) { return std::to_string(v); }
std::string bike_subject(core::BikeId id) { return "bike:" + num(id); }
std::string part_subject(core::BikePartId id) { return "bike_part:" + num(id); }
BikeEvent event(std::string kind, std::string subject, std::vector<std::pair<std::string, std::string>> detail = {}) {
    return BikeEvent{std::move(kind), std::move(subject), std::move(detail)};
}
bool after(core::Date a, core::Date b) { return std::chrono::sys_days{a} > std::chrono::sys_days{b}; }
bool to_rider(core::BikeStatus s) { return s == core::BikeStatus::sold || s == core::BikeStatus::given; }

class BikesFeatureImpl final : public Feature {
public:
    BikesFeatureImpl(Station& station, FeatureHost& host) : m_station(station), m_host(host) {}

    // [SECTION] State
    std::expected<void, Problem> load() override {
        auto data = m_host.store().load_bikes();
        if (!data) return std::unexpected(data.error());
        m_bikes.clear();
        m_parts.clear();
        for (auto& b : data->bikes) m_bikes.emplace(b.id, std::move(b));
        for (auto& p : data->parts) m_parts.emplace(p.id, std::move(p));
        m_max_bike = data->max_bike_id;
        m_max_part = data->max_part_id;
        m_dirty = true;
        return {};
    }

    // [SECTION] Commands
    Result handle(const Command& c) override {
        return std::visit(
            [&](const auto& cmd) -> Result {
                using T = std::decay_t<decltype(cmd)>;
                if constexpr (std::is_same_v<T, AddBike>) return add(cmd);
                else if constexpr (std::is_same_v<T, EditBike>) return edit(cmd);
                else if constexpr (std::is_same_v<T, MoveBikePart>) return move_part(cmd);
                else if constexpr (std::is_same_v<T, FitBikePart>) return fit_part(cmd);
                else if constexpr (std::is_same_v<T, BikeLeaves>) return leave(cmd);
                else if constexpr (std::is_same_v<T, ShowBike>) return show(cmd);
                else if constexpr (std::is_same_v<T, BikesToDeclare>) return to_declare(cmd);
                else if constexpr (std::is_same_v<T, MarkBikesDeclared>) return declared(cmd);
                else return std::unexpected(problem("The station failed on this request: {0}", {"bikes"}));
            },
            c);
    }

    // [SECTION] Publishing
    void publish(Snapshot& snap) override {
        if (m_dirty || !m_view) {
            auto v = std::make_shared<BikesView>();
            v->on = m_station.options().bike_register || !m_bikes.empty();
            v->bikes.reserve(m_bikes.size());
            for (const auto& [id, b] : m_bikes) {
                v->bikes.push_back(b);
                if (v->bikes.back().departure) v->bikes.back().departure->buyer.reset();
            }
            for (const auto& [id, p] : m_parts) v->parts.push_back(p);
            m_view = std::move(v);
            m_dirty = false;
        }
        std::get<feature_index_v<BikesFeature>>(snap.parts) = m_view;
    }

private:
    core::Date today() const { return m_host.calendar().local_day(m_host.clock().now()); }
    const std::vector<core::MarkingOperator>& operators() const { return m_station.options().bikes.operators; }
    Problem no_bike(core::BikeId id) const { return problem("No bike has the number {0}", {num(id)}); }
    Problem no_member(core::MemberId id) const { return problem("No member has the number {0}", {num(id)}); }

    // The identifier is on no other bike.
    std::optional<Problem> marking_taken(const std::string& marking, core::BikeId self) const {
        if (marking.empty()) return std::nullopt;
        for (const auto& [id, b] : m_bikes)
            if (id != self && b.marking == marking)
                return problem("The marking {0} is already bike {1}'s: one identifier is never on two bikes", {marking, num(id)});
        return std::nullopt;
    }
    std::optional<Problem> people(const core::Bike& b) const {
        const Directory& dir = m_host.directory();
        if (b.from_member && !dir.find(*b.from_member)) return no_member(*b.from_member);
        if (b.marking_checked_by && !dir.find(*b.marking_checked_by)) return no_member(*b.marking_checked_by);
        return std::nullopt;
    }
    Result commit(BikeChanges ch, std::optional<core::MemberId> actor) {
        if (auto r = m_host.store().commit_bikes(ch, actor, m_host.clock().now()); !r) return m_host.failed(r.error());
        return Done{};
    }
    void remember(const core::Bike& b) {
        m_bikes[b.id] = b;
        m_dirty = true;
    }

    Result add(const AddBike& cmd) {
        auto b = core::validate_bike(cmd.bike, today(), operators());
        if (!b) return std::unexpected(b.error());
        if (auto p = people(*b)) return std::unexpected(*p);
        if (auto p = marking_taken(b->marking, 0)) return std::unexpected(*p);
        const auto now = m_host.clock().now();
        b->id = m_max_bike + 1;
        b->status = core::BikeStatus::in_stock;
        b->departure.reset();
        b->created_at = b->updated_at = now;
        if (b->marking_check != core::MarkingCheck::unchecked && !b->marking_checked_by) b->marking_checked_by = cmd.actor;
        BikeChanges ch;
        ch.bikes.push_back(*b);
        ch.events.push_back(event("bike.added", bike_subject(b->id),
                                  {{"origin", std::string(core::to_string(b->origin))},
                                   {"type", std::string(core::to_string(b->type))},
                                   {"marked", b->marking.empty() ? "0" : "1"}}));
        if (auto r = commit(std::move(ch), cmd.actor); !r) return r;
        m_max_bike = b->id;
        remember(*b);
        return *b;
    }

    Result edit(const EditBike& cmd) {
        auto it = m_bikes.find(cmd.bike.id);
        if (it == m_bikes.end()) return std::unexpected(no_bike(cmd.bike.id));
        const core::Bike& was = it->second;
        core::Bike in = cmd.bike;
        if (!was.marking.empty() && core::check_marking_id(in.marking, {}).value_or(in.marking) != was.marking)
            return std::unexpected(problem("Bike {0} carries the marking {1}: a marked bike is never given a second identifier",
                                           {num(was.id), was.marking}));
        auto b = core::validate_bike(in, today(), operators());
        if (!b) return std::unexpected(b.error());
        if (auto p = people(*b)) return std::unexpected(*p);
        if (auto p = marking_taken(b->marking, b->id)) return std::unexpected(*p);
        if (!was.marking.empty()) b->marked_here = was.marked_here;  // how it came is a fact
        if (b->departure = was.departure; b->departure && b->marking != was.marking)
            return std::unexpected(problem("Bike {0} has left: its marking is recorded with its departure", {num(was.id)}));
        b->status = was.status;
        b->created_at = was.created_at;
        b->updated_at = m_host.clock().now();
        const bool check_changed = b->marking_check != was.marking_check || b->marking_checked_on != was.marking_checked_on;
        if (check_changed && b->marking_check != core::MarkingCheck::unchecked && !cmd.bike.marking_checked_by)
            b->marking_checked_by = cmd.actor;
        if (!check_changed) b->marking_checked_by = was.marking_checked_by;
        if (*b == was) return *b;
        BikeChanges ch;
        ch.bikes.push_back(*b);
        ch.events.push_back(event("bike.changed", bike_subject(b->id)));
        if (b->marking != was.marking)
            ch.events.push_back(event("bike.marked", bike_subject(b->id), {{"here", b->marked_here ? "1" : "0"}}));
        if (check_changed)
            ch.events.push_back(event("bike.checked", bike_subject(b->id), {{"check", std::string(core::to_string(b->marking_check))}}));
        if (b->owner_notified_on != was.owner_notified_on)
            ch.events.push_back(event("bike.notified", bike_subject(b->id),
                                      {{"day", b->owner_notified_on ? core::format_date(*b->owner_notified_on) : ""}}));
        if (auto r = commit(std::move(ch), cmd.actor); !r) return r;
        remember(*b);
        return *b;
    }

    // A donor: in stock, or scrapped with its parts kept.
    std::optional<Problem> donor_ok(core::BikeId id) const {
        auto it = m_bikes.find(id);
        if (it == m_bikes.end()) return no_bike(id);
        const auto s = it->second.status;
        if (s != core::BikeStatus::in_stock && s != core::BikeStatus::scrapped)
            return problem("Bike {0} has left ({1}): no part can be taken from it", {num(id), std::string(core::label(s))});
        return std::nullopt;
    }
    std::optional<Problem> receiver_ok(core::BikeId id, core::BikeId from) const {
        auto it = m_bikes.find(id);
        if (it == m_bikes.end()) return no_bike(id);
        if (id == from) return problem("A part taken from bike {0} cannot go back onto it", {num(id)});
        if (it->second.status != core::BikeStatus::in_stock)
            return problem("Bike {0} has left ({1}): no part can be fitted on it", {num(id), std::string(core::label(it->second.status))});
        return std::nullopt;
    }

    Result move_part(const MoveBikePart& cmd) {
        if (auto p = donor_ok(cmd.from)) return std::unexpected(*p);
        if (cmd.to)
            if (auto p = receiver_ok(*cmd.to, cmd.from)) return std::unexpected(*p);
        auto name = core::check_part_name(cmd.part);
        if (!name) return std::unexpected(name.error());
        core::BikePart part;
        part.id = m_max_part + 1;
        part.from = cmd.from;
        part.to = cmd.to;
        part.part = *name;
        part.day = today();
        part.by = cmd.actor;
        BikeChanges ch;
        ch.parts.push_back(part);
        ch.events.push_back(event("bike.part_taken", part_subject(part.id),
                                  {{"from", num(part.from)}, {"to", part.to ? num(*part.to) : ""}}));
        if (auto r = commit(std::move(ch), cmd.actor); !r) return r;
        m_max_part = part.id;
        m_parts[part.id] = part;
        m_dirty = true;
        return part;
    }

    Result fit_part(const FitBikePart& cmd) {
        auto it = m_parts.find(cmd.part);
        if (it == m_parts.end()) return std::unexpected(problem("No part taken from a bike has the number {0}", {num(cmd.part)}));
        if (it->second.to)
            return std::unexpected(problem("Part {0} is already on bike {1}", {num(cmd.part), num(*it->second.to)}));
        if (auto p = receiver_ok(cmd.to, it->second.from)) return std::unexpected(*p);
        core::BikePart part = it->second;
        part.to = cmd.to;
        BikeChanges ch;
        ch.parts.push_back(part);
        ch.events.push_back(event("bike.part_fitted", part_subject(part.id), {{"to", num(cmd.to)}}));
        if (auto r = commit(std::move(ch), cmd.actor); !r) return r;
        it->second = part;
        m_dirty = true;
        return part;
    }

    Result leave(const BikeLeaves& cmd) {
        auto it = m_bikes.find(cmd.bike);
        if (it == m_bikes.end()) return std::unexpected(no_bike(cmd.bike));
        core::Bike b = it->second;
        if (!cmd.marking.empty()) {
            auto id = core::check_marking_id(cmd.marking, operators());
            if (!id) return std::unexpected(id.error());
            if (!b.marking.empty() && *id != b.marking)
                return std::unexpected(problem("Bike {0} carries the marking {1}: a marked bike is never given a second identifier",
                                               {num(b.id), b.marking}));
            if (b.marking.empty()) {
                if (auto p = marking_taken(*id, b.id)) return std::unexpected(*p);
                b.marking = *id;
                b.marked_here = true;  // engraved at the workshop for this departure
            }
        }
        core::BikeDeparture d = cmd.departure;
        if (d.day == core::Date{}) d.day = today();
        if (after(d.day, today())) return std::unexpected(problem("The day a bike leaves cannot be after today"));
        auto checked = core::check_departure(b, d);
        if (!checked) return std::unexpected(checked.error());
        checked->by = cmd.actor;
        std::optional<core::Receipt> paid;
        if (cmd.means && checked->kind == core::BikeStatus::sold) {
            auto closing = m_host.store().closing(checked->day);
            if (!closing) return m_host.failed(closing.error());
            if (*closing)
                return std::unexpected(problem("The day {0} is closed: record it on another day, or correct a line", {core::format_date(checked->day)}));
            core::Receipt r;
            r.at = m_host.clock().now();
            r.day = checked->day;
            r.amount_cents = checked->price_cents;
            r.means = *cmd.means;
            r.what = core::ReceiptFor::bike;
            r.label = "Vélo n° " + num(b.id);
            r.bike = b.id;
            r.by = cmd.actor;
            auto valid = core::validate_receipt(r);
            if (!valid) return std::unexpected(valid.error());
            paid = *valid;
        }
        b.status = checked->kind;
        b.departure = *checked;
        b.updated_at = m_host.clock().now();
        BikeChanges ch;
        ch.bikes.push_back(b);
        if (paid) ch.receipts.push_back(*paid);
        if (b.marking != it->second.marking) ch.events.push_back(event("bike.marked", bike_subject(b.id), {{"here", "1"}}));
        ch.events.push_back(event("bike.left", bike_subject(b.id),
                                  {{"kind", std::string(core::to_string(checked->kind))},
                                   {"day", core::format_date(checked->day)},
                                   {"price_kind", std::string(core::to_string(checked->price_kind))},
                                   {"price_cents", num(checked->price_cents)}}));
        if (auto r = commit(std::move(ch), cmd.actor); !r) return r;
        remember(b);
        return b;
    }

    Result show(const ShowBike& cmd) {
        auto it = m_bikes.find(cmd.bike);
        if (it == m_bikes.end()) return std::unexpected(no_bike(cmd.bike));
        BikeRecord rec;
        rec.bike = it->second;
        for (const auto& [id, p] : m_parts) {
            if (p.from == cmd.bike) rec.parts_taken.push_back(p);
            if (p.to == cmd.bike) rec.parts_fitted.push_back(p);
        }
        auto repairs = m_host.store().bike_repairs(cmd.bike);
        if (!repairs) return m_host.failed(repairs.error());
        rec.repairs = std::move(*repairs);
        return rec;
    }

    static bool declarable(const core::Bike& b) {
        return to_rider(b.status) && !b.marking.empty() && b.departure && b.departure->buyer;
    }

    Result to_declare(const BikesToDeclare& cmd) {
        BikeList out;
        for (const auto& [id, b] : m_bikes)
            if (declarable(b) && (cmd.again || !b.departure->declared_at)) out.bikes.push_back(b);
        return out;
    }

    Result declared(const MarkBikesDeclared& cmd) {
        if (cmd.bikes.empty()) return std::unexpected(problem("No bike to mark as declared"));
        const auto now = m_host.clock().now();
        BikeChanges ch;
        for (const auto id : cmd.bikes) {
            auto it = m_bikes.find(id);
            if (it == m_bikes.end()) return std::unexpected(no_bike(id));
            if (!declarable(it->second))
                return std::unexpected(problem("Bike {0} has nothing to declare: it was not sold or given with a marking, or its rider's data is gone",
                                               {num(id)}));
            core::Bike b = it->second;
            b.departure->declared_at = now;
            ch.bikes.push_back(b);
            ch.events.push_back(event("bike.declared", bike_subject(id)));
        }
        if (auto r = commit(ch, cmd.actor); !r) return r;
        for (const auto& b : ch.bikes) remember(b);
        return Done{};
    }

    Station& m_station;
    FeatureHost& m_host;
    std::map<core::BikeId, core::Bike> m_bikes;
    std::map<core::BikePartId, core::BikePart> m_parts;
    core::BikeId m_max_bike = 0;
    core::BikePartId m_max_part = 0;
    std::shared_ptr<const BikesView> m_view;
    bool m_dirty = true;
};

}  // namespace

std::unique_ptr<Feature> BikesFeature::make(Station& station, FeatureHost& host) {
    return std::make_unique<BikesFeatureImpl>(station, host);
}

}  // namespace etabli::app
