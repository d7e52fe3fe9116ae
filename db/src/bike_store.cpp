// SqlStore, the bike register: the tables of db/migrations/017_bikes.sql, loaded whole at
// start and written one use case per transaction with the events the station named.
// Layer: db. Thread: the station thread (or the CLI's main thread before a Station exists).
//
// Event log: bike:N  bike.added, bike.changed, bike.marked, bike.checked, bike.notified,
//                    bike.left, bike.declared
//            bike_part:N  bike.part_taken, bike.part_fitted
// Details hold ids, states and days only: never a buyer's name, phone, e-mail or address.
//
// [SECTION] Index
//   [Readers]  one row → one core record
//   [Load]     load_bikes
//   [Commit]   commit_bikes
#include <etabli/db/sql_store.hpp>

#include "receipt_rows.hpp"
#include "store_support.hpp"

#include <map>

namespace etabli::db {

using core::Timestamp;
using namespace store_support;

namespace {

#define ETABLI_BIKE_COLUMNS                                                                                          \
    "id, intake_day, origin, from_member_id, from_text, type, brand, model, colour, wheel_size, frame_size, "        \
    "frame_serial, condition, note, marking, marking_check, marking_checked_by, marking_checked_on, owner_notified_on, " \
    "status, created_at, updated_at, marked_here"
#define ETABLI_DEPARTURE_COLUMNS                                                                                     \
    "bike_id, kind, day, has_buyer, buyer_surname, buyer_first_name, buyer_phone, buyer_email, buyer_address, "     \
    "price_kind, price_cents, by_member_id, declared_at, purged_at"
#define ETABLI_PART_COLUMNS "id, from_bike_id, to_bike_id, part, day, by_member_id"

// [Readers] --------------------------------------------------------------------------------
std::expected<core::Date, Problem> read_day(const Statement& st, int col, std::string_view table, std::string_view key,
                                            std::string_view column) {
    const auto text = st.column_text(col);
    auto d = core::parse_date(text);
    if (!d) return std::unexpected(bad_row(table, key, column, text));
    return *d;
}
std::expected<std::optional<core::Date>, Problem> read_opt_day(const Statement& st, int col, std::string_view table,
                                                               std::string_view key, std::string_view column) {
    if (st.is_null(col)) return std::optional<core::Date>{};
    ETABLI_TRY(d, read_day(st, col, table, key, column));
    return std::optional<core::Date>{*d};
}

std::expected<core::Bike, Problem> read_bike(const Statement& st) {
    core::Bike b;
    b.id = st.column_int(0);
    const auto key = std::to_string(b.id);
    ETABLI_TRY(intake, read_day(st, 1, "bikes", key, "intake_day"));
    b.intake_day = *intake;
    ETABLI_TRY(origin, read_enum<core::BikeOrigin>(st, 2, "bikes", key, "origin", core::bike_origin_from_string));
    b.origin = *origin;
    if (!st.is_null(3)) b.from_member = st.column_int(3);
    b.from_text = st.column_text(4);
    ETABLI_TRY(type, read_enum<core::BikeType>(st, 5, "bikes", key, "type", core::bike_type_from_string));
    b.type = *type;
    b.brand = st.column_text(6);
    b.model = st.column_text(7);
    b.colour = st.column_text(8);
    b.wheel_size = st.column_text(9);
    b.frame_size = st.column_text(10);
    b.frame_serial = st.column_text(11);
    ETABLI_TRY(condition, read_enum<core::BikeCondition>(st, 12, "bikes", key, "condition", core::bike_condition_from_string));
    b.condition = *condition;
    b.note = st.column_text(13);
    b.marking = st.column_optional_text(14).value_or("");
    ETABLI_TRY(check, read_enum<core::MarkingCheck>(st, 15, "bikes", key, "marking_check", core::marking_check_from_string));
    b.marking_check = *check;
    if (!st.is_null(16)) b.marking_checked_by = st.column_int(16);
    ETABLI_TRY(checked, read_opt_day(st, 17, "bikes", key, "marking_checked_on"));
    b.marking_checked_on = *checked;
    ETABLI_TRY(notified, read_opt_day(st, 18, "bikes", key, "owner_notified_on"));
    b.owner_notified_on = *notified;
    ETABLI_TRY(status, read_enum<core::BikeStatus>(st, 19, "bikes", key, "status", core::bike_status_from_string));
    b.status = *status;
    ETABLI_TRY(created, read_ts(st, 20, "bikes", key, "created_at"));
    ETABLI_TRY(updated, read_ts(st, 21, "bikes", key, "updated_at"));
    b.created_at = *created;
    b.updated_at = *updated;
    b.marked_here = st.column_int(22) != 0;
    return b;
}

std::expected<std::pair<core::BikeId, core::BikeDeparture>, Problem> read_departure(const Statement& st) {
    core::BikeDeparture d;
    const core::BikeId bike = st.column_int(0);
    const auto key = std::to_string(bike);
    ETABLI_TRY(kind, read_enum<core::BikeStatus>(st, 1, "bike_departures", key, "kind", core::bike_status_from_string));
    if (*kind == core::BikeStatus::in_stock) return std::unexpected(bad_row("bike_departures", key, "kind", "in_stock"));
    d.kind = *kind;
    ETABLI_TRY(day, read_day(st, 2, "bike_departures", key, "day"));
    d.day = *day;
    if (st.column_int(3) != 0)
        d.buyer = core::Buyer{st.column_text(4), st.column_text(5), st.column_text(6), st.column_text(7), st.column_text(8)};
    ETABLI_TRY(price, read_enum<core::PriceKind>(st, 9, "bike_departures", key, "price_kind", core::price_kind_from_string));
    d.price_kind = *price;
    d.price_cents = st.column_int(10);
    if (!st.is_null(11)) d.by = st.column_int(11);
    ETABLI_TRY(declared, read_opt_ts(st, 12, "bike_departures", key, "declared_at"));
    d.declared_at = *declared;
    ETABLI_TRY(purged, read_opt_ts(st, 13, "bike_departures", key, "purged_at"));
    d.purged_at = *purged;
    return std::pair{bike, std::move(d)};
}

std::expected<core::BikePart, Problem> read_part(const Statement& st) {
    core::BikePart p;
    p.id = st.column_int(0);
    p.from = st.column_int(1);
    if (!st.is_null(2)) p.to = st.column_int(2);
    p.part = st.column_text(3);
    ETABLI_TRY(day, read_day(st, 4, "bike_parts", std::to_string(p.id), "day"));
    p.day = *day;
    if (!st.is_null(5)) p.by = st.column_int(5);
    return p;
}

// [Commit] ---------------------------------------------------------------------------------
std::optional<std::string> opt_day(const std::optional<core::Date>& d) {
    return d ? std::optional<std::string>{core::format_date(*d)} : std::nullopt;
}

std::expected<void, Problem> write_bike(Connection& c, const core::Bike& b, Timestamp at) {
    ETABLI_TRY(st, c.cached("INSERT INTO bikes (" ETABLI_BIKE_COLUMNS ") VALUES "
                            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?21, ?22) "
                            "ON CONFLICT(id) DO UPDATE SET intake_day = excluded.intake_day, origin = excluded.origin, "
                            "from_member_id = excluded.from_member_id, from_text = excluded.from_text, type = excluded.type, "
                            "brand = excluded.brand, model = excluded.model, colour = excluded.colour, "
                            "wheel_size = excluded.wheel_size, frame_size = excluded.frame_size, "
                            "frame_serial = excluded.frame_serial, condition = excluded.condition, note = excluded.note, "
                            "marking = excluded.marking, marking_check = excluded.marking_check, "
                            "marking_checked_by = excluded.marking_checked_by, marking_checked_on = excluded.marking_checked_on, "
                            "owner_notified_on = excluded.owner_notified_on, status = excluded.status, "
                            "updated_at = excluded.updated_at, marked_here = excluded.marked_here"));
    (*st)->bind(1, b.id).bind(2, core::format_date(b.intake_day)).bind(3, core::to_string(b.origin))
        .bind(4, b.from_member).bind(5, b.from_text).bind(6, core::to_string(b.type)).bind(7, b.brand).bind(8, b.model)
        .bind(9, b.colour).bind(10, b.wheel_size).bind(11, b.frame_size).bind(12, b.frame_serial)
        .bind(13, core::to_string(b.condition)).bind(14, b.note)
        .bind(15, b.marking.empty() ? std::optional<std::string>{} : std::optional<std::string>{b.marking})
        .bind(16, core::to_string(b.marking_check)).bind(17, b.marking_checked_by).bind(18, opt_day(b.marking_checked_on))
        .bind(19, opt_day(b.owner_notified_on)).bind(20, core::to_string(b.status)).bind(21, ts(at))
        .bind(22, std::int64_t{b.marked_here ? 1 : 0});
    ETABLI_CHECK((*st)->run());
    ETABLI_TRY(del, c.cached("DELETE FROM bike_photos WHERE bike_id = ?1"));
    (*del)->bind(1, b.id);
    ETABLI_CHECK((*del)->run());
    ETABLI_TRY(photo, c.cached("INSERT INTO bike_photos (bike_id, position, photo) VALUES (?1, ?2, ?3)"));
    for (std::size_t i = 0; i < b.photos.size(); ++i) {
        (*photo)->bind(1, b.id).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, b.photos[i]);
        ETABLI_CHECK((*photo)->run());
        (*photo)->reset();
    }
    if (const auto& d = b.departure) {
        ETABLI_TRY(dep, c.cached("INSERT INTO bike_departures (" ETABLI_DEPARTURE_COLUMNS ") VALUES "
                                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
                                 "ON CONFLICT(bike_id) DO UPDATE SET declared_at = excluded.declared_at"));
        const core::Buyer none;
        const auto& buyer = d->buyer ? *d->buyer : none;
        (*dep)->bind(1, b.id).bind(2, core::to_string(d->kind)).bind(3, core::format_date(d->day))
            .bind(4, std::int64_t{d->buyer ? 1 : 0}).bind(5, buyer.surname).bind(6, buyer.first_name).bind(7, buyer.phone)
            .bind(8, buyer.email).bind(9, buyer.address).bind(10, core::to_string(d->price_kind)).bind(11, d->price_cents)
            .bind(12, d->by).bind(13, opt_ts(d->declared_at)).bind(14, opt_ts(d->purged_at));
        ETABLI_CHECK((*dep)->run());
    }
    return {};
}

