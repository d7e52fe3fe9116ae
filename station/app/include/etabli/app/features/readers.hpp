// The badge readers' panel and enrolling a reader from the kiosk: the feature is in station_reader_enrol.cpp.
// Layer: app. Commands are built on any thread and posted; the feature runs on the Station thread.
#pragma once

#include <etabli/app/views.hpp>
#include <etabli/app/feature_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// [Readers] Posted by hw's DeviceManager when a reader appears, goes, reads a line or
// fails: replaces the whole reader list of the snapshot.
struct DevicesChanged { std::vector<ReaderView> readers; };
// [Reader enrolment from the kiosk] handled in station_reader_enrol.cpp. A host (or the
// command line, actor empty) binds the next reader on which a badge is tapped to `role`
// ("kiosk", "machine:NAME", "scanner"); the ReaderEnroller port answers with ReaderEnrolled.
struct StartReaderEnrolment { std::string role; std::optional<core::MemberId> actor; };
struct CancelReaderEnrolment { std::optional<core::MemberId> actor; };
struct ReaderEnrolled {
    std::uint64_t attempt = 0;
    bool ok = false;
    std::string device, uid, config;  // ok: what was bound, the badge read, the file written
    core::Problem problem;            // !ok
};

// The feature's descriptor (registered in features.hpp).
struct ReadersFeature {
    using commands = type_list<DevicesChanged, StartReaderEnrolment, CancelReaderEnrolment, ReaderEnrolled>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
