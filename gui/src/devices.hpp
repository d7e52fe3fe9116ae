// The hosts' device panel: every configured badge reader and tag scanner (its role,
// connected or not, its last badge, its problem in words, and for a permission problem what
// to install: the udev rule) and every machine controller, from the snapshot only.
// Reached from the hosts' machine screen ("Appareils"). Layer: gui. GUI thread, inside a frame.
#pragma once

#include <etabli/app/snapshot.hpp>
#include <etabli/gui/machines.hpp>
#include <etabli/gui/widgets.hpp>

#include <string>

namespace etabli::gui {

// "Lecteur de l'accueil", "Lecteur de Découpe laser", "Scanner d'outils".
std::string reader_role_label(const std::string& role, const Tr& tr);

// The command that installs the readers' udev rule, as README's "Badge readers" gives it.
inline constexpr const char* kReadersUdevInstall =
    "sudo install -m 644 assets/udev/70-etabli-readers.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger";

// Draws page `page` of the lists inside (x, y, w, h), window coordinates (IdScope "devices"):
// whole blocks, as many as fit a page. Returns the number of pages; the caller draws the pager.
int draw_devices(const app::Snapshot& s, const Tr& tr, const LocalClock& clock, float x, float y, float w, float h,
                 int page);

}  // namespace etabli::gui
