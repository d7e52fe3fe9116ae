// The `etabli` command line (see cli.hpp). Layer: cli. Main thread.
//
// [SECTION] index
//   Context          opening the store, translations, failure lines
//   Commands         init, member, badge, tap, presence, kiosk
//   Entry            the argument grammar (CLI11) and exit codes
#include "io.hpp"
#include "alloc_cmds.hpp"
#include "repair_cmds.hpp"
#include "tool_cmds.hpp"
#include "bike_cmds.hpp"
#include "report_cmds.hpp"
#include "mail_cmds.hpp"
#include "report_writer.hpp"
#include "money_cmds.hpp"
#include "know_cmds.hpp"
#include "skill_cmds.hpp"
#include "devices_cmds.hpp"
#include "controller_cmds.hpp"
#include "backup_cmds.hpp"
#include "db_cmds.hpp"
#include "trust_cmds.hpp"

#include <etabli/db/backup.hpp>
#include "kiosk_client.hpp"
#include "kiosk_controllers.hpp"
#include "kiosk_reader_enrol.hpp"
#include "context.hpp"
#include "serve.hpp"

#include <etabli/db/database.hpp>
#include <etabli/db/migrations.hpp>
#include <etabli/db/sql_store.hpp>
#include <etabli/gui/kiosk.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <future>
#include <thread>
#include <unistd.h>
#include <mutex>
#include <regex>
#include <set>
#include <fstream>
#include <iostream>
#include <sstream>

