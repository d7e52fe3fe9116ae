// The reply to a command the kiosk sent with a request id, made from the command's
// Result the same way everywhere: the embedded station, the kiosk's own runner, the API's
// kiosk stream. Layer: app. Any thread.
#pragma once

#include <etabli/app/station.hpp>

namespace etabli::app {

inline Reply reply_of(std::uint64_t request_id, const Result& r) {
    Reply reply;
    reply.request_id = request_id;
    reply.ok = r.has_value();
    if (!r) reply.problem = r.error();
    else if (const auto* m = std::get_if<core::Member>(&*r)) {
        reply.member = m->id;
        reply.until = m->valid_until;
    }
    else if (const auto* b = std::get_if<core::Badge>(&*r)) reply.member = b->member_id;
    else if (const auto* bike = std::get_if<core::Bike>(&*r)) reply.bike = bike->id;
    else if (const auto* d = std::get_if<MemberDataView>(&*r)) reply.member_data = std::make_shared<const MemberDataView>(*d);
    else if (const auto* a = std::get_if<AuditView>(&*r)) reply.audit = std::make_shared<const AuditView>(*a);
    else if (const auto* j = std::get_if<JournalDay>(&*r)) reply.journal = std::make_shared<const JournalDay>(*j);
    else if (const auto* h = std::get_if<HelloAssoSummary>(&*r)) reply.helloasso = std::make_shared<const HelloAssoSummary>(*h);
    return reply;
}

}  // namespace etabli::app
