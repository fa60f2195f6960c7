#pragma once
// Store suppliers and builders (Kafka Streams' Stores, KeyValueBytesStoreSupplier
// and StoreBuilder). A supplier makes the innermost bytes store; a builder
// stacks the optional layers on it, outermost first as in Kafka:
//
//   write counting -> [caching] -> [change-logging] -> inner bytes store
//
// (the inner store is in-memory or RocksDB; the write-counting layer is
// Samsa's, see write_counting_key_value_store.h)
// and build() returns the unopened stack; the task calls init() on it. Typed
// access goes through key_value_store<K, V> / timestamped_key_value_store<K, V>
// over the built stack (Kafka's metered layer, where the serdes live).
//
//   auto builder = stores::timestamped_key_value_store_builder(
//                      stores::persistent_key_value_store("counts"))
//                      .with_logging_enabled({});
//   std::unique_ptr<key_value_bytes_store> stack = builder.build();
//
// As in Kafka, logging is on by default (topic config empty: the runtime adds
// cleanup.policy=compact) and caching is off by default. Caching a window or
// session store orders its cache by segment (caching_key_value_store.h,
// Kafka's CachingWindowStore / CachingSessionStore).
//
// Threads: builders and suppliers are made by the topology builder and used by
// whichever thread creates tasks; each built store is owned by one stream
// thread.

#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

struct segmented_cache_keys;

// What a store holds, as interactive queries tell stores apart (Kafka's
// QueryableStoreType accepts a store by its interface): key-value stores,
// KTable stores (values with timestamps), window stores (plain or with
// timestamps, as windowed aggregations keep them) and session stores.
enum class store_kind { key_value, timestamped_key_value, window, timestamped_window, session };
// The kind's name, for messages.
SAMSA_STREAMS_API const char* to_string(store_kind k);

// Makes a fresh, unopened inner bytes store each time get() is called (one per
// task). Kafka's KeyValueBytesStoreSupplier.
class key_value_bytes_store_supplier {
public:
    // Makes the inner store of the given name.
    using factory = std::function<std::unique_ptr<key_value_bytes_store>(const std::string& name)>;

    // logs_itself: the store writes its own changelog (the suppression
    // buffer logs each changed key once per commit, not every write), so
    // store_builder::build() puts no change-logging or caching layer on it;
    // logging_enabled() still tells the runtime to create and restore the
    // changelog topic.
    key_value_bytes_store_supplier(std::string name, bool persistent, factory make, bool logs_itself = false)
        : name_(std::move(name)), persistent_(persistent), logs_itself_(logs_itself), make_(std::move(make)) {}

    // The store's name.
    const std::string& name() const { return name_; }
    // Whether its stores keep their data on disk (RocksDB).
    bool persistent() const { return persistent_; }
    // See the constructor.
    bool logs_itself() const { return logs_itself_; }
    // A new unopened store.
    std::unique_ptr<key_value_bytes_store> get() const { return make_(name_); }

    // Window and session stores: how long they keep records; their changelog
    // keeps them one windowstore.changelog.additional.retention.ms longer.
    // nullopt for key-value stores.
    std::optional<int64_t> retention_ms() const { return retention_ms_; }
    // Sets retention_ms().
    key_value_bytes_store_supplier& with_retention(int64_t ms) { retention_ms_ = ms; return *this; }
    // Window stores: the windows' size (rebuilds windowed keys for
    // interactive queries); session stores: marked as such.
    std::optional<int64_t> window_size_ms() const { return window_size_ms_; }
    // Sets window_size_ms().
    key_value_bytes_store_supplier& with_window_size(int64_t ms) { window_size_ms_ = ms; return *this; }
    // Whether it makes session stores.
    bool session() const { return session_; }
    // Marks it as making session stores.
    key_value_bytes_store_supplier& as_session_store() { session_ = true; return *this; }
    // Window and session stores: the segments' span, which a record cache
    // orders its keys by (Kafka's segmentIntervalMs()); by default Kafka's
    // max(retention / 2, 60 000 ms).
    std::optional<int64_t> segment_interval_ms() const { return segment_interval_ms_; }
    // Sets segment_interval_ms().
    key_value_bytes_store_supplier& with_segment_interval(int64_t ms) { segment_interval_ms_ = ms; return *this; }

private:
    std::string name_;
    bool persistent_;
    bool logs_itself_;
    factory make_;
    std::optional<int64_t> retention_ms_;
    std::optional<int64_t> window_size_ms_;
    std::optional<int64_t> segment_interval_ms_;
    bool session_ = false;
};

