// The last command the kiosk sent, as the type the test expects (REQUIREd): the bike,
// payment and report screens' tests read what a tap sent. Test-only. Test thread.
#pragma once

#include "harness.hpp"

namespace {

template <class T>
const T& last_sent(const Harness& h) {
    REQUIRE(!h.out.empty());
    const auto* c = std::get_if<T>(&h.out.back().first);
    REQUIRE(c != nullptr);
    return *c;
}

}  // namespace
