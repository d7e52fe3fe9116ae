// Hosts' and admins' PINs: see pin.hpp.
#include <etabli/db/pin.hpp>

#include <sodium.h>

#include <array>

namespace etabli::db {

namespace {
// HMAC-SHA-256(pepper, pin) as hex: what Argon2id hashes.
std::string peppered(std::string_view pin, const std::string& pepper) {
    std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(pepper.data()), pepper.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(pin.data()), pin.size());
    crypto_auth_hmacsha256_final(&st, mac.data());
    std::string hex(mac.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
    hex.pop_back();
    sodium_memzero(mac.data(), mac.size());
    return hex;
}
}  // namespace

std::expected<std::string, core::Problem> hash_pin(std::string_view pin, const std::string& pepper, PinLimits limits) {
    if (auto p = check_pin_form(pin)) return std::unexpected(*p);
    if (sodium_init() < 0) return std::unexpected(core::storage_problem("libsodium cannot start"));
    std::string key = peppered(pin, pepper);
    std::array<char, crypto_pwhash_STRBYTES> out{};
    const int rc = crypto_pwhash_str_alg(out.data(), key.data(), key.size(), limits.ops, limits.mem_bytes, crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(key.data(), key.size());
    if (rc != 0) return std::unexpected(core::storage_problem("Not enough memory to protect the PIN"));
    return std::string(out.data());
}

bool verify_pin(const std::string& stored, std::string_view pin, const std::string& pepper) {
    if (check_pin_form(pin) || stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
    if (sodium_init() < 0) return false;
    std::string key = peppered(pin, pepper);
    const bool ok = crypto_pwhash_str_verify(stored.c_str(), key.data(), key.size()) == 0;
    sodium_memzero(key.data(), key.size());
    return ok;
}

std::chrono::seconds pin_lockout(int lockouts) {
    using namespace std::chrono;
    switch (lockouts) {
    case 0:
    case 1: return minutes{1};
    case 2: return minutes{5};
    case 3: return minutes{30};
    case 4: return hours{2};
    default: return hours{24};
    }
}

}  // namespace etabli::db
