// The funders' pack from the kiosk: the commands and the part are in app/report.hpp, the
// feature in station_report.cpp. Layer: app.
#pragma once

#include <etabli/app/feature_fwd.hpp>
#include <etabli/app/report.hpp>

namespace etabli::app {

// The feature's descriptor (registered in features.hpp).
struct ReportFeature {
    using commands = type_list<AskYearReport, ReportWriterReady, YearReportWritten>;
    using Part = ReportView;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
