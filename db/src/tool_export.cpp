// The kiosk's exports of the tool library: the label sheet and whole text files
// (the overdue CSV), behind app::Store so that the kiosk reaches them through the station.
// Layer: db (exports live here, DESIGN.md). Thread: the station thread.
#include <etabli/db/labels.hpp>
#include <etabli/db/sql_store.hpp>

#include <fstream>
#include <system_error>

namespace etabli::db {

std::expected<std::size_t, Problem> SqlStore::write_tool_labels(const std::vector<core::Tool>& tools,
                                                                   const std::filesystem::path& out) {
    return write_label_sheet(tools, out);
}

std::expected<void, Problem> SqlStore::write_export(const std::filesystem::path& out, std::string_view bytes) {
    // Written beside, then renamed: a reader never sees half a file, a failure leaves none.
    const auto fail = [&] {
        return std::unexpected(core::problem("Cannot write \"{0}\": check the folder exists and may be written", {out.string()}));
    };
    auto part = out;
    part += ".part";
    {
        std::ofstream f(part, std::ios::binary | std::ios::trunc);
        if (!f) return fail();
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        f.flush();
        if (!f) {
            std::error_code ec;
            std::filesystem::remove(part, ec);
            return fail();
        }
    }
    std::error_code ec;
    std::filesystem::rename(part, out, ec);
    if (ec) {
        std::filesystem::remove(part, ec);
        return fail();
    }
    return {};
}

}  // namespace etabli::db
