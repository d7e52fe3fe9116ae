// Enrolling a badge reader from the hosts' device panel: "Enrol a reader" → the role
// (the kiosk, one of the machines, the tool scanner) → "Tap a badge on the reader to enrol" →
// the next device on which a badge types digits and Enter is bound to that role and written to
// etabli.toml, or a translated error; 60 s at most, with a cancel button. The kiosk only sends
// StartReaderEnrolment / CancelReaderEnrolment and reads Snapshot::reader_enrolment: the
// capture itself is hw's, behind the station's ReaderEnroller port.
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <string>

namespace etabli::gui {

struct ReaderEnrolView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host
    const app::Snapshot* snap = nullptr;
};

struct ReaderEnrolUi {
    enum class Phase { choose, waiting, finished };
    Phase phase = Phase::choose;
    std::string role;            // "kiosk", "machine:NAME", "scanner"
    std::uint64_t pending = 0;   // the StartReaderEnrolment waiting for its reply
    std::uint64_t attempt = 0;   // the station's attempt this screen follows
    std::string message;         // a refusal of the start
    int page = 0;                // of the role choice
};

// Draws the current phase inside the content area. Returns true when the host leaves (back to
// the device panel); an enrolment still waiting is cancelled then.
bool draw_reader_enrol(const ReaderEnrolView& v, ReaderEnrolUi& ui, Commands& out);

}  // namespace etabli::gui
