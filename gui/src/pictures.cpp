// Photos: checked and decoded off the GUI thread (stb_image from Debian's libstb, through
// pkg-config's imgui), shrunk to thumbnails (stb_image_resize), kept as textures. See pictures.hpp.
// Layer: gui.
#include <etabli/gui/pictures.hpp>

#include <etabli/core/know_how.hpp>

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <limits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace etabli::gui {

namespace fs = std::filesystem;

namespace {

bool is_png(std::span<const unsigned char> b) {
    static constexpr unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    return b.size() >= sizeof sig && std::memcmp(b.data(), sig, sizeof sig) == 0;
}
bool is_jpeg(std::span<const unsigned char> b) { return b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff; }

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool picture_name(const fs::path& p) {
    const std::string ext = lower(p.extension().string());
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

}  // namespace

std::expected<Thumbnail, core::Problem> decode_picture(std::span<const unsigned char> bytes, const PictureLimits& limits) {
    if (bytes.size() > limits.max_bytes)
        return std::unexpected(core::problem("The photo is too large ({0} MB; at most {1} MB)",
                                             {std::to_string(bytes.size() >> 20), std::to_string(limits.max_bytes >> 20)}));
    if (!is_png(bytes) && !is_jpeg(bytes))
        return std::unexpected(core::problem("The photo is not a PNG or JPEG picture"));
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return std::unexpected(core::problem("The photo is too large ({0} MB; at most {1} MB)",
                                             {std::to_string(bytes.size() >> 20), std::to_string(limits.max_bytes >> 20)}));
    const int len = static_cast<int>(bytes.size());
    int w = 0, h = 0, comp = 0;
    // The header first: a picture's size is checked before any pixel is decoded. A PNG's
    // IHDR says it plainly (stb_image refuses a huge one without saying why).
    if (is_png(bytes) && bytes.size() >= 24) {
        auto be32 = [&](std::size_t at) {
            return (std::uint64_t{bytes[at]} << 24) | (std::uint64_t{bytes[at + 1]} << 16) | (std::uint64_t{bytes[at + 2]} << 8) |
                   std::uint64_t{bytes[at + 3]};
        };
        const std::uint64_t pw = be32(16), ph = be32(20);
        if (pw > static_cast<std::uint64_t>(limits.max_side) || ph > static_cast<std::uint64_t>(limits.max_side) ||
            pw * ph > limits.max_pixels)
            return std::unexpected(core::problem("The photo is too big: {0} × {1} pixels (at most {2} on a side, {3} megapixels)",
                                                 {std::to_string(pw), std::to_string(ph), std::to_string(limits.max_side),
                                                  std::to_string(limits.max_pixels / 1'000'000)}));
    }
    if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &comp) || w <= 0 || h <= 0)
        return std::unexpected(core::problem("The photo cannot be read (a damaged or unusual file)"));
    if (w > limits.max_side || h > limits.max_side ||
        static_cast<std::uint64_t>(w) * static_cast<std::uint64_t>(h) > limits.max_pixels)
        return std::unexpected(core::problem("The photo is too big: {0} × {1} pixels (at most {2} on a side, {3} megapixels)",
                                             {std::to_string(w), std::to_string(h), std::to_string(limits.max_side),
                                              std::to_string(limits.max_pixels / 1'000'000)}));
    int dw = 0, dh = 0;
    unsigned char* px = stbi_load_from_memory(bytes.data(), len, &dw, &dh, &comp, 4);
    if (!px || dw != w || dh != h) {
        if (px) stbi_image_free(px);
        return std::unexpected(core::problem("The photo cannot be read (a damaged or unusual file)"));
    }
    Thumbnail t;
    const int side = std::max(1, limits.thumb_side);
    const double scale = std::min(1.0, static_cast<double>(side) / static_cast<double>(std::max(w, h)));
    t.w = std::max(1, static_cast<int>(w * scale + 0.5));
    t.h = std::max(1, static_cast<int>(h * scale + 0.5));
    t.rgba.resize(static_cast<std::size_t>(t.w) * static_cast<std::size_t>(t.h) * 4);
    bool ok = true;
    if (t.w == w && t.h == h) std::memcpy(t.rgba.data(), px, t.rgba.size());
    else ok = stbir_resize_uint8(px, w, h, 0, t.rgba.data(), t.w, t.h, 0, 4) != 0;
    stbi_image_free(px);
    if (!ok) return std::unexpected(core::problem("The photo cannot be read (a damaged or unusual file)"));
    return t;
}

