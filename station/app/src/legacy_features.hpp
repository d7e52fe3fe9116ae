// The features written before the feature registry, as Station members (station_controllers.cpp,
// station_reader_enrol.cpp, station_repairs.cpp, station_tools.cpp, station_skills.cpp,
// station_know.cpp): each file also defines its feature's class here, a thin Feature over its
// members, so that the Station calls them only through the registry (features.hpp). A new
// feature does not use this: it is a Feature of its own, with what FeatureHost lends it.
// Layer: app (private to station/app/src).
#pragma once

#include <etabli/app/station.hpp>

namespace etabli::app {

struct LegacyFeatures {
    static std::unique_ptr<Feature> controllers(Station& s);
    static std::unique_ptr<Feature> readers(Station& s);
    static std::unique_ptr<Feature> repairs(Station& s);
    static std::unique_ptr<Feature> tools(Station& s);
    static std::unique_ptr<Feature> skills(Station& s);
    static std::unique_ptr<Feature> know(Station& s);
};

}  // namespace etabli::app
