// Unit tests of etabli.toml parsing: a full good file, writing back, and bad files that must
// name the line, the key and what is expected. Layer: core (pure). Single-threaded.
#include <etabli/core/config.hpp>

#include <doctest/doctest.h>

using namespace etabli::core;

namespace {
const char* kGood = R"(# a workshop
timezone = "Europe/Paris"

[[reader]]
role = "kiosk"
vendor = "ffff"
product = "0035"
driver = "libusb"
profile = "dec10"

[[reader]]
role = "machine:Laser"
serial = "SN-42"
port = "1-1.3"
interface_class = 3
profile = "wiegand26"
gap_ms = 250

[[reader]]
role = "scanner"
driver = "evdev"
device = "/dev/input/by-id/usb-Scanner-event-kbd"

[[controller]]
port = "/dev/ttyUSB0"
channels = ["Laser", "Scie à ruban"]
)";

Problem bad(const std::string& text) {
    auto c = parse_config(text);
    REQUIRE_FALSE(c.has_value());
    return c.error();
}
}  // namespace

TEST_CASE("config: a good file") {
    auto c = parse_config(kGood);
    REQUIRE(c.has_value());
    CHECK(c->timezone == "Europe/Paris");
    REQUIRE(c->readers.size() == 3);
    CHECK(c->readers[0].role.kind == ReaderRole::Kind::kiosk);
    CHECK(c->readers[0].match.vendor == 0xffff);
    CHECK(c->readers[0].match.product == 0x0035);
    CHECK(c->readers[0].profile == BadgeFormat::dec10);
    CHECK(c->readers[0].gap == std::chrono::milliseconds{100});
    CHECK(c->readers[1].role.station_reader() == "machine:Laser");
    CHECK(c->readers[1].match.interface_class == 3);
    CHECK(c->readers[1].match.port == "1-1.3");
    CHECK(c->readers[1].gap == std::chrono::milliseconds{250});
    CHECK(c->readers[2].driver == ReaderDriver::evdev);
    REQUIRE(c->controllers.size() == 1);
    CHECK(c->controllers[0].channels == std::vector<std::string>{"Laser", "Scie à ruban"});
    CHECK(reader_role_from_string("machine:3")->station_reader() == "machine:3");
}

TEST_CASE("config: writing back gives the same configuration") {
    auto c = parse_config(kGood).value();
    c.readers.push_back(ReaderConfig{ReaderRole{ReaderRole::Kind::machine, "Perceuse \"colonne\"\\"}, DeviceMatch{std::nullopt, std::nullopt, std::nullopt, "x\ty", std::nullopt},
                                     ReaderDriver::libusb, "", BadgeFormat::hex, std::chrono::milliseconds{100}});
    const auto text = to_toml(c);
    auto again = parse_config(text);
    REQUIRE_MESSAGE(again.has_value(), text);
    CHECK(*again == c);
    CHECK(parse_config("").value() == Config{});
}

