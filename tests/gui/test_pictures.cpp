// Photos: decoding with its limits on hostile files, the copy from a USB stick, the cache and
// its textures (a numbered stand-in here: no renderer), and the kiosk's screens that show
// them: the tools to borrow, and a host choosing a tool's photo from a USB stick.
// Layer: gui tests (headless).
#include "harness.hpp"

#include <etabli/gui/pictures.hpp>

#include "testing.hpp"

#include <stb_image_write.h>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;

namespace {

// A w × h picture, encoded as PNG (or JPEG), as a camera or a phone writes one.
std::vector<unsigned char> encoded(int w, int h, bool jpeg = false) {
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<unsigned char>((i * 7) % 251);
    std::vector<unsigned char> out;
    auto sink = [](void* ctx, void* data, int size) {
        auto* v = static_cast<std::vector<unsigned char>*>(ctx);
        v->insert(v->end(), static_cast<unsigned char*>(data), static_cast<unsigned char*>(data) + size);
    };
    if (jpeg) stbi_write_jpg_to_func(sink, &out, w, h, 3, px.data(), 80);
    else stbi_write_png_to_func(sink, &out, w, h, 3, px.data(), w * 3);
    return out;
}

void write(const fs::path& p, const std::vector<unsigned char>& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The headless stand-in for GL textures: numbers, and a count of those alive.
struct FakeTextures {
    std::intptr_t next = 1;
    int alive = 0;
    gui::TextureMaker maker() {
        gui::TextureMaker m;
        m.create = [this](const gui::Thumbnail& t) -> ImTextureID {
            CHECK(t.rgba.size() == static_cast<std::size_t>(t.w) * static_cast<std::size_t>(t.h) * 4);
            ++alive;
            return reinterpret_cast<ImTextureID>(next++);
        };
        m.destroy = [this](ImTextureID) { --alive; };
        return m;
    }
};

}  // namespace

TEST_CASE("photos: a PNG and a JPEG become thumbnails no larger than 512 pixels, proportions kept") {
    auto png = gui::decode_picture(encoded(1200, 600));
    REQUIRE(png);
    CHECK(png->w == 512);
    CHECK(png->h == 256);
    auto jpg = gui::decode_picture(encoded(300, 400, true));
    REQUIRE(jpg);
    CHECK(jpg->w == 300);  // small enough already
    CHECK(jpg->h == 400);
}

TEST_CASE("photos: hostile files are refused with a reason, before their pixels are decoded") {
    core::Translations tr = translations();
    auto english = [](const auto& r) { return r ? std::string("ok") : r.error().english(); };
    CHECK(english(gui::decode_picture({})) == "The photo is not a PNG or JPEG picture");
    const std::string gif = "GIF89a\x01\x00\x01\x00";
    CHECK(english(gui::decode_picture(std::span(reinterpret_cast<const unsigned char*>(gif.data()), gif.size()))) ==
          "The photo is not a PNG or JPEG picture");
    // A PNG cut in the middle of its pixels.
    auto png = encoded(64, 64);
    png.resize(png.size() / 2);
    CHECK(english(gui::decode_picture(png)) == "The photo cannot be read (a damaged or unusual file)");
    // A header that claims 100,000 × 100,000 pixels (a decompression bomb): refused from the header.
    auto bomb = encoded(8, 8);
    for (int k : {16, 20}) {  // IHDR's width and height, big-endian
        bomb[static_cast<std::size_t>(k)] = 0x00;
        bomb[static_cast<std::size_t>(k) + 1] = 0x01;
        bomb[static_cast<std::size_t>(k) + 2] = 0x86;
        bomb[static_cast<std::size_t>(k) + 3] = 0xa0;
    }
    const auto r = gui::decode_picture(bomb);
    REQUIRE_FALSE(r);
    CHECK(r.error().english() == "The photo is too big: 100000 × 100000 pixels (at most 8192 on a side, 40 megapixels)");
    CHECK(tr.render(core::Lang::fr, r.error()).find("trop grande") != std::string::npos);
    // Too many bytes: refused before reading them.
    gui::PictureLimits small;
    small.max_bytes = 1000;
    CHECK(english(gui::decode_picture(encoded(200, 200), small)).find("too large") != std::string::npos);
}

TEST_CASE("photos: copied from a USB stick under a name of their own; the sticks' pictures listed") {
    testing::TempDir dir;
    const fs::path usb = dir / "media" / "atelier" / "CLE";
    write(usb / "DCIM" / "Perceuse à colonne.JPG", encoded(320, 240, true));
    write(usb / "scie.png", encoded(100, 80));
    write(usb / "notes.txt", {'h', 'i'});
    write(usb / "faux.png", {'n', 'o', 'p', 'e'});
    write(usb / ".cache" / "x.png", encoded(10, 10));
    const auto found = gui::removable_pictures({dir / "media"});
    REQUIRE(found.size() == 3);  // not the text file, not the hidden folder
    CHECK(found[0].filename() == "Perceuse à colonne.JPG");
    const fs::path photos = dir / "photos";
    auto a = gui::import_picture(found[0], photos);
    REQUIRE(a);
    CHECK(*a == "Perceuse-colonne.jpg");
    auto b = gui::import_picture(found[0], photos);
    REQUIRE(b);
    CHECK(*b == "Perceuse-colonne-2.jpg");  // never over another photo
    CHECK(fs::file_size(photos / *b) == fs::file_size(found[0]));
    auto bad = gui::import_picture(usb / "faux.png", photos);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().english() == "The photo is not a PNG or JPEG picture");
    CHECK_FALSE(fs::exists(photos / "faux.png"));
}

