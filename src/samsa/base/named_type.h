#pragma once
// named_type<T, Tag>: a number that cannot be mixed up with another number of
// the same width (an offset is not a partition id). Arithmetic with the bare
// underlying type is allowed where it reads naturally (offset + 1).

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace samsa {

template<class T, class Tag>
class named_type {
public:
    using type = T;
    constexpr named_type() = default;
    constexpr explicit named_type(T v) : value_(v) {}

    constexpr T operator()() const { return value_; }
    constexpr T value() const { return value_; }

    constexpr auto operator<=>(const named_type&) const = default;

    constexpr named_type operator+(T d) const { return named_type(value_ + d); }
    constexpr named_type operator-(T d) const { return named_type(value_ - d); }
    constexpr T operator-(named_type o) const { return value_ - o.value_; }
    constexpr named_type& operator+=(T d) { value_ += d; return *this; }
    constexpr named_type& operator++() { ++value_; return *this; }

    friend std::ostream& operator<<(std::ostream& os, named_type v) { return os << v.value_; }

private:
    T value_{};
};

}  // namespace samsa

template<class T, class Tag>
struct std::hash<samsa::named_type<T, Tag>> {
    size_t operator()(samsa::named_type<T, Tag> v) const noexcept { return std::hash<T>{}(v()); }
};
