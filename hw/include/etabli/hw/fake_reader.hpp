// A badge reader that exists only in software. It ships: tests and demonstrations use it
// to tap badges exactly as a real reader's driver does (an event posted to the station).
// Layer: hw. Any thread may call tap().
#pragma once

#include <etabli/app/station.hpp>

#include <string>

namespace etabli::hw {

class FakeReader {
public:
    FakeReader(app::Station& station, std::string name) : m_station(station), m_name(std::move(name)) {}
    // Posts BadgeSeen{uid, name} and returns at once, like a driver thread would.
    void tap(const std::string& uid);
    const std::string& name() const { return m_name; }

private:
    app::Station& m_station;
    std::string m_name;
};

}  // namespace etabli::hw
