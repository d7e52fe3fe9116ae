// The GUI tests' harness: one ImGui context with the kiosk's fonts, a Kiosk driven frame by
// frame with hand-made snapshots, taps on buttons found by id in the frame log, and the
// layout check (inside the display, labels fit, touch targets, no overlaps).
// Layer: gui tests. Single thread.
#pragma once

#include <doctest/doctest.h>

#include <etabli/alloc/engine.hpp>
#include <etabli/gui/kiosk.hpp>
#include <etabli/gui/screens.hpp>

#include <imgui.h>

#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

using namespace etabli;
using namespace std::chrono_literals;
using CommandList = std::vector<std::pair<app::Command, std::uint64_t>>;

namespace {

core::Translations load_translations() {
    core::Translations t;
    std::ifstream in(std::string(ETABLI_ASSETS_DIR) + "/i18n/fr.po");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    auto cat = core::parse_po(ss.str());
    REQUIRE(cat.has_value());
    t.fr = *cat;
    return t;
}

const core::Translations& translations() {
    static const core::Translations t = load_translations();
    return t;
}

core::Date day(int y, unsigned m, unsigned d) {
    return core::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

core::Member member(core::MemberId id, std::string name, core::Role role, core::Lang lang = core::Lang::fr) {
    core::Member m;
    m.id = id;
    m.display_name = std::move(name);
    m.role = role;
    m.lang = lang;
    return m;
}

std::shared_ptr<const app::Directory> demo_directory(int extra = 0) {
    auto d = std::make_shared<app::Directory>();
    d->members[1] = member(1, "Léa Dubois", core::Role::member);
    d->members[2] = member(2, "Camille Martin", core::Role::host);
    d->members[3] = member(3, "Hugo Bernard", core::Role::volunteer, core::Lang::en);
    d->members[4] = member(4, "Inès Petit", core::Role::member);
    d->members[4].valid_until = day(2025, 9, 30);
    d->members[5] = member(5, "Yanis Moreau", core::Role::member);
    for (int i = 0; i < extra; ++i)
        d->members[100 + i] = member(100 + i, "Adhérent·e n° " + std::to_string(i) + " Œuvre-Lefèvre", core::Role::member);
    d->badges["0001234567"] = core::Badge{"0001234567", 1, core::BadgeStatus::active, {}};
    d->badges["0004211337"] = core::Badge{"0004211337", 2, core::BadgeStatus::active, {}};
    return d;
}

app::Snapshot base_snapshot() {
    app::Snapshot s;
    s.version = 1;
    s.today = day(2026, 11, 28);
    s.at = std::chrono::sys_days(s.today) + 13h + 5min;
    s.local_hhmm = "14:05";
    // Paris in winter, as the station gives it: local time is UTC + 1 h.
    s.offsets = std::make_shared<const std::vector<app::OffsetChange>>(
        std::vector<app::OffsetChange>{{s.at - std::chrono::days{1}, 60min}});
    s.directory = demo_directory();
    // Camille, the host, has entered her PIN: her host screens open at once (the PIN pad
    // has its own tests, tests/trust/test_pin_pad.cpp).
    s.host_sessions = {2};
    return s;
}

app::TapView tap_of(std::uint64_t seq, const app::Directory& d, core::MemberId id, core::TapKind kind,
                    std::string uid) {
    app::TapView t;
    t.seq = seq;
    t.uid = std::move(uid);
    t.decision.kind = kind;
    if (id) {
        t.decision.member = id;
        t.member = *d.find(id);
    }
    return t;
}

// The zone the snapshot's offsets describe (Snapshot::offsets), for the engine that plays the
// station's part in these tests.
class SnapshotZone final : public alloc::Zone {
public:
    explicit SnapshotZone(std::shared_ptr<const std::vector<app::OffsetChange>> c) : m_changes(std::move(c)) {}
    std::chrono::seconds offset(core::Timestamp t) const override {
        if (!m_changes || m_changes->empty()) return std::chrono::seconds{0};
        std::chrono::minutes off = m_changes->front().offset;
        for (const auto& c : *m_changes)
            if (c.from <= t) off = c.offset;
        return off;
    }
    alloc::LocalResolution resolve(std::chrono::local_seconds local) const override {
        std::vector<core::Timestamp> found;
        std::set<long long> tried;
        const std::vector<app::OffsetChange> none{{core::Timestamp{}, 0min}};
        for (const auto& c : m_changes && !m_changes->empty() ? *m_changes : none) {
            if (!tried.insert(c.offset.count()).second) continue;
            const core::Timestamp t{local.time_since_epoch() - c.offset};
            if (offset(t) == c.offset) found.push_back(t);
        }
        std::sort(found.begin(), found.end());
        using K = alloc::LocalResolution::Kind;
        if (found.size() == 1) return {K::unique, found[0], found[0]};
        if (found.size() > 1) return {K::ambiguous, found.front(), found.back()};
        const core::Timestamp t{local.time_since_epoch() - offset(core::Timestamp{local.time_since_epoch()})};
        return {K::nonexistent, t, t};
    }

private:
    std::shared_ptr<const std::vector<app::OffsetChange>> m_changes;
};

template <class T>
std::vector<T> commands_of(const CommandList& out) {
    std::vector<T> r;
    for (const auto& [c, id] : out)
        if (const T* t = std::get_if<T>(&c)) r.push_back(*t);
    return r;
}

// One ImGui context, fonts for the size, and a Kiosk, driven frame by frame.
// The kiosk's text size for this run, in per cent (ETABLI_TEST_TEXT_SIZE; 100 by default):
// scripts/text-size-layouts runs the gui suites at 125 and 150 % and counts what fails.
inline int text_percent() {
    const char* e = std::getenv("ETABLI_TEST_TEXT_SIZE");
    return e && *e ? std::atoi(e) : 100;
}

// A frame's items, with their boxes, on stderr: what a failing lookup or layout check saw
// (ETABLI_TEST_DUMP=1 prints it whenever a harness's `item` does not find its key, or its
// check_layout finds an item out of the screen or a label cut).
inline void dump_frame(const gui::FrameLog& log, ImVec2 size) {
    std::fprintf(stderr, "--- frame at %gx%g, text %d %%\n", size.x, size.y, text_percent());
    for (const auto& it : log.items)
        std::fprintf(stderr, "  %s \"%s\" [%.0f,%.0f – %.0f,%.0f]%s\n", it.key.c_str(), it.label.c_str(), it.min.x, it.min.y, it.max.x,
                     it.max.y, it.fits ? "" : " CUT");
}
inline void dump_if_out(const gui::FrameLog& log, ImVec2 size, const char* what) {
    if (!std::getenv("ETABLI_TEST_DUMP")) return;
    for (const auto& it : log.items)
        if (it.min.x < -0.5f || it.min.y < -0.5f || it.max.x > size.x + 0.5f || it.max.y > size.y + 0.5f || !it.fits) {
            std::fprintf(stderr, "check_layout(%s):\n", what);
            dump_frame(log, size);
            return;
        }
}

struct Harness {
    ImGuiContext* ctx = nullptr;
    gui::Kiosk kiosk;
    app::Snapshot snap = base_snapshot();
    double now = 1000.0;
    CommandList out;
    ImVec2 size;

    explicit Harness(ImVec2 display = ImVec2(1280, 800), core::Lang lang = core::Lang::fr,
                     std::optional<app::Snapshot> first = {})
        : kiosk(translations(), options(lang)), size(display) {
        if (first) snap = *first;
        IMGUI_CHECKVERSION();
        ctx = ImGui::CreateContext();
        ImGui::SetCurrentContext(ctx);
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = display;
        io.IniFilename = nullptr;
        io.DeltaTime = 1.0f / 60.0f;
        const gui::Fonts f = gui::load_fonts(*io.Fonts, display, "", text_percent());
        gui::apply_theme(ImGui::GetStyle(), f.body_px);
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        kiosk.set_fonts(f);
        frame();
    }
    ~Harness() { ImGui::DestroyContext(ctx); }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    static gui::KioskOptions options(core::Lang lang) {
        gui::KioskOptions o;
        o.lang = lang;
        // Where the hosts' USB sticks are mounted, for the photo tests (one folder).
        if (const char* r = std::getenv("ETABLI_USB_ROOTS"); r && *r) o.usb_roots = {r};
        return o;
    }

    // The station's part the kiosk does not decide: whether the workshop is open now and the
    // days it asked for (PlanDay), decided by a real engine built from the snapshot, as the
    // station decides them from its own.
    std::vector<alloc::DayQuery> day_queries;
    std::size_t commands_seen = 0;
    void station_answers() {
        for (; commands_seen < out.size(); ++commands_seen)
            if (const auto* p = std::get_if<app::PlanDay>(&out[commands_seen].first)) {
                std::erase(day_queries, p->query);
                day_queries.push_back(p->query);
            }
        if (commands_seen > out.size()) commands_seen = out.size();  // a test cleared the list
        snap.day_plans.clear();
        const bool no_hours = snap.hours.exceptions.empty() &&
                              std::all_of(snap.hours.weekly.begin(), snap.hours.weekly.end(), [](const auto& w) { return w.empty(); });
        if (no_hours && day_queries.empty()) {
            snap.open_now = false;
            return;
        }
        alloc::EngineState st;
        for (const auto& mv : snap.machines) st.machines.push_back(mv.machine);
        st.hours = snap.hours;
        if (snap.directory)
            for (const auto& [id, m] : snap.directory->members) st.members.push_back(alloc::MemberInfo::of(m));
        for (const auto& b : snap.upcoming)
            if (b.state == alloc::BookingState::booked || b.state == alloc::BookingState::active) st.bookings.push_back(b);
        // The sessions running, each in its booking (a walk-in's when the test gave none).
        for (const auto& mv : snap.machines) {
            if (!mv.session) continue;
            alloc::Session se = *mv.session;
            const auto has = [&](const alloc::Booking& b) { return b.id == se.booking; };
            if (se.booking == 0 || std::none_of(st.bookings.begin(), st.bookings.end(), has)) {
                alloc::Booking b;
                b.id = se.booking != 0 ? se.booking : 900000 + se.machine;
                b.machine = se.machine;
                b.member = se.member;
                b.start = se.started;
                b.end = se.allowed_until;
                b.state = alloc::BookingState::active;
                b.created_by = se.member;
                b.walk_in = true;
                b.created_at = se.started;
                se.booking = b.id;
                std::erase_if(st.bookings, [&](const alloc::Booking& x) { return x.id == b.id; });
                st.bookings.push_back(b);
            }
            st.sessions.push_back(se);
        }
        st.queue.clear();
        for (const auto& q : snap.queue) st.queue.push_back(q.entry);
        const SnapshotZone zone(snap.offsets);
        const alloc::Engine engine(std::move(st), zone, snap.at);
        snap.open_now = engine.inside_hours(snap.at, snap.at + std::chrono::seconds{1});
        for (const auto& q : day_queries)
            if (auto plan = engine.plan_day(q, snap.at)) snap.day_plans.push_back(std::move(*plan));
    }

    void frame(double dt = 1.0 / 60.0) {
        station_answers();
        const std::size_t before = out.size();
        draw(dt);
        // The station answers a PlanDay within a millisecond: the kiosk's next frame shows
        // the day, as the window's would.
        bool asked = false;
        for (std::size_t i = before; i < out.size(); ++i) asked = asked || std::holds_alternative<app::PlanDay>(out[i].first);
        if (asked) {
            station_answers();
            draw(dt);
        }
    }
    void draw(double dt) {
        ImGui::NewFrame();
        kiosk.frame(snap, now, out);
        ImGui::Render();
        now += dt;
    }
    void publish() { ++snap.version; }

    const gui::FrameLog& log() const { return kiosk.last_frame(); }
    const gui::ItemRecord& item(std::string_view key) const {
        const gui::ItemRecord* r = log().find(key);
        if (!r && std::getenv("ETABLI_TEST_DUMP")) dump();
        INFO("looking for ", std::string(key));
        REQUIRE(r != nullptr);
        return *r;
    }
    bool has(std::string_view key) const { return log().find(key) != nullptr; }
    void dump() const { dump_frame(log(), size); }
    std::string label(std::string_view key) const { return item(key).label; }
    // `key` on a screen of pages: back to the first page with `prev`, then on with `next`
    // until it shows, as a member would look for it (a larger text puts fewer rows on a page).
    const gui::ItemRecord& paged(std::string_view key, std::string_view prev, std::string_view next) {
        if (!has(key)) {
            for (int i = 0; i < 50 && has(prev) && item(prev).enabled; ++i) tap(prev);
            for (int i = 0; i < 50 && !has(key) && has(next) && item(next).enabled; ++i) tap(next);
        }
        return item(key);
    }

    void tap_at(ImVec2 p) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = p;
        io.MouseDown[0] = true;
        frame();
        io.MouseDown[0] = false;
        frame();
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        frame();
    }
    void tap(std::string_view key) {
        // A field typed alone above the keyboard (large text on a small screen): its OK
        // brings the other fields back, as a member would tap it first.
        if (!has(key))
            for (const auto& it : log().items)
                if (it.key.ends_with("/typing_done")) {
                    const std::string done = it.key;
                    tap(done);
                    break;
                }
        const gui::ItemRecord r = item(key);
        INFO("tapping ", std::string(key));
        REQUIRE(r.enabled);
        tap_at(ImVec2((r.min.x + r.max.x) / 2, (r.min.y + r.max.y) / 2));
    }
    void press(gui::Key k) {
        kiosk.key_pressed(k);
        frame();
    }
    void type_digits(std::string_view digits, bool enter = true) {
        for (char c : digits) press(gui::digit_key(c - '0'));
        if (enter) press(gui::Key::enter);
    }
    void show_tap(core::MemberId id, core::TapKind kind, std::string uid) {
        const std::uint64_t seq = snap.last_tap ? snap.last_tap->seq + 1 : 1;
        snap.last_tap = tap_of(seq, *snap.directory, id, kind, std::move(uid));
        publish();
        frame();
    }
    // A tap the station gave to a capture (attendance, "J'aide", a sign-off…).
    void show_claimed_tap(core::MemberId id, app::TapClaim claim, std::string uid) {
        const std::uint64_t seq = snap.last_tap ? snap.last_tap->seq + 1 : 1;
        app::TapView t;
        t.seq = seq;
        t.uid = std::move(uid);
        t.claim = claim;
        if (const auto* m = snap.directory->find(id)) t.member = *m;
        snap.last_tap = t;
        publish();
        frame();
    }

    // Types `text` on the on-screen keyboard: keys are found by the label they show.
    void type_on_screen(std::string_view text) {
        std::size_t i = 0;
        while (i < text.size()) {
            std::size_t n = 1;
            while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) ++n;
            const std::string ch(text.substr(i, n));
            i += n;
            if (ch == " ") {
                tap(key_ending("kbd/space"));
                continue;
            }
            // Try the four states of (Shift, accents) until a key shows the letter, then
            // the same with the digits and signs.
            std::string k = key_with_label(ch);
            for (int attempt = 0; k.empty() && attempt < 8; ++attempt) {
                tap(key_ending(attempt == 3 ? "kbd/symbols" : attempt % 2 == 0 ? "kbd/shift" : "kbd/layer"));
                k = key_with_label(ch);
            }
            INFO("key for ", ch);
            REQUIRE(!k.empty());
            tap(k);
        }
    }
    std::string key_with_label(const std::string& l) const {
        for (const auto& it : log().items)
            if (it.kind == gui::ItemRecord::Kind::button && it.label == l && it.key.find("kbd/") != std::string::npos)
                return it.key;
        return {};
    }
    std::string key_ending(std::string_view suffix) const {
        for (const auto& it : log().items)
            if (it.key.ends_with(suffix)) return it.key;
        FAIL("no item ending with ", std::string(suffix));
        return {};
    }
    std::string text_with_key_ending(std::string_view suffix) const {
        for (const auto& it : log().items)
            if (it.key.ends_with(suffix)) return it.label;
        return {};
    }