std::expected<void, Problem> write_part(Connection& c, const core::BikePart& p) {
    ETABLI_TRY(st, c.cached("INSERT INTO bike_parts (" ETABLI_PART_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                            "ON CONFLICT(id) DO UPDATE SET to_bike_id = excluded.to_bike_id"));
    (*st)->bind(1, p.id).bind(2, p.from).bind(3, p.to).bind(4, p.part).bind(5, core::format_date(p.day)).bind(6, p.by);
    return (*st)->run();
}

}  // namespace

// [Load] -----------------------------------------------------------------------------------
std::expected<app::BikeData, Problem> SqlStore::load_bikes() {
    return guarded([&]() -> std::expected<app::BikeData, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn, Transaction::Kind::read));
        app::BikeData d;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_BIKE_COLUMNS " FROM bikes ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::Bike>(*st, read_bike));
            d.bikes = std::move(*rows);
        }
        std::map<core::BikeId, core::Bike*> by_id;
        for (auto& b : d.bikes) by_id[b.id] = &b;
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT bike_id, photo FROM bike_photos ORDER BY bike_id, position"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                if (auto it = by_id.find(st->column_int(0)); it != by_id.end()) it->second->photos.push_back(st->column_text(1));
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_DEPARTURE_COLUMNS " FROM bike_departures ORDER BY bike_id"));
            for (;;) {
                ETABLI_TRY(row, st->step());
                if (!*row) break;
                ETABLI_TRY(dep, read_departure(*st));
                auto it = by_id.find(dep->first);
                if (it == by_id.end()) return std::unexpected(bad_row("bike_departures", std::to_string(dep->first), "bike_id", "no such bike"));
                it->second->departure = std::move(dep->second);
            }
        }
        {
            ETABLI_TRY(st, m_conn.prepare("SELECT " ETABLI_PART_COLUMNS " FROM bike_parts ORDER BY id"));
            ETABLI_TRY(rows, read_all<core::BikePart>(*st, read_part));
            d.parts = std::move(*rows);
        }
        ETABLI_CHECK(tx->commit());  // the ids' floors after the read (PostgreSQL takes blocks)
        ETABLI_TRY(mb, id_floor("bikes"));
        ETABLI_TRY(mp, id_floor("bike_parts"));
        d.max_bike_id = *mb;
        d.max_part_id = *mp;
        return d;
    });
}

// [Commit] ---------------------------------------------------------------------------------
std::expected<void, Problem> SqlStore::commit_bikes(const app::BikeChanges& c, std::optional<core::MemberId> actor, Timestamp at) {
    return guarded([&]() -> std::expected<void, Problem> {
        ETABLI_TRY(tx, Transaction::begin(m_conn));
        for (const auto& b : c.bikes) ETABLI_CHECK(write_bike(m_conn, b, at));
        for (const auto& p : c.parts) ETABLI_CHECK(write_part(m_conn, p));
        for (const auto& r : c.receipts) ETABLI_CHECK(receipt_rows::insert(m_conn, r));
        for (const auto& e : c.events) {
            Detail d;
            for (const auto& [k, v] : e.detail) d.add(k, v);
            ETABLI_CHECK(append_event(m_conn, at, actor, e.kind, e.subject, d));
        }
        return tx->commit();
    });
}

}  // namespace etabli::db
