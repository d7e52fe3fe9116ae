// The bike register's papers (see bike_papers.hpp): the proof of sale drawn by cairo on an A4
// PDF surface, in DejaVu Sans (fonts-dejavu-core), and the operator's CSV.
// Layer: db. Any thread.
#include <etabli/db/bike_papers.hpp>

#include "pdf_draw.hpp"

namespace etabli::db {

using core::problem;

namespace {
using namespace pdf;

// One "label: value" row of a block; the value wraps beside the label's column.
double row(cairo_t* cr, const std::string& label, const std::string& value, double y) {
    if (value.empty()) return y;
    constexpr double label_w = 48 * kMm;
    font(cr, 10);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_move_to(cr, kMargin, y);
    cairo_show_text(cr, label.c_str());
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 11);
    return paragraph(cr, value, kMargin + label_w, y, kWidth - label_w, 15) + 2;
}

std::string join(std::initializer_list<std::string> parts, const char* sep = " ") {
    std::string out;
    for (const auto& p : parts)
        if (!p.empty()) out += (out.empty() ? "" : sep) + p;
    return out;
}
}  // namespace

std::expected<void, core::Problem> write_proof_of_sale(const ProofOfSale& p, const std::filesystem::path& out) {
    const auto& b = p.bike;
    const bool to_rider = b.status == core::BikeStatus::sold || b.status == core::BikeStatus::given;
    if (!to_rider || !b.departure)
        return std::unexpected(problem("Bike {0} was not sold nor given: there is no proof of sale to print", {std::to_string(b.id)}));
    if (!b.departure->buyer)
        return std::unexpected(problem("The new rider's data of bike {0} was purged: the proof can no longer be printed", {std::to_string(b.id)}));
    const auto& d = *b.departure;
    const auto& buyer = *d.buyer;
    auto tr = [&](std::string_view msgid) { return p.tr ? p.tr(msgid) : std::string(msgid); };

    pdf::File file(out);
    cairo_t* cr = file.cr();
    if (!cr) return file.cannot();
    cairo_set_source_rgb(cr, 0, 0, 0);

    double y = kMargin + 10;
    font(cr, 20, true);
    y = paragraph(cr, d.kind == core::BikeStatus::sold ? tr("Proof of sale of a bicycle") : tr("Proof of gift of a bicycle"),
                  kMargin, y, kWidth, 26);
    font(cr, 10, false, true);
    y = paragraph(cr, core::fill_placeholders(tr("Workshop bike number {0}, left on {1}"),
                                              {std::to_string(b.id), core::format_date(d.day)}),
                  kMargin, y + 2, kWidth, 14);

    y = heading(cr, d.kind == core::BikeStatus::sold ? tr("Seller") : tr("Giver"), y);
    y = row(cr, tr("Name"), p.seller.empty() ? tr("(set [bikes] seller in etabli.toml)") : p.seller, y);
    y = row(cr, tr("Address"), p.seller_address, y);

    y = heading(cr, tr("New owner"), y);
    y = row(cr, tr("Name"), join({buyer.first_name, buyer.surname}), y);
    y = row(cr, tr("Phone"), buyer.phone, y);
    y = row(cr, tr("E-mail"), buyer.email, y);
    y = row(cr, tr("Address"), buyer.address, y);

    y = heading(cr, tr("Bicycle"), y);
    y = row(cr, tr("Type"), tr(core::label(b.type)), y);
    y = row(cr, tr("Brand and model"), join({b.brand, b.model}), y);
    y = row(cr, tr("Colour"), b.colour, y);
    y = row(cr, tr("Wheel size"), b.wheel_size, y);
    y = row(cr, tr("Frame size"), b.frame_size, y);
    y = row(cr, tr("Frame number"), b.frame_serial, y);
    y = row(cr, tr("Marking identifier"),
            b.marking.empty() ? tr("none") : (p.operator_name.empty() ? b.marking : b.marking + " (" + p.operator_name + ")"), y);

    y = heading(cr, d.kind == core::BikeStatus::sold ? tr("Price") : tr("Gift"), y);
    if (d.kind == core::BikeStatus::sold) {
        const auto amount = core::format_amount(p.lang, d.price_cents);
        y = row(cr, d.price_kind == core::PriceKind::free ? tr("Paid (prix libre)") : tr("Price paid"), amount, y);
    } else {
        font(cr, 11);
        y = paragraph(cr, tr("Given free of charge."), kMargin, y, kWidth, 15);
    }
    font(cr, 9.5);
    y += 6;
    if (!b.marking.empty())
        y = paragraph(cr, core::fill_placeholders(tr("This bicycle carries the marking identifier {0}. The workshop declares the change of "
                                                     "owner to the marking operator; the new owner can then keep their details up to date "
                                                     "with the operator, and report the bicycle if it is stolen."),
                                                  {b.marking}),
                      kMargin, y, kWidth, 13);
    y = paragraph(cr, tr("The bicycle was refurbished by the workshop's volunteers and is handed over as it is, as seen and tried by "
                         "the new owner."),
                  kMargin, y + 4, kWidth, 13);

    // Signatures.
    y = std::max(y + 16, kPageH - kMargin - 45 * kMm);
    const double box_w = (kWidth - 10 * kMm) / 2;
    font(cr, 10);
    for (int i = 0; i < 2; ++i) {
        const double x = kMargin + i * (box_w + 10 * kMm);
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, (i == 0 ? tr("For the workshop (signature)") : tr("The new owner (signature)")).c_str());
        cairo_set_line_width(cr, 0.5);
        cairo_rectangle(cr, x, y + 5, box_w, 28 * kMm);
        cairo_stroke(cr);
    }
    font(cr, 8, false, true);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_move_to(cr, kMargin, kPageH - kMargin + 6);
    cairo_show_text(cr, core::fill_placeholders(tr("Printed on {0} by Établi"), {core::format_date(p.printed)}).c_str());

    cairo_show_page(cr);
    return file.finish();
}

std::string declaration_csv(const std::vector<core::Bike>& bikes, const core::BikesConfig& config) {
    std::vector<std::pair<std::string, std::string>> columns;
    for (const auto& c : config.columns) columns.emplace_back(c.header, c.field);
    if (columns.empty()) columns = core::default_declaration_columns();
    const char sep = config.separator == ',' ? ',' : ';';
    auto field = [&](std::string s) {
        if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
        if (s.find_first_of(std::string{sep, '"', '\r', '\n'}) == std::string::npos) return s;
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + '"';
    };
    std::string out = "\xEF\xBB\xBF";
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? std::string(1, sep) : std::string()) + field(cells[i]);
        out += "\r\n";
    };
    std::vector<std::string> cells;
    for (const auto& [header, f] : columns) cells.push_back(header);
    line(cells);
    for (const auto& b : bikes) {
        cells.clear();
        for (const auto& [header, f] : columns) cells.push_back(core::declaration_value(b, f, config.operators));
        line(cells);
    }
    return out;
}

}  // namespace etabli::db
