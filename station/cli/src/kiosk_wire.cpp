// The kiosk stream's codec: see kiosk_wire.hpp. Layer: cli. Any thread (each encoder
// or decoder by one thread at a time).
#include "kiosk_wire.hpp"

#include <etabli/app/rights.hpp>

#include <boost/pfr.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <tuple>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace etabli::cli::wire {

namespace {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T> struct is_map : std::false_type {};
template <class K, class V, class C, class A> struct is_map<std::map<K, V, C, A>> : std::true_type {};
template <class T> struct is_set : std::false_type {};
template <class K, class C, class A> struct is_set<std::set<K, C, A>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T> struct is_variant : std::false_type {};
template <class... A> struct is_variant<std::variant<A...>> : std::true_type {};
template <class T> struct is_shared : std::false_type {};
template <class T> struct is_shared<std::shared_ptr<T>> : std::true_type {};
template <class T> struct is_duration : std::false_type {};
template <class R, class P> struct is_duration<std::chrono::duration<R, P>> : std::true_type {};
template <class T> struct is_time_point : std::false_type {};
template <class C, class D> struct is_time_point<std::chrono::time_point<C, D>> : std::true_type {};
template <class T> struct is_tuple : std::false_type {};
template <class... A> struct is_tuple<std::tuple<A...>> : std::true_type {};
template <class T> struct is_array : std::false_type {};
template <class T, std::size_t N> struct is_array<std::array<T, N>> : std::true_type {};
template <class T> struct is_shared_list : std::false_type {};
template <class T, class L> struct is_shared_list<app::SharedList<T, L>> : std::true_type {};
// What a list holds (SharedList names no value_type).
template <class T> struct element { using type = typename T::value_type; };
template <class T, class L> struct element<app::SharedList<T, L>> { using type = T; };
template <class T> using element_t = typename element<T>::type;

// The largest value of each enum a kiosk's command may carry: a decoded value beyond it
// is refused (the station indexes tables by some of them). require_bounds<app::Command>()
// below fails to compile when a command gains an enum that is not listed here.
template <class E>
struct enum_bound;  // no definition: an enum without a bound
template <class E>
concept has_bound = requires { enum_bound<E>::last; };

template <> struct enum_bound<alloc::HostLossPolicy::Kind> { static constexpr auto last = alloc::HostLossPolicy::Kind::until_idle; };
template <> struct enum_bound<alloc::CheckLevel> { static constexpr auto last = alloc::CheckLevel::host; };
template <> struct enum_bound<alloc::MachineStatus> { static constexpr auto last = alloc::MachineStatus::out_of_order; };
template <> struct enum_bound<alloc::QuotaScope> { static constexpr auto last = alloc::QuotaScope::pool; };
template <> struct enum_bound<app::ExportTools::Kind> { static constexpr auto last = app::ExportTools::Kind::overdue_csv; };
template <> struct enum_bound<app::RequireSkill::Target> { static constexpr auto last = app::RequireSkill::Target::tool; };
template <> struct enum_bound<app::ToolFlow::Mode> { static constexpr auto last = app::ToolFlow::Mode::give_back; };
template <> struct enum_bound<core::BadgeStatus> { static constexpr auto last = core::BadgeStatus::revoked; };
template <> struct enum_bound<core::Barrier> { static constexpr auto last = core::Barrier::too_worn_out; };
template <> struct enum_bound<core::BikeCondition> { static constexpr auto last = core::BikeCondition::for_parts; };
template <> struct enum_bound<core::BikeOrigin> { static constexpr auto last = core::BikeOrigin::bought; };
template <> struct enum_bound<core::BikeStatus> { static constexpr auto last = core::BikeStatus::returned; };
template <> struct enum_bound<core::BikeType> { static constexpr auto last = core::BikeType::other; };
template <> struct enum_bound<core::MarkingCheck> { static constexpr auto last = core::MarkingCheck::stolen; };
template <> struct enum_bound<core::PriceKind> { static constexpr auto last = core::PriceKind::free; };
template <> struct enum_bound<core::PayMeans> { static constexpr auto last = core::PayMeans::helloasso; };
template <> struct enum_bound<core::ReceiptFor> { static constexpr auto last = core::ReceiptFor::other; };
template <> struct enum_bound<core::CardState> { static constexpr auto last = core::CardState::rejected; };
template <> struct enum_bound<core::Component> { static constexpr auto last = core::Component::other; };
template <> struct enum_bound<core::ItemKind> { static constexpr auto last = core::ItemKind::powered; };
template <> struct enum_bound<core::Lang> { static constexpr auto last = core::Lang::en; };
template <> struct enum_bound<core::Problem::Kind> { static constexpr auto last = core::Problem::Kind::storage; };
template <> struct enum_bound<core::RepairStatus> { static constexpr auto last = core::RepairStatus::unknown; };
template <> struct enum_bound<core::Role> { static constexpr auto last = core::Role::admin; };
template <> struct enum_bound<core::ToolCondition> { static constexpr auto last = core::ToolCondition::broken; };
template <> struct enum_bound<core::ToolStatus> { static constexpr auto last = core::ToolStatus::retired; };
template <> struct enum_bound<core::VolunteerRole> { static constexpr auto last = core::VolunteerRole::host; };

struct DecodeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Out {
    std::string bytes;
    std::unordered_map<std::type_index, std::shared_ptr<const void>>* sent = nullptr;
};
struct In {
    const char* p = nullptr;
    const char* end = nullptr;
    std::unordered_map<std::type_index, std::shared_ptr<const void>>* seen = nullptr;
};

void raw(Out& o, const void* p, std::size_t n) { o.bytes.append(static_cast<const char*>(p), n); }
void raw(In& in, void* p, std::size_t n) {
    if (static_cast<std::size_t>(in.end - in.p) < n) throw DecodeError("the message ends too early");
    std::memcpy(p, in.p, n);
    in.p += n;
}
void put_len(Out& o, std::size_t n) {
    if (n > 0xFFFF'FFFFu) throw std::length_error("a list too long for the kiosk stream");
    const auto v = static_cast<std::uint32_t>(n);
    raw(o, &v, sizeof v);
}
// A count of elements (each takes at least one byte) or of bytes: never more than what is left.
std::size_t get_len(In& in) {
    std::uint32_t v = 0;
    raw(in, &v, sizeof v);
    if (v > static_cast<std::size_t>(in.end - in.p)) throw DecodeError("a length beyond the end of the message");
    return v;
}

template <class T> void put(Out& o, const T& v);
template <class T> void get(In& in, T& v);

template <class T>
void put(Out& o, const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        const std::uint8_t b = v ? 1 : 0;
        raw(o, &b, 1);
    } else if constexpr (std::is_arithmetic_v<T>) {
        raw(o, &v, sizeof v);
    } else if constexpr (std::is_enum_v<T>) {
        const auto u = static_cast<std::underlying_type_t<T>>(v);
        raw(o, &u, sizeof u);
    } else if constexpr (std::is_same_v<T, std::string>) {
        put_len(o, v.size());
        o.bytes.append(v);
    } else if constexpr (is_duration<T>::value) {
        put(o, v.count());
    } else if constexpr (is_time_point<T>::value) {
        put(o, v.time_since_epoch());
    } else if constexpr (std::is_same_v<T, std::chrono::year_month_day>) {
        put(o, static_cast<int>(v.year()));
        put(o, static_cast<unsigned>(v.month()));
        put(o, static_cast<unsigned>(v.day()));
    } else if constexpr (is_optional<T>::value) {
        put(o, v.has_value());
        if (v) put(o, *v);
    } else if constexpr (is_vector<T>::value || is_set<T>::value || is_shared_list<T>::value) {
        put_len(o, v.size());
        for (const auto& e : v) put(o, static_cast<const element_t<T>&>(e));
    } else if constexpr (is_tuple<T>::value) {
        std::apply([&](const auto&... e) { (put(o, e), ...); }, v);
    } else if constexpr (is_array<T>::value) {
        for (const auto& e : v) put(o, e);
    } else if constexpr (std::is_same_v<T, app::ReaderRef>) {  // a class: its parts by hand
        put(o, v.kind());
        put(o, v.machine());
        put(o, v.name());
    } else if constexpr (std::is_same_v<T, alloc::OpeningHours>) {  // by hand: GCC 12 cannot count its fields (std::array)
        put(o, v.weekly);
        put(o, v.exceptions);
    } else if constexpr (is_map<T>::value) {
        put_len(o, v.size());
        for (const auto& [k, e] : v) {
            put(o, k);
            put(o, e);
        }
    } else if constexpr (is_pair<T>::value) {
        put(o, v.first);
        put(o, v.second);
    } else if constexpr (is_variant<T>::value) {
        put(o, static_cast<std::uint32_t>(v.index()));
        std::visit([&](const auto& a) { put(o, a); }, v);
    } else if constexpr (is_shared<T>::value) {
        using E = typename T::element_type;
        std::uint8_t tag = v ? 1 : 0;
        if constexpr (std::is_const_v<E>) {
            if (v && o.sent) {
                auto it = o.sent->find(std::type_index(typeid(E)));
                if (it != o.sent->end() && it->second.get() == static_cast<const void*>(v.get())) tag = 2;  // as last time
            }
        }
        raw(o, &tag, 1);
        if (tag == 1) {
            put(o, *v);
            if constexpr (std::is_const_v<E>)
                if (o.sent) (*o.sent)[std::type_index(typeid(E))] = v;
        }
    } else if constexpr (std::is_same_v<T, std::monostate>) {
    } else {
        static_assert(std::is_aggregate_v<T>, "the kiosk stream sends aggregates, containers and values");
        boost::pfr::for_each_field(v, [&](const auto& f) { put(o, f); });
    }
}

template <class T>
void get(In& in, T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        std::uint8_t b = 0;
        raw(in, &b, 1);
        if (b > 1) throw DecodeError("a yes-or-no that is neither");
        v = b == 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
        raw(in, &v, sizeof v);
    } else if constexpr (std::is_enum_v<T>) {
        std::underlying_type_t<T> u{};
        raw(in, &u, sizeof u);
        if constexpr (has_bound<T>) {
            using U = std::underlying_type_t<T>;
            if (u < U{0} || u > static_cast<U>(enum_bound<T>::last)) throw DecodeError("a value out of its list");
        }
        v = static_cast<T>(u);
    } else if constexpr (std::is_same_v<T, std::string>) {
        const auto n = get_len(in);
        v.assign(in.p, n);
        in.p += n;
    } else if constexpr (is_duration<T>::value) {
        typename T::rep r{};
        get(in, r);
        v = T(r);
    } else if constexpr (is_time_point<T>::value) {
        typename T::duration d{};
        get(in, d);
        v = T(d);
    } else if constexpr (std::is_same_v<T, std::chrono::year_month_day>) {
        int y = 0;
        unsigned m = 0, d = 0;
        get(in, y);
        get(in, m);
        get(in, d);
        v = std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    } else if constexpr (is_optional<T>::value) {
        bool has = false;
        get(in, has);
        if (!has) {
            v.reset();
        } else {
            typename T::value_type x{};
            get(in, x);
            v = std::move(x);
        }
    } else if constexpr (is_vector<T>::value || is_shared_list<T>::value) {
        const auto n = get_len(in);
        std::vector<element_t<T>> items;
        items.reserve(std::min<std::size_t>(n, 1024));  // a hostile count costs no more than its bytes
        for (std::size_t i = 0; i < n; ++i) {
            element_t<T> x{};
            get(in, x);
            items.push_back(std::move(x));
        }
        if constexpr (is_shared_list<T>::value) v.assign_sorted(std::move(items));
        else v = T(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
    } else if constexpr (is_tuple<T>::value) {
        std::apply([&](auto&... e) { (get(in, e), ...); }, v);
    } else if constexpr (is_array<T>::value) {
        for (auto& e : v) get(in, e);
    } else if constexpr (std::is_same_v<T, app::ReaderRef>) {
        app::ReaderRef::Kind kind{};
        alloc::MachineId machine = 0;
        std::string name;
        get(in, kind);
        get(in, machine);
        get(in, name);
        auto r = app::ReaderRef::restore(kind, machine, std::move(name));
        if (!r) throw DecodeError("an unknown kind of reader");
        v = std::move(*r);
    } else if constexpr (std::is_same_v<T, alloc::OpeningHours>) {
        get(in, v.weekly);
        get(in, v.exceptions);
    } else if constexpr (is_set<T>::value) {
        const auto n = get_len(in);
        v.clear();
        for (std::size_t i = 0; i < n; ++i) {
            typename T::value_type x{};
            get(in, x);
            v.insert(std::move(x));
        }
    } else if constexpr (is_map<T>::value) {
        const auto n = get_len(in);
        v.clear();
        for (std::size_t i = 0; i < n; ++i) {
            typename T::key_type k{};
            typename T::mapped_type e{};
            get(in, k);
            get(in, e);
            v.insert_or_assign(std::move(k), std::move(e));
        }
    } else if constexpr (is_pair<T>::value) {
        get(in, v.first);
        get(in, v.second);
    } else if constexpr (is_variant<T>::value) {
        std::uint32_t index = 0;
        get(in, index);
        if (index >= std::variant_size_v<T>) throw DecodeError("an unknown kind of command or result");
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((index == I ? get(in, v.template emplace<I>()) : void()), ...);
        }(std::make_index_sequence<std::variant_size_v<T>>{});
    } else if constexpr (is_shared<T>::value) {
        using E = typename T::element_type;
        std::uint8_t tag = 0;
        raw(in, &tag, 1);
        if (tag == 0) {
            v.reset();
        } else if (tag == 1) {
            auto p = std::make_shared<std::remove_const_t<E>>();
            get(in, *p);
            v = p;
            if constexpr (std::is_const_v<E>)
                if (in.seen) (*in.seen)[std::type_index(typeid(E))] = v;
        } else {
            if constexpr (std::is_const_v<E>) {
                if (tag == 2 && in.seen) {
                    auto it = in.seen->find(std::type_index(typeid(E)));
                    if (it != in.seen->end()) {
                        v = std::static_pointer_cast<E>(it->second);
                        return;
                    }
                }
            }
            throw DecodeError("a shared part never sent before");
        }
    } else if constexpr (std::is_same_v<T, std::monostate>) {
    } else {
        static_assert(std::is_aggregate_v<T>, "the kiosk stream sends aggregates, containers and values");
        boost::pfr::for_each_field(v, [&](auto& f) { get(in, f); });
    }
}

