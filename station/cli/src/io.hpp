// Where a command's output goes: the terminal (cli_out(), cli_err()), or, for a command that
// a station service runs for an API client, that client's buffers. Per thread, so that
// two clients served at once, and the station's own log lines, never mix. Layer: cli.
#pragma once

#include "io.hpp"
#include <ostream>

namespace etabli::cli {

std::ostream& cli_out();
std::ostream& cli_err();

// For the life of this object, cli_out() and cli_err() on this thread write into `out`, `err`.
class RedirectOutput {
public:
    RedirectOutput(std::ostream& out, std::ostream& err);
    ~RedirectOutput();
    RedirectOutput(const RedirectOutput&) = delete;
    RedirectOutput& operator=(const RedirectOutput&) = delete;

private:
    std::ostream* m_out;
    std::ostream* m_err;
};

}  // namespace etabli::cli
