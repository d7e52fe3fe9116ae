// Établi's composition root: everything is wired in the cli layer; main only hands over.
#include <etabli/cli/cli.hpp>

int main(int argc, char** argv) { return etabli::cli::run(argc, argv); }