// Kafka's WindowBytesStoreSupplier: a key-value bytes supplier that also
// tells the window store's shape, so the DSL can check it against the windows
// it is asked to materialize (materialized::as(window_bytes_store_supplier)).
class window_bytes_store_supplier : public key_value_bytes_store_supplier {
public:
    // inner makes the window stores; retain_duplicates: see below.
    window_bytes_store_supplier(key_value_bytes_store_supplier inner, bool retain_duplicates)
        : key_value_bytes_store_supplier(std::move(inner)), retain_duplicates_(retain_duplicates) {}
    // The windows' size in ms (Kafka's windowSize()).
    int64_t window_size() const { return window_size_ms().value_or(0); }
    // How long records are kept, in ms (Kafka's retentionPeriod()).
    int64_t retention_period() const { return retention_ms().value_or(0); }
    // Keeps every record of a key and window, not the latest (stream-stream
    // join stores; Kafka's retainDuplicates()).
    bool retain_duplicates() const { return retain_duplicates_; }

private:
    bool retain_duplicates_;
};

// Kafka's SessionBytesStoreSupplier.
class session_bytes_store_supplier : public key_value_bytes_store_supplier {
public:
    // inner makes the session stores.
    explicit session_bytes_store_supplier(key_value_bytes_store_supplier inner)
        : key_value_bytes_store_supplier(std::move(inner)) {}
    // How long sessions are kept, in ms (Kafka's retentionPeriod()).
    int64_t retention_period() const { return retention_ms().value_or(0); }
};

// Kafka's StoreBuilder: builds a task's store stack (metered -> caching ->
// change-logging -> the supplier's inner store) from a supplier; one stack
// per task. Topology::add_state_store takes one.
class SAMSA_STREAMS_API store_builder {
public:
    // timestamped: values are value_and_timestamp bytes (KTable stores); only
    // changes how the changelog is written and restored.
    store_builder(key_value_bytes_store_supplier supplier, bool timestamped)
        : supplier_(std::move(supplier)), timestamped_(timestamped) {}

    // A changelog topic with these extra topic configs (the default, with none).
    store_builder& with_logging_enabled(std::map<std::string, std::string> topic_config);
    // No changelog topic.
    store_builder& with_logging_disabled();
    // A record cache in front of the store.
    store_builder& with_caching_enabled();
    // No record cache (the default for a builder).
    store_builder& with_caching_disabled();

    // The store's name.
    const std::string& name() const { return supplier_.name(); }
    // Whether the inner store is on disk (RocksDB).
    bool persistent() const { return supplier_.persistent(); }
    // See the constructor.
    bool timestamped() const { return timestamped_; }
    // What the stack holds, as interactive queries tell it.
    store_kind kind() const;
    // Kafka's metricsScope (the state-metrics tag is "<scope>-state-id"):
    // rocksdb / in-memory, -window and -session variants; empty for a store
    // that logs itself (the suppression buffer), which has no metered layer.
    std::string metrics_scope() const;
    // The window size of a window store (0 for other kinds).
    int64_t window_size_ms() const { return supplier_.window_size_ms().value_or(0); }
    // Whether the store has a changelog topic.
    bool logging_enabled() const { return logging_enabled_; }
    // The changelog topic's configs: for window and session stores Kafka's
    // windowed defaults (cleanup.policy=compact,delete and retention.ms =
    // retention + windowstore.changelog.additional.retention.ms, 1 day),
    // then what was given to with_logging_enabled(), which wins. The
    // additional retention is the application's
    // windowstore.changelog.additional.retention.ms (Kafka's
    // WindowedChangelogTopicConfig adds it when the topic is created).
    std::map<std::string, std::string> logging_config(int64_t additional_retention_ms) const;
    // logging_config() with Kafka's default additional retention (1 day).
    std::map<std::string, std::string> logging_config() const;
    // Whether the stack has a record cache.
    bool caching_enabled() const { return caching_enabled_; }

