// The bike register's commands of the command line: bike add/set/list/show, bike part/fit
// (parts between bikes), bike leave (sold, given, scrapped, returned), bike proof (the proof
// of sale PDF), bike declare (the marking operator's CSV) and bike labels (the QR tags).
// Layer: cli. Main thread.
#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace etabli::cli {

class BikeCommands {
public:
    // Declares the subcommands on `app` ("bike").
    explicit BikeCommands(CLI::App& app);
    // Runs the one that was parsed, if any.
    std::optional<int> run(Context& ctx);

    // The description fields of `bike add` and `bike set`; on `set`, only those given change.
    struct Fields {
        std::string day, origin, type, brand, model, colour, wheel, frame_size, serial, condition, from, note, marking, check,
            checked_on, notified;
        std::vector<std::string> photos;
        core::MemberId from_member = 0, checked_by = 0;
        bool engraved = false;
    };

private:
    Fields m_f;
    core::BikeId m_id = 0, m_to = 0;
    std::int64_t m_part_id = 0;
    std::string m_part, m_status, m_how, m_price, m_surname, m_first, m_phone, m_email, m_address, m_day, m_marking, m_out, m_means;
    bool m_free = false, m_again = false, m_all = false;

    CLI::App *m_add, *m_set, *m_list, *m_show, *m_take, *m_fit, *m_leave, *m_proof, *m_declare, *m_labels;
    std::vector<core::BikeId> m_label_ids;
};

}  // namespace etabli::cli
