// The tool library: the feature is in station_tools.cpp.
// Layer: app. Commands are built on any thread and posted; the feature runs on the Station thread.
#pragma once

#include <etabli/app/views.hpp>
#include <etabli/core/tools.hpp>
#include <etabli/app/feature_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace etabli::app {

// [Tool library] handled in station_tools.cpp. `actor` empty: the command line (trusted);
// a kiosk actor acting for another member must be a volunteer, host or admin.
struct AddTool { core::Tool tool; std::optional<core::MemberId> actor; };  // id chosen by the station; no tag: numbered
// Replaces the tool's fields (by id; status and condition included, e.g. repaired), and
// authorises or revokes members for tools that need an authorisation.
struct SetTool {
    core::Tool tool;
    std::vector<core::MemberId> authorise, revoke;
    std::optional<core::MemberId> actor;
};
struct RetireTool { core::ToolId tool = 0; std::optional<core::MemberId> actor; };
struct ImportTools { std::vector<core::ToolImportRow> rows; };  // all or nothing, one transaction
// Checks out a basket of tools to a member: one transaction, all or none.
struct Lend {
    std::vector<core::ToolId> tools;
    core::MemberId member = 0;
    std::optional<int> days;  // the tools' default loan length when empty
    std::optional<core::MemberId> actor;
};
struct ReturnTool {
    core::ToolId tool = 0;
    core::ToolCondition condition = core::ToolCondition::good;
    std::string note;
    bool keep_deposit = false;
    std::string deposit_reason;  // required when the deposit is kept
    std::optional<core::MemberId> actor;
};
struct RenewLoan { core::ToolId tool = 0; std::optional<core::MemberId> actor; };
// A day range (waiting_list false) or a place on the tool's waiting list.
struct ReserveTool {
    core::ToolId tool = 0;
    core::MemberId member = 0;
    bool waiting_list = false;
    core::Date from{}, to{};
    std::optional<core::MemberId> actor;
};
// Cancels a live reservation or waiting-list place (a held tool goes to the next in line).
// A member cancels their own; a host (or the command line) any.
struct CancelToolReservation { core::ReservationId reservation = 0; std::optional<core::MemberId> actor; };
// A host at the kiosk writes the label sheet (A4 PDF; tools not retired, of `category` when
// given) or the overdue list (CSV) into Options::tool_export_dir; the file's path and the
// number of rows come back in ToolsView::last_export.
struct ExportTools {
    enum class Kind { labels, overdue_csv };
    Kind kind = Kind::labels;
    std::string category;
    std::vector<std::string> csv_header;  // the CSV's column names, in the kiosk's language (8)
    std::optional<core::MemberId> actor;
};
// The workshop's tool scanner read a tag (posted by hw): selects the tool in the open kiosk
// borrow or return flow; with no flow open it is kept as the last scan (inventory screens).
struct ToolScanned { std::string tag; std::string scanner = "kiosk"; };
// The kiosk opens (borrow or return) or closes the member's tool flow.
struct ToolFlow {
    enum class Mode { closed, borrow, give_back };
    Mode mode = Mode::closed;
    core::MemberId member = 0;
    std::optional<core::MemberId> actor;  // a volunteer acting for the member
};
// Adds or removes a tool of the open borrow basket (tiles, search), or selects the tool to
// give back in the return flow.
struct ToolPick { core::ToolId tool = 0; bool add = true; };

// The feature's descriptor (registered in features.hpp).
struct ToolsFeature {
    using commands = type_list<AddTool, SetTool, RetireTool, ImportTools, Lend, ReturnTool, RenewLoan, ReserveTool, ToolScanned, ToolFlow, ToolPick, CancelToolReservation, ExportTools>;
    using Part = NoPart;
    static std::unique_ptr<Feature> make(Station& station, FeatureHost& host);
};

}  // namespace etabli::app
