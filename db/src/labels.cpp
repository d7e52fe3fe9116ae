// Label sheets (see labels.hpp): QR codes by libqrencode, drawn as filled squares by cairo on
// an A4 PDF surface, with the tool's name and tag under each code. Layer: db. Any thread.
#include <etabli/db/labels.hpp>

#include "pdf_draw.hpp"

#include <qrencode.h>

#include <string>

namespace etabli::db {

using core::problem;

namespace {
using pdf::kMm;
using pdf::kPageH;
using pdf::kPageW;
constexpr int kCols = 3, kRows = 8;
constexpr double kLabelW = 70 * kMm, kLabelH = 37 * kMm;
constexpr double kTop = (kPageH - kRows * kLabelH) / 2;

// Shortens `text` with "…" until it fits `width` at the current font.
std::string fit(cairo_t* cr, const std::string& text, double width) {
    auto advance = [&](const std::string& t) {
        cairo_text_extents_t ext;
        cairo_text_extents(cr, t.c_str(), &ext);
        return ext.x_advance;
    };
    if (advance(text) <= width) return text;
    std::string cut = text;
    while (!cut.empty()) {
        // One whole UTF-8 code point off the end: its continuation bytes, then its lead byte.
        while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
        if (!cut.empty()) cut.pop_back();
        if (advance(cut + "…") <= width) return cut + "…";
    }
    return "…";
}

void draw_label(cairo_t* cr, const Label& t, double x, double y) {
    const double pad = 3 * kMm;
    const double qr_size = kLabelH - 2 * pad;
    if (QRcode* code = QRcode_encodeString8bit(t.code.c_str(), 0, QR_ECLEVEL_M)) {
        const int n = code->width;
        const double quiet = 2;  // modules of margin inside the square
        const double m = qr_size / (n + 2 * quiet);
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c)
                if (code->data[r * n + c] & 1) cairo_rectangle(cr, x + pad + (c + quiet) * m, y + pad + (r + quiet) * m, m, m);
        cairo_fill(cr);
        QRcode_free(code);
    }
    const double tx = x + pad + qr_size + 2 * kMm;
    const double tw = kLabelW - (tx - x) - pad;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 10);
    cairo_move_to(cr, tx, y + pad + 12);
    cairo_show_text(cr, fit(cr, t.title, tw).c_str());
    cairo_select_font_face(cr, "DejaVu Sans Mono", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    cairo_move_to(cr, tx, y + pad + 30);
    cairo_show_text(cr, fit(cr, t.code, tw).c_str());
    if (!t.note.empty()) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 8);
        cairo_move_to(cr, tx, y + pad + 46);
        cairo_show_text(cr, fit(cr, t.note, tw).c_str());
    }
}
}  // namespace

std::expected<std::size_t, core::Problem> write_label_sheet(const std::vector<core::Tool>& tools,
                                                            const std::filesystem::path& out) {
    if (tools.empty()) return std::unexpected(problem("No tool to label: the category is empty or unknown"));
    std::vector<Label> labels;
    for (const auto& t : tools) labels.push_back({t.name, t.tag, t.category});
    return write_labels(labels, out);
}

std::expected<std::size_t, core::Problem> write_labels(const std::vector<Label>& labels, const std::filesystem::path& out) {
    pdf::File file(out);
    cairo_t* cr = file.cr();
    if (!cr) return file.cannot();
    cairo_set_source_rgb(cr, 0, 0, 0);
    std::size_t i = 0;
    for (const auto& t : labels) {
        const std::size_t on_page = i % (kCols * kRows);
        if (i > 0 && on_page == 0) cairo_show_page(cr);
        const double x = (kPageW - kCols * kLabelW) / 2 + static_cast<double>(on_page % kCols) * kLabelW;
        const double y = kTop + static_cast<double>(on_page / kCols) * kLabelH;
        draw_label(cr, t, x, y);
        ++i;
    }
    cairo_show_page(cr);
    if (auto done = file.finish(); !done) return std::unexpected(done.error());
    return i;
}

}  // namespace etabli::db
