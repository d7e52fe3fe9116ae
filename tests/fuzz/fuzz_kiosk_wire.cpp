// Fuzz target of the kiosk stream's decoders (station/cli/src/kiosk_wire.cpp): the
// station reads commands from a kiosk, the kiosk reads snapshots and replies from the
// station. Any bytes must give a value or a reason, never a crash, a hang or a huge
// allocation; what decodes must encode and decode again. The first byte picks the entry:
// raw bytes, or a well-formed command or snapshot with the rest of the input XORed into it
// (deep coverage without a binary corpus). Layer: tests (fuzz). Single-threaded.
#include "kiosk_wire.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace etabli;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

std::string well_formed_command(unsigned pick) {
    switch (pick % 5) {
    case 0: {
        app::AddMember a;
        a.draft.display_name = "Zoé";
        a.draft.email = "zoe@example.org";
        a.badge_uid = "0001112223";
        return cli::wire::encode_command(a);
    }
    case 1: {
        app::Book b;
        b.machine = 3;
        b.member = 7;
        b.start = core::Timestamp(std::chrono::seconds(1'780'000'000));
        b.end = b.start + std::chrono::hours(1);
        b.weekly_until = core::Date{std::chrono::year{2027}, std::chrono::month{1}, std::chrono::day{31}};
        return cli::wire::encode_command(b);
    }
    case 2: {
        app::Lend l;
        l.tools = {1, 2, 3};
        l.member = 4;
        l.days = 7;
        return cli::wire::encode_command(l);
    }
    case 3: return cli::wire::encode_command(app::BadgeSeen{"0001234567", "keyboard"});
    default: {
        app::LogRepair r;
        r.repair.brand = "Moulinex";
        r.repair.volunteers = {1, 2};
        return cli::wire::encode_command(r);
    }
    }
}

std::string well_formed_snapshot() {
    app::Snapshot s;
    s.version = 12;
    s.local_hhmm = "11:43";
    auto dir = std::make_shared<app::Directory>();
    core::Member m;
    m.id = 1;
    m.display_name = "Léa";
    dir->members[1] = m;
    s.directory = dir;
    app::MachineView mv;
    mv.machine.id = 1;
    mv.machine.name = "Découpe laser";
    s.machines.push_back(mv);
    s.present.push_back(app::PresentMember{1, "Léa", {}, "11:43"});
    app::Reply r;
    r.request_id = 5;
    r.problem = core::problem("x {0}", {"y"});
    s.last_reply = r;
    cli::wire::SnapshotEncoder enc;
    return enc.encode(s);
}

void xor_into(std::string& bytes, const std::uint8_t* data, std::size_t size) {
    // Pairs (position, value); an odd last byte cuts the message there.
    for (std::size_t i = 0; i + 1 < size; i += 2)
        if (!bytes.empty()) bytes[data[i] % bytes.size()] = static_cast<char>(bytes[data[i] % bytes.size()] ^ data[i + 1]);
    if (size % 2 == 1 && !bytes.empty()) bytes.resize(data[size - 1] % (bytes.size() + 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned mode = data[0] % 4;
    const std::uint8_t* rest = data + 1;
    const std::size_t n = size - 1;
    const std::string raw(reinterpret_cast<const char*>(rest), n);
    switch (mode) {
    case 0: {
        if (auto c = cli::wire::decode_command(raw)) require(cli::wire::decode_command(cli::wire::encode_command(*c)).has_value());
        if (auto r = cli::wire::decode_reply(raw)) require(cli::wire::decode_reply(cli::wire::encode_reply(*r)).has_value());
        break;
    }
    case 1: {
        std::string bytes = well_formed_command(n > 0 ? rest[0] : 0);
        if (n > 1) xor_into(bytes, rest + 1, n - 1);
        if (auto c = cli::wire::decode_command(bytes)) require(cli::wire::decode_command(cli::wire::encode_command(*c)).has_value());
        break;
    }
    case 2: {
        std::string bytes = well_formed_snapshot();
        xor_into(bytes, rest, n);
        cli::wire::SnapshotDecoder dec;
        if (auto s = dec.decode(bytes)) {
            cli::wire::SnapshotEncoder enc;
            require(cli::wire::SnapshotDecoder().decode(enc.encode(**s)).has_value());
        }
        (void)dec.decode(raw);
        break;
    }
    default: {
        std::string buf = raw;
        for (int i = 0; i < 64; ++i) {
            auto f = cli::wire::next_frame(buf, 4096);
            if (!f || !*f) break;
            (void)cli::wire::decode_command((*f)->body);
            (void)cli::wire::decode_reply((*f)->body);
        }
        break;
    }
    }
    return 0;
}
