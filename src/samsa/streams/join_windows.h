#pragma once
// Stream-stream join options (Kafka Streams 3.8's JoinWindows and
// StreamJoined). Times are milliseconds.
//
//   join_windows::of_time_difference_and_grace(300'000, 30'000)        |t1 - t2| <= 5 min
//   join_windows::of_time_difference_without_grace(60'000).after(0)    other side at most 1 min earlier
//   stream_joined<K, V, VO>::with(ks, vs, vos).with_name("paid").with_store_name("paid-store")
//
// A record of this stream at time t joins the other stream's records with
// the same key and a timestamp in [t - before, t + after]. A join window
// closes when stream time passes its end by the grace period: records later
// than that are dropped, and left/outer joins emit their unmatched records
// then (the spurious-result fix, KAFKA-10847; always on for these factories,
// as for Kafka's non-deprecated ones).
//
// Threads: values, used on the thread building the topology.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "samsa/streams/serdes/core.h"
#include "samsa/streams/state/stores.h"

namespace samsa::streams {

// Kafka's JoinWindows: how far apart in time two records of a stream-stream join may be (before and after the left
// record's timestamp), and the grace for late records.
class join_windows {
public:
    // Throws std::invalid_argument for a negative time difference or grace.
    static join_windows of_time_difference_and_grace(int64_t time_difference_ms, int64_t after_window_end_ms) {
        return join_windows(time_difference_ms, time_difference_ms, after_window_end_ms);
    }
    // JoinWindows.ofTimeDifferenceWithoutGrace: time_difference_ms either way, no grace.
    static join_windows of_time_difference_without_grace(int64_t time_difference_ms) {
        return of_time_difference_and_grace(time_difference_ms, 0);
    }
    // Kafka's spelling of the same factory.
    static join_windows of_time_difference_with_no_grace(int64_t time_difference_ms) {
        return of_time_difference_without_grace(time_difference_ms);
    }
    // of_time_difference_and_grace() in chrono units.
    static join_windows of_time_difference_and_grace(std::chrono::milliseconds d, std::chrono::milliseconds grace) {
        return of_time_difference_and_grace(d.count(), grace.count());
    }
    // of_time_difference_without_grace() in chrono units.
    static join_windows of_time_difference_without_grace(std::chrono::milliseconds d) {
        return of_time_difference_without_grace(d.count());
    }

    // How much earlier / later the other stream's records may be. Throws
    // std::invalid_argument when before + after becomes negative.
    join_windows before(int64_t time_difference_ms) const { return join_windows(time_difference_ms, after_ms_, grace_ms_); }
    // JoinWindows.after: how far after the left record's timestamp the right one may be (may be negative).
    join_windows after(int64_t time_difference_ms) const { return join_windows(before_ms_, time_difference_ms, grace_ms_); }
    // before() in chrono units.
    join_windows before(std::chrono::milliseconds d) const { return before(d.count()); }
    // after() in chrono units.
    join_windows after(std::chrono::milliseconds d) const { return after(d.count()); }

    // How far before the left record's timestamp the right one may be, in ms.
    int64_t before_ms() const { return before_ms_; }
    // How far after it, in ms.
    int64_t after_ms() const { return after_ms_; }
    // How long after a window's end late records are still joined, in ms.
    int64_t grace_period_ms() const { return grace_ms_; }
    // The join stores' window size; their retention is size() + grace.
    int64_t size() const { return before_ms_ + after_ms_; }
    // Same before, after and grace.
    bool operator==(const join_windows&) const = default;

private:
    join_windows(int64_t before, int64_t after, int64_t grace) : before_ms_(before), after_ms_(after), grace_ms_(grace) {
        if (before + after < 0) throw std::invalid_argument("Window interval (ie, beforeMs+afterMs) must not be negative.");
        if (grace < 0) throw std::invalid_argument("Grace period must not be negative.");
    }
    int64_t before_ms_;
    int64_t after_ms_;
    int64_t grace_ms_;
};

// Serdes and names of a stream-stream join: name prefixes the processors
// (<name>-this-windowed, <name>-this-join, <name>-merge ...), store_name the
// stores (<store_name>-this-join-store ...); without them Kafka's generated
// names are used.
template<class K, class V, class VO>
struct stream_joined {
    // nullopt: default_serde<K>().
    std::optional<serde<K>> key_serde;
    // This side's; nullopt: default_serde<V>().
    std::optional<serde<V>> value_serde;
    // The other side's; nullopt: default_serde<VO>().
    std::optional<serde<VO>> other_value_serde;
    // Prefixes the processors' names (see above).
    std::optional<std::string> name;
    // Prefixes the stores' names (see above).
    std::optional<std::string> store_name;
    // Whether the join stores have changelog topics.
    bool logging_enabled = true;
    // Extra configs for those topics.
    std::map<std::string, std::string> log_config;
    // User-supplied join stores (Kafka's StreamJoined.withThisStoreSupplier /
    // withOtherStoreSupplier): window stores that retain duplicates, with
    // the join windows' size and size + grace as retention, and two
    // different names; they name the stores instead of store_name. Checked
    // when the join is built (streams_exception, as Kafka).
    std::optional<window_bytes_store_supplier> this_store_supplier;
    // As this_store_supplier, for the other side.
    std::optional<window_bytes_store_supplier> other_store_supplier;

    // StreamJoined.with(thisStoreSupplier, otherStoreSupplier).
    static stream_joined with(window_bytes_store_supplier this_supplier, window_bytes_store_supplier other_supplier) {
        stream_joined j;
        j.this_store_supplier = std::move(this_supplier);
        j.other_store_supplier = std::move(other_supplier);
        return j;
    }
    // StreamJoined.with(keySerde, valueSerde, otherValueSerde).
    static stream_joined with(serde<K> k, serde<V> v, serde<VO> o) {
        stream_joined j;
        j.key_serde = std::move(k);
        j.value_serde = std::move(v);
        j.other_value_serde = std::move(o);
        return j;
    }
    // StreamJoined.as(storeName).
    static stream_joined as(std::string store) {
        stream_joined j;
        j.store_name = std::move(store);
        return j;
    }
    // StreamJoined.withName.
    stream_joined& with_name(std::string n) { name = std::move(n); return *this; }
    // StreamJoined.withStoreName.
    stream_joined& with_store_name(std::string s) { store_name = std::move(s); return *this; }
    // StreamJoined.withKeySerde.
    stream_joined& with_key_serde(serde<K> k) { key_serde = std::move(k); return *this; }
    // StreamJoined.withValueSerde.
    stream_joined& with_value_serde(serde<V> v) { value_serde = std::move(v); return *this; }
    // StreamJoined.withOtherValueSerde.
    stream_joined& with_other_value_serde(serde<VO> o) { other_value_serde = std::move(o); return *this; }
    // StreamJoined.withLoggingEnabled(topicConfig).
    stream_joined& with_logging_enabled(std::map<std::string, std::string> config = {}) {
        logging_enabled = true;
        log_config = std::move(config);
        return *this;
    }
    // StreamJoined.withLoggingDisabled.
    stream_joined& with_logging_disabled() { logging_enabled = false; return *this; }
    // StreamJoined.withThisStoreSupplier.
    stream_joined& with_this_store_supplier(window_bytes_store_supplier s) {
        this_store_supplier = std::move(s);
        return *this;
    }
    // StreamJoined.withOtherStoreSupplier.
    stream_joined& with_other_store_supplier(window_bytes_store_supplier s) {
        other_store_supplier = std::move(s);
        return *this;
    }
};

}  // namespace samsa::streams
