// Problem: an expected failure as a value, with a message a person can read.
// Layer: core (pure). Any thread.
//
// `msgid` is the English source text with {0}, {1}… placeholders; it is also the key
// looked up in the translation catalogues (assets/i18n/*.po). `args` fill the
// placeholders after translation, so a translated sentence may reorder them.
#pragma once

#include <string>
#include <vector>

namespace etabli::core {

struct Problem {
    // What kind of failure, so the command line can choose its exit code: bad input (2),
    // or storage (3). Rule refusals are decisions, not Problems.
    enum class Kind { input, storage };

    std::string msgid;
    std::vector<std::string> args;
    Kind kind = Kind::input;

    // Substitutes the arguments into `msgid` without translation (English).
    std::string english() const;
};

// Builds a problem; the arguments are converted with std::to_string where needed by callers.
inline Problem problem(std::string msgid, std::vector<std::string> args = {}) {
    return Problem{std::move(msgid), std::move(args), Problem::Kind::input};
}
inline Problem storage_problem(std::string msgid, std::vector<std::string> args = {}) {
    return Problem{std::move(msgid), std::move(args), Problem::Kind::storage};
}

// Replaces {0}…{9} in `pattern` by `args`; unknown or missing indices stay as written.
std::string fill_placeholders(std::string_view pattern, const std::vector<std::string>& args);

}  // namespace etabli::core
