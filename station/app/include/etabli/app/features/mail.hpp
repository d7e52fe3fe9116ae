// E-mail: renewal reminders queued in the database and sent by the service's mail thread.
// The commands are in app/mail.hpp, the feature in station_mail.cpp. Layer: app.
#pragma once

#include <etabli/app/feature_fwd.hpp>
#include <etabli/app/mail.hpp>

namespace etabli::app {

// The feature's descriptor (registered in features.hpp).
struct MailFeature {
    using commands = type_list<TakeMails, MailTried, ListMails>;
    using Part = MailView;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
