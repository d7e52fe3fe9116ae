// ORDS exports and the full repairs CSV (see ords.hpp). Layer: core (pure). Any thread.
#include <etabli/core/ords.hpp>

#include <algorithm>
#include <array>

namespace etabli::core {

void append_csv_field(std::string& out, std::string_view field) {
    const bool formula = !field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos;
    if (field.find_first_of(",;\"\r\n") == std::string_view::npos) {
        if (formula) out += '\'';
        out.append(field);
        return;
    }
    out += '"';
    if (formula) out += '\'';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string ords_problem_text(const Repair& r) {
    if (r.done.empty()) return r.problem;
    if (r.problem.empty()) return r.done;
    return r.problem + "; " + r.done;
}

namespace {

bool lower_letters(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < 'a' || c > 'z') return false;
    return true;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// One field of a table schema: name, type, whether required, and an enum when it has one.
struct SchemaField {
    const char* name;
    const char* type;
    bool required;
    std::vector<std::string> enumeration;
    std::string pattern;
};

std::string schema_json(const std::vector<SchemaField>& fields, const char* primary_key) {
    std::string s = "{\n        \"fields\": [\n";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& f = fields[i];
        s += "          {\"name\": " + json_string(f.name) + ", \"type\": " + json_string(f.type);
        if (f.required || !f.enumeration.empty() || !f.pattern.empty()) {
            s += ", \"constraints\": {";
            bool first = true;
            if (f.required) {
                s += "\"required\": true";
                first = false;
            }
            if (!f.pattern.empty()) {
                s += std::string(first ? "" : ", ") + "\"pattern\": " + json_string(f.pattern);
                first = false;
            }
            if (!f.enumeration.empty()) {
                s += std::string(first ? "" : ", ") + "\"enum\": [";
                for (std::size_t k = 0; k < f.enumeration.size(); ++k)
                    s += (k ? ", " : "") + json_string(f.enumeration[k]);
                s += "]";
            }
            s += "}";
        }
        s += i + 1 < fields.size() ? "},\n" : "}\n";
    }
    s += "        ]";
    if (primary_key) s += ",\n        \"primaryKey\": " + json_string(primary_key);
    return s + "\n      }";
}

std::string tableschema(const OrdsOptions& o) {
    std::vector<std::string> statuses, barriers, categories;
    for (auto s : kStatuses) statuses.emplace_back(ords_text(s));
    for (auto b : kBarriers) barriers.emplace_back(ords_text(b));
    for (const auto& c : ords_categories()) categories.emplace_back(c.name);
    std::vector<SchemaField> powered{
        {"id", "string", true, {}, "^" + o.id_prefix + "-[0-9]+$"},
        {"data_provider", "string", true, {}, ""},
        {"country", "string", true, {}, "^[A-Z]{3}$"},
        {"partner_product_category", "string", false, {}, ""},
        {"product_category", "string", true, categories, ""},
        {"product_category_id", "integer", true, {}, ""},
        {"brand", "string", false, {}, ""},
        {"year_of_manufacture", "string", false, {}, "^[0-9]{4}$"},
        {"product_age", "number", false, {}, ""},
        {"repair_status", "string", true, statuses, ""},
        {"repair_barrier_if_end_of_life", "string", false, barriers, ""},
        {"group_identifier", "string", false, {}, ""},
        {"event_date", "date", true, {}, ""},
        {"problem", "string", false, {}, ""},
    };
    std::vector<SchemaField> unpowered{
        {"data_provider", "string", true, {}, ""},
        {"product_category", "string", true,
         {"Unpowered - Bicycle", "Unpowered - Furniture", "Unpowered - Household", "Unpowered - Jewellery",
          "Unpowered - Textile", "Unpowered - Other"},
         ""},
        {"repair_status", "string", true, statuses, ""},
        {"total", "integer", true, {}, ""},
    };
    std::string s = "{\n";
    s += "  \"profile\": \"tabular-data-package\",\n";
    s += "  \"name\": \"ords-" + o.id_prefix + "\",\n";
    s += "  \"title\": " + json_string("Open Repair Data: " + o.data_provider) + ",\n";
    s += "  \"licenses\": [{\"name\": \"CC-BY-SA-4.0\", \"path\": \"https://creativecommons.org/licenses/by-sa/4.0/\"}],\n";
    s += "  \"resources\": [\n";
    s += "    {\n      \"name\": \"powered\",\n      \"path\": \"powered.csv\",\n      \"profile\": \"tabular-data-resource\",\n"
         "      \"format\": \"csv\",\n      \"encoding\": \"utf-8\",\n      \"schema\": " +
         schema_json(powered, "id") + "\n    },\n";
    s += "    {\n      \"name\": \"unpowered\",\n      \"path\": \"unpowered.csv\",\n      \"profile\": \"tabular-data-resource\",\n"
         "      \"format\": \"csv\",\n      \"encoding\": \"utf-8\",\n      \"schema\": " +
         schema_json(unpowered, nullptr) + "\n    }\n";
    s += "  ]\n}\n";
    return s;
}

std::string two_digits(unsigned v) { return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)}; }

}  // namespace

