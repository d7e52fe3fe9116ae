// The kiosk's bike register for the atelier's volunteers: the bikes in stock, a new bike in a
// few taps (how it came, its type, its condition; brand, colour and marking typed only when
// wanted), a bike's page (its marking and hold, the owner's notice and the operator's check in
// one tap, parts taken and fitted), and its departure (sold, given, scrapped, returned; the
// price in chips; the new rider's four mandatory fields on the keyboard).
// Layer: gui (reads app snapshots, emits app commands). GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/core/money.hpp>
#include <etabli/gui/keyboard.hpp>
#include <etabli/gui/screens.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace etabli::gui {

struct BikesView {
    Tr tr;
    const Fonts* fonts = nullptr;
    core::Member viewer;  // the volunteer at the kiosk
    const app::Snapshot* snap = nullptr;
};

struct BikesUi {
    enum class Step { list, intake, intake_more, bike, leave, leave_rider, typing };
    enum class Field { none, brand, colour, marking, part, price, surname, first_name, phone, email };
    Step step = Step::list;
    int page = 0;
    core::BikeId bike = 0;  // the bike's page, its departure
    // A new bike.
    std::optional<core::BikeOrigin> origin;
    std::optional<core::BikeType> type;
    std::optional<core::BikeCondition> condition;
    std::string brand, colour, marking;
    // A departure.
    std::optional<core::BikeStatus> how;
    std::optional<std::int64_t> price_cents;  // a chip, or the amount typed
    std::string price_text;
    bool free_price = false;
    std::optional<core::PayMeans> means;  // a sale: how it was paid (its line in the receipts journal)
    std::string surname, first_name, phone, email;
    // The field on the keyboard, and the step it came from.
    Field typing = Field::none;
    Step typed_from = Step::list;
    std::string part;  // a part's name, taken from the bike of the page
    KeyboardState keys;
    // The request waiting for its reply, and the last outcome shown.
    std::uint64_t pending = 0;
    Step pending_from = Step::list;
    std::string message;
    bool message_ok = false;
};

// The bike screens; returns Next::home on "Back" from the list.
Next draw_bikes(const BikesView& v, BikesUi& ui, Commands& out);

}  // namespace etabli::gui
