// Where the kiosk's files go (labels, overdue list, the funders' pack): the configured
// folder (Station::Options::tool_export_dir), else $XDG_DOCUMENTS_DIR, else $HOME, else the
// working folder.
// Private to station/app/src. Layer: app. Any thread.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace etabli::app {

inline std::filesystem::path export_folder(const std::filesystem::path& configured) {
    if (!configured.empty()) return configured;
    if (const char* x = std::getenv("XDG_DOCUMENTS_DIR"); x && *x) return x;
    if (const char* h = std::getenv("HOME"); h && *h) return h;
    return ".";
}

}  // namespace etabli::app
