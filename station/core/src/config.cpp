// etabli.toml parsing and writing (see config.hpp). Layer: core (pure). Any thread.
// toml++ does the TOML; this file checks every key against what the station understands.
#include <etabli/core/config.hpp>
#include <etabli/core/i18n.hpp>

#include <toml++/toml.h>

#include <cstdio>
#include <sstream>

namespace etabli::core {
namespace {

std::string line_of(const toml::source_region& r) { return std::to_string(r.begin.line); }

Problem at(const toml::node& n, std::string msgid, const std::string& key, std::vector<std::string> more = {}) {
    std::vector<std::string> args{line_of(n.source()), key};
    for (auto& m : more) args.push_back(std::move(m));
    return problem(std::move(msgid), std::move(args));
}

std::expected<std::string, Problem> text(const toml::node& n, const std::string& key) {
    if (const auto* s = n.as_string()) return s->get();
    return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be a text in quotes"), key));
}

std::expected<std::int64_t, Problem> integer(const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
    const auto* i = n.as_integer();
    if (!i || i->get() < lo || i->get() > hi)
        return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be a whole number from {2} to {3}"), key,
                                  {std::to_string(lo), std::to_string(hi)}));
    return i->get();
}

std::expected<std::uint16_t, Problem> hex16(const toml::node& n, const std::string& key) {
    const auto* str = n.as_string();
    std::string_view v = str ? std::string_view(str->get()) : std::string_view("?");
    if (v.starts_with("0x") || v.starts_with("0X")) v.remove_prefix(2);
    bool ok = !v.empty() && v.size() <= 4;
    unsigned value = 0;
    for (char c : v) {
        int h = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (h < 0) ok = false;
        else value = value * 16 + static_cast<unsigned>(h);
    }
    if (!ok) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be 4 hex digits in quotes, such as \"16c0\""), key));
    return static_cast<std::uint16_t>(value);
}

bool zone_name_ok(std::string_view z) {
    if (z.empty() || z.size() > 64) return false;
    for (char c : z)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' || c == '+'))
            return false;
    return z.front() != '/' && z.find("..") == std::string_view::npos;
}

std::expected<ReaderConfig, Problem> parse_reader(const toml::table& t) {
    ReaderConfig r;
    bool has_role = false;
    for (auto&& [k, node] : t) {
        const std::string key(k.str());
        if (key == "role") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            auto role = reader_role_from_string(*s);
            if (!role) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be \"kiosk\", \"machine:NAME\" or \"scanner\""), key));
            r.role = *role;
            has_role = true;
        } else if (key == "vendor" || key == "product") {
            auto v = hex16(node, key);
            if (!v) return std::unexpected(v.error());
            (key == "vendor" ? r.match.vendor : r.match.product) = *v;
        } else if (key == "interface_class") {
            auto v = integer(node, key, 0, 255);
            if (!v) return std::unexpected(v.error());
            r.match.interface_class = static_cast<std::uint8_t>(*v);
        } else if (key == "serial" || key == "port") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            if (s->empty() || s->size() > 128)
                return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be a text of 1 to 128 characters"), key));
            (key == "serial" ? r.match.serial : r.match.port) = *s;
        } else if (key == "driver") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            if (*s == "libusb") r.driver = ReaderDriver::libusb;
            else if (*s == "evdev") r.driver = ReaderDriver::evdev;
            else return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be \"libusb\" or \"evdev\""), key));
        } else if (key == "device") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            if (!s->starts_with("/dev/") || s->size() > 255)
                return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be a device path such as \"/dev/input/event3\""), key));
            r.device = *s;
        } else if (key == "profile") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            auto f = badge_format_from_string(*s);
            if (!f) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be raw, dec10, dec10-reversed, wiegand26 or hex"), key));
            r.profile = *f;
        } else if (key == "gap_ms") {
            auto v = integer(node, key, 10, 5000);
            if (!v) return std::unexpected(v.error());
            r.gap = std::chrono::milliseconds{*v};
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [[reader]]", {line_of(k.source()), key}));
        }
    }
    const std::string line = line_of(t.source());
    if (!has_role) return std::unexpected(problem("Configuration line {0}: a [[reader]] needs a \"role\"", {line}));
    if (r.driver == ReaderDriver::evdev && r.device.empty())
        return std::unexpected(problem("Configuration line {0}: an evdev [[reader]] needs a \"device\"", {line}));
    if (r.driver == ReaderDriver::libusb && r.match == DeviceMatch{})
        return std::unexpected(problem("Configuration line {0}: a [[reader]] needs at least one of vendor, product, serial or port", {line}));
    return r;
}

