// Snapshot helpers. Layer: app. Any thread (snapshots are immutable).
#include <etabli/app/snapshot.hpp>

namespace etabli::app {

std::vector<const core::Badge*> Directory::badges_of(core::MemberId id) const {
    std::vector<const core::Badge*> out;
    for (const auto& [uid, b] : badges)
        if (b.member_id == id) out.push_back(&b);
    return out;
}

}  // namespace etabli::app
