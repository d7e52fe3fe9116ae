// Test helpers (see testing.hpp).
#include "testing.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace etabli::testing {

using namespace std::chrono;

core::Date FixedCalendar::local_day(core::Timestamp t) const {
    return core::Date{floor<days>(t + m_offset)};
}
core::Timestamp FixedCalendar::day_start(core::Date d) const {
    return core::Timestamp{sys_days{d}.time_since_epoch()} - m_offset;
}
std::string FixedCalendar::local_hhmm(core::Timestamp t) const {
    auto local = t + m_offset;
    auto since_midnight = local - floor<days>(local);
    auto h = duration_cast<hours>(since_midnight).count();
    auto m = duration_cast<minutes>(since_midnight).count() % 60;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(h), static_cast<int>(m));
    return buf;
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "etabli-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
}
TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(m_path, ec);
}

core::Timestamp utc(const std::string& text) {
    auto t = core::parse_timestamp(text);
    if (!t) throw std::runtime_error("bad test time: " + text);
    return *t;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

}  // namespace etabli::testing