TEST_CASE("config: bad files name the line, the key and what is expected") {
    auto p = bad("timezone = \"Europe/Paris\"\n[[reader]]\nrole = \"kiosk\"\nvendr = \"16c0\"\n");
    CHECK(p.msgid == "Configuration line {0}: unknown key \"{1}\" in [[reader]]");
    CHECK(p.args == std::vector<std::string>{"4", "vendr"});

    p = bad("[[reader]]\nrole = \"kiosk\"\nvendor = 5824\n");
    CHECK(p.args == std::vector<std::string>{"3", "vendor"});
    CHECK(p.english().find("4 hex digits") != std::string::npos);

    p = bad("[[reader]]\nrole = \"boss\"\nvendor = \"16c0\"\n");
    CHECK(p.english() == "Configuration line 2: \"role\" must be \"kiosk\", \"machine:NAME\" or \"scanner\"");

    p = bad("[[reader]]\nrole = \"kiosk\"\nvendor = \"16c0\"\ngap_ms = 1\n");
    CHECK(p.english() == "Configuration line 4: \"gap_ms\" must be a whole number from 10 to 5000");

    p = bad("[[reader]]\nrole = \"kiosk\"\nvendor = \"16c0\"\nprofile = \"dec\"\n");
    CHECK(p.args[1] == "profile");

    p = bad("[[reader]]\nrole = \"kiosk\"\n");  // matches nothing: refused, never "any keyboard"
    CHECK(p.msgid == "Configuration line {0}: a [[reader]] needs at least one of vendor, product, serial or port");

    p = bad("[[reader]]\nrole = \"kiosk\"\ndriver = \"evdev\"\n");
    CHECK(p.msgid == "Configuration line {0}: an evdev [[reader]] needs a \"device\"");

    p = bad("[[controller]]\nchannels = [\"Laser\"]\n");
    CHECK(p.msgid == "Configuration line {0}: a [[controller]] needs a \"port\" or a \"serial\"");

    p = bad("[[controller]]\nport = \"/dev/ttyUSB0\"\nchannels = [\"Laser\", 3]\n");
    CHECK(p.args[0] == "3");

    p = bad("reader = 3\n");
    CHECK(p.msgid == "Configuration line {0}: \"{1}\" must be written as [[{1}]] sections");

    p = bad("colour = \"blue\"\n");
    CHECK(p.english() == "Configuration line 1: unknown key \"colour\"");

    p = bad("timezone = \"../../etc/passwd\"\n");
    CHECK(p.args[1] == "timezone");

    p = bad("\n\ntimezone = \"Europe/Paris\n");  // TOML syntax: toml++'s own description
    CHECK(p.msgid == "Configuration line {0}: {1}");
    CHECK(p.args[0] == "3");
}

TEST_CASE("config: [photos] folder, written back as read; a bad one names its line") {
    auto c = parse_config("[photos]\nfolder = \"/srv/atelier/photos\"\n");
    REQUIRE(c);
    REQUIRE(c->photos);
    CHECK(c->photos->folder == "/srv/atelier/photos");
    auto again = parse_config(to_toml(*c));
    REQUIRE(again);
    CHECK(*again == *c);
    CHECK(!parse_config("").value().photos);  // none: "photos" beside the database
    for (const char* bad : {"[photos]\nfolder = 3\n", "[photos]\nfolder = \"\"\n", "[photos]\ndir = \"x\"\n", "photos = \"x\"\n"}) {
        CAPTURE(bad);
        auto r = parse_config(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().english().find("line") != std::string::npos);
    }
    CHECK(parse_config("[photos]\ndir = \"x\"\n").error().english() == "Configuration line 2: unknown key \"dir\" in [photos]");
}

TEST_CASE("config: [kiosk] text_size 100, 125 or 150, written back as read; anything else names its line") {
    for (int size : {100, 125, 150}) {
        auto c = parse_config("[kiosk]\ntext_size = " + std::to_string(size) + "\n");
        REQUIRE(c);
        REQUIRE(c->kiosk);
        CHECK(c->kiosk->text_size == size);
        auto again = parse_config(to_toml(*c));
        REQUIRE(again);
        CHECK(*again == *c);
    }
    CHECK(!parse_config("").value().kiosk);  // none: 100 %
    for (const char* bad : {"[kiosk]\ntext_size = 110\n", "[kiosk]\ntext_size = \"150\"\n", "[kiosk]\ntext_size = 1.5\n",
                            "[kiosk]\ntext_size = -125\n", "[kiosk]\nsize = 125\n", "kiosk = 125\n"}) {
        CAPTURE(bad);
        auto r = parse_config(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().english().find("line") != std::string::npos);
    }
    CHECK(parse_config("[kiosk]\ntext_size = 110\n").error().english() ==
          "Configuration line 2: \"text_size\" must be 100, 125 or 150 (per cent)");
}