    // Layout: every item inside the display, every label inside its button.
    void check_layout(const char* what) const {
        REQUIRE(!log().items.empty());
        dump_if_out(log(), size, what);
        for (const auto& it : log().items) {
            INFO(what, " at ", size.x, "x", size.y, ": ", it.key, " \"", it.label, "\" (", it.caption, ") [", it.min.x, ",",
                 it.min.y, " – ", it.max.x, ",", it.max.y, "]");
            CHECK(it.min.x >= -0.5f);
            CHECK(it.min.y >= -0.5f);
            CHECK(it.max.x <= size.x + 0.5f);
            CHECK(it.max.y <= size.y + 0.5f);
            CHECK(it.fits);
            if (it.kind == gui::ItemRecord::Kind::button) {
                // Touch targets: at least 1.5 font heights tall (STYLE.md, rule 12), heights of
                // the text at 100 %: the rule is for a finger, which a larger text size does
                // not widen (the label must still fit: `fits` above).
                const float body_100 = ImGui::GetIO().Fonts->Fonts[0]->FontSize * 100.0f / static_cast<float>(text_percent());
                CHECK(it.max.y - it.min.y >= 1.5f * body_100 - 0.5f);
            }
        }
        // No two buttons overlap.
        std::vector<const gui::ItemRecord*> buttons;
        for (const auto& it : log().items)
            if (it.kind == gui::ItemRecord::Kind::button) buttons.push_back(&it);
        for (std::size_t a = 0; a < buttons.size(); ++a)
            for (std::size_t b = a + 1; b < buttons.size(); ++b) {
                const auto& p = *buttons[a];
                const auto& q = *buttons[b];
                const bool overlap = p.min.x < q.max.x - 0.5f && q.min.x < p.max.x - 0.5f &&
                                     p.min.y < q.max.y - 0.5f && q.min.y < p.max.y - 0.5f;
                INFO(what, " at ", size.x, "x", size.y, ": ", p.key, " overlaps ", q.key);
                CHECK(!overlap);
            }
    }

    void start_enrolment_as_host() {
        show_tap(2, core::TapKind::check_in, "0004211337");
        REQUIRE(kiosk.screen() == gui::Screen::member_home);
        tap("home/enrol");
        REQUIRE(kiosk.screen() == gui::Screen::enrol);
        auto starts = commands_of<app::StartEnrolment>(out);
        REQUIRE(starts.size() == 1);
        CHECK(starts[0].host == 2);
        app::Enrolment e;
        e.host = 2;
        e.started = snap.at;
        e.expires = snap.at + 60s;
        snap.enrolment = e;
        publish();
        frame();
    }
    void capture_badge(std::string uid, std::optional<core::MemberId> owner = {}) {
        snap.enrolment->uid = std::move(uid);
        snap.enrolment->current_owner = owner;
        publish();
        frame();
    }
    void reply(std::uint64_t id, bool ok, core::Problem p = {}) {
        app::Reply r;
        r.request_id = id;
        r.ok = ok;
        r.problem = std::move(p);
        snap.last_reply = r;
        publish();
        frame();
    }
};

}  // namespace