std::expected<ControllerConfig, Problem> parse_controller(const toml::table& t) {
    ControllerConfig c;
    for (auto&& [k, node] : t) {
        const std::string key(k.str());
        if (key == "port" || key == "serial") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            if (s->empty() || s->size() > 255)
                return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be a text of 1 to 255 characters"), key));
            (key == "port" ? c.port : c.serial) = *s;
        } else if (key == "channels") {
            const auto* arr = node.as_array();
            if (!arr) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be a list of machine names, such as [\"Laser\", \"Scie\"]"), key));
            for (const auto& item : *arr) {
                const auto* s = item.as_string();
                if (!s || s->get().empty())
                    return std::unexpected(at(item, N_("Configuration line {0}: \"{1}\" must be a list of machine names, such as [\"Laser\", \"Scie\"]"), key));
                c.channels.push_back(s->get());
            }
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [[controller]]", {line_of(k.source()), key}));
        }
    }
    if (c.port.empty() && c.serial.empty())
        return std::unexpected(problem("Configuration line {0}: a [[controller]] needs a \"port\" or a \"serial\"", {line_of(t.source())}));
    return c;
}

template <class T, class F>
std::expected<void, Problem> each_table(const toml::node& node, const std::string& key, std::vector<T>& out, F parse) {
    const auto* arr = node.as_array();
    if (!arr || !arr->is_array_of_tables())
        return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as [[{1}]] sections"), key));
    for (const auto& item : *arr) {
        auto v = parse(*item.as_table());
        if (!v) return std::unexpected(v.error());
        out.push_back(std::move(*v));
    }
    return {};
}

// [tools]: every key optional, the rest keep ToolRules' defaults.
std::expected<ToolRules, Problem> parse_tools(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    ToolRules r;
    for (auto&& [k, n] : *t) {
        const std::string key(k.str());
        int* field = key == "max_tools"            ? &r.max_loans
                     : key == "max_loan_days"      ? &r.max_days
                     : key == "hold_days"          ? &r.hold_days
                     : key == "reserve_ahead_days" ? &r.max_reserve_ahead_days
                                                   : nullptr;
        if (field) {
            const std::int64_t hi = key == "max_tools" ? 100 : key == "hold_days" ? 30 : 365;
            auto v = integer(n, key, 1, hi);
            if (!v) return std::unexpected(v.error());
            *field = static_cast<int>(*v);
        } else if (key == "overdue_blocks") {
            const auto* b = n.as_boolean();
            if (!b) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be true or false"), key));
            r.overdue_blocks = b->get();
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [tools]", {line_of(k.source()), key}));
        }
    }
    return r;
}

// [backup]: every key optional.
std::expected<BackupConfig, Problem> parse_backup(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    BackupConfig b;
    for (auto&& [k, n] : *t) {
        const std::string key(k.str());
        std::string* str = key == "folder" ? &b.folder : key == "copy_to" ? &b.copy_to : key == "usb_label" ? &b.usb_label : nullptr;
        int* num = key == "daily" ? &b.daily : key == "weekly" ? &b.weekly : key == "monthly" ? &b.monthly : key == "hour" ? &b.hour : nullptr;
        if (str) {
            auto v = text(n, key);
            if (!v) return std::unexpected(v.error());
            if (v->find('\0') != std::string::npos || v->size() > 4096)
                return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" is not a usable name"), key));
            *str = *v;
        } else if (num) {
            auto v = integer(n, key, key == "hour" ? 0 : 1, key == "hour" ? 23 : 1000);
            if (!v) return std::unexpected(v.error());
            *num = static_cast<int>(*v);
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [backup]", {line_of(k.source()), key}));
        }
    }
    return b;
}

