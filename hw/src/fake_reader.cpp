// The software badge reader (see fake_reader.hpp). Layer: hw.
#include <etabli/hw/fake_reader.hpp>

namespace etabli::hw {

void FakeReader::tap(const std::string& uid) { m_station.post_async(app::BadgeSeen{uid, m_name}, 0); }

}  // namespace etabli::hw
