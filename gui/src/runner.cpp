// The kiosk's runner: owns GLFW, the OpenGL 3 context and ImGui's backends, and drives a
// Kiosk. Event-driven: it sleeps in glfwWaitEventsTimeout until input, a new snapshot
// (the station calls glfwPostEmptyEvent) or the next second (clock, timeouts); never a
// busy loop. A frame whose picture is the one on screen (same draw lists, same size) is not
// drawn again: the software renderer is most of an idle kiosk's cost, and at idle the
// picture changes once a minute (the clock). Touch on ImGui 1.86: after a release the pointer stays one frame, then moves
// off-screen so nothing stays highlighted.
// Layer: gui. GUI thread only (the thread that calls run_kiosk); the wake hook runs on
// the station thread and only calls glfwPostEmptyEvent, which GLFW allows from any thread.
#include <etabli/gui/kiosk.hpp>
#include <etabli/gui/embedded_replies.hpp>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <GLFW/glfw3.h>

#include <cfloat>
#include <cstdint>
#include <memory>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <future>
#include <string>
#include <string_view>
#include <functional>

namespace etabli::gui {

namespace {

struct RunnerState {
    Kiosk* kiosk = nullptr;
    bool fullscreen = false;
    bool damaged = true;  // the window's contents were lost (exposed, resized): draw again
};

void on_refresh(GLFWwindow* window) {
    if (auto* st = static_cast<RunnerState*>(glfwGetWindowUserPointer(window))) st->damaged = true;
}

// What the picture depends on: every draw list's vertices, indices and commands (clip
// rectangles, textures, ranges), and the display's size. Equal keys draw equal pixels.
std::size_t picture_key(const ImDrawData& d) {
    std::size_t h = std::hash<float>{}(d.DisplaySize.x) * 31 + std::hash<float>{}(d.DisplaySize.y);
    const auto mix = [&h](const void* p, std::size_t n) {
        const std::string_view bytes(static_cast<const char*>(p), n);
        h = (h ^ std::hash<std::string_view>{}(bytes)) * 1099511628211ULL;
    };
    for (int i = 0; i < d.CmdListsCount; ++i) {
        const ImDrawList& l = *d.CmdLists[i];
        mix(l.VtxBuffer.Data, static_cast<std::size_t>(l.VtxBuffer.Size) * sizeof(ImDrawVert));
        mix(l.IdxBuffer.Data, static_cast<std::size_t>(l.IdxBuffer.Size) * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : l.CmdBuffer) {
            mix(&c.ClipRect, sizeof c.ClipRect);
            mix(&c.TextureId, sizeof c.TextureId);
            const unsigned range[3] = {c.VtxOffset, c.IdxOffset, c.ElemCount};
            mix(range, sizeof range);
            if (c.UserCallback) h ^= 0x9e3779b97f4a7c15ULL;
        }
    }
    return h;
}

// Chained behind ImGui's own key callback (installed after ours, it calls ours).
void on_key(GLFWwindow* window, int key, int, int action, int mods) {
    if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
    auto* st = static_cast<RunnerState*>(glfwGetWindowUserPointer(window));
    if (!st || !st->kiosk) return;
    const bool ctrl_alt = (mods & GLFW_MOD_CONTROL) && (mods & GLFW_MOD_ALT);
    if (action == GLFW_PRESS && ctrl_alt && key == GLFW_KEY_Q) {
        glfwSetWindowShouldClose(window, GLFW_TRUE);
        return;
    }
    // A kiosk in fullscreen must not close on a stray Esc; a windowed try-out may.
    if (action == GLFW_PRESS && key == GLFW_KEY_ESCAPE && !st->fullscreen) {
        glfwSetWindowShouldClose(window, GLFW_TRUE);
        return;
    }
    if (action != GLFW_PRESS) return;  // a held key repeats nothing into a UID
    // Key codes, not characters: GLFW names keys by their US position, so a French
    // keyboard's top row (& é " ' …) still gives digits, as the badge reader means.
    if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) st->kiosk->key_pressed(digit_key(key - GLFW_KEY_0));
    else if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9) st->kiosk->key_pressed(digit_key(key - GLFW_KEY_KP_0));
    else if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) st->kiosk->key_pressed(Key::enter);
    else if (key == GLFW_KEY_BACKSPACE) st->kiosk->key_pressed(Key::backspace);
}

