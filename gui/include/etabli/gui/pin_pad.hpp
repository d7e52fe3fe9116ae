// The kiosk's PIN pad: ten digits, "Effacer" and "Valider" on screen, the digits typed
// never shown (a dot each). Hosts and admins enter their PIN to open a host session; a member
// enters theirs for a machine that requires it; anyone without a PIN chooses one (twice), and
// one who has a PIN may change it (the current one first).
// Layer: gui. GUI thread only (inside an ImGui frame).
#pragma once

#include <etabli/alloc/model.hpp>
#include <etabli/core/member.hpp>
#include <etabli/gui/theme.hpp>
#include <etabli/gui/widgets.hpp>

#include <cstdint>
#include <string>

namespace etabli::gui {

struct PinPadUi {
    enum class Purpose { host, machine };  // a host session; a machine that requires the PIN
    enum class Step { enter, choose, confirm, current };  // current: changing, the current PIN first
    Purpose purpose = Purpose::host;
    Step step = Step::enter;
    core::MemberId member = 0;
    alloc::MachineId machine = 0;  // Purpose::machine
    std::string machine_name;
    std::string digits;   // typed so far (never drawn)
    std::string chosen;   // the new PIN, first entry
    std::string current;  // the current PIN, when changing
    std::string message;  // the last outcome, translated
    bool message_ok = false;
    std::uint64_t pending = 0;  // the request whose reply the pad waits for
};

struct PinPadView {
    Tr tr;
    const Fonts* fonts = nullptr;
    std::string member_name;
    bool has_pin = true;  // "Changer mon code" only then
};

enum class PinPadAction { none, submit, cancel, change };

// Draws the pad over the whole window and edits ui.digits; `submit` when "Valider" is tapped
// with 4 to 8 digits, `change` for "Changer mon code", `cancel` for "Annuler".
PinPadAction draw_pin_pad(const PinPadView& v, PinPadUi& ui);

}  // namespace etabli::gui