// [privacy]: every key optional.
std::expected<PrivacyConfig, Problem> parse_privacy(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    PrivacyConfig p;
    for (auto&& [k, n] : *t) {
        const std::string key(k.str());
        int* num = key == "presence_months"     ? &p.presence_months
                   : key == "erase_after_years" ? &p.erase_after_years
                   : key == "bike_buyer_days"   ? &p.bike_buyer_days
                                                : nullptr;
        if (!num) return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [privacy]", {line_of(k.source()), key}));
        auto v = key == "bike_buyer_days" ? integer(n, key, 0, 3650) : integer(n, key, 1, key == "presence_months" ? 120 : 30);
        if (!v) return std::unexpected(v.error());
        *num = static_cast<int>(*v);
    }
    return p;
}

// [photos]: every key optional.
std::expected<PhotosConfig, Problem> parse_photos(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    PhotosConfig p;
    for (auto&& [key_node, n] : *t) {
        const std::string key(key_node.str());
        if (key != "folder")
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [photos]", {line_of(key_node.source()), key}));
        auto v = text(n, key);
        if (!v) return std::unexpected(v.error());
        if (v->empty() || v->find('\0') != std::string::npos || v->size() > 4096)
            return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" is not a usable name"), key));
        p.folder = *v;
    }
    return p;
}

// [database]: url, a postgresql:// or postgres:// URL (a password in it stays in this file).
std::expected<DatabaseConfig, Problem> parse_database(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    DatabaseConfig d;
    for (auto&& [key_node, n] : *t) {
        const std::string key(key_node.str());
        if (key != "url")
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [database]", {line_of(key_node.source()), key}));
        const auto* v = n.as_string();
        const std::string url = v ? v->get() : std::string{};
        if (!url.starts_with("postgresql://") && !url.starts_with("postgres://"))
            return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be a PostgreSQL URL, postgresql://USER@HOST/DATABASE"), key));
        d.url = url;
    }
    return d;
}

// [kiosk]: every key optional; the text size is one of 100, 125, 150.
std::expected<KioskConfig, Problem> parse_kiosk(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    KioskConfig k;
    for (auto&& [key_node, n] : *t) {
        const std::string key(key_node.str());
        if (key != "text_size")
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [kiosk]", {line_of(key_node.source()), key}));
        const auto* i = n.as_integer();
        if (!i || (i->get() != 100 && i->get() != 125 && i->get() != 150))
            return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be 100, 125 or 150 (per cent)"), key));
        k.text_size = static_cast<int>(i->get());
    }
    return k;
}

// [smtp]: `url` and `from` required, the rest optional (core/mail.hpp).
std::expected<SmtpConfig, Problem> parse_smtp(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    SmtpConfig s;
    bool has_url = false, has_from = false;
    for (auto&& [key_node, n] : *t) {
        const std::string key(key_node.str());
        if (key == "starttls") {
            const auto* b = n.as_boolean();
            if (!b) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be true or false"), key));
            s.starttls = b->get();
        } else if (key == "remind_days" || key == "timeout_s") {
            auto v = key == "remind_days" ? integer(n, key, 0, 90) : integer(n, key, 1, 300);
            if (!v) return std::unexpected(v.error());
            (key == "remind_days" ? s.remind_days : s.timeout_s) = static_cast<int>(*v);
        } else if (key == "url" || key == "user" || key == "password" || key == "password_file" || key == "from" || key == "reply_to") {
            auto v = text(n, key);
            if (!v) return std::unexpected(v.error());
            if (v->size() > 4096 || v->find_first_of(std::string("\0\r\n", 3)) != std::string::npos)
                return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" is not a usable name"), key));
            if (key == "url") {
                const bool plain = v->starts_with("smtp://"), tls = v->starts_with("smtps://");
                const auto host = v->substr(plain ? 7 : tls ? 8 : 0);
                if ((!plain && !tls) || host.empty() || host.front() == ':' || host.find_first_of(" /?#@") != std::string::npos)
                    return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be smtp://HOST[:PORT] or smtps://HOST[:PORT]"), key));
                s.url = *v;
                has_url = true;
            } else if (key == "from" || key == "reply_to") {
                auto a = parse_mail_address(*v);
                if (!a) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be an e-mail address, such as \"Atelier <atelier@example.org>\""), key));
                if (key == "from") s.from = *a, has_from = true;
                else s.reply_to = *a;
            } else {
                (key == "user" ? s.user : key == "password" ? s.password : s.password_file) = *v;
            }
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [smtp]", {line_of(key_node.source()), key}));
        }
    }
    if (!has_url || !has_from)
        return std::unexpected(at(node, N_("Configuration line {0}: [{1}] needs \"url\" and \"from\""), section));
    if (!s.password.empty() && !s.password_file.empty())
        return std::unexpected(at(node, N_("Configuration line {0}: [{1}] takes \"password\" or \"password_file\", not both"), section));
    return s;
}

