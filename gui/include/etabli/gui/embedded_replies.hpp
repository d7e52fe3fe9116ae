// The embedded station's replies to the kiosk, by request id: see EmbeddedReplies.
// Layer: gui. GUI thread only.
#pragma once

#include <etabli/app/reply.hpp>
#include <etabli/app/station.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <vector>

namespace etabli::gui {

// The embedded station's replies by request id: each command is posted with its own
// promise, and its reply shown as last_reply in the snapshots of the frames that follow, one
// reply per frame: two replies that come between two frames are both shown, none lost (the
// station's own last_reply keeps only the latest). A reply that does not come in 15 s is
// shown as a failure, so no screen waits for ever. GUI thread only; `wake` asks for one more
// frame (the runner's glfwPostEmptyEvent).
class EmbeddedReplies {
public:
    EmbeddedReplies(app::Station& station, std::function<void()> wake) : m_station(station), m_wake(std::move(wake)) {}

    void post(app::Command c, std::uint64_t id) {
        const auto snap = m_station.snapshot();
        m_waiting.push_back(Waiting{id, m_station.post(std::move(c), app::Origin::kiosk), snap ? snap->version : 0, std::chrono::steady_clock::now()});
    }

    std::shared_ptr<const app::Snapshot> snapshot() {
        auto base = m_station.snapshot();
        const auto now = std::chrono::steady_clock::now();
        for (auto it = m_waiting.begin(); it != m_waiting.end();) {
            // The station publishes, then answers: once the version moved on, the answer is
            // a few microseconds away, and worth waiting for rather than a frame.
            const auto wait = base && base->version > it->version ? std::chrono::milliseconds(5) : std::chrono::milliseconds(0);
            if (it->result.wait_for(wait) == std::future_status::ready) {
                m_ready.push_back(app::reply_of(it->id, it->result.get()));
                it = m_waiting.erase(it);
            } else if (now - it->since > std::chrono::seconds(15)) {
                app::Reply late;
                late.request_id = it->id;
                late.problem = core::problem("The station did not answer in time: look at the screen before trying again");
                m_ready.push_back(std::move(late));
                it = m_waiting.erase(it);
            } else {
                ++it;
            }
        }
        base = m_station.snapshot();  // at least the one that answered
        bool changed = base != m_base;
        if (!m_ready.empty()) {
            m_shown = std::move(m_ready.front());
            m_ready.pop_front();
            changed = true;
            if (!m_ready.empty() && m_wake) m_wake();  // the next one at the next frame
        }
        if (changed && base) {
            auto view = std::make_shared<app::Snapshot>(*base);
            view->last_reply = m_shown;
            m_view = std::move(view);
            m_base = base;
        }
        return m_view ? m_view : base;
    }

private:
    struct Waiting {
        std::uint64_t id = 0;
        std::future<app::Result> result;
        std::uint64_t version = 0;  // the snapshot's when it was posted
        std::chrono::steady_clock::time_point since;
    };
    app::Station& m_station;
    std::function<void()> m_wake;
    std::vector<Waiting> m_waiting;
    std::deque<app::Reply> m_ready;
    std::optional<app::Reply> m_shown;
    std::shared_ptr<const app::Snapshot> m_base, m_view;
};


}  // namespace etabli::gui
