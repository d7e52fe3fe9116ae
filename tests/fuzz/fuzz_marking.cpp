// Fuzz target: a marking identifier as typed or read on a sticker. An accepted identifier is
// 10 symbols of the marking alphabet, is accepted again as it is (normalising twice changes
// nothing), and a refusal always says why.
#include <etabli/core/bikes.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace etabli::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const std::vector<MarkingOperator> operators{{"AB", "Opérateur A"}, {"X2", "Opérateur X"}};
    for (const auto* ops : {&operators, static_cast<const std::vector<MarkingOperator>*>(nullptr)}) {
        const std::vector<MarkingOperator> none;
        auto id = check_marking_id(text, ops ? *ops : none);
        if (!id) {
            if (id.error().msgid.empty()) std::abort();
            continue;
        }
        if (id->size() != kMarkingLength) std::abort();
        for (const char c : *id)
            if (kMarkingAlphabet.find(c) == std::string_view::npos) std::abort();
        if (ops && !marking_operator(*id, *ops)) std::abort();
        auto again = check_marking_id(*id, ops ? *ops : none);
        if (!again || *again != *id) std::abort();
    }
    return 0;
}
