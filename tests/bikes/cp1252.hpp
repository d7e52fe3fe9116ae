// UTF-8 → Windows-1252 for the Latin-1 letters the tests use (é è à ç É…): what HelloAsso's
// export holds when opened and saved by a French Excel. Test-only. Any thread.
#pragma once

#include <string>

namespace {

std::string cp1252(const std::string& utf8) {
    std::string out;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == 0xC3 && i + 1 < utf8.size()) out += static_cast<char>(static_cast<unsigned char>(utf8[++i]) + 0x40);
        else out += static_cast<char>(c);
    }
    return out;
}

}  // namespace