std::expected<Thumbnail, core::Problem> load_picture(const fs::path& file, const PictureLimits& limits) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::unexpected(core::problem("The photo {0} is not in the photos folder", {file.filename().string()}));
    const auto size = fs::file_size(file, ec);
    if (ec) return std::unexpected(core::problem("The photo {0} cannot be opened", {file.filename().string()}));
    if (size > limits.max_bytes)
        return std::unexpected(core::problem("The photo is too large ({0} MB; at most {1} MB)",
                                             {std::to_string(size >> 20), std::to_string(limits.max_bytes >> 20)}));
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(core::problem("The photo {0} cannot be opened", {file.filename().string()}));
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (static_cast<std::size_t>(in.gcount()) != bytes.size())
        return std::unexpected(core::problem("The photo {0} cannot be opened", {file.filename().string()}));
    return decode_picture(bytes, limits);
}

std::expected<std::string, core::Problem> import_picture(const fs::path& source, const fs::path& folder,
                                                        const PictureLimits& limits) {
    if (!picture_name(source)) return std::unexpected(core::problem("The photo is not a PNG or JPEG picture"));
    if (auto t = load_picture(source, limits); !t) return std::unexpected(t.error());
    std::error_code ec;
    fs::create_directories(folder, ec);
    // A plain name: letters, digits and _ kept; anything else becomes one '-'.
    std::string stem;
    for (unsigned char c : source.stem().string()) {
        const char k = std::isalnum(c) || c == '_' ? static_cast<char>(c) : '-';
        if (k != '-' || (!stem.empty() && stem.back() != '-')) stem += k;  // one '-' for a run
    }
    while (!stem.empty() && stem.back() == '-') stem.pop_back();
    if (stem.empty() || stem.size() > 60) stem = stem.empty() ? "photo" : stem.substr(0, 60);
    const std::string ext = lower(source.extension().string());
    std::string name;
    int fd = -1;
    for (int n = 1; n < 1000 && fd < 0; ++n) {
        name = stem + (n == 1 ? "" : "-" + std::to_string(n)) + ext;
        fd = ::open((folder / name).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) return std::unexpected(core::problem("The photo could not be copied into {0}", {folder.string()}));
    std::ifstream in(source, std::ios::binary);
    char buf[1 << 16];
    bool ok = static_cast<bool>(in);
    while (ok && in) {
        in.read(buf, sizeof buf);
        const auto n = in.gcount();
        for (std::streamsize off = 0; ok && off < n;) {
            const auto w = ::write(fd, buf + off, static_cast<std::size_t>(n - off));
            if (w <= 0) ok = false;
            else off += w;
        }
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        fs::remove(folder / name, ec);
        return std::unexpected(core::problem("The photo could not be copied into {0}", {folder.string()}));
    }
    return name;
}

std::vector<fs::path> removable_pictures(const std::vector<fs::path>& roots, std::size_t max) {
    return removable_files(roots, picture_name, max);
}

std::vector<fs::path> removable_files(const std::vector<fs::path>& roots_in, const std::function<bool(const fs::path&)>& wanted,
                                      std::size_t max) {
    std::vector<fs::path> roots = roots_in;
    if (roots.empty()) roots = {"/media", "/run/media"};
    std::vector<fs::path> out;
    std::error_code ec;
    // /media/STICK, /media/USER/STICK, /run/media/USER/STICK: the files in a stick's top
    // folder and one folder down (DCIM/, Photos/, Téléchargements/).
    auto scan = [&](const fs::path& dir, int depth, auto& self) -> void {
        if (out.size() >= max) return;
        std::vector<fs::path> here;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec)) {
            const auto& p = it->path();
            if (p.filename().string().starts_with('.')) continue;
            if (it->is_regular_file(ec) && wanted(p)) out.push_back(p);
            else if (it->is_directory(ec) && !it->is_symlink(ec) && depth > 0) here.push_back(p);
            if (out.size() >= max) return;
        }
        std::sort(here.begin(), here.end());
        for (const auto& d : here) self(d, depth - 1, self);
    };
    for (const auto& r : roots) scan(r, 3, scan);
    std::sort(out.begin(), out.end());
    return out;
}