// [bikes]: `operators`, a table of prefix = name.
std::expected<BikesConfig, Problem> parse_bikes(const toml::node& node, const std::string& section) {
    const auto* t = node.as_table();
    if (!t) return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), section));
    BikesConfig b;
    for (auto&& [key_node, n] : *t) {
        const std::string key(key_node.str());
        if (key == "declaration") {
            const auto* d = n.as_table();
            if (!d) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), "bikes.declaration"));
            for (auto&& [dk, dn] : *d) {
                const std::string dkey(dk.str());
                if (dkey == "separator") {
                    auto sep = text(dn, dkey);
                    if (!sep) return std::unexpected(sep.error());
                    if (*sep != ";" && *sep != ",")
                        return std::unexpected(at(dn, N_("Configuration line {0}: \"{1}\" must be \";\" or \",\""), dkey));
                    b.separator = (*sep)[0];
                } else if (dkey == "columns") {
                    const auto* arr = dn.as_array();
                    if (!arr || arr->empty())
                        return std::unexpected(at(dn, N_("Configuration line {0}: \"{1}\" must be a list of [\"header\", \"field\"] pairs"), dkey));
                    for (const auto& item : *arr) {
                        const auto* pair = item.as_array();
                        if (!pair || pair->size() != 2 || !(*pair)[0].as_string() || !(*pair)[1].as_string())
                            return std::unexpected(at(item, N_("Configuration line {0}: \"{1}\" must be a list of [\"header\", \"field\"] pairs"), dkey));
                        DeclarationColumn col{(*pair)[0].as_string()->get(), (*pair)[1].as_string()->get()};
                        if (col.header.empty() || col.header.size() > 80 || col.header.find_first_of(std::string("\0\r\n", 3)) != std::string::npos)
                            return std::unexpected(at(item, N_("Configuration line {0}: \"{1}\" is not a usable name"), col.header.substr(0, 80)));
                        if (!is_declaration_field(col.field))
                            return std::unexpected(problem("Configuration line {0}: \"{1}\" is not a field of the declaration (one of: {2})",
                                                           {line_of(item.source()), col.field.substr(0, 80), declaration_fields_list()}));
                        b.columns.push_back(std::move(col));
                    }
                } else {
                    return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [bikes.declaration]", {line_of(dk.source()), dkey}));
                }
            }
            continue;
        }
        if (key == "seller" || key == "seller_address") {
            auto v = text(n, key);
            if (!v) return std::unexpected(v.error());
            if (v->size() > 400 || v->find('\0') != std::string::npos)
                return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" is not a usable name"), key));
            (key == "seller" ? b.seller : b.seller_address) = *v;
            continue;
        }
        if (key != "operators")
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\" in [bikes]", {line_of(key_node.source()), key}));
        const auto* ops = n.as_table();
        if (!ops) return std::unexpected(at(n, N_("Configuration line {0}: \"{1}\" must be written as a [{1}] section"), "bikes.operators"));
        for (auto&& [prefix_node, name_node] : *ops) {
            const std::string prefix(prefix_node.str());
            const bool symbols = prefix.size() == 2 && kMarkingAlphabet.find(prefix[0]) != std::string_view::npos &&
                                 kMarkingAlphabet.find(prefix[1]) != std::string_view::npos;
            if (!symbols)
                return std::unexpected(problem("Configuration line {0}: \"{1}\" is not a marking operator's prefix (two capital letters or digits, "
                                               "without I, L, O, Q, U)",
                                               {line_of(prefix_node.source()), prefix}));
            auto name = text(name_node, prefix);
            if (!name) return std::unexpected(name.error());
            if (name->empty() || name->size() > 200 || name->find('\0') != std::string::npos)
                return std::unexpected(at(name_node, N_("Configuration line {0}: \"{1}\" is not a usable name"), prefix));
            b.operators.push_back(MarkingOperator{prefix, *name});
        }
    }
    return b;
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') out += '\\', out += c;
        else if (u < 0x20 || u == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04X", u);
            out += buf;
        } else out += c;
    }
    return out + '"';
}