    // A new unopened stack; call once per task.
    std::unique_ptr<key_value_bytes_store> build() const;

private:
    // Window and session stores' cache key order; nullopt for key-value stores.
    std::optional<segmented_cache_keys> cache_key_order() const;

    key_value_bytes_store_supplier supplier_;
    bool timestamped_;
    bool logging_enabled_ = true;
    std::map<std::string, std::string> logging_config_;
    bool caching_enabled_ = false;
};

namespace stores {

SAMSA_STREAMS_API key_value_bytes_store_supplier in_memory_key_value_store(std::string name);
// RocksDB under <task_dir>/rocksdb/<name>.
SAMSA_STREAMS_API key_value_bytes_store_supplier persistent_key_value_store(std::string name);
// Kafka distinguishes the timestamped RocksDB format by column family; here the
// same RocksDB store holds value_and_timestamp bytes, so this is an alias kept
// for Kafka's name.
SAMSA_STREAMS_API key_value_bytes_store_supplier persistent_timestamped_key_value_store(std::string name);

SAMSA_STREAMS_API store_builder key_value_store_builder(key_value_bytes_store_supplier supplier);
SAMSA_STREAMS_API store_builder timestamped_key_value_store_builder(key_value_bytes_store_supplier supplier);

// Window stores (Kafka's Stores.persistentWindowStore / inMemoryWindowStore):
// records keyed by (key, window start), kept for retention_ms, in segments of
// max(retention / 2, 60 000 ms) (segmented_bytes_store.h). Throws
// std::invalid_argument when retention < window size or a negative value.
// retain_duplicates suppliers are for stream-stream join stores
// (stream_joined::with_this_store_supplier); the window store builders below
// refuse them.
SAMSA_STREAMS_API window_bytes_store_supplier persistent_window_store(std::string name, int64_t retention_ms,
                                                                      int64_t window_size_ms,
                                                                      bool retain_duplicates = false);
SAMSA_STREAMS_API window_bytes_store_supplier persistent_timestamped_window_store(std::string name,
                                                                                  int64_t retention_ms,
                                                                                  int64_t window_size_ms,
                                                                                  bool retain_duplicates = false);
SAMSA_STREAMS_API window_bytes_store_supplier in_memory_window_store(std::string name, int64_t retention_ms,
                                                                     int64_t window_size_ms,
                                                                     bool retain_duplicates = false);
// The RocksDB window store emit-on-window-close aggregations use (Kafka's
// internal RocksDbIndexedTimeOrderedWindowBytesStoreSupplier): same format and
// changelog, one millisecond longer retention on reads.
SAMSA_STREAMS_API key_value_bytes_store_supplier persistent_time_ordered_window_store(std::string name,
                                                                                      int64_t retention_ms,
                                                                                      int64_t window_size_ms);
// Session stores (Kafka's Stores.persistentSessionStore / inMemorySessionStore),
// keyed by (key, session end, session start), segmented by session end.
SAMSA_STREAMS_API session_bytes_store_supplier persistent_session_store(std::string name, int64_t retention_ms);
SAMSA_STREAMS_API session_bytes_store_supplier in_memory_session_store(std::string name, int64_t retention_ms);

// Plain window and session stores log value and record timestamp; a
// timestamped window store (what windowed aggregations use) logs the raw
// value with the value's own timestamp, as Kafka's.
SAMSA_STREAMS_API store_builder window_store_builder(key_value_bytes_store_supplier supplier);
SAMSA_STREAMS_API store_builder timestamped_window_store_builder(key_value_bytes_store_supplier supplier);
// Throw std::invalid_argument for a supplier that retains duplicates.
SAMSA_STREAMS_API store_builder window_store_builder(const window_bytes_store_supplier& supplier);
SAMSA_STREAMS_API store_builder timestamped_window_store_builder(const window_bytes_store_supplier& supplier);
SAMSA_STREAMS_API store_builder session_store_builder(key_value_bytes_store_supplier supplier);

// Kafka's windowstore.changelog.additional.retention.ms default.
inline constexpr int64_t default_windowstore_changelog_additional_retention_ms = 24 * 60 * 60 * 1000;

}  // namespace stores

}  // namespace samsa::streams