// [Schema] each type's shape as text, hashed.
template <class T> void sig(std::string& s);

template <class T>
void sig(std::string& s) {
    if constexpr (std::is_same_v<T, bool>) {
        s += 'b';
    } else if constexpr (std::is_arithmetic_v<T>) {
        s += std::is_floating_point_v<T> ? 'f' : std::is_signed_v<T> ? 'i' : 'u';
        s += std::to_string(sizeof(T));
    } else if constexpr (std::is_enum_v<T>) {
        s += 'e';
        s += std::to_string(sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string>) {
        s += 's';
    } else if constexpr (is_duration<T>::value) {
        s += 'd';
        sig<typename T::rep>(s);
        s += std::to_string(T::period::num) + '/' + std::to_string(T::period::den);
    } else if constexpr (is_time_point<T>::value) {
        s += 't';
        sig<typename T::duration>(s);
    } else if constexpr (std::is_same_v<T, std::chrono::year_month_day>) {
        s += "ymd";
    } else if constexpr (is_optional<T>::value) {
        s += '?';
        sig<typename T::value_type>(s);
    } else if constexpr (is_vector<T>::value || is_set<T>::value || is_shared_list<T>::value) {
        s += '[';
        sig<element_t<T>>(s);
        s += ']';
    } else if constexpr (is_tuple<T>::value) {
        s += 'T';
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (sig<std::tuple_element_t<I, T>>(s), ...);
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
        s += ';';
    } else if constexpr (is_array<T>::value) {
        s += "a" + std::to_string(std::tuple_size_v<T>);
        sig<typename T::value_type>(s);
    } else if constexpr (std::is_same_v<T, app::ReaderRef>) {
        s += "(e1i8s)";
    } else if constexpr (std::is_same_v<T, alloc::OpeningHours>) {
        s += '(';
        sig<decltype(alloc::OpeningHours::weekly)>(s);
        sig<decltype(alloc::OpeningHours::exceptions)>(s);
        s += ')';
    } else if constexpr (is_map<T>::value) {
        s += '{';
        sig<typename T::key_type>(s);
        sig<typename T::mapped_type>(s);
        s += '}';
    } else if constexpr (is_pair<T>::value) {
        s += 'p';
        sig<typename T::first_type>(s);
        sig<typename T::second_type>(s);
    } else if constexpr (is_variant<T>::value) {
        s += '<';
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (sig<std::variant_alternative_t<I, T>>(s), ...);
        }(std::make_index_sequence<std::variant_size_v<T>>{});
        s += '>';
    } else if constexpr (is_shared<T>::value) {
        s += '*';
        sig<std::remove_const_t<typename T::element_type>>(s);
    } else if constexpr (std::is_same_v<T, std::monostate>) {
        s += 'm';
    } else {
        s += '(';
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (sig<boost::pfr::tuple_element_t<I, T>>(s), ...);
        }(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
        s += ')';
    }
}