void rebuild_fonts(Kiosk& kiosk, ImVec2 display, const KioskOptions& opts, bool device_ready) {
    ImGuiIO& io = ImGui::GetIO();
    const Fonts f = load_fonts(*io.Fonts, display, opts.font_path, opts.text_percent);
    apply_theme(ImGui::GetStyle(), f.body_px);
    kiosk.set_fonts(f);
    if (device_ready) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
}

}  // namespace

int run_kiosk(app::Station& station, const core::Translations& tr, const KioskOptions& opts) {
    EmbeddedReplies replies(station, [] { glfwPostEmptyEvent(); });
    KioskLink link;
    link.snapshot = [&replies] { return replies.snapshot(); };
    link.post = [&replies](app::Command c, std::uint64_t id) { replies.post(std::move(c), id); };
    link.set_wake = [&station](std::function<void()> w) { station.set_wake(std::move(w)); };
    return run_kiosk(link, tr, opts);
}

int run_kiosk(const KioskLink& station, const core::Translations& tr, const KioskOptions& opts) {
    if (!glfwInit()) {
        std::fprintf(stderr,
                     "etabli kiosk: cannot open a window (no usable display). Start it on the workshop's X "
                     "session, or try it out with `xvfb-run etabli kiosk`.\n");
        return 2;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_DECORATED, GLFW_FALSE);
    GLFWmonitor* monitor = opts.fullscreen ? glfwGetPrimaryMonitor() : nullptr;
    int width = opts.width;
    int height = opts.height;
    if (monitor)
        if (const GLFWvidmode* mode = glfwGetVideoMode(monitor)) {
            width = mode->width;
            height = mode->height;
        }
    GLFWwindow* window = glfwCreateWindow(width, height, "Établi", monitor, nullptr);
    if (!window) {
        std::fprintf(stderr,
                     "etabli kiosk: cannot create an OpenGL 3.0 window on this display. Start it on the "
                     "workshop's X session, or try it out with `xvfb-run etabli kiosk`.\n");
        glfwTerminate();
        return 2;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    glfwFocusWindow(window);  // no window manager under Xvfb: take the keyboard ourselves

    Kiosk kiosk(tr, opts);
    RunnerState state{&kiosk, opts.fullscreen};
    glfwSetWindowUserPointer(window, &state);
    glfwSetKeyCallback(window, on_key);  // before ImGui's init, which chains to it
    glfwSetWindowRefreshCallback(window, on_refresh);
    // ETABLI_KIOSK_REDRAW=always: draw every frame without sleeping, as ImGui's example loop
    // does. Only the idle benchmark's baseline uses it.
    const char* redraw_env = std::getenv("ETABLI_KIOSK_REDRAW");
    const bool redraw_always = redraw_env && std::string_view(redraw_env) == "always";

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");

    int fb_w = 0, fb_h = 0;
    glfwGetWindowSize(window, &fb_w, &fb_h);
    ImVec2 font_display(static_cast<float>(fb_w), static_cast<float>(fb_h));
    rebuild_fonts(kiosk, font_display, opts, false);

    // The photos: decoded on the cache's own thread, made into GL textures here.
    std::unique_ptr<PictureCache> pictures, stick_pictures;
    if (!opts.photos_folder.empty()) {
        TextureMaker maker;
        maker.create = [](const Thumbnail& t) -> ImTextureID {
            GLuint tex = 0;
            glGenTextures(1, &tex);
            if (!tex) return nullptr;
            glBindTexture(GL_TEXTURE_2D, tex);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, t.w, t.h, 0, GL_RGBA, GL_UNSIGNED_BYTE, t.rgba.data());
            return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(tex));
        };
        maker.destroy = [](ImTextureID id) {
            const auto tex = static_cast<GLuint>(reinterpret_cast<std::intptr_t>(id));
            glDeleteTextures(1, &tex);
        };
        // The USB sticks' pictures, named by their path from the root, for the photo picker.
        stick_pictures = std::make_unique<PictureCache>("/", maker, PictureLimits{}, 24);
        stick_pictures->set_wake([] { glfwPostEmptyEvent(); });
        kiosk.set_stick_pictures(stick_pictures.get());
        pictures = std::make_unique<PictureCache>(opts.photos_folder, std::move(maker));
        pictures->set_wake([] { glfwPostEmptyEvent(); });
        kiosk.set_pictures(pictures.get());
    }

    station.set_wake([] { glfwPostEmptyEvent(); });

    // ETABLI_KIOSK_TRACE=FILE: every text and button the kiosk shows, one per line, rewritten
    // whenever it changes (tests and remote support read what the screen says).
    const char* trace_env = std::getenv("ETABLI_KIOSK_TRACE");
    const std::string trace_path = trace_env ? trace_env : "";
    std::string traced;

    std::vector<std::pair<app::Command, std::uint64_t>> out;
    bool was_down = false;
    std::size_t shown_key = 0;
    int extra_frames = 2;  // ImGui settles sizes over a frame or two
    while (!glfwWindowShouldClose(window)) {
        // Sleep until something happens, at most until the next whole second.
        if (extra_frames > 0 || redraw_always) glfwPollEvents();
        else glfwWaitEventsTimeout(1.0);

        const auto snap = station.snapshot();
        if (!snap) continue;
        const double now = glfwGetTime();

        int w = 0, h = 0;
        glfwGetWindowSize(window, &w, &h);
        if (w > 0 && h > 0 && (static_cast<float>(w) != font_display.x || static_cast<float>(h) != font_display.y)) {
            font_display = ImVec2(static_cast<float>(w), static_cast<float>(h));
            rebuild_fonts(kiosk, font_display, opts, true);
            state.damaged = true;
        }

        if (pictures && pictures->poll()) state.damaged = true;  // a photo decoded: draw it
        if (stick_pictures && stick_pictures->poll()) state.damaged = true;

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // After a release, keep the position for this frame (the button fires), then move
        // the pointer away so no widget stays active-looking under a lifted finger.
        if (!io.MouseDown[0] && !was_down) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        const bool down_now = io.MouseDown[0];
        ImGui::NewFrame();
        out.clear();
        kiosk.frame(*snap, now, out);
        ImGui::Render();

        const std::size_t key = picture_key(*ImGui::GetDrawData());
        if (key != shown_key || state.damaged || redraw_always) {
            int dw = 0, dh = 0;
            glfwGetFramebufferSize(window, &dw, &dh);
            glViewport(0, 0, dw, dh);
            const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(colors::kBackground);
            glClearColor(bg.x, bg.y, bg.z, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            glfwSwapBuffers(window);
            shown_key = key;
            state.damaged = false;
        }
        // Written once the picture is on screen: what the trace says is what a member sees.
        if (!trace_path.empty()) {
            std::string text;
            for (const auto& item : kiosk.last_frame().items) text += item.label + "\n";
            if (text != traced) {
                traced = text;
                const std::string tmp = trace_path + ".tmp";
                if (FILE* f = std::fopen(tmp.c_str(), "w")) {
                    std::fwrite(text.data(), 1, text.size(), f);
                    if (std::fclose(f) == 0) std::rename(tmp.c_str(), trace_path.c_str());
                }
            }
        }

        for (auto& [command, id] : out) station.post(std::move(command), id);
        // A release, a command or a screen change needs a couple more frames to show.
        if (down_now != was_down || !out.empty()) extra_frames = 2;
        else if (extra_frames > 0) --extra_frames;
        was_down = down_now;
    }

    station.set_wake({});
    kiosk.set_pictures(nullptr);
    kiosk.set_stick_pictures(nullptr);
    pictures.reset();  // their textures go while the context is current
    stick_pictures.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}

}  // namespace etabli::gui
