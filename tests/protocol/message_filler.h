#pragma once
// message_filler: a third IO for the messages' serde() descriptions. Instead of
// reading or writing, it sets every field that exists at the chosen version to
// a pseudo-random value, so a round-trip test covers every field of every
// version without hand-written fixtures. Keeps the bytes that raw_records
// fields point at, so it must outlive the message it filled.

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "samsa/protocol/wire.h"

namespace samsa::protocol::testing {

class message_filler {
public:
    // Behaves as a reader where a description distinguishes the directions
    // (it builds values rather than consuming them).
    static constexpr bool is_reader = true;

    message_filler(int16_t version, bool flexible, uint64_t seed) : version_(version), flexible_(flexible), rng_(seed) {}

    int16_t version() const { return version_; }
    bool flexible() const { return flexible_; }
    bool ok() const { return true; }

    template<class I>
        requires std::is_integral_v<I>
    void field(I& v) {
        if constexpr (std::is_same_v<I, bool>) {
            v = (rng_() & 1) != 0;
        } else {
            // Mix small values and extremes: both matter to encodings.
            switch (rng_() % 4) {
                case 0: v = static_cast<I>(-1); break;
                case 1: v = static_cast<I>(rng_() % 100); break;
                default: v = static_cast<I>(rng_()); break;
            }
        }
    }
    void field(double& v) { v = static_cast<double>(rng_() % 100000) / 7.0; }
    void field(uuid& v) {
        for (auto& b : v.data) b = static_cast<uint8_t>(rng_());
    }
    void field(std::string& v) {
        v.clear();
        size_t n = rng_() % 12;
        for (size_t i = 0; i < n; ++i) v += static_cast<char>('a' + rng_() % 26);
    }
    void field(std::optional<std::string>& v) {
        if (rng_() % 4 == 0) {
            v.reset();
            return;
        }
        v.emplace();
        field(*v);
    }
    void field(bytes& v) {
        v.resize(rng_() % 20);
        for (auto& b : v) b = static_cast<uint8_t>(rng_());
    }
    void field(std::optional<bytes>& v) {
        if (rng_() % 4 == 0) {
            v.reset();
            return;
        }
        v.emplace();
        field(*v);
    }
    void field(raw_records& v) {
        if (rng_() % 4 == 0) {
            v.data.reset();
            return;
        }
        storage_.emplace_back();
        field(storage_.back());
        v.data = bytes_view(storage_.back());
    }
    template<class E>
        requires std::is_enum_v<E>
    void field(E& v) {
        std::underlying_type_t<E> raw{};
        field(raw);
        v = static_cast<E>(raw);
    }
    template<class T, class Tag>
    void field(named_type<T, Tag>& v) {
        T raw{};
        field(raw);
        v = named_type<T, Tag>(raw);
    }
    template<class T>
    void field(std::vector<T>& v) {
        v.clear();
        v.resize(rng_() % 3);
        for (auto& e : v) field(e);
    }
    template<class T>
    void field(std::optional<std::vector<T>>& v) {
        if (rng_() % 4 == 0) {
            v.reset();
            return;
        }
        v.emplace();
        field(*v);
    }
    template<class S>
        requires(std::is_class_v<S> && !is_named_type<S>::value)
    void field(S& s) {
        serde(*this, s);
    }
    template<class S>
        requires std::is_class_v<S>
    void field(std::optional<S>& v) {
        if (rng_() % 4 == 0) {
            v.reset();
            return;
        }
        v.emplace();
        field(*v);
    }

    void tags() {}
    template<class F>
    void tags(F&& known) {
        if (!flexible_) return;
        tag_filler d{*this};
        known(d);
    }

private:
    // Fills a tagged field two times in three (the rest stay at their
    // defaults, which the encoder leaves out).
    struct tag_filler {
        message_filler& self;
        template<class T>
        void operator()(uint32_t, T& v, bool = true) {
            if (self.rng_() % 3 != 0) self.field(v);
        }
    };

    int16_t version_;
    bool flexible_;
    std::mt19937_64 rng_;
    std::deque<bytes> storage_;
};

}  // namespace samsa::protocol::testing