std::expected<OrdsExport, Problem> export_ords(const std::vector<Repair>& repairs,
                                               const std::vector<std::string>& member_names, const OrdsOptions& opts) {
    if (!lower_letters(opts.id_prefix))
        return std::unexpected(problem("The id prefix \"{0}\" must be lower-case letters only (a-z)", {opts.id_prefix}));
    if (opts.country.size() != 3 || !std::all_of(opts.country.begin(), opts.country.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return std::unexpected(problem("The country \"{0}\" must be an ISO 3166 alpha-3 code, e.g. FRA", {opts.country}));
    if (opts.data_provider.empty() || opts.data_provider.find_first_of("\r\n") != std::string::npos)
        return std::unexpected(problem("The data provider must be one line of text"));
    const std::string& group = opts.group_identifier.empty() ? opts.data_provider : opts.group_identifier;

    OrdsExport x;
    const PiiStripper stripper(member_names);
    x.powered_csv =
        "id,data_provider,country,partner_product_category,product_category,product_category_id,brand,"
        "year_of_manufacture,product_age,repair_status,repair_barrier_if_end_of_life,group_identifier,event_date,problem\n";
    x.powered_csv.reserve(repairs.size() * 160);
    std::array<std::size_t, 4> bikes{};
    std::string provider_field, group_field;
    append_csv_field(provider_field, opts.data_provider);
    append_csv_field(group_field, group);
    for (const auto& r : repairs) {
        if (r.item == ItemKind::bicycle) {
            ++bikes[static_cast<std::size_t>(r.status)];
            ++x.bicycles;
            continue;
        }
        const auto cat = r.category ? ords_category(*r.category) : std::nullopt;
        if (!cat) continue;  // validate_repair never lets one through; a damaged row is skipped
        auto& o = x.powered_csv;
        o += opts.id_prefix;
        o += '-';
        o += std::to_string(r.id);
        o += ',';
        o += provider_field;
        o += ',';
        o += opts.country;
        o += ',';
        append_csv_field(o, r.partner_category.empty() ? std::string(cat->name) : r.partner_category);
        o += ',';
        append_csv_field(o, cat->name);
        o += ',';
        o += std::to_string(cat->id);
        o += ',';
        append_csv_field(o, r.brand.empty() ? std::string_view("Unknown") : std::string_view(r.brand));
        o += ',';
        const int event_year = static_cast<int>(r.day.year());
        if (r.year) o += std::to_string(*r.year);
        o += ',';
        if (r.year && *r.year <= event_year) o += std::to_string(event_year - *r.year);
        o += ',';
        o += ords_text(r.status);
        o += ',';
        if (r.status == RepairStatus::end_of_life && r.barrier) o += ords_text(*r.barrier);
        o += ',';
        o += group_field;
        o += ',';
        o += std::to_string(event_year);
        o += '-';
        o += two_digits(static_cast<unsigned>(r.day.month()));
        o += '-';
        o += two_digits(static_cast<unsigned>(r.day.day()));
        o += ',';
        bool changed = false;
        const auto text = stripper.strip(ords_problem_text(r), changed);
        if (changed) ++x.texts_changed;
        append_csv_field(o, text);
        o += '\n';
        ++x.powered_rows;
    }
    x.unpowered_csv = "data_provider,product_category,repair_status,total\n";
    for (auto s : kStatuses) {
        const auto n = bikes[static_cast<std::size_t>(s)];
        if (n == 0) continue;
        x.unpowered_csv += provider_field + ",Unpowered - Bicycle," + std::string(ords_text(s)) + "," + std::to_string(n) + "\n";
    }
    x.tableschema_json = tableschema(opts);
    return x;
}

namespace {
// A spreadsheet runs "=…" as a formula: append_csv_field disarms it (every CSV of the station).
void cell(std::string& out, std::string_view v, bool last = false) {
    append_csv_field(out, v);
    out += last ? '\n' : ',';
}
}  // namespace

std::string export_repairs_csv(const std::vector<Repair>& repairs) {
    std::string o =
        "id,date,volunteers,owner,item,component,ords_category_id,ords_category,partner_category,brand,model,year,"
        "status,barrier,minutes,parts,problem,done,notes,logged_at,updated_at\n";
    for (const auto& r : repairs) {
        std::string vols;
        for (auto v : r.volunteers) vols += (vols.empty() ? "" : " ") + std::to_string(v);
        std::string parts;
        for (const auto& p : r.parts) parts += (parts.empty() ? "" : "; ") + format_part(p);
        const auto cat = r.category ? ords_category(*r.category) : std::nullopt;
        cell(o, std::to_string(r.id));
        cell(o, format_date(r.day));
        cell(o, vols);
        cell(o, r.owner ? std::to_string(*r.owner) : "");
        cell(o, to_string(r.item));
        cell(o, r.component ? to_string(*r.component) : "");
        cell(o, cat ? std::to_string(cat->id) : "");
        cell(o, cat ? cat->name : "");
        cell(o, r.partner_category);
        cell(o, r.brand);
        cell(o, r.model);
        cell(o, r.year ? std::to_string(*r.year) : "");
        cell(o, to_string(r.status));
        cell(o, r.barrier ? to_string(*r.barrier) : "");
        cell(o, std::to_string(r.minutes));
        cell(o, parts);
        cell(o, r.problem);
        cell(o, r.done);
        cell(o, r.notes);
        cell(o, format_timestamp(r.logged_at));
        cell(o, format_timestamp(r.updated_at), true);
    }
    return o;
}

}  // namespace etabli::core
