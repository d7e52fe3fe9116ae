// Trainings, help in the room and know-how cards: the commands are in app/know.hpp, the
// feature in station_know.cpp. Layer: app.
#pragma once

#include <etabli/app/feature_fwd.hpp>
#include <etabli/app/know.hpp>

namespace etabli::app {

// The feature's descriptor (registered in features.hpp).
struct KnowFeature {
    using commands = type_list<AddTraining, CancelTraining, TrainingSignup, TrainingCancelSignup, TrainingAttendance,
                               TrainingGrant, SetHelpOptIn, HelpWho, AskHelp, OfferHelp, WithdrawHelp, SaveCard, ReviewCard,
                               CardHelped, CancelHelpCapture, StartAttendance, StopAttendance>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
