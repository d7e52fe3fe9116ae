// The hosts' annual report (behind their PIN, like "Members"): the funders' pack of a year
// (this year so far, or one of the two before), written by the station service as a PDF with
// charts and a CSV into the station's export folder, which the screen names. The host picks
// the year and taps Write; the screen says while it is written, then where the files are
// with the year's key figures, or why not. The same pack as `etabli report year`.
// Reached from the hosts' Members screen ("Annual report"); Back returns there.
// Layer: gui (reads app snapshots, emits app commands). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <string>

namespace etabli::gui {

struct ReportScreenView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the host at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct ReportUi {
    int year = 0;               // 0: not chosen yet (last year)
    std::uint64_t pending = 0;  // the AskYearReport waiting for its reply
    std::uint64_t seen = 0;     // the seq of the last pack asked from this screen (0: none)
    bool asked = false;         // a pack was asked from this screen: its outcome shows
    std::string message;        // a refusal
};

// Ids under report/: back, year/<YYYY>, write, about, folder, status, figures.
Next draw_report(const ReportScreenView& v, ReportUi& ui, Commands& out);

}  // namespace etabli::gui
