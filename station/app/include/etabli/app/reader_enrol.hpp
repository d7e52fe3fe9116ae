// Enrolling a badge reader from the kiosk: the port through which the Station asks the
// hardware side to bind "the next device on which a badge types digits and Enter" to a role
// and write it to etabli.toml. The kiosk never touches hw: it sends StartReaderEnrolment, the
// station calls this port, the port's side answers with a ReaderEnrolled command, and the
// hosts' device panel reads Snapshot::reader_enrolment.
// Layer: app (interface only; station/cli implements it over hw's capture).
#pragma once

#include <etabli/core/config.hpp>

#include <chrono>
#include <cstdint>

namespace etabli::app {

class ReaderEnroller {
public:
    virtual ~ReaderEnroller() = default;
    // Called on the station thread; must not block (start a thread, return). Listens for up to
    // `timeout`, then posts exactly one ReaderEnrolled{attempt, …} to the station: the device
    // bound and written, or why not (nothing readable, timeout, not a USB device, the file
    // cannot be written). A new start() replaces an attempt still running.
    virtual void start(std::uint64_t attempt, const core::ReaderRole& role, std::chrono::seconds timeout) = 0;
    // Stops listening (station thread, must not block for long). A ReaderEnrolled of the
    // cancelled attempt may still arrive: the station ignores answers of attempts it no longer
    // waits for.
    virtual void cancel() = 0;
};

}  // namespace etabli::app
