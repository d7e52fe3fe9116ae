// `etabli member import FILE.csv [--map field=header]…`: reads the file, parses it with
// core::parse_member_csv, shows every bad line (the first ones and a count) or sends all
// rows to the station in one command (one transaction). Layer: cli. Main thread.
#include "io.hpp"
#include "context.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace etabli::cli {

using core::problem;

namespace {
constexpr std::uintmax_t kMaxImportBytes = 64ull * 1024 * 1024;  // a huge association has 1 MB
constexpr std::size_t kErrorsShown = 10;
}  // namespace

int import_members(Context& ctx, const std::string& file, const std::vector<std::string>& maps, bool strict) {
    core::ImportOptions opts;
    opts.strict = strict;
    for (const auto& m : maps) {
        const auto eq = m.find('=');
        auto field = eq == std::string::npos ? std::nullopt : core::import_field_from_string(m.substr(0, eq));
        if (!field || eq + 1 >= m.size())
            return ctx.fail(kBadInput, problem("--map takes field=header, with a field among name, first_name, last_name, email, until, since, role, lang (got \"{0}\")", {m}));
        opts.map.emplace_back(*field, m.substr(eq + 1));
    }

    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec || !std::filesystem::is_regular_file(file))
        return ctx.fail(kBadInput, problem("Cannot read \"{0}\": no such file", {file}));
    if (size > kMaxImportBytes)
        return ctx.fail(kBadInput, problem("\"{0}\" is too large to be a member list ({1} MB)", {file, std::to_string(size >> 20)}));
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) return ctx.fail(kBadInput, problem("Cannot read \"{0}\"", {file}));
    const std::string bytes = ss.str();

    const bool tty = isatty(STDERR_FILENO) && !ctx.json;
    if (tty && bytes.size() > 256 * 1024) {
        opts.progress = [&](std::size_t done, std::size_t total) {
            std::fprintf(stderr, "\r%s %3zu %%", ctx.t("Reading").c_str(), total ? done * 100 / total : 100);
        };
    }
    auto table = core::parse_member_csv(bytes, opts);
    if (opts.progress) std::fprintf(stderr, "\r%*s\r", 20, "");
    if (!table) {
        const auto& errors = table.error();
        cli_err() << "etabli: " << core::fill_placeholders(ctx.t("{0}: nothing imported, {1} problem(s):"), {file, std::to_string(errors.size())}) << '\n';
        for (std::size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) {
            if (errors[i].line) cli_err() << "  " << core::fill_placeholders(ctx.t("line {0}"), {std::to_string(errors[i].line)}) << ": ";
            else cli_err() << "  ";
            cli_err() << ctx.render(errors[i].problem) << '\n';
        }
        if (errors.size() > kErrorsShown)
            cli_err() << "  " << core::fill_placeholders(ctx.t("…and {0} more"), {std::to_string(errors.size() - kErrorsShown)}) << '\n';
        return kBadInput;
    }

    const std::vector<std::string> ignored = table->ignored;
    if (auto code = ctx.open_station()) return *code;
    if (tty && table->rows.size() > 1000) std::fprintf(stderr, "%s…", ctx.t("Saving").c_str());
    auto r = ctx.station->call(app::ImportMembers{std::move(table->rows)});
    if (tty && table->rows.size() > 1000) std::fprintf(stderr, "\r%*s\r", 20, "");
    if (!r) return ctx.fail(r.error());
    const auto& s = std::get<app::ImportSummary>(*r);
    if (ctx.json) {
        cli_out() << nlohmann::json{{"added", s.added}, {"updated", s.updated}, {"unchanged", s.unchanged}, {"ignored_columns", ignored}}
                         .dump()
                  << '\n';
    } else {
        std::string line = core::fill_placeholders(ctx.t("{0} added, {1} updated, {2} unchanged"),
                                                   {std::to_string(s.added), std::to_string(s.updated), std::to_string(s.unchanged)});
        // Every column left out is named: a misspelt end-of-membership header must not pass unseen.
        if (!ignored.empty()) {
            std::string list;
            for (const auto& h : ignored) list += (list.empty() ? "" : ", ") + ("\"" + h + "\"");
            line += "; " + core::fill_placeholders(ctx.t("columns not imported: {0} (name their field with --map field=HEADER)"), {list});
        }
        cli_out() << line << '\n';
    }
    return kDone;
}

}  // namespace etabli::cli