namespace etabli::cli {

using core::problem;
using json = nlohmann::json;

// [SECTION] Context
std::filesystem::path find_assets() {
    if (const char* env = std::getenv("ETABLI_ASSETS"); env && *env) return env;
    for (const char* p : {ETABLI_SOURCE_ASSETS, "/usr/share/etabli/assets", "/usr/local/share/etabli/assets"})
        if (std::filesystem::is_directory(std::filesystem::path(p) / "i18n")) return p;
    return ETABLI_SOURCE_ASSETS;
}

core::Translations load_translations(const std::filesystem::path& assets) {
    // One catalogue per language, as gettext lays them out (assets/i18n/fr.po, scripts/i18n).
    core::Translations tr;
    const auto f = assets / "i18n" / "fr.po";
    std::ifstream in(f, std::ios::binary);
    if (!in) {
        cli_err() << "etabli: " << f.string() << ": cannot read the French translation\n";
        return tr;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto cat = core::parse_po(ss.str());
    if (!cat) {
        cli_err() << "etabli: " << f.string() << ": " << cat.error().english() << '\n';
        return tr;
    }
    tr.fr = std::move(*cat);
    return tr;
}

int Context::fail(int code, const core::Problem& p) const {
    cli_err() << "etabli: " << render(p) << '\n';
    return code;
}

// The one owner of the database: a command waits while other commands hold it (each
// holds it for its whole run: load, decide, commit), `wait` at most per holder; a station
// (serve or kiosk) holding it is named at once.
std::optional<int> Context::take_lock(std::chrono::milliseconds wait) {
    if (served || lock.held()) return std::nullopt;
    using clock_type = std::chrono::steady_clock;
    auto since = clock_type::now();
    pid_t last_pid = -1;
    for (;;) {
        auto r = db::OwnerLock::try_take(db_path, db::LockHolder{::getpid(), role.empty() ? "etabli" : role, {}});
        if (r) {
            lock = std::move(*r);
            return std::nullopt;
        }
        if (auto* p = std::get_if<core::Problem>(&r.error())) return fail(kStorage, *p);
        const auto& h = std::get<db::OwnerLock::Busy>(r.error()).holder;
        const bool station_holds = h.role == "serve" || h.role == "kiosk";
        if (h.pid != last_pid) {  // the lock changed hands: the queue moves, wait again
            last_pid = h.pid;
            since = clock_type::now();
        }
        if (station_holds)
            return fail(kStorage, core::storage_problem("The database {0} is held by etabli {1} (process {2}): one station per database",
                                                        {db_path.string(), h.role, std::to_string(h.pid)}));
        if (clock_type::now() - since >= wait) {
            const std::string who = h.role.empty() ? std::string("etabli") : "etabli " + h.role;
            return fail(kStorage, core::storage_problem("The database {0} is in use by {1} (process {2}); try again when it has finished",
                                                        {db_path.string(), who, std::to_string(h.pid)}));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::optional<int> Context::open_station() {
    if (served) {
        station = served->station;
        calendar = served->calendar;
        return std::nullopt;
    }
    if (station) return std::nullopt;
    if (auto code = make_calendar()) return code;
    if (auto code = take_lock(std::chrono::seconds(10))) return code;
    // The backup before a migration goes where [backup] says.
    auto backups = backup_settings(*this);
    if (!backups) return fail(kBadInput, backups.error());
    // A database file gone while its backups are there was deleted by mistake: a station
    // never starts afresh over it (its empty nightly backups would push the good ones out of
    // the rotation). `etabli init` is how one starts an empty database on purpose.
    if (std::error_code ec; db_url.empty() && role != "init" && db_path != ":memory:" && !std::filesystem::exists(db_path, ec)) {
        const auto kept = db::list_backups(backups->folder, db::backup_stem(db_path));
        if (!kept.empty())
            return fail(kStorage, core::storage_problem(
                                      "The database {0} is missing, but it has backups: put the newest back with etabli restore {1} "
                                      "(or run etabli init to start an empty database)",
                                      {db_path.string(), kept.front().file.string()}));
    }
    auto s = db::SqlStore::open_at(db_url, db_path, backups->folder);
    if (!s) return fail(kStorage, s.error());
    store = std::move(*s);
    auto opts = station_options(*this);  // tool_config.cpp: the lending rules of etabli.toml
    if (!opts) return fail(kBadInput, opts.error());
    owned_station = std::make_unique<app::Station>(*store, clock, *calendar, *opts);
    station = owned_station.get();
    if (before_start) station_attachments = before_start(*station);
    if (auto r = station->start(); !r) return fail(kStorage, r.error());
    // A station among several (PostgreSQL): what the others commit reaches it by the change
    // feed, and it loads again; a link that drops is said on its kiosk until it is back.
    if (!db_url.empty() && (role == "kiosk" || role == "serve")) {
        auto* sql = static_cast<db::SqlStore*>(store.get());
        db::ChangeFeed::Hooks hooks;
        // Waiting for the load (at most 10 s) folds the changes heard meanwhile into one more;
        // a load that fails (the feed's link back before the station's) is tried again.
        hooks.changed = [s = station] {
            for (int i = 0; i < 10; ++i) {
                auto f = s->post(app::Resync{true});
                if (f.wait_for(std::chrono::seconds(10)) == std::future_status::ready && f.get()) return;
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
        };
        hooks.link = [s = station](bool up) {
            if (!up) (void)s->post(app::Resync{false});
        };
        auto f = db::ChangeFeed::start(db_url, sql->backend_pid(), std::move(hooks));
        if (!f) return fail(kStorage, f.error());
        feed = std::move(*f);
    }
    return std::nullopt;
}

std::optional<int> Context::make_calendar() {
    if (calendar) return std::nullopt;
    auto cal = TzCalendar::make([] {
        const char* z = std::getenv("ETABLI_TZ");
        return std::string(z && *z ? z : "Europe/Paris");
    }());
    if (!cal) return fail(kBadInput, cal.error());
    calendar = std::move(*cal);
    return std::nullopt;
}

app::Store& Context::reader() {
    if (!served) {
        release_station();
        return *store;
    }
    if (!read_store) {
        auto s = db::SqlStore::open_at(served->db_url, served->db_path);
        if (!s) throw std::runtime_error(s.error().english());
        read_store = std::move(*s);
    }
    return *read_store;
}

void Context::release_station() {
    feed.reset();
    if (!served && owned_station) owned_station->stop();
}

std::optional<int> Context::reopen_station() {
    if (served) return std::nullopt;
    feed.reset();
    station = nullptr;
    owned_station.reset();
    store.reset();
    return open_station();
}

// [SECTION] Commands
namespace {

std::optional<core::Date> parse_until(const std::string& s) { return core::parse_date(s); }

int cmd_init(Context& ctx, bool demo) {
    if (auto code = ctx.open_station()) return *code;
    if (demo) {
        if (int code = seed_demo(ctx); code != kDone) return code;
    }
    const auto snap = ctx.station->snapshot();
    if (ctx.json) {
        cli_out() << json{{"db", ctx.db_path.string()}, {"schema", db::latest_schema_version()},
                          {"members", snap->directory->members.size()}}
                         .dump()
                  << '\n';
    } else {
        cli_out() << core::fill_placeholders(ctx.t("Database ready: {0} (schema {1}, {2} members)"),
                                             {ctx.db_path.string(), std::to_string(db::latest_schema_version()),
                                              std::to_string(snap->directory->members.size())})
                  << '\n';
    }
    return kDone;
}

struct MemberAddArgs {
    std::string name, role = "member", email, until, lang = "fr";
};

int cmd_member_add(Context& ctx, const MemberAddArgs& a) {
    core::MemberDraft d;
    d.display_name = a.name;
    auto role = core::role_from_string(a.role);
    if (!role) return ctx.fail(kBadInput, problem("Unknown role \"{0}\": use member, volunteer, host or admin", {a.role}));
    d.role = *role;
    auto lang = core::lang_from_string(a.lang);
    if (!lang) return ctx.fail(kBadInput, problem("Unknown language \"{0}\": use fr or en", {a.lang}));
    d.lang = *lang;
    if (!a.email.empty()) d.email = a.email;
    if (!a.until.empty()) {
        auto u = parse_until(a.until);
        if (!u) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {a.until}));
        d.valid_until = *u;
    }
    if (auto v = core::validate_draft(d); !v) return ctx.fail(kBadInput, v.error());
    if (auto code = ctx.open_station()) return *code;
    auto r = ctx.station->call(app::AddMember{d, std::nullopt, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto& m = std::get<core::Member>(*r);
    if (ctx.json) cli_out() << json{{"id", m.id}}.dump() << '\n';
    else cli_out() << m.id << '\n';
    return kDone;
}

// member set: only the options given change; --until none removes the end of membership.
struct MemberSetArgs {
    core::MemberId id = 0;
    std::optional<std::string> name, email, role, until, lang;
};

int cmd_member_set(Context& ctx, const MemberSetArgs& a) {
    if (!a.name && !a.email && !a.role && !a.until && !a.lang)
        return ctx.fail(kBadInput, problem("Say what to change: --name, --email, --role, --until or --lang"));
    std::optional<core::Role> role;
    if (a.role) {
        role = core::role_from_string(*a.role);
        if (!role) return ctx.fail(kBadInput, problem("Unknown role \"{0}\": use member, volunteer, host or admin", {*a.role}));
    }
    std::optional<core::Lang> lang;
    if (a.lang) {
        lang = core::lang_from_string(*a.lang);
        if (!lang) return ctx.fail(kBadInput, problem("Unknown language \"{0}\": use fr or en", {*a.lang}));
    }
    std::optional<std::optional<core::Date>> until;
    if (a.until) {
        if (*a.until == "none" || *a.until == "aucune") {
            until = std::optional<core::Date>{};
        } else {
            auto u = parse_until(*a.until);
            if (!u) return ctx.fail(kBadInput, problem("\"{0}\" is not a date: write YYYY-MM-DD, e.g. 2027-09-30", {*a.until}));
            until = *u;
        }
    }
    if (auto code = ctx.open_station()) return *code;
    const auto snap = ctx.station->snapshot();
    const auto* m = snap->directory->find(a.id);
    if (!m) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(a.id)}));
    core::MemberDraft d;
    d.display_name = a.name.value_or(m->display_name);
    d.email = a.email ? (a.email->empty() ? std::nullopt : std::optional<std::string>(*a.email)) : m->email;
    d.role = role.value_or(m->role);
    d.valid_until = until ? *until : m->valid_until;
    d.lang = lang.value_or(m->lang);
    auto v = core::validate_draft(d);
    if (!v) return ctx.fail(kBadInput, v.error());
    auto r = ctx.station->call(app::EditMember{a.id, *v, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto& done = std::get<core::Member>(*r);
    if (ctx.json) cli_out() << json{{"id", done.id}}.dump() << '\n';
    else cli_out() << core::fill_placeholders(ctx.t("Member {0} ({1}) updated"), {std::to_string(done.id), done.display_name}) << '\n';
    return kDone;
}

bool is_present(const app::Snapshot& s, core::MemberId id) {
    return std::any_of(s.present.begin(), s.present.end(), [&](const auto& p) { return p.id == id; });
}

int cmd_member_list(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    const auto snap = ctx.station->snapshot();
    const auto& dir = *snap->directory;
    if (ctx.json) {
        cli_out() << '[';
        bool first = true;
        for (const auto& [id, m] : dir.members) {
            cli_out() << (first ? "" : ",") << json_member(m, dir, is_present(*snap, id));
            first = false;
        }
        cli_out() << "]\n";
        return kDone;
    }
    for (const auto& [id, m] : dir.members) {
        std::string until = m.valid_until ? format_local_date(*m.valid_until, ctx.lang) : "-";
        cli_out() << fmt::format("{:>6}  {:<32}  {:<9}  {:<10}  {}\n", id, m.display_name,
                                 ctx.t(std::string(core::to_string(m.role))), until, m.email.value_or(""));
    }
    return kDone;
}

int cmd_member_show(Context& ctx, core::MemberId id) {
    if (auto code = ctx.open_station()) return *code;
    const auto snap = ctx.station->snapshot();
    const auto* m = snap->directory->find(id);
    if (!m) return ctx.fail(kBadInput, problem("No member has the number {0}", {std::to_string(id)}));
    if (ctx.json) {
        cli_out() << json_member(*m, *snap->directory, is_present(*snap, id)) << '\n';
        return kDone;
    }
    auto line = [&](std::string_view label, const std::string& value) {
        cli_out() << fmt::format("{:<16} {}\n", ctx.t(label) + ":", value);
    };
    line("Number", std::to_string(m->id));
    line("Name", m->display_name);
    line("E-mail", m->email.value_or("-"));
    line("Role", ctx.t(std::string(core::to_string(m->role))));
    line("Member until", m->valid_until ? format_local_date(*m->valid_until, ctx.lang) : "-");
    line("Language", std::string(core::to_string(m->lang)));
    line("Present", ctx.t(is_present(*snap, id) ? "yes" : core::N_("no")));
    std::string badges;
    for (const auto* b : snap->directory->badges_of(id))
        badges += (badges.empty() ? "" : ", ") + b->uid + " (" + ctx.t(std::string(core::to_string(b->status))) + ")";
    line("Badges", badges.empty() ? "-" : badges);
    return kDone;
}

int cmd_badge_add(Context& ctx, const std::string& uid, core::MemberId member) {
    if (auto u = core::normalize_uid(uid); !u) return ctx.fail(kBadInput, u.error());
    if (auto code = ctx.open_station()) return *code;
    auto r = ctx.station->call(app::AddBadge{uid, member, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto& b = std::get<core::Badge>(*r);
    if (ctx.json) cli_out() << json{{"uid", b.uid}, {"member", b.member_id}, {"status", core::to_string(b.status)}}.dump() << '\n';
    else cli_out() << core::fill_placeholders(ctx.t("Badge {0} enrolled to member {1}"), {b.uid, std::to_string(b.member_id)}) << '\n';
    return kDone;
}

int cmd_badge_revoke(Context& ctx, const std::string& uid, bool lost) {
    if (auto u = core::normalize_uid(uid); !u) return ctx.fail(kBadInput, u.error());
    if (auto code = ctx.open_station()) return *code;
    auto r = ctx.station->call(app::RevokeBadge{uid, lost ? core::BadgeStatus::lost : core::BadgeStatus::revoked, std::nullopt});
    if (!r) return ctx.fail(r.error());
    const auto& b = std::get<core::Badge>(*r);
    if (ctx.json) cli_out() << json{{"uid", b.uid}, {"member", b.member_id}, {"status", core::to_string(b.status)}}.dump() << '\n';
    else cli_out() << core::fill_placeholders(ctx.t(lost ? "Badge {0} declared lost" : core::N_("Badge {0} revoked")), {b.uid}) << '\n';
    return kDone;
}

// A badge at a machine's reader: start or end a session there.
int machine_tap(Context& ctx, const std::string& uid, const std::string& reader, bool lang_given) {
    const auto snap = ctx.station->snapshot();
    std::optional<app::MachineView> machine;
    for (const auto& v : snap->machines) {
        std::string a = v.machine.name, b = reader;
        for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (a == b || std::to_string(v.machine.id) == reader) machine = v;
    }
    if (!machine)
        return ctx.fail(kBadInput, problem("No machine is called or numbered \"{0}\" (see: etabli machine list)", {reader}));
    auto r = ctx.station->call(app::BadgeSeen{uid, app::ReaderRef::at_machine(machine->machine.id, machine->machine.name)});
    if (!r) return ctx.fail(r.error());
    const auto& a = std::get<app::AccessView>(*r);
    // As a reader does: the member's own language, unless --lang asked for another.
    const auto after = ctx.station->snapshot();  // held: the member below points into it
    if (const auto* who = a.member ? after->directory->find(a.member) : nullptr; who && !lang_given) ctx.lang = who->lang;
    std::string message;
    if (a.granted) message = core::fill_placeholders(ctx.t("{0} on until {1}"), {machine->machine.name, a.until_hhmm});
    else if (a.ended) message = core::fill_placeholders(ctx.t("{0}: session ended"), {machine->machine.name});
    else if (a.checked) message = core::fill_placeholders(ctx.t("{0}: checked after use, ready for the next member"), {machine->machine.name});
    else message = ctx.render(a.refusal);
    if (ctx.json) {
        nlohmann::json j{{"machine", a.machine}, {"granted", a.granted}, {"ended", a.ended}, {"checked", a.checked}, {"message", message}};
        if (a.granted) j["until_local"] = a.until_hhmm;
        cli_out() << j.dump() << '\n';
    } else {
        cli_out() << message << '\n';
    }
    return a.granted || a.ended || a.checked ? kDone : kRefused;
}

// `lang_given`: --lang was on the command line; else the member is answered in their language.
int cmd_tap(Context& ctx, const std::string& uid, const std::string& reader, bool lang_given) {
    if (auto u = core::normalize_uid(uid); !u) return ctx.fail(kBadInput, u.error());
    if (auto code = ctx.open_station()) return *code;
    if (!reader.empty()) return machine_tap(ctx, uid, reader, lang_given);
    const auto before = ctx.station->snapshot();
    const auto seq_before = before->last_tap ? before->last_tap->seq : 0;
    auto r = ctx.station->call(app::BadgeSeen{uid, "cli"});
    if (!r || !std::holds_alternative<app::TapView>(*r)) {
        // A capture took this badge: say which, as the station decided it.
        const auto after = ctx.station->snapshot();
        const auto normalized = core::normalize_uid(uid);
        if (after->last_tap && after->last_tap->seq > seq_before && normalized && after->last_tap->uid == *normalized &&
            after->last_tap->claim != app::TapClaim::presence) {
            const auto& t = *after->last_tap;
            if (t.member && !lang_given) ctx.lang = t.member->lang;
            const auto message = ctx.render(describe_claim(t));
            if (ctx.json) {
                json j{{"uid", t.uid}, {"outcome", claim_name(t.claim)}, {"at", core::format_timestamp(t.at)}, {"message", message}};
                if (t.member) j["member"] = json{{"id", t.member->id}, {"name", t.member->display_name}};
                cli_out() << j.dump() << '\n';
            } else {
                cli_out() << message << '\n';
            }
            return r ? kDone : kRefused;
        }
        if (!r) return ctx.fail(r.error());
        return ctx.fail(kStorage, core::storage_problem("The station failed on this request: {0}", {"tap"}));
    }
    const auto& tap = std::get<app::TapView>(*r);
    if (tap.member && !lang_given) ctx.lang = tap.member->lang;
    const auto& d = tap.decision;
    const std::string name = tap.member ? tap.member->display_name : "";
    if (ctx.json) {
        json j{{"uid", tap.uid}, {"outcome", core::to_string(d.kind)}, {"at", core::format_timestamp(tap.at)}};
        if (tap.member) j["member"] = json{{"id", tap.member->id}, {"name", name}};
        if (d.expired_on) j["expired_on"] = core::format_date(*d.expired_on);
        j["message"] = ctx.render(core::describe(d, name));
        cli_out() << j.dump() << '\n';
    } else {
        auto p = core::describe(d, name);
        if (d.expired_on) p.args[0] = format_local_date(*d.expired_on, ctx.lang);
        cli_out() << ctx.render(p);
        if (!core::is_refusal(d.kind)) cli_out() << " (" << ctx.calendar->local_hhmm(tap.at) << ")";
        cli_out() << '\n';
    }
    return core::is_refusal(d.kind) ? kRefused : kDone;
}

int cmd_presence(Context& ctx) {
    if (auto code = ctx.open_station()) return *code;
    const auto snap = ctx.station->snapshot();
    if (ctx.json) {
        json arr = json::array();
        for (const auto& p : snap->present)
            arr.push_back({{"id", p.id}, {"name", p.name}, {"since", core::format_timestamp(p.since)}, {"since_local", p.since_hhmm}});
        cli_out() << arr.dump() << '\n';
        return kDone;
    }
    if (snap->present.empty()) {
        cli_out() << ctx.t("Nobody is in.") << '\n';
        return kDone;
    }
    for (const auto& p : snap->present)
        cli_out() << fmt::format("{}  {}\n", p.since_hhmm, p.name);
    return kDone;
}

int cmd_kiosk(Context& ctx, bool fullscreen, bool demo, const std::string& size, std::optional<std::string> connect = std::nullopt,
              bool db_given = false, int text_size = 0) {
    gui::KioskOptions opts;
    auto config = load_config(ctx.config.empty() ? default_config_path() : ctx.config);
    if (!config) return ctx.fail(kBadInput, config.error());
    // The text size: --text-size, else [kiosk] text_size, else 100 %.
    if (text_size != 0 && text_size != 100 && text_size != 125 && text_size != 150)
        return ctx.fail(kBadInput, problem("--text-size takes 100, 125 or 150 (per cent; got {0})", {std::to_string(text_size)}));
    opts.text_percent = text_size != 0 ? text_size : config->kiosk ? config->kiosk->text_size : 100;
    // The photos of tools and cards: [photos] folder, relative to the database's folder;
    // "photos" beside the database by default.
    {
        const std::filesystem::path base = ctx.db_path.parent_path().empty() ? std::filesystem::path(".") : ctx.db_path.parent_path();
        const std::string folder = config->photos ? config->photos->folder : std::string("photos");
        opts.photos_folder = std::filesystem::path(folder).is_absolute() ? std::filesystem::path(folder) : base / folder;
    }
    // Tests point the USB sticks' mount points elsewhere.
    if (const char* roots = std::getenv("ETABLI_USB_ROOTS"); roots && *roots) {
        std::string r = roots;
        for (std::size_t from = 0; from <= r.size();) {
            const auto colon = std::min(r.find(':', from), r.size());
            if (colon > from) opts.usb_roots.emplace_back(r.substr(from, colon - from));
            from = colon + 1;
        }
    }
    if (!size.empty()) {
        int w = 0, h = 0;
        char x = 0;
        std::istringstream in(size);
        if (!(in >> w >> x >> h) || (x != 'x' && x != 'X') || !in.eof() || w < 800 || h < 480 || w > 7680 || h > 4320)
            return ctx.fail(kBadInput, problem("--size takes WIDTHxHEIGHT, at least 800x480 (got \"{0}\")", {size}));
        opts.width = w;
        opts.height = h;
    }
    if (connect) {
        // The kiosk as a client of `etabli serve`: no lock, no database, no devices of its
        // own; it draws the station's snapshots and sends its commands through the API.
        if (demo) return ctx.fail(kBadInput, problem("--demo is for a kiosk with its own station; the service has its own data"));
        if (!gui::display_available()) {
            cli_err() << "etabli: " << ctx.t("No display: start the kiosk on the workshop's X session, or try it under Xvfb: xvfb-run -s '-screen 0 1280x800x24' etabli kiosk") << '\n';
            return kBadInput;
        }
        std::filesystem::path socket = *connect;
        if (socket.empty()) socket = station_socket(ctx.db_path, db_given).value_or(default_socket_path());
        RemoteStation remote(socket);
        if (auto r = remote.start(); !r)
            return ctx.fail(kStorage, core::storage_problem("No station service answers on {0} ({1}): start it first (etabli serve, or systemctl start etabli)",
                                                            {socket.string(), r.error()}));
        log_line(LogLevel::info, "the kiosk draws from the station on " + socket.string());
        gui::KioskLink link;
        link.snapshot = [&remote] { return remote.snapshot(); };
        link.post = [&remote](app::Command c, std::uint64_t id) { remote.post_async(std::move(c), id); };
        link.set_wake = [&remote](std::function<void()> w) { remote.set_wake(std::move(w)); };
        opts.fullscreen = fullscreen;
        opts.lang = ctx.lang;
        return gui::run_kiosk(link, ctx.tr(), opts);
    }
    // The kiosk embeds the station: it takes the database's lock first, so that a
    // running `etabli serve` (or another kiosk) is named and nothing is written twice.
    ctx.role = "kiosk";
    if (auto code = ctx.take_lock(std::chrono::seconds(10))) return *code;
    if (!gui::display_available()) {
        cli_err() << "etabli: " << ctx.t("No display: start the kiosk on the workshop's X session, or try it under Xvfb: xvfb-run -s '-screen 0 1280x800x24' etabli kiosk") << '\n';
        return kBadInput;
    }
    // The machine controllers of etabli.toml and, with --demo, the demo board: set before
    // the Station starts, their links started after it and stopped before it stops.
    std::shared_ptr<StationControllers> controllers;
    wire_station_controllers(ctx, demo, controllers);
    std::shared_ptr<KioskReaderEnrolment> reader_enrolment;  // enrolling a reader from the host panel
    wire_reader_enrolment(ctx, reader_enrolment);
    if (auto code = ctx.open_station()) return *code;
    ctx.before_start = nullptr;
    struct StopLinks {
        std::shared_ptr<StationControllers>& c;
        ~StopLinks() { if (c) c->stop(); }
    } stop_links{controllers};
    if (controllers) controllers->start();
    // The badge readers of etabli.toml; a bad file stops here, before the kiosk opens.
    auto readers = start_station_readers(ctx, ctx.config);
    if (!readers) return readers.error();
    // A reader enrolled from the kiosk is written to etabli.toml, then every reader is
    // restarted from it so the new one works at once. The capture is stopped before the
    // readers and the Station go.
    std::mutex readers_mutex;
    if (reader_enrolment)
        reader_enrolment->set_reload([&ctx, &readers, &readers_mutex] {
            // The old readers let go of their devices first (EVIOCGRAB, claimed interfaces).
            std::lock_guard lk(readers_mutex);
            readers->reset();
            if (auto fresh = start_station_readers(ctx, ctx.config)) *readers = std::move(*fresh);
        });
    struct StopEnrolment {
        std::shared_ptr<KioskReaderEnrolment>& e;
        ~StopEnrolment() { if (e) e->cancel(); }
    } stop_enrolment{reader_enrolment};
    if (demo && ctx.station->snapshot()->directory->members.empty()) {
        if (int code = seed_demo(ctx); code != kDone) return code;
    }
    // The embedded station answers `etabli` commands on its own socket (named in the
    // lock file), so that they go through it rather than beside it.
    const char* env_socket = std::getenv("ETABLI_SOCKET");
    const auto socket = env_socket && *env_socket
                            ? std::filesystem::path(env_socket)
                            : default_socket_path().parent_path() / ("kiosk-" + std::to_string(::getpid()) + ".sock");
    // The embedded station backs up its data every night too.
    auto backup_cfg = backup_settings(ctx);
    if (!backup_cfg) return ctx.fail(kBadInput, backup_cfg.error());
    auto backups = std::make_shared<BackupScheduler>(ctx, *backup_cfg);
    // And sends the renewal reminders when [smtp] is configured.
    auto started_mail = start_mail_sender(ctx);
    if (!started_mail) return ctx.fail(kBadInput, started_mail.error());
    auto mail = std::move(*started_mail);
    // And writes the funders' pack a host asks for, beside the station.
    auto reports = start_report_writer(ctx);
    Served hooks;
    hooks.backups_changed = [weak = std::weak_ptr<BackupScheduler>(backups)] {
        if (auto b = weak.lock()) b->nudge();
    };
    // Without its socket the kiosk still runs (commands beside it are then refused, naming it).
    auto api = start_api(ctx, socket, "etabli kiosk", hooks);
    std::shared_ptr<ApiServer> served_api = api ? *api : nullptr;
    if (!api) log_line(LogLevel::warning, "the kiosk runs without its API socket: etabli commands wait for it to close");
    struct StopApi {
        std::shared_ptr<ApiServer>& a;
        ~StopApi() {
            if (a) a->stop();
        }
    } stop_api{served_api};
    opts.fullscreen = fullscreen;
    opts.lang = ctx.lang;
    return gui::run_kiosk(*ctx.station, ctx.tr(), opts);
}

// CLI11's messages (English) as a msgid and its arguments, for the translation catalogue:
// the usual ones by their shape, any other as it is.
core::Problem parse_error_text(const std::string& what) {
    static const std::pair<std::regex, const char*> kShapes[] = {
        {std::regex("^A subcommand is required$"), core::N_("A command is required")},
        {std::regex("^(.+) is required$"), core::N_("{0} is required")},
        {std::regex("^The following argument was not expected: (.+)$"), core::N_("This argument was not expected: {0}")},
        {std::regex("^The following arguments were not expected: (.+)$"), core::N_("These arguments were not expected: {0}")},
        {std::regex("^Could not convert: (.+) = (.*)$"), core::N_("{0} does not take \"{1}\": check the value")},
        {std::regex("^(.+) excludes (.+)$"), core::N_("{0} cannot be given with {1}")},
        {std::regex("^(.+) requires (.+)$"), core::N_("{0} needs {1}")},
        {std::regex("^(.+): ([0-9]+) required .* missing$"), core::N_("{0} needs a value")},
        {std::regex("^Option (.+) is not found$"), core::N_("Unknown option {0}")},
        {std::regex("^(.+): Value (.+) not in .*$"), core::N_("{0} does not take \"{1}\": check the value")},
    };
    std::smatch m;
    for (const auto& [re, msgid] : kShapes)
        if (std::regex_match(what, m, re)) {
            std::vector<std::string> args;
            for (std::size_t i = 1; i < m.size(); ++i) args.push_back(m[i].str());
            return problem(msgid, args);
        }
    return core::Problem{"{0}", {what}};  // as it is: not a message
}

core::Lang detect_lang() {
    for (const char* var : {"ETABLI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(var);
        if (!v || !*v) continue;
        if (auto l = core::lang_from_string(v)) return *l;
        if (std::string_view(var) == "ETABLI_LANG") continue;
        if (std::string_view(v) != "C" && std::string_view(v) != "POSIX" && !std::string_view(v).starts_with("C.")) break;
    }
    return core::Lang::fr;  // French first
}

}  // namespace

// [SECTION] Entry
namespace {

// The words of the parsed command: "member add", "book", "tool loans export"…
std::string command_path(const CLI::App& app) {
    std::string path;
    const CLI::App* at = &app;
    for (;;) {
        const auto subs = at->get_subcommands();
        if (subs.empty()) break;
        at = subs.front();
        path += (path.empty() ? "" : " ") + at->get_name();
    }
    return path;
}

// Commands that run in the calling process whatever holds the database: the window, the
// service itself, and what talks to the hardware plugged into this PC.
bool runs_here(const std::string& path) {
    return path.empty() || path == "kiosk" || path == "serve" || path.starts_with("devices") || path.starts_with("controller") ||
           path.starts_with("db");
}

// `may_forward`: a station serving the database gets the command (a terminal's `etabli`);
// `may_write`: the API client may change data (served only).
int execute(Context& ctx, int argc, const char* const* argv, bool may_forward, bool may_write) {
    CLI::App app{"Établi: the station of a community workshop / la station d'un atelier partagé", "etabli"};
    app.set_version_flag("--version", ETABLI_VERSION);
    std::string db_opt, lang_opt;
    app.add_option("--db", db_opt, "Database file (default: $ETABLI_DB, else $XDG_DATA_HOME/etabli/etabli.db)");
    app.add_flag("--json", ctx.json, "Print JSON on stdout (list, show, tap, presence)");
    app.add_option("--lang", lang_opt, "Language of messages: fr or en (default: $ETABLI_LANG, $LANG, else fr)");

    bool init_demo = false;
    auto* init = app.add_subcommand("init", "Create or migrate the database; --demo adds a demo workshop (idempotent)");
    init->add_flag("--demo", init_demo, "Add the demo workshop's members and badges");

    auto* member = app.add_subcommand("member", "Members: add, set, list, show, import");
    member->require_subcommand(1);
    MemberAddArgs add_args;
    auto* m_add = member->add_subcommand("add", "Add a member; prints the new member's number");
    m_add->add_option("--name", add_args.name, "Display name")->required();
    m_add->add_option("--role", add_args.role, "member, volunteer, host or admin")->default_val("member");
    m_add->add_option("--email", add_args.email, "E-mail address");
    m_add->add_option("--until", add_args.until, "Last day of membership, YYYY-MM-DD");
    m_add->add_option("--lang", add_args.lang, "Preferred language: fr or en")->default_val("fr");
    MemberSetArgs set_args;
    auto* m_set = member->add_subcommand("set", "Change a member: name, e-mail, role, end of membership, language");
    m_set->add_option("ID", set_args.id, "Member number")->required();
    m_set->add_option("--name", set_args.name, "Display name");
    m_set->add_option("--email", set_args.email, "E-mail address (\"\" removes it)");
    m_set->add_option("--role", set_args.role, "member, volunteer, host or admin");
    m_set->add_option("--until", set_args.until, "Last day of membership, YYYY-MM-DD (none: no end)");
    m_set->add_option("--lang", set_args.lang, "Preferred language: fr or en");
    auto* m_list = member->add_subcommand("list", "List the members");
    core::MemberId show_id = 0;
    auto* m_show = member->add_subcommand("show", "Show one member");
    m_show->add_option("ID", show_id, "Member number")->required();
    std::string import_file;
    std::vector<std::string> import_maps;
    auto* m_import = member->add_subcommand("import", "Import members from a CSV file (spreadsheet or HelloAsso export)");
    m_import->add_option("FILE", import_file, "CSV file")->required();
    bool import_strict = false;
    m_import->add_flag("--strict", import_strict, "Refuse a file with a column that no field reads");
    m_import->add_option("--map", import_maps, "field=header, e.g. --map email=\"Adresse perso\" (fields: name, first_name, last_name, email, until, since, role, lang)");

    auto* badge = app.add_subcommand("badge", "Badges: add, revoke");
    badge->require_subcommand(1);
    std::string badge_uid;
    core::MemberId badge_member = 0;
    bool badge_lost = false;
    auto* b_add = badge->add_subcommand("add", "Enrol a badge to a member");
    b_add->add_option("UID", badge_uid, "Badge number, exactly as the reader prints it")->required();
    b_add->add_option("--member", badge_member, "Member number")->required();
    auto* b_revoke = badge->add_subcommand("revoke", "Revoke a badge (or declare it lost with --lost)");
    b_revoke->add_option("UID", badge_uid, "Badge number")->required();
    b_revoke->add_flag("--lost", badge_lost, "The badge was lost rather than withdrawn");

    std::string tap_uid, tap_reader;
    auto* tap = app.add_subcommand("tap", "Exactly what a badge reader does; prints the outcome");
    tap->add_option("UID", tap_uid, "Badge number")->required();
    tap->add_option("--reader", tap_reader, "A machine's reader (number or name): start or end a session");

    auto* presence = app.add_subcommand("presence", "Who is in now");

    ServeArgs serve_args;
    auto* serve = app.add_subcommand("serve", "The station service without a window (systemd): owns the database, readers, controllers; answers on a socket");
    serve->add_option("--socket", serve_args.socket, "API socket (default: $ETABLI_SOCKET, else $XDG_RUNTIME_DIR/etabli/station.sock)");
    serve->add_flag("--demo", serve_args.demo, "Add the demo workshop when the database has no member");

    bool kiosk_full = false, kiosk_demo = false;
    std::string kiosk_size;
    auto* kiosk = app.add_subcommand("kiosk", "The touchscreen station (the default when a display exists)");
    kiosk->add_flag("--fullscreen", kiosk_full, "Full screen on the primary monitor");
    kiosk->add_flag("--demo", kiosk_demo, "Add the demo workshop when the database has no member");
    kiosk->add_option("--size", kiosk_size, "Window size, e.g. 800x480 (default 1280x800)");
    int kiosk_text_size = 0;
    kiosk->add_option("--text-size", kiosk_text_size, "Text size in per cent: 100, 125 or 150 (default: [kiosk] text_size, else 100)");
    std::string kiosk_connect;
    kiosk->add_option("--connect", kiosk_connect, "Draw from the station service (etabli serve) on this socket, or the one that serves the database")
        ->expected(0, 1);

    AllocCommands alloc_commands(app);
    RepairCommands repair_commands(app);
    ToolCommands tool_commands(app);
    KnowCommands know_commands(app);  // trainings, help, cards
    BikeCommands bike_commands(app);  // the bike register
    MoneyCommands money_commands(app);  // plans, memberships, receipts
    ReportCommands report_commands(app);  // the funders' pack
    MailCommands mail_commands(app);      // e-mail: the renewal reminders
    SkillCommands skill_commands(app);  // skills; after alloc and tool (adds machine/tool require)
    DevicesCommands devices_commands(app);
    ControllerCommands controller_commands(app);
    BackupCommands backup_commands(app);
    TrustCommands trust_commands(app);
    DbCommands db_commands(app);        // db copy: to a PostgreSQL server

    app.require_subcommand(0, 1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e, cli_out(), cli_err());
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e, cli_out(), cli_err());
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e, cli_out(), cli_err());
    } catch (const CLI::ParseError& e) {
        // The parse stopped before --lang was read: look for it by hand, so that the whole
        // line is in the language asked for.
        // Only the options before the command: `member set --lang en` is a member's language.
        for (int i = 1; i < argc; ++i) {
            const std::string_view a = argv[i];
            if (a == "--lang" && i + 1 < argc) {
                if (auto l = core::lang_from_string(argv[++i])) ctx.lang = *l;
            } else if (a.starts_with("--lang=")) {
                if (auto l = core::lang_from_string(std::string(a.substr(7)))) ctx.lang = *l;
            } else if (a == "--db") {
                ++i;
            } else if (!a.starts_with("-")) {
                break;
            }
        }
        const auto text = parse_error_text(e.what());
        cli_err() << "etabli: " << core::fill_placeholders(ctx.t(text.msgid), text.args) << ". " << ctx.t("Try: etabli --help")
                  << '\n';
        return kBadInput;
    }

    if (!lang_opt.empty()) {
        auto l = core::lang_from_string(lang_opt);
        if (!l) return ctx.fail(kBadInput, problem("Unknown language \"{0}\": use fr or en", {lang_opt}));
        ctx.lang = *l;
    }
    ctx.db_path = db_opt.empty() ? db::default_db_path() : std::filesystem::path(db_opt);
    // Absolute: the lock file names it, and a station serves clients from other folders.
    // Resolved (symlinks too): two names of one file must find the same lock.
    if (std::error_code ec; ctx.db_path != ":memory:") {
        auto resolved = std::filesystem::weakly_canonical(std::filesystem::absolute(ctx.db_path, ec), ec);
        if (!ec) ctx.db_path = resolved;
    }
    ctx.config = devices_commands.config_path();  // every command that opens the station reads [tools]
    // A PostgreSQL database the workshop's stations share: --db, else $ETABLI_DB, else
    // etabli.toml's [database] url. This PC's own files (lock, socket, secret) then go where
    // its SQLite file would be.
    {
        const char* env_db = std::getenv("ETABLI_DB");
        std::string location = !db_opt.empty() ? db_opt : env_db && *env_db ? std::string(env_db) : std::string();
        if (location.empty()) {
            auto config = load_config(ctx.config.empty() ? default_config_path() : ctx.config);
            if (!config) return ctx.fail(kBadInput, config.error());
            if (config->database) location = config->database->url;
        }
        if (db::is_postgres_url(location)) {
            ctx.db_url = location;
            ctx.db_path = std::filesystem::absolute(db::SqlStore::default_postgres_secret_base());
        }
    }

    ctx.role = command_path(app);
    if (ctx.served) {
        // A command an API client sent: on the service's own database and files.
        if (runs_here(ctx.role))
            return ctx.fail(kBadInput, problem("\"{0}\" runs on the station's own PC, not through its API", {ctx.role.empty() ? "kiosk" : ctx.role}));
        std::vector<std::string> words(argv + 1, argv + argc);
        if (!may_write && !read_only_command(ctx.role, words))
            return ctx.fail(kRefused, problem("Refused: \"{0}\" changes the workshop's data, writes a file or shows members' personal data, which only the etabli user and the etabli-admin group may do (missing right: write)",
                                              {ctx.role}));
        ctx.db_path = ctx.served->db_path;
        ctx.db_url = ctx.served->db_url;
        ctx.config = ctx.served->config;
    } else {
        // A PIN is read here, on the user's terminal, and goes to the station with the command.
        std::vector<std::string> words(argv, argv + argc);
        if (auto code = trust_commands.read_pin(ctx, words)) return *code;
        if (may_forward && !runs_here(ctx.role)) {
            // A station serves this database: the command goes through its API.
            const bool db_given = !db_opt.empty() || (std::getenv("ETABLI_DB") && *std::getenv("ETABLI_DB"));
            std::vector<const char*> forwarded;
            for (const auto& w : words) forwarded.push_back(w.c_str());
            if (auto code = forward_to_station(ctx, static_cast<int>(forwarded.size()), forwarded.data(), db_given)) return *code;
        }
    }

    if (serve->parsed()) return cmd_serve(ctx, serve_args);
    if (init->parsed()) return cmd_init(ctx, init_demo);
    if (m_add->parsed()) return cmd_member_add(ctx, add_args);
    if (m_set->parsed()) return cmd_member_set(ctx, set_args);
    if (m_list->parsed()) return cmd_member_list(ctx);
    if (m_show->parsed()) return cmd_member_show(ctx, show_id);
    if (m_import->parsed()) return import_members(ctx, import_file, import_maps, import_strict);
    if (b_add->parsed()) return cmd_badge_add(ctx, badge_uid, badge_member);
    if (b_revoke->parsed()) return cmd_badge_revoke(ctx, badge_uid, badge_lost);
    if (tap->parsed()) return cmd_tap(ctx, tap_uid, tap_reader, !lang_opt.empty());
    if (auto code = alloc_commands.run(ctx)) return *code;
    if (auto code = repair_commands.run(ctx)) return *code;
    if (auto code = tool_commands.run(ctx)) return *code;
    if (auto code = know_commands.run(ctx)) return *code;
    if (auto code = bike_commands.run(ctx)) return *code;
    if (auto code = money_commands.run(ctx)) return *code;
    if (auto code = report_commands.run(ctx)) return *code;
    if (auto code = mail_commands.run(ctx)) return *code;
    if (auto code = skill_commands.run(ctx)) return *code;
    if (auto code = devices_commands.run(ctx)) return *code;
    if (auto code = controller_commands.run(ctx, devices_commands.config_path())) return *code;
    if (auto code = backup_commands.run(ctx)) return *code;
    if (auto code = trust_commands.run(ctx)) return *code;
    if (auto code = db_commands.run(ctx)) return *code;
    if (presence->parsed()) return cmd_presence(ctx);
    if (kiosk->parsed()) {
        const bool db_given = !db_opt.empty() || (std::getenv("ETABLI_DB") && *std::getenv("ETABLI_DB"));
        return cmd_kiosk(ctx, kiosk_full, kiosk_demo, kiosk_size,
                         kiosk->count("--connect") > 0 ? std::optional<std::string>(kiosk_connect) : std::nullopt, db_given,
                         kiosk_text_size);
    }
    if (gui::display_available()) return cmd_kiosk(ctx, false, false, "");
    cli_out() << app.help();
    return kDone;
}

std::shared_ptr<const core::Translations> process_translations(const std::filesystem::path& assets) {
    static std::once_flag once;
    static std::shared_ptr<const core::Translations> tr;
    std::call_once(once, [&] { tr = std::make_shared<core::Translations>(load_translations(assets)); });
    return tr;
}

}  // namespace

int run(int argc, char** argv) {
    Context ctx;
    // The soak test's simulated month: a clock it moves. Never set on a real station.
    if (const char* f = std::getenv("ETABLI_TEST_CLOCK"); f && *f) {
        if (!ctx.clock.use_test_file(f)) {
            cli_err() << "etabli: ETABLI_TEST_CLOCK=" << f << " cannot be read\n";
            return kBadInput;
        }
    }
    ctx.lang = detect_lang();
    ctx.assets = find_assets();
    ctx.translations = process_translations(ctx.assets);
    return execute(ctx, argc, argv, true, true);
}

int run_for_client(const std::vector<std::string>& args, const Served& served, core::Lang lang, bool may_write) {
    Context ctx;
    ctx.served = &served;
    ctx.lang = lang;
    ctx.assets = find_assets();
    ctx.translations = served.translations ? served.translations : process_translations(ctx.assets);
    std::vector<const char*> argv{"etabli"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return execute(ctx, static_cast<int>(argv.size()), argv.data(), false, may_write);
}

// Read-only commands: what any local user of the station's PC may run through the API. Not
// here (so refused without the write right): every change, every command that writes a file
// (exports), since the service would write it with its own rights, and every command
// that shows members' personal data (names, e-mails, badges, who is in, who borrowed, who
// booked, who repaired): those are for the etabli user and the etabli-admin group.
bool read_only_command(const std::string& path, const std::vector<std::string>& args) {
    static const std::set<std::string> kReads = {"machine list", "hours show", "slots", "tool list", "skill list", "stats", "backups", "check"};
    if (!kReads.contains(path)) return false;
    for (const auto& a : args)
        if (a == "--csv" || a.starts_with("--csv=") || a == "--out" || a.starts_with("--out=")) return false;
    return true;
}

}  // namespace etabli::cli