TEST_CASE("photos: the cache decodes off the GUI thread, makes textures, fails in words, and keeps at most its capacity") {
    testing::TempDir dir;
    for (int i = 0; i < 5; ++i) write(dir / ("p" + std::to_string(i) + ".png"), encoded(40 + i, 30));
    write(dir / "broken.jpg", {0xff, 0xd8, 0xff, 0x00, 0x01});
    FakeTextures tex;
    {
        gui::PictureCache cache(dir.path(), tex.maker(), {}, 3);
        CHECK(cache.get("p0.png").state == gui::Picture::State::loading);
        cache.wait_idle();
        const auto& p0 = cache.get("p0.png");
        CHECK(p0.state == gui::Picture::State::ready);
        CHECK(p0.w == 40);
        CHECK(p0.texture != nullptr);
        CHECK(cache.get("../etc/passwd").state == gui::Picture::State::failed);  // never read
        (void)cache.get("broken.jpg");
        (void)cache.get("missing.png");
        cache.wait_idle();
        CHECK(cache.get("broken.jpg").problem.english() == "The photo cannot be read (a damaged or unusual file)");
        CHECK(cache.get("missing.png").problem.english() == "The photo missing.png is not in the photos folder");
        for (int i = 1; i < 5; ++i) (void)cache.get("p" + std::to_string(i) + ".png");
        cache.wait_idle();
        CHECK(tex.alive <= 3);  // the least recently drawn textures went
        CHECK(cache.textures() == static_cast<std::size_t>(tex.alive));
    }
    CHECK(tex.alive == 0);  // every texture freed with the cache
}

