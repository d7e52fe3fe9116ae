// Photos of tools and of know-how cards' steps: files in the workshop's photos folder
// ([photos] folder of etabli.toml, else "photos" beside the database), decoded off the GUI
// thread with stb_image into thumbnails, kept as textures and drawn fitted into a box.
// A photo is outside input: a file too large, of too many pixels, not a PNG or JPEG, or that
// stb_image cannot read is refused before or while decoding, and shows a placeholder with the
// reason (for hosts) instead; nothing crashes and the kiosk keeps drawing.
// Layer: gui. decode_picture and import_picture are pure or file-only (any thread); the cache
// is used from the GUI thread, its decoding runs on a worker thread of its own.
#pragma once

#include <etabli/core/problem.hpp>
#include <etabli/gui/widgets.hpp>

#include <imgui.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <filesystem>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace etabli::gui {

// What a photo may be before it is decoded, and the size of its thumbnail.
struct PictureLimits {
    std::size_t max_bytes = 16u << 20;       // a phone's photo is 2–6 MB
    int max_side = 8192;                     // pixels, either side
    std::uint64_t max_pixels = 40'000'000;   // width × height (a 40 MP camera)
    int thumb_side = 512;                    // the thumbnail's longer side, at most
};

// A decoded, shrunk picture: RGBA, 8 bits a channel, rows top to bottom.
struct Thumbnail {
    int w = 0, h = 0;
    std::vector<unsigned char> rgba;
};

// The thumbnail of a PNG or JPEG file's bytes, or why not (translated messages).
std::expected<Thumbnail, core::Problem> decode_picture(std::span<const unsigned char> bytes, const PictureLimits& limits = {});

// Reads `file` (at most limits.max_bytes) and decodes it.
std::expected<Thumbnail, core::Problem> load_picture(const std::filesystem::path& file, const PictureLimits& limits = {});

// Copies the picture `source` (a file on a USB stick) into `folder` under a name of its own
// (its file name made safe, with -2, -3… when taken), after checking that it decodes; the copy
// is synced before its name is given. Returns the name relative to `folder`.
std::expected<std::string, core::Problem> import_picture(const std::filesystem::path& source,
                                                        const std::filesystem::path& folder,
                                                        const PictureLimits& limits = {});

// The pictures (.png, .jpg, .jpeg) on the removable disks mounted now: the folders under
// `roots` (by default /media and /run/media, where desktops mount USB sticks, and their users'
// folders below), two levels deep at most, by name; at most `max` of them.
std::vector<std::filesystem::path> removable_pictures(const std::vector<std::filesystem::path>& roots = {},
                                                      std::size_t max = 200);
// The same for any file whose name `wanted` accepts (the HelloAsso export's .csv).
std::vector<std::filesystem::path> removable_files(const std::vector<std::filesystem::path>& roots,
                                                   const std::function<bool(const std::filesystem::path&)>& wanted,
                                                   std::size_t max = 200);

// What the window does with a decoded thumbnail: a GL texture in the kiosk (runner.cpp), a
// numbered stand-in in the headless tests. Called on the GUI thread only.
struct TextureMaker {
    std::function<ImTextureID(const Thumbnail&)> create;
    std::function<void(ImTextureID)> destroy;
};

struct Picture {
    enum class State { none, loading, ready, failed };
    State state = State::none;
    ImTextureID texture = nullptr;
    int w = 0, h = 0;
    core::Problem problem;  // failed: why
};

// The photos of one folder, by their names relative to it. get() asks for a photo on first
// use; the worker decodes it; poll() (once a frame) makes the textures of what was decoded.
// At most `capacity` textures are kept: the least recently drawn goes first.
class PictureCache {
public:
    PictureCache(std::filesystem::path folder, TextureMaker maker, PictureLimits limits = {}, std::size_t capacity = 64);
    ~PictureCache();
    PictureCache(const PictureCache&) = delete;
    PictureCache& operator=(const PictureCache&) = delete;

    // The state of `name`'s picture now (a name that climbs out of the folder fails at once).
    const Picture& get(const std::string& name);
    // Makes the textures of the thumbnails decoded since the last call. True when one changed
    // (the frame should be drawn again).
    bool poll();
    // Blocks until every asked picture is decoded (tests), then polls.
    void wait_idle();
    // Forgets `name` (its file was replaced): the next get() reads it again.
    void forget(const std::string& name);
    // Copies the picture `source` (from a USB stick) into the folder on the worker thread
    // (import_picture); returns a ticket for take_import().
    std::uint64_t import(const std::filesystem::path& source);
    // The result of an import once done: the new name relative to the folder, or why not.
    std::optional<std::expected<std::string, core::Problem>> take_import(std::uint64_t ticket);
    // Wakes the window when a decode finished (the kiosk's wake-up); may be empty.
    void set_wake(std::function<void()> wake);
    const std::filesystem::path& folder() const { return m_folder; }
    std::size_t textures() const;

private:
    struct Entry {
        Picture picture;
        std::list<std::string>::iterator lru;
    };
    struct Done {
        std::string name;
        std::expected<Thumbnail, core::Problem> result;
    };
    struct Job {
        std::string name;              // a picture of the folder to decode
        std::filesystem::path source;  // or a file to import (ticket != 0)
        std::uint64_t ticket = 0;
    };
    void run();
    void evict();

    std::filesystem::path m_folder;
    TextureMaker m_maker;
    PictureLimits m_limits;
    std::size_t m_capacity;
    // GUI thread only:
    std::unordered_map<std::string, Entry> m_entries;
    std::list<std::string> m_lru;  // most recent first
    std::size_t m_textures = 0;
    // Shared with the worker, under m_mutex:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_queue;
    std::vector<Done> m_done;
    std::unordered_map<std::uint64_t, std::expected<std::string, core::Problem>> m_imported;
    std::uint64_t m_next_ticket = 1;
    std::size_t m_busy = 0;
    bool m_stop = false;
    std::function<void()> m_wake;
    std::thread m_worker;
};

// Draws `p` fitted into the box at (x, y) of w × h (window coordinates; centred, proportions
// kept); a placeholder while it loads or when it failed, with the reason in `reasons`'s
// language when given (hosts see why, members a plain placeholder). Records an item `id` of
// kind picture in the frame log: its label is "photo", "loading", or "failed: REASON".
void draw_picture(const Picture& p, float x, float y, float w, float h, std::string_view id, const Tr* reasons = nullptr);

}  // namespace etabli::gui
