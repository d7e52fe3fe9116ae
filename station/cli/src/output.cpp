// Output helpers of the command line: JSON objects and local date formats. Layer: cli.
#include "context.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace etabli::cli {

using json = nlohmann::json;

std::string json_member(const core::Member& m, const app::Directory& d, bool present) {
    json j{{"id", m.id},
           {"name", m.display_name},
           {"email", m.email ? json(*m.email) : json(nullptr)},
           {"role", core::to_string(m.role)},
           {"until", m.valid_until ? json(core::format_date(*m.valid_until)) : json(nullptr)},
           {"lang", core::to_string(m.lang)},
           {"present", present},
           {"created_at", core::format_timestamp(m.created_at)},
           {"updated_at", core::format_timestamp(m.updated_at)}};
    json badges = json::array();
    for (const auto* b : d.badges_of(m.id)) badges.push_back({{"uid", b->uid}, {"status", core::to_string(b->status)}});
    j["badges"] = badges;
    return j.dump();
}

}  // namespace etabli::cli
