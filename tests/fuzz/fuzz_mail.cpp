// Fuzz target: an e-mail address as etabli.toml or a member's record holds it, and a message
// built from hostile fields (the first line an address, the second a subject, the rest a
// body). An accepted address has one '@' and no blank or control character; a message built
// is ASCII, in CRLF lines (at most 998 characters, RFC 5322's limit; the body's at most 78),
// and holds only the station's own headers: no field can add one. A refusal always says why.
#include <etabli/core/mail.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto nl = text.find('\n');
    const std::string_view first = text.substr(0, nl);
    auto address = parse_mail_address(first);
    if (!address) {
        if (address.error().msgid.empty()) std::abort();
    } else {
        const auto& a = address->address;
        if (a.find('@') == std::string::npos || a.find('@') != a.rfind('@')) std::abort();
        for (char c : a)
            if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) std::abort();
        for (char c : address->name)
            if (c == '\r' || c == '\n' || c == '\0') std::abort();
    }
    const std::string_view rest = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const auto nl2 = rest.find('\n');
    MailMessage m;
    m.from = address ? *address : MailAddress{"Atelier", "atelier@example.org"};
    m.to = std::string(first);
    m.subject = std::string(rest.substr(0, nl2));
    m.body = nl2 == std::string_view::npos ? std::string() : std::string(rest.substr(nl2 + 1));
    m.message_id = "<etabli.1.1@example.org>";
    auto wire = to_rfc5322(m);
    if (!wire) {
        if (wire.error().msgid.empty()) std::abort();
        return 0;
    }
    const std::string& w = *wire;
    bool in_headers = true;
    std::size_t start = 0;
    while (start < w.size()) {
        const auto end = w.find("\r\n", start);
        if (end == std::string::npos || end - start > (in_headers ? 998u : 78u)) std::abort();
        const std::string_view line(w.data() + start, end - start);
        for (char c : line)
            if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n' || c == '\0') std::abort();
        if (line.empty()) in_headers = false;
        else if (in_headers && line[0] != ' ') {
            bool known = false;
            for (std::string_view h : {"Date: ", "From: ", "Reply-To: ", "To: ", "Subject: ", "Message-ID: ", "MIME-Version: ",
                                       "Content-Type: ", "Content-Transfer-Encoding: ", "Auto-Submitted: "})
                known = known || line.starts_with(h);
            if (!known) std::abort();
        }
        start = end + 2;
    }
    if (in_headers) std::abort();
    return 0;
}
