// The change feed heard by one station (see change_feed.hpp). Layer: db.
#include <etabli/db/change_feed.hpp>

#include <etabli/db/pg.hpp>

namespace etabli::db {

namespace {
constexpr const char* kChannel = "etabli_changes";
}  // namespace

std::expected<std::unique_ptr<ChangeFeed>, core::Problem> ChangeFeed::start(const std::string& url, int own_pid, Hooks hooks) {
    // The first connection here, so that a wrong URL is said at once.
    auto first = PgConnection::open(url);
    if (!first) return std::unexpected(first.error());
    if (auto r = (*first)->listen(kChannel); !r) return std::unexpected(r.error());
    std::unique_ptr<ChangeFeed> feed(new ChangeFeed());
    feed->m_hooks = std::move(hooks);
    feed->m_thread = std::thread([f = feed.get(), url, own_pid, c = std::shared_ptr<PgConnection>(std::move(*first))]() mutable {
        for (;;) {
            // Hear until the link drops or the feed stops.
            for (;;) {
                if (f->m_stop) return;
                auto n = c->next_notification(std::chrono::milliseconds{200});
                if (!n) break;  // dropped
                if (!*n || (*n)->pid == own_pid) continue;
                // A burst of changes (a decision writes several rows) is said once.
                const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds{20};
                while (std::chrono::steady_clock::now() < until) {
                    auto more = c->next_notification(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
                    if (!more || !*more) break;
                }
                f->m_heard.fetch_add(1);
                if (f->m_hooks.changed) f->m_hooks.changed();
            }
            if (f->m_hooks.link) f->m_hooks.link(false);
            // Again every second, until it comes back or the feed stops.
            for (;;) {
                for (int i = 0; i < 10; ++i) {
                    if (f->m_stop) return;
                    std::this_thread::sleep_for(std::chrono::milliseconds{100});
                }
                auto again = PgConnection::open(url, std::chrono::seconds{2});
                if (!again) continue;
                if (!(*again)->listen(kChannel)) continue;
                c = std::shared_ptr<PgConnection>(std::move(*again));
                break;
            }
            if (f->m_hooks.link) f->m_hooks.link(true);
            f->m_heard.fetch_add(1);
            if (f->m_hooks.changed) f->m_hooks.changed();  // whatever was missed meanwhile
        }
    });
    return feed;
}

ChangeFeed::~ChangeFeed() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

}  // namespace etabli::db
