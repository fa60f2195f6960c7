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
// cleanup.policy=compact) and caching is off by default.
//
// Threads: builders and suppliers are made by the topology builder and used by
// whichever thread creates tasks; each built store is owned by one stream
// thread.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// Makes a fresh, unopened inner bytes store each time get() is called (one per
// task).
class key_value_bytes_store_supplier {
public:
    using factory = std::function<std::unique_ptr<key_value_bytes_store>(const std::string& name)>;

    // logs_itself: the store writes its own changelog (the suppression
    // buffer logs each changed key once per commit, not every write), so
    // store_builder::build() puts no change-logging or caching layer on it;
    // logging_enabled() still tells the runtime to create and restore the
    // changelog topic.
    key_value_bytes_store_supplier(std::string name, bool persistent, factory make, bool logs_itself = false)
        : name_(std::move(name)), persistent_(persistent), logs_itself_(logs_itself), make_(std::move(make)) {}

    const std::string& name() const { return name_; }
    bool persistent() const { return persistent_; }
    bool logs_itself() const { return logs_itself_; }
    std::unique_ptr<key_value_bytes_store> get() const { return make_(name_); }

private:
    std::string name_;
    bool persistent_;
    bool logs_itself_;
    factory make_;
};

class store_builder {
public:
    // timestamped: values are value_and_timestamp bytes (KTable stores); only
    // changes how the changelog is written and restored.
    store_builder(key_value_bytes_store_supplier supplier, bool timestamped)
        : supplier_(std::move(supplier)), timestamped_(timestamped) {}

    store_builder& with_logging_enabled(std::map<std::string, std::string> topic_config);
    store_builder& with_logging_disabled();
    store_builder& with_caching_enabled();
    store_builder& with_caching_disabled();

    const std::string& name() const { return supplier_.name(); }
    bool persistent() const { return supplier_.persistent(); }
    bool timestamped() const { return timestamped_; }
    bool logging_enabled() const { return logging_enabled_; }
    // Extra configs for the changelog topic, given to with_logging_enabled().
    const std::map<std::string, std::string>& logging_config() const { return logging_config_; }
    bool caching_enabled() const { return caching_enabled_; }

    // A new unopened stack; call once per task.
    std::unique_ptr<key_value_bytes_store> build() const;

private:
    key_value_bytes_store_supplier supplier_;
    bool timestamped_;
    bool logging_enabled_ = true;
    std::map<std::string, std::string> logging_config_;
    bool caching_enabled_ = false;
};

namespace stores {

key_value_bytes_store_supplier in_memory_key_value_store(std::string name);
// RocksDB under <task_dir>/rocksdb/<name>.
key_value_bytes_store_supplier persistent_key_value_store(std::string name);
// Kafka distinguishes the timestamped RocksDB format by column family; here the
// same RocksDB store holds value_and_timestamp bytes, so this is an alias kept
// for Kafka's name.
key_value_bytes_store_supplier persistent_timestamped_key_value_store(std::string name);

store_builder key_value_store_builder(key_value_bytes_store_supplier supplier);
store_builder timestamped_key_value_store_builder(key_value_bytes_store_supplier supplier);

}  // namespace stores

}  // namespace samsa::streams