TEST_CASE("photos: the tools to borrow show their photos; a host takes a tool's photo from a USB stick") {
    testing::TempDir dir;
    const fs::path photos = dir / "photos";
    write(photos / "perceuse.jpg", encoded(640, 480, true));
    write(photos / "cassee.png", {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
    const fs::path usb = dir / "media";
    write(usb / "CLE" / "DCIM" / "ponceuse.png", encoded(200, 150));
    ::setenv("ETABLI_USB_ROOTS", usb.c_str(), 1);
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        CAPTURE(size.x);
        Harness h(size);
        FakeTextures tex;
        gui::PictureCache cache(photos, tex.maker());
        h.kiosk.set_pictures(&cache);
        gui::PictureCache stick("/", tex.maker(), {}, 24);  // the sticks' pictures, by path from the root
        h.kiosk.set_stick_pictures(&stick);
        auto tv = std::make_shared<app::ToolsView>();
        for (int i = 1; i <= 4; ++i) {
            core::Tool t;
            t.id = i;
            t.name = i == 1 ? "Perceuse à percussion" : i == 2 ? "Ponceuse" : "Serre-joint n° " + std::to_string(i);
            t.tag = "T" + std::to_string(i);
            t.category = "Atelier";
            t.status = core::ToolStatus::available;
            if (i == 1) t.photo = "perceuse.jpg";
            if (i == 3) t.photo = "cassee.png";
            tv->tools.push_back(t);
        }
        tv->categories = {"Atelier"};
        h.snap.tools = tv;
        auto d = std::make_shared<app::Directory>(*h.snap.directory);
        d->members[1].role = core::Role::host;
        h.snap.directory = d;
        h.publish();
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        h.tap("home/borrow");
        h.tap("tools/borrow");
        cache.wait_idle();
        h.frame();
        CHECK(h.item("tools/list/1/photo").label == "photo");
        CHECK_FALSE(h.has("tools/list/2/photo"));
        h.check_layout("borrow with photos");
        if (!h.has("tools/list/3/photo")) {  // larger text: on the next page
            h.paged("tools/list/3/pick", "tools/list/prev", "tools/list/next");
            cache.wait_idle();
            h.frame();
        }
        CHECK(h.item("tools/list/3/photo").label == "failed");  // a member sees a plain placeholder

        // The host's form: Photo lists the pictures on the USB stick; a tap copies one in.
        h.tap("tools/back");
        h.tap("tools/inventory");
        cache.wait_idle();
        h.frame();
        CHECK(h.item("tools/inventory/1/photo").label == "photo");
        CHECK(h.item("tools/inventory/3/photo").label.rfind("failed: ", 0) == 0);  // hosts see why
        h.check_layout("inventory with photos");
        h.tap("tools/inventory/2/edit");
        h.tap("tools/form/photo");
        CHECK(h.label("tools/photo_pick/title") == "Une photo depuis une clé USB");
        CHECK(h.label("tools/photo_pick/0/pick") == "DCIM/ponceuse.png");
        stick.wait_idle();
        h.frame();
        CHECK(h.item("tools/photo_pick/0/thumb").label == "photo");  // a thumbnail beside its name
        CHECK(h.item("tools/photo_pick/0/pick").min.x >= h.item("tools/photo_pick/0/thumb").max.x);
        h.check_layout("photo from a USB stick");
        h.tap("tools/photo_pick/0/pick");
        cache.wait_idle();
        h.frame();
        h.frame();
        CHECK(h.label("tools/form/photo") == "Photo\u00a0: ponceuse.png");
        CHECK(fs::exists(photos / "ponceuse.png"));
        cache.wait_idle();
        h.frame();
        CHECK(h.item("tools/form/photo_preview").label == "photo");
        h.check_layout("form with its photo");
        h.tap("tools/form/save");
        auto sets = commands_of<app::SetTool>(h.out);
        REQUIRE(sets.size() == 1);
        CHECK(sets[0].tool.photo == std::optional<std::string>("ponceuse.png"));
        fs::remove(photos / "ponceuse.png");
        h.kiosk.set_stick_pictures(nullptr);
        h.kiosk.set_pictures(nullptr);
    }
    ::unsetenv("ETABLI_USB_ROOTS");
}

TEST_CASE("photos: the machines to book show theirs, at the left of their tiles") {
    testing::TempDir dir;
    const fs::path photos = dir / "photos";
    write(photos / "machines" / "laser.jpg", encoded(320, 240, true));
    for (ImVec2 size : {ImVec2(800, 480), ImVec2(1280, 800)}) {
        CAPTURE(size.x);
        Harness h(size);
        FakeTextures tex;
        gui::PictureCache cache(photos, tex.maker());
        h.kiosk.set_pictures(&cache);
        app::MachineView laser, saw;
        laser.machine.id = 1;
        laser.machine.name = "Découpe laser";
        laser.machine.authorised = {1};
        laser.machine.photo = "machines/laser.jpg";
        saw.machine.id = 2;
        saw.machine.name = "Scie à ruban";
        saw.machine.authorised = {1};
        h.snap.machines = {laser, saw};
        h.publish();
        h.show_tap(1, core::TapKind::check_in, "0001234567");
        h.tap("home/book");
        cache.wait_idle();
        h.frame();
        CHECK(h.item("machines/1/photo").label == "photo");
        CHECK_FALSE(h.has("machines/2/photo"));
        // The tile's button starts after the photo.
        CHECK(h.item("machines/1/open").min.x >= h.item("machines/1/photo").max.x);
        h.check_layout("machines with photos");
        h.kiosk.set_pictures(nullptr);
    }
}
