// The funders' pack's CSV read back by its tests: key → value (the last field), after the
// byte order mark. Test-only.
#pragma once

#include <map>
#include <sstream>
#include <string>

namespace etabli::testing {

inline std::map<std::string, std::string> report_csv_values(const std::string& csv) {
    std::map<std::string, std::string> out;
    std::istringstream in(csv.size() >= 3 ? csv.substr(3) : csv);
    std::string row;
    while (std::getline(in, row)) {
        if (!row.empty() && row.back() == '\r') row.pop_back();
        const auto a = row.find(';'), b = row.rfind(';');
        if (a != std::string::npos) out[row.substr(0, a)] = row.substr(b + 1);
    }
    return out;
}

}  // namespace etabli::testing
