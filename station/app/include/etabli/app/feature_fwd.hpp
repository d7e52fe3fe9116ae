// What a feature's descriptor needs to declare itself: see feature.hpp and the one
// registry, features.hpp. Layer: app (pure).
#pragma once

#include <etabli/app/type_list.hpp>

#include <memory>

namespace etabli::app {

class Feature;
class FeatureHost;
class Station;

// The Part of a feature whose snapshot fields predate Snapshot::parts (its own named fields).
struct NoPart {};

}  // namespace etabli::app
