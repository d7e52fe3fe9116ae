// The bike register as the app layer sees it: the data the Store loads and commits
// (BikeData, BikeChanges), the Station commands (handled by the bikes feature,
// station_bikes.cpp) and the snapshot part the kiosk and the command line read (BikesView).
// Layer: app. Commands are built on any thread and posted; BikesView is built on the station
// thread and then read-only, shared between snapshots.
#pragma once

#include <etabli/core/bikes.hpp>
#include <etabli/core/money.hpp>
#include <etabli/core/repair.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace etabli::app {

// [Store data]
// Every bike of the register (3,000 over ten years is a small table), with its departure
// and photos, every part moved, the id counters.
struct BikeData {
    std::vector<core::Bike> bikes;      // by id
    std::vector<core::BikePart> parts;  // by id
    core::BikeId max_bike_id = 0;
    core::BikePartId max_part_id = 0;
};
// One event of the log ("bike.added", subject "bike:12"); details hold ids and states only,
// never a buyer's data.
struct BikeEvent {
    std::string kind;
    std::string subject;
    std::vector<std::pair<std::string, std::string>> detail;
};
// One use case in one transaction: bikes upserted by id (photos replaced whole, the departure
// written when there is one), parts upserted by id, events appended.
struct BikeChanges {
    std::vector<core::Bike> bikes;
    std::vector<core::BikePart> parts;
    std::vector<core::Receipt> receipts;  // a sale's payment, in the journal (ids from the database)
    std::vector<BikeEvent> events;
};

// [Commands] `actor` empty: the command line (trusted, acts as an admin).
// A volunteer takes a bike in; its number is chosen by the station (the next one).
struct AddBike { core::Bike bike; std::optional<core::MemberId> actor; };
// A volunteer corrects a bike's description, its marking's check or its owner's notice.
// `bike` is the whole bike as it should be; its status and departure are the station's. A
// marking once set is never replaced by another.
struct EditBike { core::Bike bike; std::optional<core::MemberId> actor; };
// A part taken from bike `from` (in stock or scrapped), fitted on `to` (in stock) when given.
struct MoveBikePart { core::BikeId from = 0; std::optional<core::BikeId> to; std::string part; std::optional<core::MemberId> actor; };
// A part taken earlier and kept aside is now fitted on `to`.
struct FitBikePart { core::BikePartId part = 0; core::BikeId to = 0; std::optional<core::MemberId> actor; };
// The bike leaves: sold, given, scrapped or returned to its owner. `marking`: an identifier
// engraved at the sale, when the bike had none.
struct BikeLeaves {
    core::BikeId bike = 0;
    core::BikeDeparture departure;
    std::string marking;
    std::optional<core::PayMeans> means;  // a sale: how it was paid, written in the receipts journal
    std::optional<core::MemberId> actor;
};
// One bike with its buyer (the snapshot leaves buyers out), its parts and its repairs.
struct ShowBike { core::BikeId bike = 0; std::optional<core::MemberId> actor; };
// The bikes sold or given with a marking whose declaration to the operator was not written
// yet (`again`: also those already declared, whose buyer is still kept), with their buyers.
struct BikesToDeclare { bool again = false; std::optional<core::MemberId> actor; };
// The operator's CSV listing these bikes was written: they are marked declared.
struct MarkBikesDeclared { std::vector<core::BikeId> bikes; std::optional<core::MemberId> actor; };

// What ShowBike returns.
struct BikeRecord {
    core::Bike bike;
    std::vector<core::BikePart> parts_taken;   // from this bike
    std::vector<core::BikePart> parts_fitted;  // onto this bike
    std::vector<core::Repair> repairs;         // logged on it, oldest first
};
// What BikesToDeclare returns (bikes with their departure and buyer).
struct BikeList { std::vector<core::Bike> bikes; };

// [Snapshot part] Every bike, its departure without the buyer (buyer data is read through
// ShowBike), and every part moved.
struct BikesView {
    bool on = false;  // the workshop keeps a register ([bikes] in etabli.toml, or bikes stored)
    std::vector<core::Bike> bikes;      // by id
    std::vector<core::BikePart> parts;  // by id
    const core::Bike* find(core::BikeId id) const;
};

}  // namespace etabli::app
