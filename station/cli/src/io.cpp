// See io.hpp. Layer: cli.
#include "io.hpp"

#include <iostream>

namespace etabli::cli {

namespace {
thread_local std::ostream* t_out = nullptr;
thread_local std::ostream* t_err = nullptr;
}  // namespace

std::ostream& cli_out() { return t_out ? *t_out : std::cout; }
std::ostream& cli_err() { return t_err ? *t_err : std::cerr; }

RedirectOutput::RedirectOutput(std::ostream& out, std::ostream& err) : m_out(t_out), m_err(t_err) {
    t_out = &out;
    t_err = &err;
}
RedirectOutput::~RedirectOutput() {
    t_out = m_out;
    t_err = m_err;
}

}  // namespace etabli::cli
