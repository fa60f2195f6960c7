#pragma once
// How operators call user functions. A function written against plain K and
// V (`[](const std::string& k, const order& v)`) is not called for a record
// whose key or value is absent: the operator skips the record (and says so in
// its comment). A function taking std::optional<K> / std::optional<V> sees
// every record, nulls included, as Java code does (so does a generic lambda). A function may return
// std::optional<R> to produce an absent value.
//
// Threads: pure helpers.

#include <optional>
#include <type_traits>
#include <utility>

#include "samsa/streams/serde.h"
#include "samsa/streams/state/key_value_iterator.h"

namespace samsa::streams::internal {

template<class T>
struct unwrap_optional { using type = T; };
template<class T>
struct unwrap_optional<std::optional<T>> { using type = T; };
template<class T>
using unwrap_optional_t = typename unwrap_optional<std::decay_t<T>>::type;

template<class T>
std::optional<unwrap_optional_t<T>> to_optional(T&& v) {
    return std::optional<unwrap_optional_t<T>>(std::forward<T>(v));
}

// A call's result as something out.emplace() can take: the conversion
// function returns f()'s prvalue, which initializes the optional's value in
// place, where out = f() builds it, then moves it in (an order with a few
// strings is a few hundred bytes moved per record on a join's path).
template<class F>
struct call_result {
    F& f;
    operator std::invoke_result_t<F&>() const { return f(); }
};

// out = f(), building the value in out's storage when f returns a T (f may
// also return std::optional<T>, which is assigned, or anything a T can be
// made from). Any value out held is destroyed first.
template<class T, class F>
void emplace_result(std::optional<T>& out, F&& f) {
    using R = std::remove_cvref_t<std::invoke_result_t<F&>>;
    if constexpr (std::is_same_v<R, T>) {
        out.emplace(call_result<std::remove_reference_t<F>>{f});
    } else if constexpr (std::is_same_v<R, std::optional<T>>) {
        out = f();
    } else {
        out.emplace(f());
    }
}

// Stream-stream joiners come in two shapes: joiner(a, b) (Kafka's
// ValueJoiner) or key-aware joiner(key, a, b) (ValueJoinerWithKey), the key
// taken as const std::optional<K>& (null keys of left/outer joins reach it,
// as in Kafka) or const K&.
template<class F, class K, class A, class B>
auto stream_joiner_result_impl() {
    if constexpr (std::is_invocable_v<F&, const std::optional<K>&, A, B>) {
        return std::type_identity<std::invoke_result_t<F&, const std::optional<K>&, A, B>>{};
    } else if constexpr (std::is_invocable_v<F&, const K&, A, B>) {
        return std::type_identity<std::invoke_result_t<F&, const K&, A, B>>{};
    } else {
        return std::type_identity<std::invoke_result_t<F&, A, B>>{};
    }
}
template<class F, class K, class A, class B>
using stream_joiner_result_t = unwrap_optional_t<typename decltype(stream_joiner_result_impl<F, K, A, B>())::type>;

// True for a key-aware joiner taking the key as const K&: it cannot be
// handed the null key of a left/outer join.
template<class F, class K, class A, class B>
inline constexpr bool joiner_takes_plain_key =
    !std::is_invocable_v<F&, const std::optional<K>&, A, B> && std::is_invocable_v<F&, const K&, A, B>;

// Calls either shape; key is nullptr only for a null-key record.
template<class K, class A, class B, class F>
decltype(auto) invoke_stream_joiner(F& f, const K* key, const A& a, const B& b) {
    if constexpr (std::is_invocable_v<F&, const std::optional<K>&, const A&, const B&>) {
        return f(key ? std::optional<K>(*key) : std::optional<K>(), a, b);
    } else if constexpr (std::is_invocable_v<F&, const K&, const A&, const B&>) {
        return f(*key, a, b);
    } else {
        return f(a, b);
    }
}

// What a user's joiner that takes an optional side gets from a row read by
// pointer (nullptr: no row).
template<class T>
std::optional<T> optional_copy(const T* p) {
    return p ? std::optional<T>(*p) : std::nullopt;
}

// A function that cannot take optionals takes plain values. (A generic
// lambda can, so it is handed optionals.)
template<class F, class K, class V>
inline constexpr bool takes_plain_kv = !std::is_invocable_v<F&, const std::optional<K>&, const std::optional<V>&>;

template<class F, class K, class V, bool plain = takes_plain_kv<F, K, V>>
struct kv_result { using type = std::invoke_result_t<F&, const K&, const V&>; };
template<class F, class K, class V>
struct kv_result<F, K, V, false> { using type = std::invoke_result_t<F&, const std::optional<K>&, const std::optional<V>&>; };
template<class F, class K, class V>
using kv_result_t = typename kv_result<F, K, V>::type;

// Calls f on (key, value) and passes the result (or nothing, for void) to
// then; returns false when f takes plain values and one is absent.
template<class K, class V, class F, class Then>
bool call_kv(F& f, const std::optional<K>& k, const std::optional<V>& v, Then&& then) {
    if constexpr (takes_plain_kv<F, K, V>) {
        if (!k || !v) return false;
        if constexpr (std::is_void_v<std::invoke_result_t<F&, const K&, const V&>>) {
            f(*k, *v);
            then();
        } else {
            then(f(*k, *v));
        }
    } else {
        if constexpr (std::is_void_v<kv_result_t<F, K, V>>) {
            f(k, v);
            then();
        } else {
            then(f(k, v));
        }
    }
    return true;
}

template<class F, class V>
inline constexpr bool takes_plain_v = !std::is_invocable_v<F&, const std::optional<V>&>;

template<class F, class V, bool plain = takes_plain_v<F, V>>
struct v_result { using type = std::invoke_result_t<F&, const V&>; };
template<class F, class V>
struct v_result<F, V, false> { using type = std::invoke_result_t<F&, const std::optional<V>&>; };
template<class F, class V>
using v_result_t = typename v_result<F, V>::type;

template<class V, class F, class Then>
bool call_v(F& f, const std::optional<V>& v, Then&& then) {
    if constexpr (takes_plain_v<F, V>) {
        if (!v) return false;
        then(f(*v));
    } else {
        then(f(v));
    }
    return true;
}

// key_value<K, V> or std::pair<K, V> from a mapper.
template<class T>
struct pair_traits;
// get_key/get_value copy from an lvalue and move from an rvalue (each moves
// out only its own member, so both may be called on one std::move()d pair).
template<class K, class V>
struct pair_traits<key_value<K, V>> {
    using key = unwrap_optional_t<K>;
    using value = unwrap_optional_t<V>;
    template<class P>
    static std::optional<key> get_key(P&& p) { return to_optional(std::forward<P>(p).key); }
    template<class P>
    static std::optional<value> get_value(P&& p) { return to_optional(std::forward<P>(p).value); }
};
template<class K, class V>
struct pair_traits<std::pair<K, V>> {
    using key = unwrap_optional_t<K>;
    using value = unwrap_optional_t<V>;
    template<class P>
    static std::optional<key> get_key(P&& p) { return to_optional(std::forward<P>(p).first); }
    template<class P>
    static std::optional<value> get_value(P&& p) { return to_optional(std::forward<P>(p).second); }
};

template<class T>
concept has_default_serde = std::is_same_v<T, std::string> || std::is_same_v<T, samsa::bytes> ||
                            (std::is_arithmetic_v<T> && std::is_signed_v<T> && !std::is_same_v<T, char>) ||
                            std::is_same_v<T, bool> || (!std::is_arithmetic_v<T> && json_convertible<T>);

// The given serde, else the type's default; throws std::invalid_argument
// at build time for a type without one.
template<class T>
serde<T> resolve_serde(const std::optional<serde<T>>& given) {
    if (given) return *given;
    if constexpr (has_default_serde<T>) {
        return default_serde<T>();
    } else {
        return serde<T>{
            [](std::string_view topic, const T&) -> bytes {
                throw serde_error("no serde given for a type without a default serde (topic '" + std::string(topic) + "')");
            },
            [](std::string_view topic, bytes_view) -> T {
                throw serde_error("no serde given for a type without a default serde (topic '" + std::string(topic) + "')");
            }};
    }
}

// The return type of a non-generic callable, so that e.g.
// grouped.cogroup([](const K&, const V&, const A& agg) { ... }) needs no
// template argument.
template<class F>
struct callable_result : callable_result<decltype(&F::operator())> {};
template<class C, class R, class... A>
struct callable_result<R (C::*)(A...) const> { using type = R; };
template<class C, class R, class... A>
struct callable_result<R (C::*)(A...)> { using type = R; };
template<class R, class... A>
struct callable_result<R (*)(A...)> { using type = R; };

template<class VOut, class F>
struct cogroup_value { using type = VOut; };
template<class F>
struct cogroup_value<void, F> { using type = std::decay_t<typename callable_result<F>::type>; };

}  // namespace samsa::streams::internal
