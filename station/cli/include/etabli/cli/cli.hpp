// The `etabli` command line: parses arguments, opens the store, runs the Station for one
// command (or the kiosk), prints the outcome. Layer: cli (composition of db, hw, gui, app).
// Called on the main thread by station/main.cpp.
#pragma once

namespace etabli::cli {

// Exit codes: 0 done, 1 refused by a rule, 2 bad usage or bad input, 3 storage problem.
enum Exit : int { kDone = 0, kRefused = 1, kBadInput = 2, kStorage = 3 };

int run(int argc, char** argv);

}  // namespace etabli::cli
