// What the A4 papers drawn with cairo share (the proof of sale, the funders' pack): page
// measures, DejaVu Sans (fonts-dejavu-core), text that wraps, headings, and a PDF file
// written through a temporary file (never half a file). Private to db/src. Layer: db.
#pragma once

#include <etabli/core/problem.hpp>

#include <cairo-pdf.h>
#include <cairo.h>

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

namespace etabli::db::pdf {

constexpr double kMm = 72.0 / 25.4;  // PDF points per millimetre
constexpr double kPageW = 210 * kMm, kPageH = 297 * kMm;
constexpr double kMargin = 20 * kMm;
constexpr double kWidth = kPageW - 2 * kMargin;

inline double advance(cairo_t* cr, const std::string& t) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, t.c_str(), &ext);
    return ext.x_advance;
}

inline void font(cairo_t* cr, double size, bool bold = false, bool italic = false) {
    cairo_select_font_face(cr, "DejaVu Sans", italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

// Draws `text` from (x, y) in lines of at most `width` (words are never split unless one is
// wider than the line); returns the y under the last line.
inline double paragraph(cairo_t* cr, const std::string& text, double x, double y, double width, double line_h) {
    std::string line;
    auto flush = [&] {
        cairo_move_to(cr, x, y);
        cairo_show_text(cr, line.c_str());
        y += line_h;
        line.clear();
    };
    std::size_t i = 0;
    while (i <= text.size()) {
        const auto end = text.find_first_of(" \n", i);
        const std::string word = text.substr(i, end == std::string::npos ? std::string::npos : end - i);
        const std::string tried = line.empty() ? word : line + " " + word;
        if (!line.empty() && advance(cr, tried) > width) {
            flush();
            line = word;
        } else {
            line = tried;
        }
        if (end == std::string::npos) break;
        if (text[end] == '\n') flush();
        i = end + 1;
    }
    if (!line.empty()) flush();
    return y;
}

// A section's title over a rule the page's width; returns the y to go on from.
inline double heading(cairo_t* cr, const std::string& text, double y) {
    y += 10;
    font(cr, 12, true);
    cairo_move_to(cr, kMargin, y);
    cairo_show_text(cr, text.c_str());
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, kMargin, y + 5);
    cairo_line_to(cr, kMargin + kWidth, y + 5);
    cairo_stroke(cr);
    return y + 22;
}

// An A4 PDF being written at `out` + ".part"; finish() completes it and renames it to `out`.
// Dropped without finish(), the part is removed.
class File {
public:
    explicit File(std::filesystem::path out) : m_out(std::move(out)), m_part(m_out) {
        m_part += ".part";
        m_surface = cairo_pdf_surface_create(m_part.c_str(), kPageW, kPageH);
        if (cairo_surface_status(m_surface) == CAIRO_STATUS_SUCCESS) m_cr = cairo_create(m_surface);
    }
    ~File() {
        if (m_cr) cairo_destroy(m_cr);
        if (m_surface) cairo_surface_destroy(m_surface);
        if (!m_done) {
            std::error_code ec;
            std::filesystem::remove(m_part, ec);
        }
    }
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    // Null when the file could not be created.
    cairo_t* cr() const { return m_cr; }
    std::expected<void, core::Problem> finish() {
        if (!m_cr) return cannot();
        cairo_destroy(m_cr);
        m_cr = nullptr;
        cairo_surface_finish(m_surface);
        if (cairo_surface_status(m_surface) != CAIRO_STATUS_SUCCESS) return cannot();
        cairo_surface_destroy(m_surface);
        m_surface = nullptr;
        std::error_code ec;
        std::filesystem::rename(m_part, m_out, ec);
        if (ec) return cannot();
        m_done = true;
        return {};
    }
    std::unexpected<core::Problem> cannot() const {
        return std::unexpected(core::problem("Cannot write \"{0}\": check the folder exists and may be written", {m_out.string()}));
    }

private:
    std::filesystem::path m_out, m_part;
    cairo_surface_t* m_surface = nullptr;
    cairo_t* m_cr = nullptr;
    bool m_done = false;
};

}  // namespace etabli::db::pdf
