// Label sheets (see labels.hpp): QR codes by libqrencode, drawn as filled squares by cairo on
// an A4 PDF surface, with the tool's name and tag under each code. Layer: db. Any thread.
#include <etabli/db/labels.hpp>

#include <cairo-pdf.h>
#include <cairo.h>
#include <qrencode.h>

#include <memory>
#include <string>

namespace etabli::db {

using core::problem;

namespace {
constexpr double kMm = 72.0 / 25.4;  // PDF points per millimetre
constexpr double kPageW = 210 * kMm, kPageH = 297 * kMm;
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

void draw_label(cairo_t* cr, const core::Tool& t, double x, double y) {
    const double pad = 3 * kMm;
    const double qr_size = kLabelH - 2 * pad;
    if (QRcode* code = QRcode_encodeString8bit(t.tag.c_str(), 0, QR_ECLEVEL_M)) {
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
    cairo_show_text(cr, fit(cr, t.name, tw).c_str());
    cairo_select_font_face(cr, "DejaVu Sans Mono", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    cairo_move_to(cr, tx, y + pad + 30);
    cairo_show_text(cr, fit(cr, t.tag, tw).c_str());
    if (!t.category.empty()) {
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_ITALIC, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 8);
        cairo_move_to(cr, tx, y + pad + 46);
        cairo_show_text(cr, fit(cr, t.category, tw).c_str());
    }
}
}  // namespace

std::expected<std::size_t, core::Problem> write_label_sheet(const std::vector<core::Tool>& tools,
                                                            const std::filesystem::path& out) {
    if (tools.empty()) return std::unexpected(problem("No tool to label: the category is empty or unknown"));
    const std::string path = out.string();
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
        cairo_pdf_surface_create(path.c_str(), kPageW, kPageH), &cairo_surface_destroy);
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        return std::unexpected(problem("Cannot write \"{0}\": check the folder exists and may be written", {path}));
    std::unique_ptr<cairo_t, decltype(&cairo_destroy)> cr(cairo_create(surface.get()), &cairo_destroy);
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    std::size_t i = 0;
    for (const auto& t : tools) {
        const std::size_t on_page = i % (kCols * kRows);
        if (i > 0 && on_page == 0) cairo_show_page(cr.get());
        const double x = (kPageW - kCols * kLabelW) / 2 + static_cast<double>(on_page % kCols) * kLabelW;
        const double y = kTop + static_cast<double>(on_page / kCols) * kLabelH;
        draw_label(cr.get(), t, x, y);
        ++i;
    }
    cairo_show_page(cr.get());
    cr.reset();
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        std::error_code ec;
        std::filesystem::remove(out, ec);
        return std::unexpected(problem("Cannot write \"{0}\": check the folder exists and may be written", {path}));
    }
    return i;
}

}  // namespace etabli::db
