// The shape of a feature. A feature of the station (tools, repairs, trainings, skills,
// the machine controllers, the readers…) is one class behind this interface: how it loads its
// rows at start, handles its own commands, claims a badge tapped at the kiosk, runs its
// deadlines, and publishes its part of the snapshot. Features are registered in one place,
// app/features.hpp: a new feature adds its files (a header with its commands, its Part and
// its descriptor; a .cpp with its class) and one line there, and edits no shared class.
//
// The Station calls every hook on its own thread, in registration order: load() at start
// (after the members and the allocation engine), handle() for the commands the feature's
// descriptor lists, claim_tap() for a badge at the kiosk's reader (the first feature that
// claims it decides; the member's check-in or check-out comes last), housekeeping() at
// every turn, publish() for every snapshot. What a feature may use of the station is its
// FeatureHost. Layer: app. Included by station.hpp (which defines Command and Result first).
#pragma once

#include <etabli/app/ports.hpp>

#include <expected>
#include <optional>
#include <string>

namespace etabli::app {

struct Snapshot;

// A badge at the kiosk's own reader, as the claimants see it.
struct KioskTap {
    std::string uid;                        // normalised
    const core::Badge* badge = nullptr;     // the badge with that number, if enrolled (any status)
    const core::Member* member = nullptr;   // its member when the badge is active
    core::Timestamp at{};
};

// What a claimant did with a tap: which capture took it (shown by the kiosk as decided) and
// the command's result.
struct Claimed {
    TapClaim claim = TapClaim::presence;
    Result result;
};

// What the Station lends its features. Station thread only.
class FeatureHost {
public:
    virtual Store& store() = 0;
    virtual const Clock& clock() const = 0;
    virtual const Calendar& calendar() const = 0;
    virtual const Directory& directory() const = 0;
    virtual const core::Presence* open_presence(core::MemberId member) const = 0;
    virtual alloc::Engine* engine() = 0;
    // A member's record changed by a feature's own transaction (a membership paid): the
    // directory takes it, and the next snapshot shows it.
    virtual void member_changed(const core::Member& m) = 0;
    // A write failed: nothing changed in memory, hosts see the problem on the kiosk. Returns
    // the failure to give back to the command's caller.
    virtual Result failed(Problem p) = 0;

protected:
    ~FeatureHost() = default;
};

class Feature {
public:
    virtual ~Feature() = default;
    // At start; a failure stops the start with that Problem.
    virtual std::expected<void, Problem> load() { return {}; }
    // One of the commands of the feature's descriptor (never another).
    virtual Result handle(const Command& c) = 0;
    // A badge at the kiosk's reader: a result when the feature takes it (it then checks
    // nobody in or out), none to let the next claimant have it.
    virtual std::optional<Claimed> claim_tap(const KioskTap&) { return std::nullopt; }
    // Deadlines due at `now`; true when the snapshot must be published again.
    virtual bool housekeeping(core::Timestamp) { return false; }
    // Its part of a new snapshot (its Part in Snapshot::parts, or the fields it owns).
    virtual void publish(Snapshot&) {}
    // Events of the station's core: allocation changes committed; a member checked out.
    virtual void after_alloc(const alloc::Changes&) {}
    virtual void checked_out(core::MemberId) {}
};

}  // namespace etabli::app
