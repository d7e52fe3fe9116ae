// Type lists for the feature registry: a feature names its commands as a list, the
// registry concatenates them into the Command variant and finds, at compile time, which
// feature owns a command. Layer: app (pure).
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <variant>

namespace etabli::app {

template <class... T>
struct type_list {};

// concat_t<type_list<A...>, type_list<B...>, …>
template <class... L>
struct concat;
template <>
struct concat<> {
    using type = type_list<>;
};
template <class... A>
struct concat<type_list<A...>> {
    using type = type_list<A...>;
};
template <class... A, class... B, class... Rest>
struct concat<type_list<A...>, type_list<B...>, Rest...> {
    using type = typename concat<type_list<A..., B...>, Rest...>::type;
};
template <class... L>
using concat_t = typename concat<L...>::type;

template <class L, class T>
inline constexpr bool contains_v = false;
template <class... A, class T>
inline constexpr bool contains_v<type_list<A...>, T> = (std::is_same_v<A, T> || ...);

template <class L>
struct as_variant;
template <class... A>
struct as_variant<type_list<A...>> {
    using type = std::variant<A...>;
};
template <class L>
using as_variant_t = typename as_variant<L>::type;

template <class L>
inline constexpr std::size_t size_v = 0;
template <class... A>
inline constexpr std::size_t size_v<type_list<A...>> = sizeof...(A);

template <class L, class T>
struct index_of;
template <class T, class... Rest>
struct index_of<type_list<T, Rest...>, T> {
    static constexpr std::size_t value = 0;
};
template <class A, class... Rest, class T>
struct index_of<type_list<A, Rest...>, T> {
    static constexpr std::size_t value = 1 + index_of<type_list<Rest...>, T>::value;
};
template <class L, class T>
inline constexpr std::size_t index_of_v = index_of<L, T>::value;

// Calls f.template operator()<T, I>() for each type of the list, in order.
template <class... A, class F>
constexpr void for_each_type(type_list<A...>, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) { (f.template operator()<A, I>(), ...); }(std::index_sequence_for<A...>{});
}

// The index in `Features` of the feature whose `commands` list holds T; -1 when none does.
template <class Features, class T>
struct owner_of;
template <class T>
struct owner_of<type_list<>, T> {
    static constexpr int value = -1;
};
template <class F, class... Rest, class T>
struct owner_of<type_list<F, Rest...>, T> {
    static constexpr int rest = owner_of<type_list<Rest...>, T>::value;
    static constexpr int value = contains_v<typename F::commands, T> ? 0 : (rest < 0 ? -1 : rest + 1);
};
template <class Features, class T>
inline constexpr int owner_of_v = owner_of<Features, T>::value;

}  // namespace etabli::app
