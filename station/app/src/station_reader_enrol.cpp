// The Station's part of enrolling a badge reader from the kiosk: StartReaderEnrolment
// (hosts only) asks the ReaderEnroller port to listen, ReaderEnrolled (posted by the port's
// side) records the outcome, CancelReaderEnrolment stops it; the hosts' device panel reads the
// state from Snapshot::reader_enrolment.
// Layer: app. Station thread only.
//
// Nothing is stored by the station: the binding lives in etabli.toml, which the port's side
// writes. The station only keeps the attempt so that the panel can show it and late answers of
// cancelled attempts are ignored.
#include <etabli/app/station.hpp>

#include "legacy_features.hpp"

namespace etabli::app {

using core::problem;

namespace {
constexpr std::chrono::seconds kReaderEnrolTimeout{60};
// The port answers at its own timeout; the station gives up a little later in case it never does.
constexpr std::chrono::seconds kReaderEnrolGrace{5};
}  // namespace

Result Station::handle_reader_enrol(const Command& c) {
    const auto now = m_clock.now();
    const Directory& dir = directory();
    auto is_host = [&](std::optional<core::MemberId> actor) {
        if (!actor) return true;  // the command line
        const auto* m = dir.find(*actor);
        return m && core::can_host(m->role);
    };
    return std::visit(
        [&](const auto& cmd) -> Result {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, StartReaderEnrolment>) {
                if (!is_host(cmd.actor)) return std::unexpected(problem("Only a host can enrol a badge reader"));
                auto role = core::reader_role_from_string(cmd.role);
                if (!role)
                    return std::unexpected(problem("Unknown role \"{0}\": use kiosk, machine:NAME or scanner", {cmd.role}));
                if (!m_reader_enroller)
                    return std::unexpected(problem("This station cannot enrol readers: it runs without badge readers"));
                ReaderEnrolmentView v;
                v.attempt = ++m_reader_attempts;
                v.role = role->to_string();
                v.started = now;
                v.expires = now + kReaderEnrolTimeout;
                m_reader_enrolment = v;
                m_reader_enroller->start(v.attempt, *role, kReaderEnrolTimeout);
                return Done{};
            } else if constexpr (std::is_same_v<T, CancelReaderEnrolment>) {
                if (!is_host(cmd.actor)) return std::unexpected(problem("Only a host can enrol a badge reader"));
                if (m_reader_enrolment && m_reader_enrolment->state == ReaderEnrolmentView::State::waiting && m_reader_enroller)
                    m_reader_enroller->cancel();
                m_reader_enrolment.reset();
                return Done{};
            } else if constexpr (std::is_same_v<T, ReaderEnrolled>) {
                // A late answer of an attempt cancelled or replaced: nothing waits for it.
                if (!m_reader_enrolment || m_reader_enrolment->attempt != cmd.attempt ||
                    m_reader_enrolment->state != ReaderEnrolmentView::State::waiting)
                    return Done{};
                if (cmd.ok) {
                    m_reader_enrolment->state = ReaderEnrolmentView::State::done;
                    m_reader_enrolment->device = cmd.device;
                    m_reader_enrolment->uid = cmd.uid;
                    m_reader_enrolment->config = cmd.config;
                } else {
                    m_reader_enrolment->state = ReaderEnrolmentView::State::failed;
                    m_reader_enrolment->problem = cmd.problem;
                }
                return Done{};
            } else {
                return std::unexpected(core::Problem{"?", {}});
            }
        },
        c);
}

void Station::publish_reader_enrol(Snapshot& snap) {
    if (m_reader_enrolment && m_reader_enrolment->state == ReaderEnrolmentView::State::waiting &&
        snap.at > m_reader_enrolment->expires + kReaderEnrolGrace) {
        if (m_reader_enroller) m_reader_enroller->cancel();
        m_reader_enrolment->state = ReaderEnrolmentView::State::failed;
        m_reader_enrolment->problem =
            problem("No badge was read within {0} seconds", {std::to_string(kReaderEnrolTimeout.count())});
    }
    snap.reader_enrolment = m_reader_enrolment;
}

// [SECTION] The feature: the device panel's readers and enrolling a reader.
std::unique_ptr<Feature> LegacyFeatures::readers(Station& s) {
    struct Readers final : Feature {
        Station& s;
        explicit Readers(Station& st) : s(st) {}
        Result handle(const Command& c) override {
            if (const auto* d = std::get_if<DevicesChanged>(&c)) {
                s.m_reader_views = d->readers;  // the hosts' device panel
                return Done{};
            }
            return s.handle_reader_enrol(c);
        }
        void publish(Snapshot& snap) override {
            snap.devices = s.m_reader_views;
            s.publish_reader_enrol(snap);
        }
    };
    return std::make_unique<Readers>(s);
}
std::unique_ptr<Feature> ReadersFeature::make(Station& s, FeatureHost&) { return LegacyFeatures::readers(s); }

}  // namespace etabli::app