std::string hex4(std::uint16_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>(v));
    return buf;
}

}  // namespace

std::string ReaderRole::to_string() const {
    switch (kind) {
    case Kind::kiosk: return "kiosk";
    case Kind::scanner: return "scanner";
    case Kind::machine: return "machine:" + machine;
    }
    return "kiosk";
}

std::string ReaderRole::station_reader() const {
    if (kind == Kind::kiosk) return "kiosk";
    if (kind == Kind::scanner) return "scanner";
    return "machine:" + machine;  // never a bare name: a machine may be called "kiosk"
}

std::optional<ReaderRole> reader_role_from_string(std::string_view s) {
    if (s == "kiosk") return ReaderRole{ReaderRole::Kind::kiosk, {}, std::nullopt};
    if (s == "scanner") return ReaderRole{ReaderRole::Kind::scanner, {}, std::nullopt};
    if (s.starts_with("machine:") && s.size() > 8 && s.size() <= 8 + 80) {
        std::string name(s.substr(8));
        for (char c : name)
            if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
        return ReaderRole{ReaderRole::Kind::machine, std::move(name), std::nullopt};
    }
    return std::nullopt;
}

std::expected<Config, Problem> parse_config(std::string_view text_in) {
    toml::table root;
    try {
        root = toml::parse(text_in);
    } catch (const toml::parse_error& e) {
        return std::unexpected(problem("Configuration line {0}: {1}", {line_of(e.source()), std::string(e.description())}));
    }
    Config c;
    for (auto&& [k, node] : root) {
        const std::string key(k.str());
        if (key == "timezone") {
            auto s = text(node, key);
            if (!s) return std::unexpected(s.error());
            if (!zone_name_ok(*s))
                return std::unexpected(at(node, N_("Configuration line {0}: \"{1}\" must be a time zone name such as \"Europe/Paris\""), key));
            c.timezone = *s;
        } else if (key == "reader") {
            if (auto r = each_table(node, key, c.readers, parse_reader); !r) return std::unexpected(r.error());
        } else if (key == "controller") {
            if (auto r = each_table(node, key, c.controllers, parse_controller); !r) return std::unexpected(r.error());
        } else if (key == "tools") {
            auto r = parse_tools(node, key);
            if (!r) return std::unexpected(r.error());
            c.tools = *r;
        } else if (key == "privacy") {
            auto r = parse_privacy(node, key);
            if (!r) return std::unexpected(r.error());
            c.privacy = *r;
        } else if (key == "backup") {
            auto r = parse_backup(node, key);
            if (!r) return std::unexpected(r.error());
            c.backup = *r;
        } else if (key == "photos") {
            auto r = parse_photos(node, key);
            if (!r) return std::unexpected(r.error());
            c.photos = *r;
        } else if (key == "kiosk") {
            auto r = parse_kiosk(node, key);
            if (!r) return std::unexpected(r.error());
            c.kiosk = *r;
        } else if (key == "bikes") {
            auto r = parse_bikes(node, key);
            if (!r) return std::unexpected(r.error());
            c.bikes = *r;
        } else if (key == "smtp") {
            auto r = parse_smtp(node, key);
            if (!r) return std::unexpected(r.error());
            c.smtp = *r;
        } else if (key == "database") {
            auto r = parse_database(node, key);
            if (!r) return std::unexpected(r.error());
            c.database = *r;
        } else {
            return std::unexpected(problem("Configuration line {0}: unknown key \"{1}\"", {line_of(k.source()), key}));
        }
    }
    return c;
}

