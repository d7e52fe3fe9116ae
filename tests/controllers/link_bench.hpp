// The station's LinkProtocol in front of one host-built controller (etabli_fw_host), both on
// one fake millisecond clock, with an optional fault injector on the line in each direction,
// the station's frames decoded as written, and a hook to hand the station a frame of our own.
// Layer: tests (station link + firmware on host). Single-threaded and deterministic.
#pragma once

#include <etabli/hw/controller_link.hpp>

#include <etb_proto.h>
#include <fw_host.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <span>
#include <vector>

namespace etabli::testing {

// Drops, corrupts, duplicates, delays (holds the stream: a serial line never reorders) and
// splits bytes at random. Rates are per byte; 0 everywhere is a perfect line.
struct LineFaults {
    double drop = 0, corrupt = 0, duplicate = 0, stall = 0;
    int max_stall_ms = 30;
};

class Line {
public:
    Line(std::uint32_t seed) : m_rng(seed) {}
    LineFaults faults;
    std::uint64_t bytes_in = 0, dropped = 0, corrupted = 0, duplicated = 0, stalls = 0;

    void push(const std::vector<std::uint8_t>& bytes, std::uint64_t now) {
        for (auto b : bytes) {
            ++bytes_in;
            if (chance(faults.drop)) {
                ++dropped;
                continue;
            }
            if (chance(faults.corrupt)) {
                ++corrupted;
                b = static_cast<std::uint8_t>(b ^ (1u << (m_rng() % 8)));
            }
            if (chance(faults.stall)) {
                ++stalls;
                m_release = std::max(m_release, now + 1 + m_rng() % static_cast<unsigned>(faults.max_stall_ms));
            }
            m_queue.push_back(b);
            if (chance(faults.duplicate)) {
                ++duplicated;
                m_queue.push_back(b);
            }
        }
    }
    // What reaches the other end by `now`: everything unless stalled, in random-sized pieces.
    std::vector<std::uint8_t> pull(std::uint64_t now) {
        std::vector<std::uint8_t> out;
        if (now < m_release || m_queue.empty()) return out;
        std::size_t n = m_queue.size();
        if (faults.stall > 0 || faults.drop > 0) n = 1 + m_rng() % n;  // split
        out.assign(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(n));
        m_queue.erase(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(n));
        return out;
    }

private:
    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }
    std::mt19937 m_rng;
    std::deque<std::uint8_t> m_queue;
    std::uint64_t m_release = 0;
};

class LinkBench {
public:
    explicit LinkBench(std::uint8_t channels = 2, std::uint32_t seed = 11)
        : link("bench"), to_fw(seed * 2 + 1), to_station(seed * 2 + 2) {
        fw_host_options opt{};
        opt.fd = -1;
        opt.channels = channels;
        opt.fake_clock = 1;
        opt.seed = seed;
        fw = fw_host_create(&opt);
        fw_host_set_output(fw, &LinkBench::on_output, this);
        fw_host_set_relay_hook(fw, &LinkBench::on_relay, this);
        etb_rx_init(&m_station_rx);
        link.open(now());
    }
    ~LinkBench() { fw_host_destroy(fw); }
    LinkBench(const LinkBench&) = delete;
    LinkBench& operator=(const LinkBench&) = delete;

    hw::LinkTime now() const { return hw::LinkTime{} + std::chrono::milliseconds{ms}; }

    // One millisecond for both sides. With `station_alive` false the station sends nothing
    // more and reads nothing (killed), while the controller keeps running.
    void step(bool station_alive = true) {
        if (station_alive) {
            link.poll(now());
            auto out = link.take_output();
            frames_to_fw += static_cast<std::uint64_t>(std::count(out.begin(), out.end(), std::uint8_t{0}));
            etb_msg m;
            for (auto byte : out)
                if (etb_rx_push(&m_station_rx, byte, &m)) station_frames.push_back(m);
            to_fw.push(out, ms);
        }
        auto in = to_fw.pull(ms);
        if (!in.empty()) fw_host_feed(fw, in.data(), in.size());
        fw_host_advance(fw, 1);
        ++ms;
        auto back = to_station.pull(ms);
        if (station_alive && !back.empty()) link.on_bytes(back, now());
        collect_events();
    }
    // Test hook: `bytes` reach the station now, as if just read from the line, ahead of what
    // the line still carries; its events are collected as step() does. For frames the
    // firmware would never send (built with etb_proto's pack functions and etb_frame_encode).
    void feed_station(std::span<const std::uint8_t> bytes) {
        link.on_bytes(bytes, now());
        collect_events();
    }
    void run(std::uint64_t n, bool station_alive = true) {
        for (std::uint64_t i = 0; i < n; ++i) step(station_alive);
    }
    // Runs until `pred` or `limit` ms; true if pred became true.
    bool run_until(const std::function<bool()>& pred, std::uint64_t limit = 5000) {
        for (std::uint64_t i = 0; i < limit; ++i) {
            if (pred()) return true;
            step();
        }
        return pred();
    }
    bool relay(std::uint8_t ch) const { return fw_host_relay(fw, ch) != 0; }
    std::size_t count(hw::LinkEvent::Kind k) const {
        return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.kind == k; }));
    }

    fw_host* fw = nullptr;
    hw::LinkProtocol link;
    Line to_fw, to_station;
    std::uint64_t ms = 0;
    std::uint64_t frames_to_fw = 0, frames_to_station = 0;
    std::vector<hw::LinkEvent> events;
    // Every frame the station wrote during step(), decoded, retransmissions included.
    std::vector<etb_msg> station_frames;
    std::function<void(const hw::LinkEvent&)> on_event;
    std::function<void(std::uint8_t ch, bool on)> on_relay_change;
    bool relays[ETB_MAX_CHANNELS] = {};

private:
    void collect_events() {
        for (auto& e : link.take_events()) {
            if (on_event) on_event(e);
            events.push_back(std::move(e));
        }
    }
    static void on_output(void* ctx, const std::uint8_t* data, std::size_t len) {
        auto* self = static_cast<LinkBench*>(ctx);
        std::vector<std::uint8_t> v(data, data + len);
        self->frames_to_station += static_cast<std::uint64_t>(std::count(v.begin(), v.end(), std::uint8_t{0}));
        self->to_station.push(v, self->ms);
    }
    static void on_relay(void* ctx, std::uint8_t ch, std::uint8_t on) {
        auto* self = static_cast<LinkBench*>(ctx);
        if (ch >= ETB_MAX_CHANNELS) return;
        const bool was = self->relays[ch];
        self->relays[ch] = on != 0;
        if (was != (on != 0) && self->on_relay_change) self->on_relay_change(ch, on != 0);
    }
    etb_rx m_station_rx{};  // decodes what the station writes into station_frames
};

}  // namespace etabli::testing
