#pragma once
// The vocabulary of windowed results (Kafka Streams' Window, TimeWindow,
// SessionWindow and Windowed<K>).
//
//   window::time(0, 60'000)       a time window [0, 60000): start inclusive,
//                                 end exclusive (tumbling, hopping, sliding)
//   window::session(5, 90)        a session window [5, 90]: both inclusive,
//                                 start == end for a one-record session
//   windowed<std::string>{"alice", window::time(0, 60'000)}
//       to_string -> "[alice@0/60000]"   (Kafka's Windowed.toString)
//
// The kind matters, as in Kafka, for two rules only: a time window needs
// end > start while a session window allows end == start, and overlap() is
// half-open for time windows but closed for session windows. Comparing
// windows of different kinds for overlap is a programmer error in Kafka
// (IllegalArgumentException) and throws std::invalid_argument here.
//
// Threads: values, no shared state.

#include <compare>
#include <concepts>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace samsa::streams {

// Kafka's Window subclasses used by the DSL (UnlimitedWindow is internal to
// Kafka's unlimited windows and not offered).
enum class window_kind : uint8_t { time, session };

// Kafka's Window: a time window [start, end) or a session window [start, end], in ms.
class window {
public:
    // A time window [start, end). Throws std::invalid_argument with Kafka's
    // messages when start < 0 or end <= start.
    static window time(int64_t start_ms, int64_t end_ms) {
        check_bounds(start_ms, end_ms);
        if (start_ms == end_ms) throw std::invalid_argument("Window endMs must be greater than window startMs.");
        return window(start_ms, end_ms, window_kind::time);
    }
    // A session window [start, end]. Throws std::invalid_argument when
    // start < 0 or end < start.
    static window session(int64_t start_ms, int64_t end_ms) {
        check_bounds(start_ms, end_ms);
        return window(start_ms, end_ms, window_kind::session);
    }

    // Start, in ms.
    int64_t start() const { return start_; }
    // End, in ms (exclusive for time windows, inclusive for sessions).
    int64_t end() const { return end_; }
    // Time or session.
    window_kind kind() const { return kind_; }

    // Time windows overlap when they share a millisecond of [start, end);
    // session windows when their closed ranges touch (Kafka's
    // TimeWindow.overlap / SessionWindow.overlap).
    bool overlap(const window& other) const {
        if (other.kind_ != kind_) {
            throw std::invalid_argument(kind_ == window_kind::time
                                            ? "Cannot compare windows of different type. Other window must be of type TimeWindow"
                                            : "Cannot compare windows of different type. Other window must be of type SessionWindow");
        }
        if (kind_ == window_kind::time) return start_ < other.end_ && other.start_ < end_;
        return !(other.end_ < start_ || end_ < other.start_);
    }

    // Equal when kind, start and end are equal (Kafka compares the class
    // too). Ordered by start, then end, then kind, so sorted containers list
    // windows in time order.
    bool operator==(const window&) const = default;
    // By start, then end, then kind.
    auto operator<=>(const window& o) const {
        if (auto c = start_ <=> o.start_; c != 0) return c;
        if (auto c = end_ <=> o.end_; c != 0) return c;
        return kind_ <=> o.kind_;
    }

    // Kafka's Window.toString: "Window{startMs=0, endMs=60000}".
    std::string to_string() const {
        return "Window{startMs=" + std::to_string(start_) + ", endMs=" + std::to_string(end_) + "}";
    }

private:
    window(int64_t start_ms, int64_t end_ms, window_kind kind) : start_(start_ms), end_(end_ms), kind_(kind) {}

    static void check_bounds(int64_t start_ms, int64_t end_ms) {
        if (start_ms < 0) throw std::invalid_argument("Window startMs time cannot be negative.");
        if (end_ms < start_ms) throw std::invalid_argument("Window endMs time cannot be smaller than window startMs time.");
    }

    int64_t start_;
    int64_t end_;
    window_kind kind_;
};

// Writes to_string().
inline std::ostream& operator<<(std::ostream& os, const window& w) { return os << w.to_string(); }

// A key with the window it was aggregated in: the key type of every windowed
// aggregation's ktable (Kafka's Windowed<K>).
template<class K>
class windowed {
public:
    // The window type is spelled qualified in this class because the member
    // function window() hides the class name inside it.
    windowed(K key, samsa::streams::window w) : key_(std::move(key)), window_(w) {}

    // The key.
    const K& key() const { return key_; }
    // Its window.
    const samsa::streams::window& window() const { return window_; }

    // Same key and window.
    bool operator==(const windowed&) const = default;
    // By key, then window; needs an ordered K (std::map<windowed<K>, V>).
    auto operator<=>(const windowed& o) const
        requires std::three_way_comparable<K>
    {
        if (auto c = key_ <=> o.key_; c != 0) return c;
        return window_ <=> o.window_;
    }

private:
    K key_;
    samsa::streams::window window_;
};

namespace detail {
template<class K>
concept ostreamable = requires(std::ostream& os, const K& k) { os << k; };
}  // namespace detail

// Kafka's Windowed.toString: "[" + key + "@" + start + "/" + end + "]".
// Keys print as Java would print the common types: strings as they are,
// numbers in decimal, bool as true/false, other types through operator<<.
template<class K>
    requires std::same_as<K, std::string> || std::is_arithmetic_v<K> || detail::ostreamable<K>
std::string to_string(const windowed<K>& w) {
    std::ostringstream os;
    os << '[';
    if constexpr (std::is_same_v<K, bool>) {
        os << (w.key() ? "true" : "false");
    } else if constexpr (std::is_same_v<K, int8_t> || std::is_same_v<K, uint8_t>) {
        os << static_cast<int>(w.key());  // Java's Byte prints a number, not a character
    } else {
        os << w.key();
    }
    os << '@' << w.window().start() << '/' << w.window().end() << ']';
    return std::move(os).str();
}

// Writes to_string(w).
template<class K>
    requires std::same_as<K, std::string> || std::is_arithmetic_v<K> || detail::ostreamable<K>
std::ostream& operator<<(std::ostream& os, const windowed<K>& w) {
    return os << to_string(w);
}

}  // namespace samsa::streams

template<>
struct std::hash<samsa::streams::window> {
    size_t operator()(const samsa::streams::window& w) const noexcept {
        auto start = static_cast<uint64_t>(w.start());
        auto end = static_cast<uint64_t>(w.end());
        return static_cast<size_t>(((start << 32) | end) ^ static_cast<uint64_t>(w.kind()));
    }
};

template<class K>
struct std::hash<samsa::streams::windowed<K>> {
    size_t operator()(const samsa::streams::windowed<K>& w) const noexcept {
        size_t h = std::hash<K>{}(w.key());
        return h * 31 + std::hash<samsa::streams::window>{}(w.window());
    }
};