// Every enum a command can carry has a bound (compile-time walk of the types).
template <class T>
constexpr bool bounds_ok() {
    if constexpr (std::is_enum_v<T>) {
        static_assert(has_bound<T>, "an enum a kiosk command carries needs an enum_bound (kiosk_wire.cpp)");
        return true;
    } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string> || is_duration<T>::value ||
                         is_time_point<T>::value || std::is_same_v<T, std::chrono::year_month_day> ||
                         std::is_same_v<T, std::monostate> || std::is_same_v<T, app::ReaderRef> ||
                         std::is_same_v<T, alloc::OpeningHours>) {
        return true;
    } else if constexpr (is_optional<T>::value) {
        return bounds_ok<typename T::value_type>();
    } else if constexpr (is_vector<T>::value || is_set<T>::value || is_shared_list<T>::value || is_array<T>::value) {
        return bounds_ok<element_t<T>>();
    } else if constexpr (is_map<T>::value) {
        return bounds_ok<typename T::key_type>() && bounds_ok<typename T::mapped_type>();
    } else if constexpr (is_pair<T>::value) {
        return bounds_ok<typename T::first_type>() && bounds_ok<typename T::second_type>();
    } else if constexpr (is_variant<T>::value) {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (bounds_ok<std::variant_alternative_t<I, T>>() && ...);
        }(std::make_index_sequence<std::variant_size_v<T>>{});
    } else if constexpr (is_tuple<T>::value) {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (bounds_ok<std::tuple_element_t<I, T>>() && ...);
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
    } else if constexpr (is_shared<T>::value) {
        return bounds_ok<std::remove_const_t<typename T::element_type>>();
    } else {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (bounds_ok<boost::pfr::tuple_element_t<I, T>>() && ...);
        }(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    }
}
static_assert(bounds_ok<app::Command>() && bounds_ok<app::Reply>());

