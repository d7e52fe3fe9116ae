// E-mail (app/mail.hpp): the renewal reminders. Every hour (the first time at start) the
// feature queues a reminder for every member with an e-mail whose membership ends
// within [smtp] remind_days; the store keeps one per membership end, so looking again queues
// nothing twice. The service's mail thread takes the due ones and reports each try; nothing
// here waits for a mail server. Layer: app. Station thread only.
//
// [SECTION] Index
//   [Queue]       the day's look at the members
//   [Commands]    TakeMails, MailTried, ListMails
//   [Publishing]  MailView
#include <etabli/app/features/mail.hpp>
#include <etabli/app/station.hpp>

#include <map>

namespace etabli::app {

using core::problem;

namespace {

using namespace std::chrono_literals;

// A taken e-mail is the taker's for this long: long enough for a slow server (a try is
// bounded by [smtp] timeout_s, at most 300 s), short enough that a taker that died does not
// hold it for long.
constexpr auto kLease = 10min;

class MailFeatureImpl final : public Feature {
public:
    MailFeatureImpl(Station& station, FeatureHost& host) : m_host(host) {
        if (const auto& d = station.options().remind_days; d && *d > 0) m_remind_days = *d;
    }

    // [SECTION] Queue
    bool housekeeping(core::Timestamp now) override {
        if (m_remind_days == 0 || now < m_next_look) return false;
        // Every hour: a member added or changed today is queued today, and the store keeps
        // one reminder per membership end however often it is looked at.
        m_next_look = now + 1h;
        const auto today = m_host.calendar().local_day(now);
        std::vector<OutMail> due;
        const auto first = std::chrono::sys_days{today};
        const auto last = first + std::chrono::days{m_remind_days};
        for (const auto& [id, m] : m_host.directory().members) {
            if (!m.email || m.email->empty() || !m.valid_until) continue;
            const auto end = std::chrono::sys_days{*m.valid_until};
            if (end < first || end > last) continue;
            OutMail o;
            o.member = id;
            o.until = *m.valid_until;
            o.recipient = *m.email;
            due.push_back(std::move(o));
        }
        if (due.empty()) return false;
        auto r = m_host.store().queue_mails(due, now);
        if (!r) {
            // Looked at again in ten minutes; the hosts see the storage problem meanwhile.
            m_next_look = now + 10min;
            (void)m_host.failed(r.error());
            return true;
        }
        return false;
    }

    // [SECTION] Commands
    Result handle(const Command& c) override {
        return std::visit(
            [&](const auto& cmd) -> Result {
                using T = std::decay_t<decltype(cmd)>;
                if constexpr (std::is_same_v<T, TakeMails>) return take(cmd);
                else if constexpr (std::is_same_v<T, MailTried>) return tried(cmd);
                else if constexpr (std::is_same_v<T, ListMails>) return list(cmd);
                else return std::unexpected(problem("The station failed on this request: {0}", {"mail"}));
            },
            c);
    }

    // [SECTION] Publishing
    void publish(Snapshot& snap) override {
        if (m_dirty || !m_view) {
            auto v = std::make_shared<MailView>();
            v->enabled = m_remind_days > 0;
            v->failed_in_a_row = m_failed_in_a_row;
            v->last_error = m_last_error;
            v->last_sent = m_last_sent;
            m_view = std::move(v);
            m_dirty = false;
        }
        std::get<feature_index_v<MailFeature>>(snap.parts) = m_view;
    }

private:
    Result take(const TakeMails& cmd) {
        MailBatch batch;
        if (m_remind_days == 0) return batch;
        const auto now = m_host.clock().now();
        (void)housekeeping(now);  // a new day's reminders first
        auto rows = m_host.store().take_mails(now, std::clamp(cmd.limit, 1, 100), now + kLease);
        if (!rows) return m_host.failed(rows.error());
        for (auto& m : *rows) {
            const core::Member* member = m_host.directory().find(m.member);
            // Renewed, its end changed, or the e-mail gone (erased, removed): no longer due.
            const char* why = !member || !member->email || member->email->empty() ? "no e-mail any more"
                              : member->valid_until != m.until                   ? "the membership's end changed"
                                                                                 : nullptr;
            if (why) {
                auto d = m_host.store().mail_tried(MailTry{m.id, now, false, std::string("dropped: ") + why, std::nullopt, false});
                if (!d) return m_host.failed(d.error());
                continue;
            }
            m.recipient = *member->email;
            m.name = member->display_name;
            m.lang = member->lang;
            m_taken[m.id] = m.attempts;
            batch.mails.push_back(std::move(m));
        }
        return batch;
    }

    Result tried(const MailTried& cmd) {
        const auto now = m_host.clock().now();
        const auto it = m_taken.find(cmd.id);
        const int before = it == m_taken.end() ? 0 : it->second;
        if (it != m_taken.end()) m_taken.erase(it);
        MailTry t{cmd.id, now, cmd.error.empty(), cmd.error, std::nullopt, true};
        if (!t.sent && !cmd.permanent)
            if (auto delay = core::mail_retry_delay(before + 1)) t.next_try = now + *delay;
        auto r = m_host.store().mail_tried(t);
        if (!r) return m_host.failed(r.error());
        if (t.sent) {
            m_failed_in_a_row = 0;
            m_last_sent = now;
        } else {
            ++m_failed_in_a_row;
            m_last_error = cmd.error.substr(0, 200);
        }
        m_dirty = true;
        return Done{};
    }

    Result list(const ListMails& cmd) {
        auto rows = m_host.store().list_mails(std::clamp(cmd.limit, 1, 10000));
        if (!rows) return m_host.failed(rows.error());
        MailBatch batch;
        batch.mails = std::move(*rows);
        for (auto& m : batch.mails)
            if (const auto* member = m_host.directory().find(m.member)) {
                m.name = member->display_name;
                m.lang = member->lang;
            }
        return batch;
    }

    FeatureHost& m_host;
    int m_remind_days = 0;
    core::Timestamp m_next_look{};
    std::map<std::int64_t, int> m_taken;  // id → tries before this one
    int m_failed_in_a_row = 0;
    std::string m_last_error;
    std::optional<core::Timestamp> m_last_sent;
    bool m_dirty = true;
    std::shared_ptr<const MailView> m_view;
};

}  // namespace

std::unique_ptr<Feature> MailFeature::make(Station& station, FeatureHost& host) {
    return std::make_unique<MailFeatureImpl>(station, host);
}

}  // namespace etabli::app
