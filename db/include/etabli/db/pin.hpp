// Hosts' and admins' PINs, the storage side: 4 to 8 digits, kept as Argon2id
// (libsodium's crypto_pwhash, its own parameters in the stored text) of an HMAC of the PIN
// keyed by the installation's pepper (privacy.hpp). A copied database alone cannot be
// brute-forced offline: without the pepper, even the 10^8 PINs of 8 digits cannot be tried.
// The lockout rule (how long after how many lockouts) is pin_lockout(). The Station's use of
// them (host sessions, the kiosk's pad, the lockout itself) is to come.
// Layer: db. Any thread (a hash takes about a fifth of a second: never on the GUI thread).
#pragma once

#include <etabli/core/pin.hpp>
#include <etabli/core/problem.hpp>

#include <chrono>
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace etabli::db {

// The cost of one PIN check: tuned so that a check stays under 300 ms on the kiosk PC
// (bench_pin prints it), and memory-hard enough that a GPU gains little.
struct PinLimits {
    unsigned long long ops = 3;
    std::size_t mem_bytes = std::size_t{64} << 20;
};

using core::check_pin_form;  // 4 to 8 ASCII digits (core/pin.hpp)

// The text to store (crypto_pwhash_str, Argon2id): refused when the form is wrong.
std::expected<std::string, core::Problem> hash_pin(std::string_view pin, const std::string& pepper, PinLimits limits = {});

// Whether `pin` is the one `stored` was made from, under `pepper`. A damaged text: false.
bool verify_pin(const std::string& stored, std::string_view pin, const std::string& pepper);

// How long a host's rights stay locked after their `lockouts`-th lockout (5 wrong PINs each):
// 1 min, 5 min, 30 min, 2 h, then 24 h.
std::chrono::seconds pin_lockout(int lockouts);
using core::kPinTries;

}  // namespace etabli::db
