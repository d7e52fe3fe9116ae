// Replays a fuzz target's corpus as an ordinary test, then runs a bounded number of random
// mutations of the corpus entries (deterministic seed). The same target files also build
// with clang's -fsanitize=fuzzer for long runs (see tests/fuzz/README.md).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    std::vector<std::string> corpus;
    if (argc > 1 && std::filesystem::is_directory(argv[1])) {
        for (const auto& e : std::filesystem::directory_iterator(argv[1])) {
            std::ifstream in(e.path(), std::ios::binary);
            corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    if (corpus.empty()) corpus.emplace_back("");
    for (const auto& c : corpus)
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(c.data()), c.size());

    const char* env = std::getenv("ETABLI_FUZZ_RUNS");
    const long runs = env ? std::atol(env) : 20000;
    std::mt19937 rng(12345);
    for (long i = 0; i < runs; ++i) {
        std::string s = corpus[rng() % corpus.size()];
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int k = 0; k < edits; ++k) {
            const auto op = rng() % 4;
            const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
            if (op == 0 && !s.empty() && pos < s.size()) s[pos] = static_cast<char>(rng());
            else if (op == 1) s.insert(pos, 1, static_cast<char>(rng()));
            else if (op == 2 && pos < s.size()) s.erase(pos, 1 + rng() % 4);
            else if (op == 3 && !s.empty()) s.insert(pos, s.substr(rng() % s.size(), 1 + rng() % 16));
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    }
    std::printf("fuzz replay: %zu corpus entries, %ld mutations, no crash\n", corpus.size(), runs);
    return 0;
}