std::string to_toml(const Config& c) {
    std::ostringstream o;
    o << "# Établi station configuration (etabli.toml). Written by `etabli devices enrol`; edits are kept.\n";
    if (!c.timezone.empty()) o << "timezone = " << quoted(c.timezone) << '\n';
    for (const auto& r : c.readers) {
        o << "\n[[reader]]\nrole = " << quoted(r.role.to_string()) << '\n';
        if (r.match.vendor) o << "vendor = \"" << hex4(*r.match.vendor) << "\"\n";
        if (r.match.product) o << "product = \"" << hex4(*r.match.product) << "\"\n";
        if (r.match.interface_class) o << "interface_class = " << static_cast<int>(*r.match.interface_class) << '\n';
        if (r.match.serial) o << "serial = " << quoted(*r.match.serial) << '\n';
        if (r.match.port) o << "port = " << quoted(*r.match.port) << '\n';
        o << "driver = " << (r.driver == ReaderDriver::evdev ? "\"evdev\"" : "\"libusb\"") << '\n';
        if (!r.device.empty()) o << "device = " << quoted(r.device) << '\n';
        o << "profile = " << quoted(to_string(r.profile)) << '\n';
        o << "gap_ms = " << r.gap.count() << '\n';
    }
    for (const auto& ctl : c.controllers) {
        o << "\n[[controller]]\n";
        if (!ctl.port.empty()) o << "port = " << quoted(ctl.port) << '\n';
        if (!ctl.serial.empty()) o << "serial = " << quoted(ctl.serial) << '\n';
        o << "channels = [";
        for (std::size_t i = 0; i < ctl.channels.size(); ++i) o << (i ? ", " : "") << quoted(ctl.channels[i]);
        o << "]\n";
    }
    if (c.tools) {
        o << "\n[tools]\nmax_tools = " << c.tools->max_loans << "\nmax_loan_days = " << c.tools->max_days
          << "\nhold_days = " << c.tools->hold_days << "\nreserve_ahead_days = " << c.tools->max_reserve_ahead_days
          << "\noverdue_blocks = " << (c.tools->overdue_blocks ? "true" : "false") << '\n';
    }
    if (c.privacy)
        o << "\n[privacy]\npresence_months = " << c.privacy->presence_months << "\nerase_after_years = " << c.privacy->erase_after_years
          << "\nbike_buyer_days = " << c.privacy->bike_buyer_days << '\n';
    if (c.backup) {
        o << "\n[backup]\n";
        if (!c.backup->folder.empty()) o << "folder = " << quoted(c.backup->folder) << '\n';
        if (!c.backup->copy_to.empty()) o << "copy_to = " << quoted(c.backup->copy_to) << '\n';
        if (!c.backup->usb_label.empty()) o << "usb_label = " << quoted(c.backup->usb_label) << '\n';
        o << "daily = " << c.backup->daily << "\nweekly = " << c.backup->weekly << "\nmonthly = " << c.backup->monthly
          << "\nhour = " << c.backup->hour << '\n';
    }
    if (c.photos) o << "\n[photos]\nfolder = " << quoted(c.photos->folder) << '\n';
    if (c.kiosk) o << "\n[kiosk]\ntext_size = " << c.kiosk->text_size << '\n';
    if (c.bikes) {
        o << "\n[bikes]\n";
        if (!c.bikes->seller.empty()) o << "seller = " << quoted(c.bikes->seller) << '\n';
        if (!c.bikes->seller_address.empty()) o << "seller_address = " << quoted(c.bikes->seller_address) << '\n';
        if (!c.bikes->operators.empty()) o << "\n[bikes.operators]\n";
        for (const auto& op : c.bikes->operators) o << op.prefix << " = " << quoted(op.name) << '\n';
        if (c.bikes->separator != ';' || !c.bikes->columns.empty()) {
            o << "\n[bikes.declaration]\nseparator = " << quoted(std::string(1, c.bikes->separator)) << '\n';
            if (!c.bikes->columns.empty()) {
                o << "columns = [\n";
                for (const auto& col : c.bikes->columns) o << "  [" << quoted(col.header) << ", " << quoted(col.field) << "],\n";
                o << "]\n";
            }
        }
    }
    if (c.smtp) {
        const auto& m = *c.smtp;
        o << "\n[smtp]\nurl = " << quoted(m.url) << "\nstarttls = " << (m.starttls ? "true" : "false") << '\n';
        if (!m.user.empty()) o << "user = " << quoted(m.user) << '\n';
        if (!m.password.empty()) o << "password = " << quoted(m.password) << '\n';
        if (!m.password_file.empty()) o << "password_file = " << quoted(m.password_file) << '\n';
        o << "from = " << quoted(to_string(m.from)) << '\n';
        if (m.reply_to) o << "reply_to = " << quoted(to_string(*m.reply_to)) << '\n';
        o << "remind_days = " << m.remind_days << "\ntimeout_s = " << m.timeout_s << '\n';
    }
    if (c.database) o << "\n[database]\nurl = " << quoted(c.database->url) << '\n';
    return o.str();
}

}  // namespace etabli::core
