// The form of a PIN: 4 to 8 ASCII digits. The kiosk's pad, the command line and the
// store all check it with this one rule; how a PIN is kept is db/pin.hpp's.
// Layer: core (pure). Any thread.
#pragma once

#include <etabli/core/i18n.hpp>
#include <etabli/core/problem.hpp>

#include <optional>
#include <string_view>

namespace etabli::core {

inline constexpr std::size_t kPinMin = 4, kPinMax = 8;
inline constexpr int kPinTries = 5;  // wrong PINs before a lockout
inline constexpr const char* kPinForm = N_("A PIN is 4 to 8 digits");
inline constexpr const char* kPinTriesLeft = N_("Wrong PIN: {0} tries left");

// None when `pin` is 4 to 8 ASCII digits; else why not (translated msgid).
inline std::optional<Problem> check_pin_form(std::string_view pin) {
    if (pin.size() < kPinMin || pin.size() > kPinMax) return problem(kPinForm);
    for (char ch : pin)
        if (ch < '0' || ch > '9') return problem(kPinForm);
    return std::nullopt;
}

}  // namespace etabli::core
