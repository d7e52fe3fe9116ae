// CSV fields and lines, and files written whole, for the command line's exports (export_files.hpp).
// Layer: cli. Main thread.
#include "export_files.hpp"

#include <etabli/core/ords.hpp>

#include <filesystem>
#include <fstream>

namespace etabli::cli {

using core::problem;

std::string csv_field(std::string s) {
    std::string out;
    core::append_csv_field(out, s);  // one CSV field for every export, formulas disarmed
    return out;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csv_field(cells[i]);
    return line + "\r\n";
}

std::optional<core::Problem> write_whole(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return problem("Cannot write \"{0}\": check the folder exists and may be written", {path});
        out << text;
        out.flush();
        if (!out) return problem("Cannot write \"{0}\": check the folder exists and may be written", {path});
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return problem("Cannot write \"{0}\": check the folder exists and may be written", {path});
    }
    return std::nullopt;
}

}  // namespace etabli::cli