template <class T>
std::expected<T, std::string> decode_value(std::string_view bytes, std::unordered_map<std::type_index, std::shared_ptr<const void>>* seen) {
    In in{bytes.data(), bytes.data() + bytes.size(), seen};
    T v{};
    try {
        get(in, v);
    } catch (const DecodeError& e) {
        return std::unexpected(std::string(e.what()));
    } catch (const std::exception& e) {  // a value the types refuse (allocation, a list too long)
        return std::unexpected(std::string("a value the station cannot read: ") + e.what());
    }
    if (in.p != in.end) return std::unexpected(std::string("bytes left after the message"));
    return v;
}

}  // namespace

std::uint64_t schema() {
    static const std::uint64_t hash = [] {
        std::string s = ETABLI_VERSION;
        sig<app::Snapshot>(s);
        sig<app::Command>(s);
        sig<app::Reply>(s);
        std::uint64_t h = 1469598103934665603ull;  // FNV-1a
        for (const unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
        return h;
    }();
    return hash;
}

std::string schema_text() {
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(schema()));
    return b;
}

std::string SnapshotEncoder::encode(const app::Snapshot& s) {
    Out o;
    o.sent = &m_sent;
    o.bytes.reserve(4096);
    put(o, s);
    return std::move(o.bytes);
}

