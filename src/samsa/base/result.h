#pragma once
// result<T>: the value of an operation that can fail in an expected way (a bad
// frame, a missing file), or the error saying why. Programmer errors are
// assertions instead (samsa/base/assert.h); exceptions stay in start-up code.

#include <string>
#include <utility>
#include <variant>

#include "samsa/base/assert.h"

namespace samsa {

// Broad kinds of expected failure. Each subsystem reports these; the broker maps
// them to Kafka error codes in one place (broker/error_mapping.h).
enum class errc {
    invalid_argument,  // input that breaks a rule of its format or API
    corrupt,           // bytes that fail a checksum or a structural check
    too_large,         // over a configured size limit
    not_found,
    already_exists,
    out_of_range,      // an offset or index outside what exists
    io_error,          // the operating system refused a read, write or sync
    unsupported,       // a version, codec or feature we do not implement
    timed_out,
    closed,            // the object was shut down
};

const char* to_string(errc code);

struct error {
    errc code;
    std::string message;
};

inline error make_error(errc code, std::string message) { return error{code, std::move(message)}; }

template<class T, class E = error>
class [[nodiscard]] result {
public:
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    result(E err) : state_(std::in_place_index<1>, std::move(err)) {}      // NOLINT

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { SAMSA_ASSERT(has_value(), "result::value() on an error"); return *std::get_if<0>(&state_); }
    const T& value() const& { SAMSA_ASSERT(has_value(), "result::value() on an error"); return *std::get_if<0>(&state_); }
    T&& value() && { SAMSA_ASSERT(has_value(), "result::value() on an error"); return std::move(*std::get_if<0>(&state_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { SAMSA_ASSERT(!has_value(), "result::error() on a value"); return *std::get_if<1>(&state_); }

private:
    std::variant<T, E> state_;
};

template<class E>
class [[nodiscard]] result<void, E> {
public:
    result() = default;
    result(E err) : error_(std::move(err)), failed_(true) {}  // NOLINT

    bool has_value() const { return !failed_; }
    explicit operator bool() const { return has_value(); }
    const E& error() const { SAMSA_ASSERT(failed_, "status::error() on success"); return error_; }

private:
    E error_{};
    bool failed_ = false;
};

using status = result<void>;

inline status ok() { return {}; }

}  // namespace samsa
