// The bike register: the commands are in app/bikes.hpp, the feature in station_bikes.cpp
// (the first feature written as a Feature of its own). Layer: app.
#pragma once

#include <etabli/app/bikes.hpp>
#include <etabli/app/feature_fwd.hpp>

namespace etabli::app {

// The feature's descriptor (registered in features.hpp).
struct BikesFeature {
    using commands = type_list<AddBike, EditBike, MoveBikePart, FitBikePart, BikeLeaves, ShowBike, BikesToDeclare,
                               MarkBikesDeclared>;
    using Part = BikesView;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