TEST_CASE("config: [bikes.operators] prefix = name, written back as read; a bad prefix or name names its line") {
    auto c = parse_config("[bikes.operators]\nAB = \"Opérateur A\"\nX2 = \"Opérateur X\"\n");
    REQUIRE(c);
    REQUIRE(c->bikes);
    REQUIRE(c->bikes->operators.size() == 2);
    CHECK(c->bikes->operators[0] == MarkingOperator{"AB", "Opérateur A"});
    CHECK(c->bikes->operators[1] == MarkingOperator{"X2", "Opérateur X"});
    auto again = parse_config(to_toml(*c));
    REQUIRE(again);
    CHECK(*again == *c);
    // The list is what check_marking_id holds an identifier to.
    CHECK(check_marking_id("AB12345678", c->bikes->operators).has_value());
    CHECK_FALSE(check_marking_id("ZZ12345678", c->bikes->operators).has_value());
    auto empty = parse_config("[bikes]\n");
    REQUIRE(empty);
    REQUIRE(empty->bikes);
    CHECK(empty->bikes->operators.empty());
    CHECK(parse_config(to_toml(*empty)).value() == *empty);
    CHECK(!parse_config("").value().bikes);

    for (const char* bad : {"[bikes.operators]\nABC = \"Trois\"\n", "[bikes.operators]\nAO = \"Lettre O\"\n",
                            "[bikes.operators]\nab = \"Minuscules\"\n", "[bikes.operators]\nAB = 12\n",
                            "[bikes.operators]\nAB = \"\"\n", "[bikes]\noperators = \"AB\"\n", "[bikes]\nmarking = true\n",
                            "bikes = 1\n"}) {
        CAPTURE(bad);
        auto r = parse_config(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().english().find("line") != std::string::npos);
    }
    CHECK(parse_config("[bikes.operators]\nAO = \"Lettre O\"\n").error().english() ==
          "Configuration line 2: \"AO\" is not a marking operator's prefix (two capital letters or digits, without I, L, O, Q, U)");
}

TEST_CASE("config: [bikes] seller and [bikes.declaration] columns, written back as read; a field the declaration lacks is refused with its line") {
    auto c = parse_config("[bikes]\nseller = \"Atelier du Vélo Libre\"\nseller_address = \"12 rue du Guidon\\n69001 Lyon\"\n"
                          "[bikes.declaration]\nseparator = \",\"\ncolumns = [[\"Identifiant\", \"marking\"], [\"Nom\", \"surname\"]]\n"
                          "[privacy]\nbike_buyer_days = 0\n");
    REQUIRE_MESSAGE(c, (c ? "" : c.error().english()));
    REQUIRE(c->bikes);
    CHECK(c->bikes->seller == "Atelier du Vélo Libre");
    CHECK(c->bikes->seller_address == "12 rue du Guidon\n69001 Lyon");
    CHECK(c->bikes->separator == ',');
    REQUIRE(c->bikes->columns.size() == 2);
    CHECK(c->bikes->columns[1] == DeclarationColumn{"Nom", "surname"});
    CHECK(c->privacy->bike_buyer_days == 0);
    CHECK(parse_config(to_toml(*c)).value() == *c);
    CHECK(parse_config("[bikes.declaration]\ncolumns = [[\"Nom\", \"nom\"]]\n").error().english().starts_with(
        "Configuration line 2: \"nom\" is not a field of the declaration (one of: marking, operator,"));
    for (const char* bad : {"[bikes.declaration]\nseparator = \"|\"\n", "[bikes.declaration]\ncolumns = []\n",
                            "[bikes.declaration]\ncolumns = [\"marking\"]\n", "[bikes.declaration]\ncolumns = [[\"A\", \"marking\", \"x\"]]\n",
                            "[bikes.declaration]\ncolour = 1\n", "[bikes]\nseller = 3\n", "[privacy]\nbike_buyer_days = -1\n"}) {
        CAPTURE(bad);
        auto r = parse_config(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().english().find("line") != std::string::npos);
    }
}