// [The cache]
PictureCache::PictureCache(fs::path folder, TextureMaker maker, PictureLimits limits, std::size_t capacity)
    : m_folder(std::move(folder)), m_maker(std::move(maker)), m_limits(limits), m_capacity(std::max<std::size_t>(1, capacity)),
      m_worker([this] { run(); }) {}

PictureCache::~PictureCache() {
    {
        std::lock_guard lk(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    m_worker.join();
    if (m_maker.destroy)
        for (auto& [name, e] : m_entries)
            if (e.picture.texture) m_maker.destroy(e.picture.texture);
}

void PictureCache::set_wake(std::function<void()> wake) {
    std::lock_guard lk(m_mutex);
    m_wake = std::move(wake);
}

std::size_t PictureCache::textures() const { return m_textures; }

const Picture& PictureCache::get(const std::string& name) {
    auto it = m_entries.find(name);
    if (it != m_entries.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
        return it->second.picture;
    }
    m_lru.push_front(name);
    Entry e;
    e.lru = m_lru.begin();
    if (!core::normalize_photo_path(name)) {  // relative, no "..": the station's own check
        e.picture.state = Picture::State::failed;
        e.picture.problem = core::problem("The photo \"{0}\" must be a file name relative to the photos folder", {name.substr(0, 80)});
    } else {
        e.picture.state = Picture::State::loading;
        {
            std::lock_guard lk(m_mutex);
            m_queue.push_back(Job{name, {}, 0});
        }
        m_cv.notify_one();
    }
    auto [pos, inserted] = m_entries.emplace(name, std::move(e));
    evict();
    return pos->second.picture;
}

void PictureCache::forget(const std::string& name) {
    auto it = m_entries.find(name);
    if (it == m_entries.end()) return;
    if (it->second.picture.texture && m_maker.destroy) {
        m_maker.destroy(it->second.picture.texture);
        --m_textures;
    }
    m_lru.erase(it->second.lru);
    m_entries.erase(it);
}

void PictureCache::evict() {
    // The least recently drawn pictures beyond the capacity go (their textures with them); one
    // still loading stays, so that its result has somewhere to land.
    while (m_entries.size() > m_capacity) {
        auto victim = std::prev(m_lru.end());
        auto it = m_entries.find(*victim);
        if (it->second.picture.state == Picture::State::loading) break;
        forget(*victim);
    }
}

bool PictureCache::poll() {
    std::vector<Done> done;
    {
        std::lock_guard lk(m_mutex);
        done.swap(m_done);
    }
    for (auto& d : done) {
        auto it = m_entries.find(d.name);
        if (it == m_entries.end()) continue;
        Picture& p = it->second.picture;
        if (!d.result) {
            p.state = Picture::State::failed;
            p.problem = d.result.error();
            continue;
        }
        p.texture = m_maker.create ? m_maker.create(*d.result) : nullptr;
        if (m_maker.create && !p.texture) {
            p.state = Picture::State::failed;
            p.problem = core::problem("The photo cannot be shown on this screen");
            continue;
        }
        if (p.texture) ++m_textures;
        p.w = d.result->w;
        p.h = d.result->h;
        p.state = Picture::State::ready;
    }
    evict();
    return !done.empty();
}

void PictureCache::wait_idle() {
    std::unique_lock lk(m_mutex);
    m_cv.wait(lk, [&] { return m_queue.empty() && m_busy == 0; });
    lk.unlock();
    poll();
}

std::uint64_t PictureCache::import(const fs::path& source) {
    std::uint64_t ticket;
    {
        std::lock_guard lk(m_mutex);
        ticket = m_next_ticket++;
        m_queue.push_back(Job{{}, source, ticket});
    }
    m_cv.notify_one();
    return ticket;
}

std::optional<std::expected<std::string, core::Problem>> PictureCache::take_import(std::uint64_t ticket) {
    std::lock_guard lk(m_mutex);
    auto it = m_imported.find(ticket);
    if (it == m_imported.end()) return std::nullopt;
    auto r = std::move(it->second);
    m_imported.erase(it);
    return r;
}

void PictureCache::run() {
    std::unique_lock lk(m_mutex);
    for (;;) {
        m_cv.wait(lk, [&] { return m_stop || !m_queue.empty(); });
        if (m_stop) return;
        const Job job = std::move(m_queue.front());
        m_queue.pop_front();
        ++m_busy;
        lk.unlock();
        if (job.ticket) {
            auto name = import_picture(job.source, m_folder, m_limits);
            lk.lock();
            m_imported.emplace(job.ticket, std::move(name));
        } else {
            auto result = load_picture(m_folder / job.name, m_limits);
            lk.lock();
            m_done.push_back({job.name, std::move(result)});
        }
        --m_busy;
        if (m_wake) m_wake();
        m_cv.notify_all();  // wait_idle
    }
}

// [Drawing]
void draw_picture(const Picture& p, float x, float y, float w, float h, std::string_view id, const Tr* reasons) {
    const ImVec2 wp = ImGui::GetWindowPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a(wp.x + x, wp.y + y), b(wp.x + x + w, wp.y + y + h);
    ItemRecord r;
    r.kind = ItemRecord::Kind::picture;
    r.min = ImVec2(x, y);
    r.max = ImVec2(x + w, y + h);
    if (p.state == Picture::State::ready && p.texture && p.w > 0 && p.h > 0) {
        const float scale = std::min(w / static_cast<float>(p.w), h / static_cast<float>(p.h));
        const float dw = static_cast<float>(p.w) * scale, dh = static_cast<float>(p.h) * scale;
        const ImVec2 pa(a.x + (w - dw) * 0.5f, a.y + (h - dh) * 0.5f);
        dl->AddImage(p.texture, pa, ImVec2(pa.x + dw, pa.y + dh));
        r.label = "photo";
    } else {
        // A frame with a picture's outline (a mountain under a sun), and the reason for hosts.
        dl->AddRectFilled(a, b, colors::kPanel, ImGui::GetStyle().ChildRounding);
        const float s = std::min(w, h) * 0.35f;
        const ImVec2 c(a.x + w * 0.5f, a.y + h * 0.5f);
        dl->AddTriangleFilled(ImVec2(c.x - s, c.y + s * 0.5f), ImVec2(c.x - s * 0.2f, c.y - s * 0.4f),
                              ImVec2(c.x + s * 0.4f, c.y + s * 0.5f), colors::kMuted);
        dl->AddCircleFilled(ImVec2(c.x + s * 0.55f, c.y - s * 0.45f), s * 0.18f, colors::kMuted);
        r.label = p.state == Picture::State::failed ? "failed" : "loading";
        if (p.state == Picture::State::failed && reasons) {
            const std::string why = reasons->problem(p.problem);
            r.label = "failed: " + why;
            ImFont* font = ImGui::GetFont();
            const float fs = ImGui::GetFontSize() * 0.8f;
            const float pad = fs * 0.3f;
            // Written in the box only when a few words fit (a list's thumbnail is too small:
            // the form says it in full).
            if (w >= fs * 8 && h >= fs * 3) {
                dl->PushClipRect(a, b, true);
                dl->AddText(font, fs, ImVec2(a.x + pad, b.y - fs - pad), colors::kError, why.c_str(), nullptr, w - 2 * pad);
                dl->PopClipRect();
            }
        }
    }
    if (FrameLog* log = current_log()) {
        r.key = log->key_of(id);
        log->items.push_back(std::move(r));
    }
}

}  // namespace etabli::gui
