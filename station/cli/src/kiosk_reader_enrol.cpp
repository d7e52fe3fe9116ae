// Reader enrolment from the kiosk (see kiosk_reader_enrol.hpp). Layer: cli.
#include "kiosk_reader_enrol.hpp"

#include "devices_cmds.hpp"

#include <algorithm>
#include <utility>

namespace etabli::cli {

namespace {

hw::ReaderEnrolWorker::Hooks make_hooks(Context& ctx, app::Station& station, std::function<void()> after_write) {
    hw::ReaderEnrolWorker::Hooks h;
    h.post = [&station](app::Command c) { station.post_async(std::move(c), 0); };
    h.bind = [&ctx, after_write = std::move(after_write)](
                 const core::ReaderConfig& r) -> std::expected<std::string, core::Problem> {
        const std::filesystem::path path = ctx.config.empty() ? default_config_path() : ctx.config;
        auto config = load_config(path);
        if (!config) return std::unexpected(config.error());
        // The same device enrolled again gets the new role instead of a second entry (as the CLI).
        auto same = std::find_if(config->readers.begin(), config->readers.end(),
                                 [&](const core::ReaderConfig& x) { return x.match == r.match; });
        if (same != config->readers.end()) *same = r;
        else config->readers.push_back(r);
        if (auto s = save_config(path, *config); !s) return std::unexpected(s.error());
        after_write();
        return path.string();
    };
    return h;
}

}  // namespace

KioskReaderEnrolment::KioskReaderEnrolment(Context& ctx, app::Station& station)
    : m_worker(make_hooks(ctx, station, [this] {
          std::function<void()> reload;
          {
              std::lock_guard lk(m_mutex);
              reload = m_reload;
          }
          if (reload) reload();
      })) {}

void KioskReaderEnrolment::set_reload(std::function<void()> reload) {
    std::lock_guard lk(m_mutex);
    m_reload = std::move(reload);
}

void wire_reader_enrolment(Context& ctx, std::shared_ptr<KioskReaderEnrolment>& out) {
    auto previous = std::move(ctx.before_start);
    ctx.before_start = [&ctx, previous, &out](app::Station& station) -> std::shared_ptr<void> {
        std::shared_ptr<void> kept = previous ? previous(station) : nullptr;
        out = std::make_shared<KioskReaderEnrolment>(ctx, station);
        station.set_reader_enroller(&out->worker());
        // Both live as long as the station's attachments.
        return std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<KioskReaderEnrolment>>>(kept, out);
    };
}

}  // namespace etabli::cli
