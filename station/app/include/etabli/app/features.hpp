// The station's features, registered in one place. Each feature is a descriptor (its
// commands, its Part of the snapshot, how to make it) in app/features/NAME.hpp and a class in
// station/app/src behind app/feature.hpp. To add a feature: write those two files and add its
// descriptor to `Features` below; the Command variant, the dispatch of its commands, its load,
// tap claim, housekeeping and publishing all follow from this list. Nothing else to edit.
//
// The order is the order of every hook: load at start, the claim of a badge tapped at the
// kiosk (the first that claims it decides; check-in and check-out come after all of them),
// housekeeping, publishing (a feature may read what an earlier one published).
// Layer: app.
#pragma once

#include <etabli/app/features/bikes.hpp>
#include <etabli/app/features/controllers.hpp>
#include <etabli/app/features/know.hpp>
#include <etabli/app/features/mail.hpp>
#include <etabli/app/features/money.hpp>
#include <etabli/app/features/readers.hpp>
#include <etabli/app/features/repairs.hpp>
#include <etabli/app/features/report.hpp>
#include <etabli/app/features/skills.hpp>
#include <etabli/app/features/tools.hpp>

#include <memory>
#include <tuple>

namespace etabli::app {

using Features = type_list<ControllersFeature,  // machine controllers
                           ReadersFeature,      // badge readers and their enrolment
                           RepairsFeature,      // repairs and volunteer hours
                           ToolsFeature,        // the tool library
                           SkillsFeature,       // skills: sign-off and supervisor badges first
                           KnowFeature,         // trainings, help, know-how: "J'aide" and attendance badges
                           MoneyFeature,        // memberships and the receipts journal
                           BikesFeature,        // the bike register (a sale's receipt)
                           MailFeature,         // e-mail: the renewal reminders
                           ReportFeature>;      // the funders' pack asked at the kiosk

template <class L>
struct feature_commands;
template <class... F>
struct feature_commands<type_list<F...>> {
    using type = concat_t<typename F::commands...>;
};
// Every feature's commands, in registration order.
using FeatureCommands = typename feature_commands<Features>::type;

template <class L>
struct feature_parts;
template <class... F>
struct feature_parts<type_list<F...>> {
    using type = std::tuple<std::shared_ptr<const typename F::Part>...>;
};
// Snapshot::parts: one shared part per feature, in registration order.
using FeatureParts = typename feature_parts<Features>::type;

template <class F>
inline constexpr std::size_t feature_index_v = index_of_v<Features, F>;

}  // namespace etabli::app
