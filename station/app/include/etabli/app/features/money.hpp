// Memberships and the receipts journal: the commands are in app/money.hpp, the feature in
// station_money.cpp. Layer: app.
#pragma once

#include <etabli/app/feature_fwd.hpp>
#include <etabli/app/money.hpp>

namespace etabli::app {

// The feature's descriptor (registered in features.hpp).
struct MoneyFeature {
    using commands = type_list<AddPlan, EditPlan, PayMembership, RecordReceipt, CorrectReceipt, ShowJournal, CloseDay,
                               ReceiptsBetween, ImportHelloAsso>;
    using Part = MoneyView;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