std::expected<std::shared_ptr<const app::Snapshot>, std::string> SnapshotDecoder::decode(std::string_view bytes) {
    // A failed message must not leave parts half-remembered: decode against a copy.
    auto seen = m_seen;
    auto v = decode_value<app::Snapshot>(bytes, &seen);
    if (!v) return std::unexpected(v.error());
    m_seen = std::move(seen);
    return std::make_shared<const app::Snapshot>(std::move(*v));
}

std::string encode_command(const app::Command& c) {
    Out o;
    put(o, c);
    return std::move(o.bytes);
}
std::expected<app::Command, std::string> decode_command(std::string_view bytes) { return decode_value<app::Command>(bytes, nullptr); }

std::string encode_reply(const app::Reply& r) {
    Out o;
    put(o, r);
    return std::move(o.bytes);
}
std::expected<app::Reply, std::string> decode_reply(std::string_view bytes) { return decode_value<app::Reply>(bytes, nullptr); }

std::string frame(FrameKind kind, std::string_view body, std::uint64_t request) {
    const bool with_id = kind != FrameKind::snapshot;
    const std::uint64_t size = 1 + (with_id ? 8 : 0) + body.size();
    if (size > 0xFFFF'FFFFu) throw std::length_error("a message too long for the kiosk stream");
    const auto len = static_cast<std::uint32_t>(size);
    std::string out;
    out.reserve(4 + len);
    out.append(reinterpret_cast<const char*>(&len), 4);
    out.push_back(static_cast<char>(kind));
    if (with_id) out.append(reinterpret_cast<const char*>(&request), 8);
    out.append(body);
    return out;
}

std::expected<std::optional<Frame>, std::string> next_frame(std::string& buf, std::size_t max) {
    if (buf.size() < 5) return std::optional<Frame>();
    std::uint32_t len = 0;
    std::memcpy(&len, buf.data(), 4);
    if (len > max) return std::unexpected("a message of " + std::to_string(len) + " bytes, over the limit of " + std::to_string(max));
    const auto kind = static_cast<FrameKind>(buf[4]);
    if (kind != FrameKind::snapshot && kind != FrameKind::reply && kind != FrameKind::command)
        return std::unexpected(std::string("a message of an unknown kind"));
    const std::size_t head = kind == FrameKind::snapshot ? 1 : 9;
    if (len < head) return std::unexpected(std::string("a message shorter than its header"));
    if (buf.size() < 4 + static_cast<std::size_t>(len)) return std::optional<Frame>();
    Frame f;
    f.kind = kind;
    if (head == 9) std::memcpy(&f.request, buf.data() + 5, 8);
    f.body.assign(buf, 4 + head, len - head);
    buf.erase(0, 4 + static_cast<std::size_t>(len));
    return std::optional<Frame>(std::move(f));
}

bool kiosk_may_send(const app::Command& c) {
    // The rights table says which commands only the station's devices send.
    return app::right_of(c).need != app::Need::device;
}

}  // namespace etabli::cli::wire
