// The kiosk stream's wire format: `etabli kiosk --connect` draws from the service's
// snapshots and sends the kiosk's commands, in binary, over the API socket once the "kiosk"
// request switched the connection (docs/API.md, "The kiosk stream"). Both ends are the same
// build: schema() names the layout of every type sent, and a kiosk of another layout is
// refused at the switch. Layer: cli.
//
// The codec walks the app types field by field (Boost.PFR reflects the aggregates), so a
// field added to a snapshot or a command travels without being listed here. A decoder never
// trusts its input: every length is checked against what is left, a variant's index against
// its alternatives, and a failure is a readable error, never a crash or a half-built value.
#pragma once

#include <etabli/app/station.hpp>

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>

namespace etabli::cli::wire {

// The layout of Snapshot, Command and Reply (each field's type, in order) and the program's
// version, hashed: equal on both ends of a kiosk stream, or the stream is refused.
std::uint64_t schema();
std::string schema_text();  // the same, as 16 hex digits (the "kiosk" request's "schema")

// Snapshots share their big parts (members, tools, know-how, skills) from one version to the
// next: a stream sends each part again only when it changed. One Encoder per connection,
// one Decoder on the other end, in the same order.
class SnapshotEncoder {
public:
    std::string encode(const app::Snapshot& s);

private:
    std::unordered_map<std::type_index, std::shared_ptr<const void>> m_sent;  // kept alive: no address reused
};
class SnapshotDecoder {
public:
    std::expected<std::shared_ptr<const app::Snapshot>, std::string> decode(std::string_view bytes);

private:
    std::unordered_map<std::type_index, std::shared_ptr<const void>> m_seen;
};

std::string encode_command(const app::Command& c);
std::expected<app::Command, std::string> decode_command(std::string_view bytes);
std::string encode_reply(const app::Reply& r);
std::expected<app::Reply, std::string> decode_reply(std::string_view bytes);

// [Frames] After the switch, each message is a frame: its length (4 bytes, little-endian,
// the kind included), its kind, then its bytes. Commands and replies begin with their
// request id (8 bytes).
enum class FrameKind : char { snapshot = 'S', reply = 'R', command = 'C' };
struct Frame {
    FrameKind kind = FrameKind::snapshot;
    std::uint64_t request = 0;  // replies and commands
    std::string body;
};
std::string frame(FrameKind kind, std::string_view body, std::uint64_t request = 0);
// Takes the first whole frame out of `buf`: none while it is incomplete; an error for a frame
// longer than `max` or of an unknown kind (the stream is then dropped).
std::expected<std::optional<Frame>, std::string> next_frame(std::string& buf, std::size_t max);

// Whether a kiosk may send this command over the stream: not the events only the station's
// own devices post (controller links, readers, enrolment answers) nor Tick.
bool kiosk_may_send(const app::Command& c);

}  // namespace etabli::cli::wire
