// The station's configuration file, etabli.toml: time zone, badge readers and tag scanners
// (which device has which role, how to read it, what its badge format is) and machine
// controllers (which port, which machine on each channel).
// Layer: core (pure: text in, values out; reading and writing the file is the caller's
// business, see station/cli/src/devices_cmds.cpp). Any thread.
//
//   timezone = "Europe/Paris"
//   [[reader]]
//   role = "kiosk"            # "kiosk" | "machine:NAME" (name or number) | "scanner"
//   vendor = "16c0"           # match: vendor/product (hex), interface_class, serial, port
//   product = "27db"
//   serial = "A1B2"
//   port = "1-1.2"            # USB port path: bus-port.port...
//   driver = "libusb"         # or "evdev" with device = "/dev/input/by-id/...-event-kbd"
//   profile = "dec10"         # raw | dec10 | dec10-reversed | wiegand26 | hex
//   gap_ms = 100
//   [[controller]]
//   port = "/dev/ttyUSB0"     # or serial = "..."
//   channels = ["Laser", "Scie"]
//   [tools]                   # the tool library's lending rules; each key optional
//   max_tools = 5             # tools at once per member, 1-100
//   max_loan_days = 60        # the longest loan, 1-365 days
//   hold_days = 3             # a returned tool waits this long for the next on its waiting list, 1-30
//   reserve_ahead_days = 90   # how far ahead a tool can be reserved, 1-365
//   overdue_blocks = true     # no new loan while the member has an overdue tool
//
// Unknown keys are errors (a typo must not silently leave a reader unconfigured); so are
// wrong types and values. An error names the line, the key and what was expected.
#pragma once

#include <etabli/core/badge_format.hpp>
#include <etabli/core/bikes.hpp>
#include <etabli/core/mail.hpp>
#include <etabli/core/problem.hpp>
#include <etabli/core/tools.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace etabli::core {

struct ReaderRole {
    enum class Kind { kiosk, machine, scanner };
    Kind kind = Kind::kiosk;
    std::string machine;  // Kind::machine: the machine's name or number, as written
    // Kind::machine: the machine's id, found when the configuration was resolved against
    // the station's machines (none: no such machine, its badges are refused).
    std::optional<std::int64_t> resolved;
    // "kiosk", "machine:NAME", "scanner"
    std::string to_string() const;
    // "kiosk", "scanner", or "machine:NAME" / "machine:ID" as written (logs, the device panel).
    std::string station_reader() const;
    bool operator==(const ReaderRole&) const = default;
};
std::optional<ReaderRole> reader_role_from_string(std::string_view s);

// How a plugged device is recognised. Every field given must match; none given matches
// nothing (a reader needs at least one, so that no keyboard is ever taken by accident).
struct DeviceMatch {
    std::optional<std::uint16_t> vendor, product;
    std::optional<std::uint8_t> interface_class;
    std::optional<std::string> serial;
    std::optional<std::string> port;
    bool operator==(const DeviceMatch&) const = default;
};

enum class ReaderDriver { libusb, evdev };

struct ReaderConfig {
    ReaderRole role;
    DeviceMatch match;
    ReaderDriver driver = ReaderDriver::libusb;
    std::string device;  // evdev: the event device path
    BadgeFormat profile = BadgeFormat::raw;
    std::chrono::milliseconds gap{100};
    bool operator==(const ReaderConfig&) const = default;
};

// Used by the controller link. Either the serial port path or the USB serial number.
struct ControllerConfig {
    std::string port;
    std::string serial;
    std::vector<std::string> channels;  // machine names, in channel order
    bool operator==(const ControllerConfig&) const = default;
};

// [backup]: where the station keeps its backups and how many.
struct BackupConfig {
    std::string folder;     // empty: "backups" beside the database; relative: to the database's folder
    std::string copy_to;    // a second folder (another disk), written when it exists
    std::string usb_label;  // a disk or USB stick by its filesystem label, written when mounted
    int daily = 7, weekly = 4, monthly = 12;
    int hour = 3;           // the nightly backup's local hour, 0–23
    bool operator==(const BackupConfig&) const = default;
};

// [privacy]: how long members' personal data is kept (RGPD), applied every night and by
// `etabli privacy purge`.
struct PrivacyConfig {
    int presence_months = 12;   // raw presences older than this become daily totals (volunteer hours stay right)
    int erase_after_years = 3;  // members whose membership ended longer ago than this are erased
    // The new rider of a sold or given bike: kept this many days after the bike was declared to
    // its marking operator (time to send it again if refused); never declared (no marking),
    // kept as long as a member's data (erase_after_years) after it left.
    int bike_buyer_days = 30;
    bool operator==(const PrivacyConfig&) const = default;
};

// [photos]: where the photos of tools and of know-how cards' steps are (their names are
// relative to it).
struct PhotosConfig {
    std::string folder;  // empty: "photos" beside the database; relative: to the database's folder
    bool operator==(const PhotosConfig&) const = default;
};

// [bikes]: the bike register. `[bikes.operators]` lists the approved marking operators the
// workshop meets, prefix = name ("AB" = "Opérateur A"): a marking identifier must then start
// with one of them (core/bikes.hpp). Prefixes are two symbols of the marking alphabet.
// `[bikes.declaration]` says how the marking operator wants its CSV of the bikes that changed
// hands: `separator` (";" by default, or ",") and `columns`, a list of [header, field] pairs
// in the operator's order, the fields being those of core::kDeclarationFields.
struct DeclarationColumn {
    std::string header;
    std::string field;
    bool operator==(const DeclarationColumn&) const = default;
};
struct BikesConfig {
    // `seller` and `seller_address`: the association as its proofs of sale name it.
    std::string seller, seller_address;
    std::vector<MarkingOperator> operators;
    char separator = ';';
    std::vector<DeclarationColumn> columns;  // empty: core::default_declaration_columns()
    bool operator==(const BikesConfig&) const = default;
};

// [kiosk]: how the touchscreen draws.
struct KioskConfig {
    int text_size = 100;  // per cent: 100, 125 or 150 (larger text for those who read less well)
    bool operator==(const KioskConfig&) const = default;
};

// [database]: where the workshop's data lives when it is not this PC's SQLite file.
struct DatabaseConfig {
    // postgresql://… : the PostgreSQL database the workshop's stations share (--db wins).
    std::string url;
    bool operator==(const DatabaseConfig&) const = default;
};

struct Config {
    std::string timezone;  // empty: the default of the caller (ETABLI_TZ, else Europe/Paris)
    std::vector<ReaderConfig> readers;
    std::vector<ControllerConfig> controllers;
    std::optional<ToolRules> tools;  // [tools]; none: the defaults of ToolRules
    std::optional<BackupConfig> backup;  // [backup]; none: the defaults
    std::optional<PrivacyConfig> privacy;  // [privacy]; none: the defaults
    std::optional<PhotosConfig> photos;  // [photos]; none: the defaults
    std::optional<KioskConfig> kiosk;    // [kiosk]; none: the defaults
    std::optional<BikesConfig> bikes;    // [bikes]; none: no operator list (the form is checked)
    std::optional<SmtpConfig> smtp;      // [smtp] (core/mail.hpp); none: no e-mail is sent
    std::optional<DatabaseConfig> database;  // [database]; none: the SQLite file
    bool operator==(const Config&) const = default;
};

std::expected<Config, Problem> parse_config(std::string_view text);
// The file for `c`; parse_config(to_toml(c)) == c.
std::string to_toml(const Config& c);

}  // namespace etabli::core
